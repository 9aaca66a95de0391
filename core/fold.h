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

}  // namespace chiso

#endif  // CHISO_CORE_FOLD_H_
