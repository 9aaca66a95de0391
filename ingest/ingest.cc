#include "ingest/ingest.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>
#include <filesystem>

#include "core/fold.h"
#include "core/sha256.h"

namespace chiso {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

Format SniffFormat(std::string_view head, std::string_view file_name) {
  size_t i = 0;
  if (head.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  while (i < head.size() && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t')) ++i;
  if (head.substr(0, 5) == "%PDF-") return Format::kPdf;
  std::string lower = FoldVietnamese(head.substr(i, 64));
  if (lower.rfind("<!doctype html", 0) == 0 || lower.rfind("<html", 0) == 0) return Format::kHtml;
  std::string name = FoldVietnamese(file_name);
  if (EndsWith(name, ".pdf") && head.substr(0, 5) == "%PDF-") return Format::kPdf;
  if ((EndsWith(name, ".html") || EndsWith(name, ".htm")) && lower.rfind("<", 0) == 0) return Format::kHtml;
  return Format::kText;
}

void LoadDocument(const std::string& path, const std::string& id, const IngestOptions& options,
                  Document* doc) {
  doc->id = id;
  doc->path = path;
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    doc->Fail("unreadable", path + ": " + ec.message());
    return;
  }
  if (size > options.max_bytes) {
    doc->Fail("too_large", path + ": " + std::to_string(size) + " bytes, over the limit of " +
                               std::to_string(options.max_bytes));
    return;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    doc->Fail("unreadable", path + ": " + std::strerror(errno));
    return;
  }
  doc->bytes.resize(size);
  in.read(doc->bytes.data(), static_cast<std::streamsize>(size));
  doc->bytes.resize(static_cast<size_t>(in.gcount()));
  if (in.bad()) {
    doc->Fail("unreadable", path + ": read error");
    return;
  }
  doc->sha256 = Sha256Hex(doc->bytes);
  doc->format = SniffFormat(std::string_view(doc->bytes).substr(0, 512), path);
}

}  // namespace chiso
