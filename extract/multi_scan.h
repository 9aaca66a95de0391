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
#include <mutex>
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

  // The next offset >= *at where some pattern matches, into *start;
  // *at moves one byte past it. Scan's walk, without asking which patterns.
  bool Next(std::string_view text, size_t* at, size_t* start) const;
  // The one alternation of all the patterns that Next runs.
  const RE2& alternation() const { return *any_; }

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
  bool HitsAt(std::string_view text, size_t start, std::vector<int>* hits) const;

  size_t size_ = 0;
  std::unique_ptr<RE2> any_;
  // Each pattern behind "\C": run from the byte before the offset, so that
  // ^, \b and [^\d] at the offset see the same left context as in the text.
  std::unique_ptr<RE2::Set> at_;
  bool ok_ = false;
};

// Which of several patterns match somewhere in a text, in one RE2::Set pass
// per shard: pattern k is in set k % shards, and the sets compile side by
// side (a set of the rules is most of start-up's work on its thread).
// Thread-safety: immutable once built; Matching is const.
class PatternSets {
 public:
  PatternSets(const std::vector<const std::string*>& patterns, const RE2::Options& options,
              size_t shards);
  PatternSets(const PatternSets&) = delete;
  PatternSets& operator=(const PatternSets&) = delete;

  // False if a pattern was rejected (bad() is its index, the first in
  // pattern order, error() RE2's message; else bad() == size) or a set
  // failed to compile.
  bool ok() const { return ok_; }
  size_t bad() const { return bad_; }
  const std::string& error() const { return error_; }

  // The indices of the patterns that match somewhere in `text`, ascending.
  // If the sets are not ok or fail on the way (DFA out of memory), every
  // index: each pattern then scans the text on its own, as without them.
  void Matching(std::string_view text, std::vector<int>* hits) const;

 private:
  size_t size_;
  std::vector<std::unique_ptr<RE2::Set>> sets_;
  bool ok_ = false;
  size_t bad_;
  std::string error_;
};

// re.Match(text, start, text.size(), RE2::ANCHOR_START, groups, n), the same
// result, cheaper near the end of a text. Asked for groups, RE2 first finds
// the match's extent with a DFA pass and reads the groups from the match
// alone, unless the rest of the text is short enough for its bit-state
// engine (under 256 Kbit / program size bytes): then it runs that engine on
// the whole rest, clearing a bitmap of program size x rest bits. Once that
// bitmap passes 64 Kbit, finding the end first (one more DFA call) and the
// groups on the match alone is cheaper (measured on generated articles:
// 40-64 Kbit best, -0.8% of all instructions). Falls back to the plain call
// if the second step fails (a pattern anchored at the end of the text fails
// an earlier end).
inline bool MatchAnchored(const RE2& re, std::string_view text, size_t start,
                          re2::StringPiece* groups, int n) {
  // RE2 takes the bit-state path while bits < 256 Kbit (its bound is per list
  // count, at most the program size, so this errs towards the plain call).
  const size_t bits = (text.size() - start) * static_cast<size_t>(re.ProgramSize());
  if (n <= 1 || bits <= 64 * 1024 || bits >= 256 * 1024) {
    return re.Match(text, start, text.size(), RE2::ANCHOR_START, groups, n);
  }
  re2::StringPiece whole;
  if (!re.Match(text, start, text.size(), RE2::ANCHOR_START, &whole, 1)) return false;
  const size_t end = start + whole.size();
  return re.Match(text, start, end, RE2::ANCHOR_BOTH, groups, n) ||
         re.Match(text, start, text.size(), RE2::ANCHOR_START, groups, n);
}

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
    // Past the switch, only read: an add on every call from every thread
    // bounced the counter's cache line between the workers.
    if (seen_.load(std::memory_order_relaxed) >= kAfterBytes) return true;
    return seen_.fetch_add(bytes, std::memory_order_relaxed) + bytes >= kAfterBytes;
  }

 private:
  std::atomic<size_t> seen_{0};
};

// A MultiScanner compiled once, on first use, by the caller that gets there
// first. Callers that may take the per-pattern path instead (the switch) do
// not wait for it: at --jobs 2 the other worker sat idle on a once_flag for
// the ~10 ms of the compile (~4% of a 2,000-document run's wall time).
class LazyScanner {
 public:
  // The scanner, compiling it with build() (returning a unique_ptr to a
  // MultiScanner) if no caller has started to. nullptr if it failed to
  // compile, or, unless `wait`, while another caller compiles it.
  template <typename Build>
  const MultiScanner* Get(bool wait, Build&& build) {
    if (const MultiScanner* s = ready_.load(std::memory_order_acquire)) return s;
    if (!wait && claimed_.exchange(true, std::memory_order_relaxed)) return nullptr;
    std::call_once(once_, [&] {
      claimed_.store(true, std::memory_order_relaxed);
      owned_ = build();
      if (owned_->ok()) ready_.store(owned_.get(), std::memory_order_release);
    });
    return ready_.load(std::memory_order_acquire);
  }

 private:
  std::atomic<bool> claimed_{false};
  std::atomic<const MultiScanner*> ready_{nullptr};
  std::once_flag once_;
  std::unique_ptr<MultiScanner> owned_;
};

}  // namespace chiso

#endif  // CHISO_EXTRACT_MULTI_SCAN_H_
