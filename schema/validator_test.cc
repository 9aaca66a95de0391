#include "schema/validator.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "schema/emit.h"

namespace chiso {
namespace {

using Json = nlohmann::json;

const char kSchemaPath[] = CHISO_SOURCE_DIR "/schema/chiso1.schema.json";

constexpr char kText[] =
    "Năm 2020, Chỉ số CCHC của tỉnh An Giang đạt 84,67 điểm, xếp hạng 26/63 "
    "tỉnh, thành phố, "
    "tăng 3 bậc so với năm 2019. Tỉnh đã cắt giảm 120 thủ tục hành chính; tỷ "
    "lệ hồ sơ giải "
    "quyết đúng hạn đạt 98,5%.";

Span Find(const std::string& text, const std::string& needle) {
  size_t pos = text.find(needle);
  EXPECT_NE(pos, std::string::npos) << needle;
  return Span{pos, pos + needle.size()};
}

const Subject kAnGiang{SubjectKind::kProvince, "An Giang", "an-giang"};

// A valid document with one figure of each type: f1 score, f2 rank,
// f3 change, f4 count, f5 rate.
Document MakeDoc() {
  Document doc;
  doc.id = "002_43a7c8b6404bd8eb.txt";
  doc.path = "seeds/002_43a7c8b6404bd8eb.txt";
  doc.sha256 =
      "43a7c8b6404bd8eb43a7c8b6404bd8eb43a7c8b6404bd8eb43a7c8b6404bd8eb";
  doc.encoding = "UTF-8";
  doc.text = kText;
  doc.title = "An Giang xếp hạng 26/63 tỉnh, thành phố";
  doc.date = "2021-06-25";
  doc.subject = kAnGiang;
  const Span s1 =
      Find(doc.text,
           "Năm 2020, Chỉ số CCHC của tỉnh An Giang đạt 84,67 điểm, xếp "
           "hạng 26/63 tỉnh, thành phố, tăng 3 bậc so với năm 2019.");
  const Span s2 =
      Find(doc.text,
           "Tỉnh đã cắt giảm 120 thủ tục hành chính; tỷ lệ hồ sơ giải "
           "quyết đúng hạn đạt 98,5%.");
  doc.sentences = {s1, s2};

  auto base = [&](std::string id, std::string type, const std::string& surface,
                  Span sentence) {
    Figure f;
    f.id = std::move(id);
    f.type = std::move(type);
    f.subject = kAnGiang;
    f.year = 2020;
    f.span = Find(doc.text, surface);
    f.sentence = sentence;
    f.rule = "test." + f.type;
    f.confidence = 0.9;
    return f;
  };
  Figure score = base("f1", "score", "84,67 điểm", s1);
  score.indicator = "PAR_INDEX";
  score.value = 84.67;
  score.unit = "points";
  score.scale = 100;
  Figure rank = base("f2", "rank", "26/63", s1);
  rank.indicator = "PAR_INDEX";
  rank.value = 26;
  rank.out_of = 63;
  Figure change = base("f3", "change", "tăng 3 bậc", s1);
  change.indicator = "PAR_INDEX";
  change.value = 3;
  change.direction = "up";
  change.measure = "rank";
  change.unit = "places";
  change.from_year = 2019;
  Figure count = base("f4", "count", "cắt giảm 120 thủ tục", s2);
  count.value = 120;
  count.object = "procedure";
  count.status = "cut";
  count.level = "province";
  count.year.reset();
  Figure rate = base("f5", "rate", "98,5%", s2);
  rate.value = 98.5;
  rate.object = "dossier";
  rate.status = "on_time";
  rate.year.reset();
  doc.figures = {score, rank, change, count, rate};
  return doc;
}

Figure* FindFigure(Document& doc, const std::string& id) {
  for (Figure& f : doc.figures) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

std::vector<std::string> FigureIds(const Document& doc) {
  std::vector<std::string> ids;
  for (const Figure& f : doc.figures) ids.push_back(f.id);
  return ids;
}

class ValidatorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Status s = Validator::Load(kSchemaPath, &validator_);
    ASSERT_TRUE(s.ok()) << s.message();
  }
  static void TearDownTestSuite() { validator_.reset(); }

  static Json Record(const Document& doc) {
    std::string line;
    AppendJsonLine(doc, &line);
    return Json::parse(line);
  }

