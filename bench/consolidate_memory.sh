#!/usr/bin/env bash
# Consolidation memory is flat in the number of facts (issue 11): runs
# `chiso consolidate` on two generated corpora, the second with 4x the units
# (so 4x the facts and figures), and compares peak RSS; also reports time per
# million figures.
#
# Usage: bench/consolidate_memory.sh [--full] [--build DIR] [--memory MB]
#   default: 200 and 800 units (~0.21M and ~0.86M figures) with --memory 16,
#   bounded for CI; --full: 1,000 and 4,000 units (~1.07M and ~4.3M figures)
#   with the default 64 MB of sort buffers.
# Exits 1 when the larger run's peak RSS exceeds the smaller's by over 10%.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build
small=200
large=800
memory=16
while [ $# -gt 0 ]; do
  case "$1" in
    --full) small=1000; large=4000; memory=64; shift ;;
    --build) build=$2; shift 2 ;;
    --memory) memory=$2; shift 2 ;;
    *) echo "usage: bench/consolidate_memory.sh [--full] [--build DIR] [--memory MB]" >&2; exit 2 ;;
  esac
done
chiso=$build/cli/chiso
bench=$build/bench/consolidate_bench
for b in "$chiso" "$bench"; do
  [ -x "$b" ] || { echo "consolidate_memory.sh: $b not built" >&2; exit 2; }
done
work=$(mktemp -d /tmp/chiso_consmem.XXXXXX)
trap 'rm -rf "$work"' EXIT

run() {  # UNITS -> "figures facts seconds(user+sys) peak_MB"
  local units=$1
  "$bench" --write="$work/in.jsonl" --sources=7 --units="$units" 2>"$work/gen.txt"
  /usr/bin/time -f "%U %S %M" -o "$work/time" \
    "$chiso" consolidate "$work/in.jsonl" -o "$work/facts.jsonl" --memory "$memory" \
    --temp-dir "$work" 2>"$work/summary.txt"
  local figures facts
  figures=$(sed -n 's/.* \([0-9]*\) figures (.*/\1/p' "$work/summary.txt")
  facts=$(sed -n 's/.* -> \([0-9]*\) facts.*/\1/p' "$work/summary.txt")
  read -r user sys kb <"$work/time"
  awk -v f="$figures" -v n="$facts" -v u="$user" -v s="$sys" -v k="$kb" \
    'BEGIN { printf "%d %d %.2f %.1f", f, n, u + s, k / 1024 }'
  rm -f "$work/in.jsonl" "$work/facts.jsonl"
}

read -r f1 n1 t1 m1 <<<"$(run "$small")"
read -r f2 n2 t2 m2 <<<"$(run "$large")"
printf "units %5d: %8d figures %7d facts  %6.2f s CPU (%.2f s per 1M figures)  peak RSS %6.1f MB\n" \
  "$small" "$f1" "$n1" "$t1" "$(awk -v t="$t1" -v f="$f1" 'BEGIN { print t / f * 1e6 }')" "$m1"
printf "units %5d: %8d figures %7d facts  %6.2f s CPU (%.2f s per 1M figures)  peak RSS %6.1f MB\n" \
  "$large" "$f2" "$n2" "$t2" "$(awk -v t="$t2" -v f="$f2" 'BEGIN { print t / f * 1e6 }')" "$m2"
awk -v a="$m1" -v b="$m2" -v na="$n1" -v nb="$n2" 'BEGIN {
  printf "facts x%.2f, peak RSS x%.3f (--memory '"$memory"' MB; target: flat, <= x1.10)\n", nb / na, b / a
  exit (b > a * 1.10) ? 1 : 0 }'
