#include "extract/gazetteer.h"

#include <gtest/gtest.h>

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/fold.h"
#include "corpus/gen/generator.h"
#include "tests/corpus_files.h"

namespace chiso {
namespace {

const Gazetteer& Gaz() {
  static const Gazetteer* gaz = [] {
    std::unique_ptr<Gazetteer> g;
    Status s = Gazetteer::Load(CHISO_SOURCE_DIR "/extract/gazetteers", &g);
    EXPECT_TRUE(s.ok()) << s.message();
    return g.release();
  }();
  return *gaz;
}

// "id=surface" for every mention, joined with " | ".
std::string Describe(std::string_view text) {
  std::string out;
  for (const Mention& m : Gaz().FindAll(text)) {
    if (!out.empty()) out += " | ";
    out += m.entity->id + "=" + std::string(text.substr(m.begin, m.end - m.begin));
  }
  return out;
}

TEST(GazetteerData, LoadsRealData) { ASSERT_NE(Gaz().ById("an-giang"), nullptr); }

TEST(GazetteerData, ProvinceCountsBeforeAndAfterTheMerger) {
  auto count_on = [](std::string_view date) {
    int n = 0;
    for (const Entity* e : Gaz().All(EntityKind::kProvince)) n += e->ValidOnDate(date);
    return n;
  };
  EXPECT_EQ(count_on("2024-12-31"), 63);
  EXPECT_EQ(count_on("2025-06-30"), 63);
  EXPECT_EQ(count_on("2025-07-01"), 34);
  EXPECT_EQ(Gaz().ValidOn("ha-noi", 2025)->id, "ha-noi");
  int cities = 0;
  for (const Entity* e : Gaz().All(EntityKind::kProvince)) {
    cities += e->ValidOnDate("2025-07-01") && e->subkind == "city";
  }
  EXPECT_EQ(cities, 6);
}

TEST(GazetteerData, RegionsPartitionThe63Provinces) {
  std::vector<const Entity*> regions = Gaz().All(EntityKind::kRegion);
  ASSERT_EQ(regions.size(), 6u);
  std::map<std::string, int> want = {
      {"trung-du-va-mien-nui-phia-bac", 14}, {"dong-bang-song-hong", 11},
      {"bac-trung-bo-va-duyen-hai-mien-trung", 14}, {"tay-nguyen", 5},
      {"dong-nam-bo", 6}, {"dong-bang-song-cuu-long", 13}};
  int sum = 0;
  std::set<const Entity*> seen;
  for (const Entity* r : regions) {
    std::vector<const Entity*> members = Gaz().RegionMembers(r->id, 2024);
    EXPECT_EQ(static_cast<int>(members.size()), want[r->id]) << r->id;
    EXPECT_EQ(r->member_count, want[r->id]) << r->id;
    sum += static_cast<int>(members.size());
    seen.insert(members.begin(), members.end());
  }
  EXPECT_EQ(sum, 63);
  EXPECT_EQ(seen.size(), 63u);
  EXPECT_TRUE(Gaz().RegionMembers("no-such-region", 2024).empty());
}

TEST(GazetteerData, MergerLinks) {
  const Entity* ag = Gaz().ById("an-giang-2025");
  ASSERT_NE(ag, nullptr);
  EXPECT_EQ(ag->name, "An Giang");
  EXPECT_EQ(ag->valid_from, "2025-07-01");
  EXPECT_EQ(ag->predecessors, (std::vector<std::string>{"an-giang", "kien-giang"}));
  EXPECT_EQ(Gaz().ValidOn("an-giang", 2026)->id, "an-giang-2025");
  EXPECT_EQ(Gaz().ValidOn("kien-giang", 2026)->id, "an-giang-2025");
  EXPECT_EQ(Gaz().ValidOn("an-giang", 2020)->id, "an-giang");
  EXPECT_EQ(Gaz().ValidOn("an-giang-2025", 2020)->id, "an-giang");
  EXPECT_EQ(Gaz().ValidOn("thua-thien-hue", 2025)->id, "hue");
  EXPECT_EQ(Gaz().ValidOn("hue", 2019)->id, "thua-thien-hue");
  EXPECT_EQ(Gaz().ValidOn("ha-noi", 2030)->id, "ha-noi");
  EXPECT_EQ(Gaz().ValidOn("ba-ria-vung-tau", 2025)->id, "ho-chi-minh-2025");
  EXPECT_EQ(Gaz().ProvinceValidOn("ha-giang", 2026)->id, "tuyen-quang-2025");
  EXPECT_EQ(Gaz().ValidOn("nope", 2020), nullptr);
  // Ministries follow the same rules.
  EXPECT_EQ(Gaz().ValidOn("bo-ke-hoach-va-dau-tu", 2025)->id, "bo-tai-chinh-2025");
  EXPECT_EQ(Gaz().ValidOn("bo-nong-nghiep-va-moi-truong", 2020), nullptr);
  EXPECT_EQ(Gaz().ValidOn("uy-ban-dan-toc", 2025)->id, "bo-dan-toc-va-ton-giao");
  // Components carry their indicator.
  const Entity* c = Gaz().ById("PAPI.cong-khai-minh-bach");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->indicator, "PAPI");
}

TEST(GazetteerData, ComponentCounts) {
  std::map<std::string, int> n;
  for (const Entity* c : Gaz().All(EntityKind::kComponent)) ++n[c->indicator];
  EXPECT_EQ(n["PAR_INDEX"], 8);
  EXPECT_EQ(n["PAPI"], 8);
  EXPECT_EQ(n["SIPAS"], 5);
  EXPECT_EQ(n["PCI"], 10);
  EXPECT_EQ(n["DTI"], 9);
  EXPECT_EQ(Gaz().All(EntityKind::kIndicator).size(), 9u);  // the 8 contract indices + OTHER (the service index)
}

struct MatchCase {
  const char* name;
  const char* text;
  const char* want;  // Describe() output
};

class GazetteerMatch : public ::testing::TestWithParam<MatchCase> {};

TEST_P(GazetteerMatch, Finds) {
  EXPECT_EQ(Describe(GetParam().text), GetParam().want) << GetParam().text;
}

const MatchCase kMatchCases[] = {
    // Diacritics and case.
    {"accented", "tỉnh Hà Giang", "ha-giang=Hà Giang"},
    {"unaccented", "tinh Ha Giang", "ha-giang=Ha Giang"},
    {"upper", "TỈNH HÀ GIANG", "ha-giang=HÀ GIANG"},
    {"upper_unaccented", "HA GIANG", "ha-giang=HA GIANG"},
    {"ha_nam_is_not_ha_noi", "Hà Nam và Hà Nội", "ha-nam=Hà Nam | ha-noi=Hà Nội"},
    {"wrong_diacritics", "sông Kiến Giang", ""},
    {"tone_old", "Khánh Hòa", "khanh-hoa=Khánh Hòa"},
    {"tone_new", "Khánh Hoà", "khanh-hoa=Khánh Hoà"},
    {"tone_new_thanh_hoa", "THANH HOÁ", "thanh-hoa=THANH HOÁ"},
    {"nfd_input", "Kha\u0301nh Hoa\u0300.", "khanh-hoa=Kha\u0301nh Hoa\u0300"},
    {"lowercase_common_word", "giữ gìn hòa bình, thái bình", ""},
    {"sentence_case_not_name", "Hòa bình là khát vọng", ""},
    {"capitalised_province", "tỉnh Hòa Bình", "hoa-binh=Hòa Bình"},
    // Variants.
    {"thua_thien_hyphen", "Thừa Thiên-Huế", "thua-thien-hue=Thừa Thiên-Huế"},
    {"thua_thien_spaced", "Thừa Thiên - Huế", "thua-thien-hue=Thừa Thiên - Huế"},
    {"hue_alone", "Huế", "thua-thien-hue=Huế"},
    {"tphcm", "TP.HCM đứng đầu", "ho-chi-minh=TP.HCM"},
    {"tphcm_variants", "TPHCM, TP HCM, Tp.HCM, TP. Hồ Chí Minh",
     "ho-chi-minh=TPHCM | ho-chi-minh=TP HCM | ho-chi-minh=Tp.HCM | ho-chi-minh=TP. Hồ Chí Minh"},
    {"sai_gon", "Sài Gòn", "ho-chi-minh=Sài Gòn"},
    {"brvt", "BR-VT", "ba-ria-vung-tau=BR-VT"},
    {"ba_ria_one_mention", "tỉnh Bà Rịa - Vũng Tàu", "ba-ria-vung-tau=Bà Rịa - Vũng Tàu"},
    {"ba_ria_en_dash", "Bà Rịa – Vũng Tàu", "ba-ria-vung-tau=Bà Rịa – Vũng Tàu"},
    {"dak_lak_variants", "Đắk Lắk, Đăk Lăk, Đắc Lắc, Dak Lak",
     "dak-lak=Đắk Lắk | dak-lak=Đăk Lăk | dak-lak=Đắc Lắc | dak-lak=Dak Lak"},
    {"dak_nong", "Đăk Nông", "dak-nong=Đăk Nông"},
    {"kontum", "Kontum và Kon Tum", "kon-tum=Kontum | kon-tum=Kon Tum"},
    {"hoa_binh_old_tone", "Hoà Bình", "hoa-binh=Hoà Bình"},
    {"bac_can", "Bắc Cạn", "bac-kan=Bắc Cạn"},
    {"line_break_inside_name", "Quảng\nNgãi", "quang-ngai=Quảng\nNgãi"},
    // Exclusions: people, other places.
    {"president_ho", "Chủ tịch Hồ Chí Minh", ""},
    {"uncle_ho", "Bác Hồ Chí Minh", ""},
    {"ho_thought", "học tập tư tưởng Hồ Chí Minh", ""},
    {"youth_union", "Đoàn TNCS Hồ Chí Minh", ""},
    {"city_after_person", "Chủ tịch Hồ Chí Minh và TP Hồ Chí Minh",
     "ho-chi-minh=TP Hồ Chí Minh"},
    {"dien_bien_phu", "chiến thắng Điện Biên Phủ, tỉnh Điện Biên", "dien-bien=Điện Biên"},
    {"pacific", "Thái Bình Dương", ""},
    // Regression: Deputy PM Trương Hòa Bình was read as Hòa Bình province.
    {"person_name", "Phó Thủ tướng Trương Hòa Bình phát biểu", ""},
    {"person_name_unaccented", "ong Nguyen Thai Binh", ""},
    {"surname_after_comma_is_list", "Trương, Hòa Bình", "hoa-binh=Hòa Bình"},
    {"lowercase_word_before", "tỉnh lê Hòa Bình", "hoa-binh=Hòa Bình"},
    // Ministries.
    {"ministry_full", "Bộ Giáo dục và Đào tạo", "bo-giao-duc-va-dao-tao=Bộ Giáo dục và Đào tạo"},
    {"ministry_gddt", "Bộ GD&ĐT", "bo-giao-duc-va-dao-tao=Bộ GD&ĐT"},
    {"ministry_gddt_no_amp", "Bộ GDĐT", "bo-giao-duc-va-dao-tao=Bộ GDĐT"},
    {"ministry_khdt", "Bộ KH&ĐT và Bộ TT&TT",
     "bo-ke-hoach-va-dau-tu=Bộ KH&ĐT | bo-thong-tin-va-truyen-thong=Bộ TT&TT"},
    {"ministry_ldtbxh", "Bộ LĐ-TB&XH", "bo-lao-dong-thuong-binh-va-xa-hoi=Bộ LĐ-TB&XH"},
    {"ministry_nnptnt", "Bộ NN&PTNT", "bo-nong-nghiep-va-phat-trien-nong-thon=Bộ NN&PTNT"},
    {"ministry_gtvt_tnmt", "Bộ GTVT, Bộ TN&MT",
     "bo-giao-thong-van-tai=Bộ GTVT | bo-tai-nguyen-va-moi-truong=Bộ TN&MT"},
    {"ministry_vhttdl", "Bộ VHTTDL", "bo-van-hoa-the-thao-va-du-lich=Bộ VHTTDL"},
    {"nhnn", "NHNN và Ngân hàng Nhà nước",
     "ngan-hang-nha-nuoc-viet-nam=NHNN | ngan-hang-nha-nuoc-viet-nam=Ngân hàng Nhà nước"},
    {"shared_name_is_former", "Bộ Tài chính", "bo-tai-chinh=Bộ Tài chính"},
    {"new_ministry", "Bộ Nông nghiệp và Môi trường",
     "bo-nong-nghiep-va-moi-truong=Bộ Nông nghiệp và Môi trường"},
    {"ministry_lowercase", "bộ tài chính", ""},
    {"uy_ban_old_tone", "Uỷ ban Dân tộc", "uy-ban-dan-toc=Uỷ ban Dân tộc"},
    // Regions.
    {"dbscl", "vùng ĐBSCL", "dong-bang-song-cuu-long=ĐBSCL"},
    {"dbscl_words", "vùng đồng bằng sông Cửu Long", "dong-bang-song-cuu-long=đồng bằng sông Cửu Long"},
    {"tdmnpb_short", "Trung du miền núi phía Bắc",
     "trung-du-va-mien-nui-phia-bac=Trung du miền núi phía Bắc"},
    {"mien_tay_not_region", "các tỉnh miền Tây", ""},
    {"tay_nguyen", "Tây Nguyên", "tay-nguyen=Tây Nguyên"},
    // Indicators.
    {"par_index", "Chỉ số PAR INDEX năm 2023", "PAR_INDEX=Chỉ số PAR INDEX"},
    {"par_index_variants", "Par index, Parindex, PAR", "PAR_INDEX=Par index | PAR_INDEX=Parindex | PAR_INDEX=PAR"},
    {"paris_not_par", "Hiệp định PARIS về khí hậu", ""},
    {"par_lowercase", "par", ""},
    {"chi_so_cchc", "Chỉ số CCHC của tỉnh", "PAR_INDEX=Chỉ số CCHC"},
    {"chi_so_cchc_lower", "chỉ số cải cách hành chính", "PAR_INDEX=chỉ số cải cách hành chính"},
    {"sipas", "Chỉ số SIPAS", "SIPAS=Chỉ số SIPAS"},
    {"sipas_long",
     "Chỉ số hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước",
     "SIPAS=Chỉ số hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà "
     "nước"},
    {"papi_long", "Chỉ số hiệu quả quản trị và hành chính công cấp tỉnh (PAPI)",
     "PAPI=Chỉ số hiệu quả quản trị và hành chính công cấp tỉnh | PAPI=PAPI"},
    {"pci", "năng lực cạnh tranh cấp tỉnh PCI", "PCI=năng lực cạnh tranh cấp tỉnh | PCI=PCI"},
    {"dti", "Chỉ số chuyển đổi số (DTI)", "DTI=Chỉ số chuyển đổi số | DTI=DTI"},
    {"chuyen_doi_so_alone", "đẩy mạnh chuyển đổi số", ""},
    {"ict", "Vietnam ICT Index", "ICT_INDEX=Vietnam ICT Index"},
    {"pgi", "Chỉ số xanh cấp tỉnh", "PGI=Chỉ số xanh cấp tỉnh"},
    // Components.
    {"component_par", "lĩnh vực Cải cách thủ tục hành chính đạt",
     "PAR_INDEX.cai-cach-thu-tuc-hanh-chinh=Cải cách thủ tục hành chính"},
    {"component_par_old_name", "Hiện đại hoá hành chính",
     "PAR_INDEX.xay-dung-va-phat-trien-chinh-phu-dien-tu-chinh-phu-so=Hiện đại hoá hành chính"},
    {"component_papi", "nội dung Công khai, minh bạch", "PAPI.cong-khai-minh-bach=Công khai, minh bạch"},
    {"component_dti", "trụ cột Chính quyền số", "DTI.chinh-quyen-so=Chính quyền số"},
    {"component_pci", "Chi phí không chính thức", "PCI.chi-phi-khong-chinh-thuc=Chi phí không chính thức"},
    // Word boundaries and neighbours.
    {"adjacent_names", "Hà Nội,Hải Phòng;Cần Thơ", "ha-noi=Hà Nội | hai-phong=Hải Phòng | can-tho=Cần Thơ"},
    {"inside_word", "XHà Giang", ""},
    // Word boundaries as RE2's \b (the matcher's former engine): '_' and
    // digits are word characters, other punctuation and non-ASCII are not.
    {"glued_after", "Hà Giangx và Hà Giang2023", ""},
    {"underscore_before", "_Hà Giang", ""},
    {"punctuation_around", "(Hà Giang)/Cao Bằng", "ha-giang=Hà Giang | cao-bang=Cao Bằng"},
    {"nbsp_and_runs_of_separators", "Hà\u00A0Giang, Bà Rịa -- Vũng Tàu", "ha-giang=Hà\u00A0Giang | ba-ria-vung-tau=Bà Rịa -- Vũng Tàu"},
    {"separator_inside_a_word_is_not_skipped", "H-à Giang", ""},
};

INSTANTIATE_TEST_SUITE_P(Cases, GazetteerMatch, ::testing::ValuesIn(kMatchCases),
                         [](const auto& info) { return std::string(info.param.name); });

// Every field of every mention, one line each.
std::string Dump(std::string_view text, const std::vector<Mention>& mentions) {
  std::string out;
  for (const Mention& m : mentions) {
    out += std::to_string(m.begin) + "-" + std::to_string(m.end) + " " + m.entity->id + " " +
           std::string(text.substr(m.begin, m.end - m.begin)) + " " +
           (m.exact_diacritics ? "E" : "-") + (m.prefixed ? "P" : "-") + (m.city_of ? "C" : "-") +
           "\n";
  }
  return out;
}

// The first column of the data rows of a gazetteer file.
std::vector<std::string> FirstColumn(const std::string& file) {
  std::ifstream in(CHISO_SOURCE_DIR "/extract/gazetteers/" + file);
  std::vector<std::string> cells;
  bool header = true;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    if (!header) cells.push_back(line.substr(0, line.find('\t')));
    header = false;
  }
  return cells;
}

