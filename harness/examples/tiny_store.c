/*
** tiny_store.c: the smallest C driver (harness/PROTOCOL.md, "Bring your own store"), declared
** in harness/examples/systems.toml as "example-c". A tiny store: node ids in an open-addressing
** table, every node attribute deep-copied (gm_value_copy), out-edges as CSR (edge attributes
** are not kept), removal by tombstones. harness/gmh.h parses the arguments, loads the records
** and the plan, measures and prints the rows.
**
**     make build/example_tiny_store
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gmh.h"

typedef struct ts_node { const char *id; size_t idlen; const char **keys; gm_value *vals; size_t n; } ts_node;
typedef struct ts_store {
    ts_node *nodes; size_t nnodes;
    uint32_t *slot; size_t cap;        /* node index + 1, 0 = empty */
    uint32_t *off, *dst;               /* CSR */
    unsigned char *dead;
} ts_store;

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (p == NULL) gmh_die(1, "out of memory");
    return p;
}

static uint64_t ts_hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

static long ts_find(const ts_store *t, const char *id, size_t len)
{
    for (size_t i = ts_hash(id, len) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        uint32_t s = t->slot[i];
        if (s == 0) return -1;
        const ts_node *n = &t->nodes[s - 1];
        if (n->idlen == len && memcmp(n->id, id, len) == 0) return (long)(s - 1);
    }
}

static const gm_value *ts_attr(const ts_node *n, const char *key)
{
    for (size_t i = 0; i < n->n; i++) if (strcmp(n->keys[i], key) == 0) return &n->vals[i];
    return NULL;
}

static void ts_build(ts_store *t, const gmh_data *d)
{
    t->nnodes = d->nnodes;
    t->nodes = xcalloc(d->nnodes, sizeof *t->nodes);
    for (t->cap = 16; t->cap < 2 * d->nnodes; t->cap *= 2) {}
    t->slot = xcalloc(t->cap, sizeof *t->slot);
    for (size_t i = 0; i < d->nnodes; i++) {
        const gmh_node *r = &d->nodes[i];
        ts_node *n = &t->nodes[i];
        char *id = xcalloc(r->idlen + 1, 1);
        memcpy(id, r->id, r->idlen);
        n->id = id, n->idlen = r->idlen, n->n = r->nattrs;
        n->keys = xcalloc(r->nattrs, sizeof *n->keys);
        n->vals = xcalloc(r->nattrs, sizeof *n->vals);
        for (size_t k = 0; k < r->nattrs; k++) {
            n->keys[k] = r->attrs[k].key;          /* the records' interned keys outlive us */
            if (gm_value_copy(&n->vals[k], &r->attrs[k].val) != GM_OK) gmh_die(1, "copy failed");
        }
        size_t h = ts_hash(id, r->idlen) & (t->cap - 1);
        while (t->slot[h]) h = (h + 1) & (t->cap - 1);
        t->slot[h] = (uint32_t)i + 1;
    }
    t->off = xcalloc(d->nnodes + 1, sizeof *t->off);
    t->dst = xcalloc(d->nedges, sizeof *t->dst);
    for (size_t e = 0; e < d->nedges; e++) t->off[d->edges[e].src + 1]++;
    for (size_t i = 0; i < d->nnodes; i++) t->off[i + 1] += t->off[i];
    uint32_t *fill = xcalloc(d->nnodes, sizeof *fill);
    for (size_t e = 0; e < d->nedges; e++) {
        uint32_t s = d->edges[e].src;
        t->dst[t->off[s] + fill[s]++] = d->edges[e].dst;
    }
    free(fill);
    t->dead = xcalloc(d->nnodes, 1);
}

static void ts_free(ts_store *t)
{
    for (size_t i = 0; i < t->nnodes; i++) {
        for (size_t k = 0; k < t->nodes[i].n; k++) gm_value_free(&t->nodes[i].vals[k]);
        free(t->nodes[i].vals);
        free(t->nodes[i].keys);
        free((char *)t->nodes[i].id);
    }
    free(t->nodes); free(t->slot); free(t->off); free(t->dst); free(t->dead);
    memset(t, 0, sizeof *t);
}

