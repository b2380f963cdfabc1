#!/usr/bin/python3
"""The graphmem command: one entry point to the harness.  The make targets call it.

    graphmem [--json FILE|-] [--root DIR] COMMAND [options]

    bench    measure systems on scenarios into results.csv   (make bench, bench-phaseN)
    scale    every system over the scale family, 1K..10M     (make scale)
    gate     re-measure and check deterministic figures      (make gate)
    report   render results.csv into reports/                (make report)
    compare  every figure that changed between two runs      (make compare BASE=...)
    massif   valgrind massif heap profile of one build       (make massif)
    systems  list the declared systems and whether each can run here

Exit status: 0 success, 1 a gate or compare found a regression, 2 a usage or measurement
error.  --json FILE (or - for standard output) writes a machine-readable summary beside the
human output: the command, its exit status and verdict, the steps run with their status and
duration, and the command's own findings (gate checks, compare changes, systems).

The harness is a graphmem checkout: --root, else $GRAPHMEM_ROOT, else the checkout this file
is in (or, for an installed command, the checkout it was installed from).  Unless --no-build
is given, the commands that measure first run `make build scenarios python` there (a no-op when
up to date), so a fresh checkout needs nothing else.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

OK, REGRESSION, ERROR = 0, 1, 2
PY = "/usr/bin/python3"
HERE = os.path.dirname(os.path.abspath(__file__))


class CliError(Exception):
    """A usage or measurement error: message printed, exit status 2."""


def version(root):
    with open(os.path.join(root, "impl", "include", "graphmem.h"), encoding="utf-8") as f:
        m = re.search(r'^#define GM_VERSION "([^"]+)"', f.read(), re.M)
    return m.group(1) if m else "unknown"


class Run:
    """Runs the steps of one command in the checkout, and keeps what the summary reports."""

    def __init__(self, root, name):
        self.root, self.name, self.steps, self.findings = root, name, [], {}

    def step(self, argv, ok=(0,), env=None, cwd=None):
        """Run argv in the root; its exit status (a signal counts as an error)."""
        t0 = time.monotonic()
        e = dict(os.environ, **(env or {}))
        try:
            rc = subprocess.call(argv, cwd=cwd or self.root, env=e)
        except OSError as err:
            raise CliError(f"{argv[0]}: {err.strerror}") from None
        self.steps.append({"argv": argv, "exit_status": rc,
                           "seconds": round(time.monotonic() - t0, 3)})
        return rc

    def must(self, argv, what, **kw):
        rc = self.step(argv, **kw)
        if rc != 0:
            why = f"killed by signal {-rc}" if rc < 0 else f"exit status {rc}"
            raise CliError(f"{what} failed ({why}): {' '.join(argv)}")

    def finding(self, key, path):
        """The JSON a step wrote to `path`, kept for the summary (absent: nothing kept)."""
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                self.findings[key] = json.load(f)

    def script(self, rel, *args):
        return [PY, os.path.join(self.root, rel), *args]

    def build(self, a, *targets):
        if not getattr(a, "no_build", False):
            self.must(["make", "--no-print-directory", "-C", self.root, *targets],
                      "make " + " ".join(targets))


def verdict(rc, what):
    """A checking step's status: 0 and 1 (regression) pass through, anything else is an error."""
    if rc in (OK, REGRESSION):
        return rc
    raise CliError(f"{what} (exit status {rc})")


def scenario_dir(root, value):
    """A directory as given, or a shipped scenario's name (build/scenarios/NAME)."""
    if os.path.isdir(value):
        return os.path.abspath(value)
    shipped = os.path.join(root, "build", "scenarios")
    if "/" not in value and os.path.isdir(os.path.join(shipped, value)):
        return os.path.join(shipped, value)
    known = sorted(d for d in os.listdir(shipped)
                   if os.path.isdir(os.path.join(shipped, d))) if os.path.isdir(shipped) else []
    hint = f"shipped: {', '.join(known)}" if known else "run `make scenarios` to generate them"
    raise CliError(f"scenario {value!r}: no such directory and no shipped scenario of that "
                   f"name ({hint})")


# ---------------------------------------------------------------- commands

