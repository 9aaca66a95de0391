// The generator: data tables, sentence templates with gold-writing
// placeholders, document assembly, encoders and the corpus writer.
#include "corpus/gen/generator.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unicode/normalizer2.h>
#include <unicode/ucnv.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "normalize/legacy_encodings.h"

namespace chiso::gen {

namespace {

// ---------------------------------------------------------------------------
// Data

struct Unit {
  const char* name;    // canonical, as in extract/gazetteers/provinces.tsv
  bool city;           // "thành phố" rather than "tỉnh"
  int region;          // index into kRegions, -1 for none
};

const char* const kRegions[] = {
    "Trung du và miền núi phía Bắc", "Đồng bằng sông Hồng", "Bắc Trung Bộ và duyên hải miền Trung",
    "Tây Nguyên", "Đông Nam Bộ", "Đồng bằng sông Cửu Long"};
const int kRegionSize[] = {14, 11, 14, 5, 6, 13};

// The 63 units in force until 2025-06-30.
const Unit kUnits63[] = {
    {"Hà Nội", true, 1},        {"Hà Giang", false, 0},      {"Cao Bằng", false, 0},
    {"Bắc Kạn", false, 0},      {"Tuyên Quang", false, 0},   {"Lào Cai", false, 0},
    {"Điện Biên", false, 0},    {"Lai Châu", false, 0},      {"Sơn La", false, 0},
    {"Yên Bái", false, 0},      {"Hòa Bình", false, 0},      {"Thái Nguyên", false, 0},
    {"Lạng Sơn", false, 0},     {"Quảng Ninh", false, 1},    {"Bắc Giang", false, 0},
    {"Phú Thọ", false, 0},      {"Vĩnh Phúc", false, 1},     {"Bắc Ninh", false, 1},
    {"Hải Dương", false, 1},    {"Hải Phòng", true, 1},      {"Hưng Yên", false, 1},
    {"Thái Bình", false, 1},    {"Hà Nam", false, 1},        {"Nam Định", false, 1},
    {"Ninh Bình", false, 1},    {"Thanh Hóa", false, 2},     {"Nghệ An", false, 2},
    {"Hà Tĩnh", false, 2},      {"Quảng Bình", false, 2},    {"Quảng Trị", false, 2},
    {"Thừa Thiên Huế", false, 2}, {"Đà Nẵng", true, 2},      {"Quảng Nam", false, 2},
    {"Quảng Ngãi", false, 2},   {"Bình Định", false, 2},     {"Phú Yên", false, 2},
    {"Khánh Hòa", false, 2},    {"Ninh Thuận", false, 2},    {"Bình Thuận", false, 2},
    {"Kon Tum", false, 3},      {"Gia Lai", false, 3},       {"Đắk Lắk", false, 3},
    {"Đắk Nông", false, 3},     {"Lâm Đồng", false, 3},      {"Bình Phước", false, 4},
    {"Tây Ninh", false, 4},     {"Bình Dương", false, 4},    {"Đồng Nai", false, 4},
    {"Bà Rịa - Vũng Tàu", false, 4}, {"Hồ Chí Minh", true, 4}, {"Long An", false, 5},
    {"Tiền Giang", false, 5},   {"Bến Tre", false, 5},       {"Trà Vinh", false, 5},
    {"Vĩnh Long", false, 5},    {"Đồng Tháp", false, 5},     {"An Giang", false, 5},
    {"Kiên Giang", false, 5},   {"Cần Thơ", true, 5},        {"Hậu Giang", false, 5},
    {"Sóc Trăng", false, 5},    {"Bạc Liêu", false, 5},      {"Cà Mau", false, 5},
};

// The 34 units from 2025-07-01 (Resolution 202/2025/QH15).
const Unit kUnits34[] = {
    {"Hà Nội", true, -1},      {"Huế", true, -1},         {"Lai Châu", false, -1},
    {"Điện Biên", false, -1},  {"Sơn La", false, -1},     {"Lạng Sơn", false, -1},
    {"Quảng Ninh", false, -1}, {"Thanh Hóa", false, -1},  {"Nghệ An", false, -1},
    {"Hà Tĩnh", false, -1},    {"Cao Bằng", false, -1},   {"Tuyên Quang", false, -1},
    {"Lào Cai", false, -1},    {"Thái Nguyên", false, -1}, {"Phú Thọ", false, -1},
    {"Bắc Ninh", false, -1},   {"Hưng Yên", false, -1},   {"Hải Phòng", true, -1},
    {"Ninh Bình", false, -1},  {"Quảng Trị", false, -1},  {"Đà Nẵng", true, -1},
    {"Quảng Ngãi", false, -1}, {"Gia Lai", false, -1},    {"Khánh Hòa", false, -1},
    {"Lâm Đồng", false, -1},   {"Đắk Lắk", false, -1},    {"Đồng Nai", false, -1},
    {"Hồ Chí Minh", true, -1}, {"Tây Ninh", false, -1},   {"Đồng Tháp", false, -1},
    {"Vĩnh Long", false, -1},  {"Cần Thơ", true, -1},     {"An Giang", false, -1},
    {"Cà Mau", false, -1},
};

// The 17 ministries and ministry-level agencies ranked by the PAR INDEX.
const Unit kMinistries[] = {
    {"Bộ Tư pháp", false, -1},          {"Bộ Công Thương", false, -1},
    {"Bộ Văn hóa, Thể thao và Du lịch", false, -1}, {"Bộ Giáo dục và Đào tạo", false, -1},
    {"Bộ Y tế", false, -1},             {"Ngân hàng Nhà nước Việt Nam", false, -1},
    {"Thanh tra Chính phủ", false, -1}, {"Bộ Nội vụ", false, -1},
    {"Bộ Kế hoạch và Đầu tư", false, -1}, {"Bộ Tài chính", false, -1},
    {"Bộ Nông nghiệp và Phát triển nông thôn", false, -1}, {"Bộ Giao thông vận tải", false, -1},
    {"Bộ Xây dựng", false, -1},         {"Bộ Tài nguyên và Môi trường", false, -1},
    {"Bộ Thông tin và Truyền thông", false, -1}, {"Bộ Lao động - Thương binh và Xã hội", false, -1},
    {"Bộ Khoa học và Công nghệ", false, -1},
};

enum Ind { kPar, kSipas, kPapi, kPci, kDti, kDdci, kIndCount };
const char* const kIndId[] = {"PAR_INDEX", "SIPAS", "PAPI", "PCI", "DTI", "DDCI"};

// Surface names, as articles write them.
const char* const kIndNames[kIndCount][4] = {
    {"Chỉ số CCHC", "Chỉ số cải cách hành chính (PAR INDEX)", "Chỉ số PAR INDEX", "Chỉ số cải cách hành chính"},
    {"Chỉ số SIPAS", "Chỉ số hài lòng của người dân, tổ chức (SIPAS)", "Chỉ số hài lòng về sự phục vụ hành chính",
     "Chỉ số SIPAS"},
    {"Chỉ số PAPI", "Chỉ số hiệu quả quản trị và hành chính công cấp tỉnh (PAPI)", "Chỉ số PAPI", "PAPI"},
    {"Chỉ số PCI", "Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)", "Chỉ số PCI", "PCI"},
    {"Chỉ số chuyển đổi số (DTI)", "Chỉ số DTI", "Chỉ số chuyển đổi số cấp tỉnh (DTI)", "DTI"},
    {"Chỉ số DDCI", "Chỉ số DDCI", "Chỉ số DDCI", "DDCI"},
};

// Score scale per indicator: decimals, range (scaled integers), unit, scale.
struct ScoreSpec {
  int dec;
  int lo, hi;          // the index itself
  int dlo, dhi;        // a year-on-year change
  int clo, chi;        // a component
  bool percent;
  int scale;           // 0 = do not write
  int comp_scale;
};
const ScoreSpec kSpec[kIndCount] = {
    {2, 7800, 9400, 10, 420, 6500, 9800, true, 100, 100},
    {2, 7600, 9300, 10, 380, 7000, 9500, true, 100, 100},
    {2, 3800, 4800, 10, 300, 200, 800, false, 80, 10},
    {2, 6000, 7300, 10, 300, 400, 900, false, 100, 10},
    {4, 3000, 7500, 50, 900, 2500, 8000, false, 1, 1},
    {2, 6400, 8200, 10, 250, 6000, 8500, false, 100, 100},
};

const char* const kComponents[kIndCount][8] = {
    {"Cải cách thủ tục hành chính", "Cải cách tổ chức bộ máy hành chính nhà nước", "Cải cách chế độ công vụ",
     "Cải cách tài chính công", "Công tác chỉ đạo, điều hành cải cách hành chính",
     "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số",
     "Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật tại tỉnh",
     "Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế - xã hội"},
    {"Tiếp cận dịch vụ", "Thủ tục hành chính", "Công chức trực tiếp giải quyết công việc",
     "Kết quả giải quyết công việc", "Tiếp nhận và xử lý góp ý, phản ánh, kiến nghị", nullptr, nullptr, nullptr},
    {"Tham gia của người dân ở cấp cơ sở", "Công khai, minh bạch", "Trách nhiệm giải trình với người dân",
     "Kiểm soát tham nhũng trong khu vực công", "Thủ tục hành chính công", "Cung ứng dịch vụ công",
     "Quản trị môi trường", "Quản trị điện tử"},
    {"Gia nhập thị trường", "Tiếp cận đất đai", "Tính minh bạch", "Chi phí thời gian", "Chi phí không chính thức",
     "Cạnh tranh bình đẳng", "Tính năng động của chính quyền tỉnh", "Đào tạo lao động"},
    {"Chính quyền số", "Kinh tế số", "Xã hội số", nullptr, nullptr, nullptr, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr},
};

const char* const kWeekdays[] = {"Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"};
const char* const kAuthors[] = {"Phương Thảo", "Minh Hà", "Thu Trang", "Ngọc Anh", "Lan Anh",
                                "Quang Huy", "Hoàng Long", "Thanh Tâm", "Bảo Ngọc", "Văn Thành"};
const char* const kDecrees[] = {"Nghị định số 61/2018/NĐ-CP", "Nghị định 107/2021/NĐ-CP",
                                "Nghị định số 45/2020/NĐ-CP", "Nghị định số 42/2022/NĐ-CP",
                                "Nghị quyết số 76/NQ-CP", "Quyết định số 468/QĐ-TTg",
                                "Chỉ thị số 23/CT-TTg", "Nghị định số 63/2010/NĐ-CP"};

// ---------------------------------------------------------------------------
// Numbers

void AppendInt(std::string* out, int64_t v) { out->append(std::to_string(v)); }

// Vietnamese notation: "1.234.567", "89,12".
// A phrase form with '%' replaced by v and, when n is given, 'N' by n.
std::string Fill(std::string_view form, int v, std::string_view n = {}) {
  std::string t;
  for (char c : form) {
    if (c == '%') t += std::to_string(v);
    else if (c == 'N' && !n.empty()) t += n;
    else t.push_back(c);
  }
  return t;
}

std::string Vn(int64_t scaled, int dec) {
  int64_t pow = 1;
  for (int i = 0; i < dec; ++i) pow *= 10;
  int64_t ip = scaled / pow, fp = scaled % pow;
  std::string digits = std::to_string(ip), s;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) s.push_back('.');
    s.push_back(digits[i]);
  }
  if (dec > 0) {
    std::string f = std::to_string(fp);
    s.push_back(',');
    s.append(static_cast<size_t>(dec) - f.size(), '0');
    s += f;
  }
  return s;
}

