/*
** columns.c: column views: layouts, strings, views that allocate nothing or alias the store.
** Part of the conformance suite (impl/tests/README.md); moved verbatim from conformance.c.
*/
#include "fixture.h"

/* ================================================================ columns */

/* Compare the column of `key` with gm_node_get for every handle; check the layout arrays. */
gm_col_layout check_column(gm_graph *g, const char *key, int line)
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
        case GM_COL_STR_N: {
            assert_int_equal(nv.type, GM_STRING);
            assert_int_equal(col.width, 4);
            uint32_t o0 = ((const uint32_t *)col.packed)[i], o1 = ((const uint32_t *)col.packed)[i + 1];
            assert_true(o1 >= o0);
            assert_int_equal(o1 - o0, nv.as.s.len);
            if (nv.as.s.len) assert_memory_equal(col.bytes + o0, nv.as.s.ptr, nv.as.s.len);
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

void t_columns(void **state)
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
    assert_true(l == GM_COL_STR || l == GM_COL_STR_N || l == GM_COL_DICT || l == GM_COL_DICT_N);
    l = CHECK_COLUMN(g, "low");
    assert_true(l == GM_COL_STR || l == GM_COL_STR_N || l == GM_COL_DICT || l == GM_COL_DICT_N);
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

void t_columns_empty_graph(void **state)
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


/* Many distinct strings in one column (a dictionary stops paying: offsets + bytes), set one
** by one and by batch, then changed, unset and removed, each time checked against the model. */
void t_columns_strings_many(void **state)
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
    assert_true(l == GM_COL_STR || l == GM_COL_STR_N || l == GM_COL_DICT || l == GM_COL_DICT_N);
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
    assert_true(l == GM_COL_STR || l == GM_COL_STR_N || l == GM_COL_DICT || l == GM_COL_DICT_N);
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

/* Views: where a backend hands out a column view that aliases its storage (graphmem.h's
** `aliased`), taking it, reading it, iterating every node's out-neighbours and degrees and
** releasing it allocate nothing, counted from before gm_node_column. The phase-4 backend must
** alias: that is what its phase is. t_views_alias_store proves where the arrays point. */
void t_views_allocate_nothing(void **state)
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
        case GM_COL_STR_N:
            owned_(col.packed, (n + 1) * 4, "uint32 offsets", key, line);
            owned_(col.bytes, ((const uint32_t *)col.packed)[n], "bytes", key, line);
            break;
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
void t_views_alias_store(void **state)
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

void t_compact_narrow(void **state)
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

/* Every row of `key` reads back as model[i], and its column view checks out. */
static void rows_expect(gm_graph *g, const char *key, const gm_node *hs, const gm_value *model,
                        size_t n, int line)
{
    fail_line = line;
    for (size_t i = 0; i < n; i++) {
        gm_value v;
        OK(g, gm_node_get(g, hs[i], key, &v));
        ASSERT_VEQ(&v, &model[i]);
    }
    check_column(g, key, line);
}

/* Every backend; on compact: arrays whose items share a type live in list columns (offsets + bytes); reads
** decode them, overwrites shift, a list of another kind turns the column into tagged values, a
** value read from the column can be set back into it (single and batch), views copy. */
void t_compact_lists(void **state)
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
    rows_expect(g, "ls", hs, model, N, __LINE__);
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

/* gm_column_value on hand-made views (no backend): every layout decodes, and a malformed view
** (a width or a code the layout cannot have, an unknown layout) is GM_EINVAL, never a read past
** its arrays; a clear valid bit, an index past len or no valid bitmap is GM_ABSENT. Run once. */
void t_column_value_decoding(void **state)
{
    (void)state;
    const uint8_t valid[1] = { 0x0f };       /* rows 0..3 valid, 4..7 not */
    const int16_t packed16[8] = { -7, 300, 0, 1 };
    const uint16_t codes16[8] = { 1, 0, 2, 0 };
    const uint32_t codes32[8] = { 1, 0, 5, 0 };
    const gm_str dict[2] = { { "a", 1 }, { "bc", 2 } };
    gm_value v;
    gm_column c;
    memset(&c, 0, sizeof c);
    c.layout = GM_COL_INT; c.len = 8; c.valid = valid; c.packed = packed16; c.width = 2;
    assert_int_equal(gm_column_value(NULL, 0, &v), GM_EINVAL);
    assert_int_equal(gm_column_value(&c, 0, NULL), GM_EINVAL);
    assert_int_equal(gm_column_value(&c, 1, &v), GM_OK);
    assert_int_equal(v.type, GM_INT); assert_int_equal(v.as.i, 300);
    assert_int_equal(gm_column_value(&c, 4, &v), GM_ABSENT);     /* valid bit clear */
    assert_int_equal(gm_column_value(&c, 8, &v), GM_ABSENT);     /* past len */
    c.width = 8;                                                 /* GM_COL_INT is 1, 2 or 4 */
    assert_int_equal(gm_column_value(&c, 0, &v), GM_EINVAL);
    c.valid = NULL; c.width = 2;
    assert_int_equal(gm_column_value(&c, 0, &v), GM_ABSENT);     /* no valid bitmap: nothing */
    memset(&c, 0, sizeof c);
    c.layout = GM_COL_DICT_N; c.len = 8; c.valid = valid; c.packed = codes16; c.width = 2;
    c.dict = dict; c.ndict = 2;
    assert_int_equal(gm_column_value(&c, 0, &v), GM_OK);
    assert_int_equal(v.type, GM_STRING); assert_int_equal(v.as.s.len, 2);
    assert_memory_equal(v.as.s.ptr, "bc", 2);
    assert_int_equal(gm_column_value(&c, 2, &v), GM_EINVAL);     /* code 2 of a 2-string dict */
    c.width = 4;                                                 /* GM_COL_DICT_N is 1 or 2 */
    assert_int_equal(gm_column_value(&c, 0, &v), GM_EINVAL);
    memset(&c, 0, sizeof c);
    c.layout = GM_COL_DICT; c.len = 8; c.valid = valid; c.codes = codes32; c.dict = dict; c.ndict = 2;
    assert_int_equal(gm_column_value(&c, 1, &v), GM_OK);
    assert_int_equal(v.as.s.len, 1);
    assert_int_equal(gm_column_value(&c, 2, &v), GM_EINVAL);     /* code 5 */
    const uint32_t off32[9] = { 0, 1, 3, 3, 6 };
    memset(&c, 0, sizeof c);
    c.layout = GM_COL_STR_N; c.len = 8; c.valid = valid; c.packed = off32; c.width = 4; c.bytes = "abcdef";
    assert_int_equal(gm_column_value(&c, 1, &v), GM_OK);
    assert_int_equal(v.type, GM_STRING); assert_int_equal(v.as.s.len, 2);
    assert_memory_equal(v.as.s.ptr, "bc", 2);
    assert_int_equal(gm_column_value(&c, 2, &v), GM_OK);
    assert_int_equal(v.as.s.len, 0);
    assert_int_equal(gm_column_value(&c, 3, &v), GM_OK);
    assert_memory_equal(v.as.s.ptr, "def", 3);
    c.width = 8;                                                 /* GM_COL_STR_N is 4 */
    assert_int_equal(gm_column_value(&c, 0, &v), GM_EINVAL);
    c.layout = GM_COL_EMPTY;
    assert_int_equal(gm_column_value(&c, 0, &v), GM_ABSENT);
    c.layout = (gm_col_layout)99;
    assert_int_equal(gm_column_value(&c, 0, &v), GM_EINVAL);
}

/* Every backend: list<str> values that repeat (a dictionary in compact: one code an item,
** widened past 256 distinct strings), values read from the column set back into it (single
** and batch, their strings borrowed from the dictionary), then so many distinct strings that
** compact drops the dictionary for strings in the rows; every row reads back as the model.
** compact only: while the dictionary holds, the column takes far less than its strings. */
typedef struct col_usage { const char *name; size_t bytes; } col_usage;
static void col_usage_cb(void *ud, const char *component, size_t bytes)
{
    col_usage *u = ud;                        /* "node:k", or compact's "node:k <layout>" */
    size_t n = strlen(u->name);
    if (strncmp(component, u->name, n) == 0 && (component[n] == '\0' || component[n] == ' ')) u->bytes = bytes;
}


void t_compact_list_dict(void **state)
{
    FX;
    enum { N = 400, K = 6 };
    static gm_node hs[N];
    static gm_value items[N][K], model[N];
    static char strs[N][K][24];
    for (int i = 0; i < N; i++) {
        char id[12];
        snprintf(id, sizeof id, "d%d", i);
        hs[i] = add_node(g, id);
        size_t n = (size_t)(i % K);
        for (size_t j = 0; j < n; j++) {
            snprintf(strs[i][j], sizeof strs[i][j], "repeated-value-%d", (int)((i + j) % 5));
            items[i][j] = gm_cstr(strs[i][j]);
        }
        model[i] = varr(items[i], n);
        OK(g, gm_node_set(g, hs[i], "ld", &model[i]));
    }
    rows_expect(g, "ld", hs, model, N, __LINE__);
    if (strcmp(f->backend, "compact") == 0) {
        col_usage u = { "node:ld", 0 };
        OK(g, gm_memory_usage(g, col_usage_cb, &u));
        size_t strbytes = 0;
        for (int i = 0; i < N; i++) strbytes += (size_t)(i % K) * 17;
        if (u.bytes * 2 > strbytes)
            fail_msg("list<str> of 5 distinct strings takes %zu bytes, its strings %zu", u.bytes, strbytes);
    }
    /* a value read from the column (items borrowed from it) set into other rows */
    gm_value v;
    OK(g, gm_node_get(g, hs[5], "ld", &v));
    OK(g, gm_node_set(g, hs[1], "ld", &v));
    model[1] = model[5];
    OK(g, gm_node_get(g, hs[4], "ld", &v));
    gm_node two[2] = { hs[2], hs[3] };
    gm_value vv[2] = { v, v };
    OK(g, gm_node_set_batch(g, "ld", two, vv, 2));
    model[2] = model[3] = model[4];
    rows_expect(g, "ld", hs, model, N, __LINE__);
    /* 300 more distinct strings in long rows: still under half the items (2-byte codes) */
    for (int i = 0; i < 60; i++) {
        for (size_t j = 0; j < 5; j++) {
            snprintf(strs[i][j], sizeof strs[i][j], "w%d", (int)(i * 5 + (int)j));
            items[i][j] = gm_cstr(strs[i][j]);
        }
        model[i] = varr(items[i], 5);
        OK(g, gm_node_set(g, hs[i], "ld", &model[i]));
    }
    rows_expect(g, "ld", hs, model, N, __LINE__);
    /* a value borrowed from the column, its strings now past code 256 */
    OK(g, gm_node_get(g, hs[59], "ld", &v));
    OK(g, gm_node_set(g, hs[399], "ld", &v));
    model[399] = model[59];
    rows_expect(g, "ld", hs, model, N, __LINE__);
    /* mostly distinct from here: compact turns to strings in the rows; nothing is lost */
    for (int i = 60; i < N; i++) {
        size_t n = (size_t)(i % K);
        for (size_t j = 0; j < n; j++) {
            snprintf(strs[i][j], sizeof strs[i][j], "unique-%d-%d", i, (int)j);
            items[i][j] = gm_cstr(strs[i][j]);
        }
        model[i] = varr(items[i], n);
        OK(g, gm_node_set(g, hs[i], "ld", &model[i]));
    }
    rows_expect(g, "ld", hs, model, N, __LINE__);
    OK(g, gm_node_get(g, hs[61], "ld", &v));
    OK(g, gm_node_set(g, hs[0], "ld", &v));
    model[0] = model[61];
    OK(g, gm_node_unset(g, hs[7], "ld"));
    gm_value none;
    EXPECT(g, gm_node_get(g, hs[7], "ld", &none), GM_ABSENT);
    model[7] = model[6];
    OK(g, gm_node_set(g, hs[7], "ld", &model[7]));
    rows_expect(g, "ld", hs, model, N, __LINE__);
}

/* Every backend: list<int> items past INT32_MAX but below 2^32 with nothing negative (Unix
** times): compact keeps them at 4 bytes as uint32, re-encoding 1-byte items once; a negative
** item then takes the column to 8 bytes, and an int32 column meeting 3e9 with no negative
** item turns uint32 in place. Every row reads back as the model after each step.
** compact only: the uint32 column takes about 4 bytes an item, not 8. */

void t_compact_list_uint32(void **state)
{
    FX;
    enum { N = 300 };
    static gm_node hs[N];
    static gm_value items[N][3], model[N], items2[N][1], model2[N];
    for (int i = 0; i < N; i++) {
        char id[12];
        snprintf(id, sizeof id, "u%d", i);
        hs[i] = add_node(g, id);
        items[i][0] = gm_int(i % 100);                              /* 1 byte to start */
        model[i] = varr(items[i], 1);
        OK(g, gm_node_set(g, hs[i], "t", &model[i]));
        items2[i][0] = gm_int(2000000000 + i);                      /* int32 */
        model2[i] = varr(items2[i], 1);
        OK(g, gm_node_set(g, hs[i], "t2", &model2[i]));
    }
    rows_expect(g, "t", hs, model, N, __LINE__);
    for (int i = 0; i < N; i++) {                                   /* Unix times past 2^31 */
        items[i][0] = gm_int(4029723038LL - i);
        items[i][1] = gm_int(i);
        items[i][2] = gm_int((int64_t)UINT32_MAX);
        model[i] = varr(items[i], 3);
        OK(g, gm_node_set(g, hs[i], "t", &model[i]));
        if (i == 0) rows_expect(g, "t", hs, model, N, __LINE__);
    }
    rows_expect(g, "t", hs, model, N, __LINE__);
    if (strcmp(f->backend, "compact") == 0) {
        col_usage u = { "node:t", 0 };
        OK(g, gm_memory_usage(g, col_usage_cb, &u));
        if (u.bytes > (size_t)N * 3 * 4 + (size_t)(N + 1) * 4 + 1024)   /* items, offsets, the rest */
            fail_msg("%d rows of 3 items below 2^32 take %zu bytes: not 4 bytes an item", N, u.bytes);
    }
    /* int32 -> uint32 in place: nothing negative */
    items2[7][0] = gm_int(3000000000LL);
    OK(g, gm_node_set(g, hs[7], "t2", &model2[7]));
    rows_expect(g, "t2", hs, model2, N, __LINE__);
    /* a negative item: 8 bytes, every value kept; then 2^32 itself */
    items[5][1] = gm_int(-1);
    OK(g, gm_node_set(g, hs[5], "t", &model[5]));
    rows_expect(g, "t", hs, model, N, __LINE__);
    items2[9][0] = gm_int(4294967296LL);
    OK(g, gm_node_set(g, hs[9], "t2", &model2[9]));
    rows_expect(g, "t2", hs, model2, N, __LINE__);
    items2[10][0] = gm_int(-2);
    OK(g, gm_node_set(g, hs[10], "t2", &model2[10]));
    rows_expect(g, "t2", hs, model2, N, __LINE__);
}

/* Every row of `key`: absent where pres[i] is false, model[i] otherwise; the column view agrees,
** and every filter on the column matches the reference semantics row by row. */
static void nulls_expect(gm_graph *g, const char *key, const gm_node *hs, const gm_value *model,
                         const bool *pres, size_t n, const gm_value *consts, size_t nconst, int line)
{
    fail_line = line;
    for (size_t i = 0; i < n; i++) {
        if (hs[i] != (gm_node)i) fail_msg("line %d: handles must be 0 .. n-1", line);
        if (!pres[i]) {
            gm_value v;
            if (gm_node_get(g, hs[i], key, &v) != GM_ENOTFOUND) expect_node_absent_(g, hs[i], key, line);
            continue;
        }
        gm_value v;
        OK(g, gm_node_get(g, hs[i], key, &v));
        ASSERT_VEQ(&v, &model[i]);
    }
    check_column(g, key, line);
    static const gm_op ops[] = { GM_EQ, GM_NE, GM_LT, GM_GE };
    for (size_t c = 0; c < nconst; c++)
        for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++) {
            gm_pred p = { key, ops[o], consts[c] };
            gm_list out = { 0 };
            OK(g, gm_filter(g, &p, 1, &out));
            size_t want = 0;
            for (size_t i = 0; i < n; i++) want += pres[i] && ref_match(&model[i], ops[o], &consts[c]);
            if (out.len != want)
                fail_msg("line %d: filter '%s' op %d const %zu: %zu matches, expected %zu", line, key,
                         (int)ops[o], c, out.len, want);
            for (size_t j = 0; j < out.len; j++)
                if (!pres[out.items[j]] || !ref_match(&model[out.items[j]], ops[o], &consts[c]))
                    fail_msg("line %d: filter '%s' matched node %u", line, key, (unsigned)out.items[j]);
            gm_list_free(&out);
        }
}

