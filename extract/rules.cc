#include "extract/rules.h"

#include <re2/re2.h>
#include <re2/set.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/fold.h"
#include "extract/lazy_regex.h"
#include "extract/multi_scan.h"
#include "extract/scan_text.h"
#include "normalize/numbers.h"

namespace chiso {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::set<std::string, std::less<>> kStringFields = {
    "type",  "indicator", "component", "approx", "unit",  "group",
    "scope", "direction", "measure",   "object", "status", "level"};

const std::set<std::string, std::less<>> kTypes = {"score", "rank", "change", "count",
                                                   "rate"};

Status ReadJson(const fs::path& path, json* out) {
  std::ifstream in(path);
  if (!in) return Status::Error(path.string() + ": cannot open");
  try {
    *out = json::parse(in, nullptr, true, /*ignore_comments=*/true);
  } catch (const json::exception& e) {
    return Status::Error(path.string() + ": " + e.what());
  }
  return Status::OK();
}

// Replaces {NAME} with macros[NAME]; unknown names are an error.
Status ExpandMacros(const std::map<std::string, std::string>& macros, std::string* pattern) {
  std::string out;
  for (size_t i = 0; i < pattern->size();) {
    char c = (*pattern)[i];
    if (c == '\\' && i + 1 < pattern->size()) {  // keep escapes, incl. \{ and \p{L}
      size_t j = i + 2;
      if ((*pattern)[i + 1] == 'p' && j < pattern->size() && (*pattern)[j] == '{') {
        j = pattern->find('}', j);
        j = j == std::string::npos ? pattern->size() : j + 1;
      }
      out.append(*pattern, i, j - i);
      i = j;
      continue;
    }
    if (c == '{') {
      size_t close = pattern->find('}', i);
      std::string name = close == std::string::npos ? "" : pattern->substr(i + 1, close - i - 1);
      bool is_name = !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
        return (ch >= 'A' && ch <= 'Z') || ch == '_';
      });
      if (is_name) {
        auto it = macros.find(name);
        if (it == macros.end()) return Status::Error("unknown macro {" + name + "}");
        out += "(?:" + it->second + ")";
        i = close + 1;
        continue;
      }
    }
    out.push_back(c);
    ++i;
  }
  *pattern = std::move(out);
  return Status::OK();
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlnum(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// A numeral must stand alone: not the tail or head of a date, a document
// number ("334/BC-MTTW", "18-NQ/TW"), a code ("COVID-19", "BA.5") or a longer
// number. RE2 has no look-around, so this is checked here, once, for all rules.
bool NumeralStandsAlone(std::string_view t, size_t b, size_t e, bool allow_slash_after,
                        bool check_before = true) {
  if (check_before && b > 0) {
    char p = t[b - 1];
    if (IsAsciiAlnum(p)) return false;
    if (b > 1 && (p == '.' || p == ',' || p == '/' || p == '-') && IsAsciiAlnum(t[b - 2])) {
      return false;
    }
    if (static_cast<unsigned char>(p) >= 0x80) {
      // A letter right before the digits ("Đ1"): treat as a code.
      size_t k = b - 1;
      while (k > 0 && (static_cast<unsigned char>(t[k]) & 0xC0) == 0x80) --k;
      size_t pos = k;
      char32_t cp = DecodeUtf8(t, &pos);
      if (cp >= 0xC0 && cp < 0x2000) return false;
    }
  }
  if (e < t.size()) {
    char n = t[e];
    if (IsAsciiAlnum(n)) return false;
    if (e + 1 < t.size()) {
      char n2 = t[e + 1];
      if ((n == '.' || n == ',') && IsDigit(n2)) return false;
      if (n == '/' && !allow_slash_after) return false;
      if (n == '-' && IsAsciiAlnum(n2)) return false;
    }
  }
  return true;
}

std::string Lower(std::string_view s) { return FoldVietnamese(s); }

bool StartsWithWord(std::string_view text, std::string_view word) {
  if (text.substr(0, word.size()) != word) return false;
  if (text.size() == word.size()) return true;
  char c = text[word.size()];
  return !IsAsciiAlnum(c) && static_cast<unsigned char>(c) < 0x80;
}

// Folded text after `end` (spaces skipped) and the last three words before
// `begin`, for the word-level guards.
bool PassesGuards(const Rule& rule, std::string_view doc_text, size_t begin, size_t end, bool folded) {
  const auto& not_followed_by = folded ? rule.not_followed_by : rule.not_followed_by_lc;
  const auto& followed_by = folded ? rule.followed_by : rule.followed_by_lc;
  const auto& not_preceded_by = folded ? rule.not_preceded_by : rule.not_preceded_by_lc;
  // Both folds map each code point on its own (core/fold_test checks it),
  // so a substring folds in one call.
  auto lower = [&](std::string_view t) {
    std::string out;
    if (folded) {
      FoldVietnamese(t, &out);
    } else {
      LowerKeepingMarks(t, /*collapse_spaces=*/false, &out);
    }
    return out;
  };
  // Both folds map each code point on its own, and each code point but a
  // combining mark gives at least one byte: the words after the match only
  // need the first (longest word + 1) code points folded.
  auto lower_prefix = [&](std::string_view t, size_t limit) {
    size_t cut = 0;
    for (size_t count = 0; cut < t.size() && count < limit;) {
      char32_t cp = DecodeUtf8(t, &cut);
      if (cp < 0x0300 || cp > 0x036F) ++count;
    }
    return lower(t.substr(0, cut));
  };
  // A match that ends by consuming a boundary character (",", ";", " ") is
  // followed by punctuation: the word guards after it pass.
  bool ends_on_boundary = end > begin && std::string_view(",;:.!?)(\n").find(doc_text[end - 1]) !=
                                             std::string_view::npos;
  if (!ends_on_boundary && (!not_followed_by.empty() || !followed_by.empty())) {
    size_t p = end;
    while (p < doc_text.size() && doc_text[p] == ' ') ++p;
    size_t longest = 0;
    for (const auto& w : not_followed_by) longest = std::max(longest, w.size());
    for (const auto& w : followed_by) longest = std::max(longest, w.size());
    std::string after =
        lower_prefix(doc_text.substr(p, std::min<size_t>(48, doc_text.size() - p)), longest + 1);
    for (const auto& w : not_followed_by) {
      if (StartsWithWord(after, w)) return false;
    }
    if (!followed_by.empty() && !after.empty() &&
        (IsAsciiAlnum(after[0]) || static_cast<unsigned char>(after[0]) >= 0x80)) {
      bool any = false;
      for (const auto& w : followed_by) any = any || StartsWithWord(after, w);
      if (!any) return false;
    }
  }
  if (!not_preceded_by.empty()) {
    size_t b = begin, words = 0;
    while (b > 0 && words < 6) {  // the five words before the numeral
      --b;
      if (doc_text[b] == ' ') ++words;
      if (doc_text[b] == '\n' || doc_text[b] == '.' || doc_text[b] == ';') { ++b; break; }
    }
    while (b < begin && (static_cast<unsigned char>(doc_text[b]) & 0xC0) == 0x80) ++b;
    std::string before = " " + lower(doc_text.substr(b, begin - b));
    for (const auto& w : not_preceded_by) {
      size_t at = before.find(w);
      while (at != std::string::npos) {
        bool left = at == 0 || !IsAsciiAlnum(before[at - 1]);
        bool right = at + w.size() >= before.size() || !IsAsciiAlnum(before[at + w.size()]);
        if (left && right) return false;
        at = before.find(w, at + 1);
      }
    }
  }
  return true;
}

// Groups that carry the number itself rather than a string field.
bool IsNumericGroup(std::string_view name) {
  return name == "value" || name == "out_of" || name == "scale" || name == "from_year" ||
         name == "sign" || name == "ord";
}

// One set of options for every rule pattern: the set, each rule's RE2, the
// folded twins.
RE2::Options RuleOptions() {
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_max_mem(64 << 20);
  return opts;
}

// Names of the (?P<name>...) groups of an RE2 pattern, from its text.
std::vector<std::string> GroupNames(std::string_view pattern) {
  std::vector<std::string> names;
  for (size_t i = 0; i + 4 < pattern.size(); ++i) {
    if (pattern[i] == '\\') { ++i; continue; }
    if (pattern.compare(i, 4, "(?P<") != 0) continue;
    size_t e = pattern.find('>', i + 4);
    if (e == std::string_view::npos) break;
    names.emplace_back(pattern.substr(i + 4, e - i - 4));
    i = e;
  }
  return names;
}

// Compiles a rule's RE2 and finds its groups, once.
const Rule& Compiled(Rule& rule) {
  std::call_once(*rule.compile_once, [&rule] {
    rule.re = std::make_unique<RE2>(rule.full_pattern, RuleOptions());
    const auto& groups = rule.re->NamedCapturingGroups();
    auto group = [&](const char* name) {
      auto it = groups.find(name);
      return it == groups.end() ? 0 : it->second;
    };
    rule.g_value = group("value");
    rule.g_out_of = group("out_of");
    rule.g_scale = group("scale");
    rule.g_from_year = group("from_year");
    rule.g_sign = group("sign");
    rule.g_ord = group("ord");
    for (const auto& [name, idx] : groups) {
      if (!IsNumericGroup(name)) rule.g_fields.emplace_back(name, idx);
    }
  });
  return rule;
}

}  // namespace

