/*
** gmbench.c: the driver for our backends (harness/PROTOCOL.md), through graphmem.h only.
**
**     gmbench --scenario DIR --plan PLAN.json --system json|native|columnar|zerocopy --reps N
**
** Order of events, which the exact figures depend on:
**  1. The plan and the records are loaded by the library's JSON codec on plain malloc
**     (gmh_plan_load, gmh_data_load, through value.h's allocator seam), before anything is
**     measured: the loader is never counted and the library's own cJSON use always is.
**  2. Every input a timed loop needs (set values, handles to remove, batch arrays) is prepared
**     from the records before anything is measured, with plain malloc.
**  3. build: the memory figures come from the first repetition (a cold process: RSS delta and
**     VmHWM mean something only there), which is kept for the read-only operations; the other
**     repetitions are built, timed and closed. The records stay in memory, unchanged, during the
**     build: the store copies everything it keeps (graphmem.h), so the before/after deltas of
**     mallinfo and of the counting allocator are the store's bytes alone.
**  4. get, column, filter, neighbors read the kept graph; set, batch-set and remove get a freshly
**     built graph per repetition (built outside the timed region).
**
** Build mode: "single" adds nodes and edges one call at a time and sets each attribute with one
** gm_node_set/gm_edge_set, as a user would. "batch" (the zerocopy phase, or GMBENCH_BUILD=batch)
** uses gm_node_add_batch, gm_edge_add_batch and one gm_node_set_batch/gm_edge_set_batch per key.
**
** Every checksum is also computed from the records (get, column, set, batch-set, filter with the
** library's gm_pred_match over the records, neighbors, remove); a difference is reported on stderr
** and the run ends with status 4 after every row was printed (PROTOCOL.md, "Wrong answers").
**
** Exit codes: 0 ok, 1 a graphmem call failed, 2 bad arguments or input files, 3 unknown backend,
** 4 a wrong answer.
*/
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gmh.h"
#include "graphmem.h"

typedef struct gmb_batch {       /* one attribute key as a batch: handles[i] := vals[i] */
    const char *key;
    uint32_t   *handles;
    gm_value   *vals;            /* shallow copies of the records' values (borrowed) */
    size_t      n;
} gmb_batch;

typedef struct gmb {
    gmh_args  a;
    gmh_plan  plan;
    gmh_data  d;
    bool      batch_build;
    /* batch build inputs */
    gm_str   *ids;
    gm_node  *esrc, *edst;
    gmb_batch *nbatch, *ebatch;  /* per node key / per edge key */
    /* set / batch-set inputs */
    gm_node  *set_nodes;
    gm_value *set_vals;
    size_t    nset;
    gmh_sum   set_expect;
    gmh_sum   num_expect;        /* get / column: the numeric attribute over the records */
    /* remove inputs */
    gm_node  *rm;
} gmb;

static void gmb_check(gm_graph *g, gm_status s, const char *what)
{
    if (s == GM_OK) return;
    const char *msg = gm_errmsg(g);
    gmh_die(1, "%s failed: %s%s%s", what, gm_strerror(s), *msg ? ": " : "", msg);
}

static gm_graph *gmb_open(const gmb *b)
{
    char err[512];
    gm_graph *g = NULL;
    gm_status s = gm_open(b->a.system, &g, err, sizeof err);
    if (s == GM_EINVAL) gmh_die(3, "%s", err);
    if (s != GM_OK) gmh_die(1, "gm_open: %s", err);
    return g;
}

