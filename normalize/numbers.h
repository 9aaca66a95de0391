// Vietnamese numerals: parsing written numbers, spelled-out numbers, and the
// RE2 fragments extraction rules use to find them.
//
// Vietnamese pages write "1.567" for 1567 and "83,87" for 83.87, but many also
// use dot decimals ("83.72%", "+5.40%"). Rules capture a numeral's text with
// kNumeralPattern (+ kMultiplierPattern) and hand it to ParseNumber together
// with what the rule knows (a following "%", a count) and the document's
// convention, found once per document by DetectConvention:
//
//   DecimalConvention conv = DetectConvention(doc.text);       // once
//   RE2 re(std::string("đạt (") + kNumeralPattern + ")%");     // at start
//   re2::StringPiece num;  // converts to std::string_view
//   if (RE2::PartialMatch(sentence, re, &num)) {
//     std::optional<ParsedNumber> n = ParseNumber(
//         num, {.percent = true, .convention = conv});
//     if (n && !n->ambiguous) ...
//   }
//
// How ParseNumber reads the separators ("." and ","):
//   1. Both separators present: the last one is the decimal separator and the
//      other one groups thousands ("12.345,6" = 12345.6, "12,345.6" = 12345.6).
//      The decimal separator must occur once, after all group separators; the
//      groups must be well formed (first 1-3 digits, not starting with 0, then
//      exactly 3 digits each), else the numeral is rejected.
//   2. One separator repeated ("1.234.567", "1,234,567"): thousands, with
//      well-formed groups as in rule 1 ("1.23.456", "01.234.567" are rejected).
//   3. A single separator followed by exactly 3 digits, with 1-3 digits before
//      it not starting with 0 ("1.567", "1,567"), reads either as thousands
//      (1567) or as a decimal (1.567). Decided in this order:
//      a. hints.percent: decimal (1567% is not a plausible percentage; the
//         thousands reading is always >= 1000 here).
//      b. hints.integer_expected: thousands (a count of 1.567 is impossible),
//         for both separators.
//      c. Otherwise by convention, and ParsedNumber::ambiguous is set:
//         "." is thousands unless the document convention is kDot;
//         "," is decimal unless the document convention is kDot.
//         (kUnknown behaves like kComma: the Vietnamese convention.)
//      a and b are evidence about this numeral and leave `ambiguous` false.
//   4. A single separator in any other position is decimal: followed by 1, 2
//      or 4+ digits ("83,87", "83.72", "1,5", "2.5678"), or preceded by more
//      than 3 digits ("1234.567"), which no thousands grouping allows.
//   5. A leading zero makes a single separator decimal ("0.53", "0,530",
//      "01.234" = 1.234): a thousands group never starts with 0.
//   6. An optional sign comes first: "+", "-" or U+2212 "−", optionally
//      followed by ONE space ("- 1"). ParsedNumber::sign records it. Brackets
//      are not part of a numeral: "(+5.40" is rejected; the pattern captures
//      "+5.40" inside "(+5.40%)".
//   7. An optional multiplier follows after one or more spaces: "triệu" (1e6),
//      "nghìn"/"ngàn" (1e3), "tỷ"/"tỉ" (1e9), "vạn" (1e4), and the unaccented
//      "trieu", "nghin", "ngan", "ty". Lower case only (a numeral is never
//      followed by "TRIỆU" in body text, and "Triệu" is a surname). "1,5 triệu"
//      = 1500000; ParsedNumber::integral describes the final value.
//   8. Rejected (nullopt): empty text, a lone sign, leading or trailing
//      spaces, a leading or trailing separator ("83," - the pattern never
//      captures one, so "đạt 83, ..." yields "83"), adjacent separators
//      ("1..2", "1,,2"), "%" or any letter other than a multiplier, an integer
//      or fractional part longer than 15 digits, or more than 15 significant
//      digits in total (beyond that a double no longer holds the value
//      exactly).
// Not handled: space-grouped thousands ("1 567 000"), fractions ("1/2"),
// ranges ("10-15"), "rưỡi" ("một triệu rưỡi") and stacked multipliers
// ("nghìn tỷ").
//
// Thread-safety: every function is pure and reentrant; the patterns are
// constant data. ParseNumber and DetectConvention do not allocate.
#ifndef CHISO_NORMALIZE_NUMBERS_H_
#define CHISO_NORMALIZE_NUMBERS_H_

#include <optional>
#include <string_view>

