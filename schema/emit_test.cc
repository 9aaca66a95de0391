#include "schema/emit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace chiso {
namespace {

using Json = nlohmann::ordered_json;

constexpr char kText[] =
    "Chỉ số CCHC tỉnh An Giang năm 2020 đạt 84,67 điểm, xếp hạng 26/63 tỉnh, "
    "thành phố. "
    "Tỉnh đã cắt giảm 120 thủ tục hành chính.";

Span Find(const std::string& text, const std::string& needle) {
  size_t pos = text.find(needle);
  EXPECT_NE(pos, std::string::npos) << needle;
  return Span{pos, pos + needle.size()};
}

Document MakeDoc() {
  Document doc;
  doc.id = "002_43a7c8b6404bd8eb.txt";
  doc.path = "seeds/002_43a7c8b6404bd8eb.txt";
  doc.sha256 = std::string(64, 'a');
  doc.encoding = "UTF-8";
  doc.text = kText;
  doc.sentences = {
      Find(doc.text,
           "Chỉ số CCHC tỉnh An Giang năm 2020 đạt 84,67 điểm, xếp hạng "
           "26/63 tỉnh, thành phố."),
      Find(doc.text, "Tỉnh đã cắt giảm 120 thủ tục hành chính.")};
  Figure f;
  f.id = "f1";
  f.type = "score";
  f.indicator = "PAR_INDEX";
  f.subject = {SubjectKind::kProvince, "An Giang", "an-giang"};
  f.year = 2020;
  f.value = 84.67;
  f.unit = "points";
  f.scale = 100;
  f.span = Find(doc.text, "84,67 điểm");
  f.sentence = doc.sentences[0];
  f.rule = "score.dat_diem";
  f.confidence = 0.95;
  doc.figures.push_back(f);
  return doc;
}

TEST(EmitTest, RecordFieldOrderFollowsContract) {
  Json j = ToJson(MakeDoc());
  std::vector<std::string> keys;
  for (auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"schema", "doc", "figures",
                                            "warnings", "error"}));
  keys.clear();
  for (auto& [k, v] : j["doc"].items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"id", "path", "sha256", "format",
                                            "encoding", "title", "date",
                                            "subject", "pages"}));
  EXPECT_EQ(j["schema"], "chiso/1");
  EXPECT_TRUE(j["error"].is_null());
}

TEST(EmitTest, ScoreFigureMatchesContractExample) {
  Document doc = MakeDoc();
  Json f = ToJson(doc)["figures"][0];
  std::vector<std::string> keys;
  for (auto& [k, v] : f.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{
                      "id", "type", "indicator", "component", "subject", "year",
                      "value", "unit", "scale", "approx", "span", "text",
                      "sentence", "page", "rule", "confidence"}));
  EXPECT_EQ(f["text"], "84,67 điểm");
  EXPECT_EQ(f["subject"].dump(),
            R"({"kind":"province","name":"An Giang","id":"an-giang"})");
  EXPECT_EQ(f["scale"].dump(), "100");
  EXPECT_EQ(f["value"].dump(), "84.67");
  EXPECT_TRUE(f["approx"].is_null());
  EXPECT_TRUE(f["page"].is_null());
  EXPECT_TRUE(f["component"].is_null());
  EXPECT_FALSE(f.contains("out_of"));
  EXPECT_FALSE(f.contains("group"));
  EXPECT_FALSE(f.contains("source_span"));  // doc.bytes is empty
}

TEST(EmitTest, SpansAreCodePointsOnVietnameseText) {
  Document doc = MakeDoc();
  Json f = ToJson(doc)["figures"][0];
  // Count code points by hand: the prefix before "84,67 điểm".
  const std::u32string prefix = U"Chỉ số CCHC tỉnh An Giang năm 2020 đạt ";
  const size_t begin = prefix.size();
  const size_t len = std::u32string(U"84,67 điểm").size();
  EXPECT_LT(begin, doc.figures[0].span.begin);  // multi-byte chars precede it
  EXPECT_EQ(f["span"][0], begin);
  EXPECT_EQ(f["span"][1], begin + len);
  EXPECT_EQ(f["sentence"], std::string(doc.Slice(doc.sentences[0])));
}

