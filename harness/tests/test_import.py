"""Tests of scenarios/import.py: real graphs (graph-tool files, GraphML, GML) into the
scenario format, every property kept with its type, deterministic, clear errors.

Run: /usr/bin/python3 -m pytest harness/tests/test_import.py  (needs python3-graph-tool).
"""
import importlib.util
import json
import os
import subprocess
import sys
import warnings

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
HARNESS = os.path.dirname(HERE)
ROOT = os.path.dirname(HARNESS)
sys.path.insert(0, HARNESS)
import expected  # noqa: E402
import scenario  # noqa: E402

PY = "/usr/bin/python3"
IMPORT = os.path.join(ROOT, "scenarios", "import.py")
_spec = importlib.util.spec_from_file_location("gm_import", IMPORT)
imp = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(imp)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")          # graph-tool's cairo warning
    import graph_tool as gt


def lines(d, name):
    with open(os.path.join(d, name), encoding="utf-8") as f:
        return [json.loads(x) for x in f]


def raw(d, name):
    with open(os.path.join(d, name), "rb") as f:
        return f.read()


@pytest.fixture
def gt_file(tmp_path):
    """A directed graph-tool graph with every property type, a NaN, an Inf, a parallel
    edge and a self-loop, saved as .gt.gz."""
    g = gt.Graph(directed=True)
    g.add_vertex(4)
    vp = {"id": "string", "i16": "int16_t", "i32": "int32_t", "i64": "int64_t",
          "x": "double", "ok": "bool", "tag": "string", "pos": "vector<double>",
          "names": "vector<string>", "nums": "vector<int32_t>", "flags": "vector<bool>",
          "obj": "python::object"}
    for k, t in vp.items():
        g.vp[k] = g.new_vp(t)
    rows = [("k0", -3, 70000, 1 << 40, 0.5, True, "a", [1.5, -2.0], ["x", "y"], [1, 2], [True],
             {"z": [1, None]}),
            ("k1", 4, -1, -(1 << 62), float("nan"), False, "ü \"q\"", [], [], [], [],
             (1, 2)),
            ("k2", 0, 0, 0, float("inf"), True, "", [3.0, float("nan")], ["é"], [-7],
             [False, True], {1, 2}),
            ("k3", 1, 2, 3, -0.25, False, "a", [0.0], ["k0"], [0], [], None)]
    for v, row in zip(g.vertices(), rows):
        for k, val in zip(vp, row):
            g.vp[k][v] = val
    g.ep["w"] = g.new_ep("double")
    g.ep["times"] = g.new_ep("vector<int64_t>")
    g.ep["kind"] = g.new_ep("string")
    for s, d, w, t, k in [(0, 1, 0.1, [5], "p"), (1, 2, 2.0, [], "q"), (0, 1, 9.0, [6, 7], "dup"),
                          (3, 3, 1.0, [1], "loop"), (2, 0, float("nan"), [2, 3], "r")]:
        e = g.add_edge(s, d)
        g.ep.w[e], g.ep.times[e], g.ep.kind[e] = w, t, k
    g.gp["description"] = g.new_gp("string")
    g.gp.description = "test graph"
    g.gp["year"] = g.new_gp("int32_t")
    g.gp.year = 2026
    path = tmp_path / "every-type.gt.gz"
    g.save(str(path))
    return path


