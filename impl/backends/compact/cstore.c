/*
** cstore.c: the compact store (compact.h): a copy of the columnar store (backends/columnar/
** store.c) with narrow integers and codes, list columns and tombstone node removal.
**
** Not here: how the store is READ in bulk (column views, neighbour lists, filters) and batch
** building; columnar.c (phase 3: copies, generic row-at-a-time paths) and zerocopy.c (phase 4:
** aliasing views, batch slots, column-scanning filter) each do that their way.
*/
#include <stdio.h>
#include <string.h>
#include "compact.h"
#include "value.h"

#define CP_TRY(expr) do { gm_status rc_ = (expr); if (rc_ != GM_OK) return rc_; } while (0)
#define CP_NOROW SIZE_MAX
#define CP_DICT_SCAN 8        /* dictionaries up to this size are searched linearly */

/* The capacity a reservation of `need` elements grows cap to (need > cap). */
static size_t cp_grow(size_t cap, size_t need, bool exact)
{
    /* +1/16 (at least 16 elements): at most 6.25 % slack, so bytes per row stay flat as a store
    ** grows one row at a time (1.5x left up to 50 %, a +32 % jump at 1M rows); still geometric,
    ** so appends stay amortised O(1) (a large block is mremap'ed by realloc, not copied) */
    size_t grow = cap + (cap / 16 > 16 ? cap / 16 : 16);
    /* exact: a batch sizes its arrays once; a small step still grows geometrically, so many
    ** small batches stay amortised O(1) a row */
    return (exact && (cap == 0 || need >= grow)) ? need : (need > grow ? need : grow);
}

gm_status cp_buf_reserve(cp_buf *b, size_t need, size_t esz, bool exact)
{
    if (need <= b->cap) return GM_OK;
    size_t nc = cp_grow(b->cap, need, exact);
    if (nc > SIZE_MAX / esz) return GM_ENOMEM;
    char *p = gm_mem_realloc(b->p, nc * esz);
    if (p == NULL) return GM_ENOMEM;
    memset(p + b->cap * esz, 0, (nc - b->cap) * esz);
    b->p = p;
    b->cap = nc;
    return GM_OK;
}

/* Give a room for `need` entries of at least w bits, in one realloc: a widening moves the
** entries back to front in place (entry i only ever moves up, past every entry below it), an
** all-ones entry (CP_DEAD) staying all-ones. New entries read 0. A widening is a reservation: it
** changes the representation, not the contents. Entries from `used` up must read 0 (never
** written since the block was zeroed): the move skips them, as their bits, below and above,
** are zero in both layouts (a bulk build widens the node-side arrays before any edge exists:
** no move at all). GM_ENOMEM leaves a unchanged. */
static gm_status cp_ids_reserve(cp_ids *a, size_t need, unsigned w, bool exact, size_t used)
{
    if (a->w == 0) {
        a->w = (uint8_t)w;
        a->mask = (uint32_t)(((uint64_t)1 << w) - 1);
    }
    unsigned nw = w > a->w ? w : a->w;
    size_t cap = a->b.cap, nc = need > cap ? cp_grow(cap, need, exact) : cap;
    if (nc == cap && nw == a->w) return GM_OK;
    if (nc > (SIZE_MAX - 16) / 32) return GM_ENOMEM;
    size_t ob = cp_ids_nbytes(cap, a->w), nbytes = cp_ids_nbytes(nc, nw);
    uint8_t *p = gm_mem_realloc(a->b.p, nbytes);
    if (p == NULL) return GM_ENOMEM;
    memset(p + ob, 0, nbytes - ob);
    cp_ids old = { { p, cap }, a->mask, a->w };
    a->b.p = p;
    a->b.cap = nc;
    if (nw > a->w) {
        a->w = (uint8_t)nw;
        a->mask = (uint32_t)(((uint64_t)1 << nw) - 1);
        for (size_t i = used < cap ? used : cap; i-- > 0;) cp_ids_put(a, i, cp_ids_get(&old, i));
    }
    return GM_OK;
}
/* The widths (compact.h, "edges"): node handles < nb, below the all-ones CP_DEAD entry; edge-side
** entries (handles, offsets, counts) <= eb, below it too. */
static unsigned cp_nwidth(size_t nb) { return cp_bitlen(nb); }
static unsigned cp_ewidth(size_t eb) { return cp_bitlen(eb + 1); }

/* ---------------------------------------------------------------- open / close */

gm_status cp_open(gm_graph **out)
{
    cp_graph *G = gm_mem_alloc(sizeof *G);
    if (G == NULL) return GM_ENOMEM;
    memset(G, 0, sizeof *G);
    *out = &G->base;
    return GM_OK;
}

static size_t cp_esz(cp_type t, unsigned w)
{
    switch (t) {
    case CP_I64: case CP_DICT: return w ? w : 1;
    case CP_F64: return 8;
    case CP_STR: case CP_LIST: return 4;      /* uint32 offsets: a column's bytes stay < 4 GiB */
    case CP_BOOL: return 1;
    case CP_VAL: return sizeof(gm_value *);   /* a pointer a row: sparse columns stay small */
    case CP_OBJ: case CP_EMPTY: break;
    }
    return 1;
}
#define cp_aesz(a) cp_esz((a)->type, (a)->w)

gm_status cp_widen(cp_attr *a, unsigned w)
{
    unsigned ow = a->w;
    if (w <= ow || (a->type != CP_I64 && a->type != CP_DICT)) return GM_OK;
    if (a->type == CP_I64 && ow == 0) {       /* a constant column gets its array, cval in every
                                              ** entry, room for the rows the bitmap holds */
        cp_buf d = { NULL, 0 };
        size_t rows = a->valid.cap * 8;
        if (rows > 0) CP_TRY(cp_buf_reserve(&d, rows, w, true));
        for (size_t i = 0; i < d.cap; i++) cp_iput(d.p, w, i, a->cval);
        a->data = d;
        a->w = (uint8_t)w;
        return GM_OK;
    }
    size_t cap = a->data.cap;
    if (cap > 0) {
        void *p = gm_mem_realloc(a->data.p, cap * w);
        if (p == NULL) return GM_ENOMEM;
        a->data.p = p;
        if (a->nvalid == 0) {                 /* nothing stored (a new column's first batch):
                                              ** zeros, not a move (groggy-10k build -2 %) */
            memset(p, 0, cap * w);
            a->w = (uint8_t)w;
            return GM_OK;
        }
        for (size_t i = cap; i-- > 0;)        /* back to front: no entry is overwritten unread */
            if (a->type == CP_I64) cp_iput(p, w, i, cp_iget(p, ow, i));
            else cp_uput(p, w, i, cp_uget(p, ow, i));
    }
    a->w = (uint8_t)w;
    return GM_OK;
}

/* Elements the data array needs for `rows` rows. */
static size_t cp_data_need(cp_type t, size_t rows)
{
    switch (t) {
    case CP_BOOL: return (rows + 7) / 8;
    case CP_STR: return rows + 1;
    case CP_EMPTY: case CP_OBJ: case CP_LIST: return 0;   /* a new LIST starts fixed: no offsets */
    default: return rows;
    }
}

static void cp_attr_free(cp_attr *a);

/* VAL rows (compact.h, "tagged values"): one block per row holding a deep copy of its value. */
static gm_status cp_val_new(const gm_value *v, gm_value **out)
{
    gm_value *n = gm_mem_alloc(sizeof *n);
    if (n == NULL) return GM_ENOMEM;
    gm_status rc = gm_value_copy(n, v);
    if (rc != GM_OK) { gm_mem_free(n); return rc; }
    *out = n;
    return GM_OK;
}
static void cp_val_drop(gm_value **slot)
{
    if (*slot == NULL) return;
    gm_value_free(*slot);
    gm_mem_free(*slot);
    *slot = NULL;
}

/* Free everything but the name and the validity bitmap. */
static void cp_attr_free_data(cp_attr *a)
{
    for (size_t j = 0; j < a->nkids; j++) cp_attr_free(&a->kids[j]);
    gm_mem_free(a->kids);
    a->kids = NULL;
    a->nkids = 0;
    if (a->type == CP_VAL) {
        gm_value **v = a->data.p;
        for (size_t i = 0; i < a->data.cap; i++) cp_val_drop(&v[i]);
    }
    gm_mem_free(a->data.p);
    gm_mem_free(a->dict.p);
    gm_mem_free(a->dbytes.p);
    gm_mem_free(a->items.p);
    gm_mem_free(a->kbytes.p);
    gm_idx_free(&a->didx);
    a->data.p = a->dict.p = a->dbytes.p = a->items.p = a->kbytes.p = NULL;
    a->data.cap = a->dict.cap = a->dbytes.cap = a->items.cap = a->kbytes.cap = 0;
    a->ndict = a->nbytes = a->hi = a->nkbytes = 0;
    a->lkind = 0;
    a->ldict = a->luns = a->lneg = a->loff = false;
    a->lfix = 0;
}

static void cp_attr_free(cp_attr *a)
{
    cp_attr_free_data(a);
    cp_mark_free(&a->nulls);
    cp_mark_free(&a->ints);
    if (!a->full) gm_mem_free(a->valid.p);
    gm_mem_free(a->name);
}

void cp_close(gm_graph *g)
{
    cp_graph *G = CP(g);
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < G->attrs[k].n; i++) cp_attr_free(&G->attrs[k].a[i]);
        gm_mem_free(G->attrs[k].a);
    }
    gm_mem_free(G->idbytes.p);
    gm_mem_free(G->idoff.p);
    gm_mem_free(G->alive.p);
    gm_idx_free(&G->index);
    gm_mem_free(G->src.b.p);
    gm_mem_free(G->dst.b.p);
    gm_mem_free(G->indeg.b.p);
    gm_mem_free(G->csroff.b.p);
    gm_mem_free(G->adjedge.b.p);
    gm_mem_free(G->scratch.p);
    gm_mem_free(G->escratch.p);
    gm_mem_free(G);
}

/* ---------------------------------------------------------------- nodes */

gm_str cp_id_key(const void *ctx, uint32_t n)
{
    const cp_graph *G = ctx;
    const uint32_t *off = G->idoff.p;
    gm_str s;
    s.ptr = G->idbytes.p ? (const char *)G->idbytes.p + off[n] : "";
    s.len = off[n + 1] - off[n];
    return s;
}

/* A full column (compact.h, "validity") takes a bitmap of its own again: a copy of the alive
** bitmap, room for `rows`. GM_ENOMEM leaves it full. */
static gm_status cp_attr_unfull(cp_graph *G, cp_attr *a, size_t rows, bool exact)
{
    cp_buf v = { NULL, 0 };
    size_t have = ((size_t)G->nbound + 7) / 8;
    CP_TRY(cp_buf_reserve(&v, (rows + 7) / 8 > have ? (rows + 7) / 8 : have, 1, exact));
    if (have > 0) memcpy(v.p, G->alive.p, have);
    a->valid = v;
    a->full = false;
    return GM_OK;
}

void cp_attr_try_full(cp_graph *G, gm_kind k, cp_attr *a)
{
    if (k != GM_KNODE || a->full || G->nlive == 0 || a->nvalid != G->nlive) return;
    size_t nb = ((size_t)G->nbound + 7) / 8;
    if (memcmp(a->valid.p, G->alive.p, nb) != 0) return;   /* a value on a node since removed? */
    gm_mem_free(a->valid.p);
    a->valid = G->alive;
    a->full = true;
}

static gm_status cp_attr_reserve_rows(cp_attr *a, size_t rows, bool exact)
{
    if (!a->full) CP_TRY(cp_buf_reserve(&a->valid, (rows + 7) / 8, 1, exact));
    if (a->nulls.bits.p != NULL) CP_TRY(cp_buf_reserve(&a->nulls.bits, (rows + 7) / 8, 1, exact));
    if (a->ints.bits.p != NULL) CP_TRY(cp_buf_reserve(&a->ints.bits, (rows + 7) / 8, 1, exact));
    for (size_t j = 0; j < a->nkids; j++) CP_TRY(cp_attr_reserve_rows(&a->kids[j], rows, exact));
    if (a->type == CP_EMPTY || a->type == CP_OBJ || (a->type == CP_I64 && a->w == 0)) return GM_OK;
    if (a->type == CP_LIST) return a->loff ? cp_buf_reserve(&a->data, rows + 1, 4, exact) : GM_OK;
    return cp_buf_reserve(&a->data, cp_data_need(a->type, rows), cp_aesz(a), exact);
}

