#!/usr/bin/env bash
# chiso must start without Poppler, Tesseract/Leptonica and libpq (issue 7:
# start-up): PDFs go to the helper chiso-pdf, libpq is loaded for
# postgresql:// targets only. Fails if the binary links them again.
# Usage: tests/links_test.sh CHISO CHISO_PDF
set -euo pipefail
chiso=$1 helper=$2
libs=$(ldd "$chiso")
# ldd must have worked: chiso always needs RE2 and the C library.
grep -q 'libre2\.so' <<<"$libs" || { echo "ldd $chiso gave no RE2: $libs" >&2; exit 1; }
if bad=$(grep -Ei 'poppler|tesseract|lept|libpq|libgomp|libcurl|libkrb5|libldap' <<<"$libs"); then
  echo "$chiso links libraries it must load only when needed:" >&2
  echo "$bad" >&2
  exit 1
fi
# The helper is where Poppler went (a check that the pattern above can match).
grep -q 'libpoppler' <(ldd "$helper") || { echo "$helper does not link Poppler" >&2; exit 1; }
echo "$chiso: $(wc -l <<<"$libs") shared libraries, none of Poppler, Tesseract, libpq"
