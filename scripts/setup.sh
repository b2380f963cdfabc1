#!/usr/bin/env bash
# Installs every Debian package graphmem needs (build, tests, peers, report).
# Idempotent; runs as root (or through sudo). Nothing is fetched from outside Debian's archive.
set -euo pipefail

PKGS=(
  build-essential clang libclang-rt-14-dev make pkg-config valgrind
  libcjson-dev libcmocka-dev libjemalloc-dev libjemalloc2 libigraph-dev
  python3 python3-dev python3-networkx python3-igraph python3-matplotlib python3-pytest python3-scipy
  python3-graph-tool   # its bundled .gt.gz collection is the source of the real scenarios
  hyperfine librsvg2-bin gcovr   # gcovr: make coverage
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PKGS[@]} packages already installed"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "setup: done"
