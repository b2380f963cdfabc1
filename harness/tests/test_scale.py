"""`make scale`'s short form and its parts: the scale family's generator, the not-run
records, repetitions per size, the per-driver timeout that skips instead of failing, and the
merge that replaces only the swept rows.

Run: /usr/bin/python3 -m pytest harness/tests/test_scale.py  (about 1 min on an idle
machine; needs build/ (make build python) for the real drivers).
"""
import csv
import json
import os
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
HARNESS = os.path.dirname(HERE)
ROOT = os.path.dirname(HARNESS)
sys.path.insert(0, HARNESS)
sys.path.insert(0, os.path.join(ROOT, "scenarios"))
import bench  # noqa: E402
import generate  # noqa: E402
import scale  # noqa: E402

PY = "/usr/bin/python3"
FIXTURE = os.path.join(HERE, "fixtures", "results.csv")
needs_build = pytest.mark.skipif(
    not all(os.path.exists(os.path.join(ROOT, "build", f)) for f in ("gmbench", "raw_floor")),
    reason="make build first")


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_family_names_sizes_and_seeds():
    fam = {n: (nodes, draws) for n, ((_, _), nodes, draws, _, _) in generate.SCENARIOS.items()}
    for name, nodes, records in scale.FAMILY:
        assert fam[name] == (nodes, records - nodes), name
        shape = name.split("-")[0]
        assert fam[name][1] == (nodes if shape == "groggy" else 5 * nodes)
    seeds = [s for s, *_ in generate.SCENARIOS.values()]
    # every scenario its own (node seed, edge seed); node seeds shared only by a size's twins
    assert len(set(seeds)) == len(seeds)
    assert generate.SCENARIOS["graph-100k"][0][0] == generate.SCENARIOS["groggy-100k"][0][0]
    assert "groggy-100k" in generate.DEFAULT and "groggy-1m" not in generate.DEFAULT
    # one removal workload at every size: 10 % of the nodes (groggy-10k's 1,000 of 10,000)
    for name, (_, n, _, _, plan) in generate.SCENARIOS.items():
        if name.startswith(("groggy-", "graph-")):
            assert plan["remove_count"] == n // 10, name


def test_generated_params_and_if_stale(tmp_path):
    gen = [PY, os.path.join(ROOT, "scenarios", "generate.py"), str(tmp_path), "--only",
           "groggy-1k"]
    subprocess.run(gen, check=True, capture_output=True)
    p = json.loads((tmp_path / "groggy-1k" / "params.json").read_text())
    edges = (tmp_path / "groggy-1k" / "edges.jsonl").read_text().splitlines()
    assert p["name"] == "groggy-1k" and p["kind"] == "groggy" and p["nodes"] == 1000
    assert p["edges"] == len(edges) == 1000 - p["self_loops_dropped"] - p["duplicates_dropped"]
    assert json.loads((tmp_path / "groggy-1k" / "scenario.json").read_text())["remove_count"] == 100
    q = subprocess.run(gen + ["--if-stale"], check=True, capture_output=True, text=True)
    assert "up to date" in q.stderr
    with open(tmp_path / "groggy-1k" / "edges.jsonl", "a") as f:   # a changed file: redo it
        f.write("\n")
    q = subprocess.run(gen + ["--if-stale"], check=True, capture_output=True, text=True)
    assert "up to date" not in q.stderr
    assert (tmp_path / "groggy-1k" / "edges.jsonl").read_text().splitlines() == edges


def test_light_load_checks_provenance_and_gives_the_same_checksums(tmp_path, monkeypatch):
    subprocess.run([PY, os.path.join(ROOT, "scenarios", "generate.py"), str(tmp_path),
                    "--only", "groggy-1k"], check=True, capture_output=True)
    d = str(tmp_path / "groggy-1k")
    import expected
    import scenario
    nodes, edges = scenario.load(d)
    plan, _ = scenario.resolve_plan(d, nodes)
    strict = expected.checksums(nodes, edges, plan)
    monkeypatch.setattr(bench, "LIGHT_MIN_NODES", 1000)
    keys = bench.light_keys(d)
    assert keys == ["salary", "role", "salary"]
    ln, le = bench.load_light(d, keys)
    lplan, _ = scenario.resolve_plan(d, ln)
    assert lplan == plan and expected.checksums(ln, le, lplan) == strict
    assert expected.neighbors_merged(ln, le) == expected.neighbors_merged(nodes, edges)
    text = (tmp_path / "groggy-1k" / "nodes.jsonl").read_text()
    (tmp_path / "groggy-1k" / "nodes.jsonl").write_text(text.replace('"salary":5', '"salary":6', 1))
    with pytest.raises(bench.BenchError, match="sha256 differs"):
        bench.load_light(d, keys)


