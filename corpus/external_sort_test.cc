#include "corpus/external_sort.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace chiso {
namespace {

using Rec = std::pair<std::string, std::string>;

// Random records with many equal keys, so stability is tested too.
std::vector<Rec> Records(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Rec> out;
  for (size_t i = 0; i < n; ++i) {
    std::string key = "k" + std::to_string(rng() % (n / 4 + 1));
    if (rng() % 7 == 0) key.push_back('\0');  // binary-safe keys
    std::string payload = std::to_string(i) + std::string(rng() % 40, 'x');
    out.emplace_back(std::move(key), std::move(payload));
  }
  return out;
}

std::vector<Rec> SortAll(const std::vector<Rec>& in, size_t memory, ExternalSorter* s) {
  for (const Rec& r : in) EXPECT_TRUE(s->Add(r.first, r.second).ok());
  EXPECT_TRUE(s->Sort().ok());
  std::vector<Rec> out;
  std::string_view k, p;
  while (s->Next(&k, &p)) out.emplace_back(std::string(k), std::string(p));
  EXPECT_TRUE(s->status().ok()) << s->status().message() << " at memory " << memory;
  return out;
}

TEST(ExternalSortTest, SortsStablyInMemoryAndThroughRuns) {
  const std::vector<Rec> in = Records(20000, 5);
  std::vector<Rec> want = in;
  std::stable_sort(want.begin(), want.end(),
                   [](const Rec& a, const Rec& b) { return a.first < b.first; });
  // 64 MB: no run; 64 KB: a few dozen runs; 4 KB: hundreds, merged in stages.
  for (size_t memory : {size_t{64} << 20, size_t{64} << 10, size_t{4} << 10}) {
    ExternalSorter s({memory, ""});
    std::vector<Rec> got = SortAll(in, memory, &s);
    ASSERT_EQ(got.size(), want.size()) << memory;
    EXPECT_TRUE(got == want) << "memory " << memory;
    if (memory == (size_t{64} << 20)) {
      EXPECT_EQ(s.runs_written(), 0u);
    }
    if (memory == (size_t{4} << 10)) {
      EXPECT_GT(s.runs_written(), ExternalSorter::kMaxRuns);
    }
    EXPECT_EQ(s.records(), in.size());
  }
}

// Run files are unlinked when created: nothing is left in the directory,
// even while the runs are being merged.
TEST(ExternalSortTest, RunFilesLeaveNothingInTheDirectory) {
  const std::filesystem::path dir = std::filesystem::path(testing::TempDir()) / "chiso_sort_unlinked";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  ExternalSorter s({4 << 10, dir.string()});
  for (const Rec& r : Records(2000, 9)) ASSERT_TRUE(s.Add(r.first, r.second).ok());
  ASSERT_TRUE(s.Sort().ok());
  ASSERT_GT(s.runs_written(), 2u);
  std::string_view k, p;
  ASSERT_TRUE(s.Next(&k, &p));
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  while (s.Next(&k, &p)) {
  }
  EXPECT_TRUE(s.status().ok());
}

TEST(ExternalSortTest, EmptyAndSingle) {
  ExternalSorter empty({1024, ""});
  EXPECT_TRUE(SortAll({}, 1024, &empty).empty());
  ExternalSorter one({1, ""});  // every record its own run
  std::vector<Rec> got = SortAll({{"b", ""}, {"a", "p"}, {"", "e"}}, 1, &one);
  EXPECT_EQ(got, (std::vector<Rec>{{"", "e"}, {"a", "p"}, {"b", ""}}));
}

TEST(ExternalSortTest, UnwritableTempDirIsAnError) {
  ExternalSorter s({16, "/nonexistent/dir"});
  Status st = s.Add("a", std::string(64, 'x'));
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("/nonexistent/dir"), std::string::npos) << st.message();
  EXPECT_FALSE(s.Sort().ok());
  std::string_view k, p;
  EXPECT_FALSE(s.Next(&k, &p));
}

}  // namespace
}  // namespace chiso
