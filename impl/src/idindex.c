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

/* The home slot: the hash's high 32 bits scaled to [0, cap) (multiply-shift, so any cap works
** and every hash bit that the finaliser mixed takes part). */
static size_t gm_idx_home(uint64_t h, size_t cap) { return (size_t)(((h >> 32) * (uint64_t)cap) >> 32); }

/* Slots for n items at the target load 2/3, rounded up to 8 (at least 8). */
static size_t gm_idx_cap_for(size_t n)
{
    size_t c = n + (n + 1) / 2;
    return c < 8 ? 8 : (c + 7) & ~(size_t)7;
}

gm_status gm_idx_reserve(gm_idx *x, size_t n, bool exact, gm_idx_key_fn key, const void *ctx)
{
    if ((uint64_t)n * 4 <= (uint64_t)x->cap * 3) return GM_OK;      /* load stays <= 3/4 */
    if (n > ((size_t)1 << 31)) return GM_ENOMEM;                   /* slots are counted in uint32 */
    size_t cap = gm_idx_cap_for(n);
    /* one-at-a-time growth: +25 % (load 3/4 -> 3/5), so the rehashes stay amortised O(1) an item
    ** and the table never holds more than 1 / (3/5) slots an item */
    if (!exact && (size_t)x->cap + x->cap / 4 > cap) cap = (size_t)x->cap + x->cap / 4;
    if (cap > UINT32_MAX) cap = UINT32_MAX;
    uint32_t *slots = gm_mem_alloc(cap * sizeof *slots);
    if (slots == NULL) return GM_ENOMEM;
    memset(slots, 0xFF, cap * sizeof *slots);             /* GM_IDX_EMPTY everywhere */
    for (uint32_t i = 0; i < x->cap; i++) {
        uint32_t it = x->slots[i];
        if (it == GM_IDX_EMPTY) continue;
        size_t j = gm_idx_home(gm_idx_hash_item(it, key, ctx), cap);
        while (slots[j] != GM_IDX_EMPTY) j = j + 1 == cap ? 0 : j + 1;
        slots[j] = it;
    }
    gm_mem_free(x->slots);
    x->slots = slots;
    x->cap = (uint32_t)cap;
    return GM_OK;
}

size_t gm_idx_slot_h(const gm_idx *x, uint64_t h, const char *s, size_t n, gm_idx_key_fn key,
                     const void *ctx)
{
    if (x->len == 0) return GM_IDX_NOSLOT;
    size_t cap = x->cap;
    for (size_t j = gm_idx_home(h, cap);; j = j + 1 == cap ? 0 : j + 1) {
        uint32_t it = x->slots[j];
        if (it == GM_IDX_EMPTY) return GM_IDX_NOSLOT;
        gm_str k = key(ctx, it);
        if (k.len == n && (n == 0 || memcmp(k.ptr, s, n) == 0)) return j;
    }
}

bool gm_idx_find_h(const gm_idx *x, uint64_t h, const char *s, size_t n, gm_idx_key_fn key,
                   const void *ctx, uint32_t *item)
{
    size_t j = gm_idx_slot_h(x, h, s, n, key, ctx);
    if (j == GM_IDX_NOSLOT) return false;
    *item = x->slots[j];
    return true;
}

void gm_idx_set(gm_idx *x, size_t slot, uint32_t item) { x->slots[slot] = item; }

void gm_idx_insert_h(gm_idx *x, uint64_t h, uint32_t item)
{
    size_t cap = x->cap, j = gm_idx_home(h, cap);
    while (x->slots[j] != GM_IDX_EMPTY) j = j + 1 == cap ? 0 : j + 1;
    x->slots[j] = item;
    x->len++;
}

void gm_idx_remove(gm_idx *x, uint32_t item, gm_idx_key_fn key, const void *ctx)
{
    if (x->len == 0) return;
    size_t cap = x->cap, j = gm_idx_home(gm_idx_hash_item(item, key, ctx), cap);
    for (;; j = j + 1 == cap ? 0 : j + 1) {
        if (x->slots[j] == GM_IDX_EMPTY) return;
        if (x->slots[j] == item) break;
    }
    /* Backward shift: pull later members of the probe run into the hole when their home slot
    ** does not lie cyclically in (hole, k]. */
    for (size_t k = j + 1 == cap ? 0 : j + 1;; k = k + 1 == cap ? 0 : k + 1) {
        uint32_t it = x->slots[k];
        if (it == GM_IDX_EMPTY) break;
        size_t home = gm_idx_home(gm_idx_hash_item(it, key, ctx), cap);
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
