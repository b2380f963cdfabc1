/*
** model.c: the model-based random run.
** Part of the conformance suite (impl/tests/README.md); moved verbatim from conformance.c.
*/
#include "fixture.h"

/* ================================================================ model-based random run */

/* A deterministic random sequence of mutations on nodes, edges and attributes, checked against
** a plain model after every few steps: values (node_get/edge_get), column views, filters,
** counts, degrees and neighbour lists. Keys lean to one type for a while, so typed columns form,
** change type, fill with unique strings (dictionary -> offsets), empty out and re-type. */
enum { RM_NODES = 120, RM_EDGES = 200, RM_KEYS = 3, RM_POOL = 128 };

static gm_value rm_pool[RM_POOL];
static size_t   rm_npool;
static char     rm_ustr[80][12];

static uint64_t rm_state;
static uint32_t rm_rand(void)
{
    rm_state ^= rm_state << 13;
    rm_state ^= rm_state >> 7;
    rm_state ^= rm_state << 17;
    return (uint32_t)(rm_state >> 16);
}

/* pool layout: [0,16) ints, [16,24) doubles, [24,26) bools, 26 null, [27,32) colours,
** [32,112) unique strings, [112, ...) arrays/objects */
static void rm_build_pool(void)
{
    static gm_value items[2];
    static gm_str okeys[1];
    static const char *colours[5] = { "red", "green", "blue", "", "\xe6\x9d\xb1" };
    size_t k = 0;
    const int64_t ints[16] = { 0, -1, 1, 2, 3, 42, -42, 1000, INT64_MIN, INT64_MAX, 7, 8, 9, 10, -7, 100 };
    for (int i = 0; i < 16; i++) rm_pool[k++] = gm_int(ints[i]);
    const double dbls[8] = { 0.0, -0.0, 0.5, -2.5, 1e300, 5e-324, 42.0, 7.25 };
    for (int i = 0; i < 8; i++) rm_pool[k++] = gm_double(dbls[i]);
    rm_pool[k++] = gm_bool(false);
    rm_pool[k++] = gm_bool(true);
    rm_pool[k++] = gm_null();
    for (int i = 0; i < 5; i++) rm_pool[k++] = gm_cstr(colours[i]);
    for (int i = 0; i < 80; i++) {
        snprintf(rm_ustr[i], sizeof rm_ustr[i], "u%03d", i * 7);
        rm_pool[k++] = gm_cstr(rm_ustr[i]);
    }
    items[0] = gm_int(1);
    items[1] = gm_cstr("x");
    okeys[0] = S("o");
    rm_pool[k++] = varr(items, 2);
    rm_pool[k++] = vobj(okeys, items, 1);
    rm_pool[k++] = varr(NULL, 0);
    rm_npool = k;
}

/* a pool index of the key's current leaning type (class 0 int, 1 double, 2 bool, 3 colour,
** 4 unique string, 5 anything) */
static int rm_pick(int cls)
{
    switch (cls) {
    case 0: return (int)(rm_rand() % 16);
    case 1: return 16 + (int)(rm_rand() % 8);
    case 2: return 24 + (int)(rm_rand() % 2);
    case 3: return 27 + (int)(rm_rand() % 5);
    case 4: return 32 + (int)(rm_rand() % 80);
    default: return (int)(rm_rand() % rm_npool);
    }
}

typedef struct rm_model {
    bool    nlive[RM_NODES];
    short   nval[RM_KEYS][RM_NODES];  /* pool index, -1: absent */
    size_t  nbound;
    bool    elive[RM_EDGES];
    gm_node esrc[RM_EDGES], edst[RM_EDGES];
    short   eval[RM_KEYS][RM_EDGES];
    size_t  ebound;
} rm_model;

static const char *rm_keys[RM_KEYS] = { "alpha", "beta", "gamma" };

