// Fuzz target: raw bytes -> Decode -> NormalizeText -> RejoinSplitSyllables
// -> SentenceSplitter::Split, checking the invariants every later stage
// relies on:
//   - doc.text is valid UTF-8;
//   - doc.source_map is monotonic and stays within the input bytes;
//   - NormalizeText is idempotent on its own output (also after re-joining);
//   - paragraphs and sentences are ordered, non-empty, inside the text, and
//     every sentence lies in a paragraph.
// A broken invariant aborts (libFuzzer reports it as a crash).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/document.h"
#include "normalize/decode.h"
#include "normalize/normalize.h"
#include "normalize/sentences.h"
#include "normalize/syllables.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

bool ValidUtf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

void CheckMap(const chiso::Document& doc) {
  size_t last = 0;
  for (size_t k = 0; k <= doc.text.size(); ++k) {
    size_t src = doc.source_map.ToSource(k);
    Check(src >= last, "source_map monotonic");
    Check(src <= doc.bytes.size(), "source_map within the input");
    last = src;
  }
}

void CheckFixedPoint(const std::string& text) {
  chiso::Document again;
  again.text = text;
  chiso::NormalizeText(again);
  Check(again.text == text, "NormalizeText idempotent");
}

void CheckSpans(const std::vector<chiso::Span>& spans, size_t size, const char* what) {
  size_t last_end = 0;
  for (const chiso::Span& s : spans) {
    Check(s.begin < s.end, what);
    Check(s.begin >= last_end, what);
    Check(s.end <= size, what);
    last_end = s.end;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<chiso::SentenceSplitter> splitter = chiso::SentenceSplitter::Create(nullptr);
  Check(splitter != nullptr, "sentence splitter created");

  chiso::Document doc;
  doc.bytes.assign(reinterpret_cast<const char*>(data), size);
  chiso::Decode(doc);
  if (doc.failed()) {
    Check(doc.text.empty(), "failed decode leaves no text");
    return 0;
  }
  Check(ValidUtf8(doc.text), "decoded text is UTF-8");
  CheckMap(doc);

  chiso::NormalizeText(doc);
  Check(ValidUtf8(doc.text), "normalized text is UTF-8");
  CheckMap(doc);
  CheckFixedPoint(doc.text);

  chiso::RejoinSplitSyllables(doc);
  Check(ValidUtf8(doc.text), "re-joined text is UTF-8");
  CheckMap(doc);
  CheckFixedPoint(doc.text);
  {
    chiso::Document again;
    again.text = doc.text;
    chiso::RejoinSplitSyllables(again);
    Check(again.text == doc.text, "RejoinSplitSyllables idempotent");
  }

  // The in-house sentence breaks equal ICU's on every line they accept: the
  // normalized lines, and the raw input's lines (any bytes at all).
  {
    std::vector<size_t> fast, icu;
    auto compare = [&](std::string_view text) {
      for (size_t b = 0; b <= text.size();) {
        size_t e = std::min(text.find('\n', b), text.size());
        std::string_view line = text.substr(b, e - b);
        if (chiso::FastSentenceBreaks(line, &fast)) {
          Check(splitter->IcuBreaks(line, &icu) && fast == icu, "FastSentenceBreaks equals ICU");
        }
        b = e + 1;
      }
    };
    compare(doc.text);
    compare(std::string_view(reinterpret_cast<const char*>(data), size));
  }

  splitter->Split(doc);
  CheckSpans(doc.paragraphs, doc.text.size(), "paragraphs ordered, non-empty, in text");
  CheckSpans(doc.sentences, doc.text.size(), "sentences ordered, non-empty, in text");
  size_t p = 0;
  for (const chiso::Span& s : doc.sentences) {
    while (p < doc.paragraphs.size() && doc.paragraphs[p].end < s.end) ++p;
    Check(p < doc.paragraphs.size() && doc.paragraphs[p].begin <= s.begin,
          "sentence inside a paragraph");
  }
  return 0;
}
