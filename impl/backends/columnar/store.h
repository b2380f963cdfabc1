/*
** store.h (internal to backends/columnar): the columnar graph store shared by the `columnar`
** (phase 3) and `zerocopy` (phase 4) backends. Both backends use exactly this storage; they differ
** only in their access paths (columnar.c copies, zerocopy.c aliases and batches), so the
** difference the harness measures is the access path, not the layout.
**
** Layout (every array is one gm_mem block; a col_buf records its capacity, so memory_usage can
** account every byte):
**   nodes    dense uint32 handles 0..nbound-1; a liveness bitmap; the string ids stored ONCE in one
**            byte arena (idbytes) with uint32 offsets (id of n = idbytes[idoff[n] .. idoff[n+1]));
**            one id -> handle index (idindex.h) whose slots hold only handles, hashing from the
**            arena. Removed nodes keep their bytes in the arena (handles are never reused) and
**            their index entry: it points at a dead handle, so a find checks liveness (one bit)
**            and a re-add of the id re-points the entry in place. Removal then touches no index
**            line: hashing the id and shifting the probe run was half of a removal's cache lines
**            (callgrind cache simulation, groggy-100k: 18.9 -> 9.5 LL misses a removal).
**   edges    uint32 src[] / dst[] indexed by edge handle; a removed edge has src = COL_DEAD.
**   adjacency CSR over live edges: csroff[nbound+1], adjdst[], adjedge[] (out-neighbours in
**            increasing edge-handle order, by a stable counting sort), plus indeg[] maintained on
**            every add/remove. Any edge add/remove and the removal of a node with live in-edges
**            mark the CSR dirty; the next read rebuilds it
**            IN PLACE in O(V + E) with no allocation (adjdst/adjedge are reserved with the edge
**            arrays, csroff with the node arrays), so reads never allocate and never fail.
**            Cost: a read after each single edge mutation is O(V + E); bulk mutation then reads
**            (the usual pattern) pays one rebuild.
**   removal  tombstones, no incidence lists (issue 11: a removal must not walk scattered lines).
**            An edge is live iff src[e] != COL_DEAD (the tombstone edge_remove writes) and both
**            its ends are alive, so a node's edges die with its alive bit and nothing at their
**            handles is touched. node_remove(n): O(out-degree) over n's CSR segment, which is
**            rebuilt first only when edges were added since the last rebuild (`missing`; a
**            CSR whose only fault is dead entries still lists every live out-edge; zerocopy's
**            edge_add_batch of at least a quarter of nodes + edges sorts it at once, so the
**            removals after a bulk build pay no rebuild; columnar's single adds leave it to the
**            first removal or read, O(V + E) once): each live out-edge leaves its target's
**            indeg, deferred (below), n's live in-edges leave elive in one subtraction of
**            indeg[n], n's node rows are cleared. The edges' attribute rows and src tombstones are swept by the next CSR
**            rebuild, which walks every edge anyway (until then a dead edge's row holds its
**            value and payload; no read reaches it: edge access checks liveness). An
**            edge_remove while the CSR lists every edge also marks its CSR entry (adjdst :=
**            COL_DEAD, found by binary search in the source's segment: O(log out-degree)),
**            so a later node removal skips it. Counts, edge_live, edge_next, in-degrees exact
**            at every moment; out-degrees and neighbours after a rebuild (reads rebuild a
**            dirty CSR). No allocation, never fails. Bytes: none (the incidence lists were 8 a
**            node + 8 an edge: groggy-10k zerocopy 1,088,903 -> 928,839). Time (groggy-10k ->
**            groggy-1m, zerocopy, median ns a removal, same machine): incidence lists 47 -> 308,
**            tombstones 27 -> 62; instructions 434 -> 216 a removal (10K).
**   deferred in-degrees: the target's indeg line was what was left at 1M (a 4 MB array there;
**            without the decrement a removal took 27 ns, with it 62): a load miss per removal
**            that the next removal cannot overlap. So removal appends the target to `pend` (up
**            to COL_PEND entries, with a 2^COL_PEND_BITS-bit filter of their hashes) and the
**            entries are applied together when the log is full, where the misses overlap; any
**            read of indeg[m] (node_remove's own indeg[n], in_degree) first applies the log if
**            m's filter bit is set. Counts stay exact: elive is updated at once. Bytes: 2,056
**            a graph, in `adjacency`. Time: groggy-1m 62 -> 35-38 ns a removal (10K: 19).
**   attributes one col_attr per (kind, key), rows indexed by handle, each with a validity bitmap:
**            I64 int64[], F64 double[], BOOL bit-packed, DICT uint32 codes + distinct strings,
**            STR uint64 offsets + bytes (row order), VAL tagged gm_values (mixed types, null,
**            arrays, objects; payloads deep-copied). Strings start as DICT and switch to STR when
**            the dictionary stops paying: more than COL_DICT_SMALL distinct values AND more than
**            half as many distinct values as stored values (decided on the values seen so far;
**            batch sets decide once at the end of the batch). A column that is given a value of
**            another type becomes VAL, except when it holds no other value (then it is re-typed).
**            VAL never narrows back while it holds values.
** Every mutation reserves all the memory it needs first and commits after, so GM_ENOMEM leaves
** the store's contents unchanged (a reserve that succeeded may leave an array larger; that is
** capacity, accounted by memory_usage, not content).
*/
#ifndef COL_STORE_H
#define COL_STORE_H

