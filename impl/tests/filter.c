/*
** filter.c: gm_filter with every operator and column type.
** Part of the conformance suite (impl/tests/README.md); moved verbatim from conformance.c.
*/
#include "fixture.h"

/* ================================================================ filter */

static void filter_expect(gm_graph *g, const gm_pred *p, size_t np, const gm_node *want, size_t nwant, int line)
{
    gm_list l = { 0 };
    gm_status rc = gm_filter(g, p, np, &l);
    if (rc != GM_OK) {
        print_error("line %d: gm_filter gave %s: %s\n", line, gm_strerror(rc), gm_errmsg(g));
        gm_list_free(&l);
        fail();
    }
    char what[96];
    snprintf(what, sizeof what, "filter %s op %d", np ? p[0].key : "(none)", np ? (int)p[0].op : -1);
    bool same = l.len == nwant;
    for (size_t i = 0; same && i < l.len; i++) same = l.items[i] == want[i];
    if (!same) {
        gm_node copy[64];
        size_t n = l.len < 64 ? l.len : 64;
        memcpy(copy, l.items, n * sizeof *copy);
        gm_list_free(&l);
        expect_handles(copy, n, want, nwant, what, line);
    }
    gm_list_free(&l);
}

/* one predicate: for each op, the expected node set */
static void filter_ops(gm_graph *g, const char *key, gm_value c, const gm_node *const want[6], const size_t nwant[6], int line)
{
    for (int op = GM_EQ; op <= GM_GE; op++) {
        gm_pred p = { key, (gm_op)op, c };
        filter_expect(g, &p, 1, want[op], nwant[op], line);
    }
}
#define FILTER_OPS(g, key, c, eq, ne, lt, le, gt, ge) do {                                  \
        const gm_node *const w_[6] = { (eq) + 1, (ne) + 1, (lt) + 1, (le) + 1, (gt) + 1, (ge) + 1 };                            \
        const size_t n_[6] = { sizeof eq / sizeof(gm_node) - 1, sizeof ne / sizeof(gm_node) - 1, \
                               sizeof lt / sizeof(gm_node) - 1, sizeof le / sizeof(gm_node) - 1, \
                               sizeof gt / sizeof(gm_node) - 1, sizeof ge / sizeof(gm_node) - 1 }; \
        filter_ops(g, key, c, w_, n_, __LINE__);                                            \
    } while (0)
/* node lists start with a sentinel so that empty lists have a size: L(1,2) -> {NONE,1,2} */
#define L(...) ((const gm_node[]){ GM_NONE, __VA_ARGS__ })

void t_filter_numbers(void **state)
{
    FX;
    /* x: 0:10  1:20  2:30  3:20.0  4:25.5  5:absent  6:null  7:"20"  8:true  9:[20]  10:{a:20}
    **    11:20 (removed)  12:-0.0  13:INT64_MAX */
    gm_value arr1[1] = { gm_int(20) };
    gm_str ok[1] = { { "a", 1 } };
    gm_value vals[14] = { gm_int(10), gm_int(20), gm_int(30), gm_double(20.0), gm_double(25.5), gm_null(),
                          gm_null(), gm_cstr("20"), gm_bool(true), varr(arr1, 1), vobj(ok, arr1, 1),
                          gm_int(20), gm_double(-0.0), gm_int(INT64_MAX) };
    for (int i = 0; i < 14; i++) {
        char id[8];
        snprintf(id, sizeof id, "n%d", i);
        gm_node h = add_node(g, id);
        if (i != 5) OK(g, gm_node_set(g, h, "x", &vals[i]));
        gm_value y = gm_int(i % 2);
        OK(g, gm_node_set(g, h, "y", &y));
    }
    OK(g, gm_node_remove(g, 11));

    FILTER_OPS(g, "x", gm_int(20),
               L(1, 3), L(0, 2, 4, 6, 7, 8, 9, 10, 12, 13), L(0, 12), L(0, 1, 3, 12), L(2, 4, 13), L(1, 2, 3, 4, 13));
    FILTER_OPS(g, "x", gm_double(20.0),
               L(1, 3), L(0, 2, 4, 6, 7, 8, 9, 10, 12, 13), L(0, 12), L(0, 1, 3, 12), L(2, 4, 13), L(1, 2, 3, 4, 13));
    FILTER_OPS(g, "x", gm_double(25.5),
               L(4), L(0, 1, 2, 3, 6, 7, 8, 9, 10, 12, 13), L(0, 1, 3, 12), L(0, 1, 3, 4, 12), L(2, 13), L(2, 4, 13));
    /* 0 == -0.0 as numbers */
    FILTER_OPS(g, "x", gm_int(0),
               L(12), L(0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 13), L(), L(12), L(0, 1, 2, 3, 4, 13), L(0, 1, 2, 3, 4, 12, 13));
    FILTER_OPS(g, "x", gm_int(INT64_MAX),
               L(13), L(0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 12), L(0, 1, 2, 3, 4, 12), L(0, 1, 2, 3, 4, 12, 13), L(), L(13));
    /* incomparable constant types: string, bool, null */
    FILTER_OPS(g, "x", gm_cstr("20"),
               L(7), L(0, 1, 2, 3, 4, 6, 8, 9, 10, 12, 13), L(), L(7), L(), L(7));
    FILTER_OPS(g, "x", gm_null(),
               L(6), L(0, 1, 2, 3, 4, 7, 8, 9, 10, 12, 13), L(), L(6), L(), L(6));
    /* conjunction */
    gm_pred p2[2] = { { "x", GM_GE, gm_int(20) }, { "y", GM_EQ, gm_int(1) } };
    filter_expect(g, p2, 2, L(1, 3, 13) + 1, 3, __LINE__);
    gm_pred p3[2] = { { "x", GM_NE, gm_int(20) }, { "nope", GM_NE, gm_int(1) } };
    filter_expect(g, p3, 2, L() + 1, 0, __LINE__);   /* an absent attribute fails even != */
    /* no predicates: every live node in order */
    filter_expect(g, NULL, 0, L(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13) + 1, 13, __LINE__);
    /* absent everywhere */
    gm_pred pa = { "nope", GM_NE, gm_null() };
    filter_expect(g, &pa, 1, L() + 1, 0, __LINE__);
}

