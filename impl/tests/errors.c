/*
** errors.c: registry, gm_open, status strings and messages, typed gets, NULL arguments.
** Part of the conformance suite (impl/tests/README.md); moved verbatim from conformance.c.
*/
#include "fixture.h"

/* ================================================================ registry, open, errors */

void t_backend_registry(void **state)
{
    FX;
    size_t n = gm_backend_count();
    assert_true(n >= 2);
    assert_string_equal(gm_backend_name(0), "json");      /* phase order */
    assert_string_equal(gm_backend_name(1), "native");
    bool found = false;
    for (size_t i = 0; i < n; i++) {
        const char *a = gm_backend_name(i);
        assert_non_null(a);
        assert_true(a[0] != '\0');
        for (size_t j = 0; j < i; j++) assert_string_not_equal(a, gm_backend_name(j));
        if (strcmp(a, f->backend) == 0) found = true;
    }
    assert_true(found);
    assert_null(gm_backend_name(n));
    assert_null(gm_backend_name(n + 1));
    assert_null(gm_backend_name((size_t)-1));
    assert_string_equal(gm_graph_backend(g), f->backend);
}

void t_open_errors(void **state)
{
    FX;
    char err[512];
    gm_graph *h = (gm_graph *)&err;   /* must be overwritten with NULL */

    memset(err, 'x', sizeof err);
    assert_int_equal(gm_open("no-such-backend", &h, err, sizeof err), GM_EINVAL);
    assert_null(h);
    assert_non_null(memchr(err, '\0', sizeof err));
    for (size_t i = 0; i < gm_backend_count(); i++)
        if (strstr(err, gm_backend_name(i)) == NULL)
            fail_msg("unknown-backend message '%s' does not list '%s'", err, gm_backend_name(i));

    /* case matters; prefixes are not names */
    h = (gm_graph *)&err;
    assert_int_equal(gm_open("JSON", &h, NULL, 0), GM_EINVAL);
    assert_null(h);
    h = (gm_graph *)&err;
    assert_int_equal(gm_open("", &h, err, sizeof err), GM_EINVAL);
    assert_null(h);
    h = (gm_graph *)&err;
    assert_int_equal(gm_open(NULL, &h, err, sizeof err), GM_EINVAL);
    assert_null(h);
    assert_int_equal(gm_open(f->backend, NULL, err, sizeof err), GM_EINVAL);

    /* a short buffer is still terminated */
    char small[6];
    memset(small, 'x', sizeof small);
    assert_int_equal(gm_open("nope", &h, small, sizeof small), GM_EINVAL);
    assert_true(strlen(small) < sizeof small);
    memset(small, 'x', sizeof small);
    assert_int_equal(gm_open("nope", &h, small, 1), GM_EINVAL);
    assert_int_equal(small[0], '\0');
    assert_int_equal(small[1], 'x');

    /* every registered backend opens, names itself and closes; NULL closes */
    for (size_t i = 0; i < gm_backend_count(); i++) {
        size_t l0 = live_now();
        gm_graph *x = NULL;
        assert_int_equal(gm_open(gm_backend_name(i), &x, err, sizeof err), GM_OK);
        assert_non_null(x);
        assert_string_equal(gm_graph_backend(x), gm_backend_name(i));
        assert_string_equal(gm_errmsg(x), "");
        assert_int_equal(gm_node_count(x), 0);
        assert_int_equal(gm_edge_count(x), 0);
        gm_close(x);
        assert_int_equal(live_now(), l0);
    }
    gm_close(NULL);
}

void t_strerror(void **state)
{
    (void)state;
    const gm_status all[] = { GM_OK, GM_ABSENT, GM_END, GM_ENOMEM, GM_EINVAL, GM_ENOTFOUND,
                              GM_ETYPE, GM_EJSON, GM_EEXIST };
    size_t n = sizeof all / sizeof all[0];
    for (size_t i = 0; i < n; i++) {
        const char *a = gm_strerror(all[i]);
        assert_non_null(a);
        assert_true(a[0] != '\0');
        for (size_t j = 0; j < i; j++) assert_string_not_equal(a, gm_strerror(all[j]));
    }
    assert_non_null(gm_strerror((gm_status)1000));
    assert_non_null(gm_strerror((gm_status)-1));
}

