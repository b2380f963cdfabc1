/*
** graph.c: nodes, edges, neighbours, degrees, removal.
** Part of the conformance suite (impl/tests/README.md); moved verbatim from conformance.c.
*/
#include "fixture.h"

/* ================================================================ nodes */

void t_nodes_ids(void **state)
{
    FX;
    char *big = malloc(10240);
    assert_non_null(big);
    for (size_t i = 0; i < 10240; i++) big[i] = (char)(' ' + i % 90);
    struct { const char *p; size_t len; } ids[] = {
        { "", 0 },
        { "a", 1 },
        { "a\0b", 3 },           /* a NUL inside: ids are len-based */
        { "a\0c", 3 },
        { "a\0", 2 },
        { "ab", 2 },
        { "Zo\xc3\xab", 4 },
        { "\xe6\x9d\xb1\xe4\xba\xac", 6 },
        { "\xf0\x9f\x98\x80", 4 },
        { "\xff\xfe", 2 },
        { big, 10240 },
        { big, 10239 },          /* a prefix of the long one */
    };
    size_t n = sizeof ids / sizeof ids[0];
    for (size_t i = 0; i < n; i++) {
        gm_node h = GM_NONE;
        OK(g, gm_node_add(g, ids[i].p, ids[i].len, &h));
        assert_int_equal(h, i);                       /* dense handles from 0 in insertion order */
        assert_int_equal(gm_node_count(g), i + 1);
        assert_int_equal(gm_node_bound(g), i + 1);
    }
    for (size_t i = 0; i < n; i++) {
        gm_node h = GM_NONE;
        OK(g, gm_node_find(g, ids[i].p, ids[i].len, &h));
        assert_int_equal(h, i);
        gm_str s = { NULL, 99 };
        OK(g, gm_node_id(g, (gm_node)i, &s));
        assert_int_equal(s.len, ids[i].len);
        if (s.len) assert_memory_equal(s.ptr, ids[i].p, s.len);
        /* duplicate: GM_EEXIST and the existing handle, nothing changes */
        h = GM_NONE;
        EXPECT_ERR(g, gm_node_add(g, ids[i].p, ids[i].len, &h), GM_EEXIST);
        assert_int_equal(h, i);
        assert_int_equal(gm_node_count(g), n);
        assert_int_equal(gm_node_bound(g), n);
    }
    /* an id read after other additions is still the same (borrowed until the next add/remove) */
    gm_str s0;
    for (int i = 0; i < 100; i++) {
        char id[16];
        snprintf(id, sizeof id, "grow%d", i);
        add_node(g, id);
    }
    OK(g, gm_node_id(g, 6, &s0));
    assert_int_equal(s0.len, 4);
    assert_memory_equal(s0.ptr, "Zo\xc3\xab", 4);
    /* unknown ids */
    gm_node h = 1234;
    EXPECT_ERR(g, gm_node_find(g, "b", 1, &h), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_node_find(g, "a\0d", 3, &h), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_node_find(g, "Zo", 2, &h), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_node_find(g, big, 100, &h), GM_ENOTFOUND);
    /* node_add without an out pointer */
    OK(g, gm_node_add(g, "no-out", 6, NULL));
    OK(g, gm_node_find(g, "no-out", 6, &h));
    assert_int_equal(h, n + 100);
    /* unknown handles */
    gm_str s;
    EXPECT_ERR(g, gm_node_id(g, (gm_node)gm_node_bound(g), &s), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_node_id(g, GM_NONE, &s), GM_ENOTFOUND);
    free(big);
}

void t_nodes_many(void **state)
{
    FX;
    enum { N = 3000 };
    char id[32];
    for (int i = 0; i < N; i++) {
        snprintf(id, sizeof id, "node-%d", i);
        gm_node h;
        OK(g, gm_node_add(g, id, strlen(id), &h));
        assert_int_equal(h, (gm_node)i);
    }
    assert_int_equal(gm_node_count(g), N);
    for (int i = 0; i < N; i += 3) OK(g, gm_node_remove(g, (gm_node)i));
    for (int i = 0; i < N; i++) {
        snprintf(id, sizeof id, "node-%d", i);
        gm_node h = GM_NONE;
        if (i % 3 == 0) {
            EXPECT(g, gm_node_find(g, id, strlen(id), &h), GM_ENOTFOUND);
        } else {
            OK(g, gm_node_find(g, id, strlen(id), &h));
            assert_int_equal(h, (gm_node)i);
        }
    }
    assert_int_equal(gm_node_count(g), N - (N + 2) / 3);
    assert_int_equal(gm_node_bound(g), N);
    /* re-add the removed ids: new handles after the bound */
    for (int i = 0; i < N; i += 3) {
        snprintf(id, sizeof id, "node-%d", i);
        gm_node h;
        OK(g, gm_node_add(g, id, strlen(id), &h));
        assert_int_equal(h, (gm_node)(N + i / 3));
    }
    assert_int_equal(gm_node_count(g), N);
    assert_int_equal(gm_node_bound(g), N + (N + 2) / 3);
    gm_node *seen = malloc(sizeof(gm_node) * 2 * N);
    assert_non_null(seen);
    assert_int_equal(iter_nodes(g, seen, 2 * N), N);
    free(seen);
}

/* Ids of removed nodes added again, one by one and by batch, while the id index grows: every
** live id finds its newest handle, every removed one is not found, a failed batch that re-used
** a removed id leaves it not found. (columnar/zerocopy keep a removed node's index entry and
** re-point it on re-add; a stale entry or a slot kept across a re-hash shows up here.) */
void t_nodes_readd_growth(void **state)
{
    FX;
    enum { N = 300 };
    char id[32];
    gm_node h[N];
    for (int i = 0; i < N; i++) {
        snprintf(id, sizeof id, "r-%d", i);
        gm_node a, b;
        OK(g, gm_node_add(g, id, strlen(id), &a));
        OK(g, gm_node_remove(g, a));
        OK(g, gm_node_add(g, id, strlen(id), &b));     /* the table grows across these */
        assert_int_not_equal(a, b);
        h[i] = b;
        if (i % 2 == 1) OK(g, gm_node_remove(g, b));
    }
    /* odd ids again, by batch; a second batch repeating one of them fails whole */
    static char bid[N / 2][32];
    gm_str ids[N / 2 + 1];
    for (int i = 1, k = 0; i < N; i += 2, k++) {
        snprintf(bid[k], sizeof bid[k], "r-%d", i);
        ids[k] = (gm_str){ bid[k], strlen(bid[k]) };
    }
    gm_node first;
    size_t added;
    OK(g, gm_node_add_batch(g, ids, N / 2, &first, &added));
    assert_int_equal(added, N / 2);
    for (int i = 1, k = 0; i < N; i += 2, k++) h[i] = first + (gm_node)k;
    OK(g, gm_node_remove(g, h[1]));
    gm_str two[2] = { { "r-1", 3 }, { "r-3", 3 } };    /* r-1 was removed, r-3 is live */
    EXPECT(g, gm_node_add_batch(g, two, 2, &first, &added), GM_EEXIST);
    for (int i = 0; i < N; i++) {
        snprintf(id, sizeof id, "r-%d", i);
        gm_node got = GM_NONE;
        if (i == 1) {
            EXPECT(g, gm_node_find(g, id, strlen(id), &got), GM_ENOTFOUND);
        } else {
            OK(g, gm_node_find(g, id, strlen(id), &got));
            assert_int_equal(got, h[i]);
        }
    }
    assert_int_equal(gm_node_count(g), N - 1);
    gm_node again;
    OK(g, gm_node_add(g, "r-1", 3, &again));
    OK(g, gm_node_find(g, "r-1", 3, &h[1]));
    assert_int_equal(h[1], again);
}

