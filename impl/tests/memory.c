/*
** memory.c: memory accounting, the counting allocator, the block tracker, a full graph's leaks.
** Part of the conformance suite (impl/tests/README.md); moved verbatim from conformance.c.
*/
#include "fixture.h"

/* ================================================================ memory accounting */

typedef struct usage_acc { size_t sum; int calls; bool bad_name; } usage_acc;

static void usage_cb(void *ud, const char *component, size_t bytes)
{
    usage_acc *u = ud;
    u->sum += bytes;
    u->calls++;
    if (component == NULL || component[0] == '\0') u->bad_name = true;
}

static void build_everything(gm_graph *g);

/* Bytes per node do not jump with the size of the graph (columnar and zerocopy: capacity grows by
** small steps and the id index has no power-of-two capacity): the same shape at sizes a factor
** ~1.4 apart, built one node and edge at a time (within 10 %) and by batch (within 3 %). Other backends are only reported. */
void t_bytes_per_node_flat(void **state)
{
    FX;
    const char *be = gm_graph_backend(g);
    bool flat = strcmp(be, "columnar") == 0 || strcmp(be, "zerocopy") == 0;
    static const size_t sizes[] = { 3000, 4200, 5900, 8300, 11600, 16300 };
    enum { NS = sizeof sizes / sizeof sizes[0] };
    for (int batch = 0; batch < 2; batch++) {
        double lo = 1e300, hi = 0;
        for (int k = 0; k < NS; k++) {
            size_t n = sizes[k], l0 = live_now();
            gm_graph *h = NULL;
            char err[128], id[16];
            assert_int_equal(gm_open(be, &h, err, sizeof err), GM_OK);
            size_t base = live_now();
            gm_str *ids = calloc(n, sizeof *ids);
            char *names = calloc(n, 16);
            gm_node *src = calloc(n, sizeof *src), *dst = calloc(n, sizeof *dst), *hs = calloc(n, sizeof *hs);
            gm_value *vals = calloc(n, sizeof *vals);
            assert_true(ids && names && src && dst && hs && vals);
            for (size_t i = 0; i < n; i++) {
                snprintf(names + 16 * i, 16, "n%u", (unsigned)(i % 1000000));
                ids[i] = S(names + 16 * i);
                src[i] = (gm_node)i;
                dst[i] = (gm_node)((i * 7 + 1) % n);
                hs[i] = (gm_node)i;
                vals[i] = gm_int((int64_t)i);
            }
            if (batch) {
                gm_node first;
                gm_edge e0;
                OK(h, gm_node_add_batch(h, ids, n, &first, NULL));
                OK(h, gm_edge_add_batch(h, src, dst, n, &e0, NULL));
                OK(h, gm_node_set_batch(h, "v", hs, vals, n));
            } else {
                for (size_t i = 0; i < n; i++) {
                    snprintf(id, sizeof id, "n%u", (unsigned)(i % 1000000));
                    gm_node x = add_node(h, id);
                    OK(h, gm_node_set(h, x, "v", &vals[i]));
                }
                for (size_t i = 0; i < n; i++) add_edge(h, src[i], dst[i]);
            }
            double per = (double)(live_now() - base) / (double)n;
            if (per < lo) lo = per;
            if (per > hi) hi = per;
            free(ids); free(names); free(src); free(dst); free(hs); free(vals);
            gm_close(h);
            assert_int_equal(live_now(), l0);
        }
        print_message("      [%s] bytes per node, %s build, %zu..%zu nodes: %.1f..%.1f (+%.1f %%)\n", be,
                      batch ? "batch" : "one-at-a-time", sizes[0], sizes[NS - 1], lo, hi, 100 * (hi / lo - 1));
        /* a batch sizes everything from known counts: only the id index's rounding is left */
        double tol = batch ? 1.03 : 1.10;
        if (flat && hi > lo * tol)
            fail_msg("%s build: bytes per node range %.1f..%.1f, more than %.0f %% apart",
                     batch ? "batch" : "single", lo, hi, 100 * (tol - 1));
    }
}

