#include "normalize/numbers.h"

#include <unicode/uchar.h>

#include <array>
#include <bit>
#include <cstdint>

#include "core/fold.h"
#include "core/swar.h"

namespace chiso {

// clang-format off
// The patterns are written out once here; numbers_test.cc checks them against
// the parsers case by case.
#define CHISO_SIGN "(?:[+\\-\\x{2212}] ?)?"
#define CHISO_DIGITS                                          \
  "(?:[1-9]\\d{0,2}(?:\\.\\d{3}){1,4}(?:,\\d{1,15})?"         \
  "|[1-9]\\d{0,2}(?:,\\d{3}){1,4}(?:\\.\\d{1,15})?"           \
  "|\\d{1,15}[.,]\\d{1,15}"                                   \
  "|\\d{1,15})"

const char kNumeralPattern[] = "(?:" CHISO_SIGN "\\b" CHISO_DIGITS "\\b)";

// Words ending in an ASCII letter end at \b; "tỷ"/"tỉ" end in a letter RE2
// does not count as a word character, so "not followed by [0-9A-Za-z_]" is
// \B there ("tỉnh" must not yield "tỉ").
const char kMultiplierPattern[] =
    "(?: +(?:(?:triệu|trieu|nghìn|nghin|ngàn|ngan|vạn|ty)\\b|(?:tỷ|tỉ)\\B))?";

#define CHISO_SP " +"
#define CHISO_UNIT \
  "(?:một|mot|hai|ba|bốn|bon|năm|nam|sáu|sau|bảy|bẩy|bay|tám|tam|chín|chin)\\b"
#define CHISO_D29 \
  "(?:hai|ba|bốn|bon|năm|nam|sáu|sau|bảy|bẩy|bay|tám|tam|chín|chin)\\b"
#define CHISO_TU "(?:tư\\B|tu\\b)"
#define CHISO_AFTER_10                                                    \
  "(?:(?:một|mot|hai|ba|bốn|bon|lăm|lam|nhăm|nham|sáu|sau|bảy|bẩy|bay|tám" \
  "|tam|chín|chin)\\b|" CHISO_TU ")"
#define CHISO_AFTER_MUOI                                                      \
  "(?:(?:mốt|một|mot|hai|ba|bốn|bon|lăm|lam|nhăm|nham|sáu|sau|bảy|bẩy|bay" \
  "|tám|tam|chín|chin)\\b|" CHISO_TU ")"
#define CHISO_TENS                                                          \
  "(?:(?:mười|muoi)\\b(?:" CHISO_SP CHISO_AFTER_10 ")?"                      \
  "|" CHISO_D29 CHISO_SP "(?:mươi|muoi)\\b(?:" CHISO_SP CHISO_AFTER_MUOI ")?)"
#define CHISO_HUNDREDS                                                    \
  "(?:" CHISO_UNIT CHISO_SP "(?:trăm|tram)\\b(?:" CHISO_SP                 \
  "(?:(?:linh|le)\\b|lẻ\\B)" CHISO_SP "(?:" CHISO_UNIT "|" CHISO_TU ")"     \
  "|" CHISO_SP CHISO_TENS ")?)"
#define CHISO_NUMBER "(?:" CHISO_HUNDREDS "|" CHISO_TENS "|" CHISO_UNIT ")"
#define CHISO_THU "(?:thứ\\B|thu\\b)" CHISO_SP
// An ordinal ("thứ hai", "thứ nhất") or a cardinal. Written so that NUMBER
// appears once: "thứ" NUMBER and NUMBER share it as "(thứ )?NUMBER". The
// language and every match are those of ORDINAL|NUMBER with ORDINAL = "thứ"
// (NUMBER|nhất|tư): no word NUMBER starts with begins like "thứ", "nhất" or
// "tư", so at most one branch can match at any place. Half the program: the
// two rank rules that use it were ~40% of the rule sets' compile time.
const char kSpelledPattern[] =
    "(?i:\\b(?:" CHISO_THU "(?:(?:nhất|nhứt|nhat|nhut)\\b|nhì\\B|nhi\\b|" CHISO_TU ")"
    "|(?:" CHISO_THU ")?" CHISO_NUMBER "))";

// clang-format on

#undef CHISO_SIGN
#undef CHISO_DIGITS
#undef CHISO_SP
#undef CHISO_UNIT
#undef CHISO_D29
#undef CHISO_TU
#undef CHISO_AFTER_10
#undef CHISO_AFTER_MUOI
#undef CHISO_TENS
#undef CHISO_HUNDREDS
#undef CHISO_NUMBER
#undef CHISO_THU

namespace {

constexpr int kMaxDigits = 15;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSeparator(char c) { return c == '.' || c == ','; }
bool IsAsciiAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// How the separators of a run of digits, '.' and ',' are laid out.
enum class Layout {
  kInvalid,
  kPlain,    // digits only
  kGrouped,  // rule 2: one separator repeated, as thousands
  kMixed,    // rule 1: both separators, the last one decimal
  kSingle,   // rules 3-5: exactly one separator
};

struct Shape {
  Layout layout = Layout::kInvalid;
  char sep = 0;        // kGrouped: the thousands separator; kMixed, kSingle:
                       // the decimal (kSingle: the only) separator
  size_t sep_pos = 0;  // kMixed, kSingle: index of the decimal separator
};

// True if `s` (digits and `group` only) is "d{1,3}(group ddd)*" and does not
// start with 0.
bool GroupsWellFormed(std::string_view s, char group) {
  if (s.empty() || s[0] == '0') return false;
  size_t first = s.find(group);
  if (first == std::string_view::npos) first = s.size();
  if (first < 1 || first > 3) return false;
  size_t run = 0;
  for (size_t i = first + 1; i < s.size(); ++i) {
    if (s[i] == group) {
      if (run != 3) return false;
      run = 0;
    } else {
      ++run;
    }
  }
  return first == s.size() || run == 3;
}

// REQUIRES: `s` holds only digits, '.' and ','.
Shape Classify(std::string_view s) {
  Shape shape;
  if (s.empty() || !IsDigit(s.front()) || !IsDigit(s.back())) return shape;
  size_t dots = 0, commas = 0, last = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (!IsSeparator(s[i])) continue;
    if (IsSeparator(s[i - 1])) return shape;  // "1..2"; s[0] is a digit
    (s[i] == '.' ? dots : commas)++;
    last = i;
  }
  if (dots + commas == 0) {
    shape.layout = Layout::kPlain;
  } else if (dots > 0 && commas > 0) {
    const char decimal = s[last];
    if ((decimal == '.' ? dots : commas) != 1) return shape;
    if (!GroupsWellFormed(s.substr(0, last), decimal == '.' ? ',' : '.')) {
      return shape;
    }
    shape = {Layout::kMixed, decimal, last};
  } else if (dots + commas > 1) {
    if (!GroupsWellFormed(s, s[last])) return shape;
    shape = {Layout::kGrouped, s[last], 0};
  } else {
    shape = {Layout::kSingle, s[last], last};
  }
  return shape;
}

// Rules 4 and 5: a single separator that cannot be a thousands separator.
bool SingleIsSurelyDecimal(std::string_view s, size_t sep_pos) {
  return s[0] == '0' || sep_pos > 3 || s.size() - sep_pos - 1 != 3;
}

// Rule 3: reads an ambiguous single separator; sets *ambiguous when only
// the convention decided.
bool SingleIsDecimal(char sep, const NumberHints& hints, bool* ambiguous) {
  if (hints.percent) return true;
  if (hints.integer_expected) return false;
  *ambiguous = true;
  const bool dot_doc = hints.convention == DecimalConvention::kDot;
  return sep == '.' ? dot_doc : !dot_doc;
}

struct Multiplier {
  std::string_view word;
  int power;  // of ten
};

constexpr std::array<Multiplier, 10> kMultipliers = {{
    {"triệu", 6},
    {"trieu", 6},
    {"nghìn", 3},
    {"nghin", 3},
    {"ngàn", 3},
    {"ngan", 3},
    {"tỷ", 9},
    {"tỉ", 9},
    {"ty", 9},
    {"vạn", 4},
}};

double Pow10(int k) {
  double p = 1;
  for (int i = 0; i < k; ++i) p *= 10;  // exact up to 1e22
  return p;
}

}  // namespace

