// Throughput of each stage of the text path (issue 7), on the same generated
// documents (corpus/gen, seed 7, 400 mixed-size UTF-8 articles, each stage fed
// what the stage before it produced). bytes/s counts the documents' text bytes,
// so the stages compare directly with each other and with bench/floor.cc:
//
//   Sha256          hashing the input (doc.sha256)
//   DecodeNormalize Decode + NormalizeText + RejoinSplitSyllables
//   Sentences       SentenceSplitter::Split (paragraphs and sentences)
//   Gazetteer       Gazetteer::FindAll (provinces, ministries, indices)
//   Lexicon         Lexicon::FindWords + FindYears (context words, years)
//   RuleScan        RuleSet::Match (the RE2::Set pass and the rules' captures)
//   FloorSet        bench/floor.cc's RE2::Set pass alone, on the same text
//   RuleStarts      RuleSet's scanner finding each offset where some rule
//                   matches (what RuleScan's single pass stops at), without
//                   asking which rule or reading captures
//   RuleMatches     its one RE2 of all the rules' patterns finding leftmost
//                   matches, one after another: the least RE2 work that
//                   locates the figures
//   ScansBatched/k  the four scans of Extract (gazetteer, words, years,
//                   rules), each over k documents in turn: at k = 1 the
//                   scans' automata evict each other from the cache
//   Extract/k       Extractor::ExtractAll, k documents at a time (k = 1 is
//                   Extract): the scans above + attribution
//   Attribute       Extractor::Attribute alone, on scans made beforehand
//   Validate        Validator::Validate (hard, schema and soft checks)
//   Emit            AppendJsonLine (one JSON line)
//   Pipeline/k      Pipeline::ProcessAll, k documents at a time (k = 1 is
//                   Process; chiso extract runs 32), + AppendJsonLine, file
//                   reading aside
//
//   build/bench/stages_bench [--benchmark_filter=RuleScan]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "bench/floor_set.h"
#include "core/document.h"
#include "core/sha256.h"
#include "corpus/gen/generator.h"
#include "corpus/pipeline.h"
#include "extract/extractor.h"
#include "extract/gazetteer.h"
#include "extract/lexicon.h"
#include "extract/multi_scan.h"
#include "extract/rules.h"
#include "extract/scan_text.h"
#include "normalize/decode.h"
#include "normalize/normalize.h"
#include "normalize/sentences.h"
#include "normalize/syllables.h"
#include "schema/emit.h"
#include "schema/validator.h"

namespace {

using chiso::Document;

struct Fixture {
  std::unique_ptr<chiso::Pipeline> pipeline;
  std::unique_ptr<chiso::Validator> validator;
  std::vector<Document> raw;        // bytes only
  std::vector<Document> split;      // normalized, paragraphs and sentences
  std::vector<Document> extracted;  // + figures, before validation
  int64_t text_bytes = 0;
};

const Fixture& Get() {
  static const Fixture* const fixture = [] {
    auto* f = new Fixture;
    chiso::Status s = chiso::Pipeline::Create(CHISO_SOURCE_DIR, &f->pipeline);
    if (s.ok()) s = chiso::Validator::Load(CHISO_SOURCE_DIR "/schema/chiso1.schema.json", &f->validator);
    if (!s.ok()) {
      std::fprintf(stderr, "stages_bench: %s\n", s.message().c_str());
      std::exit(1);
    }
    chiso::Status st;
    auto splitter = chiso::SentenceSplitter::Create(&st);
    chiso::gen::GenOptions o;
    o.seed = 7;
    o.docs = 400;
    for (int64_t i = 0; i < o.docs; ++i) {
      chiso::gen::GeneratedDoc g;
      chiso::gen::GenerateDocument(o, i, &g);
      Document d;
      d.id = g.id;
      d.bytes = g.text;
      f->raw.push_back(d);
      chiso::Decode(d);
      chiso::NormalizeText(d);
      chiso::RejoinSplitSyllables(d);
      splitter->Split(d);
      f->text_bytes += static_cast<int64_t>(d.text.size());
      f->split.push_back(d);
      f->pipeline->extractor().Extract(d);
      f->extracted.push_back(std::move(d));
    }
    return f;
  }();
  return *fixture;
}

void Count(benchmark::State& state) {
  state.SetBytesProcessed(state.iterations() * Get().text_bytes);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(Get().raw.size()));
}

void BM_Sha256(benchmark::State& state) {
  for (auto _ : state) {
    for (const Document& d : Get().raw) benchmark::DoNotOptimize(chiso::Sha256Hex(d.bytes));
  }
  Count(state);
}

