// OffsetMap: a monotonic map from byte offsets of a derived text (the
// normalized text) back to byte offsets of the text it was derived from (the
// decoded input, or the raw file). Stages that rewrite text record an anchor
// wherever the 1:1 correspondence breaks; between anchors offsets advance
// together. Maps compose, so raw bytes -> decoded -> normalized is one map.
//
// Thread-safety: a value type; const methods are safe to call concurrently.
#ifndef CHISO_CORE_OFFSET_MAP_H_
#define CHISO_CORE_OFFSET_MAP_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace chiso {

class OffsetMap {
 public:
  // The identity map (no anchors).
  OffsetMap() = default;

  // Records that derived offset `dst` corresponds to source offset `src`.
  // REQUIRES: calls in non-decreasing order of both dst and src.
  void Add(size_t dst, size_t src);

  // Source offset for derived offset `dst`: the last anchor at or before
  // `dst`, advanced 1:1, but never past the next anchor's source offset.
  size_t ToSource(size_t dst) const;

  // Returns the map derived -> source-of-source, given `inner`
  // (source -> its own source).
  OffsetMap Then(const OffsetMap& inner) const;

  bool identity() const { return anchors_.empty(); }
  size_t anchor_count() const { return anchors_.size(); }
  void Clear() { anchors_.clear(); }

 private:
  struct Anchor {
    uint32_t dst;
    uint32_t src;
  };
  std::vector<Anchor> anchors_;
};

}  // namespace chiso

#endif  // CHISO_CORE_OFFSET_MAP_H_