gm_status cp_reserve_nodes(cp_graph *G, size_t count, size_t idbytes, bool exact)
{
    if (count > (size_t)UINT32_MAX - 1 - G->nbound) return GM_EINVAL;
    if (idbytes > (size_t)UINT32_MAX - G->idused) return GM_ENOMEM;   /* uint32 id offsets */
    size_t nb = (size_t)G->nbound + count;
    CP_TRY(cp_buf_reserve(&G->idbytes, G->idused + idbytes, 1, exact));
    CP_TRY(cp_buf_reserve(&G->idoff, nb + 1, 4, exact));
    CP_TRY(cp_buf_reserve(&G->alive, (nb + 7) / 8, 1, exact));
    cp_attrs *na = &G->attrs[GM_KNODE];
    for (size_t i = 0; i < na->n; i++)        /* the alive bitmap may have moved */
        if (na->a[i].full) na->a[i].valid = G->alive;
    for (size_t i = 0; i < na->n && count > 0; i++)   /* new nodes lack every value: own bitmaps */
        if (na->a[i].full) CP_TRY(cp_attr_unfull(G, &na->a[i], nb, exact));
    unsigned nw = cp_nwidth(nb), ew = cp_ewidth(G->ebound);
    /* entries in use: src/dst below ebound; with no edge ever added, every in-degree and
    ** offset is 0 */
    size_t eused = G->ebound, nused = G->ebound ? SIZE_MAX : 0;
    CP_TRY(cp_ids_reserve(&G->src, G->src.b.cap, nw, false, eused));   /* wider handles, same room */
    CP_TRY(cp_ids_reserve(&G->dst, G->dst.b.cap, nw, false, eused));
    CP_TRY(cp_ids_reserve(&G->indeg, nb, ew, exact, nused));
    CP_TRY(cp_ids_reserve(&G->csroff, nb + 1, ew, exact, nused));
    CP_TRY(gm_idx_reserve(&G->index, (size_t)G->index.len + count, exact, cp_id_key, G));
    for (size_t i = 0; i < G->attrs[GM_KNODE].n; i++)
        CP_TRY(cp_attr_reserve_rows(&G->attrs[GM_KNODE].a[i], nb, exact));
    return GM_OK;
}

gm_node cp_commit_node(cp_graph *G, const char *id, size_t len, uint64_t h, size_t slot, bool csr)
{
    gm_node n = G->nbound;
    uint32_t *off = G->idoff.p;
    if (len > 0) memcpy((char *)G->idbytes.p + G->idused, id, len);
    G->idused += len;
    off[n + 1] = (uint32_t)G->idused;
    cp_bit_set(G->alive.p, n);
    /* indeg[n] reads 0 already: entries past nbound are never written (no edge reaches them; a
    ** rolled-back batch's nodes had none) */
    if (!G->missing && csr)                   /* the CSR holds every edge: n's segment is empty */
        cp_ids_put(&G->csroff, n + 1, cp_ids_get(&G->csroff, n));
    if (slot == GM_IDX_NOSLOT) gm_idx_insert_h(&G->index, h, n);
    else gm_idx_set(&G->index, slot, n);        /* the id's entry from a removed node */
    G->nbound++;
    G->nlive++;
    return n;
}

gm_status cp_node_add(gm_graph *g, const char *id, size_t len, gm_node *out)
{
    cp_graph *G = CP(g);
    uint64_t h = gm_idx_hash(id, len);
    size_t slot = gm_idx_slot_h(&G->index, h, id, len, cp_id_key, G);
    if (slot != GM_IDX_NOSLOT && cp_bit(G->alive.p, G->index.slots[slot])) {
        *out = G->index.slots[slot];
        return gm_fail(g, GM_EEXIST, "node '%.*s' exists", (int)(len > 64 ? 64 : len), id);
    }
    if (cp_inside(&G->idbytes, id)) {
        /* the id lies in our own arena (a piece of another id): growing the arena would move it */
        char *tmp = gm_mem_alloc(len);
        if (tmp == NULL) return gm_fail(g, GM_ENOMEM, "out of memory adding a node");
        memcpy(tmp, id, len);
        gm_status rc = cp_node_add(g, tmp, len, out);
        gm_mem_free(tmp);
        return rc;
    }
    gm_status rc = cp_reserve_nodes(G, 1, len, false);
    if (rc != GM_OK)
        return gm_fail(g, rc, rc == GM_EINVAL ? "node handle space exhausted" : "out of memory adding a node");
    if (slot != GM_IDX_NOSLOT)                  /* the reserve may have re-hashed the table */
        slot = gm_idx_slot_h(&G->index, h, id, len, cp_id_key, G);
    *out = cp_commit_node(G, id, len, h, slot, true);
    return GM_OK;
}

gm_status cp_node_find(gm_graph *g, const char *id, size_t len, gm_node *out)
{
    cp_graph *G = CP(g);
    uint32_t n;
    if (gm_idx_find_h(&G->index, gm_idx_hash(id, len), id, len, cp_id_key, G, &n)
        && cp_bit(G->alive.p, n)) {             /* a removed node's entry stays, dead */
        *out = n;
        return GM_OK;
    }
    return gm_fail(g, GM_ENOTFOUND, "no node with id '%.*s'", (int)(len > 64 ? 64 : len), id);
}

gm_status cp_node_id(gm_graph *g, gm_node n, gm_str *out)
{
    *out = cp_id_key(CP(g), n);
    return GM_OK;
}

/* Row `row` of column a is absent from now on (its members' too). Never allocates. */
static void cp_row_clear(cp_attr *a, size_t row);
static void cp_row_clear_rest(cp_attr *a, size_t row)
{
    cp_unmark(&a->nulls, row);
    cp_unmark(&a->ints, row);
    if (a->type == CP_VAL) cp_val_drop(&((gm_value **)a->data.p)[row]);
    for (size_t j = 0; j < a->nkids; j++) cp_row_clear(&a->kids[j], row);
}
static inline void cp_row_clear(cp_attr *a, size_t row)
{
    if (!cp_bit(a->valid.p, row)) return;
    if (!a->full) cp_bit_clr(a->valid.p, row);   /* full: the node's alive bit goes next */
    a->nvalid--;
    if ((a->nulls.n | a->ints.n | a->nkids) != 0 || a->type == CP_VAL) cp_row_clear_rest(a, row);
}

/* Clear row `row` of every attribute of kind k (the node or edge is gone). */
static void cp_rows_clear(cp_graph *G, gm_kind k, size_t row)
{
    for (size_t i = 0; i < G->attrs[k].n; i++) {
        cp_attr *a = &G->attrs[k].a[i];
        cp_row_clear(a, row);
    }
}

static void cp_edge_kill(cp_graph *G, gm_edge e)
{
    uint32_t d = cp_ids_get(&G->dst, e);
    cp_ids_add(&G->indeg, d, (uint32_t)-1);
    cp_ids_put(&G->src, e, CP_DEAD);
    G->elive--;
    G->dirty = true;
    cp_rows_clear(G, GM_KEDGE, e);
}

/* Tombstones (compact.h, "edges"): n's out-edges are killed now, through the CSR segment of n
** (O(out-degree), after a rebuild if the CSR is dirty); its in-edges die at once in the counts
** (elive -= indeg[n]; an edge whose target is dead is not live) and are swept, attribute rows
** cleared, by the next CSR rebuild, which walks every edge anyway. No allocation, never fails. */
gm_status cp_node_remove(gm_graph *g, gm_node n)
{
    cp_graph *G = CP(g);
    if (G->missing) cp_csr_ready(G);          /* only a CSR missing edges is rebuilt: one with dead
                                              ** entries still lists every live out-edge of n */
    const uint8_t *alive = G->alive.p;
    for (uint32_t p = cp_ids_get(&G->csroff, n), end = cp_ids_get(&G->csroff, n + 1); p < end; p++) {
        uint32_t e = cp_ids_get(&G->adjedge, p);
        if (!cp_ids_dead(&G->src, e) && cp_bit(alive, cp_ids_raw(&G->dst, e)))
            cp_edge_kill(G, e);               /* self-loops too */
    }
    uint32_t in = cp_ids_get(&G->indeg, n);
    G->elive -= in;                           /* the in-edges left: dead from now on */
    if (in > 0) G->dirty = true;              /* their sources' out-degrees changed */
    cp_ids_put(&G->indeg, n, 0);
    cp_rows_clear(G, GM_KNODE, n);
    /* n's id entry stays in the index, pointing at a dead handle: finds check liveness and a
    ** re-add re-points it. Removing it shifted the probe run behind it, hashing each moved id
    ** again from the arena (two cache misses an entry): 1.35 us a removal on groggy-1m. */
    cp_bit_clr(G->alive.p, n);
    G->nlive--;
    return GM_OK;
}

bool cp_node_live(const gm_graph *g, gm_node n)
{
    const cp_graph *G = (const cp_graph *)g;
    return n < G->nbound && cp_bit(G->alive.p, n);
}

size_t cp_node_count(const gm_graph *g) { return ((const cp_graph *)g)->nlive; }
size_t cp_node_bound(const gm_graph *g) { return ((const cp_graph *)g)->nbound; }

gm_status cp_node_next(gm_graph *g, gm_node *it)
{
    cp_graph *G = CP(g);
    const uint8_t *m = G->alive.p;
    size_t i = *it == GM_NONE ? 0 : (size_t)*it + 1;
    while (i < G->nbound) {
        if ((i & 7) == 0 && m[i >> 3] == 0) { i += 8; continue; }
        if (cp_bit(m, i)) { *it = (gm_node)i; return GM_OK; }
        i++;
    }
    return GM_END;
}

/* ---------------------------------------------------------------- edges and adjacency */

/* The largest out-degree once the bulk batch bsrc[0..count) is added: the live edges' sources
** counted with the batch's in a temporary array. Dead-target edges not yet swept are counted
** too, so this is a bound (the rebuild that follows a bulk batch makes degmax exact). */
static gm_status cp_bulk_degmax(const cp_graph *G, const gm_node *bsrc, size_t count, size_t *out)
{
    size_t nb = G->nbound;
    uint32_t *deg = nb ? gm_mem_alloc(nb * sizeof *deg) : NULL;
    if (nb && deg == NULL) return GM_ENOMEM;
    if (nb) memset(deg, 0, nb * sizeof *deg);
    for (size_t e = 0; e < G->ebound; e++) {
        uint32_t s = cp_ids_get(&G->src, e);
        if (s != CP_DEAD) deg[s]++;
    }
    size_t m = 0;
    for (size_t i = 0; i < count; i++)
        if (++deg[bsrc[i]] > m) m = deg[bsrc[i]];
    for (size_t n = 0; n < nb; n++)
        if (deg[n] > m) m = deg[n];
    gm_mem_free(deg);
    *out = m;
    return GM_OK;
}

gm_status cp_reserve_edges(cp_graph *G, size_t count, bool exact, const gm_node *bsrc)
{
    if (count > (size_t)UINT32_MAX - 1 - G->ebound) return GM_EINVAL;
    size_t eb = (size_t)G->ebound + count;
    unsigned nw = cp_nwidth(G->nbound), ew = cp_ewidth(eb);
    size_t eused = G->ebound, nused = G->ebound ? SIZE_MAX : 0;   /* as in cp_reserve_nodes */
    CP_TRY(cp_ids_reserve(&G->src, eb, nw, exact, eused));
    CP_TRY(cp_ids_reserve(&G->dst, eb, nw, exact, eused));
    CP_TRY(cp_ids_reserve(&G->adjedge, eb, ew, exact, eused));
    CP_TRY(cp_ids_reserve(&G->csroff, G->csroff.b.cap, ew, false, nused));   /* wider counts, same room */
    CP_TRY(cp_ids_reserve(&G->indeg, G->indeg.b.cap, ew, false, nused));
    for (size_t i = 0; i < G->attrs[GM_KEDGE].n; i++)
        CP_TRY(cp_attr_reserve_rows(&G->attrs[GM_KEDGE].a[i], eb, exact));
    size_t need = (size_t)G->degmax + count;
    if (bsrc != NULL) CP_TRY(cp_bulk_degmax(G, bsrc, count, &need));
    CP_TRY(cp_buf_reserve(&G->scratch, need, 4, bsrc != NULL));
    return cp_buf_reserve(&G->escratch, need, 4, bsrc != NULL);
}

