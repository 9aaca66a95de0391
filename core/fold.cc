#include "core/fold.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>

#include <array>

namespace chiso {
namespace {

// Latin letters with diacritics live in U+00C0..U+024F and U+1E00..U+1EFF.
constexpr char32_t kLo1 = 0x00C0, kHi1 = 0x024F, kLo2 = 0x1E00, kHi2 = 0x1EFF;

struct FoldTable {
  std::array<char, (kHi1 - kLo1 + 1) + (kHi2 - kLo2 + 1)> base{};
  FoldTable() {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
    auto fill = [&](char32_t lo, char32_t hi, size_t off) {
      for (char32_t cp = lo; cp <= hi; ++cp) {
        char c = 0;
        if (cp == 0x0110 || cp == 0x0111) {
          c = 'd';
        } else if (U_SUCCESS(status)) {
          icu::UnicodeString d;
          nfd->normalize(icu::UnicodeString(static_cast<UChar32>(cp)), d, status);
          if (U_SUCCESS(status) && d.length() > 0) {
            UChar32 b = u_tolower(d.char32At(0));
            if (b >= 'a' && b <= 'z') c = static_cast<char>(b);
          }
        }
        base[off + (cp - lo)] = c;
      }
    };
    fill(kLo1, kHi1, 0);
    fill(kLo2, kHi2, kHi1 - kLo1 + 1);
  }
  char Lookup(char32_t cp) const {
    if (cp >= kLo1 && cp <= kHi1) return base[cp - kLo1];
    if (cp >= kLo2 && cp <= kHi2) return base[(kHi1 - kLo1 + 1) + (cp - kLo2)];
    return 0;
  }
};

const FoldTable& Table() {
  static const FoldTable table;
  return table;
}

bool IsCombiningMark(char32_t cp) { return cp >= 0x0300 && cp <= 0x036F; }

}  // namespace

char32_t DecodeUtf8(std::string_view s, size_t* pos) {
  size_t i = *pos;
  auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) { *pos = i + 1; return b0; }
  int len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 0;
  if (len == 0 || i + len > s.size()) { *pos = i + 1; return 0xFFFD; }
  char32_t cp = b0 & (0xFF >> (len + 1));
  for (int k = 1; k < len; ++k) {
    auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) { *pos = i + 1; return 0xFFFD; }
    cp = (cp << 6) | (b & 0x3F);
  }
  *pos = i + len;
  return cp;
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

void FoldVietnamese(std::string_view utf8, std::string* out,
                    std::vector<uint32_t>* offsets) {
  const FoldTable& table = Table();
  out->clear();
  out->reserve(utf8.size());
  if (offsets) { offsets->clear(); offsets->reserve(utf8.size() + 1); }
  size_t pos = 0;
  while (pos < utf8.size()) {
    size_t start = pos;
    auto b = static_cast<unsigned char>(utf8[pos]);
    if (b < 0x80) {
      ++pos;
      out->push_back(static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b));
      if (offsets) offsets->push_back(static_cast<uint32_t>(start));
      continue;
    }
    char32_t cp = DecodeUtf8(utf8, &pos);
    if (IsCombiningMark(cp)) continue;  // NFD input: drop the marks
    char c = table.Lookup(cp);
    size_t before = out->size();
    if (c) out->push_back(c); else AppendUtf8(cp, out);
    if (offsets) offsets->insert(offsets->end(), out->size() - before, static_cast<uint32_t>(start));
  }
  if (offsets) offsets->push_back(static_cast<uint32_t>(utf8.size()));
}

bool HasVietnameseDiacritics(std::string_view utf8) {
  const FoldTable& table = Table();
  size_t pos = 0;
  while (pos < utf8.size()) {
    if (static_cast<unsigned char>(utf8[pos]) < 0x80) { ++pos; continue; }
    char32_t cp = DecodeUtf8(utf8, &pos);
    if (IsCombiningMark(cp) || table.Lookup(cp)) return true;
  }
  return false;
}

std::string LowerKeepingMarks(std::string_view utf8, bool collapse_spaces) {
  std::string out;
  out.reserve(utf8.size());
  size_t pos = 0;
  while (pos < utf8.size()) {
    char32_t cp = DecodeUtf8(utf8, &pos);
    if (collapse_spaces && cp == ' ' && !out.empty() && out.back() == ' ') continue;
    AppendUtf8(static_cast<char32_t>(u_tolower(static_cast<UChar32>(cp))), &out);
  }
  return out;
}

}  // namespace chiso
