#include "core/fold.h"

#include <gtest/gtest.h>
#include <unicode/uchar.h>

#include <random>
#include <string>
#include <vector>

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

// FoldVietnamese writes into presized buffers; invalid bytes (1 byte in, 3
// out as U+FFFD) make it grow them. Compared with a per-code-point fold.
TEST(Fold, OffsetsAndGrowthMatchPerCodePointFold) {
  const std::string inputs[] = {
      "", "A", "\xFF", "\xFF\xFF\xFF\xFF", "\xFF" "abcdefghijklmnopqrstuvwxyz0123456789",
      "\xFF\xFF" "ABCDEF", "\xC0\x80\xC1\xBF", "\xE1\xBB", "\xE1\xBB" "a", "\xC3" "a",
      "Nguyễn ĐỨC Thọ\xE1\xBB\x87", "\xE1\x80\x80\xDF\xBF", "a\xE1\x80", "Đ\xC3", "\xF0\x9F\x98\x80 x",
      "Ha\u0300 GIANG \xFE", "\xED\xA0\x80", "\u20AC\u0301\u0301",
  };
  for (const std::string& in : inputs) {
    std::string want;
    std::vector<uint32_t> want_off;
    for (size_t pos = 0; pos < in.size();) {
      const size_t start = pos;
      std::string piece(in.substr(pos, 1));
      const char32_t cp = DecodeUtf8(in, &pos);
      if (cp >= 0x300 && cp <= 0x36F) continue;
      std::string one;
      AppendUtf8(cp, &one);
      piece = FoldVietnamese(one);  // one code point: no growth involved
      want += piece;
      want_off.insert(want_off.end(), piece.size(), static_cast<uint32_t>(start));
    }
    want_off.push_back(static_cast<uint32_t>(in.size()));
    std::string out = "stale";
    std::vector<uint32_t> off = {7, 7};
    FoldVietnamese(in, &out, &off);
    EXPECT_EQ(out, want) << in;
    EXPECT_EQ(off, want_off) << in;
    EXPECT_EQ(FoldVietnamese(in), want) << in;
  }
}

// Random bytes (invalid, overlong and truncated UTF-8 among them) against a
// per-code-point fold: ASCII lowercased, marks dropped, a code point decoded
// from several bytes folded alone (an overlong 'A' stays 'A').
TEST(Fold, RandomBytesMatchPerCodePointFold) {
  const std::string pieces[] = {"a", "Z", " ", "đ", "Ầ", "ư", "\u0301", "\u00A0", "\u2013",
                                "\xC1", "\x81", "\xC0", "\xE1", "\xBB", "\x80", "\xE0",
                                "\xF0", "\xFF", "9", "ễ", "İ", "Ⱥ", "\xED\xA0\x80"};
  uint32_t seed = 2026;
  auto next = [&seed] { return seed = seed * 1103515245u + 12345u; };
  for (int round = 0; round < 5000; ++round) {
    std::string in;
    for (int len = next() % 40; len > 0; --len) {
      if (next() % 4 == 0) {
        in.push_back(static_cast<char>(next() >> 16));
      } else {
        in += pieces[(next() >> 8) % (sizeof pieces / sizeof pieces[0])];
      }
    }
    std::string want;
    std::vector<uint32_t> want_off;
    for (size_t pos = 0; pos < in.size();) {
      const size_t start = pos;
      const bool ascii = static_cast<unsigned char>(in[pos]) < 0x80;
      const char32_t cp = DecodeUtf8(in, &pos);
      if (cp >= 0x300 && cp <= 0x36F) continue;
      std::string piece;
      if (ascii) {
        piece = FoldVietnamese(in.substr(start, 1));
      } else if (cp < 0x80) {
        piece = std::string(1, static_cast<char>(cp));
      } else {
        AppendUtf8(cp, &piece);
        piece = FoldVietnamese(piece);
      }
      want += piece;
      want_off.insert(want_off.end(), piece.size(), static_cast<uint32_t>(start));
    }
    want_off.push_back(static_cast<uint32_t>(in.size()));
    std::string out;
    std::vector<uint32_t> off;
    FoldVietnamese(in, &out, &off);
    ASSERT_EQ(out, want) << round;
    ASSERT_EQ(off, want_off) << round;
    ASSERT_EQ(FoldVietnamese(in), want) << round;
  }
}

// LowerKeepingMarks writes through a pointer into a reused buffer; against
// a plain per-code-point lowering, on random bytes (invalid UTF-8 becomes
// U+FFFD, 1 byte in and 3 out), with and without collapsing spaces, the
// buffer reused from a longer or a shorter previous result.
TEST(Fold, LowerKeepingMarksMatchesPerCodePointLowering) {
  auto plain = [](std::string_view s, bool collapse) {
    std::string out;
    size_t pos = 0;
    while (pos < s.size()) {
      char32_t cp = DecodeUtf8(s, &pos);
      if (collapse && cp == ' ' && !out.empty() && out.back() == ' ') continue;
      AppendUtf8(static_cast<char32_t>(u_tolower(static_cast<UChar32>(cp))), &out);
    }
    return out;
  };
  const std::vector<std::string> pieces = {"A", "z", " ", "  ", "Đ", "Ắ", "Ư", "ǅ", "Ⱥ", "\xFF", "\x80",
                                           "\xC3", "\xE1\xBB", "\xF0\x9F\x98\x80", "İ", "Σ", "1,5%"};
  std::mt19937 rng(5);
  std::string reused;
  for (int i = 0; i < 5000; ++i) {
    std::string s;
    for (int k = static_cast<int>(rng() % 12); k > 0; --k) s += pieces[rng() % pieces.size()];
    for (bool collapse : {false, true}) {
      LowerKeepingMarks(s, collapse, &reused);
      ASSERT_EQ(reused, plain(s, collapse)) << "'" << s << "' collapse " << collapse;
      ASSERT_EQ(LowerKeepingMarks(s, collapse), reused);
    }
  }
}

TEST(Fold, DetectsDiacritics) {
  EXPECT_TRUE(HasVietnameseDiacritics("Hà"));
  EXPECT_TRUE(HasVietnameseDiacritics("đ"));
  EXPECT_FALSE(HasVietnameseDiacritics("Ha Giang 2021"));
}

}  // namespace
}  // namespace chiso
