#include "ingest/pdf_parse.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <thread>

#include "ingest/pdf_wire.h"

namespace chiso {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kUnderAsan = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kUnderAsan = true;
#else
constexpr bool kUnderAsan = false;
#endif
#else
constexpr bool kUnderAsan = false;
#endif

constexpr int kExitOutOfMemory = 86;
// What the child writes: kPdfTagOcrPage bytes while it works, then
// kPdfTagResult and the serialized result (unframed: it ends at EOF).
constexpr char kTagOcrPage = kPdfTagOcrPage, kTagResult = kPdfTagResult;

void SetError(Error* e, std::string code, std::string message) {
  e->code = std::move(code);
  e->message = std::move(message);
}

// This process's resident set, in bytes (0 if unknown).
double ResidentBytes() {
  unsigned long size = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%lu %lu", &size, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

[[noreturn]] void RunChild(std::string_view bytes, const PdfOptions& options, int fd, pid_t parent) {
  // Drop descriptors inherited from the parent (other workers' pipes among
  // them: holding their write ends would delay those workers' EOF).
  if (fd > 3) close_range(3, static_cast<unsigned>(fd) - 1, 0);
  close_range(static_cast<unsigned>(fd) + 1, ~0U, 0);
  int devnull = open("/dev/null", O_RDWR);
  for (int std_fd = 0; devnull >= 0 && std_fd < 3; ++std_fd) {
    if (std_fd != fd) dup2(devnull, std_fd);  // nothing may reach chiso's output
  }
  // Die with the process that forked this one (chiso-pdf, killed or gone).
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(1);
  // The hard limit leaves room for the soft one to grow per OCR'd page.
  rlim_t cpu_hard = static_cast<rlim_t>(options.cpu_seconds) + 1;
  if (options.ocr != OcrMode::kNever) {
    cpu_hard += static_cast<rlim_t>(std::max(0, options.max_ocr_pages)) * static_cast<rlim_t>(options.ocr_page_seconds);
  }
  rlimit cpu{static_cast<rlim_t>(options.cpu_seconds), cpu_hard};
  setrlimit(RLIMIT_CPU, &cpu);
  if (!kUnderAsan) {
    // The child starts with the parent's whole address space (thread stacks,
    // malloc arenas, loaded data), so the limit is on what it adds to that.
    size_t mapped = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
      unsigned long pages = 0;
      if (std::fscanf(f, "%lu", &pages) == 1) mapped = pages * static_cast<size_t>(sysconf(_SC_PAGESIZE));
      std::fclose(f);
    }
    rlim_t limit = static_cast<rlim_t>(mapped + options.max_memory);
    rlimit as{limit, limit};
    setrlimit(RLIMIT_AS, &as);
  }
  std::set_new_handler([] { _exit(kExitOutOfMemory); });
  switch (options.fault_for_test) {
    case 1:
      raise(SIGSEGV);
      break;
    case 2:
      for (;;) pause();
    case 3:
      for (;;) {
        void* p = std::malloc(size_t{16} << 20);
        if (!p) std::abort();  // as Poppler's gmalloc does
        std::memset(p, 1, size_t{16} << 20);
      }
    default:
      break;
  }
  auto write_all = [fd](std::string_view data) {
    for (size_t off = 0; off < data.size();) {
      ssize_t w = write(fd, data.data() + off, data.size() - off);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) _exit(1);
      off += static_cast<size_t>(w);
    }
  };
  // Before each OCR'd page: CPU used so far plus a page's allowance, and a
  // kTagOcrPage byte so the parent extends its wall-clock deadline.
  auto before_ocr_page = [&] {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    rlim_t used = static_cast<rlim_t>(u.ru_utime.tv_sec + u.ru_stime.tv_sec + 1);
    rlimit c{std::min(cpu_hard, used + static_cast<rlim_t>(options.ocr_page_seconds)), cpu_hard};
    setrlimit(RLIMIT_CPU, &c);
    write_all(std::string_view(&kTagOcrPage, 1));
  };
  PdfText text;
  Error error;
  bool ok = false;
  std::string blob(1, kTagResult);
  try {
    ok = ParsePdf(bytes, options, before_ocr_page, &text, &error);
    blob += SerializePdfResult(ok, text, error);
  } catch (const std::bad_alloc&) {
    _exit(kExitOutOfMemory);
  } catch (...) {
    _exit(1);
  }
  write_all(blob);
  _exit(0);
}

}  // namespace