// The patterns are wrapped in "(?:...)": one like "a)|(b", invalid alone,
// would parse once wrapped. True unless a ')' closes more groups than were
// opened (escapes, classes and \Q...\E skipped); RE2 reports the rest.
bool ClosesOnlyItsOwnGroups(std::string_view p) {
  int depth = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\') {
      if (i + 1 < p.size() && p[i + 1] == 'Q') {
        size_t e = p.find("\\E", i + 2);
        if (e == std::string_view::npos) return true;
        i = e + 1;
      } else {
        ++i;
      }
    } else if (p[i] == '[') {
      size_t j = i + 1;
      if (j < p.size() && p[j] == '^') ++j;
      if (j < p.size() && p[j] == ']') ++j;
      for (; j < p.size() && p[j] != ']'; ++j) {
        if (p[j] == '\\') ++j;
      }
      i = j;
    } else if (p[i] == '(') {
      ++depth;
    } else if (p[i] == ')' && --depth < 0) {
      return false;
    }
  }
  return true;
}

struct RuleSet::Impl {
  // Per-rule scanning (MatchPath::kPerRule): RE2::Set passes say which rules
  // match anywhere, in two sets compiled side by side at load.
  static constexpr size_t kShards = 2;
  std::unique_ptr<PatternSets> sets_original;
  // The folded side (patterns with letters folded, for unaccented text) is
  // compiled on first use: most runs never need it.
  std::vector<std::unique_ptr<LazyRE2>> folded;  // per rule
  std::once_flag sets_folded_once;
  std::unique_ptr<PatternSets> sets_folded;
  // The single-pass scanners (see MultiScanner), compiled on first use.
  LazyScanner original, folded_scanner;
  ScannerSwitch scanner_switch;