void t_nodes_iteration(void **state)
{
    FX;
    gm_node it = GM_NONE;
    EXPECT(g, gm_node_next(g, &it), GM_END);
    ASSERT_NOMSG(g);
    gm_node got[16];
    for (int i = 0; i < 10; i++) {
        char id[8];
        snprintf(id, sizeof id, "%c", 'j' - i);   /* ids in decreasing order: handles decide */
        add_node(g, id);
    }
    gm_node all[10] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    size_t k = iter_nodes(g, got, 16);
    EXPECT_HANDLES(got, k, all, 10, "iteration order");
    OK(g, gm_node_remove(g, 0));
    OK(g, gm_node_remove(g, 4));
    OK(g, gm_node_remove(g, 9));
    gm_node rest[7] = { 1, 2, 3, 5, 6, 7, 8 };
    k = iter_nodes(g, got, 16);
    EXPECT_HANDLES(got, k, rest, 7, "iteration after removals");
    assert_int_equal(gm_node_count(g), 7);
    assert_int_equal(gm_node_bound(g), 10);

    /* removal of the current node inside the loop */
    it = GM_NONE;
    k = 0;
    gm_status rc;
    while ((rc = gm_node_next(g, &it)) == GM_OK) {
        got[k++] = it;
        if (it % 2 == 1) OK(g, gm_node_remove(g, it));
        assert_true(k <= 7);
    }
    EXPECT(g, rc, GM_END);
    EXPECT_HANDLES(got, k, rest, 7, "iteration while removing");
    gm_node even[3] = { 2, 6, 8 };
    k = iter_nodes(g, got, 16);
    EXPECT_HANDLES(got, k, even, 3, "after removing odd handles in the loop");
    /* remove every node in a loop */
    it = GM_NONE;
    k = 0;
    while ((rc = gm_node_next(g, &it)) == GM_OK) { OK(g, gm_node_remove(g, it)); k++; }
    EXPECT(g, rc, GM_END);
    assert_int_equal(k, 3);
    assert_int_equal(gm_node_count(g), 0);
    assert_int_equal(gm_node_bound(g), 10);
    it = GM_NONE;
    EXPECT(g, gm_node_next(g, &it), GM_END);
}

/* A removed node is GM_ENOTFOUND for every call that takes its handle. */
void t_nodes_removed_handle(void **state)
{
    FX;
    gm_node a = add_node(g, "a"), b = add_node(g, "b"), c = add_node(g, "c");
    gm_value v = gm_int(5), out;
    OK(g, gm_node_set(g, b, "k", &v));
    OK(g, gm_node_remove(g, b));
    assert_int_equal(gm_node_count(g), 2);
    assert_int_equal(gm_node_bound(g), 3);
    gm_str s;
    gm_neighbors nb;
    size_t deg;
    gm_node h;
    gm_edge e;
    EXPECT_ERR(g, gm_node_id(g, b, &s), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_node_remove(g, b), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_edge_add(g, b, a, &e), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_edge_add(g, a, b, &e), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_edge_add(g, b, b, &e), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_out_neighbors(g, b, &nb), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_out_degree(g, b, &deg), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_in_degree(g, b, &deg), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_node_set(g, b, "k", &v), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_node_get(g, b, "k", &out), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_node_unset(g, b, "k"), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_node_set_json(g, b, "k", "1", 1), GM_ENOTFOUND);
    gm_node batch[2] = { a, b };
    gm_value vals[2] = { gm_int(1), gm_int(2) };
    EXPECT_ERR(g, gm_node_set_batch(g, "k", batch, vals, 2), GM_ENOTFOUND);
    expect_node_absent(g, a, "k");
    gm_node src[1] = { a }, dst[1] = { b };
    EXPECT_ERR(g, gm_edge_add_batch(g, src, dst, 1, NULL, NULL), GM_ENOTFOUND);
    assert_int_equal(gm_edge_count(g), 0);
    EXPECT_ERR(g, gm_node_find(g, "b", 1, &h), GM_ENOTFOUND);
    /* handles never handed out are unknown too */
    EXPECT_ERR(g, gm_node_remove(g, 3), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_node_remove(g, GM_NONE), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_node_get(g, 3, "k", &out), GM_ENOTFOUND);
    /* the id can be added again: a new handle, no attributes from the old node */
    OK(g, gm_node_add(g, "b", 1, &h));
    assert_int_equal(h, 3);
    assert_int_equal(gm_node_bound(g), 4);
    assert_int_equal(gm_node_count(g), 3);
    expect_node_absent(g, h, "k");
    EXPECT(g, gm_node_get(g, b, "k", &out), GM_ENOTFOUND);   /* old handle still dead */
    gm_node h2;
    OK(g, gm_node_find(g, "b", 1, &h2));
    assert_int_equal(h2, h);
    OK(g, gm_node_id(g, c, &s));
    assert_int_equal(s.len, 1);
    assert_memory_equal(s.ptr, "c", 1);
    /* a handle is not reused even when the last node is removed */
    OK(g, gm_node_remove(g, h));
    OK(g, gm_node_add(g, "d", 1, &h2));
    assert_int_equal(h2, 4);
}

/* ================================================================ edges */

