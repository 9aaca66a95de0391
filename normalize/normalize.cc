#include "normalize/normalize.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>

#include <string>
#include <string_view>
#include <utility>

#include "core/fold.h"
#include "core/offset_map.h"

namespace chiso {
namespace {

// What the cleanup does with one input code point, before NFC.
enum class Action {
  kKeep,       // goes to NFC unchanged
  kDelete,     // dropped
  kSpace,      // becomes part of a space run
  kNewline,    // one line break
  kParagraph,  // a blank line (two line breaks)
  kReplace,    // replaced by `replacement` (ASCII)
};

struct Mapping {
  Action action;
  std::string_view replacement = {};
};

Mapping ClassifyAscii(unsigned char c) {
  switch (c) {
    case ' ':
    case '\t':
      return {Action::kSpace};
    case '\n':
    case '\r':
    case '\v':
    case '\f':
      return {Action::kNewline};
    default:
      if (c < 0x20 || c == 0x7F) return {Action::kDelete};
      return {Action::kKeep};
  }
}

Mapping ClassifyNonAscii(char32_t c) {
  switch (c) {
    case 0x00A0:
    case 0x1680:
    case 0x2007:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return {Action::kSpace};
    case 0x200B:
    case 0x200C:
    case 0x200D:
    case 0x2060:
    case 0xFEFF:
    case 0x00AD:
    case 0x200E:
    case 0x200F:
      return {Action::kDelete};
    case 0x0085:
    case 0x2028:
      return {Action::kNewline};
    case 0x2029:
      return {Action::kParagraph};
    case 0x201C:
    case 0x201D:
    case 0x201E:
    case 0x201F:
    case 0x00AB:
    case 0x00BB:
    case 0x2033:
      return {Action::kReplace, "\""};
    case 0x2018:
    case 0x2019:
    case 0x201A:
    case 0x201B:
    case 0x2032:
      return {Action::kReplace, "'"};
    case 0x2212:
      return {Action::kReplace, "-"};
    case 0x2026:
      return {Action::kReplace, "..."};
    default:
      break;
  }
  if (c >= 0x2000 && c <= 0x200A) return {Action::kSpace};
  if (c >= 0x2010 && c <= 0x2015) return {Action::kReplace, "-"};
  if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)) {
    return {Action::kDelete};
  }
  if (c >= 0x80 && c <= 0x9F) return {Action::kDelete};  // C1 controls
  return {Action::kKeep};
}

const icu::Normalizer2* Nfc() {
  static const icu::Normalizer2* const nfc = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(status);
    return U_SUCCESS(status) ? n : nullptr;
  }();
  return nfc;
}

bool IsPlainAscii(char c) { return c > 0x20 && c < 0x7F; }

// One pass over the input. Code points are classified; kept ones gather into
// a "run" (a word, roughly: everything between whitespace and replaced
// characters, which are NFC boundaries on both sides). A run that is already
// NFC and has no removed characters inside is copied in one piece; otherwise
// it is re-scanned and normalized segment by segment (a segment starts at a
// character with an NFC boundary before it, so segments normalize
// independently and each gets exact anchors). Whitespace gathers into runs
// that are laid out once the next piece (or the end) shows where they stand.
// Every emitted piece knows its input range, which keeps the map exact.
class Normalizer {
 public:
  Normalizer(std::string_view in, std::string* out, std::string* segment,
             std::string* nfc_buffer, OffsetMap* map)
      : in_(in),
        out_(out),
        seg_(segment),
        nfc_out_(nfc_buffer),
        map_(map),
        nfc_(Nfc()) {}

