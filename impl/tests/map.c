/*
** map.c: the shared string-keyed hash map (impl/src/map.h) on its own, run once: empty maps,
** the empty key, replace and add, growth and tombstones, NULL out-parameters, bad keys, the
** value-size rule and the free callback. Every backend's id index and attribute maps sit on it.
*/
#include "fixture.h"
#include "map.h"

static size_t freed_sum;
static void count_free(uintptr_t v) { freed_sum += v; }

void t_map_api(void **state)
{
    (void)state;
    size_t l0 = gm_mem_stats_get().live;
    gm_map m = GM_MAP_INIT;
    uintptr_t v = 7, old = 0;
    bool existed = true;
    size_t pos = 0;
    gm_str k;
    /* an empty map answers without a table */
    assert_false(gm_map_get(&m, "a", 1, &v));
    assert_false(gm_map_del(&m, "a", 1, &v));
    assert_false(gm_map_next(&m, &pos, &k, &v));
    assert_null(gm_map_vget(&m, "a", 1));
    /* bad keys: NULL with a length, 4 GiB or more (never read) */
    assert_int_equal(gm_map_put(&m, NULL, 1, 1, NULL, NULL), GM_EINVAL);
    assert_int_equal(gm_map_put(&m, "x", (size_t)UINT32_MAX, 1, NULL, NULL), GM_EINVAL);
    assert_int_equal(m.len, 0);
    /* the empty key is a key; NULL out-parameters are allowed */
    assert_int_equal(gm_map_put(&m, NULL, 0, 11, NULL, NULL), GM_OK);
    assert_int_equal(gm_map_put(&m, "", 0, 12, &old, &existed), GM_OK);
    assert_true(existed); assert_int_equal(old, 11);
    assert_true(gm_map_get(&m, "", 0, NULL));
    assert_true(gm_map_get(&m, "", 0, &v)); assert_int_equal(v, 12);
    assert_false(gm_map_get(&m, "x", (size_t)UINT32_MAX, &v));
    /* add: GM_EEXIST keeps the first value; stored_key is the map's copy */
    const char *stored = NULL;
    assert_int_equal(gm_map_add(&m, "key", 3, 5, &stored), GM_OK);
    assert_non_null(stored); assert_memory_equal(stored, "key", 3);
    assert_int_equal(gm_map_add(&m, "key", 3, 6, NULL), GM_EEXIST);
    assert_true(gm_map_get(&m, "key", 3, &v)); assert_int_equal(v, 5);
    /* growth past several doublings, then deletes (tombstones) and re-inserts */
    char buf[16];
    for (uintptr_t i = 0; i < 1000; i++) {
        int n = snprintf(buf, sizeof buf, "k%u", (unsigned)i);
        assert_int_equal(gm_map_put(&m, buf, (size_t)n, i, NULL, &existed), GM_OK);
        assert_false(existed);
    }
    assert_int_equal(m.len, 1002);
    for (uintptr_t i = 0; i < 1000; i += 2) {
        int n = snprintf(buf, sizeof buf, "k%u", (unsigned)i);
        assert_true(gm_map_del(&m, buf, (size_t)n, i % 4 ? &v : NULL));
        if (i % 4) assert_int_equal(v, i);
        assert_false(gm_map_get(&m, buf, (size_t)n, &v));
    }
    assert_int_equal(m.len, 502);
    size_t seen = 0; uintptr_t sum = 0;
    for (pos = 0; gm_map_next(&m, &pos, &k, &v); seen++) sum += v;
    assert_int_equal(seen, 502);
    assert_int_equal(sum, 12 + 5 + 250000);           /* "", "key", and the odd i < 1000 */
    for (pos = 0, seen = 0; gm_map_next(&m, &pos, NULL, NULL); ) seen++;
    assert_int_equal(seen, 502);
    assert_true(gm_map_bytes(&m) > 502 * 24);
    freed_sum = 0;
    gm_map_free(&m, count_free);
    assert_int_equal(freed_sum, sum);
    assert_int_equal(m.len, 0);
    gm_map_free(&m, NULL);                             /* an empty map frees again */
    /* value sizes: 0 and more than the maximum mean a uintptr_t */
    gm_map_init(&m, 0);
    assert_int_equal(m.vsize, sizeof(uintptr_t));
    gm_map_init(&m, (size_t)1 << 20);
    assert_int_equal(m.vsize, sizeof(uintptr_t));
    gm_map_init(&m, 40);
    void *slot = NULL;
    assert_int_equal(gm_map_vput(&m, "big", 3, &slot, &existed), GM_OK);
    assert_false(existed);
    memset(slot, 0xab, 40);
    assert_true(gm_map_vdel(&m, "big", 3, NULL));
    assert_false(gm_map_vdel(&m, "big", 3, NULL));
    gm_map_vfree(&m, NULL);
    assert_int_equal(gm_mem_stats_get().live, l0);
}

/* The allocator refuses a size whose header would overflow, and a failed realloc keeps the old
** block, as realloc promises. */
void t_mem_overflow(void **state)
{
    (void)state;
    size_t l0 = gm_mem_stats_get().live;
    assert_null(gm_mem_alloc(SIZE_MAX));
    char *p = gm_mem_alloc(8);
    assert_non_null(p);
    memcpy(p, "graphmem", 8);
    assert_null(gm_mem_realloc(p, SIZE_MAX));
    assert_memory_equal(p, "graphmem", 8);
    assert_int_equal(gm_mem_stats_get().live, l0 + 8);
    gm_mem_free(p);
    assert_int_equal(gm_mem_stats_get().live, l0);
}
