// A deterministic generator of Vietnamese news- and report-style articles
// about administrative-reform indices, with exact gold (issue 7).
//
// Each document is built from sentence templates; every template that states
// a figure also writes that figure's gold record (ANNOTATION.md), so gold
// never comes from running the extractor. Documents mix figure paragraphs
// (PAR INDEX, SIPAS, PAPI, PCI, DTI, DDCI scores, ranks and changes; counts
// and rates of procedures and dossiers) with filler, page boilerplate and
// distractor numbers that are not figures (dates, phone numbers, decree
// numbers, money, view counters, GRDP growth).
//
//   chiso::gen::GenOptions o;
//   o.seed = 7; o.docs = 1000;
//   o.encodings = {chiso::gen::Encoding::kUtf8, chiso::gen::Encoding::kTcvn3};
//   chiso::gen::GenStats stats;
//   chiso::Status s = chiso::gen::WriteCorpus(o, "/tmp/corpus", &stats);
//   // /tmp/corpus/000/000000.txt ... and /tmp/corpus/gold.jsonl
//
// Determinism: document i depends only on (seed, i, size, encodings); the
// PRNG is splitmix64 and every draw is integer arithmetic (no <random>
// distributions, whose output differs between standard libraries), so the
// same arguments give byte-identical files everywhere.
//
// Thread-safety: GenerateDocument is reentrant. A DocumentEncoder holds an ICU
// converter; use one per thread. Nothing here prints, throws or aborts.
#ifndef CHISO_CORPUS_GEN_GENERATOR_H_
#define CHISO_CORPUS_GEN_GENERATOR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/splitmix64.h"
#include "core/status.h"

namespace chiso::gen {

// How a document's bytes are written. kHtml is a UTF-8 web page (menus in
// <nav>, the article in <article>); the rest are plain text files.
enum class Encoding { kUtf8, kUtf8Bom, kUtf16le, kWindows1258, kTcvn3, kVni, kHtml };

// "utf8", "utf8-bom", "utf16le", "windows-1258", "tcvn3", "vni", "html".
std::string_view EncodingName(Encoding e);

// Parses a comma-separated list of encoding names. Returns false and sets
// `error` on an unknown or empty name.
bool ParseEncodings(std::string_view list, std::vector<Encoding>* out, std::string* error);

enum class SizeMix { kSmall, kMixed, kLarge };

// "small", "mixed", "large".
bool ParseSizeMix(std::string_view name, SizeMix* out);

struct GenOptions {
  uint64_t seed = 1;
  int64_t docs = 100;
  // Document i uses encodings[i % size]. Default: UTF-8 only.
  std::vector<Encoding> encodings = {Encoding::kUtf8};
  SizeMix size = SizeMix::kMixed;
  int docs_per_folder = 1000;  // files go to DIR/000/, DIR/001/, ...
  // Threads for WriteCorpus (folders in parallel); the output does not
  // depend on it.
  int jobs = 1;
};

// One generated document before encoding.
struct GeneratedDoc {
  std::string id;         // relative path, e.g. "000/000042.txt" (the gold key)
  std::string text;       // the article, UTF-8 NFC, paragraphs split by blank lines
  std::string title;      // its first line of content (used by the HTML wrapper)
  std::string gold_line;  // one gold.jsonl line (ANNOTATION.md), no newline
  Encoding encoding = Encoding::kUtf8;
  int figures = 0;  // gold figures written (optional ones included)
};

// Builds document `index` of the corpus `options` describes. REQUIRES:
// options.encodings is not empty and docs_per_folder > 0.
void GenerateDocument(const GenOptions& options, int64_t index, GeneratedDoc* out);

// Turns UTF-8 NFC text into the bytes of one encoding. Legacy encodings lose
// what they cannot represent (TCVN3 writes capitals with a tone in lowercase,
// as .VnTimeH documents do); the generator only writes text they can carry.
class DocumentEncoder {
 public:
  DocumentEncoder();
  ~DocumentEncoder();
  DocumentEncoder(const DocumentEncoder&) = delete;
  DocumentEncoder& operator=(const DocumentEncoder&) = delete;

  // Writes the bytes of `doc` (text, or for kHtml a page built around it) to
  // `bytes`. Returns false with `error` if ICU lacks a converter.
  bool Encode(const GeneratedDoc& doc, std::string* bytes, std::string* error);

  // The plain-text part: `utf8` in encoding `e` (kHtml is treated as UTF-8).
  bool EncodeText(std::string_view utf8, Encoding e, std::string* bytes, std::string* error);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct GenStats {
  int64_t docs = 0, figures = 0, bytes = 0;
  double seconds = 0;
};

// Writes options.docs documents under `dir` (created if missing; existing
// files with the same names are overwritten) and `dir`/gold.jsonl, gold lines
// in document order, streamed (memory does not grow with the corpus). Fails
// with the path and reason on an I/O error; files written so far stay.
Status WriteCorpus(const GenOptions& options, const std::string& dir, GenStats* stats);

// splitmix64: the generator's only source of randomness.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() { return SplitMix64(&state_); }
  // Uniform in [0, n), n > 0 (multiply-shift; the bias is negligible at
  // these sizes and, above all, identical on every platform).
  uint32_t Below(uint32_t n) {
    return static_cast<uint32_t>(((Next() >> 32) * static_cast<uint64_t>(n)) >> 32);
  }
  // Uniform in [lo, hi].
  int Range(int lo, int hi) { return lo + static_cast<int>(Below(static_cast<uint32_t>(hi - lo + 1))); }
  bool Chance(int percent) { return Below(100) < static_cast<uint32_t>(percent); }
  template <typename T, size_t N>
  const T& Pick(const T (&a)[N]) {
    return a[Below(N)];
  }

 private:
  uint64_t state_;
};

}  // namespace chiso::gen

#endif  // CHISO_CORPUS_GEN_GENERATOR_H_
