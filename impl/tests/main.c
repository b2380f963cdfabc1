/*
** main.c: runs the conformance suite (impl/tests/README.md).
**
** Every test in `per_backend` runs once per registered backend (gm_backend_count(): the
** library's registry is the one list of backends), in a group named conformance[BACKEND]
** whose state carries the backend's name; GM_BACKENDS=json,native restricts which ones run.
** The tests in `common` call no backend (status strings, the value API and JSON codec, the
** counting allocator and its block tracker): they run once, in the group conformance[common].
** GM_TEST=pattern (cmocka_set_test_filter: * and ? wildcards) runs only the tests whose name
** matches, e.g. GM_TEST='t_filter_*'.
*/
#include "fixture.h"

#include <fnmatch.h>

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest per_backend[] = {
    T(t_backend_registry),
    T(t_open_errors),
    T(t_errmsg_lifecycle),
    T(t_error_codes),
    T(t_views_allocate_nothing),
    T(t_views_alias_store),
    T(t_compact_narrow),
    T(t_compact_lists),
    T(t_compact_list_dict),
    T(t_compact_list_uint32),
    T(t_compact_list_fixed),
    T(t_typed_nulls),
    T(t_int_double_column),
    T(t_struct_columns),
    T(t_columns_full),
    T(t_int_constant_column),
    T(t_typed_get),
    T(t_null_args),
    T(t_values_roundtrip_nodes),
    T(t_values_roundtrip_edges),
    T(t_values_types_distinct),
    T(t_values_special_keys),
    T(t_values_rejected),
    T(t_null_vs_absent),
    T(t_values_replace_type),
    T(t_values_borrowed_copy),
    T(t_values_self_alias),
    T(t_values_borrowed_batch),
    T(t_values_borrowed_lifetime),
    T(t_node_set_json),
    T(t_nodes_ids),
    T(t_nodes_many),
    T(t_nodes_readd_growth),
    T(t_nodes_iteration),
    T(t_nodes_removed_handle),
    T(t_edges_basic),
    T(t_neighbors_degrees),
    T(t_neighbors_hub),
    T(t_topology_widths),
    T(t_node_remove_edges),
    T(t_remove_after_edge_remove),
    T(t_remove_deferred),
    T(t_node_batch_after_read),
    T(t_node_remove_all_orders),
    T(t_batch_set_nodes),
    T(t_batch_set_edges),
    T(t_add_batch),
    T(t_columns),
    T(t_columns_empty_graph),
    T(t_columns_strings_many),
    T(t_filter_numbers),
    T(t_filter_int_double_exact),
    T(t_filter_strings_bools),
    T(t_filter_typed_columns),
    T(t_filter_errors),
    T(t_filter_every_width),
    T(t_model_random),
    T(t_memory_usage),
    T(t_bytes_per_node_flat),
    T(t_leaks_full_graph),
    T(t_oom_single_calls),
    T(t_oom_sweep),
    T(t_oom_sweep_types),
    T(t_oom_sweep_lists),
    T(t_oom_sweep_objects),
};
#undef T

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_nograph, teardown)
static const struct CMUnitTest common[] = {
    T(t_strerror),
    T(t_value_api),
    T(t_json_codec),
    T(t_json_codec_oom),
    T(t_mem_allocator),
    T(t_mem_tracker),
    T(t_column_value_decoding),
    T(t_map_api),
    T(t_mem_overflow),
};
#undef T

static bool in_list(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; *p; ) {
        const char *q = strchr(p, ',');
        size_t len = q ? (size_t)(q - p) : strlen(p);
        while (len > 0 && *p == ' ') { p++; len--; }
        while (len > 0 && p[len - 1] == ' ') len--;
        if (len == n && strncmp(p, name, n) == 0) return true;
        if (!q) break;
        p = q + 1;
    }
    return false;
}

int main(void)
{
    const char *only = getenv("GM_BACKENDS");
    const char *pattern = getenv("GM_TEST");
    int failed = 0, ran = 0;
    if (pattern != NULL && pattern[0] != '\0') {
        /* a pattern that matches nothing is a typo, not a pass */
        size_t hits = 0;
        for (size_t i = 0; i < sizeof per_backend / sizeof per_backend[0]; i++)
            hits += fnmatch(pattern, per_backend[i].name, 0) == 0;
        for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
            hits += fnmatch(pattern, common[i].name, 0) == 0;
        if (hits == 0) { fprintf(stderr, "GM_TEST: no test matches '%s'\n", pattern); return 2; }
        cmocka_set_test_filter(pattern);
    }
    if (only != NULL && only[0] != '\0') {
        /* every listed name must be registered */
        char buf[256];
        snprintf(buf, sizeof buf, "%s", only);
        for (char *tok = strtok(buf, ", "); tok; tok = strtok(NULL, ", ")) {
            bool known = false;
            for (size_t i = 0; i < gm_backend_count(); i++)
                if (strcmp(tok, gm_backend_name(i)) == 0) known = true;
            if (!known) { fprintf(stderr, "GM_BACKENDS: unknown backend '%s'\n", tok); return 2; }
        }
    }
    cur_backend = NULL;
    failed += cmocka_run_group_tests_name("conformance[common]", common, group_setup, group_teardown);
    for (size_t i = 0; i < gm_backend_count(); i++) {
        const char *name = gm_backend_name(i);
        if (only != NULL && only[0] != '\0' && !in_list(only, name)) continue;
        char group[64];
        snprintf(group, sizeof group, "conformance[%s]", name);
        cur_backend = name;
        failed += cmocka_run_group_tests_name(group, per_backend, group_setup, group_teardown);
        ran++;
    }
    if (ran == 0) { fprintf(stderr, "no backend ran\n"); return 2; }
    return failed == 0 ? 0 : 1;
}

