/*
** batch.c: batch set and batch add.
** Part of the conformance suite (impl/tests/README.md); moved verbatim from conformance.c.
*/
#include "fixture.h"

/* ================================================================ batch */

void t_batch_set_nodes(void **state)
{
    FX;
    gm_node n[6];
    for (int i = 0; i < 6; i++) { char id[4] = { (char)('a' + i), 0 }; n[i] = add_node(g, id); }
    gm_value items[2] = { gm_int(1), gm_cstr("x") };
    gm_value vals[5] = { gm_int(INT64_MIN), gm_double(-0.0), gm_cstr("\xe6\x9d\xb1"), varr(items, 2), gm_null() };
    gm_node which[5] = { n[0], n[2], n[3], n[4], n[5] };
    OK(g, gm_node_set_batch(g, "k", which, vals, 5));
    ASSERT_NOMSG(g);
    for (int i = 0; i < 5; i++) expect_node_val(g, which[i], "k", &vals[i]);
    expect_node_absent(g, n[1], "k");
    /* overwrite some through a batch */
    gm_value v2[2] = { gm_bool(true), gm_int(3) };
    gm_node w2[2] = { n[1], n[0] };
    OK(g, gm_node_set_batch(g, "k", w2, v2, 2));
    expect_node_val(g, n[1], "k", &v2[0]);
    expect_node_val(g, n[0], "k", &v2[1]);
    expect_node_val(g, n[2], "k", &vals[1]);
    /* one unknown handle (last, first): nothing changes */
    gm_value v3[3] = { gm_int(100), gm_int(101), gm_int(102) };
    gm_node w3[3] = { n[0], n[1], 999 };
    EXPECT_ERR(g, gm_node_set_batch(g, "k", w3, v3, 3), GM_ENOTFOUND);
    expect_node_val(g, n[0], "k", &v2[1]);
    expect_node_val(g, n[1], "k", &v2[0]);
    OK(g, gm_node_remove(g, n[5]));
    gm_node w4[3] = { n[5], n[0], n[1] };
    EXPECT_ERR(g, gm_node_set_batch(g, "k", w4, v3, 3), GM_ENOTFOUND);
    expect_node_val(g, n[0], "k", &v2[1]);
    gm_node w5[3] = { n[0], n[1], n[2] };
    EXPECT_ERR(g, gm_node_set_batch(g, "fresh", w3, v3, 3), GM_ENOTFOUND);
    expect_node_absent(g, n[0], "fresh");
    expect_node_absent(g, n[1], "fresh");
    /* one NaN, one NUL: nothing changes */
    gm_value v6[3] = { gm_int(7), gm_int(8), gm_double(NAN) };
    EXPECT_ERR(g, gm_node_set_batch(g, "k", w5, v6, 3), GM_EINVAL);
    expect_node_val(g, n[0], "k", &v2[1]);
    expect_node_val(g, n[1], "k", &v2[0]);
    v6[2] = gm_strn("a\0b", 3);
    EXPECT_ERR(g, gm_node_set_batch(g, "fresh", w5, v6, 3), GM_EINVAL);
    expect_node_absent(g, n[0], "fresh");
    /* count 0 is OK and changes nothing, even with NULL arrays */
    OK(g, gm_node_set_batch(g, "k", NULL, NULL, 0));
    OK(g, gm_node_set_batch(g, "k", w5, v6, 0));
    expect_node_val(g, n[0], "k", &v2[1]);
    /* a big batch */
    enum { M = 500 };
    gm_node *hs = malloc(M * sizeof *hs);
    gm_value *vs = malloc(M * sizeof *vs);
    assert_non_null(hs);
    assert_non_null(vs);
    for (int i = 0; i < M; i++) {
        char id[16];
        snprintf(id, sizeof id, "m%d", i);
        hs[i] = add_node(g, id);
        vs[i] = (i % 2) ? gm_int(i) : gm_double(i + 0.5);
    }
    OK(g, gm_node_set_batch(g, "m", hs, vs, M));
    for (int i = 0; i < M; i++) expect_node_val(g, hs[i], "m", &vs[i]);
    free(hs);
    free(vs);
}

void t_batch_set_edges(void **state)
{
    FX;
    gm_node a = add_node(g, "a"), b = add_node(g, "b");
    gm_edge e[4];
    e[0] = add_edge(g, a, b);      /* not in an initializer list: its order is unspecified */
    e[1] = add_edge(g, a, b);
    e[2] = add_edge(g, b, b);
    e[3] = add_edge(g, b, a);
    gm_str keys[1] = { S("o") };
    gm_value inner = gm_double(0.1);
    gm_value vals[4] = { gm_cstr(""), vobj(keys, &inner, 1), gm_int(-1), gm_bool(false) };
    OK(g, gm_edge_set_batch(g, "w", e, vals, 4));
    for (int i = 0; i < 4; i++) expect_edge_val(g, e[i], "w", &vals[i]);
    expect_node_absent(g, a, "w");
    gm_value nv[2] = { gm_int(1), gm_double(INFINITY) };
    EXPECT_ERR(g, gm_edge_set_batch(g, "w", e, nv, 2), GM_EINVAL);
    expect_edge_val(g, e[0], "w", &vals[0]);
    OK(g, gm_edge_remove(g, e[3]));
    gm_edge w2[2] = { e[0], e[3] };
    nv[1] = gm_int(2);
    EXPECT_ERR(g, gm_edge_set_batch(g, "w", w2, nv, 2), GM_ENOTFOUND);
    expect_edge_val(g, e[0], "w", &vals[0]);
    gm_edge w3[2] = { 99, e[0] };
    EXPECT_ERR(g, gm_edge_set_batch(g, "new", w3, nv, 2), GM_ENOTFOUND);
    expect_edge_absent(g, e[0], "new");
    OK(g, gm_edge_set_batch(g, "w", NULL, NULL, 0));
    expect_edge_val(g, e[1], "w", &vals[1]);
}


