/*
** graphmem.h: the whole public interface of graphmem.
**
** One graph-store interface, one backend per phase of a memory redesign, picked by name at run
** time: gm_open("json" | "native" | "columnar" | "zerocopy", ...). The harness, the tests and the
** Python binding talk only to this header.
**
** Conventions that hold for every function below unless its comment says otherwise:
**  - Every call returns a gm_status. GM_OK, GM_ABSENT and GM_END are not errors; every other code
**    is, and leaves a readable message in gm_errmsg(g). No call aborts, prints or exits.
**  - On an error the store is left unchanged and usable (batch calls: see there).
**  - Nodes and edges are named by dense handles (gm_node, gm_edge) handed out in insertion order,
**    starting at 0. A handle stays valid until its node/edge is removed; handles of removed items
**    are never reused during the graph's life. Callers find a node's handle from its string id with
**    gm_node_find().
**  - Pointers passed IN are borrowed for the duration of the call only: the store copies what it
**    keeps. Pointers handed OUT are either BORROWED (owned by the graph, with the lifetime stated)
**    or OWNED by the caller (with the function that frees them named).
**  - Every byte the library and its backends allocate goes through the counting allocator
**    (gm_mem_*), so gm_mem_stats_get() is the exact heap held by graphs and by caller-owned
**    results. gm_open() points cJSON's global allocation hooks at gm_mem_* (cJSON_InitHooks), which
**    affects any other user of cJSON in the same process.
**  - Not thread-safe: the counting allocator's counters and its fault injection are unlocked
**    process-wide globals, so graphs must be used from one thread at a time.
*/
#ifndef GRAPHMEM_H
#define GRAPHMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version; the shared library's soname carries the major (libgraphmem.so.0). */
#define GM_VERSION "0.2.0"

/* ---------------------------------------------------------------- status codes */

typedef enum gm_status {
    GM_OK = 0,
    GM_ABSENT,      /* not an error: the attribute is not set on that node/edge */
    GM_END,         /* not an error: an iteration has no more items */
    GM_ENOMEM,      /* an allocation failed; the store is unchanged */
    GM_EINVAL,      /* invalid argument (NULL pointer, unknown backend, NaN, NUL in a string, ...) */
    GM_ENOTFOUND,   /* unknown node or edge (id or handle) */
    GM_ETYPE,       /* a value of the wrong type for the operation */
    GM_EJSON,       /* text that is not valid JSON */
    GM_EEXIST       /* a node with that id already exists */
} gm_status;

/* Static text naming the code, e.g. "out of memory". Never NULL, never freed. */
const char *gm_strerror(gm_status s);

/* ---------------------------------------------------------------- values */

typedef uint32_t gm_node;   /* node handle: see the conventions above */
typedef uint32_t gm_edge;   /* edge handle: same rules, separate numbering */
#define GM_NONE UINT32_MAX  /* "no handle": starts an iteration, never a valid handle */

typedef enum gm_type {
    GM_NULL = 0, GM_BOOL, GM_INT, GM_DOUBLE, GM_STRING, GM_ARRAY, GM_OBJECT
} gm_type;

/* A byte string: `len` bytes at `ptr`, not necessarily NUL-terminated. Stored strings may hold
** any bytes except NUL (JSON, the phase-0 representation, cannot carry NUL through cJSON); a
** string value containing NUL is rejected with GM_EINVAL by every backend. UTF-8 is not checked. */
typedef struct gm_str { const char *ptr; size_t len; } gm_str;

typedef struct gm_value gm_value;
typedef struct gm_array  { gm_value *items; size_t len; } gm_array;
/* Object members in order. Keys are not required to be unique; order and duplicates round-trip. */
typedef struct gm_object { gm_str *keys; gm_value *vals; size_t len; } gm_object;

/* A typed value (the plan's AttributeValue; cf. Lua's TValue).
**  - int is int64 and round-trips exactly, INT64_MIN and INT64_MAX included, in every backend.
**  - double round-trips exactly (bit for bit, -0.0 included). NaN and +-Inf are rejected with
**    GM_EINVAL by every backend, because JSON (phase 0) cannot represent them.
**  - int and double are distinct types: 1 and 1.0 are stored and read back as what they were. */
struct gm_value {
    gm_type type;
    union {
        bool      b;
        int64_t   i;
        double    d;
        gm_str    s;
        gm_array  a;
        gm_object o;
    } as;
};

