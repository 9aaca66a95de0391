// The floor's one RE2::Set of the rules' patterns (issue 7), shared by
// bench/floor.cc and stages_bench's FloorSet so both time the same set.
#ifndef CHISO_BENCH_FLOOR_SET_H_
#define CHISO_BENCH_FLOOR_SET_H_

#include <re2/re2.h>
#include <re2/set.h>

#include <memory>
#include <string>

#include "extract/rules.h"

namespace chiso::bench {

// The compiled set, or nullptr with *error set (the rule's id and RE2's
// message, or that the set did not compile).
inline std::unique_ptr<RE2::Set> FloorSet(const RuleSet& rules, std::string* error) {
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_max_mem(64 << 20);
  auto set = std::make_unique<RE2::Set>(opts, RE2::UNANCHORED);
  for (const auto& r : rules.rules()) {
    std::string err;
    if (set->Add(r->full_pattern, &err) < 0) {
      *error = r->id + ": " + err;
      return nullptr;
    }
  }
  if (!set->Compile()) {
    *error = "the set did not compile";
    return nullptr;
  }
  return set;
}

}  // namespace chiso::bench

#endif  // CHISO_BENCH_FLOOR_SET_H_
