"""Tests of the harness itself: loader errors, plans, generator determinism, the
orchestrator's atomic and phase-preserving writes, and the Python peers end to end.

Run: /usr/bin/python3 -m pytest harness/tests  (about 10 s; needs no build/ directory).
"""
import csv
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
HARNESS = os.path.dirname(HERE)
ROOT = os.path.dirname(HARNESS)
sys.path.insert(0, HARNESS)
import scenario  # noqa: E402
from fakes import PREAMBLE, WANT, bench_argv, env as fake_env  # noqa: E402

PY = "/usr/bin/python3"
BENCH = [PY, os.path.join(HARNESS, "bench.py")]
GENERATE = [PY, os.path.join(ROOT, "scenarios", "generate.py")]


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("scenarios")
    subprocess.run(GENERATE + [str(out)], check=True, capture_output=True)
    return out


@pytest.fixture
def tiny(generated, tmp_path):
    d = tmp_path / "tiny"
    shutil.copytree(generated / "tiny", d)
    return d


# --- the loader: every malformed input names its file and line ---

def write(d, nodes, edges=""):
    d.mkdir(exist_ok=True)
    (d / "nodes.jsonl").write_text(nodes, encoding="utf-8")
    (d / "edges.jsonl").write_text(edges, encoding="utf-8")
    return d


GOOD = '{"id": "a", "attrs": {"x": 1}}\n{"id": "b", "attrs": {}}\n'


@pytest.mark.parametrize("nodes, edges, where, words", [
    ('{"id": "a", "attrs": {"x": 1}}\n{"id": "b", "att', "", "nodes.jsonl:2:", "truncated"),
    ('{"id": "a", "attrs": {"x": 1,}}\n', "", "nodes.jsonl:1:", "invalid JSON"),
    ('["a"]\n', "", "nodes.jsonl:1:", "expected a JSON object"),
    ('{"attrs": {}}\n', "", "nodes.jsonl:1:", "missing 'id'"),
    ('{"id": 7, "attrs": {}}\n', "", "nodes.jsonl:1:", "must be a string"),
    ('{"id": "a", "attrs": [1]}\n', "", "nodes.jsonl:1:", "'attrs' must be an object"),
    (GOOD + '{"id": "a"}\n', "", "nodes.jsonl:3:", "duplicate node id 'a'"),
    ("", "", "nodes.jsonl:", "empty file"),
    (GOOD + "\n", "", "nodes.jsonl:3:", "empty line"),
    ('{"id": "a", "attrs": {"x": NaN}}\n', "", "nodes.jsonl:1:", "NaN"),
    ('{"id": "a", "attrs": {"x": 1, "x": 2}}\n', "", "nodes.jsonl:1:", "duplicate key"),
    ('{"id": "a", "attrs": {"x": 99999999999999999999}}\n', "", "nodes.jsonl:1:", "int64"),
    (GOOD, '{"src": "a", "dst": "b"}\n{"src": "a", "dst": "zz"}\n', "edges.jsonl:2:",
     "dst 'zz' is not a node"),
    (GOOD, '{"src": "a"}\n', "edges.jsonl:1:", "missing 'dst'"),
    (GOOD, '{"src": "a", "dst": "b", "attrs": 3}\n', "edges.jsonl:1:", "must be an object"),
    (GOOD, '{"src": "a", "dst": "b", "wat": 1}\n', "edges.jsonl:1:", "unexpected key"),
])
def test_loader_errors_name_file_and_line(tmp_path, nodes, edges, where, words):
    d = write(tmp_path / "s", nodes, edges)
    with pytest.raises(scenario.ScenarioError) as e:
        scenario.load(str(d))
    msg = str(e.value)
    assert where in msg and words in msg, msg


def test_loader_accepts_good_input_and_shares_ids(tmp_path):
    d = write(tmp_path / "s", GOOD, '{"src": "a", "dst": "b", "attrs": {"w": 0.5}}')
    nodes, edges = scenario.load(str(d), intern=True)
    assert nodes == [("a", {"x": 1}), ("b", {})] and edges == [("a", "b", {"w": 0.5})]
    assert edges[0][0] is nodes[0][0]      # edge endpoints reuse the node id objects


