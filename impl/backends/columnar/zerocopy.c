/*
** zerocopy.c: the `zerocopy` backend, phase 4 of the redesign: the columnar store of store.h
** plus the access paths that allocate nothing per value.
**   - Column views alias the store (aliased = true): i64/f64/bits/codes+dict/offsets+bytes/values
**     and the validity bitmap are the store's own arrays. A view allocates nothing, except for a
**     key no node ever had (a zeroed bitmap is materialised: aliased = false).
**   - Out-neighbours are a view into the CSR arrays (nodes = adjdst + off[n], edges = adjedge +
**     off[n]); a dirty CSR is rebuilt in place first, without allocating.
**   - Batch slots size every array once: node_add_batch (arena, offsets, bitmaps, index, columns),
**     edge_add_batch (edge arrays, adjacency, edge columns), attr_set_batch (one typed loop, no
**     per-value allocation for int/double/bool and dictionary hits).
**   - The filter scans the columns directly (typed comparisons on int64/double, one precomputed
**     answer per dictionary code or bool value) and ANDs the predicates into one bitmap.
*/
#include <string.h>
#include "store.h"
#include "value.h"

static const uint32_t zc_none[1] = { 0 };

static gm_status zc_out_neighbors(gm_graph *g, gm_node n, gm_neighbors *out)
{
    col_graph *G = COL(g);
    col_csr_ready(G);
    const uint32_t *off = G->csroff.p;
    size_t lo = off[n];
    out->len = off[n + 1] - lo;
    out->nodes = out->len ? (const uint32_t *)G->adjdst.p + lo : zc_none;
    out->edges = out->len ? (const uint32_t *)G->adjedge.p + lo : zc_none;
    return GM_OK;
}

static gm_status zc_column(gm_graph *g, const char *key, gm_column *out)
{
    col_graph *G = COL(g);
    col_attr *a = col_attr_find(G, GM_KNODE, key);
    size_t rows = G->nbound;
    out->len = rows;
    out->layout = GM_COL_EMPTY;
    if (a == NULL) {                          /* nothing to alias: a zeroed bitmap */
        out->aliased = false;
        if (rows == 0) return GM_OK;
        uint8_t *z = gm_mem_alloc((rows + 7) / 8);
        if (z == NULL) return gm_fail(g, GM_ENOMEM, "out of memory for an empty column '%s'", key);
        memset(z, 0, (rows + 7) / 8);
        out->valid = z;
        out->priv = z;
        return GM_OK;
    }
    out->aliased = true;
    out->valid = a->valid.p;
    if (a->nvalid == 0) return GM_OK;
    switch (a->type) {
    case COL_I64: out->layout = GM_COL_I64; out->i64 = a->data.p; break;
    case COL_F64: out->layout = GM_COL_F64; out->f64 = a->data.p; break;
    case COL_BOOL: out->layout = GM_COL_BOOL; out->bits = a->data.p; break;
    case COL_DICT:
        out->layout = GM_COL_DICT;
        out->codes = a->data.p;
        out->dict = a->dict.p;
        out->ndict = a->ndict;
        break;
    case COL_STR:
        col_str_finalize(a, rows);            /* writes offsets in place; no allocation */
        out->layout = GM_COL_STR;
        out->offsets = a->data.p;
        out->bytes = a->dbytes.p ? (const char *)a->dbytes.p : "";
        break;
    case COL_VAL: out->layout = GM_COL_VALUES; out->values = a->data.p; break;
    case COL_EMPTY: break;
    }
    return GM_OK;
}

static void zc_column_release(gm_graph *g, gm_column *col)
{
    (void)g;
    gm_mem_free(col->priv);                   /* NULL for aliased views */
}

/* ---------------------------------------------------------------- batches */

/* Undo the last `k` commits of a batch (newest first); reserved capacity stays, as after any
** reservation. No allocation, so it cannot fail. */
static void zc_uncommit_nodes(col_graph *G, size_t k)
{
    while (k-- > 0) {
        gm_node n = G->nbound - 1;
        gm_idx_remove(&G->index, n, col_id_key, G);
        const uint32_t *off = G->idoff.p;
        G->idused -= off[n + 1] - off[n];
        col_bit_clr(G->alive.p, n);
        G->nbound--;
        G->nlive--;
    }
}

