#include "ingest/pdf_parse.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <memory>
#include <numeric>

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

namespace chiso {
namespace {

// ---------------------------------------------------------------- layout ---

struct Word {
  double x0, y0, x1, y1;
  std::string text;
};

// A run of words on one line, cut from its neighbours by a wide gap.
struct Segment {
  double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
  int line = 0;
  std::string text;
  size_t chars = 0;
  double first_word_width = 0;
};

struct Box {
  double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
  void Add(double a0, double b0, double a1, double b1) {
    x0 = std::min(x0, a0), y0 = std::min(y0, b0), x1 = std::max(x1, a1), y1 = std::max(y1, b1);
  }
};

// A leaf of the XY-cut with the right edge of the column it belongs to.
struct Leaf {
  std::vector<int> segs;
  double right = 0;
};

double Median(std::vector<double> v, double fallback) {
  if (v.empty()) return fallback;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

size_t CountChars(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

UChar32 FirstCodePoint(std::string_view s) {
  if (s.empty()) return U_SENTINEL;
  int32_t i = 0;
  UChar32 c;
  U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, static_cast<int32_t>(s.size()), c);
  return c;
}

UChar32 LastCodePoint(std::string_view s) {
  if (s.empty()) return U_SENTINEL;
  int32_t i = static_cast<int32_t>(s.size());
  UChar32 c;
  U8_PREV(reinterpret_cast<const uint8_t*>(s.data()), 0, i, c);
  return c;
}

// "3", "- 3 -", "Trang 3", "3/12": a running page number.
bool IsPageNumber(std::string_view s) {
  std::string t;
  for (char c : s) {
    if (c != ' ' && c != '-') t += c;
  }
  if (t.rfind("Trang", 0) == 0) t = t.substr(5);
  if (t.empty() || t.size() > 9) return false;
  bool digit = false;
  for (char c : t) {
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c != '/') {
      return false;
    }
  }
  return digit;
}

// How a page starts and ends, to decide whether a line runs on across the
// page break: the width of its first word, the room left after its last line.
struct PageEdges {
  double first_word_width = 0;
  double last_room = 1e300;
  double h = 10;
};

// True when the first word of the next line would not have fitted after
// a line with `room` left before the column edge: the break is a wrap.
bool Wrapped(double room, double next_first_word_width, double h) {
  return room < 0.3 * h + next_first_word_width;
}

// Appends the separator for a wrap: a space, or nothing after a hyphen
// between letters when the next line starts in lower case ("hó-" "a").
void JoinWrapped(std::string_view next, std::string* out) {
  UChar32 before = out->size() >= 2 ? LastCodePoint(std::string_view(*out).substr(0, out->size() - 1)) : -1;
  UChar32 first = FirstCodePoint(next);
  if (!out->empty() && out->back() == '-' && before >= 0 && u_isalpha(before) && first >= 0 && u_islower(first)) {
    out->pop_back();
  } else {
    *out += ' ';
  }
}

class PageLayout {
 public:
  PageLayout(std::vector<Word> words, double doc_right) : words_(std::move(words)), doc_right_(doc_right) {}

  // Appends the page's text to `out`.
  PageEdges Render(std::string* out) {
    if (words_.empty()) return edges_;
    std::vector<double> hs;
    for (const Word& w : words_) hs.push_back(w.y1 - w.y0);
    h_ = std::max(1.0, Median(hs, 10));
    BuildLines();
    DropPageNumbers();
    BuildSegments();
    std::vector<int> all(segs_.size());
    std::iota(all.begin(), all.end(), 0);
    edges_.h = h_;
    if (all.empty()) return edges_;
    Box b = Bound(all);
    Cut(all, std::max(b.x1, doc_right_), 0);
    Emit(out);
    return edges_;
  }

 private:
  void BuildLines() {
    std::vector<int> order(words_.size());
    std::iota(order.begin(), order.end(), 0);
    auto cy = [&](int i) { return (words_[i].y0 + words_[i].y1) / 2; };
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return cy(a) < cy(b); });
    double line_cy = 0, line_h = 0;
    int count = 0;
    for (int i : order) {
      const Word& w = words_[i];
      double wh = w.y1 - w.y0;
      if (!lines_.empty() && std::abs(cy(i) - line_cy) <= 0.35 * std::max(wh, line_h)) {
        lines_.back().push_back(i);
        line_cy = (line_cy * count + cy(i)) / (count + 1);
        ++count;
        line_h = std::max(line_h, wh);
        continue;
      }
      lines_.push_back({i});
      line_cy = cy(i);
      line_h = wh;
      count = 1;
    }
    for (auto& l : lines_) {
      std::stable_sort(l.begin(), l.end(), [&](int a, int b) { return words_[a].x0 < words_[b].x0; });
    }
  }

