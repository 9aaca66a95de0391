// Shared helpers for the end-to-end tests: one pipeline per test binary, and
// running the chiso binary as a user would.
#ifndef CHISO_TESTS_TEST_SUPPORT_H_
#define CHISO_TESTS_TEST_SUPPORT_H_

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <memory>
#include <string>

#include "corpus/pipeline.h"

namespace chiso::testing_support {

// The pipeline over the source tree's data, created once per process.
inline const Pipeline& SharedPipeline() {
  static std::unique_ptr<Pipeline> p = [] {
    std::unique_ptr<Pipeline> out;
    Status s = Pipeline::Create(CHISO_SOURCE_DIR, &out);
    if (!s.ok()) ADD_FAILURE() << s.message();
    return out;
  }();
  return *p;
}

// A text document run through every stage.
inline Document RunPipeline(const std::string& text, const std::string& id = "t.txt") {
  Document doc;
  doc.id = id;
  doc.bytes = text;
  SharedPipeline().Process(doc);
  return doc;
}

#ifdef CHISO_BIN
struct CommandResult {
  int code;
  std::string out;
};

// Runs `chiso ARGS` through the shell, stderr discarded; returns exit code and stdout.
inline CommandResult RunChiso(const std::string& args) {
  std::string cmd = std::string(CHISO_BIN) + " " + args + " 2>/dev/null";
  CommandResult r{0, ""};
  FILE* p = popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int st = pclose(p);
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}
#endif

}  // namespace chiso::testing_support

#endif  // CHISO_TESTS_TEST_SUPPORT_H_
