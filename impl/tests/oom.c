/*
** oom.c: fault injection: every allocation site failed in turn.
** Part of the conformance suite (impl/tests/README.md); moved verbatim from conformance.c.
*/
#include "fixture.h"

static void check_consistent(gm_graph *g, size_t want_nodes, size_t want_edges)
{
    gm_node it = GM_NONE;
    size_t nn = 0, sum_out = 0, sum_in = 0;
    gm_status rc;
    while ((rc = gm_node_next(g, &it)) == GM_OK) {
        size_t o, i;
        OK(g, gm_out_degree(g, it, &o));
        OK(g, gm_in_degree(g, it, &i));
        gm_neighbors nb;
        OK(g, gm_out_neighbors(g, it, &nb));
        assert_int_equal(nb.len, o);
        sum_out += o;
        sum_in += i;
        gm_str s;
        OK(g, gm_node_id(g, it, &s));
        gm_node back;
        OK(g, gm_node_find(g, s.ptr, s.len, &back));
        assert_int_equal(back, it);
        nn++;
    }
    EXPECT(g, rc, GM_END);
    assert_int_equal(nn, gm_node_count(g));
    gm_edge e = GM_NONE;
    size_t ne = 0;
    while ((rc = gm_edge_next(g, &e)) == GM_OK) {
        gm_node s, d;
        size_t x;
        OK(g, gm_edge_ends(g, e, &s, &d));
        OK(g, gm_out_degree(g, s, &x));   /* both ends live */
        OK(g, gm_in_degree(g, d, &x));
        ne++;
    }
    EXPECT(g, rc, GM_END);
    assert_int_equal(ne, gm_edge_count(g));
    assert_int_equal(sum_out, ne);
    assert_int_equal(sum_in, ne);
    if (want_nodes != (size_t)-1) assert_int_equal(gm_node_count(g), want_nodes);
    if (want_edges != (size_t)-1) assert_int_equal(gm_edge_count(g), want_edges);
}

/* The small build of the OOM sweep: every kind of call that allocates. Stops at the first
** failure, turns injection off, checks the graph still answers consistently and that what was
** built before the failure is intact, then closes it. Returns the first failure's status. */
static int  oom_line;            /* where the last scenario_small run stopped, for messages */
static char oom_msg[256];