  void DropPageNumbers() {
    for (int k = 0; k < 2 && !lines_.empty(); ++k) {
      auto& l = k == 0 ? lines_.back() : lines_.front();
      std::string t;
      for (int i : l) t += words_[i].text + " ";
      if (IsPageNumber(t)) {
        if (k == 0) {
          lines_.pop_back();
        } else {
          lines_.erase(lines_.begin());
        }
      }
    }
  }

  void BuildSegments() {
    for (size_t li = 0; li < lines_.size(); ++li) {
      Segment cur;
      const Word* prev = nullptr;
      for (int i : lines_[li]) {
        const Word& w = words_[i];
        if (prev && w.x0 - prev->x1 > 0.9 * h_) {
          segs_.push_back(std::move(cur));
          cur = Segment();
          prev = nullptr;
        }
        if (!prev) {
          cur.line = static_cast<int>(li);
          cur.first_word_width = w.x1 - w.x0;
        } else if (w.x0 - prev->x1 > 0.08 * h_) {
          cur.text += ' ';
        }
        cur.text += w.text;
        cur.x0 = std::min(cur.x0, w.x0), cur.y0 = std::min(cur.y0, w.y0);
        cur.x1 = std::max(cur.x1, w.x1), cur.y1 = std::max(cur.y1, w.y1);
        prev = &w;
      }
      if (prev) segs_.push_back(std::move(cur));
    }
    for (Segment& s : segs_) s.chars = CountChars(s.text);
  }

  Box Bound(const std::vector<int>& ids) const {
    Box b;
    for (int i : ids) b.Add(segs_[i].x0, segs_[i].y0, segs_[i].x1, segs_[i].y1);
    return b;
  }

  // True when `ids` (one side of a candidate gutter) reads like a column of
  // text: several lines of long segments.
  bool LooksLikeColumn(const std::vector<int>& ids, double region_width) const {
    if (ids.size() < 3) return false;
    Box b = Bound(ids);
    if (b.x1 - b.x0 < 0.25 * region_width) return false;
    std::vector<double> chars;
    for (int i : ids) chars.push_back(static_cast<double>(segs_[i].chars));
    return Median(chars, 0) >= 12;
  }

  // Splits at a vertical gutter between two text columns, if there is one.
  bool VerticalCut(const std::vector<int>& ids, std::vector<int>* left, std::vector<int>* right) const {
    std::vector<std::pair<double, double>> spans;
    for (int i : ids) spans.push_back({segs_[i].x0, segs_[i].x1});
    std::sort(spans.begin(), spans.end());
    Box b = Bound(ids);
    double end = spans.front().second;
    for (size_t k = 1; k < spans.size(); ++k) {
      if (spans[k].first - end >= 0.8 * h_) {
        double gutter = (spans[k].first + end) / 2;
        left->clear(), right->clear();
        for (int i : ids) (segs_[i].x1 <= gutter ? left : right)->push_back(i);
        if (LooksLikeColumn(*left, b.x1 - b.x0) && LooksLikeColumn(*right, b.x1 - b.x0)) return true;
      }
      end = std::max(end, spans[k].second);
    }
    return false;
  }

  // Splits at horizontal blank bands taller than a normal line gap.
  std::vector<std::vector<int>> HorizontalBands(const std::vector<int>& ids) const {
    std::vector<int> sorted = ids;
    std::stable_sort(sorted.begin(), sorted.end(), [&](int a, int b) { return segs_[a].y0 < segs_[b].y0; });
    std::vector<std::vector<int>> bands;
    double end = -1e300;
    for (int i : sorted) {
      if (bands.empty() || segs_[i].y0 - end >= 0.7 * h_) bands.emplace_back();
      bands.back().push_back(i);
      end = std::max(end, segs_[i].y1);
    }
    return bands;
  }

  void Cut(const std::vector<int>& ids, double right, int depth) {
    std::vector<int> l, r;
    if (depth < 12 && VerticalCut(ids, &l, &r)) {
      Cut(l, Bound(l).x1, depth + 1);
      Cut(r, right, depth + 1);
      return;
    }
    std::vector<std::vector<int>> bands = HorizontalBands(ids);
    if (bands.size() == 1 || depth >= 12) {
      leaves_.push_back({ids, right});
      return;
    }
    for (const auto& band : bands) Cut(band, right, depth + 1);
  }

  struct Line {
    Box box;
    std::string text;
    int cells = 0;
    double first_word_width = 0;
  };