  static std::unique_ptr<Validator> validator_;
};

std::unique_ptr<Validator> ValidatorTest::validator_;

TEST_F(ValidatorTest, FullDocumentWithEveryTypeValidates) {
  Document doc = MakeDoc();
  Status s = validator_->Validate(doc);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(FigureIds(doc),
            (std::vector<std::string>{"f1", "f2", "f3", "f4", "f5"}));
  for (const Warning& w : doc.warnings)
    ADD_FAILURE() << w.code << ": " << w.message;
  s = validator_->ValidateRecord(Record(doc));
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST_F(ValidatorTest, ChangeOfCountAndOptionalFieldsValidate) {
  Document doc = MakeDoc();
  Figure& change = *FindFigure(doc, "f3");
  change.measure = "count";
  change.unit = "count";
  change.object = "procedure";
  change.status = "simplified";
  change.scope = "ĐBSCL";
  doc.figures[0].group = "B";
  doc.figures[0].component = "Cải cách thủ tục hành chính";
  doc.figures[0].approx = "about";
  doc.bytes = doc.text;  // adds source_span
  doc.pages = 3;
  doc.figures[0].page = 2;
  doc.format = Format::kPdf;
  Status s = validator_->Validate(doc);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(doc.figures.size(), 5u);
  Json record = Record(doc);
  EXPECT_EQ(record["figures"][2]["status"], "simplified");
  EXPECT_TRUE(record["figures"][0].contains("source_span"));
}

TEST_F(ValidatorTest, ContractExampleFigureValidates) {
  const Json figure = Json::parse(R"({
    "id": "f3",
    "type": "score",
    "indicator": "PAR_INDEX",
    "subject": {"kind": "province", "name": "An Giang", "id": "an-giang"},
    "year": 2020,
    "value": 84.67,
    "unit": "points",
    "scale": 100,
    "approx": null,
    "span": [1893, 1903],
    "text": "84,67 điểm",
    "sentence": "Kết quả Chỉ số CCHC tỉnh An Giang năm 2020 đạt 84,67 điểm, …",
    "page": null,
    "rule": "score.dat_diem",
    "confidence": 0.95
  })");
  Status s = validator_->ValidateFigure(figure);
  EXPECT_TRUE(s.ok()) << s.message();

  Json record = Json::parse(R"({
    "schema": "chiso/1",
    "doc": {
      "id": "002_43a7c8b6404bd8eb.txt",
      "path": "seeds/002_43a7c8b6404bd8eb.txt",
      "sha256": "0000000000000000000000000000000000000000000000000000000000000000",
      "format": "text",
      "encoding": "UTF-8",
      "title": "Công bố Chỉ số hài lòng … An Giang xếp hạng 26/63 tỉnh, thành phố",
      "date": "2021-06-25",
      "subject": {"kind": "province", "name": "An Giang", "id": "an-giang"},
      "pages": null
    },
    "figures": [],
    "warnings": [ {"code": "rank_out_of_unusual", "message": "…", "figure": "f7"} ],
    "error": null
  })");
  record["figures"].push_back(figure);
  s = validator_->ValidateRecord(record);
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST_F(ValidatorTest, ErrorRecordValidates) {
  Document doc;
  doc.id = "broken.pdf";
  doc.path = "in/broken.pdf";
  doc.format = Format::kPdf;
  doc.Fail("unreadable", "permission denied");
  Status s = validator_->Validate(doc);
  EXPECT_TRUE(s.ok()) << s.message();
}

// ---- hard checks: each drops exactly the figure it names ----

struct HardCase {
  std::string name;
  std::string figure;  // which figure to break
  std::function<void(Figure&)> mutate;
  std::string code;
  std::string message_part;  // must appear in the warning
};

class HardCheckTest : public ValidatorTest,
                      public ::testing::WithParamInterface<HardCase> {};

TEST_P(HardCheckTest, DropsOnlyThatFigureWithWarning) {
  const HardCase& c = GetParam();
  Document doc = MakeDoc();
  Figure* target = FindFigure(doc, c.figure);
  ASSERT_NE(target, nullptr);
  c.mutate(*target);
  Status s = validator_->Validate(doc);
  ASSERT_TRUE(s.ok()) << s.message();

  std::vector<std::string> expected = {"f1", "f2", "f3", "f4", "f5"};
  std::erase(expected, c.figure);
  EXPECT_EQ(FigureIds(doc), expected);
  ASSERT_EQ(doc.warnings.size(), 1u);
  const Warning& w = doc.warnings[0];
  EXPECT_EQ(w.code, c.code);
  EXPECT_EQ(w.figure, c.figure);
  EXPECT_NE(w.message.find("figure " + c.figure + " dropped"),
            std::string::npos)
      << w.message;
  EXPECT_NE(w.message.find("(" + c.code + ")"), std::string::npos) << w.message;
  EXPECT_NE(w.message.find(c.message_part), std::string::npos) << w.message;
  // The surviving record is valid.
  EXPECT_TRUE(validator_->ValidateRecord(Record(doc)).ok());
}

const HardCase kHardCases[] = {
    {"RankExceedsOutOf", "f2", [](Figure& f) { f.value = 70; },
     "rank_exceeds_out_of", "rank 70 exceeds out_of 63 (rank_exceeds_out_of)"},
    {"RankZero", "f2", [](Figure& f) { f.value = 0; }, "invalid_rank",
     "rank 0"},
    {"RankFraction", "f2", [](Figure& f) { f.value = 2.5; }, "invalid_rank",
     "rank 2.5"},
    {"ScorePercentOver100", "f1",
     [](Figure& f) {
       f.unit = "percent";
       f.value = 120.5;
     },
     "percent_out_of_range", "score 120.5 percent"},
    {"RateOver100", "f5", [](Figure& f) { f.value = 101; },
     "percent_out_of_range", "rate 101 percent is outside 0..100"},
    {"RateNegative", "f5", [](Figure& f) { f.value = -1; },
     "percent_out_of_range", "rate -1"},
    {"PapiOver80", "f1",
     [](Figure& f) {
       f.indicator = "PAPI";
       f.value = 85.2;
       f.scale = 80;
     },
     "papi_out_of_range", "PAPI score 85.2 points is outside 0..80"},
    {"PapiBefore2018Over60", "f1",
     [](Figure& f) {
       f.indicator = "PAPI";
       f.year = 2016;
       f.value = 65;
       f.scale = 80;
     },
     "papi_out_of_range", "0..60"},
    {"ScoreExceedsScale", "f1", [](Figure& f) { f.value = 105; },
     "score_exceeds_scale", "score 105 exceeds scale 100"},
    {"DtiOnScaleOne", "f1",
     [](Figure& f) {
       f.indicator = "DTI";
       f.scale = 1;
       f.value = 1.5;
     },
     "dti_out_of_range", "DTI score 1.5 on scale 1"},
    {"ScaleZero", "f1", [](Figure& f) { f.scale = 0; }, "invalid_scale",
     "scale 0"},
    {"NegativeScore", "f1", [](Figure& f) { f.value = -2; }, "negative_score",
     "score -2"},
    {"NegativeCount", "f4", [](Figure& f) { f.value = -5; }, "negative_count",
     "count -5 is negative"},
    {"NonIntegerCount", "f4", [](Figure& f) { f.value = 12.5; },
     "non_integer_count", "count 12.5 is not an integer"},
    {"ZeroChange", "f3", [](Figure& f) { f.value = 0; }, "non_positive_change",
     "change 0"},
    {"NegativeChange", "f3", [](Figure& f) { f.value = -3; },
     "non_positive_change", "change -3"},
    {"NaNValue", "f1", [](Figure& f) { f.value = std::nan(""); },
     "non_finite_value", "NaN"},
    {"SpanPastText", "f5", [](Figure& f) { f.span.end = 100000; },
     "span_out_of_range", "span bytes"},
    {"SentencePastText", "f4",
     [](Figure& f) {
       f.sentence = Span{9, 3};
     },
     "sentence_out_of_range", "sentence bytes [9, 3)"},
    // Schema violations, named by pointer inside the figure.
    {"BadTypeEnum", "f1", [](Figure& f) { f.type = "scoer"; },
     "schema_violation",
     "/type: Failed to match against any enum values (got \"scoer\")"},
    {"BadUnit", "f1", [](Figure& f) { f.unit = "kg"; }, "schema_violation",
     "/unit"},
    {"MissingScale", "f1", [](Figure& f) { f.scale.reset(); },
     "schema_violation", "/scale"},
    {"MissingObject", "f5", [](Figure& f) { f.object.clear(); },
     "schema_violation", "/object"},
    {"DossierWithProcedureStatus", "f5", [](Figure& f) { f.status = "cut"; },
     "schema_violation", "/status"},
    {"OtherObjectWithStatus", "f4", [](Figure& f) { f.object = "other"; },
     "schema_violation", "/status"},
    {"BadApprox", "f2", [](Figure& f) { f.approx = "maybe"; },
     "schema_violation", "/approx"},
    {"ConfidenceOverOne", "f3", [](Figure& f) { f.confidence = 1.5; },
     "schema_violation", "/confidence"},
    {"BadDirection", "f3", [](Figure& f) { f.direction = "sideways"; },
     "schema_violation", "/direction"},
    {"BadIndicator", "f2", [](Figure& f) { f.indicator = "GDP"; },
     "schema_violation", "/indicator"},
    {"EmptyRule", "f4", [](Figure& f) { f.rule.clear(); }, "schema_violation",
     "/rule"},
    {"PageZero", "f4", [](Figure& f) { f.page = 0; }, "schema_violation",
     "/page"},
    {"BadLevel", "f4", [](Figure& f) { f.level = "village"; },
     "schema_violation", "/level"},
};

INSTANTIATE_TEST_SUITE_P(All, HardCheckTest, ::testing::ValuesIn(kHardCases),
                         [](const ::testing::TestParamInfo<HardCase>& info) {
                           return info.param.name;
                         });

// ---- soft checks: warn and keep ----

struct SoftCase {
  std::string name;
  std::function<void(Figure&)> mutate;  // applied to f2 (the rank)
  std::string code;                     // "" = no warning expected
  std::string message_part;
};

class SoftCheckTest : public ValidatorTest,
                      public ::testing::WithParamInterface<SoftCase> {};

TEST_P(SoftCheckTest, WarnsAndKeeps) {
  const SoftCase& c = GetParam();
  Document doc = MakeDoc();
  c.mutate(*FindFigure(doc, "f2"));
  Status s = validator_->Validate(doc);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(doc.figures.size(), 5u);
  if (c.code.empty()) {
    for (const Warning& w : doc.warnings)
      ADD_FAILURE() << w.code << ": " << w.message;
    return;
  }
  ASSERT_EQ(doc.warnings.size(), 1u);
  EXPECT_EQ(doc.warnings[0].code, c.code);
  EXPECT_EQ(doc.warnings[0].figure, "f2");
  EXPECT_NE(doc.warnings[0].message.find(c.message_part), std::string::npos)
      << doc.warnings[0].message;
  EXPECT_NE(doc.warnings[0].message.find("(" + c.code + ")"),
            std::string::npos);
}

const SoftCase kSoftCases[] = {
    {"Province63In2020", [](Figure&) {}, "", ""},
    {"Province60In2020", [](Figure& f) { f.out_of = 60; },
     "rank_out_of_unusual",
     "rank out_of 60 is unusual for a province in 2020 (expected 63)"},
    {"Province34In2020", [](Figure& f) { f.out_of = 34; },
     "rank_out_of_unusual", "expected 63"},
    {"Province34In2026",
     [](Figure& f) {
       f.out_of = 34;
       f.year = 2026;
     },
     "", ""},
    {"Province63In2026", [](Figure& f) { f.year = 2026; },
     "rank_out_of_unusual", "expected 34"},
    {"Province34In2025",
     [](Figure& f) {
       f.out_of = 34;
       f.year = 2025;
     },
     "", ""},
    {"Province63In2025", [](Figure& f) { f.year = 2025; }, "", ""},
    {"Ministry18",
     [](Figure& f) {
       f.subject = {SubjectKind::kMinistry, "Bộ Tư pháp", "bo-tu-phap"};
       f.value = 5;
       f.out_of = 18;
     },
     "", ""},
    {"Ministry63",
     [](Figure& f) {
       f.subject = {SubjectKind::kMinistry, "Bộ Tư pháp", "bo-tu-phap"};
     },
     "rank_out_of_unusual", "for a ministry (expected 17..22)"},
    {"Region13",
     [](Figure& f) {
       f.scope = "ĐBSCL";
       f.value = 3;
       f.out_of = 13;
     },
     "", ""},
    {"Region63", [](Figure& f) { f.scope = "ĐBSCL"; }, "rank_out_of_unusual",
     "regional scope \"ĐBSCL\" (expected 5..14)"},
    {"NoOutOf", [](Figure& f) { f.out_of.reset(); }, "", ""},
    {"Year1999", [](Figure& f) { f.year = 1999; }, "year_implausible",
     "year 1999 is implausible (expected 2005..2030)"},
};

INSTANTIATE_TEST_SUITE_P(All, SoftCheckTest, ::testing::ValuesIn(kSoftCases),
                         [](const ::testing::TestParamInfo<SoftCase>& info) {
                           return info.param.name;
                         });

TEST_F(ValidatorTest, FromYearImplausibleWarnsOnChange) {
  Document doc = MakeDoc();
  FindFigure(doc, "f3")->from_year = 2045;
  ASSERT_TRUE(validator_->Validate(doc).ok());
  EXPECT_EQ(doc.figures.size(), 5u);
  ASSERT_EQ(doc.warnings.size(), 1u);
  EXPECT_EQ(doc.warnings[0].code, "year_implausible");
  EXPECT_EQ(doc.warnings[0].figure, "f3");
  EXPECT_NE(doc.warnings[0].message.find("from_year 2045"), std::string::npos);
}

TEST_F(ValidatorTest, SeveralBadFiguresEachGetOneWarning) {
  Document doc = MakeDoc();
  FindFigure(doc, "f2")->value = 99;
  FindFigure(doc, "f4")->value = -1;
  ASSERT_TRUE(validator_->Validate(doc).ok());
  EXPECT_EQ(FigureIds(doc), (std::vector<std::string>{"f1", "f3", "f5"}));
  ASSERT_EQ(doc.warnings.size(), 2u);
  EXPECT_EQ(doc.warnings[0].figure, "f2");
  EXPECT_EQ(doc.warnings[1].figure, "f4");
}

// ---- record-level schema rejections are readable ----

struct RecordCase {
  std::string name;
  std::function<void(Json&)> mutate;
  std::vector<std::string> message_parts;
};

class RecordRejectTest : public ValidatorTest,
                         public ::testing::WithParamInterface<RecordCase> {};

TEST_P(RecordRejectTest, ReadableMessage) {
  Json record = Record(MakeDoc());
  ASSERT_TRUE(validator_->ValidateRecord(record).ok());
  GetParam().mutate(record);
  Status s = validator_->ValidateRecord(record);
  ASSERT_FALSE(s.ok());
  for (const std::string& part : GetParam().message_parts) {
    EXPECT_NE(s.message().find(part), std::string::npos) << s.message();
  }
}

const RecordCase kRecordCases[] = {
    {"WrongTypeEnum",
     [](Json& r) { r["figures"][0]["type"] = "scoer"; },
     {"/figures/0/type", "enum", "\"scoer\""}},
    {"MissingField",
     [](Json& r) { r["figures"][1].erase("rule"); },
     {"/figures/1", "Missing required property 'rule'"}},
    {"SpanOfThree",
     [](Json& r) { r["figures"][0]["span"].push_back(7); },
     {"/figures/0/span", "no more than 2", "[", "7]"}},
    {"NegativeSpan",
     [](Json& r) { r["figures"][0]["span"][0] = -1; },
     {"/figures/0/span/0", "-1"}},
    {"BadDate",
     [](Json& r) { r["doc"]["date"] = "2021-13-01"; },
     {"/doc/date", "\"2021-13-01\""}},
    {"DateNotIso",
     [](Json& r) { r["doc"]["date"] = "25/06/2021"; },
     {"/doc/date"}},
    {"WrongSchemaVersion",
     [](Json& r) { r["schema"] = "chiso/2"; },
     {"/schema", "chiso/2"}},
    {"BadSha", [](Json& r) { r["doc"]["sha256"] = "xyz"; }, {"/doc/sha256"}},
    {"BadFormat",
     [](Json& r) { r["doc"]["format"] = "docx"; },
     {"/doc/format", "docx"}},
    {"MissingDoc",
     [](Json& r) { r.erase("doc"); },
     {"Missing required property 'doc'"}},
    {"WarningCodeNotSnakeCase",
     [](Json& r) {
       r["warnings"] = Json::array(
           {{{"code", "Bad-Code"}, {"message", "x"}, {"figure", nullptr}}});
     },
     {"/warnings/0/code", "Bad-Code"}},
    {"ErrorWithoutCode",
     [](Json& r) {
       r["error"] = {{"message", "x"}};
     },
     {"/error"}},
    {"RankValueFloat",
     [](Json& r) { r["figures"][1]["value"] = 26.5; },
     {"/figures/1/value", "26.5"}},
    {"SubjectKindUnknownWord",
     [](Json& r) { r["figures"][0]["subject"]["kind"] = "city"; },
     {"/figures/0/subject/kind", "city"}},
};

INSTANTIATE_TEST_SUITE_P(All, RecordRejectTest,
                         ::testing::ValuesIn(kRecordCases),
                         [](const ::testing::TestParamInfo<RecordCase>& info) {
                           return info.param.name;
                         });

TEST_F(ValidatorTest, AddedFieldsAreAllowed) {
  Json record = Record(MakeDoc());
  record["doc"]["source"] = "vnexpress";
  record["figures"][0]["note"] = "added later";
  record["extra"] = 1;
  Status s = validator_->ValidateRecord(record);
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST_F(ValidatorTest, UpstreamRecordBugIsReported) {
  Document doc = MakeDoc();
  doc.date = "25/06/2021";
  Status s = validator_->Validate(doc);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(doc.id), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("/doc/date"), std::string::npos) << s.message();
  EXPECT_EQ(doc.figures.size(), 5u);  // figures were fine
}

TEST_F(ValidatorTest, InvalidUtf8TextDoesNotThrow) {
  Document doc = MakeDoc();
  doc.text += " \xC3\x28\xFF";
  FindFigure(doc, "f5")->sentence.end = doc.text.size();
  Status s;
  EXPECT_NO_THROW(s = validator_->Validate(doc));
  EXPECT_EQ(doc.figures.size(), 5u);
}

TEST_F(ValidatorTest, ConcurrentValidateIsSafe) {
  std::vector<std::thread> threads;
  std::vector<int> ok(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([t, &ok] {
      for (int i = 0; i < 20; ++i) {
        Document doc = MakeDoc();
        if (i % 2) FindFigure(doc, "f2")->value = 70;
        if (validator_->Validate(doc).ok() &&
            doc.figures.size() == (i % 2 ? 4u : 5u))
          ++ok[t];
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int n : ok) EXPECT_EQ(n, 20);
}

// ---- Load ----

std::string WriteTemp(const std::string& name, const std::string& content) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << content;
  return path;
}

TEST(ValidatorLoadTest, MissingFileNamesPath) {
  std::unique_ptr<Validator> v;
  Status s = Validator::Load("/nonexistent/dir/chiso1.schema.json", &v);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind("/nonexistent/dir/chiso1.schema.json: ", 0), 0u)
      << s.message();
  EXPECT_EQ(v, nullptr);
}

TEST(ValidatorLoadTest, MalformedJsonNamesPathAndPosition) {
  const std::string path = WriteTemp("chiso_bad_schema.json",
                                     "{\n  \"type\": \"object\",\n  oops\n}");
  std::unique_ptr<Validator> v;
  Status s = Validator::Load(path, &v);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind(path + ": not valid JSON", 0), 0u) << s.message();
  EXPECT_NE(s.message().find("line 3"), std::string::npos) << s.message();
  EXPECT_EQ(v, nullptr);
  std::remove(path.c_str());
}

TEST(ValidatorLoadTest, InvalidSchemaNamesPath) {
  const std::string path = WriteTemp(
      "chiso_invalid_schema.json",
      R"({"type": "object", "definitions": {"figure": {"type": 5}}, "minimum": "x"})");
  std::unique_ptr<Validator> v;
  Status s = Validator::Load(path, &v);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind(path + ": ", 0), 0u) << s.message();
  std::remove(path.c_str());
}

