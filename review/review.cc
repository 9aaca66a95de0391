#include "review/review.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "core/document.h"
#include "core/splitmix64.h"
#include "corpus/pipeline.h"
#include "ingest/ingest.h"
#include "ingest/pdf.h"

namespace chiso {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// ---------------------------------------------------------------- helpers

std::string Str(const json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

// A JSON value for display: strings as is, numbers as JSON prints them,
// null/absent as "".
std::string Text(const json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object() || it->is_array()) return {};
  return it->dump();
}

size_t ArraySize(const json& j, const char* key) {
  if (!j.is_object()) return 0;
  auto it = j.find(key);
  return it != j.end() && it->is_array() ? it->size() : 0;
}

const json& Member(const json& j, const char* key) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

// JSON inside <script type="application/json">: no "<" at all, so no
// "</script>" can end the block early.
std::string ScriptJson(const json& j) {
  std::string s = j.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '<')
      out += "\\u003c";
    else
      out += c;
  }
  return out;
}

Status WriteFile(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::Error(path.string() + ": cannot write");
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) return Status::Error(path.string() + ": write failed");
  return Status::OK();
}

// Calls `fn(line_no, object)` for every non-blank line; stops at the first
// failure of parsing or of `fn`.
template <typename Fn>
Status ForEachJsonLine(const std::string& path, Fn&& fn) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error(path + ": cannot read");
  std::string line;
  size_t no = 0;
  while (std::getline(in, line)) {
    ++no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      return Status::Error(path + ":" + std::to_string(no) +
                           ": not a JSON object");
    }
    if (Status s = fn(no, j); !s.ok()) return s;
  }
  if (in.bad()) return Status::Error(path + ": read failed");
  return Status::OK();
}

size_t CountRecords(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) ++n;
  }
  return n;
}

// A seed draws the same sample on every platform and standard library.
struct Rng {
  uint64_t s;
  uint64_t Next() { return SplitMix64(&s); }
  size_t Below(size_t n) {
    return n == 0 ? 0 : static_cast<size_t>(Next() % n);
  }
};

const char* kTypes[] = {"score", "rank", "change", "count", "rate"};

// CSS class of a figure type (unknown types share one colour).
std::string TypeClass(const std::string& type) {
  for (const char* t : kTypes) {
    if (type == t) return std::string("t-") + t;
  }
  return "t-other";
}

std::string SubjectText(const json& subject) {
  std::string name = Str(subject, "name");
  if (!name.empty()) return name;
  return Str(subject, "kind");
}

// The figure's fields in words, for the tooltip and the sample page.
std::string FieldsText(const json& f) {
  std::string out;
  auto add = [&](const char* label, const std::string& v) {
    if (v.empty()) return;
    if (!out.empty()) out += " · ";
    out += label;
    out += ": ";
    out += v;
  };
  add("type", Str(f, "type"));
  add("value", Text(f, "value"));
  add("unit", Str(f, "unit"));
  add("scale", Text(f, "scale"));
  add("approx", Str(f, "approx"));
  add("indicator", Str(f, "indicator"));
  add("component", Str(f, "component"));
  add("subject", SubjectText(Member(f, "subject")));
  add("year", Text(f, "year"));
  add("out_of", Text(f, "out_of"));
  add("scope", Str(f, "scope"));
  add("direction", Str(f, "direction"));
  add("measure", Str(f, "measure"));
  add("from_year", Text(f, "from_year"));
  add("object", Str(f, "object"));
  add("status", Str(f, "status"));
  add("level", Str(f, "level"));
  add("page", Text(f, "page"));
  add("rule", Str(f, "rule"));
  add("confidence", Text(f, "confidence"));
  return out;
}

std::string PageHead(const std::string& title, const std::string& prefix,
                     const std::string& body_class,
                     const std::string& body_attrs = "") {
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, "
      "initial-scale=1\">\n"
      // Local files only: the CSP forbids any request off the site.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
      "'self' file:; "
      "img-src 'self' file: data:; connect-src 'none'\">\n<title>";
  h += EscapeHtml(title);
  h += "</title>\n<link rel=\"stylesheet\" href=\"" + prefix +
       "assets/review.css\">\n</head>\n<body class=\"" + body_class + "\"" +
       body_attrs +
       ">\n<a class=\"skip\" href=\"#main\">Bỏ qua đến nội dung</a>\n";
  return h;
}

std::string PageFoot(const std::string& prefix) {
  return "<script src=\"" + prefix +
         "assets/review.js\"></script>\n</body>\n</html>\n";
}

std::string Legend() {
  std::string s = "<p class=\"legend\" aria-label=\"Chú giải màu\">";
  for (const char* t : kTypes) {
    s += "<span class=\"sw t-" + std::string(t) + "\">" + t + "</span> ";
  }
  s += "</p>\n";
  return s;
}

// Marks the first occurrence of `text` in `sentence` (escaped); `mark_open`
// is the opening tag. Without an occurrence the mark follows the sentence.
std::string SentenceWithMark(const std::string& sentence,
                             const std::string& text,
                             const std::string& mark_open) {
  size_t at = text.empty() ? std::string::npos : sentence.find(text);
  if (at == std::string::npos) {
    return EscapeHtml(sentence) + " " + mark_open + EscapeHtml(text) +
           "</mark>";
  }
  return EscapeHtml(sentence.substr(0, at)) + mark_open + EscapeHtml(text) +
         "</mark>" + EscapeHtml(sentence.substr(at + text.size()));
}

// ------------------------------------------------------------ document text

struct SourceText {
  bool ok = false;
  std::string notice;  // why the text is not shown, or ""
  std::string text;    // normalized text, spans index it
  std::vector<std::pair<size_t, int>> page_marks;  // byte offset, page
};

