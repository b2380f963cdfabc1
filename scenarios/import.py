#!/usr/bin/python3
"""Real graphs into the scenario format: `import.py OUT_ROOT SOURCE ...`.

SOURCE is `collection:NAME` (a graph of graph-tool's bundled collection, read from the
`.gt.gz` file Debian's python3-graph-tool installs), or a path to a `.graphml` / `.gml` /
`.gt` / `.gt.gz` file.  Each becomes OUT_ROOT/real-NAME/{nodes.jsonl, edges.jsonl,
scenario.json, params.json}.  Every vertex and edge property is kept with its type; the
mapping (scenarios/README.md, "Real scenarios"):

- int types -> JSON ints; double / long double -> JSON doubles (repr, always with '.' or an
  exponent), NaN/Inf -> null (counted per property in params.json); bool -> true/false;
  string -> string; vector<T> -> a JSON array of T mapped the same way; python::object ->
  its JSON where json.dumps accepts it, else its repr() string (marked "repr").
- node id: the first of the string vertex properties `id`, `name`, `label` whose values
  are non-empty and unique; else "v<index>".  The property stays an attribute too.
- edges in edge-index order (graph-tool) or networkx's order; an undirected edge becomes
  one directed edge from the endpoint earlier in vertex order; self-loops and repeated
  (src, dst) pairs after that are dropped (the first kept) and counted in params.json,
  because networkx.DiGraph keeps one edge per pair (generate.py does the same).
- graph-level properties go to params.json.

Output is byte-identical on every run: vertex order = vertex index (or file) order,
attributes by property name, UTF-8, '\\n'.  An existing output whose params.json records the
same importer version, source file sha256 and file hashes is left as it is (so `make
scenarios` does not pay the import again).  Errors name the file and exit 1.
"""
import argparse
import hashlib
import json
import math
import os
import sys
import warnings

VERSION = 1
ID_PROPERTIES = ("id", "name", "label")
COLLECTION_DIR = "/usr/lib/python3/dist-packages/graph_tool/collection"
# The plan's remove count: the harness's own default (1000, or 10 % below 10,000 nodes).
REMOVE_DEFAULT = 1000


class ImportError_(Exception):
    """A source that cannot be imported; str() names the file."""


# --- values -----------------------------------------------------------------------------

class _Counts:
    def __init__(self):
        self.nulls = 0           # NaN/Inf doubles written as null
        self.repr = 0            # python::object values written as their repr()


def _scalar(kind, v, counts):
    if kind == "bool":
        return bool(v)
    if kind == "int":
        return int(v)
    if kind == "double":
        f = float(v)
        if math.isfinite(f):
            return f
        counts.nulls += 1
        return None
    if kind == "string":
        return str(v)
    raise AssertionError(kind)


def _kind(gt_type):
    """graph-tool value type -> (element kind, is_vector)."""
    vec = gt_type.startswith("vector<")
    base = gt_type[7:-1] if vec else gt_type
    if base == "bool":
        return "bool", vec
    if base in ("uint8_t", "int16_t", "int32_t", "int64_t", "unsigned long", "size_t"):
        return "int", vec
    if base in ("double", "long double", "float"):
        return "double", vec
    if base == "string":
        return "string", vec
    if base == "python::object":
        return "object", vec
    raise ValueError(f"unsupported property type {gt_type!r}")


def _object(v, counts):
    try:
        text = json.dumps(v, allow_nan=False, ensure_ascii=False, sort_keys=True)
        return json.loads(text)
    except (TypeError, ValueError):
        counts.repr += 1
        return repr(v)


def _convert(kind, vec, v, counts):
    if kind == "object":
        return _object(v, counts)
    if vec:
        return [_scalar(kind, x, counts) for x in v]
    return _scalar(kind, v, counts)


def _json_type(kind, vec):
    base = {"bool": "bool", "int": "int", "double": "double (NaN/Inf -> null)",
            "string": "string", "object": "JSON of the object, else its repr() string"}[kind]
    return f"array of {base}" if vec else base


# --- graph-tool sources -----------------------------------------------------------------

