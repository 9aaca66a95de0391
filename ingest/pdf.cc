#include "ingest/pdf.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <new>
#include <numeric>
#include <thread>

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

// In-process extraction; the child runs this. `before_ocr_page` is called
// before each page is OCR'd (the sandbox extends its limits there).
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

// ------------------------------------------------------------- sandbox ---

void PutField(std::string* b, std::string_view s) {
  uint64_t n = s.size();
  b->append(reinterpret_cast<const char*>(&n), sizeof n);
  b->append(s);
}

bool GetField(std::string_view* in, std::string* s) {
  uint64_t n;
  if (in->size() < sizeof n) return false;
  std::memcpy(&n, in->data(), sizeof n);
  in->remove_prefix(sizeof n);
  if (in->size() < n) return false;
  s->assign(in->substr(0, n));
  in->remove_prefix(n);
  return true;
}

std::string Serialize(bool ok, const PdfText& t, const Error& e) {
  std::string b;
  PutField(&b, ok ? "1" : "0");
  PutField(&b, e.code);
  PutField(&b, e.message);
  PutField(&b, t.title);
  PutField(&b, t.date);
  PutField(&b, std::to_string(t.pages));
  std::string starts;
  for (size_t s : t.page_starts) {
    uint64_t v = s;
    starts.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  PutField(&b, starts);
  PutField(&b, t.text);
  std::string ocr;
  for (int page : t.ocr_pages) ocr += std::to_string(page) + " ";
  PutField(&b, ocr);
  PutField(&b, std::to_string(t.ocr_skipped));
  PutField(&b, t.ocr_note);
  return b;
}

bool Deserialize(std::string_view in, bool* ok, PdfText* t, Error* e) {
  std::string flag, pages, starts, ocr, skipped;
  if (!GetField(&in, &flag) || !GetField(&in, &e->code) || !GetField(&in, &e->message) ||
      !GetField(&in, &t->title) || !GetField(&in, &t->date) || !GetField(&in, &pages) ||
      !GetField(&in, &starts) || !GetField(&in, &t->text) || !GetField(&in, &ocr) ||
      !GetField(&in, &skipped) || !GetField(&in, &t->ocr_note) || !in.empty()) {
    return false;
  }
  for (const char* p = ocr.c_str(); *p;) {
    char* end;
    long page = std::strtol(p, &end, 10);
    if (end == p) break;
    t->ocr_pages.push_back(static_cast<int>(page));
    p = end;
  }
  t->ocr_skipped = std::atoi(skipped.c_str());
  *ok = flag == "1";
  t->pages = std::atoi(pages.c_str());
  for (size_t k = 0; k + sizeof(uint64_t) <= starts.size(); k += sizeof(uint64_t)) {
    uint64_t v;
    std::memcpy(&v, starts.data() + k, sizeof v);
    t->page_starts.push_back(static_cast<size_t>(v));
  }
  return true;
}

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kUnderAsan = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kUnderAsan = true;
#else
constexpr bool kUnderAsan = false;
#endif
#else
constexpr bool kUnderAsan = false;
#endif

constexpr int kExitOutOfMemory = 86;
// What the child writes: kTagOcrPage bytes while it works, then kTagResult
// and the serialized result.
constexpr char kTagOcrPage = 'P', kTagResult = 'R';

// This process's resident set, in bytes (0 if unknown).
double ResidentBytes() {
  unsigned long size = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%lu %lu", &size, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

[[noreturn]] void RunChild(std::string_view bytes, const PdfOptions& options, int fd) {
  // Drop descriptors inherited from the parent (other workers' pipes among
  // them: holding their write ends would delay those workers' EOF).
  if (fd > 3) close_range(3, static_cast<unsigned>(fd) - 1, 0);
  close_range(static_cast<unsigned>(fd) + 1, ~0U, 0);
  int devnull = open("/dev/null", O_WRONLY);
  if (devnull >= 0) dup2(devnull, 2);
  // The hard limit leaves room for the soft one to grow per OCR'd page.
  rlim_t cpu_hard = static_cast<rlim_t>(options.cpu_seconds) + 1;
  if (options.ocr != OcrMode::kNever) {
    cpu_hard += static_cast<rlim_t>(std::max(0, options.max_ocr_pages)) * static_cast<rlim_t>(options.ocr_page_seconds);
  }
  rlimit cpu{static_cast<rlim_t>(options.cpu_seconds), cpu_hard};
  setrlimit(RLIMIT_CPU, &cpu);
  if (!kUnderAsan) {
    // The child starts with the parent's whole address space (thread stacks,
    // malloc arenas, loaded data), so the limit is on what it adds to that.
    size_t mapped = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
      unsigned long pages = 0;
      if (std::fscanf(f, "%lu", &pages) == 1) mapped = pages * static_cast<size_t>(sysconf(_SC_PAGESIZE));
      std::fclose(f);
    }
    rlim_t limit = static_cast<rlim_t>(mapped + options.max_memory);
    rlimit as{limit, limit};
    setrlimit(RLIMIT_AS, &as);
  }
  std::set_new_handler([] { _exit(kExitOutOfMemory); });
  switch (options.fault_for_test) {
    case 1:
      raise(SIGSEGV);
      break;
    case 2:
      for (;;) pause();
    case 3:
      for (;;) {
        void* p = std::malloc(size_t{16} << 20);
        if (!p) std::abort();  // as Poppler's gmalloc does
        std::memset(p, 1, size_t{16} << 20);
      }
    default:
      break;
  }
  auto write_all = [fd](std::string_view data) {
    for (size_t off = 0; off < data.size();) {
      ssize_t w = write(fd, data.data() + off, data.size() - off);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) _exit(1);
      off += static_cast<size_t>(w);
    }
  };
  // Before each OCR'd page: CPU used so far plus a page's allowance, and a
  // kTagOcrPage byte so the parent extends its wall-clock deadline.
  auto before_ocr_page = [&] {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    rlim_t used = static_cast<rlim_t>(u.ru_utime.tv_sec + u.ru_stime.tv_sec + 1);
    rlimit c{std::min(cpu_hard, used + static_cast<rlim_t>(options.ocr_page_seconds)), cpu_hard};
    setrlimit(RLIMIT_CPU, &c);
    write_all(std::string_view(&kTagOcrPage, 1));
  };
  PdfText text;
  Error error;
  bool ok = false;
  std::string blob(1, kTagResult);
  try {
    ok = ParsePdf(bytes, options, before_ocr_page, &text, &error);
    blob += Serialize(ok, text, error);
  } catch (const std::bad_alloc&) {
    _exit(kExitOutOfMemory);
  } catch (...) {
    _exit(1);
  }
  write_all(blob);
  _exit(0);
}

}  // namespace

