#!/usr/bin/env bash
# Wall time of a chiso cluster run on this machine's one-node Slurm (issue 10):
# DOCS documents (default 20,000; copies of corpus/sample + corpus/dev) as a
# 1-task and a 2-task array, each followed by its merge job, timed from
# submit.sh to the merge job's end; plus plain `chiso extract` with 1 and 2
# threads for comparison. Checks all four outputs are identical.
# Usage: tests/slurm/bench.sh CHISO_BIN [DOCS]   (as root; see slurm_test.sh)
set -euo pipefail
chiso=$(realpath "$1")
docs_count=${2:-20000}
src=$(cd "$(dirname "$0")/../.." && pwd)
t0=$SECONDS
# shellcheck source=tests/slurm/cluster.sh
source "$src/tests/slurm/cluster.sh"
start_cluster
list=$tmp/list.txt
make_corpus "$docs_count" "$list"
export CHISO_BIN=$chiso
bytes=$(xargs -d '\n' cat <"$list" | wc -c)
say "corpus: $docs_count documents, $bytes bytes"
now() { date +%s.%N; }
report() {  # LABEL START END
  awk -v l="$1" -v s="$2" -v e="$3" -v d="$docs_count" -v b="$bytes" \
    'BEGIN { t = e - s; printf "%-28s %7.1f s  %7.1f docs/s  %5.2f MB/s\n", l, t, d / t, b / t / 1e6 }'
}
results=()
for jobs in 1 2; do
  s=$(now)
  "$chiso" extract --files-from "$list" --jobs "$jobs" -q -o "$tmp/direct-$jobs.jsonl"
  results+=("$(report "chiso extract --jobs $jobs" "$s" "$(now)")")
done
for n in 1 2; do
  s=$(now)
  submit "$list" "$tmp/n$n" "$n"
  wait_job "$array_job" 1800
  expect_states "$array_job" COMPLETED
  wait_job "$merge_job" 600
  expect_states "$merge_job" COMPLETED
  results+=("$(report "Slurm: $n task(s) + merge" "$s" "$(now)")")
  cmp "$tmp/direct-1.jsonl" "$tmp/n$n/merged.jsonl" || fail "the $n-task merge differs from the direct run"
done
cmp "$tmp/direct-1.jsonl" "$tmp/direct-2.jsonl" || fail "--jobs 1 and --jobs 2 differ"
say "all outputs identical ($(lines "$tmp/direct-1.jsonl") records)"
printf '%s\n' "${results[@]}"
