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

const gm_backend gm_native_backend = {
    .version = GM_BACKEND_VERSION,
    .name = "native",
    .phase = 1,
    .open = nat_open,
    RS_STRUCTURE_SLOTS,
    .attr_set = nat_attr_set,
    .attr_get = nat_attr_get,
    .attr_unset = nat_attr_unset,
    .attr_set_batch = gm_generic_set_batch,
    .column = gm_generic_column,
    .column_release = gm_generic_column_release,
    .filter = gm_generic_filter,
    .memory_usage = rs_memory_usage,
    .node_add_batch = NULL,     /* graph.c loops node_add, as phase 1 did */
    .edge_add_batch = NULL,
};
