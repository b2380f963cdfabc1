/*
** raw_floor.c: the floor (harness/PROTOCOL.md, system "raw"): each scenario in the tightest
** reasonable layout, so every backend can be judged against the physical size of the data.
**
**     raw_floor --scenario DIR --plan PLAN.json --system raw --reps N
**
** Layout (all sizes are exact requested bytes, counted by this file's own allocator wrapper):
**  - ids: one byte arena (no terminators) + u32 offsets[n+1]; lookup by id through an
**    open-addressing table of u32 (node index + 1, 0 = empty) of exactly ceil(4n/3) slots (load
**    3/4 at every size: a power-of-two table would jump by up to 2x, 4 B/node, between sizes),
**    home slot by multiply-shift of the hash into [0, cap);
**  - out-edges: CSR, offsets[n+1] + targets[m], bit-packed: each entry in just the bits its
**    largest value needs (offsets: bits(m); targets: bits(n - 1), 14 bits at 10K nodes), plus 8
**    bytes of padding so a read is one unaligned 8-byte load; bits grow with log2 of the size,
**    so bytes per node have no step (a byte width would jump at 256 and 65,536 nodes); edge
**    attributes in CSR order;
**  - one column per attribute key, its layout chosen from the data:
**      int     the narrowest of int8/int16/int32/int64 holding every value (e.g. level 1-5 is
**              int8, salary 50,000-150,000 int32); no array at all when every value is one
**              (`const`: pgp's expire_date, INT64_MAX everywhere); a narrower width plus
**              exceptions (12 B each: the int64 value and its u32 item index, sorted) when
**              that is smaller (pgp's e_time: int32 + 11 exceptions); a set that does not fit
**              widens the column (a constant or patched column is made plain first: one copy);
**      double  f64 (never narrowed to float);
**      bool    bit-packed;
**      string  a dictionary (the distinct strings once, arena + u32 offsets, and per item a
**              code of 1, 2 or 4 bytes by cardinality) when <= 256 distinct or when smaller
**              than the plain layout; otherwise an arena + u32 offsets[n+1];
**      list    arrays whose items share one scalar type: u32 offsets[n+1] + one child column of
**              every item, laid out as above (list<int32>, list<dict-u16>, ...); no offsets
**              when every item holds a list of one length (pos: list<f64>[2]);
**      mixed   (several types, nested arrays, objects; the last resort): 1-byte tag per item +
**              u32 offsets[n+1] + a payload arena: int64/double as 8 bytes, bool 1 byte, strings
**              raw, arrays and objects as compact JSON text;
**    a validity bitmap only when some item lacks a non-null value, a null bitmap only when
**    some item holds an explicit null (mixed columns carry both in the tag instead);
**  - remove: a tombstone bitmap (allocated by the first remove); an edge is dead when an end is.
**
** heap_live_bytes / heap_peak_bytes / num_allocs come from that exact count (build scratch, such
** as the CSR permutation, counts in the peak); mallinfo_bytes is glibc's view of the same build.
*/
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gmh.h"

/* ---------------------------------------------------------------- counted allocation */

static struct { size_t live, peak; uint64_t nalloc; } raw_mem;

static void *raw_alloc(size_t n, bool zero)
{
    void *p = zero ? calloc(n ? n : 1, 1) : malloc(n ? n : 1);
    if (p == NULL) gmh_die(1, "out of memory");
    raw_mem.live += n;
    raw_mem.nalloc++;
    if (raw_mem.live > raw_mem.peak) raw_mem.peak = raw_mem.live;
    return p;
}

static void raw_free(void *p, size_t n)
{
    if (p == NULL) return;
    raw_mem.live -= n;
    free(p);
}

/* ---------------------------------------------------------------- layout */

typedef enum raw_kind { RAW_INT, RAW_F64, RAW_BOOL, RAW_DICT, RAW_STR, RAW_MIXED, RAW_LIST, RAW_STRUCT } raw_kind;
#define RAW_ABSENT 0xFF                 /* mixed tag of an item without the attribute */

typedef struct raw_col {
    const char *key;
    raw_kind kind;
    unsigned width;                     /* RAW_INT: 0 (constant: every value is base), 1, 2, 4
                                        ** or 8 bytes; DICT: code bytes */
    size_t   n;                         /* items */
    void    *data;                      /* INT/F64 values, BOOL bits, DICT codes, MIXED tags */
    size_t   data_bytes;
    uint32_t *offs;                     /* STR/MIXED/LIST: n+1; DICT: ndict+1 */
    union {                             /* by kind (the struct stays as small as before) */
        struct {                        /* STR, DICT, MIXED */
            char    *arena;             /* STR/MIXED payloads, DICT distinct strings */
            size_t   arena_bytes;
            size_t   ndict;
        };
        struct {                        /* INT */
            void    *exc;               /* nexc int64 values, then their nexc u32 item indices
                                        ** (ascending; the stored slot holds 0): the values that
                                        ** do not fit the width */
            size_t   nexc;
            int64_t  base;              /* width 0: the one value */
        };
        struct {                        /* LIST */
            struct raw_col *child;      /* the items of every list, one typed column */
            size_t   fixed;             /* without offs: every list has this length */
        };
        struct {                        /* STRUCT */
            struct raw_col *kids;       /* one column per member key, n items each */
            size_t   nkids;
            const gm_str *keys;         /* borrowed from the first object (the data outlives us) */
        };
    };
    uint8_t *valid, *nulls;             /* (n+7)/8 bytes each, or NULL */
    uint8_t *ints;                      /* F64: items that are ints (exact as doubles), or NULL */
} raw_col;

static bool raw_has_arena(const raw_col *c)
{
    return c->kind == RAW_STR || c->kind == RAW_DICT || c->kind == RAW_MIXED;
}

static size_t raw_exc_bytes(const raw_col *c)
{
    return c->kind == RAW_INT ? c->nexc * (sizeof(int64_t) + sizeof(uint32_t)) : 0;
}

static int64_t *raw_exc_val(const raw_col *c) { return c->exc; }
static uint32_t *raw_exc_idx(const raw_col *c) { return (uint32_t *)((int64_t *)c->exc + c->nexc); }

/* Bit-packed unsigned entries of b bits each (1 <= b <= 32), LSB first, in a block padded by 8
** bytes so entry i is read with one unaligned 8-byte load at byte (i * b) / 8. */
typedef struct raw_bits { uint8_t *p; size_t n; unsigned b; } raw_bits;

static size_t raw_bits_bytes(const raw_bits *a) { return (a->n * a->b + 7) / 8 + 8; }
static void raw_bits_init(raw_bits *a, size_t n, uint64_t max)
{
    a->n = n;
    a->b = 1;
    while (a->b < 32 && (max >> a->b) != 0) a->b++;
    a->p = raw_alloc(raw_bits_bytes(a), true);
}
static uint32_t raw_bits_get(const raw_bits *a, size_t i)
{
    size_t bit = i * a->b;
    uint64_t w;
    memcpy(&w, a->p + bit / 8, 8);
    return (uint32_t)((w >> (bit % 8)) & ((1ull << a->b) - 1));
}
static void raw_bits_put(raw_bits *a, size_t i, uint32_t x)
{
    size_t bit = i * a->b;
    uint64_t w, mask = ((1ull << a->b) - 1) << (bit % 8);
    memcpy(&w, a->p + bit / 8, 8);
    w = (w & ~mask) | ((uint64_t)x << (bit % 8) & mask);
    memcpy(a->p + bit / 8, &w, 8);
}

typedef struct raw_graph {
    size_t n, m;
    char *ids; size_t ids_bytes;
    uint32_t *id_off;                   /* n+1 */
    uint32_t *table; size_t tcap;
    raw_bits out_off, targets;          /* n+1 entries, m entries */
    raw_col *ncol, *ecol;
    size_t nncol, necol;
    uint8_t *dead; size_t live;
} raw_graph;

