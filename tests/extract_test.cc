// Extraction behaviour that rule examples alone do not pin: data-file errors,
// ranking tables, text without diacritics, article tails, the document's
// default subject, and time-aware subjects.
#include <gtest/gtest.h>
#include <malloc.h>
#include <re2/re2.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "core/fold.h"
#include "corpus/pipeline.h"
#include "extract/extractor.h"
#include "extract/rules.h"
#include "extract/scan_text.h"
#include "normalize/decode.h"
#include "normalize/normalize.h"
#include "normalize/sentences.h"
#include "normalize/syllables.h"
#include "schema/emit.h"
#include "tests/test_support.h"

namespace chiso {
namespace {

namespace fs = std::filesystem;

Document Extract(const std::string& text) {
  Document d = testing_support::RunPipeline(text);
  EXPECT_FALSE(d.failed()) << d.error->message;
  return d;
}

const Figure* Find(const Document& d, const std::string& type, double value) {
  for (const Figure& f : d.figures) {
    if (f.type == type && std::abs(f.value - value) < 1e-9) return &f;
  }
  return nullptr;
}

// Loads a rules directory holding the real macros and `body` as its one
// rule file.
Status LoadRuleFile(const std::string& name, const std::string& body) {
  fs::path dir = fs::temp_directory_path() / ("chiso_rules_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy_file(fs::path(CHISO_SOURCE_DIR) / "extract/rules/macros.json", dir / "macros.json");
  std::ofstream(dir / "bad.json") << body;
  std::unique_ptr<RuleSet> rs;
  return RuleSet::Load(dir.string(), &rs);
}

TEST(RuleFiles, BadPatternFailsWithFileRuleAndRe2Message) {
  Status s = LoadRuleFile("badre", R"js({"rules": [{"id": "x.broken", "type": "score",
    "pattern": "(?P<value>{NUM}", "examples": [{"text": "a"}, {"text": "b"}]}]})js");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("bad.json"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("x.broken"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("missing )"), std::string::npos) << s.message();
}

// The rules are compiled in several sets side by side; whichever set holds
// the bad patterns, the error names the first of them in file order.
TEST(RuleFiles, BadPatternIsNamedWhicheverSetHoldsIt) {
  const std::string good = R"js({"id": "x.good%", "type": "score",
    "pattern": "(?P<value>{NUM}) điểm", "examples": [{"text": "a"}, {"text": "b"}]})js";
  const std::string bad = R"js({"id": "x.broken%", "type": "score",
    "pattern": "(?P<value>{NUM}", "examples": [{"text": "a"}, {"text": "b"}]})js";
  auto rule = [](std::string r, int n) { return r.replace(r.find('%'), 1, std::to_string(n)); };
  for (int first_bad = 0; first_bad < 4; ++first_bad) {
    std::string body = R"js({"rules": [)js";
    for (int i = 0; i < 5; ++i) body += (i ? "," : "") + rule(i < first_bad ? good : bad, i);
    Status s = LoadRuleFile("badset" + std::to_string(first_bad), body + "]}");
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find("x.broken" + std::to_string(first_bad) + ": RE2::Set: "), std::string::npos)
        << s.message();
    EXPECT_NE(s.message().find("missing )"), std::string::npos) << s.message();
  }
}

TEST(RuleFiles, PatternClosingAGroupItNeverOpenedIsRejected) {
  // Valid once wrapped in "(?:...)", as the rules are when scanned together.
  Status s = LoadRuleFile("unbalanced", R"js({"rules": [{"id": "x.open", "type": "count",
    "pattern": "(?P<value>\\d+) hồ)|(sơ", "examples": [{"text": "a"}, {"text": "b"}]}]})js");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("x.open"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("unexpected )"), std::string::npos) << s.message();
}

TEST(RuleFiles, RuleWithoutTwoExamplesIsRejected) {
  Status s = LoadRuleFile("noex", R"js({"rules": [{"id": "x.lonely", "type": "count",
    "pattern": "(?P<value>{INT}) hồ sơ", "examples": [{"text": "a"}]}]})js");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("x.lonely: needs at least two examples"), std::string::npos) << s.message();
}