// FindAll and the plain scan it replaced (FindAllReference) give the same
// mentions, field for field: on the corpora, generated documents and random
// splices of aliases, exclusions, surnames and prefixes in every case, with
// and without diacritics, decomposed, cut anywhere, among separators, digits,
// '_' and invalid bytes.
TEST(GazetteerFindAll, AgreesWithReference) {
  const Gazetteer& gaz = Gaz();
  size_t mentions = 0;
  auto check = [&](const std::string& text) {
    std::vector<Mention> fast, plain;
    gaz.FindAll(text, &fast);
    gaz.FindAllReference(text, &plain);
    EXPECT_EQ(Dump(text, fast), Dump(text, plain)) << text.substr(0, 400);
    mentions += fast.size();
    return !::testing::Test::HasFailure();
  };
  int files = testing_support::ForEachCorpusText([&](const std::string&, const std::string& text) {
    return check(text) && check(FoldVietnamese(text));
  });
  EXPECT_GT(files, 10);
  gen::GenOptions o;
  for (uint64_t seed : {7u, 11u}) {
    o.seed = seed;
    for (int64_t i = 0; i < 200 && !HasFailure(); ++i) {
      gen::GeneratedDoc g;
      gen::GenerateDocument(o, i, &g);
      check(g.text);
    }
  }
  const size_t corpus_mentions = mentions;
  EXPECT_GT(corpus_mentions, 4000u);

  std::vector<std::string> words;
  for (EntityKind kind : {EntityKind::kProvince, EntityKind::kRegion, EntityKind::kMinistry,
                          EntityKind::kIndicator, EntityKind::kComponent}) {
    for (const Entity* e : gaz.All(kind)) words.insert(words.end(), e->aliases.begin(), e->aliases.end());
  }
  for (const char* file : {"exclusions.tsv", "surnames.tsv"}) {
    for (const std::string& w : FirstColumn(file)) words.push_back(w);
  }
  ASSERT_GT(words.size(), 300u);
  for (const char* w : {"tỉnh", "Tỉnh", "thành phố", "Thành phố", "TP", "TP.", "tp", "thủ đô", "ông"}) {
    words.push_back(w);
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  ASSERT_TRUE(U_SUCCESS(status));
  const std::vector<std::string> glue = {
      " ", " ", " ", "", "-", " - ", ".", ". ", ",", ", ", "&", " & ", "\n", "\t", " – ", "—",
      "\xc2\xa0", "_", "2020", "1", "(", ")", ":", "\xff", "\xe1\xbb", "\xcc\x81", " \xcc\x80",
      "\xc1\x81", "x", "Đ", "ă", "’", "\xef\xbf\xbd"};
  std::mt19937 rng(2026);
  for (int i = 0; i < 20000 && !HasFailure(); ++i) {
    std::string text;
    const int n = 1 + static_cast<int>(rng() % 8);
    for (int k = 0; k < n; ++k) {
      std::string w = words[rng() % words.size()];
      switch (rng() % 10) {
        case 0: w = FoldVietnamese(w); break;
        case 1: {  // decomposed
          icu::UnicodeString d;
          UErrorCode s = U_ZERO_ERROR;
          nfd->normalize(icu::UnicodeString::fromUTF8(w), d, s);
          w.clear();
          d.toUTF8String(w);
          break;
        }
        case 2:
          for (char& c : w) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
          break;
        case 3:
          for (char& c : w) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
          break;
        case 4:
          for (char& c : w) {
            if (rng() % 3 == 0 && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) c ^= 0x20;
          }
          break;
        case 5: w = w.substr(0, rng() % (w.size() + 1)); break;  // may cut a code point
        case 6: w.erase(std::remove(w.begin(), w.end(), ' '), w.end()); break;  // "TPHCM"
        case 7: {  // other separators between the words
          std::string v;
          for (char c : w) v += c == ' ' ? glue[rng() % 16] : std::string(1, c);
          w = v;
          break;
        }
        default: break;
      }
      text += w;
      if (rng() % 4 != 0 || k + 1 < n) text += glue[rng() % glue.size()];
    }
    check(text);
  }
  EXPECT_GT(mentions - corpus_mentions, 10000u);
}

TEST(GazetteerFlags, PrefixAndCityOf) {
  std::string text = "thành phố Hà Giang thuộc tỉnh Hà Giang; TP. Cần Thơ; Hà Giang";
  std::vector<Mention> m = Gaz().FindAll(text);
  ASSERT_EQ(m.size(), 4u);
  EXPECT_TRUE(m[0].prefixed);
  EXPECT_TRUE(m[0].city_of);
  EXPECT_TRUE(m[1].prefixed);
  EXPECT_FALSE(m[1].city_of);
  EXPECT_EQ(m[2].entity->id, "can-tho");
  EXPECT_TRUE(m[2].prefixed);
  EXPECT_FALSE(m[2].city_of);  // a centrally-run city
  EXPECT_FALSE(m[3].prefixed);
  EXPECT_TRUE(m[0].exact_diacritics);
  // "tính" (to count) is not "tỉnh".
  m = Gaz().FindAll("tính Hà Giang");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_FALSE(m[0].prefixed);
  m = Gaz().FindAll("tinh Ha Giang");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_TRUE(m[0].prefixed);
  EXPECT_FALSE(m[0].exact_diacritics);
}

TEST(GazetteerFlags, OffsetsAreBytesIntoTheText) {
  std::string text = "Năm 2023, Chỉ số CCHC của tỉnh Đắk Lắk đạt 85,1 điểm.";
  std::vector<Mention> m;
  Gaz().FindAll(text, &m);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(text.substr(m[0].begin, m[0].end - m[0].begin), "Chỉ số CCHC");
  EXPECT_EQ(text.substr(m[1].begin, m[1].end - m[1].begin), "Đắk Lắk");
  Gaz().FindAll("", &m);
  EXPECT_TRUE(m.empty());
}

// FindAll folds the text with its own table (from FoldVietnamese); the bytes
// it handles apart must keep offsets exact: invalid bytes (folded to
// U+FFFD, three bytes for one), decomposed marks (dropped), code points past
// the table ("–") and overlong encodings.
TEST(GazetteerFlags, OffsetsSurviveOddBytes) {
  const std::string name = "Đắk Lắk";
  for (std::string lead : {std::string("\xff\xfe\xc3 "), std::string("a\xcc\x81 – "),
                           std::string("\xc1\x81 \xe2\x80 "), std::string(300, '\xff') + " "}) {
    std::string text = lead + "tỉnh " + name + " \xff";
    std::vector<Mention> m;
    Gaz().FindAll(text, &m);
    ASSERT_EQ(m.size(), 1u) << text;
    EXPECT_EQ(text.substr(m[0].begin, m[0].end - m[0].begin), name);
    EXPECT_TRUE(m[0].prefixed);
    EXPECT_TRUE(m[0].exact_diacritics);
  }
  // An overlong "A" (0xC1 0x81) folds to "A", a letter: it glues to the name.
  std::vector<Mention> glued;
  Gaz().FindAll("tỉnh " + name + "\xc1\x81 ", &glued);
  EXPECT_TRUE(glued.empty());
  // Decomposed (NFD) text folds like the composed one.
  std::vector<Mention> m;
  std::string nfd = "Ha\xcc\x80 Giang";  // "Hà" as a + combining grave
  Gaz().FindAll(nfd, &m);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].begin, 0u);
  EXPECT_EQ(m[0].end, nfd.size());
}

