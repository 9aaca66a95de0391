#include "corpus/sink.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>
#include <tuple>

#include "corpus/pg_sink.h"

namespace chiso {
namespace {

Status Errno(const std::string& what) { return Status::Error(what + ": " + std::strerror(errno)); }

Status WriteAll(int fd, const char* data, size_t size, const std::string& path) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("write " + path);
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Status::OK();
}

}  // namespace

// ---------------------------------------------------------------- JsonlWriter

Status JsonlWriter::Open(const std::string& path, const Options& options,
                         std::unique_ptr<JsonlWriter>* out) {
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (options.append ? O_APPEND : O_TRUNC);
  int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) return Errno("cannot write " + path);
  std::unique_ptr<JsonlWriter> w(new JsonlWriter());
  w->path_ = path;
  w->fd_ = fd;
  w->sync_ = options.sync;
  struct stat st;
  if (::fstat(fd, &st) == 0) w->size_ = static_cast<uint64_t>(st.st_size);
  *out = std::move(w);
  return Status::OK();
}

JsonlWriter::~JsonlWriter() {
  if (fd_ >= 0) ::close(fd_);
}

uint64_t JsonlWriter::Add(std::string_view line) {
  uint64_t at = size_ + buffer_.size();
  buffer_.append(line);
  ++pending_lines_;
  return at;
}

Status JsonlWriter::Commit() {
  if (!buffer_.empty()) {
    if (Status s = WriteAll(fd_, buffer_.data(), buffer_.size(), path_); !s.ok()) {
      // A full disk or I/O error mid-chunk: cut the partial chunk so the file
      // still ends with whole committed records.
      if (::ftruncate(fd_, static_cast<off_t>(size_)) == 0) ::fdatasync(fd_);
      return s;
    }
    size_ += buffer_.size();
    buffer_.clear();
    pending_lines_ = 0;
  }
  if (sync_ && ::fdatasync(fd_) != 0) return Errno("fdatasync " + path_);
  return Status::OK();
}

Status JsonlWriter::Close() {
  sync_ = false;  // the fsync below covers the last chunk
  if (Status s = Commit(); !s.ok()) return s;
  if (::fsync(fd_) != 0) return Errno("fsync " + path_);
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return Errno("close " + path_);
  return Status::OK();
}

// ---------------------------------------------------------------- resume

bool ResumeIndex::Committed(const std::string& id, const std::string& sha256) const {
  auto it = by_id.find(id);
  return it != by_id.end() && !it->second.error && !sha256.empty() &&
         it->second.sha256 == sha256;
}

Status ScanCommitted(const std::string& path, ResumeIndex* index) {
  *index = ResumeIndex();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::OK();
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error("cannot read " + path);
  std::string line;
  uint64_t offset = 0;
  for (;;) {
    if (!std::getline(in, line)) break;
    if (in.eof()) break;  // no '\n': a torn last line
    nlohmann::json rec = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!rec.is_object() || !rec.contains("doc") || !rec["doc"].is_object() ||
        !rec["doc"].contains("id") || !rec["doc"]["id"].is_string()) {
      break;
    }
    const auto& doc = rec["doc"];
    CommittedRecord c;
    if (doc.contains("sha256") && doc["sha256"].is_string()) c.sha256 = doc["sha256"];
    c.offset = offset;
    c.length = line.size() + 1;
    c.error = rec.contains("error") && !rec["error"].is_null();
    index->by_id[doc["id"].get<std::string>()] = std::move(c);
    ++index->records;
    offset += line.size() + 1;
  }
  index->valid_size = offset;
  uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) return Status::Error(path + ": " + ec.message());
  if (size > offset) {
    index->dropped_bytes = size - offset;
    in.close();
    if (::truncate(path.c_str(), static_cast<off_t>(offset)) != 0) return Errno("truncate " + path);
  }
  return Status::OK();
}

