/*
** _graphmem.c: the CPython binding of graphmem (phases 2 and 5 of the redesign).
**
** Written against graphmem.h only. One C-level call per access on the direct path:
**     g.nodes["n0"].salary    ->  NodeView subscript (gm_node_find) + Node getattro (gm_node_get)
**     g.get("n0", "salary")   ->  one method call (gm_node_find + gm_node_get)
** The phase-2 "layered" path (graphmem/layered.py) is pure Python over get_json/set_json.
**
** Safety rules (every one is a "never a crash" guarantee, documented in python/README.md):
**  - Borrowed pointers from the store (get payloads, neighbours, column views) are turned into
**    Python objects before the next gm_* call. Where building Python objects may run arbitrary
**    code (a GC pass running finalizers that touch the same graph), the graph is marked busy and
**    mutations from such code raise RuntimeError; compound get results are deep-copied first.
**  - A column exported through the buffer protocol pins the graph: while any buffer is alive,
**    every mutating method raises BufferError. The buffer object holds a reference to its Column
**    which holds the Graph, so `del g` never frees what a memoryview points at.
**  - Python -> store conversion runs no user code (concrete types only), so nothing it borrows
**    can be freed under it.
*/
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "graphmem.h"
#include "mem.h"        /* the test-only block tracker behind _mem_track / _mem_owns */

/* ------------------------------------------------------------------ types */

typedef struct GraphObject {
    PyObject_HEAD
    gm_graph  *g;
    PyObject  *nodes_view;    /* cached NodeView (g.nodes) */
    PyObject  *columns_view;  /* cached ColumnsView (g.columns) */
    PyObject  *node_keys;     /* dict: every node attribute name ever set (value None) */
    PyObject  *edge_keys;     /* dict: same for edges */
    Py_ssize_t exports;       /* live buffer exports of columns of this graph */
    Py_ssize_t busy;          /* > 0 while borrowed store data is being converted */
    uint64_t   version;       /* bumped by every mutating call */
} GraphObject;

typedef struct {
    PyObject_HEAD
    GraphObject *graph;
    gm_node      h;
} NodeObject;

typedef struct {
    PyObject_HEAD
    GraphObject *graph;
} ViewObject;                 /* NodeView and ColumnsView */

typedef struct {
    PyObject_HEAD
    GraphObject *graph;
    gm_node      it;
} IterObject;

typedef struct {
    PyObject_HEAD
    GraphObject  *graph;
    PyObject     *key;        /* str */
    uint64_t      version;    /* graph version the contents belong to */
    gm_col_layout layout;
    size_t        len;
    int           aliased;
    int           live;       /* aliased: col holds a view of the store */
    gm_column     col;
    /* materialised (non-aliased) copies, owned by this object (PyMem) */
    uint8_t      *valid_copy;
    void         *data_copy;  /* i64/f64 values, or bits for GM_COL_BOOL */
    PyObject     *values;     /* list: string / mixed columns of non-aliased backends */
    Py_ssize_t    exports;    /* buffers exported from this object */
    Py_ssize_t    shape, stride;
} ColumnObject;

static PyTypeObject GraphType, NodeType, NodeViewType, ColumnsViewType, IterType, ColumnType;

/* ------------------------------------------------------------------ errors */

static PyObject *raise_status(GraphObject *self, gm_status s, PyObject *what)
{
    const char *msg = self ? gm_errmsg(self->g) : gm_strerror(s);
    if (msg == NULL || msg[0] == '\0') msg = gm_strerror(s);
    switch (s) {
    case GM_ENOMEM:    PyErr_Format(PyExc_MemoryError, "graphmem: %s", msg); break;
    case GM_ENOTFOUND:
        if (what) PyErr_SetObject(PyExc_KeyError, what);
        else PyErr_Format(PyExc_KeyError, "%s", msg);
        break;
    case GM_ETYPE:     PyErr_Format(PyExc_TypeError, "graphmem: %s", msg); break;
    case GM_EINVAL:
    case GM_EJSON:     PyErr_Format(PyExc_ValueError, "graphmem: %s", msg); break;
    case GM_EEXIST:    PyErr_Format(PyExc_KeyError, "%s", msg); break;
    default:           PyErr_Format(PyExc_RuntimeError, "graphmem: %s (status %d)", msg, (int)s);
    }
    return NULL;
}

/* Called before every mutating gm_* call. */
static int graph_mutable(GraphObject *self)
{
    if (self->exports > 0) {
        PyErr_Format(PyExc_BufferError,
                     "graph has %zd exported column buffer(s): release them (memoryview.release() "
                     "or del) before mutating the graph", self->exports);
        return -1;
    }
    if (self->busy > 0) {
        PyErr_SetString(PyExc_RuntimeError,
                        "graph is being read by the binding: mutation from a finalizer refused");
        return -1;
    }
    self->version++;
    return 0;
}

/* ------------------------------------------------------------------ ids and keys */

/* UTF-8 of a node id; NULL with KeyError (for_add = 0) or TypeError (for_add = 1) for a non-str. */
static const char *id_utf8(PyObject *id, Py_ssize_t *len, int for_add)
{
    if (!PyUnicode_Check(id)) {
        if (for_add)
            PyErr_Format(PyExc_TypeError, "node ids are str, not %.100s", Py_TYPE(id)->tp_name);
        else
            PyErr_SetObject(PyExc_KeyError, id);
        return NULL;
    }
    return PyUnicode_AsUTF8AndSize(id, len);
}

/* Handle of node `id`; -1 with KeyError if unknown. */
static int find_node(GraphObject *self, PyObject *id, gm_node *out)
{
    Py_ssize_t n;
    const char *s = id_utf8(id, &n, 0);
    if (s == NULL) return -1;
    gm_status st = gm_node_find(self->g, s, (size_t)n, out);
    if (st == GM_OK) return 0;
    if (st == GM_ENOTFOUND) PyErr_SetObject(PyExc_KeyError, id);
    else raise_status(self, st, id);
    return -1;
}

static const char *key_utf8(PyObject *key)
{
    if (!PyUnicode_Check(key)) {
        PyErr_Format(PyExc_TypeError, "attribute names are str, not %.100s",
                     Py_TYPE(key)->tp_name);
        return NULL;
    }
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(key, &n);
    if (s == NULL) return NULL;
    if (n == 0) { PyErr_SetString(PyExc_ValueError, "empty attribute name"); return NULL; }
    if ((size_t)n != strlen(s)) {
        PyErr_SetString(PyExc_ValueError, "attribute name contains NUL");
        return NULL;
    }
    return s;
}

static PyObject *str_from(const char *p, size_t n)
{
    return PyUnicode_DecodeUTF8(p, (Py_ssize_t)n, "surrogateescape");
}

/* The id of handle h as a new str; KeyError if the node is gone. */
static PyObject *node_id_obj(GraphObject *self, gm_node h)
{
    gm_str s;
    gm_status st = gm_node_id(self->g, h, &s);
    if (st != GM_OK) {
        if (st == GM_ENOTFOUND) {
            PyErr_Format(PyExc_KeyError, "node handle %lu was removed", (unsigned long)h);
            return NULL;
        }
        return raise_status(self, st, NULL);
    }
    return str_from(s.ptr, s.len);
}

/* ------------------------------------------------------------------ Python -> gm_value */

/* Temporary blocks of one conversion (arrays of items / keys), freed after the call. */
typedef struct {
    void  *inline_blocks[8];
    void **blocks;
    size_t n, cap;
} arena;

static void arena_init(arena *a) { a->blocks = a->inline_blocks; a->n = 0; a->cap = 8; }

static void *arena_alloc(arena *a, size_t bytes)
{
    if (a->n == a->cap) {
        size_t cap = a->cap * 2;
        void **nb = PyMem_Malloc(cap * sizeof *nb);
        if (nb == NULL) { PyErr_NoMemory(); return NULL; }
        memcpy(nb, a->blocks, a->n * sizeof *nb);
        if (a->blocks != a->inline_blocks) PyMem_Free(a->blocks);
        a->blocks = nb;
        a->cap = cap;
    }
    void *p = PyMem_Malloc(bytes ? bytes : 1);
    if (p == NULL) { PyErr_NoMemory(); return NULL; }
    a->blocks[a->n++] = p;
    return p;
}

static void arena_free(arena *a)
{
    for (size_t i = 0; i < a->n; i++) PyMem_Free(a->blocks[i]);
    if (a->blocks != a->inline_blocks) PyMem_Free(a->blocks);
    arena_init(a);
}

static int str_value(PyObject *o, gm_str *out)
{
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(o, &n);
    if (s == NULL) return -1;
    if (memchr(s, '\0', (size_t)n) != NULL) {
        PyErr_SetString(PyExc_ValueError, "strings holding NUL cannot be stored");
        return -1;
    }
    out->ptr = s;
    out->len = (size_t)n;
    return 0;
}

/* Convert o into *out. Borrowed strings point into o (alive for the call); arrays come from `a`.
** Runs no user code (concrete types only). scalar_only rejects list/tuple/dict. */
static int to_value(PyObject *o, gm_value *out, arena *a, int scalar_only)
{
    if (o == Py_None) { *out = gm_null(); return 0; }
    if (o == Py_True || o == Py_False) { *out = gm_bool(o == Py_True); return 0; }
    if (PyLong_Check(o)) {
        int overflow = 0;
        long long x = PyLong_AsLongLongAndOverflow(o, &overflow);
        if (overflow) {
            PyErr_SetString(PyExc_OverflowError, "int does not fit in int64");
            return -1;
        }
        if (x == -1 && PyErr_Occurred()) return -1;
        *out = gm_int((int64_t)x);
        return 0;
    }
    if (PyFloat_Check(o)) {
        double d = PyFloat_AS_DOUBLE(o);
        if (!isfinite(d)) {
            PyErr_SetString(PyExc_ValueError, "NaN and infinities cannot be stored");
            return -1;
        }
        *out = gm_double(d);
        return 0;
    }
    if (PyUnicode_Check(o)) {
        out->type = GM_STRING;
        return str_value(o, &out->as.s);
    }
    int is_list = PyList_Check(o), is_tuple = !is_list && PyTuple_Check(o);
    int is_dict = !is_list && !is_tuple && PyDict_Check(o);
    if (scalar_only && (is_list || is_tuple || is_dict)) {
        PyErr_Format(PyExc_TypeError, "a filter constant must be a scalar, not %.100s",
                     Py_TYPE(o)->tp_name);
        return -1;
    }
    if (is_list || is_tuple) {
        if (Py_EnterRecursiveCall(" while converting a value for graphmem")) return -1;
        Py_ssize_t n = is_list ? PyList_GET_SIZE(o) : PyTuple_GET_SIZE(o);
        gm_value *items = arena_alloc(a, (size_t)n * sizeof *items);
        int rc = items ? 0 : -1;
        for (Py_ssize_t i = 0; rc == 0 && i < n; i++)
            rc = to_value(is_list ? PyList_GET_ITEM(o, i) : PyTuple_GET_ITEM(o, i), &items[i], a, 0);
        Py_LeaveRecursiveCall();
        if (rc) return -1;
        out->type = GM_ARRAY;
        out->as.a.items = items;
        out->as.a.len = (size_t)n;
        return 0;
    }
    if (is_dict) {
        if (Py_EnterRecursiveCall(" while converting a value for graphmem")) return -1;
        Py_ssize_t n = PyDict_GET_SIZE(o), pos = 0, i = 0;
        gm_str *keys = arena_alloc(a, (size_t)n * sizeof *keys);
        gm_value *vals = keys ? arena_alloc(a, (size_t)n * sizeof *vals) : NULL;
        int rc = vals ? 0 : -1;
        PyObject *k, *v;
        while (rc == 0 && i < n && PyDict_Next(o, &pos, &k, &v)) {
            if (!PyUnicode_Check(k)) {
                PyErr_Format(PyExc_TypeError, "dict keys must be str to be stored, not %.100s",
                             Py_TYPE(k)->tp_name);
                rc = -1;
                break;
            }
            rc = str_value(k, &keys[i]);
            if (rc == 0) rc = to_value(v, &vals[i], a, 0);
            i++;
        }
        Py_LeaveRecursiveCall();
        if (rc) return -1;
        out->type = GM_OBJECT;
        out->as.o.keys = keys;
        out->as.o.vals = vals;
        out->as.o.len = (size_t)i;
        return 0;
    }
    PyErr_Format(PyExc_TypeError,
                 "cannot store a value of type %.100s (supported: None, bool, int, float, str, "
                 "list, tuple, dict with str keys)", Py_TYPE(o)->tp_name);
    return -1;
}

