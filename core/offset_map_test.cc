#include "core/offset_map.h"

#include <gtest/gtest.h>

namespace chiso {
namespace {

TEST(OffsetMap, IdentityByDefault) {
  OffsetMap m;
  EXPECT_TRUE(m.identity());
  EXPECT_EQ(m.ToSource(42), 42u);
}

TEST(OffsetMap, ShrinkingReplacement) {
  // source "a\xC2\xA0b" (NBSP, 2 bytes) -> derived "a b"
  OffsetMap m;
  m.Add(1, 1);
  m.Add(2, 3);
  EXPECT_EQ(m.ToSource(0), 0u);
  EXPECT_EQ(m.ToSource(1), 1u);
  EXPECT_EQ(m.ToSource(2), 3u);
  EXPECT_EQ(m.ToSource(3), 4u);
}

TEST(OffsetMap, DeletionClampsToNextAnchor) {
  // source "ab\xE2\x80\x8B" + "c" (zero-width space removed) -> "abc"
  OffsetMap m;
  m.Add(2, 5);
  EXPECT_EQ(m.ToSource(2), 5u);
  EXPECT_EQ(m.ToSource(3), 6u);
}

TEST(OffsetMap, ComposesWithInnerMap) {
  OffsetMap outer;  // derived "a b" from "a\xC2\xA0b"
  outer.Add(2, 3);
  OffsetMap inner;  // "a\xC2\xA0b" decoded from a 1-byte-per-char source "a\xA0b"
  inner.Add(3, 2);
  OffsetMap both = outer.Then(inner);
  EXPECT_EQ(both.ToSource(0), 0u);
  EXPECT_EQ(both.ToSource(2), 2u);
  EXPECT_EQ(both.ToSource(3), 3u);
}

TEST(OffsetMap, MonotonicOverRandomEdits) {
  OffsetMap m;
  size_t src = 0;
  for (size_t dst = 0; dst < 1000; dst += 7) {
    src += (dst % 3) + 5;
    m.Add(dst, src);
  }
  size_t prev = 0;
  for (size_t d = 0; d < 1000; ++d) {
    size_t s = m.ToSource(d);
    EXPECT_GE(s, prev);
    prev = s;
  }
}

}  // namespace
}  // namespace chiso
