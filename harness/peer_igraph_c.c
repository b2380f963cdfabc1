/*
** peer_igraph_c.c: igraph's C library as a peer (harness/PROTOCOL.md).
**
**     peer_igraph_c --scenario DIR --plan PLAN.json --system igraph_c --reps N
**
** Build, the idiomatic bulk way for igraph's C attribute handler (igraph_cattribute_table):
** igraph_add_vertices() and one igraph_add_edges() call, then ONE vector setter per attribute
** (igraph_cattribute_VAN_setv / VAS_setv / VAB_setv and the EA*_setv for edges), rather than one
** SETVAN per vertex. The per-item setter (igraph_cattribute_VAN_set, i.e. SETVAN) is what the
** `set` operation measures; `batch-set` is VAN_setv.
**
** What igraph C attributes can hold: numbers (igraph_real_t = double), strings and booleans, one
** type per attribute name and a value for every vertex. So, per attribute key:
**  - only numbers (int or double) and nulls       -> numeric; absent and null -> NaN. ints become
**    doubles (exact up to 2^53: the count of inexact ones is reported);
**  - only bools, every vertex has one              -> boolean;
**  - only bools, some absent or null               -> numeric 1/0, absent and null -> NaN;
**  - only strings and nulls                        -> string; absent and null -> "";
**  - anything else (arrays, objects, mixed types)  -> string holding compact JSON text; absent -> "".
** Each key's choice is printed as an info row, so what was converted or dropped is on record.
** The filter treats NaN and "" as absent.
**
** Node ids: the string vertex attribute "name" (igraph's convention; a scenario attribute called
** "name" is renamed "name\u00b7attr", as harness/peer_igraph.py does). igraph's C library has no
** name index, so lookups by id go through this driver's own open-addressing table of u32 vertex
** indexes, built in `build` (it is counted in the build's bytes and time) and rebuilt after
** `remove` (igraph renumbers vertices when it deletes; the rebuild is timed with the delete).
** The table keeps no copy of the ids: it compares against igraph's own "name" strings.
**
** Bytes: igraph allocates with malloc, so the build's mallinfo delta (the records, which stay
** loaded and unchanged, excluded) is its exact heap figure.
*/
#include <igraph.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gmh.h"

#define PIG_NAME_ATTR "name\xc2\xb7" "attr"

typedef enum pig_kind { PIG_NUM, PIG_BOOL, PIG_STR, PIG_JSON } pig_kind;

typedef struct pig_attr {
    const char *key;            /* the records' interned key */
    const char *iname;          /* name in igraph */
    pig_kind    kind;
} pig_attr;

typedef struct pig_map { uint32_t *slot; size_t cap; } pig_map;   /* vertex index + 1, 0 empty */

typedef struct pig {
    gmh_args a;
    gmh_plan plan;
    gmh_data d;
    pig_attr *nattr, *eattr;
    const pig_attr *num;        /* the plan's numeric attribute */
    /* prepared inputs */
    igraph_integer_t *set_vid;
    double *set_val;
    size_t nset;
    igraph_vector_t batch_vec;  /* new values for every vertex, NaN where absent */
    igraph_vector_int_t rm;
} pig;

static void pig_check(igraph_error_t e, const char *what)
{
    if (e != IGRAPH_SUCCESS) gmh_die(1, "%s failed: %s", what, igraph_strerror(e));
}

static void *pig_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (p == NULL) gmh_die(1, "out of memory");
    return p;
}

/* ---------------------------------------------------------------- attribute kinds */