  void Run() {
    const size_t n = in_.size();
    size_t pos = 0;
    while (pos < n) {
      const size_t begin = pos;
      const unsigned char byte = static_cast<unsigned char>(in_[pos]);
      if (IsPlainAscii(in_[pos])) {
        do {
          ++pos;
        } while (pos < n && IsPlainAscii(in_[pos]));
        ExtendRun(begin, pos, /*ascii=*/true);
        continue;
      }
      Mapping m;
      if (byte < 0x80) {
        ++pos;
        m = ClassifyAscii(byte);
        if (byte == '\r' && pos < n && in_[pos] == '\n') ++pos;  // CRLF
      } else {
        const char32_t c = DecodeUtf8(in_, &pos);
        m = ClassifyNonAscii(c);
        if (m.action == Action::kKeep) {
          ExtendRun(begin, pos, /*ascii=*/false);
          // Invalid bytes decode as U+FFFD and need rewriting.
          if (c == 0xFFFD &&
              in_.substr(begin, pos - begin) != kReplacementChar) {
            run_slow_ = true;
          }
          continue;
        }
      }
      // A removed character inside a run is noticed by ExtendRun as a gap;
      // one after the run's last kept character is charged elsewhere.
      if (m.action == Action::kDelete) continue;
      FlushRun();
      Apply(m, begin, pos);
    }
    FlushRun();
    // A trailing whitespace run is dropped (trailing blank lines, spaces).
  }

 private:
  static constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";

  void ExtendRun(size_t begin, size_t end, bool ascii) {
    if (!run_active_) {
      run_active_ = true;
      run_begin_ = begin;
      run_ascii_ = true;
      run_slow_ = false;
    } else if (begin != run_end_) {
      run_slow_ = true;  // something was removed inside the run
    }
    run_end_ = end;
    run_ascii_ = run_ascii_ && ascii;
  }

  void FlushRun() {
    if (!run_active_) return;
    run_active_ = false;
    FlushWhitespace();
    const std::string_view run = in_.substr(run_begin_, run_end_ - run_begin_);
    if (!run_slow_ && (run_ascii_ || nfc_ == nullptr || IsNfc(run))) {
      Emit(run, run_begin_, run_end_);
      return;
    }
    // Slow path: only kept and removed characters occur inside a run.
    size_t pos = run_begin_;
    while (pos < run_end_) {
      const size_t begin = pos;
      if (static_cast<unsigned char>(in_[pos]) < 0x80) {
        ++pos;
        if (!IsPlainAscii(in_[begin])) continue;  // a removed control char
        // ASCII is NFC and starts a segment; consecutive ASCII may share
        // one (it is copied verbatim either way).
        if (!seg_ascii_) FlushSegment();
        AppendToSegment(in_.substr(begin, 1), begin, pos, /*ascii=*/true);
        continue;
      }
      const char32_t c = DecodeUtf8(in_, &pos);
      if (ClassifyNonAscii(c).action == Action::kDelete) continue;
      if (nfc_ == nullptr || nfc_->hasBoundaryBefore(static_cast<UChar32>(c))) {
        FlushSegment();
      }
      AppendToSegment(
          c == 0xFFFD ? kReplacementChar : in_.substr(begin, pos - begin),
          begin, pos, /*ascii=*/false);
    }
    FlushSegment();
  }

  bool IsNfc(std::string_view run) const {
    UErrorCode status = U_ZERO_ERROR;
    const bool yes = nfc_->isNormalizedUTF8(
        icu::StringPiece(run.data(), static_cast<int32_t>(run.size())), status);
    return U_SUCCESS(status) && yes;
  }

  void Apply(const Mapping& m, size_t begin, size_t end) {
    switch (m.action) {
      case Action::kSpace:
        AddWhitespace(0, end);
        return;
      case Action::kNewline:
        AddWhitespace(1, end);
        return;
      case Action::kParagraph:
        AddWhitespace(2, end);
        return;
      case Action::kReplace:
        // Replacements are ASCII starters that compose with nothing; each
        // gets its own anchors.
        FlushWhitespace();
        Emit(m.replacement, begin, end);
        return;
      case Action::kKeep:
      case Action::kDelete:
        return;
    }
  }

  void AppendToSegment(std::string_view bytes, size_t begin, size_t end,
                       bool ascii) {
    if (seg_->empty()) seg_begin_ = begin;
    seg_->append(bytes);
    seg_end_ = end;
    seg_ascii_ = seg_ascii_ && ascii;
  }

