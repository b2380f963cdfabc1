/*
** json.c: backend "json", phase 0 of the redesign: the baseline as it really was.
**
** Nodes, edges and adjacency are the shared row store (rowstore.c). Each row's attributes are a
** gm_map key -> JSON text: one gm_mem block per value, NUL-terminated, written by cJSON
** (gm_json_print) on every set. A get parses that text with cJSON (gm_json_parse) on every read
** into a graph-owned scratch value and lends it out; the scratch is freed at the next get, at
** the next mutation, or at close. That parse per read and print per write is the cost phase 0
** paid, so it is paid here, not cached.
**
** Batch set, column views and the filter are the generic loops over set/get (generic.c): phase 0
** had nothing better. So a column or a filter parses every value it looks at.
*/
#include <string.h>
#include "rowstore.h"
#include "generic.h"
#include "jsoncodec.h"

typedef struct json_graph {
    rs_store rs;
    gm_value scratch;   /* the last get's parse, lent to the caller; GM_NULL when none */
} json_graph;

#define JG(g) ((json_graph *)(g))

/* Row values are uintptr_t slots (gm_map_put) holding the text's address; v points at one. */
static void json_free_val(void *v) { gm_mem_free((char *)*(uintptr_t *)v); }

/* The block is exactly strlen + 1 bytes: with gm_mem hooks cJSON has no realloc, so its printer
** copies the text into an exact-size block (checked: the usage components sum to gm_mem live). */
static size_t json_val_bytes(const void *v) { return strlen((const char *)*(const uintptr_t *)v) + 1; }

static void json_drop(gm_graph *g) { gm_value_free(&JG(g)->scratch); }

static const rs_valops json_ops = { sizeof(uintptr_t), json_free_val, json_val_bytes, json_drop };

static gm_status json_open(gm_graph **out) { return rs_open(out, sizeof(json_graph), &json_ops); }

static gm_status json_attr_set(gm_graph *g, gm_kind k, uint32_t h, const char *key, const gm_value *v)
{
    char *text = NULL;
    size_t len;
    uintptr_t old;
    bool existed;
    /* v may be borrowed from the scratch (a value just read from this graph, or a batch of
    ** them), so the scratch is not dropped here; the next get recycles it. */
    gm_status rc = gm_json_print(v, &text, &len);
    if (rc != GM_OK) return gm_fail(g, rc, "cannot serialize '%s': %s", key, gm_strerror(rc));
    rc = gm_map_put(rs_attrs(g, k, h), key, strlen(key), (uintptr_t)text, &old, &existed);
    if (rc != GM_OK) {
        gm_mem_free(text);
        return gm_fail(g, rc, "cannot set '%s' on %s %u: %s", key, k == GM_KNODE ? "node" : "edge",
                       (unsigned)h, gm_strerror(rc));
    }
    if (existed) gm_mem_free((char *)old);
    return GM_OK;
}

static gm_status json_attr_get(gm_graph *g, gm_kind k, uint32_t h, const char *key, gm_value *out)
{
    uintptr_t text;
    char err[128];
    json_drop(g);
    if (!gm_map_get(rs_attrs(g, k, h), key, strlen(key), &text)) return GM_ABSENT;
    const char *t = (const char *)text;
    gm_status rc = gm_json_parse(t, strlen(t), &JG(g)->scratch, err, sizeof err);
    if (rc != GM_OK)   /* only GM_ENOMEM can happen: the text was written by cJSON */
        return gm_fail(g, rc, "cannot read '%s' on %s %u: %s", key, k == GM_KNODE ? "node" : "edge",
                       (unsigned)h, rc == GM_ENOMEM ? gm_strerror(rc) : err);
    *out = JG(g)->scratch;
    return GM_OK;
}

static gm_status json_attr_unset(gm_graph *g, gm_kind k, uint32_t h, const char *key)
{
    uintptr_t old;
    if (!gm_map_del(rs_attrs(g, k, h), key, strlen(key), &old)) return GM_ABSENT;
    gm_mem_free((char *)old);
    return GM_OK;
}

/* The generic column and filter read through json_attr_get, which recycles the scratch; a value
** the caller got before must survive them (graphmem.h ends its borrow only at the next get or
** mutation), so it is set aside for the scan and put back after. */
static gm_value json_stash(gm_graph *g)
{
    gm_value keep = JG(g)->scratch;
    JG(g)->scratch = gm_null();
    return keep;
}

static gm_status json_unstash(gm_graph *g, gm_value keep, gm_status rc)
{
    json_drop(g);
    JG(g)->scratch = keep;
    return rc;
}

static gm_status json_column(gm_graph *g, const char *key, gm_column *out)
{
    gm_value keep = json_stash(g);
    return json_unstash(g, keep, gm_generic_column(g, key, out));
}

static gm_status json_filter(gm_graph *g, const gm_pred *preds, size_t npreds, gm_list *out)
{
    gm_value keep = json_stash(g);
    return json_unstash(g, keep, gm_generic_filter(g, preds, npreds, out));
}

/* The store's components plus the scratch parse currently lent out. */
static gm_status json_memory_usage(gm_graph *g, gm_usage_fn fn, void *ud)
{
    gm_status rc = rs_memory_usage(g, fn, ud);
    fn(ud, "scratch", gm_value_payload_bytes(&JG(g)->scratch));
    return rc;
}

const gm_backend gm_json_backend = {
    .version = GM_BACKEND_VERSION,
    .name = "json",
    .phase = 0,
    .open = json_open,
    RS_STRUCTURE_SLOTS,
    .attr_set = json_attr_set,
    .attr_get = json_attr_get,
    .attr_unset = json_attr_unset,
    .attr_set_batch = gm_generic_set_batch,
    .column = json_column,
    .column_release = gm_generic_column_release,
    .filter = json_filter,
    .memory_usage = json_memory_usage,
    .node_add_batch = NULL,     /* graph.c loops node_add, as phase 0 did */
    .edge_add_batch = NULL,
};
