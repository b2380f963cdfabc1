/* libFuzzer target: differential fuzzing of graphmem.h across every registered backend.
** Input: byte 0 is the mode (bit 0: fault injection), then a sequence of operations, each an op
** byte followed by its arguments. Every op is applied to every backend (gm_backend_count() of
** them, so new backends join automatically); statuses, handles, values, counts, iteration orders
** and neighbour lists must agree. Some ops feed a backend its own earlier results (a get's value,
** a column view's string, a neighbour id) back into a set or an add.
** Fault mode: the byte after each op byte is N; when N < 64 the N-th allocation of that op fails
** in every backend. graphmem.h promises that a failed call leaves the store unchanged (batches:
** a prefix, told by *added for adds), so a backend that reports GM_ENOMEM completes the op
** without injection (single ops: the same call again; add batches: the rest after the prefix;
** set batch: the whole batch again, setting is idempotent) and must then agree with the backends
** that did not fail: same status, same handles, same reads, for the rest of the input. A store
** that a failed call changed (a handle consumed, a value half-written) diverges and aborts. */
#include "graphmem.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXB 16
#define POOL 256

typedef struct { const uint8_t *p; size_t n; } rd;
static uint8_t u8(rd *r) { if (!r->n) return 0; r->n--; return *r->p++; }
static uint64_t u64(rd *r) { uint64_t v = 0; for (int i = 0; i < 8; i++) v = v << 8 | u8(r); return v; }

static size_t nb;
static gm_graph *g[MAXB];

#define FAIL(...) do { fprintf(stderr, __VA_ARGS__); fprintf(stderr, "\n"); abort(); } while (0)

/* ---- value decoding from the input (payloads point into the input or a static pool) */
static gm_value vpool[POOL]; static size_t nv;
static gm_str kpool[POOL]; static size_t nk;
static const char *keys[] = { "a", "b", "c", "longer key" };

static gm_str take_str(rd *r)
{
    size_t len = u8(r) % 12;
    if (len > r->n) len = r->n;
    gm_str s = { (const char *)r->p, len };
    r->p += len; r->n -= len;
    return s;
}

static gm_value dec_value(rd *r, int depth)
{
    uint8_t t = u8(r);
    switch (t % 9) {
    case 0: return gm_null();
    case 1: return gm_bool(t & 16);
    case 2: return gm_int((int64_t)(int8_t)u8(r));
    case 3: return gm_int((int64_t)u64(r));
    case 4: { uint64_t b = u64(r); double d; memcpy(&d, &b, sizeof d); return gm_double(d); }
    case 5: return gm_double((double)(int8_t)u8(r) / 4.0);
    case 6: { gm_str s = take_str(r); return gm_strn(s.ptr, s.len); }
    case 7: {
        gm_value v; v.type = GM_ARRAY;
        size_t n = depth < 3 ? u8(r) % 4 : 0;
        if (nv + n > POOL) n = 0;
        v.as.a.items = &vpool[nv]; v.as.a.len = n; nv += n;
        for (size_t i = 0; i < n; i++) v.as.a.items[i] = dec_value(r, depth + 1);
        return v;
    }
    default: {
        gm_value v; v.type = GM_OBJECT;
        size_t n = depth < 3 ? u8(r) % 4 : 0;
        if (nv + n > POOL || nk + n > POOL) n = 0;
        v.as.o.vals = &vpool[nv]; v.as.o.keys = &kpool[nk]; v.as.o.len = n; nv += n; nk += n;
        for (size_t i = 0; i < n; i++) { v.as.o.keys[i] = take_str(r); v.as.o.vals[i] = dec_value(r, depth + 1); }
        return v;
    }
    }
}

static void same_status(const char *op, gm_status *st)
{
    for (size_t b = 1; b < nb; b++)
        if (st[b] != st[0])
            FAIL("%s: %s says %s, %s says %s", op, gm_backend_name(0), gm_strerror(st[0]),
                 gm_backend_name(b), gm_strerror(st[b]));
}

