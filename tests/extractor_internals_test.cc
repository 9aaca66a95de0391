// Shortcuts inside extract/extractor.cc checked against the plain code they
// replace, on generated documents and on adversarial strings.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/document.h"
#include "corpus/gen/generator.h"

namespace chiso::extractor_testing {
size_t CountWordsPlain(std::string_view s, size_t limit);
size_t CountWordsFast(std::string_view s, size_t limit);
std::string FindDatePlain(std::string_view head);
std::string FindDateFast(std::string_view head);
long LowerBoundIndex(const std::vector<Span>& spans, size_t pos);
long LastBeforeIndex(const std::vector<Span>& spans, const std::vector<bool>& accept, size_t lo, size_t hi);
}  // namespace chiso::extractor_testing

namespace chiso {
namespace {

using extractor_testing::CountWordsFast;
using extractor_testing::CountWordsPlain;
using extractor_testing::FindDateFast;
using extractor_testing::FindDatePlain;
using extractor_testing::LastBeforeIndex;
using extractor_testing::LowerBoundIndex;

void ExpectSameCounts(std::string_view s) {
  for (size_t limit : {size_t{0}, size_t{1}, size_t{5}, size_t{6}, size_t{45}, size_t{46}, size_t{1000}}) {
    ASSERT_EQ(CountWordsFast(s, limit), CountWordsPlain(s, limit)) << "limit " << limit << " in \"" << s << "\"";
  }
}

TEST(ExtractorInternals, CountWordsFastMatchesPlainOnGeneratedText) {
  gen::GenOptions o;
  o.seed = 11;
  o.docs = 40;
  size_t checked = 0;
  for (int64_t i = 0; i < o.docs; ++i) {
    gen::GeneratedDoc g;
    gen::GenerateDocument(o, i, &g);
    std::string_view t = g.text;
    // Every line, and every prefix and suffix of the first 400 bytes.
    size_t b = 0;
    for (size_t e = 0; e <= t.size(); ++e) {
      if (e == t.size() || t[e] == '\n') {
        ExpectSameCounts(t.substr(b, e - b));
        ++checked;
        b = e + 1;
      }
    }
    std::string_view head = t.substr(0, 400);
    for (size_t k = 0; k <= head.size(); ++k) {
      ExpectSameCounts(head.substr(0, k));
      ExpectSameCounts(head.substr(k));
      checked += 2;
    }
  }
  EXPECT_GT(checked, 1000u);
}

TEST(ExtractorInternals, CountWordsFastMatchesPlainOnSpaceRuns) {
  // All strings of length 0..14 over {' ', 'a', 0xA0, '!'}: spaces at chunk
  // edges, bytes one bit away from ' ' (0xA0 = ' ' | 0x80, '!' = ' ' + 1).
  const char alphabet[] = {' ', 'a', static_cast<char>(0xA0), '!'};
  for (size_t len = 0; len <= 14; ++len) {
    size_t total = size_t{1} << (2 * len);
    if (len > 10) total = 20000;  // a pseudo-random sample of the longer ones
    uint64_t state = 0x9E3779B97F4A7C15ULL * (len + 1);
    for (size_t code = 0; code < total; ++code) {
      uint64_t c = code;
      if (len > 10) {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17;
        c = state;
      }
      std::string s;
      for (size_t i = 0; i < len; ++i, c >>= 2) s.push_back(alphabet[c & 3]);
      ExpectSameCounts(s);
    }
  }
}

TEST(ExtractorInternals, FindDateFastMatchesPlain) {
  // Generated heads, every prefix of them, and both date forms in either
  // order, adjacent, overlapping the cut, at the very end, in capitals.
  std::vector<std::string> heads = {
      "", "/", "1/2/2020", "x 1/2/2020", "ngày 3 tháng 4 năm 2021", "NGÀY 3 THÁNG 4 NĂM 2021 và 5/6/2022",
      "ngày 3 tháng 4 năm 2021 5/6/2022", "5/6/2022 ngày 3 tháng 4 năm 2021", "ngày 3 tháng 4 năm 20215/6/2022",
      "Ngày 12 tháng 13 năm 2020, 12/11/2020", "ngày  7  tháng  8  năm  1999 / 1/1/2000",
      "ngày 1 tháng 2 năm 2020/3/4/2021", "Hà Nội, ngày 30 tháng 9 năm 2024\n01/10/2024",
      "31/12/2099 ngày 1 tháng 1 năm 2100", "ngày 1 tháng 1 năm 2100 31/12/2099", "3/4/20211 ngày 3 tháng 4 năm 2021"};
  gen::GenOptions o;
  o.seed = 5;
  o.docs = 60;
  for (int64_t i = 0; i < o.docs; ++i) {
    gen::GeneratedDoc g;
    gen::GenerateDocument(o, i, &g);
    heads.push_back(g.text.substr(0, 1500));
  }
  size_t n = heads.size();
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < 16 && j < n; ++j) heads.push_back(heads[i] + " " + heads[j]);
  }
  size_t found = 0;
  for (const std::string& h : heads) {
    for (size_t k = 0; k <= h.size(); k += (k < 80 || h.size() - k < 80) ? 1 : 7) {
      std::string_view p = std::string_view(h).substr(0, k);
      std::string plain = FindDatePlain(p);
      ASSERT_EQ(FindDateFast(p), plain) << "\"" << p << "\"";
      found += !plain.empty();
    }
  }
  EXPECT_GT(found, 100u);
}

// Attribution's searches (branch-free lower bound; LastBefore with one search)
// against std::lower_bound and the two-search LastBefore, on every query over
// sorted spans with repeated starts, empty and nested spans.
TEST(ExtractorInternals, MentionSearchesMatchThePlainOnes) {
  uint64_t state = 7;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<size_t>(state >> 33);
  };
  size_t checked = 0;
  for (size_t n = 0; n <= 40; ++n) {
    for (int trial = 0; trial < 6; ++trial) {
      std::vector<Span> spans;
      size_t begin = next() % 3;
      for (size_t i = 0; i < n; ++i) {
        begin += next() % 3;  // repeats when 0
        spans.push_back({begin, begin + next() % 6});
      }
      std::vector<bool> accept(n);
      for (size_t i = 0; i < n; ++i) accept[i] = next() % 3 == 0 || trial == 0;
      const size_t top = begin + 8;
      for (size_t pos = 0; pos <= top; ++pos) {
        const long want = std::lower_bound(spans.begin(), spans.end(), pos,
                                           [](const Span& s, size_t p) { return s.begin < p; }) -
                          spans.begin();
        ASSERT_EQ(LowerBoundIndex(spans, pos), want) << "n " << n << " pos " << pos;
      }
      for (size_t lo = 0; lo <= top; ++lo) {
        for (size_t hi = 0; hi <= top; ++hi) {
          long want = -1;  // the two-search form it replaced
          if (lo < hi) {
            auto lb = [&](size_t p) {
              return std::lower_bound(spans.begin(), spans.end(), p,
                                      [](const Span& s, size_t q) { return s.begin < q; });
            };
            auto first = lb(lo), it = lb(hi);
            while (it != first) {
              --it;
              if (it->end <= hi && accept[it - spans.begin()]) { want = it - spans.begin(); break; }
            }
          }
          ASSERT_EQ(LastBeforeIndex(spans, accept, lo, hi), want) << "n " << n << " lo " << lo << " hi " << hi;
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 100000u);
}

}  // namespace
}  // namespace chiso