/* ------------------------------------------------------------------ gm_value -> Python */

static PyObject *from_value_rec(const gm_value *v)
{
    switch (v->type) {
    case GM_NULL:   Py_RETURN_NONE;
    case GM_BOOL:   return PyBool_FromLong(v->as.b);
    case GM_INT:    return PyLong_FromLongLong((long long)v->as.i);
    case GM_DOUBLE: return PyFloat_FromDouble(v->as.d);
    case GM_STRING: return str_from(v->as.s.ptr, v->as.s.len);
    case GM_ARRAY: {
        if (Py_EnterRecursiveCall(" while reading a graphmem value")) return NULL;
        PyObject *l = PyList_New((Py_ssize_t)v->as.a.len);
        for (size_t i = 0; l != NULL && i < v->as.a.len; i++) {
            PyObject *x = from_value_rec(&v->as.a.items[i]);
            if (x == NULL) Py_CLEAR(l);
            else PyList_SET_ITEM(l, (Py_ssize_t)i, x);
        }
        Py_LeaveRecursiveCall();
        return l;
    }
    case GM_OBJECT: {
        if (Py_EnterRecursiveCall(" while reading a graphmem value")) return NULL;
        PyObject *d = PyDict_New();
        for (size_t i = 0; d != NULL && i < v->as.o.len; i++) {
            PyObject *k = str_from(v->as.o.keys[i].ptr, v->as.o.keys[i].len);
            PyObject *x = k ? from_value_rec(&v->as.o.vals[i]) : NULL;
            if (x == NULL || PyDict_SetItem(d, k, x) < 0) Py_CLEAR(d);
            Py_XDECREF(k);
            Py_XDECREF(x);
        }
        Py_LeaveRecursiveCall();
        return d;
    }
    }
    PyErr_SetString(PyExc_SystemError, "graphmem: unknown value type");
    return NULL;
}

/* A value read by gm_node_get/gm_edge_get (payload borrowed until the next get or mutation).
** Scalars and strings convert without running Python code; arrays and objects build containers,
** which may run a GC pass and finalizers that call back into this graph, so they are deep-copied
** first and the graph is marked busy. */
static PyObject *from_value(GraphObject *self, const gm_value *v)
{
    if (v->type != GM_ARRAY && v->type != GM_OBJECT) return from_value_rec(v);
    gm_value copy;
    gm_status st = gm_value_copy(&copy, v);
    if (st != GM_OK) return raise_status(NULL, st, NULL);
    self->busy++;
    PyObject *r = from_value_rec(&copy);
    self->busy--;
    gm_value_free(&copy);
    return r;
}

/* ------------------------------------------------------------------ attribute helpers */

static int register_key(PyObject *dict, PyObject *key)
{
    return PyDict_SetDefault(dict, key, Py_None) == NULL ? -1 : 0;
}

/* Set node attribute key (a str) to a Python value. */
static int node_set_py(GraphObject *self, gm_node h, PyObject *key, PyObject *value)
{
    const char *k = key_utf8(key);
    if (k == NULL) return -1;
    arena a;
    arena_init(&a);
    gm_value v;
    int rc = to_value(value, &v, &a, 0);
    if (rc == 0) rc = graph_mutable(self);
    if (rc == 0) {
        gm_status st = gm_node_set(self->g, h, k, &v);
        if (st != GM_OK) { raise_status(self, st, NULL); rc = -1; }
    }
    arena_free(&a);
    if (rc == 0) rc = register_key(self->node_keys, key);
    return rc;
}

/* Read node attribute; returns NULL with *absent = 1 (no exception) when it is not set. */
static PyObject *node_get_py(GraphObject *self, gm_node h, PyObject *key, int *absent)
{
    *absent = 0;
    const char *k = key_utf8(key);
    if (k == NULL) return NULL;
    gm_value v;
    gm_status st = gm_node_get(self->g, h, k, &v);
    if (st == GM_OK) return from_value(self, &v);
    if (st == GM_ABSENT) { *absent = 1; return NULL; }
    if (st == GM_ENOTFOUND) {
        PyErr_Format(PyExc_KeyError, "node handle %lu was removed", (unsigned long)h);
        return NULL;
    }
    return raise_status(self, st, NULL);
}

static int node_unset_py(GraphObject *self, gm_node h, PyObject *key)
{
    const char *k = key_utf8(key);
    if (k == NULL || graph_mutable(self) < 0) return -1;
    gm_status st = gm_node_unset(self->g, h, k);
    if (st == GM_OK) return 0;
    if (st == GM_ABSENT) { PyErr_SetObject(PyExc_KeyError, key); return -1; }
    raise_status(self, st, NULL);
    return -1;
}

/* A converted attribute set: every (key, value) of up to two dicts (common attrs, then the item's
** own), converted before the store is touched, so a bad value changes nothing. */
typedef struct {
    arena       a;
    const char *kinline[16];
    gm_value    vinline[16];
    const char **keys;
    gm_value    *vals;
    Py_ssize_t   n;
    PyObject    *d1, *d2;     /* borrowed: alive for the call */
} attrset;

static int attrs_prep(attrset *as, PyObject *d1, PyObject *d2)
{
    arena_init(&as->a);
    as->keys = as->kinline;
    as->vals = as->vinline;
    as->n = 0;
    as->d1 = d1 && PyDict_GET_SIZE(d1) ? d1 : NULL;
    as->d2 = d2 && PyDict_GET_SIZE(d2) ? d2 : NULL;
    Py_ssize_t total = (as->d1 ? PyDict_GET_SIZE(as->d1) : 0) + (as->d2 ? PyDict_GET_SIZE(as->d2) : 0);
    if (total > 16) {
        as->keys = arena_alloc(&as->a, (size_t)total * sizeof *as->keys);
        as->vals = as->keys ? arena_alloc(&as->a, (size_t)total * sizeof *as->vals) : NULL;
        if (as->vals == NULL) return -1;
    }
    PyObject *ds[2] = {as->d1, as->d2};
    for (int j = 0; j < 2; j++) {
        Py_ssize_t pos = 0, n = ds[j] ? PyDict_GET_SIZE(ds[j]) : 0, i = 0;
        PyObject *k, *v;
        while (i < n && PyDict_Next(ds[j], &pos, &k, &v)) {
            if ((as->keys[as->n] = key_utf8(k)) == NULL) return -1;
            if (to_value(v, &as->vals[as->n], &as->a, 0) < 0) return -1;
            as->n++;
            i++;
        }
    }
    return 0;
}

/* Store a prepared set on node/edge h (mutability already checked by the caller). */
static int attrs_apply(GraphObject *self, attrset *as, int edge, uint32_t h)
{
    for (Py_ssize_t j = 0; j < as->n; j++) {
        gm_status st = edge ? gm_edge_set(self->g, h, as->keys[j], &as->vals[j])
                            : gm_node_set(self->g, h, as->keys[j], &as->vals[j]);
        if (st != GM_OK) { raise_status(self, st, NULL); return -1; }
    }
    PyObject *reg = edge ? self->edge_keys : self->node_keys;
    PyObject *ds[2] = {as->d1, as->d2};
    for (int j = 0; j < 2; j++) {
        Py_ssize_t pos = 0;
        PyObject *k, *v;
        while (ds[j] && PyDict_Next(ds[j], &pos, &k, &v))
            if (register_key(reg, k) < 0) return -1;
    }
    return 0;
}

static void attrs_done(attrset *as) { arena_free(&as->a); }

/* Apply every (key, value) of dict `attrs` (may be NULL) to node/edge h. */
static int set_attrs(GraphObject *self, int edge, uint32_t h, PyObject *attrs)
{
    if (attrs == NULL || PyDict_GET_SIZE(attrs) == 0) return 0;
    attrset as;
    int rc = attrs_prep(&as, attrs, NULL);
    if (rc == 0) rc = graph_mutable(self);
    if (rc == 0) rc = attrs_apply(self, &as, edge, h);
    attrs_done(&as);
    return rc;
}

/* Add (or find) node `id` and set common then attrs (either may be NULL). Values are converted
** first; if the store then fails (out of memory) a node this call created is removed again. */
static int add_node_attrs(GraphObject *self, PyObject *id, PyObject *attrs, PyObject *common,
                          gm_node *out)
{
    Py_ssize_t n;
    const char *s = id_utf8(id, &n, 1);
    if (s == NULL) return -1;
    attrset as;
    int rc = attrs_prep(&as, common, attrs);
    if (rc == 0) rc = graph_mutable(self);
    gm_node h = GM_NONE;
    int created = 0;
    if (rc == 0) {
        gm_status st = gm_node_add(self->g, s, (size_t)n, &h);
        created = st == GM_OK;
        if (st != GM_OK && st != GM_EEXIST) { raise_status(self, st, NULL); rc = -1; }
    }
    if (rc == 0 && attrs_apply(self, &as, 0, h) < 0) {
        rc = -1;
        if (created) {
            PyObject *et, *ev, *tb;
            PyErr_Fetch(&et, &ev, &tb);
            (void)gm_node_remove(self->g, h);
            PyErr_Restore(et, ev, tb);
        }
    }
    attrs_done(&as);
    if (rc == 0 && out) *out = h;
    return rc;
}

/* Handle of node id, adding it (with no attributes) if unknown: NetworkX's add_edge rule. */
static int ensure_node(GraphObject *self, PyObject *id, gm_node *out)
{
    Py_ssize_t n;
    const char *s = id_utf8(id, &n, 1);
    if (s == NULL) return -1;
    gm_status st = gm_node_find(self->g, s, (size_t)n, out);
    if (st == GM_OK) return 0;
    if (st != GM_ENOTFOUND) { raise_status(self, st, NULL); return -1; }
    if (graph_mutable(self) < 0) return -1;
    st = gm_node_add(self->g, s, (size_t)n, out);
    if (st != GM_OK) { raise_status(self, st, NULL); return -1; }
    return 0;
}

static int add_edge_attrs(GraphObject *self, PyObject *u, PyObject *v, PyObject *attrs,
                          PyObject *common, gm_edge *out)
{
    if (!PyUnicode_Check(u) || !PyUnicode_Check(v)) {
        PyErr_Format(PyExc_TypeError, "node ids are str, not %.100s",
                     Py_TYPE(PyUnicode_Check(u) ? v : u)->tp_name);
        return -1;
    }
    attrset as;
    int rc = attrs_prep(&as, common, attrs);
    gm_node a, b;
    if (rc == 0) rc = ensure_node(self, u, &a);
    if (rc == 0) rc = ensure_node(self, v, &b);
    if (rc == 0) rc = graph_mutable(self);
    gm_edge e = GM_NONE;
    if (rc == 0) {
        gm_status st = gm_edge_add(self->g, a, b, &e);
        if (st != GM_OK) { raise_status(self, st, NULL); rc = -1; }
        else if (attrs_apply(self, &as, 1, e) < 0) {
            rc = -1;
            PyObject *et, *ev, *tb;
            PyErr_Fetch(&et, &ev, &tb);
            (void)gm_edge_remove(self->g, e);
            PyErr_Restore(et, ev, tb);
        }
    }
    attrs_done(&as);
    if (rc == 0 && out) *out = e;
    return rc;
}

