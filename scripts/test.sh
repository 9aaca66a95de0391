#!/usr/bin/env bash
# README command 2: install, build, and run every test through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
cd build
ctest --output-on-failure -j"$(nproc)" --timeout 600
# CI only: libFuzzer targets, ~60 s each (fuzz/run.sh; cwd is build/ here).
if [ "${CI:-}" = true ]; then bash ../fuzz/run.sh "${CHISO_FUZZ_SECONDS:-60}"; fi
# CI only: the whole-process ratios against the floor program on the issue's
# 20,000 documents, and peak RSS at 10,000 and 100,000, three runs each
# (bench/perf.sh --full, ~3 min; at 2,000 documents ~30 ms of serial start and fsync skewed the
# --jobs ratio). Reported, not asserted: a shared machine's timings are noise.
# Five alternated rounds, each program timed by its best: with three, one
# stretch of a busy neighbour core once made --jobs 2 look 1.48 x (1.87 x
# re-run right after).
if [ "${CI:-}" = true ]; then (cd .. && bash bench/perf.sh --full --rounds 5 --build build); fi
