/*
** compact.c: the `compact` backend, phase 6 (compact.h says what it stores and why). Its access
** paths are zerocopy's (backends/columnar/zerocopy.c), extended to the narrow layouts:
**   - Column views alias the store (aliased = true): i64/f64/bits/codes+dict/offsets+bytes and
**     the validity bitmap are the store's own arrays. A view allocates nothing, except for a
**     key no node ever had (a zeroed bitmap is materialised: aliased = false).
**     Narrow ints and codes are GM_COL_INT / GM_COL_DICT_N (`packed` + `width`), strings
**     GM_COL_STR_N (uint32 offsets), still aliased; list, struct and tagged columns, and typed
**     ones holding nulls or ints among doubles, are decoded into one block (GM_COL_VALUES,
**     aliased = false, payloads borrowed from the store).
**   - Out-neighbours: the edge handles of n's CSR segment and their targets are gathered from
**     adjedge and dst[] (both narrow) into escratch and scratch, which the edge adds reserved
**     (compact.h, "edges"); a dirty CSR is rebuilt in place first. Neither allocates.
**   - Batch slots size every array once: node_add_batch (arena, offsets, bitmaps, index, columns),
**     edge_add_batch (edge arrays, adjacency, edge columns), attr_set_batch (one typed loop, no
**     per-value allocation for int/double/bool and dictionary hits).
**   - The filter scans the columns directly (typed comparisons on int8..int64/double, one loop
**     per stored width; one precomputed
**     answer per dictionary code or bool value): the first predicate appends its matching rows
**     to the caller's list, each further one keeps the candidates it matches, appends
**     branchless (groggy-10k: 1.42 -> 0.78 ns a node; +1.5 % instructions, a store per row).
*/
#include <string.h>
#include "compact.h"
#include "value.h"

static const uint32_t cz_none[1] = { 0 };

/* The gather: a live CSR segment holds live edges only, whose handles and targets are never the
** all-ones CP_DEAD entry, so entries are read raw (cp_bits_get), each array at its own width. */
static void cz_gather(const cp_ids *adj, const cp_ids *dst, size_t lo, size_t len,
                      uint32_t *es, uint32_t *s)
{
    const void *ap = adj->b.p, *dp = dst->b.p;
    unsigned aw = adj->w, dw = dst->w;
    uint32_t am = adj->mask, dm = dst->mask;
    for (size_t i = 0; i < len; i++) {
        uint32_t e = cp_bits_get(ap, aw, am, lo + i);
        es[i] = e;
        s[i] = cp_bits_get(dp, dw, dm, e);
    }
}

static gm_status cz_out_neighbors(gm_graph *g, gm_node n, gm_neighbors *out)
{
    cp_graph *G = CP(g);
    cp_csr_ready(G);
    size_t lo = cp_ids_get(&G->csroff, n);
    out->len = cp_ids_get(&G->csroff, n + 1) - lo;
    if (out->len == 0) { out->nodes = out->edges = cz_none; return GM_OK; }
    uint32_t *s = G->scratch.p, *es = G->escratch.p;   /* cap >= degmax >= len: reserved by the adds */
    cz_gather(&G->adjedge, &G->dst, lo, out->len, es, s);
    out->nodes = s;
    out->edges = es;
    return GM_OK;
}

