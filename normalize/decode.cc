#include "normalize/decode.h"

#include <unicode/ucnv.h>
#include <uchardet/uchardet.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/fold.h"
#include "core/swar.h"
#include "normalize/legacy_encodings.h"

namespace chiso {
namespace {

constexpr size_t kBinaryWindow = 8192;   // bytes inspected for NULs/controls
constexpr size_t kUtf16Window = 4096;    // bytes inspected for a UTF-16 pattern
constexpr size_t kSampleBytes = 64 * 1024;  // bytes scored per candidate
constexpr double kMinVietnameseScore = 0.2;
constexpr double kMojibakeMargin = 0.1;   // reinterpretation must beat as-is
constexpr double kUchardetBonus = 0.05;

struct Magic {
  std::string_view bytes;
  const char* what;
};
constexpr Magic kMagics[] = {
    {"%PDF", "PDF signature"},
    {"\x89PNG\r\n\x1a\n", "PNG signature"},
    {"PK\x03\x04", "ZIP signature"},
    {"PK\x05\x06", "ZIP signature"},
    {"\xFF\xD8\xFF", "JPEG signature"},
    {"GIF87a", "GIF signature"},
    {"GIF89a", "GIF signature"},
    {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "OLE2 (MS Office) signature"},
};

std::string Printf(const char* fmt, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}


// One character of `s` at *pos, whose first byte is >= 0x80: counted in
// *scan, and *pos moved past it (one byte if it starts no well-formed
// sequence).
inline void ScanMultiByte(std::string_view s, size_t* pos, internal::Utf8Scan* scan) {
  const size_t i = *pos;
  const auto b0 = static_cast<uint8_t>(s[i]);
  // Inline, the forms of the Vietnamese letters (2 bytes, and 3 bytes led
  // by E1), on which Utf8SequenceLength returns the same.
  auto continuation = [&](size_t k) { return (static_cast<uint8_t>(s[k]) & 0xC0) == 0x80; };
  if (b0 >= 0xC2 && b0 <= 0xDF && i + 1 < s.size() && continuation(i + 1)) {
    ++scan->multibyte;
    *pos = i + 2;
    return;
  }
  if (b0 == 0xE1 && i + 2 < s.size() && continuation(i + 1) && continuation(i + 2)) {
    ++scan->multibyte;
    *pos = i + 3;
    return;
  }
  const size_t len = Utf8SequenceLength(s, i);
  if (len == 0) {
    if (scan->invalid++ == 0) scan->first_invalid = i;
    *pos = i + 1;
  } else {
    ++scan->multibyte;
    *pos = i + len;
  }
}

// The characters of s[i, end), byte by byte, into *scan.
void ScanBytes(std::string_view s, size_t i, internal::Utf8Scan* scan) {
  while (i < s.size()) {
    if (static_cast<uint8_t>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    ScanMultiByte(s, &i, scan);
  }
}

}  // namespace

namespace internal {

Utf8Scan ScanUtf8Reference(std::string_view s) {
  Utf8Scan scan;
  ScanBytes(s, 0, &scan);
  return scan;
}

// Vietnamese text has a non-ASCII letter every few bytes, so besides
// skipping whole ASCII words, the ASCII bytes before the first high byte of a
// word are stepped over at once.
Utf8Scan ScanUtf8(std::string_view s) {
  if constexpr (std::endian::native != std::endian::little) return ScanUtf8Reference(s);
  Utf8Scan scan;
  size_t i = 0;
  while (i + 8 <= s.size()) {
    const uint64_t high = swar::HighBytes(swar::Load8(s.data() + i));
    if (high == 0) {
      i += 8;
      continue;
    }
    i += swar::FirstMarked(high);
    ScanMultiByte(s, &i, &scan);
  }
  ScanBytes(s, i, &scan);  // the last bytes (fewer than 8)
  return scan;
}

}  // namespace internal

namespace {

using internal::ScanUtf8;
using internal::Utf8Scan;

// Copies UTF-8 `s` (which starts at input offset `base`) replacing every byte
// that starts no well-formed sequence with U+FFFD.
std::string ReplaceInvalidUtf8(std::string_view s, size_t base, OffsetMap* map) {
  std::string out;
  out.reserve(s.size() + 64);
  map->Clear();
  map->Add(0, base);
  size_t i = 0;
  while (i < s.size()) {
    size_t len = Utf8SequenceLength(s, i);
    if (len == 0) {
      map->Add(out.size(), base + i);
      AppendUtf8(0xFFFD, &out);
      ++i;
      map->Add(out.size(), base + i);
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  map->Add(out.size(), base + s.size());
  return out;
}

// Decodes UTF-16 from bytes[start..]; unpaired surrogates and an odd last
// byte become U+FFFD (counted in *replaced).
std::string DecodeUtf16(std::string_view bytes, size_t start, bool big_endian,
                        OffsetMap* map, size_t* replaced) {
  auto unit = [&](size_t i) -> char32_t {
    auto b0 = static_cast<uint8_t>(bytes[i]), b1 = static_cast<uint8_t>(bytes[i + 1]);
    return big_endian ? (b0 << 8 | b1) : (b1 << 8 | b0);
  };
  std::string out;
  out.reserve(bytes.size());
  map->Clear();
  *replaced = 0;
  size_t i = start;
  while (i + 1 < bytes.size()) {
    map->Add(out.size(), i);
    char32_t cp = unit(i);
    i += 2;
    if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < bytes.size() &&
        unit(i) >= 0xDC00 && unit(i) <= 0xDFFF) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (unit(i) - 0xDC00);
      i += 2;
    } else if (cp >= 0xD800 && cp <= 0xDFFF) {
      cp = 0xFFFD;
      ++*replaced;
    }
    AppendUtf8(cp, &out);
  }
  if (i < bytes.size()) {
    map->Add(out.size(), i);
    AppendUtf8(0xFFFD, &out);
    ++*replaced;
  }
  map->Add(out.size(), bytes.size());
  return out;
}

// Byte -> code point table of a single-byte ICU converter; `ok[b]` is false
// for bytes the charset leaves undefined. Returns false if ICU lacks it or it
// is not single-byte.
struct ByteTable {
  std::array<char32_t, 256> cp{};
  std::array<bool, 256> ok{};
};
bool IcuByteTable(const char* charset, ByteTable* table) {
  UErrorCode status = U_ZERO_ERROR;
  UConverter* conv = ucnv_open(charset, &status);
  if (U_FAILURE(status) || conv == nullptr) return false;
  bool single = ucnv_getMaxCharSize(conv) == 1;
  for (int b = 0; single && b < 256; ++b) {
    char in = static_cast<char>(b);
    UChar out[4];
    UErrorCode s = U_ZERO_ERROR;
    ucnv_reset(conv);
    int32_t n = ucnv_toUChars(conv, out, 4, &in, 1, &s);
    bool ok = U_SUCCESS(s) && n == 1 && out[0] != 0xFFFD && (out[0] != 0x1A || b == 0x1A);
    table->cp[b] = ok ? out[0] : 0xFFFD;
    table->ok[b] = ok;
  }
  ucnv_close(conv);
  return single;
}

const ByteTable* Windows1258() {
  static const ByteTable* const table = [] {
    auto* t = new ByteTable();
    if (!IcuByteTable("windows-1258", t)) {
      delete t;
      return static_cast<ByteTable*>(nullptr);
    }
    return t;
  }();
  return table;
}

std::string DecodeByteTable(std::string_view bytes, size_t start, const ByteTable& t,
                            OffsetMap* map, size_t* undefined) {
  std::string out;
  out.reserve(bytes.size() - start + (bytes.size() - start) / 4);
  if (map) map->Clear();
  size_t bad = 0;
  for (size_t i = start; i < bytes.size(); ++i) {
    if (map) map->Add(out.size(), i);
    auto b = static_cast<uint8_t>(bytes[i]);
    if (!t.ok[b]) ++bad;
    AppendUtf8(t.cp[b], &out);
  }
  if (map) map->Add(out.size(), bytes.size());
  if (undefined) *undefined = bad;
  return out;
}

// Decodes bytes[start..] with any ICU converter (multi-byte ones included),
// in chunks. Returns false if ICU does not know `charset`; *substituted counts
// the characters ICU could not convert.
bool DecodeWithIcu(std::string_view bytes, size_t start, const char* charset,
                   std::string* out, OffsetMap* map, size_t* substituted) {
  ByteTable table;
  if (IcuByteTable(charset, &table)) {
    *out = DecodeByteTable(bytes, start, table, map, substituted);
    return true;
  }
  UErrorCode status = U_ZERO_ERROR;
  UConverter* conv = ucnv_open(charset, &status);
  if (U_FAILURE(status) || conv == nullptr) return false;
  constexpr size_t kChunk = 4096;
  std::vector<UChar> buf(4 * kChunk);
  std::vector<int32_t> offsets(buf.size());
  out->clear();
  map->Clear();
  *substituted = 0;
  const char* const begin = bytes.data();
  const char* const limit = begin + bytes.size();
  const char* src = begin + start;
  size_t last_offset = start;
  char32_t pending_high = 0;
  size_t pending_offset = 0;
  bool ok = true;
  while (true) {
    const char* chunk_start = src;
    const char* chunk_limit = limit - src > static_cast<ptrdiff_t>(kChunk) ? src + kChunk : limit;
    bool flush = chunk_limit == limit;
    UChar* target = buf.data();
    UErrorCode e = U_ZERO_ERROR;
    ucnv_toUnicode(conv, &target, buf.data() + buf.size(), &src, chunk_limit,
                   offsets.data(), flush, &e);
    if (U_FAILURE(e) && e != U_BUFFER_OVERFLOW_ERROR) {
      ok = false;
      break;
    }
    for (ptrdiff_t k = 0; k < target - buf.data(); ++k) {
      size_t off = offsets[k] >= 0 ? (chunk_start - begin) + offsets[k] : last_offset;
      off = std::max(off, last_offset);
      last_offset = off;
      char32_t u = buf[k];
      if (u >= 0xD800 && u <= 0xDBFF) {
        pending_high = u;
        pending_offset = off;
        continue;
      }
      if (u >= 0xDC00 && u <= 0xDFFF && pending_high != 0) {
        u = 0x10000 + ((pending_high - 0xD800) << 10) + (u - 0xDC00);
        off = pending_offset;
      } else if (u >= 0xD800 && u <= 0xDFFF) {
        u = 0xFFFD;
      }
      pending_high = 0;
      if (u == 0xFFFD || u == 0x1A) ++*substituted;
      map->Add(out->size(), off);
      AppendUtf8(u, out);
    }
    if (e == U_BUFFER_OVERFLOW_ERROR) continue;
    if (flush && src == limit) break;
  }
  ucnv_close(conv);
  map->Add(out->size(), bytes.size());
  return ok;
}

std::string DetectCharset(std::string_view sample) {
  uchardet_t ud = uchardet_new();
  if (ud == nullptr) return "";
  std::string charset;
  if (uchardet_handle_data(ud, sample.data(), sample.size()) == 0) {
    uchardet_data_end(ud);
    if (const char* c = uchardet_get_charset(ud)) charset = c;
  }
  uchardet_delete(ud);
  return charset;
}

bool IsWhitespace(char32_t cp) {
  switch (cp) {
    case ' ': case '\t': case '\n': case '\v': case '\f': case '\r':
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x3000: case 0xFEFF:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200B;
  }
}

bool OnlyWhitespace(std::string_view utf8) {
  size_t pos = 0;
  while (pos < utf8.size()) {
    if (!IsWhitespace(DecodeUtf8(utf8, &pos))) return false;
  }
  return true;
}

// Returns the prefix of `utf8` of at most `limit` bytes, cut at a character
// boundary.
std::string_view Utf8Prefix(std::string_view utf8, size_t limit) {
  if (utf8.size() <= limit) return utf8;
  size_t end = limit;
  while (end > 0 && (static_cast<uint8_t>(utf8[end]) & 0xC0) == 0x80) --end;
  return utf8.substr(0, end);
}

// True if some byte order of UTF-16 without BOM fits the first 4 KB:
// >= 40% of one parity's bytes are NUL and < 10% of the other's.
bool LooksLikeUtf16(std::string_view bytes, bool* big_endian) {
  size_t pairs = std::min(bytes.size(), kUtf16Window) / 2;
  if (pairs == 0) return false;
  // Either order needs NULs; most text has none.
  if (std::memchr(bytes.data(), 0, 2 * pairs) == nullptr) return false;
  size_t nul_even = 0, nul_odd = 0;
  for (size_t k = 0; k < pairs; ++k) {
    nul_even += bytes[2 * k] == 0;
    nul_odd += bytes[2 * k + 1] == 0;
  }
  if (nul_odd * 10 >= pairs * 4 && nul_even * 10 < pairs) {
    *big_endian = false;
    return true;
  }
  if (nul_even * 10 >= pairs * 4 && nul_odd * 10 < pairs) {
    *big_endian = true;
    return true;
  }
  return false;
}

// Returns a description of why bytes[start..] look binary, or "".
std::string BinaryReason(std::string_view bytes, size_t start) {
  std::string_view window = bytes.substr(start, kBinaryWindow);
  size_t controls = 0, first_control = 0;
  for (size_t k = 0; k < window.size(); ++k) {
    // Skip 8 bytes at a time while none is below 0x20.
    while (k + 8 <= window.size() && swar::BytesBelow(swar::Load8(window.data() + k), 0x20) == 0) {
      k += 8;
    }
    if (k == window.size()) break;
    auto b = static_cast<uint8_t>(window[k]);
    if (b == 0) return Printf("NUL bytes at offset %zu", start + k);
    // \t \n \v \f \r, ESC (terminal colors) and SUB (DOS end of file) are text.
    if (b < 0x20 && !(b >= 0x09 && b <= 0x0D) && b != 0x1B && b != 0x1A) {
      if (controls++ == 0) first_control = start + k;
    }
  }
  if (controls >= 8 && controls * 20 > window.size()) {
    return Printf("%zu control bytes in the first %zu bytes (first at offset %zu)",
                  controls, window.size(), first_control);
  }
  return "";
}

enum class Legacy { kWindows1258, kTcvn3, kVni };

std::string DecodeLegacy(Legacy which, std::string_view bytes, size_t start,
                         OffsetMap* map) {
  switch (which) {
    case Legacy::kWindows1258:
      return DecodeByteTable(bytes, start, *Windows1258(), map, nullptr);
    case Legacy::kTcvn3:
    case Legacy::kVni: {
      OffsetMap local;
      std::string out = which == Legacy::kTcvn3
                            ? DecodeTcvn3(bytes.substr(start), map ? &local : nullptr)
                            : DecodeVni(bytes.substr(start), map ? &local : nullptr);
      if (map) {
        OffsetMap shift;
        shift.Add(0, start);
        *map = start == 0 ? local : local.Then(shift);
      }
      return out;
    }
  }
  return "";
}

const char* LegacyName(Legacy which) {
  switch (which) {
    case Legacy::kWindows1258: return "windows-1258";
    case Legacy::kTcvn3: return "TCVN3";
    case Legacy::kVni: return "VNI";
  }
  return "";
}

// Valid UTF-8 that may hold TCVN3/VNI bytes shown as Windows-1252. Returns
// true (and fills doc) if it does.
bool ConvertMojibake(std::string_view body, size_t start, Document& doc) {
  std::string_view sample = Utf8Prefix(body, kSampleBytes);
  size_t latin = 0, vietnamese = 0;
  size_t pos = 0;
  while (pos < sample.size()) {
    char32_t cp = DecodeUtf8(sample, &pos);
    if (cp < 0x80) continue;
    if (Cp1252ByteFor(cp) >= 0) {
      ++latin;
    } else if ((cp >= 0x0102 && cp <= 0x01B0) || (cp >= 0x1EA0 && cp <= 0x1EF9)) {
      ++vietnamese;  // ă đ ĩ ũ ơ ư ạ ả ... never come out of the Latin-1 view
      // Real Vietnamese: stop as soon as the rest of the sample (a Latin
      // character takes two bytes or more) cannot bring the ratio back.
      if (vietnamese * 10 > latin + (sample.size() - pos) / 2) return false;
    }
  }
  if (latin < 3 || vietnamese * 10 > latin) return false;
  double as_is = VietnameseScore(sample);
  double tcvn3 = VietnameseScore(DecodeLegacyMojibake(sample, false, nullptr));
  double vni = VietnameseScore(DecodeLegacyMojibake(sample, true, nullptr));
  bool use_vni = vni > tcvn3;
  double best = std::max(tcvn3, vni);
  if (best < kMinVietnameseScore || best <= as_is + kMojibakeMargin) return false;
  OffsetMap local;
  doc.text = DecodeLegacyMojibake(body, use_vni, &local);
  if (start == 0) {
    doc.source_map = std::move(local);
  } else {
    OffsetMap shift;
    shift.Add(0, start);
    doc.source_map = local.Then(shift);
  }
  doc.encoding = use_vni ? "UTF-8+VNI" : "UTF-8+TCVN3";
  doc.Warn("legacy_font_converted",
           use_vni ? "text was VNI-Windows bytes shown as Windows-1252 "
                     "(\"Vieät Nam\"); converted to Unicode"
                   : "text was TCVN3 (.VnTime) bytes shown as Windows-1252 "
                     "(\"Thñ tôc\"); converted to Unicode");
  return true;
}

// Not UTF-8: pick among the Vietnamese legacy encodings, then uchardet.
void DecodeNonUtf8(std::string_view bytes, size_t start, const Utf8Scan& scan,
                   Document& doc) {
  std::string_view sample = bytes.substr(start, kSampleBytes);
  double scores[3] = {-1, -1, -1};  // in the order of Legacy
  for (Legacy which : {Legacy::kWindows1258, Legacy::kTcvn3, Legacy::kVni}) {
    if (which == Legacy::kWindows1258 && Windows1258() == nullptr) continue;
    scores[static_cast<int>(which)] = VietnameseScore(DecodeLegacy(which, sample, 0, nullptr));
  }
  // The pick with and without uchardet's windows-1258 bonus.
  auto pick = [&](bool bonus, Legacy* best, double* best_score) {
    *best = Legacy::kWindows1258;
    *best_score = -1;
    for (Legacy which : {Legacy::kWindows1258, Legacy::kTcvn3, Legacy::kVni}) {
      if (which == Legacy::kWindows1258 && Windows1258() == nullptr) continue;
      double score = scores[static_cast<int>(which)];
      if (which == Legacy::kWindows1258 && bonus) score += kUchardetBonus;
      if (score > *best_score) {  // strict: ties keep the earlier (windows-1258)
        *best = which;
        *best_score = score;
      }
    }
  };
  Legacy best, best_plain;
  double best_score, best_plain_score;
  pick(true, &best, &best_score);
  pick(false, &best_plain, &best_plain_score);
  // uchardet (the costliest step here) only matters if its bonus could
  // change the pick or the pick fails and its guess is the fallback.
  const bool guess_matters = best != best_plain || best_plain_score < kMinVietnameseScore ||
                             best_score < kMinVietnameseScore;
  std::string guess = guess_matters ? DetectCharset(sample) : "";
  std::string upper = guess;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<uint8_t>(c)));
  if (upper != "WINDOWS-1258") {
    best = best_plain;
    best_score = best_plain_score;
  }
  if (best_score >= kMinVietnameseScore) {
    doc.text = DecodeLegacy(best, bytes, start, &doc.source_map);
    doc.encoding = LegacyName(best);
    return;
  }
  // Mostly-valid UTF-8 is damaged UTF-8, not some other charset.
  const bool looked_utf8 = scan.multibyte > 0 && scan.multibyte >= scan.invalid;
  if (!looked_utf8 && !guess.empty() && upper != "ASCII" && upper != "UTF-8") {
    std::string out;
    OffsetMap map;
    size_t substituted = 0;
    if (DecodeWithIcu(bytes, start, guess.c_str(), &out, &map, &substituted) &&
        substituted * 100 <= bytes.size() - start) {
      doc.text = std::move(out);
      doc.source_map = std::move(map);
      if (upper.rfind("WINDOWS-", 0) == 0) guess = "windows-" + guess.substr(8);
      doc.encoding = guess;
      if (substituted > 0) {
        doc.Warn("undecodable_replaced",
                 Printf("%zu bytes not valid in %s replaced with U+FFFD",
                        substituted, guess.c_str()));
      }
      return;
    }
  }
  if (looked_utf8) {
    doc.Fail("invalid_utf8",
             Printf("%zu invalid UTF-8 bytes (first at byte %zu) among %zu valid "
                    "multi-byte characters; no legacy encoding fits",
                    scan.invalid, scan.first_invalid, scan.multibyte));
  } else {
    doc.Fail("undecodable",
             Printf("not UTF-8 (%zu invalid bytes, first at byte %zu) and no "
                    "encoding fits (best Vietnamese score %.2f, for %s; uchardet: %s)",
                    scan.invalid, scan.first_invalid, std::max(best_score, 0.0),
                    LegacyName(best), guess.empty() ? "no guess" : guess.c_str()));
  }
}

void DecodeUtf8Input(std::string_view bytes, size_t start, Document& doc) {
  std::string_view body = bytes.substr(start);
  Utf8Scan scan = ScanUtf8(body);
  scan.first_invalid += start;
  if (scan.invalid == 0) {
    if (scan.multibyte > 0 && ConvertMojibake(body, start, doc)) return;
    doc.text.assign(body);
    if (start > 0) doc.source_map.Add(0, start);
    doc.encoding = "UTF-8";
    return;
  }
  if (scan.invalid <= kMaxStrayBytes && scan.invalid * 100 <= body.size() &&
      scan.multibyte >= scan.invalid) {
    doc.text = ReplaceInvalidUtf8(body, start, &doc.source_map);
    doc.encoding = "UTF-8";
    doc.Warn("invalid_utf8_replaced",
             Printf("%zu invalid byte%s replaced with U+FFFD, first at byte %zu",
                    scan.invalid, scan.invalid == 1 ? "" : "s", scan.first_invalid));
    return;
  }
  DecodeNonUtf8(bytes, start, scan, doc);
}

}  // namespace