namespace chiso {

// Which separator a document uses for decimals, decided by DetectConvention.
enum class DecimalConvention { kUnknown, kComma, kDot };

// What the caller knows about a numeral besides its text. Defaults: nothing.
struct NumberHints {
  // the numeral is followed by % / "phần trăm"
  bool percent = false;
  // counts, ranks: a value with a fraction is suspicious
  bool integer_expected = false;
  DecimalConvention convention = DecimalConvention::kUnknown;
};

struct ParsedNumber {
  double value = 0;
  // true if written without a fractional part (after resolving separators)
  bool integral = false;
  // -1 / +1 if an explicit sign was written, else 0
  int sign = 0;
  // true if the separator decision used a tie-break rule
  bool ambiguous = false;
};

// Parses one numeral such as "1.567", "83,87", "+5.40", "- 1", "1,5 triệu",
// "2,3 nghìn", "1 tỷ", "12.345,6".
//
// Returns the value with Vietnamese notation resolved by rules 1-7 above, or
// nullopt for anything rule 8 rejects. `value` is negative for a "-" sign
// (never -0). `integral` is true iff the multiplier's power of ten covers all
// written fractional digits: "7", "1.567" (read as thousands), "1,5 triệu"
// are integral; "2,0", "1,2345 nghìn" are not. The value is the double nearest
// to the written decimal (83,87 == 83.87).
//
// REQUIRES: `text` is the whole numeral, nothing around it (as captured by
// kNumeralPattern + kMultiplierPattern), in NFC. Cost: O(text.size()).
std::optional<ParsedNumber> ParseNumber(std::string_view text,
                                        const NumberHints& hints = {});

// Spelled-out Vietnamese numerals and ordinals: "một", "hai", "ba", ...
// "mười", "mười lăm", "hai mươi mốt", "năm mươi", "một trăm", "nhất" (in
// "thứ nhất" → 1), "tư" (in "thứ tư" → 4), "sáu" ...; accepts text with or
// without diacritics; returns nullopt for anything else.
//
// Returns 1..999. Grammar (words separated by one or more spaces, any case):
//   number   = hundreds | tens | unit
//   unit     = một | hai | ba | bốn | năm | sáu | bảy (bẩy) | tám | chín
//   tens     = "mười" [unit except năm | lăm | nhăm | tư]             10..19
//            | unit(2..9) "mươi" [unit except năm | mốt | lăm | nhăm | tư]
//   hundreds = unit "trăm" [("linh" | "lẻ") (unit | tư) | tens]
//   ordinal  = "thứ" (number | nhất (nhứt) | nhì | tư)
// So "mười lăm" = 15, "hai mươi mốt" = 21, "hai mươi tư" = 24, "một trăm linh
// năm" = 105, "thứ nhất" = 1, "thứ nhì" = 2. "năm" after "mười"/"mươi" is
// rejected: "hai mươi năm" means "twenty years" (25 is "hai mươi lăm").
// "nhất", "nhì" and "tư" stand alone only after "thứ" ("cao nhất" = highest,
// "tư nhân" = private). Zero ("không" = "not") is not accepted.
// Diacritics: if any word carries one, every word must be spelled exactly
// (so "bà" is not "ba", "Nam" next to accented words is not "năm"); text with
// no diacritics at all is matched by its folded form ("muoi lam" = 15, with
// "muoi" read as "mười" or "mươi" by position). Mixed text such as "hai mươi
// lam" is rejected.
// REQUIRES: NFC text. Cost: O(text.size()), no allocation.
std::optional<int> ParseSpelledNumber(std::string_view text);

// Majority convention of a whole document from its unambiguous numerals
// ("83,87" -> comma decimal, "1.567.000" -> dot thousands => comma decimal;
// "83.72%" -> dot decimal; "1,234,567" -> dot decimal); kUnknown on a tie or
// no evidence.
//
// Each maximal run of digits, "." and "," (trailing separators dropped) that
// does not touch an ASCII letter is one vote if rules 1, 2, 4 or 5 decide it;
// rule-3 numerals ("1.567", "1,567") and plain integers cast none. Outline
// numbers ("1.2") and decimal-looking times ("7.30") vote for kDot; that is
// accepted noise. Cost: O(text.size()), no allocation.
DecimalConvention DetectConvention(std::string_view text);

namespace internal {
// DetectConvention stepping over every byte, the loop it replaced: the
// reference of its differential test. Same result.
DecimalConvention DetectConventionReference(std::string_view text);
}  // namespace internal

// RE2 fragments for rule files. Each is one non-capturing group, so it can be
// concatenated, quantified or wrapped in a capture as is. Compile with RE2's
// default options (UTF-8, leftmost-first, case-sensitive).

// A signed numeral with separators: optional sign and one space, then, at an
// ASCII word boundary, a dot-grouped, comma-grouped, single-separator or plain
// numeral, ending at a word boundary (so "2" is not found in "x2" or "2x", and
// a 16-digit run matches nowhere). Alternatives are ordered so that
// PartialMatch takes the whole of "1.567.000", not "1.567". FullMatch of
// kNumeralPattern + kMultiplierPattern accepts exactly what ParseNumber
// accepts, except totals of more than 15 significant digits
// ("1.234.567.890,123456"), which only ParseNumber rejects. Malformed text
// yields a well-formed prefix: PartialMatch takes "1.234" from "1.234.56".
extern const char kNumeralPattern[];

// Optional " <multiplier>" as in rule 7: one or more spaces, then the word,
// which must not continue as a longer word ("63 tỉnh", "5 ngành" and "tỷ" in
// "tỷlệ" do not match). Note "5 tỷ lệ" does match "tỷ": the pattern cannot
// look ahead; a rule that cares must say so.
extern const char kMultiplierPattern[];

// The spelled numerals and ordinals ParseSpelledNumber accepts, case
// insensitive, starting and ending at word boundaries. It accepts accented and
// unaccented words in any mix; ParseSpelledNumber then rejects mixed text.
// PartialMatch on "hai mươi năm qua" takes "hai mươi". On its own it also
// finds every "năm" (year), "Nam" and day name ("thứ ba"); use it only inside
// a rule that supplies context ("thứ X", "X thủ tục").
extern const char kSpelledPattern[];

}  // namespace chiso

#endif  // CHISO_NORMALIZE_NUMBERS_H_
