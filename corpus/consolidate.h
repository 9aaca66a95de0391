// Cross-document consolidation: one fact per fact key, conflicts found and
// explained (issue 11).
//
// A Consolidator reads `chiso/1` records (one document each, streamed: a
// record is folded into per-fact aggregates and dropped) and, at Finish(),
// yields one Fact per fact key and a Conflict for every disagreement.
//
//   chiso::Consolidator c;
//   for (path : inputs) if (Status s = c.AddJsonlFile(path); !s.ok()) ...;
//   c.Finish();
//   chiso::WriteFactsJsonl(c, "facts.jsonl");
//
// Fact key. type, indicator, component, subject (kind + id; a folded
// SubjectNameKey when the id is empty), year, and where they apply: scale
// (score: 80-point PAPI and its percentage are two facts), out_of and scope
// (rank), measure, direction, from_year, scope (change), object, status,
// level (count, rate, change of a count). Figures that cannot be a fact about
// anyone are skipped and counted: subject unknown/absent, aggregate without
// a name, no year (year-less figures from two articles rarely mean one year).
//
// Values. Two values agree when they are equal after rounding the more
// precise to the other's number of decimals (83.87 and 83.9 agree; 83.87 and
// 84.1 do not), rounding half away from zero on the decimal value (95.35 ->
// 95.4). Decimals are those of the shortest decimal form of the number, at
// most 6. Exact values of one key are clustered: a value joins the
// first cluster whose representative (the most precise value seen) it agrees
// with. Approximate figures ("trên 83") never vote and never conflict; they
// are kept apart (FactValue approx) and give the fact's value only when no
// exact figure exists.
//
// Independent sources are distinct documents (doc sha256): a record whose
// sha256 was already consolidated adds nothing (Stats::duplicate_docs), and
// figures of one document count once per cluster.
//
// Conflicts (ConsolidateConflict::kind):
//   value_disagreement  one key, two or more exact clusters from different
//     documents (values that differ within a single document only are a
//     warning "ambiguous_in_document" on the fact: the key does not tell
//     those figures apart, e.g. a national and a regional rank change).
//     Explanations:
//     year_shift         a cluster's value agrees with the majority value of
//                        the same key at year-1 (and another cluster's does
//                        not): the article gave the year it was announced,
//                        not measured. Re-attributed to year-1 with a
//                        warning; the original figure stays listed.
//     change_arithmetic  a change fact of the same indicator, component and
//                        subject, year Y, from year Y-1 (or unstated), turns
//                        another cluster's value into this one: score(Y) -
//                        change(up) = score(Y-1) within rounding (+ for
//                        down); for ranks rank(Y) + places(up) = rank(Y-1).
//                        So this cluster is the year-1 value.
//     Neither check explains away a cluster with more documents than the one
//     it is measured against (a typo beside a well-supported value can make
//     the arithmetic work by chance; the majority is never blamed for it).
//     Change arithmetic compares at the decimals of the less precise operand
//     (86.77 - 2.9 agrees with 83.87 at one decimal).
//     An explained cluster does not vote; the fact's value is the majority
//     (most documents, then most figures, then first seen) of the rest.
//   rank_score_inversion among the ranks of one ranking (same indicator,
//     component, year, scope, out_of) and the same units' scores (same
//     indicator, component, year, scale): a unit with a higher score than
//     another has a worse rank. One conflict per ranking, listing the pairs.
//   parts_exceed_total  counts of one object/status/subject/year at province,
//     district and commune level sum above the count stated without a level.
//
// Confidence of a fact (documented formula, in [0, 1]):
//   base = 1 - prod_d (1 - c_d)       noisy-OR over the supporting documents,
//                                     c_d = the document's first figure's
//                                     confidence (0.5 when absent), capped
//                                     at 0.99
//   conf = base * s / (s + d + e / 4)
// with s the documents supporting the value, d those giving other values
// that no check explains and e those giving explained values. It grows with
// agreeing sources and falls with disagreement, explained disagreement
// costing a quarter of an unexplained one. Approximate-only facts: base of
// their documents times 0.5.
//
// Memory. Per fact: the key fields, one small struct per distinct value
// cluster, and at most `max_sources` FactSource per cluster (the rest are
// only counted), plus ~32 bytes per distinct document (duplicate detection:
// a hash set of sha256 prefixes). Nothing grows with the number of figures
// of a fact; a source's text and sentence are copied only when it is kept.
// Measured by bench/consolidate_bench.cc (time, aggregate bytes, peak RSS).
//
// Thread-safety: a Consolidator is not thread-safe; use one per thread.
// Nothing here prints, throws or aborts.
#ifndef CHISO_CORPUS_CONSOLIDATE_H_
#define CHISO_CORPUS_CONSOLIDATE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/document.h"
#include "core/status.h"