static pig_attr *pig_classify(const char **keys, size_t nkeys, size_t nitems, bool nodes,
                              const gmh_data *d)
{
    pig_attr *at = pig_xcalloc(nkeys, sizeof *at);
    for (size_t k = 0; k < nkeys; k++) {
        size_t nnum = 0, nbool = 0, nstr = 0, nnull = 0, nother = 0, inexact = 0;
        for (size_t i = 0; i < nitems; i++) {
            const gmh_attr *a = nodes ? d->nodes[i].attrs : d->edges[i].attrs;
            size_t na = nodes ? d->nodes[i].nattrs : d->edges[i].nattrs;
            const gm_value *v = gmh_attr_get_k(a, na, keys[k]);
            if (v == NULL) continue;
            switch (v->type) {
            case GM_NULL: nnull++; break;
            case GM_INT:
                nnum++;
                if ((int64_t)(double)v->as.i != v->as.i || v->as.i == INT64_MAX) inexact++;
                break;
            case GM_DOUBLE: nnum++; break;
            case GM_BOOL: nbool++; break;
            case GM_STRING: nstr++; break;
            default: nother++; break;
            }
        }
        size_t present = nnum + nbool + nstr + nnull + nother;
        pig_attr *p = &at[k];
        p->key = keys[k];
        p->iname = nodes && strcmp(keys[k], "name") == 0 ? PIG_NAME_ATTR : keys[k];
        const char *note;
        if (nother == 0 && nbool == 0 && nstr == 0) {
            p->kind = PIG_NUM;
            note = present < nitems || nnull ? "numeric (absent/null -> NaN)" : "numeric";
        } else if (nother == 0 && nnum == 0 && nstr == 0) {
            bool full = present == nitems && nnull == 0;
            p->kind = full ? PIG_BOOL : PIG_NUM;
            note = full ? "boolean" : "numeric 1/0 (bool with absent/null -> NaN)";
        } else if (nother == 0 && nnum == 0 && nbool == 0) {
            p->kind = PIG_STR;
            note = present < nitems || nnull ? "string (absent/null -> \"\")" : "string";
        } else {
            p->kind = PIG_JSON;
            note = "string of compact JSON (arrays/objects/mixed types; absent -> \"\")";
        }
        char key[300];
        snprintf(key, sizeof key, "igraph_attr.%s.%s", nodes ? "node" : "edge", keys[k]);
        if (inexact) gmh_infof(key, "%s; %zu ints not exact as double", note, inexact);
        else gmh_info(key, note);
        if (p->iname != keys[k]) gmh_info("igraph_renamed_attr", "name->" PIG_NAME_ATTR);
    }
    return at;
}

/* Set one attribute on all vertices (nodes) or edges with a vector setter. */
static void pig_set_attr(igraph_t *g, const pig_attr *p, size_t nitems, bool nodes, const gmh_data *d)
{
    if (p->kind == PIG_NUM) {
        igraph_vector_t v;
        pig_check(igraph_vector_init(&v, (igraph_integer_t)nitems), "igraph_vector_init");
        for (size_t i = 0; i < nitems; i++) {
            const gm_value *x = nodes ? gmh_attr_get_k(d->nodes[i].attrs, d->nodes[i].nattrs, p->key)
                                      : gmh_attr_get_k(d->edges[i].attrs, d->edges[i].nattrs, p->key);
            double y = NAN;
            if (x && x->type == GM_INT) y = (double)x->as.i;
            else if (x && x->type == GM_DOUBLE) y = x->as.d;
            else if (x && x->type == GM_BOOL) y = x->as.b;
            VECTOR(v)[i] = y;
        }
        pig_check(nodes ? igraph_cattribute_VAN_setv(g, p->iname, &v)
                        : igraph_cattribute_EAN_setv(g, p->iname, &v), "igraph_cattribute_*AN_setv");
        igraph_vector_destroy(&v);
    } else if (p->kind == PIG_BOOL) {
        igraph_vector_bool_t v;
        pig_check(igraph_vector_bool_init(&v, (igraph_integer_t)nitems), "igraph_vector_bool_init");
        for (size_t i = 0; i < nitems; i++) {
            const gm_value *x = nodes ? gmh_attr_get_k(d->nodes[i].attrs, d->nodes[i].nattrs, p->key)
                                      : gmh_attr_get_k(d->edges[i].attrs, d->edges[i].nattrs, p->key);
            VECTOR(v)[i] = x && x->type == GM_BOOL && x->as.b;
        }
        pig_check(nodes ? igraph_cattribute_VAB_setv(g, p->iname, &v)
                        : igraph_cattribute_EAB_setv(g, p->iname, &v), "igraph_cattribute_*AB_setv");
        igraph_vector_bool_destroy(&v);
    } else {
        igraph_strvector_t v;
        pig_check(igraph_strvector_init(&v, (igraph_integer_t)nitems), "igraph_strvector_init");
        for (size_t i = 0; i < nitems; i++) {
            const gm_value *x = nodes ? gmh_attr_get_k(d->nodes[i].attrs, d->nodes[i].nattrs, p->key)
                                      : gmh_attr_get_k(d->edges[i].attrs, d->edges[i].nattrs, p->key);
            if (x == NULL || x->type == GM_NULL) continue;          /* "" */
            if (x->type == GM_STRING) {
                pig_check(igraph_strvector_set_len(&v, (igraph_integer_t)i, x->as.s.ptr,
                                                   x->as.s.len), "igraph_strvector_set_len");
            } else {
                size_t len;
                char *json = gmh_value_json(x, &len);
                if (json == NULL) gmh_die(1, "out of memory");
                pig_check(igraph_strvector_set_len(&v, (igraph_integer_t)i, json, len),
                          "igraph_strvector_set_len");
                free(json);
            }
        }
        pig_check(nodes ? igraph_cattribute_VAS_setv(g, p->iname, &v)
                        : igraph_cattribute_EAS_setv(g, p->iname, &v), "igraph_cattribute_*AS_setv");
        igraph_strvector_destroy(&v);
    }
}

