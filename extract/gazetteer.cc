#include "extract/gazetteer.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <utility>

#include "core/fold.h"

namespace chiso {

// ---------------------------------------------------------------------------
// Character classes and the canonical (tone-placement-insensitive) form.
// ---------------------------------------------------------------------------
namespace {

// Separators that may stand between (or be left out between) alias words.
constexpr bool IsSeparator(char32_t cp) {
  switch (cp) {
    case ' ': case '\t': case '\n': case '\r': case '\f': case '\v':
    case '.': case ',': case '-': case '&':
    case 0x00A0: case 0x2013: case 0x2014:
      return true;
    default:
      return false;
  }
}

// The trie's edge for `c`, or -1 when `c` cannot be in an alias word.
constexpr int TrieIndex(char c) {
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '0' && c <= '9') return 26 + (c - '0');
  return -1;
}

// A word character on either side of a word boundary (RE2's \b, which the
// matcher used to be: ASCII letters, digits, '_').
constexpr bool IsWordByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool IsCombiningMark(char32_t cp) { return cp >= 0x0300 && cp <= 0x036F; }

// Codes in the canonical form (control bytes never occur in aliases).
enum : char {
  kToneGrave = 1, kToneAcute, kToneTilde, kToneHook, kToneDot,
  kCircumflex, kBreve, kHorn, kStroke,
};

char MarkCode(char32_t mark, bool* is_tone) {
  *is_tone = true;
  switch (mark) {
    case 0x0300: return kToneGrave;
    case 0x0301: return kToneAcute;
    case 0x0303: return kToneTilde;
    case 0x0309: return kToneHook;
    case 0x0323: return kToneDot;
    default: break;
  }
  *is_tone = false;
  switch (mark) {
    case 0x0302: return kCircumflex;
    case 0x0306: return kBreve;
    case 0x031B: return kHorn;
    default: return 0;
  }
}

// For every Latin letter with diacritics: lowercase ASCII base, quality mark
// and tone codes (0 = none). Built once from ICU's NFD.
struct Decomposition {
  char base = 0;
  char quality = 0;
  char tone = 0;
};

class DecompositionTable {
 public:
  DecompositionTable() {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
    Fill(nfd, status, kLo1, kHi1, 0);
    Fill(nfd, status, kLo2, kHi2, kHi1 - kLo1 + 1);
  }
  const Decomposition* Lookup(char32_t cp) const {
    const Decomposition* d = nullptr;
    if (cp >= kLo1 && cp <= kHi1) d = &table_[cp - kLo1];
    if (cp >= kLo2 && cp <= kHi2) d = &table_[(kHi1 - kLo1 + 1) + (cp - kLo2)];
    return d != nullptr && d->base != 0 ? d : nullptr;
  }

 private:
  static constexpr char32_t kLo1 = 0x00C0, kHi1 = 0x024F;
  static constexpr char32_t kLo2 = 0x1E00, kHi2 = 0x1EFF;

  void Fill(const icu::Normalizer2* nfd, UErrorCode status, char32_t lo,
            char32_t hi, size_t off) {
    for (char32_t cp = lo; cp <= hi; ++cp) {
      Decomposition& d = table_[off + (cp - lo)];
      char32_t lower = u_tolower(static_cast<UChar32>(cp));
      if (lower == 0x0111) {  // đ has no decomposition
        d = {'d', kStroke, 0};
        continue;
      }
      if (U_FAILURE(status)) continue;
      icu::UnicodeString decomposed;
      UErrorCode s = U_ZERO_ERROR;
      nfd->normalize(icu::UnicodeString(static_cast<UChar32>(lower)), decomposed, s);
      if (U_FAILURE(s) || decomposed.length() == 0) continue;
      UChar32 base = decomposed.char32At(0);
      if (base < 'a' || base > 'z') continue;
      d.base = static_cast<char>(base);
      for (int32_t i = U16_LENGTH(base); i < decomposed.length();) {
        UChar32 mark = decomposed.char32At(i);
        i += U16_LENGTH(mark);
        bool is_tone = false;
        char code = MarkCode(static_cast<char32_t>(mark), &is_tone);
        if (is_tone) d.tone = code; else if (code != 0) d.quality = code;
      }
    }
  }

