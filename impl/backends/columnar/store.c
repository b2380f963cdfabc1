/*
** store.c: the columnar graph store (store.h) and the slots both columnar backends share:
** nodes, edges, CSR adjacency, typed attribute columns, accounting.
**
** Not here: how the store is READ in bulk (column views, neighbour lists, filters) and batch
** building; columnar.c (phase 3: copies, generic row-at-a-time paths) and zerocopy.c (phase 4:
** aliasing views, batch slots, column-scanning filter) each do that their way.
*/
#include <stdio.h>
#include <string.h>
#include "store.h"
#include "value.h"

#define COL_TRY(expr) do { gm_status rc_ = (expr); if (rc_ != GM_OK) return rc_; } while (0)
#define COL_NOROW SIZE_MAX
#define COL_DICT_SCAN 8        /* dictionaries up to this size are searched linearly */

gm_status col_buf_reserve(col_buf *b, size_t need, size_t esz, bool exact)
{
    if (need <= b->cap) return GM_OK;
    /* +1/16 (at least 16 elements): at most 6.25 % slack, so bytes per row stay flat as a store
    ** grows one row at a time (1.5x left up to 50 %, a +32 % jump at 1M rows); still geometric,
    ** so appends stay amortised O(1) (a large block is mremap'ed by realloc, not copied) */
    size_t grow = b->cap + (b->cap / 16 > 16 ? b->cap / 16 : 16);
    /* exact: a batch sizes its arrays once; a small step still grows geometrically, so many
    ** small batches stay amortised O(1) a row */
    size_t nc = (exact && (b->cap == 0 || need >= grow)) ? need : (need > grow ? need : grow);
    if (nc > SIZE_MAX / esz) return GM_ENOMEM;
    char *p = gm_mem_realloc(b->p, nc * esz);
    if (p == NULL) return GM_ENOMEM;
    memset(p + b->cap * esz, 0, (nc - b->cap) * esz);
    b->p = p;
    b->cap = nc;
    return GM_OK;
}

/* ---------------------------------------------------------------- open / close */

gm_status col_open(gm_graph **out)
{
    col_graph *G = gm_mem_alloc(sizeof *G);
    if (G == NULL) return GM_ENOMEM;
    memset(G, 0, sizeof *G);
    *out = &G->base;
    return GM_OK;
}

static size_t col_esz(col_type t)
{
    switch (t) {
    case COL_I64: case COL_F64: case COL_STR: return 8;
    case COL_DICT: return 4;
    case COL_BOOL: return 1;
    case COL_VAL: return sizeof(gm_value);
    case COL_EMPTY: break;
    }
    return 1;
}

/* Elements the data array needs for `rows` rows. */
static size_t col_data_need(col_type t, size_t rows)
{
    switch (t) {
    case COL_BOOL: return (rows + 7) / 8;
    case COL_STR: return rows + 1;
    case COL_EMPTY: return 0;
    default: return rows;
    }
}

/* Free everything but the name and the validity bitmap. */
static void col_attr_free_data(col_attr *a)
{
    if (a->type == COL_VAL) {
        gm_value *v = a->data.p;
        for (size_t i = 0; i < a->data.cap; i++) gm_value_free(&v[i]);
    }
    gm_mem_free(a->data.p);
    gm_mem_free(a->dict.p);
    gm_mem_free(a->dbytes.p);
    gm_idx_free(&a->didx);
    a->data.p = a->dict.p = a->dbytes.p = NULL;
    a->data.cap = a->dict.cap = a->dbytes.cap = 0;
    a->ndict = a->nbytes = a->hi = 0;
}

static void col_attr_free(col_attr *a)
{
    col_attr_free_data(a);
    gm_mem_free(a->valid.p);
    gm_mem_free(a->name);
}

void col_close(gm_graph *g)
{
    col_graph *G = COL(g);
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < G->attrs[k].n; i++) col_attr_free(&G->attrs[k].a[i]);
        gm_mem_free(G->attrs[k].a);
    }
    gm_mem_free(G->idbytes.p);
    gm_mem_free(G->idoff.p);
    gm_mem_free(G->alive.p);
    gm_idx_free(&G->index);
    gm_mem_free(G->src.p);
    gm_mem_free(G->dst.p);
    gm_mem_free(G->indeg.p);
    gm_mem_free(G->csroff.p);
    gm_mem_free(G->adjdst.p);
    gm_mem_free(G->adjedge.p);
    gm_mem_free(G->scratch.p);
    gm_mem_free(G);
}

/* ---------------------------------------------------------------- nodes */

gm_str col_id_key(const void *ctx, uint32_t n)
{
    const col_graph *G = ctx;
    const uint32_t *off = G->idoff.p;
    gm_str s;
    s.ptr = G->idbytes.p ? (const char *)G->idbytes.p + off[n] : "";
    s.len = off[n + 1] - off[n];
    return s;
}

static gm_status col_attr_reserve_rows(col_attr *a, size_t rows, bool exact)
{
    COL_TRY(col_buf_reserve(&a->valid, (rows + 7) / 8, 1, exact));
    if (a->type == COL_EMPTY) return GM_OK;
    return col_buf_reserve(&a->data, col_data_need(a->type, rows), col_esz(a->type), exact);
}

