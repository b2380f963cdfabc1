/*
** conformance.c: the one conformance suite, run against every registered backend.
**
** Written against graphmem.h (a backend joins by registration alone), plus the allocator's
** test-only block tracker (mem.h) with which t_views_alias_store proves where views point.
** main() runs the same CMUnitTest array once per backend (cmocka_run_group_tests_name), the
** backend's name reaching the tests through the group state; GM_BACKENDS=json,native restricts
** which ones run.
**
** Every test opens a fresh graph in its setup after recording the counting allocator's live bytes;
** the teardown closes it and fails if live bytes are not back where they were, so every test is
** also a leak test. Values read back are compared with an independent structural comparison
** (veq), never only with the library's own gm_value_equal. Two tests are the issue's mandatory
** ones: t_leaks_full_graph and t_oom_sweep (fault injection at every allocation site).
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphmem.h"
#include "mem.h"        /* test-only: the allocator's block tracker (t_views_alias_store) */

/* ================================================================ fixture */

typedef struct fixture {
    const char *backend;   /* the backend under test (from the group state) */
    gm_graph   *g;         /* opened by the per-test setup */
    size_t      live0;     /* live bytes before the graph was opened */
    size_t      group_live0;
} fixture;

static const char *cur_backend;   /* set by main() before each group */
static fixture     the_fixture;

static int group_setup(void **state)
{
    memset(&the_fixture, 0, sizeof the_fixture);
    the_fixture.backend = cur_backend;
    the_fixture.group_live0 = gm_mem_stats_get().live;
    *state = &the_fixture;
    return 0;
}

static int group_teardown(void **state)
{
    fixture *f = *state;
    gm_mem_fail_after(-1);
    if (gm_mem_stats_get().live != f->group_live0) {
        print_error("group %s: %zu live bytes leaked\n", f->backend,
                    gm_mem_stats_get().live - f->group_live0);
        return -1;
    }
    return 0;
}

static int setup(void **state)
{
    fixture *f = *state;
    char err[256] = "";
    gm_mem_fail_after(-1);
    f->live0 = gm_mem_stats_get().live;
    f->g = NULL;
    if (gm_open(f->backend, &f->g, err, sizeof err) != GM_OK || f->g == NULL) {
        print_error("cannot open backend %s: %s\n", f->backend, err);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    gm_mem_fail_after(-1);           /* a failed assertion may have left injection on */
    gm_mem_track(false);             /* ...or block tracking */
    gm_close(f->g);
    f->g = NULL;
    size_t live = gm_mem_stats_get().live;
    if (live != f->live0) {
        print_error("leak check [%s]: live bytes %zu after close, %zu before open (%+lld)\n",
                    f->backend, live, f->live0, (long long)live - (long long)f->live0);
        return -1;
    }
    return 0;
}

#define FX   fixture *f = *state; gm_graph *g = f->g; (void)g

/* ================================================================ helpers */

/* Independent structural equality: doubles bitwise, object keys in order. */
static bool veq(const gm_value *a, const gm_value *b)
{
    if (a->type != b->type) return false;
    switch (a->type) {
    case GM_NULL:   return true;
    case GM_BOOL:   return a->as.b == b->as.b;
    case GM_INT:    return a->as.i == b->as.i;
    case GM_DOUBLE: return memcmp(&a->as.d, &b->as.d, sizeof(double)) == 0;
    case GM_STRING:
        return a->as.s.len == b->as.s.len &&
               (a->as.s.len == 0 || memcmp(a->as.s.ptr, b->as.s.ptr, a->as.s.len) == 0);
    case GM_ARRAY:
        if (a->as.a.len != b->as.a.len) return false;
        for (size_t i = 0; i < a->as.a.len; i++)
            if (!veq(&a->as.a.items[i], &b->as.a.items[i])) return false;
        return true;
    case GM_OBJECT:
        if (a->as.o.len != b->as.o.len) return false;
        for (size_t i = 0; i < a->as.o.len; i++) {
            const gm_str *ka = &a->as.o.keys[i], *kb = &b->as.o.keys[i];
            if (ka->len != kb->len || (ka->len && memcmp(ka->ptr, kb->ptr, ka->len) != 0)) return false;
            if (!veq(&a->as.o.vals[i], &b->as.o.vals[i])) return false;
        }
        return true;
    }
    return false;
}

/* A short human-readable rendering for failure messages (not JSON: the codec is under test). */
static size_t vfmt_(const gm_value *v, char *b, size_t n)
{
    size_t k = 0;
#define PUT(...) do { if (k < n) { int w_ = snprintf(b + k, n - k, __VA_ARGS__); if (w_ > 0) k += (size_t)w_; } } while (0)
    switch (v->type) {
    case GM_NULL: PUT("null"); break;
    case GM_BOOL: PUT(v->as.b ? "true" : "false"); break;
    case GM_INT: PUT("%lld", (long long)v->as.i); break;
    case GM_DOUBLE: PUT("%.17g(d)", v->as.d); break;
    case GM_STRING: PUT("\"%.*s\"[%zu]", (int)(v->as.s.len > 40 ? 40 : v->as.s.len),
                        v->as.s.ptr ? v->as.s.ptr : "", v->as.s.len); break;
    case GM_ARRAY:
        PUT("[");
        for (size_t i = 0; i < v->as.a.len && k < n; i++) {
            if (i) PUT(",");
            if (k < n) k += vfmt_(&v->as.a.items[i], b + k, n - k);
        }
        PUT("]");
        break;
    case GM_OBJECT:
        PUT("{");
        for (size_t i = 0; i < v->as.o.len && k < n; i++) {
            if (i) PUT(",");
            PUT("%.*s:", (int)v->as.o.keys[i].len, v->as.o.keys[i].ptr ? v->as.o.keys[i].ptr : "");
            if (k < n) k += vfmt_(&v->as.o.vals[i], b + k, n - k);
        }
        PUT("}");
        break;
    default: PUT("<type %d>", (int)v->type); break;
    }
#undef PUT
    return k < n ? k : n;
}

static const char *vfmt(const gm_value *v, char *b, size_t n)
{
    b[0] = '\0';
    vfmt_(v, b, n);
    b[n - 1] = '\0';
    return b;
}

static int fail_line;   /* the caller's line, set by the expect_* helpers */

#define ASSERT_VEQ(got, want) do {                                                          \
        const gm_value *g_ = (got), *w_ = (want);                                           \
        if (!veq(g_, w_)) {                                                                 \
            char b1_[200], b2_[200];                                                        \
            print_error("%s:%d (called from line %d): value %s, expected %s\n", __FILE__,    \
                        __LINE__, fail_line, vfmt(g_, b1_, sizeof b1_), vfmt(w_, b2_, sizeof b2_)); \
            fail();                                                                         \
        }                                                                                   \
    } while (0)

/* Status check with the status names and the graph's message in the failure output. */
#define EXPECT(g, expr, want) do {                                                          \
        gm_status rc_ = (expr), want_ = (want);                                             \
        if (rc_ != want_) {                                                                 \
            print_error("%s:%d (caller line %d): %s\n    returned %d (%s), expected %d (%s); errmsg: %s\n", \
                        __FILE__, __LINE__, fail_line, #expr, (int)rc_, gm_strerror(rc_),   \
                        (int)want_, gm_strerror(want_), gm_errmsg(g));                      \
            fail();                                                                         \
        }                                                                                   \
    } while (0)
#define OK(g, expr) EXPECT(g, expr, GM_OK)

/* An error: the code and a non-empty message. */
#define EXPECT_ERR(g, expr, want) do {                                                      \
        EXPECT(g, expr, want);                                                              \
        assert_non_null(gm_errmsg(g));                                                      \
        if (gm_errmsg(g)[0] == '\0') {                                                      \
            print_error("%s:%d: %s: no message for %s\n", __FILE__, __LINE__, #expr,        \
                        gm_strerror(want));                                                 \
            fail();                                                                         \
        }                                                                                   \
    } while (0)

#define ASSERT_NOMSG(g) assert_string_equal(gm_errmsg(g), "")

static size_t live_now(void) { return gm_mem_stats_get().live; }

static void usage_sink(void *ud, const char *component, size_t bytes) { (void)ud; (void)component; (void)bytes; }

static gm_value varr(gm_value *items, size_t n)
{ gm_value v; v.type = GM_ARRAY; v.as.a.items = items; v.as.a.len = n; return v; }
static gm_value vobj(gm_str *keys, gm_value *vals, size_t n)
{ gm_value v; v.type = GM_OBJECT; v.as.o.keys = keys; v.as.o.vals = vals; v.as.o.len = n; return v; }
static gm_str S(const char *s) { gm_str x; x.ptr = s; x.len = strlen(s); return x; }

static bool bit_at(const uint8_t *bits, size_t i) { return (bits[i / 8] >> (i % 8)) & 1u; }

static gm_node add_node(gm_graph *g, const char *id)
{
    gm_node n = GM_NONE;
    OK(g, gm_node_add(g, id, strlen(id), &n));
    return n;
}

static gm_edge add_edge(gm_graph *g, gm_node a, gm_node b)
{
    gm_edge e = GM_NONE;
    OK(g, gm_edge_add(g, a, b, &e));
    return e;
}

/* Node attribute reads back as `want`. */
static void expect_node_val_(gm_graph *g, gm_node n, const char *key, const gm_value *want, int line)
{
    fail_line = line;
    gm_value out;
    memset(&out, 0x5a, sizeof out);
    OK(g, gm_node_get(g, n, key, &out));
    ASSERT_VEQ(&out, want);
    ASSERT_NOMSG(g);
}

static void expect_edge_val_(gm_graph *g, gm_edge e, const char *key, const gm_value *want, int line)
{
    fail_line = line;
    gm_value out;
    memset(&out, 0x5a, sizeof out);
    OK(g, gm_edge_get(g, e, key, &out));
    ASSERT_VEQ(&out, want);
    ASSERT_NOMSG(g);
}

static void expect_node_absent_(gm_graph *g, gm_node n, const char *key, int line)
{
    fail_line = line;
    gm_value out;
    EXPECT(g, gm_node_get(g, n, key, &out), GM_ABSENT);
    ASSERT_NOMSG(g);   /* GM_ABSENT is not an error: no message */
}