def _load_gt(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # graph-tool warns about cairo on import
        import graph_tool
        try:
            return graph_tool.load_graph(path), graph_tool.__version__
        except Exception as e:              # noqa: BLE001 - any parse failure is the file's
            raise ImportError_(f"{path}: cannot read as a graph-tool file: {e}") from None


def _gt_records(g):
    """(vertex_props, edge_props, graph_props, nodes, edges) from a graph-tool Graph.

    props: list of (name, gt_type, kind, vec, counts); nodes: list of attr dicts in vertex
    order; edges: list of (src index, dst index, attrs) in edge-index order."""
    vprops = [(k, p.value_type(), *_kind(p.value_type()), _Counts())
              for k, p in sorted(g.vp.items())]
    eprops = [(k, p.value_type(), *_kind(p.value_type()), _Counts())
              for k, p in sorted(g.ep.items())]
    verts = list(g.vertices())
    nodes = [{} for _ in verts]
    for name, _, kind, vec, counts in vprops:
        p = g.vp[name]
        if kind in ("int", "double", "bool") and not vec:
            vals = p.get_array().tolist()       # indexed by vertex index
            for i, v in enumerate(verts):
                nodes[i][name] = _scalar(kind, vals[int(v)], counts)
        else:
            for i, v in enumerate(verts):
                nodes[i][name] = _convert(kind, vec, p[v], counts)
    es = list(g.edges())
    eidx = g.edge_index
    es.sort(key=lambda e: eidx[e])
    edges = [(int(e.source()), int(e.target()), {}) for e in es]
    for name, _, kind, vec, counts in eprops:
        p = g.ep[name]
        if kind in ("int", "double", "bool") and not vec:
            vals = p.get_array().tolist()       # indexed by edge index
            for j, e in enumerate(es):
                edges[j][2][name] = _scalar(kind, vals[eidx[e]], counts)
        else:
            for j, e in enumerate(es):
                edges[j][2][name] = _convert(kind, vec, p[e], counts)
    gprops = {}
    for k, p in sorted(g.gp.items()):
        kind, vec = _kind(p.value_type())
        gprops[k] = {"type": p.value_type(), "value": _convert(kind, vec, p[g], _Counts())}
    return vprops, eprops, gprops, nodes, edges, g.is_directed()


# --- GraphML / GML sources (networkx) ---------------------------------------------------

def _py_type(values):
    """The one type name of a column of Python values read by networkx."""
    names = set()
    for v in values:
        if isinstance(v, bool):
            names.add("bool")
        elif isinstance(v, int):
            names.add("int")
        elif isinstance(v, float):
            names.add("double")
        elif isinstance(v, str):
            names.add("string")
        elif isinstance(v, (list, tuple)):
            names.add("list")
        else:
            names.add("object")
    return names.pop() if len(names) == 1 else "mixed"


def _nx_value(v, counts):
    if isinstance(v, bool) or isinstance(v, int) or isinstance(v, str) or v is None:
        return v
    if isinstance(v, float):
        return _scalar("double", v, counts)
    if isinstance(v, (list, tuple)):
        return [_nx_value(x, counts) for x in v]
    if isinstance(v, dict):
        return {str(k): _nx_value(x, counts) for k, x in v.items()}
    return _object(v, counts)


def _nx_records(path):
    import networkx as nx
    try:
        if path.endswith(".graphml"):
            G = nx.read_graphml(path, force_multigraph=True)
        else:
            G = nx.read_gml(path, label=None)   # keys = GML's integer ids; label stays a property
    except Exception as e:                      # noqa: BLE001 - any parse failure is the file's
        raise ImportError_(f"{path}: cannot read: {type(e).__name__}: {e}") from None
    keys = list(G.nodes)
    pos = {k: i for i, k in enumerate(keys)}
    vnames = sorted({a for _, d in G.nodes(data=True) for a in d})
    nodes = []
    vcounts = {n: _Counts() for n in vnames}
    for k in keys:
        d = G.nodes[k]
        nodes.append({a: _nx_value(d[a], vcounts[a]) for a in vnames if a in d})
    raw = list(G.edges(data=True))
    enames = sorted({a for _, _, d in raw for a in d})
    ecounts = {n: _Counts() for n in enames}
    edges = [(pos[s], pos[t], {a: _nx_value(d[a], ecounts[a]) for a in enames if a in d})
             for s, t, d in raw]
    vprops = [(n, _py_type(a[n] for a in nodes if n in a), "nx", False, vcounts[n])
              for n in vnames]
    eprops = [(n, _py_type(e[2][n] for e in edges if n in e[2]), "nx", False, ecounts[n])
              for n in enames]
    gprops = {str(k): {"type": _py_type([v]), "value": _nx_value(v, _Counts())}
              for k, v in sorted(G.graph.items(), key=lambda kv: str(kv[0]))}
    # GraphML node ids are the file's own strings: use them as they are.
    own = [str(k) for k in keys] if all(isinstance(k, str) for k in keys) else None
    return vprops, eprops, gprops, nodes, edges, G.is_directed(), own


# --- the scenario -----------------------------------------------------------------------

def _choose_ids(nodes, vprops, own=None):
    if own is not None and all(own) and len(set(own)) == len(own):
        return own, "file's node ids"
    types = {p[0]: p[1] for p in vprops}
    for name in ID_PROPERTIES:
        if types.get(name) != "string":
            continue
        vals = [a.get(name) for a in nodes]
        if all(isinstance(v, str) and v for v in vals) and len(set(vals)) == len(vals):
            return vals, name
    return [f"v{i}" for i in range(len(nodes))], None


def _orient(edges, directed):
    """One directed edge per (src, dst); counts of what was dropped."""
    seen, out, loops, dups = set(), [], 0, 0
    for s, d, a in edges:
        if not directed and d < s:
            s, d = d, s
        if s == d:
            loops += 1
        elif (s, d) in seen:
            dups += 1
        else:
            seen.add((s, d))
            out.append((s, d, a))
    return out, loops, dups


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def choose_plan(nodes, ids, id_prop):
    """scenario.json for a real graph, from its data (README.md, "Real scenarios"):
    numeric_attr = the scalar int property on the most nodes (ties: name order); filter =
    `BOOL == true` for the bool property on the most nodes, else `STR == most frequent value`
    for the string property (not the id) whose most frequent value is on the most nodes
    (at least 2), then `numeric_attr > lower median`.  None when no int property exists."""
    def present(pred):
        c = {}
        for a in nodes:
            for k, v in a.items():
                if pred(v):
                    c[k] = c.get(k, 0) + 1
        return c
    ints = present(_is_int)
    if not ints:
        return None
    numeric = min(ints, key=lambda k: (-ints[k], k))
    vals = sorted(a[numeric] for a in nodes if _is_int(a.get(numeric)))
    median = vals[(len(vals) - 1) // 2]
    filt = []
    bools = present(lambda v: isinstance(v, bool))
    if bools:
        filt.append({"key": min(bools, key=lambda k: (-bools[k], k)), "op": "==", "value": True})
    else:
        best = None
        for k in sorted(present(lambda v: isinstance(v, str))):
            if k == id_prop:
                continue
            freq = {}
            for a in nodes:
                v = a.get(k)
                if isinstance(v, str):
                    freq[v] = freq.get(v, 0) + 1
            value = min(freq, key=lambda v: (-freq[v], v))
            if freq[value] >= 2 and (best is None or freq[value] > best[0]):
                best = (freq[value], k, value)
        if best:
            filt.append({"key": best[1], "op": "==", "value": best[2]})
    filt.append({"key": numeric, "op": ">", "value": median})
    n = len(nodes)
    remove = REMOVE_DEFAULT if n >= 10 * REMOVE_DEFAULT else n // 10
    return {"numeric_attr": numeric, "filter": filt, "remove_count": remove}


def _line(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


def _sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _resolve(source):
    """(scenario name, file path, description of the source)."""
    if source.startswith("collection:"):
        name = source[len("collection:"):]
        path = os.path.join(COLLECTION_DIR, name + ".gt.gz")
        if not os.path.exists(path):
            raise ImportError_(f"{path}: no such file: graph-tool's collection has no "
                               f"{name!r} (install python3-graph-tool: scripts/setup.sh)")
        return name, path, f"graph-tool collection {name}"
    base = os.path.basename(source)
    for ext in (".gt.gz", ".gt", ".graphml", ".gml"):
        if base.endswith(ext):
            if not os.path.exists(source):
                raise ImportError_(f"{source}: no such file")
            return base[:-len(ext)], source, base
    raise ImportError_(f"{source}: unknown format (want .graphml, .gml, .gt or .gt.gz, "
                       "or collection:NAME)")


def _fresh(out, src_sha):
    """True when `out` already holds this importer's output for this source file."""
    try:
        with open(os.path.join(out, "params.json"), encoding="utf-8") as f:
            p = json.load(f)
        return (p.get("importer_version") == VERSION and p.get("source_sha256") == src_sha
                and all(_sha(os.path.join(out, fn)) == h for fn, h in p["sha256"].items()))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def import_one(root, source, force=False):
    """Write OUT_ROOT/real-NAME; returns (directory, params, skipped)."""
    name, path, desc = _resolve(source)
    out = os.path.join(root, "real-" + name)
    src_sha = _sha(path)
    if not force and _fresh(out, src_sha):
        with open(os.path.join(out, "params.json"), encoding="utf-8") as f:
            return out, json.load(f), True
    own, tool = None, {}
    if path.endswith((".gt", ".gt.gz")):
        g, version = _load_gt(path)
        vprops, eprops, gprops, nodes, edges, directed = _gt_records(g)
        tool = {"graph_tool_version": version}
    else:
        vprops, eprops, gprops, nodes, edges, directed, own = _nx_records(path)
        import networkx
        tool = {"networkx_version": networkx.__version__}
    if not nodes:
        raise ImportError_(f"{path}: the graph has no vertices")
    ids, id_prop = _choose_ids(nodes, vprops, own)
    kept, loops, dups = _orient(edges, directed)
    files = {
        "nodes.jsonl": "".join(_line({"id": i, "attrs": a}) for i, a in zip(ids, nodes)),
        "edges.jsonl": "".join(_line({"src": ids[s], "dst": ids[d], "attrs": a})
                               for s, d, a in kept),
    }
    plan = choose_plan(nodes, ids, id_prop)
    if plan is not None:
        files["scenario.json"] = json.dumps(plan, indent=1) + "\n"
    os.makedirs(out, exist_ok=True)
    if plan is None and os.path.exists(os.path.join(out, "scenario.json")):
        os.remove(os.path.join(out, "scenario.json"))
    hashes = {}
    for fname, text in files.items():
        data = text.encode("utf-8")
        hashes[fname] = hashlib.sha256(data).hexdigest()
        with open(os.path.join(out, fname), "wb") as f:
            f.write(data)

    def props(on, plist):
        res = []
        for pname, ptype, kind, vec, counts in plist:
            mapped = (_json_type(kind, vec) if kind != "nx"
                      else {"int": "int", "double": "double (NaN/Inf -> null)", "bool": "bool",
                            "string": "string", "list": "array"}.get(ptype, "as read"))
            entry = {"name": pname, "on": on, "type": ptype, "json": mapped}
            if counts.nulls:
                entry["nan_to_null"] = counts.nulls
            if counts.repr:
                entry["repr"] = counts.repr
            res.append(entry)
        return res
    params = {"name": "real-" + name, "kind": "real", "importer_version": VERSION,
              "source": desc, "source_file": os.path.basename(path), "source_sha256": src_sha,
              **tool, "directed": directed, "nodes": len(nodes), "source_edges": len(edges),
              "edges": len(kept), "self_loops_dropped": loops, "duplicates_dropped": dups,
              "id_property": id_prop, "properties": props("vertex", vprops) + props("edge", eprops),
              "graph_properties": gprops,
              "plan": "scenario.json" if plan else "none (no int property)",
              "sha256": hashes}
    with open(os.path.join(out, "params.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(params, indent=1, ensure_ascii=False) + "\n")
    return out, params, False


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_root")
    ap.add_argument("sources", nargs="+", metavar="SOURCE",
                    help="collection:NAME, or a .graphml / .gml / .gt / .gt.gz file")
    ap.add_argument("--force", action="store_true", help="rewrite even an up-to-date output")
    args = ap.parse_args(argv)
    for s in args.sources:
        try:
            out, p, skipped = import_one(args.out_root, s, args.force)
        except ImportError_ as e:
            print(f"import: error: {e}", file=sys.stderr)
            return 1
        print(f"{p['name']}: {p['nodes']} nodes, {p['edges']} edges, "
              f"{len(p['properties'])} properties" + (" (up to date)" if skipped else ""),
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