/* ---------------------------------------------------------------- name -> vertex table */

static uint64_t pig_hash(const char *s, size_t n)    /* FNV-1a */
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) { h ^= (unsigned char)s[i]; h *= 1099511628211ULL; }
    return h;
}

static void pig_map_build(pig_map *m, const igraph_t *g)
{
    size_t n = (size_t)igraph_vcount(g), cap = 16;
    while (cap < 2 * n) cap *= 2;
    free(m->slot);
    m->slot = pig_xcalloc(cap, sizeof *m->slot);
    m->cap = cap;
    for (size_t i = 0; i < n; i++) {
        const char *id = VAS(g, "name", (igraph_integer_t)i);
        size_t s = (size_t)pig_hash(id, strlen(id)) & (cap - 1);
        while (m->slot[s] != 0) s = (s + 1) & (cap - 1);
        m->slot[s] = (uint32_t)i + 1;
    }
}

static long pig_map_find(const pig_map *m, const igraph_t *g, const char *id, size_t len)
{
    for (size_t s = (size_t)pig_hash(id, len) & (m->cap - 1);; s = (s + 1) & (m->cap - 1)) {
        uint32_t v = m->slot[s];
        if (v == 0) return -1;
        const char *name = VAS(g, "name", (igraph_integer_t)(v - 1));
        if (strncmp(name, id, len) == 0 && name[len] == '\0') return (long)(v - 1);
    }
}

/* ---------------------------------------------------------------- build */

static void pig_build(const pig *P, igraph_t *g, pig_map *m)
{
    const gmh_data *d = &P->d;
    pig_check(igraph_empty(g, 0, IGRAPH_DIRECTED), "igraph_empty");
    pig_check(igraph_add_vertices(g, (igraph_integer_t)d->nnodes, NULL), "igraph_add_vertices");
    igraph_vector_int_t ev;
    pig_check(igraph_vector_int_init(&ev, 2 * (igraph_integer_t)d->nedges), "igraph_vector_int_init");
    for (size_t i = 0; i < d->nedges; i++) {
        VECTOR(ev)[2 * i] = d->edges[i].src;
        VECTOR(ev)[2 * i + 1] = d->edges[i].dst;
    }
    pig_check(igraph_add_edges(g, &ev, NULL), "igraph_add_edges");
    igraph_vector_int_destroy(&ev);
    igraph_strvector_t names;
    pig_check(igraph_strvector_init(&names, (igraph_integer_t)d->nnodes), "igraph_strvector_init");
    for (size_t i = 0; i < d->nnodes; i++)
        pig_check(igraph_strvector_set_len(&names, (igraph_integer_t)i, d->nodes[i].id,
                                           d->nodes[i].idlen), "igraph_strvector_set_len");
    pig_check(SETVASV(g, "name", &names), "igraph_cattribute_VAS_setv(name)");
    igraph_strvector_destroy(&names);
    for (size_t k = 0; k < d->nnode_keys; k++) pig_set_attr(g, &P->nattr[k], d->nnodes, true, d);
    for (size_t k = 0; k < d->nedge_keys; k++) pig_set_attr(g, &P->eattr[k], d->nedges, false, d);
    m->slot = NULL;
    pig_map_build(m, g);
}