int PageOfOffset(const std::vector<size_t>& page_starts, size_t offset) {
  auto it = std::upper_bound(page_starts.begin(), page_starts.end(), offset);
  return static_cast<int>(std::max<std::ptrdiff_t>(1, it - page_starts.begin()));
}

bool ExtractPdfText(std::string_view bytes, const PdfOptions& options, PdfText* out, Error* error) {
  *out = PdfText();
  *error = Error();
  if (!options.sandbox) {
    try {
      return ParsePdf(bytes, options, nullptr, out, error);
    } catch (...) {
      SetError(error, "pdf_crash", "Poppler threw while parsing");
      return false;
    }
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    SetError(error, "internal", std::string("pipe: ") + std::strerror(errno));
    return false;
  }
  const double parent_rss = ResidentBytes();
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]), close(fds[1]);
    SetError(error, "internal", std::string("fork: ") + std::strerror(errno));
    return false;
  }
  if (pid == 0) {
    close(fds[0]);
    RunChild(bytes, options, fds[1]);
  }
  close(fds[1]);
  using Clock = std::chrono::steady_clock;
  Clock::time_point deadline = Clock::now() + std::chrono::seconds(options.wall_seconds);
  int ocr_pages = 0;
  bool in_result = false;
  std::string blob;
  bool timed_out = false;
  char buf[1 << 16];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the child is done (or dead)
    size_t k = 0;
    while (!in_result && k < static_cast<size_t>(n)) {
      if (buf[k] == kTagOcrPage) {
        ++ocr_pages;
        deadline += std::chrono::seconds(options.ocr_page_seconds);
        ++k;
      } else {
        in_result = true;
        if (buf[k] == kTagResult) ++k;  // anything else: Deserialize fails on it
      }
    }
    blob.append(buf + k, static_cast<size_t>(n) - k);
  }
  close(fds[0]);
  int status = 0;
  rusage usage{};
  for (;;) {
    pid_t w = wait4(pid, &status, WNOHANG, &usage);
    if (w == pid) break;
    if (w < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (timed_out || Clock::now() >= deadline) {
      timed_out = true;
      kill(pid, SIGKILL);
      while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const std::string ocr_said =
      ocr_pages > 0 ? " (with " + std::to_string(ocr_pages) + " page(s) of OCR, " +
                          std::to_string(options.ocr_page_seconds) + " s each)"
                    : "";
  if (timed_out) {
    SetError(error, "timeout", "parsing the PDF took longer than " + std::to_string(options.wall_seconds) + " s" + ocr_said);
    return false;
  }
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    if (sig == SIGXCPU || sig == SIGKILL) {
      SetError(error, "timeout", "parsing the PDF used more than " + std::to_string(options.cpu_seconds) + " s of CPU" + ocr_said);
      return false;
    }
    // Poppler aborts when an allocation fails; a dying child that had filled
    // a good part of its address-space limit ran out of memory.
    double grown = static_cast<double>(usage.ru_maxrss) * 1024 - parent_rss;
    if (sig == SIGABRT && !kUnderAsan && grown >= 0.4 * static_cast<double>(options.max_memory)) {
      SetError(error, "too_large", "parsing the PDF needed more than the memory limit");
      return false;
    }
    SetError(error, "pdf_crash", std::string("the PDF parser died with signal ") + strsignal(sig));
    return false;
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == kExitOutOfMemory) {
    SetError(error, "too_large", "parsing the PDF needed more than the memory limit");
    return false;
  }
  bool ok = false;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !Deserialize(blob, &ok, out, error)) {
    *out = PdfText();
    SetError(error, "pdf_crash", "the PDF parser exited without a result");
    return false;
  }
  if (!ok) *out = PdfText();
  return ok;
}

}  // namespace chiso