// JSON number: "89.12", trailing zeros dropped ("78.6", "100").
std::string JsonNum(int64_t scaled, int dec) {
  int64_t pow = 1;
  for (int i = 0; i < dec; ++i) pow *= 10;
  std::string s = std::to_string(scaled / pow);
  int64_t fp = scaled % pow;
  if (fp != 0) {
    std::string f = std::to_string(fp);
    f.insert(0, static_cast<size_t>(dec) - f.size(), '0');
    while (!f.empty() && f.back() == '0') f.pop_back();
    s += "." + f;
  }
  return s;
}

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out->push_back('\\');
    if (static_cast<unsigned char>(c) < 0x20) {
      out->append(" ");
      continue;
    }
    out->push_back(c);
  }
  out->push_back('"');
}

// ---------------------------------------------------------------------------
// Gold figures

struct Subj {
  const char* kind = "province";
  std::string name;  // empty for unknown
};

struct Fig {
  const char* type = "score";
  const char* indicator = nullptr;
  const char* object = nullptr;  // count/rate/change-count: then status, level follow
  const char* status = nullptr;
  const char* level = nullptr;
  Subj subj;
  int year = 0;
  std::string value;
  int out_of = -2;  // rank: -1 null, else the total
  const char* unit = nullptr;
  int scale = 0;
  const char* direction = nullptr;
  const char* measure = nullptr;
  int from_year = -2;  // change: -1 null
  std::string component;
  const char* approx = nullptr;
  bool optional = false;
  std::string text;
};

void AppendFig(std::string* o, const Fig& f) {
  o->append("{\"type\": ");
  AppendJsonString(o, f.type);
  o->append(", \"indicator\": ");
  if (f.indicator) AppendJsonString(o, f.indicator); else o->append("null");
  if (f.object) {
    o->append(", \"object\": ");
    AppendJsonString(o, f.object);
    o->append(", \"status\": ");
    if (f.status) AppendJsonString(o, f.status); else o->append("null");
    o->append(", \"level\": ");
    if (f.level) AppendJsonString(o, f.level); else o->append("null");
  }
  o->append(", \"subject\": {\"kind\": ");
  AppendJsonString(o, f.subj.kind);
  o->append(", \"name\": ");
  if (f.subj.name.empty()) o->append("null"); else AppendJsonString(o, f.subj.name);
  o->append("}, \"year\": ");
  AppendInt(o, f.year);
  o->append(", \"value\": ");
  o->append(f.value);
  if (f.out_of != -2) {
    o->append(", \"out_of\": ");
    if (f.out_of < 0) o->append("null"); else AppendInt(o, f.out_of);
  }
  if (f.direction) {
    o->append(", \"direction\": ");
    AppendJsonString(o, f.direction);
    o->append(", \"measure\": ");
    AppendJsonString(o, f.measure);
  }
  if (f.unit) {
    o->append(", \"unit\": ");
    AppendJsonString(o, f.unit);
  }
  if (f.scale > 0) {
    o->append(", \"scale\": ");
    AppendInt(o, f.scale);
  }
  if (f.from_year != -2) {
    o->append(", \"from_year\": ");
    if (f.from_year < 0) o->append("null"); else AppendInt(o, f.from_year);
  }
  if (!f.component.empty()) {
    o->append(", \"component\": ");
    AppendJsonString(o, f.component);
  }
  if (f.approx) {
    o->append(", \"approx\": ");
    AppendJsonString(o, f.approx);
  }
  if (f.optional) o->append(", \"optional\": true");
  o->append(", \"text\": ");
  AppendJsonString(o, f.text);
  o->push_back('}');
}

// ---------------------------------------------------------------------------
// The document being written

struct IndexFacts {
  bool ready = false;
  int64_t score = 0;
  int rank = 0, prev_rank = 0;
  int64_t dscore = 0;
  bool score_up = true;
  int64_t comp[3] = {0, 0, 0};
  int comp_idx[3] = {0, 1, 2};
  int comp_rank[3] = {0, 0, 0};
  int64_t avg = 0;         // the average over all units
  int other = 0;           // another unit, ranked above
  int64_t other_score = 0;
  int region_rank = 0;
  int64_t ddci[2] = {0, 0};
  int64_t ddci_change = 0;
};

struct CountFacts {
  bool ready = false;
  int64_t total, lv[3], full, partial, cut, simplified, published, change;
  bool change_down;
  int64_t full_rate;  // 2 decimals
  int64_t received, lvr[3], resolved, on_time, late, pending, online;
  int64_t on_time_rate, lv_rate[3], online_rate;  // 2 decimals
};

// One entry of a national list: a unit and its score, best first.
struct Listed {
  int unit;
  int64_t score;
};

class Doc {
 public:
  Doc(Rng& rng, const Unit* units, int n_units, int unit, int year)
      : r(rng), units_(units), n_units_(n_units), unit_(unit), year_(year) {}

  Rng& r;
  std::string out;     // text being written
  std::string gold;    // figures, comma-separated
  int figures = 0;
  Ind ind = kPar;      // the indicator templates talk about
  bool national = false;
  bool ministries = false;  // the units are ministries (PAR INDEX of bộ, ngành)
  int pub_year = 0, pub_month = 1, pub_day = 1;
  uint32_t fillers_used = 0;  // kFiller entries already in the text

  const Unit& unit() const { return units_[unit_]; }
  int year() const { return year_; }
  void set_year(int y) { year_ = y; }
  int n_units() const { return n_units_; }
  const Unit& unit_at(int i) const { return units_[i]; }

  void Add(const Fig& f) {
    if (figures++ > 0) gold.append(", ");
    AppendFig(&gold, f);
  }

  Subj Own() const { return Subj{"province", unit().name}; }

  IndexFacts& Facts(Ind i) {
    IndexFacts& f = facts_[i];
    if (f.ready) return f;
    const ScoreSpec& s = kSpec[i];
    f.ready = true;
    f.score = r.Range(s.lo, s.hi);
    f.rank = r.Range(2, n_units_);
    if (r.Chance(8)) f.rank = 1;
    do {  // year-on-year moves are mostly small
      f.prev_rank = f.rank + r.Range(-15, 15);
    } while (f.prev_rank == f.rank || f.prev_rank < 1 || f.prev_rank > n_units_);
    f.dscore = r.Range(s.dlo, s.dhi);
    f.score_up = r.Chance(60);
    // Three distinct components.
    int nc = 0;
    while (nc < 8 && kComponents[i][nc]) ++nc;
    if (nc > 0) {
      int a = r.Range(0, nc - 1), b, c;
      do b = r.Range(0, nc - 1); while (b == a);
      do c = r.Range(0, nc - 1); while (c == a || c == b);
      f.comp_idx[0] = a;
      f.comp_idx[1] = b;
      f.comp_idx[2] = c;
      for (int k = 0; k < 3; ++k) {
        f.comp[k] = r.Range(s.clo, s.chi);
        f.comp_rank[k] = r.Range(1, n_units_);
      }
    }
    f.avg = r.Range(s.lo + (s.hi - s.lo) / 4, s.lo + (s.hi - s.lo) / 2);
    do f.other = r.Range(0, n_units_ - 1);
    while (f.other == unit_ || units_[f.other].region != unit().region);
    f.other_score = f.score + r.Range(1, 150);
    int reg = unit().region >= 0 ? unit().region : 0;
    f.region_rank = r.Range(2, kRegionSize[reg]);
    f.ddci[0] = r.Range(s.lo, s.hi);
    f.ddci[1] = r.Range(s.lo, s.hi);
    f.ddci_change = r.Range(s.dlo, s.dhi);
    return f;
  }

  CountFacts& Counts() {
    CountFacts& c = counts_;
    if (c.ready) return c;
    c.ready = true;
    c.lv[0] = r.Range(900, 1600);
    c.lv[1] = r.Range(150, 450);
    c.lv[2] = r.Range(80, 190);
    c.total = c.lv[0] + c.lv[1] + c.lv[2];
    c.full = r.Range(static_cast<int>(c.total / 4), static_cast<int>(c.total / 2));
    c.partial = r.Range(100, static_cast<int>(c.total - c.full) / 2);
    c.full_rate = c.full * 10000 / c.total;
    c.cut = r.Range(3, 60);
    c.simplified = r.Range(10, 120);
    c.published = c.total - r.Range(0, 40);
    c.change = r.Range(3, 90);
    c.change_down = r.Chance(70);
    int64_t scale = r.Chance(30) ? 3 : 1;
    c.lvr[0] = r.Range(8000, 90000) * scale / 2;
    c.lvr[1] = r.Range(20000, 150000) * scale / 2;
    c.lvr[2] = r.Range(30000, 200000) * scale / 2;
    c.received = c.lvr[0] + c.lvr[1] + c.lvr[2];
    c.resolved = c.received - r.Range(500, 9000);
    c.late = r.Range(30, static_cast<int>(c.resolved / 50));
    c.on_time = c.resolved - c.late;
    c.pending = c.received - c.resolved;
    c.on_time_rate = c.on_time * 10000 / c.resolved;
    for (int k = 0; k < 3; ++k) c.lv_rate[k] = r.Range(9500, 9999);
    c.online = c.received * r.Range(20, 90) / 100;
    c.online_rate = c.online * 10000 / c.received;
    return c;
  }

  // A national list of `n` units for indicator i, best first, own unit excluded.
  const std::vector<Listed>& List(Ind i) {
    std::vector<Listed>& l = lists_[i];
    if (!l.empty()) return l;
    const ScoreSpec& s = kSpec[i];
    int64_t top = s.hi + r.Range(0, (s.hi - s.lo) / 20);
    for (int k = 0; k < 6; ++k) {
      int u;
      bool dup;
      do {
        u = r.Range(0, n_units_ - 1);
        dup = false;
        for (const Listed& x : l) dup |= x.unit == u;
      } while (dup);
      top -= r.Range(1, (s.hi - s.lo) / 30 + 2);
      l.push_back({u, top});
    }
    l.back().score = s.lo - r.Range(10, (s.hi - s.lo) / 5);  // the last one: the bottom
    return l;
  }