/* int vs double comparisons are numeric, not through a lossy conversion. */
void t_filter_int_double_exact(void **state)
{
    FX;
    gm_node a = add_node(g, "a"), b = add_node(g, "b"), c = add_node(g, "c");
    gm_value va = gm_int(9007199254740993LL), vb = gm_int(INT64_MAX), vc = gm_double(9007199254740992.0);
    OK(g, gm_node_set(g, a, "x", &va));
    OK(g, gm_node_set(g, b, "x", &vb));
    OK(g, gm_node_set(g, c, "x", &vc));
    /* 2^53+1 (int) > 2^53 (double); INT64_MAX < 2^63 (double) */
    FILTER_OPS(g, "x", gm_double(9007199254740992.0), L(2), L(0, 1), L(), L(2), L(0, 1), L(0, 1, 2));
    FILTER_OPS(g, "x", gm_double(9223372036854775808.0), L(), L(0, 1, 2), L(0, 1, 2), L(0, 1, 2), L(), L());
    FILTER_OPS(g, "x", gm_int(9007199254740992LL), L(2), L(0, 1), L(), L(2), L(0, 1), L(0, 1, 2));
}

void t_filter_strings_bools(void **state)
{
    FX;
    /* s: 0:""  1:"a"  2:"ab"  3:"b"  4:"B"  5:"Zoë"  6:"\xff"  7:"ab\x01"  8:5 (int)  9:absent */
    const char *ss[8] = { "", "a", "ab", "b", "B", "Zo\xc3\xab", "\xff", "ab\x01" };
    for (int i = 0; i < 10; i++) {
        char id[8];
        snprintf(id, sizeof id, "n%d", i);
        gm_node h = add_node(g, id);
        gm_value v = i < 8 ? gm_cstr(ss[i]) : gm_int(5);
        if (i < 9) OK(g, gm_node_set(g, h, "s", &v));
        gm_value bv = gm_bool(i % 2 == 1);
        if (i < 6) OK(g, gm_node_set(g, h, "b", &bv));
    }
    /* bytewise, unsigned, shorter prefix first: "" < "B" < "Zoë" < "a" < "ab" < "ab\1" < "b" < "\xff" */
    FILTER_OPS(g, "s", gm_cstr("ab"),
               L(2), L(0, 1, 3, 4, 5, 6, 7, 8), L(0, 1, 4, 5), L(0, 1, 2, 4, 5), L(3, 6, 7), L(2, 3, 6, 7));
    FILTER_OPS(g, "s", gm_cstr(""),
               L(0), L(1, 2, 3, 4, 5, 6, 7, 8), L(), L(0), L(1, 2, 3, 4, 5, 6, 7), L(0, 1, 2, 3, 4, 5, 6, 7));
    FILTER_OPS(g, "s", gm_strn("ab\x01", 3),
               L(7), L(0, 1, 2, 3, 4, 5, 6, 8), L(0, 1, 2, 4, 5), L(0, 1, 2, 4, 5, 7), L(3, 6), L(3, 6, 7));
    /* an int constant against strings: incomparable */
    FILTER_OPS(g, "s", gm_int(5),
               L(8), L(0, 1, 2, 3, 4, 5, 6, 7), L(), L(8), L(), L(8));
    /* bools: false < true; b: 0:f 1:t 2:f 3:t 4:f 5:t */
    FILTER_OPS(g, "b", gm_bool(false),
               L(0, 2, 4), L(1, 3, 5), L(), L(0, 2, 4), L(1, 3, 5), L(0, 1, 2, 3, 4, 5));
    FILTER_OPS(g, "b", gm_bool(true),
               L(1, 3, 5), L(0, 2, 4), L(0, 2, 4), L(0, 1, 2, 3, 4, 5), L(), L(1, 3, 5));
    FILTER_OPS(g, "b", gm_int(1), L(), L(0, 1, 2, 3, 4, 5), L(), L(), L(), L());   /* bool is not a number */
}