def test_bench_rejects_bad_scenario_before_running(tmp_path):
    d = write(tmp_path / "bad", '{"id": "a"}\n{"id": "a"}\n')
    p = subprocess.run(BENCH + ["--phase", "peers", "--systems", "networkx", "--allocators",
                                "glibc", "--scenario", str(d), "--out", str(tmp_path / "r.csv")],
                       capture_output=True, text=True)
    assert p.returncode == 1 and "nodes.jsonl:2: duplicate node id" in p.stderr
    assert not (tmp_path / "r.csv").exists()


# --- plan resolution ---

def test_default_plan_from_data(tiny):
    nodes, _ = scenario.load(str(tiny))
    plan, sources = scenario.resolve_plan(str(tiny), nodes)
    # level, salary and value are ints on every node: the tie goes to the first name.
    assert plan["numeric_attr"] == "level"
    assert plan["filter"][0]["key"] == "department" and plan["filter"][0]["op"] == "=="
    assert plan["filter"][1]["key"] == "level" and plan["filter"][1]["op"] == ">"
    assert plan["remove"] == [f"n{i}" for i in range(0, 50, 10)]     # 10 % of 50, every 10th
    assert set(sources.values()) == {"data"}


def test_plan_from_scenario_json(tiny):
    (tiny / "scenario.json").write_text(json.dumps(
        {"numeric_attr": "salary", "filter": [{"key": "role", "op": "==", "value": "engineer"}],
         "remove": ["n3", "n4"]}))
    nodes, _ = scenario.load(str(tiny))
    plan, sources = scenario.resolve_plan(str(tiny), nodes)
    assert plan == {"numeric_attr": "salary", "remove": ["n3", "n4"], "set_value_offset": 1,
                    "filter": [{"key": "role", "op": "==", "value": "engineer"}]}
    assert sources["filter"] == "scenario.json" and sources["set_value_offset"] == "data"
    (tiny / "scenario.json").write_text('{"remove": ["nope"]}')
    with pytest.raises(scenario.ScenarioError, match="scenario.json.*unknown node"):
        scenario.resolve_plan(str(tiny), nodes)


def test_groggy_plan_is_the_issues(generated):
    d = str(generated / "groggy-10k")
    nodes, _ = scenario.load(d)
    plan, _ = scenario.resolve_plan(d, nodes)
    assert plan["numeric_attr"] == "salary" and len(plan["remove"]) == 1000
    assert plan["filter"] == [{"key": "role", "op": "==", "value": "engineer"},
                              {"key": "salary", "op": ">", "value": 100000}]


def test_mixed_default_plan_skips_high_cardinality_strings(generated):
    d = str(generated / "mixed-10k")
    nodes, _ = scenario.load(d)
    plan, _ = scenario.resolve_plan(d, nodes)
    assert plan["numeric_attr"] == "salary" and plan["filter"][0]["key"] == "role"


# --- the generator ---

def test_generator_matches_committed_hashes(generated):
    with open(os.path.join(ROOT, "scenarios", "expected_hashes.json")) as f:
        expected = json.load(f)["sha256"]
    for name, files in expected.items():
        params = json.loads((generated / name / "params.json").read_text())
        assert params["sha256"] == files, name
        for fname, digest in files.items():
            assert hashlib.sha256((generated / name / fname).read_bytes()).hexdigest() == digest


def test_generator_is_byte_identical_across_runs(generated, tmp_path):
    subprocess.run(GENERATE + [str(tmp_path), "--only", "mixed-10k", "--only", "tiny"],
                   check=True, capture_output=True)
    for name in ("mixed-10k", "tiny"):
        for f in os.listdir(generated / name):
            assert (tmp_path / name / f).read_bytes() == (generated / name / f).read_bytes()


# --- the orchestrator, with a fake driver whose behaviour the test picks ---

FAKE = PREAMBLE + WANT + r'''
mode = os.environ.get("FAKE_MODE", "ok")
if mode == "fail":
    sys.exit("fake: failing on purpose")
if mode == "sleep":
    open(os.environ["FAKE_STARTED"], "w").close()
    time.sleep(60)
t = os.environ.get("FAKE_TIME", "100")
print(f"build,time_ns,{t},ns,best\nbuild,time_ns,{t},ns,median\nbuild,mallinfo_bytes,1000,B,exact")
for op in ("get", "column", "filter", "neighbors", "remove"):   # right unless FAKE_SUM
    print(f"{op},checksum,{os.environ.get('FAKE_SUM', want[op])},value,exact")
if mode == "selfwrong":   # a driver whose own check failed: every row printed, then status 4
    sys.exit(4)
if mode == "garbage":
    print("get,time_ns,fast,ns,best")
'''


