#!/usr/bin/python3
"""Render results.csv into reports/REPORT.md and SVG charts (`make report`).

    /usr/bin/python3 reports/render.py [RESULTS.csv [OUTDIR]]     (defaults: results.csv reports/)

Deterministic: the same results.csv gives byte-identical files.  Nothing here reads the clock,
the machine or git: commit, machine and date come from the CSV rows.  matplotlib's SVG ids are
salted with a fixed string and its Date metadata is dropped.

Honest: a figure that is not in results.csv is printed as "—, not measured", never estimated.
A partial results.csv (one phase, one scenario, no peers) still renders; whatever is absent is
marked absent.  The columns are those of harness/PROTOCOL.md plus the orchestrator's context
columns (scenario, system, phase, ..., commit, machine, timestamp).
"""
import csv
import json
import os
import re
import shutil
import sys
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker as ticker  # noqa: E402
import numpy as np  # noqa: E402

plt.rcParams["svg.hashsalt"] = "graphmem"      # stable element ids in the SVG
plt.rcParams["svg.fonttype"] = "path"          # glyphs as paths: no font lookup at view time
plt.rcParams["font.family"] = "DejaVu Sans"    # shipped with matplotlib: same glyphs everywhere
SVG_META = {"Date": None}                      # no creation date in the file

MISSING = "—, not measured"
NO_PLAN = "— (the plan gives no figure)"
MB = 1_000_000                                 # the plan's MB; stated in the report
HEADLINE_SCENARIO = "groggy-10k"               # the benchmark behind the plan's figures
REPRODUCE = "make bench && make report"
PREFERRED_ALLOCATOR = "glibc"

# Our backends, by phase.  Phases 2 and 5 are measured through the Python binding: their rows
# are recognised by the `phase` column, whatever the system is called.
OUR_BACKENDS = ["json", "native", "columnar", "zerocopy"]
BACKEND_PHASE = {"json": "0", "native": "1", "columnar": "3", "zerocopy": "4"}
PEERS = ["networkx", "igraph", "igraph-c"]
FLOOR = "raw"
DISPLAY = {"json": "json", "native": "native", "columnar": "columnar", "zerocopy": "zerocopy",
           "networkx": "NetworkX", "igraph": "python-igraph", "igraph-c": "igraph C",
           "graphtool": "graph-tool", "raw": "raw floor"}
HEADLINE_BACKEND = "zerocopy"

# The plan's expected memory for 10K nodes (DESIGN.md, "The redesign plan being measured").
PLAN = [("0", "baseline: attributes as JSON strings", "39.7 MB", 39.7),
        ("1", "native typed values", "~25 MB", 25.0),
        ("2", "fewer wrapper layers (Python side)", "~15 MB", 15.0),
        ("3", "columnar storage, dense u32 ids", "~10 MB", 10.0),
        ("4", "zero-copy views, batch operations", "~8 MB", 8.0),
        ("5", "minimal Python API, direct attribute access", "—", None)]
PLAN_NETWORKX_MB = 9.4

OPERATIONS = ["build", "get", "column", "set", "batch-set", "filter", "neighbors", "remove"]
LEVELS = [("heap_live_bytes", "exact", "exact heap, live after build (counting allocator)"),
          ("heap_peak_bytes", "exact", "exact heap, peak during build"),
          ("num_allocs", "exact", "allocations during build"),
          ("mallinfo_bytes", "exact", "glibc heap in use (mallinfo2), after − before"),
          ("rss_delta_bytes", "single", "VmRSS delta"),
          ("hwm_bytes", "single", "VmHWM during build"),
          ("jemalloc_allocated_bytes", "exact", "jemalloc stats.allocated"),
          ("jemalloc_resident_bytes", "single", "jemalloc stats.resident")]

# Seed success metrics: the targets and the time tolerance are the gate's (harness/gate.py), so the
# report and `make gate` cannot judge one run differently.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import gate  # noqa: E402
import infobound  # noqa: E402

BOUND_LABEL = "information content of the data (not a store)"
COMPACT = "compact"             # phase 6, beyond the plan (issue 12; another branch builds it)
_BOUNDS = {}


def info_bound(res, scn):
    """harness/infobound.py's bound for a scenario, from its files under build/scenarios/ next
    to the results file (issue 12), or None when the files are not there."""
    d = os.path.join(getattr(res, "sroot", "") or "", scn)
    if not os.path.isfile(os.path.join(d, "nodes.jsonl")):
        return None
    if d not in _BOUNDS:
        try:
            _BOUNDS[d] = infobound.bound_dir(d)
        except Exception:       # a malformed scenario: the bound is not known, say so
            _BOUNDS[d] = None
    return _BOUNDS[d]


PEER_NAME = {"networkx": "NetworkX", "igraph": "python-igraph"}
SEED_MEMORY = [(f"memory ≤ {t:g}× {PEER_NAME[p]}", t, p) for p, t in gate.MEMORY_TARGETS]
SEED_BUILD = (f"build time ≤ {gate.BUILD_TARGET:g}× NetworkX", gate.BUILD_TARGET, "networkx")
SEED_ACCESS = (f"attribute access ≤ {gate.ACCESS_TARGET:g}× NetworkX", gate.ACCESS_TARGET,
               "networkx")
PY_HEADLINE = gate.PY_HEADLINE
# Issue 7's own targets for the binding's headline system, as the gate checks them.
PY_TARGETS = [("Python: heap held ≤ 0.2× NetworkX", 0.2, "build", "mallinfo_bytes", "exact"),
              ("Python: creation ≤ 1× NetworkX", 1.0, "build", "time_ns", "median")]
# The plan phase each Python-level system stands for (issue 7): the layered path over json and
# native reproduces phases 0 and 1 as a Python caller saw them; the direct path over native is
# phase 2; zerocopy through the binding is phase 5. bench.py runs all of them as `bench-phase2`/`5`.
PY_PLAN_PHASE = {"graphmem-json-layered": "0", "graphmem-native-layered": "1",
                 "graphmem-native-direct": "2", "graphmem-zerocopy": "5"}


# ------------------------------------------------------------------------------- loading

class Results:
    """The rows of results.csv, indexed for lookups; tolerant of a partial file."""

    def __init__(self, rows):
        # bench.py records the resolved plan as rows of system "plan": context, not a system.
        self.plan_by_scenario = {}
        self.expected = {}      # (scenario, operation) -> the checksum bench.py expects
        for r in rows:
            if r["system"] == "plan" and r["operation"] == "info":
                self.plan_by_scenario.setdefault(r["scenario"], {})[r["metric"]] = \
                    (r["value"], r.get("stat", ""))
            elif r["system"] == "plan" and r["metric"] == "checksum" and \
                    r.get("stat") == "expected":
                try:
                    self.expected[(r["scenario"], r["operation"])] = float(r["value"])
                except ValueError:
                    pass
        rows = [r for r in rows if r["system"] != "plan"]
        self.rows = rows
        self.index = {}
        # Sorted so duplicates resolve the same way on every render (latest timestamp wins).
        for r in sorted(rows, key=lambda r: (r.get("timestamp", ""), r.get("allocator", ""))):
            key = (r["scenario"], r["system"], r["operation"], r["metric"], r.get("stat", ""))
            self.index.setdefault(key, {})[r.get("allocator", "")] = r

    @classmethod
    def read(cls, path):
        with open(path, newline="", encoding="utf-8") as f:
            rows = [r for r in csv.DictReader(f) if r.get("scenario")]
        need = {"scenario", "system", "operation", "metric", "value"}
        if rows and not need <= set(rows[0]):
            raise SystemExit(f"{path}: missing column(s) {sorted(need - set(rows[0]))}")
        return cls(rows)

    def row(self, scenario, system, operation, metric, stat=None, allocator=None):
        """The row for one figure, or None.  Without `allocator`, glibc is preferred."""
        stats = [stat] if stat else ["exact", "median", "best", "single", ""]
        for s in stats:
            by_alloc = self.index.get((scenario, system, operation, metric, s))
            if not by_alloc:
                continue
            if allocator is not None:
                if allocator in by_alloc:
                    return by_alloc[allocator]
                continue
            if PREFERRED_ALLOCATOR in by_alloc:
                return by_alloc[PREFERRED_ALLOCATOR]
            return by_alloc[sorted(by_alloc)[0]]
        return None

    def value(self, *a, **kw):
        r = self.row(*a, **kw)
        if r is None:
            return None
        try:
            return float(r["value"])
        except ValueError:
            return None

    def scenarios(self):
        s = sorted({r["scenario"] for r in self.rows})
        # The plan's benchmark first, then the scale family by family and size (groggy-1k ..
        # groggy-10m, graph-10k .. graph-1m: alphabetical put graph-100k before graph-10k),
        # then the rest alphabetically.
        return sorted(s, key=lambda x: (x != HEADLINE_SCENARIO, SCALE_NAMES_KEY(x)))

    def systems(self, scenario=None):
        present = {r["system"] for r in self.rows
                   if scenario is None or r["scenario"] == scenario}
        return [s for s in all_systems_order(self) if s in present]

    def phase_of(self, system):
        """The `phase` column of a system's rows ("" if it has none)."""
        return next((r.get("phase", "").strip() for r in self.rows if r["system"] == system), "")

    def python_phase_systems(self, phase):
        """Systems whose rows say phase 2 or 5 (the Python binding), sorted."""
        return sorted({r["system"] for r in self.rows if r.get("phase", "").strip() == phase})

    def info(self, scenario, system, key):
        r = self.row(scenario, system, "info", key)
        return r["value"] if r else None


def all_systems_order(res):
    """json, native, phase-2, columnar, zerocopy, phase-5, peers, floor, anything else."""
    order = ["json", "native"] + res.python_phase_systems("2") + ["columnar", "zerocopy"]
    order += res.python_phase_systems("5") + PEERS + [FLOOR]
    known = set(order)
    order += sorted({r["system"] for r in res.rows} - known)
    seen, out = set(), []
    for s in order:
        if s not in seen:
            seen.add(s)
            out.append(s)
    return out