 private:
  const Unit* units_;
  int n_units_;
  int unit_;
  int year_;
  IndexFacts facts_[kIndCount];
  CountFacts counts_;
  std::vector<Listed> lists_[kIndCount];
};

// ---------------------------------------------------------------------------
// Templates. Placeholders in braces write text and, where they state a
// figure, its gold record (subject: the document's unit unless the
// placeholder names another; year: the section's year):
//
//   {P} unit name   {TP} "tỉnh X"/"thành phố X"   {T} "tỉnh"/"thành phố"
//   {Y} year   {Y1} year-1   {N} number of units (63, 34 or 17)
//   {IND} the indicator's name     {S} its score with unit ("89,12%")
//   {R} rank with verb, out of N ("xếp thứ 9/63")   {RW} rank, no total
//   {RC} rank change ("tăng 4 bậc")  {SC} score change ("tăng 1,37%")
//   {C1..3} component name   {CS1..3} component score
//   {AS} average over all units (aggregate)   {Q} another unit, {QS} its score
//   {REG} region name, {RR} region rank ("2/14")
//   {Ln} the n-th unit of the national list (1-based; 6 is the bottom),
//   {LnS} its score, {LnR} its rank as "xếp thứ n/63", {!Ln} gold only: rank n
//   (out of null; written when the words, not digits, state the rank), {?Ln}
//   the same but optional (a listing order rather than a stated rank),
//   {!L6B} last place (optional); {!QLEAD} {Q} leads its region (optional)
//   counts: {PT} {PT1..3} {PF} {PP} {PFR} {PCUT} {PSIM} {PPUB} {PCH}, {PTA}
//   the total rounded up ("gần 2.000", approx about)
//   dossiers: {DR} {DR1..3} {DS} {DO} {DL} {DP} {DN} {DOR} {DOR1..3} {DNR},
//   {DORA} the on-time rate floored ("hơn 98%", approx over)
//   DDCI: {DD1} {DD2} {DDC}
//   distractors: {DATE} (before publication) {DATEF} (after) {DATEY} (in the year) {DEC} {PHONE} {MONEY}
//   {QD} {ADDR} {GRDP}
// Level suffixes 1..3 are province, district, commune.

const char* const kLevels[] = {"province", "district", "commune"};

std::string Date(Rng& r, int year) {
  return std::to_string(r.Range(1, 28)) + "/" + std::to_string(r.Range(1, 12)) + "/" + std::to_string(year);
}

