"""harness/systems.toml and systems.py (issue 13): the declared systems, the checks on a
systems file, a user systems file run end to end (harness/examples), the graph-tool peer."""
import csv
import importlib.util
import os
import re
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
HARNESS = os.path.dirname(HERE)
ROOT = os.path.dirname(HARNESS)
sys.path.insert(0, HARNESS)
import systems  # noqa: E402

PY = "/usr/bin/python3"
BENCH = [PY, os.path.join(HARNESS, "bench.py")]
EXAMPLES = os.path.join(HARNESS, "examples", "systems.toml")
CHECKED = ("get", "column", "set", "filter", "neighbors", "remove")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    out = tmp_path_factory.mktemp("scen")
    subprocess.run([PY, os.path.join(ROOT, "scenarios", "generate.py"), str(out), "--only",
                    "tiny"], check=True, capture_output=True)
    return out / "tiny"


def run_bench(tiny, out, *args):
    return subprocess.run([*BENCH, "--scenario", str(tiny), "--quick", "--allocators",
                           "glibc", "--out", str(out), *args], capture_output=True, text=True)


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_declared_systems_and_groups():
    p = systems.phases(systems.load())
    assert p["peers"].keys() == {"networkx", "igraph", "graphtool", "igraph-c", "raw"}
    assert p["4"] == {"zerocopy": [os.path.join(ROOT, "build", "gmbench")]}
    assert set(p["2"]) == {"graphmem-json-layered", "graphmem-native-layered",
                           "graphmem-native-direct"}
    assert p["peers"]["networkx"] == [PY, os.path.join(HARNESS, "peer_networkx.py")]
    assert "user" not in p


def test_bench_phases_come_from_the_file():
    import bench
    assert bench.PHASES == systems.phases(systems.load())


@pytest.mark.parametrize("body,message", [
    ('[[system]]\nname = "x"\ngroup = "nine"\ncommand = ["true"]\n', "group must be one of"),
    ('[[system]]\nname = "x"\ngroup = "user"\ncommand = "true"\n', "command must be"),
    ('[[system]]\nname = "x"\ngroup = "user"\ncommand = ["true"]\nbinary = 1\n', "unknown key"),
    ('[[system]]\nname = "a,b"\ngroup = "user"\ncommand = ["true"]\n', "without commas"),
    ('[[system]]\nname = "x"\ngroup = "user"\ncommand = ["{nope}"]\n', "bad placeholder"),
    ('name = "x"\n', "no [[system]] table"),
    ('[[system]\n', "not TOML"),
    ('[[system]]\nname = "networkx"\ngroup = "user"\ncommand = ["true"]\n', "already declared"),
])
def test_malformed_file_is_refused(tmp_path, body, message):
    f = tmp_path / "s.toml"
    f.write_text(body)
    with pytest.raises(systems.SystemsError, match=re.escape(message)):
        systems.load([str(f)])


def test_placeholders_and_needs(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text('[[system]]\nname = "x"\ngroup = "user"\ncommand = ["{python}", "{dir}/d.py"]\n'
                 'requires_python = ["no_such_module_xyz", "json"]\n'
                 'requires_files = ["{dir}/d.py"]\n')
    (s,) = [s for s in systems.load([str(f)]) if s["name"] == "x"]
    assert s["command"] == [PY, str(tmp_path / "d.py")]
    lacks = systems.missing(s)
    assert len(lacks) == 2 and "no_such_module_xyz" in lacks[0] and "d.py missing" in lacks[1]
    (tmp_path / "d.py").write_text("")
    assert len(systems.missing(s)) == 1


def test_bench_refuses_a_system_that_lacks_its_needs(tiny, tmp_path):
    f = tmp_path / "s.toml"
    f.write_text('[[system]]\nname = "x"\ngroup = "user"\ncommand = ["{python}", "-c", ""]\n'
                 'requires_python = ["no_such_module_xyz"]\n')
    out = tmp_path / "r.csv"
    p = run_bench(tiny, out, "--systems-file", str(f), "--phase", "user")
    assert p.returncode == 1
    assert "system x" in p.stderr and "no_such_module_xyz" in p.stderr
    assert not out.exists()


def test_user_systems_file_end_to_end(tiny, tmp_path):
    """The example driver runs through the user file; bench verified every checksum
    against expected.py (a wrong one exits 1), and the rows are there."""
    b = subprocess.run(["make", "-s", "-C", ROOT, "build/example_tiny_store"],
                       capture_output=True, text=True)
    assert b.returncode == 0, b.stderr
    out = tmp_path / "r.csv"
    p = run_bench(tiny, out, "--systems-file", EXAMPLES, "--phase", "user")
    assert p.returncode == 0, p.stderr
    got = {(r["system"], r["operation"]) for r in rows(out) if r["metric"] == "checksum"}
    for op in CHECKED:
        assert ("example-dict", op) in got
    for op in ("get", "column", "filter", "neighbors", "remove"):    # no set in the C one
        assert ("example-c", op) in got
    assert {r["phase"] for r in rows(out) if r["system"].startswith("example-")} == {"user"}


def test_make_systems_variable():
    """make's SYSTEMS=F.toml becomes --systems-file F; any other value stays the subset."""
    def cmd(value):
        p = subprocess.run(["make", "-n", "-s", "-C", ROOT, "bench-user", f"SYSTEMS={value}",
                            "-o", "scenarios"], capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        return p.stdout
    assert f"--systems-file {EXAMPLES}" in cmd(EXAMPLES)
    assert "--systems networkx,igraph" in cmd("networkx,igraph")
    assert "--systems-file" not in cmd("networkx,igraph")


@pytest.mark.skipif(importlib.util.find_spec("graph_tool") is None,
                    reason="python3-graph-tool not installed")
def test_graphtool_peer_checksums(tiny, tmp_path):
    out = tmp_path / "r.csv"
    p = run_bench(tiny, out, "--phase", "peers", "--systems", "graphtool")
    assert p.returncode == 0, p.stderr
    rs = [r for r in rows(out) if r["system"] == "graphtool"]
    assert {r["operation"] for r in rs if r["metric"] == "checksum"} >= set(CHECKED)
    cold = [r for r in rs if r["metric"] == "graphtool_first_graph_bytes"]
    assert len(cold) == 1 and int(cold[0]["value"]) > 0


@pytest.mark.skipif(importlib.util.find_spec("graph_tool") is None,
                    reason="python3-graph-tool not installed")
def test_graphtool_value_types():
    import peer_graphtool as pg
    assert pg.value_type([1, 2, -3]) == "int32_t"
    assert pg.value_type([1, 2 ** 40]) == "int64_t"
    assert pg.value_type([1, 2.5]) == "double"
    assert pg.value_type([1, 2 ** 60, 0.5]) == "object"     # 2**60 would not survive a double
    assert pg.value_type([True, False]) == "bool"
    assert pg.value_type([True, 1]) == "object"
    assert pg.value_type(["a", "b"]) == "string"
    assert pg.value_type([[1], [2, 3]]) == "vector<int32_t>"
    assert pg.value_type([["a"], []]) == "vector<string>"
    assert pg.value_type([[1], ["a"]]) == "object"
    assert pg.value_type([{"a": 1}]) == "object"
