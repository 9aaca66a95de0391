#include "ingest/pdf_wire.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace chiso {
namespace {

void PutField(std::string* b, std::string_view s) {
  uint64_t n = s.size();
  b->append(reinterpret_cast<const char*>(&n), sizeof n);
  b->append(s);
}

bool GetField(std::string_view* in, std::string* s) {
  uint64_t n;
  if (in->size() < sizeof n) return false;
  std::memcpy(&n, in->data(), sizeof n);
  in->remove_prefix(sizeof n);
  if (in->size() < n) return false;
  s->assign(in->substr(0, n));
  in->remove_prefix(n);
  return true;
}

void PutNumber(std::string* b, long long v) { PutField(b, std::to_string(v)); }

bool GetNumber(std::string_view* in, long long* v) {
  std::string s;
  if (!GetField(in, &s) || s.empty()) return false;
  char* end;
  *v = std::strtoll(s.c_str(), &end, 10);
  return *end == '\0';
}

}  // namespace

void AppendFrame(std::string_view payload, std::string* out) { PutField(out, payload); }

std::string SerializePdfRequest(const PdfOptions& o, std::string_view bytes) {
  std::string b;
  PutNumber(&b, o.cpu_seconds);
  PutNumber(&b, static_cast<long long>(o.max_memory));
  PutNumber(&b, o.wall_seconds);
  PutNumber(&b, static_cast<int>(o.ocr));
  PutNumber(&b, o.ocr_dpi);
  PutNumber(&b, o.ocr_page_seconds);
  PutNumber(&b, o.max_ocr_pages);
  PutField(&b, o.tessdata_dir);
  PutNumber(&b, o.fault_for_test);
  PutField(&b, bytes);
  return b;
}

bool DeserializePdfRequest(std::string_view in, PdfOptions* o, std::string* bytes) {
  long long cpu, memory, wall, ocr, dpi, page_seconds, max_pages, fault;
  if (!GetNumber(&in, &cpu) || !GetNumber(&in, &memory) || !GetNumber(&in, &wall) || !GetNumber(&in, &ocr) ||
      !GetNumber(&in, &dpi) || !GetNumber(&in, &page_seconds) || !GetNumber(&in, &max_pages) ||
      !GetField(&in, &o->tessdata_dir) || !GetNumber(&in, &fault) || !GetField(&in, bytes) || !in.empty() ||
      ocr < 0 || ocr > static_cast<int>(OcrMode::kAlways) || memory < 0) {
    return false;
  }
  o->cpu_seconds = static_cast<int>(cpu);
  o->max_memory = static_cast<size_t>(memory);
  o->wall_seconds = static_cast<int>(wall);
  o->ocr = static_cast<OcrMode>(ocr);
  o->ocr_dpi = static_cast<int>(dpi);
  o->ocr_page_seconds = static_cast<int>(page_seconds);
  o->max_ocr_pages = static_cast<int>(max_pages);
  o->fault_for_test = static_cast<int>(fault);
  return true;
}

std::string SerializePdfResult(bool ok, const PdfText& t, const Error& e) {
  std::string b;
  PutField(&b, ok ? "1" : "0");
  PutField(&b, e.code);
  PutField(&b, e.message);
  PutField(&b, t.title);
  PutField(&b, t.date);
  PutField(&b, std::to_string(t.pages));
  std::string starts;
  for (size_t s : t.page_starts) {
    uint64_t v = s;
    starts.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  PutField(&b, starts);
  PutField(&b, t.text);
  std::string ocr;
  for (int page : t.ocr_pages) ocr += std::to_string(page) + " ";
  PutField(&b, ocr);
  PutField(&b, std::to_string(t.ocr_skipped));
  PutField(&b, t.ocr_note);
  return b;
}

bool DeserializePdfResult(std::string_view in, bool* ok, PdfText* t, Error* e) {
  std::string flag, pages, starts, ocr, skipped;
  if (!GetField(&in, &flag) || !GetField(&in, &e->code) || !GetField(&in, &e->message) ||
      !GetField(&in, &t->title) || !GetField(&in, &t->date) || !GetField(&in, &pages) ||
      !GetField(&in, &starts) || !GetField(&in, &t->text) || !GetField(&in, &ocr) ||
      !GetField(&in, &skipped) || !GetField(&in, &t->ocr_note) || !in.empty()) {
    return false;
  }
  for (const char* p = ocr.c_str(); *p;) {
    char* end;
    long page = std::strtol(p, &end, 10);
    if (end == p) break;
    t->ocr_pages.push_back(static_cast<int>(page));
    p = end;
  }
  t->ocr_skipped = std::atoi(skipped.c_str());
  *ok = flag == "1";
  t->pages = std::atoi(pages.c_str());
  for (size_t k = 0; k + sizeof(uint64_t) <= starts.size(); k += sizeof(uint64_t)) {
    uint64_t v;
    std::memcpy(&v, starts.data() + k, sizeof v);
    t->page_starts.push_back(static_cast<size_t>(v));
  }
  return true;
}

}  // namespace chiso