// Writes one placeholder. Returns false if `name` is unknown (a template bug).
bool Expand(Doc& d, std::string_view name) {
  Rng& r = d.r;
  std::string& o = d.out;
  const ScoreSpec& spec = kSpec[d.ind];
  auto score_text = [&](int64_t v, int dec) {
    std::string t = Vn(v, dec);
    t += spec.percent ? "%" : " điểm";
    return t;
  };
  auto score_fig = [&](Subj s, int64_t v, const std::string& text) {
    Fig f;
    f.indicator = kIndId[d.ind];
    f.subj = std::move(s);
    f.year = d.year();
    f.value = JsonNum(v, spec.dec);
    f.unit = spec.percent ? "percent" : "points";
    f.scale = spec.scale;
    f.text = text;
    return f;
  };
  auto rank_fig = [&](Subj s, int v, int out_of, const std::string& text) {
    Fig f;
    f.type = "rank";
    f.indicator = kIndId[d.ind];
    f.subj = std::move(s);
    f.year = d.year();
    f.value = std::to_string(v);
    f.out_of = out_of;
    f.text = text;
    return f;
  };
  // A procedure or dossier figure of the document's own unit and year.
  auto own_fig = [&](const char* type, const char* object, const char* status, int64_t v, int dec,
                     const std::string& text) {
    Fig f;
    f.type = type;
    f.object = object;
    f.status = status;
    f.subj = d.Own();
    f.year = d.year();
    f.value = JsonNum(v, dec);
    f.text = text;
    return f;
  };
  // Writes a count or rate of the own unit (level -1: none) and its figure.
  auto put_count = [&](const char* type, const char* object, const char* status, int level, int64_t v,
                       int dec, const char* suffix) {
    std::string t = Vn(v, dec) + suffix;
    o += t;
    Fig f = own_fig(type, object, status, v, dec, t);
    f.level = level < 0 ? nullptr : kLevels[level];
    d.Add(f);
  };
  // An approximate count or rate: "gần 2.000", "hơn 98%".
  auto put_approx = [&](const char* type, const char* object, const char* status, int64_t v, const char* suffix,
                        const char* approx, const char* word) {
    std::string t = Vn(v, 0) + suffix;
    o += t;
    Fig g = own_fig(type, object, status, v, 0, "");
    g.approx = approx;
    g.text = word + t;
    d.Add(g);
  };
  // Makes g a change from the year before.
  auto as_change = [&](Fig& g, bool up, const char* measure, const char* unit, const std::string& text) {
    g.type = "change";
    g.direction = up ? "up" : "down";
    g.measure = measure;
    g.unit = unit;
    g.from_year = d.year() - 1;
    g.text = text;
  };
  // Level of a placeholder PREFIX, PREFIX1..PREFIX3: -1 for none, 0..2, or
  // -2 when `name` is not one of them.
  auto level_of = [&](std::string_view prefix) {
    if (name == prefix) return -1;
    if (name.size() == prefix.size() + 1 && name.substr(0, prefix.size()) == prefix &&
        name.back() >= '1' && name.back() <= '3') {
      return name.back() - '1';
    }
    return -2;
  };
  const int n = d.n_units();
  const std::string ns = std::to_string(n);

  if (name == "P") {
    o += d.unit().name;
  } else if (name == "T") {
    o += d.unit().city ? "thành phố" : "tỉnh";
  } else if (name == "N") {
    o += ns;
  } else if (name == "DATEF") {
    // A deadline after publication.
    int m = d.pub_month + 1 + static_cast<int>(r.Below(3));
    o += std::to_string(r.Range(1, 28)) + "/" + std::to_string(m > 12 ? m - 12 : m) + "/" +
         std::to_string(m > 12 ? d.pub_year + 1 : d.pub_year);
  } else if (name == "DATEY") {
    o += Date(r, d.year());
  } else if (name == "!QLEAD") {
    IndexFacts& f = d.Facts(d.ind);
    Fig g = rank_fig(Subj{"province", d.unit_at(f.other).name}, 1, -1, d.unit_at(f.other).name);
    g.optional = true;  // a lead within a region
    d.Add(g);
  } else if (name == "!L6B") {
    // "the lowest": last place is optional (ANNOTATION.md), with or without the total.
    const Listed& e = d.List(d.ind)[5];
    for (int out_of : {-1, n}) {
      Fig g = rank_fig(Subj{d.ministries ? "ministry" : "province", d.unit_at(e.unit).name}, n, out_of, d.unit_at(e.unit).name);
      g.optional = true;
      d.Add(g);
    }
  } else if (name == "TP") {
    o += d.unit().city ? "thành phố " : "tỉnh ";
    o += d.unit().name;
  } else if (name == "Y") {
    AppendInt(&o, d.year());
  } else if (name == "Y1") {
    AppendInt(&o, d.year() - 1);
  } else if (name == "IND") {
    o += kIndNames[d.ind][r.Below(4)];
  } else if (name == "S") {
    IndexFacts& f = d.Facts(d.ind);
    std::string t = score_text(f.score, spec.dec);
    o += t;
    d.Add(score_fig(d.Own(), f.score, t));
  } else if (name == "R" || name == "RW") {
    IndexFacts& f = d.Facts(d.ind);
    std::string t;
    int out_of = n;
    if (name == "R") {
      static const char* const kForms[] = {"xếp thứ %/N", "xếp thứ %/N tỉnh, thành phố", "đứng thứ %/N",
                                           "xếp hạng %/N", "xếp vị thứ %/N", "đứng ở vị trí thứ %/N",
                                           "xếp thứ %/N địa phương", "xếp thứ % trong N tỉnh, thành phố"};
      t = Fill(r.Pick(kForms), f.rank, ns);
    } else {
      out_of = -1;
      if (f.rank == 1) {
        static const char* const kFirst[] = {"dẫn đầu cả nước", "đứng đầu cả nước", "xếp thứ nhất cả nước",
                                             "giữ vị trí dẫn đầu toàn quốc"};
        t = r.Pick(kFirst);
      } else {
        static const char* const kForms[] = {"xếp thứ % cả nước", "đứng thứ % toàn quốc",
                                             "xếp vị trí thứ % cả nước"};
        t = Fill(r.Pick(kForms), f.rank);
      }
    }
    o += t;
    d.Add(rank_fig(d.Own(), f.rank, out_of, t));
  } else if (name == "RC") {
    IndexFacts& f = d.Facts(d.ind);
    int delta = f.prev_rank - f.rank;  // > 0: moved up
    bool up = delta > 0;
    int v = up ? delta : -delta;
    static const char* const kUp[] = {"tăng % bậc", "tăng % bậc", "tăng % hạng", "vươn lên % bậc"};
    static const char* const kDown[] = {"giảm % bậc", "giảm % bậc", "giảm % hạng", "tụt % bậc"};
    std::string t = Fill(up ? r.Pick(kUp) : r.Pick(kDown), v);
    o += t;
    Fig g = rank_fig(d.Own(), v, -2, t);
    as_change(g, up, "rank", "places", t);
    d.Add(g);
  } else if (name == "SC") {
    IndexFacts& f = d.Facts(d.ind);
    std::string t = f.score_up ? "tăng " : "giảm ";
    t += score_text(f.dscore, spec.dec);
    o += t;
    Fig g = score_fig(d.Own(), f.dscore, t);
    g.scale = 0;
    as_change(g, f.score_up, "score", spec.percent ? "percent" : "points", t);
    d.Add(g);
  } else if (name.size() == 2 && name[0] == 'C' && name[1] >= '1' && name[1] <= '3') {
    IndexFacts& f = d.Facts(d.ind);
    o += kComponents[d.ind][f.comp_idx[name[1] - '1']];
  } else if (name.size() == 3 && name.substr(0, 2) == "CS" && name[2] >= '1' && name[2] <= '3') {
    IndexFacts& f = d.Facts(d.ind);
    int k = name[2] - '1';
    std::string t = score_text(f.comp[k], spec.dec);
    o += t;
    Fig g = score_fig(d.Own(), f.comp[k], t);
    g.scale = spec.comp_scale;
    g.component = kComponents[d.ind][f.comp_idx[k]];
    d.Add(g);
  } else if (name == "AS") {
    IndexFacts& f = d.Facts(d.ind);
    std::string t = score_text(f.avg, spec.dec);
    o += t;
    d.Add(score_fig(Subj{"aggregate", ns + (d.ministries ? " bộ, cơ quan ngang bộ" : " tỉnh, thành phố")}, f.avg, t));
  } else if (name == "Q") {
    o += d.unit_at(d.Facts(d.ind).other).name;
  } else if (name == "QS") {
    IndexFacts& f = d.Facts(d.ind);
    std::string t = score_text(f.other_score, spec.dec);
    o += t;
    d.Add(score_fig(Subj{"province", d.unit_at(f.other).name}, f.other_score, t));
  } else if (name == "REG") {
    o += kRegions[d.unit().region >= 0 ? d.unit().region : 0];
  } else if (name == "RR") {
    IndexFacts& f = d.Facts(d.ind);
    int reg = d.unit().region >= 0 ? d.unit().region : 0;
    std::string t = std::to_string(f.region_rank) + "/" + std::to_string(kRegionSize[reg]);
    o += t;
    Fig g = rank_fig(d.Own(), f.region_rank, kRegionSize[reg], t);
    d.Add(g);
  } else if ((name.size() >= 2 && name[0] == 'L' && name[1] >= '1' && name[1] <= '6') ||
             (name.size() == 3 && (name[0] == '!' || name[0] == '?') && name[1] == 'L')) {
    bool gold_only = name[0] == '!' || name[0] == '?';
    std::string_view rest = gold_only ? name.substr(1) : name;
    int k = rest[1] - '1';
    const Listed& e = d.List(d.ind)[k];
    const char* uname = d.unit_at(e.unit).name;
    const char* ukind = d.ministries ? "ministry" : "province";
    std::string_view suffix = rest.substr(2);
    if (gold_only) {
      Fig g = rank_fig(Subj{ukind, uname}, k + 1, -1, std::string(uname));
      g.optional = name[0] == '?';
      d.Add(g);
    } else if (suffix.empty()) {
      if (!d.ministries && r.Chance(30)) o += d.unit_at(e.unit).city ? "thành phố " : "tỉnh ";
      o += uname;
    } else if (suffix == "S") {
      std::string t = score_text(e.score, spec.dec);
      o += t;
      d.Add(score_fig(Subj{ukind, uname}, e.score, t));
    } else if (suffix == "R") {
      std::string t = "xếp thứ " + std::to_string(k + 1) + "/" + ns;
      o += t;
      d.Add(rank_fig(Subj{ukind, uname}, k + 1, n, t));
    } else {
      return false;
    }
  } else if (level_of("PT") != -2) {
    CountFacts& c = d.Counts();
    int lv = level_of("PT");
    put_count("count", "procedure", "total", lv, lv < 0 ? c.total : c.lv[lv], 0, "");
  } else if (name == "PF" || name == "PP" || name == "PCUT" || name == "PSIM" || name == "PPUB") {
    CountFacts& c = d.Counts();
    int64_t v = name == "PF" ? c.full : name == "PP" ? c.partial : name == "PCUT" ? c.cut
              : name == "PSIM" ? c.simplified : c.published;
    const char* st = name == "PF" ? "online_full" : name == "PP" ? "online_partial" : name == "PCUT" ? "cut"
                   : name == "PSIM" ? "simplified" : "published";
    put_count("count", "procedure", st, -1, v, 0, "");
  } else if (name == "PTA") {
    // "gần 2.000 thủ tục": the total rounded up to hundreds, approx about.
    put_approx("count", "procedure", "total", (d.Counts().total / 100 + 1) * 100, "", "about", "gần ");
  } else if (name == "DORA") {
    // "hơn 98%": the on-time rate floored to a whole percent, approx over.
    put_approx("rate", "dossier", "on_time", d.Counts().on_time_rate / 100, "%", "over", "hơn ");
  } else if (name == "PFR") {
    put_count("rate", "procedure", "online_full", -1, d.Counts().full_rate, 2, "%");
  } else if (name == "PCH") {
    CountFacts& c = d.Counts();
    std::string t = (c.change_down ? "giảm " : "tăng ") + Vn(c.change, 0);
    o += t;
    Fig g = own_fig("change", "procedure", "total", c.change, 0, t);
    as_change(g, !c.change_down, "count", "count", t);
    d.Add(g);
  } else if (level_of("DR") != -2) {
    CountFacts& c = d.Counts();
    int lv = level_of("DR");
    put_count("count", "dossier", "received", lv, lv < 0 ? c.received : c.lvr[lv], 0, "");
  } else if (name == "DS" || name == "DO" || name == "DL" || name == "DP" || name == "DN") {
    CountFacts& c = d.Counts();
    int64_t v = name == "DS" ? c.resolved : name == "DO" ? c.on_time : name == "DL" ? c.late
              : name == "DP" ? c.pending : c.online;
    const char* st = name == "DS" ? "resolved" : name == "DO" ? "on_time" : name == "DL" ? "late"
                   : name == "DP" ? "pending" : "online";
    put_count("count", "dossier", st, -1, v, 0, "");
  } else if (name == "DNR" || level_of("DOR") != -2) {
    CountFacts& c = d.Counts();
    int lv = name == "DNR" ? -1 : level_of("DOR");
    int64_t v = name == "DNR" ? c.online_rate : lv < 0 ? c.on_time_rate : c.lv_rate[lv];
    put_count("rate", "dossier", name == "DNR" ? "online" : "on_time", lv, v, 2, "%");
  } else if (name == "DD1" || name == "DD2") {
    IndexFacts& f = d.Facts(kDdci);
    int k = name[2] - '1';
    std::string t = Vn(f.ddci[k], 2) + " điểm";
    o += t;
    Fig g;
    g.indicator = "DDCI";
    g.subj = Subj{"aggregate", std::string(k == 0 ? "Các sở, ban, ngành " : "Các huyện, thị xã, thành phố ") +
                                   (d.unit().city ? "thành phố " : "tỉnh ") + d.unit().name};
    g.year = d.year();
    g.value = JsonNum(f.ddci[k], 2);
    g.unit = "points";
    g.text = t;
    d.Add(g);
  } else if (name == "DDC") {
    IndexFacts& f = d.Facts(kDdci);
    std::string t = "tăng " + Vn(f.ddci_change, 2) + " điểm";
    o += t;
    Fig g;
    g.indicator = "DDCI";
    g.subj = Subj{"aggregate", std::string("Các sở, ban, ngành ") + (d.unit().city ? "thành phố " : "tỉnh ") +
                                   d.unit().name};
    g.year = d.year();
    g.value = JsonNum(f.ddci_change, 2);
    as_change(g, true, "score", "points", t);
    d.Add(g);
  } else if (name == "DATE") {
    // A day shortly before publication.
    int m = std::max(1, d.pub_month - static_cast<int>(r.Below(2)));
    int day = m == d.pub_month ? r.Range(1, std::max(1, d.pub_day - 1)) : r.Range(1, 28);
    o += std::to_string(day) + "/" + std::to_string(m) + "/" + std::to_string(d.pub_year);
  } else if (name == "DEC") {
    o += r.Pick(kDecrees);
  } else if (name == "QD") {
    o += "Quyết định số " + std::to_string(r.Range(100, 3999)) + "/QĐ-UBND ngày " + Date(r, d.year());
  } else if (name == "PHONE") {
    o += "02" + std::to_string(r.Range(10, 99)) + "." + std::to_string(r.Range(3800000, 3899999) / 1000) + "." +
         std::to_string(r.Range(100, 999));
  } else if (name == "MONEY") {
    if (r.Chance(50)) o += Vn(r.Range(12, 95), 1) + " tỷ đồng";
    else o += std::to_string(r.Range(120, 950)) + " triệu đồng";
  } else if (name == "ADDR") {
    static const char* const kStreets[] = {"Trần Hưng Đạo", "Lê Lợi", "Nguyễn Trãi", "Hùng Vương", "Quang Trung",
                                           "Lý Thường Kiệt"};
    o += "số " + std::to_string(r.Range(1, 250)) + " đường " + r.Pick(kStreets);
  } else if (name == "GRDP") {
    o += Vn(r.Range(45, 99), 1) + "%";
  } else {
    return false;
  }
  return true;
}

// Appends `tmpl` to the document, expanding placeholders.
void Emit(Doc& d, std::string_view tmpl) {
  size_t i = 0;
  while (i < tmpl.size()) {
    size_t b = tmpl.find('{', i);
    if (b == std::string_view::npos) {
      d.out.append(tmpl.substr(i));
      return;
    }
    d.out.append(tmpl.substr(i, b - i));
    size_t e = tmpl.find('}', b);
    if (e == std::string_view::npos || !Expand(d, tmpl.substr(b + 1, e - b - 1))) {
      d.out.append(tmpl.substr(b));  // unreachable with the tables below (tested)
      return;
    }
    i = e + 1;
  }
}

template <size_t N>
void EmitOne(Doc& d, const char* const (&pool)[N]) {
  Emit(d, pool[d.r.Below(N)]);
}

// --- Index paragraphs (PAR INDEX, SIPAS, PAPI, PCI, DTI) about the unit.
const char* const kIndexMain[] = {
    "Theo kết quả được công bố, {IND} năm {Y} của {TP} đạt {S}, {R}, {RC} và {SC} so với năm {Y1}.",
    "Năm {Y}, {IND} của {TP} đạt {S}, {R}, {RC} so với năm {Y1}.",
    "Kết quả {IND} năm {Y} cho thấy {P} đạt {S}, {SC} so với năm {Y1}, {R}.",
    "{IND} năm {Y} của {P} đạt {S}, {R}; so với năm {Y1}, địa phương này {RC}.",
    "Với {S}, {IND} năm {Y} của {TP} {R}, {RC} so với năm trước.",
    "Năm {Y}, {P} tiếp tục cải thiện {IND} khi đạt {S}, {SC} so với năm {Y1} và {RC}, {R}.",
    "Cụ thể, {IND} năm {Y} của {T} đạt {S}, {R}, {RC} so với năm {Y1}.",
    "Trong năm {Y}, {IND} của {TP} đạt {S}; {T} {R}, {RC} so với năm trước.",
    "Theo kết quả đánh giá, {IND} năm {Y} của {TP} đạt {S}, {RW}.",
    "Năm {Y}, {TP} {RW} về {IND} với {S}, {SC} so với năm {Y1}.",
    "{IND} năm {Y} của {P} {RC} so với năm {Y1}, {R} với {S}.",
};
const char* const kIndexAggregate[] = {
    "Giá trị trung bình {IND} của {N} tỉnh, thành phố năm nay là {AS}.",
    "Điểm trung bình của cả nước là {AS}.",
    "Giá trị trung bình của các tỉnh, thành phố năm {Y} đạt {AS}.",
};
const char* const kIndexOther[] = {
    "Trong khu vực {REG}, {P} xếp thứ {RR}, chỉ đứng sau {Q} ({QS}).",
    "Trong vùng {REG}, {T} xếp thứ {RR}; đơn vị dẫn đầu vùng là {Q}{!QLEAD} với {QS}.",
};
const char* const kIndexComponents[] = {
    "Xét theo từng lĩnh vực, {C1} đạt {CS1}; {C2} đạt {CS2}; {C3} đạt {CS3}.",
    "Trong các chỉ số thành phần, {C1} đạt {CS1}, {C2} đạt {CS2}, còn {C3} chỉ đạt {CS3}.",
    "Chỉ số thành phần {C1} đạt {CS1}. Chỉ số thành phần {C2} đạt {CS2}.",
    "Ở chỉ số thành phần {C1}, {T} đạt {CS1}; {C2} đạt {CS2}.",
};
const char* const kIndexTail[] = {
    "Kết quả này ghi nhận sự nỗ lực của cả hệ thống chính trị trong việc thực hiện nhiệm vụ cải cách hành chính.",
    "Nguyên nhân chủ yếu là điểm đánh giá của người dân về việc tiếp cận dịch vụ chưa cao.",
    "Để giữ vững kết quả, UBND tỉnh yêu cầu các sở, ngành rà soát từng tiêu chí bị mất điểm.",
    "Năm {Y} cũng là năm thứ 3 liên tiếp {T} cải thiện thứ hạng chỉ số này.",
    "Tỉnh đặt mục tiêu tiếp tục cải thiện thứ hạng trong những năm tiếp theo.",
};

