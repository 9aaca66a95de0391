// Differential test: RejoinSplitSyllables (byte scan) against
// internal::RejoinSplitSyllablesReference (the per-code-point scan it
// replaced) on generated documents, the corpus and random splices of split
// syllables, digits, marks, invalid bytes and foreign letters. Text, warnings
// and the source map at every offset must agree.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "core/document.h"
#include "corpus/gen/generator.h"
#include "normalize/decode.h"
#include "normalize/normalize.h"
#include "normalize/syllables.h"
#include "tests/corpus_files.h"

namespace chiso {
namespace {

// Runs both on copies of `doc`; returns the number of joins (0 if none).
int ExpectSame(const Document& doc, const std::string& what) {
  Document fast = doc, ref = doc;
  RejoinSplitSyllables(fast);
  internal::RejoinSplitSyllablesReference(ref);
  EXPECT_EQ(fast.text, ref.text) << what;
  EXPECT_EQ(fast.warnings.size(), ref.warnings.size()) << what;
  for (size_t k = 0; k < fast.warnings.size() && k < ref.warnings.size(); ++k) {
    EXPECT_EQ(fast.warnings[k].code, ref.warnings[k].code) << what;
    EXPECT_EQ(fast.warnings[k].message, ref.warnings[k].message) << what;
  }
  if (fast.text == ref.text) {
    for (size_t i = 0; i <= fast.text.size(); ++i) {
      if (fast.source_map.ToSource(i) != ref.source_map.ToSource(i)) {
        ADD_FAILURE() << what << ": source_map differs at " << i;
        break;
      }
    }
  }
  return static_cast<int>(doc.text.size() - ref.text.size());
}

Document Normalized(std::string bytes) {
  Document d;
  d.bytes = std::move(bytes);
  Decode(d);
  NormalizeText(d);
  return d;
}

// `text` with a space inserted after the first 1 or 2 code points of about
// one word in six ("tăng" -> "t ăng", "tiếp" -> "ti ếp"), and some spaces
// doubled.
std::string SplitSomeWords(const std::string& text, std::mt19937& rng) {
  std::string out;
  size_t i = 0;
  auto cp_len = [&](size_t k) {
    const auto b = static_cast<unsigned char>(text[k]);
    return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
  };
  while (i < text.size()) {
    const bool word_start = (i == 0 || text[i - 1] == ' ') && text[i] != ' ';
    if (word_start && rng() % 6 == 0) {
      int n = 1 + static_cast<int>(rng() % 2);
      for (; n > 0 && i < text.size() && text[i] != ' '; --n) {
        const size_t len = std::min<size_t>(cp_len(i), text.size() - i);
        out.append(text, i, len);
        i += len;
      }
      out += ' ';
      continue;
    }
    if (text[i] == ' ' && rng() % 50 == 0) out += ' ';
    out += text[i++];
  }
  return out;
}

TEST(RejoinDifferentialTest, GeneratedDocuments) {
  int joins = 0;
  size_t bytes = 0;
  std::mt19937 rng(7);
  for (uint64_t seed : {7u, 11u}) {
    gen::GenOptions options;
    options.seed = seed;
    options.docs = 400;
    for (int64_t i = 0; i < 400; ++i) {
      gen::GeneratedDoc g;
      gen::GenerateDocument(options, i, &g);
      const std::string what = "generated " + std::to_string(seed) + "/" + std::to_string(i);
      bytes += g.text.size();
      joins += ExpectSame(Normalized(g.text), what);
      joins += ExpectSame(Normalized(SplitSomeWords(g.text, rng)), what + " (split)");
      if (HasFailure()) return;
    }
  }
  EXPECT_GT(bytes, 400000u);
  EXPECT_GT(joins, 1000);
}

TEST(RejoinDifferentialTest, CorpusDocuments) {
  const int files = testing_support::ForEachCorpusText([&](const std::string& name, const std::string& bytes) {
    ExpectSame(Normalized(bytes), name);
    // Raw too: not normalized, legacy encodings, invalid UTF-8.
    Document raw;
    raw.text = bytes;
    ExpectSame(raw, name + " (raw)");
    return !HasFailure();
  });
  EXPECT_GT(files, 50);
}

TEST(RejoinDifferentialTest, RandomSplices) {
  const std::vector<std::string> pieces = {
      "t", "ăng", "t ăng", "tiế", "p", "tiế p", "KHO", "ẢN", "KHO ẢN", "ĐIỀ", "U",
      "Hòa", "Bình", "Hòa Bình", "5", "m", "ở", "5 m ở", "12", "B", "ổn", "nhóm", "C",
      "ải", "“C ải”", "nh", "ng", "ngh", "iêng", "nghiêng", "người", "ư", "ời", "a", "A",
      "x", "q", "u", "gi", "ê", "ết", "qu", "yết", "TH", "ông", "anh", "cho", "ô", "tô",
      "UBND", "TTHC", " ", " ", " ", "  ", "\t", "\n", ",", ".", "-", "(", ")", "\"",
      "\xCC\x80", "\xCC\x81", "\xCC\x82", "\xCD\xAF", "e\xCC\x82", "o\xCC\x9B",
      "\xFF", "\x80", "\xC3", "\xE1\xBA", "\xC1\x81", "\xE0\x80\x80", "\xF4\x8F\xBF\xBF",
      "f", "j", "w", "z", "Fw", "ß", "é", "ñ", "Ω", "ж", "日本", "ā", "ǎ", "ỳ", "Ỵ",
      "٣", "１", "²", "ⅷ", "đ", "Đ", "đ ường", "tr ường", "ư ờng", "th ành", "ph ố",
      "abcdefgh", "nghiênga", "ươu", "oa", "oă", "uy", "uyê", "n", "t", "c", "ch",
      "ĐIỀm", "Ảm", "ẢNh", "nhóm B ổn", "ÔNG B ổn", "B", "ổn", "K", "ết", "5 B ổn",
      "nghiên g", "n ghiêng", "NGHIÊN G", "nghiên", "ghiêng", "g", "khuyế ch", "kh uyếch",
  };
  std::mt19937 rng(20261126);
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> length(1, 30);
  int joins = 0;
  for (int iter = 0; iter < 60000; ++iter) {
    std::string text;
    const int k = length(rng);
    for (int p = 0; p < k; ++p) {
      text += pieces[pick(rng)];
      if (rng() % 3 != 0) text += ' ';
    }
    Document d;
    if (iter % 4 == 0) {
      d = Normalized(text);  // NFC, with a source map to compose
    } else {
      d.text = text;
    }
    joins += ExpectSame(d, "splice '" + text + "'");
    if (HasFailure()) return;
  }
  EXPECT_GT(joins, 1000);
}

}  // namespace
}  // namespace chiso
