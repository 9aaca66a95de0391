// Consolidation throughput and memory (issue 11).
//
//   build/bench/consolidate_bench                       # Google Benchmark runs
//   build/bench/consolidate_bench --write=F.jsonl --sources=7 [--units=1000]
//       writes the generated corpus (units 1000, years 10: ~1.07M figures) so
//       that `chiso consolidate F.jsonl -o /dev/null` can be timed with
//       /usr/bin/time -v (peak RSS of the whole program).
//
// BM_ConsolidateRecords/S: the generator (units 1000, years 10, S sources
// per fact on average) streams parsed records straight into a Consolidator;
// the time includes generating the records, BM_GenerateOnly/S is that part
// alone. BM_ConsolidateJsonl/S: reading, parsing and consolidating the same
// corpus as a JSON Lines file (the CLI path). Counters: figures, facts,
// figures/s, MB written to temporary sort runs and the process's peak RSS so
// far. bench/consolidate_memory.sh checks that peak RSS stays flat as facts grow.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>

#include "corpus/conflict_gen.h"
#include "corpus/consolidate.h"

namespace {

chiso::ConflictGenOptions Options(int sources, int units = 1000) {
  chiso::ConflictGenOptions o;
  o.seed = 11;
  o.units = units;
  o.years = 10;
  o.sources_per_fact = sources;
  return o;
}

// Writes the generated corpus for `sources` as JSON Lines; false if `path`
// cannot be written.
bool WriteCorpus(const std::string& path, int sources, chiso::ConflictGenTruth* truth, int units = 1000) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  std::string line;
  chiso::GenerateConflictCorpus(Options(sources, units), [&](const nlohmann::json& r) {
    line = r.dump();
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), f);
  }, truth);
  return std::fclose(f) == 0;
}

double PeakRssMb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;
}

// Counts what Finish streams out, as a database or file sink would see it.
struct Discard : chiso::FactsSink {
  size_t bytes = 0;
  chiso::Status Fact(std::string_view j) override {
    bytes += j.size();
    return chiso::Status::OK();
  }
  chiso::Status Conflict(std::string_view j) override { return Fact(j); }
};

void Finish(benchmark::State& state, chiso::Consolidator& c) {
  Discard out;
  if (chiso::Status s = c.Finish(out); !s.ok()) state.SkipWithError(s.message().c_str());
  benchmark::DoNotOptimize(out.bytes);
}

void Report(benchmark::State& state, const chiso::Consolidator& c, size_t figures) {
  state.counters["figures"] = static_cast<double>(figures);
  state.counters["facts"] = static_cast<double>(c.stats().facts);
  state.counters["conflicts"] = static_cast<double>(c.stats().conflicts);
  state.counters["figures_per_s"] =
      benchmark::Counter(static_cast<double>(figures), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["spilled_MB"] = c.stats().bytes_spilled / 1e6;
  state.counters["peak_rss_MB"] = PeakRssMb();
}

void BM_GenerateOnly(benchmark::State& state) {
  size_t figures = 0;
  for (auto _ : state) {
    chiso::ConflictGenTruth truth;
    chiso::GenerateConflictCorpus(Options(static_cast<int>(state.range(0))),
                                  [](const nlohmann::json& r) { benchmark::DoNotOptimize(&r); }, &truth);
    figures = truth.figures;
  }
  state.counters["figures"] = static_cast<double>(figures);
}

void BM_ConsolidateRecords(benchmark::State& state) {
  size_t figures = 0;
  for (auto _ : state) {
    chiso::Consolidator c;
    chiso::ConflictGenTruth truth;
    chiso::GenerateConflictCorpus(Options(static_cast<int>(state.range(0))),
                                  [&](const nlohmann::json& r) { c.AddRecord(r); }, &truth);
    Finish(state, c);
    figures = truth.figures;
    state.PauseTiming();
    Report(state, c, figures);
    state.ResumeTiming();
  }
}

std::string CorpusFile(int sources, size_t* figures) {
  static std::map<int, std::pair<std::string, size_t>> cache;
  auto it = cache.find(sources);
  if (it != cache.end()) {
    *figures = it->second.second;
    return it->second.first;
  }
  std::string path = (std::filesystem::temp_directory_path() /
                      ("chiso_consolidate_bench_" + std::to_string(sources) + ".jsonl"))
                         .string();
  chiso::ConflictGenTruth truth;
  if (!WriteCorpus(path, sources, &truth)) return std::string();
  cache[sources] = {path, truth.figures};
  *figures = truth.figures;
  return path;
}

void BM_ConsolidateJsonl(benchmark::State& state) {
  size_t figures = 0;
  std::string path = CorpusFile(static_cast<int>(state.range(0)), &figures);
  if (path.empty()) {
    state.SkipWithError("cannot write the corpus file");
    return;
  }
  size_t bytes = std::filesystem::file_size(path);
  for (auto _ : state) {
    chiso::Consolidator c;
    chiso::Status s = c.AddJsonlFile(path);
    if (!s.ok()) state.SkipWithError(s.message().c_str());
    Finish(state, c);
    state.PauseTiming();
    Report(state, c, figures);
    state.ResumeTiming();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  std::remove(path.c_str());
}

BENCHMARK(BM_GenerateOnly)->Arg(7)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_ConsolidateRecords)->Arg(1)->Arg(2)->Arg(7)->Arg(14)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_ConsolidateJsonl)->Arg(7)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

int main(int argc, char** argv) {
  // --write=PATH [--sources=S]: write the corpus and exit.
  std::string write;
  int sources = 7, units = 1000;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--write=", 8) == 0) write = argv[i] + 8;
    if (std::strncmp(argv[i], "--sources=", 10) == 0) sources = std::atoi(argv[i] + 10);
    if (std::strncmp(argv[i], "--units=", 8) == 0) units = std::atoi(argv[i] + 8);
  }
  if (!write.empty()) {
    chiso::ConflictGenTruth truth;
    if (!WriteCorpus(write, sources, &truth, units)) return 1;
    std::fprintf(stderr, "%s: %zu records, %zu figures, %zu planted conflicts\n", write.c_str(),
                 truth.records, truth.figures, truth.conflicts.size());
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
