#include "corpus/merge.h"

#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <queue>

#include "corpus/batch.h"
#include "corpus/sink.h"

namespace chiso {
namespace {

// One input, read a record at a time.
class ShardReader {
 public:
  explicit ShardReader(std::string path) : path_(std::move(path)) {}

  Status Open() {
    in_.open(path_, std::ios::binary);
    if (!in_) return Status::Error("cannot read " + path_);
    return Status::OK();
  }

  // Reads the next record into line()/id(); *done when the input is over.
  // A failure here means the input is invalid (refused), except a read error.
  Status Next(bool* done, bool* io_error) {
    *done = false;
    *io_error = false;
    std::string prev = std::move(id_);
    if (!std::getline(in_, line_)) {
      if (in_.bad()) {
        *io_error = true;
        return Status::Error("read error on " + path_);
      }
      *done = true;
      return Status::OK();
    }
    ++lineno_;
    if (in_.eof()) {
      return Where("torn last line (no newline): is its task still running, or was it killed? "
                   "rerun it with --resume");
    }
    nlohmann::json rec = nlohmann::json::parse(line_, nullptr, /*allow_exceptions=*/false);
    if (!rec.is_object() || !rec.contains("doc") || !rec["doc"].is_object() ||
        !rec["doc"].contains("id") || !rec["doc"]["id"].is_string()) {
      return Where("not a chiso/1 record (no doc.id)");
    }
    id_ = rec["doc"]["id"].get<std::string>();
    if (records_ > 0 && !(prev < id_)) {
      return Where(prev == id_ ? "doc id '" + id_ + "' appears twice"
                               : "not sorted by doc id ('" + id_ + "' after '" + prev +
                                     "'): not a finished extract output; rerun its task with --resume");
    }
    line_.push_back('\n');
    ++records_;
    return Status::OK();
  }

  const std::string& path() const { return path_; }
  const std::string& line() const { return line_; }
  const std::string& id() const { return id_; }
  size_t lineno() const { return lineno_; }
  size_t records() const { return records_; }

 private:
  Status Where(const std::string& what) const {
    return Status::Error(path_ + ":" + std::to_string(lineno_) + ": " + what);
  }
  std::string path_;
  std::ifstream in_;
  std::string line_, id_;
  size_t lineno_ = 0, records_ = 0;
};

// Walks the merged ids against the expected list, noting the differences.
struct ExpectedCheck {
  const std::vector<std::string>* ids = nullptr;
  size_t next = 0, missing = 0, unexpected = 0;
  std::string first_missing, first_unexpected;

