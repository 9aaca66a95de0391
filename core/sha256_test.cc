#include "core/sha256.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>

namespace chiso {
namespace {

TEST(Sha256, FipsVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, BlockBoundaries) {
  // 55, 56 and 64 bytes straddle the padding edge; just check they differ and are stable.
  std::string a(55, 'x'), b(56, 'x'), c(64, 'x');
  EXPECT_NE(Sha256Hex(a), Sha256Hex(b));
  EXPECT_EQ(Sha256Hex(c), Sha256Hex(std::string(64, 'x')));
  EXPECT_EQ(Sha256Hex(c).size(), 64u);
}

// Whichever rounds Sha256Hex uses (the SHA extensions where the CPU has them)
// must agree with the portable ones at every length around the block edges.
TEST(Sha256, SameDigestAsThePortableRounds) {
  std::string data;
  uint32_t x = 2463534242u;
  for (size_t n = 0; n <= 1100; ++n) {
    EXPECT_EQ(Sha256Hex(data), internal::Sha256HexPortable(data)) << n << " bytes";
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    data.push_back(static_cast<char>(x));
  }
  std::printf("sha256: %s rounds\n", internal::Sha256Accelerated() ? "SHA extension" : "portable");
}

}  // namespace
}  // namespace chiso
