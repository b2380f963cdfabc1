/*
** values.c: attribute values: round trips, types, keys, rejections, borrowed values.
** Part of the conformance suite (impl/tests/README.md); moved verbatim from conformance.c.
*/
#include "fixture.h"

/* ================================================================ values */

void t_values_roundtrip_nodes(void **state)
{
    FX;
    build_samples();
    gm_node a = add_node(g, "a"), b = add_node(g, "b");
    char key[32];
    /* one key per value on node a: every value kept side by side */
    for (size_t i = 0; i < nsample; i++) {
        snprintf(key, sizeof key, "k%zu", i);
        OK(g, gm_node_set(g, a, key, &sample_vals[i]));
        ASSERT_NOMSG(g);
        expect_node_val(g, a, key, &sample_vals[i]);
    }
    for (size_t i = 0; i < nsample; i++) {
        snprintf(key, sizeof key, "k%zu", i);
        expect_node_val(g, a, key, &sample_vals[i]);
    }
    /* one key overwritten with every value in turn (type changes included) on node b */
    for (size_t i = 0; i < nsample; i++) {
        OK(g, gm_node_set(g, b, "same", &sample_vals[i]));
        expect_node_val(g, b, "same", &sample_vals[i]);
        expect_node_absent(g, a, "same");
    }
    /* nothing leaked across nodes */
    for (size_t i = 0; i < 3; i++) {
        snprintf(key, sizeof key, "k%zu", i);
        expect_node_absent(g, b, key);
    }
}

void t_values_roundtrip_edges(void **state)
{
    FX;
    build_samples();
    gm_node a = add_node(g, "a"), b = add_node(g, "b");
    gm_edge e1 = add_edge(g, a, b), e2 = add_edge(g, a, b);   /* parallel: separate attributes */
    char key[32];
    for (size_t i = 0; i < nsample; i++) {
        snprintf(key, sizeof key, "k%zu", i);
        OK(g, gm_edge_set(g, e1, key, &sample_vals[i]));
        expect_edge_val(g, e1, key, &sample_vals[i]);
        expect_edge_absent(g, e2, key);
        expect_node_absent(g, a, key);     /* edge and node attributes are separate */
    }
    for (size_t i = 0; i < nsample; i++) {
        snprintf(key, sizeof key, "k%zu", i);
        expect_edge_val(g, e1, key, &sample_vals[i]);
        OK(g, gm_edge_set(g, e2, "same", &sample_vals[i]));
        expect_edge_val(g, e2, "same", &sample_vals[i]);
    }
}

void t_values_types_distinct(void **state)
{
    FX;
    gm_node a = add_node(g, "a");
    gm_value one_i = gm_int(1), one_d = gm_double(1.0), out;
    OK(g, gm_node_set(g, a, "i", &one_i));
    OK(g, gm_node_set(g, a, "d", &one_d));
    OK(g, gm_node_get(g, a, "i", &out));
    assert_int_equal(out.type, GM_INT);
    assert_int_equal(out.as.i, 1);
    OK(g, gm_node_get(g, a, "d", &out));
    assert_int_equal(out.type, GM_DOUBLE);
    assert_true(out.as.d == 1.0);
    gm_value nz = gm_double(-0.0);
    OK(g, gm_node_set(g, a, "z", &nz));
    OK(g, gm_node_get(g, a, "z", &out));
    assert_int_equal(out.type, GM_DOUBLE);
    assert_true(signbit(out.as.d));
    assert_true(out.as.d == 0.0);
    gm_value t = gm_bool(true);
    OK(g, gm_node_set(g, a, "b", &t));
    OK(g, gm_node_get(g, a, "b", &out));
    assert_int_equal(out.type, GM_BOOL);
    assert_true(out.as.b);
    gm_value sv = gm_cstr("1");
    OK(g, gm_node_set(g, a, "s", &sv));
    OK(g, gm_node_get(g, a, "s", &out));
    assert_int_equal(out.type, GM_STRING);
    assert_int_equal(out.as.s.len, 1);
    assert_memory_equal(out.as.s.ptr, "1", 1);
}

