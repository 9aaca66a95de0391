// chiso-gen: writes a deterministic corpus of generated articles with exact
// gold (see generator.h).
//
//   chiso-gen --docs 2000 --seed 7 --out /tmp/gen
//             [--encodings utf8,utf8-bom,utf16le,windows-1258,tcvn3,vni,html]
//             [--size small|mixed|large] [--per-folder 1000] [--jobs N]
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "corpus/gen/generator.h"

int main(int argc, char** argv) {
  CLI::App app{"chiso-gen: generated Vietnamese administrative-reform articles with exact gold"};
  int64_t docs = 100;
  uint64_t seed = 1;
  std::string out, encodings = "utf8", size = "mixed";
  int per_folder = 1000, jobs = 1;
  app.add_option("--docs", docs, "Number of documents")->required()->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  app.add_option("--seed", seed, "Seed (same arguments, same bytes)")->required();
  app.add_option("--out", out, "Output directory (DIR/NNN/NNNNNN.txt and DIR/gold.jsonl)")->required();
  app.add_option("--encodings", encodings,
                 "Comma-separated: utf8, utf8-bom, utf16le, windows-1258, tcvn3, vni, html (document i uses "
                 "the (i mod n)-th)");
  app.add_option("--size", size, "small | mixed | large")->check(CLI::IsMember({"small", "mixed", "large"}));
  app.add_option("--per-folder", per_folder, "Documents per subfolder")->check(CLI::Range(1, 1000000));
  app.add_option("-j,--jobs", jobs, "Threads (the output is the same for any number)")->check(CLI::Range(1, 64));
  CLI11_PARSE(app, argc, argv);

  chiso::gen::GenOptions o;
  o.docs = docs;
  o.seed = seed;
  o.docs_per_folder = per_folder;
  o.jobs = jobs;
  std::string error;
  if (!chiso::gen::ParseEncodings(encodings, &o.encodings, &error)) {
    std::fprintf(stderr, "chiso-gen: %s\n", error.c_str());
    return 2;
  }
  chiso::gen::ParseSizeMix(size, &o.size);
  chiso::gen::GenStats stats;
  chiso::Status s = chiso::gen::WriteCorpus(o, out, &stats);
  if (!s.ok()) {
    std::fprintf(stderr, "chiso-gen: %s\n", s.message().c_str());
    return 1;
  }
  double secs = stats.seconds > 0 ? stats.seconds : 1e-9;
  std::fprintf(stderr, "chiso-gen: %lld documents, %lld gold figures, %.1f MB in %.2f s (%.0f docs/s, %.1f MB/s)\n",
               static_cast<long long>(stats.docs), static_cast<long long>(stats.figures), stats.bytes / 1e6, secs,
               stats.docs / secs, stats.bytes / 1e6 / secs);
  return 0;
}
