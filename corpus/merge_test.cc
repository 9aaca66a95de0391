// chiso merge (issue 10): shard outputs merged into one run's output, and
// every way the shards can be wrong refused without touching the output.
#include "corpus/merge.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "corpus/batch.h"

namespace {

namespace fs = std::filesystem;

std::string Record(const std::string& id) {
  return R"({"schema":"chiso/1","doc":{"id":")" + id + R"(","sha256":"s-)" + id +
         R"("},"figures":[{"id":"f1","value":)" + std::to_string(id.size()) + "}]}\n";
}

class MergeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("chiso_merge_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& content) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  std::string Records(const std::vector<std::string>& ids) {
    std::string s;
    for (const auto& id : ids) s += Record(id);
    return s;
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::string Out() const { return (dir_ / "out.jsonl").string(); }

  // The ids doc-0000 ... doc-(count-1), split into n shards by ShardHash,
  // each sorted, as `chiso extract --shard K/n` writes them.
  std::vector<std::vector<std::string>> Split(int count, uint64_t n, std::vector<std::string>* all) {
    std::vector<std::vector<std::string>> shards(n);
    for (int i = 0; i < count; ++i) {
      char id[32];
      std::snprintf(id, sizeof id, "doc-%04d.txt", i);
      all->push_back(id);
      shards[chiso::ShardHash(id) % n].push_back(id);
    }
    return shards;
  }

  fs::path dir_;
};

TEST_F(MergeTest, ShardsMergeIntoTheSingleRunBytes) {
  std::vector<std::string> all;
  auto shards = Split(300, 4, &all);
  std::vector<std::string> inputs;
  // Shuffled argument order: the result must not depend on it.
  for (uint64_t k : {2, 0, 3, 1}) {
    ASSERT_FALSE(shards[k].empty());
    inputs.push_back(Write("shard-" + std::to_string(k) + ".jsonl", Records(shards[k])));
  }
  chiso::MergeOptions options;
  options.shards = 4;
  options.expected_ids = &all;
  chiso::MergeStats stats;
  chiso::Status s = chiso::MergeShards(inputs, Out(), options, &stats);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(Read(Out()), Records(all));
  EXPECT_EQ(stats.records, 300u);
  EXPECT_EQ(stats.input_shard, (std::vector<int64_t>{2, 0, 3, 1}));
  EXPECT_EQ(stats.input_records[1], shards[0].size());
  EXPECT_FALSE(fs::exists(Out() + ".tmp"));
}

TEST_F(MergeTest, WithoutShardCheckAnyDisjointSortedInputsMerge) {
  std::vector<std::string> inputs = {Write("a", Records({"a", "d", "e"})), Write("b", Records({"b", "c", "f"})),
                                     Write("c", "")};
  chiso::MergeStats stats;
  ASSERT_TRUE(chiso::MergeShards(inputs, Out(), {}, &stats).ok());
  EXPECT_EQ(Read(Out()), Records({"a", "b", "c", "d", "e", "f"}));
  EXPECT_EQ(stats.input_shard, (std::vector<int64_t>{-1, -1, -1}));
}

TEST_F(MergeTest, EmptyShardTakesTheMissingK) {
  // 3 ids over 8 shards: at least five shards are empty files.
  std::vector<std::string> all;
  auto shards = Split(3, 8, &all);
  std::vector<std::string> inputs;
  for (uint64_t k = 0; k < 8; ++k) {
    inputs.push_back(Write("s" + std::to_string(k), Records(shards[k])));
  }
  chiso::MergeOptions options;
  options.shards = 8;
  chiso::MergeStats stats;
  chiso::Status s = chiso::MergeShards(inputs, Out(), options, &stats);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(Read(Out()), Records(all));
}

// Every refusal: the inputs, the options, a word the message must hold.
struct Refusal {
  const char* name;
  std::vector<std::string> contents;  // one per input
  uint64_t shards;
  const char* message;
};