void t_values_special_keys(void **state)
{
    FX;
    gm_node a = add_node(g, "a");
    const char *keys[] = { "a", "ab", "a.b", "with space", "\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87",
                           "q\"uote", "back\\slash", "{", "$", "k\n" };
    size_t n = sizeof keys / sizeof keys[0];
    for (size_t i = 0; i < n; i++) {
        gm_value v = gm_int((int64_t)i * 10);
        OK(g, gm_node_set(g, a, keys[i], &v));
    }
    for (size_t i = 0; i < n; i++) {
        gm_value v = gm_int((int64_t)i * 10);
        expect_node_val(g, a, keys[i], &v);
    }
    expect_node_absent(g, a, "A");
    expect_node_absent(g, a, "a.");
    /* many keys on one node */
    char key[32];
    for (int i = 0; i < 200; i++) {
        snprintf(key, sizeof key, "many%d", i);
        gm_value v = gm_int(i);
        OK(g, gm_node_set(g, a, key, &v));
    }
    for (int i = 0; i < 200; i++) {
        snprintf(key, sizeof key, "many%d", i);
        gm_value v = gm_int(i);
        expect_node_val(g, a, key, &v);
    }
    for (int i = 0; i < 200; i += 2) {
        snprintf(key, sizeof key, "many%d", i);
        OK(g, gm_node_unset(g, a, key));
    }
    for (int i = 0; i < 200; i++) {
        snprintf(key, sizeof key, "many%d", i);
        gm_value v = gm_int(i);
        if (i % 2) expect_node_val(g, a, key, &v);
        else expect_node_absent(g, a, key);
    }
}

void t_values_rejected(void **state)
{
    FX;
    gm_node a = add_node(g, "a"), b = add_node(g, "b");
    gm_edge e = add_edge(g, a, b);
    gm_value prev = gm_cstr("previous");
    OK(g, gm_node_set(g, a, "k", &prev));
    OK(g, gm_edge_set(g, e, "k", &prev));

    gm_value bad[12];
    size_t nb = 0;
    bad[nb++] = gm_double(NAN);
    bad[nb++] = gm_double(-NAN);
    bad[nb++] = gm_double(INFINITY);
    bad[nb++] = gm_double(-INFINITY);
    bad[nb++] = gm_strn("a\0b", 3);
    bad[nb++] = gm_strn("\0", 1);
    gm_value items[3] = { gm_int(1), gm_double(NAN), gm_int(2) };
    bad[nb++] = varr(items, 3);                           /* NaN nested in an array */
    gm_value items2[1] = { gm_strn("x\0", 2) };
    gm_value nested2 = varr(items2, 1);
    gm_str k1[1] = { { "ok", 2 } };
    bad[nb++] = vobj(k1, &nested2, 1);                    /* NUL nested in object in array */
    gm_str k2[1] = { { "k\0ey", 4 } };
    gm_value v2[1] = { gm_int(1) };
    bad[nb++] = vobj(k2, v2, 1);                          /* NUL in an object key */
    gm_str k3[1] = { { NULL, 2 } };
    bad[nb++] = vobj(k3, v2, 1);                          /* NULL key pointer, non-zero length */
    gm_value v4[1] = { gm_double(-INFINITY) };
    bad[nb++] = vobj(k1, v4, 1);

    for (size_t i = 0; i < nb; i++) {
        char b1[100];
        assert_int_equal(gm_value_check(&bad[i]), GM_EINVAL);
        gm_status rc = gm_node_set(g, a, "k", &bad[i]);
        if (rc != GM_EINVAL)
            fail_msg("node set of bad value %zu (%s) gave %s", i, vfmt(&bad[i], b1, sizeof b1), gm_strerror(rc));
        assert_true(gm_errmsg(g)[0] != '\0');
        expect_node_val(g, a, "k", &prev);                 /* previous value still there */
        EXPECT_ERR(g, gm_edge_set(g, e, "k", &bad[i]), GM_EINVAL);
        expect_edge_val(g, e, "k", &prev);
        EXPECT_ERR(g, gm_node_set(g, b, "new", &bad[i]), GM_EINVAL);
        expect_node_absent(g, b, "new");                   /* and nothing created */
        gm_node nodes[2] = { a, b };
        gm_value vals[2] = { gm_int(5), bad[i] };
        EXPECT_ERR(g, gm_node_set_batch(g, "k", nodes, vals, 2), GM_EINVAL);
        expect_node_val(g, a, "k", &prev);
    }
    /* values that look odd but are valid */
    gm_value okv[4];
    okv[0] = gm_strn(NULL, 0);          /* NULL pointer with zero length: the empty string */
    okv[1] = varr(NULL, 0);
    okv[2] = vobj(NULL, NULL, 0);
    okv[3] = gm_double(DBL_MIN);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(gm_value_check(&okv[i]), GM_OK);
        OK(g, gm_node_set(g, b, "ok", &okv[i]));
        gm_value out;
        OK(g, gm_node_get(g, b, "ok", &out));
        assert_int_equal(out.type, okv[i].type);
        if (out.type == GM_STRING) assert_int_equal(out.as.s.len, 0);
        if (out.type == GM_ARRAY) assert_int_equal(out.as.a.len, 0);
        if (out.type == GM_OBJECT) assert_int_equal(out.as.o.len, 0);
        if (out.type == GM_DOUBLE) ASSERT_VEQ(&out, &okv[i]);
    }
}

