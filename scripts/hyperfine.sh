#!/usr/bin/env bash
# hyperfine.sh SCENARIO_DIR: whole-process wall time of every driver on one scenario (load, build
# and every operation, one repetition each). hyperfine's own memory column is ru_maxrss, which is
# inherited across execve and so meaningless for a child: it is not reported.
set -euo pipefail
scen=${1:?usage: hyperfine.sh SCENARIO_DIR}
[ -f "$scen/nodes.jsonl" ] || { echo "hyperfine: $scen has no nodes.jsonl" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "hyperfine: not installed (run scripts/setup.sh)" >&2; exit 2; }
name=$(basename "$scen")
mkdir -p build/hyperfine
plan=build/hyperfine/$name.plan.json
/usr/bin/python3 harness/scenario.py "$scen" "$plan"
args="--scenario $scen --plan $plan --reps 1"
cmds=()
for s in json native columnar zerocopy; do cmds+=("build/gmbench $args --system $s"); done
cmds+=("build/peer_igraph_c $args --system igraph-c" "build/raw_floor $args --system raw")
cmds+=("env PYTHONMALLOC=malloc PYTHONHASHSEED=0 /usr/bin/python3 harness/peer_networkx.py $args --system networkx")
cmds+=("env PYTHONMALLOC=malloc PYTHONHASHSEED=0 /usr/bin/python3 harness/peer_igraph.py $args --system igraph")
hyperfine -N --warmup 1 --runs "${RUNS:-5}" --style basic --output null \
    --export-csv "build/hyperfine/$name.csv" --export-markdown "build/hyperfine/$name.md" "${cmds[@]}"
echo "hyperfine: tables in build/hyperfine/$name.md and .csv"