bool ParsePdfSandboxed(std::string_view bytes, const PdfOptions& options, const std::function<void()>& on_ocr_page,
                       PdfText* out, Error* error) {
  *out = PdfText();
  *error = Error();
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    SetError(error, "internal", std::string("pipe: ") + std::strerror(errno));
    return false;
  }
  const double parent_rss = ResidentBytes();
  const pid_t self = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]), close(fds[1]);
    SetError(error, "internal", std::string("fork: ") + std::strerror(errno));
    return false;
  }
  if (pid == 0) {
    close(fds[0]);
    RunChild(bytes, options, fds[1], self);
  }
  close(fds[1]);
  using Clock = std::chrono::steady_clock;
  Clock::time_point deadline = Clock::now() + std::chrono::seconds(options.wall_seconds);
  int ocr_pages = 0;
  bool in_result = false;
  std::string blob;
  bool timed_out = false;
  char buf[1 << 16];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the child is done (or dead)
    size_t k = 0;
    while (!in_result && k < static_cast<size_t>(n)) {
      if (buf[k] == kTagOcrPage) {
        ++ocr_pages;
        deadline += std::chrono::seconds(options.ocr_page_seconds);
        if (on_ocr_page) on_ocr_page();
        ++k;
      } else {
        in_result = true;
        if (buf[k] == kTagResult) ++k;  // anything else: Deserialize fails on it
      }
    }
    blob.append(buf + k, static_cast<size_t>(n) - k);
  }
  close(fds[0]);
  int status = 0;
  rusage usage{};
  for (;;) {
    pid_t w = wait4(pid, &status, WNOHANG, &usage);
    if (w == pid) break;
    if (w < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (timed_out || Clock::now() >= deadline) {
      timed_out = true;
      kill(pid, SIGKILL);
      while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const std::string ocr_said =
      ocr_pages > 0 ? " (with " + std::to_string(ocr_pages) + " page(s) of OCR, " +
                          std::to_string(options.ocr_page_seconds) + " s each)"
                    : "";
  if (timed_out) {
    SetError(error, "timeout", "parsing the PDF took longer than " + std::to_string(options.wall_seconds) + " s" + ocr_said);
    return false;
  }
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    if (sig == SIGXCPU || sig == SIGKILL) {
      SetError(error, "timeout", "parsing the PDF used more than " + std::to_string(options.cpu_seconds) + " s of CPU" + ocr_said);
      return false;
    }
    // Poppler aborts when an allocation fails; a dying child that had filled
    // a good part of its address-space limit ran out of memory.
    double grown = static_cast<double>(usage.ru_maxrss) * 1024 - parent_rss;
    if (sig == SIGABRT && !kUnderAsan && grown >= 0.4 * static_cast<double>(options.max_memory)) {
      SetError(error, "too_large", "parsing the PDF needed more than the memory limit");
      return false;
    }
    SetError(error, "pdf_crash", std::string("the PDF parser died with signal ") + strsignal(sig));
    return false;
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == kExitOutOfMemory) {
    SetError(error, "too_large", "parsing the PDF needed more than the memory limit");
    return false;
  }
  bool ok = false;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !DeserializePdfResult(blob, &ok, out, error)) {
    *out = PdfText();
    SetError(error, "pdf_crash", "the PDF parser exited without a result");
    return false;
  }
  if (!ok) *out = PdfText();
  return ok;
}

}  // namespace chiso