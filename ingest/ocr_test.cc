// OCR of scanned PDFs. Every scan here is made by the test: the project's own
// text (or a seed's, read at run time) drawn with cairo and DejaVu Sans onto
// an image, and that image placed on a PDF page with no text layer.
#include "ingest/ocr.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <nlohmann/json.hpp>

#include "corpus/eval.h"
#include "ingest/format_test_util.h"
#include "ingest/pdf.h"
#include "ingest/pdf_parse.h"
#include "schema/emit.h"

namespace chiso {
namespace {

using namespace chiso::testing;

// Writes A4 pages: Scan() draws text into an image at `dpi` (the page has no
// text layer, like a scanner's output), Typeset() draws it as PDF text. Text
// is laid out like PdfWriter::Flow (11 pt, greedy wrap, a blank source line
// is a paragraph gap), but only whole paragraphs go on a page.
class ScanPdf {
 public:
  static constexpr double kW = 595, kH = 842, kMargin = 56, kSize = 11, kPitch = kSize * 1.45;

  explicit ScanPdf(const fs::path& path) : path_(path) {
    pdf_ = cairo_pdf_surface_create(path.c_str(), kW, kH);
    cr_ = cairo_create(pdf_);
  }
  ~ScanPdf() { Close(); }

  std::string Close() {
    if (cr_) {
      cairo_destroy(cr_);
      cairo_surface_finish(pdf_);
      cairo_surface_destroy(pdf_);
      cr_ = nullptr;
    }
    return ReadFile(path_);
  }

  // One scanned page holding the paragraphs of `text` that fit; returns how
  // many bytes of `text` it holds. A real scan's flaws on request: the page
  // turned by `skew` degrees, and `specks` dark dots of 1-3 pixels.
  size_t Scan(std::string_view text, int dpi = 200, double skew = 0, int specks = 0) {
    const double s = dpi / 72.0;
    const int w = static_cast<int>(std::ceil(kW * s)), h = static_cast<int>(std::ceil(kH * s));
    cairo_surface_t* img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t* cr = cairo_create(img);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, s, s);
    cairo_translate(cr, kW / 2, kH / 2);
    cairo_rotate(cr, skew * M_PI / 180);
    cairo_translate(cr, -kW / 2, -kH / 2);
    size_t used = Page(cr, text);
    cairo_identity_matrix(cr);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    std::mt19937 rng(7);
    for (int k = 0; k < specks; ++k) {
      cairo_rectangle(cr, static_cast<double>(rng() % w), static_cast<double>(rng() % h), 1 + rng() % 3, 1 + rng() % 3);
      cairo_fill(cr);
    }
    cairo_destroy(cr);
    cairo_save(cr_);
    cairo_scale(cr_, 1 / s, 1 / s);
    cairo_set_source_surface(cr_, img, 0, 0);
    cairo_paint(cr_);
    cairo_restore(cr_);
    cairo_show_page(cr_);
    cairo_surface_destroy(img);
    return used;
  }

  // One page with a text layer.
  size_t Typeset(std::string_view text) {
    size_t used = Page(cr_, text);
    cairo_show_page(cr_);
    return used;
  }

 private:
  size_t Page(cairo_t* cr, std::string_view text) {
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, kSize);
    std::vector<std::pair<double, std::string>> lines;  // y, text
    double y = kMargin + kSize;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t eol = std::min(text.find('\n', pos), text.size());
      std::string para(text.substr(pos, eol - pos));
      std::vector<std::pair<double, std::string>> add;
      double py = y;
      if (para.find_first_not_of(" \t\r") == std::string::npos) {
        py += kSize * 0.9;
      } else {
        std::istringstream words(para);
        std::string word, cur;
        while (words >> word) {
          std::string next = cur.empty() ? word : cur + " " + word;
          if (!cur.empty() && Width(cr, next) > kW - 2 * kMargin) {
            add.push_back({py, cur});
            py += kPitch;
            cur = word;
          } else {
            cur = next;
          }
        }
        add.push_back({py, cur});
        py += kPitch;
      }
      if (py > kH - kMargin && !lines.empty()) break;  // the paragraph does not fit
      lines.insert(lines.end(), add.begin(), add.end());
      y = py;
      pos = eol + 1;
    }
    for (const auto& [ly, s] : lines) {
      cairo_move_to(cr, kMargin, ly);
      cairo_show_text(cr, s.c_str());
    }
    std::string n = "- " + std::to_string(++page_) + " -";
    cairo_move_to(cr, kW / 2 - Width(cr, n) / 2, kH - kMargin / 2);
    cairo_show_text(cr, n.c_str());
    return std::min(pos, text.size());
  }

  static double Width(cairo_t* cr, const std::string& s) {
    cairo_text_extents_t e;
    cairo_text_extents(cr, s.c_str(), &e);
    return e.x_advance;
  }

  fs::path path_;
  cairo_surface_t* pdf_ = nullptr;
  cairo_t* cr_ = nullptr;
  int page_ = 0;
};

