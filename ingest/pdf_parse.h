// The PDF parser itself: Poppler, the layout and OCR described in
// ingest/pdf.h, run in the calling process. Only the helper program
// chiso-pdf (ingest/pdf_helper.cc) and tests link it, so that chiso itself
// does not load Poppler, Tesseract and their libraries at start-up.
//
// Thread-safety: ParsePdf may run on several threads at once; each call has
// its own Poppler document and Tesseract instance.
#ifndef CHISO_INGEST_PDF_PARSE_H_
#define CHISO_INGEST_PDF_PARSE_H_

#include <functional>
#include <string_view>

#include "core/document.h"
#include "ingest/pdf.h"

namespace chiso {

// Parses the PDF in `bytes` in this process, with no limits. Returns true and
// fills `out`, or false and fills `error` (the codes of ingest/pdf.h other
// than those of the sandbox: pdf_crash, timeout, too_large, internal).
// `before_ocr_page` (may be empty) is called before each page is OCR'd.
// May throw what Poppler or Tesseract throw (std::bad_alloc).
bool ParsePdf(std::string_view bytes, const PdfOptions& options, const std::function<void()>& before_ocr_page,
              PdfText* out, Error* error);

// ParsePdf in a forked child with the CPU, memory and wall-clock limits of
// `options`; its failures become pdf_crash, timeout, too_large or internal.
// `on_ocr_page` (may be empty) is called in this process each time the
// child starts OCR on a page (the wall-clock deadline has just grown by
// options.ocr_page_seconds). Never throws. Cost: one fork.
bool ParsePdfSandboxed(std::string_view bytes, const PdfOptions& options, const std::function<void()>& on_ocr_page,
                       PdfText* out, Error* error);

}  // namespace chiso

#endif  // CHISO_INGEST_PDF_PARSE_H_
