"""harness/gate.py: it can fail (a lowered budget), it passes on a correct one, and its output
is a table ending in exactly `gate: N passed, N failed`."""
import csv
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GATE = os.path.join(ROOT, "harness", "gate.py")
FIXTURE = os.path.join(ROOT, "harness", "tests", "fixtures", "results.csv")
TINY = os.path.join(ROOT, "build", "scenarios", "tiny")
BUDGETS = os.path.join(ROOT, "scenarios", "budgets.csv")
HEADER = "scenario,system,operation,metric,budget,tolerance,why\n"
CLOSING = re.compile(r"^gate: (\d+) passed, (\d+) failed$")


def gate(*args, timeout=120):
    r = subprocess.run([sys.executable, GATE, *args], capture_output=True, text=True,
                       cwd=ROOT, timeout=timeout)
    return r.returncode, r.stdout, r.stderr


def closing(out):
    last = out.rstrip("\n").splitlines()[-1]
    m = CLOSING.match(last)
    assert m, f"closing line is {last!r}"
    return int(m.group(1)), int(m.group(2))


def budget_file(tmp_path, rows):
    p = tmp_path / "budgets.csv"
    p.write_text(HEADER + "".join(",".join(map(str, r)) + "\n" for r in rows))
    return str(p)


# ---- the checker on a fixed results file (fast, no drivers needed) ----

def test_fixture_lowered_budget_fails(tmp_path):
    b = budget_file(tmp_path, [("groggy-10k", "zerocopy", "build", "heap_live_bytes", 2_900_000,
                                "1%", "lowered below the measured 3000000")])
    rc, out, _ = gate("--from-results", FIXTURE, "--scenario", "groggy-10k", "--budgets", b)
    assert rc == 1
    passed, failed = closing(out)
    assert failed == 1
    line = next(ln for ln in out.splitlines() if ln.startswith("zerocopy build heap_live_bytes"))
    assert "3,000,000" in line and "FAIL" in line and "over budget" in line


def test_fixture_correct_budget_passes(tmp_path):
    b = budget_file(tmp_path, [("groggy-10k", s, "build", "heap_live_bytes", v, "1%", "measured")
                               for s, v in (("json", 30_000_000), ("native", 20_000_000),
                                            ("columnar", 4_000_000), ("zerocopy", 3_000_000))])
    rc, out, _ = gate("--from-results", FIXTURE, "--scenario", "groggy-10k", "--budgets", b)
    assert rc == 0, out
    passed, failed = closing(out)
    assert failed == 0 and passed >= 4 + 3 + 3     # budgets + phase order + seed headline
    lines = out.splitlines()
    assert lines[1].split() == ["check", "measured", "budget", "verdict"]
    assert set(lines[2].replace(" ", "")) == {"-"}
    # Attribute access is listed as not yet measurable, counted neither way.
    assert any("attribute access" in ln and "not yet measurable" in ln for ln in lines)


def test_fixture_phase_order_violation_fails(tmp_path):
    with open(FIXTURE, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for r in rows:      # zerocopy holding more than columnar must be named, not hidden
        if (r["scenario"], r["system"], r["metric"]) == ("groggy-10k", "zerocopy",
                                                          "heap_live_bytes"):
            r["value"] = "5000000"
    p = tmp_path / "results.csv"
    with open(p, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    rc, out, _ = gate("--from-results", str(p), "--scenario", "groggy-10k",
                      "--checks", "order")
    assert rc == 1
    assert "zerocopy holds no fewer bytes than columnar" in out
    assert closing(out) == (2, 1)


def test_fixture_known_phase_order_break_is_listed_not_failed(tmp_path):
    with open(FIXTURE, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for r in rows:      # native holding more than json, as measured on the real backends
        if (r["scenario"], r["system"], r["metric"]) == ("groggy-10k", "native",
                                                          "heap_live_bytes"):
            r["value"] = "99000000"
    p = tmp_path / "results.csv"
    with open(p, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    b = tmp_path / "budgets.csv"
    b.write_text("scenario,system,operation,metric,budget,tolerance,why\n"
                 "groggy-10k,native,build,phase_order,known,,boxes outweigh text\n")
    rc, out, _ = gate("--from-results", str(p), "--scenario", "groggy-10k",
                      "--checks", "order", "--budgets", str(b))
    assert rc == 0, out
    assert "KNOWN" in out and "boxes outweigh text" in out
    # native < json fails without the acknowledgement, and columnar < native is still checked
    b.write_text("scenario,system,operation,metric,budget,tolerance,why\n")
    rc, out, _ = gate("--from-results", str(p), "--scenario", "groggy-10k",
                      "--checks", "order", "--budgets", str(b))
    assert rc == 1 and "native holds no fewer bytes than json" in out


# ---- the real thing: fresh measurement on the tiny scenario ----

DRIVERS = [os.path.join(ROOT, "harness", "bench.py")] + [
    os.path.join(ROOT, "build", d) for d in ("gmbench", "peer_igraph_c", "raw_floor")]


def _tiny_missing():
    """What the real measurement needs and is absent (`make test-harness` builds it all)."""
    return [os.path.relpath(p, ROOT) for p in DRIVERS + [TINY] if not os.path.exists(p)]


@pytest.fixture(scope="module")
def tiny_results(tmp_path_factory):
    missing = _tiny_missing()
    if missing:
        pytest.skip(f"{', '.join(missing)} missing: run `make build scenarios` first")
    d = tmp_path_factory.mktemp("tiny")
    keep = str(d / "results.csv")
    rc, out, err = gate("--scenario", TINY, "--reps", "1", "--propose-budgets", "--keep", keep)
    assert rc == 0, err
    proposed = [ln for ln in out.splitlines() if ln.startswith("tiny,")]
    assert proposed, out + err
    return keep, proposed


def test_tiny_lowered_budget_fails(tmp_path, tiny_results):
    _, proposed = tiny_results
    scn, system, op, metric, value, tol, why = next(csv.reader(proposed[:1]))
    lowered = int(value) // 2
    b = budget_file(tmp_path, [(scn, system, op, metric, lowered, "1%", "lowered on purpose")])
    rc, out, _ = gate("--scenario", TINY, "--reps", "1", "--budgets", b, "--checks", "budgets")
    assert rc == 1, out
    assert closing(out) == (0, 1)
    assert "FAIL" in next(ln for ln in out.splitlines()
                          if ln.startswith(f"{system} {op} {metric}"))


def test_tiny_measured_budget_passes(tmp_path, tiny_results):
    _, proposed = tiny_results
    b = tmp_path / "budgets.csv"
    b.write_text(HEADER + "\n".join(proposed) + "\n")
    rc, out, _ = gate("--scenario", TINY, "--reps", "1", "--budgets", str(b),
                      "--checks", "budgets")
    assert rc == 0, out
    assert closing(out) == (len(proposed), 0)


def test_committed_budgets_cover_groggy():
    with open(BUDGETS, newline="", encoding="utf-8") as f:
        lines = [ln for ln in f if ln.strip() and not ln.startswith("#")]
    assert lines[0] == HEADER
    rows = list(csv.DictReader(lines))
    have = {(r["scenario"], r["system"]) for r in rows if r["metric"] == "heap_live_bytes"}
    missing = [s for s in ("json", "native", "columnar", "zerocopy")
               if ("groggy-10k", s) not in have]
    if missing:
        pytest.xfail(f"budgets.csv has no groggy-10k heap_live_bytes row for {missing} yet "
                     "(backends not built when the budgets were set)")
