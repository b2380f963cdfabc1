/*
** map.c: the string-keyed hash map of map.h.
**
** Open addressing, linear probing, power-of-two capacity. Deleted slots become tombstones so
** probe chains stay intact; the map grows (or rehashes in place) once live keys plus tombstones
** would pass 7/8 of the slots, and a rehash drops every tombstone. Every growth happens before
** anything is inserted, so a failed allocation leaves the map exactly as it was.
** The block holds cap 16-byte headers followed by cap values, so probing reads only headers and a
** value is found by index. This is not a general-purpose container: keys are byte strings shorter
** than 4 GiB (klen is a uint32_t, to keep a header at 16 bytes), values at most 64 KiB, and the
** capacity stops at 2^31 slots.
*/
#include "map.h"

#include <string.h>

char gm_map_tomb_[1];

/* hashbrown's smallest table: 4 buckets hold 3 keys (its capacity is buckets - 1 below 8
** buckets, 7/8 of them from 8 up, and the 7/8 rule below gives the same 3 at 4 slots), so a
** 3-attribute edge row takes 4 slots as it did in the baseline, not 8. */
#define GM_MAP_MINCAP 4u
#define GM_MAP_MAXCAP (1u << 31)
#define GM_MAP_MAXVAL (1u << 16)

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

static size_t gm_map_vsz(const gm_map *m)
{
    return m->vsize != 0 ? m->vsize : sizeof(uintptr_t);
}

/* Address of value i in a block of cap slots. */
static void *gm_map_at(const gm_map *m, gm_map_slot *slots, uint32_t cap, uint32_t i)
{
    return (char *)(slots + cap) + (size_t)i * gm_map_vsz(m);
}

void gm_map_init(gm_map *m, size_t vsize)
{
    memset(m, 0, sizeof *m);
    /* Out-of-range sizes are a programming error inside the library; clamp rather than abort. */
    m->vsize = (uint32_t)(vsize == 0 || vsize > GM_MAP_MAXVAL ? sizeof(uintptr_t) : vsize);
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
** baseline's rows used) runs at, so a row of 6 attributes fits 8 slots and one of 3 fits 4, as
** they did there. When a
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
    size_t vsz = gm_map_vsz(m);
    if ((size_t)cap > SIZE_MAX / (sizeof(gm_map_slot) + vsz)) return GM_ENOMEM;
    gm_map_slot *slots = gm_mem_alloc((size_t)cap * (sizeof *slots + vsz));
    if (slots == NULL) return GM_ENOMEM;
    memset(slots, 0, (size_t)cap * sizeof *slots);   /* values are written as keys arrive */

    for (uint32_t j = 0; j < m->cap; j++) {
        const gm_map_slot *sl = &m->slots[j];
        if (!gm_map_live(sl)) continue;
        uint32_t i = sl->hash & (cap - 1);
        while (slots[i].key != NULL) i = (i + 1) & (cap - 1);
        slots[i] = *sl;
        memcpy(gm_map_at(m, slots, cap, i), gm_map_at(m, m->slots, m->cap, j), vsz);
    }
    gm_mem_free(m->slots);
    m->slots = slots;
    m->cap = cap;
    m->used = m->len;
    return GM_OK;
}

/* Find or insert key: its slot index in *at. A new key's value bytes are zeroed. */
static gm_status gm_map_insert(gm_map *m, const char *key, size_t klen, uint32_t *at, bool *existed)
{
    if (klen > UINT32_MAX - 1 || (key == NULL && klen > 0)) return GM_EINVAL;
    uint32_t hash = gm_hash(key, klen);
    uint32_t i;
    bool found;

    if (m->cap > 0) {
        i = gm_map_probe(m, key, (uint32_t)klen, hash, &found);
        if (found) {
            *at = i;
            *existed = true;
            return GM_OK;
        }
    }
    char *copy = gm_mem_alloc(klen + 1);
    if (copy == NULL) return GM_ENOMEM;
    if (gm_map_reserve(m) != GM_OK) {
        gm_mem_free(copy);
        return GM_ENOMEM;
    }
    if (klen > 0) memcpy(copy, key, klen);
    copy[klen] = '\0';

    i = gm_map_probe(m, key, (uint32_t)klen, hash, &found);   /* table may have changed */
    gm_map_slot *sl = &m->slots[i];
    if (sl->key == NULL) m->used++;                           /* a reused tombstone was counted */
    sl->key = copy;
    sl->klen = (uint32_t)klen;
    sl->hash = hash;
    m->len++;
    memset(gm_map_at(m, m->slots, m->cap, i), 0, gm_map_vsz(m));
    *at = i;
    *existed = false;
    return GM_OK;
}

gm_status gm_map_vput(gm_map *m, const char *key, size_t klen, void **val, bool *existed)
{
    uint32_t i;
    gm_status rc = gm_map_insert(m, key, klen, &i, existed);

    if (rc == GM_OK) *val = gm_map_at(m, m->slots, m->cap, i);
    return rc;
}

