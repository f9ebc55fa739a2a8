// Reference data loading. Expected values come from data/SOURCES.md and the published
// sources (34 provinces, 3,321 communes, 168 HCMC units …), never from the code under test.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "registry/refdata.hpp"

using namespace dangbo::registry;
namespace fs = std::filesystem;

namespace {

const std::string kData = std::string(DANGBO_SOURCE_DIR) + "/data";

class RefDataTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { rd_ = new RefData(RefData::load(kData)); }
  static void TearDownTestSuite() {
    delete rd_;
    rd_ = nullptr;
  }
  static RefData* rd_;
};
RefData* RefDataTest::rd_ = nullptr;

std::string what_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no exception)";
}

}  // namespace

TEST_F(RefDataTest, CountsOfUnitsBeforeAndAfterTheReorganisation) {
  EXPECT_EQ(rd_->new_provinces().size(), 34u);
  EXPECT_EQ(rd_->new_communes().size(), 3321u);
  EXPECT_EQ(rd_->old_provinces().size(), 63u);
  EXPECT_EQ(rd_->old_districts().size(), 696u);
  EXPECT_EQ(rd_->old_communes().size(), 10035u);
  EXPECT_EQ(rd_->mappings().size(), 10604u);
  EXPECT_EQ(rd_->province_mappings().size(), 63u);

  std::map<std::string, int> by_type;
  for (const auto& u : rd_->new_communes()) by_type[u.unit_type]++;
  EXPECT_EQ(by_type["Phường"], 687);
  EXPECT_EQ(by_type["Xã"], 2621);
  EXPECT_EQ(by_type["Đặc khu"], 13);
}

TEST_F(RefDataTest, HoChiMinhCityHas168Units) {
  auto hcmc = rd_->new_communes_of("79");
  ASSERT_EQ(hcmc.size(), 168u);
  int phuong = 0, xa = 0, dac_khu = 0;
  for (auto* u : hcmc) {
    EXPECT_EQ(u->province_name, "Thành phố Hồ Chí Minh");
    EXPECT_EQ(u->code.size(), 5u);
    EXPECT_GT(u->population, 0) << u->code;
    EXPECT_GT(u->area_km2, 0) << u->code;
    if (u->unit_type == "Phường") ++phuong;
    else if (u->unit_type == "Xã") ++xa;
    else if (u->unit_type == "Đặc khu") ++dac_khu;
  }
  EXPECT_EQ(phuong, 113);
  EXPECT_EQ(xa, 54);
  EXPECT_EQ(dac_khu, 1);
  for (std::size_t i = 1; i < hcmc.size(); ++i) EXPECT_LT(hcmc[i - 1]->code, hcmc[i]->code);

  const AdminUnit* con_dao = rd_->new_commune("26732");
  ASSERT_NE(con_dao, nullptr);
  EXPECT_EQ(con_dao->name, "Côn Đảo");
  EXPECT_EQ(con_dao->full_name, "Đặc khu Côn Đảo");
  EXPECT_EQ(con_dao->unit_type, "Đặc khu");
  EXPECT_EQ(con_dao->province_code, "79");
  EXPECT_EQ(rd_->new_commune("99999"), nullptr);

  const AdminUnit* p79 = rd_->new_province("79");
  ASSERT_NE(p79, nullptr);
  EXPECT_EQ(p79->full_name, "Thành phố Hồ Chí Minh");
}

TEST_F(RefDataTest, CodesKeepLeadingZeros) {
  const AdminUnit* ba_dinh = rd_->new_commune("00004");
  ASSERT_NE(ba_dinh, nullptr);
  EXPECT_EQ(ba_dinh->full_name, "Phường Ba Đình");
  EXPECT_EQ(ba_dinh->province_code, "01");
  const AdminUnit* phuc_xa = rd_->old_commune("00001");
  ASSERT_NE(phuc_xa, nullptr);
  EXPECT_EQ(phuc_xa->name, "Phúc Xá");
  EXPECT_EQ(phuc_xa->district_code, "001");
  EXPECT_EQ(phuc_xa->district_name, "Quận Ba Đình");
  ASSERT_NE(rd_->old_province("74"), nullptr);
  EXPECT_EQ(rd_->old_province("74")->full_name, "Tỉnh Bình Dương");
}

TEST_F(RefDataTest, MappingIntoHoChiMinhCity) {
  int pairs = 0, full = 0, partial = 0;
  for (const auto& m : rd_->mappings()) {
    if (m.new_province_code != "79") continue;
    ++pairs;
    (m.full ? full : partial)++;
  }
  // data/admin_units SOURCES: 493 pairs for HCMC, 395 full and 98 partial.
  EXPECT_EQ(pairs, 493);
  EXPECT_EQ(full, 395);
  EXPECT_EQ(partial, 98);

  auto con_dao = rd_->mappings_to("26732");
  ASSERT_EQ(con_dao.size(), 1u);
  EXPECT_EQ(con_dao[0]->old_level, "district");
  EXPECT_EQ(con_dao[0]->old_code, "755");
  EXPECT_EQ(con_dao[0]->old_province_code, "77");
  EXPECT_TRUE(con_dao[0]->full);

  int to_hcmc = 0;
  for (const auto& m : rd_->province_mappings())
    if (m.new_code == "79") ++to_hcmc;
  EXPECT_EQ(to_hcmc, 3);  // Hồ Chí Minh City, Bình Dương, Bà Rịa – Vũng Tàu
}

