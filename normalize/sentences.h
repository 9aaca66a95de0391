// Paragraph, sentence and clause boundaries for normalized Vietnamese text.
//
//   Status status;
//   auto splitter = SentenceSplitter::Create(&status);
//   if (!splitter) { /* status.message() says why */ }
//   splitter->Split(doc);  // fills doc.paragraphs and doc.sentences
//
// Paragraphs are maximal runs of non-blank lines; a blank line (empty or only
// spaces/tabs) separates them. Sentences never cross a paragraph.
//
// Line breaks inside a paragraph: a newline ends a sentence, UNLESS the line
// looks hard-wrapped, i.e. both
//   - the line does not end in terminal punctuation . ! ? : ; (closing quotes
//     and brackets after it are looked through), and
//   - the next line starts with a lowercase letter or a digit, and does not
//     start with a list bullet such as "1." or "a)".
// A hard-wrapped line continues the sentence on the next line (the sentence's
// Span then contains the '\n').
//
// Within a line, the ICU sentence rules (locale "vi") decide, with breaks
// suppressed after Vietnamese abbreviations ("TP.", "Tp.", "TS.", "ThS.",
// "PGS.", "GS.", ...), after a single capital initial in a name ("Nguyễn V.
// A") or a ward/district abbreviation ("P. Bến Nghé", "Q. 1"), and after a list
// bullet at line start ("1.", "II.", "a."). ICU already keeps "83,87",
// "1.567", "TP.HCM", "Q.1", "v.v." and "..." whole and never breaks at ';'.
// A break after "v.v." or "..." followed by a capitalized word is kept: in
// news text that usually is a sentence end. Two breaks ICU misses are added:
// before a sentence opening with a number ("... thủ tục. 100% các sở") and
// at a period glued to a capitalized word ("... thành phố.Họp Ban ...").
//
// Thread-safety: a SentenceSplitter holds an ICU BreakIterator and reusable
// buffers; use one per worker thread. Create once, reuse for every document.
#ifndef CHISO_NORMALIZE_SENTENCES_H_
#define CHISO_NORMALIZE_SENTENCES_H_

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "core/document.h"
#include "core/status.h"

namespace chiso {

class SentenceSplitter {
 public:
  // Returns a splitter, or nullptr with *status set if ICU cannot build the
  // break iterator (missing data). `status` may be null.
  static std::unique_ptr<SentenceSplitter> Create(Status* status);

  ~SentenceSplitter();
  SentenceSplitter(const SentenceSplitter&) = delete;
  SentenceSplitter& operator=(const SentenceSplitter&) = delete;

  // Replaces doc.paragraphs and doc.sentences with byte Spans into doc.text:
  // in order, non-overlapping, non-empty, trimmed of surrounding whitespace,
  // every sentence inside one paragraph. Expects normalized text (see
  // NormalizeText) but is safe on any UTF-8. Cost: O(n), no allocation per
  // sentence beyond the output vectors.
  void Split(Document& doc);

  // The breaks this splitter's ICU iterator reports strictly inside `line`,
  // as byte offsets: what FastSentenceBreaks must equal where it accepts a
  // line (tests and fuzz/decode_normalize_fuzz compare the two). False if ICU
  // cannot take the line.
  bool IcuBreaks(std::string_view line, std::vector<size_t>* breaks);

 private:
  struct Impl;
  explicit SentenceSplitter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Computes without ICU the breaks that Split's ICU iterator (UAX #29 rules,
// locale "vi", breaks after the abbreviations suppressed) reports strictly
// inside `line` (UTF-8, one line): byte offsets, ascending, into *breaks.
// Returns false, *breaks unspecified, for lines it does not model: invalid
// UTF-8, paragraph separators, Extend or Format characters, or a break that
// the abbreviation filter would decide by its forward match. Cost: O(n), a
// table lookup per ASCII byte or Vietnamese letter.
bool FastSentenceBreaks(std::string_view line, std::vector<size_t>* breaks);

// The abbreviations after which Split's ICU iterator suppresses breaks
// ("TP.", "ThS.", ...), so that tests can build the same iterator.
std::vector<std::string_view> SentenceAbbreviations();

// Splits one sentence into clauses: at ';', at ',' or ':' followed by
// whitespace (or the end), and around parenthesized groups, whose content
// (without the parentheses) is one clause of its own. Delimiters inside
// parentheses do not split, and "83,87" or "10:30" are not delimiters. The
// delimiters themselves belong to no clause. Returned Spans are
// `base` + offsets into `sentence_text`, trimmed, non-empty and in order.
std::vector<Span> SplitClauses(std::string_view sentence_text, size_t base);

}  // namespace chiso

#endif  // CHISO_NORMALIZE_SENTENCES_H_
