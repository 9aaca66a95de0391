#!/usr/bin/env bash
# README command 2: install, build, and run every test through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
cd build
ctest --output-on-failure -j"$(nproc)" --timeout 600
# CI only: libFuzzer targets, ~60 s each (fuzz/run.sh; cwd is build/ here).
if [ "${CI:-}" = true ]; then bash ../fuzz/run.sh "${CHISO_FUZZ_SECONDS:-60}"; fi
# CI only: the whole-process ratios against the floor program, bounded
# (bench/perf.sh; --full for 20,000 documents and the 100,000-document memory
# check). Reported, not asserted: a shared CI machine's timings are noise.
if [ "${CI:-}" = true ]; then (cd .. && bash bench/perf.sh --docs 2000 --build build); fi
