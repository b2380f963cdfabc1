/*
** value.c: the tagged value of graphmem.h (copy, free, compare, check), the filter predicate
** shared by every backend, status texts and the handle list.
**
** A deep copy allocates one block per non-empty string, per non-empty array (its items) and two
** per non-empty object (keys, values); empty strings point at a static "" and own nothing, so
** gm_value_free() frees a payload only when its length is non-zero. gm_value_payload_bytes()
** mirrors exactly what gm_value_copy() requests. JSON conversion lives in jsoncodec.c.
** Allocation goes through a gm_allocator (value.h): the counting allocator for the library, plain
** malloc for the harness; the code is the same.
*/
#include "backend.h"
#include "value.h"
#include "jsoncodec.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const gm_allocator gm_counting_alloc = { gm_mem_alloc, gm_mem_free };
const gm_allocator gm_plain_alloc = { malloc, free };

static const char gm_empty_str[1] = "";

gm_value gm_cstr(const char *s)
{
    return gm_strn(s, s != NULL ? strlen(s) : 0);
}

const char *gm_strerror(gm_status s)
{
    switch (s) {
    case GM_OK:        return "ok";
    case GM_ABSENT:    return "attribute not set";
    case GM_END:       return "end of iteration";
    case GM_ENOMEM:    return "out of memory";
    case GM_EINVAL:    return "invalid argument";
    case GM_ENOTFOUND: return "unknown node or edge";
    case GM_ETYPE:     return "wrong type";
    case GM_EJSON:     return "invalid JSON";
    case GM_EEXIST:    return "node already exists";
    }
    return "unknown status";
}

/* ---------------------------------------------------------------- check */

static gm_status gm_str_check(const gm_str *s)
{
    if (s->len == 0) return GM_OK;
    if (s->ptr == NULL || memchr(s->ptr, '\0', s->len) != NULL) return GM_EINVAL;
    return GM_OK;
}

gm_status gm_value_check(const gm_value *v)
{
    if (v == NULL) return GM_EINVAL;
    switch (v->type) {
    case GM_NULL: case GM_BOOL: case GM_INT:
        return GM_OK;
    case GM_DOUBLE:
        return isfinite(v->as.d) ? GM_OK : GM_EINVAL;
    case GM_STRING:
        return gm_str_check(&v->as.s);
    case GM_ARRAY:
        if (v->as.a.len > 0 && v->as.a.items == NULL) return GM_EINVAL;
        for (size_t i = 0; i < v->as.a.len; i++)
            if (gm_value_check(&v->as.a.items[i]) != GM_OK) return GM_EINVAL;
        return GM_OK;
    case GM_OBJECT:
        if (v->as.o.len > 0 && (v->as.o.keys == NULL || v->as.o.vals == NULL)) return GM_EINVAL;
        for (size_t i = 0; i < v->as.o.len; i++)
            if (gm_str_check(&v->as.o.keys[i]) != GM_OK ||
                gm_value_check(&v->as.o.vals[i]) != GM_OK) return GM_EINVAL;
        return GM_OK;
    }
    return GM_EINVAL;   /* a type tag out of range */
}

/* ---------------------------------------------------------------- copy / free */

static bool gm_str_copy(const gm_allocator *a, gm_str *dst, const gm_str *src)
{
    if (src->len == 0) { dst->ptr = gm_empty_str; dst->len = 0; return true; }
    char *p = a->alloc(src->len);
    if (p == NULL) return false;
    memcpy(p, src->ptr, src->len);
    dst->ptr = p;
    dst->len = src->len;
    return true;
}

static void gm_str_free(const gm_allocator *a, gm_str *s)
{
    if (s->len > 0) a->free((void *)s->ptr);
    s->ptr = gm_empty_str;
    s->len = 0;
}

void gm_value_free_a(const gm_allocator *a, gm_value *v)
{
    if (v == NULL) return;
    switch (v->type) {
    case GM_STRING:
        gm_str_free(a, &v->as.s);
        break;
    case GM_ARRAY:
        for (size_t i = 0; i < v->as.a.len; i++) gm_value_free_a(a, &v->as.a.items[i]);
        a->free(v->as.a.items);
        break;
    case GM_OBJECT:
        for (size_t i = 0; i < v->as.o.len; i++) {
            gm_str_free(a, &v->as.o.keys[i]);
            gm_value_free_a(a, &v->as.o.vals[i]);
        }
        a->free(v->as.o.keys);
        a->free(v->as.o.vals);
        break;
    default:
        break;
    }
    *v = gm_null();
}

void gm_value_free(gm_value *v) { gm_value_free_a(&gm_counting_alloc, v); }