TEST(EmitTest, IntegralValuesPrintWithoutFraction) {
  Document doc = MakeDoc();
  Figure& f = doc.figures[0];
  f.type = "count";
  f.indicator.clear();
  f.value = 120.0;
  f.object = "procedure";
  f.status = "cut";
  std::string line;
  AppendJsonLine(doc, &line);
  EXPECT_NE(line.find("\"value\":120,"), std::string::npos) << line;
  EXPECT_EQ(line.find("120.0"), std::string::npos);
  EXPECT_EQ(JsonNumber(1000000.0).dump(), "1000000");
  EXPECT_EQ(JsonNumber(1.0).dump(), "1");
  EXPECT_TRUE(JsonNumber(26.0).is_number_integer());
}

TEST(EmitTest, FloatsAreRoundedToSixDecimals) {
  EXPECT_EQ(JsonNumber(83.87).dump(), "83.87");
  EXPECT_EQ(JsonNumber(83.86999999999).dump(), "83.87");
  EXPECT_EQ(JsonNumber(0.1 + 0.2).dump(), "0.3");
  EXPECT_EQ(JsonNumber(42.676).dump(), "42.676");
  EXPECT_EQ(JsonNumber(-3.5).dump(), "-3.5");
  EXPECT_EQ(JsonNumber(2.0000000001).dump(), "2");
  EXPECT_TRUE(JsonNumber(std::nan("")).is_null());
}

TEST(EmitTest, LineEndsWithNewlineAndKeepsUtf8) {
  std::string line;
  AppendJsonLine(MakeDoc(), &line);
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_NE(line.find("84,67 điểm"), std::string::npos);
  EXPECT_EQ(line.find("\\u"), std::string::npos);
  // Appends, does not overwrite.
  AppendJsonLine(MakeDoc(), &line);
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 2);
}

TEST(EmitTest, NullHandling) {
  Document doc = MakeDoc();
  doc.encoding.clear();
  doc.figures[0].subject = Subject{};
  doc.figures[0].year.reset();
  doc.figures[0].indicator.clear();
  doc.Warn("some_code", "message without figure");
  Json j = ToJson(doc);
  EXPECT_TRUE(j["doc"]["subject"].is_null());  // kNone -> null
  EXPECT_TRUE(j["doc"]["encoding"].is_null());
  EXPECT_TRUE(j["doc"]["title"].is_null());
  EXPECT_TRUE(j["doc"]["date"].is_null());
  EXPECT_TRUE(j["doc"]["pages"].is_null());
  EXPECT_EQ(j["figures"][0]["subject"].dump(),
            R"({"kind":"unknown","name":null,"id":null})");
  EXPECT_TRUE(j["figures"][0]["year"].is_null());
  EXPECT_TRUE(j["figures"][0]["indicator"].is_null());
  EXPECT_TRUE(j["warnings"][0]["figure"].is_null());

  doc.subject = {SubjectKind::kProvince, "An Giang", "an-giang"};
  doc.Fail("unreadable", "cannot read");
  j = ToJson(doc);
  EXPECT_EQ(j["doc"]["subject"]["id"], "an-giang");
  EXPECT_EQ(j["error"].dump(),
            R"({"code":"unreadable","message":"cannot read"})");
}