  const PatternSets& PerRuleSets(bool folded_text) {
    if (!folded_text) return *sets_original;
    std::call_once(sets_folded_once, [this] {
      std::vector<const std::string*> patterns;
      for (const auto& f : folded) patterns.push_back(&f->pattern());
      sets_folded = std::make_unique<PatternSets>(patterns, RuleOptions(), kShards);
    });
    return *sets_folded;
  }

  // nullptr if it failed to compile or, unless `wait`, is being compiled.
  const MultiScanner* ScannerFor(bool folded_text, const std::vector<std::unique_ptr<Rule>>& rules,
                                 bool wait) {
    return (folded_text ? folded_scanner : original).Get(wait, [&] {
      std::vector<const std::string*> patterns;
      for (size_t i = 0; i < rules.size(); ++i) {
        patterns.push_back(folded_text ? &folded[i]->pattern() : &rules[i]->full_pattern);
      }
      return std::make_unique<MultiScanner>(patterns, RuleOptions());
    });
  }
};

RuleSet::RuleSet() : impl_(std::make_unique<Impl>()) {}
RuleSet::~RuleSet() = default;

const Rule* RuleSet::Find(std::string_view id) const {
  for (const auto& r : rules_) {
    if (r->id == id) return r.get();
  }
  return nullptr;
}