void *gm_map_vget(const gm_map *m, const char *key, size_t klen)
{
    bool found;

    if (m->len == 0 || klen > UINT32_MAX - 1) return NULL;
    uint32_t i = gm_map_probe(m, key, (uint32_t)klen, gm_hash(key, klen), &found);
    return found ? gm_map_at(m, m->slots, m->cap, i) : NULL;
}

bool gm_map_vdel(gm_map *m, const char *key, size_t klen, void *out)
{
    bool found;

    if (m->len == 0 || klen > UINT32_MAX - 1) return false;
    uint32_t i = gm_map_probe(m, key, (uint32_t)klen, gm_hash(key, klen), &found);
    if (!found) return false;
    gm_map_slot *sl = &m->slots[i];
    if (out != NULL) memcpy(out, gm_map_at(m, m->slots, m->cap, i), gm_map_vsz(m));
    gm_mem_free(sl->key);
    /* A slot followed by an empty one ends every probe chain through it: it can be empty too. */
    if (m->slots[(i + 1) & (m->cap - 1)].key == NULL) {
        sl->key = NULL;
        m->used--;
    } else {
        sl->key = GM_MAP_TOMB;
    }
    m->len--;
    return true;
}

bool gm_map_vnext(const gm_map *m, size_t *pos, gm_str *key, void **val)
{
    for (size_t i = *pos; i < m->cap; i++) {
        const gm_map_slot *sl = &m->slots[i];
        if (!gm_map_live(sl)) continue;
        if (key != NULL) { key->ptr = sl->key; key->len = sl->klen; }
        if (val != NULL) *val = gm_map_at(m, m->slots, m->cap, (uint32_t)i);
        *pos = i + 1;
        return true;
    }
    *pos = m->cap;
    return false;
}

void gm_map_vfree(gm_map *m, void (*free_val)(void *val))
{
    for (uint32_t i = 0; i < m->cap; i++) {
        gm_map_slot *sl = &m->slots[i];
        if (!gm_map_live(sl)) continue;
        if (free_val != NULL) free_val(gm_map_at(m, m->slots, m->cap, i));
        gm_mem_free(sl->key);
    }
    gm_mem_free(m->slots);
    m->slots = NULL;
    m->cap = m->len = m->used = 0;
}

size_t gm_map_bytes(const gm_map *m)
{
    size_t n = (size_t)m->cap * (sizeof(gm_map_slot) + gm_map_vsz(m));

    for (uint32_t i = 0; i < m->cap; i++)
        if (gm_map_live(&m->slots[i])) n += (size_t)m->slots[i].klen + 1;
    return n;
}

/* ---------------------------------------------------------------- uintptr_t values */

/* Values of a uintptr_t map are read and written as uintptr_t objects, never reinterpreted. */

gm_status gm_map_put(gm_map *m, const char *key, size_t klen, uintptr_t val,
                     uintptr_t *old, bool *existed)
{
    void *p;
    bool found;
    gm_status rc = gm_map_vput(m, key, klen, &p, &found);

    if (rc != GM_OK) return rc;
    if (found && old != NULL) *old = *(uintptr_t *)p;
    *(uintptr_t *)p = val;
    if (existed != NULL) *existed = found;
    return GM_OK;
}

gm_status gm_map_add(gm_map *m, const char *key, size_t klen, uintptr_t val,
                     const char **stored_key)
{
    uint32_t i;
    bool found;
    gm_status rc = gm_map_insert(m, key, klen, &i, &found);

    if (stored_key != NULL) *stored_key = NULL;
    if (rc != GM_OK) return rc;
    if (found) return GM_EEXIST;
    *(uintptr_t *)gm_map_at(m, m->slots, m->cap, i) = val;
    if (stored_key != NULL) *stored_key = m->slots[i].key;
    return GM_OK;
}

bool gm_map_get(const gm_map *m, const char *key, size_t klen, uintptr_t *val)
{
    const void *p = gm_map_vget(m, key, klen);

    if (p != NULL && val != NULL) *val = *(const uintptr_t *)p;
    return p != NULL;
}

bool gm_map_del(gm_map *m, const char *key, size_t klen, uintptr_t *val)
{
    uintptr_t v;

    if (!gm_map_vdel(m, key, klen, &v)) return false;
    if (val != NULL) *val = v;
    return true;
}

bool gm_map_next(const gm_map *m, size_t *pos, gm_str *key, uintptr_t *val)
{
    void *p;

    if (!gm_map_vnext(m, pos, key, &p)) return false;
    if (val != NULL) *val = *(const uintptr_t *)p;
    return true;
}

void gm_map_free(gm_map *m, void (*free_val)(uintptr_t val))
{
    if (free_val != NULL)
        for (uint32_t i = 0; i < m->cap; i++)
            if (gm_map_live(&m->slots[i])) free_val(*(uintptr_t *)gm_map_at(m, m->slots, m->cap, i));
    gm_map_vfree(m, NULL);
}
