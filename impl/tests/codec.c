/*
** codec.c: the value API and the JSON codec.
** Part of the conformance suite (impl/tests/README.md); moved verbatim from conformance.c.
*/
#include "fixture.h"

void t_value_api(void **state)
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

void t_json_codec(void **state)
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
void t_json_codec_oom(void **state)
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

void t_node_set_json(void **state)
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