/* Every backend; on compact: a typed column keeps its layout when some rows hold null (one
** `nulls` bitmap; the view is then decoded), a column that starts with nulls takes the type of
** its first value, nulls and values overwrite each other both ways (single and batch), unset
** and removal clear them, and a null column costs bits, not tagged values. */
void t_typed_nulls(void **state)
{
    FX;
    enum { N = 200, K = 6 };
    static const char *keys[K] = { "s", "b", "i", "f", "l", "n" };
    static gm_node hs[N];
    static gm_value model[K][N], items[N][2];
    static bool pres[K][N];
    static const char *words[4] = { "alpha", "beta", "gamma", "delta" };
    for (int i = 0; i < N; i++) {
        char id[12];
        snprintf(id, sizeof id, "z%d", i);
        hs[i] = add_node(g, id);
        items[i][0] = gm_int(i);
        items[i][1] = gm_int(-i);
        bool isnull = i % 7 == 0, absent = i % 11 == 5;   /* row 0 is null: a column starts with null */
        for (int k = 0; k < K; k++) {
            gm_value v = k == 0 ? gm_cstr(words[i % 4]) : k == 1 ? gm_bool(i % 3 == 0) :
                         k == 2 ? gm_int(i * 1000) : k == 3 ? gm_double(i + 0.5) :
                         k == 4 ? varr(items[i], (size_t)(i % 3)) : gm_null();
            if (isnull) v = gm_null();
            pres[k][i] = !absent;
            model[k][i] = v;
            if (!absent) OK(g, gm_node_set(g, hs[i], keys[k], &v));
        }
    }
    const gm_value consts[] = { gm_null(), gm_cstr("beta"), gm_bool(true), gm_int(50000), gm_double(99.5) };
    const size_t nc = sizeof consts / sizeof consts[0];
    for (int k = 0; k < K; k++) nulls_expect(g, keys[k], hs, model[k], pres[k], N, consts, nc, __LINE__);
    if (strcmp(f->backend, "compact") == 0) {
        col_usage u = { "node:s", 0 };
        OK(g, gm_memory_usage(g, col_usage_cb, &u));
        if (u.bytes == 0 || u.bytes > (size_t)N * 2 + 512)       /* codes + 2 bitmaps + 4 words */
            fail_msg("%d rows of 4 strings and nulls take %zu bytes: not a dictionary column", N, u.bytes);
        u.name = "node:n";
        OK(g, gm_memory_usage(g, col_usage_cb, &u));
        if (u.bytes > (size_t)N / 4 + 64)                         /* 2 bitmaps and the name */
            fail_msg("%d nulls take %zu bytes: not bits", N, u.bytes);
    }
    /* overwrites both ways, unset of a null, a batch mixing nulls and values */
    for (int k = 0; k < K; k++) {
        gm_value nul = gm_null();
        OK(g, gm_node_set(g, hs[1], keys[k], &nul));
        model[k][1] = nul;
        pres[k][1] = true;
        gm_value v = model[k][3];
        OK(g, gm_node_set(g, hs[7], keys[k], &v));
        model[k][7] = v;
        OK(g, gm_node_unset(g, hs[14], keys[k]));
        pres[k][14] = false;
        gm_node bh[3] = { hs[21], hs[2], hs[4] };
        gm_value bv[3] = { model[k][3], gm_null(), model[k][3] };
        OK(g, gm_node_set_batch(g, keys[k], bh, bv, 3));
        model[k][21] = bv[0];
        model[k][2] = bv[1];
        model[k][4] = bv[2];
        pres[k][21] = pres[k][2] = pres[k][4] = true;
        nulls_expect(g, keys[k], hs, model[k], pres[k], N, consts, nc, __LINE__);
    }
    /* a uniform typed batch over null rows clears their nulls */
    {
        static gm_value bv[N];
        for (int i = 0; i < N; i++) { bv[i] = gm_int(i - 100); model[2][i] = bv[i]; pres[2][i] = true; }
        OK(g, gm_node_set_batch(g, "i", hs, bv, N));
        nulls_expect(g, "i", hs, model[2], pres[2], N, consts, nc, __LINE__);
    }
    /* removed nodes take their nulls with them; the handles' rows are absent */
    OK(g, gm_node_remove(g, hs[0]));
    OK(g, gm_node_remove(g, hs[28]));
    for (int k = 0; k < K; k++) {
        gm_value v;
        EXPECT(g, gm_node_get(g, hs[0], keys[k], &v), GM_ENOTFOUND);
        check_column(g, keys[k], __LINE__);
    }
    /* a value of another type into a column with nulls: tagged values, nulls kept */
    gm_value other = gm_cstr("not a bool");
    OK(g, gm_node_set(g, hs[3], "b", &other));
    model[1][3] = other;
    pres[1][0] = pres[1][28] = false;                 /* removed: gm_node_get says ENOTFOUND */
    nulls_expect(g, "b", hs, model[1], pres[1], N, consts, nc, __LINE__);
    /* a column of nulls meeting a truly mixed value (tagged values): the nulls stay nulls
    ** (the fuzzer's find: they were once left as rows with no value behind them) */
    static gm_value nm[N], mixed[2];
    static bool np[N];
    mixed[0] = gm_int(1);
    mixed[1] = gm_cstr("one");
    for (int i = 0; i < N; i++) {
        np[i] = i != 0 && i != 28 && i < 20;
        nm[i] = i == 12 ? varr(mixed, 2) : gm_null();
        if (np[i]) OK(g, gm_node_set(g, hs[i], "nv", &nm[i]));
    }
    nulls_expect(g, "nv", hs, nm, np, N, consts, nc, __LINE__);
}

