// Sinks: where a batch's records go, crash-safe.
//
// JsonlWriter appends whole JSON Lines to a file and makes them durable per
// chunk (write(2) of the whole chunk, then fdatasync), so a crash, kill -9 or
// power loss leaves a valid prefix of whole records plus at most one torn
// last line, which ScanCommitted cuts off. Resume uses the pieces like this:
//
//   ResumeIndex idx;
//   ScanCommitted("out.jsonl", &idx);            // truncates a torn tail
//   JsonlWriter::Open("out.jsonl", {.append = true}, &w);
//   ... skip inputs with idx.Committed(id, sha) ..., w->Add(line) / Commit()
//   RewriteInOrder("out.jsonl", ids, idx);       // final file, atomic rename
//
// SqliteSink writes the same records into an SQLite database (tables meta,
// documents, figures, warnings; view errors), one transaction per Commit,
// upserting so that loading the same records twice leaves the same rows.
//
// Thread-safety: none of these objects is thread-safe; one writer thread
// owns each. Nothing here prints; every failure comes back as a Status.
#ifndef CHISO_CORPUS_SINK_H_
#define CHISO_CORPUS_SINK_H_

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace chiso {

class JsonlWriter {
 public:
  struct Options {
    bool append = false;  // keep existing content (resume); else truncate
    bool sync = true;     // fdatasync on every Commit (else only on Close)
  };
  static Status Open(const std::string& path, const Options& options,
                     std::unique_ptr<JsonlWriter>* out);
  ~JsonlWriter();  // closes without syncing pending lines

  // Buffers one whole line (REQUIRES: ends with '\n'). Returns the file
  // offset the line will start at once committed.
  uint64_t Add(std::string_view line);
  size_t pending() const { return pending_lines_; }

  // Writes the buffered lines and (Options::sync) fdatasyncs. When a write
  // fails (full disk) the file is truncated back to its committed size, so it
  // still ends with whole records; ScanCommitted cuts anything a crash left.
  Status Commit();

  // Commit, fsync, close. REQUIRES: called at most once.
  Status Close();

  uint64_t committed_size() const { return size_; }

 private:
  JsonlWriter() = default;
  std::string path_;
  int fd_ = -1;
  bool sync_ = true;
  uint64_t size_ = 0;  // bytes committed to the file
  std::string buffer_;
  size_t pending_lines_ = 0;
};

// What an output file already holds: for each doc id its last whole record.
struct CommittedRecord {
  std::string sha256;
  uint64_t offset = 0;
  uint64_t length = 0;  // with the '\n'
  bool error = false;   // the record has an error set
};

struct ResumeIndex {
  std::unordered_map<std::string, CommittedRecord> by_id;
  uint64_t valid_size = 0;   // bytes of whole, parseable records
  uint64_t dropped_bytes = 0;  // torn tail cut off
  size_t records = 0;        // whole records read (duplicates included)

  // True when `id` has a committed record for exactly these bytes.
  // Error records are never taken as committed: they are redone.
  bool Committed(const std::string& id, const std::string& sha256) const;
};

// Reads `path` (a missing file is an empty index). Lines are taken up to the
// first one that is not a complete chiso/1 record (no '\n', bad JSON, no
// doc.id); the file is truncated there, so appending continues from a clean
// prefix. Later records of an id override earlier ones.
Status ScanCommitted(const std::string& path, ResumeIndex* index);

// Replaces `path` with the records of `ids`, in that order, each taken from
// `index` (offsets into the current `path`). Writes path + ".tmp", fsyncs it,
// renames it over `path` and fsyncs the folder. Fails, leaving `path` as it
// was, if an id has no record.
Status RewriteInOrder(const std::string& path, const std::vector<std::string>& ids,
                      const ResumeIndex& index);

// Fsyncs the folder holding `path`, making a rename into it durable.
Status FsyncDirOf(const std::string& path);

class SqliteSink {
 public:
  // Opens or creates the database and its tables. Fails on a database made
  // by another schema version.
  static Status Open(const std::string& path, std::unique_ptr<SqliteSink>* out);
  ~SqliteSink();  // rolls back an uncommitted transaction

  // Upserts one chiso/1 record (as parsed JSON) inside the current
  // transaction, begun on demand. A document's previous figures and
  // warnings are replaced, as are records of the same doc id with other bytes.
  Status Add(const nlohmann::json& record);
  // Commits the current transaction (no-op when none is open).
  Status Commit();

  struct Counts {
    int64_t documents = 0, figures = 0, warnings = 0;
  };
  Status Count(Counts* out);

  static constexpr int kSchemaVersion = 1;

 private:
  struct Db;
  SqliteSink();
  std::unique_ptr<Db> db_;
};

// Imports a JSON Lines file of chiso/1 records into `sink`, committing every
// `chunk` records. Counts records read in *records.
Status LoadJsonl(const std::string& path, SqliteSink* sink, size_t chunk, size_t* records);

}  // namespace chiso

#endif  // CHISO_CORPUS_SINK_H_
