#include "normalize/legacy_encodings.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/fold.h"

namespace chiso {
namespace {

// Windows-1252 0x80..0x9F; the five holes keep their C1 code point (as ICU's
// windows-1252 converter does).
constexpr char32_t kCp1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

// TCVN 5712:1993 VN3 (".VnTime"). Every Vietnamese letter that has a code;
// toned capitals have none (see header). All other bytes: Windows-1252.
struct Tcvn3Row {
  uint8_t byte;
  char32_t cp;
};
constexpr Tcvn3Row kTcvn3[] = {
    {0xA1, 0x0102},  // Ă
    {0xA2, 0x00C2},  // Â
    {0xA3, 0x00CA},  // Ê
    {0xA4, 0x00D4},  // Ô
    {0xA5, 0x01A0},  // Ơ
    {0xA6, 0x01AF},  // Ư
    {0xA7, 0x0110},  // Đ
    {0xA8, 0x0103},  // ă
    {0xA9, 0x00E2},  // â
    {0xAA, 0x00EA},  // ê
    {0xAB, 0x00F4},  // ô
    {0xAC, 0x01A1},  // ơ
    {0xAD, 0x01B0},  // ư
    {0xAE, 0x0111},  // đ
    {0xB5, 0x00E0},  // à
    {0xB6, 0x1EA3},  // ả
    {0xB7, 0x00E3},  // ã
    {0xB8, 0x00E1},  // á
    {0xB9, 0x1EA1},  // ạ
    {0xBB, 0x1EB1},  // ằ
    {0xBC, 0x1EB3},  // ẳ
    {0xBD, 0x1EB5},  // ẵ
    {0xBE, 0x1EAF},  // ắ
    {0xC6, 0x1EB7},  // ặ
    {0xC7, 0x1EA7},  // ầ
    {0xC8, 0x1EA9},  // ẩ
    {0xC9, 0x1EAB},  // ẫ
    {0xCA, 0x1EA5},  // ấ
    {0xCB, 0x1EAD},  // ậ
    {0xCC, 0x00E8},  // è
    {0xCE, 0x1EBB},  // ẻ
    {0xCF, 0x1EBD},  // ẽ
    {0xD0, 0x00E9},  // é
    {0xD1, 0x1EB9},  // ẹ
    {0xD2, 0x1EC1},  // ề
    {0xD3, 0x1EC3},  // ể
    {0xD4, 0x1EC5},  // ễ
    {0xD5, 0x1EBF},  // ế
    {0xD6, 0x1EC7},  // ệ
    {0xD7, 0x00EC},  // ì
    {0xD8, 0x1EC9},  // ỉ
    {0xDC, 0x0129},  // ĩ
    {0xDD, 0x00ED},  // í
    {0xDE, 0x1ECB},  // ị
    {0xDF, 0x00F2},  // ò
    {0xE1, 0x1ECF},  // ỏ
    {0xE2, 0x00F5},  // õ
    {0xE3, 0x00F3},  // ó
    {0xE4, 0x1ECD},  // ọ
    {0xE5, 0x1ED3},  // ồ
    {0xE6, 0x1ED5},  // ổ
    {0xE7, 0x1ED7},  // ỗ
    {0xE8, 0x1ED1},  // ố
    {0xE9, 0x1ED9},  // ộ
    {0xEA, 0x1EDD},  // ờ
    {0xEB, 0x1EDF},  // ở
    {0xEC, 0x1EE1},  // ỡ
    {0xED, 0x1EDB},  // ớ
    {0xEE, 0x1EE3},  // ợ
    {0xEF, 0x00F9},  // ù
    {0xF1, 0x1EE7},  // ủ
    {0xF2, 0x0169},  // ũ
    {0xF3, 0x00FA},  // ú
    {0xF4, 0x1EE5},  // ụ
    {0xF5, 0x1EEB},  // ừ
    {0xF6, 0x1EED},  // ử
    {0xF7, 0x1EEF},  // ữ
    {0xF8, 0x1EE9},  // ứ
    {0xF9, 0x1EF1},  // ự
    {0xFA, 0x1EF3},  // ỳ
    {0xFB, 0x1EF7},  // ỷ
    {0xFC, 0x1EF9},  // ỹ
    {0xFD, 0x00FD},  // ý
    {0xFE, 0x1EF5},  // ỵ
};

// VNI-Windows. A row's bytes are the whole letter: base + diacritic byte, or a
// single byte for đ, ơ, ư, the toned i's and ỵ. Capitals use the capital base
// and the capital form of the diacritic byte (byte - 0x20).
struct VniRow {
  const char* bytes;
  char32_t cp;
};
constexpr VniRow kVni[] = {
    {"a\xF8", 0x00E0},  // à
    {"A\xD8", 0x00C0},  // À
    {"a\xF9", 0x00E1},  // á
    {"A\xD9", 0x00C1},  // Á
    {"a\xFB", 0x1EA3},  // ả
    {"A\xDB", 0x1EA2},  // Ả
    {"a\xF5", 0x00E3},  // ã
    {"A\xD5", 0x00C3},  // Ã
    {"a\xEF", 0x1EA1},  // ạ
    {"A\xCF", 0x1EA0},  // Ạ
    {"a\xEA", 0x0103},  // ă
    {"A\xCA", 0x0102},  // Ă
    {"a\xE8", 0x1EB1},  // ằ
    {"A\xC8", 0x1EB0},  // Ằ
    {"a\xE9", 0x1EAF},  // ắ
    {"A\xC9", 0x1EAE},  // Ắ
    {"a\xFA", 0x1EB3},  // ẳ
    {"A\xDA", 0x1EB2},  // Ẳ
    {"a\xFC", 0x1EB5},  // ẵ
    {"A\xDC", 0x1EB4},  // Ẵ
    {"a\xEB", 0x1EB7},  // ặ
    {"A\xCB", 0x1EB6},  // Ặ
    {"a\xE2", 0x00E2},  // â
    {"A\xC2", 0x00C2},  // Â
    {"a\xE0", 0x1EA7},  // ầ
    {"A\xC0", 0x1EA6},  // Ầ
    {"a\xE1", 0x1EA5},  // ấ
    {"A\xC1", 0x1EA4},  // Ấ
    {"a\xE5", 0x1EA9},  // ẩ
    {"A\xC5", 0x1EA8},  // Ẩ
    {"a\xE3", 0x1EAB},  // ẫ
    {"A\xC3", 0x1EAA},  // Ẫ
    {"a\xE4", 0x1EAD},  // ậ
    {"A\xC4", 0x1EAC},  // Ậ
    {"e\xF8", 0x00E8},  // è
    {"E\xD8", 0x00C8},  // È
    {"e\xF9", 0x00E9},  // é
    {"E\xD9", 0x00C9},  // É
    {"e\xFB", 0x1EBB},  // ẻ
    {"E\xDB", 0x1EBA},  // Ẻ
    {"e\xF5", 0x1EBD},  // ẽ
    {"E\xD5", 0x1EBC},  // Ẽ
    {"e\xEF", 0x1EB9},  // ẹ
    {"E\xCF", 0x1EB8},  // Ẹ
    {"e\xE2", 0x00EA},  // ê
    {"E\xC2", 0x00CA},  // Ê
    {"e\xE0", 0x1EC1},  // ề
    {"E\xC0", 0x1EC0},  // Ề
    {"e\xE1", 0x1EBF},  // ế
    {"E\xC1", 0x1EBE},  // Ế
    {"e\xE5", 0x1EC3},  // ể
    {"E\xC5", 0x1EC2},  // Ể
    {"e\xE3", 0x1EC5},  // ễ
    {"E\xC3", 0x1EC4},  // Ễ
    {"e\xE4", 0x1EC7},  // ệ
    {"E\xC4", 0x1EC6},  // Ệ
    {"\xEC", 0x00EC},  // ì
    {"\xCC", 0x00CC},  // Ì
    {"\xED", 0x00ED},  // í
    {"\xCD", 0x00CD},  // Í
    {"\xE6", 0x1EC9},  // ỉ
    {"\xC6", 0x1EC8},  // Ỉ
    {"\xF3", 0x0129},  // ĩ
    {"\xD3", 0x0128},  // Ĩ
    {"\xF2", 0x1ECB},  // ị
    {"\xD2", 0x1ECA},  // Ị
    {"o\xF8", 0x00F2},  // ò
    {"O\xD8", 0x00D2},  // Ò
    {"o\xF9", 0x00F3},  // ó
    {"O\xD9", 0x00D3},  // Ó
    {"o\xFB", 0x1ECF},  // ỏ
    {"O\xDB", 0x1ECE},  // Ỏ
    {"o\xF5", 0x00F5},  // õ
    {"O\xD5", 0x00D5},  // Õ
    {"o\xEF", 0x1ECD},  // ọ
    {"O\xCF", 0x1ECC},  // Ọ
    {"o\xE2", 0x00F4},  // ô
    {"O\xC2", 0x00D4},  // Ô
    {"o\xE0", 0x1ED3},  // ồ
    {"O\xC0", 0x1ED2},  // Ồ
    {"o\xE1", 0x1ED1},  // ố
    {"O\xC1", 0x1ED0},  // Ố
    {"o\xE5", 0x1ED5},  // ổ
    {"O\xC5", 0x1ED4},  // Ổ
    {"o\xE3", 0x1ED7},  // ỗ
    {"O\xC3", 0x1ED6},  // Ỗ
    {"o\xE4", 0x1ED9},  // ộ
    {"O\xC4", 0x1ED8},  // Ộ
    {"\xF4", 0x01A1},  // ơ
    {"\xD4", 0x01A0},  // Ơ
    {"\xF4\xF8", 0x1EDD},  // ờ
    {"\xD4\xD8", 0x1EDC},  // Ờ
    {"\xF4\xF9", 0x1EDB},  // ớ
    {"\xD4\xD9", 0x1EDA},  // Ớ
    {"\xF4\xFB", 0x1EDF},  // ở
    {"\xD4\xDB", 0x1EDE},  // Ở
    {"\xF4\xF5", 0x1EE1},  // ỡ
    {"\xD4\xD5", 0x1EE0},  // Ỡ
    {"\xF4\xEF", 0x1EE3},  // ợ
    {"\xD4\xCF", 0x1EE2},  // Ợ
    {"u\xF8", 0x00F9},  // ù
    {"U\xD8", 0x00D9},  // Ù
    {"u\xF9", 0x00FA},  // ú
    {"U\xD9", 0x00DA},  // Ú
    {"u\xFB", 0x1EE7},  // ủ
    {"U\xDB", 0x1EE6},  // Ủ
    {"u\xF5", 0x0169},  // ũ
    {"U\xD5", 0x0168},  // Ũ
    {"u\xEF", 0x1EE5},  // ụ
    {"U\xCF", 0x1EE4},  // Ụ
    {"\xF6", 0x01B0},  // ư
    {"\xD6", 0x01AF},  // Ư
    {"\xF6\xF8", 0x1EEB},  // ừ
    {"\xD6\xD8", 0x1EEA},  // Ừ
    {"\xF6\xF9", 0x1EE9},  // ứ
    {"\xD6\xD9", 0x1EE8},  // Ứ
    {"\xF6\xFB", 0x1EED},  // ử
    {"\xD6\xDB", 0x1EEC},  // Ử
    {"\xF6\xF5", 0x1EEF},  // ữ
    {"\xD6\xD5", 0x1EEE},  // Ữ
    {"\xF6\xEF", 0x1EF1},  // ự
    {"\xD6\xCF", 0x1EF0},  // Ự
    {"y\xF8", 0x1EF3},  // ỳ
    {"Y\xD8", 0x1EF2},  // Ỳ
    {"y\xF9", 0x00FD},  // ý
    {"Y\xD9", 0x00DD},  // Ý
    {"y\xFB", 0x1EF7},  // ỷ
    {"Y\xDB", 0x1EF6},  // Ỷ
    {"y\xF5", 0x1EF9},  // ỹ
    {"Y\xD5", 0x1EF8},  // Ỹ
    {"\xEE", 0x1EF5},  // ỵ
    {"\xCE", 0x1EF4},  // Ỵ
    {"\xF1", 0x0111},  // đ
    {"\xD1", 0x0110},  // Đ
};

// Decode/encode tables derived once from the rows above.
struct Tables {
  std::array<char32_t, 256> tcvn3_byte{};      // byte -> code point
  std::unordered_map<char32_t, uint8_t> tcvn3_letter;  // letter -> byte
  std::array<char32_t, 256> vni_byte{};        // lone byte -> code point
  std::vector<char16_t> vni_pair;              // (b0 << 8 | b1) -> letter or 0
  std::unordered_map<char32_t, std::string> vni_letter;  // letter -> bytes

