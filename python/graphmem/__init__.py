"""graphmem: a graph store measured phase by phase, with a NetworkX-shaped Python API.

    import graphmem
    g = graphmem.Graph(backend="zerocopy")        # any of graphmem.backends()
    g.add_node("n0", salary=100, role="engineer")
    g.nodes["n0"].salary, g.nodes["n0"]["salary"] # read (and write) one attribute
    memoryview(g.columns["salary"])               # a numeric column, zero copy on "zerocopy"

Direct path (phase 5): the C extension graphmem._graphmem. Layered path (phase 2 baseline):
graphmem.layered. The full contract is in python/README.md.
"""
from ._graphmem import (Graph, Node, NodeView, ColumnsView, Column, backends, mem_stats,
                        DEFAULT_BACKEND, _fail_after, _reset_peak, _count_allocations)

__all__ = ["Graph", "Node", "NodeView", "ColumnsView", "Column", "backends", "mem_stats",
           "DEFAULT_BACKEND"]
