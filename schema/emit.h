// Emission of `chiso/1` records: turns a Document into the JSON object the
// contract (/work/shared/spec/CONTRACT.md) describes, one line per document.
//
//   std::string line;
//   chiso::AppendJsonLine(doc, &line);   // {"schema":"chiso/1",...}\n
//
// Conversions done here, and only here:
//   - Spans (byte offsets into doc.text) become code-point offsets; `text` and
//     `sentence` are sliced from doc.text by Figure::span / Figure::sentence.
//     Offsets past the end of the text are clamped, never trusted.
//   - Fields that do not belong to a figure's type are omitted: out_of only
//     on rank; scope on rank and change; unit on score and change; scale on
//     score (group too, when set); direction, measure and from_year on
//     change; object, status and level on count, rate and change with
//     measure "count". `component` is on every figure (null when empty).
//   - Empty strings become null for nullable fields; doc.subject kNone becomes
//     null; a figure subject kNone becomes {"kind":"unknown","name":null,
//     "id":null}.
//   - Integral values are JSON integers (26, not 26.0); other values are
//     rounded to 6 decimals so 83.87 prints as 83.87.
//   - `source_span` (byte offsets of the input file, via doc.source_map) is
//     added only when doc.bytes is non-empty.
//
// Thread-safety: free functions over a const Document; safe to call
// concurrently on distinct or shared (unmodified) Documents. Nothing here
// throws for any Document content, including invalid UTF-8.
#ifndef CHISO_SCHEMA_EMIT_H_
#define CHISO_SCHEMA_EMIT_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/document.h"

namespace chiso {

// The whole record, fields in CONTRACT.md order. Cost: O(text + figures),
// one CodePointIndex built per call.
nlohmann::ordered_json ToJson(const Document& doc);

// The record with an empty `figures` array: what the record schema checks
// once its figures have been validated one by one. Cost: O(fields); no
// CodePointIndex.
nlohmann::ordered_json ToJsonWithoutFigures(const Document& doc);

// Appends ToJson(doc) as one line (compact, UTF-8 kept as is, no \u escapes)
// plus '\n' to *out. Invalid UTF-8 in strings is replaced by U+FFFD. Writes
// the text directly (no DOM): the same bytes as nlohmann's dump of ToJson.
void AppendJsonLine(const Document& doc, std::string* out);

// Appends `s` as a JSON string exactly as nlohmann's dump writes it (same
// escapes; invalid UTF-8 replaced by U+FFFD), without a DOM for plain text:
// the one string writer of the streaming writers (records, facts).
void AppendJsonString(std::string_view s, std::string* out);

namespace internal {
// True if `s` is well-formed UTF-8 with nothing JSON escapes (written as is).
// IsPlain checks eight bytes at a time; IsPlainReference, byte by byte, is
// the reference of its differential test. Same result.
bool IsPlain(std::string_view s);
bool IsPlainReference(std::string_view s);
}  // namespace internal

// One figure as emitted inside ToJson. `index` must be built over doc.text.
nlohmann::ordered_json FigureToJson(const Document& doc, const Figure& f,
                                    const CodePointIndex& index);

// The JSON number emitted for `v`: an integer when v is integral (and within
// ±2^53), otherwise v rounded to 6 decimals. Non-finite values become null.
nlohmann::ordered_json JsonNumber(double v);

}  // namespace chiso

#endif  // CHISO_SCHEMA_EMIT_H_
