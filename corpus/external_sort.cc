#include "corpus/external_sort.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace chiso {

namespace {
std::string TempDir(const std::string& dir) {
  if (!dir.empty()) return dir;
  const char* t = std::getenv("TMPDIR");
  return t != nullptr && *t != '\0' ? t : "/tmp";
}
}  // namespace

Status OpenUnlinkedTempFile(const std::string& dir, std::FILE** out) {
  std::string path = TempDir(dir) + "/chiso-XXXXXX";
  int fd = ::mkstemp(path.data());
  if (fd < 0) return Status::Error(path + ": cannot create a temporary file: " + std::strerror(errno));
  ::unlink(path.c_str());  // gone with the process, whatever happens
  *out = ::fdopen(fd, "w+b");
  if (*out == nullptr) {
    ::close(fd);
    return Status::Error(path + ": cannot open a temporary file");
  }
  return Status::OK();
}

// One sorted run: an unlinked temporary file, written once, then read back.
// Record: u32 key size, u32 payload size, key bytes, payload bytes.
class ExternalSorter::Run {
 public:
  ~Run() {
    if (file_ != nullptr) std::fclose(file_);
  }

  Status Open(const std::string& dir) {
    if (Status s = OpenUnlinkedTempFile(dir, &file_); !s.ok()) return s;
    std::setvbuf(file_, nullptr, _IOFBF, 32 << 10);
    return Status::OK();
  }

  bool Write(std::string_view key, std::string_view payload) {
    uint32_t sizes[2] = {static_cast<uint32_t>(key.size()), static_cast<uint32_t>(payload.size())};
    bytes_ += sizeof sizes + key.size() + payload.size();
    return std::fwrite(sizes, sizeof sizes, 1, file_) == 1 &&
           std::fwrite(key.data(), 1, key.size(), file_) == key.size() &&
           std::fwrite(payload.data(), 1, payload.size(), file_) == payload.size();
  }

  // Switches from writing to reading from the start.
  bool Rewind() { return std::fflush(file_) == 0 && std::fseek(file_, 0, SEEK_SET) == 0; }

  // Loads the next record into key()/payload(). False at the end; a short
  // record sets *error.
  bool Read(bool* error) {
    uint32_t sizes[2];
    if (std::fread(sizes, sizeof sizes, 1, file_) != 1) {
      if (std::ferror(file_)) *error = true;
      return false;
    }
    key_.resize(sizes[0]);
    payload_.resize(sizes[1]);
    if (std::fread(key_.data(), 1, sizes[0], file_) != sizes[0] ||
        std::fread(payload_.data(), 1, sizes[1], file_) != sizes[1]) {
      *error = true;
      return false;
    }
    return true;
  }

  const std::string& key() const { return key_; }
  const std::string& payload() const { return payload_; }
  uint64_t bytes() const { return bytes_; }

 private:
  std::FILE* file_ = nullptr;
  std::string key_, payload_;
  uint64_t bytes_ = 0;
};

ExternalSorter::ExternalSorter(Options options) : options_(std::move(options)) {
  options_.temp_dir = TempDir(options_.temp_dir);
}

ExternalSorter::~ExternalSorter() = default;

Status ExternalSorter::Add(std::string_view key, std::string_view payload) {
  if (!status_.ok()) return status_;
  // Room for a full buffer at once: growing by doubling could hold up to
  // twice the budget.
  if (arena_.capacity() < options_.memory_bytes) arena_.reserve(options_.memory_bytes + (options_.memory_bytes >> 3));
  uint64_t prefix = 0;
  for (size_t i = 0; i < 8; ++i) {
    prefix = prefix << 8 | (i < key.size() ? static_cast<unsigned char>(key[i]) : 0u);
  }
  entries_.push_back({arena_.size(), prefix, static_cast<uint32_t>(key.size()),
                      static_cast<uint32_t>(payload.size())});
  arena_.append(key);
  arena_.append(payload);
  ++records_;
  if (arena_.size() + entries_.size() * sizeof(Entry) >= options_.memory_bytes) {
    status_ = SpillBuffer();
  }
  return status_;
}

