// Review pages of PDFs: the text comes from the PDF's text layer through the
// same pipeline, so every highlight wraps its figure's text, and page markers
// show where pages start.
#include <gtest/gtest.h>

#include <regex>

#include "ingest/format_test_util.h"
#include "ingest/ingest.h"
#include "review/review.h"
#include "schema/emit.h"

namespace chiso {
namespace {

using chiso::testing::PdfWriter;
using chiso::testing::ReadFile;
using chiso::testing::SharedPipeline;
using chiso::testing::TempPath;
namespace fs = std::filesystem;

TEST(ReviewPdf, HighlightsLineUpAndPagesAreMarked) {
  // A seed article read at run time, laid out over several PDF pages.
  std::string text = ReadFile(fs::path(CHISO_SHARED_DIR) /
                              "corpus/seeds/002_43a7c8b6404bd8eb.txt");
  ASSERT_FALSE(text.empty());
  fs::path dir = TempPath("review_pdf");
  fs::create_directories(dir);
  fs::path pdf = dir / "seed.pdf";
  {
    PdfWriter w(pdf);
    w.Flow(text);
    w.NewPage();
    w.Flow(text);
  }
  Document d;
  LoadDocument(pdf.string(), "seed.pdf", {}, &d);
  SharedPipeline().Process(d);
  ASSERT_FALSE(d.failed()) << d.error->message;
  ASSERT_GE(d.pages.value_or(0), 2);
  ASSERT_GT(d.figures.size(), 2u);
  std::string line;
  AppendJsonLine(d, &line);
  std::ofstream(dir / "run.jsonl") << line;

  ReviewOptions o;
  o.out_dir = (dir / "site").string();
  o.assets_dir = std::string(CHISO_SOURCE_DIR) + "/review/assets";
  ReviewStats st;
  Status s =
      BuildReviewSite((dir / "run.jsonl").string(), o, &SharedPipeline(), &st);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(st.highlights, d.figures.size());
  std::string page = ReadFile(dir / "site/docs/1.html");
  for (int p = 1; p <= *d.pages; ++p) {
    EXPECT_NE(page.find("— Trang " + std::to_string(p) + " —"),
              std::string::npos)
        << p;
  }
  auto json = nlohmann::json::parse(line);
  size_t k = 0;
  for (const auto& f : json["figures"]) {
    ++k;
    std::regex re("<mark id=\"h-" + std::to_string(k) +
                  "\"[^>]*>([^<]*)</mark>");
    std::smatch m;
    // A mark may hold a nested mark or a page marker; the simple ones must
    // match their figure's text exactly.
    if (std::regex_search(page, m, re)) {
      EXPECT_EQ(m[1].str(), f["text"].get<std::string>()) << k;
    }
    EXPECT_NE(page.find("<mark id=\"h-" + std::to_string(k) + "\""),
              std::string::npos)
        << k;
  }
  // A figure on page p lies after the page-p marker (and before p+1's).
  size_t later = 0;
  for (size_t i = 0; i < d.figures.size(); ++i) {
    int p = d.figures[i].page.value_or(0);
    ASSERT_GE(p, 1);
    later += p >= 2;
    size_t at = page.find("<mark id=\"h-" + std::to_string(i + 1) + "\"");
    EXPECT_GT(at, page.find("— Trang " + std::to_string(p) + " —")) << i;
    size_t next = page.find("— Trang " + std::to_string(p + 1) + " —");
    if (next != std::string::npos) {
      EXPECT_LT(at, next) << i;
    }
  }
  EXPECT_GE(later,
            d.figures.size() / 2);  // the second copy starts on a new page
  fs::remove_all(dir);
}

}  // namespace
}  // namespace chiso