/* ------------------------------------------------------------------ Node proxy */

#define NODE_FREELIST 64
static NodeObject *node_freelist[NODE_FREELIST];
static int node_nfree;

static PyObject *node_new(GraphObject *g, gm_node h)
{
    NodeObject *p;
    if (node_nfree > 0) {
        p = node_freelist[--node_nfree];
        (void)PyObject_Init((PyObject *)p, &NodeType);
    } else {
        p = PyObject_New(NodeObject, &NodeType);
        if (p == NULL) return NULL;
    }
    Py_INCREF(g);
    p->graph = g;
    p->h = h;
    return (PyObject *)p;
}

static void node_dealloc(NodeObject *p)
{
    Py_CLEAR(p->graph);
    if (node_nfree < NODE_FREELIST) node_freelist[node_nfree++] = p;
    else PyObject_Free(p);
}

static PyObject *node_getattro(NodeObject *self, PyObject *name)
{
    if (PyUnicode_Check(name) && _PyType_Lookup(Py_TYPE(self), name) == NULL) {
        Py_ssize_t n;
        const char *k = PyUnicode_AsUTF8AndSize(name, &n);
        if (k == NULL) return NULL;
        if (!(n >= 2 && k[0] == '_' && k[1] == '_')) {
            int absent;
            PyObject *r = node_get_py(self->graph, self->h, name, &absent);
            if (r != NULL || !absent) return r;
            PyErr_Format(PyExc_AttributeError, "node has no attribute '%U'", name);
            return NULL;
        }
    }
    return PyObject_GenericGetAttr((PyObject *)self, name);
}

static int node_setattro(NodeObject *self, PyObject *name, PyObject *value)
{
    if (PyUnicode_Check(name) && _PyType_Lookup(Py_TYPE(self), name) != NULL) {
        PyErr_Format(PyExc_AttributeError,
                     "'%U' is a Node method: set it as node[%R] = value", name, name);
        return -1;
    }
    if (value == NULL) {
        int rc = node_unset_py(self->graph, self->h, name);
        if (rc < 0 && PyErr_ExceptionMatches(PyExc_KeyError)) {
            PyErr_Clear();
            PyErr_Format(PyExc_AttributeError, "node has no attribute '%U'", name);
        }
        return rc;
    }
    return node_set_py(self->graph, self->h, name, value);
}

static PyObject *node_subscript(NodeObject *self, PyObject *key)
{
    int absent;
    PyObject *r = node_get_py(self->graph, self->h, key, &absent);
    if (r == NULL && absent) PyErr_SetObject(PyExc_KeyError, key);
    return r;
}

static int node_ass_subscript(NodeObject *self, PyObject *key, PyObject *value)
{
    if (value == NULL) return node_unset_py(self->graph, self->h, key);
    return node_set_py(self->graph, self->h, key, value);
}

/* Present keys in registration order: list of keys, or of (key, value) pairs when with_values. */
static PyObject *node_items_impl(GraphObject *g, gm_node h, int mode /* 0 keys 1 values 2 items 3 dict */)
{
    PyObject *out = mode == 3 ? PyDict_New() : PyList_New(0);
    if (out == NULL) return NULL;
    PyObject *keys = PyDict_Keys(g->node_keys);   /* snapshot */
    if (keys == NULL) { Py_DECREF(out); return NULL; }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(keys); i++) {
        PyObject *k = PyList_GET_ITEM(keys, i);
        int absent;
        PyObject *v = node_get_py(g, h, k, &absent);
        if (v == NULL) {
            if (absent) continue;
            Py_DECREF(keys); Py_DECREF(out);
            return NULL;
        }
        int rc;
        if (mode == 3) rc = PyDict_SetItem(out, k, v);
        else if (mode == 0) rc = PyList_Append(out, k);
        else if (mode == 1) rc = PyList_Append(out, v);
        else {
            PyObject *t = PyTuple_Pack(2, k, v);
            rc = t ? PyList_Append(out, t) : -1;
            Py_XDECREF(t);
        }
        Py_DECREF(v);
        if (rc < 0) { Py_DECREF(keys); Py_DECREF(out); return NULL; }
    }
    Py_DECREF(keys);
    return out;
}

static PyObject *node_keys(NodeObject *self, PyObject *Py_UNUSED(a))
{ return node_items_impl(self->graph, self->h, 0); }
static PyObject *node_values(NodeObject *self, PyObject *Py_UNUSED(a))
{ return node_items_impl(self->graph, self->h, 1); }
static PyObject *node_items(NodeObject *self, PyObject *Py_UNUSED(a))
{ return node_items_impl(self->graph, self->h, 2); }
static PyObject *node_to_dict(NodeObject *self, PyObject *Py_UNUSED(a))
{ return node_items_impl(self->graph, self->h, 3); }

static PyObject *node_get(NodeObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 1 || nargs > 2) {
        PyErr_SetString(PyExc_TypeError, "get(key, default=None)");
        return NULL;
    }
    int absent;
    PyObject *r = node_get_py(self->graph, self->h, args[0], &absent);
    if (r == NULL && absent) return Py_NewRef(nargs == 2 ? args[1] : Py_None);
    return r;
}

static PyObject *node_update(NodeObject *self, PyObject *args, PyObject *kwargs)
{
    PyObject *d = NULL;
    if (!PyArg_ParseTuple(args, "|O!:update", &PyDict_Type, &d)) return NULL;
    if (set_attrs(self->graph, 0, self->h, d) < 0) return NULL;
    if (set_attrs(self->graph, 0, self->h, kwargs) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject *node_get_id(NodeObject *self, void *Py_UNUSED(c))
{ return node_id_obj(self->graph, self->h); }
static PyObject *node_get_handle(NodeObject *self, void *Py_UNUSED(c))
{ return PyLong_FromUnsignedLong(self->h); }

static Py_ssize_t node_len(NodeObject *self)
{
    PyObject *k = node_items_impl(self->graph, self->h, 0);
    if (k == NULL) return -1;
    Py_ssize_t n = PyList_GET_SIZE(k);
    Py_DECREF(k);
    return n;
}

static int node_contains(NodeObject *self, PyObject *key)
{
    int absent;
    PyObject *r = node_get_py(self->graph, self->h, key, &absent);
    if (r != NULL) { Py_DECREF(r); return 1; }
    return absent ? 0 : -1;
}

static PyObject *node_iter(NodeObject *self)
{
    PyObject *k = node_items_impl(self->graph, self->h, 0);
    if (k == NULL) return NULL;
    PyObject *it = PyObject_GetIter(k);
    Py_DECREF(k);
    return it;
}

static PyObject *node_repr(NodeObject *self)
{
    PyObject *id = node_id_obj(self->graph, self->h);
    if (id == NULL) {
        PyErr_Clear();
        return PyUnicode_FromFormat("<graphmem.Node handle=%lu (removed)>", (unsigned long)self->h);
    }
    PyObject *r = PyUnicode_FromFormat("<graphmem.Node %R>", id);
    Py_DECREF(id);
    return r;
}

static PyMethodDef node_methods[] = {
    {"get", (PyCFunction)(void (*)(void))node_get, METH_FASTCALL,
     "get(key, default=None): the attribute, or default when it is not set"},
    {"keys", (PyCFunction)node_keys, METH_NOARGS, "names of the attributes set on this node"},
    {"values", (PyCFunction)node_values, METH_NOARGS, "values of the attributes set"},
    {"items", (PyCFunction)node_items, METH_NOARGS, "(name, value) pairs"},
    {"to_dict", (PyCFunction)node_to_dict, METH_NOARGS, "a new dict of the node's attributes"},
    {"update", (PyCFunction)(void (*)(void))node_update, METH_VARARGS | METH_KEYWORDS,
     "update([dict], **attrs): set several attributes"},
    {NULL, NULL, 0, NULL}
};

static PyGetSetDef node_getset[] = {
    {"id", (getter)node_get_id, NULL, "the node's id", NULL},
    {"handle", (getter)node_get_handle, NULL, "the node's dense handle (column index)", NULL},
    {NULL, NULL, NULL, NULL, NULL}
};

static PyMappingMethods node_as_mapping = {
    (lenfunc)node_len, (binaryfunc)node_subscript, (objobjargproc)node_ass_subscript
};
static PySequenceMethods node_as_sequence = {
    .sq_contains = (objobjproc)node_contains,
};

static PyTypeObject NodeType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "graphmem.Node",
    .tp_basicsize = sizeof(NodeObject),
    .tp_dealloc = (destructor)node_dealloc,
    .tp_repr = (reprfunc)node_repr,
    .tp_as_mapping = &node_as_mapping,
    .tp_as_sequence = &node_as_sequence,
    .tp_getattro = (getattrofunc)node_getattro,
    .tp_setattro = (setattrofunc)node_setattro,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A node proxy: node.salary / node['salary'] read and write the store directly. "
              "Names of Node methods (get, keys, values, items, to_dict, update, id, handle) are "
              "reachable only with node['name'].",
    .tp_iter = (getiterfunc)node_iter,
    .tp_methods = node_methods,
    .tp_getset = node_getset,
};

/* ------------------------------------------------------------------ node iteration */

static PyObject *iter_new(GraphObject *g)
{
    IterObject *it = PyObject_New(IterObject, &IterType);
    if (it == NULL) return NULL;
    it->graph = (GraphObject *)Py_NewRef(g);
    it->it = GM_NONE;
    return (PyObject *)it;
}

static void iter_dealloc(IterObject *it)
{
    Py_CLEAR(it->graph);
    PyObject_Free(it);
}

static PyObject *iter_next(IterObject *it)
{
    if (it->graph == NULL) return NULL;
    gm_status st = gm_node_next(it->graph->g, &it->it);
    if (st == GM_END) { Py_CLEAR(it->graph); return NULL; }
    if (st != GM_OK) return raise_status(it->graph, st, NULL);
    return node_id_obj(it->graph, it->it);
}

static PyTypeObject IterType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "graphmem.NodeIterator",
    .tp_basicsize = sizeof(IterObject),
    .tp_dealloc = (destructor)iter_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_iter = PyObject_SelfIter,
    .tp_iternext = (iternextfunc)iter_next,
};

/* ------------------------------------------------------------------ views (g.nodes, g.columns) */

static PyObject *view_new(PyTypeObject *t, GraphObject *g)
{
    ViewObject *v = PyObject_GC_New(ViewObject, t);
    if (v == NULL) return NULL;
    v->graph = (GraphObject *)Py_NewRef(g);
    PyObject_GC_Track(v);
    return (PyObject *)v;
}

static int view_traverse(ViewObject *v, visitproc visit, void *arg)
{
    Py_VISIT(v->graph);
    return 0;
}

static int view_clear(ViewObject *v)
{
    Py_CLEAR(v->graph);
    return 0;
}

static void view_dealloc(ViewObject *v)
{
    PyObject_GC_UnTrack(v);
    view_clear(v);
    PyObject_GC_Del(v);
}

static PyObject *nodeview_subscript(ViewObject *v, PyObject *id)
{
    gm_node h;
    if (find_node(v->graph, id, &h) < 0) return NULL;
    return node_new(v->graph, h);
}

static Py_ssize_t nodeview_len(ViewObject *v) { return (Py_ssize_t)gm_node_count(v->graph->g); }

static int graph_contains_id(GraphObject *g, PyObject *id)
{
    if (!PyUnicode_Check(id)) return 0;
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(id, &n);
    if (s == NULL) return -1;
    gm_node h;
    gm_status st = gm_node_find(g->g, s, (size_t)n, &h);
    if (st == GM_OK) return 1;
    if (st == GM_ENOTFOUND) return 0;
    raise_status(g, st, NULL);
    return -1;
}

