// chiso: the command line. Thin on purpose: parse flags, call the libraries,
// report. Exit codes: 0 the run completed (even if some documents failed),
// 1 --strict and a document failed, or a run-level failure (bad data files,
// unwritable output, a failing sink), 2 usage error, 128 + signal when
// SIGINT/SIGTERM stopped an extract (committed records kept).
#include <CLI/CLI.hpp>

#include <signal.h>
#include <sys/stat.h>
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
#include "corpus/merge.h"
#include "corpus/pg_sink.h"
#include "corpus/pipeline.h"
#include "corpus/sink.h"
#include "review/review.h"
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
  std::string ocr = "auto";  // --ocr auto|never|always
  std::string consolidate;   // --consolidate FACTS.jsonl
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

// Streams a finished consolidation to a facts file ("-": stdout; "": none)
// and/or a database, in one pass (Consolidator::Finish runs once).
chiso::Status FinishFacts(chiso::Consolidator& c, const std::string& path, chiso::RecordSink* db) {
  std::unique_ptr<chiso::FactsJsonlWriter> file;
  if (!path.empty()) {
    if (chiso::Status s = chiso::FactsJsonlWriter::Open(path, &file); !s.ok()) return s;
  }
  chiso::Status s;
  if (db == nullptr) {
    s = c.Finish(*file);
  } else {
    s = db->ReplaceFacts([&](chiso::FactsSink& rows) {
      if (!file) return c.Finish(rows);
      chiso::TeeFactsSink both(*file, rows);
      return c.Finish(both);
    });
  }
  if (!s.ok() || !file) return s;
  return file->Close();
}