TEST(EmitTest, TypeSpecificFieldsOnly) {
  Document doc = MakeDoc();
  Figure& f = doc.figures[0];
  f.type = "rank";
  f.value = 26;
  f.out_of = 63;
  f.unit.clear();
  f.scale.reset();
  Json j = ToJson(doc)["figures"][0];
  EXPECT_EQ(j["out_of"], 63);
  EXPECT_TRUE(j["scope"].is_null());
  EXPECT_FALSE(j.contains("unit"));
  EXPECT_FALSE(j.contains("scale"));
  EXPECT_FALSE(j.contains("object"));

  f.type = "change";
  f.value = 3;
  f.direction = "up";
  f.measure = "rank";
  f.unit = "places";
  f.from_year = 2019;
  j = ToJson(doc)["figures"][0];
  EXPECT_EQ(j["direction"], "up");
  EXPECT_EQ(j["from_year"], 2019);
  EXPECT_FALSE(j.contains("out_of"));
  EXPECT_FALSE(j.contains("object"));

  f.measure = "count";
  f.unit = "count";
  f.object = "procedure";
  j = ToJson(doc)["figures"][0];
  EXPECT_EQ(j["object"], "procedure");
  EXPECT_TRUE(j["status"].is_null());
  EXPECT_TRUE(j["level"].is_null());
}

TEST(EmitTest, SourceSpanOnlyWithBytes) {
  Document doc = MakeDoc();
  doc.bytes = "\xEF\xBB\xBF" + doc.text;  // BOM stripped by normalize
  doc.source_map.Add(0, 3);
  Json j = ToJson(doc)["figures"][0];
  ASSERT_TRUE(j.contains("source_span"));
  EXPECT_EQ(j["source_span"][0], doc.figures[0].span.begin + 3);
  EXPECT_EQ(j["source_span"][1], doc.figures[0].span.end + 3);
}

TEST(EmitTest, InvalidUtf8DoesNotThrow) {
  Document doc = MakeDoc();
  doc.text = "ab\xC3\x28 84,67 \xFF\xFE điểm";
  doc.figures[0].span = Span{0, doc.text.size()};
  doc.figures[0].sentence = Span{0, doc.text.size()};
  doc.title = "bad \xE1\xBB";
  std::string line;
  EXPECT_NO_THROW(AppendJsonLine(doc, &line));
  EXPECT_NE(line.find("\xEF\xBF\xBD"), std::string::npos);  // U+FFFD
  nlohmann::json parsed;
  EXPECT_NO_THROW(parsed = nlohmann::json::parse(line));
}

TEST(EmitTest, OutOfRangeSpansAreClamped) {
  Document doc = MakeDoc();
  doc.figures[0].span = Span{doc.text.size() - 2, doc.text.size() + 50};
  doc.figures[0].sentence = Span{10, 5};
  Json j;
  EXPECT_NO_THROW(j = ToJson(doc));
  const Json& f = j["figures"][0];
  const size_t code_points =
      std::count_if(doc.text.begin(), doc.text.end(),
                    [](char c) { return (c & 0xC0) != 0x80; });
  EXPECT_EQ(f["span"][1].get<size_t>(), code_points);
  EXPECT_EQ(f["sentence"], "");
}