static int nodeview_contains(ViewObject *v, PyObject *id) { return graph_contains_id(v->graph, id); }
static PyObject *nodeview_iter(ViewObject *v) { return iter_new(v->graph); }

/* g.nodes(data=False): ids; data=True: (id, dict) pairs; data="key": (id, value or default). */
static PyObject *nodeview_call(ViewObject *v, PyObject *args, PyObject *kwargs)
{
    static char *kw[] = {"data", "default", NULL};
    PyObject *data = Py_False, *dflt = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|OO:nodes", kw, &data, &dflt)) return NULL;
    GraphObject *g = v->graph;
    PyObject *out = PyList_New(0);
    if (out == NULL) return NULL;
    int want = PyUnicode_Check(data) ? 2 : PyObject_IsTrue(data);
    if (want < 0) { Py_DECREF(out); return NULL; }
    gm_node h = GM_NONE;
    while (gm_node_next(g->g, &h) == GM_OK) {
        PyObject *id = node_id_obj(g, h), *item = NULL;
        if (id == NULL) { Py_DECREF(out); return NULL; }
        if (want == 0) item = Py_NewRef(id);
        else {
            PyObject *val;
            if (want == 1) val = node_items_impl(g, h, 3);
            else {
                int absent;
                val = node_get_py(g, h, data, &absent);
                if (val == NULL && absent) val = Py_NewRef(dflt);
            }
            item = val ? PyTuple_Pack(2, id, val) : NULL;
            Py_XDECREF(val);
        }
        Py_DECREF(id);
        if (item == NULL || PyList_Append(out, item) < 0) {
            Py_XDECREF(item);
            Py_DECREF(out);
            return NULL;
        }
        Py_DECREF(item);
    }
    return out;
}

static PyMappingMethods nodeview_as_mapping = {(lenfunc)nodeview_len, (binaryfunc)nodeview_subscript, NULL};
static PySequenceMethods nodeview_as_sequence = {.sq_contains = (objobjproc)nodeview_contains};

static PyTypeObject NodeViewType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "graphmem.NodeView",
    .tp_basicsize = sizeof(ViewObject),
    .tp_dealloc = (destructor)view_dealloc,
    .tp_as_mapping = &nodeview_as_mapping,
    .tp_as_sequence = &nodeview_as_sequence,
    .tp_call = (ternaryfunc)nodeview_call,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "g.nodes: g.nodes[id] is a Node proxy; len, iteration and `in` over node ids; "
              "g.nodes(data=True) lists (id, dict) pairs as NetworkX does.",
    .tp_traverse = (traverseproc)view_traverse,
    .tp_clear = (inquiry)view_clear,
    .tp_iter = (getiterfunc)nodeview_iter,
};

/* ------------------------------------------------------------------ Column */

static const char *layout_name(gm_col_layout l)
{
    switch (l) {
    case GM_COL_EMPTY:  return "empty";
    case GM_COL_I64:    return "i64";
    case GM_COL_F64:    return "f64";
    case GM_COL_BOOL:   return "bool";
    case GM_COL_STR:    return "str";
    case GM_COL_STR_N:  return "str";      /* compact: uint32 offsets */
    case GM_COL_DICT:   return "dict";
    case GM_COL_VALUES: return "values";
    case GM_COL_INT:    return "int";      /* compact: ints at the stored width (format b/h/i) */
    case GM_COL_DICT_N: return "dict";     /* compact: dictionary with 1- or 2-byte codes */
    }
    return "?";
}

/* Drop what the column holds (never while buffers are exported). */
static void col_drop(ColumnObject *c)
{
    if (c->live) {
        /* an aliased view dies at the next mutation; release it only while it is still valid */
        if (c->version == c->graph->version) gm_column_release(c->graph->g, &c->col);
        c->live = 0;
    }
    memset(&c->col, 0, sizeof c->col);
    PyMem_Free(c->valid_copy);
    c->valid_copy = NULL;
    PyMem_Free(c->data_copy);
    c->data_copy = NULL;
    Py_CLEAR(c->values);
}

static void *dup_bytes(const void *p, size_t n)
{
    void *q = PyMem_Malloc(n ? n : 1);
    if (q == NULL) { PyErr_NoMemory(); return NULL; }
    if (n && p) memcpy(q, p, n);
    else if (n) memset(q, 0, n);
    return q;
}

/* (Re)acquire the column from the store. */
static int col_load(ColumnObject *c)
{
    GraphObject *g = c->graph;
    col_drop(c);
    const char *k = key_utf8(c->key);
    if (k == NULL) return -1;
    gm_column col;
    memset(&col, 0, sizeof col);
    gm_status st = gm_node_column(g->g, k, &col);
    if (st != GM_OK) { raise_status(g, st, c->key); return -1; }
    c->layout = col.layout;
    c->len = col.len;
    c->aliased = col.aliased;
    c->version = g->version;
    if (col.aliased) {
        c->col = col;
        c->live = 1;
        return 0;
    }
    /* materialised by the backend: copy into memory this object owns, give the view back */
    int rc = 0;
    size_t vbytes = (col.len + 7) / 8;
    c->valid_copy = dup_bytes(col.valid, vbytes);
    if (c->valid_copy == NULL) rc = -1;
    else if (col.layout == GM_COL_I64 || col.layout == GM_COL_F64) {
        c->data_copy = dup_bytes(col.layout == GM_COL_I64 ? (const void *)col.i64 : (const void *)col.f64,
                                 col.len * 8);
        if (c->data_copy == NULL) rc = -1;
    } else if (col.layout == GM_COL_BOOL) {
        c->data_copy = dup_bytes(col.bits, vbytes);
        if (c->data_copy == NULL) rc = -1;
    } else if (col.layout != GM_COL_EMPTY) {
        c->values = PyList_New((Py_ssize_t)col.len);
        if (c->values == NULL) rc = -1;
        g->busy++;
        for (size_t i = 0; rc == 0 && i < col.len; i++) {
            gm_value v;
            gm_status s2 = gm_column_value(&col, i, &v);
            PyObject *x;
            if (s2 == GM_ABSENT) x = Py_NewRef(Py_None);
            else if (s2 != GM_OK) x = raise_status(g, s2, NULL);
            else x = from_value_rec(&v);
            if (x == NULL) rc = -1;
            else PyList_SET_ITEM(c->values, (Py_ssize_t)i, x);
        }
        g->busy--;
    }
    gm_column_release(g->g, &col);
    if (rc < 0) col_drop(c);
    return rc;
}

/* Make the column reflect the graph's current state. */
static int col_fresh(ColumnObject *c)
{
    if (c->version == c->graph->version && (c->live || c->valid_copy)) return 0;
    return col_load(c);
}

static const uint8_t *col_valid(ColumnObject *c) { return c->live ? c->col.valid : c->valid_copy; }

static PyObject *column_new(GraphObject *g, PyObject *key)
{
    if (key_utf8(key) == NULL) return NULL;
    int known = PyDict_Contains(g->node_keys, key);
    if (known < 0) return NULL;
    if (!known) { PyErr_SetObject(PyExc_KeyError, key); return NULL; }
    ColumnObject *c = PyObject_New(ColumnObject, &ColumnType);
    if (c == NULL) return NULL;
    c->graph = (GraphObject *)Py_NewRef(g);
    c->key = Py_NewRef(key);
    c->version = 0;
    c->layout = GM_COL_EMPTY;
    c->len = 0;
    c->aliased = 0;
    c->live = 0;
    memset(&c->col, 0, sizeof c->col);
    c->valid_copy = NULL;
    c->data_copy = NULL;
    c->values = NULL;
    c->exports = 0;
    c->shape = 0;
    c->stride = 8;
    if (col_load(c) < 0) { Py_DECREF(c); return NULL; }
    return (PyObject *)c;
}

static void column_dealloc(ColumnObject *c)
{
    if (c->graph) col_drop(c);
    Py_CLEAR(c->key);
    Py_CLEAR(c->graph);
    PyObject_Free(c);
}

static int column_getbuffer(ColumnObject *c, Py_buffer *view, int flags)
{
    if (c->exports == 0 && col_fresh(c) < 0) return -1;
    /* a narrow int column (compact) exports its stored width, aliased: 'b', 'h' or 'i' */
    bool narrow = c->layout == GM_COL_INT && c->live &&
                  (c->col.width == 1 || c->col.width == 2 || c->col.width == 4);
    if (c->layout != GM_COL_I64 && c->layout != GM_COL_F64 && !narrow) {
        PyErr_Format(PyExc_BufferError,
                     "column %R has layout '%s': only i64, f64 and int columns export a buffer "
                     "(use tolist())", c->key, layout_name(c->layout));
        return -1;
    }
    if (flags & PyBUF_WRITABLE) {
        PyErr_SetString(PyExc_BufferError, "column buffers are read-only");
        return -1;
    }
    static char fmt_q[] = "q", fmt_d[] = "d", fmt_b[] = "b", fmt_h[] = "h", fmt_i[] = "i";
    static int64_t empty_buf[1];
    const void *data = narrow ? c->col.packed
                     : c->live ? (c->layout == GM_COL_I64 ? (const void *)c->col.i64
                                                           : (const void *)c->col.f64)
                               : c->data_copy;
    if (data == NULL) data = empty_buf;
    Py_ssize_t width = narrow ? (Py_ssize_t)c->col.width : 8;
    char *fmt = !narrow ? (c->layout == GM_COL_I64 ? fmt_q : fmt_d)
              : width == 1 ? fmt_b : width == 2 ? fmt_h : fmt_i;
    c->shape = (Py_ssize_t)c->len;
    c->stride = width;
    view->buf = (void *)data;
    view->obj = Py_NewRef(c);
    view->len = (Py_ssize_t)c->len * width;
    view->readonly = 1;
    view->itemsize = width;
    view->format = (flags & PyBUF_FORMAT) ? fmt : NULL;
    view->ndim = 1;
    view->shape = (flags & PyBUF_ND) ? &c->shape : NULL;
    view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? &c->stride : NULL;
    view->suboffsets = NULL;
    view->internal = NULL;
    c->exports++;
    c->graph->exports++;
    return 0;
}

static void column_releasebuffer(ColumnObject *c, Py_buffer *Py_UNUSED(view))
{
    c->exports--;
    c->graph->exports--;
}

static PyObject *col_item(ColumnObject *c, size_t i)
{
    const uint8_t *valid = col_valid(c);
    if (valid == NULL || !(valid[i / 8] >> (i % 8) & 1)) Py_RETURN_NONE;
    if (c->values) return Py_NewRef(PyList_GET_ITEM(c->values, (Py_ssize_t)i));
    if (!c->live) {
        if (c->layout == GM_COL_I64) return PyLong_FromLongLong(((const int64_t *)c->data_copy)[i]);
        if (c->layout == GM_COL_F64) return PyFloat_FromDouble(((const double *)c->data_copy)[i]);
        if (c->layout == GM_COL_BOOL)
            return PyBool_FromLong(((const uint8_t *)c->data_copy)[i / 8] >> (i % 8) & 1);
        Py_RETURN_NONE;
    }
    gm_value v;
    gm_status st = gm_column_value(&c->col, i, &v);
    if (st == GM_ABSENT) Py_RETURN_NONE;
    if (st != GM_OK) return raise_status(c->graph, st, NULL);
    c->graph->busy++;
    PyObject *r = from_value_rec(&v);
    c->graph->busy--;
    return r;
}

