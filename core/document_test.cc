#include "core/document.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace chiso {
namespace {

TEST(CodePointIndex, CountsMultiByteCharacters) {
  std::string s = "Hà Giang đạt 83,87%";
  CodePointIndex idx(s);
  EXPECT_EQ(idx.CodePoints(0), 0u);
  EXPECT_EQ(idx.CodePoints(1), 1u);  // after 'H'
  EXPECT_EQ(idx.CodePoints(3), 2u);  // after 'à' (2 bytes)
  EXPECT_EQ(idx.CodePoints(s.size()), 19u);
}

TEST(CodePointIndex, LongTextCrossesCheckpoints) {
  std::string s;
  for (int i = 0; i < 1000; ++i) s += "ệ";  // 3 bytes each
  CodePointIndex idx(s);
  for (size_t k : {0u, 3u, 255u, 256u, 257u, 768u, 2999u, 3000u}) {
    EXPECT_EQ(idx.CodePoints(k), (k + 2) / 3) << k;
  }
}

// Every offset of mixed and invalid UTF-8 (any byte value) against a count
// byte by byte: the index counts eight bytes at a time.
TEST(CodePointIndex, EveryOffsetMatchesAByteCount) {
  std::string s;
  uint32_t x = 88172645u;
  for (int i = 0; i < 1500; ++i) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    s.push_back(static_cast<char>(i % 7 == 0 ? x : (x % 3 ? 0x80 | (x & 0x3F) : x & 0x7F)));
  }
  CodePointIndex idx(s);
  size_t expected = 0;
  for (size_t k = 0; k <= s.size(); ++k) {
    ASSERT_EQ(idx.CodePoints(k), expected) << k;
    if (k < s.size() && (static_cast<unsigned char>(s[k]) & 0xC0) != 0x80) ++expected;
  }
  EXPECT_EQ(idx.CodePoints(s.size() + 10), expected);
}

TEST(SubjectKind, RoundTripsNames) {
  for (auto k : {SubjectKind::kProvince, SubjectKind::kMinistry, SubjectKind::kRegion,
                 SubjectKind::kNation, SubjectKind::kAggregate, SubjectKind::kUnknown}) {
    EXPECT_EQ(SubjectKindFromName(SubjectKindName(k)), k);
  }
  EXPECT_FALSE(SubjectKindFromName("city").has_value());
}

}  // namespace
}  // namespace chiso