/* Every backend; on compact: ints and doubles in one column stay one 8-byte double column with
** the int rows marked (each reads back as the int it was), whichever comes first, nulls among
** them; an int a double cannot hold exactly turns the column into tagged values, all kept. */
void t_int_double_column(void **state)
{
    FX;
    enum { N = 120, K = 3 };
    static const char *keys[K] = { "id", "di", "big" };
    static gm_node hs[N];
    static gm_value model[K][N];
    static bool pres[K][N];
    for (int i = 0; i < N; i++) {
        char id[12];
        snprintf(id, sizeof id, "q%d", i);
        hs[i] = add_node(g, id);
        for (int k = 0; k < K; k++) {
            bool introw = k == 1 ? i >= N / 2 : i < N / 2;   /* "di": doubles first */
            gm_value v = introw ? gm_int(k == 2 && i == 3 ? INT64_C(1) << 53 : i * 3 - 50)
                                : gm_double(i == 70 ? -0.0 : i * 0.25 - 7);
            if (i % 13 == 4) v = gm_null();
            pres[k][i] = i % 17 != 9;
            model[k][i] = v;
            if (pres[k][i]) OK(g, gm_node_set(g, hs[i], keys[k], &v));
        }
    }
    const gm_value consts[] = { gm_null(), gm_int(10), gm_double(10.0), gm_double(-0.0), gm_int(INT64_MAX) };
    const size_t nc = sizeof consts / sizeof consts[0];
    for (int k = 0; k < K; k++) nulls_expect(g, keys[k], hs, model[k], pres[k], N, consts, nc, __LINE__);
    if (strcmp(f->backend, "compact") == 0) {
        col_usage u = { "node:id", 0 };
        OK(g, gm_memory_usage(g, col_usage_cb, &u));
        if (u.bytes == 0 || u.bytes > (size_t)N * 12)   /* doubles + slack + 3 bitmaps; tagged: 16 a row */
            fail_msg("%d ints and doubles take %zu bytes: not one double column", N, u.bytes);
    }
    /* overwrites: a double over an int row, an int over a double row, a batch of both */
    for (int k = 0; k < K; k++) {
        gm_value a = gm_double(1.5), b = gm_int(-7);
        OK(g, gm_node_set(g, hs[0], keys[k], &a));
        OK(g, gm_node_set(g, hs[100], keys[k], &b));
        model[k][0] = a;
        model[k][100] = b;
        pres[k][0] = pres[k][100] = true;
        gm_node bh[2] = { hs[1], hs[99] };
        gm_value bv[2] = { gm_double(2.5), gm_int(42) };
        OK(g, gm_node_set_batch(g, keys[k], bh, bv, 2));
        model[k][1] = bv[0];
        model[k][99] = bv[1];
        pres[k][1] = pres[k][99] = true;
        nulls_expect(g, keys[k], hs, model[k], pres[k], N, consts, nc, __LINE__);
    }
    /* an int past 2^53 among doubles: tagged values, every row kept */
    gm_value huge = gm_int(INT64_MAX);
    OK(g, gm_node_set(g, hs[80], "id", &huge));
    model[0][80] = huge;
    pres[0][80] = true;
    nulls_expect(g, "id", hs, model[0], pres[0], N, consts, nc, __LINE__);
}

