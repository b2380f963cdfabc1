/*
** columnar.c: the `columnar` backend, phase 3 of the redesign.
**
** Storage is the columnar store of store.h (dense uint32 handles, ids once in an arena, typed
** columns with validity bitmaps, uint32 edge arrays, CSR adjacency). What phase 3 did NOT have is
** zero-copy access and batch operations, so this backend hands out copies and takes the generic
** row-at-a-time paths:
**   - a column view is a materialised copy of the column's arrays (aliased = false);
**   - out-neighbours are copied from the CSR into a scratch buffer owned by the graph;
**   - batch set loops attr_set (generic.c; on a copy if the values borrow from the column), the
**     batch-building calls loop node_add/edge_add (graph.c), and the filter reads every node through attr_get (generic.c).
** zerocopy.c is the same store with the phase-4 paths; the difference is what the harness measures.
*/
#include <string.h>
#include "store.h"
#include "generic.h"

static gm_status co_out_neighbors(gm_graph *g, gm_node n, gm_neighbors *out)
{
    col_graph *G = COL(g);
    col_csr_ready(G);
    const uint32_t *off = G->csroff.p;
    size_t lo = off[n], deg = off[n + 1] - lo;
    if (col_buf_reserve(&G->scratch, 2 * deg, 4, false) != GM_OK)
        return gm_fail(g, GM_ENOMEM, "out of memory copying the out-neighbours of node %u", (unsigned)n);
    uint32_t *s = G->scratch.p;
    if (deg > 0) {
        memcpy(s, (const uint32_t *)G->adjdst.p + lo, deg * 4);
        memcpy(s + deg, (const uint32_t *)G->adjedge.p + lo, deg * 4);
    }
    out->nodes = s;
    out->edges = s ? s + deg : NULL;
    out->len = deg;
    return GM_OK;
}

static size_t co_align8(size_t n) { return (n + 7) & ~(size_t)7; }

/* One block: 8-byte-aligned arrays first, then uint32 codes, then byte arrays. */
static gm_status co_column(gm_graph *g, const char *key, gm_column *out)
{
    col_graph *G = COL(g);
    col_attr *a = col_attr_find(G, GM_KNODE, key);
    size_t rows = G->nbound, vb = (rows + 7) / 8;
    out->len = rows;
    out->aliased = false;
    col_type t = (a == NULL || a->nvalid == 0) ? COL_EMPTY : a->type;
    if (t == COL_STR) col_str_finalize(a, rows);
    size_t wide = 0, codes = 0, bytes = vb;
    switch (t) {
    case COL_I64: case COL_F64: wide = rows * 8; break;
    case COL_BOOL: bytes += vb; break;
    case COL_DICT: wide = a->ndict * sizeof(gm_str); codes = rows * 4; bytes += a->nbytes; break;
    case COL_STR: wide = (rows + 1) * 8; bytes += a->nbytes; break;
    case COL_VAL: wide = rows * sizeof(gm_value); break;
    case COL_EMPTY: break;
    }
    size_t total = co_align8(wide) + co_align8(codes) + bytes;
    if (total == 0) {            /* no rows at all: nothing to copy, and no NULL + 0 arithmetic */
        out->layout = GM_COL_EMPTY;
        return GM_OK;
    }
    char *blk = gm_mem_alloc(total);
    if (blk == NULL) return gm_fail(g, GM_ENOMEM, "out of memory copying column '%s'", key);
    char *w = blk, *c = blk + co_align8(wide), *b = c + co_align8(codes);
    uint8_t *valid = (uint8_t *)b;
    if (vb > 0) {
        if (t == COL_EMPTY) memset(valid, 0, vb);
        else memcpy(valid, a->valid.p, vb);
    }
    b += vb;
    switch (t) {
    case COL_I64: memcpy(w, a->data.p, wide); out->i64 = (const int64_t *)w; out->layout = GM_COL_I64; break;
    case COL_F64: memcpy(w, a->data.p, wide); out->f64 = (const double *)w; out->layout = GM_COL_F64; break;
    case COL_BOOL: memcpy(b, a->data.p, vb); out->bits = (const uint8_t *)b; out->layout = GM_COL_BOOL; break;
    case COL_DICT: {
        gm_str *d = (gm_str *)w;
        const gm_str *sd = a->dict.p;
        size_t pos = 0;
        if (a->nbytes > 0) memcpy(b, a->dbytes.p, a->nbytes);
        for (size_t i = 0; i < a->ndict; i++) {
            d[i].ptr = b + pos;
            d[i].len = sd[i].len;
            pos += sd[i].len;
        }
        memcpy(c, a->data.p, codes);
        out->codes = (const uint32_t *)c;
        out->dict = d;
        out->ndict = a->ndict;
        out->layout = GM_COL_DICT;
        break;
    }
    case COL_STR:
        memcpy(w, a->data.p, wide);
        if (a->nbytes > 0) memcpy(b, a->dbytes.p, a->nbytes);
        out->offsets = (const uint64_t *)w;
        out->bytes = b;
        out->layout = GM_COL_STR;
        break;
    case COL_VAL:   /* the tagged values are copied; their payloads are borrowed, as the header allows */
        memcpy(w, a->data.p, wide);
        out->values = (const gm_value *)w;
        out->layout = GM_COL_VALUES;
        break;
    case COL_EMPTY: out->layout = GM_COL_EMPTY; break;
    }
    out->valid = vb > 0 ? valid : NULL;
    out->priv = blk;
    return GM_OK;
}

/* The generic row-at-a-time batch, on a copy when the values borrow from the target column (a
** value read with a get, set after rows that grow or overwrite what it points into). */
static gm_status co_attr_set_batch(gm_graph *g, gm_kind k, const char *key, const uint32_t *hs,
                                   const gm_value *vals, size_t count)
{
    if (col_batch_borrows(col_attr_find(COL(g), k, key), vals, count))
        return col_batch_on_copy(g, k, key, hs, vals, count, gm_generic_set_batch);
    return gm_generic_set_batch(g, k, key, hs, vals, count);
}

static void co_column_release(gm_graph *g, gm_column *col)
{
    (void)g;
    gm_mem_free(col->priv);
}

const gm_backend gm_columnar_backend = {
    .version = GM_BACKEND_VERSION,
    .name = "columnar",
    .phase = 3,
    COL_SHARED_SLOTS,
    .out_neighbors = co_out_neighbors,
    .attr_set_batch = co_attr_set_batch,
    .column = co_column,
    .column_release = co_column_release,
    .filter = gm_generic_filter,
    .node_add_batch = NULL,
    .edge_add_batch = NULL,
};