static inline gm_value gm_null(void)          { gm_value v; v.type = GM_NULL; v.as.i = 0; return v; }
static inline gm_value gm_bool(bool b)        { gm_value v; v.type = GM_BOOL; v.as.b = b; return v; }
static inline gm_value gm_int(int64_t i)      { gm_value v; v.type = GM_INT; v.as.i = i; return v; }
static inline gm_value gm_double(double d)    { gm_value v; v.type = GM_DOUBLE; v.as.d = d; return v; }
static inline gm_value gm_strn(const char *p, size_t n)
{ gm_value v; v.type = GM_STRING; v.as.s.ptr = p; v.as.s.len = n; return v; }
gm_value gm_cstr(const char *s);   /* gm_strn(s, strlen(s)): the value BORROWS s */

/* Deep copy `src` into `*dst`; the copy is OWNED by the caller, free it with gm_value_free().
** GM_ENOMEM leaves *dst as GM_NULL. GM_EINVAL for NaN/Inf/NUL-in-string anywhere inside. */
gm_status gm_value_copy(gm_value *dst, const gm_value *src);
/* Frees what gm_value_copy() or gm_value_from_json() allocated and sets *v to null. NULL-safe.
** Never call it on a value borrowed from a graph. */
void gm_value_free(gm_value *v);
/* Structural equality: same type and same contents (doubles compared bitwise, so -0.0 != 0.0). */
bool gm_value_equal(const gm_value *a, const gm_value *b);
/* Check a value the way every set call does: GM_EINVAL for NaN/Inf, NUL in a string or key, or a
** NULL pointer with a non-zero length; GM_OK otherwise. */
gm_status gm_value_check(const gm_value *v);

/* Parse JSON text (`len` bytes) into an OWNED value (free with gm_value_free()). A number without
** fraction or exponent that fits int64 becomes GM_INT, any other number GM_DOUBLE. GM_EJSON for
** invalid JSON (with a message in `err` if it is non-NULL: `errlen` bytes, always terminated),
** GM_EINVAL for a string holding "\u0000" or a number too large for a double (1e999). On any
** error *out is GM_NULL and owns nothing. */
gm_status gm_value_from_json(const char *text, size_t len, gm_value *out, char *err, size_t errlen);
/* Serialize to compact JSON: an OWNED NUL-terminated string, free it with gm_mem_free(). Doubles
** always carry a '.' or an exponent, so gm_value_from_json() gives back the same types. */
gm_status gm_value_to_json(const gm_value *v, char **out);

/* ---------------------------------------------------------------- graphs */

typedef struct gm_graph gm_graph;

/* Number of registered backends and the name of the i-th (static text), in phase order:
** "json", "native", ... gm_backend_name() returns NULL when i is out of range. */
size_t      gm_backend_count(void);
const char *gm_backend_name(size_t i);

/* Open an empty graph on the backend named `backend`. On GM_OK, *out is an OWNED graph: close it
** with gm_close(). On error *out is NULL and, if `err` is non-NULL, `errlen` bytes of message are
** written there (always terminated); an unknown name gives GM_EINVAL and a message listing the
** known names. */
gm_status gm_open(const char *backend, gm_graph **out, char *err, size_t errlen);
/* Free the graph and everything it owns; borrowed pointers from it die. NULL-safe. */
void gm_close(gm_graph *g);
/* The backend's name (static text). */
const char *gm_graph_backend(const gm_graph *g);
/* Message of the last error on g, or "" if the last call that returns a gm_status succeeded
** (gm_node_count/bound, gm_edge_count/bound and gm_column_release leave it as it was). BORROWED:
** owned by g, valid until the next gm_* call on g. Never NULL (NULL g gives a static text). */
const char *gm_errmsg(const gm_graph *g);

/* ---------------------------------------------------------------- nodes */