/* An independent model of the filter semantics of graphmem.h: -1/0/1, or 2 for incomparable.
** int vs double through long double, which holds every int64 and every double exactly. */
static int ref_cmp(const gm_value *a, const gm_value *b)
{
    bool an = a->type == GM_INT || a->type == GM_DOUBLE, bn = b->type == GM_INT || b->type == GM_DOUBLE;
    if (an && bn) {
        long double x = a->type == GM_INT ? (long double)a->as.i : (long double)a->as.d;
        long double y = b->type == GM_INT ? (long double)b->as.i : (long double)b->as.d;
        return x < y ? -1 : x > y ? 1 : 0;
    }
    if (a->type != b->type) return 2;
    switch (a->type) {
    case GM_NULL: return 0;
    case GM_BOOL: return a->as.b == b->as.b ? 0 : a->as.b ? 1 : -1;
    case GM_STRING:
        for (size_t i = 0; i < a->as.s.len && i < b->as.s.len; i++) {
            unsigned char x = (unsigned char)a->as.s.ptr[i], y = (unsigned char)b->as.s.ptr[i];
            if (x != y) return x < y ? -1 : 1;
        }
        return a->as.s.len < b->as.s.len ? -1 : a->as.s.len > b->as.s.len ? 1 : 0;
    default: return 2;
    }
}

bool ref_match(const gm_value *v, gm_op op, const gm_value *c)
{
    if (v == NULL) return false;
    int r = ref_cmp(v, c);
    if (r == 2) return op == GM_NE;
    switch (op) {
    case GM_EQ: return r == 0;
    case GM_NE: return r != 0;
    case GM_LT: return r < 0;
    case GM_LE: return r <= 0;
    case GM_GT: return r > 0;
    case GM_GE: return r >= 0;
    }
    return false;
}

