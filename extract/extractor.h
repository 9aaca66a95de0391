// Extractor: the extract stage. Finds figures with the rule set, then
// attributes each one (indicator, component, subject, year, object, status,
// level) from its context: the clause, then the sentence, then the paragraph,
// then the document (title, first lines, portal name).
//
//   std::unique_ptr<Extractor> ex;
//   Status s = Extractor::Create("/usr/share/chiso", &ex);   // once
//   ex->Extract(doc);   // per document, after normalize/ has run
//
// Data: <data_dir>/extract/rules/*.json, <data_dir>/extract/gazetteers/*.tsv,
// <data_dir>/extract/lexicon.json. Everything is compiled at Create.
//
// Thread-safety: Extract is const and may run on many threads at once; each
// thread keeps its own scratch buffers.
#ifndef CHISO_EXTRACT_EXTRACTOR_H_
#define CHISO_EXTRACT_EXTRACTOR_H_

#include <memory>
#include <string>
#include <vector>

#include "core/document.h"
#include "core/status.h"

namespace chiso {

class Gazetteer;
class Lexicon;
class RuleSet;
struct Candidate;
struct ScanText;
struct YearMention;

class Extractor {
 public:
  // Loads and compiles all data under `data_dir`; fails with the file, the
  // rule or line, and the reason.
  static Status Create(const std::string& data_dir, std::unique_ptr<Extractor>* out);
  ~Extractor();

  // REQUIRES: doc.text normalized and doc.paragraphs/doc.sentences split.
  // Fills doc.title, doc.date, doc.subject and doc.figures (ids f1.., in text
  // order). A document that already failed is left alone.
  void Extract(Document& doc) const;

  // The rules' candidates and the year mentions of `scan`, as Extract finds
  // them. kSeparate: each family on its own (a set picks the patterns that
  // match, each scans the text); kShared: one MultiScanner for both families
  // (one walk over the text instead of two); kAuto: kSeparate until the run
  // has scanned 256 KB (the shared scanner's compile would weigh on
  // start-up), then kShared. All give the same results.
  enum class ScanPath { kAuto, kSeparate, kShared };
  void MatchRulesAndYears(const ScanText& scan, std::vector<Candidate>* candidates,
                          std::vector<YearMention>* years, ScanPath path = ScanPath::kAuto) const;

  const RuleSet& rules() const { return *rules_; }
  const Gazetteer& gazetteer() const { return *gazetteer_; }
  const Lexicon& lexicon() const { return *lexicon_; }

 private:
  Extractor();
  std::unique_ptr<RuleSet> rules_;
  std::unique_ptr<Gazetteer> gazetteer_;
  std::unique_ptr<Lexicon> lexicon_;
  struct SharedScan;
  std::unique_ptr<SharedScan> shared_;
};

}  // namespace chiso

#endif  // CHISO_EXTRACT_EXTRACTOR_H_
