#!/usr/bin/python3
"""Driver for networkx.DiGraph (PROTOCOL.md); run by bench.py under PYTHONMALLOC=malloc.

Each operation is written the way the NetworkX documentation shows it: add_nodes_from /
add_edges_from with attribute dicts, G.nodes[n][key], nx.get_node_attributes for a column,
nx.set_node_attributes for a batch, G.successors for neighbours, remove_nodes_from.
"""
import networkx as nx

import peerlib


class NetworkX:
    def __init__(self, plan):
        self.keys, self.pred = peerlib.compile_predicate(plan["filter"])
        self.info = {"networkx_version": nx.__version__, "graph_class": "DiGraph",
                     "column_call": "get_node_attributes", "batch_call": "set_node_attributes"}

    def build(self, nodes, edges):
        g = nx.DiGraph()
        g.add_nodes_from(nodes)     # copies each attrs dict into the graph's own dict
        g.add_edges_from(edges)
        return g

    def edge_count(self, g):
        return g.number_of_edges()

    def get(self, g, ids, attr):
        gn = g.nodes                # .get: a missing key is "no value", not an error
        return peerlib.checksum(gn[n].get(attr) for n in ids)

    def column(self, g, attr):
        return peerlib.checksum(nx.get_node_attributes(g, attr).values())

    def set(self, g, pairs, attr):
        gn = g.nodes
        for n, v in pairs:
            gn[n][attr] = v

    def batch_payload(self, g, pairs, attr):
        return dict(pairs)

    def batch_set(self, g, values, attr):
        nx.set_node_attributes(g, values, attr)

    def filter(self, g, filt):
        keys, pred, m = self.keys, self.pred, peerlib.MISSING
        if len(keys) == 2:          # the common case, without building an argument tuple
            k0, k1 = keys
            return sum(1 for _, d in g.nodes(data=True) if pred(d.get(k0, m), d.get(k1, m)))
        return sum(1 for _, d in g.nodes(data=True) if pred(*(d.get(k, m) for k in keys)))

    def neighbors(self, g, pos):
        total = 0
        for n in g:
            for t in g.successors(n):
                total += pos[t]
        return total

    def remove(self, g, ids):
        g.remove_nodes_from(ids)
        return g.number_of_nodes()


if __name__ == "__main__":
    peerlib.run(NetworkX)
