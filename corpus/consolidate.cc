#include "corpus/consolidate.h"

#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <unordered_map>
#include <utility>

#include "corpus/eval.h"
#include "corpus/external_sort.h"
#include "schema/emit.h"

namespace chiso {
namespace {

using nlohmann::json;

const json* Field(const json& obj, const char* name) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string Str(const json& obj, const char* name) {
  const json* v = Field(obj, name);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

double Pow10(int d) {
  static const double kP[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
  return kP[std::clamp(d, 0, 6)];
}

// Half away from zero on the decimal value: 95.35 (binary 95.34999...) rounds
// to 95.4 as a reader would, so the nudge is relative to the magnitude.
double RoundTo(double v, int d) {
  double x = v * Pow10(d);
  return std::round(x + std::copysign(1e-9 * std::max(1.0, std::fabs(x)), x)) / Pow10(d);
}

bool AgreeAt(double a, int da, double b, int db) {
  int d = std::min(da, db);
  double ra = RoundTo(a, d), rb = RoundTo(b, d);
  return std::fabs(ra - rb) <= 1e-9 * std::max(1.0, std::fabs(ra));
}

std::string NumText(double v) {
  char buf[400];  // "%.6f" of the largest double is 316 characters
  std::snprintf(buf, sizeof buf, "%.6f", v);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

// A JSON number as an integer field: nullopt when it is not finite or out of
// [lo, hi] (a cast would be undefined; such a year or span means nothing).
std::optional<int64_t> IntIn(double v, double lo, double hi) {
  if (!(v >= lo && v <= hi)) return std::nullopt;  // NaN fails too
  return static_cast<int64_t>(std::llround(v));
}
constexpr double kMaxSpan = 9e15;  // code points; exact in a double

// Whole numbers are written as integers ("617", not "617.0").
bool WholeNumber(double v) { return std::fabs(v - std::round(v)) < 1e-9 && std::fabs(v) < 9e15; }

json NumJson(double v) {
  if (WholeNumber(v)) {
    return json(static_cast<int64_t>(std::llround(v)));
  }
  return json(RoundTo(v, 6));
}

std::string Opt(const std::optional<int>& v) { return v ? std::to_string(*v) : "~"; }

// One figure of one document supporting (or contradicting) a fact.
struct FactSource {
  std::string doc_id, doc_sha256, figure_id;
  int64_t span_begin = -1, span_end = -1;  // code points, as in the record
  std::string text, sentence;
  std::optional<int> year;  // the year as the article gave it
  double value = 0;
  std::string approx;
};

// A cluster of agreeing values of one fact key.
struct FactValue {
  double value = 0;  // representative: the most precise value seen
  int decimals = 0;
  size_t docs = 0;     // distinct documents
  size_t figures = 0;  // figures (a document may repeat one)
  double log_miss = 0; // sum over documents of log(1 - c_d), for noisy-OR
  std::vector<FactSource> sources;  // the first max_sources
  std::string explanation;          // "", "year_shift", "change_arithmetic"
  std::string explanation_detail;   // in words
  uint64_t last_doc = 0;            // serial of the last document counted
};

struct Fact {
  std::string key;
  std::string type, indicator, component;
  Subject subject;
  std::string subject_key;  // kind:id or kind:folded-name
  int year = 0;
  std::optional<double> scale;
  std::optional<int> out_of, from_year;
  std::string scope, measure, direction, object, status, level, unit;

  std::vector<FactValue> values;  // exact clusters, first seen first
  FactValue approx;               // approximate mentions (value = first)
  size_t docs = 0;                // distinct documents mentioning the key
  uint64_t last_doc = 0;

  // Set by Resolve().
  int chosen = -1;       // index into values; -1: approximate-only fact
  double value = 0;      // the consolidated value
  double confidence = 0;
  std::string conflict;  // id of its value_disagreement conflict, or ""
  std::vector<Warning> warnings;
};

struct ConsolidateConflict {
  std::string id, kind;
  std::vector<std::string> facts;  // keys of the facts involved
  bool explained = false;  // value_disagreement: every losing cluster explained
  json detail;             // kind-specific members
};

// One figure, whatever it came from, reduced to what consolidation needs.
struct FigureIn {
  std::string type, indicator, component, approx;
  Subject subject;
  std::optional<int> year, out_of, from_year, page;
  std::optional<double> scale;
  std::string scope, measure, direction, object, status, level, unit;
  double value = 0;
  double confidence = 0.5;
  // Where the source comes from, read only when the source is kept.
  std::string_view doc_id, doc_sha256;
  bool from_record = false;  // read from a chiso/1 record: the fields below are set
  bool has_value = false;    // the record gave a numeric value
  std::string figure_id, text, sentence;
  int64_t span_begin = -1, span_end = -1;
  const Document* from_doc = nullptr;
  const Figure* doc_figure = nullptr;
  const CodePointIndex* cps = nullptr;
};

FactSource MakeSource(const FigureIn& f) {
  FactSource src;
  src.doc_id = f.doc_id;
  src.doc_sha256 = f.doc_sha256;
  src.value = f.value;
  src.year = f.year;
  src.approx = f.approx;
  if (f.from_record) {
    src.figure_id = f.figure_id;
    src.span_begin = f.span_begin;
    src.span_end = f.span_end;
    src.text = f.text;
    src.sentence = f.sentence;
  } else if (f.from_doc != nullptr && f.doc_figure != nullptr) {
    const Document& doc = *f.from_doc;
    const Figure& g = *f.doc_figure;
    src.figure_id = g.id;
    if (g.span.end <= doc.text.size() && g.span.begin <= g.span.end) {
      src.span_begin = static_cast<int64_t>(f.cps->CodePoints(g.span.begin));
      src.span_end = static_cast<int64_t>(f.cps->CodePoints(g.span.end));
      src.text = std::string(doc.Slice(g.span));
    }
    if (g.sentence.end <= doc.text.size() && g.sentence.begin <= g.sentence.end) {
      src.sentence = std::string(doc.Slice(g.sentence));
    }
  }
  return src;
}

bool IsCountChange(const FigureIn& f) { return f.type == "change" && f.measure == "count"; }

// The subject part of a key, or "" when the figure is about no one usable.
std::string SubjectKeyOf(const Subject& s) {
  switch (s.kind) {
    case SubjectKind::kNone:
    case SubjectKind::kUnknown:
      return "";
    case SubjectKind::kNation:
      return "nation";
    default:
      break;
  }
  std::string kind(SubjectKindName(s.kind));
  if (!s.id.empty()) return kind + ":" + s.id;
  if (!s.name.empty()) return kind + ":" + SubjectNameKey(s.name);
  return "";
}

enum class KeyResult { kOk, kNoSubject, kNoYear };

KeyResult KeyOf(const FigureIn& f, std::string* subject_key, std::string* key) {
  *subject_key = SubjectKeyOf(f.subject);
  if (subject_key->empty()) return KeyResult::kNoSubject;
  if (!f.year) return KeyResult::kNoYear;
  std::string& k = *key;
  k.clear();
  k += f.type;
  k += '|';
  k += f.indicator.empty() ? "~" : f.indicator;
  k += '|';
  k += f.component;
  k += '|';
  k += *subject_key;
  k += '|';
  k += std::to_string(*f.year);
  if (f.type == "score") {
    k += "|scale=" + (f.scale ? NumText(*f.scale) : std::string("~"));
  } else if (f.type == "rank") {
    k += "|of=" + Opt(f.out_of) + "|scope=" + f.scope;
  } else if (f.type == "change") {
    k += "|" + f.measure + "|" + f.direction + "|from=" + Opt(f.from_year) + "|scope=" + f.scope;
  }
  if (f.type == "count" || f.type == "rate" || IsCountChange(f)) {
    k += "|" + f.object + "|" + f.status + "|" + f.level;
  }
  return KeyResult::kOk;
}

// One scalar member of a chiso/1 figure object: a number (num) or a string
// (str, moved from); null members are not passed. The one reader of figure
// fields, for parsed records (FromJson) and streamed ones (RecordReader).
void SetFigureMember(FigureIn& f, const std::string& k, const double* num, std::string* str) {
  auto set = [&](std::string* to) { if (str != nullptr) *to = std::move(*str); };
  auto integer = [&](std::optional<int>* to) {
    if (num == nullptr) return;
    if (std::optional<int64_t> v = IntIn(*num, -1e9, 1e9)) *to = static_cast<int>(*v);
  };
  if (k.empty()) return;
  switch (k[0]) {
    case 'a': if (k == "approx") set(&f.approx); break;
    case 'c':
      if (k == "component") set(&f.component);
      else if (k == "confidence" && num != nullptr) f.confidence = *num;
      break;
    case 'd': if (k == "direction") set(&f.direction); break;
    case 'f': if (k == "from_year") integer(&f.from_year); break;
    case 'i':
      if (k == "indicator") set(&f.indicator);
      else if (k == "id") set(&f.figure_id);
      break;
    case 'l': if (k == "level") set(&f.level); break;
    case 'm': if (k == "measure") set(&f.measure); break;
    case 'o':
      if (k == "out_of") integer(&f.out_of);
      else if (k == "object") set(&f.object);
      break;
    case 's':
      if (k == "scale" && num != nullptr) f.scale = *num;
      else if (k == "scope") set(&f.scope);
      else if (k == "status") set(&f.status);
      else if (k == "sentence") set(&f.sentence);
      break;
    case 't':
      if (k == "type") set(&f.type);
      else if (k == "text") set(&f.text);
      break;
    case 'u': if (k == "unit") set(&f.unit); break;
    case 'v':
      if (k == "value" && num != nullptr) {
        f.value = *num;
        f.has_value = true;
      }
      break;
    case 'y': if (k == "year") integer(&f.year); break;
    default: break;
  }
}

// One string member of a figure's subject object.
void SetSubjectMember(Subject& sub, const std::string& k, std::string* str) {
  if (k == "kind") sub.kind = SubjectKindFromName(*str).value_or(SubjectKind::kNone);
  else if (k == "name") sub.name = std::move(*str);
  else if (k == "id") sub.id = std::move(*str);
}

// Reads a parsed chiso/1 figure object (any JSON value). A figure
// consolidation can use has a non-empty type and f.has_value.
void FromJson(const json& fig, FigureIn* out) {
  FigureIn& f = *out;
  f = FigureIn{};
  f.from_record = true;
  if (!fig.is_object()) return;
  std::string str;
  for (auto it = fig.begin(); it != fig.end(); ++it) {
    const std::string& k = it.key();
    const json& v = it.value();
    if (v.is_number()) {
      double d = v.get<double>();
      SetFigureMember(f, k, &d, nullptr);
    } else if (v.is_string()) {
      str = v.get<std::string>();
      SetFigureMember(f, k, nullptr, &str);
    } else if (k == "subject" && v.is_object()) {
      for (auto m = v.begin(); m != v.end(); ++m) {
        if (!m.value().is_string()) continue;
        str = m.value().get<std::string>();
        SetSubjectMember(f.subject, m.key(), &str);
      }
    } else if (k == "span" && v.is_array() && v.size() == 2 && v[0].is_number() && v[1].is_number()) {
      f.span_begin = IntIn(v[0].get<double>(), 0, kMaxSpan).value_or(-1);
      f.span_end = IntIn(v[1].get<double>(), 0, kMaxSpan).value_or(-1);
    }
  }
}

bool Usable(const FigureIn& f) { return !f.type.empty() && f.has_value; }

// Reads one chiso/1 record with nlohmann's SAX interface straight into
// FigureIns: building a DOM per record (and dropping it) was most of the
// cost of consolidating a JSON Lines file.
class RecordReader : public nlohmann::json_sax<json> {
 public:
  // Record-level results, valid after a successful parse.
  bool is_object = false, error = false, has_figures = false;
  std::string doc_id, sha256;
  std::vector<FigureIn> figures;  // the first `count` are this record's
  std::vector<bool> bad;          // per figure: not an object, no type or value
  size_t count = 0;
  std::string parse_error_message;

  void Reset() {
    is_object = error = has_figures = false;
    doc_id.clear();
    sha256.clear();
    count = 0;
    bad.clear();
    parse_error_message.clear();
    stack_.clear();
  }

  bool null() override { return Value(nullptr, nullptr, nullptr); }
  bool boolean(bool) override { return Value(nullptr, nullptr, nullptr, true); }
  bool number_integer(number_integer_t v) override {
    double d = static_cast<double>(v);
    return Value(&d, nullptr, nullptr);
  }
  bool number_unsigned(number_unsigned_t v) override {
    double d = static_cast<double>(v);
    return Value(&d, nullptr, nullptr);
  }
  bool number_float(number_float_t v, const string_t&) override {
    double d = v;
    return Value(&d, nullptr, nullptr);
  }
  bool string(string_t& v) override { return Value(nullptr, &v, nullptr); }
  bool binary(binary_t&) override { return Value(nullptr, nullptr, nullptr, true); }
  bool key(string_t& k) override {
    if (!stack_.empty() && stack_.back().role != kSkip) stack_.back().key = k;
    return true;
  }
  bool start_object(std::size_t) override {
    Role role = kSkip;
    if (stack_.empty()) {
      role = kTop;
      is_object = true;
    } else {
      const Frame& p = stack_.back();
      if (p.role == kTop && p.key == "doc") role = kDoc;
      else if (p.role == kTop && p.key == "error") error = true;
      else if (p.role == kFigures) {
        role = kFigure;
        if (figures.size() <= count) figures.emplace_back();
        FigureIn& f = figures[count++];
        f = FigureIn{};
        f.from_record = true;
        bad.push_back(true);  // until it has a type and a value
      } else if (p.role == kFigure && p.key == "subject") {
        role = kSubject;
      }
    }
    stack_.push_back({role, {}, 0});
    return true;
  }
  bool end_object() override {
    if (!stack_.empty() && stack_.back().role == kFigure) {
      bad.back() = !Usable(figures[count - 1]);
    }
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    Role role = kSkip;
    if (!stack_.empty()) {
      const Frame& p = stack_.back();
      if (p.role == kTop && p.key == "figures") {
        role = kFigures;
        has_figures = true;
      } else if (p.role == kTop && p.key == "error") {
        error = true;
      } else if (p.role == kFigure && p.key == "span") {
        role = kSpan;
      } else if (p.role == kFigures) {
        bad.push_back(true);  // a figure that is not an object
        if (figures.size() <= count) figures.emplace_back();
        figures[count++] = FigureIn{};
      }
    }
    stack_.push_back({role, {}, 0});
    return true;
  }
  bool end_array() override {
    stack_.pop_back();
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    parse_error_message = e.what();
    return false;
  }

 private:
  enum Role { kSkip, kTop, kDoc, kFigures, kFigure, kSubject, kSpan };
  struct Frame {
    Role role;
    std::string key;
    int index;
  };

  // One scalar: a number (num), a string (str), null (all null) or another
  // kind (other).
  bool Value(const double* num, string_t* str, const void*, bool other = false) {
    if (stack_.empty()) return true;
    Frame& fr = stack_.back();
    const bool is_null = num == nullptr && str == nullptr && !other;
    switch (fr.role) {
      case kTop:
        if (fr.key == "error" && !is_null) error = true;
        break;
      case kDoc:
        if (str != nullptr && fr.key == "id") doc_id = *str;
        else if (str != nullptr && fr.key == "sha256") sha256 = *str;
        break;
      case kFigures:  // a scalar where a figure object should be
        bad.push_back(true);
        if (figures.size() <= count) figures.emplace_back();
        figures[count++] = FigureIn{};
        break;
      case kFigure:
        if (!is_null) SetFigureMember(figures[count - 1], fr.key, num, str);
        break;
      case kSubject:
        if (str != nullptr) SetSubjectMember(figures[count - 1].subject, fr.key, str);
        break;
      case kSpan:
        if (num != nullptr) {
          FigureIn& f = figures[count - 1];
          if (fr.index == 0) f.span_begin = IntIn(*num, 0, kMaxSpan).value_or(-1);
          else if (fr.index == 1) f.span_end = IntIn(*num, 0, kMaxSpan).value_or(-1);
        }
        ++fr.index;
        break;
      case kSkip:
        break;
    }
    return true;
  }

  std::vector<Frame> stack_;
};

// Streaming JSON for facts: building a DOM per fact (and per source) only to
// serialize it was a large share of consolidating a big corpus. This writer is
// the one definition of a fact's JSON; FactToJson parses its line. Keys are
// written in sorted order, as nlohmann's std::map would give them.
class JsonOut {
 public:
  explicit JsonOut(std::string* out) : out_(*out) {}
  void Key(std::string_view k) {
    Comma();
    out_ += '"';
    out_ += k;
    out_ += "\":";
    first_ = true;  // the value follows without a comma
  }
  void Open(char c) { Comma(); out_ += c; first_ = true; }
  void Close(char c) { out_ += c; first_ = false; }
  void Null() { Comma(); out_ += "null"; first_ = false; }
  void Bool(bool b) { Comma(); out_ += b ? "true" : "false"; first_ = false; }
  void Int(int64_t v) {
    Comma();
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
    first_ = false;
  }
  void Double(double v) {
    Comma();
    if (!std::isfinite(v)) {
      out_ += "null";
    } else {
      char buf[32];
      auto r = std::to_chars(buf, buf + sizeof buf, v);
      std::string_view t(buf, r.ptr - buf);
      out_ += t;
      if (t.find_first_of(".e") == std::string_view::npos) out_ += ".0";
    }
    first_ = false;
  }
  void Num(double v) {  // as NumJson
    if (WholeNumber(v)) Int(std::llround(v));
    else Double(RoundTo(v, 6));
  }
  void Str(std::string_view s) {
    Comma();
    AppendJsonString(s, &out_);
    first_ = false;
  }
  void StrOrNull(std::string_view s) { s.empty() ? Null() : Str(s); }

 private:
  void Comma() {
    if (!first_) out_ += ',';
  }
  std::string& out_;
  bool first_ = true;
};

void WriteSource(JsonOut& o, const FactSource& s) {
  o.Open('{');
  if (!s.approx.empty()) { o.Key("approx"); o.Str(s.approx); }
  o.Key("doc"); o.Str(s.doc_id);
  o.Key("figure"); o.Str(s.figure_id);
  o.Key("sentence"); o.Str(s.sentence);
  o.Key("sha256"); o.Str(s.doc_sha256);
  o.Key("span");
  if (s.span_begin >= 0 && s.span_end >= 0) {
    o.Open('['); o.Int(s.span_begin); o.Int(s.span_end); o.Close(']');
  } else {
    o.Null();
  }
  o.Key("text"); o.Str(s.text);
  o.Key("value"); o.Num(s.value);
  o.Key("year");
  if (s.year) o.Int(*s.year); else o.Null();
  o.Close('}');
}

// Sources inside conflict records (a DOM there): the same writer, so a
// source reads the same in a fact and in a conflict.
json SourceJson(const FactSource& s) {
  std::string text;
  JsonOut o(&text);
  WriteSource(o, s);
  return json::parse(text);
}

// One fact as a JSON line (without the newline), appended to *out. Returns
// the offset in *out of the ']' closing "warnings", where warnings found
// later (rank/score inversions) are inserted.
size_t WriteFact(const Fact& f, std::string* out) {
  JsonOut o(out);
  const bool counted = f.type == "count" || f.type == "rate" || (f.type == "change" && f.measure == "count");
  const FactValue* chosen = f.chosen >= 0 ? &f.values[f.chosen] : &f.approx;
  o.Open('{');
  o.Key("approx");
  if (f.chosen < 0) o.Str(f.approx.explanation); else o.Null();
  o.Key("approximate");
  o.Open('[');
  if (f.chosen >= 0) for (const FactSource& s : f.approx.sources) WriteSource(o, s);
  o.Close(']');
  o.Key("component"); o.StrOrNull(f.component);
  o.Key("confidence"); o.Double(f.confidence);
  o.Key("conflict"); o.StrOrNull(f.conflict);
  if (f.type == "change") { o.Key("direction"); o.Str(f.direction); }
  o.Key("documents"); o.Int(static_cast<int64_t>(f.docs));
  if (f.type == "change") {
    o.Key("from_year");
    if (f.from_year) o.Int(*f.from_year); else o.Null();
  }
  o.Key("indicator"); o.StrOrNull(f.indicator);
  o.Key("key"); o.Str(f.key);
  if (counted) { o.Key("level"); o.StrOrNull(f.level); }
  if (f.type == "change") { o.Key("measure"); o.Str(f.measure); }
  if (counted) { o.Key("object"); o.StrOrNull(f.object); }
  if (f.type == "rank") {
    o.Key("out_of");
    if (f.out_of) o.Int(*f.out_of); else o.Null();
  }
  o.Key("record"); o.Str("fact");
  if (f.type == "score") {
    o.Key("scale");
    if (f.scale) o.Num(*f.scale); else o.Null();
  }
  o.Key("schema"); o.Str("chiso-facts/1");
  if (f.type == "rank" || f.type == "change") { o.Key("scope"); o.StrOrNull(f.scope); }
  o.Key("sources"); o.Int(static_cast<int64_t>(chosen->docs));
  if (counted) { o.Key("status"); o.StrOrNull(f.status); }
  o.Key("subject");
  o.Open('{');
  o.Key("id"); o.StrOrNull(f.subject.id);
  o.Key("kind"); o.Str(SubjectKindName(f.subject.kind));
  o.Key("name"); o.StrOrNull(f.subject.name);
  o.Close('}');
  o.Key("supporting");
  o.Open('[');
  for (const FactSource& s : chosen->sources) WriteSource(o, s);
  o.Close(']');
  o.Key("type"); o.Str(f.type);
  o.Key("unit"); o.StrOrNull(f.unit);
  o.Key("value"); o.Num(f.value);
  o.Key("warnings");
  o.Open('[');
  for (const Warning& w : f.warnings) {
    o.Open('{');
    o.Key("code"); o.Str(w.code);
    o.Key("message"); o.Str(w.message);
    o.Close('}');
  }
  const size_t warnings_end = out->size();
  o.Close(']');
  o.Key("year"); o.Int(f.year);
  o.Close('}');
  return warnings_end;
}

// ---- Spill records: a compact binary form for the external sorts.

class WireOut {
 public:
  explicit WireOut(std::string* s) : s_(*s) {}
  void U64(uint64_t v) {
    while (v >= 0x80) {
      s_ += static_cast<char>(v | 0x80);
      v >>= 7;
    }
    s_ += static_cast<char>(v);
  }
  void I64(int64_t v) { U64((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  void F64(double v) {
    char b[sizeof v];
    std::memcpy(b, &v, sizeof v);
    s_.append(b, sizeof v);
  }
  void Str(std::string_view v) {
    U64(v.size());
    s_ += v;
  }
  void OptInt(const std::optional<int>& v) {
    s_ += v ? '\1' : '\0';
    if (v) I64(*v);
  }
  void OptF64(const std::optional<double>& v) {
    s_ += v ? '\1' : '\0';
    if (v) F64(*v);
  }

 private:
  std::string& s_;
};

// Reads what WireOut wrote; a short or bad record clears ok.
class WireIn {
 public:
  explicit WireIn(std::string_view s) : s_(s) {}
  bool ok = true;
  uint64_t U64() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= s_.size()) return Bad();
      auto b = static_cast<unsigned char>(s_[p_++]);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
    return Bad();
  }
  int64_t I64() {
    uint64_t u = U64();
    return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }
  double F64() {
    double v = 0;
    if (p_ + sizeof v > s_.size()) return static_cast<double>(Bad());
    std::memcpy(&v, s_.data() + p_, sizeof v);
    p_ += sizeof v;
    return v;
  }
  std::string_view Str() {
    uint64_t n = U64();
    if (n > s_.size() - p_) {
      Bad();
      return {};
    }
    std::string_view v = s_.substr(p_, n);
    p_ += n;
    return v;
  }
  void Str(std::string* out) { out->assign(Str()); }
  std::optional<int> OptInt() {
    if (!Flag()) return std::nullopt;
    return static_cast<int>(I64());
  }
  std::optional<double> OptF64() {
    if (!Flag()) return std::nullopt;
    return F64();
  }

 private:
  bool Flag() {
    if (p_ >= s_.size()) return Bad() != 0;
    return s_[p_++] != '\0';
  }
  uint64_t Bad() {
    ok = false;
    p_ = s_.size();
    return 0;
  }
  std::string_view s_;
  size_t p_ = 0;
};

// A usable figure with its source material, in the order of the fields of
// FigureIn; `serial` numbers its document.
void PutFigure(const FigureIn& f, uint64_t serial, std::string* out) {
  WireOut w(out);
  w.U64(serial);
  for (const std::string* s : {&f.type, &f.indicator, &f.component, &f.approx}) w.Str(*s);
  w.U64(static_cast<uint64_t>(f.subject.kind));
  w.Str(f.subject.name);
  w.Str(f.subject.id);
  w.OptInt(f.year);
  w.OptInt(f.out_of);
  w.OptInt(f.from_year);
  w.OptF64(f.scale);
  for (const std::string* s : {&f.scope, &f.measure, &f.direction, &f.object, &f.status, &f.level, &f.unit}) {
    w.Str(*s);
  }
  w.F64(f.value);
  w.F64(f.confidence);
  w.Str(f.doc_id);
  w.Str(f.doc_sha256);
  if (f.from_record) {  // the source's fields are the figure's: no copies
    for (const std::string* s : {&f.figure_id, &f.text, &f.sentence}) w.Str(*s);
    w.I64(f.span_begin);
    w.I64(f.span_end);
  } else {  // a Document's figure: spans in code points, text sliced
    FactSource src = MakeSource(f);
    for (const std::string* s : {&src.figure_id, &src.text, &src.sentence}) w.Str(*s);
    w.I64(src.span_begin);
    w.I64(src.span_end);
  }
}

// The figure PutFigure wrote, as a FigureIn read from a record; doc_id and
// doc_sha256 point into *doc_id and *sha.
bool GetFigure(std::string_view in, FigureIn* out, uint64_t* serial, std::string* doc_id,
               std::string* sha) {
  // Every field is assigned (strings keep their capacity across figures).
  FigureIn& f = *out;
  f.from_record = true;
  f.has_value = true;
  f.page.reset();
  f.from_doc = nullptr;
  f.doc_figure = nullptr;
  f.cps = nullptr;
  WireIn r(in);
  *serial = r.U64();
  for (std::string* s : {&f.type, &f.indicator, &f.component, &f.approx}) r.Str(s);
  f.subject.kind = static_cast<SubjectKind>(r.U64());
  r.Str(&f.subject.name);
  r.Str(&f.subject.id);
  f.year = r.OptInt();
  f.out_of = r.OptInt();
  f.from_year = r.OptInt();
  f.scale = r.OptF64();
  for (std::string* s : {&f.scope, &f.measure, &f.direction, &f.object, &f.status, &f.level, &f.unit}) {
    r.Str(s);
  }
  f.value = r.F64();
  f.confidence = r.F64();
  for (std::string* s : {doc_id, sha, &f.figure_id, &f.text, &f.sentence}) r.Str(s);
  f.span_begin = r.I64();
  f.span_end = r.I64();
  f.doc_id = *doc_id;
  f.doc_sha256 = *sha;
  return r.ok;
}

// A resolved rank or score fact, as the rank/score check needs it.
struct RankRow {
  std::string type, key, subject_key, subject_name, scope;
  std::optional<int> out_of;
  std::optional<double> scale;
  double value = 0;
};

void PutRankRow(const Fact& f, std::string* out) {
  WireOut w(out);
  for (const std::string* s : {&f.type, &f.key, &f.subject_key, &f.subject.name, &f.scope}) w.Str(*s);
  w.OptInt(f.out_of);
  w.OptF64(f.scale);
  w.F64(f.value);
}

bool GetRankRow(std::string_view in, RankRow* row) {
  WireIn r(in);
  for (std::string* s : {&row->type, &row->key, &row->subject_key, &row->subject_name, &row->scope}) {
    r.Str(s);
  }
  row->out_of = r.OptInt();
  row->scale = r.OptF64();
  row->value = r.F64();
  return r.ok;
}

// The sort key of a ranking: indicator, component and year (rank and score
// facts of one ranking share them; scope, out_of and scale are told apart
// inside).
std::string RankingKey(const Fact& f) {
  std::string k = f.indicator;
  k += '\x1f';
  k += f.component;
  k += '\x1f';
  k += std::to_string(f.year);
  return k;
}

// A fact line as the facts sort carries it: the offset of its warnings' ']'
// (4 bytes), whether it has warnings (1 byte), the line.
void PutFactLine(const Fact& f, std::string* out) {
  out->assign(5, '\0');
  const auto end = static_cast<uint32_t>(WriteFact(f, out) - 5);
  std::memcpy(out->data(), &end, 4);
  (*out)[4] = f.warnings.empty() ? '\0' : '\1';
}

std::string WarningJson(const Warning& w) {
  std::string out;
  JsonOut o(&out);
  o.Open('{');
  o.Key("code"); o.Str(w.code);
  o.Key("message"); o.Str(w.message);
  o.Close('}');
  return out;
}

std::string ConflictLine(const ConsolidateConflict& c) {
  json j;
  j["schema"] = "chiso-facts/1";
  j["record"] = "conflict";
  j["id"] = c.id;
  j["kind"] = c.kind;
  j["facts"] = c.facts;
  j["explained"] = c.explained;
  for (auto it = c.detail.begin(); it != c.detail.end(); ++it) j[it.key()] = it.value();
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The facts of one subject family (indicator, component, subject): every
// check but rank/score compares facts of one family only.
struct FactTable {
  const ConsolidateOptions* options = nullptr;
  std::vector<Fact> facts;
  std::unordered_map<std::string, size_t> index;  // key -> facts[i]
  std::vector<ConsolidateConflict> conflicts;
  uint64_t doc_serial = 0;
  std::string key_buf;

  void Clear() {
    facts.clear();
    index.clear();
    conflicts.clear();
  }

  void AddSource(FactValue& v, const FigureIn& f) {
    if (static_cast<int>(v.sources.size()) >= options->max_sources) return;
    v.sources.push_back(MakeSource(f));
  }

  void Count(FactValue& v, const FigureIn& f) {
    ++v.figures;
    if (v.last_doc != doc_serial) {
      v.last_doc = doc_serial;
      ++v.docs;
      v.log_miss += std::log(1.0 - std::clamp(f.confidence, 0.0, 0.99));
    }
    AddSource(v, f);
  }

  // REQUIRES: f has a fact key.
  void AddFigure(const FigureIn& f) {
    std::string subject_key;
    KeyOf(f, &subject_key, &key_buf);
    auto [it, inserted] = index.try_emplace(key_buf, facts.size());
    if (inserted) {
      Fact& n = facts.emplace_back();
      n.key = key_buf;
      n.type = f.type;
      n.indicator = f.indicator;
      n.component = f.component;
      n.subject = f.subject;
      n.subject_key = subject_key;
      n.year = *f.year;
      if (f.type == "score") n.scale = f.scale;
      if (f.type == "rank") n.out_of = f.out_of;
      if (f.type == "rank" || f.type == "change") n.scope = f.scope;
      if (f.type == "change") {
        n.measure = f.measure;
        n.direction = f.direction;
        n.from_year = f.from_year;
      }
      if (f.type == "count" || f.type == "rate" || IsCountChange(f)) {
        n.object = f.object;
        n.status = f.status;
        n.level = f.level;
      }
      n.unit = f.unit;
    }
    Fact& fact = facts[it->second];
    if (fact.last_doc != doc_serial) {
      fact.last_doc = doc_serial;
      ++fact.docs;
    }
    if (!f.approx.empty()) {
      if (fact.approx.figures == 0) {
        fact.approx.value = f.value;
        fact.approx.decimals = DecimalsOf(f.value);
        fact.approx.explanation = f.approx;  // the approx word of the first
      }
      Count(fact.approx, f);
      return;
    }
    int d = DecimalsOf(f.value);
    for (FactValue& v : fact.values) {
      if (AgreeAt(v.value, v.decimals, f.value, d)) {
        if (d > v.decimals) {
          v.value = f.value;
          v.decimals = d;
        }
        Count(v, f);
        return;
      }
    }
    FactValue& v = fact.values.emplace_back();
    v.value = f.value;
    v.decimals = d;
    Count(v, f);
  }

  const Fact* Find(const std::string& key) const {
    auto it = index.find(key);
    return it == index.end() ? nullptr : &facts[it->second];
  }
  // The cluster with the most documents (then figures, then first seen),
  // among those `usable` allows; -1 if none.
  template <typename Pred>
  static int Majority(const Fact& f, Pred usable) {
    int best = -1;
    for (int i = 0; i < static_cast<int>(f.values.size()); ++i) {
      if (!usable(i)) continue;
      const FactValue& v = f.values[i];
      if (best < 0 || v.docs > f.values[best].docs ||
          (v.docs == f.values[best].docs && v.figures > f.values[best].figures)) {
        best = i;
      }
    }
    return best;
  }

  // Key of the same fact one year earlier.
  static std::string KeyAtYear(const Fact& f, int year) {
    std::string k = f.key;
    // The year is the fifth '|'-separated field.
    size_t pos = 0;
    for (int i = 0; i < 4; ++i) pos = k.find('|', pos) + 1;
    size_t end = k.find('|', pos);
    k.replace(pos, end == std::string::npos ? std::string::npos : end - pos, std::to_string(year));
    return k;
  }

  // year_shift: cluster i's value is the year-1 majority value (and some
  // other cluster's is not).
  void CheckYearShift(Fact& f) {
    const Fact* prev = Find(KeyAtYear(f, f.year - 1));
    if (prev == nullptr || prev->values.empty()) return;
    int pm = Majority(*prev, [](int) { return true; });
    const FactValue& p = prev->values[pm];
    std::vector<bool> equal(f.values.size());
    bool some_differs = false;
    for (size_t i = 0; i < f.values.size(); ++i) {
      equal[i] = AgreeAt(f.values[i].value, f.values[i].decimals, p.value, p.decimals);
      if (!equal[i]) some_differs = true;
    }
    if (!some_differs) return;
    for (size_t i = 0; i < f.values.size(); ++i) {
      if (!equal[i] || !f.values[i].explanation.empty()) continue;
      // Never explain away a value better supported than every other one.
      bool outweighed = false;
      for (size_t k = 0; k < f.values.size(); ++k) {
        if (!equal[k] && f.values[k].docs >= f.values[i].docs) outweighed = true;
      }
      if (!outweighed) continue;
      f.values[i].explanation = "year_shift";
      f.values[i].explanation_detail =
          NumText(f.values[i].value) + " is the " + std::to_string(f.year - 1) + " value (" +
          std::to_string(p.docs) + " document(s) give it for " + std::to_string(f.year - 1) +
          "); re-attributed to " + std::to_string(f.year - 1);
    }
  }

  // Change facts that relate this fact's year to the year before.
  std::vector<const Fact*> ChangesFor(const Fact& f, const std::string& measure) const {
    std::vector<const Fact*> out;
    for (const char* dir : {"up", "down"}) {
      for (const std::string& from : {std::to_string(f.year - 1), std::string("~")}) {
        std::string k = "change|" + (f.indicator.empty() ? std::string("~") : f.indicator) + "|" +
                        f.component + "|" + f.subject_key + "|" + std::to_string(f.year) + "|" +
                        measure + "|" + dir + "|from=" + from + "|scope=" + f.scope;
        if (const Fact* c = Find(k)) out.push_back(c);
      }
    }
    return out;
  }

  // change_arithmetic: another cluster's value minus (plus) a stated change
  // gives cluster i's value, so cluster i is the year-1 value.
  void CheckChangeArithmetic(Fact& f) {
    if (f.type != "score" && f.type != "rank") return;
    std::vector<const Fact*> changes = ChangesFor(f, f.type);
    for (const Fact* c : changes) {
      for (const FactValue& cv : c->values) {
        for (size_t j = 0; j < f.values.size(); ++j) {
          const FactValue& cur = f.values[j];
          if (!cur.explanation.empty()) continue;
          // Score up by c: previous = cur - c. Rank up by c places (better,
          // a smaller number): previous = cur + c.
          double sign = (c->direction == "up") == (f.type == "score") ? -1.0 : 1.0;
          double prev = cur.value + sign * cv.value;
          int d = std::min(cur.decimals, cv.decimals);
          for (size_t i = 0; i < f.values.size(); ++i) {
            if (i == j || !f.values[i].explanation.empty()) continue;
            // Never explain away a value better supported than the one
            // explaining it.
            if (f.values[i].docs > cur.docs) continue;
            if (!AgreeAt(prev, d, f.values[i].value, f.values[i].decimals)) continue;
            f.values[i].explanation = "change_arithmetic";
            f.values[i].explanation_detail =
                NumText(cur.value) + (sign < 0 ? " - " : " + ") + NumText(cv.value) + " = " +
                NumText(RoundTo(prev, std::max(cur.decimals, cv.decimals))) + " (" + f.type + " " + std::to_string(f.year) + ", " +
                c->direction + " " + NumText(cv.value) + " from " + std::to_string(f.year - 1) +
                "): " + NumText(f.values[i].value) + " is the " + std::to_string(f.year - 1) +
                " value; re-attributed to " + std::to_string(f.year - 1);
          }
        }
      }
    }
  }

  void Resolve(Fact& f) {
    if (f.values.empty()) {
      f.chosen = -1;
      f.value = f.approx.value;
      f.confidence = std::round((1.0 - std::exp(f.approx.log_miss)) * 0.5 * 1e4) / 1e4;
      return;
    }
    if (f.values.size() > 1) {
      CheckChangeArithmetic(f);
      CheckYearShift(f);
    }
    f.chosen = Majority(f, [&](int i) { return f.values[i].explanation.empty(); });
    if (f.chosen < 0) f.chosen = Majority(f, [](int) { return true; });
    const FactValue& c = f.values[f.chosen];
    f.value = c.value;
    double s = static_cast<double>(c.docs), d = 0, e = 0;
    for (int i = 0; i < static_cast<int>(f.values.size()); ++i) {
      if (i == f.chosen) continue;
      (f.values[i].explanation.empty() ? d : e) += static_cast<double>(f.values[i].docs);
    }
    double base = 1.0 - std::exp(c.log_miss);
    f.confidence = std::round(base * s / (s + d + e / 4.0) * 1e4) / 1e4;
    if (f.values.size() < 2) return;
    // Only documents disagreeing with each other make a conflict. Values that
    // all come from one document mean the key does not tell its figures apart
    // (a national and a regional rank change, say): a warning, not a conflict.
    bool one_document = true;
    for (const FactValue& v : f.values) {
      if (v.docs != 1 || v.last_doc != f.values[0].last_doc) one_document = false;
    }
    if (one_document) {
      f.warnings.push_back({"ambiguous_in_document",
                            std::to_string(f.values.size()) +
                                " different values in one document; the first is kept",
                            ""});
      return;
    }

    ConsolidateConflict k;
    k.kind = "value_disagreement";
    k.id = "value|" + f.key;
    k.facts = {f.key};
    k.explained = true;
    json values = json::array();
    for (int i = 0; i < static_cast<int>(f.values.size()); ++i) {
      const FactValue& v = f.values[i];
      if (i != f.chosen && v.explanation.empty()) k.explained = false;
      json sources = json::array();
      for (const FactSource& src : v.sources) sources.push_back(SourceJson(src));
      values.push_back({{"value", NumJson(v.value)},
                        {"docs", v.docs},
                        {"figures", v.figures},
                        {"chosen", i == f.chosen},
                        {"explanation", v.explanation.empty() ? json(nullptr) : json(v.explanation)},
                        {"explanation_detail", v.explanation_detail},
                        {"sources", std::move(sources)}});
      if (!v.explanation.empty()) {
        f.warnings.push_back({v.explanation,
                              std::to_string(v.docs) + " document(s) give " + NumText(v.value) +
                                  " for " + std::to_string(f.year) + "; " + v.explanation_detail,
                              ""});
      }
    }
    k.detail["values"] = std::move(values);
    f.conflict = k.id;
    if (!k.explained) {
      f.warnings.push_back({"conflict",
                            std::to_string(f.values.size()) + " values, not all explained", ""});
    }
    conflicts.push_back(std::move(k));
  }

  // parts_exceed_total over the resolved values.
  void CheckTotals() {
    for (const Fact& total : facts) {
      if (total.type != "count" || !total.level.empty() || total.chosen < 0) continue;
      std::string base = total.key.substr(0, total.key.size());  // ends with "|<level>" = "|"
      base.pop_back();  // drop the trailing '|' before the empty level
      double sum = 0;
      json parts = json::object();
      std::vector<std::string> keys = {total.key};
      for (const char* level : {"province", "district", "commune"}) {
        const Fact* p = Find(base + "|" + level);
        if (p == nullptr || p->chosen < 0) continue;
        sum += p->value;
        parts[level] = NumJson(p->value);
        keys.push_back(p->key);
      }
      if (keys.size() < 2 || !(sum > total.value + 1e-9)) continue;
      ConsolidateConflict k;
      k.kind = "parts_exceed_total";
      k.id = "parts_exceed_total|" + total.key;
      k.facts = keys;
      k.detail["total"] = NumJson(total.value);
      k.detail["parts"] = std::move(parts);
      k.detail["sum"] = NumJson(sum);
      for (const std::string& key : keys) {
        facts[index.at(key)].warnings.push_back({"parts_exceed_total", "see " + k.id, ""});
      }
      conflicts.push_back(std::move(k));
    }
  }
};

// rank_score_inversion within one ranking key (indicator, component, year):
// `rows` are its resolved rank and score facts in key order. Conflicts go to
// *conflicts, and each involved fact's warning to warn(key, warning).
template <typename Warn>
void CheckRankScore(const std::vector<RankRow>& rows, const std::string& indicator,
                    const std::string& component, const std::string& year,
                    std::vector<ConsolidateConflict>* conflicts, Warn warn) {
  // ranking -> its ranks; subject -> that unit's scores (any scale)
  std::map<std::string, std::vector<const RankRow*>> rankings;
  std::unordered_map<std::string, std::vector<const RankRow*>> scores;
  for (const RankRow& r : rows) {
    if (r.type == "rank") {
      rankings[indicator + "|" + component + "|" + year + "|" + r.scope + "|" + Opt(r.out_of)].push_back(&r);
    } else {
      scores[r.subject_key].push_back(&r);
    }
  }
  for (auto& [g, ranks] : rankings) {
    if (ranks.size() < 2) continue;
    struct Unit {
      const RankRow* rank;
      const RankRow* score;
    };
    std::map<std::string, std::vector<Unit>> by_scale;
    for (const RankRow* r : ranks) {
      auto sit = scores.find(r->subject_key);
      if (sit == scores.end()) continue;
      for (const RankRow* s : sit->second) {
        by_scale[s->scale ? NumText(*s->scale) : std::string("~")].push_back({r, s});
      }
    }
    for (auto& [scale, units] : by_scale) {
      json pairs = json::array();
      std::vector<std::string> keys;
      const size_t n = units.size();
      std::vector<int> dec(n);
      for (size_t a = 0; a < n; ++a) dec[a] = DecimalsOf(units[a].score->value);
      auto unit_json = [](const Unit& u) {
        return json{{"subject", u.rank->subject_name.empty() ? u.rank->subject_key : u.rank->subject_name},
                    {"score", NumJson(u.score->value)},
                    {"rank", NumJson(u.rank->value)}};
      };
      for (size_t a = 0; a < n; ++a) {
        for (size_t b = 0; b < n; ++b) {
          const double sa = units[a].score->value, sb = units[b].score->value;
          if (!(sa > sb) || !(units[a].rank->value > units[b].rank->value)) continue;
          if (AgreeAt(sa, dec[a], sb, dec[b])) continue;
          pairs.push_back({{"higher_score_worse_rank", unit_json(units[a])},
                           {"lower_score_better_rank", unit_json(units[b])}});
          for (const Unit* u : {&units[a], &units[b]}) {
            keys.push_back(u->rank->key);
            keys.push_back(u->score->key);
          }
        }
      }
      if (pairs.empty()) continue;
      std::sort(keys.begin(), keys.end());
      keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
      ConsolidateConflict k;
      k.kind = "rank_score_inversion";
      k.id = "rank_score_inversion|" + g + "|scale=" + scale;
      k.facts = keys;
      k.detail["pairs"] = std::move(pairs);
      for (const std::string& key : keys) warn(key, Warning{"rank_score_inversion", "see " + k.id, ""});
      conflicts->push_back(std::move(k));
    }
  }
}

}  // namespace

int DecimalsOf(double v) {
  for (int d = 0; d < 6; ++d) {
    if (std::fabs(RoundTo(v, d) - v) <= 1e-9 * std::max(1.0, std::fabs(v))) return d;
  }
  return 6;
}

std::string FactKey(const json& figure) {
  FigureIn f;
  FromJson(figure, &f);
  if (!Usable(f)) return "";
  std::string subject_key, key;
  return KeyOf(f, &subject_key, &key) == KeyResult::kOk ? key : std::string();
}

bool ValuesAgree(double a, double b) { return AgreeAt(a, DecimalsOf(a), b, DecimalsOf(b)); }

// The document identity duplicate detection uses: the first 64 bits of the
// sha256 (hex); none for a missing or malformed hash (such documents are
// trusted to be distinct).
std::optional<uint64_t> ShaKey(std::string_view sha256) {
  uint64_t h = 0;
  if (sha256.size() < 16) return std::nullopt;
  auto r = std::from_chars(sha256.data(), sha256.data() + 16, h, 16);
  if (r.ec != std::errc() || r.ptr != sha256.data() + 16) return std::nullopt;
  return h;
}

struct Consolidator::Impl {
  ConsolidateOptions options;
  ConsolidateStats stats;
  uint64_t doc_serial = 0;
  bool finished = false;
  // Usable figures keyed by subject family, in the order they came.
  std::unique_ptr<ExternalSorter> figures;
  // One key per document with figures (its ShaKey): counts duplicates at the
  // end. Duplicate documents' figures are dropped family by family (Finish),
  // so no set of every document seen is held.
  std::unique_ptr<ExternalSorter> docs;
  Status error;  // the first spill error (AddRecord cannot return it)
  std::string key_buf, subject_key, family, payload;

  explicit Impl(ConsolidateOptions o) : options(std::move(o)) {
    if (options.max_sources < 0) options.max_sources = 0;
    // Figures and documents are sorted while records come in; the other
    // sorts share the budget later.
    figures = std::make_unique<ExternalSorter>(Sorter(options.memory_bytes - options.memory_bytes / 16));
    docs = std::make_unique<ExternalSorter>(Sorter(options.memory_bytes / 16));
  }

  ExternalSorter::Options Sorter(size_t bytes) const {
    return {std::max<size_t>(bytes, 64u << 10), options.temp_dir};
  }

  void Check(const Status& s) {
    if (!s.ok() && error.ok()) error = s;
  }

  // A document with figures begins; its figures follow.
  void NewDocument(const std::string& sha256) {
    ++doc_serial;
    if (std::optional<uint64_t> h = ShaKey(sha256)) {
      char key[8];
      for (int i = 0; i < 8; ++i) key[i] = static_cast<char>(*h >> (56 - 8 * i));
      Check(docs->Add(std::string_view(key, 8), {}));
    }
  }

  void AddFigure(const FigureIn& f) {
    ++stats.figures;
    switch (KeyOf(f, &subject_key, &key_buf)) {
      case KeyResult::kNoSubject:
        ++stats.skipped_no_subject;
        return;
      case KeyResult::kNoYear:
        ++stats.skipped_no_year;
        return;
      case KeyResult::kOk:
        break;
    }
    // The family's hash first: families only need grouping, not an order,
    // and a hash prefix ends most comparisons in the sort's first 8 bytes.
    family.assign(8, '\0');
    family += f.indicator;
    family += '\x1f';
    family += f.component;
    family += '\x1f';
    family += subject_key;
    uint64_t h = std::hash<std::string_view>{}(std::string_view(family).substr(8));
    for (int i = 0; i < 8; ++i) family[i] = static_cast<char>(h >> (56 - 8 * i));
    payload.clear();
    PutFigure(f, doc_serial, &payload);
    Check(figures->Add(family, payload));
  }

  Status Finish(FactsSink& out);
};

Status Consolidator::Impl::Finish(FactsSink& out) {
  if (!error.ok()) return error;
  // Duplicate documents: equal keys, adjacent once sorted.
  if (Status s = docs->Sort(); !s.ok()) return s;
  {
    std::string_view k, p;
    std::string last;
    for (bool first = true; docs->Next(&k, &p); first = false) {
      if (!first && k == last) ++stats.duplicate_docs;
      last.assign(k);
    }
    if (!docs->status().ok()) return docs->status();
    stats.bytes_spilled += docs->bytes_spilled();
    docs.reset();
  }
  if (Status s = figures->Sort(); !s.ok()) return s;
  // Figures' buffer is gone; facts take half the budget, the rest a quarter.
  const size_t budget = options.memory_bytes;
  ExternalSorter facts_s(Sorter(budget / 2)), ranks_s(Sorter(budget / 4)),
      conflicts_s(Sorter(budget / 8)), warnings_s(Sorter(budget / 8));
  Status st;
  auto check = [&](const Status& s) {
    if (!s.ok() && st.ok()) st = s;
  };

  // Each subject family: its facts resolved, its totals checked, then out
  // to the sorts.
  FactTable table;
  table.options = &options;
  std::unordered_map<uint64_t, uint64_t> family_docs;  // ShaKey -> first serial
  std::string line, row;
  auto flush = [&] {
    for (Fact& f : table.facts) table.Resolve(f);
    table.CheckTotals();
    for (const Fact& f : table.facts) {
      PutFactLine(f, &line);
      check(facts_s.Add(f.key, line));
      if ((f.type == "rank" || f.type == "score") && f.chosen >= 0) {
        row.clear();
        PutRankRow(f, &row);
        check(ranks_s.Add(RankingKey(f) + '\0' + f.key, row));
      }
    }
    for (const ConsolidateConflict& k : table.conflicts) {
      ++stats.conflicts;
      if (k.explained) ++stats.explained_conflicts;
      check(conflicts_s.Add(k.id, ConflictLine(k)));
    }
    table.Clear();
    family_docs.clear();
  };
  std::string current, doc_id, sha;
  FigureIn f;
  uint64_t serial = 0;
  std::string_view k, p;
  while (st.ok() && figures->Next(&k, &p)) {
    if (k != current) {
      flush();
      current.assign(k);
    }
    if (!GetFigure(p, &f, &serial, &doc_id, &sha)) {
      check(Status::Error("consolidate: a temporary figure record is corrupt"));
      break;
    }
    // A document whose sha256 an earlier document of this family had is a
    // duplicate (the same bytes give the same figures, so the same families).
    if (std::optional<uint64_t> h = ShaKey(sha)) {
      auto [it, inserted] = family_docs.try_emplace(*h, serial);
      if (!inserted && it->second != serial) continue;
    }
    ++stats.used;
    table.doc_serial = serial;
    table.AddFigure(f);
  }
  check(figures->status());
  flush();
  stats.bytes_spilled += figures->bytes_spilled();
  figures.reset();
  if (!st.ok()) return st;

  // Rank/score inversions, one ranking key at a time.
  if (Status s = ranks_s.Sort(); !s.ok()) return s;
  std::vector<RankRow> rows;
  std::vector<ConsolidateConflict> found;
  auto check_ranking = [&] {
    if (rows.empty()) return;
    // The ranking key: indicator \x1f component \x1f year.
    size_t a = current.find('\x1f'), b = current.find('\x1f', a + 1);
    CheckRankScore(rows, current.substr(0, a), current.substr(a + 1, b - a - 1), current.substr(b + 1),
                   &found, [&](const std::string& key, const Warning& w) {
                     check(warnings_s.Add(key, WarningJson(w)));
                   });
    for (const ConsolidateConflict& c : found) {
      ++stats.conflicts;
      check(conflicts_s.Add(c.id, ConflictLine(c)));
    }
    found.clear();
    rows.clear();
  };
  current.clear();
  while (st.ok() && ranks_s.Next(&k, &p)) {
    std::string_view ranking = k.substr(0, k.find('\0'));
    if (ranking != current) {
      check_ranking();
      current.assign(ranking);
    }
    if (!GetRankRow(p, &rows.emplace_back())) check(Status::Error("consolidate: a temporary rank record is corrupt"));
  }
  check(ranks_s.status());
  check_ranking();
  if (!st.ok()) return st;

  // Facts in key order, each with the inversion warnings found for it.
  if (Status s = facts_s.Sort(); !s.ok()) return s;
  if (Status s = warnings_s.Sort(); !s.ok()) return s;
  std::string_view wk, wp;
  bool have_warning = warnings_s.Next(&wk, &wp);
  std::string merged;
  while (st.ok() && facts_s.Next(&k, &p)) {
    uint32_t end = 0;
    std::memcpy(&end, p.data(), 4);
    bool has_warnings = p[4] != '\0';
    std::string_view fact_line = p.substr(5);
    ++stats.facts;
    if (!have_warning || wk != k) {
      check(out.Fact(fact_line));
      continue;
    }
    merged.assign(fact_line.substr(0, end));
    for (; have_warning && wk == k; have_warning = warnings_s.Next(&wk, &wp)) {
      if (has_warnings) merged += ',';
      merged += wp;
      has_warnings = true;
    }
    merged += fact_line.substr(end);
    check(out.Fact(merged));
  }
  check(facts_s.status());
  check(warnings_s.status());
  if (Status s = conflicts_s.Sort(); !s.ok()) return s;
  while (st.ok() && conflicts_s.Next(&k, &p)) check(out.Conflict(p));
  check(conflicts_s.status());
  for (const ExternalSorter* s : {&facts_s, &ranks_s, &conflicts_s, &warnings_s}) {
    stats.bytes_spilled += s->bytes_spilled();
  }
  return st;
}

Consolidator::Consolidator(ConsolidateOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
Consolidator::~Consolidator() = default;

void Consolidator::AddRecord(const json& record) {
  Impl& m = *impl_;
  ++m.stats.records;
  if (Field(record, "error") != nullptr) {
    ++m.stats.error_records;
    return;
  }
  const json* figures = Field(record, "figures");
  if (figures == nullptr || !figures->is_array() || figures->empty()) return;
  const json* doc = Field(record, "doc");
  std::string doc_id = doc ? Str(*doc, "id") : std::string();
  std::string sha = doc ? Str(*doc, "sha256") : std::string();
  m.NewDocument(sha);
  FigureIn f;
  for (const json& fig : *figures) {
    FromJson(fig, &f);
    if (!Usable(f)) {
      ++m.stats.figures;
      ++m.stats.skipped_bad;
      continue;
    }
    f.doc_id = doc_id;
    f.doc_sha256 = sha;
    m.AddFigure(f);
  }
}
void Consolidator::AddDocument(const Document& doc) {
  Impl& m = *impl_;
  ++m.stats.records;
  if (doc.failed()) {
    ++m.stats.error_records;
    return;
  }
  if (doc.figures.empty()) return;
  m.NewDocument(doc.sha256);
  CodePointIndex cps(doc.text);
  FigureIn f;
  for (const Figure& g : doc.figures) {
    f = FigureIn{};
    f.type = g.type;
    f.indicator = g.indicator;
    f.component = g.component;
    f.approx = g.approx;
    f.subject = g.subject;
    f.year = g.year;
    f.out_of = g.out_of;
    f.from_year = g.from_year;
    f.scale = g.scale;
    f.scope = g.scope;
    f.measure = g.measure;
    f.direction = g.direction;
    f.object = g.object;
    f.status = g.status;
    f.level = g.level;
    f.unit = g.unit;
    f.value = g.value;
    f.confidence = g.confidence;
    f.doc_id = doc.id;
    f.doc_sha256 = doc.sha256;
    f.from_doc = &doc;
    f.doc_figure = &g;
    f.cps = &cps;
    m.AddFigure(f);
  }
}

Status Consolidator::AddJsonlFile(const std::string& path) {
  if (path == "-") return AddJsonl(std::cin, "-");
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status::Error(path + ": cannot open");
  return AddJsonl(file, path);
}

Status Consolidator::AddJsonl(std::istream& input, const std::string& path) {
  std::istream* in = &input;
  Impl& m = *impl_;
  std::string line;
  size_t lineno = 0;
  RecordReader r;
  while (std::getline(*in, line)) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    r.Reset();
    if (!json::sax_parse(line, &r, json::input_format_t::json, /*strict=*/true)) {
      return Status::Error(path + ":" + std::to_string(lineno) + ": invalid JSON");
    }
    if (!r.is_object) {
      return Status::Error(path + ":" + std::to_string(lineno) + ": not a JSON object");
    }
    // As AddRecord.
    ++m.stats.records;
    if (r.error) {
      ++m.stats.error_records;
      continue;
    }
    if (!r.has_figures || r.count == 0) continue;
    m.NewDocument(r.sha256);
    for (size_t i = 0; i < r.count; ++i) {
      if (r.bad[i]) {
        ++m.stats.figures;
        ++m.stats.skipped_bad;
        continue;
      }
      FigureIn& f = r.figures[i];
      f.doc_id = r.doc_id;
      f.doc_sha256 = r.sha256;
      m.AddFigure(f);
    }
  }
  if (in->bad()) return Status::Error(path + ": read error");
  return Status::OK();
}

Status Consolidator::Finish(FactsSink& out) {
  Impl& m = *impl_;
  if (m.finished) return Status::Error("Consolidator::Finish called twice");
  m.finished = true;
  return m.Finish(out);
}

bool Consolidator::finished() const { return impl_->finished; }
const ConsolidateStats& Consolidator::stats() const { return impl_->stats; }

Status FactsCollector::Fact(std::string_view line) {
  facts.push_back(json::parse(line));
  return Status::OK();
}

Status FactsCollector::Conflict(std::string_view line) {
  conflicts.push_back(json::parse(line));
  return Status::OK();
}

Status TeeFactsSink::Fact(std::string_view line) {
  if (Status s = a_.Fact(line); !s.ok()) return s;
  return b_.Fact(line);
}

Status TeeFactsSink::Conflict(std::string_view line) {
  if (Status s = a_.Conflict(line); !s.ok()) return s;
  return b_.Conflict(line);
}

Status FactsJsonlWriter::Open(const std::string& path, std::unique_ptr<FactsJsonlWriter>* out) {
  std::unique_ptr<FactsJsonlWriter> w(new FactsJsonlWriter());
  w->path_ = path;
  w->to_stdout_ = path.empty() || path == "-";
  // A device or pipe (/dev/null, a FIFO) is written in place: never renamed over.
  struct stat st {};
  w->direct_ = !w->to_stdout_ && ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode);
  w->tmp_ = w->direct_ ? path : path + ".tmp";
  w->out_ = w->to_stdout_ ? stdout : std::fopen(w->tmp_.c_str(), "wb");
  if (w->out_ == nullptr) return Status::Error(w->tmp_ + ": cannot open for writing");
  *out = std::move(w);
  return Status::OK();
}

FactsJsonlWriter::~FactsJsonlWriter() {
  if (out_ == nullptr || to_stdout_) return;
  std::fclose(out_);
  if (!direct_) std::remove(tmp_.c_str());
}

Status FactsJsonlWriter::Put(std::string_view line) {
  if (std::fwrite(line.data(), 1, line.size(), out_) != line.size() || std::fputc('\n', out_) == EOF) {
    failed_ = true;
    return Status::Error((to_stdout_ ? std::string("stdout") : tmp_) + ": write failed");
  }
  return Status::OK();
}

Status FactsJsonlWriter::Close() {
  if (out_ == nullptr) return Status::Error(path_ + ": closed twice");
  bool ok = !failed_ && std::fflush(out_) == 0;
  if (to_stdout_) {
    out_ = nullptr;
    return ok ? Status::OK() : Status::Error("write failed on stdout");
  }
  if (std::fclose(out_) != 0) ok = false;
  out_ = nullptr;
  if (!ok) {
    if (!direct_) std::remove(tmp_.c_str());
    return Status::Error(tmp_ + ": write failed");
  }
  if (direct_) return Status::OK();
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    std::remove(tmp_.c_str());
    return Status::Error("cannot rename " + tmp_ + " to " + path_);
  }
  return Status::OK();
}

Status WriteFactsJsonl(Consolidator& c, const std::string& path) {
  std::unique_ptr<FactsJsonlWriter> w;
  if (Status s = FactsJsonlWriter::Open(path, &w); !s.ok()) return s;
  if (Status s = c.Finish(*w); !s.ok()) return s;
  return w->Close();
}

}  // namespace chiso