bool SetFigureField(Figure& f, std::string_view field, std::string_view value) {
  std::string v(value);
  if (field == "type") f.type = v;
  else if (field == "indicator") f.indicator = v;
  else if (field == "component") f.component = v;
  else if (field == "approx") f.approx = v;
  else if (field == "unit") f.unit = v;
  else if (field == "group") f.group = v;
  else if (field == "scope") f.scope = v;
  else if (field == "direction") f.direction = v;
  else if (field == "measure") f.measure = v;
  else if (field == "object") f.object = v;
  else if (field == "status") f.status = v;
  else if (field == "level") f.level = v;
  else return false;
  return true;
}

Status RuleSet::Load(const std::string& dir, std::unique_ptr<RuleSet>* out) {
  std::unique_ptr<RuleSet> rs(new RuleSet());
  fs::path macros_path = fs::path(dir) / "macros.json";
  json mj;
  if (Status s = ReadJson(macros_path, &mj); !s.ok()) return s;
  std::map<std::string, std::string> macros;
  std::map<std::string, std::map<std::string, std::string>> global_maps;
  macros["NUM"] = std::string(kNumeralPattern) + kMultiplierPattern;
  macros["SPELLED"] = kSpelledPattern;
  try {
    for (auto& [k, v] : mj.at("macros").items()) macros[k] = v.get<std::string>();
    // Macros may refer to earlier ones; expand to a fixed point (bounded).
    for (int round = 0; round < 4; ++round) {
      for (auto& [k, v] : macros) {
        if (k == "NUM" || k == "SPELLED") continue;
        if (Status s = ExpandMacros(macros, &v); !s.ok()) {
          return Status::Error(macros_path.string() + ": macro " + k + ": " + s.message());
        }
      }
    }
    if (mj.contains("maps")) {
      for (auto& [field, m] : mj["maps"].items()) {
        for (auto& [surface, value] : m.items()) {
          global_maps[field][Lower(surface)] = value.get<std::string>();
        }
      }
    }
  } catch (const json::exception& e) {
    return Status::Error(macros_path.string() + ": " + e.what());
  }

  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".json" && entry.path().filename() != "macros.json") {
      files.push_back(entry.path());
    }
  }
  if (ec) return Status::Error(dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  if (files.empty()) return Status::Error(dir + ": no rule files");

  const RE2::Options opts = RuleOptions();
  std::set<std::string> ids;
  std::vector<std::string> wheres;  // per rule, for errors of the sets

  for (const fs::path& path : files) {
    json fj;
    if (Status s = ReadJson(path, &fj); !s.ok()) return s;
    if (!fj.contains("rules") || !fj["rules"].is_array()) {
      return Status::Error(path.string() + ": expected {\"rules\": [...]}");
    }
    for (const json& rj : fj["rules"]) {
      auto rule = std::make_unique<Rule>();
      rule->file = path.filename().string();
      std::string where = path.string() + ": rule ";
      try {
        rule->id = rj.at("id").get<std::string>();
        where += rule->id + ": ";
        if (!ids.insert(rule->id).second) return Status::Error(where + "duplicate id");
        rule->description = rj.value("description", "");
        rule->type = rj.at("type").get<std::string>();
        for (size_t b = 0; b <= rule->type.size();) {
          size_t e = rule->type.find('|', b);
          if (e == std::string::npos) e = rule->type.size();
          if (!kTypes.count(rule->type.substr(b, e - b))) {
            return Status::Error(where + "unknown type " + rule->type);
          }
          b = e + 1;
        }
        auto folded_list = [&](const char* key) {
          std::vector<std::string> v;
          for (const auto& w : rj.value(key, std::vector<std::string>{})) v.push_back(Lower(w));
          return v;
        };
        rule->not_followed_by = folded_list("not_followed_by");
        rule->followed_by = folded_list("followed_by");
        rule->not_preceded_by = folded_list("not_preceded_by");
        auto lower_list = [&](const char* key) {
          std::vector<std::string> v;
          for (const auto& w : rj.value(key, std::vector<std::string>{})) v.push_back(LowerKeepingMarks(w));
          return v;
        };
        rule->not_followed_by_lc = lower_list("not_followed_by");
        rule->followed_by_lc = lower_list("followed_by");
        rule->not_preceded_by_lc = lower_list("not_preceded_by");
        if (rj.contains("value")) rule->fixed_value = rj["value"].get<double>();
        rule->indicators = rj.value("indicators", std::vector<std::string>{});
        rule->pattern = rj.at("pattern").get<std::string>();
        rule->confidence = rj.value("confidence", 0.9);
        rule->priority = rj.value("priority", 0);
        if (rj.contains("set")) {
          for (auto& [k, v] : rj["set"].items()) {
            if (!kStringFields.count(k)) return Status::Error(where + "unknown field in set: " + k);
            rule->set[k] = v.get<std::string>();
          }
        }
        rule->maps = global_maps;
        if (rj.contains("maps")) {
          for (auto& [field, m] : rj["maps"].items()) {
            rule->maps[field].clear();
            for (auto& [surface, value] : m.items()) {
              rule->maps[field][Lower(surface)] = value.get<std::string>();
            }
          }
        }
        for (const auto& req : rj.value("requires", std::vector<std::string>{})) {
          if (req == "indicator") rule->requirements.push_back(Requirement::kIndicator);
          else if (req == "object") rule->requirements.push_back(Requirement::kObject);
          else if (req == "subject") rule->requirements.push_back(Requirement::kSubject);
          else return Status::Error(where + "unknown requirement " + req);
        }
        std::string subj = rj.value("subject", "preceding");
        if (subj == "following") rule->subject = SubjectPosition::kFollowing;
        else if (subj != "preceding") return Status::Error(where + "subject must be preceding|following");
        for (const json& ex : rj.value("examples", json::array())) {
          RuleExample e;
          e.text = ex.at("text").get<std::string>();
          for (const json& f : ex.value("figures", json::array())) e.figures.push_back(f.dump());
          rule->examples.push_back(std::move(e));
        }
        for (const json& ce : rj.value("counter_examples", json::array())) {
          rule->counter_examples.push_back(ce.get<std::string>());
        }
      } catch (const json::exception& e) {
        return Status::Error(where + e.what());
      }
      if (rule->examples.size() < 2) {
        return Status::Error(where + "needs at least two examples");
      }
      if (Status s = ExpandMacros(macros, &rule->pattern); !s.ok()) {
        return Status::Error(where + s.message());
      }
      std::string full = (rj.value("case_sensitive", false) ? "" : "(?i)") + rule->pattern;
      // Each rule's own RE2 compiles on its first hit (start-up compiles only
      // the set); group names are checked here, from the pattern's text.
      std::vector<std::string> names = GroupNames(full);
      auto has = [&](const char* n) { return std::find(names.begin(), names.end(), n) != names.end(); };
      if (rule->fixed_value && !has("ord")) return Status::Error(where + "a fixed value needs an (?P<ord>...) group");
      if (!has("value") && !has("ord")) return Status::Error(where + "pattern has no (?P<value>...) group");
      for (const std::string& name : names) {
        if (!IsNumericGroup(name) && !kStringFields.count(name)) {
          return Status::Error(where + "unknown group (?P<" + name + ">)");
        }
      }
      rule->full_pattern = full;
      auto unit = rule->set.find("unit");
      auto unit_is = [&](const char* u) { return unit != rule->set.end() && unit->second == u; };
      rule->hints.percent = rule->type == "rate" || unit_is("percent");
      rule->hints.integer_expected =
          rule->type == "count" || rule->type == "rank" || unit_is("places") || unit_is("count");
      rule->compile_once = std::make_unique<std::once_flag>();
      std::string err;
      if (!ClosesOnlyItsOwnGroups(full)) return Status::Error(where + "RE2::Set: unexpected ): " + full);
      wheres.push_back(where);
      rs->impl_->folded.push_back(std::make_unique<LazyRE2>(FoldPattern(full), opts));
      rs->rules_.push_back(std::move(rule));
    }
  }
  std::vector<const std::string*> patterns;
  for (const auto& r : rs->rules_) patterns.push_back(&r->full_pattern);
  rs->impl_->sets_original = std::make_unique<PatternSets>(patterns, opts, Impl::kShards);
  if (const PatternSets& sets = *rs->impl_->sets_original; !sets.ok()) {
    if (sets.bad() < patterns.size()) return Status::Error(wheres[sets.bad()] + "RE2::Set: " + sets.error());
    return Status::Error(dir + ": RE2::Set failed to compile (out of memory?)");
  }
  *out = std::move(rs);
  return Status::OK();
}