/* Every backend; on compact: objects of one key set are a struct column (a child column per
** member, nested objects as nested structs, arrays inside as tagged values), read back whole,
** with nulls and absent rows; an object read from the column set back into it (single and
** batch); another key order, another member type or a too-deep object makes the column tagged
** values with every row kept; removal and unset clear the members. */
void t_struct_columns(void **state)
{
    FX;
    enum { N = 150 };
    static gm_node hs[N];
    static gm_value model[N], vals[N][4], geo[N][2], deep[N][1], tags[N][2];
    static bool pres[N];
    static char cities[N][16];
    static gm_str keys[4] = { { "city", 4 }, { "zip", 3 }, { "geo", 3 }, { "tags", 4 } };
    static gm_str gkeys[2] = { { "lat", 3 }, { "lon", 3 } }, dkey[1] = { { "d", 1 } };
    for (int i = 0; i < N; i++) {
        char id[12];
        snprintf(id, sizeof id, "o%d", i);
        hs[i] = add_node(g, id);
        snprintf(cities[i], sizeof cities[i], "city-%d", i % 5);
        vals[i][0] = i % 9 == 2 ? gm_null() : gm_cstr(cities[i]);
        vals[i][1] = gm_int(1000 + i * 700);                       /* widens past int16 */
        geo[i][0] = gm_double(i * 0.25);
        geo[i][1] = i % 4 == 1 ? gm_int(i) : gm_double(-i * 0.5);
        vals[i][2] = i % 6 == 5 ? gm_null() : vobj(gkeys, geo[i], 2);
        tags[i][0] = gm_cstr(cities[i]);
        tags[i][1] = gm_int(i);
        vals[i][3] = varr(tags[i], (size_t)(i % 3));
        model[i] = i % 10 == 7 ? gm_null() : vobj(keys, vals[i], 4);
        pres[i] = i % 13 != 4;
        if (pres[i]) OK(g, gm_node_set(g, hs[i], "addr", &model[i]));
    }
    const gm_value consts[] = { gm_null(), gm_int(3), gm_cstr("city-1") };
    const size_t nc = sizeof consts / sizeof consts[0];
    nulls_expect(g, "addr", hs, model, pres, N, consts, nc, __LINE__);
    if (strcmp(f->backend, "compact") == 0) {
        col_usage u = { "node:addr", 0 };
        OK(g, gm_memory_usage(g, col_usage_cb, &u));
        /* members: 1-byte codes, 4-byte ints, 2 doubles, tagged tags (16 B + payload), bitmaps;
        ** the whole object as tagged values takes far more (4 members + 2 nested, 16 B each) */
        if (u.bytes == 0 || u.bytes > (size_t)N * 120)
            fail_msg("%d objects of one key set take %zu bytes: not a struct column", N, u.bytes);
    }
    /* a row's value read back and set into another row, alone and by batch; then over itself */
    gm_value v;
    OK(g, gm_node_get(g, hs[3], "addr", &v));
    OK(g, gm_node_set(g, hs[4], "addr", &v));
    model[4] = model[3];
    pres[4] = true;
    OK(g, gm_node_get(g, hs[8], "addr", &v));
    gm_node bh[2] = { hs[9], hs[8] };
    gm_value bv[2] = { v, v };
    OK(g, gm_node_set_batch(g, "addr", bh, bv, 2));
    model[9] = model[8];
    nulls_expect(g, "addr", hs, model, pres, N, consts, nc, __LINE__);
    /* members change: a new string, a null member, an int past 2^53 into the doubles */
    vals[20][0] = gm_cstr("a brand new city name");
    geo[20][0] = gm_int(INT64_C(1) << 60);
    vals[20][2] = vobj(gkeys, geo[20], 2);
    OK(g, gm_node_set(g, hs[20], "addr", &model[20]));
    OK(g, gm_node_unset(g, hs[21], "addr"));
    pres[21] = false;
    OK(g, gm_node_remove(g, hs[22]));
    pres[22] = false;
    nulls_expect(g, "addr", hs, model, pres, N, consts, nc, __LINE__);
    /* another key order: tagged values, every row kept */
    static gm_str rkeys[4] = { { "zip", 3 }, { "city", 4 }, { "geo", 3 }, { "tags", 4 } };
    static gm_value rvals[4];
    rvals[0] = vals[30][1];
    rvals[1] = vals[30][0];
    rvals[2] = vals[30][2];
    rvals[3] = vals[30][3];
    model[30] = vobj(rkeys, rvals, 4);
    pres[30] = true;
    OK(g, gm_node_set(g, hs[30], "addr", &model[30]));
    nulls_expect(g, "addr", hs, model, pres, N, consts, nc, __LINE__);
    /* a second column: a member whose type changes, then objects nested past the depth limit */
    for (int i = 0; i < N; i++) {
        if (i == 22) continue;
        gm_value m = vobj(keys, vals[i], 4);
        OK(g, gm_node_set(g, hs[i], "b", &m));
    }
    vals[40][1] = gm_cstr("zip as a string");
    OK(g, gm_node_set(g, hs[40], "b", &(gm_value){ GM_OBJECT, { .o = { keys, vals[40], 4 } } }));
    static gm_value lvl[6];
    lvl[5] = gm_int(5);
    for (int d = 4; d >= 0; d--) { deep[d][0] = lvl[d + 1]; lvl[d] = vobj(dkey, deep[d], 1); }
    OK(g, gm_node_set(g, hs[0], "deep", &lvl[0]));
    OK(g, gm_node_set(g, hs[1], "deep", &lvl[0]));
    for (int i = 0; i < N; i++) {
        if (i == 22) continue;
        gm_value want = vobj(keys, vals[i], 4), got;
        OK(g, gm_node_get(g, hs[i], "b", &got));
        fail_line = __LINE__;
        ASSERT_VEQ(&got, &want);
    }
    CHECK_COLUMN(g, "b");
    OK(g, gm_node_get(g, hs[1], "deep", &v));
    ASSERT_VEQ(&v, &lvl[0]);
    CHECK_COLUMN(g, "deep");
}