gm_status col_reserve_nodes(col_graph *G, size_t count, size_t idbytes, bool exact)
{
    if (count > (size_t)UINT32_MAX - 1 - G->nbound) return GM_EINVAL;
    if (idbytes > (size_t)UINT32_MAX - G->idused) return GM_ENOMEM;   /* uint32 id offsets */
    size_t nb = (size_t)G->nbound + count;
    COL_TRY(col_buf_reserve(&G->idbytes, G->idused + idbytes, 1, exact));
    COL_TRY(col_buf_reserve(&G->idoff, nb + 1, 4, exact));
    COL_TRY(col_buf_reserve(&G->alive, (nb + 7) / 8, 1, exact));
    COL_TRY(col_buf_reserve(&G->indeg, nb, 4, exact));
    COL_TRY(col_buf_reserve(&G->csroff, nb + 1, 4, exact));
    COL_TRY(gm_idx_reserve(&G->index, (size_t)G->index.len + count, exact, col_id_key, G));
    for (size_t i = 0; i < G->attrs[GM_KNODE].n; i++)
        COL_TRY(col_attr_reserve_rows(&G->attrs[GM_KNODE].a[i], nb, exact));
    return GM_OK;
}

gm_node col_commit_node(col_graph *G, const char *id, size_t len, uint64_t h, size_t slot)
{
    gm_node n = G->nbound;
    uint32_t *off = G->idoff.p;
    if (len > 0) memcpy((char *)G->idbytes.p + G->idused, id, len);
    G->idused += len;
    off[n + 1] = (uint32_t)G->idused;
    col_bit_set(G->alive.p, n);
    ((uint32_t *)G->indeg.p)[n] = 0;
    if (!G->missing) {                        /* the CSR holds every edge: n's segment is empty */
        uint32_t *co = G->csroff.p;
        co[n + 1] = co[n];
    }
    if (slot == GM_IDX_NOSLOT) gm_idx_insert_h(&G->index, h, n);
    else gm_idx_set(&G->index, slot, n);        /* the id's entry from a removed node */
    G->nbound++;
    G->nlive++;
    return n;
}

gm_status col_node_add(gm_graph *g, const char *id, size_t len, gm_node *out)
{
    col_graph *G = COL(g);
    uint64_t h = gm_idx_hash(id, len);
    size_t slot = gm_idx_slot_h(&G->index, h, id, len, col_id_key, G);
    if (slot != GM_IDX_NOSLOT && col_bit(G->alive.p, G->index.slots[slot])) {
        *out = G->index.slots[slot];
        return gm_fail(g, GM_EEXIST, "node '%.*s' exists", (int)(len > 64 ? 64 : len), id);
    }
    if (col_inside(&G->idbytes, id)) {
        /* the id lies in our own arena (a piece of another id): growing the arena would move it */
        char *tmp = gm_mem_alloc(len);
        if (tmp == NULL) return gm_fail(g, GM_ENOMEM, "out of memory adding a node");
        memcpy(tmp, id, len);
        gm_status rc = col_node_add(g, tmp, len, out);
        gm_mem_free(tmp);
        return rc;
    }
    gm_status rc = col_reserve_nodes(G, 1, len, false);
    if (rc != GM_OK)
        return gm_fail(g, rc, rc == GM_EINVAL ? "node handle space exhausted" : "out of memory adding a node");
    if (slot != GM_IDX_NOSLOT)                  /* the reserve may have re-hashed the table */
        slot = gm_idx_slot_h(&G->index, h, id, len, col_id_key, G);
    *out = col_commit_node(G, id, len, h, slot);
    return GM_OK;
}

gm_status col_node_find(gm_graph *g, const char *id, size_t len, gm_node *out)
{
    col_graph *G = COL(g);
    uint32_t n;
    if (gm_idx_find_h(&G->index, gm_idx_hash(id, len), id, len, col_id_key, G, &n)
        && col_bit(G->alive.p, n)) {            /* a removed node's entry stays, dead */
        *out = n;
        return GM_OK;
    }
    return gm_fail(g, GM_ENOTFOUND, "no node with id '%.*s'", (int)(len > 64 ? 64 : len), id);
}

gm_status col_node_id(gm_graph *g, gm_node n, gm_str *out)
{
    *out = col_id_key(COL(g), n);
    return GM_OK;
}

/* Clear row `row` of every attribute of kind k (the node or edge is gone). */
static void col_rows_clear(col_graph *G, gm_kind k, size_t row)
{
    /* the table's bounds and the row's bit in locals: the bitmap stores may alias anything, so
    ** reading them through G in the loop reloaded them per column (removal: 246 -> 216
    ** instructions a node on groggy-10k) */
    col_attr *t = G->attrs[k].a;
    size_t n = G->attrs[k].n, byte = row >> 3;
    uint8_t bit = (uint8_t)(1u << (row & 7));
    for (size_t i = 0; i < n; i++) {
        col_attr *a = &t[i];
        uint8_t *v = (uint8_t *)a->valid.p + byte;
        if (!(*v & bit)) continue;
        *v &= (uint8_t)~bit;
        a->nvalid--;
        if (a->type == COL_VAL) gm_value_free(&((gm_value *)a->data.p)[row]);
    }
}