static gm_status scenario_small(const char *backend)
{
    gm_graph *g = NULL;
    oom_line = 0;
    oom_msg[0] = '\0';
    gm_status rc = gm_open(backend, &g, oom_msg, sizeof oom_msg);
    if (rc != GM_OK) {
        gm_mem_fail_after(-1);
        assert_null(g);
        return rc;
    }
    size_t nn = 0, ne = 0;          /* what must be in the graph */
    bool have_x = false, have_ex = false;
    gm_node n[4] = { GM_NONE, GM_NONE, GM_NONE, GM_NONE };
    gm_edge e[4] = { GM_NONE, GM_NONE, GM_NONE, GM_NONE };
    gm_list l = { 0 };
    gm_column col;
    bool col_open = false;
    gm_value x_val = gm_cstr("x-value");
    gm_value items[3] = { gm_int(1), gm_double(-0.5), gm_cstr("\xe6\x9d\xb1") };
    gm_str okeys[2] = { { "a", 1 }, { "a", 1 } };
    gm_value ovals[2] = { varr(items, 3), gm_null() };
    gm_value nested = vobj(okeys, ovals, 2);
    bool graph_call = true;        /* false while a value-level (graph-less) call runs */
#define STEP(expr) do { rc = (expr); if (rc != GM_OK) { oom_line = __LINE__; goto failed; } } while (0)
#define VSTEP(expr) do { graph_call = false; STEP(expr); graph_call = true; } while (0)
    STEP(gm_node_add(g, "alpha", 5, &n[0])); nn++;
    STEP(gm_node_add(g, "\xe6\x9d\xb1\xe4\xba\xac", 6, &n[1])); nn++;
    STEP(gm_node_add(g, "", 0, &n[2])); nn++;
    STEP(gm_node_set(g, n[0], "x", &x_val)); have_x = true;
    STEP(gm_node_set(g, n[0], "i", &(gm_value){ GM_INT, { .i = INT64_MIN } }));
    STEP(gm_node_set(g, n[1], "i", &(gm_value){ GM_INT, { .i = 7 } }));
    STEP(gm_node_set(g, n[0], "d", &(gm_value){ GM_DOUBLE, { .d = 0.1 } }));
    STEP(gm_node_set(g, n[0], "b", &(gm_value){ GM_BOOL, { .b = true } }));
    STEP(gm_node_set(g, n[0], "z", &(gm_value){ GM_NULL, { .i = 0 } }));
    STEP(gm_node_set(g, n[1], "nested", &nested));
    STEP(gm_node_set(g, n[0], "x", &nested));           /* replace a value with another type */
    x_val = nested;
    STEP(gm_node_set_json(g, n[2], "j", "{\"k\":[1,2.5,\"s\"]}", 17));
    STEP(gm_edge_add(g, n[0], n[1], &e[0])); ne++;
    STEP(gm_edge_add(g, n[0], n[1], &e[1])); ne++;
    STEP(gm_edge_add(g, n[2], n[2], &e[2])); ne++;
    STEP(gm_edge_add(g, n[1], n[2], &e[3])); ne++;
    STEP(gm_edge_set(g, e[0], "w", &(gm_value){ GM_DOUBLE, { .d = 2.5 } })); have_ex = true;
    STEP(gm_edge_set(g, e[1], "label", &nested));
    {
        gm_value bv[3] = { gm_int(1), gm_cstr("two"), gm_double(3.0) };
        STEP(gm_node_set_batch(g, "batch", n, bv, 3));
        gm_value ev[2] = { gm_bool(false), gm_cstr("e") };
        STEP(gm_edge_set_batch(g, "eb", e + 2, ev, 2));
    }
    {
        gm_str ids[2] = { S("p"), S("q") };
        size_t added = 0;
        rc = gm_node_add_batch(g, ids, 2, &n[3], &added);
        nn += added;
        if (rc != GM_OK) { oom_line = __LINE__; goto failed; }
        gm_node src[2] = { n[0], n[3] }, dst[2] = { n[3], n[3] };
        rc = gm_edge_add_batch(g, src, dst, 2, NULL, &added);
        ne += added;
        if (rc != GM_OK) { oom_line = __LINE__; goto failed; }
    }
    STEP(gm_node_column(g, "i", &col)); col_open = true;
    {
        gm_value v;
        VSTEP(gm_column_value(&col, n[0], &v));
        assert_int_equal(v.type, GM_INT);
        assert_true(v.as.i == INT64_MIN);
    }
    gm_column_release(g, &col); col_open = false;
    STEP(gm_node_column(g, "batch", &col)); col_open = true;
    gm_column_release(g, &col); col_open = false;
    {
        gm_pred p[2] = { { "i", GM_GE, gm_int(0) }, { "batch", GM_NE, gm_null() } };
        STEP(gm_filter(g, p, 2, &l));
        assert_int_equal(l.len, 1);
        assert_int_equal(l.items[0], n[1]);
    }
    {
        gm_neighbors nb;
        STEP(gm_out_neighbors(g, n[0], &nb));
        assert_int_equal(nb.len, 3);
    }
    STEP(gm_node_unset(g, n[0], "z"));
    STEP(gm_edge_remove(g, e[1])); ne--;
    STEP(gm_node_remove(g, n[2])); nn--; ne -= 2;  /* e[2] self-loop, e[3] n1->n2 */
    {
        gm_value v;
        char *txt = NULL;
        STEP(gm_node_get(g, n[1], "nested", &v));
        VSTEP(gm_value_to_json(&v, &txt));
        gm_value back = gm_null();
        rc = gm_value_from_json(txt, strlen(txt), &back, NULL, 0);
        gm_mem_free(txt);
        if (rc != GM_OK) { oom_line = __LINE__; graph_call = false; goto failed; }
        assert_true(veq(&back, &nested));
        gm_value_free(&back);
    }
failed:
#undef STEP
#undef VSTEP
    gm_mem_fail_after(-1);
    if (rc != GM_OK) snprintf(oom_msg, sizeof oom_msg, "%s", graph_call ? gm_errmsg(g) : "(value call)");
    if (col_open) gm_column_release(g, &col);
    gm_list_free(&l);
    if (rc != GM_OK) {
        /* the failed call left a message and the graph usable and consistent */
        if (graph_call && gm_errmsg(g)[0] == '\0')
            fail_msg("the call at line %d failed (%s) and left no message", oom_line, gm_strerror(rc));
        check_consistent(g, nn, ne);
        if (have_x) expect_node_val(g, n[0], "x", &x_val);
        if (have_ex) expect_edge_val(g, e[0], "w", &(gm_value){ GM_DOUBLE, { .d = 2.5 } });
        gm_node extra;
        OK(g, gm_node_add(g, "after-failure", 13, &extra));
        OK(g, gm_node_set(g, extra, "k", &nested));
        expect_node_val(g, extra, "k", &nested);
        if (nn > 0) OK(g, gm_edge_add(g, extra, n[0], NULL));
        check_consistent(g, nn + 1, ne + (nn > 0));
    } else {
        assert_int_equal(nn, 4);
        assert_int_equal(ne, 3);
        check_consistent(g, nn, ne);
    }
    gm_close(g);
    return rc;
}