const char kReport[] =
    "BÁO CÁO\n"
    "Kết quả cải cách hành chính năm 2023 của tỉnh Quảng Ngãi\n"
    "\n"
    "Năm 2023, Chỉ số cải cách hành chính (PAR INDEX) của tỉnh Quảng Ngãi đạt 84,36 điểm, xếp "
    "thứ 27/63 tỉnh, thành phố. Chỉ số SIPAS năm 2023 của tỉnh đạt 81,92%.\n"
    "\n"
    "Trong năm, tỉnh đã công bố 1.742 thủ tục hành chính; tỷ lệ hồ sơ giải quyết đúng hạn "
    "đạt 97,6%.\n";

bool VieAvailable() {
  std::string why;
  return PageOcr::Create("", &why) != nullptr;
}

#define REQUIRE_OCR()                                                         \
  if (!VieAvailable()) GTEST_SKIP() << "Tesseract or its 'vie' data missing " \
                                       "(scripts/setup.sh installs them)"

std::string ScanOf(const std::string& name, std::string_view text, double skew = 0, int specks = 0) {
  ScanPdf pdf(TempPath(name));
  EXPECT_EQ(pdf.Scan(text, 200, skew, specks), text.size()) << "the text must fit on one page";
  std::string bytes = pdf.Close();
  fs::remove(TempPath(name));
  return bytes;
}

TEST(OcrMode, NamesRoundTrip) {
  for (OcrMode m : {OcrMode::kAuto, OcrMode::kNever, OcrMode::kAlways}) {
    EXPECT_EQ(OcrModeFromName(OcrModeName(m)), m);
  }
  EXPECT_FALSE(OcrModeFromName("sometimes").has_value());
}

TEST(Ocr, ScannedPageReadsBackItsWordsAndNumbers) {
  REQUIRE_OCR();
  std::string bytes = ScanOf("scan.pdf", kReport);
  PdfText t;
  Error e;
  ASSERT_TRUE(ExtractPdfText(bytes, PdfOptions{}, &t, &e)) << e.code << ": " << e.message;
  EXPECT_EQ(t.pages, 1);
  EXPECT_EQ(t.ocr_pages, std::vector<int>{1});
  for (const char* want : {"Quảng Ngãi", "cải cách hành chính", "84,36 điểm", "27/63", "81,92%", "1.742",
                           "thủ tục hành chính", "97,6%"}) {
    EXPECT_NE(t.text.find(want), std::string::npos) << want << " not in:\n" << t.text;
  }
  // Short title lines keep their breaks; the page number is dropped.
  EXPECT_EQ(t.text.rfind("BÁO CÁO\n", 0), 0u) << t.text;
  EXPECT_EQ(t.text.find("- 1 -"), std::string::npos) << t.text;
}

// The pipeline on the scan gives the text's figures, on page 1, with their
// confidence lowered, and says so in a warning; --ocr never gives
// no_text_layer.
TEST(Ocr, PipelineGivesTheTextFiguresWithLowerConfidence) {
  REQUIRE_OCR();
  std::string bytes = ScanOf("scan2.pdf", kReport);
  Document plain = RunPipeline(SharedPipeline(), "report.txt", kReport, Format::kText);
  ASSERT_GE(plain.figures.size(), 5u);
  Document scan = RunPipeline(SharedPipeline(), "report.pdf", bytes, Format::kPdf);
  ASSERT_FALSE(scan.failed()) << scan.error->message;
  EXPECT_EQ(FigureKeys(scan), FigureKeys(plain));
  for (size_t i = 0; i < std::min(scan.figures.size(), plain.figures.size()); ++i) {
    EXPECT_EQ(scan.figures[i].page, 1);
    EXPECT_NEAR(scan.figures[i].confidence, plain.figures[i].confidence * kOcrConfidenceFactor, 1e-9);
  }
  ASSERT_FALSE(scan.warnings.empty());
  EXPECT_EQ(scan.warnings.back().code, "ocr");

  Document never;
  never.id = never.path = "report.pdf";
  never.bytes = bytes;
  never.format = Format::kPdf;
  IngestOptions no_ocr;
  no_ocr.ocr = OcrMode::kNever;
  SharedPipeline().Process(never, no_ocr);
  ASSERT_TRUE(never.failed());
  EXPECT_EQ(never.error->code, "no_text_layer");
  EXPECT_NE(never.error->message.find("--ocr never"), std::string::npos) << never.error->message;
}