TEST(CanonicalVietnamese, TonePlacementCaseAndSeparators) {
  auto c = [](std::string_view s) {
    std::string out;
    CanonicalVietnamese(s, &out);
    return out;
  };
  EXPECT_EQ(c("hoà"), c("hòa"));
  EXPECT_EQ(c("Thuỷ"), c("thủy"));
  EXPECT_EQ(c("KHÁNH HOÁ"), c("Khánh Hóa"));
  EXPECT_EQ(c("Thừa Thiên-Huế"), c("Thừa Thiên Huế"));
  EXPECT_EQ(c("Kha\u0301nh"), c("Khánh"));
  EXPECT_NE(c("Hà Nam"), c("Hạ Nam"));
  EXPECT_NE(c("Kiên"), c("Kiến"));
  EXPECT_NE(c("Đà"), c("Da"));
  EXPECT_NE(c("hoà bình"), c("hoa bình"));
}

// The output can be longer than the input (an invalid byte becomes U+FFFD,
// Ⱥ lowers to the 3-byte ⱥ); the buffer is sized for it, and reused.
TEST(CanonicalVietnamese, OutputLongerThanInput) {
  std::string out = "stale and longer than the results below";
  CanonicalVietnamese("\xFF\xFF", &out);
  EXPECT_EQ(out, "\uFFFD\uFFFD");
  CanonicalVietnamese("ȺȺ Hoà", &out);
  EXPECT_EQ(out, "\u2C65\u2C65hoa\x01");
  CanonicalVietnamese("", &out);
  EXPECT_EQ(out, "");
  std::string many;
  for (int i = 0; i < 100; ++i) many += "\xC3";
  CanonicalVietnamese(many + "Ⱥ\xFF", &out);
  std::string want;
  for (int i = 0; i < 100; ++i) want += "\uFFFD";
  EXPECT_EQ(out, want + "\u2C65\uFFFD");
}