TEST(ValidatorLoadTest, SchemaWithoutFigureDefinitionFails) {
  const std::string path =
      WriteTemp("chiso_nofigure_schema.json", R"({"type": "object"})");
  std::unique_ptr<Validator> v;
  Status s = Validator::Load(path, &v);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("definitions/figure"), std::string::npos)
      << s.message();
  std::remove(path.c_str());
}


// --- checks across the figures of a sentence (warn and keep) ---

Figure LevelCount(const Document& doc, std::string id, double value, std::string level) {
  Figure f;
  f.id = std::move(id);
  f.type = "count";
  f.subject = kAnGiang;
  f.year = 2020;
  f.value = value;
  f.object = "procedure";
  f.level = std::move(level);
  f.span = doc.sentences[1];
  f.span.end = f.span.begin + 4;
  f.sentence = doc.sentences[1];
  f.rule = "test.count";
  f.confidence = 0.9;
  return f;
}

bool HasWarning(const Document& doc, const std::string& code, const std::string& figure) {
  for (const Warning& w : doc.warnings) {
    if (w.code == code && w.figure == figure) return true;
  }
  return false;
}

TEST_F(ValidatorTest, WarnsWhenCountsByLevelExceedTheTotal) {
  Document doc = MakeDoc();
  doc.figures = {LevelCount(doc, "t1", 100, ""), LevelCount(doc, "t2", 80, "province"),
                 LevelCount(doc, "t3", 40, "district")};
  ASSERT_TRUE(validator_->Validate(doc).ok());
  EXPECT_EQ(doc.figures.size(), 3u);
  EXPECT_TRUE(HasWarning(doc, "parts_exceed_total", "t1"));
}