void t_edges_basic(void **state)
{
    FX;
    gm_node a = add_node(g, "a"), b = add_node(g, "b"), c = add_node(g, "c");
    gm_edge e;
    EXPECT(g, gm_edge_next(g, &(gm_edge){ GM_NONE }), GM_END);
    gm_edge e0 = add_edge(g, a, b), e1 = add_edge(g, a, b), e2 = add_edge(g, b, b), e3 = add_edge(g, c, a);
    assert_int_equal(e0, 0);
    assert_int_equal(e1, 1);
    assert_int_equal(e2, 2);
    assert_int_equal(e3, 3);
    assert_int_equal(gm_edge_count(g), 4);
    assert_int_equal(gm_edge_bound(g), 4);
    gm_node s = GM_NONE, d = GM_NONE;
    OK(g, gm_edge_ends(g, e0, &s, &d)); assert_int_equal(s, a); assert_int_equal(d, b);
    OK(g, gm_edge_ends(g, e1, &s, &d)); assert_int_equal(s, a); assert_int_equal(d, b);
    OK(g, gm_edge_ends(g, e2, &s, &d)); assert_int_equal(s, b); assert_int_equal(d, b);
    OK(g, gm_edge_ends(g, e3, &s, &d)); assert_int_equal(s, c); assert_int_equal(d, a);
    gm_edge got[8], all[4] = { 0, 1, 2, 3 };
    size_t k = iter_edges(g, got, 8);
    EXPECT_HANDLES(got, k, all, 4, "edge iteration");
    /* unknown nodes */
    EXPECT_ERR(g, gm_edge_add(g, a, 17, &e), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_edge_add(g, 17, a, &e), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_edge_add(g, GM_NONE, GM_NONE, &e), GM_ENOTFOUND);
    assert_int_equal(gm_edge_count(g), 4);
    assert_int_equal(gm_edge_bound(g), 4);
    OK(g, gm_edge_add(g, c, c, NULL));
    assert_int_equal(gm_edge_count(g), 5);
    /* remove an edge: its attributes go, handle dead and not reused */
    gm_value v = gm_cstr("edge attr"), out;
    OK(g, gm_edge_set(g, e1, "w", &v));
    OK(g, gm_edge_set(g, e0, "w", &v));
    OK(g, gm_edge_remove(g, e1));
    assert_int_equal(gm_edge_count(g), 4);
    assert_int_equal(gm_edge_bound(g), 5);
    EXPECT_ERR(g, gm_edge_remove(g, e1), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_edge_ends(g, e1, &s, &d), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_edge_get(g, e1, "w", &out), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_edge_set(g, e1, "w", &v), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_edge_unset(g, e1, "w"), GM_ENOTFOUND);
    gm_edge be[2] = { e0, e1 };
    gm_value bv[2] = { gm_int(1), gm_int(2) };
    EXPECT_ERR(g, gm_edge_set_batch(g, "w", be, bv, 2), GM_ENOTFOUND);
    expect_edge_val(g, e0, "w", &v);
    EXPECT_ERR(g, gm_edge_remove(g, 99), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_edge_ends(g, GM_NONE, &s, &d), GM_ENOTFOUND);
    gm_edge rest[4] = { 0, 2, 3, 4 };
    k = iter_edges(g, got, 8);
    EXPECT_HANDLES(got, k, rest, 4, "edge iteration after removal");
    gm_edge e5 = add_edge(g, a, b);
    assert_int_equal(e5, 5);
    expect_edge_absent(g, e5, "w");
    /* removal inside edge iteration */
    gm_edge it = GM_NONE;
    gm_status rc;
    k = 0;
    while ((rc = gm_edge_next(g, &it)) == GM_OK) {
        got[k++] = it;
        if (it == 2 || it == 5) OK(g, gm_edge_remove(g, it));
        assert_true(k <= 5);
    }
    EXPECT(g, rc, GM_END);
    gm_edge all5[5] = { 0, 2, 3, 4, 5 };
    EXPECT_HANDLES(got, k, all5, 5, "edge iteration while removing");
    gm_edge left[3] = { 0, 3, 4 };
    k = iter_edges(g, got, 8);
    EXPECT_HANDLES(got, k, left, 3, "edges left");
    assert_int_equal(gm_edge_count(g), 3);
    assert_int_equal(gm_node_count(g), 3);        /* edge removal leaves nodes alone */
    /* the last edge (5) was removed: its handle is still not reused */
    assert_int_equal(gm_edge_bound(g), 6);
    gm_edge e6 = add_edge(g, b, c);
    assert_int_equal(e6, 6);
    assert_int_equal(gm_edge_bound(g), 7);
    OK(g, gm_edge_ends(g, e6, &s, &d));
    assert_int_equal(s, b);
    assert_int_equal(d, c);
    EXPECT_ERR(g, gm_edge_ends(g, 5, &s, &d), GM_ENOTFOUND);
}

static void nb_expect(gm_graph *g, gm_node n, const gm_node *nodes, const gm_edge *edges, size_t len, int line)
{
    gm_neighbors nb;
    memset(&nb, 0, sizeof nb);
    OK(g, gm_out_neighbors(g, n, &nb));
    expect_handles(nb.edges, nb.len, edges, len, "out_neighbors edges", line);
    expect_handles(nb.nodes, nb.len, nodes, len, "out_neighbors nodes", line);
}
#define NB_EXPECT(g, n, nodes, edges, len) nb_expect(g, n, nodes, edges, len, __LINE__)

void deg_expect(gm_graph *g, gm_node n, size_t out, size_t in, int line)
{
    size_t o = 999, i = 999;
    OK(g, gm_out_degree(g, n, &o));
    OK(g, gm_in_degree(g, n, &i));
    if (o != out || i != in) {
        print_error("line %d: node %u: degrees out %zu in %zu, expected %zu %zu\n", line, (unsigned)n, o, i, out, in);
        fail();
    }
}

void t_neighbors_degrees(void **state)
{
    FX;
    gm_node a = add_node(g, "a"), b = add_node(g, "b"), c = add_node(g, "c"), d = add_node(g, "d");
    /* a's out-edges are added with targets out of handle order: order follows edge handles */
    gm_edge e0 = add_edge(g, a, c);
    gm_edge e1 = add_edge(g, b, a);
    gm_edge e2 = add_edge(g, a, b);
    gm_edge e3 = add_edge(g, a, a);      /* self-loop */
    gm_edge e4 = add_edge(g, a, c);      /* parallel to e0 */
    gm_edge e5 = add_edge(g, c, a);
    {
        gm_node nn[4] = { c, b, a, c };
        gm_edge ee[4] = { e0, e2, e3, e4 };
        NB_EXPECT(g, a, nn, ee, 4);
    }
    {
        gm_node nn[1] = { a };
        gm_edge ee[1] = { e1 };
        NB_EXPECT(g, b, nn, ee, 1);
    }
    {
        gm_node nn[1] = { a };
        gm_edge ee[1] = { e5 };
        NB_EXPECT(g, c, nn, ee, 1);
    }
    NB_EXPECT(g, d, NULL, NULL, 0);
    DEG_EXPECT(g, a, 4, 3);   /* out: c b a c; in: b, a (self), c */
    DEG_EXPECT(g, b, 1, 1);
    DEG_EXPECT(g, c, 1, 2);
    DEG_EXPECT(g, d, 0, 0);
    /* removing edges updates both directions */
    OK(g, gm_edge_remove(g, e0));
    OK(g, gm_edge_remove(g, e3));
    {
        gm_node nn[2] = { b, c };
        gm_edge ee[2] = { e2, e4 };
        NB_EXPECT(g, a, nn, ee, 2);
    }
    DEG_EXPECT(g, a, 2, 2);
    DEG_EXPECT(g, c, 1, 1);
    /* more edges later keep the order */
    gm_edge e6 = add_edge(g, a, d);
    gm_edge e7 = add_edge(g, a, a);
    {
        gm_node nn[4] = { b, c, d, a };
        gm_edge ee[4] = { e2, e4, e6, e7 };
        NB_EXPECT(g, a, nn, ee, 4);
    }
    DEG_EXPECT(g, a, 4, 3);
    DEG_EXPECT(g, d, 0, 1);
    /* many parallel edges to one target */
    for (int i = 0; i < 50; i++) add_edge(g, d, b);
    DEG_EXPECT(g, d, 50, 1);
    DEG_EXPECT(g, b, 1, 51);
    gm_neighbors nb;
    OK(g, gm_out_neighbors(g, d, &nb));
    assert_int_equal(nb.len, 50);
    for (size_t i = 0; i < nb.len; i++) {
        assert_int_equal(nb.nodes[i], b);
        if (i) assert_true(nb.edges[i] > nb.edges[i - 1]);
    }
}

