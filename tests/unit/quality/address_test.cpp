// Addresses on the 2025 map. Every old ward, commune and township that went into Ho Chi Minh
// City (the old HCMC, Bình Dương, Bà Rịa – Vũng Tàu): a ward taken whole by one new ward maps to
// it; a ward split between new wards raises the ask-finding listing exactly its new wards. The
// expectations are read from the official mapping file with registry::read_csv_file.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "quality/address.hpp"
#include "vntext/encoding.hpp"
#include "vntext/text.hpp"
#include "quality_test_util.hpp"

using namespace dangbo;
using namespace quality_test;
using quality::Field;

namespace {

struct OldUnit {
  std::string level, name, district, province;
  std::vector<std::pair<std::string, std::string>> targets;  // (new name, new province name)
};

std::map<std::string, OldUnit> old_units(const std::string& new_province) {
  auto t = registry::read_csv_file(source_dir() + "/data/admin_units/map_old_to_new_dvhcvn.csv");
  std::map<std::string, OldUnit> r;
  for (const auto& row : t.rows) {
    if (!new_province.empty() && row[t.column("new_province_code")] != new_province) continue;
    const std::string key = row[t.column("old_level")] + ":" + row[t.column("old_code")];
    OldUnit& u = r[key];
    u.level = row[t.column("old_level")];
    u.name = row[t.column("old_name")];
    u.district = row[t.column("old_district_name")];
    u.province = row[t.column("old_province_name")];
    u.targets.emplace_back(row[t.column("new_commune_name")], row[t.column("new_province_name")]);
  }
  return r;
}

std::string abbreviate(const std::string& s) {
  static const std::pair<const char*, const char*> kAbbr[] = {
      {"Phường ", "P. "}, {"Xã ", "X. "}, {"Thị trấn ", "TT. "}, {"Quận ", "Q."}, {"Huyện ", "H. "},
      {"Thị xã ", "TX. "}, {"Thành phố Hồ Chí Minh", "TP.HCM"}, {"Thành phố ", "TP. "}};
  for (auto [from, to] : kAbbr)
    if (s.rfind(from, 0) == 0) return to + s.substr(std::string(from).size());
  return s;
}

}  // namespace

TEST(Address, EveryOldUnitOfHoChiMinhCity) {
  const auto units = old_units("79");
  ASSERT_GT(units.size(), 400u);  // 442 old units (308 of the old HCMC)
  int full = 0, split = 0;
  for (const auto& [code, u] : units) {
    if (u.level != "commune") continue;
    for (bool abbr : {false, true}) {
      const std::string addr = abbr ? abbreviate(u.name) + ", " + abbreviate(u.district) + ", " + abbreviate(u.province)
                                    : u.name + ", " + u.district + ", " + u.province;
      SCOPED_TRACE(code + " " + addr);
      std::vector<quality::Finding> fs;
      const std::string v = cell(Field::residence, addr, &fs);
      if (u.targets.size() == 1) {
        EXPECT_EQ(v, u.targets[0].first + ", " + u.targets[0].second) << codes(fs);
        EXPECT_TRUE(has_code(fs, "address.old_unit")) << codes(fs);
        full += !abbr;
      } else {
        const auto* f = find_code(fs, "address.split_ward");
        ASSERT_TRUE(f) << v << " " << codes(fs);
        EXPECT_EQ(f->severity, quality::Severity::warning);
        std::set<std::string> want, got;
        for (const auto& [n, p] : u.targets) want.insert(n + ", " + p);
        for (std::size_t i = 0; i <= f->suggested.size();) {
          std::size_t j = f->suggested.find(" | ", i);
          if (j == std::string::npos) j = f->suggested.size();
          got.insert(f->suggested.substr(i, j - i));
          i = j + 3;
        }
        EXPECT_EQ(got, want);
        split += !abbr;
      }
    }
  }
  EXPECT_GT(full, 350);
  EXPECT_GT(split, 40);
}

TEST(Address, IslandDistrictBecameASpecialZone) {
  std::vector<quality::Finding> fs;
  EXPECT_EQ(cell(Field::residence, "Huyện Côn Đảo, Tỉnh Bà Rịa - Vũng Tàu", &fs),
            "Đặc khu Côn Đảo, Thành phố Hồ Chí Minh");
  EXPECT_TRUE(has_code(fs, "address.old_unit")) << codes(fs);
}

TEST(Address, EveryCurrentWardOfHoChiMinhCityIsKept) {
  auto t = registry::read_csv_file(source_dir() + "/data/admin_units/new_communes_2025-07.csv");
  int n = 0;
  for (const auto& row : t.rows) {
    if (row[t.column("province_code")] != "79") continue;
    ++n;
    const std::string full = row[t.column("full_name")] + ", Thành phố Hồ Chí Minh";
    std::vector<quality::Finding> fs;
    EXPECT_EQ(cell(Field::residence, full, &fs), full);
    EXPECT_TRUE(fs.empty()) << full << ": " << codes(fs);
    // Abbreviated and lower case: written out again.
    EXPECT_EQ(cell(Field::residence, abbreviate(row[t.column("full_name")]) + ", TP.HCM"), full);
    EXPECT_EQ(cell(Field::residence, vntext::to_lower(full)), full);
  }
  EXPECT_EQ(n, 168);
}