TEST_F(ValidatorTest, NoWarningWhenCountsByLevelFitTheTotal) {
  Document doc = MakeDoc();
  doc.figures = {LevelCount(doc, "t1", 130, ""), LevelCount(doc, "t2", 80, "province"),
                 LevelCount(doc, "t3", 40, "district")};
  ASSERT_TRUE(validator_->Validate(doc).ok());
  EXPECT_FALSE(HasWarning(doc, "parts_exceed_total", "t1"));
}

TEST_F(ValidatorTest, WarnsWhenARateDoesNotMatchItsFraction) {
  Document doc = MakeDoc();
  Figure c = LevelCount(doc, "c1", 50, "");
  c.out_of = 200;
  Figure r = c;
  r.id = "r1";
  r.type = "rate";
  r.out_of.reset();
  r.value = 98.5;
  doc.figures = {c, r};
  ASSERT_TRUE(validator_->Validate(doc).ok());
  EXPECT_TRUE(HasWarning(doc, "rate_arithmetic", "r1"));
  EXPECT_EQ(doc.figures.size(), 2u);

  Document ok = MakeDoc();
  r.value = 25;
  ok.figures = {c, r};
  ASSERT_TRUE(validator_->Validate(ok).ok());
  EXPECT_FALSE(HasWarning(ok, "rate_arithmetic", "r1"));
}


