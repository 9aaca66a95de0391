// The speed limit of the text path (issue 7): read each file, normalize it to
// NFC with ICU, run one RE2::Set pass with the rules' patterns and count the
// patterns that match. Nothing else: no decoding guesses, no sentences, no
// attribution, no validation, no output. `chiso extract` is measured against
// this program on the same files (bench/perf.sh).
//
//   build/bench/chiso_floor DIR... [--jobs N]
//   -> "floor: docs=20000 bytes=31457280 matches=123456 time=3.21s 6230 docs/s 9.80 MB/s"
//
// Files are taken as chiso takes them: every regular file under the folders,
// hidden entries skipped. Text that is not UTF-8 is normalized as is (ICU
// replaces invalid bytes), which costs the same.
#include <re2/re2.h>
#include <re2/set.h>
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/floor_set.h"
#include "extract/rules.h"

namespace {

namespace fs = std::filesystem;

void Collect(const fs::path& root, std::vector<fs::path>* out) {
  std::error_code ec;
  if (fs::is_regular_file(root, ec)) {
    out->push_back(root);
    return;
  }
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file()) out->push_back(it->path());
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> roots;
  int jobs = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--jobs") == 0 && i + 1 < argc) {
      jobs = std::max(1, std::atoi(argv[++i]));
    } else {
      roots.emplace_back(argv[i]);
    }
  }
  if (roots.empty()) {
    std::fprintf(stderr, "usage: chiso_floor DIR... [--jobs N]\n");
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<chiso::RuleSet> rules;
  chiso::Status st =
      chiso::RuleSet::Load(std::string(CHISO_DATA_DIR) + "/extract/rules", &rules);
  if (!st.ok()) {
    std::fprintf(stderr, "chiso_floor: %s\n", st.message().c_str());
    return 1;
  }
  std::string error;
  const std::unique_ptr<RE2::Set> floor_set = chiso::bench::FloorSet(*rules, &error);
  if (!floor_set) {
    std::fprintf(stderr, "chiso_floor: %s\n", error.c_str());
    return 1;
  }
  const RE2::Set& set = *floor_set;

  std::vector<fs::path> files;
  for (const auto& r : roots) Collect(r, &files);
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return 1;

  std::atomic<size_t> next{0}, bytes{0}, matches{0};
  auto worker = [&] {
    std::string raw, normalized;
    std::vector<int> hits;
    for (size_t i; (i = next++) < files.size();) {
      std::ifstream in(files[i], std::ios::binary);
      raw.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      bytes += raw.size();
      normalized.clear();
      icu::StringByteSink<std::string> sink(&normalized, static_cast<int32_t>(raw.size()));
      UErrorCode s = U_ZERO_ERROR;
      nfc->normalizeUTF8(0, icu::StringPiece(raw.data(), static_cast<int32_t>(raw.size())), sink,
                         nullptr, s);
      hits.clear();
      if (set.Match(normalized, &hits)) matches += hits.size();
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < jobs; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("floor: docs=%zu bytes=%zu matches=%zu time=%.2fs %.0f docs/s %.2f MB/s\n",
              files.size(), bytes.load(), matches.load(), secs, files.size() / secs,
              bytes.load() / secs / 1e6);
  return 0;
}
