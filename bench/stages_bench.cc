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
//   Extract         Extractor::Extract: the three scans above + attribution
//   Validate        Validator::Validate (hard, schema and soft checks)
//   Emit            AppendJsonLine (one JSON line)
//   Pipeline        Pipeline::Process + AppendJsonLine, file reading aside
//
//   build/bench/stages_bench [--benchmark_filter=RuleScan]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "core/document.h"
#include "core/sha256.h"
#include "corpus/gen/generator.h"
#include "corpus/pipeline.h"
#include "extract/extractor.h"
#include "extract/gazetteer.h"
#include "extract/lexicon.h"
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

void BM_Extract(benchmark::State& state) {
  std::vector<Document> docs = Get().split;
  for (auto _ : state) {
    for (Document& d : docs) {
      Get().pipeline->extractor().Extract(d);
      benchmark::DoNotOptimize(d.figures.data());
    }
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

void BM_Pipeline(benchmark::State& state) {
  Document d;
  std::string line;
  for (auto _ : state) {
    for (const Document& r : Get().raw) {
      d = Document{};
      d.id = r.id;
      d.bytes = r.bytes;
      d.sha256 = chiso::Sha256Hex(d.bytes);
      Get().pipeline->Process(d);
      line.clear();
      chiso::AppendJsonLine(d, &line);
      benchmark::DoNotOptimize(line.data());
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
BENCHMARK(BM_Extract)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Validate)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Emit)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Pipeline)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  Get();  // the fixture (generation, extraction) is not part of any timing
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