TEST(RuleFiles, UnknownMacroAndFieldAreRejected) {
  Status s = LoadRuleFile("macro", R"js({"rules": [{"id": "x.m", "type": "count",
    "pattern": "{NOPE}", "examples": [{"text": "a"}, {"text": "b"}]}]})js");
  EXPECT_NE(s.message().find("unknown macro {NOPE}"), std::string::npos) << s.message();
  s = LoadRuleFile("field", R"js({"rules": [{"id": "x.f", "type": "count",
    "pattern": "(?P<value>\\d+) (?P<colour>\\w+)", "examples": [{"text": "a"}, {"text": "b"}]}]})js");
  EXPECT_NE(s.message().find("unknown group"), std::string::npos) << s.message();
}

TEST(Tables, FlattenedRankingTableGivesRankScoreAndChangePerRow) {
  Document d = Extract(
      "Bảng xếp hạng Chỉ số CCHC năm 2019\n"
      "Xếp hạng\nTỉnh/thành phố\nChỉ số CCHC 2019 (%)\nThay đổi thứ hạng\n"
      "1\nQuảng Ninh\n91,04\n+2\n2\nHải Phòng\n90,51\n0\n3\nĐồng Tháp\n89,20\n-1\n");
  const Figure* r = Find(d, "rank", 2);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->subject.name, "Hải Phòng");
  EXPECT_EQ(r->indicator, "PAR_INDEX");
  EXPECT_EQ(r->year, 2019);
  const Figure* s = Find(d, "score", 89.20);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->subject.name, "Đồng Tháp");
  EXPECT_EQ(s->unit, "percent");
  const Figure* c = Find(d, "change", 1);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->direction, "down");
  EXPECT_EQ(c->subject.name, "Đồng Tháp");
  EXPECT_EQ(Find(d, "change", 0), nullptr);  // "0" is no change
}

TEST(Tables, PipeSeparatedRowsAreReadToo) {
  Document d = Extract(
      "Kết quả Chỉ số PCI năm 2022 của một số địa phương:\n"
      "STT | Tỉnh, thành phố | Điểm PCI\n"
      "1 | Hải Dương | 70,14\n"
      "2 | Quảng Ngãi | 69,95\n");
  const Figure* s = Find(d, "score", 69.95);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->subject.name, "Quảng Ngãi");
  EXPECT_EQ(s->indicator, "PCI");
  EXPECT_EQ(s->unit, "points");
}

TEST(Tables, HtmlRankingTableGivesFiguresPerRow) {
  Document d;
  d.id = "bang.html";
  d.format = Format::kHtml;
  d.bytes =
      "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Chỉ số PCI 2022</title></head><body>"
      "<article><h1>Công bố Chỉ số PCI năm 2022</h1><p>VCCI công bố kết quả Chỉ số PCI năm 2022 của các tỉnh.</p>"
      "<table><tr><th>Xếp hạng</th><th>Tỉnh, thành phố</th><th>Điểm PCI</th></tr>"
      "<tr><td>1</td><td>Hải Dương</td><td>70,14</td></tr>"
      "<tr><td>2</td><td>Quảng Ngãi</td><td>69,95</td></tr></table></article></body></html>";
  testing_support::SharedPipeline().Process(d);
  ASSERT_FALSE(d.failed()) << d.error->message;
  const Figure* s = Find(d, "score", 69.95);
  ASSERT_NE(s, nullptr) << d.text;
  EXPECT_EQ(s->subject.name, "Quảng Ngãi");
  EXPECT_EQ(s->indicator, "PCI");
  const Figure* r = Find(d, "rank", 1);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->subject.name, "Hải Dương");
}

TEST(Tables, TableOfUnknownUnitsGivesNothing) {
  Document d = Extract("Chỉ số CCHC\nSTT\nĐơn vị\nĐiểm\n1\nPhòng Nội vụ\n90,1\n2\nPhòng Tư pháp\n89,3\n");
  EXPECT_EQ(Find(d, "rank", 1), nullptr);
}

TEST(Extraction, TextWithoutDiacriticsIsRead) {
  Document d = Extract("Nam 2021, Chi so CCHC cua tinh Ha Giang dat 83,87%, xep thu 30/63 tinh, thanh pho.\n");
  const Figure* s = Find(d, "score", 83.87);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->indicator, "PAR_INDEX");
  EXPECT_EQ(s->subject.name, "Hà Giang");
  EXPECT_EQ(s->year, 2021);
  ASSERT_NE(Find(d, "rank", 30), nullptr);
}