static void gmb_build_single(const gmb *b, gm_graph *g)
{
    const gmh_data *d = &b->d;
    for (size_t i = 0; i < d->nnodes; i++) {
        const gmh_node *nd = &d->nodes[i];
        gm_node n;
        gmb_check(g, gm_node_add(g, nd->id, nd->idlen, &n), "gm_node_add");
        if (n != i) gmh_die(1, "gm_node_add: handle %u for the node added %zu-th", n, i);
        for (size_t k = 0; k < nd->nattrs; k++)
            gmb_check(g, gm_node_set(g, n, nd->attrs[k].key, &nd->attrs[k].val), "gm_node_set");
    }
    for (size_t i = 0; i < d->nedges; i++) {
        const gmh_edge *e = &d->edges[i];
        gm_edge h;
        gmb_check(g, gm_edge_add(g, e->src, e->dst, &h), "gm_edge_add");
        if (h != i) gmh_die(1, "gm_edge_add: handle %u for the edge added %zu-th", h, i);
        for (size_t k = 0; k < e->nattrs; k++)
            gmb_check(g, gm_edge_set(g, h, e->attrs[k].key, &e->attrs[k].val), "gm_edge_set");
    }
}

/* The hook for the batch-building phase (zerocopy): one call per kind of item and per key. */
static void gmb_build_batch(const gmb *b, gm_graph *g)
{
    const gmh_data *d = &b->d;
    gm_node first = GM_NONE;
    gm_edge efirst = GM_NONE;
    gmb_check(g, gm_node_add_batch(g, b->ids, d->nnodes, &first, NULL), "gm_node_add_batch");
    if (first != 0) gmh_die(1, "gm_node_add_batch: first handle %u, expected 0", first);
    if (d->nedges > 0) {
        gmb_check(g, gm_edge_add_batch(g, b->esrc, b->edst, d->nedges, &efirst, NULL),
                  "gm_edge_add_batch");
        if (efirst != 0) gmh_die(1, "gm_edge_add_batch: first handle %u, expected 0", efirst);
    }
    for (size_t k = 0; k < d->nnode_keys; k++)
        gmb_check(g, gm_node_set_batch(g, b->nbatch[k].key, b->nbatch[k].handles, b->nbatch[k].vals,
                                       b->nbatch[k].n), "gm_node_set_batch");
    for (size_t k = 0; k < d->nedge_keys; k++)
        gmb_check(g, gm_edge_set_batch(g, b->ebatch[k].key, b->ebatch[k].handles, b->ebatch[k].vals,
                                       b->ebatch[k].n), "gm_edge_set_batch");
}

static gm_graph *gmb_build(const gmb *b)
{
    gm_graph *g = gmb_open(b);
    if (b->batch_build) gmb_build_batch(b, g);
    else gmb_build_single(b, g);
    return g;
}

static void *gmb_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (p == NULL) gmh_die(1, "out of memory preparing inputs");
    return p;
}

static gmb_batch *gmb_prepare_batches(const char **keys, size_t nkeys, size_t nitems,
                                      const gmh_attr *(*attrs)(const gmh_data *, size_t, size_t *),
                                      const gmh_data *d)
{
    gmb_batch *bs = gmb_xcalloc(nkeys, sizeof *bs);
    for (size_t k = 0; k < nkeys; k++) {
        bs[k].key = keys[k];
        bs[k].handles = gmb_xcalloc(nitems, sizeof *bs[k].handles);
        bs[k].vals = gmb_xcalloc(nitems, sizeof *bs[k].vals);
        for (size_t i = 0; i < nitems; i++) {
            size_t na;
            const gmh_attr *a = attrs(d, i, &na);
            const gm_value *v = gmh_attr_get_k(a, na, keys[k]);
            if (v == NULL) continue;
            bs[k].handles[bs[k].n] = (uint32_t)i;
            bs[k].vals[bs[k].n++] = *v;
        }
    }
    return bs;
}

static const gmh_attr *gmb_node_attrs(const gmh_data *d, size_t i, size_t *n)
{ *n = d->nodes[i].nattrs; return d->nodes[i].attrs; }
static const gmh_attr *gmb_edge_attrs(const gmh_data *d, size_t i, size_t *n)
{ *n = d->edges[i].nattrs; return d->edges[i].attrs; }

static void gmb_free_batches(gmb_batch *bs, size_t n)
{
    for (size_t k = 0; bs && k < n; k++) { free(bs[k].handles); free(bs[k].vals); }
    free(bs);
}

