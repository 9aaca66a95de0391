// Vietnamese legacy 8-bit encodings that ICU does not ship, and a scorer that
// tells how Vietnamese a piece of text looks.
//
//   TCVN3 (TCVN 5712:1993 VN3, the ".VnTime" fonts): one byte per letter,
//   Vietnamese letters in 0xA1..0xFE. Capitals carrying a tone have no code of
//   their own (they come from the ".VnTimeH" font, which draws the lowercase
//   codes as capitals), so they decode as lowercase; Ă Â Ê Ô Ơ Ư Đ do exist.
//
//   VNI-Windows ("VNI-Times" fonts): a base letter followed by one byte that
//   carries the vowel modifier and/or tone ("Vieät" = Việt, "haønh" = hành);
//   đ ơ ư and the toned i's (ì í ỉ ĩ ị) and ỵ are single bytes.
//
// Both tables live in legacy_encodings.cc as data ({bytes, code point} rows);
// bytes that are not Vietnamese letters decode as Windows-1252 / Latin-1.
//
//   std::string text = DecodeVni("Thuû tuïc haønh chính" /* as bytes */, &map);
//   // text == "Thủ tục hành chính"; map.ToSource(k) = byte of text[k]'s letter
//   double s = VietnameseScore(text);  // ~1 for Vietnamese, ~0 for mojibake
//
// Thread-safety: all functions are thread-safe (tables are built once, on
// first use, through function-local statics). All run in linear time.
#ifndef CHISO_NORMALIZE_LEGACY_ENCODINGS_H_
#define CHISO_NORMALIZE_LEGACY_ENCODINGS_H_

#include <string>
#include <string_view>

#include "core/offset_map.h"

namespace chiso {

// Returns `bytes` (TCVN3) decoded to UTF-8 NFC. If `map` is not null it is
// cleared and then receives anchors mapping output byte offsets to offsets in
// `bytes` (one anchor wherever the byte widths stop matching 1:1).
std::string DecodeTcvn3(std::string_view bytes, OffsetMap* map);

// Returns `bytes` (VNI-Windows) decoded to UTF-8 NFC; `map` as for DecodeTcvn3.
// A base letter followed by its diacritic byte(s) becomes one code point.
std::string DecodeVni(std::string_view bytes, OffsetMap* map);

// Inverse of DecodeTcvn3, mainly for tests that turn Unicode seeds into legacy
// files. REQUIRES: `utf8_nfc` is NFC. Capitals with a tone are written with the
// lowercase code (as .VnTimeH documents are); anything unmappable -> '?'.
std::string EncodeTcvn3(std::string_view utf8_nfc);

// Inverse of DecodeVni. REQUIRES: `utf8_nfc` is NFC. Unmappable -> '?'.
std::string EncodeVni(std::string_view utf8_nfc);

// Returns how Vietnamese `utf8` looks, in [0, 1]: (words that are well-formed
// Vietnamese syllables with diacritics or very frequent Vietnamese words, minus
// words with non-ASCII letters that are NOT well-formed syllables) divided by
// the number of words. Vietnamese prose scores about 0.5-0.8; text decoded with
// the wrong legacy table, English or random letters score near 0. Combining
// marks are composed (NFC) before judging, so raw Windows-1258 output is fine.
double VietnameseScore(std::string_view utf8);

// Helpers shared with decode.cc ---------------------------------------------

// Returns the byte (0x80..0xFF) that Windows-1252 (or, for U+0080..U+00FF,
// Latin-1) displays as `cp`, or -1. This undoes "legacy bytes shown as Western
// text and saved as UTF-8".
int Cp1252ByteFor(char32_t cp);

// Interprets `utf8` as legacy bytes shown in Windows-1252/Latin-1 (see
// Cp1252ByteFor; other code points pass through) and decodes those bytes as
// TCVN3 (`vni` false) or VNI (`vni` true). `map` (optional) maps output offsets
// to offsets in `utf8`. REQUIRES: `utf8` is valid UTF-8.
std::string DecodeLegacyMojibake(std::string_view utf8, bool vni, OffsetMap* map);

}  // namespace chiso

#endif  // CHISO_NORMALIZE_LEGACY_ENCODINGS_H_