  void Emit(std::string* out) {
    const Line* prev = nullptr;
    Line last;
    double prev_room = 0;
    for (const Leaf& leaf : leaves_) {
      std::vector<int> ids = leaf.segs;
      std::stable_sort(ids.begin(), ids.end(), [&](int a, int b) {
        return segs_[a].line != segs_[b].line ? segs_[a].line < segs_[b].line : segs_[a].x0 < segs_[b].x0;
      });
      std::vector<Line> lines;
      for (size_t k = 0; k < ids.size(); ++k) {
        const Segment& s = segs_[ids[k]];
        if (k == 0 || s.line != segs_[ids[k - 1]].line) {
          lines.emplace_back();
          lines.back().first_word_width = s.first_word_width;
        } else {
          lines.back().text += " | ";  // a cell of a table row (a wide gap)
        }
        lines.back().text += s.text;
        lines.back().box.Add(s.x0, s.y0, s.x1, s.y1);
        ++lines.back().cells;
      }
      for (size_t k = 0; k < lines.size(); ++k) {
        const Line& line = lines[k];
        if (prev) {
          if (k == 0 && line.box.y0 >= prev->box.y0) {
            *out += "\n\n";  // a blank band: a new paragraph
          } else if (k == 0 || (prev->cells == 1 && line.cells == 1)) {
            // The next line of the leaf, or the top of the next column.
            if (Wrapped(prev_room, line.first_word_width, h_)) {
              JoinWrapped(line.text, out);
            } else {
              *out += '\n';
            }
          } else {
            *out += '\n';  // table rows
          }
        } else {
          edges_.first_word_width = line.first_word_width;
        }
        *out += line.text;
        last = line;
        prev = &last;
        prev_room = leaf.right - line.box.x1;
        edges_.last_room = prev_room;
      }
    }
  }

  std::vector<Word> words_;
  double doc_right_;
  double h_ = 10;
  std::vector<std::vector<int>> lines_;
  std::vector<Segment> segs_;
  std::vector<Leaf> leaves_;
  PageEdges edges_;
};

std::string ToUtf8(const poppler::ustring& u) {
  poppler::byte_array b = u.to_utf8();
  return std::string(b.begin(), b.end());
}

void Quiet(const std::string&, void*) {}

void SetError(Error* e, std::string code, std::string message) {
  e->code = std::move(code);
  e->message = std::move(message);
}

// Letters and digits in `s`: how much a page's text says.
size_t CountAlnum(std::string_view s) {
  size_t n = 0;
  for (int32_t i = 0; i < static_cast<int32_t>(s.size());) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, static_cast<int32_t>(s.size()), c);
    n += c >= 0 && u_isalnum(c);
  }
  return n;
}

// A page with fewer letters and digits than this has no real text layer.
constexpr size_t kMinLayerChars = 16;
// Rendering larger than this (A4 at 300 dpi is 8.7 Mpx) lowers the dpi.
constexpr double kMaxOcrPixels = 40e6;

// Renders page `p` and OCRs it; the words, in points, or false.
bool OcrPage(const poppler::page& p, const PdfOptions& options, PageOcr& ocr, std::vector<Word>* words) {
  poppler::rectf box = p.page_rect(poppler::media_box);
  double area = std::max(1.0, box.width()) * std::max(1.0, box.height()) / (72.0 * 72.0);
  int dpi = static_cast<int>(std::min<double>(options.ocr_dpi, std::sqrt(kMaxOcrPixels / area)));
  if (dpi < 30) return false;
  poppler::page_renderer renderer;
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  renderer.set_image_format(poppler::image::format_gray8);
  poppler::image img = renderer.render_page(&p, dpi, dpi);
  if (!img.is_valid() || img.width() <= 0 || img.height() <= 0) return false;
  std::vector<OcrWord> found;
  if (!ocr.Recognize(reinterpret_cast<const uint8_t*>(img.const_data()), img.width(), img.height(),
                     img.bytes_per_row(), dpi, &found)) {
    return false;
  }
  const double pt = 72.0 / dpi;
  for (OcrWord& w : found) {
    // The line's box, not the word's ink, keeps a line's words together
    // (tone marks and descenders make word boxes uneven).
    words->push_back({w.x0 * pt, w.line_y0 * pt, w.x1 * pt, w.line_y1 * pt, std::move(w.text)});
  }
  return true;
}

}  // namespace

