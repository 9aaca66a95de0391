#include "schema/validator.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>
#include <utility>
#include <vector>

// valijson reports a bad schema by throwing only in this mode; otherwise it
// aborts, which a library must never do. (The valijson CMake target sets it.)
#ifndef VALIJSON_USE_EXCEPTIONS
#define VALIJSON_USE_EXCEPTIONS 1
#endif
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "core/sha256.h"
#include "schema/emit.h"

namespace chiso {

struct Validator::Impl {
  valijson::Schema record_schema;
  valijson::Schema figure_schema;
  // The schema file is the one SchemaAccepts was written for.
  bool fast_path = false;
};

namespace {

using Json = nlohmann::json;

// A failed check: snake_case code and a sentence naming field and value.
struct Finding {
  std::string code;
  std::string message;
};

// "26", "83.87", "-0.5": integral values without ".0", others with up to 6
// decimals and no trailing zeros.
std::string FormatNumber(double v) {
  if (!std::isfinite(v))
    return std::isnan(v) ? "NaN" : (v > 0 ? "inf" : "-inf");
  char buf[64];
  if (v == std::trunc(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.6f", v);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

// valijson::Validator caches compiled regexes in a mutable member, so it must
// not be shared across threads; one per thread keeps the cache warm (compiling
// the schema's patterns per call costs more than validating). The cache is
// keyed by pattern text, so it is safe to share across Validator instances.
valijson::Validator& ThreadLocalValidator() {
  thread_local valijson::Validator validator;
  return validator;
}

bool IsIntegral(double v) { return std::isfinite(v) && v == std::trunc(v); }

// valijson context ["<root>", "[figures]", "[0]"] -> JSON pointer "/figures/0".
std::string ContextToPointer(const std::vector<std::string>& context) {
  std::string pointer;
  for (const std::string& part : context) {
    if (part.size() < 2 || part.front() != '[' || part.back() != ']') continue;
    pointer.push_back('/');
    for (char c : std::string_view(part).substr(1, part.size() - 2)) {
      if (c == '~') {
        pointer += "~0";
      } else if (c == '/') {
        pointer += "~1";
      } else {
        pointer.push_back(c);
      }
    }
  }
  return pointer;
}

// The instance value at `pointer`, compact and shortened, or "" if absent.
std::string ValueAt(const Json& instance, const std::string& pointer) {
  try {
    const Json& v = instance.at(Json::json_pointer(pointer));
    std::string s = v.dump(-1, ' ', false, Json::error_handler_t::replace);
    if (s.size() > 80) s = s.substr(0, 77) + "...";
    return s;
  } catch (const std::exception&) {
    return "";
  }
}

// Readable summary of valijson errors: the deepest (most specific) errors
// first, as "pointer: description (got value)", at most `limit` of them.
std::string Describe(const valijson::ValidationResults& results,
                     const Json& instance, size_t limit) {
  struct Item {
    size_t depth;
    std::string pointer;
    std::string description;
  };
  std::vector<Item> items;
  for (const auto& e : results) {
    items.push_back(
        {e.context.size(), ContextToPointer(e.context), e.description});
  }
  // valijson also reports every enclosing schema ("Failed to validate item #0
  // in array."); an error is a leaf unless a deeper one lies under it.
  std::vector<Item> leaves;
  for (const Item& a : items) {
    bool has_child = false;
    for (const Item& b : items) {
      if (b.depth > a.depth &&
          b.pointer.compare(0, a.pointer.size(), a.pointer) == 0 &&
          (b.pointer.size() == a.pointer.size() ||
           b.pointer[a.pointer.size()] == '/')) {
        has_child = true;
        break;
      }
    }
    if (has_child) continue;
    // Wrappers ("Failed to validate against child schema #2", "... against
    // schema associated with property name 'x'") add nothing on their own.
    if (a.description.rfind("Failed to validate against", 0) == 0) continue;
    bool duplicate = false;
    for (const Item& l : leaves) {
      if (l.pointer == a.pointer && l.description == a.description)
        duplicate = true;
    }
    if (!duplicate) leaves.push_back(a);
  }
  if (leaves.empty() && !items.empty()) {
    // Only wrappers: report the deepest one.
    const Item* deepest = &items.front();
    for (const Item& i : items) {
      if (i.depth > deepest->depth) deepest = &i;
    }
    leaves.push_back(*deepest);
  }
  std::string out;
  for (size_t i = 0; i < leaves.size() && i < limit; ++i) {
    const Item& l = leaves[i];
    if (!out.empty()) out += "; ";
    out += l.pointer.empty() ? "/" : l.pointer;
    out += ": ";
    std::string d = l.description;
    if (!d.empty() && d.back() == '.') d.pop_back();
    out += d;
    std::string got = ValueAt(instance, l.pointer);
    if (!got.empty() &&
        l.description.rfind("Missing required property", 0) != 0) {
      out += " (got " + got + ")";
    }
  }
  if (leaves.size() > limit) {
    out += "; and " + std::to_string(leaves.size() - limit) + " more";
  }
  if (out.empty()) out = "does not match the schema";
  return out;
}

// Runs `schema` over `instance`; nullopt if valid, else a readable reason.
std::optional<std::string> RunSchema(const valijson::Schema& schema,
                                     const Json& instance,
                                     valijson::Validator& validator,
                                     size_t limit) {
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter adapter(instance);
  try {
    // Without a results object valijson stops at the first failure and
    // collects no messages: same verdict, a fraction of the cost. Only an
    // invalid instance is validated again for the reasons.
    if (validator.validate(schema, adapter, nullptr)) return std::nullopt;
    validator.validate(schema, adapter, &results);
  } catch (const std::exception& e) {
    return std::string("validator failed: ") + e.what();
  }
  return Describe(results, instance, limit);
}

Status ParseSchema(const Json& root, valijson::Schema* schema) {
  try {
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(root);
    parser.populateSchema(adapter, *schema);
  } catch (const std::exception& e) {
    return Status::Error(e.what());
  }
  return Status::OK();
}

// sha256 of the schema/chiso1.schema.json that SchemaAccepts mirrors. Any
// other schema file turns the fast path off: every figure goes to valijson.
constexpr char kMirroredSchemaSha256[] =
    "599501a522353433b467271af38a6ff893644632ed84b2acec1570764cf13d61";

bool OneOf(const std::string& s, std::initializer_list<std::string_view> values) {
  for (std::string_view v : values) {
    if (s == v) return true;
  }
  return false;
}

// valijson's minLength counts code points up to the first NUL: an ASCII
// first byte is surely one.
bool SurelyNonEmpty(const std::string& s) { return !s.empty() && s[0] > 0; }

// The number FigureToJson emits for `v`, if it is one.
std::optional<double> EmittedNumber(double v) {
  const Json j = JsonNumber(v);
  if (!j.is_number()) return std::nullopt;
  return j.get<double>();
}

bool EmittedInteger(double v) {
  const Json j = JsonNumber(v);
  return j.is_number_integer();
}

bool ObjectFieldsAccepted(const Figure& f) {
  if (!OneOf(f.level, {"", "province", "district", "commune"})) return false;
  if (f.object == "procedure") {
    return OneOf(f.status, {"", "total", "published", "online", "online_full", "online_partial",
                            "online_level3", "online_level4", "cut", "simplified"});
  }
  if (f.object == "dossier") {
    return OneOf(f.status, {"", "received", "resolved", "on_time", "late", "online", "pending"});
  }
  if (f.object == "other") return f.status.empty();
  return false;
}

// True only if FigureToJson(doc, f) surely matches #/definitions/figure of the
// mirrored schema (reading the Figure the way emit.cc writes it); false means
// "ask valijson", which stays the validator of record. Building the JSON DOM
// and walking the schema cost ~200k instructions per figure; this ~1k.
// schema_test (FastPath*) and tests/fast_paths_test check it against
// valijson on random figures and on every figure of the corpora.
bool SchemaAccepts(const Figure& f) {
  if (!SurelyNonEmpty(f.id) || !SurelyNonEmpty(f.rule)) return false;
  if (!OneOf(f.indicator, {"", "PAR_INDEX", "SIPAS", "PAPI", "PCI", "DDCI", "DTI", "ICT_INDEX",
                           "PGI", "OTHER"})) {
    return false;
  }
  if (!OneOf(f.approx, {"", "over", "under", "about"})) return false;
  if (f.page && *f.page < 1) return false;
  const std::optional<double> value = EmittedNumber(f.value);
  const std::optional<double> confidence = EmittedNumber(f.confidence);
  if (!value || !confidence || *confidence < 0 || *confidence > 1) return false;
  if (f.type == "score") {
    if (!OneOf(f.unit, {"percent", "points"})) return false;
    const std::optional<double> scale = f.scale ? EmittedNumber(*f.scale) : std::nullopt;
    return scale && *scale > 0;
  }
  if (f.type == "rank") {
    if (f.out_of && *f.out_of < 1) return false;
    return EmittedInteger(f.value) && *value >= 1;
  }
  if (f.type == "change") {
    if (!OneOf(f.direction, {"up", "down"}) || !OneOf(f.measure, {"score", "rank", "count"}) ||
        !OneOf(f.unit, {"percent", "points", "places", "count"}) || !(*value > 0)) {
      return false;
    }
    return f.measure != "count" || ObjectFieldsAccepted(f);
  }
  if (f.type == "count") return EmittedInteger(f.value) && *value >= 0 && ObjectFieldsAccepted(f);
  if (f.type == "rate") return *value >= 0 && *value <= 100 && ObjectFieldsAccepted(f);
  return false;
}

bool IsHex64(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// ^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$
bool IsIsoDate(const std::string& s) {
  auto digit = [&](size_t i) { return s[i] >= '0' && s[i] <= '9'; };
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!digit(i)) return false;
  }
  const int month = (s[5] - '0') * 10 + (s[6] - '0');
  const int day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// ^[a-z0-9]+(_[a-z0-9]+)*$
bool IsSnakeCode(const std::string& s) {
  if (s.empty() || s.front() == '_' || s.back() == '_') return false;
  char prev = 0;
  for (char c : s) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!word && !(c == '_' && prev != '_')) return false;
    prev = c;
  }
  return true;
}

// True only if ToJsonWithoutFigures(doc) surely matches the mirrored
// schema's record (as SchemaAccepts does for a figure); false means "ask
// valijson". Building that DOM and walking the schema cost ~100k
// instructions per document.
bool RecordAccepts(const Document& doc) {
  if (!SurelyNonEmpty(doc.id)) return false;
  if (!doc.sha256.empty() && !IsHex64(doc.sha256)) return false;
  if (!doc.date.empty() && !IsIsoDate(doc.date)) return false;
  if (doc.pages && *doc.pages < 0) return false;
  // Every SubjectKind but kNone (null) has a name the schema lists.
  for (const Warning& w : doc.warnings) {
    if (!IsSnakeCode(w.code)) return false;
  }
  return !doc.error || SurelyNonEmpty(doc.error->code);
}

std::optional<Finding> HardCheck(const Document& doc, const Figure& f) {
  auto v = [&f] { return FormatNumber(f.value); };  // only for a finding: snprintf is most of the cost
  if (!std::isfinite(f.value)) {
    return Finding{"non_finite_value",
                   "value " + v() + " is not a finite number"};
  }
  if (f.span.begin > f.span.end || f.span.end > doc.text.size()) {
    return Finding{"span_out_of_range",
                   "span bytes [" + std::to_string(f.span.begin) + ", " +
                       std::to_string(f.span.end) +
                       ") lie outside the text of " +
                       std::to_string(doc.text.size()) + " bytes"};
  }
  if (f.sentence.begin > f.sentence.end || f.sentence.end > doc.text.size()) {
    return Finding{"sentence_out_of_range",
                   "sentence bytes [" + std::to_string(f.sentence.begin) +
                       ", " + std::to_string(f.sentence.end) +
                       ") lie outside the text of " +
                       std::to_string(doc.text.size()) + " bytes"};
  }

  if (f.type == "rank") {
    if (!IsIntegral(f.value) || f.value < 1) {
      return Finding{"invalid_rank",
                     "rank " + v() + " is not a position (an integer >= 1)"};
    }
    if (f.out_of && *f.out_of >= 1 && f.value > *f.out_of) {
      return Finding{"rank_exceeds_out_of", "rank " + v() + " exceeds out_of " +
                                                std::to_string(*f.out_of)};
    }
  } else if (f.type == "score") {
    if (f.unit == "percent" && (f.value < 0 || f.value > 100)) {
      return Finding{"percent_out_of_range",
                     "score " + v() + " percent is outside 0..100"};
    }
    if (f.indicator == "PAPI" && f.unit == "points") {
      const int max = (f.year && *f.year < 2018) ? 60 : 80;
      if (f.value < 0 || f.value > max) {
        return Finding{"papi_out_of_range",
                       "PAPI score " + v() + " points is outside 0.." +
                           std::to_string(max) +
                           (max == 60 ? " (PAPI before 2018)" : "")};
      }
    }
    if (f.scale && !(*f.scale > 0)) {
      return Finding{"invalid_scale",
                     "scale " + FormatNumber(*f.scale) + " is not > 0"};
    }
    if ((f.indicator == "DTI" || f.indicator == "ICT_INDEX") && f.scale &&
        *f.scale == 1 && (f.value < 0 || f.value > 1)) {
      return Finding{"dti_out_of_range", f.indicator + " score " + v() +
                                             " on scale 1 is outside 0..1"};
    }
    if (f.value < 0) {
      return Finding{"negative_score", "score " + v() + " is negative"};
    }
    if (f.scale && f.value > *f.scale) {
      return Finding{"score_exceeds_scale",
                     "score " + v() + " exceeds scale " + FormatNumber(*f.scale)};
    }
  } else if (f.type == "rate") {
    if (f.value < 0 || f.value > 100) {
      return Finding{"percent_out_of_range",
                     "rate " + v() + " percent is outside 0..100"};
    }
  } else if (f.type == "count") {
    if (f.value < 0)
      return Finding{"negative_count", "count " + v() + " is negative"};
    if (!IsIntegral(f.value)) {
      return Finding{"non_integer_count", "count " + v() + " is not an integer"};
    }
  } else if (f.type == "change") {
    if (!(f.value > 0)) {
      return Finding{
          "non_positive_change",
          "change " + v() + " is not > 0 (the sign belongs in direction)"};
    }
  }
  return std::nullopt;
}

std::vector<Finding> SoftChecks(const Figure& f) {
  std::vector<Finding> out;
  if (f.type == "rank" && f.out_of) {
    const int n = *f.out_of;
    const std::string got = "rank out_of " + std::to_string(n) + " is unusual ";
    if (!f.scope.empty()) {
      if (n < 5 || n > 14) {
        out.push_back(
            {"rank_out_of_unusual",
             got + "for regional scope \"" + f.scope + "\" (expected 5..14)"});
      }
    } else if (f.subject.kind == SubjectKind::kMinistry) {
      if (n < 17 || n > 22) {
        out.push_back(
            {"rank_out_of_unusual", got + "for a ministry (expected 17..22)"});
      }
    } else if (f.subject.kind == SubjectKind::kProvince) {
      // 63 provinces until the 2025 merger, 34 after; 2025 reports use both.
      const bool old_ok = !f.year || *f.year <= 2025;
      const bool new_ok = !f.year || *f.year >= 2025;
      if (!((old_ok && n == 63) || (new_ok && n == 34))) {
        std::string expected = !f.year           ? "63 or 34"
                               : *f.year <= 2024 ? "63"
                               : *f.year >= 2026 ? "34"
                                                 : "63 or 34";
        out.push_back(
            {"rank_out_of_unusual",
             got + "for a province" +
                 (f.year ? " in " + std::to_string(*f.year) : std::string()) +
                 " (expected " + expected + ")"});
      }
    }
  }
  for (const auto& [field, year] :
       {std::pair{"year", f.year}, std::pair{"from_year", f.from_year}}) {
    if (year && (*year < 2005 || *year > 2030)) {
      out.push_back({"year_implausible",
                     std::string(field) + " " + std::to_string(*year) +
                         " is implausible (expected 2005..2030)"});
    }
  }
  return out;
}

std::string FigureLabel(const Figure& f) {
  return "figure " + (f.id.empty() ? std::string("(no id)") : f.id);
}

std::string Num(double v) {
  std::ostringstream o;
  o << v;
  return o.str();
}

// Checks across the figures of one sentence; they warn and keep.
//  - parts_exceed_total: counts by level (province/district/commune) of one
//    object, subject and year that add up to more than the count without a
//    level stated beside them;
//  - rate_arithmetic: "x/y thủ tục, đạt z%" where z is not x/y.
void DocumentSoftChecks(Document& doc) {
  const auto& figs = doc.figures;
  for (size_t i = 0; i < figs.size(); ++i) {
    const Figure& total = figs[i];
    if (total.type != "count" || !total.level.empty()) continue;
    double parts = 0;
    std::string levels;
    for (const Figure& p : figs) {
      if (p.type != "count" || p.level.empty() || p.sentence.begin != total.sentence.begin ||
          p.object != total.object || p.subject.id != total.subject.id || p.year != total.year) {
        continue;
      }
      if (levels.find(p.level) != std::string::npos) continue;  // one per level
      levels += p.level + " ";
      parts += p.value;
    }
    if (levels.find(' ') != levels.rfind(' ') && parts > total.value) {
      doc.Warn("parts_exceed_total",
               FigureLabel(total) + ": counts by level add up to " + Num(parts) + ", above the total " +
                   Num(total.value) + " (parts_exceed_total)",
               total.id);
    }
  }
  for (size_t i = 0; i + 1 < figs.size(); ++i) {
    const Figure& c = figs[i];
    if (c.type != "count" || !c.out_of || *c.out_of <= 0) continue;
    for (size_t j = i + 1; j < figs.size(); ++j) {
      const Figure& r = figs[j];
      if (r.sentence.begin != c.sentence.begin) break;
      if (r.type != "rate" || r.object != c.object) continue;
      double expected = c.value * 100.0 / *c.out_of;
      if (std::abs(expected - r.value) > 0.5) {
        doc.Warn("rate_arithmetic",
                 FigureLabel(r) + ": " + Num(r.value) + "% does not match " + Num(c.value) + "/" +
                     std::to_string(*c.out_of) + " = " + Num(std::round(expected * 100) / 100) +
                     "% (rate_arithmetic)",
                 r.id);
      }
      break;
    }
  }
}

}  // namespace

Validator::Validator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Validator::~Validator() = default;

Status Validator::Load(const std::string& schema_path,
                       std::unique_ptr<Validator>* out) {
  std::ifstream in(schema_path, std::ios::binary);
  if (!in) {
    return Status::Error(schema_path +
                         ": cannot open schema file: " + std::strerror(errno));
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Status::Error(schema_path + ": read error");

  Json root;
  try {
    root = Json::parse(buf.str());
  } catch (const Json::parse_error& e) {
    return Status::Error(schema_path + ": not valid JSON: " + e.what());
  }
  if (!root.is_object()) {
    return Status::Error(schema_path + ": a JSON Schema must be an object");
  }
  auto defs = root.find("definitions");
  if (defs == root.end() || !defs->is_object() || !defs->contains("figure")) {
    return Status::Error(schema_path +
                         ": missing definitions/figure (the Figure schema)");
  }

  auto impl = std::make_unique<Impl>();
  if (Status s = ParseSchema(root, &impl->record_schema); !s.ok()) {
    return Status::Error(schema_path + ": invalid schema: " + s.message());
  }
  // The figure schema is the same document entered at #/definitions/figure,
  // so its internal $refs resolve identically.
  Json figure_root = {{"definitions", *defs}, {"$ref", "#/definitions/figure"}};
  if (Status s = ParseSchema(figure_root, &impl->figure_schema); !s.ok()) {
    return Status::Error(
        schema_path + ": invalid schema at definitions/figure: " + s.message());
  }
  impl->fast_path = Sha256Hex(buf.str()) == kMirroredSchemaSha256;
  out->reset(new Validator(std::move(impl)));
  return Status::OK();
}

Status Validator::ValidateRecord(const nlohmann::json& record) const {
  if (auto reason =
          RunSchema(impl_->record_schema, record, ThreadLocalValidator(), 5)) {
    return Status::Error("record does not match chiso/1: " + *reason);
  }
  return Status::OK();
}

Status Validator::ValidateFigure(const nlohmann::json& figure) const {
  if (auto reason =
          RunSchema(impl_->figure_schema, figure, ThreadLocalValidator(), 3)) {
    return Status::Error(*reason);
  }
  return Status::OK();
}

bool Validator::fast_path() const { return impl_->fast_path; }

Status Validator::Validate(Document& doc) const {
  valijson::Validator& validator = ThreadLocalValidator();
  std::optional<CodePointIndex> index;  // only for figures valijson checks

  std::vector<Figure> kept;
  kept.reserve(doc.figures.size());
  for (Figure& f : doc.figures) {
    if (std::optional<Finding> bad = HardCheck(doc, f)) {
      doc.Warn(
          bad->code,
          FigureLabel(f) + " dropped: " + bad->message + " (" + bad->code + ")",
          f.id);
      continue;
    }
    if (!(impl_->fast_path && SchemaAccepts(f))) {
      if (!index) index.emplace(doc.text);
      if (auto reason = RunSchema(impl_->figure_schema,
                                  Json(FigureToJson(doc, f, *index)),
                                  validator, 3)) {
        doc.Warn("schema_violation",
                 FigureLabel(f) + " dropped: " + *reason + " (schema_violation)",
                 f.id);
        continue;
      }
    }
    for (const Finding& soft : SoftChecks(f)) {
      doc.Warn(soft.code,
               FigureLabel(f) + ": " + soft.message + " (" + soft.code + ")",
               f.id);
    }
    kept.push_back(std::move(f));
  }
  doc.figures = std::move(kept);
  DocumentSoftChecks(doc);

  // Every kept figure has just passed the figure schema, and figures do not
  // depend on the rest of the record, so check the record without them.
  if (impl_->fast_path && RecordAccepts(doc)) return Status::OK();
  Json record = ToJsonWithoutFigures(doc);
  if (auto reason = RunSchema(impl_->record_schema, record, validator, 5)) {
    return Status::Error("record " + doc.id +
                         " does not match chiso/1: " + *reason);
  }
  return Status::OK();
}

}  // namespace chiso
