#include "corpus/pipeline.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>
#include <utility>

#include "extract/extractor.h"
#include "ingest/html.h"
#include "ingest/pdf.h"
#include "normalize/decode.h"
#include "normalize/normalize.h"
#include "normalize/sentences.h"
#include "normalize/syllables.h"
#include "schema/validator.h"

namespace chiso {

namespace {

// What a PDF or HTML converter knows beyond the text.
struct ConvertedText {
  std::vector<size_t> page_starts;  // PDFs: page offsets into the converted text
  std::vector<int> ocr_pages;       // PDFs: pages read by OCR (1-based, sorted)
  std::string title, date;
  bool metadata_wins = false;       // HTML metadata beats the extractor's guesses
};

bool ConvertToText(Document& doc, const IngestOptions& options, ConvertedText* c) {
  std::string text, encoding = "UTF-8";
  Error error;
  if (doc.format == Format::kPdf) {
    PdfText pdf;
    PdfOptions pdf_options;
    pdf_options.ocr = options.ocr;
    if (!ExtractPdfText(doc.bytes, pdf_options, &pdf, &error)) {
      doc.Fail(error.code, error.message);
      return false;
    }
    doc.pages = pdf.pages;
    if (!pdf.ocr_note.empty()) {
      doc.Warn("ocr_unavailable", "pages to OCR were read from their text layer only: " + pdf.ocr_note);
    }
    if (pdf.ocr_skipped > 0) {
      doc.Warn("ocr_skipped", std::to_string(pdf.ocr_skipped) +
                                  " page(s) without a text layer were not read (OCR page limit)");
    }
    c->ocr_pages = std::move(pdf.ocr_pages);
    c->page_starts = std::move(pdf.page_starts);
    c->title = std::move(pdf.title);
    c->date = std::move(pdf.date);
    text = std::move(pdf.text);
  } else {
    HtmlText html;
    if (!ExtractHtmlText(doc.bytes, &html, &error)) {
      doc.Fail(error.code, error.message);
      return false;
    }
    c->title = std::move(html.title);
    c->date = std::move(html.date);
    c->metadata_wins = true;
    encoding = html.encoding;
    text = std::move(html.text);
  }
  std::string raw = std::exchange(doc.bytes, std::move(text));
  Decode(doc);
  doc.bytes = std::move(raw);
  if (encoding != "UTF-8" && doc.encoding.rfind("UTF-8", 0) == 0) {
    doc.encoding = encoding + doc.encoding.substr(5);
  }
  return !doc.failed();
}

void ApplyConverted(const ConvertedText& c, Document& doc) {
  if (!c.page_starts.empty()) {
    for (Figure& f : doc.figures) {
      f.page = PageOfOffset(c.page_starts, doc.source_map.ToSource(f.span.begin));
      // OCR misreads digits and tone marks: its figures are less sure.
      if (std::binary_search(c.ocr_pages.begin(), c.ocr_pages.end(), *f.page)) {
        f.confidence *= kOcrConfidenceFactor;
      }
    }
  }
  if (!c.ocr_pages.empty()) {
    std::string pages;
    for (int p : c.ocr_pages) pages += (pages.empty() ? "" : ", ") + std::to_string(p);
    char factor[16];
    std::snprintf(factor, sizeof factor, "%g", kOcrConfidenceFactor);
    doc.Warn("ocr", "text of page(s) " + pages +
                        " was read by OCR (Tesseract); the confidence of their figures is multiplied by " + factor);
  }
  if (!c.title.empty() && (c.metadata_wins || doc.title.empty())) doc.title = c.title;
  if (!c.date.empty() && (c.metadata_wins || doc.date.empty())) doc.date = c.date;
}

}  // namespace

Pipeline::Pipeline() = default;
Pipeline::~Pipeline() = default;

Status Pipeline::Create(const std::string& data_dir, std::unique_ptr<Pipeline>* out) {
  std::unique_ptr<Pipeline> p(new Pipeline());
  std::string schema = (std::filesystem::path(data_dir) / "schema" / "chiso1.schema.json").string();
  Status validator_status;
  std::thread validator_thread([&] { validator_status = Validator::Load(schema, &p->validator_); });
  Status extractor_status = Extractor::Create(data_dir, &p->extractor_);
  validator_thread.join();
  if (!extractor_status.ok()) return extractor_status;
  if (!validator_status.ok()) return validator_status;
  // A splitter is created per thread later; fail now if ICU cannot make one.
  Status st;
  if (!SentenceSplitter::Create(&st) || !st.ok()) {
    return Status::Error("sentence splitter: " + st.message());
  }
  *out = std::move(p);
  return Status::OK();
}

void Pipeline::Process(Document& doc) const { Process(doc, IngestOptions{}); }

void Pipeline::Process(Document& doc, const IngestOptions& options) const {
  Document* one[] = {&doc};
  ProcessAll(one, options);
}

void Pipeline::ProcessAll(std::span<Document* const> docs, const IngestOptions& options) const {
  // Stage by stage, as Extractor::ExtractAll: each stage's tables stay cached.
  // live[k]: the k-th document still going, converted[k] what its
  // conversion knows.
  thread_local std::vector<Document*> live;
  thread_local std::vector<ConvertedText> converted;
  live.clear();
  converted.resize(std::max(converted.size(), docs.size()));
  for (Document* doc : docs) {
    if (doc->failed()) continue;
    // PDF and HTML become text first; that text is then decoded as if it
    // were the file (so legacy-font mojibake is caught) and source_map
    // points into it rather than into the file's bytes.
    ConvertedText& c = converted[live.size()];
    c = ConvertedText();
    if (doc->format == Format::kText) {
      Decode(*doc);
    } else if (!ConvertToText(*doc, options, &c)) {
      continue;
    }
    if (!doc->failed()) live.push_back(doc);
  }
  for (Document* doc : live) NormalizeText(*doc);
  for (Document* doc : live) RejoinSplitSyllables(*doc);
  thread_local std::unique_ptr<SentenceSplitter> splitter;
  if (!splitter) {
    Status st;
    splitter = SentenceSplitter::Create(&st);
    if (!splitter) {
      for (Document* doc : live) doc->Fail("internal", "sentence splitter: " + st.message());
      return;
    }
  }
  for (Document* doc : live) splitter->Split(*doc);
  extractor_->ExtractAll(live);
  for (size_t k = 0; k < live.size(); ++k) {
    Document& doc = *live[k];
    ApplyConverted(converted[k], doc);
    converted[k] = ConvertedText();  // a PDF's pages are not kept past it
    if (Status s = validator_->Validate(doc); !s.ok()) {
      // The record itself breaks the contract: a bug upstream. Keep the
      // output valid and say so rather than emit a broken line.
      doc.figures.clear();
      doc.Fail("schema_violation", s.message());
    }
  }
}

namespace {

namespace fs = std::filesystem;

// One folder tree, depth-first, each folder's entries sorted by name with a
// '/' after folder names: that is byte order of the ids under the root.
class TreeInputs : public InputSource {
 public:
  explicit TreeInputs(const fs::path& root) { Push(root.string(), ""); }
  bool Next(InputFile* out) override {
    while (!stack_.empty()) {
      Frame& top = stack_.back();
      if (top.pos == top.entries.size()) {
        stack_.pop_back();
        continue;
      }
      const Entry& e = top.entries[top.pos++];
      if (e.dir) {
        std::string dir = Join(top.dir, e.name);
        std::string prefix = top.prefix + e.name + "/";
        Push(std::move(dir), std::move(prefix));  // invalidates `top` and `e`
        continue;
      }
      out->path = Join(top.dir, e.name);
      out->id = top.prefix + e.name;
      return true;
    }
    return false;
  }

