/*
** graph.c: the registry of backends and the public gm_* entry points.
**
** Each public function validates its arguments once (graph, keys, values, handle liveness) and
** then dispatches through g->be, so backends never re-check (cf. SQLite's sqlite3OsRead wrappers).
** A new backend joins by one line in gm_backends[] below.
*/
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "backend.h"
#include "map.h"
#include "jsoncodec.h"

static const gm_backend *const gm_backends[] = {
    &gm_json_backend,
    &gm_native_backend,
    &gm_columnar_backend,
    &gm_zerocopy_backend,
    &gm_compact_backend,
};
#define GM_NBACKENDS (sizeof gm_backends / sizeof gm_backends[0])

size_t gm_backend_count(void) { return GM_NBACKENDS; }

const char *gm_backend_name(size_t i)
{
    return i < GM_NBACKENDS ? gm_backends[i]->name : NULL;
}

gm_status gm_fail(gm_graph *g, gm_status s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->msg, sizeof g->msg, fmt, ap);
    va_end(ap);
    return s;
}

static void gm_set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (err == NULL || errlen == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

gm_status gm_open(const char *backend, gm_graph **out, char *err, size_t errlen)
{
    if (out == NULL) { gm_set_err(err, errlen, "gm_open: out is NULL"); return GM_EINVAL; }
    *out = NULL;
    const gm_backend *be = NULL;
    for (size_t i = 0; backend != NULL && i < GM_NBACKENDS; i++)
        if (strcmp(gm_backends[i]->name, backend) == 0) be = gm_backends[i];
    if (be == NULL) {
        char names[256] = "";
        for (size_t i = 0; i < GM_NBACKENDS; i++) {
            if (i > 0) strncat(names, ", ", sizeof names - strlen(names) - 1);
            strncat(names, gm_backends[i]->name, sizeof names - strlen(names) - 1);
        }
        gm_set_err(err, errlen, "unknown backend '%s'; known backends: %s",
                   backend ? backend : "(null)", names);
        return GM_EINVAL;
    }
    gm_json_hooks_install();
    gm_graph *g = NULL;
    gm_status rc = be->open(&g);
    if (rc != GM_OK) {
        gm_set_err(err, errlen, "cannot open a '%s' graph: %s", be->name, gm_strerror(rc));
        return rc;
    }
    g->be = be;
    g->msg[0] = '\0';
    *out = g;
    return GM_OK;
}

void gm_close(gm_graph *g)
{
    if (g != NULL) g->be->close(g);
}

const char *gm_graph_backend(const gm_graph *g) { return g ? g->be->name : NULL; }

const char *gm_errmsg(const gm_graph *g) { return g ? g->msg : "no graph (NULL handle)"; }

/* ---- argument checks shared by the wrappers; each returns GM_OK or records the error ---- */

#define GM_ENTER(g) do { if ((g) == NULL) return GM_EINVAL; (g)->msg[0] = '\0'; } while (0)

static gm_status gm_check_key(gm_graph *g, const char *key)
{
    if (key == NULL || key[0] == '\0') return gm_fail(g, GM_EINVAL, "attribute key is NULL or empty");
    return GM_OK;
}

static gm_status gm_check_value(gm_graph *g, const gm_value *v)
{
    if (v == NULL) return gm_fail(g, GM_EINVAL, "value is NULL");
    if (gm_value_check(v) != GM_OK)
        return gm_fail(g, GM_EINVAL, "value cannot be stored (NaN/Inf, a NUL byte in a string, or a NULL payload)");
    return GM_OK;
}

static gm_status gm_check_node(gm_graph *g, gm_node n)
{
    if (!g->be->node_live(g, n)) return gm_fail(g, GM_ENOTFOUND, "unknown node %" PRIu32, n);
    return GM_OK;
}

static gm_status gm_check_edge(gm_graph *g, gm_edge e)
{
    if (!g->be->edge_live(g, e)) return gm_fail(g, GM_ENOTFOUND, "unknown edge %" PRIu32, e);
    return GM_OK;
}

static gm_status gm_check_handle(gm_graph *g, gm_kind k, uint32_t h)
{
    return k == GM_KNODE ? gm_check_node(g, h) : gm_check_edge(g, h);
}

#define GM_TRY(expr) do { gm_status rc_ = (expr); if (rc_ != GM_OK) return rc_; } while (0)
#define GM_NEED(g, p) do { if ((p) == NULL) return gm_fail((g), GM_EINVAL, "%s is NULL", #p); } while (0)

/* ---- nodes ---- */

gm_status gm_node_add(gm_graph *g, const char *id, size_t len, gm_node *out)
{
    GM_ENTER(g);
    if (id == NULL && len > 0) return gm_fail(g, GM_EINVAL, "node id is NULL");
    gm_node tmp;
    return g->be->node_add(g, id ? id : "", len, out ? out : &tmp);
}

gm_status gm_node_find(gm_graph *g, const char *id, size_t len, gm_node *out)
{
    GM_ENTER(g);
    if (id == NULL && len > 0) return gm_fail(g, GM_EINVAL, "node id is NULL");
    GM_NEED(g, out);
    return g->be->node_find(g, id ? id : "", len, out);
}

gm_status gm_node_id(gm_graph *g, gm_node n, gm_str *out)
{
    GM_ENTER(g);
    GM_NEED(g, out);
    GM_TRY(gm_check_node(g, n));
    return g->be->node_id(g, n, out);
}

gm_status gm_node_remove(gm_graph *g, gm_node n)
{
    GM_ENTER(g);
    GM_TRY(gm_check_node(g, n));
    return g->be->node_remove(g, n);
}

size_t gm_node_count(const gm_graph *g) { return g ? g->be->node_count(g) : 0; }
size_t gm_node_bound(const gm_graph *g) { return g ? g->be->node_bound(g) : 0; }

gm_status gm_node_next(gm_graph *g, gm_node *it)
{
    GM_ENTER(g);
    GM_NEED(g, it);
    return g->be->node_next(g, it);
}

/* ---- edges ---- */

gm_status gm_edge_add(gm_graph *g, gm_node src, gm_node dst, gm_edge *out)
{
    GM_ENTER(g);
    GM_TRY(gm_check_node(g, src));
    GM_TRY(gm_check_node(g, dst));
    gm_edge tmp;
    return g->be->edge_add(g, src, dst, out ? out : &tmp);
}

gm_status gm_edge_remove(gm_graph *g, gm_edge e)
{
    GM_ENTER(g);
    GM_TRY(gm_check_edge(g, e));
    return g->be->edge_remove(g, e);
}

gm_status gm_edge_ends(gm_graph *g, gm_edge e, gm_node *src, gm_node *dst)
{
    GM_ENTER(g);
    GM_TRY(gm_check_edge(g, e));
    gm_node s, d;
    return g->be->edge_ends(g, e, src ? src : &s, dst ? dst : &d);
}

size_t gm_edge_count(const gm_graph *g) { return g ? g->be->edge_count(g) : 0; }
size_t gm_edge_bound(const gm_graph *g) { return g ? g->be->edge_bound(g) : 0; }

gm_status gm_edge_next(gm_graph *g, gm_edge *it)
{
    GM_ENTER(g);
    GM_NEED(g, it);
    return g->be->edge_next(g, it);
}

gm_status gm_out_neighbors(gm_graph *g, gm_node n, gm_neighbors *out)
{
    GM_ENTER(g);
    GM_NEED(g, out);
    GM_TRY(gm_check_node(g, n));
    return g->be->out_neighbors(g, n, out);
}

gm_status gm_out_degree(gm_graph *g, gm_node n, size_t *out)
{
    GM_ENTER(g);
    GM_NEED(g, out);
    GM_TRY(gm_check_node(g, n));
    return g->be->out_degree(g, n, out);
}

gm_status gm_in_degree(gm_graph *g, gm_node n, size_t *out)
{
    GM_ENTER(g);
    GM_NEED(g, out);
    GM_TRY(gm_check_node(g, n));
    return g->be->in_degree(g, n, out);
}

/* ---- attributes ---- */

static gm_status gm_attr_set(gm_graph *g, gm_kind k, uint32_t h, const char *key, const gm_value *v)
{
    GM_ENTER(g);
    GM_TRY(gm_check_key(g, key));
    GM_TRY(gm_check_value(g, v));
    GM_TRY(gm_check_handle(g, k, h));
    return g->be->attr_set(g, k, h, key, v);
}

static gm_status gm_attr_get(gm_graph *g, gm_kind k, uint32_t h, const char *key, gm_value *out)
{
    GM_ENTER(g);
    GM_TRY(gm_check_key(g, key));
    GM_NEED(g, out);
    GM_TRY(gm_check_handle(g, k, h));
    return g->be->attr_get(g, k, h, key, out);
}

static gm_status gm_attr_unset(gm_graph *g, gm_kind k, uint32_t h, const char *key)
{
    GM_ENTER(g);
    GM_TRY(gm_check_key(g, key));
    GM_TRY(gm_check_handle(g, k, h));
    return g->be->attr_unset(g, k, h, key);
}

static gm_status gm_attr_set_batch(gm_graph *g, gm_kind k, const char *key, const uint32_t *hs,
                                   const gm_value *vals, size_t count)
{
    GM_ENTER(g);
    GM_TRY(gm_check_key(g, key));
    if (count == 0) return GM_OK;
    GM_NEED(g, hs);
    GM_NEED(g, vals);
    for (size_t i = 0; i < count; i++) {
        GM_TRY(gm_check_handle(g, k, hs[i]));
        GM_TRY(gm_check_value(g, &vals[i]));
    }
    return g->be->attr_set_batch(g, k, key, hs, vals, count);
}

gm_status gm_node_set(gm_graph *g, gm_node n, const char *key, const gm_value *v)
{ return gm_attr_set(g, GM_KNODE, n, key, v); }
gm_status gm_edge_set(gm_graph *g, gm_edge e, const char *key, const gm_value *v)
{ return gm_attr_set(g, GM_KEDGE, e, key, v); }
gm_status gm_node_get(gm_graph *g, gm_node n, const char *key, gm_value *out)
{ return gm_attr_get(g, GM_KNODE, n, key, out); }
gm_status gm_edge_get(gm_graph *g, gm_edge e, const char *key, gm_value *out)
{ return gm_attr_get(g, GM_KEDGE, e, key, out); }
static const char *const gm_type_names[] = {
    "null", "bool", "int", "double", "string", "array", "object"
};

static gm_status gm_node_get_typed(gm_graph *g, gm_node n, const char *key, gm_type want,
                                   gm_value *v)
{
    gm_status rc = gm_attr_get(g, GM_KNODE, n, key, v);
    if (rc == GM_OK && v->type != want)
        return gm_fail(g, GM_ETYPE, "attribute '%s' of node %" PRIu32 " is %s, not %s", key, n,
                       (unsigned)v->type <= GM_OBJECT ? gm_type_names[v->type] : "?",
                       gm_type_names[want]);
    return rc;
}

gm_status gm_node_get_int(gm_graph *g, gm_node n, const char *key, int64_t *out)
{
    gm_value v;
    if (g != NULL && out == NULL) { g->msg[0] = '\0'; return gm_fail(g, GM_EINVAL, "out is NULL"); }
    gm_status rc = gm_node_get_typed(g, n, key, GM_INT, &v);
    if (rc == GM_OK) *out = v.as.i;
    return rc;
}

gm_status gm_node_get_double(gm_graph *g, gm_node n, const char *key, double *out)
{
    gm_value v;
    if (g != NULL && out == NULL) { g->msg[0] = '\0'; return gm_fail(g, GM_EINVAL, "out is NULL"); }
    gm_status rc = gm_node_get_typed(g, n, key, GM_DOUBLE, &v);
    if (rc == GM_OK) *out = v.as.d;
    return rc;
}

gm_status gm_node_unset(gm_graph *g, gm_node n, const char *key)
{ return gm_attr_unset(g, GM_KNODE, n, key); }
gm_status gm_edge_unset(gm_graph *g, gm_edge e, const char *key)
{ return gm_attr_unset(g, GM_KEDGE, e, key); }
gm_status gm_node_set_batch(gm_graph *g, const char *key, const gm_node *nodes,
                            const gm_value *vals, size_t count)
{ return gm_attr_set_batch(g, GM_KNODE, key, nodes, vals, count); }
gm_status gm_edge_set_batch(gm_graph *g, const char *key, const gm_edge *edges,
                            const gm_value *vals, size_t count)
{ return gm_attr_set_batch(g, GM_KEDGE, key, edges, vals, count); }

gm_status gm_node_set_json(gm_graph *g, gm_node n, const char *key, const char *json, size_t len)
{
    GM_ENTER(g);
    GM_TRY(gm_check_key(g, key));
    if (json == NULL) return gm_fail(g, GM_EINVAL, "json is NULL");
    GM_TRY(gm_check_node(g, n));
    gm_value v;
    char err[160];
    gm_status rc = gm_value_from_json(json, len, &v, err, sizeof err);
    if (rc != GM_OK) return gm_fail(g, rc, "cannot set '%s' from JSON: %s", key, err);
    rc = g->be->attr_set(g, GM_KNODE, n, key, &v);
    gm_value_free(&v);
    return rc;
}

/* ---- columns ---- */

gm_status gm_node_column(gm_graph *g, const char *key, gm_column *out)
{
    GM_ENTER(g);
    GM_TRY(gm_check_key(g, key));
    GM_NEED(g, out);
    memset(out, 0, sizeof *out);
    return g->be->column(g, key, out);
}

void gm_column_release(gm_graph *g, gm_column *col)
{
    if (g == NULL || col == NULL) return;
    g->be->column_release(g, col);
    memset(col, 0, sizeof *col);
}

/* ---- filter ---- */

gm_status gm_filter(gm_graph *g, const gm_pred *preds, size_t npreds, gm_list *out)
{
    GM_ENTER(g);
    GM_NEED(g, out);
    out->len = 0;
    if (npreds > 0) GM_NEED(g, preds);
    for (size_t i = 0; i < npreds; i++) {
        GM_TRY(gm_check_key(g, preds[i].key));
        if (preds[i].op < GM_EQ || preds[i].op > GM_GE)
            return gm_fail(g, GM_EINVAL, "predicate %zu: unknown operator %d", i, (int)preds[i].op);
        if (preds[i].value.type == GM_ARRAY || preds[i].value.type == GM_OBJECT)
            return gm_fail(g, GM_EINVAL, "predicate %zu on '%s': the constant must be a scalar", i, preds[i].key);
        GM_TRY(gm_check_value(g, &preds[i].value));
    }
    return g->be->filter(g, preds, npreds, out);
}

/* ---- accounting ---- */

gm_status gm_memory_usage(gm_graph *g, gm_usage_fn fn, void *ud)
{
    GM_ENTER(g);
    GM_NEED(g, fn);
    if (g->be->memory_usage == NULL)
        return gm_fail(g, GM_EINVAL, "backend '%s' does not break its bytes down", g->be->name);
    return g->be->memory_usage(g, fn, ud);
}

/* ---- batch building ---- */

gm_str *gm_ids_copy(const gm_str *ids, size_t count)
{
    size_t total = 0;
    for (size_t i = 0; i < count; i++) {
        if (ids[i].len > SIZE_MAX - count * sizeof(gm_str) - total) return NULL;
        total += ids[i].len;
    }
    gm_str *copy = gm_mem_alloc(count * sizeof *copy + total);
    if (copy == NULL) return NULL;
    char *bytes = (char *)(copy + count);
    for (size_t i = 0; i < count; i++) {
        if (ids[i].len > 0) memcpy(bytes, ids[i].ptr, ids[i].len);
        copy[i].ptr = bytes;
        copy[i].len = ids[i].len;
        bytes += ids[i].len;
    }
    return copy;
}

gm_status gm_node_add_batch(gm_graph *g, const gm_str *ids, size_t count, gm_node *first,
                            size_t *added)
{
    size_t done = 0;
    gm_status rc = GM_OK;
    GM_ENTER(g);
    if (added) *added = 0;
    if (count == 0) { if (first) *first = (gm_node)g->be->node_bound(g); return GM_OK; }
    GM_NEED(g, ids);
    if (count > UINT32_MAX - 1 - g->be->node_bound(g))
        return gm_fail(g, GM_EINVAL, "batch of %zu nodes exceeds the handle space", count);
    for (size_t i = 0; i < count; i++)
        if (ids[i].ptr == NULL && ids[i].len > 0) return gm_fail(g, GM_EINVAL, "batch id %zu is NULL", i);
    gm_node f = (gm_node)g->be->node_bound(g);
    if (g->be->node_add_batch != NULL) {          /* the slot detects duplicates (backend.h) */
        rc = g->be->node_add_batch(g, ids, count, &f, &done);
        if (added) *added = done;
        if (first) *first = f;
        return rc;
    }
    /* Generic path. The ids are copied into one block first: a caller may pass ids borrowed
    ** from this very store (gm_node_id), which the first add may move. Duplicates are then found
    ** before anything is added, so GM_EEXIST changes nothing; the temporary id set and the copy
    ** are freed before returning. */
    gm_str *copy = gm_ids_copy(ids, count);
    if (copy == NULL) return gm_fail(g, GM_ENOMEM, "out of memory copying batch ids");
    gm_map seen = GM_MAP_INIT;
    for (size_t i = 0; i < count && rc == GM_OK; i++) {
        gm_node n;
        if (g->be->node_find(g, copy[i].ptr, copy[i].len, &n) == GM_OK)
            rc = gm_fail(g, GM_EEXIST, "batch id %zu: node '%.*s' exists", i, (int)(copy[i].len > 64 ? 64 : copy[i].len), copy[i].ptr);
        else if ((rc = gm_map_add(&seen, copy[i].ptr, copy[i].len, i, NULL)) == GM_EEXIST)
            rc = gm_fail(g, GM_EEXIST, "batch id %zu repeats an earlier id of the batch", i);
        else if (rc == GM_ENOMEM)
            rc = gm_fail(g, GM_ENOMEM, "out of memory checking batch ids");
    }
    gm_map_free(&seen, NULL);
    if (rc == GM_OK) {
        g->msg[0] = '\0';
        for (; done < count; done++) {
            gm_node n;
            if ((rc = g->be->node_add(g, copy[done].ptr, copy[done].len, &n)) != GM_OK) break;
            if (done == 0) f = n;
        }
    }
    gm_mem_free(copy);
    if (added) *added = done;
    if (first) *first = f;
    return rc;
}

gm_status gm_edge_add_batch(gm_graph *g, const gm_node *src, const gm_node *dst, size_t count,
                            gm_edge *first, size_t *added)
{
    size_t done = 0;
    gm_status rc = GM_OK;
    GM_ENTER(g);
    if (added) *added = 0;
    if (count == 0) { if (first) *first = (gm_edge)g->be->edge_bound(g); return GM_OK; }
    GM_NEED(g, src);
    GM_NEED(g, dst);
    if (count > UINT32_MAX - 1 - g->be->edge_bound(g))
        return gm_fail(g, GM_EINVAL, "batch of %zu edges exceeds the handle space", count);
    for (size_t i = 0; i < count; i++) {
        GM_TRY(gm_check_node(g, src[i]));
        GM_TRY(gm_check_node(g, dst[i]));
    }
    gm_edge f = (gm_edge)g->be->edge_bound(g);
    if (g->be->edge_add_batch != NULL) {
        rc = g->be->edge_add_batch(g, src, dst, count, &f, &done);
    } else {
        for (; done < count; done++) {
            gm_edge e;
            if ((rc = g->be->edge_add(g, src[done], dst[done], &e)) != GM_OK) break;
            if (done == 0) f = e;
        }
    }
    if (added) *added = done;
    if (first) *first = f;
    return rc;
}