int RunExtract(const ExtractArgs& a, const std::string& data_dir) {
  // A device or pipe (/dev/null, a FIFO) is written in place: renaming a temp
  // file over it would replace /dev/null with a plain file.
  struct stat out_st {};
  const bool special_output = !a.output.empty() && a.output != "-" &&
                              ::stat(a.output.c_str(), &out_st) == 0 && !S_ISREG(out_st.st_mode);
  const bool to_file = !a.output.empty() && a.output != "-" && !special_output;
  if (a.resume && special_output) return Fail("--resume needs -o FILE (a regular file)", 2);
  if (a.paths.empty() && a.files_from.empty()) {
    return Fail("extract: give files or folders, or --files-from", 2);
  }
  if (a.resume && !to_file) return Fail("--resume needs -o FILE", 2);
  chiso::Shard shard;
  if (!a.shard.empty()) {
    if (chiso::Status s = chiso::ParseShard(a.shard, &shard); !s.ok()) return Fail(s.message(), 2);
  }
  std::unique_ptr<chiso::Pipeline> created;
  if (chiso::Status s = chiso::Pipeline::Create(DataDir(data_dir), &created); !s.ok()) {
    return Fail(s.message());
  }
  // Never freed: the process ends with the run, and taking the compiled
  // patterns apart (with their DFA caches, ~5 ms after a long run; 2.4M
  // instructions after a tiny one) would only delay the exit.
  const chiso::Pipeline& pipeline = *created.release();
  // Inputs stream from the folders as the batch goes, so memory stays flat in
  // the corpus's size; a first pass over the same sources counts them (for
  // progress) and checks the paths. A --files-from list is read once and held.
  std::vector<chiso::InputFile> listed;
  if (!a.files_from.empty()) {
    if (chiso::Status s = chiso::ReadFileList(a.files_from, &listed); !s.ok()) {
      return Fail(s.message(), 2);
    }
  }
  auto open_inputs = [&](std::unique_ptr<chiso::InputSource>* out) -> chiso::Status {
    std::vector<std::unique_ptr<chiso::InputSource>> parts;
    if (!a.paths.empty()) {
      std::unique_ptr<chiso::InputSource> tree;
      if (chiso::Status s = chiso::OpenInputs(a.paths, &tree); !s.ok()) return s;
      parts.push_back(std::move(tree));
    }
    if (!a.files_from.empty()) parts.push_back(chiso::VectorInputs(listed));
    std::unique_ptr<chiso::InputSource> all =
        parts.size() == 1 ? std::move(parts[0]) : chiso::MergeInputs(std::move(parts), /*dedup=*/true);
    *out = chiso::FilterInputs(std::move(all), [shard](const std::string& id) { return chiso::InShard(shard, id); });
    return chiso::Status::OK();
  };
  size_t total_inputs = 0;
  {
    std::unique_ptr<chiso::InputSource> counting;
    if (chiso::Status s = open_inputs(&counting); !s.ok()) return Fail(s.message(), 2);
    for (chiso::InputFile f; counting->Next(&f);) ++total_inputs;
  }
  std::unique_ptr<chiso::InputSource> inputs;
  if (chiso::Status s = open_inputs(&inputs); !s.ok()) return Fail(s.message(), 2);

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
  std::unique_ptr<chiso::RecordSink> db;  // SQLite file or postgresql:// URL
  if (!a.db.empty()) {
    if (chiso::Status s = chiso::OpenSink(a.db, &db); !s.ok()) return Fail(s.message());
  }
  // Records stream to stdout, or to a device given with -o, unless they go
  // only to the database.
  std::FILE* stream = nullptr;
  if (special_output) {
    stream = std::fopen(a.output.c_str(), "wb");
    if (stream == nullptr) return Fail("cannot open " + a.output + " for writing");
  } else if (!to_file && a.db.empty()) {
    stream = stdout;
  }
  const bool to_stdout = stream != nullptr;
  // --consolidate: facts of this run's records. Read back from -o FILE at the
  // end (with --resume it holds earlier runs' records too), else folded in as
  // documents are emitted.
  std::unique_ptr<chiso::Consolidator> consolidator;
  if (!a.consolidate.empty()) consolidator = std::make_unique<chiso::Consolidator>();

  chiso::BatchOptions options;
  options.jobs = a.jobs > 0 ? a.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.ingest.ocr = chiso::OcrModeFromName(a.ocr).value_or(chiso::OcrMode::kAuto);
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
    if (to_stdout) std::fflush(stream);
    committed_now += chunk;
    return chiso::Status::OK();
  };
  InstallSignalHandlers();
  ProgressReporter progress(counters, total_inputs, !a.quiet);
  auto start = std::chrono::steady_clock::now();
  auto render = [](const chiso::Document& d, std::string* out) { chiso::AppendJsonLine(d, out); };
  chiso::BatchStats stats = chiso::RunBatch(pipeline, *inputs, options, render,
                                            [&](const chiso::Document& d, const std::string& line) {
    if (!sink_status.ok()) return;
    if (jsonl) {
      uint64_t at = jsonl->Add(line);
      if (a.resume) fresh[d.id] = {d.sha256, at, line.size(), d.failed()};
    } else if (to_stdout) {
      std::fwrite(line.data(), 1, line.size(), stream);
    }
    if (consolidator && !to_file) consolidator->AddDocument(d);
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
                 why.c_str(), committed_now + stats.skipped, total_inputs, committed_now);
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
      ids.reserve(total_inputs);
      std::unique_ptr<chiso::InputSource> again;
      if (chiso::Status s = open_inputs(&again); !s.ok()) return Fail(s.message());
      for (chiso::InputFile f; again->Next(&f);) ids.push_back(f.id);
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
    if (std::fflush(stream) != 0 || std::ferror(stream)) return Fail("write failed on " + (special_output ? a.output : std::string("stdout")));
    if (special_output) std::fclose(stream);
  }
  if (consolidator) {
    if (to_file) {
      if (chiso::Status s = consolidator->AddJsonlFile(a.output); !s.ok()) return Fail(s.message());
    }
    if (chiso::Status s = FinishFacts(*consolidator, a.consolidate, db.get()); !s.ok()) {
      return Fail(s.message());
    }
    if (!a.quiet) {
      const chiso::ConsolidateStats& st = consolidator->stats();
      std::fprintf(stderr, "chiso: consolidated into %s: %zu facts, %zu conflicts (%zu explained)\n",
                   a.consolidate.c_str(), st.facts, st.conflicts, st.explained_conflicts);
    }
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
                                    to_file && db ? " and " : "", db ? chiso::RedactUrl(a.db).c_str() : "");
  }
  return a.strict && stats.failed > 0 ? 1 : 0;
}