  Tables() : vni_pair(65536, 0) {
    for (int b = 0; b < 256; ++b) {
      char32_t cp = b < 0x80 || b >= 0xA0 ? static_cast<char32_t>(b)
                                          : kCp1252High[b - 0x80];
      tcvn3_byte[b] = cp;
      vni_byte[b] = cp;
    }
    for (const Tcvn3Row& row : kTcvn3) {
      tcvn3_byte[row.byte] = row.cp;
      tcvn3_letter[row.cp] = row.byte;
    }
    for (const VniRow& row : kVni) {
      std::string_view b(row.bytes);
      vni_letter[row.cp] = std::string(b);
      if (b.size() == 1) {
        vni_byte[static_cast<uint8_t>(b[0])] = row.cp;
        continue;
      }
      auto b0 = static_cast<uint8_t>(b[0]);
      auto b1 = static_cast<uint8_t>(b[1]);
      vni_pair[b0 << 8 | b1] = static_cast<char16_t>(row.cp);
      // Mixed-case typing ("Aù" for Á) is common; the base decides the case.
      uint8_t other = b1 ^ 0x20;
      if (vni_pair[b0 << 8 | other] == 0) {
        vni_pair[b0 << 8 | other] = static_cast<char16_t>(row.cp);
      }
    }
  }
};

const Tables& GetTables() {
  static const Tables* const tables = new Tables();
  return *tables;
}

// A legacy byte stream as the decoders see it. unit(i) < 0x100 is a legacy
// byte; >= 0x100 is a code point that passes through unchanged.
struct ByteUnits {
  std::string_view bytes;
  size_t size() const { return bytes.size(); }
  char32_t unit(size_t i) const { return static_cast<uint8_t>(bytes[i]); }
  size_t source(size_t i) const { return i; }
  size_t end() const { return bytes.size(); }
};

struct Unit {
  char32_t value;
  uint32_t source;
};
struct VectorUnits {
  const std::vector<Unit>& units;
  size_t end_offset;
  size_t size() const { return units.size(); }
  char32_t unit(size_t i) const { return units[i].value; }
  size_t source(size_t i) const { return units[i].source; }
  size_t end() const { return end_offset; }
};

template <typename Units>
std::string DecodeTcvn3Units(const Units& in, OffsetMap* map) {
  const Tables& t = GetTables();
  std::string out;
  out.reserve(in.size() + in.size() / 4);
  if (map) map->Clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (map) map->Add(out.size(), in.source(i));
    char32_t u = in.unit(i);
    AppendUtf8(u < 0x100 ? t.tcvn3_byte[u] : u, &out);
  }
  if (map) map->Add(out.size(), in.end());
  return out;
}

template <typename Units>
std::string DecodeVniUnits(const Units& in, OffsetMap* map) {
  const Tables& t = GetTables();
  std::string out;
  out.reserve(in.size() + in.size() / 4);
  if (map) map->Clear();
  size_t i = 0;
  while (i < in.size()) {
    if (map) map->Add(out.size(), in.source(i));
    char32_t u = in.unit(i);
    if (u >= 0x100) {
      AppendUtf8(u, &out);
      ++i;
      continue;
    }
    if (i + 1 < in.size() && in.unit(i + 1) < 0x100) {
      char16_t letter = t.vni_pair[u << 8 | in.unit(i + 1)];
      if (letter != 0) {
        AppendUtf8(letter, &out);
        i += 2;
        continue;
      }
    }
    AppendUtf8(t.vni_byte[u], &out);
    ++i;
  }
  if (map) map->Add(out.size(), in.end());
  return out;
}

// ---- Vietnamese scorer ------------------------------------------------------

// Tone indices: 0 none, 1 grave, 2 acute, 3 hook, 4 tilde, 5 dot below.
int ToneOf(UChar32 mark) {
  switch (mark) {
    case 0x0300: return 1;
    case 0x0301: return 2;
    case 0x0309: return 3;
    case 0x0303: return 4;
    case 0x0323: return 5;
    default: return 0;
  }
}

// What a letter is made of, for U+0000..U+1EFF.
struct LetterInfo {
  char32_t base = 0;  // lowercase Vietnamese base letter (a, ă, â, đ, ...) or 0
  uint8_t tone = 0;
  bool upper = false;
};

constexpr std::u32string_view kVietnameseBases =
    U"abcdefghiklmnopqrstuvxyăâđêôơư";  // f is excluded below
constexpr std::u32string_view kVowels = U"aăâeêioôơuưy";

struct ScorerTables {
  std::vector<LetterInfo> info;  // indexed by code point < kLimit
  static constexpr char32_t kLimit = 0x1F00;

