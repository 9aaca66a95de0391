#include "corpus/consolidate.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "corpus/conflict_gen.h"

namespace chiso {
namespace {

using nlohmann::json;

// A chiso/1 figure about a province.
json Fig(const std::string& type, const char* indicator, const std::string& province, int year,
         double value, json extra = json::object()) {
  json f = {{"id", "f1"},
            {"type", type},
            {"indicator", indicator ? json(indicator) : json(nullptr)},
            {"subject", {{"kind", "province"}, {"name", province}, {"id", province}}},
            {"year", year},
            {"value", value},
            {"span", {0, 5}},
            {"text", "x"},
            {"sentence", "s"},
            {"confidence", 0.9}};
  if (type == "score" && !extra.contains("scale")) f["scale"] = 100;
  for (auto it = extra.begin(); it != extra.end(); ++it) f[it.key()] = it.value();
  return f;
}

json Rec(const std::string& id, json figures) {
  // A distinct fake sha256 per doc id.
  std::string sha = std::to_string(std::hash<std::string>{}(id));
  sha.resize(64, '0');
  return {{"schema", "chiso/1"},
          {"doc", {{"id", id}, {"sha256", sha}}},
          {"figures", std::move(figures)},
          {"error", nullptr}};
}

// A consolidation's output, parsed; raw keeps the lines as they came.
struct Output : FactsCollector {
  std::string raw;
  Status Fact(std::string_view line) override {
    raw.append(line).push_back('\n');
    return FactsCollector::Fact(line);
  }
  Status Conflict(std::string_view line) override {
    raw.append(line).push_back('\n');
    return FactsCollector::Conflict(line);
  }
};

Output Finish(Consolidator& c) {
  Output out;
  Status s = c.Finish(out);
  EXPECT_TRUE(s.ok()) << s.message();
  return out;
}

const json* FindFact(const Output& o, const std::string& type, const std::string& subject, int year) {
  for (const json& f : o.facts) {
    if (f["type"] == type && f["subject"]["id"] == subject && f["year"] == year) return &f;
  }
  return nullptr;
}

std::vector<std::string> Explanations(const json& k) {
  std::vector<std::string> out;
  for (const json& v : k["values"]) {
    if (!v["explanation"].is_null()) out.push_back(v["explanation"].get<std::string>());
  }
  return out;
}

TEST(ValuesAgreeTest, RoundsTheMorePreciseToTheOther) {
  struct Case {
    double a, b;
    bool agree;
  } cases[] = {
      {83.87, 83.9, true},   {83.9, 83.87, true},  {83.87, 84.1, false}, {83.87, 84, true},
      {83.87, 83.86, false}, {1567, 1570, false},  {87.6, 87.60, true},  {95.4, 95.45, false},
      {95.4, 95.35, true},   {95.4, 95.46, false}, {0.5, 1, true},       {26, 27, false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ValuesAgree(c.a, c.b), c.agree) << c.a << " vs " << c.b;
  }
  EXPECT_EQ(DecimalsOf(83.87), 2);
  EXPECT_EQ(DecimalsOf(1567), 0);
  EXPECT_EQ(DecimalsOf(42.676), 3);
}

TEST(ConsolidateTest, AgreeingSourcesMakeOneFactAndRaiseConfidence) {
  Consolidator one, three;
  one.AddRecord(Rec("a", {Fig("score", "PAR_INDEX", "quang-ninh", 2023, 91.04)}));
  three.AddRecord(Rec("a", {Fig("score", "PAR_INDEX", "quang-ninh", 2023, 91.04)}));
  three.AddRecord(Rec("b", {Fig("score", "PAR_INDEX", "quang-ninh", 2023, 91.04)}));
  three.AddRecord(Rec("c", {Fig("score", "PAR_INDEX", "quang-ninh", 2023, 91.0)}));  // rounding
  Output o1 = Finish(one), o3 = Finish(three);
  ASSERT_EQ(o3.facts.size(), 1u);
  EXPECT_TRUE(o3.conflicts.empty());
  const json& f = o3.facts[0];
  EXPECT_DOUBLE_EQ(f["value"].get<double>(), 91.04);  // the most precise
  EXPECT_EQ(f["sources"], 3);
  EXPECT_EQ(f["supporting"].size(), 3u);
  EXPECT_GT(f["confidence"].get<double>(), o1.facts[0]["confidence"].get<double>());
  EXPECT_TRUE(f["conflict"].is_null());
  EXPECT_EQ(three.stats().facts, 1u);
}

TEST(ConsolidateTest, DisagreementIsAConflictAndLowersConfidence) {
  Consolidator agree, disagree;
  for (Consolidator* c : {&agree, &disagree}) {
    c->AddRecord(Rec("a", {Fig("score", "PCI", "ha-noi", 2022, 68.8)}));
    c->AddRecord(Rec("b", {Fig("score", "PCI", "ha-noi", 2022, 68.8)}));
  }
  disagree.AddRecord(Rec("c", {Fig("score", "PCI", "ha-noi", 2022, 86.8)}));  // typo
  Output a = Finish(agree), d = Finish(disagree);
  ASSERT_EQ(d.conflicts.size(), 1u);
  const json& k = d.conflicts[0];
  EXPECT_EQ(k["kind"], "value_disagreement");
  EXPECT_EQ(k["explained"], false);
  EXPECT_TRUE(Explanations(k).empty());
  ASSERT_EQ(k["values"].size(), 2u);
  EXPECT_EQ(k["values"][1]["sources"][0]["doc"], "c");
  const json& f = d.facts[0];
  EXPECT_DOUBLE_EQ(f["value"].get<double>(), 68.8);
  EXPECT_LT(f["confidence"].get<double>(), a.facts[0]["confidence"].get<double>());
  EXPECT_EQ(f["conflict"], k["id"]);
  EXPECT_EQ(disagree.stats().conflicts, 1u);
  EXPECT_EQ(disagree.stats().explained_conflicts, 0u);
}

// The seeds' case: 83,87% "2021" in one article, 86,77% "tăng 2,9 điểm so
// với năm 2020" in another.
TEST(ConsolidateTest, ChangeArithmeticExplainsTheOlderValue) {
  Consolidator c;
  c.AddRecord(Rec("000", {Fig("score", "PAR_INDEX", "ha-giang", 2021, 83.87)}));
  c.AddRecord(Rec("004", {Fig("score", "PAR_INDEX", "ha-giang", 2021, 86.77),
                          Fig("change", "PAR_INDEX", "ha-giang", 2021, 2.9,
                              {{"measure", "score"}, {"direction", "up"}, {"from_year", 2020}})}));
  Output o = Finish(c);
  ASSERT_EQ(o.conflicts.size(), 1u);
  const json& k = o.conflicts[0];
  EXPECT_EQ(k["explained"], true);
  EXPECT_EQ(Explanations(k), std::vector<std::string>{"change_arithmetic"});
  const json* f = FindFact(o, "score", "ha-giang", 2021);
  ASSERT_NE(f, nullptr);
  EXPECT_DOUBLE_EQ((*f)["value"].get<double>(), 86.77);
  ASSERT_FALSE((*f)["warnings"].empty());
  EXPECT_EQ((*f)["warnings"][0]["code"], "change_arithmetic");
  std::string message = (*f)["warnings"][0]["message"];
  EXPECT_NE(message.find("re-attributed to 2020"), std::string::npos) << message;
  EXPECT_EQ(c.stats().explained_conflicts, 1u);
}

TEST(ConsolidateTest, ChangeArithmeticOnRanks) {
  Consolidator c;
  // 28/63 in 2021, up 5 places from 2020 => 33 in 2020.
  c.AddRecord(Rec("a", {Fig("rank", "PAR_INDEX", "ha-giang", 2021, 33, {{"out_of", 63}})}));
  c.AddRecord(Rec("b", {Fig("rank", "PAR_INDEX", "ha-giang", 2021, 28, {{"out_of", 63}}),
                        Fig("change", "PAR_INDEX", "ha-giang", 2021, 5,
                            {{"measure", "rank"}, {"direction", "up"}, {"from_year", 2020}})}));
  Output o = Finish(c);
  ASSERT_EQ(o.conflicts.size(), 1u);
  EXPECT_EQ(Explanations(o.conflicts[0]), std::vector<std::string>{"change_arithmetic"});
  EXPECT_EQ((*FindFact(o, "rank", "ha-giang", 2021))["value"], 28);
}

TEST(ConsolidateTest, ChangeArithmeticNeverExplainsAwayTheMajority) {
  Consolidator c;
  // 10 twice, 7 once (a typo); up 3 places: 7 + 3 = 10, but 10 has more support.
  c.AddRecord(Rec("a", {Fig("rank", "PCI", "x", 2021, 10, {{"out_of", 63}})}));
  c.AddRecord(Rec("b", {Fig("rank", "PCI", "x", 2021, 10, {{"out_of", 63}})}));
  c.AddRecord(Rec("c", {Fig("rank", "PCI", "x", 2021, 7, {{"out_of", 63}}),
                        Fig("change", "PCI", "x", 2021, 3,
                            {{"measure", "rank"}, {"direction", "up"}, {"from_year", 2020}})}));
  Output o = Finish(c);
  ASSERT_EQ(o.conflicts.size(), 1u);
  EXPECT_EQ(o.conflicts[0]["explained"], false);
  EXPECT_EQ((*FindFact(o, "rank", "x", 2021))["value"], 10);
}

// Regression (seeds, An Giang 2020): "giảm 15 bậc" nationally and "giảm 1
// bậc" in the region, in one article, share a key; that is not a conflict.
TEST(ConsolidateTest, DifferentValuesInOneDocumentAreNotAConflict) {
  Consolidator c;
  json national = Fig("change", "PAR_INDEX", "an-giang", 2020, 15,
                      {{"measure", "rank"}, {"direction", "down"}, {"from_year", 2019}});
  json regional = national;
  regional["value"] = 1;
  c.AddRecord(Rec("002", {national, regional}));
  Output o = Finish(c);
  EXPECT_TRUE(o.conflicts.empty());
  ASSERT_EQ(o.facts.size(), 1u);
  EXPECT_EQ(o.facts[0]["value"], 15);
  ASSERT_EQ(o.facts[0]["warnings"].size(), 1u);
  EXPECT_EQ(o.facts[0]["warnings"][0]["code"], "ambiguous_in_document");
}

TEST(ConsolidateTest, YearShiftExplainsAValueOfTheYearBefore) {
  Consolidator c;
  c.AddRecord(Rec("a", {Fig("score", "SIPAS", "an-giang", 2020, 83.25)}));
  c.AddRecord(Rec("b", {Fig("score", "SIPAS", "an-giang", 2021, 85.1)}));
  c.AddRecord(Rec("c", {Fig("score", "SIPAS", "an-giang", 2021, 83.25)}));  // announced in 2021
  Output o = Finish(c);
  ASSERT_EQ(o.conflicts.size(), 1u);
  EXPECT_EQ(o.conflicts[0]["explained"], true);
  EXPECT_EQ(Explanations(o.conflicts[0]), std::vector<std::string>{"year_shift"});
  EXPECT_DOUBLE_EQ((*FindFact(o, "score", "an-giang", 2021))["value"].get<double>(), 85.1);
}

TEST(ConsolidateTest, RankScoreInversion) {
  Consolidator c;
  c.AddRecord(Rec("a", {Fig("score", "PAR_INDEX", "a", 2020, 91.04),
                        Fig("rank", "PAR_INDEX", "a", 2020, 3, {{"out_of", 63}}),
                        Fig("score", "PAR_INDEX", "b", 2020, 90.51),
                        Fig("rank", "PAR_INDEX", "b", 2020, 2, {{"out_of", 63}}),
                        Fig("score", "PAR_INDEX", "c", 2020, 80.0),
                        Fig("rank", "PAR_INDEX", "c", 2020, 10, {{"out_of", 63}})}));
  Output o = Finish(c);
  ASSERT_EQ(o.conflicts.size(), 1u);
  const json& k = o.conflicts[0];
  EXPECT_EQ(k["kind"], "rank_score_inversion");
  EXPECT_EQ(k["id"], "rank_score_inversion|PAR_INDEX||2020||63|scale=100");
  ASSERT_EQ(k["pairs"].size(), 1u);
  EXPECT_EQ(k["pairs"][0]["higher_score_worse_rank"]["subject"], "a");
  // The four facts of a and b carry a warning pointing at it (added after
  // their family was written); c's do not.
  EXPECT_EQ(k["facts"].size(), 4u);
  for (const json& f : o.facts) {
    bool involved = f["subject"]["id"] != "c";
    ASSERT_EQ(f["warnings"].size(), involved ? 1u : 0u) << f.dump();
    if (involved) {
      EXPECT_EQ(f["warnings"][0]["code"], "rank_score_inversion");
      EXPECT_EQ(f["warnings"][0]["message"], "see " + k["id"].get<std::string>());
    }
  }
}

TEST(ConsolidateTest, ConsistentRankingHasNoInversion) {
  Consolidator c;
  c.AddRecord(Rec("a", {Fig("score", "PAR_INDEX", "a", 2020, 91.04), Fig("rank", "PAR_INDEX", "a", 2020, 1),
                        Fig("score", "PAR_INDEX", "b", 2020, 90.51), Fig("rank", "PAR_INDEX", "b", 2020, 2)}));
  EXPECT_TRUE(Finish(c).conflicts.empty());
}

TEST(ConsolidateTest, PartsExceedTotal) {
  auto count = [](const char* level, double v) {
    return Fig("count", nullptr, "binh-thuan", 2023, v,
               {{"object", "procedure"}, {"status", "total"}, {"level", level ? json(level) : json(nullptr)}});
  };
  Consolidator ok, bad;
  ok.AddRecord(Rec("a", {count(nullptr, 1945), count("province", 1464), count("district", 314),
                         count("commune", 167)}));
  bad.AddRecord(Rec("a", {count(nullptr, 1836), count("province", 1464), count("district", 314),
                          count("commune", 167)}));
  EXPECT_TRUE(Finish(ok).conflicts.empty());
  Output b = Finish(bad);
  ASSERT_EQ(b.conflicts.size(), 1u);
  EXPECT_EQ(b.conflicts[0]["kind"], "parts_exceed_total");
  EXPECT_EQ(b.conflicts[0]["sum"], 1945);
  EXPECT_EQ(b.conflicts[0]["facts"].size(), 4u);
}

TEST(ConsolidateTest, SkipsWhatCannotBeAFactAndDuplicateDocuments) {
  Consolidator c;
  json unknown = Fig("score", "PAR_INDEX", "x", 2020, 90);
  unknown["subject"] = {{"kind", "unknown"}, {"name", nullptr}, {"id", nullptr}};
  json yearless = Fig("score", "PAR_INDEX", "x", 2020, 70);
  yearless["year"] = nullptr;
  json approx = Fig("score", "PAR_INDEX", "x", 2020, 83, {{"approx", "over"}});
  c.AddRecord(Rec("a", {unknown, yearless, approx, Fig("score", "PAR_INDEX", "x", 2020, 83.87)}));
  c.AddRecord(Rec("a", {Fig("score", "PAR_INDEX", "x", 2020, 99)}));  // same sha256: ignored
  json failed = Rec("e", {Fig("score", "PAR_INDEX", "x", 2020, 11)});
  failed["error"] = {{"code", "empty"}, {"message", "?"}};
  c.AddRecord(failed);
  Output o = Finish(c);
  EXPECT_TRUE(o.conflicts.empty());
  ASSERT_EQ(o.facts.size(), 1u);
  EXPECT_DOUBLE_EQ(o.facts[0]["value"].get<double>(), 83.87);
  EXPECT_EQ(o.facts[0]["approximate"].size(), 1u);
  EXPECT_EQ(c.stats().skipped_no_subject, 1u);
  EXPECT_EQ(c.stats().skipped_no_year, 1u);
  EXPECT_EQ(c.stats().duplicate_docs, 1u);
  EXPECT_EQ(c.stats().error_records, 1u);
}

TEST(ConsolidateTest, SourcesAreCappedPerValue) {
  ConsolidateOptions o;
  o.max_sources = 4;
  for (int docs : {2, 200}) {
    Consolidator c(o);
    for (int d = 0; d < docs; ++d) {
      json figs = json::array();
      for (int u = 0; u < 50; ++u) figs.push_back(Fig("score", "PCI", "p" + std::to_string(u), 2022, 60 + u));
      c.AddRecord(Rec("doc" + std::to_string(d), figs));
    }
    Output out = Finish(c);
    ASSERT_EQ(out.facts.size(), 50u);
    EXPECT_EQ(out.facts[0]["sources"], docs);
    EXPECT_EQ(out.facts[0]["supporting"].size(), std::min<size_t>(4, docs));
  }
}

// Through the external sorts with a budget far below the corpus (every sort
// spills, the figures' in hundreds of runs merged in stages) and every record
// given twice: the output is byte-identical to an in-memory run of one copy.
TEST(ConsolidateTest, SpillingToTemporaryFilesChangesNothing) {
  ConflictGenOptions g;
  g.seed = 3;
  g.units = 60;
  std::vector<json> records;
  GenerateConflictCorpus(g, [&](const json& r) { records.push_back(r); }, nullptr);
  auto run = [&](size_t memory, ConsolidateStats* stats, int copies = 1) {
    ConsolidateOptions o;
    o.memory_bytes = memory;
    o.temp_dir = testing::TempDir();
    Consolidator c(o);
    for (int i = 0; i < copies; ++i) {
      for (const json& r : records) c.AddRecord(r);
    }
    Output out = Finish(c);
    *stats = c.stats();
    return out;
  };
  ConsolidateStats big, small;
  Output in_memory = run(size_t{256} << 20, &big);
  // 1 byte is rounded up to the 64 KB minimum per sort. Every record twice:
  // the copies are duplicates, found through the sorts too.
  Output spilled = run(1, &small, 2);
  EXPECT_EQ(big.bytes_spilled, 0u);
  EXPECT_GT(small.bytes_spilled, 1000000u);
  EXPECT_GT(in_memory.conflicts.size(), 10u);
  EXPECT_EQ(big.facts, in_memory.facts.size());
  EXPECT_TRUE(in_memory.raw == spilled.raw) << "outputs differ";
  EXPECT_EQ(small.facts, big.facts);
  EXPECT_EQ(big.duplicate_docs, 0u);
  EXPECT_EQ(small.duplicate_docs, records.size());
  EXPECT_EQ(small.used, big.used);
  EXPECT_EQ(small.conflicts, big.conflicts);
}

TEST(ConsolidateTest, FinishTwiceAndUnwritableTempDirAreErrors) {
  Consolidator c;
  c.AddRecord(Rec("a", {Fig("score", "PCI", "ha-noi", 2022, 68.8)}));
  Output out;
  EXPECT_TRUE(c.Finish(out).ok());
  EXPECT_FALSE(c.Finish(out).ok());

  ConsolidateOptions o;
  o.memory_bytes = 1;
  o.temp_dir = "/nonexistent/chiso";
  Consolidator d(o);
  for (int i = 0; i < 2000; ++i) d.AddRecord(Rec("d" + std::to_string(i), {Fig("score", "PCI", "ha-noi", 2022, 68.8)}));
  Output none;
  Status s = d.Finish(none);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent/chiso"), std::string::npos) << s.message();
  EXPECT_TRUE(none.facts.empty());
}

// A sink error stops Finish with that error.
TEST(ConsolidateTest, SinkErrorStopsFinish) {
  struct Failing : FactsSink {
    int facts = 0;
    Status Fact(std::string_view) override {
      ++facts;
      return Status::Error("disk full");
    }
    Status Conflict(std::string_view) override { return Status::OK(); }
  } sink;
  Consolidator c;
  for (const char* p : {"a", "b", "c"}) c.AddRecord(Rec(p, {Fig("score", "PCI", p, 2022, 68.8)}));
  Status s = c.Finish(sink);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "disk full");
  EXPECT_EQ(sink.facts, 1);
}

// Found by fuzz/consolidate_fuzz: numbers no integer field can hold (a
// span of 3.9e19, a year of 1e19) were cast to integers (undefined
// behaviour). They now count as absent: no span, no year.
TEST(ConsolidateTest, OutOfRangeNumbersAreAbsentNotUndefined) {
  const std::string line =
      R"({"doc": {"id": "a", "sha256": "1111111111111111"}, "figures": [)"
      R"({"type": "score", "value": 70.5, "year": 2022, "span": [3.85597e19, -1e300], "scale": 100,)"
      R"( "subject": {"kind": "province", "id": "x", "name": "X"}},)"
      R"({"type": "score", "value": 1e300, "year": 1e19, "out_of": -4e18,)"
      R"( "subject": {"kind": "province", "id": "y", "name": "Y"}}]})";
  for (bool stream : {true, false}) {
    Consolidator c;
    if (stream) {
      std::istringstream in(line + "\n");
      ASSERT_TRUE(c.AddJsonl(in, "x").ok());
    } else {
      c.AddRecord(json::parse(line));
    }
    Output o = Finish(c);
    ASSERT_EQ(o.facts.size(), 1u);
    EXPECT_EQ(o.facts[0]["year"], 2022);
    EXPECT_TRUE(o.facts[0]["supporting"][0]["span"].is_null());
    EXPECT_EQ(c.stats().skipped_no_year, 1u);
  }
}

TEST(ConsolidateTest, JsonlFileErrorsNameTheLine) {
  std::string path = testing::TempDir() + "/consolidate_bad.jsonl";
  {
    FILE* f = std::fopen(path.c_str(), "w");
    std::fputs("{\"doc\": {\"id\": \"a\"}, \"figures\": []}\n\n[1]\n", f);
    std::fclose(f);
  }
  Consolidator c;
  Status s = c.AddJsonlFile(path);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(":3: not a JSON object"), std::string::npos) << s.message();
}

