#include "ingest/pdf.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "ingest/pdf_wire.h"

extern char** environ;

namespace chiso {

std::string_view OcrModeName(OcrMode mode) {
  switch (mode) {
    case OcrMode::kNever:
      return "never";
    case OcrMode::kAuto:
      return "auto";
    case OcrMode::kAlways:
      return "always";
  }
  return "auto";
}

std::optional<OcrMode> OcrModeFromName(std::string_view name) {
  if (name == "auto") return OcrMode::kAuto;
  if (name == "never") return OcrMode::kNever;
  if (name == "always") return OcrMode::kAlways;
  return std::nullopt;
}

namespace {

void SetError(Error* e, std::string code, std::string message) {
  e->code = std::move(code);
  e->message = std::move(message);
}

// Time the helper gets beyond the document's own wall-clock limit, which the
// helper enforces itself: this one only catches a helper that stopped
// answering.
constexpr int kHelperSlackSeconds = 10;

std::string DescribeStatus(int status) {
  if (WIFSIGNALED(status)) return std::string("died with signal ") + strsignal(WTERMSIG(status));
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  return "stopped";
}

// One chiso-pdf process, owned by one thread.
class PdfHelper {
 public:
  PdfHelper() = default;
  PdfHelper(const PdfHelper&) = delete;
  PdfHelper& operator=(const PdfHelper&) = delete;
  ~PdfHelper() { Stop(false); }

  bool Parse(std::string_view bytes, const PdfOptions& options, PdfText* out, Error* error) {
    if (pid_ < 0 && !Start(error)) return false;
    std::string frame;
    AppendFrame(SerializePdfRequest(options, bytes), &frame);
    if (!Send(frame)) {
      // The helper went away between two documents: start a new one, once.
      Stop(true);
      if (!Start(error)) return false;
      if (!Send(frame)) return Died(error);
    }
    using Clock = std::chrono::steady_clock;
    Clock::time_point deadline =
        Clock::now() + std::chrono::seconds(std::max(0, options.wall_seconds) + kHelperSlackSeconds);
    for (;;) {
      char tag;
      switch (Receive(&tag, 1, &deadline)) {
        case kTimedOut:
          Stop(true);
          SetError(error, "timeout", "the PDF helper did not answer within " +
                                         std::to_string(options.wall_seconds + kHelperSlackSeconds) + " s");
          return false;
        case kClosed:
          return Died(error);
        case kOk:
          break;
      }
      if (tag == kPdfTagOcrPage) {
        deadline += std::chrono::seconds(options.ocr_page_seconds);
        continue;
      }
      uint64_t n = 0;
      std::string blob;
      bool ok = false;
      if (tag != kPdfTagResult || Receive(reinterpret_cast<char*>(&n), sizeof n, &deadline) != kOk ||
          n > (uint64_t{1} << 40)) {
        return Died(error);
      }
      blob.resize(n);
      if (Receive(blob.data(), n, &deadline) != kOk) return Died(error);
      if (!DeserializePdfResult(blob, &ok, out, error)) return Died(error);
      if (!ok) *out = PdfText();
      return ok;
    }
  }

 private:
  enum ReceiveResult { kOk, kClosed, kTimedOut };

  // $CHISO_PDF_HELPER, else chiso-pdf next to this executable, else the one
  // in the build tree (tests, and chiso run from its build folder).
  static std::string HelperPath() {
    if (const char* env = std::getenv("CHISO_PDF_HELPER"); env && *env) return env;
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    std::string beside;
    if (n > 0) {
      std::string_view path(self, static_cast<size_t>(n));
      beside = std::string(path.substr(0, path.rfind('/') + 1)) + "chiso-pdf";
      if (access(beside.c_str(), X_OK) == 0) return beside;
    }
    if (access(CHISO_PDF_HELPER_BUILT, X_OK) == 0) return CHISO_PDF_HELPER_BUILT;
    return beside.empty() ? "chiso-pdf" : beside;
  }

  bool Start(Error* error) {
    const std::string path = HelperPath();
    auto unavailable = [&](const std::string& why) {
      SetError(error, "pdf_unavailable",
               "cannot run the PDF parser " + path + ": " + why +
                   " (chiso-pdf belongs next to chiso; CHISO_PDF_HELPER names another)");
      return false;
    };
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
      SetError(error, "internal", std::string("socketpair: ") + std::strerror(errno));
      return false;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, sv[1], 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
    char arg[] = "--serve";
    char* argv[] = {const_cast<char*>(path.c_str()), arg, nullptr};
    pid_t pid;
    int rc = posix_spawn(&pid, path.c_str(), &actions, &attr, argv, environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    close(sv[1]);
    if (rc != 0) {
      close(sv[0]);
      return unavailable(std::strerror(rc));
    }
    pid_ = pid;
    fd_ = sv[0];
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    char hello = 0;
    ReceiveResult r = Receive(&hello, 1, &deadline);
    if (r == kOk && hello == kPdfHelperHello) return true;
    int status = Stop(r != kClosed);
    return unavailable(r == kTimedOut ? std::string("it did not start within 30 s")
                                      : "it " + DescribeStatus(status) + " at start");
  }

  // Closes the socket (the helper exits on it) and reaps the helper; kills it
  // first when `kill_first`. Returns its wait status.
  int Stop(bool kill_first) {
    if (pid_ < 0) return 0;
    if (kill_first) kill(pid_, SIGKILL);
    close(fd_);
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    fd_ = -1;
    return status;
  }

  bool Died(Error* error) {
    int status = Stop(true);
    SetError(error, "pdf_crash", "the PDF parser process (chiso-pdf) " + DescribeStatus(status));
    return false;
  }

  bool Send(std::string_view data) {
    for (size_t off = 0; off < data.size();) {
      ssize_t w = send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return false;
      off += static_cast<size_t>(w);
    }
    return true;
  }

  // Reads exactly `n` bytes before `deadline`.
  ReceiveResult Receive(char* data, size_t n, const std::chrono::steady_clock::time_point* deadline) {
    for (size_t off = 0; off < n;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - std::chrono::steady_clock::now())
                      .count();
      if (left <= 0) return kTimedOut;
      pollfd p{fd_, POLLIN, 0};
      int r = poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
      if (r < 0 && errno != EINTR) return kClosed;
      if (r <= 0) continue;
      ssize_t got = read(fd_, data + off, n - off);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return kClosed;
      off += static_cast<size_t>(got);
    }
    return kOk;
  }

  pid_t pid_ = -1;
  int fd_ = -1;
};

}  // namespace

int PageOfOffset(const std::vector<size_t>& page_starts, size_t offset) {
  auto it = std::upper_bound(page_starts.begin(), page_starts.end(), offset);
  return static_cast<int>(std::max<std::ptrdiff_t>(1, it - page_starts.begin()));
}

bool ExtractPdfText(std::string_view bytes, const PdfOptions& options, PdfText* out, Error* error) {
  *out = PdfText();
  *error = Error();
  // One helper per thread, started on the thread's first PDF and stopped
  // with the thread: a worker's documents pay for its start once.
  thread_local PdfHelper helper;
  return helper.Parse(bytes, options, out, error);
}

}  // namespace chiso
