#include "core/document.h"

#include <gtest/gtest.h>

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

TEST(SubjectKind, RoundTripsNames) {
  for (auto k : {SubjectKind::kProvince, SubjectKind::kMinistry, SubjectKind::kRegion,
                 SubjectKind::kNation, SubjectKind::kAggregate, SubjectKind::kUnknown}) {
    EXPECT_EQ(SubjectKindFromName(SubjectKindName(k)), k);
  }
  EXPECT_FALSE(SubjectKindFromName("city").has_value());
}

}  // namespace
}  // namespace chiso