/* The slot checks duplicates itself (backend.h): each id is looked up in the index just before
** it is committed, so an id equal to an existing node's or to an earlier one of the same batch is
** found with no temporary set, and the batch is rolled back whole. */
static gm_status zc_node_add_batch(gm_graph *g, const gm_str *ids, size_t count, gm_node *first,
                                   size_t *added)
{
    col_graph *G = COL(g);
    size_t total = 0;
    bool alias = false;
    *added = 0;
    *first = G->nbound;
    for (size_t i = 0; i < count; i++) {
        total += ids[i].len;
        alias |= col_inside(&G->idbytes, ids[i].ptr);
    }
    if (alias) {                   /* ids borrowed from our own arena, which may move: copy them */
        gm_str *copy = gm_ids_copy(ids, count);
        if (copy == NULL) return gm_fail(g, GM_ENOMEM, "out of memory adding %zu nodes", count);
        gm_status rc = zc_node_add_batch(g, copy, count, first, added);
        gm_mem_free(copy);
        return rc;
    }
    gm_status rc = col_reserve_nodes(G, count, total, true);
    if (rc != GM_OK)
        return gm_fail(g, rc, rc == GM_EINVAL ? "node handle space exhausted" : "out of memory adding %zu nodes", count);
    for (size_t i = 0; i < count; i++) {
        const char *p = ids[i].ptr ? ids[i].ptr : "";
        uint64_t h = gm_idx_hash(p, ids[i].len);
        size_t slot = gm_idx_slot_h(&G->index, h, p, ids[i].len, col_id_key, G);
        uint32_t ex = slot == GM_IDX_NOSLOT ? GM_IDX_EMPTY : G->index.slots[slot];
        if (slot != GM_IDX_NOSLOT && col_bit(G->alive.p, ex)) {
            zc_uncommit_nodes(G, i);
            return gm_fail(g, GM_EEXIST, "batch id %zu: node '%.*s' exists%s", i,
                           (int)(ids[i].len > 64 ? 64 : ids[i].len), p,
                           ex >= *first ? " (earlier in the same batch)" : "");
        }
        col_commit_node(G, p, ids[i].len, h, slot);
    }
    *added = count;
    return GM_OK;
}

static gm_status zc_edge_add_batch(gm_graph *g, const gm_node *src, const gm_node *dst, size_t count,
                                   gm_edge *first, size_t *added)
{
    col_graph *G = COL(g);
    *added = 0;
    *first = G->ebound;
    gm_status rc = col_reserve_edges(G, count, true);
    if (rc != GM_OK)
        return gm_fail(g, rc, rc == GM_EINVAL ? "edge handle space exhausted" : "out of memory adding %zu edges", count);
    bool bulk = gm_bulk_edges(count, G->nbound, G->ebound);
    for (size_t i = 0; i < count; i++) col_commit_edge(G, src[i], dst[i]);
    /* a bulk load sorts the CSR at once (O(V + E), amortised O(1) an edge added): the removals
    ** after a bulk build then pay O(out-degree), not a rebuild in the first one (store.h) */
    if (bulk) col_csr_ready(G);
    *added = count;
    return GM_OK;
}

