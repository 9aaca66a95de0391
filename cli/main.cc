// chiso: the command line. Thin on purpose: parse flags, call the libraries,
// report. Exit codes: 0 the run completed (even if some documents failed),
// 1 --strict and a document failed, or a run-level failure (bad data files,
// unwritable output, a failing sink), 2 usage error, 128 + signal when
// SIGINT/SIGTERM stopped an extract (committed records kept).
#include <CLI/CLI.hpp>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "corpus/batch.h"
#include "corpus/consolidate.h"
#include "corpus/eval.h"
#include "corpus/pipeline.h"
#include "corpus/sink.h"
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

struct ExtractArgs {
  std::vector<std::string> paths;
  std::string files_from;  // --files-from FILE|-
  std::string output;      // -o; empty or "-" is stdout
  std::string db;          // --db PATH.sqlite
  std::string shard;       // --shard K/N
  int jobs = 0;
  bool strict = false, quiet = false, resume = false;
};

// Records are committed (written, fsynced; one database transaction) every
// kChunkRecords records or kChunkSeconds, whichever comes first.
constexpr size_t kChunkRecords = 64;
constexpr double kChunkSeconds = 2.0;

volatile std::sig_atomic_t g_signal = 0;
extern "C" void OnSignal(int sig) { g_signal = sig; }

// SIGINT/SIGTERM ask the batch to stop after committing what it has; a second
// one kills as usual (SA_RESETHAND).
void InstallSignalHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

// Prints progress on stderr from its own thread: a live line redrawn a few
// times a second on a terminal, a plain line every 5 s otherwise.
class ProgressReporter {
 public:
  ProgressReporter(const chiso::ProgressCounters& counters, size_t total, bool enabled)
      : counters_(counters), total_(total), tty_(isatty(STDERR_FILENO)) {
    if (enabled) thread_ = std::thread([this] { Loop(); });
  }
  ~ProgressReporter() { Stop(); }
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) {
      thread_.join();
      if (tty_) std::fputs("\r\033[K", stderr);
    }
  }

 private:
  void Loop() {
    const auto period = tty_ ? std::chrono::milliseconds(250) : std::chrono::milliseconds(5000);
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, period, [&] { return done_; })) {
      std::string line = chiso::FormatProgress(counters_.done, total_, counters_.errors,
                                               counters_.bytes, Seconds());
      if (tty_) std::fprintf(stderr, "\r\033[Kchiso: %s", line.c_str());
      else std::fprintf(stderr, "chiso: %s\n", line.c_str());
      std::fflush(stderr);
    }
  }
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  const chiso::ProgressCounters& counters_;
  const size_t total_;
  const bool tty_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

int Fail(const std::string& message, int code = 1) {
  std::cerr << "chiso: " << message << "\n";
  return code;
}