Status FsyncDirOf(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("open " + dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Errno("fsync " + dir);
  return Status::OK();
}

Status RewriteInOrder(const std::string& path, const std::vector<std::string>& ids,
                      const ResumeIndex& index) {
  int in = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return Errno("cannot read " + path);
  std::string tmp = path + ".tmp";
  std::unique_ptr<JsonlWriter> out;
  if (Status s = JsonlWriter::Open(tmp, {.append = false, .sync = false}, &out); !s.ok()) {
    ::close(in);
    return s;
  }
  Status status;
  std::string line;
  for (const std::string& id : ids) {
    auto it = index.by_id.find(id);
    if (it == index.by_id.end()) {
      status = Status::Error(path + ": no record for " + id);
      break;
    }
    line.resize(it->second.length);
    ssize_t n = ::pread(in, line.data(), line.size(), static_cast<off_t>(it->second.offset));
    if (n != static_cast<ssize_t>(line.size())) {
      status = n < 0 ? Errno("read " + path) : Status::Error(path + ": short read");
      break;
    }
    out->Add(line);
    // Bounded by bytes too: records of long documents are large, and the
    // buffer held 4,096 of them (45 MB) before.
    if (out->pending() >= 4096 || out->pending_bytes() >= (size_t{1} << 20)) {
      if (status = out->Commit(); !status.ok()) break;
    }
  }
  ::close(in);
  if (status.ok()) status = out->Close();
  out.reset();
  if (!status.ok()) {
    std::remove(tmp.c_str());
    return status;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Errno("rename " + tmp);
  return FsyncDirOf(path);
}

// ---------------------------------------------------------------- SQLite

struct SqliteSink::Db {
  sqlite3* db = nullptr;
  sqlite3_stmt* upsert_doc = nullptr;
  sqlite3_stmt* drop_other_versions = nullptr;
  sqlite3_stmt* drop_orphans = nullptr;
  sqlite3_stmt* delete_figures = nullptr;
  sqlite3_stmt* delete_warnings = nullptr;
  sqlite3_stmt* upsert_figure = nullptr;
  sqlite3_stmt* upsert_warning = nullptr;
  bool in_transaction = false;

  ~Db() {
    if (in_transaction) Exec("ROLLBACK");
    for (sqlite3_stmt* s : {upsert_doc, drop_other_versions, drop_orphans, delete_figures,
                            delete_warnings, upsert_figure, upsert_warning}) {
      sqlite3_finalize(s);
    }
    if (db) sqlite3_close(db);
  }
  Status Error(const std::string& what) const {
    return Status::Error("sqlite: " + what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
  }
  Status Exec(const char* sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
      std::string m = msg ? msg : "unknown error";
      sqlite3_free(msg);
      return Status::Error("sqlite: " + m);
    }
    return Status::OK();
  }
  Status Prepare(const char* sql, sqlite3_stmt** out) {
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, nullptr) != SQLITE_OK) {
      return Error("prepare");
    }
    return Status::OK();
  }
};

namespace {

// The tables of both sinks, written once: {INT}, {REAL} and {CREATE_VIEW}
// are filled in per dialect by SchemaSql.
constexpr const char* kSchemaTemplate = R"sql(
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
  doc_id TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  path TEXT,
  format TEXT,
  encoding TEXT,
  title TEXT,
  date TEXT,
  subject_kind TEXT,
  subject_name TEXT,
  subject_id TEXT,
  pages {INT},
  error_code TEXT,
  error_message TEXT,
  PRIMARY KEY (doc_id, sha256)
);
CREATE INDEX IF NOT EXISTS documents_sha256 ON documents(sha256);
CREATE TABLE IF NOT EXISTS figures (
  doc_sha256 TEXT NOT NULL,
  figure_id TEXT NOT NULL,
  type TEXT NOT NULL,
  indicator TEXT,
  component TEXT,
  subject_kind TEXT,
  subject_name TEXT,
  subject_id TEXT,
  year {INT},
  value {REAL},
  approx TEXT,
  unit TEXT,
  scale {REAL},
  "group" TEXT,
  out_of {INT},
  scope TEXT,
  direction TEXT,
  measure TEXT,
  from_year {INT},
  object TEXT,
  status TEXT,
  level TEXT,
  span_start {INT},
  span_end {INT},
  source_start {INT},
  source_end {INT},
  text TEXT,
  sentence TEXT,
  page {INT},
  rule TEXT,
  confidence {REAL},
  json TEXT NOT NULL,
  PRIMARY KEY (doc_sha256, figure_id)
);
CREATE INDEX IF NOT EXISTS figures_subject_indicator_year
  ON figures(subject_id, indicator, year);