static PyObject *column_subscript(ColumnObject *c, PyObject *key)
{
    if (c->exports == 0 && col_fresh(c) < 0) return NULL;
    size_t i;
    if (PyUnicode_Check(key)) {
        gm_node h;
        if (find_node(c->graph, key, &h) < 0) return NULL;
        i = h;
    } else {
        Py_ssize_t x = PyNumber_AsSsize_t(key, PyExc_IndexError);
        if (x == -1 && PyErr_Occurred()) return NULL;
        if (x < 0 || (size_t)x >= c->len) {
            PyErr_SetString(PyExc_IndexError, "column index (a node handle) out of range");
            return NULL;
        }
        i = (size_t)x;
    }
    if (i >= c->len) Py_RETURN_NONE;
    return col_item(c, i);
}

static Py_ssize_t column_len(ColumnObject *c)
{
    if (c->exports == 0 && col_fresh(c) < 0) return -1;
    return (Py_ssize_t)c->len;
}

static PyObject *column_tolist(ColumnObject *c, PyObject *Py_UNUSED(a))
{
    if (c->exports == 0 && col_fresh(c) < 0) return NULL;
    PyObject *l = PyList_New((Py_ssize_t)c->len);
    if (l == NULL) return NULL;
    c->graph->busy++;
    for (size_t i = 0; i < c->len; i++) {
        PyObject *x = col_item(c, i);
        if (x == NULL) { c->graph->busy--; Py_DECREF(l); return NULL; }
        PyList_SET_ITEM(l, (Py_ssize_t)i, x);
    }
    c->graph->busy--;
    return l;
}

static PyObject *column_get_valid(ColumnObject *c, void *Py_UNUSED(x))
{
    if (c->exports == 0 && col_fresh(c) < 0) return NULL;
    const uint8_t *v = col_valid(c);
    size_t n = (c->len + 7) / 8;
    if (v == NULL) return PyBytes_FromStringAndSize(NULL, 0);
    return PyBytes_FromStringAndSize((const char *)v, (Py_ssize_t)n);
}

static PyObject *column_get_layout(ColumnObject *c, void *Py_UNUSED(x))
{
    if (c->exports == 0 && col_fresh(c) < 0) return NULL;
    return PyUnicode_FromString(layout_name(c->layout));
}

static PyObject *column_get_aliased(ColumnObject *c, void *Py_UNUSED(x))
{
    if (c->exports == 0 && col_fresh(c) < 0) return NULL;
    return PyBool_FromLong(c->aliased);
}

static PyObject *column_get_format(ColumnObject *c, void *Py_UNUSED(x))
{
    if (c->exports == 0 && col_fresh(c) < 0) return NULL;
    if (c->layout == GM_COL_I64) return PyUnicode_FromString("q");
    if (c->layout == GM_COL_F64) return PyUnicode_FromString("d");
    if (c->layout == GM_COL_INT && c->live)
        return PyUnicode_FromString(c->col.width == 1 ? "b" : c->col.width == 2 ? "h" : "i");
    Py_RETURN_NONE;
}

static PyObject *column_get_key(ColumnObject *c, void *Py_UNUSED(x)) { return Py_NewRef(c->key); }
static PyObject *column_get_exports(ColumnObject *c, void *Py_UNUSED(x))
{ return PyLong_FromSsize_t(c->exports); }

static PyObject *column_repr(ColumnObject *c)
{
    return PyUnicode_FromFormat("<graphmem.Column %R layout=%s len=%zu aliased=%s>", c->key,
                                layout_name(c->layout), c->len, c->aliased ? "True" : "False");
}

static PyMethodDef column_methods[] = {
    {"tolist", (PyCFunction)column_tolist, METH_NOARGS,
     "values for node handles 0..len-1 (None where a node is removed or lacks the attribute)"},
    {NULL, NULL, 0, NULL}
};

static PyGetSetDef column_getset[] = {
    {"key", (getter)column_get_key, NULL, "attribute name", NULL},
    {"layout", (getter)column_get_layout, NULL, "'i64', 'f64', 'bool', 'str', 'dict', 'values' or 'empty'", NULL},
    {"aliased", (getter)column_get_aliased, NULL, "True when buffers point into the store (zero copy)", NULL},
    {"format", (getter)column_get_format, NULL, "buffer format: 'q', 'd', or None (no buffer)", NULL},
    {"valid", (getter)column_get_valid, NULL,
     "validity bitmap as bytes: bit i of valid[i // 8] (LSB first) is set iff node handle i is "
     "live and has the attribute; buffer slots whose bit is clear hold unspecified data", NULL},
    {"exports", (getter)column_get_exports, NULL, "buffers currently exported from this column", NULL},
    {NULL, NULL, NULL, NULL, NULL}
};

static PyBufferProcs column_as_buffer = {
    (getbufferproc)column_getbuffer, (releasebufferproc)column_releasebuffer
};
static PyMappingMethods column_as_mapping = {(lenfunc)column_len, (binaryfunc)column_subscript, NULL};

static PyTypeObject ColumnType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "graphmem.Column",
    .tp_basicsize = sizeof(ColumnObject),
    .tp_dealloc = (destructor)column_dealloc,
    .tp_repr = (reprfunc)column_repr,
    .tp_as_mapping = &column_as_mapping,
    .tp_as_buffer = &column_as_buffer,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "One node attribute for every node handle. memoryview(col) (i64/f64 layouts) is a "
              "read-only buffer: zero copy on aliasing backends, a copy owned by the column "
              "elsewhere. While any buffer is exported the graph refuses mutations (BufferError).",
    .tp_methods = column_methods,
    .tp_getset = column_getset,
};

/* g.columns */
static PyObject *colview_subscript(ViewObject *v, PyObject *key) { return column_new(v->graph, key); }
static Py_ssize_t colview_len(ViewObject *v) { return PyDict_GET_SIZE(v->graph->node_keys); }
static int colview_contains(ViewObject *v, PyObject *key) { return PyDict_Contains(v->graph->node_keys, key); }
static PyObject *colview_iter(ViewObject *v)
{
    PyObject *k = PyDict_Keys(v->graph->node_keys);
    if (k == NULL) return NULL;
    PyObject *it = PyObject_GetIter(k);
    Py_DECREF(k);
    return it;
}

static PyMappingMethods colview_as_mapping = {(lenfunc)colview_len, (binaryfunc)colview_subscript, NULL};
static PySequenceMethods colview_as_sequence = {.sq_contains = (objobjproc)colview_contains};

static PyTypeObject ColumnsViewType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "graphmem.ColumnsView",
    .tp_basicsize = sizeof(ViewObject),
    .tp_dealloc = (destructor)view_dealloc,
    .tp_as_mapping = &colview_as_mapping,
    .tp_as_sequence = &colview_as_sequence,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "g.columns: g.columns['salary'] is a Column; iteration lists node attribute names "
              "ever set. Separate from g.nodes so a column name never collides with a node id.",
    .tp_traverse = (traverseproc)view_traverse,
    .tp_clear = (inquiry)view_clear,
    .tp_iter = (getiterfunc)colview_iter,
};

/* ------------------------------------------------------------------ Graph */

static const char *default_backend(void)
{
    size_t n = gm_backend_count();
    for (size_t i = 0; i < n; i++)
        if (strcmp(gm_backend_name(i), "zerocopy") == 0) return "zerocopy";
    return n ? gm_backend_name(n - 1) : "zerocopy";
}

static PyObject *graph_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    static char *kw[] = {"backend", NULL};
    const char *backend = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|s:Graph", kw, &backend)) return NULL;
    if (backend == NULL) backend = default_backend();
    GraphObject *self = (GraphObject *)type->tp_alloc(type, 0);
    if (self == NULL) return NULL;
    self->node_keys = PyDict_New();
    self->edge_keys = PyDict_New();
    if (self->node_keys == NULL || self->edge_keys == NULL) { Py_DECREF(self); return NULL; }
    char err[300];
    gm_status st = gm_open(backend, &self->g, err, sizeof err);
    if (st != GM_OK) {
        Py_DECREF(self);
        if (st == GM_ENOMEM) PyErr_Format(PyExc_MemoryError, "graphmem: %s", err);
        else PyErr_Format(PyExc_ValueError, "%s", err);
        return NULL;
    }
    return (PyObject *)self;
}

static int graph_traverse(GraphObject *self, visitproc visit, void *arg)
{
    Py_VISIT(self->nodes_view);
    Py_VISIT(self->columns_view);
    return 0;
}

static int graph_clear(GraphObject *self)
{
    Py_CLEAR(self->nodes_view);
    Py_CLEAR(self->columns_view);
    return 0;
}