static void check_consistent(void)
{
    for (size_t b = 0; b < nb; b++) {
        size_t n = 0, e = 0; gm_node it = GM_NONE; gm_edge ie = GM_NONE;
        while (gm_node_next(g[b], &it) == GM_OK) {
            if (it >= gm_node_bound(g[b])) FAIL("%s: node handle past bound", gm_backend_name(b));
            n++;
        }
        while (gm_edge_next(g[b], &ie) == GM_OK) {
            gm_node s, d;
            if (gm_edge_ends(g[b], ie, &s, &d) != GM_OK) FAIL("%s: edge without ends", gm_backend_name(b));
            gm_str id;
            if (gm_node_id(g[b], s, &id) != GM_OK || gm_node_id(g[b], d, &id) != GM_OK)
                FAIL("%s: edge to a dead node", gm_backend_name(b));
            e++;
        }
        if (n != gm_node_count(g[b]) || e != gm_edge_count(g[b]))
            FAIL("%s: counts %zu/%zu vs iteration %zu/%zu", gm_backend_name(b),
                 gm_node_count(g[b]), gm_edge_count(g[b]), n, e);
    }
    for (size_t b = 1; b < nb; b++) {
        if (gm_node_count(g[b]) != gm_node_count(g[0]) || gm_edge_count(g[b]) != gm_edge_count(g[0]) ||
            gm_node_bound(g[b]) != gm_node_bound(g[0]) || gm_edge_bound(g[b]) != gm_edge_bound(g[0]))
            FAIL("counts differ: %s %zu/%zu bound %zu/%zu vs %s %zu/%zu bound %zu/%zu",
                 gm_backend_name(0), gm_node_count(g[0]), gm_edge_count(g[0]), gm_node_bound(g[0]),
                 gm_edge_bound(g[0]), gm_backend_name(b), gm_node_count(g[b]), gm_edge_count(g[b]),
                 gm_node_bound(g[b]), gm_edge_bound(g[b]));
    }
}

static void usage_cb(void *ud, const char *c, size_t bytes) { (void)ud; (void)c; (void)bytes; }

/* One decoded operation: the same arguments for every backend. */
typedef struct {
    uint8_t op; uint32_t h1, h2; const char *key; gm_value val; gm_str sid;
    gm_status bst[MAXB]; gm_value bv[MAXB];   /* op 9: n2's value, read and copied beforehand */
} opargs;