/* Typed columns (what a columnar backend scans directly) against many constants, checked with
** the model above; absent and removed nodes sit inside the columns. */
void t_filter_typed_columns(void **state)
{
    FX;
    enum { N = 37 };
    static const char *colors[5] = { "red", "green", "blue", "", "gr\xc3\xabn" };
    gm_value model[4][N];          /* ti td ts tb; type GM_ARRAY marks "absent" in the model */
    const char *keys[4] = { "ti", "td", "ts", "tb" };
    bool live[N];
    for (int i = 0; i < N; i++) {
        char id[8];
        snprintf(id, sizeof id, "n%d", i);
        add_node(g, id);
        live[i] = true;
        model[0][i] = gm_int(i == 0 ? INT64_MIN : i == 1 ? INT64_MAX : (int64_t)i * 10 - 150);
        model[1][i] = gm_double(i == 10 ? -0.0 : i == 11 ? 0.0 : (i - 10) * 0.5);
        model[2][i] = gm_cstr(colors[i % 5]);
        model[3][i] = gm_bool(i % 3 == 0);
        for (int k = 0; k < 4; k++) {
            if ((i + k) % 7 == 3) model[k][i] = varr(NULL, 0);          /* absent */
            else OK(g, gm_node_set(g, (gm_node)i, keys[k], &model[k][i]));
        }
    }
    const gm_node dead[3] = { 5, 12, 30 };
    for (int i = 0; i < 3; i++) { OK(g, gm_node_remove(g, dead[i])); live[dead[i]] = false; }

    gm_value consts[] = { gm_int(0), gm_int(-150), gm_int(60), gm_int(INT64_MIN), gm_int(INT64_MAX),
                          gm_double(0.0), gm_double(-0.0), gm_double(2.5), gm_double(55.5), gm_double(-1e300),
                          gm_cstr("green"), gm_cstr(""), gm_cstr("gr"), gm_cstr("zzz"), gm_cstr("gr\xc3\xabn"),
                          gm_bool(true), gm_bool(false), gm_null() };
    size_t nconst = sizeof consts / sizeof consts[0];
    gm_list l = { 0 };
    for (int k = 0; k < 4; k++) {
        for (size_t c = 0; c < nconst; c++) {
            for (int op = GM_EQ; op <= GM_GE; op++) {
                gm_pred p = { keys[k], (gm_op)op, consts[c] };
                gm_node want[N];
                size_t nw = 0;
                for (int i = 0; i < N; i++)
                    if (live[i] && model[k][i].type != GM_ARRAY && ref_match(&model[k][i], (gm_op)op, &consts[c]))
                        want[nw++] = (gm_node)i;
                OK(g, gm_filter(g, &p, 1, &l));
                bool same = l.len == nw;
                for (size_t i = 0; same && i < nw; i++) same = l.items[i] == want[i];
                if (!same) {
                    char b1[64];
                    print_error("filter %s op %d const %s:\n", keys[k], op, vfmt(&consts[c], b1, sizeof b1));
                    gm_node got[N];
                    size_t ng = l.len < N ? l.len : N;
                    memcpy(got, l.items, ng * sizeof *got);
                    gm_list_free(&l);
                    EXPECT_HANDLES(got, ng, want, nw, "typed column filter");
                }
            }
        }
    }
    /* conjunctions across typed columns, in both orders */
    for (size_t c1 = 0; c1 < nconst; c1 += 3) {
        for (size_t c2 = 1; c2 < nconst; c2 += 4) {
            gm_pred p[3] = { { "ti", GM_GE, consts[c1] }, { "ts", GM_NE, consts[c2] }, { "tb", GM_EQ, gm_bool(true) } };
            gm_pred q[3] = { p[2], p[1], p[0] };
            gm_node want[N];
            size_t nw = 0;
            for (int i = 0; i < N; i++) {
                bool m = live[i];
                for (int j = 0; j < 3 && m; j++) {
                    int k = j == 0 ? 0 : j == 1 ? 2 : 3;
                    m = model[k][i].type != GM_ARRAY && ref_match(&model[k][i], p[j].op, &p[j].value);
                }
                if (m) want[nw++] = (gm_node)i;
            }
            for (int order = 0; order < 2; order++) {
                OK(g, gm_filter(g, order ? q : p, 3, &l));
                gm_node got[N];
                size_t ng = l.len < N ? l.len : N;
                memcpy(got, l.items, ng * sizeof *got);
                if (l.len != ng) { gm_list_free(&l); fail_msg("filter returned %zu nodes", ng); }
                EXPECT_HANDLES(got, ng, want, nw, "typed conjunction");
            }
        }
    }
    gm_list_free(&l);
}

void t_filter_errors(void **state)
{
    FX;
    gm_node a = add_node(g, "a");
    gm_value one = gm_int(1);
    OK(g, gm_node_set(g, a, "k", &one));
    gm_list l = { 0 };
    /* the list's previous contents are replaced */
    gm_pred all = { "k", GM_EQ, gm_int(1) };
    OK(g, gm_filter(g, &all, 1, &l));
    assert_int_equal(l.len, 1);
    OK(g, gm_filter(g, &all, 1, &l));
    assert_int_equal(l.len, 1);
    assert_int_equal(l.items[0], a);
    gm_pred none = { "k", GM_EQ, gm_int(2) };
    OK(g, gm_filter(g, &none, 1, &l));
    assert_int_equal(l.len, 0);
    /* array / object / NaN constants, unknown operator */
    gm_value items[1] = { gm_int(1) };
    gm_str keys[1] = { { "k", 1 } };
    gm_pred bad[5] = { { "k", GM_EQ, varr(items, 1) }, { "k", GM_NE, vobj(keys, items, 1) },
                       { "k", GM_LT, gm_double(NAN) }, { "k", (gm_op)42, gm_int(1) },
                       { "k", GM_EQ, gm_strn("a\0", 2) } };
    for (int i = 0; i < 5; i++) {
        gm_pred two[2] = { all, bad[i] };
        EXPECT_ERR(g, gm_filter(g, two, 2, &l), GM_EINVAL);
    }
    gm_list_free(&l);
}

