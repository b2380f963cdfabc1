/*
** native.c: backend "native", phase 1 of the redesign: typed values instead of JSON text.
**
** Same row store as json (rowstore.c); each row's attributes are a gm_map key -> gm_value*, one
** gm_mem block holding the tagged union plus the blocks of its deep copy (gm_value_copy). A get
** lends the stored value itself: no parse, no allocation. No JSON anywhere.
**
** Batch set, column views and the filter are the generic loops over set/get (generic.c), as in
** phase 1, which changed the value representation and nothing else.
*/
#include <string.h>
#include "rowstore.h"
#include "value.h"

static void nat_free_val(uintptr_t v)
{
    gm_value_free((gm_value *)v);
    gm_mem_free((gm_value *)v);
}

static size_t nat_val_bytes(uintptr_t v)
{
    return sizeof(gm_value) + gm_value_payload_bytes((const gm_value *)v);
}

static const rs_valops nat_ops = { nat_free_val, nat_val_bytes, NULL };

static gm_status nat_open(gm_graph **out) { return rs_open(out, sizeof(rs_store), &nat_ops); }

static gm_status nat_attr_set(gm_graph *g, gm_kind k, uint32_t h, const char *key, const gm_value *v)
{
    uintptr_t old;
    bool existed;
    gm_status rc = GM_ENOMEM;
    gm_value *box = gm_mem_alloc(sizeof *box);
    if (box == NULL) goto fail;
    if ((rc = gm_value_copy(box, v)) != GM_OK) {    /* leaves *box GM_NULL: only the box to free */
        gm_mem_free(box);
        goto fail;
    }
    if ((rc = gm_map_put(rs_attrs(g, k, h), key, strlen(key), (uintptr_t)box, &old, &existed)) != GM_OK) {
        nat_free_val((uintptr_t)box);
        goto fail;
    }
    if (existed) nat_free_val(old);
    return GM_OK;
fail:
    return gm_fail(g, rc, "cannot set '%s' on %s %u: %s", key, k == GM_KNODE ? "node" : "edge",
                   (unsigned)h, gm_strerror(rc));
}

/* Lends the stored value: valid until the next mutation of this attribute (or its row). */
static gm_status nat_attr_get(gm_graph *g, gm_kind k, uint32_t h, const char *key, gm_value *out)
{
    uintptr_t v;
    if (!gm_map_get(rs_attrs(g, k, h), key, strlen(key), &v)) return GM_ABSENT;
    *out = *(const gm_value *)v;
    return GM_OK;
}

static gm_status nat_attr_unset(gm_graph *g, gm_kind k, uint32_t h, const char *key)
{
    uintptr_t old;
    if (!gm_map_del(rs_attrs(g, k, h), key, strlen(key), &old)) return GM_ABSENT;
    nat_free_val(old);
    return GM_OK;
}

static bool nat_has_payload(const gm_value *v)
{
    return (v->type == GM_STRING && v->as.s.len > 0) || (v->type == GM_ARRAY && v->as.a.len > 0) ||
           (v->type == GM_OBJECT && v->as.o.len > 0);
}

/* The generic loop, on a deep copy when a value may borrow from a row the batch overwrites (a
** get's payload, freed when its row is set before the value is read). Checked cheaply and
** conservatively: some value has a payload and some target row already holds one. */
static gm_status nat_attr_set_batch(gm_graph *g, gm_kind k, const char *key, const uint32_t *hs,
                                    const gm_value *vals, size_t count)
{
    bool payload = false, held = false;
    for (size_t i = 0; i < count && !payload; i++) payload = nat_has_payload(&vals[i]);
    for (size_t i = 0; i < count && payload && !held; i++) {
        uintptr_t v;
        held = gm_map_get(rs_attrs(g, k, hs[i]), key, strlen(key), &v) && nat_has_payload((const gm_value *)v);
    }
    if (!held) return gm_generic_set_batch(g, k, key, hs, vals, count);
    gm_value *copy = count <= SIZE_MAX / sizeof *copy ? gm_mem_alloc(count * sizeof *copy) : NULL;
    size_t made = 0;
    gm_status rc = copy != NULL ? GM_OK : GM_ENOMEM;
    while (made < count && rc == GM_OK)
        if ((rc = gm_value_copy(&copy[made], &vals[made])) == GM_OK) made++;
    if (rc == GM_OK) rc = gm_generic_set_batch(g, k, key, hs, copy, count);
    else gm_fail(g, rc, "out of memory copying %zu values for '%s'", count, key);
    while (made > 0) gm_value_free(&copy[--made]);
    gm_mem_free(copy);
    return rc;
}

const gm_backend gm_native_backend = {
    .version = GM_BACKEND_VERSION,
    .name = "native",
    .phase = 1,
    .open = nat_open,
    RS_STRUCTURE_SLOTS,
    .attr_set = nat_attr_set,
    .attr_get = nat_attr_get,
    .attr_unset = nat_attr_unset,
    .attr_set_batch = nat_attr_set_batch,
    .column = gm_generic_column,
    .column_release = gm_generic_column_release,
    .filter = gm_generic_filter,
    .memory_usage = rs_memory_usage,
    .node_add_batch = NULL,     /* graph.c loops node_add, as phase 1 did */
    .edge_add_batch = NULL,
};