static void expect_edge_absent_(gm_graph *g, gm_edge e, const char *key, int line)
{
    fail_line = line;
    gm_value out;
    EXPECT(g, gm_edge_get(g, e, key, &out), GM_ABSENT);
    ASSERT_NOMSG(g);
}

#define expect_node_val(g, n, key, ...) expect_node_val_(g, n, key, (__VA_ARGS__), __LINE__)
#define expect_edge_val(g, e, key, ...) expect_edge_val_(g, e, key, (__VA_ARGS__), __LINE__)
#define expect_node_absent(g, n, key) expect_node_absent_(g, n, key, __LINE__)
#define expect_edge_absent(g, e, key) expect_edge_absent_(g, e, key, __LINE__)

/* Live nodes by iteration, checked increasing; returns how many. */
static size_t iter_nodes(gm_graph *g, gm_node *out, size_t cap)
{
    size_t k = 0;
    gm_node it = GM_NONE, prev = GM_NONE;
    gm_status rc;
    while ((rc = gm_node_next(g, &it)) == GM_OK) {
        if (prev != GM_NONE) assert_true(it > prev);
        assert_true(it < gm_node_bound(g));
        if (k < cap) out[k] = it;
        k++;
        prev = it;
        assert_true(k <= gm_node_bound(g));
    }
    EXPECT(g, rc, GM_END);
    return k;
}

static size_t iter_edges(gm_graph *g, gm_edge *out, size_t cap)
{
    size_t k = 0;
    gm_edge it = GM_NONE, prev = GM_NONE;
    gm_status rc;
    while ((rc = gm_edge_next(g, &it)) == GM_OK) {
        if (prev != GM_NONE) assert_true(it > prev);
        assert_true(it < gm_edge_bound(g));
        if (k < cap) out[k] = it;
        k++;
        prev = it;
        assert_true(k <= gm_edge_bound(g));
    }
    EXPECT(g, rc, GM_END);
    return k;
}

static void expect_handles(const uint32_t *got, size_t ngot, const uint32_t *want, size_t nwant,
                           const char *what, int line)
{
    bool same = ngot == nwant;
    for (size_t i = 0; same && i < ngot; i++) same = got[i] == want[i];
    if (!same) {
        char b1[400] = "", b2[400] = "";
        size_t k1 = 0, k2 = 0;
        for (size_t i = 0; i < ngot && k1 < 380; i++) k1 += (size_t)snprintf(b1 + k1, 400 - k1, " %u", (unsigned)got[i]);
        for (size_t i = 0; i < nwant && k2 < 380; i++) k2 += (size_t)snprintf(b2 + k2, 400 - k2, " %u", (unsigned)want[i]);
        print_error("line %d: %s: got [%s ], expected [%s ]\n", line, what, b1, b2);
        fail();
    }
}
#define EXPECT_HANDLES(got, ngot, want, nwant, what) expect_handles(got, ngot, want, nwant, what, __LINE__)

static gm_col_layout check_column(gm_graph *g, const char *key, int line);
#define CHECK_COLUMN(g, key) check_column(g, key, __LINE__)

/* The sample values every attribute path must round-trip; built once. */
static char long_str[10240];
static gm_value sample_vals[64];
static size_t nsample;

static void build_samples(void)
{
    static gm_value empty_items[1];
    static gm_value inner[3], outer[5], ovals[5], deep[2];
    static gm_str okeys[5];
    size_t k = 0;

    for (size_t i = 0; i < sizeof long_str; i++) long_str[i] = (char)('a' + i % 26);

    sample_vals[k++] = gm_null();
    sample_vals[k++] = gm_bool(true);
    sample_vals[k++] = gm_bool(false);
    sample_vals[k++] = gm_int(0);
    sample_vals[k++] = gm_int(-1);
    sample_vals[k++] = gm_int(1);
    sample_vals[k++] = gm_int(INT64_MIN);
    sample_vals[k++] = gm_int(INT64_MAX);
    sample_vals[k++] = gm_int(9007199254740993LL);          /* 2^53 + 1: not a double */
    sample_vals[k++] = gm_int(-9007199254740993LL);
    sample_vals[k++] = gm_double(0.0);
    sample_vals[k++] = gm_double(-0.0);
    sample_vals[k++] = gm_double(1.0);                      /* stays a double */
    sample_vals[k++] = gm_double(-1.5);
    sample_vals[k++] = gm_double(0.1);
    sample_vals[k++] = gm_double(5e-324);                   /* smallest subnormal */
    sample_vals[k++] = gm_double(2.2250738585072014e-308);
    sample_vals[k++] = gm_double(1.7976931348623157e308);   /* DBL_MAX */
    sample_vals[k++] = gm_double(-1.7976931348623157e308);
    sample_vals[k++] = gm_double(1e21);
    sample_vals[k++] = gm_double(9007199254740993.0);
    sample_vals[k++] = gm_double(123456789.123456789);
    sample_vals[k++] = gm_double(1.0 / 3.0);
    sample_vals[k++] = gm_cstr("");
    sample_vals[k++] = gm_cstr("plain");
    sample_vals[k++] = gm_cstr("Zo\xc3\xab");                          /* Zoë */
    sample_vals[k++] = gm_cstr("\xe6\x9d\xb1\xe4\xba\xac");            /* 東京 */
    sample_vals[k++] = gm_cstr("\xf0\x9f\x98\x80 emoji");              /* 😀 */
    sample_vals[k++] = gm_cstr("q\"b\\s/n\nt\tr\rc\x01\x1f" "del\x7f");  /* JSON escapes */
    sample_vals[k++] = gm_cstr("\\u0041 not an escape");
    sample_vals[k++] = gm_cstr("bad utf8 \xc3\x28 \xff\xfe");          /* bytes, not checked */
    sample_vals[k++] = gm_cstr("123");                                 /* a string, not an int */
    sample_vals[k++] = gm_cstr("null");
    sample_vals[k++] = gm_strn(long_str, sizeof long_str);
    sample_vals[k++] = varr(empty_items, 0);                           /* [] */
    sample_vals[k++] = vobj(okeys, ovals, 0);                          /* {} */

    inner[0] = gm_bool(true);
    inner[1] = varr(empty_items, 0);
    inner[2] = gm_double(-0.0);
    outer[0] = gm_int(INT64_MIN);
    outer[1] = gm_cstr("Zo\xc3\xab");
    outer[2] = gm_null();
    outer[3] = varr(inner, 3);
    outer[4] = vobj(okeys, ovals, 0);
    sample_vals[k++] = varr(outer, 5);   /* [INT64_MIN,"Zoë",null,[true,[],-0.0],{}] */

    okeys[0] = S("a");     ovals[0] = gm_int(1);
    okeys[1] = S("a");     ovals[1] = gm_double(1.0);        /* duplicate key, kept in order */
    okeys[2] = S("");      ovals[2] = varr(outer, 5);        /* empty key */
    okeys[3] = S("\xe6\x9d\xb1"); ovals[3] = gm_cstr("x\"y");
    okeys[4] = S("k\"\\");  ovals[4] = gm_null();
    sample_vals[k++] = vobj(okeys, ovals, 5);

    deep[0] = vobj(okeys, ovals, 5);
    deep[1] = varr(outer, 5);
    sample_vals[k++] = varr(deep, 2);

    nsample = k;
    assert_true(nsample <= sizeof sample_vals / sizeof sample_vals[0]);
}

/* ================================================================ registry, open, errors */

static void t_backend_registry(void **state)
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

static void t_open_errors(void **state)
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

static void t_strerror(void **state)
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

static void t_errmsg_lifecycle(void **state)
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
static void t_typed_get(void **state)
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

static void t_error_codes(void **state)
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
static void t_null_args(void **state)
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

/* ================================================================ values */

static void t_values_roundtrip_nodes(void **state)
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

static void t_values_roundtrip_edges(void **state)
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

static void t_values_types_distinct(void **state)
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

static void t_values_special_keys(void **state)
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

static void t_values_rejected(void **state)
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

static void t_null_vs_absent(void **state)
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

static void t_values_replace_type(void **state)
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
static void t_values_borrowed_copy(void **state)
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
static void t_values_self_alias(void **state)
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

static void t_values_borrowed_batch(void **state)
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

