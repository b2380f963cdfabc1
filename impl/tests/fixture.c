/*
** fixture.c: the conformance suite's per-test fixture (a fresh graph, a leak check) and the
** helpers every area file shares, declared in fixture.h. Moved from conformance.c.
*/
#include "fixture.h"

/* ================================================================ fixture */

const char *cur_backend;   /* set by main() before each group */
fixture     the_fixture;

int group_setup(void **state)
{
    memset(&the_fixture, 0, sizeof the_fixture);
    the_fixture.backend = cur_backend;
    the_fixture.group_live0 = gm_mem_stats_get().live;
    *state = &the_fixture;
    return 0;
}

int group_teardown(void **state)
{
    fixture *f = *state;
    gm_mem_fail_after(-1);
    if (gm_mem_stats_get().live != f->group_live0) {
        print_error("group %s: %zu live bytes leaked\n", f->backend ? f->backend : "common",
                    gm_mem_stats_get().live - f->group_live0);
        return -1;
    }
    return 0;
}

int setup(void **state)
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

int teardown(void **state)
{
    fixture *f = *state;
    gm_mem_fail_after(-1);           /* a failed assertion may have left injection on */
    gm_mem_track(false);             /* ...or block tracking */
    gm_close(f->g);
    f->g = NULL;
    size_t live = gm_mem_stats_get().live;
    if (live != f->live0) {
        print_error("leak check [%s]: live bytes %zu after close, %zu before open (%+lld)\n",
                    f->backend ? f->backend : "common", live, f->live0, (long long)live - (long long)f->live0);
        return -1;
    }
    return 0;
}

/* The backend-free tests (strerror, the value API and JSON codec, the allocator): no graph,
** the same leak check in teardown (gm_close(NULL) is a no-op). */
int setup_nograph(void **state)
{
    fixture *f = *state;
    gm_mem_fail_after(-1);
    f->live0 = gm_mem_stats_get().live;
    f->g = NULL;
    return 0;
}

/* ================================================================ helpers */

/* Independent structural equality: doubles bitwise, object keys in order. */
bool veq(const gm_value *a, const gm_value *b)
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

const char *vfmt(const gm_value *v, char *b, size_t n)
{
    b[0] = '\0';
    vfmt_(v, b, n);
    b[n - 1] = '\0';
    return b;
}

int fail_line;   /* the caller's line, set by the expect_* helpers */

size_t live_now(void) { return gm_mem_stats_get().live; }

void usage_sink(void *ud, const char *component, size_t bytes) { (void)ud; (void)component; (void)bytes; }

gm_value varr(gm_value *items, size_t n)
{ gm_value v; v.type = GM_ARRAY; v.as.a.items = items; v.as.a.len = n; return v; }
gm_value vobj(gm_str *keys, gm_value *vals, size_t n)
{ gm_value v; v.type = GM_OBJECT; v.as.o.keys = keys; v.as.o.vals = vals; v.as.o.len = n; return v; }
gm_str S(const char *s) { gm_str x; x.ptr = s; x.len = strlen(s); return x; }

bool bit_at(const uint8_t *bits, size_t i) { return (bits[i / 8] >> (i % 8)) & 1u; }

gm_node add_node(gm_graph *g, const char *id)
{
    gm_node n = GM_NONE;
    OK(g, gm_node_add(g, id, strlen(id), &n));
    return n;
}

gm_edge add_edge(gm_graph *g, gm_node a, gm_node b)
{
    gm_edge e = GM_NONE;
    OK(g, gm_edge_add(g, a, b, &e));
    return e;
}

/* Node attribute reads back as `want`. */
void expect_node_val_(gm_graph *g, gm_node n, const char *key, const gm_value *want, int line)
{
    fail_line = line;
    gm_value out;
    memset(&out, 0x5a, sizeof out);
    OK(g, gm_node_get(g, n, key, &out));
    ASSERT_VEQ(&out, want);
    ASSERT_NOMSG(g);
}

void expect_edge_val_(gm_graph *g, gm_edge e, const char *key, const gm_value *want, int line)
{
    fail_line = line;
    gm_value out;
    memset(&out, 0x5a, sizeof out);
    OK(g, gm_edge_get(g, e, key, &out));
    ASSERT_VEQ(&out, want);
    ASSERT_NOMSG(g);
}

void expect_node_absent_(gm_graph *g, gm_node n, const char *key, int line)
{
    fail_line = line;
    gm_value out;
    EXPECT(g, gm_node_get(g, n, key, &out), GM_ABSENT);
    ASSERT_NOMSG(g);   /* GM_ABSENT is not an error: no message */
}

void expect_edge_absent_(gm_graph *g, gm_edge e, const char *key, int line)
{
    fail_line = line;
    gm_value out;
    EXPECT(g, gm_edge_get(g, e, key, &out), GM_ABSENT);
    ASSERT_NOMSG(g);
}

/* Live nodes by iteration, checked increasing; returns how many. */
size_t iter_nodes(gm_graph *g, gm_node *out, size_t cap)
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

size_t iter_edges(gm_graph *g, gm_edge *out, size_t cap)
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

void expect_handles(const uint32_t *got, size_t ngot, const uint32_t *want, size_t nwant,
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

/* The sample values every attribute path must round-trip; built once. */
static char long_str[10240];
gm_value sample_vals[64];
size_t nsample;

void build_samples(void)
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
