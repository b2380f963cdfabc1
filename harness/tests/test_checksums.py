"""Measurement integrity (issue 10): expected checksums computed by the orchestrator, wrong
answers failing the run, `neighbors` in the same unit for every system, one filter semantics.

Run: /usr/bin/python3 -m pytest harness/tests/test_checksums.py (needs `make build python`;
the tests that run drivers skip when they are absent).
"""
import csv
import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
HARNESS = os.path.dirname(HERE)
ROOT = os.path.dirname(HARNESS)
sys.path.insert(0, HARNESS)
import expected  # noqa: E402
import scenario  # noqa: E402
from fakes import PREAMBLE, WANT, bench_argv  # noqa: E402

PY = "/usr/bin/python3"
BENCH = [PY, os.path.join(HARNESS, "bench.py")]
C_SYSTEMS = {"0": ["json"], "1": ["native"], "3": ["columnar"], "4": ["zerocopy"], "6": ["compact"],
             "peers": ["networkx", "igraph", "graphtool", "igraph-c", "raw"]}
PY_SYSTEMS = {"2": ["graphmem-json-layered", "graphmem-native-layered",
                    "graphmem-native-direct"], "5": ["graphmem-zerocopy"],
              "6": ["graphmem-compact"]}


def need_build():
    for f in ("gmbench", "raw_floor", "peer_igraph_c"):
        if not os.path.exists(os.path.join(ROOT, "build", f)):
            pytest.skip(f"build/{f} not built (make build)")
    if not os.path.isdir(os.path.join(ROOT, "build", "python", "graphmem")):
        pytest.skip("build/python not built (make python)")


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def bench(phases, scen, out, systems=None, extra=(), env=None):
    return subprocess.run(bench_argv(phases, scen, out, systems, extra=extra),
                          capture_output=True, text=True, env={**os.environ, **(env or {})})


def scen_dir(d, nodes, edges, plan=None):
    """A scenario directory from Python records (ids are strings, attrs dicts)."""
    d.mkdir()
    with open(d / "nodes.jsonl", "w") as f:
        for n, a in nodes:
            f.write(json.dumps({"id": n, "attrs": a}) + "\n")
    with open(d / "edges.jsonl", "w") as f:
        for s, t in edges:
            f.write(json.dumps({"src": s, "dst": t}) + "\n")
    if plan:
        (d / "scenario.json").write_text(json.dumps(plan))
    return d


# A graph whose node count, edge count and out-degree sums all differ, with a self-loop and a
# repeated (src, dst) pair (networkx.DiGraph merges it: the documented exception).
NODES = [(f"v{i}", {"w": i * 10, "kind": "a" if i % 2 else "b", "x": None if i % 3 == 0 else i})
         for i in range(12)]
EDGES = [("v0", "v5"), ("v0", "v7"), ("v1", "v11"), ("v2", "v2"), ("v3", "v9"), ("v3", "v9"),
         ("v4", "v0"), ("v6", "v10"), ("v6", "v11"), ("v6", "v1"), ("v8", "v3"), ("v9", "v4"),
         ("v10", "v6"), ("v11", "v8"), ("v11", "v2"), ("v5", "v7"), ("v7", "v10")]
PLAN = {"numeric_attr": "w", "filter": [{"key": "kind", "op": "==", "value": "a"},
                                        {"key": "w", "op": ">", "value": 30}],
        "remove_count": 3}


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    """Every system on NODES/EDGES, one bench run (about 5 s)."""
    need_build()
    t = tmp_path_factory.mktemp("all")
    d = scen_dir(t / "g", NODES, EDGES, PLAN)
    out = t / "r.csv"
    p = bench(["all"], d, out)
    assert p.returncode == 0, p.stderr
    return d, rows(out)


def test_expected_rows_are_recorded_and_independent(measured):
    d, rs = measured
    nodes, edges = scenario.load(str(d))
    plan, _ = scenario.resolve_plan(str(d), nodes)
    want = expected.checksums(nodes, edges, plan)
    got = {r["operation"]: r["value"] for r in rs
           if r["system"] == "plan" and r["stat"] == "expected" and r["metric"] == "checksum"}
    assert got == want
    # by hand, from NODES/EDGES: targets' positions, nodes left, the filter's matches
    assert want["neighbors"] == str(sum(int(t[1:]) for _, t in EDGES))
    assert want["remove"] == "9"
    assert want["filter"] == str(sum(1 for n, a in NODES if a["kind"] == "a" and a["w"] > 30))


