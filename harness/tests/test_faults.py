"""Harness faults (issue 14, item 4): a driver that crashes, exits non-zero, hangs, prints
garbage or is killed at any point; a results directory that cannot be written; a disk that
fills up. In every case results.csv stays byte-identical, no temporary file is left behind,
the run names the measurement that failed (scenario, system, allocator, the operation it got
to) and the reason, and bench.py exits non-zero.

Each fault is a tiny fake driver written to tmp_path and passed with --driver SYSTEM=CMD.
Run: /usr/bin/python3 -m pytest harness/tests/test_faults.py  (about 10 s; needs no build/).
"""
import errno
import os
import signal
import subprocess
import sys
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
HARNESS = os.path.dirname(HERE)
ROOT = os.path.dirname(HARNESS)
sys.path.insert(0, HARNESS)
import bench as bench_mod  # noqa: E402

from fakes import BENCH, PREAMBLE, PY, WANT, bench_argv, env as fake_env  # noqa: E402

WHERE = "tiny networkx glibc"        # scenario system allocator, as bench.py names a run

# A driver that measures nothing but prints rows with the right checksums (from the files,
# as bench.py computes them), so that FAULT=none succeeds; each FAULT breaks it one way.
DRIVER = PREAMBLE + r'''
fault = os.environ.get("FAULT", "none")
if fault == "kill-at-start":
    os.kill(os.getpid(), signal.SIGKILL)
''' + WANT + r'''
rows = ["build,time_ns,100,ns,best", "build,time_ns,100,ns,median", "build,mallinfo_bytes,1000,B,exact"]
rows += [f"{op},checksum,{want[op]},value,exact" for op in ("get", "column", "filter", "neighbors", "remove")]
def progress(op):
    print(f"progress:{op}", file=sys.stderr, flush=True)
progress("load")
progress("build")
if fault == "segv":
    print(rows[0], flush=True)
    print("fake: about to crash", file=sys.stderr, flush=True)
    os.kill(os.getpid(), signal.SIGSEGV)
if fault == "exit":
    print(rows[0], flush=True)
    sys.exit("fake: giving up with status 1")
if fault == "exit7":
    print("fake: status 7", file=sys.stderr)
    os._exit(7)
if fault == "garbage":
    sys.stdout.buffer.write(b"\x00\xff\xfe garbage \x80\x81\n;;;;\n")
    sys.stderr.buffer.write(b"\xff\xfe not utf-8 either\n")
    sys.exit(0)
if fault == "kill-mid-output":                 # half the rows, half a line, then SIGKILL
    print("\n".join(rows[:4]))
    sys.stdout.write(rows[4][:7])
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)
if fault == "kill-after-output":               # every row printed, killed before exiting
    print("\n".join(rows), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
if fault == "truncated":                       # the stream ends mid-line, status 0
    sys.stdout.write("\n".join(rows)[:-9])
    sys.exit(0)
if fault == "short":                           # whole lines, but the last row never came
    print("\n".join(rows[:-1]))
    sys.exit(0)
progress("get")
print("\n".join(rows))
'''

