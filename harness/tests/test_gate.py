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
HEADER = "scenario,system,operation,metric,bound,budget,tolerance,why\n"
CLOSING = re.compile(r"^gate: (\d+) passed, (\d+) failed$")
SCALE = os.path.join(ROOT, "harness", "tests", "fixtures", "scale_results.csv")
# Every check but `curve` (the main fixture has no groggy-100k rows; curve has its own tests).
# A budgets file with no acknowledgements: the curve tests judge the raw verdicts.
NO_ACK = os.path.join(os.path.dirname(__file__), "fixtures", "budgets_header_only.csv")
NO_CURVE = "budgets,instructions,order,seed,checksums"


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
    """rows of (scenario, system, op, metric, budget, tolerance, why), bound max, or with the
    bound given as a 5th field before the budget (8 fields)."""
    p = tmp_path / "budgets.csv"
    full = [r if len(r) == 8 else (*r[:4], "max", *r[4:]) for r in rows]
    p.write_text(HEADER + "".join(",".join(map(str, r)) + "\n" for r in full))
    return str(p)


# ---- the checker on a fixed results file (fast, no drivers needed) ----

def test_fixture_lowered_budget_fails(tmp_path):
    b = budget_file(tmp_path, [("groggy-10k", "zerocopy", "build", "heap_live_bytes", 2_900_000,
                                "1%", "lowered below the measured 3000000")])
    rc, out, _ = gate("--from-results", FIXTURE, "--scenario", "groggy-10k", "--budgets", b,
                      "--checks", NO_CURVE)
    assert rc == 1
    passed, failed = closing(out)
    assert failed == 1
    line = next(ln for ln in out.splitlines() if ln.startswith("zerocopy build heap_live_bytes"))
    assert "3,000,000" in line and "FAIL" in line and "over budget" in line


def test_fixture_correct_budget_passes(tmp_path):
    b = budget_file(tmp_path, [("groggy-10k", s, "build", "heap_live_bytes", v, "1%", "measured")
                               for s, v in (("json", 30_000_000), ("native", 20_000_000),
                                            ("columnar", 4_000_000), ("zerocopy", 3_000_000))])
    rc, out, _ = gate("--from-results", FIXTURE, "--scenario", "groggy-10k", "--budgets", b,
                      "--checks", NO_CURVE)
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
    b.write_text(HEADER + "groggy-10k,native,build,phase_order,known,,,boxes outweigh text\n")
    rc, out, _ = gate("--from-results", str(p), "--scenario", "groggy-10k",
                      "--checks", "order", "--budgets", str(b))
    assert rc == 0, out
    assert "KNOWN" in out and "boxes outweigh text" in out
    # native < json fails without the acknowledgement, and columnar < native is still checked
    b.write_text(HEADER)
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
    scn, system, op, metric, bound, value, tol, why = next(csv.reader(proposed[:1]))
    assert bound == "max"
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
    # Instruction counts too: a second callgrind run stays inside the proposed 3 %.
    rc, out, _ = gate("--scenario", TINY, "--reps", "1", "--budgets", str(b),
                      "--checks", "budgets,instructions")
    assert rc == 0, out
    assert any(",instructions," in p for p in proposed)
    assert closing(out) == (len(proposed), 0)




# ---- budgets.csv: format, bounds, and the committed file ----