// Finds the original file of a record and runs it through the pipeline.
SourceText LoadSource(const json& doc, const std::string& run_dir,
                      const ReviewOptions& o, const Pipeline* pipeline) {
  SourceText st;
  if (pipeline == nullptr) {
    st.notice = "Không có pipeline: chỉ hiển thị câu chứa số liệu.";
    return st;
  }
  const std::string path = Str(doc, "path");
  if (path.empty()) {
    st.notice = "Bản ghi không có doc.path.";
    return st;
  }
  std::vector<fs::path> candidates = {fs::path(path)};
  if (fs::path(path).is_relative()) {
    if (!o.source_root.empty())
      candidates.push_back(fs::path(o.source_root) / path);
    candidates.push_back(fs::path(run_dir) / path);
  }
  std::error_code ec;
  fs::path found;
  for (const fs::path& c : candidates) {
    if (fs::is_regular_file(c, ec)) {
      found = c;
      break;
    }
  }
  if (found.empty()) {
    st.notice =
        "Không tìm thấy tệp gốc " + path + ": chỉ hiển thị câu chứa số liệu.";
    return st;
  }
  Document d;
  LoadDocument(found.string(), Str(doc, "id"), IngestOptions{}, &d);
  if (d.failed()) {
    st.notice = "Không đọc được " + found.string() + ": " + d.error->message;
    return st;
  }
  const std::string sha = Str(doc, "sha256");
  if (!sha.empty() && sha != d.sha256) {
    st.notice = "Tệp " + found.string() +
                " đã thay đổi sau lần chạy (sha256 khác): chỉ hiển thị câu.";
    return st;
  }
  pipeline->Process(d);
  if (d.text.empty()) {
    st.notice = d.failed() ? "Tệp không xử lý được: " + d.error->message
                           : "Tệp không có văn bản.";
    return st;
  }
  if (d.format == Format::kPdf) {
    // Page starts are offsets into the PDF's converted text, which
    // source_map maps to; the first text offset at or past each is found by
    // bisection (ToSource is monotonic).
    PdfText pdf;
    Error err;
    if (ExtractPdfText(d.bytes, PdfOptions{}, &pdf, &err)) {
      for (size_t p = 0; p < pdf.page_starts.size(); ++p) {
        size_t lo = 0, hi = d.text.size();
        while (lo < hi) {
          size_t mid = lo + (hi - lo) / 2;
          if (d.source_map.ToSource(mid) >= pdf.page_starts[p])
            hi = mid;
          else
            lo = mid + 1;
        }
        while (lo < d.text.size() &&
               (static_cast<unsigned char>(d.text[lo]) & 0xC0) == 0x80)
          ++lo;
        if (p == 0) lo = 0;
        st.page_marks.push_back({lo, static_cast<int>(p + 1)});
      }
    }
  }
  st.text = std::move(d.text);
  st.ok = true;
  return st;
}

struct FigureView {
  size_t index = 0;  // ordinal in the record
  json fig;
  size_t begin = 0, end = 0;  // byte offsets into the text when located
  bool located = false;
};

std::string MarkOpen(const FigureView& v) {
  const std::string type = Str(v.fig, "type");
  const std::string n = std::to_string(v.index + 1);
  return "<mark id=\"h-" + n + "\" class=\"fig " + TypeClass(type) +
         "\" tabindex=\"0\" data-row=\"r-" + n + "\" data-fid=\"" +
         EscapeHtml(Str(v.fig, "id")) + "\" data-tip=\"" +
         EscapeHtml(FieldsText(v.fig)) + "\" aria-describedby=\"r-" + n + "\">";
}

// The text with nested <mark>s; a span overlapping the one still open is cut
// at its end so the HTML stays well nested.
std::string RenderText(const SourceText& st, std::vector<FigureView*> marks) {
  std::sort(marks.begin(), marks.end(),
            [](const FigureView* a, const FigureView* b) {
              if (a->begin != b->begin) return a->begin < b->begin;
              if (a->end != b->end) return a->end > b->end;
              return a->index < b->index;
            });
  const std::string& text = st.text;
  std::string out;
  out.reserve(text.size() + text.size() / 8 + marks.size() * 256);
  size_t pos = 0, pm = 0;
  auto emit_to = [&](size_t to) {
    while (pm < st.page_marks.size() && st.page_marks[pm].first <= to) {
      size_t at = std::max(pos, st.page_marks[pm].first);
      out += EscapeHtml(std::string_view(text).substr(pos, at - pos));
      pos = at;
      out += "<span class=\"page-marker\" role=\"separator\">— Trang " +
             std::to_string(st.page_marks[pm].second) + " —</span>";
      ++pm;
    }
    if (to > pos)
      out += EscapeHtml(std::string_view(text).substr(pos, to - pos));
    pos = std::max(pos, to);
  };
  std::vector<size_t> open;  // end offsets of open marks
  for (const FigureView* m : marks) {
    while (!open.empty() && open.back() <= m->begin) {
      emit_to(open.back());
      out += "</mark>";
      open.pop_back();
    }
    emit_to(m->begin);
    size_t end = m->end;
    if (!open.empty()) end = std::min(end, open.back());
    out += MarkOpen(*m);
    open.push_back(end);
  }
  while (!open.empty()) {
    emit_to(open.back());
    out += "</mark>";
    open.pop_back();
  }
  emit_to(text.size());
  return out;
}

// ------------------------------------------------------------------ sample

struct SampleItem {
  size_t doc_no = 0;
  std::string doc_id;
  json fig;
};

struct Stratum {
  size_t seen = 0, quota = 0;
  std::vector<SampleItem> reservoir;
};

// ------------------------------------------------------------ the builder

