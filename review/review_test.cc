// The review site (issue 6): pages, highlights, escaping, paging, conflicts
// first, a deterministic stratified sample, and precision from verdicts.
#include "review/review.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "corpus/consolidate.h"
#include "corpus/pipeline.h"
#include "ingest/ingest.h"
#include "schema/emit.h"

namespace chiso {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

size_t Count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos;
       at = hay.find(needle, at + 1))
    ++n;
  return n;
}

class ReviewSiteTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("chiso_review_test_" + std::to_string(getpid())));
    fs::create_directories(*dir_);
    std::unique_ptr<Pipeline> p;
    Status s = Pipeline::Create(CHISO_SOURCE_DIR, &p);
    ASSERT_TRUE(s.ok()) << s.message();
    pipeline_ = p.release();
    std::vector<InputFile> inputs;
    ASSERT_TRUE(CollectInputs({std::string(CHISO_SHARED_DIR) + "/corpus/seeds"},
                              &inputs)
                    .ok());
    ASSERT_EQ(inputs.size(), 5u);
    std::string lines;
    Consolidator c;
    for (const InputFile& f : inputs) {
      Document d;
      LoadDocument(f.path, f.id, {}, &d);
      pipeline_->Process(d);
      std::string line;
      AppendJsonLine(d, &line);
      c.AddRecord(json::parse(line));
      lines += line;
    }
    // A record whose text must be escaped, one whose file is gone, one error.
    lines +=
        R"({"schema":"chiso/1","doc":{"id":"x<script>alert(1)</script>.txt","path":"/nonexistent/x.txt",)"
        R"("sha256":"00","format":"text","title":"<b>\"T\" & 'U'</b>"},"figures":[{"id":"f1","type":"rate",)"
        R"("value":95,"span":[3,6],"text":"95%","sentence":"Đạt 95% <i>hồ sơ</i> đúng hạn.","rule":"rate.x"}],)"
        R"("warnings":[{"code":"w<1>","message":"m&m","figure":"f1"}],"error":null})"
        "\n";
    lines +=
        R"({"schema":"chiso/1","doc":{"id":"broken.pdf","path":"broken.pdf","sha256":"11","format":"pdf"},)"
        R"("figures":[],"warnings":[],"error":{"code":"pdf_corrupt","message":"bad xref <0>"}})"
        "\n";
    std::ofstream(*dir_ / "run.jsonl") << lines;
    ASSERT_TRUE(WriteFactsJsonl(c, (*dir_ / "facts.jsonl").string()).ok());
  }
  static void TearDownTestSuite() {
    delete pipeline_;
    std::error_code ec;
    fs::remove_all(*dir_, ec);
    delete dir_;
  }

  static ReviewOptions Options(const std::string& out) {
    ReviewOptions o;
    o.out_dir = (*dir_ / out).string();
    o.assets_dir = std::string(CHISO_SOURCE_DIR) + "/review/assets";
    return o;
  }

  static std::vector<json> Records() {
    std::vector<json> out;
    std::ifstream in(*dir_ / "run.jsonl");
    std::string line;
    while (std::getline(in, line)) out.push_back(json::parse(line));
    return out;
  }

  static fs::path* dir_;
  static Pipeline* pipeline_;
};
fs::path* ReviewSiteTest::dir_ = nullptr;
Pipeline* ReviewSiteTest::pipeline_ = nullptr;