namespace chiso {

struct ConsolidateOptions {
  // Sources kept per value cluster of a fact (more are counted, not kept).
  // Each kept source costs ~0.5 KB (text and sentence included), so this
  // bounds memory per fact. Default 4; 0 keeps none.
  int max_sources = 4;
};

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
  uint64_t last_doc = 0;            // internal: serial of the last document
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
  uint64_t last_doc = 0;          // internal

  // Filled by Finish().
  int chosen = -1;       // index into values; -1: approximate-only fact
  double value = 0;      // the consolidated value
  double confidence = 0;
  std::string conflict;  // id of its value_disagreement conflict, or ""
  std::vector<Warning> warnings;  // code: year_shift, change_arithmetic, conflict, ...
};

struct ConsolidateConflict {
  std::string id;    // "value|<fact key>", "rank_score_inversion|...", ...
  std::string kind;  // value_disagreement | rank_score_inversion | parts_exceed_total
  std::vector<std::string> facts;  // keys of the facts involved
  bool explained = false;  // value_disagreement: every losing cluster explained
  nlohmann::json detail;   // kind-specific; see ConflictToJson
};

struct ConsolidateStats {
  size_t records = 0, figures = 0, used = 0;
  size_t error_records = 0, duplicate_docs = 0;
  size_t skipped_no_subject = 0, skipped_no_year = 0, skipped_bad = 0;
};

class Consolidator {
 public:
  explicit Consolidator(ConsolidateOptions options = {});
  ~Consolidator();

  // Folds one chiso/1 record in. Records with an error, without figures, or
  // whose doc.sha256 was seen before add no facts. Malformed figures (no
  // type or numeric value) are skipped and counted. REQUIRES: !finished().
  void AddRecord(const nlohmann::json& record);

  // Same for a processed Document (spans converted to code points).
  void AddDocument(const Document& doc);

  // Streams a JSON Lines file ("-" for stdin) through AddRecord. Blank lines
  // are skipped; a line that is not a JSON object fails with "path:line:
  // reason" (records before it stay added).
  Status AddJsonlFile(const std::string& path);

  // Resolves values, runs the checks, sorts facts by key. Call once.
  void Finish();
  bool finished() const;

  // After Finish(): facts sorted by key; conflicts sorted by id.
  const std::vector<Fact>& facts() const;
  const std::vector<ConsolidateConflict>& conflicts() const;
  const ConsolidateStats& stats() const;

  // Estimated bytes held by the aggregates (facts, clusters, sources, seen
  // documents). O(facts + docs), independent of the number of figures.
  size_t MemoryBytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The fact key of a chiso/1 figure object ("" when it cannot be a fact:
// unknown subject, no year, no type or value). Conflict ids are built from it:
// "value|<key>"; "parts_exceed_total|<key of the total>";
// "rank_score_inversion|<indicator>|<component>|<year>|<scope>|<out_of or ~>|scale=<scale or ~>".
std::string FactKey(const nlohmann::json& figure);

// Whether a and b agree within rounding (see the header comment).
bool ValuesAgree(double a, double b);
// Decimals of the shortest decimal form of v (0..6).
int DecimalsOf(double v);

// {"schema": "chiso-facts/1", "record": "fact", "key", "type", "indicator",
//  "component", "subject": {kind, name, id}, "year", <key fields that apply>,
//  "value", "approx" (null or the approx word when approximate-only), "unit",
//  "sources" (independent documents supporting the value), "documents" (all
//  documents mentioning the key), "confidence", "conflict" (id or null),
//  "supporting": [source...], "approximate": [source...], "warnings": [...]}
// A source: {doc, sha256, figure, span, text, sentence, year, value, approx}.
nlohmann::json FactToJson(const Fact& fact);
// The same object written straight to one line (no DOM): what
// WriteFactsJsonl writes; FactToJson is this line parsed.
std::string FactToJsonLine(const Fact& fact);
// {"schema": "chiso-facts/1", "record": "conflict", "id", "kind", "facts",
//  "explained", ...detail}: value_disagreement adds "values": [{value, docs,
//  figures, chosen, explanation, explanation_detail, sources}];
//  rank_score_inversion adds "pairs": [{better_score: {subject, score, rank},
//  worse_score: {...}}]; parts_exceed_total adds "total", "parts", "sum".
nlohmann::json ConflictToJson(const ConsolidateConflict& conflict);

// Writes every fact, then every conflict, one JSON object per line, to
// `path` ("-" or empty: stdout) through a temporary file renamed at the end.
// REQUIRES: c.finished().
Status WriteFactsJsonl(const Consolidator& c, const std::string& path);

}  // namespace chiso

#endif  // CHISO_CORPUS_CONSOLIDATE_H_
