// Consolidation end to end (issue 11): the real pipeline over the five seeds,
// each record emitted as chiso/1 JSON and read back by the Consolidator.
//
// The seeds disagree twice, both about Hà Giang 2021 and both for the same
// reason (article 000 gives 2020 values under the year they were announced):
//   PAR INDEX 83,87% (000) vs 86,77% "tăng 2,9 điểm so với năm 2020" (004)
//   SIPAS     87,60% (000) vs 88,46% "tăng 0,86% ... so với năm 2020" (004)
// Each must be found and explained by change arithmetic; nothing else may be
// a conflict.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "corpus/consolidate.h"
#include "corpus/pipeline.h"
#include "schema/emit.h"

namespace chiso {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

TEST(ConsolidateSeeds, HaGiangParIndexExplainedByChangeArithmetic) {
  std::string seeds = std::string(CHISO_SHARED_DIR) + "/corpus/seeds";
  if (!fs::exists(seeds)) GTEST_SKIP() << "no " << seeds << " beside the checkout";
  std::unique_ptr<Pipeline> p;
  Status s = Pipeline::Create(CHISO_SOURCE_DIR, &p);
  ASSERT_TRUE(s.ok()) << s.message();
  std::vector<InputFile> inputs;
  s = CollectInputs({seeds}, &inputs);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(inputs.size(), 5u);

  Consolidator from_json, from_docs;
  std::string line;
  RunBatch(*p, inputs, BatchOptions{}, [&](const Document& d) {
    line.clear();
    AppendJsonLine(d, &line);
    from_json.AddRecord(json::parse(line));
    from_docs.AddDocument(d);
  });
  from_json.Finish();
  from_docs.Finish();

  const std::string par = "value|score|PAR_INDEX||province:ha-giang|2021|scale=100";
  const std::string sipas = "value|score|SIPAS||province:ha-giang|2021|scale=100";
  bool found_par = false;
  for (const ConsolidateConflict& k : from_json.conflicts()) {
    SCOPED_TRACE(ConflictToJson(k).dump(1));
    EXPECT_TRUE(k.id == par || k.id == sipas) << "unexpected conflict " << k.id;
    EXPECT_EQ(k.kind, "value_disagreement");
    EXPECT_TRUE(k.explained);
    for (const json& v : k.detail["values"]) {
      if (v["chosen"].get<bool>()) {
        EXPECT_TRUE(v["explanation"].is_null());
        EXPECT_EQ(v["sources"][0]["doc"], "004_8b4555c8d9898d21.txt");
      } else {
        EXPECT_EQ(v["explanation"], "change_arithmetic");
        EXPECT_EQ(v["sources"][0]["doc"], "000_74a5744d5ce1698c.txt");
      }
    }
    if (k.id == par) {
      found_par = true;
      ASSERT_EQ(k.detail["values"].size(), 2u);
      // 86,77 - 2,9 = 83,87: 83,87 is the 2020 value.
      EXPECT_EQ(k.detail["values"][0]["value"], 83.87);
      EXPECT_EQ(k.detail["values"][0]["explanation"], "change_arithmetic");
      EXPECT_NE(k.detail["values"][0]["explanation_detail"].get<std::string>().find("86.77 - 2.9 = 83.87"),
                std::string::npos);
      EXPECT_EQ(k.detail["values"][1]["value"], 86.77);
    }
  }
  EXPECT_TRUE(found_par) << "the Hà Giang PAR INDEX conflict was not found";

  for (const Fact& f : from_json.facts()) {
    if (f.key == "score|PAR_INDEX||province:ha-giang|2021|scale=100") {
      EXPECT_DOUBLE_EQ(f.value, 86.77);
      EXPECT_EQ(f.conflict, par);
      EXPECT_EQ(f.approx.docs, 1u);  // "đạt trên 83" (twice in one article)
    }
  }

  // The Document path gives the same facts and conflicts.
  ASSERT_EQ(from_docs.facts().size(), from_json.facts().size());
  for (size_t i = 0; i < from_docs.facts().size(); ++i) {
    EXPECT_EQ(FactToJson(from_docs.facts()[i]), FactToJson(from_json.facts()[i]));
  }
  ASSERT_EQ(from_docs.conflicts().size(), from_json.conflicts().size());
  std::printf("seeds: %zu figures, %zu used, %zu facts, %zu conflicts\n", from_json.stats().figures,
              from_json.stats().used, from_json.facts().size(), from_json.conflicts().size());
  for (const ConsolidateConflict& k : from_json.conflicts()) std::printf("  %s\n", k.id.c_str());
}

}  // namespace
}  // namespace chiso