TEST(Extraction, NothingAfterTheArticleTail) {
  std::string body;
  for (int i = 0; i < 5; ++i) body += "Tỉnh Nghệ An đẩy mạnh cải cách hành chính trong năm 2022.\n\n";
  Document d = Extract(body + "Chỉ số CCHC của tỉnh Nghệ An năm 2022 đạt 88,1%.\n\nTin liên quan\n\n"
                          "Chỉ số CCHC của tỉnh Hà Tĩnh năm 2022 đạt 85,2%.\n");
  EXPECT_NE(Find(d, "score", 88.1), nullptr);
  EXPECT_EQ(Find(d, "score", 85.2), nullptr);
}

TEST(Extraction, DocumentSubjectFromPortalAndSelfReference) {
  Document d = Extract(
      "Chào mừng quý vị đến với Cổng thông tin điện tử tỉnh Sóc Trăng\n\n"
      "Kết quả cải cách hành chính của tỉnh trong năm 2023 được nâng lên rõ rệt\n\n"
      "Năm 2023, toàn tỉnh đã tiếp nhận 120.500 hồ sơ, trong đó giải quyết đúng hạn 119.870 hồ sơ.\n");
  EXPECT_EQ(d.subject.name, "Sóc Trăng");
  const Figure* c = Find(d, "count", 120500);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->subject.name, "Sóc Trăng");
  EXPECT_EQ(c->status, "received");
}

TEST(Extraction, NoDefaultSubjectWhenTheDocumentNamesNone) {
  Document d = Extract("Toàn tỉnh đã tiếp nhận trên 1 triệu hồ sơ trong năm 2019.\n");
  EXPECT_FALSE(d.subject.has_value());
  const Figure* c = Find(d, "count", 1000000);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->subject.kind, SubjectKind::kUnknown);
  EXPECT_EQ(c->approx, "over");
}

TEST(Extraction, PluralUnitsAreNotTheDocumentsOwnUnit) {
  // "các tỉnh đạt" holds the self word "tỉnh đạt"; it is the average of the
  // provinces, not the ministry the document is about.
  Document d = Extract(
      "Chỉ số CCHC năm 2019 của Bộ Nội vụ đạt 90,1%. Giá trị trung bình Chỉ số CCHC năm 2019 của các tỉnh "
      "đạt 81,15%.\n");
  const Figure* s = Find(d, "score", 81.15);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->subject.kind, SubjectKind::kAggregate);
}

TEST(Extraction, ValueInParenthesesAfterAPluralGroupIsTheGroups) {
  // "trung bình của các bộ (87,12%)": the ministries' average, not "của Bộ".
  Document d = Extract(
      "Chỉ số CCHC năm 2022 của Bộ Tư pháp đạt 90,93%. Kết quả của Bộ cao hơn 3,81% so với giá trị trung "
      "bình của các bộ (87,12%).\n");
  const Figure* s = Find(d, "score", 87.12);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->subject.kind, SubjectKind::kAggregate);
  const Figure* own = Find(d, "score", 90.93);
  ASSERT_NE(own, nullptr);
  EXPECT_EQ(own->subject.name, "Bộ Tư pháp");
}

TEST(Extraction, BareCityNounIsTheDocumentsOwnCityNotTheLastOneCompared) {
  // "hồ sơ thành phố tiếp nhận" is the document's city, not Quảng Nam, the
  // last province compared in the sentence before.
  Document d = Extract(
      "Đà Nẵng dẫn đầu khu vực miền Trung về tỷ lệ hồ sơ trực tuyến\n\n"
      "Năm 2024, tỷ lệ hồ sơ nộp trực tuyến tại Đà Nẵng đạt 78,5%, cao hơn Quảng Nam (61,2%). "
      "Tổng số hồ sơ thành phố tiếp nhận trong năm là 512.036 hồ sơ. Chỉ số CCHC năm 2024 của thành phố "
      "đạt 90,2%; giá trị trung bình Chỉ số CCHC của các tỉnh, thành phố đạt 85,3%.\n");
  const Figure* c = Find(d, "count", 512036);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->subject.name, "Đà Nẵng");
  const Figure* own = Find(d, "score", 90.2);
  ASSERT_NE(own, nullptr);
  EXPECT_EQ(own->subject.name, "Đà Nẵng");
  // "các tỉnh, thành phố đạt" is the group, not the city.
  const Figure* avg = Find(d, "score", 85.3);
  ASSERT_NE(avg, nullptr);
  EXPECT_EQ(avg->subject.kind, SubjectKind::kAggregate);
}