/* A column with nothing to alias as tagged values (a list column, or a typed column holding
** nulls): one block of rows values + every list row's items, decoded (strings point into the
** store), aliased = false, freed by gm_column_release. O(rows + items). */
static gm_status cz_column_decode(gm_graph *g, cp_attr *a, const char *key, gm_column *out)
{
    size_t rows = out->len, items = 0;
    const uint8_t *valid = a->valid.p;
    gm_value v;
    if (a->type == CP_STR) cp_str_finalize(a, rows);
    size_t span = a->type == CP_OBJ ? cp_obj_span(a) : 0;
    for (size_t r = 0; r < rows; r++) {
        if (!cp_bit(valid, r) || cp_is_null(a, r)) continue;
        if (a->type == CP_LIST) { cp_row_value(a, r, &v); items += v.as.a.len; }
        items += span;
    }
    gm_value *blk = gm_mem_alloc((rows + items) * sizeof *blk);
    if (blk == NULL) {
        memset(out, 0, sizeof *out);
        return gm_fail(g, GM_ENOMEM, "out of memory decoding column '%s'", key);
    }
    gm_value *it = blk + rows;
    for (size_t r = 0; r < rows; r++) {
        blk[r] = gm_null();
        if (!cp_bit(valid, r) || cp_is_null(a, r)) continue;
        if (a->type == CP_OBJ) { cp_obj_decode(a, r, &blk[r], &it); continue; }
        if (a->type != CP_LIST) { cp_row_value(a, r, &blk[r]); continue; }
        size_t n = cp_list_row(a, r, it);
        blk[r].type = GM_ARRAY;
        blk[r].as.a.items = n > 0 ? it : NULL;
        blk[r].as.a.len = n;
        it += n;
    }
    out->layout = GM_COL_VALUES;
    out->values = blk;
    out->aliased = false;
    out->priv = blk;
    return GM_OK;
}

static gm_status cz_column(gm_graph *g, const char *key, gm_column *out)
{
    cp_graph *G = CP(g);
    cp_attr *a = cp_attr_find(G, GM_KNODE, key);
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
    if (a->nulls.n > 0 || a->ints.n > 0 || a->type == CP_LIST || a->type == CP_OBJ || a->type == CP_VAL ||
        (a->type == CP_I64 && a->w == 0))      /* a constant column has no array to alias */
        return cz_column_decode(g, a, key, out);
    switch (a->type) {
    case CP_I64:
        if (a->w == 8) { out->layout = GM_COL_I64; out->i64 = a->data.p; break; }
        out->layout = GM_COL_INT;
        out->packed = a->data.p;
        out->width = a->w;
        break;
    case CP_F64: out->layout = GM_COL_F64; out->f64 = a->data.p; break;
    case CP_BOOL: out->layout = GM_COL_BOOL; out->bits = a->data.p; break;
    case CP_DICT:
        if (a->w == 4) {
            out->layout = GM_COL_DICT;
            out->codes = a->data.p;
        } else {
            out->layout = GM_COL_DICT_N;
            out->packed = a->data.p;
            out->width = a->w;
        }
        out->dict = a->dict.p;
        out->ndict = a->ndict;
        break;
    case CP_STR:
        cp_str_finalize(a, rows);            /* writes offsets in place; no allocation */
        out->layout = GM_COL_STR_N;
        out->packed = a->data.p;
        out->width = 4;
        out->bytes = a->dbytes.p ? (const char *)a->dbytes.p : "";
        break;
    case CP_VAL: break;                       /* decoded above */
    case CP_LIST: case CP_OBJ: break;         /* decoded above */
    case CP_EMPTY: break;
    }
    return GM_OK;
}

static void cz_column_release(gm_graph *g, gm_column *col)
{
    (void)g;
    gm_mem_free(col->priv);                   /* NULL for aliased views */
}

/* ---------------------------------------------------------------- batches */

/* Undo the last `k` commits of a batch (newest first); reserved capacity stays, as after any
** reservation. No allocation, so it cannot fail. */
static void cz_uncommit_nodes(cp_graph *G, size_t k)
{
    while (k-- > 0) {
        gm_node n = G->nbound - 1;
        gm_idx_remove(&G->index, n, cp_id_key, G);
        const uint32_t *off = G->idoff.p;
        G->idused -= off[n + 1] - off[n];
        cp_bit_clr(G->alive.p, n);
        G->nbound--;
        G->nlive--;
    }
}

