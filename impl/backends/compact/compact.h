/*
** store.h (internal to backends/columnar): the columnar graph store shared by the `columnar`
** (phase 3) and `zerocopy` (phase 4) backends. Both backends use exactly this storage; they differ
** only in their access paths (columnar.c copies, zerocopy.c aliases and batches), so the
** difference the harness measures is the access path, not the layout.
**
** Layout (every array is one gm_mem block; a cp_buf records its capacity, so memory_usage can
** account every byte):
**   nodes    dense uint32 handles 0..nbound-1; a liveness bitmap; the string ids stored ONCE in one
**            byte arena (idbytes) with uint32 offsets (id of n = idbytes[idoff[n] .. idoff[n+1]));
**            one id -> handle index (idindex.h) whose slots hold only handles, hashing from the
**            arena. Removed nodes keep their bytes in the arena (handles are never reused).
**   edges    uint32 src[] / dst[] indexed by edge handle; a removed edge has src = CP_DEAD.
**   adjacency CSR over live edges: csroff[nbound+1], adjdst[], adjedge[] (out-neighbours in
**            increasing edge-handle order, by a stable counting sort), plus indeg[] maintained on
**            every add/remove. Any edge add/remove marks the CSR dirty; the next read rebuilds it
**            IN PLACE in O(V + E) with no allocation (adjdst/adjedge are reserved with the edge
**            arrays, csroff with the node arrays), so reads never allocate and never fail.
**            Cost: a read after each single edge mutation is O(V + E); bulk mutation then reads
**            (the usual pattern) pays one rebuild.
**   incidence per-node singly linked lists of the edges ever added at each node, so a node is
**            removed in O(its degree) without the CSR: outhead[n] / inhead[n] (uint32, nbound)
**            and outnext[e] / innext[e] (uint32, ebound), pushed in O(1) by every edge add (no
**            rebuild, never dirty), never unlinked: a removed edge stays on its ends' lists and
**            is skipped (src = CP_DEAD). Node removal walks n's two lists and kills each live
**            edge in O(1) (+ its attribute rows): O(edges ever added at n), the far ends' degrees
**            never enter, no allocation (reserved with the node and edge arrays), never fails;
**            removing every node costs O(V + E) in all. Bytes: 8 per node + 8 per edge, the
**            "incidence" component of memory_usage. (An in-CSR would cost 4 + 4 but must be
**            rebuilt, O(V + E), after every batch of edge adds before a removal could use it.)
**   attributes one cp_attr per (kind, key), rows indexed by handle, each with a validity bitmap:
**            I64 int64[], F64 double[], BOOL bit-packed, DICT uint32 codes + distinct strings,
**            STR uint64 offsets + bytes (row order), VAL tagged gm_values (mixed types, null,
**            arrays, objects; payloads deep-copied). Strings start as DICT and switch to STR when
**            the dictionary stops paying: more than CP_DICT_SMALL distinct values AND more than
**            half as many distinct values as stored values (decided on the values seen so far;
**            batch sets decide once at the end of the batch). A column that is given a value of
**            another type becomes VAL, except when it holds no other value (then it is re-typed).
**            VAL never narrows back while it holds values.
** Every mutation reserves all the memory it needs first and commits after, so GM_ENOMEM leaves
** the store's contents unchanged (a reserve that succeeded may leave an array larger; that is
** capacity, accounted by memory_usage, not content).
*/
#ifndef CP_STORE_H
#define CP_STORE_H

#include "backend.h"
#include "idindex.h"

#define CP_DEAD       UINT32_MAX   /* src[] of a removed edge */
#define CP_NIL        UINT32_MAX   /* end of an incidence list */
#define CP_DICT_SMALL 64           /* a string dictionary up to this size is always kept */

typedef enum cp_type { CP_EMPTY = 0, CP_I64, CP_F64, CP_BOOL, CP_DICT, CP_STR, CP_VAL, CP_LIST } cp_type;

typedef struct cp_buf { void *p; size_t cap; } cp_buf;   /* cap in elements */

