#include "extract/lexicon.h"

#include <re2/re2.h>
#include <re2/set.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/fold.h"
#include "extract/lazy_regex.h"
#include "extract/multi_scan.h"

namespace chiso {
namespace {

using nlohmann::json;

bool IsWordByte(std::string_view t, size_t pos, bool before) {
  // Looks at the code point just before/after `pos`.
  if (before) {
    if (pos == 0) return false;
    size_t k = pos - 1;
    while (k > 0 && (static_cast<unsigned char>(t[k]) & 0xC0) == 0x80) --k;
    size_t p = k;
    char32_t cp = DecodeUtf8(t, &p);
    return (cp < 0x80 && std::isalnum(static_cast<int>(cp))) || (cp >= 0xC0 && cp < 0x2000);
  }
  if (pos >= t.size()) return false;
  size_t p = pos;
  char32_t cp = DecodeUtf8(t, &p);
  return (cp < 0x80 && std::isalnum(static_cast<int>(cp))) || (cp >= 0xC0 && cp < 0x2000);
}

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

std::optional<LexCategory> CategoryFromName(const std::string& s) {
  if (s == "object") return LexCategory::kObject;
  if (s == "status") return LexCategory::kStatus;
  if (s == "level") return LexCategory::kLevel;
  if (s == "nation") return LexCategory::kNation;
  if (s == "aggregate") return LexCategory::kAggregate;
  if (s == "self") return LexCategory::kSelf;
  if (s == "scope") return LexCategory::kScope;
  if (s == "rate_head") return LexCategory::kRateHead;
  if (s == "target") return LexCategory::kTarget;
  if (s == "component_marker") return LexCategory::kComponentMarker;
  if (s == "noise") return LexCategory::kNoise;
  if (s == "merger") return LexCategory::kMerger;
  return std::nullopt;
}

}  // namespace

struct Lexicon::YearSets {
  RE2::Options options;
  std::vector<std::string> patterns, folded_patterns;
  std::once_flag once[2];
  std::unique_ptr<PatternSets> sets[2];  // [0] as written, [1] folded
  LazyScanner scanners[2];
  ScannerSwitch scanner_switch;

  const PatternSets& Get(bool folded) {
    const int i = folded ? 1 : 0;
    std::call_once(once[i], [&] {
      std::vector<const std::string*> ps;
      for (const std::string& p : folded ? folded_patterns : patterns) ps.push_back(&p);
      sets[i] = std::make_unique<PatternSets>(ps, options, /*shards=*/1);
    });
    return *sets[i];
  }