class SiteBuilder {
 public:
  SiteBuilder(const std::string& run_path, const ReviewOptions& o,
              const Pipeline* p, ReviewStats* stats)
      : run_path_(run_path), o_(o), pipeline_(p), stats_(*stats), rng_{o.seed} {
    run_dir_ = fs::path(run_path).parent_path().string();
    if (run_dir_.empty()) run_dir_ = ".";
    page_size_ = std::max<size_t>(1, o.page_size);
  }

  Status Build() {
    {
      std::ifstream probe(run_path_);
      if (!probe) return Status::Error(run_path_ + ": cannot read");
    }
    // Inputs first, so a bad one leaves no half-made folder.
    if (!o_.facts_path.empty()) {
      if (Status s = ReadConflicts(); !s.ok()) return s;
    }
    std::error_code ec;
    fs::create_directories(fs::path(o_.out_dir) / "docs", ec);
    if (ec) return Status::Error(o_.out_dir + ": " + ec.message());
    fs::create_directories(fs::path(o_.out_dir) / "data", ec);
    if (ec) return Status::Error(o_.out_dir + ": " + ec.message());
    fs::create_directories(fs::path(o_.out_dir) / "assets", ec);
    if (ec) return Status::Error(o_.out_dir + ": " + ec.message());
    for (const char* a : {"review.css", "review.js"}) {
      fs::copy_file(fs::path(o_.assets_dir) / a,
                    fs::path(o_.out_dir) / "assets" / a,
                    fs::copy_options::overwrite_existing, ec);
      if (ec)
        return Status::Error((fs::path(o_.assets_dir) / a).string() + ": " +
                             ec.message());
    }
    total_ = CountRecords(run_path_);
    pages_ = std::max<size_t>(1, (total_ + page_size_ - 1) / page_size_);
    Status s = ForEachJsonLine(
        run_path_, [&](size_t, const json& rec) { return AddRecord(rec); });
    if (!s.ok()) return s;
    if (Status w = FlushPageData(); !w.ok()) return w;
    if (Status w = FlushIndexPage(true); !w.ok()) return w;
    if (Status w = WriteFirstIndexPage(); !w.ok()) return w;
    if (o_.sample > 0) {
      if (Status w = WriteSample(); !w.ok()) return w;
    }
    stats_.index_pages = pages_;
    return Status::OK();
  }

 private:
  Status ReadConflicts() {
    return ForEachJsonLine(o_.facts_path, [&](size_t, const json& rec) {
      if (Str(rec, "record") != "conflict") return Status::OK();
      for (const json& v : Member(rec, "values").is_array()
                               ? Member(rec, "values")
                               : json::array()) {
        for (const json& src : Member(v, "sources").is_array()
                                   ? Member(v, "sources")
                                   : json::array()) {
          std::string id = Str(src, "doc");
          if (!id.empty()) doc_numbers_.emplace(id, 0);
        }
      }
      conflicts_.push_back(rec);
      return Status::OK();
    });
  }

  Status AddRecord(const json& rec) {
    const size_t n = ++stats_.documents;
    const json& doc = Member(rec, "doc");
    const std::string id = Str(doc, "id");
    if (auto it = doc_numbers_.find(id);
        it != doc_numbers_.end() && it->second == 0)
      it->second = n;
    const json& figs = Member(rec, "figures");
    const size_t nfig = figs.is_array() ? figs.size() : 0;
    const size_t nwarn = ArraySize(rec, "warnings");
    const json& error = Member(rec, "error");
    const std::string error_code = error.is_object() ? Str(error, "code") : "";
    stats_.figures += nfig;
    stats_.warnings += nwarn;
    stats_.errors += error.is_object() ? 1 : 0;

    // Index row.
    std::string& rows = n <= page_size_ ? first_rows_ : rows_;
    rows += "<tr data-errors=\"" + std::string(error.is_object() ? "1" : "0") +
            "\" data-warnings=\"" + std::to_string(nwarn) + "\"><td>" +
            std::to_string(n) + "</td><td><a href=\"docs/" + std::to_string(n) +
            ".html\">" + EscapeHtml(id.empty() ? "(không có id)" : id) +
            "</a></td><td>" + EscapeHtml(Str(doc, "title")) + "</td><td>" +
            EscapeHtml(Str(doc, "date")) + "</td><td>" + std::to_string(nfig) +
            "</td><td>" + std::to_string(nwarn) + "</td><td>" +
            (error.is_object()
                 ? "<span class=\"err\">" + EscapeHtml(error_code) + "</span>"
                 : std::string()) +
            "</td></tr>\n";
    page_data_.push_back({n, id, Str(doc, "title"), Str(doc, "date"), nfig,
                          nwarn, error_code});
    if (n % page_size_ == 0) {
      if (Status s = FlushPageData(); !s.ok()) return s;
    }
    if (n > page_size_ && (n - 1) % page_size_ == page_size_ - 1) {
      if (Status s = FlushIndexPage(false); !s.ok()) return s;
    }

    // Sample reservoirs, one per (type, rule).
    if (o_.sample > 0 && figs.is_array()) {
      for (const json& f : figs) {
        if (!f.is_object()) continue;
        Stratum& st = strata_[Str(f, "type") + "\x1f" + Str(f, "rule")];
        ++st.seen;
        if (st.reservoir.size() < o_.sample) {
          st.reservoir.push_back({n, id, f});
        } else {
          size_t j = rng_.Below(st.seen);
          if (j < o_.sample) st.reservoir[j] = {n, id, f};
        }
      }
    }
    return WriteDocPage(n, rec);
  }

  std::string Pager(size_t page) const {
    if (pages_ <= 1) return {};
    std::string s = "<nav class=\"pager\" aria-label=\"Trang danh sách\"><ul>";
    auto name = [](size_t p) {
      return p == 1 ? std::string("index.html")
                    : "index-" + std::to_string(p) + ".html";
    };
    // First, last, and a window around the current page.
    for (size_t p = 1; p <= pages_; ++p) {
      if (p != 1 && p != pages_ && (p + 3 < page || p > page + 3)) continue;
      s += "<li><a href=\"" + name(p) + "\"" +
           (p == page ? " aria-current=\"page\"" : "") + ">" +
           std::to_string(p) + "</a></li>";
    }
    s += "</ul></nav>\n";
    return s;
  }

