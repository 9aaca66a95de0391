// libFuzzer target: arbitrary bytes through the whole text pipeline (decode,
// normalize, sentences, rules, attribution, tables, validation, emission).
// Invariants: never crashes; every record is valid chiso/1 JSON; every
// figure's span lies inside the text, in order.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "corpus/pipeline.h"
#include "schema/emit.h"

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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  chiso::Document doc;
  doc.id = "fuzz.txt";
  doc.bytes.assign(reinterpret_cast<const char*>(data), size);
  Shared().Process(doc);
  size_t last = 0;
  for (const chiso::Figure& f : doc.figures) {
    if (f.span.begin > f.span.end || f.span.end > doc.text.size() || f.span.begin < last) std::abort();
    last = f.span.begin;
  }
  std::string line;
  chiso::AppendJsonLine(doc, &line);
  auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || j["schema"] != "chiso/1") std::abort();
  return 0;
}