#include "backend.h"
#include "idindex.h"

#define COL_DEAD       UINT32_MAX   /* src[] of a removed edge */
#define COL_DICT_SMALL 64           /* a string dictionary up to this size is always kept */
#define COL_PEND       256
#define COL_PEND_BITS  13

typedef enum col_type { COL_EMPTY = 0, COL_I64, COL_F64, COL_BOOL, COL_DICT, COL_STR, COL_VAL } col_type;

typedef struct col_buf { void *p; size_t cap; } col_buf;   /* cap in elements */

typedef struct col_attr {
    char    *name;        /* NUL-terminated, one block */
    size_t   namelen;
    col_type type;
    size_t   nvalid;      /* rows with the bit set */
    col_buf  valid;       /* uint8 bitmap; cap in bytes >= (rows + 7) / 8 */
    col_buf  data;        /* I64/F64: 8 bytes a row; BOOL: bitmap bytes; DICT: uint32 codes;
                          ** STR: uint64 offsets, rows + 1; VAL: gm_value */
    col_buf  dict;        /* DICT: gm_str entries pointing into dbytes, in code order */
    size_t   ndict;
    col_buf  dbytes;      /* DICT: the distinct strings back to back; STR: the row strings */
    size_t   nbytes;      /* bytes used in dbytes */
    gm_idx   didx;        /* DICT: string -> code */
    size_t   hi;          /* STR: offsets[0..hi] are exact, rows >= hi are empty, offsets[hi] = nbytes */
} col_attr;

typedef struct col_attrs { col_attr *a; size_t n, cap; } col_attrs;

/* The in-degree decrements node removal defers (see "removal" above): the true in-degree of m is
** indeg[m] minus the times m appears in at[0..n); filter has bit h(m) set for every such m, so a
** clear bit proves m has none pending. */
typedef struct col_pend {
    uint32_t n;
    uint32_t at[COL_PEND];
    uint64_t filter[(1u << COL_PEND_BITS) / 64];
} col_pend;

typedef struct col_graph {
    struct gm_graph base;
    uint32_t  nbound, nlive;
    col_buf   idbytes;    /* char */
    size_t    idused;
    col_buf   idoff;      /* uint32, nbound + 1 */
    col_buf   alive;      /* uint8 bitmap of live nodes */
    gm_idx    index;      /* id -> node handle */
    uint32_t  ebound, elive;
    col_buf   src, dst;   /* uint32, ebound */
    col_buf   indeg;      /* uint32, nbound; exact after the pending decrements are applied */
    col_pend  pend;       /* decrements of indeg deferred by node removal */
    col_buf   csroff;     /* uint32, nbound + 1 */
    col_buf   adjdst, adjedge;  /* uint32, >= ebound */
    bool      missing;    /* edges were added since the last rebuild (dirty too) */
    bool      dirty;      /* CSR out of date */
    col_attrs attrs[2];   /* GM_KNODE, GM_KEDGE */
    col_buf   scratch;    /* columnar (phase 3) only: the out-neighbour copy, uint32 */
} col_graph;

