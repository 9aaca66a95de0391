// Pipeline: the stages composed for one document, and the batch runner that
// drives them over many files.
//
//   std::unique_ptr<Pipeline> p;
//   Status s = Pipeline::Create(data_dir, &p);        // loads and compiles all data
//   Document doc; LoadDocument(path, id, {}, &doc);
//   p->Process(doc);                                  // decode .. validate
//
// Thread-safety: Process is const and may run on many threads; each thread
// keeps its own sentence splitter and scratch buffers.
#ifndef CHISO_CORPUS_PIPELINE_H_
#define CHISO_CORPUS_PIPELINE_H_

#include <atomic>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/document.h"
#include "core/status.h"
#include "ingest/ingest.h"

namespace chiso {

class Extractor;
class Validator;

class Pipeline {
 public:
  // `data_dir` holds extract/ and schema/ data files.
  static Status Create(const std::string& data_dir, std::unique_ptr<Pipeline>* out);
  ~Pipeline();

  // Decode, normalize, split, extract, validate. Every failure ends up in
  // doc.error; the document still yields a record.
  void Process(Document& doc) const;
  // The same with ingest options (IngestOptions::ocr for PDFs).
  void Process(Document& doc, const IngestOptions& options) const;
  // Process of each document, the same results; faster over several small
  // documents, since each stage then runs over all of them in turn. Memory
  // grows with docs.size(): pass a few at a time.
  void ProcessAll(std::span<Document* const> docs, const IngestOptions& options) const;

  const Extractor& extractor() const { return *extractor_; }

 private:
  Pipeline();
  std::unique_ptr<Extractor> extractor_;
  std::unique_ptr<Validator> validator_;
};

// One input file: its path on disk and its id (path relative to the root
// given on the command line; for a single file argument, its file name).
struct InputFile {
  std::string path;
  std::string id;
};

// Expands command-line paths into files, sorted by id: directories are walked
// recursively (hidden entries skipped, symlinked directories not followed).
// Fails on a path that does not exist.
Status CollectInputs(const std::vector<std::string>& paths, std::vector<InputFile>* out);

// Inputs one at a time, in id order, so that a batch over millions of files
// holds none of their names: memory is the entry lists of the folders being
// walked, not the corpus. Not thread-safe (RunBatch locks around Next).
class InputSource {
 public:
  virtual ~InputSource() = default;
  // The next input; false at the end.
  virtual bool Next(InputFile* out) = 0;
};

// The inputs CollectInputs would give, in the same order, lazily: folders are
// walked depth-first with each folder's entries sorted so that ids come out
// in byte order ("a.txt" before "a/x.txt"), and the paths are merged. A
// folder that cannot be read below the roots is skipped, as CollectInputs does.
Status OpenInputs(const std::vector<std::string>& paths, std::unique_ptr<InputSource>* out);

// Inputs from a list already sorted by id.
std::unique_ptr<InputSource> VectorInputs(std::vector<InputFile> inputs);

// Merges sources that are each sorted by id; with `dedup`, an id seen
// already (from an earlier source, or earlier in one) is dropped.
std::unique_ptr<InputSource> MergeInputs(std::vector<std::unique_ptr<InputSource>> sources,
                                         bool dedup);

// Keeps only the inputs for which `keep(id)` holds.
std::unique_ptr<InputSource> FilterInputs(std::unique_ptr<InputSource> source,
                                          std::function<bool(const std::string& id)> keep);

struct BatchOptions {
  int jobs = 1;
  IngestOptions ingest;
  // Optional. Called on a worker thread right after a file is loaded (id,
  // path, bytes, sha256 set; nothing processed). Returning true drops the
  // document: it is neither processed nor emitted (resume uses this to skip
  // documents already committed). Must be thread-safe.
  std::function<bool(const Document&)> skip;
  // Optional. Checked after every emit: once it reads true, no further
  // record is emitted and RunBatch returns (documents in flight are dropped).
  const std::atomic<bool>* stop = nullptr;
};

struct BatchStats {
  size_t documents = 0, failed = 0, figures = 0, bytes = 0;
  size_t skipped = 0;    // dropped by BatchOptions::skip
  bool stopped = false;  // BatchOptions::stop ended the run early
};

// Processes `inputs` on `jobs` threads (the calling thread one of them) and
// hands each record to `emit`, on the calling thread, in input order
// (deterministic whatever the job count). Each thread takes up to 32 inputs
// at a time and processes them together (Pipeline::ProcessAll), loading at
// most 1 MB of them at once (a bigger file alone). At most 96 records a
// thread wait to be written, and past 4 a thread only while they hold under
// 32 MB (so that one slow document does not stall the others).
// `stats.documents` counts emitted records only.
BatchStats RunBatch(const Pipeline& pipeline, const std::vector<InputFile>& inputs,
                    const BatchOptions& options, const std::function<void(const Document&)>& emit);
// The same over a source read as the batch goes (memory flat in its length).
BatchStats RunBatch(const Pipeline& pipeline, InputSource& inputs, const BatchOptions& options,
                    const std::function<void(const Document&)>& emit);
// The same with a step on the worker threads: `render` (if set) turns each
// processed document into text, typically its record line, and `emit` gets
// the document and that text. Serializing in the workers keeps the in-order
// writer, one thread for all, from holding back --jobs N.
BatchStats RunBatch(const Pipeline& pipeline, InputSource& inputs, const BatchOptions& options,
                    const std::function<void(const Document&, std::string*)>& render,
                    const std::function<void(const Document&, const std::string&)>& emit);

}  // namespace chiso

#endif  // CHISO_CORPUS_PIPELINE_H_
