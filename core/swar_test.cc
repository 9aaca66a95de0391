#include "core/swar.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <string>

#include "core/splitmix64.h"

namespace chiso {
namespace {

// Every byte value at every position of a word whose other bytes are random:
// each mask marks exactly the matching bytes (no borrow into a neighbour).
TEST(Swar, MasksMarkExactlyTheMatchingBytes) {
  uint64_t state = 7;
  for (int v = 0; v < 256; ++v) {
    for (int at = 0; at < 8; ++at) {
      for (int trial = 0; trial < 16; ++trial) {
        char bytes[8];
        const uint64_t r = SplitMix64(&state);
        for (int k = 0; k < 8; ++k) bytes[k] = static_cast<char>(r >> (8 * k));
        bytes[at] = static_cast<char>(v);
        const uint64_t w = swar::Load8(bytes);
        uint64_t high = 0, below20 = 0, below30 = 0, quote = 0, zero = 0;
        for (int k = 0; k < 8; ++k) {
          const auto b = static_cast<unsigned char>(bytes[k]);
          uint64_t bit = 0;
          if constexpr (std::endian::native == std::endian::little) bit = 0x80ull << (8 * k);
          else bit = 0x80ull << (8 * (7 - k));
          if (b >= 0x80) high |= bit;
          if (b < 0x20) below20 |= bit;
          if (b < 0x30) below30 |= bit;
          if (b == '"') quote |= bit;
          if (b == 0) zero |= bit;
        }
        ASSERT_EQ(swar::HighBytes(w), high) << v << " at " << at;
        ASSERT_EQ(swar::BytesBelow(w, 0x20), below20) << v << " at " << at;
        ASSERT_EQ(swar::BytesBelow(w, 0x30), below30) << v << " at " << at;
        ASSERT_EQ(swar::BytesEqual(w, '"'), quote) << v << " at " << at;
        ASSERT_EQ(swar::BytesEqual(w, 0), zero) << v << " at " << at;
        ASSERT_EQ(swar::CountMarked(high), static_cast<size_t>(std::popcount(high)));
        if constexpr (std::endian::native == std::endian::little) {
          if (high != 0) {
            size_t first = 0;
            while (static_cast<unsigned char>(bytes[first]) < 0x80) ++first;
            ASSERT_EQ(swar::FirstMarked(high), first) << v << " at " << at;
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace chiso
