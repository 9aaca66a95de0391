#include "core/fold.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>

#include <algorithm>
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

// Writes the UTF-8 form of `cp` to buf; returns its length (1 to 4).
size_t EncodeUtf8(char32_t cp, char* buf) {
  if (cp < 0x80) {
    buf[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    buf[0] = static_cast<char>(0xC0 | (cp >> 6));
    buf[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    buf[0] = static_cast<char>(0xE0 | (cp >> 12));
    buf[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    buf[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  buf[0] = static_cast<char>(0xF0 | (cp >> 18));
  buf[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  buf[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  buf[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

}  // namespace

char32_t DecodeUtf8NonAscii(std::string_view s, size_t* pos) {
  size_t i = *pos;
  auto b0 = static_cast<unsigned char>(s[i]);
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
  char buf[4];
  out->append(buf, EncodeUtf8(cp, buf));
}

namespace {

constexpr std::array<char, 128> kLowerAscii = [] {
  std::array<char, 128> t{};
  for (int c = 0; c < 128; ++c) t[c] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return t;
}();

// Writes through raw pointers into buffers sized for the usual case (output
// no longer than the input). Only U+FFFD for an invalid byte (1 byte in, 3
// out) makes the output longer; the buffers then grow so that the rest of
// the input still fits. A template so that the offset-less fold tests
// nothing per byte.
template <bool kOffsets>
void Fold(std::string_view utf8, std::string* out, std::vector<uint32_t>* offsets) {
  const FoldTable& table = Table();
  const size_t n = utf8.size();
  const auto* in = reinterpret_cast<const unsigned char*>(utf8.data());
  size_t cap = n;
  out->resize(cap);
  if constexpr (kOffsets) offsets->resize(cap + 1);
  char* w = out->data();
  uint32_t* o = kOffsets ? offsets->data() : nullptr;
  size_t size = 0;
  size_t pos = 0;
  while (pos < n) {
    const size_t start = pos;
    const unsigned char b = in[pos];
    if (b < 0x80) {
      ++pos;
      w[size] = kLowerAscii[b];
      if constexpr (kOffsets) o[size] = static_cast<uint32_t>(start);
      ++size;
      continue;
    }
    const char32_t cp = DecodeUtf8NonAsciiInline(utf8, &pos);
    if (IsCombiningMark(cp)) continue;  // NFD input: drop the marks
    if (char c = table.Lookup(cp)) {
      // A letter in the tables took 2 or more bytes in: one out always fits.
      w[size] = c;
      if constexpr (kOffsets) o[size] = static_cast<uint32_t>(start);
      ++size;
      continue;
    }
    char buf[4];
    const size_t len = EncodeUtf8(cp, buf);
    // The rest of the input needs at most one byte out per byte in.
    if (size + len + (n - pos) > cap) {
      cap = std::max(2 * cap, size + len + (n - pos));
      out->resize(cap);
      if constexpr (kOffsets) offsets->resize(cap + 1);
      w = out->data();
      if constexpr (kOffsets) o = offsets->data();
    }
    for (size_t k = 0; k < len; ++k) {
      w[size] = buf[k];
      if constexpr (kOffsets) o[size] = static_cast<uint32_t>(start);
      ++size;
    }
  }
  out->resize(size);
  if constexpr (kOffsets) {
    offsets->resize(size + 1);
    (*offsets)[size] = static_cast<uint32_t>(n);
  }
}

}  // namespace

void FoldVietnamese(std::string_view utf8, std::string* out,
                    std::vector<uint32_t>* offsets) {
  if (offsets != nullptr) {
    Fold<true>(utf8, out, offsets);
  } else {
    Fold<false>(utf8, out, nullptr);
  }
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
  LowerKeepingMarks(utf8, collapse_spaces, &out);
  return out;
}

void LowerKeepingMarks(std::string_view utf8, bool collapse_spaces, std::string* out) {
  // Written through a pointer (a match's key in Lexicon::FindWords, per
  // match): a code point of n bytes lowers to at most 3 bytes (an invalid
  // byte gives U+FFFD), or to 4 from 4.
  out->resize(3 * utf8.size());
  char* const first = out->data();
  char* w = first;
  size_t pos = 0;
  while (pos < utf8.size()) {
    const auto b = static_cast<unsigned char>(utf8[pos]);
    if (b < 0x80) {  // u_tolower on ASCII changes only A-Z
      ++pos;
      if (collapse_spaces && b == ' ' && w != first && w[-1] == ' ') continue;
      *w++ = static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b);
      continue;
    }
    const char32_t cp = DecodeUtf8NonAscii(utf8, &pos);
    w += EncodeUtf8(static_cast<char32_t>(u_tolower(static_cast<UChar32>(cp))), w);
  }
  out->resize(static_cast<size_t>(w - first));
}

}  // namespace chiso
