#!/usr/bin/python3
"""Compare two results.csv files: every figure that changed.

    /usr/bin/python3 harness/compare.py BASE.csv NEW.csv [--budgets scenarios/budgets.csv] [--json]

Exact figures (stat "exact": counting-allocator bytes, allocation counts, usage.* components,
instruction counts) are deterministic, so any difference is reported with its delta; for a
changed byte figure the usage.* components of the same (scenario, system, operation) that moved
are named.  A figure is "gated" when scenarios/budgets.csv has a row for its (scenario, system,
operation, metric); a gated figure that grows is a regression (exit 1).

Wall times: one results.csv keeps only best and median per operation, so from two files time
changes are informational deltas with no verdict.  Given several side-by-side runs of each side
(--base-runs / --new-runs, comma-separated results files: `graphmem compare --measure` makes
them, alternating base and new), every time figure gets a two-sided Mann-Whitney U test over the
runs (scipy.stats.mannwhitneyu) and a verdict, slower or faster, only where p < 0.05 and the
medians differ by more than 10 % (TIME_THRESHOLD); otherwise "no significant change".

Exit: 0 no gated regression, 1 gated regression, 2 usage or input error.
"""
import argparse
import csv
import json
import sys

ALPHA = 0.05
TIME_THRESHOLD = 0.10
TIME_METRICS = ("time_ns", "ns_per_item")
KEY = ("scenario", "system", "phase", "operation", "metric", "stat", "allocator")


def load(path):
    """{key tuple: value string} of one results file's numeric rows."""
    rows = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            try:
                float(r["value"])
            except (TypeError, ValueError):
                continue
            rows[tuple(r[k] for k in KEY)] = r["value"]
    return rows


def load_gated(path):
    """{(scenario, system, operation, metric)} named in a budgets file."""
    gated = set()
    if not path:
        return gated
    with open(path, newline="") as f:
        lines = [ln for ln in f if not ln.startswith("#")]
    for r in csv.DictReader(lines):
        gated.add((r["scenario"], r["system"], r["operation"], r["metric"]))
    return gated


def _num(s):
    v = float(s)
    return int(v) if v.is_integer() else v


def compare(base, new, gated=frozenset()):
    """List of change dicts, exact figures first; each has kind exact|time|added|removed."""
    changes = []
    for key in sorted(set(base) | set(new)):
        d = dict(zip(KEY, key))
        if key not in new:
            changes.append(dict(d, kind="removed", base=_num(base[key])))
            continue
        if key not in base:
            changes.append(dict(d, kind="added", new=_num(new[key])))
            continue
        b, n = _num(base[key]), _num(new[key])
        if b == n:
            continue
        exact = d["stat"] == "exact" or d["metric"].startswith("usage.")
        kind = "exact" if exact else "time" if d["metric"] in ("time_ns", "ns_per_item") else "other"
        c = dict(d, kind=kind, base=b, new=n, delta=n - b,
                 pct=(100.0 * (n - b) / b) if b else None)
        if kind == "exact":
            c["gated"] = (d["scenario"], d["system"], d["operation"], d["metric"]) in gated
            c["regression"] = c["gated"] and n > b
            if not d["metric"].startswith("usage."):
                comps = []
                for k2 in base:
                    # gm_memory_usage components: rows usage.<part> of the same scenario,
                    # system and phase (operation "info", no stat)
                    if (k2[:3] == key[:3] and k2[6] == key[6] and k2[4].startswith("usage.") and k2 in new and _num(base[k2]) != _num(new[k2])):
                        comps.append((k2[4][len("usage."):], _num(new[k2]) - _num(base[k2])))
                c["components"] = sorted(comps, key=lambda t: -abs(t[1]))
        changes.append(c)
    order = {"exact": 0, "added": 1, "removed": 2, "other": 3, "time": 4}
    changes.sort(key=lambda c: order[c["kind"]])
    return changes


