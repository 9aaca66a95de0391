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
#include <span>
#include <string>
#include <vector>

#include "core/document.h"
#include "core/status.h"

namespace chiso {

class Gazetteer;
class Lexicon;
class RuleSet;

class Extractor {
  struct Scratch;  // per document, the scans' results

 public:
  // Loads and compiles all data under `data_dir`; fails with the file, the
  // rule or line, and the reason.
  static Status Create(const std::string& data_dir, std::unique_ptr<Extractor>* out);
  ~Extractor();

  // REQUIRES: doc.text normalized and doc.paragraphs/doc.sentences split.
  // Fills doc.title, doc.date, doc.subject and doc.figures (ids f1.., in text
  // order). A document that already failed is left alone.
  void Extract(Document& doc) const;
  // Extract of each document, the same results, faster over several small
  // documents (each scan runs over all of them in turn). Memory grows with
  // docs.size(): callers pass a few (RunBatch passes up to 32).
  void ExtractAll(std::span<Document* const> docs) const;

  // ExtractAll's two halves, so that each can be timed on its own
  // (bench/stages_bench): Scan runs the four scans (gazetteer, context
  // words, years, rules) of each document into `scans`, one slot each;
  // Attribute turns them into each document's figures (cleared first) and
  // only reads `scans`, so it may run again. Scan + Attribute is ExtractAll.
  // REQUIRES: Attribute gets the documents Scan got, in the same order.
  class Scans {
   public:
    Scans();
    ~Scans();
    Scans(Scans&&) noexcept;
    Scans& operator=(Scans&&) noexcept;

   private:
    friend class Extractor;
    std::vector<Scratch> slots_;
  };
  void Scan(std::span<Document* const> docs, Scans* scans) const;
  void Attribute(std::span<Document* const> docs, const Scans& scans) const;

  const RuleSet& rules() const { return *rules_; }
  const Gazetteer& gazetteer() const { return *gazetteer_; }
  const Lexicon& lexicon() const { return *lexicon_; }

 private:
  Extractor();
  void ScanAll(std::span<Document* const> docs, std::vector<Scratch>& scratch) const;
  void Attribute(Document& doc, const Scratch& x) const;
  std::unique_ptr<RuleSet> rules_;
  std::unique_ptr<Gazetteer> gazetteer_;
  std::unique_ptr<Lexicon> lexicon_;
};

}  // namespace chiso

#endif  // CHISO_EXTRACT_EXTRACTOR_H_