static void gmb_prepare(gmb *b)
{
    const gmh_data *d = &b->d;
    const char *key = b->plan.numeric_attr;
    if (b->batch_build) {
        b->ids = gmb_xcalloc(d->nnodes, sizeof *b->ids);
        for (size_t i = 0; i < d->nnodes; i++) {
            b->ids[i].ptr = d->nodes[i].id;
            b->ids[i].len = d->nodes[i].idlen;
        }
        b->esrc = gmb_xcalloc(d->nedges, sizeof *b->esrc);
        b->edst = gmb_xcalloc(d->nedges, sizeof *b->edst);
        for (size_t i = 0; i < d->nedges; i++) {
            b->esrc[i] = d->edges[i].src;
            b->edst[i] = d->edges[i].dst;
        }
        b->nbatch = gmb_prepare_batches(d->node_keys, d->nnode_keys, d->nnodes, gmb_node_attrs, d);
        b->ebatch = gmb_prepare_batches(d->edge_keys, d->nedge_keys, d->nedges, gmb_edge_attrs, d);
    }
    /* set: every node whose numeric attribute is a number gets old + offset */
    b->set_nodes = gmb_xcalloc(d->nnodes, sizeof *b->set_nodes);
    b->set_vals = gmb_xcalloc(d->nnodes, sizeof *b->set_vals);
    const gm_value off = b->plan.offset;
    for (size_t i = 0; i < d->nnodes; i++) {
        const gm_value *v = gmh_attr_get(d->nodes[i].attrs, d->nodes[i].nattrs, key);
        if (v == NULL || (v->type != GM_INT && v->type != GM_DOUBLE)) continue;
        gmh_sum_add(&b->num_expect, v);
        gm_value nv;
        int64_t r;
        if (v->type == GM_INT && off.type == GM_INT && !__builtin_add_overflow(v->as.i, off.as.i, &r))
            nv = gm_int(r);
        else
            nv = gm_double((v->type == GM_INT ? (double)v->as.i : v->as.d) +
                           (off.type == GM_INT ? (double)off.as.i : off.as.d));
        b->set_nodes[b->nset] = (gm_node)i;
        b->set_vals[b->nset++] = nv;
        gmh_sum_add(&b->set_expect, &nv);
    }
    b->rm = gmb_xcalloc(b->plan.nremove, sizeof *b->rm);
    /* one byte a node marks the ids seen: the scale family removes 10 % of 10M nodes, where a
    ** pairwise check would take 5 x 10^11 comparisons */
    unsigned char *seen = gmb_xcalloc(d->nnodes ? d->nnodes : 1, 1);
    for (size_t i = 0; i < b->plan.nremove; i++) {
        long idx = gmh_data_find(d, b->plan.remove[i], strlen(b->plan.remove[i]));
        if (idx < 0) gmh_die(2, "%s: remove names unknown node \"%s\"", b->a.plan, b->plan.remove[i]);
        if (seen[idx]) gmh_die(2, "%s: remove lists \"%s\" twice", b->a.plan, b->plan.remove[i]);
        seen[idx] = 1;
        b->rm[i] = (gm_node)idx;
    }
    free(seen);
}

static void gmb_free(gmb *b)
{
    free(b->ids);
    free(b->esrc);
    free(b->edst);
    gmb_free_batches(b->nbatch, b->d.nnode_keys);
    gmb_free_batches(b->ebatch, b->d.nedge_keys);
    free(b->set_nodes);
    free(b->set_vals);
    free(b->rm);
    gmh_data_free(&b->d);
    gmh_plan_free(&b->plan);
}

static void gmb_usage_cb(void *ud, const char *component, size_t bytes)
{
    (void)ud;
    /* a component may name a layout ("node:uid list<str>", compact); any byte outside the info
    ** key alphabet (bench.py's INFO_KEY: a key or member name with a comma, say) becomes '_' */
    char key[320];
    snprintf(key, sizeof key, "usage.%s", component);
    for (char *p = key; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              strchr("_.:<>+; -[]", *p) != NULL))
            *p = '_';
    gmh_infof(key, "%zu", bytes);
}