Status ExternalSorter::SpillBuffer() {
  std::stable_sort(entries_.begin(), entries_.end(),
                   [this](const Entry& a, const Entry& b) { return Less(this, a, b); });
  auto run = std::make_unique<Run>();
  if (Status s = run->Open(options_.temp_dir); !s.ok()) return s;
  for (const Entry& e : entries_) {
    if (!run->Write(KeyOf(e), {arena_.data() + e.offset + e.key_size, e.payload_size})) {
      return Status::Error("cannot write a sort run in " + options_.temp_dir + " (disk full?)");
    }
  }
  bytes_spilled_ += run->bytes();
  ++runs_written_;
  runs_.push_back(std::move(run));
  arena_.clear();
  entries_.clear();
  if (runs_.size() >= kMaxRuns) {
    // Merge what there is into one run: later runs still follow it, so equal
    // keys keep their order.
    auto merged = std::make_unique<Run>();
    if (Status s = merged->Open(options_.temp_dir); !s.ok()) return s;
    if (Status s = MergeRuns(runs_, merged.get()); !s.ok()) return s;
    bytes_spilled_ += merged->bytes();
    runs_.clear();
    runs_.push_back(std::move(merged));
  }
  return Status::OK();
}

namespace {
// Min-heap order on (key, run index): the earlier run wins ties.
template <typename Runs>
auto HeapAfter(const Runs& runs) {
  return [&runs](size_t a, size_t b) {
    int c = runs[a]->key().compare(runs[b]->key());
    return c > 0 || (c == 0 && a > b);
  };
}
}  // namespace

Status ExternalSorter::MergeRuns(std::vector<std::unique_ptr<Run>>& runs, Run* out) {
  std::vector<size_t> heap;
  bool error = false;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (!runs[i]->Rewind()) return Status::Error("cannot read back a sort run");
    if (runs[i]->Read(&error)) heap.push_back(i);
  }
  auto after = HeapAfter(runs);
  std::make_heap(heap.begin(), heap.end(), after);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), after);
    size_t i = heap.back();
    if (!out->Write(runs[i]->key(), runs[i]->payload())) {
      return Status::Error("cannot write a sort run in " + options_.temp_dir + " (disk full?)");
    }
    if (runs[i]->Read(&error)) {
      std::push_heap(heap.begin(), heap.end(), after);
    } else {
      heap.pop_back();
    }
  }
  if (error) return Status::Error("cannot read back a sort run (short record)");
  return Status::OK();
}

Status ExternalSorter::Sort() {
  if (sorted_) return Status::Error("ExternalSorter::Sort called twice");
  sorted_ = true;
  if (!status_.ok()) return status_;
  if (runs_.empty()) {
    std::stable_sort(entries_.begin(), entries_.end(),
                     [this](const Entry& a, const Entry& b) { return Less(this, a, b); });
    return Status::OK();
  }
  if (!entries_.empty()) {
    // The last buffer is written too (and not merged in memory) so that the
    // merge below reads runs only; then the buffer's memory is returned.
    if (Status s = SpillBuffer(); !s.ok()) return status_ = s;
  }
  std::string().swap(arena_);
  std::vector<Entry>().swap(entries_);
  bool error = false;
  for (size_t i = 0; i < runs_.size(); ++i) {
    if (!runs_[i]->Rewind()) return status_ = Status::Error("cannot read back a sort run");
    if (runs_[i]->Read(&error)) heap_.push_back(i);
  }
  if (error) return status_ = Status::Error("cannot read back a sort run (short record)");
  std::make_heap(heap_.begin(), heap_.end(), HeapAfter(runs_));
  return Status::OK();
}

bool ExternalSorter::Next(std::string_view* key, std::string_view* payload) {
  if (!sorted_ || !status_.ok()) return false;
  if (runs_.empty()) {
    if (next_entry_ >= entries_.size()) return false;
    const Entry& e = entries_[next_entry_++];
    *key = KeyOf(e);
    *payload = {arena_.data() + e.offset + e.key_size, e.payload_size};
    return true;
  }
  auto after = HeapAfter(runs_);
  if (current_ >= 0) {
    // Advance the run returned last time and put it back in the heap.
    bool error = false;
    if (runs_[current_]->Read(&error)) {
      heap_.push_back(static_cast<size_t>(current_));
      std::push_heap(heap_.begin(), heap_.end(), after);
    } else if (error) {
      status_ = Status::Error("cannot read back a sort run (short record)");
      return false;
    }
    current_ = -1;
  }
  if (heap_.empty()) return false;
  std::pop_heap(heap_.begin(), heap_.end(), after);
  current_ = static_cast<int>(heap_.back());
  heap_.pop_back();
  *key = runs_[current_]->key();
  *payload = runs_[current_]->payload();
  return true;
}

}  // namespace chiso