gm_edge cp_commit_edge(cp_graph *G, gm_node s, gm_node d)
{
    gm_edge e = G->ebound;
    cp_ids_put(&G->src, e, s);
    cp_ids_put(&G->dst, e, d);
    cp_ids_add(&G->indeg, d, 1);
    G->degmax++;                              /* s's out-degree grew by one at most */
    G->ebound++;
    G->elive++;
    G->dirty = G->missing = true;
    return e;
}

void cp_csr_extend(cp_graph *G, gm_node first)
{
    if (G->missing || first >= G->nbound) return;
    uint32_t at = cp_ids_raw(&G->csroff, first);
    cp_idw wr = cp_idw_start(&G->csroff, (size_t)first + 1);
    for (size_t n = first; n < G->nbound; n++) cp_idw_put(&wr, at);
    cp_idw_end(&wr);
}

void cp_commit_edges(cp_graph *G, const gm_node *src, const gm_node *dst, size_t count)
{
    if (count == 0) return;
    cp_idw ws = cp_idw_start(&G->src, G->ebound), wd = cp_idw_start(&G->dst, G->ebound);
    for (size_t i = 0; i < count; i++) {
        cp_idw_put(&ws, src[i]);
        cp_idw_put(&wd, dst[i]);
        cp_ids_add(&G->indeg, dst[i], 1);
    }
    cp_idw_end(&ws);
    cp_idw_end(&wd);
    G->degmax += (uint32_t)count;             /* as count single commits */
    G->ebound += (uint32_t)count;
    G->elive += (uint32_t)count;
    G->dirty = G->missing = true;
}

gm_status cp_edge_add(gm_graph *g, gm_node src, gm_node dst, gm_edge *out)
{
    cp_graph *G = CP(g);
    gm_status rc = cp_reserve_edges(G, 1, false, NULL);
    if (rc != GM_OK)
        return gm_fail(g, rc, rc == GM_EINVAL ? "edge handle space exhausted" : "out of memory adding an edge");
    *out = cp_commit_edge(G, src, dst);
    return GM_OK;
}

gm_status cp_edge_remove(gm_graph *g, gm_edge e)
{
    cp_edge_kill(CP(g), e);
    return GM_OK;
}

gm_status cp_edge_ends(gm_graph *g, gm_edge e, gm_node *src, gm_node *dst)
{
    cp_graph *G = CP(g);
    *src = cp_ids_get(&G->src, e);
    *dst = cp_ids_get(&G->dst, e);
    return GM_OK;
}

bool cp_edge_live(const gm_graph *g, gm_edge e)
{
    const cp_graph *G = (const cp_graph *)g;
    return e < G->ebound && !cp_ids_dead(&G->src, e) &&
           cp_bit(G->alive.p, cp_ids_raw(&G->dst, e));
}

size_t cp_edge_count(const gm_graph *g) { return ((const cp_graph *)g)->elive; }
size_t cp_edge_bound(const gm_graph *g) { return ((const cp_graph *)g)->ebound; }

gm_status cp_edge_next(gm_graph *g, gm_edge *it)
{
    cp_graph *G = CP(g);
    const uint8_t *alive = G->alive.p;
    for (size_t e = *it == GM_NONE ? 0 : (size_t)*it + 1; e < G->ebound; e++)
        if (!cp_ids_dead(&G->src, e) && cp_bit(alive, cp_ids_raw(&G->dst, e))) {
            *it = (gm_edge)e;
            return GM_OK;
        }
    return GM_END;
}

void cp_csr_ready(cp_graph *G)
{
    if (!G->dirty) return;
    size_t nb = G->nbound, eb = G->ebound;
    cp_ids *off = &G->csroff, *ae = &G->adjedge, *src = &G->src;
    const cp_ids *dst = &G->dst;
    const uint8_t *alive = G->alive.p;
    G->dirty = G->missing = false;
    if (nb == 0) return;
    /* Stable counting sort in place: count into off[s+1], prefix-sum to segment ends, place edges
    ** from the last handle down (so each segment ends up in increasing handle order), which
    ** leaves off[s+1] = start of s; shift by one. Every count and offset is <= eb: it fits.
    ** The count pass sweeps the tombstones too: an edge into a removed node is dead (already
    ** out of elive). */
    memset(off->b.p, 0, cp_ids_nbytes(nb + 1, off->w));
    for (size_t e = 0; e < eb; e++) {
        uint32_t s = cp_ids_raw(src, e);
        if (s == src->mask) continue;
        if (!cp_bit(alive, cp_ids_raw(dst, e))) {
            cp_ids_put(src, e, CP_DEAD);
            cp_rows_clear(G, GM_KEDGE, e);
            continue;
        }
        cp_ids_add(off, s + 1, 1);
    }
    uint32_t m = 0, run = 0;
    cp_idw wr = cp_idw_start(off, 1);         /* sequential passes: cp_idw (compact.h) */
    for (size_t i = 0; i < nb; i++) {
        uint32_t c = cp_ids_raw(off, i + 1);
        if (c > m) m = c;
        run += c;
        cp_idw_put(&wr, run);
    }
    cp_idw_end(&wr);
    G->degmax = m;                            /* exact; scratch.cap >= the old bound >= m */
    for (size_t e = eb; e-- > 0;) {
        uint32_t s = cp_ids_raw(src, e);
        if (s == src->mask) continue;
        cp_ids_put(ae, cp_ids_add(off, s + 1, (uint32_t)-1), (uint32_t)e);
    }
    wr = cp_idw_start(off, 0);
    for (size_t i = 0; i < nb; i++) cp_idw_put(&wr, cp_ids_raw(off, i + 1));
    cp_idw_put(&wr, G->elive);
    cp_idw_end(&wr);
}

gm_status cp_out_degree(gm_graph *g, gm_node n, size_t *out)
{
    cp_graph *G = CP(g);
    cp_csr_ready(G);
    *out = cp_ids_get(&G->csroff, n + 1) - cp_ids_get(&G->csroff, n);
    return GM_OK;
}

gm_status cp_in_degree(gm_graph *g, gm_node n, size_t *out)
{
    *out = cp_ids_get(&CP(g)->indeg, n);
    return GM_OK;
}

/* ---------------------------------------------------------------- attribute columns */

/* -- list columns: a row is bytes in dbytes (offsets as STR): list<int> / list<f64> are the
** items as int64 / double, back to back; list<str> is, while the column has a dictionary
** (ldict), one code of w bytes per item into dict (the distinct strings in kbytes), else a
** uint32 count, then per item a uint32 length and the bytes. An empty list is 0 bytes,
** whatever the kind. -- */
#define CP_NOKIND 0xFF

/* The items' common type (GM_INT, GM_DOUBLE, GM_STRING), GM_NULL for an empty list, CP_NOKIND
** when they are mixed or of another type. */
static unsigned cp_list_kind(const gm_value *v)
{
    size_t n = v->as.a.len;
    if (n == 0) return GM_NULL;
    gm_type t = v->as.a.items[0].type;
    if (t != GM_INT && t != GM_DOUBLE && t != GM_STRING) return CP_NOKIND;
    for (size_t i = 1; i < n; i++)
        if (v->as.a.items[i].type != t) return CP_NOKIND;
    return t;
}

/* list<int> items are stored at the column's width w (1, 2, 4, 8), as integer columns. */
static size_t cp_list_bytes(const gm_value *v, unsigned w)
{
    size_t n = v->as.a.len, b = 0;
    if (n == 0) return 0;
    if (v->as.a.items[0].type == GM_INT) return n * w;
    if (v->as.a.items[0].type != GM_STRING) return n * 8;
    b = 4;
    for (size_t i = 0; i < n; i++) b += 4 + v->as.a.items[i].as.s.len;
    return b;
}

/* The low w bytes of x: the same bits for a signed and an unsigned item. */
static void cp_list_iput(char *p, unsigned w, int64_t x)
{
    if (w == 1) { uint8_t y = (uint8_t)x; memcpy(p, &y, 1); }
    else if (w == 2) { uint16_t y = (uint16_t)x; memcpy(p, &y, 2); }
    else if (w == 4) { uint32_t y = (uint32_t)x; memcpy(p, &y, 4); }
    else memcpy(p, &x, 8);
}

/* uns: the 4-byte items are uint32 (cp_attr.luns). */
static int64_t cp_list_iget(const char *p, unsigned w, bool uns)
{
    if (w == 1) { int8_t y; memcpy(&y, p, 1); return y; }
    if (w == 2) { int16_t y; memcpy(&y, p, 2); return y; }
    if (w == 4 && uns) { uint32_t y; memcpy(&y, p, 4); return y; }
    if (w == 4) { int32_t y; memcpy(&y, p, 4); return y; }
    int64_t y;
    memcpy(&y, p, 8);
    return y;
}

static void cp_list_encode(char *p, const gm_value *v, unsigned w)
{
    size_t n = v->as.a.len;
    if (n == 0) return;
    const gm_value *it = v->as.a.items;
    if (it[0].type == GM_INT) for (size_t i = 0; i < n; i++) cp_list_iput(p + w * i, w, it[i].as.i);
    else if (it[0].type == GM_DOUBLE) for (size_t i = 0; i < n; i++) memcpy(p + 8 * i, &it[i].as.d, 8);
    else {
        uint32_t c = (uint32_t)n;
        memcpy(p, &c, 4);
        p += 4;
        for (size_t i = 0; i < n; i++) {
            uint32_t l = (uint32_t)it[i].as.s.len;
            memcpy(p, &l, 4);
            if (l > 0) memcpy(p + 4, it[i].as.s.ptr, l);
            p += 4 + l;
        }
    }
}

/* Items of a row: its byte length decides n for numbers; strings carry their count. */
static size_t cp_list_count(const cp_attr *a, const char *p, size_t len)
{
    if (len == 0) return 0;
    if (a->lkind == GM_INT || (a->lkind == GM_STRING && a->ldict)) return len / a->w;
    if (a->lkind != GM_STRING) return len / 8;
    uint32_t c;
    memcpy(&c, p, 4);
    return c;
}

/* The fixed layout (compact.h, "lists"): bytes an item (list<int> and coded list<str>: the
** column's width; list<f64>: 8) and a row. */
static size_t cp_list_stride(const cp_attr *a)
{
    return (size_t)a->lfix * (a->lkind == GM_DOUBLE ? 8 : a->w);
}

/* Where row r (< hi) starts in dbytes, its byte length in *len: either layout. */
static size_t cp_list_at(const cp_attr *a, size_t r, size_t *len)
{
    if (!a->loff) {
        *len = cp_list_stride(a);
        return r * *len;
    }
    const uint32_t *off = a->data.p;
    *len = (size_t)(off[r + 1] - off[r]);
    return off[r];
}

/* Fixed -> offsets, once and never back: uint32 offsets for the table's `rows` rows (as the other
** layout keeps them: the rows reserved later grow them), O(rows). GM_ENOMEM: unchanged. */
static gm_status cp_list_unfix(cp_attr *a, size_t rows)
{
    size_t s = a->hi > 0 ? cp_list_stride(a) : 0;
    if (rows < a->hi) rows = a->hi;
    cp_buf d = { NULL, 0 };
    CP_TRY(cp_buf_reserve(&d, rows + 1, 4, true));
    uint32_t *off = d.p;
    for (size_t r = 0; r <= a->hi; r++) off[r] = (uint32_t)(r * s);   /* nbytes < 4 GiB */
    gm_mem_free(a->data.p);
    a->data = d;
    a->loff = true;
    return GM_OK;
}

/* May list v go to row in the fixed layout? Not an empty list, nor strings without a
** dictionary; then the first row decides the length; later rows must match it, and a row
** appended past a gap may leave at most as many bytes in dead rows as offsets would take. */
static bool cp_list_fits(const cp_attr *a, size_t row, const gm_value *v)
{
    size_t n = v->as.a.len;
    if (n == 0 || n > UINT32_MAX / 8) return false;
    if (v->as.a.items[0].type == GM_STRING && a->lkind == GM_STRING && !a->ldict) return false;
    if (a->hi > 0 && n != a->lfix) return false;
    if (row < a->hi) return true;
    size_t stride = a->hi > 0 ? cp_list_stride(a) : n * (v->as.a.items[0].type == GM_DOUBLE ? 8 : a->w);
    size_t held = a->nvalid + 1 < row + 1 ? a->nvalid + 1 : row + 1;   /* rows with a value, about */
    return (row + 1 - held) * stride <= (row + 1) * 4;
}

