// Cross-document consolidation: one fact per fact key, conflicts found and
// explained (issue 11).
//
// A Consolidator reads `chiso/1` records (one document each, streamed) and,
// at Finish(), streams one fact per fact key and a conflict record for every
// disagreement to a FactsSink, as chiso-facts/1 JSON objects.
//
//   chiso::Consolidator c;
//   for (path : inputs) if (Status s = c.AddJsonlFile(path); !s.ok()) ...;
//   chiso::Status s = chiso::WriteFactsJsonl(c, "facts.jsonl");  // Finish()es c
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
// are kept apart ("approximate") and give the fact's value only when no
// exact figure exists.
//
// Independent sources are distinct documents (doc sha256): a record whose
// sha256 came before adds nothing (Stats::duplicate_docs; the first 64 bits
// of the hash compared), and figures of one document count once per cluster.
//
// Conflicts (a conflict record's "kind"):
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
// Memory: flat in the number of figures, facts and conflicts. Figures are
// written to an external sort (corpus/external_sort.h) keyed by subject
// family (indicator, component, subject): everything the value checks,
// change arithmetic, year shift and totals compare lives in one family, so
// families are consolidated one at a time. Facts, the rank/score rows of each
// ranking (indicator, component, year) and conflicts go through three more
// external sorts, so facts come out in key order and conflicts in id order
// while memory holds one family, one ranking and the sort buffers
// (ConsolidateOptions::memory_bytes in all). Duplicate documents are found
// the same way: one sorted key per document counts them, and each family
// drops the figures of a later document with the sha256 of an earlier one.
// Measured by bench/consolidate_bench.cc and bench/consolidate_memory.sh.
//
// Thread-safety: a Consolidator is not thread-safe; use one per thread.
// Nothing here prints, throws or aborts.
#ifndef CHISO_CORPUS_CONSOLIDATE_H_
#define CHISO_CORPUS_CONSOLIDATE_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <iosfwd>
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
  // Default 4; 0 keeps none.
  int max_sources = 4;
  // Memory for the external sorts' buffers, in all; beyond it they spill to
  // temporary files in temp_dir ("" -> $TMPDIR or /tmp).
  size_t memory_bytes = 64u << 20;
  std::string temp_dir;
};

struct ConsolidateStats {
  // figures and skipped_* count the figures of every record read;
  // duplicate_docs, used (figures that went into facts, duplicates' not) and
  // the rest are filled by Finish().
  size_t records = 0, figures = 0, used = 0;
  size_t error_records = 0, duplicate_docs = 0;
  size_t skipped_no_subject = 0, skipped_no_year = 0, skipped_bad = 0;
  size_t facts = 0, conflicts = 0, explained_conflicts = 0;
  uint64_t bytes_spilled = 0;  // written to temporary sort runs
};

// Receives a consolidation's output: every fact in key order, then every
// conflict in id order, each one JSON object (no newline). A failed call
// stops Finish() with that status.
class FactsSink {
 public:
  virtual ~FactsSink() = default;
  virtual Status Fact(std::string_view json) = 0;
  virtual Status Conflict(std::string_view json) = 0;
};

class Consolidator {
 public:
  explicit Consolidator(ConsolidateOptions options = {});
  ~Consolidator();

  // Folds one chiso/1 record in. Records with an error, without figures, or
  // whose doc.sha256 was seen before add no facts. Malformed figures (no
  // type or numeric value) are skipped and counted. REQUIRES: not finished.
  void AddRecord(const nlohmann::json& record);

  // Same for a processed Document (spans converted to code points).
  void AddDocument(const Document& doc);

  // Streams a JSON Lines file ("-" for stdin) through AddRecord. Blank lines
  // are skipped; a line that is not a JSON object fails with "path:line:
  // reason" (records before it stay added).
  Status AddJsonlFile(const std::string& path);
  // The same from a stream; `path` names it in messages.
  Status AddJsonl(std::istream& in, const std::string& path);

  // Resolves values, runs the checks and streams facts and conflicts to
  // `out`. Call once. Fails on a sink error or a temporary-file error (which
  // AddRecord/AddDocument could not report).
  Status Finish(FactsSink& out);
  bool finished() const;

  const ConsolidateStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Keeps everything, parsed: for tests and small corpora (memory O(facts)).
class FactsCollector : public FactsSink {
 public:
  Status Fact(std::string_view json) override;
  Status Conflict(std::string_view json) override;
  std::vector<nlohmann::json> facts, conflicts;
};

// Sends everything to two sinks (a facts file and a database, say).
class TeeFactsSink : public FactsSink {
 public:
  TeeFactsSink(FactsSink& a, FactsSink& b) : a_(a), b_(b) {}
  Status Fact(std::string_view json) override;
  Status Conflict(std::string_view json) override;

 private:
  FactsSink &a_, &b_;
};

// Writes one JSON object per line to `path` ("-" or empty: stdout) through a
// temporary file renamed by Close(); a device or pipe is written in place.
// Destroyed without Close(), it removes the temporary file.
class FactsJsonlWriter : public FactsSink {
 public:
  static Status Open(const std::string& path, std::unique_ptr<FactsJsonlWriter>* out);
  ~FactsJsonlWriter() override;
  Status Fact(std::string_view json) override { return Put(json); }
  Status Conflict(std::string_view json) override { return Put(json); }
  Status Close();

 private:
  FactsJsonlWriter() = default;
  Status Put(std::string_view json);
  std::string path_, tmp_;
  std::FILE* out_ = nullptr;
  bool to_stdout_ = false, direct_ = false, failed_ = false;
};

// c.Finish() into a FactsJsonlWriter for `path`.
Status WriteFactsJsonl(Consolidator& c, const std::string& path);

// The fact key of a chiso/1 figure object ("" when it cannot be a fact:
// unknown subject, no year, no type or value). Conflict ids are built from it:
// "value|<key>"; "parts_exceed_total|<key of the total>";
// "rank_score_inversion|<indicator>|<component>|<year>|<scope>|<out_of or ~>|scale=<scale or ~>".
std::string FactKey(const nlohmann::json& figure);

// Whether a and b agree within rounding (see the header comment).
bool ValuesAgree(double a, double b);
// Decimals of the shortest decimal form of v (0..6).
int DecimalsOf(double v);

// The records, as FactsSink receives them:
// fact: {"schema": "chiso-facts/1", "record": "fact", "key", "type",
//  "indicator", "component", "subject": {kind, name, id}, "year", <key fields
//  that apply>, "value", "approx" (null or the approx word when
//  approximate-only), "unit", "sources" (independent documents supporting the
//  value), "documents" (all documents mentioning the key), "confidence",
//  "conflict" (id or null), "supporting": [source...], "approximate":
//  [source...], "warnings": [{code, message}...]}
//  A source: {doc, sha256, figure, span, text, sentence, year, value, approx}.
// conflict: {"schema": "chiso-facts/1", "record": "conflict", "id", "kind",
//  "facts", "explained", ...detail}: value_disagreement adds "values":
//  [{value, docs, figures, chosen, explanation, explanation_detail,
//  sources}]; rank_score_inversion adds "pairs":
//  [{higher_score_worse_rank: {subject, score, rank},
//  lower_score_better_rank: {...}}]; parts_exceed_total adds "total",
//  "parts", "sum".

}  // namespace chiso

#endif  // CHISO_CORPUS_CONSOLIDATE_H_