TEST(Ocr, WithoutVietnameseDataAScanStaysNoTextLayer) {
  std::string bytes = ScanOf("scan3.pdf", "KẾ HOẠCH\n");
  fs::path empty = TempPath("tessdata");
  fs::create_directories(empty);
  PdfOptions opt;
  opt.tessdata_dir = empty.string();
  PdfText t;
  Error e;
  EXPECT_FALSE(ExtractPdfText(bytes, opt, &t, &e));
  fs::remove_all(empty);
  EXPECT_EQ(e.code, "no_text_layer");
  EXPECT_NE(e.message.find("OCR is not available"), std::string::npos) << e.message;
  if (OcrCompiledIn()) {
    EXPECT_NE(e.message.find("tesseract-ocr-vie"), std::string::npos) << e.message;
  }
}

// auto: only the page without text is OCR'd; the text page keeps its layer.
// never: no OCR. always: every page.
TEST(Ocr, AutoReadsOnlyPagesWithoutText) {
  REQUIRE_OCR();
  const std::string typeset = "Năm 2022, Chỉ số SIPAS của tỉnh Quảng Ngãi đạt 80,15%.\n";
  fs::path p = TempPath("mixed.pdf");
  ScanPdf pdf(p);
  pdf.Typeset(typeset);
  pdf.Scan(kReport);
  std::string bytes = pdf.Close();
  fs::remove(p);
  PdfText t;
  Error e;
  ASSERT_TRUE(ExtractPdfText(bytes, PdfOptions{}, &t, &e)) << e.code << ": " << e.message;
  EXPECT_EQ(t.pages, 2);
  EXPECT_EQ(t.ocr_pages, std::vector<int>{2});
  ASSERT_EQ(t.page_starts.size(), 2u);
  EXPECT_EQ(t.text.substr(0, t.page_starts[1]).find("80,15%"), t.text.find("80,15%"));
  EXPECT_NE(t.text.find("84,36 điểm", t.page_starts[1]), std::string::npos) << t.text;

  // never: the text page alone.
  PdfOptions never;
  never.ocr = OcrMode::kNever;
  ASSERT_TRUE(ExtractPdfText(bytes, never, &t, &e)) << e.message;
  EXPECT_TRUE(t.ocr_pages.empty());
  EXPECT_EQ(t.text.find("84,36"), std::string::npos);

  // always: both pages OCR'd, the text page reading the same.
  PdfOptions always;
  always.ocr = OcrMode::kAlways;
  ASSERT_TRUE(ExtractPdfText(bytes, always, &t, &e)) << e.message;
  EXPECT_EQ(t.ocr_pages, (std::vector<int>{1, 2}));
  EXPECT_NE(t.text.find("Quảng Ngãi đạt 80,15%"), std::string::npos) << t.text;
  EXPECT_NE(t.text.find("84,36 điểm"), std::string::npos) << t.text;
}

// Scanner specks: the median filter and the speck filter keep them from
// becoming punctuation or table cells (" | ") around the figures.
TEST(Ocr, SpecklesDoNotBreakTheText) {
  REQUIRE_OCR();
  std::string bytes = ScanOf("specks.pdf", kReport, 0.5, 300);
  PdfText t;
  Error e;
  ASSERT_TRUE(ExtractPdfText(bytes, PdfOptions{}, &t, &e)) << e.code << ": " << e.message;
  EXPECT_EQ(t.text.find(" | "), std::string::npos) << t.text;
  for (const char* want : {"đạt 84,36 điểm", "27/63", "đạt 81,92%", "công bố 1.742 thủ tục", "đạt 97,6%"}) {
    EXPECT_NE(t.text.find(want), std::string::npos) << want << " not in:\n" << t.text;
  }
}

int ThreadsOfThisProcess() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Threads:", 0) == 0) return std::atoi(line.c_str() + 8);
  }
  return -1;
}

// One thread per document: Tesseract's OpenMP must not start a thread pool
// (OCR'd in this process here, so its threads would show).
TEST(Ocr, RunsOnOneThread) {
  REQUIRE_OCR();
  if (std::getenv("OMP_THREAD_LIMIT")) GTEST_SKIP() << "OMP_THREAD_LIMIT set by the environment";
  std::string bytes = ScanOf("scan5.pdf", "Năm 2023, tỉnh Quảng Ngãi đã công bố 1.742 thủ tục hành chính.\n");
  int before = ThreadsOfThisProcess();
  PdfText t;
  Error e;
  ASSERT_TRUE(ParsePdf(bytes, PdfOptions{}, nullptr, &t, &e)) << e.message;
  EXPECT_NE(t.text.find("1.742"), std::string::npos) << t.text;
  EXPECT_EQ(ThreadsOfThisProcess(), before);
}