const MultiScanner* RuleSet::Scanner() const { return impl_->ScannerFor(false, rules_, true); }

Status RuleSet::CompileAll() const {
  for (size_t i = 0; i < rules_.size(); ++i) {
    const Rule& rule = Compiled(*rules_[i]);
    if (!rule.re->ok()) return Status::Error("rule " + rule.id + ": bad pattern: " + rule.re->error());
    const RE2& re = impl_->folded[i]->get();
    if (!re.ok()) return Status::Error("rule " + rules_[i]->id + ": bad folded pattern: " + re.error());
  }
  if (!impl_->PerRuleSets(true).ok()) return Status::Error("the folded RE2::Set failed to compile");
  if (impl_->ScannerFor(false, rules_, true) == nullptr) return Status::Error("the rule scanner failed to compile");
  if (impl_->ScannerFor(true, rules_, true) == nullptr) return Status::Error("the folded rule scanner failed to compile");
  return Status::OK();
}

namespace {

// In text order; ties in rule order, then match order (the order the
// per-rule scans produced them in). Sorting indices moves each candidate once.
void SortCandidates(std::vector<Candidate>* out, size_t first, const std::vector<int>& cand_rule) {
  thread_local std::vector<uint32_t> order;
  order.resize(out->size() - first);
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  const Candidate* base = out->data() + first;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    size_t ba = base[a].figure.span.begin, bb = base[b].figure.span.begin;
    if (ba != bb) return ba < bb;
    if (cand_rule[a] != cand_rule[b]) return cand_rule[a] < cand_rule[b];
    return a < b;
  });
  bool sorted = true;
  for (uint32_t i = 0; i < order.size() && sorted; ++i) sorted = order[i] == i;
  if (!sorted) {
    std::vector<Candidate> moved;
    moved.reserve(order.size());
    for (uint32_t i : order) moved.push_back(std::move((*out)[first + i]));
    std::move(moved.begin(), moved.end(), out->begin() + first);
  }
}

}  // namespace

