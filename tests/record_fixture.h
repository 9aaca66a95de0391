// chiso/1 records for the sink tests (SQLite in batch_test, PostgreSQL in
// pg_sink_test): one fixture, so both databases are checked on the same rows.
#ifndef CHISO_TESTS_RECORD_FIXTURE_H_
#define CHISO_TESTS_RECORD_FIXTURE_H_

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace chiso::testing_support {

using nlohmann::json;

inline json Fig(const std::string& id, const std::string& type, const char* indicator, const char* province,
         int year, double value, const char* component = nullptr) {
  json f = {{"id", id},
            {"type", type},
            {"indicator", indicator ? json(indicator) : json()},
            {"component", component ? json(component) : json()},
            {"subject", {{"kind", "province"}, {"name", province}, {"id", province}}},
            {"year", year},
            {"value", value},
            {"approx", nullptr},
            {"span", {10, 20}},
            {"source_span", {12, 22}},
            {"text", std::to_string(value)},
            {"sentence", std::string("Câu về ") + province + "\tvới tab\nvà \\ xuống dòng"},
            {"page", nullptr},
            {"rule", "test.rule"},
            {"confidence", 0.9}};
  if (type == "score") {
    f["unit"] = "percent";
    f["scale"] = 100;
  }
  if (type == "rank") {
    f["out_of"] = 63;
    f["scope"] = nullptr;
  }
  return f;
}

inline json Rec(const std::string& id, const std::string& sha, json figures) {
  return {{"schema", "chiso/1"},
          {"doc",
           {{"id", id}, {"path", "x/" + id}, {"sha256", sha}, {"format", "text"},
            {"encoding", "UTF-8"}, {"title", "Bài " + id}, {"date", "2024-05-01"},
            {"subject", nullptr}, {"pages", nullptr}}},
          {"figures", std::move(figures)},
          {"warnings", json::array({{{"code", "w"}, {"message", "m"}, {"figure", "f1"}}})},
          {"error", nullptr}};
}

// Three readable documents (two disagreeing on An Giang's 2023 PAR INDEX)
// and one failed one.
inline void WriteFixture(const std::filesystem::path& p) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << Rec("a.txt", "aaaa",
             {Fig("f1", "score", "PAR_INDEX", "An Giang", 2023, 88.5),
              Fig("f2", "rank", "PAR_INDEX", "An Giang", 2023, 12),
              Fig("f3", "score", "PAR_INDEX", "An Giang", 2023, 9.1, "Cải cách thủ tục hành chính"),
              Fig("f4", "score", "PAR_INDEX", "An Giang", 2022, 85.0)})
             .dump()
      << "\n";
  out << Rec("b.txt", "bbbb",
             {Fig("f1", "score", "SIPAS", "Bắc Ninh", 2023, 84.0),
              Fig("f2", "score", "PAR_INDEX", "Bắc Ninh", 2023, 91.25)})
             .dump()
      << "\n";
  json failed = Rec("c.txt", "", json::array());
  failed["error"] = {{"code", "empty"}, {"message", "no bytes"}};
  failed["warnings"] = json::array();
  out << failed.dump() << "\n";
  out << Rec("d.txt", "dddd", {Fig("f1", "score", "PAR_INDEX", "An Giang", 2023, 80.1)}).dump() << "\n";
}

}  // namespace chiso::testing_support

#endif  // CHISO_TESTS_RECORD_FIXTURE_H_