/* The second OOM scenario: attribute type transitions (typed column -> mixed values, dictionary
** -> offsets, emptied and re-typed, lists of repeating strings, then of distinct ones: compact's
** list dictionary and its rewrite to strings in the rows), by single and batch sets, with a
** model of every value. On
** the first failure the model is checked: every value set before is intact, the failed single
** set left its target as it was, a failed batch left each target old or new. */
enum { OT_N = 72 };
static char ot_strs[OT_N][24];
static gm_value ot_rep[OT_N][2], ot_dis[OT_N][2];   /* the items of rounds 6 and 7 */
/* rounds 8-10: objects of one key set (a struct column on compact), a nested object, a null
** and an array member; round 9 gives zip a string at node 9 (the struct becomes tagged values),
** round 10 (after emptying) makes the city member a column of distinct strings */
static gm_str ot_okeys[4], ot_gkeys[2];
static gm_value ot_ovals[2][OT_N][4], ot_gvals[2][OT_N][2], ot_tags[2][OT_N][1];   /* by round parity: */
static char ot_zip[OT_N][12];                       /* the model keeps the round before */
static gm_value ot_object(int i, int round)
{
    gm_value (*ov)[4] = ot_ovals[round & 1], (*gv)[2] = ot_gvals[round & 1], (*tg)[1] = ot_tags[round & 1];
    ot_okeys[0] = (gm_str){ "city", 4 };
    ot_okeys[1] = (gm_str){ "zip", 3 };
    ot_okeys[2] = (gm_str){ "geo", 3 };
    ot_okeys[3] = (gm_str){ "tags", 4 };
    ot_gkeys[0] = (gm_str){ "lat", 3 };
    ot_gkeys[1] = (gm_str){ "lon", 3 };
    ov[i][0] = gm_cstr(round == 10 ? ot_strs[i] : ot_strs[i % 3]);
    snprintf(ot_zip[i], sizeof ot_zip[i], "z%d", i);
    ov[i][1] = round == 9 && i == 9 ? gm_cstr(ot_zip[i]) : gm_int((int64_t)i * i * i * 1000);
    gv[i][0] = gm_double(i * 0.5);
    gv[i][1] = i % 5 == 0 ? gm_null() : gm_int(i);      /* ints among doubles below */
    ov[i][2] = i % 11 == 3 ? gm_null() : vobj(ot_gkeys, gv[i], 2);
    tg[i][0] = gm_cstr(ot_strs[i % 4]);
    ov[i][3] = varr(tg[i], (size_t)(i % 2));
    if (i == 13) gv[i][1] = gm_double(-1.25);
    return vobj(ot_okeys, ov[i], 4);
}