def rewrite(tmp_path, change, name="results.csv"):
    """The fixture with change(row) applied to every row (returns False to drop it)."""
    with open(FIXTURE, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    head = list(rows[0])
    keep = [r for r in rows if change(r) is not False]
    p = tmp_path / name
    with open(p, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, head)
        w.writeheader()
        w.writerows(keep)
    return str(p)


def add_rows(path, rows):
    """Append (system, operation, metric, value, stat) rows for groggy-10k to a results file."""
    with open(path, "a", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        for s, op, metric, v, stat in rows:
            w.writerow(["groggy-10k", s, "plan" if s == "plan" else "4", op, metric, v, "count",
                        stat, "3", "glibc", "abc1234", "testbox", "2026-11-25T12:00:00Z"])


@pytest.mark.parametrize("line, why", [
    ("groggy-10k,zerocopy,get,num_allocs,most,0,,x", "bound must be one of"),
    ("groggy-10k,zerocopy,get,num_allocs,exact,0,1%,x", "exact bound takes no tolerance"),
    ("groggy-10k,zerocopy,get,num_allocs,max,lots,1%,x", "budget must be a number"),
    ("groggy-10k,json,get,num_allocs,min,0,,x", "out of range"),
    ("groggy-10k,zerocopy,build,time_ns,max,100,5%,x", "not a deterministic figure"),
    ("groggy-10k,zerocopy,build,mallinfo_bytes,exact,935296,,x", "identical only within one"),
    ("groggy-10k,zerocopy,build,mallinfo_bytes,max,935296,0.1%,x", "identical only within one"),
    ("groggy-10k,zerocopy,get,num_allocs,max,0", "want 8 fields"),
    ("groggy-10k,native,build,phase_order,max,1,,x", "phase_order row is an acknowledgement"),
])
def test_malformed_budget_rows_are_rejected_with_file_line(tmp_path, line, why):
    b = tmp_path / "budgets.csv"
    b.write_text(HEADER + "# a comment\n" + line + "\n")
    rc, out, err = gate("--from-results", FIXTURE, "--scenario", "groggy-10k",
                        "--budgets", str(b))
    assert rc == 2, out + err
    assert f"{b}:3:" in err and why in err, err


def test_old_budget_header_is_rejected(tmp_path):
    b = tmp_path / "budgets.csv"
    b.write_text("scenario,system,operation,metric,budget,tolerance,why\n")
    rc, _, err = gate("--from-results", FIXTURE, "--scenario", "groggy-10k", "--budgets", str(b))
    assert rc == 2 and f"{b}:1: header must be" in err


def test_min_and_exact_bounds(tmp_path):
    res = rewrite(tmp_path, lambda r: True)
    add_rows(res, [("json", "get", "num_allocs", 9000, "exact"),       # fewer than 10k parses
                   ("zerocopy", "get", "num_allocs", 1, "exact"),      # one allocation too many
                   ("zerocopy", "column", "num_allocs", 0, "exact")])
    b = budget_file(tmp_path, [
        ("groggy-10k", "json", "get", "num_allocs", "min", 10000, "", "parses every get"),
        ("groggy-10k", "zerocopy", "get", "num_allocs", "exact", 0, "", "zero-copy"),
        ("groggy-10k", "zerocopy", "column", "num_allocs", "exact", 0, "", "zero-copy")])
    rc, out, _ = gate("--from-results", res, "--scenario", "groggy-10k", "--budgets", b,
                      "--checks", "budgets")
    assert rc == 1, out
    lines = {ln.split("  ")[0]: ln for ln in out.splitlines()}
    assert "FAIL (below the minimum)" in lines["json get num_allocs"]
    assert "FAIL (differs by +1)" in lines["zerocopy get num_allocs"]
    assert lines["zerocopy column num_allocs"].endswith("pass")
    assert closing(out) == (1, 2)


def test_committed_budgets_cover_groggy():
    """The committed budgets hold every claim the gate is meant to check on groggy-10k."""
    with open(BUDGETS, newline="", encoding="utf-8") as f:
        lines = [ln for ln in f if ln.strip() and not ln.startswith("#")]
    assert lines[0] == HEADER
    sys.path.insert(0, os.path.join(ROOT, "harness"))
    import gate as g
    rows = [r for r in g.read_budgets(BUDGETS) if r["scenario"] == "groggy-10k"]
    have = {(r["system"], r["operation"], r["metric"]): r for r in rows}
    missing = [k for k in
               [(s, "build", m) for s in g.BACKENDS for m in ("heap_live_bytes", "num_allocs")]
               + [("zerocopy", op, "num_allocs") for op in g.ZERO_ALLOC_OPS]
               + [("json", "get", "num_allocs")]
               + [(s, op, "instructions") for s in g.callgrind.SYSTEMS for op in g.OPERATIONS]
               if k not in have]
    assert not missing, f"budgets.csv lacks groggy-10k rows {missing}"
    assert have[("json", "get", "num_allocs")]["bound"] == "min"
    assert have[("json", "get", "num_allocs")]["budget_v"] >= 10000     # one per node at least
    for op in ("get", "column", "neighbors", "set", "batch-set"):
        r = have[("zerocopy", op, "num_allocs")]
        assert (r["bound"], r["budget_v"]) == ("exact", 0), r
    for (s, op, m), r in have.items():
        if m == "instructions":         # +10 % must fail: the tolerance stays well under it
            assert r["bound"] == "max" and r["tol_v"] <= 0.05, r
    # columnar's neighbors num_allocs depends on --reps: not gated until that is fixed.
    assert ("columnar", "neighbors", "num_allocs") not in have


# ---- seed verdicts: beyond the target is FAIL, a split verdict is "within noise" ----

def seed_results(tmp_path, zc_best, zc_median, nx_best=40_000_000, nx_median=40_000_000):
    def change(r):
        if r["scenario"] == "groggy-10k" and r["operation"] == "build" and \
                r["metric"] == "time_ns" and r["system"] in ("zerocopy", "networkx"):
            zc = r["system"] == "zerocopy"
            r["value"] = str((zc_best if zc else nx_best) if r["stat"] == "best"
                             else (zc_median if zc else nx_median))
    return rewrite(tmp_path, change)


def seed_line(out):
    return next(ln for ln in out.splitlines() if ln.startswith("seed build time: zerocopy"))


def test_seed_time_beyond_target_fails_without_noise_allowance(tmp_path):
    # 5.13x median and 5.05x best against <= 5x: a miss, whatever the noise (issue 10, item 5).
    res = seed_results(tmp_path, 202_000_000, 205_200_000)
    rc, out, _ = gate("--from-results", res, "--scenario", "groggy-10k", "--checks", "seed")
    assert rc == 1, out
    line = seed_line(out)
    assert "5.130x median" in line and "FAIL" in line and "pass" not in line


def test_seed_time_split_is_within_noise_not_pass(tmp_path):
    res = seed_results(tmp_path, 190_000_000, 238_400_000)     # best 4.75x, median 5.96x
    rc, out, _ = gate("--from-results", res, "--scenario", "groggy-10k", "--checks", "seed")
    line = seed_line(out)
    assert line.endswith("within noise") and "pass" not in line
    assert rc == 0 and "not counted: seed build time: zerocopy" in out


def test_seed_time_within_target_passes(tmp_path):
    res = seed_results(tmp_path, 100_000_000, 120_000_000)
    rc, out, _ = gate("--from-results", res, "--scenario", "groggy-10k", "--checks", "seed")
    assert rc == 0 and seed_line(out).endswith("pass")


# ---- checksums against bench.py's expected rows ----

def test_checksums_against_expected_rows(tmp_path):
    res = rewrite(tmp_path, lambda r: r["metric"] != "checksum")
    add_rows(res, [("plan", "get", "checksum", 500, "expected"),
                   ("json", "get", "checksum", 500, "exact"),
                   ("zerocopy", "get", "checksum", 499, "exact")])
    rc, out, _ = gate("--from-results", res, "--scenario", "groggy-10k", "--checks", "checksums")
    assert rc == 1, out
    assert re.search(r"^checksum get: json +500 +== 500 +pass$", out, re.M), out
    assert re.search(r"^checksum get: zerocopy +499 +== 500 +FAIL \(wrong answer: -1\)$",
                     out, re.M), out
    assert "older bench.py" not in out


def test_checksums_fall_back_to_agreement_and_say_so(tmp_path):
    res = rewrite(tmp_path, lambda r: r["metric"] != "checksum")
    add_rows(res, [("json", "get", "checksum", 500, "exact"),
                   ("zerocopy", "get", "checksum", 499, "exact")])
    rc, out, _ = gate("--from-results", res, "--scenario", "groggy-10k", "--checks", "checksums")
    assert rc == 1
    assert "no `plan,OP,checksum,expected` rows (older bench.py)" in out
    assert "checksum get: systems disagree" in out


# ---- instruction counts ----

def test_instructions_budget_from_counts(tmp_path):
    cg = tmp_path / "cg.csv"
    cg.write_text("scenario,system,operation,instructions\n"
                  "groggy-10k,zerocopy,get,1100000\ngroggy-10k,zerocopy,column,1020000\n")
    b = budget_file(tmp_path, [
        ("groggy-10k", "zerocopy", "get", "instructions", "max", 1000000, "3%", "cg"),
        ("groggy-10k", "zerocopy", "column", "instructions", "max", 1000000, "3%", "cg")])
    rc, out, _ = gate("--from-results", FIXTURE, "--from-instructions", str(cg), "--scenario",
                      "groggy-10k", "--budgets", b, "--checks", "instructions")
    assert rc == 1, out
    assert "FAIL (+10.00% over budget)" in next(
        ln for ln in out.splitlines() if ln.startswith("zerocopy get instructions"))
    assert next(ln for ln in out.splitlines()
                if ln.startswith("zerocopy column instructions")).endswith("pass")


GROGGY = os.path.join(ROOT, "build", "scenarios", "groggy-10k")
SLOW_GET = ("gm_status col_attr_get(gm_graph *g, gm_kind k, uint32_t h, const char *key, "
            "gm_value *out)\n{\n")
EXTRA_ALLOC = ("static gm_status zc_out_neighbors(gm_graph *g, gm_node n, gm_neighbors *out)\n"
               "{\n")


def patch(path, anchor, insert):
    text = open(path, encoding="utf-8").read()
    assert text.count(anchor) == 1, f"{path}: anchor not found once: the patch needs updating"
    open(path, "w", encoding="utf-8").write(text.replace(anchor, anchor + insert))


@pytest.fixture(scope="module")
def slowed_tree(tmp_path_factory):
    """A copy of the tracked tree with zerocopy's get ~10 % slower (a loop in the shared
    attr_get) and one extra allocation per neighbors call, gmbench built there."""
    missing = [p for p in (os.path.join(ROOT, "build", "gmbench"), GROGGY)
               if not os.path.exists(p)]
    if missing:
        pytest.skip(f"{missing} missing: run `make build scenarios` first")
    d = tmp_path_factory.mktemp("slowed")
    files = subprocess.run(["git", "-C", ROOT, "ls-files", "-z"], capture_output=True,
                           check=True).stdout.decode().split("\0")
    for f in filter(None, files):
        src, dst = os.path.join(ROOT, f), d / f
        if os.path.isfile(src):
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_bytes(open(src, "rb").read())
    patch(d / "impl/backends/columnar/store.c", SLOW_GET,
          "    for (volatile int slow = 0; slow < 7; slow++) {}       /* test: ~10 % slower get */\n")
    patch(d / "impl/backends/columnar/zerocopy.c", EXTRA_ALLOC,
          "    gm_mem_free(gm_mem_alloc(16));                         /* test: one allocation */\n")
    r = subprocess.run(["make", "-C", str(d), "build/gmbench"], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    return str(d)


def zerocopy_gate(root):
    return gate("--root", root, "--scenario", GROGGY, "--systems", "zerocopy", "--reps", "1",
                "--checks", "budgets,instructions", "--budgets", BUDGETS, timeout=300)


def verdicts(out):
    return {ln.split("  ")[0]: ln.rstrip().rsplit("  ", 1)[-1].strip()
            for ln in out.splitlines() if ln.startswith("zerocopy ")}


def test_committed_budgets_pass_on_this_tree():
    if not os.path.exists(GROGGY):
        pytest.skip("groggy-10k missing: run `make scenarios` first")
    rc, out, err = zerocopy_gate(ROOT)
    assert rc == 0, out + err
    v = verdicts(out)
    assert v["zerocopy get instructions"].startswith("pass")
    assert v["zerocopy neighbors num_allocs"] == "pass"


def test_slower_get_and_extra_allocation_fail_the_gate(slowed_tree):
    rc, out, err = zerocopy_gate(slowed_tree)
    assert rc == 1, out + err
    v = verdicts(out)
    assert v["zerocopy get instructions"].startswith("FAIL"), out
    assert v["zerocopy neighbors num_allocs"].startswith("FAIL (differs by +10,000)"), out
    # The checks name what changed and nothing else: get allocates nothing, build is the same.
    assert v["zerocopy get num_allocs"] == "pass"
    assert v["zerocopy build heap_live_bytes"] == "pass"
    assert "zerocopy get instructions" in out.splitlines()[-2]      # the FAILED: line


# ---- bench.py's --keep-wrong contract (exit 4: wrong checksums, results written anyway) ----

FAKE_BENCH = '''import sys
if "--help" in sys.argv:
    print("usage: bench.py ... {help}")
    sys.exit(0)
out = sys.argv[sys.argv.index("--out") + 1]
ctx = ",3,glibc,abc1234,testbox,2026-11-25T12:00:00Z"
with open(out, "w") as f:
    f.write("scenario,system,phase,operation,metric,value,unit,stat,repetitions,allocator,"
            "commit,machine,timestamp\\n")
    f.write("tiny,plan,plan,get,checksum,500,value,expected" + ctx + "\\n")
    f.write("tiny,json,0,get,checksum,500,value,exact" + ctx + "\\n")
    f.write("tiny,zerocopy,4,get,checksum,499,value,exact" + ctx + "\\n")
sys.exit({rc})
'''


def fake_root(tmp_path, help_text, rc):
    root = tmp_path / "root"
    (root / "harness").mkdir(parents=True)
    (root / "harness" / "bench.py").write_text(FAKE_BENCH.format(help=help_text, rc=rc))
    scn = tmp_path / "tiny"
    scn.mkdir()
    return str(root), str(scn)


def test_wrong_checksum_kept_by_bench_is_a_fail_row(tmp_path):
    root, scn = fake_root(tmp_path, "[--keep-wrong]", 4)
    rc, out, err = gate("--root", root, "--scenario", scn, "--checks", "checksums")
    assert rc == 1, out + err
    assert "--keep-wrong" in err                       # the gate asked for it
    assert re.search(r"^checksum get: zerocopy +499 +== 500 +FAIL", out, re.M), out
    assert re.search(r"^checksum get: json +500 +== 500 +pass$", out, re.M), out


def test_bench_failure_without_keep_wrong_stops_the_gate(tmp_path):
    root, scn = fake_root(tmp_path, "", 1)             # an older bench.py: no --keep-wrong
    rc, out, err = gate("--root", root, "--scenario", scn, "--checks", "checksums")
    assert rc == 2 and "--keep-wrong" not in err and "cannot measure" in err, err


# ---- issue 11: the curve rows (bytes per node flat 10K -> 100K, zerocopy removal flat) ----
# scale_results.csv: heap_live_bytes = 100 + 50 n + 20 e (zerocopy), 200 + 60 n + 24 e
# (columnar), 16 n + 8 e (raw); no compact rows (its curve row: not applicable); zerocopy remove
# 17,000 ns at 10K, 18,439 ns at 100K.

def scale_rewrite(tmp_path, change):
    with open(SCALE, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        change(r)
    p = tmp_path / "scale.csv"
    with open(p, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return str(p)


def curve_line(out, start):
    return next(ln for ln in out.splitlines() if ln.startswith(start))


def test_curve_passes_on_flat_curves():
    rc, out, _ = gate("--from-results", SCALE, "--scenario", "groggy-10k", "--checks", "curve",
                      "--budgets", NO_ACK)
    assert rc == 0, out
    assert closing(out) == (4, 0)
    zc = curve_line(out, "curve: zerocopy heap_live_bytes per node, groggy-100k within 10%")
    assert "70.00 B vs 70.01 B" in zc and zc.endswith("pass")
    rm = curve_line(out, "curve: zerocopy remove ns_per_item, groggy-100k <= 2x groggy-10k")
    assert "1.085x median" in rm and rm.endswith("pass")


def test_curve_bytes_jump_fails(tmp_path):
    def change(r):      # columnar +12 % at 100K: a table doubling the curve must not hide
        if (r["scenario"], r["system"], r["metric"]) == ("groggy-100k", "columnar",
                                                          "heap_live_bytes"):
            r["value"] = str(int(int(r["value"]) * 1.12))
    rc, out, _ = gate("--from-results", scale_rewrite(tmp_path, change), "--scenario",
                      "groggy-10k", "--checks", "curve",
                      "--budgets", NO_ACK)
    assert rc == 1 and closing(out) == (3, 1)
    line = curve_line(out, "curve: columnar heap_live_bytes per node")
    assert "FAIL (+12.0%: the bytes curve has a jump)" in line
    # 9 % either way is within.
    def shrink(r):
        if (r["scenario"], r["system"], r["metric"]) == ("groggy-100k", "raw",
                                                          "heap_live_bytes"):
            r["value"] = str(int(int(r["value"]) * 0.91))
    rc, out, _ = gate("--from-results", scale_rewrite(tmp_path, shrink), "--scenario",
                      "groggy-10k", "--checks", "curve",
                      "--budgets", NO_ACK)
    assert rc == 0, out


def test_curve_removal_growth_fails(tmp_path):
    def change(r):      # zerocopy remove 2.5x slower per node at 100K, median and best
        if (r["scenario"], r["system"], r["operation"], r["metric"]) == \
                ("groggy-100k", "zerocopy", "remove", "ns_per_item"):
            r["value"] = "42500" if r["stat"] == "median" else "38250"
    rc, out, _ = gate("--from-results", scale_rewrite(tmp_path, change), "--scenario",
                      "groggy-10k", "--checks", "curve",
                      "--budgets", NO_ACK)
    assert rc == 1
    line = curve_line(out, "curve: zerocopy remove ns_per_item")
    assert "2.500x median, 2.500x best" in line and "FAIL" in line


def test_curve_missing_100k_rows_fail_and_other_scenarios_skip_it():
    rc, out, _ = gate("--from-results", FIXTURE, "--scenario", "groggy-10k", "--checks", "curve",
                      "--budgets", NO_ACK)
    assert rc == 1 and closing(out) == (0, 4)
    assert "not measured (groggy-100k)" in out
    rc, out, _ = gate("--from-results", FIXTURE, "--scenario", "tiny", "--checks", "curve",
                      "--budgets", NO_ACK)
    assert "curve" in out and "not applicable" in out and closing(out) == (0, 0)


def test_curve_without_the_100k_scenario_cannot_measure(tmp_path):
    base = tmp_path / "groggy-10k"
    base.mkdir()
    rc, out, err = gate("--scenario", str(base), "--checks", "curve", "--curve-scenario",
                        str(tmp_path / "groggy-100k"))
    assert rc == 2 and "gate:" not in out
    # Said at once, by name, before any driver runs.
    assert "curve: no groggy-100k scenario" in err and "cannot measure" in err
    assert "gate: measuring" not in err


def test_scenario_sizes_plan_then_params_then_name(tmp_path):
    sys.path.insert(0, os.path.join(ROOT, "harness"))
    import gate as g
    d = tmp_path / "graph-10k"
    d.mkdir()
    (d / "params.json").write_text('{"name": "graph-10k", "nodes": 10000, "edges": 49987}')
    assert g.scenario_size("graph-10k", {"nodes": "10000", "edges": "49990"}, str(d)) == \
        (10000, 49990, "plan rows")
    assert g.scenario_size("graph-10k", {}, str(d)) == (10000, 49987, "params.json")
    assert g.scenario_size("graph-10k") == (10000, 50000, "scenario name")
    assert g.scenario_size("groggy-1m")[:2] == (1_000_000, 1_000_000)
    assert g.scenario_size("mixed-10k") == (None, None, None)
    assert [g.scale_family(n) for n in ("groggy-10m", "graph-100k", "tiny", "real-x")] == \
        ["groggy", "graph", None, None]


def test_curve_known_row_acknowledges_a_miss_and_goes_stale(tmp_path):
    """A measured miss of the issue's curve target can be acknowledged (bound `known`): the row
    then reads KNOWN and is counted neither way; when it passes again the row says it is stale."""
    def change(r):
        if (r["scenario"], r["system"], r["operation"], r["metric"]) == \
                ("groggy-100k", "zerocopy", "remove", "ns_per_item"):
            r["value"] = "42500" if r["stat"] == "median" else "38250"
    slow = scale_rewrite(tmp_path, change)
    b = budget_file(tmp_path, [("groggy-100k", "zerocopy", "remove", "curve", "known", "", "",
                                "cache misses per removal")])
    rc, out, _ = gate("--from-results", slow, "--scenario", "groggy-10k", "--checks", "curve",
                      "--budgets", b)
    line = curve_line(out, "curve: zerocopy remove ns_per_item")
    assert rc == 0 and "KNOWN" in line and "cache misses per removal" in line
    rc, out, _ = gate("--from-results", scale_rewrite(tmp_path, lambda r: None), "--scenario",
                      "groggy-10k", "--checks", "curve", "--budgets", b)
    assert rc == 0 and "stale" in curve_line(out, "curve: zerocopy remove ns_per_item")


# ---- issue 12: the floor is a floor; compact between zerocopy and the floor ----

def _fixture_with(tmp_path, changes=(), extra=()):
    """The fixture with (system, value) build heap_live_bytes changes on groggy-10k, plus
    extra systems' build heap_live_bytes rows (system, value)."""
    with open(FIXTURE, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    ch = dict(changes)
    for r in rows:
        if (r["scenario"], r["operation"], r["metric"]) == ("groggy-10k", "build",
                                                             "heap_live_bytes") \
                and r["system"] in ch:
            r["value"] = str(ch[r["system"]])
    tmpl = next(r for r in rows if (r["scenario"], r["system"], r["metric"]) ==
                ("groggy-10k", "zerocopy", "heap_live_bytes"))
    for s, v in extra:
        rows.append(dict(tmpl, system=s, phase="6", value=str(v)))
    p = tmp_path / "results.csv"
    with open(p, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return str(p)


def test_floor_holds_and_compact_is_skipped_without_rows(tmp_path):
    rc, out, _ = gate("--from-results", _fixture_with(tmp_path), "--scenario", "groggy-10k",
                      "--checks", "floor")
    assert rc == 0, out
    assert closing(out) == (4, 0)           # json, native, columnar, zerocopy >= raw
    assert any("compact" in ln and "not applicable" in ln for ln in out.splitlines())


def test_a_backend_below_the_floor_fails(tmp_path):
    p = _fixture_with(tmp_path, changes=[("columnar", 900_000)])
    rc, out, _ = gate("--from-results", p, "--scenario", "groggy-10k", "--checks", "floor")
    assert rc == 1
    assert "the floor is wrong: columnar holds fewer bytes than raw" in out
    assert closing(out) == (3, 1)


def test_compact_between_zerocopy_and_floor(tmp_path):
    rc, out, _ = gate("--from-results", _fixture_with(tmp_path, extra=[("compact", 1_100_000)]),
                      "--scenario", "groggy-10k", "--checks", "floor")
    assert rc == 0, out
    assert closing(out) == (6, 0)
    rc, out, _ = gate("--from-results", _fixture_with(tmp_path, extra=[("compact", 3_100_000)]),
                      "--scenario", "groggy-10k", "--checks", "floor")
    assert rc == 1 and "compact holds more bytes than zerocopy" in out
    assert closing(out) == (5, 1)
    rc, out, _ = gate("--from-results", _fixture_with(tmp_path, extra=[("compact", 999_999)]),
                      "--scenario", "groggy-10k", "--checks", "floor")
    assert rc == 1 and "compact holds fewer bytes than raw" in out
    assert closing(out) == (5, 1)


def test_curve_instructions_per_removal_names_the_system_and_fails_on_growth():
    """compact's first removal after a bulk build used to re-sort the whole CSR: 1,423 -> 5,629
    instructions per node from 10K to 100K. The row must fail such growth, for any system."""
    sys.path.insert(0, os.path.join(ROOT, "harness"))
    import gate as g

    class Fig:
        v = {}

        def get(self, system, op, metric, stat=None):
            return self.v.get((system, op, metric))
    base = Fig()
    base.v = {("compact", "remove", "instructions"): 1_423_260,
              ("compact", "remove", "items"): 1000}
    big = Fig()
    big.v = {("compact", "remove", "items"): 1000}
    name, txt, _, verdict = g.curve_instructions(base, big, 5_629_483, "compact")
    assert name.startswith("curve: compact remove instructions per item")
    assert verdict.startswith("FAIL (1.98x the target") and "3.955x" in txt
    assert g.curve_instructions(base, big, 1_500_000, "compact")[3] == "pass"
    assert g.curve_instructions(base, Fig(), 1_500_000, "compact")[3] == "FAIL"    # no 100K items
    assert g.CURVE_REMOVE_SYSTEMS == ["zerocopy", "compact"]


def test_predates_excuses_only_compact_and_only_when_unmeasured_everywhere():
    sys.path.insert(0, os.path.join(ROOT, "harness"))
    import gate as gate_mod
    assert gate_mod.predates("compact", None, None)
    assert not gate_mod.predates("compact", None, 123)   # measured at one size: checked, fails
    assert not gate_mod.predates("zerocopy", None, None)  # a plan phase is never excused
    assert not gate_mod.predates("compact", 0)