static void pig_destroy(igraph_t *g, pig_map *m)
{
    igraph_destroy(g);
    free(m->slot);
    m->slot = NULL;
}

/* ---------------------------------------------------------------- operations */

static void pig_op_get(const pig *P, const igraph_t *g, const pig_map *m, uint64_t *ns)
{
    gmh_sum sum = {0};
    for (int r = 0; r < P->a.reps; r++) {
        gmh_sum s = {0};
        if (r == 0) GMH_CG_BEGIN();
        uint64_t t0 = gmh_now_ns();
        for (size_t i = 0; i < P->d.nnodes; i++) {
            long v = pig_map_find(m, g, P->d.nodes[i].id, P->d.nodes[i].idlen);
            if (v < 0) gmh_die(1, "get: node \"%s\" not found", P->d.nodes[i].id);
            double x = VAN(g, P->num->iname, (igraph_integer_t)v);
            if (!isnan(x)) gmh_sum_add_number(&s, x);
        }
        ns[r] = gmh_now_ns() - t0;
        if (r == 0) GMH_CG_END("get");
        sum = s;
    }
    gmh_rows_time("get", ns, (size_t)P->a.reps, P->d.nnodes);
    gmh_row_sum("get", &sum);
}

static void pig_op_column(const pig *P, const igraph_t *g, uint64_t *ns)
{
    gmh_sum sum = {0};
    for (int r = 0; r < P->a.reps; r++) {
        gmh_sum s = {0};
        if (r == 0) GMH_CG_BEGIN();
        uint64_t t0 = gmh_now_ns();
        igraph_vector_t v;
        pig_check(igraph_vector_init(&v, 0), "igraph_vector_init");
        pig_check(VANV(g, P->num->iname, &v), "igraph_cattribute_VANV");
        igraph_integer_t n = igraph_vector_size(&v);
        for (igraph_integer_t i = 0; i < n; i++)
            if (!isnan(VECTOR(v)[i])) gmh_sum_add_number(&s, VECTOR(v)[i]);
        igraph_vector_destroy(&v);
        ns[r] = gmh_now_ns() - t0;
        if (r == 0) GMH_CG_END("column");
        sum = s;
    }
    gmh_rows_time("column", ns, (size_t)P->a.reps, (uint64_t)igraph_vcount(g));
    gmh_row_sum("column", &sum);
}

/* Repetition 0 on (*fg, *fm) when fg is given (the built graph, seen only by reads), left
** there with set's values; the others on fresh graphs (gmbench.c does the same). */
static void pig_op_set(const pig *P, bool batch, uint64_t *ns, igraph_t *fg, pig_map *fm)
{
    const char *op = batch ? "batch-set" : "set";
    gmh_sum after = {0};
    for (int r = 0; r < P->a.reps; r++) {
        bool given = r == 0 && fg;
        igraph_t g;
        pig_map m;
        if (given) { g = *fg; m = *fm; }
        else pig_build(P, &g, &m);
        if (r == 0) GMH_CG_BEGIN();
        uint64_t t0 = gmh_now_ns();
        if (batch) pig_check(SETVANV(&g, P->num->iname, &P->batch_vec), "igraph_cattribute_VAN_setv");
        else
            for (size_t i = 0; i < P->nset; i++)
                pig_check(SETVAN(&g, P->num->iname, P->set_vid[i], P->set_val[i]),
                          "igraph_cattribute_VAN_set");
        ns[r] = gmh_now_ns() - t0;
        if (r == 0) GMH_CG_END(op);
        if (r == P->a.reps - 1) {
            memset(&after, 0, sizeof after);
            for (size_t i = 0; i < P->nset; i++) {
                double x = VAN(&g, P->num->iname, P->set_vid[i]);
                if (!isnan(x)) gmh_sum_add_number(&after, x);
            }
        }
        if (given) { *fg = g; *fm = m; }
        else pig_destroy(&g, &m);
    }
    gmh_rows_time(op, ns, (size_t)P->a.reps, P->nset);
    gmh_row_sum(op, &after);
}