cp_type cp_type_of(const gm_value *v)
{
    switch (v->type) {
    case GM_INT: return CP_I64;
    case GM_DOUBLE: return CP_F64;
    case GM_BOOL: return CP_BOOL;
    case GM_STRING: return CP_DICT;
    case GM_ARRAY: return cp_list_kind(v) != CP_NOKIND ? CP_LIST : CP_VAL;
    case GM_OBJECT: return CP_OBJ;
    default: return CP_VAL;
    }
}

static bool cp_same(cp_type have, cp_type want)
{
    return have == want || (have == CP_STR && want == CP_DICT);
}

cp_attr *cp_attr_find(cp_graph *G, gm_kind k, const char *key)
{
    size_t len = strlen(key);
    cp_attrs *t = &G->attrs[k];
    for (size_t i = 0; i < t->n; i++)
        if (t->a[i].namelen == len && memcmp(t->a[i].name, key, len) == 0) return &t->a[i];
    return NULL;
}

gm_status cp_attr_create(cp_graph *G, gm_kind k, const char *key, cp_attr **out)
{
    cp_attrs *t = &G->attrs[k];
    if (t->n == t->cap) {
        /* +1/4 (at least 2): a graph has a handful of keys, and each slot is a whole cp_attr;
        ** cp_buf_reserve's 16-slot step left ~25 empty slots (7 KB) on groggy-10k */
        size_t nc = t->cap + (t->cap / 4 > 2 ? t->cap / 4 : 2);
        cp_attr *na = gm_mem_realloc(t->a, nc * sizeof *na);
        if (na == NULL) return GM_ENOMEM;
        t->a = na;
        t->cap = nc;
    }
    size_t len = strlen(key);
    char *name = gm_mem_alloc(len + 1);
    if (name == NULL) return GM_ENOMEM;
    memcpy(name, key, len + 1);
    cp_buf valid = { NULL, 0 };
    if (cp_buf_reserve(&valid, (cp_rows(G, k) + 7) / 8, 1, true) != GM_OK) {
        gm_mem_free(name);
        return GM_ENOMEM;
    }
    cp_attr *a = &t->a[t->n++];
    memset(a, 0, sizeof *a);
    a->name = name;
    a->namelen = len;
    a->type = CP_EMPTY;
    a->valid = valid;
    *out = a;
    return GM_OK;
}

void cp_attr_drop_last(cp_graph *G, gm_kind k)
{
    cp_attrs *t = &G->attrs[k];
    cp_attr_free(&t->a[--t->n]);
}

void cp_obj_decode(const cp_attr *a, size_t row, gm_value *out, gm_value **pool)
{
    gm_value *vals = *pool;
    if (a->nkids > 0) *pool += a->nkids;     /* an empty object takes nothing (pool may be NULL) */
    for (size_t j = 0; j < a->nkids; j++) {
        const cp_attr *kid = &a->kids[j];
        if (kid->type == CP_OBJ && !cp_is_null(kid, row)) cp_obj_decode(kid, row, &vals[j], pool);
        else cp_row_value(kid, row, &vals[j]);
    }
    out->type = GM_OBJECT;
    out->as.o.keys = a->nkids > 0 ? a->dict.p : NULL;
    out->as.o.vals = a->nkids > 0 ? vals : NULL;
    out->as.o.len = a->nkids;
}

void cp_row_value(const cp_attr *a, size_t row, gm_value *out)
{
    if (cp_is_null(a, row)) { *out = gm_null(); return; }
    switch (a->type) {
    case CP_I64: *out = gm_int(a->w ? cp_iget(a->data.p, a->w, row) : a->cval); return;
    case CP_F64: {
        double d = ((const double *)a->data.p)[row];
        *out = cp_marked(&a->ints, row) ? gm_int((int64_t)d) : gm_double(d);
        return;
    }
    case CP_BOOL: *out = gm_bool(cp_bit(a->data.p, row)); return;
    case CP_DICT: {
        const gm_str *d = &((const gm_str *)a->dict.p)[cp_uget(a->data.p, a->w, row)];
        *out = gm_strn(d->ptr, d->len);
        return;
    }
    case CP_STR: {
        const uint32_t *off = a->data.p;
        const char *b = a->dbytes.p ? (const char *)a->dbytes.p : "";
        if (row < a->hi) *out = gm_strn(b + off[row], (size_t)(off[row + 1] - off[row]));
        else *out = gm_strn(b, 0);
        return;
    }
    case CP_VAL: *out = *((gm_value *const *)a->data.p)[row]; return;
    case CP_LIST: {
        /* decoded into the column's scratch, reserved by the puts for the longest list: the
        ** items are borrowed until the next read of this column (no allocation here) */
        size_t n = cp_list_row(a, row, a->items.p);
        out->type = GM_ARRAY;
        out->as.a.items = n > 0 ? a->items.p : NULL;
        out->as.a.len = n;
        return;
    }
    case CP_OBJ: {
        gm_value *pool = a->items.p;        /* span values: reserved by the puts */
        cp_obj_decode(a, row, out, &pool);
        return;
    }
    case CP_EMPTY: break;
    }
    *out = gm_null();
}

size_t cp_list_row(const cp_attr *a, size_t row, gm_value *it)
{
    {
        const char *b = a->dbytes.p ? (const char *)a->dbytes.p : "";
        const char *p = b;
        size_t len = 0;
        if (row < a->hi) p = b + cp_list_at(a, row, &len);
        size_t n = cp_list_count(a, p, len);
        if (a->lkind == GM_INT) for (size_t i = 0; i < n; i++) it[i] = gm_int(cp_list_iget(p + (size_t)a->w * i, a->w, a->luns));
        else if (a->lkind == GM_DOUBLE) for (size_t i = 0; i < n; i++) { double x; memcpy(&x, p + 8 * i, 8); it[i] = gm_double(x); }
        else if (a->ldict) {
            const uint32_t *d = a->dict.p;
            const char *kb = a->kbytes.p ? (const char *)a->kbytes.p : "";
            for (size_t i = 0; i < n; i++) {
                uint32_t c = cp_uget(p, a->w, i);
                it[i] = gm_strn(kb + d[c], d[c + 1] - d[c]);
            }
        } else if (n > 0) {
            p += 4;
            for (size_t i = 0; i < n; i++) {
                uint32_t l;
                memcpy(&l, p, 4);
                it[i] = gm_strn(p + 4, l);
                p += 4 + l;
            }
        }
        return n;
    }
}

/* -- dictionary strings: entries are back to back in dbytes, in code order -- */

static gm_str cp_dict_key(const void *ctx, uint32_t code)
{
    return ((const gm_str *)((const cp_attr *)ctx)->dict.p)[code];
}

/* Room for nnew more entries of `bytes` in all, their strings in sb (used bytes so far): a
** DICT column's in dbytes, a list dictionary's in kbytes. The caller widens the codes first. */
static gm_status cp_dent_reserve(cp_attr *a, cp_buf *sb, size_t used, size_t nnew, size_t bytes, bool exact)
{
    CP_TRY(cp_buf_reserve(&a->dict, a->ndict + nnew, sizeof(gm_str), exact));
    if (used + bytes > sb->cap) {
        CP_TRY(cp_buf_reserve(sb, used + bytes, 1, exact));
        /* the bytes moved: re-point every entry (they are contiguous in code order) */
        gm_str *d = a->dict.p;
        size_t pos = 0;
        for (size_t i = 0; i < a->ndict; i++) {
            d[i].ptr = (const char *)sb->p + pos;
            pos += d[i].len;
        }
    }
    return gm_idx_reserve(&a->didx, a->ndict + nnew, exact, cp_dict_key, a);
}

/* Append entry (s, len) with hash h into reserved room; its code. */
static uint32_t cp_dent_commit(cp_attr *a, cp_buf *sb, size_t *used, uint64_t h, const char *s, size_t len)
{
    char *b = sb->p;
    gm_str *d = a->dict.p;
    if (len > 0) memcpy(b + *used, s, len);
    d[a->ndict].ptr = b ? b + *used : "";
    d[a->ndict].len = len;
    *used += len;
    gm_idx_insert_h(&a->didx, h, (uint32_t)a->ndict);
    return (uint32_t)a->ndict++;
}

static gm_status cp_dict_reserve(cp_attr *a, size_t nnew, size_t bytes, bool exact)
{
    if (a->ndict + nnew > 0) CP_TRY(cp_widen(a, cp_uwidth(a->ndict + nnew - 1)));   /* codes grow */
    return cp_dent_reserve(a, &a->dbytes, a->nbytes, nnew, bytes, exact);
}

static uint32_t cp_dict_commit(cp_attr *a, uint64_t h, const char *s, size_t len)
{
    return cp_dent_commit(a, &a->dbytes, &a->nbytes, h, s, len);
}

/* Rebuild DICT column a as STR, optionally with (s, len) at `row` (CP_NOROW: none). */
static gm_status cp_to_str(cp_graph *G, gm_kind k, cp_attr *a, size_t row, const char *s, size_t len)
{
    size_t rows = cp_rows(G, k), total = 0;
    const uint8_t *valid = a->valid.p;
    const void *codes = a->data.p;
    unsigned w = a->w;
    const gm_str *d = a->dict.p;
    for (size_t r = 0; r < rows; r++)
        if (r == row) total += len;
        else if (cp_bit(valid, r) && !cp_is_null(a, r)) total += d[cp_uget(codes, w, r)].len;
    if (total > UINT32_MAX) return GM_ENOMEM;                   /* uint32 offsets */
    cp_buf off = { NULL, 0 }, bytes = { NULL, 0 };
    if (cp_buf_reserve(&off, rows + 1, 4, true) != GM_OK) return GM_ENOMEM;
    if (cp_buf_reserve(&bytes, total, 1, true) != GM_OK) { gm_mem_free(off.p); return GM_ENOMEM; }
    uint32_t *o = off.p;
    char *b = bytes.p;
    size_t pos = 0;
    for (size_t r = 0; r < rows; r++) {
        o[r] = (uint32_t)pos;
        const char *p = NULL;
        size_t n = 0;
        if (r == row) { p = s; n = len; }
        else if (cp_bit(valid, r) && !cp_is_null(a, r)) { p = d[cp_uget(codes, w, r)].ptr; n = d[cp_uget(codes, w, r)].len; }
        if (n > 0) memcpy(b + pos, p, n);
        pos += n;
    }
    o[rows] = (uint32_t)pos;
    cp_attr_free_data(a);
    a->type = CP_STR;
    a->data = off;
    a->dbytes = bytes;
    a->nbytes = pos;
    a->hi = rows;
    return GM_OK;
}

static gm_status cp_dict_put(cp_graph *G, gm_kind k, cp_attr *a, size_t row, const char *s,
                              size_t len, bool was, bool settle)
{
    uint32_t code;
    if (a->ndict <= CP_DICT_SCAN) {          /* a few entries: comparing beats hashing */
        const gm_str *d = a->dict.p;
        for (code = 0; code < a->ndict; code++)
            if (d[code].len == len && (len == 0 || memcmp(d[code].ptr, s, len) == 0)) {
                cp_uput(a->data.p, a->w, row, code);
                return GM_OK;
            }
    }
    uint64_t h = gm_idx_hash(s, len);
    if (a->ndict > CP_DICT_SCAN && gm_idx_find_h(&a->didx, h, s, len, cp_dict_key, a, &code)) {
        cp_uput(a->data.p, a->w, row, code);
        return GM_OK;
    }
    size_t nv = a->nvalid + (was ? 0 : 1);
    if (settle && a->ndict + 1 > CP_DICT_SMALL && (a->ndict + 1) * 2 > nv)
        return cp_to_str(G, k, a, row, s, len);
    if (cp_inside(&a->dbytes, s)) {          /* a piece of one of our own strings: copy it first */
        char *tmp = gm_mem_alloc(len);
        if (tmp == NULL) return GM_ENOMEM;
        memcpy(tmp, s, len);
        gm_status rc = cp_dict_put(G, k, a, row, tmp, len, was, settle);
        gm_mem_free(tmp);
        return rc;
    }
    CP_TRY(cp_dict_reserve(a, 1, len, false));
    cp_uput(a->data.p, a->w, row, cp_dict_commit(a, h, s, len));
    return GM_OK;
}

