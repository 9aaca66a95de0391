// libFuzzer target: arbitrary bytes through the whole text pipeline (decode,
// normalize, sentences, rules, attribution, tables, validation, emission).
// Invariants: never crashes; every record is valid chiso/1 JSON; every
// figure's span lies inside the text, in order; every kept figure passes
// valijson (the validator's fast path skips it for figures it accepts).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "corpus/pipeline.h"
#include "schema/emit.h"
#include "schema/validator.h"

namespace {

const chiso::Pipeline& Shared() {
  static std::unique_ptr<chiso::Pipeline> p = [] {
    std::unique_ptr<chiso::Pipeline> out;
    chiso::Status s = chiso::Pipeline::Create(CHISO_SOURCE_DIR, &out);
    if (!s.ok()) std::abort();
    return out;
  }();
  return *p;
}

const chiso::Validator& Valijson() {
  static std::unique_ptr<chiso::Validator> v = [] {
    std::unique_ptr<chiso::Validator> out;
    chiso::Status s = chiso::Validator::Load(CHISO_SOURCE_DIR "/schema/chiso1.schema.json", &out);
    if (!s.ok()) std::abort();
    return out;
  }();
  return *v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  chiso::Document doc;
  doc.id = "fuzz.txt";
  doc.bytes.assign(reinterpret_cast<const char*>(data), size);
  Shared().Process(doc);
  size_t last = 0;
  const chiso::CodePointIndex index(doc.text);
  for (const chiso::Figure& f : doc.figures) {
    if (f.span.begin > f.span.end || f.span.end > doc.text.size() || f.span.begin < last) std::abort();
    last = f.span.begin;
    if (!Valijson().ValidateFigure(nlohmann::json(chiso::FigureToJson(doc, f, index))).ok()) std::abort();
  }
  std::string line;
  chiso::AppendJsonLine(doc, &line);
  auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || j["schema"] != "chiso/1") std::abort();
  return 0;
}