  ScorerTables() : info(kLimit) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
    const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
    if (U_FAILURE(status)) return;
    for (char32_t cp = 0x41; cp < kLimit; ++cp) {
      if (!u_isalpha(static_cast<UChar32>(cp))) continue;
      icu::UnicodeString d;
      UErrorCode s = U_ZERO_ERROR;
      nfd->normalize(icu::UnicodeString(static_cast<UChar32>(cp)), d, s);
      if (U_FAILURE(s) || d.length() == 0) continue;
      icu::UnicodeString rest;
      int tone = 0, tones = 0;
      for (int32_t k = 0; k < d.length(); k = d.moveIndex32(k, 1)) {
        UChar32 c = d.char32At(k);
        if (int t = ToneOf(c)) {
          tone = t;
          ++tones;
        } else {
          rest.append(c);
        }
      }
      icu::UnicodeString composed;
      nfc->normalize(rest, composed, s);
      if (U_FAILURE(s) || tones > 1 || composed.countChar32() != 1) continue;
      char32_t base = static_cast<char32_t>(u_tolower(composed.char32At(0)));
      if (base == U'f' || kVietnameseBases.find(base) == std::u32string_view::npos) {
        continue;
      }
      info[cp] = {base, static_cast<uint8_t>(tone),
                  u_isupper(static_cast<UChar32>(cp)) != 0};
    }
  }
};