static void graph_dealloc(GraphObject *self)
{
    PyObject_GC_UnTrack(self);
    graph_clear(self);
    Py_CLEAR(self->node_keys);
    Py_CLEAR(self->edge_keys);
    gm_close(self->g);
    self->g = NULL;
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *graph_get_nodes(GraphObject *self, void *Py_UNUSED(c))
{
    if (self->nodes_view == NULL) {
        self->nodes_view = view_new(&NodeViewType, self);
        if (self->nodes_view == NULL) return NULL;
    }
    return Py_NewRef(self->nodes_view);
}

static PyObject *graph_get_columns(GraphObject *self, void *Py_UNUSED(c))
{
    if (self->columns_view == NULL) {
        self->columns_view = view_new(&ColumnsViewType, self);
        if (self->columns_view == NULL) return NULL;
    }
    return Py_NewRef(self->columns_view);
}

static PyObject *graph_get_backend(GraphObject *self, void *Py_UNUSED(c))
{ return PyUnicode_FromString(gm_graph_backend(self->g)); }

static PyObject *graph_get_exports(GraphObject *self, void *Py_UNUSED(c))
{ return PyLong_FromSsize_t(self->exports); }

static PyObject *graph_add_node(GraphObject *self, PyObject *args, PyObject *kwargs)
{
    PyObject *id;
    if (!PyArg_ParseTuple(args, "O:add_node", &id)) return NULL;
    if (add_node_attrs(self, id, kwargs, NULL, NULL) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject *graph_add_nodes_from(GraphObject *self, PyObject *args, PyObject *kwargs)
{
    PyObject *nodes;
    if (!PyArg_ParseTuple(args, "O:add_nodes_from", &nodes)) return NULL;
    PyObject *it = PyObject_GetIter(nodes), *item;
    if (it == NULL) return NULL;
    while ((item = PyIter_Next(it)) != NULL) {
        int rc;
        if (PyUnicode_Check(item)) rc = add_node_attrs(self, item, NULL, kwargs, NULL);
        else if ((PyTuple_Check(item) && PyTuple_GET_SIZE(item) == 2 &&
                  PyDict_Check(PyTuple_GET_ITEM(item, 1))) ||
                 (PyList_Check(item) && PyList_GET_SIZE(item) == 2 &&
                  PyDict_Check(PyList_GET_ITEM(item, 1)))) {
            PyObject *id = PySequence_Fast_GET_ITEM(item, 0), *d = PySequence_Fast_GET_ITEM(item, 1);
            Py_INCREF(id);
            Py_INCREF(d);
            rc = add_node_attrs(self, id, d, kwargs, NULL);
            Py_DECREF(id);
            Py_DECREF(d);
        } else {
            PyErr_Format(PyExc_TypeError,
                         "add_nodes_from takes node ids (str) or (id, dict) pairs, not %.100s",
                         Py_TYPE(item)->tp_name);
            rc = -1;
        }
        Py_DECREF(item);
        if (rc < 0) { Py_DECREF(it); return NULL; }
    }
    Py_DECREF(it);
    if (PyErr_Occurred()) return NULL;
    Py_RETURN_NONE;
}

static PyObject *graph_add_edge(GraphObject *self, PyObject *args, PyObject *kwargs)
{
    PyObject *u, *v;
    if (!PyArg_ParseTuple(args, "OO:add_edge", &u, &v)) return NULL;
    gm_edge e;
    if (add_edge_attrs(self, u, v, kwargs, NULL, &e) < 0) return NULL;
    return PyLong_FromUnsignedLong(e);
}

static PyObject *graph_add_edges_from(GraphObject *self, PyObject *args, PyObject *kwargs)
{
    PyObject *edges;
    if (!PyArg_ParseTuple(args, "O:add_edges_from", &edges)) return NULL;
    PyObject *it = PyObject_GetIter(edges), *item;
    if (it == NULL) return NULL;
    while ((item = PyIter_Next(it)) != NULL) {
        int rc = -1;
        PyObject *fast = (PyTuple_Check(item) || PyList_Check(item)) ? Py_NewRef(item) : NULL;
        Py_ssize_t n = fast ? PySequence_Fast_GET_SIZE(fast) : 0;
        if (fast && (n == 2 || (n == 3 && PyDict_Check(PySequence_Fast_GET_ITEM(fast, 2))))) {
            PyObject *u = Py_NewRef(PySequence_Fast_GET_ITEM(fast, 0));
            PyObject *v = Py_NewRef(PySequence_Fast_GET_ITEM(fast, 1));
            PyObject *d = n == 3 ? Py_NewRef(PySequence_Fast_GET_ITEM(fast, 2)) : NULL;
            rc = add_edge_attrs(self, u, v, d, kwargs, NULL);
            Py_DECREF(u);
            Py_DECREF(v);
            Py_XDECREF(d);
        } else {
            PyErr_Format(PyExc_TypeError,
                         "add_edges_from takes (u, v) or (u, v, dict) tuples, not %.100s",
                         Py_TYPE(item)->tp_name);
        }
        Py_XDECREF(fast);
        Py_DECREF(item);
        if (rc < 0) { Py_DECREF(it); return NULL; }
    }
    Py_DECREF(it);
    if (PyErr_Occurred()) return NULL;
    Py_RETURN_NONE;
}

static PyObject *graph_remove_node(GraphObject *self, PyObject *id)
{
    gm_node h;
    if (find_node(self, id, &h) < 0 || graph_mutable(self) < 0) return NULL;
    gm_status st = gm_node_remove(self->g, h);
    if (st != GM_OK) return raise_status(self, st, id);
    Py_RETURN_NONE;
}

static PyObject *graph_remove_nodes_from(GraphObject *self, PyObject *ids)
{
    PyObject *it = PyObject_GetIter(ids), *item;
    if (it == NULL) return NULL;
    while ((item = PyIter_Next(it)) != NULL) {
        gm_node h;
        int rc = 0;
        if (graph_contains_id(self, item) == 1) {     /* unknown ids are ignored, as in NetworkX */
            rc = find_node(self, item, &h);
            if (rc == 0) rc = graph_mutable(self);
            if (rc == 0) {
                gm_status st = gm_node_remove(self->g, h);
                if (st != GM_OK) { raise_status(self, st, item); rc = -1; }
            }
        } else if (PyErr_Occurred()) rc = -1;
        Py_DECREF(item);
        if (rc < 0) { Py_DECREF(it); return NULL; }
    }
    Py_DECREF(it);
    if (PyErr_Occurred()) return NULL;
    Py_RETURN_NONE;
}

/* First edge u -> v in handle order, or -1 with KeyError. */
static int find_edge(GraphObject *self, PyObject *u, PyObject *v, gm_edge *out)
{
    gm_node a, b;
    if (find_node(self, u, &a) < 0 || find_node(self, v, &b) < 0) return -1;
    gm_neighbors nb;
    gm_status st = gm_out_neighbors(self->g, a, &nb);
    if (st != GM_OK) { raise_status(self, st, u); return -1; }
    for (size_t i = 0; i < nb.len; i++)
        if (nb.nodes[i] == b) { *out = nb.edges[i]; return 0; }
    PyObject *t = PyTuple_Pack(2, u, v);
    if (t) { PyErr_SetObject(PyExc_KeyError, t); Py_DECREF(t); }
    return -1;
}

static PyObject *graph_remove_edge(GraphObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) { PyErr_SetString(PyExc_TypeError, "remove_edge(u, v)"); return NULL; }
    gm_edge e;
    if (find_edge(self, args[0], args[1], &e) < 0 || graph_mutable(self) < 0) return NULL;
    gm_status st = gm_edge_remove(self->g, e);
    if (st != GM_OK) return raise_status(self, st, NULL);
    Py_RETURN_NONE;
}

static PyObject *graph_has_edge(GraphObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) { PyErr_SetString(PyExc_TypeError, "has_edge(u, v)"); return NULL; }
    gm_edge e;
    if (find_edge(self, args[0], args[1], &e) == 0) Py_RETURN_TRUE;
    if (!PyErr_ExceptionMatches(PyExc_KeyError)) return NULL;
    PyErr_Clear();
    Py_RETURN_FALSE;
}

static PyObject *graph_has_node(GraphObject *self, PyObject *id)
{
    int r = graph_contains_id(self, id);
    if (r < 0) return NULL;
    return PyBool_FromLong(r);
}

static PyObject *graph_neighbors(GraphObject *self, PyObject *id)
{
    gm_node h;
    if (find_node(self, id, &h) < 0) return NULL;
    gm_neighbors nb;
    gm_status st = gm_out_neighbors(self->g, h, &nb);
    if (st != GM_OK) return raise_status(self, st, id);
    /* copy the handles first: the arrays die at the next gm_out_neighbors() */
    gm_node inl[32];
    gm_node *hs = nb.len <= 32 ? inl : PyMem_Malloc(nb.len * sizeof *hs);
    if (hs == NULL) return PyErr_NoMemory();
    if (nb.len) memcpy(hs, nb.nodes, nb.len * sizeof *hs);
    size_t n = nb.len;
    PyObject *l = PyList_New((Py_ssize_t)n);
    self->busy++;                       /* ids are borrowed until their node is removed */
    for (size_t i = 0; l != NULL && i < n; i++) {
        PyObject *x = node_id_obj(self, hs[i]);
        if (x == NULL) Py_CLEAR(l);
        else PyList_SET_ITEM(l, (Py_ssize_t)i, x);
    }
    self->busy--;
    if (hs != inl) PyMem_Free(hs);
    return l;
}

static PyObject *graph_degree_impl(GraphObject *self, PyObject *id, int which)
{
    gm_node h;
    if (find_node(self, id, &h) < 0) return NULL;
    size_t o = 0, i = 0;
    gm_status st = GM_OK;
    if (which & 1) st = gm_out_degree(self->g, h, &o);
    if (st == GM_OK && (which & 2)) st = gm_in_degree(self->g, h, &i);
    if (st != GM_OK) return raise_status(self, st, id);
    return PyLong_FromSize_t(o + i);
}

static PyObject *graph_degree(GraphObject *self, PyObject *id) { return graph_degree_impl(self, id, 3); }
static PyObject *graph_out_degree(GraphObject *self, PyObject *id) { return graph_degree_impl(self, id, 1); }
static PyObject *graph_in_degree(GraphObject *self, PyObject *id) { return graph_degree_impl(self, id, 2); }

static PyObject *graph_number_of_nodes(GraphObject *self, PyObject *Py_UNUSED(a))
{ return PyLong_FromSize_t(gm_node_count(self->g)); }
static PyObject *graph_number_of_edges(GraphObject *self, PyObject *Py_UNUSED(a))
{ return PyLong_FromSize_t(gm_edge_count(self->g)); }
static PyObject *graph_node_bound(GraphObject *self, PyObject *Py_UNUSED(a))
{ return PyLong_FromSize_t(gm_node_bound(self->g)); }

/* g.get(id, key, default=None): the direct path, one call. */
static PyObject *graph_get(GraphObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 2 || nargs > 3) {
        PyErr_SetString(PyExc_TypeError, "get(id, key, default=None)");
        return NULL;
    }
    gm_node h;
    if (find_node(self, args[0], &h) < 0) return NULL;
    int absent;
    PyObject *r = node_get_py(self, h, args[1], &absent);
    if (r == NULL && absent) return Py_NewRef(nargs == 3 ? args[2] : Py_None);
    return r;
}

static PyObject *graph_set(GraphObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) { PyErr_SetString(PyExc_TypeError, "set(id, key, value)"); return NULL; }
    gm_node h;
    if (find_node(self, args[0], &h) < 0 || node_set_py(self, h, args[1], args[2]) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject *graph_unset(GraphObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) { PyErr_SetString(PyExc_TypeError, "unset(id, key)"); return NULL; }
    gm_node h;
    if (find_node(self, args[0], &h) < 0 || node_unset_py(self, h, args[1]) < 0) return NULL;
    Py_RETURN_NONE;
}

/* get_json(id, key) -> JSON text or None: the layered path's core call. */
static PyObject *graph_get_json(GraphObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) { PyErr_SetString(PyExc_TypeError, "get_json(id, key)"); return NULL; }
    gm_node h;
    if (find_node(self, args[0], &h) < 0) return NULL;
    const char *k = key_utf8(args[1]);
    if (k == NULL) return NULL;
    gm_value v;
    gm_status st = gm_node_get(self->g, h, k, &v);
    if (st == GM_ABSENT) Py_RETURN_NONE;
    if (st != GM_OK) return raise_status(self, st, NULL);
    char *text = NULL;
    st = gm_value_to_json(&v, &text);
    if (st != GM_OK) return raise_status(NULL, st, NULL);
    PyObject *r = PyUnicode_DecodeUTF8(text, (Py_ssize_t)strlen(text), "surrogateescape");
    gm_mem_free(text);
    return r;
}

static PyObject *graph_set_json(GraphObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) { PyErr_SetString(PyExc_TypeError, "set_json(id, key, text)"); return NULL; }
    gm_node h;
    if (find_node(self, args[0], &h) < 0) return NULL;
    const char *k = key_utf8(args[1]);
    if (k == NULL) return NULL;
    if (!PyUnicode_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "set_json: text must be str");
        return NULL;
    }
    Py_ssize_t n;
    const char *t = PyUnicode_AsUTF8AndSize(args[2], &n);
    if (t == NULL || graph_mutable(self) < 0) return NULL;
    gm_status st = gm_node_set_json(self->g, h, k, t, (size_t)n);
    if (st != GM_OK) return raise_status(self, st, NULL);
    if (register_key(self->node_keys, args[1]) < 0) return NULL;
    Py_RETURN_NONE;
}

/* set_batch(key, ids, values): one gm_node_set_batch call. */
static PyObject *graph_set_batch(GraphObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) { PyErr_SetString(PyExc_TypeError, "set_batch(key, ids, values)"); return NULL; }
    const char *k = key_utf8(args[0]);
    if (k == NULL) return NULL;
    PyObject *ids = PySequence_Fast(args[1], "set_batch: ids must be a sequence");
    if (ids == NULL) return NULL;
    PyObject *vals = PySequence_Fast(args[2], "set_batch: values must be a sequence");
    if (vals == NULL) { Py_DECREF(ids); return NULL; }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(ids);
    PyObject *result = NULL;
    arena a;
    arena_init(&a);
    if (PySequence_Fast_GET_SIZE(vals) != n) {
        PyErr_SetString(PyExc_ValueError, "set_batch: ids and values differ in length");
        goto done;
    }
    gm_node *hs = arena_alloc(&a, (size_t)n * sizeof *hs);
    gm_value *vs = hs ? arena_alloc(&a, (size_t)n * sizeof *vs) : NULL;
    if (vs == NULL) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (find_node(self, PySequence_Fast_GET_ITEM(ids, i), &hs[i]) < 0) goto done;
        if (to_value(PySequence_Fast_GET_ITEM(vals, i), &vs[i], &a, 0) < 0) goto done;
    }
    if (graph_mutable(self) < 0) goto done;
    gm_status st = gm_node_set_batch(self->g, k, hs, vs, (size_t)n);
    if (st != GM_OK) { raise_status(self, st, NULL); goto done; }
    if (register_key(self->node_keys, args[0]) < 0) goto done;
    result = Py_NewRef(Py_None);
