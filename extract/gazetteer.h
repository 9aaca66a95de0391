// Gazetteer: the named things chiso attributes figures to (provinces, regions,
// ministries) and the indicators and components figures belong to, loaded from
// the TSV files in extract/gazetteers/, plus a matcher that finds them in text.
//
//   std::unique_ptr<Gazetteer> gaz;
//   Status s = Gazetteer::Load(data_dir + "/extract/gazetteers", &gaz);
//   if (!s.ok()) return s;                      // "provinces.tsv:12: ..."
//   for (const Mention& m : gaz->FindAll(doc.text)) {
//     // doc.text.substr(m.begin, m.end - m.begin) names m.entity
//   }
//   const Entity* unit = gaz->ValidOn("an-giang", 2026);  // the merged unit
//
// Matching folds case and diacritics (FoldVietnamese) and ignores separators
// (spaces, '.', ',', '-', '–', '&') between the words of an alias, so
// "TP.HCM" = "TP HCM" = "TPHCM" and "Thừa Thiên-Huế" = "Thừa Thiên Huế". All
// aliases go into one trie of their words at load (cheap to build, unlike
// one RE2 of them all); FindAll walks it from each word start of the folded
// text, plus O(matches) checks. A match is kept only if
//  - its surface has no Vietnamese diacritics at all ("Ha Giang"), or its
//    diacritics equal those of one of the entity's aliases up to case and
//    tone placement ("Khánh Hoà" = "Khánh Hòa"; "Kiến Giang" != "Kiên Giang");
//  - its capitalisation fits: provinces need the capitals of the alias
//    ("Hòa Bình"/"HÒA BÌNH", not "hòa bình" = peace); regions and ministries
//    need some capital letter; an all-capital acronym alias ("PAR", "PCI")
//    must be upper case; other indicator and component aliases match any case;
//  - it is not swallowed by a longer phrase of exclusions.tsv ("Chủ tịch Hồ
//    Chí Minh", "Điện Biên Phủ", "Thái Bình Dương");
//  - for a province, it does not directly follow a capitalised family name of
//    surnames.tsv ("Phó Thủ tướng Trương Hòa Bình" is a person).
// Matches are leftmost-longest and never overlap ("Bà Rịa - Vũng Tàu" is one
// mention, not "Bà Rịa" plus "Vũng Tàu"). When the longest candidate fails a
// check, shorter aliases starting at the same place are tried.
//
// A name shared by a former unit and the merged unit that kept it ("An
// Giang", "Bộ Tài chính", "Huế") matches the FORMER unit (most published
// figures predate 2025); ValidOn() maps an entity to the one in force in a
// given year.
//
// Thread-safety: a loaded Gazetteer is immutable; all const methods may be
// called concurrently. FindAll keeps per-thread scratch buffers.
#ifndef CHISO_EXTRACT_GAZETTEER_H_
#define CHISO_EXTRACT_GAZETTEER_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <iterator>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"


namespace chiso {

enum class EntityKind { kProvince, kRegion, kMinistry, kIndicator, kComponent };

// "province", "region", "ministry", "indicator", "component".
std::string_view EntityKindName(EntityKind kind);

struct Entity {
  EntityKind kind = EntityKind::kProvince;
  // Provinces, regions, ministries: ASCII slug ("an-giang", "an-giang-2025").
  // Indicators: the CONTRACT.md id ("PAR_INDEX"). Components:
  // "<indicator>.<slug of name>" ("PAPI.cong-khai-minh-bach").
  std::string id;
  std::string name;       // canonical Vietnamese name ("Hồ Chí Minh", "Bộ Y tế")
  std::string subkind;    // provinces: "province" | "city" (centrally-run);
                          // ministries: "ministry" | "agency"; else empty
  std::string indicator;  // components: the indicator id; else empty
  std::string valid_from, valid_to;  // ISO dates, inclusive; empty = open
  std::vector<std::string> predecessors;  // ids of the units it replaced
  std::string region;     // provinces: region id, or empty if unassigned
  int member_count = 0;   // regions: number of members before the 2025 merger
  std::vector<std::string> aliases;  // as written in the data (name first)

  // True if the entity is in force on `iso_date` ("YYYY-MM-DD").
  bool ValidOnDate(std::string_view iso_date) const;
};

// One occurrence of an entity in a text.
struct Mention {
  size_t begin = 0;  // [begin, end): bytes into the searched text
  size_t end = 0;
  const Entity* entity = nullptr;  // never null in FindAll's output
  bool exact_diacritics = false;   // the surface had diacritics and they matched
  // Directly preceded by "tỉnh", "thành phố", "TP", "TP." or "thủ đô" (the
  // prefix is not part of [begin, end) unless an alias includes it: "TP.HCM").
  bool prefixed = false;
  // Preceded by "thành phố"/"TP" while the entity is a province (kind
  // "province", not a centrally-run city): "thành phố Hà Giang" is the city
  // inside Hà Giang province; whether that counts as the province is the
  // attribution code's call.
  bool city_of = false;
};

// Case-, separator- and tone-placement-insensitive form of a Vietnamese
// string, used to compare diacritics: letters are lowercased and split into
// base letter plus vowel-quality marks (â ă ê ô ơ ư đ), each word's tone mark
// is moved to the end of the word (so "hoà" == "hòa", "thuỷ" == "thủy"), and
// separators (see above) are dropped. NFC and NFD input give the same result.
// Returns the form in `*out` (cleared first); cost O(size).
void CanonicalVietnamese(std::string_view utf8, std::string* out);

class Gazetteer {
 public:
  // Loads regions.tsv, provinces.tsv, ministries.tsv, indicators.tsv,
  // components.tsv, exclusions.tsv and surnames.tsv from directory `dir`
  // (each with a header line; '#' lines are comments) and compiles the
  // matcher. On success sets *out and returns OK. Fails, leaving *out
  // untouched, with "<file>:<line>: <reason>" for a missing file, a wrong
  // header, a row with the wrong number of columns, a bad id, date or kind, a
  // duplicate id, an unknown predecessor or region id, an alias that names two
  // unrelated entities, or a region whose member_count disagrees with
  // provinces.tsv. REQUIRES: out != nullptr.
  static Status Load(const std::string& dir, std::unique_ptr<Gazetteer>* out);

