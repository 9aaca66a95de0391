// Shared helpers for the end-to-end tests: one pipeline per test binary, and
// (tests/run_chiso.h) running the chiso binary as a user would.
#ifndef CHISO_TESTS_TEST_SUPPORT_H_
#define CHISO_TESTS_TEST_SUPPORT_H_

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <memory>
#include <string>

#include "corpus/pipeline.h"
#ifdef CHISO_BIN
#include "tests/run_chiso.h"  // RunChiso, for the tests that run the binary
#endif

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


}  // namespace chiso::testing_support

#endif  // CHISO_TESTS_TEST_SUPPORT_H_