static gm_status scenario_types(const char *backend, long *nops, int round0)
{
    gm_graph *g = NULL;
    gm_status rc = gm_open(backend, &g, NULL, 0);
    if (rc != GM_OK) { gm_mem_fail_after(-1); assert_null(g); return rc; }
    static gm_value model[OT_N];
    static bool has[OT_N];
    gm_node hs[OT_N];
    size_t nn = 0;
    int fail_kind = 0;                  /* 1: single set of fail_node, 2: batch */
    gm_node fail_node = 0;
    gm_value fail_old = gm_null(), batch_vals[OT_N];
    bool fail_had = false;
    long ops = 0;
    for (int i = 0; i < OT_N; i++) {
        char id[8];
        snprintf(id, sizeof id, "t%d", i);
        if ((rc = gm_node_add(g, id, strlen(id), &hs[i])) != GM_OK) goto failed;
        nn++;
        has[i] = false;
    }
    for (int round = round0; round < 11; round++) {
        for (int i = 0; i < OT_N; i++) {
            gm_value v;
            switch (round) {
            case 0: v = gm_int(i * 3); break;                                   /* typed ints */
            case 1: v = (i == 7) ? gm_cstr("seven") : gm_int(-i); break;       /* -> mixed */
            case 2: v = gm_cstr(i % 2 ? "odd" : "even"); break;                /* strings (mixed col) */
            case 3: v = gm_cstr(ot_strs[i]); break;
            case 4: v = gm_bool(i % 3 == 0); break;
            case 5: v = gm_double(i + 0.5); break;
            case 6:                                                             /* list<str>, 6 strings */
                ot_rep[i][0] = gm_cstr(i % 2 ? "odd" : "even");
                ot_rep[i][1] = gm_cstr(ot_strs[i % 4]);
                v = varr(ot_rep[i], 2);
                break;
            case 7:                                                             /* 72 distinct */
                ot_dis[i][0] = gm_cstr(ot_strs[i]);
                ot_dis[i][1] = gm_cstr(ot_strs[(i + 1) % OT_N]);
                v = varr(ot_dis[i], 2);
                break;
            default: v = ot_object(i, round); break;                            /* objects */
            }
            if ((round == 3 || round == 6 || round == 8 || round == 10) && i == 0) {
                /* empty the column first so that it re-types to strings, then fills a dictionary
                ** past its threshold */
                for (int j = 0; j < OT_N; j++) {
                    if (!has[j]) continue;
                    fail_kind = 0;
                    if ((rc = gm_node_unset(g, hs[j], "k")) != GM_OK) goto failed;
                    has[j] = false;
                    ops++;
                }
            }
            fail_kind = 1; fail_node = (gm_node)i; fail_had = has[i]; fail_old = model[i];
            if ((rc = gm_node_set(g, hs[i], "k", &v)) != GM_OK) goto failed;
            model[i] = v; has[i] = true;
            ops++;
        }
        /* then the whole column again by one batch, with the same kind of values */
        for (int i = 0; i < OT_N; i++)
            batch_vals[i] = round == 3 ? gm_cstr(ot_strs[OT_N - 1 - i]) : model[i];
        fail_kind = 2;
        if ((rc = gm_node_set_batch(g, "k", hs, batch_vals, OT_N)) != GM_OK) goto failed;
        for (int i = 0; i < OT_N; i++) model[i] = batch_vals[i];
        ops++;
        gm_column col;
        fail_kind = 0;
        if ((rc = gm_node_column(g, "k", &col)) != GM_OK) goto failed;
        gm_column_release(g, &col);
        ops++;
    }
failed:
    gm_mem_fail_after(-1);
    if (rc != GM_OK) {
        assert_true(gm_errmsg(g)[0] != '\0');
        assert_int_equal(gm_node_count(g), nn);
        for (size_t i = 0; i < nn; i++) {
            gm_value v;
            gm_status r = gm_node_get(g, hs[i], "k", &v);
            if (fail_kind == 1 && i == fail_node) {
                if (!fail_had) EXPECT(g, r, GM_ABSENT);
                else { OK(g, r); ASSERT_VEQ(&v, &fail_old); }
            } else if (fail_kind == 2 && has[i]) {
                OK(g, r);
                if (!veq(&v, &model[i]) && !veq(&v, &batch_vals[i])) {
                    char b1[64], b2[64];
                    fail_msg("after a failed batch node %zu holds %s, neither old nor new (%s)", i,
                             vfmt(&v, b1, sizeof b1), vfmt(&batch_vals[i], b2, sizeof b2));
                }
            } else if (!has[i]) {
                EXPECT(g, r, GM_ABSENT);
            } else {
                OK(g, r);
                ASSERT_VEQ(&v, &model[i]);
            }
        }
        CHECK_COLUMN(g, "k");
    }
    gm_close(g);
    *nops = ops;
    return rc;
}

