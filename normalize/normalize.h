// Text cleanup for the normalize stage.
//
// NormalizeText rewrites Document::text (decoded UTF-8) into the canonical form
// every later stage matches against, and records in Document::source_map where
// each byte of the new text came from:
//
//   Document doc = ...;          // doc.text holds decoded UTF-8
//   NormalizeText(doc);          // doc.text is now clean NFC
//   size_t raw = doc.source_map.ToSource(span.begin);
//
// The rules, applied in a single pass:
//   - Unicode NFC (NFD input yields exactly the bytes of its NFC twin).
//   - Spaces: NBSP (U+00A0, U+2007, U+202F), U+1680, U+2000-U+200A, U+205F,
//     U+3000 and tab become ' '.
//   - Removed: zero-width characters (U+200B-U+200D, U+2060, U+FEFF), soft
//     hyphen U+00AD, bidi marks/embeddings (U+200E, U+200F, U+202A-U+202E,
//     U+2066-U+2069) and C0/C1 control characters other than line breaks.
//   - Quotes “ ” „ ‟ « » ″ become '"'; ‘ ’ ‚ ‛ ′ become '\''.
//   - Dashes U+2010-U+2015 and U+2212 become '-'; the ellipsis U+2026
//     becomes "...".
//   - Line breaks: CRLF, CR, VT, FF, U+0085 and U+2028 become '\n'; U+2029
//     (paragraph separator) counts as a blank line.
//   - Whitespace layout: runs of spaces collapse to one; spaces at line start
//     and end are dropped; three or more newlines become two (one blank line);
//     leading and trailing blank lines are dropped.
// The result is a fixed point: NormalizeText on normalized text changes
// nothing.
//
// Offsets: text copied unchanged keeps exact offsets. A rewritten character
// (NFC segment, folded quote, collapsed space run) maps its whole input range
// to its output range. A removed character is charged to the neighbouring
// whitespace if there is one, so a word's mapped range covers exactly the
// word's original bytes (including its decomposed form).
//
// Thread-safety: NormalizeText is reentrant; it reuses thread_local buffers,
// so steady-state calls do not allocate per character.
#ifndef CHISO_NORMALIZE_NORMALIZE_H_
#define CHISO_NORMALIZE_NORMALIZE_H_

#include "core/document.h"

namespace chiso {

// Replaces doc.text with its normalized form and sets doc.source_map to map
// the new text to the raw input: the map of this step composed with any map
// already in doc.source_map (new.Then(old)).
// REQUIRES: doc.text is UTF-8 (invalid bytes become U+FFFD). Cost: O(n).
void NormalizeText(Document& doc);

}  // namespace chiso

#endif  // CHISO_NORMALIZE_NORMALIZE_H_
