// Validator: checks `chiso/1` records against schema/chiso1.schema.json (JSON
// Schema draft-07, via valijson) plus semantic checks the schema cannot
// express. It is the last stage before emission: figures that fail are dropped
// from the Document with a warning, so a record that reaches the output is
// valid by construction.
//
//   std::unique_ptr<chiso::Validator> validator;
//   chiso::Status s = chiso::Validator::Load(path, &validator);
//   if (!s.ok()) return s;           // "path: reason"
//   s = validator->Validate(doc);    // non-OK only on an upstream bug
//
// Per figure, in order (the first failure drops the figure):
//   1. hard semantic checks, warning codes: non_finite_value,
//      span_out_of_range, sentence_out_of_range, invalid_rank,
//      rank_exceeds_out_of, percent_out_of_range, papi_out_of_range,
//      dti_out_of_range, invalid_scale, negative_score, score_exceeds_scale,
//      negative_count, non_integer_count, non_positive_change;
//   2. the figure schema (#/definitions/figure), warning code
//      schema_violation, naming the JSON pointer inside the figure, the
//      constraint and the offending value;
//   3. soft checks on kept figures (warn, keep): rank_out_of_unusual,
//      year_implausible.
// Messages read "figure f3 dropped: rank 70 exceeds out_of 63
// (rank_exceeds_out_of)"; Warning::figure carries the figure id.
//
// Thread-safety: after Load, a Validator is immutable; its const methods are
// safe to call concurrently from many threads (the parsed schemas are shared
// read-only; valijson's validator, whose regex cache is mutable, is kept one
// per thread). Nothing here prints or aborts.
#ifndef CHISO_SCHEMA_VALIDATOR_H_
#define CHISO_SCHEMA_VALIDATOR_H_

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/document.h"
#include "core/status.h"

namespace chiso {

class Validator {
 public:
  // Reads and parses the schema file. On failure *out is untouched and the
  // message is "<schema_path>: <reason>" (unreadable, not JSON with the parse
  // position, or not a valid schema).
  static Status Load(const std::string& schema_path,
                     std::unique_ptr<Validator>* out);

  ~Validator();
  Validator(const Validator&) = delete;
  Validator& operator=(const Validator&) = delete;

  // Drops every figure of `doc` that fails a hard semantic check or the figure
  // schema, adding one warning per dropped figure; adds soft-check warnings
  // for kept figures; then validates the whole record. Returns non-OK with a
  // readable message (JSON pointer, constraint, offending value, e.g.
  // `/doc/date: Failed to match regex ... (got "2021-13-01")`) only if the
  // record still fails: a bug upstream, not in the document.
  // Cost: per record and per figure, a check in code of the schema's rules;
  // a serialization and valijson pass only for what that check does not
  // accept (about 50-100 us each).
  Status Validate(Document& doc) const;

  // Validates one serialized record against the schema only (no semantic
  // checks). Used by tests and `chiso validate`.
  Status ValidateRecord(const nlohmann::json& record) const;

  // Validates one serialized figure against #/definitions/figure.
  Status ValidateFigure(const nlohmann::json& figure) const;

  // True when the schema file is the version whose figure rules Validate
  // also knows in code: figures those rules accept skip valijson (same
  // verdict, far cheaper). With any other schema file every figure goes
  // through valijson.
  bool fast_path() const;

 private:
  struct Impl;
  explicit Validator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace chiso

#endif  // CHISO_SCHEMA_VALIDATOR_H_