 private:
  struct Entry {
    std::string name;  // file name; sorted by name + ("/" if dir)
    bool dir = false;
  };
  struct Frame {
    std::string dir;
    std::string prefix;  // id of the folder, with its '/'
    std::vector<Entry> entries;
    size_t pos = 0;
  };
  // As fs::path's operator/ joins a relative name.
  static std::string Join(const std::string& dir, const std::string& name) {
    std::string p = dir;
    if (!p.empty() && p.back() != '/') p += '/';
    p += name;
    return p;
  }
  // readdir, not fs::directory_iterator: the iterator builds and splits a
  // path per entry, ~3k instructions a file, 2-3% of a run over small files.
  // The entry type comes from d_type; links and unknown types take a stat.
  void Push(std::string dir, std::string prefix) {
    Frame f;
    f.dir = std::move(dir);
    f.prefix = std::move(prefix);
    if (DIR* d = opendir(f.dir.c_str())) {
      while (const dirent* de = readdir(d)) {
        std::string name = de->d_name;
        if (name.empty() || name[0] == '.') continue;  // hidden (and . ..)
        bool is_dir = de->d_type == DT_DIR, is_file = de->d_type == DT_REG;
        if (de->d_type == DT_LNK || de->d_type == DT_UNKNOWN) {
          // Followed, as fs::is_directory / is_regular_file follow links;
          // a symlinked folder is skipped (no loops).
          const std::string path = Join(f.dir, name);
          struct stat st;
          bool link = de->d_type == DT_LNK;
          if (!link && lstat(path.c_str(), &st) == 0) link = S_ISLNK(st.st_mode);
          if (stat(path.c_str(), &st) != 0) continue;  // broken link, gone
          if (S_ISDIR(st.st_mode) && link) continue;
          is_dir = S_ISDIR(st.st_mode);
          is_file = S_ISREG(st.st_mode);
        }
        if (is_dir) {
          f.entries.push_back({std::move(name), true});
        } else if (is_file) {
          if (name.ends_with(".jsonl")) continue;  // annotations (gold.jsonl among them)
          f.entries.push_back({std::move(name), false});
        }
      }
      closedir(d);
    }
    std::sort(f.entries.begin(), f.entries.end(), [](const Entry& a, const Entry& b) {
      // Compare as if folder names ended with '/'.
      size_t n = std::min(a.name.size(), b.name.size());
      int c = a.name.compare(0, n, b.name, 0, n);
      if (c != 0) return c < 0;
      auto at = [](const Entry& x, size_t i) -> int {
        if (i < x.name.size()) return static_cast<unsigned char>(x.name[i]);
        return x.dir && i == x.name.size() ? '/' : -1;
      };
      return at(a, n) < at(b, n);
    });
    stack_.push_back(std::move(f));
  }
  std::vector<Frame> stack_;
};

class VectorSource : public InputSource {
 public:
  explicit VectorSource(std::vector<InputFile> v) : v_(std::move(v)) {}
  bool Next(InputFile* out) override {
    if (pos_ == v_.size()) return false;
    *out = std::move(v_[pos_++]);
    return true;
  }