  std::string DocsTable(size_t page, const std::string& rows) const {
    size_t first = (page - 1) * page_size_ + 1;
    size_t last = std::min(total_, page * page_size_);
    std::string range = total_ == 0 ? std::string("0")
                                    : std::to_string(first) + "–" +
                                          std::to_string(last) + " / " +
                                          std::to_string(total_);
    std::string s =
        "<section id=\"documents\" aria-labelledby=\"docs-h\">\n<h2 "
        "id=\"docs-h\">Tài liệu " +
        range + " (trang " + std::to_string(page) + "/" +
        std::to_string(pages_) + ")</h2>\n";
    s += Pager(page);
    s += "<div class=\"controls\"><label>Lọc: <input id=\"filter\" "
         "type=\"search\" "
         "placeholder=\"id, tiêu đề, mã lỗi\"></label> <label><input "
         "id=\"only-errors\" type=\"checkbox\"> "
         "chỉ tài liệu lỗi</label> <label><input id=\"only-warnings\" "
         "type=\"checkbox\"> chỉ tài liệu có cảnh "
         "báo</label> ";
    if (pages_ > 1) {
      s += "<label><input id=\"all-pages\" type=\"checkbox\" data-pages=\"" +
           std::to_string(pages_) + "\"> tìm trong cả " +
           std::to_string(pages_) + " trang</label> ";
    }
    s += "<span id=\"shown\" aria-live=\"polite\"></span></div>\n";
    if (pages_ > 1) {
      s += "<div id=\"all-results\" hidden><table id=\"all-docs\"><caption>Kết "
           "quả trong mọi trang</caption><thead><tr><th scope=\"col\">#</th><th "
           "scope=\"col\">id</th><th scope=\"col\">Tiêu đề</th><th "
           "scope=\"col\">Ngày</th><th scope=\"col\">Số liệu</th><th "
           "scope=\"col\">Cảnh báo</th><th "
           "scope=\"col\">Lỗi</th></tr></thead><tbody></tbody></table></div>\n";
    }
    s += "<table id=\"docs\" class=\"sortable\"><caption>Bấm tiêu đề cột để "
         "sắp xếp (trong trang "
         "này)</caption><thead><tr>";
    const char* cols[][2] = {{"#", "num"},        {"id", "text"},
                             {"Tiêu đề", "text"}, {"Ngày", "text"},
                             {"Số liệu", "num"},  {"Cảnh báo", "num"},
                             {"Lỗi", "text"}};
    for (size_t c = 0; c < std::size(cols); ++c) {
      s += "<th scope=\"col\" aria-sort=\"none\"><button type=\"button\" "
           "data-col=\"" +
           std::to_string(c) + "\" data-kind=\"" + cols[c][1] + "\">" +
           cols[c][0] + "</button></th>";
    }
    s += "</tr></thead>\n<tbody>\n" + rows + "</tbody></table>\n";
    s += Pager(page);
    s += "</section>\n";
    return s;
  }

  std::string Summary() const {
    return "<p class=\"summary\">" + std::to_string(stats_.documents) +
           " tài liệu · " + std::to_string(stats_.figures) + " số liệu · " +
           std::to_string(stats_.warnings) + " cảnh báo · " +
           std::to_string(stats_.errors) + " lỗi" +
           (o_.sample > 0 ? " · <a href=\"sample.html\">Mẫu kiểm tra</a>"
                          : std::string()) +
           "</p>\n";
  }

  // data/rows-<p>.js: the rows of index page p as data, loaded on demand by
  // the index's "search every page" (script tags work from file://, fetch
  // does not).
  Status FlushPageData() {
    if (page_data_.empty()) return Status::OK();
    size_t page = (stats_.documents - 1) / page_size_ + 1;
    std::string js = "chisoRows(" + std::to_string(page) + ", " +
                     ScriptJson(page_data_) + ");\n";
    page_data_ = json::array();
    return WriteFile(fs::path(o_.out_dir) / "data" /
                         ("rows-" + std::to_string(page) + ".js"),
                     js);
  }

  Status FlushIndexPage(bool final) {
    if (rows_.empty()) return Status::OK();
    if (final && stats_.documents <= page_size_) return Status::OK();
    size_t page = (stats_.documents - 1) / page_size_ + 1;
    std::string h = PageHead(
        "chiso · tài liệu (trang " + std::to_string(page) + ")", "", "index");
    h += "<main id=\"main\">\n<h1>chiso · duyệt kết quả</h1>\n";
    h += DocsTable(page, rows_);
    h += "</main>\n" + PageFoot("");
    rows_.clear();
    return WriteFile(
        fs::path(o_.out_dir) / ("index-" + std::to_string(page) + ".html"), h);
  }

  std::string DocLink(const std::string& doc_id, const std::string& fid) const {
    auto it = doc_numbers_.find(doc_id);
    if (it == doc_numbers_.end() || it->second == 0) return EscapeHtml(doc_id);
    return "<a href=\"docs/" + std::to_string(it->second) + ".html" +
           (fid.empty() ? std::string() : "#fid=" + EscapeHtml(fid)) + "\">" +
           EscapeHtml(doc_id) + "</a>";
  }

