/*
** rowstore.h (internal): the row-per-node store shared by the json (phase 0) and native
** (phase 1) backends. Prefix rs_.
**
** Everything but the attribute values lives here: the id index (gm_map: id -> handle), the node
** table, the edge table, adjacency, removal, iteration, neighbours and degrees. Each node and edge
** owns a gm_map of attributes key -> backend value, the value stored inline in the map's slot,
** ops->vsize bytes: what that value is (a pointer to JSON text for json, the gm_value itself for
** native) is the backend's business, told to the store through rs_valops.
** Cost per attribute map: 16 + vsize bytes a slot (>= 8 slots, at most 7/8 full) plus each key's
** bytes + 1 (see map.h), plus whatever the values own outside the slot (ops->val_bytes).
**
** The structure is the one both phases really had: one record per node in a growable array, one
** hash map per row, one per-node adjacency list. It is deliberately not columnar.
**
** A backend's graph struct starts with an rs_store (which starts with struct gm_graph), so the
** rs_* functions below are the backend's slots themselves, with no wrapper.
*/
#ifndef GM_ROWSTORE_H
#define GM_ROWSTORE_H

#include "backend.h"
#include "map.h"

/* An adjacency list. Out-lists keep targets in buf[0..cap) and edge handles in buf[cap..2cap)
** (one block, so gm_out_neighbors can hand out both arrays without a copy); in-lists keep edge
** handles only, in buf[0..cap). Both are sorted by edge handle: edges are appended in handle order
** and removal memmoves, so order survives and a lookup is a binary search. */
typedef struct rs_adj { uint32_t *buf; uint32_t len, cap; } rs_adj;

typedef struct rs_node {
    const char *id;     /* the id map's stored key (stable: keys are separate blocks); NULL: removed */
    gm_map      attrs;  /* key -> backend value (inline, ops->vsize bytes) */
    rs_adj      out;    /* out-edges: (target, edge) */
    rs_adj      in;     /* in-edges: edge handles; kept so node removal need not scan every edge */
    uint32_t    idlen;
} rs_node;

typedef struct rs_edge {
    gm_node src, dst;   /* src == GM_NONE: removed (saves a flag word per edge) */
    gm_map  attrs;
} rs_edge;

/* What a backend tells the store about its attribute values. `v` is the address of a value in
** its row's map slot: valid until the row's next insert of a new key (map.h). */
typedef struct rs_valops {
    size_t   vsize;                       /* bytes of one value, inline in the slot (map.h limits) */
    void   (*free_val)(void *v);          /* free what the value at v owns (not v: it is the slot) */
    size_t (*val_bytes)(const void *v);   /* requested bytes the value owns outside its slot */
    /* Optional: called before every structural mutation and by rs_close, so a backend can drop
    ** per-graph scratch (json's parsed value) whose borrow ends there. */
    void   (*drop)(gm_graph *g);
} rs_valops;

typedef struct rs_store {
    struct gm_graph  base;
    const rs_valops *ops;
    size_t           self;          /* sizeof the backend's whole graph struct (accounting) */
    gm_map           ids;           /* id -> node handle (live nodes only) */
    rs_node         *nodes;         /* [0, nbound): every handle ever handed out */
    uint32_t         nbound, ncap, nlive;
    rs_edge         *edges;         /* [0, ebound) */
    uint32_t         ebound, ecap, elive;
} rs_store;

#define RS(g) ((rs_store *)(g))

/* Allocate a zeroed graph struct of `size` bytes (>= sizeof(rs_store)) with an empty store. */
gm_status rs_open(gm_graph **out, size_t size, const rs_valops *ops);
/* Free everything, attribute values through ops->free_val, then the struct. */
void      rs_close(gm_graph *g);

/* The attribute map of node or edge h (live, as backend.h guarantees). */
gm_map   *rs_attrs(gm_graph *g, gm_kind k, uint32_t h);

/* Slots, with the contracts of backend.h. */
gm_status rs_node_add(gm_graph *g, const char *id, size_t len, gm_node *out);
gm_status rs_node_find(gm_graph *g, const char *id, size_t len, gm_node *out);
gm_status rs_node_id(gm_graph *g, gm_node n, gm_str *out);
gm_status rs_node_remove(gm_graph *g, gm_node n);
bool      rs_node_live(const gm_graph *g, gm_node n);
size_t    rs_node_count(const gm_graph *g);
size_t    rs_node_bound(const gm_graph *g);
gm_status rs_node_next(gm_graph *g, gm_node *it);
gm_status rs_edge_add(gm_graph *g, gm_node src, gm_node dst, gm_edge *out);
gm_status rs_edge_remove(gm_graph *g, gm_edge e);
gm_status rs_edge_ends(gm_graph *g, gm_edge e, gm_node *src, gm_node *dst);
bool      rs_edge_live(const gm_graph *g, gm_edge e);
size_t    rs_edge_count(const gm_graph *g);
size_t    rs_edge_bound(const gm_graph *g);
gm_status rs_edge_next(gm_graph *g, gm_edge *it);
gm_status rs_out_neighbors(gm_graph *g, gm_node n, gm_neighbors *out);
gm_status rs_out_degree(gm_graph *g, gm_node n, size_t *out);
gm_status rs_in_degree(gm_graph *g, gm_node n, size_t *out);
/* Components: graph, ids, nodes, node_attrs, edges, edge_attrs, adjacency (requested bytes,
** capacity included). */
gm_status rs_memory_usage(gm_graph *g, gm_usage_fn fn, void *ud);

/* The structural slots every row-store backend shares, for its gm_backend initialiser: nodes,
** edges, adjacency. The backend adds open and the attribute slots. */
#define RS_STRUCTURE_SLOTS                                                                   \
    .close = rs_close, .node_add = rs_node_add, .node_find = rs_node_find,                  \
    .node_id = rs_node_id, .node_remove = rs_node_remove, .node_live = rs_node_live,        \
    .node_count = rs_node_count, .node_bound = rs_node_bound, .node_next = rs_node_next,    \
    .edge_add = rs_edge_add, .edge_remove = rs_edge_remove, .edge_ends = rs_edge_ends,      \
    .edge_live = rs_edge_live, .edge_count = rs_edge_count, .edge_bound = rs_edge_bound,    \
    .edge_next = rs_edge_next, .out_neighbors = rs_out_neighbors,                           \
    .out_degree = rs_out_degree, .in_degree = rs_in_degree

#endif /* GM_ROWSTORE_H */