int main(int argc, char **argv)
{
    gmh_args a;
    gmh_plan plan;
    gmh_data d;
    char err[1024];
    gmh_output_init();
    if (gmh_parse_args(argc, argv, &a) != 0) return 2;
    if (gmh_plan_load(a.plan, &plan, err, sizeof err) != 0) gmh_die(2, "%s", err);
    if (gmh_data_load(a.scenario, &d, err, sizeof err) != 0) gmh_die(2, "%s", err);
    gmh_info("store", "id hash table + copied attrs + CSR");
    gmh_info("batch", "none");
    size_t reps = (size_t)a.reps;
    uint64_t *ns = xcalloc(reps, sizeof *ns);
    ts_store t;
    gmh_memsnap snap;

    gmh_memsnap_before(&snap);                     /* build memory: the store alone */
    ts_build(&t, &d);
    gmh_memsnap_after_print("build", &snap);
    for (size_t r = 0; r < reps; r++) {
        ts_store u;
        uint64_t t0 = gmh_now_ns();
        ts_build(&u, &d);
        ns[r] = gmh_now_ns() - t0;
        ts_free(&u);
    }
    gmh_rows_time("build", ns, reps, d.nnodes + d.nedges);

    gmh_sum s;
    for (size_t r = 0; r < reps; r++) {            /* get: by id, in file order */
        memset(&s, 0, sizeof s);
        uint64_t t0 = gmh_now_ns();
        for (size_t i = 0; i < d.nnodes; i++) {
            long k = ts_find(&t, d.nodes[i].id, d.nodes[i].idlen);
            const gm_value *v = k < 0 ? NULL : ts_attr(&t.nodes[k], plan.numeric_attr);
            if (v) gmh_sum_add(&s, v);
        }
        ns[r] = gmh_now_ns() - t0;
    }
    gmh_rows_time("get", ns, reps, d.nnodes);
    gmh_row_sum("get", &s);
    for (size_t r = 0; r < reps; r++) {            /* column: every node */
        memset(&s, 0, sizeof s);
        uint64_t t0 = gmh_now_ns();
        for (size_t i = 0; i < t.nnodes; i++) {
            const gm_value *v = ts_attr(&t.nodes[i], plan.numeric_attr);
            if (v) gmh_sum_add(&s, v);
        }
        ns[r] = gmh_now_ns() - t0;
    }
    gmh_rows_time("column", ns, reps, d.nnodes);
    gmh_row_sum("column", &s);

    uint64_t count = 0;                            /* filter: every predicate, absent = no */
    for (size_t r = 0; r < reps; r++) {
        count = 0;
        uint64_t t0 = gmh_now_ns();
        for (size_t i = 0; i < t.nnodes; i++) {
            bool ok = true;
            for (size_t p = 0; ok && p < plan.nfilter; p++) {
                const gm_value *v = ts_attr(&t.nodes[i], plan.filter[p].key);
                ok = v != NULL && gm_pred_match(v, plan.filter[p].op, &plan.filter[p].value);
            }
            count += ok;
        }
        ns[r] = gmh_now_ns() - t0;
    }
    gmh_rows_time("filter", ns, reps, d.nnodes);
    gmh_row_u("filter", "checksum", count, "value", "exact");

    uint64_t total = 0;                            /* neighbors: sum of target positions */
    for (size_t r = 0; r < reps; r++) {
        total = 0;
        uint64_t t0 = gmh_now_ns();
        for (size_t i = 0; i < t.nnodes; i++)
            for (uint32_t e = t.off[i]; e < t.off[i + 1]; e++) total += t.dst[e];
        ns[r] = gmh_now_ns() - t0;
    }
    gmh_rows_time("neighbors", ns, reps, d.nedges);
    gmh_row_u("neighbors", "checksum", total, "value", "exact");

    size_t left = 0;                               /* remove: on a fresh store each rep */
    for (size_t r = 0; r < reps; r++) {
        ts_store u;
        ts_build(&u, &d);
        left = u.nnodes;
        uint64_t t0 = gmh_now_ns();
        for (size_t i = 0; i < plan.nremove; i++) {
            long k = ts_find(&u, plan.remove[i], strlen(plan.remove[i]));
            if (k >= 0 && !u.dead[k]) { u.dead[k] = 1; left--; }
        }
        ns[r] = gmh_now_ns() - t0;
        ts_free(&u);
    }
    gmh_rows_time("remove", ns, reps, plan.nremove);
    gmh_row_u("remove", "checksum", left, "value", "exact");

    ts_free(&t);
    free(ns);
    gmh_data_free(&d);
    gmh_plan_free(&plan);
    fflush(stdout);
    return gmh_exit_status(0);
}