  std::array<Decomposition, (kHi1 - kLo1 + 1) + (kHi2 - kLo2 + 1)> table_{};
};

const DecompositionTable& Decompositions() {
  static const DecompositionTable table;
  return table;
}

// Uppercase flag ('1'/'0') of every letter or digit of `utf8` (separators and
// combining marks skipped) into `*mask`; returns true if any is uppercase.
bool UppercaseMask(std::string_view utf8, std::string* mask) {
  mask->clear();
  bool any = false;
  size_t pos = 0;
  while (pos < utf8.size()) {
    char32_t cp = DecodeUtf8(utf8, &pos);
    if (IsSeparator(cp) || IsCombiningMark(cp)) continue;
    bool upper = u_isupper(static_cast<UChar32>(cp));
    any = any || upper;
    mask->push_back(upper ? '1' : '0');
  }
  return any;
}

// Every capital of the alias form is a capital in the surface.
bool MaskFits(const std::string& form, const std::string& surface) {
  if (form.size() != surface.size()) return false;
  for (size_t i = 0; i < form.size(); ++i) {
    if (form[i] == '1' && surface[i] != '1') return false;
  }
  return true;
}

// Folded alias without separators (its key), and its words in `*tokens`.
// Returns "" if the alias has characters other than letters, digits and
// separators after folding.
std::string AliasKey(std::string_view alias, std::vector<std::string>* tokens) {
  const std::string folded = FoldVietnamese(alias);
  std::string key, token;
  tokens->clear();
  size_t pos = 0;
  while (pos < folded.size()) {
    char32_t cp = DecodeUtf8(folded, &pos);
    if (IsSeparator(cp)) {
      if (!token.empty()) tokens->push_back(token);
      token.clear();
      continue;
    }
    if (!((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))) return std::string();
    token.push_back(static_cast<char>(cp));
    key.push_back(static_cast<char>(cp));
  }
  if (!token.empty()) tokens->push_back(token);
  return key;
}

bool HasLowercase(std::string_view utf8) {
  size_t pos = 0;
  while (pos < utf8.size()) {
    if (u_islower(static_cast<UChar32>(DecodeUtf8(utf8, &pos)))) return true;
  }
  return false;
}

std::string Slug(std::string_view name) {
  std::string folded = FoldVietnamese(name), slug;
  for (char c : folded) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum) {
      slug.push_back(c);
    } else if (!slug.empty() && slug.back() != '-') {
      slug.push_back('-');
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

}  // namespace

void CanonicalVietnamese(std::string_view utf8, std::string* out) {
  const DecompositionTable& table = Decompositions();
  // Written through a pointer: each code point of n bytes gives at most 3n
  // bytes (an invalid byte lowers to U+FFFD), plus one pending tone.
  out->resize(3 * utf8.size() + 1);
  char* w = out->data();
  char tone = 0;
  auto end_word = [&]() {
    if (tone != 0) *w++ = tone;
    tone = 0;
  };
  size_t pos = 0;
  while (pos < utf8.size()) {
    char32_t cp = DecodeUtf8(utf8, &pos);
    if (IsSeparator(cp)) {
      end_word();
      continue;
    }
    if (IsCombiningMark(cp)) {
      bool is_tone = false;
      char code = MarkCode(cp, &is_tone);
      if (is_tone) tone = code; else if (code != 0) *w++ = code;
      continue;
    }
    if (cp < 0x80) {
      *w++ = static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
      continue;
    }
    if (const Decomposition* d = table.Lookup(cp)) {
      *w++ = d->base;
      if (d->quality != 0) *w++ = d->quality;
      if (d->tone != 0) tone = d->tone;
      continue;
    }
    out->resize(static_cast<size_t>(w - out->data()));  // rare: append, then regrow
    AppendUtf8(static_cast<char32_t>(u_tolower(static_cast<UChar32>(cp))), out);
    const size_t written = out->size();
    out->resize(written + 3 * (utf8.size() - pos) + 1);
    w = out->data() + written;
  }
  end_word();
  out->resize(static_cast<size_t>(w - out->data()));
}

std::string_view EntityKindName(EntityKind kind) {
  switch (kind) {
    case EntityKind::kProvince: return "province";
    case EntityKind::kRegion: return "region";
    case EntityKind::kMinistry: return "ministry";
    case EntityKind::kIndicator: return "indicator";
    case EntityKind::kComponent: return "component";
  }
  return "";
}

bool Entity::ValidOnDate(std::string_view iso_date) const {
  return (valid_from.empty() || valid_from <= iso_date) &&
         (valid_to.empty() || iso_date <= valid_to);
}

// ---------------------------------------------------------------------------
// Alias index.
// ---------------------------------------------------------------------------
struct Gazetteer::Form {
  std::string canonical;  // CanonicalVietnamese of the alias
  std::string mask;       // UppercaseMask of the alias
  bool acronym = false;   // all letters capitals, at least two
};

struct Gazetteer::KeyInfo {
  const Entity* entity = nullptr;  // nullptr: an exclusion phrase
  std::string where;               // "file:line" of the first alias
  std::vector<Form> forms;
};

namespace {

// Words that may precede a province name (see Mention::prefixed).
struct Prefix {
  std::string folded;     // FoldVietnamese of the word
  std::string canonical;  // CanonicalVietnamese of the word
  bool city;              // "thành phố" / "TP"
};

const std::vector<Prefix>& Prefixes() {
  static const std::vector<Prefix> prefixes = [] {
    std::vector<Prefix> list;
    for (auto [word, city] : {std::pair<std::string_view, bool>{"tỉnh", false},
                              {"thành phố", true},
                              {"tp", true},
                              {"thủ đô", false}}) {
      Prefix p{FoldVietnamese(word), std::string(), city};
      CanonicalVietnamese(word, &p.canonical);
      list.push_back(std::move(p));
    }
    return list;
  }();
  return prefixes;
}

}  // namespace

// ---------------------------------------------------------------------------
// Loading.
// ---------------------------------------------------------------------------
namespace {

struct Row {
  int line = 0;
  std::vector<std::string> cells;
};

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\r')) --e;
  return std::string(s.substr(b, e - b));
}

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    parts.push_back(Trim(s.substr(start, p == std::string_view::npos ? p : p - start)));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return parts;
}

