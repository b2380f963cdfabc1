/*
** idindex.h (internal): a string -> uint32 index table that stores NO keys.
**
** Each slot holds only an item number (4 bytes). The strings live in the caller's storage (the
** columnar store's one id arena, a string dictionary) and are reached through a key callback,
** both to compare on lookup and to re-hash on growth. That is the point of this table next to
** map.h: map.h copies every key into its own heap block and keeps a 24-byte slot; here a node id
** costs its bytes once in the arena plus 4 / load-factor bytes of table.
**
** Open addressing with linear probing, backward-shift deletion (no tombstones). The capacity is
** NOT a power of two (the home slot is the hash scaled to [0, cap), multiply-shift), so the bytes
** per item follow the item count instead of jumping 2x at each power of two: a table sized from a
** known count (batches, `exact`) has load 2/3 (6 bytes an item, give or take 8 slots); one grown
** an item at a time grows by 25 % when its load passes 3/4, so its load stays in [3/5, 3/4]
** (5.3 to 6.7 bytes an item) and rehashing stays amortised O(1) an insert. Allocation happens only in gm_idx_reserve(); gm_idx_insert_h() and
** gm_idx_remove() never allocate, so callers reserve first and commit after (allocate-then-commit).
** All memory comes from gm_mem_*.
*/
#ifndef GM_IDINDEX_H
#define GM_IDINDEX_H

#include "graphmem.h"

/* The string of item `item`, resolved from the caller's storage (`ctx`). */
typedef gm_str (*gm_idx_key_fn)(const void *ctx, uint32_t item);

typedef struct gm_idx {
    uint32_t *slots;   /* cap entries: GM_IDX_EMPTY or an item number */
    uint32_t  cap;     /* 0 or >= 8 slots (any count) */
    uint32_t  len;     /* items stored */
} gm_idx;

#define GM_IDX_INIT  { NULL, 0, 0 }
#define GM_IDX_EMPTY UINT32_MAX      /* so an item number must be < UINT32_MAX */

/* 64-bit hash of n bytes (8-byte words, multiply-xorshift mixing). */
uint64_t gm_idx_hash(const char *s, size_t n);

/* Frees the table; leaves it empty and reusable. */
void gm_idx_free(gm_idx *x);

/* Make room for n items in total, so that n - len inserts need no allocation. Nothing happens
** while n fits at load <= 3/4. Otherwise `exact`: n at load 2/3; not exact: the larger of that and
** the current capacity + 25 %. GM_ENOMEM leaves the table unchanged. Re-hashes every item through
** key() when it grows. */
gm_status gm_idx_reserve(gm_idx *x, size_t n, bool exact, gm_idx_key_fn key, const void *ctx);

/* Find the item whose string is (s, n) and whose hash is h = gm_idx_hash(s, n). */
bool gm_idx_find_h(const gm_idx *x, uint64_t h, const char *s, size_t n, gm_idx_key_fn key,
                   const void *ctx, uint32_t *item);

/* The slot holding the item whose string is (s, n), or GM_IDX_NOSLOT. Valid until the next
** gm_idx_reserve / insert / remove. With gm_idx_set it lets a caller re-point an id at a new item
** in place (the columnar store keeps a removed node's entry and re-points it on re-add). */
#define GM_IDX_NOSLOT SIZE_MAX
size_t gm_idx_slot_h(const gm_idx *x, uint64_t h, const char *s, size_t n, gm_idx_key_fn key,
                     const void *ctx);
/* Store `item` in `slot` (from gm_idx_slot_h); the slot's string must be item's string. O(1). */
void gm_idx_set(gm_idx *x, size_t slot, uint32_t item);
/* Insert item (with hash h of its string). Precondition: capacity reserved, string not present. */
void gm_idx_insert_h(gm_idx *x, uint64_t h, uint32_t item);

/* Remove item (its string is still resolvable through key()). No-op if it is not stored. */
void gm_idx_remove(gm_idx *x, uint32_t item, gm_idx_key_fn key, const void *ctx);

/* Bytes held (the slot array), as requested from gm_mem. */
size_t gm_idx_bytes(const gm_idx *x);

#endif /* GM_IDINDEX_H */
