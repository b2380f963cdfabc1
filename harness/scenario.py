"""Scenario directories: the strict loader and the plan every system runs.

A scenario is a directory with nodes.jsonl ({"id": str, "attrs": {...}} a line) and
edges.jsonl ({"src": str, "dst": str, "attrs": {...}} a line), optionally scenario.json.
The format is specified in harness/PROTOCOL.md ("Scenario format").  This loader is the
gate: the orchestrator runs it before any driver, so a malformed file fails once, with
file:line, instead of as N different driver errors.

It is NOT a driver: it measures nothing.  The Python peers use load() to get their input
records; resolve_plan() decides what the operations touch when scenario.json is absent.
"""
import json
import os
import sys
from collections import Counter

INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1
FILTER_OPS = ("==", "!=", ">", ">=", "<", "<=")
# An attribute with at most this many distinct string values is "categorical": its values
# are interned by the peers (as literal-built graphs share them) and may be filter keys.
CATEGORICAL_MAX = 256
DEFAULT_REMOVE = 1000          # the "remove 1,000 fixed nodes" on 10K scenarios
PLAN_KEYS = ("numeric_attr", "filter", "remove", "remove_count", "set_value_offset")


class ScenarioError(Exception):
    """Bad scenario input; str() starts with 'FILE:LINE:' when a line is to blame."""


def _bad(path, lineno, msg):
    return ScenarioError(f"{path}:{lineno}: {msg}" if lineno else f"{path}: {msg}")


def _parse_int(text):
    # Every system stores int64; a wider integer would be silently wrapped by some of them.
    v = int(text)
    if not INT64_MIN <= v <= INT64_MAX:
        raise ValueError(f"integer {text} out of int64 range")
    return v


def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")         # Python's json accepts NaN/Infinity


def _pairs(pairs):
    # Duplicate keys: parsers disagree on first-wins vs last-wins, so systems would differ.
    d = dict(pairs)
    if len(d) != len(pairs):
        seen = set()
        dup = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise ValueError(f"duplicate key {dup!r}")
    return d


_decoder = json.JSONDecoder(object_pairs_hook=_pairs, parse_int=_parse_int,
                            parse_constant=_reject_constant)


