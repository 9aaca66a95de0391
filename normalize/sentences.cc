#include "normalize/sentences.h"

#include <unicode/brkiter.h>
#include <unicode/filteredbrk.h>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/unistr.h>
#include <unicode/utext.h>

#include <array>
#include <bit>
#include <climits>
#include <cstdint>
#include <iterator>
#include <string>
#include <utility>

#include "core/fold.h"
#include "core/swar.h"

namespace chiso {
namespace {

// Abbreviations after which ICU must not break even when a capitalized word
// follows ("TP. Hồ Chí Minh", "PGS. TS. Nguyễn ..."). Single-letter ones
// ("P.", "Q.", initials) are not here: ICU's filter does not check for a word
// start, so "Q." would also swallow the end of "... PAR INDEX. Năm"; they are
// handled by SuppressBreak with a word-boundary check.
constexpr std::string_view kAbbreviations[] = {
    "TP.",  "Tp.", "TX.", "TS.", "ThS.", "Ths.",
    "PGS.", "GS.", "BS.", "KS.", "NCS.", "Th.S.",
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

Span Trim(std::string_view text, size_t begin, size_t end) {
  while (begin < end && IsSpace(text[begin])) ++begin;
  while (end > begin && IsSpace(text[end - 1])) --end;
  return {begin, end};
}

// Decodes the code point ending at *pos and moves *pos to its first byte.
// REQUIRES: *pos > 0.
char32_t PrevCodePoint(std::string_view s, size_t* pos) {
  if (*pos == 0) return 0xFFFD;  // defensive: callers should not get here
  size_t p = *pos - 1;
  while (p > 0 && *pos - p < 4 &&
         (static_cast<unsigned char>(s[p]) & 0xC0) == 0x80) {
    --p;
  }
  size_t q = p;
  char32_t c = DecodeUtf8(s, &q);
  if (q != *pos) {  // not a well-formed sequence ending at *pos
    *pos = *pos - 1;
    return 0xFFFD;
  }
  *pos = p;
  return c;
}

char32_t FirstCodePoint(std::string_view s) {
  if (s.empty()) return 0;
  size_t pos = 0;
  return DecodeUtf8(s, &pos);
}

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

bool IsRomanNumeral(std::string_view s) {
  if (s.empty() || s.size() > 6) return false;
  for (char c : s) {
    if (c != 'I' && c != 'V' && c != 'X' && c != 'L' && c != 'C') return false;
  }
  return true;
}

// "1.", "1.2.", "12)", "a)", "đ.", "IV." : a list bullet token.
bool IsBulletToken(std::string_view token) {
  if (token.size() < 2) return false;
  const char last = token.back();
  if (last != '.' && last != ')') return false;
  std::string_view body = token.substr(0, token.size() - 1);
  if (IsAsciiDigit(body.front())) {
    if (body.size() > 12) return false;
    for (char c : body) {
      if (!IsAsciiDigit(c) && c != '.') return false;
    }
    return true;
  }
  size_t pos = 0;
  char32_t c = DecodeUtf8(body, &pos);
  if (pos == body.size() && u_isalpha(static_cast<UChar32>(c))) return true;
  return IsRomanNumeral(body);
}

// True if `line` opens with a bullet token followed by a space.
bool StartsWithBullet(std::string_view line) {
  size_t space = line.find(' ');
  if (space == std::string_view::npos) return false;
  return IsBulletToken(line.substr(0, space));
}

bool IsCloser(char32_t c) {
  switch (c) {
    case '"':
    case '\'':
    case ')':
    case ']':
    case '}':
    case 0x00BB:
    case 0x201D:
    case 0x2019:
      return true;
    default:
      return false;
  }
}

// True if `line` (trimmed, non-empty) ends in . ! ? : ; possibly followed by
// closing quotes or brackets.
bool EndsInTerminal(std::string_view line) {
  size_t pos = line.size();
  while (pos > 0) {
    char32_t c = PrevCodePoint(line, &pos);
    if (IsCloser(c)) continue;
    return c == '.' || c == '!' || c == '?' || c == ':' || c == ';';
  }
  return false;
}

bool StartsLowerOrDigit(std::string_view line) {
  UChar32 c = static_cast<UChar32>(FirstCodePoint(line));
  return u_islower(c) || u_isdigit(c);
}

bool IsWordSeparator(char c) {
  return IsSpace(c) || c == '(' || c == '"' || c == '\'' || c == ',';
}

// Breaks ICU proposes that a Vietnamese reader would not take. `line` is the
// whole line, `start` where the current sentence began, `b` ICU's boundary.
bool SuppressBreak(std::string_view line, size_t start, size_t b) {
  size_t end = b;
  while (end > start && IsSpace(line[end - 1])) --end;
  if (end == start) return true;
  std::string_view before = line.substr(0, end);
  // "1. Tăng cường ...", "II. Kết quả": a bullet, not a sentence.
  if (start == 0 && IsBulletToken(before)) return true;
  if (before.back() != '.' || end < 2) return false;
  // A single capital letter before the '.', starting a word.
  size_t letter = end - 1;
  const char32_t initial = PrevCodePoint(before, &letter);
  if (!u_isupper(static_cast<UChar32>(initial))) return false;
  if (letter > 0 && !IsWordSeparator(before[letter - 1])) return false;
  // "P. Bến Nghé", "Q. 1": ward and district.
  if (initial == 'P' || initial == 'Q') return true;
  // "Nguyễn V. A": an initial inside a name, i.e. after a capitalized word.
  size_t word_end = letter;
  while (word_end > 0 && IsSpace(before[word_end - 1])) --word_end;
  if (word_end == 0 || word_end == letter) return false;
  size_t word_begin = word_end;
  while (word_begin > 0 && !IsWordSeparator(before[word_begin - 1])) {
    --word_begin;
  }
  return u_isupper(static_cast<UChar32>(
      FirstCodePoint(before.substr(word_begin, word_end - word_begin))));
}

bool IsTerminal(char c) { return c == '.' || c == '!' || c == '?'; }

// The first i in [t, to) where line[i] is '.', '!' or '?', else `to`; eight
// bytes at a time (most of a line is not near a terminator).
size_t NextTerminal(std::string_view line, size_t t, size_t to) {
  if constexpr (std::endian::native == std::endian::little) {
    for (; t + 8 <= to; t += 8) {
      const uint64_t w = swar::Load8(line.data() + t);
      const uint64_t hit =
          swar::BytesEqual(w, '.') | swar::BytesEqual(w, '!') | swar::BytesEqual(w, '?');
      if (hit != 0) return t + swar::FirstMarked(hit);
    }
  }
  while (t < to && !IsTerminal(line[t])) ++t;
  return t;
}

// Breaks ICU misses, found inside one of its sentences: a sentence opening
// with a number after ". " ("... giảm 35 thủ tục. 100% các sở ..."; ICU only
// breaks before a capital letter), and a capitalized sentence glued to a
// period ("... thành phố.Họp Ban ..."). Returns the next such break in
// (from, to), or `to`.
size_t NextMissedBreak(std::string_view line, size_t start, size_t from,
                       size_t to) {
  for (size_t p = from + 1; p < to; ++p) {
    // Both kinds of break have '.', '!' or '?' one or two bytes before them:
    // jump to the next place where that holds.
    if (!IsTerminal(line[p - 1]) && !(p >= 2 && IsTerminal(line[p - 2]))) {
      const size_t t = NextTerminal(line, p, to);
      if (t + 1 >= to) return to;
      p = t + 1;
    }
    const char c = line[p];
    if (IsAsciiDigit(c) && p >= 2 && line[p - 1] == ' ') {
      if (IsTerminal(line[p - 2]) && !SuppressBreak(line, start, p)) {
        return p;
      }
      continue;
    }
    if (line[p - 1] != '.' || static_cast<unsigned char>(c) < 'A' || p < 3) {
      continue;
    }
    // Glued: lowercase word '.' Capital lowercase, not an abbreviation.
    size_t next = p;
    const char32_t capital = DecodeUtf8(line, &next);
    if (next >= to || !u_isupper(static_cast<UChar32>(capital))) continue;
    if (!u_islower(static_cast<UChar32>(FirstCodePoint(line.substr(next))))) {
      continue;
    }
    size_t word_begin = p - 1;
    while (word_begin > 0 && !IsWordSeparator(line[word_begin - 1]) &&
           line[word_begin - 1] != '.') {
      --word_begin;
    }
    std::string_view word = line.substr(word_begin, p - word_begin);  // "phố."
    if (word.size() < 2) continue;  // a lone '.' (fuzzer: "6.6..D\x8e.$")
    size_t last = word.size() - 1;
    if (!u_islower(static_cast<UChar32>(PrevCodePoint(word, &last))) ||
        last == 0 || word == "Tp." || word == "ThS." || word == "Ths.") {
      continue;
    }
    return p;
  }
  return to;
}

// Sentence_Break classes (UAX #29), as FastSentenceBreaks needs them.
// kSep stands for Sep, CR and LF, kIgnored for Extend and Format (SB5),
// kInvalid for a byte sequence that is not well-formed UTF-8.
// From kATerm on, a class stops FastSentenceBreaks' scan: one comparison.
enum class Sb : uint8_t {
  kOther, kUpper, kLower, kOLetter, kNumeric, kClose, kSContinue, kSp,
  kATerm, kSTerm, kSep, kIgnored, kInvalid, kEnd,
};

Sb SbOf(UChar32 c) {
  switch (u_getIntPropertyValue(c, UCHAR_SENTENCE_BREAK)) {
    case U_SB_UPPER: return Sb::kUpper;
    case U_SB_LOWER: return Sb::kLower;
    case U_SB_OLETTER: return Sb::kOLetter;
    case U_SB_NUMERIC: return Sb::kNumeric;
    case U_SB_ATERM: return Sb::kATerm;
    case U_SB_STERM: return Sb::kSTerm;
    case U_SB_CLOSE: return Sb::kClose;
    case U_SB_SCONTINUE: return Sb::kSContinue;
    case U_SB_SP: return Sb::kSp;
    case U_SB_SEP:
    case U_SB_CR:
    case U_SB_LF: return Sb::kSep;
    case U_SB_EXTEND:
    case U_SB_FORMAT: return Sb::kIgnored;
    default: return Sb::kOther;
  }
}

// Classes of U+0000..U+024F (ASCII, Latin-1, Latin Extended-A/B) and of
// U+1EA0..U+1EFF (the Vietnamese letters of Latin Extended Additional), taken
// from ICU on first use so that they match its break rules' data.
constexpr char32_t kLowEnd = 0x250;
constexpr char32_t kVietBegin = 0x1EA0;
constexpr char32_t kVietEnd = 0x1F00;
struct SbTables {
  std::array<Sb, kLowEnd> low;
  std::array<Sb, kVietEnd - kVietBegin> viet;
};

const SbTables& Tables() {
  static const SbTables tables = [] {
    SbTables t{};
    for (char32_t c = 0; c < kLowEnd; ++c) t.low[c] = SbOf(static_cast<UChar32>(c));
    for (char32_t c = kVietBegin; c < kVietEnd; ++c) {
      t.viet[c - kVietBegin] = SbOf(static_cast<UChar32>(c));
    }
    return t;
  }();
  return tables;
}

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The class of the code point at `pos` (< s.size()); *next gets the offset
// after it. Sequences u_strFromUTF8 would reject (and U+FFFD) are kInvalid:
// ICU then reads the line as UTF-8, which the fast path does not model.
Sb ClassAt(const SbTables& t, std::string_view s, size_t pos, size_t* next) {
  const auto b0 = static_cast<unsigned char>(s[pos]);
  if (b0 < 0x80) {
    *next = pos + 1;
    return t.low[b0];
  }
  const size_t n = s.size();
  if (b0 >= 0xC2 && b0 <= 0xC9 && pos + 1 < n && IsContinuation(s[pos + 1])) {
    const char32_t c = (char32_t{b0} & 0x1F) << 6 |
                       (static_cast<unsigned char>(s[pos + 1]) & 0x3F);
    if (c < kLowEnd) {
      *next = pos + 2;
      return t.low[c];
    }
  } else if (b0 == 0xE1 && pos + 2 < n &&
             (s[pos + 1] == '\xBA' || s[pos + 1] == '\xBB') &&
             IsContinuation(s[pos + 2])) {
    const char32_t c = 0x1000 | (static_cast<unsigned char>(s[pos + 1]) & 0x3F) << 6 |
                       (static_cast<unsigned char>(s[pos + 2]) & 0x3F);
    if (c >= kVietBegin) {
      *next = pos + 3;
      return t.viet[c - kVietBegin];
    }
  }
  size_t q = pos;
  const char32_t c = DecodeUtf8NonAscii(s, &q);
  *next = q;
  const size_t len = q - pos;
  if (c == 0xFFFD || b0 > 0xF4 || c > 0x10FFFF ||
      (c >= 0xD800 && c <= 0xDFFF) || (len == 2 && c < 0x80) ||
      (len == 3 && c < 0x800) || (len == 4 && c < 0x10000)) {
    return Sb::kInvalid;
  }
  return SbOf(static_cast<UChar32>(c));
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

// What ICU's SimpleFilteredSentenceBreakIterator, built from kAbbreviations,
// does with a break at `b`: it steps back over one U+0020 and matches the text
// before, backwards and with no word-boundary check, against the
// abbreviations. One whose only '.' is its last character suppresses the
// break (1). One with an inner '.' ("Th.S.") enters only as its prefix
// through that '.' ("Th."), which then needs a forward match: not modelled,
// so -1 (ask ICU). Otherwise 0: the break stands.
constexpr bool AllEndInPeriod() {
  for (std::string_view a : kAbbreviations) {
    if (a.empty() || a.back() != '.') return false;
  }
  return true;
}
static_assert(AllEndInPeriod(), "AbbreviationAt looks only before a '.'");

int AbbreviationAt(std::string_view line, size_t b) {
  if (b > 0 && line[b - 1] == ' ') --b;
  const std::string_view before = line.substr(0, b);
  if (before.empty() || before.back() != '.') return 0;
  int result = 0;
  for (std::string_view a : kAbbreviations) {
    const size_t dot = a.find('.');
    if (dot + 1 < a.size()) {
      if (EndsWith(before, a.substr(0, dot + 1))) return -1;
    } else if (EndsWith(before, a)) {
      result = 1;
    }
  }
  return result;
}

// SB8's look-ahead from `pos`: 1 if a Lower comes before any OLetter, Upper,
// ParaSep, SATerm or the end; -1 for what the fast path does not model.
int LowerAhead(const SbTables& t, std::string_view line, size_t pos) {
  while (pos < line.size()) {
    size_t next;
    switch (ClassAt(t, line, pos, &next)) {
      case Sb::kLower: return 1;
      case Sb::kUpper:
      case Sb::kOLetter:
      case Sb::kATerm:
      case Sb::kSTerm: return 0;
      case Sb::kSep:
      case Sb::kIgnored:
      case Sb::kInvalid: return -1;
      default: break;
    }
    pos = next;
  }
  return 0;
}

}  // namespace

bool FastSentenceBreaks(std::string_view line, std::vector<size_t>* breaks) {
  breaks->clear();
  const SbTables& t = Tables();
  const size_t n = line.size();
  size_t pos = 0;
  for (;;) {
    // Up to a terminator no rule breaks (SB998). Vietnamese letters are
    // skipped by their UTF-8 form: U+00C0..U+02BF and U+1E00..U+1EFF hold
    // only letters and symbols (Upper, Lower, OLetter or Other).
    while (pos < n) {
      const auto byte = static_cast<unsigned char>(line[pos]);
      if (byte < 0x80) {
        if (t.low[byte] >= Sb::kATerm) break;
        ++pos;
      } else if (byte >= 0xC3 && byte <= 0xCA && pos + 1 < n &&
                 IsContinuation(line[pos + 1])) {
        pos += 2;
      } else if (byte == 0xE1 && pos + 2 < n &&
                 (static_cast<unsigned char>(line[pos + 1]) & 0xFC) == 0xB8 &&
                 IsContinuation(line[pos + 2])) {  // U+1E00..U+1EFF
        pos += 3;
      } else {
        break;
      }
    }
    if (pos == n) return true;
    size_t next;
    const Sb c = ClassAt(t, line, pos, &next);
    if (c < Sb::kATerm) {
      pos = next;
      continue;
    }
    if (c != Sb::kATerm && c != Sb::kSTerm) return false;  // SB4, SB5, bytes
    // A terminator. The code point before it (for SB7) is well-formed: the
    // scan has checked it, so its lead byte is the last non-continuation one.
    const bool aterm = c == Sb::kATerm;
    Sb before = Sb::kOther;
    if (pos > 0) {
      size_t lead = pos - 1;
      while (lead > 0 && IsContinuation(line[lead])) --lead;
      size_t unused;
      before = ClassAt(t, line, lead, &unused);
    }
    // SATerm Close* Sp* never breaks inside (SB9, SB10): the only candidate
    // is after the run.
    size_t p = next;
    bool adjacent = true;  // nothing between the terminator and p
    Sb x = p < n ? ClassAt(t, line, p, &next) : Sb::kEnd;
    while (x == Sb::kClose) {
      adjacent = false;
      p = next;
      x = p < n ? ClassAt(t, line, p, &next) : Sb::kEnd;
    }
    while (x == Sb::kSp) {
      adjacent = false;
      p = next;
      x = p < n ? ClassAt(t, line, p, &next) : Sb::kEnd;
    }
    if (x == Sb::kEnd) return true;
    if (x == Sb::kSep || x == Sb::kIgnored || x == Sb::kInvalid) return false;
    bool together =
        x == Sb::kSContinue || x == Sb::kATerm || x == Sb::kSTerm ||  // SB8a
        (aterm && adjacent &&
         (x == Sb::kNumeric ||                                        // SB6
          (x == Sb::kUpper &&
           (before == Sb::kUpper || before == Sb::kLower))));         // SB7
    if (!together && aterm) {  // SB8
      const int lower = LowerAhead(t, line, p);
      if (lower < 0) return false;
      together = lower == 1;
    }
    if (!together) {  // SB11, unless the filter suppresses the break
      const int abbreviation = AbbreviationAt(line, p);
      if (abbreviation < 0) return false;
      if (abbreviation == 0) breaks->push_back(p);
    }
    pos = p;  // x may itself be a terminator
  }
}

struct SentenceSplitter::Impl {
  ~Impl() {
    if (text != nullptr) utext_close(text);
    if (text16 != nullptr) utext_close(text16);
  }

  // Points `breaker` at `line`: as UTF-16 when the line is valid UTF-8 (ICU
  // iterates UTF-16 text several times faster than UTF-8 text), else as
  // UTF-8, where ICU reads invalid bytes as U+FFFD. Returns false if ICU
  // fails.
  bool SetLine(std::string_view line);

  // Byte offset in the line of ICU's boundary `b`; boundaries come in
  // ascending order after SetLine.
  size_t ByteOffset(int32_t b, std::string_view line);

  // Appends the sentences of doc_text[begin, end) (one line) to `out`. If
  // `continues` is set, the line's first sentence extends out->back().
  void SplitLine(std::string_view doc_text, size_t begin, size_t end,
                 bool continues, std::vector<Span>* out);

  // Pushes line[*start, cut), split further at breaks ICU missed; leaves
  // *start at `cut`.
  template <typename Push>
  static void PushWithMissedBreaks(std::string_view line, size_t* start,
                                   size_t cut, Push& push) {
    for (size_t p = NextMissedBreak(line, *start, *start, cut); p < cut;
         p = NextMissedBreak(line, *start, p, cut)) {
      push(*start, p);
      *start = p;
    }
    push(*start, cut);
    *start = cut;
  }

  std::vector<size_t> fast_breaks;  // FastSentenceBreaks' output, reused
  std::unique_ptr<icu::BreakIterator> breaker;
  UText* text = nullptr;    // reused by utext_openUTF8 for every line
  UText* text16 = nullptr;  // reused by utext_openUChars for every line
  std::vector<UChar> utf16;  // the line in UTF-16, if it is in use
  bool in_utf16 = false;
  int32_t cursor16 = 0;  // ByteOffset's position: a UTF-16 index
  size_t cursor8 = 0;    // and the byte offset of the same character
};

bool SentenceSplitter::Impl::SetLine(std::string_view line) {
  UErrorCode status = U_ZERO_ERROR;
  in_utf16 = false;
  cursor16 = 0;
  cursor8 = 0;
  if (line.size() <= static_cast<size_t>(INT32_MAX)) {
    // UTF-16 never takes more units than UTF-8 takes bytes.
    if (utf16.size() < line.size()) utf16.resize(line.size());
    int32_t length = 0;
    u_strFromUTF8(utf16.data(), static_cast<int32_t>(utf16.size()), &length,
                  line.data(), static_cast<int32_t>(line.size()), &status);
    if (U_SUCCESS(status)) {
      text16 = utext_openUChars(text16, utf16.data(), length, &status);
      if (U_SUCCESS(status)) breaker->setText(text16, status);
      in_utf16 = U_SUCCESS(status);
      return in_utf16;
    }
    status = U_ZERO_ERROR;  // invalid UTF-8
  }
  text = utext_openUTF8(text, line.data(), static_cast<int64_t>(line.size()),
                        &status);
  if (U_SUCCESS(status)) breaker->setText(text, status);
  return U_SUCCESS(status);
}

size_t SentenceSplitter::Impl::ByteOffset(int32_t b, std::string_view line) {
  if (!in_utf16) return static_cast<size_t>(b);
  // Valid UTF-8: the lead byte gives the length; 4 bytes are 2 units.
  while (cursor16 < b && cursor8 < line.size()) {
    const auto lead = static_cast<unsigned char>(line[cursor8]);
    const size_t bytes = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    cursor8 += bytes;
    cursor16 += bytes == 4 ? 2 : 1;
  }
  return cursor8;
}

void SentenceSplitter::Impl::SplitLine(std::string_view doc_text, size_t begin,
                                       size_t end, bool continues,
                                       std::vector<Span>* out) {
  std::string_view line = doc_text.substr(begin, end - begin);
  bool first = true;
  auto push = [&](size_t a, size_t b) {
    Span s = Trim(doc_text, begin + a, begin + b);
    if (s.empty()) return;
    if (first && continues && !out->empty()) {
      out->back().end = s.end;
    } else {
      out->push_back(s);
    }
    first = false;
  };

  size_t start = 0;
  if (FastSentenceBreaks(line, &fast_breaks)) {  // most lines; ICU is slow
    for (const size_t cut : fast_breaks) {
      if (SuppressBreak(line, start, cut)) continue;
      PushWithMissedBreaks(line, &start, cut, push);
    }
    PushWithMissedBreaks(line, &start, line.size(), push);
    return;
  }
  if (!SetLine(line)) {
    push(0, line.size());
    return;
  }
  breaker->first();
  for (int32_t b = breaker->next(); b != icu::BreakIterator::DONE;
       b = breaker->next()) {
    const size_t cut = ByteOffset(b, line);
    if (cut >= line.size()) break;
    if (SuppressBreak(line, start, cut)) continue;
    PushWithMissedBreaks(line, &start, cut, push);
  }
  PushWithMissedBreaks(line, &start, line.size(), push);
}

SentenceSplitter::SentenceSplitter(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

SentenceSplitter::~SentenceSplitter() = default;

std::unique_ptr<SentenceSplitter> SentenceSplitter::Create(Status* status) {
  auto fail = [status](const std::string& what, UErrorCode code) {
    if (status != nullptr) {
      *status = Status::Error("sentence splitter: " + what + ": " +
                              u_errorName(code));
    }
    return nullptr;
  };
  UErrorCode code = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> base(
      icu::BreakIterator::createSentenceInstance(icu::Locale("vi"), code));
  if (U_FAILURE(code) || base == nullptr) {
    return fail("cannot create ICU sentence iterator", code);
  }
  std::unique_ptr<icu::FilteredBreakIteratorBuilder> builder(
      icu::FilteredBreakIteratorBuilder::createEmptyInstance(code));
  if (U_FAILURE(code) || builder == nullptr) {
    return fail("cannot create ICU break filter", code);
  }
  for (std::string_view abbreviation : kAbbreviations) {
    builder->suppressBreakAfter(
        icu::UnicodeString::fromUTF8(icu::StringPiece(
            abbreviation.data(), static_cast<int32_t>(abbreviation.size()))),
        code);
  }
  auto impl = std::make_unique<Impl>();
  impl->breaker.reset(builder->wrapIteratorWithFilter(base.release(), code));
  if (U_FAILURE(code) || impl->breaker == nullptr) {
    return fail("cannot build filtered sentence iterator", code);
  }
  if (status != nullptr) *status = Status::OK();
  return std::unique_ptr<SentenceSplitter>(
      new SentenceSplitter(std::move(impl)));
}

bool SentenceSplitter::IcuBreaks(std::string_view line, std::vector<size_t>* breaks) {
  breaks->clear();
  if (!impl_->SetLine(line)) return false;
  impl_->breaker->first();
  for (int32_t b = impl_->breaker->next(); b != icu::BreakIterator::DONE; b = impl_->breaker->next()) {
    const size_t cut = impl_->ByteOffset(b, line);
    if (cut >= line.size()) break;
    breaks->push_back(cut);
  }
  return true;
}

void SentenceSplitter::Split(Document& doc) {
  doc.paragraphs.clear();
  doc.sentences.clear();
  const std::string_view text = doc.text;
  bool in_paragraph = false;
  Span paragraph;
  bool previous_ends_in_terminal = true;

  size_t line_begin = 0;
  while (line_begin <= text.size()) {
    size_t line_end = text.find('\n', line_begin);
    if (line_end == std::string_view::npos) line_end = text.size();
    const Span line = Trim(text, line_begin, line_end);
    if (line.empty()) {
      if (in_paragraph) doc.paragraphs.push_back(paragraph);
      in_paragraph = false;
    } else {
      const std::string_view line_text = doc.Slice(line);
      bool continues = false;
      if (!in_paragraph) {
        in_paragraph = true;
        paragraph.begin = line.begin;
      } else {
        continues = !previous_ends_in_terminal &&
                    StartsLowerOrDigit(line_text) &&
                    !StartsWithBullet(line_text);
      }
      paragraph.end = line.end;
      impl_->SplitLine(text, line.begin, line.end, continues, &doc.sentences);
      previous_ends_in_terminal = EndsInTerminal(line_text);
    }
    if (line_end == text.size()) break;
    line_begin = line_end + 1;
  }
  if (in_paragraph) doc.paragraphs.push_back(paragraph);
}

std::vector<std::string_view> SentenceAbbreviations() {
  return {std::begin(kAbbreviations), std::end(kAbbreviations)};
}

std::vector<Span> SplitClauses(std::string_view sentence_text, size_t base) {
  std::vector<Span> clauses;
  auto cut = [&](size_t begin, size_t end) {
    Span s = Trim(sentence_text, begin, end);
    if (!s.empty()) clauses.push_back({base + s.begin, base + s.end});
  };
  const size_t n = sentence_text.size();
  size_t start = 0;
  int depth = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = sentence_text[i];
    bool boundary = false;
    if (c == '(') {
      boundary = depth++ == 0;
    } else if (c == ')') {
      // A stray ')' (no matching '(') is a boundary too.
      boundary = depth <= 1;
      if (depth > 0) --depth;
    } else if (depth == 0) {
      // Only bytes ';' ',' ':' matter here; they never occur inside a
      // multi-byte UTF-8 sequence.
      boundary = c == ';' || ((c == ',' || c == ':') &&
                              (i + 1 == n || IsSpace(sentence_text[i + 1])));
    }
    if (boundary) {
      cut(start, i);
      start = i + 1;
    }
  }
  cut(start, n);
  return clauses;
}

}  // namespace chiso
