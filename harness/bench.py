#!/usr/bin/python3
"""The orchestrator: runs every driver in a fresh process and writes results.csv.

    bench.py --phase 0|1|3|4|peers|user|all [--scenario DIR ...] [--systems a,b] [--quick]
             [--systems-file FILE.toml]
             [--reps N] [--allocators glibc,jemalloc] [--out results.csv] [--keep-wrong]

For each scenario it validates the files (scenario.py), resolves the plan once, computes the
expected checksum of every operation from the files (expected.py, independent of every
driver), then runs each (system, allocator) as its own process (PROTOCOL.md), validates every
output line, checks every checksum against the expected one (and, second, the systems against
each other), and only then replaces this run's rows in results.csv, atomically.  Any failure
aborts before the write, so the old file stays byte-for-byte as it was: exit 1.  A wrong
checksum is a failure too, unless --keep-wrong (the gate): then the rows are written anyway
and the exit status is 4.  Progress and a summary table go to stderr.
"""
import argparse
import csv
import datetime
import hashlib
import io
import json
import multiprocessing
import os
import re
import resource
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import expected  # noqa: E402
import scenario  # noqa: E402
import systems  # noqa: E402

COLUMNS = ["scenario", "system", "phase", "operation", "metric", "value", "unit", "stat",
           "repetitions", "allocator", "commit", "machine", "timestamp"]
PYTHON = "/usr/bin/python3"          # the peers come from Debian packages (DESIGN.md)
JEMALLOC = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"
JEMALLOC_CONF = "dirty_decay_ms:0,muzzy_decay_ms:0"   # return freed pages now: RSS means live
DEFAULT_SCENARIOS = ["groggy-10k", "graph-10k", "mixed-10k", "real-pgp-strong-2009", "real-serengeti-foodweb", "real-football"]
GMBENCH_UNKNOWN_BACKEND = 3          # gmbench's exit status for a backend not registered
DRIVER_WRONG = 4                     # a driver's own self-check found a wrong answer
EXIT_WRONG = 4                       # bench.py --keep-wrong: rows written, some checksum wrong

# phase -> systems, each with the command that starts its driver (protocol args appended):
# declared in harness/systems.toml (systems.py); --systems-file adds a user's file to it.
GMBENCH = [os.path.join(ROOT, "build", "gmbench")]
SYSTEMS = systems.load()
PHASES = systems.phases(SYSTEMS)
PHASE_ORDER = ["plan", "0", "1", "2", "3", "4", "5", "6", "peers", "user"]

OPERATIONS = ["load", "build", "build-single", "get", "column", "set", "batch-set", "filter",
              "neighbors", "remove"]
INT, FLOAT = re.compile(r"-?\d+\Z"), re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?\Z")
# metric -> (unit, allowed stats, value pattern)
METRICS = {
    "heap_live_bytes": ("B", {"exact"}, INT), "heap_peak_bytes": ("B", {"exact"}, INT),
    "num_allocs": ("count", {"exact"}, INT), "heap_live_blocks": ("count", {"exact"}, INT),
    "mallinfo_bytes": ("B", {"exact"}, INT),
    "rss_delta_bytes": ("B", {"single"}, INT), "hwm_bytes": ("B", {"single"}, INT),
    "jemalloc_allocated_bytes": ("B", {"exact"}, INT),
    "jemalloc_resident_bytes": ("B", {"single"}, INT),
    "time_ns": ("ns", {"best", "median", "single"}, INT),
    "ns_per_item": ("ns", {"best", "median"}, FLOAT),
    "items": ("count", {"exact"}, INT), "checksum": ("value", {"exact"}, FLOAT),
    "objects_per_access": ("count", {"exact"}, FLOAT),
}
REQUIRED = [("build", "time_ns", "best"), ("build", "time_ns", "median")] + [
    (op, "checksum", "exact") for op in ("get", "column", "filter", "neighbors", "remove")]
BUILD_MEMORY = ("heap_live_bytes", "mallinfo_bytes", "jemalloc_allocated_bytes")
INFO_KEY = re.compile(r"[A-Za-z0-9_.:-]+\Z")
# a gm_memory_usage component may name its layout too (compact: "usage.node:uid list<str>")
USAGE_KEY = re.compile(r"usage\.[A-Za-z0-9_.:-][A-Za-z0-9_.:<>+; \[\]-]*\Z")
# A generated scenario (params.json with sha256) of at least this many nodes is checked by
# provenance and read lightly (load_light): the strict loader holds every record as Python
# objects, ~2 GB and ~1 min at 1M nodes, ~20 GB at 10M.
LIGHT_MIN_NODES = 500_000
# Rough relative cost of one driver per scenario byte, for the time-left estimate only
# (scaled by what the run has measured so far): C drivers 1, Python peers parse in Python.
COST = {"networkx": 6, "igraph": 6, "graphtool": 6, "graphmem-compact": 6, "graphmem-zerocopy": 6, "graphmem-native-direct": 8,
        "graphmem-json-layered": 20, "graphmem-native-layered": 20}

JOB_FIXED = 20e6     # a process's start (Python imports, parsing the plan) in scenario bytes


