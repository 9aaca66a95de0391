#include "normalize/sentences.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace chiso {
namespace {

using Strings = std::vector<std::string>;

SentenceSplitter& Splitter() {
  static std::unique_ptr<SentenceSplitter> splitter = [] {
    Status status;
    auto s = SentenceSplitter::Create(&status);
    EXPECT_TRUE(status.ok()) << status.message();
    return s;
  }();
  return *splitter;
}

// The structural promises of Split, checked on every test document.
void ExpectWellFormed(const Document& doc) {
  const std::string& t = doc.text;
  auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\t'; };
  auto check_span = [&](const Span& s, const char* what) {
    ASSERT_LT(s.begin, s.end) << what << " empty";
    ASSERT_LE(s.end, t.size()) << what << " out of bounds";
    EXPECT_FALSE(is_space(t[s.begin])) << what << " not trimmed";
    EXPECT_FALSE(is_space(t[s.end - 1])) << what << " not trimmed";
  };
  for (size_t i = 0; i < doc.paragraphs.size(); ++i) {
    check_span(doc.paragraphs[i], "paragraph");
    if (i > 0) {
      EXPECT_LE(doc.paragraphs[i - 1].end, doc.paragraphs[i].begin);
    }
  }
  size_t paragraph = 0;
  for (size_t i = 0; i < doc.sentences.size(); ++i) {
    const Span& s = doc.sentences[i];
    check_span(s, "sentence");
    if (i > 0) {
      EXPECT_LE(doc.sentences[i - 1].end, s.begin);
    }
    while (paragraph < doc.paragraphs.size() &&
           doc.paragraphs[paragraph].end <= s.begin) {
      ++paragraph;
    }
    ASSERT_LT(paragraph, doc.paragraphs.size())
        << "sentence outside paragraphs";
    EXPECT_GE(s.begin, doc.paragraphs[paragraph].begin);
    EXPECT_LE(s.end, doc.paragraphs[paragraph].end)
        << "sentence crosses paragraph";
  }
}

Strings Slices(const Document& doc, const std::vector<Span>& spans) {
  Strings out;
  for (const Span& s : spans) out.emplace_back(doc.Slice(s));
  return out;
}

Document SplitText(std::string text) {
  Document doc;
  doc.text = std::move(text);
  Splitter().Split(doc);
  ExpectWellFormed(doc);
  return doc;
}

struct Case {
  const char* name;
  std::string text;
  Strings sentences;
};

const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      // Notations that must not end a sentence.
      {"decimal_comma",
       "Chỉ số đạt 83,87% năm 2023. Tỉnh xếp thứ 5.",
       {"Chỉ số đạt 83,87% năm 2023.", "Tỉnh xếp thứ 5."}},
      {"thousands_dot",
       "Đã giải quyết 1.567 hồ sơ. Còn lại 12 hồ sơ.",
       {"Đã giải quyết 1.567 hồ sơ.", "Còn lại 12 hồ sơ."}},
      {"tp_hcm_joined",
       "UBND TP.HCM công bố kết quả. Chỉ số tăng.",
       {"UBND TP.HCM công bố kết quả.", "Chỉ số tăng."}},
      {"tp_spaced",
       "Năm nay TP. Hồ Chí Minh dẫn đầu. Hà Nội đứng thứ hai.",
       {"Năm nay TP. Hồ Chí Minh dẫn đầu.", "Hà Nội đứng thứ hai."}},
      {"tp_lowercase_p",
       "Tp. Cần Thơ xếp thứ 10 về SIPAS.",
       {"Tp. Cần Thơ xếp thứ 10 về SIPAS."}},
      {"district_joined",
       "Trụ sở đặt tại Q.1 và Q.3. Đây là hai quận lớn.",
       {"Trụ sở đặt tại Q.1 và Q.3.", "Đây là hai quận lớn."}},
      {"district_spaced",
       "Người dân Q. 1, TP.HCM hài lòng. Kết quả khả quan.",
       {"Người dân Q. 1, TP.HCM hài lòng.", "Kết quả khả quan."}},
      {"ward",
       "Bộ phận một cửa P. Bến Nghé hoạt động tốt.",
       {"Bộ phận một cửa P. Bến Nghé hoạt động tốt."}},
      {"doctor",
       "TS. Nguyễn Văn Bình phát biểu. Ông đánh giá cao.",
       {"TS. Nguyễn Văn Bình phát biểu.", "Ông đánh giá cao."}},
      {"master",
       "ThS. Trần Thị Hoa trình bày báo cáo PAPI.",
       {"ThS. Trần Thị Hoa trình bày báo cáo PAPI."}},
      {"associate_professor",
       "PGS. TS. Lê Minh Quân nhận xét. Hội thảo kết thúc.",
       {"PGS. TS. Lê Minh Quân nhận xét.", "Hội thảo kết thúc."}},
      {"professor",
       "Theo GS. Phạm Văn Đức, chỉ số phản ánh đúng thực tế.",
       {"Theo GS. Phạm Văn Đức, chỉ số phản ánh đúng thực tế."}},
      {"name_initial",
       "Theo ông Nguyễn V. A, chỉ số tăng mạnh. Năm sau sẽ khác.",
       {"Theo ông Nguyễn V. A, chỉ số tăng mạnh.", "Năm sau sẽ khác."}},
      {"etc_inside_sentence",
       "Các chỉ số PAR INDEX, SIPAS, PAPI v.v. đều tăng.",
       {"Các chỉ số PAR INDEX, SIPAS, PAPI v.v. đều tăng."}},
      {"ellipsis_inside_sentence",
       "Các tỉnh Hà Giang, Lào Cai... đều tăng điểm.",
       {"Các tỉnh Hà Giang, Lào Cai... đều tăng điểm."}},
      {"resolution_number",
       "Thực hiện Nghị quyết số 30c/NQ-CP của Chính phủ, tỉnh đạt 90%. Tốt.",
       {"Thực hiện Nghị quyết số 30c/NQ-CP của Chính phủ, tỉnh đạt 90%.",
        "Tốt."}},
      {"bullet_number",
       "1. Cải cách thể chế đạt 8,5 điểm.",
       {"1. Cải cách thể chế đạt 8,5 điểm."}},
      {"bullet_multilevel",
       "2.3. Cải cách tài chính công đạt 7 điểm.",
       {"2.3. Cải cách tài chính công đạt 7 điểm."}},
      {"bullet_letter_paren",
       "a) Chỉ số SIPAS đạt 85%.",
       {"a) Chỉ số SIPAS đạt 85%."}},
      {"bullet_letter_dot",
       "b. Chỉ số PAPI tăng 3 bậc.",
       {"b. Chỉ số PAPI tăng 3 bậc."}},
      {"bullet_roman",
       "II. Kết quả thực hiện năm 2023",
       {"II. Kết quả thực hiện năm 2023"}},
      {"semicolon_is_not_a_break",
       "Cấp tỉnh giảm 35 thủ tục; Cấp huyện giảm 25 thủ tục.",
       {"Cấp tỉnh giảm 35 thủ tục; Cấp huyện giảm 25 thủ tục."}},
      // Real breaks.
      {"break_after_period_capital",
       "Năm 2023 tỉnh đạt 85 điểm. Năm 2024 tỉnh đạt 88 điểm.",
       {"Năm 2023 tỉnh đạt 85 điểm.", "Năm 2024 tỉnh đạt 88 điểm."}},
      {"break_after_bang_and_question",
       "Thật ấn tượng! Vì sao tỉnh tăng hạng? Câu trả lời ở đây.",
       {"Thật ấn tượng!", "Vì sao tỉnh tăng hạng?", "Câu trả lời ở đây."}},
      {"break_after_acronym",
       "Tỉnh dẫn đầu PAR INDEX. Năm 2024 tiếp tục.",
       {"Tỉnh dẫn đầu PAR INDEX.", "Năm 2024 tiếp tục."}},
      {"break_after_lowercase_word_and_letter",
       "Kết quả quý I. Năm nay tăng.",
       {"Kết quả quý I.", "Năm nay tăng."}},
      {"break_after_etc_capital",
       "Gồm SIPAS, PAPI, v.v. Năm nay đều tăng.",
       {"Gồm SIPAS, PAPI, v.v.", "Năm nay đều tăng."}},
      {"break_after_closing_quote",
       "Ông nói: \"Chỉ số tăng.\" Hội nghị bế mạc.",
       {"Ông nói: \"Chỉ số tăng.\"", "Hội nghị bế mạc."}},
      {"break_before_number",
       "Cấp xã tăng 5 thủ tục. 100% các sở đều công khai.",
       {"Cấp xã tăng 5 thủ tục.", "100% các sở đều công khai."}},
      {"break_glued_period",
       "Dự họp có lãnh đạo các sở.Họp Ban Chỉ đạo tỉnh.",
       {"Dự họp có lãnh đạo các sở.", "Họp Ban Chỉ đạo tỉnh."}},
      {"glued_abbreviation_not_split",
       "Tp.Hồ Chí Minh và Tp.Cần Thơ dẫn đầu.",
       {"Tp.Hồ Chí Minh và Tp.Cần Thơ dẫn đầu."}},
      {"domain_not_split",
       "Xem tại dichvucong.gov.vn và Cổng dịch vụ công.",
       {"Xem tại dichvucong.gov.vn và Cổng dịch vụ công."}},
      {"bullet_then_number_not_split",
       "1. 35 thủ tục được cắt giảm.",
       {"1. 35 thủ tục được cắt giảm."}},
      // Lines.
      {"newline_ends_sentence",
       "Dòng một không dấu chấm\nDòng hai viết hoa",
       {"Dòng một không dấu chấm", "Dòng hai viết hoa"}},
      {"hard_wrapped_lowercase",
       "Chỉ số SIPAS năm 2023 của tỉnh\nđạt 85,5%, tăng 2 bậc.",
       {"Chỉ số SIPAS năm 2023 của tỉnh\nđạt 85,5%, tăng 2 bậc."}},
      {"hard_wrapped_digit",
       "Tỉnh giải quyết đúng hạn\n98,5% hồ sơ. Đạt chỉ tiêu.",
       {"Tỉnh giải quyết đúng hạn\n98,5% hồ sơ.", "Đạt chỉ tiêu."}},
      {"terminal_colon_keeps_newline_break",
       "Kết quả như sau:\ncấp tỉnh đạt 90%.",
       {"Kết quả như sau:", "cấp tỉnh đạt 90%."}},
      {"terminal_period_keeps_newline_break",
       "Tỉnh tăng hạng.\nnăm sau tiếp tục.",
       {"Tỉnh tăng hạng.", "năm sau tiếp tục."}},
      {"bullet_line_not_joined",
       "Các nhiệm vụ chính\n1. Cải cách thể chế\n2. Cải cách thủ tục\na) cấp "
       "tỉnh",
       {"Các nhiệm vụ chính", "1. Cải cách thể chế", "2. Cải cách thủ tục",
        "a) cấp tỉnh"}},
      {"title_date_lines",
       "Chuyển biến rõ\n\n28/02/2024, 05:25\n\nNăm 2023 tỉnh tăng.",
       {"Chuyển biến rõ", "28/02/2024, 05:25", "Năm 2023 tỉnh tăng."}},
      {"spaces_and_tabs_trimmed",
       "  \t Câu một.   Câu hai. \t ",
       {"Câu một.", "Câu hai."}},
      {"empty_document", "", {}},
      {"only_blank_lines", "\n\n  \n\t\n", {}},
  };
  return cases;
}