/* Add a node with string id `id` (`len` bytes, any bytes, any length, empty included; the store
** copies it). *out (if non-NULL) receives its handle. GM_EEXIST if the id exists (then *out is the
** existing node's handle and nothing changes). */
gm_status gm_node_add(gm_graph *g, const char *id, size_t len, gm_node *out);
/* Handle of the node with string id `id`; GM_ENOTFOUND if there is none. */
gm_status gm_node_find(gm_graph *g, const char *id, size_t len, gm_node *out);
/* The node's string id, BORROWED: valid until the next call on g that adds or removes a node,
** or gm_close() (columnar backends keep every id in one growing arena, which may move). */
gm_status gm_node_id(gm_graph *g, gm_node n, gm_str *out);
/* Remove a node, its attributes and every edge into or out of it. */
gm_status gm_node_remove(gm_graph *g, gm_node n);
/* Number of live nodes. */
size_t gm_node_count(const gm_graph *g);
/* One past the largest node handle ever handed out (removed ones included): arrays indexed by
** gm_node, such as a column view, have this length. */
size_t gm_node_bound(const gm_graph *g);
/* Iterate live nodes in increasing handle order (= insertion order):
**     gm_node n = GM_NONE;
**     while (gm_node_next(g, &n) == GM_OK) { ... }
** GM_END after the last one. Removing the current node inside the loop is allowed. */
gm_status gm_node_next(gm_graph *g, gm_node *it);

/* ---------------------------------------------------------------- edges */

/* Add a directed edge src -> dst. Parallel edges (several between the same pair) and self-loops
** (src == dst) are allowed; each edge gets its own handle. GM_ENOTFOUND for an unknown node. */
gm_status gm_edge_add(gm_graph *g, gm_node src, gm_node dst, gm_edge *out);
gm_status gm_edge_remove(gm_graph *g, gm_edge e);
gm_status gm_edge_ends(gm_graph *g, gm_edge e, gm_node *src, gm_node *dst);
size_t    gm_edge_count(const gm_graph *g);
size_t    gm_edge_bound(const gm_graph *g);
/* Iterate live edges in increasing handle order, as gm_node_next(). */
gm_status gm_edge_next(gm_graph *g, gm_edge *it);

/* Out-neighbours of n: len pairs (nodes[i], edges[i]), one per out-edge (so a parallel edge
** repeats its target and a self-loop lists n itself), in increasing edge-handle order.
** BORROWED: the arrays belong to g (they may alias its storage or be a scratch copy) and are
** valid until the next call on g that adds or removes a node or an edge, the next
** gm_out_neighbors() call, or gm_close(). Do not write through or free them. */
typedef struct gm_neighbors { const gm_node *nodes; const gm_edge *edges; size_t len; } gm_neighbors;
gm_status gm_out_neighbors(gm_graph *g, gm_node n, gm_neighbors *out);
/* Out- and in-degree, counting every parallel edge; a self-loop counts once in each. */
gm_status gm_out_degree(gm_graph *g, gm_node n, size_t *out);
gm_status gm_in_degree(gm_graph *g, gm_node n, size_t *out);

/* ---------------------------------------------------------------- attributes */

/* Set attribute `key` (NUL-terminated, non-empty, any other bytes) of node n / edge e to a deep
** copy of *v, replacing any previous value. The caller keeps *v. */
gm_status gm_node_set(gm_graph *g, gm_node n, const char *key, const gm_value *v);
gm_status gm_edge_set(gm_graph *g, gm_edge e, const char *key, const gm_value *v);
/* Same, from JSON text (`len` bytes): GM_EJSON if it is not valid JSON. */
gm_status gm_node_set_json(gm_graph *g, gm_node n, const char *key, const char *json, size_t len);

/* Read attribute `key`. GM_ABSENT (not an error, no message) if it is not set; a stored null
** reads as GM_OK with type GM_NULL. Payloads of *out (strings, arrays, objects) are BORROWED from
** g: valid until the next gm_node_get/gm_edge_get/gm_node_get_int/gm_node_get_double or mutating
** call on g, or gm_close(). Keep a value longer with gm_value_copy(). */
gm_status gm_node_get(gm_graph *g, gm_node n, const char *key, gm_value *out);
gm_status gm_edge_get(gm_graph *g, gm_edge e, const char *key, gm_value *out);
/* Typed reads, for callers that know the column's type (the harness, the Python binding): the
** value of `key` in *out, GM_ABSENT if it is not set, GM_ETYPE (with a message naming the stored
** type) if it is set but not of that type. No conversion: an int is not read as a double. */
gm_status gm_node_get_int(gm_graph *g, gm_node n, const char *key, int64_t *out);
gm_status gm_node_get_double(gm_graph *g, gm_node n, const char *key, double *out);

