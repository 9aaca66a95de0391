// chiso eval --diff (issue 6): figures gained, lost and changed between runs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "corpus/eval.h"

namespace chiso {
namespace {

using json = nlohmann::json;

json Fig(const char* id, const char* type, double value, int a, int b,
         const char* text, int year = 2023) {
  return {{"id", id},
          {"type", type},
          {"value", value},
          {"span", {a, b}},
          {"text", text},
          {"year", year},
          {"sentence", std::string("Câu có ") + text + "."},
          {"rule", "r." + std::string(type)}};
}

json Rec(const char* id, json figures, json error = nullptr) {
  return {{"schema", "chiso/1"},
          {"doc", {{"id", id}}},
          {"figures", std::move(figures)},
          {"error", error}};
}

TEST(EvalDiff, GainedLostChangedPerDocument) {
  std::vector<json> olds = {
      Rec("a.txt", {Fig("f1", "score", 83.87, 10, 15, "83,87"),
                    Fig("f2", "rank", 26, 30, 35, "26/63"),
                    Fig("f3", "rate", 95, 50, 53, "95%")}),
      Rec("b.txt", {Fig("f1", "count", 120, 5, 8, "120")}),
      Rec("gone.txt", {Fig("f1", "score", 80, 1, 3, "80")}),
  };
  json changed =
      Fig("f2", "rank", 26, 30, 35, "26/63", 2022);  // same span, other year
  std::vector<json> news = {
      // a: f1 unchanged (renumbered), rank changed, rate lost, a change gained.
      Rec("a.txt", {Fig("f9", "score", 83.87, 10, 15, "83,87"), changed,
                    Fig("f4", "change", 2.9, 60, 70, "tăng 2,9")}),
      // b: same span, but another type: lost + gained, not changed.
      Rec("b.txt", {Fig("f1", "rate", 120, 5, 8, "120")}),
      Rec("new.txt", {Fig("f1", "rank", 1, 0, 2, "số 1")}, json{{"code", "x"}}),
  };
  RunDiff d = DiffRuns(olds, news);
  EXPECT_EQ(d.all.unchanged, 1);
  EXPECT_EQ(d.all.changed, 1);
  EXPECT_EQ(d.all.lost, 3);    // a rate, b count, gone score
  EXPECT_EQ(d.all.gained, 3);  // a change, b rate, new rank
  EXPECT_EQ(d.by_type["rank"].changed, 1);
  EXPECT_EQ(d.by_type["rank"].gained, 1);
  EXPECT_EQ(d.by_type["count"].lost, 1);
  EXPECT_EQ(d.by_type["score"].unchanged, 1);
  EXPECT_EQ(d.docs_old, 3);
  EXPECT_EQ(d.docs_new, 3);
  EXPECT_EQ(d.docs_only_old, 1);
  EXPECT_EQ(d.docs_only_new, 1);
  EXPECT_EQ(d.docs_changed, 4);
  const RunDiff::Item* ch = nullptr;
  for (const auto& i : d.items) {
    if (i.kind == "changed") ch = &i;
  }
  ASSERT_NE(ch, nullptr);
  EXPECT_EQ(ch->doc, "a.txt");
  EXPECT_EQ(ch->span, "[30, 35)");
  ASSERT_EQ(ch->fields.size(), 1u);
  EXPECT_EQ(ch->fields[0], "year 2023 -> 2022");
  EXPECT_EQ(ch->sentence, "Câu có 26/63.");
  // Items of a document are in text order.
  std::vector<std::string> a_spans;
  for (const auto& i : d.items) {
    if (i.doc == "a.txt") a_spans.push_back(i.span);
  }
  EXPECT_EQ(a_spans,
            (std::vector<std::string>{"[30, 35)", "[50, 53)", "[60, 70)"}));

  std::string text = FormatDiff(d);
  EXPECT_NE(text.find("year 2023 -> 2022"), std::string::npos);
  EXPECT_NE(text.find("| Câu có 95%."), std::string::npos);
  EXPECT_NE(text.find("gone.txt"), std::string::npos);
  json j = DiffToJson(d);
  EXPECT_EQ(j["summary"]["gained"], 3);
  EXPECT_EQ(j["docs"]["only_new"], 1);
  EXPECT_EQ(j["items"].size(), d.items.size());
}

TEST(EvalDiff, IdenticalRunsHaveNoDifferencesAndDuplicatesPairInOrder) {
  std::vector<json> run = {Rec("a", {Fig("f1", "score", 1, 0, 1, "1"),
                                     Fig("f2", "score", 1, 0, 1, "1")})};
  RunDiff same = DiffRuns(run, run);
  EXPECT_TRUE(same.items.empty());
  EXPECT_EQ(same.all.unchanged, 2);
  EXPECT_EQ(same.docs_changed, 0);
  std::vector<json> fewer = {Rec("a", {Fig("f1", "score", 1, 0, 1, "1")})};
  RunDiff d = DiffRuns(run, fewer);
  EXPECT_EQ(d.all.unchanged, 1);
  EXPECT_EQ(d.all.lost, 1);
}

TEST(EvalDiff, ErrorChangesAndBadFiles) {
  std::vector<json> olds = {Rec("a", json::array())};
  std::vector<json> news = {
      Rec("a", json::array(), json{{"code", "pdf_corrupt"}, {"message", "m"}})};
  RunDiff d = DiffRuns(olds, news);
  ASSERT_EQ(d.items.size(), 1u);
  EXPECT_EQ(d.items[0].kind, "error");
  EXPECT_EQ(d.items[0].old_desc, "none");
  EXPECT_EQ(d.items[0].new_desc, "pdf_corrupt");

  namespace fs = std::filesystem;
  fs::path p = fs::temp_directory_path() /
               ("chiso_diff_" + std::to_string(getpid()) + ".jsonl");
  std::ofstream(p) << Rec("a", json::array()).dump() << "\n{oops\n";
  RunDiff out;
  Status s = DiffRunFiles(p.string(), p.string(), &out);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(":2:"), std::string::npos) << s.message();
  std::ofstream(p, std::ios::trunc)
      << Rec("a", {Fig("f1", "score", 1e300, 0, 1, "1")}).dump() << "\n";
  // A huge span number must not throw.
  std::ofstream q(p.string() + "2");
  json big = Fig("f1", "rate", 2, 0, 1, "2");
  big["span"] = {1e300, 1e301};
  q << Rec("a", {big}).dump() << "\n";
  q.close();
  s = DiffRunFiles(p.string(), p.string() + "2", &out);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(out.all.gained, 1);
  EXPECT_EQ(out.all.lost, 1);
  EXPECT_FALSE(DiffRunFiles("/nonexistent/a.jsonl", p.string(), &out).ok());
  fs::remove(p);
  fs::remove(p.string() + "2");
}

}  // namespace
}  // namespace chiso