void t_null_vs_absent(void **state)
{
    FX;
    gm_node a = add_node(g, "a"), b = add_node(g, "b");
    gm_edge e = add_edge(g, a, b);
    gm_value nul = gm_null(), out;
    expect_node_absent(g, a, "k");
    expect_edge_absent(g, e, "k");
    OK(g, gm_node_set(g, a, "k", &nul));
    OK(g, gm_edge_set(g, e, "k", &nul));
    memset(&out, 0x33, sizeof out);
    OK(g, gm_node_get(g, a, "k", &out));
    assert_int_equal(out.type, GM_NULL);
    memset(&out, 0x33, sizeof out);
    OK(g, gm_edge_get(g, e, "k", &out));
    assert_int_equal(out.type, GM_NULL);
    expect_node_absent(g, b, "k");
    /* unset: then absent; unsetting again is GM_ABSENT */
    OK(g, gm_node_unset(g, a, "k"));
    ASSERT_NOMSG(g);
    expect_node_absent(g, a, "k");
    EXPECT(g, gm_node_unset(g, a, "k"), GM_ABSENT);
    ASSERT_NOMSG(g);
    EXPECT(g, gm_node_unset(g, b, "never"), GM_ABSENT);
    OK(g, gm_edge_unset(g, e, "k"));
    expect_edge_absent(g, e, "k");
    EXPECT(g, gm_edge_unset(g, e, "k"), GM_ABSENT);
    /* unset one key keeps the others; set again after unset */
    gm_value one = gm_int(1), two = gm_cstr("two");
    OK(g, gm_node_set(g, a, "x", &one));
    OK(g, gm_node_set(g, a, "y", &two));
    OK(g, gm_node_unset(g, a, "x"));
    expect_node_absent(g, a, "x");
    expect_node_val(g, a, "y", &two);
    OK(g, gm_node_set(g, a, "x", &two));
    expect_node_val(g, a, "x", &two);
    /* unset on an unknown node */
    EXPECT_ERR(g, gm_node_unset(g, 999, "x"), GM_ENOTFOUND);
    EXPECT_ERR(g, gm_edge_unset(g, 999, "x"), GM_ENOTFOUND);
}

void t_values_replace_type(void **state)
{
    FX;
    gm_node a = add_node(g, "a");
    gm_value items[2] = { gm_int(1), gm_cstr("two") };
    gm_str keys[1] = { { "k", 1 } };
    gm_value seq[] = { gm_int(7), gm_cstr("seven"), varr(items, 2), gm_double(7.5), gm_null(),
                       vobj(keys, items, 1), gm_bool(false), gm_int(-7), gm_cstr("") };
    for (size_t i = 0; i < sizeof seq / sizeof seq[0]; i++) {
        OK(g, gm_node_set(g, a, "k", &seq[i]));
        expect_node_val(g, a, "k", &seq[i]);
    }
}

