#!/usr/bin/python3
"""Driver for python-igraph (PROTOCOL.md); run by bench.py under PYTHONMALLOC=malloc.

Node ids live in the vertex attribute "name", igraph's own convention; single lookups use
g.vs.find(name=id), which igraph answers from its name index (built lazily on the first
lookup: build() triggers it, so the index is part of the graph being measured).
Attributes are set a column at a time (g.vs[key] = list), the idiomatic fast path;
missing keys become None, as igraph does itself (so igraph cannot tell an absent key from
a null: a `!=` filter counts both; PROTOCOL.md lists this exception).  A scenario attribute called "name"
would collide with the ids and is stored as NAME_ATTR.
"""
import igraph as ig

import peerlib

# The vertex attribute "name" holds the node ids; a scenario attribute of that name (as in
# mixed-10k) is stored under this key instead, and an info row says so.
NAME_ATTR = "name\u00b7attr"
SELECT_OP = {"==": "eq", "!=": "ne", ">": "gt", ">=": "ge", "<": "lt", "<=": "le"}


def _k(key):
    return NAME_ATTR if key == "name" else key


class IGraph:
    def __init__(self, plan):
        self.keys, self.pred = peerlib.compile_predicate(plan["filter"])
        self.keys = [_k(k) for k in self.keys]
        self.info = {"igraph_version": ig.__version__, "id_lookup": "vs.find(name=id)",
                     "column_call": "vs[attr]", "batch_call": "vs[attr]=list"}

    @staticmethod
    def _columns(records, ai):
        keys = list(dict.fromkeys(k for r in records for k in r[ai]))   # first-seen order
        return {k: [r[ai].get(k) for r in records] for k in keys}

    def build(self, nodes, edges):
        g = ig.Graph(n=len(nodes), directed=True)
        g.vs["name"] = [n for n, _ in nodes]
        g.add_edges([(s, d) for s, d, _ in edges])      # names resolved by the name index
        for k, col in self._columns(nodes, 1).items():
            if k == "name":
                self.info["igraph_renamed_attr"] = "name->" + NAME_ATTR
            g.vs[_k(k)] = col
        for k, col in self._columns(edges, 2).items():
            g.es[k] = col
        g.vs.find(name=nodes[0][0])                     # the name index exists after build
        return g

    def edge_count(self, g):
        return g.ecount()

    def get(self, g, ids, attr):
        find, attr = g.vs.find, _k(attr)
        return peerlib.checksum(find(name=n)[attr] for n in ids)

    def column(self, g, attr):
        return peerlib.checksum(g.vs[_k(attr)])

    def set(self, g, pairs, attr):
        find, attr = g.vs.find, _k(attr)
        for n, v in pairs:
            find(name=n)[attr] = v

    def batch_payload(self, g, pairs, attr):
        attr = _k(attr)
        col = g.vs[attr] if attr in g.vs.attributes() else [None] * g.vcount()
        index = {n: i for i, n in enumerate(g.vs["name"])}
        for n, v in pairs:
            col[index[n]] = v
        return col

    def batch_set(self, g, col, attr):
        g.vs[_k(attr)] = col

    def prepare(self, g, filt):
        """Pick the filter's form once, untimed.  Idiomatic igraph is
        vs.select(role_eq=..., salary_gt=...); it compares with Python operators, so a None
        or mistyped value would raise or match where the protocol says "never matches".
        It is used when every value has its predicate's type; otherwise the columns are
        scanned with the same predicate as the other peers."""
        attrs = g.vs.attributes()
        def typed(p):
            want = str if isinstance(p["value"], str) else peerlib.NUM
            k = _k(p["key"])
            return k in attrs and all(isinstance(v, want) and type(v) is not bool for v in g.vs[k])
        self.select = NAME_ATTR not in self.keys and all(typed(p) for p in filt)
        self.info["igraph_filter"] = "vs.select" if self.select else "column_scan"

    def filter(self, g, filt):
        if self.select:
            return len(g.vs.select(**{f"{p['key']}_{SELECT_OP[p['op']]}": p["value"]
                                      for p in filt}))
        cols = [g.vs[k] if k in g.vs.attributes() else [peerlib.MISSING] * g.vcount()
                for k in self.keys]
        return sum(1 for vals in zip(*cols) if self.pred(*vals))

    def neighbors(self, g, pos):
        total = 0                       # vertex indexes are the file positions already
        for v in range(g.vcount()):
            for t in g.successors(v):
                total += t
        return total

    def remove(self, g, ids):
        g.delete_vertices(ids)          # names resolved by igraph
        return g.vcount()


if __name__ == "__main__":
    peerlib.run(IGraph)
