#!/usr/bin/env bash
# PDF text path against pdftotext (issue 4/7): the 40 corpus/dev documents as
# PDFs (made by ingest/pdf_test with CHISO_KEEP_FIXTURES), timed in one run:
# `chiso extract --jobs 1` (sandboxed Poppler per file, layout, the whole
# pipeline) and `pdftotext` once per file (Poppler's text dump, nothing else).
# Usage: bench/pdf_vs_pdftotext.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
work=$(mktemp -d /tmp/chiso_pdfbench.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/pdf" "$work/txt"
CHISO_KEEP_FIXTURES="$work/pdf" "$build/ingest/formats_test" \
  --gtest_filter='PdfAcceptance.DevCorpusGivesItsTextFigures' >/dev/null
n=$(ls "$work/pdf" | wc -l)
pages=0
for f in "$work"/pdf/*.pdf; do
  pages=$((pages + $(pdfinfo "$f" | awk '/^Pages:/ { print $2 }')))
done
now() { date +%s.%N; }
t0=$(now); "$build/cli/chiso" extract "$work/pdf" --jobs 1 -q -o "$work/out.jsonl"; t1=$(now)
for f in "$work"/pdf/*.pdf; do pdftotext "$f" "$work/txt/$(basename "$f" .pdf).txt"; done; t2=$(now)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v n="$n" -v p="$pages" 'BEGIN {
  printf "%d PDFs, %d pages\n", n, p
  printf "chiso extract --jobs 1  %.2f s  %.4f s/page\n", b - a, (b - a) / p
  printf "pdftotext (per file)     %.2f s  %.4f s/page\n", c - b, (c - b) / p
  printf "ratio chiso/pdftotext    %.2f (target <= 1.3)\n", (b - a) / (c - b) }'