/* Borrowed payloads: copy before the next call; the copy outlives later calls and the graph. */
void t_values_borrowed_copy(void **state)
{
    FX;
    gm_node a = add_node(g, "a");
    char buf[32];
    strcpy(buf, "caller-owned");
    gm_value s = gm_cstr(buf), t = gm_cstr("other"), out, keep = gm_null();
    OK(g, gm_node_set(g, a, "s", &s));
    buf[0] = 'X';                                  /* the store copied it */
    gm_value orig = gm_cstr("caller-owned");
    expect_node_val(g, a, "s", &orig);
    OK(g, gm_node_set(g, a, "t", &t));
    OK(g, gm_node_get(g, a, "s", &out));
    OK(g, gm_value_copy(&keep, &out));
    OK(g, gm_node_get(g, a, "t", &out));           /* the borrowed "s" may now be dead */
    ASSERT_VEQ(&out, &t);
    OK(g, gm_node_set(g, a, "s", &t));              /* mutate: the copy is unaffected */
    ASSERT_VEQ(&keep, &orig);
    gm_value_free(&keep);
    assert_int_equal(keep.type, GM_NULL);
}

/* Values and ids passed IN that are borrowed from the store itself (a get's payload, a node's
** id): valid when the call starts, so the store must read them before it moves or frees them. */
void t_values_self_alias(void **state)
{
    FX;
    gm_node a = add_node(g, "alias-a"), b = add_node(g, "alias-b");
    gm_edge e = add_edge(g, a, b);
    const char *text = "a string long enough not to fit in any small buffer, 0123456789";
    gm_value want = gm_cstr(text), v;
    OK(g, gm_node_set(g, a, "s", &want));
    OK(g, gm_node_get(g, a, "s", &v));
    OK(g, gm_node_set(g, a, "s", &v));              /* the same row, from its own bytes */
    expect_node_val(g, a, "s", &want);
    OK(g, gm_node_get(g, a, "s", &v));
    OK(g, gm_node_set(g, b, "s", &v));              /* another row of the same column */
    expect_node_val(g, b, "s", &want);
    OK(g, gm_node_get(g, a, "s", &v));
    OK(g, gm_node_set(g, a, "other", &v));          /* another column */
    expect_node_val(g, a, "other", &want);
    OK(g, gm_node_get(g, a, "s", &v));
    OK(g, gm_edge_set(g, e, "s", &v));              /* an edge */
    expect_edge_val(g, e, "s", &want);
    OK(g, gm_edge_get(g, e, "s", &v));
    OK(g, gm_node_set(g, b, "from-edge", &v));
    expect_node_val(g, b, "from-edge", &want);
    /* a batch of values borrowed from the store */
    OK(g, gm_node_get(g, a, "s", &v));
    gm_node both[2] = { b, a };
    gm_value vals[2] = { v, v };
    OK(g, gm_node_set_batch(g, "s", both, vals, 2));
    expect_node_val(g, a, "s", &want);
    expect_node_val(g, b, "s", &want);
    /* nested values */
    gm_value items[3] = { gm_cstr(text), gm_int(1), gm_cstr("x") };
    gm_str keys[1] = { S("k") };
    gm_value inner = varr(items, 3);
    gm_value nested = vobj(keys, &inner, 1);
    OK(g, gm_node_set(g, a, "n", &nested));
    OK(g, gm_node_get(g, a, "n", &v));
    OK(g, gm_node_set(g, a, "n", &v));
    expect_node_val(g, a, "n", &nested);
    OK(g, gm_node_get(g, a, "n", &v));
    OK(g, gm_node_set(g, b, "n", &v));
    expect_node_val(g, b, "n", &nested);
    /* a column of many distinct strings: values borrowed from it set back into it */
    enum { M = 150 };
    char buf[48];
    gm_node hs[M];
    for (int i = 0; i < M; i++) {
        snprintf(buf, sizeof buf, "alias-%d", i);
        hs[i] = add_node(g, buf);
        snprintf(buf, sizeof buf, "distinct string number %d", i);
        gm_value sv = gm_cstr(buf);
        OK(g, gm_node_set(g, hs[i], "u", &sv));
    }
    OK(g, gm_node_get(g, hs[3], "u", &v));
    OK(g, gm_node_set(g, hs[50], "u", &v));
    OK(g, gm_node_get(g, hs[3], "u", &v));
    gm_node two[2] = { hs[60], hs[3] };
    gm_value tv[2] = { v, v };
    OK(g, gm_node_set_batch(g, "u", two, tv, 2));
    gm_value w3 = gm_cstr("distinct string number 3");
    expect_node_val(g, hs[3], "u", &w3);
    expect_node_val(g, hs[50], "u", &w3);
    expect_node_val(g, hs[60], "u", &w3);
    for (int i = 0; i < M; i++) {
        if (i == 50 || i == 60) continue;
        snprintf(buf, sizeof buf, "distinct string number %d", i);
        gm_value sv = gm_cstr(buf);
        expect_node_val(g, hs[i], "u", &sv);
    }
    CHECK_COLUMN(g, "u");
    /* ids borrowed from the store: an existing id, and a prefix of one (a new node) */
    gm_str id;
    gm_node h;
    OK(g, gm_node_id(g, a, &id));
    EXPECT_ERR(g, gm_node_add(g, id.ptr, id.len, &h), GM_EEXIST);
    assert_int_equal(h, a);
    OK(g, gm_node_id(g, a, &id));
    OK(g, gm_node_add(g, id.ptr, id.len - 2, &h));
    gm_str got;
    OK(g, gm_node_id(g, h, &got));
    assert_int_equal(got.len, strlen("alias-a") - 2);
    assert_memory_equal(got.ptr, "alias", 5);
    OK(g, gm_node_find(g, "alias", 5, &h));
    gm_node src = add_node(g, "prefix-source");
    gm_str ids[3];
    OK(g, gm_node_id(g, src, &ids[0]));
    ids[1] = ids[0];
    ids[2] = ids[0];
    ids[0].len = 8;                                 /* "prefix-s" */
    ids[1].len = 9;                                 /* "prefix-so" */
    ids[2].len = 10;                                /* "prefix-sou" */
    gm_node first;
    size_t added;
    OK(g, gm_node_add_batch(g, ids, 3, &first, &added));
    assert_int_equal(added, 3);
    OK(g, gm_node_find(g, "prefix-s", 8, &h));
    assert_int_equal(h, first);
    OK(g, gm_node_find(g, "prefix-so", 9, &h));
    assert_int_equal(h, first + 1);
    OK(g, gm_node_find(g, "prefix-sou", 10, &h));
    assert_int_equal(h, first + 2);
    OK(g, gm_node_id(g, first + 2, &got));
    assert_int_equal(got.len, 10);
    assert_memory_equal(got.ptr, "prefix-sou", 10);
}