TEST_F(MergeTest, RefusesBadInputsAndLeavesTheOutputAlone) {
  std::vector<std::string> all;
  auto s4 = Split(200, 4, &all);
  auto recs = [&](const std::vector<std::string>& ids) { return Records(ids); };
  std::vector<std::string> s0_plus_s1 = s4[0];
  s0_plus_s1.insert(s0_plus_s1.end(), s4[1].begin(), s4[1].end());
  std::sort(s0_plus_s1.begin(), s0_plus_s1.end());
  // Shard 0's ids below shard 2's last one, then that one.
  std::vector<std::string> s0_with_one_of_s2;
  for (const auto& id : s4[0]) {
    if (id < s4[2].back()) s0_with_one_of_s2.push_back(id);
  }
  s0_with_one_of_s2.push_back(s4[2].back());
  std::string torn = recs({"a", "b"});
  torn.pop_back();

  const std::vector<Refusal> cases = {
      {"unsorted", {recs({"b", "a"})}, 0, "not sorted"},
      {"repeated id in one input", {recs({"a", "a"})}, 0, "appears twice"},
      {"torn last line", {torn}, 0, "torn last line"},
      {"not json", {"{\"doc\":\n"}, 0, "not a chiso/1 record"},
      {"no doc id", {"{\"doc\":{}}\n"}, 0, "no doc.id"},
      {"empty line", {"\n"}, 0, "not a chiso/1 record"},
      {"overlap", {recs({"a", "b"}), recs({"b", "c"})}, 0, "in both"},
      {"missing shard", {recs(s4[0]), recs(s4[1]), recs(s4[3])}, 4, "missing shard(s) 2/4 (3 inputs for 4"},
      {"missing shards, one empty input", {recs(s4[3]), recs(s4[1]), ""}, 4, "missing shard(s) 0/4, 2/4"},
      {"N of the merge disagrees (more)", {recs(s4[0]), recs(s4[1]), recs(s4[2]), recs(s4[3])}, 3,
       "4 inputs given for --shards 3"},
      {"N of the merge disagrees (hash)", {recs(s4[0]), recs(s4[2])}, 2, "both hold shard 0/2"},
      {"one input holds two shards", {recs(s0_plus_s1), recs(s4[2]), recs(s4[3]), ""}, 4, "is in shard"},
      {"stray record of another shard",
       {recs(s0_with_one_of_s2), recs(s4[1]), recs(s4[2]), recs(s4[3])}, 4, "is in shard 2/4"},
      {"same shard twice", {recs(s4[0]), recs(s4[0]), recs(s4[2]), recs(s4[3])}, 4, "both hold shard 0/4"},
  };
  for (const Refusal& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string before = "previous merge\n";
    Write("out.jsonl", before);
    std::vector<std::string> inputs;
    for (size_t i = 0; i < c.contents.size(); ++i) {
      inputs.push_back(Write("in" + std::to_string(i) + ".jsonl", c.contents[i]));
    }
    std::vector<std::string> kept;
    for (const auto& p : inputs) kept.push_back(Read(p));
    chiso::MergeOptions options;
    options.shards = c.shards;
    chiso::MergeStats stats;
    chiso::Status s = chiso::MergeShards(inputs, Out(), options, &stats);
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(stats.refused);
    EXPECT_NE(s.message().find(c.message), std::string::npos) << s.message();
    EXPECT_EQ(Read(Out()), before);
    EXPECT_FALSE(fs::exists(Out() + ".tmp"));
    for (size_t i = 0; i < inputs.size(); ++i) EXPECT_EQ(Read(inputs[i]), kept[i]);
  }
}

TEST_F(MergeTest, ExpectedIdsCatchMissingAndExtraDocuments) {
  std::vector<std::string> expected = {"a", "b", "c", "d"};
  chiso::MergeOptions options;
  options.expected_ids = &expected;
  chiso::MergeStats stats;
  chiso::Status s = chiso::MergeShards({Write("x", Records({"a", "c", "e"}))}, Out(), options, &stats);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(stats.refused);
  EXPECT_NE(s.message().find("2 listed document(s) have no record (first: 'b')"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("1 record(s) are not in the list (first: 'e')"), std::string::npos)
      << s.message();
  EXPECT_FALSE(fs::exists(Out()));
}

// Shards 0/4 and 1/4 look exactly like 0/2 and 1/2 (h % 4 == 1 implies
// h % 2 == 1): only the list of inputs can tell that half is missing.
TEST_F(MergeTest, ExpectedIdsCatchShardsOfASmallerN) {
  std::vector<std::string> all;
  auto s4 = Split(200, 4, &all);
  chiso::MergeOptions options;
  options.shards = 2;
  chiso::MergeStats stats;
  std::vector<std::string> inputs = {Write("s0", Records(s4[0])), Write("s1", Records(s4[1]))};
  ASSERT_TRUE(chiso::MergeShards(inputs, Out(), options, &stats).ok());
  options.expected_ids = &all;
  chiso::Status s = chiso::MergeShards(inputs, Out(), options, &stats);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(stats.refused);
  EXPECT_NE(s.message().find(std::to_string(s4[2].size() + s4[3].size()) + " listed document(s) have no record"),
            std::string::npos)
      << s.message();
}

TEST_F(MergeTest, MissingInputIsAnErrorNotARefusal) {
  chiso::MergeStats stats;
  chiso::Status s = chiso::MergeShards({(dir_ / "nope.jsonl").string()}, Out(), {}, &stats);
  ASSERT_FALSE(s.ok());
  EXPECT_FALSE(stats.refused);
  EXPECT_NE(s.message().find("cannot read"), std::string::npos);
  EXPECT_FALSE(fs::exists(Out()));
}

TEST_F(MergeTest, OutputMayReplaceOneOfTheInputs) {
  std::string a = Write("a", Records({"a", "c"}));
  std::string b = Write("b", Records({"b"}));
  chiso::MergeStats stats;
  ASSERT_TRUE(chiso::MergeShards({a, b}, a, {}, &stats).ok());
  EXPECT_EQ(Read(a), Records({"a", "b", "c"}));
}

}  // namespace