void BM_DecodeNormalize(benchmark::State& state) {
  Document d;
  for (auto _ : state) {
    for (const Document& r : Get().raw) {
      d.bytes = r.bytes;
      d.warnings.clear();
      chiso::Decode(d);
      chiso::NormalizeText(d);
      chiso::RejoinSplitSyllables(d);
      benchmark::DoNotOptimize(d.text.data());
    }
  }
  Count(state);
}

void BM_Sentences(benchmark::State& state) {
  chiso::Status st;
  auto splitter = chiso::SentenceSplitter::Create(&st);
  std::vector<Document> docs = Get().split;
  for (auto _ : state) {
    for (Document& d : docs) {
      d.paragraphs.clear();
      d.sentences.clear();
      splitter->Split(d);
      benchmark::DoNotOptimize(d.sentences.data());
    }
  }
  Count(state);
}

void BM_Gazetteer(benchmark::State& state) {
  const chiso::Gazetteer& gaz = Get().pipeline->extractor().gazetteer();
  std::vector<chiso::Mention> out;
  for (auto _ : state) {
    for (const Document& d : Get().split) {
      gaz.FindAll(d.text, &out);
      benchmark::DoNotOptimize(out.data());
    }
  }
  Count(state);
}

void BM_Lexicon(benchmark::State& state) {
  const chiso::Lexicon& lex = Get().pipeline->extractor().lexicon();
  chiso::ScanText scan;
  std::vector<chiso::LexMention> words;
  std::vector<chiso::YearMention> years;
  for (auto _ : state) {
    for (const Document& d : Get().split) {
      scan.Reset(d.text);
      lex.FindWords(scan, &words);
      lex.FindYears(scan, &years);
      benchmark::DoNotOptimize(years.data());
    }
  }
  Count(state);
}

void BM_RuleScan(benchmark::State& state) {
  const chiso::RuleSet& rules = Get().pipeline->extractor().rules();
  chiso::ScanText scan;
  std::vector<chiso::Candidate> out;
  for (auto _ : state) {
    for (const Document& d : Get().split) {
      scan.Reset(d.text);
      out.clear();
      rules.Match(scan, &out);
      benchmark::DoNotOptimize(out.data());
    }
  }
  Count(state);
}

// The floor's one RE2::Set pass of the rules' patterns (bench/floor.cc).
void BM_FloorSet(benchmark::State& state) {
  std::string error;
  const std::unique_ptr<RE2::Set> set = chiso::bench::FloorSet(Get().pipeline->extractor().rules(), &error);
  if (!set) {
    state.SkipWithError(error.c_str());
    return;
  }
  std::vector<int> hits;
  for (auto _ : state) {
    for (const Document& d : Get().split) {
      hits.clear();
      set->Match(d.text, &hits);
      benchmark::DoNotOptimize(hits.data());
    }
  }
  Count(state);
}

// Where RuleScan's single pass stops, with RuleSet's own scanner: each
// offset where some rule matches (MultiScanner::Next, the next search one
// byte past the last start). With `overlap` false, its alternation finds
// leftmost matches one after another (the next search at the last end).
void RuleLocations(benchmark::State& state, bool overlap) {
  const chiso::MultiScanner* scanner = Get().pipeline->extractor().rules().Scanner();
  if (scanner == nullptr) {
    state.SkipWithError("the rule scanner did not compile");
    return;
  }
  const RE2& any = scanner->alternation();
  int64_t found_total = 0;
  for (auto _ : state) {
    for (const Document& d : Get().split) {
      const std::string_view t = d.text;
      size_t at = 0, start = 0;
      if (overlap) {
        while (scanner->Next(t, &at, &start)) ++found_total;
        continue;
      }
      re2::StringPiece found;
      while (at < t.size() && any.Match(t, at, t.size(), RE2::UNANCHORED, &found, 1)) {
        start = static_cast<size_t>(found.data() - t.data());
        at = std::max(start + found.size(), start + 1);
        ++found_total;
      }
    }
  }
  // A label, not a counter: the CSV reporter wants every counter in every run.
  char label[48];
  std::snprintf(label, sizeof label, "%.1f per document",
                static_cast<double>(found_total) / static_cast<double>(state.iterations()) /
                    static_cast<double>(Get().split.size()));
  state.SetLabel(label);
  Count(state);
}
void BM_RuleStarts(benchmark::State& state) { RuleLocations(state, true); }
void BM_RuleMatches(benchmark::State& state) { RuleLocations(state, false); }