typedef struct cp_attr {
    char    *name;        /* NUL-terminated, one block */
    size_t   namelen;
    cp_type type;
    uint8_t  w;           /* I64: bytes per value (1, 2, 4, 8); DICT: bytes per code (1, 2, 4) */
    uint8_t  lkind;       /* LIST: the items' gm_type (GM_INT, GM_DOUBLE, GM_STRING), or GM_NULL
                          ** while every stored list is empty */
    cp_buf   items;       /* LIST: gm_value scratch a read decodes one row's items into */
    size_t   nvalid;      /* rows with the bit set */
    cp_buf  valid;       /* uint8 bitmap; cap in bytes >= (rows + 7) / 8 */
    cp_buf  data;        /* I64/F64: 8 bytes a row; BOOL: bitmap bytes; DICT: uint32 codes;
                          ** STR: uint64 offsets, rows + 1; VAL: gm_value */
    cp_buf  dict;        /* DICT: gm_str entries pointing into dbytes, in code order */
    size_t   ndict;
    cp_buf  dbytes;      /* DICT: the distinct strings back to back; STR: the row strings */
    size_t   nbytes;      /* bytes used in dbytes */
    gm_idx   didx;        /* DICT: string -> code */
    size_t   hi;          /* STR: offsets[0..hi] are exact, rows >= hi are empty, offsets[hi] = nbytes */
} cp_attr;

typedef struct cp_attrs { cp_attr *a; size_t n, cap; } cp_attrs;

typedef struct cp_graph {
    struct gm_graph base;
    uint32_t  nbound, nlive;
    cp_buf   idbytes;    /* char */
    size_t    idused;
    cp_buf   idoff;      /* uint32, nbound + 1 */
    cp_buf   alive;      /* uint8 bitmap of live nodes */
    gm_idx    index;      /* id -> node handle */
    uint32_t  ebound, elive;
    cp_buf   src, dst;   /* uint32, ebound */
    cp_buf   indeg;      /* uint32, nbound */
    cp_buf   csroff;     /* uint32, nbound + 1 */
    cp_buf   adjdst, adjedge;  /* uint32, >= ebound */
    bool      missing;    /* edges were added since the last rebuild (dirty too) */
    bool      dirty;      /* CSR out of date */
    cp_attrs attrs[2];   /* GM_KNODE, GM_KEDGE */
    cp_buf   scratch;    /* columnar (phase 3) only: the out-neighbour copy, uint32 */
} cp_graph;

#define CP(g) ((cp_graph *)(g))

static inline bool cp_bit(const uint8_t *m, size_t i) { return (m[i >> 3] >> (i & 7)) & 1u; }
static inline void cp_bit_set(uint8_t *m, size_t i) { m[i >> 3] |= (uint8_t)(1u << (i & 7)); }
static inline void cp_bit_clr(uint8_t *m, size_t i) { m[i >> 3] &= (uint8_t)~(1u << (i & 7)); }
/* Does p point into b's block? (A caller may pass back a string it borrowed from the store.) */
static inline bool cp_inside(const cp_buf *b, const char *p)
{
    uintptr_t x = (uintptr_t)p, lo = (uintptr_t)b->p;
    return b->p != NULL && p != NULL && x >= lo && x < lo + b->cap;
}
/* Packed integers: entry i of an array of w-byte signed ints / unsigned codes. */
static inline int64_t cp_iget(const void *p, unsigned w, size_t i)
{
    switch (w) {
    case 1: return ((const int8_t *)p)[i];
    case 2: return ((const int16_t *)p)[i];
    case 4: return ((const int32_t *)p)[i];
    default: return ((const int64_t *)p)[i];
    }
}
static inline void cp_iput(void *p, unsigned w, size_t i, int64_t x)
{
    switch (w) {
    case 1: ((int8_t *)p)[i] = (int8_t)x; return;
    case 2: ((int16_t *)p)[i] = (int16_t)x; return;
    case 4: ((int32_t *)p)[i] = (int32_t)x; return;
    default: ((int64_t *)p)[i] = x; return;
    }
}
static inline uint32_t cp_uget(const void *p, unsigned w, size_t i)
{
    switch (w) {
    case 1: return ((const uint8_t *)p)[i];
    case 2: return ((const uint16_t *)p)[i];
    default: return ((const uint32_t *)p)[i];
    }
}
static inline void cp_uput(void *p, unsigned w, size_t i, uint32_t x)
{
    switch (w) {
    case 1: ((uint8_t *)p)[i] = (uint8_t)x; return;
    case 2: ((uint16_t *)p)[i] = (uint16_t)x; return;
    default: ((uint32_t *)p)[i] = x; return;
    }
}
/* The narrowest width that holds x (signed) / code c (unsigned). */
static inline unsigned cp_iwidth(int64_t x)
{
    if (x >= INT8_MIN && x <= INT8_MAX) return 1;
    if (x >= INT16_MIN && x <= INT16_MAX) return 2;
    if (x >= INT32_MIN && x <= INT32_MAX) return 4;
    return 8;
}
static inline unsigned cp_uwidth(size_t c) { return c <= UINT8_MAX ? 1 : c <= UINT16_MAX ? 2 : 4; }

