#include "corpus/pg_sink.h"

#include "corpus/external_sort.h"  // OpenUnlinkedTempFile
#include "corpus/libpq.h"  // libpq, loaded on first use

#include <chrono>
#include <cmath>
#include <functional>
#include <random>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace chiso {
namespace {

using nlohmann::json;

// Session-private staging tables; emptied by every COMMIT or ROLLBACK.
constexpr const char* kStaging = R"sql(
CREATE TEMP TABLE chiso_stage_documents (LIKE documents) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE chiso_stage_figures (LIKE figures) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE chiso_stage_warnings (LIKE warnings) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE chiso_stage_gone (sha256 TEXT) ON COMMIT DELETE ROWS;
)sql";

// Advisory lock keys of the schema set-up and of the facts tables; the
// per-document keys are hashtextextended(doc id or sha256, 0).
constexpr const char* kSchemaLock = "SELECT pg_advisory_xact_lock(6370725100000000001)";
constexpr const char* kFactsLock = "SELECT pg_advisory_xact_lock(6370725100000000002)";

// Every doc id and sha256 of the chunk, and the sha256 of older versions of
// those ids, locked in ascending key order: two loaders always take common
// keys in the same order, so they queue instead of deadlocking.
constexpr const char* kLockChunk = R"sql(
SELECT count(pg_advisory_xact_lock(k)) FROM (
  SELECT DISTINCT hashtextextended(x, 0) AS k FROM (
    SELECT doc_id AS x FROM chiso_stage_documents
    UNION ALL SELECT sha256 FROM chiso_stage_documents
    UNION ALL SELECT d.sha256 FROM documents d JOIN chiso_stage_documents s ON d.doc_id = s.doc_id
  ) u ORDER BY k
) t
)sql";

constexpr const char* kApplyChunk = R"sql(
WITH gone AS (
  DELETE FROM documents d USING chiso_stage_documents s
  WHERE d.doc_id = s.doc_id AND d.sha256 <> s.sha256 RETURNING d.sha256)
INSERT INTO chiso_stage_gone SELECT DISTINCT sha256 FROM gone;
INSERT INTO documents SELECT * FROM chiso_stage_documents
ON CONFLICT (doc_id, sha256) DO UPDATE SET
  path = EXCLUDED.path, format = EXCLUDED.format, encoding = EXCLUDED.encoding,
  title = EXCLUDED.title, date = EXCLUDED.date, subject_kind = EXCLUDED.subject_kind,
  subject_name = EXCLUDED.subject_name, subject_id = EXCLUDED.subject_id,
  pages = EXCLUDED.pages, error_code = EXCLUDED.error_code,
  error_message = EXCLUDED.error_message;
DELETE FROM figures f USING chiso_stage_gone g
  WHERE f.doc_sha256 = g.sha256 AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.sha256 = g.sha256);
DELETE FROM warnings w USING chiso_stage_gone g
  WHERE w.doc_sha256 = g.sha256 AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.sha256 = g.sha256);
DELETE FROM figures WHERE doc_sha256 IN (SELECT sha256 FROM chiso_stage_documents);
DELETE FROM warnings WHERE doc_sha256 IN (SELECT sha256 FROM chiso_stage_documents);
INSERT INTO figures SELECT * FROM chiso_stage_figures ON CONFLICT DO NOTHING;
INSERT INTO warnings SELECT * FROM chiso_stage_warnings ON CONFLICT DO NOTHING;
)sql";

// Column types for COPY text: 't' text, 'i' integer, 'r' double.
constexpr std::string_view kDocumentTypes = "ttttttttttitt";
constexpr std::string_view kFigureTypes = "ttttttttirttrtitttitttiiiittitrt";
constexpr std::string_view kFactTypes = "tttttttiritttitttrttiirttt";
constexpr std::string_view kSourceTypes = "tittttiittirt";
constexpr std::string_view kConflictTypes = "ttitt";
constexpr std::string_view kConflictFactTypes = "tt";

const json& Field(const json& obj, const char* key) {
  static const json kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(key);
  return it == obj.end() ? kNull : *it;
}

const json& Item(const json& arr, size_t i) {
  static const json kNull;
  return arr.is_array() && i < arr.size() ? arr[i] : kNull;
}

std::string Dump(const json& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); }

