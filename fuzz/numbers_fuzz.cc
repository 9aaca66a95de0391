// Fuzz target: the number parsers on arbitrary text. The first byte picks the
// hints (percent, integer_expected, convention); the rest is the numeral.
// Checks: ParseNumber returns finite values, never -0, a sign consistent with
// the value, and agrees with itself on a second call; ParseSpelledNumber
// returns 1..999; DetectConvention returns one of its three values.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "normalize/numbers.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t flags = data[0];
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  chiso::NumberHints hints;
  hints.percent = flags & 1;
  hints.integer_expected = flags & 2;
  hints.convention = static_cast<chiso::DecimalConvention>((flags >> 2) % 3);
  std::optional<chiso::ParsedNumber> n = chiso::ParseNumber(text, hints);
  if (n) {
    Check(std::isfinite(n->value), "ParseNumber value finite");
    Check(!(n->value == 0 && std::signbit(n->value)), "ParseNumber never -0");
    Check(n->sign >= -1 && n->sign <= 1, "sign in -1..1");
    if (n->sign == -1) Check(n->value <= 0, "negative sign, non-positive value");
    if (n->sign >= 0) Check(n->value >= 0, "no minus sign, non-negative value");
    std::optional<chiso::ParsedNumber> again = chiso::ParseNumber(text, hints);
    Check(again && again->value == n->value && again->integral == n->integral,
          "ParseNumber deterministic");
  }
  if (std::optional<int> s = chiso::ParseSpelledNumber(text)) {
    Check(*s >= 1 && *s <= 999, "ParseSpelledNumber in 1..999");
  }
  chiso::DecimalConvention c = chiso::DetectConvention(text);
  Check(c == chiso::DecimalConvention::kUnknown || c == chiso::DecimalConvention::kComma ||
            c == chiso::DecimalConvention::kDot,
        "DetectConvention value");
  return 0;
}
