#!/usr/bin/python3
"""Python-level driver for phases 2 and 5 (harness/PROTOCOL.md), over the graphmem binding.

    bench_python.py --scenario DIR --plan PLAN.json --system SYSTEM --reps N

SYSTEM is graphmem-<backend>[-direct|-layered] (graphmem-zerocopy = graphmem-zerocopy-direct),
e.g. graphmem-zerocopy (phase 5), graphmem-native-direct (phase 2), graphmem-json-layered and
graphmem-native-layered (the phase-0/1 Python figures), or `networkx` (the peer's own class from
harness/peer_networkx.py, to get its objects_per_access row from the same code).

The run sequence, timing, heap sampling and checksums are harness/peerlib.py's, shared with the
NetworkX and igraph peers, so every figure is measured exactly as theirs:
  build      add_nodes_from(records) + add_edges_from(records), as a NetworkX user writes it
  get        g.nodes[n].<attr> for every id (the literal attribute form, generated once)
  column     direct: memoryview(g.columns[attr]) through numpy, zero copy on zerocopy;
             layered: g.column(attr), read node by node through the layers
  set        g.nodes[n][attr] = v for every node
  batch-set  direct: g.set_batch(attr, ids, values); layered: none (the baseline had none)
  filter     g.filter((key, op, value), ...) -> len
  neighbors  for n in g: for t in g.neighbors(n): sum of pos[t] (t's position in nodes.jsonl)
  remove     g.remove_nodes_from(ids) (layered: remove_node in a loop)
Extra rows after peerlib's (ours only, exact, from a separate build in the same process):
  build,heap_live_bytes / heap_peak_bytes / num_allocs   the counting allocator (store only)
  get,objects_per_access,X,count,exact   Python allocator calls (PyObject_Malloc/Calloc, OBJ
      domain, counted by graphmem._count_allocations' hook) per `g.nodes[n].<attr>` in a loop
      that keeps nothing; freelist reuse is not an allocation. 0 means the access creates no
      object; a new int (values > 256) is 1.
Exit status 3 when the backend is not registered (gmbench's convention: bench.py skips it).
"""
import argparse
import keyword
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "harness"))
sys.path.insert(0, os.path.join(ROOT, "build", "python"))

import peerlib  # noqa: E402

try:
    import numpy  # noqa: E402
except ImportError:   # pragma: no cover - Debian's python3-numpy is present on these machines
    numpy = None

UNKNOWN_BACKEND = 3
NODE_METHODS = {"get", "keys", "values", "items", "to_dict", "update", "id", "handle"}


def parse_system(name):
    """'graphmem-zerocopy' -> ('zerocopy', 'direct'); 'graphmem-json-layered' -> ('json', ...)."""
    if not name.startswith("graphmem-"):
        raise SystemExit(f"bench_python.py: unknown system {name!r}")
    parts = name[len("graphmem-"):].rsplit("-", 1)
    if len(parts) == 2 and parts[1] in ("direct", "layered"):
        return parts[0], parts[1]
    return parts[0] if len(parts) == 1 else "-".join(parts), "direct"


def attr_expr(obj, attr):
    """Source for reading attr from a node proxy the way a user writes it: obj.salary."""
    if attr.isidentifier() and not keyword.iskeyword(attr) and attr not in NODE_METHODS:
        return f"{obj}.{attr}"
    return f"{obj}[{attr!r}]"


def compile_touch(expr_of_n):
    """A loop that evaluates one access per id and keeps nothing (for objects_per_access)."""
    ns = {}
    exec(f"def touch(g, ids):\n    for n in ids:\n        {expr_of_n}\n", ns)
    return ns["touch"]


def _int_sum(a):
    """Exact sum of an int64 array: numpy when it cannot wrap, Python ints otherwise."""
    if len(a) == 0:
        return 0
    if max(abs(int(a.min())), abs(int(a.max()))) * len(a) < 2 ** 63:
        return int(a.sum())
    return sum(a.tolist())


def column_values(col):
    """The values of a Column, reduced for peerlib.checksum without changing its result: zero
    copy through numpy for i64/f64 columns, tolist() for the others."""
    if numpy is None or col.format is None:
        return [v for v in col.tolist() if v is not None]
    with memoryview(col) as mv:
        # the buffer's own format: int64 "q", double "d", or compact's stored width "b"/"h"/"i"
        a = numpy.frombuffer(mv, dtype=numpy.dtype(col.format))
        bits = numpy.unpackbits(numpy.frombuffer(col.valid, numpy.uint8), bitorder="little")
        vals = a[bits[:len(a)].view(bool)]
        if col.format in ("b", "h", "i", "q"):
            return [_int_sum(vals.astype(numpy.int64))]
        # checksum sums integral doubles below 2**53 as ints and the others one by one in
        # order: the same split here gives the same printed value
        integral = (vals == numpy.floor(vals)) & (numpy.abs(vals) < 2.0 ** 53)
        return [_int_sum(vals[integral].astype(numpy.int64))] + vals[~integral].tolist()