def test_neighbors_items_are_edges_and_checksum_reads_targets(measured):
    _, rs = measured
    want = next(r["value"] for r in rs if r["system"] == "plan"
                and r["operation"] == "neighbors" and r["stat"] == "expected")
    merged = len({(s, t) for s, t in EDGES})
    systems = {r["system"] for r in rs if r["phase"] != "plan"}
    assert systems == {s for p in (C_SYSTEMS, PY_SYSTEMS) for ss in p.values() for s in ss}
    for s in sorted(systems):
        got = {(r["metric"], r["stat"]): r["value"] for r in rs
               if r["system"] == s and r["operation"] == "neighbors"}
        if s == "networkx":              # DiGraph keeps one edge per (src, dst)
            assert got[("items", "exact")] == str(merged), s
            assert got[("checksum", "exact")] == expected.neighbors_merged(
                *scenario.load(str(measured[0]))), s
        else:
            assert got[("items", "exact")] == str(len(EDGES)), s
            assert got[("checksum", "exact")] == want, s
    # a walk that only added up list lengths (the old drivers) prints another number
    assert expected.neighbors_length_only(NODES, EDGES) != want


def test_every_system_matches_every_expected_checksum(measured):
    _, rs = measured
    want = {r["operation"]: r["value"] for r in rs
            if r["system"] == "plan" and r["stat"] == "expected"}
    for r in rs:
        if r["phase"] != "plan" and r["metric"] == "checksum" and not (
                r["system"] == "networkx" and r["operation"] == "neighbors"):
            assert r["value"] == want[r["operation"]], (r["system"], r["operation"])


# --- a wrong answer fails the run, even when the system runs alone ---

FAKE = PREAMBLE + WANT + r'''
wrong = os.environ.get("FAKE_WRONG_OP")
print("build,time_ns,100,ns,best\nbuild,time_ns,100,ns,median\nbuild,mallinfo_bytes,1000,B,exact")
for op in ("get", "column", "filter", "neighbors", "remove"):
    v = want[op]
    print(f"{op},checksum,{int(v) - 1 if op == wrong else v},value,exact")
'''


def test_wrong_checksum_fails_alone_and_keep_wrong_writes(tmp_path):
    d = scen_dir(tmp_path / "g", NODES, EDGES, PLAN)
    fake = tmp_path / "fake.py"
    fake.write_text(FAKE)
    out = tmp_path / "r.csv"
    drv = ["--driver", f"zerocopy={PY} {fake}"]
    env = {"FAKE_HARNESS": HARNESS}
    ok = bench(["4"], d, out, ["zerocopy"], drv, env)
    assert ok.returncode == 0, ok.stderr
    before = out.read_bytes()
    want = expected.checksums(*scenario.load(str(d)), scenario.resolve_plan(str(d), scenario.load(str(d))[0])[0])
    p = bench(["4"], d, out, ["zerocopy"], drv, {**env, "FAKE_WRONG_OP": "filter"})
    assert p.returncode == 1, p.stderr
    msg = (f"scenario g system zerocopy allocator glibc: filter checksum expected "
           f"{want['filter']}, got {int(want['filter']) - 1}")
    assert msg in p.stderr, p.stderr
    assert out.read_bytes() == before
    k = bench(["4"], d, out, ["zerocopy"], drv + ["--keep-wrong"], {**env, "FAKE_WRONG_OP": "filter"})
    assert k.returncode == 4, k.stderr
    assert msg in k.stderr
    got = {(r["system"], r["operation"], r["stat"]): r["value"] for r in rows(out)
           if r["metric"] == "checksum"}
    assert got[("zerocopy", "filter", "exact")] == str(int(want["filter"]) - 1)
    assert got[("plan", "filter", "expected")] == want["filter"]


# --- one filter semantics: null <= null, in the library, the harness and every peer ---

def test_reference_null_semantics():
    m = expected.matches
    assert m(None, "<=", None) and m(None, ">=", None) and m(None, "==", None)
    assert not m(None, "<", None) and not m(None, ">", None) and not m(None, "!=", None)
    assert m(None, "!=", 3) and not m(None, "<=", 3) and not m(None, "==", 3)
    assert not m(expected._ABSENT, "!=", None)


@pytest.mark.parametrize("op, count", [("<=", 4), (">=", 4), ("==", 4), ("<", 0), (">", 0),
                                       ("!=", 8)])
def test_null_constant_agrees_in_every_system(tmp_path, op, count):
    """x is null on v0, v3, v6, v9 and an int elsewhere. igraph and igraph-c are left out:
    igraph stores a null as absent (PROTOCOL.md, documented exceptions)."""
    need_build()
    plan = {**PLAN, "filter": [{"key": "x", "op": op, "value": None}]}
    d = scen_dir(tmp_path / "g", NODES, EDGES, plan)
    out = tmp_path / "r.csv"
    systems = ["json", "native", "columnar", "zerocopy", "raw", "networkx",
               "graphmem-native-direct", "graphmem-zerocopy"]
    p = bench(["0", "1", "2", "3", "4", "5", "peers"], d, out, systems)
    assert p.returncode == 0, p.stderr
    got = {r["system"]: r["value"] for r in rows(out)
           if r["operation"] == "filter" and r["metric"] == "checksum"}
    assert got == {**{s: str(count) for s in systems}, "plan": str(count)}