const ScorerTables& GetScorerTables() {
  static const ScorerTables* const tables = new ScorerTables();
  return *tables;
}

constexpr std::u32string_view kNuclei[] = {
    U"a",   U"ă",   U"â",   U"e",   U"ê",   U"i",   U"o",   U"ô",   U"ơ",
    U"u",   U"ư",   U"y",   U"ai",  U"ao",  U"au",  U"ay",  U"âu",  U"ây",
    U"eo",  U"êu",  U"ia",  U"iê",  U"iu",  U"oa",  U"oă",  U"oe",  U"oi",
    U"ôi",  U"ơi",  U"oo",  U"ua",  U"uâ",  U"uê",  U"ui",  U"uô",  U"uơ",
    U"uy",  U"ưa",  U"ưi",  U"ưu",  U"ươ",  U"yê",  U"iêu", U"oai", U"oao",
    U"oay", U"oeo", U"uây", U"uôi", U"uya", U"uyê", U"uyu", U"ươi", U"ươu",
    U"yêu"};
// Longest first, so "ngh" wins over "ng" over "n".
constexpr std::u32string_view kInitials[] = {
    U"ngh", U"ng", U"nh", U"ch", U"gh", U"gi", U"kh", U"ph", U"qu", U"th",
    U"tr",  U"b",  U"c",  U"d",  U"đ",  U"g",  U"h",  U"k",  U"l",  U"m",
    U"n",   U"p",  U"r",  U"s",  U"t",  U"v",  U"x"};
