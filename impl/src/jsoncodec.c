/*
** jsoncodec.c: the JSON codec, gm_value <-> text through cJSON (the library phase 0 really used).
**
** cJSON does the parsing and printing; this file adds what cJSON cannot do for our values:
**  - exact int64: cJSON keeps numbers only as double, so the number tokens of the text are
**    re-read here. cJSON children are in document order, so a depth-first walk of the tree meets
**    number nodes in the same order as a left-to-right scan meets number tokens outside strings;
**  - strictness: cJSON accepts "01", "1.", "1.e5", any byte <= 32 as whitespace and raw control
**    characters inside strings; those are rejected here so "valid" means RFC 8259 JSON;
**  - "\u0000", which cJSON would silently truncate a string at, gives GM_EINVAL;
**  - exact doubles out: the shortest of %.15g/%.16g/%.17g that reads back bit for bit, with
**    ".0" appended when it would otherwise read back as an int.
** Limits inherited from cJSON 1.7.15: nesting deeper than 1000 and number tokens longer than 63
** characters are rejected as GM_EJSON.
** All cJSON memory goes through the allocator of the current call (jsoncodec.h: the counting
** allocator for the library, malloc for the harness): cJSON's hooks are process-global plain
** function pointers without context, so they are trampolines to gm_json_cur, which every
** parse/print sets on entry (a cJSON tree never outlives its call, so it is freed by the allocator
** that made it). The hook also records allocation failure, because cJSON reports an
** out-of-memory parse the same way as a syntax error (NULL).
*/
#include "jsoncodec.h"

#include <cjson/cJSON.h>

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local bool gm_json_oom;
static _Thread_local const gm_allocator *gm_json_cur = &gm_counting_alloc;

static void *gm_json_alloc(size_t n)
{
    void *p = gm_json_cur->alloc(n);
    if (p == NULL) gm_json_oom = true;
    return p;
}

static void gm_json_free(void *p) { gm_json_cur->free(p); }

void gm_json_hooks_install(void)
{
    static bool done;
    if (done) return;
    /* Non-malloc hooks make cJSON drop realloc and use alloc + copy + free: all of it counted. */
    cJSON_Hooks hooks = { gm_json_alloc, gm_json_free };
    cJSON_InitHooks(&hooks);
    done = true;
}

static gm_status gm_json_err(char *err, size_t errlen, gm_status s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static gm_status gm_json_err(char *err, size_t errlen, gm_status s, const char *fmt, ...)
{
    if (err != NULL && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return s;
}

/* ---------------------------------------------------------------- scanning the text */

static bool gm_json_isdigit(char c) { return c >= '0' && c <= '9'; }

static bool gm_json_numchar(char c)
{
    return gm_json_isdigit(c) || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

/* p points at an opening quote of a string cJSON accepted: returns the byte after its close. */
static const char *gm_json_skip_string(const char *p)
{
    for (p++; *p != '"'; p++)
        if (*p == '\\') p++;
    return p + 1;
}

/* RFC 8259 number grammar over exactly n bytes. */
static bool gm_json_number_ok(const char *p, size_t n)
{
    size_t i = 0, s;

    if (i < n && p[i] == '-') i++;
    if (i < n && p[i] == '0') i++;
    else if (i < n && p[i] >= '1' && p[i] <= '9') while (i < n && gm_json_isdigit(p[i])) i++;
    else return false;
    if (i < n && p[i] == '.') {
        for (s = ++i; i < n && gm_json_isdigit(p[i]); i++) {}
        if (i == s) return false;
    }
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        if (++i < n && (p[i] == '+' || p[i] == '-')) i++;
        for (s = i; i < n && gm_json_isdigit(p[i]); i++) {}
        if (i == s) return false;
    }
    return i == n;
}

/* What cJSON let through but RFC 8259 or our values forbid. Runs only on text cJSON parsed in
** full, so every string in it is closed within len. */
static gm_status gm_json_lint(const char *t, size_t len, char *err, size_t errlen)
{
    const char *p = t, *end = t + len;

    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c == '"') {
            for (p++; *p != '"'; p++) {
                if ((unsigned char)*p < 0x20)
                    return gm_json_err(err, errlen, GM_EJSON,
                                       "invalid JSON: control character in a string at byte %zu",
                                       (size_t)(p - t));
                if (*p == '\\') {
                    if (p[1] == 'u' && end - p >= 6 && memcmp(p + 2, "0000", 4) == 0)
                        return gm_json_err(err, errlen, GM_EINVAL,
                                           "JSON string holds \\u0000 at byte %zu", (size_t)(p - t));
                    p++;
                }
            }
            p++;
        } else if (c == '-' || gm_json_isdigit((char)c)) {
            const char *s = p;
            while (p < end && gm_json_numchar(*p)) p++;
            if (!gm_json_number_ok(s, (size_t)(p - s)))
                return gm_json_err(err, errlen, GM_EJSON, "invalid JSON: bad number at byte %zu",
                                   (size_t)(s - t));
        } else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            return gm_json_err(err, errlen, GM_EJSON, "invalid JSON: control byte 0x%02x at byte %zu",
                               c, (size_t)(p - t));
        } else {
            p++;
        }
    }
    return GM_OK;
}