typedef struct pig_fpred {
    const gmh_pred *p;
    const pig_attr *at;          /* NULL: no node has the key */
    igraph_vector_t num;         /* PIG_NUM: the column */
    igraph_vector_bool_t b;      /* PIG_BOOL */
} pig_fpred;

static const pig_attr *pig_find_attr(const pig *P, const char *key)
{
    for (size_t k = 0; k < P->d.nnode_keys; k++)
        if (strcmp(P->nattr[k].key, key) == 0) return &P->nattr[k];
    return NULL;
}

static size_t pig_filter_once(const pig *P, const igraph_t *g, pig_fpred *fp)
{
    size_t nf = P->plan.nfilter, count = 0;
    for (size_t k = 0; k < nf; k++) {
        if (fp[k].at == NULL) return 0;
        if (fp[k].at->kind == PIG_NUM) {
            pig_check(igraph_vector_init(&fp[k].num, 0), "igraph_vector_init");
            pig_check(VANV(g, fp[k].at->iname, &fp[k].num), "igraph_cattribute_VANV");
        } else if (fp[k].at->kind == PIG_BOOL) {
            pig_check(igraph_vector_bool_init(&fp[k].b, 0), "igraph_vector_bool_init");
            pig_check(VABV(g, fp[k].at->iname, &fp[k].b), "igraph_cattribute_VABV");
        }
    }
    igraph_integer_t n = igraph_vcount(g);
    for (igraph_integer_t i = 0; i < n; i++) {
        bool ok = true;
        for (size_t k = 0; ok && k < nf; k++) {
            gm_value v, *pv = &v;
            switch (fp[k].at->kind) {
            case PIG_NUM: {
                double x = VECTOR(fp[k].num)[i];
                if (isnan(x)) pv = NULL; else v = gm_double(x);
                break;
            }
            case PIG_BOOL: v = gm_bool(VECTOR(fp[k].b)[i]); break;
            default: {                           /* strings: one VAS call per vertex */
                const char *s = VAS(g, fp[k].at->iname, i);
                if (*s == '\0') pv = NULL; else v = gm_strn(s, strlen(s));
                break;
            }
            }
            ok = gm_pred_match(pv, fp[k].p->op, &fp[k].p->value);
        }
        count += ok;
    }
    for (size_t k = 0; k < nf; k++) {
        if (fp[k].at->kind == PIG_NUM) igraph_vector_destroy(&fp[k].num);
        else if (fp[k].at->kind == PIG_BOOL) igraph_vector_bool_destroy(&fp[k].b);
    }
    return count;
}

static void pig_op_filter(const pig *P, const igraph_t *g, uint64_t *ns)
{
    pig_fpred *fp = pig_xcalloc(P->plan.nfilter, sizeof *fp);
    for (size_t k = 0; k < P->plan.nfilter; k++) {
        fp[k].p = &P->plan.filter[k];
        fp[k].at = pig_find_attr(P, fp[k].p->key);
    }
    size_t count = 0;
    for (int r = 0; r < P->a.reps; r++) {
        if (r == 0) GMH_CG_BEGIN();
        uint64_t t0 = gmh_now_ns();
        count = pig_filter_once(P, g, fp);
        ns[r] = gmh_now_ns() - t0;
        if (r == 0) GMH_CG_END("filter");
    }
    free(fp);
    gmh_info("igraph_filter", "C loop over VANV/VABV columns and per-vertex VAS (igraph C has no attribute filter)");
    gmh_rows_time("filter", ns, (size_t)P->a.reps, (uint64_t)igraph_vcount(g));
    gmh_row_u("filter", "checksum", count, "value", "exact");
}