/* Many distinct strings in one column (a dictionary stops paying: offsets + bytes), set one
** by one and by batch, then changed, unset and removed, each time checked against the model. */
static void t_columns_strings_many(void **state)
{
    FX;
    enum { M = 300 };
    static char strs[M][40];
    static gm_value model[M];
    gm_node hs[M];
    char buf[16];
    for (int i = 0; i < M; i++) {
        snprintf(buf, sizeof buf, "sm%d", i);
        hs[i] = add_node(g, buf);
        snprintf(strs[i], sizeof strs[i], "%s-%d", (i % 7 == 0) ? "" : "value", i * 31);
        model[i] = gm_cstr(strs[i]);
        if (i % 11 == 5) continue;
        OK(g, gm_node_set(g, hs[i], "one", &model[i]));
    }
    gm_col_layout l = CHECK_COLUMN(g, "one");
    assert_true(l == GM_COL_STR || l == GM_COL_DICT || l == GM_COL_DICT_N);
    for (int i = 0; i < M; i++) {
        if (i % 11 == 5) expect_node_absent(g, hs[i], "one");
        else expect_node_val(g, hs[i], "one", &model[i]);
    }
    /* change rows to longer, shorter and empty strings, unset some, remove some nodes */
    for (int i = 0; i < M; i += 3) {
        snprintf(strs[i], sizeof strs[i], "%.*s", (i / 3) % 30, "a much longer replacement text!!");
        model[i] = gm_cstr(strs[i]);
        OK(g, gm_node_set(g, hs[i], "one", &model[i]));
    }
    static bool has[M];
    for (int i = 0; i < M; i++) has[i] = (i % 11 != 5) || (i % 3 == 0);
    for (int i = 1; i < M; i += 10) {
        EXPECT(g, gm_node_unset(g, hs[i], "one"), has[i] ? GM_OK : GM_ABSENT);
        has[i] = false;
    }
    for (int i = 2; i < M; i += 25) OK(g, gm_node_remove(g, hs[i]));
    for (int i = 0; i < M; i++) {
        if (i % 25 == 2) continue;
        if (!has[i]) expect_node_absent(g, hs[i], "one");
        else expect_node_val(g, hs[i], "one", &model[i]);
    }
    CHECK_COLUMN(g, "one");
    /* the same by batch, on a fresh key */
    gm_node live[M];
    gm_value vals[M];
    size_t n = 0;
    for (int i = 0; i < M; i++) {
        if (i % 25 == 2) continue;
        live[n] = hs[i];
        vals[n] = model[i];
        n++;
    }
    OK(g, gm_node_set_batch(g, "batch", live, vals, n));
    l = CHECK_COLUMN(g, "batch");
    assert_true(l == GM_COL_STR || l == GM_COL_DICT || l == GM_COL_DICT_N);
    for (size_t i = 0; i < n; i++) expect_node_val(g, live[i], "batch", &vals[i]);
    /* a second batch over half of them, then mixed types */
    for (size_t i = 0; i < n; i += 2) vals[i] = gm_cstr("batch-two");
    OK(g, gm_node_set_batch(g, "batch", live, vals, n));
    for (size_t i = 0; i < n; i++) expect_node_val(g, live[i], "batch", &vals[i]);
    CHECK_COLUMN(g, "batch");
    vals[1] = gm_int(5);
    OK(g, gm_node_set_batch(g, "batch", live, vals, 3));
    for (size_t i = 0; i < n; i++) expect_node_val(g, live[i], "batch", &vals[i]);
    CHECK_COLUMN(g, "batch");
    /* bool and double batches over existing typed columns */
    for (size_t i = 0; i < n; i++) vals[i] = gm_bool(i % 3 == 0);
    OK(g, gm_node_set_batch(g, "flag", live, vals, n));
    for (size_t i = 0; i < n; i++) vals[i] = gm_bool(i % 5 == 0);
    OK(g, gm_node_set_batch(g, "flag", live, vals, n / 2));
    for (size_t i = 0; i < n; i++) {
        gm_value w = gm_bool(i < n / 2 ? i % 5 == 0 : i % 3 == 0);
        expect_node_val(g, live[i], "flag", &w);
    }
    assert_int_equal(CHECK_COLUMN(g, "flag"), GM_COL_BOOL);
    for (size_t i = 0; i < n; i++) vals[i] = gm_double((double)i / 4);
    OK(g, gm_node_set_batch(g, "dbl", live, vals, n));
    OK(g, gm_node_set_batch(g, "dbl", live + 1, vals, 5));
    for (size_t i = 0; i < n; i++) {
        gm_value w = (i >= 1 && i <= 5) ? vals[i - 1] : vals[i];
        expect_node_val(g, live[i], "dbl", &w);
    }
    assert_int_equal(CHECK_COLUMN(g, "dbl"), GM_COL_F64);
}

/* A get's payload stays valid across calls that neither get nor mutate (graphmem.h: "valid
** until the next gm_node_get/gm_edge_get or mutating call on g"), and may be a filter constant. */
static void t_values_borrowed_lifetime(void **state)
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

static void t_value_api(void **state)
{
    FX;
    build_samples();
    size_t l0 = live_now();
    /* copy / equal / free for every sample */
    for (size_t i = 0; i < nsample; i++) {
        gm_value c = gm_null();
        assert_int_equal(gm_value_check(&sample_vals[i]), GM_OK);
        assert_int_equal(gm_value_copy(&c, &sample_vals[i]), GM_OK);
        ASSERT_VEQ(&c, &sample_vals[i]);
        assert_true(gm_value_equal(&c, &sample_vals[i]));
        assert_true(gm_value_equal(&sample_vals[i], &sample_vals[i]));
        if (c.type == GM_STRING && c.as.s.len > 0) assert_ptr_not_equal(c.as.s.ptr, sample_vals[i].as.s.ptr);
        if (c.type == GM_ARRAY && c.as.a.len > 0) assert_ptr_not_equal(c.as.a.items, sample_vals[i].as.a.items);
        for (size_t j = 0; j < nsample; j++)
            if (j != i && !veq(&sample_vals[i], &sample_vals[j]))
                assert_false(gm_value_equal(&c, &sample_vals[j]));
        gm_value_free(&c);
        assert_int_equal(c.type, GM_NULL);
        assert_int_equal(live_now(), l0);
    }
    /* deep: mutating the source after the copy does not touch it */
    char buf[8] = "abc";
    gm_value inner[1] = { gm_strn(buf, 3) };
    gm_value src = varr(inner, 1), c = gm_null();
    assert_int_equal(gm_value_copy(&c, &src), GM_OK);
    buf[0] = 'z';
    inner[0] = gm_int(5);
    assert_int_equal(c.as.a.len, 1);
    assert_int_equal(c.as.a.items[0].type, GM_STRING);
    assert_memory_equal(c.as.a.items[0].as.s.ptr, "abc", 3);
    gm_value_free(&c);
    gm_value_free(&c);          /* a freed value is null: freeing again is harmless */
    gm_value_free(NULL);
    assert_int_equal(live_now(), l0);

    /* equality: types, -0.0, lengths */
    gm_value i1 = gm_int(1), d1 = gm_double(1.0), z = gm_double(0.0), nz = gm_double(-0.0);
    assert_false(gm_value_equal(&i1, &d1));
    assert_false(gm_value_equal(&z, &nz));
    assert_true(gm_value_equal(&nz, &nz));
    gm_value sa = gm_strn("ab", 2), sb = gm_strn("abc", 3), sc = gm_strn("abd", 2);
    assert_false(gm_value_equal(&sa, &sb));
    assert_true(gm_value_equal(&sa, &sc));         /* len-based: "ab" == "ab" */
    gm_value nu = gm_null(), fa = gm_bool(false), ze = gm_int(0);
    assert_false(gm_value_equal(&nu, &fa));
    assert_false(gm_value_equal(&fa, &ze));
    assert_true(gm_value_equal(&nu, &nu));
    gm_value ea = varr(NULL, 0), eo = vobj(NULL, NULL, 0);
    assert_false(gm_value_equal(&ea, &eo));
    gm_str ka[1] = { { "a", 1 } }, kb[1] = { { "b", 1 } };
    gm_value oa = vobj(ka, &i1, 1), ob = vobj(kb, &i1, 1);
    assert_false(gm_value_equal(&oa, &ob));

    /* check */
    gm_value nan = gm_double(NAN), inf = gm_double(INFINITY), nul = gm_strn("a\0", 2);
    assert_int_equal(gm_value_check(&nan), GM_EINVAL);
    assert_int_equal(gm_value_check(&inf), GM_EINVAL);
    assert_int_equal(gm_value_check(&nul), GM_EINVAL);
    /* copying an invalid value fails and allocates nothing */
    gm_value items[2] = { gm_cstr("allocated first"), gm_double(NAN) };
    gm_value badarr = varr(items, 2);
    c = gm_null();
    assert_int_equal(gm_value_copy(&c, &badarr), GM_EINVAL);
    assert_int_equal(live_now(), l0);

    /* gm_cstr */
    gm_value cs = gm_cstr("h\xc3\xa9");
    assert_int_equal(cs.type, GM_STRING);
    assert_int_equal(cs.as.s.len, 3);

    /* copy under OOM: GM_ENOMEM leaves dst null and leaks nothing */
    gm_value big = sample_vals[nsample - 1];
    long i;
    for (i = 0; i < 10000; i++) {
        gm_value d = gm_int(99);
        gm_mem_fail_after(i);
        gm_status rc = gm_value_copy(&d, &big);
        gm_mem_fail_after(-1);
        if (rc == GM_OK) { ASSERT_VEQ(&d, &big); gm_value_free(&d); break; }
        assert_int_equal(rc, GM_ENOMEM);
        assert_int_equal(d.type, GM_NULL);
        assert_int_equal(live_now(), l0);
    }
    assert_true(i > 0);
    assert_int_equal(live_now(), l0);
}

static void from_json_ok(const char *text, const gm_value *want)
{
    gm_value v = gm_int(-42);
    char err[128] = "";
    gm_status rc = gm_value_from_json(text, strlen(text), &v, err, sizeof err);
    if (rc != GM_OK) fail_msg("from_json(%s) gave %s: %s", text, gm_strerror(rc), err);
    if (!veq(&v, want)) {
        char b1[200], b2[200];
        fail_msg("from_json(%s) = %s, expected %s", text, vfmt(&v, b1, sizeof b1), vfmt(want, b2, sizeof b2));
    }
    gm_value_free(&v);
}

static void from_json_bad(const char *text, size_t len, gm_status want)
{
    gm_value v = gm_null();
    char err[128];
    memset(err, 'x', sizeof err);
    size_t l0 = live_now();
    gm_status rc = gm_value_from_json(text, len, &v, err, sizeof err);
    if (rc != want) fail_msg("from_json(%.*s) gave %s, expected %s", (int)len, text, gm_strerror(rc), gm_strerror(want));
    assert_non_null(memchr(err, '\0', sizeof err));
    if (want == GM_EJSON && err[0] == '\0') fail_msg("from_json(%.*s): empty error message", (int)len, text);
    assert_int_equal(live_now(), l0);
    assert_int_equal(gm_value_from_json(text, len, &v, NULL, 0), want);   /* err may be NULL */
    assert_int_equal(live_now(), l0);
}