/* ---------------------------------------------------------------- operations */

static void gmb_op_get(const gmb *b, gm_graph *g, uint64_t *ns)
{
    const gmh_data *d = &b->d;
    const char *key = b->plan.numeric_attr;
    gmh_sum sum = {0};
    uint64_t allocs = 0;
    for (int r = 0; r < b->a.reps; r++) {
        gmh_sum s = {0};
        if (r == 0) GMH_CG_BEGIN();
        gm_mem_stats m0 = gm_mem_stats_get();
        uint64_t t0 = gmh_now_ns();
        for (size_t i = 0; i < d->nnodes; i++) {
            gm_node n;
            gm_value v;
            gmb_check(g, gm_node_find(g, d->nodes[i].id, d->nodes[i].idlen, &n), "gm_node_find");
            gm_status st = gm_node_get(g, n, key, &v);
            if (st == GM_OK) gmh_sum_add(&s, &v);
            else if (st != GM_ABSENT) gmb_check(g, st, "gm_node_get");
        }
        ns[r] = gmh_now_ns() - t0;
        if (r == 0) GMH_CG_END("get");
        if (r == 0) allocs = gm_mem_stats_get().nalloc - m0.nalloc;   /* the first call: the same figure for any --reps */
        sum = s;
    }
    gmh_rows_time("get", ns, (size_t)b->a.reps, d->nnodes);
    gmh_row_u("get", "num_allocs", allocs, "count", "exact");
    gmh_row_sum("get", &sum);
    gmh_check_sum("get", &sum, &b->num_expect);
}

static void gmb_sum_column(const gm_column *c, gmh_sum *s)
{
    switch (c->layout) {
    case GM_COL_EMPTY: break;
    case GM_COL_I64:                             /* fast path: a typed array */
        for (size_t i = 0; i < c->len; i++)
            if (c->valid[i >> 3] >> (i & 7) & 1) s->isum += c->i64[i];
        break;
    case GM_COL_F64:
        for (size_t i = 0; i < c->len; i++)
            if (c->valid[i >> 3] >> (i & 7) & 1) gmh_sum_add_number(s, c->f64[i]);
        break;
    case GM_COL_INT:                             /* compact: a typed array of the stored width */
#define GMB_SUM_PACKED(T) \
        for (size_t i = 0; i < c->len; i++) \
            if (c->valid[i >> 3] >> (i & 7) & 1) s->isum += ((const T *)c->packed)[i];
        if (c->width == 1) { GMB_SUM_PACKED(int8_t) }
        else if (c->width == 2) { GMB_SUM_PACKED(int16_t) }
        else { GMB_SUM_PACKED(int32_t) }
#undef GMB_SUM_PACKED
        break;
    default:                                     /* any other layout, value by value */
        for (size_t i = 0; i < c->len; i++) {
            gm_value v;
            if (gm_column_value(c, i, &v) == GM_OK) gmh_sum_add(s, &v);
        }
        break;
    }
}

