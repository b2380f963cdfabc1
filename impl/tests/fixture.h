/*
** fixture.h: what every file of the conformance suite shares: the per-test fixture (a fresh
** graph of the backend under test, a leak check in the teardown), the assertion macros and
** the helpers (fixture.c), the helpers one area exports to another, and every test's
** declaration for main.c's tables. See impl/tests/README.md.
*/
#ifndef GM_CONFORMANCE_FIXTURE_H
#define GM_CONFORMANCE_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphmem.h"
#include "mem.h"        /* test-only: the allocator's block tracker (t_views_alias_store) */

/* ---- fixture (fixture.c) */

typedef struct fixture {
    const char *backend;   /* the backend under test (from the group state) */
    gm_graph   *g;         /* opened by the per-test setup */
    size_t      live0;     /* live bytes before the graph was opened */
    size_t      group_live0;
} fixture;

extern const char *cur_backend;   /* set by main() before each group; NULL: the backend-free group */
extern fixture     the_fixture;
int group_setup(void **state);
int group_teardown(void **state);
int setup(void **state);           /* opens cur_backend's graph */
int teardown(void **state);
int setup_nograph(void **state);   /* the backend-free tests: the leak check only, g is NULL */

#define FX   fixture *f = *state; gm_graph *g = f->g; (void)g

/* ---- helpers (fixture.c) */

bool veq(const gm_value *a, const gm_value *b);
const char *vfmt(const gm_value *v, char *b, size_t n);
extern int fail_line;   /* the caller's line, set by the expect_* helpers */
size_t live_now(void);
void usage_sink(void *ud, const char *component, size_t bytes);
gm_value varr(gm_value *items, size_t n);
gm_value vobj(gm_str *keys, gm_value *vals, size_t n);
gm_str S(const char *s);
bool bit_at(const uint8_t *bits, size_t i);
gm_node add_node(gm_graph *g, const char *id);
gm_edge add_edge(gm_graph *g, gm_node a, gm_node b);
void expect_node_val_(gm_graph *g, gm_node n, const char *key, const gm_value *want, int line);
void expect_edge_val_(gm_graph *g, gm_edge e, const char *key, const gm_value *want, int line);
void expect_node_absent_(gm_graph *g, gm_node n, const char *key, int line);
void expect_edge_absent_(gm_graph *g, gm_edge e, const char *key, int line);
size_t iter_nodes(gm_graph *g, gm_node *out, size_t cap);
size_t iter_edges(gm_graph *g, gm_edge *out, size_t cap);
void expect_handles(const uint32_t *got, size_t ngot, const uint32_t *want, size_t nwant,
                    const char *what, int line);
/* The sample values every attribute path must round-trip; built once (build_samples). */
extern gm_value sample_vals[64];
extern size_t nsample;
void build_samples(void);

/* ---- exported by one area to others */

gm_col_layout check_column(gm_graph *g, const char *key, int line);     /* columns.c */
bool ref_match(const gm_value *v, gm_op op, const gm_value *c);          /* filter.c */
void deg_expect(gm_graph *g, gm_node n, size_t out, size_t in, int line); /* graph.c */
#define DEG_EXPECT(g, n, o, i) deg_expect(g, n, o, i, __LINE__)

#define ASSERT_VEQ(got, want) do {                                                          \
        const gm_value *g_ = (got), *w_ = (want);                                           \
        if (!veq(g_, w_)) {                                                                 \
            char b1_[200], b2_[200];                                                        \
            print_error("%s:%d (called from line %d): value %s, expected %s\n", __FILE__,    \
                        __LINE__, fail_line, vfmt(g_, b1_, sizeof b1_), vfmt(w_, b2_, sizeof b2_)); \
            fail();                                                                         \
        }                                                                                   \
    } while (0)
/* Status check with the status names and the graph's message in the failure output. */
#define EXPECT(g, expr, want) do {                                                          \
        gm_status rc_ = (expr), want_ = (want);                                             \
        if (rc_ != want_) {                                                                 \
            print_error("%s:%d (caller line %d): %s\n    returned %d (%s), expected %d (%s); errmsg: %s\n", \
                        __FILE__, __LINE__, fail_line, #expr, (int)rc_, gm_strerror(rc_),   \
                        (int)want_, gm_strerror(want_), gm_errmsg(g));                      \
            fail();                                                                         \
        }                                                                                   \
    } while (0)
