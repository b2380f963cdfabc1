/*
** rowstore.c: node table, id index, edge table and adjacency shared by json.c and native.c.
** See rowstore.h for the layout; this file holds only the bookkeeping, never an attribute value.
**
** Every mutation allocates first (array growth, map insert) and commits after, with no allocation
** in between, so a failed call leaves the store as it was. Capacity grown before a later step
** failed is kept: it is invisible to callers and freed at close.
*/
#include <string.h>
#include "rowstore.h"

#define RS_IDSHOW(len) ((int)((len) > 64 ? 64 : (len)))   /* bytes of an id quoted in a message */

/* Room for one more element in an array of `size`-byte elements. Doubling, as the vectors of the
** phases measured did; the slack shows in the byte counts and is part of what they measure. */
static gm_status rs_grow(void **arr, uint32_t *cap, uint32_t len, size_t size)
{
    if (len < *cap) return GM_OK;
    if (*cap > UINT32_MAX / 2) return GM_ENOMEM;
    uint32_t nc = *cap ? *cap * 2 : 16;
    void *p = gm_mem_realloc(*arr, (size_t)nc * size);
    if (p == NULL) return GM_ENOMEM;
    *arr = p;
    *cap = nc;
    return GM_OK;
}

/* Room for one more entry in an adjacency list of `halves` arrays (2: out, 1: in). The out block
** holds two arrays split at cap, so growing it moves the second half: alloc, copy, free. */
static gm_status rs_adj_reserve(rs_adj *a, unsigned halves)
{
    if (a->len < a->cap) return GM_OK;
    if (a->cap > UINT32_MAX / 2) return GM_ENOMEM;
    uint32_t nc = a->cap ? a->cap * 2 : 2;
    if (halves == 1) {
        uint32_t *b = gm_mem_realloc(a->buf, (size_t)nc * sizeof *b);
        if (b == NULL) return GM_ENOMEM;
        a->buf = b;
    } else {
        uint32_t *b = gm_mem_alloc((size_t)nc * 2 * sizeof *b);
        if (b == NULL) return GM_ENOMEM;
        if (a->len > 0) {
            memcpy(b, a->buf, a->len * sizeof *b);
            memcpy(b + nc, a->buf + a->cap, a->len * sizeof *b);
        }
        gm_mem_free(a->buf);
        a->buf = b;
    }
    a->cap = nc;
    return GM_OK;
}

/* Remove edge e from a list sorted by edge handle (out: also its target). Never allocates. */
static void rs_adj_del(rs_adj *a, bool out, gm_edge e)
{
    uint32_t *es = out ? a->buf + a->cap : a->buf;
    uint32_t lo = 0, hi = a->len;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (es[mid] < e) lo = mid + 1; else hi = mid;
    }
    if (lo == a->len || es[lo] != e) return;        /* cannot happen: the store is consistent */
    size_t tail = (size_t)(a->len - lo - 1) * sizeof *es;
    memmove(es + lo, es + lo + 1, tail);
    if (out) memmove(a->buf + lo, a->buf + lo + 1, tail);
    a->len--;
}

static void rs_drop(gm_graph *g)
{
    if (RS(g)->ops->drop != NULL) RS(g)->ops->drop(g);
}

gm_status rs_open(gm_graph **out, size_t size, const rs_valops *ops)
{
    rs_store *s = gm_mem_alloc(size);
    if (s == NULL) return GM_ENOMEM;
    memset(s, 0, size);             /* empty maps, NULL arrays, and a GM_NULL scratch for json */
    s->ops = ops;
    s->self = size;
    *out = &s->base;
    return GM_OK;
}

void rs_close(gm_graph *g)
{
    rs_store *s = RS(g);
    rs_drop(g);
    for (uint32_t n = 0; n < s->nbound; n++) {      /* removed rows hold empty maps, NULL lists */
        gm_map_vfree(&s->nodes[n].attrs, s->ops->free_val);
        gm_mem_free(s->nodes[n].out.buf);
        gm_mem_free(s->nodes[n].in.buf);
    }
    for (uint32_t e = 0; e < s->ebound; e++) gm_map_vfree(&s->edges[e].attrs, s->ops->free_val);
    gm_map_free(&s->ids, NULL);
    gm_mem_free(s->nodes);
    gm_mem_free(s->edges);
    gm_mem_free(s);
}

gm_map *rs_attrs(gm_graph *g, gm_kind k, uint32_t h)
{
    return k == GM_KNODE ? &RS(g)->nodes[h].attrs : &RS(g)->edges[h].attrs;
}

/* ---------------------------------------------------------------- nodes */

