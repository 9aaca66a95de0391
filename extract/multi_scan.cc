#include "extract/multi_scan.h"

#include <algorithm>

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