/* Every backend; on compact: a node column with a value on every live node after a batch keeps
** no validity bitmap (it aliases the alive bitmap); a node added after it, an unset and a
** removal each read back right, the view's valid bits included, and a covering batch makes the
** column full again. */
void t_columns_full(void **state)
{
    FX;
    enum { N = 400 };
    static gm_node hs[N + 1];
    static gm_value model[N + 1];
    static bool pres[N + 1];
    for (int i = 0; i < N; i++) {
        char id[12];
        snprintf(id, sizeof id, "f%d", i);
        hs[i] = add_node(g, id);
        model[i] = gm_int(i % 7);
        pres[i] = true;
    }
    OK(g, gm_node_set_batch(g, "x", hs, model, N));
    const gm_value consts[] = { gm_int(3) };
    nulls_expect(g, "x", hs, model, pres, N, consts, 1, __LINE__);
    size_t full_bytes = 0;
    if (strcmp(f->backend, "compact") == 0) {
        col_usage u = { "node:x", 0 };
        OK(g, gm_memory_usage(g, col_usage_cb, &u));
        full_bytes = u.bytes;
        if (u.bytes > (size_t)N + 64)               /* int8 values + slack; no N/8-byte bitmap */
            fail_msg("a full column of %d int8 takes %zu bytes", N, u.bytes);
    }
    /* a removal, then a node added after: it lacks the value */
    OK(g, gm_node_remove(g, hs[5]));
    pres[5] = false;
    hs[N] = add_node(g, "late");
    pres[N] = false;
    nulls_expect(g, "x", hs, model, pres, N + 1, consts, 1, __LINE__);
    if (strcmp(f->backend, "compact") == 0) {
        col_usage u = { "node:x", 0 };
        OK(g, gm_memory_usage(g, col_usage_cb, &u));
        if (u.bytes < full_bytes + N / 8)
            fail_msg("after a node add the column holds %zu bytes: no bitmap of its own", u.bytes);
    }
    /* full again by a covering batch (the removed node excluded), then an unset */
    static gm_node live[N];
    static gm_value lv[N];
    size_t nl = 0;
    for (int i = 0; i <= N; i++)
        if (i != 5) { live[nl] = hs[i]; lv[nl] = gm_int(i); model[i] = lv[nl]; pres[i] = true; nl++; }
    OK(g, gm_node_set_batch(g, "x", live, lv, nl));
    pres[5] = false;
    nulls_expect(g, "x", hs, model, pres, N + 1, consts, 1, __LINE__);
    OK(g, gm_node_unset(g, hs[9], "x"));
    pres[9] = false;
    EXPECT(g, gm_node_unset(g, hs[9], "x"), GM_ABSENT);
    nulls_expect(g, "x", hs, model, pres, N + 1, consts, 1, __LINE__);
    /* a string column full by a batch, then every node removed one by one */
    static gm_value sv[N];
    for (size_t i = 0; i < nl; i++) sv[i] = gm_cstr(i % 2 ? "odd" : "even");
    OK(g, gm_node_set_batch(g, "s", live, sv, nl));
    for (size_t i = 0; i < nl; i += 3) OK(g, gm_node_remove(g, live[i]));
    CHECK_COLUMN(g, "s");
    CHECK_COLUMN(g, "x");
}