int RunLoad(const std::string& input, const std::string& db_path, bool quiet) {
  std::unique_ptr<chiso::RecordSink> db;  // SQLite file or postgresql:// URL
  if (chiso::Status s = chiso::OpenSink(db_path, &db); !s.ok()) return Fail(s.message());
  size_t records = 0;
  if (chiso::Status s = chiso::LoadJsonl(input, db.get(), 1000, &records); !s.ok()) {
    return Fail(s.message());
  }
  chiso::RecordSink::Counts c;
  if (chiso::Status s = db->Count(&c); !s.ok()) return Fail(s.message());
  if (!quiet) {
    std::fprintf(stderr, "chiso: loaded %zu records into %s (now %lld documents, %lld figures, %lld warnings)\n",
                 records, chiso::RedactUrl(db_path).c_str(), static_cast<long long>(c.documents),
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

// eval --diff (issue 6): figures gained, lost and changed between two runs.
int RunEvalDiff(const std::string& old_run, const std::string& new_run, bool json) {
  chiso::RunDiff diff;
  if (chiso::Status s = chiso::DiffRunFiles(old_run, new_run, &diff); !s.ok()) return Fail(s.message());
  if (json) std::cout << chiso::DiffToJson(diff).dump(2) << "\n";
  else std::cout << chiso::FormatDiff(diff);
  return 0;
}

// review (issue 6): the static review site, or precision from verdicts.
struct ReviewArgs {
  std::string run, out, facts, verdicts, verdicts_run, source_root;
  size_t sample = 0, page_size = 1000;
  uint64_t seed = 1;
  bool quiet = false;
};

int RunReview(const ReviewArgs& a, const std::string& data_dir) {
  if (!a.verdicts.empty()) {
    chiso::VerdictReport report;
    const std::string& run = a.verdicts_run.empty() ? a.run : a.verdicts_run;
    if (chiso::Status s = chiso::SummarizeVerdicts(a.verdicts, run, &report); !s.ok()) return Fail(s.message());
    std::cout << chiso::FormatVerdictReport(report);
    return 0;
  }
  if (a.run.empty() || a.out.empty()) return Fail("review: give RUN.jsonl and --out DIR (or --verdicts FILE)", 2);
  std::unique_ptr<chiso::Pipeline> pipeline;
  if (chiso::Status s = chiso::Pipeline::Create(DataDir(data_dir), &pipeline); !s.ok()) return Fail(s.message());
  chiso::ReviewOptions o;
  o.out_dir = a.out;
  o.facts_path = a.facts;
  o.assets_dir = DataDir(data_dir) + "/review/assets";
  o.source_root = a.source_root;
  o.sample = a.sample;
  o.seed = a.seed;
  o.page_size = a.page_size;
  chiso::ReviewStats st;
  auto start = std::chrono::steady_clock::now();
  if (chiso::Status s = chiso::BuildReviewSite(a.run, o, pipeline.get(), &st); !s.ok()) return Fail(s.message());
  if (!a.quiet) {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr,
                 "chiso: review site in %s: %zu documents (%zu index pages), %zu figures (%zu highlighted in "
                 "text), %zu conflicts, %zu sampled, %zu documents without their source text, %.2f s\n",
                 a.out.c_str(), st.documents, st.index_pages, st.figures, st.highlights, st.conflicts, st.sampled,
                 st.sources_missing, secs);
  }
  return 0;
}

// consolidate (issue 11): chiso/1 records in, one fact per fact key and the
// conflicts between sources out (corpus/consolidate.h).
int RunConsolidate(const std::vector<std::string>& inputs, const std::string& output,
                   const std::string& db_target, const chiso::ConsolidateOptions& options, bool quiet) {
  chiso::Consolidator c(options);
  auto start = std::chrono::steady_clock::now();
  for (const std::string& in : inputs) {
    if (chiso::Status s = c.AddJsonlFile(in); !s.ok()) return Fail(s.message());
  }
  std::unique_ptr<chiso::RecordSink> db;
  if (!db_target.empty()) {
    if (chiso::Status s = chiso::OpenSink(db_target, &db); !s.ok()) return Fail(s.message());
  }
  // With --db and no -o, the facts go to the database only.
  const std::string to = !output.empty() ? output : db ? std::string() : std::string("-");
  if (chiso::Status s = FinishFacts(c, to, db.get()); !s.ok()) return Fail(s.message());
  if (!quiet) {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const chiso::ConsolidateStats& st = c.stats();
    std::fprintf(stderr,
                 "chiso: %zu records (%zu with errors, %zu duplicates), %zu figures (%zu used; skipped "
                 "%zu without subject, %zu without year, %zu malformed) -> %zu facts, %zu conflicts "
                 "(%zu explained) in %.2f s; %.1f MB sorted through temporary files\n",
                 st.records, st.error_records, st.duplicate_docs, st.figures, st.used,
                 st.skipped_no_subject, st.skipped_no_year, st.skipped_bad, st.facts, st.conflicts,
                 st.explained_conflicts, secs, st.bytes_spilled / 1e6);
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
  extract->add_option("--db", ea.db,
                      "Also upsert the records into this database: an SQLite file or a "
                      "postgresql:// URL");
  extract->add_option("-j,--jobs", ea.jobs, "Worker threads (default: all cores)")->check(CLI::Range(0, 1024));
  extract->add_option("--shard", ea.shard, "Take only shard K of N (0-based K/N, by a hash of the doc id)");
  extract->add_flag("--resume", ea.resume,
                    "Keep the records already committed to -o FILE and process only the rest");
  extract->add_flag("--strict", ea.strict, "Exit 1 if any document failed");
  extract->add_flag("-q,--quiet", ea.quiet, "No progress or summary on stderr");
  extract->add_option("--consolidate", ea.consolidate,
                      "Also consolidate the run's records into one fact per key, with conflicts "
                      "(FACTS.jsonl; with --db also the facts tables)");
  extract->add_option("--ocr", ea.ocr, "OCR scanned PDF pages: auto (pages without text), never, always")
      ->check(CLI::IsMember({"auto", "never", "always"}));

  auto* load = app.add_subcommand("load", "Import a chiso/1 JSON Lines file into a database");
  std::string load_input, load_db;
  bool load_quiet = false;
  load->add_option("input", load_input, "chiso/1 JSON Lines")->required();
  load->add_option("--db", load_db, "SQLite database file (created if missing) or postgresql:// URL")
      ->required();
  load->add_flag("-q,--quiet", load_quiet, "No summary on stderr");

  auto* eval = app.add_subcommand("eval", "Score predictions against gold (ANNOTATION.md)");
  std::string gold, pred;
  bool json = false;
  eval->add_option("gold", gold, "Gold JSON Lines")->required();
  eval->add_option("pred", pred, "Predicted chiso/1 JSON Lines")->required();
  eval->add_flag("--json", json, "Machine-readable summary");
  bool eval_diff = false;
  eval->add_flag("--diff", eval_diff, "Compare two runs instead: chiso eval --diff OLD.jsonl NEW.jsonl");

  auto* review = app.add_subcommand("review", "Write a static review site, or measure precision from verdicts");
  ReviewArgs ra;
  review->add_option("run", ra.run, "chiso/1 JSON Lines of the run");
  review->add_option("--out", ra.out, "Folder to write the site into");
  review->add_option("--facts", ra.facts, "Facts and conflicts from chiso consolidate (conflicts listed first)");
  review->add_option("--sample", ra.sample, "Figures on the spot-check page sample.html (stratified by type, rule)");
  review->add_option("--seed", ra.seed, "Seed of the sample (same seed, same sample)");
  review->add_option("--page-size", ra.page_size, "Documents per index page (default 1000)")
      ->check(CLI::Range(1, 1000000));
  review->add_option("--source-root", ra.source_root, "Also look for the documents' files under this folder");
  review->add_option("--verdicts", ra.verdicts, "Verdicts exported from sample.html: print precision per type and rule");
  review->add_option("--run", ra.verdicts_run, "With --verdicts: fill missing fields from this run");
  review->add_flag("-q,--quiet", ra.quiet, "No summary on stderr");

  auto* consolidate = app.add_subcommand(
      "consolidate", "Merge chiso/1 records into one fact per key, with conflicts found and explained");
  std::vector<std::string> cons_inputs;
  std::string cons_output;
  chiso::ConsolidateOptions cons_options;
  size_t cons_memory_mb = cons_options.memory_bytes >> 20;
  bool cons_quiet = false;
  consolidate->add_option("inputs", cons_inputs, "chiso/1 JSON Lines files ('-' for stdin)")->required();
  consolidate->add_option("-o,--output", cons_output, "Facts and conflicts JSON Lines (default: stdout)");
  consolidate->add_option("--max-sources", cons_options.max_sources, "Sources kept per value of a fact (default 4)")
      ->check(CLI::Range(0, 1000000));
  consolidate->add_option("--memory", cons_memory_mb,
                          "MB for sort buffers; beyond, figures and facts are sorted through temporary "
                          "files (default 64)")
      ->check(CLI::Range(1, 1 << 20));
  consolidate->add_option("--temp-dir", cons_options.temp_dir,
                          "Directory for those temporary files (default $TMPDIR or /tmp)")
      ->check(CLI::ExistingDirectory);
  consolidate->add_flag("-q,--quiet", cons_quiet, "No summary on stderr");
  std::string cons_db;
  consolidate->add_option("--db", cons_db,
                          "Replace the tables facts, fact_sources, conflicts of this database (SQLite "
                          "file or postgresql:// URL); without -o nothing goes to stdout");

  // merge (issue 10): the outputs of `extract --shard K/N` tasks -> one
  // doc-id-ordered file (corpus/merge.h), then optionally into the database.
  // Exit 2 when the shards are refused (unsorted, overlapping, missing).
  auto* merge = app.add_subcommand("merge", "Merge the outputs of sharded extract runs into one");
  std::vector<std::string> merge_inputs;
  std::string merge_output, merge_db, merge_list;
  uint64_t merge_shards = 0;
  bool merge_quiet = false;
  merge->add_option("inputs", merge_inputs, "chiso/1 JSON Lines, one per shard")->required();
  merge->add_option("-o,--output", merge_output, "Merged JSON Lines (written atomically)")->required();
  merge->add_option("--shards", merge_shards,
                    "Check the inputs are exactly the shards 0/N ... N-1/N of one run")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 20));
  merge->add_option("--files-from", merge_list,
                    "Check the merge holds exactly the documents of this list (as given to extract)");
  merge->add_option("--db", merge_db,
                    "Then upsert the merged records into this database (SQLite file or postgresql:// URL)");
  merge->add_flag("-q,--quiet", merge_quiet, "No summary on stderr");
  auto run_merge = [&]() -> int {
    chiso::MergeOptions options;
    options.shards = merge_shards;
    std::vector<std::string> expected;
    if (!merge_list.empty()) {
      std::vector<chiso::InputFile> listed;
      if (chiso::Status s = chiso::ReadFileList(merge_list, &listed); !s.ok()) return Fail(s.message(), 2);
      for (const auto& f : listed) expected.push_back(f.id);  // sorted, unique
      options.expected_ids = &expected;
    }
    chiso::MergeStats stats;
    if (chiso::Status s = chiso::MergeShards(merge_inputs, merge_output, options, &stats); !s.ok()) {
      if (stats.refused) {
        Fail(s.message());
        return Fail(merge_output + " left as it was; the shard files are untouched", 2);
      }
      return Fail(s.message());
    }
    if (!merge_quiet) {
      std::fprintf(stderr, "chiso: merged %zu files into %s: %zu records\n", merge_inputs.size(),
                   merge_output.c_str(), stats.records);
      for (size_t i = 0; i < merge_inputs.size(); ++i) {
        std::fprintf(stderr, "chiso:   %s: %zu records", merge_inputs[i].c_str(), stats.input_records[i]);
        if (stats.input_shard[i] >= 0) {
          std::fprintf(stderr, ", shard %lld/%llu", static_cast<long long>(stats.input_shard[i]),
                       static_cast<unsigned long long>(merge_shards));
        }
        std::fputs("\n", stderr);
      }
    }
    if (merge_db.empty()) return 0;
    if (int rc = RunLoad(merge_output, merge_db, merge_quiet); rc != 0) {
      return Fail(merge_output + " is complete; load it again with: chiso load " + merge_output +
                  " --db " + chiso::RedactUrl(merge_db), rc);
    }
    return 0;
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (*extract) return RunExtract(ea, data_dir);
  if (*load) return RunLoad(load_input, load_db, load_quiet);
  if (*eval) return eval_diff ? RunEvalDiff(gold, pred, json) : RunEval(gold, pred, json);
  if (*review) return RunReview(ra, data_dir);
  if (*consolidate) {
    cons_options.memory_bytes = cons_memory_mb << 20;
    return RunConsolidate(cons_inputs, cons_output, cons_db, cons_options, cons_quiet);
  }
  if (*merge) return run_merge();
  return 2;
}