// Planted conflicts: detection precision and recall >= 0.95.
struct Score {
  int tp = 0, fp = 0, fn = 0, expl_ok = 0, expl_total = 0;
  double precision() const { return tp + fp == 0 ? 1 : double(tp) / (tp + fp); }
  double recall() const { return tp + fn == 0 ? 1 : double(tp) / (tp + fn); }
};

Score RunGenerated(const ConflictGenOptions& o, ConflictGenTruth* truth, std::string* misses) {
  Consolidator c;
  GenerateConflictCorpus(o, [&](const json& r) { c.AddRecord(r); }, truth);
  Output out = Finish(c);
  Score s;
  std::set<std::string> found;
  for (const json& k : out.conflicts) {
    const std::string id = k["id"];
    found.insert(id);
    auto it = truth->conflicts.find(id);
    if (it == truth->conflicts.end()) {
      ++s.fp;
      *misses += "FP " + id + " " + k.dump() + "\n";
      continue;
    }
    ++s.tp;
    if (k["kind"] == "value_disagreement") {
      ++s.expl_total;
      std::vector<std::string> e = Explanations(k);
      std::string got = e.empty() ? "" : e[0];
      if (got == it->second) ++s.expl_ok;
      else *misses += "EXPL " + id + " want '" + it->second + "' got '" + got + "'\n";
    }
  }
  for (const auto& [id, expl] : truth->conflicts) {
    if (!found.count(id)) {
      ++s.fn;
      *misses += "FN " + id + "\n";
    }
  }
  return s;
}

