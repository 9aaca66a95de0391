// ScanText: the view of a document that patterns run on.
//
// Most documents are matched as written. Documents typed without diacritics
// ("Chi so CCHC tinh Ha Giang dat 83,87%") are matched on their folded form
// (FoldVietnamese) with patterns folded the same way (FoldPattern), and every
// offset is mapped back to the document's text. Deciding once per document
// keeps accented text precise ("tỉnh" is not "tính") and still reads
// unaccented text.
#ifndef CHISO_EXTRACT_SCAN_TEXT_H_
#define CHISO_EXTRACT_SCAN_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "normalize/numbers.h"

namespace chiso {

struct ScanText {
  std::string_view text;
  bool folded = false;
  DecimalConvention convention = DecimalConvention::kUnknown;
  // REQUIRES: b <= text.size().
  size_t ToText(size_t b) const { return folded ? offsets[b] : b; }

  // Fills this view for `doc_text` (which must outlive it).
  void Reset(std::string_view doc_text);

 private:
  std::string folded_;
 public:
  std::vector<uint32_t> offsets;
};

// True if the text has (almost) no Vietnamese diacritics and so is matched
// folded: under 1 letter in 200 carries one.
bool LacksDiacritics(std::string_view text);

// Folds the non-ASCII letters of a regex pattern ("đạt" -> "dat"), leaving
// ASCII (escapes, classes) untouched. Patterns are case-insensitive anyway.
std::string FoldPattern(std::string_view pattern);

}  // namespace chiso

#endif  // CHISO_EXTRACT_SCAN_TEXT_H_
