// Merging the outputs of sharded runs (`chiso extract --shard K/N`, one per
// cluster task) into the one JSON Lines file a single run would have written:
// every record once, in doc-id order, byte for byte as the shards hold them.
//
//   MergeOptions options;
//   options.shards = 4;                       // the inputs must be shards 0/4 ... 3/4
//   MergeStats stats;
//   Status s = MergeShards({"shard-0.jsonl", ..., "shard-3.jsonl"}, "all.jsonl",
//                          options, &stats);
//   if (!s.ok() && stats.refused) ...         // bad inputs, not an I/O failure
//
// The merge streams: it holds one line per input (a k-way merge on doc id),
// so shards of any size merge in constant memory. Inputs are only read. The
// output is written to OUT.tmp, fsynced and renamed over OUT, so OUT is
// either its previous content or the complete merge, never a partial one.
//
// Refused (stats.refused, nothing written): an input that is not sorted by
// doc id (strictly: a repeated id too), a torn or non-chiso/1 line, a doc id
// found in two inputs, and with `shards` set: an input whose ids do not all
// hash (ShardHash) to the same K, two inputs of the same K, a K missing, or
// more than N inputs. An input with no records fits any K (a shard can be
// empty), so it takes one of the missing ones.
//
// Thread-safety: a stateless function; nothing is printed.
#ifndef CHISO_CORPUS_MERGE_H_
#define CHISO_CORPUS_MERGE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace chiso {

struct MergeOptions {
  // N > 0: check that the inputs are exactly the shards 0/N ... N-1/N.
  // 0: no shard check (any disjoint sorted inputs merge).
  uint64_t shards = 0;
  // When set: the ids the merge must hold, no more and no fewer (for
  // instance the ids of the --files-from list every task was given).
  // REQUIRES: sorted, no duplicates (ParseFileList gives both).
  const std::vector<std::string>* expected_ids = nullptr;
};

struct MergeStats {
  size_t records = 0;                 // records written
  std::vector<size_t> input_records;  // per input, in argument order (on success)
  std::vector<int64_t> input_shard;   // per input: its K (shards > 0; -1 if empty)
  bool refused = false;               // the inputs were invalid (vs an I/O error)
};

// Merges `inputs` into `output` as described above. On failure `output` is
// left as it was and no temp file remains.
Status MergeShards(const std::vector<std::string>& inputs, const std::string& output,
                   const MergeOptions& options, MergeStats* stats);

}  // namespace chiso

#endif  // CHISO_CORPUS_MERGE_H_
