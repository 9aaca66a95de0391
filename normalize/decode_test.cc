#include "normalize/decode.h"

#include <gtest/gtest.h>
#include <unicode/normalizer2.h>
#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include <chrono>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/fold.h"
#include "normalize/legacy_encodings.h"

namespace chiso {
namespace {

// Test sentences written for these tests (not from the corpus seeds).
const char kSentence[] =
    "Năm 2022, Chỉ số cải cách hành chính của tỉnh Quảng Trị đạt 86,15%, "
    "tăng 4 bậc so với năm trước.";
const std::vector<std::string> kParagraphs = {
    "Sở Nội vụ đã tham mưu cho tỉnh ban hành kế hoạch nâng cao chất lượng "
    "phục vụ người dân và doanh nghiệp trong giải quyết thủ tục hành chính.",
    "Toàn tỉnh hiện có 1.842 thủ tục hành chính, trong đó 1.105 thủ tục được "
    "cung cấp trực tuyến toàn trình, đạt tỷ lệ 60,0% tổng số thủ tục.",
    "Kết quả đánh giá mức độ hài lòng của người dân đối với sự phục vụ của cơ "
    "quan hành chính nhà nước năm nay đạt 84,32%, cao hơn mức trung bình.",
};

std::string Nfc(const std::string& s) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  icu::UnicodeString out;
  nfc->normalize(icu::UnicodeString::fromUTF8(s), out, status);
  std::string r;
  out.toUTF8String(r);
  return r;
}

// Windows-1258 bytes of `utf8` the way Vietnamese Windows writes them: letter
// with its vowel modifier precomposed, tone as a following combining mark.
std::string ToCp1258(const std::string& utf8) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  icu::UnicodeString in = icu::UnicodeString::fromUTF8(utf8), split;
  for (int32_t k = 0; k < in.length(); k = in.moveIndex32(k, 1)) {
    icu::UnicodeString d, rest, tone, composed;
    nfd->normalize(icu::UnicodeString(in.char32At(k)), d, status);
    for (int32_t j = 0; j < d.length(); ++j) {
      UChar c = d[j];
      bool is_tone = c == 0x300 || c == 0x301 || c == 0x303 || c == 0x309 || c == 0x323;
      (is_tone ? tone : rest).append(c);
    }
    nfc->normalize(rest, composed, status);
    split.append(composed).append(tone);
  }
  UConverter* conv = ucnv_open("windows-1258", &status);
  std::string out(split.length() * 2 + 4, '\0');
  int32_t n = ucnv_fromUChars(conv, out.data(), static_cast<int32_t>(out.size()),
                              split.getBuffer(), split.length(), &status);
  ucnv_close(conv);
  EXPECT_TRUE(U_SUCCESS(status)) << u_errorName(status);
  out.resize(n);
  return out;
}

std::string ToUtf16(const std::string& utf8, bool big_endian, bool bom) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(utf8);
  std::string out;
  if (bom) out = big_endian ? "\xFE\xFF" : "\xFF\xFE";
  for (int32_t k = 0; k < u.length(); ++k) {
    char hi = static_cast<char>(u[k] >> 8), lo = static_cast<char>(u[k] & 0xFF);
    out += big_endian ? std::string{hi, lo} : std::string{lo, hi};
  }
  return out;
}

// Legacy bytes as a Windows-1252 viewer shows them, saved as UTF-8.
std::string AsCp1252Text(const std::string& bytes) {
  UErrorCode status = U_ZERO_ERROR;
  UConverter* conv = ucnv_open("windows-1252", &status);
  std::vector<UChar> buf(bytes.size() + 4);
  int32_t n = ucnv_toUChars(conv, buf.data(), static_cast<int32_t>(buf.size()),
                            bytes.data(), static_cast<int32_t>(bytes.size()), &status);
  ucnv_close(conv);
  std::string out;
  icu::UnicodeString(buf.data(), n).toUTF8String(out);
  return out;
}

