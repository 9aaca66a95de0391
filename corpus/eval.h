// Scoring an extraction run against gold annotations (ANNOTATION.md).
//
// Gold is JSON Lines with one object per document ({"doc": id, "figures":
// [...]}); predictions are `chiso/1` records ({"doc": {"id": ...}, "figures":
// [...], "error": ...}). For every gold document the predicted and gold
// figures are reduced to keys and compared as sets, at two levels:
//
//   value   type, value rounded to 4 decimals; rank adds out_of (null
//           allowed); change adds direction and measure.
//   strict  the value key plus indicator, subject and year; count, rate and
//           change with measure "count" also add object and level.
//
// Status, unit, approx, span, text etc. are not scored. Subjects compare by
// kind ("nation" and "aggregate" are one collective kind, compared without
// name; "unknown", null and a missing subject are one kind) and, for province,
// ministry and region, by SubjectNameKey(name).
//
// Per document: TP = |pred ∩ required gold|, FP = |pred − all gold|,
// FN = |required gold − pred|. Gold figures marked "optional": true are never
// misses and a prediction equal to one is never a false positive; a prediction
// equal to both a required and an optional gold key counts as a TP. Predicted
// duplicates count once. Counts are micro-averaged over documents and broken
// down per figure type. A gold document without a prediction record counts
// all its required figures as misses; prediction records for documents absent
// from the gold file are not scored (EvalReport::docs_unscored).
//
// Usage:
//   chiso::EvalReport report;
//   chiso::Status s = chiso::Evaluate("gold.jsonl", "pred.jsonl", {}, &report);
//   if (!s.ok()) { /* s.message() is "path:line: reason" */ }
//   std::cout << chiso::FormatTable(report);
//
// All functions are pure (apart from Evaluate reading its two files) and
// thread-safe; nothing here prints, throws or aborts.
#ifndef CHISO_CORPUS_EVAL_H_
#define CHISO_CORPUS_EVAL_H_

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace chiso {

struct EvalOptions {
  // Fill EvalReport::items with every miss and false positive. Default: true.
  bool list_details = true;
};

// True positives, false positives and false negatives of one slice.
//
// Empty denominators: precision with tp + fp == 0 is 1 if there is nothing to
// find (fn == 0) and 0 otherwise; recall with tp + fn == 0 is 1 if nothing
// wrong was predicted (fp == 0) and 0 otherwise. So a slice with no gold and
// no predictions scores P = R = F1 = 1, "predicted nothing, missed some"
// scores 0, and "no gold, predicted some" scores 0. F1 is 0 when P + R == 0.
struct Counts {
  int tp = 0, fp = 0, fn = 0;
  double precision() const;
  double recall() const;
  double f1() const;
  Counts& operator+=(const Counts& o) {
    tp += o.tp;
    fp += o.fp;
    fn += o.fn;
    return *this;
  }
};

struct EvalReport {
  // Micro-averaged totals over all scored documents.
  Counts value_all, strict_all;
  // Per figure type; always holds "score", "rank", "change", "count", "rate"
  // (plus any other type seen in gold or predictions).
  std::map<std::string, Counts> value_by_type, strict_by_type;

  // Attribute accuracy over value-level matches: one pair per value-level TP
  // key (so attr_total == value_all.tp). Where several gold or predicted
  // figures share that key, the pair agreeing on most attributes is used.
  int attr_total = 0, indicator_ok = 0, subject_ok = 0, year_ok = 0;

  // One miss or false positive, for people.
  struct Item {
    std::string doc;
    std::string level;  // "value" | "strict"
    std::string kind;   // "miss" | "false_positive"
    std::string type;
    double value = 0;
    std::string text;  // the figure's surface text (gold or predicted)
    // The predicted figure's sentence; for a strict miss whose value was
    // predicted, that prediction's sentence; else empty.
    std::string sentence;
    // The key in words ("rank 26/63 PAR_INDEX An Giang 2020"); for a strict
    // item whose value key matched, also which attributes differed.
    std::string detail;
  };
  std::vector<Item> items;  // by gold document order, value level first

  int docs_gold = 0;      // gold lines
  int docs_pred = 0;      // prediction lines
  int docs_missing = 0;   // gold documents with no prediction record
  int docs_unscored = 0;  // prediction records for documents not in gold
};

// Reads gold and prediction JSON Lines files and scores them. Blank lines are
// skipped. Fails with "path:line: reason" on invalid JSON, a line that is not
// an object, a missing document id (gold "doc" string; prediction "doc.id"),
// a duplicate document, "figures" that is not an array (predictions may omit
// it or have null), or a figure that is not an object with a string "type"
// and a numeric "value". `out` is only written on success.
Status Evaluate(const std::string& gold_path, const std::string& pred_path,
                const EvalOptions& options, EvalReport* out);

// Same from already-parsed lines (for tests and callers that hold records).
// Lines without a usable document id are ignored, as are figures that are not
// objects; a missing or non-numeric value keys as null. Records repeating a
// document id have their figures merged.
EvalReport EvaluateJson(const std::vector<nlohmann::json>& gold,
                        const std::vector<nlohmann::json>& pred,
                        const EvalOptions& options = {});

// Human-readable report: per-type P/R/F1 with tp/fp/fn at value and strict
// level, totals, attribute accuracy, document counts, then (if any) misses and
// false positives grouped by document with their text and sentence.
std::string FormatTable(const EvalReport& report);

// Machine-readable summary: {"value": {tp, fp, fn, precision, recall, f1},
// "strict": {...}, "by_type": {type: {"value": {...}, "strict": {...}}},
// "attributes": {total, indicator, subject, year, *_accuracy}, "docs": {...},
// "items": [{doc, level, kind, type, value, text, sentence, detail}]}.
nlohmann::json ToJson(const EvalReport& report);

// The name part of a subject key: folded to lowercase ASCII without diacritics
// (NFC or NFD, old or new tone placement), leading "tỉnh", "thành phố", "TP."
// or "TP " removed, hyphens and punctuation turned into spaces, whitespace
// collapsed and trimmed, then mapped through the alias table ("Huế" ->
// "thua thien hue", "TP.HCM"/"TPHCM" -> "ho chi minh", "Ngân hàng Nhà nước"
// -> "ngan hang nha nuoc viet nam", "ĐBSCL" -> "dong bang song cuu long",
// "Trung du miền núi phía Bắc" -> "trung du va mien nui phia bac").
// Two names denote the same unit for scoring iff their keys are equal. The
// prefixes are matched after folding, so a name that itself begins with
// "Tịnh " loses that word too (harmless: both sides are keyed alike).
std::string SubjectNameKey(std::string_view name);

// Comparing two runs (chiso eval --diff OLD.jsonl NEW.jsonl), for reviewers.
//
// Records are matched by doc.id. Within a document, figures are matched by
// type and span (the [start, end) code points; a figure without a span
// matches on its text); several figures with one key pair up in order. A
// matched pair whose other fields differ (value, indicator, subject, year,
// rule, confidence, ...; the figure id is ignored: it is renumbered) is
// "changed"; an unmatched old figure is "lost", an unmatched new one
// "gained". A document only in OLD loses all its figures, one only in NEW
// gains them all. A document whose error code changed gets an "error" item.
struct RunDiff {
  struct Item {
    std::string doc;
    std::string kind;  // "gained" | "lost" | "changed" | "error"
    std::string type;
    std::string span;                 // "[12, 20)" or ""
    std::string text, sentence;       // the new figure's (lost: the old one's)
    std::string old_desc, new_desc;   // the figure in words (error: the codes)
    std::vector<std::string> fields;  // changed: "value 83.87 -> 83.9", ...
  };
  std::vector<Item> items;  // by document (OLD's order, then NEW-only), span
  struct TypeCounts {
    int gained = 0, lost = 0, changed = 0, unchanged = 0;
  };
  TypeCounts all;
  std::map<std::string, TypeCounts> by_type;
  int docs_old = 0, docs_new = 0, docs_only_old = 0, docs_only_new = 0;
  int docs_changed = 0;  // documents with at least one item
};

// Reads both files (as Evaluate reads predictions: same checks, same
// "path:line: reason" failures) and diffs them. `out` is only written on
// success.
Status DiffRunFiles(const std::string& old_path, const std::string& new_path,
                    RunDiff* out);

// Same from parsed records; records without a doc id are ignored.
RunDiff DiffRuns(const std::vector<nlohmann::json>& old_records,
                 const std::vector<nlohmann::json>& new_records);

// Summary counts (total and per type), then per document every gained, lost
// and changed figure with its sentence.
std::string FormatDiff(const RunDiff& diff);

// {"summary": {gained, lost, changed, unchanged}, "by_type": {...},
//  "docs": {old, new, only_old, only_new, changed}, "items": [...]}.
nlohmann::json DiffToJson(const RunDiff& diff);

}  // namespace chiso

#endif  // CHISO_CORPUS_EVAL_H_
