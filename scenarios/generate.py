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
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "harness"))
REFERENCE_MIN_NODES = 500_000      # bench.LIGHT_MIN_NODES (checked by tests/test_scale.py)

# 2: the scale family removes 10 % of its nodes (scale_plan); a scenario written by version 1
# carries the old plan and is generated again (up_to_date compares the version).
VERSION = 2
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

    Yields (s, d, attrs) in draw order, then returns (loops, dups) as StopIteration's value.
    Repeated pairs are dropped because networkx.DiGraph merges parallel edges while the
    other systems keep them, which would make the neighbours checksum disagree.  The seen
    set holds one int per pair (s * n + d): ~60 B a pair, 0.6 GB at 10M draws.
    """
    seen, loops, dups = set(), 0, 0
    for _ in range(draws):
        s, d = rng.randrange(n), rng.randrange(n)
        attrs = {"relationship": rng.choice(RELATIONSHIPS),
                 "strength": _dbl(rng, 0.1, 1.0), "weight": _dbl(rng, 0.1, 1.0)}
        key = s * n + d
        if s == d:
            loops += 1
        elif key in seen:
            dups += 1
        else:
            seen.add(key)
            yield s, d, attrs
    return loops, dups


def scale_plan(n):
    """The groggy plan at every size of the scale family: 10 % of the nodes removed, every
    10th, as groggy-10k removes 1,000 of its 10,000, so `remove` is one workload at every
    size.  (A fixed 1,000 removals, as before, spaced the removed nodes n / 1,000 apart: each
    touched its own cache lines and pages at 1M where neighbours shared them at 10K, and a
    one-off cost of the first removal, such as the floor's lazily zeroed tombstone bitmap,
    was split over 1,000 items: the floor's own removal read 1.5 ns at 10K and 3,697 ns at
    10M.)"""
    return {**GROGGY_PLAN, "remove_count": n // 10}


SCENARIOS = {
    # name: ((node seed, edge seed), nodes, edge draws, node maker, plan to ship or None).
    # graph-10k shares groggy-10k's node seed: the issue wants the same nodes, more edges.
    "groggy-10k": ((10_001, 20_001), 10_000, 10_000, "groggy", GROGGY_PLAN),
    "graph-10k": ((10_001, 20_002), 10_000, 50_000, "groggy", GROGGY_PLAN),
    "mixed-10k": ((10_003, 20_003), 10_000, 10_000, "mixed", None),
    "tiny": ((10_004, 20_004), 50, 100, "groggy", None),  # fast tests; the default plan
    # The scale family (`make scale`; README "Scale"): groggy-shaped, edges = nodes draws,
    # and graph-shaped, 5 x nodes draws; the 10K points are groggy-10k and graph-10k above.
    # Each size has its own node seed, shared by its graph-shaped twin (same nodes).
    "groggy-1k": ((10_011, 20_011), 1_000, 1_000, "groggy", scale_plan(1_000)),
    "groggy-100k": ((10_012, 20_012), 100_000, 100_000, "groggy", scale_plan(100_000)),
    "groggy-1m": ((10_013, 20_013), 1_000_000, 1_000_000, "groggy", scale_plan(1_000_000)),
    "groggy-10m": ((10_014, 20_014), 10_000_000, 10_000_000, "groggy",
                   scale_plan(10_000_000)),
    "graph-100k": ((10_012, 20_022), 100_000, 500_000, "groggy", scale_plan(100_000)),
    "graph-1m": ((10_013, 20_023), 1_000_000, 5_000_000, "groggy", scale_plan(1_000_000)),
}
# `generate.py OUT` without --only: what `make scenarios` ships (groggy-100k: the gate's
# 100K point).  The rest of the scale family is generated by `make scale` on demand.
DEFAULT = ["groggy-10k", "graph-10k", "mixed-10k", "tiny", "groggy-100k"]


def _line(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


class _Out:
    """A file written in 1 MB chunks with its sha256 kept on the way: 10M lines never sit
    in memory as one string.  Written as PATH.tmp and renamed on close, so a driver reading
    the scenario meanwhile (make scenarios beside make scale) sees the old file or the new."""

    def __init__(self, path):
        self.path, self.h, self.buf, self.size, self.n = path, hashlib.sha256(), [], 0, 0
        self.f = open(path + ".tmp", "wb")

    def write(self, text):
        self.buf.append(text)
        self.size += len(text)
        if self.size >= 1 << 20:
            self.flush()

    def flush(self):
        data = "".join(self.buf).encode("utf-8")
        self.h.update(data)
        self.f.write(data)
        self.n += len(data)
        self.buf, self.size = [], 0

    def close(self):
        self.flush()
        self.f.close()
        os.replace(self.path + ".tmp", self.path)
        return self.h.hexdigest()


def _params_key(name):
    (node_seed, edge_seed), n, draws, kind, plan = SCENARIOS[name]
    return {"name": name, "generator_version": VERSION, "node_seed": node_seed,
            "edge_seed": edge_seed, "kind": kind, "nodes": n, "edge_draws": draws}


def up_to_date(root, name):
    """True when root/name was written by this generator with these parameters and every
    file still has the size it was written with (make scale reuses 1M/10M files; a full
    sha256 check of 2 GB is left to --verify)."""
    try:
        with open(os.path.join(root, name, "params.json"), encoding="utf-8") as f:
            params = json.load(f)
    except (OSError, ValueError):
        return False
    if any(params.get(k) != v for k, v in _params_key(name).items()):
        return False
    sizes = params.get("bytes", {})
    return bool(sizes) and all(
        os.path.exists(os.path.join(root, name, fn))
        and os.path.getsize(os.path.join(root, name, fn)) == sz for fn, sz in sizes.items())


def generate(root, name, prepare=None):
    (node_seed, edge_seed), n, draws, kind, plan = SCENARIOS[name]
    rng = random.Random(node_seed)
    out = os.path.join(root, name)
    os.makedirs(out, exist_ok=True)
    hashes, sizes = {}, {}
    # params.json goes last: a run cut short leaves no params.json that up_to_date() trusts
    if os.path.exists(os.path.join(out, "params.json")):
        os.remove(os.path.join(out, "params.json"))
    # A big scenario's reference (bench.py, REFERENCE_FILE) is computed from the records as
    # they are written, in load_light's shape: make scale then never parses them back.
    keys = _reference_keys(n, plan)
    light_nodes, light_edges = [], []
    f = _Out(os.path.join(out, "nodes.jsonl"))
    for i in range(n):
        a = groggy_node(rng, i) if kind == "groggy" else mixed_node(rng, i, n)
        f.write(_line({"id": f"n{i}", "attrs": a}))
        if keys is not None:
            light_nodes.append((f"n{i}", {k: a[k] for k in keys if k in a}))
    hashes["nodes.jsonl"], sizes["nodes.jsonl"] = f.close(), f.n
    f = _Out(os.path.join(out, "edges.jsonl"))
    gen, stored = edges(random.Random(edge_seed), n, draws), 0
    try:
        while True:
            s, d, a = next(gen)
            f.write(_line({"src": f"n{s}", "dst": f"n{d}", "attrs": a}))
            if keys is not None:
                light_edges.append((light_nodes[s][0], light_nodes[d][0], None))
            stored += 1
    except StopIteration as stop:
        loops, dups = stop.value
    hashes["edges.jsonl"], sizes["edges.jsonl"] = f.close(), f.n
    if plan is not None:
        data = (json.dumps(plan, indent=1) + "\n").encode("utf-8")
        hashes["scenario.json"], sizes["scenario.json"] = hashlib.sha256(data).hexdigest(), len(data)
        f = _Out(os.path.join(out, "scenario.json"))
        f.write(data.decode("utf-8"))
        f.close()
    elif os.path.exists(os.path.join(out, "scenario.json")):
        os.remove(os.path.join(out, "scenario.json"))   # stale from an older generator
    params = {**_params_key(name), "edges": stored,
              "self_loops_dropped": loops, "duplicates_dropped": dups, "sha256": hashes,
              "bytes": sizes}
    with open(os.path.join(out, "params.json"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write(json.dumps(params, indent=1) + "\n")
    # the C drivers' records cache (harness/gmh_cache.h), written by `PREPARE --prepare-records
    # DIR` beside the reference computation below (make scale: groggy-10m's 107 s of C parse
    # off the sweep's path; nothing is measured while scenarios are generated)
    prep = None
    if prepare and n >= REFERENCE_MIN_NODES:
        prep = subprocess.Popen([prepare, "--prepare-records", out], stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True, errors="replace")
    if keys is not None:
        import bench                       # harness/: the reference is bench.py's, not ours
        assert bench.light_keys(out) == keys, (bench.light_keys(out), keys)
        bench.save_reference(out, bench.reference_of(out, light_nodes, light_edges))
    if prep is not None:
        _, err = prep.communicate()
        if prep.returncode != 0:
            sys.exit(f"generate.py: {name}: {prepare} --prepare-records failed "
                     f"(exit {prep.returncode}): {err.strip() or 'no message'}")
    return hashes


def _reference_keys(n, plan):
    """The attributes a big scenario's reference needs (bench.light_keys, which checks it
    after), or None: not a big scenario, or no plan (the data picks it: the strict path)."""
    if n < REFERENCE_MIN_NODES or plan is None:
        return None
    return [plan["numeric_attr"]] + [p["key"] for p in plan["filter"]]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_root")
    ap.add_argument("--only", action="append", choices=sorted(SCENARIOS),
                    help="generate only this scenario (repeatable)")
    ap.add_argument("--write-hashes", action="store_true",
                    help="record the output hashes in scenarios/expected_hashes.json")
    ap.add_argument("--prepare-records", metavar="GMBENCH",
                    help="after writing a scenario of 500K+ nodes, have GMBENCH --prepare-records "
                         "write the C drivers' records cache beside it (make scale)")
    ap.add_argument("--if-stale", action="store_true",
                    help="skip a scenario whose params.json matches (make scale: 1M/10M take minutes)")
    args = ap.parse_args(argv)
    names = args.only or DEFAULT
    result = {}
    for name in names:
        if args.if_stale and up_to_date(args.out_root, name):
            print(f"{name}: up to date", file=sys.stderr)
            continue
        t0 = time.monotonic()
        result[name] = generate(args.out_root, name, args.prepare_records)
        print(f"{name}: {time.monotonic() - t0:.1f}s " +
              " ".join(f"{f}={h[:12]}" for f, h in result[name].items()), file=sys.stderr)
    if args.write_hashes:
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "expected_hashes.json")
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(json.dumps({"generator_version": VERSION, "sha256": result},
                               indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