// Extract's four scans, each over k documents before the next scan starts.
void BM_ScansBatched(benchmark::State& state) {
  const auto& ex = Get().pipeline->extractor();
  const size_t k = static_cast<size_t>(state.range(0));
  std::vector<chiso::ScanText> scan(k);
  std::vector<std::vector<chiso::LexMention>> words(k);
  std::vector<std::vector<chiso::YearMention>> years(k);
  std::vector<std::vector<chiso::Mention>> ents(k);
  std::vector<std::vector<chiso::Candidate>> out(k);
  const auto& docs = Get().split;
  for (auto _ : state) {
    for (size_t b = 0; b < docs.size(); b += k) {
      const size_t e = std::min(docs.size(), b + k);
      for (size_t i = b; i < e; ++i) scan[i - b].Reset(docs[i].text);
      for (size_t i = b; i < e; ++i) ex.gazetteer().FindAll(docs[i].text, &ents[i - b]);
      for (size_t i = b; i < e; ++i) ex.lexicon().FindWords(scan[i - b], &words[i - b]);
      for (size_t i = b; i < e; ++i) ex.lexicon().FindYears(scan[i - b], &years[i - b]);
      for (size_t i = b; i < e; ++i) { out[i - b].clear(); ex.rules().Match(scan[i - b], &out[i - b]); }
    }
  }
  Count(state);
}

// Extractor::ExtractAll over k documents at a time (k = 1: Extract).
void BM_Extract(benchmark::State& state) {
  std::vector<Document> docs = Get().split;
  std::vector<Document*> group;
  const size_t k = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    for (size_t b = 0; b < docs.size(); b += k) {
      group.clear();
      for (size_t i = b; i < std::min(docs.size(), b + k); ++i) group.push_back(&docs[i]);
      Get().pipeline->extractor().ExtractAll(group);
      benchmark::DoNotOptimize(group.back()->figures.data());
    }
  }
  Count(state);
}

// Attribution alone (Extractor::Attribute) on scans made once, outside the
// timing: turning candidates and mentions into the documents' figures.
void BM_Attribute(benchmark::State& state) {
  std::vector<Document> docs = Get().split;
  std::vector<Document*> all;
  for (Document& d : docs) all.push_back(&d);
  const chiso::Extractor& ex = Get().pipeline->extractor();
  chiso::Extractor::Scans scans;
  ex.Scan(all, &scans);
  for (auto _ : state) {
    ex.Attribute(all, scans);
    benchmark::DoNotOptimize(all.back()->figures.data());
  }
  Count(state);
}

void BM_Validate(benchmark::State& state) {
  Document d;
  for (auto _ : state) {
    for (const Document& e : Get().extracted) {
      state.PauseTiming();  // the copy is not validation
      d = e;
      state.ResumeTiming();
      benchmark::DoNotOptimize(Get().validator->Validate(d).ok());
    }
  }
  Count(state);
}

void BM_Emit(benchmark::State& state) {
  std::string line;
  for (auto _ : state) {
    for (const Document& e : Get().extracted) {
      line.clear();
      chiso::AppendJsonLine(e, &line);
      benchmark::DoNotOptimize(line.data());
    }
  }
  Count(state);
}

// Pipeline::ProcessAll over k documents at a time (k = 1: Process), then
// AppendJsonLine; file reading aside.
void BM_Pipeline(benchmark::State& state) {
  const size_t k = static_cast<size_t>(state.range(0));
  std::vector<Document> docs(k);
  std::vector<Document*> ptrs;
  std::string line;
  const auto& raw = Get().raw;
  for (auto _ : state) {
    for (size_t b = 0; b < raw.size(); b += k) {
      const size_t e = std::min(raw.size(), b + k);
      ptrs.clear();
      for (size_t i = b; i < e; ++i) {
        Document& d = docs[i - b];
        d = Document{};
        d.id = raw[i].id;
        d.bytes = raw[i].bytes;
        d.sha256 = chiso::Sha256Hex(d.bytes);
        ptrs.push_back(&d);
      }
      Get().pipeline->ProcessAll(ptrs, chiso::IngestOptions{});
      for (Document* d : ptrs) {
        line.clear();
        chiso::AppendJsonLine(*d, &line);
        benchmark::DoNotOptimize(line.data());
      }
    }
  }
  Count(state);
}

BENCHMARK(BM_Sha256)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeNormalize)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sentences)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Gazetteer)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Lexicon)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RuleScan)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FloorSet)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RuleStarts)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RuleMatches)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ScansBatched)->Arg(1)->Arg(32)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Extract)->Arg(1)->Arg(32)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Attribute)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Validate)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Emit)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Pipeline)->Arg(1)->Arg(32)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  Get();  // the fixture (generation, extraction) is not part of any timing
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
