#include "extract/lexicon.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/fold.h"
#include "corpus/gen/generator.h"
#include "extract/scan_text.h"

namespace chiso {
namespace {

const Lexicon& Lex() {
  static const Lexicon* lex = [] {
    std::unique_ptr<Lexicon> l;
    Status s = Lexicon::Load(CHISO_SOURCE_DIR "/extract/lexicon.json", &l);
    EXPECT_TRUE(s.ok()) << s.message();
    return l.release();
  }();
  return *lex;
}

// "begin-end=year/kind" per mention, one a line.
std::string Describe(const std::vector<YearMention>& ms) {
  std::string out;
  for (const YearMention& m : ms) {
    out += std::to_string(m.span.begin) + "-" + std::to_string(m.span.end) + "=" +
           std::to_string(m.year) + "/" + std::to_string(static_cast<int>(m.kind)) + "\n";
  }
  return out;
}

std::string Years(std::string_view text, Lexicon::YearPath path, bool* folded = nullptr) {
  ScanText scan;
  scan.Reset(text);
  if (folded) *folded = scan.folded;
  std::vector<YearMention> ms;
  Lex().FindYears(scan, &ms, path);
  return Describe(ms);
}

// "begin-end=year/kind" for `year` found (first) in `text`.
std::string At(std::string_view text, const char* year, int kind) {
  const size_t b = text.find(year);
  return std::to_string(b) + "-" + std::to_string(b + 4) + "=" + year + "/" + std::to_string(kind) + "\n";
}

TEST(Years, KindsAndSpans) {
  using P = Lexicon::YearPath;
  for (P path : {P::kSinglePass, P::kPerPattern}) {
    // Both years of a period (kind 2), also at offset 0.
    for (const char* t : {"giai đoạn 2016-2020", "2016-2020 là giai đoạn"}) {
      EXPECT_EQ(Years(t, path), At(t, "2016", 2) + At(t, "2020", 2)) << t;
    }
    const char* t = "tăng so với năm 2019.";
    EXPECT_EQ(Years(t, path), At(t, "2019", 1));
    t = "ngày 12/3/2021 và năm 1980";  // a date (3); 1980 is out of range
    EXPECT_EQ(Years(t, path), At(t, "2021", 3));
    t = "năm 2023";
    EXPECT_EQ(Years(t, path), At(t, "2023", 0));
    // A bare year stands between non-letters; Vietnamese letters bound it
    // like ASCII ones (the pattern names \p{Latin}, not \p{L}).
    t = "trong (2022) có";
    EXPECT_EQ(Years(t, path), At(t, "2022", 0));
    for (const char* glued : {"mã ư2022 có", "mã 2022ơ có", "số QĐ2022 và", "Đ2022", "2022Ấ", "x2022 "}) {
      EXPECT_EQ(Years(glued, path), "") << glued;
    }
  }
}

// The one-pass scan (MultiScanner) and each pattern scanning on its own give
// the same mentions, accented and folded: on the corpora, generated documents
// and random splices of year-like fragments.
TEST(Years, SinglePassAndPerPatternAgree) {
  std::vector<std::string> texts;
  for (const char* dir : {"corpus/dev", "corpus/sample", "corpus/holdout"}) {
    for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(CHISO_SOURCE_DIR) / dir)) {
      std::ifstream in(e.path(), std::ios::binary);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      texts.push_back(text);
      texts.push_back(FoldVietnamese(text));
    }
  }
  gen::GenOptions o;
  for (uint64_t seed : {7u, 11u}) {
    o.seed = seed;
    for (int64_t i = 0; i < 150; ++i) {
      gen::GeneratedDoc g;
      gen::GenerateDocument(o, i, &g);
      texts.push_back(g.text);
      if (i % 3 == 0) texts.push_back(FoldVietnamese(g.text));
    }
  }
  const std::vector<std::string> fragments = {
      "năm 2020", "Năm 2021", "giai đoạn 2016-2020", "giai đoạn 2021 - 2025", "thời kỳ 2011-2020",
      "nhiệm kỳ 2020–2025", "so với năm 2019", "so với cùng kỳ năm 2022", "so 2018", "so với 2020",
      "cùng kỳ 2021", "cùng kỳ năm 2023", "12/3/2021", "1.1.2024", "31 - 12 - 2019",
      "ngày 5 tháng 6 năm 2022", "quý II/2022", "quý 4 năm 2020", "tháng 9/2023", "6 tháng đầu năm 2024",
      "3 tháng - 2021", "đến năm 2030", "tầm nhìn đến năm 2045", "kể từ năm 2015", "từ năm 1995",
      "tới năm 2050", "bắt đầu từ năm 1989", "2020", "1990", "2051", "19999", "20201",
      "2020%", "2020/", "/2020", "2020.", ".2020", "2,020", "-2020", "2020-", "A2020", "2020b",
      "Đ2020", "83,87%", "12", "3", "/", "-", ".", ",", ";", "(", ")", "%", " ", "  ", "\n",
      "\t", "tỉnh", "xếp thứ", "so", "với", "năm", "cùng kỳ", "giai đoạn", "ngày", "tháng",
      "quý", "II", "IV", "so sánh với kết quả của năm 2018", "so với kết quả đạt được năm 2017",
  };
  std::mt19937 rng(2026);
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    const int n = 1 + static_cast<int>(rng() % 24);
    for (int k = 0; k < n; ++k) {
      text += fragments[rng() % fragments.size()];
      switch (rng() % 6) {
        case 0: break;
        case 1: text += "\n"; break;
        case 2: text += ", "; break;
        default: text += " "; break;
      }
    }
    texts.push_back(i % 4 == 0 ? FoldVietnamese(text) : text);
  }
  size_t mentions = 0, folded = 0;
  for (const std::string& text : texts) {
    bool is_folded = false;
    std::string single = Years(text, Lexicon::YearPath::kSinglePass, &is_folded);
    std::string per_pattern = Years(text, Lexicon::YearPath::kPerPattern);
    ASSERT_EQ(single, per_pattern) << text.substr(0, 400);
    mentions += std::count(single.begin(), single.end(), '\n');
    folded += is_folded;
  }
  EXPECT_GT(mentions, 5000u);
  EXPECT_GT(folded, 500u);
}

// kAuto from several threads on a fresh lexicon: one thread compiles each
// scanner past the switch while the others keep to the per-pattern path;
// every text gets the per-pattern mentions whichever path it took.
TEST(Years, AutoFromManyThreadsWhileTheScannerCompiles) {
  std::unique_ptr<Lexicon> lex;
  ASSERT_TRUE(Lexicon::Load(CHISO_SOURCE_DIR "/extract/lexicon.json", &lex).ok());
  gen::GenOptions o;
  o.seed = 11;
  std::vector<std::string> texts;
  for (int i = 0; i < 300; ++i) {
    gen::GeneratedDoc g;
    gen::GenerateDocument(o, i, &g);
    texts.push_back(i % 3 == 0 ? FoldVietnamese(g.text) : g.text);
  }
  auto years = [&](const std::string& text, Lexicon::YearPath path) {
    ScanText scan;
    scan.Reset(text);
    std::vector<YearMention> ms;
    lex->FindYears(scan, &ms, path);
    return Describe(ms);
  };
  std::vector<std::string> want;
  for (const std::string& text : texts) want.push_back(years(text, Lexicon::YearPath::kPerPattern));
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (size_t k = 0; k < texts.size(); ++k) {
        const size_t i = (k + static_cast<size_t>(t) * 7) % texts.size();
        mismatches += years(texts[i], Lexicon::YearPath::kAuto) != want[i];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace chiso