TEST(Extraction, DigitisedDossiersAndResultsOfProceduresAreDossiers) {
  // "số hóa hồ sơ, kết quả giải quyết thủ tục hành chính": what is digitised is
  // the dossiers and their results, not the procedures.
  Document d = Extract(
      "Năm 2022, việc số hóa hồ sơ, kết quả giải quyết thủ tục hành chính của tỉnh Hậu Giang có chuyển biến, "
      "tỷ lệ số hóa đạt hơn 65%.\n");
  const Figure* r = Find(d, "rate", 65);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->object, "dossier");
}

TEST(Extraction, RankingGroupIsNotAnAggregateSubject) {
  // "nằm trong nhóm 30 địa phương dẫn đầu" is a group to belong to; the next
  // sentence's dossiers are still the province's.
  Document d = Extract(
      "Ngày 15/3/2022, UBND tỉnh Sơn La ban hành Kế hoạch nâng cao Chỉ số CCHC của tỉnh năm 2022.\n\n"
      "Mục tiêu năm 2022, tỉnh phấn đấu Chỉ số PCI nằm trong nhóm 30 địa phương dẫn đầu. Đồng thời, 100% hồ "
      "sơ thủ tục hành chính được giải quyết đúng hạn.\n");
  const Figure* r = Find(d, "rate", 100);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->subject.name, "Sơn La");
}

TEST(Extraction, UnitsCountedInWordsAreAGroup) {
  // "ba đơn vị có ... đạt trên 90%" is the three units together, not the last
  // ministry named in the sentence before.
  Document d = Extract(
      "Năm 2021, Ngân hàng Nhà nước Việt Nam đạt 92,27%, tiếp theo là Bộ Tư pháp và Bộ Tài chính. "
      "Đây là ba đơn vị có Chỉ số CCHC năm 2021 đạt trên 90%.\n");
  const Figure* s = Find(d, "score", 90);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->subject.kind, SubjectKind::kAggregate);
}

TEST(Extraction, AverageOfTheUnitsOfARegionIsTheRegion) {
  // "của 11 tỉnh, thành phố vùng Đồng bằng sông Hồng": the region's units taken
  // together; "vùng" after a rank stays its scope.
  Document d = Extract(
      "Năm 2021, giá trị trung bình Chỉ số CCHC của 11 tỉnh, thành phố vùng Đồng bằng sông Hồng đạt 86,95%. "
      "Hà Nam xếp thứ 3/11 tỉnh, thành phố vùng Đồng bằng sông Hồng.\n");
  const Figure* s = Find(d, "score", 86.95);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->subject.kind, SubjectKind::kRegion);
  EXPECT_EQ(s->subject.name, "Đồng bằng sông Hồng");
  const Figure* r = Find(d, "rank", 3);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->subject.name, "Hà Nam");
}

TEST(Extraction, ProvincialServiceCentreReceivingIsTheProvinceLevel) {
  // The provincial centre as the one receiving: provincial-level dossiers. A
  // report of the centre about the whole province is not.
  Document d = Extract(
      "Năm 2022, tỉnh Hậu Giang đẩy mạnh cải cách hành chính. Phân theo cấp, Trung tâm Phục vụ hành chính công "
      "tỉnh tiếp nhận 58.230 hồ sơ. Theo báo cáo của "
      "Trung tâm Phục vụ hành chính công tỉnh, năm 2022 toàn tỉnh tiếp nhận 312.458 hồ sơ.\n");
  const Figure* c = Find(d, "count", 58230);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->level, "province");
  const Figure* all = Find(d, "count", 312458);
  ASSERT_NE(all, nullptr);
  EXPECT_EQ(all->level, "");
}

TEST(Extraction, HaNamIsNotHaNoi) {
  Document d = Extract("Năm 2021, Chỉ số CCHC của tỉnh Hà Nam đạt 89,55%.\n");
  const Figure* s = Find(d, "score", 89.55);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->subject.name, "Hà Nam");
}