 private:
  std::vector<InputFile> v_;
  size_t pos_ = 0;
};

class MergeSource : public InputSource {
 public:
  MergeSource(std::vector<std::unique_ptr<InputSource>> sources, bool dedup)
      : sources_(std::move(sources)), heads_(sources_.size()), live_(sources_.size()), dedup_(dedup) {
    for (size_t i = 0; i < sources_.size(); ++i) live_[i] = sources_[i]->Next(&heads_[i]);
  }
  bool Next(InputFile* out) override {
    for (;;) {
      size_t best = sources_.size();
      for (size_t i = 0; i < sources_.size(); ++i) {
        if (live_[i] && (best == sources_.size() || heads_[i].id < heads_[best].id)) best = i;
      }
      if (best == sources_.size()) return false;
      *out = std::move(heads_[best]);
      live_[best] = sources_[best]->Next(&heads_[best]);
      if (dedup_ && has_last_ && out->id == last_) continue;
      if (dedup_) {
        last_ = out->id;
        has_last_ = true;
      }
      return true;
    }
  }

 private:
  std::vector<std::unique_ptr<InputSource>> sources_;
  std::vector<InputFile> heads_;
  std::vector<char> live_;
  bool dedup_;
  bool has_last_ = false;
  std::string last_;
};

class FilterSource : public InputSource {
 public:
  FilterSource(std::unique_ptr<InputSource> s, std::function<bool(const std::string&)> keep)
      : s_(std::move(s)), keep_(std::move(keep)) {}
  bool Next(InputFile* out) override {
    while (s_->Next(out)) {
      if (keep_(out->id)) return true;
    }
    return false;
  }

