#!/usr/bin/python3
"""Instruction counts per operation: every C system once under callgrind (`make callgrind`).

    /usr/bin/python3 harness/callgrind.py [--scenario DIR] [--root DIR] [--systems a,b]
                                          [--out FILE.csv]

Each driver (build/gmbench for json, native, columnar, zerocopy; build/peer_igraph_c for
igraph-c; build/raw_floor for raw) runs with --reps 1 under

    setarch ARCH -R valgrind --tool=callgrind --instr-atstart=no DRIVER ...

The drivers switch instrumentation on only inside repetition 0 of each timed operation
(GMH_CG_BEGIN/GMH_CG_END in harness/gmh.h) and dump one profile per operation, described
"op:<operation>"; this reads the `totals:` line of each dump (instructions executed, Ir).

Why instructions: they are the one time figure that does not depend on the machine's load,
so a budget on them can be tight (callgrind repeats a run within ~2 %; the budgets use 3 %)
and a 10 % slowdown in one operation fails CI on any machine.  They are identical across
machines only for the same binary: another compiler, libc or CPU feature set (glibc picks
memcpy/strlen variants at run time) moves them by a few per cent.

Output: CSV rows scenario,system,operation,instructions (stdout, or --out).  Cost: one
callgrind run per system, about 1-2 minutes in all on groggy-10k (json is the slowest).
"""
import argparse
import csv
import glob
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PY = "/usr/bin/python3"
DEFAULT_SCENARIO = os.path.join(ROOT, "build", "scenarios", "groggy-10k")
# system -> driver (relative to --root); gmbench systems are its backends.
DRIVERS = {"json": "build/gmbench", "native": "build/gmbench", "columnar": "build/gmbench",
           "zerocopy": "build/gmbench", "compact": "build/gmbench", "igraph-c": "build/peer_igraph_c",
           "raw": "build/raw_floor"}
SYSTEMS = list(DRIVERS)
DESC = re.compile(r"^desc: Trigger: Client Request: op:(\S+)\s*$")


class CallgrindError(Exception):
    pass


def parse_dump(path):
    """(operation, instructions) of one callgrind dump, or None for a dump that is not an
    operation's (the empty one callgrind writes at program termination)."""
    op, total, summary = None, None, None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = DESC.match(line)
            if m:
                op = m.group(1)
            elif line.startswith("totals:"):
                total = int(line.split()[1])
            elif line.startswith("summary:"):
                summary = int(line.split()[1])
    if op is None:
        return None
    # `totals:` is the sum over the dump; `summary:` is callgrind's running total, which is
    # 0 when instrumentation was switched off before the dump: take the larger.
    n = max(v for v in (total, summary, 0) if v is not None)
    return op, n


def plan_for(scenario, out):
    r = subprocess.run([PY, os.path.join(HERE, "scenario.py"), scenario, out],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise CallgrindError(f"scenario.py {scenario}: {r.stderr.strip()}")


def run_system(system, scenario, plan, root, tmp, timeout=600):
    """{operation: instructions} for one system."""
    driver = os.path.join(root, DRIVERS[system])
    if not os.path.exists(driver):
        raise CallgrindError(f"{driver} missing (make build)")
    stem = os.path.join(tmp, system + ".cg")
    cmd = ["setarch", os.uname().machine, "-R", "valgrind", "--tool=callgrind",
           "--instr-atstart=no", f"--callgrind-out-file={stem}.%p",
           driver, "--scenario", scenario, "--plan", plan, "--system", system, "--reps", "1"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        tail = "\n".join(r.stderr.strip().splitlines()[-5:])
        raise CallgrindError(f"{system}: exit {r.returncode} under callgrind:\n{tail}")
    ops = {}
    for path in sorted(glob.glob(stem + ".*")):
        got = parse_dump(path)
        if got is not None:
            ops[got[0]] = ops.get(got[0], 0) + got[1]
    if not ops:
        raise CallgrindError(f"{system}: no per-operation dumps (driver built without the "
                             "GMH_CG_BEGIN/GMH_CG_END hooks?)")
    return ops


def measure(scenario, systems=None, root=ROOT, progress=True):
    """{(system, operation): instructions} for every system on `scenario`."""
    out = {}
    with tempfile.TemporaryDirectory(prefix="gmcg.") as tmp:
        plan = os.path.join(tmp, "plan.json")
        plan_for(scenario, plan)
        for s in systems or SYSTEMS:
            if progress:
                print(f"callgrind: {s} ...", file=sys.stderr, flush=True)
            for op, n in run_system(s, scenario, plan, root, tmp).items():
                out[(s, op)] = n
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenario", default=DEFAULT_SCENARIO)
    ap.add_argument("--root", default=ROOT, help="tree whose build/ holds the drivers")
    ap.add_argument("--systems", help="comma-separated subset of " + ",".join(SYSTEMS))
    ap.add_argument("--out", help="CSV file (default stdout)")
    a = ap.parse_args(argv)
    systems = a.systems.split(",") if a.systems else SYSTEMS
    if set(systems) - set(SYSTEMS):
        ap.error(f"--systems: unknown {sorted(set(systems) - set(SYSTEMS))}")
    try:
        figs = measure(os.path.abspath(a.scenario), systems, os.path.abspath(a.root))
    except (CallgrindError, OSError, subprocess.TimeoutExpired) as e:
        print(f"callgrind: {e}", file=sys.stderr)
        return 2
    name = os.path.basename(os.path.normpath(a.scenario))
    f = open(a.out, "w", newline="", encoding="utf-8") if a.out else sys.stdout
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["scenario", "system", "operation", "instructions"])
    for (s, op), n in sorted(figs.items(), key=lambda kv: (SYSTEMS.index(kv[0][0]), kv[0][1])):
        w.writerow([name, s, op, n])
    if a.out:
        f.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