static size_t raw_bm(size_t n) { return (n + 7) / 8; }
static bool raw_bit(const uint8_t *b, size_t i) { return b[i >> 3] >> (i & 7) & 1; }
static void raw_setbit(uint8_t *b, size_t i) { b[i >> 3] |= (uint8_t)(1u << (i & 7)); }

static size_t raw_col_bytes(const raw_col *c)
{
    size_t b = c->data_bytes + (raw_has_arena(c) ? c->arena_bytes : 0) + raw_exc_bytes(c);
    if (c->kind == RAW_LIST) b += raw_col_bytes(c->child);
    if (c->kind == RAW_STRUCT) {
        b += c->nkids * sizeof(raw_col);
        for (size_t j = 0; j < c->nkids; j++) b += raw_col_bytes(&c->kids[j]);
    }
    if (c->ints) b += raw_bm(c->n);
    if (c->offs) b += ((c->kind == RAW_DICT ? c->ndict : c->n) + 1) * sizeof(uint32_t);
    if (c->valid) b += raw_bm(c->n);
    if (c->nulls) b += raw_bm(c->n);
    return b;
}

static void raw_col_free(raw_col *c)
{
    raw_free(c->data, c->data_bytes);
    if (raw_has_arena(c)) raw_free(c->arena, c->arena_bytes);
    if (c->offs) raw_free(c->offs, ((c->kind == RAW_DICT ? c->ndict : c->n) + 1) * sizeof(uint32_t));
    if (c->valid) raw_free(c->valid, raw_bm(c->n));
    if (c->nulls) raw_free(c->nulls, raw_bm(c->n));
    if (c->kind == RAW_LIST) { raw_col_free(c->child); raw_free(c->child, sizeof *c->child); }
    if (c->kind == RAW_STRUCT) {
        for (size_t j = 0; j < c->nkids; j++) raw_col_free(&c->kids[j]);
        raw_free(c->kids, c->nkids * sizeof *c->kids);
    }
    if (c->ints) raw_free(c->ints, raw_bm(c->n));
    if (c->kind == RAW_INT) raw_free(c->exc, raw_exc_bytes(c));
    memset(c, 0, sizeof *c);
}

static int64_t raw_int_at(const raw_col *c, size_t i)
{
    switch (c->width) {
    case 1: return ((const int8_t *)c->data)[i];
    case 2: return ((const int16_t *)c->data)[i];
    case 4: return ((const int32_t *)c->data)[i];
    default: return ((const int64_t *)c->data)[i];
    }
}

static void raw_int_put(raw_col *c, size_t i, int64_t v)
{
    switch (c->width) {
    case 1: ((int8_t *)c->data)[i] = (int8_t)v; break;
    case 2: ((int16_t *)c->data)[i] = (int16_t)v; break;
    case 4: ((int32_t *)c->data)[i] = (int32_t)v; break;
    default: ((int64_t *)c->data)[i] = v; break;
    }
}

/* Entry i of an array of w-byte unsigned ints (w = 1, 2 or 4). */
static uint32_t raw_uget(const void *p, unsigned w, size_t i)
{
    switch (w) {
    case 1: return ((const uint8_t *)p)[i];
    case 2: return ((const uint16_t *)p)[i];
    default: return ((const uint32_t *)p)[i];
    }
}

static void raw_uput(void *p, unsigned w, size_t i, uint32_t x)
{
    switch (w) {
    case 1: ((uint8_t *)p)[i] = (uint8_t)x; break;
    case 2: ((uint16_t *)p)[i] = (uint16_t)x; break;
    default: ((uint32_t *)p)[i] = x; break;
    }
}


/* A dictionary column's code of item i: unsigned, c->width bytes (1, 2 or 4). */
static size_t raw_code_at(const raw_col *c, size_t i) { return raw_uget(c->data, c->width, i); }
static void raw_code_put(raw_col *c, size_t i, size_t code) { raw_uput(c->data, c->width, i, (uint32_t)code); }

static uint64_t raw_hash(const char *s, size_t n);

static unsigned raw_width(int64_t lo, int64_t hi)
{
    if (lo >= INT8_MIN && hi <= INT8_MAX) return 1;
    if (lo >= INT16_MIN && hi <= INT16_MAX) return 2;
    if (lo >= INT32_MIN && hi <= INT32_MAX) return 4;
    return 8;
}

/* Item i of an int column, constants and exceptions included (binary search of exc_idx). */
static int64_t raw_int_get(const raw_col *c, size_t i)
{
    if (c->width == 0) return c->base;
    if (c->nexc) {
        size_t lo = 0, hi = c->nexc;
        const uint32_t *idx = raw_exc_idx(c);
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (idx[mid] < i) lo = mid + 1; else hi = mid;
        }
        if (lo < c->nexc && idx[lo] == i) return raw_exc_val(c)[lo];
    }
    return raw_int_at(c, i);
}

/* Build-time store of item i (ascending i): a value that does not fit the width goes to the
** exceptions (allocated for exactly nexc by the caller; *k counts the ones filled). */
static void raw_int_fill(raw_col *c, size_t i, int64_t v, size_t *k)
{
    if (c->width == 0) return;
    if (raw_width(v, v) <= c->width) { raw_int_put(c, i, v); return; }
    raw_exc_idx(c)[*k] = (uint32_t)i;
    raw_exc_val(c)[(*k)++] = v;
}

/* Before a write: a constant or patched column becomes a plain one at the narrowest width
** (one copy of the column; the floor's layout is chosen for the data as built). */
static void raw_int_plain(raw_col *c)
{
    if (c->width != 0 && c->nexc == 0) return;
    int64_t lo = 0, hi = 0;
    for (size_t i = 0; i < c->n; i++) {
        int64_t x = raw_int_get(c, i);
        if (x < lo) lo = x;
        if (x > hi) hi = x;
    }
    raw_col t = *c;
    t.width = raw_width(lo, hi);
    t.data_bytes = c->n * t.width;
    t.data = raw_alloc(t.data_bytes, true);
    for (size_t i = 0; i < c->n; i++) raw_int_put(&t, i, raw_int_get(c, i));
    raw_free(c->data, c->data_bytes);
    raw_free(c->exc, raw_exc_bytes(c));
    t.exc = NULL;
    t.nexc = 0;
    t.base = 0;
    *c = t;
}

/* Item i's value. false when absent; an explicit null gives true with GM_NULL. Strings borrow
** the column; arrays/objects of a mixed column come back as an empty GM_ARRAY/GM_OBJECT (enough
** for the filter, whose only true predicate on them is !=). */
static bool raw_col_get(const raw_col *c, size_t i, gm_value *v)
{
    if (c->kind == RAW_MIXED) {
        uint8_t t = ((const uint8_t *)c->data)[i];
        const char *p = c->arena + c->offs[i];
        size_t len = c->offs[i + 1] - c->offs[i];
        memset(v, 0, sizeof *v);
        switch (t) {
        case RAW_ABSENT: return false;
        case GM_NULL: *v = gm_null(); break;
        case GM_BOOL: *v = gm_bool(*p != 0); break;
        case GM_INT: { int64_t x; memcpy(&x, p, 8); *v = gm_int(x); break; }
        case GM_DOUBLE: { double x; memcpy(&x, p, 8); *v = gm_double(x); break; }
        case GM_STRING: *v = gm_strn(p, len); break;
        default: v->type = (gm_type)t; break;     /* array/object, text not parsed */
        }
        return true;
    }
    if (c->valid && !raw_bit(c->valid, i)) {
        if (c->nulls && raw_bit(c->nulls, i)) { *v = gm_null(); return true; }
        return false;
    }
    switch (c->kind) {
    case RAW_INT: *v = gm_int(raw_int_get(c, i)); break;
    case RAW_F64: {
        double x = ((const double *)c->data)[i];
        *v = c->ints && raw_bit(c->ints, i) ? gm_int((int64_t)x) : gm_double(x);
        break;
    }
    case RAW_BOOL: *v = gm_bool(raw_bit(c->data, i)); break;
    case RAW_DICT: {
        size_t code = raw_code_at(c, i);
        *v = gm_strn(c->arena + c->offs[code], c->offs[code + 1] - c->offs[code]);
        break;
    }
    case RAW_STR: *v = gm_strn(c->arena + c->offs[i], c->offs[i + 1] - c->offs[i]); break;
    case RAW_LIST: memset(v, 0, sizeof *v); v->type = GM_ARRAY; break;   /* items not unpacked */
    case RAW_STRUCT: memset(v, 0, sizeof *v); v->type = GM_OBJECT; break; /* members not unpacked */
    default: return false;
    }
    return true;
}