TEST(Extraction, MergedProvinceIsNeverSilentlyMerged) {
  // Hà Giang joined Tuyên Quang in 2025; a 2026 text about "Hà Giang" keeps it.
  Document d = Extract("Năm 2026, khu vực Hà Giang có Chỉ số CCHC đạt 88,2%.\n");
  const Figure* s = Find(d, "score", 88.2);
  if (s) {
    EXPECT_EQ(s->subject.name, "Hà Giang");
  }
  Document e = Extract("Năm 2026, Chỉ số CCHC của tỉnh An Giang đạt 86,4%, xếp thứ 5/34.\n");
  const Figure* r = Find(e, "rank", 5);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->subject.name, "An Giang");
  EXPECT_EQ(r->subject.id, "an-giang-2025");  // the unit valid in 2026
}

TEST(Extraction, NotFigures) {
  Document d = Extract(
      "Theo Báo cáo số 334/BC-UBND ngày 17/5/2021 về Chỉ số CCHC, đây là năm thứ 9 liên tiếp "
      "tỉnh Bắc Giang triển khai kế hoạch số 185. Liên hệ: 0912 345 014. Lượt xem: 1.234.\n");
  EXPECT_TRUE(d.figures.empty()) << d.figures.size() << " " << d.figures[0].rule;
}

// RuleSet::Match walks the text once with all patterns and runs a rule only,
// anchored, where it matches. Each rule's own unanchored scan (how it used to
// run, resuming after the value) must find every match it reports, in order.
std::vector<std::pair<size_t, size_t>> OwnScan(const Rule& rule, std::string_view t) {
  std::vector<std::pair<size_t, size_t>> found;
  re2::StringPiece g[16];
  int n = std::min(16, rule.re->NumberOfCapturingGroups() + 1);
  size_t pos = 0;
  while (pos < t.size() && rule.re->Match(t, pos, t.size(), RE2::UNANCHORED, g, n)) {
    size_t b = static_cast<size_t>(g[0].data() - t.data()), e = b + g[0].size();
    const re2::StringPiece& v = rule.g_value && g[rule.g_value].data() ? g[rule.g_value] : g[rule.g_ord];
    found.emplace_back(b, e);
    pos = v.data() ? std::max(b + 1, static_cast<size_t>(v.data() - t.data()) + v.size())
                   : b + std::max<size_t>(1, g[0].size());
  }
  return found;
}

TEST(RuleMatching, SameMatchesAsEachRuleScanningOnItsOwn) {
  std::unique_ptr<RuleSet> rs;
  ASSERT_TRUE(RuleSet::Load(std::string(CHISO_SOURCE_DIR) + "/extract/rules", &rs).ok());
  ASSERT_TRUE(rs->CompileAll().ok());
  std::vector<std::string> texts;
  std::string joined_lines, joined_spaces;
  for (const auto& rule : rs->rules()) {
    for (const auto& ex : rule->examples) {
      texts.push_back(ex.text);
      joined_lines += ex.text + "\n";
      joined_spaces += ex.text + " ";
    }
  }
  texts.push_back(joined_lines);
  texts.push_back(joined_spaces);
  // At the very start, across a line break, and two rules at one place.
  texts.push_back("Tăng 3 bậc so với năm trước.");
  texts.push_back("Tỉnh Hà Giang tăng\n3 bậc, giảm\n2,5 điểm.");
  texts.push_back("xếp thứ 12/63 tỉnh, thành phố, đạt 83,5% (+1,2%)");
  size_t total = 0;
  for (const std::string& text : texts) {
    ScanText scan;
    scan.Reset(text);
    ASSERT_FALSE(scan.folded);
    std::vector<Candidate> got;
    rs->Match(scan, &got, RuleSet::MatchPath::kSinglePass);
    total += got.size();
    for (size_t i = 1; i < got.size(); ++i) {
      EXPECT_LE(got[i - 1].figure.span.begin, got[i].figure.span.begin) << text;
    }
    for (const auto& rule : rs->rules()) {
      std::vector<std::pair<size_t, size_t>> own = OwnScan(*rule, text);
      size_t k = 0;  // the rule's candidates are a subsequence of its own matches
      for (const Candidate& c : got) {
        if (c.rule != rule.get()) continue;
        while (k < own.size() && own[k] != std::make_pair(c.match.begin, c.match.end)) ++k;
        EXPECT_LT(k, own.size()) << rule->id << " at " << c.match.begin << " in: " << text;
      }
    }
  }
  EXPECT_GT(total, texts.size());
}

