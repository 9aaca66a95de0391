#include "extract/scan_text.h"

#include "core/fold.h"

namespace chiso {

bool LacksDiacritics(std::string_view text) {
  size_t letters = 0, marked = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    auto b = static_cast<unsigned char>(text[pos]);
    if (b < 0x80) {
      if ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') ++letters;
      ++pos;
      continue;
    }
    size_t start = pos;
    char32_t cp = DecodeUtf8(text, &pos);
    ++letters;
    if (cp < 0x2000 && HasVietnameseDiacritics(text.substr(start, pos - start))) {
      // There are at most text.size() letters: accented text is decided
      // after its first few dozen marks.
      if (++marked * 200 >= text.size()) return false;
    }
  }
  return letters >= 20 && marked * 200 < letters;
}

std::string FoldPattern(std::string_view pattern) {
  std::string out;
  out.reserve(pattern.size());
  size_t pos = 0;
  while (pos < pattern.size()) {
    auto b = static_cast<unsigned char>(pattern[pos]);
    if (b < 0x80) { out.push_back(pattern[pos++]); continue; }
    size_t start = pos;
    DecodeUtf8(pattern, &pos);
    std::string_view ch = pattern.substr(start, pos - start);
    std::string folded = FoldVietnamese(ch);
    out += folded;
  }
  return out;
}

void ScanText::Reset(std::string_view doc_text) {
  convention = DetectConvention(doc_text);
  folded = LacksDiacritics(doc_text);
  if (folded) {
    FoldVietnamese(doc_text, &folded_, &offsets);
    text = folded_;
  } else {
    offsets.clear();
    text = doc_text;
  }
}

}  // namespace chiso
