#!/usr/bin/env bash
# Whole-process performance of chiso against the floor program (issue 7),
# every ratio from one run on the same files:
#   floor      bench/chiso_floor: read + ICU NFC + one RE2::Set pass
#   extract    chiso extract --jobs 1, then --jobs 2
#   start-up   chiso extract of one tiny document to stdout (best of 20; -o
#              FILE adds the fsyncs of a durable output), and --help
#   memory     peak RSS of chiso extract --jobs 2 on N documents; with --full
#              at 10,000 and 100,000, three runs each, medians compared
#   stages     bench/stages_bench: each stage's MB/s on 400 generated documents
#   bound      from those: the ratio --jobs 1 could reach at most if only the
#              stages every record needs ran (see the end of this script)
#
# Usage: bench/perf.sh [--docs N] [--full] [--build DIR] [--rounds R]
#   default N = 2,000 (a quick look); --full (as CI runs it): N = 20,000 and the
#   memory check at 10,000 and 100,000 documents; R rounds (default 3) of
#   floor, --jobs 1, --jobs 2 in turn, each timed by its best round.
# The corpus comes from corpus/gen (chiso-gen) when built, else from copies of
# corpus/sample + corpus/dev. Prints a table; writes DIR/perf.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
docs=2000
full=0
build=build
rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --docs) docs=$2; shift 2 ;;
    --full) full=1; docs=20000; shift ;;
    --build) build=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "usage: bench/perf.sh [--docs N] [--full] [--build DIR] [--rounds R]" >&2; exit 2 ;;
  esac
done
chiso=$build/cli/chiso
floor=$build/bench/chiso_floor
gen=$build/corpus/gen/chiso-gen
for b in "$chiso" "$floor"; do
  [ -x "$b" ] || { echo "perf.sh: $b not built" >&2; exit 2; }
done
work=$(mktemp -d /tmp/chiso_perf.XXXXXX)
trap 'rm -rf "$work"' EXIT