// --- National rankings (no own unit).
const char* const kNationalLead[] = {
    "{L1} tiếp tục dẫn đầu với {L1S}{!L1}; xếp thứ hai là {L2} ({L2S}){!L2}; {L3} đứng thứ ba với {L3S}{!L3}.",
    "Dẫn đầu {IND} năm {Y} là {L1} với {L1S}{!L1}, tiếp theo là {L2} với {L2S}{?L2} và {L3} với {L3S}{?L3}.",
    "Đứng đầu bảng xếp hạng là {L1} ({L1S}){!L1}. {L2} {L2R} với {L2S}; {L3} {L3R} với {L3S}.",
    "{L1} {L1R} với {L1S}, {L2} {L2R} với {L2S}, {L3} {L3R} với {L3S}.",
};
const char* const kNationalMore[] = {
    "{L4} {L4R}, đạt {L4S}; {L5} {L5R} với {L5S}.",
    "Các vị trí tiếp theo thuộc về {L4} ({L4S}) và {L5} ({L5S}).",
    "{L4} đạt {L4S}, {L5} đạt {L5S}.",
};
const char* const kNationalBottom[] = {
    "Địa phương có kết quả thấp nhất là {L6}{!L6B} với {L6S}.",
    "{L6}{!L6B} có điểm số thấp nhất, chỉ đạt {L6S}.",
};
const char* const kMinistryLead[] = {
    "Theo kết quả Chỉ số CCHC năm {Y} của các bộ, cơ quan ngang bộ, {L1} dẫn đầu với {L1S}{!L1}; {L2} {L2R} với "
    "{L2S}; {L3} {L3R} với {L3S}.",
    "Năm {Y}, {L1} tiếp tục đứng đầu bảng xếp hạng Chỉ số cải cách hành chính của các bộ với {L1S}{!L1}; vị trí "
    "thứ 2 là {L2} ({L2S}){!L2}.",
    "Đứng đầu Chỉ số CCHC năm {Y} khối bộ, ngành là {L1} với {L1S}{!L1}, tiếp theo là {L2} ({L2S}){?L2}.",
};
const char* const kMinistryMore[] = {
    "{L4} {L4R} với {L4S}; {L5} {L5R} với {L5S}.",
    "{L6}{!L6B} có kết quả thấp nhất, đạt {L6S}.",
};
const char* const kMinistryAvg[] = {
    "Giá trị trung bình Chỉ số CCHC năm {Y} của {N} bộ, cơ quan ngang bộ đạt {AS}.",
    "Năm {Y}, giá trị trung bình Chỉ số cải cách hành chính của các bộ, cơ quan ngang bộ là {AS}.",
};
const char* const kNationalAvg[] = {
    "Theo kết quả công bố, giá trị trung bình {IND} năm {Y} của {N} tỉnh, thành phố đạt {AS}.",
    "Năm {Y}, điểm trung bình {IND} của cả nước là {AS}.",
};

// --- Procedures and dossiers about the unit.
const char* const kProcTotal[] = {
    "Theo báo cáo của Văn phòng UBND {T}, đến ngày {DATEY}, tổng số thủ tục hành chính thuộc thẩm quyền giải "
    "quyết trên địa bàn {TP} là {PT} thủ tục; trong đó, cấp tỉnh {PT1} thủ tục, cấp huyện {PT2} thủ tục, cấp xã "
    "{PT3} thủ tục.",
    "Năm {Y}, toàn {T} có {PT} thủ tục hành chính, trong đó {PT1} thủ tục cấp tỉnh, {PT2} thủ tục cấp huyện và "
    "{PT3} thủ tục cấp xã.",
    "Tính đến cuối năm {Y}, {TP} đang áp dụng {PT} thủ tục hành chính.",
    "Tính đến hết năm {Y}, tổng số thủ tục hành chính của {T} là {PT} thủ tục.",
    "Năm {Y}, {TP} có gần {PTA} thủ tục hành chính thuộc thẩm quyền giải quyết của ba cấp chính quyền.",
};
const char* const kProcTotal2025[] = {
    "Sau sắp xếp, tổng số thủ tục hành chính thuộc thẩm quyền giải quyết của {TP} năm {Y} là {PT} thủ tục.",
    "Năm {Y}, {TP} (mới) có {PT} thủ tục hành chính đang áp dụng.",
};
const char* const kProcChange[] = {
    "So với năm {Y1}, tổng số thủ tục hành chính {PCH} thủ tục.",
    "Tổng số thủ tục hành chính năm {Y} {PCH} thủ tục so với năm {Y1}.",
};
const char* const kProcOnline[] = {
    "Trong số này, có {PF} thủ tục được cung cấp dịch vụ công trực tuyến toàn trình, {PP} thủ tục được cung cấp "
    "dịch vụ công trực tuyến một phần.",
    "Toàn {T} có {PF} thủ tục hành chính được cung cấp dịch vụ công trực tuyến toàn trình và {PP} thủ tục một "
    "phần.",
    "Tỷ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình đạt {PFR}.",
    "Đã có {PF} thủ tục được cung cấp dịch vụ công trực tuyến toàn trình, đạt tỷ lệ {PFR}.",
};
const char* const kProcCut[] = {
    "Năm {Y}, {TP} đã cắt giảm {PCUT} thủ tục, đơn giản hóa {PSIM} thủ tục hành chính.",
    "Qua rà soát trong năm {Y}, {T} đã kiến nghị cắt giảm {PCUT} thủ tục, đơn giản hóa {PSIM} thủ tục thuộc các lĩnh vực đất "
    "đai, xây dựng, đầu tư.",
    "Trong năm {Y}, {TP} đã công bố, công khai {PPUB} thủ tục hành chính trên Cổng Dịch vụ công quốc gia.",
};
const char* const kDossier[] = {
    "Năm {Y}, toàn {T} tiếp nhận {DR} hồ sơ thủ tục hành chính, đã giải quyết {DS} hồ sơ, trong đó giải quyết "
    "đúng hạn {DO} hồ sơ, đạt tỷ lệ {DOR}; trễ hạn {DL} hồ sơ.",
    "Trong năm {Y}, các cơ quan, đơn vị trên địa bàn {TP} đã tiếp nhận {DR} hồ sơ; tỷ lệ hồ sơ giải quyết trước "
    "và đúng hạn đạt {DOR}.",
    "Năm {Y}, tổng số hồ sơ tiếp nhận là {DR} hồ sơ, số hồ sơ đã giải quyết là {DS} hồ sơ, số hồ sơ đang giải "
    "quyết là {DP} hồ sơ.",
    "Trong năm {Y}, toàn {T} tiếp nhận {DR} hồ sơ, giải quyết trễ hạn {DL} hồ sơ.",
    "Năm {Y}, hơn {DORA} hồ sơ thủ tục hành chính trên địa bàn {TP} được giải quyết đúng hạn.",
};
const char* const kDossierOnline[] = {
    "Số hồ sơ tiếp nhận trực tuyến là {DN} hồ sơ, chiếm {DNR} tổng số hồ sơ.",
    "Tỷ lệ hồ sơ nộp trực tuyến đạt {DNR}.",
    "Trong đó, {DN} hồ sơ được tiếp nhận trực tuyến.",
};
const char* const kDossierLevels[] = {
    "Cấp tỉnh tiếp nhận {DR1} hồ sơ, tỷ lệ giải quyết đúng hạn đạt {DOR1}; cấp huyện tiếp nhận {DR2} hồ sơ, tỷ lệ "
    "đúng hạn đạt {DOR2}; cấp xã tiếp nhận {DR3} hồ sơ, tỷ lệ đúng hạn đạt {DOR3}.",
    "Riêng cấp tỉnh đã tiếp nhận {DR1} hồ sơ, cấp huyện {DR2} hồ sơ và cấp xã {DR3} hồ sơ.",
};

// --- DDCI about the unit's departments and districts.
const char* const kDdciMain[] = {
    "Năm {Y}, điểm trung bình DDCI của khối sở, ban, ngành đạt {DD1}, {DDC} so với năm {Y1}; khối huyện, thị xã, "
    "thành phố đạt trung bình {DD2}.",
    "Kết quả DDCI năm {Y} cho thấy, khối sở, ban, ngành đạt điểm trung bình {DD1}, {DDC} so với năm {Y1}.",
};