// Inverse of AsCp1252Text, for fixed strings written in the Latin-1 view.
std::string FromCp1252Text(const std::string& utf8) {
  std::string out;
  size_t pos = 0;
  while (pos < utf8.size()) {
    char32_t cp = DecodeUtf8(utf8, &pos);
    out.push_back(static_cast<char>(cp < 0x80 ? static_cast<int>(cp) : Cp1252ByteFor(cp)));
  }
  return out;
}

Document DecodeBytes(std::string bytes) {
  Document doc;
  doc.bytes = std::move(bytes);
  Decode(doc);
  return doc;
}

// ToSource of the start of `word` in doc.text must be the start of `word_bytes`
// in doc.bytes.
void ExpectWordMaps(const Document& doc, const std::string& word,
                    const std::string& word_bytes) {
  size_t in_text = doc.text.find(word);
  size_t in_bytes = doc.bytes.find(word_bytes);
  ASSERT_NE(in_text, std::string::npos) << word;
  ASSERT_NE(in_bytes, std::string::npos) << word;
  EXPECT_EQ(doc.source_map.ToSource(in_text), in_bytes) << word;
  EXPECT_EQ(doc.source_map.ToSource(doc.text.size()), doc.bytes.size());
}

bool HasWarning(const Document& doc, const std::string& code) {
  for (const Warning& w : doc.warnings) {
    if (w.code == code) return true;
  }
  return false;
}

// ---- errors ------------------------------------------------------------------

TEST(DecodeTest, ZeroBytesIsEmpty) {
  Document doc = DecodeBytes("");
  ASSERT_TRUE(doc.failed());
  EXPECT_EQ(doc.error->code, "empty");
  EXPECT_EQ(doc.error->message, "input is 0 bytes");
}

TEST(DecodeTest, WhitespaceOrBomOnlyIsEmpty) {
  for (std::string in : {std::string(" \r\n\t  \n"), std::string("\xEF\xBB\xBF"),
                         std::string("\xEF\xBB\xBF \n"), std::string("\xFF\xFE"),
                         std::string("\xFE\xFF\x00 \x00\n", 6),
                         std::string("\xC2\xA0\xE3\x80\x80")}) {
    Document doc = DecodeBytes(in);
    ASSERT_TRUE(doc.failed()) << in;
    EXPECT_EQ(doc.error->code, "empty") << in;
    EXPECT_TRUE(doc.text.empty());
  }
}

TEST(DecodeTest, NulBytesAreBinary) {
  Document doc = DecodeBytes(std::string("Hello world\0\x01\x02 more text here", 30));
  ASSERT_TRUE(doc.failed());
  EXPECT_EQ(doc.error->code, "binary");
  EXPECT_EQ(doc.error->message, "NUL bytes at offset 11");
}

TEST(DecodeTest, AllNulIsBinary) {
  for (size_t n : {1, 2, 3, 4096, 10000}) {
    Document doc = DecodeBytes(std::string(n, '\0'));
    ASSERT_TRUE(doc.failed()) << n;
    EXPECT_EQ(doc.error->code, "binary") << n;
    EXPECT_EQ(doc.error->message, "NUL bytes at offset 0");
  }
}

TEST(DecodeTest, KnownSignaturesAreBinary) {
  struct Case {
    std::string bytes;
    std::string message;
  };
  const Case cases[] = {
      {"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj", "PDF signature at offset 0"},
      {"\x89PNG\r\n\x1a\nrest", "PNG signature at offset 0"},
      {"PK\x03\x04\x14\x00\x06\x00", "ZIP signature at offset 0"},
      {"\xFF\xD8\xFF\xE0 JFIF", "JPEG signature at offset 0"},
      {"GIF89a\x01\x02", "GIF signature at offset 0"},
      {"GIF87a\x01\x02", "GIF signature at offset 0"},
      {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "OLE2 (MS Office) signature at offset 0"},
  };
  for (const Case& c : cases) {
    Document doc = DecodeBytes(c.bytes);
    ASSERT_TRUE(doc.failed()) << c.message;
    EXPECT_EQ(doc.error->code, "binary");
    EXPECT_EQ(doc.error->message, c.message);
  }
}

