// A deterministic generator of chiso/1 records with planted conflicts and
// planted agreements, and the ground truth to score consolidation against
// (issue 11).
//
// The world: `units` provinces ("Tỉnh Gen 007", id "gen-007"), `years`
// consecutive years from `first_year`, and four indices. For every index and
// year each unit has a distinct score (2 decimals, 60..99) and the rank that
// score gives (out of `units`); between years, the score change (points) and
// the rank change (places); per unit and year, procedure counts: a total and
// province/district/commune parts summing to no more than it.
//
// Articles: for every unit and year a bundle of 1..2*sources_per_fact-1
// documents, each reporting the bundle's facts with probability 0.8
// (rounding variants at one decimal are planted agreements). Then plants,
// each with its probability per fact:
//   typo          one extra source gives a wrong value (facts already
//                 reported by >= 2 documents, so the majority stays right)
//   year_shift    one extra source gives the year-1 value under year Y; the
//                 expected explanation is change_arithmetic when the bundle
//                 reports the change, else year_shift when year Y-1 was
//                 reported cleanly, else none
//   inversion     every source of a unit's rank gives a wrong rank (worse by
//                 1..3 places), so it inverts with the units it passed
//   parts_exceed  the commune count is inflated above the total
// Ground truth lists the conflict ids consolidation must report (see
// FactKey in corpus/consolidate.h for their form) and, for value
// disagreements, the expected explanation. Rank/score inversions are decided
// from the values as reported (the planted wrong ranks against reported
// scores of the same ranking).
//
// Same seed and options, same records, byte for byte. Thread-safe (no
// shared state); prints nothing.
#ifndef CHISO_CORPUS_CONFLICT_GEN_H_
#define CHISO_CORPUS_CONFLICT_GEN_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace chiso {

struct ConflictGenOptions {
  uint64_t seed = 1;
  int units = 63;
  int years = 4;
  int first_year = 2019;
  int sources_per_fact = 3;  // mean documents per bundle
  double p_typo = 0.03;
  double p_year_shift = 0.03;
  double p_inversion = 0.01;
  double p_parts_exceed = 0.03;
  double p_rounding = 0.2;  // a source gives a score at one decimal
  // Per document, add a few figures that must never conflict: unknown
  // subject and year-less ones, with random values. Default true.
  bool noise = true;
};

struct ConflictGenTruth {
  // Conflict id -> expected explanation of its losing value ("year_shift",
  // "change_arithmetic", or "" for none/not applicable).
  std::map<std::string, std::string> conflicts;
  size_t records = 0, figures = 0;
  size_t planted_typos = 0, planted_shifts = 0, planted_inversions = 0, planted_parts = 0;
};

// Generates the corpus, handing each record to `emit` in order (no record is
// kept), and fills `truth` (may be null).
void GenerateConflictCorpus(const ConflictGenOptions& options,
                            const std::function<void(const nlohmann::json&)>& emit,
                            ConflictGenTruth* truth);

}  // namespace chiso

#endif  // CHISO_CORPUS_CONFLICT_GEN_H_