// Rows in COPY's text format: tab-separated, \N for NULL, backslash escapes.
class CopyRows {
 public:
  void Put(const json& v, char type) {
    if (!first_) data_ += '\t';
    first_ = false;
    if (v.is_null()) {
      data_ += "\\N";
    } else if (type == 'i') {
      if (v.is_number_integer()) {
        data_ += v.dump();
      } else if (v.is_number_float() && std::isfinite(v.get<double>()) &&
                 std::floor(v.get<double>()) == v.get<double>() &&
                 std::fabs(v.get<double>()) < 9e18) {
        data_ += std::to_string(static_cast<int64_t>(v.get<double>()));
      } else if (v.is_boolean()) {
        data_ += v.get<bool>() ? "1" : "0";
      } else {
        data_ += "\\N";  // not a number: no value rather than a failed chunk
      }
    } else if (type == 'r') {
      if (v.is_number()) data_ += v.dump();
      else if (v.is_boolean()) data_ += v.get<bool>() ? "1" : "0";
      else data_ += "\\N";
    } else {
      Escape(v.is_string() ? std::string_view(v.get_ref<const std::string&>())
                           : std::string_view(Dump(v)));
    }
  }
  void Text(std::string_view s) {
    if (!first_) data_ += '\t';
    first_ = false;
    Escape(s);
  }
  void EndRow() {
    data_ += '\n';
    first_ = true;
  }
  void Row(const facts_rows::Row& row, std::string_view types) {
    for (size_t i = 0; i < row.size() && i < types.size(); ++i) Put(row[i], types[i]);
    EndRow();
  }
  std::string& data() { return data_; }

 private:
  void Escape(std::string_view s) {
    for (char c : s) {
      switch (c) {
        case '\\': data_ += "\\\\"; break;
        case '\n': data_ += "\\n"; break;
        case '\r': data_ += "\\r"; break;
        case '\t': data_ += "\\t"; break;
        case '\0': break;  // PostgreSQL text cannot hold NUL
        default: data_ += c;
      }
    }
  }
  std::string data_;
  bool first_ = true;
};

// The start of a statement, to name it in a message.
std::string Head(std::string_view sql) {
  size_t begin = sql.find_first_not_of(" \n");
  if (begin == std::string_view::npos) return "";
  sql.remove_prefix(begin);
  return std::string(sql.substr(0, std::min(sql.find_first_of("(\n"), size_t{40})));
}

bool Retryable(const std::string& sqlstate) {
  return sqlstate == "40001" || sqlstate == "40P01";
}

// One buffered record, already in COPY rows.
struct PendingRecord {
  std::string id, sha;
  std::string document, figures, warnings;
};

}  // namespace

struct PgSink::Conn {
  PGconn* pg = nullptr;
  std::string url;  // redacted
  std::vector<PendingRecord> pending;
  ~Conn() {
    if (pg) PQfinish(pg);
  }

  Status Error(const std::string& what, const PGresult* r, std::string* sqlstate) const {
    std::string msg = r ? PQresultErrorMessage(r) : "";
    if (msg.empty()) msg = PQerrorMessage(pg);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    if (sqlstate) {
      const char* st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
      *sqlstate = st ? st : "";
    }
    return Status::Error("postgresql: " + what + ": " + msg);
  }

  // Runs one or more statements; *rows gets the first column of the last
  // result's rows when asked.
  Status Exec(const std::string& sql, std::string* sqlstate = nullptr,
              std::vector<std::string>* rows = nullptr) {
    if (sqlstate) sqlstate->clear();
    PGresult* r = PQexec(pg, sql.c_str());
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      Status s = Error(Head(sql), r, sqlstate);
      PQclear(r);
      return s;
    }
    if (rows) {
      rows->clear();
      for (int i = 0; i < PQntuples(r); ++i) {
        rows->push_back(PQgetisnull(r, i, 0) ? "" : PQgetvalue(r, i, 0));
      }
    }
    PQclear(r);
    return Status::OK();
  }

  Status Copy(const std::string& table, const std::string& data, std::string* sqlstate) {
    if (data.empty()) return Status::OK();
    std::string sql = "COPY " + table + " FROM STDIN";
    PGresult* r = PQexec(pg, sql.c_str());
    if (PQresultStatus(r) != PGRES_COPY_IN) {
      Status s = Error(sql, r, sqlstate);
      PQclear(r);
      return s;
    }
    PQclear(r);
    constexpr size_t kPiece = 1 << 20;
    bool sent = true;
    for (size_t at = 0; at < data.size() && sent; at += kPiece) {
      size_t n = std::min(kPiece, data.size() - at);
      sent = PQputCopyData(pg, data.data() + at, static_cast<int>(n)) == 1;
    }
    if (PQputCopyEnd(pg, sent ? nullptr : "client send failed") != 1) {
      return Error(sql, nullptr, sqlstate);
    }
    Status status;
    while ((r = PQgetResult(pg)) != nullptr) {
      if (PQresultStatus(r) != PGRES_COMMAND_OK && status.ok()) status = Error(sql, r, sqlstate);
      PQclear(r);
    }
    return status;
  }

  // Runs `attempt` in a transaction; on a serialization failure or deadlock
  // rolls back, waits a little (randomized, growing) and tries again.
  Status Transaction(const std::function<Status(std::string*)>& attempt, int* retries) {
    std::minstd_rand rng(std::random_device{}());
    for (int n = 1;; ++n) {
      std::string state;
      Status s = Exec("BEGIN", &state);
      if (s.ok()) s = attempt(&state);
      if (s.ok()) s = Exec("COMMIT", &state);
      if (s.ok()) return s;
      if (PQstatus(pg) != CONNECTION_OK) return s;
      Exec("ROLLBACK");
      if (!Retryable(state) || n >= kMaxAttempts) return s;
      ++*retries;
      int ms = 5 * n + static_cast<int>(rng() % static_cast<unsigned>(10 * n));
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    }
  }
};