// AppendJsonLine writes without a DOM; it must write what the DOM dumps.
std::string DomLine(const Document& doc) {
  return ToJson(doc).dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

// Figures of one sentence repeat its text; the line writer checks it once.
// Same sentence twice, plain then not plain, then a different span with the
// same start: each must still be written as the DOM writes it.
TEST(EmitTest, RepeatedSentencesMatchTheDom) {
  Document doc = MakeDoc();
  doc.text = "Tỉnh đạt 84,67% \"điểm\".\nMột\x01 hai.";
  doc.figures.clear();
  const size_t nl = doc.text.find('\n');
  for (Span sentence : {Span{0, nl}, Span{0, nl}, Span{nl + 1, doc.text.size()},
                        Span{nl + 1, doc.text.size()}, Span{0, 10}, Span{0, nl}}) {
    Figure f;
    f.type = "score";
    f.value = 84.67;
    f.span = {9, 15};
    f.sentence = sentence;
    doc.figures.push_back(f);
  }
  std::string line;
  AppendJsonLine(doc, &line);
  EXPECT_EQ(line, DomLine(doc));
}

// Random documents: strings with quotes, backslashes, control bytes, DEL,
// and every kind of malformed UTF-8 (stray continuation, overlong, surrogate,
// above U+10FFFF, truncated); numbers at the edges; every figure type; every
// optional field on and off.
TEST(EmitTest, LineWithoutDomMatchesTheDomOnRandomDocuments) {
  std::mt19937 rng(7);
  const std::vector<std::string> pieces = {
      "a", "Tỉnh", " ", "\"", "\\", "\n", "\t", "\x01", "\x1f", "\x7f", "/", "\x80", "\xC0\xAF",
      "\xC3", "\xE0\x80\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xF0\x9F\x98\x80", "\xEF\xBF\xBD",
      "\xE2\x82", "\xF5", "\xFF", "đạt 84,67%", std::string("\0", 1)};
  auto str = [&](int max) {
    std::string out;
    for (int n = static_cast<int>(rng() % (max + 1)); n > 0; --n) out += pieces[rng() % pieces.size()];
    return out;
  };
  const std::vector<double> numbers = {0, -0.0, 1, 26, 84.67, 0.1 + 0.2, 1e-7, 5e-7, 1e21, -3.25,
                                       1e300, 9007199254740993.0, -9007199254740992.0, NAN, INFINITY};
  const std::vector<std::string> types = {"score", "rank", "change", "count", "rate", "", "x"};
  const std::vector<std::string> measures = {"count", "rank", ""};
  // Half the time an arbitrary double (shortest round-trip digits, exponents).
  std::uniform_real_distribution<double> mantissa(-1, 1);
  auto num = [&] {
    if (rng() % 2) return std::ldexp(mantissa(rng), static_cast<int>(rng() % 200) - 100);
    return numbers[rng() % numbers.size()];
  };
  for (int round = 0; round < 1000; ++round) {
    Document doc = MakeDoc();
    doc.text = str(40);
    doc.id = str(3);
    doc.path = str(3);
    doc.sha256 = rng() % 2 ? str(2) : "";
    doc.encoding = str(1);
    doc.title = str(4);
    doc.date = rng() % 2 ? "2021-06-25" : "";
    doc.format = static_cast<Format>(rng() % 3);
    doc.subject = rng() % 2 ? Subject{SubjectKind::kProvince, str(2), str(1)} : Subject{};
    if (rng() % 2) doc.pages = static_cast<int>(rng() % 5);
    if (rng() % 2) doc.bytes = doc.text;
    doc.figures.clear();
    for (int i = static_cast<int>(rng() % 4); i > 0; --i) {
      Figure f;
      f.id = str(1);
      f.type = types[rng() % types.size()];
      f.indicator = str(1);
      f.component = str(1);
      f.subject = rng() % 2 ? Subject{static_cast<SubjectKind>(rng() % 7), str(2), str(1)} : Subject{};
      if (rng() % 2) f.year = static_cast<int>(rng() % 3000) - 10;
      f.value = num();
      f.unit = str(1);
      if (rng() % 2) f.scale = num();
      f.group = str(1);
      if (rng() % 2) f.out_of = 63;
      f.scope = str(1);
      f.direction = str(1);
      f.measure = measures[rng() % measures.size()];
      if (rng() % 2) f.from_year = 2019;
      f.object = str(1);
      f.status = str(1);
      f.level = str(1);
      f.approx = str(1);
      f.span = {rng() % 50, rng() % 50};
      f.sentence = {rng() % 50, rng() % 60};
      if (rng() % 2) f.page = static_cast<int>(rng() % 3);
      f.rule = str(2);
      f.confidence = num();
      doc.figures.push_back(f);
    }
    doc.warnings.clear();
    for (int i = static_cast<int>(rng() % 3); i > 0; --i) doc.Warn(str(1), str(3), str(1));
    if (rng() % 3 == 0) doc.Fail(str(1), str(3));
    std::string line;
    AppendJsonLine(doc, &line);
    ASSERT_EQ(line, DomLine(doc)) << "round " << round;
  }
}

}  // namespace
}  // namespace chiso
