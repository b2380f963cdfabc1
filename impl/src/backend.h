/*
** backend.h (internal): the table every backend fills in, and the helpers they share.
**
** A backend is a constant gm_backend registered by name in graph.c. The public gm_* functions in
** graph.c validate every argument once (graph, key, value, handle liveness through node_live /
** edge_live) and then dispatch, so a slot may assume:
**   - g is its own graph, keys are non-NULL, non-empty and NUL-terminated;
**   - node/edge handles passed in are live (checked with node_live/edge_live first);
**   - values passed in satisfy gm_value_check() (no NaN/Inf, no NUL in strings);
**   - g->msg was cleared; a slot that fails calls gm_fail() and returns its status.
** A slot must leave the store unchanged when it returns an error (batch: see graphmem.h), must
** allocate only through gm_mem_* (cJSON is hooked to it), and must never print or abort.
** Slots are only appended; bump GM_BACKEND_VERSION when they are.
*/
#ifndef GM_BACKEND_H
#define GM_BACKEND_H

#include "graphmem.h"

#define GM_BACKEND_VERSION 2

typedef enum gm_kind { GM_KNODE = 0, GM_KEDGE = 1 } gm_kind;

typedef struct gm_backend gm_backend;

/* First member of every backend's graph struct. */
struct gm_graph {
    const gm_backend *be;
    char msg[256];          /* last error message, "" after a successful call */
};

struct gm_backend {
    int         version;    /* GM_BACKEND_VERSION */
    const char *name;       /* "json", "native", ... */
    int         phase;      /* the redesign phase it implements */

    /* Allocate an empty graph (its struct starts with struct gm_graph; be is set by the caller). */
    gm_status (*open)(gm_graph **out);
    void      (*close)(gm_graph *g);               /* frees everything; never called with NULL */

    gm_status (*node_add)(gm_graph *g, const char *id, size_t len, gm_node *out);
    gm_status (*node_find)(gm_graph *g, const char *id, size_t len, gm_node *out);
    gm_status (*node_id)(gm_graph *g, gm_node n, gm_str *out);
    gm_status (*node_remove)(gm_graph *g, gm_node n);
    bool      (*node_live)(const gm_graph *g, gm_node n);  /* any n, even >= bound */
    size_t    (*node_count)(const gm_graph *g);
    size_t    (*node_bound)(const gm_graph *g);
    gm_status (*node_next)(gm_graph *g, gm_node *it);      /* *it may be GM_NONE or a dead handle */

    gm_status (*edge_add)(gm_graph *g, gm_node src, gm_node dst, gm_edge *out);
    gm_status (*edge_remove)(gm_graph *g, gm_edge e);
    gm_status (*edge_ends)(gm_graph *g, gm_edge e, gm_node *src, gm_node *dst);
    bool      (*edge_live)(const gm_graph *g, gm_edge e);
    size_t    (*edge_count)(const gm_graph *g);
    size_t    (*edge_bound)(const gm_graph *g);
    gm_status (*edge_next)(gm_graph *g, gm_edge *it);

    gm_status (*out_neighbors)(gm_graph *g, gm_node n, gm_neighbors *out);
    gm_status (*out_degree)(gm_graph *g, gm_node n, size_t *out);
    gm_status (*in_degree)(gm_graph *g, gm_node n, size_t *out);

    /* Attributes of node or edge h (kind k). get returns GM_ABSENT without a message. */
    gm_status (*attr_set)(gm_graph *g, gm_kind k, uint32_t h, const char *key, const gm_value *v);
    gm_status (*attr_get)(gm_graph *g, gm_kind k, uint32_t h, const char *key, gm_value *out);
    gm_status (*attr_unset)(gm_graph *g, gm_kind k, uint32_t h, const char *key);
    /* All handles are live and all values checked before this is called. */
    gm_status (*attr_set_batch)(gm_graph *g, gm_kind k, const char *key, const uint32_t *hs,
                                const gm_value *vals, size_t count);

    /* *out is zeroed by the caller; column_release is called with what column filled in. */
    gm_status (*column)(gm_graph *g, const char *key, gm_column *out);
    void      (*column_release)(gm_graph *g, gm_column *col);

    /* Predicates are checked (scalar constants, valid keys); out->len is 0 on entry. */
    gm_status (*filter)(gm_graph *g, const gm_pred *preds, size_t npreds, gm_list *out);

    /* Optional (NULL: the backend does not break its bytes down). */
    gm_status (*memory_usage)(gm_graph *g, gm_usage_fn fn, void *ud);

    /* Version 2. Optional (NULL: graph.c checks ids for duplicates with a temporary set, then
    ** loops node_add / edge_add). node_add_batch must itself detect an id equal to an existing
    ** node's or to an earlier id of the batch, and then return GM_EEXIST having added nothing
    ** (graph.c only checks pointers). edge_add_batch is called with every node checked live.
    ** On GM_ENOMEM, *added says how many were added. */
    gm_status (*node_add_batch)(gm_graph *g, const gm_str *ids, size_t count, gm_node *first,
                                size_t *added);
    gm_status (*edge_add_batch)(gm_graph *g, const gm_node *src, const gm_node *dst, size_t count,
                                gm_edge *first, size_t *added);
};

/* Record an error on g: formats the message into g->msg and returns s. */
gm_status gm_fail(gm_graph *g, gm_status s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Copy count ids into one gm_mem block (the array, then the bytes), for batch calls whose ids
** may be borrowed from a store that moves them as it grows. Free with gm_mem_free(); NULL when
** out of memory (or the total length overflows). */
gm_str *gm_ids_copy(const gm_str *ids, size_t count);

/* Append x to l, growing it through gm_mem. */
gm_status gm_list_push(gm_list *l, uint32_t x);

/* ---- registered backends ---- */
extern const gm_backend gm_json_backend;
extern const gm_backend gm_native_backend;
extern const gm_backend gm_columnar_backend;
extern const gm_backend gm_zerocopy_backend;
extern const gm_backend gm_compact_backend;

/* Is an edge batch of `count` a bulk load (at least a quarter of the graph's nodes + edges
** before it)? The columnar stores sort their CSR at the end of one, O(V + E): amortised O(1) an
** edge added, and the node removals after a bulk build then pay no rebuild. */
static inline bool gm_bulk_edges(size_t count, size_t nbound, size_t ebound)
{
    return count > 0 && count >= (nbound + ebound) / 4;
}

#endif /* GM_BACKEND_H */