/* Items are given as attribute lists in column order (order[i] picks the record). */
typedef struct raw_src {
    const gmh_data *d;
    bool nodes;
    const uint32_t *order;              /* NULL: identity */
    const gm_value *const *flat;        /* non-NULL: item i is flat[i] (a list column's items) */
} raw_src;

static const gm_value *raw_src_get(const raw_src *s, size_t i, const char *key)
{
    if (s->flat) return s->flat[i];
    size_t r = s->order ? s->order[i] : i;
    return s->nodes ? gmh_attr_get_k(s->d->nodes[r].attrs, s->d->nodes[r].nattrs, key)
                    : gmh_attr_get_k(s->d->edges[r].attrs, s->d->edges[r].nattrs, key);
}

static void raw_col_build(raw_col *c, const raw_src *s, size_t n, const char *key);

/* The validity bitmap of a list or struct column (items holding a value of type t), and its null
** bitmap when some item holds an explicit null. */
static void raw_nested_bitmaps(raw_col *c, const raw_src *s, size_t n, gm_type t, bool some_null)
{
    c->valid = raw_alloc(raw_bm(n), true);
    if (some_null) c->nulls = raw_alloc(raw_bm(n), true);
    for (size_t i = 0; i < n; i++) {
        const gm_value *v = raw_src_get(s, i, c->key);
        if (v != NULL && v->type == t) raw_setbit(c->valid, i);
        else if (v != NULL && c->nulls) raw_setbit(c->nulls, i);
    }
}

/* A column whose present values are all arrays of one scalar type (int, double, string or bool
** items; nested arrays and objects are not) becomes a list column, the way Arrow's ListArray
** holds it: u32 offsets[n+1] into one child column of every item, typed like any scalar column
** (ints at the narrowest width, strings as a dictionary or an arena). When every item holds a
** list and all lists have one length L (positions: two doubles), the offsets are dropped: list i
** is items [iL, (i+1)L) (Arrow's FixedSizeList). false when the column is not such a column. */
static bool raw_list_build(raw_col *c, const raw_src *s, size_t n, bool some_invalid, bool some_null)
{
    int type = -1;
    size_t total = 0, len0 = 0;
    bool same_len = !some_invalid, first = true;
    for (size_t i = 0; i < n; i++) {
        const gm_value *v = raw_src_get(s, i, c->key);
        if (v == NULL || v->type != GM_ARRAY) continue;
        if (first) { len0 = v->as.a.len; first = false; }
        if (v->as.a.len != len0) same_len = false;
        for (size_t j = 0; j < v->as.a.len; j++) {
            int t = (int)v->as.a.items[j].type;
            if (t != GM_INT && t != GM_DOUBLE && t != GM_STRING && t != GM_BOOL) return false;
            if (type >= 0 && t != type) return false;
            type = t;
        }
        total += v->as.a.len;
    }
    const gm_value **flat = raw_alloc((total ? total : 1) * sizeof *flat, false);   /* scratch */
    size_t at = 0;
    c->kind = RAW_LIST;
    if (!same_len) c->offs = raw_alloc((n + 1) * sizeof *c->offs, false);
    else c->fixed = len0;
    for (size_t i = 0; i < n; i++) {
        const gm_value *v = raw_src_get(s, i, c->key);
        if (c->offs) c->offs[i] = (uint32_t)at;
        if (v == NULL || v->type != GM_ARRAY) continue;
        for (size_t j = 0; j < v->as.a.len; j++) flat[at++] = &v->as.a.items[j];
    }
    if (c->offs) c->offs[n] = (uint32_t)at;
    if (some_invalid) raw_nested_bitmaps(c, s, n, GM_ARRAY, some_null);
    raw_src fs = { s->d, s->nodes, NULL, flat };
    c->child = raw_alloc(sizeof *c->child, false);
    raw_col_build(c->child, &fs, total, c->key);
    raw_free(flat, (total ? total : 1) * sizeof *flat);
    return true;
}

/* A column whose present values are all objects with one key list (same keys, same order)
** becomes a struct: one column per member, built from the members like any column (a child
** has a validity bitmap where the object is absent or null), the way Arrow's StructArray holds
** it. false when the column is not such a column. */
static bool raw_struct_build(raw_col *c, const raw_src *s, size_t n, bool some_invalid, bool some_null)
{
    const gm_value *first = NULL;
    for (size_t i = 0; i < n; i++) {
        const gm_value *v = raw_src_get(s, i, c->key);
        if (v == NULL || v->type != GM_OBJECT) continue;
        if (first == NULL) { first = v; continue; }
        if (v->as.o.len != first->as.o.len) return false;
        for (size_t j = 0; j < v->as.o.len; j++)
            if (v->as.o.keys[j].len != first->as.o.keys[j].len ||
                memcmp(v->as.o.keys[j].ptr, first->as.o.keys[j].ptr, v->as.o.keys[j].len) != 0)
                return false;
    }
    if (first == NULL) return false;
    size_t nk = first->as.o.len;
    c->kind = RAW_STRUCT;
    c->nkids = nk;
    c->keys = first->as.o.keys;
    c->kids = raw_alloc((nk ? nk : 1) * sizeof *c->kids, true);
    if (nk == 0) { raw_free(c->kids, sizeof *c->kids); c->kids = NULL; }
    if (some_invalid) raw_nested_bitmaps(c, s, n, GM_OBJECT, some_null);
    const gm_value **flat = raw_alloc((n ? n : 1) * sizeof *flat, false);   /* scratch */
    for (size_t j = 0; j < nk; j++) {
        for (size_t i = 0; i < n; i++) {
            const gm_value *v = raw_src_get(s, i, c->key);
            flat[i] = v != NULL && v->type == GM_OBJECT ? &v->as.o.vals[j] : NULL;
        }
        raw_src fs = { s->d, s->nodes, NULL, flat };
        raw_col_build(&c->kids[j], &fs, n, c->key);
    }
    raw_free(flat, (n ? n : 1) * sizeof *flat);
    return true;
}

