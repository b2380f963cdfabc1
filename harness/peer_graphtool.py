#!/usr/bin/python3
"""Driver for graph-tool (PROTOCOL.md); run by bench.py under PYTHONMALLOC=malloc.

graph-tool keeps vertices as indexes 0..n-1 and attributes in typed property maps (one C++
array per column).  The driver builds the graph the way the graph-tool documentation does:
g.add_vertex(n), one bulk g.add_edge_list(array) of (src, dst) indexes, then one property
map per attribute column filled in one call (g.new_vp(type, vals=column)).  The node ids
are hashed by the driver into a dict id -> vertex index (kept with the graph, so measured):
add_edge_list(hashed=True) would number vertices in first-seen order of the edge list and
drop isolated nodes, and graph-tool has no id index of its own for single lookups.

Each column gets the narrowest value type that holds every value (PROTOCOL.md, "graph-tool"):
bool, int32_t, int64_t, double (ints and floats mixed, every int below 2**53), string,
vector<int32_t|int64_t|double|string> for lists of one element type, python::object only
for mixed or nested values (nulls included).  A property map has a value for every vertex:
when some records lack the key, the column also gets a bool map "has" (absent keys match no
filter, as the protocol says).  set widens a column (int32 -> int64 -> double -> object)
when a new value does not fit.

graph-tool's first graph in a process allocates one-time module state; the driver builds a
warm-up graph, using every value type, before the heap baseline and reports what it kept as
the info row graphtool_first_graph_bytes (the cold figure).
"""
import os
import warnings

import numpy as np

warnings.filterwarnings("ignore", message=".*cairo.*")   # graph_tool.draw's import warning
_err = os.dup(2)                                          # some builds print it on fd 2
with open(os.devnull, "w") as _null:
    os.dup2(_null.fileno(), 2)
    try:
        import graph_tool as gt
    finally:
        os.dup2(_err, 2)
        os.close(_err)

import peerlib  # noqa: E402

I32 = (-2 ** 31, 2 ** 31 - 1)
I64 = (-2 ** 63, 2 ** 63 - 1)
WIDER = {"bool": "object", "int32_t": "int64_t", "int64_t": "double", "double": "object",
         "string": "object"}


def _scalar_type(vals):
    """Narrowest scalar value type for a list of non-None values, or None."""
    ts = {type(v) for v in vals}
    if ts == {bool}:
        return "bool"
    if ts == {int}:
        lo, hi = min(vals), max(vals)
        if I32[0] <= lo and hi <= I32[1]:
            return "int32_t"
        return "int64_t" if I64[0] <= lo and hi <= I64[1] else None
    if ts and ts <= {int, float}:
        if all(type(v) is float or abs(v) < 2 ** 53 for v in vals):
            return "double"
        return None
    if ts == {str}:
        return "string"
    return None


def value_type(vals):
    """The property map type of one column's present values."""
    if not vals:
        return "object"
    t = _scalar_type(vals)
    if t is not None:
        return t
    if all(type(v) is list for v in vals):
        elems = [e for v in vals for e in v]
        if not elems:
            return "object"         # only empty lists: the element type is unknown
        et = _scalar_type(elems)
        if et == "int32_t" or et == "int64_t" or et == "double" or et == "string":
            return f"vector<{et}>"
    return "object"


class Column:
    """One attribute: its property map, value type and presence mask (None: all present)."""
    __slots__ = ("vp", "kind", "has")

    def __init__(self, vp, kind, has):
        self.vp, self.kind, self.has = vp, kind, has


class Store:
    """A graph-tool graph with its id index and attribute columns."""

    def __init__(self, g, index):
        self.g, self.index, self.vcols, self.ecols = g, index, {}, {}


def _py(kind, v):
    """A stored value as the Python value the scenario had."""
    if kind == "bool":
        return bool(v)
    if kind.startswith("vector<"):
        return list(v)
    return v