  void FlushSegment() {
    if (seg_->empty()) {
      seg_ascii_ = true;
      return;
    }
    if (seg_ascii_ || nfc_ == nullptr) {
      Emit(*seg_, seg_begin_, seg_end_);
    } else {
      nfc_out_->clear();
      icu::StringByteSink<std::string> sink(nfc_out_);
      UErrorCode status = U_ZERO_ERROR;
      nfc_->normalizeUTF8(
          0, icu::StringPiece(seg_->data(), static_cast<int32_t>(seg_->size())),
          sink, nullptr, status);
      Emit(U_SUCCESS(status) ? std::string_view(*nfc_out_)
                             : std::string_view(*seg_),
           seg_begin_, seg_end_);
    }
    seg_->clear();
    seg_ascii_ = true;
  }

  void AddWhitespace(int newlines, size_t end) {
    if (!ws_pending_) {
      ws_pending_ = true;
      // The run starts where the last piece ended, so characters removed
      // between a word and the following space are charged to the space.
      ws_begin_ = last_in_end_;
      ws_newlines_ = 0;
    }
    if (ws_newlines_ == 0 && newlines > 0) first_newline_end_ = end;
    ws_newlines_ += newlines;
    ws_end_ = end;
  }

  // Lays out the pending whitespace run; called before a non-space piece.
  void FlushWhitespace() {
    if (!ws_pending_) return;
    ws_pending_ = false;
    if (out_->empty()) return;  // leading whitespace and blank lines
    if (ws_newlines_ == 0) {
      Emit(" ", ws_begin_, ws_end_);
    } else if (ws_newlines_ == 1) {
      Emit("\n", ws_begin_, ws_end_);
    } else {
      Emit("\n", ws_begin_, first_newline_end_);
      Emit("\n", first_newline_end_, ws_end_);
    }
  }

  // Appends `bytes`, which replace input [in_begin, in_end). Invariant: the
  // map, extended 1:1 from its last anchor, sends out_->size() to
  // last_in_end_. If input was removed just before this piece (a gap), the
  // piece's start is anchored past it, so the gap is charged to the previous
  // piece and this piece's begin stays tight.
  void Emit(std::string_view bytes, size_t in_begin, size_t in_end) {
    const size_t dst = out_->size();
    if (in_begin != last_in_end_ || bytes.size() != in_end - in_begin) {
      map_->Add(dst, in_begin);
      map_->Add(dst + bytes.size(), in_end);
    }
    out_->append(bytes);
    last_in_end_ = in_end;
  }

  std::string_view in_;
  std::string* out_;
  std::string* seg_;
  std::string* nfc_out_;
  OffsetMap* map_;
  const icu::Normalizer2* nfc_;

  size_t last_in_end_ = 0;

  // The current run of kept characters: input [run_begin_, run_end_).
  bool run_active_ = false;
  size_t run_begin_ = 0;
  size_t run_end_ = 0;
  bool run_ascii_ = true;
  bool run_slow_ = false;

  // The current NFC segment (slow path), already in output form.
  size_t seg_begin_ = 0;
  size_t seg_end_ = 0;
  bool seg_ascii_ = true;

  bool ws_pending_ = false;
  size_t ws_begin_ = 0;
  size_t ws_end_ = 0;
  size_t first_newline_end_ = 0;
  int ws_newlines_ = 0;
};

// True if code point `c`, decoded from `len` bytes, is well-formed UTF-8 and
// has NFC_Quick_Check=Yes and combining class 0.
bool NfcInert(char32_t c, size_t len) {
  const bool well_formed = (len == 2 && c >= 0x80 && c < 0x800) ||
                           (len == 3 && c >= 0x800 && c < 0x10000 && (c < 0xD800 || c > 0xDFFF)) ||
                           (len == 4 && c >= 0x10000 && c <= 0x10FFFF);
  if (!well_formed) return false;
  const auto u = static_cast<UChar32>(c);
  return u_getIntPropertyValue(u, UCHAR_NFC_QUICK_CHECK) == UNORM_YES &&
         u_getCombiningClass(u) == 0;
}

