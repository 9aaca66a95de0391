// Throughput of the normalize stage (issue 3, "Acceptance"): decode +
// NormalizeText (+ RejoinSplitSyllables) on the same Vietnamese text in UTF-8
// NFC, UTF-8 NFD and TCVN3, and ParseNumber on a mix of numerals. Input is
// corpus/dev/*.txt concatenated and repeated to about 4 MB; bytes/s counts
// input bytes.
//
//   build/bench/normalize_bench --benchmark_min_time=2
#include <benchmark/benchmark.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/document.h"
#include "normalize/decode.h"
#include "normalize/legacy_encodings.h"
#include "normalize/normalize.h"
#include "normalize/numbers.h"
#include "normalize/syllables.h"

namespace {

const std::string& DevText() {
  static const std::string* const text = [] {
    namespace fs = std::filesystem;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(std::string(CHISO_SOURCE_DIR) + "/corpus/dev")) {
      if (e.path().extension() == ".txt") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    std::string one;
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      one += ss.str();
      one += "\n\n";
    }
    auto* all = new std::string;
    while (!one.empty() && all->size() < (4u << 20)) *all += one;
    return all;
  }();
  return *text;
}

std::string Nfd(const std::string& utf8) {
  UErrorCode st = U_ZERO_ERROR;
  icu::UnicodeString out = icu::Normalizer2::getNFDInstance(st)->normalize(
      icu::UnicodeString::fromUTF8(utf8), st);
  std::string r;
  out.toUTF8String(r);
  return r;
}

void RunDecodeNormalize(benchmark::State& state, const std::string& bytes, bool rejoin) {
  chiso::Document doc;
  for (auto _ : state) {
    doc.bytes = bytes;
    doc.warnings.clear();
    chiso::Decode(doc);
    chiso::NormalizeText(doc);
    if (rejoin) chiso::RejoinSplitSyllables(doc);
    benchmark::DoNotOptimize(doc.text.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(bytes.size()));
  state.SetLabel(doc.encoding);
}

void BM_DecodeNormalize_Utf8Nfc(benchmark::State& state) {
  RunDecodeNormalize(state, DevText(), false);
}
void BM_DecodeNormalize_Utf8Nfd(benchmark::State& state) {
  static const std::string bytes = Nfd(DevText());
  RunDecodeNormalize(state, bytes, false);
}
void BM_DecodeNormalize_Tcvn3(benchmark::State& state) {
  static const std::string bytes = chiso::EncodeTcvn3(DevText());
  RunDecodeNormalize(state, bytes, false);
}
void BM_DecodeNormalizeRejoin_Utf8Nfc(benchmark::State& state) {
  RunDecodeNormalize(state, DevText(), true);
}
BENCHMARK(BM_DecodeNormalize_Utf8Nfc)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeNormalize_Utf8Nfd)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeNormalize_Tcvn3)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeNormalizeRejoin_Utf8Nfc)->Unit(benchmark::kMillisecond);

void BM_ParseNumber(benchmark::State& state) {
  const std::vector<std::string> numerals = {
      "1.567", "83,87", "1.234.567", "12.345,6", "+5.40", "- 1", "1,5 triệu",
      "2,3 nghìn", "91,54", "2023", "0,53", "100", "98.7", "63", "1 tỷ"};
  size_t bytes = 0;
  for (const auto& n : numerals) bytes += n.size();
  for (auto _ : state) {
    for (const auto& n : numerals) {
      benchmark::DoNotOptimize(chiso::ParseNumber(n, {.percent = false}));
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * numerals.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_ParseNumber);

void BM_DetectConvention(benchmark::State& state) {
  const std::string& text = DevText();
  for (auto _ : state) benchmark::DoNotOptimize(chiso::DetectConvention(text));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_DetectConvention)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