// One match of `rule` (groups[0..n)) becomes a candidate if its numeral
// stands alone, parses and passes the rule's guards. Returns where the rule's
// next match may start.
size_t RuleSet::AddCandidate(const Rule& rule, int idx, const re2::StringPiece* groups, int n,
                             const ScanText& scan, std::vector<Candidate>* out,
                             std::vector<int>* cand_rule) const {
  std::string_view t = scan.text;
  auto off = [&](const re2::StringPiece& g) { return static_cast<size_t>(g.data() - t.data()); };
  size_t next = off(groups[0]) + std::max<size_t>(1, groups[0].size());
  const re2::StringPiece& vg = rule.g_value && groups[rule.g_value].data() ? groups[rule.g_value]
                                                                          : groups[rule.g_ord];
  if (vg.data() == nullptr) return next;
  size_t vb = off(vg), ve = vb + vg.size();
  // Resume right after the value, not after the whole match: a match may
  // end by consuming the boundary the next one starts with ("... và cấp xã 18").
  next = std::max(off(groups[0]) + 1, ve);
  bool numeric = rule.g_value && groups[rule.g_value].data();
  bool has_total = (rule.g_out_of && groups[rule.g_out_of].data()) ||
                   (rule.g_scale && groups[rule.g_scale].data());
  auto alone = [&](const re2::StringPiece& g, bool slash_ok, bool check_before) {
    return NumeralStandsAlone(t, off(g), off(g) + g.size(), slash_ok, check_before);
  };
  bool ok = !numeric || alone(vg, has_total, true);
  // A total follows a '/' by construction: only its end is checked.
  for (int gi : {rule.g_out_of, rule.g_scale}) {
    if (ok && gi && groups[gi].data()) ok = alone(groups[gi], false, false);
  }
  Candidate c;
  Figure& f = c.figure;
  if (ok) {
    NumberHints hints = rule.hints;
    hints.convention = scan.convention;
    if (numeric) {
      auto num = ParseNumber(std::string_view(vg.data(), vg.size()), hints);
      if (!num) ok = false;
      else {
        f.value = num->value;
        if (num->sign < 0) { f.direction = "down"; c.has_direction = true; }
        if (num->sign > 0) { f.direction = "up"; c.has_direction = true; }
        f.value = std::abs(f.value);
      }
    } else if (rule.fixed_value) {
      f.value = *rule.fixed_value;
    } else {
      // Ordinals ("nhất", "tư") only read as numbers after "thứ".
      std::string ord = "thứ " + std::string(vg.data(), vg.size());
      auto n2 = ParseSpelledNumber(ord);
      if (!n2) n2 = ParseSpelledNumber(std::string_view(vg.data(), vg.size()));
      if (!n2) ok = false; else f.value = *n2;
    }
  }
  if (ok && !(rule.not_followed_by.empty() && rule.followed_by.empty() &&
              rule.not_preceded_by.empty())) {
    size_t whole_end = 0;
    for (int gi = 0; gi < n; ++gi) {
      if (groups[gi].data()) whole_end = std::max(whole_end, off(groups[gi]) + groups[gi].size());
    }
    ok = PassesGuards(rule, scan.text, vb, whole_end, scan.folded);
  }
  if (ok) {
    auto parse_int = [&](int gi) -> std::optional<int> {
      if (!gi || !groups[gi].data()) return std::nullopt;
      NumberHints h;
      h.integer_expected = true;
      auto n = ParseNumber(std::string_view(groups[gi].data(), groups[gi].size()), h);
      if (!n || !n->integral || n->value > 1e9) return std::nullopt;
      return static_cast<int>(n->value);
    };
    f.out_of = parse_int(rule.g_out_of);
    f.from_year = parse_int(rule.g_from_year);
    if (rule.g_scale && groups[rule.g_scale].data()) {
      auto n = ParseNumber(std::string_view(groups[rule.g_scale].data(), groups[rule.g_scale].size()));
      if (n) f.scale = n->value;
    }
    f.type = rule.type;
    for (const auto& [k, v] : rule.set) SetFigureField(f, k, v);
    if (rule.g_sign && groups[rule.g_sign].data() && !groups[rule.g_sign].empty()) {
      f.direction = groups[rule.g_sign][0] == '-' ? "down" : "up";
      c.has_direction = true;
    }
    for (const auto& [field, gi] : rule.g_fields) {
      if (!groups[gi].data() || groups[gi].empty()) continue;
      std::string key = FoldVietnamese(std::string_view(groups[gi].data(), groups[gi].size()));
      auto m = rule.maps.find(field);
      if (m == rule.maps.end()) {  // no vocabulary: the surface is the value ("nhóm B")
        SetFigureField(f, field, std::string_view(groups[gi].data(), groups[gi].size()));
        continue;
      }
      auto v = m->second.find(key);
      if (v == m->second.end()) continue;
      SetFigureField(f, field, v->second);
      if (field == "direction") c.has_direction = true;
    }
    c.numeral = {scan.ToText(vb), scan.ToText(ve)};
    // The surface text includes the unit/approx words the rule matched
    // around the numeral ("trên 83%", "42,676/80 điểm").
    size_t sb = vb, se = ve;
    for (int gi = 1; gi < n; ++gi) {
      if (!groups[gi].data() || groups[gi].empty()) continue;
      sb = std::min(sb, off(groups[gi]));
      se = std::max(se, off(groups[gi]) + groups[gi].size());
    }
    f.span = {scan.ToText(sb), scan.ToText(se)};
    c.match = {scan.ToText(off(groups[0])), scan.ToText(off(groups[0]) + groups[0].size())};
    f.rule = rule.id;
    f.confidence = rule.confidence;
    c.rule = &rule;
    out->push_back(std::move(c));
    cand_rule->push_back(idx);
  }
  return next;
}