// Reads a TSV with the given header. `path` is used in messages.
Status ReadTsv(const std::string& path, const std::vector<std::string_view>& header,
               std::vector<Row>* rows) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error(path + ":0: cannot open file");
  std::string line;
  int number = 0;
  bool have_header = false;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    if (Trim(line).empty() || line[0] == '#') continue;
    std::vector<std::string> cells = Split(line, '\t');
    if (!have_header) {
      if (cells.size() != header.size() ||
          !std::equal(cells.begin(), cells.end(), header.begin())) {
        std::string want;
        for (auto h : header) want += (want.empty() ? "" : "\\t") + std::string(h);
        return Status::Error(path + ":" + std::to_string(number) +
                             ": expected header '" + want + "'");
      }
      have_header = true;
      continue;
    }
    if (cells.size() != header.size()) {
      return Status::Error(path + ":" + std::to_string(number) + ": expected " +
                           std::to_string(header.size()) + " tab-separated columns, got " +
                           std::to_string(cells.size()));
    }
    rows->push_back({number, std::move(cells)});
  }
  if (!have_header) return Status::Error(path + ":" + std::to_string(number) + ": no header line");
  return Status::OK();
}

bool IsSlug(std::string_view s) {
  if (s.empty() || s.front() == '-' || s.back() == '-') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              (c == '-' && s[i - 1] != '-');
    if (!ok) return false;
  }
  return true;
}

bool IsIndicatorId(std::string_view s) {
  if (s.empty() || !(s[0] >= 'A' && s[0] <= 'Z')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool IsIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  int month = (s[5] - '0') * 10 + (s[6] - '0');
  int day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

std::string YearEnd(int year) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-12-31", year < 0 ? 0 : year > 9999 ? 9999 : year);
  return buf;
}

}  // namespace

// Builds a Gazetteer; every check that needs a file and line lives here.
class GazetteerLoader {
 public:
  explicit GazetteerLoader(std::string dir) : dir_(std::move(dir)) {}

  Status Run(std::unique_ptr<Gazetteer>* out) {
    gaz_.reset(new Gazetteer());
    Status s;
    if (!(s = LoadRegions()).ok() || !(s = LoadProvinces()).ok() ||
        !(s = LoadMinistries()).ok() || !(s = LoadIndicators()).ok() ||
        !(s = LoadComponents()).ok() || !(s = LoadExclusions()).ok() ||
        !(s = LoadSurnames()).ok() ||
        !(s = CheckLinks()).ok() || !(s = CheckRegionCounts()).ok() ||
        !(s = IndexAliases()).ok()) {
      return s;
    }
    *out = std::move(gaz_);
    return Status::OK();
  }

 private:
  struct Source {
    std::string where;                 // "path:line"
    std::vector<std::string> aliases;  // name first
  };

  std::string Path(std::string_view file) const { return dir_ + "/" + std::string(file); }
  static std::string At(const std::string& path, int line) {
    return path + ":" + std::to_string(line);
  }
  static Status Fail(const std::string& where, const std::string& reason) {
    return Status::Error(where + ": " + reason);
  }

  // Adds the entity; checks id uniqueness and name.
  Status Add(Entity e, const std::string& where, const std::string& aliases) {
    if (e.name.empty()) return Fail(where, "empty name");
    auto it = where_.find(e.id);
    if (it != where_.end()) {
      return Fail(where, "duplicate id '" + e.id + "' (first defined at " + it->second + ")");
    }
    where_[e.id] = where;
    e.aliases.push_back(e.name);
    for (std::string& a : Split(aliases, ';')) {
      if (!a.empty()) e.aliases.push_back(std::move(a));
    }
    gaz_->entities_.push_back(std::move(e));
    const Entity* stored = &gaz_->entities_.back();
    gaz_->by_id_[stored->id] = stored;
    sources_[stored] = where;
    return Status::OK();
  }

  Status Dates(const std::string& where, Entity* e, const std::string& from,
               const std::string& to) {
    if (!from.empty() && !IsIsoDate(from)) return Fail(where, "bad valid_from '" + from + "' (want YYYY-MM-DD)");
    if (!to.empty() && !IsIsoDate(to)) return Fail(where, "bad valid_to '" + to + "' (want YYYY-MM-DD)");
    if (!from.empty() && !to.empty() && to < from) return Fail(where, "valid_to before valid_from");
    e->valid_from = from;
    e->valid_to = to;
    return Status::OK();
  }