/* Cursor over the number tokens of the text, in document order. */
typedef struct gm_json_cursor { const char *text, *p, *end; } gm_json_cursor;

static const char *gm_json_next_number(gm_json_cursor *c, size_t *n)
{
    while (c->p < c->end) {
        if (*c->p == '"') {
            c->p = gm_json_skip_string(c->p);
        } else if (*c->p == '-' || gm_json_isdigit(*c->p)) {
            const char *s = c->p;
            while (c->p < c->end && gm_json_numchar(*c->p)) c->p++;
            *n = (size_t)(c->p - s);
            return s;
        } else {
            c->p++;
        }
    }
    *n = 0;
    return NULL;
}

/* An integer token (no fraction, no exponent) that fits int64. Negative values accumulate
** downwards so INT64_MIN needs no special case. */
static bool gm_json_int(const char *p, size_t n, int64_t *out)
{
    bool neg = n > 0 && p[0] == '-';
    int64_t v = 0;

    if (n == 0 || memchr(p, '.', n) || memchr(p, 'e', n) || memchr(p, 'E', n)) return false;
    for (size_t i = neg; i < n; i++) {
        int d = p[i] - '0';
        if (neg) {
            if (v < (INT64_MIN + d) / 10) return false;
            v = v * 10 - d;
        } else {
            if (v > (INT64_MAX - d) / 10) return false;
            v = v * 10 + d;
        }
    }
    *out = v;
    return true;
}

/* ---------------------------------------------------------------- cJSON tree -> gm_value */

static bool gm_json_str(gm_str *dst, const char *s)
{
    size_t n = strlen(s);

    dst->ptr = "";
    dst->len = 0;
    if (n == 0) return true;
    char *p = gm_json_cur->alloc(n);
    if (p == NULL) return false;
    memcpy(p, s, n);
    dst->ptr = p;
    dst->len = n;
    return true;
}

static size_t gm_json_nchildren(const cJSON *node)
{
    size_t n = 0;
    for (const cJSON *c = node->child; c != NULL; c = c->next) n++;
    return n;
}