gm_status rs_node_add(gm_graph *g, const char *id, size_t len, gm_node *out)
{
    rs_store *s = RS(g);
    uintptr_t h;
    const char *key;
    rs_drop(g);
    if (len >= UINT32_MAX) return gm_fail(g, GM_EINVAL, "node id of %zu bytes is too long", len);
    if (gm_map_get(&s->ids, id, len, &h)) {
        *out = (gm_node)h;
        return gm_fail(g, GM_EEXIST, "node '%.*s' exists (handle %u)", RS_IDSHOW(len), id, (unsigned)h);
    }
    if (s->nbound == GM_NONE) return gm_fail(g, GM_EINVAL, "node handle space exhausted");
    if (rs_grow((void **)&s->nodes, &s->ncap, s->nbound, sizeof *s->nodes) != GM_OK ||
        gm_map_add(&s->ids, id, len, s->nbound, &key) != GM_OK)   /* absent, so only ENOMEM */
        return gm_fail(g, GM_ENOMEM, "out of memory adding node '%.*s'", RS_IDSHOW(len), id);
    rs_node *nd = &s->nodes[s->nbound];
    memset(nd, 0, sizeof *nd);
    gm_map_init(&nd->attrs, s->ops->vsize);
    nd->id = key;
    nd->idlen = (uint32_t)len;
    *out = s->nbound++;
    s->nlive++;
    return GM_OK;
}

gm_status rs_node_find(gm_graph *g, const char *id, size_t len, gm_node *out)
{
    uintptr_t h;
    if (!gm_map_get(&RS(g)->ids, id, len, &h))
        return gm_fail(g, GM_ENOTFOUND, "no node with id '%.*s'", RS_IDSHOW(len), id);
    *out = (gm_node)h;
    return GM_OK;
}

gm_status rs_node_id(gm_graph *g, gm_node n, gm_str *out)
{
    out->ptr = RS(g)->nodes[n].id;
    out->len = RS(g)->nodes[n].idlen;
    return GM_OK;
}

static void rs_edge_kill(rs_store *s, gm_edge e)
{
    gm_map_vfree(&s->edges[e].attrs, s->ops->free_val);
    s->edges[e].src = s->edges[e].dst = GM_NONE;
    s->elive--;
}

/* Cost: O(sum over the incident edges of the other end's degree): each edge is found by binary
** search in the other end's list and memmoved out. The per-node in-lists (4 bytes an edge) are
** what spares a scan of the whole edge table here. Never allocates, so it cannot fail. */
gm_status rs_node_remove(gm_graph *g, gm_node n)
{
    rs_store *s = RS(g);
    rs_node *nd = &s->nodes[n];
    rs_drop(g);
    for (uint32_t i = 0; i < nd->out.len; i++) {    /* self-loops leave nd->in here, not nd->out */
        gm_edge e = nd->out.buf[nd->out.cap + i];
        rs_adj_del(&s->nodes[nd->out.buf[i]].in, false, e);
        rs_edge_kill(s, e);
    }
    for (uint32_t i = 0; i < nd->in.len; i++) {     /* only edges from other nodes are left */
        gm_edge e = nd->in.buf[i];
        rs_adj_del(&s->nodes[s->edges[e].src].out, true, e);
        rs_edge_kill(s, e);
    }
    gm_mem_free(nd->out.buf);
    gm_mem_free(nd->in.buf);
    gm_map_vfree(&nd->attrs, s->ops->free_val);
    gm_map_del(&s->ids, nd->id, nd->idlen, NULL);   /* frees the key nd->id points at */
    memset(nd, 0, sizeof *nd);
    s->nlive--;
    return GM_OK;
}

bool rs_node_live(const gm_graph *g, gm_node n)
{
    const rs_store *s = (const rs_store *)g;
    return n < s->nbound && s->nodes[n].id != NULL;
}

size_t rs_node_count(const gm_graph *g) { return ((const rs_store *)g)->nlive; }
size_t rs_node_bound(const gm_graph *g) { return ((const rs_store *)g)->nbound; }

gm_status rs_node_next(gm_graph *g, gm_node *it)
{
    rs_store *s = RS(g);
    for (gm_node n = *it == GM_NONE ? 0 : *it + 1; n < s->nbound; n++)
        if (s->nodes[n].id != NULL) { *it = n; return GM_OK; }
    return GM_END;
}

/* ---------------------------------------------------------------- edges */