/* Make row's bytes `len` long (append in build order, or shift the rows after it) and return
** where they go in *dst. GM_ENOMEM leaves the column unchanged. */
static gm_status cp_slot(cp_attr *a, size_t row, size_t len, char **dst)
{
    if (a->type == CP_LIST && !a->loff) {    /* fixed: len is the stride (cp_list_fits) */
        if (row >= a->hi) {
            if ((row + 1) * len > UINT32_MAX) return GM_ENOMEM;   /* as the offsets' bound */
            CP_TRY(cp_buf_reserve(&a->dbytes, (row + 1) * len, 1, false));
            a->hi = row + 1;
            a->nbytes = a->hi * len;
        }
        *dst = (char *)a->dbytes.p + row * len;
        return GM_OK;
    }
    uint32_t *off = a->data.p;
    size_t old = row < a->hi ? (size_t)(off[row + 1] - off[row]) : 0;
    if (a->nbytes - old > UINT32_MAX - len) return GM_ENOMEM;   /* uint32 offsets */
    if (row >= a->hi) {
        CP_TRY(cp_buf_reserve(&a->dbytes, a->nbytes + len, 1, false));
        off = a->data.p;
        for (size_t i = a->hi + 1; i <= row; i++) off[i] = (uint32_t)a->nbytes;
        *dst = a->dbytes.p ? (char *)a->dbytes.p + a->nbytes : NULL;   /* NULL: len is 0 */
        a->nbytes += len;
        off[row + 1] = (uint32_t)a->nbytes;
        a->hi = row + 1;
        return GM_OK;
    }
    if (len > old) CP_TRY(cp_buf_reserve(&a->dbytes, a->nbytes + len - old, 1, false));
    char *b = a->dbytes.p;
    size_t tail = a->nbytes - (size_t)off[row + 1];
    if (len != old) {
        if (tail > 0) memmove(b + off[row] + len, b + off[row + 1], tail);
        uint32_t delta = (uint32_t)len - (uint32_t)old;   /* modular: shrinking too */
        for (size_t i = row + 1; i <= a->hi; i++) off[i] += delta;
        a->nbytes = a->nbytes + len - old;
    }
    *dst = b ? b + off[row] : NULL;
    return GM_OK;
}

static bool cp_value_in(const cp_buf *b, const gm_value *v);

/* list<int>: re-encode every row at w bytes an item into a new arena (offsets rewritten in
** place): O(rows + bytes), once per widening, at most 3 per column. GM_ENOMEM: unchanged. */
static gm_status cp_list_widen(cp_attr *a, unsigned w, bool uns)
{
    unsigned ow = a->w ? a->w : 1;
    bool ouns = a->luns;
    bool codes = a->lkind == GM_STRING && a->ldict;   /* unsigned dictionary codes */
    if (w <= ow) {                            /* never narrower; int32 -> uint32 keeps the bytes
                                              ** (cp_list_need: no item is negative then) */
        a->w = (uint8_t)ow;
        if (w == ow && uns) a->luns = true;
        return GM_OK;
    }
    if ((a->lkind != GM_INT && !codes) || a->nbytes == 0) { a->w = (uint8_t)w; a->luns = uns; return GM_OK; }
    size_t total = a->nbytes / ow * w;
    if (total > UINT32_MAX) return GM_ENOMEM;                   /* uint32 offsets */
    cp_buf nb = { NULL, 0 };
    CP_TRY(cp_buf_reserve(&nb, total, 1, false));
    uint32_t *off = a->data.p;                /* offsets layout: rewritten in place */
    const char *src = a->dbytes.p;
    char *dst = nb.p;
    size_t pos = 0;
    for (size_t r = 0; r < a->hi; r++) {
        size_t len, o = cp_list_at(a, r, &len), n = len / ow;   /* reads off[r + 1] before it is rewritten */
        if (codes) for (size_t i = 0; i < n; i++) cp_uput(dst + pos, w, i, cp_uget(src + o, ow, i));
        else for (size_t i = 0; i < n; i++) cp_list_iput(dst + pos + i * w, w, cp_list_iget(src + o + i * ow, ow, ouns));
        if (a->loff) off[r] = (uint32_t)pos;
        pos += n * w;
    }
    if (a->loff) off[a->hi] = (uint32_t)pos;
    gm_mem_free(a->dbytes.p);
    a->dbytes = nb;
    a->nbytes = pos;
    a->w = (uint8_t)w;
    a->luns = uns;
    return GM_OK;
}

/* The narrowest item layout holding x as well as what (*w, *uns) holds: signed 1/2/4/8 bytes,
** or uint32 (4 bytes) while no item is negative (*neg, sticky): pgp's e_time, Unix times up to
** 4,029,723,038, takes 4 bytes an item instead of 8. */
static void cp_list_need(unsigned *w, bool *uns, bool *neg, int64_t x)
{
    if (x < 0) *neg = true;
    if (*uns) {
        if (x < 0 || x > (int64_t)UINT32_MAX) { *w = 8; *uns = false; }
        return;
    }
    unsigned sw = cp_iwidth(x);
    if (sw <= *w) return;
    if (*w <= 4 && !*neg && x > INT32_MAX && x <= (int64_t)UINT32_MAX) { *w = 4; *uns = true; return; }
    *w = sw;
}

/* -- list<str> dictionary: the distinct strings back to back in kbytes, in code order; entry c
** is kbytes[off[c] .. off[c + 1]) with off = dict as uint32 (ndict + 1 entries, off[0] = 0):
** 4 bytes an entry where a DICT column's gm_str takes 16 (no view exposes these entries) -- */

static gm_str cp_ldict_key(const void *ctx, uint32_t code)
{
    const cp_attr *a = ctx;
    const uint32_t *off = a->dict.p;
    gm_str e;
    e.ptr = a->kbytes.p ? (const char *)a->kbytes.p + off[code] : "";   /* only "" stored yet */
    e.len = off[code + 1] - off[code];
    return e;
}

static bool cp_ldict_find(const cp_attr *a, uint64_t h, const char *s, size_t len, uint32_t *code)
{
    return a->ndict > 0 && gm_idx_find_h(&a->didx, h, s, len, cp_ldict_key, a, code);
}

/* Room for nnew more entries of `bytes` in all; the rows' codes widen first (re-encoded). */
static gm_status cp_ldict_reserve(cp_attr *a, size_t nnew, size_t bytes)
{
    if (a->nkbytes + bytes > UINT32_MAX) return GM_ENOMEM;     /* uint32 entry offsets */
    CP_TRY(cp_list_widen(a, cp_uwidth(a->ndict + nnew - 1), false));
    CP_TRY(cp_buf_reserve(&a->dict, a->ndict + nnew + 1, 4, false));
    CP_TRY(cp_buf_reserve(&a->kbytes, a->nkbytes + bytes, 1, false));
    return gm_idx_reserve(&a->didx, a->ndict + nnew, false, cp_ldict_key, a);
}

static uint32_t cp_ldict_commit(cp_attr *a, uint64_t h, const char *s, size_t len)
{
    uint32_t *off = a->dict.p;
    if (len > 0) memcpy((char *)a->kbytes.p + a->nkbytes, s, len);
    a->nkbytes += len;
    off[a->ndict + 1] = (uint32_t)a->nkbytes;
    gm_idx_insert_h(&a->didx, h, (uint32_t)a->ndict);
    return (uint32_t)a->ndict++;
}

/* list<str> codes -> strings in the rows (count, then length + bytes per item), the dictionary
** dropped: O(rows + bytes), once, when more than half of the items stored are distinct (the
** DICT -> STR rule). GM_ENOMEM: unchanged. */
static gm_status cp_list_to_arena(cp_attr *a, size_t rows)
{
    if (!a->loff) CP_TRY(cp_list_unfix(a, rows));  /* rows of strings have no one length */
    uint32_t *off = a->data.p;
    const char *src = a->dbytes.p;
    unsigned w = a->w;
    size_t total = 0;
    for (size_t r = 0; r < a->hi; r++) {
        size_t n = (size_t)(off[r + 1] - off[r]) / w;
        if (n > 0) total += 4;
        for (size_t i = 0; i < n; i++) total += 4 + cp_ldict_key(a, cp_uget(src + off[r], w, i)).len;
    }
    if (total > UINT32_MAX) return GM_ENOMEM;                   /* uint32 offsets */
    cp_buf nb = { NULL, 0 };
    if (total > 0) CP_TRY(cp_buf_reserve(&nb, total, 1, true));
    char *dst = nb.p;
    size_t pos = 0;
    uint32_t o0 = a->hi > 0 ? off[0] : 0;
    for (size_t r = 0; r < a->hi; r++) {
        uint32_t o1 = off[r + 1];
        size_t n = (size_t)(o1 - o0) / w;
        off[r] = (uint32_t)pos;
        if (n > 0) {
            uint32_t c = (uint32_t)n;
            memcpy(dst + pos, &c, 4);
            pos += 4;
        }
        for (size_t i = 0; i < n; i++) {
            gm_str e = cp_ldict_key(a, cp_uget(src + o0, w, i));
            uint32_t l = (uint32_t)e.len;
            memcpy(dst + pos, &l, 4);
            if (l > 0) memcpy(dst + pos + 4, e.ptr, l);
            pos += 4 + l;
        }
        o0 = o1;
    }
    off[a->hi] = (uint32_t)pos;
    gm_mem_free(a->dbytes.p);
    gm_mem_free(a->dict.p);
    gm_mem_free(a->kbytes.p);
    gm_idx_free(&a->didx);
    a->dbytes = nb;
    a->nbytes = pos;
    a->dict.p = a->kbytes.p = NULL;
    a->dict.cap = a->kbytes.cap = 0;
    a->ndict = a->nkbytes = 0;
    a->ldict = false;
    a->w = 1;
    return GM_OK;
}

/* Store list<str> v at row in a column with a dictionary: misses counted (a repeat of a new
** string counts each time: a bound) and reserved (codes widened, entries, bytes) before
** anything is committed. *arena: the column would then hold more than half of its items
** distinct (the DICT -> STR rule, past CP_DICT_SMALL entries); nothing was stored. */
static gm_status cp_list_put_codes(cp_attr *a, size_t row, const gm_value *v, bool *arena)
{
    size_t n = v->as.a.len, nnew = 0, bytes = 0;
    const gm_value *it = v->as.a.items;
    for (size_t i = 0; i < n; i++) {
        uint32_t c;
        if (!cp_ldict_find(a, gm_idx_hash(it[i].as.s.ptr, it[i].as.s.len), it[i].as.s.ptr, it[i].as.s.len, &c)) {
            nnew++;
            bytes += it[i].as.s.len;
        }
    }
    size_t stored = a->nbytes / (a->w ? a->w : 1);        /* items in the rows, dead ones too */
    *arena = a->ndict + nnew > CP_DICT_SMALL && (a->ndict + nnew) * 2 > stored + n;
    if (*arena) return GM_OK;
    if (nnew > 0) CP_TRY(cp_ldict_reserve(a, nnew, bytes));
    char *dst;
    CP_TRY(cp_slot(a, row, n * a->w, &dst));
    for (size_t i = 0; i < n; i++) {
        const char *p = it[i].as.s.ptr;
        size_t len = it[i].as.s.len;
        uint64_t h = gm_idx_hash(p, len);
        uint32_t c;
        if (!cp_ldict_find(a, h, p, len, &c)) c = cp_ldict_commit(a, h, p, len);
        cp_uput(dst, a->w, i, c);
    }
    if (n > 0) a->lkind = GM_STRING;
    return GM_OK;
}