static void raw_col_build(raw_col *c, const raw_src *s, size_t n, const char *key)
{
    memset(c, 0, sizeof *c);
    c->key = key;
    c->n = n;
    size_t cnt[7] = {0}, absent = 0;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    size_t strbytes = 0;
    for (size_t i = 0; i < n; i++) {
        const gm_value *v = raw_src_get(s, i, key);
        if (v == NULL) { absent++; continue; }
        cnt[v->type]++;
        if (v->type == GM_INT) { if (v->as.i < lo) lo = v->as.i; if (v->as.i > hi) hi = v->as.i; }
        if (v->type == GM_STRING) strbytes += v->as.s.len;
    }
    size_t nonnull = n - absent - cnt[GM_NULL];
    int kinds = (cnt[GM_BOOL] > 0) + (cnt[GM_INT] > 0) + (cnt[GM_DOUBLE] > 0) + (cnt[GM_STRING] > 0) +
                (cnt[GM_ARRAY] > 0) + (cnt[GM_OBJECT] > 0);
    bool mixed = kinds > 1 || cnt[GM_ARRAY] || cnt[GM_OBJECT];
    if (kinds == 1 && cnt[GM_ARRAY] && raw_list_build(c, s, n, absent + cnt[GM_NULL] > 0, cnt[GM_NULL] > 0))
        return;
    if (kinds == 1 && cnt[GM_OBJECT] && raw_struct_build(c, s, n, absent + cnt[GM_NULL] > 0, cnt[GM_NULL] > 0))
        return;
    /* ints and doubles only, every int exact as a double: one f64 column, the ints marked */
    bool numeric = kinds == 2 && cnt[GM_INT] && cnt[GM_DOUBLE] && lo >= -(INT64_C(1) << 53) &&
                   hi <= (INT64_C(1) << 53);
    if (numeric) mixed = false;
    if (!mixed && nonnull < n) {
        c->valid = raw_alloc(raw_bm(n), true);
        if (cnt[GM_NULL]) c->nulls = raw_alloc(raw_bm(n), true);
    }
    if (!mixed && cnt[GM_STRING]) {
        /* distinct strings through a scratch hash set (first-appearance order, borrowed
        ** pointers); a dictionary (codes of 1, 2 or 4 bytes by cardinality + the distinct
        ** strings once) when <= 256 distinct or when it is smaller than the arena */
        /* first up to 256 distinct by a linear scan (2 KB of scratch, the common case); only a
        ** column with more pays for the hash set and a code per item */
        size_t nstr = cnt[GM_STRING], hcap = 0, ndist = 256;
        uint32_t *ht = NULL, *code = NULL;
        const gm_str **dist = raw_alloc(ndist * sizeof *dist, false);
        size_t nd = 0, dbytes = 0;
        bool small = true;
        for (size_t i = 0; i < n && small; i++) {
            const gm_value *v = raw_src_get(s, i, key);
            if (v == NULL || v->type != GM_STRING) continue;
            size_t j = 0;
            while (j < nd && !(dist[j]->len == v->as.s.len &&
                               memcmp(dist[j]->ptr, v->as.s.ptr, v->as.s.len) == 0)) j++;
            if (j == nd) {
                if (nd == 256) small = false;
                else { dist[nd++] = &v->as.s; dbytes += v->as.s.len; }
            }
        }
        if (!small) {                    /* more than 256 distinct */
            raw_free(dist, ndist * sizeof *dist);
            hcap = 16;
            while (hcap < 2 * nstr) hcap <<= 1;
            ht = raw_alloc(hcap * sizeof *ht, true);
            ndist = nstr;
            dist = raw_alloc(ndist * sizeof *dist, false);
            code = raw_alloc(n * sizeof *code, false);
            nd = 0;
            dbytes = 0;
            for (size_t i = 0; i < n; i++) {
                const gm_value *v = raw_src_get(s, i, key);
                code[i] = 0;
                if (v == NULL || v->type != GM_STRING) continue;
                size_t h = (size_t)raw_hash(v->as.s.ptr, v->as.s.len) & (hcap - 1);
                while (ht[h] != 0 && !(dist[ht[h] - 1]->len == v->as.s.len &&
                                       memcmp(dist[ht[h] - 1]->ptr, v->as.s.ptr, v->as.s.len) == 0))
                    h = (h + 1) & (hcap - 1);
                if (ht[h] == 0) { dist[nd] = &v->as.s; dbytes += v->as.s.len; ht[h] = (uint32_t)++nd; }
                code[i] = ht[h] - 1;
            }
        }
        unsigned w = nd <= 256 ? 1 : nd <= 65536 ? 2 : 4;
        size_t dict_cost = n * w + dbytes + (nd + 1) * sizeof(uint32_t);
        size_t arena_cost = strbytes + (n + 1) * sizeof(uint32_t);
        if (nd <= 256 || dict_cost < arena_cost) {
            c->kind = RAW_DICT;
            c->width = w;
            c->ndict = nd;
            c->offs = raw_alloc((nd + 1) * sizeof *c->offs, false);
            c->arena_bytes = dbytes;
            c->arena = raw_alloc(dbytes, false);
            size_t at = 0;
            for (size_t j = 0; j < nd; j++) {
                c->offs[j] = (uint32_t)at;
                memcpy(c->arena + at, dist[j]->ptr, dist[j]->len);
                at += dist[j]->len;
            }
            c->offs[nd] = (uint32_t)at;
            c->data_bytes = n * w;
            c->data = raw_alloc(c->data_bytes, true);
            for (size_t i = 0; code != NULL && i < n; i++) raw_code_put(c, i, code[i]);
            for (size_t i = 0; code == NULL && i < n; i++) {
                const gm_value *v = raw_src_get(s, i, key);
                if (v == NULL || v->type != GM_STRING) continue;
                size_t j = 0;
                while (!(dist[j]->len == v->as.s.len &&
                         memcmp(dist[j]->ptr, v->as.s.ptr, v->as.s.len) == 0)) j++;
                raw_code_put(c, i, j);
            }
        } else {
            c->kind = RAW_STR;
            c->offs = raw_alloc((n + 1) * sizeof *c->offs, false);
            c->arena_bytes = strbytes;
            c->arena = raw_alloc(strbytes, false);
            size_t at = 0;
            for (size_t i = 0; i < n; i++) {
                c->offs[i] = (uint32_t)at;
                const gm_value *v = raw_src_get(s, i, key);
                if (v == NULL || v->type != GM_STRING) continue;
                memcpy(c->arena + at, v->as.s.ptr, v->as.s.len);
                at += v->as.s.len;
            }
            c->offs[n] = (uint32_t)at;
        }
        if (code) raw_free(code, n * sizeof *code);
        raw_free(dist, ndist * sizeof *dist);
        if (ht) raw_free(ht, hcap * sizeof *ht);
    } else if (numeric) {
        c->kind = RAW_F64;
        c->data_bytes = n * sizeof(double);
        c->data = raw_alloc(c->data_bytes, true);
        c->ints = raw_alloc(raw_bm(n), true);
    } else if (!mixed && cnt[GM_INT]) {
        c->kind = RAW_INT;
        c->width = raw_width(lo, hi);
        size_t nexc = 0;
        if (lo == hi) {                  /* one value (a sentinel everywhere): no array */
            c->width = 0;
            c->base = lo;
        } else if (c->width > 1) {       /* a narrower width + exceptions, when that is smaller */
            size_t out[3] = {0};         /* values outside int8, int16, int32 */
            for (size_t i = 0; i < n; i++) {
                const gm_value *v = raw_src_get(s, i, key);
                if (v == NULL || v->type != GM_INT) continue;
                unsigned w = raw_width(v->as.i, v->as.i);
                out[0] += w > 1;
                out[1] += w > 2;
                out[2] += w > 4;
            }
            size_t best = n * c->width;
            static const unsigned ws[3] = {1, 2, 4};
            for (int j = 0; j < 3 && ws[j] < c->width; j++) {
                size_t cost = n * ws[j] + out[j] * (sizeof(uint32_t) + sizeof(int64_t));
                if (cost < best) { best = cost; nexc = out[j]; c->width = ws[j]; }
            }
        }
        c->data_bytes = n * c->width;
        c->data = raw_alloc(c->data_bytes, true);
        c->nexc = nexc;
        if (nexc) c->exc = raw_alloc(raw_exc_bytes(c), false);
    } else if (!mixed && cnt[GM_DOUBLE]) {
        c->kind = RAW_F64;
        c->data_bytes = n * sizeof(double);
        c->data = raw_alloc(c->data_bytes, true);
    } else if (!mixed) {                 /* bools, or only nulls (kept as an all-invalid bool column) */
        c->kind = RAW_BOOL;
        c->data_bytes = raw_bm(n);
        c->data = raw_alloc(c->data_bytes, true);
    } else {
        c->kind = RAW_MIXED;
        c->data_bytes = n;
        c->data = raw_alloc(n, false);
        c->offs = raw_alloc((n + 1) * sizeof *c->offs, false);
        /* pass 1: sizes (arrays/objects as JSON text, made twice: once to size, once to copy) */
        size_t bytes = 0;
        for (size_t i = 0; i < n; i++) {
            const gm_value *v = raw_src_get(s, i, key);
            if (v == NULL || v->type == GM_NULL) continue;
            if (v->type == GM_BOOL) bytes += 1;
            else if (v->type == GM_INT || v->type == GM_DOUBLE) bytes += 8;
            else if (v->type == GM_STRING) bytes += v->as.s.len;
            else {
                size_t len;
                char *j = gmh_value_json(v, &len);
                if (j == NULL) gmh_die(1, "out of memory");
                bytes += len;
                free(j);
            }
        }
        c->arena_bytes = bytes;
        c->arena = raw_alloc(bytes, false);
        size_t at = 0;
        for (size_t i = 0; i < n; i++) {
            const gm_value *v = raw_src_get(s, i, key);
            c->offs[i] = (uint32_t)at;
            ((uint8_t *)c->data)[i] = v ? (uint8_t)v->type : RAW_ABSENT;
            if (v == NULL || v->type == GM_NULL) continue;
            char *p = c->arena + at;
            switch (v->type) {
            case GM_BOOL: *p = (char)v->as.b; at += 1; break;
            case GM_INT: memcpy(p, &v->as.i, 8); at += 8; break;
            case GM_DOUBLE: memcpy(p, &v->as.d, 8); at += 8; break;
            case GM_STRING: memcpy(p, v->as.s.ptr, v->as.s.len); at += v->as.s.len; break;
            default: {
                size_t len;
                char *j = gmh_value_json(v, &len);
                if (j == NULL) gmh_die(1, "out of memory");
                memcpy(p, j, len);
                at += len;
                free(j);
            }
            }
        }
        c->offs[n] = (uint32_t)at;
        return;
    }
    /* fill typed values and bitmaps */
    size_t kexc = 0;
    for (size_t i = 0; i < n; i++) {
        const gm_value *v = raw_src_get(s, i, key);
        if (v == NULL) continue;
        if (v->type == GM_NULL) { if (c->nulls) raw_setbit(c->nulls, i); continue; }
        if (c->valid) raw_setbit(c->valid, i);
        switch (c->kind) {
        case RAW_INT: raw_int_fill(c, i, v->as.i, &kexc); break;
        case RAW_F64:
            if (v->type == GM_INT) { ((double *)c->data)[i] = (double)v->as.i; raw_setbit(c->ints, i); }
            else ((double *)c->data)[i] = v->as.d;
            break;
        case RAW_BOOL: if (v->as.b) raw_setbit(c->data, i); break;
        default: break;
        }
    }
}

