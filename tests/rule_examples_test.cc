// Runs every rule's example sentences through the whole pipeline: each
// expected figure must be produced (matching every field the example lists),
// the rule itself must fire, and its counter-examples must give nothing from
// that rule. Adding a rule file adds its cases here with no C++ change.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "corpus/pipeline.h"
#include "extract/extractor.h"
#include "extract/rules.h"
#include "schema/emit.h"
#include "tests/test_support.h"

namespace chiso {
namespace {

using testing_support::RunPipeline;

const Pipeline& Shared() { return testing_support::SharedPipeline(); }

// True if `fig` has every field of `want` ("subject" may be a name string).
bool Matches(const nlohmann::ordered_json& fig, const nlohmann::json& want, std::string* why) {
  for (auto& [k, v] : want.items()) {
    if (k == "subject" && v.is_string()) {
      if (!fig.contains("subject") || fig["subject"]["name"] != v) {
        *why = "subject " + fig["subject"].dump();
        return false;
      }
      continue;
    }
    if (!fig.contains(k)) { *why = "no field " + k; return false; }
    const auto& got = fig[k];
    if (v.is_number() && got.is_number()) {
      if (std::abs(v.get<double>() - got.get<double>()) > 1e-9) { *why = k + "=" + got.dump(); return false; }
    } else if (got != v) {
      *why = k + "=" + got.dump();
      return false;
    }
  }
  return true;
}

struct Case {
  const Rule* rule;
  size_t index;
  bool counter;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.rule->id << (c.counter ? " counter-example " : " example ") << c.index;
}

std::vector<Case> AllCases() {
  std::vector<Case> cases;
  for (const auto& r : Shared().extractor().rules().rules()) {
    for (size_t i = 0; i < r->examples.size(); ++i) cases.push_back({r.get(), i, false});
    for (size_t i = 0; i < r->counter_examples.size(); ++i) cases.push_back({r.get(), i, true});
  }
  return cases;
}

class RuleExample : public testing::TestWithParam<Case> {};

TEST_P(RuleExample, GivesItsFigures) {
  const Case& c = GetParam();
  const std::string& text = c.counter ? c.rule->counter_examples[c.index] : c.rule->examples[c.index].text;
  Document doc = RunPipeline(text);
  ASSERT_FALSE(doc.failed()) << doc.error->message;
  nlohmann::ordered_json record = ToJson(doc);
  std::string got = record["figures"].dump();
  if (c.counter) {
    for (const auto& f : record["figures"]) {
      EXPECT_NE(f["rule"], c.rule->id) << "counter-example fired: " << text << "\n" << got;
    }
    return;
  }
  bool fired = false;
  for (const auto& f : record["figures"]) fired = fired || f["rule"] == c.rule->id;
  EXPECT_TRUE(fired) << c.rule->id << " did not fire on: " << text << "\n" << got;
  for (const std::string& want_text : c.rule->examples[c.index].figures) {
    nlohmann::json want = nlohmann::json::parse(want_text);
    bool found = false;
    std::string why, whys;
    for (const auto& f : record["figures"]) {
      if (Matches(f, want, &why)) { found = true; break; }
      whys += " [" + why + "]";
    }
    EXPECT_TRUE(found) << "missing " << want_text << " in: " << text << "\nwhy:" << whys << "\ngot: " << got;
  }
}

std::string Name(const testing::TestParamInfo<Case>& info) {
  std::string n = info.param.rule->id + (info.param.counter ? "_counter" : "_example") +
                  std::to_string(info.param.index);
  for (char& ch : n) if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(Rules, RuleExample, testing::ValuesIn(AllCases()), Name);

// Rules and their folded twins compile lazily at run time; every pattern
// must compile (a bad one would otherwise just never match).
TEST(RuleSet, EveryPatternAndFoldedTwinCompiles) {
  Status s = Shared().extractor().rules().CompileAll();
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(RuleSet, EveryRuleHasTwoExamples) {
  for (const auto& r : Shared().extractor().rules().rules()) {
    EXPECT_GE(r->examples.size(), 2u) << r->id;
  }
}

}  // namespace
}  // namespace chiso
