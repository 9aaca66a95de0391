#!/usr/bin/env bash
# Browser test of the review site (issue 6): builds a site from the seeds with
# the chiso binary, installs playwright-core from the lock file into the build
# tree, and drives Debian's chromium with review_test.js.
# Usage: run.sh CHISO_BIN WORK_DIR SHOTS_DIR    (run from the source root)
# Exit 77 (CTest: skipped) only when chromium is missing or cannot start.
set -euo pipefail
chiso=$1 work=$2 shots=$3
src=$(cd "$(dirname "$0")" && pwd)
shared=${CHISO_SHARED_DIR:-$src/../../../shared}
mkdir -p "$work" "$shots"
if [ ! -x /usr/bin/chromium ]; then
  echo "SKIPPED: /usr/bin/chromium is not installed (scripts/setup.sh installs it)" >&2
  exit 77
fi
# playwright-core, exactly as locked; reinstalled only when the lock changes.
if ! cmp -s "$src/package-lock.json" "$work/package-lock.json" || [ ! -d "$work/node_modules/playwright-core" ]; then
  cp "$src/package.json" "$src/package-lock.json" "$work/"
  (cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
fi
rm -rf "$work/site" "$work/site-paged"
"$chiso" extract "$shared/corpus/seeds" -o "$work/run.jsonl" --jobs 1 --quiet
"$chiso" consolidate "$work/run.jsonl" -o "$work/facts.jsonl" --quiet
"$chiso" review "$work/run.jsonl" --out "$work/site" --facts "$work/facts.jsonl" --sample 12 --seed 3 --quiet
"$chiso" review "$work/run.jsonl" --out "$work/site-paged" --page-size 2 --quiet
NODE_PATH="$work/node_modules" node "$src/review_test.js" "$work/site" "$work/run.jsonl" "$shots" "$work" \
  "$work/site-paged"
