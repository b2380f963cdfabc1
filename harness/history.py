#!/usr/bin/python3
"""Results history: one small CSV per commit under results/history/<commit>.csv.

    /usr/bin/python3 harness/history.py record [results.csv] [--dir results/history] [--force]

record keeps only the deterministic figures of a results file, so a commit's file stays small
(~60 KB): the glibc rows of stat "exact" (counting-allocator bytes, allocation counts, mallinfo
bytes, instruction counts where present), without per-operation item counts and checksums (they
are the plan's, not the store's).  Wall times are left out: they are noisy run to run and across
machines, and `graphmem compare --measure` re-measures them side by side when they matter.
Recorded only on a clean work tree (the commit must describe the code measured) unless --force.
series() gives, for the report, each backend's exact bytes over the recorded commits.
"""
import argparse
import csv
import os
import subprocess
import sys

FIELDS = ["scenario", "system", "phase", "operation", "metric", "value", "unit", "stat", "allocator"]


SKIP = {"items", "checksum", "objects_per_access"}


def tidy(rows):
    """The rows worth keeping over commits."""
    for r in rows:
        if (r.get("stat") == "exact" and r.get("allocator") == "glibc"
                and r.get("metric") not in SKIP):
            yield {k: r.get(k, "") for k in FIELDS}


def record(results, outdir, commit):
    with open(results, newline="") as f:
        rows = list(tidy(csv.DictReader(f)))
    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, f"{commit}.csv")
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS)
        w.writeheader()
        w.writerows(rows)
    return path, len(rows)


def commits_in_order(outdir, repo="."):
    """Recorded commits, oldest first (git commit time; unknown commits last, by name)."""
    names = [n[:-4] for n in os.listdir(outdir) if n.endswith(".csv")] if os.path.isdir(outdir) else []

    def when(c):
        r = subprocess.run(["git", "-C", repo, "log", "-1", "--format=%ct", c],
                           capture_output=True, text=True)
        return (0, int(r.stdout)) if r.returncode == 0 and r.stdout.strip() else (1, c)
    return sorted(names, key=when)


def series(outdir="results/history", scenario="groggy-10k", operation="build",
           metric="heap_live_bytes", repo=".", allocator="glibc"):
    """{system: [(commit, bytes), ...]} oldest first: each backend's exact bytes over commits."""
    out = {}
    for c in commits_in_order(outdir, repo):
        with open(os.path.join(outdir, f"{c}.csv"), newline="") as f:
            for r in csv.DictReader(f):
                if (r["scenario"], r["operation"], r["metric"], r["stat"], r["allocator"]) == (scenario, operation, metric, "exact", allocator):
                    out.setdefault(r["system"], []).append((c, int(float(r["value"]))))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description="record a results file into results/history")
    ap.add_argument("cmd", choices=["record"])
    ap.add_argument("results", nargs="?", default="results.csv")
    ap.add_argument("--dir", default="results/history")
    ap.add_argument("--force", action="store_true", help="record even on a dirty work tree")
    a = ap.parse_args(argv)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True)
    if dirty.returncode != 0:
        print("history: not a git work tree", file=sys.stderr)
        return 2
    # results.csv itself is rewritten by the bench that just ran: it does not make the tree dirty
    changed = [ln for ln in dirty.stdout.splitlines() if ln[3:] != "results.csv"]
    if changed and not a.force:
        print("history: work tree has changes; not recorded (commit first, or --force)")
        return 0
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    path, n = record(a.results, a.dir, commit)
    print(f"history: {n} rows -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
