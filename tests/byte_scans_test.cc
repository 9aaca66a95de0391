// Differential tests of the eight-bytes-at-a-time scans against the byte
// loops they replaced: emit's IsPlain, decode's ScanUtf8 and
// DetectConvention. Inputs: every special byte at every offset of short
// strings (each offset of an 8-byte word, tails shorter than 8), random
// splices of ASCII, controls, '"', '\\', 0x7F, valid and broken UTF-8 and
// numerals, and every corpus text.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/splitmix64.h"
#include "normalize/decode.h"
#include "normalize/numbers.h"
#include "schema/emit.h"
#include "tests/corpus_files.h"

namespace chiso {
namespace {

void ExpectSame(std::string_view s, const std::string& what) {
  ASSERT_EQ(internal::IsPlain(s), internal::IsPlainReference(s)) << what;
  const internal::Utf8Scan fast = internal::ScanUtf8(s), ref = internal::ScanUtf8Reference(s);
  ASSERT_EQ(fast.invalid, ref.invalid) << what;
  ASSERT_EQ(fast.first_invalid, ref.first_invalid) << what;
  ASSERT_EQ(fast.multibyte, ref.multibyte) << what;
  ASSERT_EQ(DetectConvention(s), internal::DetectConventionReference(s)) << what;
}

std::string Hex(std::string_view s) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
    out += ' ';
  }
  return out;
}

// Bytes the scans treat specially, alone or as the start of a sequence.
const std::vector<std::string> kPieces = {
    "a", "Z", " ", "0", "9", "/", ":", ".", ",", "\"", "\\", "\x1f", "\x20", "\x7f",
    std::string(1, '\0'), "\t", "\n", "\x80", "\xbf", "\xc0", "\xc1", "\xc2\x80", "\xdf\xbf",
    "\xc3\xa0", "\xc3", "\xe1\xbb\x87", "\xe1\xbb", "\xe0\xa0\x80", "\xe0\x9f\x80",
    "\xed\x9f\xbf", "\xed\xa0\x80", "\xef\xbf\xbd", "\xf0\x90\x80\x80", "\xf0\x8f\x80\x80",
    "\xf4\x8f\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff", "1.567", "83,87",
    "1.234.567", "2,5", "12a", "x9"};

TEST(ByteScans, EveryByteAtEveryOffset) {
  for (int v = 0; v < 256; ++v) {
    for (size_t len = 1; len <= 20; ++len) {
      for (size_t at = 0; at < len; ++at) {
        for (const char* fill : {"a", "5"}) {
          std::string s(len, fill[0]);
          s[at] = static_cast<char>(v);
          ExpectSame(s, Hex(s));
        }
      }
    }
  }
}

TEST(ByteScans, PiecesAtEveryOffset) {
  for (const std::string& piece : kPieces) {
    for (size_t before = 0; before <= 17; ++before) {
      for (size_t after = 0; after <= 9; ++after) {
        const std::string s = std::string(before, 'x') + piece + std::string(after, ' ');
        ExpectSame(s, Hex(s));
        const std::string t = std::string(before, '7') + piece + "\xe1\xbb\x87";
        ExpectSame(t, Hex(t));
      }
    }
  }
}

TEST(ByteScans, RandomSplices) {
  uint64_t state = 2026;
  for (int trial = 0; trial < 200000; ++trial) {
    std::string s;
    const size_t pieces = SplitMix64(&state) % 12;
    for (size_t k = 0; k < pieces; ++k) {
      const uint64_t r = SplitMix64(&state);
      if (r % 4 == 0) s += std::string(r / 4 % 11, static_cast<char>('a' + r / 64 % 26));
      else s += kPieces[r / 4 % kPieces.size()];
    }
    ExpectSame(s, Hex(s));
  }
}

TEST(ByteScans, CorpusTexts) {
  const int files = testing_support::ForEachCorpusText([](const std::string& path, const std::string& bytes) {
    ExpectSame(bytes, path);
    // Every suffix start and a cut tail: other alignments of the same text.
    for (size_t cut = 1; cut < 9 && cut < bytes.size(); ++cut) {
      ExpectSame(std::string_view(bytes).substr(cut), path);
      ExpectSame(std::string_view(bytes).substr(0, bytes.size() - cut), path);
    }
    return !::testing::Test::HasFatalFailure();
  });
  EXPECT_GT(files, 0);
}

}  // namespace
}  // namespace chiso
