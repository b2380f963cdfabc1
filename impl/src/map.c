/*
** map.c: the string-keyed hash map of map.h.
**
** Open addressing, linear probing, power-of-two capacity. Deleted slots become tombstones so
** probe chains stay intact; the map grows (or rehashes in place) once live keys plus tombstones
** would pass 7/8 of the slots, and a rehash drops every tombstone. Every growth happens before
** anything is inserted, so a failed allocation leaves the map exactly as it was.
** This is not a general-purpose container: keys are byte strings shorter than 4 GiB (klen is a
** uint32_t in the slot, to keep a slot at 24 bytes) and the capacity stops at 2^31 slots.
*/
#include "map.h"

#include <string.h>

char gm_map_tomb_[1];

#define GM_MAP_MINCAP 8u
#define GM_MAP_MAXCAP (1u << 31)

/* A small multiply-xorshift hash over 8-byte words (unaligned loads through memcpy), finished
** with the murmur3 fmix64 avalanche so the low bits used as the slot index depend on every
** input bit. Word loads are native-endian: values differ between byte orders, which only
** changes iteration order, never correctness. */
uint32_t gm_hash(const char *s, size_t n)
{
    const uint64_t k = 0x9e3779b97f4a7c15ull;
    uint64_t h = 0x243f6a8885a308d3ull ^ ((uint64_t)n * k);
    uint64_t w;

    for (; n >= 8; s += 8, n -= 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * k;
        h ^= h >> 31;
    }
    if (n > 0) {
        w = 0;
        memcpy(&w, s, n);
        h = (h ^ w) * k;
        h ^= h >> 31;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return (uint32_t)h;
}

static bool gm_map_live(const gm_map_slot *sl)
{
    return sl->key != NULL && sl->key != GM_MAP_TOMB;
}

/* Index of the slot holding key, or of the slot where it should go (the first tombstone on the
** probe path, else the empty slot that ends it). Requires cap > 0 and at least one empty slot,
** which the 7/8 load limit guarantees. */
static uint32_t gm_map_probe(const gm_map *m, const char *key, uint32_t klen, uint32_t hash,
                             bool *found)
{
    uint32_t mask = m->cap - 1, i = hash & mask, free_at = UINT32_MAX;

    for (;; i = (i + 1) & mask) {
        const gm_map_slot *sl = &m->slots[i];
        if (sl->key == NULL) {
            *found = false;
            return free_at != UINT32_MAX ? free_at : i;
        }
        if (sl->key == GM_MAP_TOMB) {
            if (free_at == UINT32_MAX) free_at = i;
        } else if (sl->hash == hash && sl->klen == klen &&
                   (klen == 0 || memcmp(sl->key, key, klen) == 0)) {
            *found = true;
            return i;
        }
    }
}

/* Make room for one more key. The load limit is 7/8, the one Rust's hashbrown (the map the
** baseline's rows used) runs at, so a row of 6 attributes fits 8 slots as it did there. When a
** rehash is forced by tombstones and live keys already fill half the table, the table doubles,
** so insert/delete churn cannot rehash at every insert. */
static gm_status gm_map_reserve(gm_map *m)
{
    if ((uint64_t)(m->used + 1) * 8 <= (uint64_t)m->cap * 7) return GM_OK;

    uint32_t cap = GM_MAP_MINCAP;
    while ((uint64_t)(m->len + 1) * 8 > (uint64_t)cap * 7) {
        if (cap >= GM_MAP_MAXCAP) return GM_ENOMEM;
        cap *= 2;
    }
    if (cap <= m->cap && (uint64_t)(m->len + 1) * 2 > m->cap) {
        if (m->cap >= GM_MAP_MAXCAP) return GM_ENOMEM;
        cap = m->cap * 2;
    }
    gm_map_slot *slots = gm_mem_alloc((size_t)cap * sizeof *slots);
    if (slots == NULL) return GM_ENOMEM;
    memset(slots, 0, (size_t)cap * sizeof *slots);

    for (uint32_t j = 0; j < m->cap; j++) {
        const gm_map_slot *sl = &m->slots[j];
        if (!gm_map_live(sl)) continue;
        uint32_t i = sl->hash & (cap - 1);
        while (slots[i].key != NULL) i = (i + 1) & (cap - 1);
        slots[i] = *sl;
    }
    gm_mem_free(m->slots);
    m->slots = slots;
    m->cap = cap;
    m->used = m->len;
    return GM_OK;
}

/* Shared insert path: existing key -> *slot_out and *found; new key -> copied and stored. */
static gm_status gm_map_insert(gm_map *m, const char *key, size_t klen, uintptr_t val,
                               gm_map_slot **slot_out, bool *found)
{
    if (klen > UINT32_MAX - 1 || (key == NULL && klen > 0)) return GM_EINVAL;
    uint32_t hash = gm_hash(key, klen);
    uint32_t i;

    if (m->cap > 0) {
        i = gm_map_probe(m, key, (uint32_t)klen, hash, found);
        if (*found) {
            *slot_out = &m->slots[i];
            return GM_OK;
        }
    }
    *found = false;
    char *copy = gm_mem_alloc(klen + 1);
    if (copy == NULL) return GM_ENOMEM;
    if (gm_map_reserve(m) != GM_OK) {
        gm_mem_free(copy);
        return GM_ENOMEM;
    }
    if (klen > 0) memcpy(copy, key, klen);
    copy[klen] = '\0';

    bool dummy;
    i = gm_map_probe(m, key, (uint32_t)klen, hash, &dummy);   /* table may have changed */
    gm_map_slot *sl = &m->slots[i];
    if (sl->key == NULL) m->used++;                           /* a reused tombstone was counted */
    sl->key = copy;
    sl->klen = (uint32_t)klen;
    sl->hash = hash;
    sl->val = val;
    m->len++;
    *slot_out = sl;
    return GM_OK;
}

gm_status gm_map_put(gm_map *m, const char *key, size_t klen, uintptr_t val,
                     uintptr_t *old, bool *existed)
{
    gm_map_slot *sl;
    bool found;
    gm_status rc = gm_map_insert(m, key, klen, val, &sl, &found);

    if (rc != GM_OK) return rc;
    if (found) {
        if (old != NULL) *old = sl->val;
        sl->val = val;
    }
    if (existed != NULL) *existed = found;
    return GM_OK;
}

gm_status gm_map_add(gm_map *m, const char *key, size_t klen, uintptr_t val,
                     const char **stored_key)
{
    gm_map_slot *sl;
    bool found;
    gm_status rc = gm_map_insert(m, key, klen, val, &sl, &found);

    if (rc != GM_OK) return rc;
    if (found) {
        if (stored_key != NULL) *stored_key = NULL;
        return GM_EEXIST;
    }
    if (stored_key != NULL) *stored_key = sl->key;
    return GM_OK;
}

bool gm_map_get(const gm_map *m, const char *key, size_t klen, uintptr_t *val)
{
    bool found;

    if (m->len == 0 || klen > UINT32_MAX - 1) return false;
    uint32_t i = gm_map_probe(m, key, (uint32_t)klen, gm_hash(key, klen), &found);
    if (found && val != NULL) *val = m->slots[i].val;
    return found;
}

bool gm_map_del(gm_map *m, const char *key, size_t klen, uintptr_t *val)
{
    bool found;

    if (m->len == 0 || klen > UINT32_MAX - 1) return false;
    uint32_t i = gm_map_probe(m, key, (uint32_t)klen, gm_hash(key, klen), &found);
    if (!found) return false;
    gm_map_slot *sl = &m->slots[i];
    if (val != NULL) *val = sl->val;
    gm_mem_free(sl->key);
    /* A slot followed by an empty one ends every probe chain through it: it can be empty too. */
    if (m->slots[(i + 1) & (m->cap - 1)].key == NULL) {
        sl->key = NULL;
        m->used--;
    } else {
        sl->key = GM_MAP_TOMB;
    }
    sl->val = 0;
    m->len--;
    return true;
}

bool gm_map_next(const gm_map *m, size_t *pos, gm_str *key, uintptr_t *val)
{
    for (size_t i = *pos; i < m->cap; i++) {
        const gm_map_slot *sl = &m->slots[i];
        if (!gm_map_live(sl)) continue;
        if (key != NULL) { key->ptr = sl->key; key->len = sl->klen; }
        if (val != NULL) *val = sl->val;
        *pos = i + 1;
        return true;
    }
    *pos = m->cap;
    return false;
}

size_t gm_map_bytes(const gm_map *m)
{
    size_t n = (size_t)m->cap * sizeof(gm_map_slot);

    for (uint32_t i = 0; i < m->cap; i++)
        if (gm_map_live(&m->slots[i])) n += (size_t)m->slots[i].klen + 1;
    return n;
}

void gm_map_free(gm_map *m, void (*free_val)(uintptr_t val))
{
    for (uint32_t i = 0; i < m->cap; i++) {
        gm_map_slot *sl = &m->slots[i];
        if (!gm_map_live(sl)) continue;
        if (free_val != NULL) free_val(sl->val);
        gm_mem_free(sl->key);
    }
    gm_mem_free(m->slots);
    m->slots = NULL;
    m->cap = m->len = m->used = 0;
}