def cmd_bench(r, a):
    r.build(a, "build", "scenarios", "python")
    argv = r.script("harness/bench.py")
    for p in a.phase or ["all"]:
        argv += ["--phase", p]
    for s in a.scenario or []:
        argv += ["--scenario", scenario_dir(r.root, s)]
    for f in a.systems_file or []:
        argv += ["--systems-file", os.path.abspath(f)]
    if a.quick:
        argv.append("--quick")
    if a.reps:
        argv += ["--reps", str(a.reps)]
    if a.systems:
        argv += ["--systems", a.systems]
    out = os.path.abspath(a.out) if a.out else os.path.join(r.root, "results.csv")
    argv += ["--out", out, "--timeout", str(a.timeout)]
    r.must(argv, "bench")
    r.findings["results"] = out
    # A whole run of the committed code (every phase, shipped scenarios, a clean tree) is kept
    # in results/history/ for the report's over-commits charts.
    whole = (a.phase in (None, ["all"]) and not a.scenario and not a.systems and not a.quick
             and not a.reps and not a.systems_file and not a.out)
    # (history.py records only on a clean tree, results.csv aside, and says so otherwise.)
    if whole and not a.no_history:
        r.must(r.script("harness/history.py", "record", out), "history record")
    return OK


def cmd_scale(r, a):
    r.build(a, "build", "python")
    argv = r.script("harness/scale.py", "--max", a.max)
    if a.quick:
        argv.append("--quick")
    if a.systems:
        argv += ["--systems", a.systems]
    if a.out:
        argv += ["--out", os.path.abspath(a.out)]
    r.must(argv, "scale")
    return OK


def cmd_gate(r, a):
    r.build(a, "build", "scenarios", "python")
    with tempfile.TemporaryDirectory(prefix="gmcli.") as tmp:
        js = os.path.join(tmp, "gate.json")
        argv = r.script("harness/gate.py", "--budgets",
                        os.path.join(r.root, "scenarios", "budgets.csv"), "--json", js)
        if a.scenario:
            argv += ["--scenario", scenario_dir(r.root, a.scenario)]
        if a.checks:
            argv += ["--checks", a.checks]
        if a.systems:
            argv += ["--systems", a.systems]
        rc = r.step(argv)
        r.finding("gate", js)
    return verdict(rc, "gate could not measure")


def cmd_report(r, a):
    results = os.path.abspath(a.results)
    if not os.path.isfile(results):
        raise CliError(f"report: {a.results}: no such results file (run `make bench` first)")
    out = os.path.abspath(a.outdir)
    r.must(r.script("reports/render.py", results, out), "report")
    r.findings["report"] = os.path.join(out, "REPORT.md")
    return OK


def _base_file(r, base, tmp):
    """BASE as a results file: a path, or a commit's committed results.csv."""
    if os.path.isfile(base):
        return os.path.abspath(base)
    p = subprocess.run(["git", "-C", r.root, "show", f"{base}:results.csv"],
                       capture_output=True)
    if p.returncode != 0:
        raise CliError(f"compare: {base!r} is neither a results file nor a commit with a "
                       f"results.csv ({p.stderr.decode(errors='replace').strip()})")
    path = os.path.join(tmp, "base.csv")
    with open(path, "wb") as f:
        f.write(p.stdout)
    return path


def _measure_pair(r, a, tmp):
    """BASE (a commit) built in a temporary worktree and this tree measured side by side:
    a.runs alternating quick runs of each on one scenario; returns the two lists of files."""
    sha = subprocess.run(["git", "-C", r.root, "rev-parse", "--verify", a.base + "^{commit}"],
                         capture_output=True, text=True)
    if sha.returncode != 0:
        raise CliError(f"compare --measure: {a.base!r} is not a commit")
    wt = os.path.join(tmp, "base-tree")
    r.must(["git", "-C", r.root, "worktree", "add", "--detach", "-q", wt, sha.stdout.strip()],
           "git worktree add")
    try:
        print(f"graphmem compare: building {a.base} in a temporary worktree", file=sys.stderr)
        r.must(["make", "--no-print-directory", "-C", wt, "build", "python"], "make (base)")
        r.build(a, "build", "scenarios", "python")
        scen = scenario_dir(r.root, a.scenario or "groggy-10k")
        runs = {"base": [], "new": []}
        t0 = time.monotonic()
        for i in range(a.runs):
            for side, tree in (("base", wt), ("new", r.root)):
                out = os.path.join(tmp, f"{side}-{i}.csv")
                argv = [PY, os.path.join(tree, "harness", "bench.py"), "--phase", "all",
                        "--scenario", scen, "--quick", "--allocators", "glibc", "--out", out]
                if a.systems:
                    argv += ["--systems", a.systems]
                r.must(argv, f"bench ({side}, run {i + 1})", cwd=tree)
                runs[side].append(out)
            done = i + 1
            left = (time.monotonic() - t0) / done * (a.runs - done)
            print(f"graphmem compare: run {done}/{a.runs} of each side, about {left:.0f} s left",
                  file=sys.stderr)
        return runs["base"], runs["new"]
    finally:
        subprocess.call(["git", "-C", r.root, "worktree", "remove", "--force", wt])


