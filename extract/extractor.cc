#include "extract/extractor.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <thread>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>

#include "core/fold.h"
#include "core/swar.h"
#include "extract/gazetteer.h"
#include "extract/lexicon.h"
#include "extract/rules.h"
#include "extract/scan_text.h"

namespace chiso {

// Per-thread scratch, reused across documents so the hot path does not
// allocate per figure.
struct Extractor::Scratch {
  ScanText scan;
  std::vector<Mention> entities;
  std::vector<LexMention> words;
  std::vector<YearMention> years;
  std::vector<Candidate> candidates;
};

namespace {

bool IsSubjectEntity(const Mention& m) {
  return m.entity->kind == EntityKind::kProvince || m.entity->kind == EntityKind::kMinistry ||
         m.entity->kind == EntityKind::kRegion;
}

// Lines that end an article's body on news sites: what follows is other
// articles, comments and menus.
constexpr const char* kTailMarkers[] = {
    "tin mới", "tin liên quan", "bài liên quan", "cùng chuyên mục", "tin cùng chuyên mục",
    "tin khác", "các tin khác", "tin đã đưa", "xem thêm", "đọc thêm", "bình luận",
    "(0) bình luận", "ý kiến bạn đọc", "gửi bình luận", "tin bài liên quan", "tin nổi bật",
    "có thể bạn quan tâm", "tin đọc nhiều", "đọc nhiều nhất"};

// The byte offset where the article body ends: the first paragraph, past the
// first third of the text, that is a tail marker.
size_t ContentEnd(const Document& doc) {
  for (const Span& p : doc.paragraphs) {
    if (p.begin * 3 < doc.text.size()) continue;
    std::string_view line = doc.Slice(p);
    if (line.size() > 40) continue;
    std::string folded = FoldVietnamese(line);
    while (!folded.empty() && (folded.back() == ':' || folded.back() == ' ')) folded.pop_back();
    static const std::vector<std::string> markers = [] {
      std::vector<std::string> v;
      for (const char* m : kTailMarkers) v.push_back(FoldVietnamese(m));
      return v;
    }();
    for (const std::string& m : markers) {
      if (folded == m) return p.begin;
    }
  }
  return doc.text.size();
}

size_t IndexOf(const std::vector<Span>& spans, size_t pos) {
  auto it = std::upper_bound(spans.begin(), spans.end(), pos,
                             [](size_t p, const Span& s) { return p < s.begin; });
  if (it == spans.begin()) return spans.size();
  size_t i = static_cast<size_t>(it - spans.begin()) - 1;
  return pos < spans[i].end ? i : spans.size();
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A clause: the part of a sentence between ';', ':', parentheses and
// commas that are not decimal separators.
bool IsClauseBreak(std::string_view t, size_t i) {
  char c = t[i];
  if (c == ';' || c == ':' || c == '(' || c == ')') return true;
  if (c == ',') return !(i > 0 && i + 1 < t.size() && IsDigit(t[i - 1]) && IsDigit(t[i + 1]));
  return false;
}

// The bytes IsClauseBreak can accept: a table test skips the call for the rest.
constexpr auto kBreakByte = [] {
  std::array<bool, 256> a{};
  for (unsigned char c : {';', ':', '(', ')', ','}) a[c] = true;
  return a;
}();
inline bool MaybeClauseBreak(std::string_view t, size_t i) {
  return kBreakByte[static_cast<unsigned char>(t[i])] && IsClauseBreak(t, i);
}

struct Site {
  size_t pos = 0, end = 0;
  Span sentence, paragraph, clause;
  bool in_paren = false;
  size_t paren_open = 0;
};

// Scans back from a position to a clause start (or ';') depend only on the
// position and the sentence start: the previous candidate's result is reused
// when the scan reaches its position without a hit (candidates come sorted).
struct BackScan {
  size_t floor = SIZE_MAX, pos = 0, result = 0;
  // The lower bound of a scan from `pos` down to `floor`: where a cached
  // result can take over.
  size_t Stop(size_t fl, size_t p) const { return floor == fl && pos <= p ? pos : fl; }
  size_t Finish(size_t fl, size_t p, size_t stop, size_t b) {
    if (b == stop && stop != fl) b = result;
    floor = fl;
    pos = p;
    result = b;
    return b;
  }
};

Site Locate(const Document& doc, const Candidate& c, BackScan& clause_scan) {
  Site s;
  s.pos = c.numeral.begin;
  s.end = c.figure.span.end;
  size_t si = IndexOf(doc.sentences, s.pos);
  s.sentence = si < doc.sentences.size() ? doc.sentences[si] : Span{s.pos, s.end};
  size_t pi = IndexOf(doc.paragraphs, s.pos);
  s.paragraph = pi < doc.paragraphs.size() ? doc.paragraphs[pi] : s.sentence;
  std::string_view t = doc.text;
  size_t b = s.pos;
  const size_t stop = clause_scan.Stop(s.sentence.begin, s.pos);
  while (b > stop && !MaybeClauseBreak(t, b - 1)) --b;
  b = clause_scan.Finish(s.sentence.begin, s.pos, stop, b);
  if (b > s.sentence.begin && t[b - 1] == '(') { s.in_paren = true; s.paren_open = b - 1; }
  // Parenthesised signs like "(+5.40%)" start the clause at the parenthesis.
  // A match may span a comma of its own ("trong 63 tỉnh, thành phố").
  size_t e = std::max({s.end, s.pos, c.match.end});
  while (e < s.sentence.end && !MaybeClauseBreak(t, e)) ++e;
  s.clause = {b, e};
  return s;
}

// Mention vectors are sorted by span.begin: both searches start with a
// binary search, so attribution costs O(log n) plus the mentions it reads.
// Attribution makes ~30 searches a figure: without branches (the compare
// picks the half by a conditional move), a search does not pay a
// mispredicted branch per step.
template <typename T>
typename std::vector<T>::const_iterator LowerBound(const std::vector<T>& v, size_t pos) {
  if (v.empty()) return v.end();
  const T* base = v.data();
  size_t n = v.size();
  while (n > 1) {
    const size_t half = n / 2;
    base = base[half].span.begin < pos ? base + half : base;
    n -= half;
  }
  base += base->span.begin < pos;
  return v.begin() + (base - v.data());
}

// The last mention starting at or after `lo` and ending by `hi` that `pred` accepts.
template <typename T, typename Pred>
const T* LastBefore(const std::vector<T>& v, size_t lo, size_t hi, Pred pred) {
  if (lo >= hi) return nullptr;
  // Walking back from `hi`, the mentions start at or after `lo` until one
  // does not (they are sorted by start): one search, not two.
  auto it = LowerBound(v, hi);
  while (it != v.begin()) {
    --it;
    if (it->span.begin < lo) break;
    if (it->span.end <= hi && pred(*it)) return &*it;
  }
  return nullptr;
}

// The first mention starting in [lo, hi) that `pred` accepts.
template <typename T, typename Pred>
const T* FirstAfter(const std::vector<T>& v, size_t lo, size_t hi, Pred pred) {
  for (auto it = LowerBound(v, lo); it != v.end() && it->span.begin < hi; ++it) {
    if (pred(*it)) return &*it;
  }
  return nullptr;
}

// Gazetteer mentions carry begin/end, not a Span: adapt for the helpers.
struct EntityRef {
  Span span;
  const Mention* m;
};

Subject SubjectOf(const Entity& e) {
  Subject s;
  switch (e.kind) {
    case EntityKind::kProvince: s.kind = SubjectKind::kProvince; break;
    case EntityKind::kMinistry: s.kind = SubjectKind::kMinistry; break;
    case EntityKind::kRegion: s.kind = SubjectKind::kRegion; break;
    default: s.kind = SubjectKind::kUnknown; break;
  }
  s.name = e.name;
  s.id = e.id;
  return s;
}

Subject Collective(SubjectKind kind) {
  Subject s;
  s.kind = kind;
  if (kind == SubjectKind::kNation) { s.name = "Việt Nam"; s.id = "viet-nam"; }
  return s;
}

const re2::RE2& DateSlashRe() {
  static const re2::RE2 re(R"((?:^|[^\d/])(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})(?:[^\d/]|$))");
  return re;
}
const re2::RE2& DateWordsRe() {
  static const re2::RE2 re(R"((?i)ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4}))");
  return re;
}

std::string FindDate(std::string_view head) {
  int d = 0, m = 0, y = 0;
  re2::StringPiece a(head.data(), head.size());
  // Both patterns need their separator: no '/', no slash date.
  bool slash = head.find('/') != std::string_view::npos && re2::RE2::FindAndConsume(&a, DateSlashRe(), &d, &m, &y);
  size_t slash_at = slash ? head.size() - a.size() : head.size();
  // A words date counts only if it ends before slash_at. Its first match
  // has one end ("ngày" cannot recur inside it), so searching the text before
  // slash_at - 1 finds it exactly when it ends there, and nothing otherwise.
  int d2 = 0, m2 = 0, y2 = 0;
  re2::StringPiece b(head.data(), slash_at > 0 ? slash_at - 1 : 0);
  bool words = slash_at > 0 && re2::RE2::FindAndConsume(&b, DateWordsRe(), &d2, &m2, &y2);
  size_t words_at = words ? static_cast<size_t>(b.data() - head.data()) : head.size();
  if (words && words_at < slash_at) { d = d2; m = m2; y = y2; slash = true; }
  if (!slash || m < 1 || m > 12 || d < 1 || d > 31 || y < 1990 || y > 2100) return "";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

// Words separated by spaces; counting stops past `limit` (a title line is
// judged on the first 15 paragraphs, whole).
size_t CountWords(std::string_view s, size_t limit = SIZE_MAX) {
  size_t n = 0;
  bool in = false;
  for (char c : s) {
    bool sp = c == ' ';
    if (!sp && !in && ++n > limit) return n;
    in = !sp;
  }
  return n;
}

// CountWords(s, limit) for a finite limit, eight bytes at a time: a word
// starts at a non-space byte after a space (or the start). Returns limit + 1
// once the count passes the limit, as CountWords does.
size_t CountWordsUpTo(std::string_view s, size_t limit) {
  if constexpr (std::endian::native != std::endian::little) return CountWords(s, limit);
  size_t n = 0;
  uint64_t prev_space = swar::kHigh >> 56;  // the byte before the start counts as a space
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    const uint64_t space = swar::BytesEqual(swar::Load8(s.data() + i), ' ');
    const uint64_t starts = ~space & swar::kHigh & ((space << 8) | prev_space);
    n += swar::CountMarked(starts);
    if (n > limit) return limit + 1;
    prev_space = space >> 56;
  }
  bool in = prev_space == 0;
  for (; i < s.size(); ++i) {
    bool sp = s[i] == ' ';
    if (!sp && !in && ++n > limit) return n;
    in = !sp;
  }
  return n;
}

// The word before `pos` (spaces skipped), folded, and where it begins; ""
// when it is longer than 12 bytes (no short function word).
std::string FoldedWordBefore(std::string_view text, size_t pos, size_t* begin) {
  size_t e = pos;
  while (e > 0 && text[e - 1] == ' ') --e;
  size_t b = e;
  while (b > 0 && text[b - 1] != ' ' && text[b - 1] != '\n') --b;
  *begin = b;
  if (e - b > 12) return std::string();
  return FoldVietnamese(text.substr(b, e - b));
}

// True if the word before `pos` marks a plural ("các tỉnh", "những tỉnh").
bool PluralBefore(std::string_view text, size_t pos) {
  size_t b;
  std::string w = FoldedWordBefore(text, pos, &b);
  if (w.empty()) return false;
  if (w == "tinh," && b > 0) return PluralBefore(text, b);  // "các tỉnh, thành phố đạt"
  if (!w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return true;  // "63 tỉnh đạt"
  }
  return w == "cac" || w == "nhung" || w == "nhieu" || w == "moi";
}

// True if the word before `pos` makes what follows a group something belongs
// to ("nhóm 30 địa phương", "trong số 34 tỉnh", "top 10 tỉnh").
bool MembershipBefore(std::string_view text, size_t pos) {
  size_t b;
  std::string w = FoldedWordBefore(text, pos, &b);
  if (w.empty()) return false;
  if (w == "so" && b > 0) {
    size_t e2 = b;
    while (e2 > 0 && text[e2 - 1] == ' ') --e2;
    return e2 >= 5 && FoldVietnamese(text.substr(e2 - 5, 5)) == "trong";
  }
  return w == "nhom" || w == "top";
}

// True if the words right before `pos` are a plural group of units: "các bộ",
// "của các bộ, ngành", "những tỉnh, thành phố" ("các" or "những" followed only
// by unit nouns).
bool PluralGroupBefore(std::string_view text, size_t pos) {
  static const char* const kUnitWords[] = {"bo", "nganh", "co", "quan", "ngang", "tinh", "thanh", "pho",
                                           "dia", "phuong", "don", "vi", "huyen", "thi", "xa", "so", "ban"};
  size_t e = pos;
  for (int n = 0; n < 7; ++n) {
    while (e > 0 && (text[e - 1] == ' ' || text[e - 1] == ',')) --e;
    size_t b = e;
    while (b > 0 && text[b - 1] != ' ' && text[b - 1] != ',' && text[b - 1] != '\n') --b;
    if (b == e || e - b > 12) return false;
    std::string w = FoldVietnamese(text.substr(b, e - b));
    if (w == "cac" || w == "nhung") return n > 0;
    bool unit = false;
    for (const char* u : kUnitWords) unit = unit || w == u;
    if (!unit) return false;
    e = b;
  }
  return false;
}

bool HasDigitSlash(std::string_view s) {
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    if ((s[i] == '/' || s[i] == ':') && IsDigit(s[i - 1]) && IsDigit(s[i + 1])) return true;
  }
  return false;
}

// --- ranking tables -------------------------------------------------------
//
// A ranking table flattened by a text export (one cell per line) or written
// as rows with '|' or tab separators: a header naming a rank column and a
// unit column (and score / rank-change columns), then rows whose rank cell is
// an integer and whose unit cell names a province or ministry. Each row gives
// a rank, a score and a rank change, attributed to the row's unit; the
// header (or the caption above it) names the index and the year.

enum class Column { kOther, kRank, kUnit, kScore, kChange };

Column ClassifyHeader(std::string_view cell) {
  std::string f = FoldVietnamese(cell);
  auto has = [&](const char* w) { return f.find(w) != std::string::npos; };
  if (f == "stt" || f == "tt" || f == "hang" || has("xep hang") || has("thu hang") || f == "vi tri" ||
      f == "thu tu") {
    return has("thay doi") || has("tang") ? Column::kChange : Column::kRank;
  }
  if (has("thay doi") || has("tang/giam") || has("tang, giam") || has("so voi")) return Column::kChange;
  if (f.rfind("tinh", 0) == 0 || f.rfind("dia phuong", 0) == 0 || f.rfind("don vi", 0) == 0 ||
      f.rfind("bo, ", 0) == 0 || f == "bo" || f.rfind("ten ", 0) == 0 || f.rfind("thanh pho", 0) == 0) {
    return Column::kUnit;
  }
  if (has("diem") || has("%") || has("chi so") || has("ket qua") || has("gia tri") ||
      f == "pci" || f == "papi" || f == "sipas" || f == "dti" || has("par")) {
    return Column::kScore;
  }
  return Column::kOther;
}

std::vector<Span> Lines(std::string_view text, Span para) {
  std::vector<Span> out;
  size_t b = para.begin;
  for (size_t i = para.begin; i <= para.end; ++i) {
    if (i == para.end || text[i] == '\n') {
      if (i > b) out.push_back({b, i});
      b = i + 1;
    }
  }
  return out;
}

std::vector<Span> SplitCells(std::string_view text, Span line) {
  std::vector<Span> cells;
  char sep = 0;
  for (size_t i = line.begin; i < line.end; ++i) {
    if (text[i] == '|' || text[i] == '\t') { sep = text[i]; break; }
  }
  if (!sep) return {line};
  size_t b = line.begin;
  for (size_t i = line.begin; i <= line.end; ++i) {
    if (i == line.end || text[i] == sep) {
      size_t cb = b, ce = i;
      while (cb < ce && text[cb] == ' ') ++cb;
      while (ce > cb && text[ce - 1] == ' ') --ce;
      if (!(i == line.end && cb == ce && !cells.empty())) cells.push_back({cb, ce});
      b = i + 1;
    }
  }
  if (!cells.empty() && cells.front().empty()) cells.erase(cells.begin());  // "| a | b |"
  return cells;
}

void ReadTables(Document& doc, const std::vector<EntityRef>& ents, const std::vector<YearMention>& years,
                size_t content_end, int doc_year);

}  // namespace

Extractor::Extractor() = default;
Extractor::~Extractor() = default;

Status Extractor::Create(const std::string& data_dir, std::unique_ptr<Extractor>* out) {
  std::unique_ptr<Extractor> ex(new Extractor());
  namespace fs = std::filesystem;
  fs::path root(data_dir);
  // The three loads are independent (the rules and the lexicon compile-bound,
  // RE2), and start-up is paid by every run: load them side by side.
  Status gaz_status, lex_status;
  std::thread gaz_thread([&] {
    gaz_status = Gazetteer::Load((root / "extract" / "gazetteers").string(), &ex->gazetteer_);
  });
  std::thread lex_thread([&] {
    lex_status = Lexicon::Load((root / "extract" / "lexicon.json").string(), &ex->lexicon_);
  });
  Status rules_status = RuleSet::Load((root / "extract" / "rules").string(), &ex->rules_);
  gaz_thread.join();
  lex_thread.join();
  for (Status* s : {&rules_status, &gaz_status, &lex_status}) {
    if (!s->ok()) return *s;
  }
  *out = std::move(ex);
  return Status::OK();
}

void Extractor::Extract(Document& doc) const {
  Document* one[] = {&doc};
  ExtractAll(one);
}

void Extractor::ExtractAll(std::span<Document* const> docs) const {
  // Stage by stage over the documents, not document by document: each scan
  // walks its own automaton (RE2 DFA states, the gazetteer's trie), and
  // together they do not fit in a core's L2. One scan over several
  // documents keeps its states cached: at 32 documents the four scans take
  // 14% less time (bench/stages_bench BM_ScansBatched), and so does Extract
  // (BM_Extract/32 against /1). The results are the same.
  thread_local std::vector<Scratch> scratch;
  ScanAll(docs, scratch);
  for (size_t i = 0; i < docs.size(); ++i) {
    if (!docs[i]->failed()) Attribute(*docs[i], scratch[i]);
  }
  // Buffers grow with the document (the folded text and its offsets are 5
  // bytes a byte, candidates ~600 bytes each) and a slot keeps them for the
  // next group: a slot a big document grew is freed, else each of the 32
  // could end up holding the biggest document it ever served.
  constexpr size_t kKeepBytes = 16 << 10;
  for (size_t i = 0; i < docs.size(); ++i) {
    // Moved out, not assigned over: a string assigned a short one keeps
    // its own buffer.
    if (docs[i]->text.size() > kKeepBytes) Scratch spent = std::move(scratch[i]);
  }
}

void Extractor::ScanAll(std::span<Document* const> docs, std::vector<Scratch>& scratch) const {
  if (scratch.size() < docs.size()) scratch.resize(docs.size());
  auto each = [&](auto&& f) {
    for (size_t i = 0; i < docs.size(); ++i) {
      if (!docs[i]->failed()) f(*docs[i], scratch[i]);
    }
  };
  each([](Document& doc, Scratch& x) {
    doc.figures.clear();
    x.scan.Reset(doc.text);
  });
  each([&](Document& doc, Scratch& x) { gazetteer_->FindAll(doc.text, &x.entities); });
  each([&](Document&, Scratch& x) { lexicon_->FindWords(x.scan, &x.words); });
  each([&](Document&, Scratch& x) { lexicon_->FindYears(x.scan, &x.years); });
  each([&](Document&, Scratch& x) {
    x.candidates.clear();
    rules_->Match(x.scan, &x.candidates);
  });
}

Extractor::Scans::Scans() = default;
Extractor::Scans::~Scans() = default;
Extractor::Scans::Scans(Scans&&) noexcept = default;
Extractor::Scans& Extractor::Scans::operator=(Scans&&) noexcept = default;

void Extractor::Scan(std::span<Document* const> docs, Scans* scans) const {
  scans->slots_.clear();
  ScanAll(docs, scans->slots_);
}

void Extractor::Attribute(std::span<Document* const> docs, const Scans& scans) const {
  for (size_t i = 0; i < docs.size() && i < scans.slots_.size(); ++i) {
    if (docs[i]->failed()) continue;
    docs[i]->figures.clear();
    Attribute(*docs[i], scans.slots_[i]);
  }
}

void Extractor::Attribute(Document& doc, const Scratch& x) const {
  const std::string_view text = doc.text;
  const size_t content_end = ContentEnd(doc);

  // Entity mentions as Span-carrying refs for the search helpers.
  std::vector<EntityRef> ents;
  std::vector<Span> component_spans;
  ents.reserve(x.entities.size());
  for (const Mention& m : x.entities) {
    ents.push_back({{m.begin, m.end}, &m});
    if (m.entity->kind == EntityKind::kComponent) component_spans.push_back({m.begin, m.end});
  }

  // --- title and date from the head of the document ---
  size_t title_para = doc.paragraphs.size();
  {
    size_t best_words = 0;
    size_t lines_seen = 0;
    for (size_t i = 0; i < doc.paragraphs.size() && lines_seen < 15; ++i, ++lines_seen) {
      std::string_view line = doc.Slice(doc.paragraphs[i]);
      if (line.find('\n') != std::string_view::npos) line = line.substr(0, line.find('\n'));
      // The O(1) test first: body paragraphs end with '.', and an empty line
      // has too few words anyway.
      if (line.empty()) continue;
      char last = line.back();
      if (last == '.' || last == '!' || last == ':') continue;
      size_t words = CountWordsUpTo(line, 45);
      if (words < 6 || words > 45 || HasDigitSlash(line)) continue;
      if (words > best_words) { best_words = words; title_para = i; }
    }
    if (title_para < doc.paragraphs.size()) {
      std::string_view line = doc.Slice(doc.paragraphs[title_para]);
      doc.title = std::string(line.substr(0, line.find('\n')));
    }
    size_t head_end = doc.paragraphs.size() > 12 ? doc.paragraphs[12].end : text.size();
    doc.date = FindDate(text.substr(0, std::min(head_end, content_end)));
  }

  // --- document year: the most frequent explicit year of the body ---
  int doc_year = 0;
  {
    std::map<int, std::pair<int, size_t>> freq;  // year -> (count, first position)
    for (const YearMention& y : x.years) {
      if (y.kind != YearKind::kExplicit || y.span.begin >= content_end) continue;
      auto [it, fresh] = freq.try_emplace(y.year, 0, y.span.begin);
      ++it->second.first;
    }
    int best = 0;
    size_t best_pos = 0;
    for (const auto& [year, cp] : freq) {
      if (cp.first > best || (cp.first == best && cp.second < best_pos)) {
        best = cp.first;
        best_pos = cp.second;
        doc_year = year;
      }
    }
    if (!doc_year && doc.date.size() >= 4) doc_year = std::stoi(doc.date.substr(0, 4));
  }

  // --- the document's default subject ---
  {
    std::map<const Entity*, double> score;
    std::string line_head;
    Span title = title_para < doc.paragraphs.size() ? doc.paragraphs[title_para] : Span{};
    size_t head_end = doc.paragraphs.size() > 6 ? doc.paragraphs[6].end : text.size();
    for (const EntityRef& r : ents) {
      const Mention& m = *r.m;
      if (m.entity->kind != EntityKind::kProvince && m.entity->kind != EntityKind::kMinistry) continue;
      if (m.begin >= content_end) continue;
      double w = 1;
      if (title.Contains(m.begin)) w += 3;
      if (m.begin < head_end) w += 1;
      // Portal and publisher lines name the site's province.
      size_t ls = text.rfind('\n', m.begin);
      ls = ls == std::string_view::npos ? 0 : ls + 1;
      // Folding never lengthens text, and every marker has 4+ bytes: a
      // shorter head cannot hold one. One buffer serves all mentions.
      if (m.begin - ls >= 4) {
        FoldVietnamese(text.substr(ls, m.begin - ls), &line_head);
        if (line_head.find("cong thong tin") != std::string::npos ||
            line_head.find("trang thong tin") != std::string::npos || line_head.compare(0, 4, "bao ") == 0) {
          w += 3;
        }
      }
      if (m.city_of) w *= 0.5;
      score[m.entity] += w;
    }
    const Entity* best = nullptr;
    double best_w = 0, second_w = 0;
    for (const auto& [e, w] : score) {
      if (w > best_w) { second_w = best_w; best_w = w; best = e; }
      else if (w > second_w) second_w = w;
    }
    if (best && best_w >= 0.5 && best_w >= 1.5 * second_w) doc.subject = SubjectOf(*best);
  }

  // --- resolve candidates claiming the same numeral: highest priority wins ---
  std::vector<const Candidate*> kept;
  for (size_t i = 0; i < x.candidates.size();) {
    size_t j = i + 1;
    size_t end = x.candidates[i].numeral.end;
    while (j < x.candidates.size() && x.candidates[j].numeral.begin < end) {
      end = std::max(end, x.candidates[j].numeral.end);
      ++j;
    }
    const Candidate* best = &x.candidates[i];
    for (size_t k = i + 1; k < j; ++k) {
      const Candidate& c = x.candidates[k];
      if (c.rule->priority > best->rule->priority ||
          (c.rule->priority == best->rule->priority && c.match.size() > best->match.size())) {
        best = &c;
      }
    }
    kept.push_back(best);
    i = j;
  }

  // A rank's field: "xếp thứ 53 cả nước", "xếp thứ 5 trong 63 tỉnh, thành
  // phố". A collective word there says among whom the unit ranks; it is not
  // the subject of the figures that follow.
  std::vector<Span> rank_fields;
  for (const Candidate* cp : kept) {
    if (cp->rule->type == "rank") rank_fields.push_back({cp->numeral.begin, cp->match.end});
  }
  auto in_rank_field = [&](const LexMention& w) {
    for (const Span& r : rank_fields) {
      if (r.begin > w.span.begin) break;
      size_t k = r.end;
      while (k < w.span.begin && text[k] == ' ') ++k;
      if (w.span.begin <= k) return true;
    }
    return false;
  };

  // Counts kept so far, for rates that refer back ("(đạt tỷ lệ 91%)"). The
  // reserve keeps the pointers valid.
  doc.figures.reserve(kept.size());
  std::vector<const Figure*> counts;
  BackScan clause_scan, semicolon_scan;
  // subject_ok's figure-independent part, per entity mention.
  enum : int8_t { kUnknown, kNo, kYes, kUnitsOk, kUnitsNot };
  std::vector<int8_t> subject_memo(ents.size(), kUnknown);
  auto subject_ok_part = [&](const EntityRef& r) -> int8_t {
    if (!IsSubjectEntity(*r.m) || r.m->city_of) return kNo;
    // "hợp nhất tỉnh Quảng Ngãi và tỉnh Kon Tum": predecessors, not the subject.
    if (LastBefore(x.words, r.span.begin >= 60 ? r.span.begin - 60 : 0, r.span.begin,
                   [](const LexMention& w) { return w.category == LexCategory::kMerger; })) {
      return kNo;
    }
    // "khu vực ĐBSCL" after a rank is its scope, not its subject.
    const LexMention* sc = LastBefore(x.words, r.span.begin >= 24 ? r.span.begin - 24 : 0, r.span.begin,
                                      [](const LexMention& w) { return w.category == LexCategory::kScope; });
    if (!(sc && sc->span.end + 2 >= r.span.begin && r.m->entity->kind == EntityKind::kRegion)) return kYes;
    // "trung bình của 11 tỉnh, thành phố vùng Đồng bằng sông Hồng đạt 86,95%":
    // the units of the region, taken together, are the region.
    const LexMention* units = LastBefore(x.words, sc->span.begin >= 40 ? sc->span.begin - 40 : 0, sc->span.begin,
                                         [](const LexMention& w) { return w.category == LexCategory::kAggregate; });
    return units && units->span.end + 2 >= sc->span.begin && std::isdigit(static_cast<unsigned char>(text[units->span.begin]))
               ? kUnitsOk
               : kUnitsNot;
  };
  bool valid_cached = false;  // valid_in = ValidOn(valid_id, valid_year)
  const Entity* valid_in = nullptr;
  std::string valid_id;
  int valid_year = 0;
  for (const Candidate* cp : kept) {
    const Candidate& c = *cp;
    if (c.numeral.begin >= content_end) break;
    Site s = Locate(doc, c, clause_scan);
    Figure f = c.figure;
    f.sentence = s.sentence;
    const Rule& rule = *c.rule;
    double confidence = rule.confidence;

    // A goal ("mục tiêu", "phấn đấu đạt") earlier in the sentence (up to a
    // ';'): not a result.
    size_t part_begin;  // after the last ';' of the sentence
    {
      const size_t stop = semicolon_scan.Stop(s.sentence.begin, s.pos);
      const void* semi = stop < s.pos ? memrchr(text.data() + stop, ';', s.pos - stop) : nullptr;
      size_t k = semi ? static_cast<size_t>(static_cast<const char*>(semi) - text.data()) + 1 : stop;
      part_begin = semicolon_scan.Finish(s.sentence.begin, s.pos, stop, k);
    }
    // A sentence that opens with one ("Mục tiêu năm 2024, ...; ...") is all goals.
    if (FirstAfter(x.words, s.sentence.begin, s.sentence.begin + 12, [](const LexMention& w) {
          return w.category == LexCategory::kTarget;
        })) {
      part_begin = s.sentence.begin;
      if (s.pos > part_begin) continue;
    }
    if (LastBefore(x.words, part_begin, s.pos, [](const LexMention& w) {
          return w.category == LexCategory::kTarget;
        })) {
      continue;
    }

    auto is_indicator = [](const EntityRef& r) { return r.m->entity->kind == EntityKind::kIndicator; };
    // Another domain's figure ("tăng trưởng GRDP đạt 8,5%") unless an index
    // is named between that word and the figure.
    if (const LexMention* noise = LastBefore(x.words, part_begin, s.pos, [](const LexMention& w) {
          return w.category == LexCategory::kNoise;
        })) {
      if (!LastBefore(ents, noise->span.end, s.pos, is_indicator)) continue;
    }
    // "cao hơn Đắk Lắk (84,02%) 2,19%", "(83,67%) là 5,88%": a difference
    // restated after a parenthesised value, not a score of its own.
    {
      size_t k = s.pos;
      while (k > s.sentence.begin && text[k - 1] == ' ') --k;
      constexpr std::string_view kLa = " là";
      if (k >= kLa.size() && text.substr(k - kLa.size(), kLa.size()) == kLa) k -= kLa.size();
      while (k > s.sentence.begin && text[k - 1] == ' ') --k;
      if (k > s.sentence.begin && text[k - 1] == ')' && f.type != "change") continue;
    }
    // A component named exactly like an object ("Thủ tục hành chính" of
    // SIPAS) is the component when the sentence lists components ("Xét theo
    // từng lĩnh vực") of the index under discussion and speaks of no rate.
    const EntityRef* ind_prior = LastBefore(ents, 0, s.pos, is_indicator);
    const bool lists_components =
        ind_prior &&
        LastBefore(x.words, s.sentence.begin, s.pos, [](const LexMention& w) {
          return w.category == LexCategory::kComponentMarker;
        }) != nullptr &&
        !LastBefore(x.words, s.sentence.begin, s.sentence.end, [](const LexMention& w) {
          return w.category == LexCategory::kRateHead;
        });
    // "Cải cách thủ tục hành chính" names a component of an index, not an
    // object that a rate counts.
    auto is_object = [&](const LexMention& w) {
      if (w.category != LexCategory::kObject) return false;
      for (const Span& cs : component_spans) {
        if (cs.begin <= w.span.begin && w.span.end <= cs.end && cs.size() > w.span.size()) return false;
        if (cs.begin > w.span.end) break;
      }
      if (lists_components &&
          FirstAfter(ents, w.span.begin, w.span.begin + 1, [&](const EntityRef& r) {
            return r.m->entity->kind == EntityKind::kComponent && r.span.end == w.span.end &&
                   r.m->entity->indicator == ind_prior->m->entity->id;
          })) {
        return false;
      }
      return true;
    };
    const EntityRef* ind_before = LastBefore(ents, s.sentence.begin, s.pos, is_indicator);
    // "Với 84,35%, Chỉ số ... của tỉnh Quảng Bình xếp thứ 21/63": a value
    // fronted before the comma belongs to the index and unit named after it.
    bool fronted = false;
    if (s.clause.begin == s.sentence.begin && s.clause.end < s.sentence.end && text[s.clause.end] == ',') {
      size_t k = std::max(s.end, c.match.end);  // past the unit
      while (k < s.clause.end && text[k] == ' ') ++k;
      std::string head = FoldVietnamese(text.substr(s.sentence.begin, s.pos - s.sentence.begin));
      while (!head.empty() && head.back() == ' ') head.pop_back();
      fronted = k == s.clause.end && (head == "voi" || (head.rfind("voi ", 0) == 0 && CountWords(head) <= 3));
    }
    if (fronted) {
      if (ind_before) fronted = false;
      else ind_before = FirstAfter(ents, s.end, s.sentence.end, is_indicator);
      if (fronted && !ind_before) continue;  // of which index? precision first
    }
    // The index under discussion when the sentence names none: the nearest
    // one named earlier in the document. Used only when the sentence names
    // the unit the figure belongs to ("Bắc Kạn xếp thứ 2 với 86,91%").
    const EntityRef* ind_discourse = ind_before ? ind_before : LastBefore(ents, 0, s.pos, is_indicator);
    const bool names_unit =
        LastBefore(ents, s.sentence.begin, s.pos, [](const EntityRef& r) {
          return IsSubjectEntity(*r.m) && !r.m->city_of;
        }) != nullptr ||
        LastBefore(x.words, s.sentence.begin, s.pos, [](const LexMention& w) {
          return w.category == LexCategory::kNation || w.category == LexCategory::kAggregate ||
                 w.category == LexCategory::kSelf || w.category == LexCategory::kComponentMarker;
        }) != nullptr ||
        // "chỉ số thành phần Cải cách TTHC đạt 85%": a component names what is scored.
        LastBefore(ents, s.clause.begin, s.pos, [](const EntityRef& r) {
          return r.m->entity->kind == EntityKind::kComponent;
        }) != nullptr;

    // Rate or score, when the rule leaves it to context.
    const LexMention* object_word = nullptr;
    const Figure* refers_to = nullptr;  // the count a rate refers back to
    if (f.type.find('|') != std::string::npos || f.type == "rate") {
      const LexMention* head = LastBefore(x.words, s.sentence.begin, s.pos, [](const LexMention& w) {
        return w.category == LexCategory::kRateHead;
      });
      for (auto it = counts.rbegin(); it != counts.rend(); ++it) {
        if ((*it)->sentence.begin == s.sentence.begin) { refers_to = *it; break; }
      }
      // "tỷ lệ hồ sơ ... đạt 21%": the object follows "tỷ lệ". A bare "(đạt
      // tỷ lệ 91%)" refers back to the count before it, else to the nearest
      // object word of the sentence.
      if (head) object_word = FirstAfter(x.words, head->span.end, s.pos, is_object);
      bool bare_head = head && !object_word && head->span.end + 16 >= s.pos;
      if (bare_head && !refers_to) {
        // "tỷ lệ TTHC có ... đạt tỷ lệ 34,2%": an earlier "tỷ lệ" names it.
        const LexMention* first = LastBefore(x.words, s.sentence.begin, head->span.begin, [](const LexMention& w) {
          return w.category == LexCategory::kRateHead;
        });
        if (first) object_word = FirstAfter(x.words, first->span.end, head->span.begin, is_object);
      }
      if (!object_word && !(bare_head && refers_to)) {
        object_word = LastBefore(x.words, s.sentence.begin, s.pos, is_object);
      }
      if (!object_word) object_word = FirstAfter(x.words, s.end, s.clause.end, is_object);
      bool rate = false;
      if (f.type == "rate") {
        rate = object_word || refers_to;
      } else if (object_word && (!ind_before || object_word->span.begin > ind_before->span.begin)) {
        rate = true;
      } else if (!ind_before && refers_to) {
        rate = true;
      } else if (!ind_before && !(names_unit && ind_discourse)) {
        continue;  // neither a rate of something nor an index score
      }
      f.type = rate ? "rate" : "score";
      if (rate) {
        f.unit.clear();
        if (refers_to && (!object_word || object_word->span.begin < refers_to->span.begin)) {
          f.object = refers_to->object;
          f.status = refers_to->status;
          f.level = refers_to->level;
        } else if (object_word) {
          f.object = object_word->value;
        } else {
          continue;
        }
      } else {
        f.unit = "percent";
      }
    }

    if (f.type == "change" && f.measure == "score") {
      const LexMention* rate_word = LastBefore(x.words, s.sentence.begin, s.pos, [&](const LexMention& w) {
        return w.category == LexCategory::kRateHead || is_object(w);
      });
      if (rate_word && (!ind_before || rate_word->span.begin > ind_before->span.begin)) continue;
    }
    const bool needs_indicator =
        f.type == "score" || f.type == "rank" || (f.type == "change" && f.measure != "count");
    if (needs_indicator) {
      f.object.clear();
      if (f.indicator.empty()) {
        const EntityRef* ind = ind_before;
        if (!ind) ind = FirstAfter(ents, s.end, s.clause.end, is_indicator);
        if (!ind && (names_unit || rule.type != "score|rate")) {
          ind = ind_discourse;
          if (ind) confidence *= 0.85;
        }
        if (!ind) continue;  // a score of what? precision first
        f.indicator = ind->m->entity->id;
        if (!rule.indicators.empty() &&
            std::find(rule.indicators.begin(), rule.indicators.end(), f.indicator) == rule.indicators.end()) {
          continue;
        }
        // A component named between the indicator and the figure.
        auto is_component = [&](const EntityRef& r) {
          return r.m->entity->kind == EntityKind::kComponent &&
                 (r.m->entity->indicator.empty() || r.m->entity->indicator == f.indicator);
        };
        const EntityRef* comp = LastBefore(ents, std::max(ind->span.end, s.sentence.begin), s.pos, is_component);
        if (comp) {
          bool marked = LastBefore(x.words, s.sentence.begin, s.pos, [](const LexMention& w) {
                          return w.category == LexCategory::kComponentMarker;
                        }) != nullptr;
          if (marked || comp->span.begin >= s.clause.begin) f.component = comp->m->entity->name;
        }
      }
    }
    if (f.type == "count" || f.type == "rate" || (f.type == "change" && f.measure == "count")) {
      // The rule's own noun may be part of a longer phrase naming something
      // else ("hồ sơ cán bộ", "hồ sơ sức khỏe"): not a dossier of a procedure.
      const LexMention* noun = FirstAfter(x.words, c.numeral.end, c.match.end + 1, is_object);
      if (noun && noun->value == "other") continue;
      if (object_word && object_word->value == "other") continue;
      if (f.object.empty() && f.type == "count") {
        // A list that names the noun once: the count before it in the sentence.
        for (auto it = counts.rbegin(); it != counts.rend(); ++it) {
          if ((*it)->sentence.begin == s.sentence.begin) {
            f.object = (*it)->object;
            if (f.status.empty()) f.status = (*it)->status;
            break;
          }
        }
      }
      if (f.object.empty()) {
        const LexMention* o = object_word ? object_word : LastBefore(x.words, s.clause.begin, s.pos, is_object);
        if (!o) continue;
        f.object = o->value;
      }
      auto status_fits = [&](const LexMention& w) {
        return w.category == LexCategory::kStatus && (w.object.empty() || w.object == f.object);
      };
      if (f.status.empty()) {
        const LexMention* st = FirstAfter(x.words, s.end, std::min(s.clause.end, s.end + 80), status_fits);
        if (!st) st = LastBefore(x.words, s.clause.begin, s.pos, status_fits);
        if (!st) st = LastBefore(x.words, s.sentence.begin, s.pos, status_fits);
        if (st) f.status = st->value;
      }
      if (f.level.empty()) {
        auto is_level = [](const LexMention& w) { return w.category == LexCategory::kLevel; };
        // "1.645 thủ tục cấp tỉnh": a level right after the noun wins.
        const LexMention* lv = FirstAfter(x.words, c.match.end, c.match.end + 2, is_level);
        if (!lv) lv = LastBefore(x.words, s.sentence.begin, s.pos, is_level);
        if (lv) f.level = lv->value;
      }
    }

    // --- subject ---
    auto subject_ok = [&](const EntityRef& r) {
      // Only the last step depends on the figure: the rest is memoized per
      // mention (kUnitsOk / kUnitsNot: the scope case, units found or not).
      int8_t& memo = subject_memo[static_cast<size_t>(&r - ents.data())];
      if (memo == kUnknown) memo = subject_ok_part(r);
      if (memo == kNo) return false;
      if (memo == kYes) return true;
      return f.type != "rank" && f.type != "change" && memo == kUnitsOk;
    };
    auto collective = [&](const LexMention& w) {
      // "của các tỉnh đạt 81,15%": a plural group, not the unit itself.
      if (w.category == LexCategory::kSelf) return !PluralBefore(text, w.span.begin);
      if (w.category == LexCategory::kAggregate && MembershipBefore(text, w.span.begin)) {
        return false;  // "nằm trong nhóm 30 địa phương dẫn đầu": a ranking group, not a subject
      }
      return (w.category == LexCategory::kNation || w.category == LexCategory::kAggregate) && !in_rank_field(w);
    };
    auto from_word = [&](const LexMention& w) -> Subject {
      if (w.category == LexCategory::kSelf) {
        return doc.subject.has_value() ? doc.subject : Collective(SubjectKind::kUnknown);
      }
      return Collective(w.category == LexCategory::kNation ? SubjectKind::kNation : SubjectKind::kAggregate);
    };
    Subject subject;
    size_t subject_at = 0;
    auto consider_range = [&](size_t lo, size_t hi, bool following) {
      if (following) {
        const EntityRef* e = FirstAfter(ents, lo, hi, subject_ok);
        if (e) { subject = SubjectOf(*e->m->entity); subject_at = e->span.begin; }
        return;
      }
      const EntityRef* e = LastBefore(ents, lo, hi, subject_ok);
      const LexMention* w = LastBefore(x.words, lo, hi, collective);
      if (e && (!w || e->span.begin >= w->span.begin)) {
        subject = SubjectOf(*e->m->entity);
        subject_at = e->span.begin;
      } else if (w) {
        subject = from_word(*w);
        subject_at = w->span.begin;
      }
    };
    bool paren_value = false;  // "(84,02%)": the parenthesis holds just this value
    if (s.in_paren) {
      size_t k = s.paren_open + 1;
      while (k < s.pos && text[k] == ' ') ++k;
      paren_value = k == s.pos || c.match.begin <= s.paren_open + 1;
    }
    if (paren_value && (f.type == "score" || f.type == "rate") && rule.subject != SubjectPosition::kFollowing) {
      // "Đắk Lắk (84,02%)", "trung bình của cả nước (83,67%)": the value in
      // parentheses belongs to what stands right before them.
      size_t k = s.paren_open;
      while (k > s.sentence.begin && text[k - 1] == ' ') --k;
      const EntityRef* e = LastBefore(ents, s.sentence.begin, k, subject_ok);
      const LexMention* w = LastBefore(x.words, s.sentence.begin, k, [](const LexMention& m) {
        return m.category == LexCategory::kNation || m.category == LexCategory::kAggregate ||
               m.category == LexCategory::kScope;
      });
      if (e && e->span.end == k) {
        subject = SubjectOf(*e->m->entity);
      } else if (PluralGroupBefore(text, k)) {
        // "trung bình của các bộ (87,12%)": the group, not the document's own unit.
        subject = Collective(SubjectKind::kAggregate);
      } else if (w && w->span.end == k && !in_rank_field(*w)) {
        std::string folded = FoldVietnamese(text.substr(w->span.begin, w->span.size()));
        if (folded.find("ca nuoc") != std::string::npos || folded.find("toan quoc") != std::string::npos ||
            w->category == LexCategory::kNation) {
          subject = Collective(SubjectKind::kNation);
        } else if (w->category == LexCategory::kAggregate || folded.find("trung binh") != std::string::npos ||
                   folded.find("binh quan") != std::string::npos) {
          subject = Collective(SubjectKind::kAggregate);
        }
      }
    }
    if (rule.subject == SubjectPosition::kFollowing) {
      consider_range(c.match.end, std::min(s.sentence.end, c.match.end + 40), true);
      if (!subject.has_value()) continue;  // "vị trí thứ 2 là ..." names no unit
    }
    if (fronted) consider_range(s.end, s.sentence.end, true);
    if (!subject.has_value()) consider_range(s.sentence.begin, s.pos, false);
    if (!subject.has_value()) {
      consider_range(s.paragraph.begin, s.sentence.begin, false);
      if (subject.has_value()) confidence *= 0.95;
    }
    if (!subject.has_value()) {
      if (doc.subject.has_value()) {
        subject = doc.subject;
        confidence *= 0.9;
      } else {
        subject = Collective(SubjectKind::kUnknown);
      }
    }
    (void)subject_at;

    // --- year ---
    auto explicit_year = [](const YearMention& y) { return y.kind == YearKind::kExplicit; };
    const YearMention* year = nullptr;
    if (s.in_paren) {
      // "so với năm 2019 (đạt 81,15%)": the parenthesis speaks of that year.
      year = LastBefore(x.years, s.paren_open >= 40 ? s.paren_open - 40 : 0, s.paren_open,
                        [](const YearMention& y) {
                          return y.kind == YearKind::kExplicit || y.kind == YearKind::kComparison;
                        });
      if (year && year->span.end + 2 < s.paren_open) year = nullptr;
    }
    if (!year) year = LastBefore(x.years, s.sentence.begin, s.pos, explicit_year);
    if (!year) year = FirstAfter(x.years, s.end, s.clause.end, explicit_year);
    if (!year) year = FirstAfter(x.years, s.end, s.sentence.end, explicit_year);
    if (!year) year = LastBefore(x.years, s.paragraph.begin, s.sentence.begin, explicit_year);
    if (!year) year = FirstAfter(x.years, s.sentence.end, s.paragraph.end, explicit_year);
    if (year) {
      f.year = year->year;
    } else if (doc_year) {
      f.year = doc_year;
      confidence *= 0.9;
    }
    if (f.type == "change" && !f.from_year) {
      const YearMention* cmp = FirstAfter(x.years, s.end, s.clause.end, [](const YearMention& y) {
        return y.kind == YearKind::kComparison;
      });
      if (cmp) f.from_year = cmp->year;
    }

    // Time-aware subject: a province name that a merged unit took over
    // means the unit valid in the figure's year.
    // Only a unit of the same name is taken: a fact never silently moves to
    // the merged province that absorbed it.
    if (subject.kind == SubjectKind::kProvince && f.year) {
      if (!valid_cached || subject.id != valid_id || *f.year != valid_year) {
        valid_cached = true;
        valid_in = gazetteer_->ValidOn(subject.id, *f.year);
        valid_id = subject.id;
        valid_year = *f.year;
      }
      const Entity* e = valid_in;
      if (e && e->id != subject.id && e->name == subject.name) subject = SubjectOf(*e);
    }
    f.subject = subject;
    // A rank belongs to one unit: "10 tỉnh dẫn đầu" is a group, not a place.
    if (f.type == "rank" && (subject.kind == SubjectKind::kAggregate || subject.kind == SubjectKind::kNation)) {
      continue;
    }

    // --- scope of ranks: "4/13 tỉnh, thành phố khu vực ĐBSCL" ---
    if (f.type == "rank" || f.type == "change") {
      const LexMention* sc = FirstAfter(x.words, s.end, std::min(s.clause.end, s.end + 60),
                                        [](const LexMention& w) { return w.category == LexCategory::kScope; });
      if (sc) {
        const EntityRef* region = FirstAfter(ents, sc->span.end, std::min(s.clause.end, sc->span.end + 4),
                                             [](const EntityRef& r) {
                                               return r.m->entity->kind == EntityKind::kRegion;
                                             });
        if (region) f.scope = std::string(text.substr(region->span.begin, region->span.size()));
      }
    }
    if (f.type == "score" && f.unit == "points" && !f.scale && f.value <= 1 &&
        (f.indicator == "DTI" || f.indicator == "ICT_INDEX")) {
      f.scale = 1;
    }
    if (f.type == "score" && !f.scale) f.scale = f.indicator == "PAPI" && f.unit == "points" ? 80 : 100;
    if (f.type == "change" && f.direction.empty()) continue;
    f.confidence = std::round(confidence * 100) / 100;
    doc.figures.push_back(std::move(f));
    if (doc.figures.back().type == "count") counts.push_back(&doc.figures.back());
  }
  ReadTables(doc, ents, x.years, content_end, doc_year);
  auto by_position = [](const Figure& a, const Figure& b) { return a.span.begin < b.span.begin; };
  // Usually in order already; stable_sort would still move every Figure.
  if (!std::is_sorted(doc.figures.begin(), doc.figures.end(), by_position)) {
    std::stable_sort(doc.figures.begin(), doc.figures.end(), by_position);
  }
  for (size_t i = 0; i < doc.figures.size(); ++i) doc.figures[i].id = "f" + std::to_string(i + 1);
}

namespace {

void ReadTables(Document& doc, const std::vector<EntityRef>& ents_in, const std::vector<YearMention>& years,
                size_t content_end, int doc_year) {
  const std::string_view text = doc.text;
  struct Row {
    int rank;
    const Entity* unit;
    std::vector<Span> cells;
  };
  struct Table {
    std::vector<Span> header;
    int rank_col = -1, unit_col = -1, score_col = -1, change_col = -1;
    std::vector<Row> rows;
    size_t score() const {
      return rows.size() * (1 + (score_col >= 0) + (change_col >= 0));
    }
  };
  for (const Span& para : doc.paragraphs) {
    if (para.begin >= content_end) break;
    // Three non-empty lines need two '\n': most paragraphs have none.
    {
      const char* p = text.data() + para.begin;
      const char* end = text.data() + para.end;
      int newlines = 0;
      while (newlines < 2 && (p = static_cast<const char*>(std::memchr(p, '\n', end - p))) != nullptr) {
        ++newlines;
        ++p;
      }
      if (newlines < 2) continue;
    }
    std::vector<Span> lines = Lines(text, para);
    if (lines.size() < 3) continue;
    // Try every header position and width; keep the reading that explains
    // the most cells (a caption line above the header must not shift it).
    Table best;
    // The header readings below overlap (up to 15 per paragraph): fold and
    // classify each cell once.
    std::vector<std::pair<Span, Column>> classified;
    auto classify = [&](Span cell) {
      for (const auto& [span, column] : classified) {
        if (span.begin == cell.begin && span.end == cell.end) return column;
      }
      classified.push_back({cell, ClassifyHeader(doc.Slice(cell))});
      return classified.back().second;
    };
    for (size_t start = 0; start < std::min<size_t>(3, lines.size()); ++start) {
      const bool separated = SplitCells(text, lines[start]).size() >= 2;
      size_t lo = separated ? SplitCells(text, lines[start]).size() : 2;
      size_t hi = separated ? lo : 6;
      for (size_t n = lo; n <= hi; ++n) {
        Table t;
        if (separated) {
          t.header = SplitCells(text, lines[start]);
        } else {
          if (start + n > lines.size()) break;
          t.header.assign(lines.begin() + start, lines.begin() + start + n);
        }
        for (size_t i = 0; i < t.header.size(); ++i) {
          Column c = classify(t.header[i]);
          int col = static_cast<int>(i);
          if (c == Column::kRank && t.rank_col < 0) t.rank_col = col;
          else if (c == Column::kUnit && t.unit_col < 0) t.unit_col = col;
          else if (c == Column::kScore && t.score_col < 0) t.score_col = col;
          else if (c == Column::kChange && t.change_col < 0) t.change_col = col;
        }
        if (t.rank_col < 0 || t.unit_col < 0) continue;
        size_t next = start + (separated ? 1 : n);
        for (;;) {
          std::vector<Span> row;
          if (separated) {
            if (next >= lines.size()) break;
            row = SplitCells(text, lines[next]);
            if (row.size() != n) break;
            ++next;
          } else {
            if (next + n > lines.size()) break;
            row.assign(lines.begin() + next, lines.begin() + next + n);
            next += n;
          }
          NumberHints h;
          h.integer_expected = true;
          auto rank = ParseNumber(doc.Slice(row[t.rank_col]), h);
          if (!rank || !rank->integral || rank->value < 1 || rank->value > 200) break;
          const Entity* unit = nullptr;
          for (const auto& e : ents_in) {
            if (e.span.begin >= row[t.unit_col].begin && e.span.end <= row[t.unit_col].end &&
                IsSubjectEntity(*e.m)) {
              unit = e.m->entity;
              break;
            }
          }
          if (!unit) break;
          if (t.score_col >= 0 && !ParseNumber(doc.Slice(row[t.score_col]))) break;
          t.rows.push_back({static_cast<int>(rank->value), unit, std::move(row)});
        }
        if (t.rows.size() >= 2 && t.score() > best.score()) best = std::move(t);
      }
    }
    if (best.rows.empty()) continue;
    Span head_span{lines[0].begin, best.header.back().end};
    // Index and year: from the header (or caption), else the text above.
    std::string indicator;
    for (const auto& e : ents_in) {
      if (e.m->entity->kind == EntityKind::kIndicator && e.span.begin >= head_span.begin &&
          e.span.end <= head_span.end) {
        indicator = e.m->entity->id;
      }
    }
    if (indicator.empty()) {
      for (const auto& e : ents_in) {
        if (e.span.begin >= para.begin) break;
        if (e.m->entity->kind == EntityKind::kIndicator) indicator = e.m->entity->id;
      }
    }
    if (indicator.empty()) continue;  // a table of what? precision first
    int year = 0;
    for (const YearMention& y : years) {
      if (y.kind == YearKind::kExplicit && y.span.begin >= head_span.begin && y.span.end <= head_span.end) {
        year = y.year;
      }
    }
    if (!year) year = doc_year;
    const bool percent =
        best.score_col >= 0 && doc.Slice(best.header[best.score_col]).find('%') != std::string_view::npos;
    for (const Row& r : best.rows) {
      Figure base;
      base.indicator = indicator;
      base.subject = SubjectOf(*r.unit);
      if (year) base.year = year;
      base.sentence = {r.cells.front().begin, r.cells.back().end};
      base.confidence = 0.85;
      Figure rank = base;
      rank.type = "rank";
      rank.value = r.rank;
      rank.span = r.cells[best.rank_col];
      rank.rule = "table.rank";
      doc.figures.push_back(rank);
      if (best.score_col >= 0) {
        NumberHints h;
        h.percent = percent;
        if (auto v = ParseNumber(doc.Slice(r.cells[best.score_col]), h)) {
          Figure sc = base;
          sc.type = "score";
          sc.value = v->value;
          sc.unit = percent ? "percent" : "points";
          sc.scale = (indicator == "PAPI" && !percent) ? 80 : (v->value <= 1 && !percent) ? 1 : 100;
          sc.span = r.cells[best.score_col];
          sc.rule = "table.score";
          doc.figures.push_back(sc);
        }
      }
      if (best.change_col >= 0) {
        NumberHints h;
        h.integer_expected = true;
        auto v = ParseNumber(doc.Slice(r.cells[best.change_col]), h);
        if (v && v->integral && v->value != 0 && v->sign != 0) {
          Figure ch = base;
          ch.type = "change";
          ch.measure = "rank";
          ch.unit = "places";
          ch.direction = v->sign > 0 ? "up" : "down";
          ch.value = std::abs(v->value);
          ch.span = r.cells[best.change_col];
          ch.rule = "table.change";
          doc.figures.push_back(ch);
        }
      }
    }
  }
}

}  // namespace

}  // namespace chiso