 private:
  std::unique_ptr<InputSource> s_;
  std::function<bool(const std::string&)> keep_;
};

}  // namespace

std::unique_ptr<InputSource> VectorInputs(std::vector<InputFile> inputs) {
  return std::make_unique<VectorSource>(std::move(inputs));
}

std::unique_ptr<InputSource> MergeInputs(std::vector<std::unique_ptr<InputSource>> sources,
                                         bool dedup) {
  return std::make_unique<MergeSource>(std::move(sources), dedup);
}

std::unique_ptr<InputSource> FilterInputs(std::unique_ptr<InputSource> source,
                                          std::function<bool(const std::string& id)> keep) {
  return std::make_unique<FilterSource>(std::move(source), std::move(keep));
}

Status OpenInputs(const std::vector<std::string>& paths, std::unique_ptr<InputSource>* out) {
  std::vector<std::unique_ptr<InputSource>> sources;
  for (const std::string& arg : paths) {
    std::error_code ec;
    fs::path root(arg);
    auto st = fs::status(root, ec);
    if (ec || !fs::exists(st)) return Status::Error(arg + ": no such file or directory");
    if (!fs::is_directory(st)) {
      sources.push_back(VectorInputs({{arg, root.filename().string()}}));
      continue;
    }
    fs::directory_iterator probe(root, ec);
    if (ec) return Status::Error(arg + ": " + ec.message());
    sources.push_back(std::make_unique<TreeInputs>(root));
  }
  *out = sources.size() == 1 ? std::move(sources[0]) : MergeInputs(std::move(sources), false);
  return Status::OK();
}

Status CollectInputs(const std::vector<std::string>& paths, std::vector<InputFile>* out) {
  out->clear();
  std::unique_ptr<InputSource> src;
  if (Status s = OpenInputs(paths, &src); !s.ok()) return s;
  for (InputFile f; src->Next(&f);) out->push_back(std::move(f));
  return Status::OK();
}

BatchStats RunBatch(const Pipeline& pipeline, const std::vector<InputFile>& inputs,
                    const BatchOptions& options, const std::function<void(const Document&)>& emit) {
  VectorSource src(inputs);
  return RunBatch(pipeline, src, options, emit);
}

BatchStats RunBatch(const Pipeline& pipeline, InputSource& inputs, const BatchOptions& options,
                    const std::function<void(const Document&, std::string*)>& render,
                    const std::function<void(const Document&, const std::string&)>& emit) {
  BatchStats stats;
  const int jobs = std::max(1, options.jobs);
  auto account = [&](const Document& d) {
    ++stats.documents;
    stats.failed += d.failed();
    stats.figures += d.figures.size();
    stats.bytes += d.bytes.size();
  };
  auto stop_requested = [&] { return options.stop && options.stop->load(); };
  struct Record {
    Document doc;
    std::string line;
    size_t i = 0, bytes = 0;
    bool keep = false;
  };
  // A thread takes up to kGroup inputs at a time (numbered in a row) and
  // processes them together, Pipeline::ProcessAll: each stage then runs over
  // all of them in turn and keeps its tables cached (-14% a document in
  // bench/stages_bench BM_Pipeline/32 against /1, -20% for chiso extract on 20,000
  // generated articles). They are loaded kGroupBytes at most at a time, so
  // big files go one by one.
  constexpr size_t kGroup = 32;
  constexpr size_t kGroupBytes = 1 << 20;
  // Loads, processes and renders files[at, ...) (numbered from first + at)
  // into recs, up to kGroupBytes of input or a PDF (at least one file);
  // returns how many. A record `skip` dropped is loaded only (keep = false).
  auto process_some = [&](const std::vector<InputFile>& files, size_t at, size_t first,
                          std::vector<Record>* recs) {
    thread_local std::vector<Document*> docs;
    docs.clear();
    size_t m = 0, bytes = 0;
    for (bool pdf = false; at + m < files.size() && bytes < kGroupBytes && !pdf; ++m) {
      Record& r = (*recs)[m];
      r.doc = Document();
      r.line.clear();
      r.i = first + at + m;
      LoadDocument(files[at + m].path, files[at + m].id, options.ingest, &r.doc);
      r.keep = !(options.skip && options.skip(r.doc));
      if (r.keep) docs.push_back(&r.doc);
      bytes += r.doc.bytes.size();
      // A PDF ends the group: its conversion (OCR above all) can take
      // seconds, and the records before it wait for the whole group.
      pdf = r.doc.format == Format::kPdf;
    }
    pipeline.ProcessAll(docs, options.ingest);
    for (size_t k = 0; k < m; ++k) {
      Record& r = (*recs)[k];
      if (r.keep && render) render(r.doc, &r.line);
      r.bytes = r.doc.bytes.capacity() + r.doc.text.capacity() + r.line.capacity();
    }
    return m;
  };
  if (jobs == 1) {
    std::vector<InputFile> files;
    std::vector<Record> recs(kGroup);
    for (;;) {
      files.clear();
      for (InputFile f; files.size() < kGroup && inputs.Next(&f);) files.push_back(std::move(f));
      for (size_t at = 0; at < files.size();) {
        const size_t m = process_some(files, at, 0, &recs);
        at += m;
        for (size_t k = 0; k < m; ++k) {
          if (stop_requested()) {
            stats.stopped = true;
            return stats;
          }
          if (recs[k].keep) {
            emit(recs[k].doc, recs[k].line);
            account(recs[k].doc);
          } else {
            ++stats.skipped;
          }
        }
      }
      if (files.size() < kGroup) break;
    }
    return stats;
  }
  // Ordered parallel map over a ring of slots: record i goes to slot i % ring
  // once the writer has released it; the writer drains slots in order.
  // Inputs are taken from the source under the lock, numbered as taken, a
  // group at a time.
  // --jobs N is N-1 worker threads and the calling thread, which writes the
  // records in order and, whenever none is ready to write, processes a group
  // itself. (A writer thread besides N workers made N+1 threads on N cores:
  // each wake-up of the writer preempted a worker, and a worker slept
  // whenever the writer could not get a core.)
  // The ring holds three groups a thread, so that a thread finishing a group
  // finds room while the others still process theirs, and one slow document
  // (a compile of lazy regexes, a big file) does not stall the others behind
  // it; the slots past the first 4 a thread are used only while the records
  // held stay under kHeldBytes, so memory stays bounded with big documents.
  constexpr size_t kHeldBytes = 32 << 20;
  const size_t base = static_cast<size_t>(jobs) * 4;
  const size_t ring = static_cast<size_t>(jobs) * 3 * kGroup;
  std::vector<Document> slots(ring);
  std::vector<std::string> lines(ring);  // render's output, per slot
  std::vector<size_t> sizes(ring, 0);    // bytes a filled slot holds
  std::vector<size_t> owner(ring, 0);    // the thread that made it
  std::vector<char> ready(ring, 0), kept(ring, 0);
  std::mutex mu;
  // Each side is signalled only when it waits (a wake-up per document cost
  // ~3 futex calls a document, ~9% more CPU at --jobs 2).
  std::condition_variable space, filled;  // a slot was released / the next one filled
  int workers_waiting = 0;                // guarded by mu
  bool writer_waiting = false;            // guarded by mu
  size_t held = 0;                        // guarded by mu: bytes of filled slots
  size_t taken = 0, written = 0;  // guarded by mu
  bool exhausted = false;          // guarded by mu: the source is at its end
  bool quit = false;               // guarded by mu: the writer stopped early
  // Whether record i (of `bytes`) may go into its slot now. Within the first
  // `base` slots always (so the next record to write always can).
  auto fits = [&](size_t i, size_t bytes) {
    if (i < written + base) return true;
    return i < written + ring && held + bytes <= kHeldBytes;
  };
  auto place = [&](Record& r, size_t from) {  // under mu; REQUIRES: fits
    const size_t k = r.i % ring;
    slots[k] = std::move(r.doc);
    lines[k] = std::move(r.line);
    kept[k] = r.keep;
    sizes[k] = r.bytes;
    owner[k] = from;
    ready[k] = 1;
    held += r.bytes;
    // The writer waits only when it has nothing else to do.
    if (writer_waiting && (ready[written % ring] || exhausted)) filled.notify_one();
  };
  // Takes up to kGroup inputs under mu into *files, numbered from *first;
  // false if the source had none left.
  auto take = [&](std::vector<InputFile>* files, size_t* first) {
    files->clear();
    *first = taken;
    for (InputFile f; files->size() < kGroup;) {
      if (!inputs.Next(&f)) {
        exhausted = true;
        if (writer_waiting) filled.notify_one();
        break;
      }
      files->push_back(std::move(f));
    }
    taken += files->size();
    return !files->empty();
  };
  // Records the writer is done with go back to the thread that made them and
  // are freed there, in its own malloc arena, not on the writer.
  struct Spent {
    std::vector<Document> docs;
    std::vector<std::string> lines;
  };
  const size_t self = static_cast<size_t>(jobs) - 1;  // the calling thread's number
  std::vector<Spent> spent(static_cast<size_t>(jobs));  // guarded by mu
  auto worker = [&](size_t w) {
    std::vector<InputFile> files;
    std::vector<Record> recs(kGroup);
    Spent to_free;  // taken under mu, freed after unlocking
    for (;;) {
      size_t first;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (quit || exhausted) return;
        std::swap(to_free, spent[w]);
        if (!take(&files, &first)) return;
      }
      to_free.docs.clear();
      to_free.lines.clear();
      for (size_t at = 0; at < files.size();) {
        const size_t m = process_some(files, at, first, &recs);
        at += m;
        // In order: the lowest record this thread holds is the one the
        // writer may be waiting for.
        std::unique_lock<std::mutex> lock(mu);
        for (size_t k = 0; k < m; ++k) {
          while (!(quit || fits(recs[k].i, recs[k].bytes))) {
            if (writer_waiting && ready[written % ring]) filled.notify_one();
            ++workers_waiting;
            space.wait(lock);
            --workers_waiting;
          }
          if (quit) return;
          place(recs[k], w);
        }
      }
    }
  };
  std::vector<std::thread> threads;
  for (size_t t = 0; t < self; ++t) threads.emplace_back(worker, t);
  // The calling thread. It takes every record ready in order at once and
  // emits them outside the lock; their slots are free as soon as taken, their
  // bytes count in `held` until emitted.
  std::vector<Record> batch;
  std::vector<size_t> batch_from;
  size_t batch_bytes = 0;
  std::vector<InputFile> my_files;  // the group this thread took
  size_t my_first = 0, my_at = 0;   // its first number; how many are processed
  std::vector<Record> mine(kGroup);  // processed by this thread
  size_t mine_n = 0, mine_placed = 0;  // mine[mine_placed, mine_n) wait to be placed
  for (;;) {
    // This thread's own spent records are freed here, outside the lock.
    for (size_t k = 0; k < batch.size(); ++k) {
      if (batch_from[k] == self) batch[k] = Record();
    }
    bool work = false;  // process the next files of my_files
    {
      std::unique_lock<std::mutex> lock(mu);
      held -= batch_bytes;
      batch_bytes = 0;
      for (size_t k = 0; k < batch.size(); ++k) {
        if (batch_from[k] == self) continue;  // freed above
        spent[batch_from[k]].docs.push_back(std::move(batch[k].doc));
        spent[batch_from[k]].lines.push_back(std::move(batch[k].line));
      }
      while (mine_placed < mine_n && fits(mine[mine_placed].i, mine[mine_placed].bytes)) {
        place(mine[mine_placed++], self);
      }
      const bool pending = mine_placed < mine_n;
      if (ready[written % ring] == 0) {
        if (batch.size() > 0 && workers_waiting > 0) space.notify_all();
        batch.clear();
        batch_from.clear();
        if (exhausted && written == taken) break;  // every input written
        if (!pending && my_at < my_files.size()) {
          work = true;
        } else if (pending || exhausted || quit || taken >= written + ring) {
          // Nothing to write or take: the next record is being processed.
          writer_waiting = true;
          filled.wait(lock);
          writer_waiting = false;
          continue;
        } else {
          my_at = 0;
          if (!take(&my_files, &my_first)) continue;
          work = true;
        }
      } else {
        batch.clear();
        batch_from.clear();
        for (; ready[written % ring] != 0; ++written) {
          const size_t k = written % ring;
          batch.push_back({std::move(slots[k]), std::move(lines[k]), written, sizes[k], kept[k] != 0});
          batch_from.push_back(owner[k]);
          batch_bytes += sizes[k];
          ready[k] = 0;
        }
        if (workers_waiting > 0) space.notify_all();
      }
    }
    if (work) {  // placed at the top of the loop, as they fit
      mine_n = process_some(my_files, my_at, my_first, &mine);
      mine_placed = 0;
      my_at += mine_n;
      continue;
    }
    for (Record& r : batch) {
      if (stop_requested()) break;
      if (r.keep) {
        emit(r.doc, r.line);
        account(r.doc);
      } else {
        ++stats.skipped;
      }
    }
    if (stop_requested()) {
      stats.stopped = true;
      break;
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    quit = true;
  }
  space.notify_all();
  for (auto& t : threads) t.join();
  return stats;
}

BatchStats RunBatch(const Pipeline& pipeline, InputSource& inputs, const BatchOptions& options,
                    const std::function<void(const Document&)>& emit) {
  return RunBatch(pipeline, inputs, options, nullptr,
                  [&](const Document& doc, const std::string&) { emit(doc); });
}

}  // namespace chiso