TEST_F(RefDataTest, FiftyFourEthnicGroups) {
  const auto& eg = rd_->ethnic_groups();
  ASSERT_EQ(eg.size(), 54u);
  std::set<std::string> codes, names;
  double share = 0;
  for (const auto& e : eg) {
    codes.insert(e.code);
    names.insert(e.name);
    share += e.share_pct;
  }
  EXPECT_EQ(codes.size(), 54u);
  EXPECT_EQ(names.size(), 54u);
  EXPECT_EQ(*codes.begin(), "01");
  EXPECT_EQ(*codes.rbegin(), "54");
  // 2019 census: 96,208,984 people, of whom a few thousand foreigners or unknown.
  EXPECT_NEAR(share, 100.0, 0.05);
  EXPECT_EQ(eg[0].name, "Kinh");
  EXPECT_NEAR(eg[0].share_pct, 85.32, 0.01);

  auto find = [&](const std::string& name) -> const ControlledValue* {
    for (const auto& e : eg)
      if (e.name == name) return &e;
    return nullptr;
  };
  auto has_variant = [](const ControlledValue* v, const std::string& s) {
    return v && std::find(v->variants.begin(), v->variants.end(), s) != v->variants.end();
  };
  EXPECT_TRUE(has_variant(find("Kinh"), "Việt"));
  EXPECT_TRUE(has_variant(find("Hoa"), "Hán"));
  EXPECT_TRUE(has_variant(find("Khơ-me"), "Khmer"));
  EXPECT_TRUE(has_variant(find("Mường"), "Mol"));
  ASSERT_NE(find("Hoa"), nullptr);
  EXPECT_EQ(find("Hoa")->code, "04");     // Decision 121-TCTK/PPCĐ (1979)
  EXPECT_EQ(find("Khơ-me")->code, "05");
  EXPECT_EQ(find("Ơ Đu")->code, "53");
  double hcmc = 0;
  for (const auto& e : eg) hcmc += e.share_hcmc_pct;
  EXPECT_NEAR(hcmc, 100.0, 0.01);
}

TEST_F(RefDataTest, ControlledVocabularies) {
  const auto& rel = rd_->religions();
  ASSERT_GE(rel.size(), 15u);
  EXPECT_EQ(rel[0].name, "Không");
  std::set<std::string> rel_names;
  for (const auto& r : rel) rel_names.insert(r.name);
  for (const char* n : {"Phật giáo", "Công giáo", "Tin Lành", "Cao Đài", "Phật giáo Hòa Hảo", "Hồi giáo"})
    EXPECT_TRUE(rel_names.count(n)) << n;

  const auto& th = rd_->theory_levels();
  ASSERT_EQ(th.size(), 4u);
  EXPECT_EQ(th[0].name, "Sơ cấp");
  EXPECT_EQ(th[1].name, "Trung cấp");
  EXPECT_EQ(th[2].name, "Cao cấp");
  EXPECT_EQ(th[3].name, "Cử nhân");
  auto has = [](const std::vector<std::string>& v, const char* s) { return std::find(v.begin(), v.end(), s) != v.end(); };
  EXPECT_TRUE(has(th[1].variants, "TC LLCT"));
  EXPECT_TRUE(has(th[2].variants, "Cao cấp LLCT"));

  std::map<std::string, std::string> edu;  // name → kind
  for (const auto& e : rd_->education_levels()) edu[e.name] = e.kind;
  EXPECT_EQ(edu["12/12"], "general");
  EXPECT_EQ(edu["1/12"], "general");
  EXPECT_EQ(edu["10/10"], "general_10");
  for (const char* p : {"Sơ cấp", "Trung cấp", "Cao đẳng", "Đại học", "Thạc sĩ", "Tiến sĩ"}) EXPECT_EQ(edu[p], "professional") << p;
}

TEST_F(RefDataTest, NameTables) {
  const auto& fam = rd_->family_names();
  ASSERT_GT(fam.size(), 50u);
  EXPECT_EQ(fam[0].name, "Nguyễn");
  EXPECT_NEAR(fam[0].male_pct, 38.4, 1e-9);
  double sum = 0;
  for (const auto& f : fam) sum += f.male_pct;
  EXPECT_NEAR(sum, 100.0, 0.01);
  for (const auto* table : {&rd_->middle_names(), &rd_->given_names()}) {
    double m = 0, f = 0;
    for (const auto& n : *table) m += n.male_pct, f += n.female_pct;
    EXPECT_NEAR(m, 100.0, 0.01);
    EXPECT_NEAR(f, 100.0, 0.01);
  }
  for (const auto& n : rd_->middle_names()) {
    if (n.name == "Thị") {
      EXPECT_EQ(n.male_pct, 0.0);
    }
    if (n.name == "Văn") {
      EXPECT_EQ(n.female_pct, 0.0);
    }
  }
}

