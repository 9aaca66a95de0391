#include "extract/multi_scan.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace chiso {
namespace {

// MatchAnchored gives what the plain anchored call gives, groups included, at
// every start of random texts: long and short rests, patterns small and large
// (both sides of its switch), optional and nested groups, and a pattern that
// must end at the end of the text (its fallback).
TEST(MatchAnchored, SameAsThePlainAnchoredCall) {
  const std::vector<std::string> patterns = {
      "năm\\s+(\\d{4})",
      "(?:^|[^\\d/.,\\p{L}-])(\\d{4})(?:[^\\d/.,%\\p{L}]|$)",
      "(tăng|giảm|tăng thêm)\\s+(?:(trên|hơn)\\s+)?(\\d+(?:,\\d+)?)\\s?(%|điểm)?",
      "((a+)(b*))+c?",
      "(\\d+)\\s*$",
      "(x|xy)(y*)(?:z|$)",
  };
  const std::vector<std::string> pieces = {"năm", " ", "  ", "2021", "12", "tăng", "trên", "giảm",
                                           "tăng thêm", "3,5", "%", "điểm", "a", "b", "c", "x", "y",
                                           "z", ".", "/", "-", "Đ", "\n", "hơn"};
  RE2::Options o;
  o.set_case_sensitive(false);
  std::mt19937 rng(7);
  size_t matched = 0, switched = 0;
  for (const std::string& p : patterns) {
    RE2 re(p, o);
    ASSERT_TRUE(re.ok()) << p;
    const int n = re.NumberOfCapturingGroups() + 1;
    for (int round = 0; round < 300; ++round) {
      std::string text;
      for (int k = static_cast<int>(rng() % (round % 5 == 0 ? 2500 : 60)); k > 0; --k) {
        text += pieces[rng() % pieces.size()];
      }
      for (size_t start = 0; start < text.size(); ++start) {
        std::vector<re2::StringPiece> want(n), got(n);
        const bool w = re.Match(text, start, text.size(), RE2::ANCHOR_START, want.data(), n);
        const bool g = MatchAnchored(re, text, start, got.data(), n);
        ASSERT_EQ(w, g) << p << " @" << start << " in " << text;
        if (!w) continue;
        ++matched;
        const size_t bits = (text.size() - start) * static_cast<size_t>(re.ProgramSize());
        switched += bits > 64 * 1024 && bits < 256 * 1024;
        for (int i = 0; i < n; ++i) {
          ASSERT_EQ(want[i].data(), got[i].data()) << p << " group " << i << " @" << start;
          ASSERT_EQ(want[i].size(), got[i].size()) << p << " group " << i << " @" << start;
        }
      }
    }
  }
  EXPECT_GT(matched, 3000u);
  EXPECT_GT(switched, 500u);  // the two-step path was taken
}

// While one caller compiles the scanner, a caller that may take the other
// path gets nullptr at once; one that asks to wait gets the scanner; no one
// compiles it twice; a scanner that fails to compile is nullptr for all.
TEST(LazyScanner, OthersDoNotWaitForTheCompileUnlessAsked) {
  const std::string a = "năm\\s+(\\d{4})", b = "(\\d+)\\s?%";
  RE2::Options o;
  LazyScanner lazy;
  std::promise<void> started, release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> builds{0};
  auto build = [&] {
    ++builds;
    started.set_value();
    released.wait();  // hold the compile until the others have asked
    return std::make_unique<MultiScanner>(std::vector<const std::string*>{&a, &b}, o);
  };
  std::thread compiler([&] { EXPECT_NE(lazy.Get(false, build), nullptr); });
  started.get_future().wait();
  EXPECT_EQ(lazy.Get(false, build), nullptr);  // compiling elsewhere: not waited for
  std::future<const MultiScanner*> waiter =
      std::async(std::launch::async, [&] { return lazy.Get(true, build); });
  EXPECT_EQ(waiter.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  release.set_value();
  compiler.join();
  const MultiScanner* s = waiter.get();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(lazy.Get(false, build), s);
  EXPECT_EQ(builds.load(), 1);

  const std::string bad = "(";
  o.set_log_errors(false);
  LazyScanner failing;
  auto build_bad = [&] {
    return std::make_unique<MultiScanner>(std::vector<const std::string*>{&bad}, o);
  };
  EXPECT_EQ(failing.Get(false, build_bad), nullptr);
  EXPECT_EQ(failing.Get(false, build_bad), nullptr);
  EXPECT_EQ(failing.Get(true, build_bad), nullptr);
}

// Whatever the number of sets, the patterns that match somewhere are those
// each pattern finds on its own; a rejected pattern is named (the first in
// pattern order, whichever set holds it), and sets that are not ok list every
// pattern.
TEST(PatternSets, SameAsEachPatternOnItsOwn) {
  const std::vector<std::string> patterns = {"năm\\s+(\\d{4})", "(\\d+)\\s*%", "tăng|giảm", "^x", "bậc$",
                                             "(?i)điểm", "\\bsố\\b", "zz+"};
  std::vector<const std::string*> ps;
  for (const std::string& p : patterns) ps.push_back(&p);
  RE2::Options options;
  options.set_log_errors(false);
  const std::vector<std::string> texts = {"", "x năm 2021 tăng 5 bậc", "83,87 % ĐIỂM", "zz", "y số 3", "giảm"};
  for (size_t shards : {1, 2, 3, 8}) {
    PatternSets sets(ps, options, shards);
    ASSERT_TRUE(sets.ok()) << shards;
    EXPECT_EQ(sets.bad(), patterns.size());
    for (const std::string& text : texts) {
      std::vector<int> want, got;
      for (size_t k = 0; k < patterns.size(); ++k) {
        if (RE2::PartialMatch(text, RE2(patterns[k], options))) want.push_back(static_cast<int>(k));
      }
      sets.Matching(text, &got);
      EXPECT_EQ(got, want) << shards << " " << text;
    }
  }
  const std::string bad1 = "(", bad2 = "a)";
  for (size_t shards : {1, 2, 3}) {
    std::vector<const std::string*> with_bad = ps;
    with_bad[5] = &bad2;
    with_bad[2] = &bad1;
    PatternSets sets(with_bad, options, shards);
    EXPECT_FALSE(sets.ok());
    EXPECT_EQ(sets.bad(), 2u) << shards;
    EXPECT_NE(sets.error().find("missing )"), std::string::npos) << sets.error();
    std::vector<int> got;
    sets.Matching("zz", &got);
    EXPECT_EQ(got.size(), patterns.size());
  }
}

}  // namespace
}  // namespace chiso