#define COL(g) ((col_graph *)(g))

static inline bool col_bit(const uint8_t *m, size_t i) { return (m[i >> 3] >> (i & 7)) & 1u; }
static inline void col_bit_set(uint8_t *m, size_t i) { m[i >> 3] |= (uint8_t)(1u << (i & 7)); }
static inline void col_bit_clr(uint8_t *m, size_t i) { m[i >> 3] &= (uint8_t)~(1u << (i & 7)); }
/* Does p point into b's block? (A caller may pass back a string it borrowed from the store.) */
static inline bool col_inside(const col_buf *b, const char *p)
{
    uintptr_t x = (uintptr_t)p, lo = (uintptr_t)b->p;
    return b->p != NULL && p != NULL && x >= lo && x < lo + b->cap;
}
static inline size_t col_rows(const col_graph *G, gm_kind k) { return k == GM_KNODE ? G->nbound : G->ebound; }

/* Grow b to hold `need` elements of esz bytes (new bytes zeroed). exact: to `need` (unless that
** is a step below the geometric one); otherwise to max(need, cap + max(cap / 16, 16)): at most
** 6.25 % slack, so bytes per node do not jump with the size of the graph (see col_buf_reserve).
** GM_ENOMEM leaves b unchanged. */
gm_status col_buf_reserve(col_buf *b, size_t need, size_t esz, bool exact);

/* ---- slots shared by both backends (same contracts as backend.h) ---- */
gm_status col_open(gm_graph **out);
void      col_close(gm_graph *g);
gm_status col_node_add(gm_graph *g, const char *id, size_t len, gm_node *out);
gm_status col_node_find(gm_graph *g, const char *id, size_t len, gm_node *out);
gm_status col_node_id(gm_graph *g, gm_node n, gm_str *out);
gm_status col_node_remove(gm_graph *g, gm_node n);
bool      col_node_live(const gm_graph *g, gm_node n);
size_t    col_node_count(const gm_graph *g);
size_t    col_node_bound(const gm_graph *g);
gm_status col_node_next(gm_graph *g, gm_node *it);
gm_status col_edge_add(gm_graph *g, gm_node src, gm_node dst, gm_edge *out);
gm_status col_edge_remove(gm_graph *g, gm_edge e);
gm_status col_edge_ends(gm_graph *g, gm_edge e, gm_node *src, gm_node *dst);
bool      col_edge_live(const gm_graph *g, gm_edge e);
size_t    col_edge_count(const gm_graph *g);
size_t    col_edge_bound(const gm_graph *g);
gm_status col_edge_next(gm_graph *g, gm_edge *it);
gm_status col_out_degree(gm_graph *g, gm_node n, size_t *out);
gm_status col_in_degree(gm_graph *g, gm_node n, size_t *out);
gm_status col_attr_set(gm_graph *g, gm_kind k, uint32_t h, const char *key, const gm_value *v);
gm_status col_attr_get(gm_graph *g, gm_kind k, uint32_t h, const char *key, gm_value *out);
gm_status col_attr_unset(gm_graph *g, gm_kind k, uint32_t h, const char *key);
gm_status col_memory_usage(gm_graph *g, gm_usage_fn fn, void *ud);

/* ---- internals for columnar.c / zerocopy.c ---- */

/* Rebuild the CSR if it is dirty: O(V + E), in place, never allocates. */
void col_csr_ready(col_graph *G);

/* Reserve room for `count` more nodes (ids totalling idbytes bytes) / edges in every node (edge)
** array and attribute column, and in the index. exact: size to the new total once (batches). */
gm_status col_reserve_nodes(col_graph *G, size_t count, size_t idbytes, bool exact);
gm_status col_reserve_edges(col_graph *G, size_t count, bool exact);
/* Commit one node / edge into reserved room (never fails). h = gm_idx_hash(id, len). */
gm_node   col_commit_node(col_graph *G, const char *id, size_t len, uint64_t h, size_t slot);
/* Node n's id bytes in the arena: the key callback of the id index (ctx is the col_graph). */
gm_str    col_id_key(const void *ctx, uint32_t n);
gm_edge   col_commit_edge(col_graph *G, gm_node s, gm_node d);