/* Remove attribute `key`; GM_ABSENT if it was not set. GM_ENOMEM (nothing changed) where the
** store must allocate to record an absence: compact, in a node column that held a value on
** every node and kept no validity bitmap of its own (backends/compact/compact.h, "validity"). */
gm_status gm_node_unset(gm_graph *g, gm_node n, const char *key);
gm_status gm_edge_unset(gm_graph *g, gm_edge e, const char *key);

/* Batch set: attribute `key` of nodes[i] (or edges[i]) := vals[i] for i < count, in one call.
** Every handle and value is checked before anything is stored, so a bad argument changes nothing.
** On GM_ENOMEM a prefix of the batch may have been applied; the store stays consistent. */
gm_status gm_node_set_batch(gm_graph *g, const char *key, const gm_node *nodes,
                            const gm_value *vals, size_t count);
gm_status gm_edge_set_batch(gm_graph *g, const char *key, const gm_edge *edges,
                            const gm_value *vals, size_t count);

/* ---------------------------------------------------------------- column views */

/* How a column's values are laid out. */
typedef enum gm_col_layout {
    GM_COL_EMPTY = 0, /* no live node has the attribute: only `valid` (all zero) is set */
    GM_COL_I64,       /* i64[len]                                                */
    GM_COL_F64,       /* f64[len]                                                */
    GM_COL_BOOL,      /* bits: bit i of bits[i/8] (LSB first) is node i's value  */
    GM_COL_STR,       /* node i's string is bytes[offsets[i] .. offsets[i+1])    */
    GM_COL_DICT,      /* node i's string is dict[codes[i]] (codes are uint32)    */
    GM_COL_VALUES,    /* values[len]: tagged values (mixed types, arrays, objects) */
    /* narrow layouts (the `compact` backend); `packed` holds len entries of `width` bytes each */
    GM_COL_INT,       /* node i's int is packed[i] as int8/int16/int32 (width 1, 2, 4); an int
                      ** column stored at 8 bytes is GM_COL_I64                             */
    GM_COL_DICT_N,    /* node i's string is dict[packed[i]], codes uint8/uint16 (width 1, 2);
                      ** 4-byte codes are GM_COL_DICT                                         */
    GM_COL_STR_N      /* node i's string is bytes[packed[i] .. packed[i+1]), uint32 offsets
                      ** (width 4, len + 1 entries); 8-byte offsets are GM_COL_STR            */
} gm_col_layout;

/* One attribute for every node handle 0 .. len-1 (len = gm_node_bound()). Bit i of valid[i/8]
** (LSB first) is set iff node i is live and has the attribute; entries whose bit is clear hold
** unspecified data. A column of ints and nulls, say, is not typed: GM_COL_VALUES.
** BORROWED: owned by g. `aliased` is true when the arrays point into the store itself (zero copy)
** and false when g materialised a copy for this view. Either way it is valid until
** gm_column_release(), the next mutating call on g, or gm_close(), whichever comes first. A view
** that died through a mutation must still be given to gm_column_release() (a materialised copy is
** freed only there); a failed gm_node_column() leaves *out zeroed and needs no release. */
typedef struct gm_column {
    gm_col_layout  layout;
    size_t         len;
    const uint8_t *valid;
    const int64_t *i64;
    const double  *f64;
    const uint8_t *bits;
    const uint64_t *offsets;   /* GM_COL_STR: len + 1 entries */
    const char     *bytes;     /* GM_COL_STR, GM_COL_STR_N */
    const uint32_t *codes;     /* GM_COL_DICT */
    const gm_str   *dict;      /* GM_COL_DICT: ndict distinct strings */
    size_t          ndict;
    const gm_value *values;    /* GM_COL_VALUES: payloads BORROWED as the column */
    bool            aliased;
    void           *priv;      /* the backend's; do not touch */
    const void     *packed;    /* GM_COL_INT / GM_COL_DICT_N: len entries of `width` bytes;
                               ** GM_COL_STR_N: len + 1 offsets into `bytes` */
    unsigned        width;     /* GM_COL_INT: 1, 2 or 4; GM_COL_DICT_N: 1 or 2; GM_COL_STR_N: 4 */
} gm_column;

gm_status gm_node_column(gm_graph *g, const char *key, gm_column *out);
/* Give back what gm_node_column() materialised; the view dies. NULL-safe; releasing an aliased
** view costs nothing. */
void gm_column_release(gm_graph *g, gm_column *col);
/* Node i's value from any layout; payloads borrowed as the column. GM_ABSENT if bit i is clear. */
gm_status gm_column_value(const gm_column *col, size_t i, gm_value *out);