TEST_F(ReviewSiteTest, EveryFigureIsHighlightedOnceAndLinkedToItsRow) {
  ReviewOptions o = Options("site");
  ReviewStats st;
  Status s = BuildReviewSite((*dir_ / "run.jsonl").string(), o, pipeline_, &st);
  ASSERT_TRUE(s.ok()) << s.message();
  std::vector<json> recs = Records();
  EXPECT_EQ(st.documents, recs.size());
  EXPECT_EQ(st.errors, 1u);
  EXPECT_EQ(st.sources_missing, 1u);  // the record whose file is gone
  size_t seed_figures = 0;
  for (size_t i = 0; i < recs.size(); ++i) {
    std::string page = ReadFile(fs::path(o.out_dir) / "docs" /
                                (std::to_string(i + 1) + ".html"));
    ASSERT_FALSE(page.empty()) << i;
    size_t n = recs[i]["figures"].size();
    EXPECT_EQ(Count(page, "<mark id=\"h-"), n) << recs[i]["doc"]["id"];
    EXPECT_EQ(Count(page, "<tr id=\"r-"), n);
    for (size_t k = 1; k <= n; ++k) {
      std::string id = std::to_string(k);
      EXPECT_NE(page.find("<mark id=\"h-" + id + "\""), std::string::npos);
      EXPECT_NE(page.find("data-target=\"h-" + id + "\""), std::string::npos);
      EXPECT_NE(page.find("data-row=\"r-" + id + "\""), std::string::npos);
    }
    EXPECT_NE(page.find("<html lang=\"vi\">"), std::string::npos);
    EXPECT_NE(page.find("<meta charset=\"utf-8\">"), std::string::npos);
    if (i < 5) seed_figures += n;
  }
  // The seeds' figures sit in their re-read text, not in the fallback.
  EXPECT_GT(seed_figures, 10u);
  EXPECT_EQ(st.highlights, seed_figures);
  // A highlight wraps exactly the figure's text: check one seed figure.
  const json& f = recs[0]["figures"][0];
  std::string page1 = ReadFile(fs::path(o.out_dir) / "docs/1.html");
  std::regex mark1("<mark id=\"h-1\"[^>]*>([^<]*)</mark>");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(page1, m, mark1));
  EXPECT_EQ(m[1].str(), f["text"].get<std::string>());
}

