// Eight bytes at a time (SWAR): the word tests the byte scans share (emit,
// decode, numbers, sentences, the extractor's word count, CountCodePoints). Plain
// 64-bit arithmetic, no intrinsics. Every mask has 0x80 in exactly the bytes
// that match: no borrow or carry crosses into a neighbour byte, so the
// lowest marked byte is the first match (FirstMarked).
#ifndef CHISO_CORE_SWAR_H_
#define CHISO_CORE_SWAR_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace chiso::swar {

constexpr uint64_t kHigh = 0x8080808080808080ull;  // bit 7 of every byte
constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7Full;

constexpr uint64_t Broadcast(uint8_t b) { return 0x0101010101010101ull * b; }

inline uint64_t Load8(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// 0x80 in each byte >= 0x80.
constexpr uint64_t HighBytes(uint64_t w) { return w & kHigh; }

// 0x80 in each byte below `b` (1 <= b <= 0x80); bytes >= 0x80 are not marked.
// (w & kLow7) + (0x80 - b) sets bit 7 exactly when the byte is >= b and stays
// below 0x100, so nothing carries.
constexpr uint64_t BytesBelow(uint64_t w, uint8_t b) {
  return ~(((w & kLow7) + Broadcast(static_cast<uint8_t>(0x80 - b))) | w) & kHigh;
}

// 0x80 in each byte equal to `b` (b < 0x80).
constexpr uint64_t BytesEqual(uint64_t w, uint8_t b) {
  const uint64_t x = w ^ Broadcast(b);
  return ~(((x & kLow7) + kLow7) | x) & kHigh;
}

// Offset of the first marked byte of Load8's word. REQUIRES: mask != 0, a
// little-endian machine (callers fall back to their byte loop elsewhere).
inline size_t FirstMarked(uint64_t mask) {
  return static_cast<size_t>(std::countr_zero(mask)) / 8;
}

// How many bytes are marked: a multiply, not popcount (a libgcc call
// without -mpopcnt).
constexpr size_t CountMarked(uint64_t mask) {
  return static_cast<size_t>(((mask >> 7) * 0x0101010101010101ull) >> 56);
}

}  // namespace chiso::swar

#endif  // CHISO_CORE_SWAR_H_