  Status LoadRegions() {
    std::string path = Path("regions.tsv");
    std::vector<Row> rows;
    Status s = ReadTsv(path, {"id", "name", "member_count", "aliases"}, &rows);
    if (!s.ok()) return s;
    for (Row& r : rows) {
      std::string where = At(path, r.line);
      if (!IsSlug(r.cells[0])) return Fail(where, "bad id '" + r.cells[0] + "' (want a lowercase ASCII slug)");
      Entity e;
      e.kind = EntityKind::kRegion;
      e.id = r.cells[0];
      e.name = r.cells[1];
      const std::string& count = r.cells[2];
      if (count.empty() || count.size() > 3 ||
          !std::all_of(count.begin(), count.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return Fail(where, "bad member_count '" + count + "'");
      }
      e.member_count = std::stoi(count);
      if (!(s = Add(std::move(e), where, r.cells[3])).ok()) return s;
    }
    return Status::OK();
  }

  // The columns provinces.tsv and ministries.tsv share: id, name, kind
  // (one of two sub-kinds), validity dates, predecessors.
  Status UnitFromRow(const std::string& where, const Row& r, EntityKind kind, const char* sub_a,
                     const char* sub_b, Entity* e) {
    if (!IsSlug(r.cells[0])) return Fail(where, "bad id '" + r.cells[0] + "' (want a lowercase ASCII slug)");
    if (r.cells[2] != sub_a && r.cells[2] != sub_b) {
      return Fail(where, "bad kind '" + r.cells[2] + "' (want " + sub_a + " or " + sub_b + ")");
    }
    e->kind = kind;
    e->id = r.cells[0];
    e->name = r.cells[1];
    e->subkind = r.cells[2];
    if (Status s = Dates(where, e, r.cells[3], r.cells[4]); !s.ok()) return s;
    for (std::string& p : Split(r.cells[5], ';')) {
      if (!p.empty()) e->predecessors.push_back(std::move(p));
    }
    return Status::OK();
  }

  Status LoadProvinces() {
    std::string path = Path("provinces.tsv");
    std::vector<Row> rows;
    Status s = ReadTsv(path, {"id", "name", "kind", "valid_from", "valid_to",
                              "predecessors", "region", "aliases"}, &rows);
    if (!s.ok()) return s;
    for (Row& r : rows) {
      std::string where = At(path, r.line);
      Entity e;
      if (!(s = UnitFromRow(where, r, EntityKind::kProvince, "province", "city", &e)).ok()) return s;
      e.region = r.cells[6];
      if (!e.region.empty()) {
        const Entity* region = gaz_->ById(e.region);
        if (region == nullptr || region->kind != EntityKind::kRegion) {
          return Fail(where, "unknown region id '" + e.region + "'");
        }
      }
      if (!(s = Add(std::move(e), where, r.cells[7])).ok()) return s;
    }
    return Status::OK();
  }

  Status LoadMinistries() {
    std::string path = Path("ministries.tsv");
    std::vector<Row> rows;
    Status s = ReadTsv(path, {"id", "name", "kind", "valid_from", "valid_to",
                              "predecessors", "aliases"}, &rows);
    if (!s.ok()) return s;
    for (Row& r : rows) {
      std::string where = At(path, r.line);
      Entity e;
      if (!(s = UnitFromRow(where, r, EntityKind::kMinistry, "ministry", "agency", &e)).ok()) return s;
      if (!(s = Add(std::move(e), where, r.cells[6])).ok()) return s;
    }
    return Status::OK();
  }

  Status LoadIndicators() {
    std::string path = Path("indicators.tsv");
    std::vector<Row> rows;
    Status s = ReadTsv(path, {"id", "name", "aliases"}, &rows);
    if (!s.ok()) return s;
    for (Row& r : rows) {
      std::string where = At(path, r.line);
      if (!IsIndicatorId(r.cells[0])) return Fail(where, "bad indicator id '" + r.cells[0] + "' (want A-Z, 0-9, _)");
      Entity e;
      e.kind = EntityKind::kIndicator;
      e.id = r.cells[0];
      e.name = r.cells[1];
      if (!(s = Add(std::move(e), where, r.cells[2])).ok()) return s;
    }
    return Status::OK();
  }

  Status LoadComponents() {
    std::string path = Path("components.tsv");
    std::vector<Row> rows;
    Status s = ReadTsv(path, {"indicator", "name", "aliases"}, &rows);
    if (!s.ok()) return s;
    for (Row& r : rows) {
      std::string where = At(path, r.line);
      const Entity* indicator = gaz_->ById(r.cells[0]);
      if (indicator == nullptr || indicator->kind != EntityKind::kIndicator) {
        return Fail(where, "unknown indicator id '" + r.cells[0] + "'");
      }
      Entity e;
      e.kind = EntityKind::kComponent;
      e.indicator = r.cells[0];
      e.name = r.cells[1];
      e.id = r.cells[0] + "." + Slug(r.cells[1]);
      if (!(s = Add(std::move(e), where, r.cells[2])).ok()) return s;
    }
    return Status::OK();
  }

  Status LoadExclusions() {
    std::string path = Path("exclusions.tsv");
    std::vector<Row> rows;
    Status s = ReadTsv(path, {"phrase", "reason"}, &rows);
    if (!s.ok()) return s;
    for (Row& r : rows) {
      if (r.cells[0].empty()) return Fail(At(path, r.line), "empty phrase");
      exclusions_.push_back({At(path, r.line), {r.cells[0]}});
    }
    return Status::OK();
  }

  Status LoadSurnames() {
    std::string path = Path("surnames.tsv");
    std::vector<Row> rows;
    Status s = ReadTsv(path, {"surname"}, &rows);
    if (!s.ok()) return s;
    std::string canonical;
    for (Row& r : rows) {
      std::vector<std::string> tokens;
      if (AliasKey(r.cells[0], &tokens).empty() || tokens.size() != 1) {
        return Fail(At(path, r.line), "bad surname '" + r.cells[0] + "' (want one word)");
      }
      CanonicalVietnamese(r.cells[0], &canonical);
      gaz_->surnames_.insert(canonical);
      gaz_->folded_surnames_.insert(tokens[0]);
    }
    return Status::OK();
  }

  // Predecessors exist, are of the same kind and ended before the successor.
  Status CheckLinks() {
    for (const Entity& e : gaz_->entities_) {
      for (const std::string& p : e.predecessors) {
        const Entity* pred = gaz_->ById(p);
        const std::string& where = sources_[&e];
        if (pred == nullptr || pred->kind != e.kind) {
          return Fail(where, "unknown predecessor id '" + p + "'");
        }
        if (pred == &e) return Fail(where, "'" + p + "' is its own predecessor");
        if (pred->valid_to.empty() || e.valid_from.empty() || pred->valid_to >= e.valid_from) {
          return Fail(where, "predecessor '" + p + "' must end (valid_to) before '" + e.id +
                                 "' begins (valid_from)");
        }
        gaz_->successors_[p].push_back(&e);
      }
    }
    return Status::OK();
  }

  Status CheckRegionCounts() {
    for (const Entity& region : gaz_->entities_) {
      if (region.kind != EntityKind::kRegion) continue;
      int members = 0;
      for (const Entity& p : gaz_->entities_) {
        if (p.kind == EntityKind::kProvince && p.region == region.id &&
            p.ValidOnDate("2025-06-30")) {
          ++members;
        }
      }
      if (members != region.member_count) {
        return Fail(sources_[&region],
                    "member_count " + std::to_string(region.member_count) + " but provinces.tsv has " +
                        std::to_string(members) + " units of '" + region.id + "' on 2025-06-30");
      }
    }
    return Status::OK();
  }

  // True if `a` is a (transitive) predecessor of `b`.
  bool IsAncestor(const Entity* a, const Entity* b) const {
    std::vector<const Entity*> stack{b};
    std::set<const Entity*> seen;
    while (!stack.empty()) {
      const Entity* e = stack.back();
      stack.pop_back();
      if (!seen.insert(e).second) continue;
      for (const std::string& p : e->predecessors) {
        const Entity* pred = gaz_->ById(p);
        if (pred == a) return true;
        if (pred != nullptr) stack.push_back(pred);
      }
    }
    return false;
  }

  Status AddAlias(const Entity* entity, const std::string& alias, const std::string& where) {
    std::vector<std::string> tokens;
    std::string key = AliasKey(alias, &tokens);
    if (key.empty()) {
      return Fail(where, "alias '" + alias +
                             "' has characters other than letters, digits and separators");
    }
    Gazetteer::Form form;
    CanonicalVietnamese(alias, &form.canonical);
    const bool any_upper = UppercaseMask(alias, &form.mask);
    form.acronym = any_upper && form.mask.size() >= 2 && !HasLowercase(alias);
    auto [it, inserted] = gaz_->keys_->try_emplace(key);
    Gazetteer::KeyInfo& info = it->second;
    if (inserted) {
      info.entity = entity;
      info.where = where;
    } else if (info.entity != entity) {
      const Entity* old = info.entity;
      bool related = old != nullptr && entity != nullptr &&
                     (IsAncestor(old, entity) || IsAncestor(entity, old));
      if (!related) {
        std::string other = old == nullptr ? "an exclusion phrase" : "'" + old->id + "'";
        std::string self = entity == nullptr ? "exclusion" : "'" + entity->id + "'";
        return Fail(where, "alias '" + alias + "' of " + self + " already names " + other +
                               " (" + info.where + ")");
      }
      if (IsAncestor(entity, old)) {  // the former unit owns a shared name
        info.entity = entity;
        info.where = where;
      }
    }
    bool duplicate = std::any_of(info.forms.begin(), info.forms.end(), [&](const auto& f) {
      return f.canonical == form.canonical && f.mask == form.mask;
    });
    if (!duplicate) info.forms.push_back(std::move(form));
    std::vector<Gazetteer::TrieNode>& trie = gaz_->trie_;
    int32_t node = 0;
    for (size_t k = 0; k < tokens.size(); ++k) {
      if (k > 0) {
        if (trie[node].boundary < 0) {
          trie[node].boundary = static_cast<int32_t>(trie.size());
          trie.emplace_back();
        }
        node = trie[node].boundary;
      }
      for (char c : tokens[k]) {
        int i = TrieIndex(c);
        if (trie[node].next[i] < 0) {
          trie[node].next[i] = static_cast<int32_t>(trie.size());
          trie.emplace_back();
        }
        node = trie[node].next[i];
      }
    }
    trie[node].accept = true;
    trie[node].info = &info;  // map nodes do not move
    return Status::OK();
  }

  Status IndexAliases() {
    gaz_->keys_ = std::make_unique<Gazetteer::KeyMap>();
    gaz_->trie_.assign(1, Gazetteer::TrieNode());
    Status s;
    for (const Entity& e : gaz_->entities_) {
      for (const std::string& alias : e.aliases) {
        if (!(s = AddAlias(&e, alias, sources_[&e])).ok()) return s;
      }
    }
    for (const Source& x : exclusions_) {
      if (!(s = AddAlias(nullptr, x.aliases[0], x.where)).ok()) return s;
    }
    for (Gazetteer::TrieNode& n : gaz_->trie_) n.stop = n.accept || n.boundary >= 0;
    return Status::OK();
  }

  std::string dir_;
  std::unique_ptr<Gazetteer> gaz_;
  std::map<std::string, std::string> where_;               // id -> file:line
  std::map<const Entity*, std::string> sources_;           // entity -> file:line
  std::vector<Source> exclusions_;
};

// ---------------------------------------------------------------------------
// Gazetteer.
// ---------------------------------------------------------------------------
Gazetteer::Gazetteer() = default;
Gazetteer::~Gazetteer() = default;

Status Gazetteer::Load(const std::string& dir, std::unique_ptr<Gazetteer>* out) {
  return GazetteerLoader(dir).Run(out);
}

const Entity* Gazetteer::ById(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

std::vector<const Entity*> Gazetteer::All(EntityKind kind) const {
  std::vector<const Entity*> all;
  for (const Entity& e : entities_) {
    if (e.kind == kind) all.push_back(&e);
  }
  return all;
}

const Entity* Gazetteer::ValidOn(std::string_view id, int year) const {
  const std::string date = YearEnd(year);
  const Entity* e = ById(id);
  for (int hops = 0; e != nullptr && hops < 16; ++hops) {
    if (e->ValidOnDate(date)) return e;
    const std::string folded_name = FoldVietnamese(e->name);
    const Entity* next = nullptr;
    if (!e->valid_to.empty() && date > e->valid_to) {
      auto it = successors_.find(e->id);
      if (it == successors_.end()) return nullptr;
      if (it->second.size() == 1) {
        next = it->second[0];
      } else {
        for (const Entity* s : it->second) {
          if (FoldVietnamese(s->name) == folded_name) next = s;
        }
      }
    } else {
      if (e->predecessors.size() == 1) {
        next = ById(e->predecessors[0]);
      } else {
        for (const std::string& p : e->predecessors) {
          const Entity* pred = ById(p);
          if (pred != nullptr && FoldVietnamese(pred->name) == folded_name) next = pred;
        }
      }
    }
    e = next;
  }
  return nullptr;
}

std::vector<const Entity*> Gazetteer::RegionMembers(std::string_view region_id,
                                                    int year) const {
  std::vector<const Entity*> members;
  const Entity* region = ById(region_id);
  if (region == nullptr || region->kind != EntityKind::kRegion) return members;
  const std::string date = YearEnd(year);
  for (const Entity& e : entities_) {
    if (e.kind == EntityKind::kProvince && e.region == region_id && e.ValidOnDate(date)) {
      members.push_back(&e);
    }
  }
  return members;
}

bool Gazetteer::Accept(const KeyInfo& info, std::string_view surface,
                       Mention* mention) const {
  thread_local std::string canonical;
  thread_local std::string mask;
  const bool diacritics = HasVietnameseDiacritics(surface);
  if (diacritics) CanonicalVietnamese(surface, &canonical);
  // The capitals are looked at only when a form's case matters.
  bool masked = false, any_upper = false;
  auto upper_mask = [&] {
    if (!masked) any_upper = UppercaseMask(surface, &mask);
    masked = true;
  };
  const EntityKind kind = info.entity ? info.entity->kind : EntityKind::kIndicator;
  for (const Form& form : info.forms) {
    if (diacritics && form.canonical != canonical) continue;
    bool case_ok = true;
    if (info.entity == nullptr) {
      case_ok = true;
    } else if (kind == EntityKind::kProvince || form.acronym) {
      upper_mask();
      case_ok = MaskFits(form.mask, mask);
    } else if (kind == EntityKind::kRegion || kind == EntityKind::kMinistry) {
      upper_mask();
      case_ok = any_upper;
    }
    if (!case_ok) continue;
    mention->exact_diacritics = diacritics;
    return true;
  }
  return false;
}

bool Gazetteer::AfterSurname(std::string_view text, std::string_view folded,
                             const std::vector<uint32_t>& offsets,
                             size_t fold_begin) const {
  size_t end = fold_begin;
  while (end > 0 && folded[end - 1] == ' ') --end;
  if (end == fold_begin) return false;
  size_t start = end;
  while (start > 0 && folded[start - 1] >= 'a' && folded[start - 1] <= 'z') --start;
  if (start == end || (start > 0 && static_cast<unsigned char>(folded[start - 1]) >= 0x80)) {
    return false;
  }
  std::string_view word = text.substr(offsets[start], offsets[end] - offsets[start]);
  size_t pos = 0;
  if (!u_isupper(static_cast<UChar32>(DecodeUtf8(word, &pos)))) return false;
  if (!HasVietnameseDiacritics(word)) {
    return folded_surnames_.count(folded.substr(start, end - start)) > 0;
  }
  thread_local std::string canonical;
  CanonicalVietnamese(word, &canonical);
  return surnames_.count(canonical) > 0;
}

void Gazetteer::MarkPrefix(std::string_view text, std::string_view folded,
                           const std::vector<uint32_t>& offsets, size_t fold_begin,
                           Mention* mention) const {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  size_t j = fold_begin;
  while (j > 0 && is_space(folded[j - 1])) --j;
  if (j > 0 && folded[j - 1] == '.') {
    --j;
    while (j > 0 && is_space(folded[j - 1])) --j;
  }
  thread_local std::string canonical;
  for (const Prefix& prefix : Prefixes()) {
    std::string_view p = prefix.folded;
    if (j < p.size() || folded.substr(j - p.size(), p.size()) != p) continue;
    size_t start = j - p.size();
    if (start > 0) {
      char c = folded[start - 1];
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') continue;
    }
    std::string_view surface = text.substr(offsets[start], offsets[j] - offsets[start]);
    if (HasVietnameseDiacritics(surface)) {
      CanonicalVietnamese(surface, &canonical);
      if (canonical != prefix.canonical) continue;
    }
    mention->prefixed = true;
    mention->city_of = prefix.city && mention->entity->subkind == "province";
    return;
  }
}

namespace {

// Classes of the bytes of folded text, for the scan and the walk.
enum : uint8_t {
  kAlnum = 1,         // [a-z0-9]: TrieIndex >= 0
  kWord = 2,          // IsWordByte
  kAsciiSeparator = 4,
};
constexpr std::array<uint8_t, 256> kByteClass = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    t[c] = static_cast<uint8_t>((TrieIndex(ch) >= 0 ? kAlnum : 0) | (IsWordByte(ch) ? kWord : 0) |
                                (c < 0x80 && IsSeparator(static_cast<char32_t>(c)) ? kAsciiSeparator : 0));
  }
  return t;
}();

inline uint8_t ByteClass(char c) { return kByteClass[static_cast<unsigned char>(c)]; }

// TrieIndex, or 36 (the edge that is always -1) for any other byte.
constexpr std::array<uint8_t, 256> kTrieSlot = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const int i = TrieIndex(static_cast<char>(c));
    t[c] = static_cast<uint8_t>(i >= 0 ? i : 36);
  }
  return t;
}();