/* Store list v (kind checked by the caller) at row of a table of `rows` rows: scratch for its
** items first, then bytes. */
static gm_status cp_list_put(cp_attr *a, size_t row, const gm_value *v, size_t rows)
{
    uintptr_t lo = (uintptr_t)a->items.p, hi = lo + a->items.cap * sizeof(gm_value);
    uintptr_t x = (uintptr_t)v->as.a.items;
    if ((a->items.p != NULL && v->as.a.len > 0 && x >= lo && x < hi) || cp_value_in(&a->dbytes, v) ||
        cp_value_in(&a->kbytes, v)) {
        gm_value c;                           /* read from this column: it moves below, copy it */
        CP_TRY(gm_value_copy(&c, v));
        gm_status rc = cp_list_put(a, row, &c, rows);
        gm_value_free(&c);
        return rc;
    }
    if (v->as.a.len > a->items.cap) {        /* the longest list stored, exactly: no slack */
        if (v->as.a.len > SIZE_MAX / sizeof(gm_value)) return GM_ENOMEM;
        void *p = gm_mem_realloc(a->items.p, v->as.a.len * sizeof(gm_value));
        if (p == NULL) return GM_ENOMEM;
        a->items.p = p;
        a->items.cap = v->as.a.len;
    }
    bool strs = v->as.a.len > 0 && v->as.a.items[0].type == GM_STRING;
    if (!a->loff && !cp_list_fits(a, row, v)) CP_TRY(cp_list_unfix(a, rows > row ? rows : row + 1));
    if (!a->loff && a->hi == 0) a->lfix = (uint32_t)v->as.a.len;   /* the first row decides */
    if (a->lkind == GM_NULL) a->ldict = strs;             /* every row empty: either layout */
    if (strs && a->ldict) {
        bool arena;
        CP_TRY(cp_list_put_codes(a, row, v, &arena));
        if (!arena) return GM_OK;
        CP_TRY(cp_list_to_arena(a, rows > row ? rows : row + 1));
    }
    bool neg = a->lneg;
    if (v->as.a.len > 0 && v->as.a.items[0].type == GM_INT) {
        unsigned w = a->w ? a->w : 1;
        bool uns = a->luns;
        for (size_t i = 0; i < v->as.a.len && w < 8; i++) cp_list_need(&w, &uns, &neg, v->as.a.items[i].as.i);
        CP_TRY(cp_list_widen(a, w, uns));
    }
    char *dst;
    CP_TRY(cp_slot(a, row, cp_list_bytes(v, a->w), &dst));
    cp_list_encode(dst, v, a->w);
    a->lneg = neg;
    if (v->as.a.len > 0) a->lkind = (uint8_t)v->as.a.items[0].type;
    return GM_OK;
}

gm_status cp_str_put(cp_attr *a, size_t row, const char *s, size_t len)
{
    if (cp_inside(&a->dbytes, s)) {          /* our own bytes move below: copy them first */
        char *tmp = gm_mem_alloc(len);
        if (tmp == NULL) return GM_ENOMEM;
        memcpy(tmp, s, len);
        gm_status rc = cp_str_put(a, row, tmp, len);
        gm_mem_free(tmp);
        return rc;
    }
    uint32_t *off = a->data.p;
    if (a->nbytes + len > UINT32_MAX) return GM_ENOMEM;   /* uint32 offsets: < 4 GiB a column */
    if (row >= a->hi) {                       /* append: the build order */
        CP_TRY(cp_buf_reserve(&a->dbytes, a->nbytes + len, 1, false));
        for (size_t i = a->hi + 1; i <= row; i++) off[i] = (uint32_t)a->nbytes;
        if (len > 0) memcpy((char *)a->dbytes.p + a->nbytes, s, len);
        a->nbytes += len;
        off[row + 1] = (uint32_t)a->nbytes;
        a->hi = row + 1;
        return GM_OK;
    }
    /* replace inside: shift the rows after it, O(rows after + their bytes) */
    size_t old = (size_t)(off[row + 1] - off[row]);
    if (len > old) CP_TRY(cp_buf_reserve(&a->dbytes, a->nbytes + len - old, 1, false));
    char *b = a->dbytes.p;
    size_t tail = a->nbytes - (size_t)off[row + 1];
    if (len != old) {
        if (tail > 0) memmove(b + off[row] + len, b + off[row + 1], tail);
        uint32_t delta = (uint32_t)len - (uint32_t)old;   /* modular: works for shrinking too */
        for (size_t i = row + 1; i <= a->hi; i++) off[i] += delta;
        a->nbytes = a->nbytes + len - old;
    }
    if (len > 0) memcpy(b + off[row], s, len);
    return GM_OK;
}

void cp_str_finalize(cp_attr *a, size_t rows)
{
    if ((a->type != CP_STR && !(a->type == CP_LIST && a->loff)) || a->hi >= rows) return;
    uint32_t *o = a->data.p;                  /* uint32 offsets: nbytes stays below 4 GiB */
    for (size_t i = a->hi + 1; i <= rows; i++) o[i] = (uint32_t)a->nbytes;
    a->hi = rows;
}

/* Store v in a column of a compatible type (no bit bookkeeping). */
static gm_status cp_data_put(cp_graph *G, gm_kind k, cp_attr *a, size_t row, const gm_value *v,
                              bool was, bool settle)
{
    switch (a->type) {
    case CP_I64: {
        int64_t x = v->as.i;
        unsigned w = cp_iwidth(x);
        if (w > a->w) {                       /* a value that does not fit: widen once */
            if (a->w == 0) {                  /* constant (w 0): another value gives it an array */
                if (x == a->cval) return GM_OK;
                unsigned wc = cp_iwidth(a->cval);
                if (wc > w) w = wc;
            }
            CP_TRY(cp_widen(a, w));
        }
        cp_iput(a->data.p, a->w, row, x);
        return GM_OK;
    }
    case CP_F64: ((double *)a->data.p)[row] = v->as.d; return GM_OK;
    case CP_BOOL:
        if (v->as.b) cp_bit_set(a->data.p, row);
        else cp_bit_clr(a->data.p, row);
        return GM_OK;
    case CP_DICT: return cp_dict_put(G, k, a, row, v->as.s.ptr, v->as.s.len, was, settle);
    case CP_STR: return cp_str_put(a, row, v->as.s.ptr, v->as.s.len);
    case CP_LIST: return cp_list_put(a, row, v, cp_rows(G, k));
    case CP_OBJ: break;                       /* cp_attr_put calls cp_obj_put itself */
    case CP_VAL: {
        gm_value *c;
        CP_TRY(cp_val_new(v, &c));           /* copy first: v may borrow from this very row */
        gm_value **slot = &((gm_value **)a->data.p)[row];
        cp_val_drop(slot);
        *slot = c;
        return GM_OK;
    }
    case CP_EMPTY: break;
    }
    return GM_EINVAL;
}

/* Move the data fields of t into a (a's old data freed). */
static void cp_attr_take(cp_attr *a, cp_attr *t)
{
    cp_attr_free_data(a);
    a->type = t->type;
    a->w = t->w;
    a->cval = t->cval;
    a->data = t->data;
    a->dict = t->dict;
    a->ndict = t->ndict;
    a->dbytes = t->dbytes;
    a->nbytes = t->nbytes;
    a->didx = t->didx;
    a->hi = t->hi;
    a->lkind = t->lkind;
    a->items = t->items;
    a->ldict = t->ldict;
    a->luns = t->luns;
    a->lneg = t->lneg;
    a->loff = t->loff;
    a->lfix = t->lfix;
    a->kbytes = t->kbytes;
    a->nkbytes = t->nkbytes;
    a->kids = t->kids;
    a->nkids = t->nkids;
}

gm_status cp_attr_retype(cp_graph *G, gm_kind k, cp_attr *a, cp_type type)
{
    cp_attr t;
    memset(&t, 0, sizeof t);
    t.type = type;
    t.w = 1;
    CP_TRY(cp_buf_reserve(&t.data, cp_data_need(type, cp_rows(G, k)), cp_aesz(&t), true));
    cp_attr_take(a, &t);
    return GM_OK;
}

/* The column holds no value but (maybe) row's: give it v's type, allocate-then-commit. */
static gm_status cp_retype_put(cp_graph *G, gm_kind k, cp_attr *a, size_t row, const gm_value *v,
                                cp_type want)
{
    cp_attr t;
    memset(&t, 0, sizeof t);
    t.type = want;
    t.w = 1;
    size_t rows = cp_rows(G, k);
    if (want == CP_I64) {                     /* ints start constant: no array until a second value */
        t.w = 0;
        t.cval = v->as.i;
    } else CP_TRY(cp_buf_reserve(&t.data, cp_data_need(want, rows), cp_aesz(&t), true));
    gm_status rc = cp_data_put(G, k, &t, row, v, false, true);
    if (rc != GM_OK) {
        cp_attr_free_data(&t);
        return rc;
    }
    cp_attr_take(a, &t);
    return GM_OK;
}

/* Mixed types: rebuild the column as tagged values (deep copies), with v at row. */
static gm_status cp_to_val(cp_graph *G, gm_kind k, cp_attr *a, size_t row, const gm_value *v)
{
    size_t rows = cp_rows(G, k);
    cp_attr t;
    memset(&t, 0, sizeof t);
    t.type = CP_VAL;
    CP_TRY(cp_buf_reserve(&t.data, rows, sizeof(gm_value *), true));
    gm_value **nv = t.data.p;
    /* v first: it may borrow a list's or an object's decoding scratch, which the reads of the
    ** other rows below overwrite */
    gm_status rc = cp_val_new(v, &nv[row]);
    for (size_t r = 0; r < rows && rc == GM_OK; r++) {
        if (r == row || !cp_bit(a->valid.p, r)) continue;
        gm_value cur;
        cp_row_value(a, r, &cur);
        rc = cp_val_new(&cur, &nv[r]);
    }
    if (rc != GM_OK) {
        cp_attr_free_data(&t);               /* frees the copies made so far */
        return rc;
    }
    cp_attr_take(a, &t);
    return GM_OK;
}

gm_status cp_mark_row(cp_mark *m, size_t row, size_t vbytes)
{
    if (m->bits.p == NULL) CP_TRY(cp_buf_reserve(&m->bits, vbytes, 1, true));
    if (!cp_bit(m->bits.p, row)) {
        cp_bit_set(m->bits.p, row);
        m->n++;
    }
    return GM_OK;
}

void cp_mark_free(cp_mark *m)
{
    gm_mem_free(m->bits.p);
    m->bits.p = NULL;
    m->bits.cap = 0;
    m->n = 0;
}

#define CP_EXACT_INT (INT64_C(1) << 53)     /* ints up to this magnitude are exact as doubles */
static bool cp_int_exact(int64_t x) { return x >= -CP_EXACT_INT && x <= CP_EXACT_INT; }

/* I64 -> F64 (compact.h, "marks"): every int stored is exact as a double; each becomes one,
** marked in `ints`. One block of 8 bytes a row, O(rows). GM_ENOMEM leaves the column unchanged. */
static bool cp_ints_exact(const cp_attr *a, size_t rows)
{
    if (a->w == 0) return cp_int_exact(a->cval);
    if (a->w < 8) return true;
    for (size_t r = 0; r < rows; r++)
        if (cp_bit(a->valid.p, r) && !cp_is_null(a, r) && !cp_int_exact(cp_iget(a->data.p, 8, r))) return false;
    return true;
}

static gm_status cp_i64_to_f64(cp_graph *G, gm_kind k, cp_attr *a)
{
    size_t rows = cp_rows(G, k);
    cp_buf d = { NULL, 0 };
    CP_TRY(cp_buf_reserve(&d, a->data.cap > rows ? a->data.cap : rows, 8, true));
    cp_mark m = { { NULL, 0 }, 0 };
    if (cp_buf_reserve(&m.bits, a->valid.cap, 1, true) != GM_OK) { gm_mem_free(d.p); return GM_ENOMEM; }
    double *x = d.p;
    for (size_t r = 0; r < rows; r++) {
        if (!cp_bit(a->valid.p, r) || cp_is_null(a, r)) continue;
        x[r] = (double)(a->w ? cp_iget(a->data.p, a->w, r) : a->cval);
        cp_bit_set(m.bits.p, r);
        m.n++;
    }
    gm_mem_free(a->data.p);
    a->data = d;
    a->type = CP_F64;
    a->w = 1;
    cp_mark_free(&a->ints);
    a->ints = m;
    return GM_OK;
}

/* ---------------------------------------------------------------- struct columns (compact.h, "objects") */

#define CP_MISMATCH ((gm_status)-1)   /* internal: the value does not fit the schema */
#define CP_OBJ_DEPTH 4                 /* objects nested deeper are tagged values in their parent */
#define CP_OBJ_STASH 16                /* tagged-value members one put may copy ahead */

/* What a member goes to inside a struct: arrays and too-deep objects are tagged values. */
static cp_type cp_kid_type(const gm_value *v, unsigned depth)
{
    if (v->type == GM_ARRAY || (v->type == GM_OBJECT && depth + 1 >= CP_OBJ_DEPTH)) return CP_VAL;
    return cp_type_of(v);
}

/* Does object v have a's member keys, in a's order? */
static bool cp_obj_fits(const cp_attr *a, const gm_value *v)
{
    if (v->type != GM_OBJECT || v->as.o.len != a->nkids) return false;
    for (size_t j = 0; j < a->nkids; j++) {
        gm_str key = v->as.o.keys[j];
        if (key.len != a->kids[j].namelen || (key.len > 0 && memcmp(key.ptr, a->kids[j].name, key.len) != 0))
            return false;
    }
    return true;
}