// The fast path (figures checked in code, see Validator::fast_path) must give
// valijson's verdict: the same schema file with one more newline turns it
// off, so two validators compare the fast path with valijson alone.
std::unique_ptr<Validator> ValijsonOnlyValidator() {
  std::ifstream in(kSchemaPath, std::ios::binary);
  std::string schema((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Per process: CTest runs the tests that call this side by side.
  const std::string path =
      WriteTemp("chiso_valijson_only_schema." + std::to_string(::getpid()) + ".json", schema + "\n");
  std::unique_ptr<Validator> v;
  Status s = Validator::Load(path, &v);
  EXPECT_TRUE(s.ok()) << s.message();
  std::remove(path.c_str());
  return v;
}

TEST_F(ValidatorTest, FastPathOnlyForTheSchemaItMirrors) {
  EXPECT_TRUE(validator_->fast_path())
      << "schema/chiso1.schema.json changed: update SchemaAccepts and "
         "kMirroredSchemaSha256 in schema/validator.cc together";
  std::unique_ptr<Validator> other = ValijsonOnlyValidator();
  ASSERT_NE(other, nullptr);
  EXPECT_FALSE(other->fast_path());
}

// Random figures: valid ones with fields replaced by valid and invalid values
// (edge numbers, unknown enums, empty and non-ASCII strings): both validators must
// keep and drop the same figures with the same warnings.
TEST_F(ValidatorTest, FastPathAgreesWithValijsonOnRandomFigures) {
  std::unique_ptr<Validator> slow = ValijsonOnlyValidator();
  ASSERT_NE(slow, nullptr);
  std::mt19937 rng(20261125);
  auto pick = [&](const auto& pool) { return pool[rng() % pool.size()]; };
  const std::vector<std::string> ids = {"f1", "", "\x01", "\xC3\xA9"};
  const std::vector<std::string> types = {"score", "rank", "change", "count", "rate", "", "ratio"};
  const std::vector<std::string> indicators = {"", "PAR_INDEX", "PAPI", "DTI", "OTHER", "par_index"};
  const std::vector<std::string> approxes = {"", "over", "under", "about", "roughly"};
  const std::vector<std::string> units = {"", "percent", "points", "places", "count", "x"};
  const std::vector<std::string> directions = {"", "up", "down", "flat"};
  const std::vector<std::string> measures = {"", "score", "rank", "count", "x"};
  const std::vector<std::string> objects = {"", "procedure", "dossier", "other", "x"};
  const std::vector<std::string> statuses = {"", "total", "cut", "online", "on_time", "pending",
                                             "online_level4", "x"};
  const std::vector<std::string> levels = {"", "province", "district", "commune", "x"};
  const std::vector<std::string> rules = {"r", "", "\xC3\xA9", "table.rank"};
  const std::vector<double> values = {0,    1,     26,    84.67, -3,      0.5,     100, 100.5,
                                      1e-7, 4e-7,  6e-7,  1e300, NAN,     INFINITY, 2.0000001,
                                      9007199254740993.0, 63,  1.0000004};
  const std::vector<double> confidences = {0, 0.9, 1, 1.0000001, 1.0000004, 1.000001, -0.1, -1e-7, NAN};
  const std::vector<std::optional<double>> scales = {std::nullopt, 100, 80, 1, 0, -1, 1e-7, 6e-7, NAN};
  const std::vector<std::optional<int>> ints = {std::nullopt, 63, 34, 1, 0, -2};
  const std::vector<std::optional<int>> pages = {std::nullopt, 1, 2, 0, -1};
  size_t kept = 0, schema_drops = 0;
  for (int round = 0; round < 400; ++round) {
    Document doc = MakeDoc();
    const std::vector<Figure> base = doc.figures;
    doc.figures.clear();
    for (int i = 0; i < 12; ++i) {
      // Each field of a valid figure is replaced with probability 1/4.
      Figure f = pick(base);
      auto maybe = [&](auto& field, const auto& pool) {
        if (rng() % 4 == 0) field = pick(pool);
      };
      maybe(f.id, ids);
      maybe(f.type, types);
      maybe(f.indicator, indicators);
      maybe(f.approx, approxes);
      maybe(f.unit, units);
      maybe(f.direction, directions);
      maybe(f.measure, measures);
      maybe(f.object, objects);
      maybe(f.status, statuses);
      maybe(f.level, levels);
      maybe(f.rule, rules);
      maybe(f.value, values);
      maybe(f.confidence, confidences);
      maybe(f.scale, scales);
      maybe(f.out_of, ints);
      maybe(f.from_year, ints);
      maybe(f.page, pages);
      if (rng() % 4 == 0) f.subject = Subject{};
      doc.figures.push_back(f);
    }
    Document a = doc, b = doc;
    Status sa = validator_->Validate(a);
    Status sb = slow->Validate(b);
    ASSERT_EQ(sa.ok(), sb.ok()) << sa.message() << " / " << sb.message();
    std::string la, lb;
    AppendJsonLine(a, &la);
    AppendJsonLine(b, &lb);
    ASSERT_EQ(la, lb) << "round " << round;
    kept += a.figures.size();
    for (const Warning& w : a.warnings) schema_drops += w.code == "schema_violation";
  }
  // Both verdicts were exercised, many times.
  EXPECT_GT(kept, 200u);
  EXPECT_GT(schema_drops, 200u);
}

// Random records (the document's own fields and warnings; figures are checked
// above): both validators must give the same verdict and the same message.
TEST_F(ValidatorTest, FastPathAgreesWithValijsonOnRandomRecords) {
  std::unique_ptr<Validator> slow = ValijsonOnlyValidator();
  ASSERT_NE(slow, nullptr);
  std::mt19937 rng(20261126);
  auto pick = [&](const auto& pool) { return pool[rng() % pool.size()]; };
  const std::string hex(64, 'a');
  const std::vector<std::string> ids = {"d1", "", "\x01", "\xC3\xA9/x.txt"};
  const std::vector<std::string> shas = {hex, "", "abc", hex.substr(1) + "g", std::string(64, 'F'),
                                         hex + "0"};
  const std::vector<std::string> dates = {"", "2023-01-05", "2023-13-01", "2023-00-10", "2023-02-31",
                                          "2023-12-00", "2023-12-32", "25/06/2021", "2023-1-05",
                                          "2023-01-05\n", "\xEF\xBC\x92" "023-01-05"};
  const std::vector<std::optional<int>> pages = {std::nullopt, 0, 3, -1};
  const std::vector<std::string> codes = {"ok_code", "Bad", "a__b", "_a", "a_", "a1_b2", "", "\xC3\xA9",
                                          "x", "a-b"};
  const std::vector<std::string> error_codes = {"", "read_failed", "\x01"};
  const std::vector<SubjectKind> kinds = {SubjectKind::kNone, SubjectKind::kProvince,
                                          SubjectKind::kNation, SubjectKind::kUnknown};
  size_t ok = 0, rejected = 0;
  for (int round = 0; round < 600; ++round) {
    Document doc = MakeDoc();
    auto maybe = [&](auto& field, const auto& pool) {
      if (rng() % 3 == 0) field = pick(pool);
    };
    maybe(doc.id, ids);
    maybe(doc.sha256, shas);
    maybe(doc.date, dates);
    maybe(doc.pages, pages);
    maybe(doc.subject.kind, kinds);
    for (int i = rng() % 3; i > 0; --i) doc.Warn(pick(codes), "message");
    if (rng() % 4 == 0) doc.Fail(pick(error_codes), "failed");
    Document a = doc, b = doc;
    Status sa = validator_->Validate(a);
    Status sb = slow->Validate(b);
    ASSERT_EQ(sa.ok(), sb.ok()) << "round " << round << ": " << sa.message() << " / " << sb.message();
    ASSERT_EQ(sa.message(), sb.message()) << "round " << round;
    std::string la, lb;
    AppendJsonLine(a, &la);
    AppendJsonLine(b, &lb);
    ASSERT_EQ(la, lb) << "round " << round;
    (sa.ok() ? ok : rejected)++;
  }
  EXPECT_GT(ok, 100u);
  EXPECT_GT(rejected, 100u);
}

}  // namespace
}  // namespace chiso
