/*
** generic.h: backend slots built only on the other slots of a backend table (generic.c). The
** row-store backends (json, native) use all of them; columnar uses the column view. Nothing here
** holds state: every call works through g's own backend table. The filter semantics they share
** with every backend are value.h's gm_pred_match().
*/
#ifndef GM_GENERIC_H
#define GM_GENERIC_H

#include "backend.h"

/* Loops attr_set over the batch. */
gm_status gm_generic_set_batch(gm_graph *g, gm_kind k, const char *key, const uint32_t *hs,
                               const gm_value *vals, size_t count);
/* Materialises the column by attr_get on every live node: typed layout when every present value
** has one scalar type, GM_COL_VALUES (deep copies) otherwise. aliased = false. */
gm_status gm_generic_column(gm_graph *g, const char *key, gm_column *out);
void      gm_generic_column_release(gm_graph *g, gm_column *col);
/* Scans live nodes with attr_get and gm_pred_match(). */
gm_status gm_generic_filter(gm_graph *g, const gm_pred *preds, size_t npreds, gm_list *out);

#endif /* GM_GENERIC_H */