class Progress:
    """Time left from job sizes: a job weighs (scenario bytes x (reps + 2) + JOB_FIXED) x
    the system's cost.  Each system's rate (seconds per unit of weight) is its latest finished
    job's: a sweep runs small sizes first, so that is its largest, the nearest to what is left
    (one rate for all, as before, took every system at the C drivers' small-size pace: it
    said 13.5 minutes left two minutes into a 46-minute sweep).  A system not yet measured
    takes the rate of everything done so far.  Keys are (scenario dir, system, allocator).  One object may span several bench runs
    (harness/scale.py passes its own)."""

    def __init__(self):
        self.todo, self.done_w, self.spent, self.rate = {}, 0.0, 0.0, {}

    @staticmethod
    def weight(directory, system, reps):
        size = sum(os.path.getsize(os.path.join(directory, f))
                   for f in ("nodes.jsonl", "edges.jsonl")
                   if os.path.exists(os.path.join(directory, f)))
        return (size * (reps + 2) + JOB_FIXED) * COST.get(system, 1)

    @staticmethod
    def _system(key):
        return key[1] if isinstance(key, tuple) and len(key) > 1 else None

    def add(self, key, weight):
        self.todo[key] = self.todo.get(key, 0.0) + weight

    def finish(self, key, seconds):
        w = self.todo.pop(key, 0.0)
        self.done_w += w
        self.spent += seconds
        if w > 0 and self._system(key) is not None:
            self.rate[self._system(key)] = seconds / w

    def left(self):
        if not self.done_w:
            return None
        overall = self.spent / self.done_w
        return sum(w * self.rate.get(self._system(k), overall) for k, w in self.todo.items())

    def text(self):
        t = self.left()
        return "" if t is None else f", left ~{t / 60:.1f} min" if t >= 90 else f", left ~{t:.0f}s"


def load_light(directory, keys):
    """The scale family's big scenarios without the strict loader: the files must be the
    generator's (sha256 in params.json, taken while reading), and only the attributes in
    `keys` are kept.  Returns (nodes, edges) shaped like scenario.load's, attrs cut down,
    edge attrs None: what resolve_plan and expected.checksums read."""
    with open(os.path.join(directory, "params.json"), encoding="utf-8") as f:
        sums = json.load(f)["sha256"]
    out = []
    for name in ("nodes.jsonl", "edges.jsonl"):
        h, recs = hashlib.sha256(), []
        with open(os.path.join(directory, name), "rb") as f:
            for raw in f:
                h.update(raw)
                o = json.loads(raw)
                if name == "nodes.jsonl":
                    a = o.get("attrs", {})
                    recs.append((o["id"], {k: a[k] for k in keys if k in a}))
                else:
                    recs.append((o["src"], o["dst"], None))
        if h.hexdigest() != sums.get(name):
            raise BenchError(f"{directory}/{name}: sha256 differs from params.json: not the "
                             "generator's file; regenerate it (scenarios/generate.py)")
        out.append(recs)
    return out[0], out[1]


def reference(directory, keys):
    """(plan, sources, expected checksums, merged-neighbors checksum) of a scenario: the
    strict loader, or load_light(keys) when keys is not None."""
    try:
        nodes, edges = scenario.load(directory) if keys is None else load_light(directory, keys)
    except scenario.ScenarioError as e:
        raise BenchError(str(e)) from None
    return reference_of(directory, nodes, edges)


def reference_of(directory, nodes, edges):
    """reference()'s result for records already in memory (load_light's shape)."""
    try:
        plan, sources = scenario.resolve_plan(directory, nodes)
    except scenario.ScenarioError as e:
        raise BenchError(str(e)) from None
    return plan, sources, expected.checksums(nodes, edges, plan), expected.neighbors_merged(nodes, edges)


# A big generated scenario's reference, computed by scenarios/generate.py from the records it
# had just written (they never need parsing back: 219 s of make scale at groggy-10m, 46 s at
# graph-1m) and kept beside them.  Used only while it names the sha256 of the files that
# params.json names and the sha256 of the code that computes a reference (this file,
# expected.py, scenario.py: any change to them recomputes it); the files themselves are
# checked against params.json by scenario_sha's pass over them (main), as load_light does.
# tests/test_scale.py compares it with the reference parsed from the files.
REFERENCE_FILE = ".reference.json"


def reference_code_sha():
    h = hashlib.sha256()
    for name in ("bench.py", "expected.py", "scenario.py"):
        with open(os.path.join(HERE, name), "rb") as f:
            h.update(f.read())
    return h.hexdigest()


def _params_sha256(directory):
    try:
        with open(os.path.join(directory, "params.json"), encoding="utf-8") as f:
            return json.load(f).get("sha256")
    except (OSError, ValueError, AttributeError):
        return None


def save_reference(directory, ref):
    """Write ref (reference_of's result) as directory's REFERENCE_FILE, atomically."""
    plan, sources, want, merged = ref
    doc = {"code_sha256": reference_code_sha(), "sha256": _params_sha256(directory),
           "plan": plan, "sources": sources, "expected": want, "neighbors_merged": merged}
    path = os.path.join(directory, REFERENCE_FILE)
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False)
    os.replace(path + ".tmp", path)