  ~Gazetteer();
  Gazetteer(const Gazetteer&) = delete;
  Gazetteer& operator=(const Gazetteer&) = delete;

  // Returns all mentions in `text` (UTF-8), in order of position, without
  // overlaps. Cost: one pass over the folded text, a trie walk per word start,
  // plus O(matches).
  std::vector<Mention> FindAll(std::string_view text) const;
  // Same, into `*out` (cleared first) so a worker can reuse the vector.
  void FindAll(std::string_view text, std::vector<Mention>* out) const;
  // FindAll the plain way (a byte-by-byte scan, a recursive walk testing
  // each step); the reference of its differential test. Same result.
  void FindAllReference(std::string_view text, std::vector<Mention>* out) const;

  // The entity with this id, or nullptr.
  const Entity* ById(std::string_view id) const;

  // The entity (province or ministry) in force on 31 December of `year` that
  // `id` is, became or came from: itself if in force then; else, for a year
  // after it ended, its successor (followed transitively: "an-giang" in 2026
  // -> "an-giang-2025", "thua-thien-hue" in 2025 -> "hue"); else, for a year
  // before it began, its predecessor of the same name or its only predecessor
  // ("an-giang-2025" in 2020 -> "an-giang", "hue" in 2020 ->
  // "thua-thien-hue"). Returns nullptr for an unknown id or when no single
  // unit answers (a unit formed from others under a new name, asked for an
  // earlier year). Entities without dates (regions, indicators) return
  // themselves. Note: 2025 resolves to the post-merger units.
  const Entity* ValidOn(std::string_view id, int year) const;
  const Entity* ProvinceValidOn(std::string_view id, int year) const {
    return ValidOn(id, year);
  }

  // The provinces of region `region_id` in force on 31 December of `year`, in
  // data order. Empty for an unknown region. Merged units that span two
  // former regions have no region yet (see provinces.tsv) and are not listed.
  std::vector<const Entity*> RegionMembers(std::string_view region_id,
                                           int year) const;

  // All entities of `kind` in data order (including former and later units).
  std::vector<const Entity*> All(EntityKind kind) const;

 private:
  struct Form;
  struct KeyInfo;
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const {
      return std::hash<std::string_view>()(s);
    }
  };
  using KeyMap =
      std::unordered_map<std::string, KeyInfo, StringHash, std::equal_to<>>;

  Gazetteer();
  bool Accept(const KeyInfo& info, std::string_view surface,
              Mention* mention) const;
  bool AfterSurname(std::string_view text, std::string_view folded,
                    const std::vector<uint32_t>& offsets, size_t fold_begin) const;
  void MarkPrefix(std::string_view text, std::string_view folded,
                  const std::vector<uint32_t>& offsets, size_t fold_begin,
                  Mention* mention) const;

  std::deque<Entity> entities_;  // stable addresses
  std::unordered_map<std::string, const Entity*, StringHash, std::equal_to<>>
      by_id_;
  std::unordered_map<std::string, std::vector<const Entity*>, StringHash,
                     std::equal_to<>>
      successors_;
  std::unique_ptr<KeyMap> keys_;  // separator-free folded alias -> entity
  // The aliases' words as a trie over [a-z0-9]; `boundary` leads to the next
  // word of an alias (separators, or none, in between). Node 0 is the root.
  // next[36] stays -1: the edge of every other byte, so a walk needs no test.
  struct TrieNode {
    int32_t next[37];
    int32_t boundary = -1;
    bool accept = false;  // an alias ends here
    bool stop = false;    // accept || boundary >= 0: more to do than follow a letter
    const KeyInfo* info = nullptr;  // accept: the key (letters) of the path here
    TrieNode() { std::fill(std::begin(next), std::end(next), -1); }
  };
  std::vector<TrieNode> trie_;
  struct AliasEnd {
    size_t end;  // folded offset
    const KeyInfo* info;
  };
  void WalkTrieReference(std::string_view folded, int32_t node, size_t at,
                         std::vector<AliasEnd>* ends) const;
  // Of the alias ends found at folded offset `begin` (sorted here, longest
  // first), the first that passes its checks becomes a mention in `out`;
  // returns its folded end, or 0 if none passed.
  size_t TakeLongest(std::string_view text, std::string_view folded,
                     const std::vector<uint32_t>& offsets, size_t begin,
                     std::vector<AliasEnd>* ends, std::vector<Mention>* out) const;
  std::set<std::string, std::less<>> surnames_;         // CanonicalVietnamese
  std::set<std::string, std::less<>> folded_surnames_;  // FoldVietnamese

  friend class GazetteerLoader;
};

}  // namespace chiso

#endif  // CHISO_EXTRACT_GAZETTEER_H_
