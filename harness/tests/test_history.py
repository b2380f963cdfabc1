"""harness/history.py: tidy records and the per-backend bytes series."""
import csv
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import history  # noqa: E402

FIXTURE = os.path.join(HERE, "fixtures", "results.csv")


def test_record_keeps_only_tidy_rows(tmp_path):
    path, n = history.record(FIXTURE, str(tmp_path), "c1")
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    assert n == len(rows) > 0
    # deterministic figures only: glibc exact rows, without the plan's item counts/checksums
    assert all(r["stat"] == "exact" and r["allocator"] == "glibc" for r in rows)
    assert not {r["metric"] for r in rows} & {"items", "checksum", "objects_per_access"}
    with open(FIXTURE, newline="") as f:
        src = list(csv.DictReader(f))
    assert n == sum(1 for r in src if r["stat"] == "exact" and r["allocator"] == "glibc"
                    and r["metric"] not in ("items", "checksum", "objects_per_access"))
    assert any(r["metric"] == "heap_live_bytes" for r in rows)
    assert "timestamp" not in rows[0]


def test_series_over_commits(tmp_path):
    history.record(FIXTURE, str(tmp_path), "zzunknown2")
    # a second commit in which zerocopy's build bytes fell
    with open(FIXTURE, newline="") as f:
        src = list(csv.DictReader(f))
    for r in src:
        if (r["scenario"], r["system"], r["operation"], r["metric"]) == ("groggy-10k", "zerocopy", "build", "heap_live_bytes"):
            r["value"] = "2500000"
    mod = tmp_path.parent / (tmp_path.name + "-mod.csv")
    with open(mod, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(src[0].keys()))
        w.writeheader()
        w.writerows(src)
    history.record(str(mod), str(tmp_path), "zzunknown3")
    s = history.series(str(tmp_path))
    assert s["zerocopy"] == [("zzunknown2", 3000000), ("zzunknown3", 2500000)]
    assert s["json"] == [("zzunknown2", 30000000), ("zzunknown3", 30000000)]
