#include "ingest/ingest.h"

#include <sys/stat.h>

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
  // What the file was before the read, to notice it changing during it.
  struct stat before {};
  if (::stat(path.c_str(), &before) != 0) {
    doc->Fail(errno == ENOENT ? "vanished" : "unreadable", path + ": " + std::strerror(errno));
    return;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    doc->Fail(errno == ENOENT ? "vanished" : "unreadable", path + ": " + std::strerror(errno));
    return;
  }
  doc->bytes.resize(size);
  in.read(doc->bytes.data(), static_cast<std::streamsize>(size));
  doc->bytes.resize(static_cast<size_t>(in.gcount()));
  if (in.bad()) {
    doc->Fail("unreadable", path + ": read error");
    return;
  }
  // A file appended to, rewritten, replaced or deleted while it was read
  // may have given a mix of two versions: an error record is better than
  // figures from bytes that never existed. Rerunning picks it up again.
  char more;
  const bool grew = doc->bytes.size() == size && in.read(&more, 1).gcount() == 1;
  struct stat after {};
  if (::stat(path.c_str(), &after) != 0) {
    const int err = errno;
    doc->bytes.clear();
    doc->Fail(err == ENOENT ? "vanished" : "unreadable",
              path + (err == ENOENT ? ": deleted while being read" : ": " + std::string(std::strerror(err))));
    return;
  }
  if (grew || doc->bytes.size() != size || after.st_size != before.st_size ||
      after.st_ino != before.st_ino || after.st_dev != before.st_dev ||
      after.st_mtim.tv_sec != before.st_mtim.tv_sec || after.st_mtim.tv_nsec != before.st_mtim.tv_nsec) {
    doc->Fail("changed", path + ": changed while being read (" + std::to_string(size) + " bytes, then " +
                             std::to_string(after.st_size) + ")");
    doc->bytes.clear();
    return;
  }
  doc->sha256 = Sha256Hex(doc->bytes);
  doc->format = SniffFormat(std::string_view(doc->bytes).substr(0, 512), path);
}

}  // namespace chiso