TEST(DecodeTest, ManyControlBytesAreBinary) {
  std::string in;
  for (int k = 0; k < 100; ++k) in += "ab\x01\x02\x03\x04xyz\x10";
  Document doc = DecodeBytes(in);
  ASSERT_TRUE(doc.failed());
  EXPECT_EQ(doc.error->code, "binary");
  EXPECT_NE(doc.error->message.find("control bytes"), std::string::npos);
  // A few controls (form feeds, ESC, a stray \x01) are still text.
  Document text = DecodeBytes("Trang 1\fTrang 2\x1b[0m \x01 het\n");
  EXPECT_FALSE(text.failed());
}

// The binary check skips 8 bytes at a time while none is a control byte;
// every position of a block must still be seen, and the first one reported.
TEST(DecodeTest, ControlBytesAreFoundAtEveryOffset) {
  const std::string text = "Chi so PAR INDEX cua tinh dat 83,87%, tang 2 bac. ";  // 50 bytes
  for (size_t at = 0; at < 40; ++at) {
    std::string nul = text + text;
    nul[at] = '\0';
    Document doc = DecodeBytes(nul);
    ASSERT_TRUE(doc.failed()) << at;
    EXPECT_EQ(doc.error->message, "NUL bytes at offset " + std::to_string(at));
    std::string controls = text + text + text;
    for (size_t k = 0; k < 8; ++k) controls[at + 3 * k] = '\x01';
    doc = DecodeBytes(controls);
    ASSERT_TRUE(doc.failed()) << at;
    EXPECT_EQ(doc.error->message, "8 control bytes in the first " +
                                      std::to_string(controls.size()) + " bytes (first at offset " +
                                      std::to_string(at) + ")");
  }
}

TEST(DecodeTest, DamagedUtf8IsInvalidUtf8) {
  // Every other character broken: far too many for stray-byte repair.
  std::string in;
  for (int k = 0; k < 50; ++k) in += "cải cách \xFF hành chính \xC3 ";
  Document doc = DecodeBytes(in);
  ASSERT_TRUE(doc.failed());
  EXPECT_EQ(doc.error->code, "invalid_utf8");
  EXPECT_NE(doc.error->message.find("first at byte 12"), std::string::npos)
      << doc.error->message;
}

TEST(DecodeTest, BytesNoCharsetDefinesAreUndecodable) {
  Document doc = DecodeBytes("\x81\x8D\x8F\x90\x9D \x81\x8D\x8F\x90\x9D \x9D\x90");
  ASSERT_TRUE(doc.failed());
  EXPECT_EQ(doc.error->code, "undecodable");
  EXPECT_NE(doc.error->message.find("not UTF-8"), std::string::npos);
}

// ---- UTF-8 -----------------------------------------------------------------

TEST(DecodeTest, ValidUtf8IsCopied) {
  Document doc = DecodeBytes(kSentence);
  ASSERT_FALSE(doc.failed());
  EXPECT_EQ(doc.encoding, "UTF-8");
  EXPECT_EQ(doc.text, kSentence);
  EXPECT_TRUE(doc.source_map.identity());
  EXPECT_TRUE(doc.warnings.empty());
}

TEST(DecodeTest, AsciiIsUtf8) {
  Document doc = DecodeBytes("Chi so PAR INDEX 2021: 83,87%\n");
  EXPECT_EQ(doc.encoding, "UTF-8");
  EXPECT_EQ(doc.text, "Chi so PAR INDEX 2021: 83,87%\n");
}

TEST(DecodeTest, Utf8BomIsDroppedAndMapped) {
  Document doc = DecodeBytes(std::string("\xEF\xBB\xBF") + kSentence);
  ASSERT_FALSE(doc.failed());
  EXPECT_EQ(doc.encoding, "UTF-8");
  EXPECT_EQ(doc.text, kSentence);
  EXPECT_EQ(doc.source_map.ToSource(0), 3u);
  ExpectWordMaps(doc, "Quảng", "Quảng");
  ExpectWordMaps(doc, "trước", "trước");
}