std::optional<ParsedNumber> ParseNumber(std::string_view text,
                                        const NumberHints& hints) {
  ParsedNumber out;
  std::string_view s = text;
  // Rule 6: sign, then at most one space.
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    out.sign = s[0] == '+' ? 1 : -1;
    s.remove_prefix(1);
  } else if (s.starts_with("\u2212")) {
    out.sign = -1;
    s.remove_prefix(3);
  }
  if (out.sign != 0 && s.starts_with(' ')) s.remove_prefix(1);

  size_t body_len = 0;
  while (body_len < s.size() &&
         (IsDigit(s[body_len]) || IsSeparator(s[body_len]))) {
    ++body_len;
  }
  const std::string_view body = s.substr(0, body_len);
  std::string_view rest = s.substr(body_len);

  // Rule 7: " +<multiplier>" and nothing after it.
  int power = 0;
  if (!rest.empty()) {
    size_t spaces = 0;
    while (spaces < rest.size() && rest[spaces] == ' ') ++spaces;
    if (spaces == 0) return std::nullopt;
    rest.remove_prefix(spaces);
    bool found = false;
    for (const Multiplier& m : kMultipliers) {
      if (rest == m.word) {
        power = m.power;
        found = true;
        break;
      }
    }
    if (!found) return std::nullopt;
  }

  const Shape shape = Classify(body);
  size_t decimal_pos = std::string_view::npos;  // index in body, if any
  switch (shape.layout) {
    case Layout::kInvalid:
      return std::nullopt;
    case Layout::kPlain:
    case Layout::kGrouped:
      break;
    case Layout::kMixed:
      decimal_pos = shape.sep_pos;
      break;
    case Layout::kSingle:
      if (SingleIsSurelyDecimal(body, shape.sep_pos) ||
          SingleIsDecimal(shape.sep, hints, &out.ambiguous)) {
        decimal_pos = shape.sep_pos;
      }
      break;
  }

  // Exact integer mantissa (< 10^15 < 2^53) and count of fractional digits.
  uint64_t mantissa = 0;
  int significant = 0, int_digits = 0, frac_digits = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (!IsDigit(c)) continue;
    if (decimal_pos != std::string_view::npos && i > decimal_pos) {
      ++frac_digits;
    } else {
      ++int_digits;
    }
    if (significant == 0 && c == '0') continue;
    if (++significant > kMaxDigits) return std::nullopt;
    mantissa = mantissa * 10 + static_cast<uint64_t>(c - '0');
  }
  if (int_digits > kMaxDigits || frac_digits > kMaxDigits) return std::nullopt;

  // One correctly rounded operation on exact operands: the nearest double.
  const double m = static_cast<double>(mantissa);
  out.value = power >= frac_digits ? m * Pow10(power - frac_digits)
                                   : m / Pow10(frac_digits - power);
  out.integral = frac_digits <= power;
  if (out.sign < 0 && mantissa != 0) out.value = -out.value;
  return out;
}