std::string RedactUrl(const std::string& url) {
  std::string out = url;
  size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    size_t start = scheme + 3;
    size_t end = out.find_first_of("/?", start);
    if (end == std::string::npos) end = out.size();
    size_t at = out.rfind('@', end);
    if (at != std::string::npos && at >= start) {
      size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  for (size_t p = out.find("password="); p != std::string::npos; p = out.find("password=", p + 1)) {
    size_t end = out.find('&', p);
    if (end == std::string::npos) end = out.size();
    out.replace(p + 9, end - p - 9, "***");
  }
  return out;
}

PgSink::PgSink() : conn_(new Conn()) {}
PgSink::~PgSink() = default;

Status PgSink::Open(const std::string& url, std::unique_ptr<PgSink>* out) {
  std::unique_ptr<PgSink> sink(new PgSink());
  Conn& c = *sink->conn_;
  c.url = RedactUrl(url);
  if (std::string why; !LoadLibPq(&why)) return Status::Error("postgresql: " + why);
  // Later entries override earlier ones: the URL may set its own timeout,
  // but the encoding is always UTF-8 (records are UTF-8).
  const char* keys[] = {"connect_timeout", "dbname", "client_encoding", "application_name", nullptr};
  const char* values[] = {"10", url.c_str(), "UTF8", "chiso", nullptr};
  c.pg = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (c.pg == nullptr) return Status::Error("postgresql: out of memory");
  if (PQstatus(c.pg) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c.pg);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    // libpq may quote the URL, password included.
    for (size_t p = msg.find(url); !url.empty() && p != std::string::npos; p = msg.find(url, p + 1)) {
      msg.replace(p, url.size(), c.url);
    }
    return Status::Error("postgresql: cannot connect to " + c.url + ": " + msg);
  }
  PQsetNoticeProcessor(c.pg, [](void*, const char*) {}, nullptr);  // "already exists, skipping"
  // Concurrent first opens would race on CREATE TABLE IF NOT EXISTS.
  const std::string version = std::to_string(SqliteSink::kSchemaVersion);  // one schema, both sinks
  int retries = 0;
  Status s = c.Transaction(
      [&](std::string* state) -> Status {
        if (Status e = c.Exec(kSchemaLock, state); !e.ok()) return e;
        if (Status e = c.Exec(SchemaSql(SqlDialect::kPostgres), state); !e.ok()) return e;
        return c.Exec("INSERT INTO meta(key, value) VALUES ('schema_version', '" + version +
                          "'), ('record_schema', 'chiso/1') ON CONFLICT (key) DO NOTHING",
                      state);
      },
      &retries);
  if (!s.ok()) return s;
  std::vector<std::string> rows;
  if (Status e = c.Exec("SELECT value FROM meta WHERE key = 'schema_version'", nullptr, &rows); !e.ok()) {
    return e;
  }
  if (rows.size() != 1 || rows[0] != version) {
    return Status::Error(c.url + ": database schema version " + (rows.empty() ? "?" : rows[0]) +
                         ", this chiso writes " + version);
  }
  if (Status e = c.Exec(kStaging); !e.ok()) return e;
  *out = std::move(sink);
  return Status::OK();
}