inline int TrieSlot(char c) { return kTrieSlot[static_cast<unsigned char>(c)]; }

// The end of the run of separators starting at byte `at` of folded text.
inline size_t SkipSeparators(std::string_view s, size_t at) {
  while (at < s.size()) {
    const uint8_t cls = ByteClass(s[at]);
    if (cls & kAlnum) break;
    if (cls & kAsciiSeparator) {
      ++at;
      continue;
    }
    if (static_cast<unsigned char>(s[at]) < 0x80) break;
    size_t next = at;
    if (!IsSeparator(DecodeUtf8NonAscii(s, &next))) break;
    at = next;
  }
  return at;
}

}  // namespace

// Follows the trie from `node` at byte `at`, adding to `ends` every end of an
// alias followed by a word boundary (in no particular order, possibly
// repeated). Written as the plain recursion over both ways on (the next
// letter; separators to the next word), unlike FindAll's inlined walk with
// its stack, so that the differential test compares two ways of walking.
// The depth is at most an alias's length.
void Gazetteer::WalkTrieReference(std::string_view folded, int32_t node, size_t at,
                                  std::vector<AliasEnd>* ends) const {
  const size_t size = folded.size();
  const TrieNode& n = trie_[node];
  const uint8_t cls = at < size ? ByteClass(folded[at]) : 0;
  if (n.accept && !(cls & kWord)) ends->push_back({at, n.info});
  if (n.boundary >= 0) {
    // A word starts with a letter or digit, so the separators before it are
    // the whole run (possibly empty).
    const size_t next = (cls & kAlnum) ? at : SkipSeparators(folded, at);
    if (next < size) {
      if (int32_t child = trie_[n.boundary].next[TrieSlot(folded[next])]; child >= 0) {
        WalkTrieReference(folded, child, next + 1, ends);
      }
    }
  }
  if (cls & kAlnum) {
    if (int32_t child = n.next[TrieSlot(folded[at])]; child >= 0) WalkTrieReference(folded, child, at + 1, ends);
  }
}

