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
