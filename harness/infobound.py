"""The information bound of a scenario: how many bytes its data holds, from the files alone.

Not a store and not a layout: a lower reference beside the floor (raw_floor.c), so a reader sees
how far the tightest fixed layout still is from the information content of the data.

    bound = sum over attribute columns of n_items x H(column)       (bits)
          + the id bytes (UTF-8 of every node id, as stored: no terminators)
          + 2 x m x ceil(log2 n) bits for the edges (each end as a node index)

H is the empirical Shannon entropy (base 2) of a column's values over all of its items (nodes
for a node attribute, edges for an edge attribute), absence counted as one more value.  Values
are told apart by type and content (1, 1.0, true and "1" are four values).  Arrays and objects
are one value each, compared whole.

    /usr/bin/python3 harness/infobound.py build/scenarios/groggy-10k [...]
"""
import json
import math
import os
import sys
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenario  # noqa: E402

_ABSENT = ("absent",)


def _key(v):
    """A hashable identity for a value: its type and canonical content."""
    if isinstance(v, (list, dict)):
        return ("json", json.dumps(v, sort_keys=True, separators=(",", ":")))
    return (type(v).__name__, v)


def entropy_bits(values):
    """n x H in bits of a list of (hashable) value keys."""
    return _counts_bits(Counter(values), len(values))


def _counts_bits(counts, n):
    """n x H in bits of n items whose present values occur `counts` times (a Counter); the
    n - sum(counts) items left are absent, one more value."""
    if n == 0:
        return 0.0
    cs = list(counts.values())
    absent = n - sum(cs)
    if absent:
        cs.append(absent)
    total = 0.0
    for c in cs:
        total -= c * math.log2(c / n)
    return total


class _Columns:
    """One Counter of value keys per attribute key, in first-seen order: all a column's
    entropy needs, so records can stream by (the distinct values are kept, not the items)."""

    def __init__(self):
        self.cols, self.n = {}, 0

    def add(self, attrs):
        self.n += 1
        for k, v in attrs.items():
            c = self.cols.get(k)
            if c is None:
                c = self.cols[k] = Counter()
            c[_key(v)] += 1

    def bits(self):
        return {k: _counts_bits(c, self.n) for k, c in self.cols.items()}


def column_bits(records):
    """{key: n x H bits} for the attribute dicts of one kind of item (absence counted)."""
    cols = _Columns()
    for a in records:
        cols.add(a)
    return cols.bits()


def _assemble(n, m, idbytes, node_bits, edge_bits):
    out = {"ids": float(idbytes),
           "edges": 2 * m * (math.ceil(math.log2(n)) if n > 1 else 0) / 8.0}
    for k, b in node_bits.items():
        out[f"node:{k}"] = b / 8.0
    for k, b in edge_bits.items():
        out[f"edge:{k}"] = b / 8.0
    out["total"] = sum(out.values())
    return out


def bound(nodes, edges):
    """Components in bytes (floats) and their total, for records as scenario.load() gives them:
    nodes [(id, attrs)], edges [(src, dst, attrs)]."""
    return _assemble(len(nodes), len(edges), sum(len(i.encode("utf-8")) for i, _ in nodes),
                     column_bits([a for _, a in nodes]), column_bits([a for _, _, a in edges]))


def bound_dir(directory):
    """bound() of a scenario's files, read a line at a time: memory holds each column's distinct
    values, not the records (through scenario.load, groggy-10m's bound took 12 GB and `make
    report` was killed beside a driver).  Lines are decoded and checked as scenario.load does
    (file and line named on an error); ids are not checked for duplicates nor edge ends for
    existence here: bench.py's strict load did that before any figure was measured."""
    npath = os.path.join(directory, "nodes.jsonl")
    epath = os.path.join(directory, "edges.jsonl")
    ncols, ecols, idbytes = _Columns(), _Columns(), 0
    for lineno, text in scenario._lines(npath):
        obj, attrs = scenario._record(npath, lineno, text, ("id",))
        idbytes += len(obj["id"].encode("utf-8"))
        ncols.add(attrs)
    if not ncols.n:
        raise scenario._bad(npath, 0, "no nodes (empty file)")
    for lineno, text in scenario._lines(epath):
        _, attrs = scenario._record(epath, lineno, text, ("src", "dst"))
        ecols.add(attrs)
    return _assemble(ncols.n, ecols.n, idbytes, ncols.bits(), ecols.bits())


def main(argv):
    if not argv:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    for d in argv:
        b = bound_dir(d)
        print(f"{os.path.basename(os.path.normpath(d))}: {b['total']:,.0f} B")
        for k, v in b.items():
            if k != "total":
                print(f"  {k:32} {v:14,.1f} B")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