def _lines(path):
    """Yield (lineno, text) of a JSONL file; blank and truncated lines are errors."""
    try:
        f = open(path, "rb")
    except OSError as e:
        raise _bad(path, 0, f"cannot open: {e.strerror}") from None
    with f:
        for lineno, raw in enumerate(f, 1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise _bad(path, lineno, f"not UTF-8 ({e.reason} at byte {e.start})") from None
            if not text.strip():
                raise _bad(path, lineno, "empty line")
            yield lineno, text


def _record(path, lineno, text, keys):
    """Decode one line into a dict with exactly the allowed top-level keys."""
    try:
        obj = _decoder.decode(text)
    except json.JSONDecodeError as e:
        # Input ending mid-value (a cut file, a partial write) reads as truncation.
        cut = e.pos >= len(text.rstrip()) or e.msg.startswith("Unterminated")
        kind = "truncated line" if cut else "invalid JSON"
        raise _bad(path, lineno, f"{kind}: {e.msg} (column {e.colno})") from None
    except ValueError as e:
        raise _bad(path, lineno, str(e)) from None
    if not isinstance(obj, dict):
        raise _bad(path, lineno, f"expected a JSON object, got {type(obj).__name__}")
    extra = set(obj) - set(keys) - {"attrs"}
    if extra:
        raise _bad(path, lineno, f"unexpected key(s) {sorted(extra)}")
    for k in keys:
        if k not in obj:
            raise _bad(path, lineno, f"missing {k!r}")
        if not isinstance(obj[k], str):
            raise _bad(path, lineno, f"{k!r} must be a string, got {type(obj[k]).__name__}")
        if not obj[k]:
            raise _bad(path, lineno, f"{k!r} is empty")
    attrs = obj.get("attrs", {})                    # absent attrs == {}
    if not isinstance(attrs, dict):
        raise _bad(path, lineno, f"'attrs' must be an object, got {type(attrs).__name__}")
    return obj, attrs


def load(directory, intern=False):
    """Load and validate a scenario.

    Returns (nodes, edges): nodes a list of (id, attrs), edges a list of (src, dst, attrs),
    in file order.  Raises ScenarioError naming file and line on any format violation.

    intern=True is for the peers: attribute keys and categorical string values become
    shared objects (sys.intern), and an edge's src/dst are the very str objects of the node
    ids, as in a graph built from Python literals; otherwise json gives every line its own
    copies and the peers' heap figures would count the loader's duplication, not the graph.
    """
    npath = os.path.join(directory, "nodes.jsonl")
    epath = os.path.join(directory, "edges.jsonl")
    index, nodes = {}, []
    for lineno, text in _lines(npath):
        obj, attrs = _record(npath, lineno, text, ("id",))
        nid = obj["id"]
        if nid in index:
            raise _bad(npath, lineno, f"duplicate node id {nid!r} (first on line {index[nid] + 1})")
        index[nid] = len(nodes)
        nodes.append((nid, attrs))
    if not nodes:
        raise _bad(npath, 0, "no nodes (empty file)")
    edges = []
    for lineno, text in _lines(epath):
        obj, attrs = _record(epath, lineno, text, ("src", "dst"))
        ends = []
        for k in ("src", "dst"):
            i = index.get(obj[k])
            if i is None:
                raise _bad(epath, lineno, f"{k} {obj[k]!r} is not a node in {npath}")
            ends.append(nodes[i][0] if intern else obj[k])
        edges.append((ends[0], ends[1], attrs))
    if intern:
        nodes = _intern(nodes, 1)
        edges = _intern(edges, 2)
    return nodes, edges


def _intern(records, ai):
    """Rebuild each record's attrs with interned keys and categorical string values."""
    values = {}
    for r in records:
        for k, v in r[ai].items():
            if isinstance(v, str):
                values.setdefault(k, set()).add(v)
    cat = {k for k, s in values.items() if len(s) <= CATEGORICAL_MAX}
    out = []
    for r in records:
        attrs = {sys.intern(k): (sys.intern(v) if k in cat and isinstance(v, str) else v)
                 for k, v in r[ai].items()}
        out.append(r[:ai] + (attrs,))
    return out


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)    # bool is an int in Python