int RunExtract(const ExtractArgs& a, const std::string& data_dir) {
  const bool to_file = !a.output.empty() && a.output != "-";
  if (a.paths.empty() && a.files_from.empty()) {
    return Fail("extract: give files or folders, or --files-from", 2);
  }
  if (a.resume && !to_file) return Fail("--resume needs -o FILE", 2);
  chiso::Shard shard;
  if (!a.shard.empty()) {
    if (chiso::Status s = chiso::ParseShard(a.shard, &shard); !s.ok()) return Fail(s.message(), 2);
  }
  std::unique_ptr<chiso::Pipeline> pipeline;
  if (chiso::Status s = chiso::Pipeline::Create(DataDir(data_dir), &pipeline); !s.ok()) {
    return Fail(s.message());
  }
  std::vector<chiso::InputFile> inputs;
  if (!a.paths.empty()) {
    if (chiso::Status s = chiso::CollectInputs(a.paths, &inputs); !s.ok()) return Fail(s.message(), 2);
  }
  if (!a.files_from.empty()) {
    std::vector<chiso::InputFile> listed;
    if (chiso::Status s = chiso::ReadFileList(a.files_from, &listed); !s.ok()) {
      return Fail(s.message(), 2);
    }
    if (inputs.empty()) {
      inputs = std::move(listed);
    } else {
      inputs.insert(inputs.end(), listed.begin(), listed.end());
      std::stable_sort(inputs.begin(), inputs.end(),
                       [](const auto& x, const auto& y) { return x.id < y.id; });
      inputs.erase(std::unique(inputs.begin(), inputs.end(),
                               [](const auto& x, const auto& y) { return x.id == y.id; }),
                   inputs.end());
    }
  }
  chiso::KeepShard(shard, &inputs);

  // Sinks. With --resume, records are appended to the output itself, which
  // therefore always holds whole records; else to OUT.tmp, renamed at the end.
  chiso::ResumeIndex committed;
  if (a.resume) {
    if (chiso::Status s = chiso::ScanCommitted(a.output, &committed); !s.ok()) return Fail(s.message());
    if (!a.quiet && (committed.records > 0 || committed.dropped_bytes > 0)) {
      std::fprintf(stderr, "chiso: resuming %s: %zu records committed", a.output.c_str(),
                   committed.records);
      if (committed.dropped_bytes > 0) {
        std::fprintf(stderr, ", torn last record cut (%llu bytes)",
                     static_cast<unsigned long long>(committed.dropped_bytes));
      }
      std::fputs("\n", stderr);
    }
  }
  const std::string target = a.resume ? a.output : a.output + ".tmp";
  std::unique_ptr<chiso::JsonlWriter> jsonl;
  if (to_file) {
    chiso::JsonlWriter::Options wo;
    wo.append = a.resume;
    wo.sync = a.resume;  // a temp file is synced once, before its rename
    if (chiso::Status s = chiso::JsonlWriter::Open(target, wo, &jsonl); !s.ok()) return Fail(s.message());
  }
  std::unique_ptr<chiso::SqliteSink> db;
  if (!a.db.empty()) {
    if (chiso::Status s = chiso::SqliteSink::Open(a.db, &db); !s.ok()) return Fail(s.message());
  }
  const bool to_stdout = !to_file && a.db.empty();

  chiso::BatchOptions options;
  options.jobs = a.jobs > 0 ? a.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  chiso::ProgressCounters counters;
  std::atomic<bool> stop{false};
  options.stop = &stop;
  if (a.resume) {
    options.skip = [&](const chiso::Document& d) {
      if (!committed.Committed(d.id, d.sha256)) return false;
      ++counters.done;
      counters.bytes += d.bytes.size();
      return true;
    };
  }
  std::unordered_map<std::string, chiso::CommittedRecord> fresh;  // written by this run
  std::map<std::string, size_t> errors, figure_types;
  chiso::Status sink_status;
  size_t in_chunk = 0;
  auto last_commit = std::chrono::steady_clock::now();
  size_t committed_now = 0;  // records this run has committed
  auto commit = [&]() -> chiso::Status {
    const size_t chunk = in_chunk;
    in_chunk = 0;
    last_commit = std::chrono::steady_clock::now();
    // The database first: a crash between the two leaves records in the
    // database that --resume redoes and upserts, never the reverse.
    if (db) {
      if (chiso::Status s = db->Commit(); !s.ok()) return s;
    }
    if (jsonl) {
      if (chiso::Status s = jsonl->Commit(); !s.ok()) return s;
    }
    if (to_stdout) std::fflush(stdout);
    committed_now += chunk;
    return chiso::Status::OK();
  };
  std::string line;
  InstallSignalHandlers();
  ProgressReporter progress(counters, inputs.size(), !a.quiet);
  auto start = std::chrono::steady_clock::now();
  chiso::BatchStats stats = chiso::RunBatch(*pipeline, inputs, options, [&](const chiso::Document& d) {
    if (!sink_status.ok()) return;
    line.clear();
    chiso::AppendJsonLine(d, &line);
    if (jsonl) {
      uint64_t at = jsonl->Add(line);
      if (a.resume) fresh[d.id] = {d.sha256, at, line.size(), d.failed()};
    } else if (to_stdout) {
      std::fwrite(line.data(), 1, line.size(), stdout);
    }
    if (db) sink_status = db->Add(nlohmann::json::parse(line));
    ++counters.done;
    counters.bytes += d.bytes.size();
    if (d.failed()) {
      ++counters.errors;
      ++errors[d.error->code];
    }
    for (const chiso::Figure& f : d.figures) ++figure_types[f.type];
    if (sink_status.ok() &&
        (++in_chunk >= kChunkRecords || g_signal != 0 ||
         std::chrono::steady_clock::now() - last_commit > std::chrono::duration<double>(kChunkSeconds))) {
      sink_status = commit();
    }
    if (!sink_status.ok() || g_signal != 0) stop = true;
  });
  if (sink_status.ok()) sink_status = commit();
  progress.Stop();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (!sink_status.ok() || stats.stopped) {
    // Stopped early: what was committed stays committed. A temp file is no
    // use to anyone (a rerun without --resume starts over), so it goes.
    jsonl.reset();
    db.reset();
    if (to_file && !a.resume) std::remove(target.c_str());
    std::string why = !sink_status.ok() ? sink_status.message()
                      : g_signal == SIGTERM ? "interrupted by SIGTERM"
                                            : "interrupted by SIGINT";
    std::fprintf(stderr, "chiso: %s; %zu of %zu documents committed (%zu by this run)\n",
                 why.c_str(), committed_now + stats.skipped, inputs.size(), committed_now);
    if (a.resume) {
      std::fprintf(stderr, "chiso: %s keeps every committed record; rerun with --resume to finish\n",
                   a.output.c_str());
    } else if (to_file) {
      std::fprintf(stderr, "chiso: %s left as it was (use --resume for restartable runs)\n",
                   a.output.c_str());
    }
    if (!sink_status.ok()) return 1;
    return 128 + (g_signal != 0 ? static_cast<int>(g_signal) : SIGINT);
  }
  if (to_file) {
    if (chiso::Status s = jsonl->Close(); !s.ok()) {
      if (!a.resume) std::remove(target.c_str());  // never leave a half temp file
      return Fail(s.message());
    }
    jsonl.reset();
    if (a.resume) {
      // Every input now has a record, old or fresh: write them in id order
      // so the result equals a clean run's.
      for (auto& [id, rec] : fresh) committed.by_id[id] = rec;
      std::vector<std::string> ids;
      ids.reserve(inputs.size());
      for (const auto& f : inputs) ids.push_back(f.id);
      if (chiso::Status s = chiso::RewriteInOrder(a.output, ids, committed); !s.ok()) {
        return Fail(s.message());
      }
    } else {
      if (std::rename(target.c_str(), a.output.c_str()) != 0) {
        std::remove(target.c_str());
        return Fail("cannot rename " + target + " to " + a.output);
      }
      if (chiso::Status s = chiso::FsyncDirOf(a.output); !s.ok()) return Fail(s.message());
    }
  } else if (to_stdout) {
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) return Fail("write failed on stdout");
  }
  if (!a.quiet) {
    std::fprintf(stderr, "chiso: %zu documents", stats.documents);
    if (stats.skipped > 0) std::fprintf(stderr, " (+%zu already committed, skipped)", stats.skipped);
    std::fprintf(stderr, ", %zu failed, %zu figures", stats.failed, stats.figures);
    const char* sep = " (";
    for (const auto& [type, n] : figure_types) {
      std::fprintf(stderr, "%s%s %zu", sep, type.c_str(), n);
      sep = ", ";
    }
    std::fprintf(stderr, "%s in %s (%.2f s, %.1f docs/s, %.2f MB/s)\n", figure_types.empty() ? "" : ")",
                 chiso::FormatDuration(secs).c_str(), secs, secs > 0 ? stats.documents / secs : 0.0,
                 secs > 0 ? stats.bytes / secs / 1e6 : 0.0);
    for (const auto& [code, count] : errors) std::fprintf(stderr, "chiso:   error %s: %zu\n", code.c_str(), count);
    if (to_file || db) std::fprintf(stderr, "chiso: wrote %s%s%s\n", to_file ? a.output.c_str() : "",
                                    to_file && db ? " and " : "", db ? a.db.c_str() : "");
  }
  return a.strict && stats.failed > 0 ? 1 : 0;
}