/* Is edge e live? Its src is not the COL_DEAD tombstone of an edge_remove, and both ends are
** alive: a removed node's edges die with its alive bit and are swept by the next CSR rebuild. */
static inline bool col_live(const col_graph *G, gm_edge e)
{
    uint32_t s = ((const uint32_t *)G->src.p)[e];
    const uint8_t *alive = G->alive.p;
    return s != COL_DEAD && col_bit(alive, s) && col_bit(alive, ((const uint32_t *)G->dst.p)[e]);
}

/* The CSR position of live edge e out of s (the CSR lists every edge: !missing): segments hold
** their edges in increasing handle order, so a binary search, O(log out-degree). */
static uint32_t col_csr_find(const col_graph *G, gm_node s, gm_edge e)
{
    const uint32_t *off = G->csroff.p, *ae = G->adjedge.p;
    uint32_t lo = off[s], hi = off[s + 1];
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ae[mid] < e) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* Deferred in-degree decrements. A removal's decrement of its target's in-degree is the one
** scattered line it touches (indeg is 4 MB at 1M nodes); done at once, each is a load miss the
** next removal's work cannot overlap (a removal is ~200 instructions, about the out-of-order
** window). Logged and applied COL_PEND at a time in a tight loop, the misses overlap:
** groggy-1m zerocopy removal 62 -> 35-38 ns a node. A read of indeg[m] settles first when the
** filter says m may be pending (a multiplicative hash of m: 2^13 bits over at most 256
** entries, so a removal settles early a few % of the time; a smaller log or filter was no
** faster within this machine's noise, 34-51 ns for every size tried). */
static inline uint32_t col_pend_bit(uint32_t m) { return (m * 0x9E3779B1u) >> (32 - COL_PEND_BITS); }

static void col_pend_settle(col_graph *G)
{
    uint32_t *indeg = G->indeg.p;
    for (uint32_t i = 0; i < G->pend.n; i++) indeg[G->pend.at[i]]--;
    G->pend.n = 0;
    memset(G->pend.filter, 0, sizeof G->pend.filter);
}

static inline void col_pend_add(col_graph *G, uint32_t m)
{
    if (G->pend.n == COL_PEND) col_pend_settle(G);
    uint32_t h = col_pend_bit(m);
    G->pend.at[G->pend.n++] = m;
    G->pend.filter[h >> 6] |= (uint64_t)1 << (h & 63);
}

/* indeg[m], exact: settles first if m may have a decrement pending. */
static inline uint32_t *col_indeg_exact(col_graph *G, uint32_t m)
{
    uint32_t h = col_pend_bit(m);
    if ((G->pend.filter[h >> 6] >> (h & 63)) & 1) col_pend_settle(G);
    return &((uint32_t *)G->indeg.p)[m];
}

gm_status col_node_remove(gm_graph *g, gm_node n)
{
    col_graph *G = COL(g);
    /* n's out-edges are read from its CSR segment, so the CSR must list every edge: rebuilt only
    ** if edges were added since the last rebuild (one whose only fault is dead entries will do) */
    if (G->missing) col_csr_ready(G);
    const uint32_t *off = G->csroff.p, *ad = G->adjdst.p;
    const uint8_t *alive = G->alive.p;
    /* n's live out-edges leave their targets' in-degrees (a self-loop leaves n's own), deferred;
    ** an entry is dead when its target went before (alive bit) or edge_remove marked it
    ** (COL_DEAD). The edges themselves die with n's alive bit: nothing at the edge handle is
    ** touched. */
    for (uint32_t p = off[n], end = off[n + 1]; p < end; p++) {
        uint32_t m = ad[p];
        if (m == COL_DEAD || !col_bit(alive, m)) continue;
        col_pend_add(G, m);
        G->elive--;
    }
    uint32_t *indeg = col_indeg_exact(G, n);
    uint32_t in = *indeg;                     /* the live in-edges left: dead from now on */
    G->elive -= in;
    *indeg = 0;
    if (in > 0) G->dirty = true;              /* their sources' segments now hold dead entries */
    col_rows_clear(G, GM_KNODE, n);
    /* n's id entry stays in the index, pointing at a dead handle: finds check liveness and a
    ** re-add re-points it. Removing it would hash the id and shift the probe run (half the
    ** cache lines a removal touched, measured with callgrind's cache simulation). */
    col_bit_clr(G->alive.p, n);
    G->nlive--;
    return GM_OK;
}

bool col_node_live(const gm_graph *g, gm_node n)
{
    const col_graph *G = (const col_graph *)g;
    return n < G->nbound && col_bit(G->alive.p, n);
}

size_t col_node_count(const gm_graph *g) { return ((const col_graph *)g)->nlive; }
size_t col_node_bound(const gm_graph *g) { return ((const col_graph *)g)->nbound; }

gm_status col_node_next(gm_graph *g, gm_node *it)
{
    col_graph *G = COL(g);
    const uint8_t *m = G->alive.p;
    size_t i = *it == GM_NONE ? 0 : (size_t)*it + 1;
    while (i < G->nbound) {
        if ((i & 7) == 0 && m[i >> 3] == 0) { i += 8; continue; }
        if (col_bit(m, i)) { *it = (gm_node)i; return GM_OK; }
        i++;
    }
    return GM_END;
}

/* ---------------------------------------------------------------- edges and adjacency */

gm_status col_reserve_edges(col_graph *G, size_t count, bool exact)
{
    if (count > (size_t)UINT32_MAX - 1 - G->ebound) return GM_EINVAL;
    size_t eb = (size_t)G->ebound + count;
    COL_TRY(col_buf_reserve(&G->src, eb, 4, exact));
    COL_TRY(col_buf_reserve(&G->dst, eb, 4, exact));
    COL_TRY(col_buf_reserve(&G->adjdst, eb, 4, exact));
    COL_TRY(col_buf_reserve(&G->adjedge, eb, 4, exact));
    for (size_t i = 0; i < G->attrs[GM_KEDGE].n; i++)
        COL_TRY(col_attr_reserve_rows(&G->attrs[GM_KEDGE].a[i], eb, exact));
    return GM_OK;
}

gm_edge col_commit_edge(col_graph *G, gm_node s, gm_node d)
{
    gm_edge e = G->ebound;
    ((uint32_t *)G->src.p)[e] = s;
    ((uint32_t *)G->dst.p)[e] = d;
    ((uint32_t *)G->indeg.p)[d]++;
    G->ebound++;
    G->elive++;
    G->dirty = G->missing = true;
    return e;
}

gm_status col_edge_add(gm_graph *g, gm_node src, gm_node dst, gm_edge *out)
{
    col_graph *G = COL(g);
    gm_status rc = col_reserve_edges(G, 1, false);
    if (rc != GM_OK)
        return gm_fail(g, rc, rc == GM_EINVAL ? "edge handle space exhausted" : "out of memory adding an edge");
    *out = col_commit_edge(G, src, dst);
    return GM_OK;
}

gm_status col_edge_remove(gm_graph *g, gm_edge e)
{
    col_graph *G = COL(g);
    uint32_t *src = G->src.p, *dst = G->dst.p;
    if (!G->missing)                          /* node removal reads the CSR until its rebuild */
        ((uint32_t *)G->adjdst.p)[col_csr_find(G, src[e], e)] = COL_DEAD;
    ((uint32_t *)G->indeg.p)[dst[e]]--;
    src[e] = COL_DEAD;
    G->elive--;
    G->dirty = true;
    col_rows_clear(G, GM_KEDGE, e);
    return GM_OK;
}

gm_status col_edge_ends(gm_graph *g, gm_edge e, gm_node *src, gm_node *dst)
{
    col_graph *G = COL(g);
    *src = ((const uint32_t *)G->src.p)[e];
    *dst = ((const uint32_t *)G->dst.p)[e];
    return GM_OK;
}

bool col_edge_live(const gm_graph *g, gm_edge e)
{
    const col_graph *G = (const col_graph *)g;
    return e < G->ebound && col_live(G, e);
}

size_t col_edge_count(const gm_graph *g) { return ((const col_graph *)g)->elive; }
size_t col_edge_bound(const gm_graph *g) { return ((const col_graph *)g)->ebound; }

gm_status col_edge_next(gm_graph *g, gm_edge *it)
{
    col_graph *G = COL(g);
    for (size_t e = *it == GM_NONE ? 0 : (size_t)*it + 1; e < G->ebound; e++)
        if (col_live(G, (gm_edge)e)) { *it = (gm_edge)e; return GM_OK; }
    return GM_END;
}

void col_csr_ready(col_graph *G)
{
    if (!G->dirty) return;
    size_t nb = G->nbound, eb = G->ebound;
    uint32_t *off = G->csroff.p, *ad = G->adjdst.p, *ae = G->adjedge.p;
    uint32_t *src = G->src.p;
    const uint32_t *dst = G->dst.p;
    const uint8_t *alive = G->alive.p;
    G->dirty = G->missing = false;
    if (nb == 0) return;
    /* Stable counting sort in place: count into off[s+1], prefix-sum to segment ends, place edges
    ** from the last handle down (so each segment ends up in increasing handle order), which
    ** leaves off[s+1] = start of s; shift by one. The count pass sweeps the edges of removed
    ** nodes (dead by their alive bits, already out of the counts): src := COL_DEAD, rows
    ** cleared. */
    memset(off, 0, (nb + 1) * sizeof *off);
    for (size_t e = 0; e < eb; e++) {
        uint32_t s = src[e];
        if (s == COL_DEAD) continue;
        if (!col_bit(alive, s) || !col_bit(alive, dst[e])) {
            src[e] = COL_DEAD;
            col_rows_clear(G, GM_KEDGE, e);
            continue;
        }
        off[s + 1]++;
    }
    for (size_t i = 0; i < nb; i++) off[i + 1] += off[i];
    for (size_t e = eb; e-- > 0;) {
        uint32_t s = src[e];
        if (s == COL_DEAD) continue;
        uint32_t p = --off[s + 1];
        ad[p] = dst[e];
        ae[p] = (uint32_t)e;
    }
    memmove(off, off + 1, nb * sizeof *off);
    off[nb] = G->elive;
}

gm_status col_out_degree(gm_graph *g, gm_node n, size_t *out)
{
    col_graph *G = COL(g);
    col_csr_ready(G);
    const uint32_t *off = G->csroff.p;
    *out = off[n + 1] - off[n];
    return GM_OK;
}

gm_status col_in_degree(gm_graph *g, gm_node n, size_t *out)
{
    *out = *col_indeg_exact(COL(g), n);
    return GM_OK;
}

/* ---------------------------------------------------------------- attribute columns */

col_type col_type_of(const gm_value *v)
{
    switch (v->type) {
    case GM_INT: return COL_I64;
    case GM_DOUBLE: return COL_F64;
    case GM_BOOL: return COL_BOOL;
    case GM_STRING: return COL_DICT;
    default: return COL_VAL;
    }
}

static bool col_same(col_type have, col_type want)
{
    return have == want || (have == COL_STR && want == COL_DICT);
}

col_attr *col_attr_find(col_graph *G, gm_kind k, const char *key)
{
    size_t len = strlen(key);
    col_attrs *t = &G->attrs[k];
    for (size_t i = 0; i < t->n; i++)
        if (t->a[i].namelen == len && memcmp(t->a[i].name, key, len) == 0) return &t->a[i];
    return NULL;
}

gm_status col_attr_create(col_graph *G, gm_kind k, const char *key, col_attr **out)
{
    col_attrs *t = &G->attrs[k];
    col_buf dir = { t->a, t->cap };
    COL_TRY(col_buf_reserve(&dir, t->n + 1, sizeof(col_attr), true));
    t->a = dir.p;
    t->cap = dir.cap;
    size_t len = strlen(key);
    char *name = gm_mem_alloc(len + 1);
    if (name == NULL) return GM_ENOMEM;
    memcpy(name, key, len + 1);
    col_buf valid = { NULL, 0 };
    if (col_buf_reserve(&valid, (col_rows(G, k) + 7) / 8, 1, true) != GM_OK) {
        gm_mem_free(name);
        return GM_ENOMEM;
    }
    col_attr *a = &t->a[t->n++];
    memset(a, 0, sizeof *a);
    a->name = name;
    a->namelen = len;
    a->type = COL_EMPTY;
    a->valid = valid;
    *out = a;
    return GM_OK;
}

void col_attr_drop_last(col_graph *G, gm_kind k)
{
    col_attrs *t = &G->attrs[k];
    col_attr_free(&t->a[--t->n]);
}

void col_row_value(const col_attr *a, size_t row, gm_value *out)
{
    switch (a->type) {
    case COL_I64: *out = gm_int(((const int64_t *)a->data.p)[row]); return;
    case COL_F64: *out = gm_double(((const double *)a->data.p)[row]); return;
    case COL_BOOL: *out = gm_bool(col_bit(a->data.p, row)); return;
    case COL_DICT: {
        const gm_str *d = &((const gm_str *)a->dict.p)[((const uint32_t *)a->data.p)[row]];
        *out = gm_strn(d->ptr, d->len);
        return;
    }
    case COL_STR: {
        const uint64_t *off = a->data.p;
        const char *b = a->dbytes.p ? (const char *)a->dbytes.p : "";
        if (row < a->hi) *out = gm_strn(b + off[row], (size_t)(off[row + 1] - off[row]));
        else *out = gm_strn(b, 0);
        return;
    }
    case COL_VAL: *out = ((const gm_value *)a->data.p)[row]; return;
    case COL_EMPTY: break;
    }
    *out = gm_null();
}

/* -- dictionary strings: entries are back to back in dbytes, in code order -- */

static gm_str col_dict_key(const void *ctx, uint32_t code)
{
    return ((const gm_str *)((const col_attr *)ctx)->dict.p)[code];
}

static gm_status col_dict_reserve(col_attr *a, size_t nnew, size_t bytes, bool exact)
{
    COL_TRY(col_buf_reserve(&a->dict, a->ndict + nnew, sizeof(gm_str), exact));
    if (a->nbytes + bytes > a->dbytes.cap) {
        COL_TRY(col_buf_reserve(&a->dbytes, a->nbytes + bytes, 1, exact));
        /* the bytes moved: re-point every entry (they are contiguous in code order) */
        gm_str *d = a->dict.p;
        size_t pos = 0;
        for (size_t i = 0; i < a->ndict; i++) {
            d[i].ptr = (const char *)a->dbytes.p + pos;
            pos += d[i].len;
        }
    }
    return gm_idx_reserve(&a->didx, a->ndict + nnew, exact, col_dict_key, a);
}

static uint32_t col_dict_commit(col_attr *a, uint64_t h, const char *s, size_t len)
{
    char *b = a->dbytes.p;
    gm_str *d = a->dict.p;
    if (len > 0) memcpy(b + a->nbytes, s, len);
    d[a->ndict].ptr = b ? b + a->nbytes : "";
    d[a->ndict].len = len;
    a->nbytes += len;
    gm_idx_insert_h(&a->didx, h, (uint32_t)a->ndict);
    return (uint32_t)a->ndict++;
}

/* Rebuild DICT column a as STR, optionally with (s, len) at `row` (COL_NOROW: none). */
static gm_status col_to_str(col_graph *G, gm_kind k, col_attr *a, size_t row, const char *s, size_t len)
{
    size_t rows = col_rows(G, k), total = 0;
    const uint8_t *valid = a->valid.p;
    const uint32_t *codes = a->data.p;
    const gm_str *d = a->dict.p;
    for (size_t r = 0; r < rows; r++)
        if (r == row) total += len;
        else if (col_bit(valid, r)) total += d[codes[r]].len;
    col_buf off = { NULL, 0 }, bytes = { NULL, 0 };
    if (col_buf_reserve(&off, rows + 1, 8, true) != GM_OK) return GM_ENOMEM;
    if (col_buf_reserve(&bytes, total, 1, true) != GM_OK) { gm_mem_free(off.p); return GM_ENOMEM; }
    uint64_t *o = off.p;
    char *b = bytes.p;
    size_t pos = 0;
    for (size_t r = 0; r < rows; r++) {
        o[r] = pos;
        const char *p = NULL;
        size_t n = 0;
        if (r == row) { p = s; n = len; }
        else if (col_bit(valid, r)) { p = d[codes[r]].ptr; n = d[codes[r]].len; }
        if (n > 0) memcpy(b + pos, p, n);
        pos += n;
    }
    o[rows] = pos;
    col_attr_free_data(a);
    a->type = COL_STR;
    a->data = off;
    a->dbytes = bytes;
    a->nbytes = pos;
    a->hi = rows;
    return GM_OK;
}

static gm_status col_dict_put(col_graph *G, gm_kind k, col_attr *a, size_t row, const char *s,
                              size_t len, bool was, bool settle)
{
    uint32_t code;
    if (a->ndict <= COL_DICT_SCAN) {          /* a few entries: comparing beats hashing */
        const gm_str *d = a->dict.p;
        for (code = 0; code < a->ndict; code++)
            if (d[code].len == len && (len == 0 || memcmp(d[code].ptr, s, len) == 0)) {
                ((uint32_t *)a->data.p)[row] = code;
                return GM_OK;
            }
    }
    uint64_t h = gm_idx_hash(s, len);
    if (a->ndict > COL_DICT_SCAN && gm_idx_find_h(&a->didx, h, s, len, col_dict_key, a, &code)) {
        ((uint32_t *)a->data.p)[row] = code;
        return GM_OK;
    }
    size_t nv = a->nvalid + (was ? 0 : 1);
    if (settle && a->ndict + 1 > COL_DICT_SMALL && (a->ndict + 1) * 2 > nv)
        return col_to_str(G, k, a, row, s, len);
    if (col_inside(&a->dbytes, s)) {          /* a piece of one of our own strings: copy it first */
        char *tmp = gm_mem_alloc(len);
        if (tmp == NULL) return GM_ENOMEM;
        memcpy(tmp, s, len);
        gm_status rc = col_dict_put(G, k, a, row, tmp, len, was, settle);
        gm_mem_free(tmp);
        return rc;
    }
    COL_TRY(col_dict_reserve(a, 1, len, false));
    ((uint32_t *)a->data.p)[row] = col_dict_commit(a, h, s, len);
    return GM_OK;
}

gm_status col_str_put(col_attr *a, size_t row, const char *s, size_t len)
{
    if (col_inside(&a->dbytes, s)) {          /* our own bytes move below: copy them first */
        char *tmp = gm_mem_alloc(len);
        if (tmp == NULL) return GM_ENOMEM;
        memcpy(tmp, s, len);
        gm_status rc = col_str_put(a, row, tmp, len);
        gm_mem_free(tmp);
        return rc;
    }
    uint64_t *off = a->data.p;
    if (row >= a->hi) {                       /* append: the build order */
        COL_TRY(col_buf_reserve(&a->dbytes, a->nbytes + len, 1, false));
        for (size_t i = a->hi + 1; i <= row; i++) off[i] = a->nbytes;
        if (len > 0) memcpy((char *)a->dbytes.p + a->nbytes, s, len);
        a->nbytes += len;
        off[row + 1] = a->nbytes;
        a->hi = row + 1;
        return GM_OK;
    }
    /* replace inside: shift the rows after it, O(rows after + their bytes) */
    size_t old = (size_t)(off[row + 1] - off[row]);
    if (len > old) COL_TRY(col_buf_reserve(&a->dbytes, a->nbytes + len - old, 1, false));
    char *b = a->dbytes.p;
    size_t tail = a->nbytes - (size_t)off[row + 1];
    if (len != old) {
        if (tail > 0) memmove(b + off[row] + len, b + off[row + 1], tail);
        uint64_t delta = (uint64_t)len - (uint64_t)old;   /* modular: works for shrinking too */
        for (size_t i = row + 1; i <= a->hi; i++) off[i] += delta;
        a->nbytes = a->nbytes + len - old;
    }
    if (len > 0) memcpy(b + off[row], s, len);
    return GM_OK;
}

void col_str_finalize(col_attr *a, size_t rows)
{
    uint64_t *off = a->data.p;
    if (a->type != COL_STR || a->hi >= rows) return;
    for (size_t i = a->hi + 1; i <= rows; i++) off[i] = a->nbytes;
    a->hi = rows;
}

/* Store v in a column of a compatible type (no bit bookkeeping). */
static gm_status col_data_put(col_graph *G, gm_kind k, col_attr *a, size_t row, const gm_value *v,
                              bool was, bool settle)
{
    switch (a->type) {
    case COL_I64: ((int64_t *)a->data.p)[row] = v->as.i; return GM_OK;
    case COL_F64: ((double *)a->data.p)[row] = v->as.d; return GM_OK;
    case COL_BOOL:
        if (v->as.b) col_bit_set(a->data.p, row);
        else col_bit_clr(a->data.p, row);
        return GM_OK;
    case COL_DICT: return col_dict_put(G, k, a, row, v->as.s.ptr, v->as.s.len, was, settle);
    case COL_STR: return col_str_put(a, row, v->as.s.ptr, v->as.s.len);
    case COL_VAL: {
        gm_value c;
        COL_TRY(gm_value_copy(&c, v));        /* copy first: v may borrow from this very row */
        gm_value *slot = &((gm_value *)a->data.p)[row];
        gm_value_free(slot);
        *slot = c;
        return GM_OK;
    }
    case COL_EMPTY: break;
    }
    return GM_EINVAL;
}

/* Move the data fields of t into a (a's old data freed). */
static void col_attr_take(col_attr *a, col_attr *t)
{
    col_attr_free_data(a);
    a->type = t->type;
    a->data = t->data;
    a->dict = t->dict;
    a->ndict = t->ndict;
    a->dbytes = t->dbytes;
    a->nbytes = t->nbytes;
    a->didx = t->didx;
    a->hi = t->hi;
}

gm_status col_attr_retype(col_graph *G, gm_kind k, col_attr *a, col_type type)
{
    col_attr t;
    memset(&t, 0, sizeof t);
    t.type = type;
    COL_TRY(col_buf_reserve(&t.data, col_data_need(type, col_rows(G, k)), col_esz(type), true));
    col_attr_take(a, &t);
    return GM_OK;
}

/* The column holds no value but (maybe) row's: give it v's type, allocate-then-commit. */
static gm_status col_retype_put(col_graph *G, gm_kind k, col_attr *a, size_t row, const gm_value *v,
                                col_type want)
{
    col_attr t;
    memset(&t, 0, sizeof t);
    t.type = want;
    size_t rows = col_rows(G, k);
    COL_TRY(col_buf_reserve(&t.data, col_data_need(want, rows), col_esz(want), true));
    gm_status rc = col_data_put(G, k, &t, row, v, false, true);
    if (rc != GM_OK) {
        col_attr_free_data(&t);
        return rc;
    }
    col_attr_take(a, &t);
    return GM_OK;
}

/* Mixed types: rebuild the column as tagged values (deep copies), with v at row. */
static gm_status col_to_val(col_graph *G, gm_kind k, col_attr *a, size_t row, const gm_value *v)
{
    size_t rows = col_rows(G, k);
    col_attr t;
    memset(&t, 0, sizeof t);
    t.type = COL_VAL;
    COL_TRY(col_buf_reserve(&t.data, rows, sizeof(gm_value), true));
    gm_value *nv = t.data.p;
    gm_status rc = GM_OK;
    for (size_t r = 0; r < rows && rc == GM_OK; r++) {
        if (r == row || !col_bit(a->valid.p, r)) continue;
        gm_value cur;
        col_row_value(a, r, &cur);
        rc = gm_value_copy(&nv[r], &cur);
    }
    if (rc == GM_OK) rc = gm_value_copy(&nv[row], v);
    if (rc != GM_OK) {
        col_attr_free_data(&t);               /* frees the copies made so far */
        return rc;
    }
    col_attr_take(a, &t);
    return GM_OK;
}

gm_status col_attr_put(col_graph *G, gm_kind k, col_attr *a, uint32_t row, const gm_value *v, bool settle)
{
    col_type want = col_type_of(v);
    bool was = col_bit(a->valid.p, row);
    gm_status rc;
    if (a->type == COL_VAL || col_same(a->type, want)) rc = col_data_put(G, k, a, row, v, was, settle);
    else if (a->nvalid == 0 || (a->nvalid == 1 && was)) rc = col_retype_put(G, k, a, row, v, want);
    else rc = col_to_val(G, k, a, row, v);
    if (rc != GM_OK) return rc;
    if (!was) {
        col_bit_set(a->valid.p, row);
        a->nvalid++;
    }
    return GM_OK;
}

void col_attr_settle(col_graph *G, gm_kind k, col_attr *a)
{
    if (a->type == COL_DICT && a->ndict > COL_DICT_SMALL && a->ndict * 2 > a->nvalid)
        (void)col_to_str(G, k, a, COL_NOROW, NULL, 0);   /* GM_ENOMEM: stays DICT, still correct */
}

static const char *col_kind_name(gm_kind k) { return k == GM_KNODE ? "node" : "edge"; }

gm_status col_attr_set(gm_graph *g, gm_kind k, uint32_t h, const char *key, const gm_value *v)
{
    col_graph *G = COL(g);
    col_attr *a = col_attr_find(G, k, key);
    bool created = false;
    gm_status rc = GM_OK;
    if (a == NULL) {
        rc = col_attr_create(G, k, key, &a);
        created = rc == GM_OK;
    }
    if (rc == GM_OK) rc = col_attr_put(G, k, a, h, v, true);
    if (rc == GM_OK) return GM_OK;
    if (created) col_attr_drop_last(G, k);
    return gm_fail(g, rc, "cannot set '%s' on %s %u: %s", key, col_kind_name(k), (unsigned)h,
                   gm_strerror(rc));
}

gm_status col_attr_get(gm_graph *g, gm_kind k, uint32_t h, const char *key, gm_value *out)
{
    col_attr *a = col_attr_find(COL(g), k, key);
    if (a == NULL || !col_bit(a->valid.p, h)) return GM_ABSENT;
    col_row_value(a, h, out);
    return GM_OK;
}

gm_status col_attr_unset(gm_graph *g, gm_kind k, uint32_t h, const char *key)
{
    col_attr *a = col_attr_find(COL(g), k, key);
    if (a == NULL || !col_bit(a->valid.p, h)) return GM_ABSENT;
    col_bit_clr(a->valid.p, h);
    a->nvalid--;
    if (a->type == COL_VAL) gm_value_free(&((gm_value *)a->data.p)[h]);
    return GM_OK;
}

/* ---------------------------------------------------------------- batches borrowing from their target */

static bool col_str_in(const col_buf *b, gm_str s) { return s.len > 0 && col_inside(b, s.ptr); }

static bool col_value_in(const col_buf *b, const gm_value *v)
{
    switch (v->type) {
    case GM_STRING: return col_str_in(b, v->as.s);
    case GM_ARRAY:
        for (size_t i = 0; i < v->as.a.len; i++)
            if (col_value_in(b, &v->as.a.items[i])) return true;
        return false;
    case GM_OBJECT:
        for (size_t i = 0; i < v->as.o.len; i++)
            if (col_str_in(b, v->as.o.keys[i]) || col_value_in(b, &v->as.o.vals[i])) return true;
        return false;
    default: return false;
    }
}

bool col_batch_borrows(const col_attr *a, const gm_value *vals, size_t count)
{
    if (a == NULL) return false;              /* a new column holds nothing yet */
    if (a->type == COL_DICT || a->type == COL_STR) {
        for (size_t i = 0; i < count; i++)
            if (col_value_in(&a->dbytes, &vals[i])) return true;
        return false;
    }
    if (a->type != COL_VAL) return false;
    uintptr_t lo = (uintptr_t)a->data.p, hi = lo + a->data.cap * sizeof(gm_value);
    uintptr_t vlo = (uintptr_t)vals, vhi = vlo + count * sizeof *vals;
    if (a->data.p != NULL && vlo < hi && lo < vhi) return true;
    for (size_t i = 0; i < count; i++) {
        gm_type t = vals[i].type;
        if ((t == GM_STRING && vals[i].as.s.len > 0) || (t == GM_ARRAY && vals[i].as.a.len > 0) ||
            (t == GM_OBJECT && vals[i].as.o.len > 0))
            return true;
    }
    return false;
}

gm_status col_batch_on_copy(gm_graph *g, gm_kind k, const char *key, const uint32_t *hs,
                            const gm_value *vals, size_t count, col_batch_fn batch)
{
    gm_value *copy = count <= SIZE_MAX / sizeof *copy ? gm_mem_alloc(count * sizeof *copy) : NULL;
    size_t made = 0;
    gm_status rc = copy != NULL ? GM_OK : GM_ENOMEM;
    while (made < count && rc == GM_OK) {
        rc = gm_value_copy(&copy[made], &vals[made]);
        if (rc == GM_OK) made++;
    }
    if (rc == GM_OK) rc = batch(g, k, key, hs, copy, count);
    else gm_fail(g, rc, "out of memory copying %zu values borrowed from '%s'", count, key);
    for (size_t i = 0; i < made; i++) gm_value_free(&copy[i]);
    gm_mem_free(copy);
    return rc;
}

/* ---------------------------------------------------------------- accounting */

static size_t col_attr_bytes(const col_attr *a)
{
    size_t n = a->namelen + 1 + a->valid.cap + a->data.cap * col_esz(a->type) +
               a->dict.cap * sizeof(gm_str) + a->dbytes.cap + gm_idx_bytes(&a->didx);
    if (a->type == COL_VAL) {
        const gm_value *v = a->data.p;
        for (size_t i = 0; i < a->data.cap; i++) n += gm_value_payload_bytes(&v[i]);
    }
    return n;
}

gm_status col_memory_usage(gm_graph *g, gm_usage_fn fn, void *ud)
{
    col_graph *G = COL(g);
    fn(ud, "graph", sizeof *G - sizeof G->pend + (G->attrs[0].cap + G->attrs[1].cap) * sizeof(col_attr));
    fn(ud, "ids", G->idbytes.cap + G->idoff.cap * 4);
    fn(ud, "index", gm_idx_bytes(&G->index));
    fn(ud, "nodes", G->alive.cap);
    fn(ud, "edges", (G->src.cap + G->dst.cap) * 4);
    fn(ud, "adjacency", (G->csroff.cap + G->adjdst.cap + G->adjedge.cap + G->indeg.cap) * 4 + sizeof G->pend);
    fn(ud, "scratch", G->scratch.cap * 4);
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < G->attrs[k].n; i++) {
            const col_attr *a = &G->attrs[k].a[i];
            char name[128];
            snprintf(name, sizeof name, "%s:%s", col_kind_name((gm_kind)k), a->name);
            fn(ud, name, col_attr_bytes(a));
        }
    return GM_OK;
}
