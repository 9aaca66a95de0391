// MultiScanner: where each of several patterns matches, in one pass.
//
// Finding every pattern's matches one pattern at a time is an unanchored scan
// of the whole text per pattern (plus a reverse scan per match to find its
// start). Instead one alternation of all the patterns walks the text once and
// stops at each offset where some pattern matches; an anchored RE2::Set then
// says which patterns match at that offset. A pattern's leftmost match from
// any position p is its anchored match at the first such offset >= p, so a
// caller that runs each listed pattern anchored there (and remembers where
// that pattern's next match may start) gets exactly the matches of the
// per-pattern scans. Used by RuleSet (figure rules) and Lexicon (years).
//
// Thread-safety: immutable once built; Scan is const and may be called from
// many threads.
#ifndef CHISO_EXTRACT_MULTI_SCAN_H_
#define CHISO_EXTRACT_MULTI_SCAN_H_

#include <re2/re2.h>
#include <re2/set.h>

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace chiso {

class MultiScanner {
 public:
  // Compiles the patterns (in this order: pattern k is index k) with
  // `options`; ok() is false if one does not compile or the set does not.
  MultiScanner(const std::vector<const std::string*>& patterns, const RE2::Options& options);
  MultiScanner(const MultiScanner&) = delete;
  MultiScanner& operator=(const MultiScanner&) = delete;

  bool ok() const { return ok_; }
  size_t size() const { return size_; }

  // Walks `text` in order, calling visit(offset, hits) at each offset where
  // some pattern matches, with the indices of the patterns that match
  // anchored there, ascending. At offset 0 (no byte before it for the set to
  // read the left context from) every index is listed: the caller's anchored
  // match decides. Returns false if the set failed on the way (its DFA out of
  // memory): the visits made are then incomplete.
  template <typename Visit>
  bool Scan(std::string_view text, Visit&& visit) const {
    thread_local std::vector<int> hits;
    size_t at = 0, start = 0;
    while (Next(text, &at, &start)) {
      if (!HitsAt(text, start, &hits)) return false;
      visit(start, static_cast<const std::vector<int>&>(hits));
    }
    return true;
  }

 private:
  // The next offset >= *at where some pattern matches, into *start;
  // *at moves past it.
  bool Next(std::string_view text, size_t* at, size_t* start) const;
  bool HitsAt(std::string_view text, size_t start, std::vector<int>* hits) const;

  size_t size_ = 0;
  std::unique_ptr<RE2> any_;
  // Each pattern behind "\C": run from the byte before the offset, so that
  // ^, \b and [^\d] at the offset see the same left context as in the text.
  std::unique_ptr<RE2::Set> at_;
  bool ok_ = false;
};

// When a MultiScanner is worth building. Its two RE2s compile on first use
// (~30-40M instructions, ~10 ms), which a run over a few small documents
// would pay on its critical path (start-up target: 20 ms); the per-pattern
// way (one RE2::Set pass, then each pattern that hit scans the text) gives
// the same matches. Callers switch once the run has scanned kAfterBytes.
class ScannerSwitch {
 public:
  static constexpr size_t kAfterBytes = 256 * 1024;
  // Counts `bytes` more scanned; true once the run has scanned kAfterBytes.
  bool Count(size_t bytes) {
    return seen_.fetch_add(bytes, std::memory_order_relaxed) + bytes >= kAfterBytes;
  }

 private:
  std::atomic<size_t> seen_{0};
};

}  // namespace chiso

#endif  // CHISO_EXTRACT_MULTI_SCAN_H_