void Gazetteer::FindAll(std::string_view text, std::vector<Mention>* out) const {
  out->clear();
  struct Branch {
    int32_t node;
    size_t at;
  };
  thread_local std::string folded;
  thread_local std::vector<uint32_t> offsets;
  thread_local std::vector<AliasEnd> ends;
  thread_local std::vector<Branch> branches;
  FoldVietnamese(text, &folded, &offsets);
  const size_t size = folded.size();
  // f[size] is the string's '\0': no word byte and no trie edge, so the loops
  // below read it instead of testing for the end.
  const char* const f = folded.c_str();
  const TrieNode* const trie = trie_.data();
  // Leftmost-longest: at each word start, the longest alias; when it fails a
  // check, the next shorter one starting there.
  size_t pos = 0;
  for (;;) {
    // To the next word byte, which follows a non-word byte (or nothing).
    while (pos < size && !(ByteClass(f[pos]) & kWord)) ++pos;
    if (pos == size) break;
    const size_t begin = pos;
    pos = begin + 1;  // unless a match is taken
    int32_t node = trie[0].next[TrieSlot(f[begin])];  // -1 for '_' too
    if (node >= 0) {
      // The walk: every end of an alias followed by a word boundary, into
      // `ends` (in no particular order, possibly repeated). The jumps over
      // separators to a next word wait in `branches`.
      ends.clear();
      branches.clear();
      size_t at = begin + 1;
      for (;;) {
        const TrieNode& n = trie[node];
        const char c = f[at];
        if (n.stop) {
          const uint8_t cls = ByteClass(c);
          if (n.accept && !(cls & kWord)) ends.push_back({at, n.info});
          if (n.boundary >= 0) {
            // A word starts with a letter or digit, so the separators before
            // it are the whole run (possibly empty).
            const size_t next = (cls & kAlnum) ? at : SkipSeparators(folded, at);
            if (next < size) {
              if (int32_t child = trie[n.boundary].next[TrieSlot(f[next])]; child >= 0) {
                branches.push_back({child, next + 1});
              }
            }
          }
        }
        if (int32_t child = n.next[TrieSlot(c)]; child >= 0) {
          node = child;
          ++at;
          continue;
        }
        if (branches.empty()) break;
        node = branches.back().node;
        at = branches.back().at;
        branches.pop_back();
      }
      if (!ends.empty()) {
        if (size_t end = TakeLongest(text, folded, offsets, begin, &ends, out)) {
          pos = end;  // after an alias letter
        }
      }
    }
    // After a word byte: to the end of the word.
    while (ByteClass(f[pos]) & kWord) ++pos;
  }
}

