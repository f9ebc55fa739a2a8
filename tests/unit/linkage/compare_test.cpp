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
  EXPECT_EQ(compare_dates(19630800, 19630807), 3);  // month only on one side, same month
  EXPECT_EQ(compare_dates(19630807, 19630322), 4);  // both full, same year: another day
  EXPECT_EQ(compare_dates(19630807, 19630825), 4);  // two digits off, not two adjacent swapped
  EXPECT_EQ(compare_dates(19630800, 19630300), 4);  // both give the month: another month
  EXPECT_EQ(compare_dates(19630807, 19710322), 5);  // another year
  EXPECT_EQ(compare_dates(19630000, 19710000), 5);
  EXPECT_EQ(compare_dates(0, 19630807), kNull);
}

TEST(Compare, CitizenIdLevels) {
  auto lv = [](const char* a, const char* b) {
    return int(cmp(person("A", "1970", a), person("A", "1970", b)).lv[f_citizen_id]);
  };
  EXPECT_EQ(lv("079084000999", "079084000999"), 0);
  EXPECT_EQ(lv("079084000999", "079084000989"), 1);
  EXPECT_EQ(lv("079070000999", "079070009099"), 1);  // two adjacent digits swapped
  EXPECT_EQ(lv("079084000999", "023456789"), 2);
  EXPECT_EQ(lv("023456789", "024456781"), 3);        // two old CMNDs: structure not checkable
  // CCCDs saying born 1984 / 1990 on records born 1970: mistyped somewhere, not "valid"
  EXPECT_EQ(lv("079084000999", "001190123456"), 3);
  EXPECT_EQ(lv("003070123456", "079070654321"), 3);  // 003: no such province
  EXPECT_EQ(lv("", "001190123456"), kNull);
  // two well-formed CCCDs of men born 1970 (digit 4 = 0, digits 5–6 = 70), different numbers
  EXPECT_EQ(lv("079070123456", "001070654321"), 4);
  EXPECT_EQ(lv("079070123456", "079070123465"), 1);  // … unless one digit off
  // the same two numbers on women's records: the gender digit contradicts → not valid
  Person a = person("A", "1970", "079070123456"), b = person("A", "1970", "001070654321");
  a.gender = b.gender = 1;
  EXPECT_EQ(int(cmp(a, b).lv[f_citizen_id]), 3);
}

TEST(Compare, PatternCodeRoundTrip) {
  Gamma g;
  g.lv = {2, kNull, 1, 4, 0, 5, 1, 2};
  EXPECT_EQ(decode(encode(g)).lv, g.lv);
  EXPECT_LT(encode(g), pattern_count());
}
