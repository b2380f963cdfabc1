/*
** gmh.h: helpers shared by the C drivers (gmbench, peer_igraph_c, raw_floor).
**
** Every driver follows harness/PROTOCOL.md: parse the command line, load the plan and the scenario
** records BEFORE anything is measured, run the operations, print one CSV row per measured value.
**
** Values, their JSON text and the filter rules are the library's (impl/src/value.h, jsoncodec.h),
** run on plain malloc through its allocator seam (gm_plain_alloc): the records the drivers hold are
** never counted as a store's, and every driver (ours, igraph's C peer, the raw floor) reads the
** same records and matches predicates with the very code our backends use. The drivers link
** libgraphmem.a for that; peer_igraph_c and raw_floor call no gm_open/gm_* graph function.
**
** Allocation: everything here uses plain malloc/free, never the counting allocator. The JSON codec
** sets cJSON's process-global hooks to trampolines that follow the allocator of each call, so the
** load may happen before or after gm_open(); the drivers still load everything before measuring.
*/
#ifndef GMH_H
#define GMH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "graphmem.h"
#include "value.h"
#include <valgrind/callgrind.h>

/* ---------------------------------------------------------------- command line */

typedef struct gmh_args {
    const char *scenario;   /* directory with nodes.jsonl and edges.jsonl */
    const char *plan;       /* PLAN.json */
    const char *system;     /* e.g. "json" */
    int reps;               /* >= 1 */
} gmh_args;

/* Parse --scenario DIR --plan FILE --system NAME --reps N (all required; "--x=v" accepted too).
** On error prints a usage line naming `prog` on stderr and returns -1. */
int gmh_parse_args(int argc, char **argv, gmh_args *a);

/* ---------------------------------------------------------------- records */

/* One attribute of a record. `key` points into the data's interned key table (gmh_data.keys):
** equal keys are equal pointers. `val` and its payloads are malloc'd and owned by the data. */
typedef struct gmh_attr { const char *key; gm_value val; } gmh_attr;

typedef struct gmh_node {
    char    *id;            /* malloc'd, NUL-terminated (ids never hold NUL: \u0000 is rejected) */
    size_t   idlen;
    gmh_attr *attrs;        /* nattrs entries in file order */
    size_t   nattrs;
} gmh_node;

typedef struct gmh_edge {
    uint32_t src, dst;      /* indexes into gmh_data.nodes */
    gmh_attr *attrs;
    size_t   nattrs;
} gmh_edge;

typedef struct gmh_data {
    gmh_node *nodes; size_t nnodes;
    gmh_edge *edges; size_t nedges;
    /* Interned attribute keys, first-seen order, separately for nodes and edges (a key used on both
    ** appears in both lists, as the same pointer). */
    const char **node_keys; size_t nnode_keys;
    const char **edge_keys; size_t nedge_keys;
    /* private: key intern table and id -> node index table */
    char   **keys; size_t nkeys, keycap;
    uint32_t *idx; size_t idxcap;        /* open addressing, slot = node index + 1, 0 = empty */
} gmh_data;

/* Load DIR/nodes.jsonl and DIR/edges.jsonl. Strict: every line must be one JSON object
** {"id": string, "attrs": object} / {"src": string, "dst": string, "attrs": object} ("attrs" may be
** omitted, no other field is allowed; ids are non-empty); blank lines, invalid UTF-8, truncated or invalid JSON, wrong types,
** duplicate node ids, edges naming an unknown node, "\u0000" in a string, numbers out of double
** range and a nodes.jsonl without records are errors. edges.jsonl may be empty (no edges). A number
** token without '.', 'e' or 'E' that fits int64 becomes GM_INT, any other GM_DOUBLE (the library's
** codec, gm_json_parse_a on plain malloc, parses every line). On error writes "FILE:LINE: reason" to err and returns -1 (d is left
** empty). A generated scenario (DIR/params.json) is read from, and after a parse written to, the
** parsed-records cache DIR/.gmh-records.bin when it matches the files (gmh_cache.h). */
int gmh_data_load(const char *dir, gmh_data *d, char *err, size_t errlen);
void gmh_data_free(gmh_data *d);
/* (Re)build the id -> node index table of d's nodes (gmh_cache.c fills the records itself).
** 0, or -1 on a duplicate id or out of memory. */
int gmh_data_index(gmh_data *d);
/* Index of the node with id `id`, or -1. */
long gmh_data_find(const gmh_data *d, const char *id, size_t len);
/* The value of attribute `key` (any string) of a record, or NULL. */
const gm_value *gmh_attr_get(const gmh_attr *attrs, size_t n, const char *key);
/* The same for a key taken from gmh_data.node_keys/edge_keys: pointer comparison only. */
static inline const gm_value *gmh_attr_get_k(const gmh_attr *attrs, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++) if (attrs[i].key == key) return &attrs[i].val;
    return NULL;
}

/* ---------------------------------------------------------------- plan */

typedef struct gmh_pred { char *key; gm_op op; gm_value value; } gmh_pred;

typedef struct gmh_plan {
    char     *numeric_attr;
    gmh_pred *filter; size_t nfilter;
    char    **remove; size_t nremove;      /* node ids, NUL-terminated */
    gm_value  offset;                      /* set_value_offset: GM_INT or GM_DOUBLE */
} gmh_plan;

