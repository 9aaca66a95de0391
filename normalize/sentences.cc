#include "normalize/sentences.h"

#include <unicode/brkiter.h>
#include <unicode/filteredbrk.h>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/unistr.h>
#include <unicode/utext.h>

#include <array>
#include <climits>
#include <cstdint>
#include <string>
#include <utility>

#include "core/fold.h"

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

// Breaks ICU misses, found inside one of its sentences: a sentence opening
// with a number after ". " ("... giảm 35 thủ tục. 100% các sở ..."; ICU only
// breaks before a capital letter), and a capitalized sentence glued to a
// period ("... thành phố.Họp Ban ..."). Returns the next such break in
// (from, to), or `to`.
size_t NextMissedBreak(std::string_view line, size_t start, size_t from,
                       size_t to) {
  auto terminal = [](char c) { return c == '.' || c == '!' || c == '?'; };
  for (size_t p = from + 1; p < to; ++p) {
    // Both kinds of break have '.', '!' or '?' one or two bytes before them:
    // jump to the next place where that holds.
    if (!terminal(line[p - 1]) && !(p >= 2 && terminal(line[p - 2]))) {
      size_t t = p;
      while (t < to && !terminal(line[t])) ++t;
      if (t + 1 >= to) return to;
      p = t + 1;
    }
    const char c = line[p];
    if (IsAsciiDigit(c) && p >= 2 && line[p - 1] == ' ') {
      const char terminal = line[p - 2];
      if ((terminal == '.' || terminal == '!' || terminal == '?') &&
          !SuppressBreak(line, start, p)) {
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

// The classes of UAX #29 that matter to SentenceBreaksOnlyAtEnd.
enum class SbClass : uint8_t { kOther, kTerm, kClose, kSp, kIgnored, kSep };

SbClass SbClassOf(UChar32 c) {
  switch (u_getIntPropertyValue(c, UCHAR_SENTENCE_BREAK)) {
    case U_SB_ATERM:
    case U_SB_STERM:
      return SbClass::kTerm;
    case U_SB_CLOSE:
      return SbClass::kClose;
    case U_SB_SP:
      return SbClass::kSp;
    case U_SB_EXTEND:  // SB5: they take the class of what precedes them
    case U_SB_FORMAT:
      return SbClass::kIgnored;
    case U_SB_SEP:
    case U_SB_CR:
    case U_SB_LF:
      return SbClass::kSep;
    default:
      return SbClass::kOther;
  }
}

const std::array<SbClass, 128>& AsciiSbClasses() {
  static const std::array<SbClass, 128> table = [] {
    std::array<SbClass, 128> t{};
    for (UChar32 c = 0; c < 128; ++c) t[c] = SbClassOf(c);
    return t;
  }();
  return table;
}

}  // namespace

bool SentenceBreaksOnlyAtEnd(std::string_view line) {
  const std::array<SbClass, 128>& ascii = AsciiSbClasses();
  const size_t n = line.size();
  // Before the first terminator no rule breaks: only a terminator or a
  // separator matters there. Vietnamese letters are skipped by their UTF-8
  // form: U+00C0..U+02BF and U+1E00..U+1EFF hold only letters and symbols
  // (Sentence_Break Upper, Lower, OLetter or Other).
  size_t pos = 0;
  bool terminated = false;
  while (pos < n && !terminated) {
    const auto byte = static_cast<unsigned char>(line[pos]);
    SbClass c;
    if (byte < 0x80) {
      c = ascii[byte];
      ++pos;
    } else if (byte >= 0xC3 && byte <= 0xCA && pos + 1 < n &&
               (static_cast<unsigned char>(line[pos + 1]) & 0xC0) == 0x80) {
      pos += 2;
      continue;
    } else if (byte == 0xE1 && pos + 2 < n &&
               static_cast<unsigned char>(line[pos + 1]) >= 0xB8 &&
               static_cast<unsigned char>(line[pos + 1]) <= 0xBB &&
               (static_cast<unsigned char>(line[pos + 2]) & 0xC0) == 0x80) {
      pos += 3;
      continue;
    } else {
      c = SbClassOf(static_cast<UChar32>(DecodeUtf8NonAscii(line, &pos)));
    }
    if (c == SbClass::kSep) return false;
    terminated = c == SbClass::kTerm;
  }
  // After it, SB8a and SB9 join terminators and closers, SB9 and SB10 the
  // spaces that follow; anything else there may start a new sentence (SB11)
  // and needs ICU.
  bool spaces = false;
  while (pos < n) {
    const auto byte = static_cast<unsigned char>(line[pos]);
    SbClass c;
    if (byte < 0x80) {
      c = ascii[byte];
      ++pos;
    } else {
      c = SbClassOf(static_cast<UChar32>(DecodeUtf8NonAscii(line, &pos)));
    }
    if (c == SbClass::kIgnored) continue;  // SB5
    if (c == SbClass::kSp) {
      spaces = true;
    } else if (spaces || (c != SbClass::kTerm && c != SbClass::kClose)) {
      return false;
    }
  }
  return true;
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
  if (SentenceBreaksOnlyAtEnd(line)) {  // most lines; ICU is the slow part
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
