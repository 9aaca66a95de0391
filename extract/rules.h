// RuleSet: extraction rules loaded from data files (extract/rules/*.json).
//
// A rule names a figure type, an RE2 pattern with named groups, and how the
// groups and static values fill a Figure's fields. Patterns may use macros
// (`{NUM}`, `{INT}`, `{PCT}`, ...) defined in extract/rules/macros.json, so the
// numeral syntax is written once. Every rule carries example sentences with the
// figures they must give and counter-examples that must give none; the
// rule-example test runs them all (tests/rule_examples_test.cc).
//
// Groups with a meaning of their own:
//   value     the numeral (required); parsed with normalize/numbers.h
//   out_of    a total ("26/63"), integer
//   scale     a maximum ("42,676/80"), number
//   from_year a comparison year ("so với năm 2019")
//   sign      "+" or "-": sets direction up/down
//   ord       a spelled ordinal ("thứ nhất"): used as the value when `value` did not match
//   any other group whose name is a Figure field (approx, direction, unit,
//   level, status, object, group, scope) is mapped through the rule's or the
//   global value map of that field ("trên" -> over, "giảm" -> down, ...).
//
// Matching (see MatchPath): in a long run, one alternation of all the
// patterns walks a document once, stopping where some rule matches; an
// anchored RE2::Set says which rules match there, and only those run
// (anchored, for captures). Until the run has seen enough text to pay for
// compiling that, unanchored RE2::Set passes pick the rules that match and
// each scans the text. Either way the matches are those of each rule scanning
// the text on its own.
//
// Thread-safety: a loaded RuleSet is immutable; Match is const and may be
// called from many threads.
#ifndef CHISO_EXTRACT_RULES_H_
#define CHISO_EXTRACT_RULES_H_

#include <map>
#include <optional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/document.h"
#include "core/status.h"
#include "extract/scan_text.h"

namespace re2 {
class RE2;
class StringPiece;
}  // namespace re2

namespace chiso {

class MultiScanner;

// What attribution must find for a candidate to become a figure.
enum class Requirement { kIndicator, kObject, kSubject };

// Where a rule's subject stands relative to the figure.
enum class SubjectPosition { kPreceding, kFollowing };

struct RuleExample {
  std::string text;
  // Each expected figure as a JSON object text with a subset of contract
  // fields ("subject" may be a plain name string).
  std::vector<std::string> figures;
};

struct Rule {
  std::string id;
  std::string description;
  std::string file;     // where it was defined, for messages
  std::string type;     // score | rank | change | count | rate, or "score|rate":
                        // attribution picks by context (an object word -> rate)
  std::string pattern;  // after macro expansion
  std::map<std::string, std::string> set;  // static field values
  std::map<std::string, std::map<std::string, std::string>> maps;  // field -> folded surface -> value
  std::vector<Requirement> requirements;
  SubjectPosition subject = SubjectPosition::kPreceding;
  double confidence = 0.9;
  int priority = 0;  // higher wins when two rules claim the same numeral
  // Word-level guards, checked on the folded text around the match: the
  // words right after the match must not start with any of not_followed_by
  // and, if followed_by is set, must start with one of them (punctuation or
  // the end of the line always passes); the three words before the numeral
  // must not contain any of not_preceded_by.
  std::vector<std::string> not_followed_by, followed_by, not_preceded_by;          // folded
  std::vector<std::string> not_followed_by_lc, followed_by_lc, not_preceded_by_lc;  // lowercased
  std::optional<double> fixed_value;  // "dẫn đầu" -> 1; span = the (?P<ord>) group
  std::vector<std::string> indicators;  // if set, only figures of these indices
  std::vector<RuleExample> examples;
  std::vector<std::string> counter_examples;

  // Compiled on the rule's first hit (RuleSet::Match, CompileAll); group
  // indices (0 = absent).
  std::string full_pattern;
  std::unique_ptr<std::once_flag> compile_once;
  std::unique_ptr<re2::RE2> re;
  int g_value = 0, g_out_of = 0, g_scale = 0, g_from_year = 0, g_sign = 0, g_ord = 0;
  std::vector<std::pair<std::string, int>> g_fields;  // field name -> group
  NumberHints hints;  // from type and unit, for the value (convention unset)
};

// One raw hit of a rule, before attribution.
struct Candidate {
  const Rule* rule = nullptr;
  Figure figure;      // type, value, span, and fields the rule fixed
  Span numeral;       // the value's own digits (two rules claiming it conflict)
  Span match;         // the whole match (context for attribution)
  bool has_direction = false;
};

class RuleSet {
 public:
  // Loads macros.json and every other *.json in `dir` (sorted by name).
  // Fails with "file: rule <id>: reason" on a malformed file, a duplicate id,
  // an unknown field or a pattern RE2 rejects (with RE2's message).
  static Status Load(const std::string& dir, std::unique_ptr<RuleSet>* out);

  // How Match finds the rules' matches; all give the same candidates.
  //   kPerRule     RE2::Set passes say which rules match (two sets, compiled
  //                side by side at load); each of those scans the whole text
  //                (cheap to set up);
  //   kSinglePass  one pass of all the patterns stops where some rule
  //                matches, and only those rules run there, anchored (~1.5x
  //                faster, but its two RE2s compile on first use, ~10 ms);
  //   kAuto        kPerRule until the run has matched 256 KB (ScannerSwitch),
  //                and while another thread compiles the scanner.
  enum class MatchPath { kAuto, kPerRule, kSinglePass };

  // Appends every candidate found in `scan` (a view of one document's text)
  // to `out`, in text order; spans are offsets into the document's text.
  // Numerals glued to dates, document numbers or other digits are rejected.
  void Match(const ScanText& scan, std::vector<Candidate>* out,
             MatchPath path = MatchPath::kAuto) const;

  // Each rule's RE2 and its folded twin (for text without diacritics)
  // compile on first use; this compiles them all now and reports a bad one.
  // Tests call it, so a pattern RE2 rejects cannot ship.
  Status CompileAll() const;

  // The single pass's scanner over the rules' patterns as written (Match's
  // kSinglePass), compiled now if no document has needed it yet; nullptr if
  // it failed to compile. For benchmarks that time its parts.
  const MultiScanner* Scanner() const;

  const std::vector<std::unique_ptr<Rule>>& rules() const { return rules_; }
  const Rule* Find(std::string_view id) const;

 private:
  RuleSet();
  size_t AddCandidate(const Rule& rule, int idx, const re2::StringPiece* groups, int n,
                      const ScanText& scan, std::vector<Candidate>* out,
                      std::vector<int>* cand_rule) const;
 public:
  ~RuleSet();
 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<std::unique_ptr<Rule>> rules_;
};

// Sets a Figure's string field by its contract name; false if unknown.
bool SetFigureField(Figure& figure, std::string_view field, std::string_view value);

}  // namespace chiso

#endif  // CHISO_EXTRACT_RULES_H_
