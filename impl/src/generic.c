/*
** generic.c: batch set, column view and filter built only on a backend's single-item slots.
**
** The row-store backends (json, native) have no better way to do these, and doing them through
** attr_get is exactly their cost: for json every read parses text. The column is built in one
** pass over the live nodes: it starts in the typed layout of the first value met and falls back
** to tagged values (GM_COL_VALUES) the first time a value does not fit, converting what it has.
** Everything it allocates hangs off col->priv, so gm_generic_column_release() frees it all.
*/
#include "generic.h"
#include "value.h"

#include <string.h>

typedef struct gm_gcol {
    size_t    len;          /* node bound */
    uint8_t  *valid;
    int64_t  *i64;
    double   *f64;
    uint8_t  *bits;
    uint64_t *offsets;      /* GM_COL_STR: len + 1 */
    char     *bytes;
    size_t    nbytes, capbytes;
    size_t    filled;       /* GM_COL_STR: offsets[0..filled] are final */
    gm_value *values;       /* GM_COL_VALUES: deep copies, GM_NULL where absent */
} gm_gcol;

static const uint8_t gm_gcol_none[1];       /* valid bitmap of a zero-length column */

gm_status gm_generic_set_batch(gm_graph *g, gm_kind k, const char *key, const uint32_t *hs,
                               const gm_value *vals, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        gm_status rc = g->be->attr_set(g, k, hs[i], key, &vals[i]);
        if (rc != GM_OK) return rc;          /* attr_set left the message; a prefix is applied */
    }
    return GM_OK;
}

static void gm_gcol_free(gm_gcol *c)
{
    if (c == NULL) return;
    if (c->values != NULL)
        for (size_t i = 0; i < c->len; i++) gm_value_free(&c->values[i]);
    gm_mem_free(c->values);
    gm_mem_free(c->valid);
    gm_mem_free(c->i64);
    gm_mem_free(c->f64);
    gm_mem_free(c->bits);
    gm_mem_free(c->offsets);
    gm_mem_free(c->bytes);
    gm_mem_free(c);
}

static void *gm_gcol_zalloc(size_t n, size_t size)
{
    if (n > SIZE_MAX / size) return NULL;
    void *p = gm_mem_alloc(n * size);
    if (p != NULL) memset(p, 0, n * size);
    return p;
}

static bool gm_bit(const uint8_t *b, size_t i) { return (b[i / 8] >> (i % 8)) & 1u; }
static void gm_bit_set(uint8_t *b, size_t i) { b[i / 8] |= (uint8_t)(1u << (i % 8)); }

static gm_col_layout gm_gcol_layout_of(gm_type t)
{
    switch (t) {
    case GM_INT:    return GM_COL_I64;
    case GM_DOUBLE: return GM_COL_F64;
    case GM_BOOL:   return GM_COL_BOOL;
    case GM_STRING: return GM_COL_STR;
    default:        return GM_COL_VALUES;
    }
}

/* Allocate the arrays of a typed layout. */
static gm_status gm_gcol_start(gm_gcol *c, gm_col_layout l)
{
    switch (l) {
    case GM_COL_I64:  c->i64 = gm_gcol_zalloc(c->len, sizeof *c->i64); return c->i64 ? GM_OK : GM_ENOMEM;
    case GM_COL_F64:  c->f64 = gm_gcol_zalloc(c->len, sizeof *c->f64); return c->f64 ? GM_OK : GM_ENOMEM;
    case GM_COL_BOOL: c->bits = gm_gcol_zalloc((c->len + 7) / 8, 1);   return c->bits ? GM_OK : GM_ENOMEM;
    case GM_COL_STR:
        c->offsets = gm_gcol_zalloc(c->len + 1, sizeof *c->offsets);
        return c->offsets ? GM_OK : GM_ENOMEM;
    default:
        c->values = gm_gcol_zalloc(c->len, sizeof *c->values);
        return c->values ? GM_OK : GM_ENOMEM;
    }
}

/* Move a typed column to tagged values: every value already stored becomes a gm_value. */
static gm_status gm_gcol_to_values(gm_gcol *c, gm_col_layout from, size_t upto)
{
    gm_gcol tmp = *c;                          /* the typed arrays, freed on success */

    if ((c->values = gm_gcol_zalloc(c->len, sizeof *c->values)) == NULL) return GM_ENOMEM;
    for (size_t i = 0; i < upto; i++) {
        if (!gm_bit(c->valid, i)) continue;
        gm_value v;
        switch (from) {
        case GM_COL_I64:  v = gm_int(c->i64[i]); break;
        case GM_COL_F64:  v = gm_double(c->f64[i]); break;
        case GM_COL_BOOL: v = gm_bool(gm_bit(c->bits, i)); break;
        default:
            v = gm_strn(c->bytes ? c->bytes + c->offsets[i] : "", (size_t)(c->offsets[i + 1] - c->offsets[i]));
            break;
        }
        if (gm_value_copy(&c->values[i], &v) != GM_OK) {
            for (size_t j = 0; j < i; j++) gm_value_free(&c->values[j]);
            gm_mem_free(c->values);
            c->values = NULL;
            return GM_ENOMEM;
        }
    }
    gm_mem_free(tmp.i64);  c->i64 = NULL;
    gm_mem_free(tmp.f64);  c->f64 = NULL;
    gm_mem_free(tmp.bits); c->bits = NULL;
    gm_mem_free(tmp.offsets); c->offsets = NULL;
    gm_mem_free(tmp.bytes);   c->bytes = NULL;
    c->nbytes = c->capbytes = 0;
    return GM_OK;
}

