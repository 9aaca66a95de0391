// Decode: the first normalize step. Turns a Document's raw `bytes` into UTF-8
// `text` (not yet NFC-normalized), records which encoding it was and how text
// offsets map back to input bytes, or marks the document failed.
//
//   Document doc;
//   doc.bytes = ReadFile(...);
//   Decode(doc);
//   if (doc.failed()) { /* doc.error->code: empty, binary, ... */ }
//   // doc.text, doc.encoding ("UTF-8", "UTF-16LE", "windows-1258", "TCVN3",
//   // "VNI", "UTF-8+TCVN3", ...), doc.source_map (text byte -> input byte)
//
// Decisions, in order:
//  1. 0 bytes -> error `empty`.
//  2. Binary signatures (PDF, PNG, ZIP, JPEG, GIF, OLE2) -> error `binary`.
//  3. BOMs: UTF-8 (dropped, source_map starts at 3), UTF-16LE/BE. Without a
//     BOM, UTF-16 is assumed when in the first 4 KB >= 40% of the bytes at one
//     parity are NUL and < 10% at the other.
//  4. Otherwise NUL bytes, or > 5% (and >= 8) C0 controls other than
//     \t \n \v \f \r ESC SUB in the first 8 KB -> error `binary`.
//  5. Valid UTF-8 is copied as is ("UTF-8"), unless its characters look like
//     TCVN3/VNI bytes shown as Windows-1252 ("Thñ tôc hµnh chÝnh"); then it is
//     mapped back and decoded ("UTF-8+TCVN3" / "UTF-8+VNI", warning
//     `legacy_font_converted`).
//  6. UTF-8 with stray invalid bytes -- at most kMaxStrayBytes (64), at most 1%
//     of the input, and no more than the valid multi-byte characters -- keeps
//     UTF-8; each invalid byte becomes U+FFFD (one warning
//     `invalid_utf8_replaced`).
//  7. Anything else: windows-1258, TCVN3 and VNI are decoded (first 64 KB) and
//     scored with VietnameseScore (uchardet's vote for windows-1258 adds a
//     little); the best scoring >= 0.2 wins, ties going to windows-1258. Else
//     uchardet's guess is used if ICU knows it and decodes it cleanly. Else
//     error `invalid_utf8` (the input was mostly valid UTF-8) or `undecodable`.
//  8. Decoded text that is only whitespace -> error `empty`.
//
// Windows-1258 output keeps its combining tone marks; the NFC step composes
// them. Thread-safety: Decode only touches `doc`; it is safe to decode
// different documents concurrently. Time and memory are linear in the input.
#ifndef CHISO_NORMALIZE_DECODE_H_
#define CHISO_NORMALIZE_DECODE_H_

#include <cstddef>
#include <string_view>

#include "core/document.h"

namespace chiso {

// Stray-byte tolerance for UTF-8 input (see rule 6 above).
inline constexpr size_t kMaxStrayBytes = 64;

// Decodes doc.bytes into doc.text (UTF-8, not yet normalized) and sets
// doc.encoding and doc.source_map (text byte -> doc.bytes byte), adding
// warnings as described above; or calls doc.Fail(code, message) with code one
// of `empty`, `binary`, `invalid_utf8`, `undecodable` (doc.text is then empty).
// Previous text, encoding and source_map are replaced.
void Decode(Document& doc);

namespace internal {
// The UTF-8 census rules 5-7 decide on.
struct Utf8Scan {
  size_t invalid = 0;       // bytes that start no well-formed sequence
  size_t first_invalid = 0;
  size_t multibyte = 0;     // well-formed non-ASCII characters
};
// ScanUtf8 skips ASCII eight bytes at a time; ScanUtf8Reference, the loop it
// replaced, is the reference of its differential test. Same result.
Utf8Scan ScanUtf8(std::string_view s);
Utf8Scan ScanUtf8Reference(std::string_view s);
}  // namespace internal

}  // namespace chiso

#endif  // CHISO_NORMALIZE_DECODE_H_