// --- Filler and distractors: no figures.
const char* const kFiller[] = {
    "Ban Chỉ đạo cải cách hành chính của tỉnh đã ban hành kế hoạch và phân công nhiệm vụ cụ thể cho từng cơ "
    "quan, đơn vị.",
    "Các sở, ngành, địa phương tập trung cải thiện chất lượng phục vụ người dân và doanh nghiệp.",
    "Lãnh đạo UBND tỉnh yêu cầu người đứng đầu các cơ quan chịu trách nhiệm về kết quả cải cách hành chính tại "
    "đơn vị mình.",
    "Công tác kiểm tra, giám sát việc giải quyết thủ tục hành chính được tăng cường, kịp thời chấn chỉnh những "
    "hạn chế.",
    "Việc số hóa hồ sơ, kết quả giải quyết thủ tục hành chính đã được triển khai đồng bộ từ cấp tỉnh đến cấp xã.",
    "Bộ phận Một cửa các cấp được đầu tư trang thiết bị, bố trí công chức có năng lực, tinh thần trách nhiệm.",
    "Tuy nhiên, một số chỉ số thành phần vẫn còn thấp, chưa tương xứng với tiềm năng của tỉnh.",
    "Thời gian tới, tỉnh tiếp tục đẩy mạnh chuyển đổi số, nâng cao chất lượng cung cấp dịch vụ công trực tuyến.",
    "Người dân, doanh nghiệp đánh giá cao thái độ phục vụ của công chức tại Trung tâm Phục vụ hành chính công.",
    "Tỉnh cũng chú trọng công tác thông tin, tuyên truyền về cải cách hành chính đến người dân.",
    "Nhiều mô hình, sáng kiến cải cách hành chính hiệu quả đã được nhân rộng.",
    "Các cơ quan tiếp tục rà soát, đơn giản hóa quy trình nội bộ trong giải quyết thủ tục hành chính.",
    "Đồng chí Chủ tịch UBND tỉnh đề nghị các đơn vị khắc phục ngay những tồn tại, hạn chế đã được chỉ ra.",
    "Kỷ luật, kỷ cương hành chính tiếp tục được siết chặt, góp phần nâng cao hiệu quả công vụ.",
    "Việc đánh giá, xếp loại cán bộ gắn với kết quả thực hiện nhiệm vụ cải cách hành chính.",
};
const char* const kDistractor[] = {
    "Thực hiện {DEC} của Chính phủ, {TP} đã triển khai nhiều giải pháp cụ thể.",
    "Theo {QD} của UBND tỉnh, các đơn vị phải hoàn thành việc rà soát trước ngày {DATEF}.",
    "Tổng kinh phí thực hiện kế hoạch là {MONEY}.",
    "Mọi phản ánh, kiến nghị của người dân xin gửi về số điện thoại {PHONE}.",
    "Cùng kỳ, tăng trưởng GRDP của tỉnh ước đạt {GRDP}.",
    "Người dân có thể liên hệ Trung tâm Phục vụ hành chính công tỉnh tại {ADDR}, từ 7h30 đến 17h00 các ngày "
    "làm việc.",
    "Hội nghị được tổ chức sáng ngày {DATE} tại hội trường UBND tỉnh.",
    "Năm {Y} là năm thứ 5 liên tiếp tỉnh tổ chức đánh giá chỉ số này, góp phần thực hiện Chương trình tổng thể "
    "cải cách hành chính giai đoạn 2021-2030.",
};

const char* const kNationalFiller[] = {
    "Bộ chỉ số được xây dựng theo {DEC}, bảo đảm đánh giá khách quan, công bằng giữa các địa phương.",
    "Hội nghị công bố được tổ chức ngày {DATE} tại Hà Nội, kết nối trực tuyến với các điểm cầu trên cả nước.",
    "Các tỉnh, thành phố có kết quả thấp được yêu cầu phân tích nguyên nhân, đề ra giải pháp khắc phục.",
};

// ---------------------------------------------------------------------------
// Assembly

void Paragraph(Doc& d) {
  if (!d.out.empty()) d.out += "\n\n";
}

// A filler sentence not yet used in the document (while any is left).
void Filler(Doc& d) {
  constexpr uint32_t n = std::size(kFiller);
  uint32_t k = d.r.Below(n);
  for (uint32_t i = 0; i < n && (d.fillers_used >> k & 1u); ++i) k = (k + 1) % n;
  d.fillers_used |= 1u << k;
  Emit(d, kFiller[k]);
}

void FillerParagraph(Doc& d, int sentences) {
  Paragraph(d);
  for (int i = 0; i < sentences; ++i) {
    if (i) d.out += ' ';
    if (d.r.Chance(20)) EmitOne(d, kDistractor);
    else Filler(d);
  }
}

void IndexSection(Doc& d, Ind ind, bool rich) {
  if (ind == kDti && d.year() < 2020) ind = kPci;  // DTI is published from 2020 on
  d.ind = ind;
  Paragraph(d);
  EmitOne(d, kIndexMain);
  // Components follow the index sentence in its paragraph (which names index,
  // unit and year); averages and other units come after them, so that the
  // unit a component belongs to is never in doubt.
  if (rich && d.r.Chance(60)) {
    d.out += ' ';
    EmitOne(d, kIndexComponents);
  }
  if (rich && d.r.Chance(50)) {
    d.out += ' ';
    EmitOne(d, kIndexAggregate);
  }
  if (rich && ind == kPar && d.unit().region >= 0 && d.r.Chance(40)) {
    d.out += ' ';
    EmitOne(d, kIndexOther);
  }
  if (d.r.Chance(40)) {
    d.out += ' ';
    EmitOne(d, kIndexTail);
  }
}

void ProcedureSection(Doc& d, bool merged, bool rich) {
  Paragraph(d);
  if (merged) EmitOne(d, kProcTotal2025); else EmitOne(d, kProcTotal);
  if (rich && !merged && d.r.Chance(50)) {
    d.out += ' ';
    EmitOne(d, kProcChange);
  }
  d.out += ' ';
  EmitOne(d, kProcOnline);
  if (rich) {
    Paragraph(d);
    EmitOne(d, kProcCut);
  }
}

void DossierSection(Doc& d, bool merged, bool rich) {
  Paragraph(d);
  EmitOne(d, kDossier);
  if (d.r.Chance(60)) {
    d.out += ' ';
    EmitOne(d, kDossierOnline);
  }
  if (rich && !merged && d.r.Chance(50)) {
    d.out += ' ';  // same paragraph: its year governs the level figures
    EmitOne(d, kDossierLevels);
  }
}

void NationalSection(Doc& d, Ind ind, bool rich) {
  d.ind = ind;
  Paragraph(d);
  EmitOne(d, kNationalAvg);
  d.out += ' ';
  EmitOne(d, kNationalLead);
  if (rich) {
    d.out += ' ';
    EmitOne(d, kNationalMore);
    d.out += ' ';
    EmitOne(d, kNationalBottom);
  }
}

void MinistrySection(Doc& d, bool rich) {
  d.ind = kPar;
  Paragraph(d);
  EmitOne(d, kMinistryLead);
  d.out += ' ';
  EmitOne(d, kMinistryAvg);
  if (rich) {
    d.out += ' ';
    EmitOne(d, kMinistryMore);
  }
}

std::string DateLine(Rng& r, int y, int month_lo, int month_hi, int* month, int* day) {
  *month = r.Range(month_lo, month_hi);
  *day = r.Range(1, 28);
  std::string s;
  switch (r.Below(3)) {
    case 0:
      s = std::string(r.Pick(kWeekdays)) + ", " + std::to_string(*day) + "/" + std::to_string(*month) + "/" +
          std::to_string(y) + " - " + std::to_string(r.Range(7, 21)) + ":" + std::to_string(r.Range(10, 59));
      break;
    case 1:
      s = (*day < 10 ? "0" : "") + std::to_string(*day) + "/" + (*month < 10 ? "0" : "") + std::to_string(*month) +
          "/" + std::to_string(y) + " " + std::to_string(r.Range(7, 21)) + ":" + std::to_string(r.Range(10, 59));
      break;
    default:
      s = "Cập nhật ngày " + std::to_string(*day) + "/" + std::to_string(*month) + "/" + std::to_string(y);
  }
  return s;
}

std::string Iso(int y, int m, int d) {
  char b[16];
  std::snprintf(b, sizeof b, "%04d-%02d-%02d", y, m, d);
  return b;
}

enum DocKind {
  kProvinceIndex, kProvinceOther, kProvinceProcedures, kNational, kMinistryRanking, kDdciDoc, kShortNote, kNoFigures
};

DocKind PickKind(Rng& r) {
  int x = r.Range(0, 99);
  if (x < 24) return kProvinceIndex;
  if (x < 42) return kProvinceOther;
  if (x < 66) return kProvinceProcedures;
  if (x < 73) return kNational;
  if (x < 78) return kMinistryRanking;
  if (x < 83) return kDdciDoc;
  if (x < 94) return kShortNote;
  return kNoFigures;
}

}  // namespace

std::string_view EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kUtf8: return "utf8";
    case Encoding::kUtf8Bom: return "utf8-bom";
    case Encoding::kUtf16le: return "utf16le";
    case Encoding::kWindows1258: return "windows-1258";
    case Encoding::kTcvn3: return "tcvn3";
    case Encoding::kVni: return "vni";
    case Encoding::kHtml: return "html";
  }
  return "?";
}

bool ParseEncodings(std::string_view list, std::vector<Encoding>* out, std::string* error) {
  out->clear();
  size_t i = 0;
  while (i <= list.size()) {
    size_t j = list.find(',', i);
    if (j == std::string_view::npos) j = list.size();
    std::string_view name = list.substr(i, j - i);
    bool found = false;
    for (Encoding e : {Encoding::kUtf8, Encoding::kUtf8Bom, Encoding::kUtf16le, Encoding::kWindows1258,
                       Encoding::kTcvn3, Encoding::kVni, Encoding::kHtml}) {
      if (EncodingName(e) == name) {
        out->push_back(e);
        found = true;
      }
    }
    if (!found) {
      *error = "unknown encoding '" + std::string(name) +
               "' (known: utf8, utf8-bom, utf16le, windows-1258, tcvn3, vni, html)";
      return false;
    }
    i = j + 1;
  }
  return true;
}

bool ParseSizeMix(std::string_view name, SizeMix* out) {
  if (name == "small") *out = SizeMix::kSmall;
  else if (name == "mixed") *out = SizeMix::kMixed;
  else if (name == "large") *out = SizeMix::kLarge;
  else return false;
  return true;
}