static void t_json_codec(void **state)
{
    (void)state;
    gm_value v;
    from_json_ok("1", &(gm_value){ GM_INT, { .i = 1 } });
    from_json_ok(" -1 ", &(gm_value){ GM_INT, { .i = -1 } });
    from_json_ok("1.0", &(gm_value){ GM_DOUBLE, { .d = 1.0 } });
    from_json_ok("1e2", &(gm_value){ GM_DOUBLE, { .d = 100.0 } });
    from_json_ok("1E2", &(gm_value){ GM_DOUBLE, { .d = 100.0 } });
    from_json_ok("-0.0", &(gm_value){ GM_DOUBLE, { .d = -0.0 } });
    from_json_ok("0.1", &(gm_value){ GM_DOUBLE, { .d = 0.1 } });
    from_json_ok("5e-324", &(gm_value){ GM_DOUBLE, { .d = 5e-324 } });
    from_json_ok("1.7976931348623157e308", &(gm_value){ GM_DOUBLE, { .d = DBL_MAX } });
    from_json_ok("9223372036854775807", &(gm_value){ GM_INT, { .i = INT64_MAX } });
    from_json_ok("-9223372036854775808", &(gm_value){ GM_INT, { .i = INT64_MIN } });
    from_json_ok("9007199254740993", &(gm_value){ GM_INT, { .i = 9007199254740993LL } });
    from_json_ok("9223372036854775808", &(gm_value){ GM_DOUBLE, { .d = 9223372036854775808.0 } });
    from_json_ok("-9223372036854775809", &(gm_value){ GM_DOUBLE, { .d = -9223372036854775808.0 } });
    from_json_ok("18446744073709551616", &(gm_value){ GM_DOUBLE, { .d = 18446744073709551616.0 } });
    from_json_ok("null", &(gm_value){ GM_NULL, { .i = 0 } });
    from_json_ok("true", &(gm_value){ GM_BOOL, { .b = true } });
    from_json_ok("false", &(gm_value){ GM_BOOL, { .b = false } });
    from_json_ok("\"\"", &(gm_value){ GM_STRING, { .s = { "", 0 } } });
    from_json_ok("\"Zo\\u00eb\"", &(gm_value){ GM_STRING, { .s = { "Zo\xc3\xab", 4 } } });
    from_json_ok("\"\\ud83d\\ude00\"", &(gm_value){ GM_STRING, { .s = { "\xf0\x9f\x98\x80", 4 } } });
    from_json_ok("\"\xe6\x9d\xb1\xe4\xba\xac\"", &(gm_value){ GM_STRING, { .s = { "\xe6\x9d\xb1\xe4\xba\xac", 6 } } });
    from_json_ok("\"a\\\"b\\\\c\\n\"", &(gm_value){ GM_STRING, { .s = { "a\"b\\c\n", 6 } } });
    from_json_ok("[]", &(gm_value){ GM_ARRAY, { .a = { NULL, 0 } } });
    from_json_ok("{}", &(gm_value){ GM_OBJECT, { .o = { NULL, NULL, 0 } } });
    {
        gm_value inner[2] = { gm_int(2), varr(NULL, 0) };
        gm_value items[4] = { gm_int(1), gm_double(2.5), varr(inner, 2), gm_null() };
        gm_value want = varr(items, 4);
        from_json_ok("[1, 2.5, [2, []], null]", &want);
        gm_str keys[3] = { S("a"), S("a"), S("b") };
        gm_value vals[3] = { gm_int(1), gm_int(2), want };
        gm_value o = vobj(keys, vals, 3);
        from_json_ok("{\"a\":1,\"a\":2,\"b\":[1,2.5,[2,[]],null]}", &o);   /* duplicates kept in order */
    }
    /* len-based: bytes after len are not read */
    assert_int_equal(gm_value_from_json("123garbage", 3, &v, NULL, 0), GM_OK);
    assert_int_equal(v.type, GM_INT);
    assert_int_equal(v.as.i, 123);
    gm_value_free(&v);

    /* invalid */
    from_json_bad("", 0, GM_EJSON);
    from_json_bad("{", 1, GM_EJSON);
    from_json_bad("[1,]", 4, GM_EJSON);
    from_json_bad("nul", 3, GM_EJSON);
    from_json_bad("1 2", 3, GM_EJSON);
    from_json_bad("'a'", 3, GM_EJSON);
    from_json_bad("{\"a\" 1}", 7, GM_EJSON);
    from_json_bad("NaN", 3, GM_EJSON);
    from_json_bad("\"unterminated", 13, GM_EJSON);
    from_json_bad("12garbage", 9, GM_EJSON);
    from_json_bad("\"a\\u0000b\"", 10, GM_EINVAL);
    from_json_bad("[\"\\u0000\"]", 10, GM_EINVAL);
    /* short error buffers are terminated */
    char small[4];
    memset(small, 'x', sizeof small);
    assert_int_equal(gm_value_from_json("{", 1, &v, small, sizeof small), GM_EJSON);
    assert_true(strlen(small) < sizeof small);
    memset(small, 'x', sizeof small);
    assert_int_equal(gm_value_from_json("{", 1, &v, small, 1), GM_EJSON);
    assert_int_equal(small[0], '\0');
    assert_int_equal(small[1], 'x');

    /* to_json: exact compact text */
    {
        gm_value items[6] = { gm_int(1), gm_double(2.5), gm_cstr("x"), gm_null(), gm_bool(true), gm_bool(false) };
        gm_str keys[2] = { S("a"), S("a") };
        gm_value vals[2] = { varr(items, 6), gm_int(INT64_MIN) };
        gm_value o = vobj(keys, vals, 2);
        char *txt = NULL;
        assert_int_equal(gm_value_to_json(&o, &txt), GM_OK);
        assert_string_equal(txt, "{\"a\":[1,2.5,\"x\",null,true,false],\"a\":-9223372036854775808}");
        gm_mem_free(txt);
    }
    /* to_json -> from_json round-trips every sample exactly; doubles carry '.' or an exponent */
    build_samples();
    size_t l0 = live_now();
    for (size_t i = 0; i < nsample; i++) {
        char *txt = NULL;
        gm_status rc = gm_value_to_json(&sample_vals[i], &txt);
        if (rc != GM_OK) fail_msg("to_json of sample %zu: %s", i, gm_strerror(rc));
        assert_non_null(txt);
        if (sample_vals[i].type == GM_DOUBLE && strpbrk(txt, ".eE") == NULL)
            fail_msg("double serialised as '%s' (no '.' or exponent)", txt);
        gm_value back = gm_null();
        rc = gm_value_from_json(txt, strlen(txt), &back, NULL, 0);
        if (rc != GM_OK) fail_msg("from_json(to_json(sample %zu) = %.60s): %s", i, txt, gm_strerror(rc));
        if (!veq(&back, &sample_vals[i])) {
            char b1[200], b2[200];
            fail_msg("sample %zu: %s -> '%.80s' -> %s", i, vfmt(&sample_vals[i], b1, sizeof b1), txt,
                     vfmt(&back, b2, sizeof b2));
        }
        gm_value_free(&back);
        gm_mem_free(txt);
    }
    assert_int_equal(live_now(), l0);
    /* to_json of an invalid value */
    char *txt = NULL;
    gm_value nan = gm_double(NAN), nul = gm_strn("a\0", 2);
    assert_int_equal(gm_value_to_json(&nan, &txt), GM_EINVAL);
    assert_int_equal(gm_value_to_json(&nul, &txt), GM_EINVAL);
    assert_int_equal(live_now(), l0);

}

/* Separate from t_json_codec so that the leak accounting of the success run is clean. */
static void t_json_codec_oom(void **state)
{
    (void)state;
    size_t l0 = live_now();
    const char *doc = "{\"a\":[1,2.5,\"x\",{\"b\":[true,null,\"\xe6\x9d\xb1\"]}],\"c\":-0.0}";
    gm_value d = gm_null();
    long i;
    gm_status rc = GM_ENOMEM;
    for (i = 0; i < 10000; i++) {
        d = gm_null();
        gm_mem_fail_after(i);
        rc = gm_value_from_json(doc, strlen(doc), &d, NULL, 0);
        gm_mem_fail_after(-1);
        if (rc == GM_OK) break;
        assert_int_equal(rc, GM_ENOMEM);
        assert_int_equal(live_now(), l0);
    }
    assert_int_equal(rc, GM_OK);
    assert_true(i > 0);
    char *txt = NULL;
    for (i = 0; i < 10000; i++) {
        size_t l1 = live_now();
        gm_mem_fail_after(i);
        rc = gm_value_to_json(&d, &txt);
        gm_mem_fail_after(-1);
        if (rc == GM_OK) break;
        assert_int_equal(rc, GM_ENOMEM);
        assert_int_equal(live_now(), l1);
    }
    assert_int_equal(rc, GM_OK);
    assert_true(i > 0);
    gm_value back = gm_null();
    assert_int_equal(gm_value_from_json(txt, strlen(txt), &back, NULL, 0), GM_OK);
    ASSERT_VEQ(&back, &d);
    gm_value_free(&back);
    gm_mem_free(txt);
    gm_value_free(&d);
    assert_int_equal(live_now(), l0);
}

static void t_node_set_json(void **state)
{
    FX;
    gm_node a = add_node(g, "a");
    const char *doc = "{\"n\":1,\"d\":1.0,\"s\":\"Zo\\u00eb\",\"a\":[null,true],\"n\":2}";
    OK(g, gm_node_set_json(g, a, "j", doc, strlen(doc)));
    gm_value arr_items[2] = { gm_null(), gm_bool(true) };
    gm_str keys[5] = { S("n"), S("d"), S("s"), S("a"), S("n") };
    gm_value vals[5] = { gm_int(1), gm_double(1.0), gm_cstr("Zo\xc3\xab"), varr(arr_items, 2), gm_int(2) };
    gm_value want = vobj(keys, vals, 5);
    expect_node_val(g, a, "j", &want);
    OK(g, gm_node_set_json(g, a, "i", "42", 2));
    expect_node_val(g, a, "i", &(gm_value){ GM_INT, { .i = 42 } });
    OK(g, gm_node_set_json(g, a, "f", "42.0xyz", 4));      /* len-based */
    expect_node_val(g, a, "f", &(gm_value){ GM_DOUBLE, { .d = 42.0 } });
    OK(g, gm_node_set_json(g, a, "z", "null", 4));
    expect_node_val(g, a, "z", &(gm_value){ GM_NULL, { .i = 0 } });
    /* invalid: GM_EJSON with a message, store unchanged */
    EXPECT_ERR(g, gm_node_set_json(g, a, "i", "{\"x\":", 5), GM_EJSON);
    expect_node_val(g, a, "i", &(gm_value){ GM_INT, { .i = 42 } });
    EXPECT_ERR(g, gm_node_set_json(g, a, "new", "[1,", 3), GM_EJSON);
    expect_node_absent(g, a, "new");
    EXPECT_ERR(g, gm_node_set_json(g, a, "new", "", 0), GM_EJSON);
    expect_node_absent(g, a, "new");
    EXPECT_ERR(g, gm_node_set_json(g, a, "i", "\"\\u0000\"", 8), GM_EINVAL);
    expect_node_val(g, a, "i", &(gm_value){ GM_INT, { .i = 42 } });
    EXPECT_ERR(g, gm_node_set_json(g, 77, "i", "1", 1), GM_ENOTFOUND);
}

/* ================================================================ nodes */

static void t_nodes_ids(void **state)
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

static void t_nodes_many(void **state)
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

static void t_nodes_iteration(void **state)
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
static void t_nodes_removed_handle(void **state)
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

static void t_edges_basic(void **state)
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