/* On failure *out is left freeable with gm_value_free() (containers count what they hold). */
static gm_status gm_json_conv(const cJSON *node, gm_value *out, gm_json_cursor *cur,
                              char *err, size_t errlen)
{
    gm_status rc = GM_OK;
    size_t n, i = 0;
    const cJSON *c;

    *out = gm_null();
    if (cJSON_IsNull(node)) return GM_OK;
    if (cJSON_IsBool(node)) { *out = gm_bool(cJSON_IsTrue(node)); return GM_OK; }
    if (cJSON_IsNumber(node)) {
        const char *tok = gm_json_next_number(cur, &n);
        int64_t iv;
        if (tok != NULL && gm_json_int(tok, n, &iv)) { *out = gm_int(iv); return GM_OK; }
        if (!isfinite(node->valuedouble))
            return gm_json_err(err, errlen, GM_EINVAL, "JSON number out of double range at byte %zu",
                               tok != NULL ? (size_t)(tok - cur->text) : 0);
        *out = gm_double(node->valuedouble);
        return GM_OK;
    }
    if (cJSON_IsString(node)) {
        if (!gm_json_str(&out->as.s, node->valuestring)) return GM_ENOMEM;
        out->type = GM_STRING;
        return GM_OK;
    }
    n = gm_json_nchildren(node);
    if (cJSON_IsArray(node)) {
        out->type = GM_ARRAY;
        out->as.a.items = NULL;
        out->as.a.len = 0;
        if (n == 0) return GM_OK;
        if ((out->as.a.items = gm_json_cur->alloc(n * sizeof(gm_value))) == NULL) return GM_ENOMEM;
        for (c = node->child; c != NULL && rc == GM_OK; c = c->next, i++) {
            rc = gm_json_conv(c, &out->as.a.items[i], cur, err, errlen);
            out->as.a.len = i + 1;
        }
        return rc;
    }
    if (cJSON_IsObject(node)) {
        out->type = GM_OBJECT;
        out->as.o.keys = NULL;
        out->as.o.vals = NULL;
        out->as.o.len = 0;
        if (n == 0) return GM_OK;
        if ((out->as.o.keys = gm_json_cur->alloc(n * sizeof(gm_str))) == NULL) return GM_ENOMEM;
        if ((out->as.o.vals = gm_json_cur->alloc(n * sizeof(gm_value))) == NULL) return GM_ENOMEM;
        for (c = node->child; c != NULL && rc == GM_OK; c = c->next, i++) {
            out->as.o.vals[i] = gm_null();
            if (!gm_json_str(&out->as.o.keys[i], c->string)) rc = GM_ENOMEM;
            else rc = gm_json_conv(c, &out->as.o.vals[i], cur, err, errlen);
            out->as.o.len = i + 1;
        }
        return rc;
    }
    return gm_json_err(err, errlen, GM_EJSON, "invalid JSON: unexpected cJSON node");
}

gm_status gm_json_parse_a(const gm_allocator *a, const char *text, size_t len, gm_value *out,
                          char *err, size_t errlen)
{
    const char *end = NULL;
    gm_status rc;

    gm_json_hooks_install();
    gm_json_cur = a;
    *out = gm_null();
    if (err != NULL && errlen > 0) err[0] = '\0';

    gm_json_oom = false;
    /* Not require_null_terminated: with a length it demands a NUL inside the buffer. */
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (root == NULL) {
        if (gm_json_oom) return gm_json_err(err, errlen, GM_ENOMEM, "out of memory parsing JSON");
        size_t pos = end != NULL && end >= text && end <= text + len ? (size_t)(end - text) : 0;
        return gm_json_err(err, errlen, GM_EJSON, "invalid JSON at byte %zu", pos);
    }
    while (end < text + len && (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')) end++;
    if (end != text + len) {
        rc = gm_json_err(err, errlen, GM_EJSON, "invalid JSON: unexpected text at byte %zu",
                         (size_t)(end - text));
    } else if ((rc = gm_json_lint(text, len, err, errlen)) == GM_OK) {
        gm_json_cursor cur = { text, text, text + len };
        rc = gm_json_conv(root, out, &cur, err, errlen);
        if (rc == GM_ENOMEM) gm_json_err(err, errlen, rc, "out of memory parsing JSON");
        if (rc != GM_OK) gm_value_free_a(a, out);
    }
    cJSON_Delete(root);
    return rc;
}

gm_status gm_json_parse(const char *text, size_t len, gm_value *out, char *err, size_t errlen)
{
    return gm_json_parse_a(&gm_counting_alloc, text, len, out, err, errlen);
}

/* ---------------------------------------------------------------- gm_value -> cJSON tree -> text */

/* One NUL-terminated scratch copy at a time: cJSON copies strings and keys as it takes them. */
typedef struct gm_json_scratch { char *buf; size_t cap; } gm_json_scratch;

static const char *gm_json_cstr(gm_json_scratch *s, const gm_str *str)
{
    if (str->len >= s->cap) {
        size_t cap = s->cap * 2 > str->len + 1 ? s->cap * 2 : str->len + 1;
        if (cap < 64) cap = 64;
        char *b = gm_json_cur->alloc(cap);
        if (b == NULL) return NULL;
        gm_json_cur->free(s->buf);
        s->buf = b;
        s->cap = cap;
    }
    if (str->len > 0) memcpy(s->buf, str->ptr, str->len);
    s->buf[str->len] = '\0';
    return s->buf;
}

/* Shortest %.Ng (N = 15..17) that reads back to the same bits; 17 always does. */
static void gm_json_fmt_double(char *buf, size_t size, double d)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, d);
        double back = strtod(buf, NULL);
        if (memcmp(&back, &d, sizeof d) == 0) break;
    }
    for (char *p = buf; *p != '\0'; p++)
        if (*p == ',') *p = '.';             /* a locale's decimal comma is not JSON */
    if (strpbrk(buf, ".en") == NULL) strcat(buf, ".0");  /* keep it a double when read back */
}

