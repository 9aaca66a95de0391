// splitmix64 (Steele, Lea, Flood 2014): a small, fully specified generator,
// so a seed gives the same numbers on every platform and standard library.
// Used where output must be reproducible from a seed (corpus/gen, review
// samples).
#ifndef CHISO_CORE_SPLITMIX64_H_
#define CHISO_CORE_SPLITMIX64_H_

#include <cstdint>

namespace chiso {

// Advances *state and returns the next 64 random bits.
inline uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace chiso

#endif  // CHISO_CORE_SPLITMIX64_H_