/* Give a (OBJ, no kids yet) the member keys of object v: one EMPTY child column each, its
** validity bitmap sized to rows. GM_ENOMEM leaves a without kids. */
static gm_status cp_obj_schema(cp_attr *a, const gm_value *v, size_t rows)
{
    size_t n = v->as.o.len;
    if (n == 0) return GM_OK;
    cp_attr *kids = gm_mem_alloc(n * sizeof *kids);
    gm_str *keys = gm_mem_alloc(n * sizeof *keys);
    if (kids == NULL || keys == NULL) { gm_mem_free(kids); gm_mem_free(keys); return GM_ENOMEM; }
    memset(kids, 0, n * sizeof *kids);
    for (size_t j = 0; j < n; j++) {
        gm_str key = v->as.o.keys[j];
        kids[j].name = gm_mem_alloc(key.len + 1);
        if (kids[j].name != NULL) {
            if (key.len > 0) memcpy(kids[j].name, key.ptr, key.len);
            kids[j].name[key.len] = '\0';
            kids[j].namelen = key.len;
        }
        if (kids[j].name == NULL || cp_buf_reserve(&kids[j].valid, (rows + 7) / 8, 1, true) != GM_OK) {
            for (size_t i = 0; i <= j; i++) cp_attr_free(&kids[i]);
            gm_mem_free(kids);
            gm_mem_free(keys);
            return GM_ENOMEM;
        }
        keys[j].ptr = kids[j].name;
        keys[j].len = key.len;
    }
    a->kids = kids;
    a->nkids = n;
    a->dict.p = keys;
    a->dict.cap = n;
    return GM_OK;
}

/* Values a read of column a decodes into (its members, its nested structs' members). */
size_t cp_obj_span(const cp_attr *a)
{
    size_t n = a->nkids;
    for (size_t j = 0; j < a->nkids; j++)
        if (a->kids[j].type == CP_OBJ) n += cp_obj_span(&a->kids[j]);
    return n;
}
/* Is string s in DICT column a's dictionary? */
static bool cp_dict_find(const cp_attr *a, const char *s, size_t len, uint32_t *code)
{
    const gm_str *d = a->dict.p;
    if (a->ndict <= CP_DICT_SCAN) {
        for (uint32_t c = 0; c < a->ndict; c++)
            if (d[c].len == len && (len == 0 || memcmp(d[c].ptr, s, len) == 0)) { *code = c; return true; }
        return false;
    }
    return gm_idx_find_h(&a->didx, gm_idx_hash(s, len), s, len, cp_dict_key, a, code);
}

typedef struct cp_stash { gm_value *v[CP_OBJ_STASH]; size_t n, used; } cp_stash;

/* Phase 1 of a struct put: make room in every member column for object v at row, changing
** representations only (widen, reserve a dictionary entry or bytes, allocate a marks bitmap,
** type a column that holds no value yet, copy tagged members ahead into the stash), so phase 2
** cannot fail. CP_MISMATCH: a member does not fit its column (the caller re-types the whole
** column); GM_ENOMEM: nothing stored has changed. */
static gm_status cp_obj_prep(cp_graph *G, gm_kind k, cp_attr *a, size_t row, const gm_value *v,
                             unsigned depth, cp_stash *st)
{
    size_t rows = cp_rows(G, k);
    for (size_t j = 0; j < a->nkids; j++) {
        cp_attr *kid = &a->kids[j];
        const gm_value *m = &v->as.o.vals[j];
        if (m->type == GM_NULL && kid->type != CP_VAL) {
            if (kid->nulls.bits.p == NULL) CP_TRY(cp_buf_reserve(&kid->nulls.bits, kid->valid.cap, 1, true));
            continue;
        }
        cp_type want = cp_kid_type(m, depth + 1);
        if (kid->type != CP_VAL && !cp_same(kid->type, want) && kid->nvalid == kid->nulls.n) {
            /* nothing but nulls stored: the member's type, the nulls kept */
            cp_attr t;
            memset(&t, 0, sizeof t);
            t.type = want;
            t.w = 1;
            CP_TRY(cp_buf_reserve(&t.data, cp_data_need(want, rows), cp_esz(want, 1), true));
            if (want == CP_OBJ && cp_obj_schema(&t, m, rows) != GM_OK) {
                cp_attr_free_data(&t);
                return GM_ENOMEM;
            }
            cp_attr_take(kid, &t);
        }
        switch (kid->type) {
        case CP_VAL:
            if (st->n == CP_OBJ_STASH) return CP_MISMATCH;
            CP_TRY(cp_val_new(m, &st->v[st->n]));
            st->n++;
            break;
        case CP_I64:
            if (want == CP_I64) CP_TRY(cp_widen(kid, cp_iwidth(m->as.i)));
            else if (want == CP_F64 && cp_ints_exact(kid, rows)) CP_TRY(cp_i64_to_f64(G, k, kid));
            else return CP_MISMATCH;
            break;
        case CP_F64:
            if (want == CP_I64) {
                if (!cp_int_exact(m->as.i)) return CP_MISMATCH;
                if (kid->ints.bits.p == NULL) CP_TRY(cp_buf_reserve(&kid->ints.bits, kid->valid.cap, 1, true));
            } else if (want != CP_F64) return CP_MISMATCH;
            break;
        case CP_BOOL:
            if (want != CP_BOOL) return CP_MISMATCH;
            break;
        case CP_DICT: {
            uint32_t code;
            if (want != CP_DICT) return CP_MISMATCH;
            if (!cp_dict_find(kid, m->as.s.ptr, m->as.s.len, &code)) CP_TRY(cp_dict_reserve(kid, 1, m->as.s.len, false));
            break;
        }
        case CP_STR:
            if (want != CP_DICT) return CP_MISMATCH;
            if (kid->nbytes + m->as.s.len > UINT32_MAX) return GM_ENOMEM;   /* cp_str_put's bound */
            CP_TRY(cp_buf_reserve(&kid->dbytes, kid->nbytes + m->as.s.len, 1, false));
            break;
        case CP_OBJ:
            if (!cp_obj_fits(kid, m)) return CP_MISMATCH;
            CP_TRY(cp_obj_prep(G, k, kid, row, m, depth + 1, st));
            break;
        case CP_LIST: case CP_EMPTY: return CP_MISMATCH;   /* not made inside structs */
        }
    }
    return GM_OK;
}

/* Phase 2: store every member into the room phase 1 made. Never fails. */
static void cp_obj_commit(cp_graph *G, gm_kind k, cp_attr *a, size_t row, const gm_value *v, cp_stash *st)
{
    for (size_t j = 0; j < a->nkids; j++) {
        cp_attr *kid = &a->kids[j];
        const gm_value *m = &v->as.o.vals[j];
        bool isint = false;
        if (m->type == GM_NULL && kid->type != CP_VAL) {
            for (size_t i = 0; i < kid->nkids; i++) cp_row_clear(&kid->kids[i], row);
            (void)cp_mark_row(&kid->nulls, row, kid->valid.cap);   /* bitmap reserved: no failure */
        } else {
            switch (kid->type) {
            case CP_VAL: {
                gm_value **slot = &((gm_value **)kid->data.p)[row];
                cp_val_drop(slot);
                *slot = st->v[st->used++];
                break;
            }
            case CP_I64: cp_iput(kid->data.p, kid->w, row, m->as.i); break;
            case CP_F64:
                isint = m->type == GM_INT;
                ((double *)kid->data.p)[row] = isint ? (double)m->as.i : m->as.d;
                if (isint) (void)cp_mark_row(&kid->ints, row, kid->valid.cap);
                break;
            case CP_BOOL:
                if (m->as.b) cp_bit_set(kid->data.p, row);
                else cp_bit_clr(kid->data.p, row);
                break;
            case CP_DICT: {
                uint32_t code;
                if (!cp_dict_find(kid, m->as.s.ptr, m->as.s.len, &code))
                    code = cp_dict_commit(kid, gm_idx_hash(m->as.s.ptr, m->as.s.len), m->as.s.ptr, m->as.s.len);
                cp_uput(kid->data.p, kid->w, row, code);
                break;
            }
            case CP_STR: (void)cp_str_put(kid, row, m->as.s.ptr, m->as.s.len); break;   /* reserved */
            case CP_OBJ: cp_obj_commit(G, k, kid, row, m, st); break;
            case CP_LIST: case CP_EMPTY: break;   /* phase 1 refused these */
            }
            cp_unmark(&kid->nulls, row);
            if (!isint) cp_unmark(&kid->ints, row);
        }
        if (!cp_bit(kid->valid.p, row)) {
            cp_bit_set(kid->valid.p, row);
            kid->nvalid++;
        }
    }
}

/* The deferred DICT -> STR decisions of a struct's string members (never fails). */
static void cp_obj_settle(cp_graph *G, gm_kind k, cp_attr *a)
{
    for (size_t j = 0; j < a->nkids; j++) {
        if (a->kids[j].type == CP_OBJ) cp_obj_settle(G, k, &a->kids[j]);
        else cp_attr_settle(G, k, &a->kids[j]);
    }
}

/* Does v hold a string in one of a's (or its members') byte buffers, or an object or array
** inside a's decoding scratch? Those move or are overwritten during a put. */
static bool cp_obj_borrows(const cp_attr *a, const cp_attr *top, const gm_value *v)
{
    if (cp_value_in(&a->dbytes, v)) return true;
    if (a == top) {
        uintptr_t lo = (uintptr_t)a->items.p, hi = lo + a->items.cap * sizeof(gm_value);
        if (v->type == GM_OBJECT && a->items.p != NULL && (uintptr_t)v->as.o.vals >= lo && (uintptr_t)v->as.o.vals < hi)
            return true;
    }
    for (size_t j = 0; j < a->nkids; j++)
        if (cp_obj_borrows(&a->kids[j], top, v)) return true;
    return false;
}

/* Object v into OBJ column a at row (a top-level column): phase 1 for every member, the read
** scratch sized for the schema after the put, then phase 2. CP_MISMATCH: v does not fit. */
static gm_status cp_obj_put(cp_graph *G, gm_kind k, cp_attr *a, size_t row, const gm_value *v)
{
    if (!cp_obj_fits(a, v)) return CP_MISMATCH;
    if (cp_obj_borrows(a, a, v)) {            /* our own bytes or scratch: put a copy */
        gm_value c;
        CP_TRY(gm_value_copy(&c, v));
        gm_status rc = cp_obj_put(G, k, a, row, &c);
        gm_value_free(&c);
        return rc;
    }
    cp_stash st;
    st.n = st.used = 0;
    gm_status rc = cp_obj_prep(G, k, a, row, v, 0, &st);
    if (rc == GM_OK) {                        /* phase 1 settled every member's type */
        size_t span = cp_obj_span(a);
        rc = cp_buf_reserve(&a->items, span > a->items.cap ? span : a->items.cap, sizeof(gm_value), true);
    }
    if (rc != GM_OK) {
        for (size_t i = 0; i < st.n; i++) cp_val_drop(&st.v[i]);
        return rc;
    }
    cp_obj_commit(G, k, a, row, v, &st);
    cp_obj_settle(G, k, a);
    return GM_OK;
}

/* The column holds no value but (maybe) row's: a struct of v's keys, v at row. */
static gm_status cp_obj_new(cp_graph *G, gm_kind k, cp_attr *a, size_t row, const gm_value *v)
{
    cp_attr t;
    memset(&t, 0, sizeof t);
    t.type = CP_OBJ;
    t.w = 1;
    gm_status rc = cp_obj_schema(&t, v, cp_rows(G, k));
    if (rc == GM_OK) rc = cp_obj_put(G, k, &t, row, v);
    if (rc != GM_OK) {                        /* CP_MISMATCH: more tagged members than the stash */
        cp_attr_free_data(&t);
        return rc;
    }
    cp_attr_take(a, &t);
    return GM_OK;
}

