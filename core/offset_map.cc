#include "core/offset_map.h"

#include <algorithm>

namespace chiso {

void OffsetMap::Add(size_t dst, size_t src) {
  if (!anchors_.empty()) {
    Anchor& last = anchors_.back();
    if (last.dst == dst) { last.src = static_cast<uint32_t>(src); return; }
    // Redundant anchor: already implied by 1:1 advance from the previous one.
    if (src - last.src == dst - last.dst) return;
  } else if (dst == src) {
    return;
  }
  anchors_.push_back({static_cast<uint32_t>(dst), static_cast<uint32_t>(src)});
}

size_t OffsetMap::ToSource(size_t dst) const {
  auto it = std::upper_bound(anchors_.begin(), anchors_.end(), dst,
                             [](size_t d, const Anchor& a) { return d < a.dst; });
  size_t base_dst = 0, base_src = 0;
  if (it != anchors_.begin()) {
    base_dst = std::prev(it)->dst;
    base_src = std::prev(it)->src;
  }
  size_t src = base_src + (dst - base_dst);
  if (it != anchors_.end()) src = std::min<size_t>(src, it->src);
  return src;
}

OffsetMap OffsetMap::Then(const OffsetMap& inner) const {
  if (inner.identity()) return *this;
  OffsetMap out;
  // Anchors of the composition: ours mapped through inner, plus inner's
  // anchors pulled back into our derived space.
  std::vector<Anchor> points;
  for (const Anchor& a : anchors_) points.push_back({a.dst, 0});
  size_t di = 0;
  for (const Anchor& b : inner.anchors_) {
    // find dst in our space whose source is b.dst (first such)
    while (di < anchors_.size() && anchors_[di].src < b.dst) ++di;
    size_t base_dst = di ? anchors_[di - 1].dst : 0;
    size_t base_src = di ? anchors_[di - 1].src : 0;
    if (b.dst >= base_src) points.push_back({static_cast<uint32_t>(base_dst + (b.dst - base_src)), 0});
  }
  std::sort(points.begin(), points.end(), [](const Anchor& x, const Anchor& y) { return x.dst < y.dst; });
  for (const Anchor& p : points) out.Add(p.dst, inner.ToSource(ToSource(p.dst)));
  return out;
}

}  // namespace chiso