// For tests/extractor_internals_test.cc: the fast word count, date search
// and mention searches against the plain ones.
namespace chiso::extractor_testing {
// LowerBound and LastBefore over mentions with these spans (sorted by
// begin); LastBefore accepts the mentions `accept` marks. Indices; -1: none.
long LowerBoundIndex(const std::vector<Span>& spans, size_t pos) {
  std::vector<YearMention> v;
  for (const Span& s : spans) v.push_back({s, 0, YearKind::kExplicit});
  return static_cast<long>(LowerBound(v, pos) - v.begin());
}
long LastBeforeIndex(const std::vector<Span>& spans, const std::vector<bool>& accept, size_t lo, size_t hi) {
  std::vector<YearMention> v;
  for (size_t i = 0; i < spans.size(); ++i) v.push_back({spans[i], static_cast<int>(i), YearKind::kExplicit});
  const YearMention* m = LastBefore(v, lo, hi, [&](const YearMention& y) { return accept[y.year]; });
  return m ? m->year : -1;
}
size_t CountWordsPlain(std::string_view s, size_t limit) { return CountWords(s, limit); }
size_t CountWordsFast(std::string_view s, size_t limit) { return CountWordsUpTo(s, limit); }
std::string FindDateFast(std::string_view head) { return FindDate(head); }
// FindDate before it searched only the text before a slash date.
std::string FindDatePlain(std::string_view head) {
  int d = 0, m = 0, y = 0;
  re2::StringPiece in(head.data(), head.size());
  re2::StringPiece a(in), b(in);
  bool slash = re2::RE2::FindAndConsume(&a, DateSlashRe(), &d, &m, &y);
  size_t slash_at = slash ? head.size() - a.size() : head.size();
  int d2 = 0, m2 = 0, y2 = 0;
  bool words = re2::RE2::FindAndConsume(&b, DateWordsRe(), &d2, &m2, &y2);
  size_t words_at = words ? head.size() - b.size() : head.size();
  if (words && words_at < slash_at) { d = d2; m = m2; y = y2; slash = true; }
  if (!slash || m < 1 || m > 12 || d < 1 || d > 31 || y < 1990 || y > 2100) return "";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}
}  // namespace chiso::extractor_testing
