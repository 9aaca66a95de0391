#include "normalize/normalize.h"

#include <gtest/gtest.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace chiso {
namespace {

std::string Norm(std::string text) {
  Document doc;
  doc.text = std::move(text);
  NormalizeText(doc);
  return doc.text;
}

std::string ToNfd(const std::string& utf8) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  std::string out;
  nfd->normalize(icu::UnicodeString::fromUTF8(utf8), status).toUTF8String(out);
  EXPECT_TRUE(U_SUCCESS(status));
  return out;
}

struct Case {
  const char* name;
  std::string input;
  std::string expected;
};

const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      {"empty", "", ""},
      {"plain_ascii_unchanged", "PAR INDEX 2023", "PAR INDEX 2023"},
      {"plain_vietnamese_unchanged", "Chỉ số hài lòng đạt 83,87%.",
       "Chỉ số hài lòng đạt 83,87%."},
      {"all_whitespace", " \t\u00A0\n \r\n\u3000\n\n", ""},
      {"nbsp_to_space", "đạt\u00A085,5\u2007điểm\u202Fnăm",
       "đạt 85,5 điểm năm"},
      {"unicode_spaces_to_space", "a\u2000b\u2003c\u200Ad\u3000e\u205Ff",
       "a b c d e f"},
      {"tab_to_space", "hạng\t5", "hạng 5"},
      {"zero_width_removed", "PA\u200BR\u200C \u200DIN\u2060DEX\uFEFF",
       "PAR INDEX"},
      {"bom_at_start_removed", "\uFEFFSIPAS", "SIPAS"},
      {"soft_hyphen_removed", "thủ\u00ADtục", "thủtục"},
      {"bidi_marks_removed", "\u200Ea\u202Ab\u202C\u200F", "ab"},
      {"control_chars_removed",
       "a\x01"
       "b\x7F"
       "c\u0090d",
       "abcd"},
      {"double_quotes_folded",
       "\u201CA\u201D \u201EB\u201F \u00ABC\u00BB 5\u2033",
       "\"A\" \"B\" \"C\" 5\""},
      {"single_quotes_folded", "\u2018a\u2019 \u201Ab\u201B 5\u2032",
       "'a' 'b' 5'"},
      {"dashes_folded", "1\u20102\u20113\u20124\u20135\u20146\u20157\u22128",
       "1-2-3-4-5-6-7-8"},
      {"ellipsis_expanded", "Hà Giang, Lào Cai\u2026", "Hà Giang, Lào Cai..."},
      {"crlf_to_lf", "dòng một\r\ndòng hai\r\n", "dòng một\ndòng hai"},
      {"cr_to_lf", "dòng một\rdòng hai", "dòng một\ndòng hai"},
      {"crlf_blank_line", "a\r\n\r\nb", "a\n\nb"},
      {"other_line_breaks", "a\u2028b\u0085c\vd\fe", "a\nb\nc\nd\ne"},
      {"paragraph_separator_is_blank_line", "a\u2029b", "a\n\nb"},
      {"space_run_collapsed", "tăng    2  \u00A0 bậc", "tăng 2 bậc"},
      {"line_edges_trimmed", "  đầu dòng  \n\t cuối  ", "đầu dòng\ncuối"},
      {"three_newlines_to_two", "a\n\n\nb\n\n\n\n\nc", "a\n\nb\n\nc"},
      {"blank_line_of_spaces_counts", "a\n   \n \t \n\nb", "a\n\nb"},
      {"two_newlines_kept", "a\n\nb", "a\n\nb"},
      {"leading_trailing_blank_lines", "\n\n  \nnội dung\n\n\n", "nội dung"},
      {"nfd_composed", ToNfd("Việt Nam xếp hạng"), "Việt Nam xếp hạng"},
      {"nfd_stacked_marks", "e\u0302\u0301 o\u031B\u0303",
       "\u1EBF \u1EE1"},  // ế ỡ
      {"zero_width_inside_nfd_sequence", "a\u200B\u0301", "\u00E1"},
      {"combining_mark_after_space_kept", "a \u0301b", "a \u0301b"},
      {"invalid_utf8_replaced",
       "a\xFF"
       "b",
       "a\uFFFDb"},
  };
  return cases;
}