def time_tests(base_runs, new_runs, alpha=ALPHA, threshold=TIME_THRESHOLD):
    """Mann-Whitney U over repeated runs: one dict per time figure present in every run of both
    sides, with p, the medians' ratio and a verdict (slower|faster|no significant change)."""
    from scipy.stats import mannwhitneyu
    keys = None
    for run in base_runs + new_runs:
        ks = {k for k in run if k[4] in TIME_METRICS and k[5] == "median"}
        keys = ks if keys is None else keys & ks
    out = []
    for key in sorted(keys or ()):
        b = sorted(float(r[key]) for r in base_runs)
        n = sorted(float(r[key]) for r in new_runs)
        mb, mn = b[len(b) // 2], n[len(n) // 2]
        if len(set(b) | set(n)) == 1:     # all equal: no evidence either way
            p = 1.0
        else:
            p = float(mannwhitneyu(b, n, alternative="two-sided").pvalue)
        ratio = mn / mb if mb else float("inf")
        verdict = "no significant change"
        if p < alpha and abs(ratio - 1) > threshold:
            verdict = "slower" if ratio > 1 else "faster"
        out.append(dict(zip(KEY, key), kind="time-test", base_runs=b, new_runs=n, p=p,
                        ratio=ratio, verdict=verdict))
    return out


def fmt_test(t):
    where = f'{t["scenario"]} {t["system"]} {t["operation"]} {t["metric"]} [{t["allocator"]}]'
    return (f"  {t['verdict']:<22} {where}: median {t['base_runs'][len(t['base_runs']) // 2]:g}"
            f" -> {t['new_runs'][len(t['new_runs']) // 2]:g} ({t['ratio']:.3f}x, "
            f"Mann-Whitney p={t['p']:.3g}, {len(t['base_runs'])}+{len(t['new_runs'])} runs)")


def _show(x, sign=False):
    """A figure as a reader wants it: integers whole, fractions to 6 significant digits (a float
    difference such as 4.373 - 0.0 prints as +4.373, not +4.3729999999999976)."""
    if isinstance(x, int):
        return f"{x:+}" if sign else str(x)
    return f"{x:+.6g}" if sign else f"{x:.6g}"


def fmt(c):
    where = f'{c["scenario"]} {c["system"]} {c["operation"]} {c["metric"]} [{c["allocator"]}]'
    if c["kind"] == "added":
        return f"  added    {where} [{c['stat']}] = {_show(c['new'])}"
    if c["kind"] == "removed":
        return f"  removed  {where} [{c['stat']}] (was {_show(c['base'])})"
    pct = f" ({c['pct']:+.2f}%)" if c["pct"] is not None else ""
    s = f"  {c['kind']:<8} {where} [{c['stat']}]: {_show(c['base'])} -> {_show(c['new'])}  delta {_show(c['delta'], True)}{pct}"
    if c.get("regression"):
        s += "  REGRESSION (gated)"
    if c.get("components"):
        s += "  moved: " + ", ".join(f"{n} {_show(d, True)}" for n, d in c["components"][:4])
    return s


def main(argv=None):
    ap = argparse.ArgumentParser(description="every figure that changed between two results files")
    ap.add_argument("base")
    ap.add_argument("new")
    ap.add_argument("--budgets", default="scenarios/budgets.csv")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--base-runs", help="comma-separated results files: repeated runs of BASE")
    ap.add_argument("--new-runs", help="comma-separated results files: repeated runs of NEW")
    a = ap.parse_args(argv)
    if bool(a.base_runs) != bool(a.new_runs):
        ap.error("--base-runs and --new-runs go together")
    try:
        base, new = load(a.base), load(a.new)
        gated = load_gated(a.budgets) if a.budgets else set()
        tests = []
        if a.base_runs:
            tests = time_tests([load(p) for p in a.base_runs.split(",")],
                               [load(p) for p in a.new_runs.split(",")])
    except (OSError, KeyError, csv.Error) as e:
        print(f"compare: {e}", file=sys.stderr)
        return 2
    changes = compare(base, new, gated)
    regress = [c for c in changes if c.get("regression")]
    if a.json:
        json.dump({"changes": changes, "regressions": len(regress), "time_tests": tests},
                  sys.stdout, indent=1)
        print()
    else:
        print(f"compare {a.base} -> {a.new}: {len(changes)} changed figures, "
              f"{len(regress)} gated regressions")
        for c in changes:
            print(fmt(c))
        if tests:
            sig = [t for t in tests if t["verdict"] != "no significant change"]
            print(f"time, Mann-Whitney U over repeated runs (verdict where p < {ALPHA} and the "
                  f"change exceeds {TIME_THRESHOLD:.0%}): {len(sig)} of {len(tests)} figures")
            for t in sorted(tests, key=lambda t: t["verdict"] == "no significant change"):
                print(fmt_test(t))
    return 1 if regress else 0


if __name__ == "__main__":
    sys.exit(main())