static void deg_expect(gm_graph *g, gm_node n, size_t out, size_t in, int line)
{
    size_t o = 999, i = 999;
    OK(g, gm_out_degree(g, n, &o));
    OK(g, gm_in_degree(g, n, &i));
    if (o != out || i != in) {
        print_error("line %d: node %u: degrees out %zu in %zu, expected %zu %zu\n", line, (unsigned)n, o, i, out, in);
        fail();
    }
}
#define DEG_EXPECT(g, n, o, i) deg_expect(g, n, o, i, __LINE__)

static void t_neighbors_degrees(void **state)
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
static void t_node_remove_edges(void **state)
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

static void t_node_remove_all_orders(void **state)
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

/* ================================================================ batch */

static void t_batch_set_nodes(void **state)
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

static void t_batch_set_edges(void **state)
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

/* Views: where a backend hands out a column view that aliases its storage (graphmem.h's
** `aliased`), taking it, reading it, iterating every node's out-neighbours and degrees and
** releasing it allocate nothing, counted from before gm_node_column. The phase-4 backend must
** alias: that is what its phase is. t_views_alias_store proves where the arrays point. */
static void t_views_allocate_nothing(void **state)
{
    FX;
    const char *be = gm_graph_backend(g);
    enum { N = 300 };
    gm_str ids[N];
    char names[N][8];
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "v%d", i);
        ids[i] = (gm_str){ names[i], strlen(names[i]) };
    }
    gm_node first;
    OK(g, gm_node_add_batch(g, ids, N, &first, NULL));
    gm_node src[2 * N], dst[2 * N], nodes[N];
    gm_value iv[N], sv[N];
    const char *roles[3] = { "a", "bb", "ccc" };
    for (int i = 0; i < N; i++) {
        nodes[i] = first + (gm_node)i;
        iv[i] = gm_int(i * 7 - 100);
        sv[i] = gm_cstr(roles[i % 3]);
        src[2 * i] = src[2 * i + 1] = nodes[i];
        dst[2 * i] = first + (gm_node)((i * 13) % N);
        dst[2 * i + 1] = nodes[i];
    }
    OK(g, gm_edge_add_batch(g, src, dst, 2 * N, NULL, NULL));
    OK(g, gm_node_set_batch(g, "k", nodes, iv, N));
    OK(g, gm_node_set_batch(g, "r", nodes, sv, N));
    gm_neighbors nb;
    OK(g, gm_out_neighbors(g, nodes[0], &nb));          /* settle any lazy index once */

    gm_list hits = { NULL, 0, 0 };                      /* the caller's list, reserved once */
    OK(g, gm_list_reserve(&hits, N));
    assert_true(hits.cap >= N && hits.len == 0);
    gm_pred preds[2] = { { "r", GM_EQ, gm_cstr("bb") }, { "k", GM_GT, gm_int(0) } };
    gm_column ci, cr;
    gm_mem_stats m0 = gm_mem_stats_get();              /* counted from before the views exist */
    OK(g, gm_node_column(g, "k", &ci));
    OK(g, gm_node_column(g, "r", &cr));
    if (strcmp(be, "zerocopy") == 0) assert_true(ci.aliased && cr.aliased);
    if (!ci.aliased || !cr.aliased) {
        gm_column_release(g, &ci);
        gm_column_release(g, &cr);
        gm_list_free(&hits);
        skip();                                          /* a copying backend: nothing to assert */
    }
    int64_t sum = 0;
    size_t strbytes = 0, degsum = 0, nbsum = 0;
    for (size_t i = 0; i < ci.len; i++) {
        gm_value v;
        if (gm_column_value(&ci, i, &v) == GM_OK) sum += v.as.i;
        if (gm_column_value(&cr, i, &v) == GM_OK) strbytes += v.as.s.len;
    }
    for (gm_node n = GM_NONE; gm_node_next(g, &n) == GM_OK;) {
        size_t d;
        OK(g, gm_out_neighbors(g, n, &nb));
        nbsum += nb.len;
        OK(g, gm_out_degree(g, n, &d));
        degsum += d;
        OK(g, gm_in_degree(g, n, &d));
    }
    int64_t want = 0;
    for (int i = 0; i < N; i++) want += i * 7 - 100;
    assert_int_equal(sum, want);
    assert_int_equal(strbytes, (size_t)(N / 3) * 6);
    assert_int_equal(nbsum, 2 * N);
    assert_int_equal(degsum, 2 * N);
    OK(g, gm_filter(g, preds, 2, &hits));               /* into the reserved list: no growth */
    size_t want_hits = 0;
    for (int i = 0; i < N; i++) want_hits += i % 3 == 1 && i * 7 - 100 > 0;
    assert_int_equal(hits.len, want_hits);
    for (size_t i = 0; i < hits.len; i++) {
        assert_int_equal((hits.items[i] - first) % 3, 1);
        if (i > 0) assert_true(hits.items[i] > hits.items[i - 1]);
    }
    gm_column_release(g, &ci);
    gm_column_release(g, &cr);
    gm_mem_stats m1 = gm_mem_stats_get();             /* ...to after they are released */
    assert_int_equal(m1.nalloc, m0.nalloc);
    assert_int_equal(m1.total, m0.total);
    assert_int_equal(m1.blocks, m0.blocks);
    gm_list_free(&hits);
}

/* ---- proof of zero copy: an aliased view allocates nothing and lies inside the store ---- */

static uint64_t alias_mark;   /* the tracker's serial just before the view was taken */

static void owned_(const void *p, size_t n, const char *what, const char *key, int line)
{
    if (n == 0) return;                            /* an empty array points nowhere in particular */
    uint64_t serial = gm_mem_block_serial(p, n);
    if (serial == 0)
        fail_msg("line %d: aliased view of '%s': %s (%p, %zu bytes) is not inside a live block of the store",
                 line, key, what, p, n);
    if (serial > alias_mark)
        fail_msg("line %d: aliased view of '%s': %s lies in block #%llu, allocated after the view was "
                 "asked for (#%llu): a copy, not the store", line, key, what,
                 (unsigned long long)serial, (unsigned long long)alias_mark);
}

static void owned_value(const gm_value *v, const char *key, int line)
{
    switch (v->type) {
    case GM_STRING: owned_(v->as.s.ptr, v->as.s.len, "a string's bytes", key, line); break;
    case GM_ARRAY:
        owned_(v->as.a.items, v->as.a.len * sizeof(gm_value), "an array's items", key, line);
        for (size_t i = 0; i < v->as.a.len; i++) owned_value(&v->as.a.items[i], key, line);
        break;
    case GM_OBJECT:
        owned_(v->as.o.keys, v->as.o.len * sizeof(gm_str), "an object's keys", key, line);
        owned_(v->as.o.vals, v->as.o.len * sizeof(gm_value), "an object's values", key, line);
        for (size_t i = 0; i < v->as.o.len; i++) {
            owned_(v->as.o.keys[i].ptr, v->as.o.keys[i].len, "a member name", key, line);
            owned_value(&v->as.o.vals[i], key, line);
        }
        break;
    default: break;
    }
}

/* View `key`, read every value, release. If the view says aliased: the allocator saw no call at
** all from gm_node_column to gm_column_release, and every array the view exposes (for its
** layout), every dictionary string and every payload read through it lies inside a block that
** is live and was allocated after tracking started and BEFORE the view was asked for (the
** store's, not a copy made for the view). Returns the layout; *aliased. */
static gm_col_layout check_alias(gm_graph *g, const char *key, bool *aliased, int line)
{
    gm_mem_stats s0 = gm_mem_stats_get();
    alias_mark = gm_mem_serial();
    gm_column col;
    memset(&col, 0, sizeof col);
    OK(g, gm_node_column(g, key, &col));
    gm_col_layout layout = col.layout;
    *aliased = col.aliased;
    size_t n = col.len, nb = (n + 7) / 8;
    if (col.aliased) {
        owned_(col.valid, nb, "valid", key, line);
        switch (col.layout) {
        case GM_COL_EMPTY: break;
        case GM_COL_I64: owned_(col.i64, n * sizeof *col.i64, "i64", key, line); break;
        case GM_COL_F64: owned_(col.f64, n * sizeof *col.f64, "f64", key, line); break;
        case GM_COL_BOOL: owned_(col.bits, nb, "bits", key, line); break;
        case GM_COL_STR:
            owned_(col.offsets, (n + 1) * sizeof *col.offsets, "offsets", key, line);
            owned_(col.bytes, (size_t)col.offsets[n], "bytes", key, line);
            break;
        case GM_COL_DICT:
            owned_(col.codes, n * sizeof *col.codes, "codes", key, line);
            owned_(col.dict, col.ndict * sizeof *col.dict, "dict", key, line);
            for (size_t i = 0; i < col.ndict; i++) owned_(col.dict[i].ptr, col.dict[i].len, "a dict string", key, line);
            break;
        case GM_COL_VALUES: owned_(col.values, n * sizeof *col.values, "values", key, line); break;
        case GM_COL_INT: owned_(col.packed, n * col.width, "packed ints", key, line); break;
        case GM_COL_DICT_N:
            owned_(col.packed, n * col.width, "packed codes", key, line);
            owned_(col.dict, col.ndict * sizeof *col.dict, "dict", key, line);
            for (size_t i = 0; i < col.ndict; i++) owned_(col.dict[i].ptr, col.dict[i].len, "a dict string", key, line);
            break;
        }
    }
    size_t nvalid = 0;
    for (size_t i = 0; i < n; i++) {
        gm_value v;
        if (gm_column_value(&col, i, &v) != GM_OK) continue;
        nvalid++;
        if (col.aliased) owned_value(&v, key, line);
    }
    gm_column_release(g, &col);
    gm_mem_stats s1 = gm_mem_stats_get();
    if (*aliased && (s1.nalloc != s0.nalloc || s1.total != s0.total || s1.blocks != s0.blocks ||
                     s1.live != s0.live || s1.peak != s0.peak))
        fail_msg("line %d: aliased view of '%s' allocated: %llu allocations, %llu bytes, %+lld blocks "
                 "between gm_node_column and gm_column_release", line, key,
                 (unsigned long long)(s1.nalloc - s0.nalloc), (unsigned long long)(s1.total - s0.total),
                 (long long)s1.blocks - (long long)s0.blocks);
    (void)nvalid;
    return layout;
}