  std::string ConflictsSection() const {
    std::string s =
        "<section id=\"conflicts\" aria-labelledby=\"conflicts-h\">\n<h2 "
        "id=\"conflicts-h\">Mâu thuẫn giữa "
        "các nguồn (" +
        std::to_string(conflicts_.size()) + ")</h2>\n";
    if (conflicts_.empty()) s += "<p>Không có mâu thuẫn.</p>\n";
    for (const json& k : conflicts_) {
      const bool explained = Member(k, "explained").is_boolean() &&
                             Member(k, "explained").get<bool>();
      s += "<article class=\"conflict\"><h3><span class=\"kind\">" +
           EscapeHtml(Str(k, "kind")) + "</span> " + "<code>" +
           EscapeHtml(Str(k, "id")) + "</code></h3>\n<p class=\"" +
           (explained ? "explained\">Đã giải thích"
                      : "unexplained\">Chưa giải thích") +
           "</p>\n";
      const json& values = Member(k, "values");
      if (values.is_array() && !values.empty()) {
        s += "<div class=\"sides\">\n";
        for (const json& v : values) {
          const bool chosen = Member(v, "chosen").is_boolean() &&
                              Member(v, "chosen").get<bool>();
          s += "<div class=\"side" + std::string(chosen ? " chosen" : "") +
               "\"><p class=\"v\">" + EscapeHtml(Text(v, "value")) +
               (chosen ? " <span class=\"tag\">được chọn</span>" : "") + "</p>";
          s += "<p class=\"meta\">" + EscapeHtml(Text(v, "docs")) + " tài liệu";
          if (!Str(v, "explanation").empty()) {
            s += " · <strong>" + EscapeHtml(Str(v, "explanation")) +
                 "</strong>: " + EscapeHtml(Str(v, "explanation_detail"));
          }
          s += "</p><ul class=\"sources\">";
          const json& srcs = Member(v, "sources");
          for (const json& src : srcs.is_array() ? srcs : json::array()) {
            s += "<li><p class=\"src\">" +
                 DocLink(Str(src, "doc"), Str(src, "figure")) + " · giá trị " +
                 EscapeHtml(Text(src, "value")) +
                 (Text(src, "year").empty()
                      ? ""
                      : " · năm " + EscapeHtml(Text(src, "year"))) +
                 "</p><p class=\"sent\">" +
                 SentenceWithMark(Str(src, "sentence"), Str(src, "text"),
                                  "<mark class=\"src-text\">") +
                 "</p></li>";
          }
          s += "</ul></div>\n";
        }
        s += "</div>\n";
      } else {
        // rank_score_inversion, parts_exceed_total: their detail as listed.
        json rest = json::object();
        for (auto it = k.begin(); it != k.end(); ++it) {
          if (it.key() != "schema" && it.key() != "record" &&
              it.key() != "id" && it.key() != "kind" &&
              it.key() != "explained") {
            rest[it.key()] = it.value();
          }
        }
        s += "<pre class=\"detail\">" +
             EscapeHtml(
                 rest.dump(2, ' ', false, json::error_handler_t::replace)) +
             "</pre>\n";
      }
      s += "</article>\n";
    }
    s += "</section>\n";
    return s;
  }

  Status WriteFirstIndexPage() {
    std::string h = PageHead("chiso · duyệt kết quả", "", "index");
    h += "<main id=\"main\">\n<h1>chiso · duyệt kết quả</h1>\n" + Summary();
    if (!o_.facts_path.empty()) h += ConflictsSection();
    h += DocsTable(1, first_rows_);
    h += "</main>\n" + PageFoot("");
    stats_.conflicts = conflicts_.size();
    return WriteFile(fs::path(o_.out_dir) / "index.html", h);
  }