void RuleSet::Match(const ScanText& scan, std::vector<Candidate>* out, MatchPath path) const {
  std::string_view t = scan.text;
  constexpr int kMaxGroups = 16;
  re2::StringPiece groups[kMaxGroups];
  const size_t first = out->size();
  thread_local std::vector<int> hits;
  thread_local std::vector<int> cand_rule;
  cand_rule.clear();
  // kAuto does not wait for a scanner another thread is compiling: the
  // per-rule path gives the same candidates.
  const bool wait = path == MatchPath::kSinglePass;
  if (path == MatchPath::kAuto) {
    path = impl_->scanner_switch.Count(t.size()) ? MatchPath::kSinglePass : MatchPath::kPerRule;
  }
  if (path == MatchPath::kSinglePass) {
    if (const MultiScanner* scanner = impl_->ScannerFor(scan.folded, rules_, wait)) {
      // Per rule, where its next match may start (as when each rule scanned
      // the text on its own).
      thread_local std::vector<size_t> resume;
      resume.assign(rules_.size(), 0);
      const bool complete = scanner->Scan(t, [&](size_t start, const std::vector<int>& at) {
        for (int idx : at) {
          if (resume[idx] > start) continue;
          const Rule& rule = Compiled(*rules_[idx]);
          const RE2& re = scan.folded ? impl_->folded[idx]->get() : *rule.re;
          int n = std::min(kMaxGroups, re.NumberOfCapturingGroups() + 1);
          if (!MatchAnchored(re, t, start, groups, n)) continue;
          resume[idx] = AddCandidate(rule, idx, groups, n, scan, out, &cand_rule);
        }
      });
      if (complete) {
        SortCandidates(out, first, cand_rule);
        return;
      }
      // The scanner's set ran out of memory: start again, one rule at a time.
      out->erase(out->begin() + static_cast<std::ptrdiff_t>(first), out->end());
      cand_rule.clear();
    }  // else it failed to compile (or is compiling): the same, one rule at a time
  }
  impl_->PerRuleSets(scan.folded).Matching(t, &hits);
  for (int idx : hits) {
    const Rule& rule = Compiled(*rules_[idx]);
    const RE2& re = scan.folded ? impl_->folded[idx]->get() : *rule.re;
    int n = std::min(kMaxGroups, re.NumberOfCapturingGroups() + 1);
    size_t pos = 0;
    while (pos < t.size() && re.Match(t, pos, t.size(), RE2::UNANCHORED, groups, n)) {
      pos = AddCandidate(rule, idx, groups, n, scan, out, &cand_rule);
    }
  }
  SortCandidates(out, first, cand_rule);
}

}  // namespace chiso
