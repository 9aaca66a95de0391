// OCR of one rendered page with Tesseract (LSTM engine, Vietnamese "vie"
// data): words with their boxes, which the PDF layout then puts in reading
// order like the words of a text layer (see ingest/pdf.h).
//
//   std::string why;
//   std::unique_ptr<PageOcr> ocr = PageOcr::Create("", &why);
//   if (!ocr) { /* why: "Tesseract has no 'vie' data in ..." */ }
//   std::vector<OcrWord> words;
//   ocr->Recognize(gray, width, height, stride, 300, &words);
//
// Built without Tesseract (pkg-config found no `tesseract`/`lept`),
// OcrCompiledIn() is false and Create always fails with a reason.
//
// Thread-safety: a PageOcr is used by one thread at a time. Tesseract uses
// OpenMP inside; Create caps OpenMP at one thread for the process (the effect
// of OMP_THREAD_LIMIT=1; unless the environment sets OMP_THREAD_LIMIT)
// because documents already run in parallel, and the PDF sandbox runs OCR in
// a child process. Cost: loading the model takes ~0.1 s; a 300 dpi A4 page
// of text takes about 2.5 s of one core.
#ifndef CHISO_INGEST_OCR_H_
#define CHISO_INGEST_OCR_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chiso {

// --ocr: which PDF pages are OCR'd.
enum class OcrMode {
  kNever,   // none: a scan is `no_text_layer`
  kAuto,    // pages without a text layer
  kAlways,  // every page; the text layer is ignored when OCR reads anything
};
std::string_view OcrModeName(OcrMode mode);
std::optional<OcrMode> OcrModeFromName(std::string_view name);  // "auto", "never", "always"

// One recognized word. Coordinates are pixels of the image, y down. The line
// box is the box of the text line holding the word: words of one line share
// it, which keeps a line together whatever its letters' heights.
struct OcrWord {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  int line_y0 = 0, line_y1 = 0;
  float confidence = 0;  // Tesseract's 0..100
  std::string text;      // UTF-8
};

class PageOcr {
 public:
  // Loads Tesseract with `language` from `tessdata_dir` ("" = Tesseract's
  // default, or $TESSDATA_PREFIX). Returns null and sets `why` when Tesseract
  // is not built in or the language data cannot be loaded.
  static std::unique_ptr<PageOcr> Create(const std::string& tessdata_dir, std::string* why,
                                         const std::string& language = "vie");
  ~PageOcr();

  // Recognizes an 8-bit grayscale image (`stride` bytes per row) scanned at
  // `dpi`, after a 3x3 median filter (Leptonica) against scanner specks.
  // Words without letters or digits that Tesseract is unsure of (confidence
  // below 70) are dropped as specks. Returns false (and no words) when
  // Tesseract fails on it.
  // REQUIRES: width, height > 0; stride >= width.
  bool Recognize(const uint8_t* gray, int width, int height, int stride, int dpi,
                 std::vector<OcrWord>* words);

 private:
  struct Impl;
  explicit PageOcr(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// True when this build links Tesseract.
bool OcrCompiledIn();

}  // namespace chiso

#endif  // CHISO_INGEST_OCR_H_
