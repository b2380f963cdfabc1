/*
** mem.h (internal): the counting allocator's block tracker, for tests that must PROVE a view
** aliases the store instead of trusting its `aliased` flag.
**
** Mechanism: a run-time switch, off by default. While it is on, gm_mem_alloc/realloc/free also
** record each live block (payload address and requested size) in a side table held with plain
** malloc, outside the counting allocator. So the tracker never changes what is counted (live,
** peak, nalloc, total, blocks), nor the block header, nor fault injection: the benchmarks' heap
** figures are the same with it on or off.
** Cost when off (the production state): one load and one not-taken branch per alloc, realloc and
** free. When on: a hash insert/delete per call (O(1) expected) and O(live blocks) per
** gm_mem_owns() query (a scan: tests only). Not thread-safe, like the rest of the allocator.
**
** Used by impl/tests/columns.c (t_views_alias_store) and, through the binding's test-only
** _mem_track/_mem_serial/_mem_block_serial, by python/tests/test_binding.py.
*/
#ifndef GM_MEM_H
#define GM_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* on: forget any previous record and track every block allocated from now on (blocks that were
** live before are unknown to it). off: stop and free the side table. */
void gm_mem_track(bool on);
/* Is [p, p + n) inside ONE live block allocated while tracking was on? n == 0 asks whether p
** points into (or one past the end of) such a block. False when tracking is off, or when the
** side table could not grow (then every answer is false, so a test fails instead of passing). */
bool gm_mem_owns(const void *p, size_t n);
/* The allocation serial (1, 2, ... in tracking order; a realloc is a new one) of the block
** gm_mem_owns() finds for [p, p + n), 0 if none; and the serial of the last block recorded. A
** test takes gm_mem_serial() before an operation: a pointer whose block serial is nonzero and at
** most that mark points into memory that existed before it (the store's), not into a fresh copy. */
uint64_t gm_mem_block_serial(const void *p, size_t n);
uint64_t gm_mem_serial(void);
/* Live blocks the tracker knows of (a cross-check for tests: equals the growth of
** gm_mem_stats_get().blocks since tracking started, if nothing was live-and-freed across it). */
size_t gm_mem_tracked(void);

#endif /* GM_MEM_H */
