#!/usr/bin/env bash
# Whole-process throughput of `chiso extract` on a large folder made of copies
# of the project's own documents (corpus/sample + corpus/dev).
# Usage: scripts/throughput.sh [COPIES] (default 200 -> 9,600 documents)
set -euo pipefail
cd "$(dirname "$0")/.."
copies=${1:-200}
dir=$(mktemp -d /tmp/chiso_tp.XXXXXX)
trap 'rm -rf "$dir"' EXIT
for i in $(seq 1 "$copies"); do
  mkdir -p "$dir/$i"
  cp corpus/sample/*.txt corpus/dev/*.txt "$dir/$i/"
done
bytes=$(du -sb "$dir" | cut -f1)
docs=$(find "$dir" -type f | wc -l)
for jobs in 1 2; do
  start=$(date +%s.%N)
  "${CHISO_BIN:-./build/cli/chiso}" extract "$dir" --jobs "$jobs" -q -o "$dir.out.jsonl"
  end=$(date +%s.%N)
  awk -v b="$bytes" -v d="$docs" -v s="$start" -v e="$end" -v j="$jobs" \
    'BEGIN { t = e - s; printf "jobs=%d docs=%d bytes=%d time=%.2fs  %.1f docs/s  %.2f MB/s\n", j, d, b, t, d / t, b / t / 1e6 }'
done
rm -f "$dir.out.jsonl"