/* Node removal removes incident in- and out-edges and their attributes. */
/* An edge removed after a read (the CSR lists every edge) and then its source removed with no
** read between: a store that reads the source's out-edges from a CSR must skip the removed one
** (its entry is still there until the next rebuild), and the counts stay exact. Then the same
** with a node removed first (a CSR holding dead entries) and an edge removed after it. */
void t_remove_after_edge_remove(void **state)
{
    FX;
    gm_node a = add_node(g, "a"), b = add_node(g, "b"), c = add_node(g, "c"), d = add_node(g, "d");
    gm_edge ab = add_edge(g, a, b), ac = add_edge(g, a, c), ab2 = add_edge(g, a, b);
    gm_edge ca = add_edge(g, c, a), cd = add_edge(g, c, d), dc = add_edge(g, d, c), bd = add_edge(g, b, d);
    size_t deg;
    OK(g, gm_out_degree(g, a, &deg));         /* a read: the CSR is up to date */
    assert_int_equal(deg, 3);
    OK(g, gm_edge_remove(g, ab));
    OK(g, gm_node_remove(g, a));              /* ac, ab2, ca die with a; ab was gone */
    assert_int_equal(gm_edge_count(g), 3);
    DEG_EXPECT(g, b, 1, 0);
    DEG_EXPECT(g, c, 1, 1);
    gm_node s_, d_;
    EXPECT_ERR(g, gm_edge_ends(g, ab, &s_, &d_), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_edge_ends(g, ac, &s_, &d_), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_edge_ends(g, ab2, &s_, &d_), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_edge_ends(g, ca, &s_, &d_), GM_ENOTFOUND);
    /* no read since: d's in-edge cd removed, then c removed (dc dies with it) */
    OK(g, gm_edge_remove(g, cd));
    OK(g, gm_node_remove(g, c));
    assert_int_equal(gm_edge_count(g), 1);
    DEG_EXPECT(g, d, 0, 1);
    DEG_EXPECT(g, b, 1, 0);
    EXPECT_ERR(g, gm_edge_ends(g, dc, &s_, &d_), GM_ENOTFOUND);
    OK(g, gm_edge_ends(g, bd, &s_, &d_));
    assert_int_equal(s_, b);
    assert_int_equal(d_, d);
    gm_edge got[8], left[1] = { bd };
    size_t k = iter_edges(g, got, 8);
    EXPECT_HANDLES(got, k, left, 1, "edges after both removals");
    {
        gm_node nn[1] = { d };
        gm_edge ee[1] = { bd };
        NB_EXPECT(g, b, nn, ee, 1);
        NB_EXPECT(g, d, NULL, NULL, 0);
    }
}

void t_node_remove_edges(void **state)
{
    FX;
    gm_node a = add_node(g, "a"), b = add_node(g, "b"), c = add_node(g, "c");
    gm_edge ab = add_edge(g, a, b), ba = add_edge(g, b, a), bb = add_edge(g, b, b);
    gm_edge bc = add_edge(g, b, c), ca = add_edge(g, c, a), ab2 = add_edge(g, a, b);
    gm_edge cb = add_edge(g, c, b);
    gm_value v = gm_cstr("w");
    gm_edge all[7] = { ab, ba, bb, bc, ca, ab2, cb };
    for (int i = 0; i < 7; i++) {
        gm_value iv = gm_int(i);
        OK(g, gm_edge_set(g, all[i], "w", &v));
        OK(g, gm_edge_set(g, all[i], "i", &iv));
    }
    OK(g, gm_node_set(g, b, "w", &v));
    OK(g, gm_node_remove(g, b));
    assert_int_equal(gm_node_count(g), 2);
    assert_int_equal(gm_edge_count(g), 1);
    assert_int_equal(gm_edge_bound(g), 7);
    gm_edge got[8], left[1] = { ca };
    size_t k = iter_edges(g, got, 8);
    EXPECT_HANDLES(got, k, left, 1, "edges after node removal");
    gm_value out;
    gm_edge dead[6] = { ab, ba, bb, bc, ab2, cb };
    for (int i = 0; i < 6; i++) {
        EXPECT_ERR(g, gm_edge_get(g, dead[i], "w", &out), GM_ENOTFOUND);
        gm_node s_, d_;
        EXPECT_ERR(g, gm_edge_ends(g, dead[i], &s_, &d_), GM_ENOTFOUND);
        EXPECT_ERR(g, gm_edge_remove(g, dead[i]), GM_ENOTFOUND);
    }
    expect_edge_val(g, ca, "w", &v);
    gm_value four = gm_int(4);
    expect_edge_val(g, ca, "i", &four);
    DEG_EXPECT(g, a, 0, 1);
    DEG_EXPECT(g, c, 1, 0);
    {
        gm_node nn[1] = { a };
        gm_edge ee[1] = { ca };
        NB_EXPECT(g, c, nn, ee, 1);
        NB_EXPECT(g, a, NULL, NULL, 0);
    }
    /* re-adding b gives a fresh node without edges */
    gm_node b2 = add_node(g, "b");
    DEG_EXPECT(g, b2, 0, 0);
    expect_node_absent(g, b2, "w");
    gm_edge e = add_edge(g, b2, a);
    assert_int_equal(e, 7);
    expect_edge_absent(g, e, "w");
    DEG_EXPECT(g, a, 0, 2);
    /* removing a node whose only edges are self-loops */
    gm_node s = add_node(g, "s");
    add_edge(g, s, s);
    add_edge(g, s, s);
    assert_int_equal(gm_edge_count(g), 4);
    OK(g, gm_node_remove(g, s));
    assert_int_equal(gm_edge_count(g), 2);
    DEG_EXPECT(g, a, 0, 2);
}

/* Removing every node of a graph, in several orders, checked against a model after each removal:
** counts, both degrees and the out-neighbour list (edge-handle order) of every live node, the ends
** and an attribute of every edge. The graph has a hub (node 0, many in- and out-edges), self-loops
** and parallel edges; order 3 also adds and removes edges midway, so removals meet a stale
** adjacency after a build and again after later additions. On columnar and zerocopy a removal
** allocates nothing (their indexes are reserved with the node and edge arrays). */
enum { RA_N = 48, RA_E = 260, RA_MAXE = RA_E + 40 };
typedef struct ra_model {
    bool    nlive[RA_N], elive[RA_MAXE];
    gm_node src[RA_MAXE], dst[RA_MAXE];
    size_t  ebound;
} ra_model;

