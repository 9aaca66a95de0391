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

#include "core/document.h"
#include "core/status.h"

namespace chiso {

class Gazetteer;
class Lexicon;
class RuleSet;

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
  // Extract of each document, the same results, faster over several small
  // documents (each scan runs over all of them in turn). Memory grows with
  // docs.size(): callers pass a few (RunBatch passes up to 32).
  void ExtractAll(std::span<Document* const> docs) const;

  const RuleSet& rules() const { return *rules_; }
  const Gazetteer& gazetteer() const { return *gazetteer_; }
  const Lexicon& lexicon() const { return *lexicon_; }

 private:
  struct Scratch;
  Extractor();
  void Attribute(Document& doc, Scratch& x) const;
  std::unique_ptr<RuleSet> rules_;
  std::unique_ptr<Gazetteer> gazetteer_;
  std::unique_ptr<Lexicon> lexicon_;
};

}  // namespace chiso

#endif  // CHISO_EXTRACT_EXTRACTOR_H_