class NormalizeCaseTest : public testing::TestWithParam<Case> {};

TEST_P(NormalizeCaseTest, GivesExpectedText) {
  EXPECT_EQ(Norm(GetParam().input), GetParam().expected);
}

TEST_P(NormalizeCaseTest, IsIdempotent) {
  EXPECT_EQ(Norm(GetParam().expected), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(Rules, NormalizeCaseTest, testing::ValuesIn(Cases()),
                         [](const testing::TestParamInfo<Case>& info) {
                           return std::string(info.param.name);
                         });

// UnchangedPrefix skips the NFC check for U+00C0..U+02BF and U+1E00..U+1EFF:
// every one must have NFC_Quick_Check=Yes and combining class 0.
TEST(NormalizeTextTest, FastRangesAreNfcInert) {
  for (auto [lo, hi] : {std::pair<UChar32, UChar32>{0xC0, 0x2BF}, {0x1E00, 0x1EFF}}) {
    for (UChar32 c = lo; c <= hi; ++c) {
      EXPECT_EQ(u_getIntPropertyValue(c, UCHAR_NFC_QUICK_CHECK), UNORM_YES) << std::hex << c;
      EXPECT_EQ(u_getCombiningClass(c), 0) << std::hex << c;
    }
  }
}

// A clean text with a character that composes with the one before it (or
// must be reordered) still gets composed, with and without other non-ASCII.
TEST(NormalizeTextTest, CleanTextWithCombiningMarksIsComposed) {
  for (std::string text : {"hoa\xCC\x80 xanh", "\xE1\xBB\x9D hoa\xCC\x80", "a\xCC\xA3\xCC\x82 b",
                           "a\xCC\x82\xCC\xA3 b\xE1\xBB\x9D"}) {
    Document d;
    d.text = text;
    NormalizeText(d);
    UErrorCode st = U_ZERO_ERROR;
    std::string want;
    icu::Normalizer2::getNFCInstance(st)->normalize(icu::UnicodeString::fromUTF8(text), st).toUTF8String(want);
    EXPECT_EQ(d.text, want) << text;
  }
}

TEST(NormalizeTextTest, NfdTwinGivesIdenticalBytes) {
  const std::vector<std::string> texts = {
      "Chỉ số cải cách hành chính (PAR INDEX) năm 2023 của tỉnh đạt 88,53%.",
      "Bình Thuận xếp thứ 12/63 tỉnh, thành phố; tăng 5 bậc so với năm 2022.",
      "Mức độ hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan "
      "hành chính nhà nước (SIPAS) đạt 85,71%.",
      "ĐẮK LẮK, Thừa Thiên Huế, Bà Rịa - Vũng Tàu, Khánh Hòa, Khánh Hoà",
      "\u201CỦy ban\u201D\u00A0nhân dân\u2026  tỉnh\r\n\r\n\r\nQuảng Ngãi",
  };
  for (const std::string& text : texts) {
    const std::string nfd = ToNfd(text);
    ASSERT_NE(nfd, text);
    EXPECT_EQ(Norm(nfd), Norm(text)) << text;
  }
}

// Pieces that exercise every rule; random concatenations of them must give a
// fixed point and a sane offset map.
const std::vector<std::string>& Fragments() {
  static const std::vector<std::string> fragments = {
      "a",      "Việt",   ToNfd("Việt"), "ỡ",      "o\u031B", "\u0303",
      "\u0301", " ",      "  ",          "\u00A0", "\t",      "\n",
      "\r\n",   "\r",     "\u2029",      "\u200B", "\u00AD",  "\uFEFF",
      "\u201C", "\u201D", "\u2014",      "\u2212", "\u2026",  "83,87",
      ".",      "Đ",      "\x02",        "-",      "\"",
  };
  return fragments;
}

std::string RandomText(std::mt19937* rng) {
  const auto& fragments = Fragments();
  std::uniform_int_distribution<size_t> pick(0, fragments.size() - 1);
  std::uniform_int_distribution<int> length(0, 40);
  std::string text;
  for (int i = length(*rng); i > 0; --i) text += fragments[pick(*rng)];
  return text;
}

TEST(NormalizeTextTest, IdempotentOnRandomInputs) {
  std::mt19937 rng(20240228);
  for (int i = 0; i < 3000; ++i) {
    const std::string once = Norm(RandomText(&rng));
    ASSERT_EQ(Norm(once), once) << "iteration " << i;
  }
}

TEST(NormalizeTextTest, OffsetMapMonotonicAndInBoundsOnRandomInputs) {
  std::mt19937 rng(7);
  for (int i = 0; i < 3000; ++i) {
    Document doc;
    doc.text = RandomText(&rng);
    const size_t input_size = doc.text.size();
    NormalizeText(doc);
    size_t previous = 0;
    for (size_t b = 0; b <= doc.text.size(); ++b) {
      const size_t src = doc.source_map.ToSource(b);
      ASSERT_LE(src, input_size) << "iteration " << i << " offset " << b;
      ASSERT_GE(src, previous) << "iteration " << i << " offset " << b;
      previous = src;
    }
  }
}

// Clean text takes a shortcut (only trailing whitespace dropped, identity
// map); a removed control character in front forces the full pass, which must
// give the same text, with every offset shifted by that one byte.
TEST(NormalizeTextTest, CleanTextShortcutMatchesFullPass) {
  std::vector<std::string> inputs = {
      "Việt Nam\n",  "a b\n\nc\n \n", "a\n\n\nb", "a \nb",  "a\n b",
      "a  b",        " a",               "\na",        "a\tb",   "a\r\nb",
      "a\u00A0b",    "Vie\u0323\u0302t", "\u0301a b",   "\xFF" "ab",  "\xEF\xBF\xBD x",
      "x\xE1\x80\n", "a\u201Cb",        "\n\n",       "",        "ỡ ỡ\n\nỡ \n\n",
  };
  std::mt19937 rng(5);
  for (int i = 0; i < 3000; ++i) inputs.push_back(RandomText(&rng));
  for (const std::string& input : inputs) {
    Document fast;
    fast.text = input;
    NormalizeText(fast);
    Document full;
    full.text = "\x02" + input;
    NormalizeText(full);
    ASSERT_EQ(fast.text, full.text) << input;
    for (size_t b = 0; b <= fast.text.size() && !fast.text.empty(); ++b) {
      ASSERT_EQ(fast.source_map.ToSource(b) + 1, full.source_map.ToSource(b))
          << input << " offset " << b;
    }
  }
}

TEST(NormalizeTextTest, NormalizedTextMapsToItself) {
  Document doc;
  doc.text = "Chỉ số PAR INDEX\n\nđạt 83,87%.";
  NormalizeText(doc);
  EXPECT_TRUE(doc.source_map.identity());
}

// A word of the output and the input bytes it must map back to.
struct Word {
  std::string output;
  std::string input;
};

// Builds an input from words joined by messy separators and checks that
// every output word maps back to exactly its input bytes.
void CheckWordsMapBack(const std::vector<Word>& words,
                       const std::vector<std::string>& separators,
                       std::mt19937* rng) {
  std::uniform_int_distribution<size_t> pick(0, separators.size() - 1);
  std::string input = separators[pick(*rng)];
  for (const Word& word : words) input += word.input + separators[pick(*rng)];
  Document doc;
  doc.text = input;
  NormalizeText(doc);

  size_t index = 0;
  size_t pos = 0;
  const std::string& out = doc.text;
  while (pos < out.size()) {
    size_t end = out.find_first_of(" \n", pos);
    if (end == std::string::npos) end = out.size();
    if (end > pos) {
      ASSERT_LT(index, words.size()) << out;
      EXPECT_EQ(out.substr(pos, end - pos), words[index].output);
      const size_t b = doc.source_map.ToSource(pos);
      const size_t e = doc.source_map.ToSource(end);
      ASSERT_LE(b, e);
      EXPECT_EQ(input.substr(b, e - b), words[index].input)
          << "word " << index << " of: " << out;
      ++index;
    }
    pos = end + 1;
  }
  EXPECT_EQ(index, words.size()) << out;
}

TEST(NormalizeTextTest, WordsMapBackToTheirInputBytes) {
  const std::vector<std::string> plain = {
      "Chỉ", "số",          "PAR",  "INDEX", "83,87%", "Quảng", "Ngãi", "Đắk",
      "Lắk", "1.836/1.836", "hành", "chính", "xếp",    "thứ",   "12/63"};
  std::vector<Word> words;
  for (size_t i = 0; i < plain.size(); ++i) {
    // Every other word arrives decomposed.
    words.push_back({plain[i], i % 2 ? ToNfd(plain[i]) : plain[i]});
  }
  const std::vector<std::string> separators = {
      " ",
      "\u00A0",
      "\u200B ",
      " \u200B",
      "\u200B\u00A0\u200B",
      "\n",
      "\r\n\r\n\r\n",
      "\t\u2003",
      "  \n  \n",
      "\uFEFF ",
      "\u00AD \u00AD",
      " \u2060\n\u200D ",
  };
  std::mt19937 rng(42);
  for (int i = 0; i < 500; ++i) {
    std::shuffle(words.begin(), words.end(), rng);
    CheckWordsMapBack(words, separators, &rng);
    if (HasFailure()) return;
  }
}

TEST(NormalizeTextTest, RewrittenPiecesMapToTheirWholeInput) {
  Document doc;
  doc.text = "\u201CSIPAS\u201D \u2014 85\u2026";
  const std::string input = doc.text;
  NormalizeText(doc);
  ASSERT_EQ(doc.text, "\"SIPAS\" - 85...");
  auto source = [&](size_t b, size_t e) {
    const size_t sb = doc.source_map.ToSource(b);
    return input.substr(sb, doc.source_map.ToSource(e) - sb);
  };
  EXPECT_EQ(source(0, 1), "\u201C");
  EXPECT_EQ(source(1, 6), "SIPAS");
  EXPECT_EQ(source(6, 7), "\u201D");
  EXPECT_EQ(source(8, 9), "\u2014");
  EXPECT_EQ(source(10, 12), "85");
  EXPECT_EQ(source(12, 15), "\u2026");
}

TEST(NormalizeTextTest, ComposesWithExistingSourceMap) {
  const std::string text = "\u200B\u201CVie\u0323\u0302t\u201D\u00A0\u00A0Nam";
  Document own;
  own.text = text;
  NormalizeText(own);

  Document doc;
  doc.text = text;
  doc.source_map.Add(0, 10);  // as if a 10-byte header had been stripped
  NormalizeText(doc);
  ASSERT_EQ(doc.text, own.text);
  for (size_t b = 0; b <= doc.text.size(); ++b) {
    EXPECT_EQ(doc.source_map.ToSource(b), own.source_map.ToSource(b) + 10)
        << "offset " << b;
  }
}

TEST(NormalizeTextTest, TenMegabyteLineIsFast) {
  std::string line;
  const std::string unit = "Chỉ số\u00A0PAR INDEX của tỉnh đạt 83,87%, " +
                           ToNfd("tăng hai bậc") + "\u200B; ";
  while (line.size() < 10 * 1024 * 1024) line += unit;
  Document doc;
  doc.text = line;
  const auto start = std::chrono::steady_clock::now();
  NormalizeText(doc);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(2));
  EXPECT_EQ(doc.text.find('\n'), std::string::npos);
  EXPECT_EQ(doc.text.find("\u00A0"), std::string::npos);
  EXPECT_TRUE(doc.text.starts_with("Chỉ số PAR INDEX của tỉnh"));
  EXPECT_EQ(doc.source_map.ToSource(doc.text.size()), line.size() - 1);
}

}  // namespace
}  // namespace chiso
