#include "core/document.h"

#include <array>

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

CodePointIndex::CodePointIndex(std::string_view utf8) : text_(utf8) {
  checkpoints_.reserve(utf8.size() / kStride + 1);
  uint32_t cps = 0;
  for (size_t i = 0; i < utf8.size(); ++i) {
    if (i % kStride == 0) checkpoints_.push_back(cps);
    if (!IsContinuation(static_cast<unsigned char>(utf8[i]))) ++cps;
  }
}

size_t CodePointIndex::CodePoints(size_t byte_offset) const {
  if (byte_offset > text_.size()) byte_offset = text_.size();
  size_t k = byte_offset / kStride;
  if (k >= checkpoints_.size()) k = checkpoints_.empty() ? 0 : checkpoints_.size() - 1;
  size_t cps = checkpoints_.empty() ? 0 : checkpoints_[k];
  for (size_t i = k * kStride; i < byte_offset; ++i) {
    if (!IsContinuation(static_cast<unsigned char>(text_[i]))) ++cps;
  }
  return cps;
}

}  // namespace chiso