/* Every backend; on compact: an int column holding one value everywhere (single sets or a
** batch) keeps no array at all; its view is decoded, filters see the value; a second value
** gives it an array at the width both need, every row kept; a double into it makes one
** f64 column (the ints marked) or, for an int no double holds, tagged values. */
void t_int_constant_column(void **state)
{
    FX;
    enum { N = 300 };
    static gm_node hs[N];
    static gm_value mx[N], my[N], mz[N];
    static bool pres[N];
    for (int i = 0; i < N; i++) {
        char id[12];
        snprintf(id, sizeof id, "c%d", i);
        hs[i] = add_node(g, id);
        mx[i] = gm_int(INT64_MAX);
        pres[i] = i % 10 != 3;
        if (pres[i]) OK(g, gm_node_set(g, hs[i], "x", &mx[i]));
        my[i] = gm_int(7);
        mz[i] = gm_int(INT64_C(1) << 60);
    }
    OK(g, gm_node_set_batch(g, "y", hs, my, N));
    OK(g, gm_node_set_batch(g, "z", hs, mz, N));
    bool all[N];
    for (int i = 0; i < N; i++) all[i] = true;
    const gm_value consts[] = { gm_int(7), gm_int(INT64_MAX), gm_double(7.0) };
    nulls_expect(g, "x", hs, mx, pres, N, consts, 3, __LINE__);
    nulls_expect(g, "y", hs, my, all, N, consts, 3, __LINE__);
    if (strcmp(f->backend, "compact") == 0) {
        col_usage u = { "node:x", 0 };
        OK(g, gm_memory_usage(g, col_usage_cb, &u));
        if (u.bytes > (size_t)N / 8 + 64)           /* the bitmap and the name: no array */
            fail_msg("a column of %d equal ints takes %zu bytes", N, u.bytes);
        u.name = "node:y";
        OK(g, gm_memory_usage(g, col_usage_cb, &u));
        if (u.bytes > 64)                            /* full and constant: the name */
            fail_msg("a full column of %d equal ints takes %zu bytes", N, u.bytes);
    }
    /* the same value again changes nothing; a second value: an array, every row kept */
    OK(g, gm_node_set_batch(g, "y", hs, my, N / 2));
    my[17] = gm_int(-3);
    OK(g, gm_node_set(g, hs[17], "y", &my[17]));
    mx[40] = gm_int(0);
    OK(g, gm_node_set(g, hs[40], "x", &mx[40]));
    nulls_expect(g, "x", hs, mx, pres, N, consts, 3, __LINE__);
    nulls_expect(g, "y", hs, my, all, N, consts, 3, __LINE__);
    /* a double into a constant column: f64 with the ints marked (7), tagged values (2^60) */
    gm_value d = gm_double(0.5);
    my[3] = d;
    OK(g, gm_node_set(g, hs[3], "y", &d));
    mz[3] = d;
    OK(g, gm_node_set(g, hs[3], "z", &d));
    nulls_expect(g, "y", hs, my, all, N, consts, 3, __LINE__);
    nulls_expect(g, "z", hs, mz, all, N, consts, 3, __LINE__);
    /* a batch of several values into a fresh column: not constant; removal keeps the rest */
    static gm_value mw[N];
    for (int i = 0; i < N; i++) mw[i] = gm_int(i % 2);
    OK(g, gm_node_set_batch(g, "w", hs, mw, N));
    OK(g, gm_node_remove(g, hs[8]));
    pres[8] = all[8] = false;
    nulls_expect(g, "w", hs, mw, all, N, consts, 3, __LINE__);
    nulls_expect(g, "x", hs, mx, pres, N, consts, 3, __LINE__);
}

