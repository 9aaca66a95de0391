// Vietnamese syllable structure, and re-joining syllables that text copied out
// of PDFs and Word split with a stray space ("nhằm t ăng cường", "“C ải cách”",
// "ĐIỀ U KHO ẢN").
//
//   IsVietnameseSyllable("nghiêng");  // true
//   IsVietnameseSyllable("ản");       // true: well formed, if not a real word
//   IsVietnameseSyllable("điề");      // false: "iê" needs a final
//   Document doc = ...;               // after NormalizeText
//   RejoinSplitSyllables(doc);        // "t ăng" -> "tăng", source_map kept
//
// A syllable is (onset) (glide) nucleus (final) + at most one tone mark, all
// checked against tables in syllables.cc: the 27 onsets with their spelling
// rules (c/k/q, g/gh, ng/ngh before e ê i y), the vowel clusters with the
// finals each allows (ă and â need a final; "iê", "uô", "ươ" too), and the
// tone rule (only sắc and nặng before the stops c ch p t).
//
// When two letter runs separated by ONE space are pieces of one syllable is a
// judgement the issue states as "neither piece is a valid syllable and the
// joined form is one". Taken literally that joins none of its own examples:
// "ăng" (in "t ăng"), "ải" (in "C ải") and "ản" (in "KHO ẢN") are well-formed
// syllables. So a piece counts as a WORD when it is a well-formed syllable and
// either has an onset or is one of the vowel-initial syllables Vietnamese
// actually uses as words ("ăn", "anh", "ông", "ở", "ý", ...; a table); a bare
// onset ("t", "C", "nh") is never a word. Two pieces are joined when
//   - both are runs of Vietnamese letters only (no digits, no punctuation);
//   - the joined form is a well-formed syllable, cased as a word is (all
//     lower, all upper, or a capital then lower: "THông" from "TH ông" is not);
//   - at least one piece is not a word; and
//   - the left piece is not a one-letter capital label after a lowercase word
//     ("nhóm B ổn định" keeps "B").
// Two words are never joined ("Hà Nội", "an toàn", "ô tô", "cho anh" although
// "choanh" would be well formed). Abbreviations such as "UBND", "TTHC",
// "CCHC" are not syllables and never join with a neighbour to form one.
//
// Thread-safety: both functions are reentrant; the tables are constant data
// built on first use.
#ifndef CHISO_NORMALIZE_SYLLABLES_H_
#define CHISO_NORMALIZE_SYLLABLES_H_

#include <string_view>

#include "core/document.h"

namespace chiso {

// True if `word` (UTF-8, NFC or NFD, any case) is one well-formed Vietnamese
// syllable: letters only, with or without tone marks. Old and new tone
// placement are both accepted ("hoà", "hòa"). Cost: O(word.size()).
bool IsVietnameseSyllable(std::string_view word);

// Removes the space inside split syllables of doc.text as described above,
// composes doc.source_map so every text byte still maps to the same input
// byte, and adds one warning `syllable_rejoined` saying how many were joined
// (none if there were none). REQUIRES: doc.text normalized (NormalizeText);
// the result is still a NormalizeText fixed point. Call before sentence
// splitting: paragraphs, sentences and figures are not adjusted. Cost: O(n).
void RejoinSplitSyllables(Document& doc);

namespace internal {
// RejoinSplitSyllables with the plain per-code-point scan it was first
// written with; the reference of its differential test. Same result.
void RejoinSplitSyllablesReference(Document& doc);
}  // namespace internal

}  // namespace chiso

#endif  // CHISO_NORMALIZE_SYLLABLES_H_
