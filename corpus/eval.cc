#include "corpus/eval.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <set>
#include <unordered_map>
#include <utility>

#include "core/fold.h"

namespace chiso {
namespace {

using nlohmann::json;

const char* const kTypes[] = {"score", "rank", "change", "count", "rate"};

// The member `name` of `obj`, or nullptr when `obj` is not an object or the
// member is absent or null (absent and null mean the same in gold and
// predictions).
const json* Field(const json& obj, const char* name) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string FormatNumber(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

// A field as text for display; "-" for null.
std::string Text(const json* v) {
  if (v == nullptr) return "-";
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number()) return FormatNumber(v->get<double>());
  return v->dump();
}

// A field as a key component: numbers rounded to 4 decimals (so 83.87 and
// 83.870001 agree), strings verbatim, null as "~".
std::string KeyPart(const json* v) {
  if (v == nullptr) return "~";
  if (v->is_number()) {
    return "#" + std::to_string(std::llround(v->get<double>() * 10000.0));
  }
  if (v->is_string()) return "'" + v->get<std::string>();
  return v->dump();
}

std::string StringField(const json& obj, const char* name) {
  const json* v = Field(obj, name);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

bool IsCountLike(const json& fig) {
  std::string type = StringField(fig, "type");
  return type == "count" || type == "rate" ||
         (type == "change" && StringField(fig, "measure") == "count");
}

// Subject comparison key: "unknown" (also for null/missing), "collective"
// (nation, aggregate), else "<kind>:<SubjectNameKey(name)>".
std::string SubjectKey(const json& fig) {
  const json* s = Field(fig, "subject");
  if (s == nullptr || !s->is_object()) return "unknown";
  std::string kind = StringField(*s, "kind");
  if (kind.empty() || kind == "unknown") return "unknown";
  if (kind == "nation" || kind == "aggregate") return "collective";
  return kind + ":" + SubjectNameKey(StringField(*s, "name"));
}

std::string SubjectText(const json& fig) {
  const json* s = Field(fig, "subject");
  if (s == nullptr || !s->is_object()) return "unknown";
  std::string kind = StringField(*s, "kind");
  std::string name = StringField(*s, "name");
  if (kind == "province" || kind == "ministry" || kind == "region") {
    return name.empty() ? kind : name;
  }
  if (kind.empty()) kind = "unknown";
  return name.empty() ? kind : kind + " " + name;
}

std::string ValueKey(const json& fig) {
  std::string type = StringField(fig, "type");
  std::string key = type + "|" + KeyPart(Field(fig, "value"));
  if (type == "rank") key += "|" + KeyPart(Field(fig, "out_of"));
  if (type == "change") {
    key += "|" + KeyPart(Field(fig, "direction")) + "|" +
           KeyPart(Field(fig, "measure"));
  }
  return key;
}

std::string StrictKey(const json& fig) {
  std::string key = ValueKey(fig) + "|" + KeyPart(Field(fig, "indicator")) +
                    "|" + SubjectKey(fig) + "|" + KeyPart(Field(fig, "year"));
  if (IsCountLike(fig)) {
    key += "|" + KeyPart(Field(fig, "object")) + "|" +
           KeyPart(Field(fig, "level"));
  }
  return key;
}

// "rank 26/63 | PAR_INDEX | An Giang | 2020".
std::string Describe(const json& fig) {
  std::string type = StringField(fig, "type");
  std::string d = (type.empty() ? "?" : type) + " " + Text(Field(fig, "value"));
  if (type == "rank") {
    const json* of = Field(fig, "out_of");
    d += "/" + (of == nullptr ? std::string("?") : Text(of));
  }
  if (type == "change") {
    d +=
        " " + Text(Field(fig, "direction")) + " " + Text(Field(fig, "measure"));
  }
  if (IsCountLike(fig)) {
    d += " " + Text(Field(fig, "object")) +
         " level=" + Text(Field(fig, "level"));
  }
  d += " | " + Text(Field(fig, "indicator")) + " | " + SubjectText(fig) +
       " | " + Text(Field(fig, "year"));
  return d;
}

// Strict-key attributes of `a` and `b` that differ, in words ("year 2020 vs
// 2021"), `a` first.
std::vector<std::string> Differences(const json& a, const json& b) {
  std::vector<std::string> diffs;
  auto cmp = [&](const char* name) {
    const json* x = Field(a, name);
    const json* y = Field(b, name);
    if (KeyPart(x) != KeyPart(y)) {
      diffs.push_back(std::string(name) + " " + Text(x) + " vs " + Text(y));
    }
  };
  cmp("indicator");
  if (SubjectKey(a) != SubjectKey(b)) {
    diffs.push_back("subject " + SubjectText(a) + " vs " + SubjectText(b));
  }
  cmp("year");
  if (IsCountLike(a)) {
    cmp("object");
    cmp("level");
  }
  return diffs;
}

std::string Join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

struct Fig {
  const json* fig;
  std::string type, vkey, skey;
};

Fig MakeFig(const json& f) {
  return Fig{&f, StringField(f, "type"), ValueKey(f), StrictKey(f)};
}

struct GoldDoc {
  std::string id;
  std::vector<Fig> required, optional;
};

// Of `candidates` (figures sharing a value key with `fig`), the one whose
// strict attributes differ least from `fig`; nullptr if none.
const Fig* Closest(const json& fig, const std::vector<const Fig*>& candidates) {
  const Fig* best = nullptr;
  size_t best_n = 0;
  for (const Fig* c : candidates) {
    size_t n = Differences(fig, *c->fig).size();
    if (best == nullptr || n < best_n) {
      best = c;
      best_n = n;
    }
  }
  return best;
}

using KeyOf = const std::string& (*)(const Fig&);
const std::string& VKey(const Fig& f) { return f.vkey; }
const std::string& SKey(const Fig& f) { return f.skey; }

// Unique keys in order of first appearance, with the first figure for each.
std::vector<const Fig*> Unique(const std::vector<Fig>& figs, KeyOf key) {
  std::set<std::string> seen;
  std::vector<const Fig*> out;
  for (const Fig& f : figs) {
    if (seen.insert(key(f)).second) out.push_back(&f);
  }
  return out;
}

std::vector<const Fig*> WithValueKey(const std::vector<Fig>& figs,
                                     const std::string& vkey) {
  std::vector<const Fig*> out;
  for (const Fig& f : figs) {
    if (f.vkey == vkey) out.push_back(&f);
  }
  return out;
}

double NumberOr0(const json& fig) {
  const json* v = Field(fig, "value");
  return v != nullptr && v->is_number() ? v->get<double>() : 0.0;
}

EvalReport::Item MakeItem(const std::string& doc, const char* level,
                          const char* kind, const Fig& f, bool with_sentence) {
  EvalReport::Item item;
  item.doc = doc;
  item.level = level;
  item.kind = kind;
  item.type = f.type;
  item.value = NumberOr0(*f.fig);
  item.text = StringField(*f.fig, "text");
  if (with_sentence) item.sentence = StringField(*f.fig, "sentence");
  item.detail = Describe(*f.fig);
  return item;
}

// Scores one document at one level, adding to `all` and `by_type` and, if
// `items` is not null, listing misses and false positives.
void ScoreLevel(const GoldDoc& gold, const std::vector<Fig>& pred, KeyOf key,
                const char* level, Counts* all,
                std::map<std::string, Counts>* by_type,
                std::vector<EvalReport::Item>* items) {
  std::set<std::string> required, any_gold, predicted;
  for (const Fig& f : gold.required) {
    required.insert(key(f));
    any_gold.insert(key(f));
  }
  for (const Fig& f : gold.optional) any_gold.insert(key(f));
  for (const Fig& f : pred) predicted.insert(key(f));
  const bool strict = key == &SKey;

  for (const Fig* p : Unique(pred, key)) {
    Counts& c = (*by_type)[p->type];
    if (required.count(key(*p))) {
      ++c.tp;
      ++all->tp;
    } else if (!any_gold.count(key(*p))) {
      ++c.fp;
      ++all->fp;
      if (items == nullptr) continue;
      EvalReport::Item item = MakeItem(gold.id, level, "false_positive", *p,
                                       /*with_sentence=*/true);
      if (strict) {
        std::vector<const Fig*> same = WithValueKey(gold.required, p->vkey);
        std::vector<const Fig*> opt = WithValueKey(gold.optional, p->vkey);
        same.insert(same.end(), opt.begin(), opt.end());
        if (const Fig* g = Closest(*p->fig, same)) {
          item.detail += "; value matches gold, but " +
                         Join(Differences(*p->fig, *g->fig), ", ") +
                         " (predicted vs gold)";
        }
      }
      items->push_back(std::move(item));
    }
  }
  for (const Fig* g : Unique(gold.required, key)) {
    if (predicted.count(key(*g))) continue;
    Counts& c = (*by_type)[g->type];
    ++c.fn;
    ++all->fn;
    if (items == nullptr) continue;
    EvalReport::Item item =
        MakeItem(gold.id, level, "miss", *g, /*with_sentence=*/false);
    if (strict) {
      if (const Fig* p = Closest(*g->fig, WithValueKey(pred, g->vkey))) {
        item.detail += "; value was predicted, but " +
                       Join(Differences(*p->fig, *g->fig), ", ") +
                       " (predicted vs gold)";
        if (item.sentence.empty()) {
          item.sentence = StringField(*p->fig, "sentence");
        }
      }
    }
    items->push_back(std::move(item));
  }
}

// Attribute agreement over value-level matches: one pair per matched value
// key, the pair agreeing on most of indicator, subject, year.
void ScoreAttributes(const GoldDoc& gold, const std::vector<Fig>& pred,
                     EvalReport* r) {
  std::set<std::string> predicted;
  for (const Fig& f : pred) predicted.insert(f.vkey);
  for (const Fig* g0 : Unique(gold.required, &VKey)) {
    if (!predicted.count(g0->vkey)) continue;
    int best = -1;
    bool bi = false, bs = false, by = false;
    for (const Fig* g : WithValueKey(gold.required, g0->vkey)) {
      for (const Fig* p : WithValueKey(pred, g0->vkey)) {
        bool i = KeyPart(Field(*g->fig, "indicator")) ==
                 KeyPart(Field(*p->fig, "indicator"));
        bool s = SubjectKey(*g->fig) == SubjectKey(*p->fig);
        bool y =
            KeyPart(Field(*g->fig, "year")) == KeyPart(Field(*p->fig, "year"));
        int n = int{i} + int{s} + int{y};
        if (n > best) {
          best = n;
          bi = i;
          bs = s;
          by = y;
        }
      }
    }
    ++r->attr_total;
    r->indicator_ok += bi;
    r->subject_ok += bs;
    r->year_ok += by;
  }
}

// The document id of a prediction record ("doc": {"id": ...}); empty if none.
std::string PredDocId(const json& rec) {
  const json* doc = Field(rec, "doc");
  if (doc == nullptr || !doc->is_object()) return "";
  return StringField(*doc, "id");
}

void AppendFigures(const json& rec, std::vector<const json*>* out) {
  const json* figs = Field(rec, "figures");
  if (figs == nullptr || !figs->is_array()) return;
  for (const json& f : *figs) {
    if (f.is_object()) out->push_back(&f);
  }
}

json CountsJson(const Counts& c) {
  return json{{"tp", c.tp},           {"fp", c.fp},
              {"fn", c.fn},           {"precision", c.precision()},
              {"recall", c.recall()}, {"f1", c.f1()}};
}

double Ratio(int num, int den) { return den == 0 ? 0.0 : double(num) / den; }

std::string Pct(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", x);
  return buf;
}

std::string Pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string Row(const std::string& label, const Counts& v, const Counts& s) {
  char buf[256];
  std::snprintf(
      buf, sizeof buf,
      "%-8s  %5.3f %5.3f %5.3f %4d %4d %4d   %5.3f %5.3f %5.3f %4d %4d %4d\n",
      label.c_str(), v.precision(), v.recall(), v.f1(), v.tp, v.fp, v.fn,
      s.precision(), s.recall(), s.f1(), s.tp, s.fp, s.fn);
  return buf;
}

// Validation for Evaluate: the reason a line is unusable, or "".
std::string CheckFigures(const json& rec, bool required) {
  auto it = rec.find("figures");
  if (it == rec.end() || it->is_null()) {
    return required ? "missing \"figures\" array" : "";
  }
  if (!it->is_array()) return "\"figures\" is not an array";
  for (size_t i = 0; i < it->size(); ++i) {
    const json& f = (*it)[i];
    std::string where = "figure " + std::to_string(i + 1) + ": ";
    if (!f.is_object()) return where + "not an object";
    auto t = f.find("type");
    if (t == f.end() || !t->is_string())
      return where + "\"type\" is not a string";
    auto v = f.find("value");
    if (v == f.end() || !v->is_number())
      return where + "\"value\" is not a number";
  }
  return "";
}

// Reads `path` as JSON Lines into `lines`, checking each line's shape (gold
// or prediction record) and that no document id repeats.
Status ReadJsonLines(const std::string& path, bool gold,
                     std::vector<json>* lines) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error(path + ": cannot open");
  std::unordered_map<std::string, int> first_line;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (lineno == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    auto fail = [&](const std::string& reason) {
      return Status::Error(path + ":" + std::to_string(lineno) + ": " + reason);
    };
    json j;
    try {
      j = json::parse(line);
    } catch (const json::parse_error& e) {
      std::string what = e.what();
      size_t close = what.find("] ");
      if (what.rfind("[json.exception", 0) == 0 && close != std::string::npos) {
        what.erase(0, close + 2);
      }
      return fail("invalid JSON: " + what);
    }
    if (!j.is_object()) return fail("not a JSON object");
    std::string id;
    if (gold) {
      auto d = j.find("doc");
      if (d == j.end() || !d->is_string() || d->get<std::string>().empty()) {
        return fail("missing \"doc\" (the document id string)");
      }
      id = d->get<std::string>();
    } else {
      id = PredDocId(j);
      if (id.empty()) return fail("missing \"doc\".\"id\"");
    }
    std::string reason = CheckFigures(j, /*required=*/gold);
    if (!reason.empty()) return fail(reason);
    auto [it, inserted] = first_line.emplace(id, lineno);
    if (!inserted) {
      return fail("duplicate doc \"" + id + "\" (first on line " +
                  std::to_string(it->second) + ")");
    }
    lines->push_back(std::move(j));
  }
  if (in.bad()) return Status::Error(path + ": read error");
  return Status::OK();
}

struct AliasEntry {
  const char* from;
  const char* to;
};

// Keys (after folding and prefix stripping) that name the same unit.
constexpr AliasEntry kAliases[] = {
    {"hue", "thua thien hue"},
    {"hcm", "ho chi minh"},
    {"tphcm", "ho chi minh"},
    {"tp hcm", "ho chi minh"},
    {"ngan hang nha nuoc", "ngan hang nha nuoc viet nam"},
    {"dbscl", "dong bang song cuu long"},
    {"trung du mien nui phia bac", "trung du va mien nui phia bac"},
};

bool IsSeparator(char32_t cp) {
  if (cp < 0x80) {
    return !((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
             (cp >= '0' && cp <= '9'));
  }
  return (cp >= 0x00A0 && cp <= 0x00BF) || cp == 0x00D7 || cp == 0x00F7 ||
         (cp >= 0x2000 && cp <= 0x206F) || cp == 0x3000 || cp == 0xFEFF ||
         cp == 0xFFFD;
}

}  // namespace

double Counts::precision() const {
  if (tp + fp == 0) return fn == 0 ? 1.0 : 0.0;
  return double(tp) / (tp + fp);
}

double Counts::recall() const {
  if (tp + fn == 0) return fp == 0 ? 1.0 : 0.0;
  return double(tp) / (tp + fn);
}

double Counts::f1() const {
  double p = precision(), r = recall();
  return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
}

std::string SubjectNameKey(std::string_view name) {
  std::string folded = FoldVietnamese(name);
  // Punctuation and hyphens become spaces; whitespace collapses.
  std::string words;
  size_t pos = 0;
  bool pending_space = false;
  while (pos < folded.size()) {
    size_t start = pos;
    char32_t cp = DecodeUtf8(folded, &pos);
    // Keep the dot for now so that "tp." can be recognized as a prefix.
    if (cp != '.' && IsSeparator(cp)) {
      pending_space = true;
      continue;
    }
    if (pending_space && !words.empty()) words.push_back(' ');
    pending_space = false;
    words.append(folded, start, pos - start);
  }
  std::string_view w = words;
  for (bool stripped = true; stripped;) {
    stripped = false;
    for (std::string_view prefix : {"tinh ", "thanh pho ", "tp.", "tp "}) {
      if (w.size() > prefix.size() && w.substr(0, prefix.size()) == prefix) {
        w.remove_prefix(prefix.size());
        while (!w.empty() && (w.front() == ' ' || w.front() == '.')) {
          w.remove_prefix(1);
        }
        stripped = true;
      }
    }
  }
  // Remaining dots are punctuation too.
  std::string key;
  for (char c : w) {
    if (c == '.' || c == ' ') {
      if (!key.empty() && key.back() != ' ') key.push_back(' ');
    } else {
      key.push_back(c);
    }
  }
  while (!key.empty() && key.back() == ' ') key.pop_back();
  for (const AliasEntry& a : kAliases) {
    if (key == a.from) return a.to;
  }
  return key;
}

EvalReport EvaluateJson(const std::vector<json>& gold,
                        const std::vector<json>& pred,
                        const EvalOptions& options) {
  EvalReport r;
  for (const char* t : kTypes) {
    r.value_by_type[t];
    r.strict_by_type[t];
  }
  r.docs_gold = static_cast<int>(gold.size());
  r.docs_pred = static_cast<int>(pred.size());

  // Gold documents in file order; repeated ids merge.
  std::vector<GoldDoc> docs;
  std::unordered_map<std::string, size_t> doc_index;
  for (const json& line : gold) {
    const json* id = Field(line, "doc");
    if (id == nullptr || !id->is_string()) continue;
    auto [it, inserted] =
        doc_index.emplace(id->get<std::string>(), docs.size());
    if (inserted) docs.push_back(GoldDoc{id->get<std::string>(), {}, {}});
    GoldDoc& doc = docs[it->second];
    std::vector<const json*> figs;
    AppendFigures(line, &figs);
    for (const json* f : figs) {
      const json* opt = Field(*f, "optional");
      bool optional = opt != nullptr && opt->is_boolean() && opt->get<bool>();
      (optional ? doc.optional : doc.required).push_back(MakeFig(*f));
    }
  }

  std::unordered_map<std::string, std::vector<const json*>> predicted;
  for (const json& rec : pred) {
    std::string id = PredDocId(rec);
    if (id.empty()) continue;
    AppendFigures(rec, &predicted[id]);
  }
  for (const auto& [id, figs] : predicted) {
    if (!doc_index.count(id)) ++r.docs_unscored;
  }

  std::vector<EvalReport::Item>* items =
      options.list_details ? &r.items : nullptr;
  for (const GoldDoc& doc : docs) {
    std::vector<Fig> figs;
    auto it = predicted.find(doc.id);
    if (it == predicted.end()) {
      ++r.docs_missing;
    } else {
      for (const json* f : it->second) figs.push_back(MakeFig(*f));
    }
    ScoreLevel(doc, figs, &VKey, "value", &r.value_all, &r.value_by_type,
               items);
    ScoreLevel(doc, figs, &SKey, "strict", &r.strict_all, &r.strict_by_type,
               items);
    ScoreAttributes(doc, figs, &r);
  }
  return r;
}

Status Evaluate(const std::string& gold_path, const std::string& pred_path,
                const EvalOptions& options, EvalReport* out) {
  std::vector<json> gold, pred;
  Status s = ReadJsonLines(gold_path, /*gold=*/true, &gold);
  if (!s.ok()) return s;
  s = ReadJsonLines(pred_path, /*gold=*/false, &pred);
  if (!s.ok()) return s;
  *out = EvaluateJson(gold, pred, options);
  return Status::OK();
}

std::string FormatTable(const EvalReport& r) {
  std::string t;
  t += "          value                                strict\n";
  t += "type      P     R     F1      tp   fp   fn   P     R     F1      tp   "
       "fp   fn\n";
  for (const auto& [type, v] : r.value_by_type) {
    auto s = r.strict_by_type.find(type);
    t += Row(type, v, s == r.strict_by_type.end() ? Counts{} : s->second);
  }
  t += Row("all", r.value_all, r.strict_all);
  t += "\nattribute accuracy over " + std::to_string(r.attr_total) +
       " value matches: indicator " + Pct(Ratio(r.indicator_ok, r.attr_total)) +
       " (" + std::to_string(r.indicator_ok) + "), subject " +
       Pct(Ratio(r.subject_ok, r.attr_total)) + " (" +
       std::to_string(r.subject_ok) + "), year " +
       Pct(Ratio(r.year_ok, r.attr_total)) + " (" + std::to_string(r.year_ok) +
       ")\n";
  t += "documents: " + std::to_string(r.docs_gold) + " gold, " +
       std::to_string(r.docs_pred) + " predicted, " +
       std::to_string(r.docs_missing) + " gold without prediction, " +
       std::to_string(r.docs_unscored) + " predictions without gold\n";
  if (r.items.empty()) return t;
  t += "\nmisses and false positives\n";
  std::string doc;
  for (const EvalReport::Item& item : r.items) {
    if (item.doc != doc) {
      doc = item.doc;
      t += "\n" + doc + "\n";
    }
    t += "  " + Pad(item.level, 6) + " " +
         Pad(item.kind == "miss" ? "MISS" : "FP", 4) + " " + item.detail;
    if (!item.text.empty()) t += "  \"" + item.text + "\"";
    t += "\n";
    if (!item.sentence.empty())
      t += "              in: " + item.sentence + "\n";
  }
  return t;
}

json ToJson(const EvalReport& r) {
  json j;
  j["value"] = CountsJson(r.value_all);
  j["strict"] = CountsJson(r.strict_all);
  json by_type = json::object();
  for (const auto& [type, c] : r.value_by_type)
    by_type[type]["value"] = CountsJson(c);
  for (const auto& [type, c] : r.strict_by_type)
    by_type[type]["strict"] = CountsJson(c);
  j["by_type"] = std::move(by_type);
  j["attributes"] = {
      {"total", r.attr_total},
      {"indicator", r.indicator_ok},
      {"subject", r.subject_ok},
      {"year", r.year_ok},
      {"indicator_accuracy", Ratio(r.indicator_ok, r.attr_total)},
      {"subject_accuracy", Ratio(r.subject_ok, r.attr_total)},
      {"year_accuracy", Ratio(r.year_ok, r.attr_total)},
  };
  j["docs"] = {{"gold", r.docs_gold},
               {"predicted", r.docs_pred},
               {"missing", r.docs_missing},
               {"unscored", r.docs_unscored}};
  json items = json::array();
  for (const EvalReport::Item& it : r.items) {
    items.push_back({{"doc", it.doc},
                     {"level", it.level},
                     {"kind", it.kind},
                     {"type", it.type},
                     {"value", it.value},
                     {"text", it.text},
                     {"sentence", it.sentence},
                     {"detail", it.detail}});
  }
  j["items"] = std::move(items);
  return j;
}

// ------------------------------------------------------------ run diff

namespace {

// The matching key of a figure inside one document: type and span.
std::string DiffKey(const json& f) {
  const json* span = Field(f, "span");
  std::string where =
      span != nullptr ? span->dump() : "text:" + StringField(f, "text");
  return StringField(f, "type") + "|" + where;
}

std::string SpanText(const json& f) {
  const json* span = Field(f, "span");
  if (span == nullptr || !span->is_array() || span->size() != 2) return "";
  return "[" + Text(&(*span)[0]) + ", " + Text(&(*span)[1]) + ")";
}

std::string FieldText(const json* v) {
  if (v == nullptr) return "null";
  if (v->is_object() && v->contains("name")) return Text(Field(*v, "name"));
  return Text(v);
}

// Fields that differ between two matched figures (the id aside).
std::vector<std::string> ChangedFields(const json& a, const json& b) {
  std::set<std::string> keys;
  for (auto it = a.begin(); it != a.end(); ++it) keys.insert(it.key());
  for (auto it = b.begin(); it != b.end(); ++it) keys.insert(it.key());
  std::vector<std::string> out;
  for (const std::string& k : keys) {
    if (k == "id") continue;
    const json* x = Field(a, k.c_str());
    const json* y = Field(b, k.c_str());
    bool same = (x == nullptr && y == nullptr) ||
                (x != nullptr && y != nullptr && *x == *y);
    if (!same) out.push_back(k + " " + FieldText(x) + " -> " + FieldText(y));
  }
  return out;
}

std::string ErrorCode(const json& rec) {
  const json* e = Field(rec, "error");
  if (e == nullptr || !e->is_object()) return "";
  std::string code = StringField(*e, "code");
  return code.empty() ? "error" : code;
}

RunDiff::Item DiffItem(const std::string& doc, const char* kind,
                       const json& f) {
  RunDiff::Item it;
  it.doc = doc;
  it.kind = kind;
  it.type = StringField(f, "type");
  it.span = SpanText(f);
  it.text = StringField(f, "text");
  it.sentence = StringField(f, "sentence");
  return it;
}

void DiffDocument(const std::string& doc, const json* old_rec,
                  const json* new_rec, RunDiff* d) {
  std::vector<const json*> olds, news;
  if (old_rec != nullptr) AppendFigures(*old_rec, &olds);
  if (new_rec != nullptr) AppendFigures(*new_rec, &news);
  const size_t before = d->items.size();
  std::string old_err = old_rec ? ErrorCode(*old_rec) : "",
              new_err = new_rec ? ErrorCode(*new_rec) : "";
  if (old_rec && new_rec && old_err != new_err) {
    RunDiff::Item it;
    it.doc = doc;
    it.kind = "error";
    it.old_desc = old_err.empty() ? "none" : old_err;
    it.new_desc = new_err.empty() ? "none" : new_err;
    d->items.push_back(std::move(it));
  }
  // key -> queue of old figures, in order.
  std::map<std::string, std::vector<const json*>> pending;
  for (const json* f : olds) pending[DiffKey(*f)].push_back(f);
  std::map<std::string, size_t> taken;
  std::vector<RunDiff::Item> items;
  std::set<const json*> matched_old;
  for (const json* nf : news) {
    std::string key = DiffKey(*nf);
    auto it = pending.find(key);
    size_t& k = taken[key];
    const std::string type = StringField(*nf, "type");
    if (it != pending.end() && k < it->second.size()) {
      const json* of = it->second[k++];
      matched_old.insert(of);
      std::vector<std::string> fields = ChangedFields(*of, *nf);
      if (fields.empty()) {
        ++d->all.unchanged;
        ++d->by_type[type].unchanged;
        continue;
      }
      RunDiff::Item item = DiffItem(doc, "changed", *nf);
      item.old_desc = Describe(*of);
      item.new_desc = Describe(*nf);
      item.fields = std::move(fields);
      items.push_back(std::move(item));
      ++d->all.changed;
      ++d->by_type[type].changed;
    } else {
      RunDiff::Item item = DiffItem(doc, "gained", *nf);
      item.new_desc = Describe(*nf);
      items.push_back(std::move(item));
      ++d->all.gained;
      ++d->by_type[type].gained;
    }
  }
  for (const json* of : olds) {
    if (matched_old.count(of)) continue;
    RunDiff::Item item = DiffItem(doc, "lost", *of);
    item.old_desc = Describe(*of);
    items.push_back(std::move(item));
    ++d->all.lost;
    ++d->by_type[StringField(*of, "type")].lost;
  }
  // In text order: by span start, then kind.
  auto start = [](const RunDiff::Item& i) {
    size_t at = i.span.find_first_of("0123456789");
    if (at == std::string::npos) return ~uint64_t{0};
    uint64_t v = 0;  // saturating: spans come from untrusted files
    for (; at < i.span.size() && i.span[at] >= '0' && i.span[at] <= '9'; ++at) {
      v = v > (~uint64_t{0} - 9) / 10
              ? ~uint64_t{0}
              : v * 10 + static_cast<uint64_t>(i.span[at] - '0');
    }
    return v;
  };
  std::stable_sort(items.begin(), items.end(),
                   [&](const RunDiff::Item& a, const RunDiff::Item& b) {
                     return start(a) < start(b);
                   });
  for (auto& i : items) d->items.push_back(std::move(i));
  if (d->items.size() > before) ++d->docs_changed;
}

}  // namespace

RunDiff DiffRuns(const std::vector<json>& old_records,
                 const std::vector<json>& new_records) {
  RunDiff d;
  for (const char* t : kTypes) d.by_type[t];
  std::unordered_map<std::string, const json*> news;
  std::vector<std::string> new_order;
  for (const json& r : new_records) {
    std::string id = PredDocId(r);
    if (id.empty()) continue;
    ++d.docs_new;
    if (news.emplace(id, &r).second) new_order.push_back(id);
  }
  std::set<std::string> seen_old;
  for (const json& r : old_records) {
    std::string id = PredDocId(r);
    if (id.empty() || !seen_old.insert(id).second) continue;
    ++d.docs_old;
    auto it = news.find(id);
    if (it == news.end()) ++d.docs_only_old;
    DiffDocument(id, &r, it == news.end() ? nullptr : it->second, &d);
  }
  for (const std::string& id : new_order) {
    if (seen_old.count(id)) continue;
    ++d.docs_only_new;
    DiffDocument(id, nullptr, news[id], &d);
  }
  return d;
}

Status DiffRunFiles(const std::string& old_path, const std::string& new_path,
                    RunDiff* out) {
  std::vector<json> olds, news;
  if (Status s = ReadJsonLines(old_path, /*gold=*/false, &olds); !s.ok())
    return s;
  if (Status s = ReadJsonLines(new_path, /*gold=*/false, &news); !s.ok())
    return s;
  *out = DiffRuns(olds, news);
  return Status::OK();
}

std::string FormatDiff(const RunDiff& d) {
  std::string o;
  char buf[256];
  std::snprintf(buf, sizeof buf, "%-8s %7s %7s %7s %9s\n", "type", "gained",
                "lost", "changed", "unchanged");
  o += buf;
  auto row = [&](const std::string& t, const RunDiff::TypeCounts& c) {
    std::snprintf(buf, sizeof buf, "%-8s %7d %7d %7d %9d\n", t.c_str(),
                  c.gained, c.lost, c.changed, c.unchanged);
    o += buf;
  };
  for (const auto& [t, c] : d.by_type) row(t, c);
  row("all", d.all);
  std::snprintf(buf, sizeof buf,
                "\ndocuments: %d old, %d new, %d only in old, %d only in new, "
                "%d with differences\n",
                d.docs_old, d.docs_new, d.docs_only_old, d.docs_only_new,
                d.docs_changed);
  o += buf;
  std::string doc;
  for (const RunDiff::Item& i : d.items) {
    if (i.doc != doc) {
      doc = i.doc;
      o += "\n" + doc + "\n";
    }
    if (i.kind == "error") {
      o += "  error    " + i.old_desc + " -> " + i.new_desc + "\n";
      continue;
    }
    const char* sign = i.kind == "gained" ? "+" : i.kind == "lost" ? "-" : "~";
    o += std::string("  ") + sign + " " + i.kind +
         (i.kind == "changed" ? "" : " ") + " " + i.span + " \"" + i.text +
         "\"  " + (i.kind == "lost" ? i.old_desc : i.new_desc) + "\n";
    for (const std::string& f : i.fields) o += "      " + f + "\n";
    if (!i.sentence.empty()) o += "      | " + i.sentence + "\n";
  }
  return o;
}

json DiffToJson(const RunDiff& d) {
  auto counts = [](const RunDiff::TypeCounts& c) {
    return json{{"gained", c.gained},
                {"lost", c.lost},
                {"changed", c.changed},
                {"unchanged", c.unchanged}};
  };
  json j;
  j["summary"] = counts(d.all);
  j["by_type"] = json::object();
  for (const auto& [t, c] : d.by_type) j["by_type"][t] = counts(c);
  j["docs"] = {{"old", d.docs_old},
               {"new", d.docs_new},
               {"only_old", d.docs_only_old},
               {"only_new", d.docs_only_new},
               {"changed", d.docs_changed}};
  json items = json::array();
  for (const RunDiff::Item& i : d.items) {
    items.push_back({{"doc", i.doc},
                     {"kind", i.kind},
                     {"type", i.type},
                     {"span", i.span},
                     {"text", i.text},
                     {"sentence", i.sentence},
                     {"old", i.old_desc},
                     {"new", i.new_desc},
                     {"fields", i.fields}});
  }
  j["items"] = std::move(items);
  return j;
}

}  // namespace chiso
