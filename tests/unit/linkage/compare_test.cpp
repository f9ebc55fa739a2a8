// Field comparison levels on small hand-made records.
#include <gtest/gtest.h>

#include "linkage/compare.hpp"
#include "linkage/record.hpp"

using namespace dangbo::linkage;

namespace {

Person person(std::string name, std::string birth, std::string cid = "", std::string town = "") {
  Person p;
  p.name = std::move(name);
  p.birth = parse_loose_date(birth);
  p.citizen_id = std::move(cid);
  p.home_town = std::move(town);
  p.gender = 0;
  return p;
}

Gamma cmp(const Person& a, const Person& b) {
  Dataset d;
  d.add(a);
  d.add(b);
  d.finalize();
  return compare(d, 0, 1);
}

}  // namespace

TEST(LooseDate, Parse) {
  EXPECT_EQ(parse_loose_date("07/08/1963").packed(), 19630807);
  EXPECT_EQ(parse_loose_date("7-8-1963").packed(), 19630807);
  EXPECT_EQ(parse_loose_date("1963-08-07").packed(), 19630807);
  EXPECT_EQ(parse_loose_date("08/1963").packed(), 19630800);
  EXPECT_EQ(parse_loose_date("1963").packed(), 19630000);
  EXPECT_EQ(parse_loose_date("31/02/1963").packed(), 19630231);  // kept though impossible
  EXPECT_FALSE(parse_loose_date("07/08/63").known());             // no guessing of the century
  EXPECT_FALSE(parse_loose_date("hôm qua").known());
}

TEST(Normalize, CitizenIdAndPhone) {
  EXPECT_EQ(normalize_citizen_id("079 084 000 999"), "079084000999");
  EXPECT_EQ(normalize_citizen_id("79084000999"), "079084000999");  // Excel dropped the 0
  EXPECT_EQ(normalize_citizen_id("23456789"), "023456789");
  EXPECT_EQ(normalize_citizen_id("7.90840E+10"), "");
  EXPECT_EQ(normalize_phone("+84 912 345 678"), "0912345678");
  EXPECT_EQ(normalize_phone("01683456789"), "0383456789");  // Viettel 0168 → 038
  EXPECT_EQ(normalize_phone("912345678"), "0912345678");
  EXPECT_EQ(normalize_phone("12345"), "");
}

TEST(Compare, NameLevels) {
  auto lv = [](const char* a, const char* b) {
    return int(cmp(person(a, "01/01/1970"), person(b, "01/01/1970")).lv[f_name]);
  };
  EXPECT_EQ(lv("Nguyễn Văn An", "NGUYỄN VĂN AN"), 0);
  EXPECT_EQ(lv("Lê Thị Hòa", "Lê Thị Hoà"), 0);  // tone style folded
  EXPECT_EQ(lv("Nguyễn Văn An", "Nguyen Van An"), 1);
  EXPECT_EQ(lv("Nguyễn Văn An", "An Nguyễn Văn"), 2);
  EXPECT_EQ(lv("Nguyễn Văn An", "Nguyễn An"), 2);
  EXPECT_EQ(lv("Nguyễn Văn Thành", "Nguyễn Văn Thàn"), 3);
  EXPECT_EQ(lv("Trần Thị Mai", "Phạm Quốc Bảo"), 5);
}

TEST(Compare, DateLevels) {
  EXPECT_EQ(compare_dates(19630807, 19630807), 0);
  EXPECT_EQ(compare_dates(19630807, 19630708), 1);  // day ↔ month
  EXPECT_EQ(compare_dates(19670807, 19760807), 2);  // 1967 / 1976
  EXPECT_EQ(compare_dates(19630807, 19630817), 2);  // one digit changed
  EXPECT_EQ(compare_dates(19630807, 19630000), 3);  // year only on one side
  EXPECT_EQ(compare_dates(19630000, 19630000), 3);
  EXPECT_EQ(compare_dates(19630807, 19630322), 3);
  EXPECT_EQ(compare_dates(19630807, 19710322), 4);
  EXPECT_EQ(compare_dates(0, 19630807), kNull);
}

TEST(Compare, CitizenIdLevels) {
  auto lv = [](const char* a, const char* b) {
    return int(cmp(person("A", "1970", a), person("A", "1970", b)).lv[f_citizen_id]);
  };
  EXPECT_EQ(lv("079084000999", "079084000999"), 0);
  EXPECT_EQ(lv("079084000999", "079084000989"), 1);
  EXPECT_EQ(lv("079084000999", "023456789"), 2);
  EXPECT_EQ(lv("079084000999", "001190123456"), 3);
  EXPECT_EQ(lv("", "001190123456"), kNull);
}

TEST(Compare, PatternCodeRoundTrip) {
  Gamma g;
  g.lv = {2, kNull, 1, 3, 0, kNull, 1, 2};
  EXPECT_EQ(decode(encode(g)).lv, g.lv);
  EXPECT_LT(encode(g), pattern_count());
}
