#include "core/document.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "core/swar.h"

namespace chiso {
namespace {
constexpr std::array<std::string_view, 7> kKindNames = {
    "", "province", "ministry", "region", "nation", "aggregate", "unknown"};

inline bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }
}  // namespace

std::string_view SubjectKindName(SubjectKind kind) {
  return kKindNames[static_cast<size_t>(kind)];
}

std::optional<SubjectKind> SubjectKindFromName(std::string_view name) {
  for (size_t i = 1; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == name) return static_cast<SubjectKind>(i);
  }
  return std::nullopt;
}

std::string_view FormatName(Format format) {
  switch (format) {
    case Format::kText: return "text";
    case Format::kHtml: return "html";
    case Format::kPdf: return "pdf";
  }
  return "text";
}

// Code points in [p, p + n): bytes that are not UTF-8 continuation bytes
// (10xxxxxx), counted eight at a time.
size_t CountCodePoints(const char* p, size_t n) {
  size_t cps = 0, i = 0;
  for (; i + 8 <= n; i += 8) {
    const uint64_t x = swar::Load8(p + i);
    const uint64_t continuation = x & ~(x << 1) & swar::kHigh;
    cps += 8 - swar::CountMarked(continuation);
  }
  for (; i < n; ++i) cps += !IsContinuation(static_cast<unsigned char>(p[i]));
  return cps;
}

CodePointIndex::CodePointIndex(std::string_view utf8) : text_(utf8) {
  checkpoints_.reserve(utf8.size() / kStride + 1);
  uint32_t cps = 0;
  for (size_t i = 0; i < utf8.size(); i += kStride) {
    checkpoints_.push_back(cps);
    cps += static_cast<uint32_t>(CountCodePoints(utf8.data() + i, std::min(kStride, utf8.size() - i)));
  }
}

size_t CodePointIndex::CodePoints(size_t byte_offset) const {
  if (byte_offset > text_.size()) byte_offset = text_.size();
  size_t k = byte_offset / kStride;
  if (k >= checkpoints_.size()) k = checkpoints_.empty() ? 0 : checkpoints_.size() - 1;
  size_t cps = checkpoints_.empty() ? 0 : checkpoints_[k];
  const size_t from = k * kStride;
  return byte_offset > from ? cps + CountCodePoints(text_.data() + from, byte_offset - from) : cps;
}

}  // namespace chiso