static const char *raw_col_layout(const raw_col *c, char *buf, size_t len)
{
    static const char *const k[] = { "int", "f64", "bits", "dict-u8", "str-arena-u32", "mixed-tagged", "list" };
    if (c->kind == RAW_INT && c->width == 0) snprintf(buf, len, "const int64");
    else if (c->kind == RAW_INT && c->nexc)
        snprintf(buf, len, "int%u +%zu exceptions", c->width * 8, c->nexc);
    else if (c->kind == RAW_INT) snprintf(buf, len, "int%u", c->width * 8);
    else if (c->kind == RAW_LIST) {
        char sub[64];
        raw_col_layout(c->child, sub, sizeof sub);
        if (c->offs) snprintf(buf, len, "list<%s> offs-u32", sub);
        else snprintf(buf, len, "list<%s>[%zu]", sub, c->fixed);
    }
    else if (c->kind == RAW_DICT) snprintf(buf, len, "dict-u%u (%zu distinct)", c->width * 8, c->ndict);
    else if (c->kind == RAW_STRUCT) {
        size_t at = (size_t)snprintf(buf, len, "struct<");
        for (size_t j = 0; j < c->nkids && at < len; j++) {
            char sub[96];
            raw_col_layout(&c->kids[j], sub, sizeof sub);
            at += (size_t)snprintf(buf + at, len - at, "%s%.*s: %s", j ? "; " : "", (int)c->keys[j].len,
                                   c->keys[j].ptr, sub);
        }
        if (at < len) snprintf(buf + at, len - at, ">");
    }
    else if (c->kind == RAW_F64 && c->ints) snprintf(buf, len, "f64 +ints");
    else snprintf(buf, len, "%s", k[c->kind]);
    size_t l = strlen(buf);
    snprintf(buf + l, len - l, "%s%s", c->valid ? " +valid" : "", c->nulls ? " +nulls" : "");
    return buf;
}

/* Widen an int column so that [lo, hi] fits. */
static void raw_col_widen(raw_col *c, int64_t lo, int64_t hi)
{
    unsigned w = raw_width(lo, hi);
    if (w <= c->width) return;
    void *nd = raw_alloc(c->n * w, false);
    raw_col t = *c;
    t.data = nd;
    t.width = w;
    for (size_t i = 0; i < c->n; i++) raw_int_put(&t, i, raw_int_at(c, i));
    raw_free(c->data, c->data_bytes);
    c->data = nd;
    c->width = w;
    c->data_bytes = c->n * w;
}

static uint64_t raw_hash(const char *s, size_t n)    /* FNV-1a */
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) { h ^= (unsigned char)s[i]; h *= 1099511628211ULL; }
    return h;
}

/* Home slot of hash h in a table of cap slots (any cap: multiply-shift, no power of two). */
static size_t raw_home(uint64_t h, size_t cap)
{
    return (size_t)(((unsigned __int128)h * cap) >> 64);
}

static long raw_find(const raw_graph *g, const char *id, size_t len)
{
    for (size_t s = raw_home(raw_hash(id, len), g->tcap);; s = s + 1 == g->tcap ? 0 : s + 1) {
        uint32_t v = g->table[s];
        if (v == 0) return -1;
        uint32_t a = g->id_off[v - 1], b = g->id_off[v];
        if (b - a == len && memcmp(g->ids + a, id, len) == 0) return (long)(v - 1);
    }
}