namespace {

// The first digit of `text` at or after i, or text.size(). Digits are rare
// in running text: eight bytes are tested at once.
size_t NextDigit(std::string_view text, size_t i) {
  if constexpr (std::endian::native == std::endian::little) {
    for (; i + 8 <= text.size(); i += 8) {
      const uint64_t w = swar::Load8(text.data() + i);
      const uint64_t digits = swar::BytesBelow(w, '9' + 1) & ~swar::BytesBelow(w, '0');
      if (digits != 0) return i + swar::FirstMarked(digits);
    }
  }
  while (i < text.size() && !IsDigit(text[i])) ++i;
  return i;
}

}  // namespace

namespace {

// The numerals' votes for a decimal separator; next_digit(text, i) is the
// first digit at or after i, or text.size().
template <typename NextDigitFn>
DecimalConvention Vote(std::string_view text, NextDigitFn next_digit) {
  int comma = 0, dot = 0;
  for (size_t i = next_digit(text, 0); i < text.size(); i = next_digit(text, i)) {
    const size_t begin = i;
    while (i < text.size() && (IsDigit(text[i]) || IsSeparator(text[i]))) ++i;
    size_t end = i;
    while (IsSeparator(text[end - 1])) --end;  // text[begin] is a digit
    const bool touches_letter = (begin > 0 && IsAsciiAlpha(text[begin - 1])) ||
                                (i < text.size() && IsAsciiAlpha(text[i]));
    if (touches_letter) continue;
    const std::string_view run = text.substr(begin, end - begin);
    const Shape shape = Classify(run);
    char decimal = 0;
    switch (shape.layout) {
      case Layout::kMixed:
        decimal = shape.sep;
        break;
      case Layout::kGrouped:
        decimal = shape.sep == '.' ? ',' : '.';
        break;
      case Layout::kSingle:
        if (SingleIsSurelyDecimal(run, shape.sep_pos)) decimal = shape.sep;
        break;
      default:
        break;
    }
    if (decimal == ',') ++comma;
    if (decimal == '.') ++dot;
  }
  if (comma > dot) return DecimalConvention::kComma;
  if (dot > comma) return DecimalConvention::kDot;
  return DecimalConvention::kUnknown;
}

}  // namespace