void t_add_batch(void **state)
{
    FX;
    add_node(g, "pre");
    gm_str ids[4] = { S("x"), S("y"), { "z\0z", 3 }, S("") };
    gm_node first = GM_NONE;
    size_t added = 99;
    OK(g, gm_node_add_batch(g, ids, 4, &first, &added));
    assert_int_equal(first, 1);
    assert_int_equal(added, 4);
    assert_int_equal(gm_node_count(g), 5);
    for (size_t i = 0; i < 4; i++) {
        gm_node h;
        OK(g, gm_node_find(g, ids[i].ptr, ids[i].len, &h));
        assert_int_equal(h, first + i);
        gm_str s;
        OK(g, gm_node_id(g, h, &s));
        assert_int_equal(s.len, ids[i].len);
        if (s.len) assert_memory_equal(s.ptr, ids[i].ptr, s.len);
    }
    /* duplicates (with an existing node, within the batch): GM_EEXIST, nothing added */
    gm_str dup1[3] = { S("new1"), S("pre"), S("new2") };
    EXPECT_ERR(g, gm_node_add_batch(g, dup1, 3, &first, &added), GM_EEXIST);
    assert_int_equal(gm_node_count(g), 5);
    assert_int_equal(gm_node_bound(g), 5);
    gm_node h;
    EXPECT(g, gm_node_find(g, "new1", 4, &h), GM_ENOTFOUND);
    gm_str dup2[3] = { S("new1"), S("new2"), S("new1") };
    EXPECT_ERR(g, gm_node_add_batch(g, dup2, 3, NULL, NULL), GM_EEXIST);
    assert_int_equal(gm_node_count(g), 5);
    EXPECT(g, gm_node_find(g, "new1", 4, &h), GM_ENOTFOUND);
    OK(g, gm_node_add_batch(g, NULL, 0, NULL, NULL));
    assert_int_equal(gm_node_count(g), 5);
    /* after the rolled-back batches, the store is as before: ids resolve, handles continue */
    gm_str after[2] = { S("new2"), S("new1") };
    OK(g, gm_node_add_batch(g, after, 2, &first, &added));
    assert_int_equal(first, 5);
    for (size_t i = 0; i < 4; i++) {
        OK(g, gm_node_find(g, ids[i].ptr, ids[i].len, &h));
        assert_int_equal(h, 1 + i);
    }
    OK(g, gm_node_find(g, "new1", 4, &h));
    assert_int_equal(h, 6);
    /* ids borrowed from the store itself (a prefix of an existing id) */
    gm_str own;
    OK(g, gm_node_id(g, 6, &own));
    gm_str pieces[2] = { { own.ptr, 3 }, { own.ptr, 2 } };
    OK(g, gm_node_add_batch(g, pieces, 2, &first, &added));
    OK(g, gm_node_find(g, "new", 3, &h));
    assert_int_equal(h, first);
    OK(g, gm_node_find(g, "ne", 2, &h));
    assert_int_equal(h, first + 1);
    assert_int_equal(gm_node_count(g), 9);
    /* back to the shape the rest of this test expects */
    for (gm_node n = 5; n < 9; n++) OK(g, gm_node_remove(g, n));

    /* edges */
    gm_node src[4] = { 0, 1, 2, 2 }, dst[4] = { 1, 1, 0, 0 };
    gm_edge ef = GM_NONE;
    add_edge(g, 3, 4);
    OK(g, gm_edge_add_batch(g, src, dst, 4, &ef, &added));
    assert_int_equal(ef, 1);
    assert_int_equal(added, 4);
    assert_int_equal(gm_edge_count(g), 5);
    for (size_t i = 0; i < 4; i++) {
        gm_node s, d;
        OK(g, gm_edge_ends(g, ef + (gm_edge)i, &s, &d));
        assert_int_equal(s, src[i]);
        assert_int_equal(d, dst[i]);
    }
    DEG_EXPECT(g, 2, 2, 0);
    DEG_EXPECT(g, 0, 1, 2);
    gm_node bad[2] = { 0, 77 };
    EXPECT_ERR(g, gm_edge_add_batch(g, src, bad, 2, &ef, &added), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_edge_add_batch(g, bad, src, 2, &ef, &added), GM_ENOTFOUND);
    assert_int_equal(gm_edge_count(g), 5);
    assert_int_equal(gm_edge_bound(g), 5);
    OK(g, gm_edge_add_batch(g, NULL, NULL, 0, NULL, NULL));
    assert_int_equal(gm_edge_count(g), 5);
}