class SentenceCaseTest : public testing::TestWithParam<Case> {};

TEST_P(SentenceCaseTest, SplitsAsExpected) {
  Document doc = SplitText(GetParam().text);
  EXPECT_EQ(Slices(doc, doc.sentences), GetParam().sentences);
}

INSTANTIATE_TEST_SUITE_P(Cases, SentenceCaseTest, testing::ValuesIn(Cases()),
                         [](const testing::TestParamInfo<Case>& info) {
                           return std::string(info.param.name);
                         });

// The search for the next '.', '!' or '?' reads eight bytes at a time: a
// missed break (a number after ". ") is found wherever it falls in a word,
// after any of the three terminators, or glued to a '.', and a terminator
// in the tail is not read past the line.
TEST(SentenceSplitterTest, MissedBreakFoundAtEveryAlignment) {
  for (const char* terminal : {".", "!", "?"}) {
    for (size_t pad = 0; pad < 19; ++pad) {
      const std::string first = "Cấp xã tăng " + std::string(pad, 'x') + " thủ tục" + terminal;
      Document doc;
      doc.text = first + " 100% các sở đều công khai, " + std::string(pad % 9, 'y') + "!";
      Splitter().Split(doc);
      EXPECT_EQ(Slices(doc, doc.sentences),
                (Strings{first, "100% các sở đều công khai, " + std::string(pad % 9, 'y') + "!"}))
          << terminal << " pad " << pad;
    }
  }
  for (size_t pad = 0; pad < 19; ++pad) {  // glued: the break is right after the '.'
    const std::string first = "Dự họp có " + std::string(pad, 'x') + " lãnh đạo các sở.";
    Document doc;
    doc.text = first + "Họp Ban Chỉ đạo tỉnh.";
    Splitter().Split(doc);
    EXPECT_EQ(Slices(doc, doc.sentences), (Strings{first, "Họp Ban Chỉ đạo tỉnh."})) << "pad " << pad;
  }
}

