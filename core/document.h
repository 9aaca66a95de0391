// The one type that flows through the chiso pipeline.
//
// A Document is created by ingest (source metadata and raw bytes), decoded and
// normalized by normalize/ (text, paragraphs, sentences), enriched by extract/
// (figures, subject, date) and checked by schema/ (figures that fail are dropped
// with a warning) before it is emitted as one `chiso/1` record.
//
// All offsets inside a Document (Span, Figure::span) are BYTE offsets into
// `text`, the normalized UTF-8 text. Code-point offsets, which the contract
// uses, are computed once at emission (see CodePointIndex).
//
// Thread-safety: a Document is a plain value; one worker owns it at a time.
#ifndef CHISO_CORE_DOCUMENT_H_
#define CHISO_CORE_DOCUMENT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/offset_map.h"

namespace chiso {

// [begin, end) byte range into Document::text.
struct Span {
  size_t begin = 0;
  size_t end = 0;
  size_t size() const { return end - begin; }
  bool empty() const { return begin >= end; }
  bool Contains(size_t pos) const { return pos >= begin && pos < end; }
};

enum class SubjectKind { kNone, kProvince, kMinistry, kRegion, kNation, kAggregate, kUnknown };

// "province", "ministry", ... ; kNone has no string (emitted as JSON null).
std::string_view SubjectKindName(SubjectKind kind);
std::optional<SubjectKind> SubjectKindFromName(std::string_view name);

// Who a figure (or a document) is about. kind == kNone means "no subject".
struct Subject {
  SubjectKind kind = SubjectKind::kNone;
  std::string name;  // canonical Vietnamese name, empty for unknown
  std::string id;    // ASCII slug, empty for unknown
  bool has_value() const { return kind != SubjectKind::kNone; }
  friend bool operator==(const Subject&, const Subject&) = default;
};

// One extracted figure. Vocabulary fields are strings exactly as CONTRACT.md
// spells them; an empty string means JSON null / absent. Which optional fields
// are emitted depends on `type` (see schema/emit.cc).
struct Figure {
  std::string id;         // "f1", "f2", ... assigned in document order
  std::string type;       // score | rank | change | count | rate
  std::string indicator;  // PAR_INDEX | SIPAS | ... | "" (null)
  std::string component;  // sub-index name or ""
  Subject subject;
  std::optional<int> year;
  double value = 0;
  std::string approx;     // over | under | about | ""
  // score
  std::string unit;       // percent | points | places | count | ""
  std::optional<double> scale;
  std::string group;
  // rank / change
  std::optional<int> out_of;
  std::string scope;
  std::string direction;  // up | down
  std::string measure;    // score | rank | count
  std::optional<int> from_year;
  // count / rate
  std::string object;     // procedure | dossier | other
  std::string status;
  std::string level;      // province | district | commune
  // provenance
  Span span;                  // bytes of the matched surface text
  Span sentence;              // bytes of the sentence it stands in
  std::optional<int> page;    // 1-based, PDFs only
  std::string rule;
  double confidence = 0;
};

struct Warning {
  std::string code;
  std::string message;
  std::string figure;  // figure id or ""
};

struct Error {
  std::string code;     // empty, binary, invalid_utf8, unreadable, ...
  std::string message;
};

enum class Format { kText, kHtml, kPdf };
std::string_view FormatName(Format format);

struct Document {
  // --- source (ingest) ---
  std::string id;       // path relative to the input root; gold files key on it
  std::string path;     // path as given / found on disk
  std::string sha256;   // hex of `bytes`
  Format format = Format::kText;
  std::string bytes;    // raw input

  // --- normalize ---
  std::string encoding;         // what was decoded: "UTF-8", "UTF-16LE", ...
  std::string text;             // normalized NFC UTF-8; all Spans point here
  OffsetMap source_map;         // text bytes -> bytes of `bytes` (the input file)
  std::vector<Span> paragraphs; // in order, non-overlapping
  std::vector<Span> sentences;  // in order, each inside one paragraph
  std::optional<int> pages;     // PDFs only

  // --- extract ---
  std::string title;
  std::string date;  // ISO YYYY-MM-DD or ""
  Subject subject;   // the document's default subject
  std::vector<Figure> figures;

  // --- every stage ---
  std::vector<Warning> warnings;
  std::optional<Error> error;

  bool failed() const { return error.has_value(); }
  void Fail(std::string code, std::string message) {
    error = Error{std::move(code), std::move(message)};
  }
  void Warn(std::string code, std::string message, std::string figure = {}) {
    warnings.push_back({std::move(code), std::move(message), std::move(figure)});
  }
  std::string_view Slice(Span s) const {
    return std::string_view(text).substr(s.begin, s.end - s.begin);
  }
};

// Maps byte offsets of a UTF-8 string to code-point offsets. Build once per
// document (O(n)), then each lookup is O(log n) over a sparse checkpoint table.
class CodePointIndex {
 public:
  explicit CodePointIndex(std::string_view utf8);
  // REQUIRES: byte_offset <= utf8.size(). Offsets inside a multi-byte
  // sequence count the partial character as not yet started.
  size_t CodePoints(size_t byte_offset) const;

 private:
  std::string_view text_;
  std::vector<uint32_t> checkpoints_;  // code points before byte k*kStride
  static constexpr size_t kStride = 64;  // lookups count <= 63 bytes
};

}  // namespace chiso

#endif  // CHISO_CORE_DOCUMENT_H_