done:
    arena_free(&a);
    Py_DECREF(ids);
    Py_DECREF(vals);
    return result;
}

static PyObject *graph_column(GraphObject *self, PyObject *key) { return column_new(self, key); }

/* filter(*triples, **kw): kw is key=value (==) or key__op=value with op in eq ne lt le gt ge;
** positional triples (key, "==" | "!=" | "<" | "<=" | ">" | ">=", value). Returns a list of ids. */
static int op_from_text(const char *s, gm_op *op)
{
    static const struct { const char *a, *b; gm_op op; } t[] = {
        {"==", "eq", GM_EQ}, {"!=", "ne", GM_NE}, {"<", "lt", GM_LT},
        {"<=", "le", GM_LE}, {">", "gt", GM_GT}, {">=", "ge", GM_GE},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp(s, t[i].a) == 0 || strcmp(s, t[i].b) == 0) { *op = t[i].op; return 0; }
    return -1;
}

static PyObject *graph_filter(GraphObject *self, PyObject *args, PyObject *kwargs)
{
    Py_ssize_t np = PyTuple_GET_SIZE(args) + (kwargs ? PyDict_GET_SIZE(kwargs) : 0);
    PyObject *hold = PyList_New(0), *result = NULL;   /* keeps key strings alive */
    if (hold == NULL) return NULL;
    arena a;
    arena_init(&a);
    gm_list out = {NULL, 0, 0};
    gm_pred *preds = arena_alloc(&a, (size_t)np * sizeof *preds);
    if (preds == NULL) goto done;
    Py_ssize_t i = 0;
    for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(args); j++, i++) {
        PyObject *t = PyTuple_GET_ITEM(args, j);
        if (!PyTuple_Check(t) || PyTuple_GET_SIZE(t) != 3 || !PyUnicode_Check(PyTuple_GET_ITEM(t, 1))) {
            PyErr_SetString(PyExc_TypeError, "filter: positional predicates are (key, op, value) "
                            "tuples with op one of == != < <= > >=");
            goto done;
        }
        const char *ops = PyUnicode_AsUTF8(PyTuple_GET_ITEM(t, 1));
        if (ops == NULL) goto done;
        if (op_from_text(ops, &preds[i].op) < 0) {
            PyErr_Format(PyExc_ValueError, "filter: unknown operator %R", PyTuple_GET_ITEM(t, 1));
            goto done;
        }
        if ((preds[i].key = key_utf8(PyTuple_GET_ITEM(t, 0))) == NULL) goto done;
        if (to_value(PyTuple_GET_ITEM(t, 2), &preds[i].value, &a, 1) < 0) goto done;
    }
    if (kwargs) {
        Py_ssize_t pos = 0;
        PyObject *k, *v;
        while (PyDict_Next(kwargs, &pos, &k, &v)) {
            Py_ssize_t len;
            const char *s = PyUnicode_AsUTF8AndSize(k, &len);
            if (s == NULL) goto done;
            PyObject *key = Py_NewRef(k);
            preds[i].op = GM_EQ;
            const char *us = len >= 4 ? strstr(s + len - 4, "__") : NULL;
            if (us != NULL && us > s && op_from_text(us + 2, &preds[i].op) == 0) {
                Py_DECREF(key);
                key = PyUnicode_FromStringAndSize(s, us - s);
                if (key == NULL) goto done;
            }
            int rc = PyList_Append(hold, key);
            Py_DECREF(key);
            if (rc < 0) goto done;
            if ((preds[i].key = key_utf8(key)) == NULL) goto done;
            if (to_value(v, &preds[i].value, &a, 1) < 0) goto done;
            i++;
        }
    }
    gm_status st = gm_filter(self->g, preds, (size_t)np, &out);
    if (st != GM_OK) { raise_status(self, st, NULL); goto done; }
    result = PyList_New((Py_ssize_t)out.len);
    self->busy++;
    for (size_t j = 0; result != NULL && j < out.len; j++) {
        PyObject *x = node_id_obj(self, out.items[j]);
        if (x == NULL) Py_CLEAR(result);
        else PyList_SET_ITEM(result, (Py_ssize_t)j, x);
    }
    self->busy--;
done:
    gm_list_free(&out);
    arena_free(&a);
    Py_DECREF(hold);
    return result;
}

static PyObject *graph_handle(GraphObject *self, PyObject *id)
{
    gm_node h;
    if (find_node(self, id, &h) < 0) return NULL;
    return PyLong_FromUnsignedLong(h);
}

static PyObject *graph_node_id(GraphObject *self, PyObject *arg)
{
    unsigned long h = PyLong_AsUnsignedLong(arg);
    if (h == (unsigned long)-1 && PyErr_Occurred()) return NULL;
    if (h >= GM_NONE) { PyErr_SetObject(PyExc_KeyError, arg); return NULL; }
    return node_id_obj(self, (gm_node)h);
}

static PyObject *graph_edges(GraphObject *self, PyObject *Py_UNUSED(a))
{
    PyObject *l = PyList_New(0);
    if (l == NULL) return NULL;
    gm_edge e = GM_NONE;
    while (gm_edge_next(self->g, &e) == GM_OK) {
        gm_node s, d;
        gm_status st = gm_edge_ends(self->g, e, &s, &d);
        if (st != GM_OK) { Py_DECREF(l); return raise_status(self, st, NULL); }
        PyObject *a = node_id_obj(self, s), *b = a ? node_id_obj(self, d) : NULL;
        PyObject *t = b ? PyTuple_Pack(2, a, b) : NULL;
        Py_XDECREF(a);
        Py_XDECREF(b);
        if (t == NULL || PyList_Append(l, t) < 0) { Py_XDECREF(t); Py_DECREF(l); return NULL; }
        Py_DECREF(t);
    }
    return l;
}

static int edge_arg(PyObject *o, gm_edge *e)
{
    unsigned long x = PyLong_AsUnsignedLong(o);
    if (x == (unsigned long)-1 && PyErr_Occurred()) return -1;
    if (x >= GM_NONE) { PyErr_SetObject(PyExc_KeyError, o); return -1; }
    *e = (gm_edge)x;
    return 0;
}

static PyObject *graph_get_edge(GraphObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 2 || nargs > 3) {
        PyErr_SetString(PyExc_TypeError, "get_edge(edge, key, default=None)");
        return NULL;
    }
    gm_edge e;
    const char *k;
    if (edge_arg(args[0], &e) < 0 || (k = key_utf8(args[1])) == NULL) return NULL;
    gm_value v;
    gm_status st = gm_edge_get(self->g, e, k, &v);
    if (st == GM_OK) return from_value(self, &v);
    if (st == GM_ABSENT) return Py_NewRef(nargs == 3 ? args[2] : Py_None);
    return raise_status(self, st, args[0]);
}

static PyObject *graph_set_edge(GraphObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) { PyErr_SetString(PyExc_TypeError, "set_edge(edge, key, value)"); return NULL; }
    gm_edge e;
    const char *k;
    if (edge_arg(args[0], &e) < 0 || (k = key_utf8(args[1])) == NULL) return NULL;
    arena a;
    arena_init(&a);
    gm_value v;
    PyObject *r = NULL;
    if (to_value(args[2], &v, &a, 0) == 0 && graph_mutable(self) == 0) {
        gm_status st = gm_edge_set(self->g, e, k, &v);
        if (st != GM_OK) raise_status(self, st, args[0]);
        else if (register_key(self->edge_keys, args[1]) == 0) r = Py_NewRef(Py_None);
    }
    arena_free(&a);
    return r;
}

static PyObject *graph_edge_ends(GraphObject *self, PyObject *arg)
{
    gm_edge e;
    if (edge_arg(arg, &e) < 0) return NULL;
    gm_node s, d;
    gm_status st = gm_edge_ends(self->g, e, &s, &d);
    if (st != GM_OK) return raise_status(self, st, arg);
    PyObject *a = node_id_obj(self, s), *b = a ? node_id_obj(self, d) : NULL;
    PyObject *t = b ? PyTuple_Pack(2, a, b) : NULL;
    Py_XDECREF(a);
    Py_XDECREF(b);
    return t;
}

static void usage_cb(void *ud, const char *component, size_t bytes)
{
    PyObject *d = ud, *v;
    if (PyErr_Occurred()) return;
    v = PyLong_FromSize_t(bytes);
    if (v) { PyDict_SetItemString(d, component, v); Py_DECREF(v); }
}

static PyObject *graph_memory_usage(GraphObject *self, PyObject *Py_UNUSED(a))
{
    PyObject *d = PyDict_New();
    if (d == NULL) return NULL;
    gm_status st = gm_memory_usage(self->g, usage_cb, d);
    if (PyErr_Occurred()) { Py_DECREF(d); return NULL; }
    if (st == GM_EINVAL) { Py_DECREF(d); Py_RETURN_NONE; }
    if (st != GM_OK) { Py_DECREF(d); return raise_status(self, st, NULL); }
    return d;
}

static Py_ssize_t graph_len(GraphObject *self) { return (Py_ssize_t)gm_node_count(self->g); }
static int graph_contains(GraphObject *self, PyObject *id) { return graph_contains_id(self, id); }
static PyObject *graph_iter(GraphObject *self) { return iter_new(self); }

static PyObject *graph_repr(GraphObject *self)
{
    return PyUnicode_FromFormat("<graphmem.Graph backend=%s nodes=%zu edges=%zu>",
                                gm_graph_backend(self->g), gm_node_count(self->g),
                                gm_edge_count(self->g));
}

#define FASTCALL(f) (PyCFunction)(void (*)(void))(f), METH_FASTCALL
#define KWCALL(f) (PyCFunction)(void (*)(void))(f), METH_VARARGS | METH_KEYWORDS