def test_graph_tool_every_type_exact(gt_file, tmp_path):
    out, p, skipped = imp.import_one(str(tmp_path / "out"), str(gt_file))
    assert not skipped and out.endswith("real-every-type")
    nodes = lines(out, "nodes.jsonl")
    assert [n["id"] for n in nodes] == ["k0", "k1", "k2", "k3"]       # the own string id
    assert nodes[0]["attrs"] == {"flags": [True], "i16": -3, "i32": 70000, "i64": 1 << 40,
                                 "id": "k0", "names": ["x", "y"], "nums": [1, 2],
                                 "obj": {"z": [1, None]}, "ok": True, "pos": [1.5, -2.0],
                                 "tag": "a", "x": 0.5}
    a1 = nodes[1]["attrs"]
    assert a1["x"] is None and a1["ok"] is False and a1["i64"] == -(1 << 62)
    assert a1["tag"] == "ü \"q\"" and a1["pos"] == [] and a1["obj"] == [1, 2]
    a2 = nodes[2]["attrs"]
    assert a2["x"] is None and a2["pos"] == [3.0, None] and a2["flags"] == [False, True]
    assert a2["obj"] == "{1, 2}" and a2["tag"] == ""                    # no JSON: repr
    assert nodes[3]["attrs"]["obj"] is None
    # types as written: a bool is never 1, an int never 1.0, a double always has a '.'
    text = raw(out, "nodes.jsonl").decode()
    assert '"ok":true' in text and '"i16":-3,' in text and '"pos":[0.0]' in text
    assert '"x":-0.25' in text and "NaN" not in text and "Infinity" not in text
    edges = lines(out, "edges.jsonl")
    # edge-index order; the repeated (k0, k1) and the self-loop dropped, the first kept
    assert [(e["src"], e["dst"], e["attrs"]) for e in edges] == [
        ("k0", "k1", {"kind": "p", "times": [5], "w": 0.1}),
        ("k1", "k2", {"kind": "q", "times": [], "w": 2.0}),
        ("k2", "k0", {"kind": "r", "times": [2, 3], "w": None})]
    assert (p["kind"], p["nodes"], p["edges"], p["source_edges"]) == ("real", 4, 3, 5)
    assert (p["self_loops_dropped"], p["duplicates_dropped"]) == (1, 1)
    assert p["id_property"] == "id" and p["directed"] is True
    props = {(q["on"], q["name"]): q for q in p["properties"]}
    assert len(props) == 15
    assert props[("vertex", "x")]["type"] == "double" and props[("vertex", "x")]["nan_to_null"] == 2
    assert props[("vertex", "pos")]["nan_to_null"] == 1
    assert props[("vertex", "names")]["json"] == "array of string"
    assert props[("vertex", "obj")]["repr"] == 1
    assert props[("edge", "times")]["type"] == "vector<int64_t>"
    # "nan_to_null" counts the stored edges' and the dropped ones' NaNs alike: 1 here
    assert props[("edge", "w")]["nan_to_null"] == 1
    assert p["graph_properties"] == {"description": {"type": "string", "value": "test graph"},
                                     "year": {"type": "int32_t", "value": 2026}}
    # the harness accepts it and every operation has a workload
    ns, es = scenario.load(out)
    plan, sources = scenario.resolve_plan(out, ns)
    assert sources["numeric_attr"] == "scenario.json"
    assert plan["numeric_attr"] == "i16"          # int on every node; i16 < i32 < i64 by name
    assert plan["filter"] == [{"key": "ok", "op": "==", "value": True},
                              {"key": "i16", "op": ">", "value": 0}]
    assert expected.checksums(ns, es, plan)["filter"] == "0"
    assert expected.checksums(ns, es, plan)["get"] == "2"


def test_undirected_orientation_and_index_ids(tmp_path):
    g = gt.Graph(directed=False)
    g.add_vertex(3)
    g.vp["label"] = g.new_vp("string")
    for v, s in zip(g.vertices(), ["a", "a", "b"]):          # not unique: no id property
        g.vp.label[v] = s
    g.vp["n"] = g.new_vp("int32_t")
    g.vp.n.a = [5, 6, 7]
    for s, d in [(2, 0), (0, 2), (1, 2)]:                   # (2,0) and (0,2): one undirected pair
        g.add_edge(s, d)
    path = tmp_path / "undirected.gt"
    g.save(str(path))
    out, p, _ = imp.import_one(str(tmp_path / "out"), str(path))
    assert [n["id"] for n in lines(out, "nodes.jsonl")] == ["v0", "v1", "v2"]
    assert [(e["src"], e["dst"]) for e in lines(out, "edges.jsonl")] == [("v0", "v2"),
                                                                           ("v1", "v2")]
    assert p["id_property"] is None and p["duplicates_dropped"] == 1 and p["directed"] is False
    plan = json.loads(raw(out, "scenario.json"))
    # label's most frequent value "a" is on 2 nodes: it is the filter's first predicate
    assert plan["filter"][0] == {"key": "label", "op": "==", "value": "a"}


GRAPHML = """<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="d0" for="node" attr.name="age" attr.type="int"/>
  <key id="d1" for="node" attr.name="score" attr.type="double"/>
  <key id="d2" for="node" attr.name="member" attr.type="boolean"/>
  <key id="d3" for="node" attr.name="city" attr.type="string"/>
  <key id="d4" for="edge" attr.name="w" attr.type="float"/>
  <graph id="G" edgedefault="directed">
    <node id="alice"><data key="d0">31</data><data key="d1">1.5</data><data key="d2">true</data><data key="d3">Zürich</data></node>
    <node id="bob"><data key="d0">40</data><data key="d1">2</data><data key="d2">false</data></node>
    <node id="carol"><data key="d0">-2</data><data key="d3">Oslo</data></node>
    <edge source="alice" target="bob"><data key="d4">0.5</data></edge>
    <edge source="alice" target="bob"><data key="d4">0.75</data></edge>
    <edge source="carol" target="carol"/>
    <edge source="bob" target="carol"><data key="d4">1</data></edge>
  </graph>
</graphml>
"""


def test_graphml_exact(tmp_path):
    src = tmp_path / "people.graphml"
    src.write_text(GRAPHML, encoding="utf-8")
    out, p, _ = imp.import_one(str(tmp_path / "out"), str(src))
    assert raw(out, "nodes.jsonl").decode() == (
        '{"id":"alice","attrs":{"age":31,"city":"Zürich","member":true,"score":1.5}}\n'
        '{"id":"bob","attrs":{"age":40,"member":false,"score":2.0}}\n'
        '{"id":"carol","attrs":{"age":-2,"city":"Oslo"}}\n')
    assert raw(out, "edges.jsonl").decode() == (
        '{"src":"alice","dst":"bob","attrs":{"w":0.5}}\n'
        '{"src":"bob","dst":"carol","attrs":{"w":1.0}}\n')
    assert (p["edges"], p["self_loops_dropped"], p["duplicates_dropped"]) == (2, 1, 1)
    types = {q["name"]: q["type"] for q in p["properties"]}
    assert types == {"age": "int", "city": "string", "member": "bool", "score": "double",
                     "w": "double"}
    assert p["id_property"] == "file's node ids"