static inline size_t cp_rows(const cp_graph *G, gm_kind k) { return k == GM_KNODE ? G->nbound : G->ebound; }

/* Grow b to hold `need` elements of esz bytes (new bytes zeroed). exact: to `need` (unless that
** is a step below the geometric one); otherwise to max(need, cap + max(cap / 16, 16)): at most
** 6.25 % slack, so bytes per node do not jump with the size of the graph (see cp_buf_reserve).
** GM_ENOMEM leaves b unchanged. */
gm_status cp_buf_reserve(cp_buf *b, size_t need, size_t esz, bool exact);

/* ---- slots shared by both backends (same contracts as backend.h) ---- */
gm_status cp_open(gm_graph **out);
void      cp_close(gm_graph *g);
gm_status cp_node_add(gm_graph *g, const char *id, size_t len, gm_node *out);
gm_status cp_node_find(gm_graph *g, const char *id, size_t len, gm_node *out);
gm_status cp_node_id(gm_graph *g, gm_node n, gm_str *out);
gm_status cp_node_remove(gm_graph *g, gm_node n);
bool      cp_node_live(const gm_graph *g, gm_node n);
size_t    cp_node_count(const gm_graph *g);
size_t    cp_node_bound(const gm_graph *g);
gm_status cp_node_next(gm_graph *g, gm_node *it);
gm_status cp_edge_add(gm_graph *g, gm_node src, gm_node dst, gm_edge *out);
gm_status cp_edge_remove(gm_graph *g, gm_edge e);
gm_status cp_edge_ends(gm_graph *g, gm_edge e, gm_node *src, gm_node *dst);
bool      cp_edge_live(const gm_graph *g, gm_edge e);
size_t    cp_edge_count(const gm_graph *g);
size_t    cp_edge_bound(const gm_graph *g);
gm_status cp_edge_next(gm_graph *g, gm_edge *it);
gm_status cp_out_degree(gm_graph *g, gm_node n, size_t *out);
gm_status cp_in_degree(gm_graph *g, gm_node n, size_t *out);
gm_status cp_attr_set(gm_graph *g, gm_kind k, uint32_t h, const char *key, const gm_value *v);
gm_status cp_attr_get(gm_graph *g, gm_kind k, uint32_t h, const char *key, gm_value *out);
gm_status cp_attr_unset(gm_graph *g, gm_kind k, uint32_t h, const char *key);
gm_status cp_memory_usage(gm_graph *g, gm_usage_fn fn, void *ud);

/* ---- internals for columnar.c / zerocopy.c ---- */

/* Rebuild the CSR if it is dirty: O(V + E), in place, never allocates. */
void cp_csr_ready(cp_graph *G);

/* Reserve room for `count` more nodes (ids totalling idbytes bytes) / edges in every node (edge)
** array and attribute column, and in the index. exact: size to the new total once (batches). */
gm_status cp_reserve_nodes(cp_graph *G, size_t count, size_t idbytes, bool exact);
gm_status cp_reserve_edges(cp_graph *G, size_t count, bool exact);
/* Commit one node / edge into reserved room (never fails). h = gm_idx_hash(id, len). */
gm_node   cp_commit_node(cp_graph *G, const char *id, size_t len, uint64_t h);
/* Node n's id bytes in the arena: the key callback of the id index (ctx is the cp_graph). */
gm_str    cp_id_key(const void *ctx, uint32_t n);
gm_edge   cp_commit_edge(cp_graph *G, gm_node s, gm_node d);

