#!/usr/bin/env bash
# README command 1: install, build, and extract the bundled sample corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
mkdir -p out
./build/cli/chiso extract corpus/sample -o out/sample.jsonl
./build/cli/chiso eval corpus/sample/gold.jsonl out/sample.jsonl > out/sample.eval.txt
head -9 out/sample.eval.txt
echo "JSON written to $(pwd)/out/sample.jsonl"