TEST(ConflictGenTest, DetectionPrecisionAndRecallAtLeast95Percent) {
  for (uint64_t seed : {1, 2, 3, 42}) {
    ConflictGenOptions o;
    o.seed = seed;
    ConflictGenTruth truth;
    std::string misses;
    Score s = RunGenerated(o, &truth, &misses);
    SCOPED_TRACE("seed " + std::to_string(seed));
    EXPECT_GT(truth.planted_typos, 10u);
    EXPECT_GT(truth.planted_shifts, 10u);
    EXPECT_GT(truth.planted_inversions, 0u);
    EXPECT_GT(truth.planted_parts, 0u);
    EXPECT_GE(s.precision(), 0.95) << misses;
    EXPECT_GE(s.recall(), 0.95) << misses;
    EXPECT_GE(double(s.expl_ok) / std::max(1, s.expl_total), 0.95) << misses;
    std::printf("seed %llu: %zu records, %zu figures, %zu expected conflicts; P %.4f R %.4f "
                "(tp %d fp %d fn %d), explanations %d/%d\n",
                static_cast<unsigned long long>(seed), truth.records, truth.figures,
                truth.conflicts.size(), s.precision(), s.recall(), s.tp, s.fp, s.fn, s.expl_ok,
                s.expl_total);
  }
}