// The bundled corpora's texts, each also folded (as typed without
// diacritics).
std::vector<std::string> CorpusTextsAndFolds() {
  std::vector<std::string> texts;
  for (const char* dir : {"corpus/dev", "corpus/sample", "corpus/holdout"}) {
    for (const auto& e : fs::directory_iterator(fs::path(CHISO_SOURCE_DIR) / dir)) {
      std::ifstream in(e.path(), std::ios::binary);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      texts.push_back(text);
      texts.push_back(FoldVietnamese(text));
    }
  }
  return texts;
}

// Candidates as comparable text: rule, match, numeral, value and fields.
std::string Describe(const std::vector<Candidate>& cs) {
  std::string out;
  for (const Candidate& c : cs) {
    out += c.figure.rule + "@" + std::to_string(c.match.begin) + "-" + std::to_string(c.match.end) + ":" +
           std::to_string(c.numeral.begin) + "=" + std::to_string(c.figure.value) + "/" + c.figure.direction +
           "/" + c.figure.approx + "/" + c.figure.unit + "\n";
  }
  return out;
}

// The two ways of matching (RuleSet::MatchPath) give the same candidates in
// the same order, on accented and on unaccented (folded) text.
TEST(RuleMatching, PerRuleAndSinglePassAgree) {
  std::unique_ptr<RuleSet> rs;
  ASSERT_TRUE(RuleSet::Load(std::string(CHISO_SOURCE_DIR) + "/extract/rules", &rs).ok());
  const std::vector<std::string> texts = CorpusTextsAndFolds();
  size_t total = 0, folded = 0;
  for (const std::string& text : texts) {
    ScanText scan;
    scan.Reset(text);
    folded += scan.folded;
    std::vector<Candidate> per_rule, single_pass;
    rs->Match(scan, &per_rule, RuleSet::MatchPath::kPerRule);
    rs->Match(scan, &single_pass, RuleSet::MatchPath::kSinglePass);
    ASSERT_EQ(Describe(per_rule), Describe(single_pass)) << text.substr(0, 200);
    total += per_rule.size();
  }
  EXPECT_GT(total, 500u);
  EXPECT_GT(folded, 10u);
}

// kAuto from several threads at once: past the switch one thread compiles
// the scanner while the others go on one rule at a time (they do not wait
// for it); whichever path a text took, its candidates are the per-rule ones.
TEST(RuleMatching, AutoFromManyThreadsWhileTheScannerCompiles) {
  std::unique_ptr<RuleSet> rs;
  ASSERT_TRUE(RuleSet::Load(std::string(CHISO_SOURCE_DIR) + "/extract/rules", &rs).ok());
  const std::vector<std::string> texts = CorpusTextsAndFolds();
  std::vector<std::string> want;
  for (const std::string& text : texts) {
    ScanText scan;
    scan.Reset(text);
    std::vector<Candidate> got;
    rs->Match(scan, &got, RuleSet::MatchPath::kPerRule);  // does not count towards the switch
    want.push_back(Describe(got));
  }
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (size_t k = 0; k < texts.size(); ++k) {
        const size_t i = (k + static_cast<size_t>(t) * 7) % texts.size();  // different texts at once
        ScanText scan;
        scan.Reset(texts[i]);
        std::vector<Candidate> got;
        rs->Match(scan, &got);
        mismatches += Describe(got) != want[i];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(RuleMatching, MatchAtTheStartAndAcrossALineBreak) {
  std::unique_ptr<RuleSet> rs;
  ASSERT_TRUE(RuleSet::Load(std::string(CHISO_SOURCE_DIR) + "/extract/rules", &rs).ok());
  auto find = [&](const std::string& text, const std::string& id) -> std::optional<Candidate> {
    ScanText scan;
    scan.Reset(text);
    std::vector<Candidate> got;
    rs->Match(scan, &got);
    for (const Candidate& c : got) {
      if (c.figure.rule == id) return c;
    }
    return std::nullopt;
  };
  auto c = find("Tăng 3 bậc so với năm trước.", "change.rank");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->match.begin, 0u);
  EXPECT_EQ(c->figure.value, 3);
  EXPECT_EQ(c->figure.direction, "up");
  c = find("Tỉnh Hà Giang giảm\n2 bậc.", "change.rank");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->figure.value, 2);
  EXPECT_EQ(c->figure.direction, "down");
}


