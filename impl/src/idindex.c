/*
** idindex.c: the key-less string -> uint32 index table of idindex.h.
*/
#include <string.h>
#include "idindex.h"

uint64_t gm_idx_hash(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    uint64_t h = 0x9E3779B97F4A7C15u ^ ((uint64_t)n * 0xC2B2AE3D27D4EB4Fu);
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9u;
        h ^= h >> 29;
        p += 8;
        n -= 8;
    }
    if (n > 0) {
        uint64_t w = 0;
        memcpy(&w, p, n);
        h = (h ^ w) * 0xBF58476D1CE4E5B9u;
        h ^= h >> 29;
    }
    /* splitmix64 finaliser: every input bit reaches the low bits used for the home slot */
    h ^= h >> 30;
    h *= 0xBF58476D1CE4E5B9u;
    h ^= h >> 27;
    h *= 0x94D049BB133111EBu;
    h ^= h >> 31;
    return h;
}

void gm_idx_free(gm_idx *x)
{
    gm_mem_free(x->slots);
    x->slots = NULL;
    x->cap = x->len = 0;
}

static uint64_t gm_idx_hash_item(uint32_t item, gm_idx_key_fn key, const void *ctx)
{
    gm_str k = key(ctx, item);
    return gm_idx_hash(k.ptr, k.len);
}

gm_status gm_idx_reserve(gm_idx *x, size_t n, bool exact, gm_idx_key_fn key, const void *ctx)
{
    if (n <= (size_t)x->cap / 4 * 3) return GM_OK;
    size_t cap = 8;
    if (!exact && (size_t)x->cap * 2 > cap) cap = (size_t)x->cap * 2;
    while (n > cap / 4 * 3) {
        if (cap > ((size_t)1 << 31)) return GM_ENOMEM;   /* slots are counted in uint32 */
        cap *= 2;
    }
    uint32_t *slots = gm_mem_alloc(cap * sizeof *slots);
    if (slots == NULL) return GM_ENOMEM;
    memset(slots, 0xFF, cap * sizeof *slots);             /* GM_IDX_EMPTY everywhere */
    size_t mask = cap - 1;
    for (uint32_t i = 0; i < x->cap; i++) {
        uint32_t it = x->slots[i];
        if (it == GM_IDX_EMPTY) continue;
        size_t j = (size_t)gm_idx_hash_item(it, key, ctx) & mask;
        while (slots[j] != GM_IDX_EMPTY) j = (j + 1) & mask;
        slots[j] = it;
    }
    gm_mem_free(x->slots);
    x->slots = slots;
    x->cap = (uint32_t)cap;
    return GM_OK;
}

bool gm_idx_find_h(const gm_idx *x, uint64_t h, const char *s, size_t n, gm_idx_key_fn key,
                   const void *ctx, uint32_t *item)
{
    if (x->len == 0) return false;
    size_t mask = (size_t)x->cap - 1;
    for (size_t j = (size_t)h & mask;; j = (j + 1) & mask) {
        uint32_t it = x->slots[j];
        if (it == GM_IDX_EMPTY) return false;
        gm_str k = key(ctx, it);
        if (k.len == n && (n == 0 || memcmp(k.ptr, s, n) == 0)) {
            *item = it;
            return true;
        }
    }
}

void gm_idx_insert_h(gm_idx *x, uint64_t h, uint32_t item)
{
    size_t mask = (size_t)x->cap - 1;
    size_t j = (size_t)h & mask;
    while (x->slots[j] != GM_IDX_EMPTY) j = (j + 1) & mask;
    x->slots[j] = item;
    x->len++;
}

void gm_idx_remove(gm_idx *x, uint32_t item, gm_idx_key_fn key, const void *ctx)
{
    if (x->len == 0) return;
    size_t mask = (size_t)x->cap - 1;
    size_t j = (size_t)gm_idx_hash_item(item, key, ctx) & mask;
    for (;; j = (j + 1) & mask) {
        if (x->slots[j] == GM_IDX_EMPTY) return;
        if (x->slots[j] == item) break;
    }
    /* Backward shift: pull later members of the probe run into the hole when their home slot
    ** does not lie cyclically in (hole, k]. */
    for (size_t k = (j + 1) & mask;; k = (k + 1) & mask) {
        uint32_t it = x->slots[k];
        if (it == GM_IDX_EMPTY) break;
        size_t home = (size_t)gm_idx_hash_item(it, key, ctx) & mask;
        bool stays = (j <= k) ? (j < home && home <= k) : (j < home || home <= k);
        if (!stays) {
            x->slots[j] = it;
            j = k;
        }
    }
    x->slots[j] = GM_IDX_EMPTY;
    x->len--;
}

size_t gm_idx_bytes(const gm_idx *x) { return (size_t)x->cap * sizeof *x->slots; }
