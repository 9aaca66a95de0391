// Differential test: FastSentenceBreaks against the ICU iterator it replaces
// in SentenceSplitter (sentence rules, locale "vi", filtered by the
// abbreviations). On every line it accepts, its breaks must be ICU's.
#include <gtest/gtest.h>
#include <unicode/brkiter.h>
#include <unicode/filteredbrk.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>
#include <unicode/ustring.h>

#include <cstdio>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/document.h"
#include "corpus/gen/generator.h"
#include "normalize/decode.h"
#include "normalize/normalize.h"
#include "normalize/sentences.h"
#include "normalize/syllables.h"
#include "tests/corpus_files.h"

namespace chiso {
namespace {

// Built the way SentenceSplitter::Create builds its iterator.
class IcuBreaks {
 public:
  IcuBreaks() {
    UErrorCode code = U_ZERO_ERROR;
    icu::BreakIterator* base =
        icu::BreakIterator::createSentenceInstance(icu::Locale("vi"), code);
    std::unique_ptr<icu::FilteredBreakIteratorBuilder> builder(
        icu::FilteredBreakIteratorBuilder::createEmptyInstance(code));
    for (std::string_view a : SentenceAbbreviations()) {
      builder->suppressBreakAfter(
          icu::UnicodeString::fromUTF8(
              icu::StringPiece(a.data(), static_cast<int32_t>(a.size()))),
          code);
    }
    breaker_.reset(builder->wrapIteratorWithFilter(base, code));
    EXPECT_TRUE(U_SUCCESS(code)) << u_errorName(code);
  }

  // ICU's breaks strictly inside `line`, as byte offsets. False if `line` is
  // not valid UTF-8 (Split then hands ICU the UTF-8 itself).
  bool Breaks(std::string_view line, std::vector<size_t>* out) {
    out->clear();
    UErrorCode code = U_ZERO_ERROR;
    std::vector<UChar> utf16(line.size() + 1);
    int32_t length = 0;
    u_strFromUTF8(utf16.data(), static_cast<int32_t>(utf16.size()), &length,
                  line.data(), static_cast<int32_t>(line.size()), &code);
    if (U_FAILURE(code)) return false;
    // byte_of[i]: the byte offset of UTF-16 unit i.
    std::vector<size_t> byte_of(static_cast<size_t>(length) + 1, line.size());
    for (size_t b = 0, u = 0; b < line.size();) {
      const auto lead = static_cast<unsigned char>(line[b]);
      const size_t bytes = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
      byte_of[u] = b;
      u += bytes == 4 ? 2 : 1;
      b += bytes;
    }
    icu::UnicodeString text(false, utf16.data(), length);
    breaker_->setText(text);
    breaker_->first();
    for (int32_t b = breaker_->next(); b != icu::BreakIterator::DONE && b < length;
         b = breaker_->next()) {
      out->push_back(byte_of[static_cast<size_t>(b)]);
    }
    return true;
  }

 private:
  std::unique_ptr<icu::BreakIterator> breaker_;
};

std::string Show(const std::vector<size_t>& v) {
  std::string s = "[";
  for (size_t x : v) s += " " + std::to_string(x);
  return s + " ]";
}

struct Tally {
  int lines = 0;
  int accepted = 0;
  int with_breaks = 0;       // accepted lines where ICU breaks inside
  int icu_with_breaks = 0;   // lines (valid UTF-8) where ICU breaks inside
};

// Checks one line; counts it in *tally.
void Check(IcuBreaks& icu, std::string_view line, Tally* tally) {
  std::vector<size_t> fast;
  std::vector<size_t> expected;
  const bool accepted = FastSentenceBreaks(line, &fast);
  const bool valid = icu.Breaks(line, &expected);
  ++tally->lines;
  if (valid && !expected.empty()) ++tally->icu_with_breaks;
  if (!accepted) return;
  ++tally->accepted;
  ASSERT_TRUE(valid) << "accepted invalid UTF-8: '" << line << "'";
  if (!expected.empty()) ++tally->with_breaks;
  EXPECT_EQ(Show(fast), Show(expected)) << "'" << line << "'";
}

// The lines Split sees: trimmed, non-empty.
std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> lines;
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    size_t b = begin;
    size_t e = end;
    while (b < e && space(text[b])) ++b;
    while (e > b && space(text[e - 1])) --e;
    if (e > b) lines.emplace_back(text.substr(b, e - b));
    if (end == text.size()) break;
    begin = end + 1;
  }
  return lines;
}