// A hang in OCR is bounded like one in Poppler: with no time granted per
// OCR'd page, three dense pages (several seconds of OCR on any machine) get
// the child stopped, and the record says `timeout`.
TEST(Ocr, OcrTimeBecomesTimeout) {
  REQUIRE_OCR();
  std::string dense;
  for (int i = 0; i < 12; ++i) dense += std::string(kReport) + "\n";
  fs::path p = TempPath("scan4.pdf");
  ScanPdf pdf(p);
  for (size_t used = 0, page = 0; page < 3; ++page) used += pdf.Scan(std::string_view(dense).substr(used));
  std::string bytes = pdf.Close();
  fs::remove(p);
  if (const char* keep = std::getenv("CHISO_KEEP_PDFS")) {  // for timing: 3 image-only pages
    std::ofstream(fs::path(keep) / "scan3.pdf", std::ios::binary) << bytes;
  }
  PdfOptions opt;
  opt.wall_seconds = 3;
  opt.cpu_seconds = 2;
  opt.ocr_page_seconds = 0;
  PdfText t;
  Error e;
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(ExtractPdfText(bytes, opt, &t, &e));
  EXPECT_EQ(e.code, "timeout") << e.message;
  EXPECT_NE(e.message.find("OCR"), std::string::npos) << e.message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(8));
}

// Acceptance (issue 4): a seed's first page, scanned (200 dpi, turned by
// half a degree), OCR'd and run through the pipeline, scores value F1 >= 0.9
// against the seed's gold figures that stand on that page. (With 300 specks
// added it scores 0.917: one speck read as "tỷ lệ: 91,07%" hides a rate.)
TEST(OcrAcceptance, ScannedSeedPageValueF1) {
  REQUIRE_OCR();
  std::vector<fs::path> seeds = Seeds();
  if (seeds.empty()) GTEST_SKIP() << "no seeds beside the checkout";
  std::map<std::string, nlohmann::json> gold;
  {
    std::ifstream in(fs::path(CHISO_SHARED_DIR) / "corpus" / "seeds.gold.jsonl");
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      nlohmann::json g = nlohmann::json::parse(line);
      gold[g["doc"].get<std::string>()] = g;
    }
  }
  // The seed whose first page holds the most gold figures. A gold figure is
  // on the page when its text, searched in order, ends within the page; one
  // whose text is not in the file (a title rewritten) cannot be placed and
  // becomes optional.
  struct Page {
    std::string id, text;
    nlohmann::json gold;
    int required = -1;
  } best;
  for (const fs::path& seed : seeds) {
    std::string id = seed.filename().string();
    if (!gold.count(id)) continue;
    std::string text = ReadFile(seed);
    fs::path p = TempPath("layout.pdf");
    size_t used;
    {
      ScanPdf probe(p);
      used = probe.Typeset(text);
    }
    fs::remove(p);
    Page page{id, text.substr(0, used), {{"doc", id}, {"figures", nlohmann::json::array()}}, 0};
    size_t cursor = 0;
    for (nlohmann::json f : gold[id]["figures"]) {
      size_t at = text.find(f["text"].get<std::string>(), cursor);
      if (at == std::string::npos) {
        f["optional"] = true;
      } else {
        cursor = at;
        if (at + f["text"].get<std::string>().size() > used) continue;
      }
      page.required += !f.value("optional", false);
      page.gold["figures"].push_back(f);
    }
    if (page.required > best.required) best = page;
  }
  ASSERT_GE(best.required, 5) << "no seed page with figures";
  std::string bytes = ScanOf("seed_scan.pdf", best.text, 0.5);
  if (const char* keep = std::getenv("CHISO_KEEP_PDFS")) {
    std::ofstream(fs::path(keep) / (best.id + ".scan.pdf"), std::ios::binary) << bytes;
  }
  Document doc = RunPipeline(SharedPipeline(), best.id, bytes, Format::kPdf);
  ASSERT_FALSE(doc.failed()) << doc.error->message;
  nlohmann::json pred = nlohmann::json::parse(ToJson(doc).dump());
  EvalReport r = EvaluateJson({best.gold}, {pred});
  std::string misses;
  for (const auto& item : r.items) {
    if (item.level == "value") misses += item.kind + " " + item.type + " " + item.text + "\n";
  }
  std::printf("[ocr seed page] %s: %d gold figures on page 1; value P %.3f R %.3f F1 %.3f\n%s", best.id.c_str(),
              best.required, r.value_all.precision(), r.value_all.recall(), r.value_all.f1(), misses.c_str());
  EXPECT_GE(r.value_all.f1(), 0.9) << misses << "\n" << doc.text;
}

}  // namespace
}  // namespace chiso