// A document taken through the stages before extraction, as Pipeline does.
Document ReadyToExtract(std::string bytes, std::string id = "t.txt") {
  Document d;
  d.id = std::move(id);
  d.bytes = std::move(bytes);
  Decode(d);
  NormalizeText(d);
  RejoinSplitSyllables(d);
  Status st;
  SentenceSplitter::Create(&st)->Split(d);
  return d;
}

// ExtractAll keeps a scratch slot per document of a group; each grows with
// the document it served (its folded text and offsets alone are 5 bytes a
// byte). A slot a big document grew is freed once the group is done, else
// every slot could end up holding the biggest document it ever saw. Bytes
// malloc has in use around a group with a 2 MB unaccented document in its
// second slot, after a group with the same two documents the other way
// round warmed the single buffers and the automata.
TEST(ExtractMemory, ASlotABigDocumentGrewIsFreed) {
  std::string big;
  while (big.size() < (2u << 20)) {
    big += "Chi so cai cach hanh chinh (PAR INDEX) nam 2021 cua tinh Ha Giang dat 83,87%, tang 3 bac.\n\n";
  }
  const Extractor& ex = testing_support::SharedPipeline().extractor();
  size_t kept = 0, figures = 0;
  std::thread([&] {
    Document warm = ReadyToExtract(big), small = ReadyToExtract("Năm 2023, tỉnh Bắc Giang đạt 89,12%.\n"), doc = warm,
             small_warm = small;
    Document* first[] = {&warm, &small_warm};  // the big one in the first slot
    ex.ExtractAll(first);
    const size_t before = mallinfo2().uordblks;
    Document* group[] = {&small, &doc};
    ex.ExtractAll(group);
    figures = doc.figures.size();
    std::vector<Figure>().swap(doc.figures);
    std::vector<Figure>().swap(small.figures);
    const size_t after = mallinfo2().uordblks;
    kept = after > before ? after - before : 0;
  }).join();
  EXPECT_GT(figures, 1000u);
  EXPECT_LT(kept, 1u << 20) << "bytes kept after the group was done";
}

// ExtractAll's two halves give what it gives, and attribution only reads the
// scans: run twice on the same scans, it gives the same figures again. Over
// the dev and sample corpora (accented and not), in one group.
TEST(ExtractHalves, ScanThenAttributeIsExtractAll) {
  std::vector<Document> docs;
  for (const char* sub : {"/corpus/dev", "/corpus/sample"}) {
    for (const auto& e : std::filesystem::directory_iterator(std::string(CHISO_SOURCE_DIR) + sub)) {
      if (e.path().extension() != ".txt") continue;
      std::ifstream in(e.path(), std::ios::binary);
      docs.push_back(ReadyToExtract(std::string(std::istreambuf_iterator<char>(in), {}), e.path().filename().string()));
    }
  }
  ASSERT_GT(docs.size(), 40u);
  std::vector<Document> halves = docs;
  std::vector<Document*> whole_ptrs, half_ptrs;
  for (auto& d : docs) whole_ptrs.push_back(&d);
  for (auto& d : halves) half_ptrs.push_back(&d);
  const Extractor& ex = testing_support::SharedPipeline().extractor();
  ex.ExtractAll(whole_ptrs);
  Extractor::Scans scans;
  ex.Scan(half_ptrs, &scans);
  auto figures_of = [](const Document& d) {
    std::string line;
    AppendJsonLine(d, &line);  // the whole record: title, date, subject, every figure
    return line;
  };
  size_t total = 0;
  for (int round = 0; round < 2; ++round) {
    ex.Attribute(half_ptrs, scans);
    for (size_t i = 0; i < docs.size(); ++i) {
      EXPECT_EQ(figures_of(halves[i]), figures_of(docs[i])) << docs[i].id << ", round " << round;
      if (round == 0) total += docs[i].figures.size();
    }
  }
  EXPECT_GT(total, 100u);
}

}  // namespace
}  // namespace chiso
