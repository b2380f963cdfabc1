/*
** native.c: backend "native", phase 1 of the redesign: typed values instead of JSON text.
**
** Same row store as json (rowstore.c); each row's attributes are a gm_map key -> gm_value with
** the tagged union stored INLINE in the map's slot (48 bytes a slot: 16 of header, 32 of value),
** as the plan's HashMap<String, AttributeValue> holds its values. A scalar costs no block of its
** own; a string, array or object owns the blocks of its deep copy (gm_value_copy), which never
** move when the table grows. A get lends the stored value itself: no parse, no allocation.
** No JSON anywhere.
**
** Batch set, column views and the filter are the generic loops over set/get (generic.c), as in
** phase 1, which changed the value representation and nothing else.
*/
#include <string.h>
#include "rowstore.h"
#include "generic.h"
#include "value.h"

static void nat_free_val(void *v) { gm_value_free(v); }

static size_t nat_val_bytes(const void *v) { return gm_value_payload_bytes(v); }

static const rs_valops nat_ops = { sizeof(gm_value), nat_free_val, nat_val_bytes, NULL };

static gm_status nat_open(gm_graph **out) { return rs_open(out, sizeof(rs_store), &nat_ops); }

static gm_status nat_attr_set(gm_graph *g, gm_kind k, uint32_t h, const char *key, const gm_value *v)
{
    gm_value copy;
    void *slot;
    bool existed;
    /* Copy before touching the row: v may be borrowed from this very slot (a get's payload set
    ** back), and inserting a key may move every slot of the row. */
    gm_status rc = gm_value_copy(&copy, v);             /* GM_ENOMEM leaves copy GM_NULL */
    if (rc != GM_OK) goto fail;
    if ((rc = gm_map_vput(rs_attrs(g, k, h), key, strlen(key), &slot, &existed)) != GM_OK) {
        gm_value_free(&copy);
        goto fail;
    }
    if (existed) gm_value_free(slot);                   /* nothing fails after this point */
    memcpy(slot, &copy, sizeof copy);
    return GM_OK;
fail:
    return gm_fail(g, rc, "cannot set '%s' on %s %u: %s", key, k == GM_KNODE ? "node" : "edge",
                   (unsigned)h, gm_strerror(rc));
}

/* Lends the stored value: its payloads stay valid until the next mutation of this attribute (or
** its row); the gm_value itself is copied out, so the slot moving on growth does not matter. */
static gm_status nat_attr_get(gm_graph *g, gm_kind k, uint32_t h, const char *key, gm_value *out)
{
    const gm_value *v = gm_map_vget(rs_attrs(g, k, h), key, strlen(key));
    if (v == NULL) return GM_ABSENT;
    *out = *v;
    return GM_OK;
}

static gm_status nat_attr_unset(gm_graph *g, gm_kind k, uint32_t h, const char *key)
{
    gm_value old;
    if (!gm_map_vdel(rs_attrs(g, k, h), key, strlen(key), &old)) return GM_ABSENT;
    gm_value_free(&old);
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
        const gm_value *v = gm_map_vget(rs_attrs(g, k, hs[i]), key, strlen(key));
        held = v != NULL && nat_has_payload(v);
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