static void gmb_op_column(const gmb *b, gm_graph *g, uint64_t *ns)
{
    gmh_sum sum = {0};
    uint64_t allocs = 0;
    bool aliased = false;
    gm_col_layout layout = GM_COL_EMPTY;
    for (int r = 0; r < b->a.reps; r++) {
        gmh_sum s = {0};
        gm_column c;
        memset(&c, 0, sizeof c);
        if (r == 0) GMH_CG_BEGIN();
        gm_mem_stats m0 = gm_mem_stats_get();
        uint64_t t0 = gmh_now_ns();
        gmb_check(g, gm_node_column(g, b->plan.numeric_attr, &c), "gm_node_column");
        gmb_sum_column(&c, &s);
        aliased = c.aliased;
        layout = c.layout;
        gm_column_release(g, &c);
        ns[r] = gmh_now_ns() - t0;
        if (r == 0) GMH_CG_END("column");
        if (r == 0) allocs = gm_mem_stats_get().nalloc - m0.nalloc;   /* the first call: the same figure for any --reps */
        sum = s;
    }
    static const char *const layouts[] = { "empty", "i64", "f64", "bool", "str", "dict", "values",
                                           "int", "dict_n" };
    gmh_info("column_layout", (unsigned)layout < 9 ? layouts[layout] : "?");
    gmh_info("column_aliased", aliased ? "true" : "false");
    gmh_rows_time("column", ns, (size_t)b->a.reps, gm_node_bound(g));
    gmh_row_u("column", "num_allocs", allocs, "count", "exact");
    gmh_row_sum("column", &sum);
    gmh_check_sum("column", &sum, &b->num_expect);
}

/* set (batch == false) or batch-set. Repetition 0 runs on *first when it is given (the graph
** `build` made, which only reads have seen since: PROTOCOL.md, "Repetitions") and leaves it
** there, set's values in it; every other repetition on a freshly built graph, closed after. */
static void gmb_op_set(const gmb *b, bool batch, uint64_t *ns, gm_graph **first)
{
    const char *op = batch ? "batch-set" : "set";
    const char *key = b->plan.numeric_attr;
    uint64_t allocs = 0;
    gmh_sum after = {0};
    for (int r = 0; r < b->a.reps; r++) {
        gm_graph *g = r == 0 && first ? *first : gmb_build(b);
        if (r == 0) GMH_CG_BEGIN();
        gm_mem_stats m0 = gm_mem_stats_get();
        uint64_t t0 = gmh_now_ns();
        if (batch)
            gmb_check(g, gm_node_set_batch(g, key, b->set_nodes, b->set_vals, b->nset),
                      "gm_node_set_batch");
        else
            for (size_t i = 0; i < b->nset; i++)
                gmb_check(g, gm_node_set(g, b->set_nodes[i], key, &b->set_vals[i]), "gm_node_set");
        ns[r] = gmh_now_ns() - t0;
        if (r == 0) GMH_CG_END(op);
        if (r == 0) allocs = gm_mem_stats_get().nalloc - m0.nalloc;   /* the first call: the same figure for any --reps */
        if (r == b->a.reps - 1) {                /* read back what was written */
            memset(&after, 0, sizeof after);
            for (size_t i = 0; i < b->nset; i++) {
                gm_value v;
                gm_status st = gm_node_get(g, b->set_nodes[i], key, &v);
                if (st == GM_OK) gmh_sum_add(&after, &v);
                else if (st != GM_ABSENT) gmb_check(g, st, "gm_node_get");
            }
        }
        if (!(r == 0 && first)) gm_close(g);
    }
    gmh_rows_time(op, ns, (size_t)b->a.reps, b->nset);
    gmh_row_u(op, "num_allocs", allocs, "count", "exact");
    gmh_row_sum(op, &after);
    gmh_check_sum(op, &after, &b->set_expect);
}