void t_memory_usage(void **state)
{
    FX;
    build_everything(g);
    size_t graph_bytes = live_now() - f->live0;
    usage_acc u = { 0, 0, false };
    gm_status rc = gm_memory_usage(g, usage_cb, &u);
    if (rc == GM_EINVAL) {
        assert_true(gm_errmsg(g)[0] != '\0');
        assert_int_equal(u.calls, 0);
        print_message("      [%s] gm_memory_usage: not broken down (GM_EINVAL)\n", f->backend);
        return;
    }
    OK(g, rc);
    assert_true(u.calls > 0);
    assert_false(u.bad_name);
    if (u.sum > graph_bytes)
        fail_msg("memory_usage components sum to %zu bytes, the graph holds %zu", u.sum, graph_bytes);
    print_message("      [%s] gm_memory_usage: %d components, %zu of %zu live bytes\n", f->backend, u.calls, u.sum, graph_bytes);
}

void t_mem_allocator(void **state)
{
    (void)state;
    gm_mem_stats s0 = gm_mem_stats_get();
    void *p = gm_mem_alloc(100);
    assert_non_null(p);
    memset(p, 1, 100);
    gm_mem_stats s1 = gm_mem_stats_get();
    assert_int_equal(s1.live, s0.live + 100);
    assert_int_equal(s1.nalloc, s0.nalloc + 1);
    assert_int_equal(s1.total, s0.total + 100);
    assert_true(s1.peak >= s1.live);
    p = gm_mem_realloc(p, 300);
    assert_non_null(p);
    assert_int_equal(((unsigned char *)p)[99], 1);
    gm_mem_stats s2 = gm_mem_stats_get();
    assert_int_equal(s2.live, s0.live + 300);
    assert_int_equal(s2.nalloc, s0.nalloc + 2);
    assert_true(s2.peak >= s0.live + 300);
    p = gm_mem_realloc(p, 10);
    assert_non_null(p);
    assert_int_equal(gm_mem_stats_get().live, s0.live + 10);
    gm_mem_reset_peak();
    assert_int_equal(gm_mem_stats_get().peak, gm_mem_stats_get().live);
    gm_mem_free(p);
    gm_mem_free(NULL);
    assert_int_equal(gm_mem_stats_get().live, s0.live);
    assert_int_equal(gm_mem_stats_get().peak, s0.live + 10);
    /* realloc(NULL) allocates */
    p = gm_mem_realloc(NULL, 8);
    assert_non_null(p);
    assert_int_equal(gm_mem_stats_get().live, s0.live + 8);
    gm_mem_free(p);
    /* fault injection: n more succeed, then all fail until turned off */
    gm_mem_fail_after(0);
    assert_null(gm_mem_alloc(1));
    assert_null(gm_mem_alloc(1));
    gm_mem_fail_after(2);
    void *a = gm_mem_alloc(1), *b = gm_mem_alloc(1), *c = gm_mem_alloc(1);
    void *r = gm_mem_realloc(a, 64);
    gm_mem_fail_after(-1);
    assert_non_null(a);
    assert_non_null(b);
    assert_null(c);
    assert_null(r);                  /* a failed realloc keeps the old block */
    gm_mem_free(a);
    gm_mem_free(b);
    void *d = gm_mem_alloc(1);
    assert_non_null(d);
    gm_mem_free(d);
    assert_int_equal(gm_mem_stats_get().live, s0.live);
}

/* ================================================================ leaks and OOM */