def cmd_compare(r, a):
    with tempfile.TemporaryDirectory(prefix="gmcompare.") as tmp:
        js = os.path.join(tmp, "compare.json")
        if a.measure:
            base_runs, new_runs = _measure_pair(r, a, tmp)
            argv = r.script("harness/compare.py", base_runs[0], new_runs[0],
                            "--base-runs", ",".join(base_runs), "--new-runs", ",".join(new_runs))
        else:
            new = os.path.abspath(a.new)
            if not os.path.isfile(new):
                raise CliError(f"compare: {a.new}: no such results file")
            argv = r.script("harness/compare.py", _base_file(r, a.base, tmp), new)
        argv += ["--budgets", os.path.join(r.root, "scenarios", "budgets.csv")]
        rc = r.step(argv)
        if rc in (OK, REGRESSION) and r.json_wanted:
            with open(js, "w", encoding="utf-8") as f:
                subprocess.run(argv + ["--json"], stdout=f, check=False)
            r.finding("compare", js)
    return verdict(rc, "compare failed")


def cmd_massif(r, a):
    r.build(a, "build")
    r.must(["bash", os.path.join(r.root, "scripts", "massif.sh"),
            scenario_dir(r.root, a.scenario), a.system], "massif")
    return OK


def cmd_systems(r, a):
    sys.path.insert(0, os.path.join(r.root, "harness"))
    import systems as sysmod
    # Without --systems-file, the shipped example drivers are listed too (the path a new
    # user takes: `--systems-file harness/examples/systems.toml` or SYSTEMS= on make).
    files = [os.path.abspath(f) for f in a.systems_file or []] or \
        [os.path.join(r.root, "harness", "examples", "systems.toml")]
    try:
        declared = sysmod.load(files)
    except sysmod.SystemsError as e:
        raise CliError(str(e)) from None
    rows = []
    for s in declared:
        miss = sysmod.missing(s)
        cmd0 = s["command"][0]
        if os.path.isabs(cmd0) and not os.path.exists(cmd0) and cmd0 not in s["requires_files"]:
            miss.append(f"{os.path.relpath(cmd0, r.root)} not built (make build)")
        rows.append({"name": s["name"], "group": s["group"], "runnable": not miss,
                     "missing": miss, "file": os.path.relpath(s["file"], r.root)})
    w = max(len(x["name"]) for x in rows)
    fw = max(len(x["file"]) for x in rows)
    print(f"{'system':<{w}}  group  {'declared in':<{fw}}  runs here")
    for x in rows:
        print(f"{x['name']:<{w}}  {x['group']:<5}  {x['file']:<{fw}}  "
              + ("yes" if x["runnable"] else "no: " + "; ".join(x["missing"])))
    r.findings["systems"] = rows
    return OK