static void pig_op_neighbors(const pig *P, const igraph_t *g, uint64_t *ns)
{
    uint64_t sum = 0, items = 0;
    igraph_integer_t n = igraph_vcount(g);
    igraph_vector_int_t nb;
    pig_check(igraph_vector_int_init(&nb, 0), "igraph_vector_int_init");
    for (int r = 0; r < P->a.reps; r++) {
        uint64_t s = 0, it = 0;
        if (r == 0) GMH_CG_BEGIN();
        uint64_t t0 = gmh_now_ns();
        for (igraph_integer_t v = 0; v < n; v++) {
            pig_check(igraph_neighbors(g, &nb, v, IGRAPH_OUT), "igraph_neighbors");
            igraph_integer_t k = igraph_vector_int_size(&nb);
            /* read every target: vertex indexes are file positions (pig_build) */
            for (igraph_integer_t j = 0; j < k; j++) s += (uint64_t)VECTOR(nb)[j];
            it += (uint64_t)k;
        }
        ns[r] = gmh_now_ns() - t0;
        if (r == 0) GMH_CG_END("neighbors");
        sum = s;
        items = it;
    }
    igraph_vector_int_destroy(&nb);
    gmh_info("igraph_neighbors", "igraph_neighbors(IGRAPH_OUT) per vertex");
    gmh_rows_time("neighbors", ns, (size_t)P->a.reps, items);
    gmh_row_u("neighbors", "checksum", sum, "value", "exact");
    uint64_t expect = 0;
    for (size_t i = 0; i < P->d.nedges; i++) expect += P->d.edges[i].dst;
    gmh_check_u("neighbors", sum, expect);
}

/* Repetition 0 on (*fg, *fm), set's graph, destroyed after; the others on fresh graphs. */
static void pig_op_remove(const pig *P, uint64_t *ns, igraph_t *fg, pig_map *fm)
{
    igraph_integer_t left = 0;
    for (int r = 0; r < P->a.reps; r++) {
        igraph_t g;
        pig_map m;
        if (r == 0) { g = *fg; m = *fm; }
        else pig_build(P, &g, &m);
        if (r == 0) GMH_CG_BEGIN();
        uint64_t t0 = gmh_now_ns();
        pig_check(igraph_delete_vertices(&g, igraph_vss_vector(&P->rm)), "igraph_delete_vertices");
        pig_map_build(&m, &g);                   /* vertex indexes changed */
        ns[r] = gmh_now_ns() - t0;
        if (r == 0) GMH_CG_END("remove");
        left = igraph_vcount(&g);
        pig_destroy(&g, &m);
    }
    gmh_info("igraph_remove", "one igraph_delete_vertices call + rebuild of the name table");
    gmh_rows_time("remove", ns, (size_t)P->a.reps, P->plan.nremove);
    gmh_row_u("remove", "checksum", (uint64_t)left, "value", "exact");
    gmh_check_u("remove", (uint64_t)left, P->d.nnodes - P->plan.nremove);
}

/* ---------------------------------------------------------------- main */