/* Append node n's string; nodes between the last one and n get empty ranges. */
static gm_status gm_gcol_put_str(gm_gcol *c, size_t n, const gm_str *s)
{
    if (s->len > c->capbytes - c->nbytes) {
        size_t cap = c->capbytes * 2;
        if (cap < c->nbytes + s->len) cap = c->nbytes + s->len;
        if (cap < 64) cap = 64;
        char *b = c->bytes == NULL ? gm_mem_alloc(cap) : gm_mem_realloc(c->bytes, cap);
        if (b == NULL) return GM_ENOMEM;
        c->bytes = b;
        c->capbytes = cap;
    }
    for (; c->filled < n; c->filled++) c->offsets[c->filled + 1] = c->nbytes;
    if (s->len > 0) memcpy(c->bytes + c->nbytes, s->ptr, s->len);
    c->nbytes += s->len;
    c->offsets[n + 1] = c->nbytes;
    c->filled = n + 1;
    return GM_OK;
}

gm_status gm_generic_column(gm_graph *g, const char *key, gm_column *out)
{
    const gm_backend *be = g->be;
    gm_col_layout layout = GM_COL_EMPTY;
    gm_status rc = GM_ENOMEM;
    gm_node n = GM_NONE;
    gm_value v;
    gm_gcol *c = gm_gcol_zalloc(1, sizeof *c);

    if (c == NULL) goto oom;
    c->len = be->node_bound(g);
    if (c->len > 0 && (c->valid = gm_gcol_zalloc((c->len + 7) / 8, 1)) == NULL) goto oom;

    while (be->node_next(g, &n) == GM_OK) {
        rc = be->attr_get(g, GM_KNODE, n, key, &v);
        if (rc == GM_ABSENT) continue;
        if (rc != GM_OK) goto fail;              /* attr_get left the message */
        rc = GM_ENOMEM;
        gm_col_layout want = gm_gcol_layout_of(v.type);
        if (layout == GM_COL_EMPTY) {
            if (gm_gcol_start(c, want) != GM_OK) goto oom;
            layout = want;
        } else if (layout != GM_COL_VALUES && want != layout) {
            if (gm_gcol_to_values(c, layout, n) != GM_OK) goto oom;
            layout = GM_COL_VALUES;
        }
        switch (layout) {
        case GM_COL_I64:  c->i64[n] = v.as.i; break;
        case GM_COL_F64:  c->f64[n] = v.as.d; break;
        case GM_COL_BOOL: if (v.as.b) gm_bit_set(c->bits, n); break;
        case GM_COL_STR:  if (gm_gcol_put_str(c, n, &v.as.s) != GM_OK) goto oom; break;
        default:          if (gm_value_copy(&c->values[n], &v) != GM_OK) goto oom; break;
        }
        gm_bit_set(c->valid, n);
    }
    if (layout == GM_COL_STR)
        for (; c->filled < c->len; c->filled++) c->offsets[c->filled + 1] = c->nbytes;

    memset(out, 0, sizeof *out);
    out->layout = layout;
    out->len = c->len;
    out->valid = c->valid != NULL ? c->valid : gm_gcol_none;
    out->i64 = c->i64;
    out->f64 = c->f64;
    out->bits = c->bits;
    out->offsets = c->offsets;
    out->bytes = c->bytes != NULL ? c->bytes : "";
    out->values = c->values;
    out->aliased = false;
    out->priv = c;
    return GM_OK;
oom:
    rc = gm_fail(g, GM_ENOMEM, "out of memory building column '%s'", key);
fail:
    gm_gcol_free(c);
    memset(out, 0, sizeof *out);
    return rc;
}

void gm_generic_column_release(gm_graph *g, gm_column *col)
{
    (void)g;
    if (col == NULL) return;
    gm_gcol_free(col->priv);
    memset(col, 0, sizeof *col);
}

gm_status gm_generic_filter(gm_graph *g, const gm_pred *preds, size_t npreds, gm_list *out)
{
    const gm_backend *be = g->be;
    gm_node n = GM_NONE;
    gm_value v;

    out->len = 0;
    while (be->node_next(g, &n) == GM_OK) {
        bool match = true;
        for (size_t i = 0; i < npreds && match; i++) {
            gm_status rc = be->attr_get(g, GM_KNODE, n, preds[i].key, &v);
            if (rc == GM_ABSENT) match = false;
            else if (rc != GM_OK) { out->len = 0; return rc; }
            else match = gm_pred_match(&v, preds[i].op, &preds[i].value);
        }
        if (match && gm_list_push(out, n) != GM_OK) {
            out->len = 0;
            return gm_fail(g, GM_ENOMEM, "out of memory in filter");
        }
    }
    return GM_OK;
}