static void raw_build(raw_graph *g, const gmh_data *d)
{
    memset(g, 0, sizeof *g);
    size_t n = d->nnodes, m = d->nedges;
    g->n = n;
    g->m = m;
    g->live = n;
    for (size_t i = 0; i < n; i++) g->ids_bytes += d->nodes[i].idlen;
    g->ids = raw_alloc(g->ids_bytes, false);
    g->id_off = raw_alloc((n + 1) * sizeof *g->id_off, false);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        g->id_off[i] = (uint32_t)at;
        memcpy(g->ids + at, d->nodes[i].id, d->nodes[i].idlen);
        at += d->nodes[i].idlen;
    }
    g->id_off[n] = (uint32_t)at;
    g->tcap = (n * 4 + 2) / 3 + 1;                      /* > 4n/3: load below 3/4, one slot free */
    g->table = raw_alloc(g->tcap * sizeof *g->table, true);
    for (size_t i = 0; i < n; i++) {
        size_t s = raw_home(raw_hash(d->nodes[i].id, d->nodes[i].idlen), g->tcap);
        while (g->table[s] != 0) s = s + 1 == g->tcap ? 0 : s + 1;
        g->table[s] = (uint32_t)i + 1;
    }
    /* CSR by a stable counting sort on src; perm (scratch) maps CSR position -> edge record */
    raw_bits *off = &g->out_off;
    raw_bits_init(off, n + 1, m);
    raw_bits_init(&g->targets, m, n ? n - 1 : 0);
    uint32_t *perm = raw_alloc(m * sizeof *perm, false);
    for (size_t e = 0; e < m; e++) {
        size_t s = d->edges[e].src + 1;
        raw_bits_put(off, s, raw_bits_get(off, s) + 1);
    }
    for (size_t i = 0; i < n; i++) raw_bits_put(off, i + 1, raw_bits_get(off, i + 1) + raw_bits_get(off, i));
    for (size_t e = 0; e < m; e++) {
        size_t s = d->edges[e].src;
        uint32_t p = raw_bits_get(off, s);
        raw_bits_put(off, s, p + 1);
        perm[p] = (uint32_t)e;
        raw_bits_put(&g->targets, p, d->edges[e].dst);
    }
    for (size_t i = n; i > 0; i--) raw_bits_put(off, i, raw_bits_get(off, i - 1));
    raw_bits_put(off, 0, 0);
    g->nncol = d->nnode_keys;
    g->necol = d->nedge_keys;
    g->ncol = raw_alloc((g->nncol ? g->nncol : 1) * sizeof *g->ncol, false);
    g->ecol = raw_alloc((g->necol ? g->necol : 1) * sizeof *g->ecol, false);
    raw_src ns = { d, true, NULL, NULL }, es = { d, false, perm, NULL };
    for (size_t k = 0; k < g->nncol; k++) raw_col_build(&g->ncol[k], &ns, n, d->node_keys[k]);
    for (size_t k = 0; k < g->necol; k++) raw_col_build(&g->ecol[k], &es, m, d->edge_keys[k]);
    raw_free(perm, m * sizeof *perm);
}

static void raw_destroy(raw_graph *g)
{
    raw_free(g->ids, g->ids_bytes);
    raw_free(g->id_off, (g->n + 1) * sizeof *g->id_off);
    raw_free(g->table, g->tcap * sizeof *g->table);
    raw_free(g->out_off.p, raw_bits_bytes(&g->out_off));
    raw_free(g->targets.p, raw_bits_bytes(&g->targets));
    for (size_t k = 0; k < g->nncol; k++) raw_col_free(&g->ncol[k]);
    for (size_t k = 0; k < g->necol; k++) raw_col_free(&g->ecol[k]);
    raw_free(g->ncol, (g->nncol ? g->nncol : 1) * sizeof *g->ncol);
    raw_free(g->ecol, (g->necol ? g->necol : 1) * sizeof *g->ecol);
    if (g->dead) raw_free(g->dead, raw_bm(g->n));
    memset(g, 0, sizeof *g);
}

static raw_col *raw_ncol(raw_graph *g, const char *key)
{
    for (size_t k = 0; k < g->nncol; k++) if (strcmp(g->ncol[k].key, key) == 0) return &g->ncol[k];
    return NULL;
}

/* ---------------------------------------------------------------- operations */

typedef struct raw_run {
    gmh_args a;
    gmh_plan plan;
    gmh_data d;
    uint32_t *set_idx; gm_value *set_val; size_t nset;
    gmh_sum set_expect;
    uint32_t *rm;
} raw_run;

static void raw_sum_col(const raw_graph *g, const raw_col *c, gmh_sum *s)
{
    if (c->kind == RAW_INT && c->width != 0 && c->nexc == 0 && c->valid == NULL &&
        g->dead == NULL) {                                                /* dense typed fast path */
        int64_t t = 0;
        switch (c->width) {
        case 1: for (size_t i = 0; i < c->n; i++) t += ((const int8_t *)c->data)[i]; break;
        case 2: for (size_t i = 0; i < c->n; i++) t += ((const int16_t *)c->data)[i]; break;
        case 4: for (size_t i = 0; i < c->n; i++) t += ((const int32_t *)c->data)[i]; break;
        default: for (size_t i = 0; i < c->n; i++) t += ((const int64_t *)c->data)[i]; break;
        }
        s->isum += t;
        return;
    }
    for (size_t i = 0; i < c->n; i++) {
        gm_value v;
        if ((g->dead == NULL || !raw_bit(g->dead, i)) && raw_col_get(c, i, &v)) gmh_sum_add(s, &v);
    }
}

static void raw_op_get(const raw_run *R, const raw_graph *g, const raw_col *c, uint64_t *ns)
{
    gmh_sum sum = {0};
    for (int r = 0; r < R->a.reps; r++) {
        gmh_sum s = {0};
        if (r == 0) GMH_CG_BEGIN();
        uint64_t t0 = gmh_now_ns();
        for (size_t i = 0; i < R->d.nnodes; i++) {
            long idx = raw_find(g, R->d.nodes[i].id, R->d.nodes[i].idlen);
            gm_value v;
            if (idx < 0) gmh_die(1, "get: node \"%s\" not found", R->d.nodes[i].id);
            if (raw_col_get(c, (size_t)idx, &v)) gmh_sum_add(&s, &v);
        }
        ns[r] = gmh_now_ns() - t0;
        if (r == 0) GMH_CG_END("get");
        sum = s;
    }
    gmh_rows_time("get", ns, (size_t)R->a.reps, R->d.nnodes);
    gmh_row_sum("get", &sum);
}

static void raw_op_column(const raw_run *R, const raw_graph *g, const raw_col *c, uint64_t *ns)
{
    gmh_sum sum = {0};
    for (int r = 0; r < R->a.reps; r++) {
        gmh_sum s = {0};
        if (r == 0) GMH_CG_BEGIN();
        uint64_t t0 = gmh_now_ns();
        raw_sum_col(g, c, &s);
        ns[r] = gmh_now_ns() - t0;
        if (r == 0) GMH_CG_END("column");
        sum = s;
    }
    gmh_rows_time("column", ns, (size_t)R->a.reps, g->n);
    gmh_row_sum("column", &sum);
}

/* Write vals[k] into item idx[k] of column c. Ints into an int column (widened first if needed),
** doubles into an f64 column, numbers of either kind into a mixed column (8-byte payload in
** place). Returns false for any other combination. */
static bool raw_set_values(raw_col *c, const uint32_t *idx, const gm_value *vals, size_t n, bool batch)
{
    if (c->kind == RAW_INT) {
        for (size_t k = 0; k < n; k++) if (vals[k].type != GM_INT) return false;
        raw_int_plain(c);
        if (batch) {                     /* one widening decision for the whole batch */
            int64_t lo = INT64_MAX, hi = INT64_MIN;
            for (size_t k = 0; k < n; k++) {
                if (vals[k].as.i < lo) lo = vals[k].as.i;
                if (vals[k].as.i > hi) hi = vals[k].as.i;
            }
            if (n) raw_col_widen(c, lo, hi);
            switch (c->width) {
            case 1: for (size_t k = 0; k < n; k++) ((int8_t *)c->data)[idx[k]] = (int8_t)vals[k].as.i; break;
            case 2: for (size_t k = 0; k < n; k++) ((int16_t *)c->data)[idx[k]] = (int16_t)vals[k].as.i; break;
            case 4: for (size_t k = 0; k < n; k++) ((int32_t *)c->data)[idx[k]] = (int32_t)vals[k].as.i; break;
            default: for (size_t k = 0; k < n; k++) ((int64_t *)c->data)[idx[k]] = vals[k].as.i; break;
            }
        } else
            for (size_t k = 0; k < n; k++) {
                raw_col_widen(c, vals[k].as.i, vals[k].as.i);
                raw_int_put(c, idx[k], vals[k].as.i);
            }
        return true;
    }
    if (c->kind == RAW_F64) {
        for (size_t k = 0; k < n; k++) if (vals[k].type != GM_DOUBLE) return false;
        for (size_t k = 0; k < n; k++) ((double *)c->data)[idx[k]] = vals[k].as.d;
        if (c->ints)
            for (size_t k = 0; k < n; k++) c->ints[idx[k] >> 3] &= (uint8_t)~(1u << (idx[k] & 7));
        return true;
    }
    if (c->kind == RAW_MIXED) {
        for (size_t k = 0; k < n; k++) {
            uint8_t t = ((uint8_t *)c->data)[idx[k]];
            if ((t != GM_INT && t != GM_DOUBLE) || (vals[k].type != GM_INT && vals[k].type != GM_DOUBLE))
                return false;
        }
        for (size_t k = 0; k < n; k++) {
            ((uint8_t *)c->data)[idx[k]] = (uint8_t)vals[k].type;
            memcpy(c->arena + c->offs[idx[k]], &vals[k].as.i, 8);
        }
        return true;
    }
    return false;
}