/* The sampled sweep's next site after i: every one of the first 50, then every stride-th, and
** never past the last one (total - 1), which is therefore always the final run. */
static long oom_next_site(long i, long stride, long total)
{
    long next = i + (i < 50 ? 1 : stride);
    return next < total - 1 ? next : total - 1;
}

/* Every allocation site of scenario_small is failed in t_oom_sweep; this longer scenario would
** take minutes under valgrind that way (runs x calls), so t_oom_sweep_types fails an evenly
** spread sample of about 250 of its allocation sites, the first 50 and the last one included;
** t_oom_sweep_lists runs its two list rounds alone and fails every site up to 400 of them
** (compact: 108), a sample of about 400 past that (json: 4,121). */
static void oom_sweep_rounds(fixture *f, gm_graph *g, int round0, long sample)
{
    for (int i = 0; i < OT_N; i++) snprintf(ot_strs[i], sizeof ot_strs[i], "distinct-%d", i * 13);
    size_t l0 = live_now();
    long ops = 0;
    uint64_t a0 = gm_mem_stats_get().nalloc;
    OK(g, scenario_types(f->backend, &ops, round0));  /* count its allocations */
    long total = (long)(gm_mem_stats_get().nalloc - a0);
    assert_int_equal(live_now(), l0);
    long stride = sample > 0 ? total / sample + 1 : 1, runs = 0;
    gm_status rc = GM_ENOMEM;
    /* gm_mem_fail_after(i) fails allocation i + 1, so the sites are i = 0 .. total - 1 and i =
    ** total injects nothing. The step is clamped to total - 1, never past it: the last run fails
    ** the last site whatever total and stride are (stepping first and clamping after let i land
    ** on total exactly when total - 50 was a multiple of the stride). */
    long last = -1;
    for (long i = 0; i < total; i = oom_next_site(i, stride, total)) {
        last = i;
        gm_mem_fail_after(i);
        rc = scenario_types(f->backend, &ops, round0);
        gm_mem_fail_after(-1);
        runs++;
        if (live_now() != l0) fail_msg("[%s] OOM at allocation %ld: %lld bytes leaked", f->backend, i,
                                       (long long)live_now() - (long long)l0);
        if (rc == GM_OK) fail_msg("[%s] scenario succeeded with only %ld of its %ld allocations", f->backend, i, total);
        if (rc != GM_ENOMEM) fail_msg("[%s] OOM at allocation %ld gave %s", f->backend, i, gm_strerror(rc));
        if (i == total - 1) break;
    }
    assert_int_equal(last, total - 1);
    gm_mem_fail_after(total);
    rc = scenario_types(f->backend, &ops, round0);
    gm_mem_fail_after(-1);
    OK(g, rc);
    print_message("      [%s] OOM sweep (%s, %ld calls, %ld allocations): %ld sites failed\n",
                  f->backend, round0 == 8 ? "object rounds" : round0 ? "list and object rounds" : "type transitions",
                  ops, total, runs);
}

void t_oom_sweep_types(void **state)
{
    FX;
    oom_sweep_rounds(f, g, 0, 250);
}

void t_oom_sweep_lists(void **state)
{
    FX;
    oom_sweep_rounds(f, g, 6, 400);
}

void t_oom_sweep_objects(void **state)
{
    FX;
    oom_sweep_rounds(f, g, 8, 400);
}