def _columns(g, records, ai, new_map, n):
    keys = list(dict.fromkeys(k for r in records for k in r[ai]))   # first-seen order
    cols = {}
    for k in keys:
        raw = [r[ai].get(k, peerlib.MISSING) for r in records]
        present = [v for v in raw if v is not peerlib.MISSING]
        kind = value_type(present) if None not in present else "object"
        has = None
        if len(present) < n:
            has = new_map("bool", vals=[v is not peerlib.MISSING for v in raw])
            fill = {"bool": False, "string": "", "object": None}.get(
                kind, [] if kind.startswith("vector<") else 0)
            raw = [fill if v is peerlib.MISSING else v for v in raw]
        cols[k] = Column(_filled(new_map, kind, raw), kind, has)
    return cols


NP_TYPE = {"vector<int32_t>": np.int32, "vector<int64_t>": np.int64, "vector<double>": np.float64}


def _filled(new_map, kind, raw):
    """A property map holding raw: numeric vectors of one common length go in as one 2-D
    array (set_2d_array); new_map(vals=...) would set them one item at a time."""
    if kind in NP_TYPE and raw:
        n = len(raw[0])
        if n and all(len(v) == n for v in raw):
            vp = new_map(kind)
            vp.set_2d_array(np.array(raw, dtype=NP_TYPE[kind]).T)
            return vp
    return new_map(kind, vals=raw)