/* Copy a checked value. On failure *dst is left freeable: containers count only the members
** copied so far, so one gm_value_free() on the caller's side undoes everything. */
static bool gm_value_copy_rec(const gm_allocator *a, gm_value *dst, const gm_value *src)
{
    size_t n;

    *dst = gm_null();
    switch (src->type) {
    case GM_STRING:
        if (!gm_str_copy(a, &dst->as.s, &src->as.s)) return false;
        dst->type = GM_STRING;
        return true;
    case GM_ARRAY:
        n = src->as.a.len;
        dst->type = GM_ARRAY;
        dst->as.a.items = NULL;
        dst->as.a.len = 0;
        if (n == 0) return true;
        if (n > SIZE_MAX / sizeof(gm_value)) return false;
        if ((dst->as.a.items = a->alloc(n * sizeof(gm_value))) == NULL) return false;
        for (size_t i = 0; i < n; i++) {
            bool ok = gm_value_copy_rec(a, &dst->as.a.items[i], &src->as.a.items[i]);
            dst->as.a.len = i + 1;                 /* item i is freeable even when partial */
            if (!ok) return false;
        }
        return true;
    case GM_OBJECT:
        n = src->as.o.len;
        dst->type = GM_OBJECT;
        dst->as.o.keys = NULL;
        dst->as.o.vals = NULL;
        dst->as.o.len = 0;
        if (n == 0) return true;
        if (n > SIZE_MAX / sizeof(gm_value)) return false;
        if ((dst->as.o.keys = a->alloc(n * sizeof(gm_str))) == NULL) return false;
        if ((dst->as.o.vals = a->alloc(n * sizeof(gm_value))) == NULL) return false;
        for (size_t i = 0; i < n; i++) {
            dst->as.o.vals[i] = gm_null();
            bool ok = gm_str_copy(a, &dst->as.o.keys[i], &src->as.o.keys[i]);
            if (ok) ok = gm_value_copy_rec(a, &dst->as.o.vals[i], &src->as.o.vals[i]);
            else dst->as.o.keys[i].len = 0;
            dst->as.o.len = i + 1;
            if (!ok) return false;
        }
        return true;
    default:
        *dst = *src;
        return true;
    }
}

gm_status gm_value_copy_a(const gm_allocator *a, gm_value *dst, const gm_value *src)
{
    gm_value tmp;

    if (dst == NULL) return GM_EINVAL;
    if (gm_value_check(src) != GM_OK) { *dst = gm_null(); return GM_EINVAL; }
    if (!gm_value_copy_rec(a, &tmp, src)) {     /* tmp first: dst may alias src */
        gm_value_free_a(a, &tmp);
        *dst = gm_null();
        return GM_ENOMEM;
    }
    *dst = tmp;
    return GM_OK;
}

gm_status gm_value_copy(gm_value *dst, const gm_value *src)
{
    return gm_value_copy_a(&gm_counting_alloc, dst, src);
}

size_t gm_value_payload_bytes(const gm_value *v)
{
    size_t n = 0;

    switch (v->type) {
    case GM_STRING:
        return v->as.s.len;
    case GM_ARRAY:
        n = v->as.a.len * sizeof(gm_value);
        for (size_t i = 0; i < v->as.a.len; i++) n += gm_value_payload_bytes(&v->as.a.items[i]);
        return n;
    case GM_OBJECT:
        if (v->as.o.len == 0) return 0;
        n = v->as.o.len * (sizeof(gm_str) + sizeof(gm_value));
        for (size_t i = 0; i < v->as.o.len; i++)
            n += v->as.o.keys[i].len + gm_value_payload_bytes(&v->as.o.vals[i]);
        return n;
    default:
        return 0;
    }
}

/* ---------------------------------------------------------------- equality */

static bool gm_str_equal(const gm_str *a, const gm_str *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->ptr, b->ptr, a->len) == 0);
}

bool gm_value_equal(const gm_value *a, const gm_value *b)
{
    if (a == NULL || b == NULL) return a == b;
    if (a->type != b->type) return false;
    switch (a->type) {
    case GM_NULL:   return true;
    case GM_BOOL:   return a->as.b == b->as.b;
    case GM_INT:    return a->as.i == b->as.i;
    case GM_DOUBLE: {
        uint64_t x, y;                       /* bitwise, so -0.0 != 0.0 and copies compare equal */
        memcpy(&x, &a->as.d, sizeof x);
        memcpy(&y, &b->as.d, sizeof y);
        return x == y;
    }
    case GM_STRING: return gm_str_equal(&a->as.s, &b->as.s);
    case GM_ARRAY:
        if (a->as.a.len != b->as.a.len) return false;
        for (size_t i = 0; i < a->as.a.len; i++)
            if (!gm_value_equal(&a->as.a.items[i], &b->as.a.items[i])) return false;
        return true;
    case GM_OBJECT:
        if (a->as.o.len != b->as.o.len) return false;
        for (size_t i = 0; i < a->as.o.len; i++)
            if (!gm_str_equal(&a->as.o.keys[i], &b->as.o.keys[i]) ||
                !gm_value_equal(&a->as.o.vals[i], &b->as.o.vals[i])) return false;
        return true;
    }
    return false;
}

