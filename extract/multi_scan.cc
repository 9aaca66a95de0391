#include "extract/multi_scan.h"

#include <algorithm>
#include <thread>

namespace chiso {

MultiScanner::MultiScanner(const std::vector<const std::string*>& patterns,
                           const RE2::Options& options)
    : size_(patterns.size()) {
  at_ = std::make_unique<RE2::Set>(options, RE2::ANCHOR_START);
  std::string alternation;
  for (const std::string* p : patterns) {
    if (at_->Add("\\C(?:" + *p + ")", nullptr) < 0) return;
    if (!alternation.empty()) alternation += '|';
    alternation += "(?:" + *p + ")";
  }
  any_ = std::make_unique<RE2>(alternation, options);
  ok_ = any_->ok() && at_->Compile();
}

PatternSets::PatternSets(const std::vector<const std::string*>& patterns, const RE2::Options& options,
                         size_t shards)
    : size_(patterns.size()), sets_(std::max<size_t>(1, shards)), bad_(patterns.size()) {
  const size_t n = sets_.size();
  std::vector<size_t> bad(n, size_);
  std::vector<std::string> errors(n);
  auto build = [&](size_t s) {
    auto set = std::make_unique<RE2::Set>(options, RE2::UNANCHORED);
    for (size_t k = s; k < size_; k += n) {
      if (set->Add(*patterns[k], &errors[s]) < 0) {
        bad[s] = k;
        return;
      }
    }
    if (set->Compile()) sets_[s] = std::move(set);
  };
  std::vector<std::thread> threads;
  for (size_t s = 1; s < n; ++s) threads.emplace_back(build, s);
  build(0);
  for (auto& t : threads) t.join();
  const size_t first = static_cast<size_t>(std::min_element(bad.begin(), bad.end()) - bad.begin());
  bad_ = bad[first];
  if (bad_ < size_) error_ = errors[first];
  ok_ = std::all_of(sets_.begin(), sets_.end(), [](const auto& set) { return set != nullptr; });
}

void PatternSets::Matching(std::string_view text, std::vector<int>* hits) const {
  hits->clear();
  bool complete = ok_;
  thread_local std::vector<int> local;
  for (size_t s = 0; complete && s < sets_.size(); ++s) {
    RE2::Set::ErrorInfo info;
    local.clear();
    if (!sets_[s]->Match(text, &local, &info) && info.kind != RE2::Set::kNoError) {
      complete = false;
      break;
    }
    for (int j : local) hits->push_back(static_cast<int>(s + sets_.size() * static_cast<size_t>(j)));
  }
  if (!complete) {
    hits->resize(size_);
    for (size_t k = 0; k < size_; ++k) (*hits)[k] = static_cast<int>(k);
  }
  std::sort(hits->begin(), hits->end());
}

bool MultiScanner::Next(std::string_view text, size_t* at, size_t* start) const {
  re2::StringPiece found;
  if (*at >= text.size() || !any_->Match(text, *at, text.size(), RE2::UNANCHORED, &found, 1)) {
    return false;
  }
  *start = static_cast<size_t>(found.data() - text.data());
  *at = *start + 1;
  return true;
}

bool MultiScanner::HitsAt(std::string_view text, size_t start, std::vector<int>* hits) const {
  hits->clear();
  if (start == 0) {
    for (size_t i = 0; i < size_; ++i) hits->push_back(static_cast<int>(i));
    return true;
  }
  RE2::Set::ErrorInfo info;
  if (!at_->Match(text.substr(start - 1), hits, &info) && info.kind != RE2::Set::kNoError) {
    return false;
  }
  std::sort(hits->begin(), hits->end());
  return true;
}

}  // namespace chiso