static void rm_verify(gm_graph *g, const rm_model *m, int step)
{
    size_t nlive = 0, elive = 0;
    for (size_t n = 0; n < m->nbound; n++) nlive += m->nlive[n];
    for (size_t e = 0; e < m->ebound; e++) elive += m->elive[e];
    if (gm_node_count(g) != nlive || gm_edge_count(g) != elive ||
        gm_node_bound(g) != m->nbound || gm_edge_bound(g) != m->ebound)
        fail_msg("step %d: counts %zu/%zu bounds %zu/%zu, model %zu/%zu %zu/%zu", step, gm_node_count(g),
                 gm_edge_count(g), gm_node_bound(g), gm_edge_bound(g), nlive, elive, m->nbound, m->ebound);
    for (int k = 0; k < RM_KEYS; k++) {
        for (size_t n = 0; n < m->nbound; n++) {
            if (!m->nlive[n]) continue;
            gm_value v;
            gm_status rc = gm_node_get(g, (gm_node)n, rm_keys[k], &v);
            int want = m->nval[k][n];
            if (want < 0 ? rc != GM_ABSENT : (rc != GM_OK || !veq(&v, &rm_pool[want]))) {
                char b1[100] = "-", b2[100] = "absent";
                if (rc == GM_OK) vfmt(&v, b1, sizeof b1);
                if (want >= 0) vfmt(&rm_pool[want], b2, sizeof b2);
                fail_msg("step %d: node %zu '%s': %s %s, model %s", step, n, rm_keys[k], gm_strerror(rc), b1, b2);
            }
        }
        for (size_t e = 0; e < m->ebound; e++) {
            if (!m->elive[e]) continue;
            gm_value v;
            gm_status rc = gm_edge_get(g, (gm_edge)e, rm_keys[k], &v);
            int want = m->eval[k][e];
            if (want < 0 ? rc != GM_ABSENT : (rc != GM_OK || !veq(&v, &rm_pool[want]))) {
                char b1[100] = "-", b2[100] = "absent";
                if (rc == GM_OK) vfmt(&v, b1, sizeof b1);
                if (want >= 0) vfmt(&rm_pool[want], b2, sizeof b2);
                fail_msg("step %d: edge %zu '%s': %s %s, model %s", step, e, rm_keys[k], gm_strerror(rc), b1, b2);
            }
        }
        /* the column view agrees with the (now verified) gets */
        check_column(g, rm_keys[k], __LINE__);
        /* one random predicate against the model */
        gm_value c = rm_pool[rm_pick(5)];
        if (c.type == GM_ARRAY || c.type == GM_OBJECT) c = gm_int(3);
        gm_pred p = { rm_keys[k], (gm_op)(rm_rand() % 6), c };
        gm_list l = { 0 };
        OK(g, gm_filter(g, &p, 1, &l));
        size_t j = 0;
        bool same = true;
        for (size_t n = 0; n < m->nbound && same; n++) {
            if (!m->nlive[n] || m->nval[k][n] < 0 || !ref_match(&rm_pool[m->nval[k][n]], p.op, &c)) continue;
            same = j < l.len && l.items[j] == n;
            j++;
        }
        same = same && j == l.len;
        gm_list_free(&l);
        if (!same) {
            char b1[64];
            fail_msg("step %d: filter %s op %d %s disagrees with the model", step, p.key, (int)p.op,
                     vfmt(&c, b1, sizeof b1));
        }
    }
    /* degrees and neighbour lists */
    for (size_t n = 0; n < m->nbound; n++) {
        if (!m->nlive[n]) continue;
        size_t od = 0, id = 0, got_o, got_i;
        for (size_t e = 0; e < m->ebound; e++) {
            if (!m->elive[e]) continue;
            od += m->esrc[e] == n;
            id += m->edst[e] == n;
        }
        OK(g, gm_out_degree(g, (gm_node)n, &got_o));
        OK(g, gm_in_degree(g, (gm_node)n, &got_i));
        if (got_o != od || got_i != id)
            fail_msg("step %d: node %zu degrees %zu/%zu, model %zu/%zu", step, n, got_o, got_i, od, id);
        gm_neighbors nb;
        OK(g, gm_out_neighbors(g, (gm_node)n, &nb));
        assert_int_equal(nb.len, od);
        size_t j = 0;
        for (size_t e = 0; e < m->ebound; e++) {
            if (!m->elive[e] || m->esrc[e] != n) continue;
            if (nb.edges[j] != e || nb.nodes[j] != m->edst[e])
                fail_msg("step %d: node %zu neighbour %zu is (%u via %u), model (%u via %zu)", step, n, j,
                         (unsigned)nb.nodes[j], (unsigned)nb.edges[j], (unsigned)m->edst[e], e);
            j++;
        }
    }
}

