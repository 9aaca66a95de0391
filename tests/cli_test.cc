// The command line as a user runs it: exit codes, one record per input file
// whatever goes wrong with it, deterministic output whatever the job count.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "tests/test_support.h"

namespace {

namespace fs = std::filesystem;

using Result = chiso::testing_support::CommandResult;

Result Sh(const std::string& args) { return chiso::testing_support::RunChiso(args); }

// One folder per test: ctest runs the tests of this file in parallel.
fs::path MakeFolder() {
  fs::path dir = fs::temp_directory_path() /
                 ("chiso_cli_test_" + std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
  fs::remove_all(dir);
  fs::create_directories(dir / "sub");
  std::ofstream(dir / "a_good.txt") << "Chỉ số CCHC năm 2022 của tỉnh Bắc Ninh đạt 88,15%, xếp thứ 7/63.\n";
  std::ofstream(dir / "b_empty.txt");
  std::ofstream(dir / "c_binary.txt", std::ios::binary) << std::string("\x00\x01\x02\x00", 4) << "abc";
  std::ofstream(dir / "d_latin.txt", std::ios::binary) << std::string(200, '\xE9');
  std::ofstream(dir / "sub" / "e_nested.txt") << "Năm 2021, toàn tỉnh Lạng Sơn tiếp nhận 45.678 hồ sơ.\n";
  std::ofstream(dir / ".hidden.txt") << "skipped";
  return dir;
}

std::vector<nlohmann::json> Lines(const std::string& s) {
  std::vector<nlohmann::json> v;
  std::istringstream in(s);
  std::string line;
  while (std::getline(in, line)) v.push_back(nlohmann::json::parse(line));
  return v;
}

TEST(Cli, EveryFileGetsOneRecordAndTheRunCompletes) {
  fs::path dir = MakeFolder();
  Result r = Sh("extract " + dir.string());
  EXPECT_EQ(r.code, 0);
  auto recs = Lines(r.out);
  ASSERT_EQ(recs.size(), 5u);  // hidden file skipped
  EXPECT_EQ(recs[0]["doc"]["id"], "a_good.txt");
  EXPECT_TRUE(recs[0]["error"].is_null());
  EXPECT_GE(recs[0]["figures"].size(), 2u);
  EXPECT_EQ(recs[1]["error"]["code"], "empty");
  EXPECT_EQ(recs[2]["error"]["code"], "binary");
  EXPECT_FALSE(recs[3]["error"].is_null() && recs[3]["encoding"] == "UTF-8");
  EXPECT_EQ(recs[4]["doc"]["id"], "sub/e_nested.txt");
  for (const auto& rec : recs) EXPECT_EQ(rec["schema"], "chiso/1");
}

TEST(Cli, StrictExitsOneWhenADocumentFailed) {
  fs::path dir = MakeFolder();
  EXPECT_EQ(Sh("extract --strict " + dir.string()).code, 1);
  EXPECT_EQ(Sh("extract --strict " + (dir / "a_good.txt").string()).code, 0);
}

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(Sh("").code, 2);
  EXPECT_EQ(Sh("frobnicate").code, 2);
  EXPECT_EQ(Sh("extract").code, 2);
  EXPECT_EQ(Sh("extract /nonexistent/chiso").code, 2);
  EXPECT_EQ(Sh("extract --jobs -3 x").code, 2);
  EXPECT_EQ(Sh("eval onlyone.jsonl").code, 2);
}

TEST(Cli, OutputIsTheSameWhateverTheJobCount) {
  std::string corpus = std::string(CHISO_SOURCE_DIR) + "/corpus/dev";
  Result one = Sh("extract --jobs 1 " + corpus);
  Result four = Sh("extract --jobs 4 " + corpus);
  EXPECT_EQ(one.code, 0);
  EXPECT_EQ(one.out, four.out);
  EXPECT_GE(Lines(one.out).size(), 40u);
}

TEST(Cli, WritesOutputFileAndEvalReadsIt) {
  fs::path out = fs::temp_directory_path() / ("chiso_cli_out_" + std::to_string(getpid()) + ".jsonl");
  fs::remove(out);
  std::string sample = std::string(CHISO_SOURCE_DIR) + "/corpus/sample";
  EXPECT_EQ(Sh("extract -o " + out.string() + " " + sample).code, 0);
  ASSERT_TRUE(fs::exists(out));
  EXPECT_FALSE(fs::exists(out.string() + ".tmp"));
  Result eval = Sh("eval --json " + sample + "/gold.jsonl " + out.string());
  EXPECT_EQ(eval.code, 0);
  auto j = nlohmann::json::parse(eval.out);
  EXPECT_TRUE(j.is_object());
  EXPECT_EQ(Sh("eval /nonexistent/gold.jsonl " + out.string()).code, 1);
}

// -o naming a device or a pipe writes to it in place: a temp file renamed over
// /dev/null once replaced the device with a plain file. A FIFO stands in for
// /dev/null here so the test cannot break the machine if the bug returns.
TEST(Cli, OutputToAPipeIsWrittenInPlaceNotRenamedOver) {
  fs::path dir = MakeFolder();
  fs::path fifo = dir / "out.fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::string got;
  std::thread reader([&] {
    std::ifstream in(fifo);
    std::stringstream ss;
    ss << in.rdbuf();
    got = ss.str();
  });
  Result r = Sh("extract -q -o " + fifo.string() + " " + (dir / "a_good.txt").string());
  reader.join();
  EXPECT_EQ(r.code, 0);
  struct stat st {};
  ASSERT_EQ(stat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_FALSE(fs::exists(fifo.string() + ".tmp"));
  ASSERT_EQ(Lines(got).size(), 1u) << got;
  EXPECT_EQ(Sh("extract -q --resume -o " + fifo.string() + " " + (dir / "a_good.txt").string()).code, 2);
}

// extract --consolidate gives the facts `chiso consolidate` gives on the same
// records, whether the records go to a file or to stdout.
TEST(Cli, ExtractConsolidateEqualsConsolidateOnTheOutput) {
  fs::path dir = MakeFolder();
  std::string seeds = std::string(CHISO_SHARED_DIR) + "/corpus/seeds";
  std::string out = (dir / "run.jsonl").string(), facts = (dir / "facts.jsonl").string();
  std::string facts2 = (dir / "facts2.jsonl").string(), facts3 = (dir / "facts3.jsonl").string();
  ASSERT_EQ(Sh("extract -q -o " + out + " --consolidate " + facts + " " + seeds).code, 0);
  ASSERT_EQ(Sh("consolidate -q -o " + facts2 + " " + out).code, 0);
  Result piped = Sh("extract -q --consolidate " + facts3 + " " + seeds);
  ASSERT_EQ(piped.code, 0);
  auto read = [](const std::string& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  std::string a = read(facts);
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, read(facts2));
  EXPECT_EQ(a, read(facts3));
  // With --memory and --temp-dir, to stdout: the same (consolidate_test
  // checks that spilling changes nothing); a missing --temp-dir is refused.
  std::string tmp = (dir / "tmp").string();
  fs::create_directories(tmp);
  Result spilled = Sh("consolidate -q --memory 1 --temp-dir " + tmp + " " + out);
  ASSERT_EQ(spilled.code, 0);
  EXPECT_EQ(spilled.out, a);
  EXPECT_NE(Sh("consolidate -q --memory 1 --temp-dir " + tmp + "/missing " + out).code, 0);
  // The seeds' Hà Giang PAR INDEX disagreement is among the conflicts.
  EXPECT_NE(a.find("\"record\":\"conflict\""), std::string::npos);
  EXPECT_NE(a.find("change_arithmetic"), std::string::npos);
}

}  // namespace