constexpr std::u32string_view kFinals[] = {U"",  U"c", U"ch", U"m", U"n",
                                           U"ng", U"nh", U"p", U"t"};
// Very frequent words in administrative-reform texts (NFC, lowercase).
constexpr std::u32string_view kFrequentWords[] = {
    U"của",  U"và",    U"các",  U"hành", U"chính", U"thủ", U"tục",
    U"được", U"năm",   U"tỉnh", U"người", U"đã",   U"trong", U"cải",
    U"cách", U"chỉ",   U"số"};

bool IsVowel(char32_t base) {
  return kVowels.find(base) != std::u32string_view::npos;
}

// True if `bases` (lowercase base letters) with `tones` (per letter) is a
// well-formed Vietnamese syllable: initial? nucleus final?, one tone at most,
// on a vowel, and only sắc/nặng before a stop final (c, ch, p, t).
bool IsSyllable(std::u32string_view bases, const uint8_t* tones) {
  int tone = 0;
  for (size_t k = 0; k < bases.size(); ++k) {
    if (tones[k] == 0) continue;
    if (tone != 0 || !IsVowel(bases[k])) return false;
    tone = tones[k];
  }
  size_t pos = 0;
  for (std::u32string_view ini : kInitials) {
    if (bases.substr(0, ini.size()) != ini) continue;
    // "gi" is an initial only when a vowel follows ("gia"); else g + i ("gì").
    if (ini == U"gi" && (bases.size() < 3 || !IsVowel(bases[2]))) continue;
    pos = ini.size();
    break;
  }
  if (pos == 0 && !bases.empty() && bases[0] == U'q') return false;
  size_t end = pos;
  while (end < bases.size() && IsVowel(bases[end])) ++end;
  std::u32string_view nucleus = bases.substr(pos, end - pos);
  if (std::find(std::begin(kNuclei), std::end(kNuclei), nucleus) == std::end(kNuclei)) {
    return false;
  }
  std::u32string_view final_consonant = bases.substr(end);
  if (std::find(std::begin(kFinals), std::end(kFinals), final_consonant) ==
      std::end(kFinals)) {
    return false;
  }
  bool stop = final_consonant == U"c" || final_consonant == U"ch" ||
              final_consonant == U"p" || final_consonant == U"t";
  return !stop || tone == 2 || tone == 5;
}

