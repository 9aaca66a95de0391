// chiso-pdf: parses PDFs for chiso (ingest/pdf.h), so that chiso itself does
// not load Poppler, Tesseract and their libraries. chiso starts one per
// worker thread, on the worker's first PDF, as `chiso-pdf --serve` with a
// socket on fd 0 (protocol: ingest/pdf_wire.h), and it serves documents one
// after the other, each in a forked child with the limits of its request
// (ParsePdfSandboxed), until chiso closes the socket.
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "ingest/pdf_parse.h"
#include "ingest/pdf_wire.h"

namespace {

bool WriteAll(int fd, std::string_view data) {
  for (size_t off = 0; off < data.size();) {
    ssize_t w = write(fd, data.data() + off, data.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    off += static_cast<size_t>(w);
  }
  return true;
}

bool ReadAll(int fd, char* data, size_t n) {
  for (size_t off = 0; off < n;) {
    ssize_t r = read(fd, data + off, n - off);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    off += static_cast<size_t>(r);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 || std::string_view(argv[1]) != "--serve") {
    std::fprintf(stderr, "chiso-pdf: the PDF parser of chiso, started by chiso itself (chiso-pdf --serve)\n");
    return 2;
  }
  constexpr int fd = 0;
  close_range(3, ~0U, 0);  // descriptors chiso did not mark close-on-exec
  // chiso decides when to stop: on SIGINT/SIGTERM it commits what it has,
  // then closes the socket. A terminal's or Slurm's signal to the whole
  // process group must not turn the document in hand into pdf_crash.
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (!WriteAll(fd, std::string_view(&chiso::kPdfHelperHello, 1))) return 1;
  std::string request, bytes, reply;
  for (;;) {
    uint64_t n;
    if (!ReadAll(fd, reinterpret_cast<char*>(&n), sizeof n)) return 0;  // chiso is done
    request.resize(n);
    if (!ReadAll(fd, request.data(), n)) return 1;
    chiso::PdfOptions options;
    chiso::PdfText text;
    chiso::Error error;
    bool ok = false;
    if (!chiso::DeserializePdfRequest(request, &options, &bytes)) {
      error.code = "internal";
      error.message = "chiso-pdf received a malformed request";
    } else {
      ok = chiso::ParsePdfSandboxed(
          bytes, options, [] { WriteAll(fd, std::string_view(&chiso::kPdfTagOcrPage, 1)); }, &text, &error);
    }
    reply.assign(1, chiso::kPdfTagResult);
    chiso::AppendFrame(chiso::SerializePdfResult(ok, text, error), &reply);
    if (!WriteAll(fd, reply)) return 1;
  }
}