void t_errmsg_lifecycle(void **state)
{
    FX;
    assert_string_equal(gm_errmsg(g), "");
    gm_node a = add_node(g, "a");
    ASSERT_NOMSG(g);
    gm_node x;
    EXPECT_ERR(g, gm_node_find(g, "zz", 2, &x), GM_ENOTFOUND);
    /* the next successful call clears it */
    OK(g, gm_node_find(g, "a", 1, &x));
    assert_int_equal(x, a);
    ASSERT_NOMSG(g);
    EXPECT_ERR(g, gm_node_get(g, 12345, "k", &(gm_value){0}), GM_ENOTFOUND);
    expect_node_absent(g, a, "k");   /* GM_ABSENT clears too and sets none */
    EXPECT_ERR(g, gm_node_add(g, "a", 1, NULL), GM_EEXIST);
    gm_value v = gm_int(1);
    OK(g, gm_node_set(g, a, "k", &v));
    ASSERT_NOMSG(g);
    assert_non_null(gm_errmsg(NULL));
}

/* Every error code the API can produce, each with its own message. */
/* Typed reads: the value when the type matches, GM_ETYPE (with a message) when it does not,
** GM_ABSENT when unset; no int/double conversion. */
void t_typed_get(void **state)
{
    FX;
    gm_node a = add_node(g, "a");
    gm_value v = gm_int(INT64_MIN);
    OK(g, gm_node_set(g, a, "i", &v));
    v = gm_double(-0.0);
    OK(g, gm_node_set(g, a, "d", &v));
    v = gm_cstr("x");
    OK(g, gm_node_set(g, a, "s", &v));
    int64_t i = 7;
    double d = 7;
    OK(g, gm_node_get_int(g, a, "i", &i));
    assert_true(i == INT64_MIN);
    OK(g, gm_node_get_double(g, a, "d", &d));
    assert_true(d == 0.0 && signbit(d));
    EXPECT_ERR(g, gm_node_get_int(g, a, "d", &i), GM_ETYPE);
    assert_non_null(strstr(gm_errmsg(g), "double"));
    EXPECT_ERR(g, gm_node_get_double(g, a, "i", &d), GM_ETYPE);
    EXPECT_ERR(g, gm_node_get_int(g, a, "s", &i), GM_ETYPE);
    assert_non_null(strstr(gm_errmsg(g), "string"));
    assert_int_equal(gm_node_get_int(g, a, "none", &i), GM_ABSENT);
    assert_string_equal(gm_errmsg(g), "");
    EXPECT_ERR(g, gm_node_get_int(g, a + 1, "i", &i), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_node_get_int(g, a, "i", NULL), GM_EINVAL);
    EXPECT_ERR(g, gm_node_get_double(g, a, "", &d), GM_EINVAL);
    assert_int_equal(gm_node_get_int(NULL, a, "i", &i), GM_EINVAL);
}

void t_error_codes(void **state)
{
    FX;
    gm_node a = add_node(g, "a"), x;
    gm_value v = gm_double(NAN);
    EXPECT_ERR(g, gm_node_set(g, a, "k", &v), GM_EINVAL);
    char m1[256];
    snprintf(m1, sizeof m1, "%s", gm_errmsg(g));
    EXPECT_ERR(g, gm_node_find(g, "b", 1, &x), GM_ENOTFOUND);
    char m2[256];
    snprintf(m2, sizeof m2, "%s", gm_errmsg(g));
    EXPECT_ERR(g, gm_node_set_json(g, a, "k", "{", 1), GM_EJSON);
    char m3[256];
    snprintf(m3, sizeof m3, "%s", gm_errmsg(g));
    EXPECT_ERR(g, gm_node_add(g, "a", 1, &x), GM_EEXIST);
    char m4[256];
    snprintf(m4, sizeof m4, "%s", gm_errmsg(g));
    assert_string_not_equal(m1, m2);
    assert_string_not_equal(m2, m3);
    assert_string_not_equal(m3, m4);

    /* GM_ENOMEM: fail allocations until a set that must allocate (a new key, a string) fails */
    gm_value s = gm_cstr("a string long enough to need its own block of memory, surely");
    gm_status rc = GM_OK;
    for (long i = 0; i < 1000; i++) {
        gm_mem_fail_after(i);
        rc = gm_node_set(g, a, "fresh", &s);
        gm_mem_fail_after(-1);
        if (rc == GM_OK) { if (i == 0) fail_msg("a set of a new string key allocated nothing"); break; }
        assert_int_equal(rc, GM_ENOMEM);
        assert_true(gm_errmsg(g)[0] != '\0');
        expect_node_absent(g, a, "fresh");
    }
    assert_int_equal(rc, GM_OK);
    expect_node_val(g, a, "fresh", &s);
}