@pytest.fixture
def bench(tiny, tmp_path):
    fake = tmp_path / "fake.py"
    fake.write_text(FAKE)
    out = tmp_path / "results.csv"

    def run(phase, env=None, systems=None, wait=True, extra=()):
        systems = systems or {"0": ["json"], "peers": ["networkx"]}[phase]
        cmd = bench_argv([phase], tiny, out, systems, {s: f"{PY} {fake}" for s in systems},
                         extra)
        e = fake_env(**(env or {}))
        if not wait:
            return subprocess.Popen(cmd, env=e, stderr=subprocess.PIPE, start_new_session=True)
        return subprocess.run(cmd, env=e, capture_output=True, text=True)
    run.out = out
    return run


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_failed_or_invalid_driver_leaves_results_untouched(bench, tmp_path):
    assert bench("0").returncode == 0
    assert bench("peers").returncode == 0
    before = bench.out.read_bytes()
    for env, words in [({"FAKE_MODE": "fail"}, "failing on purpose"),
                       ({"FAKE_MODE": "garbage"}, "want unit ns"),
                       # a checksum the scenario files do not give
                       ({"FAKE_SUM": "8"}, "wrong checksum"),
                       # exit 4 with right checksums: the driver's check and ours disagree
                       ({"FAKE_MODE": "selfwrong"}, "driver reported a wrong answer")]:
        p = bench("peers", env)
        assert p.returncode == 1 and words in p.stderr, p.stderr
        assert bench.out.read_bytes() == before
    assert [f for f in os.listdir(tmp_path) if f.startswith(".results.")] == []


def test_hung_driver_times_out_and_leaves_results_untouched(bench, tmp_path):
    assert bench("peers").returncode == 0
    before = bench.out.read_bytes()
    t0 = time.monotonic()
    p = bench("peers", {"FAKE_MODE": "sleep", "FAKE_STARTED": str(tmp_path / "s")},
              extra=["--timeout", "1"])
    assert p.returncode == 1 and "timed out after 1" in p.stderr, p.stderr
    assert time.monotonic() - t0 < 30
    assert bench.out.read_bytes() == before


def test_killed_run_leaves_results_untouched(bench, tmp_path):
    assert bench("peers").returncode == 0
    before = bench.out.read_bytes()
    started = tmp_path / "started"
    p = bench("peers", {"FAKE_MODE": "sleep", "FAKE_STARTED": str(started)}, wait=False)
    deadline = time.monotonic() + 20
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert started.exists()
    os.killpg(p.pid, signal.SIGKILL)       # the bench and its driver: the group we started
    p.wait()
    assert bench.out.read_bytes() == before


def test_rerunning_a_phase_keeps_the_other_phases(bench):
    assert bench("0").returncode == 0
    assert bench("peers").returncode == 0
    phase0 = [r for r in rows(bench.out) if r["phase"] == "0"]
    assert phase0 and {r["system"] for r in phase0} == {"json"}
    p = bench("peers", {"FAKE_TIME": "200"})
    assert p.returncode == 0, p.stderr
    after = rows(bench.out)
    assert [r for r in after if r["phase"] == "0"] == phase0
    peers = [r for r in after if r["phase"] == "peers" and r["metric"] == "time_ns"]
    assert peers and {r["value"] for r in peers} == {"200"}
    # 5 plan choices + 7 expected checksums, replaced, not appended
    assert len([r for r in after if r["system"] == "plan"]) == 12


# --- the real Python peers on the tiny scenario ---

