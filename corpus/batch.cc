#include "corpus/batch.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace chiso {

void ParseFileList(std::string_view text, std::vector<InputFile>* out) {
  const bool nul = text.find('\0') != std::string_view::npos;
  const char sep = nul ? '\0' : '\n';
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find(sep, pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(pos, end - pos);
    if (!nul && !item.empty() && item.back() == '\r') item.remove_suffix(1);
    if (!item.empty()) out->push_back({std::string(item), std::string(item)});
    pos = end + 1;
  }
  std::stable_sort(out->begin(), out->end(),
                   [](const InputFile& a, const InputFile& b) { return a.id < b.id; });
  out->erase(std::unique(out->begin(), out->end(),
                         [](const InputFile& a, const InputFile& b) { return a.id == b.id; }),
             out->end());
}

Status ReadFileList(const std::string& source, std::vector<InputFile>* out) {
  std::string text;
  if (source == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(source, std::ios::binary);
    if (!in) return Status::Error(source + ": cannot read the file list");
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) return Status::Error(source + ": read error");
  }
  ParseFileList(text, out);
  return Status::OK();
}

Status ParseShard(std::string_view text, Shard* out) {
  auto bad = [&](const std::string& why) {
    return Status::Error("--shard " + std::string(text) + ": " + why + " (expected K/N, 0 <= K < N)");
  };
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return bad("no '/'");
  auto number = [](std::string_view s, uint64_t* v) {
    if (s.empty()) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
    return ec == std::errc() && p == s.data() + s.size();
  };
  Shard s;
  if (!number(text.substr(0, slash), &s.index) || !number(text.substr(slash + 1), &s.count)) {
    return bad("not two decimal numbers");
  }
  if (s.count == 0) return bad("N must be at least 1");
  if (s.index >= s.count) return bad("K must be less than N");
  *out = s;
  return Status::OK();
}

uint64_t ShardHash(std::string_view id) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : id) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

bool InShard(const Shard& shard, std::string_view id) {
  return ShardHash(id) % shard.count == shard.index;
}

void KeepShard(const Shard& shard, std::vector<InputFile>* inputs) {
  if (shard.count == 1) return;
  inputs->erase(std::remove_if(inputs->begin(), inputs->end(),
                               [&](const InputFile& f) { return !InShard(shard, f.id); }),
                inputs->end());
}

std::string FormatDuration(double seconds) {
  long s = seconds < 0 ? 0 : static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, s % 3600 / 60);
  else if (s >= 60) std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%lds", s);
  return buf;
}

std::string FormatProgress(size_t done, size_t total, size_t errors, size_t bytes,
                           double seconds) {
  const double rate = seconds > 0 ? done / seconds : 0;
  char buf[160];
  std::snprintf(buf, sizeof buf, "%zu/%zu docs  %.1f docs/s  %.2f MB/s  %zu error%s", done, total,
                rate, seconds > 0 ? bytes / seconds / 1e6 : 0.0, errors, errors == 1 ? "" : "s");
  std::string line = buf;
  if (total > 0 && done < total) {
    line += "  ETA " + (rate > 0 ? FormatDuration((total - done) / rate) : std::string("?"));
  }
  return line;
}

}  // namespace chiso
