// PDF text layer: turns the bytes of a PDF into plain UTF-8 text in reading
// order, one page after the other, with Poppler (poppler-cpp).
//
//   PdfText pdf;
//   Error error;
//   if (!ExtractPdfText(doc.bytes, PdfOptions{}, &pdf, &error)) {
//     doc.Fail(error.code, error.message);  // pdf_corrupt, timeout, ...
//   }
//   // pdf.text, pdf.page_starts[i] = byte offset of page i+1 in pdf.text
//
// Layout, per page, from Poppler's word boxes (page::text_list):
//  - words on one baseline form a line; a line is cut into segments at gaps
//    wider than about one line height (table cells, columns);
//  - the page is cut recursively (XY-cut): at a vertical gutter when both
//    sides look like text columns (wide, with long segments), else at
//    horizontal blank bands; the leaves are read top to bottom, the left
//    column before the right one;
//  - in a leaf, a line whose successor's first word would have fitted at its
//    end was broken on purpose and ends with '\n'; otherwise the break is a
//    wrap and becomes a space ("hó-" + "a" -> "hóa": a hyphen at a wrap
//    between letters is dropped). A larger vertical gap starts a paragraph
//    ("\n\n"). The segments of a table row are joined with spaces, so a row
//    reads as one line and consecutive rows stay one paragraph.
//  - the top of the next column, and of the next page, is treated like the
//    next line: a wrap joins, else a line break (a paragraph ending at a page
//    or column break cannot be told from a line break);
//  - a lone page number at the top or bottom of a page is dropped.
// Legacy-font mojibake (TCVN3/VNI drawn through Latin-1 glyph names) is left
// as is: the normalize stage's Decode detects and converts it.
//
// PDFs are untrusted. ExtractPdfText parses in a forked child process with
// CPU-time and address-space limits (setrlimit) and a wall-clock timeout; the
// child sends its result back over a pipe. Error codes: `pdf_encrypted`,
// `pdf_corrupt`, `pdf_truncated` (no %%EOF at the end), `pdf_empty` (zero
// pages), `no_text_layer` (pages without any text: scans), `pdf_crash` (the
// child died), `timeout` (CPU or wall-clock limit), `too_large` (memory
// limit), `internal` (fork/pipe failed).
//
// Thread-safety: ExtractPdfText may be called from many threads at once; each
// call forks its own child. Cost: one fork per document plus Poppler's parse.
#ifndef CHISO_INGEST_PDF_H_
#define CHISO_INGEST_PDF_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/document.h"

namespace chiso {

struct PdfOptions {
  int cpu_seconds = 20;                     // RLIMIT_CPU of the child
  size_t max_memory = size_t{1} << 30;      // address space the child may add to what it
                                            // inherits (RLIMIT_AS; not under ASan)
  int wall_seconds = 30;                    // the child is killed after this
  bool sandbox = true;                      // false: parse in this process (tests, fuzzing)
  // Tests only: make the child misbehave before parsing, to exercise the
  // sandbox. 0 none, 1 crash (SIGSEGV), 2 hang, 3 allocate without bound.
  int fault_for_test = 0;
};

struct PdfText {
  std::string text;                 // UTF-8, pages in order
  std::vector<size_t> page_starts;  // byte offset of each page in `text`
  int pages = 0;
  std::string title;                // from the info dictionary, or ""
  std::string date;                 // creation date, ISO YYYY-MM-DD, or ""
};

// Extracts the text layer of the PDF in `bytes`. Returns true and fills `out`,
// or returns false and fills `error` (codes above). Never throws.
bool ExtractPdfText(std::string_view bytes, const PdfOptions& options, PdfText* out,
                    Error* error);

// The page (1-based) that byte `offset` of PdfText::text lies on, given its
// page_starts. REQUIRES: page_starts is non-empty and sorted.
int PageOfOffset(const std::vector<size_t>& page_starts, size_t offset);

}  // namespace chiso

#endif  // CHISO_INGEST_PDF_H_