/* The batch proper; its values must not borrow from the target column (see zc_attr_set_batch). */
static gm_status zc_set_batch_own(gm_graph *g, gm_kind k, const char *key, const uint32_t *hs,
                                  const gm_value *vals, size_t count)
{
    col_graph *G = COL(g);
    col_attr *a = col_attr_find(G, k, key);
    bool created = false;
    gm_status rc = GM_OK;
    if (a == NULL) {
        if ((rc = col_attr_create(G, k, key, &a)) != GM_OK) goto fail;
        created = true;
    }
    col_type want = col_type_of(&vals[0]);
    bool uniform = want != COL_VAL;
    for (size_t i = 1; i < count && uniform; i++) uniform = col_type_of(&vals[i]) == want;
    if (uniform && a->type != want && !(a->type == COL_STR && want == COL_DICT)) {
        if (a->nvalid == 0) rc = col_attr_retype(G, k, a, want);
        else uniform = false;                 /* mixes with what is stored: the general path */
    }
    if (rc != GM_OK) goto fail;
    uint8_t *valid = a->valid.p;
    if (uniform && (a->type == COL_I64 || a->type == COL_F64 || a->type == COL_BOOL)) {
        /* the typed loop: no allocation at all */
        for (size_t i = 0; i < count; i++) {
            uint32_t h = hs[i];
            if (a->type == COL_I64) ((int64_t *)a->data.p)[h] = vals[i].as.i;
            else if (a->type == COL_F64) ((double *)a->data.p)[h] = vals[i].as.d;
            else if (vals[i].as.b) col_bit_set(a->data.p, h);
            else col_bit_clr(a->data.p, h);
            if (!col_bit(valid, h)) {
                col_bit_set(valid, h);
                a->nvalid++;
            }
        }
        return GM_OK;
    }
    if (uniform && a->type == COL_STR) {
        size_t total = 0;
        for (size_t i = 0; i < count; i++) total += vals[i].as.s.len;
        if ((rc = col_buf_reserve(&a->dbytes, a->nbytes + total, 1, true)) != GM_OK) goto fail;
    }
    /* strings (dictionary hits allocate nothing; the DICT -> STR decision is taken once, at the
    ** end), and the general path for mixed values */
    for (size_t i = 0; i < count && rc == GM_OK; i++) rc = col_attr_put(G, k, a, hs[i], &vals[i], !uniform);
    if (uniform) col_attr_settle(G, k, a);
    if (rc == GM_OK) return GM_OK;
fail:
    if (created && a->nvalid == 0) col_attr_drop_last(G, k);
    return gm_fail(g, rc, "cannot batch-set '%s' on %zu %ss: %s", key, count,
                   k == GM_KNODE ? "node" : "edge", gm_strerror(rc));
}

/* Values borrowed from the target column itself (a view's strings or payloads) would move or die
** inside the batch (the string bytes are reserved first; a row's payload is freed when the row is
** overwritten), so such a batch runs on a copy of them, as a single set copies first. */
static gm_status zc_attr_set_batch(gm_graph *g, gm_kind k, const char *key, const uint32_t *hs,
                                   const gm_value *vals, size_t count)
{
    if (col_batch_borrows(col_attr_find(COL(g), k, key), vals, count))
        return col_batch_on_copy(g, k, key, hs, vals, count, zc_set_batch_own);
    return zc_set_batch_own(g, k, key, hs, vals, count);
}

/* ---------------------------------------------------------------- filter */

/* The filter works on the caller's result list and nothing else: the first predicate scans its
** column (valid bytes only, skipping empty ones) and appends the matching rows; each further
** predicate keeps, in place, the candidates it matches. So a call allocates only when the list
** has less room than the first column's valid rows (a list reused across calls, or reserved with
** gm_list_reserve, never grows), and later predicates cost a lookup per candidate, not a scan.
** COND sees the row as i. Removed nodes have no valid values, so they never match. */
#define ZC_SCAN(COND)                                                                      \
    if (first) {                                                                           \
        for (size_t j = 0; j < vb; j++) {                                                  \
            for (unsigned zc_w = valid[j]; zc_w; zc_w &= zc_w - 1) {                       \
                size_t i = j * 8 + (unsigned)__builtin_ctz(zc_w);                          \
                if (COND) out->items[out->len++] = (uint32_t)i;                            \
            }                                                                              \
        }                                                                                  \
    } else {                                                                               \
        size_t zc_n = 0;                                                                   \
        for (size_t zc_t = 0; zc_t < out->len; zc_t++) {                                   \
            size_t i = out->items[zc_t];                                                   \
            if (col_bit(valid, i) && (COND)) out->items[zc_n++] = (uint32_t)i;             \
        }                                                                                  \
        out->len = zc_n;                                                                   \
    }

#define ZC_SCAN_OPS(X, C)                                                                  \
    switch (op) {                                                                          \
    case GM_EQ: ZC_SCAN((X) == (C)) break;                                                 \
    case GM_NE: ZC_SCAN((X) != (C)) break;                                                 \
    case GM_LT: ZC_SCAN((X) < (C)) break;                                                  \
    case GM_LE: ZC_SCAN((X) <= (C)) break;                                                 \
    case GM_GT: ZC_SCAN((X) > (C)) break;                                                  \
    case GM_GE: ZC_SCAN((X) >= (C)) break;                                                 \
    }