/* NULL graph / key / value / out arguments are GM_EINVAL, never a crash. */
void t_null_args(void **state)
{
    FX;
    gm_node a = add_node(g, "a");
    gm_edge e = add_edge(g, a, a);
    gm_value v = gm_int(1), out;
    gm_str id;
    gm_neighbors nb;
    size_t deg;
    gm_column col;
    gm_list list = { 0 };
    gm_node it = GM_NONE;
    gm_node nodes[1] = { a };
    gm_edge edges[1] = { e };
    gm_pred p = { "k", GM_EQ, gm_int(1) };
    gm_str ids[1] = { { "z", 1 } };

    /* NULL graph */
    assert_int_equal(gm_node_add(NULL, "x", 1, NULL), GM_EINVAL);
    assert_int_equal(gm_node_find(NULL, "a", 1, &it), GM_EINVAL);
    assert_int_equal(gm_node_id(NULL, a, &id), GM_EINVAL);
    assert_int_equal(gm_node_remove(NULL, a), GM_EINVAL);
    assert_int_equal(gm_node_count(NULL), 0);
    assert_int_equal(gm_node_bound(NULL), 0);
    assert_int_equal(gm_node_next(NULL, &it), GM_EINVAL);
    assert_int_equal(gm_edge_add(NULL, a, a, NULL), GM_EINVAL);
    assert_int_equal(gm_edge_remove(NULL, e), GM_EINVAL);
    assert_int_equal(gm_edge_ends(NULL, e, &it, &it), GM_EINVAL);
    assert_int_equal(gm_edge_count(NULL), 0);
    assert_int_equal(gm_edge_bound(NULL), 0);
    it = GM_NONE;
    assert_int_equal(gm_edge_next(NULL, &it), GM_EINVAL);
    assert_int_equal(gm_out_neighbors(NULL, a, &nb), GM_EINVAL);
    assert_int_equal(gm_out_degree(NULL, a, &deg), GM_EINVAL);
    assert_int_equal(gm_in_degree(NULL, a, &deg), GM_EINVAL);
    assert_int_equal(gm_node_set(NULL, a, "k", &v), GM_EINVAL);
    assert_int_equal(gm_edge_set(NULL, e, "k", &v), GM_EINVAL);
    assert_int_equal(gm_node_set_json(NULL, a, "k", "1", 1), GM_EINVAL);
    assert_int_equal(gm_node_get(NULL, a, "k", &out), GM_EINVAL);
    assert_int_equal(gm_edge_get(NULL, e, "k", &out), GM_EINVAL);
    assert_int_equal(gm_node_unset(NULL, a, "k"), GM_EINVAL);
    assert_int_equal(gm_edge_unset(NULL, e, "k"), GM_EINVAL);
    assert_int_equal(gm_node_set_batch(NULL, "k", nodes, &v, 1), GM_EINVAL);
    assert_int_equal(gm_edge_set_batch(NULL, "k", edges, &v, 1), GM_EINVAL);
    assert_int_equal(gm_node_column(NULL, "k", &col), GM_EINVAL);
    gm_column_release(NULL, &col);
    assert_int_equal(gm_filter(NULL, &p, 1, &list), GM_EINVAL);
    assert_int_equal(gm_memory_usage(NULL, NULL, NULL), GM_EINVAL);
    assert_int_equal(gm_node_add_batch(NULL, ids, 1, NULL, NULL), GM_EINVAL);
    assert_int_equal(gm_edge_add_batch(NULL, nodes, nodes, 1, NULL, NULL), GM_EINVAL);
    (void)gm_graph_backend(NULL);
    assert_non_null(gm_errmsg(NULL));

    /* NULL / empty keys */
    EXPECT_ERR(g, gm_node_set(g, a, NULL, &v), GM_EINVAL);
    EXPECT_ERR(g, gm_node_set(g, a, "", &v), GM_EINVAL);
    EXPECT_ERR(g, gm_edge_set(g, e, NULL, &v), GM_EINVAL);
    EXPECT_ERR(g, gm_edge_set(g, e, "", &v), GM_EINVAL);
    EXPECT_ERR(g, gm_node_get(g, a, NULL, &out), GM_EINVAL);
    EXPECT_ERR(g, gm_node_get(g, a, "", &out), GM_EINVAL);
    EXPECT_ERR(g, gm_edge_get(g, e, NULL, &out), GM_EINVAL);
    EXPECT_ERR(g, gm_edge_get(g, e, "", &out), GM_EINVAL);
    EXPECT_ERR(g, gm_node_unset(g, a, NULL), GM_EINVAL);
    EXPECT_ERR(g, gm_node_unset(g, a, ""), GM_EINVAL);
    EXPECT_ERR(g, gm_edge_unset(g, e, NULL), GM_EINVAL);
    EXPECT_ERR(g, gm_edge_unset(g, e, ""), GM_EINVAL);
    EXPECT_ERR(g, gm_node_set_json(g, a, NULL, "1", 1), GM_EINVAL);
    EXPECT_ERR(g, gm_node_set_json(g, a, "", "1", 1), GM_EINVAL);
    EXPECT_ERR(g, gm_node_set_batch(g, NULL, nodes, &v, 1), GM_EINVAL);
    EXPECT_ERR(g, gm_node_set_batch(g, "", nodes, &v, 1), GM_EINVAL);
    EXPECT_ERR(g, gm_edge_set_batch(g, NULL, edges, &v, 1), GM_EINVAL);
    EXPECT_ERR(g, gm_edge_set_batch(g, "", edges, &v, 1), GM_EINVAL);
    EXPECT_ERR(g, gm_node_column(g, NULL, &col), GM_EINVAL);
    EXPECT_ERR(g, gm_node_column(g, "", &col), GM_EINVAL);
    p.key = NULL;
    EXPECT_ERR(g, gm_filter(g, &p, 1, &list), GM_EINVAL);
    p.key = "";
    EXPECT_ERR(g, gm_filter(g, &p, 1, &list), GM_EINVAL);
    p.key = "k";

    /* NULL values and outputs */
    EXPECT_ERR(g, gm_node_set(g, a, "k", NULL), GM_EINVAL);
    EXPECT_ERR(g, gm_edge_set(g, e, "k", NULL), GM_EINVAL);
    EXPECT_ERR(g, gm_node_get(g, a, "k", NULL), GM_EINVAL);
    EXPECT_ERR(g, gm_edge_get(g, e, "k", NULL), GM_EINVAL);
    EXPECT_ERR(g, gm_node_set_json(g, a, "k", NULL, 1), GM_EINVAL);
    EXPECT_ERR(g, gm_node_set_batch(g, "k", NULL, &v, 1), GM_EINVAL);
    EXPECT_ERR(g, gm_node_set_batch(g, "k", nodes, NULL, 1), GM_EINVAL);
    EXPECT_ERR(g, gm_edge_set_batch(g, "k", NULL, &v, 1), GM_EINVAL);
    EXPECT_ERR(g, gm_edge_set_batch(g, "k", edges, NULL, 1), GM_EINVAL);
    EXPECT_ERR(g, gm_node_find(g, "a", 1, NULL), GM_EINVAL);
    EXPECT_ERR(g, gm_node_find(g, NULL, 1, &it), GM_EINVAL);
    EXPECT_ERR(g, gm_node_add(g, NULL, 1, NULL), GM_EINVAL);
    EXPECT_ERR(g, gm_node_id(g, a, NULL), GM_EINVAL);
    EXPECT_ERR(g, gm_node_next(g, NULL), GM_EINVAL);
    EXPECT_ERR(g, gm_edge_next(g, NULL), GM_EINVAL);
    EXPECT_ERR(g, gm_out_neighbors(g, a, NULL), GM_EINVAL);
    EXPECT_ERR(g, gm_out_degree(g, a, NULL), GM_EINVAL);
    EXPECT_ERR(g, gm_in_degree(g, a, NULL), GM_EINVAL);
    EXPECT_ERR(g, gm_node_column(g, "k", NULL), GM_EINVAL);
    EXPECT_ERR(g, gm_filter(g, &p, 1, NULL), GM_EINVAL);
    EXPECT_ERR(g, gm_filter(g, NULL, 1, &list), GM_EINVAL);
    EXPECT_ERR(g, gm_memory_usage(g, NULL, NULL), GM_EINVAL);
    EXPECT_ERR(g, gm_node_add_batch(g, NULL, 1, NULL, NULL), GM_EINVAL);
    EXPECT_ERR(g, gm_edge_add_batch(g, NULL, nodes, 1, NULL, NULL), GM_EINVAL);
    EXPECT_ERR(g, gm_edge_add_batch(g, nodes, NULL, 1, NULL, NULL), GM_EINVAL);
    gm_value bad = gm_strn(NULL, 3);
    EXPECT_ERR(g, gm_node_set(g, a, "k", &bad), GM_EINVAL);
    gm_value badarr = varr(NULL, 2);
    EXPECT_ERR(g, gm_node_set(g, a, "k", &badarr), GM_EINVAL);
    gm_value badtype;
    memset(&badtype, 0, sizeof badtype);
    badtype.type = (gm_type)77;
    EXPECT_ERR(g, gm_node_set(g, a, "k", &badtype), GM_EINVAL);
    gm_column_release(g, NULL);

    /* nothing of the above changed the store */
    assert_int_equal(gm_node_count(g), 1);
    assert_int_equal(gm_edge_count(g), 1);
    expect_node_absent(g, a, "k");
    expect_edge_absent(g, e, "k");
    gm_list_free(&list);
    gm_list_free(NULL);
}