/* Apply op `a` to backend b. `from` > 0 (a retry after GM_ENOMEM): add batches skip their first
** `from` items, which the failed call added. *added: what an add batch added. */
static gm_status apply(size_t b, opargs *a, size_t from, uint32_t *out, size_t *added)
{
    gm_graph *G = g[b];
    uint32_t nbound = (uint32_t)gm_node_bound(G) + 1, ebound = (uint32_t)gm_edge_bound(G) + 1;
    uint32_t h1 = a->h1, h2 = a->h2;
    gm_node n1 = h1 % nbound, n2 = h2 % nbound;
    gm_edge e1 = h1 % ebound;
    const char *key = a->key;
    gm_str sid = a->sid;
    *out = 0; *added = 0;
    switch (a->op % 18) {
    case 0: return gm_node_add(G, sid.ptr, sid.len, out);
    case 1: return gm_node_remove(G, n1);
    case 2: return gm_edge_add(G, n1, n2, out);
    case 3: return gm_edge_remove(G, e1);
    case 4: return gm_node_set(G, n1, key, &a->val);
    case 5: return gm_edge_set(G, e1, key, &a->val);
    case 6: return gm_node_unset(G, n1, key);
    case 7: return gm_edge_unset(G, e1, key);
    case 8: { /* get n1.key, set it (borrowed) on n2 */
        gm_value v; gm_status s = gm_node_get(G, n1, key, &v);
        return s == GM_OK ? gm_node_set(G, n2, keys[(h2 >> 2) % 4], &v) : s;
    }
    case 9: { /* batch set of n1..n1+3 with the value and a value borrowed from n2 (a retry:
               ** the copy taken before the first try, as the failed batch may have changed n2) */
        gm_node ns[4]; gm_value vs[4]; gm_value bv;
        gm_status s = from ? a->bst[b] : gm_node_get(G, n2, key, &bv);
        if (from && s == GM_OK) bv = a->bv[b];
        for (int i = 0; i < 4; i++) { ns[i] = (n1 + (uint32_t)i) % nbound; vs[i] = (s == GM_OK && (i & 1)) ? bv : a->val; }
        return gm_node_set_batch(G, keys[(h2 >> 2) % 4], ns, vs, 1 + (h2 & 3));
    }
    case 10: { /* column view; set a value read from the view (borrowed) on n2 */
        gm_column c; memset(&c, 0, sizeof c);
        gm_status s = gm_node_column(G, key, &c);
        if (s == GM_OK) {
            gm_value v;
            if (n1 < c.len && gm_column_value(&c, n1, &v) == GM_OK) s = gm_node_set(G, n2, key, &v);
            gm_column_release(G, &c);
        }
        return s;
    }
    case 11: { /* neighbour id borrowed into an edge add */
        gm_neighbors nbh; gm_status s = gm_out_neighbors(G, n1, &nbh);
        if (s == GM_OK && nbh.len) s = gm_edge_add(G, nbh.nodes[h2 % nbh.len], n1, out);
        return s;
    }
    case 12: { gm_str id; gm_status s = gm_node_id(G, n1, &id);
        if (s == GM_OK) { char buf[64]; size_t l = id.len < 60 ? id.len : 60;
            memcpy(buf, id.ptr, l); buf[l] = 'x'; s = gm_node_add(G, buf, l + 1, out); }
        return s; }
    case 13: { gm_str ids[2] = { sid, { sid.ptr, sid.len / 2 } };
        /* ids: sid and its first half (equal when sid is empty: GM_EEXIST) */
        size_t count = 1 + (h2 & 1);
        if (from > count) from = count;
        return gm_node_add_batch(G, ids + from, count - from, out, added); }
    case 14: { gm_node s[3] = { n1, n2, n1 }, d[3] = { n2, n1, n1 };
        size_t count = 1 + (h2 % 3);
        if (from > count) from = count;
        return gm_edge_add_batch(G, s + from, d + from, count - from, out, added); }
    case 15: { char *js; gm_status s = gm_value_to_json(&a->val, &js);
        if (s == GM_OK) { s = gm_node_set_json(G, n1, key, js, strlen(js)); gm_mem_free(js); }
        return s; }
    case 16: return gm_node_set_json(G, n1, key, sid.ptr, sid.len);
    default: (void)gm_memory_usage(G, usage_cb, NULL); return GM_OK;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rd r = { data, size };
    int fault = u8(&r) & 1;
    nb = gm_backend_count();
    if (nb > MAXB) nb = MAXB;
    gm_mem_stats before = gm_mem_stats_get();
    for (size_t b = 0; b < nb; b++)
        if (gm_open(gm_backend_name(b), &g[b], NULL, 0) != GM_OK) FAIL("open %s", gm_backend_name(b));
    gm_status st[MAXB];
    int steps = 0;
    while (r.n && steps++ < 200) {
        opargs a;
        a.op = u8(&r);
        long failn = fault ? (long)u8(&r) : 64;
        nv = nk = 0;
        a.h1 = u8(&r); a.h2 = u8(&r);
        a.key = keys[u8(&r) % 4];
        a.val = dec_value(&r, 0);
        a.sid = take_str(&r);
        gm_op fop = (gm_op)(u8(&r) % 6);
        const char *key = a.key;
        uint32_t h1 = a.h1, h2 = a.h2, op = a.op;
        gm_str sid = a.sid;
        uint32_t out[MAXB];
        int failed = 0;
        if (a.op % 18 == 9)     /* the borrowed value, kept for a retry (no injection here) */
            for (size_t b = 0; b < nb; b++) {
                gm_value v; gm_node n2 = h2 % ((uint32_t)gm_node_bound(g[b]) + 1);
                a.bst[b] = gm_node_get(g[b], n2, key, &v);
                if (a.bst[b] == GM_OK && gm_value_copy(&a.bv[b], &v) != GM_OK) abort();
            }
        for (size_t b = 0; b < nb; b++) {
            size_t added;
            if (failn < 64) gm_mem_fail_after(failn);
            st[b] = apply(b, &a, 0, &out[b], &added);
            gm_mem_fail_after(-1);
            if (st[b] == GM_ENOMEM) {   /* complete the op without injection, as promised */
                size_t prefix = (a.op % 18 == 13 || a.op % 18 == 14) ? added : 0, more;
                st[b] = apply(b, &a, prefix ? prefix : (a.op % 18 == 9), &out[b], &more);
                if (st[b] == GM_ENOMEM) FAIL("%s: GM_ENOMEM without injection", gm_backend_name(b));
                out[b] -= (uint32_t)prefix;      /* handles are consecutive from the first */
                failed = 1;
            }
        }
        if (a.op % 18 == 9)
            for (size_t b = 0; b < nb; b++) if (a.bst[b] == GM_OK) gm_value_free(&a.bv[b]);
        same_status(failed ? "op (after recovering from GM_ENOMEM)" : "op", st);
        for (size_t b = 1; b < nb; b++)
            if (out[b] != out[0] && st[0] == GM_OK)
                FAIL("op %d: handle %u (%s) vs %u (%s)%s", op % 18, out[0], gm_backend_name(0),
                     out[b], gm_backend_name(b), failed ? " after GM_ENOMEM" : "");
        /* observe: reads compared across backends */
        {
            gm_node n1 = h1 % ((uint32_t)gm_node_bound(g[0]) + 1);
            gm_edge e1 = h2 % ((uint32_t)gm_edge_bound(g[0]) + 1);
            gm_value v[MAXB], c[MAXB];
            for (size_t b = 0; b < nb; b++) { st[b] = gm_node_get(g[b], n1, key, &v[b]); }
            same_status("node_get", st);
            for (size_t b = 0; b < nb; b++) if (st[b] == GM_OK) { if (gm_value_copy(&c[b], &v[b]) != GM_OK) abort(); }
            for (size_t b = 1; b < nb; b++) if (st[0] == GM_OK && !gm_value_equal(&c[0], &c[b]))
                FAIL("node_get %u.%s differs: %s vs %s", n1, key, gm_backend_name(0), gm_backend_name(b));
            for (size_t b = 0; b < nb; b++) if (st[b] == GM_OK) gm_value_free(&c[b]);
            for (size_t b = 0; b < nb; b++) { st[b] = gm_edge_get(g[b], e1, key, &v[b]); }
            same_status("edge_get", st);
            for (size_t b = 0; b < nb; b++) if (st[b] == GM_OK) { if (gm_value_copy(&c[b], &v[b]) != GM_OK) abort(); }
            for (size_t b = 1; b < nb; b++) if (st[0] == GM_OK && !gm_value_equal(&c[0], &c[b]))
                FAIL("edge_get %u.%s differs", e1, key);
            for (size_t b = 0; b < nb; b++) if (st[b] == GM_OK) gm_value_free(&c[b]);
            /* degrees and neighbours (edge handles in order) */
            size_t od[MAXB], id[MAXB];
            for (size_t b = 0; b < nb; b++) { st[b] = gm_out_degree(g[b], n1, &od[b]); if (st[b] == GM_OK) st[b] = gm_in_degree(g[b], n1, &id[b]); }
            same_status("degree", st);
            for (size_t b = 1; b < nb; b++) if (st[0] == GM_OK && (od[b] != od[0] || id[b] != id[0])) FAIL("degree differs");
            gm_neighbors nh[MAXB];
            for (size_t b = 0; b < nb; b++) st[b] = gm_out_neighbors(g[b], n1, &nh[b]);
            same_status("neighbors", st);
            for (size_t b = 1; b < nb; b++) if (st[0] == GM_OK) {
                if (nh[b].len != nh[0].len) FAIL("neighbour count differs");
                for (size_t i = 0; i < nh[0].len; i++)
                    if (nh[b].nodes[i] != nh[0].nodes[i] || nh[b].edges[i] != nh[0].edges[i]) FAIL("neighbour list differs");
            }
            /* filter */
            gm_value fv = dec_value(&(rd){ (const uint8_t *)sid.ptr, sid.len }, 3);
            gm_pred p = { key, fop, fv };
            gm_list l[MAXB]; memset(l, 0, sizeof l);
            for (size_t b = 0; b < nb; b++) st[b] = gm_filter(g[b], &p, h2 & 1, &l[b]);
            same_status("filter", st);
            for (size_t b = 1; b < nb; b++) if (st[0] == GM_OK &&
                (l[b].len != l[0].len || (l[0].len && memcmp(l[b].items, l[0].items, l[0].len * sizeof *l[0].items))))
                FAIL("filter %s op %d differs: %s %zu vs %s %zu", key, fop, gm_backend_name(0), l[0].len, gm_backend_name(b), l[b].len);
            for (size_t b = 0; b < nb; b++) gm_list_free(&l[b]);
            /* column view vs get, per backend, and across */
            for (size_t b = 0; b < nb; b++) {
                gm_column col; memset(&col, 0, sizeof col);
                gm_status s = gm_node_column(g[b], key, &col);
                if (s != GM_OK) FAIL("%s: column %s", gm_backend_name(b), gm_strerror(s));
                if (col.len != gm_node_bound(g[b])) FAIL("%s: column len", gm_backend_name(b));
                gm_column_release(g[b], &col);
            }
            if (op & 0x80) { /* node iteration order and ids */
                for (size_t b = 1; b < nb; b++) {
                    gm_node a = GM_NONE, x = GM_NONE; gm_status sa, sx;
                    do { sa = gm_node_next(g[0], &a); sx = gm_node_next(g[b], &x);
                         if (sa != sx || (sa == GM_OK && a != x)) FAIL("node order differs");
                         if (sa == GM_OK) { gm_str i0, i1; gm_node_id(g[0], a, &i0); gm_node_id(g[b], x, &i1);
                            if (i0.len != i1.len || memcmp(i0.ptr, i1.ptr, i0.len)) FAIL("node id differs"); }
                    } while (sa == GM_OK);
                }
            }
        }
        check_consistent();
    }
    for (size_t b = 0; b < nb; b++) gm_close(g[b]);
    gm_mem_stats after = gm_mem_stats_get();
    if (after.blocks != before.blocks || after.live != before.live)
        FAIL("leak: %zu blocks / %zu bytes", after.blocks - before.blocks, after.live - before.live);
    return 0;
}
