// Review site for corpus reviewers (issue 6): a static, self-contained set of
// HTML pages to look at what a run extracted, in context, and to turn spot
// checks into a measured precision.
//
//   chiso::ReviewOptions o;
//   o.out_dir = "site"; o.facts_path = "facts.jsonl"; o.sample = 200; o.seed =
//   7; chiso::ReviewStats stats; chiso::Status s =
//   chiso::BuildReviewSite("run.jsonl", o, pipeline.get(), &stats);
//
// What it writes into `out_dir` (created if missing):
//   index.html, index-2.html, ...  documents, `page_size` rows per page
//       (filterable and sortable within a page), with the conflicts of
//       `facts_path` (chiso consolidate) first on index.html;
//   docs/<n>.html                  one page per record (n = 1-based line
//       order): the document's text with every figure's span highlighted,
//       its figures table, warnings and error;
//   sample.html                    `sample` figures drawn at random,
//       stratified by (type, rule), for correct/wrong/unsure verdicts;
//   assets/review.{css,js}         copied from `assets_dir`.
// Nothing refers to the network. The run is streamed: one record (and its
// re-read source document) is in memory at a time, plus one index page of
// rows, the sample reservoirs (at most `sample` figures per stratum) and the
// doc ids the conflicts link to.
//
// Text and spans. A document page shows the text chiso extracted from: the
// original file (record doc.path, tried as given, then relative to
// `source_root` and to the run's folder) is read again and run through the
// same Pipeline, so a span's code points index that text; PDFs get page
// markers. When the file is missing, or its sha256 differs from the
// record's, figures are shown in their sentences instead, with a notice.
//
// Thread-safety: functions here keep no state; Pipeline::Process is const.
// Nothing prints, throws or aborts; failures are Status values.
#ifndef CHISO_REVIEW_REVIEW_H_
#define CHISO_REVIEW_REVIEW_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace chiso {

class Pipeline;

struct ReviewOptions {
  std::string out_dir;     // REQUIRES: non-empty
  std::string facts_path;  // chiso consolidate output; "" for none
  std::string assets_dir;  // holds review.css and review.js
  std::string
      source_root;    // extra folder to resolve doc.path against; may be ""
  size_t sample = 0;  // figures on sample.html; 0: no sample page
  uint64_t seed = 1;
  size_t page_size = 1000;  // documents per index page (>= 1)
};

struct ReviewStats {
  size_t documents = 0, figures = 0, errors = 0, warnings = 0;
  size_t index_pages = 0, conflicts = 0, sampled = 0;
  size_t sources_missing = 0;  // documents shown without their original text
  size_t highlights = 0;       // figures highlighted in the document text
};

// Writes the site. `pipeline` may be null: pages then show sentences only.
// Fails on an unreadable run or facts file, a line that is not a JSON object
// ("path:line: reason"), or a file that cannot be written.
Status BuildReviewSite(const std::string& run_path,
                       const ReviewOptions& options, const Pipeline* pipeline,
                       ReviewStats* stats);

// &, <, >, " and ' as entities (text and attribute values alike).
std::string EscapeHtml(std::string_view s);

// Wilson score interval for `successes` out of `n` trials at the normal
// quantile `z` (1.96 for 95%). n == 0 gives [0, 1].
struct Interval {
  double lo = 0, hi = 1;
};
Interval WilsonInterval(size_t successes, size_t n,
                        double z = 1.959963984540054);

// Verdicts exported by sample.html: JSON Lines of {doc, figure, type, rule,
// value, text, sentence, verdict: correct|wrong|unsure}. A later line for the
// same (doc, figure) replaces an earlier one.
struct VerdictCounts {
  size_t correct = 0, wrong = 0, unsure = 0;
  double precision() const;   // correct / (correct + wrong); 0 when none judged
  Interval interval() const;  // 95% Wilson over correct of correct + wrong
};
struct VerdictReport {
  VerdictCounts all;
  std::map<std::string, VerdictCounts> by_type, by_rule;
  struct Wrong {
    std::string doc, figure, type, rule, text, sentence;
  };
  std::vector<Wrong> wrong;       // in file order
  size_t lines = 0, ignored = 0;  // ignored: no doc/figure or unknown verdict
};

// Reads verdicts; with `run_path` non-empty, fills a verdict's missing type,
// rule, text and sentence from that run's figure (streamed). Fails on an
// unreadable file or a line that is not a JSON object ("path:line: reason").
Status SummarizeVerdicts(const std::string& verdicts_path,
                         const std::string& run_path, VerdictReport* out);

// Precision per type and per rule with 95% Wilson intervals, totals, then the
// wrong figures with their sentences.
std::string FormatVerdictReport(const VerdictReport& report);

}  // namespace chiso

#endif  // CHISO_REVIEW_REVIEW_H_
