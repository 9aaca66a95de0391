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
// PgSink (corpus/pg_sink.h) does the same in PostgreSQL; both are a
// RecordSink, and OpenSink picks one from the --db target.
//
// Thread-safety: none of these objects is thread-safe; one writer thread
// owns each. Nothing here prints; every failure comes back as a Status.
#ifndef CHISO_CORPUS_SINK_H_
#define CHISO_CORPUS_SINK_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "corpus/consolidate.h"

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
  size_t pending_bytes() const { return buffer_.size(); }

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

// A database the records (and consolidated facts) go to. Both sinks have
// the same tables: meta, documents, figures, warnings, view errors, and the
// facts tables facts, fact_sources, conflicts, conflict_facts.
// The CREATE statements of the record and facts tables (documents, figures,
// warnings, errors view, meta, facts, fact_sources, conflicts,
// conflict_facts): one schema, written for either database.
enum class SqlDialect { kSqlite, kPostgres };
std::string SchemaSql(SqlDialect dialect);

class RecordSink {
 public:
  virtual ~RecordSink() = default;

  // Upserts one chiso/1 record (as parsed JSON) into the current chunk. A
  // document's previous figures and warnings are replaced, as are records of
  // the same doc id with other bytes.
  virtual Status Add(const nlohmann::json& record) = 0;
  // Makes the chunk durable in one transaction (no-op when it is empty).
  virtual Status Commit() = 0;

  struct Counts {
    int64_t documents = 0, figures = 0, warnings = 0;
  };
  virtual Status Count(Counts* out) = 0;

  // Replaces the whole content of the facts tables, in one transaction, with
  // the facts and conflicts `produce` sends to the FactsSink it is given
  // (typically Consolidator::Finish): rerunning a consolidation never
  // doubles, and a failed one leaves the tables as they were. Memory stays
  // flat in the number of facts.
  using FactsProducer = std::function<Status(FactsSink&)>;
  virtual Status ReplaceFacts(const FactsProducer& produce) = 0;
};

// True for "postgresql://..." and "postgres://..." targets.
bool IsPostgresUrl(std::string_view target);

// Opens the sink for a --db target: a PostgreSQL URL, else an SQLite file.
Status OpenSink(const std::string& target, std::unique_ptr<RecordSink>* out);

class SqliteSink : public RecordSink {
 public:
  // Opens or creates the database and its tables. Fails on a database made
  // by another schema version.
  static Status Open(const std::string& path, std::unique_ptr<SqliteSink>* out);
  ~SqliteSink() override;  // rolls back an uncommitted transaction

  // The transaction is begun on demand by Add.
  Status Add(const nlohmann::json& record) override;
  Status Commit() override;
  Status Count(Counts* out) override;
  Status ReplaceFacts(const FactsProducer& produce) override;

  static constexpr int kSchemaVersion = 1;

 private:
  struct Db;
  SqliteSink();
  Status FillFacts(const FactsProducer& produce);  // inside ReplaceFacts' transaction
  std::unique_ptr<Db> db_;
};

// Imports a JSON Lines file of chiso/1 records into `sink`, committing every
// `chunk` records. Counts records read in *records.
Status LoadJsonl(const std::string& path, RecordSink* sink, size_t chunk, size_t* records);

// Rows of the facts tables, column values in the order of the tables'
// columns (the CREATE TABLEs of both sinks), shared by both sinks. From
// FactToJson / ConflictToJson objects.
namespace facts_rows {
using Row = std::vector<nlohmann::json>;
// key, type, indicator, component, subject_kind, subject_name, subject_id,
// year, scale, out_of, scope, measure, direction, from_year, object, status,
// level, value, approx, unit, sources, documents, confidence, conflict,
// warnings (JSON), json.
Row Fact(const nlohmann::json& fact);
// fact_key, seq, role ("supporting" | "approximate"), doc_id, doc_sha256,
// figure_id, span_start, span_end, text, sentence, year, value, approx.
std::vector<Row> Sources(const nlohmann::json& fact);
// id, kind, explained (0/1), facts (JSON array), json.
Row Conflict(const nlohmann::json& conflict);
// conflict_id, fact_key; one per distinct fact of the conflict.
std::vector<Row> ConflictFacts(const nlohmann::json& conflict);
}  // namespace facts_rows

}  // namespace chiso

#endif  // CHISO_CORPUS_SINK_H_