void GenerateDocument(const GenOptions& options, int64_t index, GeneratedDoc* out) {
  // Each document has its own stream, so documents can be made in any order.
  Rng seeder(options.seed ^ (static_cast<uint64_t>(index) * 0xD1B54A32D192ED03ull));
  Rng r(seeder.Next());

  out->encoding = options.encodings[static_cast<size_t>(index) % options.encodings.size()];
  char id[64];
  std::snprintf(id, sizeof id, "%03lld/%06lld.%s", static_cast<long long>(index / options.docs_per_folder),
                static_cast<long long>(index), out->encoding == Encoding::kHtml ? "html" : "txt");
  out->id = id;

  // Size: 0 short, 1 medium, 2 long.
  int size = 0;
  switch (options.size) {
    case SizeMix::kSmall: size = 0; break;
    case SizeMix::kLarge: size = 2; break;
    case SizeMix::kMixed: {
      int x = r.Range(0, 99);
      size = x < 35 ? 0 : x < 80 ? 1 : 2;
    }
  }
  DocKind kind = PickKind(r);
  int year = r.Range(2018, 2024);
  bool merged = false;
  if (kind == kProvinceProcedures && r.Chance(20)) {
    year = 2025;
    merged = true;
  }
  const Unit* units = merged ? kUnits34 : kind == kMinistryRanking ? kMinistries : kUnits63;
  int n_units = merged ? 34 : kind == kMinistryRanking ? 17 : 63;
  int unit = r.Range(0, n_units - 1);
  Doc d(r, units, n_units, unit, year);
  d.national = kind == kNational || kind == kMinistryRanking;
  d.ministries = kind == kMinistryRanking;

  // Publication date: index results come out the next spring; reports on
  // procedures at the end of their year or early the next.
  int pub_year = year + 1, m_lo = 3, m_hi = 6;
  if (kind == kProvinceProcedures || kind == kNoFigures) {
    pub_year = merged ? 2025 : year;
    m_lo = merged ? 9 : 10;
    m_hi = 12;
  }
  int month = 0, day = 0;
  std::string dateline = DateLine(r, pub_year, m_lo, m_hi, &month, &day);
  d.pub_year = pub_year;
  d.pub_month = month;
  d.pub_day = day;

  // Header boilerplate (not part of an HTML page's article).
  std::string header;
  const std::string own = std::string(units[unit].city ? "thành phố " : "tỉnh ") + units[unit].name;
  switch (r.Below(3)) {
    case 0: header = "Trang chủ | Thời sự | Chính trị | Kinh tế | Xã hội | Văn hóa | Thể thao\n"; break;
    case 1: header = "Thời sự | Kinh tế | Xã hội | Pháp luật | Văn hóa\n"; break;
    default: header = "Trang chủ | Tin tức - Sự kiện | Cải cách hành chính | Chuyển đổi số\n";
  }
  if (d.national) header += "Báo điện tử Chính phủ";
  else if (r.Chance(50)) header += "Cổng thông tin điện tử " + own;
  else header += std::string("Báo ") + units[unit].name + " điện tử";

  // Title: written as its own paragraph, figures in it are gold like any other.
  Ind main_ind = kPar;
  switch (kind) {
    case kProvinceIndex: main_ind = r.Chance(70) ? kPar : kSipas; break;
    case kProvinceOther:
      main_ind = static_cast<Ind>(kPapi + r.Below(3));
      if (main_ind == kDti && year < 2020) main_ind = kPci;
      break;
    case kNational:
    case kShortNote:
      main_ind = static_cast<Ind>(r.Below(5));
      if (main_ind == kDti && year < 2020) main_ind = kPci;
      break;
    default: break;
  }
  if (main_ind == kDti && year < 2020) main_ind = kPci;  // DTI is published from 2020 on
  d.ind = main_ind;
  std::string title;
  {
    std::string saved;
    std::swap(saved, d.out);
    switch (kind) {
      case kProvinceIndex:
      case kProvinceOther:
        if (r.Chance(50)) Emit(d, "{IND} năm {Y} của {P} {RC}, {R}");
        else Emit(d, "{P}: Công bố kết quả {IND} năm {Y}");
        break;
      case kProvinceProcedures:
        Emit(d, r.Chance(50) ? "{P}: Kết quả giải quyết thủ tục hành chính năm {Y}"
                             : "{P} đẩy mạnh cải cách thủ tục hành chính, nâng cao chất lượng phục vụ");
        break;
      case kMinistryRanking:
        Emit(d, r.Chance(50) ? "Công bố Chỉ số CCHC năm {Y} của các bộ, cơ quan ngang bộ: {L1} dẫn đầu{!L1}"
                             : "Chỉ số cải cách hành chính năm {Y} của các bộ, ngành có nhiều chuyển biến");
        break;
      case kNational:
        if (r.Chance(50)) Emit(d, "Công bố {IND} năm {Y}: {L1} dẫn đầu{!L1}");
        else Emit(d, "Công bố kết quả {IND} năm {Y} của các tỉnh, thành phố");
        break;
      case kDdciDoc:
        Emit(d, "Công bố Chỉ số DDCI {TP} năm {Y}");
        break;
      case kShortNote:
        Emit(d, "{P}: {IND} năm {Y} có nhiều chuyển biến");
        break;
      case kNoFigures:
        Emit(d, "{P} tổ chức hội nghị triển khai nhiệm vụ cải cách hành chính năm {Y}");
        break;
    }
    title = d.out;
    d.out = std::move(saved);
  }

  // Lead.
  d.out.clear();
  if (kind == kMinistryRanking) {
    Emit(d, "Ngày {DATE}, Ban Chỉ đạo cải cách hành chính của Chính phủ tổ chức hội nghị công bố Chỉ số cải cách "
            "hành chính năm {Y} của các bộ, cơ quan ngang bộ và Ủy ban nhân dân các tỉnh, thành phố.");
  } else if (kind == kNational) {
    Emit(d, "Ngày {DATE}, cơ quan chủ trì đã công bố {IND} năm {Y}. Kết quả được tổng hợp từ ý kiến của hàng "
            "chục nghìn người dân, doanh nghiệp trên cả nước.");
  } else if (kind == kProvinceProcedures) {
    Emit(d, "Năm {Y}, công tác cải cách thủ tục hành chính trên địa bàn {TP} tiếp tục được quan tâm chỉ đạo.");
  } else {
    Emit(d, "Chiều {DATE}, UBND {TP} tổ chức hội nghị quán triệt kết quả các chỉ số đánh giá năm {Y}.");
  }
  // Figure sections.
  bool rich = size > 0;
  int sections = size == 0 ? 1 : size == 1 ? r.Range(2, 3) : r.Range(4, 7);
  for (int s = 0; s < sections; ++s) {
    if (s > 0 && !d.national && r.Chance(size == 2 ? 70 : 40)) FillerParagraph(d, r.Range(1, size == 2 ? 4 : 2));
    switch (kind) {
      case kProvinceIndex:
        if (s == 0) IndexSection(d, main_ind, rich);
        else if (s == 1) IndexSection(d, main_ind == kPar ? kSipas : kPar, rich);
        else if (s == 2 || s == 3) IndexSection(d, static_cast<Ind>(kPapi + r.Below(3)), rich);
        else if (s == 4) ProcedureSection(d, false, rich);
        else if (s == 5) DossierSection(d, false, rich);
        break;
      case kProvinceOther:
        if (s == 0) IndexSection(d, main_ind, rich);
        else if (s < 3) IndexSection(d, static_cast<Ind>(kPapi + (main_ind - kPapi + s) % 3), rich);
        else if (s == 3) IndexSection(d, kPar, rich);
        else if (s == 4) DossierSection(d, false, rich);
        break;
      case kProvinceProcedures:
        if (s % 2 == 0 && s < 3) ProcedureSection(d, merged, rich);
        else if (s < 3) DossierSection(d, merged, rich);
        break;
      case kNational:
        if (s == 0) NationalSection(d, main_ind, rich);
        break;
      case kMinistryRanking:
        if (s == 0) MinistrySection(d, rich);
        break;
      case kDdciDoc:
        if (s == 0) {
          Paragraph(d);
          EmitOne(d, kDdciMain);
        } else if (s == 1) {
          IndexSection(d, kPci, rich);
        }
        break;
      case kShortNote:
        if (s == 0) {
          d.ind = main_ind;
          Paragraph(d);
          Emit(d, r.Chance(50) ? "Năm {Y}, {IND} của {TP} đạt {S}." : "Theo kết quả công bố, {TP} {R} về {IND} năm {Y}.");
        }
        break;
      case kNoFigures:
        FillerParagraph(d, r.Range(2, 4));
        break;
    }
  }
  // Always at least one distractor paragraph.
  Paragraph(d);
  if (d.national) {
    EmitOne(d, kNationalFiller);
  } else {
    EmitOne(d, kDistractor);
    d.out += ' ';
    Filler(d);
  }

  std::string footer = "\n\n";
  footer += r.Pick(kAuthors);
  if (r.Chance(50)) footer += "\n\nTin liên quan\n- Hội nghị trực tuyến về chuyển đổi số năm " + std::to_string(pub_year);
  {
    std::string saved;
    std::swap(saved, d.out);
    Emit(d, "\nLượt xem: " + Vn(r.Range(120, 9999), 0) + "\nĐường dây nóng: {PHONE}");
    footer += d.out;
    d.out = std::move(saved);
  }

  out->title = title;
  out->text = header + "\n\n" + title + "\n\n" + dateline + "\n\n" + d.out + footer + "\n";
  out->figures = d.figures;

  std::string& g = out->gold_line;
  g.clear();
  g += "{\"doc\": ";
  AppendJsonString(&g, out->id);
  g += ", \"subject\": ";
  if (d.national) {
    g += "null";
  } else {
    g += "{\"kind\": \"province\", \"name\": ";
    AppendJsonString(&g, units[unit].name);
    g += "}";
  }
  g += ", \"date\": \"" + Iso(pub_year, month, day) + "\", \"figures\": [";
  g += d.gold;
  g += "]}";
}

// ---------------------------------------------------------------------------
// Encoders

struct DocumentEncoder::Impl {
  UConverter* cp1258 = nullptr;
  std::vector<std::string> table;  // windows-1258 bytes of U+0000..U+1EFF
  const icu::Normalizer2* nfd = nullptr;
  const icu::Normalizer2* nfc = nullptr;
  std::string error;
  ~Impl() {
    if (cp1258) ucnv_close(cp1258);
  }
};

DocumentEncoder::DocumentEncoder() : impl_(std::make_unique<Impl>()) {
  UErrorCode st = U_ZERO_ERROR;
  impl_->cp1258 = ucnv_open("windows-1258", &st);
  if (U_FAILURE(st)) {
    impl_->cp1258 = nullptr;
    impl_->error = std::string("ICU has no windows-1258 converter: ") + u_errorName(st);
  }
  st = U_ZERO_ERROR;
  impl_->nfd = icu::Normalizer2::getNFDInstance(st);
  impl_->nfc = icu::Normalizer2::getNFCInstance(st);
  if (U_FAILURE(st)) impl_->error = std::string("ICU normalizer: ") + u_errorName(st);
}

DocumentEncoder::~DocumentEncoder() = default;