def ours(res):
    """Our systems in phase order (C backends and, where present, the Python binding)."""
    return ["json", "native"] + res.python_phase_systems("2") + ["columnar", "zerocopy"] \
        + res.python_phase_systems("5")


def name(system):
    return DISPLAY.get(system, system)


# ------------------------------------------------------------------------------ formatting

def fmt_int(v):
    return MISSING if v is None else f"{int(round(v)):,}"


def fmt_bytes(v):
    if v is None:
        return MISSING
    return f"{v / MB:,.2f} MB ({int(round(v)):,} B)"


def fmt_mb(v):
    return MISSING if v is None else f"{v / MB:,.2f} MB"


def fmt_ns(v):
    if v is None:
        return MISSING
    if v >= 1e9:
        return f"{v / 1e9:,.2f} s"
    if v >= 1e6:
        return f"{v / 1e6:,.2f} ms"
    if v >= 1e3:
        return f"{v / 1e3:,.2f} µs"
    return f"{v:,.1f} ns"


def fmt_ratio(v):
    return MISSING if v is None else f"{v:.2f}×"


def table(header, rows, align=None):
    """A Markdown table; `align` is one letter a column, l or r (default: first l, rest r)."""
    align = align or "l" + "r" * (len(header) - 1)
    out = ["| " + " | ".join(header) + " |",
           "|" + "|".join("---" if a == "l" else "--:" for a in align) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def reps_of(rowlist):
    """'5' or '3–5' or 'n/a': the repetitions behind a set of rows, as stated in the CSV."""
    vals = sorted({int(float(r["repetitions"])) for r in rowlist
                   if r is not None and r.get("repetitions", "").strip() not in ("",)})
    if not vals:
        return "n/a"
    return str(vals[0]) if len(vals) == 1 else f"{vals[0]}–{vals[-1]}"


def slug(s):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", s)


# --------------------------------------------------------------------------------- sections

def section_header(res):
    commits = sorted({r.get("commit", "") for r in res.rows} - {""})
    machines = sorted({r.get("machine", "") for r in res.rows} - {""})
    stamps = sorted({r.get("timestamp", "") for r in res.rows} - {""})
    allocs = sorted({r.get("allocator", "") for r in res.rows} - {""})

    def one(vals, several=" (mixed: rows from several runs)"):
        if not vals:
            return "unknown (not in results.csv)"
        return ", ".join(f"`{v}`" for v in vals) + (several if len(vals) > 1 else "")
    if not stamps:
        date = "unknown (not in results.csv)"
    elif stamps[0][:10] == stamps[-1][:10]:
        date = f"{stamps[-1][:10]} (rows timestamped {stamps[0]} … {stamps[-1]})"
    else:
        date = f"{stamps[0][:10]} … {stamps[-1][:10]} (rows from several runs)"
    return "\n".join([
        "# graphmem: what each phase of the memory redesign buys",
        "",
        "Generated by `reports/render.py` from `results.csv`; do not edit by hand.",
        "",
        f"- **Commit:** {one(commits)}",
        f"- **Machine:** {one(machines)}",
        f"- **Date:** {date}",
        f"- **Allocators measured:** {one(allocs, '')} (tables use `{PREFERRED_ALLOCATOR}` rows "
        "unless a figure exists only under another allocator)",
        f"- **Reproduce:** `{REPRODUCE}`",
        f"- **Units:** MB = 10^6 bytes, as in the plan. Missing figures read \"{MISSING}\".",
    ])


def section_plan(res):
    scn = HEADLINE_SCENARIO
    out = [f"## Plan vs measured: memory per phase ({scn}, build, {PREFERRED_ALLOCATOR} rows)", ""]
    if scn not in {r["scenario"] for r in res.rows}:
        out += [f"No rows for scenario `{scn}` in results.csv: every figure below is "
                f"{MISSING}.", ""]
    rows, used = [], []

    def measured(system):
        rs = [res.row(scn, system, "build", m) for m in
              ("heap_live_bytes", "mallinfo_bytes", "rss_delta_bytes")]
        used.extend(rs)
        return [r and float(r["value"]) for r in rs]

    for phase, change, plan_txt, plan_mb in PLAN:
        py = res.python_phase_systems("2") + res.python_phase_systems("5")
        systems = [s for s, p in BACKEND_PHASE.items() if p == phase] + \
            [s for s in py if PY_PLAN_PHASE.get(s, res.phase_of(s)) == phase]
        if not systems:
            note = ("Python binding, not built yet" if phase in ("2", "5") else "no backend")
            rows.append([phase, change, plan_txt, f"— ({note})", MISSING, MISSING, MISSING,
                         MISSING])
            continue
        for s in systems:
            heap, mall, rss = measured(s)
            ratio = (fmt_ratio(mall / (plan_mb * MB)) if mall is not None else MISSING) \
                if plan_mb else NO_PLAN
            rows.append([phase, change, plan_txt, name(s), fmt_bytes(heap), fmt_bytes(mall),
                         fmt_bytes(rss), ratio])
    if res.systems(scn) and COMPACT in res.systems(scn):     # phase 6 (issue 12), when built
        heap, mall, rss = measured(COMPACT)
        rows.append(["6", "compact: narrow ints, dictionaries, list columns", "—, beyond the plan",
                     name(COMPACT), fmt_bytes(heap), fmt_bytes(mall), fmt_bytes(rss), NO_PLAN])
    for s, plan_txt, plan_mb in [("networkx", f"{PLAN_NETWORKX_MB} MB", PLAN_NETWORKX_MB),
                                 ("igraph", "—", None), ("igraph-c", "—", None),
                                 (FLOOR, "—", None)]:
        heap, mall, rss = measured(s)
        ratio = (fmt_ratio(mall / (plan_mb * MB)) if mall is not None else MISSING) \
            if plan_mb else NO_PLAN
        what = {"networkx": "peer: networkx.DiGraph", "igraph": "peer: python-igraph",
                "igraph-c": "peer: igraph's C library",
                FLOOR: "floor: tightest layout of this data"}[s]
        heap_txt = fmt_bytes(heap) if heap is not None else "— (no counting allocator)"
        rows.append(["peer" if s != FLOOR else "floor", what, plan_txt, name(s), heap_txt,
                     fmt_bytes(mall), fmt_bytes(rss), ratio])
    out.append(table(["phase", "change", "plan", "system", "exact heap (heap_live_bytes)",
                      "glibc heap in use (mallinfo_bytes)", "RSS delta (rss_delta_bytes)",
                      "glibc heap ÷ plan"], rows, align="llllrrrr"))
    out += ["", f"Scenario `{scn}`, operation `build`; heap_live_bytes and mallinfo_bytes are "
            f"stat `exact`, rss_delta_bytes is stat `single` (one fresh process); repetitions: "
            f"{reps_of(used)}.", ""]
    order = phase_order_text(res, scn)
    if order:
        out += [order, ""]
    out.append(why_they_differ(res, scn))
    return "\n".join(out)


OVERVIEW_PEERS = [("networkx", "NetworkX", "#2ca02c"), ("igraph", "python-igraph", "#9467bd"),
                  ("igraph-c", "igraph C", "#8c564b"), ("graphtool", "graph-tool", "#e377c2")]


def phase_system(res, phase):
    """The system that answers for a phase in the overview: the C backend, else the Python
    system the plan table lists first for it."""
    c = [s for s, p in BACKEND_PHASE.items() if p == phase]
    if phase == "6":
        c = [COMPACT]
    py = res.python_phase_systems("2") + res.python_phase_systems("5")
    c += [s for s in py if PY_PLAN_PHASE.get(s, res.phase_of(s)) == phase]
    scn = HEADLINE_SCENARIO
    return next((s for s in c if res.value(scn, s, "build", "mallinfo_bytes") is not None or
                 res.value(scn, s, "build", "heap_live_bytes") is not None), None)


def chart_overview(res, outdir):
    """The plan's question in one picture (issue 13, item 6): per phase, the plan's MB next to
    the measured glibc heap and exact heap; peers and the floor as reference lines."""
    scn = HEADLINE_SCENARIO
    phases = [(p, ch, mb) for p, ch, _, mb in PLAN]
    if COMPACT in res.systems(scn):
        phases.append(("6", "compact (beyond the plan)", None))
    cols = [("plan", "the plan's expected MB", "#bbbbbb"),
            ("mallinfo_bytes", "measured glibc heap (mallinfo_bytes)", "#ff7f0e"),
            ("heap_live_bytes", "measured exact heap (heap_live_bytes)", "#1f77b4")]
    data, used = [], []
    for p, ch, mb in phases:
        s = phase_system(res, p)
        vals = {"plan": mb}
        for m in ("mallinfo_bytes", "heap_live_bytes"):
            r = res.row(scn, s, "build", m) if s else None
            used.append(r)
            vals[m] = float(r["value"]) / MB if r else None
        data.append((p, ch, s, vals))
    if not any(v for _, _, _, vals in data for k, v in vals.items() if k != "plan" and v):
        return None
    fig, ax = plt.subplots(figsize=(11, 5.2))
    width = 0.27
    top = 0.0
    for i, (m, label, color) in enumerate(cols):
        xs = [j + (i - 1) * width for j in range(len(data))]
        ys = [vals[m] or 0 for _, _, _, vals in data]
        ax.bar(xs, ys, width, label=label, color=color)
        for x, (_, _, _, vals) in zip(xs, data):
            v = vals[m]
            if v:
                top = max(top, v)
                ax.text(x, v, f"{v:.1f}" if v >= 1 else f"{v:.2f}", ha="center", va="bottom",
                        fontsize=7, rotation=90)
            else:
                ax.text(x, 0.2, "no plan\nfigure" if m == "plan" else "not\nmeasured",
                        ha="center", va="bottom", fontsize=7, rotation=90, color="#333333")
    refs = [(s, lab, col, "mallinfo_bytes") for s, lab, col in OVERVIEW_PEERS] + \
        [(FLOOR, "raw floor", "black", "heap_live_bytes")]
    for s, lab, col, m in refs:
        v = res.value(scn, s, "build", m)
        if v is None:
            continue
        used.append(res.row(scn, s, "build", m))
        top = max(top, v / MB)
        ax.axhline(v / MB, color=col, linestyle="--" if s != FLOOR else ":", linewidth=1.2,
                   label=f"{lab} ({'exact heap' if m == 'heap_live_bytes' else 'glibc heap'}): "
                         f"{v / MB:.2f} MB")
    ax.set_ylim(0, top * 1.18)
    ax.set_xticks(range(len(data)))
    ax.set_xticklabels([f"phase {p}\n{name(s) if s else 'not built'}" for p, _, s, _ in data],
                       fontsize=8)
    ax.set_ylabel("MB held by the built graph (10^6 B)")
    ax.set_title(f"What each phase of the plan bought: {scn}, after build\n"
                 f"plan's expected MB vs measured; stat exact; repetitions {reps_of(used)}",
                 fontsize=10)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    fname = "overview.svg"
    fig.savefig(os.path.join(outdir, fname), format="svg", metadata=SVG_META, bbox_inches="tight")
    plt.close(fig)
    return fname, reps_of(used)


def section_overview(res, outdir, written):
    o = chart_overview(res, outdir)
    if not o:
        return f"Overview of the plan's question: {MISSING}."
    written.add(o[0])
    return "\n".join([f"![what each phase bought]({o[0]})", "",
                      f"*Figure: `{HEADLINE_SCENARIO}`, per phase of the plan, the plan's "
                      f"expected MB (grey) next to the measured glibc heap (metric "
                      f"mallinfo_bytes) and exact heap (metric heap_live_bytes) of the system "
                      f"that answers for it; dashed "
                      f"lines: the peers' glibc heap; dotted: the raw floor's exact heap; stat "
                      f"exact, repetitions {o[1]}; linear scale.*"])


def section_build_modes(res):
    """Phase 3 vs phase 4 built one item at a time vs in batches: where phase 4's bytes come from."""
    scn = HEADLINE_SCENARIO
    metrics = [("heap_live_bytes", "exact heap after build", fmt_bytes),
               ("heap_peak_bytes", "exact heap peak", fmt_bytes),
               ("num_allocs", "allocations", fmt_int),
               ("time_ns", "time (median)", fmt_ns)]
    cases = [("3", "columnar", "build", "one item at a time"),
             ("4", "zerocopy", "build-single", "one item at a time"),
             ("4", "zerocopy", "build", "batch")]
    rows, used = [], []
    for phase, s, op, mode in cases:
        cells = []
        for m, _, f in metrics:
            r = res.row(scn, s, op, m, "median" if m == "time_ns" else "exact")
            used.append(r)
            cells.append(f(float(r["value"])) if r else MISSING)
        rows.append([phase, name(s), f"`{op}` ({mode})"] + cells)
    out = [f"### Phase 4's byte gain: batch building ({scn})", "",
           table(["phase", "system", "operation (build mode)"] + [t for _, t, _ in metrics],
                 rows, align="lll" + "r" * len(metrics)), "",
           f"Scenario `{scn}`; heap_live_bytes, heap_peak_bytes and num_allocs stat `exact`, "
           f"time_ns stat `median`; repetitions: {reps_of(used)}."]
    col = res.value(scn, "columnar", "build", "heap_live_bytes", "exact")
    single = res.value(scn, "zerocopy", "build-single", "heap_live_bytes", "exact")
    batch = res.value(scn, "zerocopy", "build", "heap_live_bytes", "exact")
    if single is None:
        out += ["", "zerocopy built one item at a time (`build-single`) is "
                f"{MISSING} in this results.csv (its gmbench predates that row), so the "
                "split of phase 4's gain between the store and batch building cannot be shown "
                "from it."]
    elif col is not None and batch is not None:
        out += ["", f"zerocopy built one item at a time holds {fmt_int(single)} B against "
                f"columnar's {fmt_int(col)} B ({single - col:+,.0f} B); built in batches it holds "
                f"{fmt_int(batch)} B. Phase 4's byte gain over phase 3 "
                f"({fmt_int(col - batch)} B) is {'entirely ' if single >= col else ''}"
                "the batch build's (exact-size arrays instead of capacity doubling), not the "
                "zero-copy views'."]
    return "\n".join(out)


EXACTNESS = [
    ("identical across machines",
     "heap_live_bytes, heap_peak_bytes, heap_live_blocks, num_allocs (the counting allocator: "
     "requested bytes and calls, no malloc overhead), checksums; instruction counts "
     "(`make callgrind`) for the same binary within callgrind's ~2 %",
     "budgets in `scenarios/budgets.csv` (1 %, or exact where a phase claims it); "
     "instructions at 3 %"),
    ("identical only within one machine",
     "mallinfo_bytes (glibc heap in use), jemalloc_allocated_bytes: the same to the byte run "
     "to run on one machine with ASLR off, but they move by 16–350 B (C drivers) and up to "
     "about 3 KB (Python peers and binding) between environments (glibc version, "
     "environment size, Python build)",
     "only in same-run ratios (the seed's memory metrics); never an exact budget"),
    ("noisy",
     "rss_delta_bytes, hwm_bytes, jemalloc_resident_bytes (page granularity, the kernel), "
     "time_ns and ns_per_item (the machine's load: this machine's 2 cores are shared)",
     "only same-run ratios, judged on best and median; never a budget"),
]


def graphtool_first_graph(res):
    """How the graph-tool driver treats its module's one-time state, with both figures per
    scenario (the measured second graph, and the first graph of a process = that + what the
    warm-up kept), from results; "" when graph-tool was not measured."""
    rows = []
    for scn in res.scenarios():
        warm = res.value(scn, "graphtool", "build", "mallinfo_bytes", stat="exact",
                         allocator="glibc")
        first = res.value(scn, "graphtool", "info", "graphtool_first_graph_bytes",
                          allocator="glibc")
        if warm is None or first is None:
            continue
        rows.append([f"`{scn}`", fmt_bytes(warm), fmt_bytes(warm + first),
                     f"{100.0 * first / warm:.1f} %"])
    if not rows:
        return ""
    return "\n".join([
        "", "graph-tool's first graph in a process also allocates the module's one-time state. "
        "Its driver builds, queries and drops a small warm-up graph holding every value type "
        "before the heap baseline, so graph-tool's figures are those of a later graph, as for "
        "a long-running program. What the warm-up kept is the info row "
        "`graphtool_first_graph_bytes`; a one-shot script pays it on top:", "",
        table(["scenario", "graph-tool glibc heap after build (measured)",
               "first graph of a process (+ graphtool_first_graph_bytes)", "difference"],
              rows, align="lrrr")])


def section_exactness(res=None):
    rows = [[k, what, how] for k, what, how in EXACTNESS]
    gt_note = graphtool_first_graph(res) if res is not None else ""
    return "\n".join([
        "## What each figure is", "",
        table(["reproducibility", "figures", "how the gate uses them"], rows, align="lll"), "",
        "`num_allocs` is each operation's first repetition (gmbench), so it is the same "
        "whatever `--reps` is: a buffer a backend grows once and keeps (columnar's neighbour "
        "scratch) is counted once." + gt_note])


# Why a row store's tagged values can outweigh its JSON text (the mechanism, not a figure: the
# figures next to it come from results.csv).
NATIVE_VS_JSON = ("native keeps each attribute as a 32-byte tagged value (`gm_value`, plus any "
                  "string payload) inline in its row's hash-map slot, as the plan's "
                  "`HashMap<String, AttributeValue>` does, where json keeps an 8-byte pointer to "
                  "the value's JSON text (2 to 14 bytes for this data's numbers, booleans and "
                  "short strings): the tagged union is wider than the text it replaces, so it "
                  "buys parse-free reads, not bytes")


def phase_order_text(res, scn):
    """A sentence for every consecutive pair of our backends whose exact heap does not fall,
    as the plan claims it does; None when every phase holds fewer bytes than the one before."""
    phases = sorted(BACKEND_PHASE, key=BACKEND_PHASE.get)
    breaks = []
    for prev, cur in zip(phases, phases[1:]):
        a = res.value(scn, prev, "build", "heap_live_bytes", "exact")
        b = res.value(scn, cur, "build", "heap_live_bytes", "exact")
        if a and b and b >= a:
            why = f": {NATIVE_VS_JSON}" if (prev, cur) == ("json", "native") else ""
            breaks.append(f"phase {BACKEND_PHASE[cur]} (`{cur}`) holds {b / a:.2f}× the exact "
                          f"heap of phase {BACKEND_PHASE[prev]} (`{prev}`), {fmt_bytes(b)} vs "
                          f"{fmt_bytes(a)}{why}")
    if not breaks:
        return None
    return ("**Where the plan's order does not hold.** Measured here, " + "; ".join(breaks) +
            ". `make gate` lists this as KNOWN (acknowledged in `scenarios/budgets.csv`); any "
            "other break of the order fails it.")


def why_they_differ(res, scn):
    text = ("**Why the figures differ.** The exact heap is what the store asked the counting "
            "allocator for: payload bytes only, identical on every run, and the figure CI gates "
            "on. glibc's heap in use (`mallinfo2()` uordblks + hblkhd, after the build minus "
            "before) adds malloc's per-chunk header and rounding (a chunk is at least 32 bytes, in "
            "16-byte steps), so many small allocations cost far more than they ask for "
            "(compare `num_allocs`); it is the "
            "one figure measured the same way for every system, peers included, so the ratios "
            "to the peers use it. The RSS delta counts whole 4 KiB pages the process touched "
            "while building: it also holds memory the build freed but malloc kept (temporary "
            "buffers, arrays grown by copying) and partly used pages, and it varies from run to "
            "run, so it is reported but never gated. The plan's own figures were process-level "
            "measurements of a Python library, closer in spirit to the RSS column.")
    facts = []
    for s in ours(res):
        heap = res.value(scn, s, "build", "heap_live_bytes")
        mall = res.value(scn, s, "build", "mallinfo_bytes")
        rss = res.value(scn, s, "build", "rss_delta_bytes")
        allocs = res.value(scn, s, "build", "num_allocs")
        if heap and mall is not None:
            f = f"{name(s)}: glibc heap = {mall / heap:.2f}× exact heap"
            if allocs:
                f += (f" ({(mall - heap) / allocs:+.1f} B over the exact heap per allocation made "
                      f"during build, {fmt_int(allocs)} of them)")
            if rss is not None:
                f += f", RSS delta = {rss / heap:.2f}× exact heap"
            facts.append(f)
    for s in PEERS:
        mall = res.value(scn, s, "build", "mallinfo_bytes")
        rss = res.value(scn, s, "build", "rss_delta_bytes")
        if mall and rss is not None:
            facts.append(f"{name(s)}: RSS delta = {rss / mall:.2f}× glibc heap")
    if facts:
        text += " Measured on `" + scn + "`: " + "; ".join(facts) + "."
    return text


def _ratio(res, scn, system, peer, operation, metric, stat):
    a = res.value(scn, system, operation, metric, stat)
    b = res.value(scn, peer, operation, metric, stat)
    if a is None or b is None or b == 0:
        return None, a, b
    return a / b, a, b


def seed_rows(res, scn):
    """(metric, target, system, measured text, verdict) for the seed's success metrics."""
    rows = []
    c_backends = [s for s in ours(res) if s in BACKEND_PHASE]
    for label, target, peer in SEED_MEMORY:
        for s in c_backends + res.python_phase_systems("2") + res.python_phase_systems("5"):
            r, a, b = _ratio(res, scn, s, peer, "build", "mallinfo_bytes", "exact")
            if s not in BACKEND_PHASE and r is None:
                continue
            rows.append(_seed_row(label, target, s, r, a, b, fmt_mb))
    label, target, peer = SEED_BUILD
    py = res.python_phase_systems("2") + res.python_phase_systems("5")
    for s in c_backends + py:
        r, a, b = _ratio(res, scn, s, peer, "build", "time_ns", "median")
        if s not in BACKEND_PHASE and r is None:
            continue
        rb = _ratio(res, scn, s, peer, "build", "time_ns", "best")[0]
        rows.append(_seed_row(label, target, s, r, a, b, fmt_ns, rb))
    label, target, peer = SEED_ACCESS
    got = False
    for s in py:
        r, a, b = _ratio(res, scn, s, peer, "get", "ns_per_item", "median")
        if r is not None:
            got = True
            rb = _ratio(res, scn, s, peer, "get", "ns_per_item", "best")[0]
            rows.append(_seed_row(label, target, s, r, a, b, fmt_ns, rb))
    if PY_HEADLINE in py:
        for label2, t2, op, metric, stat in PY_TARGETS:
            r, a, b = _ratio(res, scn, PY_HEADLINE, "networkx", op, metric, stat)
            rb = _ratio(res, scn, PY_HEADLINE, "networkx", op, metric, "best")[0] \
                if stat == "median" else None
            rows.append(_seed_row(label2, t2, PY_HEADLINE, r, a, b,
                                  fmt_mb if metric == "mallinfo_bytes" else fmt_ns, rb))
    if not got:
        rows.append([label, f"≤ {target:g}×", "Python binding (phase 2/5)",
                     "not yet measured: needs phase-2/5 rows from the Python binding",
                     "not yet measured"])
    return rows


def seed_verdict(ratios, target):
    """pass when every ratio is within the target, FAIL when none is; with the best and the
    median repetitions on opposite sides the repetitions do not decide: "within noise"."""
    within = [r <= target for r in ratios if r is not None]
    if all(within):
        return "**pass**"
    return "**FAIL**" if not any(within) else "within noise"


def _seed_row(label, target, system, ratio, a, b, fmt, best_ratio=None):
    """A time ratio is the median's; best_ratio (the best repetitions' ratio) is judged too."""
    limit = f"≤ {target:g}×"
    if ratio is None:
        return [label, limit, name(system), MISSING, "not measured"]
    verdict = seed_verdict([ratio, best_ratio], target)
    if system in (HEADLINE_BACKEND, PY_HEADLINE):
        verdict += " (headline)"
    txt = f"{ratio:.2f}× ({fmt(a)} vs {fmt(b)})"
    if best_ratio is not None:
        txt = f"{ratio:.2f}× median, {best_ratio:.2f}× best ({fmt(a)} vs {fmt(b)} median)"
    return [label, limit, name(system), txt, verdict]


def section_seed(res):
    scn = HEADLINE_SCENARIO
    out = [f"## The seed's success metrics ({scn})", "",
           f"Measured as same-run ratios to the peers on `{scn}`. Memory compares "
           "`mallinfo_bytes` (glibc heap in use, stat `exact`) on both sides, because it is the "
           "one method applied to every system; our exact heap would flatter us by malloc's "
           "per-chunk overhead. Build time compares `time_ns` of `build`, stat `median` and "
           f"stat `best`. The headline backend is `{HEADLINE_BACKEND}` (phase 4, the plan's end "
           "state); every backend is listed. A ratio beyond its target is **FAIL**, with no "
           "noise allowance; a time ratio is judged on the median and on the best repetitions, "
           "and where the two fall on opposite sides of the target the verdict is \"within "
           "noise\" (the repetitions do not decide; neither pass nor fail). Attribute access is a Python-level figure that arrives with the "
           "Python binding (phases 2 and 5); until its rows exist it is shown as not yet "
           "measured, not filled in from the C drivers.", ""]
    rows = seed_rows(res, scn)
    used = [res.row(scn, s, op, m, st) for s in ours(res) + ["networkx", "igraph"]
            for op, m, st in (("build", "mallinfo_bytes", "exact"), ("build", "time_ns", "median"))]
    out.append(table(["metric", "target", "system", "measured", "verdict"], rows,
                     align="lrlrl"))
    out += ["", f"Scenario `{scn}`; metrics mallinfo_bytes (exact) and time_ns (median); "
            f"repetitions: {reps_of(used)}."]
    return "\n".join(out)


def section_levels(res, scn):
    systems = res.systems(scn)
    rows, used = [], []
    for metric, stat, what in LEVELS:
        cells = []
        for s in systems:
            r = res.row(scn, s, "build", metric)
            if r is None and metric.startswith("jemalloc"):
                r = res.row(scn, s, "build", metric, allocator="jemalloc")
            used.append(r)
            cells.append(fmt_int(float(r["value"])) if r else "—")
        if any(c != "—" for c in cells):
            rows.append([f"`{metric}` ({stat}): {what}"] + cells)
    if not rows:
        return ""
    return "\n".join(["#### Every level side by side (build, bytes or count)", "",
                      table(["level"] + [name(s) for s in systems], rows), "",
                      f"Scenario `{scn}`, operation `build`; \"—\" = not measured for that "
                      f"system; repetitions: {reps_of(used)}.", "", bound_text(res, scn)])


def bound_text(res, scn):
    """The information bound beside the floor, as one sentence with its components."""
    b = info_bound(res, scn)
    if b is None:
        return (f"Information content of the data (not a store): {MISSING} (scenario files "
                f"not found under build/scenarios/).")
    floor = res.value(scn, FLOOR, "build", "heap_live_bytes")
    ratio = f"; the floor holds {floor / b['total']:.2f}× it" if floor and b["total"] else ""
    parts = ", ".join(f"`{k}` {fmt_int(round(v))}" for k, v in b.items() if k != "total")
    return (f"Information content of the data (not a store; `harness/infobound.py`: per column "
            f"n × H of its values, absence counted, plus the id bytes, plus 2 × m × ⌈log2 n⌉ "
            f"bits for the edges): {fmt_bytes(b['total'])}{ratio}. Components: {parts}.")


def chart_bytes(res, scn, outdir):
    systems = res.systems(scn)
    metrics = [("heap_live_bytes", "#1f77b4"), ("mallinfo_bytes", "#ff7f0e")]
    vals = {m: [res.value(scn, s, "build", m) for s in systems] for m, _ in metrics}
    if not any(v for m in vals for v in vals[m] if v):
        return None
    used = [res.row(scn, s, "build", m) for s in systems for m, _ in metrics]
    fig, ax = plt.subplots(figsize=(11, 5))
    width = 0.38
    for i, (m, color) in enumerate(metrics):
        xs = [j + (i - 0.5) * width for j in range(len(systems))]
        ys = [v if v else 0 for v in vals[m]]
        bars = ax.bar(xs, ys, width, label=m, color=color)
        for b, v in zip(bars, vals[m]):
            if v:
                ax.annotate(f"{v / MB:.2f}", (b.get_x() + b.get_width() / 2, v),
                            ha="center", va="bottom", fontsize=7, rotation=90)
    for m, color in metrics:
        floor = res.value(scn, FLOOR, "build", m)
        if floor:
            ax.axhline(floor, color=color, linestyle="--", linewidth=1,
                       label=f"raw floor ({m}): {floor / MB:.2f} MB")
    bound = info_bound(res, scn)
    if bound and bound["total"] > 0:
        ax.axhline(bound["total"], color="black", linestyle=":", linewidth=1.2,
                   label=f"{BOUND_LABEL}: {bound['total'] / MB:.3f} MB")
    ax.set_yscale("log")
    lows = [v for m in vals for v in vals[m] if v]
    if bound and bound["total"] > 0:
        lows.append(bound["total"])
    ax.set_ylim(bottom=min(lows) / 3)          # the smallest bar stays visible on a log axis
    ax.set_xticks(range(len(systems)))
    ax.set_xticklabels([name(s) for s in systems], rotation=35, ha="right", fontsize=8)
    ax.set_ylim(top=max(lows) * 4)             # room for the rotated labels above the bars
    ax.set_ylabel("bytes held by the built graph (log scale)")
    ax.set_title(f"{scn}: bytes per system after build\nmetrics heap_live_bytes, mallinfo_bytes; "
                 f"stat exact; repetitions {reps_of(used)}; labels in MB", fontsize=10)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    fname = f"bytes-{slug(scn)}.svg"
    fig.savefig(os.path.join(outdir, fname), format="svg", metadata=SVG_META, bbox_inches="tight")
    plt.close(fig)
    return fname, reps_of(used)


def chart_time(res, scn, outdir):
    """Small multiples (issue 13, item 6): one panel per operation, systems sorted by value
    (fastest at the top), each bar labelled at its end; a system without the figure is left
    out of that panel."""
    systems = [s for s in res.systems(scn)
               if any(res.value(scn, s, op, "ns_per_item", "median") for op in OPERATIONS)]
    ops = [op for op in OPERATIONS
           if any(res.value(scn, s, op, "ns_per_item", "median") for s in systems)]
    if not systems or not ops:
        return None
    used = [res.row(scn, s, op, "ns_per_item", "median") for s in systems for op in ops]
    cmap = plt.get_cmap("tab20")          # one colour per system, the same in every panel
    colour = {s: cmap(i % 20) for i, s in enumerate(systems)}
    ncol = min(4, len(ops))
    nrow = (len(ops) + ncol - 1) // ncol
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol, 0.28 * len(systems) * nrow + 1.6),
                             squeeze=False)
    for k, op in enumerate(ops):
        ax = axes[k // ncol][k % ncol]
        pts = sorted(((res.value(scn, s, op, "ns_per_item", "median"), s) for s in systems
                      if res.value(scn, s, op, "ns_per_item", "median")), reverse=True)
        ys = range(len(pts))
        ax.barh(list(ys), [v for v, _ in pts], color=[colour[s] for _, s in pts], height=0.7)
        ax.set_yticks(list(ys))
        ax.set_yticklabels([name(s) for _, s in pts], fontsize=7)
        ax.set_xscale("log")
        hi = max(v for v, _ in pts)
        lo = min(v for v, _ in pts)
        ax.set_xlim(lo / 3, hi * 12)             # room for the labels right of the bars
        for y, (v, _) in zip(ys, pts):
            ax.text(v * 1.1, y, fmt_ns(v), va="center", ha="left", fontsize=6.5)
        ax.set_title(op, fontsize=9)
        ax.tick_params(axis="x", labelsize=7)
    for k in range(len(ops), nrow * ncol):
        axes[k // ncol][k % ncol].axis("off")
    fig.suptitle(f"{scn}: time per item, one panel per operation (fastest at the top)\n"
                 f"metric ns_per_item; stat median; repetitions {reps_of(used)}; log scale; "
                 f"a system absent from a panel was not measured there", fontsize=10)
    fig.tight_layout()
    fname = f"time-{slug(scn)}.svg"
    fig.savefig(os.path.join(outdir, fname), format="svg", metadata=SVG_META, bbox_inches="tight")
    plt.close(fig)
    return fname, reps_of(used)


def counts(res, scn):
    """(nodes, edges) of a scenario from rows every system emits: get items, neighbors checksum."""
    nodes = edges = None
    for s in res.systems(scn):
        nodes = nodes or res.value(scn, s, "get", "items", "exact")
        edges = edges or res.value(scn, s, "neighbors", "checksum", "exact")
    return nodes, edges


def section_per_item(res, scn):
    nodes, edges = counts(res, scn)
    rows = []
    for s in res.systems(scn):
        heap = res.value(scn, s, "build", "heap_live_bytes")
        mall = res.value(scn, s, "build", "mallinfo_bytes")
        if heap is None and mall is None:
            continue

        def per(v, n):
            return f"{v / n:,.1f}" if (v is not None and n) else MISSING
        rows.append([name(s), per(heap, nodes), per(mall, nodes), per(heap, edges),
                     per(mall, edges)])
    if not rows:
        return ""
    return "\n".join([
        "#### Bytes per node and per edge", "",
        f"Total bytes after build divided by the node count ({fmt_int(nodes)}, from `get` "
        f"items) and by the edge count ({fmt_int(edges)}, from the `neighbors` checksum = sum of "
        "out-degrees). Each column divides the whole graph, not a node or edge share.", "",
        table(["system", "heap_live / node", "mallinfo / node", "heap_live / edge",
               "mallinfo / edge"], rows)])


def section_marginal_edge(res):
    """Bytes per extra edge: graph-10k (50K edges) minus groggy-10k (10K edges), same nodes."""
    a, b = "groggy-10k", "graph-10k"
    if not ({a, b} <= set(res.scenarios())):
        return ""
    _, ea = counts(res, a)
    _, eb = counts(res, b)
    if not ea or not eb or eb == ea:
        return ""
    rows = []
    for s in all_systems_order(res):
        cells = []
        for m in ("heap_live_bytes", "mallinfo_bytes"):
            va, vb = res.value(a, s, "build", m), res.value(b, s, "build", m)
            cells.append(f"{(vb - va) / (eb - ea):,.1f}" if va is not None and vb is not None
                         else MISSING)
        if any(c != MISSING for c in cells):
            rows.append([name(s)] + cells)
    if not rows:
        return ""
    return "\n".join([
        "## Marginal bytes per edge", "",
        f"(`{b}` build bytes − `{a}` build bytes) ÷ ({fmt_int(eb)} − {fmt_int(ea)} edges): the "
        "cost of one more edge with its three attributes, the node part cancelling out.", "",
        table(["system", "heap_live_bytes per edge", "mallinfo_bytes per edge"], rows)])


USAGE_METRIC, USAGE_INFO = "usage_", "usage."   # build,usage_<c>,B,exact or info,usage.<c>


def usage(res, scn, system, comp):
    """Bytes gm_memory_usage reports for one component, from either row form, or None."""
    v = res.value(scn, system, "build", USAGE_METRIC + comp)
    if v is None:
        r = res.row(scn, system, "info", USAGE_INFO + comp)
        try:
            v = float(r["value"]) if r else None
        except ValueError:
            v = None
    return v


# Components group into the parts the issue names; the backends' own names stay in the detail.
USAGE_GROUPS = [("ids", "id strings"), ("index", "id → index map"), ("nodes", "node records"),
                ("node_attrs", "node attributes"), ("edges", "edges"),
                ("edge_attrs", "edge attributes"), ("adjacency", "adjacency"),
                ("other", "other")]


def usage_group(comp):
    if comp in ("ids",):
        return "ids"
    if comp in ("index", "id_index"):
        return "index"
    if comp == "nodes":
        return "nodes"
    if comp == "node_attrs" or re.match(r"node[.:]", comp):
        return "node_attrs"
    if comp == "edge_attrs" or re.match(r"edge[.:]", comp):
        return "edge_attrs"
    if comp in ("edges", "csr"):
        return "edges"
    if comp in ("adjacency", "adj"):
        return "adjacency"
    return "other"


def section_usage(res, scn):
    comps = set()
    for r in res.rows:
        if r["scenario"] != scn:
            continue
        if r["operation"] == "build" and r["metric"].startswith(USAGE_METRIC):
            comps.add(r["metric"][len(USAGE_METRIC):])
        elif r["operation"] == "info" and r["metric"].startswith(USAGE_INFO):
            comps.add(r["metric"][len(USAGE_INFO):])
    if not comps:
        return ""
    comps = sorted(comps)
    systems = [s for s in res.systems(scn)
               if any(usage(res, scn, s, c) is not None for c in comps)]
    groups = [g for g, _ in USAGE_GROUPS if any(usage_group(c) == g for c in comps)]
    rows, detail = [], []
    for s in systems:
        vals = {c: usage(res, scn, s, c) for c in comps}
        per = {g: None for g in groups}
        for c, v in vals.items():
            if v is not None:
                per[usage_group(c)] = (per[usage_group(c)] or 0) + v
        total = sum(v for v in vals.values() if v is not None)
        heap = res.value(scn, s, "build", "heap_live_bytes")
        rows.append([name(s)] + [fmt_int(per[g]) if per[g] is not None else "—" for g in groups]
                    + [fmt_int(total), fmt_int(heap),
                       f"{total / heap:.1%}" if heap else MISSING])
        detail.append(f"- {name(s)}: " + ", ".join(f"`{c}` {fmt_int(v)}"
                                                    for c, v in vals.items() if v is not None))
    label = dict(USAGE_GROUPS)
    return "\n".join([
        "#### Where the bytes go (gm_memory_usage, after build)", "",
        "Requested bytes per component as each system accounts for them (`gm_memory_usage`; the "
        "raw floor reports its own arrays), grouped; \"—\" = no such component. The last column "
        "is how much of the exact heap the breakdown explains.", "",
        table(["system"] + [label[g] for g in groups] + ["sum", "heap_live_bytes", "explained"],
              rows), "",
        "<details><summary>Components as reported</summary>", "", *detail, "", "</details>"])


def section_phase4_leaves(res, scn):
    """issue 12: zerocopy vs compact vs the floor per component group; only with compact rows."""
    trio = [HEADLINE_BACKEND, COMPACT, FLOOR]
    if COMPACT not in res.systems(scn):
        return ""
    comps = sorted({r["metric"][len(USAGE_METRIC):] for r in res.rows if r["scenario"] == scn
                    and r["system"] in trio and r["operation"] == "build"
                    and r["metric"].startswith(USAGE_METRIC)} |
                   {r["metric"][len(USAGE_INFO):] for r in res.rows if r["scenario"] == scn
                    and r["system"] in trio and r["operation"] == "info"
                    and r["metric"].startswith(USAGE_INFO)})
    per = {}
    for s in trio:
        for c in comps:
            v = usage(res, scn, s, c)
            if v is not None:
                g = usage_group(c)
                per[(s, g)] = per.get((s, g), 0) + v
    label = dict(USAGE_GROUPS)
    rows = []
    for g, _ in USAGE_GROUPS:
        if not any((s, g) in per for s in trio):
            continue
        rows.append([label[g]] + [fmt_int(per[(s, g)]) if (s, g) in per else "—" for s in trio])
    rows.append(["exact heap (heap_live_bytes)"] +
                [fmt_int(res.value(scn, s, "build", "heap_live_bytes")) for s in trio])
    return "\n".join(["#### Where phase 4 leaves bytes (zerocopy vs compact vs the floor)", "",
                      table(["component"] + [name(s) for s in trio], rows, align="lrrr"), "",
                      "Requested bytes per component group (`gm_memory_usage`; the floor's own "
                      "arrays), after build; \"—\" = no such component in that system."])


def section_ops(res, scn):
    systems = res.systems(scn)
    rows, used = [], []
    for op in OPERATIONS:
        cells = []
        for s in systems:
            r = res.row(scn, s, op, "ns_per_item", "median")
            used.append(r)
            cells.append(fmt_ns(float(r["value"])) if r else "—")
        if any(c != "—" for c in cells):
            rows.append([op] + cells)
    if not rows:
        return ""
    return "\n".join(["#### Time per operation (ns per item, median)", "",
                      table(["operation"] + [name(s) for s in systems], rows), "",
                      f"Scenario `{scn}`, metric ns_per_item, stat median, repetitions "
                      f"{reps_of(used)}; \"—\" = not measured."])


def section_info(res, scn):
    """The drivers' `info` rows (which call, which attribute handler, what was chosen)."""
    rows = []
    for s in res.systems(scn):
        items = sorted({(r["metric"], r["value"]) for r in res.rows
                        if r["scenario"] == scn and r["system"] == s and r["operation"] == "info"
                        and r["metric"] != "allocator"
                        and not r["metric"].startswith(USAGE_INFO)})
        if items:
            rows.append([name(s), "; ".join(f"{k} = {v}" for k, v in items)])
    if not rows:
        return ""
    return "\n".join(["#### Driver notes (`info` rows)", "",
                      table(["system", "info"], rows, align="ll")])


def section_checksums(res, scn):
    if any(k[0] == scn for k in res.expected):
        wrong = []
        for op in OPERATIONS:
            want = res.expected.get((scn, op))
            for s in res.systems(scn):
                v = res.value(scn, s, op, "checksum", "exact")
                if v is not None and want is not None and v != want:
                    wrong.append(f"`{op}` of {name(s)}: {fmt_int(v)}, expected {fmt_int(want)}")
        if not wrong:
            return ("Checksums: every system's answer equals the expected value bench.py "
                    "computed from the records, for every operation.")
        return ("**Wrong answers** (checksum differs from the expected value; a wrong answer "
                "is not a fast one): " + " · ".join(wrong))
    bad = []
    for op in OPERATIONS:
        vals = {}
        for s in res.systems(scn):
            v = res.value(scn, s, op, "checksum", "exact")
            if v is not None:
                vals.setdefault(v, []).append(name(s))
        if len(vals) > 1:
            bad.append(f"`{op}`: " + "; ".join(f"{fmt_int(v)} from {', '.join(ss)}"
                                               for v, ss in sorted(vals.items())))
    if not bad:
        return ""
    return "**Checksums disagree** (a wrong answer is not a fast one): " + " · ".join(bad)


def section_scenario(res, scn, outdir, written, intro=None):
    out = [f"## {'Real graph' if intro else 'Scenario'} `{scn}`", ""]
    if intro:
        out += [intro, ""]
    plan = res.plan_by_scenario.get(scn, {})
    if plan:
        def p(k):
            v, src = plan.get(k, (None, ""))
            return (f"`{v}`" if v is not None else MISSING) + (f" (chosen by {src})" if src else "")
        out += [f"Operations ran on: numeric attribute {p('plan_numeric_attr')}; filter "
                f"{p('plan_filter')}; nodes removed: {p('plan_remove_count')}; set writes old "
                f"value + {p('plan_set_value_offset')}. Scenario files and plan: sha256 prefix "
                f"{p('scenario_sha256')}.", ""]
    b = chart_bytes(res, scn, outdir)
    if b:
        written.add(b[0])
        out += [f"![bytes per system, {scn}]({b[0]})", "",
                f"*Figure: `{scn}`, bytes held after `build` per system, metrics heap_live_bytes "
                f"(exact heap, ours and the floor) and mallinfo_bytes (glibc heap, every system), "
                f"stat exact, repetitions {b[1]}, log scale; dashed lines: the `raw` floor; dotted "
                f"line (when the scenario files are present): the {BOUND_LABEL}.*", ""]
    else:
        out += [f"Bytes per system: {MISSING}.", ""]
    t = chart_time(res, scn, outdir)
    if t:
        written.add(t[0])
        out += [f"![time per operation, {scn}]({t[0]})", "",
                f"*Figure: `{scn}`, time per item, one panel per operation, systems sorted "
                f"fastest first, metric ns_per_item, stat median, repetitions {t[1]}, log "
                f"scale.*", ""]
    else:
        out += [f"Time per operation: {MISSING}.", ""]
    for part in (section_levels(res, scn), section_per_item(res, scn), section_usage(res, scn),
                 section_phase4_leaves(res, scn), section_ops(res, scn), section_checksums(res, scn), section_info(res, scn)):
        if part:
            out += [part, ""]
    return "\n".join(out)


# ------------------------------------------------------------------ scale: curves and fits
#
# Issue 11: how each system's bytes and per-item times grow with the graph.  The scale family is
# groggy-* (edges = nodes) and graph-* (edges ~ 5 x nodes); mixed-10k, tiny and real-* are not
# part of it.  Sizes come from bench.py's `plan` rows, else params.json, else the name
# (gate.scenario_size, shared with the gate so the two cannot disagree).

SCALE_NAMES = ["groggy-1k", "groggy-10k", "groggy-100k", "groggy-1m", "groggy-10m",
               "graph-10k", "graph-100k", "graph-1m"]        # what `make scale` runs
FAMILIES = [("groggy", "groggy-shaped, edges = nodes"),
            ("graph", "graph-shaped, edges ≈ 5 × nodes")]
SCALE_REPRODUCE = "make scale && make report"
GROWTH_LIMIT = 2.0                 # "what grows first": per-item cost at 1M > 2x its 10K value
NOT_RUN = "not_run:"               # plan,info,not_run:<system> = reason (bench.py, `make scale`)


def plan_values(res, scn):
    return {k: v for k, (v, _) in res.plan_by_scenario.get(scn, {}).items()}


class Scale:
    """The scale scenarios of one results.csv with their sizes, and per-system series."""

    def __init__(self, res, scenario_root):
        self.res = res
        self.root = scenario_root
        names = set(res.scenarios()) | set(res.plan_by_scenario)
        self.points = {}            # scenario -> (family, nodes, edges, size source)
        for scn in sorted(names):
            fam = gate.scale_family(scn)
            if not fam:
                continue
            d = os.path.join(scenario_root, scn) if scenario_root else None
            n, e, src = gate.scenario_size(scn, plan_values(res, scn),
                                           d if d and os.path.isdir(d) else None)
            if n:
                self.points[scn] = (fam, n, e, src)
        measured = set(res.scenarios())
        self.measured = {s: p for s, p in self.points.items() if s in measured}

    def sizes(self):
        return sorted({p[1] for p in self.measured.values()})

    def family(self, fam):
        """Measured scenarios of one family, smallest first."""
        return sorted((s for s, p in self.measured.items() if p[0] == fam),
                      key=lambda s: self.measured[s][1])

    def systems(self):
        return [s for s in all_systems_order(self.res)
                if any(self.res.value(scn, s, "build", m) is not None for scn in self.measured
                       for m in ("heap_live_bytes", "mallinfo_bytes"))]

    def bytes_metric(self, system):
        """heap_live_bytes where the system has it at every size it has (ours, raw), else
        mallinfo_bytes: one metric per system across its whole curve."""
        have = [scn for scn in self.measured if any(
            self.res.value(scn, system, "build", m) is not None
            for m in ("heap_live_bytes", "mallinfo_bytes"))]
        if have and all(self.res.value(scn, system, "build", "heap_live_bytes") is not None
                        for scn in have):
            return "heap_live_bytes"
        return "mallinfo_bytes"

    def bytes_series(self, system, fam=None):
        """[(scenario, nodes, edges, bytes)] of one system, smallest first."""
        m = self.bytes_metric(system)
        out = []
        for scn, (f, n, e, _) in self.measured.items():
            v = self.res.value(scn, system, "build", m)
            if v is not None and (fam is None or f == fam):
                out.append((scn, n, e, v))
        return sorted(out, key=lambda t: (t[1], t[2]))

    def time_value(self, scn, system, op):
        return self.res.value(scn, system, op, "ns_per_item", "median")


def fit_bytes(series):
    """Least squares of bytes = a + b*nodes + c*edges in relative error: each point weighted by
    1 / its bytes, so 1K nodes counts as much as 10M (unweighted, the 10M point alone set the
    line, and most systems got a negative fixed part a, missing their 1K figure by up to 10x).
    (a, b, c, worst relative residual, scenario of the worst) or None when the points cannot
    separate nodes from edges (fewer than 3, or one family only, where edges move with nodes)."""
    if len(series) < 3:
        return None
    x = np.array([[1.0, n, e] for _, n, e, _ in series])
    y = np.array([v for _, _, _, v in series])
    if np.any(y <= 0):
        return None
    w = 1.0 / y
    # Columns scaled to unit size first: nodes and edges run to 10^7, the constant is 1.
    xw = x * w[:, None]
    scale = np.abs(xw).max(axis=0)
    if np.linalg.matrix_rank(xw / scale) < 3:
        return None
    coef, *_ = np.linalg.lstsq(xw / scale, y * w, rcond=None)
    coef = coef / scale
    rel = np.abs(x @ coef - y) / np.abs(y)
    worst = int(np.argmax(rel))
    return float(coef[0]), float(coef[1]), float(coef[2]), float(rel[worst]), series[worst][0]


def fmt_size(n):
    if n is None:
        return MISSING
    for div, unit in ((1_000_000, "M"), (1_000, "K")):
        if n >= div and n % div == 0:
            return f"{n // div:,}{unit}"
    return f"{n:,}"


def _loglog(ax, xlabel, ylabel):
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, which="major", linewidth=0.4, alpha=0.5)
    lo, hi = ax.get_ylim()
    if hi / lo < 100:        # under two decades: one or two labels only; label 2x and 5x too
        ax.yaxis.set_minor_locator(ticker.LogLocator(subs=(2.0, 5.0)))
        ax.yaxis.set_minor_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
        ax.tick_params(axis="y", which="minor", labelsize=6)


# Distinct colours (tab10 first, then tab20's other shades), fixed per system for every chart.
PALETTE = [plt.get_cmap("tab10")(i) for i in range(10)] + \
    [plt.get_cmap("tab20")(2 * i + 1) for i in range(10)]


def _style(res, system):
    """The floor is a thick black dashed line; every other system its own colour."""
    if system == FLOOR:
        return dict(color="black", linestyle="--", linewidth=2.2, marker="s", markersize=4)
    order = [s for s in all_systems_order(res) if s != FLOOR]
    i = order.index(system) if system in order else len(order)
    return dict(color=PALETTE[i % len(PALETTE)], linestyle="-", linewidth=1.4, marker="o",
                markersize=4)


def chart_scale_bytes(sc, outdir):
    systems = sc.systems()
    fams = [(f, what) for f, what in FAMILIES if len(sc.family(f)) >= 2]
    if not systems or not fams:
        return None
    fig, axes = plt.subplots(1, len(fams), figsize=(6 * len(fams) + 1, 4.8), squeeze=False)
    handles = {}
    for ax, (fam, what) in zip(axes[0], fams):
        for i, s in enumerate(systems):
            pts = sc.bytes_series(s, fam)
            if not pts:
                continue
            ln, = ax.plot([p[1] for p in pts], [p[3] for p in pts], **_style(sc.res, s))
            handles.setdefault(s, ln)
        _loglog(ax, "nodes (log scale)", "bytes held after build (log scale)")
        ax.set_title(f"{fam}-* ({what})", fontsize=10)
    labels = [f"{name(s)} ({sc.bytes_metric(s)})" for s in handles]
    fig.legend(list(handles.values()), labels, fontsize=8, loc="upper left",
               bbox_to_anchor=(1.0, 0.95))
    fig.suptitle("Bytes held vs nodes per system; dashed black: the raw floor\nmetric "
                 "heap_live_bytes (ours, floor) or mallinfo_bytes (others), stat exact",
                 fontsize=10)
    fig.tight_layout()
    fname = "scale-bytes.svg"
    fig.savefig(os.path.join(outdir, fname), format="svg", metadata=SVG_META, bbox_inches="tight")
    plt.close(fig)
    return fname


def chart_scale_time(sc, fam, outdir):
    scns = sc.family(fam)
    if len(scns) < 2:
        return None
    systems = [s for s in all_systems_order(sc.res)
               if any(sc.time_value(scn, s, op) for scn in scns for op in OPERATIONS)]
    ops = [op for op in OPERATIONS
           if any(sc.time_value(scn, s, op) for scn in scns for s in systems)]
    if not systems or not ops:
        return None
    ncols = min(4, len(ops))
    nrows = (len(ops) + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.6 * ncols + 1, 3.1 * nrows + 0.8),
                             squeeze=False)
    handles = {}
    used = []
    for k, op in enumerate(ops):
        ax = axes[k // ncols][k % ncols]
        for i, s in enumerate(systems):
            pts = [(sc.measured[scn][1], sc.time_value(scn, s, op)) for scn in scns]
            pts = [p for p in pts if p[1]]
            used += [sc.res.row(scn, s, op, "ns_per_item", "median") for scn in scns]
            if pts:
                ln, = ax.plot([p[0] for p in pts], [p[1] for p in pts], **_style(sc.res, s))
                handles.setdefault(s, ln)
        _loglog(ax, "nodes" if k // ncols == nrows - 1 else "", "ns per item" if k % ncols == 0
                else "")
        ax.set_title(op, fontsize=10)
        ax.tick_params(labelsize=7)
    for k in range(len(ops), nrows * ncols):
        axes[k // ncols][k % ncols].set_visible(False)
    fig.legend(list(handles.values()), [name(s) for s in handles], fontsize=8,
               loc="upper left", bbox_to_anchor=(1.0, 0.93))
    fig.suptitle(f"Per-item time vs size, {fam}-* scenarios, one panel per operation "
                 f"(log-log; dashed black: the raw floor)\nmetric ns_per_item; stat median; "
                 f"repetitions {reps_of(used)}", fontsize=10)
    fig.tight_layout()
    fname = f"scale-time-{fam}.svg"
    fig.savefig(os.path.join(outdir, fname), format="svg", metadata=SVG_META, bbox_inches="tight")
    plt.close(fig)
    return fname, reps_of(used)


def section_fits(sc):
    rows = []
    for s in sc.systems():
        series = sc.bytes_series(s)
        f = fit_bytes(series)
        pts = ", ".join(sorted({scn for scn, *_ in series}, key=SCALE_NAMES_KEY))
        m = f"`{sc.bytes_metric(s)}`"
        if f is None:
            why = f"not fitted: {len(series)} size(s) ({pts}); nodes and edges are separable " \
                  "only with both families"
            rows.append([name(s), m, "—", "—", "—", why, str(len(series))])
            continue
        a, b, c, worst, at = f
        rows.append([name(s), m, f"{b:,.2f}", f"{c:,.2f}", fmt_int(a),
                     f"{worst:.2%}" + (f" (`{at}`)" if worst >= 5e-5 else ""),
                     str(len(series))])
    return "\n".join([
        "### Bytes per node and per edge, fitted over the sizes", "",
        "Least squares of bytes = a + b × nodes + c × edges per system, over every scale "
        "scenario it was measured on (both families: the graph-shaped ones separate the edge "
        "cost from the node cost), in relative error: each point weighted by 1 ÷ its bytes, so "
        "1K nodes counts as much as 10M (unweighted, the largest point alone sets the line). "
        "b is the bytes a node costs, c the bytes an edge costs "
        "(attributes included), a the fixed part; the worst residual is the largest "
        "|fit − measured| ÷ measured over the points, and where: a large one means the bytes "
        "do not grow linearly (a table doubling, a jump).", "",
        table(["system", "metric (stat exact)", "b: B / node", "c: B / edge", "a: B",
               "worst residual", "points"], rows, align="llrrrlr")])


def SCALE_NAMES_KEY(scn):
    return (SCALE_NAMES.index(scn) if scn in SCALE_NAMES else len(SCALE_NAMES), scn)


def growth(sc, fam, system, op):
    """t(fam-1m) / t(fam-10k) of one operation, or None if either is not measured."""
    a, b = sc.time_value(f"{fam}-10k", system, op), sc.time_value(f"{fam}-1m", system, op)
    return b / a if a and b else None


def section_grows_first(sc):
    rows = []
    for fam, _ in FAMILIES:
        lo, hi = f"{fam}-10k", f"{fam}-1m"
        if lo not in sc.measured and hi not in sc.measured:
            continue
        for s in sc.systems():
            ops = [op for op in OPERATIONS if sc.time_value(lo, s, op) or
                   sc.time_value(hi, s, op)]
            if not ops:
                continue
            grown, flat, missing = [], [], []
            for op in ops:
                g = growth(sc, fam, s, op)
                if g is None:
                    missing.append(op)
                    continue
                fl = growth(sc, fam, FLOOR, op)
                if g > GROWTH_LIMIT:
                    if s == FLOOR:
                        grown.append(f"`{op}` {g:.1f}×")
                    else:
                        who = (MISSING if fl is None else
                               f"{fl:.1f}×: " + ("the machine too" if fl > GROWTH_LIMIT
                                                 else "the store"))
                        grown.append(f"`{op}` {g:.1f}× (floor {who})")
                else:
                    flat.append(f"`{op}` {g:.1f}×")
            rows.append([name(s), f"`{lo}` → `{hi}`",
                         "; ".join(grown) or ("none" if flat else "—"),
                         "; ".join(flat) or "—",
                         ", ".join(f"`{op}`" for op in missing) or "—"])
    if not rows:
        return ""
    return "\n".join([
        "### What grows first", "",
        f"For each system, the operations whose per-item cost (`ns_per_item`, stat median) at "
        f"1M nodes is more than {GROWTH_LIMIT:g}× its 10K value, each next to the raw floor's "
        "own growth for the same operation: where the floor grows too, the machine (caches, "
        "TLB) accounts for part of it; where the floor stays flat, the growth is the store's. "
        "Timings are noisy on a shared machine: read ratios well above the limit, not the "
        "ones near it.", "",
        table(["system", "sizes", f"grown > {GROWTH_LIMIT:g}× (floor's growth: whose)",
               f"within {GROWTH_LIMIT:g}×", "not measured at both sizes"], rows,
              align="lllll")])


def section_not_run(sc):
    """Which systems and sizes were not run, and why: bench.py's `not_run:` plan rows, else
    "not measured" for a system measured elsewhere in the family but absent here."""
    res = sc.res
    systems = sc.systems()
    rows = []
    for scn in sorted(set(SCALE_NAMES) | set(sc.points), key=SCALE_NAMES_KEY):
        plan = plan_values(res, scn)
        reasons = {k[len(NOT_RUN):]: v for k, v in plan.items() if k.startswith(NOT_RUN)}
        have = set(res.systems(scn)) if scn in sc.measured else set()
        not_run = [f"{name(s)}: {reasons[s]}" for s in sorted(reasons, key=systems_key(res))]
        silent = [name(s) for s in systems if s not in have and s not in reasons]
        n, e = sc.points[scn][1:3] if scn in sc.points else gate.scenario_size(scn)[:2]
        rows.append([f"`{scn}`", fmt_size(n), fmt_int(e),
                     str(len([s for s in systems if s in have])),
                     "; ".join(not_run) or "—",
                     ", ".join(silent) or "—"])
    return "\n".join([
        "### Systems and sizes not run", "",
        "Per scale scenario: the systems measured; those `make scale` did not run, with the "
        "reason it recorded (bench.py's `not_run:` rows); and those with no rows and no "
        "recorded reason (not measured).", "",
        table(["scenario", "nodes", "edges", "systems measured", "not run (reason)",
               "not measured (no rows, no reason recorded)"], rows, align="lrrrll")])


def systems_key(res):
    order = all_systems_order(res)
    return lambda s: (order.index(s) if s in order else len(order), s)


def section_scale(res, scenario_root, outdir, written):
    sc = Scale(res, scenario_root)
    out = ["## Scale: how bytes and time grow with the graph", ""]
    if len(sc.sizes()) < 2:
        have = ", ".join(f"`{s}`" for s in sorted(sc.measured, key=SCALE_NAMES_KEY)) or "none"
        out += [f"The size curves, fits and \"what grows first\" are {MISSING} yet: results.csv "
                f"holds scale scenarios at one size only ({have}). Run `{SCALE_REPRODUCE}` "
                "(the groggy-* family at 1K to 10M nodes, the graph-* family at 10K to 1M)."]
        return "\n".join(out)
    out += [f"Scale family: {', '.join(f'`{f}-*` ({w})' for f, w in FAMILIES)}. Sizes from "
            "bench.py's plan rows, else the scenario's params.json, else its name. "
            f"Reproduce: `{SCALE_REPRODUCE}`.", ""]
    b = chart_scale_bytes(sc, outdir)
    if b:
        written.add(b)
        out += [f"![bytes held vs nodes]({b})", "",
                "*Figure: bytes held after `build` vs nodes, per system and family, log-log; "
                "metric heap_live_bytes (ours and the floor) or mallinfo_bytes (the others), "
                "stat exact, repetitions as in the tables below; dashed black: the `raw` "
                "floor.*", ""]
    out += [section_fits(sc), ""]
    for fam, _ in FAMILIES:
        t = chart_scale_time(sc, fam, outdir)
        if t:
            written.add(t[0])
            out += [f"![per-item time vs size, {fam}]({t[0]})", "",
                    f"*Figure: `{fam}-*` scenarios, per-item time vs nodes, one panel per "
                    f"operation, metric ns_per_item, stat median, repetitions {t[1]}, log-log; "
                    "dashed black: the `raw` floor.*", ""]
    g = section_grows_first(sc)
    if g:
        out += [g, ""]
    out.append(section_not_run(sc))
    return "\n".join(out)


def is_real(res, scn, scenario_root):
    if scn.startswith("real-"):
        return True
    p = real_params(scn, scenario_root)
    return bool(p) and p.get("kind") == "real"


def real_params(scn, scenario_root):
    if not scenario_root:
        return None
    try:
        with open(os.path.join(scenario_root, scn, "params.json"), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def real_intro(res, scn, scenario_root):
    """A real scenario's source, size and properties (its params.json), where known."""
    p = real_params(scn, scenario_root) or {}
    n, e = counts(res, scn)
    n = p.get("nodes", n)
    e = p.get("edges", e)
    src = f"`{p['source']}`" if p.get("source") else MISSING
    props = []
    for q in p.get("properties") or []:
        if isinstance(q, dict):
            props.append(" ".join(f"{k} `{v}`" for k, v in sorted(q.items())))
        else:
            props.append(f"`{q}`")
    text = (f"Real graph (kind `real`, not part of the scale fit): source {src}; nodes "
            f"{fmt_int(n)}; edges {fmt_int(e)}.")
    if props:
        text += " Properties: " + "; ".join(props) + "."
    elif not p:
        text += f" params.json: {MISSING} (source and properties not known to this render)."
    return text


HISTORY_SCENARIO = "groggy-10k"


def chart_history(series, outdir):
    """Each backend's exact bytes after build over the recorded commits (results/history)."""
    fig, ax = plt.subplots(figsize=(9, 4.2))
    commits = []
    for pts in series.values():
        for c, _ in pts:
            if c not in commits:
                commits.append(c)
    for system in sorted(series, key=lambda s: -series[s][-1][1]):
        pts = series[system]
        xs = [commits.index(c) for c, _ in pts]
        ys = [v / MB for _, v in pts]
        ax.plot(xs, ys, marker="o", label=f"{name(system)}: {ys[-1]:.3f} MB at {pts[-1][0]}")
    ax.set_xticks(range(len(commits)))
    ax.set_xticklabels(commits, fontsize=8, rotation=30)
    ax.set_xlim(-0.5, len(commits) - 0.5)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("commit measured by `make bench` (oldest first)")
    ax.set_ylabel("exact heap after build, MB (10^6 B)")
    ax.set_title(f"Exact bytes over commits: {HISTORY_SCENARIO}, build, glibc, stat exact "
                 f"(results/history/)", fontsize=10)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    fname = "history.svg"
    fig.savefig(os.path.join(outdir, fname), format="svg", metadata=SVG_META, bbox_inches="tight")
    plt.close(fig)
    return fname


def section_history(res, history_dir, outdir, written):
    """The report's "Over commits" section, or a line saying why it has none."""
    head = "## Over commits"
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                    "harness"))
    try:
        import history
        series = history.series(history_dir, HISTORY_SCENARIO, "build", "heap_live_bytes",
                                repo=os.path.dirname(os.path.dirname(history_dir)))
    except (OSError, ImportError):
        series = {}
    keep = {"json", "native", "columnar", "zerocopy", COMPACT, FLOOR}
    series = {s: v for s, v in series.items() if s in keep}
    if not series:
        return f"{head}\n\nNo recorded history under `results/history/`: {MISSING}."
    fname = chart_history(series, outdir)
    written.add(fname)
    n = len({c for pts in series.values() for c, _ in pts})
    rows = [[name(s), f"`{pts[0][0]}`", fmt_int(pts[0][1]), f"`{pts[-1][0]}`",
             fmt_int(pts[-1][1]), f"{pts[-1][1] - pts[0][1]:+,}"]
            for s, pts in sorted(series.items(), key=lambda t: -t[1][-1][1])]
    return "\n".join([head, "", f"Each `make bench` of a clean tree keeps its deterministic "
                       f"figures in `results/history/<commit>.csv`; {n} commit(s) recorded. "
                       "Exact bytes repeat run to run, so any step in a line is a change of "
                       "the code.", "", f"![exact bytes over commits]({fname})", "",
                       table(["system", "first commit", "bytes", "last commit", "bytes",
                              "change"], rows, "llrlrr")])


def render(results_path, outdir):
    """Render into a staging directory first, then move the charts and REPORT.md into outdir:
    a render that fails part-way leaves the previous report and its charts as they were."""
    res = Results.read(results_path)
    os.makedirs(outdir, exist_ok=True)
    stage = tempfile.mkdtemp(prefix=".render.", dir=outdir)
    try:
        written = set()
        parts = [section_header(res), section_overview(res, stage, written), section_plan(res),
                 section_build_modes(res), section_seed(res), section_exactness(res)]
        scns = res.scenarios()
        if not scns:
            parts.append(f"results.csv holds no rows: every figure is {MISSING}.")
        # Scenario directories (params.json: sizes, a real graph's source and properties)
        # are looked up next to the results file, as `make scenarios` lays them out.
        sroot = os.path.join(os.path.dirname(os.path.abspath(results_path)), "build",
                             "scenarios")
        res.sroot = sroot
        real = [s for s in scns if is_real(res, s, sroot)]
        for scn in scns:
            if scn not in real:
                parts.append(section_scenario(res, scn, stage, written))
        m = section_marginal_edge(res)
        if m:
            parts.append(m)
        parts.append(section_scale(res, sroot, stage, written))
        if real:
            parts.append("## Real graphs\n\nEach real scenario (`make scenarios` imports them "
                         "from graph-tool's collection) with the same bytes, time and system "
                         "tables as the synthetic ones.")
        for scn in real:
            parts.append(section_scenario(res, scn, stage, written,
                                          real_intro(res, scn, sroot)))
        parts.append(section_history(res, os.path.join(os.path.dirname(
            os.path.abspath(results_path)), "results", "history"), stage, written))
        text = "\n\n".join(p.rstrip("\n") for p in parts) + "\n"
        with open(os.path.join(stage, "REPORT.md"), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        for f in sorted(written):
            os.replace(os.path.join(stage, f), os.path.join(outdir, f))
        # Charts this render did not write (a scenario gone from results.csv) would be stale.
        for f in sorted(os.listdir(outdir)):
            if re.fullmatch(r"(bytes|time|scale)-.+\.svg|overview\.svg|history\.svg", f) and f not in written:
                os.remove(os.path.join(outdir, f))
        os.replace(os.path.join(stage, "REPORT.md"), os.path.join(outdir, "REPORT.md"))
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return os.path.join(outdir, "REPORT.md")


def main(argv):
    if len(argv) > 3 or any(a in ("-h", "--help") for a in argv[1:]):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    results = argv[1] if len(argv) > 1 else "results.csv"
    outdir = argv[2] if len(argv) > 2 else os.path.join(os.path.dirname(__file__) or ".")
    if not os.path.exists(results):
        print(f"render: {results}: not found (run `make bench` first)", file=sys.stderr)
        return 1
    path = render(results, outdir)
    print(f"render: wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