std::string Normalized(std::string bytes) {
  Document d;
  d.bytes = std::move(bytes);
  Decode(d);
  NormalizeText(d);
  RejoinSplitSyllables(d);
  return d.text;
}

void Report(const char* what, const Tally& t) {
  std::printf("%s: %d lines, %d (%.1f%%) on the fast path; of the %d where ICU "
              "breaks inside, %d (%.1f%%)\n",
              what, t.lines, t.accepted, 100.0 * t.accepted / t.lines,
              t.icu_with_breaks, t.with_breaks,
              t.icu_with_breaks ? 100.0 * t.with_breaks / t.icu_with_breaks : 0.0);
}

TEST(FastSentenceBreaksTest, AgreesWithIcuOnGeneratedDocuments) {
  IcuBreaks icu;
  Tally tally;
  for (uint64_t seed : {7u, 11u}) {
    gen::GenOptions options;
    options.seed = seed;
    for (int64_t i = 0; i < 600; ++i) {
      gen::GeneratedDoc g;
      gen::GenerateDocument(options, i, &g);
      for (const std::string& line : Lines(Normalized(g.text))) {
        Check(icu, line, &tally);
        if (HasFatalFailure()) return;
      }
    }
  }
  Report("generated", tally);
  // The fast path must carry the bulk, multi-sentence lines included.
  EXPECT_GT(tally.accepted, tally.lines * 0.97);
  EXPECT_GT(tally.with_breaks, tally.icu_with_breaks * 0.8);
}

TEST(FastSentenceBreaksTest, AgreesWithIcuOnCorpusDocuments) {
  IcuBreaks icu;
  Tally tally;
  const int files = testing_support::ForEachCorpusText([&](const std::string&, const std::string& bytes) {
    // Raw too: bytes in legacy encodings must be declined or agree.
    for (const std::string& text : {Normalized(bytes), bytes}) {
      for (const std::string& line : Lines(text)) {
        Check(icu, line, &tally);
        if (HasFatalFailure()) return false;
      }
    }
    return true;
  });
  Report("corpus", tally);
  EXPECT_GT(files, 50);
}

// Every Vietnamese letter, both cases, one code point each (NFC).
std::vector<std::string> VietnameseLetters() {
  const std::string lower =
      "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợ"
      "uùúủũụưừứửữựyỳýỷỹỵđ";
  std::string upper;
  icu::UnicodeString::fromUTF8(lower).toUpper(icu::Locale("vi")).toUTF8String(upper);
  std::vector<std::string> letters;
  for (const std::string& s : {lower, upper}) {
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(s);
    for (int32_t i = 0; i < u.length(); ++i) {
      std::string one;
      icu::UnicodeString(u, i, 1).toUTF8String(one);
      letters.push_back(one);
    }
  }
  return letters;
}

