// What chiso and its PDF helper (chiso-pdf, ingest/pdf_helper.cc) say to
// each other over their socket; internal to ingest/.
//
// chiso -> helper, per document: a frame (u64 length, then the payload of
//   SerializePdfRequest: the options and the PDF's bytes).
// helper -> chiso: kPdfHelperHello once at start; per document, one
//   kPdfTagOcrPage byte each time OCR starts on a page, then kPdfTagResult
//   and a frame holding SerializePdfResult.
// The helper exits when its end of the socket reads end-of-file.
#ifndef CHISO_INGEST_PDF_WIRE_H_
#define CHISO_INGEST_PDF_WIRE_H_

#include <string>
#include <string_view>

#include "core/document.h"
#include "ingest/pdf.h"

namespace chiso {

inline constexpr char kPdfHelperHello = 'H', kPdfTagOcrPage = 'P', kPdfTagResult = 'R';

std::string SerializePdfRequest(const PdfOptions& options, std::string_view bytes);
// False when `in` is not a whole request.
bool DeserializePdfRequest(std::string_view in, PdfOptions* options, std::string* bytes);

std::string SerializePdfResult(bool ok, const PdfText& text, const Error& error);
// False when `in` is not a whole result.
bool DeserializePdfResult(std::string_view in, bool* ok, PdfText* text, Error* error);

// Appends `payload` with its u64 length in front.
void AppendFrame(std::string_view payload, std::string* out);

}  // namespace chiso

#endif  // CHISO_INGEST_PDF_WIRE_H_
