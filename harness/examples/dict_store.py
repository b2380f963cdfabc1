#!/usr/bin/python3
"""The smallest correct driver (harness/PROTOCOL.md, "Bring your own store"): a graph as
two dicts, node id -> attribute dict and node id -> list of successor ids.  peerlib runs
the protocol (timing, heap samples, output); this class only says how the store does each
operation.  Declared in harness/examples/systems.toml; run it with
    bench.py --systems-file harness/examples/systems.toml --phase user --scenario DIR
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import peerlib  # noqa: E402


class DictStore:
    def __init__(self, plan):
        self.keys, self.pred = peerlib.compile_predicate(plan["filter"])
        self.info = {"store": "dict_of_dicts"}      # free-form info rows

    def build(self, nodes, edges):                 # nodes: [(id, attrs)], edges: [(s, d, attrs)]
        attrs = {n: dict(a) for n, a in nodes}
        out = {n: [] for n, _ in nodes}
        for s, d, _ in edges:
            out[s].append(d)
        return attrs, out

    def edge_count(self, g):
        return sum(len(t) for t in g[1].values())

    def get(self, g, ids, attr):                   # a missing key is "no value": None
        a = g[0]
        return peerlib.checksum(a[n].get(attr) for n in ids)

    def column(self, g, attr):
        return peerlib.checksum(d[attr] for d in g[0].values() if attr in d)

    def set(self, g, pairs, attr):
        a = g[0]
        for n, v in pairs:
            a[n][attr] = v

    def filter(self, g, filt):                     # absent key: MISSING, matches nothing
        keys, pred, m = self.keys, self.pred, peerlib.MISSING
        return sum(1 for d in g[0].values() if pred(*(d.get(k, m) for k in keys)))

    def neighbors(self, g, pos):                   # sum of the targets' file positions
        return sum(pos[t] for ts in g[1].values() for t in ts)

    def remove(self, g, ids):                      # returns the node count left
        attrs, out = g
        gone = set(ids)
        for n in gone:
            attrs.pop(n, None)
            out.pop(n, None)
        for n, ts in out.items():
            out[n] = [t for t in ts if t not in gone]
        return len(attrs)


if __name__ == "__main__":
    peerlib.run(DictStore)
