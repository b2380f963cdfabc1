"""What the harness tests share to run bench.py against fake drivers (imported by
test_faults.py, test_checksums.py, test_harness.py; pytest puts this directory on sys.path)."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
HARNESS = os.path.dirname(HERE)
PY = "/usr/bin/python3"
BENCH = [PY, os.path.join(HARNESS, "bench.py")]

# The top of every fake driver: the protocol's arguments, and `want`, the right checksums of
# the scenario and plan it is given (as bench.py computes them). The harness directory comes
# from $FAKE_HARNESS. `args.*`; `nodes`, `edges`.
PREAMBLE = r'''
import argparse, json, os, signal, sys, time
sys.path.insert(0, os.environ["FAKE_HARNESS"])
import expected, scenario
ap = argparse.ArgumentParser()
for k in ("--scenario", "--plan", "--system", "--reps"):
    ap.add_argument(k)
args = ap.parse_args()
'''
WANT = r'''
nodes, edges = scenario.load(args.scenario)
want = expected.checksums(nodes, edges, json.load(open(args.plan)))
'''


def bench_argv(phases, scenario, out, systems=None, drivers=None, extra=(), reps=1):
    """bench.py's command line: glibc only, `reps` repetitions, each of `drivers`
    ({system: command}) replacing that system's driver."""
    cmd = BENCH + sum((["--phase", p] for p in phases), []) + [
        "--scenario", str(scenario), "--allocators", "glibc", "--reps", str(reps),
        "--out", str(out)]
    if systems:
        cmd += ["--systems", ",".join(systems)]
    for s, c in (drivers or {}).items():
        cmd += ["--driver", f"{s}={c}"]
    return cmd + list(extra)


def env(**extra):
    return {**os.environ, "FAKE_HARNESS": HARNESS, **extra}
