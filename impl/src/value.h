/*
** value.h (internal): value helpers beyond what graphmem.h exports, and the allocator seam that
** lets the harness run this very code on plain malloc.
**
** The seam (cf. Redis's sdsalloc.h, which builds the same sds.c on another allocator): every
** function of value.c and jsoncodec.c that allocates or frees has an `_a` form taking a
** gm_allocator. The public gm_* forms are the `_a` forms on gm_counting_alloc (gm_mem_*, so the
** library's bytes are counted); the harness (harness/gmh.c) passes gm_plain_alloc (malloc/free)
** so the records it holds are never counted as a store's. A value must be freed with the
** allocator it was allocated with.
*/
#ifndef GM_VALUE_H
#define GM_VALUE_H

#include "graphmem.h"

typedef struct gm_allocator {
    void *(*alloc)(size_t n);             /* NULL on failure */
    void  (*free)(void *p);               /* NULL-safe */
} gm_allocator;

extern const gm_allocator gm_counting_alloc;   /* gm_mem_alloc / gm_mem_free */
extern const gm_allocator gm_plain_alloc;      /* malloc / free */

/* gm_value_free / gm_value_copy on allocator `a`. */
void      gm_value_free_a(const gm_allocator *a, gm_value *v);
gm_status gm_value_copy_a(const gm_allocator *a, gm_value *dst, const gm_value *src);

/* Bytes a deep copy of v holds beyond the gm_value itself (payload blocks), as gm_value_copy
** requests them. */
size_t gm_value_payload_bytes(const gm_value *v);

/* `v op c` with graphmem.h's gm_filter semantics (v == NULL: the attribute is absent). Pure: no
** allocation, so the harness calls it as is. */
bool gm_pred_match(const gm_value *v, gm_op op, const gm_value *c);

#endif /* GM_VALUE_H */