/* Every kind of content, left in the graph. */
/* The block tracker (mem.h) answers exactly and counts nothing: the stats move the same with it on. */
void t_mem_tracker(void **state)
{
    FX;
    gm_mem_stats s0 = gm_mem_stats_get();
    char *q = gm_mem_alloc(40);                    /* allocated before tracking: unknown to it */
    assert_non_null(q);
    gm_mem_track(true);
    assert_false(gm_mem_owns(q, 1));
    char *p = gm_mem_alloc(32);
    assert_non_null(p);
    assert_true(gm_mem_owns(p, 32));
    assert_int_equal(gm_mem_block_serial(p + 8, 8), 1);
    assert_int_equal(gm_mem_serial(), 1);
    assert_true(gm_mem_owns(p + 31, 1));
    assert_true(gm_mem_owns(p + 32, 0));           /* one past the end, empty */
    assert_false(gm_mem_owns(p, 33));
    assert_false(gm_mem_owns(p + 1, 32));
    assert_false(gm_mem_owns(p - 1, 2));
    assert_int_equal(gm_mem_tracked(), 1);
    char *r = gm_mem_realloc(p, 4000);             /* moves (most likely): the old range is gone */
    assert_non_null(r);
    assert_true(gm_mem_owns(r, 4000));
    assert_int_equal(gm_mem_block_serial(r, 4000), 2);   /* a realloc is a new serial */
    if (r != p) assert_false(gm_mem_owns(p, 1));
    q = gm_mem_realloc(q, 80);                     /* a pre-tracking block becomes known */
    assert_true(gm_mem_owns(q, 80));
    assert_int_equal(gm_mem_tracked(), 2);
    gm_mem_stats s1 = gm_mem_stats_get();
    gm_mem_free(r);
    assert_false(gm_mem_owns(r, 1));
    assert_int_equal(gm_mem_tracked(), 1);
    gm_mem_track(false);
    assert_false(gm_mem_owns(q, 1));               /* off: every answer is false */
    gm_mem_free(q);
    /* the same sequence untracked moves the counters identically */
    assert_int_equal(s1.live - s0.live, 4000 + 80);
    assert_int_equal(s1.nalloc - s0.nalloc, 4);
    assert_int_equal(s1.total - s0.total, 40 + 32 + (4000 - 32) + (80 - 40));
    assert_int_equal(gm_mem_stats_get().live, s0.live);
    assert_int_equal(gm_mem_stats_get().blocks, s0.blocks);
}

static void build_everything(gm_graph *g)
{
    build_samples();
    gm_node n[8];
    for (int i = 0; i < 8; i++) { char id[8]; snprintf(id, sizeof id, "v%d", i); n[i] = add_node(g, id); }
    gm_edge e[10];
    for (int i = 0; i < 10; i++) e[i] = add_edge(g, n[i % 8], n[(i * 3) % 8]);
    char key[32];
    for (size_t i = 0; i < nsample; i++) {
        snprintf(key, sizeof key, "k%zu", i);
        OK(g, gm_node_set(g, n[i % 8], key, &sample_vals[i]));
        OK(g, gm_edge_set(g, e[i % 10], key, &sample_vals[i]));
    }
    gm_value vals[8];
    for (int i = 0; i < 8; i++) vals[i] = gm_int(i);
    OK(g, gm_node_set_batch(g, "batch", n, vals, 8));
    OK(g, gm_edge_set_batch(g, "batch", e, vals, 8));
    const char *doc = "{\"a\":[1,2.5,\"x\"],\"b\":null}";
    OK(g, gm_node_set_json(g, n[1], "json", doc, strlen(doc)));
    gm_column col;
    OK(g, gm_node_column(g, "batch", &col));
    gm_column_release(g, &col);
    gm_list l = { 0 };
    gm_pred p = { "batch", GM_GT, gm_int(3) };
    OK(g, gm_filter(g, &p, 1, &l));
    assert_int_equal(l.len, 4);
    gm_list_free(&l);
    gm_neighbors nb;
    OK(g, gm_out_neighbors(g, n[1], &nb));
    OK(g, gm_node_remove(g, n[7]));
    OK(g, gm_edge_remove(g, e[0]));
    OK(g, gm_node_unset(g, n[1], "json"));
    gm_str ids[2] = { S("bx"), S("by") };
    OK(g, gm_node_add_batch(g, ids, 2, NULL, NULL));
    gm_node src[2] = { n[1], n[2] };
    OK(g, gm_edge_add_batch(g, src, src, 2, NULL, NULL));
}

void t_leaks_full_graph(void **state)
{
    FX;
    size_t l0 = live_now();
    gm_mem_stats s0 = gm_mem_stats_get();
    gm_graph *h = NULL;
    OK(g, gm_open(f->backend, &h, NULL, 0));
    build_everything(h);
    gm_mem_stats s1 = gm_mem_stats_get();
    assert_true(s1.live > l0);
    assert_true(s1.nalloc > s0.nalloc);
    assert_true(s1.total >= s1.live - l0);
    assert_true(s1.peak >= s1.live);
    gm_close(h);
    size_t l1 = live_now();
    if (l1 != l0) fail_msg("[%s] %zu bytes still live after gm_close", f->backend, l1 - l0);
    /* and an empty graph */
    OK(g, gm_open(f->backend, &h, NULL, 0));
    gm_close(h);
    assert_int_equal(live_now(), l0);
}

/* The graph agrees with itself: counts vs iteration, edges between live nodes, degree sums. */