int RunLoad(const std::string& input, const std::string& db_path, bool quiet) {
  std::unique_ptr<chiso::SqliteSink> db;
  if (chiso::Status s = chiso::SqliteSink::Open(db_path, &db); !s.ok()) return Fail(s.message());
  size_t records = 0;
  if (chiso::Status s = chiso::LoadJsonl(input, db.get(), 1000, &records); !s.ok()) {
    return Fail(s.message());
  }
  chiso::SqliteSink::Counts c;
  if (chiso::Status s = db->Count(&c); !s.ok()) return Fail(s.message());
  if (!quiet) {
    std::fprintf(stderr, "chiso: loaded %zu records into %s (now %lld documents, %lld figures, %lld warnings)\n",
                 records, db_path.c_str(), static_cast<long long>(c.documents),
                 static_cast<long long>(c.figures), static_cast<long long>(c.warnings));
  }
  return 0;
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

// consolidate (issue 11): chiso/1 records in, one fact per fact key and the
// conflicts between sources out (corpus/consolidate.h).
int RunConsolidate(const std::vector<std::string>& inputs, const std::string& output,
                   int max_sources, bool quiet) {
  chiso::ConsolidateOptions options;
  options.max_sources = max_sources;
  chiso::Consolidator c(options);
  auto start = std::chrono::steady_clock::now();
  for (const std::string& in : inputs) {
    if (chiso::Status s = c.AddJsonlFile(in); !s.ok()) return Fail(s.message());
  }
  c.Finish();
  if (chiso::Status s = chiso::WriteFactsJsonl(c, output); !s.ok()) return Fail(s.message());
  if (!quiet) {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const chiso::ConsolidateStats& st = c.stats();
    size_t explained = 0;
    for (const auto& k : c.conflicts()) explained += k.explained ? 1 : 0;
    std::fprintf(stderr,
                 "chiso: %zu records (%zu with errors, %zu duplicates), %zu figures (%zu used; skipped "
                 "%zu without subject, %zu without year, %zu malformed) -> %zu facts, %zu conflicts "
                 "(%zu explained) in %.2f s\n",
                 st.records, st.error_records, st.duplicate_docs, st.figures, st.used,
                 st.skipped_no_subject, st.skipped_no_year, st.skipped_bad, c.facts().size(),
                 c.conflicts().size(), explained, secs);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"chiso: figures of Vietnamese public-administration reform, as chiso/1 JSON Lines"};
  app.require_subcommand(1);
  std::string data_dir;
  app.add_option("--data-dir", data_dir, "Folder holding extract/ and schema/ data (default: the build's)");

  auto* extract = app.add_subcommand("extract", "Extract figures from documents (files or folders)");
  ExtractArgs ea;
  extract->add_option("paths", ea.paths, "Files or folders");
  extract->add_option("--files-from", ea.files_from,
                      "Read more input paths from FILE ('-' for stdin), one per line or NUL-separated; "
                      "each path is its own doc id");
  extract->add_option("-o,--output", ea.output, "Output JSON Lines file (default: stdout)");
  extract->add_option("--db", ea.db, "Also upsert the records into this SQLite database");
  extract->add_option("-j,--jobs", ea.jobs, "Worker threads (default: all cores)")->check(CLI::Range(0, 1024));
  extract->add_option("--shard", ea.shard, "Take only shard K of N (0-based K/N, by a hash of the doc id)");
  extract->add_flag("--resume", ea.resume,
                    "Keep the records already committed to -o FILE and process only the rest");
  extract->add_flag("--strict", ea.strict, "Exit 1 if any document failed");
  extract->add_flag("-q,--quiet", ea.quiet, "No progress or summary on stderr");

  auto* load = app.add_subcommand("load", "Import a chiso/1 JSON Lines file into a database");
  std::string load_input, load_db;
  bool load_quiet = false;
  load->add_option("input", load_input, "chiso/1 JSON Lines")->required();
  load->add_option("--db", load_db, "SQLite database file (created if missing)")->required();
  load->add_flag("-q,--quiet", load_quiet, "No summary on stderr");

  auto* eval = app.add_subcommand("eval", "Score predictions against gold (ANNOTATION.md)");
  std::string gold, pred;
  bool json = false;
  eval->add_option("gold", gold, "Gold JSON Lines")->required();
  eval->add_option("pred", pred, "Predicted chiso/1 JSON Lines")->required();
  eval->add_flag("--json", json, "Machine-readable summary");

  auto* consolidate = app.add_subcommand(
      "consolidate", "Merge chiso/1 records into one fact per key, with conflicts found and explained");
  std::vector<std::string> cons_inputs;
  std::string cons_output;
  int cons_max_sources = 4;
  bool cons_quiet = false;
  consolidate->add_option("inputs", cons_inputs, "chiso/1 JSON Lines files ('-' for stdin)")->required();
  consolidate->add_option("-o,--output", cons_output, "Facts and conflicts JSON Lines (default: stdout)");
  consolidate->add_option("--max-sources", cons_max_sources, "Sources kept per value of a fact (default 4)")
      ->check(CLI::Range(0, 1000000));
  consolidate->add_flag("-q,--quiet", cons_quiet, "No summary on stderr");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (*extract) return RunExtract(ea, data_dir);
  if (*load) return RunLoad(load_input, load_db, load_quiet);
  if (*eval) return RunEval(gold, pred, json);
  if (*consolidate) return RunConsolidate(cons_inputs, cons_output, cons_max_sources, cons_quiet);
  return 2;
}