TEST(SentenceSplitterTest, ParagraphsAreRunsOfNonBlankLines) {
  Document doc = SplitText(
      "Tiêu đề bài viết\n\nĐoạn một câu một. Câu hai.\nDòng tiếp.\n \n\nĐoạn "
      "hai.");
  EXPECT_EQ(Slices(doc, doc.paragraphs),
            (Strings{"Tiêu đề bài viết",
                     "Đoạn một câu một. Câu hai.\nDòng tiếp.", "Đoạn hai."}));
  EXPECT_EQ(Slices(doc, doc.sentences),
            (Strings{"Tiêu đề bài viết", "Đoạn một câu một.", "Câu hai.",
                     "Dòng tiếp.", "Đoạn hai."}));
}

TEST(SentenceSplitterTest, HardWrapNeverCrossesBlankLine) {
  Document doc = SplitText("Chỉ số của tỉnh\n\nđạt 85%.");
  EXPECT_EQ(Slices(doc, doc.sentences),
            (Strings{"Chỉ số của tỉnh", "đạt 85%."}));
  EXPECT_EQ(doc.paragraphs.size(), 2u);
}

TEST(SentenceSplitterTest, SplitReplacesPreviousResults) {
  Document doc = SplitText("Câu một. Câu hai.");
  ASSERT_EQ(doc.sentences.size(), 2u);
  doc.text = "Một câu.";
  Splitter().Split(doc);
  EXPECT_EQ(Slices(doc, doc.sentences), (Strings{"Một câu."}));
  EXPECT_EQ(doc.paragraphs.size(), 1u);
}