/* Zero copy proven, not declared: every backend's view of every layout goes through check_alias
** on a graph whose every block is tracked (mem.h); for zerocopy each layout must be aliased.
** After the close the tracker must hold nothing: the blocks the views pointed into were the
** graph's own. */
static void t_views_alias_store(void **state)
{
    FX;
    enum { N = 300 };
    static const char *keys[] = { "i", "d", "b", "c", "s", "v", "sparse", "gone", "never" };
    enum { NKEYS = sizeof keys / sizeof keys[0] };
    gm_mem_track(true);
    gm_graph *h = NULL;
    assert_int_equal(gm_open(f->backend, &h, NULL, 0), GM_OK);
    static char names[N][8], strs[N][40], mname[N][8];
    static gm_str ids[N], mkeys[N];
    static gm_value vi[N], vd[N], vb[N], vc[N], vs[N], vv[N], items[N][2], members[N];
    static gm_node hs[N];
    const char *roles[3] = { "admin", "user", "guest" };
    for (size_t i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "n%zu", i);
        snprintf(strs[i], sizeof strs[i], "distinct-%zu", i * 7);
        snprintf(mname[i], sizeof mname[i], "m%zu", i % 5);
        ids[i] = S(names[i]);
        mkeys[i] = S(mname[i]);
        vi[i] = gm_int((int64_t)i * 3 - 50);
        vd[i] = gm_double((double)i / 4);
        vb[i] = gm_bool(i % 3 == 1);
        vc[i] = gm_cstr(roles[i % 3]);
        vs[i] = gm_cstr(strs[i]);
        items[i][0] = gm_cstr(strs[i]);
        items[i][1] = gm_int((int64_t)i);
        members[i] = gm_cstr(roles[i % 3]);
        switch (i % 5) {
        case 0: vv[i] = gm_null(); break;
        case 1: vv[i] = gm_int((int64_t)i); break;
        case 2: vv[i] = gm_cstr(strs[i]); break;
        case 3: vv[i] = varr(items[i], 2); break;
        default: vv[i] = vobj(&mkeys[i], &members[i], 1); break;
        }
    }
    gm_node first;
    OK(h, gm_node_add_batch(h, ids, N, &first, NULL));
    for (size_t i = 0; i < N; i++) hs[i] = first + (gm_node)i;
    OK(h, gm_node_set_batch(h, "i", hs, vi, N));
    OK(h, gm_node_set_batch(h, "d", hs, vd, N));
    OK(h, gm_node_set_batch(h, "b", hs, vb, N));
    OK(h, gm_node_set_batch(h, "c", hs, vc, N));
    OK(h, gm_node_set_batch(h, "s", hs, vs, N));
    OK(h, gm_node_set_batch(h, "v", hs, vv, N));
    for (size_t i = 0; i < N; i += 3) OK(h, gm_node_set(h, hs[i], "sparse", &vi[i]));
    OK(h, gm_node_set(h, hs[7], "gone", &vs[7]));
    OK(h, gm_node_unset(h, hs[7], "gone"));
    for (size_t i = 10; i < N; i += 31) OK(h, gm_node_remove(h, hs[i]));   /* holes in every column */
    unsigned seen = 0;
    for (size_t k = 0; k < NKEYS; k++) {
        bool aliased;
        gm_col_layout layout = check_alias(h, keys[k], &aliased, __LINE__);
        if (aliased) seen |= 1u << layout;
        if (strcmp(f->backend, "zerocopy") == 0 && strcmp(keys[k], "never") != 0 && !aliased)
            fail_msg("zerocopy: the view of '%s' is not aliased", keys[k]);
    }
    if (strcmp(f->backend, "zerocopy") == 0) {
        unsigned all = 0;
        gm_col_layout every[] = { GM_COL_EMPTY, GM_COL_I64, GM_COL_F64, GM_COL_BOOL, GM_COL_STR,
                                  GM_COL_DICT, GM_COL_VALUES };
        for (size_t j = 0; j < sizeof every / sizeof every[0]; j++) all |= 1u << every[j];
        assert_int_equal(seen, all);               /* every layout was proven, none assumed */
    }
    gm_close(h);
    size_t left = gm_mem_tracked();
    gm_mem_track(false);
    assert_int_equal(left, 0);
    print_message("      [%s] aliased layouts proven (bitmask of gm_col_layout): 0x%x\n", f->backend, seen);
}

static void t_add_batch(void **state)
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

/* ================================================================ columns */

/* Compare the column of `key` with gm_node_get for every handle; check the layout arrays. */
static gm_col_layout check_column(gm_graph *g, const char *key, int line)
{
    gm_column col;
    memset(&col, 0x77, sizeof col);
    OK(g, gm_node_column(g, key, &col));
    if (col.len != gm_node_bound(g)) {
        print_error("line %d: column '%s' len %zu, node bound %zu\n", line, key, col.len, gm_node_bound(g));
        fail();
    }
    if (col.len > 0) assert_non_null(col.valid);
    size_t nvalid = 0;
    for (size_t i = 0; i < col.len; i++) {
        bool bit = bit_at(col.valid, i);
        gm_value cv, nv;
        gm_status crc = gm_column_value(&col, i, &cv);
        gm_status nrc = gm_node_get(g, (gm_node)i, key, &nv);
        if (nrc == GM_ENOTFOUND || nrc == GM_ABSENT) {
            if (bit || crc != GM_ABSENT) {
                print_error("line %d: column '%s' node %zu: node %s but valid bit %d, column_value %s\n",
                            line, key, i, nrc == GM_ABSENT ? "lacks it" : "is dead", bit, gm_strerror(crc));
                fail();
            }
            continue;
        }
        OK(g, nrc);
        nvalid++;
        if (!bit || crc != GM_OK) {
            print_error("line %d: column '%s' node %zu has a value but valid bit %d, column_value %s\n",
                        line, key, i, bit, gm_strerror(crc));
            fail();
        }
        if (!veq(&cv, &nv)) {
            char b1[200], b2[200];
            print_error("line %d: column '%s' node %zu: column %s, node_get %s\n", line, key, i,
                        vfmt(&cv, b1, sizeof b1), vfmt(&nv, b2, sizeof b2));
            fail();
        }
        switch (col.layout) {
        case GM_COL_EMPTY: fail_msg("line %d: GM_COL_EMPTY but node %zu has a value", line, i); break;
        case GM_COL_I64:
            assert_int_equal(nv.type, GM_INT);
            assert_true(col.i64[i] == nv.as.i);
            break;
        case GM_COL_F64:
            assert_int_equal(nv.type, GM_DOUBLE);
            assert_memory_equal(&col.f64[i], &nv.as.d, sizeof(double));
            break;
        case GM_COL_BOOL:
            assert_int_equal(nv.type, GM_BOOL);
            assert_int_equal(bit_at(col.bits, i), nv.as.b);
            break;
        case GM_COL_STR: {
            assert_int_equal(nv.type, GM_STRING);
            uint64_t o0 = col.offsets[i], o1 = col.offsets[i + 1];
            assert_true(o1 >= o0);
            assert_int_equal(o1 - o0, nv.as.s.len);
            if (nv.as.s.len) assert_memory_equal(col.bytes + o0, nv.as.s.ptr, nv.as.s.len);
            break;
        }
        case GM_COL_DICT:
            assert_int_equal(nv.type, GM_STRING);
            assert_true(col.codes[i] < col.ndict);
            assert_int_equal(col.dict[col.codes[i]].len, nv.as.s.len);
            if (nv.as.s.len) assert_memory_equal(col.dict[col.codes[i]].ptr, nv.as.s.ptr, nv.as.s.len);
            break;
        case GM_COL_VALUES:
            ASSERT_VEQ(&col.values[i], &nv);
            break;
        case GM_COL_INT: {
            assert_int_equal(nv.type, GM_INT);
            int64_t x = col.width == 1 ? ((const int8_t *)col.packed)[i]
                      : col.width == 2 ? ((const int16_t *)col.packed)[i] : ((const int32_t *)col.packed)[i];
            assert_true(col.width == 1 || col.width == 2 || col.width == 4);
            assert_true(x == nv.as.i);
            break;
        }
        case GM_COL_DICT_N: {
            assert_int_equal(nv.type, GM_STRING);
            assert_true(col.width == 1 || col.width == 2);
            size_t c = col.width == 1 ? ((const uint8_t *)col.packed)[i] : ((const uint16_t *)col.packed)[i];
            assert_true(c < col.ndict);
            assert_int_equal(col.dict[c].len, nv.as.s.len);
            if (nv.as.s.len) assert_memory_equal(col.dict[c].ptr, nv.as.s.ptr, nv.as.s.len);
            break;
        }
        default:
            fail_msg("line %d: unknown layout %d", line, (int)col.layout);
        }
    }
    /* out of range */
    gm_value cv;
    assert_int_not_equal(gm_column_value(&col, col.len, &cv), GM_OK);
    if (col.layout == GM_COL_EMPTY) assert_int_equal(nvalid, 0);
    if (col.layout == GM_COL_DICT) {
        /* the dictionary holds distinct strings */
        for (size_t x = 0; x < col.ndict; x++)
            for (size_t y = 0; y < x; y++)
                assert_false(col.dict[x].len == col.dict[y].len &&
                             (col.dict[x].len == 0 || memcmp(col.dict[x].ptr, col.dict[y].ptr, col.dict[x].len) == 0));
    }
    gm_col_layout layout = col.layout;
    gm_column_release(g, &col);
    /* a second view and release costs nothing more: no growth per view */
    size_t l1 = live_now();
    OK(g, gm_node_column(g, key, &col));
    assert_int_equal(col.layout, layout);
    gm_column_release(g, &col);
    assert_int_equal(live_now(), l1);
    return layout;
}