/* Every operator over integer columns of each width a backend may narrow to (values that fit
** int8, int16, int32, int64), a double column, an int column against a double constant and a
** string column of more distinct values than one byte codes (290): as the only predicate (a
** scan) and as the second one (a check of the candidates left by a predicate with fewer values),
** with unset rows and removed nodes. The expected sets are computed here from the values. */
#define FW_N 300
static long long fw_val(int i, long long scale) { return ((i % 7) - 3) * scale; }
static bool fw_set(int i) { return i % 5 != 0; }
static bool fw_few(int i) { return i % 3 == 0; }
static bool fw_gone(int i) { return i == 3 || i == 10 || i == 299; }
static void fw_check(gm_graph *g, const char *key, gm_value c, bool (*match)(int, gm_op, const gm_value *),
                     int line)
{
    static gm_node want[FW_N];
    for (int second = 0; second < 2; second++)
        for (int op = GM_EQ; op <= GM_GE; op++) {
            size_t n = 0;
            for (int i = 0; i < FW_N; i++)
                if (!fw_gone(i) && fw_set(i) && (!second || fw_few(i)) && match(i, (gm_op)op, &c))
                    want[n++] = (gm_node)i;
            gm_pred p[2] = { { "few", GM_EQ, gm_int(1) }, { key, (gm_op)op, c } };
            filter_expect(g, second ? p : p + 1, second ? 2 : 1, want, n, line);
        }
}

/* Expected answers from the suite's reference semantics (ref_match, above), per row. */
static long long fw_scale;
static bool fw_int(int i, gm_op op, const gm_value *c)
{
    gm_value v = gm_int(fw_val(i, fw_scale));
    return ref_match(&v, op, c);
}
static bool fw_dbl(int i, gm_op op, const gm_value *c)
{
    gm_value v = gm_double((double)fw_val(i, 1) / 4.0);
    return ref_match(&v, op, c);
}
static bool fw_str(int i, gm_op op, const gm_value *c)
{
    char s[16];
    snprintf(s, sizeof s, "s%03d", i % 290);
    gm_value v = gm_cstr(s);
    return ref_match(&v, op, c);
}

void t_filter_every_width(void **state)
{
    FX;
    static const long long scales[4] = { 1, 1000, 1000000, 1000000000000LL };
    static const char *const keys[4] = { "w1", "w2", "w4", "w8" };
    for (int i = 0; i < FW_N; i++) {
        char id[16], s[16];
        snprintf(id, sizeof id, "n%d", i);
        gm_node n = add_node(g, id);
        assert_int_equal(n, (gm_node)i);
        gm_value one = gm_int(1);
        if (fw_few(i)) OK(g, gm_node_set(g, n, "few", &one));
        if (!fw_set(i)) continue;
        for (int w = 0; w < 4; w++) {
            gm_value v = gm_int(fw_val(i, scales[w]));
            OK(g, gm_node_set(g, n, keys[w], &v));
        }
        gm_value d = gm_double((double)fw_val(i, 1) / 4.0);
        OK(g, gm_node_set(g, n, "d", &d));
        snprintf(s, sizeof s, "s%03d", i % 290);
        gm_value sv = gm_cstr(s);
        OK(g, gm_node_set(g, n, "s", &sv));
    }
    for (int i = 0; i < FW_N; i++)
        if (fw_gone(i)) OK(g, gm_node_remove(g, (gm_node)i));
    for (int w = 0; w < 4; w++) {
        fw_scale = scales[w];
        fw_check(g, keys[w], gm_int(0), fw_int, __LINE__);
        fw_check(g, keys[w], gm_int(2 * scales[w]), fw_int, __LINE__);
        fw_check(g, keys[w], gm_int(-3 * scales[w]), fw_int, __LINE__);
        fw_check(g, keys[w], gm_double(0.5 * (double)scales[w]), fw_int, __LINE__);
    }
    fw_check(g, "d", gm_double(0.25), fw_dbl, __LINE__);
    fw_check(g, "d", gm_double(-0.75), fw_dbl, __LINE__);
    fw_check(g, "s", gm_cstr("s150"), fw_str, __LINE__);
    fw_check(g, "s", gm_cstr("s2"), fw_str, __LINE__);
}