static void ra_verify(gm_graph *g, const ra_model *m, int order, int step)
{
    size_t nl = 0, el = 0;
    for (int n = 0; n < RA_N; n++) nl += m->nlive[n];
    for (size_t e = 0; e < m->ebound; e++) el += m->elive[e];
    if (gm_node_count(g) != nl || gm_edge_count(g) != el)
        fail_msg("order %d step %d: %zu nodes %zu edges, model %zu %zu", order, step,
                 gm_node_count(g), gm_edge_count(g), nl, el);
    for (int n = 0; n < RA_N; n++) {
        if (!m->nlive[n]) continue;
        size_t od = 0, id = 0, got_o, got_i;
        for (size_t e = 0; e < m->ebound; e++) {
            if (!m->elive[e]) continue;
            od += m->src[e] == (gm_node)n;
            id += m->dst[e] == (gm_node)n;
        }
        OK(g, gm_out_degree(g, (gm_node)n, &got_o));
        OK(g, gm_in_degree(g, (gm_node)n, &got_i));
        if (got_o != od || got_i != id)
            fail_msg("order %d step %d: node %d degrees %zu/%zu, model %zu/%zu", order, step, n,
                     got_o, got_i, od, id);
        gm_neighbors nb;
        OK(g, gm_out_neighbors(g, (gm_node)n, &nb));
        assert_int_equal(nb.len, od);
        size_t j = 0;
        for (size_t e = 0; e < m->ebound; e++) {
            if (!m->elive[e] || m->src[e] != (gm_node)n) continue;
            if (nb.edges[j] != e || nb.nodes[j] != m->dst[e])
                fail_msg("order %d step %d: node %d neighbour %zu is %u via %u, model %u via %zu", order,
                         step, n, j, (unsigned)nb.nodes[j], (unsigned)nb.edges[j], (unsigned)m->dst[e], e);
            j++;
        }
    }
    for (size_t e = 0; e < m->ebound; e++) {
        gm_node s, d;
        if (!m->elive[e]) {
            EXPECT_ERR(g, gm_edge_ends(g, (gm_edge)e, &s, &d), GM_ENOTFOUND);
            continue;
        }
        OK(g, gm_edge_ends(g, (gm_edge)e, &s, &d));
        assert_int_equal(s, m->src[e]);
        assert_int_equal(d, m->dst[e]);
        gm_value iv = gm_int((int64_t)e);
        expect_edge_val(g, (gm_edge)e, "i", &iv);
    }
}

void t_node_remove_all_orders(void **state)
{
    FX;
    const char *be = gm_graph_backend(g);
    bool alloc_free = strcmp(be, "columnar") == 0 || strcmp(be, "zerocopy") == 0;
    uint64_t r = 0x2545F4914F6CDD1Dull;
    for (int order = 0; order < 4; order++) {
        gm_graph *h = NULL;
        char err[128];
        assert_int_equal(gm_open(be, &h, err, sizeof err), GM_OK);
        ra_model *m = calloc(1, sizeof *m);
        assert_non_null(m);
        gm_str ids[RA_N];
        char names[RA_N][8];
        for (int i = 0; i < RA_N; i++) {
            snprintf(names[i], sizeof names[i], "r%d", i);
            ids[i] = S(names[i]);
            m->nlive[i] = true;
        }
        gm_node first, src[RA_E], dst[RA_E];
        OK(h, gm_node_add_batch(h, ids, RA_N, &first, NULL));
        assert_int_equal(first, 0);
        for (int e = 0; e < RA_E; e++) {
            r = r * 6364136223846793005ull + 1442695040888963407ull;
            unsigned a = (unsigned)(r >> 33) % RA_N, b = (unsigned)(r >> 45) % RA_N;
            if (e % 5 == 0) a = 0;                       /* the hub's out-edges */
            if (e % 7 == 0) b = 0;                       /* and its in-edges */
            if (e % 23 == 0) b = a;                      /* self-loops */
            if (e % 31 == 1) { a = src[e - 1]; b = dst[e - 1]; }   /* parallel edges */
            src[e] = m->src[e] = a;
            dst[e] = m->dst[e] = b;
            m->elive[e] = true;
        }
        gm_edge e0;
        OK(h, gm_edge_add_batch(h, src, dst, RA_E, &e0, NULL));
        m->ebound = RA_E;
        for (size_t e = 0; e < RA_E; e++) {
            gm_value iv = gm_int((int64_t)e);
            OK(h, gm_edge_set(h, (gm_edge)e, "i", &iv));
        }
        int seq[RA_N];
        for (int i = 0; i < RA_N; i++) seq[i] = order == 1 ? RA_N - 1 - i : i;
        if (order >= 2)                                  /* a seeded shuffle */
            for (int i = RA_N - 1; i > 0; i--) {
                r = r * 6364136223846793005ull + 1442695040888963407ull;
                int j = (int)((r >> 33) % (uint64_t)(i + 1)), t = seq[i];
                seq[i] = seq[j];
                seq[j] = t;
            }
        if (order == 2) ra_verify(h, m, order, -1);      /* the adjacency is clean before removing */
        for (int step = 0; step < RA_N; step++) {
            if (order == 3 && step == RA_N / 2) {        /* edges added and removed midway */
                int a = -1, b = -1;
                for (int i = step; i < RA_N; i++) { if (a < 0) a = seq[i]; else if (b < 0) b = seq[i]; }
                for (int k = 0; k < 40; k++) {
                    gm_node x = (gm_node)(k % 2 ? a : b), y = (gm_node)(k % 3 ? a : b);
                    gm_edge e = add_edge(h, x, y);
                    assert_int_equal(e, m->ebound);
                    m->src[e] = x;
                    m->dst[e] = y;
                    m->elive[e] = true;
                    m->ebound++;
                    gm_value iv = gm_int((int64_t)e);
                    OK(h, gm_edge_set(h, e, "i", &iv));
                }
                ra_verify(h, m, order, step);            /* a clean adjacency again ... */
                for (size_t e = 0; e < m->ebound; e += 9)  /* ... that single removals keep clean */
                    if (m->elive[e]) { OK(h, gm_edge_remove(h, (gm_edge)e)); m->elive[e] = false; }
                ra_verify(h, m, order, step);
            }
            gm_node n = (gm_node)seq[step];
            uint64_t a0 = gm_mem_stats_get().nalloc;
            OK(h, gm_node_remove(h, n));
            if (alloc_free && gm_mem_stats_get().nalloc != a0)
                fail_msg("order %d step %d: removing node %u allocated %llu times", order, step,
                         (unsigned)n, (unsigned long long)(gm_mem_stats_get().nalloc - a0));
            m->nlive[n] = false;
            for (size_t e = 0; e < m->ebound; e++)
                if (m->src[e] == n || m->dst[e] == n) m->elive[e] = false;
            EXPECT_ERR(h, gm_node_remove(h, n), GM_ENOTFOUND);
            if (order != 1 || step % 4 == 3) ra_verify(h, m, order, step);   /* order 1: a few removals between reads */
        }
        assert_int_equal(gm_node_count(h), 0);
        assert_int_equal(gm_edge_count(h), 0);
        gm_node it = GM_NONE;
        EXPECT(h, gm_edge_next(h, &it), GM_END);
        free(m);
        gm_close(h);
    }
}