class GraphTool:
    def __init__(self, plan):
        self.keys, self.pred = peerlib.compile_predicate(plan["filter"])
        self.info = {"graphtool_version": gt.__version__.split()[0],
                     "id_lookup": "dict_id_to_vertex_index", "column_call": "vp.a|vp[v]",
                     "batch_call": "vp.a[:]=array", "filter": "column_scan"}
        heap = peerlib.Heap()
        m0 = heap.sample()
        self._warm_up()
        m1 = heap.sample()
        key = "mallinfo" if "mallinfo" in m0 else "je_allocated"
        self.info["graphtool_first_graph_bytes"] = m1[key] - m0[key]

    def _warm_up(self):
        """Build, query and drop a small graph with every value type, so the module's
        one-time state exists before the build is measured."""
        vals = [True, 1, 2 ** 40, 1.5, "s", [1], [2 ** 40], [1.5], ["s"], {"o": 1}]
        nodes = [(f"w{i}", {f"k{j}": v for j, v in enumerate(vals) if (i + j) % 3})
                 for i in range(12)]
        edges = [(f"w{i}", f"w{(i * 5 + 1) % 12}", {f"k{j}": v for j, v in enumerate(vals)})
                 for i in range(12)]
        s = self.build(nodes, edges)
        for k in s.vcols:
            self.column(s, k)
            self.get(s, ["w0", "w1"], k)
        self.neighbors(s, None)
        self.remove(s, ["w3", "w1"])
        del s

    def build(self, nodes, edges):
        n = len(nodes)
        index = {nid: i for i, (nid, _) in enumerate(nodes)}
        g = gt.Graph(directed=True)
        g.add_vertex(n)
        if edges:
            g.add_edge_list(np.array([(index[s], index[d]) for s, d, _ in edges],
                                     dtype=np.int64))
        st = Store(g, index)
        st.vcols = _columns(g, nodes, 1, g.new_vp, n)
        st.ecols = _columns(g, edges, 2, g.new_ep, len(edges))
        return st

    def edge_count(self, st):
        return st.g.num_edges()

    def get(self, st, ids, attr):
        c = st.vcols.get(attr)
        if c is None:
            return peerlib.checksum(())
        index, vp, kind, has = st.index, c.vp, c.kind, c.has
        if has is None and kind != "bool":
            return peerlib.checksum(vp[index[n]] for n in ids)
        return peerlib.checksum(_py(kind, vp[index[n]]) if has is None or has[index[n]]
                                else None for n in ids)

    def _values(self, st, attr):
        """The column as Python values in vertex order, MISSING where the key is absent."""
        c = st.vcols.get(attr)
        if c is None:
            return [peerlib.MISSING] * st.g.num_vertices()
        if c.kind in ("int32_t", "int64_t", "double"):
            vals = c.vp.a.tolist()
        elif c.kind == "bool":
            vals = c.vp.a.astype(bool).tolist()
        else:
            vals = [_py(c.kind, v) for v in c.vp]
        if c.has is not None:
            m = peerlib.MISSING
            vals = [v if h else m for v, h in zip(vals, c.has.a.tolist())]
        return vals

    def column(self, st, attr):
        m = peerlib.MISSING
        return peerlib.checksum(v for v in self._values(st, attr) if v is not m)

    @staticmethod
    def _kind(vals):
        present = [v for v in vals if v is not peerlib.MISSING]
        return value_type(present) if None not in present else "object"

    def _widen(self, st, attr, v):
        """Rebuild attr's column with a type that holds v and every value it has."""
        c = st.vcols[attr]
        vals = self._values(st, attr)
        kind = self._kind(vals + [v])
        fill = None if c.has is None else {"bool": False, "string": "", "object": None}.get(
            kind, [] if kind.startswith("vector<") else 0)
        vals = [fill if x is peerlib.MISSING else x for x in vals]
        st.vcols[attr] = Column(st.g.new_vp(kind, vals=vals), kind, c.has)
        return st.vcols[attr]

    def set(self, st, pairs, attr):
        index = st.index
        c = st.vcols[attr]
        vp, has = c.vp, c.has
        for n, v in pairs:
            i = index[n]
            try:
                vp[i] = v
            except (OverflowError, TypeError, ValueError):
                c = self._widen(st, attr, v)
                vp, has = c.vp, c.has
                vp[i] = v
            if has is not None:
                has[i] = True

    def batch_payload(self, st, pairs, attr):
        """The new column, computed untimed: a numpy array of the column's own type when
        the values still fit it, else (type, values) for a new property map."""
        c = st.vcols[attr]
        vals = self._values(st, attr)
        index = st.index
        for n, v in pairs:
            vals[index[n]] = v
        kind = self._kind(vals)
        if kind == c.kind and kind in ("int32_t", "int64_t", "double") and c.has is None:
            return np.array(vals, dtype=c.vp.a.dtype)
        if self._kind([v for _, v in pairs]) == "int32_t" and c.kind in ("int64_t", "double"):
            kind = c.kind
        fill = {"bool": False, "string": "", "object": None}.get(
            kind, [] if kind.startswith("vector<") else 0)
        return kind, [fill if x is peerlib.MISSING else x for x in vals]

    def batch_set(self, st, payload, attr):
        c = st.vcols[attr]
        if isinstance(payload, np.ndarray):
            c.vp.a[:] = payload      # the whole column in one array copy
        else:                        # the values changed type: a new property map
            kind, vals = payload
            st.vcols[attr] = Column(st.g.new_vp(kind, vals=vals), kind, c.has)

    def filter(self, st, filt):
        cols = [self._values(st, k) for k in self.keys]
        pred = self.pred
        return sum(1 for vals in zip(*cols) if pred(*vals))

    def neighbors(self, st, pos):
        g, total = st.g, 0          # vertex indexes are the file positions already
        for v in range(g.num_vertices()):
            total += int(g.get_out_neighbors(v).sum())
        return total

    def remove(self, st, ids):
        # fast=True: each removed vertex takes the last vertex's index, O(degree) a vertex
        # (graph-tool's documented O(k + k_last) mode; every property map moves with it).
        # The default keeps vertex order by shifting every later index, O(V + E) a vertex:
        # 10 % of groggy-1m's vertices would take hours.  Either way later vertices change
        # index, so the driver's id -> index dict is stale after a removal; the run discards
        # the graph then (the checksum is num_vertices()).
        index = st.index
        st.g.remove_vertex([index[n] for n in ids], fast=True)
        return st.g.num_vertices()


if __name__ == "__main__":
    peerlib.run(GraphTool)