def saved_reference(directory):
    """directory's saved reference when it is current (see REFERENCE_FILE), else None."""
    try:
        with open(os.path.join(directory, REFERENCE_FILE), encoding="utf-8") as f:
            doc = json.load(f)
        if (doc["code_sha256"] != reference_code_sha() or doc["sha256"] is None
                or doc["sha256"] != _params_sha256(directory)):
            return None
        return doc["plan"], doc["sources"], doc["expected"], doc["neighbors_merged"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def prepare_records(directory, systems):
    """Start `gmbench --prepare-records DIR` when a C driver will read this big scenario: it
    writes the records' binary copy (harness/gmh_cache.h) on the second core while reference()
    parses on the first; otherwise the first C driver writes it before its own load (groggy-10m:
    about 100 s of make scale).  Nothing is measured meanwhile.  None when not needed."""
    if (os.environ.get("GMH_CACHE") == "0" or not set(systems) & C_DRIVERS
            or not os.access(GMBENCH[0], os.X_OK)):
        return None
    try:       # a cache newer than both files (generate.py has it made): nothing to do
        cache = os.path.getmtime(os.path.join(directory, ".gmh-records.bin"))
        if all(cache >= os.path.getmtime(os.path.join(directory, f))
               for f in ("nodes.jsonl", "edges.jsonl")):
            return None        # (a stale one all the same: the first C driver rewrites it)
    except OSError:
        pass
    return subprocess.Popen(GMBENCH + ["--prepare-records", directory], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, errors="replace")


def finish_prepare(p, name):
    """Wait for prepare_records' process; a failure is the scenario's, said once, here."""
    if p is None:
        return
    _, err = p.communicate()
    if p.returncode != 0:
        raise BenchError(f"{name}: gmbench --prepare-records failed (exit {p.returncode}): "
                         f"{err.strip() or 'no message'}")


def light_keys(directory):
    """The attribute keys load_light must keep, or None when the strict loader is needed
    (not a big generated scenario, or no scenario.json naming numeric_attr and filter)."""
    try:
        with open(os.path.join(directory, "params.json"), encoding="utf-8") as f:
            params = json.load(f)
        with open(os.path.join(directory, "scenario.json"), encoding="utf-8") as f:
            given = json.load(f)
        if params.get("nodes", 0) < LIGHT_MIN_NODES or "sha256" not in params:
            return None
        return [given["numeric_attr"]] + [p["key"] for p in given["filter"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


class BenchError(Exception):
    pass


class DriverTimeout(BenchError):
    """--on-timeout skip turns it into a not_run row instead of a failed run."""


def validate(lines, where):
    """Parse a driver's stdout strictly; returns rows [operation, metric, value, unit, stat]."""
    rows, seen = [], set()
    for i, line in enumerate(lines, 1):
        f = next(csv.reader([line]), [])          # info values may be CSV-quoted
        if len(f) != 5:
            raise BenchError(f"{where}: stdout line {i}: {len(f)} fields, want 5: {line!r}")
        op, metric, value, unit, stat = f
        if op == "info":
            if not (INFO_KEY.match(metric) or USAGE_KEY.match(metric)) or unit or stat:
                raise BenchError(f"{where}: stdout line {i}: bad info line {line!r}")
        else:
            if op not in OPERATIONS or metric not in METRICS:
                raise BenchError(f"{where}: stdout line {i}: unknown operation or metric {line!r}")
            want_unit, stats, pattern = METRICS[metric]
            if unit != want_unit or stat not in stats or not pattern.match(value):
                raise BenchError(f"{where}: stdout line {i}: want unit {want_unit}, stat in "
                                 f"{sorted(stats)} and a {'n integer' if pattern is INT else ' number'}"
                                 f": {line!r}")
            if (op, metric, stat) in seen:
                raise BenchError(f"{where}: stdout line {i}: duplicate {op},{metric},{stat}")
            seen.add((op, metric, stat))
        rows.append(f)
    missing = [",".join(r) for r in REQUIRED if r not in seen]
    if not any(("build", m, "exact") in seen for m in BUILD_MEMORY):
        missing.append("build memory (" + " or ".join(BUILD_MEMORY) + ")")
    if missing:
        raise BenchError(f"{where}: missing rows: {'; '.join(missing)}")
    return rows


def aslr_prefix():
    """Drivers run with address randomisation off: glibc's heap figures depend on where the
    heap lands, so only then are they identical run to run (measured: ~1 KB jitter)."""
    cmd = ["setarch", os.uname().machine, "-R"]
    try:
        ok = subprocess.run(cmd + ["true"], capture_output=True).returncode == 0
    except OSError:
        ok = False
    if not ok:
        print("warning: setarch -R unavailable: heap bytes may vary by ~1 KB run to run",
              file=sys.stderr)
    return cmd if ok else []


def driver_env(system_cmd, allocator):
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "MALLOC_CONF")}
    if system_cmd[0] == PYTHON:
        env.update(PYTHONMALLOC="malloc", PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1")
    if allocator == "jemalloc":
        env.update(LD_PRELOAD=JEMALLOC, MALLOC_CONF=JEMALLOC_CONF)
    return env


try:                                  # resolved here: the child after fork imports nothing
    import ctypes
    _PRCTL = ctypes.CDLL(None, use_errno=True).prctl
except (ImportError, OSError, AttributeError):
    _PRCTL = None


def _die_with_parent():
    """In the driver's child before exec: SIGKILL when bench.py dies (prctl PR_SET_PDEATHSIG)."""
    if _PRCTL is not None:
        _PRCTL(1, int(signal.SIGKILL), 0, 0, 0)


def run_driver(base, args, prefix, env, where, timeout, ours):
    """Run one driver; returns stdout lines, None when gmbench (ours) does not know the
    backend yet: phases land one by one, and a missing one is skipped, loudly."""
    program = base[1] if base[0] == PYTHON else base[0]
    if not os.path.exists(program):
        raise BenchError(f"{where}: driver {program} not found "
                         "(run `make` first, or leave the system out with --systems)")
    # stdout is collected by a thread while stderr is read here line by line, so the driver's
    # `progress:OP` lines are shown as each operation finishes (and neither pipe can fill up).
    # Its own session (process group): on a timeout the whole group is killed, so a child the
    # driver started (a shell's `sleep`, a pipeline) cannot keep the pipes open and hang us.
    # Bytes that are not UTF-8 are replaced, so garbage is reported by validate() as garbage.
    # (It dies with us too: its own session no longer shares our fate with a signal to our group.)
    p = subprocess.Popen(prefix + base + args, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, errors="replace",
                         start_new_session=True, preexec_fn=_die_with_parent)
    out, err, last_op = [], [], []
    reader = threading.Thread(target=lambda: out.append(p.stdout.read()), daemon=True)
    reader.start()
    fired = []

    def kill_group():
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    timer = threading.Timer(timeout, lambda: (fired.append(True), kill_group()))
    timer.start()
    try:
        for line in p.stderr:
            if line.startswith("progress:"):
                last_op[:] = [line[9:].strip()]
                print(" " + line[9:].strip(), end="", file=sys.stderr, flush=True)
            else:
                err.append(line)
        p.wait()
        reader.join()
    finally:
        timer.cancel()
        if p.poll() is None:
            kill_group()
            p.wait()
    # which measurement: the operation after the last one the driver reported finished
    at = (f"after operation {last_op[0]!r} (the last it reported finished)" if last_op
          else "before it reported any operation finished")
    if fired:
        raise DriverTimeout(f"{where}: driver timed out after {timeout:g} s, {at} (the "
                            f"per-driver timeout; --timeout raises it)")
    if p.returncode == GMBENCH_UNKNOWN_BACKEND and ours:
        return None
    tail = "\n  ".join("".join(err).strip().splitlines()[-5:])
    if p.returncode < 0:
        try:
            sig = signal.Signals(-p.returncode).name
        except ValueError:
            sig = f"signal {-p.returncode}"
        raise BenchError(f"{where}: driver killed by {sig}, {at}:\n  {tail or '(no message)'}")
    if p.returncode not in (0, DRIVER_WRONG):
        raise BenchError(f"{where}: driver exited with status {p.returncode}, {at}:\n  "
                         f"{tail or '(no message)'}")
    lines = "".join(out).splitlines()
    # status 4: the driver printed every row and found a wrong answer itself; the rows are
    # judged against the expected checksums like any others (check_expected)
    return lines, ((tail or "(no message)") if p.returncode == DRIVER_WRONG else None)


def check_expected(rows, want, merged_neighbors, where):
    """Every checksum row against the expected value; returns the disagreements as
    messages naming scenario, system, allocator, operation, expected and got."""
    bad = []
    merged = any(r[0] == "info" and r[1] == "edges_merged" for r in rows)
    for op, metric, value, _, stat in rows:
        if metric != "checksum" or stat != "exact" or op not in want:
            continue
        exp = merged_neighbors if op == "neighbors" and merged else want[op]
        if value != exp:
            note = " (merged edge set)" if op == "neighbors" and merged else ""
            sc, system, alloc = where.split(" ")
            bad.append(f"scenario {sc} system {system} allocator {alloc}: {op} checksum "
                       f"expected {exp}{note}, got {value}")
    return bad


def cross_check(results):
    """Second line of defence: the systems of this run must agree with each other on every
    checksum (PROTOCOL.md, 'Operations'). results: {(phase, system, allocator): rows}, the
    runs that passed check_expected. Rows kept from results.csv are judged by
    stale_kept_rows() instead: an older driver may have printed another checksum."""
    runs = dict(results)
    values = {}
    for key, rows in runs.items():
        merged = any(r[0] == "info" and r[1] == "edges_merged" for r in rows)
        for op, metric, value, _, _ in rows:
            if metric == "checksum" and not (op == "neighbors" and merged):
                values.setdefault(op, {})[key] = float(value) if "." in value else int(value)
    bad = {op: v for op, v in values.items() if len(set(v.values())) > 1}
    if bad:
        lines = [f"  {op}: " + ", ".join(f"{'/'.join(k[1:])}={x}" for k, x in sorted(v.items()))
                 for op, v in bad.items()]
        raise BenchError("checksums disagree:\n" + "\n".join(lines))


def stale_kept_rows(kept, sha, want):
    """Kept rows of the same inputs whose checksums are not the expected ones (measured by an
    older driver): a warning each, they are not this run's to fail."""
    out = []
    for key, rows in sorted(kept.items()):
        if not any(r[0] == "info" and r[1] == "scenario_sha256" and r[2] == sha for r in rows):
            continue
        merged = any(r[0] == "info" and r[1] == "edges_merged" for r in rows)
        for op, metric, value, _, stat in rows:
            if (metric == "checksum" and stat == "exact" and op in want and value != want[op]
                    and not (op == "neighbors" and merged)):
                out.append(f"warning: kept rows of {'/'.join(key[1:])}: {op} checksum {value}, "
                           f"expected {want[op]} (an older driver? re-run that phase)")
    return out


def expected_rows(want):
    """The `plan` rows of the expected checksums: OP,checksum,VALUE,value,expected."""
    return [[op, "checksum", want[op], "value", "expected"] for op in expected.OPS_WITH_CHECKSUM]


def plan_rows(plan, sources, sha):
    filt = " & ".join(f"{p['key']} {p['op']} {json.dumps(p['value'], ensure_ascii=False)}"
                      for p in plan["filter"])
    return [["info", "plan_numeric_attr", plan["numeric_attr"], "", sources["numeric_attr"]],
            ["info", "plan_filter", filt, "", sources["filter"]],
            ["info", "plan_remove_count", str(len(plan["remove"])), "", sources["remove"]],
            ["info", "plan_set_value_offset", str(plan["set_value_offset"]), "",
             sources["set_value_offset"]],
            ["info", "scenario_sha256", sha, "", ""]]


def scenario_sha(directory, plan, files=False):
    """The scenario_sha256 info value: the two files and the plan.  files=True: also each
    file's own sha256, {name: hexdigest}, as params.json names them (same pass)."""
    h, digests = hashlib.sha256(), {}
    for name in ("nodes.jsonl", "edges.jsonl"):
        one = hashlib.sha256()
        with open(os.path.join(directory, name), "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
                one.update(chunk)
        digests[name] = one.hexdigest()
    h.update(json.dumps(plan, sort_keys=True).encode())
    return (h.hexdigest()[:16], digests) if files else h.hexdigest()[:16]


def context():
    def git(*args):
        p = subprocess.run(["git", "-C", ROOT, *args], capture_output=True, text=True)
        return p.stdout.strip() if p.returncode == 0 else None
    commit = git("rev-parse", "--short", "HEAD") or "none"
    # results.csv and reports are outputs of this very command: they do not make it dirty.
    if git("status", "--porcelain", "--untracked-files=no", "--", ".",
           ":(exclude)results.csv", ":(exclude)reports"):
        commit += "-dirty"
    cpu = "unknown-cpu"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1] for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    cpu = re.sub(r"\((R|TM)\)|\bCPU\b|@.*|\d+-Core Processor", "", cpu)
    machine = f"{socket.gethostname()} {' '.join(cpu.split())} x{os.cpu_count()}"
    stamp = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    return commit, machine, stamp


def read_results(path):
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header != COLUMNS:
            raise BenchError(f"{path}: unexpected header {header}; not overwriting it")
        rows = list(reader)
    for i, r in enumerate(rows, 2):
        if len(r) != len(COLUMNS):
            raise BenchError(f"{path}:{i}: {len(r)} fields, want {len(COLUMNS)}; not overwriting it")
    return rows


def write_atomic(path, rows):
    """Temp file in the same directory, fsync, rename: readers see old or new, never half."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    w.writerows(rows)
    d = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".results.", suffix=".tmp", dir=d)
    except OSError as e:
        raise BenchError(f"{path}: cannot create a file in {d}: {e.strerror or e}") from e
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(buf.getvalue())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):       # ENOSPC, EIO, EDQUOT...: name the file and the reason
            raise BenchError(f"{path}: cannot write the results: {e.strerror or e}") from e
        raise


def probe_writable(path):
    """Before any driver runs: the results' directory takes a new file (write_atomic's temp
    file), so a bad --out fails in a second, not after the measurements."""
    d = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".results.", suffix=".probe", dir=d)
    except OSError as e:
        raise BenchError(f"{path}: cannot create a file in {d}: {e.strerror or e}") from e
    os.close(fd)
    os.unlink(tmp)


def sort_key(r):
    phase = PHASE_ORDER.index(r[2]) if r[2] in PHASE_ORDER else len(PHASE_ORDER)
    return (r[0], phase, r[1], r[9])      # stable: keeps each driver's own row order


def summary(rows, scenarios):
    """Build bytes, build time and get/column ns per item per system, glibc runs."""
    pick = {}
    for r in rows:
        if r[0] in scenarios and r[9] == "glibc" and r[3] != "info":
            pick[(r[0], r[1], r[3], r[4], r[7])] = r[5]
    out = []
    for sc in scenarios:
        systems = sorted({k[1] for k in pick if k[0] == sc})
        if not systems:
            continue
        out.append(f"\n{sc}  (glibc; medians; heap = counting allocator, ours only; "
                   f"glibc = mallinfo2 heap in use, every system)")
        out.append(f"  {'system':<24} {'heap MB':>8} {'glibc MB':>9} {'build ms':>9} "
                   f"{'get ns':>8} {'column ns':>9} {'filter ms':>9}")
        mb = lambda v: f"{int(v) / 1e6:.2f}" if v is not None else "-"        # noqa: E731
        ms = lambda v: f"{int(v) / 1e6:.2f}" if v is not None else "-"        # noqa: E731
        for s in systems:
            heap = pick.get((sc, s, "build", "heap_live_bytes", "exact"))
            glibc = pick.get((sc, s, "build", "mallinfo_bytes", "exact"))
            t = pick.get((sc, s, "build", "time_ns", "median"))
            get = pick.get((sc, s, "get", "ns_per_item", "median"), "-")
            col = pick.get((sc, s, "column", "ns_per_item", "median"), "-")
            flt = pick.get((sc, s, "filter", "time_ns", "median"))
            out.append(f"  {s:<24} {mb(heap):>8} {mb(glibc):>9} {ms(t):>9} "
                       f"{get:>8} {col:>9} {ms(flt):>9}")
    return "\n".join(out)


# A scenario of this many records (nodes + edges, from its params.json) is big: unless --reps or
# --allocators say otherwise it runs 1 repetition under glibc alone (real-pgp-strong-2009, 341K
# records, takes the Python binding's drivers 2-4 minutes a repetition), and the rows say so in
# `repetitions` and `allocator`.
BIG_RECORDS = 100_000
# ...except the C drivers, which take seconds a repetition there: they run BIG_C_REPS, so the
# same-run ratios between C systems (compact vs zerocopy, issue 12) are medians, not one sample.
BIG_C_REPS = 3
C_DRIVERS = {"json", "native", "columnar", "zerocopy", "compact", "igraph-c", "raw"}


def scenario_records(directory):
    try:
        with open(os.path.join(directory, "params.json"), encoding="utf-8") as f:
            p = json.load(f)
        return int(p.get("nodes", 0)) + int(p.get("edges", 0))
    except (OSError, ValueError, TypeError):
        return 0


def run_shape(a, directory, system=None):
    """(repetitions, allocators) for one scenario (and system): the command line's, or the
    big-scenario defaults."""
    big = scenario_records(directory) >= BIG_RECORDS
    reps = a.reps if a.reps_given or a.quick or not big else BIG_C_REPS if system in C_DRIVERS else 1
    allocs = a.allocators if a.allocators_given or not big else ["glibc"]
    return reps, allocs


def use_systems_files(argv):
    """Merge the user systems files named by --systems-file in argv into SYSTEMS/PHASES
    (before the parser is built: --phase's choices come from PHASES)."""
    global SYSTEMS, PHASES
    argv = sys.argv[1:] if argv is None else argv
    files = [argv[i + 1] for i, x in enumerate(argv[:-1]) if x == "--systems-file"]
    files += [x.split("=", 1)[1] for x in argv if x.startswith("--systems-file=")]
    if files:
        try:
            SYSTEMS = systems.load(files)
        except systems.SystemsError as e:
            sys.exit(f"bench: {e}")
        PHASES = systems.phases(SYSTEMS)


def parse_args(argv):
    use_systems_files(argv)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--systems-file", action="append", default=[], metavar="FILE.toml",
                    help="add the systems declared in FILE (harness/systems.toml's form; "
                         "group \"user\": --phase user)")
    ap.add_argument("--phase", action="append", required=True,
                    choices=sorted(PHASES) + ["all"], help="repeatable")
    ap.add_argument("--scenario", action="append", metavar="DIR",
                    help="scenario directory (repeatable); default: "
                         + ", ".join(f"build/scenarios/{s}" for s in DEFAULT_SCENARIOS))
    ap.add_argument("--systems", help="comma-separated subset of the phases' systems")
    ap.add_argument("--allocators", help="glibc and/or jemalloc (default: both; glibc alone on "
                    f"a scenario of {BIG_RECORDS:,}+ nodes + edges)")
    ap.add_argument("--quick", action="store_true", help="1 repetition (CI)")
    ap.add_argument("--reps", type=int)
    ap.add_argument("--out", default=os.path.join(ROOT, "results.csv"))
    ap.add_argument("--timeout", type=float, default=600, help="seconds per driver")
    ap.add_argument("--on-timeout", choices=("fail", "skip"), default="fail",
                    help="skip: a driver that times out is recorded as a `plan` row "
                         "info,not_run:SYSTEM (PROTOCOL.md, 'Systems not run') and the run "
                         "goes on (make scale)")
    ap.add_argument("--not-run", action="append", default=[], metavar="SYSTEM=REASON",
                    help="record that SYSTEM was left out of these scenarios and why")
    ap.add_argument("--driver", action="append", default=[], metavar="SYSTEM=CMD",
                    help="replace a system's driver command (tests, experiments)")
    ap.add_argument("--keep-wrong", action="store_true",
                    help="write --out even when a checksum is wrong (the rows stay as the "
                         "drivers printed them), then exit 4; for the gate")
    a = ap.parse_args(argv)
    a.phases = list(PHASES) if "all" in a.phase else list(dict.fromkeys(a.phase))
    if a.reps is not None and a.reps < 1:
        ap.error("--reps: at least 1")
    a.reps_given, a.allocators_given = a.reps is not None, a.allocators is not None
    a.reps = a.reps or (1 if a.quick else 5)
    a.allocators = (a.allocators or "glibc,jemalloc").split(",")
    if not set(a.allocators) <= {"glibc", "jemalloc"}:
        ap.error("--allocators: glibc and/or jemalloc")
    if "jemalloc" in a.allocators and not os.path.exists(JEMALLOC):
        ap.error(f"{JEMALLOC} not found (apt-get install libjemalloc2), or --allocators glibc")
    known = {s for p in a.phases for s in PHASES[p]}
    a.systems = a.systems.split(",") if a.systems else None
    if a.systems and set(a.systems) - known:
        ap.error(f"--systems: {sorted(set(a.systems) - known)} not in phases {a.phases}")
    not_run = {}
    for d in a.not_run:
        name, _, why = d.partition("=")
        if not INFO_KEY.match(name) or not why:
            ap.error(f"--not-run {d!r}: want SYSTEM=REASON")
        not_run[name] = why
    a.not_run = not_run
    a.overrides = {}
    for d in a.driver:
        name, _, cmd = d.partition("=")
        if name not in known or not cmd:
            ap.error(f"--driver {d!r}: want SYSTEM=CMD with SYSTEM one of {sorted(known)}")
        a.overrides[name] = shlex.split(cmd)
    if not a.scenario:
        a.scenario = [os.path.join(ROOT, "build", "scenarios", s) for s in DEFAULT_SCENARIOS]
        for s in a.scenario:
            if not os.path.isdir(s):
                ap.error(f"{s} missing: generate it (scenarios/generate.py build/scenarios)")
    return a


def replaced(r, a, scenarios, skipped):
    """Does this run replace results.csv row r? Rows of the scenarios it ran, for the phases
    (and --systems) it ran, except systems it skipped (not registered): their rows stay."""
    return r[0] in scenarios and (r[2] == "plan" or (
        r[2] in a.phases and (not a.systems or r[1] in a.systems)
        and (r[0], r[1]) not in skipped))


def _children_cpu():
    """CPU seconds of the drivers waited for so far: on a shared machine the progress line
    shows it beside the wall time, which other work inflates."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def not_run_row(system, why):
    """PROTOCOL.md, 'Systems not run': a `plan` row, stat `not_run`."""
    return ["info", f"not_run:{system}", why, "", "not_run"]


def main(argv=None, progress=None):
    """progress: a Progress shared across runs (scale.py); by default this run's own."""
    a = parse_args(argv)
    t_start = time.monotonic()
    try:
        old = read_results(a.out)       # fail early on a file we would not know how to merge
        probe_writable(a.out)
        commit, machine, stamp = context()
        prefix = aslr_prefix()
        jobs = [(p, s) for p in a.phases for s in PHASES[p] if not a.systems or s in a.systems]
        for _, name in jobs:            # what systems.toml says each driver needs
            decl = next(d for d in SYSTEMS if d["name"] == name)
            lacks = systems.missing(decl if name not in a.overrides
                                    else dict(decl, requires_files=[]))
            if lacks:
                raise BenchError(f"system {name} ({decl['file']}): " + "; ".join(lacks)
                                 + " (install it, or leave the system out with --systems)")
        total = sum(len(run_shape(a, d)[1]) for d in a.scenario) * len(jobs)
        if progress is None:
            progress = Progress()
            for directory in a.scenario:
                for _, system in jobs:
                    reps, allocs = run_shape(a, directory, system)
                    for alloc in allocs:
                        progress.add((directory, system, alloc),
                                     Progress.weight(directory, system, reps))
        new, done, names, skipped, wrong = [], 0, [], set(), []
        with tempfile.TemporaryDirectory(prefix="gm-plans-") as plans:
            for directory in a.scenario:
                name = os.path.basename(os.path.normpath(directory))
                if name in names:
                    raise BenchError(f"two scenarios named {name!r}")
                names.append(name)
                keys = light_keys(directory)
                t0 = time.monotonic()
                if keys is None:
                    plan, sources, want, want_merged = reference(directory, None)
                else:
                    prep = prepare_records(directory, [s for _, s in jobs])
                    try:
                        saved = saved_reference(directory)
                        if saved is None:
                            # a child process: Python keeps much of a 10M-record heap after
                            # del (measured: 490 of 830 MB at 1M), and the drivers need it
                            with multiprocessing.get_context("fork").Pool(1) as pool:
                                saved = pool.apply(reference, (directory, keys))
                            try:
                                save_reference(directory, saved)
                            except OSError as e:     # a read-only scenario: computed each run
                                print(f"{name}: reference not saved ({e.strerror})",
                                      file=sys.stderr)
                            how = "read by provenance (sha256 of params.json)"
                        else:
                            how = f"the generator's {REFERENCE_FILE}"
                        plan, sources, want, want_merged = saved
                    finally:
                        finish_prepare(prep, name)
                    print(f"{name}: expected checksums from {how} in "
                          f"{time.monotonic() - t0:.0f}s", file=sys.stderr)
                sha, digests = scenario_sha(directory, plan, files=True)
                named = _params_sha256(directory) or {}
                if keys is not None and any(named.get(f) != d for f, d in digests.items()):
                    raise BenchError(f"{directory}: nodes.jsonl or edges.jsonl differs from the "
                                     "sha256 in params.json: not the generator's files; "
                                     "regenerate them (scenarios/generate.py)")
                plan_path = os.path.join(plans, name + ".json")
                with open(plan_path, "w", encoding="utf-8") as f:
                    json.dump(plan, f, ensure_ascii=False)
                _, allocs = run_shape(a, directory)
                new += [[name, "plan", "plan", *r, "", "", commit, machine, stamp]
                        for r in plan_rows(plan, sources, sha) + expected_rows(want)
                        + [not_run_row(s, why) for s, why in a.not_run.items()]]
                results = {}
                for phase, system in jobs:
                    base = a.overrides.get(system, PHASES[phase][system])
                    reps = run_shape(a, directory, system)[0]
                    ctx = [str(reps)]
                    for alloc in allocs:
                        done += 1
                        where = f"{name} {system} {alloc}"
                        print(f"[{done}/{total}] {where} ...", end="", file=sys.stderr, flush=True)
                        t0 = time.monotonic()
                        args = ["--scenario", directory, "--plan", plan_path,
                                "--system", system, "--reps", str(reps)]
                        cpu0 = _children_cpu()
                        try:
                            got = run_driver(base, args, prefix, driver_env(base, alloc),
                                             where, a.timeout, ours=phase != "peers")
                        except DriverTimeout as e:
                            progress.finish((directory, system, alloc), time.monotonic() - t0)
                            if a.on_timeout == "fail":
                                raise
                            print(f" TIMEOUT\n  {e}; recorded as not_run:{system}",
                                  file=sys.stderr)
                            new.append([name, "plan", "plan", *not_run_row(
                                system, f"timed out after {a.timeout:g} s ({alloc}; "
                                        f"the per-driver timeout at this size)"),
                                "", "", commit, machine, stamp])
                            continue
                        progress.finish((directory, system, alloc), time.monotonic() - t0)
                        if got is None:
                            print(f" skipped: backend {system!r} not registered in gmbench",
                                  file=sys.stderr)
                            skipped.add((name, system))   # its earlier rows are kept
                            continue
                        lines, self_wrong = got
                        rows = validate(lines, where)
                        rows.append(["info", "scenario_sha256", sha, "", ""])
                        bad = check_expected(rows, want, want_merged, where)
                        if self_wrong and not bad:    # its own check and ours disagree
                            raise BenchError(f"{where}: driver reported a wrong answer "
                                             f"(exit 4) the expected checksums do not "
                                             f"confirm:\n  {self_wrong}")
                        if bad:
                            if not a.keep_wrong:
                                raise BenchError("wrong checksum:\n  " + "\n  ".join(bad))
                            wrong += bad
                            print(" WRONG\n  " + "\n  ".join(bad), file=sys.stderr)
                        else:
                            results[(phase, system, alloc)] = rows
                            print(f" ok {time.monotonic() - t0:.1f}s, cpu "
                                  f"{_children_cpu() - cpu0:.1f}s "
                                  f"(elapsed {time.monotonic() - t_start:.0f}s"
                                  f"{progress.text()})", file=sys.stderr)
                        new += [[name, system, phase, *r[:5], *ctx, alloc, commit, machine, stamp]
                                for r in rows]
                kept = {}
                for r in old:
                    if r[0] == name and not replaced(r, a, {name}, skipped):
                        kept.setdefault((r[2], r[1], r[9]), []).append(r[3:8])
                for w in stale_kept_rows(kept, sha, want):
                    print(w, file=sys.stderr)
                cross_check(results)
        keep = [r for r in old if not replaced(r, a, set(names), skipped)]
        rows = sorted(keep + new, key=sort_key)
        write_atomic(a.out, rows)
    except (BenchError, OSError, ValueError, csv.Error) as e:
        print(f"\nbench: {e}\nbench: {a.out} left unchanged", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"\nbench: interrupted; {a.out} left unchanged", file=sys.stderr)
        return 130
    print(summary(rows, names), file=sys.stderr)
    print(f"\nbench: wrote {len(new)} rows ({len(keep)} kept) to {a.out} in "
          f"{time.monotonic() - t_start:.0f}s", file=sys.stderr)
    if wrong:
        print("bench: --keep-wrong: wrote the rows, but these checksums are wrong:\n  "
              + "\n  ".join(wrong), file=sys.stderr)
        return EXIT_WRONG
    return 0


if __name__ == "__main__":
    sys.exit(main())
