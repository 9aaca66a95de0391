#include "normalize/syllables.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/fold.h"

namespace chiso {
namespace {

// --- Letters ----------------------------------------------------------------

// Tone marks, in the order of the rows below.
enum Tone : uint8_t { kNgang = 0, kHuyen, kSac, kHoi, kNga, kNang };

struct Letter {
  char32_t base = 0;  // lowercase toneless Vietnamese letter, 0 if none
  uint8_t tone = kNgang;
  bool upper = false;
  bool vowel = false;  // IsVowel(base)
};

// Each vowel with its five tones, lower and upper case: one row per base.
constexpr std::u32string_view kVowelRows[][2] = {
    {U"aàáảãạ", U"AÀÁẢÃẠ"}, {U"ăằắẳẵặ", U"ĂẰẮẲẴẶ"}, {U"âầấẩẫậ", U"ÂẦẤẨẪẬ"},
    {U"eèéẻẽẹ", U"EÈÉẺẼẸ"}, {U"êềếểễệ", U"ÊỀẾỂỄỆ"}, {U"iìíỉĩị", U"IÌÍỈĨỊ"},
    {U"oòóỏõọ", U"OÒÓỎÕỌ"}, {U"ôồốổỗộ", U"ÔỒỐỔỖỘ"}, {U"ơờớởỡợ", U"ƠỜỚỞỠỢ"},
    {U"uùúủũụ", U"UÙÚỦŨỤ"}, {U"ưừứửữự", U"ƯỪỨỬỮỰ"}, {U"yỳýỷỹỵ", U"YỲÝỶỸỴ"},
};
constexpr std::u32string_view kConsonants[2] = {U"bcdđghklmnpqrstvx", U"BCDĐGHKLMNPQRSTVX"};

constexpr char32_t kLetterLimit = 0x1F00;

// Built at compile time: LetterOf runs for every letter of every document,
// and a function-local static would cost a guard check each time.
constexpr std::array<Letter, kLetterLimit> kLetters = [] {
  std::array<Letter, kLetterLimit> t{};
  for (const auto& row : kVowelRows) {
    for (int c = 0; c < 2; ++c) {
      for (size_t tone = 0; tone < row[c].size(); ++tone) {
        t[row[c][tone]] = {row[0][0], static_cast<uint8_t>(tone), c == 1, true};
      }
    }
  }
  for (int c = 0; c < 2; ++c) {
    for (size_t k = 0; k < kConsonants[c].size(); ++k) {
      t[kConsonants[c][k]] = {kConsonants[0][k], kNgang, c == 1, false};
    }
  }
  return t;
}();

inline const Letter* LetterOf(char32_t c) {
  if (c >= kLetterLimit) return nullptr;
  const Letter& l = kLetters[c];
  return l.base ? &l : nullptr;
}

// A switch, not a search of "aăâeêioôơuưy": it runs for every letter.
bool IsVowel(char32_t base) {
  switch (base) {
    case U'a': case U'ă': case U'â': case U'e': case U'ê': case U'i':
    case U'o': case U'ô': case U'ơ': case U'u': case U'ư': case U'y':
      return true;
    default:
      return false;
  }
}

// --- Syllable structure -----------------------------------------------------

// Onsets, longest first so "ngh" wins over "ng" over "n". "gi" and "qu" are
// onsets only before a vowel (handled in ParseSyllable).
constexpr std::u32string_view kOnsets[] = {
    U"ngh", U"ng", U"nh", U"ch", U"gh", U"gi", U"kh", U"ph", U"qu", U"th", U"tr", U"b", U"c",
    U"d",   U"đ",  U"g",  U"h",  U"k",  U"l",  U"m",  U"n",  U"p",  U"r",  U"s",  U"t",  U"v",
    U"x"};

// Vowel clusters (glide + nucleus + semivowel final) and the consonant finals
// each allows, "-" meaning "no final". A cluster whose list lacks "-" needs a
// final ("ăn" but not "ă").
struct Rime {
  std::u32string_view cluster;
  std::u32string_view finals;  // space-separated
};
constexpr Rime kRimes[] = {
    {U"a", U"- c ch m n ng nh p t"}, {U"ă", U"c m n ng p t"},
    {U"â", U"c m n ng p t"},         {U"e", U"- c m n ng p t"},
    {U"ê", U"- ch m n nh p t"},      {U"i", U"- ch m n nh p t"},
    {U"o", U"- c m n ng p t"},       {U"ô", U"- c m n ng p t"},
    {U"ơ", U"- m n p t"},            {U"u", U"- c m n ng p t"},
    {U"ư", U"- c m n ng t"},         {U"y", U"-"},
    {U"ai", U"-"},                   {U"ao", U"-"},
    {U"au", U"-"},                   {U"ay", U"-"},
    {U"âu", U"-"},                   {U"ây", U"-"},
    {U"eo", U"-"},                   {U"êu", U"-"},
    {U"ia", U"-"},                   {U"iu", U"-"},
    {U"oi", U"-"},                   {U"ôi", U"-"},
    {U"ơi", U"-"},                   {U"ua", U"-"},
    {U"ui", U"-"},                   {U"ưa", U"-"},
    {U"ưi", U"-"},                   {U"ưu", U"-"},
    {U"iê", U"c m n ng p t"},        {U"iêu", U"-"},
    {U"yê", U"m n t"},               {U"yêu", U"-"},
    {U"oa", U"- c ch m n ng nh p t"}, {U"oai", U"-"},
    {U"oay", U"-"},                  {U"oao", U"-"},
    {U"oă", U"c m n ng t"},          {U"oe", U"- n t"},
    {U"oeo", U"-"},                  {U"oo", U"c ng"},
    {U"uâ", U"n ng t"},              {U"uây", U"-"},
    {U"uê", U"- ch n nh t"},         {U"uy", U"- ch n nh p t"},
    {U"uya", U"-"},                  {U"uyu", U"-"},
    {U"uyê", U"n t"},                {U"uô", U"c m n ng t"},
    {U"uôi", U"-"},                  {U"uơ", U"-"},
    {U"ươ", U"c m n ng p t"},        {U"ươi", U"-"},
    {U"ươu", U"-"},
};

bool FinalAllowed(std::u32string_view finals, std::u32string_view final_consonant) {
  std::u32string_view want = final_consonant.empty() ? U"-" : final_consonant;
  size_t pos = 0;
  while (pos < finals.size()) {
    size_t end = finals.find(U' ', pos);
    if (end == std::u32string_view::npos) end = finals.size();
    if (finals.substr(pos, end - pos) == want) return true;
    pos = end + 1;
  }
  return false;
}

bool FrontVowel(char32_t c) { return c == U'e' || c == U'ê' || c == U'i' || c == U'y'; }

// `bases`: lowercase toneless letters; `tone`: the one tone of the word.
bool ParseSyllable(std::u32string_view bases, uint8_t tone) {
  if (bases.empty()) return false;
  std::u32string_view onset;
  for (std::u32string_view o : kOnsets) {
    if (bases.substr(0, o.size()) != o) continue;
    // "gi" and "qu" keep their vowel letter only when another vowel follows:
    // "gia" = gi+a, "gì" = g+i; "qua" = qu+a.
    if ((o == U"gi" || o == U"qu") && (bases.size() < 3 || !IsVowel(bases[2]))) continue;
    onset = o;
    break;
  }
  if (onset.empty() && bases[0] == U'q') return false;
  std::u32string_view rest = bases.substr(onset.size());
  size_t v = 0;
  while (v < rest.size() && IsVowel(rest[v])) ++v;
  if (v == 0) return false;
  if (v > 3) return false;  // no cluster is longer ("uyê", "ươu")
  char32_t buf[4];
  size_t n = 0;
  // "giếng", "giết": the i of "iê" merges into the onset gi.
  if (onset == U"gi" && rest[0] == U'ê') buf[n++] = U'i';
  for (size_t k = 0; k < v; ++k) buf[n++] = rest[k];
  std::u32string_view cluster(buf, n);
  std::u32string_view final_consonant = rest.substr(v);

  const char32_t first = cluster[0];
  if (onset == U"c" && FrontVowel(first)) return false;                   // k before e ê i y
  if (onset == U"k" && !FrontVowel(first)) return false;                  // c elsewhere
  if ((onset == U"gh" || onset == U"ngh") && !(first == U'e' || first == U'ê' || first == U'i'))
    return false;
  if (onset == U"g" && (first == U'e' || first == U'ê')) return false;  // gh
  if (onset == U"ng" && (first == U'e' || first == U'ê' || first == U'i')) return false;
  if (onset == U"qu" && (first == U'o' || first == U'u')) return false;  // one glide
  if (cluster.starts_with(U"iê") && onset.empty()) return false;         // written "yê"
  if (cluster.starts_with(U"yê") && !onset.empty() && onset != U"qu") return false;

  const Rime* rime = nullptr;
  for (const Rime& r : kRimes) {
    if (r.cluster == cluster) rime = &r;
  }
  if (rime == nullptr || !FinalAllowed(rime->finals, final_consonant)) return false;
  // Stops take only the rising (sắc) or heavy (nặng) tone.
  bool stop = final_consonant == U"c" || final_consonant == U"ch" || final_consonant == U"p" ||
              final_consonant == U"t";
  return !stop || tone == kSac || tone == kNang;
}

// Case shape of a word: how its letters are capitalized.
enum class CaseShape { kLower, kUpper, kCapitalized, kMixed };

struct WordInfo {
  bool letters_only = false;  // every code point is a Vietnamese letter
  bool syllable = false;      // well-formed syllable
  bool has_onset = false;     // starts with a consonant
  bool has_vowel = false;
  size_t letters = 0;
  CaseShape shape = CaseShape::kMixed;
  char32_t lower_buf[8] = {};  // lowercase, toned (NFC); syllables only
  size_t lower_size = 0;
  std::u32string_view lower() const { return {lower_buf, lower_size}; }
};

// Analyses an NFC word. Words longer than any syllable ("nghiêng" has 7
// letters) are letters_only but never syllables.
WordInfo Analyse(std::u32string_view word) {
  WordInfo w;
  char32_t bases_buf[8];
  size_t nbases = 0;
  uint8_t tone = kNgang;
  int tones = 0;
  size_t uppers = 0;
  for (char32_t c : word) {
    const Letter* l = LetterOf(c);
    if (l == nullptr) return w;
    if (nbases < 8) {
      bases_buf[nbases] = l->base;
      w.lower_buf[nbases] =
          l->upper ? static_cast<char32_t>(u_tolower(static_cast<UChar32>(c))) : c;
      w.lower_size = ++nbases;
    }
    if (l->tone != kNgang) {
      tone = l->tone;
      ++tones;
    }
    uppers += l->upper;
    if (l->vowel) w.has_vowel = true;
  }
  w.letters_only = !word.empty();
  w.letters = word.size();
  if (uppers == 0) {
    w.shape = CaseShape::kLower;
  } else if (uppers == word.size()) {
    w.shape = word.size() == 1 ? CaseShape::kCapitalized : CaseShape::kUpper;
  } else if (uppers == 1 && LetterOf(word[0])->upper) {
    w.shape = CaseShape::kCapitalized;
  }
  std::u32string_view bases(bases_buf, nbases);
  w.has_onset = !bases.empty() && !IsVowel(bases[0]);
  w.syllable = word.size() <= 7 && tones <= 1 && ParseSyllable(bases, tone);
  return w;
}

// Vowel-initial syllables that Vietnamese uses as words on their own. A
// well-formed vowel-initial piece that is not here ("ăng", "ản", "ận",
// "ường") is taken for the tail of a split syllable.
constexpr std::u32string_view kVowelInitialWords[] = {
    U"a",    U"à",    U"á",    U"ạ",    U"ả",    U"ác",   U"ách",  U"ai",   U"ái",   U"ải",
    U"am",   U"ám",   U"an",   U"án",   U"anh",  U"ánh",  U"ảnh",  U"ao",   U"áo",   U"ào",
    U"ảo",   U"áp",   U"át",   U"ăn",   U"ắt",   U"âm",   U"ấm",   U"ẩm",   U"ầm",   U"ân",
    U"ấn",   U"ẩn",   U"ấp",   U"ập",   U"ất",   U"âu",   U"ấu",   U"ẩu",   U"ấy",   U"e",
    U"em",   U"én",   U"eo",   U"ép",   U"ê",    U"ế",    U"ếch",  U"êm",   U"i",    U"ỉ",
    U"ích",  U"im",   U"in",   U"inh",  U"ít",   U"ỉa",   U"o",    U"ò",    U"ó",    U"óc",
    U"oi",   U"ong",  U"óng",  U"ô",    U"ồ",    U"ổ",    U"ốc",   U"ôi",   U"ối",   U"ốm",
    U"ôm",   U"ồn",   U"ổn",   U"ông",  U"ống",  U"ốp",   U"ơ",    U"ờ",    U"ở",    U"ơi",
    U"ới",   U"ơn",   U"ớn",   U"ớt",   U"u",    U"ù",    U"ú",    U"ủ",    U"ụ",    U"úc",
    U"um",   U"ùn",   U"ung",  U"ủng",  U"ụp",   U"út",   U"uy",   U"ủy",   U"úy",   U"uống",
    U"uốn",  U"uổng", U"ư",    U"ừ",    U"ưa",   U"ưng",  U"ứng",  U"ước",  U"ướt",  U"ươm",
    U"ương", U"ưu",   U"ướp",  U"y",    U"ý",    U"ỷ",    U"yêu",  U"yếu",  U"yên",  U"yến",
    U"yếm",  U"yết",  U"oà",   U"oai",  U"oán",  U"oan",  U"oằn",  U"oanh", U"oách", U"oẹ",
    U"uế",   U"ùa",   U"ủa",   U"ưỡn",  U"ợ",    U"ọ",    U"ỏ",    U"ì",    U"í",    U"ý",
};

bool IsWord(const WordInfo& w) {
  if (!w.syllable) return false;
  if (w.has_onset) return true;
  return std::find(std::begin(kVowelInitialWords), std::end(kVowelInitialWords), w.lower()) !=
         std::end(kVowelInitialWords);
}

bool PlausibleCase(CaseShape s) { return s != CaseShape::kMixed; }

std::u32string Nfc(std::u32string_view in) {
  UErrorCode st = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(st);
  if (U_FAILURE(st)) return std::u32string(in);
  icu::UnicodeString u, out;
  for (char32_t c : in) u.append(static_cast<UChar32>(c));
  nfc->normalize(u, out, st);
  if (U_FAILURE(st)) return std::u32string(in);
  std::u32string r;
  for (int32_t k = 0; k < out.length(); k = out.moveIndex32(k, 1)) {
    r.push_back(static_cast<char32_t>(out.char32At(k)));
  }
  return r;
}

bool IsLetterCpSlow(char32_t c) {
  if (LetterOf(c)) return true;
  return u_isalpha(static_cast<UChar32>(c)) ||
         u_charType(static_cast<UChar32>(c)) == U_NON_SPACING_MARK;
}

// The Vietnamese letters below U+0080 are among a-z A-Z.
inline bool IsLetterCp(char32_t c) {
  if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  return IsLetterCpSlow(c);
}

bool IsDigitCp(char32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  return u_isdigit(static_cast<UChar32>(c));
}

// A maximal run of letters in the text.
struct Run {
  size_t begin = 0, end = 0;  // bytes
  char32_t letters[16];       // its first code points
  size_t size = 0;            // all of them (may exceed 16)
  std::u32string_view view() const { return {letters, std::min<size_t>(size, 16)}; }
  void Push(char32_t c) {
    if (size < 16) letters[size] = c;
    ++size;
  }
};

bool HasVowel(std::u32string_view word) {
  for (char32_t c : word) {
    const Letter* l = LetterOf(c);
    if (l && l->vowel) return true;
  }
  return false;
}

// Cheap test run before the full analysis: the joined form must fit in a
// syllable (7 letters), and a split falls either after a bare onset ("t ăng"),
// before a bare final ("tiế p") or before a vowel ("KHO ẢN"); two words that
// both have a vowel and the second starting with a consonant never join.
bool MayJoin(std::u32string_view left, std::u32string_view right) {
  if (left.size() + right.size() > 7 || left.empty() || right.empty()) return false;
  const Letter* r0 = LetterOf(right[0]);
  if (r0 == nullptr) return false;
  return r0->vowel || !HasVowel(left) || !HasVowel(right);
}

// RejoinOnce's byte table: what an ASCII byte is (a Vietnamese letter, another
// letter, neither), or that it starts a longer code point; plus a vowel bit.
enum : uint8_t { kVietByte = 1, kOtherLetterByte = 2, kHighByte = 4, kVowelByte = 8 };
constexpr std::array<uint8_t, 256> kByteClass = [] {
  std::array<uint8_t, 256> t{};
  for (int b = 0; b < 256; ++b) {
    if (b >= 0x80) {
      t[b] = kHighByte;
    } else if (kLetters[b].base != 0) {
      t[b] = kVietByte | (kLetters[b].vowel ? kVowelByte : 0);
    } else if ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') {  // IsLetterCp
      t[b] = kOtherLetterByte;
    }
  }
  return t;
}();

// The letter bits of code point `c` (>= 0x80 or not), as kByteClass has
// them for ASCII; 0 if it is not a letter (IsLetterCp).
inline uint8_t LetterBits(char32_t c) {
  if (const Letter* l = LetterOf(c)) return kVietByte | (l->vowel ? kVowelByte : 0);
  return IsLetterCp(c) ? kOtherLetterByte : 0;
}

// Fills run->letters with the code points of text[begin, end) (a run of at
// most 16 letters) and sets run->size.
void DecodeRun(std::string_view text, size_t begin, size_t end, Run* run) {
  run->size = 0;
  run->begin = begin;
  run->end = end;
  while (begin < end) run->Push(DecodeUtf8(text, &begin));
}

}  // namespace