static void gmb_op_filter(const gmb *b, gm_graph *g, uint64_t *ns)
{
    const gmh_data *d = &b->d;
    gm_pred *preds = gmb_xcalloc(b->plan.nfilter, sizeof *preds);
    gmh_plan_preds(&b->plan, preds);
    size_t count = 0;
    uint64_t allocs = 0;
    /* The result list is the caller's (graphmem.h): reserved for every node before anything is
    ** measured and reused, so num_allocs counts what the store itself allocates to filter. */
    gm_list l = { NULL, 0, 0 };
    gmb_check(g, gm_list_reserve(&l, d->nnodes), "gm_list_reserve");
    for (int r = 0; r < b->a.reps; r++) {
        if (r == 0) GMH_CG_BEGIN();
        gm_mem_stats m0 = gm_mem_stats_get();
        uint64_t t0 = gmh_now_ns();
        gmb_check(g, gm_filter(g, preds, b->plan.nfilter, &l), "gm_filter");
        ns[r] = gmh_now_ns() - t0;
        if (r == 0) GMH_CG_END("filter");
        if (r == 0) allocs = gm_mem_stats_get().nalloc - m0.nalloc;   /* the first call: the same figure for any --reps */
        count = l.len;
    }
    gm_list_free(&l);
    size_t expect = 0;                           /* the same predicates over the records */
    for (size_t i = 0; i < d->nnodes; i++) {
        bool ok = true;
        for (size_t k = 0; ok && k < b->plan.nfilter; k++)
            ok = gm_pred_match(gmh_attr_get(d->nodes[i].attrs, d->nodes[i].nattrs, preds[k].key),
                                preds[k].op, &preds[k].value);
        expect += ok;
    }
    free(preds);
    gmh_rows_time("filter", ns, (size_t)b->a.reps, gm_node_count(g));
    gmh_row_u("filter", "num_allocs", allocs, "count", "exact");
    gmh_row_u("filter", "checksum", count, "value", "exact");
    gmh_check_u("filter", count, expect);
}

static void gmb_op_neighbors(const gmb *b, gm_graph *g, uint64_t *ns)
{
    uint64_t sum = 0, items = 0, allocs = 0;
    for (int r = 0; r < b->a.reps; r++) {
        uint64_t s = 0, it = 0;
        if (r == 0) GMH_CG_BEGIN();
        gm_mem_stats m0 = gm_mem_stats_get();
        uint64_t t0 = gmh_now_ns();
        gm_node n = GM_NONE;
        gm_status st;
        while ((st = gm_node_next(g, &n)) == GM_OK) {
            gm_neighbors nb;
            gmb_check(g, gm_out_neighbors(g, n, &nb), "gm_out_neighbors");
            /* read every target: handles are file positions (gmb_build checks it) */
            for (size_t j = 0; j < nb.len; j++) s += nb.nodes[j];
            it += nb.len;
        }
        if (st != GM_END) gmb_check(g, st, "gm_node_next");
        ns[r] = gmh_now_ns() - t0;
        if (r == 0) GMH_CG_END("neighbors");
        if (r == 0) allocs = gm_mem_stats_get().nalloc - m0.nalloc;   /* the first call: the same figure for any --reps */
        sum = s;
        items = it;
    }
    gmh_rows_time("neighbors", ns, (size_t)b->a.reps, items);
    gmh_row_u("neighbors", "num_allocs", allocs, "count", "exact");
    gmh_row_u("neighbors", "checksum", sum, "value", "exact");
    uint64_t expect = 0;                         /* the same sum over the records */
    for (size_t i = 0; i < b->d.nedges; i++) expect += b->d.edges[i].dst;
    gmh_check_u("neighbors", sum, expect);
}

/* Repetition 0 runs on first (set's graph: set changed values only) and closes it; the
** others on freshly built graphs. */
static void gmb_op_remove(const gmb *b, uint64_t *ns, gm_graph *first)
{
    size_t left = 0;
    uint64_t allocs = 0;
    for (int r = 0; r < b->a.reps; r++) {
        gm_graph *g = r == 0 ? first : gmb_build(b);
        if (r == 0) GMH_CG_BEGIN();
        gm_mem_stats m0 = gm_mem_stats_get();
        uint64_t t0 = gmh_now_ns();
        for (size_t i = 0; i < b->plan.nremove; i++)
            gmb_check(g, gm_node_remove(g, b->rm[i]), "gm_node_remove");
        ns[r] = gmh_now_ns() - t0;
        if (r == 0) GMH_CG_END("remove");
        if (r == 0) allocs = gm_mem_stats_get().nalloc - m0.nalloc;   /* the first call: the same figure for any --reps */
        left = gm_node_count(g);
        gm_close(g);
    }
    gmh_rows_time("remove", ns, (size_t)b->a.reps, b->plan.nremove);
    gmh_row_u("remove", "num_allocs", allocs, "count", "exact");
    gmh_row_u("remove", "checksum", left, "value", "exact");
    gmh_check_u("remove", left, b->d.nnodes - b->plan.nremove);
}