CREATE TABLE IF NOT EXISTS warnings (
  doc_sha256 TEXT NOT NULL,
  seq {INT} NOT NULL,
  code TEXT NOT NULL,
  message TEXT,
  figure_id TEXT,
  PRIMARY KEY (doc_sha256, seq)
);
{CREATE_VIEW} errors AS
  SELECT doc_id, sha256, path, error_code AS code, error_message AS message
  FROM documents WHERE error_code IS NOT NULL;
CREATE TABLE IF NOT EXISTS facts (
  key TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  indicator TEXT,
  component TEXT,
  subject_kind TEXT,
  subject_name TEXT,
  subject_id TEXT,
  year {INT},
  scale {REAL},
  out_of {INT},
  scope TEXT,
  measure TEXT,
  direction TEXT,
  from_year {INT},
  object TEXT,
  status TEXT,
  level TEXT,
  value {REAL},
  approx TEXT,
  unit TEXT,
  sources {INT},
  documents {INT},
  confidence {REAL},
  conflict TEXT,
  warnings TEXT,
  json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS facts_subject_indicator_year ON facts(subject_id, indicator, year);
CREATE TABLE IF NOT EXISTS fact_sources (
  fact_key TEXT NOT NULL,
  seq {INT} NOT NULL,
  role TEXT NOT NULL,
  doc_id TEXT,
  doc_sha256 TEXT,
  figure_id TEXT,
  span_start {INT},
  span_end {INT},
  text TEXT,
  sentence TEXT,
  year {INT},
  value {REAL},
  approx TEXT,
  PRIMARY KEY (fact_key, seq)
);
CREATE TABLE IF NOT EXISTS conflicts (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  explained {INT} NOT NULL,
  facts TEXT,
  json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS conflict_facts (
  conflict_id TEXT NOT NULL,
  fact_key TEXT NOT NULL,
  PRIMARY KEY (conflict_id, fact_key)
);
CREATE INDEX IF NOT EXISTS conflict_facts_fact ON conflict_facts(fact_key);
)sql";

// Binds a JSON scalar (string, number, bool, null) to parameter `i`.
void Bind(sqlite3_stmt* st, int i, const nlohmann::json& v) {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  } else if (v.is_number_integer()) {
    sqlite3_bind_int64(st, i, v.get<int64_t>());
  } else if (v.is_number()) {
    sqlite3_bind_double(st, i, v.get<double>());
  } else if (v.is_boolean()) {
    sqlite3_bind_int(st, i, v.get<bool>());
  } else {
    sqlite3_bind_null(st, i);
  }
}

const nlohmann::json& Field(const nlohmann::json& obj, const char* key) {
  static const nlohmann::json kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(key);
  return it == obj.end() ? kNull : *it;
}

const nlohmann::json& Item(const nlohmann::json& arr, size_t i) {
  static const nlohmann::json kNull;
  return arr.is_array() && i < arr.size() ? arr[i] : kNull;
}

}  // namespace

std::string SchemaSql(SqlDialect dialect) {
  const bool pg = dialect == SqlDialect::kPostgres;
  std::string sql = kSchemaTemplate;
  auto fill = [&](const std::string& token, const std::string& with) {
    for (size_t at = sql.find(token); at != std::string::npos; at = sql.find(token, at + with.size())) {
      sql.replace(at, token.size(), with);
    }
  };
  fill("{INT}", pg ? "BIGINT" : "INTEGER");
  fill("{REAL}", pg ? "DOUBLE PRECISION" : "REAL");
  fill("{CREATE_VIEW}", pg ? "CREATE OR REPLACE VIEW" : "CREATE VIEW IF NOT EXISTS");
  return sql;
}

SqliteSink::SqliteSink() : db_(new Db()) {}
SqliteSink::~SqliteSink() = default;