/* The attribute `key` of kind k, or NULL. */
cp_attr *cp_attr_find(cp_graph *G, gm_kind k, const char *key);
/* Append an EMPTY attribute `key` (valid bitmap sized to the rows); *out points into the table
** until the next create. */
gm_status cp_attr_create(cp_graph *G, gm_kind k, const char *key, cp_attr **out);
/* Drop the last attribute of kind k (a create whose first set failed). */
void      cp_attr_drop_last(cp_graph *G, gm_kind k);
/* Store v at row (bit set, nvalid kept), converting or re-typing the column as needed.
** settle = false defers the DICT -> STR decision to cp_attr_settle() (batches). */
gm_status cp_attr_put(cp_graph *G, gm_kind k, cp_attr *a, uint32_t row, const gm_value *v, bool settle);
/* Apply the deferred DICT -> STR decision (never fails: on GM_ENOMEM the column stays DICT). */
void      cp_attr_settle(cp_graph *G, gm_kind k, cp_attr *a);
/* Re-type a column that holds no value to `t` (I64, F64, BOOL, DICT), its data sized exactly. */
gm_status cp_attr_retype(cp_graph *G, gm_kind k, cp_attr *a, cp_type t);
/* Widen an I64 or DICT column's data to w bytes an entry, in place (one realloc, entries moved
** back to front): O(capacity). GM_ENOMEM leaves the column unchanged. No-op if already >= w. */
gm_status cp_widen(cp_attr *a, unsigned w);
/* The storage type a value goes to: I64, F64, BOOL, DICT (strings), VAL (null, array, object). */
cp_type  cp_type_of(const gm_value *v);
/* Row `row`'s value, payload borrowed from the store. Precondition: its bit is set. */
void      cp_row_value(const cp_attr *a, size_t row, gm_value *out);
/* LIST: decode row's items into it[] (room for them); returns how many. */
size_t    cp_list_row(const cp_attr *a, size_t row, gm_value *it);
/* STR: write offsets up to `rows` so offsets[0..rows] are all exact (no allocation). */
void      cp_str_finalize(cp_attr *a, size_t rows);
/* STR: put one string (reserving bytes itself; batches pre-reserve). */
gm_status cp_str_put(cp_attr *a, size_t row, const char *s, size_t len);

/* Could a batch into column a move or free what vals borrow? DICT/STR: a string (at any depth)
** inside a's bytes, which grow or are rebuilt mid-batch. VAL: the array itself inside a's slots,
** or any payload at all (a payload borrowed from a row is freed when that row is overwritten;
** telling it from a caller's own payload would cost a walk of the column, so any payload counts).
** Other types hold nothing a value can point into. O(values and their payload nodes). */
bool      cp_batch_borrows(const cp_attr *a, const gm_value *vals, size_t count);
/* Run batch(g, k, key, hs, copy, count) on a deep copy of vals (the inputs of a batch that
** borrows from its own target, see above), then free the copy. GM_ENOMEM if the copy fails. */
typedef gm_status (*cp_batch_fn)(gm_graph *g, gm_kind k, const char *key, const uint32_t *hs,
                                  const gm_value *vals, size_t count);
gm_status cp_batch_on_copy(gm_graph *g, gm_kind k, const char *key, const uint32_t *hs,
                            const gm_value *vals, size_t count, cp_batch_fn batch);

/* The slots columnar and zerocopy share, for their gm_backend initialisers. Each adds
** out_neighbors and its column/filter/batch slots. */
#define CP_SHARED_SLOTS                                                                     \
    .open = cp_open, .close = cp_close, .node_add = cp_node_add,                         \
    .node_find = cp_node_find, .node_id = cp_node_id, .node_remove = cp_node_remove,     \
    .node_live = cp_node_live, .node_count = cp_node_count, .node_bound = cp_node_bound, \
    .node_next = cp_node_next, .edge_add = cp_edge_add, .edge_remove = cp_edge_remove,   \
    .edge_ends = cp_edge_ends, .edge_live = cp_edge_live, .edge_count = cp_edge_count,   \
    .edge_bound = cp_edge_bound, .edge_next = cp_edge_next,                               \
    .out_degree = cp_out_degree, .in_degree = cp_in_degree, .attr_set = cp_attr_set,     \
    .attr_get = cp_attr_get, .attr_unset = cp_attr_unset,                                 \
    .memory_usage = cp_memory_usage

#endif /* CP_STORE_H */
