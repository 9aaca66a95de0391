#include "ingest/ocr.h"

#include <cstddef>
#include <cstdlib>
#include <utility>

#if CHISO_HAVE_TESSERACT
#include <dlfcn.h>
#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <tesseract/resultiterator.h>
#endif

namespace chiso {

#if CHISO_HAVE_TESSERACT

bool OcrCompiledIn() { return true; }

namespace {
// Tesseract's LSTM asks OpenMP for several threads per page; documents
// already run in parallel, so that only adds spinning (measured: 2.5 s of CPU
// per page with one thread, 10 s with four). OMP_THREAD_LIMIT is read once
// when libgomp loads, before main can set it, so the same cap is set through
// the API: with max-active-levels 0 every parallel region runs on the calling
// thread. Looked up at run time: a Tesseract without OpenMP needs nothing.
bool HasLetterOrDigit(std::string_view s) {
  for (int32_t i = 0; i < static_cast<int32_t>(s.size());) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, static_cast<int32_t>(s.size()), c);
    if (c >= 0 && u_isalnum(c)) return true;
  }
  return false;
}

// Below this, a word without letters or digits is taken for a speck.
constexpr float kMinPunctuationConfidence = 70;

void OneOpenMpThread() {
  if (const char* limit = std::getenv("OMP_THREAD_LIMIT"); limit && *limit) return;  // the user's choice
  using SetLevels = void (*)(int);
  if (auto set = reinterpret_cast<SetLevels>(dlsym(RTLD_DEFAULT, "omp_set_max_active_levels"))) set(0);
}
}  // namespace

struct PageOcr::Impl {
  tesseract::TessBaseAPI api;
};

PageOcr::PageOcr(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PageOcr::~PageOcr() {
  if (impl_) impl_->api.End();
}

std::unique_ptr<PageOcr> PageOcr::Create(const std::string& tessdata_dir, std::string* why,
                                         const std::string& language) {
  OneOpenMpThread();
  auto impl = std::make_unique<Impl>();
  // Tesseract reports through tprintf; keep the library quiet.
  std::vector<std::string> names = {"debug_file"}, values = {"/dev/null"};
  const char* dir = tessdata_dir.empty() ? nullptr : tessdata_dir.c_str();
  if (impl->api.Init(dir, language.c_str(), tesseract::OEM_LSTM_ONLY, nullptr, 0, &names, &values, false) != 0) {
    const char* prefix = std::getenv("TESSDATA_PREFIX");
    std::string where = dir ? tessdata_dir : prefix ? std::string(prefix) : std::string("Tesseract's default tessdata folder");
    *why = "Tesseract cannot load its '" + language + "' data from " + where +
           " (Debian: install tesseract-ocr-" + language + ")";
    return nullptr;
  }
  // Whole pages with columns and tables: let Tesseract find the blocks.
  impl->api.SetPageSegMode(tesseract::PSM_AUTO);
  return std::unique_ptr<PageOcr>(new PageOcr(std::move(impl)));
}

bool PageOcr::Recognize(const uint8_t* gray, int width, int height, int stride, int dpi,
                        std::vector<OcrWord>* words) {
  words->clear();
  tesseract::TessBaseAPI& api = impl_->api;
  // A 3x3 median removes scanner specks, which Tesseract otherwise reads as
  // punctuation glued to words and numbers ("91,.07"); strokes, dots and tone
  // marks at 300 dpi are wider and survive (measured: a seed page with 1000
  // specks 94% -> 98% of words right, clean and 6.5 pt pages unchanged).
  Pix* filtered = nullptr;
  if (Pix* pix = pixCreate(width, height, 8)) {
    l_uint32* data = pixGetData(pix);
    const int wpl = pixGetWpl(pix);
    for (int y = 0; y < height; ++y) {
      l_uint32* line = data + static_cast<ptrdiff_t>(y) * wpl;
      const uint8_t* row = gray + static_cast<ptrdiff_t>(y) * stride;
      for (int x = 0; x < width; ++x) SET_DATA_BYTE(line, x, row[x]);
    }
    filtered = pixMedianFilter(pix, 3, 3);
    pixDestroy(&pix);
  }
  if (filtered) {
    api.SetImage(filtered);
  } else {
    api.SetImage(gray, width, height, 1, stride);
  }
  api.SetSourceResolution(dpi);
  if (api.Recognize(nullptr) != 0) {
    api.Clear();
    if (filtered) pixDestroy(&filtered);
    return false;
  }
  std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
  if (it) {
    constexpr auto kWord = tesseract::RIL_WORD;
    do {
      if (it->Empty(kWord)) continue;
      std::unique_ptr<char[]> text(it->GetUTF8Text(kWord));
      if (!text || !*text.get()) continue;
      OcrWord w;
      int unused;
      if (!it->BoundingBox(kWord, &w.x0, &w.y0, &w.x1, &w.y1)) continue;
      if (!it->BoundingBox(tesseract::RIL_TEXTLINE, &unused, &w.line_y0, &unused, &w.line_y1)) {
        w.line_y0 = w.y0, w.line_y1 = w.y1;
      }
      w.confidence = it->Confidence(kWord);
      w.text = text.get();
      // Specks read as "-", "_" or "|" would split lines into table cells.
      if (w.confidence < kMinPunctuationConfidence && !HasLetterOrDigit(w.text)) continue;
      words->push_back(std::move(w));
    } while (it->Next(kWord));
  }
  it.reset();
  api.Clear();
  if (filtered) pixDestroy(&filtered);
  return true;
}

#else  // !CHISO_HAVE_TESSERACT

bool OcrCompiledIn() { return false; }

struct PageOcr::Impl {};
PageOcr::PageOcr(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PageOcr::~PageOcr() = default;

std::unique_ptr<PageOcr> PageOcr::Create(const std::string&, std::string* why, const std::string&) {
  *why = "this chiso was built without Tesseract (install libtesseract-dev and rebuild)";
  return nullptr;
}

bool PageOcr::Recognize(const uint8_t*, int, int, int, int, std::vector<OcrWord>* words) {
  words->clear();
  return false;
}

#endif

}  // namespace chiso
