"""infobound.py against cases computed by hand."""
import json
import math
import os
import subprocess
import sys

import pytest

HARNESS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, HARNESS)
import infobound  # noqa: E402

PY = "/usr/bin/python3"


def _write(d, nodes, edges):
    with open(os.path.join(d, "nodes.jsonl"), "w") as f:
        for i, a in nodes:
            f.write(json.dumps({"id": i, "attrs": a}) + "\n")
    with open(os.path.join(d, "edges.jsonl"), "w") as f:
        for s, t, a in edges:
            f.write(json.dumps({"src": s, "dst": t, "attrs": a}) + "\n")


# 4 nodes, ids of 1+1+1+2 = 5 bytes.
#  x: 1, 1, 2, absent       -> counts 2,1,1 of 4: H = 1.5 bits, 4 x H = 6 bits = 0.75 B
#  y: "u" everywhere        -> H = 0
#  z: 1, 1.0, true, "1"     -> four distinct values: 4 x 2 bits = 1 B
# 3 edges over n = 4: 2 x 3 x ceil(log2 4) = 12 bits = 1.5 B
#  w: 0.5, absent, 0.5      -> counts 2,1 of 3: 3 x H = 3 log2 3 - 2 bits
NODES = [("a", {"x": 1, "y": "u", "z": 1}), ("b", {"x": 1, "y": "u", "z": 1.0}),
         ("c", {"x": 2, "y": "u", "z": True}), ("dd", {"y": "u", "z": "1"})]
EDGES = [("a", "b", {"w": 0.5}), ("b", "c", {}), ("c", "dd", {"w": 0.5})]
W_BYTES = (3 * math.log2(3) - 2) / 8


def test_tiny_by_hand():
    b = infobound.bound(NODES, EDGES)
    assert b["ids"] == 5
    assert b["edges"] == 1.5
    assert b["node:x"] == pytest.approx(0.75)
    assert b["node:y"] == 0
    assert b["node:z"] == pytest.approx(1.0)
    assert b["edge:w"] == pytest.approx(W_BYTES)
    assert b["total"] == pytest.approx(5 + 1.5 + 0.75 + 1.0 + W_BYTES)
    assert set(b) == {"ids", "edges", "node:x", "node:y", "node:z", "edge:w", "total"}


def test_arrays_compared_whole():
    nodes = [("p", {"l": [1, 2]}), ("q", {"l": [1, 2]}), ("r", {"l": [2, 1]}), ("s", {"l": {"k": 1}})]
    b = infobound.bound(nodes, [])
    # counts 2,1,1 of 4 -> 6 bits
    assert b["node:l"] == pytest.approx(0.75)
    assert b["edges"] == 0


def test_from_files_and_cli(tmp_path):
    # 5 nodes: ceil(log2 5) = 3 bits per end; 2 edges -> 12 bits
    nodes = [(f"n{i}", {"k": i % 2}) for i in range(5)]       # 0,1,0,1,0 -> 3,2 of 5
    _write(tmp_path, nodes, [("n0", "n1", {}), ("n1", "n2", {})])
    b = infobound.bound_dir(str(tmp_path))
    hk = -(3 * math.log2(3 / 5) + 2 * math.log2(2 / 5))
    assert b["edges"] == 1.5
    assert b["ids"] == 10
    assert b["node:k"] == pytest.approx(hk / 8)
    assert b["total"] == pytest.approx(11.5 + hk / 8)
    out = subprocess.run([PY, os.path.join(HARNESS, "infobound.py"), str(tmp_path)],
                         capture_output=True, text=True, check=True).stdout
    assert "node:k" in out and f"{b['total']:,.0f} B" in out


def test_streamed_files_give_the_loaded_records_bound(tmp_path):
    """bound_dir reads a line at a time (memory: each column's distinct values, not the
    records) and gives exactly what bound() gives for scenario.load's records: the hand-made
    graph and every shipped scenario that is built here."""
    import scenario
    _write(tmp_path, NODES, EDGES)
    dirs = [str(tmp_path)] + [d for d in (os.path.join(HARNESS, "..", "build", "scenarios", s)
                                          for s in ("tiny", "mixed-10k", "real-football"))
                              if os.path.isfile(os.path.join(d, "nodes.jsonl"))]
    for d in dirs:
        assert infobound.bound_dir(d) == infobound.bound(*scenario.load(d)), d


def test_streamed_files_name_a_bad_line(tmp_path):
    import scenario
    _write(tmp_path, NODES, EDGES)
    with open(tmp_path / "edges.jsonl", "a") as f:
        f.write('{"src": "a", "dst": \n')
    with pytest.raises(scenario.ScenarioError, match=r"edges\.jsonl:4: truncated line"):
        infobound.bound_dir(str(tmp_path))
    (tmp_path / "nodes.jsonl").write_text("")
    with pytest.raises(scenario.ScenarioError, match=r"no nodes"):
        infobound.bound_dir(str(tmp_path))
