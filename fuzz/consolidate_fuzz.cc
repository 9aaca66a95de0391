// libFuzzer target: arbitrary bytes as a JSON Lines file of chiso/1 records
// through consolidation (SAX reader, spills to temporary files, the checks,
// facts out). Invariants: never crashes; every output object is valid JSON
// with the record kind it claims, facts in strictly increasing key order,
// then conflicts in strictly increasing id order.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "corpus/consolidate.h"

namespace {

class Checker : public chiso::FactsSink {
 public:
  chiso::Status Fact(std::string_view line) override {
    nlohmann::json j = nlohmann::json::parse(line);  // throws (aborts) if invalid
    if (in_conflicts_ || j.at("record") != "fact") std::abort();
    std::string key = j.at("key");
    if (!last_.empty() && !(last_ < key)) std::abort();
    last_ = key;
    return chiso::Status::OK();
  }
  chiso::Status Conflict(std::string_view line) override {
    nlohmann::json j = nlohmann::json::parse(line);
    if (!in_conflicts_) last_.clear();
    in_conflicts_ = true;
    if (j.at("record") != "conflict") std::abort();
    std::string id = j.at("id");
    if (!last_.empty() && !(last_ < id)) std::abort();
    last_ = id;
    return chiso::Status::OK();
  }

 private:
  std::string last_;
  bool in_conflicts_ = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  chiso::ConsolidateOptions o;
  o.memory_bytes = 1;  // the 64 KB minimum per sort: larger inputs spill
  o.max_sources = 2;
  chiso::Consolidator c(o);
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  (void)c.AddJsonl(in, "fuzz");  // a bad line ends reading; what came before stays
  Checker out;
  if (!c.Finish(out).ok()) std::abort();
  return 0;
}