void Decode(Document& doc) {
  doc.text.clear();
  doc.encoding.clear();
  doc.source_map.Clear();
  const std::string_view bytes = doc.bytes;
  if (bytes.empty()) {
    doc.Fail("empty", "input is 0 bytes");
    return;
  }
  for (const Magic& m : kMagics) {
    if (bytes.substr(0, m.bytes.size()) == m.bytes) {
      doc.Fail("binary", std::string(m.what) + " at offset 0");
      return;
    }
  }

  bool utf16 = false, big_endian = false;
  size_t start = 0;
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    start = 3;
  } else if (bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF") {
    utf16 = true;
    big_endian = bytes[0] == '\xFE';
    start = 2;
  } else {
    utf16 = LooksLikeUtf16(bytes, &big_endian);
  }

  if (utf16) {
    size_t replaced = 0;
    doc.text = DecodeUtf16(bytes, start, big_endian, &doc.source_map, &replaced);
    doc.encoding = big_endian ? "UTF-16BE" : "UTF-16LE";
    if (replaced > 0) {
      doc.Warn("invalid_utf16_replaced",
               Printf("%zu unpaired surrogates or odd bytes replaced with U+FFFD",
                      replaced));
    }
  } else {
    std::string reason = BinaryReason(bytes, start);
    if (!reason.empty()) {
      doc.Fail("binary", reason);
      return;
    }
    DecodeUtf8Input(bytes, start, doc);
  }

  if (!doc.failed() && OnlyWhitespace(doc.text)) {
    doc.Fail("empty", doc.text.empty() ? "input holds only a byte-order mark"
                                        : "input holds only whitespace");
  }
  if (doc.failed()) {
    doc.text.clear();
    doc.source_map.Clear();
  }
}

}  // namespace chiso