def test_memory_model_keeps_big_systems_out():
    assert scale.not_run("zerocopy", 10_000_000, 20_000_000, 16e9) is None
    assert scale.not_run("networkx", 1_000_000, 2_000_000, 16e9) is None       # 1M fits
    assert scale.not_run("networkx", 1_000_000, 6_000_000, 16e9).startswith("time: ")
    why = scale.not_run("json", 10_000_000, 20_000_000, 16e9)
    assert why.startswith("memory: ") and "GB" in why
    assert scale.not_run("graphmem-zerocopy", 100_000, 200_000, 16e9) is None
    assert scale.not_run("graphmem-zerocopy", 100_000, 600_000, 16e9).startswith("time: ")
    assert scale.not_run("graphmem-json-layered", 100_000, 200_000, 16e9) is None
    assert scale.not_run("graphmem-json-layered", 100_000, 600_000, 16e9).startswith("time: ")
    assert scale.not_run("igraph", 1_000_000, 2_000_000, 16e9) is None
    assert scale.peak_bytes("igraph", 6_000_000) < 16e9          # graph-1m would fit too
    assert {s for s in scale.SYSTEMS if scale.not_run(s, 10_000_000, 20_000_000, 16e9) is None} \
        == {"zerocopy", "columnar", "compact", "raw", "igraph-c"}
    # graph-tool: up to 100K (the issue asks 1M of NetworkX and python-igraph only)
    assert scale.not_run("graphtool", 100_000, 600_000, 16e9) is None
    assert "NetworkX and python-igraph only" in scale.not_run("graphtool", 1_000_000, 2_000_000, 16e9)
    assert scale.not_run("graphtool", 1_000_000, 6_000_000, 16e9).startswith("time: ")
    assert scale.not_run("networkx", 1_000_000, 2_000_000, 16e9) is None
    assert scale.not_run("graphmem-compact", 1_000_000, 2_000_000, 16e9).startswith("time: ")
    assert set(scale.SYSTEMS) == {s for systems in bench.PHASES.values() for s in systems}
    assert scale.not_run("graphmem-zerocopy", 1_000_000, 2_000_000, 16e9).startswith("time: ")


FAKE_SLEEP = r'''
import sys, time
time.sleep(60)
'''