/* One predicate over column a: first, append its matches to out (room for a->nvalid reserved);
** otherwise keep the candidates of out that match. */
static gm_status zc_scan(const col_attr *a, const gm_pred *p, gm_list *out, size_t vb, bool first)
{
    const uint8_t *valid = a->valid.p;
    const gm_value *c = &p->value;
    gm_op op = p->op;
    if (a->type == COL_I64 && c->type == GM_INT) {
        const int64_t *x = a->data.p;
        int64_t cv = c->as.i;
        ZC_SCAN_OPS(x[i], cv)
    } else if (a->type == COL_F64 && c->type == GM_DOUBLE) {
        const double *x = a->data.p;
        double cv = c->as.d;
        ZC_SCAN_OPS(x[i], cv)
    } else if (a->type == COL_BOOL) {
        gm_value f = gm_bool(false), t = gm_bool(true);
        bool tbl[2] = { gm_pred_match(&f, op, c), gm_pred_match(&t, op, c) };
        const uint8_t *bits = a->data.p;
        ZC_SCAN(tbl[col_bit(bits, i)])
    } else if (a->type == COL_DICT) {
        /* one answer per distinct string, then a lookup per row; a dictionary of more than 256
        ** strings needs a table of its own (the one allocation a filter may make) */
        uint8_t small[256], *tbl = a->ndict <= sizeof small ? small : gm_mem_alloc(a->ndict);
        if (tbl == NULL) return GM_ENOMEM;
        const gm_str *d = a->dict.p;
        for (size_t k = 0; k < a->ndict; k++) {
            gm_value s = gm_strn(d[k].ptr, d[k].len);
            tbl[k] = gm_pred_match(&s, op, c);
        }
        const uint32_t *codes = a->data.p;
        ZC_SCAN(tbl[codes[i]])
        if (tbl != small) gm_mem_free(tbl);
    } else {
        /* strings, mixed numeric comparisons, tagged values: the shared semantics, on a value
        ** read in place (nothing allocated) */
        gm_value v;
        ZC_SCAN((col_row_value(a, i, &v), gm_pred_match(&v, op, c)))
    }
    return GM_OK;
}

static gm_status zc_filter(gm_graph *g, const gm_pred *preds, size_t npreds, gm_list *out)
{
    col_graph *G = COL(g);
    size_t rows = G->nbound, vb = (rows + 7) / 8, first = 0;
    gm_status rc = GM_OK;
    out->len = 0;
    for (size_t p = 0; p < npreds; p++) {
        const col_attr *a = col_attr_find(G, GM_KNODE, preds[p].key);
        if (a == NULL || a->nvalid == 0) return GM_OK;   /* absent everywhere: nothing matches */
        if (a->nvalid < col_attr_find(G, GM_KNODE, preds[first].key)->nvalid) first = p;
    }
    if (rows == 0) return GM_OK;
    if (npreds == 0) {                                   /* every live node */
        const uint8_t *m = G->alive.p;
        if (gm_list_reserve(out, gm_node_count(g)) != GM_OK) goto nomem;
        for (size_t j = 0; j < vb; j++)
            for (unsigned bits = m[j]; bits; bits &= bits - 1)
                out->items[out->len++] = (uint32_t)(j * 8 + (unsigned)__builtin_ctz(bits));
        return GM_OK;
    }
    /* the predicate with the fewest values goes first: the least room, the fewest candidates */
    const col_attr *a0 = col_attr_find(G, GM_KNODE, preds[first].key);
    if (gm_list_reserve(out, a0->nvalid) != GM_OK) goto nomem;
    rc = zc_scan(a0, &preds[first], out, vb, true);
    for (size_t p = 0; p < npreds && rc == GM_OK && out->len > 0; p++)
        if (p != first) rc = zc_scan(col_attr_find(G, GM_KNODE, preds[p].key), &preds[p], out, vb, false);
    if (rc != GM_OK) goto nomem;
    return GM_OK;
nomem:
    out->len = 0;
    return gm_fail(g, GM_ENOMEM, "out of memory filtering");
}

const gm_backend gm_zerocopy_backend = {
    .version = GM_BACKEND_VERSION,
    .name = "zerocopy",
    .phase = 4,
    COL_SHARED_SLOTS,
    .out_neighbors = zc_out_neighbors,
    .attr_set_batch = zc_attr_set_batch,
    .column = zc_column,
    .column_release = zc_column_release,
    .filter = zc_filter,
    .node_add_batch = zc_node_add_batch,
    .edge_add_batch = zc_edge_add_batch,
};