  Status WriteDocPage(size_t n, const json& rec) {
    const json& doc = Member(rec, "doc");
    const std::string id = Str(doc, "id");
    const std::string title = Str(doc, "title");
    const json& error = Member(rec, "error");
    const json& figs = Member(rec, "figures");

    std::vector<FigureView> views;
    if (figs.is_array()) {
      views.reserve(figs.size());
      for (size_t i = 0; i < figs.size(); ++i) {
        if (figs[i].is_object()) views.push_back({i, figs[i], 0, 0, false});
      }
    }

    SourceText src;
    if (!error.is_object() || !views.empty())
      src = LoadSource(doc, run_dir_, o_, pipeline_);
    if (!src.ok && !error.is_object()) ++stats_.sources_missing;
    std::vector<FigureView*> located;
    if (src.ok) {
      // Code points -> bytes once; a span is used only when it slices the
      // figure's own text out of this text.
      std::vector<size_t> cp;
      cp.reserve(src.text.size() + 1);
      for (size_t i = 0; i < src.text.size(); ++i) {
        if ((static_cast<unsigned char>(src.text[i]) & 0xC0) != 0x80)
          cp.push_back(i);
      }
      cp.push_back(src.text.size());
      for (FigureView& v : views) {
        const json& span = Member(v.fig, "span");
        if (!span.is_array() || span.size() != 2 ||
            !span[0].is_number_unsigned() || !span[1].is_number_unsigned()) {
          continue;
        }
        size_t a = span[0].get<size_t>(), b = span[1].get<size_t>();
        if (a > b || b >= cp.size()) continue;
        v.begin = cp[a];
        v.end = cp[b];
        const std::string want = Str(v.fig, "text");
        if (!want.empty() &&
            src.text.compare(v.begin, v.end - v.begin, want) != 0)
          continue;
        v.located = true;
        located.push_back(&v);
      }
      stats_.highlights += located.size();
    }

    const std::string heading = title.empty() ? id : title;
    std::string h = PageHead(heading + " · chiso", "../", "doc");
    h += "<header>\n<nav class=\"crumbs\" aria-label=\"Điều hướng\"><a "
         "href=\"../" +
         IndexPageOf(n) + "\">Danh sách tài liệu</a>";
    if (n > 1)
      h += " · <a href=\"" + std::to_string(n - 1) +
           ".html\" rel=\"prev\">← Trước</a>";
    if (n < total_)
      h += " · <a href=\"" + std::to_string(n + 1) +
           ".html\" rel=\"next\">Sau →</a>";
    h += "</nav>\n<h1>" +
         EscapeHtml(heading.empty() ? "(không có id)" : heading) +
         "</h1>\n<dl class=\"docmeta\">";
    auto meta = [&](const char* label, const std::string& v) {
      if (!v.empty())
        h +=
            "<dt>" + std::string(label) + "</dt><dd>" + EscapeHtml(v) + "</dd>";
    };
    meta("id", id);
    meta("Đường dẫn", Str(doc, "path"));
    meta("Định dạng", Str(doc, "format"));
    meta("Mã hoá", Str(doc, "encoding"));
    meta("Ngày", Str(doc, "date"));
    meta("Chủ thể", SubjectText(Member(doc, "subject")));
    meta("Số trang", Text(doc, "pages"));
    meta("sha256", Str(doc, "sha256"));
    h += "</dl>\n</header>\n<main id=\"main\">\n";
    if (error.is_object()) {
      h += "<section class=\"error\" role=\"alert\"><h2>Lỗi</h2><p><code>" +
           EscapeHtml(Str(error, "code")) + "</code> " +
           EscapeHtml(Str(error, "message")) + "</p></section>\n";
    }
    const json& warnings = Member(rec, "warnings");
    if (warnings.is_array() && !warnings.empty()) {
      h += "<section class=\"warnings\"><h2>Cảnh báo (" +
           std::to_string(warnings.size()) + ")</h2><ul>";
      for (const json& w : warnings) {
        h += "<li><code>" + EscapeHtml(Str(w, "code")) + "</code> " +
             EscapeHtml(Str(w, "message"));
        if (!Str(w, "figure").empty()) {
          h +=
              " <a class=\"wfig\" href=\"#fid=" + EscapeHtml(Str(w, "figure")) +
              "\">(" + EscapeHtml(Str(w, "figure")) + ")</a>";
        }
        h += "</li>";
      }
      h += "</ul></section>\n";
    }
    if (!src.notice.empty())
      h += "<p class=\"notice\" role=\"status\">" + EscapeHtml(src.notice) +
           "</p>\n";
    h += Legend();
    h += "<div class=\"doc-layout\">\n<section class=\"text\" "
         "aria-labelledby=\"text-h\"><h2 id=\"text-h\">Văn "
         "bản</h2>\n";
    if (src.ok)
      h += "<div class=\"doctext\">" + RenderText(src, located) + "</div>\n";
    bool any_unlocated =
        std::any_of(views.begin(), views.end(),
                    [](const FigureView& v) { return !v.located; });
    if (any_unlocated) {
      h += "<div class=\"unlocated\"><h3>Số liệu hiển thị trong câu</h3><ol>";
      for (const FigureView& v : views) {
        if (v.located) continue;
        h += "<li><p class=\"sent\">" +
             SentenceWithMark(Str(v.fig, "sentence"), Str(v.fig, "text"),
                              MarkOpen(v)) +
             "</p></li>";
      }
      h += "</ol></div>\n";
    }
    h += "</section>\n<aside class=\"figs\" aria-labelledby=\"figs-h\"><h2 "
         "id=\"figs-h\">Số liệu (" +
         std::to_string(views.size()) + ")</h2>\n";
    if (!views.empty()) {
      h += "<table id=\"figtable\"><thead><tr><th scope=\"col\">id</th><th "
           "scope=\"col\">Loại</th><th "
           "scope=\"col\">Giá trị</th><th scope=\"col\">Chỉ số</th><th "
           "scope=\"col\">Chủ thể</th><th "
           "scope=\"col\">Năm</th><th scope=\"col\">Văn bản</th><th "
           "scope=\"col\">Luật</th></tr></thead><tbody>\n";
      for (const FigureView& v : views) {
        const std::string k = std::to_string(v.index + 1);
        const std::string type = Str(v.fig, "type");
        h += "<tr id=\"r-" + k +
             "\" class=\"figrow\" tabindex=\"0\" data-target=\"h-" + k +
             "\" title=\"" + EscapeHtml(FieldsText(v.fig)) + "\"><td>" +
             EscapeHtml(Str(v.fig, "id")) + "</td><td><span class=\"sw " +
             TypeClass(type) + "\">" + EscapeHtml(type) + "</span></td><td>" +
             EscapeHtml(Text(v.fig, "value")) + "</td><td>" +
             EscapeHtml(Str(v.fig, "indicator")) + "</td><td>" +
             EscapeHtml(SubjectText(Member(v.fig, "subject"))) + "</td><td>" +
             EscapeHtml(Text(v.fig, "year")) + "</td><td>" +
             EscapeHtml(Str(v.fig, "text")) + "</td><td>" +
             EscapeHtml(Str(v.fig, "rule")) + "</td></tr>\n";
      }
      h += "</tbody></table>\n";
    } else {
      h += "<p>Không có số liệu.</p>\n";
    }
    h += "</aside>\n</div>\n</main>\n" + PageFoot("../");
    return WriteFile(
        fs::path(o_.out_dir) / "docs" / (std::to_string(n) + ".html"), h);
  }

  std::string IndexPageOf(size_t n) const {
    size_t page = (n - 1) / page_size_ + 1;
    return page == 1 ? "index.html" : "index-" + std::to_string(page) + ".html";
  }