/* Out-neighbours of a growing hub, read between single adds, small batches and a bulk batch,
** checked against a model of every edge (every backend). compact gathers the targets into a
** scratch sized by a bound on the out-degree: a read after each kind of add must fit in it.
** compact only: after a bulk build the adjacency holds each target once (csroff + adjedge +
** indeg, no second copy of dst[]), at the edge side's width, and the scratch is the largest
** out-degree, exactly (for the targets and for the edge handles). */
typedef struct hub_usage { size_t adjacency, scratch; } hub_usage;
static void hub_usage_cb(void *ud, const char *component, size_t bytes)
{
    hub_usage *u = ud;
    if (strcmp(component, "adjacency") == 0) u->adjacency = bytes;
    if (strcmp(component, "scratch") == 0) u->scratch = bytes;
}

static void hub_check(gm_graph *g, const gm_node *msrc, const gm_node *mdst, size_t m,
                      const gm_node *hs, size_t n, int line)
{
    fail_line = line;
    for (size_t k = 0; k < n; k++) {
        gm_neighbors nb;
        OK(g, gm_out_neighbors(g, hs[k], &nb));
        size_t j = 0;
        for (size_t e = 0; e < m; e++) {          /* handles are 0..m-1 in add order */
            if (msrc[e] != hs[k]) continue;
            if (j >= nb.len || nb.edges[j] != (gm_edge)e || nb.nodes[j] != mdst[e])
                fail_msg("line %d: node %zu, out-neighbour %zu: got (%u, %u) of %zu, want (%u, %zu)",
                         line, k, j, j < nb.len ? nb.nodes[j] : 0, j < nb.len ? nb.edges[j] : 0,
                         nb.len, mdst[e], e);
            j++;
        }
        if (j != nb.len) fail_msg("line %d: node %zu has %zu out-neighbours, want %zu", line, k, nb.len, j);
    }
}

void t_neighbors_hub(void **state)
{
    FX;
    enum { N = 64, M = 600 };
    static gm_str ids[N];
    static char idb[N][8];
    static gm_node msrc[M], mdst[M], hs[N];
    for (int i = 0; i < N; i++) {
        snprintf(idb[i], sizeof idb[i], "h%d", i);
        ids[i] = S(idb[i]);
    }
    gm_node first;
    size_t added;
    OK(g, gm_node_add_batch(g, ids, N, &first, &added));
    for (int i = 0; i < N; i++) hs[i] = first + (gm_node)i;
    /* a bulk batch: node 0 a hub of 3N edges, the others one each */
    size_t m = 0;
    for (int i = 0; i < 3 * N; i++) { msrc[m] = hs[0]; mdst[m] = hs[(i * 7) % N]; m++; }
    for (int i = 1; i < N; i++) { msrc[m] = hs[i]; mdst[m] = hs[(i * 5) % N]; m++; }
    gm_edge e0;
    OK(g, gm_edge_add_batch(g, msrc, mdst, m, &e0, &added));
    assert_int_equal(e0, 0);
    if (strcmp(f->backend, "compact") == 0) {
        hub_usage u = { 0, 0 };
        OK(g, gm_memory_usage(g, hub_usage_cb, &u));
        /* m = 255 edge handles: the edge side takes 9 bits an entry (its entries reach 255, the
        ** all-ones 511 above them), each block 7 bytes past its last entry's (compact.h) */
        assert_int_equal(m, 255);
        assert_int_equal(u.adjacency, ((N + 1) * 9 + 7) / 8 + 7 + (m * 9 + 7) / 8 + 7 + (N * 9 + 7) / 8 + 7);
        assert_int_equal(u.scratch, 2 * 3 * N * 4);  /* targets and edge handles gathered */
    }
    hub_check(g, msrc, mdst, m, hs, N, __LINE__);
    /* single adds to another node, read after every one: its degree passes the hub's */
    for (int i = 0; i < 4 * N; i++) {
        msrc[m] = hs[1]; mdst[m] = hs[(i * 3) % N];
        assert_int_equal(add_edge(g, msrc[m], mdst[m]), (gm_edge)m);
        m++;
        if (i % 37 == 0) hub_check(g, msrc, mdst, m, hs, N, __LINE__);
    }
    hub_check(g, msrc, mdst, m, hs, N, __LINE__);
    /* small batches (not bulk) onto a third node, without reads in between */
    for (int b = 0; b < 5; b++) {
        gm_node bs[6], bd[6];
        for (int i = 0; i < 6; i++) { bs[i] = msrc[m + i] = hs[2]; bd[i] = mdst[m + i] = hs[(b + i) % N]; }
        OK(g, gm_edge_add_batch(g, bs, bd, 6, &e0, &added));
        assert_int_equal(e0, (gm_edge)m);
        m += 6;
    }
    hub_check(g, msrc, mdst, m, hs, N, __LINE__);
    for (int k = 0; k < N; k++) {
        size_t out = 0, in = 0;
        for (size_t e = 0; e < m; e++) { out += msrc[e] == hs[k]; in += mdst[e] == hs[k]; }
        DEG_EXPECT(g, hs[k], out, in);
    }
}

/* The topology across the widths compact stores it at (compact.h, "edges": node handles at 1,
** 2, 4 bytes by the node bound, edge handles, offsets and in-degrees by the edge bound), checked
** on every backend against a model: edges and removals before each widening, then every edge's
** liveness and ends, every node's out-neighbours (in handle order) and degrees, and edge_next. */
typedef struct tw_model { gm_node *src, *dst; bool *gone; bool *dead; size_t m, n; } tw_model;

static void tw_verify(gm_graph *g, const tw_model *md, int line)
{
    fail_line = line;
    size_t *cnt = calloc(md->n + 1, sizeof *cnt), *in = calloc(md->n, sizeof *in);
    gm_edge *seq = malloc((md->m ? md->m : 1) * sizeof *seq);
    assert_non_null(cnt); assert_non_null(in); assert_non_null(seq);
    size_t live = 0;
    for (size_t e = 0; e < md->m; e++) {
        bool l = !md->gone[e] && !md->dead[md->src[e]] && !md->dead[md->dst[e]];
        gm_node s, d;
        gm_status st = gm_edge_ends(g, (gm_edge)e, &s, &d);
        if ((st == GM_OK) != l) fail_msg("line %d: edge %zu: status %d, live should be %d", line, e, st, l);
        if (!l) continue;
        if (s != md->src[e] || d != md->dst[e])
            fail_msg("line %d: edge %zu ends (%u, %u), want (%u, %u)", line, e, s, d, md->src[e], md->dst[e]);
        cnt[md->src[e] + 1]++;
        in[md->dst[e]]++;
        live++;
    }
    assert_int_equal(gm_edge_count(g), live);
    for (size_t k = 0; k < md->n; k++) cnt[k + 1] += cnt[k];
    size_t *at = malloc((md->n + 1) * sizeof *at);
    assert_non_null(at);
    memcpy(at, cnt, (md->n + 1) * sizeof *at);
    for (size_t e = 0; e < md->m; e++)
        if (!md->gone[e] && !md->dead[md->src[e]] && !md->dead[md->dst[e]]) seq[at[md->src[e]]++] = (gm_edge)e;
    for (size_t k = 0; k < md->n; k++) {
        if (md->dead[k]) continue;
        gm_neighbors nb;
        OK(g, gm_out_neighbors(g, (gm_node)k, &nb));
        if (nb.len != cnt[k + 1] - cnt[k])
            fail_msg("line %d: node %zu has %zu out-neighbours, want %zu", line, k, nb.len, cnt[k + 1] - cnt[k]);
        for (size_t j = 0; j < nb.len; j++) {
            gm_edge e = seq[cnt[k] + j];
            if (nb.edges[j] != e || nb.nodes[j] != md->dst[e])
                fail_msg("line %d: node %zu, out-neighbour %zu: (%u, %u), want (%u, %u)", line, k, j,
                         nb.nodes[j], nb.edges[j], md->dst[e], e);
        }
        size_t od, id;
        OK(g, gm_out_degree(g, (gm_node)k, &od));
        OK(g, gm_in_degree(g, (gm_node)k, &id));
        if (od != nb.len || id != in[k])
            fail_msg("line %d: node %zu degrees (%zu, %zu), want (%zu, %zu)", line, k, od, id, nb.len, in[k]);
    }
    size_t walked = 0;
    gm_edge it = GM_NONE, prev = GM_NONE;
    while (gm_edge_next(g, &it) == GM_OK) {
        if (prev != GM_NONE && it <= prev) fail_msg("line %d: edge_next not increasing", line);
        prev = it;
        walked++;
    }
    assert_int_equal(walked, live);
    free(cnt); free(in); free(seq); free(at);
}

