"""The graphmem command (harness/cli.py, bin/graphmem; issue 13): subcommands, exit statuses
(0 ok, 1 regression, 2 usage or measurement error), --json summaries, scenario names, and the
make targets going through it."""
import csv
import json
import os
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CMD = [os.path.join(ROOT, "bin", "graphmem")]
TINY = os.path.join(ROOT, "build", "scenarios", "tiny")


def gm(*args, **kw):
    return subprocess.run(CMD + list(args), capture_output=True, text=True, cwd=ROOT, **kw)


@pytest.fixture(scope="module", autouse=True)
def built():
    # make test-harness builds and generates first; alone, this module does it itself.
    if not os.path.isdir(TINY) or not os.path.exists(os.path.join(ROOT, "build", "gmbench")):
        subprocess.run(["make", "-C", ROOT, "build", "scenarios"], check=True, capture_output=True)


def test_version_and_help():
    with open(os.path.join(ROOT, "impl", "include", "graphmem.h")) as f:
        version = next(ln.split('"')[1] for ln in f if ln.startswith("#define GM_VERSION"))
    p = gm("--version")
    assert p.returncode == 0 and p.stdout.strip() == f"graphmem {version}"
    p = gm("--help")
    assert p.returncode == 0
    for sub in ("bench", "scale", "gate", "report", "compare", "massif", "systems"):
        assert sub in p.stdout
    assert gm("compare", "--help").returncode == 0


@pytest.mark.parametrize("args", [[], ["frobnicate"], ["bench", "--no-such-option"],
                                  ["massif", "--system", "zerocopy"]])
def test_usage_errors_exit_2(args):
    p = gm(*args)
    assert p.returncode == 2, p.stderr
    assert "usage:" in p.stderr


def test_unknown_scenario_names_it_and_exits_2():
    p = gm("bench", "--no-build", "--scenario", "no-such-scenario", "--quick")
    assert p.returncode == 2
    assert "'no-such-scenario'" in p.stderr and "tiny" in p.stderr   # lists what is shipped


def test_bench_by_scenario_name_with_json(tmp_path):
    out, js = tmp_path / "r.csv", tmp_path / "s.json"
    p = gm("--json", str(js), "bench", "--no-build", "--phase", "1", "--scenario", "tiny",
           "--systems", "native", "--quick", "--out", str(out))
    assert p.returncode == 0, p.stderr
    with open(out, newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["scenario"] for r in rows} == {"tiny"}
    assert any(r["system"] == "native" and r["metric"] == "heap_live_bytes" for r in rows)
    s = json.loads(js.read_text())
    assert s["command"] == "bench" and s["exit_status"] == 0 and s["verdict"] == "ok"
    assert s["results"] == str(out)
    assert s["steps"][-1]["exit_status"] == 0 and "bench.py" in s["steps"][-1]["argv"][1]


def test_bench_failure_is_exit_2(tmp_path):
    # a driver that crashes: the measurement error is exit 2, not a regression
    toml = tmp_path / "mine.toml"
    toml.write_text('[[system]]\nname = "crasher"\ngroup = "user"\n'
                    'command = ["/bin/sh", "-c", "kill -SEGV $$"]\n')
    p = gm("bench", "--no-build", "--phase", "user", "--systems-file", str(toml),
           "--scenario", TINY, "--quick", "--out", str(tmp_path / "r.csv"))
    assert p.returncode == 2, p.stderr
    assert "graphmem bench: bench failed" in p.stderr
    assert not (tmp_path / "r.csv").exists()


def test_systems_lists_what_runs_here():
    p = gm("--json", "-", "systems")
    assert p.returncode == 0
    summary = json.loads(p.stdout[p.stdout.index("{\n"):])
    by = {s["name"]: s for s in summary["systems"]}
    assert by["zerocopy"]["runnable"] and by["zerocopy"]["group"] == "4"
    assert by["compact"]["group"] == "6"
    assert "networkx" in by and "raw" in by and by["graphtool"]["group"] == "peers"
    # the shipped example drivers are listed with where they are declared
    assert by["example-dict"]["file"] == "harness/examples/systems.toml"
    assert by["example-c"]["group"] == "user"


def test_systems_file_missing_is_exit_2():
    p = gm("systems", "--systems-file", "/nonexistent.toml")
    assert p.returncode == 2 and "/nonexistent.toml" in p.stderr


def _write(path, rows):
    fields = ["scenario", "system", "phase", "operation", "metric", "value", "unit", "stat",
              "repetitions", "allocator", "commit", "machine", "timestamp"]
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        for r in rows:
            w.writerow({**dict.fromkeys(fields, ""), **r})


def _row(value, system="zerocopy"):
    return {"scenario": "groggy-10k", "system": system, "phase": "4", "operation": "build",
            "metric": "heap_live_bytes", "value": str(value), "unit": "B", "stat": "exact",
            "allocator": "glibc"}


def test_compare_exit_status_follows_gated_regressions(tmp_path):
    base, same, grown = tmp_path / "b.csv", tmp_path / "s.csv", tmp_path / "g.csv"
    _write(base, [_row(1000)])
    _write(same, [_row(1000)])
    _write(grown, [_row(1010)])
    assert gm("compare", str(base), str(same)).returncode == 0
    p = gm("--json", "-", "compare", str(base), str(grown))
    assert p.returncode == 1
    summary = json.loads(p.stdout[p.stdout.rindex('{\n "graphmem"'):])
    assert summary["verdict"] == "regression" and summary["compare"]["regressions"] == 1
    assert gm("compare", str(base), str(tmp_path / "none.csv")).returncode == 2
    assert gm("compare", "not-a-commit-or-file", str(base)).returncode == 2


def test_compare_measure_builds_base_in_a_worktree(tmp_path):
    # HEAD against this tree on the tiny scenario, 2 runs each: every time figure gets a
    # Mann-Whitney verdict line; exact figures match (same code), so nothing regresses.
    p = gm("--json", str(tmp_path / "s.json"), "compare", "HEAD", "--measure", "--runs", "2",
           "--scenario", "tiny", "--systems", "native", "--no-build")
    assert p.returncode == 0, p.stderr[-2000:]
    assert "Mann-Whitney" in p.stdout
    s = json.loads((tmp_path / "s.json").read_text())
    tests = s["compare"]["time_tests"]
    assert tests and all(len(t["base_runs"]) == 2 and len(t["new_runs"]) == 2 for t in tests)
    assert s["compare"]["regressions"] == 0
    wts = subprocess.run(["git", "-C", ROOT, "worktree", "list"], capture_output=True, text=True)
    assert "gmcompare." not in wts.stdout          # the temporary worktree is gone


def test_report_without_results_is_exit_2(tmp_path):
    p = gm("report", str(tmp_path / "none.csv"), str(tmp_path))
    assert p.returncode == 2 and "no such results file" in p.stderr


@pytest.mark.parametrize("target,expect", [
    ("bench-phase3", "harness/cli.py bench --no-build --scenario groggy-10k"),
    ("gate", "harness/cli.py gate --no-build --scenario groggy-10k"),
    ("report", "harness/cli.py report results.csv reports"),
    ("scale", "harness/cli.py scale --no-build"),
    ("massif", "harness/cli.py massif --no-build --scenario groggy-10k --system zerocopy")])
def test_make_targets_call_the_command(target, expect):
    p = subprocess.run(["make", "-n", "-C", ROOT, "--no-print-directory", target,
                        "SCENARIO=groggy-10k"], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert expect in p.stdout