Status SqliteSink::Open(const std::string& path, std::unique_ptr<SqliteSink>* out) {
  std::unique_ptr<SqliteSink> sink(new SqliteSink());
  Db& d = *sink->db_;
  if (sqlite3_open_v2(path.c_str(), &d.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    return d.Error("open " + path);
  }
  sqlite3_busy_timeout(d.db, 60000);
  // Several processes may open one new file at once (cluster tasks, parallel
  // loads). Switching it to WAL takes a lock SQLite does not wait for through
  // the busy handler, so that is retried; the tables and the version row are
  // made in one IMMEDIATE transaction, so exactly one process creates them.
  Status wal;
  for (int attempt = 0; attempt < 1200; ++attempt) {
    wal = d.Exec("PRAGMA journal_mode=WAL");
    if (wal.ok() || wal.message().find("database is locked") == std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!wal.ok()) return wal;
  if (Status s = d.Exec("PRAGMA synchronous=NORMAL"); !s.ok()) return s;
  if (Status s = d.Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  Status schema = [&]() -> Status {
    if (Status s = d.Exec(SchemaSql(SqlDialect::kSqlite).c_str()); !s.ok()) return s;
    // The schema version: set on creation, checked on every later open.
    sqlite3_stmt* st = nullptr;
    if (Status s = d.Prepare("SELECT value FROM meta WHERE key = 'schema_version'", &st); !s.ok()) {
      return s;
    }
    std::string version;
    if (sqlite3_step(st) == SQLITE_ROW) {
      version = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    if (version.empty()) {
      std::string sql = "INSERT INTO meta(key, value) VALUES ('schema_version', '" +
                        std::to_string(kSchemaVersion) + "'), ('record_schema', 'chiso/1')";
      return d.Exec(sql.c_str());
    }
    if (version != std::to_string(kSchemaVersion)) {
      return Status::Error(path + ": database schema version " + version + ", this chiso writes " +
                           std::to_string(kSchemaVersion));
    }
    return Status::OK();
  }();
  if (!schema.ok()) {
    d.Exec("ROLLBACK");
    return schema;
  }
  if (Status s = d.Exec("COMMIT"); !s.ok()) return s;
  const char* upsert_doc = R"sql(
    INSERT INTO documents (doc_id, sha256, path, format, encoding, title, date, subject_kind,
                           subject_name, subject_id, pages, error_code, error_message)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
    ON CONFLICT (doc_id, sha256) DO UPDATE SET
      path = excluded.path, format = excluded.format, encoding = excluded.encoding,
      title = excluded.title, date = excluded.date, subject_kind = excluded.subject_kind,
      subject_name = excluded.subject_name, subject_id = excluded.subject_id,
      pages = excluded.pages, error_code = excluded.error_code,
      error_message = excluded.error_message)sql";
  const char* upsert_figure = R"sql(
    INSERT INTO figures (doc_sha256, figure_id, type, indicator, component, subject_kind,
                         subject_name, subject_id, year, value, approx, unit, scale, "group",
                         out_of, scope, direction, measure, from_year, object, status, level,
                         span_start, span_end, source_start, source_end, text, sentence, page,
                         rule, confidence, json)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
            ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32)
    ON CONFLICT (doc_sha256, figure_id) DO UPDATE SET
      type = excluded.type, indicator = excluded.indicator, component = excluded.component,
      subject_kind = excluded.subject_kind, subject_name = excluded.subject_name,
      subject_id = excluded.subject_id, year = excluded.year, value = excluded.value,
      approx = excluded.approx, unit = excluded.unit, scale = excluded.scale,
      "group" = excluded."group", out_of = excluded.out_of, scope = excluded.scope,
      direction = excluded.direction, measure = excluded.measure,
      from_year = excluded.from_year, object = excluded.object, status = excluded.status,
      level = excluded.level, span_start = excluded.span_start, span_end = excluded.span_end,
      source_start = excluded.source_start, source_end = excluded.source_end,
      text = excluded.text, sentence = excluded.sentence, page = excluded.page,
      rule = excluded.rule, confidence = excluded.confidence, json = excluded.json)sql";
  const char* upsert_warning = R"sql(
    INSERT INTO warnings (doc_sha256, seq, code, message, figure_id) VALUES (?1, ?2, ?3, ?4, ?5)
    ON CONFLICT (doc_sha256, seq) DO UPDATE SET
      code = excluded.code, message = excluded.message, figure_id = excluded.figure_id)sql";
  for (auto [sql, stmt] : std::initializer_list<std::pair<const char*, sqlite3_stmt**>>{
           {upsert_doc, &d.upsert_doc},
           {"DELETE FROM documents WHERE doc_id = ?1 AND sha256 <> ?2 RETURNING sha256",
            &d.drop_other_versions},
           {"SELECT 1 FROM documents WHERE sha256 = ?1 LIMIT 1", &d.drop_orphans},
           {"DELETE FROM figures WHERE doc_sha256 = ?1", &d.delete_figures},
           {"DELETE FROM warnings WHERE doc_sha256 = ?1", &d.delete_warnings},
           {upsert_figure, &d.upsert_figure},
           {upsert_warning, &d.upsert_warning}}) {
    if (Status s = d.Prepare(sql, stmt); !s.ok()) return s;
  }
  *out = std::move(sink);
  return Status::OK();
}