TEST(ConflictGenTest, NoPlantsNoConflicts) {
  ConflictGenOptions o;
  o.p_typo = o.p_year_shift = o.p_inversion = o.p_parts_exceed = 0;
  ConflictGenTruth truth;
  std::string misses;
  Score s = RunGenerated(o, &truth, &misses);
  EXPECT_TRUE(truth.conflicts.empty());
  EXPECT_EQ(s.fp, 0) << misses;
}

TEST(ConflictGenTest, Deterministic) {
  auto digest = [](uint64_t seed) {
    ConflictGenOptions o;
    o.seed = seed;
    o.units = 10;
    std::string all;
    GenerateConflictCorpus(o, [&](const json& r) { all += r.dump() + "\n"; }, nullptr);
    return all;
  };
  EXPECT_EQ(digest(7), digest(7));
  EXPECT_NE(digest(7), digest(8));
}

// The JSON Lines path reads records with a SAX reader; it must agree exactly
// with AddRecord on parsed records, on a generated corpus with every kind of
// fact and conflict, plus records the reader must skip or count (errors, bad
// figures, nesting).
TEST(ConsolidateTest, JsonlReaderMatchesAddRecord) {
  ConflictGenOptions o;
  o.seed = 5;
  o.units = 40;
  std::string path = testing::TempDir() + "/consolidate_sax.jsonl";
  std::vector<json> records;
  GenerateConflictCorpus(o, [&](const json& r) { records.push_back(r); }, nullptr);
  records.push_back(json::parse(R"({"doc": {"id": "e", "sha256": "e1"}, "error": {"code": "x"}})"));
  records.push_back(json::parse(
      R"({"doc": {"id": "b", "sha256": "b1", "extra": [1, {"value": 2}]},
          "figures": [3, [4], {"type": "score"}, {"value": 1},
                      {"type": "score", "value": 70.5, "year": 2023, "indicator": "PAR_INDEX",
                       "scale": 100, "id": "f9", "span": [4, 8], "text": "70,5", "sentence": "a \"q\"\n",
                       "evidence": {"value": 99, "type": "rank"},
                       "subject": {"kind": "province", "name": "Hà Nội", "id": "ha-noi", "x": {"id": 1}}}],
          "warnings": [{"code": "w", "message": "m"}], "error": null})"));
  {
    std::ofstream out(path);
    for (const json& r : records) out << r.dump() << "\n";
  }
  Consolidator dom, sax;
  for (const json& r : records) dom.AddRecord(r);
  ASSERT_TRUE(sax.AddJsonlFile(path).ok());
  Output d = Finish(dom), x = Finish(sax);
  EXPECT_EQ(dom.stats().records, sax.stats().records);
  EXPECT_EQ(dom.stats().error_records, sax.stats().error_records);
  EXPECT_EQ(dom.stats().skipped_bad, sax.stats().skipped_bad);
  EXPECT_EQ(dom.stats().used, sax.stats().used);
  ASSERT_EQ(d.facts.size(), x.facts.size());
  ASSERT_EQ(d.conflicts.size(), x.conflicts.size());
  EXPECT_GT(d.conflicts.size(), 0u);
  for (size_t i = 0; i < d.facts.size(); ++i) ASSERT_EQ(d.facts[i], x.facts[i]) << d.facts[i].dump();
  EXPECT_TRUE(d.raw == x.raw);
}

}  // namespace
}  // namespace chiso
