// Acceptance test of issue 3: the same article in any encoding gives the same
// figures. Each seed (../shared/corpus/seeds) and each corpus/sample document
// is converted here, from its UTF-8 NFC original, into NFD, UTF-16LE (with
// and without BOM), windows-1258 (tone marks as combining bytes), TCVN3 and
// VNI; every twin goes through Pipeline::Process and must give exactly the
// figures of the original (the emitted JSON minus `source_span`), name its
// encoding, and map every figure back (`source_span`) to input bytes that
// decode to the figure's text.
//
// TCVN3 has no codes for capitals carrying a tone (".VnTimeH" draws the
// lowercase codes as capitals), so a TCVN3 twin decodes "Ở" as "ở". Its
// figures are compared with `text` and `sentence` lowercased; every other
// field, including subject, indicator and span, must still be equal.
#include <gtest/gtest.h>
#include <unicode/normalizer2.h>
#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "corpus/pipeline.h"
#include "normalize/legacy_encodings.h"
#include "normalize/normalize.h"
#include "schema/emit.h"

namespace chiso {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

enum class Twin { kUtf8, kNfd, kUtf16Le, kUtf16LeBom, kWindows1258, kTcvn3, kVni };

struct TwinInfo {
  Twin twin;
  const char* name;      // test label
  const char* encoding;  // expected doc.encoding
};

constexpr TwinInfo kTwins[] = {
    {Twin::kUtf8, "utf8", "UTF-8"},
    {Twin::kNfd, "nfd", "UTF-8"},
    {Twin::kUtf16Le, "utf16le", "UTF-16LE"},
    {Twin::kUtf16LeBom, "utf16le_bom", "UTF-16LE"},
    {Twin::kWindows1258, "windows1258", "windows-1258"},
    {Twin::kTcvn3, "tcvn3", "TCVN3"},
    {Twin::kVni, "vni", "VNI"},
};

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> InputFiles() {
  std::vector<fs::path> files;
  for (const std::string& dir : {std::string(CHISO_SHARED_DIR) + "/corpus/seeds",
                                std::string(CHISO_SOURCE_DIR) + "/corpus/sample"}) {
    if (!fs::exists(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.path().extension() == ".txt") files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

icu::UnicodeString FromUtf8(std::string_view s) {
  return icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
}

std::string ToUtf8(const icu::UnicodeString& u) {
  std::string out;
  u.toUTF8String(out);
  return out;
}

std::string Nfd(std::string_view utf8) {
  UErrorCode st = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(st);
  icu::UnicodeString out = nfd->normalize(FromUtf8(utf8), st);
  EXPECT_TRUE(U_SUCCESS(st));
  return ToUtf8(out);
}

std::string Utf16Le(std::string_view utf8, bool bom) {
  icu::UnicodeString u = FromUtf8(utf8);
  std::string out;
  if (bom) out = "\xFF\xFE";
  for (int32_t k = 0; k < u.length(); ++k) {
    char16_t c = u.charAt(k);
    out.push_back(static_cast<char>(c & 0xFF));
    out.push_back(static_cast<char>(c >> 8));
  }
  return out;
}

bool IsToneMark(UChar32 c) {
  return c == 0x0300 || c == 0x0301 || c == 0x0303 || c == 0x0309 || c == 0x0323;
}

// Windows-1258 has precomposed letters for the vowel qualities (â ê ô ă ơ ư
// đ and a few toned Latin-1 letters) and separate bytes for the five tone
// marks, but no precomposed "ệ". ICU's converter does not decompose, so each
// character is split into (base + quality marks, composed) + (tone mark): the
// spelling Windows-1258 documents use. Fails the test on anything unmappable.
std::string Windows1258(std::string_view utf8) {
  UErrorCode st = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(st);
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(st);
  icu::UnicodeString src = FromUtf8(utf8), spelled;
  for (int32_t k = 0; k < src.length(); k = src.moveIndex32(k, 1)) {
    icu::UnicodeString d = nfd->normalize(icu::UnicodeString(src.char32At(k)), st);
    icu::UnicodeString base, tones;
    for (int32_t j = 0; j < d.length(); j = d.moveIndex32(j, 1)) {
      UChar32 c = d.char32At(j);
      (IsToneMark(c) && j > 0 ? tones : base).append(c);
    }
    spelled += nfc->normalize(base, st);
    spelled += tones;
  }
  UConverter* cnv = ucnv_open("windows-1258", &st);
  EXPECT_TRUE(U_SUCCESS(st)) << u_errorName(st);
  if (U_FAILURE(st)) return {};
  ucnv_setFromUCallBack(cnv, UCNV_FROM_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &st);
  std::string out(static_cast<size_t>(spelled.length()) * 2 + 16, '\0');
  int32_t n = ucnv_fromUChars(cnv, out.data(), static_cast<int32_t>(out.size()),
                              spelled.getBuffer(), spelled.length(), &st);
  ucnv_close(cnv);
  EXPECT_TRUE(U_SUCCESS(st)) << "windows-1258 cannot encode: " << u_errorName(st);
  out.resize(U_SUCCESS(st) ? static_cast<size_t>(n) : 0);
  return out;
}

std::string Windows1258ToUtf8(std::string_view bytes) {
  UErrorCode st = U_ZERO_ERROR;
  UConverter* cnv = ucnv_open("windows-1258", &st);
  icu::UnicodeString u(bytes.data(), static_cast<int32_t>(bytes.size()), cnv, st);
  ucnv_close(cnv);
  return ToUtf8(u);
}

std::string Make(Twin twin, const std::string& utf8) {
  switch (twin) {
    case Twin::kUtf8: return utf8;
    case Twin::kNfd: return Nfd(utf8);
    case Twin::kUtf16Le: return Utf16Le(utf8, false);
    case Twin::kUtf16LeBom: return Utf16Le(utf8, true);
    case Twin::kWindows1258: return Windows1258(utf8);
    case Twin::kTcvn3: return EncodeTcvn3(utf8);
    case Twin::kVni: return EncodeVni(utf8);
  }
  return {};
}

// Decodes a slice of a twin's bytes in the twin's encoding (no detection).
std::string DecodeAs(Twin twin, std::string_view bytes) {
  switch (twin) {
    case Twin::kUtf8:
    case Twin::kNfd:
      return std::string(bytes);
    case Twin::kUtf16Le:
    case Twin::kUtf16LeBom: {
      icu::UnicodeString u;
      for (size_t k = 0; k + 1 < bytes.size(); k += 2) {
        u.append(static_cast<char16_t>(static_cast<unsigned char>(bytes[k]) |
                                       (static_cast<unsigned char>(bytes[k + 1]) << 8)));
      }
      return ToUtf8(u);
    }
    case Twin::kWindows1258: return Windows1258ToUtf8(bytes);
    case Twin::kTcvn3: return DecodeTcvn3(bytes, nullptr);
    case Twin::kVni: return DecodeVni(bytes, nullptr);
  }
  return {};
}

// The figure text as the pipeline would show it: NFC plus the cleanup.
std::string Normalized(std::string text) {
  Document d;
  d.text = std::move(text);
  NormalizeText(d);
  return d.text;
}

std::string Lower(const std::string& utf8) { return ToUtf8(FromUtf8(utf8).toLower()); }

class EncodingTwinsTest : public ::testing::TestWithParam<TwinInfo> {
 protected:
  static void SetUpTestSuite() {
    Status s = Pipeline::Create(CHISO_SOURCE_DIR, &pipeline_);
    ASSERT_TRUE(s.ok()) << s.message();
  }
  static void TearDownTestSuite() { pipeline_.reset(); }

  static Document Run(const std::string& id, std::string bytes) {
    Document doc;
    doc.id = id;
    doc.path = id;
    doc.bytes = std::move(bytes);
    pipeline_->Process(doc);
    return doc;
  }

  static std::unique_ptr<Pipeline> pipeline_;
};
std::unique_ptr<Pipeline> EncodingTwinsTest::pipeline_;

Json FiguresForComparison(const Document& doc, bool fold_case) {
  Json figures = ToJson(doc)["figures"];
  for (Json& f : figures) {
    f.erase("source_span");
    if (fold_case) {
      f["text"] = Lower(f["text"].get<std::string>());
      f["sentence"] = Lower(f["sentence"].get<std::string>());
    }
  }
  return figures;
}

TEST_P(EncodingTwinsTest, SameFiguresAsUtf8Original) {
  const TwinInfo& info = GetParam();
  std::vector<fs::path> files = InputFiles();
  ASSERT_FALSE(files.empty()) << "no corpus/sample/*.txt";
  if (!fs::exists(std::string(CHISO_SHARED_DIR) + "/corpus/seeds")) {
    std::cout << "note: no seeds beside the checkout; corpus/sample only\n";
  }
  const bool fold_case = info.twin == Twin::kTcvn3;
  size_t total_figures = 0, case_only_differences = 0;
  for (const fs::path& path : files) {
    SCOPED_TRACE(path.filename().string() + " as " + info.name);
    const std::string original = ReadFile(path);
    const std::string id = path.filename().string();
    Document want = Run(id, original);
    ASSERT_FALSE(want.failed()) << want.error->message;
    ASSERT_EQ(want.encoding, "UTF-8");

    const std::string bytes = Make(info.twin, original);
    ASSERT_FALSE(bytes.empty());
    if (info.twin != Twin::kUtf8) {
      ASSERT_NE(bytes, original);
    }
    Document got = Run(id, bytes);
    ASSERT_FALSE(got.failed()) << got.error->code << ": " << got.error->message;
    EXPECT_EQ(got.encoding, info.encoding);

    Json want_figures = FiguresForComparison(want, fold_case);
    Json got_figures = FiguresForComparison(got, fold_case);
    EXPECT_EQ(got_figures.size(), want_figures.size());
    for (size_t k = 0; k < std::max(want_figures.size(), got_figures.size()); ++k) {
      if (k >= want_figures.size()) {
        ADD_FAILURE() << "extra figure " << got_figures[k].dump();
      } else if (k >= got_figures.size()) {
        ADD_FAILURE() << "missing figure " << want_figures[k].dump();
      } else {
        EXPECT_EQ(got_figures[k].dump(), want_figures[k].dump());
      }
    }
    total_figures += got.figures.size();
    if (fold_case) {
      // How many figures differ from the original only by the case TCVN3 loses.
      Json exact_want = FiguresForComparison(want, false), exact_got = FiguresForComparison(got, false);
      for (size_t k = 0; k < std::min(exact_want.size(), exact_got.size()); ++k) {
        if (exact_want[k] == exact_got[k]) continue;
        ++case_only_differences;
        std::cout << "  tcvn3 case only: " << id << " " << exact_want[k]["id"].get<std::string>()
                  << " text \"" << exact_want[k]["text"].get<std::string>() << "\"\n";
      }
    }

    // source_span round trip: the twin's own bytes decode to the figure text.
    Json emitted = ToJson(got)["figures"];
    for (const Json& f : emitted) {
      ASSERT_TRUE(f.contains("source_span")) << f.dump();
      size_t b = f["source_span"][0].get<size_t>(), e = f["source_span"][1].get<size_t>();
      ASSERT_LE(b, e);
      ASSERT_LE(e, bytes.size());
      std::string back = Normalized(DecodeAs(info.twin, std::string_view(bytes).substr(b, e - b)));
      EXPECT_EQ(back, f["text"].get<std::string>())
          << "source_span [" << b << ", " << e << ") of " << f["id"];
    }
  }
  std::cout << info.name << ": " << files.size() << " documents, " << total_figures
            << " figures";
  if (fold_case) std::cout << ", " << case_only_differences << " differ only in letter case";
  std::cout << "\n";
}

INSTANTIATE_TEST_SUITE_P(AllEncodings, EncodingTwinsTest, ::testing::ValuesIn(kTwins),
                         [](const ::testing::TestParamInfo<TwinInfo>& p) {
                           return std::string(p.param.name);
                         });

// The conversions themselves: each twin is what it says it is.
TEST(EncodingTwinsHelpers, ConversionsRoundTrip) {
  const std::string s = "Chỉ số CCHC tỉnh Quảng Ninh đạt 91,54% “Thủ tục”";
  EXPECT_EQ(Normalized(Nfd(s)), Normalized(s));
  EXPECT_NE(Nfd(s), s);
  EXPECT_EQ(DecodeAs(Twin::kUtf16Le, Utf16Le(s, false)), s);
  std::string w = Windows1258(s);
  EXPECT_EQ(w.find('?'), std::string::npos);
  EXPECT_EQ(Normalized(Windows1258ToUtf8(w)), Normalized(s));
  EXPECT_EQ(DecodeVni(EncodeVni(s), nullptr), s);
  EXPECT_EQ(DecodeTcvn3(EncodeTcvn3(s), nullptr), s);  // no toned capitals here
}

}  // namespace
}  // namespace chiso