void Gazetteer::FindAllReference(std::string_view text, std::vector<Mention>* out) const {
  out->clear();
  thread_local std::string folded;
  thread_local std::vector<uint32_t> offsets;
  thread_local std::vector<AliasEnd> ends;
  FoldVietnamese(text, &folded, &offsets);
  const size_t size = folded.size();
  // Leftmost-longest: at each word start, the longest alias; when it fails a
  // check, the next shorter one starting there.
  size_t pos = 0;
  bool after_word = false;  // IsWordByte(folded[pos - 1])
  while (pos < size) {
    // To the next word start: a letter or digit not after a word byte.
    for (; pos < size; ++pos) {
      const uint8_t cls = ByteClass(folded[pos]);
      if ((cls & kAlnum) && !after_word) break;
      after_word = cls & kWord;
    }
    if (pos == size) break;
    const size_t begin = pos;
    pos = begin + 1;  // unless a match is taken
    after_word = true;
    const int32_t first = trie_[0].next[TrieSlot(folded[begin])];
    if (first < 0) continue;
    ends.clear();
    WalkTrieReference(folded, first, begin + 1, &ends);
    if (ends.empty()) continue;
    if (size_t end = TakeLongest(text, folded, offsets, begin, &ends, out)) {
      pos = end;  // after an alias letter: after_word stays true
    }
  }
}

