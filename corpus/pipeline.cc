#include "corpus/pipeline.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
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
  std::string title, date;
  bool metadata_wins = false;       // HTML metadata beats the extractor's guesses
};

bool ConvertToText(Document& doc, ConvertedText* c) {
  std::string text, encoding = "UTF-8";
  Error error;
  if (doc.format == Format::kPdf) {
    PdfText pdf;
    if (!ExtractPdfText(doc.bytes, PdfOptions{}, &pdf, &error)) {
      doc.Fail(error.code, error.message);
      return false;
    }
    doc.pages = pdf.pages;
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
    for (Figure& f : doc.figures) f.page = PageOfOffset(c.page_starts, doc.source_map.ToSource(f.span.begin));
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

void Pipeline::Process(Document& doc) const {
  if (doc.failed()) return;
  // PDF and HTML become text first; that text is then decoded as if it were
  // the file (so legacy-font mojibake is caught) and source_map points into
  // it rather than into the file's bytes.
  ConvertedText converted;
  if (doc.format == Format::kText) {
    Decode(doc);
  } else if (!ConvertToText(doc, &converted)) {
    return;
  }
  if (doc.failed()) return;
  NormalizeText(doc);
  RejoinSplitSyllables(doc);
  thread_local std::unique_ptr<SentenceSplitter> splitter;
  if (!splitter) {
    Status st;
    splitter = SentenceSplitter::Create(&st);
    if (!splitter) {
      doc.Fail("internal", "sentence splitter: " + st.message());
      return;
    }
  }
  splitter->Split(doc);
  extractor_->Extract(doc);
  ApplyConverted(converted, doc);
  if (Status s = validator_->Validate(doc); !s.ok()) {
    // The record itself breaks the contract: a bug upstream. Keep the output
    // valid and say so rather than emit a broken line.
    doc.figures.clear();
    doc.Fail("schema_violation", s.message());
  }
}

Status CollectInputs(const std::vector<std::string>& paths, std::vector<InputFile>* out) {
  namespace fs = std::filesystem;
  out->clear();
  for (const std::string& arg : paths) {
    std::error_code ec;
    fs::path root(arg);
    auto st = fs::status(root, ec);
    if (ec || !fs::exists(st)) return Status::Error(arg + ": no such file or directory");
    if (!fs::is_directory(st)) {
      out->push_back({arg, root.filename().string()});
      continue;
    }
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
    if (ec) return Status::Error(arg + ": " + ec.message());
    for (; it != end; it.increment(ec)) {
      if (ec) return Status::Error(arg + ": " + ec.message());
      const fs::path& p = it->path();
      std::string name = p.filename().string();
      if (!name.empty() && name[0] == '.') {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_symlink(ec) && it->is_directory(ec)) {
        it.disable_recursion_pending();
        continue;
      }
      if (!it->is_regular_file(ec)) continue;
      if (name == "gold.jsonl" || p.extension() == ".jsonl") continue;  // annotations, not documents
      out->push_back({p.string(), fs::relative(p, root, ec).generic_string()});
    }
  }
  std::stable_sort(out->begin(), out->end(),
                   [](const InputFile& a, const InputFile& b) { return a.id < b.id; });
  return Status::OK();
}

BatchStats RunBatch(const Pipeline& pipeline, const std::vector<InputFile>& inputs,
                    const BatchOptions& options, const std::function<void(const Document&)>& emit) {
  BatchStats stats;
  const size_t n = inputs.size();
  const int jobs = std::max(1, options.jobs);
  auto account = [&](const Document& d) {
    ++stats.documents;
    stats.failed += d.failed();
    stats.figures += d.figures.size();
    stats.bytes += d.bytes.size();
  };
  auto stop_requested = [&] { return options.stop && options.stop->load(); };
  // Loads and processes one input; false when `skip` dropped it.
  auto run_one = [&](const InputFile& f, Document* doc) {
    LoadDocument(f.path, f.id, options.ingest, doc);
    if (options.skip && options.skip(*doc)) return false;
    pipeline.Process(*doc);
    return true;
  };
  if (jobs == 1) {
    for (const InputFile& f : inputs) {
      if (stop_requested()) {
        stats.stopped = true;
        break;
      }
      Document doc;
      if (!run_one(f, &doc)) {
        ++stats.skipped;
        continue;
      }
      emit(doc);
      account(doc);
    }
    return stats;
  }
  // Ordered parallel map over a ring of slots: worker i fills slot i % ring
  // once the writer has released it; the writer drains slots in order.
  const size_t ring = static_cast<size_t>(jobs) * 4;
  std::vector<Document> slots(ring);
  std::vector<char> ready(ring, 0), kept(ring, 0);
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<size_t> next{0};
  size_t written = 0;
  bool quit = false;  // guarded by mu: the writer stopped early
  auto worker = [&] {
    for (;;) {
      size_t i = next.fetch_add(1);
      if (i >= n) return;
      Document doc;
      bool keep = run_one(inputs[i], &doc);
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return quit || i < written + ring; });
      if (quit) return;
      slots[i % ring] = std::move(doc);
      kept[i % ring] = keep;
      ready[i % ring] = 1;
      cv.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < jobs; ++t) threads.emplace_back(worker);
  while (written < n) {
    if (stop_requested()) {
      stats.stopped = true;
      break;
    }
    Document doc;
    bool keep;
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return ready[written % ring] != 0; });
      doc = std::move(slots[written % ring]);
      keep = kept[written % ring];
      ready[written % ring] = 0;
    }
    if (keep) {
      emit(doc);
      account(doc);
    } else {
      ++stats.skipped;
    }
    {
      std::lock_guard<std::mutex> lock(mu);
      ++written;
    }
    cv.notify_all();
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    quit = true;
    next.store(n);  // no new work once the writer is done
  }
  cv.notify_all();
  for (auto& t : threads) t.join();
  return stats;
}

}  // namespace chiso