void t_model_random(void **state)
{
    FX;
    rm_build_pool();
    rm_state = 0x9E3779B97F4A7C15ull;
    rm_model *m = calloc(1, sizeof *m);
    assert_non_null(m);
    memset(m->nval, 0xff, sizeof m->nval);   /* -1: absent */
    memset(m->eval, 0xff, sizeof m->eval);
    char id[16];
    for (int i = 0; i < 60; i++) {
        snprintf(id, sizeof id, "r%d", i);
        gm_node h = add_node(g, id);
        assert_int_equal(h, m->nbound);
        m->nlive[m->nbound++] = true;
    }
    for (int i = 0; i < 80; i++) {
        gm_node a = rm_rand() % 60, b = (i % 9 == 0) ? a : rm_rand() % 60;
        gm_edge e = add_edge(g, a, b);
        assert_int_equal(e, m->ebound);
        m->esrc[e] = a; m->edst[e] = b; m->elive[e] = true;
        m->ebound++;
    }
    int cls[RM_KEYS] = { 0, 3, 1 };
    enum { STEPS = 2400 };
    gm_node bn[16];
    gm_value bv[16];
    short bi[16];
    for (int step = 0; step < STEPS; step++) {
        int k = (int)(rm_rand() % RM_KEYS);
        if (step % 300 == 150) cls[k] = (int)(rm_rand() % 6);      /* a key changes its leaning */
        uint32_t r = rm_rand() % 100;
        int pick = (rm_rand() % 10 == 0) ? rm_pick(5) : rm_pick(cls[k]);
        if (r < 40) {                                   /* set one node */
            gm_node n = rm_rand() % m->nbound;
            gm_status rc = gm_node_set(g, n, rm_keys[k], &rm_pool[pick]);
            if (m->nlive[n]) { OK(g, rc); m->nval[k][n] = (short)pick; }
            else EXPECT(g, rc, GM_ENOTFOUND);
        } else if (r < 55) {                            /* set one edge */
            gm_edge e = rm_rand() % m->ebound;
            gm_status rc = gm_edge_set(g, e, rm_keys[k], &rm_pool[pick]);
            if (m->elive[e]) { OK(g, rc); m->eval[k][e] = (short)pick; }
            else EXPECT(g, rc, GM_ENOTFOUND);
        } else if (r < 65) {                            /* unset */
            gm_node n = rm_rand() % m->nbound;
            if (!m->nlive[n]) continue;
            EXPECT(g, gm_node_unset(g, n, rm_keys[k]), m->nval[k][n] < 0 ? GM_ABSENT : GM_OK);
            m->nval[k][n] = -1;
        } else if (r < 68) {                            /* unset on an edge */
            gm_edge e = rm_rand() % m->ebound;
            if (!m->elive[e]) continue;
            EXPECT(g, gm_edge_unset(g, e, rm_keys[k]), m->eval[k][e] < 0 ? GM_ABSENT : GM_OK);
            m->eval[k][e] = -1;
        } else if (r < 78) {                            /* batch set of live nodes (repeats allowed? no) */
            size_t cnt = 0;
            for (size_t t = 0; t < 16 && cnt < 1 + rm_rand() % 16; t++) {
                gm_node n = rm_rand() % m->nbound;
                bool dup = false;
                for (size_t q = 0; q < cnt; q++) dup |= bn[q] == n;
                if (!m->nlive[n] || dup) continue;
                bn[cnt] = n;
                bi[cnt] = (short)((rm_rand() % 10 == 0) ? rm_pick(5) : rm_pick(cls[k]));
                bv[cnt] = rm_pool[bi[cnt]];
                cnt++;
            }
            OK(g, gm_node_set_batch(g, rm_keys[k], bn, bv, cnt));
            for (size_t q = 0; q < cnt; q++) m->nval[k][bn[q]] = bi[q];
        } else if (r < 82) {                            /* batch set of edges */
            size_t cnt = 0;
            for (size_t t = 0; t < 16 && cnt < 8; t++) {
                gm_edge e = rm_rand() % m->ebound;
                bool dup = false;
                for (size_t q = 0; q < cnt; q++) dup |= bn[q] == e;
                if (!m->elive[e] || dup) continue;
                bn[cnt] = e;
                bi[cnt] = (short)rm_pick(cls[k]);
                bv[cnt] = rm_pool[bi[cnt]];
                cnt++;
            }
            OK(g, gm_edge_set_batch(g, rm_keys[k], bn, bv, cnt));
            for (size_t q = 0; q < cnt; q++) m->eval[k][bn[q]] = bi[q];
        } else if (r < 86) {                            /* add an edge */
            if (m->ebound >= RM_EDGES) continue;
            gm_node a = rm_rand() % m->nbound, b = rm_rand() % m->nbound;
            gm_edge e;
            gm_status rc = gm_edge_add(g, a, b, &e);
            if (!m->nlive[a] || !m->nlive[b]) { EXPECT(g, rc, GM_ENOTFOUND); continue; }
            OK(g, rc);
            assert_int_equal(e, m->ebound);
            m->esrc[e] = a; m->edst[e] = b; m->elive[e] = true;
            m->ebound++;
        } else if (r < 89) {                            /* remove an edge */
            gm_edge e = rm_rand() % m->ebound;
            EXPECT(g, gm_edge_remove(g, e), m->elive[e] ? GM_OK : GM_ENOTFOUND);
            m->elive[e] = false;
        } else if (r < 91) {                            /* remove a node and its edges */
            gm_node n = rm_rand() % m->nbound;
            EXPECT(g, gm_node_remove(g, n), m->nlive[n] ? GM_OK : GM_ENOTFOUND);
            m->nlive[n] = false;
            for (size_t e = 0; e < m->ebound; e++)
                if (m->esrc[e] == n || m->edst[e] == n) m->elive[e] = false;
        } else if (r < 94) {                            /* add a node */
            if (m->nbound >= RM_NODES) continue;
            snprintf(id, sizeof id, "r%zu", m->nbound);
            gm_node h;
            OK(g, gm_node_add(g, id, strlen(id), &h));
            assert_int_equal(h, m->nbound);
            m->nlive[m->nbound++] = true;
        } else if (r < 95) {                            /* empty the key everywhere: may re-type */
            for (size_t n = 0; n < m->nbound; n++)
                if (m->nlive[n] && m->nval[k][n] >= 0) { OK(g, gm_node_unset(g, (gm_node)n, rm_keys[k])); m->nval[k][n] = -1; }
        } else {                                        /* a column view, then more mutation */
            gm_column col;
            OK(g, gm_node_column(g, rm_keys[k], &col));
            assert_int_equal(col.len, m->nbound);
            gm_column_release(g, &col);
        }
        if (step % 40 == 39 || step == STEPS - 1) rm_verify(g, m, step);
    }
    free(m);
}