gm_status rs_edge_add(gm_graph *g, gm_node src, gm_node dst, gm_edge *out)
{
    rs_store *s = RS(g);
    rs_drop(g);
    if (s->ebound == GM_NONE) return gm_fail(g, GM_EINVAL, "edge handle space exhausted");
    if (rs_grow((void **)&s->edges, &s->ecap, s->ebound, sizeof *s->edges) != GM_OK ||
        rs_adj_reserve(&s->nodes[src].out, 2) != GM_OK ||
        rs_adj_reserve(&s->nodes[dst].in, 1) != GM_OK)
        return gm_fail(g, GM_ENOMEM, "out of memory adding edge %u -> %u", (unsigned)src, (unsigned)dst);
    gm_edge e = s->ebound++;
    memset(&s->edges[e], 0, sizeof s->edges[e]);
    gm_map_init(&s->edges[e].attrs, s->ops->vsize);
    s->edges[e].src = src;
    s->edges[e].dst = dst;
    rs_adj *o = &s->nodes[src].out, *in = &s->nodes[dst].in;
    o->buf[o->len] = dst;
    o->buf[o->cap + o->len++] = e;
    in->buf[in->len++] = e;
    s->elive++;
    *out = e;
    return GM_OK;
}

gm_status rs_edge_remove(gm_graph *g, gm_edge e)
{
    rs_store *s = RS(g);
    rs_drop(g);
    rs_adj_del(&s->nodes[s->edges[e].src].out, true, e);
    rs_adj_del(&s->nodes[s->edges[e].dst].in, false, e);
    rs_edge_kill(s, e);
    return GM_OK;
}

gm_status rs_edge_ends(gm_graph *g, gm_edge e, gm_node *src, gm_node *dst)
{
    *src = RS(g)->edges[e].src;
    *dst = RS(g)->edges[e].dst;
    return GM_OK;
}

bool rs_edge_live(const gm_graph *g, gm_edge e)
{
    const rs_store *s = (const rs_store *)g;
    return e < s->ebound && s->edges[e].src != GM_NONE;
}

size_t rs_edge_count(const gm_graph *g) { return ((const rs_store *)g)->elive; }
size_t rs_edge_bound(const gm_graph *g) { return ((const rs_store *)g)->ebound; }

gm_status rs_edge_next(gm_graph *g, gm_edge *it)
{
    rs_store *s = RS(g);
    for (gm_edge e = *it == GM_NONE ? 0 : *it + 1; e < s->ebound; e++)
        if (s->edges[e].src != GM_NONE) { *it = e; return GM_OK; }
    return GM_END;
}

/* Aliases the out-list itself: valid until it next grows or shrinks, i.e. the next edge or node
** add/remove, as graphmem.h allows. */
gm_status rs_out_neighbors(gm_graph *g, gm_node n, gm_neighbors *out)
{
    const rs_adj *a = &RS(g)->nodes[n].out;
    out->nodes = a->buf;
    out->edges = a->buf ? a->buf + a->cap : NULL;
    out->len = a->len;
    return GM_OK;
}

gm_status rs_out_degree(gm_graph *g, gm_node n, size_t *out)
{
    *out = RS(g)->nodes[n].out.len;
    return GM_OK;
}

gm_status rs_in_degree(gm_graph *g, gm_node n, size_t *out)
{
    *out = RS(g)->nodes[n].in.len;
    return GM_OK;
}

/* ---------------------------------------------------------------- accounting */

static size_t rs_attr_bytes(const rs_store *s, const gm_map *m)
{
    size_t total = gm_map_bytes(m), pos = 0;
    gm_str k;
    void *v;
    while (gm_map_vnext(m, &pos, &k, &v)) total += s->ops->val_bytes(v);
    return total;
}

gm_status rs_memory_usage(gm_graph *g, gm_usage_fn fn, void *ud)
{
    const rs_store *s = RS(g);
    size_t nattr = 0, eattr = 0, adj = 0;
    for (uint32_t n = 0; n < s->nbound; n++) {
        nattr += rs_attr_bytes(s, &s->nodes[n].attrs);
        adj += ((size_t)s->nodes[n].out.cap * 2 + s->nodes[n].in.cap) * sizeof(uint32_t);
    }
    for (uint32_t e = 0; e < s->ebound; e++) eattr += rs_attr_bytes(s, &s->edges[e].attrs);
    fn(ud, "graph", s->self);
    fn(ud, "ids", gm_map_bytes(&s->ids));
    fn(ud, "nodes", (size_t)s->ncap * sizeof *s->nodes);
    fn(ud, "node_attrs", nattr);
    fn(ud, "edges", (size_t)s->ecap * sizeof *s->edges);
    fn(ud, "edge_attrs", eattr);
    fn(ud, "adjacency", adj);
    return GM_OK;
}
