// ExternalSorter: sorts (key, payload) records of any total size in bounded
// memory (issue 11: consolidation with memory flat in the number of facts).
//
//   ExternalSorter s({.memory_bytes = 16 << 20});
//   for (...) if (Status e = s.Add(key, payload); !e.ok()) ...;
//   if (Status e = s.Sort(); !e.ok()) ...;
//   std::string_view k, p;
//   while (s.Next(&k, &p)) ...;
//   if (!s.status().ok()) ...;
//
// Records are compared by key bytes; equal keys come out in the order they
// were added (a stable sort). Records are buffered up to memory_bytes; each
// full buffer is sorted and written to a run file, and Sort() merges the runs
// (in stages of at most kMaxRuns, so file descriptors stay few). Run files are
// created in temp_dir (default $TMPDIR, else /tmp) and unlinked at once: they
// vanish with the process, even when it is killed.
//
// Thread-safety: none; one sorter per thread.
#ifndef CHISO_CORPUS_EXTERNAL_SORT_H_
#define CHISO_CORPUS_EXTERNAL_SORT_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace chiso {

// Creates a temporary file in `dir` ("" -> $TMPDIR or /tmp), unlinked at
// once so it vanishes with the process, opened for writing and reading.
Status OpenUnlinkedTempFile(const std::string& dir, std::FILE** out);

class ExternalSorter {
 public:
  struct Options {
    size_t memory_bytes = 32u << 20;  // buffer before a run is written
    std::string temp_dir;             // "" -> $TMPDIR or /tmp
  };
  static constexpr size_t kMaxRuns = 64;

  explicit ExternalSorter(Options options);
  ~ExternalSorter();
  ExternalSorter(const ExternalSorter&) = delete;
  ExternalSorter& operator=(const ExternalSorter&) = delete;

  // REQUIRES: Sort() not called yet.
  Status Add(std::string_view key, std::string_view payload);
  // Ends input and prepares the merge. Call once.
  Status Sort();
  // The next record in order; the views stay valid until the next call.
  // False at the end, or on a read error (then !status().ok()).
  bool Next(std::string_view* key, std::string_view* payload);
  const Status& status() const { return status_; }

  size_t records() const { return records_; }
  size_t runs_written() const { return runs_written_; }  // 0: all in memory
  uint64_t bytes_spilled() const { return bytes_spilled_; }

 private:
  struct Entry {
    uint64_t offset;  // into arena_: key bytes, then payload bytes
    uint64_t prefix;  // the key's first 8 bytes, big-endian: most compares end here
    uint32_t key_size, payload_size;
  };
  static bool Less(const ExternalSorter* s, const Entry& a, const Entry& b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    return s->KeyOf(a) < s->KeyOf(b);
  }
  class Run;
  Status SpillBuffer();
  Status MergeRuns(std::vector<std::unique_ptr<Run>>& runs, Run* out);
  std::string_view KeyOf(const Entry& e) const { return {arena_.data() + e.offset, e.key_size}; }

  Options options_;
  Status status_;
  std::string arena_;
  std::vector<Entry> entries_;
  std::vector<std::unique_ptr<Run>> runs_;
  // Merge state after Sort().
  bool sorted_ = false;
  size_t next_entry_ = 0;
  std::vector<size_t> heap_;  // indices into runs_, ordered by (key, index)
  int current_ = -1;          // run whose record Next() returned last
  size_t records_ = 0, runs_written_ = 0;
  uint64_t bytes_spilled_ = 0;
};

}  // namespace chiso

#endif  // CHISO_CORPUS_EXTERNAL_SORT_H_
