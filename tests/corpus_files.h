// The repository's documents (corpus/) and the shared seeds, for tests that
// compare two implementations of a stage on every real text we have.
#ifndef CHISO_TESTS_CORPUS_FILES_H_
#define CHISO_TESTS_CORPUS_FILES_H_

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace chiso::testing_support {

// Calls visit(path, bytes) for every .txt file under corpus/ and, when it is
// beside the checkout, the shared seeds; returns how many. `visit` returns
// false to stop.
template <typename Visit>
int ForEachCorpusText(Visit&& visit) {
  int files = 0;
  for (const char* dir : {CHISO_SOURCE_DIR "/corpus", CHISO_SHARED_DIR "/corpus/seeds"}) {
    if (!std::filesystem::is_directory(dir)) continue;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
      if (!entry.is_regular_file() || entry.path().extension() != ".txt") continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream bytes;
      bytes << in.rdbuf();
      ++files;
      if (!visit(entry.path().string(), bytes.str())) return files;
    }
  }
  return files;
}

}  // namespace chiso::testing_support

#endif  // CHISO_TESTS_CORPUS_FILES_H_
