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