  void Saw(const std::string& id) {
    if (ids == nullptr) return;
    while (next < ids->size() && (*ids)[next] < id) Missing((*ids)[next++]);
    if (next < ids->size() && (*ids)[next] == id) {
      ++next;
    } else if (unexpected++ == 0) {
      first_unexpected = id;
    }
  }
  void Finish() {
    if (ids == nullptr) return;
    while (next < ids->size()) Missing((*ids)[next++]);
  }
  void Missing(const std::string& id) {
    if (missing++ == 0) first_missing = id;
  }
};

}  // namespace

Status MergeShards(const std::vector<std::string>& inputs, const std::string& output,
                   const MergeOptions& options, MergeStats* stats) {
  *stats = MergeStats();
  stats->input_records.assign(inputs.size(), 0);
  stats->input_shard.assign(inputs.size(), -1);
  auto refuse = [&](const std::string& message) {
    stats->refused = true;
    return Status::Error("merge refused: " + message);
  };
  if (inputs.empty()) return refuse("no inputs");
  const uint64_t n = options.shards;
  if (n > 0 && inputs.size() > n) {
    return refuse(std::to_string(inputs.size()) + " inputs given for --shards " + std::to_string(n) +
                  ": give one output per shard 0/" + std::to_string(n) + " ... " +
                  std::to_string(n - 1) + "/" + std::to_string(n) + " (was the array run with another N?)");
  }

  std::vector<std::unique_ptr<ShardReader>> readers;
  for (const std::string& path : inputs) {
    readers.push_back(std::make_unique<ShardReader>(path));
    if (Status s = readers.back()->Open(); !s.ok()) return s;
  }

  // Reads the next record of input i; false when it failed (status set).
  Status status;
  auto advance = [&](size_t i, bool* done) {
    bool io_error = false;
    Status s = readers[i]->Next(done, &io_error);
    if (!s.ok()) {
      status = io_error ? s : refuse(s.message());
      return false;
    }
    if (*done || n == 0) return true;
    const int64_t k = static_cast<int64_t>(ShardHash(readers[i]->id()) % n);
    if (stats->input_shard[i] < 0) {
      stats->input_shard[i] = k;
    } else if (stats->input_shard[i] != k) {
      status = refuse(readers[i]->path() + ":" + std::to_string(readers[i]->lineno()) + ": doc id '" +
                      readers[i]->id() + "' is in shard " + std::to_string(k) + "/" + std::to_string(n) +
                      " but the file's first record is in shard " + std::to_string(stats->input_shard[i]) +
                      "/" + std::to_string(n) + ": the extract tasks did not run with --shard K/" +
                      std::to_string(n));
      return false;
    }
    return true;
  };

  // Min-heap of inputs by their current doc id.
  auto later = [&](size_t a, size_t b) { return readers[b]->id() < readers[a]->id(); };
  std::priority_queue<size_t, std::vector<size_t>, decltype(later)> heap(later);
  for (size_t i = 0; i < readers.size(); ++i) {
    bool done = false;
    if (!advance(i, &done)) return status;
    if (!done) heap.push(i);
  }
  if (n > 0) {
    // Every K once; empty inputs stand for the K nobody else has.
    std::vector<int64_t> owner(n, -1);
    size_t empty = 0;
    for (size_t i = 0; i < readers.size(); ++i) {
      const int64_t k = stats->input_shard[i];
      if (k < 0) {
        ++empty;
        continue;
      }
      if (owner[k] >= 0) {
        return refuse(inputs[owner[k]] + " and " + inputs[i] + " both hold shard " + std::to_string(k) +
                      "/" + std::to_string(n) + ": overlapping shards, or not the N of the extract tasks");
      }
      owner[k] = static_cast<int64_t>(i);
    }
    std::string missing;
    size_t missing_count = 0;
    for (uint64_t k = 0; k < n; ++k) {
      if (owner[k] >= 0) continue;
      ++missing_count;
      if (missing.size() < 200) missing += (missing.empty() ? "" : ", ") + std::to_string(k) + "/" + std::to_string(n);
    }
    if (missing_count > empty) {
      return refuse("missing shard(s) " + missing + " (" + std::to_string(inputs.size()) +
                    " inputs for " + std::to_string(n) + " shards): did every task finish?");
    }
  }

  const std::string tmp = output + ".tmp";
  std::unique_ptr<JsonlWriter> out;
  if (Status s = JsonlWriter::Open(tmp, {.append = false, .sync = false}, &out); !s.ok()) return s;
  ExpectedCheck expected;
  expected.ids = options.expected_ids;
  std::string last_id;
  size_t last_input = 0;
  while (!heap.empty()) {
    const size_t i = heap.top();
    heap.pop();
    ShardReader& r = *readers[i];
    if (stats->records > 0 && r.id() == last_id) {
      status = refuse("doc id '" + r.id() + "' is in both " + inputs[last_input] + " and " + r.path() +
                      ": overlapping shards");
      break;
    }
    last_id = r.id();
    last_input = i;
    expected.Saw(r.id());
    out->Add(r.line());
    ++stats->records;
    if (out->pending() >= 4096) {
      if (status = out->Commit(); !status.ok()) break;
    }
    bool done = false;
    if (!advance(i, &done)) break;
    if (!done) heap.push(i);
  }
  expected.Finish();
  if (status.ok() && (expected.missing > 0 || expected.unexpected > 0)) {
    std::string m;
    if (expected.missing > 0) {
      m = std::to_string(expected.missing) + " listed document(s) have no record (first: '" +
          expected.first_missing + "')";
    }
    if (expected.unexpected > 0) {
      m += (m.empty() ? "" : "; ") + std::to_string(expected.unexpected) +
           " record(s) are not in the list (first: '" + expected.first_unexpected + "')";
    }
    status = refuse(m);
  }
  if (status.ok()) status = out->Close();
  out.reset();
  if (!status.ok()) {
    std::remove(tmp.c_str());
    return status;
  }
  if (std::rename(tmp.c_str(), output.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Status::Error("cannot rename " + tmp + " to " + output);
  }
  for (size_t i = 0; i < readers.size(); ++i) stats->input_records[i] = readers[i]->records();
  return FsyncDirOf(output);
}

}  // namespace chiso