// Malformed data fails at load with file:line: reason.
class GazetteerBadData : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("chiso_gaz_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::copy(CHISO_SOURCE_DIR "/extract/gazetteers", dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Append(const std::string& file, const std::string& line) {
    std::ofstream(dir_ / file, std::ios::app) << line << "\n";
  }
  int Lines(const std::string& file) {
    std::ifstream in(dir_ / file);
    int n = 0;
    for (std::string l; std::getline(in, l);) ++n;
    return n;
  }
  std::string LoadError() {
    std::unique_ptr<Gazetteer> g;
    Status s = Gazetteer::Load(dir_.string(), &g);
    EXPECT_EQ(g, nullptr);
    return s.ok() ? "OK" : s.message();
  }
  std::filesystem::path dir_;
};

TEST_F(GazetteerBadData, WrongColumnCount) {
  Append("provinces.tsv", "xa-la\tXà La\tprovince");
  std::string want = "provinces.tsv:" + std::to_string(Lines("provinces.tsv")) + ": expected 8";
  EXPECT_NE(LoadError().find(want), std::string::npos) << LoadError();
}

TEST_F(GazetteerBadData, DuplicateId) {
  Append("provinces.tsv", "an-giang\tAn Giang\tprovince\t\t\t\t\t");
  EXPECT_NE(LoadError().find("duplicate id 'an-giang'"), std::string::npos) << LoadError();
}