enum class WordClass { kNeutral, kGood, kBad };

WordClass ClassifyWord(std::u32string& word, const ScorerTables& st) {
  bool has_mark = false, ascii = true;
  for (char32_t c : word) {
    if (c >= 0x80) ascii = false;
    if (c >= 0x0300 && c <= 0x036F) has_mark = true;
  }
  if (has_mark) {
    UErrorCode s = U_ZERO_ERROR;
    const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(s);
    icu::UnicodeString in, out;
    for (char32_t c : word) in.append(static_cast<UChar32>(c));
    if (U_SUCCESS(s)) nfc->normalize(in, out, s);
    if (U_SUCCESS(s)) {
      word.clear();
      for (int32_t k = 0; k < out.length(); k = out.moveIndex32(k, 1)) {
        word.push_back(static_cast<char32_t>(out.char32At(k)));
      }
    }
  }
  const WordClass foreign = ascii ? WordClass::kNeutral : WordClass::kBad;
  if (word.size() > 7) return foreign;  // "nghiêng" is as long as they get
  // At most 7 letters: fixed buffers, no allocation per word.
  char32_t bases[7], lower[7];
  uint8_t tones[7];
  size_t size = 0;
  size_t uppers = 0;
  for (size_t k = 0; k < word.size(); ++k) {
    char32_t c = word[k];
    if (c >= ScorerTables::kLimit || st.info[c].base == 0) return foreign;
    const LetterInfo& li = st.info[c];
    if (li.upper) {
      ++uppers;
      if (k > 0 && uppers != k + 1) return foreign;  // "chÝnh"
    } else if (uppers > 1) {
      return foreign;  // "CHính"
    }
    bases[size] = li.base;
    tones[size] = li.tone;
    lower[size] = static_cast<char32_t>(u_tolower(static_cast<UChar32>(c)));
    ++size;
  }
  const std::u32string_view lower_view(lower, size);
  if (std::find(std::begin(kFrequentWords), std::end(kFrequentWords), lower_view) !=
      std::end(kFrequentWords)) {
    return WordClass::kGood;
  }
  if (ascii) return WordClass::kNeutral;
  return IsSyllable(std::u32string_view(bases, size), tones) ? WordClass::kGood
                                                             : WordClass::kBad;
}

bool IsWordChar(char32_t c) {
  if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  return u_isalpha(static_cast<UChar32>(c)) ||
         u_charType(static_cast<UChar32>(c)) == U_NON_SPACING_MARK;
}

}  // namespace