// ICU runs on UTF-16 for valid UTF-8 and on UTF-8 otherwise; its boundaries
// must come back as the same byte offsets either way, also after characters
// outside the BMP (two UTF-16 units) and 2- and 3-byte ones.
TEST(SentenceSplitterTest, BoundariesAreByteOffsetsInBothEncodings) {
  const std::string valid = "Một 😀 câu. Hai 𠀀 câu! Ba câu.";
  Document doc = SplitText(valid);
  EXPECT_EQ(Slices(doc, doc.sentences),
            (Strings{"Một 😀 câu.", "Hai 𠀀 câu!", "Ba câu."}));
  // An invalid byte keeps the line on the UTF-8 path; same boundaries.
  Document bad = SplitText("Một 😀 c\xFFu. Hai 𠀀 câu! Ba câu.");
  EXPECT_EQ(Slices(bad, bad.sentences),
            (Strings{"Một 😀 c\xFFu.", "Hai 𠀀 câu!", "Ba câu."}));
  ExpectWellFormed(bad);
}

// Regression (found by decode_normalize_fuzz in CI): a lone '.' before a
// capital made the glued-period check read before the start of the word.
TEST(SentenceSplitterTest, LonePeriodBeforeCapitalDoesNotUnderflow) {
  Document doc;
  doc.text = std::string("6.6..D\xC2\x8E.$\x03");
  Splitter().Split(doc);
  ExpectWellFormed(doc);
  doc.text = ". .A ..Ba .Ca";
  Splitter().Split(doc);
  ExpectWellFormed(doc);
}

