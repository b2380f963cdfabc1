"""harness/compare.py on the fixture results file and a modified copy."""
import csv
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import compare  # noqa: E402

FIXTURE = os.path.join(HERE, "fixtures", "results.csv")
COMPARE = os.path.join(os.path.dirname(HERE), "compare.py")


def _modified(tmp_path, edits, extra=()):
    """Copy of the fixture with {(scenario, system, operation, metric): value} replaced."""
    with open(FIXTURE, newline="") as f:
        rows = list(csv.DictReader(f))
    fields = list(rows[0].keys())
    for r in rows:
        k = (r["scenario"], r["system"], r["operation"], r["metric"])
        if k in edits:
            r["value"] = str(edits[k])
    rows.extend(extra)
    out = tmp_path / "new.csv"
    with open(out, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    return str(out)


def _budgets(tmp_path):
    b = tmp_path / "budgets.csv"
    b.write_text("scenario,system,operation,metric,bound,budget,tolerance,why\n"
                 "# comment\n"
                 "groggy-10k,zerocopy,build,heap_live_bytes,max,3000000,1%,test\n")
    return str(b)


def test_identical_files_have_no_change():
    assert compare.compare(compare.load(FIXTURE), compare.load(FIXTURE)) == []


def test_exact_delta_and_moved_component(tmp_path):
    zc = {"scenario": "groggy-10k", "system": "zerocopy", "phase": "4", "operation": "info",
          "metric": "usage.ids", "value": "1000", "unit": "", "stat": "", "repetitions": "3",
          "allocator": "glibc", "commit": "abc1234", "machine": "testbox", "timestamp": "x"}
    base = _modified(tmp_path, {}, [zc])
    os.rename(base, tmp_path / "base.csv")
    new = _modified(tmp_path, {("groggy-10k", "zerocopy", "build", "heap_live_bytes"): 3000500},
                    [dict(zc, value="1500")])
    ch = compare.compare(compare.load(str(tmp_path / "base.csv")), compare.load(new),
                         compare.load_gated(_budgets(tmp_path)))
    heap = [c for c in ch if c["metric"] == "heap_live_bytes"]
    assert len(heap) == 1
    c = heap[0]
    assert (c["kind"], c["base"], c["new"], c["delta"]) == ("exact", 3000000, 3000500, 500)
    assert c["gated"] and c["regression"]
    assert c["components"] == [("ids", 500)]
    assert any(x["metric"] == "usage.ids" and x["kind"] == "exact" for x in ch)


def test_fractional_delta_prints_rounded_not_as_float_noise():
    c = {"scenario": "s", "system": "x", "operation": "build", "metric": "time_ns",
         "allocator": "glibc", "stat": "median", "kind": "time", "base": 0.1, "new": 0.3,
         "delta": 0.3 - 0.1, "pct": 100.0 * (0.3 - 0.1) / 0.1}
    assert c["delta"] != 0.2          # the float noise this formatting must hide
    line = compare.fmt(c)
    assert "0.1 -> 0.3  delta +0.2 (+200.00%)" in line, line
    assert "99999" not in line
    whole = dict(c, base=3000000, new=3000500, delta=500, pct=500 / 30000,
                 components=[("ids", 500), ("edges", -2.5000000000000004)])
    assert "3000000 -> 3000500  delta +500" in compare.fmt(whole)
    assert "moved: ids +500, edges -2.5" in compare.fmt(whole)
    # added and removed figures name their stat: best and median of one figure are two lines
    added = dict(c, kind="added", new=350.449)
    assert compare.fmt(added).endswith("s x build time_ns [glibc] [median] = 350.449")
    assert "[median] (was 0.1)" in compare.fmt(dict(c, kind="removed"))


def test_exit_codes(tmp_path):
    budgets = _budgets(tmp_path)
    grow = _modified(tmp_path, {("groggy-10k", "zerocopy", "build", "heap_live_bytes"): 3100000})
    run = lambda *a: subprocess.run([sys.executable, COMPARE, *a], capture_output=True, text=True)
    r = run(FIXTURE, grow, "--budgets", budgets)
    assert r.returncode == 1 and "REGRESSION" in r.stdout
    # shrinking a gated figure, or growing an ungated one, is reported but not a regression
    r = run(grow, FIXTURE, "--budgets", budgets)
    assert r.returncode == 0 and "-100000" in r.stdout
    other = _modified(tmp_path, {("groggy-10k", "json", "build", "heap_live_bytes"): 31000000})
    assert run(FIXTURE, other, "--budgets", budgets).returncode == 0
    assert run(FIXTURE, str(tmp_path / "missing.csv"), "--budgets", budgets).returncode == 2


def _runs(values):
    key = ("groggy-10k", "zerocopy", "4", "get", "ns_per_item", "median", "glibc")
    return [{key: str(v)} for v in values]


def test_time_tests_give_a_verdict_only_when_significant_and_large():
    slow = compare.time_tests(_runs([100, 101, 99, 100, 102]), _runs([130, 131, 129, 133, 128]))
    assert len(slow) == 1 and slow[0]["verdict"] == "slower" and slow[0]["p"] < 0.05
    fast = compare.time_tests(_runs([130, 131, 129, 133, 128]), _runs([100, 101, 99, 100, 102]))
    assert fast[0]["verdict"] == "faster"
    # significant but within the 10 % threshold: no verdict
    small = compare.time_tests(_runs([100, 101, 100, 101, 100]), _runs([104, 105, 104, 105, 104]))
    assert small[0]["p"] < 0.05 and small[0]["verdict"] == "no significant change"
    # large but not significant (2 runs a side cannot reach p < 0.05)
    few = compare.time_tests(_runs([100, 101]), _runs([150, 151]))
    assert few[0]["verdict"] == "no significant change"
    # all equal: p = 1
    assert compare.time_tests(_runs([5, 5, 5]), _runs([5, 5, 5]))[0]["p"] == 1.0