TEST(FastSentenceBreaksTest, AgreesWithIcuOnRandomLines) {
  std::vector<std::string> pieces = {
      "TP.", "Tp. Hồ Chí Minh", "ThS. Nguyễn", "Th.S. Lê", "Th. ", "v.v.", "1.567",
      "83,87%.", "(ông A).", "!\"", "? Còn", ". 100%", "...", " ", "  ", "\t",
      ".", ". ", "!", "?", "!?", ")", "]", "}", "\"", "'", "«", "»", "\u201C",
      "\u201D", "\u2018", "\u2019", "(", "[", ",", ";", ":", "-", "\u2013", "%",
      "0", "7", "12", "a", "b", "x", "A", "B", "Q", "P", "V. ", "Một", "Hai",
      "năm", "của", "Đà Nẵng", "đạt", "ĐẠT", "Ủy ban", "STT", "INDEX", "xTP.",
      "\u00A0", "\u2026", "\u3002", "\u2024", "\u0301", "\u200D", "\u00AD",
      "\u2029", "\u0085", "\r", "\xFF", "\xC3", "\xE1\xBB", "\xC0\x80",
      "\xED\xA0\x80", "\xF9\x80\x80\x80", "\xF4\x90\x80\x80", "\xE0\x80\xAE",
      "\U0001D400", "\u00D7", "\u01C5", "\u02B0", "\u1E9E",
      "\u0250", "\u1E00", "ǅ", "Ⅻ", "ⅻ", "\u05D0", "\u4E00"};
  for (std::string_view a : SentenceAbbreviations()) pieces.emplace_back(a);
  for (const std::string& l : VietnameseLetters()) pieces.push_back(l);
  IcuBreaks icu;
  Tally tally;
  std::mt19937 rng(29);
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> length(1, 12);
  // Terminators, spaces and abbreviations weigh more: they make the breaks.
  const std::vector<std::string> hot = {".", " ", ". ", "!", "?", "\"", ")",
                                        "TP.", "Tp.", "TS.", "Th.", "ThS."};
  std::uniform_int_distribution<size_t> pick_hot(0, hot.size() - 1);
  for (int i = 0; i < 200000; ++i) {
    std::string line;
    for (int k = length(rng); k > 0; --k) {
      line += rng() % 3 == 0 ? hot[pick_hot(rng)] : pieces[pick(rng)];
    }
    Check(icu, line, &tally);
    if (HasFatalFailure()) return;
  }
  Report("random", tally);
  EXPECT_GT(tally.with_breaks, 20000);
}

// The splitter's own ICU path (which the fuzzer compares against) is the
// iterator built here, on valid lines.
TEST(FastSentenceBreaksTest, SplitterIcuBreaksEqualTheTestsIterator) {
  Status status;
  auto splitter = SentenceSplitter::Create(&status);
  ASSERT_NE(splitter, nullptr) << status.message();
  IcuBreaks icu;
  std::vector<size_t> mine, expected;
  int compared = 0;
  for (int seed : {7, 11}) {
    gen::GenOptions o;
    o.seed = seed;
    o.docs = 50;
    for (int64_t i = 0; i < o.docs; ++i) {
      gen::GeneratedDoc g;
      gen::GenerateDocument(o, i, &g);
      for (const std::string& line : Lines(Normalized(g.text))) {
        ASSERT_TRUE(icu.Breaks(line, &expected));
        ASSERT_TRUE(splitter->IcuBreaks(line, &mine));
        EXPECT_EQ(Show(mine), Show(expected)) << "'" << line << "'";
        compared += !expected.empty();
      }
    }
  }
  EXPECT_GT(compared, 100);  // lines that do break inside
}

TEST(FastSentenceBreaksTest, Examples) {
  std::vector<size_t> b;
  EXPECT_TRUE(FastSentenceBreaks("Chỉ số PAR INDEX đạt 83,87%.", &b));
  EXPECT_EQ(Show(b), "[ ]");
  EXPECT_TRUE(FastSentenceBreaks("Kết quả: \"tốt\")!  ", &b));
  EXPECT_EQ(Show(b), "[ ]");
  EXPECT_TRUE(FastSentenceBreaks("Một. Hai", &b));
  EXPECT_EQ(Show(b), "[ 7 ]");
  EXPECT_TRUE(FastSentenceBreaks("a. )", &b));
  EXPECT_EQ(Show(b), "[ 3 ]");
  EXPECT_TRUE(FastSentenceBreaks("Tại TP. Hồ Chí Minh. Năm", &b));
  EXPECT_EQ(Show(b), "[ 26 ]");  // not after "TP."
  EXPECT_TRUE(FastSentenceBreaks("giảm. 100% các sở", &b));  // SB8
  EXPECT_EQ(Show(b), "[ ]");
  EXPECT_FALSE(FastSentenceBreaks("Th. Nguyễn", &b));  // "Th.S." partial
  EXPECT_FALSE(FastSentenceBreaks("a\u2029b", &b));
  EXPECT_FALSE(FastSentenceBreaks("a. \xFF", &b));
}

}  // namespace
}  // namespace chiso