std::string DecodeTcvn3(std::string_view bytes, OffsetMap* map) {
  return DecodeTcvn3Units(ByteUnits{bytes}, map);
}

std::string DecodeVni(std::string_view bytes, OffsetMap* map) {
  return DecodeVniUnits(ByteUnits{bytes}, map);
}

int Cp1252ByteFor(char32_t cp) {
  if (cp >= 0x80 && cp <= 0xFF) return static_cast<int>(cp);
  // The entries of kCp1252High above U+00FF lie in U+0152..U+02DC and
  // U+2013..U+2122; Vietnamese letters (U+1EA0..) are rejected before the
  // search, which runs for every non-ASCII character of a UTF-8 document.
  if (cp < 0x152 || (cp > 0x2DC && cp < 0x2013) || cp > 0x2122) return -1;
  for (int k = 0; k < 32; ++k) {
    if (kCp1252High[k] == cp) return 0x80 + k;
  }
  return -1;
}

std::string DecodeLegacyMojibake(std::string_view utf8, bool vni, OffsetMap* map) {
  std::vector<Unit> units;
  units.reserve(utf8.size());
  size_t pos = 0;
  while (pos < utf8.size()) {
    size_t start = pos;
    char32_t cp = DecodeUtf8(utf8, &pos);
    int b = cp < 0x80 ? static_cast<int>(cp) : Cp1252ByteFor(cp);
    units.push_back({b >= 0 ? static_cast<char32_t>(b) : cp,
                     static_cast<uint32_t>(start)});
  }
  VectorUnits in{units, utf8.size()};
  return vni ? DecodeVniUnits(in, map) : DecodeTcvn3Units(in, map);
}

std::string EncodeTcvn3(std::string_view utf8_nfc) {
  const Tables& t = GetTables();
  std::string out;
  out.reserve(utf8_nfc.size());
  size_t pos = 0;
  while (pos < utf8_nfc.size()) {
    char32_t cp = DecodeUtf8(utf8_nfc, &pos);
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
      continue;
    }
    auto it = t.tcvn3_letter.find(cp);
    if (it == t.tcvn3_letter.end()) {
      // Toned capitals are written with the lowercase code (.VnTimeH).
      it = t.tcvn3_letter.find(static_cast<char32_t>(u_tolower(static_cast<UChar32>(cp))));
    }
    if (it != t.tcvn3_letter.end()) {
      out.push_back(static_cast<char>(it->second));
      continue;
    }
    int b = Cp1252ByteFor(cp);
    out.push_back(b >= 0 && t.tcvn3_byte[b] == cp ? static_cast<char>(b) : '?');
  }
  return out;
}

std::string EncodeVni(std::string_view utf8_nfc) {
  const Tables& t = GetTables();
  std::string out;
  out.reserve(utf8_nfc.size() + utf8_nfc.size() / 2);
  size_t pos = 0;
  while (pos < utf8_nfc.size()) {
    char32_t cp = DecodeUtf8(utf8_nfc, &pos);
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
      continue;
    }
    auto it = t.vni_letter.find(cp);
    if (it != t.vni_letter.end()) {
      out += it->second;
      continue;
    }
    int b = Cp1252ByteFor(cp);
    out.push_back(b >= 0 && t.vni_byte[b] == cp ? static_cast<char>(b) : '?');
  }
  return out;
}

double VietnameseScore(std::string_view utf8) {
  const ScorerTables& st = GetScorerTables();
  size_t words = 0, good = 0, bad = 0;
  std::u32string word;
  size_t pos = 0;
  auto flush = [&] {
    if (word.empty()) return;
    ++words;
    switch (ClassifyWord(word, st)) {
      case WordClass::kGood: ++good; break;
      case WordClass::kBad: ++bad; break;
      case WordClass::kNeutral: break;
    }
    word.clear();
  };
  while (pos < utf8.size()) {
    char32_t cp = DecodeUtf8(utf8, &pos);
    if (IsWordChar(cp)) {
      if (word.size() < 64) word.push_back(cp);
    } else {
      flush();
    }
  }
  flush();
  if (words == 0 || good <= bad) return 0;
  return static_cast<double>(good - bad) / static_cast<double>(words);
}

}  // namespace chiso
