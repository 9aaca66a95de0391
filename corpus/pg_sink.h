// PgSink: chiso/1 records and consolidated facts in PostgreSQL (libpq).
//
//   std::unique_ptr<PgSink> pg;
//   Status s = PgSink::Open("postgresql://user@host:5432/db", &pg);
//   pg->Add(record); ... pg->Commit();   // one transaction per chunk
//
// The tables are those of SqliteSink (corpus/sink.h), with PostgreSQL types.
// Add only buffers; Commit sends the chunk with COPY into TEMP staging
// tables and upserts it into the real tables in one transaction:
//   1. COPY documents, figures, warnings of the chunk into staging tables
//      (the chunk is first reduced to the last record of each doc id, and
//      the figures of one sha256 taken once);
//   2. take transaction-scoped advisory locks on every doc id and sha256 the
//      chunk touches (and the sha256 of their older versions), in ascending
//      hash order, so concurrent loaders of overlapping documents wait for
//      each other instead of interleaving, and cannot deadlock on them;
//   3. drop older versions (same doc id, other bytes) and figures left with
//      no document, upsert documents, replace the figures and warnings of
//      the chunk's sha256s.
// A transaction that still fails with a serialization failure or deadlock
// (40001, 40P01) is rolled back and retried, up to kMaxAttempts times.
//
// Thread-safety: one PgSink per thread (it owns one connection). Nothing
// here prints; failures come back as a Status naming the server's message,
// with any password in the URL hidden.
#ifndef CHISO_CORPUS_PG_SINK_H_
#define CHISO_CORPUS_PG_SINK_H_

#include <memory>
#include <string>
#include <vector>

#include "corpus/sink.h"

namespace chiso {

class PgSink : public RecordSink {
 public:
  // Connects (10 s timeout unless the URL sets connect_timeout), creates the
  // tables if missing (under an advisory lock, so concurrent first opens are
  // safe) and checks the schema version.
  static Status Open(const std::string& url, std::unique_ptr<PgSink>* out);
  ~PgSink() override;  // uncommitted records are dropped

  Status Add(const nlohmann::json& record) override;
  Status Commit() override;
  Status Count(Counts* out) override;
  Status ReplaceFacts(const FactsProducer& produce) override;

  // Transactions retried after a serialization failure or deadlock.
  int retries() const { return retries_; }

  static constexpr int kMaxAttempts = 20;

 private:
  struct Conn;
  PgSink();
  std::unique_ptr<Conn> conn_;
  int retries_ = 0;
};

// The URL with its password (if any) replaced by "***", for messages.
std::string RedactUrl(const std::string& url);

}  // namespace chiso

#endif  // CHISO_CORPUS_PG_SINK_H_