  // nullptr if the scanner failed to build or, unless `wait`, is being
  // built by another thread: then the per-pattern path.
  const MultiScanner* Scanner(bool folded, bool wait) {
    return scanners[folded ? 1 : 0].Get(wait, [&] {
      std::vector<const std::string*> ps;
      for (const std::string& p : folded ? folded_patterns : patterns) ps.push_back(&p);
      return std::make_unique<MultiScanner>(ps, options);
    });
  }
};

namespace {

// Every capture of a year match that is a year (4 ASCII digits, 1990..2050).
void AddYears(const ScanText& scan, const re2::StringPiece* g, int n, YearKind kind,
              std::vector<YearMention>* out) {
  std::string_view t = scan.text;
  for (int i = 1; i < n; ++i) {
    // A year is 4 digits (a capture that is not cannot be 1990..2050).
    if (!g[i].data() || g[i].size() != 4 || !std::all_of(g[i].begin(), g[i].end(), IsAsciiDigit)) continue;
    const int year = (g[i][0] - '0') * 1000 + (g[i][1] - '0') * 100 + (g[i][2] - '0') * 10 + (g[i][3] - '0');
    if (year < 1990 || year > 2050) continue;
    size_t b = g[i].data() - t.data();
    out->push_back({{scan.ToText(b), scan.ToText(b + 4)}, year, kind});
  }
}

}  // namespace

Lexicon::Lexicon() : year_sets_(std::make_unique<YearSets>()) {}
Lexicon::~Lexicon() = default;

Status Lexicon::Load(const std::string& path, std::unique_ptr<Lexicon>* out) {
  std::ifstream in(path);
  if (!in) return Status::Error(path + ": cannot open");
  json j;
  try {
    j = json::parse(in, nullptr, true, true);
  } catch (const json::exception& e) {
    return Status::Error(path + ": " + e.what());
  }
  std::unique_ptr<Lexicon> lex(new Lexicon());
  std::string alternation;
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_longest_match(true);
  opts.set_case_sensitive(false);
  try {
    int n = 0;
    for (const json& e : j.at("words")) {
      ++n;
      auto cat = CategoryFromName(e.at("category").get<std::string>());
      if (!cat) return Status::Error(path + ": entry " + std::to_string(n) + ": unknown category");
      std::string alt;
      const size_t entry = lex->entries_.size();
      for (const json& p : e.at("patterns")) {
        std::string pat = p.get<std::string>();
        if (pat.find_first_of("\\()[]{}|?*+.^$") == std::string::npos) {
          lex->literal_.emplace(LowerKeepingMarks(pat, /*collapse_spaces=*/true), entry);
          lex->literal_folded_.emplace(FoldVietnamese(pat), entry);
        } else {
          RE2::Options po;
          po.set_log_errors(false);
          po.set_case_sensitive(false);
          auto re = std::make_unique<RE2>(pat, po);
          if (!re->ok()) {
            return Status::Error(path + ": entry " + std::to_string(n) + ": " + re->error());
          }
          if (re->NumberOfCapturingGroups() != 0) {
            return Status::Error(path + ": entry " + std::to_string(n) + ": use (?:...) groups only");
          }
          lex->patterned_.emplace_back(std::move(re), entry);
          lex->patterned_folded_.emplace_back(std::make_unique<LazyRE2>(FoldPattern(pat), po), entry);
        }
        if (!alt.empty()) alt += "|";
        alt += pat;
      }
      if (!alternation.empty()) alternation += "|";
      alternation += "(?:" + alt + ")";
      lex->entries_.push_back({*cat, e.value("value", ""), e.value("object", "")});
    }
    for (const json& y : j.at("years")) {
      std::string kind = y.at("kind").get<std::string>();
      YearPattern yp;
      if (kind == "explicit") yp.kind = YearKind::kExplicit;
      else if (kind == "comparison") yp.kind = YearKind::kComparison;
      else if (kind == "period") yp.kind = YearKind::kPeriod;
      else if (kind == "date") yp.kind = YearKind::kDate;
      else return Status::Error(path + ": years: unknown kind " + kind);
      std::string pat = y.at("pattern").get<std::string>();
      RE2::Options yo;
      yo.set_log_errors(false);
      yo.set_case_sensitive(false);
      yp.re = std::make_unique<RE2>(pat, yo);
      yp.re_folded = std::make_unique<LazyRE2>(FoldPattern(pat), yo);
      if (!yp.re->ok() || yp.re->NumberOfCapturingGroups() < 1) {
        return Status::Error(path + ": years: bad pattern " + pat + ": " + yp.re->error());
      }
      lex->year_sets_->options = yo;
      lex->year_sets_->patterns.push_back(pat);
      lex->year_sets_->folded_patterns.push_back(yp.re_folded->pattern());
      lex->years_.push_back(std::move(yp));
    }
  } catch (const json::exception& e) {
    return Status::Error(path + ": " + e.what());
  }
  // The accented year set is built now, on the lexicon's start-up thread,
  // not on the first document's path.
  lex->year_sets_->Get(/*folded=*/false);
  lex->words_ = std::make_unique<RE2>(alternation, opts);
  lex->words_folded_ = std::make_unique<LazyRE2>(FoldPattern(alternation), opts);
  if (!lex->words_->ok()) return Status::Error(path + ": " + lex->words_->error());
  *out = std::move(lex);
  return Status::OK();
}

void Lexicon::FindWords(const ScanText& scan, std::vector<LexMention>* out) const {
  out->clear();
  const RE2& re = scan.folded ? words_folded_->get() : *words_;
  const auto& literal = scan.folded ? literal_folded_ : literal_;
  std::string_view t = scan.text;
  constexpr int n = 1;
  re2::StringPiece groups[1];
  size_t pos = 0;
  thread_local std::string key;
  while (pos < t.size() && re.Match(t, pos, t.size(), RE2::UNANCHORED, groups, n)) {
    size_t b = groups[0].data() - t.data(), e = b + groups[0].size();
    if (e == b) { pos = b + 1; continue; }
    // A count of units right after a slash is a total ("26/63 tỉnh"), not
    // a collective subject.
    bool after_slash = b > 0 && std::isdigit(static_cast<unsigned char>(t[b])) &&
                       (t[b - 1] == '/' || t[b - 1] == '.' || t[b - 1] == ',');
    if (after_slash || IsWordByte(t, b, true) || IsWordByte(t, e, false)) {
      // Not on a word boundary: retry one code point later.
      size_t p = b;
      DecodeUtf8(t, &p);
      pos = p;
      continue;
    }
    std::string_view surface = t.substr(b, e - b);
    if (scan.folded) {
      FoldVietnamese(surface, &key);
    } else {
      LowerKeepingMarks(surface, /*collapse_spaces=*/true, &key);
    }
    size_t entry = entries_.size();
    if (auto it = literal.find(key); it != literal.end()) {
      entry = it->second;
    } else {
      auto full = [&](const RE2& pre) {
        return RE2::FullMatch(re2::StringPiece(surface.data(), surface.size()), pre);
      };
      if (scan.folded) {
        for (const auto& [pre, idx] : patterned_folded_) {
          if (full(pre->get())) { entry = idx; break; }
        }
      } else {
        for (const auto& [pre, idx] : patterned_) {
          if (full(*pre)) { entry = idx; break; }
        }
      }
    }
    if (entry < entries_.size()) {
      const Entry& en = entries_[entry];
      out->push_back({{scan.ToText(b), scan.ToText(e)}, en.category, en.value, en.object});
    }
    pos = e;
  }
}

void Lexicon::FindYears(const ScanText& scan, std::vector<YearMention>* out, YearPath path) const {
  out->clear();
  std::string_view t = scan.text;
  const bool wait = path == YearPath::kSinglePass;  // kAuto does not wait for the compile
  if (path == YearPath::kAuto) {
    path = year_sets_->scanner_switch.Count(t.size()) ? YearPath::kSinglePass : YearPath::kPerPattern;
  }
  const MultiScanner* scanner =
      path == YearPath::kSinglePass ? year_sets_->Scanner(scan.folded, wait) : nullptr;
  bool complete = false;
  if (scanner != nullptr) {
    // Per pattern, where its next match may start (as when each pattern
    // scanned the text on its own).
    thread_local std::vector<size_t> resume;
    resume.assign(years_.size(), 0);
    complete = scanner->Scan(t, [&](size_t start, const std::vector<int>& at) {
      for (int k : at) {
        if (resume[k] > start) continue;
        const YearPattern& yp = years_[k];
        const RE2& re = scan.folded ? yp.re_folded->get() : *yp.re;
        const int n = re.NumberOfCapturingGroups() + 1;
        thread_local std::vector<re2::StringPiece> g;
        g.resize(n);
        if (!MatchAnchored(re, t, start, g.data(), n)) continue;
        resume[k] = start + std::max<size_t>(1, g[0].size());
        AddYears(scan, g.data(), n, yp.kind, out);
      }
    });
    if (!complete) out->clear();  // the set ran out of memory: scan per pattern
  }
  if (!complete) FindYearsPerPattern(scan, out);
  // One mention per position: the most specific kind wins (period, date and
  // comparison over explicit), since patterns overlap. Mentions equal in
  // position and kind are equal, so the order the paths found them in does
  // not show.
  std::sort(out->begin(), out->end(), [](const YearMention& a, const YearMention& b) {
    if (a.span.begin != b.span.begin) return a.span.begin < b.span.begin;
    return static_cast<int>(a.kind) > static_cast<int>(b.kind);
  });
  out->erase(std::unique(out->begin(), out->end(),
                         [](const YearMention& a, const YearMention& b) {
                           return a.span.begin == b.span.begin;
                         }),
             out->end());
}

void Lexicon::FindYearsPerPattern(const ScanText& scan, std::vector<YearMention>* out) const {
  std::string_view t = scan.text;
  thread_local std::vector<int> hits;
  year_sets_->Get(scan.folded).Matching(t, &hits);  // the others match nowhere
  for (int k : hits) {
    const YearPattern& yp = years_[k];
    const RE2& re = scan.folded ? yp.re_folded->get() : *yp.re;
    const int n = re.NumberOfCapturingGroups() + 1;
    thread_local std::vector<re2::StringPiece> g;
    g.resize(n);
    size_t pos = 0;
    while (pos < t.size() && re.Match(t, pos, t.size(), RE2::UNANCHORED, g.data(), n)) {
      size_t mb = g[0].data() - t.data();
      pos = mb + std::max<size_t>(1, g[0].size());
      AddYears(scan, g.data(), n, yp.kind, out);
    }
  }
}

}  // namespace chiso
