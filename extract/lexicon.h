// Lexicon: the context words attribution reads around a figure, as data
// (extract/lexicon.json): objects ("hồ sơ", "thủ tục hành chính"), statuses
// ("đúng hạn", "toàn trình"), levels ("cấp huyện"), collective subjects ("cả
// nước", "giá trị trung bình"), references to the document's own province
// ("tỉnh ta", "toàn tỉnh"), scope phrases, and year expressions (explicit
// "năm 2020", comparisons "so với năm 2019", periods "giai đoạn 2021-2025").
//
// All word entries are compiled into one regex (plus a folded twin for text
// without diacritics); a document is scanned once. Thread-safe after Load.
#ifndef CHISO_EXTRACT_LEXICON_H_
#define CHISO_EXTRACT_LEXICON_H_

#include <memory>
#include <unordered_map>
#include <string>
#include <vector>

#include "core/document.h"
#include "core/status.h"
#include "extract/scan_text.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace chiso {

class LazyRE2;


enum class LexCategory {
  kObject,      // value: procedure | dossier
  kStatus,      // value: a status; object: which object it belongs to
  kLevel,       // value: province | district | commune
  kNation,      // a collective subject: the whole country
  kAggregate,   // a collective subject: an average over units
  kSelf,        // the document's own province ("tỉnh ta")
  kScope,       // "khu vực", "trong cả nước": not a subject
  kRateHead,    // "tỷ lệ": the object of a rate follows it
  kTarget,      // "mục tiêu", "phấn đấu": what follows is a goal, not a result
  kComponentMarker,  // "chỉ số thành phần", "trụ cột"
  kNoise,       // "tăng trưởng GRDP", "COVID": figures of other domains
  kMerger,      // "hợp nhất", "sáp nhập": the units named next are predecessors
};

enum class YearKind { kExplicit, kComparison, kPeriod, kDate };

struct LexMention {
  Span span;  // into Document::text
  LexCategory category;
  std::string value;
  std::string object;
};

struct YearMention {
  Span span;
  int year = 0;
  YearKind kind = YearKind::kExplicit;
};

class Lexicon {
 public:
  // Fails with "path: entry N: reason".
  static Status Load(const std::string& path, std::unique_ptr<Lexicon>* out);
  ~Lexicon();

  // Word mentions in text order, longest first at a position, with word
  // boundaries on both sides. `out` is cleared first.
  void FindWords(const ScanText& scan, std::vector<LexMention>* out) const;
  // How FindYears finds the patterns' matches; all give the same mentions.
  //   kPerPattern  one RE2::Set pass says which patterns match; each of those
  //                scans the whole text (cheap to set up; also the fallback);
  //   kSinglePass  one pass of all the year patterns stops where some
  //                pattern matches and only those run there (MultiScanner:
  //                ~35% fewer instructions once warm, but its two RE2s
  //                compile on first use, ~30M instructions);
  //   kAuto        kPerPattern until the run has scanned 256 KB
  //                (ScannerSwitch), so that start-up stays as cheap as it was;
  //                also while another thread compiles the scanner.
  enum class YearPath { kAuto, kPerPattern, kSinglePass };
  // Year mentions in text order; a year inside a period or a date is marked so.
  void FindYears(const ScanText& scan, std::vector<YearMention>* out,
                 YearPath path = YearPath::kAuto) const;

 private:
  Lexicon();
  struct Entry {
    LexCategory category;
    std::string value, object;
  };
  std::vector<Entry> entries_;
  // One capture-free regex finds each mention (a DFA scan); the entry is
  // then found by the mention's lowercased (or folded) text, or, for the
  // few entries that are patterns rather than words, by an anchored match.
  std::unique_ptr<re2::RE2> words_;
  std::unique_ptr<LazyRE2> words_folded_;  // compiled on first unaccented document
  std::unordered_map<std::string, size_t> literal_, literal_folded_;
  std::vector<std::pair<std::unique_ptr<re2::RE2>, size_t>> patterned_;
  std::vector<std::pair<std::unique_ptr<LazyRE2>, size_t>> patterned_folded_;
  struct YearPattern {
    YearKind kind;
    std::unique_ptr<re2::RE2> re;
    std::unique_ptr<LazyRE2> re_folded;
  };
  std::vector<YearPattern> years_;
  void FindYearsPerPattern(const ScanText& scan, std::vector<YearMention>* out) const;
  // The year patterns' RE2::Sets (accented one built at load, folded one on
  // first use) and their MultiScanners (built on first use).
  struct YearSets;
  std::unique_ptr<YearSets> year_sets_;
};

}  // namespace chiso

#endif  // CHISO_EXTRACT_LEXICON_H_