Status PgSink::Add(const json& record) {
  const json& doc = Field(record, "doc");
  const json& id = Field(doc, "id");
  if (!id.is_string()) return Status::Error("record without doc.id");
  PendingRecord p;
  p.id = id.get<std::string>();
  p.sha = Field(doc, "sha256").is_string() ? Field(doc, "sha256").get<std::string>() : "";
  // A document that could not be read has no hash; key it by its id (as SQLite).
  if (p.sha.empty()) p.sha = "id:" + p.id;

  const json& subject = Field(doc, "subject");
  const json& error = Field(record, "error");
  CopyRows d;
  d.Text(p.id);
  d.Text(p.sha);
  size_t t = 2;
  for (const json* v : {&Field(doc, "path"), &Field(doc, "format"), &Field(doc, "encoding"),
                        &Field(doc, "title"), &Field(doc, "date"), &Field(subject, "kind"),
                        &Field(subject, "name"), &Field(subject, "id"), &Field(doc, "pages"),
                        &Field(error, "code"), &Field(error, "message")}) {
    d.Put(*v, kDocumentTypes[t++]);
  }
  d.EndRow();
  p.document = std::move(d.data());

  CopyRows f;
  const json& figures = Field(record, "figures");
  if (figures.is_array()) {
    for (const json& fig : figures) {
      const json& fs = Field(fig, "subject");
      f.Text(p.sha);
      t = 1;
      for (const char* key : {"id", "type", "indicator", "component"}) f.Put(Field(fig, key), kFigureTypes[t++]);
      for (const char* key : {"kind", "name", "id"}) f.Put(Field(fs, key), kFigureTypes[t++]);
      for (const char* key : {"year", "value", "approx", "unit", "scale", "group", "out_of", "scope",
                              "direction", "measure", "from_year", "object", "status", "level"}) {
        f.Put(Field(fig, key), kFigureTypes[t++]);
      }
      f.Put(Item(Field(fig, "span"), 0), kFigureTypes[t++]);
      f.Put(Item(Field(fig, "span"), 1), kFigureTypes[t++]);
      f.Put(Item(Field(fig, "source_span"), 0), kFigureTypes[t++]);
      f.Put(Item(Field(fig, "source_span"), 1), kFigureTypes[t++]);
      for (const char* key : {"text", "sentence", "page", "rule", "confidence"}) {
        f.Put(Field(fig, key), kFigureTypes[t++]);
      }
      f.Text(Dump(fig));
      f.EndRow();
    }
  }
  p.figures = std::move(f.data());

  CopyRows w;
  const json& warnings = Field(record, "warnings");
  if (warnings.is_array()) {
    int64_t seq = 0;
    for (const json& wj : warnings) {
      w.Text(p.sha);
      w.Put(seq++, 'i');
      // code is NOT NULL, as in SQLite; an absent code is an empty one here
      // rather than a failed chunk.
      w.Put(Field(wj, "code").is_null() ? json("") : Field(wj, "code"), 't');
      w.Put(Field(wj, "message"), 't');
      w.Put(Field(wj, "figure"), 't');
      w.EndRow();
    }
  }
  p.warnings = std::move(w.data());
  conn_->pending.push_back(std::move(p));
  return Status::OK();
}

Status PgSink::Commit() {
  Conn& c = *conn_;
  if (c.pending.empty()) return Status::OK();
  // The last record of each doc id wins, and the figures of a sha256 are
  // sent once (from its last record): the upserts then never touch a row
  // twice in one statement.
  std::unordered_map<std::string, size_t> last_of_id, last_of_sha;
  for (size_t i = 0; i < c.pending.size(); ++i) last_of_id[c.pending[i].id] = i;
  for (size_t i = 0; i < c.pending.size(); ++i) {
    if (last_of_id[c.pending[i].id] == i) last_of_sha[c.pending[i].sha] = i;
  }
  std::string docs, figs, warns;
  for (size_t i = 0; i < c.pending.size(); ++i) {
    const PendingRecord& p = c.pending[i];
    if (last_of_id[p.id] != i) continue;
    docs += p.document;
    if (last_of_sha[p.sha] == i) {
      figs += p.figures;
      warns += p.warnings;
    }
  }
  Status s = c.Transaction(
      [&](std::string* state) -> Status {
        if (Status e = c.Copy("chiso_stage_documents", docs, state); !e.ok()) return e;
        if (Status e = c.Copy("chiso_stage_figures", figs, state); !e.ok()) return e;
        if (Status e = c.Copy("chiso_stage_warnings", warns, state); !e.ok()) return e;
        if (Status e = c.Exec(kLockChunk, state); !e.ok()) return e;
        return c.Exec(kApplyChunk, state);
      },
      &retries_);
  if (s.ok()) c.pending.clear();
  return s;
}