/* compact's "node:KEY <layout>" component for KEY (its layout in name, NUL if none named). */
typedef struct col_layout { const char *key; char name[96]; size_t bytes; bool seen; } col_layout;
static void col_layout_cb(void *ud, const char *component, size_t bytes)
{
    col_layout *u = ud;
    size_t n = strlen(u->key);
    if (strncmp(component, u->key, n) != 0 || (component[n] != '\0' && component[n] != ' ')) return;
    snprintf(u->name, sizeof u->name, "%s", component[n] ? component + n + 1 : "");
    u->bytes = bytes;
    u->seen = true;
}
static col_layout layout_of(gm_graph *g, const char *key)
{
    col_layout u = { key, "", 0, false };
    OK(g, gm_memory_usage(g, col_layout_cb, &u));
    if (!u.seen) fail_msg("no usage component for %s", key);
    return u;
}
#define EXPECT_LAYOUT(g, key, want)                                                           \
    do {                                                                                      \
        col_layout u_ = layout_of(g, key);                                                    \
        if (strcmp(u_.name, want) != 0) fail_msg("line %d: %s is '%s', not '%s'", __LINE__,   \
                                                 key, u_.name, want);                         \
    } while (0)

/* Every backend; on compact: lists of one length (positions, pairs) take the fixed layout, no
** offsets (built one row at a time and in a batch), overwritten in place; item widenings (ints
** 1 -> 4 -> 8 bytes, dictionary codes 1 -> 2 bytes) rewrite the rows in it; a row of another
** length (every allocation of that set failed in turn first: nothing changes), an empty list, or
** strings that drop the dictionary turn the column to offsets, once. A value set far past the
** other rows does not fill the gap with dead rows. Every row reads back after each step.
** compact only: the fixed column takes its items' bytes, and its layout says [length]. */
void t_compact_list_fixed(void **state)
{
    FX;
    enum { N = 300 };
    static gm_node hs[N];
    static gm_value pi[N][2], pm[N], bi[N][2], bm[N], ii[N][3], im[N], si[N][4], sm[N];
    static char strs[N][24];
    bool compact = strcmp(f->backend, "compact") == 0;
    for (int i = 0; i < N; i++) {
        char id[12];
        snprintf(id, sizeof id, "f%d", i);
        hs[i] = add_node(g, id);
        pi[i][0] = gm_double(i * 0.5);
        pi[i][1] = gm_double(-i);
        pm[i] = varr(pi[i], 2);
        OK(g, gm_node_set(g, hs[i], "pos", &pm[i]));
        bi[i][0] = pi[i][0];
        bi[i][1] = pi[i][1];
        bm[i] = varr(bi[i], 2);
        ii[i][0] = gm_int(i % 50);
        ii[i][1] = gm_int(-(i % 7));
        ii[i][2] = gm_int(i % 3);
        im[i] = varr(ii[i], 3);
        OK(g, gm_node_set(g, hs[i], "ints", &im[i]));
        snprintf(strs[i], sizeof strs[i], "a%d", i % 270);   /* 273 distinct of 1,200 items */
        si[i][0] = gm_cstr(strs[i]);
        si[i][1] = gm_cstr("z");
        si[i][2] = gm_cstr("y");
        si[i][3] = gm_cstr("x");
        sm[i] = varr(si[i], 4);
        OK(g, gm_node_set(g, hs[i], "strs", &sm[i]));
    }
    rows_expect(g, "pos", hs, pm, N, __LINE__);
    rows_expect(g, "ints", hs, im, N, __LINE__);
    rows_expect(g, "strs", hs, sm, N, __LINE__);
    OK(g, gm_node_set_batch(g, "bpos", hs, bm, N));
    rows_expect(g, "bpos", hs, bm, N, __LINE__);
    if (compact) {
        EXPECT_LAYOUT(g, "node:pos", "list<f64>[2]");
        EXPECT_LAYOUT(g, "node:bpos", "list<f64>[2]");
        EXPECT_LAYOUT(g, "node:ints", "list<int8>[3]");
        EXPECT_LAYOUT(g, "node:strs", "list<dict<u16>>[4]");
        /* the items' 16 bytes a row, growth slack (1/16) and the decoding scratch: no offsets */
        size_t b = layout_of(g, "node:pos").bytes, items = (size_t)N * 16;
        if (b < items || b > items + items / 16 + 2 * sizeof(gm_value) + 64)
            fail_msg("fixed list<f64>[2] of %d rows takes %zu bytes, its items %zu", N, b, items);
    }
    /* overwritten in place; ints widened in the fixed layout (1 -> 4 -> 8 bytes) */
    pi[5][0] = gm_double(1e300);
    OK(g, gm_node_set(g, hs[5], "pos", &pm[5]));
    ii[7][0] = gm_int(100000);
    OK(g, gm_node_set(g, hs[7], "ints", &im[7]));
    rows_expect(g, "ints", hs, im, N, __LINE__);
    if (compact) EXPECT_LAYOUT(g, "node:ints", "list<int32>[3]");
    ii[9][2] = gm_int(INT64_MIN);
    OK(g, gm_node_set(g, hs[9], "ints", &im[9]));
    rows_expect(g, "ints", hs, im, N, __LINE__);
    rows_expect(g, "pos", hs, pm, N, __LINE__);
    if (compact) EXPECT_LAYOUT(g, "node:ints", "list<int64>[3]");
    /* a row of another length: every allocation failed in turn changes nothing */
    static gm_value three[3];
    three[0] = gm_double(1.5); three[1] = gm_double(2.5); three[2] = gm_double(-3.5);
    gm_value tv = varr(three, 3);
    for (long i = 0;; i++) {
        gm_mem_fail_after(i);
        gm_status st = gm_node_set(g, hs[11], "pos", &tv);
        gm_mem_fail_after(-1);
        if (st == GM_OK) break;
        assert_int_equal(st, GM_ENOMEM);
        rows_expect(g, "pos", hs, pm, N, __LINE__);
    }
    pm[11] = tv;
    rows_expect(g, "pos", hs, pm, N, __LINE__);
    if (compact) EXPECT_LAYOUT(g, "node:pos", "list<f64>");
    im[3] = varr(NULL, 0);                    /* an empty list: offsets too */
    OK(g, gm_node_set(g, hs[3], "ints", &im[3]));
    rows_expect(g, "ints", hs, im, N, __LINE__);
    if (compact) EXPECT_LAYOUT(g, "node:ints", "list<int64>");
    /* mostly distinct strings: the dictionary goes, the rows hold the strings (offsets) */
    static char fresh[N][3][24];
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < 3; j++) {
            snprintf(fresh[i][j], sizeof fresh[i][j], "fresh-%d-%d", i, j);
            si[i][j + 1] = gm_cstr(fresh[i][j]);
        }
        OK(g, gm_node_set(g, hs[i], "strs", &sm[i]));
    }
    rows_expect(g, "strs", hs, sm, N, __LINE__);
    if (compact) EXPECT_LAYOUT(g, "node:strs", "list<str>");
    /* one value far past the other rows of a new column: no dead rows before it */
    gm_value far = varr(pi[0], 2);
    OK(g, gm_node_set(g, hs[N - 1], "far", &far));
    OK(g, gm_node_set(g, hs[N - 2], "far", &far));
    for (int i = 0; i < N - 2; i++) expect_node_absent(g, hs[i], "far");
    gm_value v;
    OK(g, gm_node_get(g, hs[N - 1], "far", &v));
    ASSERT_VEQ(&v, &far);
    OK(g, gm_node_get(g, hs[N - 2], "far", &v));
    ASSERT_VEQ(&v, &far);
    CHECK_COLUMN(g, "far");
    if (compact && layout_of(g, "node:far").bytes > (size_t)N * 4 + 256)
        fail_msg("2 rows of 2 doubles at rows %d, %d take %zu bytes", N - 2, N - 1, layout_of(g, "node:far").bytes);
    /* removed and unset rows: the others read back */
    OK(g, gm_node_remove(g, hs[20]));
    OK(g, gm_node_unset(g, hs[21], "bpos"));
    expect_node_absent(g, hs[21], "bpos");
    for (int i = 0; i < N; i++) {
        if (i == 20 || i == 21) continue;
        OK(g, gm_node_get(g, hs[i], "bpos", &v));
        ASSERT_VEQ(&v, &bm[i]);
    }
    CHECK_COLUMN(g, "bpos");
}