#define OK(g, expr) EXPECT(g, expr, GM_OK)
/* An error: the code and a non-empty message. */
#define EXPECT_ERR(g, expr, want) do {                                                      \
        EXPECT(g, expr, want);                                                              \
        assert_non_null(gm_errmsg(g));                                                      \
        if (gm_errmsg(g)[0] == '\0') {                                                      \
            print_error("%s:%d: %s: no message for %s\n", __FILE__, __LINE__, #expr,        \
                        gm_strerror(want));                                                 \
            fail();                                                                         \
        }                                                                                   \
    } while (0)
#define ASSERT_NOMSG(g) assert_string_equal(gm_errmsg(g), "")
#define expect_node_val(g, n, key, ...) expect_node_val_(g, n, key, (__VA_ARGS__), __LINE__)
#define expect_edge_val(g, e, key, ...) expect_edge_val_(g, e, key, (__VA_ARGS__), __LINE__)
#define expect_node_absent(g, n, key) expect_node_absent_(g, n, key, __LINE__)
#define expect_edge_absent(g, e, key) expect_edge_absent_(g, e, key, __LINE__)
#define EXPECT_HANDLES(got, ngot, want, nwant, what) expect_handles(got, ngot, want, nwant, what, __LINE__)
#define CHECK_COLUMN(g, key) check_column(g, key, __LINE__)


/* ---- the tests, by file (main.c runs them) */

/* errors.c */
void t_backend_registry(void **state);
void t_open_errors(void **state);
void t_strerror(void **state);
void t_errmsg_lifecycle(void **state);
void t_typed_get(void **state);
void t_error_codes(void **state);
void t_null_args(void **state);
/* values.c */
void t_values_roundtrip_nodes(void **state);
void t_values_roundtrip_edges(void **state);
void t_values_types_distinct(void **state);
void t_values_special_keys(void **state);
void t_values_rejected(void **state);
void t_null_vs_absent(void **state);
void t_values_replace_type(void **state);
void t_values_borrowed_copy(void **state);
void t_values_self_alias(void **state);
void t_values_borrowed_batch(void **state);
void t_values_borrowed_lifetime(void **state);
/* codec.c */
void t_value_api(void **state);
void t_json_codec(void **state);
void t_json_codec_oom(void **state);
void t_node_set_json(void **state);
/* graph.c */
void t_nodes_ids(void **state);
void t_nodes_many(void **state);
void t_nodes_readd_growth(void **state);
void t_compact_narrow(void **state);
void t_compact_lists(void **state);
void t_compact_list_dict(void **state);
void t_compact_list_uint32(void **state);
void t_compact_list_fixed(void **state);
void t_typed_nulls(void **state);
void t_int_double_column(void **state);
void t_struct_columns(void **state);
void t_columns_full(void **state);
void t_int_constant_column(void **state);
void t_oom_sweep_objects(void **state);
void t_nodes_iteration(void **state);
void t_nodes_removed_handle(void **state);
void t_edges_basic(void **state);
void t_neighbors_degrees(void **state);
void t_neighbors_hub(void **state);
void t_topology_widths(void **state);
void t_node_remove_edges(void **state);
void t_remove_after_edge_remove(void **state);
void t_remove_deferred(void **state);
void t_node_batch_after_read(void **state);
void t_node_remove_all_orders(void **state);
/* batch.c */
void t_batch_set_nodes(void **state);
void t_batch_set_edges(void **state);
void t_add_batch(void **state);
/* columns.c */
void t_columns(void **state);
void t_columns_empty_graph(void **state);
void t_columns_strings_many(void **state);
void t_views_allocate_nothing(void **state);
void t_views_alias_store(void **state);
/* filter.c */
void t_filter_numbers(void **state);
void t_filter_int_double_exact(void **state);
void t_filter_strings_bools(void **state);
void t_filter_typed_columns(void **state);
void t_filter_errors(void **state);
void t_filter_every_width(void **state);
void t_column_value_decoding(void **state);
void t_map_api(void **state);
void t_mem_overflow(void **state);
/* model.c */
void t_model_random(void **state);
/* memory.c */
void t_bytes_per_node_flat(void **state);
void t_memory_usage(void **state);
void t_mem_allocator(void **state);
void t_mem_tracker(void **state);
void t_leaks_full_graph(void **state);
/* oom.c */
void t_oom_sweep_types(void **state);
void t_oom_sweep_lists(void **state);
void t_oom_sweep(void **state);
void t_oom_single_calls(void **state);

#endif
