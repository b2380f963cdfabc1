#!/usr/bin/env bash
# massif.sh SCENARIO_DIR SYSTEM: valgrind massif heap profile of one build by gmbench.
# Writes build/massif/massif.out.<scenario>.<system> and prints one line comparing massif with
# the counting allocator. The bytes massif finds under gm_mem_alloc/gm_mem_realloc are the store's:
# at their peak they must equal the counting allocator's figure plus the 16-byte header of each
# live block (the counting allocator counts requested bytes, massif sees header + payload). The
# rest of massif's heap is the driver's loaded records, which the counting allocator never sees.
set -euo pipefail
scen=${1:?usage: massif.sh SCENARIO_DIR SYSTEM}
sys=${2:?usage: massif.sh SCENARIO_DIR SYSTEM}
[ -f "$scen/nodes.jsonl" ] || { echo "massif: $scen has no nodes.jsonl" >&2; exit 2; }
name=$(basename "$scen")
mkdir -p build/massif
plan=build/massif/$name.plan.json
out=build/massif/massif.out.$name.$sys
/usr/bin/python3 harness/scenario.py "$scen" "$plan"
# Every snapshot detailed: the store's own peak is the largest gm_mem_* subtree over all of them
# (the whole-heap peak may fall at a moment when the driver's own buffers, not the store, peak).
rows=$(GMBENCH_ONLY=build valgrind -q --tool=massif --time-unit=B --peak-inaccuracy=0.0 \
        --detailed-freq=1 --max-snapshots=1000 --threshold=0.0 --massif-out-file="$out" \
        build/gmbench --scenario "$scen" --plan "$plan" --system "$sys" --reps 1)
get() { printf '%s\n' "$rows" | awk -F, -v op="$1" -v m="$2" '$1 == op && $2 == m { print $3; exit }'; }
live=$(get build heap_live_bytes); peak=$(get build heap_peak_bytes); blocks=$(get build heap_live_blocks)
[ -n "$live" ] && [ -n "$peak" ] && [ -n "$blocks" ] || { echo "massif: gmbench printed no build figures" >&2; exit 1; }
# The whole-heap peak, and the largest amount held under gm_mem_alloc/gm_mem_realloc in any
# snapshot (depth-1 entries of each detailed tree).
read -r total store < <(awk '
    /^mem_heap_B=/ { split($0, a, "="); if (a[2] + 0 > total) total = a[2] + 0 }
    /^snapshot=/ { if (cur > store) store = cur; cur = 0 }
    /^ n[0-9]+: / && /gm_mem_(alloc|realloc) / { cur += $2 }
    END { if (cur > store) store = cur; print total + 0, store + 0 }' "$out")
expect=$((live + 16 * blocks))
echo "massif $name $sys: peak heap $total B; the store's peak (under gm_mem_*) $store B;" \
     "counting allocator: live $live B + 16 B x $blocks blocks = $expect B (peak $peak B);" \
     "difference $((store - expect)) B (the counting allocator's peak exceeds live by $((peak - live)) B);" \
     "file $out"