TEST_F(RefDataTest, OrganizationNameForUnit) {
  ASSERT_NE(rd_->new_commune("26740"), nullptr);
  EXPECT_EQ(org_name_for_unit(*rd_->new_commune("26740")), "Đảng bộ phường Sài Gòn");
  EXPECT_EQ(org_name_for_unit(*rd_->new_commune("27637")), "Đảng bộ xã Bình Chánh");
  EXPECT_EQ(org_name_for_unit(*rd_->new_commune("26732")), "Đảng bộ đặc khu Côn Đảo");
  AdminUnit tt;
  tt.name = "Cần Thạnh";
  tt.unit_type = "Thị trấn";
  EXPECT_EQ(org_name_for_unit(tt), "Đảng bộ thị trấn Cần Thạnh");
  EXPECT_EQ(unit_type_lower("Đặc khu"), "đặc khu");
  EXPECT_EQ(unit_type_lower("Xã"), "xã");
}

// ------------------------------------------------------------------ CSV reader

TEST(Csv, QuotedFieldsCommasQuotesLineBreaksAndCrlf) {
  std::string text =
      "\xEF\xBB\xBF"
      "a,b,c\r\n"
      "1,\"x, y\",\"say \"\"hi\"\"\"\r\n"
      "\r\n"
      "2,\"two\nlines\",\r\n"
      "3,,\"\"";
  CsvTable t = parse_csv(text, "t.csv");
  ASSERT_EQ(t.header.size(), 3u);
  EXPECT_EQ(t.header[0], "a");
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0][1], "x, y");
  EXPECT_EQ(t.rows[0][2], "say \"hi\"");
  EXPECT_EQ(t.rows[1][1], "two\nlines");
  EXPECT_EQ(t.rows[1][2], "");
  EXPECT_EQ(t.rows[2][0], "3");
  EXPECT_EQ(t.rows[2][2], "");
  EXPECT_EQ(t.lines[0], 2u);
  EXPECT_EQ(t.lines[1], 4u);
  EXPECT_EQ(t.lines[2], 6u);
  EXPECT_EQ(t.column("c"), 2u);
  EXPECT_NE(what_of([&] { t.column("zz"); }).find("t.csv"), std::string::npos);
}

TEST(Csv, MalformedInputNamesFileAndLine) {
  EXPECT_EQ(what_of([] { parse_csv("a,b\n1,2\n3\n", "f.csv"); }), "f.csv:3: expected 2 fields, found 1");
  EXPECT_EQ(what_of([] { parse_csv("a,b\n1,2\n\"3,4\n5,6\n", "f.csv"); }), "f.csv:3: unterminated quoted field");
  EXPECT_EQ(what_of([] { parse_csv("a,b\n1,x\"y\n", "f.csv"); }), "f.csv:2: quote inside an unquoted field");
  EXPECT_EQ(what_of([] { parse_csv("a,b\n\"1\"x,2\n", "f.csv"); }), "f.csv:2: unexpected character after closing quote");
  EXPECT_EQ(what_of([] { parse_csv("", "f.csv"); }), "f.csv:1: empty file (no header)");
}

TEST(RefDataLoad, MalformedOrMissingFileIsReportedWithNameAndLine) {
  fs::path tmp = fs::temp_directory_path() / ("dangbo_refdata_" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  fs::copy(kData, tmp, fs::copy_options::recursive);
  {
    std::ofstream f(tmp / "ethnic_groups.csv", std::ios::app);
    f << "55,Thiếu cột\n";  // line 56: too few fields
  }
  std::string msg = what_of([&] { RefData::load(tmp.string()); });
  EXPECT_NE(msg.find("ethnic_groups.csv:56:"), std::string::npos) << msg;

  fs::copy_file(fs::path(kData) / "ethnic_groups.csv", tmp / "ethnic_groups.csv", fs::copy_options::overwrite_existing);
  {
    std::ofstream f(tmp / "religions.csv", std::ios::app);
    f << "99,Thử,,nhiều,0\n";  // share_pct is not a number
  }
  msg = what_of([&] { RefData::load(tmp.string()); });
  EXPECT_NE(msg.find("religions.csv:19:"), std::string::npos) << msg;

  fs::remove(tmp / "religions.csv");
  msg = what_of([&] { RefData::load(tmp.string()); });
  EXPECT_NE(msg.find("religions.csv"), std::string::npos) << msg;
  fs::remove_all(tmp);
}
