// LazyRE2: a regex compiled on first use.
//
// The folded twins of the rule, lexicon and year patterns serve only
// documents written without diacritics; compiling them at start-up doubled
// its cost for every run. Patterns are checked when the twin is first used
// (an invalid one matches nothing; tests compile every twin, see
// RuleSet::CompileFolded).
//
// Thread-safety: get() may be called from many threads (std::call_once).
#ifndef CHISO_EXTRACT_LAZY_REGEX_H_
#define CHISO_EXTRACT_LAZY_REGEX_H_

#include <re2/re2.h>

#include <memory>
#include <mutex>
#include <string>

namespace chiso {

class LazyRE2 {
 public:
  LazyRE2(std::string pattern, const RE2::Options& options)
      : pattern_(std::move(pattern)), options_(options) {}
  LazyRE2(const LazyRE2&) = delete;
  LazyRE2& operator=(const LazyRE2&) = delete;

  const RE2& get() const {
    std::call_once(once_, [this] { re_ = std::make_unique<RE2>(pattern_, options_); });
    return *re_;
  }
  const std::string& pattern() const { return pattern_; }

 private:
  std::string pattern_;
  RE2::Options options_;
  mutable std::once_flag once_;
  mutable std::unique_ptr<RE2> re_;
};

}  // namespace chiso

#endif  // CHISO_EXTRACT_LAZY_REGEX_H_
