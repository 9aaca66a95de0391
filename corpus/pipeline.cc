#include "corpus/pipeline.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "extract/extractor.h"
#include "normalize/decode.h"
#include "normalize/normalize.h"
#include "normalize/sentences.h"
#include "schema/validator.h"

namespace chiso {

Pipeline::Pipeline() = default;
Pipeline::~Pipeline() = default;

Status Pipeline::Create(const std::string& data_dir, std::unique_ptr<Pipeline>* out) {
  std::unique_ptr<Pipeline> p(new Pipeline());
  if (Status s = Extractor::Create(data_dir, &p->extractor_); !s.ok()) return s;
  std::string schema = (std::filesystem::path(data_dir) / "schema" / "chiso1.schema.json").string();
  if (Status s = Validator::Load(schema, &p->validator_); !s.ok()) return s;
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
  if (doc.format != Format::kText) {
    doc.Fail("unsupported_format", std::string(FormatName(doc.format)) +
                                       " input is not supported by this build; convert it to text");
    return;
  }
  Decode(doc);
  if (doc.failed()) return;
  NormalizeText(doc);
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
  if (jobs == 1) {
    for (const InputFile& f : inputs) {
      Document doc;
      LoadDocument(f.path, f.id, options.ingest, &doc);
      pipeline.Process(doc);
      emit(doc);
      account(doc);
    }
    return stats;
  }
  // Ordered parallel map over a ring of slots: worker i fills slot i % ring
  // once the writer has released it; the writer drains slots in order.
  const size_t ring = static_cast<size_t>(jobs) * 4;
  std::vector<Document> slots(ring);
  std::vector<char> ready(ring, 0);
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<size_t> next{0};
  size_t written = 0;
  auto worker = [&] {
    for (;;) {
      size_t i = next.fetch_add(1);
      if (i >= n) return;
      Document doc;
      LoadDocument(inputs[i].path, inputs[i].id, options.ingest, &doc);
      pipeline.Process(doc);
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return i < written + ring; });
      slots[i % ring] = std::move(doc);
      ready[i % ring] = 1;
      cv.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < jobs; ++t) threads.emplace_back(worker);
  while (written < n) {
    Document doc;
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return ready[written % ring] != 0; });
      doc = std::move(slots[written % ring]);
      ready[written % ring] = 0;
    }
    emit(doc);
    account(doc);
    {
      std::lock_guard<std::mutex> lock(mu);
      ++written;
    }
    cv.notify_all();
  }
  for (auto& t : threads) t.join();
  return stats;
}

}  // namespace chiso
