"""The parsed-records cache of the C drivers (harness/gmh_cache.h): a big generated scenario is
read back from DIR/.gmh-records.bin by every driver, with the very figures a parse gives, and a
missing, stale, damaged or unwritable cache changes nothing but the load time."""
import json
import os
import shutil
import stat
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from test_harness import HARNESS, PY, generated, run_driver  # noqa: E402,F401

CACHE = ".gmh-records.bin"


def exact(p):
    """A driver run's exact rows, less glibc's view (it depends on the load path, see below)."""
    assert p.returncode == 0, p.stderr
    return sorted(ln for ln in p.stdout.splitlines()
                  if ln.endswith(",exact") and ",mallinfo_bytes," not in ln)


def everything(p):
    """Every row a run repeats: the exact ones, glibc's included."""
    assert p.returncode == 0, p.stderr
    return sorted(ln for ln in p.stdout.splitlines() if ln.endswith(",exact"))


@pytest.fixture
def big(generated, tmp_path):
    """groggy-10k's files claiming 500,000 nodes in params.json: the cache's threshold."""
    d = tmp_path / "big"
    shutil.copytree(generated / "groggy-10k", d)
    params = json.loads((d / "params.json").read_text())
    params["nodes"] = 500_000
    (d / "params.json").write_text(json.dumps(params))
    plan = tmp_path / "plan.json"
    subprocess.run([PY, os.path.join(HARNESS, "scenario.py"), str(d), str(plan)], check=True,
                   capture_output=True)
    return d, plan


def run(d, plan, system="zerocopy", env=None):
    name = {"raw": "raw_floor", "igraph-c": "peer_igraph_c"}.get(system, "gmbench")
    old = os.environ.get("GMH_CACHE")
    try:
        if env is not None:
            os.environ["GMH_CACHE"] = env
        return run_driver(name, system, d, plan)
    finally:
        if env is not None:
            if old is None:
                del os.environ["GMH_CACHE"]
            else:
                os.environ["GMH_CACHE"] = old


@pytest.mark.parametrize("system", ["zerocopy", "compact", "raw", "igraph-c"])
def test_cached_load_gives_the_parse_figures_and_repeats_exactly(big, system):
    d, plan = big
    parsed = run(d, plan, system, env="0")
    assert not (d / CACHE).exists()                      # GMH_CACHE=0: never written
    first = run(d, plan, system)                         # writes the cache (in a child), reads it
    assert (d / CACHE).exists()
    second = run(d, plan, system)                        # reads it
    assert exact(first) == exact(parsed)                 # same records: same bytes, sums, counts
    assert everything(first) == everything(second)       # glibc's figure too, first run or not


def test_smaller_or_hand_written_scenarios_are_never_cached(generated, tmp_path, big):
    d = tmp_path / "g10k"
    shutil.copytree(generated / "groggy-10k", d)         # params.json says 10,000 nodes
    _, plan = big
    assert run(d, plan).returncode == 0
    assert not (d / CACHE).exists()
    (d / "params.json").unlink()                          # a user's scenario: no params.json
    assert run(d, plan).returncode == 0
    assert not (d / CACHE).exists()


def test_stale_or_damaged_cache_is_rebuilt_not_trusted(big):
    d, plan = big
    want = exact(run(d, plan, env="0"))
    assert exact(run(d, plan)) == want
    good = (d / CACHE).read_bytes()
    # damaged: truncated, a flipped byte in the records, trailing garbage
    for bad in (good[: len(good) // 2], good[:200] + bytes([good[200] ^ 0xFF]) + good[201:],
                good + b"x"):
        (d / CACHE).write_bytes(bad)
        assert exact(run(d, plan)) == want
        assert (d / CACHE).read_bytes() == good or bad[:200] == good[:200]
    # stale: the records changed (same size, other content): the cache must not be read
    (d / CACHE).write_bytes(good)
    nodes = (d / "nodes.jsonl").read_text()
    (d / "nodes.jsonl").write_text(nodes.replace('"salary":5', '"salary":6', 1))
    changed = exact(run(d, plan, env="0"))
    assert changed != want
    assert exact(run(d, plan)) == changed
    assert (d / CACHE).read_bytes() != good


def test_unwritable_cache_and_bad_records_still_work_and_name_the_line(big):
    d, plan = big
    want = exact(run(d, plan, env="0"))
    (d / CACHE).mkdir()                                   # the rename into place fails (root too)
    assert exact(run(d, plan)) == want
    assert (d / CACHE).is_dir() and sorted(os.listdir(d)) == sorted(
        ["nodes.jsonl", "edges.jsonl", "params.json", "scenario.json", CACHE])   # no temporary left
    (d / CACHE).rmdir()
    assert exact(run(d, plan)) == want and (d / CACHE).is_file()
    with open(d / "edges.jsonl", "a", encoding="utf-8") as f:
        f.write('{"src": "n1", "dst": "nowhere"}\n')
    p = run(d, plan)                                      # the old cache is stale: parsed
    assert p.returncode == 2 and "edges.jsonl:" in p.stderr and "nowhere" in p.stderr