Status PgSink::Count(Counts* out) {
  Conn& c = *conn_;
  std::vector<std::string> rows;
  for (auto [sql, n] : {std::pair{"SELECT count(*) FROM documents", &out->documents},
                        std::pair{"SELECT count(*) FROM figures", &out->figures},
                        std::pair{"SELECT count(*) FROM warnings", &out->warnings}}) {
    if (Status s = c.Exec(sql, nullptr, &rows); !s.ok()) return s;
    *n = rows.empty() ? 0 : std::stoll(rows[0]);
  }
  return Status::OK();
}

namespace {
// COPY rows of one table spooled to an unlinked temporary file in pieces of
// whole rows: memory stays flat in the number of facts, and a retried
// transaction can send the same rows again.
class CopySpool {
 public:
  ~CopySpool() {
    if (file_ != nullptr) std::fclose(file_);
  }
  CopyRows rows;

  // Moves buffered rows to the file: once they fill a piece, or all.
  Status Spill(bool all) {
    std::string& d = rows.data();
    if (d.empty() || (!all && d.size() < kPiece)) return Status::OK();
    if (file_ == nullptr) {
      if (Status s = OpenUnlinkedTempFile("", &file_); !s.ok()) return s;
    }
    if (std::fwrite(d.data(), 1, d.size(), file_) != d.size()) {
      return Status::Error("cannot write COPY rows to a temporary file (disk full?)");
    }
    pieces_.push_back(d.size());
    d.clear();
    return Status::OK();
  }

  // One COPY per piece, all inside the caller's transaction.
  template <typename Conn>
  Status Send(Conn& c, const std::string& table, std::string* state) {
    if (pieces_.empty()) return Status::OK();
    if (std::fflush(file_) != 0 || std::fseek(file_, 0, SEEK_SET) != 0) {
      return Status::Error("cannot read back COPY rows");
    }
    std::string piece;
    for (size_t n : pieces_) {
      piece.resize(n);
      if (std::fread(piece.data(), 1, n, file_) != n) return Status::Error("cannot read back COPY rows");
      if (Status s = c.Copy(table, piece, state); !s.ok()) return s;
    }
    return Status::OK();
  }

 private:
  static constexpr size_t kPiece = 8u << 20;
  std::FILE* file_ = nullptr;
  std::vector<size_t> pieces_;
};

class PgFactsRows : public FactsSink {
 public:
  CopySpool facts, sources, conflicts, links;

  Status Fact(std::string_view line) override {
    json j = json::parse(line);
    facts.rows.Row(facts_rows::Fact(j), kFactTypes);
    for (const auto& row : facts_rows::Sources(j)) sources.rows.Row(row, kSourceTypes);
    return Spill(false);
  }
  Status Conflict(std::string_view line) override {
    json j = json::parse(line);
    conflicts.rows.Row(facts_rows::Conflict(j), kConflictTypes);
    for (const auto& row : facts_rows::ConflictFacts(j)) links.rows.Row(row, kConflictFactTypes);
    return Spill(false);
  }
  Status Spill(bool all) {
    for (CopySpool* s : {&facts, &sources, &conflicts, &links}) {
      if (Status e = s->Spill(all); !e.ok()) return e;
    }
    return Status::OK();
  }
};
}  // namespace

Status PgSink::ReplaceFacts(const FactsProducer& produce) {
  Conn& c = *conn_;
  if (Status s = Commit(); !s.ok()) return s;
  PgFactsRows rows;
  if (Status s = produce(rows); !s.ok()) return s;
  if (Status s = rows.Spill(true); !s.ok()) return s;
  return c.Transaction(
      [&](std::string* state) -> Status {
        if (Status e = c.Exec(kFactsLock, state); !e.ok()) return e;
        if (Status e = c.Exec("TRUNCATE conflict_facts, conflicts, fact_sources, facts", state); !e.ok()) {
          return e;
        }
        if (Status e = rows.facts.Send(c, "facts", state); !e.ok()) return e;
        if (Status e = rows.sources.Send(c, "fact_sources", state); !e.ok()) return e;
        if (Status e = rows.conflicts.Send(c, "conflicts", state); !e.ok()) return e;
        return rows.links.Send(c, "conflict_facts", state);
      },
      &retries_);
}

}  // namespace chiso