/* Load PLAN.json (unknown fields are ignored, so the orchestrator may record more). */
int gmh_plan_load(const char *path, gmh_plan *p, char *err, size_t errlen);
void gmh_plan_free(gmh_plan *p);
/* Fill gm_pred[] from the plan (borrowing its keys and values); preds has nfilter entries. */
void gmh_plan_preds(const gmh_plan *p, gm_pred *preds);

/* ---------------------------------------------------------------- values */

/* Frees a record's value tree (gm_value_free_a on gm_plain_alloc). Predicates: gm_pred_match
** (value.h), the library's own. */
void gmh_value_free(gm_value *v);
/* Compact JSON of v by the library's codec, malloc'd (free()), NUL-terminated; NULL on failure. */
char *gmh_value_json(const gm_value *v, size_t *len);

/* Sum of a numeric attribute, printed so that every system agrees: an integer when only ints were
** added, otherwise a decimal. Non-integral or huge doubles go to dsum. */
typedef struct gmh_sum { int64_t isum; double dsum; bool has_double; } gmh_sum;
void gmh_sum_add(gmh_sum *s, const gm_value *v);       /* ignores non-numeric values */
void gmh_sum_add_number(gmh_sum *s, double d);         /* for peers that keep ints as doubles */

/* neighbors checksum: the sum over visited out-edges of the target's position in nodes.jsonl
** (= its dense handle / vertex index in every C driver), so a walk that skips reading targets
** cannot produce it (PROTOCOL.md). */

/* ---------------------------------------------------------------- callgrind */

/* Around the measured window of repetition 0 of every timed operation, outside any per-item
** loop: under `valgrind --tool=callgrind --instr-atstart=no` each operation dumps one profile,
** "op:<op>", holding only its own instructions. Outside valgrind each is a few no-op
** instructions (valgrind client requests); the dump's name is formatted only under valgrind. */
#define GMH_CG_BEGIN() CALLGRIND_START_INSTRUMENTATION
#define GMH_CG_END(op) do { CALLGRIND_STOP_INSTRUMENTATION; gmh_cg_dump(op); } while (0)
void gmh_cg_dump(const char *op);      /* CALLGRIND_DUMP_STATS_AT("op:<op>") under valgrind */

/* ---------------------------------------------------------------- time */

uint64_t gmh_now_ns(void);                             /* CLOCK_MONOTONIC */
/* best and median of n samples (sorts ns in place; median of an even count is the mean of the two
** middle samples, rounded down). */
void gmh_best_median(uint64_t *ns, size_t n, uint64_t *best, uint64_t *median);

/* ---------------------------------------------------------------- memory */

/* glibc heap in use: malloc_trim(0), then mallinfo2() uordblks + hblkhd. */
size_t gmh_mallinfo_bytes(void);
/* A field of /proc/self/status ("VmRSS", "VmHWM") in bytes; 0 if unreadable. No stdio, no malloc. */
size_t gmh_proc_status(const char *field);
/* Reset VmHWM to the current RSS (writes "5" to /proc/self/clear_refs). 0 on success. */
int gmh_hwm_reset(void);
/* jemalloc stats.allocated / stats.resident after refreshing "epoch". 0 on success, ENOENT when
** mallctl is not in the process (plain glibc). */
int gmh_jemalloc_read(size_t *allocated, size_t *resident);
bool gmh_jemalloc_present(void);

/* A snapshot of every process-level memory figure, taken around a measured step. */
typedef struct gmh_memsnap {
    size_t mallinfo, rss, je_alloc, je_res;
    bool   je;
} gmh_memsnap;
/* Before: mallinfo (after trim), RSS, jemalloc; then resets VmHWM. */
void gmh_memsnap_before(gmh_memsnap *s);
/* After: RSS and VmHWM first (the trim inside the mallinfo sample would lower RSS), then jemalloc,
** then mallinfo. Prints mallinfo_bytes (glibc only), rss_delta_bytes, hwm_bytes and the jemalloc
** rows for `op`. */
void gmh_memsnap_after_print(const char *op, const gmh_memsnap *before);

/* ---------------------------------------------------------------- output */

/* stdout gets a static buffer so that printing never allocates inside a measured window. */
void gmh_output_init(void);
void gmh_row_u(const char *op, const char *metric, uint64_t v, const char *unit, const char *stat);
void gmh_row_i(const char *op, const char *metric, int64_t v, const char *unit, const char *stat);
void gmh_row_f(const char *op, const char *metric, double v, const char *unit, const char *stat);
void gmh_row_sum(const char *op, const gmh_sum *s);     /* checksum,value,exact */
void gmh_info(const char *key, const char *value);      /* info,KEY,VALUE,, (CSV-quoted if needed) */
void gmh_infof(const char *key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* time_ns best/median, ns_per_item best/median, items: from n per-rep samples (sorted in place). */
void gmh_rows_time(const char *op, uint64_t *ns, size_t n, uint64_t items);

/* Self-checks (PROTOCOL.md, "Wrong answers"): a driver that knows the right answer from the
** records compares; on a difference it says "PROG: wrong answer: OP checksum GOT, the records give
** WANT" on stderr, keeps printing its rows, and gmh_exit_status() turns 0 into GMH_EXIT_WRONG. */
#define GMH_EXIT_WRONG 4
void gmh_check_u(const char *op, uint64_t got, uint64_t want);
void gmh_check_sum(const char *op, const gmh_sum *got, const gmh_sum *want);
int gmh_exit_status(int status);

/* Print "PROG: message" on stderr and exit(code). */
void gmh_die(int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3), noreturn))
#endif
    ;

#endif /* GMH_H */