/* The slot checks duplicates itself (backend.h): each id is looked up in the index just before
** it is committed, so an id equal to an existing node's or to an earlier one of the same batch is
** found with no temporary set, and the batch is rolled back whole. */
static gm_status cz_node_add_batch(gm_graph *g, const gm_str *ids, size_t count, gm_node *first,
                                   size_t *added)
{
    cp_graph *G = CP(g);
    size_t total = 0;
    bool alias = false;
    *added = 0;
    *first = G->nbound;
    for (size_t i = 0; i < count; i++) {
        total += ids[i].len;
        alias |= cp_inside(&G->idbytes, ids[i].ptr);
    }
    if (alias) {                   /* ids borrowed from our own arena, which may move: copy them */
        gm_str *copy = gm_ids_copy(ids, count);
        if (copy == NULL) return gm_fail(g, GM_ENOMEM, "out of memory adding %zu nodes", count);
        gm_status rc = cz_node_add_batch(g, copy, count, first, added);
        gm_mem_free(copy);
        return rc;
    }
    gm_status rc = cp_reserve_nodes(G, count, total, true);
    if (rc != GM_OK)
        return gm_fail(g, rc, rc == GM_EINVAL ? "node handle space exhausted" : "out of memory adding %zu nodes", count);
    for (size_t i = 0; i < count; i++) {
        const char *p = ids[i].ptr ? ids[i].ptr : "";
        uint64_t h = gm_idx_hash(p, ids[i].len);
        size_t slot = gm_idx_slot_h(&G->index, h, p, ids[i].len, cp_id_key, G);
        uint32_t ex = slot == GM_IDX_NOSLOT ? GM_IDX_EMPTY : G->index.slots[slot];
        if (slot != GM_IDX_NOSLOT && cp_bit(G->alive.p, ex)) {
            cz_uncommit_nodes(G, i);
            return gm_fail(g, GM_EEXIST, "batch id %zu: node '%.*s' exists%s", i,
                           (int)(ids[i].len > 64 ? 64 : ids[i].len), p,
                           ex >= *first ? " (earlier in the same batch)" : "");
        }
        cp_commit_node(G, p, ids[i].len, h, slot, false);
    }
    cp_csr_extend(G, *first);
    *added = count;
    return GM_OK;
}

static gm_status cz_edge_add_batch(gm_graph *g, const gm_node *src, const gm_node *dst, size_t count,
                                   gm_edge *first, size_t *added)
{
    cp_graph *G = CP(g);
    *added = 0;
    *first = G->ebound;
    bool bulk = cp_bulk(G, count);
    gm_status rc = cp_reserve_edges(G, count, true, bulk ? src : NULL);
    if (rc != GM_OK)
        return gm_fail(g, rc, rc == GM_EINVAL ? "edge handle space exhausted" : "out of memory adding %zu edges", count);
    cp_commit_edges(G, src, dst, count);
    *added = count;
    /* A bulk load: sort the CSR now, where the build pays it (compact.h, "edges"), which also
    ** brings degmax back to the scratch reserved for it. The quarter keeps the rebuilds
    ** amortised O(1) an edge for a caller adding many smaller batches. */
    if (bulk) cp_csr_ready(G);
    return GM_OK;
}

