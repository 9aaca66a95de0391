#include "ingest/ingest.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

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

namespace {

// Closes the descriptor on every return path.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// Reads up to `n` bytes into `buf`, retrying short reads and EINTR. Returns
// the count read, less than n at end of file or on an error (*error set).
size_t ReadFully(int fd, char* buf, size_t n, bool* error) {
  size_t got = 0;
  *error = false;
  while (got < n) {
    ssize_t r = ::read(fd, buf + got, n - got);
    if (r < 0) {
      if (errno == EINTR) continue;
      *error = true;
      break;
    }
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  return got;
}

}  // namespace

// Plain open/read rather than std::ifstream (whose construction, locale and
// buffering cost more than the read of a small file) and one stat before the
// read rather than std::filesystem::file_size plus stat; the error codes
// and messages are those std::filesystem::file_size gave.
void LoadDocument(const std::string& path, const std::string& id, const IngestOptions& options,
                  Document* doc) {
  doc->id = id;
  doc->path = path;
  // What the file was before the read, to notice it changing during it.
  struct stat before {};
  if (::stat(path.c_str(), &before) != 0) {
    doc->Fail("unreadable", path + ": " + std::strerror(errno));
    return;
  }
  if (!S_ISREG(before.st_mode)) {
    doc->Fail("unreadable", path + ": " + std::strerror(S_ISDIR(before.st_mode) ? EISDIR : ENOTSUP));
    return;
  }
  const auto size = static_cast<uintmax_t>(before.st_size);
  if (size > options.max_bytes) {
    doc->Fail("too_large", path + ": " + std::to_string(size) + " bytes, over the limit of " +
                               std::to_string(options.max_bytes));
    return;
  }
  Fd in{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (in.fd < 0) {
    doc->Fail(errno == ENOENT ? "vanished" : "unreadable", path + ": " + std::strerror(errno));
    return;
  }
  doc->bytes.resize(size);
  bool error = false;
  doc->bytes.resize(ReadFully(in.fd, doc->bytes.data(), size, &error));
  if (error) {
    doc->Fail("unreadable", path + ": read error");
    return;
  }
  // A file appended to, rewritten, replaced or deleted while it was read
  // may have given a mix of two versions: an error record is better than
  // figures from bytes that never existed. Rerunning picks it up again.
  char more;
  const bool grew = doc->bytes.size() == size && ReadFully(in.fd, &more, 1, &error) == 1;
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