bool IsVietnameseSyllable(std::string_view word) {
  std::u32string cps;
  bool marks = false;
  size_t pos = 0;
  while (pos < word.size()) {
    char32_t c = DecodeUtf8(word, &pos);
    if (c >= 0x0300 && c <= 0x036F) marks = true;
    cps.push_back(c);
    if (cps.size() > 32) return false;
  }
  if (marks) cps = Nfc(cps);
  return Analyse(cps).syllable;
}

// Deletes the bytes at `deletions` (ascending) from doc.text and composes
// doc.source_map; returns how many.
static size_t ApplyDeletions(Document& doc, const std::vector<size_t>& deletions) {
  const std::string& text = doc.text;
  if (deletions.empty()) return 0;

  std::string out;
  out.reserve(text.size() - deletions.size());
  OffsetMap map;
  size_t from = 0;
  for (size_t d : deletions) {
    out.append(text, from, d - from);
    from = d + 1;
    map.Add(out.size(), from);
  }
  out.append(text, from, std::string::npos);
  doc.text = std::move(out);
  doc.source_map = doc.source_map.identity() ? std::move(map) : map.Then(doc.source_map);
  return deletions.size();
}


// The per-code-point pass RejoinOnce replaced; kept as the reference for
// the differential test (RejoinSplitSyllablesReference).
static size_t RejoinOnceReference(Document& doc) {
  const std::string& text = doc.text;
  // Positions (bytes of doc.text) of the spaces to delete, ascending.
  std::vector<size_t> deletions;

  size_t pos = 0;
  char32_t prev_cp = 0;      // code point before the current one
  char32_t prev_prev = 0;    // and the one before that
  std::optional<Run> left;   // the last run, if only one space follows it
  char32_t before_left = 0;  // code point before `left` (0 at text start)
  char32_t before_before_left = 0;
  while (pos < text.size()) {
    size_t start = pos;
    char32_t c = DecodeUtf8(text, &pos);
    if (!IsLetterCp(c)) {
      prev_prev = prev_cp;
      prev_cp = c;
      continue;
    }
    // A run of letters starts at `start`.
    Run run;
    run.begin = start;
    run.Push(c);
    const char32_t run_before = prev_cp, run_before_before = prev_prev;
    char32_t last = c;
    size_t p = pos;
    while (p < text.size()) {
      size_t q = p;
      char32_t d = DecodeUtf8(text, &q);
      if (!IsLetterCp(d)) break;
      run.Push(d);
      last = d;
      p = q;
    }
    run.end = p;
    pos = p;
    char32_t after = 0;
    if (pos < text.size()) {
      size_t q = pos;
      after = DecodeUtf8(text, &q);
    }
    bool joined = false;
    // Digits glued to either piece, or a number before the left one ("5 m
    // ở": a unit), rule the pair out.
    if (left && run_before == U' ' && left->end + 1 == run.begin && !IsDigitCp(after) &&
        !IsDigitCp(before_left) && !(before_left == U' ' && IsDigitCp(before_before_left)) &&
        MayJoin(left->view(), run.view())) {
      WordInfo l = Analyse(left->view()), r = Analyse(run.view());
      char32_t both_buf[8];
      std::copy(left->letters, left->letters + left->size, both_buf);
      std::copy(run.letters, run.letters + run.size, both_buf + left->size);
      std::u32string_view both(both_buf, left->size + run.size);
      WordInfo j = Analyse(both);
      bool label = l.letters == 1 && !l.has_vowel && l.shape == CaseShape::kCapitalized &&
                   r.shape == CaseShape::kLower && before_left == U' ' &&
                   LetterOf(before_before_left) && !LetterOf(before_before_left)->upper;
      if (l.letters_only && r.letters_only && j.syllable && PlausibleCase(j.shape) &&
          (!IsWord(l) || !IsWord(r)) && !label) {
        deletions.push_back(left->end);
        std::copy(both.begin(), both.end(), left->letters);
        left->size = both.size();
        left->end = run.end;
        joined = true;
      }
    }
    if (!joined) {
      left = std::move(run);
      before_left = run_before;
      before_before_left = run_before_before;
    }
    prev_prev = 0;
    prev_cp = last;
    // Only a single ' ' between two runs can join them.
    if (!(after == U' ')) left.reset();
  }
  return ApplyDeletions(doc, deletions);
}