/* build-single: with a batch build, the same backend built one item at a time, so the report can
** tell what batch building alone buys (counting-allocator figures from repetition 0). */
static void gmb_build_single_rows(const gmb *b, uint64_t *ns)
{
    for (int r = 0; r < b->a.reps; r++) {
        if (r == 0) GMH_CG_BEGIN();
        gm_mem_stats m0 = gm_mem_stats_get();
        gm_mem_reset_peak();
        uint64_t t0 = gmh_now_ns();
        gm_graph *g = gmb_open(b);               /* inside the window, as in gmb_build */
        gmb_build_single(b, g);
        ns[r] = gmh_now_ns() - t0;
        if (r == 0) {
            GMH_CG_END("build-single");
            gm_mem_stats m1 = gm_mem_stats_get();
            gmh_row_u("build-single", "heap_live_bytes", m1.live - m0.live, "B", "exact");
            gmh_row_u("build-single", "heap_peak_bytes", m1.peak - m0.live, "B", "exact");
            gmh_row_u("build-single", "num_allocs", m1.nalloc - m0.nalloc, "count", "exact");
            gmh_row_u("build-single", "heap_live_blocks", m1.blocks - m0.blocks, "count", "exact");
        }
        gm_close(g);
    }
    gmh_rows_time("build-single", ns, (size_t)b->a.reps, b->d.nnodes + b->d.nedges);
}

/* ---------------------------------------------------------------- main */

