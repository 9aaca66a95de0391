#include "schema/emit.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "core/fold.h"
#include "core/swar.h"

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

// How a value is written: null, an integer, or a double (already rounded).
// JsonNumber and LineWriter::Number both follow it, so they cannot drift.
enum class NumberForm { kNull, kInteger, kDouble };

NumberForm ClassifyNumber(double v, int64_t* integer, double* real) {
  if (!std::isfinite(v)) return NumberForm::kNull;
  if (v == std::trunc(v) && std::fabs(v) <= kMaxExactInteger) {
    *integer = static_cast<int64_t>(v);
    return NumberForm::kInteger;
  }
  double rounded = std::round(v * 1e6) / 1e6;
  if (!std::isfinite(rounded)) {  // |v| near DBL_MAX: v*1e6 overflowed
    *real = v;
    return NumberForm::kDouble;
  }
  if (rounded == std::trunc(rounded) && std::fabs(rounded) <= kMaxExactInteger) {
    *integer = static_cast<int64_t>(rounded);
    return NumberForm::kInteger;
  }
  *real = rounded;
  return NumberForm::kDouble;
}

}  // namespace

Json JsonNumber(double v) {
  int64_t i = 0;
  double d = 0;
  switch (ClassifyNumber(v, &i, &d)) {
    case NumberForm::kNull: return nullptr;
    case NumberForm::kInteger: return i;
    case NumberForm::kDouble: return d;
  }
  return nullptr;
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

namespace internal {

// The byte loop IsPlain replaced; the reference of its differential test.
bool IsPlainReference(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == '"' || c == '\\') return false;
      ++i;
      continue;
    }
    const size_t len = Utf8SequenceLength(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

// Eight bytes at a time: a word of printable ASCII other than '"' and '\\'
// is skipped whole; at its first other byte, a multi-byte sequence is checked
// and the scan goes on after it.
bool IsPlain(std::string_view s) {
  if constexpr (std::endian::native != std::endian::little) return IsPlainReference(s);
  size_t i = 0;
  while (i + 8 <= s.size()) {
    const uint64_t w = swar::Load8(s.data() + i);
    const uint64_t marked = swar::HighBytes(w) | swar::BytesBelow(w, 0x20) |
                            swar::BytesEqual(w, '"') | swar::BytesEqual(w, '\\');
    if (marked == 0) {
      i += 8;
      continue;
    }
    i += swar::FirstMarked(marked);
    if (static_cast<unsigned char>(s[i]) < 0x80) return false;  // a control, '"' or '\\'
    const size_t len = Utf8SequenceLength(s, i);
    if (len == 0) return false;
    i += len;
  }
  // The last bytes (fewer than 8) start at a character boundary.
  return IsPlainReference(s.substr(i));
}

}  // namespace internal

// AppendJsonLine writes the line directly, byte for byte what
// ToJson(doc).dump(-1, ' ', false, replace) writes, without building the
// DOM (which cost more than the rest of emission). emit_test and
// tests/fast_paths_test compare the two on every corpus.
namespace {

using internal::IsPlain;

class LineWriter {
 public:
  explicit LineWriter(std::string* out) : out_(*out) {}

  void Raw(std::string_view s) { out_.append(s); }
  // k: a plain ASCII literal, written after '{' or a value. Its size is a
  // constant, so the copy into buf is a few moves, not a memcpy call: keys are
  // written ~200 times a document.
  template <size_t N>
  void Key(const char (&k)[N]) {
    static_assert(N + 3 <= 32);
    char buf[32];  // one append, not four
    const size_t comma = out_.back() != '{';
    buf[0] = ',';
    buf[comma] = '"';
    std::memcpy(buf + comma + 1, k, N - 1);
    buf[comma + N] = '"';
    buf[comma + N + 1] = ':';
    out_.append(buf, comma + N + 2);
  }
  void String(std::string_view s) { AppendJsonString(s, &out_); }
  // The figures of one sentence come one after another and each repeats its
  // text: the same bytes found plain once are not checked again.
  void Sentence(std::string_view s) {
    if (s.data() != plain_sentence_.data() || s.size() != plain_sentence_.size()) {
      if (!IsPlain(s)) {
        String(s);
        return;
      }
      plain_sentence_ = s;
    }
    out_.push_back('"');
    out_.append(s);
    out_.push_back('"');
  }
  void NullableString(const std::string& s) {
    if (s.empty()) Raw("null");
    else String(s);
  }
  void Int(int64_t v) {
    char buf[24];
    out_.append(buf, static_cast<size_t>(std::to_chars(buf, buf + sizeof(buf), v).ptr - buf));
  }
  void NullableInt(const std::optional<int>& v) {
    if (v) Int(*v);
    else Raw("null");
  }
  void Number(double v) {
    int64_t i = 0;
    double d = 0;
    switch (ClassifyNumber(v, &i, &d)) {
      case NumberForm::kNull: Raw("null"); break;
      case NumberForm::kInteger: Int(i); break;
      case NumberForm::kDouble: {
        // What Json(d).dump() writes (its serializer calls this same
        // function, with a 64-byte buffer), without building a Json and a
        // serializer per number.
        char buf[64];
        char* end = nlohmann::detail::to_chars(buf, buf + sizeof(buf), d);
        out_.append(buf, static_cast<size_t>(end - buf));
        break;
      }
    }
  }
  void Pair(uint64_t a, uint64_t b) {
    char buf[48];  // "[" 20 digits "," 20 digits "]"
    buf[0] = '[';
    char* p = std::to_chars(buf + 1, buf + 22, a).ptr;
    *p = ',';
    p = std::to_chars(p + 1, p + 22, b).ptr;
    *p = ']';
    out_.append(buf, static_cast<size_t>(p + 1 - buf));
  }
  void Subject(const chiso::Subject& s, bool none_is_null) {
    if (!s.has_value()) {
      Raw(none_is_null ? "null" : R"({"kind":"unknown","name":null,"id":null})");
      return;
    }
    Raw("{");
    Key("kind");
    String(SubjectKindName(s.kind));
    Key("name");
    NullableString(s.name);
    Key("id");
    NullableString(s.id);
    Raw("}");
  }
  void ObjectFields(const Figure& f) {
    Key("object");
    NullableString(f.object);
    Key("status");
    NullableString(f.status);
    Key("level");
    NullableString(f.level);
  }

  // Mirrors FigureToJson, field by field.
  void Figure(const Document& doc, const chiso::Figure& f, const CodePointIndex& index) {
    const size_t size = doc.text.size();
    const Span span = Clamp(f.span, size);
    const Span sentence = Clamp(f.sentence, size);
    Raw("{");
    Key("id");
    String(f.id);
    Key("type");
    String(f.type);
    Key("indicator");
    NullableString(f.indicator);
    Key("component");
    NullableString(f.component);
    Key("subject");
    Subject(f.subject, /*none_is_null=*/false);
    Key("year");
    NullableInt(f.year);
    Key("value");
    Number(f.value);
    if (f.type == "score") {
      Key("unit");
      NullableString(f.unit);
      Key("scale");
      if (f.scale) Number(*f.scale);
      else Raw("null");
      if (!f.group.empty()) {
        Key("group");
        String(f.group);
      }
    } else if (f.type == "rank") {
      Key("out_of");
      NullableInt(f.out_of);
      Key("scope");
      NullableString(f.scope);
    } else if (f.type == "change") {
      Key("direction");
      NullableString(f.direction);
      Key("measure");
      NullableString(f.measure);
      Key("unit");
      NullableString(f.unit);
      Key("from_year");
      NullableInt(f.from_year);
      Key("scope");
      NullableString(f.scope);
      if (f.measure == "count") ObjectFields(f);
    } else if (f.type == "count" || f.type == "rate") {
      ObjectFields(f);
    }
    Key("approx");
    NullableString(f.approx);
    Key("span");
    Pair(index.CodePoints(span.begin), index.CodePoints(span.end));
    if (!doc.bytes.empty()) {
      Key("source_span");
      Pair(doc.source_map.ToSource(span.begin), doc.source_map.ToSource(span.end));
    }
    Key("text");
    String(doc.Slice(span));
    Key("sentence");
    Sentence(doc.Slice(sentence));
    Key("page");
    NullableInt(f.page);
    Key("rule");
    String(f.rule);
    Key("confidence");
    Number(f.confidence);
    Raw("}");
  }

 private:
  std::string& out_;
  std::string_view plain_sentence_;  // into the document being written
};

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  if (IsPlain(s)) {
    out->push_back('"');
    out->append(s);
    out->push_back('"');
  } else {  // escapes and U+FFFD replacement exactly as nlohmann writes them
    out->append(Json(std::string(s)).dump(-1, ' ', false, Json::error_handler_t::replace));
  }
}

void AppendJsonLine(const Document& doc, std::string* out) {
  LineWriter w(out);
  w.Raw(R"({"schema":"chiso/1","doc":{)");
  w.Key("id");
  w.String(doc.id);
  w.Key("path");
  w.String(doc.path);
  w.Key("sha256");
  w.NullableString(doc.sha256);
  w.Key("format");
  w.String(FormatName(doc.format));
  w.Key("encoding");
  w.NullableString(doc.encoding);
  w.Key("title");
  w.NullableString(doc.title);
  w.Key("date");
  w.NullableString(doc.date);
  w.Key("subject");
  w.Subject(doc.subject, /*none_is_null=*/true);
  w.Key("pages");
  w.NullableInt(doc.pages);
  w.Raw(R"(},"figures":[)");
  if (!doc.figures.empty()) {
    const CodePointIndex index(doc.text);
    for (size_t i = 0; i < doc.figures.size(); ++i) {
      if (i > 0) w.Raw(",");
      w.Figure(doc, doc.figures[i], index);
    }
  }
  w.Raw(R"(],"warnings":[)");
  for (size_t i = 0; i < doc.warnings.size(); ++i) {
    const Warning& warning = doc.warnings[i];
    w.Raw(i > 0 ? ",{" : "{");
    w.Key("code");
    w.String(warning.code);
    w.Key("message");
    w.String(warning.message);
    w.Key("figure");
    w.NullableString(warning.figure);
    w.Raw("}");
  }
  w.Raw(R"(],"error":)");
  if (doc.error) {
    w.Raw("{");
    w.Key("code");
    w.String(doc.error->code);
    w.Key("message");
    w.String(doc.error->message);
    w.Raw("}");
  } else {
    w.Raw("null");
  }
  w.Raw("}\n");
}

}  // namespace chiso