/* Values read from the store passed back into set and batch set, for every column layout
** (ints, dictionary strings, distinct strings, tagged values): they are valid when the call
** starts, so a backend must read them before it moves or frees what they point into, whatever
** the batch writes first. Two batch shapes: a get's value after rows whose new strings grow the
** column's bytes, and a whole column rotated through its own view (row i := row i + 1), the
** tagged one with the view's own values array passed as the batch's input. */
enum { BB_N = 400, BB_K = 50, BB_KEYS = 4 };
static const char *bb_keys[BB_KEYS] = { "i", "c", "s", "v" };
static char     bb_s[BB_N][64], bb_vs[BB_N][16], bb_ks[BB_N][12], bb_grow[BB_K][80];
static gm_value bb_items[BB_N][2], bb_members[BB_N];
static gm_str   bb_mkeys[BB_N];
static const char *bb_roles[5] = { "role-alpha", "role-beta", "role-gamma", "role-delta", "role-eps" };

/* The value the model holds for key k at row i (payloads in static storage). */
static gm_value bb_model(int k, size_t i)
{
    switch (k) {
    case 0: return gm_int((int64_t)i * 5 - 7);
    case 1: return gm_cstr(bb_roles[i % 5]);
    case 2: return gm_cstr(bb_s[i]);
    default:
        if (i % 3 == 0) return gm_cstr(bb_vs[i]);
        if (i % 3 == 1) return varr(bb_items[i], 2);
        return vobj(&bb_mkeys[i], &bb_members[i], 1);
    }
}