TEST(SentenceSplitterTest, FiveMegabyteLineIsFast) {
  const std::string unit =
      "Năm 2023, chỉ số PAR INDEX của TP. Hồ Chí Minh đạt 83,87%, tăng 2 bậc. ";
  std::string text;
  size_t count = 0;
  while (text.size() < 5 * 1024 * 1024) {
    text += unit;
    ++count;
  }
  Document doc;
  doc.text = text;
  const auto start = std::chrono::steady_clock::now();
  Splitter().Split(doc);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(2));
  ASSERT_EQ(doc.sentences.size(), count);
  EXPECT_EQ(doc.Slice(doc.sentences[count / 2]),
            unit.substr(0, unit.size() - 1));
  ExpectWellFormed(doc);
}

TEST(SentenceSplitterTest, FiveMegabyteLineWithoutBreaks) {
  std::string text;
  while (text.size() < 5 * 1024 * 1024) text += "thủ tục hành chính, ";
  text += "xong";
  Document doc;
  doc.text = text;
  const auto start = std::chrono::steady_clock::now();
  Splitter().Split(doc);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  ASSERT_EQ(doc.sentences.size(), 1u);
  EXPECT_EQ(doc.sentences[0].size(), text.size());
}

struct ClauseCase {
  const char* name;
  std::string sentence;
  Strings clauses;
};

class ClauseCaseTest : public testing::TestWithParam<ClauseCase> {};

TEST_P(ClauseCaseTest, SplitsAsExpected) {
  const std::string& s = GetParam().sentence;
  const size_t base = 1000;
  Strings got;
  size_t previous_end = base;
  for (const Span& span : SplitClauses(s, base)) {
    ASSERT_GE(span.begin, previous_end);
    ASSERT_LT(span.begin, span.end);
    ASSERT_LE(span.end, base + s.size());
    got.push_back(s.substr(span.begin - base, span.size()));
    previous_end = span.end;
  }
  EXPECT_EQ(got, GetParam().clauses);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ClauseCaseTest,
    testing::ValuesIn(std::vector<ClauseCase>{
        {"semicolon",
         "Cấp tỉnh giảm 35 thủ tục; cấp huyện giảm 25 thủ tục.",
         {"Cấp tỉnh giảm 35 thủ tục", "cấp huyện giảm 25 thủ tục."}},
        {"comma_space",
         "Chỉ số đạt 83,87%, tăng 2 bậc",
         {"Chỉ số đạt 83,87%", "tăng 2 bậc"}},
        {"decimal_comma_not_split", "đạt 83,87 điểm", {"đạt 83,87 điểm"}},
        {"colon_space", "Kết quả: đạt 90%", {"Kết quả", "đạt 90%"}},
        {"clock_not_split", "họp lúc 10:30 sáng", {"họp lúc 10:30 sáng"}},
        {"url_not_split",
         "tại địa chỉ http://dichvucong.gov.vn",
         {"tại địa chỉ http://dichvucong.gov.vn"}},
        {"parentheses_own_clause",
         "SIPAS (đạt 85,5%, tăng 1,2%) dẫn đầu",
         {"SIPAS", "đạt 85,5%, tăng 1,2%", "dẫn đầu"}},
        {"nested_parentheses", "A (b (c, d), e) f", {"A", "b (c, d), e", "f"}},
        {"unclosed_parenthesis",
         "PAPI (tăng 3 bậc, đạt 45 điểm",
         {"PAPI", "tăng 3 bậc, đạt 45 điểm"}},
        {"stray_closing_parenthesis", "a) Chỉ số tăng", {"a", "Chỉ số tăng"}},
        {"trailing_comma", "Chỉ số tăng,", {"Chỉ số tăng"}},
        {"only_delimiters", " ; , ( ) ", {}},
        {"empty", "", {}},
    }),
    [](const testing::TestParamInfo<ClauseCase>& info) {
      return std::string(info.param.name);
    });

}  // namespace
}  // namespace chiso