size_t Gazetteer::TakeLongest(std::string_view text, std::string_view folded,
                              const std::vector<uint32_t>& offsets, size_t begin,
                              std::vector<AliasEnd>* ends, std::vector<Mention>* out) const {
  if (ends->size() > 1) {
    std::sort(ends->begin(), ends->end(),
              [](const AliasEnd& a, const AliasEnd& b) { return a.end > b.end; });
    // Equal ends have equal keys: the letters between begin and end.
    ends->erase(std::unique(ends->begin(), ends->end(),
                            [](const AliasEnd& a, const AliasEnd& b) { return a.end == b.end; }),
                ends->end());
  }
  for (const AliasEnd& e : *ends) {
    const KeyInfo& info = *e.info;
    Mention m;
    m.begin = offsets[begin];
    m.end = offsets[e.end];
    m.entity = info.entity;
    if (!Accept(info, text.substr(m.begin, m.end - m.begin), &m)) continue;
    const bool province = m.entity != nullptr && m.entity->kind == EntityKind::kProvince;
    if (province && AfterSurname(text, folded, offsets, begin)) m.entity = nullptr;
    if (province && m.entity != nullptr) MarkPrefix(text, folded, offsets, begin, &m);
    if (m.entity != nullptr) out->push_back(m);
    return e.end;
  }
  return 0;
}

std::vector<Mention> Gazetteer::FindAll(std::string_view text) const {
  std::vector<Mention> out;
  FindAll(text, &out);
  return out;
}

}  // namespace chiso