namespace {

bool IsToneMark(UChar32 c) { return c == 0x300 || c == 0x301 || c == 0x303 || c == 0x309 || c == 0x323; }

// Windows-1258 spells Vietnamese as base letters (with circumflex, breve or
// horn precomposed: â ê ô ă ơ ư) followed by a combining tone mark.
icu::UnicodeString To1258Form(const icu::UnicodeString& nfd, const icu::Normalizer2& nfc) {
  icu::UnicodeString out;
  UChar32 base = -1;
  UChar32 tones[4];
  int nt = 0;
  auto flush = [&] {
    if (base >= 0) out.append(base);
    for (int i = 0; i < nt; ++i) out.append(tones[i]);
    base = -1;
    nt = 0;
  };
  for (int32_t i = 0; i < nfd.length();) {
    UChar32 c = nfd.char32At(i);
    i += U16_LENGTH(c);
    if (nfc.getCombiningClass(c) == 0) {
      flush();
      base = c;
    } else if (IsToneMark(c) && nt < 4) {
      tones[nt++] = c;
    } else {
      UChar32 composed = base >= 0 ? nfc.composePair(base, c) : -1;
      if (composed >= 0) {
        base = composed;
      } else {
        flush();
        out.append(c);
      }
    }
  }
  flush();
  return out;
}

// `u` (any normalization) as windows-1258 bytes: NFD, recomposed to the
// 1258 form, converted with ICU (unmappable -> SUB).
bool Convert1258(UConverter* cnv, const icu::Normalizer2& nfd, const icu::Normalizer2& nfc,
                 const icu::UnicodeString& u, std::string* out, std::string* error) {
  UErrorCode st = U_ZERO_ERROR;
  icu::UnicodeString d = nfd.normalize(u, st);
  icu::UnicodeString w = To1258Form(d, nfc);
  out->resize(static_cast<size_t>(w.length()) * 2 + 16);
  int32_t n = ucnv_fromUChars(cnv, out->data(), static_cast<int32_t>(out->size()), w.getBuffer(),
                              w.length(), &st);
  if (U_FAILURE(st)) {
    *error = std::string("windows-1258 conversion failed: ") + u_errorName(st);
    return false;
  }
  out->resize(static_cast<size_t>(n));
  return true;
}

void AppendHtmlEscaped(std::string* out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&': *out += "&amp;"; break;
      case '<': *out += "&lt;"; break;
      case '>': *out += "&gt;"; break;
      default: out->push_back(c);
    }
  }
}

}  // namespace

bool DocumentEncoder::EncodeText(std::string_view utf8, Encoding e, std::string* bytes, std::string* error) {
  bytes->clear();
  switch (e) {
    case Encoding::kUtf8:
    case Encoding::kHtml:
      bytes->assign(utf8);
      return true;
    case Encoding::kUtf8Bom:
      *bytes = "\xEF\xBB\xBF";
      bytes->append(utf8);
      return true;
    case Encoding::kTcvn3:
      *bytes = EncodeTcvn3(utf8);
      return true;
    case Encoding::kVni:
      *bytes = EncodeVni(utf8);
      return true;
    case Encoding::kUtf16le: {
      // The text is valid UTF-8 (the generator's own), so a plain loop does.
      bytes->reserve(2 + 2 * utf8.size());
      *bytes = "\xFF\xFE";
      auto unit = [&](uint32_t c) {
        bytes->push_back(static_cast<char>(c & 0xFF));
        bytes->push_back(static_cast<char>(c >> 8));
      };
      for (size_t i = 0; i < utf8.size();) {
        UChar32 c;
        U8_NEXT_OR_FFFD(utf8.data(), i, utf8.size(), c);
        if (c > 0xFFFF) {
          unit(U16_LEAD(c));
          unit(U16_TRAIL(c));
        } else {
          unit(static_cast<uint32_t>(c));
        }
      }
      return true;
    }
    case Encoding::kWindows1258: {
      if (!impl_->cp1258 || !impl_->nfd) {
        *error = impl_->error;
        return false;
      }
      // Code points below U+1F00 (all of Vietnamese) go through a table built
      // with ICU on first use; anything else through ICU directly.
      if (impl_->table.empty()) {
        impl_->table.resize(0x1F00);
        for (UChar32 c = 1; c < 0x1F00; ++c) {
          if (U_IS_SURROGATE(c)) continue;
          std::string one;
          if (!Convert1258(impl_->cp1258, *impl_->nfd, *impl_->nfc, icu::UnicodeString(c), &one, error)) return false;
          impl_->table[static_cast<size_t>(c)] = std::move(one);
        }
      }
      bytes->reserve(utf8.size());
      for (size_t i = 0; i < utf8.size();) {
        size_t start = i;
        UChar32 c;
        U8_NEXT_OR_FFFD(utf8.data(), i, utf8.size(), c);
        if (c < 0x80) {
          bytes->push_back(static_cast<char>(c));
        } else if (c < 0x1F00 && !U_IS_SURROGATE(c)) {
          *bytes += impl_->table[static_cast<size_t>(c)];
        } else {
          std::string one;
          if (!Convert1258(impl_->cp1258, *impl_->nfd, *impl_->nfc, icu::UnicodeString::fromUTF8(utf8.substr(start, i - start)), &one, error)) {
            return false;
          }
          *bytes += one;
        }
      }
      return true;
    }
  }
  *error = "unknown encoding";
  return false;
}

bool DocumentEncoder::Encode(const GeneratedDoc& doc, std::string* bytes, std::string* error) {
  if (doc.encoding != Encoding::kHtml) return EncodeText(doc.text, doc.encoding, bytes, error);
  // A web page: the menu and portal lines in <nav>, the title in <title> and
  // <h1>, every other paragraph in <article>, the footer in <footer>.
  std::string& h = *bytes;
  h.clear();
  h += "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n<title>";
  AppendHtmlEscaped(&h, doc.title);
  h += "</title>\n</head>\n<body>\n<nav class=\"menu\">";
  std::string_view text = doc.text;
  size_t title_at = text.find("\n\n" + doc.title + "\n\n");
  std::string_view head = title_at == std::string_view::npos ? std::string_view() : text.substr(0, title_at);
  std::string_view body = title_at == std::string_view::npos ? text : text.substr(title_at + doc.title.size() + 4);
  AppendHtmlEscaped(&h, head);
  h += "</nav>\n<article>\n<h1>";
  AppendHtmlEscaped(&h, doc.title);
  h += "</h1>\n";
  size_t i = 0;
  while (i < body.size()) {
    size_t j = body.find("\n\n", i);
    if (j == std::string_view::npos) j = body.size();
    std::string_view p = body.substr(i, j - i);
    while (!p.empty() && p.back() == '\n') p.remove_suffix(1);
    if (!p.empty()) {
      h += "<p>";
      AppendHtmlEscaped(&h, p);
      h += "</p>\n";
    }
    i = j + 2;
  }
  h += "</article>\n</body>\n</html>\n";
  return true;
}

// ---------------------------------------------------------------------------
// Writer

namespace {

Status WriteAll(const std::string& path, std::string_view data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Error(path + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return Status::Error(path + ": " + std::strerror(e));
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) return Status::Error(path + ": " + std::strerror(errno));
  return Status::OK();
}

Status AppendFd(int fd, const std::string& path, std::string_view data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::Error(path + ": " + std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  return Status::OK();
}

Status MakeDir(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) return Status::Error(path + ": " + std::strerror(errno));
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return Status::Error(path + ": not a directory");
  return Status::OK();
}

}  // namespace

Status WriteCorpus(const GenOptions& options, const std::string& dir, GenStats* stats) {
  if (options.encodings.empty()) return Status::Error("no encodings given");
  if (options.docs_per_folder <= 0) return Status::Error("docs_per_folder must be positive");
  if (options.docs < 0) return Status::Error("docs must not be negative");
  auto t0 = std::chrono::steady_clock::now();
  // Create `dir` and its parents.
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i == dir.size() || dir[i] == '/') {
      Status s = MakeDir(dir.substr(0, i));
      if (!s.ok()) return s;
    }
  }
  const std::string gold_path = dir + "/gold.jsonl";
  int gold_fd = ::open(gold_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (gold_fd < 0) return Status::Error(gold_path + ": " + std::strerror(errno));

  // Folders are the unit of work. Workers take them in order; this thread
  // appends each folder's gold lines as soon as it and all before it are
  // done, so gold.jsonl is in document order for any job count and at most
  // a few folders' gold are held in memory.
  const int64_t folders = (options.docs + options.docs_per_folder - 1) / options.docs_per_folder;
  const int jobs = std::max(1, std::min<int>(options.jobs, 64));
  struct Slot {
    bool done = false;
    std::string gold;
    GenStats st;
  };
  std::mutex mu;
  std::condition_variable cv;
  std::map<int64_t, Slot> slots;
  int64_t next = 0, written = 0;
  Status error;
  auto work = [&] {
    DocumentEncoder enc;
    GeneratedDoc doc;
    std::string bytes, err;
    for (;;) {
      int64_t f;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return !error.ok() || next >= folders || next < written + 2 * jobs; });
        if (!error.ok() || next >= folders) return;
        f = next++;
      }
      Slot slot;
      char name[32];
      std::snprintf(name, sizeof name, "/%03lld", static_cast<long long>(f));
      Status s = MakeDir(dir + name);
      int64_t end = std::min(options.docs, (f + 1) * options.docs_per_folder);
      for (int64_t i = f * options.docs_per_folder; s.ok() && i < end; ++i) {
        GenerateDocument(options, i, &doc);
        if (!enc.Encode(doc, &bytes, &err)) {
          s = Status::Error(doc.id + ": " + err);
          break;
        }
        s = WriteAll(dir + "/" + doc.id, bytes);
        slot.gold += doc.gold_line;
        slot.gold += '\n';
        slot.st.docs++;
        slot.st.figures += doc.figures;
        slot.st.bytes += static_cast<int64_t>(bytes.size());
      }
      std::lock_guard<std::mutex> lock(mu);
      if (!s.ok() && error.ok()) error = s;
      slot.done = true;
      slots[f] = std::move(slot);
      cv.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (int j = 0; j < jobs; ++j) threads.emplace_back(work);

  GenStats st;
  for (;;) {
    Slot slot;
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return !error.ok() || written >= folders || slots.count(written); });
      if (!error.ok() || written >= folders) break;
      slot = std::move(slots[written]);
      slots.erase(written);
    }
    Status s = AppendFd(gold_fd, gold_path, slot.gold);
    std::lock_guard<std::mutex> lock(mu);
    if (!s.ok() && error.ok()) error = s;
    st.docs += slot.st.docs;
    st.figures += slot.st.figures;
    st.bytes += slot.st.bytes;
    ++written;
    cv.notify_all();
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    if (error.ok() && written < folders) error = Status::Error("generation stopped early");
    cv.notify_all();
  }
  for (std::thread& t : threads) t.join();
  if (::close(gold_fd) != 0 && error.ok()) error = Status::Error(gold_path + ": " + std::strerror(errno));
  if (!error.ok()) return error;
  st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (stats) *stats = st;
  return Status::OK();
}

}  // namespace chiso::gen