static void bb_expect_all(gm_graph *g, gm_node first, int k, size_t rot, int line)
{
    for (size_t i = 0; i < BB_N; i++) {
        gm_value want = bb_model(k, (i + rot) % BB_N), got;
        fail_line = line;
        OK(g, gm_node_get(g, first + (gm_node)i, bb_keys[k], &got));
        if (!veq(&got, &want)) {
            char b1[200], b2[200];
            fail_msg("line %d: key '%s' row %zu holds %s, expected %s", line, bb_keys[k], i,
                     vfmt(&got, b1, sizeof b1), vfmt(&want, b2, sizeof b2));
        }
    }
}

void t_values_borrowed_batch(void **state)
{
    FX;
    static gm_str ids[BB_N];
    static char names[BB_N][8];
    static gm_node hs[BB_N];
    static gm_value vals[BB_N];
    for (size_t i = 0; i < BB_N; i++) {
        snprintf(names[i], sizeof names[i], "bb%zu", i);
        ids[i] = S(names[i]);
        snprintf(bb_s[i], sizeof bb_s[i], "distinct string %zu, long enough to need its bytes", i);
        snprintf(bb_vs[i], sizeof bb_vs[i], "val-%zu", i);
        snprintf(bb_ks[i], sizeof bb_ks[i], "m%zu", i);
        bb_items[i][0] = gm_int((int64_t)i);
        bb_items[i][1] = gm_cstr(bb_vs[i]);
        bb_members[i] = gm_double((double)i + 0.25);
        bb_mkeys[i] = S(bb_ks[i]);
    }
    for (size_t j = 0; j < BB_K; j++)
        snprintf(bb_grow[j], sizeof bb_grow[j], "a new string %zu that grows the column's bytes", j);
    gm_node first;
    OK(g, gm_node_add_batch(g, ids, BB_N, &first, NULL));
    for (size_t i = 0; i < BB_N; i++) hs[i] = first + (gm_node)i;
    for (int k = 0; k < BB_KEYS; k++) {
        for (size_t i = 0; i < BB_N; i++) vals[i] = bb_model(k, i);
        OK(g, gm_node_set_batch(g, bb_keys[k], hs, vals, BB_N));
    }
    gm_value v;
    for (int k = 0; k < BB_KEYS; k++) {
        const char *key = bb_keys[k];
        gm_value m0 = bb_model(k, 0), m1 = bb_model(k, 1), m2 = bb_model(k, 2);
        /* single sets: into its own row, into another row */
        OK(g, gm_node_get(g, hs[0], key, &v));
        OK(g, gm_node_set(g, hs[0], key, &v));
        expect_node_val(g, hs[0], key, &m0);
        OK(g, gm_node_get(g, hs[1], key, &v));
        OK(g, gm_node_set(g, hs[2], key, &v));
        expect_node_val(g, hs[2], key, &m1);
        OK(g, gm_node_set(g, hs[2], key, &m2));
        /* a get's value, batch-set after BB_K rows of new strings (row 0's own row among them) */
        OK(g, gm_node_get(g, hs[1], key, &v));
        for (size_t j = 0; j < BB_K; j++)           /* ints stay ints: "i" keeps its layout */
            vals[j] = k == 0 ? gm_int(1000 + (int64_t)j) : gm_cstr(bb_grow[j]);
        vals[BB_K] = v;
        gm_node bh[BB_K + 1];
        for (size_t j = 0; j < BB_K; j++) bh[j] = hs[j];   /* row 1, the source, among them */
        bh[BB_K] = hs[BB_K + 1];                   /* row 1's old value lands on row K + 1 */
        OK(g, gm_node_set_batch(g, key, bh, vals, BB_K + 1));
        expect_node_val(g, hs[BB_K + 1], key, &m1);
        for (size_t j = 0; j < BB_K; j++) expect_node_val(g, bh[j], key, &vals[j]);
        for (size_t i = 0; i < BB_N; i++) vals[i] = bb_model(k, i);
        OK(g, gm_node_set_batch(g, key, hs, vals, BB_N));   /* back to the model */
        bb_expect_all(g, first, k, 0, __LINE__);
        /* rotate the column through its own view */
        gm_column col;
        OK(g, gm_node_column(g, key, &col));
        for (size_t i = 0; i < BB_N; i++) OK(g, gm_column_value(&col, (i + 1) % BB_N, &vals[i]));
        const gm_value *in = vals;
        if (col.layout == GM_COL_VALUES) {         /* the view's own array, shifted by one row */
            for (size_t i = 0; i < BB_N; i++) hs[i] = first + (gm_node)((i + BB_N - 1) % BB_N);
            in = col.values;
        }
        OK(g, gm_node_set_batch(g, key, hs, in, BB_N));
        gm_column_release(g, &col);
        for (size_t i = 0; i < BB_N; i++) hs[i] = first + (gm_node)i;
        bb_expect_all(g, first, k, 1, __LINE__);
        CHECK_COLUMN(g, key);
    }
}


