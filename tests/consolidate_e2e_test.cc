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
  FactsCollector json_out, docs_out;
  ASSERT_TRUE(from_json.Finish(json_out).ok());
  ASSERT_TRUE(from_docs.Finish(docs_out).ok());

  const std::string par = "value|score|PAR_INDEX||province:ha-giang|2021|scale=100";
  const std::string sipas = "value|score|SIPAS||province:ha-giang|2021|scale=100";
  bool found_par = false;
  for (const json& k : json_out.conflicts) {
    SCOPED_TRACE(k.dump(1));
    EXPECT_TRUE(k["id"] == par || k["id"] == sipas) << "unexpected conflict " << k["id"];
    EXPECT_EQ(k["kind"], "value_disagreement");
    EXPECT_EQ(k["explained"], true);
    for (const json& v : k["values"]) {
      if (v["chosen"].get<bool>()) {
        EXPECT_TRUE(v["explanation"].is_null());
        EXPECT_EQ(v["sources"][0]["doc"], "004_8b4555c8d9898d21.txt");
      } else {
        EXPECT_EQ(v["explanation"], "change_arithmetic");
        EXPECT_EQ(v["sources"][0]["doc"], "000_74a5744d5ce1698c.txt");
      }
    }
    if (k["id"] == par) {
      found_par = true;
      ASSERT_EQ(k["values"].size(), 2u);
      // 86,77 - 2,9 = 83,87: 83,87 is the 2020 value.
      EXPECT_EQ(k["values"][0]["value"], 83.87);
      EXPECT_EQ(k["values"][0]["explanation"], "change_arithmetic");
      EXPECT_NE(k["values"][0]["explanation_detail"].get<std::string>().find("86.77 - 2.9 = 83.87"),
                std::string::npos);
      EXPECT_EQ(k["values"][1]["value"], 86.77);
    }
  }
  EXPECT_TRUE(found_par) << "the Hà Giang PAR INDEX conflict was not found";

  bool found_fact = false;
  for (const json& f : json_out.facts) {
    if (f["key"] == "score|PAR_INDEX||province:ha-giang|2021|scale=100") {
      found_fact = true;
      EXPECT_DOUBLE_EQ(f["value"].get<double>(), 86.77);
      EXPECT_EQ(f["conflict"], par);
      // "đạt trên 83", twice in one article
      ASSERT_EQ(f["approximate"].size(), 2u);
      EXPECT_EQ(f["approximate"][0]["doc"], f["approximate"][1]["doc"]);
    }
  }
  EXPECT_TRUE(found_fact);

  // The Document path gives the same facts and conflicts.
  EXPECT_EQ(docs_out.facts, json_out.facts);
  EXPECT_EQ(docs_out.conflicts, json_out.conflicts);
  std::printf("seeds: %zu figures, %zu used, %zu facts, %zu conflicts\n", from_json.stats().figures,
              from_json.stats().used, json_out.facts.size(), json_out.conflicts.size());
  for (const json& k : json_out.conflicts) std::printf("  %s\n", k["id"].get<std::string>().c_str());
}

}  // namespace
}  // namespace chiso
