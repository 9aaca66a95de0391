// Test helpers for the PDF and HTML tests: fixtures written with cairo from
// the project's own text, and the pipeline run on bytes of a given format.
#ifndef CHISO_INGEST_FORMAT_TEST_UTIL_H_
#define CHISO_INGEST_FORMAT_TEST_UTIL_H_

#include <cairo-pdf.h>
#include <cairo.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "corpus/pipeline.h"

namespace chiso::testing {

namespace fs = std::filesystem;

inline std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline fs::path TempPath(const std::string& name) {
  return fs::temp_directory_path() / ("chiso_fmt_" + std::to_string(getpid()) + "_" + name);
}

// Writes an A4 PDF with cairo's toy text API and DejaVu Sans. Text is laid
// out by Flow (greedy word wrap, a blank source line = paragraph gap, page
// numbers "- n -" in the footer) or placed with Text.
class PdfWriter {
 public:
  static constexpr double kWidth = 595, kHeight = 842, kMargin = 56, kSize = 11, kPitch = kSize * 1.45;

  explicit PdfWriter(const fs::path& path, const std::string& title = "") : path_(path) {
    surface_ = cairo_pdf_surface_create(path.c_str(), kWidth, kHeight);
    if (!title.empty()) cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_TITLE, title.c_str());
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATE_DATE, "2023-03-15T10:00:00Z");
    cr_ = cairo_create(surface_);
    cairo_select_font_face(cr_, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr_, kSize);
    y_ = kMargin + kSize;
  }
  ~PdfWriter() { Close(); }

  void Close() {
    if (!cr_) return;
    Footer();
    cairo_destroy(cr_);
    cairo_surface_finish(surface_);
    cairo_surface_destroy(surface_);
    cr_ = nullptr;
  }

  double Width(const std::string& s) {
    cairo_text_extents_t e;
    cairo_text_extents(cr_, s.c_str(), &e);
    return e.x_advance;
  }

  void Text(double x, double y, const std::string& s) {
    cairo_move_to(cr_, x, y);
    cairo_show_text(cr_, s.c_str());
  }

  void NewPage() {
    Footer();
    cairo_show_page(cr_);
    ++page_;
    y_ = kMargin + kSize;
  }

  // Lays `text` out between x0 and x1 from the current line down; a new page
  // (or, with `column_bottom`, nothing: the caller moves on) when full.
  void Flow(const std::string& text, double x0 = kMargin, double x1 = kWidth - kMargin) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) {
        y_ += kSize * 0.9;
        continue;
      }
      std::istringstream words(line);
      std::string word, cur;
      while (words >> word) {
        std::string next = cur.empty() ? word : cur + " " + word;
        if (!cur.empty() && Width(next) > x1 - x0) {
          EmitLine(cur, x0);
          cur = word;
        } else {
          cur = next;
        }
      }
      if (!cur.empty()) EmitLine(cur, x0);
    }
  }

  double y() const { return y_; }
  void set_y(double y) { y_ = y; }
  int page() const { return page_; }
  cairo_t* cr() { return cr_; }

 private:
  void EmitLine(const std::string& s, double x0) {
    if (y_ > kHeight - kMargin - kPitch) NewPage();
    Text(x0, y_, s);
    y_ += kPitch;
  }
  void Footer() {
    std::string n = "- " + std::to_string(page_) + " -";
    Text(kWidth / 2 - Width(n) / 2, kHeight - kMargin / 2, n);
  }

  fs::path path_;
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
  double y_ = 0;
  int page_ = 1;
};

// Runs the whole pipeline on `bytes` read as `format`.
inline Document RunPipeline(const Pipeline& p, const std::string& id, std::string bytes, Format format) {
  Document doc;
  doc.id = id;
  doc.path = id;
  doc.bytes = std::move(bytes);
  doc.format = format;
  p.Process(doc);
  return doc;
}

inline const Pipeline& SharedPipeline() {
  static std::unique_ptr<Pipeline> p = [] {
    std::unique_ptr<Pipeline> q;
    Status s = Pipeline::Create(CHISO_SOURCE_DIR, &q);
    if (!s.ok()) throw std::runtime_error(s.message());
    return q;
  }();
  return *p;
}

// Runs `bytes`, the text document `source` converted to `format` (file
// extension `ext`), and keeps a copy under $CHISO_KEEP_FIXTURES for
// measurements (bench/pdf_vs_pdftotext.sh).
inline Document RunConverted(const fs::path& source, const std::string& bytes, Format format,
                             const std::string& ext) {
  if (const char* keep = std::getenv("CHISO_KEEP_FIXTURES")) {
    std::ofstream(fs::path(keep) / (source.stem().string() + ext), std::ios::binary) << bytes;
  }
  return RunPipeline(SharedPipeline(), source.filename().string() + ext, bytes, format);
}

// A figure as the acceptance tests compare it (page aside).
inline std::string FigureKey(const Figure& f) {
  std::ostringstream o;
  o << f.type << " " << f.value << " " << f.indicator << " " << f.subject.id << " "
    << (f.year ? std::to_string(*f.year) : "-") << " " << f.object << " " << f.level << " " << f.status;
  return o.str();
}

inline std::vector<std::string> FigureKeys(const Document& d) {
  std::vector<std::string> keys;
  for (const Figure& f : d.figures) keys.push_back(FigureKey(f));
  return keys;
}

inline std::vector<fs::path> Seeds() {
  std::vector<fs::path> out;
  fs::path dir = fs::path(CHISO_SHARED_DIR) / "corpus" / "seeds";
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".txt") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace chiso::testing

#endif  // CHISO_INGEST_FORMAT_TEST_UTIL_H_