Status SqliteSink::Add(const nlohmann::json& record) {
  Db& d = *db_;
  const nlohmann::json& doc = Field(record, "doc");
  const nlohmann::json& id = Field(doc, "id");
  if (!id.is_string()) return Status::Error("record without doc.id");
  // A document that could not be read has no hash; key it by its id.
  std::string sha = Field(doc, "sha256").is_string() ? Field(doc, "sha256").get<std::string>() : "";
  if (sha.empty()) sha = "id:" + id.get<std::string>();
  if (!d.in_transaction) {
    if (Status s = d.Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
    d.in_transaction = true;
  }
  auto step = [&](sqlite3_stmt* st) -> Status {
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? Status::OK() : d.Error("step");
  };
  auto clear_content = [&](const std::string& key) -> Status {
    for (sqlite3_stmt* st : {d.delete_figures, d.delete_warnings}) {
      sqlite3_bind_text(st, 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
      if (Status s = step(st); !s.ok()) return s;
    }
    return Status::OK();
  };

  // Older versions of this document (other bytes) go, with their figures
  // unless another document still has those bytes.
  {
    sqlite3_stmt* st = d.drop_other_versions;
    Bind(st, 1, id);
    sqlite3_bind_text(st, 2, sha.data(), static_cast<int>(sha.size()), SQLITE_TRANSIENT);
    std::vector<std::string> gone;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      gone.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE) return d.Error("delete old versions");
    for (const std::string& old : gone) {
      sqlite3_stmt* q = d.drop_orphans;
      sqlite3_bind_text(q, 1, old.data(), static_cast<int>(old.size()), SQLITE_TRANSIENT);
      bool used = sqlite3_step(q) == SQLITE_ROW;
      sqlite3_reset(q);
      sqlite3_clear_bindings(q);
      if (!used) {
        if (Status s = clear_content(old); !s.ok()) return s;
      }
    }
  }

  sqlite3_stmt* st = d.upsert_doc;
  const nlohmann::json& subject = Field(doc, "subject");
  const nlohmann::json& error = Field(record, "error");
  Bind(st, 1, id);
  sqlite3_bind_text(st, 2, sha.data(), static_cast<int>(sha.size()), SQLITE_TRANSIENT);
  Bind(st, 3, Field(doc, "path"));
  Bind(st, 4, Field(doc, "format"));
  Bind(st, 5, Field(doc, "encoding"));
  Bind(st, 6, Field(doc, "title"));
  Bind(st, 7, Field(doc, "date"));
  Bind(st, 8, Field(subject, "kind"));
  Bind(st, 9, Field(subject, "name"));
  Bind(st, 10, Field(subject, "id"));
  Bind(st, 11, Field(doc, "pages"));
  Bind(st, 12, Field(error, "code"));
  Bind(st, 13, Field(error, "message"));
  if (Status s = step(st); !s.ok()) return s;

  // The figures and warnings of these bytes are replaced as a whole, so a
  // rerun that finds fewer figures leaves none behind.
  if (Status s = clear_content(sha); !s.ok()) return s;
  const nlohmann::json& figures = Field(record, "figures");
  if (figures.is_array()) {
    for (const nlohmann::json& f : figures) {
      st = d.upsert_figure;
      const nlohmann::json& fs = Field(f, "subject");
      sqlite3_bind_text(st, 1, sha.data(), static_cast<int>(sha.size()), SQLITE_TRANSIENT);
      int i = 2;
      for (const char* key : {"id", "type", "indicator", "component"}) Bind(st, i++, Field(f, key));
      for (const char* key : {"kind", "name", "id"}) Bind(st, i++, Field(fs, key));
      for (const char* key : {"year", "value", "approx", "unit", "scale", "group", "out_of",
                              "scope", "direction", "measure", "from_year", "object", "status",
                              "level"}) {
        Bind(st, i++, Field(f, key));
      }
      Bind(st, i++, Item(Field(f, "span"), 0));
      Bind(st, i++, Item(Field(f, "span"), 1));
      Bind(st, i++, Item(Field(f, "source_span"), 0));
      Bind(st, i++, Item(Field(f, "source_span"), 1));
      for (const char* key : {"text", "sentence", "page", "rule", "confidence"}) {
        Bind(st, i++, Field(f, key));
      }
      std::string json = f.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      sqlite3_bind_text(st, i++, json.data(), static_cast<int>(json.size()), SQLITE_TRANSIENT);
      if (Status s = step(st); !s.ok()) return s;
    }
  }
  const nlohmann::json& warnings = Field(record, "warnings");
  if (warnings.is_array()) {
    int64_t seq = 0;
    for (const nlohmann::json& w : warnings) {
      st = d.upsert_warning;
      sqlite3_bind_text(st, 1, sha.data(), static_cast<int>(sha.size()), SQLITE_TRANSIENT);
      sqlite3_bind_int64(st, 2, seq++);
      Bind(st, 3, Field(w, "code"));
      Bind(st, 4, Field(w, "message"));
      Bind(st, 5, Field(w, "figure"));
      if (Status s = step(st); !s.ok()) return s;
    }
  }
  return Status::OK();
}

Status SqliteSink::Commit() {
  if (!db_->in_transaction) return Status::OK();
  if (Status s = db_->Exec("COMMIT"); !s.ok()) return s;
  db_->in_transaction = false;
  return Status::OK();
}

Status SqliteSink::Count(Counts* out) {
  auto count = [&](const char* sql, int64_t* n) -> Status {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_->db, sql, -1, &st, nullptr) != SQLITE_OK) return db_->Error("count");
    *n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return Status::OK();
  };
  if (Status s = count("SELECT count(*) FROM documents", &out->documents); !s.ok()) return s;
  if (Status s = count("SELECT count(*) FROM figures", &out->figures); !s.ok()) return s;
  return count("SELECT count(*) FROM warnings", &out->warnings);
}

