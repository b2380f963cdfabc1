"""What the Python peer drivers share: measuring, timing, the run sequence, output.

peer_networkx.py and peer_igraph.py each define a small System class (build, get, column,
set, batch-set, filter, neighbors, remove done the way a normal user of that library does
them) and call run(System).  Everything that must be identical between peers, so their
numbers compare, lives here: the order of samples, what is timed, the checksums.
See harness/PROTOCOL.md for the output format and the meaning of each figure.
"""
import argparse
import ctypes
import gc
import json
import marshal
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenario  # noqa: E402  (after the path fix, so the peers run from any cwd)

NUM = (int, float)   # type(x) in NUM excludes bool, which JSON keeps distinct from numbers
MISSING = object()   # an absent key, as opposed to a null value


class _Mallinfo2(ctypes.Structure):
    _fields_ = [(f, ctypes.c_size_t) for f in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
        "fsmblks", "uordblks", "fordblks", "keepcost")]


class Heap:
    """Heap samples: glibc mallinfo2 (exact under PYTHONMALLOC=malloc) or jemalloc stats."""

    def __init__(self):
        self.libc = ctypes.CDLL("libc.so.6")
        self.libc.mallinfo2.restype = _Mallinfo2
        self.libc.malloc_trim.argtypes = [ctypes.c_size_t]
        # dlopen(NULL) sees LD_PRELOADed libraries: mallctl exists only under jemalloc.
        self.mallctl = getattr(ctypes.CDLL(None), "mallctl", None)
        self._u64 = ctypes.c_uint64(1)
        self._sz = ctypes.c_size_t(0)
        self._len = ctypes.c_size_t(ctypes.sizeof(ctypes.c_size_t))

    def _je(self, name):
        self._len.value = ctypes.sizeof(ctypes.c_size_t)
        rc = self.mallctl(name, ctypes.byref(self._sz), ctypes.byref(self._len), None, 0)
        if rc:
            raise OSError(rc, f"mallctl {name!r} failed")
        return self._sz.value

    def sample(self):
        """Collect garbage, return free memory to the OS, then read every counter."""
        gc.collect()
        self.libc.malloc_trim(0)
        s = {"rss": status_bytes("VmRSS")}
        if self.mallctl is None:
            mi = self.libc.mallinfo2()
            s["mallinfo"] = mi.uordblks + mi.hblkhd
        else:   # stats are cached until the epoch is bumped
            n = ctypes.c_size_t(8)
            self.mallctl(b"epoch", ctypes.byref(self._u64), ctypes.byref(n),
                         ctypes.byref(self._u64), 8)
            s["je_allocated"] = self._je(b"stats.allocated")
            s["je_resident"] = self._je(b"stats.resident")
        return s


def status_bytes(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"{key} not in /proc/self/status")


def reset_hwm():
    with open("/proc/self/clear_refs", "w") as f:     # "5" resets VmHWM to VmRSS
        f.write("5")


