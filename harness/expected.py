"""The expected checksum of every operation, from the scenario files and the plan alone.

bench.py records these as `plan` rows (stat `expected`) and fails a run whose driver prints
anything else (PROTOCOL.md, "Wrong answers").  This file is deliberately independent of every
driver: it shares no code with peerlib.py, gmh.c or the library, and spells the semantics
out again from PROTOCOL.md / graphmem.h, so one bug cannot make a system and its referee
agree.  Values are returned as the drivers print them (an integer, or "%.6f").
"""
import math

INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1
OPS_WITH_CHECKSUM = ("get", "column", "set", "batch-set", "filter", "neighbors", "remove")
_ABSENT = object()


def _is_number(v):
    return type(v) in (int, float)          # bool is not a number


def sum_text(values):
    """PROTOCOL.md 'Operations': ints and integral doubles below 2**53 add up as an integer,
    other doubles apart (in order); an integer, or %.6f of the total when such a double
    took part.  Non-numbers are skipped."""
    exact, rest, has_double = 0, 0.0, False
    for v in values:
        if type(v) is int:
            exact += v
        elif type(v) is float:
            if v.is_integer() and abs(v) < 2.0 ** 53:
                exact += int(v)
            else:
                rest += v
                has_double = True
    if has_double:
        return f"{float(exact) + rest:.6f}"
    # the C drivers add in int64 (wrapping); Python ints do not wrap: wrap the same way
    return str((exact - INT64_MIN) % (1 << 64) + INT64_MIN)


def set_value(old, offset):
    """set's new value: old + offset; an int stays an int unless it would leave int64."""
    if type(old) is int and type(offset) is int and INT64_MIN <= old + offset <= INT64_MAX:
        return old + offset
    return float(old) + float(offset)


def _compare(v, c):
    """-1/0/1, or None when v and c are of incomparable types (graphmem.h, gm_filter)."""
    if _is_number(v) and _is_number(c):
        if isinstance(v, float) and math.isnan(v):
            return None
        return (v > c) - (v < c)            # Python compares int with float exactly
    if type(v) is not type(c) or isinstance(v, (list, dict)):
        return None
    if v is None:
        return 0                            # null equals null, so null <= null holds
    if isinstance(v, str):                  # code point order == UTF-8 byte order
        return (v > c) - (v < c)
    return (v > c) - (v < c)                # bools: false < true


def matches(v, op, c):
    """`v op c`: an absent key matches nothing; incomparable types match only !=."""
    if v is _ABSENT:
        return False
    r = _compare(v, c)
    if r is None:
        return op == "!="
    return {"==": r == 0, "!=": r != 0, "<": r < 0, "<=": r <= 0, ">": r > 0, ">=": r >= 0}[op]


def checksums(nodes, edges, plan):
    """{operation: expected checksum text} for the records (scenario.load) and the plan."""
    attr, off = plan["numeric_attr"], plan["set_value_offset"]
    values = [a[attr] for _, a in nodes if attr in a]
    new = [set_value(v, off) for v in values if _is_number(v)]
    pos = {n: i for i, (n, _) in enumerate(nodes)}
    count = sum(1 for _, a in nodes
                if all(matches(a.get(p["key"], _ABSENT), p["op"], p["value"])
                       for p in plan["filter"]))
    return {"get": sum_text(values), "column": sum_text(values), "set": sum_text(new),
            "batch-set": sum_text(new), "filter": str(count),
            "neighbors": str(sum(pos[d] for _, d, _ in edges)),
            "remove": str(len(nodes) - len(plan["remove"]))}


def neighbors_merged(nodes, edges):
    """neighbors for a system that keeps one edge per (src, dst) (networkx.DiGraph):
    the same sum over the distinct pairs."""
    pos = {n: i for i, (n, _) in enumerate(nodes)}
    return str(sum(pos[d] for _, d in {(s, d) for s, d, _ in edges}))


def neighbors_length_only(nodes, edges):
    """What a walk that only adds up list lengths would print: the edge count. Tests assert
    that it differs from checksums()['neighbors'], i.e. that skipping the reads is caught."""
    return str(len(edges))