/* The batch proper; its values must not borrow from the target column (see cz_attr_set_batch). */
static gm_status cz_set_batch_own(gm_graph *g, gm_kind k, const char *key, const uint32_t *hs,
                                  const gm_value *vals, size_t count)
{
    cp_graph *G = CP(g);
    cp_attr *a = cp_attr_find(G, k, key);
    bool created = false;
    gm_status rc = GM_OK;
    if (a == NULL) {
        if ((rc = cp_attr_create(G, k, key, &a)) != GM_OK) goto fail;
        created = true;
    }
    cp_type want = cp_type_of(&vals[0]);
    bool uniform = want != CP_VAL && want != CP_OBJ;   /* structs: the general path */
    if (want == CP_I64 || want == CP_F64 || want == CP_BOOL || want == CP_DICT) {
        gm_type t = vals[0].type;             /* scalars: one gm type each, compared inline */
        for (size_t i = 1; i < count && uniform; i++) uniform = vals[i].type == t;
    } else
        for (size_t i = 1; i < count && uniform; i++) uniform = cp_type_of(&vals[i]) == want;
    if (uniform && a->type != want && !(a->type == CP_STR && want == CP_DICT)) {
        if (a->nvalid == a->nulls.n) rc = cp_attr_retype(G, k, a, want);   /* nulls at most */
        else uniform = false;                 /* mixes with what is stored: the general path */
    }
    if (rc != GM_OK) goto fail;
    uint8_t *valid = a->valid.p;
    if (uniform && a->type == CP_I64) {
        /* the widest value decides the width, once: one widening at most per batch */
        int64_t lo = vals[0].as.i, hi = lo;
        for (size_t i = 1; i < count; i++) {
            int64_t x = vals[i].as.i;
            lo = x < lo ? x : lo;
            hi = x > hi ? x : hi;
        }
        unsigned wl = cp_iwidth(lo), wh = cp_iwidth(hi), w = wl > wh ? wl : wh;
        if (lo == hi && a->nvalid == a->nulls.n && a->w != 0) {
            /* one value, nothing else stored: a constant column, no array (compact.h) */
            gm_mem_free(a->data.p);
            a->data.p = NULL;
            a->data.cap = 0;
            a->w = 0;
            a->cval = lo;
        } else if (a->w == 0 && !(lo == hi && lo == a->cval)) {
            unsigned wc = cp_iwidth(a->cval);
            if ((rc = cp_widen(a, w > wc ? w : wc)) != GM_OK) goto fail;
        } else if ((rc = cp_widen(a, w)) != GM_OK) goto fail;
    }
    if (uniform && (a->type == CP_I64 || a->type == CP_F64 || a->type == CP_BOOL)) {
        /* the typed loops, one per stored width: no allocation at all */
        if ((a->nulls.n | a->ints.n) != 0)       /* the rows set lose their marks */
            for (size_t i = 0; i < count; i++) { cp_unmark(&a->nulls, hs[i]); cp_unmark(&a->ints, hs[i]); }
        size_t added = 0;
#define CZ_PUT_LOOP(STORE)                                                                   \
        for (size_t i = 0; i < count; i++) {                                                 \
            uint32_t h = hs[i];                                                              \
            STORE;                                                                           \
            uint8_t m = (uint8_t)(1u << (h & 7));                                            \
            if (!(valid[h >> 3] & m)) { valid[h >> 3] |= m; added++; }                       \
        }
        void *d = a->data.p;
        if (a->type == CP_F64) { CZ_PUT_LOOP(((double *)d)[h] = vals[i].as.d) }
        else if (a->type == CP_BOOL) { CZ_PUT_LOOP(if (vals[i].as.b) cp_bit_set(d, h); else cp_bit_clr(d, h)) }
        else if (a->w == 1) { CZ_PUT_LOOP(((int8_t *)d)[h] = (int8_t)vals[i].as.i) }
        else if (a->w == 2) { CZ_PUT_LOOP(((int16_t *)d)[h] = (int16_t)vals[i].as.i) }
        else if (a->w == 4) { CZ_PUT_LOOP(((int32_t *)d)[h] = (int32_t)vals[i].as.i) }
        else if (a->w == 8) { CZ_PUT_LOOP(((int64_t *)d)[h] = vals[i].as.i) }
        else { CZ_PUT_LOOP((void)d) }             /* constant: every value is cval already */
#undef CZ_PUT_LOOP
        a->nvalid += added;
        cp_attr_try_full(G, k, a);
        return GM_OK;
    }
    if (uniform && a->type == CP_STR) {
        size_t total = 0;
        for (size_t i = 0; i < count; i++) total += vals[i].as.s.len;
        if ((rc = cp_buf_reserve(&a->dbytes, a->nbytes + total, 1, true)) != GM_OK) goto fail;
    }
    /* strings (dictionary hits allocate nothing; the DICT -> STR decision is taken once, at the
    ** end), and the general path for mixed values */
    for (size_t i = 0; i < count && rc == GM_OK; i++) rc = cp_attr_put(G, k, a, hs[i], &vals[i], !uniform);
    if (uniform) cp_attr_settle(G, k, a);
    if (rc == GM_OK) {
        cp_attr_try_full(G, k, a);
        return GM_OK;
    }
fail:
    if (created && a->nvalid == 0) cp_attr_drop_last(G, k);
    return gm_fail(g, rc, "cannot batch-set '%s' on %zu %ss: %s", key, count,
                   k == GM_KNODE ? "node" : "edge", gm_strerror(rc));
}

