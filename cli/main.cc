// chiso: the command line. Thin on purpose: parse flags, call the libraries,
// report. Exit codes: 0 the run completed (even if some documents failed),
// 1 --strict and a document failed, or a run-level failure (bad data files,
// unwritable output), 2 usage error.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

#include "corpus/eval.h"
#include "corpus/pipeline.h"
#include "schema/emit.h"

#ifndef CHISO_DATA_DIR_DEFAULT
#define CHISO_DATA_DIR_DEFAULT "."
#endif

namespace {

std::string DataDir(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("CHISO_DATA_DIR"); env && *env) return env;
  return CHISO_DATA_DIR_DEFAULT;
}

int RunExtract(const std::vector<std::string>& paths, const std::string& output,
               const std::string& data_dir, int jobs, bool strict, bool quiet) {
  std::unique_ptr<chiso::Pipeline> pipeline;
  if (chiso::Status s = chiso::Pipeline::Create(DataDir(data_dir), &pipeline); !s.ok()) {
    std::cerr << "chiso: " << s.message() << "\n";
    return 1;
  }
  std::vector<chiso::InputFile> inputs;
  if (chiso::Status s = chiso::CollectInputs(paths, &inputs); !s.ok()) {
    std::cerr << "chiso: " << s.message() << "\n";
    return 2;
  }
  std::ofstream file;
  std::ostream* out = &std::cout;
  std::string tmp;
  if (!output.empty() && output != "-") {
    // Write beside the target and rename at the end: a crash leaves the
    // previous output, never a torn one.
    tmp = output + ".tmp";
    file.open(tmp, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << "chiso: cannot write " << tmp << "\n";
      return 1;
    }
    out = &file;
  }
  chiso::BatchOptions options;
  options.jobs = jobs > 0 ? jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::map<std::string, size_t> errors;
  std::string line;
  auto start = std::chrono::steady_clock::now();
  chiso::BatchStats stats = chiso::RunBatch(*pipeline, inputs, options, [&](const chiso::Document& d) {
    line.clear();
    chiso::AppendJsonLine(d, &line);
    out->write(line.data(), static_cast<std::streamsize>(line.size()));
    if (d.failed()) ++errors[d.error->code];
  });
  out->flush();
  if (!*out) {
    std::cerr << "chiso: write failed" << (tmp.empty() ? "" : " for " + tmp) << "\n";
    return 1;
  }
  if (!tmp.empty()) {
    file.close();
    if (std::rename(tmp.c_str(), output.c_str()) != 0) {
      std::cerr << "chiso: cannot rename " << tmp << " to " << output << "\n";
      return 1;
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!quiet) {
    std::fprintf(stderr, "chiso: %zu documents, %zu figures, %zu failed in %.2f s (%.1f docs/s, %.2f MB/s)\n",
                 stats.documents, stats.figures, stats.failed, secs,
                 secs > 0 ? stats.documents / secs : 0.0, secs > 0 ? stats.bytes / secs / 1e6 : 0.0);
    for (const auto& [code, count] : errors) std::fprintf(stderr, "chiso:   error %s: %zu\n", code.c_str(), count);
    if (!output.empty() && output != "-") std::fprintf(stderr, "chiso: wrote %s\n", output.c_str());
  }
  return strict && stats.failed > 0 ? 1 : 0;
}

int RunEval(const std::string& gold, const std::string& pred, bool json) {
  chiso::EvalReport report;
  if (chiso::Status s = chiso::Evaluate(gold, pred, {}, &report); !s.ok()) {
    std::cerr << "chiso: " << s.message() << "\n";
    return 1;
  }
  if (json) std::cout << chiso::ToJson(report).dump(2) << "\n";
  else std::cout << chiso::FormatTable(report);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"chiso: figures of Vietnamese public-administration reform, as chiso/1 JSON Lines"};
  app.require_subcommand(1);
  std::string data_dir;
  app.add_option("--data-dir", data_dir, "Folder holding extract/ and schema/ data (default: the build's)");

  auto* extract = app.add_subcommand("extract", "Extract figures from documents (files or folders)");
  std::vector<std::string> paths;
  std::string output;
  int jobs = 0;
  bool strict = false, quiet = false;
  extract->add_option("paths", paths, "Files or folders")->required();
  extract->add_option("-o,--output", output, "Output JSON Lines file (default: stdout)");
  extract->add_option("-j,--jobs", jobs, "Worker threads (default: all cores)")->check(CLI::Range(0, 1024));
  extract->add_flag("--strict", strict, "Exit 1 if any document failed");
  extract->add_flag("-q,--quiet", quiet, "No summary on stderr");

  auto* eval = app.add_subcommand("eval", "Score predictions against gold (ANNOTATION.md)");
  std::string gold, pred;
  bool json = false;
  eval->add_option("gold", gold, "Gold JSON Lines")->required();
  eval->add_option("pred", pred, "Predicted chiso/1 JSON Lines")->required();
  eval->add_flag("--json", json, "Machine-readable summary");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (*extract) return RunExtract(paths, output, data_dir, jobs, strict, quiet);
  if (*eval) return RunEval(gold, pred, json);
  return 2;
}
