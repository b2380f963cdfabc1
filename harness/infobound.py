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
    n = len(values)
    if n == 0:
        return 0.0
    total = 0.0
    for c in Counter(values).values():
        total -= c * math.log2(c / n)
    return total


def column_bits(records):
    """{key: n x H bits} for the attribute dicts of one kind of item (absence counted)."""
    keys = []
    seen = set()
    for a in records:
        for k in a:
            if k not in seen:
                seen.add(k)
                keys.append(k)
    return {k: entropy_bits([_key(a[k]) if k in a else _ABSENT for a in records]) for k in keys}


def bound(nodes, edges):
    """Components in bytes (floats) and their total, for records as scenario.load() gives them:
    nodes [(id, attrs)], edges [(src, dst, attrs)]."""
    n, m = len(nodes), len(edges)
    node_cols = column_bits([a for _, a in nodes])
    edge_cols = column_bits([a for _, _, a in edges])
    out = {"ids": float(sum(len(i.encode("utf-8")) for i, _ in nodes)),
           "edges": 2 * m * (math.ceil(math.log2(n)) if n > 1 else 0) / 8.0}
    for k, b in node_cols.items():
        out[f"node:{k}"] = b / 8.0
    for k, b in edge_cols.items():
        out[f"edge:{k}"] = b / 8.0
    out["total"] = sum(out.values())
    return out


def bound_dir(directory):
    nodes, edges = scenario.load(directory)
    return bound(nodes, edges)


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