/* ---------------------------------------------------------------- predicates */

#define GM_INCOMPARABLE 2

/* Exact three-way comparison of an int64 with a double. Converting i to double would round
** (2^63-1 becomes 2^63), so d is brought into int64 range instead: outside [-2^63, 2^63) the
** answer is known; inside, trunc(d) converts exactly and the fraction d - trunc(d) is exact. */
static int gm_cmp_i64_f64(int64_t i, double d)
{
    if (isnan(d)) return GM_INCOMPARABLE;
    if (d >= 9223372036854775808.0) return -1;      /* 2^63 */
    if (d < -9223372036854775808.0) return 1;
    int64_t t = (int64_t)d;                         /* truncates toward zero, in range */
    if (i != t) return i < t ? -1 : 1;
    double frac = d - (double)t;
    return frac > 0 ? -1 : frac < 0 ? 1 : 0;
}

/* -1, 0, 1, or GM_INCOMPARABLE. */
static int gm_value_cmp(const gm_value *a, const gm_value *b)
{
    if (a->type == GM_INT && b->type == GM_DOUBLE) return gm_cmp_i64_f64(a->as.i, b->as.d);
    if (a->type == GM_DOUBLE && b->type == GM_INT) {
        int c = gm_cmp_i64_f64(b->as.i, a->as.d);
        return c == GM_INCOMPARABLE ? c : -c;
    }
    if (a->type != b->type) return GM_INCOMPARABLE;
    switch (a->type) {
    case GM_NULL:
        return 0;
    case GM_BOOL:
        return (int)a->as.b - (int)b->as.b;
    case GM_INT:
        return a->as.i < b->as.i ? -1 : a->as.i > b->as.i;
    case GM_DOUBLE:
        if (isnan(a->as.d) || isnan(b->as.d)) return GM_INCOMPARABLE;
        return a->as.d < b->as.d ? -1 : a->as.d > b->as.d;
    case GM_STRING: {
        size_t la = a->as.s.len, lb = b->as.s.len, n = la < lb ? la : lb;
        int c = n > 0 ? memcmp(a->as.s.ptr, b->as.s.ptr, n) : 0;
        if (c != 0) return c < 0 ? -1 : 1;
        return la < lb ? -1 : la > lb;
    }
    default:
        return GM_INCOMPARABLE;      /* arrays and objects: only != holds against a scalar */
    }
}

bool gm_pred_match(const gm_value *v, gm_op op, const gm_value *c)
{
    if (v == NULL) return false;     /* absent satisfies nothing, not even != */
    int r = gm_value_cmp(v, c);
    if (r == GM_INCOMPARABLE) return op == GM_NE;
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

/* ---------------------------------------------------------------- handle list */

void gm_list_free(gm_list *l)
{
    if (l == NULL) return;
    gm_mem_free(l->items);
    l->items = NULL;
    l->len = l->cap = 0;
}

gm_status gm_list_reserve(gm_list *l, size_t n)
{
    if (n <= l->cap) return GM_OK;
    if (n > SIZE_MAX / sizeof(uint32_t)) return GM_ENOMEM;
    uint32_t *p = l->items == NULL ? gm_mem_alloc(n * sizeof *p) : gm_mem_realloc(l->items, n * sizeof *p);
    if (p == NULL) return GM_ENOMEM;
    l->items = p;
    l->cap = n;
    return GM_OK;
}

gm_status gm_list_push(gm_list *l, uint32_t x)
{
    if (l->len == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        if (cap > SIZE_MAX / sizeof(uint32_t)) return GM_ENOMEM;
        uint32_t *p = l->items == NULL ? gm_mem_alloc(cap * sizeof *p)
                                       : gm_mem_realloc(l->items, cap * sizeof *p);
        if (p == NULL) return GM_ENOMEM;
        l->items = p;
        l->cap = cap;
    }
    l->items[l->len++] = x;
    return GM_OK;
}

/* ---------------------------------------------------------------- JSON (jsoncodec.c does the work) */

gm_status gm_value_from_json(const char *text, size_t len, gm_value *out, char *err, size_t errlen)
{
    if (err != NULL && errlen > 0) err[0] = '\0';
    if (out == NULL) return GM_EINVAL;
    *out = gm_null();
    if (text == NULL && len > 0) return GM_EINVAL;
    return gm_json_parse(text != NULL ? text : "", len, out, err, errlen);
}

gm_status gm_value_to_json(const gm_value *v, char **out)
{
    size_t len;

    if (out == NULL) return GM_EINVAL;
    *out = NULL;
    if (gm_value_check(v) != GM_OK) return GM_EINVAL;
    return gm_json_print(v, out, &len);
}