TEST_F(ReviewSiteTest, EscapesEverythingFromTheRecord) {
  ReviewOptions o = Options("site_esc");
  ASSERT_TRUE(
      BuildReviewSite((*dir_ / "run.jsonl").string(), o, pipeline_, nullptr)
          .ok());
  std::string index = ReadFile(fs::path(o.out_dir) / "index.html");
  std::string page = ReadFile(fs::path(o.out_dir) / "docs/6.html");
  for (const std::string& html : {index, page}) {
    EXPECT_EQ(html.find("<script>alert"), std::string::npos);
    EXPECT_EQ(html.find("<b>"), std::string::npos);
    EXPECT_EQ(html.find("<i>"), std::string::npos);
  }
  std::string data = ReadFile(fs::path(o.out_dir) / "data/rows-1.js");
  EXPECT_EQ(data.find('<'), std::string::npos);
  EXPECT_NE(data.find("x\\u003cscript>"), std::string::npos) << data;
  EXPECT_NE(index.find("x&lt;script&gt;alert(1)&lt;/script&gt;.txt"),
            std::string::npos);
  EXPECT_NE(page.find("&lt;b&gt;&quot;T&quot; &amp; &#39;U&#39;&lt;/b&gt;"),
            std::string::npos);
  EXPECT_NE(page.find("w&lt;1&gt;"), std::string::npos);
  EXPECT_NE(page.find("m&amp;m"), std::string::npos);
  // Its file is gone: the figure is highlighted inside its sentence.
  EXPECT_NE(page.find("class=\"notice\""), std::string::npos);
  EXPECT_NE(page.find("Đạt <mark id=\"h-1\""), std::string::npos);
  std::string err = ReadFile(fs::path(o.out_dir) / "docs/7.html");
  EXPECT_NE(err.find("pdf_corrupt"), std::string::npos);
  EXPECT_NE(err.find("bad xref &lt;0&gt;"), std::string::npos);
  EXPECT_EQ(EscapeHtml("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
}

TEST_F(ReviewSiteTest, IndexIsSplitIntoPagesAndConflictsComeFirst) {
  ReviewOptions o = Options("site_pages");
  o.page_size = 3;
  o.facts_path = (*dir_ / "facts.jsonl").string();
  ReviewStats st;
  ASSERT_TRUE(
      BuildReviewSite((*dir_ / "run.jsonl").string(), o, pipeline_, &st).ok());
  EXPECT_EQ(st.index_pages, 3u);  // 7 records, 3 per page
  std::string p1 = ReadFile(fs::path(o.out_dir) / "index.html");
  std::string p2 = ReadFile(fs::path(o.out_dir) / "index-2.html");
  std::string p3 = ReadFile(fs::path(o.out_dir) / "index-3.html");
  EXPECT_EQ(Count(p1, "<tr data-errors="), 3u);
  EXPECT_EQ(Count(p2, "<tr data-errors="), 3u);
  EXPECT_EQ(Count(p3, "<tr data-errors="), 1u);
  EXPECT_NE(p3.find("href=\"docs/7.html\""), std::string::npos);
  EXPECT_FALSE(fs::exists(fs::path(o.out_dir) / "index-4.html"));
  // The same rows as data, one script per page, for "search every page".
  std::string d3 = ReadFile(fs::path(o.out_dir) / "data/rows-3.js");
  EXPECT_EQ(d3.rfind("chisoRows(3, [[7,", 0), 0u) << d3;
  EXPECT_NE(d3.find("pdf_corrupt"), std::string::npos);
  EXPECT_EQ(Count(ReadFile(fs::path(o.out_dir) / "data/rows-2.js"), "],["), 2u);
  EXPECT_NE(p1.find("id=\"all-pages\" type=\"checkbox\" data-pages=\"3\""),
            std::string::npos);
  // The seeds' Hà Giang conflict, before the documents, with both values.
  ASSERT_GE(st.conflicts, 1u);
  size_t conflicts = p1.find("id=\"conflicts\""),
         docs = p1.find("id=\"documents\"");
  ASSERT_NE(conflicts, std::string::npos);
  ASSERT_NE(docs, std::string::npos);
  EXPECT_LT(conflicts, docs);
  EXPECT_NE(p1.find("83.87", conflicts), std::string::npos);
  EXPECT_NE(p1.find("86.77", conflicts), std::string::npos);
  EXPECT_NE(p1.find("change_arithmetic", conflicts), std::string::npos);
  EXPECT_NE(p1.find("href=\"docs/", conflicts), std::string::npos);
  EXPECT_EQ(p2.find("id=\"conflicts\""), std::string::npos);
}

std::vector<json> SampleData(const std::string& html) {
  const std::string open =
      "<script type=\"application/json\" id=\"sample-data\">";
  size_t a = html.find(open);
  size_t b = html.find("</script>", a);
  if (a == std::string::npos || b == std::string::npos) return {};
  a += open.size();
  return json::parse(html.substr(a, b - a)).get<std::vector<json>>();
}

TEST_F(ReviewSiteTest, SampleIsStratifiedAndDeterministic) {
  std::vector<json> recs = Records();
  std::set<std::string> strata;
  size_t figures = 0;
  for (const json& r : recs) {
    for (const json& f : r["figures"]) {
      strata.insert(f["type"].get<std::string>() + "|" +
                    f["rule"].get<std::string>());
      ++figures;
    }
  }
  ASSERT_GT(figures, strata.size() + 2);
  const size_t n = strata.size() + 2;
  auto draw = [&](const std::string& name, uint64_t seed) {
    ReviewOptions o = Options(name);
    o.sample = n;
    o.seed = seed;
    ReviewStats st;
    EXPECT_TRUE(
        BuildReviewSite((*dir_ / "run.jsonl").string(), o, nullptr, &st).ok());
    EXPECT_EQ(st.sampled, n);
    return ReadFile(fs::path(o.out_dir) / "sample.html");
  };
  std::string a = draw("sample_a", 7), b = draw("sample_b", 7),
              c = draw("sample_c", 8);
  std::vector<json> da = SampleData(a), db = SampleData(b), dc = SampleData(c);
  ASSERT_EQ(da.size(), n);
  EXPECT_EQ(da, db);  // same seed, same sample
  EXPECT_NE(da, dc);  // another seed, another draw
  std::set<std::string> got, keys;
  for (const json& d : da) {
    got.insert(d["type"].get<std::string>() + "|" +
               d["rule"].get<std::string>());
    keys.insert(d["doc"].get<std::string>() + "#" +
                d["figure"].get<std::string>());
  }
  EXPECT_EQ(got, strata);     // every stratum drawn at least once
  EXPECT_EQ(keys.size(), n);  // no figure twice
  EXPECT_EQ(Count(a, "<li class=\"item\""), n);
  EXPECT_EQ(SampleData(a)[0].count("sentence"), 1u);
  EXPECT_EQ(a.find("</script>"), a.find("</script>", a.find("sample-data")));
}

TEST(Wilson, KnownValues) {
  struct Case {
    size_t k, n;
    double lo, hi;
  } cases[] = {
      {8, 10, 0.4902, 0.9433},   {0, 10, 0.0, 0.2775},
      {10, 10, 0.7225, 1.0},     {50, 100, 0.4038, 0.5962},
      {95, 100, 0.8882, 0.9785}, {1, 1, 0.2065, 1.0},
  };
  for (const Case& c : cases) {
    Interval iv = WilsonInterval(c.k, c.n);
    EXPECT_NEAR(iv.lo, c.lo, 5e-5) << c.k << "/" << c.n;
    EXPECT_NEAR(iv.hi, c.hi, 5e-5) << c.k << "/" << c.n;
  }
  Interval none = WilsonInterval(0, 0);
  EXPECT_EQ(none.lo, 0);
  EXPECT_EQ(none.hi, 1);
}

TEST(Verdicts, PrecisionPerTypeAndRuleWithWrongFigures) {
  fs::path p = fs::temp_directory_path() /
               ("chiso_verdicts_" + std::to_string(getpid()) + ".jsonl");
  std::ofstream(p)
      << R"({"doc":"a","figure":"f1","type":"score","rule":"s.x","verdict":"correct"})"
         "\n"
      << R"({"doc":"a","figure":"f2","type":"score","rule":"s.y","verdict":"wrong","text":"83,87",)"
         R"("sentence":"Chỉ số đạt 83,87%."})"
         "\n"
      << "\n"
      << R"({"doc":"b","figure":"f1","type":"rank","rule":"r.x","verdict":"unsure"})"
         "\n"
      << R"({"doc":"b","figure":"f1","type":"rank","rule":"r.x","verdict":"correct"})"
         "\n"
      << R"({"doc":"b","figure":"f2","verdict":"maybe"})"
         "\n";
  VerdictReport r;
  Status s = SummarizeVerdicts(p.string(), "", &r);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(r.lines, 5u);
  EXPECT_EQ(r.ignored, 1u);
  EXPECT_EQ(r.all.correct, 2u);  // b#f1's later verdict replaced "unsure"
  EXPECT_EQ(r.all.wrong, 1u);
  EXPECT_EQ(r.all.unsure, 0u);
  EXPECT_EQ(r.by_type["score"].correct, 1u);
  EXPECT_EQ(r.by_type["score"].wrong, 1u);
  EXPECT_DOUBLE_EQ(r.by_type["score"].precision(), 0.5);
  EXPECT_EQ(r.by_rule["r.x"].correct, 1u);
  ASSERT_EQ(r.wrong.size(), 1u);
  EXPECT_EQ(r.wrong[0].sentence, "Chỉ số đạt 83,87%.");
  std::string text = FormatVerdictReport(r);
  EXPECT_NE(text.find("Chỉ số đạt 83,87%."), std::string::npos);
  char want[64];
  Interval iv = WilsonInterval(2, 3);
  std::snprintf(want, sizeof want, "[%.3f, %.3f]", iv.lo, iv.hi);
  EXPECT_NE(text.find(want), std::string::npos) << text;

  std::ofstream(p) << "{\"doc\":\"a\"}\nnot json\n";
  s = SummarizeVerdicts(p.string(), "", &r);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(":2:"), std::string::npos) << s.message();
  EXPECT_FALSE(SummarizeVerdicts("/nonexistent/v.jsonl", "", &r).ok());
  fs::remove(p);
}

TEST(ReviewErrors, BadRunLineAndMissingAssetsAreReported) {
  fs::path d = fs::temp_directory_path() /
               ("chiso_review_bad_" + std::to_string(getpid()));
  fs::create_directories(d);
  std::ofstream(d / "run.jsonl") << "{\"doc\":{\"id\":\"a\"}}\n[1,2]\n";
  ReviewOptions o;
  o.out_dir = (d / "site").string();
  o.assets_dir = std::string(CHISO_SOURCE_DIR) + "/review/assets";
  Status s = BuildReviewSite((d / "run.jsonl").string(), o, nullptr, nullptr);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("run.jsonl:2:"), std::string::npos) << s.message();
  o.assets_dir = (d / "nothing").string();
  EXPECT_FALSE(
      BuildReviewSite((d / "run.jsonl").string(), o, nullptr, nullptr).ok());
  o.assets_dir = std::string(CHISO_SOURCE_DIR) + "/review/assets";
  EXPECT_FALSE(
      BuildReviewSite((d / "missing.jsonl").string(), o, nullptr, nullptr)
          .ok());
  // Garbage figures (no span, odd types) never crash and still get a mark.
  std::ofstream(d / "run.jsonl", std::ios::trunc)
      << R"({"doc":{"id":"a","path":"a.txt"},"figures":[{"span":"x"},{"type":3,"span":[9,2]},7],"error":null})"
      << "\n";
  ReviewStats st;
  s = BuildReviewSite((d / "run.jsonl").string(), o, nullptr, &st);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(
      Count(ReadFile(fs::path(o.out_dir) / "docs/1.html"), "<mark id=\"h-"),
      2u);
  fs::remove_all(d);
}

}  // namespace
}  // namespace chiso