def test_timeout_is_recorded_as_not_run_and_the_run_goes_on(tmp_path):
    d = tmp_path / "sc"
    subprocess.run([PY, os.path.join(ROOT, "scenarios", "generate.py"), str(d), "--only",
                    "tiny"], check=True, capture_output=True)
    fake = tmp_path / "sleep.py"
    fake.write_text(FAKE_SLEEP)
    out = tmp_path / "r.csv"
    base = [PY, os.path.join(HARNESS, "bench.py"), "--phase", "peers", "--systems", "networkx",
            "--allocators", "glibc", "--scenario", str(d / "tiny"), "--out", str(out),
            "--reps", "1", "--timeout", "1", "--driver", f"networkx={PY} {fake}"]
    p = subprocess.run(base, capture_output=True, text=True)
    assert p.returncode == 1 and "timed out after 1 s" in p.stderr and not out.exists()
    p = subprocess.run(base + ["--on-timeout", "skip", "--not-run", "igraph=memory: test"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    nr = {r["metric"]: r for r in rows(out) if r["metric"].startswith("not_run:")}
    assert set(nr) == {"not_run:networkx", "not_run:igraph"}
    assert nr["not_run:networkx"]["value"].startswith("timed out after 1 s")
    assert nr["not_run:igraph"]["value"] == "memory: test"
    assert all(r["system"] == "plan" and r["stat"] == "not_run" for r in nr.values())
    assert not [r for r in rows(out) if r["system"] == "networkx"]


@needs_build
def test_short_sweep_rows_repetitions_not_run_and_merge(tmp_path):
    out = tmp_path / "results.csv"
    shutil.copy(FIXTURE, out)
    before = rows(out)
    keep = [r for r in before if r["scenario"] not in ("groggy-1k", "groggy-10k", "graph-10k")
            or (r["system"] not in ("zerocopy", "raw", "networkx", "plan"))
            or r["allocator"] == "jemalloc"]
    # 50 MB: networkx (1.25 x (28 MB + 1,157 B a record)) fits at 1K (38 MB), not at 10K
    # (64 MB, 122 MB)
    # zerocopy (1.25 x (2 MB + 530 B)) fits at graph-10k (42 MB)
    p = subprocess.run([PY, os.path.join(HARNESS, "scale.py"), "--max", "10k", "--quick",
                        "--systems", "zerocopy,raw,networkx", "--mem-limit", "0.05",
                        "--scenarios", str(tmp_path / "sc"), "--out", str(out)],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    assert "left ~" in p.stderr                       # the time-left estimate is shown
    after = rows(out)
    for sc in ("groggy-1k", "groggy-10k", "graph-10k"):
        got = [r for r in after if r["scenario"] == sc and r["allocator"] == "glibc"
               and r["system"] in ("zerocopy", "raw", "networkx")]
        systems = {r["system"] for r in got}
        assert systems == ({"zerocopy", "raw", "networkx"} if sc == "groggy-1k"
                           else {"zerocopy", "raw"}), (sc, systems)
        assert {r["repetitions"] for r in got} == {"1"}
        nr = [r for r in after if r["scenario"] == sc and r["metric"].startswith("not_run:")]
        if sc == "groggy-1k":
            assert nr == []
        else:
            assert [(r["metric"], r["stat"]) for r in nr] == [("not_run:networkx", "not_run")]
            assert nr[0]["value"].startswith("memory: would peak at about")
        exp = [r for r in after if r["scenario"] == sc and r["stat"] == "expected"]
        assert len(exp) == 7
    # rows of other scenarios, and jemalloc rows of the swept ones, are kept as they were
    assert keep and {tuple(r.values()) for r in keep} <= {tuple(r.values()) for r in after}
    assert len(after) == len(keep) + len([r for r in after if r["timestamp"] not in
                                          {k["timestamp"] for k in before}])


def test_merge_replaces_only_swept_glibc_rows():
    def row(sc, system, alloc, v):
        return [sc, system, "4", "build", "time_ns", v, "ns", "best", "1", alloc, "c", "m", "t"]
    old = [row("groggy-10k", "zerocopy", "glibc", "1"), row("groggy-10k", "zerocopy", "jemalloc", "2"),
           row("groggy-10k", "json", "glibc", "3"), row("mixed-10k", "zerocopy", "glibc", "4"),
           ["groggy-10k", "plan", "plan", "info", "x", "y", "", "data", "", "", "c", "m", "t"]]
    new = [row("groggy-10k", "zerocopy", "glibc", "9")]
    got = scale.merge(old, new, {"groggy-10k": {"zerocopy"}})
    assert sorted(r[5] for r in got) == ["2", "3", "4", "9"]


def test_merge_keeps_the_not_run_reasons_of_systems_a_subset_sweep_left_alone():
    def plan(sc, metric, v):
        return [sc, "plan", "plan", "info", metric, v, "", "not_run", "", "", "c", "m", "t"]
    old = [plan("graph-1m", "not_run:networkx", "time: old"),
           plan("graph-1m", "not_run:compact", "memory: old"),
           plan("graph-1m", "scenario_sha256", "aaaa")]
    new = [plan("graph-1m", "scenario_sha256", "bbbb")]
    got = scale.merge(old, new, {"graph-1m": {"compact"}})
    assert sorted((r[4], r[5]) for r in got) == [("not_run:networkx", "time: old"),
                                                 ("scenario_sha256", "bbbb")]


@needs_build
def test_bench_reads_big_generated_scenarios_lightly(tmp_path, monkeypatch, capsys):
    """The light path end to end (in a child process): same expected rows as the strict one."""
    subprocess.run([PY, os.path.join(ROOT, "scenarios", "generate.py"), str(tmp_path),
                    "--only", "groggy-1k"], check=True, capture_output=True)
    args = ["--phase", "4", "--systems", "zerocopy", "--allocators", "glibc", "--reps", "1",
            "--scenario", str(tmp_path / "groggy-1k")]
    assert bench.main(args + ["--out", str(tmp_path / "strict.csv")]) == 0
    assert "read by provenance" not in capsys.readouterr().err
    monkeypatch.setattr(bench, "LIGHT_MIN_NODES", 1000)
    assert bench.main(args + ["--out", str(tmp_path / "light.csv")]) == 0
    assert "read by provenance" in capsys.readouterr().err

    def plan_rows(name):
        return [(r["operation"], r["metric"], r["value"], r["stat"])
                for r in rows(tmp_path / name) if r["system"] == "plan"]
    assert len(plan_rows("light.csv")) == 12 and plan_rows("light.csv") == plan_rows("strict.csv")


def test_generator_reference_is_the_parsed_one_and_bench_uses_it(tmp_path, monkeypatch, capsys):
    """A big scenario's reference comes from generate.py's records as written (no parse in
    make scale): it must equal the one parsed back from the files, strict and light, and
    bench.py uses it only while the files and the reference code are the ones it names."""
    monkeypatch.setattr(generate, "REFERENCE_MIN_NODES", 1000)
    monkeypatch.setattr(bench, "LIGHT_MIN_NODES", 1000)
    generate.generate(str(tmp_path), "groggy-1k")
    d = str(tmp_path / "groggy-1k")
    saved = bench.saved_reference(d)
    assert saved is not None
    keys = bench.light_keys(d)
    assert saved == bench.reference(d, keys)                     # parsed lightly
    strict = bench.reference(d, None)                            # the strict loader
    assert saved[0] == strict[0] and saved[2] == strict[2] and saved[3] == strict[3]
    args = ["--phase", "4", "--systems", "zerocopy", "--allocators", "glibc", "--reps", "1",
            "--scenario", d]
    assert bench.main(args + ["--out", str(tmp_path / "gen.csv")]) == 0
    assert "the generator's .reference.json" in capsys.readouterr().err
    # another reference code: recomputed by parsing, and saved again
    monkeypatch.setattr(bench, "reference_code_sha", lambda: "other")
    assert bench.saved_reference(d) is None
    assert bench.main(args + ["--out", str(tmp_path / "parsed.csv")]) == 0
    assert "read by provenance" in capsys.readouterr().err
    assert bench.saved_reference(d) == saved

    def plan_rows(name):
        return [(r["operation"], r["metric"], r["value"], r["stat"])
                for r in rows(tmp_path / name) if r["system"] == "plan"]
    assert plan_rows("gen.csv") == plan_rows("parsed.csv") and len(plan_rows("gen.csv")) == 12
    # files that are not the ones params.json names: refused, even with a current reference
    text = (tmp_path / "groggy-1k" / "nodes.jsonl").read_text()
    (tmp_path / "groggy-1k" / "nodes.jsonl").write_text(text.replace('"salary":5', '"salary":6', 1))
    assert bench.main(args + ["--out", str(tmp_path / "bad.csv")]) != 0
    assert "differs from the sha256 in params.json" in capsys.readouterr().err


def test_reference_threshold_is_the_light_loaders():
    assert generate.REFERENCE_MIN_NODES == bench.LIGHT_MIN_NODES


def test_time_left_is_measured_rate_times_weight_still_to_do(tmp_path):
    small, big = tmp_path / "s", tmp_path / "b"
    for d, n in ((small, 10_000_000), (big, 90_000_000)):
        d.mkdir()
        with open(d / "nodes.jsonl", "wb") as f:
            f.truncate(n)                             # sparse: only the size is read
        (d / "edges.jsonl").write_bytes(b"")
    p = bench.Progress()
    w_small, w_big = (bench.Progress.weight(str(d), "raw", 1) for d in (small, big))
    assert w_big > 3 * w_small                       # bigger files weigh more
    assert bench.Progress.weight(str(small), "networkx", 1) > w_small     # Python costs more
    p.add("s", w_small)
    p.add("b", w_big)
    assert p.left() is None and p.text() == ""       # nothing measured yet: no guess
    p.finish("s", 10.0)
    assert p.left() == pytest.approx(10.0 * w_big / w_small)
    assert "left ~" in p.text()


def test_time_left_takes_each_systems_own_latest_rate(tmp_path):
    """A Python peer 10x slower than a C driver per unit of weight is estimated at its own
    rate, not the run's average; its latest job sets it; a system not measured yet takes the
    average of everything done."""
    d = tmp_path / "s"
    d.mkdir()
    (d / "nodes.jsonl").write_bytes(b"x" * 1000)
    (d / "edges.jsonl").write_bytes(b"")
    p = bench.Progress()
    w = 100.0
    for system in ("raw", "networkx"):
        p.add(("small", system, "glibc"), w)
        p.add(("big", system, "glibc"), 10 * w)
    p.add(("big", "igraph", "glibc"), 10 * w)
    p.finish(("small", "raw", "glibc"), 1.0)          # raw: 0.01 s a unit
    p.finish(("small", "networkx", "glibc"), 10.0)    # networkx: 0.1 s a unit
    overall = 11.0 / (2 * w)
    assert p.left() == pytest.approx(10 * w * 0.01 + 10 * w * 0.1 + 10 * w * overall)
    p.add(("mid", "networkx", "glibc"), w)
    p.finish(("mid", "networkx", "glibc"), 30.0)      # slower per unit at a bigger size: taken
    overall = 41.0 / (3 * w)
    assert p.left() == pytest.approx(10 * w * 0.01 + 10 * w * 0.3 + 10 * w * overall)


def test_100k_runs_the_c_drivers_3_times_and_the_python_ones_once():
    reps = scale.SIZES[100_000][0]
    assert reps is None                                  # bench.py's big-scenario rule
    assert scale.reps_of(reps, "zerocopy") == scale.reps_of(reps, "raw") == bench.BIG_C_REPS == 3
    assert scale.reps_of(reps, "networkx") == scale.reps_of(reps, "graphmem-compact") == 1
    assert scale.reps_of(5, "networkx") == 5 and scale.reps_of(1, "zerocopy") == 1


def test_generation_runs_in_two_processes_and_fails_loudly(tmp_path):
    scale.generate([("groggy-1k", 1_000, 2_000), ("tiny", 50, 150)], str(tmp_path))
    for name in ("groggy-1k", "tiny"):
        assert (tmp_path / name / "params.json").exists()
    with pytest.raises(bench.BenchError, match="generation failed: .*--only no-such"):
        scale.generate([("groggy-1k", 1_000, 2_000), ("no-such", 10, 20)], str(tmp_path))


def test_generator_has_the_records_cache_written_beside_a_big_scenario(tmp_path, monkeypatch):
    """generate(prepare=GMBENCH) runs `GMBENCH --prepare-records DIR` once the files are
    written (params.json included: gmh_cache_wanted reads it), and fails loudly if it fails."""
    monkeypatch.setattr(generate, "REFERENCE_MIN_NODES", 1000)
    monkeypatch.setattr(bench, "LIGHT_MIN_NODES", 1000)
    log = tmp_path / "calls"
    fake = tmp_path / "fake-gmbench"
    fake.write_text(f"#!/bin/sh\nls \"$2\" > {log}\necho \"$1\" >> {log}\nexit $FAKE_RC\n")
    fake.chmod(0o755)
    monkeypatch.setenv("FAKE_RC", "0")
    generate.generate(str(tmp_path), "groggy-1k", str(fake))
    seen = log.read_text().split()
    assert "--prepare-records" in seen and "params.json" in seen and "edges.jsonl" in seen
    monkeypatch.setenv("FAKE_RC", "3")
    with pytest.raises(SystemExit, match="prepare-records failed \\(exit 3\\)"):
        generate.generate(str(tmp_path), "groggy-1k", str(fake))


def test_bench_prepares_the_records_cache_only_when_missing_or_older(tmp_path):
    d = tmp_path / "s"
    d.mkdir()
    for f in ("nodes.jsonl", "edges.jsonl"):
        (d / f).write_text("")
    p = bench.prepare_records(str(d), ["networkx"])
    assert p is None                                     # no C driver will read it
    cache = d / ".gmh-records.bin"
    cache.write_text("")
    os.utime(cache, (2e9, 2e9))
    assert bench.prepare_records(str(d), ["zerocopy"]) is None       # newer than both files
    os.utime(cache, (1e9, 1e9))
    p = bench.prepare_records(str(d), ["zerocopy"])
    assert p is not None
    with pytest.raises(bench.BenchError, match="prepare-records failed"):
        bench.finish_prepare(p, "s")                     # empty files: gmbench refuses them


def test_a_reference_that_cannot_be_saved_does_not_fail_the_run(tmp_path, monkeypatch, capsys):
    subprocess.run([PY, os.path.join(ROOT, "scenarios", "generate.py"), str(tmp_path),
                    "--only", "groggy-1k"], check=True, capture_output=True)
    monkeypatch.setattr(bench, "LIGHT_MIN_NODES", 1000)

    def refuse(directory, ref):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(bench, "save_reference", refuse)
    args = ["--phase", "4", "--systems", "zerocopy", "--allocators", "glibc", "--reps", "1",
            "--scenario", str(tmp_path / "groggy-1k"), "--out", str(tmp_path / "r.csv")]
    assert bench.main(args) == 0
    assert "reference not saved (Permission denied)" in capsys.readouterr().err