/* A get's payload stays valid across calls that neither get nor mutate (graphmem.h: "valid
** until the next gm_node_get/gm_edge_get or mutating call on g"), and may be a filter constant. */
void t_values_borrowed_lifetime(void **state)
{
    FX;
    gm_node a = add_node(g, "a"), b = add_node(g, "b");
    add_edge(g, a, b);
    const char *text = "a borrowed string that outlives read-only calls";
    gm_value want = gm_cstr(text), other = gm_cstr("other"), v;
    OK(g, gm_node_set(g, a, "s", &want));
    OK(g, gm_node_set(g, b, "s", &other));
    OK(g, gm_node_set(g, b, "t", &want));
    OK(g, gm_node_get(g, a, "s", &v));
    /* read-only calls in between */
    gm_column col;
    OK(g, gm_node_column(g, "s", &col));
    gm_column_release(g, &col);
    gm_list l = { 0 };
    gm_pred p = { "s", GM_NE, gm_int(0) };
    OK(g, gm_filter(g, &p, 1, &l));
    gm_neighbors nb;
    OK(g, gm_out_neighbors(g, a, &nb));
    size_t d;
    OK(g, gm_out_degree(g, a, &d));
    gm_node h;
    OK(g, gm_node_find(g, "b", 1, &h));
    gm_str id;
    OK(g, gm_node_id(g, b, &id));
    gm_memory_usage(g, usage_sink, NULL);
    ASSERT_VEQ(&v, &want);
    /* out-neighbours survive attribute calls, columns and filters (only structure changes and
    ** the next gm_out_neighbors end them) */
    OK(g, gm_out_neighbors(g, a, &nb));
    OK(g, gm_node_set(g, b, "u", &want));
    OK(g, gm_node_column(g, "u", &col));
    gm_column_release(g, &col);
    OK(g, gm_filter(g, &p, 1, &l));
    OK(g, gm_node_get(g, a, "s", &v));
    OK(g, gm_node_unset(g, b, "u"));
    assert_int_equal(nb.len, 1);
    assert_int_equal(nb.nodes[0], b);
    assert_int_equal(nb.edges[0], 0);
    /* the borrowed value as a filter constant */
    gm_pred q = { "t", GM_EQ, v };
    OK(g, gm_filter(g, &q, 1, &l));
    assert_int_equal(l.len, 1);
    assert_int_equal(l.items[0], b);
    gm_pred r[2] = { { "s", GM_EQ, v }, { "t", GM_EQ, v } };
    OK(g, gm_filter(g, r, 2, &l));
    assert_int_equal(l.len, 0);
    OK(g, gm_node_get(g, a, "s", &v));
    gm_pred q2 = { "s", GM_LE, v };
    OK(g, gm_filter(g, &q2, 1, &l));
    assert_int_equal(l.len, 1);
    assert_int_equal(l.items[0], a);          /* "a borrowed..." <= itself; "other" is greater */
    gm_list_free(&l);
}