// One pass; returns how many spaces it removed. Scans bytes, not code
// points: only a run of at most 6 Vietnamese letters followed or preceded by
// one ' ' can take part in a join (MayJoin needs 7 letters together, Analyse
// letters_only), so other runs are only measured, and the letters of a run
// are decoded only when it meets such a neighbour. The conditions on a
// candidate pair are RejoinOnceReference's, unchanged.
static size_t RejoinOnce(Document& doc) {
  const std::string& text = doc.text;
  const size_t n = text.size();
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  // Positions (bytes of doc.text) of the spaces to delete, ascending.
  std::vector<size_t> deletions;

  size_t pos = 0;
  char32_t prev_cp = 0;    // code point before the current one
  char32_t prev_prev = 0;  // and the one before that
  // The last run, if it may join and only one space follows it; its letters
  // are decoded on demand (left_decoded).
  bool have_left = false;
  bool left_decoded = false;
  size_t left_begin = 0, left_end = 0, left_size = 0;  // bytes; code points
  Run left;  // its letters, once decoded
  char32_t before_left = 0;  // code point before `left` (0 at text start)
  char32_t before_before_left = 0;
  bool left_has_vowel = false;
  while (pos < n) {
    const size_t start = pos;
    uint8_t bits = kByteClass[s[pos]];
    char32_t c;
    if (bits == 0) {
      prev_prev = prev_cp;
      prev_cp = s[pos++];
      continue;
    }
    if (bits == kHighByte) {
      c = DecodeUtf8NonAsciiInline(text, &pos);
      bits = LetterBits(c);
      if (bits == 0) {
        prev_prev = prev_cp;
        prev_cp = c;
        continue;
      }
    } else {
      c = s[pos++];
    }
    // A run of letters starts at `start`.
    const char32_t run_before = prev_cp, run_before_before = prev_prev;
    const bool first_vowel = bits & kVowelByte;
    uint8_t seen = bits;          // the letter bits of all its code points
    size_t extra = pos - start - 1;  // its bytes beyond one per code point
    char32_t last_non_ascii = c;  // its last code point decoded from >1 byte
    char32_t after;
    for (;;) {
      // s[n] is the string's '\0', a non-letter: no bounds check needed.
      while ((bits = kByteClass[s[pos]]) & (kVietByte | kOtherLetterByte)) {
        seen |= bits;
        ++pos;
      }
      if (bits == 0) {
        after = s[pos];  // 0 at the end of the text, as wanted
        break;
      }
      size_t q = pos;
      const char32_t d = DecodeUtf8NonAsciiInline(text, &q);
      bits = LetterBits(d);
      if (bits == 0) {
        after = d;
        break;
      }
      seen |= bits;
      extra += q - pos - 1;
      pos = q;
      last_non_ascii = d;
    }
    const size_t run_end = pos;
    const size_t count = run_end - start - extra;  // its code points
    // Decoding never takes an ASCII byte into a longer sequence, so an ASCII
    // last byte is the last code point.
    const char32_t last = s[run_end - 1] < 0x80 ? s[run_end - 1] : last_non_ascii;
    const bool may_join = !(seen & kOtherLetterByte) && count <= 6;
    const bool has_vowel = seen & kVowelByte;
    bool joined = false;
    // Digits glued to either piece, or a number before the left one ("5 m
    // ở": a unit), rule the pair out.
    if (have_left && may_join && run_before == U' ' && left_end + 1 == start &&
        left_size + count <= 7 && (first_vowel || !left_has_vowel || !has_vowel) &&
        !IsDigitCp(after) && !IsDigitCp(before_left) &&
        !(before_left == U' ' && IsDigitCp(before_before_left))) {
      if (!left_decoded) DecodeRun(text, left_begin, left_end, &left);
      left_decoded = true;
      Run run;
      DecodeRun(text, start, run_end, &run);
      if (MayJoin(left.view(), run.view())) {
        char32_t both_buf[8];
        std::copy(left.letters, left.letters + left.size, both_buf);
        std::copy(run.letters, run.letters + run.size, both_buf + left.size);
        std::u32string_view both(both_buf, left.size + run.size);
        // The joined form first: most pairs fail there, and the analyses
        // are pure, so the pieces need none then.
        WordInfo j = Analyse(both);
        if (j.syllable && PlausibleCase(j.shape)) {
          WordInfo l = Analyse(left.view()), r = Analyse(run.view());
          bool label = l.letters == 1 && !l.has_vowel && l.shape == CaseShape::kCapitalized &&
                       r.shape == CaseShape::kLower && before_left == U' ' &&
                       LetterOf(before_before_left) && !LetterOf(before_before_left)->upper;
          joined = l.letters_only && r.letters_only && (!IsWord(l) || !IsWord(r)) && !label;
        }
        if (joined) {
          deletions.push_back(left_end);
          std::copy(both.begin(), both.end(), left.letters);
          left.size = left_size = both.size();
          left_end = run_end;
          left_has_vowel = left_has_vowel || has_vowel;
        }
      }
    }
    if (!joined) {
      // A run that may not join cannot be the left piece either: forget it.
      have_left = may_join;
      left_begin = start;
      left_end = run_end;
      left_size = count;
      left_decoded = false;
      left_has_vowel = has_vowel;
      before_left = run_before;
      before_before_left = run_before_before;
    }
    prev_prev = 0;
    prev_cp = last;
    // Only a single ' ' between two runs can join them.
    if (after != U' ') have_left = false;
  }
  return ApplyDeletions(doc, deletions);
}

// Runs `once` to a fixed point: a join can make a new joinable pair, and the
// result must be idempotent (found by decode_normalize_fuzz). Each pass
// removes a space.
static void RejoinToFixedPoint(Document& doc, size_t (*once)(Document&)) {
  size_t joined = 0;
  for (int pass = 0; pass < 64; ++pass) {
    size_t n = once(doc);
    if (n == 0) break;
    joined += n;
  }
  if (joined == 0) return;
  doc.Warn("syllable_rejoined", std::to_string(joined) + " syllable(s) split by a stray space re-joined");
}

void RejoinSplitSyllables(Document& doc) { RejoinToFixedPoint(doc, RejoinOnce); }

namespace internal {

void RejoinSplitSyllablesReference(Document& doc) { RejoinToFixedPoint(doc, RejoinOnceReference); }

}  // namespace internal

}  // namespace chiso
