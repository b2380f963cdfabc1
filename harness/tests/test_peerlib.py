"""harness/peerlib.py: what the Python drivers share must time only the operation."""
import os
import sys
import time

HARNESS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HARNESS)
import peerlib  # noqa: E402

SLOW_FREE = 0.05     # seconds a SlowFree takes to be deallocated


class SlowFree:
    """Stands for a graph whose deallocation takes time."""
    freed = 0

    def __del__(self):
        time.sleep(SLOW_FREE)
        SlowFree.freed += 1


def test_timed_leaves_the_previous_result_out():
    # Each repetition returns a new object; freeing the one before must not be timed.
    ns, last = peerlib.timed(4, SlowFree)
    assert len(ns) == 4 and isinstance(last, SlowFree)
    assert max(ns) < SLOW_FREE * 1e9 / 2, ns
    assert SlowFree.freed == 3


def test_timed_fresh_argument_freed_untimed():
    # set / batch-set return the fresh graph they mutated; remove returns a count
    ns, last = peerlib.timed(3, lambda g: g, fresh=SlowFree)
    assert max(ns) < SLOW_FREE * 1e9 / 2, ns
    assert isinstance(last, SlowFree)
    ns, last = peerlib.timed(3, lambda g: 7, fresh=SlowFree)
    assert max(ns) < SLOW_FREE * 1e9 / 2, ns
    assert last == 7


def test_timed_counts_the_operation_itself():
    ns, _ = peerlib.timed(2, lambda: time.sleep(0.02))
    assert min(ns) >= 0.02 * 1e9


TINY = os.path.join(os.path.dirname(HARNESS), "build", "scenarios", "tiny")


def _tiny():
    assert os.path.isdir(TINY), "build/scenarios/tiny missing: make scenarios (make test does)"
    return TINY


def _shared_ids(nodes, edges):
    ids = {n: n for n, _ in nodes}
    return all(s is ids[s] and d is ids[d] for s, d, _ in edges)


def test_records_reload_is_the_parse_with_its_sharing():
    # The timed section gets the records back from the fork's stash, not from a new parse:
    # equal values, edge ends the node ids' own objects, keys and categorical values interned.
    r = peerlib.Records(_tiny())
    try:
        nodes, edges = r.load()
        r.stash((nodes, edges))
        assert r.forked
        again = r.reload()
        assert r.ready, "the stash was not used"
        assert again == (nodes, edges)
        n2, e2 = again
        assert _shared_ids(n2, e2)
        keys = [k for _, a in n2 for k in a]
        assert all(k is sys.intern(k) for k in keys)
        assert r.reload() == (nodes, edges)          # a second reader (bench_python's rows)
    finally:
        r.close()
    assert not os.path.exists(r.path)


def test_records_writer_failure_falls_back_to_parsing(capsys):
    r = peerlib.Records(_tiny())
    try:
        nodes, edges = r.load()
        r.stash((nodes, edges, object()))            # marshal cannot write an object()
        assert r.reload() == (nodes, edges)
        assert not r.ready
        assert "writer exited with 1" in capsys.readouterr().err
    finally:
        r.close()


def test_first_then_gives_the_built_graph_once_then_fresh_ones():
    built = []
    fresh = peerlib.first_then("g", lambda: built.append(1) or f"h{len(built)}")
    assert [fresh(), fresh(), fresh()] == ["g", "h1", "h2"]
    ns, last = peerlib.timed(3, lambda h: h, peerlib.first_then("g", lambda: "new"))
    assert last == "new" and len(ns) == 3