static void t_columns(void **state)
{
    FX;
    enum { N = 21 };
    gm_node n[N];
    for (int i = 0; i < N; i++) { char id[8]; snprintf(id, sizeof id, "n%d", i); n[i] = add_node(g, id); }
    /* empty graph-wide attribute */
    gm_col_layout l = CHECK_COLUMN(g, "nobody");
    assert_true(l == GM_COL_EMPTY || l == GM_COL_I64 || l == GM_COL_VALUES || l == GM_COL_F64 ||
                l == GM_COL_BOOL || l == GM_COL_STR || l == GM_COL_DICT);
    const char *strs[] = { "", "Zo\xc3\xab", "\xe6\x9d\xb1\xe4\xba\xac", "a", "a", "ab", "b" };
    for (int i = 0; i < N; i++) {
        gm_value v;
        if (i % 5 != 3) {   /* some nodes lack each attribute */
            v = gm_int(i == 0 ? INT64_MIN : i == 1 ? INT64_MAX : i * 1000 - 7);
            OK(g, gm_node_set(g, n[i], "i", &v));
            v = gm_double(i == 0 ? -0.0 : i == 1 ? 5e-324 : i == 2 ? DBL_MAX : i * 0.1);
            OK(g, gm_node_set(g, n[i], "d", &v));
            v = gm_bool(i % 3 == 0);
            OK(g, gm_node_set(g, n[i], "b", &v));
            char buf[32];
            snprintf(buf, sizeof buf, "s-%d-\xc3\xab", i);
            v = gm_cstr(i < 7 ? strs[i] : buf);
            OK(g, gm_node_set(g, n[i], "s", &v));
            v = gm_cstr(i % 2 ? "red" : "green");
            OK(g, gm_node_set(g, n[i], "low", &v));
        }
        v = (i % 2) ? gm_int(i) : gm_null();
        OK(g, gm_node_set(g, n[i], "mixed", &v));
        v = (i % 2) ? gm_int(i) : gm_double(i);
        OK(g, gm_node_set(g, n[i], "numbers", &v));
        gm_value items[2] = { gm_int(i), gm_cstr("x") };
        v = varr(items, 2);
        if (i % 4 == 0) OK(g, gm_node_set(g, n[i], "nested", &v));
        v = gm_null();
        if (i % 2) OK(g, gm_node_set(g, n[i], "nulls", &v));
    }
    /* removed nodes are invalid; bit positions past the first byte are exercised (N > 16) */
    OK(g, gm_node_remove(g, n[9]));
    OK(g, gm_node_remove(g, n[16]));
    OK(g, gm_node_remove(g, n[N - 1]));
    assert_int_equal(CHECK_COLUMN(g, "i"), GM_COL_I64);
    assert_int_equal(CHECK_COLUMN(g, "d"), GM_COL_F64);
    assert_int_equal(CHECK_COLUMN(g, "b"), GM_COL_BOOL);
    l = CHECK_COLUMN(g, "s");
    assert_true(l == GM_COL_STR || l == GM_COL_DICT || l == GM_COL_DICT_N);
    l = CHECK_COLUMN(g, "low");
    assert_true(l == GM_COL_STR || l == GM_COL_DICT || l == GM_COL_DICT_N);
    assert_int_equal(CHECK_COLUMN(g, "mixed"), GM_COL_VALUES);      /* ints and nulls */
    CHECK_COLUMN(g, "numbers");                                     /* ints and doubles: types kept */
    CHECK_COLUMN(g, "nested");
    CHECK_COLUMN(g, "nulls");
    /* a column after changes sees the changes */
    gm_value v = gm_int(424242);
    OK(g, gm_node_set(g, n[2], "i", &v));
    OK(g, gm_node_unset(g, n[4], "i"));
    gm_node late = add_node(g, "late");
    OK(g, gm_node_set(g, late, "i", &v));
    assert_int_equal(CHECK_COLUMN(g, "i"), GM_COL_I64);
    /* a type change turns the column into values */
    gm_value sv = gm_cstr("now a string");
    OK(g, gm_node_set(g, n[5], "i", &sv));
    CHECK_COLUMN(g, "i");
    /* a column with every holder removed */
    gm_value one = gm_int(1);
    OK(g, gm_node_set(g, n[0], "only0", &one));
    OK(g, gm_node_remove(g, n[0]));
    CHECK_COLUMN(g, "only0");
    /* release: NULL-safe, and a zeroed column */
    gm_column_release(g, NULL);
    gm_column col;
    memset(&col, 0, sizeof col);
    gm_column_release(g, &col);
}

static void t_columns_empty_graph(void **state)
{
    FX;
    gm_column col;
    OK(g, gm_node_column(g, "k", &col));
    assert_int_equal(col.len, 0);
    gm_value v;
    assert_int_not_equal(gm_column_value(&col, 0, &v), GM_OK);
    gm_column_release(g, &col);
    /* all nodes removed */
    gm_node a = add_node(g, "a");
    gm_value one = gm_int(1);
    OK(g, gm_node_set(g, a, "k", &one));
    OK(g, gm_node_remove(g, a));
    OK(g, gm_node_column(g, "k", &col));
    assert_int_equal(col.len, 1);
    assert_false(bit_at(col.valid, 0));
    EXPECT(g, gm_column_value(&col, 0, &v), GM_ABSENT);
    gm_column_release(g, &col);
}

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

static void t_filter_numbers(void **state)
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
static void t_filter_int_double_exact(void **state)
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

static void t_filter_strings_bools(void **state)
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

static bool ref_match(const gm_value *v, gm_op op, const gm_value *c)
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
static void t_filter_typed_columns(void **state)
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

static void t_filter_errors(void **state)
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

static void t_model_random(void **state)
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
static void t_bytes_per_node_flat(void **state)
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

static void t_memory_usage(void **state)
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

static void t_mem_allocator(void **state)
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
static void t_mem_tracker(void **state)
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

static void t_leaks_full_graph(void **state)
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
** -> offsets, emptied and re-typed), by single and batch sets, with a model of every value. On
** the first failure the model is checked: every value set before is intact, the failed single
** set left its target as it was, a failed batch left each target old or new. */
enum { OT_N = 72 };
static char ot_strs[OT_N][24];