bool ParsePdf(std::string_view bytes, const PdfOptions& options, const std::function<void()>& before_ocr_page,
              PdfText* out, Error* error) {
  poppler::set_debug_error_function(Quiet, nullptr);
  std::string_view tail = bytes.substr(bytes.size() > 2048 ? bytes.size() - 2048 : 0);
  bool truncated = tail.find("%%EOF") == std::string_view::npos;
  std::unique_ptr<poppler::document> d(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (!d) {
    if (truncated) {
      SetError(error, "pdf_truncated", "the PDF ends before its end-of-file marker and cannot be parsed");
    } else {
      SetError(error, "pdf_corrupt", "Poppler cannot parse this PDF");
    }
    return false;
  }
  if (d->is_locked()) {
    SetError(error, "pdf_encrypted", "the PDF is encrypted with a user password");
    return false;
  }
  if (truncated) {
    SetError(error, "pdf_truncated", "the PDF ends before its end-of-file marker (truncated file)");
    return false;
  }
  int n = d->pages();
  if (n <= 0) {
    SetError(error, "pdf_empty", "the PDF has no pages");
    return false;
  }
  out->pages = n;
  std::vector<std::vector<Word>> pages(n);
  double doc_right = 0;
  for (int i = 0; i < n; ++i) {
    std::unique_ptr<poppler::page> p(d->create_page(i));
    if (!p) continue;
    for (const poppler::text_box& b : p->text_list()) {
      std::string t = ToUtf8(b.text());
      if (t.find_first_not_of(" \t\r\n") == std::string::npos) continue;
      poppler::rectf r = b.bbox();
      pages[i].push_back({r.left(), r.top(), r.right(), r.bottom(), std::move(t)});
      doc_right = std::max(doc_right, r.right());
    }
  }
  std::vector<std::string> texts(n);
  std::vector<PageEdges> edges(n);
  for (int i = 0; i < n; ++i) edges[i] = PageLayout(std::move(pages[i]), doc_right).Render(&texts[i]);

  // OCR: pages without a text layer (auto) or all of them (always).
  std::unique_ptr<PageOcr> ocr;
  int needed = 0, attempted = 0;
  for (int i = 0; i < n && options.ocr != OcrMode::kNever; ++i) {
    size_t layer = CountAlnum(texts[i]);
    if (options.ocr == OcrMode::kAuto && layer >= kMinLayerChars) continue;
    ++needed;
    if (!ocr && out->ocr_note.empty()) {
      ocr = PageOcr::Create(options.tessdata_dir, &out->ocr_note);
      if (!ocr && out->ocr_note.empty()) out->ocr_note = "Tesseract could not start";
    }
    if (!ocr) continue;
    if (attempted >= options.max_ocr_pages) {  // the child's CPU hard limit counts on this
      ++out->ocr_skipped;
      continue;
    }
    std::unique_ptr<poppler::page> p(d->create_page(i));
    if (!p) continue;
    ++attempted;
    if (before_ocr_page) before_ocr_page();
    std::vector<Word> words;
    if (!OcrPage(*p, options, *ocr, &words)) continue;
    std::string text;
    PageEdges e = PageLayout(std::move(words), 0).Render(&text);
    if (CountAlnum(text) > layer || (options.ocr == OcrMode::kAlways && CountAlnum(text) > 0)) {
      texts[i] = std::move(text);
      edges[i] = e;
      out->ocr_pages.push_back(i + 1);
    }
  }

  bool any = false;
  PageEdges prev;
  for (int i = 0; i < n; ++i) {
    const std::string& page = texts[i];
    if (!page.empty()) any = true;
    if (!out->text.empty() && !page.empty()) {
      // Whether a paragraph ends at a page break cannot be seen; a wrapped
      // last line runs on, any other ends a line.
      if (Wrapped(prev.last_room, edges[i].first_word_width, prev.h)) {
        JoinWrapped(page, &out->text);
      } else {
        out->text += '\n';
      }
    }
    if (!page.empty()) prev = edges[i];
    out->page_starts.push_back(out->text.size());
    out->text += page;
  }
  if (!any) {
    std::string why = options.ocr == OcrMode::kNever ? "OCR is off (--ocr never)"
                      : !out->ocr_note.empty()      ? "OCR is not available: " + out->ocr_note
                      : out->ocr_skipped > 0        ? "its pages are beyond the OCR page limit"
                                                    : "OCR read no text on its " + std::to_string(needed) + " page(s)";
    SetError(error, "no_text_layer", "the PDF has no text layer (scanned pages?) and " + why);
    return false;
  }
  out->title = ToUtf8(d->get_title());
  time_t created = d->get_creation_date_t();
  if (created > 0) {
    struct tm tm;
    char buf[16];
    if (gmtime_r(&created, &tm) && std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm)) out->date = buf;
  }
  return true;
}

}  // namespace chiso