def parser(root):
    ap = argparse.ArgumentParser(prog="graphmem", description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="exit status: 0 success, 1 regression found (gate, "
                                        "compare), 2 usage or measurement error")
    ap.add_argument("--version", action="version", version=f"graphmem {version(root)}")
    ap.add_argument("--json", metavar="FILE", help="write a JSON summary to FILE (- = stdout)")
    ap.add_argument("--root", help="the graphmem checkout to run (default: this one)")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    def add(name, fn, help_):
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(fn=fn)
        return p

    def no_build(p):
        p.add_argument("--no-build", action="store_true",
                       help="do not run make first (the make targets pass it)")

    p = add("bench", cmd_bench, "measure systems on scenarios into results.csv")
    p.add_argument("--phase", action="append", help="0..6, peers, user or all (repeatable; "
                   "default all)")
    p.add_argument("--scenario", action="append", help="directory or shipped name (repeatable)")
    p.add_argument("--systems", help="comma-separated subset of the phases' systems")
    p.add_argument("--systems-file", action="append", metavar="FILE.toml",
                   help="add your own systems (PROTOCOL.md, 'Bring your own store')")
    p.add_argument("--quick", action="store_true", help="1 repetition")
    p.add_argument("--reps", type=int)
    p.add_argument("--out", help="results file (default: results.csv of the checkout)")
    p.add_argument("--timeout", type=float, default=600, help="seconds per driver")
    p.add_argument("--no-history", action="store_true", help="do not record results/history/")
    no_build(p)
    p = add("scale", cmd_scale, "every system over the scale family (1K..10M nodes)")
    p.add_argument("--max", default="10m", choices=["1k", "10k", "100k", "1m", "10m"])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--systems")
    p.add_argument("--out")
    no_build(p)
    p = add("gate", cmd_gate, "re-measure and check deterministic figures against budgets")
    p.add_argument("--scenario", help="directory or shipped name (default groggy-10k)")
    p.add_argument("--checks", help="comma-separated subset of the gate's checks")
    p.add_argument("--systems")
    no_build(p)
    p = add("report", cmd_report, "render a results file into REPORT.md and SVG charts")
    p.add_argument("results", nargs="?", default="results.csv")
    p.add_argument("outdir", nargs="?", default="reports")
    p = add("compare", cmd_compare, "every figure that changed between two runs")
    p.add_argument("base", help="a results file, or a commit (its committed results.csv)")
    p.add_argument("new", nargs="?", default="results.csv", help="default results.csv")
    p.add_argument("--measure", action="store_true",
                   help="measure BASE (a commit, in a temporary worktree) and this tree side "
                        "by side --runs times each; times get a Mann-Whitney U verdict")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--scenario", help="for --measure (default groggy-10k)")
    p.add_argument("--systems", help="for --measure: comma-separated systems (default all)")
    no_build(p)
    p = add("massif", cmd_massif, "valgrind massif heap profile of one build")
    p.add_argument("--scenario", required=True)
    p.add_argument("--system", required=True)
    no_build(p)
    p = add("systems", cmd_systems, "list the declared systems and whether each runs here")
    p.add_argument("--systems-file", action="append", metavar="FILE.toml")
    return ap


def find_root(explicit, installed=None):
    for cand in (explicit, os.environ.get("GRAPHMEM_ROOT"), installed, os.path.dirname(HERE)):
        if cand and os.path.isfile(os.path.join(cand, "harness", "systems.toml")):
            return os.path.abspath(cand)
        if cand and cand is explicit:
            raise CliError(f"--root {cand}: not a graphmem checkout (no harness/systems.toml)")
    raise CliError("no graphmem checkout found (give --root or GRAPHMEM_ROOT)")


def main(argv=None, installed_root=None):
    argv = sys.argv[1:] if argv is None else argv
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--root")
    try:
        root = find_root(pre.parse_known_args(argv)[0].root, installed_root)
    except CliError as e:
        print(f"graphmem: {e}", file=sys.stderr)
        return ERROR
    try:
        a = parser(root).parse_args(argv)
    except SystemExit as e:     # argparse: --help/--version exit 0, a usage error 2
        return e.code if isinstance(e.code, int) else ERROR
    r = Run(root, a.command)
    r.json_wanted = bool(a.json)
    t0 = time.monotonic()
    try:
        if a.command in ("compare",) and a.measure and a.runs < 2:
            raise CliError("compare --measure: --runs must be at least 2")
        rc = a.fn(r, a)
    except CliError as e:
        print(f"graphmem {a.command}: {e}", file=sys.stderr)
        rc = ERROR
    except KeyboardInterrupt:
        print(f"graphmem {a.command}: interrupted", file=sys.stderr)
        rc = ERROR
    if a.json:
        summary = {"graphmem": version(root), "command": a.command, "argv": argv,
                   "exit_status": rc,
                   "verdict": {OK: "ok", REGRESSION: "regression"}.get(rc, "error"),
                   "seconds": round(time.monotonic() - t0, 3), "root": root,
                   "steps": r.steps, **r.findings}
        text = json.dumps(summary, indent=1) + "\n"
        if a.json == "-":
            sys.stdout.write(text)
        else:
            try:
                with open(a.json + ".tmp", "w", encoding="utf-8") as f:
                    f.write(text)
                os.replace(a.json + ".tmp", a.json)
            except OSError as e:
                print(f"graphmem: --json {a.json}: {e.strerror}", file=sys.stderr)
                rc = ERROR
    return rc


if __name__ == "__main__":
    sys.exit(main())
