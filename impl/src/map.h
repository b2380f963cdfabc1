/*
** map.h (internal): one string-keyed hash map, shared by every backend that keys on strings
** (the node id index of the row backends, the per-row attribute maps of json and native).
**
** Open addressing with linear probing; each slot keeps the key's hash, so a probe compares
** strings only on a hash match. Keys are COPIED into the map on insert (one gm_mem block each,
** NUL-terminated for convenience) and freed by the map. Values are stored INLINE, `vsize` bytes
** each, fixed when the map is set up (gm_map_init); what a value owns is the caller's, freed
** through the callback of gm_map_free / gm_map_vfree. A zeroed map (GM_MAP_INIT, memset) is an
** empty map of uintptr_t values, the type the gm_map_put/add/get/del/next calls take.
**
** Cost: one block of cap slots, each a 16-byte header (key pointer, key length, hash) plus vsize
** bytes of value (headers first, then values, so probes walk dense headers), cap a power of two
** >= 8 kept at most 7/8 full; plus klen + 1 bytes per live key. A uintptr_t map is 24 bytes a slot,
** native's gm_value rows 48.
** Stability: the address of a value (gm_map_vput, gm_map_vget, gm_map_vnext) is valid until the
** next insert of a NEW key, which may move the whole table; replacing or deleting never moves a
** slot. Key copies never move (separate blocks).
** All memory comes from gm_mem_*. No operation aborts: allocation failures return GM_ENOMEM and
** leave the map unchanged.
*/
#ifndef GM_MAP_H
#define GM_MAP_H

#include "graphmem.h"

typedef struct gm_map_slot {
    char     *key;     /* NULL: empty; GM_MAP_TOMB: deleted */
    uint32_t  klen;
    uint32_t  hash;
} gm_map_slot;

typedef struct gm_map {
    gm_map_slot *slots;    /* one block: cap headers, then cap values of vsize bytes each */
    uint32_t     cap;      /* 0 or a power of two */
    uint32_t     len;      /* live keys */
    uint32_t     used;     /* live + tombstones */
    uint32_t     vsize;    /* bytes per value; 0 means sizeof(uintptr_t) */
} gm_map;

#define GM_MAP_INIT { NULL, 0, 0, 0, 0 }

/* Marks a deleted slot's key: a unique address that is never a real key block. */
extern char gm_map_tomb_[1];
#define GM_MAP_TOMB gm_map_tomb_

/* An empty map of `vsize`-byte values (1 .. 2^16; values are as aligned as any type of that
** size needs, up to 16 bytes). Allocates nothing. */
void gm_map_init(gm_map *m, size_t vsize);

/* ---- values of any size, handled through their address in the table (see Stability above) */

/* Find or insert `key`. *val is the value's address: the stored value when *existed, else fresh
** zeroed bytes the caller fills in. GM_ENOMEM (or GM_EINVAL for a key of 4 GiB or more) leaves
** the map unchanged. */
gm_status gm_map_vput(gm_map *m, const char *key, size_t klen, void **val, bool *existed);
/* The value's address, or NULL if absent. */
void     *gm_map_vget(const gm_map *m, const char *key, size_t klen);
/* Delete; false if absent, else the value is copied to *out (vsize bytes, if out is non-NULL)
** and the key freed. */
bool      gm_map_vdel(gm_map *m, const char *key, size_t klen, void *out);
/* Iterate: size_t pos = 0; while (gm_map_vnext(m, &pos, &k, &v)) ... Order is slot order. */
bool      gm_map_vnext(const gm_map *m, size_t *pos, gm_str *key, void **val);
/* Frees the block and the keys; calls free_val(address) on each live value if non-NULL. Leaves
** the map empty and reusable with the same vsize. */
void      gm_map_vfree(gm_map *m, void (*free_val)(void *val));

/* ---- uintptr_t values (a map whose vsize is 0 or sizeof(uintptr_t)) */

/* Frees the block and the keys; calls free_val(val) on each live value if free_val is non-NULL. */
void gm_map_free(gm_map *m, void (*free_val)(uintptr_t val));
/* Insert or replace. If the key existed, its value is replaced and the old one is returned in
** *old (if non-NULL) with *existed = true; the stored key is kept. */
gm_status gm_map_put(gm_map *m, const char *key, size_t klen, uintptr_t val,
                     uintptr_t *old, bool *existed);
/* Insert only if absent: GM_EEXIST when present (gm_map_get gives the existing value).
** On GM_OK, *stored_key (if non-NULL) points at the map's copy of the key: stable until the key
** is deleted, because keys are separate blocks. */
gm_status gm_map_add(gm_map *m, const char *key, size_t klen, uintptr_t val, const char **stored_key);
/* Lookup; false if absent. */
bool gm_map_get(const gm_map *m, const char *key, size_t klen, uintptr_t *val);
/* Delete; false if absent, else the value in *val (the key is freed). */
bool gm_map_del(gm_map *m, const char *key, size_t klen, uintptr_t *val);
/* Iterate: size_t pos = 0; while (gm_map_next(m, &pos, &k, &v)) ... Order is slot order. */
bool gm_map_next(const gm_map *m, size_t *pos, gm_str *key, uintptr_t *val);

/* Bytes the map holds (the slot block + keys), as requested from gm_mem; not what values own. */
size_t gm_map_bytes(const gm_map *m);

uint32_t gm_hash(const char *s, size_t n);

#endif /* GM_MAP_H */
