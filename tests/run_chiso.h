// Running the chiso binary (CHISO_BIN) through the shell, as a user would.
#ifndef CHISO_TESTS_RUN_CHISO_H_
#define CHISO_TESTS_RUN_CHISO_H_

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace chiso::testing_support {

struct CommandResult {
  int code = -1;
  std::string out;
};

// Runs `chiso ARGS`; returns the exit code and stdout, with stderr discarded
// or, with merge_stderr, appended as the shell interleaves them.
inline CommandResult RunChiso(const std::string& args, bool merge_stderr = false) {
  std::string cmd = std::string(CHISO_BIN) + " " + args + (merge_stderr ? " 2>&1" : " 2>/dev/null");
  CommandResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int st = pclose(p);
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

}  // namespace chiso::testing_support

#endif  // CHISO_TESTS_RUN_CHISO_H_
