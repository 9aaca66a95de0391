#include "core/fold.h"

#include <gtest/gtest.h>

namespace chiso {
namespace {

TEST(Fold, StripsDiacriticsAndCase) {
  EXPECT_EQ(FoldVietnamese("Hà Giang"), "ha giang");
  EXPECT_EQ(FoldVietnamese("ĐẮK LẮK"), "dak lak");
  EXPECT_EQ(FoldVietnamese("Khánh Hoà"), FoldVietnamese("Khánh Hòa"));
  EXPECT_EQ(FoldVietnamese("thuỷ"), FoldVietnamese("thủy"));
  EXPECT_NE(FoldVietnamese("Hà Nam"), FoldVietnamese("Hà Nội"));
  EXPECT_EQ(FoldVietnamese("83,87%"), "83,87%");
}

TEST(Fold, DropsCombiningMarksOfNfdInput) {
  EXPECT_EQ(FoldVietnamese("Ha\u0300 Giang"), "ha giang");
}

TEST(Fold, OffsetsMapBackToSource) {
  std::string src = "Tỉnh Đắk Lắk";
  std::string out;
  std::vector<uint32_t> off;
  FoldVietnamese(src, &out, &off);
  ASSERT_EQ(off.size(), out.size() + 1);
  size_t b = out.find("dak");
  ASSERT_NE(b, std::string::npos);
  EXPECT_EQ(src.substr(off[b], off[b + 8] - off[b]), "Đắk Lắk");
}

TEST(Fold, DetectsDiacritics) {
  EXPECT_TRUE(HasVietnameseDiacritics("Hà"));
  EXPECT_TRUE(HasVietnameseDiacritics("đ"));
  EXPECT_FALSE(HasVietnameseDiacritics("Ha Giang 2021"));
}

}  // namespace
}  // namespace chiso