// If NormalizeText would only drop `text`'s trailing spaces and newlines,
// returns the length of what it keeps; otherwise npos. That holds when the
// text starts with no whitespace, every character is kept unchanged (plain
// ASCII, or non-ASCII that ClassifyNonAscii keeps and that is valid UTF-8),
// whitespace inside is single spaces and single or double newlines with no
// space beside them, and the whole is NFC. Checking NFC on the whole instead
// of run by run gives the same answer: runs are separated by ' ' and '\n',
// which compose with nothing and have combining class 0.
//
// The NFC check is needed only if some character may change or interact
// under NFC: a string whose characters all have NFC_Quick_Check=Yes and
// combining class 0 is NFC. All of U+00C0..U+02BF and U+1E00..U+1EFF are
// such (normalize_test checks it against ICU); other characters are looked
// up when well-formed, and otherwise leave the check to ICU.
size_t UnchangedPrefix(std::string_view text, const icu::Normalizer2* nfc) {
  size_t end = text.size();
  while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\n')) --end;
  if (end == 0) return std::string_view::npos;
  const std::string_view body = text.substr(0, end);
  if (body[0] == ' ' || body[0] == '\n') return std::string_view::npos;
  bool check_nfc = false;
  size_t pos = 0;
  // body ends in a non-space, so body[pos + 1] after a space or newline and
  // body[pos + 2] after two newlines exist.
  while (pos < end) {
    const auto byte = static_cast<unsigned char>(body[pos]);
    if (IsPlainAscii(static_cast<char>(byte))) {
      ++pos;
    } else if (byte == ' ') {
      if (body[pos + 1] == ' ' || body[pos + 1] == '\n') return std::string_view::npos;
      ++pos;
    } else if (byte == '\n') {
      if (body[pos + 1] == ' ') return std::string_view::npos;
      if (body[pos + 1] == '\n') {
        if (body[pos + 2] == ' ' || body[pos + 2] == '\n') return std::string_view::npos;
        ++pos;
      }
      ++pos;
    } else if (byte < 0x80) {
      return std::string_view::npos;  // tab, CR, other controls
    } else if (byte >= 0xC3 && byte <= 0xCA && pos + 1 < end &&
               (static_cast<unsigned char>(body[pos + 1]) & 0xC0) == 0x80) {
      pos += 2;  // U+00C0..U+02BF: all kept
    } else if (byte == 0xE1 && pos + 2 < end &&
               static_cast<unsigned char>(body[pos + 1]) >= 0xB8 &&
               static_cast<unsigned char>(body[pos + 1]) <= 0xBB &&
               (static_cast<unsigned char>(body[pos + 2]) & 0xC0) == 0x80) {
      pos += 3;  // U+1E00..U+1EFF (Vietnamese ạ..ỹ): all kept
    } else {
      const size_t begin = pos;
      const char32_t c = DecodeUtf8NonAscii(body, &pos);
      if (c == 0xFFFD && body.substr(begin, pos - begin) != "\xEF\xBF\xBD") {
        return std::string_view::npos;  // an invalid byte
      }
      if (ClassifyNonAscii(c).action != Action::kKeep) return std::string_view::npos;
      if (!check_nfc && !NfcInert(c, pos - begin)) check_nfc = true;
    }
  }
  if (check_nfc && nfc != nullptr) {
    UErrorCode status = U_ZERO_ERROR;
    const bool yes = nfc->isNormalizedUTF8(
        icu::StringPiece(body.data(), static_cast<int32_t>(body.size())), status);
    if (U_FAILURE(status) || !yes) return std::string_view::npos;
  }
  return end;
}

}  // namespace

void NormalizeText(Document& doc) {
  // Most documents are clean already: then the text only loses its trailing
  // whitespace and the map of this step is the identity, as the full pass
  // below would produce.
  if (const size_t keep = UnchangedPrefix(doc.text, Nfc());
      keep != std::string_view::npos) {
    doc.text.resize(keep);
    if (!doc.source_map.identity()) doc.source_map = OffsetMap().Then(doc.source_map);
    return;
  }
  // Reused across calls on this thread: the output buffer is swapped with the
  // old text, so the next call writes into the old text's capacity.
  thread_local std::string out;
  thread_local std::string segment;
  thread_local std::string nfc_buffer;
  out.clear();
  out.reserve(doc.text.size());
  segment.clear();
  OffsetMap map;
  Normalizer(doc.text, &out, &segment, &nfc_buffer, &map).Run();
  doc.text.swap(out);
  out.clear();
  doc.source_map =
      doc.source_map.identity() ? std::move(map) : map.Then(doc.source_map);
}

}  // namespace chiso
