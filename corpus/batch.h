// Batch helpers: choosing which inputs a run takes (`--files-from`,
// `--shard K/N`) and measuring its progress. Pure functions and a small
// value type; nothing here prints.
//
//   std::vector<InputFile> in;
//   ReadFileList(text, &in);                  // "a.txt\nb.txt\n" or NUL-separated
//   Shard shard; ParseShard("1/3", &shard);   // keep hash(id) % 3 == 1
//   KeepShard(shard, &in);
//
// Thread-safety: ProgressCounters is updated with atomics from any thread;
// everything else is stateless.
#ifndef CHISO_CORPUS_BATCH_H_
#define CHISO_CORPUS_BATCH_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "corpus/pipeline.h"

namespace chiso {

// Parses a list of paths, one per line or NUL-separated (NUL wins when the
// text holds any NUL byte, so `find -print0` names with newlines work).
// Empty entries are ignored; a trailing '\r' is dropped from newline-separated
// entries. Each path is its own id ("ids are the paths as given"). Appends to
// *out, then sorts by id and drops duplicate ids. Files are not opened here:
// a missing one gets its `unreadable` record when the batch reaches it.
void ParseFileList(std::string_view text, std::vector<InputFile>* out);

// Reads `source` ("-" for stdin) and parses it with ParseFileList.
Status ReadFileList(const std::string& source, std::vector<InputFile>* out);

// One of N disjoint parts of a corpus.
struct Shard {
  uint64_t index = 0;  // K, 0-based
  uint64_t count = 1;  // N >= 1
};

// "K/N" with 0 <= K < N, both decimal. Error (with the reason) otherwise.
Status ParseShard(std::string_view text, Shard* out);

// The stable hash shards are taken by: 64-bit FNV-1a of the id's bytes. Fixed
// forever, so machines running different builds agree on the split.
uint64_t ShardHash(std::string_view id);

// True when `id` belongs to `shard` (ShardHash(id) % count == index).
bool InShard(const Shard& shard, std::string_view id);

// Keeps only the inputs of `shard`, in order.
void KeepShard(const Shard& shard, std::vector<InputFile>* inputs);

// Counters a batch updates as it goes and a reporter reads from another
// thread. `done` counts documents finished (emitted or skipped).
struct ProgressCounters {
  std::atomic<size_t> done{0}, errors{0}, bytes{0};
};

// "1234/5000 docs  56.7 docs/s  1.23 MB/s  3 errors  ETA 1m06s". `total` 0
// means unknown (no ETA).
std::string FormatProgress(size_t done, size_t total, size_t errors, size_t bytes,
                           double seconds);

// "1h02m", "3m07s", "42s".
std::string FormatDuration(double seconds);

}  // namespace chiso

#endif  // CHISO_CORPUS_BATCH_H_