TEST(DecodeTest, StrayBytesBecomeReplacementCharacters) {
  std::string good = std::string(kSentence) + " " + kParagraphs[0] + " " + kParagraphs[1];
  std::string in = good;
  in.insert(40, "\xFF");
  in.insert(10, "\x80\x80");  // "Năm 2022,|" -- between ASCII bytes
  Document doc = DecodeBytes(in);
  ASSERT_FALSE(doc.failed()) << doc.error->message;
  EXPECT_EQ(doc.encoding, "UTF-8");
  ASSERT_EQ(doc.warnings.size(), 1u);
  EXPECT_EQ(doc.warnings[0].code, "invalid_utf8_replaced");
  EXPECT_EQ(doc.warnings[0].message,
            "3 invalid bytes replaced with U+FFFD, first at byte 10");
  std::string expected = good;
  expected.insert(40, "\xEF\xBF\xBD");
  expected.insert(10, "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(doc.text, expected);
  // Each replacement maps to its byte; text after them maps to the same word.
  EXPECT_EQ(doc.source_map.ToSource(10), 10u);
  EXPECT_EQ(doc.source_map.ToSource(13), 11u);
  ExpectWordMaps(doc, "Sở Nội", "Sở Nội");
  ExpectWordMaps(doc, "toàn trình", "toàn trình");
}

TEST(DecodeTest, TooManyStrayBytesForRepairStillFail) {
  // 65 stray bytes in plenty of valid text: over kMaxStrayBytes.
  std::string in;
  for (int k = 0; k < 65; ++k) in += std::string(kSentence) + "\xFF ";
  Document doc = DecodeBytes(in);
  ASSERT_TRUE(doc.failed());
  EXPECT_EQ(doc.error->code, "invalid_utf8");
}

TEST(DecodeTest, OverlongAndSurrogateSequencesAreInvalid) {
  std::string good = std::string(kSentence) + " " + kParagraphs[0] + " " +
                     kParagraphs[1] + " " + kParagraphs[2];
  std::string in = good + "\xC0\xAF" + "\xED\xA0\x80";  // overlong '/', U+D800
  Document doc = DecodeBytes(in);
  ASSERT_FALSE(doc.failed());
  ASSERT_TRUE(HasWarning(doc, "invalid_utf8_replaced"));
  // 2 + 3 bytes, each replaced on its own.
  std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(doc.text, good + fffd + fffd + fffd + fffd + fffd);
}

// ---- UTF-16 ----------------------------------------------------------------

TEST(DecodeTest, Utf16LeWithBom) {
  Document doc = DecodeBytes(ToUtf16(kSentence, false, true));
  ASSERT_FALSE(doc.failed());
  EXPECT_EQ(doc.encoding, "UTF-16LE");
  EXPECT_EQ(doc.text, kSentence);
  EXPECT_EQ(doc.source_map.ToSource(0), 2u);
  ExpectWordMaps(doc, "Quảng", ToUtf16("Quảng", false, false));
  ExpectWordMaps(doc, "trước", ToUtf16("trước", false, false));
}

TEST(DecodeTest, Utf16BeWithBom) {
  Document doc = DecodeBytes(ToUtf16(kParagraphs[1], true, true));
  ASSERT_FALSE(doc.failed());
  EXPECT_EQ(doc.encoding, "UTF-16BE");
  EXPECT_EQ(doc.text, kParagraphs[1]);
  ExpectWordMaps(doc, "trực", ToUtf16("trực", true, false));
}

TEST(DecodeTest, Utf16WithoutBomIsRecognised) {
  Document le = DecodeBytes(ToUtf16(kParagraphs[0], false, false));
  EXPECT_EQ(le.encoding, "UTF-16LE");
  EXPECT_EQ(le.text, kParagraphs[0]);
  ExpectWordMaps(le, "người", ToUtf16("người", false, false));
  Document be = DecodeBytes(ToUtf16(kParagraphs[0], true, false));
  EXPECT_EQ(be.encoding, "UTF-16BE");
  EXPECT_EQ(be.text, kParagraphs[0]);
}

TEST(DecodeTest, Utf16SurrogatePairsAndDamage) {
  std::string good = "Đạt 100% 🎉 ok";
  Document doc = DecodeBytes(ToUtf16(good, false, true));
  EXPECT_EQ(doc.text, good);
  // Lone high surrogate + odd trailing byte.
  std::string bad = ToUtf16("ab", false, true) + std::string("\x00\xD8", 2) +
                    ToUtf16("c", false, false) + "x";
  Document damaged = DecodeBytes(bad);
  ASSERT_FALSE(damaged.failed());
  EXPECT_EQ(damaged.text, "ab\xEF\xBF\xBD" "c\xEF\xBF\xBD");
  EXPECT_TRUE(HasWarning(damaged, "invalid_utf16_replaced"));
}

// ---- single-byte Vietnamese encodings ----------------------------------------

TEST(DecodeTest, Windows1258) {
  std::string bytes = ToCp1258(kSentence);
  ASSERT_NE(bytes, kSentence);
  Document doc = DecodeBytes(bytes);
  ASSERT_FALSE(doc.failed()) << doc.error->message;
  EXPECT_EQ(doc.encoding, "windows-1258");
  EXPECT_NE(doc.text, kSentence);  // raw: tones are combining marks
  EXPECT_EQ(Nfc(doc.text), kSentence);
  ExpectWordMaps(doc, "2022", "2022");
  ExpectWordMaps(doc, "86,15%", "86,15%");
}

TEST(DecodeTest, Tcvn3) {
  std::string bytes = EncodeTcvn3(kSentence);
  Document doc = DecodeBytes(bytes);
  ASSERT_FALSE(doc.failed()) << doc.error->message;
  EXPECT_EQ(doc.encoding, "TCVN3");
  EXPECT_EQ(doc.text, kSentence);
  ExpectWordMaps(doc, "Quảng", EncodeTcvn3("Quảng"));
  ExpectWordMaps(doc, "trước", EncodeTcvn3("trước"));
}

TEST(DecodeTest, Vni) {
  std::string bytes = EncodeVni(kSentence);
  Document doc = DecodeBytes(bytes);
  ASSERT_FALSE(doc.failed()) << doc.error->message;
  EXPECT_EQ(doc.encoding, "VNI");
  EXPECT_EQ(doc.text, kSentence);
  ExpectWordMaps(doc, "Quảng", EncodeVni("Quảng"));
  ExpectWordMaps(doc, "trước", EncodeVni("trước"));
}

TEST(LegacyEncodingsTest, KnownTcvn3String) {
  std::string bytes = FromCp1252Text("Thñ tôc hµnh chÝnh");
  EXPECT_EQ(bytes, "Th\xF1 t\xF4" "c h\xB5nh ch\xDDnh");
  EXPECT_EQ(DecodeTcvn3(bytes, nullptr), "Thủ tục hành chính");
  EXPECT_EQ(EncodeTcvn3("Thủ tục hành chính"), bytes);
  EXPECT_EQ(DecodeTcvn3(FromCp1252Text("ViÖt Nam, ®­îc, ng­êi, c¶i c¸ch"), nullptr),
            "Việt Nam, được, người, cải cách");
}

TEST(LegacyEncodingsTest, KnownVniString) {
  std::string bytes = FromCp1252Text("Thuû tuïc haønh chính");
  EXPECT_EQ(DecodeVni(bytes, nullptr), "Thủ tục hành chính");
  EXPECT_EQ(EncodeVni("Thủ tục hành chính"), bytes);
  EXPECT_EQ(DecodeVni(FromCp1252Text("Vieät Nam, ñöôïc, ngöôøi, caûi caùch, tænh"), nullptr),
            "Việt Nam, được, người, cải cách, tỉnh");
  EXPECT_EQ(DecodeVni(FromCp1252Text("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM"), nullptr),
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
}

// Every Vietnamese letter, lowercase and capital, through both tables.
std::vector<std::string> AllVietnameseLetters() {
  const std::u32string bases = U"aăâeêioôơuưy";
  const char32_t tones[] = {0, 0x300, 0x301, 0x309, 0x303, 0x323};
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  std::vector<std::string> out;
  for (char32_t b : bases) {
    for (char32_t t : tones) {
      for (bool upper : {false, true}) {
        icu::UnicodeString s(static_cast<UChar32>(upper ? u_toupper(b) : b)), n;
        if (t) s.append(static_cast<UChar32>(t));
        nfc->normalize(s, n, status);
        std::string u8;
        n.toUTF8String(u8);
        if (t == 0 && b < 0x80) continue;  // plain ASCII vowel
        out.push_back(u8);
      }
    }
  }
  out.push_back("đ");
  out.push_back("Đ");
  return out;
}

TEST(LegacyEncodingsTest, Tcvn3TableRoundTripsEveryLetter) {
  std::vector<std::string> letters = AllVietnameseLetters();
  EXPECT_EQ(letters.size(), 134u);
  std::set<std::string> codes;
  for (const std::string& l : letters) {
    std::string b = EncodeTcvn3(l);
    ASSERT_EQ(b.size(), 1u) << l;
    EXPECT_GE(static_cast<uint8_t>(b[0]), 0xA1) << l;
    // Toned capitals have no code: they come back lowercase.
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(l), lower = u;
    lower.toLower();
    std::string expected;
    const std::string keep = "ĂÂÊÔƠƯĐ";
    (keep.find(l) != std::string::npos ? u : lower).toUTF8String(expected);
    EXPECT_EQ(DecodeTcvn3(b, nullptr), expected) << l;
    codes.insert(b);
  }
  EXPECT_EQ(codes.size(), 74u);  // 67 lowercase letters + Ă Â Ê Ô Ơ Ư Đ
}

TEST(LegacyEncodingsTest, VniTableRoundTripsEveryLetter) {
  std::set<std::string> codes;
  for (const std::string& l : AllVietnameseLetters()) {
    std::string b = EncodeVni(l);
    ASSERT_FALSE(b.empty()) << l;
    ASSERT_LE(b.size(), 2u) << l;
    EXPECT_EQ(b.find('?'), std::string::npos) << l;
    EXPECT_EQ(DecodeVni(b, nullptr), l) << l;
    // Also inside a word, between consonants.
    EXPECT_EQ(DecodeVni("nh" + b + "ng", nullptr), "nh" + l + "ng") << l;
    codes.insert(b);
  }
  EXPECT_EQ(codes.size(), 134u);
}

TEST(LegacyEncodingsTest, VniMixedCaseMarks) {
  // Capital base typed with a lowercase mark byte.
  EXPECT_EQ(DecodeVni("A\xF9" "nh", nullptr), "Ánh");
  EXPECT_EQ(DecodeVni("\xD6\xF9" "ng", nullptr), "Ứng");
}

TEST(LegacyEncodingsTest, EncodersMarkUnmappable) {
  EXPECT_EQ(EncodeTcvn3("a中b"), "a?b");
  EXPECT_EQ(EncodeVni("a中b"), "a?b");
}

TEST(LegacyEncodingsTest, DecodersMapOffsets) {
  OffsetMap map;
  std::string bytes = EncodeVni("Tỉnh Hà Giang");
  std::string text = DecodeVni(bytes, &map);
  ASSERT_EQ(text, "Tỉnh Hà Giang");
  EXPECT_EQ(map.ToSource(text.find("Hà")), bytes.find("Ha"));
  EXPECT_EQ(map.ToSource(text.find("Giang")), bytes.find("Giang"));
  EXPECT_EQ(map.ToSource(text.size()), bytes.size());
  bytes = EncodeTcvn3("Tỉnh Hà Giang");
  text = DecodeTcvn3(bytes, &map);
  EXPECT_EQ(map.ToSource(text.find("Giang")), bytes.find("Giang"));
}

// ---- legacy mojibake inside UTF-8 ------------------------------------------

// Cp1252ByteFor rejects most code points before its table search; checked
// against ICU's windows-1252 over every code point.
TEST(LegacyEncodingsTest, Cp1252ByteForMatchesIcu) {
  UErrorCode status = U_ZERO_ERROR;
  UConverter* conv = ucnv_open("windows-1252", &status);
  ASSERT_TRUE(U_SUCCESS(status));
  std::map<char32_t, int> want;
  for (int b = 0x80; b <= 0xFF; ++b) {
    want[static_cast<char32_t>(b)] = b;  // the Latin-1 view
    const char in = static_cast<char>(b);
    UChar out[4];
    UErrorCode s = U_ZERO_ERROR;
    ucnv_reset(conv);
    if (ucnv_toUChars(conv, out, 4, &in, 1, &s) == 1 && U_SUCCESS(s) && out[0] != 0xFFFD &&
        out[0] != 0x1A) {
      want[out[0]] = b;
    }
  }
  ucnv_close(conv);
  ASSERT_GT(want.size(), 128u + 20u);
  size_t mapped = 0;
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    const int got = Cp1252ByteFor(cp);
    auto it = want.find(cp);
    ASSERT_EQ(got, it == want.end() ? -1 : it->second) << std::hex << static_cast<uint32_t>(cp);
    mapped += got >= 0;
  }
  EXPECT_EQ(mapped, want.size());
}

TEST(DecodeTest, Tcvn3ShownAsWindows1252InsideUtf8) {
  std::string in = AsCp1252Text(EncodeTcvn3(kSentence));
  ASSERT_NE(in.find("c¶i c¸ch"), std::string::npos);
  Document doc = DecodeBytes(in);
  ASSERT_FALSE(doc.failed());
  EXPECT_EQ(doc.encoding, "UTF-8+TCVN3");
  EXPECT_EQ(doc.text, kSentence);
  EXPECT_TRUE(HasWarning(doc, "legacy_font_converted"));
  ExpectWordMaps(doc, "Quảng", AsCp1252Text(EncodeTcvn3("Quảng")));
  ExpectWordMaps(doc, "trước", AsCp1252Text(EncodeTcvn3("trước")));
}

TEST(DecodeTest, VniShownAsWindows1252InsideUtf8WithBom) {
  std::string in = "\xEF\xBB\xBF" + AsCp1252Text(EncodeVni(kParagraphs[2]));
  Document doc = DecodeBytes(in);
  ASSERT_FALSE(doc.failed());
  EXPECT_EQ(doc.encoding, "UTF-8+VNI");
  EXPECT_EQ(doc.text, kParagraphs[2]);
  EXPECT_TRUE(HasWarning(doc, "legacy_font_converted"));
  ExpectWordMaps(doc, "người", AsCp1252Text(EncodeVni("người")));
  ExpectWordMaps(doc, "84,32%", "84,32%");
}

TEST(DecodeTest, RealVietnameseIsNotTakenForMojibake) {
  // Many Latin-1 letters (à á â é ê í ó ô ú ý), few Vietnamese-only ones.
  const std::string text =
      "Thái Bình là tỉnh có nhiều hồ sơ trực tuyến; chỉ số ý kiến tốt.";
  for (const std::string& in : {text, text + " " + kParagraphs[0]}) {
    Document doc = DecodeBytes(in);
    EXPECT_EQ(doc.encoding, "UTF-8");
    EXPECT_EQ(doc.text, in);
    EXPECT_TRUE(doc.warnings.empty());
  }
  // Accented non-Vietnamese UTF-8 stays as it is, too.
  Document fr = DecodeBytes("Ça coûte très cher à Montréal, déjà élevé.");
  EXPECT_EQ(fr.encoding, "UTF-8");
}

// ---- choosing between windows-1258, TCVN3 and VNI -----------------------------

struct EncodingCase {
  int paragraph;
  std::string encoding;
};

class ChooseEncodingTest : public ::testing::TestWithParam<EncodingCase> {};

TEST_P(ChooseEncodingTest, PicksTheRightOne) {
  const std::string& text = kParagraphs[GetParam().paragraph];
  const std::string& enc = GetParam().encoding;
  std::string bytes = enc == "windows-1258" ? ToCp1258(text)
                      : enc == "TCVN3"      ? EncodeTcvn3(text)
                                            : EncodeVni(text);
  Document doc = DecodeBytes(bytes);
  ASSERT_FALSE(doc.failed()) << doc.error->message;
  EXPECT_EQ(doc.encoding, enc);
  EXPECT_EQ(Nfc(doc.text), text);
}

INSTANTIATE_TEST_SUITE_P(
    Paragraphs, ChooseEncodingTest,
    ::testing::Values(EncodingCase{0, "windows-1258"}, EncodingCase{1, "windows-1258"},
                      EncodingCase{2, "windows-1258"}, EncodingCase{0, "TCVN3"},
                      EncodingCase{1, "TCVN3"}, EncodingCase{2, "TCVN3"},
                      EncodingCase{0, "VNI"}, EncodingCase{1, "VNI"},
                      EncodingCase{2, "VNI"}));

TEST(DecodeTest, Tcvn3CapitalsComeBackLowercase) {
  Document doc = DecodeBytes(EncodeTcvn3("Ủy ban nhân dân tỉnh ĐỒNG THÁP đã ban hành kế hoạch."));
  EXPECT_EQ(doc.encoding, "TCVN3");
  EXPECT_EQ(doc.text, "ủy ban nhân dân tỉnh ĐồNG THáP đã ban hành kế hoạch.");
}

TEST(VietnameseScoreTest, SeparatesVietnameseFromNoise) {
  for (const std::string& p : kParagraphs) EXPECT_GT(VietnameseScore(p), 0.5) << p;
  EXPECT_LT(VietnameseScore(AsCp1252Text(EncodeTcvn3(kParagraphs[0]))), 0.1);
  EXPECT_LT(VietnameseScore(AsCp1252Text(EncodeVni(kParagraphs[0]))), 0.1);
  EXPECT_EQ(VietnameseScore("The provincial PAR index rose sharply this year."), 0.0);
  EXPECT_EQ(VietnameseScore(""), 0.0);
  EXPECT_EQ(VietnameseScore("12345 %%% ..."), 0.0);
  // Decomposed tones (raw windows-1258 output) are composed before judging.
  EXPECT_GT(VietnameseScore("Gia\xCC\x89i quyê\xCC\x81t thu\xCC\x89 tu\xCC\xA3" "c"), 0.5);
}

// ---- robustness ----------------------------------------------------------------

TEST(DecodeTest, EverySingleByteInput) {
  for (int b = 0; b < 256; ++b) {
    Document doc = DecodeBytes(std::string(1, static_cast<char>(b)));
    EXPECT_TRUE(doc.failed() || !doc.text.empty()) << b;
    if (!doc.failed()) {
      EXPECT_FALSE(doc.encoding.empty()) << b;
    }
  }
}

TEST(DecodeTest, RandomBuffersNeverCrash) {
  std::mt19937 rng(20240601);
  for (int k = 0; k < 1000; ++k) {
    size_t size = rng() % (k % 10 == 0 ? 20000 : 300);
    std::string bytes(size, '\0');
    bool high_only = k % 3 == 0;  // exercise the legacy detectors
    for (char& c : bytes) {
      c = static_cast<char>(high_only ? 0x20 + rng() % 0xE0 : rng() % 256);
    }
    Document doc = DecodeBytes(bytes);
    EXPECT_TRUE(doc.failed() || !doc.text.empty()) << k;
    if (!doc.failed()) {
      EXPECT_LE(doc.source_map.ToSource(doc.text.size()), bytes.size());
    }
  }
}

TEST(DecodeTest, TenMegabytesWithoutNewlineIsLinear) {
  const std::string unit = std::string(kSentence) + " ";
  std::string big;
  while (big.size() < 10'000'000) big += unit;
  auto start = std::chrono::steady_clock::now();
  Document utf8 = DecodeBytes(big);
  Document tcvn3 = DecodeBytes(EncodeTcvn3(big));
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(utf8.encoding, "UTF-8");
  EXPECT_EQ(utf8.text.size(), big.size());
  EXPECT_EQ(tcvn3.encoding, "TCVN3");
  EXPECT_EQ(tcvn3.text, big);
  EXPECT_LT(seconds, 20.0);
}

TEST(DecodeTest, DecodeReplacesPreviousResult) {
  Document doc;
  doc.bytes = kSentence;
  Decode(doc);
  doc.bytes = ToUtf16("Hà Nội", false, true);
  Decode(doc);
  EXPECT_EQ(doc.encoding, "UTF-16LE");
  EXPECT_EQ(doc.text, "Hà Nội");
}

}  // namespace
}  // namespace chiso