Status SqliteSink::ReplaceFacts(const FactsProducer& produce) {
  Db& d = *db_;
  if (Status s = Commit(); !s.ok()) return s;
  if (Status s = d.Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  d.in_transaction = true;
  Status s = FillFacts(produce);
  if (s.ok()) return Commit();
  d.Exec("ROLLBACK");  // all or nothing
  d.in_transaction = false;
  return s;
}

Status SqliteSink::FillFacts(const FactsProducer& produce) {
  Db& d = *db_;
  if (Status s = d.Exec("DELETE FROM conflict_facts; DELETE FROM conflicts; "
                        "DELETE FROM fact_sources; DELETE FROM facts;");
      !s.ok()) {
    return s;
  }
  struct Insert {
    sqlite3_stmt* st = nullptr;
    ~Insert() { sqlite3_finalize(st); }
  } fact, source, conflict, link;
  auto insert_sql = [](const char* table, int n) {
    std::string sql = std::string("INSERT INTO ") + table + " VALUES (";
    for (int i = 1; i <= n; ++i) sql += (i > 1 ? ", ?" : "?") + std::to_string(i);
    return sql + ")";
  };
  for (auto [table, n, ins] : std::initializer_list<std::tuple<const char*, int, Insert*>>{
           {"facts", 26, &fact}, {"fact_sources", 13, &source}, {"conflicts", 5, &conflict},
           {"conflict_facts", 2, &link}}) {
    std::string sql = insert_sql(table, n);
    if (sqlite3_prepare_v2(d.db, sql.c_str(), -1, &ins->st, nullptr) != SQLITE_OK) {
      return d.Error("prepare " + std::string(table));
    }
  }
  auto put = [&](sqlite3_stmt* st, const facts_rows::Row& row) -> Status {
    for (size_t i = 0; i < row.size(); ++i) Bind(st, static_cast<int>(i + 1), row[i]);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? Status::OK() : d.Error("insert fact");
  };
  // Rows as the consolidation streams them.
  class Rows : public FactsSink {
   public:
    Rows(decltype(put)& put, Insert& fact, Insert& source, Insert& conflict, Insert& link)
        : put_(put), fact_(fact), source_(source), conflict_(conflict), link_(link) {}
    Status Fact(std::string_view line) override {
      nlohmann::json j = nlohmann::json::parse(line);
      if (Status s = put_(fact_.st, facts_rows::Fact(j)); !s.ok()) return s;
      for (const auto& row : facts_rows::Sources(j)) {
        if (Status s = put_(source_.st, row); !s.ok()) return s;
      }
      return Status::OK();
    }
    Status Conflict(std::string_view line) override {
      nlohmann::json j = nlohmann::json::parse(line);
      if (Status s = put_(conflict_.st, facts_rows::Conflict(j)); !s.ok()) return s;
      for (const auto& row : facts_rows::ConflictFacts(j)) {
        if (Status s = put_(link_.st, row); !s.ok()) return s;
      }
      return Status::OK();
    }

   private:
    decltype(put)& put_;
    Insert &fact_, &source_, &conflict_, &link_;
  } rows(put, fact, source, conflict, link);
  return produce(rows);
}

// ---------------------------------------------------------------- facts rows

namespace facts_rows {
namespace {
nlohmann::json Dump(const nlohmann::json& v) {
  return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
}  // namespace

Row Fact(const nlohmann::json& f) {
  const nlohmann::json& subject = Field(f, "subject");
  Row row;
  row.reserve(26);
  for (const char* key : {"key", "type", "indicator", "component"}) row.push_back(Field(f, key));
  for (const char* key : {"kind", "name", "id"}) row.push_back(Field(subject, key));
  for (const char* key : {"year", "scale", "out_of", "scope", "measure", "direction", "from_year",
                          "object", "status", "level", "value", "approx", "unit", "sources",
                          "documents", "confidence", "conflict"}) {
    row.push_back(Field(f, key));
  }
  row.push_back(Dump(Field(f, "warnings")));
  row.push_back(Dump(f));
  return row;
}

std::vector<Row> Sources(const nlohmann::json& f) {
  std::vector<Row> rows;
  int64_t seq = 0;
  for (const char* role : {"supporting", "approximate"}) {
    const nlohmann::json& list = Field(f, role);
    if (!list.is_array()) continue;
    for (const nlohmann::json& s : list) {
      Row row{Field(f, "key"), seq++, role};
      for (const char* key : {"doc", "sha256", "figure"}) row.push_back(Field(s, key));
      row.push_back(Item(Field(s, "span"), 0));
      row.push_back(Item(Field(s, "span"), 1));
      for (const char* key : {"text", "sentence", "year", "value", "approx"}) {
        row.push_back(Field(s, key));
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

Row Conflict(const nlohmann::json& c) {
  return {Field(c, "id"), Field(c, "kind"), Field(c, "explained").is_boolean() &&
                                                    Field(c, "explained").get<bool>() ? 1 : 0,
          Dump(Field(c, "facts")), Dump(c)};
}

std::vector<Row> ConflictFacts(const nlohmann::json& c) {
  std::vector<Row> rows;
  std::vector<std::string> seen;
  const nlohmann::json& facts = Field(c, "facts");
  if (!facts.is_array()) return rows;
  for (const nlohmann::json& k : facts) {
    if (!k.is_string() || std::find(seen.begin(), seen.end(), k.get<std::string>()) != seen.end()) {
      continue;
    }
    seen.push_back(k.get<std::string>());
    rows.push_back({Field(c, "id"), k});
  }
  return rows;
}
}  // namespace facts_rows

// ---------------------------------------------------------------- choosing

bool IsPostgresUrl(std::string_view target) {
  return target.rfind("postgresql://", 0) == 0 || target.rfind("postgres://", 0) == 0;
}

Status OpenSink(const std::string& target, std::unique_ptr<RecordSink>* out) {
  if (target.empty()) return Status::Error("--db: empty target");
  if (IsPostgresUrl(target)) {
    std::unique_ptr<PgSink> pg;
    if (Status s = PgSink::Open(target, &pg); !s.ok()) return s;
    *out = std::move(pg);
    return Status::OK();
  }
  std::unique_ptr<SqliteSink> lite;
  if (Status s = SqliteSink::Open(target, &lite); !s.ok()) return s;
  *out = std::move(lite);
  return Status::OK();
}

Status LoadJsonl(const std::string& path, RecordSink* sink, size_t chunk, size_t* records) {
  *records = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error("cannot read " + path);
  std::string line;
  size_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty()) continue;
    nlohmann::json rec = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (rec.is_discarded()) {
      return Status::Error(path + ":" + std::to_string(lineno) + ": not a JSON record");
    }
    if (Status s = sink->Add(rec); !s.ok()) {
      return Status::Error(path + ":" + std::to_string(lineno) + ": " + s.message());
    }
    if (++*records % chunk == 0) {
      if (Status s = sink->Commit(); !s.ok()) return s;
    }
  }
  return sink->Commit();
}

}  // namespace chiso
