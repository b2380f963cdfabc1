#!/usr/bin/python3
"""Deterministic scenario generator: `generate.py OUT_ROOT [--only NAME ...]`.

Writes OUT_ROOT/NAME/{nodes.jsonl, edges.jsonl, params.json} (and scenario.json where the
data alone would not pick the issue's plan).  Output is byte-identical on every run and
every machine: random.Random(seed) streams per scenario (its algorithm is fixed by Python's
documentation), no set/dict iteration over unordered data, doubles rounded to 4 decimals
and written by repr() (shortest round-trip form, always with a '.'), UTF-8 with '\\n'.
tests/test_harness.py compares the sha256 of every file with scenarios/expected_hashes.json;
when the generator changes on purpose, regenerate that file with --write-hashes.
"""
import argparse
import hashlib
import json
import os
import random
import sys

VERSION = 1
ROLES = ["engineer", "manager", "designer", "analyst"]
DEPARTMENTS = ["engineering", "sales", "marketing", "operations"]
RELATIONSHIPS = ["reports_to", "collaborates", "mentors"]
# The plan for the groggy-shaped scenarios.  Without it the data's choice (see
# harness/scenario.py) would take `level` (int on every node, first by name) and
# `department` (first string column by name), not the benchmark's role/salary query.
GROGGY_PLAN = {"numeric_attr": "salary",
               "filter": [{"key": "role", "op": "==", "value": "engineer"},
                          {"key": "salary", "op": ">", "value": 100000}],
               "remove_count": 1000}

# Non-ASCII and escape-needing fragments for mixed-10k's high-cardinality strings.
SYLLABLES = ["ka", "zé", "ñu", "ß", "Ωm", "東", "京", "Жа", "ö", "li", "ça", "🙂", "ro",
             'q"t', "b\\s", "tab\t", "ﬁ", "ह", "ا"]
CITIES = ["Zürich", "São Paulo", "Kraków", "Reykjavík", "東京", "Montréal", "Oslo", "Lagos"]


def _dbl(rng, lo, hi):
    return round(rng.uniform(lo, hi), 4)


def groggy_node(rng, i):
    return {"role": rng.choice(ROLES), "department": rng.choice(DEPARTMENTS),
            "salary": rng.randint(50000, 150000), "active": rng.random() < 0.5,
            "level": rng.randint(1, 5), "value": rng.randint(1, 1000)}


def mixed_node(rng, i, n):
    """Heterogeneous attributes, as real JSON is: every quirk a store must survive."""
    a = {}
    r = rng.random()
    if r < 0.97:                                        # else missing key, not just null
        a["role"] = rng.choice(ROLES) if r < 0.95 else None
    if rng.random() < 0.9:
        a["salary"] = rng.randint(50000, 150000)       # sparse int column: 10 % missing
    a["name"] = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 5))) + f"-{i}"
    # Type changes partway: int for the first half of the file, double afterwards.
    a["score"] = rng.randint(0, 100) if i < n // 2 else _dbl(rng, 0, 100)
    r = rng.random()
    a["active"] = (r < 0.45) if r < 0.9 else None      # bool with nulls
    if rng.random() < 0.6:
        a["tags"] = [rng.choice(ROLES + DEPARTMENTS) for _ in range(rng.randint(0, 4))]
    if rng.random() < 0.4:
        a["address"] = {"city": rng.choice(CITIES), "zip": rng.randint(1000, 99999),
                        "geo": {"lat": _dbl(rng, -90, 90), "lon": _dbl(rng, -180, 180)}}
    if rng.random() < 0.05:
        a["note"] = rng.choice(["", "needs review", "ünïcödé", "line\nbreak"])
    if rng.random() < 0.02:
        a["matrix"] = [[rng.randint(0, 9) for _ in range(3)] for _ in range(2)]
    keys = list(a)
    rng.shuffle(keys)                                   # key order varies line to line
    return {k: a[k] for k in keys}


def edges(rng, n, draws):
    """`draws` uniform (src, dst) draws; self-loops and repeated pairs are dropped.

    Repeated pairs are dropped because networkx.DiGraph merges parallel edges while the
    other systems keep them, which would make the neighbours checksum disagree.
    """
    seen, out, loops, dups = set(), [], 0, 0
    for _ in range(draws):
        s, d = rng.randrange(n), rng.randrange(n)
        attrs = {"relationship": rng.choice(RELATIONSHIPS),
                 "strength": _dbl(rng, 0.1, 1.0), "weight": _dbl(rng, 0.1, 1.0)}
        if s == d:
            loops += 1
        elif (s, d) in seen:
            dups += 1
        else:
            seen.add((s, d))
            out.append((s, d, attrs))
    return out, loops, dups


SCENARIOS = {
    # name: ((node seed, edge seed), nodes, edge draws, node maker, plan to ship or None).
    # graph-10k shares groggy-10k's node seed: the issue wants the same nodes, more edges.
    "groggy-10k": ((10_001, 20_001), 10_000, 10_000, "groggy", GROGGY_PLAN),
    "graph-10k": ((10_001, 20_002), 10_000, 50_000, "groggy", GROGGY_PLAN),
    "mixed-10k": ((10_003, 20_003), 10_000, 10_000, "mixed", None),
    "tiny": ((10_004, 20_004), 50, 100, "groggy", None),  # fast tests; the default plan
}


def _line(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


def generate(root, name):
    (node_seed, edge_seed), n, draws, kind, plan = SCENARIOS[name]
    rng = random.Random(node_seed)
    out = os.path.join(root, name)
    os.makedirs(out, exist_ok=True)
    files = {}
    nodes = [groggy_node(rng, i) if kind == "groggy" else mixed_node(rng, i, n) for i in range(n)]
    files["nodes.jsonl"] = "".join(_line({"id": f"n{i}", "attrs": a}) for i, a in enumerate(nodes))
    es, loops, dups = edges(random.Random(edge_seed), n, draws)
    files["edges.jsonl"] = "".join(_line({"src": f"n{s}", "dst": f"n{d}", "attrs": a})
                                   for s, d, a in es)
    if plan is not None:
        files["scenario.json"] = json.dumps(plan, indent=1) + "\n"
    elif os.path.exists(os.path.join(out, "scenario.json")):
        os.remove(os.path.join(out, "scenario.json"))   # stale from an older generator
    hashes = {}
    for fname, text in files.items():
        data = text.encode("utf-8")
        hashes[fname] = hashlib.sha256(data).hexdigest()
        with open(os.path.join(out, fname), "wb") as f:
            f.write(data)
    params = {"name": name, "generator_version": VERSION, "node_seed": node_seed, "edge_seed": edge_seed, "kind": kind,
              "nodes": n, "edge_draws": draws, "edges": len(es),
              "self_loops_dropped": loops, "duplicates_dropped": dups, "sha256": hashes}
    with open(os.path.join(out, "params.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(params, indent=1) + "\n")
    return hashes


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_root")
    ap.add_argument("--only", action="append", choices=sorted(SCENARIOS),
                    help="generate only this scenario (repeatable)")
    ap.add_argument("--write-hashes", action="store_true",
                    help="record the output hashes in scenarios/expected_hashes.json")
    args = ap.parse_args(argv)
    names = args.only or list(SCENARIOS)
    result = {}
    for name in names:
        result[name] = generate(args.out_root, name)
        print(f"{name}: " + " ".join(f"{f}={h[:12]}" for f, h in result[name].items()),
              file=sys.stderr)
    if args.write_hashes:
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "expected_hashes.json")
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(json.dumps({"generator_version": VERSION, "sha256": result},
                               indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