int main(int argc, char **argv)
{
    gmb b;
    memset(&b, 0, sizeof b);
    gmh_output_init();
    /* gmbench --prepare-records DIR: load DIR's records and exit, nothing measured. For a big
    ** generated scenario this writes its binary copy (gmh_cache.h), so bench.py can have it
    ** made on the second core while its own reference parse runs on the first, instead of the
    ** first C driver making it after (groggy-10m: about 100 s of make scale). */
    if (argc == 3 && strcmp(argv[1], "--prepare-records") == 0) {
        char err[1024];
        if (gmh_data_load(argv[2], &b.d, err, sizeof err) != 0)
            gmh_die(2, "--prepare-records: %s", err);
        gmh_data_free(&b.d);
        return 0;
    }
    if (gmh_parse_args(argc, argv, &b.a) != 0) return 2;

    /* Unknown backend: say so before reading any file (gm_open repeats the check). */
    bool known = false;
    for (size_t i = 0; i < gm_backend_count(); i++)
        if (strcmp(gm_backend_name(i), b.a.system) == 0) known = true;
    if (!known) {
        char list[256] = "";
        for (size_t i = 0; i < gm_backend_count(); i++) {
            if (i) strncat(list, ", ", sizeof list - strlen(list) - 1);
            strncat(list, gm_backend_name(i), sizeof list - strlen(list) - 1);
        }
        gmh_die(3, "unknown backend '%s'; known backends: %s", b.a.system, list);
    }
    const char *mode = getenv("GMBENCH_BUILD");
    b.batch_build = mode ? strcmp(mode, "batch") == 0 : (strcmp(b.a.system, "zerocopy") == 0 ||
                                                     strcmp(b.a.system, "compact") == 0);

    /* 1. load: plan and records, cJSON on plain malloc, before the first gm_open(). */
    char err[1024];
    size_t mi0 = gmh_mallinfo_bytes();
    uint64_t t0 = gmh_now_ns();
    if (gmh_plan_load(b.a.plan, &b.plan, err, sizeof err) != 0) gmh_die(2, "%s", err);
    if (gmh_data_load(b.a.scenario, &b.d, err, sizeof err) != 0) {
        gmh_plan_free(&b.plan);
        gmh_die(2, "%s", err);
    }
    uint64_t load_ns = gmh_now_ns() - t0;
    size_t mi_load = gmh_mallinfo_bytes() - mi0;
    /* 2. inputs of the timed loops */
    gmb_prepare(&b);

    gmh_info("backend", b.a.system);
    gmh_info("build_mode", b.batch_build ? "batch" : "single");
    gmh_info("get_addressing", "string_id");
    gmh_info("set_addressing", "handle");
    gmh_info("batch", "gm_node_set_batch");
    gmh_infof("mem_header_bytes", "%zu", (size_t)_Alignof(max_align_t));   /* mem.c: one alignment unit */
    gmh_info("allocator", gmh_jemalloc_present() ? "jemalloc" : "glibc");
    gmh_row_u("load", "time_ns", load_ns, "ns", "single");
    gmh_row_u("load", "items", b.d.nnodes + b.d.nedges, "count", "exact");
    gmh_row_u("load", "mallinfo_bytes", mi_load, "B", "exact");

    uint64_t *ns = gmb_xcalloc((size_t)b.a.reps, sizeof *ns);

    /* 3. build: memory figures from repetition 0, which is kept */
    gmh_memsnap snap;
    gmh_memsnap_before(&snap);
    gm_mem_stats m0 = gm_mem_stats_get();
    gm_mem_reset_peak();
    GMH_CG_BEGIN();
    t0 = gmh_now_ns();
    gm_graph *g = gmb_build(&b);
    ns[0] = gmh_now_ns() - t0;
    GMH_CG_END("build");
    gm_mem_stats m1 = gm_mem_stats_get();
    gmh_memsnap_after_print("build", &snap);
    gmh_row_u("build", "heap_live_bytes", m1.live - m0.live, "B", "exact");
    gmh_row_u("build", "heap_peak_bytes", m1.peak - m0.live, "B", "exact");
    gmh_row_u("build", "num_allocs", m1.nalloc - m0.nalloc, "count", "exact");
    gmh_row_u("build", "heap_live_blocks", m1.blocks - m0.blocks, "count", "exact");
    gm_memory_usage(g, gmb_usage_cb, NULL);      /* GM_EINVAL: no breakdown, nothing printed */
    for (int r = 1; r < b.a.reps; r++) {
        t0 = gmh_now_ns();
        gm_graph *h = gmb_build(&b);
        ns[r] = gmh_now_ns() - t0;
        gm_close(h);
    }
    gmh_rows_time("build", ns, (size_t)b.a.reps, b.d.nnodes + b.d.nedges);
    if (b.batch_build) gmb_build_single_rows(&b, ns);   /* the same store built item by item */

    /* 4. operations (GMBENCH_ONLY=build stops here: the massif profile is of the build alone) */
    const char *only = getenv("GMBENCH_ONLY");
    if (only == NULL || strcmp(only, "build") != 0) {
        /* The reads first, on the built graph; then set's and remove's repetition 0 on it
        ** (the mutations a fresh graph would see: reads leave it as built, and set changes
        ** values only), so a run builds two graphs fewer (groggy-10m: 4 builds of 9-29 s a
        ** C driver, 1 repetition); batch-set needs set's old values: fresh graphs. */
        gmb_op_get(&b, g, ns);
        gmb_op_column(&b, g, ns);
        gmb_op_filter(&b, g, ns);
        gmb_op_neighbors(&b, g, ns);
        gmb_op_set(&b, false, ns, &g);
        gmb_op_remove(&b, ns, g);                /* closes g */
        g = NULL;
        gmb_op_set(&b, true, ns, NULL);
    }

    if (g) gm_close(g);
    free(ns);
    gmb_free(&b);
    gm_mem_stats end = gm_mem_stats_get();
    if (end.live != 0) {
        fprintf(stderr, "gmbench: %zu bytes still live in the counting allocator at exit\n", end.live);
        return 1;
    }
    return gmh_exit_status(fflush(stdout) == 0 ? 0 : 1);
}