  // Quotas: one per stratum first (strata in random order when the sample
  // is smaller than their number), then seat by seat to the stratum with the
  // most figures per seat (D'Hondt), never above what a stratum holds.
  std::vector<SampleItem> DrawSample() {
    std::vector<Stratum*> order;
    for (auto& [key, st] : strata_) order.push_back(&st);
    for (size_t i = order.size(); i > 1; --i)
      std::swap(order[i - 1], order[rng_.Below(i)]);
    size_t budget = o_.sample;
    for (Stratum* st : order) {
      if (budget == 0) break;
      st->quota = 1;
      --budget;
    }
    while (budget > 0) {
      Stratum* best = nullptr;
      double best_q = -1;
      for (Stratum* st : order) {
        if (st->quota >= st->reservoir.size()) continue;
        double q =
            static_cast<double>(st->seen) / static_cast<double>(st->quota + 1);
        if (q > best_q) {
          best_q = q;
          best = st;
        }
      }
      if (best == nullptr) break;
      ++best->quota;
      --budget;
    }
    std::vector<SampleItem> out;
    for (auto& [key, st] : strata_) {  // map order: deterministic
      auto& r = st.reservoir;
      for (size_t i = r.size(); i > 1; --i)
        std::swap(r[i - 1], r[rng_.Below(i)]);
      for (size_t i = 0; i < st.quota && i < r.size(); ++i)
        out.push_back(std::move(r[i]));
    }
    for (size_t i = out.size(); i > 1; --i)
      std::swap(out[i - 1], out[rng_.Below(i)]);
    return out;
  }

  Status WriteSample() {
    std::vector<SampleItem> items = DrawSample();
    stats_.sampled = items.size();
    json data = json::array();
    std::string list;
    for (size_t i = 0; i < items.size(); ++i) {
      const SampleItem& it = items[i];
      const json& f = it.fig;
      const std::string fid = Str(f, "id");
      data.push_back({{"doc", it.doc_id},
                      {"figure", fid},
                      {"type", Str(f, "type")},
                      {"rule", Str(f, "rule")},
                      {"value", Member(f, "value")},
                      {"text", Str(f, "text")},
                      {"sentence", Str(f, "sentence")}});
      const std::string k = std::to_string(i + 1);
      list += "<li class=\"item\" id=\"s-" + k +
              "\" tabindex=\"-1\" data-i=\"" + std::to_string(i) +
              "\" aria-labelledby=\"s-" + k + "-h\"><p class=\"meta\" id=\"s-" +
              k + "-h\"><span class=\"sw " + TypeClass(Str(f, "type")) + "\">" +
              EscapeHtml(Str(f, "type")) + "</span> <code>" +
              EscapeHtml(Str(f, "rule")) + "</code> · <a href=\"docs/" +
              std::to_string(it.doc_no) + ".html#fid=" + EscapeHtml(fid) +
              "\">" + EscapeHtml(it.doc_id) + " · " + EscapeHtml(fid) +
              "</a></p><p class=\"fields\">" + EscapeHtml(FieldsText(f)) +
              "</p><p class=\"sent\">" +
              SentenceWithMark(
                  Str(f, "sentence"), Str(f, "text"),
                  "<mark class=\"fig " + TypeClass(Str(f, "type")) + "\">") +
              "</p><div class=\"verdict\" role=\"group\" aria-label=\"Đánh giá "
              "số liệu " +
              k +
              "\"><button type=\"button\" data-v=\"correct\" "
              "aria-pressed=\"false\">Đúng (c)</button> "
              "<button type=\"button\" data-v=\"wrong\" "
              "aria-pressed=\"false\">Sai (w)</button> "
              "<button type=\"button\" data-v=\"unsure\" "
              "aria-pressed=\"false\">Không chắc (u)</button> "
              "<span class=\"state\" aria-live=\"polite\"></span></div></li>\n";
    }
    // Verdicts of different runs or samples must not mix in localStorage.
    uint64_t h = 1469598103934665603ull;
    for (char c : fs::absolute(run_path_).string() + "|" +
                      std::to_string(o_.seed) + "|" +
                      std::to_string(o_.sample)) {
      h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    }
    char store[32];
    std::snprintf(store, sizeof store, "%016llx",
                  static_cast<unsigned long long>(h));
    std::string page = PageHead("chiso · mẫu kiểm tra", "", "sample",
                                std::string(" data-store=\"") + store + "\"");
    page +=
        "<main id=\"main\">\n<nav class=\"crumbs\"><a href=\"index.html\">Danh "
        "sách tài liệu</a></nav>\n"
        "<h1>Mẫu kiểm tra: " +
        std::to_string(items.size()) + " số liệu (seed " +
        std::to_string(o_.seed) +
        ")</h1>\n<p class=\"help\">Phím: <kbd>j</kbd>/<kbd>↓</kbd> số liệu "
        "tiếp, <kbd>k</kbd>/<kbd>↑</kbd> "
        "trước, <kbd>c</kbd> đúng, <kbd>w</kbd> sai, <kbd>u</kbd> không chắc. "
        "Kết quả được lưu trong trình "
        "duyệt.</p>\n<p><span id=\"progress\" aria-live=\"polite\"></span> · "
        "<a id=\"export\" "
        "href=\"#\" download=\"verdicts.jsonl\">Xuất kết quả (JSON "
        "Lines)</a></p>\n";
    page += "<script type=\"application/json\" id=\"sample-data\">" +
            ScriptJson(data) + "</script>\n";
    page += "<ol id=\"sample\">\n" + list + "</ol>\n</main>\n" + PageFoot("");
    return WriteFile(fs::path(o_.out_dir) / "sample.html", page);
  }

  const std::string run_path_;
  const ReviewOptions& o_;
  const Pipeline* pipeline_;
  ReviewStats& stats_;
  Rng rng_;
  std::string run_dir_;
  size_t page_size_ = 1000, total_ = 0, pages_ = 1;
  std::string first_rows_, rows_;
  json page_data_ = json::array();
  std::vector<json> conflicts_;
  std::unordered_map<std::string, size_t>
      doc_numbers_;  // conflict doc ids -> page number
  std::map<std::string, Stratum> strata_;
};

}  // namespace

