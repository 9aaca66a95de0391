#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14, ASan and UBSan in build-fuzz/
# and runs each for SECONDS (default 60) on a copy of its committed seed
# corpus (fuzz/corpus/<target>/, never written to). Exits non-zero on any
# crash, leak, timeout or sanitizer report; the reproducer is left in
# build-fuzz/<target>-crash-* (re-run: build-fuzz/fuzz/<target> FILE).
set -euo pipefail
seconds="${1:-60}"
cd "$(dirname "$0")/.."
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S . -B build-fuzz "${generator[@]}" \
  -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCHISO_FUZZ=ON -DCHISO_BUILD_TESTS=OFF -DCHISO_BUILD_BENCH=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
  >/dev/null
cmake --build build-fuzz --target decode_normalize_fuzz numbers_fuzz pipeline_fuzz consolidate_fuzz
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
for target in decode_normalize_fuzz numbers_fuzz pipeline_fuzz consolidate_fuzz; do
  scratch="$(mktemp -d)"
  trap 'rm -rf "$scratch"' EXIT
  echo "== $target: ${seconds}s"
  # New inputs go to $scratch (the first corpus directory); the committed
  # seeds are only read.
  build-fuzz/fuzz/"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=16384 -print_final_stats=1 -artifact_prefix="build-fuzz/$target-" \
    "$scratch" "fuzz/corpus/$target"
  rm -rf "$scratch"
  trap - EXIT
done
echo "fuzz: no crash, leak or sanitizer report"