TEST(Address, OtherProvincesAndStreets) {
  // Hà Nội: Phường Phúc Xá (Quận Ba Đình) went whole into Phường Hồng Hà (mapping file, first row).
  EXPECT_EQ(cell(Field::residence, "Phường Phúc Xá, Quận Ba Đình, Thành phố Hà Nội"), "Phường Hồng Hà, Thành phố Hà Nội");
  EXPECT_EQ(cell(Field::residence, "P. Phúc Xá, Q. Ba Đình, TP. Hà Nội"), "Phường Hồng Hà, Thành phố Hà Nội");
  // Street parts are kept.
  EXPECT_EQ(cell(Field::residence, "Số 5 Trần Hưng Đạo, Phường Tân Định, Quận 1, TP.HCM"),
            "Số 5 Trần Hưng Đạo, Phường Tân Định, Thành phố Hồ Chí Minh");
  // Numbered wards and districts, written every usual way.
  const auto units = old_units("79");
  for (const auto& [code, u] : units) {
    if (u.name != "Phường 12" || u.district != "Quận 10") continue;
    ASSERT_EQ(u.targets.size(), 1u);
    const std::string want = u.targets[0].first + ", Thành phố Hồ Chí Minh";
    for (const char* in : {"Phường 12, Quận 10, TP.HCM", "P.12, Q.10, TP.HCM", "P12, Q10, TPHCM", "P.12 Q.10 TP.HCM",
                           "phường 12, quận 10, thành phố hồ chí minh", "F12, Q.10, Tp.HCM"})
      EXPECT_EQ(cell(Field::residence, in), want) << in;
  }
  // Marks tell units apart: Xã Thạnh An and Xã Thanh An are both in Ho Chi Minh City.
  EXPECT_EQ(cell(Field::residence, "Xã Thạnh An, TP.HCM"), "Xã Thạnh An, Thành phố Hồ Chí Minh");
  EXPECT_EQ(cell(Field::residence, "Xã Thanh An, TP.HCM"), "Xã Thanh An, Thành phố Hồ Chí Minh");
  // Written without any marks, "Thanh An" is read as written, with a warning naming both.
  std::vector<quality::Finding> fs;
  EXPECT_EQ(cell(Field::residence, "X. Thanh An, TP.HCM", &fs), "Xã Thanh An, Thành phố Hồ Chí Minh");
  const auto* f = find_code(fs, "address.ambiguous_marks");
  ASSERT_TRUE(f) << codes(fs);
  EXPECT_NE(f->suggested.find("Xã Thạnh An"), std::string::npos);
}

TEST(Address, ProvincesAlone) {
  struct Case {
    const char* in;
    const char* out;
    const char* code;
  } cases[] = {
      {"Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh", ""},
      {"TP.HCM", "Thành phố Hồ Chí Minh", "address.format"},
      {"Tp. Hồ Chí Minh", "Thành phố Hồ Chí Minh", "address.format"},
      {"Sài Gòn", "Thành phố Hồ Chí Minh", "address.format"},
      {"Nghệ An", "Tỉnh Nghệ An", "address.format"},
      {"T. Nghệ An", "Tỉnh Nghệ An", "address.format"},
      {"tỉnh nghệ an", "Tỉnh Nghệ An", "address.format"},
      {"Tỉnh Hà Giang", "Tỉnh Tuyên Quang", "address.old_province"},  // merged 1 July 2025
      {"Tỉnh Bình Dương", "Thành phố Hồ Chí Minh", "address.old_province"},
      {"Tỉnh Thừa Thiên Huế", "Thành phố Huế", "address.old_province"},
      {"Hà Nội", "Thành phố Hà Nội", "address.format"},
  };
  for (const auto& c : cases) {
    std::vector<quality::Finding> fs;
    EXPECT_EQ(cell(Field::home_town, c.in, &fs), c.out) << c.in;
    if (*c.code) EXPECT_TRUE(has_code(fs, c.code)) << c.in << ": " << codes(fs);
    else EXPECT_TRUE(fs.empty()) << c.in << ": " << codes(fs);
  }
}

TEST(Address, UnresolvedAddressesAreKept) {
  std::vector<quality::Finding> fs;
  EXPECT_EQ(cell(Field::residence, "Ấp 3, xã Không Có, huyện Không Có, Tỉnh Nghệ An", &fs),
            "Ấp 3, xã Không Có, huyện Không Có, Tỉnh Nghệ An");
  fs.clear();
  EXPECT_EQ(cell(Field::residence, "123 đường số 7", &fs), "123 đường số 7");
  EXPECT_TRUE(fs.empty()) << codes(fs);
  fs.clear();
  // An old numbered ward with no district is ambiguous.
  EXPECT_EQ(cell(Field::residence, "Phường 12, TP.HCM", &fs), "Phường 12, TP.HCM");
  EXPECT_TRUE(has_code(fs, "address.ambiguous")) << codes(fs);
  fs.clear();
  // A ward that is not in its district.
  cell(Field::residence, "Phường Bến Nghé, Quận 3, TP.HCM", &fs);
  EXPECT_TRUE(has_code(fs, "address.unknown_ward")) << codes(fs);
}

TEST(Address, EncodingsRepairedThroughTheMap) {
  // Legacy encodings shown through Windows-1252 (built with vntext::encode, whose byte tables
  // have their own tests) and VIQR; the expected values are typed.
  using vntext::Encoding;
  EXPECT_EQ(cell(Field::home_town, "Tænh Ñaék Laék"), "Tỉnh Đắk Lắk");  // VNI bytes seen through Windows-1252
  for (Encoding e : {Encoding::tcvn3_via_cp1252, Encoding::vni_via_cp1252, Encoding::cp1252_mojibake_utf8,
                     Encoding::viqr}) {
    SCOPED_TRACE(std::string(vntext::encoding_name(e)));
    EXPECT_EQ(cell(Field::residence, vntext::encode("Phường Tân Định, Quận 1, Thành phố Hồ Chí Minh", e)),
              "Phường Tân Định, Thành phố Hồ Chí Minh");
    EXPECT_EQ(cell(Field::home_town, vntext::encode("Tỉnh Quảng Ngãi", e)), "Tỉnh Quảng Ngãi");
  }
}