void t_topology_widths(void **state)
{
    FX;
    enum { NMAX = 66000, MMAX = 70000 };
    tw_model md = { calloc(MMAX, sizeof(gm_node)), calloc(MMAX, sizeof(gm_node)),
                    calloc(MMAX, sizeof(bool)), calloc(NMAX, sizeof(bool)), 0, 0 };
    assert_non_null(md.src); assert_non_null(md.dst); assert_non_null(md.gone); assert_non_null(md.dead);
    char id[16];
    /* 250 nodes one at a time, 250 edges (single adds): the entries widen a bit at every power
    ** of two (compact: bit-packed topology), and fit 8 bits */
    for (; md.n < 250; md.n++) {
        snprintf(id, sizeof id, "w%zu", md.n);
        assert_int_equal(add_node(g, id), (gm_node)md.n);
    }
    for (; md.m < 250; md.m++) {
        md.src[md.m] = (gm_node)((md.m * 7) % 250);
        md.dst[md.m] = (gm_node)((md.m * 13 + 5) % 250);
        assert_int_equal(add_edge(g, md.src[md.m], md.dst[md.m]), (gm_edge)md.m);
    }
    /* removed nodes and edges: tombstones written at the narrow width */
    for (size_t k = 3; k < 250; k += 41) { OK(g, gm_node_remove(g, (gm_node)k)); md.dead[k] = true; }
    for (size_t e = 10; e < 250; e += 37) {
        gm_node s, d;
        if (gm_edge_ends(g, (gm_edge)e, &s, &d) == GM_OK) { OK(g, gm_edge_remove(g, (gm_edge)e)); md.gone[e] = true; }
    }
    tw_verify(g, &md, __LINE__);
    /* past 255 nodes and 255 edges (and 8 bits), one at a time with reads between */
    /* every allocation of each add failed in turn (the widenings among them): GM_ENOMEM
    ** changes nothing, then the add succeeds */
    while (md.n < 520) {
        snprintf(id, sizeof id, "w%zu", md.n);
        gm_node k = GM_NONE;
        gm_status st;
        for (long i = 0;; i++) {
            gm_mem_fail_after(i);
            st = gm_node_add(g, id, strlen(id), &k);
            gm_mem_fail_after(-1);
            if (st == GM_OK) break;
            assert_int_equal(st, GM_ENOMEM);
            assert_int_equal(gm_node_bound(g), md.n);
            if (md.n == 255 || md.n == 511) tw_verify(g, &md, __LINE__);
        }
        assert_int_equal(k, (gm_node)md.n);
        md.n++;
        md.src[md.m] = k;
        md.dst[md.m] = k % 3;                 /* 0, 1, 2: live */
        gm_edge e = GM_NONE;
        for (long i = 0;; i++) {
            gm_mem_fail_after(i);
            st = gm_edge_add(g, md.src[md.m], md.dst[md.m], &e);
            gm_mem_fail_after(-1);
            if (st == GM_OK) break;
            assert_int_equal(st, GM_ENOMEM);
            assert_int_equal(gm_edge_bound(g), md.m);
            if (md.m == 254 || md.m == 510) tw_verify(g, &md, __LINE__);
        }
        assert_int_equal(e, (gm_edge)md.m);
        md.m++;
        if (md.n % 10 == 0 || md.n == 256 || md.n == 512) tw_verify(g, &md, __LINE__);
    }
    OK(g, gm_node_remove(g, 299)); md.dead[299] = true;
    tw_verify(g, &md, __LINE__);
    /* past 65,535 nodes and edges in batches (bulk) */
    size_t nadd = NMAX - md.n;
    gm_str *ids = calloc(nadd, sizeof *ids);
    char *idb = calloc(nadd, 16);
    assert_non_null(ids); assert_non_null(idb);
    for (size_t i = 0; i < nadd; i++) {
        snprintf(idb + 16 * i, 16, "x%u", (unsigned)i);
        ids[i] = S(idb + 16 * i);
    }
    gm_node first;
    size_t added;
    OK(g, gm_node_add_batch(g, ids, nadd, &first, &added));
    assert_int_equal(first, (gm_node)md.n);
    md.n += nadd;
    size_t madd = MMAX - md.m;
    for (size_t i = 0; i < madd; i++) {
        gm_node a = (gm_node)((i * 40503u) % md.n), b = (gm_node)((i * 9973u + 1) % md.n);
        md.src[md.m + i] = md.dead[a] ? a + 1 : a;   /* no two removed nodes are adjacent */
        md.dst[md.m + i] = md.dead[b] ? b + 1 : b;
    }
    gm_edge e0;
    OK(g, gm_edge_add_batch(g, md.src + md.m, md.dst + md.m, madd, &e0, &added));
    assert_int_equal(e0, (gm_edge)md.m);
    md.m += madd;
    for (size_t k = 65530; k < 65545; k += 2) { OK(g, gm_node_remove(g, (gm_node)k)); md.dead[k] = true; }
    tw_verify(g, &md, __LINE__);
    free(ids); free(idb);
    free(md.src); free(md.dst); free(md.gone); free(md.dead);
}