int main(int argc, char **argv)
{
    pig P;
    memset(&P, 0, sizeof P);
    gmh_output_init();
    if (gmh_parse_args(argc, argv, &P.a) != 0) return 2;
    igraph_set_error_handler(igraph_error_handler_printignore);
    igraph_set_warning_handler(igraph_warning_handler_ignore);
    igraph_set_attribute_table(&igraph_cattribute_table);

    char err[1024];
    size_t mi0 = gmh_mallinfo_bytes();
    uint64_t t0 = gmh_now_ns();
    if (gmh_plan_load(P.a.plan, &P.plan, err, sizeof err) != 0) gmh_die(2, "%s", err);
    if (gmh_data_load(P.a.scenario, &P.d, err, sizeof err) != 0) {
        gmh_plan_free(&P.plan);
        gmh_die(2, "%s", err);
    }
    uint64_t load_ns = gmh_now_ns() - t0;
    size_t mi_load = gmh_mallinfo_bytes() - mi0;
    const gmh_data *d = &P.d;

    const char *ver;
    igraph_version(&ver, NULL, NULL, NULL);
    gmh_info("igraph_version", ver);
    gmh_info("igraph_attr", "cattribute");
    gmh_info("igraph_attr_build", "vector setters (VAN_setv/VAS_setv/VAB_setv, EA*_setv)");
    gmh_info("id_lookup", "own u32 open-addressing table over the name attribute (no id copies)");
    gmh_info("get_addressing", "string_id");
    gmh_info("set_addressing", "vertex index (SETVAN)");
    gmh_info("batch", "igraph_cattribute_VAN_setv");
    gmh_info("allocator", gmh_jemalloc_present() ? "jemalloc" : "glibc");
    P.nattr = pig_classify(d->node_keys, d->nnode_keys, d->nnodes, true, d);
    P.eattr = pig_classify(d->edge_keys, d->nedge_keys, d->nedges, false, d);
    P.num = pig_find_attr(&P, P.plan.numeric_attr);
    if (P.num == NULL || P.num->kind != PIG_NUM)
        gmh_die(2, "numeric attribute \"%s\" is not numeric in igraph (%s)", P.plan.numeric_attr,
                P.num ? "converted to string" : "no node has it");
    gmh_row_u("load", "time_ns", load_ns, "ns", "single");
    gmh_row_u("load", "items", d->nnodes + d->nedges, "count", "exact");
    gmh_row_u("load", "mallinfo_bytes", mi_load, "B", "exact");

    /* inputs of the timed loops */
    P.set_vid = pig_xcalloc(d->nnodes, sizeof *P.set_vid);
    P.set_val = pig_xcalloc(d->nnodes, sizeof *P.set_val);
    pig_check(igraph_vector_init(&P.batch_vec, (igraph_integer_t)d->nnodes), "igraph_vector_init");
    double off = P.plan.offset.type == GM_INT ? (double)P.plan.offset.as.i : P.plan.offset.as.d;
    for (size_t i = 0; i < d->nnodes; i++) {
        const gm_value *v = gmh_attr_get(d->nodes[i].attrs, d->nodes[i].nattrs, P.num->key);
        VECTOR(P.batch_vec)[i] = NAN;
        if (v == NULL || (v->type != GM_INT && v->type != GM_DOUBLE)) continue;
        double x = (v->type == GM_INT ? (double)v->as.i : v->as.d) + off;
        P.set_vid[P.nset] = (igraph_integer_t)i;
        P.set_val[P.nset++] = x;
        VECTOR(P.batch_vec)[i] = x;
    }
    pig_check(igraph_vector_int_init(&P.rm, (igraph_integer_t)P.plan.nremove), "igraph_vector_int_init");
    for (size_t i = 0; i < P.plan.nremove; i++) {
        long idx = gmh_data_find(d, P.plan.remove[i], strlen(P.plan.remove[i]));
        if (idx < 0) gmh_die(2, "%s: remove names unknown node \"%s\"", P.a.plan, P.plan.remove[i]);
        VECTOR(P.rm)[i] = idx;
    }

    uint64_t *ns = pig_xcalloc((size_t)P.a.reps, sizeof *ns);
    /* build: memory figures from repetition 0, which is kept for the read-only operations */
    igraph_t g;
    pig_map m;
    gmh_memsnap snap;
    gmh_memsnap_before(&snap);
    GMH_CG_BEGIN();
    t0 = gmh_now_ns();
    pig_build(&P, &g, &m);
    ns[0] = gmh_now_ns() - t0;
    GMH_CG_END("build");
    gmh_memsnap_after_print("build", &snap);
    gmh_infof("id_table_bytes", "%zu", m.cap * sizeof *m.slot);
    for (int r = 1; r < P.a.reps; r++) {
        igraph_t h;
        pig_map hm;
        t0 = gmh_now_ns();
        pig_build(&P, &h, &hm);
        ns[r] = gmh_now_ns() - t0;
        pig_destroy(&h, &hm);
    }
    gmh_rows_time("build", ns, (size_t)P.a.reps, d->nnodes + d->nedges);

    /* reads first; set's and remove's repetition 0 on the built graph (gmbench.c's order) */
    pig_op_get(&P, &g, &m, ns);
    pig_op_column(&P, &g, ns);
    pig_op_filter(&P, &g, ns);
    pig_op_neighbors(&P, &g, ns);
    pig_op_set(&P, false, ns, &g, &m);
    pig_op_remove(&P, ns, &g, &m);               /* destroys g */
    pig_op_set(&P, true, ns, NULL, NULL);

    free(ns);
    free(P.set_vid);
    free(P.set_val);
    igraph_vector_destroy(&P.batch_vec);
    igraph_vector_int_destroy(&P.rm);
    free(P.nattr);
    free(P.eattr);
    gmh_data_free(&P.d);
    gmh_plan_free(&P.plan);
    return gmh_exit_status(fflush(stdout) == 0 ? 0 : 1);
}