/* Values borrowed from the target column itself (a view's strings or payloads) would move or die
** inside the batch (the string bytes are reserved first; a row's payload is freed when the row is
** overwritten), so such a batch runs on a copy of them, as a single set copies first. */
static gm_status cz_attr_set_batch(gm_graph *g, gm_kind k, const char *key, const uint32_t *hs,
                                   const gm_value *vals, size_t count)
{
    if (cp_batch_borrows(cp_attr_find(CP(g), k, key), vals, count))
        return cp_batch_on_copy(g, k, key, hs, vals, count, cz_set_batch_own);
    return cz_set_batch_own(g, k, key, hs, vals, count);
}

/* ---------------------------------------------------------------- filter */

/* The filter works on the caller's result list and nothing else: the first predicate scans its
** column (valid bytes only, skipping empty ones) and appends the matching rows; each further
** predicate keeps, in place, the candidates it matches. So a call allocates only when the list
** has less room than the first column's valid rows (a list reused across calls, or reserved with
** gm_list_reserve, never grows), and later predicates cost a lookup per candidate, not a scan.
** COND sees the row as i. Removed nodes have no valid values, so they never match.
** Appends are branchless (the row is written at the end of the list, which then grows by COND):
** a match rate near a quarter (groggy-10k's role) mispredicted a branch per row, and the scan's
** time moved 2x with the loop's code alignment. The first scan writes at most one slot past its
** matches, within the a->nvalid reserved; the in-place pass writes at or before the slot read. */
#define ZC_SCAN(COND)                                                                      \
    if (first) {                                                                           \
        uint32_t *cz_o = out->items;                                                       \
        size_t cz_n = 0;                                                                   \
        for (size_t j = 0; j < vb; j++) {                                                  \
            for (unsigned cz_w = valid[j]; cz_w; cz_w &= cz_w - 1) {                       \
                size_t i = j * 8 + (unsigned)__builtin_ctz(cz_w);                          \
                cz_o[cz_n] = (uint32_t)i;                                                  \
                cz_n += (COND) ? 1u : 0u;                                                  \
            }                                                                              \
        }                                                                                  \
        out->len = cz_n;                                                                   \
    } else {                                                                               \
        uint32_t *cz_o = out->items;                                                       \
        size_t cz_n = 0;                                                                   \
        for (size_t cz_t = 0; cz_t < out->len; cz_t++) {                                   \
            size_t i = cz_o[cz_t];                                                         \
            cz_o[cz_n] = (uint32_t)i;                                                      \
            cz_n += (cp_bit(valid, i) && (COND)) ? 1u : 0u;                                \
        }                                                                                  \
        out->len = cz_n;                                                                   \
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
static gm_status cz_scan(const cp_attr *a, const gm_pred *p, gm_list *out, size_t vb, bool first)
{
    const uint8_t *valid = a->valid.p;
    const gm_value *c = &p->value;
    gm_op op = p->op;
    if (a->nulls.n > 0 || a->ints.n > 0) {
        /* a typed column holding nulls or ints among doubles: each row read in place */
        gm_value v;
        ZC_SCAN((cp_row_value(a, i, &v), gm_pred_match(&v, op, c)))
    } else if (a->type == CP_I64 && c->type == GM_INT) {
        int64_t cv = c->as.i, x0 = a->cval;
        if (a->w == 0) { ZC_SCAN_OPS(x0, cv) }
        else if (a->w == 1) { const int8_t *x = a->data.p; ZC_SCAN_OPS(x[i], cv) }
        else if (a->w == 2) { const int16_t *x = a->data.p; ZC_SCAN_OPS(x[i], cv) }
        else if (a->w == 4) { const int32_t *x = a->data.p; ZC_SCAN_OPS(x[i], cv) }
        else { const int64_t *x = a->data.p; ZC_SCAN_OPS(x[i], cv) }
    } else if (a->type == CP_F64 && c->type == GM_DOUBLE) {
        const double *x = a->data.p;
        double cv = c->as.d;
        ZC_SCAN_OPS(x[i], cv)
    } else if (a->type == CP_BOOL) {
        gm_value f = gm_bool(false), t = gm_bool(true);
        bool tbl[2] = { gm_pred_match(&f, op, c), gm_pred_match(&t, op, c) };
        const uint8_t *bits = a->data.p;
        ZC_SCAN(tbl[cp_bit(bits, i)])
    } else if (a->type == CP_DICT) {
        /* one answer per distinct string, then a lookup per row; a dictionary of more than 256
        ** strings needs a table of its own (the one allocation a filter may make) */
        uint8_t small[256], *tbl = a->ndict <= sizeof small ? small : gm_mem_alloc(a->ndict);
        if (tbl == NULL) return GM_ENOMEM;
        const gm_str *d = a->dict.p;
        for (size_t k = 0; k < a->ndict; k++) {
            gm_value s = gm_strn(d[k].ptr, d[k].len);
            tbl[k] = gm_pred_match(&s, op, c);
        }
        if (a->w == 1) { const uint8_t *codes = a->data.p; ZC_SCAN(tbl[codes[i]]) }
        else if (a->w == 2) { const uint16_t *codes = a->data.p; ZC_SCAN(tbl[codes[i]]) }
        else { const uint32_t *codes = a->data.p; ZC_SCAN(tbl[codes[i]]) }
        if (tbl != small) gm_mem_free(tbl);
    } else {
        /* strings, mixed numeric comparisons, tagged values: the shared semantics, on a value
        ** read in place (nothing allocated) */
        gm_value v;
        ZC_SCAN((cp_row_value(a, i, &v), gm_pred_match(&v, op, c)))
    }
    return GM_OK;
}

static gm_status cz_filter(gm_graph *g, const gm_pred *preds, size_t npreds, gm_list *out)
{
    cp_graph *G = CP(g);
    size_t rows = G->nbound, vb = (rows + 7) / 8, first = 0;
    gm_status rc = GM_OK;
    out->len = 0;
    for (size_t p = 0; p < npreds; p++) {
        const cp_attr *a = cp_attr_find(G, GM_KNODE, preds[p].key);
        if (a == NULL || a->nvalid == 0) return GM_OK;   /* absent everywhere: nothing matches */
        if (a->nvalid < cp_attr_find(G, GM_KNODE, preds[first].key)->nvalid) first = p;
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
    const cp_attr *a0 = cp_attr_find(G, GM_KNODE, preds[first].key);
    if (gm_list_reserve(out, a0->nvalid) != GM_OK) goto nomem;
    rc = cz_scan(a0, &preds[first], out, vb, true);
    for (size_t p = 0; p < npreds && rc == GM_OK && out->len > 0; p++)
        if (p != first) rc = cz_scan(cp_attr_find(G, GM_KNODE, preds[p].key), &preds[p], out, vb, false);
    if (rc != GM_OK) goto nomem;
    return GM_OK;
nomem:
    out->len = 0;
    return gm_fail(g, GM_ENOMEM, "out of memory filtering");
}

const gm_backend gm_compact_backend = {
    .version = GM_BACKEND_VERSION,
    .name = "compact",
    .phase = 6,
    CP_SHARED_SLOTS,
    .out_neighbors = cz_out_neighbors,
    .attr_set_batch = cz_attr_set_batch,
    .column = cz_column,
    .column_release = cz_column_release,
    .filter = cz_filter,
    .node_add_batch = cz_node_add_batch,
    .edge_add_batch = cz_edge_add_batch,
};
