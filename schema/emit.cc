#include "schema/emit.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string_view>

namespace chiso {
namespace {

using Json = nlohmann::ordered_json;

// Largest magnitude at which every integer is exactly representable.
constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53

Json NullableString(const std::string& s) {
  if (s.empty()) return nullptr;
  return s;
}

Json NullableInt(const std::optional<int>& v) {
  if (!v) return nullptr;
  return *v;
}

Json SubjectJson(const Subject& s, bool none_is_null) {
  if (!s.has_value()) {
    if (none_is_null) return nullptr;
    return Json{{"kind", "unknown"}, {"name", nullptr}, {"id", nullptr}};
  }
  return Json{{"kind", std::string(SubjectKindName(s.kind))},
              {"name", NullableString(s.name)},
              {"id", NullableString(s.id)}};
}

// Spans from upstream are byte offsets; never trust them past the text.
Span Clamp(Span s, size_t size) {
  s.end = std::min(s.end, size);
  s.begin = std::min(s.begin, s.end);
  return s;
}

Json CodePointSpan(Span s, const CodePointIndex& index) {
  return Json::array({index.CodePoints(s.begin), index.CodePoints(s.end)});
}

void AddObjectFields(const Figure& f, Json* j) {
  (*j)["object"] = NullableString(f.object);
  (*j)["status"] = NullableString(f.status);
  (*j)["level"] = NullableString(f.level);
}

}  // namespace

Json JsonNumber(double v) {
  if (!std::isfinite(v)) return nullptr;
  if (v == std::trunc(v) && std::fabs(v) <= kMaxExactInteger) {
    return static_cast<int64_t>(v);
  }
  double rounded = std::round(v * 1e6) / 1e6;
  if (!std::isfinite(rounded)) return v;  // |v| near DBL_MAX: v*1e6 overflowed
  if (rounded == std::trunc(rounded) &&
      std::fabs(rounded) <= kMaxExactInteger) {
    return static_cast<int64_t>(rounded);
  }
  return rounded;
}

Json FigureToJson(const Document& doc, const Figure& f,
                  const CodePointIndex& index) {
  const size_t size = doc.text.size();
  const Span span = Clamp(f.span, size);
  const Span sentence = Clamp(f.sentence, size);

  Json j = Json::object();
  j["id"] = f.id;
  j["type"] = f.type;
  j["indicator"] = NullableString(f.indicator);
  j["component"] = NullableString(f.component);
  j["subject"] = SubjectJson(f.subject, /*none_is_null=*/false);
  j["year"] = NullableInt(f.year);
  j["value"] = JsonNumber(f.value);
  if (f.type == "score") {
    j["unit"] = NullableString(f.unit);
    j["scale"] = f.scale ? JsonNumber(*f.scale) : Json(nullptr);
    if (!f.group.empty()) j["group"] = f.group;
  } else if (f.type == "rank") {
    j["out_of"] = NullableInt(f.out_of);
    j["scope"] = NullableString(f.scope);
  } else if (f.type == "change") {
    j["direction"] = NullableString(f.direction);
    j["measure"] = NullableString(f.measure);
    j["unit"] = NullableString(f.unit);
    j["from_year"] = NullableInt(f.from_year);
    j["scope"] = NullableString(f.scope);
    if (f.measure == "count") AddObjectFields(f, &j);
  } else if (f.type == "count" || f.type == "rate") {
    AddObjectFields(f, &j);
  }
  j["approx"] = NullableString(f.approx);
  j["span"] = CodePointSpan(span, index);
  if (!doc.bytes.empty()) {
    j["source_span"] = Json::array({doc.source_map.ToSource(span.begin),
                                    doc.source_map.ToSource(span.end)});
  }
  j["text"] = std::string(doc.Slice(span));
  j["sentence"] = std::string(doc.Slice(sentence));
  j["page"] = NullableInt(f.page);
  j["rule"] = f.rule;
  j["confidence"] = JsonNumber(f.confidence);
  return j;
}

namespace {

Json Record(const Document& doc, bool with_figures) {
  Json record = Json::object();
  record["schema"] = "chiso/1";

  Json d = Json::object();
  d["id"] = doc.id;
  d["path"] = doc.path;
  d["sha256"] = NullableString(doc.sha256);
  d["format"] = std::string(FormatName(doc.format));
  d["encoding"] = NullableString(doc.encoding);
  d["title"] = NullableString(doc.title);
  d["date"] = NullableString(doc.date);
  d["subject"] = SubjectJson(doc.subject, /*none_is_null=*/true);
  d["pages"] = NullableInt(doc.pages);
  record["doc"] = std::move(d);

  Json figures = Json::array();
  if (with_figures && !doc.figures.empty()) {
    const CodePointIndex index(doc.text);
    for (const Figure& f : doc.figures)
      figures.push_back(FigureToJson(doc, f, index));
  }
  record["figures"] = std::move(figures);

  Json warnings = Json::array();
  for (const Warning& w : doc.warnings) {
    warnings.push_back(Json{{"code", w.code},
                            {"message", w.message},
                            {"figure", NullableString(w.figure)}});
  }
  record["warnings"] = std::move(warnings);

  if (doc.error) {
    record["error"] =
        Json{{"code", doc.error->code}, {"message", doc.error->message}};
  } else {
    record["error"] = nullptr;
  }
  return record;
}

}  // namespace

Json ToJson(const Document& doc) { return Record(doc, /*with_figures=*/true); }

Json ToJsonWithoutFigures(const Document& doc) { return Record(doc, /*with_figures=*/false); }

void AppendJsonLine(const Document& doc, std::string* out) {
  out->append(
      ToJson(doc).dump(-1, ' ', /*ensure_ascii=*/false,
                       nlohmann::ordered_json::error_handler_t::replace));
  out->push_back('\n');
}

}  // namespace chiso