class _Graphmem:
    """What the direct and layered paths share (the layered class overrides the differences)."""

    def __init__(self, plan, backend):
        import graphmem
        self.gm, self.backend = graphmem, backend
        self.attr = plan["numeric_attr"]
        self.preds = [(p["key"], p["op"], p["value"]) for p in plan["filter"]]
        expr = attr_expr("g.nodes[n]", self.attr)
        self._get_fast = eval(f"lambda g, ids: ({expr} for n in ids)")
        self.touch = compile_touch(expr)
        self.info = {"python_path": "direct", "backend": backend, "get_form": expr,
                     "column_form": "memoryview+numpy" if numpy else "tolist",
                     "batch_call": "set_batch"}

    def new_graph(self):
        return self.gm.Graph(backend=self.backend)

    def build(self, nodes, edges):
        g = self.new_graph()
        g.add_nodes_from(nodes)
        g.add_edges_from(edges)
        return g

    def edge_count(self, g):
        return g.number_of_edges()

    def get(self, g, ids, attr):
        try:
            return peerlib.checksum(self._get_fast(g, ids))
        except AttributeError:          # some node lacks the attribute: the generic form
            return peerlib.checksum(g.get(n, attr) for n in ids)

    def column(self, g, attr):
        return peerlib.checksum(column_values(g.columns[attr]))

    def set(self, g, pairs, attr):
        gn = g.nodes
        for n, v in pairs:
            gn[n][attr] = v

    def filter(self, g, filt):
        return len(g.filter(*self.preds))

    def neighbors(self, g, pos):
        total = 0
        for n in g:
            for t in g.neighbors(n):
                total += pos[t]
        return total

    def remove(self, g, ids):
        g.remove_nodes_from(ids)
        return len(g)


class GraphmemDirect(_Graphmem):
    """The direct path: graphmem.Graph, one C-level call per step, plus the batch call."""

    def batch_payload(self, g, pairs, attr):
        return [n for n, _ in pairs], [v for _, v in pairs]

    def batch_set(self, g, payload, attr):
        g.set_batch(attr, payload[0], payload[1])


class GraphmemLayered(_Graphmem):
    """The baseline's shape: accessor -> proxy -> attribute manager, JSON text across."""

    def __init__(self, plan, backend):
        super().__init__(plan, backend)
        from graphmem import layered
        self.layered = layered
        self.info.update(python_path="layered", column_form="per-node through the layers")
        del self.info["batch_call"]

    def new_graph(self):
        return self.layered.Graph(backend=self.backend)

    def get(self, g, ids, attr):
        try:
            return peerlib.checksum(self._get_fast(g, ids))
        except AttributeError:
            return peerlib.checksum(getattr(g.nodes[n], attr, None) for n in ids)

    def column(self, g, attr):
        return peerlib.checksum(g.column(attr).values())

    def remove(self, g, ids):
        for n in ids:
            g.remove_node(n)
        return len(g)


def extra_rows(system, records, plan, is_ours):
    """Rows peerlib does not produce: store heap (ours) and objects per attribute access.
    records() gives the scenario's records (peerlib.Records.reload)."""
    nodes, edges = records()
    ids = [n for n, _ in nodes]
    lines = []
    if is_ours:
        gm = system.gm
        import gc
        gc.collect()
        s0 = gm.mem_stats()
        gm._reset_peak()
        g = system.build(nodes, edges)
        s1 = gm.mem_stats()
        lines += [f"build,heap_live_bytes,{s1['live'] - s0['live']},B,exact",
                  f"build,heap_peak_bytes,{s1['peak'] - s0['live']},B,exact",
                  f"build,num_allocs,{s1['nalloc'] - s0['nalloc']},count,exact"]
        count = gm._count_allocations
    else:
        import graphmem
        g = system.build(nodes, edges)
        count = graphmem._count_allocations
    present = [n for n, a in nodes if plan["numeric_attr"] in a]
    if present:
        touch = system.touch
        touch(g, present)                                   # warm every cache first
        _, c = count(touch, g, present)
        lines.append(f"get,objects_per_access,{c['obj'] / len(present):.3f},count,exact")
    return lines


class NetworkXPeer:
    """harness/peer_networkx.py's class, plus the touch loop for objects_per_access."""

    def __new__(cls, plan):
        import peer_networkx
        obj = peer_networkx.NetworkX(plan)
        obj.touch = compile_touch(f"g.nodes[n][{plan['numeric_attr']!r}]")
        return obj


def main():
    ap = argparse.ArgumentParser(add_help=False)
    ap.add_argument("--system", required=True)
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--plan", required=True)
    args, _ = ap.parse_known_args()
    import json
    with open(args.plan, encoding="utf-8") as f:
        plan = json.load(f)
    if args.system == "networkx":
        make, ours = NetworkXPeer, False
    else:
        backend, path = parse_system(args.system)
        import graphmem
        if backend not in graphmem.backends():
            print(f"bench_python.py: backend {backend!r} not registered "
                  f"(have {graphmem.backends()})", file=sys.stderr)
            sys.exit(UNKNOWN_BACKEND)
        cls = GraphmemDirect if path == "direct" else GraphmemLayered
        make, ours = (lambda p: cls(p, backend)), True
    holder = {}

    def factory(p):
        holder["system"] = make(p)
        return holder["system"]

    def after(records):
        lines = extra_rows(holder["system"], records, plan, ours)
        sys.stdout.write("".join(line + "\n" for line in lines))
        sys.stdout.flush()

    peerlib.run(factory, after)


if __name__ == "__main__":
    main()
