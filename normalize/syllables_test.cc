#include "normalize/syllables.h"

#include <gtest/gtest.h>

#include <string>

#include "normalize/normalize.h"

namespace chiso {
namespace {

struct SyllableCase {
  const char* word;
  bool valid;
  const char* why;
};

const SyllableCase kSyllables[] = {
    // Valid: every onset, glides, clusters, finals, tones, cases.
    {"a", true, "bare nucleus"},
    {"ăn", true, "ă with a final"},
    {"tăng", true, "t + ă + ng"},
    {"cường", true, "ươ + ng, huyền"},
    {"nghiêng", true, "longest syllable: ngh + iê + ng"},
    {"người", true, "ng + ươi"},
    {"khoản", true, "glide o: kh + oa + n"},
    {"ĐIỀU", true, "all caps, đ + iêu"},
    {"Cải", true, "capitalized"},
    {"quyết", true, "qu + yê + t, sắc before stop"},
    {"quý", true, "qu + y"},
    {"quốc", true, "qu + ô + c"},
    {"gì", true, "g + i (gi contracted)"},
    {"gia", true, "gi + a"},
    {"giếng", true, "gi + (i)ê + ng"},
    {"kinh", true, "k before i"},
    {"ghế", true, "gh before ê"},
    {"nghị", true, "ngh before i"},
    {"chuyện", true, "uyê + n"},
    {"khuya", true, "uya"},
    {"khuỷu", true, "uyu"},
    {"thuở", true, "uơ"},
    {"xoong", true, "oo + ng"},
    {"yêu", true, "yê without onset"},
    {"hòa", true, "new tone placement"},
    {"hoà", true, "old tone placement"},
    {"thủy", true, "new placement"},
    {"thuỷ", true, "old placement"},
    {"học", true, "nặng before stop"},
    {"UBND", false, "abbreviation"},
    {"ho\xCC\x80" "a", true, "NFD input (hòa with combining grave)"},
    {"tie\xCC\x82\xCC\x81t", true, "NFD tiết"},
    {"pin", true, "p onset in loanwords"},
    {"đường", true, "đ + ươ + ng"},
    {"xuất", true, "uâ + t"},
    {"ản", true, "well formed, if unused"},
    // Invalid.
    {"", false, "empty"},
    {"t", false, "no vowel"},
    {"nh", false, "onset only"},
    {"điề", false, "iê needs a final"},
    {"ă", false, "ă needs a final"},
    {"cê", false, "c before ê (k)"},
    {"ka", false, "k before a (c)"},
    {"ghá", false, "gh before a"},
    {"nge", false, "ng before e (ngh)"},
    {"hoc", false, "stop final without sắc/nặng"},
    {"hòc", false, "huyền before stop"},
    {"tiêng", true, "t + iê + ng (tiếng without tone)"},
    {"qa", false, "q without u"},
    {"quo", false, "two glides"},
    {"iên", false, "iê without onset is written yê"},
    {"tyên", false, "yê after an onset"},
    {"Hànội", false, "two syllables"},
    {"antoàn", false, "two syllables"},
    {"ôtô", false, "two syllables"},
    {"TTHC", false, "abbreviation without vowel"},
    {"CCHC", false, "abbreviation"},
    {"chính1", false, "digit"},
    {"hello", false, "English"},
    {"free", false, "f is not Vietnamese"},
    {"ngàyy", false, "yy"},
    {"aaa", false, "no such cluster"},
    {"bánhh", false, "bad final"},
    {"óá", false, "two tones"},
    {"ưm", true, "ư + m"},
    {"ip", false, "stop without tone"},
};

class IsVietnameseSyllableTest : public ::testing::TestWithParam<SyllableCase> {};

TEST_P(IsVietnameseSyllableTest, Table) {
  const SyllableCase& c = GetParam();
  EXPECT_EQ(IsVietnameseSyllable(c.word), c.valid) << c.word << " (" << c.why << ")";
}

INSTANTIATE_TEST_SUITE_P(Cases, IsVietnameseSyllableTest, ::testing::ValuesIn(kSyllables));

struct RejoinCase {
  const char* in;
  const char* out;
  int joined;
};

const RejoinCase kRejoin[] = {
    // The examples.
    {"nhằm t ăng cường", "nhằm tăng cường", 1},
    {"\"C ải cách chế độ công vụ\"", "\"Cải cách chế độ công vụ\"", 1},
    {"ĐIỀ U KHO ẢN", "ĐIỀU KHOẢN", 2},
    // More splits copied out of PDFs.
    {"th ủ tục hành chính", "thủ tục hành chính", 1},
    {"nh ững kết quả", "những kết quả", 1},
    {"c ộng đồng", "cộng đồng", 1},
    {"Đ ồng Nai", "Đồng Nai", 1},
    {"ti ếp nhận", "tiếp nhận", 1},
    {"chỉ s ố CCHC", "chỉ số CCHC", 1},
    {"hồ s ơ trực tuyến", "hồ sơ trực tuyến", 1},
    // Never join two words.
    {"Hà Nội", "Hà Nội", 0},
    {"an toàn", "an toàn", 0},
    {"ô tô", "ô tô", 0},
    {"cho anh", "cho anh", 0},
    {"cho ai", "cho ai", 0},
    {"cho ăn", "cho ăn", 0},
    {"nhóm B ổn định", "nhóm B ổn định", 0},
    {"UBND tỉnh", "UBND tỉnh", 0},
    {"TTHC ông", "TTHC ông", 0},
    {"TH ông", "TH ông", 0},
    {"5 m ở", "5 m ở", 0},  // a unit after a number
    {"hòa C ải", "hòa C ải", 0},  // a capital label after a lowercase word
    {"t  ăng", "tăng", 1},  // NormalizeText collapses the run of spaces first
    {"t\năng", "t\năng", 0},
    {"t1 ăng", "t1 ăng", 0},
    {"free ăn", "free ăn", 0},
    {"", "", 0},
};

class RejoinTest : public ::testing::TestWithParam<RejoinCase> {};

TEST_P(RejoinTest, Table) {
  const RejoinCase& c = GetParam();
  Document doc;
  doc.text = c.in;
  NormalizeText(doc);
  std::string normalized = doc.text;
  RejoinSplitSyllables(doc);
  EXPECT_EQ(doc.text, c.out) << c.in;
  int warnings = 0;
  for (const Warning& w : doc.warnings) {
    if (w.code == "syllable_rejoined") {
      ++warnings;
      EXPECT_EQ(w.message.substr(0, w.message.find(' ')), std::to_string(c.joined));
    }
  }
  EXPECT_EQ(warnings, c.joined > 0 ? 1 : 0);
  // Still a NormalizeText fixed point.
  Document again;
  again.text = doc.text;
  NormalizeText(again);
  EXPECT_EQ(again.text, doc.text);
}

INSTANTIATE_TEST_SUITE_P(Cases, RejoinTest, ::testing::ValuesIn(kRejoin));

// Offsets: every byte of the re-joined text maps to the input byte it came
// from, and the text after a removed space keeps its own source offset.
TEST(RejoinOffsets, MapsToInputBytes) {
  Document doc;
  doc.bytes = "nhằm t ăng cường";
  doc.text = doc.bytes;
  NormalizeText(doc);
  RejoinSplitSyllables(doc);
  ASSERT_EQ(doc.text, "nhằm tăng cường");
  for (size_t k = 0; k <= doc.text.size(); ++k) {
    size_t src = doc.source_map.ToSource(k);
    size_t want = k < std::string("nhằm t").size() ? k : k + 1;
    EXPECT_EQ(src, want) << "text offset " << k;
  }
  // "tăng" maps back to "t ăng" in the input.
  size_t b = doc.text.find("tăng"), e = b + std::string("tăng").size();
  EXPECT_EQ(doc.bytes.substr(doc.source_map.ToSource(b),
                             doc.source_map.ToSource(e) - doc.source_map.ToSource(b)),
            "t ăng");
}

TEST(RejoinOffsets, ComposesWithEarlierMap) {
  // NBSP and a decomposed tone before the split: both rewritten by
  // NormalizeText, so the composed map must account for both steps.
  Document doc;
  doc.bytes = "ho\xCC\x80" "a:\xC2\xA0" "C ải cách";
  doc.text = doc.bytes;
  NormalizeText(doc);
  RejoinSplitSyllables(doc);
  ASSERT_EQ(doc.text, "hòa: Cải cách");
  size_t b = doc.text.find("Cải"), e = doc.text.find(" cách");
  EXPECT_EQ(doc.bytes.substr(doc.source_map.ToSource(b),
                             doc.source_map.ToSource(e) - doc.source_map.ToSource(b)),
            "C ải");
  EXPECT_EQ(doc.source_map.ToSource(doc.text.size()), doc.bytes.size());
  size_t c = doc.text.find("cách");
  EXPECT_EQ(doc.bytes.substr(doc.source_map.ToSource(c)), "cách");
}

TEST(Rejoin, IdempotentOnItsOutput) {
  Document doc;
  doc.text = "ĐIỀ U KHO ẢN nhằm t ăng cường c ải cách";
  NormalizeText(doc);
  RejoinSplitSyllables(doc);
  std::string once = doc.text;
  doc.warnings.clear();
  RejoinSplitSyllables(doc);
  EXPECT_EQ(doc.text, once);
  EXPECT_TRUE(doc.warnings.empty());
}

}  // namespace
}  // namespace chiso