/* Many removals with no reads between, so a store may defer work across them (columnar and
** zerocopy defer their in-degree decrements: store.h, "removal"), on a graph large enough that
** the deferred work passes any fixed batch: 3,000 nodes, 36,000 edges with a hub (node 0, 1 in
** 8 edges points at it), self-loops and parallel edges. The edge count is checked after every
** removal (it depends on the removed node's in-degree at that moment), one in-degree read,
** one edge removal and one edge add fall between removals now and then, and the whole graph is
** checked against the model after each run of removals. */
void t_remove_deferred(void **state)
{
    FX;
    enum { N = 3000, M = 36000, ADDS = 64 };
    tw_model md = { calloc(M + ADDS, sizeof(gm_node)), calloc(M + ADDS, sizeof(gm_node)),
                    calloc(M + ADDS, sizeof(bool)), calloc(N, sizeof(bool)), 0, 0 };
    assert_non_null(md.src); assert_non_null(md.dst); assert_non_null(md.gone); assert_non_null(md.dead);
    gm_str *ids = calloc(N, sizeof *ids);
    char *idb = calloc(N, 16);
    assert_non_null(ids); assert_non_null(idb);
    for (size_t i = 0; i < N; i++) {
        snprintf(idb + 16 * i, 16, "d%zu", i);
        ids[i] = S(idb + 16 * i);
    }
    gm_node first;
    size_t added;
    OK(g, gm_node_add_batch(g, ids, N, &first, &added));
    md.n = N;
    uint64_t r = 12345;
    for (size_t e = 0; e < M; e++) {
        r = r * 6364136223846793005u + 1442695040888963407u;
        gm_node s = (gm_node)((r >> 33) % N), d = (gm_node)((r >> 13) % N);
        if (e % 8 == 0) d = 0;                          /* the hub */
        if (e % 97 == 0) d = s;                         /* a self-loop */
        if (e % 50 == 1) { s = md.src[e - 1]; d = md.dst[e - 1]; }   /* a parallel edge */
        md.src[e] = s; md.dst[e] = d;
    }
    gm_edge e0;
    OK(g, gm_edge_add_batch(g, md.src, md.dst, M, &e0, &added));
    md.m = M;
    /* the model's incidence lists: edge e appears under src and under dst (a self-loop twice in
    ** a row under its node) */
    size_t *inc_off = calloc(N + 1, sizeof *inc_off), *inc = calloc(2 * M, sizeof *inc);
    assert_non_null(inc_off); assert_non_null(inc);
    for (size_t e = 0; e < M; e++) { inc_off[md.src[e] + 1]++; inc_off[md.dst[e] + 1]++; }
    for (size_t k = 0; k < N; k++) inc_off[k + 1] += inc_off[k];
    {
        size_t *at = calloc(N, sizeof *at);
        assert_non_null(at);
        for (size_t e = 0; e < M; e++) {
            inc[inc_off[md.src[e]] + at[md.src[e]]++] = e;
            inc[inc_off[md.dst[e]] + at[md.dst[e]]++] = e;
        }
        free(at);
    }
    size_t live = M, adds = 0, step = 0;
    /* every node in a scrambled order (a stride coprime to N), in runs of growing length */
    for (size_t i = 0, run = 1; i < N; run = run * 3 + 1) {
        for (size_t j = 0; j < run && i < N; j++, i++, step++) {
            gm_node k = (gm_node)((i * 1237 + 11) % N);
            for (size_t p = inc_off[k]; p < inc_off[k + 1]; p++) {   /* k's live edges die */
                size_t e = inc[p];
                if (!md.gone[e] && !md.dead[md.src[e]] && !md.dead[md.dst[e]] &&
                    (md.src[e] != md.dst[e] || p == inc_off[k] || inc[p - 1] != e))
                    live--;
            }
            for (size_t e = M; e < md.m; e++)                       /* and the edges added since */
                if (!md.gone[e] && !md.dead[md.src[e]] && !md.dead[md.dst[e]] &&
                    (md.src[e] == k || md.dst[e] == k))
                    live--;
            OK(g, gm_node_remove(g, k));
            md.dead[k] = true;
            if (gm_edge_count(g) != live)
                fail_msg("removal %zu (node %u): %zu edges, model %zu", step, (unsigned)k, gm_edge_count(g), live);
            if (step % 101 == 50) {                     /* an in-degree read among the removals */
                gm_node q = (gm_node)((i * 7919) % N);
                if (!md.dead[q]) {
                    size_t want = 0, got;
                    for (size_t e = 0; e < md.m; e++)
                        want += !md.gone[e] && !md.dead[md.src[e]] && md.dst[e] == q;
                    OK(g, gm_in_degree(g, q, &got));
                    if (got != want) fail_msg("removal %zu: in-degree of %u is %zu, model %zu", step, (unsigned)q, got, want);
                }
            }
            if (step % 89 == 7 && adds < ADDS) {        /* an edge add and an edge removal */
                gm_node s = 0, d = 0;
                while (md.dead[s]) s++;
                d = (gm_node)(N - 1);
                while (d > 0 && md.dead[d]) d--;
                if (!md.dead[d]) {
                    md.src[md.m] = s; md.dst[md.m] = d;
                    assert_int_equal(add_edge(g, s, d), (gm_edge)md.m);
                    md.m++; adds++; live++;
                }
                for (size_t e = step; e < md.m; e += 13)
                    if (!md.gone[e] && !md.dead[md.src[e]] && !md.dead[md.dst[e]]) {
                        OK(g, gm_edge_remove(g, (gm_edge)e));
                        md.gone[e] = true; live--;
                        break;
                    }
                assert_int_equal(gm_edge_count(g), live);
            }
        }
        tw_verify(g, &md, __LINE__);
    }
    assert_int_equal(gm_node_count(g), 0);
    assert_int_equal(gm_edge_count(g), 0);
    free(ids); free(idb); free(inc_off); free(inc);
    free(md.src); free(md.dst); free(md.gone); free(md.dead);
}

/* Nodes added by a batch after a read (an adjacency that lists every edge, which a store may
** extend over the new nodes instead of rebuilding): each new node has no neighbours and the old
** ones keep theirs, with no edge mutation between, then with an edge from a new node. */
void t_node_batch_after_read(void **state)
{
    FX;
    gm_node a = add_node(g, "a"), b = add_node(g, "b"), c = add_node(g, "c");
    add_edge(g, a, b);
    add_edge(g, b, c);
    add_edge(g, a, c);
    DEG_EXPECT(g, a, 2, 0);                   /* a read: the adjacency is up to date */
    enum { K = 300 };                          /* past 255: wider offsets too */
    gm_str ids[K];
    char idb[K][8];
    for (int i = 0; i < K; i++) { snprintf(idb[i], sizeof idb[i], "k%d", i); ids[i] = S(idb[i]); }
    gm_node first;
    size_t added;
    OK(g, gm_node_add_batch(g, ids, K, &first, &added));
    assert_int_equal(added, K);
    for (int i = 0; i < K; i++) {
        gm_neighbors nb;
        OK(g, gm_out_neighbors(g, first + (gm_node)i, &nb));
        assert_int_equal(nb.len, 0);
        DEG_EXPECT(g, first + (gm_node)i, 0, 0);
    }
    DEG_EXPECT(g, a, 2, 0);
    DEG_EXPECT(g, b, 1, 1);
    DEG_EXPECT(g, c, 0, 2);
    gm_edge e = add_edge(g, first + K - 1, a);
    DEG_EXPECT(g, first + K - 1, 1, 0);
    DEG_EXPECT(g, a, 2, 1);
    gm_neighbors nb;
    OK(g, gm_out_neighbors(g, first + K - 1, &nb));
    assert_int_equal(nb.len, 1);
    assert_int_equal(nb.nodes[0], a);
    assert_int_equal(nb.edges[0], e);
    assert_int_equal(gm_edge_count(g), 4);
}