std::string EscapeHtml(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 16);
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Status BuildReviewSite(const std::string& run_path,
                       const ReviewOptions& options, const Pipeline* pipeline,
                       ReviewStats* stats) {
  if (options.out_dir.empty()) return Status::Error("review: no output folder");
  ReviewStats local;
  SiteBuilder b(run_path, options, pipeline, &local);
  Status s = b.Build();
  if (stats) *stats = local;
  return s;
}

Interval WilsonInterval(size_t successes, size_t n, double z) {
  if (n == 0) return {0, 1};
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(std::min(successes, n)) / nn;
  const double z2 = z * z;
  const double denom = 1 + z2 / nn;
  const double center = (p + z2 / (2 * nn)) / denom;
  const double half =
      z / denom * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
  return {std::max(0.0, center - half), std::min(1.0, center + half)};
}

double VerdictCounts::precision() const {
  size_t n = correct + wrong;
  return n == 0 ? 0 : static_cast<double>(correct) / static_cast<double>(n);
}

Interval VerdictCounts::interval() const {
  return WilsonInterval(correct, correct + wrong);
}

Status SummarizeVerdicts(const std::string& verdicts_path,
                         const std::string& run_path, VerdictReport* out) {
  struct V {
    std::string doc, figure, type, rule, text, sentence, verdict;
  };
  std::vector<V> list;
  std::unordered_map<std::string, size_t>
      by_key;  // doc \x1f figure -> index in list
  VerdictReport r;
  Status s = ForEachJsonLine(verdicts_path, [&](size_t, const json& j) {
    ++r.lines;
    V v{Str(j, "doc"),  Str(j, "figure"),   Str(j, "type"),   Str(j, "rule"),
        Str(j, "text"), Str(j, "sentence"), Str(j, "verdict")};
    if (v.doc.empty() || v.figure.empty() ||
        (v.verdict != "correct" && v.verdict != "wrong" &&
         v.verdict != "unsure")) {
      ++r.ignored;
      return Status::OK();
    }
    std::string key = v.doc + "\x1f" + v.figure;
    if (auto it = by_key.find(key); it != by_key.end()) {
      list[it->second] = std::move(v);
    } else {
      by_key.emplace(key, list.size());
      list.push_back(std::move(v));
    }
    return Status::OK();
  });
  if (!s.ok()) return s;
  if (!run_path.empty()) {
    s = ForEachJsonLine(run_path, [&](size_t, const json& rec) {
      const std::string id = Str(Member(rec, "doc"), "id");
      const json& figs = Member(rec, "figures");
      if (!figs.is_array()) return Status::OK();
      for (const json& f : figs) {
        auto it = by_key.find(id + "\x1f" + Str(f, "id"));
        if (it == by_key.end()) continue;
        V& v = list[it->second];
        if (v.type.empty()) v.type = Str(f, "type");
        if (v.rule.empty()) v.rule = Str(f, "rule");
        if (v.text.empty()) v.text = Str(f, "text");
        if (v.sentence.empty()) v.sentence = Str(f, "sentence");
      }
      return Status::OK();
    });
    if (!s.ok()) return s;
  }
  for (const V& v : list) {
    auto count = [&](VerdictCounts& c) {
      if (v.verdict == "correct")
        ++c.correct;
      else if (v.verdict == "wrong")
        ++c.wrong;
      else
        ++c.unsure;
    };
    count(r.all);
    count(r.by_type[v.type.empty() ? "(unknown)" : v.type]);
    count(r.by_rule[v.rule.empty() ? "(unknown)" : v.rule]);
    if (v.verdict == "wrong")
      r.wrong.push_back({v.doc, v.figure, v.type, v.rule, v.text, v.sentence});
  }
  *out = std::move(r);
  return Status::OK();
}

std::string FormatVerdictReport(const VerdictReport& r) {
  std::ostringstream o;
  char buf[512];
  auto table = [&](const char* title,
                   const std::map<std::string, VerdictCounts>& m) {
    size_t w = std::strlen(title);
    for (const auto& [k, c] : m) w = std::max(w, k.size());
    std::snprintf(buf, sizeof buf, "%-*s %7s %7s %7s %9s  %s\n",
                  static_cast<int>(w), title, "correct", "wrong", "unsure",
                  "precision", "95% Wilson");
    o << buf;
    auto row = [&](const std::string& k, const VerdictCounts& c) {
      Interval iv = c.interval();
      if (c.correct + c.wrong == 0) {
        std::snprintf(buf, sizeof buf, "%-*s %7zu %7zu %7zu %9s  %s\n",
                      static_cast<int>(w), k.c_str(), c.correct, c.wrong,
                      c.unsure, "-", "-");
      } else {
        std::snprintf(buf, sizeof buf,
                      "%-*s %7zu %7zu %7zu %9.3f  [%.3f, %.3f]\n",
                      static_cast<int>(w), k.c_str(), c.correct, c.wrong,
                      c.unsure, c.precision(), iv.lo, iv.hi);
      }
      o << buf;
    };
    for (const auto& [k, c] : m) row(k, c);
    row("all", r.all);
    o << "\n";
  };
  o << "Precision from " << (r.all.correct + r.all.wrong + r.all.unsure)
    << " verdicts (unsure not counted";
  if (r.ignored > 0) o << "; " << r.ignored << " lines ignored";
  o << ")\n\n";
  table("type", r.by_type);
  table("rule", r.by_rule);
  o << "Wrong figures (" << r.wrong.size() << ")\n";
  for (const auto& w : r.wrong) {
    o << "  " << w.doc << " " << w.figure << " " << w.type << " " << w.rule
      << " \"" << w.text << "\"\n";
    if (!w.sentence.empty()) o << "      " << w.sentence << "\n";
  }
  return o.str();
}

}  // namespace chiso