/* Repetition 0 on *first when given (the built graph, seen only by reads), left there with
** set's values; the others on fresh graphs (gmbench.c does the same). */
static void raw_op_set(const raw_run *R, bool batch, uint64_t *ns, raw_graph *first)
{
    const char *op = batch ? "batch-set" : "set";
    gmh_sum after = {0};
    for (int r = 0; r < R->a.reps; r++) {
        bool given = r == 0 && first;
        raw_graph g;
        if (given) g = *first;
        else raw_build(&g, &R->d);
        raw_col *c = raw_ncol(&g, R->plan.numeric_attr);
        if (r == 0) GMH_CG_BEGIN();
        uint64_t t0 = gmh_now_ns();
        bool ok;
        if (batch) ok = raw_set_values(c, R->set_idx, R->set_val, R->nset, true);
        else {
            ok = true;
            for (size_t k = 0; ok && k < R->nset; k++)
                ok = raw_set_values(c, &R->set_idx[k], &R->set_val[k], 1, false);
        }
        ns[r] = gmh_now_ns() - t0;
        if (r == 0) GMH_CG_END(op);
        if (!ok) gmh_die(1, "%s: column \"%s\" cannot take these values in place", op, c->key);
        memset(&after, 0, sizeof after);
        for (size_t k = 0; k < R->nset; k++) {
            gm_value v;
            if (raw_col_get(c, R->set_idx[k], &v)) gmh_sum_add(&after, &v);
        }
        if (given) *first = g;
        else raw_destroy(&g);
    }
    gmh_rows_time(op, ns, (size_t)R->a.reps, R->nset);
    gmh_row_sum(op, &after);
    gmh_check_sum(op, &after, &R->set_expect);
}

static void raw_op_filter(const raw_run *R, raw_graph *g, uint64_t *ns)
{
    size_t nf = R->plan.nfilter, count = 0;
    const raw_col **cols = calloc(nf ? nf : 1, sizeof *cols);
    uint8_t (*dm)[256] = calloc(nf ? nf : 1, sizeof *dm);   /* DICT: per-code verdicts */
    if (cols == NULL || dm == NULL) gmh_die(1, "out of memory");
    for (size_t k = 0; k < nf; k++) cols[k] = raw_ncol(g, R->plan.filter[k].key);
    for (int r = 0; r < R->a.reps; r++) {
        if (r == 0) GMH_CG_BEGIN();
        uint64_t t0 = gmh_now_ns();
        size_t cnt = 0;
        bool none = false;
        for (size_t k = 0; k < nf; k++) {
            const raw_col *c = cols[k];
            if (c == NULL) { none = true; break; }
            if (c->kind == RAW_DICT && c->width == 1)
                for (size_t j = 0; j < c->ndict; j++) {
                    gm_value v = gm_strn(c->arena + c->offs[j], c->offs[j + 1] - c->offs[j]);
                    dm[k][j] = gm_pred_match(&v, R->plan.filter[k].op, &R->plan.filter[k].value);
                }
        }
        for (size_t i = 0; !none && i < g->n; i++) {
            if (g->dead && raw_bit(g->dead, i)) continue;
            bool ok = true;
            for (size_t k = 0; ok && k < nf; k++) {
                const raw_col *c = cols[k];
                if (c->kind == RAW_DICT && c->width == 1 && (c->valid == NULL || raw_bit(c->valid, i))) {
                    ok = dm[k][((const uint8_t *)c->data)[i]];
                    continue;
                }
                if (c->kind == RAW_INT && (c->valid == NULL || raw_bit(c->valid, i)) &&
                    R->plan.filter[k].value.type == GM_INT) {
                    int64_t x = raw_int_get(c, i), y = R->plan.filter[k].value.as.i;
                    switch (R->plan.filter[k].op) {
                    case GM_EQ: ok = x == y; break;
                    case GM_NE: ok = x != y; break;
                    case GM_LT: ok = x < y; break;
                    case GM_LE: ok = x <= y; break;
                    case GM_GT: ok = x > y; break;
                    case GM_GE: ok = x >= y; break;
                    }
                    continue;
                }
                gm_value v;
                ok = gm_pred_match(raw_col_get(c, i, &v) ? &v : NULL, R->plan.filter[k].op,
                                    &R->plan.filter[k].value);
            }
            cnt += ok;
        }
        ns[r] = gmh_now_ns() - t0;
        if (r == 0) GMH_CG_END("filter");
        count = cnt;
    }
    free(cols);
    free(dm);
    gmh_rows_time("filter", ns, (size_t)R->a.reps, g->live);
    gmh_row_u("filter", "checksum", count, "value", "exact");
}

static void raw_op_neighbors(const raw_run *R, const raw_graph *g, uint64_t *ns)
{
    uint64_t sum = 0, items = 0;
    for (int r = 0; r < R->a.reps; r++) {
        uint64_t s = 0, it = 0;
        if (r == 0) GMH_CG_BEGIN();
        uint64_t t0 = gmh_now_ns();
        /* read every target (a node index = its file position); an edge is dead when an end is */
        for (size_t i = 0; i < g->n; i++) {
            uint32_t lo = raw_bits_get(&g->out_off, i), hi = raw_bits_get(&g->out_off, i + 1);
            if (g->dead == NULL) {
                for (uint32_t p = lo; p < hi; p++) s += raw_bits_get(&g->targets, p);
                it += hi - lo;
                continue;
            }
            if (raw_bit(g->dead, i)) continue;
            for (uint32_t p = lo; p < hi; p++) {
                uint32_t t = raw_bits_get(&g->targets, p);
                if (!raw_bit(g->dead, t)) { s += t; it++; }
            }
        }
        ns[r] = gmh_now_ns() - t0;
        if (r == 0) GMH_CG_END("neighbors");
        sum = s;
        items = it;
    }
    gmh_rows_time("neighbors", ns, (size_t)R->a.reps, items);
    gmh_row_u("neighbors", "checksum", sum, "value", "exact");
    uint64_t expect = 0;
    for (size_t i = 0; i < R->d.nedges; i++) expect += R->d.edges[i].dst;
    gmh_check_u("neighbors", sum, expect);
}