static gm_status scenario_types(const char *backend, long *nops)
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
    for (int round = 0; round < 6; round++) {
        for (int i = 0; i < OT_N; i++) {
            gm_value v;
            switch (round) {
            case 0: v = gm_int(i * 3); break;                                   /* typed ints */
            case 1: v = (i == 7) ? gm_cstr("seven") : gm_int(-i); break;       /* -> mixed */
            case 2: v = gm_cstr(i % 2 ? "odd" : "even"); break;                /* strings (mixed col) */
            case 3: v = gm_cstr(ot_strs[i]); break;
            case 4: v = gm_bool(i % 3 == 0); break;
            default: v = gm_double(i + 0.5); break;
            }
            if (round == 3 && i == 0) {
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
** take minutes under valgrind that way (runs x calls), so it fails an evenly spread sample of
** about 250 of its allocation sites, the first 50 and the last one included. */
static void t_oom_sweep_types(void **state)
{
    FX;
    for (int i = 0; i < OT_N; i++) snprintf(ot_strs[i], sizeof ot_strs[i], "distinct-%d", i * 13);
    size_t l0 = live_now();
    long ops = 0;
    uint64_t a0 = gm_mem_stats_get().nalloc;
    OK(g, scenario_types(f->backend, &ops));          /* count its allocations */
    long total = (long)(gm_mem_stats_get().nalloc - a0);
    assert_int_equal(live_now(), l0);
    long stride = total / 250 + 1, runs = 0;
    gm_status rc = GM_ENOMEM;
    /* gm_mem_fail_after(i) fails allocation i + 1, so the sites are i = 0 .. total - 1 and i =
    ** total injects nothing. The step is clamped to total - 1, never past it: the last run fails
    ** the last site whatever total and stride are (stepping first and clamping after let i land
    ** on total exactly when total - 50 was a multiple of the stride). */
    long last = -1;
    for (long i = 0; i < total; i = oom_next_site(i, stride, total)) {
        last = i;
        gm_mem_fail_after(i);
        rc = scenario_types(f->backend, &ops);
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
    rc = scenario_types(f->backend, &ops);
    gm_mem_fail_after(-1);
    OK(g, rc);
    print_message("      [%s] OOM sweep (type transitions, %ld calls, %ld allocations): %ld sites failed\n",
                  f->backend, ops, total, runs);
}

static void t_oom_sweep(void **state)
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
static void t_oom_single_calls(void **state)
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

/* ================================================================ main */

/* compact only: an int column is stored at the narrowest width holding every value and widened
** in place when a set (single or batch) does not fit; dictionary codes are 1 byte up to 256
** distinct strings and 2 bytes past that. Views stay aliased at every width; values survive each
** widening; the filter reads every width. */
static unsigned compact_width(gm_graph *g, const char *key, gm_col_layout *layout)
{
    gm_column col;
    memset(&col, 0, sizeof col);
    OK(g, gm_node_column(g, key, &col));
    assert_true(col.aliased);
    *layout = col.layout;
    unsigned w = col.layout == GM_COL_I64 ? 8 : col.layout == GM_COL_DICT ? 4 : col.width;
    gm_column_release(g, &col);
    return w;
}

static void t_compact_narrow(void **state)
{
    FX;
    if (strcmp(f->backend, "compact") != 0) return;   /* the others store 8-byte ints */
    enum { N = 1000 };
    static gm_node hs[N];
    static gm_value vi[N], vs[N];
    static char strs[N][12];
    for (int i = 0; i < N; i++) {
        char id[12];
        snprintf(id, sizeof id, "n%d", i);
        hs[i] = add_node(g, id);
        vi[i] = gm_int(i % 100 - 50);
        snprintf(strs[i], sizeof strs[i], "s%d", i % 3);
        vs[i] = gm_cstr(strs[i]);
    }
    gm_col_layout l;
    OK(g, gm_node_set_batch(g, "i", hs, vi, N));
    assert_int_equal(compact_width(g, "i", &l), 1);
    assert_int_equal(l, GM_COL_INT);
    assert_int_equal(CHECK_COLUMN(g, "i"), GM_COL_INT);
    static const int64_t steps[] = { 1000, -40000, 3000000000LL, INT64_MIN };
    static const unsigned widths[] = { 2, 4, 8, 8 };
    for (int s = 0; s < 4; s++) {
        gm_value v = gm_int(steps[s]);
        OK(g, gm_node_set(g, hs[10 + s], "i", &v));
        assert_int_equal(compact_width(g, "i", &l), widths[s]);
        CHECK_COLUMN(g, "i");
        for (int i = 0; i < N; i++) {
            int64_t x;
            OK(g, gm_node_get_int(g, hs[i], "i", &x));
            int64_t want = (i >= 10 && i < 10 + s + 1) ? steps[i - 10] : i % 100 - 50;
            assert_true(x == want);
        }
    }
    assert_int_equal(l, GM_COL_I64);
    /* a batch with one wide value widens once */
    OK(g, gm_node_set_batch(g, "j", hs, vi, N - 1));
    assert_int_equal(compact_width(g, "j", &l), 1);
    vi[N - 1] = gm_int(70000);
    OK(g, gm_node_set_batch(g, "j", hs + N - 2, vi + N - 2, 2));
    assert_int_equal(compact_width(g, "j", &l), 4);
    int64_t x;
    OK(g, gm_node_get_int(g, hs[N - 1], "j", &x));
    assert_true(x == 70000);
    OK(g, gm_node_get_int(g, hs[5], "j", &x));
    assert_true(x == -45);
    /* the filter on a narrow column */
    gm_list out = { 0 };
    gm_pred p = { "i", GM_GE, gm_int(48) };
    OK(g, gm_filter(g, &p, 1, &out));
    size_t want = 0;
    for (int i = 0; i < N; i++) if (i % 100 - 50 >= 48 && !(i >= 10 && i < 14)) want++;
    assert_int_equal(out.len, want + 2);            /* + 1000 and 3000000000 */
    gm_list_free(&out);
    /* dictionary codes: 1 byte for 3 strings, 2 bytes past 256 */
    OK(g, gm_node_set_batch(g, "c", hs, vs, N));
    assert_int_equal(compact_width(g, "c", &l), 1);
    assert_int_equal(l, GM_COL_DICT_N);
    for (int i = 0; i < N; i++) {
        snprintf(strs[i], sizeof strs[i], "t%d", i % 300);
        vs[i] = gm_cstr(strs[i]);
    }
    OK(g, gm_node_set_batch(g, "c", hs, vs, N));
    assert_int_equal(compact_width(g, "c", &l), 2);
    assert_int_equal(CHECK_COLUMN(g, "c"), GM_COL_DICT_N);
    gm_pred q = { "c", GM_EQ, gm_cstr("t299") };
    OK(g, gm_filter(g, &q, 1, &out));
    assert_int_equal(out.len, 3);                   /* 299, 599, 899 */
    gm_list_free(&out);
}

/* Every backend; on compact: arrays whose items share a type live in list columns (offsets + bytes); reads
** decode them, overwrites shift, a list of another kind turns the column into tagged values, a
** value read from the column can be set back into it (single and batch), views copy. */
static void t_compact_lists(void **state)
{
    FX;
    enum { N = 40 };
    gm_node hs[N];
    static gm_value items[N][4], model[N];
    static char strs[N][4][16];
    for (int i = 0; i < N; i++) {
        char id[12];
        snprintf(id, sizeof id, "l%d", i);
        hs[i] = add_node(g, id);
        size_t n = (size_t)(i % 4);
        for (size_t j = 0; j < n; j++) {
            snprintf(strs[i][j], sizeof strs[i][j], "s%d-%zu", i, j);
            items[i][j] = gm_cstr(strs[i][j]);
        }
        model[i] = varr(items[i], n);
        OK(g, gm_node_set(g, hs[i], "ls", &model[i]));
    }
    for (int i = 0; i < N; i++) {
        gm_value v;
        OK(g, gm_node_get(g, hs[i], "ls", &v));
        ASSERT_VEQ(&v, &model[i]);
    }
    CHECK_COLUMN(g, "ls");
    /* a longer list in the middle shifts the rows after it */
    gm_value three[3] = { gm_cstr("x"), gm_cstr(""), gm_cstr("a longer string item") };
    model[5] = varr(three, 3);
    OK(g, gm_node_set(g, hs[5], "ls", &model[5]));
    /* a value read from the column, set into another row (its items are the column's own) */
    gm_value v;
    OK(g, gm_node_get(g, hs[7], "ls", &v));
    OK(g, gm_node_set(g, hs[9], "ls", &v));
    model[9] = model[7];
    OK(g, gm_node_get(g, hs[3], "ls", &v));
    gm_node two[2] = { hs[10], hs[11] };
    gm_value vv[2] = { v, v };
    OK(g, gm_node_set_batch(g, "ls", two, vv, 2));
    model[10] = model[11] = model[3];
    for (int i = 0; i < N; i++) {
        OK(g, gm_node_get(g, hs[i], "ls", &v));
        ASSERT_VEQ(&v, &model[i]);
    }
    CHECK_COLUMN(g, "ls");
    gm_list out = { 0 };
    gm_pred p = { "ls", GM_NE, gm_int(1) };
    OK(g, gm_filter(g, &p, 1, &out));
    assert_int_equal(out.len, N);
    gm_list_free(&out);
    /* ints and doubles; then a list of another kind: tagged values, everything kept */
    gm_value ni[3] = { gm_int(INT64_MIN), gm_int(0), gm_int(7) }, nd[2] = { gm_double(-0.0), gm_double(2.5) };
    gm_value li = varr(ni, 3), ld = varr(nd, 2), le = varr(NULL, 0);
    OK(g, gm_node_set(g, hs[0], "li", &le));
    OK(g, gm_node_set(g, hs[1], "li", &li));
    OK(g, gm_node_set(g, hs[2], "ld", &ld));
    OK(g, gm_node_get(g, hs[1], "li", &v));
    ASSERT_VEQ(&v, &li);
    OK(g, gm_node_get(g, hs[2], "ld", &v));
    ASSERT_VEQ(&v, &ld);
    OK(g, gm_node_set(g, hs[3], "li", &model[3]));       /* list<str> into list<int> */
    OK(g, gm_node_get(g, hs[1], "li", &v));
    ASSERT_VEQ(&v, &li);
    OK(g, gm_node_get(g, hs[3], "li", &v));
    ASSERT_VEQ(&v, &model[3]);
    OK(g, gm_node_get(g, hs[0], "li", &v));
    ASSERT_VEQ(&v, &le);
    assert_int_equal(CHECK_COLUMN(g, "li"), GM_COL_VALUES);
    /* list<int> items widen with the values (compact: 1 -> 2 -> 8 bytes), every row kept */
    static gm_value wi[N][2], wl[N];
    for (int i = 0; i < N; i++) {
        wi[i][0] = gm_int(i - 20);
        wi[i][1] = gm_int(i % 2 ? 3 : -3);
        wl[i] = varr(wi[i], (size_t)(i % 3));
        OK(g, gm_node_set(g, hs[i], "lw", &wl[i]));
    }
    wi[4][0] = gm_int(1000);
    OK(g, gm_node_set(g, hs[4], "lw", &wl[4]));
    wi[8][0] = gm_int(INT64_MAX);
    OK(g, gm_node_set(g, hs[8], "lw", &wl[8]));
    for (int i = 0; i < N; i++) {
        OK(g, gm_node_get(g, hs[i], "lw", &v));
        ASSERT_VEQ(&v, &wl[i]);
    }
    OK(g, gm_node_remove(g, hs[5]));
    OK(g, gm_node_unset(g, hs[6], "ls"));
    CHECK_COLUMN(g, "ls");
    CHECK_COLUMN(g, "lw");
}

static const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    T(t_backend_registry),
    T(t_open_errors),
    T(t_strerror),
    T(t_errmsg_lifecycle),
    T(t_error_codes),
    T(t_views_allocate_nothing),
    T(t_views_alias_store),
    T(t_compact_narrow),
    T(t_compact_lists),
    T(t_typed_get),
    T(t_null_args),
    T(t_values_roundtrip_nodes),
    T(t_values_roundtrip_edges),
    T(t_values_types_distinct),
    T(t_values_special_keys),
    T(t_values_rejected),
    T(t_null_vs_absent),
    T(t_values_replace_type),
    T(t_values_borrowed_copy),
    T(t_values_self_alias),
    T(t_values_borrowed_batch),
    T(t_values_borrowed_lifetime),
    T(t_value_api),
    T(t_json_codec),
    T(t_json_codec_oom),
    T(t_node_set_json),
    T(t_nodes_ids),
    T(t_nodes_many),
    T(t_nodes_iteration),
    T(t_nodes_removed_handle),
    T(t_edges_basic),
    T(t_neighbors_degrees),
    T(t_node_remove_edges),
    T(t_node_remove_all_orders),
    T(t_batch_set_nodes),
    T(t_batch_set_edges),
    T(t_add_batch),
    T(t_columns),
    T(t_columns_empty_graph),
    T(t_columns_strings_many),
    T(t_filter_numbers),
    T(t_filter_int_double_exact),
    T(t_filter_strings_bools),
    T(t_filter_typed_columns),
    T(t_filter_errors),
    T(t_model_random),
    T(t_memory_usage),
    T(t_bytes_per_node_flat),
    T(t_mem_allocator),
    T(t_mem_tracker),
    T(t_leaks_full_graph),
    T(t_oom_single_calls),
    T(t_oom_sweep),
    T(t_oom_sweep_types),
#undef T
};

static bool in_list(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; *p; ) {
        const char *q = strchr(p, ',');
        size_t len = q ? (size_t)(q - p) : strlen(p);
        while (len > 0 && *p == ' ') { p++; len--; }
        while (len > 0 && p[len - 1] == ' ') len--;
        if (len == n && strncmp(p, name, n) == 0) return true;
        if (!q) break;
        p = q + 1;
    }
    return false;
}

int main(void)
{
    const char *only = getenv("GM_BACKENDS");
    int failed = 0, ran = 0;
    if (only != NULL && only[0] != '\0') {
        /* every listed name must be registered */
        char buf[256];
        snprintf(buf, sizeof buf, "%s", only);
        for (char *tok = strtok(buf, ", "); tok; tok = strtok(NULL, ", ")) {
            bool known = false;
            for (size_t i = 0; i < gm_backend_count(); i++)
                if (strcmp(tok, gm_backend_name(i)) == 0) known = true;
            if (!known) { fprintf(stderr, "GM_BACKENDS: unknown backend '%s'\n", tok); return 2; }
        }
    }
    for (size_t i = 0; i < gm_backend_count(); i++) {
        const char *name = gm_backend_name(i);
        if (only != NULL && only[0] != '\0' && !in_list(only, name)) continue;
        char group[64];
        snprintf(group, sizeof group, "conformance[%s]", name);
        cur_backend = name;
        failed += cmocka_run_group_tests_name(group, tests, group_setup, group_teardown);
        ran++;
    }
    if (ran == 0) { fprintf(stderr, "no backend ran\n"); return 2; }
    return failed == 0 ? 0 : 1;
}