# A driver that hangs in a child process that holds its pipes: killing the driver alone
# would leave `sleep` keeping stdout and stderr open.
HANG = """#!/bin/sh
echo progress:load >&2
echo progress:build >&2
sleep 60
echo progress:get >&2
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    out = tmp_path_factory.mktemp("scen")
    subprocess.run([PY, os.path.join(ROOT, "scenarios", "generate.py"), str(out), "--only",
                    "tiny"], check=True, capture_output=True)
    return out / "tiny"


@pytest.fixture
def run(tiny, tmp_path):
    """run(fault=..., driver=None, extra=()) -> CompletedProcess; run.out is results.csv,
    written once by a good run before the test starts."""
    drv = tmp_path / "driver.py"
    drv.write_text(DRIVER)
    out = tmp_path / "results" / "results.csv"
    out.parent.mkdir()

    def argv(driver=None, extra=(), out_path=None):
        return bench_argv(["peers"], tiny, out_path or out, ["networkx"],
                          {"networkx": driver or f"{PY} {drv}"}, extra)[len(BENCH):]

    def go(fault="none", driver=None, extra=(), timeout=60):
        return subprocess.run(BENCH + argv(driver, extra), env=fake_env(FAULT=fault),
                              capture_output=True, text=True, timeout=timeout)
    go.out, go.argv, go.drv = out, argv, drv
    p = go()
    assert p.returncode == 0, p.stderr
    assert out.stat().st_size > 0
    return go


def intact(run, before):
    assert run.out.read_bytes() == before
    assert sorted(os.listdir(run.out.parent)) == ["results.csv"]     # no .results.*.tmp left


@pytest.mark.parametrize("fault, words", [
    ("segv", ["killed by SIGSEGV", "after operation 'build'", "fake: about to crash"]),
    ("exit", ["exited with status 1", "after operation 'build'", "giving up"]),
    ("exit7", ["exited with status 7", "fake: status 7"]),
    ("kill-at-start", ["killed by SIGKILL", "before it reported any operation finished"]),
    ("kill-mid-output", ["killed by SIGKILL", "after operation 'build'"]),
    ("kill-after-output", ["killed by SIGKILL"]),
    ("garbage", ["stdout line 1", "fields, want 5"]),
    ("truncated", ["stdout line 8", "fields, want 5: 'remove,checksum,"]),
    ("short", ["missing rows: remove,checksum,exact"]),
])
def test_broken_driver_leaves_results_intact(run, fault, words):
    before = run.out.read_bytes()
    p = run(fault)
    assert p.returncode == 1, p.stderr
    assert f"bench: {WHERE}: " in p.stderr, p.stderr       # scenario, system, allocator
    for w in words:
        assert w in p.stderr, (w, p.stderr)
    assert "left unchanged" in p.stderr
    intact(run, before)


def test_hung_driver_and_its_children_time_out(run, tmp_path):
    hang = tmp_path / "hang.sh"
    hang.write_text(HANG)
    hang.chmod(0o755)
    before = run.out.read_bytes()
    t0 = time.monotonic()
    p = run(driver=str(hang), extra=["--timeout", "2"], timeout=50)
    took = time.monotonic() - t0
    assert p.returncode == 1, p.stderr
    assert f"{WHERE}: driver timed out after 2 s, after operation 'build'" in p.stderr, p.stderr
    assert took < 20, took                    # not the 60 s the driver's child sleeps
    intact(run, before)


def test_killed_bench_takes_its_driver_with_it(run, tmp_path):
    """The driver runs in its own session (so a timeout kills its whole group); bench.py's
    death must still end it (PR_SET_PDEATHSIG), not leave it measuring for nobody."""
    hang = tmp_path / "hang.sh"
    hang.write_text("#!/bin/sh\necho $$ > \"$FAULT_PID\"\nexec sleep 60\n")
    hang.chmod(0o755)
    pidfile = tmp_path / "pid"
    before = run.out.read_bytes()
    env = {**os.environ, "FAULT_PID": str(pidfile)}
    p = subprocess.Popen(BENCH + run.argv(driver=str(hang)), env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while not (pidfile.exists() and pidfile.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.05)
    pid = int(pidfile.read_text())
    p.kill()
    p.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        if open(f"/proc/{pid}/stat").read().split(")")[1].split()[0] == "Z":
            break                            # a zombie: dead, waiting for init to reap it
        time.sleep(0.05)
    else:
        os.kill(pid, signal.SIGKILL)
        pytest.fail("the driver outlived bench.py")
    intact(run, before)


def in_process(run, monkeypatch, capsys):
    """bench.main() in this process (a good driver), for faults injected by monkeypatch."""
    monkeypatch.setenv("FAKE_HARNESS", HARNESS)
    monkeypatch.setenv("FAULT", "none")
    rc = bench_mod.main(run.argv())
    return rc, capsys.readouterr().err


def test_unwritable_results_directory_fails_before_measuring(run, monkeypatch, capsys):
    before = run.out.read_bytes()
    real = tempfile.mkstemp

    def denied(*a, **k):
        if k.get("dir") == str(run.out.parent):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real(*a, **k)
    monkeypatch.setattr(bench_mod.tempfile, "mkstemp", denied)
    rc, err = in_process(run, monkeypatch, capsys)
    assert rc == 1, err
    assert f"{run.out}: cannot create a file in {run.out.parent}: Permission denied" in err, err
    assert "[1/1]" not in err                 # no driver ran: it failed before measuring
    intact(run, before)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only directory")
def test_read_only_results_directory(run):
    before = run.out.read_bytes()
    os.chmod(run.out.parent, 0o555)
    try:
        p = run()
    finally:
        os.chmod(run.out.parent, 0o755)
    assert p.returncode == 1 and "cannot create a file in" in p.stderr, p.stderr
    intact(run, before)


def test_results_directory_is_a_file(run, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    p = subprocess.run(BENCH + run.argv(out_path=blocker / "results.csv"),
                       env={**os.environ, "FAKE_HARNESS": HARNESS}, capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 1, p.stderr
    assert "cannot create a file in" in p.stderr and "Not a directory" in p.stderr, p.stderr
    assert blocker.read_text() == "x"


@pytest.mark.parametrize("where", ["write", "fsync", "replace"])
def test_disk_full_while_writing_results(run, monkeypatch, capsys, where):
    """The temp file's descriptor is /dev/full (every write: ENOSPC, as on a full disk), or
    fsync / the rename fail the same way: the old results.csv stays, the temp file goes."""
    before = run.out.read_bytes()
    real = tempfile.mkstemp
    if where == "write":
        def full(*a, **k):
            fd, path = real(*a, **k)
            if k.get("suffix") == ".tmp":
                os.close(fd)
                fd = os.open("/dev/full", os.O_WRONLY)
            return fd, path
        monkeypatch.setattr(bench_mod.tempfile, "mkstemp", full)
    else:
        def enospc(*a, **k):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        monkeypatch.setattr(bench_mod.os, where, enospc)
    rc, err = in_process(run, monkeypatch, capsys)
    assert rc == 1, err
    assert f"{run.out}: cannot write the results: No space left on device" in err, err
    assert "left unchanged" in err
    intact(run, before)


def test_usage_keys_may_name_a_layout():
    """compact's gm_memory_usage names each column's layout ("node:uid list<str>"): the strict
    stdout parser takes such usage keys (past its check of the key, a line fails only for the
    rows a driver must print), and refuses them outside usage.* and with bytes that would break
    a row or a key (a comma, a quote)."""
    def key_ok(line):
        try:
            bench_mod.validate([line], "t")
        except bench_mod.BenchError as e:
            return "bad info line" not in str(e)
        return True
    assert key_ok("info,usage.node:uid list<str>,12,,")
    assert key_ok("info,usage.node:a struct<x: int8; y: f64+nulls>,7,,")
    assert key_ok("info,usage.node:salary,7,,")
    assert key_ok("info,usage.node:pos list<f64>[2],1856,,")       # a fixed-length list
    for bad in ["info,layout x<y>,1,,", 'info,"usage.node:a,b",1,,', 'info,"usage.a""b",1,,',
                "info,usage.<x>,1,,"]:
        assert not key_ok(bad), bad


def test_big_scenarios_run_the_c_drivers_three_times(tmp_path):
    """A scenario of 100K+ records runs under glibc alone; the C drivers 3 repetitions (their
    same-run ratios are medians), the Python ones 1; --reps and --quick still decide."""
    import argparse
    import json as _json
    big, small = tmp_path / "big", tmp_path / "small"
    for d, n in ((big, 150_000), (small, 5_000)):
        d.mkdir()
        (d / "params.json").write_text(_json.dumps({"nodes": n, "edges": n}))
    a = argparse.Namespace(reps=5, reps_given=False, quick=False, allocators=["glibc", "jemalloc"],
                           allocators_given=False)
    assert bench_mod.run_shape(a, str(big), "compact") == (3, ["glibc"])
    assert bench_mod.run_shape(a, str(big), "raw") == (3, ["glibc"])
    assert bench_mod.run_shape(a, str(big), "networkx") == (1, ["glibc"])
    assert bench_mod.run_shape(a, str(big), "graphmem-compact") == (1, ["glibc"])
    assert bench_mod.run_shape(a, str(small), "networkx") == (5, ["glibc", "jemalloc"])
    a.reps, a.reps_given = 2, True
    assert bench_mod.run_shape(a, str(big), "networkx")[0] == 2
    a.reps_given, a.quick, a.reps = False, True, 1
    assert bench_mod.run_shape(a, str(big), "compact")[0] == 1
