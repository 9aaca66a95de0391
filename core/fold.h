// Accent and case folding for Vietnamese matching.
//
// FoldVietnamese maps text to lowercase ASCII where it can: every Latin letter
// with Vietnamese diacritics loses them ("Hòa"/"Hoà"/"HOÀ"/"Hoa" -> "hoa"),
// "đ"/"Đ" -> "d", ASCII letters are lowercased; every other code point is
// copied unchanged (so offsets stay mappable). Thread-safe; the table behind it
// is built once per process.
#ifndef CHISO_CORE_FOLD_H_
#define CHISO_CORE_FOLD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace chiso {

// Appends the folded form of `utf8` to `out` (cleared first). If `offsets` is
// not null it receives, for every byte of `out` plus one final entry, the byte
// offset in `utf8` where the originating code point starts (so a match
// [b, e) in `out` maps back to [(*offsets)[b], (*offsets)[e]) in `utf8`).
void FoldVietnamese(std::string_view utf8, std::string* out,
                    std::vector<uint32_t>* offsets = nullptr);

inline std::string FoldVietnamese(std::string_view utf8) {
  std::string out;
  FoldVietnamese(utf8, &out);
  return out;
}

// True if `utf8` contains a letter carrying a Vietnamese diacritic (or đ/Đ).
bool HasVietnameseDiacritics(std::string_view utf8);

// Lowercase with diacritics kept ("Tư pháp" stays apart from "từ"); with
// `collapse_spaces`, runs of spaces become one.
std::string LowerKeepingMarks(std::string_view utf8, bool collapse_spaces = false);
// The same into `*out` (replaced), which keeps its capacity from call to call.
void LowerKeepingMarks(std::string_view utf8, bool collapse_spaces, std::string* out);

// Decodes the non-ASCII code point at `*pos`; DecodeUtf8 without its inline
// ASCII case.
char32_t DecodeUtf8NonAscii(std::string_view s, size_t* pos);

// Decodes one UTF-8 code point at `*pos` and advances `*pos`. Invalid bytes
// decode as U+FFFD and advance by one. REQUIRES: *pos < s.size().
inline char32_t DecodeUtf8(std::string_view s, size_t* pos) {
  const auto b0 = static_cast<unsigned char>(s[*pos]);
  if (b0 < 0x80) {
    ++*pos;
    return b0;
  }
  return DecodeUtf8NonAscii(s, pos);
}
void AppendUtf8(char32_t cp, std::string* out);

// DecodeUtf8NonAscii with the forms of the Vietnamese letters (2 bytes, and 3
// bytes led by E1, all well-formed) decoded inline: the decoder of the hot
// loops. REQUIRES: s[*pos] >= 0x80.
inline char32_t DecodeUtf8NonAsciiInline(std::string_view s, size_t* pos) {
  const auto* b = reinterpret_cast<const unsigned char*>(s.data());
  const size_t p = *pos, n = s.size();
  const unsigned char b0 = b[p];
  if (b0 >= 0xC2 && b0 <= 0xDF && p + 1 < n && (b[p + 1] & 0xC0) == 0x80) {
    *pos = p + 2;
    return (char32_t{b0} & 0x1F) << 6 | (b[p + 1] & 0x3F);
  }
  if (b0 == 0xE1 && p + 2 < n && (b[p + 1] & 0xC0) == 0x80 && (b[p + 2] & 0xC0) == 0x80) {
    *pos = p + 3;
    return char32_t{0x1000} | (b[p + 1] & 0x3F) << 6 | (b[p + 2] & 0x3F);
  }
  return DecodeUtf8NonAscii(s, pos);
}

// The length of the well-formed UTF-8 sequence starting at s[i] (Unicode
// Table 3-7: no overlongs, surrogates or code points > U+10FFFF), or 0 if
// s[i] does not start one. REQUIRES: i < s.size().
inline size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto at = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = at(i);
  if (b0 < 0x80) return 1;
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  if (at(i + 1) < lo || at(i + 1) > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if ((at(i + k) & 0xC0) != 0x80) return 0;
  }
  return len;
}

}  // namespace chiso

#endif  // CHISO_CORE_FOLD_H_