/* ---------------------------------------------------------------- filter */

typedef enum gm_op { GM_EQ, GM_NE, GM_LT, GM_LE, GM_GT, GM_GE } gm_op;

/* `key op value`. The constant must be a scalar (null, bool, int, double, string): GM_EINVAL
** otherwise. Semantics, identical in every backend:
**  - a node without the attribute satisfies no predicate (not even !=);
**  - int and double compare as numbers with each other; strings compare bytewise (memcmp, then
**    length); bools compare false < true; null equals only null;
**  - values of incomparable types are unequal: == is false, != is true, <, <=, >, >= are false;
**  - arrays and objects satisfy only != against a scalar. */
typedef struct gm_pred { const char *key; gm_op op; gm_value value; } gm_pred;

/* Caller-owned growable list of handles (igraph's result convention): zero it before first use,
** the callee resizes it through the counting allocator, free it with gm_list_free(). */
typedef struct gm_list { uint32_t *items; size_t len, cap; } gm_list;
void gm_list_free(gm_list *l);
/* Make room for at least n items (len unchanged; never shrinks), through the counting allocator.
** A caller that reserves once and reuses the list makes later calls allocation-free. GM_ENOMEM
** leaves the list as it was. */
gm_status gm_list_reserve(gm_list *l, size_t n);

/* Nodes satisfying every predicate (a conjunction; npreds == 0 matches every live node), in
** increasing handle order, written to `out` (its previous contents are replaced). On an error
** out->len is 0 and out->items may still hold memory: gm_list_free() it as usual. */
gm_status gm_filter(gm_graph *g, const gm_pred *preds, size_t npreds, gm_list *out);

/* ---------------------------------------------------------------- batch building (version 2) */

/* Add count nodes with ids ids[i] in one call; they get consecutive handles, the first in *first
** (if non-NULL). The columnar backends size their arrays once; others loop. Ids are checked first:
** a duplicate (with an existing node or within the batch) gives GM_EEXIST and adds nothing. On
** GM_ENOMEM the first *added nodes (if `added` is non-NULL) were added and the rest were not. */
gm_status gm_node_add_batch(gm_graph *g, const gm_str *ids, size_t count, gm_node *first,
                            size_t *added);
/* Add count edges src[i] -> dst[i]; consecutive handles from *first. Unknown nodes are checked
** first (GM_ENOTFOUND, nothing added); on GM_ENOMEM the first *added edges were added. */
gm_status gm_edge_add_batch(gm_graph *g, const gm_node *src, const gm_node *dst, size_t count,
                            gm_edge *first, size_t *added);

/* ---------------------------------------------------------------- memory accounting */

/* Where a graph's bytes go, as the backend accounts for them (requested bytes). Callback per
** component, e.g. ("ids", 108890); `component` is BORROWED for the duration of the callback only.
** GM_EINVAL if the backend does not break its bytes down. */
typedef void (*gm_usage_fn)(void *ud, const char *component, size_t bytes);
gm_status gm_memory_usage(gm_graph *g, gm_usage_fn fn, void *ud);

/* The counting allocator (process-global). Sizes are requested bytes, not the allocator's. */
typedef struct gm_mem_stats {
    size_t   live;     /* bytes allocated and not yet freed                    */
    size_t   peak;     /* high-water mark of live since start or gm_mem_reset_peak() */
    uint64_t nalloc;   /* number of successful allocations (realloc counts one) */
    uint64_t total;    /* cumulative bytes allocated                           */
    size_t   blocks;   /* blocks allocated and not yet freed                   */
} gm_mem_stats;

gm_mem_stats gm_mem_stats_get(void);
/* peak := live. */
void gm_mem_reset_peak(void);
/* Fault injection: after `n` more successful allocations, every allocation fails (returns NULL)
** until gm_mem_fail_after(-1) turns it off. n = 0 fails the very next one. */
void gm_mem_fail_after(long n);
/* The allocator itself, for caller-owned results and for libraries pointed at it. */
void *gm_mem_alloc(size_t n);
void *gm_mem_realloc(void *p, size_t n);
void  gm_mem_free(void *p);

#ifdef __cplusplus
}
#endif
#endif /* GRAPHMEM_H */
