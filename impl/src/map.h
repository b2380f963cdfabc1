/*
** map.h (internal): one string-keyed hash map, shared by every backend that keys on strings
** (the node id index of all backends, the per-row attribute maps of json and native).
**
** Open addressing with linear probing; each slot keeps the key's hash, so a probe compares
** strings only on a hash match. Keys are COPIED into the map on insert (one gm_mem block each,
** NUL-terminated for convenience) and freed by the map; values are opaque uintptr_t the caller
** owns (a handle, or a pointer the caller frees through the map's free callback).
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
    uintptr_t val;
} gm_map_slot;

typedef struct gm_map {
    gm_map_slot *slots;
    uint32_t     cap;      /* 0 or a power of two */
    uint32_t     len;      /* live keys */
    uint32_t     used;     /* live + tombstones */
} gm_map;

#define GM_MAP_INIT { NULL, 0, 0, 0 }

/* Marks a deleted slot's key: a unique address that is never a real key block. */
extern char gm_map_tomb_[1];
#define GM_MAP_TOMB gm_map_tomb_

/* Frees the slots and the keys; calls free_val(val) on each live value if free_val is non-NULL.
** Leaves the map empty and reusable. */
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
/* Bytes the map holds (slots + keys), as requested from gm_mem. */
size_t gm_map_bytes(const gm_map *m);

uint32_t gm_hash(const char *s, size_t n);

#endif /* GM_MAP_H */