TEST_F(GazetteerBadData, UnknownPredecessor) {
  Append("provinces.tsv", "xa-la\tXà La\tprovince\t2025-07-01\t\tno-such\t\t");
  std::string err = LoadError();
  EXPECT_NE(err.find("provinces.tsv:" + std::to_string(Lines("provinces.tsv")) +
                     ": unknown predecessor id 'no-such'"),
            std::string::npos)
      << err;
}

TEST_F(GazetteerBadData, UnknownRegion) {
  Append("provinces.tsv", "xa-la\tXà La\tprovince\t\t\t\tno-region\t");
  EXPECT_NE(LoadError().find("unknown region id 'no-region'"), std::string::npos);
}

TEST_F(GazetteerBadData, AliasNamingTwoEntities) {
  Append("provinces.tsv", "xa-la\tXà La\tprovince\t\t\t\t\tHà Nội");
  EXPECT_NE(LoadError().find("already names 'ha-noi'"), std::string::npos) << LoadError();
}

TEST_F(GazetteerBadData, MemberCountMismatch) {
  Append("provinces.tsv",
         "xa-la\tXà La\tprovince\t\t\t\ttay-nguyen\t");
  EXPECT_NE(LoadError().find("regions.tsv:"), std::string::npos) << LoadError();
}

TEST_F(GazetteerBadData, BadDateAndMissingFile) {
  Append("ministries.tsv", "bo-x\tBộ X\tministry\t2025-13-01\t\t\t");
  EXPECT_NE(LoadError().find("bad valid_from"), std::string::npos) << LoadError();
  std::filesystem::remove(dir_ / "ministries.tsv");
  EXPECT_NE(LoadError().find("ministries.tsv:0: cannot open"), std::string::npos);
}

}  // namespace
}  // namespace chiso