static PyMethodDef graph_methods[] = {
    {"add_node", KWCALL(graph_add_node), "add_node(id, **attrs): add a node or update its attributes"},
    {"add_nodes_from", KWCALL(graph_add_nodes_from),
     "add_nodes_from(iterable, **attrs): ids or (id, dict) pairs, as NetworkX"},
    {"add_edge", KWCALL(graph_add_edge),
     "add_edge(u, v, **attrs) -> edge handle; unknown endpoints are added"},
    {"add_edges_from", KWCALL(graph_add_edges_from),
     "add_edges_from(iterable, **attrs): (u, v) or (u, v, dict) tuples"},
    {"remove_node", (PyCFunction)graph_remove_node, METH_O, "remove_node(id): KeyError if unknown"},
    {"remove_nodes_from", (PyCFunction)graph_remove_nodes_from, METH_O,
     "remove_nodes_from(ids): unknown ids are ignored"},
    {"remove_edge", FASTCALL(graph_remove_edge), "remove_edge(u, v): removes the first edge u -> v"},
    {"has_edge", FASTCALL(graph_has_edge), "has_edge(u, v)"},
    {"has_node", (PyCFunction)graph_has_node, METH_O, "has_node(id)"},
    {"neighbors", (PyCFunction)graph_neighbors, METH_O,
     "neighbors(id) -> list of out-neighbour ids (a parallel edge repeats its target)"},
    {"successors", (PyCFunction)graph_neighbors, METH_O, "same as neighbors"},
    {"degree", (PyCFunction)graph_degree, METH_O, "degree(id): in-degree + out-degree"},
    {"out_degree", (PyCFunction)graph_out_degree, METH_O, "out_degree(id)"},
    {"in_degree", (PyCFunction)graph_in_degree, METH_O, "in_degree(id)"},
    {"number_of_nodes", (PyCFunction)graph_number_of_nodes, METH_NOARGS, "number of nodes"},
    {"number_of_edges", (PyCFunction)graph_number_of_edges, METH_NOARGS, "number of edges"},
    {"node_bound", (PyCFunction)graph_node_bound, METH_NOARGS,
     "one past the largest node handle ever handed out (= len of a column)"},
    {"get", FASTCALL(graph_get), "get(id, key, default=None): one attribute, one call"},
    {"set", FASTCALL(graph_set), "set(id, key, value)"},
    {"unset", FASTCALL(graph_unset), "unset(id, key): KeyError if not set"},
    {"get_json", FASTCALL(graph_get_json), "get_json(id, key) -> JSON text, or None if not set"},
    {"set_json", FASTCALL(graph_set_json), "set_json(id, key, text): value given as JSON text"},
    {"set_batch", FASTCALL(graph_set_batch), "set_batch(key, ids, values): one batch call"},
    {"column", (PyCFunction)graph_column, METH_O, "column(key) -> Column (same as g.columns[key])"},
    {"filter", KWCALL(graph_filter),
     "filter(*(key, op, value), **{key or key__op: value}) -> list of ids; op in eq ne lt le gt ge"},
    {"handle", (PyCFunction)graph_handle, METH_O, "handle(id) -> dense node handle (column index)"},
    {"node_id", (PyCFunction)graph_node_id, METH_O, "node_id(handle) -> id"},
    {"edges", (PyCFunction)graph_edges, METH_NOARGS, "list of (u, v) in edge-handle order"},
    {"get_edge", FASTCALL(graph_get_edge), "get_edge(edge, key, default=None)"},
    {"set_edge", FASTCALL(graph_set_edge), "set_edge(edge, key, value)"},
    {"edge_ends", (PyCFunction)graph_edge_ends, METH_O, "edge_ends(edge) -> (u, v)"},
    {"memory_usage", (PyCFunction)graph_memory_usage, METH_NOARGS,
     "the backend's byte breakdown {component: bytes}, or None"},
    {NULL, NULL, 0, NULL}
};

static PyGetSetDef graph_getset[] = {
    {"nodes", (getter)graph_get_nodes, NULL, "the NodeView: g.nodes[id] -> Node", NULL},
    {"columns", (getter)graph_get_columns, NULL, "the ColumnsView: g.columns[key] -> Column", NULL},
    {"backend", (getter)graph_get_backend, NULL, "backend name", NULL},
    {"exports", (getter)graph_get_exports, NULL, "column buffers currently exported", NULL},
    {NULL, NULL, NULL, NULL, NULL}
};

static PyMappingMethods graph_as_mapping = {(lenfunc)graph_len, NULL, NULL};
static PySequenceMethods graph_as_sequence = {.sq_contains = (objobjproc)graph_contains};

static PyTypeObject GraphType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "graphmem.Graph",
    .tp_basicsize = sizeof(GraphObject),
    .tp_dealloc = (destructor)graph_dealloc,
    .tp_repr = (reprfunc)graph_repr,
    .tp_as_mapping = &graph_as_mapping,
    .tp_as_sequence = &graph_as_sequence,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Graph(backend='zerocopy'): a directed multigraph with string node ids over one "
              "graphmem backend (see graphmem.backends()).",
    .tp_traverse = (traverseproc)graph_traverse,
    .tp_clear = (inquiry)graph_clear,
    .tp_iter = (getiterfunc)graph_iter,
    .tp_methods = graph_methods,
    .tp_getset = graph_getset,
    .tp_new = graph_new,
};

/* ------------------------------------------------------------------ module functions */

static PyObject *mod_backends(PyObject *Py_UNUSED(m), PyObject *Py_UNUSED(a))
{
    size_t n = gm_backend_count();
    PyObject *l = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; l != NULL && i < n; i++) {
        PyObject *s = PyUnicode_FromString(gm_backend_name(i));
        if (s == NULL) Py_CLEAR(l);
        else PyList_SET_ITEM(l, (Py_ssize_t)i, s);
    }
    return l;
}

static PyObject *mod_mem_stats(PyObject *Py_UNUSED(m), PyObject *Py_UNUSED(a))
{
    gm_mem_stats s = gm_mem_stats_get();
    return Py_BuildValue("{s:n,s:n,s:K,s:K}", "live", (Py_ssize_t)s.live, "peak",
                         (Py_ssize_t)s.peak, "nalloc", (unsigned long long)s.nalloc, "total",
                         (unsigned long long)s.total);
}

static PyObject *mod_reset_peak(PyObject *Py_UNUSED(m), PyObject *Py_UNUSED(a))
{
    gm_mem_reset_peak();
    Py_RETURN_NONE;
}

static PyObject *mod_fail_after(PyObject *Py_UNUSED(m), PyObject *arg)
{
    long n = PyLong_AsLong(arg);
    if (n == -1 && PyErr_Occurred()) return NULL;
    gm_mem_fail_after(n);
    Py_RETURN_NONE;
}

/* _count_allocations(fn, *args) -> (result, {"obj": n, "mem": n}): calls to the Python allocators
** (malloc/calloc, and realloc of NULL) in the OBJ and MEM domains while fn runs. Freelist reuse
** (small ints, floats, tuples, Node proxies) is not an allocation and is not counted. */
typedef struct { PyMemAllocatorEx old; unsigned long long n; } count_ctx;
static count_ctx cnt_obj, cnt_mem;

static void *cnt_malloc(void *ctx, size_t n)
{ count_ctx *c = ctx; c->n++; return c->old.malloc(c->old.ctx, n); }
static void *cnt_calloc(void *ctx, size_t a, size_t b)
{ count_ctx *c = ctx; c->n++; return c->old.calloc(c->old.ctx, a, b); }
static void *cnt_realloc(void *ctx, void *p, size_t n)
{ count_ctx *c = ctx; if (p == NULL) c->n++; return c->old.realloc(c->old.ctx, p, n); }
static void cnt_free(void *ctx, void *p) { count_ctx *c = ctx; c->old.free(c->old.ctx, p); }

static PyObject *mod_count_allocations(PyObject *Py_UNUSED(m), PyObject *args)
{
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    if (n < 1) { PyErr_SetString(PyExc_TypeError, "_count_allocations(fn, *args)"); return NULL; }
    PyObject *rest = PyTuple_GetSlice(args, 1, n);
    if (rest == NULL) return NULL;
    static int active;
    if (active) { Py_DECREF(rest); PyErr_SetString(PyExc_RuntimeError, "already counting"); return NULL; }
    active = 1;
    PyMemAllocatorEx hook_obj = {&cnt_obj, cnt_malloc, cnt_calloc, cnt_realloc, cnt_free};
    PyMemAllocatorEx hook_mem = {&cnt_mem, cnt_malloc, cnt_calloc, cnt_realloc, cnt_free};
    PyMem_GetAllocator(PYMEM_DOMAIN_OBJ, &cnt_obj.old);
    PyMem_GetAllocator(PYMEM_DOMAIN_MEM, &cnt_mem.old);
    cnt_obj.n = cnt_mem.n = 0;
    PyMem_SetAllocator(PYMEM_DOMAIN_OBJ, &hook_obj);
    PyMem_SetAllocator(PYMEM_DOMAIN_MEM, &hook_mem);
    PyObject *r = PyObject_Call(PyTuple_GET_ITEM(args, 0), rest, NULL);
    PyMem_SetAllocator(PYMEM_DOMAIN_OBJ, &cnt_obj.old);
    PyMem_SetAllocator(PYMEM_DOMAIN_MEM, &cnt_mem.old);
    active = 0;
    unsigned long long no = cnt_obj.n, nm = cnt_mem.n;
    Py_DECREF(rest);
    if (r == NULL) return NULL;
    return Py_BuildValue("(N{s:K,s:K})", r, "obj", no, "mem", nm);
}

/* Test-only: the counting allocator's block tracker (impl/src/mem.h), so a test can prove that a
** column buffer lies inside the store. _mem_track(on); _mem_serial() -> the last block's serial;
** _mem_block_serial(buffer) -> the serial of the live tracked block holding the whole buffer, 0
** if none; _mem_tracked() -> live tracked blocks. */
static PyObject *mod_mem_track(PyObject *Py_UNUSED(m), PyObject *arg)
{
    int on = PyObject_IsTrue(arg);
    if (on < 0) return NULL;
    gm_mem_track(on != 0);
    Py_RETURN_NONE;
}

static PyObject *mod_mem_block_serial(PyObject *Py_UNUSED(m), PyObject *arg)
{
    Py_buffer b;
    if (PyObject_GetBuffer(arg, &b, PyBUF_SIMPLE) < 0) return NULL;
    uint64_t serial = gm_mem_block_serial(b.buf, (size_t)b.len);
    PyBuffer_Release(&b);
    return PyLong_FromUnsignedLongLong(serial);
}

static PyObject *mod_mem_serial(PyObject *Py_UNUSED(m), PyObject *Py_UNUSED(a))
{
    return PyLong_FromUnsignedLongLong(gm_mem_serial());
}

static PyObject *mod_mem_tracked(PyObject *Py_UNUSED(m), PyObject *Py_UNUSED(a))
{
    return PyLong_FromSize_t(gm_mem_tracked());
}

static PyMethodDef module_methods[] = {
    {"backends", mod_backends, METH_NOARGS, "names of the registered backends, in phase order"},
    {"mem_stats", mod_mem_stats, METH_NOARGS,
     "the counting allocator: {'live', 'peak', 'nalloc', 'total'} (process-global, exact)"},
    {"_reset_peak", mod_reset_peak, METH_NOARGS, "peak := live"},
    {"_fail_after", mod_fail_after, METH_O,
     "fault injection: after n more store allocations every one fails; -1 turns it off"},
    {"_count_allocations", mod_count_allocations, METH_VARARGS,
     "_count_allocations(fn, *args) -> (result, {'obj': n, 'mem': n})"},
    {"_mem_track", mod_mem_track, METH_O, "test-only: start (True) or stop block tracking"},
    {"_mem_serial", mod_mem_serial, METH_NOARGS, "test-only: serial of the last tracked block"},
    {"_mem_block_serial", mod_mem_block_serial, METH_O,
     "test-only: serial of the live tracked block holding this whole buffer, 0 if none"},
    {"_mem_tracked", mod_mem_tracked, METH_NOARGS, "test-only: live blocks the tracker knows"},
    {NULL, NULL, 0, NULL}
};

static void module_free(void *Py_UNUSED(m))
{
    while (node_nfree > 0) PyObject_Free(node_freelist[--node_nfree]);
}

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "graphmem._graphmem",
    "CPython binding of graphmem (see python/README.md).", -1, module_methods,
    NULL, NULL, NULL, module_free,
};

PyMODINIT_FUNC PyInit__graphmem(void)
{
    PyTypeObject *types[] = {&GraphType, &NodeType, &NodeViewType, &ColumnsViewType, &IterType,
                             &ColumnType};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (PyType_Ready(types[i]) < 0) return NULL;
    PyObject *m = PyModule_Create(&module_def);
    if (m == NULL) return NULL;
    if (PyModule_AddObjectRef(m, "Graph", (PyObject *)&GraphType) < 0 ||
        PyModule_AddObjectRef(m, "Node", (PyObject *)&NodeType) < 0 ||
        PyModule_AddObjectRef(m, "NodeView", (PyObject *)&NodeViewType) < 0 ||
        PyModule_AddObjectRef(m, "ColumnsView", (PyObject *)&ColumnsViewType) < 0 ||
        PyModule_AddObjectRef(m, "Column", (PyObject *)&ColumnType) < 0 ||
        PyModule_AddStringConstant(m, "DEFAULT_BACKEND", default_backend()) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