// The bytes between numerals skipped by NextDigit, eight at a time.
DecimalConvention DetectConvention(std::string_view text) {
  return Vote(text, [](std::string_view t, size_t i) { return NextDigit(t, i); });
}

namespace internal {

// The same votes with a byte loop between numerals: the reference of the
// differential test.
DecimalConvention DetectConventionReference(std::string_view text) {
  return Vote(text, [](std::string_view t, size_t i) {
    while (i < t.size() && !IsDigit(t[i])) ++i;
    return i;
  });
}

}  // namespace internal

// ---------------------------------------------------------------------------
// Spelled numbers.

namespace {

// What a word can be; an unaccented word may be several ("muoi", "mot").
enum WordKind : uint16_t {
  kUnit = 1 << 0,     // một..chín
  kMot = 1 << 1,      // mốt: 1 after "mươi"
  kTu = 1 << 2,       // tư: 4 after tens, "linh", "thứ"
  kLam = 1 << 3,      // lăm, nhăm: 5 after tens
  kMuoi10 = 1 << 4,   // mười: ten
  kMuoi = 1 << 5,     // mươi: times ten
  kTram = 1 << 6,     // trăm: times a hundred
  kLinh = 1 << 7,     // linh, lẻ: "and zero tens"
  kThu = 1 << 8,      // thứ: ordinal prefix
  kOrdinal = 1 << 9,  // nhất, nhì: only after "thứ"
};

struct Word {
  std::string_view accented;  // NFC, lower case
  std::string_view folded;    // FoldVietnamese(accented)
  uint16_t kind;
  int value;
};

// Variants are rows, not code.
constexpr std::array<Word, 23> kWords = {{
    {"một", "mot", kUnit, 1},      {"mốt", "mot", kMot, 1},
    {"hai", "hai", kUnit, 2},      {"ba", "ba", kUnit, 3},
    {"bốn", "bon", kUnit, 4},      {"tư", "tu", kTu, 4},
    {"năm", "nam", kUnit, 5},      {"lăm", "lam", kLam, 5},
    {"nhăm", "nham", kLam, 5},     {"sáu", "sau", kUnit, 6},
    {"bảy", "bay", kUnit, 7},      {"bẩy", "bay", kUnit, 7},
    {"tám", "tam", kUnit, 8},      {"chín", "chin", kUnit, 9},
    {"mười", "muoi", kMuoi10, 10}, {"mươi", "muoi", kMuoi, 0},
    {"trăm", "tram", kTram, 0},    {"linh", "linh", kLinh, 0},
    {"lẻ", "le", kLinh, 0},        {"thứ", "thu", kThu, 0},
    {"nhất", "nhat", kOrdinal, 1}, {"nhì", "nhi", kOrdinal, 2},
    {"nhứt", "nhut", kOrdinal, 1},  // Southern spelling of "nhất"
}};

struct Token {
  uint16_t kind = 0;
  int value = 0;
};

// Case-insensitive comparison of NFC `word` with lower-case `spelling`.
bool EqualsAccented(std::string_view word, std::string_view spelling) {
  size_t i = 0, j = 0;
  while (i < word.size() && j < spelling.size()) {
    if (u_tolower(static_cast<UChar32>(DecodeUtf8(word, &i))) !=
        static_cast<UChar32>(DecodeUtf8(spelling, &j))) {
      return false;
    }
  }
  return i == word.size() && j == spelling.size();
}

bool EqualsFolded(std::string_view word, std::string_view folded) {
  if (word.size() != folded.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    char c = word[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
    if (c != folded[i]) return false;
  }
  return true;
}

Token ClassifyWord(std::string_view word, bool accented) {
  Token t;
  for (const Word& w : kWords) {
    if (accented ? EqualsAccented(word, w.accented)
                 : EqualsFolded(word, w.folded)) {
      t.kind |= w.kind;
      if (w.value != 0) t.value = w.value;
    }
  }
  return t;
}

// Recursive descent over at most kMaxWords tokens.
class SpelledParser {
 public:
  static constexpr size_t kMaxWords = 8;

  SpelledParser(const Token* tokens, size_t n) : t_(tokens), n_(n) {}

  std::optional<int> Parse() {
    if (Has(kThu)) {
      ++i_;
      if (n_ - i_ == 1 && Has(kOrdinal | kTu)) return t_[i_].value;
    }
    int v = 0;
    if (!Number(&v) || i_ != n_) return std::nullopt;
    return v;
  }

 private:
  bool Has(uint16_t kind) const { return i_ < n_ && (t_[i_].kind & kind); }
  bool HasAt(size_t k, uint16_t kind) const {
    return k < n_ && (t_[k].kind & kind);
  }
  // A unit digit other than 5: "năm" after tens means "year(s)".
  bool HasUnitNot5() const { return Has(kUnit) && t_[i_].value != 5; }

  bool Number(int* v) {
    if (Has(kUnit) && HasAt(i_ + 1, kTram)) {
      *v = 100 * t_[i_].value;
      i_ += 2;
      if (Has(kLinh)) {
        ++i_;
        if (!Has(kUnit | kTu)) return false;
        *v += t_[i_++].value;
        return true;
      }
      int tens = 0;
      if (i_ < n_ && !Tens(&tens)) return false;
      *v += tens;
      return true;
    }
    if (Tens(v)) return true;
    if (Has(kUnit)) {
      *v = t_[i_++].value;
      return true;
    }
    return false;
  }

  bool Tens(int* v) {
    if (Has(kMuoi10)) {
      ++i_;
      *v = 10;
      if (HasUnitNot5() || Has(kLam | kTu)) *v += t_[i_++].value;
      return true;
    }
    if (Has(kUnit) && t_[i_].value >= 2 && HasAt(i_ + 1, kMuoi)) {
      *v = 10 * t_[i_].value;
      i_ += 2;
      if (HasUnitNot5() || Has(kMot | kLam | kTu)) *v += t_[i_++].value;
      return true;
    }
    return false;
  }

  const Token* t_;
  size_t n_;
  size_t i_ = 0;
};

}  // namespace

std::optional<int> ParseSpelledNumber(std::string_view text) {
  const bool accented = HasVietnameseDiacritics(text);
  std::array<Token, SpelledParser::kMaxWords> tokens;
  size_t n = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = text.find(' ', i);
    if (end == std::string_view::npos) end = text.size();
    if (end == i || n == tokens.size()) return std::nullopt;  // edge space
    const Token t = ClassifyWord(text.substr(i, end - i), accented);
    if (t.kind == 0) return std::nullopt;
    tokens[n++] = t;
    i = end;
    if (i < text.size()) {
      while (i < text.size() && text[i] == ' ') ++i;
      if (i == text.size()) return std::nullopt;  // trailing space
    }
  }
  if (n == 0) return std::nullopt;
  return SpelledParser(tokens.data(), n).Parse();
}

}  // namespace chiso