def _default_plan(nodes):
    """Choose the plan from the data (documented in PROTOCOL.md, 'Plan')."""
    present_int, present_str, strvals = Counter(), Counter(), {}
    for _, attrs in nodes:
        for k, v in attrs.items():
            if is_int(v):
                present_int[k] += 1
            elif isinstance(v, str):
                present_str[k] += 1
                strvals.setdefault(k, Counter())[v] += 1
    if not present_int:
        raise ScenarioError("cannot choose a numeric attribute: no integer attribute on any "
                            "node; add scenario.json with numeric_attr")
    # Most present; ties broken by name so the choice never depends on dict order.
    numeric = min(present_int, key=lambda k: (-present_int[k], k))
    vals = sorted(a[numeric] for _, a in nodes if is_int(a.get(numeric)))
    median = vals[(len(vals) - 1) // 2]
    filt = []
    cats = [k for k in present_str if len(strvals[k]) <= CATEGORICAL_MAX] or list(present_str)
    if cats:
        key = min(cats, key=lambda k: (-present_str[k], k))
        value = min(strvals[key], key=lambda v: (-strvals[key][v], v))
        filt.append({"key": key, "op": "==", "value": value})
    filt.append({"key": numeric, "op": ">", "value": median})
    return {"numeric_attr": numeric, "filter": filt}


def _remove_ids(nodes, count):
    """`count` ids spread evenly over the file: every k-th id, deterministic."""
    count = max(0, min(count, len(nodes)))
    if count == 0:
        return []
    k = len(nodes) // count
    return [nodes[i * k][0] for i in range(count)]


def resolve_plan(directory, nodes):
    """The plan for `directory`: scenario.json where it says so, the data's choice elsewhere.

    Returns (plan, sources): plan as written to PLAN.json (PROTOCOL.md), sources maps each
    plan key to "scenario.json" or "data" so results.csv can record who chose it.
    """
    path = os.path.join(directory, "scenario.json")
    given = {}
    if os.path.exists(path):
        try:
            with open(path, encoding="utf-8") as f:
                given = json.load(f)
        except (OSError, ValueError) as e:
            raise _bad(path, 0, f"cannot read: {e}") from None
        if not isinstance(given, dict):
            raise _bad(path, 0, "expected a JSON object")
        unknown = set(given) - set(PLAN_KEYS)
        if unknown:
            raise _bad(path, 0, f"unknown key(s) {sorted(unknown)}; allowed: {list(PLAN_KEYS)}")
        if "remove" in given and "remove_count" in given:
            raise _bad(path, 0, "give 'remove' or 'remove_count', not both")
    default = None if {"numeric_attr", "filter"} <= set(given) else _default_plan(nodes)
    plan, sources = {}, {}
    for k in ("numeric_attr", "filter"):
        plan[k] = given[k] if k in given else default[k]
        sources[k] = "scenario.json" if k in given else "data"
    if "remove" in given:
        plan["remove"], sources["remove"] = given["remove"], "scenario.json"
    else:
        n = DEFAULT_REMOVE if len(nodes) >= 10 * DEFAULT_REMOVE else len(nodes) // 10
        plan["remove"] = _remove_ids(nodes, given.get("remove_count", n))
        sources["remove"] = "scenario.json" if "remove_count" in given else "data"
    plan["set_value_offset"] = given.get("set_value_offset", 1)
    sources["set_value_offset"] = "scenario.json" if "set_value_offset" in given else "data"
    _check_plan(path, plan, nodes)
    return plan, sources


def _check_plan(path, plan, nodes):
    if not isinstance(plan["numeric_attr"], str):
        raise _bad(path, 0, "numeric_attr must be a string")
    if not any(is_int(a.get(plan["numeric_attr"])) for _, a in nodes):
        raise _bad(path, 0, f"numeric_attr {plan['numeric_attr']!r} is an integer on no node")
    if not isinstance(plan["filter"], list) or not plan["filter"]:
        raise _bad(path, 0, "filter must be a non-empty list")
    for p in plan["filter"]:
        if (not isinstance(p, dict) or set(p) != {"key", "op", "value"}
                or not isinstance(p["key"], str) or p["op"] not in FILTER_OPS
                or not (p["value"] is None or isinstance(p["value"], (str, int, float)))):
            raise _bad(path, 0, f"bad filter predicate {p!r}: want {{key, op in {FILTER_OPS}, "
                                "value a scalar: string, number, bool or null}")
    if not is_int(plan["set_value_offset"]):
        raise _bad(path, 0, "set_value_offset must be an integer")
    ids = {n for n, _ in nodes}
    if not isinstance(plan["remove"], list) or len(set(plan["remove"])) != len(plan["remove"]):
        raise _bad(path, 0, "remove must be a list of distinct node ids")
    unknown = [r for r in plan["remove"] if r not in ids]
    if unknown:
        raise _bad(path, 0, f"remove names unknown node(s) {unknown[:5]}")


# --- operation semantics shared by the Python peers (PROTOCOL.md, "Operations") ---

if __name__ == "__main__":
    # `scenario.py DIR [PLAN_OUT]`: validate DIR and print the resolved plan, or write it
    # to PLAN_OUT (what `make massif` or a hand-run driver needs as --plan).
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: scenario.py DIR [PLAN_OUT]")
    try:
        ns, _ = load(sys.argv[1])
        p, s = resolve_plan(sys.argv[1], ns)
    except ScenarioError as e:
        sys.exit(f"error: {e}")
    if len(sys.argv) == 3:
        with open(sys.argv[2], "w", encoding="utf-8") as f:
            json.dump(p, f, ensure_ascii=False)
    else:
        print(json.dumps({"plan": {**p, "remove": p["remove"][:5] + ["..."]}, "sources": s},
                         ensure_ascii=False))
