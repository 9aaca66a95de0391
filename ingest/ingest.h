// Ingest: turns a file on disk into a Document (source metadata and raw
// bytes). Reading is bounded: a file over the size limit is not read, and its
// record says `too_large`. Format is decided by content first, then by file
// extension: "%PDF" -> pdf, an HTML doctype/root tag -> html, else text.
//
// Thread-safe (no shared state).
#ifndef CHISO_INGEST_INGEST_H_
#define CHISO_INGEST_INGEST_H_

#include <cstddef>
#include <string>

#include "core/document.h"
#include "ingest/ocr.h"

namespace chiso {

struct IngestOptions {
  size_t max_bytes = size_t{64} << 20;  // larger files get error too_large
  OcrMode ocr = OcrMode::kAuto;          // which PDF pages are OCR'd (ingest/pdf.h)
};

// Fills doc.id, doc.path, doc.bytes, doc.sha256 and doc.format from the file
// at `path`. Never throws; an unreadable or oversized file sets doc.error
// (`unreadable`, `too_large`) and leaves bytes empty.
void LoadDocument(const std::string& path, const std::string& id, const IngestOptions& options,
                  Document* doc);

// Decides the format from the first bytes and the file name.
Format SniffFormat(std::string_view head, std::string_view file_name);

}  // namespace chiso

#endif  // CHISO_INGEST_INGEST_H_