make_corpus() {  # DIR N
  local dir=$1 n=$2
  mkdir -p "$dir"
  if [ -x "$gen" ]; then
    "$gen" --docs "$n" --seed 7 --out "$dir" >/dev/null
    rm -f "$dir/gold.jsonl"
  else
    local src=(corpus/sample/*.txt corpus/dev/*.txt) i=0
    while [ "$i" -lt "$n" ]; do
      local sub=$dir/$((i / 1000))
      mkdir -p "$sub"
      cp "${src[$((i % ${#src[@]}))]}" "$sub/$i.txt"
      i=$((i + 1))
    done
  fi
}

# Times are read from bash's clock ($EPOCHREALTIME, microseconds once its
# decimal point, '.' or ',' by locale, is taken out), with no process of
# their own: a `date` on each side of a run added its exit and a fork to the
# time (~2 ms, a tenth of the start-up target).
[ -n "${EPOCHREALTIME:-}" ] || { echo "perf.sh: needs bash 5 (\$EPOCHREALTIME)" >&2; exit 2; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e6 }'; }

make_corpus "$work/c" "$docs"
bytes=$(du -sb "$work/c" | cut -f1)
n=$(find "$work/c" -type f | wc -l)
cat "$work"/c/*/* >/dev/null 2>&1 || true  # warm the page cache for every program alike

# The three programs take turns, $rounds rounds; each is timed by its best
# round. On a shared machine a run is slowed now and then (10-25% seen
# here); the best of several alternated runs is what the code can do, and
# the all-rounds list shows the spread.
floor_s="" j1_s="" j2_s="" all_floor="" all_j1="" all_j2=""
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }
for _ in $(seq "$rounds"); do
  t0=${EPOCHREALTIME//[.,]/}; "$floor" "$work/c" >/dev/null; t1=${EPOCHREALTIME//[.,]/}; d=$(secs "$t0" "$t1")
  floor_s=$(best "$floor_s" "$d"); all_floor="$all_floor $d"
  # The previous round's output goes first: renaming over it would time the
  # file system freeing ~10 MB of blocks (~7 ms, serial at any --jobs).
  rm -f "$work/o1.jsonl" "$work/o2.jsonl"
  t0=${EPOCHREALTIME//[.,]/}; "$chiso" extract "$work/c" --jobs 1 -q -o "$work/o1.jsonl"; t1=${EPOCHREALTIME//[.,]/}; d=$(secs "$t0" "$t1")
  j1_s=$(best "$j1_s" "$d"); all_j1="$all_j1 $d"
  t0=${EPOCHREALTIME//[.,]/}; "$chiso" extract "$work/c" --jobs 2 -q -o "$work/o2.jsonl"; t1=${EPOCHREALTIME//[.,]/}; d=$(secs "$t0" "$t1")
  j2_s=$(best "$j2_s" "$d"); all_j2="$all_j2 $d"
  cmp -s "$work/o1.jsonl" "$work/o2.jsonl" || { echo "perf.sh: --jobs 1 and --jobs 2 outputs differ" >&2; exit 1; }
done

printf 'Quảng Ninh đạt 90,5%% điểm PAR INDEX năm 2023.\n' >"$work/tiny.txt"
best_tiny=999999 best_help=999999
for _ in $(seq 20); do
  t0=${EPOCHREALTIME//[.,]/}; "$chiso" extract "$work/tiny.txt" -q >"$work/tiny.jsonl"; t1=${EPOCHREALTIME//[.,]/}
  d=$((t1 - t0)); [ "$d" -lt "$best_tiny" ] && best_tiny=$d
  t0=${EPOCHREALTIME//[.,]/}; "$chiso" --help >/dev/null; t1=${EPOCHREALTIME//[.,]/}
  d=$((t1 - t0)); [ "$d" -lt "$best_help" ] && best_help=$d
done

rss() {  # DIR -> peak RSS in MB of extract --jobs 2
  /usr/bin/time -f "%M" -o "$work/rss" "$chiso" extract "$1" --jobs 2 -q -o "$work/rss.jsonl"
  awk '{ printf "%.1f", $1 / 1024 }' "$work/rss"
}
# Peak RSS of one run moves with thread timing (at 100,000 documents 27.7 to
# 30.2 MB over 25 runs of one build): the memory check takes three runs at
# each size, compares their medians and prints all of them.
rss3() {  # DIR -> "r1 r2 r3" sorted
  local a b c
  a=$(rss "$1"); b=$(rss "$1"); c=$(rss "$1")
  printf '%s\n' "$a" "$b" "$c" | sort -n | tr '\n' ' ' | sed 's/ $//'
}
rss_n=$(rss "$work/c")
if [ "$full" = 1 ]; then
  rm -rf "$work/c" "$work"/o*.jsonl
  make_corpus "$work/m10" 10000; rss_10k=$(rss3 "$work/m10"); rm -rf "$work/m10"
  make_corpus "$work/m100" 100000; rss_100k=$(rss3 "$work/m100"); rm -rf "$work/m100"
fi

{
  echo "documents: $n, $bytes bytes ($( [ -x "$gen" ] && echo chiso-gen || echo copies of corpus/sample+dev ))"
  awk -v f="$floor_s" -v a="$j1_s" -v b="$j2_s" -v by="$bytes" -v n="$n" 'BEGIN {
    printf "floor            %8.2f s  %8.0f docs/s  %6.2f MB/s\n", f, n / f, by / f / 1e6
    printf "extract --jobs 1 %8.2f s  %8.0f docs/s  %6.2f MB/s  = %.3f x floor (target >= 0.5)\n", a, n / a, by / a / 1e6, f / a
    printf "extract --jobs 2 %8.2f s  %8.0f docs/s  %6.2f MB/s  = %.2f x jobs 1 (target >= 1.8)\n", b, n / b, by / b / 1e6, a / b
  }'
  echo "best of $rounds alternated rounds; all rounds (s): floor$all_floor; jobs 1$all_j1; jobs 2$all_j2"
  awk -v t="$best_tiny" -v h="$best_help" 'BEGIN {
    printf "start-up (one tiny document) %.1f ms (target <= 20); --help %.1f ms\n", t / 1000, h / 1000 }'
  echo "peak RSS, $n documents: $rss_n MB"
  if [ "$full" = 1 ]; then
    awk -v a="$rss_10k" -v b="$rss_100k" 'BEGIN {
      split(a, x, " "); split(b, y, " ")
      printf "peak RSS 10,000 docs %.1f MB, 100,000 docs %.1f MB (%+.1f%%; medians of 3 runs: %s | %s MB; highest %.1f MB; targets <= 64 MB, <= 10%%)\n",
        x[2], y[2], (y[2] / x[2] - 1) * 100, a, b, (y[3] > x[3] ? y[3] : x[3]) }'
  fi
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$build/perf.txt"

# Each stage's throughput on its own (Google Benchmark, CPU time), to compare
# with the floor's MB/s above.
stages=$build/bench/stages_bench
if [ -x "$stages" ]; then
  min_time=0.2; [ "$full" = 1 ] && min_time=2
  "$stages" --benchmark_min_time=$min_time --benchmark_format=csv 2>/dev/null |
    awk -F, '$1 ~ /^"BM_/ { gsub(/"|BM_/, "", $1)
      printf "stage %-16s %8.1f MB/s  %8.0f docs/s\n", $1, $6 / 1e6, $7 }' | tee "$work/stages.txt" | tee -a "$build/perf.txt"
  # The most --jobs 1 could reach if only the stages every record needs ran
  # (sentences, gazetteer, locating the rules' matches, validation,
  # emission) and context words, years, captures, attribution, hashing and
  # writing cost nothing; reading + normalizing are taken at the floor's own
  # cost (its time minus its set pass). Time per MB adds up.
  awk -v by="$bytes" -v f="$floor_s" '
    $1 == "stage" { mbs[$2] = $3 }
    END {
      need = "Sentences Gazetteer RuleMatches Validate Emit"
      n = split(need, st, " ")
      if (!(("FloorSet") in mbs)) exit
      floor_mbs = by / f / 1e6
      t = 1 / floor_mbs - 1 / mbs["FloorSet"]
      for (i = 1; i <= n; ++i) { if (!(st[i] in mbs)) exit; t += 1 / mbs[st[i]] }
      printf "bound: floor-cost reading + normalizing, then only %s: %.1f MB/s = at most %.2f x floor\n",
        need, 1 / t, (1 / t) / floor_mbs
    }' "$work/stages.txt" | tee -a "$build/perf.txt"
fi