gm_status cp_attr_put(cp_graph *G, gm_kind k, cp_attr *a, uint32_t row, const gm_value *v, bool settle)
{
    cp_type want = cp_type_of(v);
    bool was = cp_bit(a->valid.p, row);
    gm_status rc = GM_OK;
    if (want <= CP_STR && cp_same(a->type, want) && (a->nulls.n | a->ints.n) == 0) {
        /* the common case first: a scalar of the column's own type, no marks to keep */
        CP_TRY(cp_data_put(G, k, a, row, v, was, settle));
    } else if (v->type == GM_NULL && a->type != CP_VAL) {
        /* a null into a typed column: one bit (the first null of the column allocates the
        ** bitmap); the row's data is left as it was and ignored while the bit is set */
        CP_TRY(cp_mark_row(&a->nulls, row, a->valid.cap));
        cp_unmark(&a->ints, row);
        for (size_t j = 0; j < a->nkids; j++) cp_row_clear(&a->kids[j], row);
    } else {
        /* rows holding a value (not a null) decide whether the column can be re-typed */
        size_t nreal = a->nvalid - a->nulls.n;
        bool wasreal = was && !cp_is_null(a, row), introw = false;
        if (a->type == CP_LIST && want == CP_LIST && a->lkind != GM_NULL) {
            unsigned kind = cp_list_kind(v);
            if (kind != GM_NULL && kind != a->lkind) want = CP_VAL;   /* list<int> meets list<str> */
        }
        bool fresh = nreal == 0 || (nreal == 1 && wasreal);   /* no other row holds a value */
        if (a->type == CP_OBJ && want == CP_OBJ) {
            rc = cp_obj_put(G, k, a, row, v);
            if (rc == CP_MISMATCH && fresh) rc = cp_obj_new(G, k, a, row, v);
            if (rc == CP_MISMATCH) rc = cp_to_val(G, k, a, row, v);
        } else if (a->type == CP_VAL || cp_same(a->type, want)) rc = cp_data_put(G, k, a, row, v, was, settle);
        else if (fresh && want == CP_OBJ) {
            rc = cp_obj_new(G, k, a, row, v);
            if (rc == CP_MISMATCH) rc = cp_to_val(G, k, a, row, v);
        } else if (fresh && !(want == CP_VAL && a->nulls.n > 0)) rc = cp_retype_put(G, k, a, row, v, want);
        /* (tagged values hold their nulls as values: a column of nulls becomes one row by row) */
        else if (a->type == CP_F64 && want == CP_I64 && cp_int_exact(v->as.i)) {
            /* an int among doubles: stored as the double it equals, marked */
            rc = cp_mark_row(&a->ints, row, a->valid.cap);
            if (rc == GM_OK) ((double *)a->data.p)[row] = (double)v->as.i;
            introw = true;
        } else if (a->type == CP_I64 && want == CP_F64 && cp_ints_exact(a, cp_rows(G, k))) {
            rc = cp_i64_to_f64(G, k, a);
            if (rc == GM_OK) rc = cp_data_put(G, k, a, row, v, was, settle);   /* never fails */
        } else rc = cp_to_val(G, k, a, row, v);
        if (rc != GM_OK) return rc;
        if (a->type == CP_VAL) {              /* tagged values hold nulls and ints themselves */
            cp_mark_free(&a->nulls);
            cp_mark_free(&a->ints);
        } else {
            cp_unmark(&a->nulls, row);
            if (!introw) cp_unmark(&a->ints, row);
        }
    }
    if (!was) {
        cp_bit_set(a->valid.p, row);
        a->nvalid++;
    }
    return GM_OK;
}

void cp_attr_settle(cp_graph *G, gm_kind k, cp_attr *a)
{
    if (a->type == CP_DICT && a->ndict > CP_DICT_SMALL && a->ndict * 2 > a->nvalid)
        (void)cp_to_str(G, k, a, CP_NOROW, NULL, 0);   /* GM_ENOMEM: stays DICT, still correct */
}

static const char *cp_kind_name(gm_kind k) { return k == GM_KNODE ? "node" : "edge"; }

gm_status cp_attr_set(gm_graph *g, gm_kind k, uint32_t h, const char *key, const gm_value *v)
{
    cp_graph *G = CP(g);
    cp_attr *a = cp_attr_find(G, k, key);
    bool created = false;
    gm_status rc = GM_OK;
    if (a == NULL) {
        rc = cp_attr_create(G, k, key, &a);
        created = rc == GM_OK;
    }
    if (rc == GM_OK) rc = cp_attr_put(G, k, a, h, v, true);
    if (rc == GM_OK) return GM_OK;
    if (created) cp_attr_drop_last(G, k);
    return gm_fail(g, rc, "cannot set '%s' on %s %u: %s", key, cp_kind_name(k), (unsigned)h,
                   gm_strerror(rc));
}

gm_status cp_attr_get(gm_graph *g, gm_kind k, uint32_t h, const char *key, gm_value *out)
{
    cp_attr *a = cp_attr_find(CP(g), k, key);
    if (a == NULL || !cp_bit(a->valid.p, h)) return GM_ABSENT;
    cp_row_value(a, h, out);
    return GM_OK;
}

gm_status cp_attr_unset(gm_graph *g, gm_kind k, uint32_t h, const char *key)
{
    cp_graph *G = CP(g);
    cp_attr *a = cp_attr_find(G, k, key);
    if (a == NULL || !cp_bit(a->valid.p, h)) return GM_ABSENT;
    if (a->full) {                            /* the first absent value: a bitmap of its own */
        gm_status rc = cp_attr_unfull(G, a, G->nbound, true);
        if (rc != GM_OK)
            return gm_fail(g, rc, "cannot unset '%s' on %s %u: %s", key, cp_kind_name(k), (unsigned)h,
                           gm_strerror(rc));
    }
    cp_row_clear(a, h);
    return GM_OK;
}

/* ---------------------------------------------------------------- batches borrowing from their target */

static bool cp_str_in(const cp_buf *b, gm_str s) { return s.len > 0 && cp_inside(b, s.ptr); }

static bool cp_value_in(const cp_buf *b, const gm_value *v)
{
    switch (v->type) {
    case GM_STRING: return cp_str_in(b, v->as.s);
    case GM_ARRAY:
        for (size_t i = 0; i < v->as.a.len; i++)
            if (cp_value_in(b, &v->as.a.items[i])) return true;
        return false;
    case GM_OBJECT:
        for (size_t i = 0; i < v->as.o.len; i++)
            if (cp_str_in(b, v->as.o.keys[i]) || cp_value_in(b, &v->as.o.vals[i])) return true;
        return false;
    default: return false;
    }
}

bool cp_batch_borrows(const cp_attr *a, const gm_value *vals, size_t count)
{
    if (a == NULL) return false;              /* a new column holds nothing yet */
    if (a->type == CP_DICT || a->type == CP_STR || a->type == CP_LIST) {
        uintptr_t lo = (uintptr_t)a->items.p, hi = lo + a->items.cap * sizeof(gm_value);
        for (size_t i = 0; i < count; i++) {
            if (cp_value_in(&a->dbytes, &vals[i]) || cp_value_in(&a->kbytes, &vals[i])) return true;
            uintptr_t x = (uintptr_t)vals[i].as.a.items;
            if (vals[i].type == GM_ARRAY && a->items.p != NULL && x >= lo && x < hi) return true;
        }
        return false;
    }
    if (a->type == CP_OBJ) {                  /* strings in the members, the decoding scratch */
        for (size_t i = 0; i < count; i++)
            if (vals[i].type == GM_OBJECT || vals[i].type == GM_ARRAY || vals[i].type == GM_STRING) return true;
        return false;
    }
    if (a->type != CP_VAL) return false;
    for (size_t i = 0; i < count; i++) {
        gm_type t = vals[i].type;
        if ((t == GM_STRING && vals[i].as.s.len > 0) || (t == GM_ARRAY && vals[i].as.a.len > 0) ||
            (t == GM_OBJECT && vals[i].as.o.len > 0))
            return true;
    }
    return false;
}

gm_status cp_batch_on_copy(gm_graph *g, gm_kind k, const char *key, const uint32_t *hs,
                            const gm_value *vals, size_t count, cp_batch_fn batch)
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

static size_t cp_attr_bytes(const cp_attr *a)
{
    size_t n = a->namelen + 1 + (a->full ? 0 : a->valid.cap) + a->nulls.bits.cap + a->ints.bits.cap + a->data.cap * cp_aesz(a) +
               a->dict.cap * (a->type == CP_LIST ? 4 : sizeof(gm_str)) + a->dbytes.cap + gm_idx_bytes(&a->didx) +
               a->items.cap * sizeof(gm_value) + a->kbytes.cap;
    if (a->type == CP_VAL) {
        gm_value *const *v = a->data.p;
        for (size_t i = 0; i < a->data.cap; i++)
            if (v[i] != NULL) n += sizeof(gm_value) + gm_value_payload_bytes(v[i]);
    }
    n += a->nkids * sizeof(cp_attr);
    for (size_t j = 0; j < a->nkids; j++) n += cp_attr_bytes(&a->kids[j]);
    return n;
}

/* Append column a's layout to buf (len bytes, at *at): "int16", "dict<u8>", "list<uint32>",
** "struct<city: dict<u8>; zip: int32>", "+nulls" / "+ints" where those marks are held. */
static void cp_layout_name(const cp_attr *a, char *buf, size_t len, size_t *at)
{
#define CP_PUT(...) do { if (*at < len) { int n_ = snprintf(buf + *at, len - *at, __VA_ARGS__); \
                                          if (n_ > 0) *at += (size_t)n_; } } while (0)
    static const char *const iname[9] = { "", "int8", "int16", "", "int32", "", "", "", "int64" };
    static const char *const uname[5] = { "", "u8", "u16", "", "u32" };
    unsigned w = a->w < 9 ? a->w : 8;
    switch (a->type) {
    case CP_EMPTY: CP_PUT("empty"); break;
    case CP_I64: if (w == 0) CP_PUT("const"); else CP_PUT("%s", iname[w]); break;
    case CP_F64: CP_PUT("f64"); break;
    case CP_BOOL: CP_PUT("bits"); break;
    case CP_DICT: CP_PUT("dict<%s>", uname[w < 5 ? w : 4]); break;
    case CP_STR: CP_PUT("str"); break;
    case CP_VAL: CP_PUT("tagged"); break;
    case CP_LIST:
        if (a->lkind == GM_INT) CP_PUT("list<%s>", a->luns && w == 4 ? "uint32" : iname[w]);
        else if (a->lkind == GM_DOUBLE) CP_PUT("list<f64>");
        else if (a->lkind == GM_STRING && a->ldict) CP_PUT("list<dict<%s>>", uname[w < 5 ? w : 4]);
        else if (a->lkind == GM_STRING) CP_PUT("list<str>");
        else CP_PUT("list<empty>");
        if (!a->loff && a->hi > 0) CP_PUT("[%u]", (unsigned)a->lfix);   /* fixed: no offsets */
        break;
    case CP_OBJ:
        CP_PUT("struct<");
        for (size_t j = 0; j < a->nkids; j++) {
            CP_PUT("%s%s: ", j ? "; " : "", a->kids[j].name);
            cp_layout_name(&a->kids[j], buf, len, at);
        }
        CP_PUT(">");
        break;
    }
    if (a->nulls.n > 0) CP_PUT("+nulls");
    if (a->ints.n > 0) CP_PUT("+ints");
#undef CP_PUT
}

gm_status cp_memory_usage(gm_graph *g, gm_usage_fn fn, void *ud)
{
    cp_graph *G = CP(g);
    fn(ud, "graph", sizeof *G + (G->attrs[0].cap + G->attrs[1].cap) * sizeof(cp_attr));
    fn(ud, "ids", G->idbytes.cap + G->idoff.cap * 4);
    fn(ud, "index", gm_idx_bytes(&G->index));
    fn(ud, "nodes", G->alive.cap);
    fn(ud, "edges", cp_ids_nbytes(G->src.b.cap, G->src.w) + cp_ids_nbytes(G->dst.b.cap, G->dst.w));
    fn(ud, "adjacency", cp_ids_nbytes(G->csroff.b.cap, G->csroff.w) +
                        cp_ids_nbytes(G->adjedge.b.cap, G->adjedge.w) +
                        cp_ids_nbytes(G->indeg.b.cap, G->indeg.w));
    fn(ud, "scratch", (G->scratch.cap + G->escratch.cap) * 4);
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < G->attrs[k].n; i++) {
            const cp_attr *a = &G->attrs[k].a[i];
            /* "node:role dict<u8>": the key, then its layout (truncated past 255 bytes) */
            char name[256];
            int n = snprintf(name, sizeof name, "%s:%s ", cp_kind_name((gm_kind)k), a->name);
            size_t at = n > 0 ? (size_t)n : 0;
            cp_layout_name(a, name, sizeof name, &at);
            fn(ud, name, cp_attr_bytes(a));
        }
    return GM_OK;
}