def test_gml_label_as_id(tmp_path):
    src = tmp_path / "g.gml"
    src.write_text('graph [ directed 0 node [ id 7 label "x" v 1 ] node [ id 3 label "y" v 2.5 ]'
                   ' edge [ source 3 target 7 ] ]\n', encoding="utf-8")
    out, p, _ = imp.import_one(str(tmp_path / "out"), str(src))
    assert [(n["id"], n["attrs"]) for n in lines(out, "nodes.jsonl")] == [
        ("x", {"label": "x", "v": 1}), ("y", {"label": "y", "v": 2.5})]
    # undirected: from the endpoint earlier in file order
    assert [(e["src"], e["dst"]) for e in lines(out, "edges.jsonl")] == [("x", "y")]
    assert {q["name"]: q["type"] for q in p["properties"]}["v"] == "mixed"


def test_deterministic_across_processes(gt_file, tmp_path):
    """Byte-identical output from two processes with different hash seeds."""
    outs = []
    for seed in ("1", "2"):
        d = tmp_path / f"o{seed}"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        subprocess.run([PY, IMPORT, str(d), str(gt_file)], check=True, env=env,
                       capture_output=True)
        outs.append(d / "real-every-type")
    for f in ("nodes.jsonl", "edges.jsonl", "scenario.json", "params.json"):
        assert raw(outs[0], f) == raw(outs[1], f), f


def test_up_to_date_output_is_kept_and_a_changed_one_rewritten(gt_file, tmp_path):
    root = str(tmp_path / "out")
    out, _, skipped = imp.import_one(root, str(gt_file))
    assert not skipped
    before = raw(out, "nodes.jsonl")
    assert imp.import_one(root, str(gt_file))[2] is True
    with open(os.path.join(out, "nodes.jsonl"), "ab") as f:
        f.write(b"junk\n")
    assert imp.import_one(root, str(gt_file))[2] is False
    assert raw(out, "nodes.jsonl") == before


@pytest.mark.parametrize("name, text", [
    ("broken.graphml", "<graphml><graph><node id='a'>"),
    ("broken.gml", "graph [ node [ id 1 "),
    ("broken.gt.gz", "not gzip at all"),
])
def test_bad_file_names_the_file(tmp_path, name, text):
    src = tmp_path / name
    src.write_text(text, encoding="utf-8")
    r = subprocess.run([PY, IMPORT, str(tmp_path / "out"), str(src)], capture_output=True,
                       text=True)
    assert r.returncode == 1
    assert f"import: error: {src}: cannot read" in r.stderr
    assert not (tmp_path / "out").exists()


def test_unknown_source_and_format(tmp_path):
    r = subprocess.run([PY, IMPORT, str(tmp_path), "collection:no-such-graph", "x.csv"],
                       capture_output=True, text=True)
    assert r.returncode == 1 and "no-such-graph.gt.gz: no such file" in r.stderr
    r = subprocess.run([PY, IMPORT, str(tmp_path), "x.csv"], capture_output=True, text=True)
    assert r.returncode == 1 and "x.csv: unknown format" in r.stderr


def test_collection_graph(tmp_path):
    """A graph of the installed collection: the serengeti food web (161 species)."""
    out, p, _ = imp.import_one(str(tmp_path), "collection:serengeti-foodweb")
    assert (p["name"], p["source"]) == ("real-serengeti-foodweb",
                                       "graph-tool collection serengeti-foodweb")
    assert (p["nodes"], p["source_edges"], p["edges"]) == (161, 592, 591)
    assert p["self_loops_dropped"] == 1
    assert p["id_property"] == "name"
    assert [(q["name"], q["type"]) for q in p["properties"]] == [
        ("code", "string"), ("group", "int32_t"), ("name", "string"), ("pos", "vector<double>")]
    ns, es = scenario.load(out)
    assert ns[0][0] == "Abutilon spp." and ns[0][1]["code"] == "ABU"
    assert len(es) == 591


def test_makefile_ships_three_real_graphs():
    """`make scenarios` imports at least three collection graphs, one with 100K+ edges and
    list-valued properties (pgp-strong-2009: 301,498 edges, uid/subkeys/e_id/e_time)."""
    with open(os.path.join(ROOT, "Makefile"), encoding="utf-8") as f:
        line = next(x for x in f if "scenarios/import.py" in x)
    names = [w.split(":", 1)[1] for w in line.split() if w.startswith("collection:")]
    assert len(names) >= 3 and "pgp-strong-2009" in names
    sys.path.insert(0, HARNESS)
    import bench
    assert all(f"real-{n}" in bench.DEFAULT_SCENARIOS for n in names)