static cJSON *gm_json_build(const gm_value *v, gm_json_scratch *s)
{
    char num[48];
    const char *cs;
    cJSON *item, *child;

    switch (v->type) {
    case GM_NULL:
        return cJSON_CreateNull();
    case GM_BOOL:
        return cJSON_CreateBool(v->as.b);
    case GM_INT:                             /* raw text: cJSON's own number printing is double */
        snprintf(num, sizeof num, "%" PRId64, v->as.i);
        return cJSON_CreateRaw(num);
    case GM_DOUBLE:
        gm_json_fmt_double(num, sizeof num - 2, v->as.d);
        return cJSON_CreateRaw(num);
    case GM_STRING:
        return (cs = gm_json_cstr(s, &v->as.s)) != NULL ? cJSON_CreateString(cs) : NULL;
    case GM_ARRAY:
        if ((item = cJSON_CreateArray()) == NULL) return NULL;
        for (size_t i = 0; i < v->as.a.len; i++) {
            if ((child = gm_json_build(&v->as.a.items[i], s)) == NULL) goto fail;
            cJSON_AddItemToArray(item, child);
        }
        return item;
    case GM_OBJECT:
        if ((item = cJSON_CreateObject()) == NULL) return NULL;
        for (size_t i = 0; i < v->as.o.len; i++) {
            if ((child = gm_json_build(&v->as.o.vals[i], s)) == NULL) goto fail;
            /* AddItemToObject appends (duplicates kept, order kept) and copies the key. */
            cs = gm_json_cstr(s, &v->as.o.keys[i]);
            if (cs == NULL || !cJSON_AddItemToObject(item, cs, child)) {
                cJSON_Delete(child);
                goto fail;
            }
        }
        return item;
    }
    return NULL;
fail:
    cJSON_Delete(item);
    return NULL;
}

gm_status gm_json_print_a(const gm_allocator *a, const gm_value *v, char **out, size_t *len)
{
    gm_json_scratch s = { NULL, 0 };

    gm_json_hooks_install();
    gm_json_cur = a;
    *out = NULL;
    *len = 0;
    cJSON *root = gm_json_build(v, &s);
    a->free(s.buf);
    if (root == NULL) return GM_ENOMEM;
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (text == NULL) return GM_ENOMEM;      /* printing fails only for want of memory */
    *out = text;
    *len = strlen(text);
    return GM_OK;
}

gm_status gm_json_print(const gm_value *v, char **out, size_t *len)
{
    return gm_json_print_a(&gm_counting_alloc, v, out, len);
}