def test_python_peers_agree_and_heap_bytes_are_reproducible(tiny, tmp_path):
    figures = []
    for i in range(2):
        out = tmp_path / f"r{i}.csv"
        p = subprocess.run(BENCH + ["--phase", "peers", "--systems", "networkx,igraph",
                                    "--allocators", "glibc", "--scenario", str(tiny),
                                    "--out", str(out), "--reps", "1"],
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stderr        # bench cross-checks the checksums itself
        rs = rows(out)
        sums = {(r["system"], r["operation"]): r["value"] for r in rs if r["metric"] == "checksum"}
        for op in ("get", "column", "set", "batch-set", "filter", "neighbors", "remove"):
            assert sums[("networkx", op)] == sums[("igraph", op)], op
        figures.append({r["system"]: int(r["value"]) for r in rs
                        if r["operation"] == "build" and r["metric"] == "mallinfo_bytes"})
    # Repeatable, not identical: on a loaded machine two consecutive python-igraph runs on tiny
    # once differed by 1,200 B (36,672 vs 35,472), and the figure moves by a few hundred bytes
    # from one shell environment to another. So the Python peers' glibc heap is compared within
    # 2 KB here, is never budgeted by the gate, and the report calls it one-machine-exact.
    assert set(figures[0]) == set(figures[1]) == {"networkx", "igraph"}
    for system, v in figures[0].items():
        assert abs(v - figures[1][system]) <= 2048, (system, v, figures[1][system])
    assert all(v > 0 for v in figures[0].values())


# --- the C drivers (built by `make build`; skipped when absent) ---

DRIVERS_C = {"gmbench": ["json", "native", "columnar", "zerocopy"], "raw_floor": ["raw"],
             "peer_igraph_c": ["igraph-c"]}


def c_driver(name):
    path = os.path.join(ROOT, "build", name)
    if not os.path.exists(path):
        pytest.skip(f"build/{name} not built (make build)")
    return path


def run_driver(name, system, scen, plan, reps=1):
    return subprocess.run([c_driver(name), "--scenario", str(scen), "--plan", str(plan),
                           "--system", system, "--reps", str(reps)], capture_output=True, text=True)


def test_num_allocs_do_not_depend_on_reps(generated, tmp_path):
    """num_allocs is the first repetition's: a buffer grown once (columnar's neighbour scratch)
    is counted at --reps 1 and at --reps 3 alike (it used to read 1 and 0)."""
    scen = generated / "groggy-10k"
    plan = tmp_path / "plan.json"
    subprocess.run([PY, os.path.join(HARNESS, "scenario.py"), str(scen), str(plan)], check=True,
                   capture_output=True)
    for system in DRIVERS_C["gmbench"]:
        figs = []
        for reps in (1, 3):
            p = run_driver("gmbench", system, scen, plan, reps)
            assert p.returncode == 0, p.stderr
            figs.append(sorted(ln for ln in p.stdout.splitlines() if ",num_allocs," in ln))
        assert figs[0] == figs[1], system
        if system == "columnar":
            assert "neighbors,num_allocs,1,count,exact" in figs[0]


@pytest.mark.parametrize("name", sorted(DRIVERS_C))
def test_c_drivers_exact_figures_repeat(name, tiny, tmp_path):
    plan = tmp_path / "plan.json"
    subprocess.run([PY, os.path.join(HARNESS, "scenario.py"), str(tiny), str(plan)], check=True,
                   capture_output=True)
    for system in DRIVERS_C[name]:
        runs = []
        for _ in range(2):
            p = run_driver(name, system, tiny, plan)
            assert p.returncode == 0, p.stderr
            runs.append(sorted(ln for ln in p.stdout.splitlines()
                               if ln.endswith(",exact") and ",mallinfo_bytes," not in ln))
        assert runs[0] == runs[1], system                # counting-allocator bytes, counts, sums
        assert any(",heap_live_bytes," in ln for ln in runs[0]) or name == "peer_igraph_c"


@pytest.mark.parametrize("nodes, edges, where", [
    ('{"id": "a", "attrs": {"x": 1}}\n{"id": "b", "att', "", "nodes.jsonl:2"),
    (GOOD + '{"id": "a"}\n', "", "nodes.jsonl:3"),
    (GOOD, '{"src": "a", "dst": "zz"}\n', "edges.jsonl:1"),
    ("", "", "nodes.jsonl"),
])
def test_c_drivers_reject_bad_files_with_file_and_line(nodes, edges, where, tmp_path):
    d = write(tmp_path / "bad", nodes, edges)
    plan = tmp_path / "plan.json"
    plan.write_text('{"numeric_attr": "x", "filter": [], "remove": []}')
    for name, systems in sorted(DRIVERS_C.items()):
        p = run_driver(name, systems[0], d, plan)
        assert p.returncode == 2, (name, p.stdout, p.stderr)
        assert where in p.stderr, (name, p.stderr)
        assert p.stdout.count("\n") <= 1 and "heap_live_bytes" not in p.stdout, name


def test_gmbench_unknown_backend_lists_known(tiny, tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text('{"numeric_attr": "salary", "filter": [], "remove": []}')
    p = run_driver("gmbench", "nosuch", tiny, plan)
    assert p.returncode == 3 and "zerocopy" in p.stderr