void t_oom_sweep(void **state)
{
    FX;
    size_t l0 = live_now();
    gm_status rc = GM_ENOMEM;
    long i;
    for (i = 0; i < 200000; i++) {
        gm_mem_fail_after(i);
        rc = scenario_small(f->backend);
        gm_mem_fail_after(-1);
        size_t l1 = live_now();
        if (l1 != l0) fail_msg("[%s] OOM at allocation %ld (line %d: %s): %s, and %lld bytes leaked", f->backend,
                               i, oom_line, oom_msg, gm_strerror(rc), (long long)l1 - (long long)l0);
        if (rc == GM_OK) break;
        if (rc != GM_ENOMEM) fail_msg("[%s] OOM at allocation %ld gave %s, not GM_ENOMEM (line %d: %s)",
                                      f->backend, i, gm_strerror(rc), oom_line, oom_msg);
    }
    assert_int_equal(rc, GM_OK);
    assert_true(i > 10);
    print_message("      [%s] OOM sweep: %ld allocation sites failed one by one; the build succeeded at N=%ld\n",
                  f->backend, i, i);
}

/* One failed set leaves the previous value intact; a failed add adds nothing. */
void t_oom_single_calls(void **state)
{
    FX;
    build_samples();
    gm_node a = add_node(g, "a"), b = add_node(g, "b");
    gm_edge e = add_edge(g, a, b);
    gm_value prev = gm_cstr("previous value");
    OK(g, gm_node_set(g, a, "k", &prev));
    OK(g, gm_edge_set(g, e, "k", &prev));
    gm_value big = sample_vals[nsample - 1];
    long fails = 0;
    gm_status rc = GM_ENOMEM;
    /* A backend may hold scratch for the last get's borrowed payload and drop it on the next
    ** mutating call, so live bytes are compared in one stable state: right after a get of "k". */
    expect_node_val(g, a, "k", &prev);
    size_t l_ref = live_now();
    for (long i = 0; rc != GM_OK && i < 10000; i++) {
        gm_mem_fail_after(i);
        rc = gm_node_set(g, a, "k", &big);
        gm_mem_fail_after(-1);
        if (rc == GM_OK) break;
        fails++;
        assert_int_equal(rc, GM_ENOMEM);
        assert_true(gm_errmsg(g)[0] != '\0');
        expect_node_val(g, a, "k", &prev);
        if (live_now() != l_ref)
            fail_msg("a failed set (allocation %ld) changed live bytes by %lld", i,
                     (long long)live_now() - (long long)l_ref);
    }
    assert_int_equal(rc, GM_OK);
    assert_true(fails > 0);
    expect_node_val(g, a, "k", &big);
    rc = GM_ENOMEM;
    for (long i = 0; i < 10000; i++) {
        gm_mem_fail_after(i);
        rc = gm_edge_set(g, e, "k", &big);
        gm_mem_fail_after(-1);
        if (rc == GM_OK) break;
        assert_int_equal(rc, GM_ENOMEM);
        expect_edge_val(g, e, "k", &prev);
    }
    assert_int_equal(rc, GM_OK);
    expect_edge_val(g, e, "k", &big);
    /* node add */
    char id[64];
    for (long i = 0; i < 10000; i++) {
        snprintf(id, sizeof id, "a node id long enough to be allocated %ld", i);
        gm_node h = GM_NONE;
        gm_mem_fail_after(i);
        rc = gm_node_add(g, id, strlen(id), &h);
        gm_mem_fail_after(-1);
        if (rc == GM_OK) break;
        assert_int_equal(rc, GM_ENOMEM);
        assert_int_equal(gm_node_count(g), 2);
        EXPECT(g, gm_node_find(g, id, strlen(id), &h), GM_ENOTFOUND);
    }
    assert_int_equal(rc, GM_OK);
    assert_int_equal(gm_node_count(g), 3);
    /* edge add: keep adding parallel edges under injection; each failure changes nothing */
    for (int round = 0; round < 40; round++) {
        for (long i = 0; i < 100; i++) {
            size_t ec = gm_edge_count(g), eb = gm_edge_bound(g), od;
            gm_mem_fail_after(i);
            rc = gm_edge_add(g, a, b, NULL);
            gm_mem_fail_after(-1);
            if (rc == GM_OK) break;
            assert_int_equal(rc, GM_ENOMEM);
            assert_int_equal(gm_edge_count(g), ec);
            assert_int_equal(gm_edge_bound(g), eb);
            OK(g, gm_out_degree(g, a, &od));
            assert_int_equal(od, ec);
        }
        assert_int_equal(rc, GM_OK);
    }
    check_consistent(g, 3, 41);
}