/* Repetition 0 on *first (set's graph), destroyed after; the others on fresh graphs. */
static void raw_op_remove(const raw_run *R, uint64_t *ns, raw_graph *first)
{
    size_t left = 0;
    for (int r = 0; r < R->a.reps; r++) {
        raw_graph g;
        if (r == 0) g = *first;
        else raw_build(&g, &R->d);
        if (r == 0) GMH_CG_BEGIN();
        uint64_t t0 = gmh_now_ns();
        if (g.dead == NULL) g.dead = raw_alloc(raw_bm(g.n), true);
        for (size_t k = 0; k < R->plan.nremove; k++)
            if (!raw_bit(g.dead, R->rm[k])) { raw_setbit(g.dead, R->rm[k]); g.live--; }
        ns[r] = gmh_now_ns() - t0;
        if (r == 0) GMH_CG_END("remove");
        left = g.live;
        raw_destroy(&g);
    }
    gmh_rows_time("remove", ns, (size_t)R->a.reps, R->plan.nremove);
    gmh_row_u("remove", "checksum", left, "value", "exact");
    gmh_check_u("remove", left, R->d.nnodes - R->plan.nremove);
}

/* ---------------------------------------------------------------- main */

int main(int argc, char **argv)
{
    raw_run R;
    memset(&R, 0, sizeof R);
    gmh_output_init();
    if (gmh_parse_args(argc, argv, &R.a) != 0) return 2;
    char err[1024];
    size_t mi0 = gmh_mallinfo_bytes();
    uint64_t t0 = gmh_now_ns();
    if (gmh_plan_load(R.a.plan, &R.plan, err, sizeof err) != 0) gmh_die(2, "%s", err);
    if (gmh_data_load(R.a.scenario, &R.d, err, sizeof err) != 0) {
        gmh_plan_free(&R.plan);
        gmh_die(2, "%s", err);
    }
    uint64_t load_ns = gmh_now_ns() - t0;
    size_t mi_load = gmh_mallinfo_bytes() - mi0;
    const gmh_data *d = &R.d;

    /* inputs of the timed loops */
    R.set_idx = calloc(d->nnodes, sizeof *R.set_idx);
    R.set_val = calloc(d->nnodes, sizeof *R.set_val);
    R.rm = calloc(R.plan.nremove ? R.plan.nremove : 1, sizeof *R.rm);
    if (!R.set_idx || !R.set_val || !R.rm) gmh_die(1, "out of memory");
    const gm_value off = R.plan.offset;
    for (size_t i = 0; i < d->nnodes; i++) {
        const gm_value *v = gmh_attr_get(d->nodes[i].attrs, d->nodes[i].nattrs, R.plan.numeric_attr);
        if (v == NULL || (v->type != GM_INT && v->type != GM_DOUBLE)) continue;
        int64_t x;
        gm_value nv;
        if (v->type == GM_INT && off.type == GM_INT && !__builtin_add_overflow(v->as.i, off.as.i, &x))
            nv = gm_int(x);
        else
            nv = gm_double((v->type == GM_INT ? (double)v->as.i : v->as.d) +
                           (off.type == GM_INT ? (double)off.as.i : off.as.d));
        R.set_idx[R.nset] = (uint32_t)i;
        R.set_val[R.nset++] = nv;
        gmh_sum_add(&R.set_expect, &nv);
    }
    for (size_t i = 0; i < R.plan.nremove; i++) {
        long idx = gmh_data_find(d, R.plan.remove[i], strlen(R.plan.remove[i]));
        if (idx < 0) gmh_die(2, "%s: remove names unknown node \"%s\"", R.a.plan, R.plan.remove[i]);
        R.rm[i] = (uint32_t)idx;
    }

    gmh_info("layout", "ids arena+u32 offsets, u32 open-addressing id table, CSR bit-packed (bits(m) offsets, bits(n-1) targets), typed columns");
    gmh_info("int_width", "narrowest of int8/16/32/64 holding the column's values");
    gmh_info("get_addressing", "string_id");
    gmh_info("set_addressing", "node index");
    gmh_info("batch", "typed loop after one widening check");
    gmh_info("remove", "tombstone bitmap");
    gmh_info("allocator", gmh_jemalloc_present() ? "jemalloc" : "glibc");
    gmh_row_u("load", "time_ns", load_ns, "ns", "single");
    gmh_row_u("load", "items", d->nnodes + d->nedges, "count", "exact");
    gmh_row_u("load", "mallinfo_bytes", mi_load, "B", "exact");

    uint64_t *ns = calloc((size_t)R.a.reps, sizeof *ns);
    if (ns == NULL) gmh_die(1, "out of memory");
    raw_graph g;
    gmh_memsnap snap;
    gmh_memsnap_before(&snap);
    size_t live0 = raw_mem.live;
    uint64_t n0 = raw_mem.nalloc;
    raw_mem.peak = raw_mem.live;
    GMH_CG_BEGIN();
    t0 = gmh_now_ns();
    raw_build(&g, d);
    ns[0] = gmh_now_ns() - t0;
    GMH_CG_END("build");
    gmh_memsnap_after_print("build", &snap);
    gmh_row_u("build", "heap_live_bytes", raw_mem.live - live0, "B", "exact");
    gmh_row_u("build", "heap_peak_bytes", raw_mem.peak - live0, "B", "exact");
    gmh_row_u("build", "num_allocs", raw_mem.nalloc - n0, "count", "exact");
    gmh_infof("usage.ids", "%zu", g.ids_bytes + (g.n + 1) * sizeof(uint32_t));
    gmh_infof("usage.id_index", "%zu", g.tcap * sizeof(uint32_t));
    gmh_infof("usage.csr", "%zu", raw_bits_bytes(&g.out_off) + raw_bits_bytes(&g.targets));
    char key[300], lay[96];
    for (size_t k = 0; k < g.nncol; k++) {
        snprintf(key, sizeof key, "usage.node.%s", g.ncol[k].key);
        gmh_infof(key, "%zu", raw_col_bytes(&g.ncol[k]));
        snprintf(key, sizeof key, "layout.node.%s", g.ncol[k].key);
        gmh_info(key, raw_col_layout(&g.ncol[k], lay, sizeof lay));
    }
    for (size_t k = 0; k < g.necol; k++) {
        snprintf(key, sizeof key, "usage.edge.%s", g.ecol[k].key);
        gmh_infof(key, "%zu", raw_col_bytes(&g.ecol[k]));
        snprintf(key, sizeof key, "layout.edge.%s", g.ecol[k].key);
        gmh_info(key, raw_col_layout(&g.ecol[k], lay, sizeof lay));
    }
    for (int r = 1; r < R.a.reps; r++) {
        raw_graph h;
        t0 = gmh_now_ns();
        raw_build(&h, d);
        ns[r] = gmh_now_ns() - t0;
        raw_destroy(&h);
    }
    gmh_rows_time("build", ns, (size_t)R.a.reps, d->nnodes + d->nedges);

    raw_col *num = raw_ncol(&g, R.plan.numeric_attr);
    if (num == NULL) gmh_die(2, "numeric attribute \"%s\": no node has it", R.plan.numeric_attr);
    /* reads first; set's and remove's repetition 0 on the built graph (gmbench.c's order) */
    raw_op_get(&R, &g, num, ns);
    raw_op_column(&R, &g, num, ns);
    raw_op_filter(&R, &g, ns);
    raw_op_neighbors(&R, &g, ns);
    raw_op_set(&R, false, ns, &g);
    raw_op_remove(&R, ns, &g);                   /* destroys g */
    raw_op_set(&R, true, ns, NULL);

    free(ns);
    free(R.set_idx);
    free(R.set_val);
    free(R.rm);
    gmh_data_free(&R.d);
    gmh_plan_free(&R.plan);
    if (raw_mem.live != 0) {
        fprintf(stderr, "raw_floor: %zu counted bytes still live at exit\n", raw_mem.live);
        return 1;
    }
    return gmh_exit_status(fflush(stdout) == 0 ? 0 : 1);
}
