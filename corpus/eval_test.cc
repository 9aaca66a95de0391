#include "corpus/eval.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace chiso {
namespace {

using nlohmann::json;

// Figure lists are std::vector<json>, not json: a braced list holding one
// json object would copy that object instead of making an array of it.
using Figures = std::vector<json>;

json Gold(const std::string& doc, const Figures& figures) {
  return json{{"doc", doc}, {"figures", json(figures)}};
}

json PredRaw(const std::string& doc, json figures) {
  return json{{"schema", "chiso/1"},
              {"doc", {{"id", doc}}},
              {"figures", std::move(figures)},
              {"error", nullptr}};
}

json Pred(const std::string& doc, const Figures& figures) {
  return PredRaw(doc, json(figures));
}

json Province(const std::string& name) {
  return json{{"kind", "province"}, {"name", name}};
}

// A PAR_INDEX score of An Giang in 2020.
json Score(double value) {
  return json{{"type", "score"},
              {"indicator", "PAR_INDEX"},
              {"subject", Province("An Giang")},
              {"year", 2020},
              {"value", value},
              {"unit", "points"},
              {"text", "x điểm"},
              {"sentence", "Câu có điểm."}};
}

json With(json fig, const json& changes) {
  fig.merge_patch(changes);
  return fig;
}

EvalReport OneDoc(const Figures& gold_figs, const Figures& pred_figs) {
  return EvaluateJson({Gold("d1", gold_figs)}, {Pred("d1", pred_figs)});
}

std::string WriteTemp(const std::string& name, const std::string& content) {
  std::string path = testing::TempDir() + "/chiso_eval_" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

TEST(CountsTest, EmptyDenominators) {
  struct Case {
    Counts c;
    double p, r, f;
  } cases[] = {
      {{0, 0, 0}, 1, 1, 1},  // nothing to find, nothing found
      {{0, 0, 3}, 0, 0, 0},  // found nothing of 3
      {{0, 2, 0}, 0, 0, 0},  // no gold, 2 predicted
      {{3, 1, 0}, 0.75, 1, 6.0 / 7}, {{1, 1, 1}, 0.5, 0.5, 0.5},
  };
  for (const Case& c : cases) {
    EXPECT_DOUBLE_EQ(c.c.precision(), c.p) << c.c.tp << c.c.fp << c.c.fn;
    EXPECT_DOUBLE_EQ(c.c.recall(), c.r) << c.c.tp << c.c.fp << c.c.fn;
    EXPECT_DOUBLE_EQ(c.c.f1(), c.f) << c.c.tp << c.c.fp << c.c.fn;
  }
}

TEST(EvalTest, PerfectPredictionScoresOne) {
  Figures figs = {Score(84.67),
                  With(Score(26), {{"type", "rank"}, {"out_of", 63}})};
  EvalReport r = OneDoc(figs, figs);
  EXPECT_EQ(r.value_all.tp, 2);
  EXPECT_EQ(r.value_all.fp + r.value_all.fn, 0);
  EXPECT_DOUBLE_EQ(r.value_all.f1(), 1.0);
  EXPECT_DOUBLE_EQ(r.strict_all.f1(), 1.0);
  EXPECT_TRUE(r.items.empty());
  EXPECT_EQ(r.value_by_type["score"].tp, 1);
  EXPECT_EQ(r.value_by_type["rank"].tp, 1);
  EXPECT_EQ(r.value_by_type["count"].tp + r.value_by_type["count"].fn, 0);
}

TEST(EvalTest, MissingFigureIsMissAtBothLevels) {
  EvalReport r = OneDoc({Score(84.67), Score(80.1)}, {Score(84.67)});
  EXPECT_EQ(r.value_all.tp, 1);
  EXPECT_EQ(r.value_all.fn, 1);
  EXPECT_EQ(r.strict_all.fn, 1);
  EXPECT_DOUBLE_EQ(r.value_all.recall(), 0.5);
  EXPECT_DOUBLE_EQ(r.value_all.precision(), 1.0);
  ASSERT_EQ(r.items.size(), 2u);
  EXPECT_EQ(r.items[0].level, "value");
  EXPECT_EQ(r.items[0].kind, "miss");
  EXPECT_EQ(r.items[0].type, "score");
  EXPECT_DOUBLE_EQ(r.items[0].value, 80.1);
  EXPECT_EQ(r.items[0].detail, "score 80.1 | PAR_INDEX | An Giang | 2020");
  EXPECT_EQ(r.items[1].level, "strict");
}

TEST(EvalTest, ExtraFigureIsFalsePositiveWithSentence) {
  EvalReport r = OneDoc({Score(84.67)}, {Score(84.67), Score(12)});
  EXPECT_EQ(r.value_all.fp, 1);
  EXPECT_EQ(r.strict_all.fp, 1);
  EXPECT_DOUBLE_EQ(r.value_all.precision(), 0.5);
  ASSERT_EQ(r.items.size(), 2u);
  EXPECT_EQ(r.items[0].kind, "false_positive");
  EXPECT_EQ(r.items[0].sentence, "Câu có điểm.");
  EXPECT_EQ(r.items[0].text, "x điểm");
}

TEST(EvalTest, OptionalGoldIsNeitherMissNorFalsePositive) {
  json opt = With(Score(90), {{"optional", true}});
  EvalReport absent = OneDoc({Score(84.67), opt}, {Score(84.67)});
  EXPECT_EQ(absent.value_all.fn, 0);
  EXPECT_EQ(absent.strict_all.fn, 0);
  EXPECT_DOUBLE_EQ(absent.value_all.f1(), 1.0);

  EvalReport present = OneDoc({Score(84.67), opt}, {Score(84.67), Score(90)});
  EXPECT_EQ(present.value_all.tp, 1);
  EXPECT_EQ(present.value_all.fp, 0);
  EXPECT_EQ(present.strict_all.fp, 0);
  EXPECT_TRUE(present.items.empty());
}

TEST(EvalTest, PredictionMatchingRequiredAndOptionalIsTruePositive) {
  // Same value key: a required score of An Giang and an optional one of an
  // unknown unit.
  json opt =
      With(Score(90), {{"optional", true},
                       {"subject", {{"kind", "unknown"}, {"name", nullptr}}}});
  EvalReport r = OneDoc({opt, Score(90)}, {Score(90)});
  EXPECT_EQ(r.value_all.tp, 1);
  EXPECT_EQ(r.value_all.fn, 0);
  EXPECT_EQ(r.strict_all.tp, 1);
  EXPECT_EQ(r.attr_total, 1);
}

TEST(EvalTest, DuplicatePredictionsCountOnce) {
  EvalReport r =
      OneDoc({Score(84.67)}, {Score(84.67), Score(84.67), Score(5), Score(5)});
  EXPECT_EQ(r.value_all.tp, 1);
  EXPECT_EQ(r.value_all.fp, 1);
  EXPECT_EQ(r.strict_all.tp, 1);
  EXPECT_EQ(r.strict_all.fp, 1);
}

// One gold figure against one predicted figure: do they match at value and
// strict level?
struct KeyCase {
  const char* name;
  json gold, pred;
  bool value_match, strict_match;
};

class KeyTest : public testing::TestWithParam<KeyCase> {};

TEST_P(KeyTest, Matches) {
  const KeyCase& c = GetParam();
  EvalReport r = OneDoc({c.gold}, {c.pred});
  EXPECT_EQ(r.value_all.tp, c.value_match ? 1 : 0) << c.name;
  EXPECT_EQ(r.strict_all.tp, c.strict_match ? 1 : 0) << c.name;
  // Either way every figure is counted once.
  EXPECT_EQ(r.value_all.tp + r.value_all.fn, 1) << c.name;
  EXPECT_EQ(r.strict_all.tp + r.strict_all.fp, 1) << c.name;
}

json Rank(int value, json out_of) {
  return With(Score(value), {{"type", "rank"}, {"out_of", std::move(out_of)}});
}

json Change(double value, const char* direction, const char* measure) {
  return With(
      Score(value),
      {{"type", "change"}, {"direction", direction}, {"measure", measure}});
}

json Count(int value) {
  return json{{"type", "count"},
              {"indicator", nullptr},
              {"subject", Province("Hà Giang")},
              {"year", 2021},
              {"value", value},
              {"object", "procedure"},
              {"status", "online"},
              {"level", "province"}};
}

json Subj(json fig, json subject) {
  fig["subject"] = std::move(subject);
  return fig;
}

json Without(json fig, const char* field) {
  fig.erase(field);
  return fig;
}

const json kUnknown = {{"kind", "unknown"}, {"name", nullptr}};
const json kNation = {{"kind", "nation"}, {"name", "Việt Nam"}};
const json kAggregate = {{"kind", "aggregate"},
                         {"name", "Các tỉnh, thành phố"}};

INSTANTIATE_TEST_SUITE_P(
    Keys, KeyTest,
    testing::Values(
        KeyCase{"identical", Score(84.67), Score(84.67), true, true},
        KeyCase{"rounding_equal", Score(83.87), Score(83.870001), true, true},
        KeyCase{"rounding_differs", Score(83.87), Score(83.88), false, false},
        KeyCase{"fourth_decimal", Score(42.676), Score(42.6761), false, false},
        KeyCase{"type_differs", Score(26), Rank(26, nullptr), false, false},
        KeyCase{"unit_not_scored", Score(80),
                With(Score(80), {{"unit", "percent"}}), true, true},
        KeyCase{"rank_out_of_equal", Rank(26, 63), Rank(26, 63), true, true},
        KeyCase{"rank_out_of_differs", Rank(26, 63), Rank(26, 62), false,
                false},
        KeyCase{"rank_out_of_null", Rank(1, nullptr), Rank(1, 63), false,
                false},
        KeyCase{"rank_both_null", Rank(1, nullptr),
                Without(Rank(1, 1), "out_of"), true, true},
        KeyCase{"change_direction", Change(5, "up", "rank"),
                Change(5, "down", "rank"), false, false},
        KeyCase{"change_measure", Change(5, "up", "rank"),
                Change(5, "up", "score"), false, false},
        KeyCase{"change_same", Change(2.5, "up", "score"),
                Change(2.5, "up", "score"), true, true},
        KeyCase{"year_differs", Score(80), With(Score(80), {{"year", 2021}}),
                true, false},
        KeyCase{"year_null", Score(80), With(Score(80), {{"year", nullptr}}),
                true, false},
        KeyCase{"indicator_differs", Score(80),
                With(Score(80), {{"indicator", "SIPAS"}}), true, false},
        KeyCase{"indicator_missing_vs_null",
                With(Score(80), {{"indicator", nullptr}}),
                Without(Score(80), "indicator"), true, true},
        KeyCase{"subject_name_differs", Score(80),
                Subj(Score(80), Province("Hà Giang")), true, false},
        KeyCase{"subject_tp_hcm", Subj(Score(80), Province("Hồ Chí Minh")),
                Subj(Score(80), Province("TP.HCM")), true, true},
        KeyCase{"subject_thanh_pho_hcm",
                Subj(Score(80), Province("Hồ Chí Minh")),
                Subj(Score(80), Province("Thành phố Hồ Chí Minh")), true, true},
        KeyCase{"subject_tinh_prefix", Score(80),
                Subj(Score(80), Province("tỉnh An Giang")), true, true},
        KeyCase{"subject_nfd", Subj(Score(80), Province("H\u00e0 Giang")),
                Subj(Score(80), Province("Ha\u0300 Giang")), true, true},
        KeyCase{"subject_tone_placement",
                Subj(Score(80), Province("Khánh Hòa")),
                Subj(Score(80), Province("Khánh Hoà")), true, true},
        KeyCase{"subject_hue", Subj(Score(80), Province("Thừa Thiên Huế")),
                Subj(Score(80), Province("Huế")), true, true},
        KeyCase{"subject_kind_differs",
                Subj(Score(80), {{"kind", "ministry"}, {"name", "An Giang"}}),
                Score(80), true, false},
        KeyCase{"nation_vs_aggregate", Subj(Score(80), kNation),
                Subj(Score(80), kAggregate), true, true},
        KeyCase{"aggregate_names_ignored", Subj(Score(80), kAggregate),
                Subj(Score(80), {{"kind", "aggregate"}, {"name", "17 bộ"}}),
                true, true},
        KeyCase{"unknown_vs_null", Subj(Score(80), kUnknown),
                Subj(Score(80), nullptr), true, true},
        KeyCase{"unknown_vs_missing", Subj(Score(80), kUnknown),
                Without(Score(80), "subject"), true, true},
        KeyCase{"missing_gold_vs_unknown", Without(Score(80), "subject"),
                Subj(Score(80), kUnknown), true, true},
        KeyCase{"province_vs_null", Score(80), Subj(Score(80), nullptr), true,
                false},
        KeyCase{"count_same", Count(157), Count(157), true, true},
        KeyCase{"count_status_not_scored", Count(157),
                With(Count(157), {{"status", "total"}}), true, true},
        KeyCase{"count_level_differs", Count(157),
                With(Count(157), {{"level", "district"}}), true, false},
        KeyCase{"count_object_differs", Count(157),
                With(Count(157), {{"object", "dossier"}}), true, false},
        KeyCase{"rate_level_differs", With(Count(95), {{"type", "rate"}}),
                With(Count(95), {{"type", "rate"}, {"level", nullptr}}), true,
                false},
        KeyCase{"count_change_level_differs",
                With(Count(10), {{"type", "change"},
                                 {"direction", "down"},
                                 {"measure", "count"}}),
                With(Count(10), {{"type", "change"},
                                 {"direction", "down"},
                                 {"measure", "count"},
                                 {"level", "commune"}}),
                true, false},
        KeyCase{"score_change_level_ignored",
                With(Change(1, "up", "score"), {{"level", "province"}}),
                With(Change(1, "up", "score"), {{"level", "commune"}}), true,
                true}),
    [](const testing::TestParamInfo<KeyCase>& info) {
      return std::string(info.param.name);
    });

TEST(SubjectNameKeyTest, Table) {
  struct Case {
    const char* a;
    const char* b;
  } same[] = {
      {"Hồ Chí Minh", "TP.HCM"},
      {"Hồ Chí Minh", "TPHCM"},
      {"Hồ Chí Minh", "TP HCM"},
      {"Hồ Chí Minh", "Thành phố Hồ Chí Minh"},
      {"Hồ Chí Minh", "TP. Hồ Chí Minh"},
      {"Hồ Chí Minh", "thành phố hồ chí minh"},
      {"An Giang", "tỉnh An Giang"},
      {"An Giang", "Tỉnh  An   Giang "},
      {"Hà Giang", "Ha\u0300 Giang"},
      {"Khánh Hòa", "Khánh Hoà"},
      {"Khánh Hòa", "KHÁNH HÒA"},
      {"Thừa Thiên Huế", "Huế"},
      {"Thừa Thiên Huế", "Thừa Thiên - Huế"},
      {"Bà Rịa - Vũng Tàu", "Bà Rịa-Vũng Tàu"},
      {"Bà Rịa - Vũng Tàu", "Bà Rịa – Vũng Tàu"},
      {"Ngân hàng Nhà nước Việt Nam", "Ngân hàng Nhà nước"},
      {"Đồng bằng sông Cửu Long", "ĐBSCL"},
      {"Trung du và miền núi phía Bắc", "Trung du miền núi phía Bắc"},
      {"Bộ Giáo dục và Đào tạo", "Bộ Giáo dục và Đào tạo."},
  };
  for (const Case& c : same) {
    EXPECT_EQ(SubjectNameKey(c.a), SubjectNameKey(c.b)) << c.a << " / " << c.b;
  }
  EXPECT_EQ(SubjectNameKey("Thành phố Hồ Chí Minh"), "ho chi minh");
  EXPECT_EQ(SubjectNameKey("tỉnh Bà Rịa-Vũng Tàu"), "ba ria vung tau");
  EXPECT_NE(SubjectNameKey("Hà Nam"), SubjectNameKey("Hà Nội"));
  EXPECT_NE(SubjectNameKey("Hà Giang"), SubjectNameKey("Hậu Giang"));
  EXPECT_EQ(SubjectNameKey(""), "");
}

TEST(EvalTest, DocMissingFromPredictionsCountsAllAsMisses) {
  std::vector<json> gold = {
      Gold("d1", {Score(1)}),
      Gold("d2", {Score(2), Score(3), With(Score(4), {{"optional", true}})})};
  std::vector<json> pred = {Pred("d1", {Score(1)}), Pred("other", {Score(9)})};
  EvalReport r = EvaluateJson(gold, pred);
  EXPECT_EQ(r.docs_gold, 2);
  EXPECT_EQ(r.docs_pred, 2);
  EXPECT_EQ(r.docs_missing, 1);
  EXPECT_EQ(r.docs_unscored, 1);
  EXPECT_EQ(r.value_all.tp, 1);
  EXPECT_EQ(r.value_all.fn, 2);
  EXPECT_EQ(r.value_all.fp, 0);  // "other" has no gold: not scored
  EXPECT_EQ(r.strict_all.fn, 2);
}

TEST(EvalTest, ErrorRecordContributesItsFigures) {
  json none = PredRaw("d1", nullptr);
  none["error"] = {{"code", "pdf_no_text"}, {"message", "no text layer"}};
  EvalReport r = EvaluateJson({Gold("d1", {Score(1)})}, {none});
  EXPECT_EQ(r.docs_missing, 0);
  EXPECT_EQ(r.value_all.fn, 1);

  json some = Pred("d1", {Score(1)});
  some["error"] = {{"code", "truncated"}, {"message", "over size limit"}};
  EXPECT_EQ(EvaluateJson({Gold("d1", {Score(1)})}, {some}).value_all.tp, 1);
}

TEST(EvalTest, PerTypeCountsAndMicroAverage) {
  std::vector<json> gold = {Gold("a", {Score(1), Rank(2, 63)}),
                            Gold("b", {Count(10), Count(11)})};
  std::vector<json> pred = {Pred("a", {Score(1), Rank(2, 62)}),
                            Pred("b", {Count(10)})};
  EvalReport r = EvaluateJson(gold, pred);
  EXPECT_EQ(r.value_by_type["score"].tp, 1);
  EXPECT_EQ(r.value_by_type["rank"].fp, 1);
  EXPECT_EQ(r.value_by_type["rank"].fn, 1);
  EXPECT_EQ(r.value_by_type["count"].tp, 1);
  EXPECT_EQ(r.value_by_type["count"].fn, 1);
  EXPECT_EQ(r.value_all.tp, 2);
  EXPECT_EQ(r.value_all.fp, 1);
  EXPECT_EQ(r.value_all.fn, 2);
  EXPECT_DOUBLE_EQ(r.value_all.precision(), 2.0 / 3);
  EXPECT_DOUBLE_EQ(r.value_all.recall(), 0.5);
}

TEST(EvalTest, AttributeAccuracyOverValueMatches) {
  Figures gold = {Score(1), Score(2), Score(3), Score(4), Score(5)};
  Figures pred = {
      Score(1),                                  // all agree
      With(Score(2), {{"indicator", "SIPAS"}}),  // indicator off
      Subj(Score(3), Province("Hà Giang")),      // subject off
      With(Score(4), {{"year", 2019}, {"indicator", nullptr}}),  // two off
      Score(99),  // no value match
  };
  EvalReport r = OneDoc(gold, pred);
  EXPECT_EQ(r.value_all.tp, 4);
  EXPECT_EQ(r.attr_total, 4);
  EXPECT_EQ(r.indicator_ok, 2);
  EXPECT_EQ(r.subject_ok, 3);
  EXPECT_EQ(r.year_ok, 3);
}

TEST(EvalTest, AttributeAccuracyUsesBestPairForSharedValueKey) {
  // Two gold scores of 80 for different provinces: one value key, one pair.
  Figures gold = {Subj(Score(80), Province("Hà Giang")), Score(80)};
  Figures pred = {With(Score(80), {{"year", 2019}}), Score(80)};
  EvalReport r = OneDoc(gold, pred);
  EXPECT_EQ(r.value_all.tp, 1);
  EXPECT_EQ(r.attr_total, 1);
  EXPECT_EQ(r.indicator_ok + r.subject_ok + r.year_ok, 3);
}

TEST(EvalTest, StrictFalsePositiveSaysWhichAttributeDiffered) {
  EvalReport r = OneDoc({Score(80)}, {With(Score(80), {{"year", 2021}})});
  EXPECT_EQ(r.value_all.tp, 1);
  EXPECT_EQ(r.strict_all.fp, 1);
  EXPECT_EQ(r.strict_all.fn, 1);
  ASSERT_EQ(r.items.size(), 2u);
  const EvalReport::Item& fp = r.items[0];
  EXPECT_EQ(fp.level, "strict");
  EXPECT_EQ(fp.kind, "false_positive");
  EXPECT_NE(fp.detail.find("year 2021 vs 2020"), std::string::npos)
      << fp.detail;
  const EvalReport::Item& miss = r.items[1];
  EXPECT_EQ(miss.kind, "miss");
  EXPECT_NE(miss.detail.find("year 2021 vs 2020"), std::string::npos)
      << miss.detail;
  EXPECT_EQ(miss.sentence, "Câu có điểm.");
}

TEST(EvalTest, ListDetailsOffLeavesItemsEmpty) {
  EvalOptions options;
  options.list_details = false;
  EvalReport r =
      EvaluateJson({Gold("d1", {Score(1)})}, {Pred("d1", {Score(2)})}, options);
  EXPECT_EQ(r.value_all.fp, 1);
  EXPECT_TRUE(r.items.empty());
}

TEST(EvalTest, RankDetailShowsKey) {
  EvalReport r = OneDoc({Rank(26, 63)}, {});
  ASSERT_FALSE(r.items.empty());
  EXPECT_EQ(r.items[0].detail, "rank 26/63 | PAR_INDEX | An Giang | 2020");
}

TEST(EvalTest, ToJsonAndFormatTable) {
  EvalReport r = OneDoc({Score(84.67), Rank(26, 63)}, {Score(84.67), Score(7)});
  json j = ToJson(r);
  EXPECT_EQ(j["value"]["tp"], 1);
  EXPECT_EQ(j["value"]["fp"], 1);
  EXPECT_EQ(j["value"]["fn"], 1);
  EXPECT_DOUBLE_EQ(j["value"]["f1"].get<double>(), 0.5);
  EXPECT_EQ(j["by_type"]["rank"]["strict"]["fn"], 1);
  EXPECT_EQ(j["attributes"]["total"], 1);
  EXPECT_EQ(j["docs"]["gold"], 1);
  EXPECT_EQ(j["items"].size(), 4u);
  EXPECT_EQ(j["items"][0]["doc"], "d1");

  std::string table = FormatTable(r);
  EXPECT_NE(table.find("score"), std::string::npos);
  EXPECT_NE(table.find("all"), std::string::npos);
  EXPECT_NE(table.find("attribute accuracy"), std::string::npos);
  EXPECT_NE(table.find("rank 26/63"), std::string::npos);
  EXPECT_NE(table.find("Câu có điểm."), std::string::npos);
}

TEST(EvaluateFileTest, ReadsFiles) {
  std::string gold =
      WriteTemp("ok_gold.jsonl", Gold("d1", {Score(1), Score(2)}).dump() +
                                     "\n\n" + Gold("d2", {}).dump() + "\r\n");
  std::string pred =
      WriteTemp("ok_pred.jsonl", Pred("d1", {Score(1)}).dump() + "\n" +
                                     PredRaw("d2", nullptr).dump());
  EvalReport r;
  Status s = Evaluate(gold, pred, {}, &r);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(r.docs_gold, 2);
  EXPECT_EQ(r.docs_pred, 2);
  EXPECT_EQ(r.value_all.tp, 1);
  EXPECT_EQ(r.value_all.fn, 1);
}

struct BadFileCase {
  const char* name;
  std::string gold, pred;
  const char* expected;  // message suffix after the path
};

class EvaluateBadFileTest : public testing::TestWithParam<BadFileCase> {};

TEST_P(EvaluateBadFileTest, FailsWithPathAndLine) {
  const BadFileCase& c = GetParam();
  std::string gold = WriteTemp(std::string(c.name) + "_gold.jsonl", c.gold);
  std::string pred = WriteTemp(std::string(c.name) + "_pred.jsonl", c.pred);
  EvalReport r;
  r.docs_gold = -7;
  Status s = Evaluate(gold, pred, {}, &r);
  ASSERT_FALSE(s.ok());
  std::string path = std::string(c.name).rfind("gold", 0) == 0 ? gold : pred;
  EXPECT_EQ(s.message().substr(0, path.size()), path) << s.message();
  EXPECT_NE(s.message().find(c.expected), std::string::npos) << s.message();
  EXPECT_EQ(r.docs_gold, -7);  // untouched on failure
}

const std::string kGoodGold = Gold("d1", {Score(1)}).dump() + "\n";
const std::string kGoodPred = Pred("d1", {Score(1)}).dump() + "\n";

INSTANTIATE_TEST_SUITE_P(
    Bad, EvaluateBadFileTest,
    testing::Values(
        BadFileCase{"gold_malformed",
                    kGoodGold + "\n{\"doc\": \"d2\", figures\n", kGoodPred,
                    ":3: invalid JSON"},
        BadFileCase{"gold_not_object", "[1, 2]\n", kGoodPred,
                    ":1: not a JSON object"},
        BadFileCase{"gold_no_doc", "{\"figures\": []}\n", kGoodPred,
                    ":1: missing \"doc\""},
        BadFileCase{"gold_no_figures", "{\"doc\": \"d1\"}\n", kGoodPred,
                    ":1: missing \"figures\""},
        BadFileCase{"gold_bad_value",
                    kGoodGold +
                        Gold("d2", {Score(1), With(Score(1), {{"value", "8"}})})
                            .dump() +
                        "\n",
                    kGoodPred, ":2: figure 2: \"value\" is not a number"},
        BadFileCase{"gold_duplicate", kGoodGold + kGoodGold, kGoodPred,
                    ":2: duplicate doc \"d1\" (first on line 1)"},
        BadFileCase{"pred_no_id", kGoodGold,
                    "{\"doc\": \"d1\", \"figures\": []}\n",
                    ":1: missing \"doc\".\"id\""},
        BadFileCase{"pred_malformed", kGoodGold, kGoodPred + "{oops}\n",
                    ":2: invalid JSON"},
        BadFileCase{"pred_figures_not_array", kGoodGold,
                    "{\"doc\": {\"id\": \"d1\"}, \"figures\": 3}\n",
                    ":1: \"figures\" is not an array"}),
    [](const testing::TestParamInfo<BadFileCase>& info) {
      return std::string(info.param.name);
    });

TEST(EvaluateFileTest, MissingFileFails) {
  EvalReport r;
  Status s =
      Evaluate("/nonexistent/gold.jsonl", "/nonexistent/pred.jsonl", {}, &r);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "/nonexistent/gold.jsonl: cannot open");
}

TEST(EvaluateFileTest, SeedsAgainstThemselvesScoreOne) {
  const std::string path =
      std::string(CHISO_SHARED_DIR) + "/corpus/seeds.gold.jsonl";
  std::ifstream in(path);
  if (!in) GTEST_SKIP() << "no seed gold at " << path;
  std::string pred_text;
  std::string line;
  int docs = 0, required = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    json g = json::parse(line);
    Figures figures;
    for (const json& f : g["figures"]) {
      if (f.value("optional", false)) continue;
      figures.push_back(f);
      ++required;
    }
    pred_text += Pred(g["doc"].get<std::string>(), figures).dump() + "\n";
    ++docs;
  }
  ASSERT_GT(docs, 0);
  std::string pred = WriteTemp("seeds_pred.jsonl", pred_text);
  EvalReport r;
  Status s = Evaluate(path, pred, {}, &r);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(r.docs_gold, docs);
  EXPECT_EQ(r.docs_missing, 0);
  EXPECT_GT(r.value_all.tp, 0);
  EXPECT_LE(r.value_all.tp, required);  // set semantics may merge some
  EXPECT_DOUBLE_EQ(r.value_all.f1(), 1.0);
  EXPECT_DOUBLE_EQ(r.strict_all.f1(), 1.0);
  EXPECT_EQ(r.attr_total, r.value_all.tp);
  EXPECT_EQ(r.indicator_ok, r.attr_total);
  EXPECT_EQ(r.subject_ok, r.attr_total);
  EXPECT_EQ(r.year_ok, r.attr_total);
  EXPECT_TRUE(r.items.empty()) << FormatTable(r);
}

}  // namespace
}  // namespace chiso
