#!/usr/bin/env bash
# Installs what chiso needs to build and test on Debian 12, only what is missing.
# Idempotent: a second run installs nothing and takes about a second.
set -euo pipefail
pkgs=(
  cmake ninja-build g++ pkg-config git
  libicu-dev libre2-dev libpoppler-cpp-dev nlohmann-json3-dev libgtest-dev
  libvalijson-dev libcli11-dev libbenchmark-dev libsqlite3-dev libuchardet-dev
  clang-14 libclang-rt-14-dev
  libgumbo-dev libcairo2-dev fonts-dejavu-core qpdf poppler-utils
  libpq-dev postgresql
  libtesseract-dev libleptonica-dev tesseract-ocr-vie
  chromium
  slurm-wlm munge sqlite3 time
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Browser test of the review site (tests/browser): playwright-core from the npm
# registry, exactly as locked, into build/review-browser (run.sh reuses it).
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$root/build/review-browser
if command -v npm >/dev/null && { ! cmp -s "$root/tests/browser/package-lock.json" "$dest/package-lock.json" ||
    [ ! -d "$dest/node_modules/playwright-core" ]; }; then
  mkdir -p "$dest" && cp "$root/tests/browser/package.json" "$root/tests/browser/package-lock.json" "$dest/"
  (cd "$dest" && npm ci --no-audit --no-fund --loglevel=error) || echo "setup: npm ci failed; the browser test retries" >&2
fi