/* The attribute `key` of kind k, or NULL. */
col_attr *col_attr_find(col_graph *G, gm_kind k, const char *key);
/* Append an EMPTY attribute `key` (valid bitmap sized to the rows); *out points into the table
** until the next create. */
gm_status col_attr_create(col_graph *G, gm_kind k, const char *key, col_attr **out);
/* Drop the last attribute of kind k (a create whose first set failed). */
void      col_attr_drop_last(col_graph *G, gm_kind k);
/* Store v at row (bit set, nvalid kept), converting or re-typing the column as needed.
** settle = false defers the DICT -> STR decision to col_attr_settle() (batches). */
gm_status col_attr_put(col_graph *G, gm_kind k, col_attr *a, uint32_t row, const gm_value *v, bool settle);
/* Apply the deferred DICT -> STR decision (never fails: on GM_ENOMEM the column stays DICT). */
void      col_attr_settle(col_graph *G, gm_kind k, col_attr *a);
/* Re-type a column that holds no value to `t` (I64, F64, BOOL, DICT), its data sized exactly. */
gm_status col_attr_retype(col_graph *G, gm_kind k, col_attr *a, col_type t);
/* The storage type a value goes to: I64, F64, BOOL, DICT (strings), VAL (null, array, object). */
col_type  col_type_of(const gm_value *v);
/* Row `row`'s value, payload borrowed from the store. Precondition: its bit is set. */
void      col_row_value(const col_attr *a, size_t row, gm_value *out);
/* STR: write offsets up to `rows` so offsets[0..rows] are all exact (no allocation). */
void      col_str_finalize(col_attr *a, size_t rows);
/* STR: put one string (reserving bytes itself; batches pre-reserve). */
gm_status col_str_put(col_attr *a, size_t row, const char *s, size_t len);

/* Could a batch into column a move or free what vals borrow? DICT/STR: a string (at any depth)
** inside a's bytes, which grow or are rebuilt mid-batch. VAL: the array itself inside a's slots,
** or any payload at all (a payload borrowed from a row is freed when that row is overwritten;
** telling it from a caller's own payload would cost a walk of the column, so any payload counts).
** Other types hold nothing a value can point into. O(values and their payload nodes). */
bool      col_batch_borrows(const col_attr *a, const gm_value *vals, size_t count);
/* Run batch(g, k, key, hs, copy, count) on a deep copy of vals (the inputs of a batch that
** borrows from its own target, see above), then free the copy. GM_ENOMEM if the copy fails. */
typedef gm_status (*col_batch_fn)(gm_graph *g, gm_kind k, const char *key, const uint32_t *hs,
                                  const gm_value *vals, size_t count);
gm_status col_batch_on_copy(gm_graph *g, gm_kind k, const char *key, const uint32_t *hs,
                            const gm_value *vals, size_t count, col_batch_fn batch);

/* The slots columnar and zerocopy share, for their gm_backend initialisers. Each adds
** out_neighbors and its column/filter/batch slots. */
#define COL_SHARED_SLOTS                                                                     \
    .open = col_open, .close = col_close, .node_add = col_node_add,                         \
    .node_find = col_node_find, .node_id = col_node_id, .node_remove = col_node_remove,     \
    .node_live = col_node_live, .node_count = col_node_count, .node_bound = col_node_bound, \
    .node_next = col_node_next, .edge_add = col_edge_add, .edge_remove = col_edge_remove,   \
    .edge_ends = col_edge_ends, .edge_live = col_edge_live, .edge_count = col_edge_count,   \
    .edge_bound = col_edge_bound, .edge_next = col_edge_next,                               \
    .out_degree = col_out_degree, .in_degree = col_in_degree, .attr_set = col_attr_set,     \
    .attr_get = col_attr_get, .attr_unset = col_attr_unset,                                 \
    .memory_usage = col_memory_usage

#endif /* COL_STORE_H */
