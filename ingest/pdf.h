// PDF text layer: turns the bytes of a PDF into plain UTF-8 text in reading
// order, one page after the other, with Poppler (poppler-cpp), in a helper
// process (see below).
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
// Scanned pages (OCR, ingest/ocr.h). PdfOptions::ocr decides which pages
// are OCR'd: kNever none; kAuto (the default) pages whose text layer has
// fewer than 16 letters or digits once a lone page number is dropped; kAlways
// every page. Such a page is rendered with Poppler's page_renderer in 8-bit
// gray at `ocr_dpi`, read by Tesseract (LSTM, "vie", one thread), and its
// words go through the same layout as a text layer (Tesseract's line boxes
// keep a line together). The OCR text replaces the layer when it has more
// letters and digits (kAlways: when it has any). PdfText::ocr_pages lists the
// OCR'd pages; the pipeline multiplies the confidence of their figures by
// kOcrConfidenceFactor and warns `ocr`. Without Tesseract or its "vie" data a
// scan stays `no_text_layer` with the reason in the message (or, when other
// pages have text, in ocr_note). Pages over 40 Mpx are rendered at a lower
// dpi. Why 300 dpi: a seed set in 6.5 pt and scanned at 150 dpi read 98.2% of
// its words right at 150 dpi, 99.2% at 200, 99.9% at 300 and 99.7% at 400,
// for 3.6 / 4.3 / 5.7 / 6.7 s of CPU; 11 pt text reads 100% from 200 dpi on,
// 1.4 to 2.4 s of CPU per A4 page at 300 (`chiso extract --jobs 1`).
//
// PDFs are untrusted, and Poppler and Tesseract are big: chiso does not
// link them. ExtractPdfText hands the bytes to the helper program chiso-pdf
// (ingest/pdf_helper.cc; $CHISO_PDF_HELPER, else chiso-pdf next to the
// running executable, else the build tree's), one per calling thread,
// started on the thread's first PDF and ended with the thread. The helper
// parses each document in a forked child with CPU-time and address-space
// limits (setrlimit) and a wall-clock timeout; the child sends its result
// back over a pipe. OCR runs in the same child: before each OCR'd page the
// child raises its CPU limit by `ocr_page_seconds` and tells its parent,
// which extends its wall-clock deadline as much, so a Tesseract crash, hang
// or out-of-memory becomes pdf_crash, timeout or too_large like Poppler's.
// Error codes: `pdf_encrypted`, `pdf_corrupt`, `pdf_truncated` (no %%EOF at
// the end), `pdf_empty` (zero pages), `no_text_layer` (no page has text, and
// OCR is off, unavailable or read nothing), `pdf_crash` (the child, or the
// helper, died), `timeout` (CPU or wall-clock limit), `too_large` (memory
// limit), `pdf_unavailable` (the helper cannot be run: missing, or its
// libraries are), `internal` (fork/pipe failed).
//
// Thread-safety: ExtractPdfText may be called from many threads at once; each
// thread has its own helper. Cost: the helper's start (its dynamic linking
// of ~70 libraries, ~15 ms of CPU) once per thread; per document, sending the bytes over a socket, one
// fork of the small helper, Poppler's parse, plus, per OCR'd page, rendering
// and Tesseract (seconds of one core).
#ifndef CHISO_INGEST_PDF_H_
#define CHISO_INGEST_PDF_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/document.h"
#include "ingest/ocr.h"

namespace chiso {

struct PdfOptions {
  int cpu_seconds = 20;                     // RLIMIT_CPU of the child
  size_t max_memory = size_t{1} << 30;      // address space the child may add to what it
                                            // inherits (RLIMIT_AS; not under ASan)
  int wall_seconds = 30;                    // the child is killed after this
  OcrMode ocr = OcrMode::kAuto;             // which pages are OCR'd (see above)
  int ocr_dpi = 300;                        // rendering resolution for OCR
  int ocr_page_seconds = 60;                // CPU and wall-clock time added per OCR'd page
  int max_ocr_pages = 200;                  // pages beyond are left unread (ocr_skipped)
  std::string tessdata_dir;                 // "" = Tesseract's default / $TESSDATA_PREFIX
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
  std::vector<int> ocr_pages;       // 1-based pages whose text came from OCR, sorted
  int ocr_skipped = 0;              // pages that needed OCR beyond max_ocr_pages
  std::string ocr_note;             // why pages without text were not OCR'd, or ""
};

// Factor applied to the confidence of figures found on OCR'd pages.
inline constexpr double kOcrConfidenceFactor = 0.8;

// Extracts the text layer of the PDF in `bytes`, through chiso-pdf. Returns
// true and fills `out`, or returns false and fills `error` (codes above).
// Never throws. (ingest/pdf_parse.h parses in process, for the helper and
// tests.)
bool ExtractPdfText(std::string_view bytes, const PdfOptions& options, PdfText* out,
                    Error* error);

// The page (1-based) that byte `offset` of PdfText::text lies on, given its
// page_starts. REQUIRES: page_starts is non-empty and sorted.
int PageOfOffset(const std::vector<size_t>& page_starts, size_t offset);

}  // namespace chiso

#endif  // CHISO_INGEST_PDF_H_