class Out:
    """Protocol lines on stdout; collected and printed at the end so a crash prints none."""

    def __init__(self):
        self.lines = []

    def row(self, op, metric, value, unit, stat):
        if op != getattr(self, "_last_op", None):      # progress for the orchestrator
            self._last_op = op
            sys.stderr.write(f"progress:{op}\n")
            sys.stderr.flush()
        self.lines.append(f"{op},{metric},{value},{unit},{stat}")

    def info(self, key, value):
        value = str(value)
        assert "," not in value and "\n" not in value, value
        self.lines.append(f"info,{key},{value},,")

    def times(self, op, ns, items):
        ns, n = sorted(ns), len(ns)
        # median of an even count: mean of the middle two rounded down, as gmh.c does
        med = ns[n // 2] if n % 2 else ns[n // 2 - 1] + (ns[n // 2] - ns[n // 2 - 1]) // 2
        self.row(op, "time_ns", ns[0], "ns", "best")
        self.row(op, "time_ns", med, "ns", "median")
        if items:
            self.row(op, "ns_per_item", f"{ns[0] / items:.3f}", "ns", "best")
            self.row(op, "ns_per_item", f"{med / items:.3f}", "ns", "median")
        self.row(op, "items", items, "count", "exact")

    def flush(self):
        sys.stdout.write("".join(line + "\n" for line in self.lines))
        sys.stdout.flush()


class Records:
    """The scenario's records, parsed once.  The driver needs them twice: to build the graph
    whose heap is measured (then dropped, so the sample holds the graph alone) and for the
    timed section.  Parsing again took 2 x 47 s of NetworkX's 266 s on groggy-1m; instead,
    stash() forks right after the first parse and the child writes the records to a file with
    marshal (which keeps shared objects shared and interned strings interned, as
    scenario.load(intern=True) made them), and reload() reads them back, about 8x faster
    than parsing.  The fork leaves the parent's heap as it was: the child allocates the
    blob, the parent only waits for it later.  Everything the parent keeps for this (the
    path, the pid slot) is allocated by __init__, before the baseline sample: the int that
    os.fork() returns replaces one of the same size, so the exact heap figures do not move.
    Any failure (no fork, the child died, a short file) falls back to parsing again, with a
    warning on stderr."""

    def __init__(self, directory):
        self.directory = directory
        fd, self.path = tempfile.mkstemp(prefix="gm-records-", suffix=".marshal")
        os.close(fd)
        self.pid = 1 << 40              # replaced by the child's pid: an int of the same size
        self.forked = False             # a child is writing the stash
        self.ready = False              # the stash is whole: reload() reads it

    def load(self):
        return scenario.load(self.directory, intern=True)

    def stash(self, records):
        try:
            self.pid = os.fork()
        except OSError as e:
            print(f"warning: fork failed ({e}); the records will be parsed again",
                  file=sys.stderr)
            return
        if self.pid == 0:               # the child: write, and never return into the driver
            code = 1
            try:
                with open(self.path, "wb") as f:
                    marshal.dump(records, f)
                code = 0
            finally:
                os._exit(code)
        self.forked = True

    def reload(self):
        """The records again: the stash when its child wrote it whole, else a new parse."""
        if self.forked:
            self.forked = False
            code = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
            self.ready = code == 0
            if not self.ready:
                print(f"warning: the records stash's writer exited with {code}; parsing "
                      "again", file=sys.stderr)
        if self.ready:
            try:
                with open(self.path, "rb") as f:
                    return marshal.load(f)
            except (OSError, EOFError, ValueError, TypeError) as e:
                self.ready = False
                print(f"warning: records stash {self.path} unreadable ({e}); parsing again",
                      file=sys.stderr)
        return self.load()

    def close(self):
        if self.forked:
            os.waitpid(self.pid, 0)
            self.forked = False
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass


def timed(reps, fn, fresh=None):
    """Run fn reps times; return (times in ns, last result).  fresh() (untimed) supplies
    fn's argument each repetition, for operations that mutate the graph.
    The previous repetition's result (build, set and batch-set return a whole graph) is
    dropped before the clock starts: assigned over inside the timed span, its deallocation
    was timed with the next repetition (NetworkX set on groggy-10k: best 629 ns an item,
    median 1,910)."""
    ns, result = [], None
    for _ in range(reps):
        result = None
        arg = fresh() if fresh else None
        t0 = time.perf_counter_ns()
        out = fn(arg) if fresh else fn()
        ns.append(time.perf_counter_ns() - t0)
        result = out
        del arg, out
    return ns, result


def compile_predicate(filt):
    """The plan's filter as one Python expression over positional values, as a user would
    write it by hand (e.g. `a0 == "engineer" and (type(a1) in NUM and a1 > 100000)`).
    Returns (keys, function of one value per key, MISSING for an absent key).
    Semantics (PROTOCOL.md, 'Operations', the library's gm_pred_match): an absent key
    matches nothing; a value of another type (null included) matches only `!=`; a null
    constant equals a stored null, so `<=` and `>=` hold for it and `<`, `>` do not."""
    keys = list(dict.fromkeys(p["key"] for p in filt))
    terms = []
    for p in filt:
        a, want, op = f"a{keys.index(p['key'])}", p["value"], p["op"]
        if want is None:                # Python cannot order None: spell null out
            terms.append({"==": f"{a} is None", "<=": f"{a} is None", ">=": f"{a} is None",
                          "!=": f"({a} is not MISSING and {a} is not None)",
                          "<": "False", ">": "False"}[op])
            continue
        typed = (f"type({a}) is str" if isinstance(want, str) else
                 f"type({a}) is bool" if isinstance(want, bool) else f"type({a}) in NUM")
        if op == "!=":
            terms.append(f"({a} is not MISSING and (not ({typed}) or {a} != {want!r}))")
        elif op == "==" and isinstance(want, str):
            terms.append(f"{a} == {want!r}")        # only a str can equal a str
        else:
            terms.append(f"({typed} and {a} {op} {want!r})")
    src = f"lambda {', '.join(f'a{i}' for i in range(len(keys)))}: {' and '.join(terms)}"
    return keys, eval(src, {"NUM": NUM, "MISSING": MISSING})


def checksum(values):
    """Sum of the numeric values (bools, strings, None skipped), exactly as gmh_sum_add does
    it: ints and integral doubles below 2**53 summed as an integer, other doubles apart;
    printed as an integer, or with 6 decimals when a non-integral double took part."""
    isum, dsum, has_double = 0, 0.0, False
    for v in values:
        t = type(v)
        if t is int:
            isum += v
        elif t is float:
            if v == int(v) and abs(v) < 2.0 ** 53:
                isum += int(v)
            else:
                dsum += v
                has_double = True
    return f"{float(isum) + dsum:.6f}" if has_double else str(isum)


def new_value(old, off):
    """set's value: old + offset, staying an int unless it would leave int64 (as gmbench)."""
    r = old + off
    if type(r) is int and not scenario.INT64_MIN <= r <= scenario.INT64_MAX:
        return float(old) + float(off)
    return r


def run(System, after=None):
    """The run sequence; after(reload), when given, runs last (bench_python.py's extra rows),
    with a function that gives the records again."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--plan", required=True)
    ap.add_argument("--system", required=True)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    if args.reps < 1:
        sys.exit("--reps must be >= 1")
    with open(args.plan, encoding="utf-8") as f:
        plan = json.load(f)
    out = Out()
    # Exact heap figures need every object allocation to reach malloc (no pymalloc arenas)
    # and string hashing fixed (dict layouts follow hashes); the orchestrator sets both.
    for var, want in (("PYTHONMALLOC", "malloc"), ("PYTHONHASHSEED", "0")):
        if os.environ.get(var) != want:
            print(f"warning: {var}={os.environ.get(var)!r}, want {want!r}: heap bytes are "
                  "not exact", file=sys.stderr)
            out.info(f"env_{var}", os.environ.get(var, "unset"))
    system = System(plan)
    heap = Heap()
    records = Records(args.scenario)
    try:
        _run(system, heap, records, out, args, plan)
        if after is not None:
            after(records.reload)
    finally:
        records.close()


def _run(system, heap, records, out, args, plan):
    out.info("allocator", "glibc" if heap.mallctl is None else "jemalloc")
    out.info("loader", "interned_keys+categorical_values+shared_id_strings")

    # --- build memory: baseline, parse, build, drop the records, sample ---
    m0 = heap.sample()
    t0 = time.perf_counter_ns()
    nodes, edges = records.load()
    load_ns = time.perf_counter_ns() - t0
    m1 = heap.sample()
    records.stash((nodes, edges))
    reset_hwm()
    g = system.build(nodes, edges)
    hwm = status_bytes("VmHWM")
    del nodes, edges
    m2 = heap.sample()      # the graph and every value it references, nothing else
    out.row("load", "time_ns", load_ns, "ns", "single")
    if "mallinfo" in m0:
        out.row("load", "mallinfo_bytes", m1["mallinfo"] - m0["mallinfo"], "B", "exact")
        out.row("build", "mallinfo_bytes", m2["mallinfo"] - m0["mallinfo"], "B", "exact")
    else:
        out.row("build", "jemalloc_allocated_bytes",
                m2["je_allocated"] - m0["je_allocated"], "B", "exact")
        out.row("build", "jemalloc_resident_bytes",
                m2["je_resident"] - m0["je_resident"], "B", "single")
    out.row("build", "rss_delta_bytes", m2["rss"] - m0["rss"], "B", "single")
    out.row("build", "hwm_bytes", hwm, "B", "single")

    # --- times: the records again (never timed; Records), graph g reused read-only ---
    nodes, edges = records.reload()
    ids = [n for n, _ in nodes]
    merged = len(edges) - system.edge_count(g)
    if merged:      # networkx.DiGraph keeps one edge per (src, dst): see PROTOCOL.md
        out.info("edges_merged", merged)
    if hasattr(system, "prepare"):
        system.prepare(g, plan["filter"])
    for k, v in system.info.items():
        out.info(k, v)
    attr, reps = plan["numeric_attr"], args.reps
    ns, _ = timed(reps, lambda: system.build(nodes, edges))
    out.times("build", ns, len(nodes) + len(edges))

    ns, s = timed(reps, lambda: system.get(g, ids, attr))
    out.times("get", ns, len(ids))
    out.row("get", "checksum", s, "value", "exact")
    ns, s = timed(reps, lambda: system.column(g, attr))
    out.times("column", ns, len(ids))
    out.row("column", "checksum", s, "value", "exact")

    ns, s = timed(reps, lambda: system.filter(g, plan["filter"]))
    out.times("filter", ns, len(ids))
    out.row("filter", "checksum", s, "value", "exact")
    # neighbors: every target is read; the checksum sums the targets' positions in nodes.jsonl
    # (pos maps an id to it; igraph's vertex indexes are those positions already), and items
    # are the edges the walk visited: the graph's own edge count, as it visits every node.
    pos = {n: i for i, n in enumerate(ids)}
    ns, s = timed(reps, lambda: system.neighbors(g, pos))
    out.times("neighbors", ns, system.edge_count(g))
    out.row("neighbors", "checksum", s, "value", "exact")
    del pos

    # set, then remove: repetition 0 of each on the graph `build` made (only reads have seen
    # it; set changes values only), the others on fresh graphs (PROTOCOL.md, "Repetitions"):
    # two builds fewer a run, as in the C drivers.  New values are computed before timing.
    off = plan["set_value_offset"]
    pairs = [(n, new_value(a[attr], off)) for n, a in nodes if type(a.get(attr)) in NUM]
    build = lambda: system.build(nodes, edges)                      # noqa: E731
    ns, g = timed(reps, lambda h: (system.set(h, pairs, attr), h)[1], first_then(g, build))
    out.times("set", ns, len(pairs))
    out.row("set", "checksum", system.column(g, attr), "value", "exact")
    ns, s = timed(reps, lambda h: system.remove(h, plan["remove"]), first_then(g, build))
    del g
    out.times("remove", ns, len(plan["remove"]))
    out.row("remove", "checksum", s, "value", "exact")
    if hasattr(system, "batch_set"):       # set's old values again: fresh graphs
        def fresh_batch():
            h = system.build(nodes, edges)
            return h, system.batch_payload(h, pairs, attr)
        ns, g2 = timed(reps, lambda hp: (system.batch_set(hp[0], hp[1], attr), hp[0])[1],
                       fresh_batch)
        out.times("batch-set", ns, len(pairs))
        out.row("batch-set", "checksum", system.column(g2, attr), "value", "exact")
        del g2
    else:
        out.info("batch", "none")
    out.flush()


def first_then(g, build):
    """timed()'s fresh for a mutating operation: g for the first repetition, then build()."""
    given = [g]
    return lambda: given.pop() if given else build()
