// Test helpers: real-looking Vietnamese members for linkage tests — names drawn from common
// family, middle and given names, citizen IDs built from the CCCD structure
// (registry/citizen_id.hpp: "0" + old province code, century and gender digit, two-digit birth
// year, six-digit serial), dates as clerks write them.
#pragma once

#include <cstdio>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "linkage/record.hpp"
#include "registry/refdata.hpp"
#include "registry/roster_gen.hpp"

namespace vn_people {

// A 12-digit CCCD: province = a pre-2025 GSO code (79 Hồ Chí Minh, 1 Hà Nội, 36 Nam Định …).
inline std::string cccd(int province, int birth_year, bool female, int serial) {
  const int g = (birth_year / 100 - 19) * 2 + (female ? 1 : 0);
  char b[16];
  std::snprintf(b, sizeof b, "0%02d%d%02d%06d", province, g, birth_year % 100, serial % 1000000);
  return b;
}

inline std::string dmy(int d, int m, int y) {
  char b[16];
  std::snprintf(b, sizeof b, "%02d/%02d/%04d", d, m, y);
  return b;
}

// Members of one cell: common names (so many names are alike or equal), each with a CCCD of
// their own, a full birth date between 1950 and 2002, an admission date given by `admitted`
// (the same text for everyone when it is a placeholder), no card number.
struct CellOptions {
  int members = 2000;
  std::string admitted = "01/01/1900";
  std::string home_town = "Thành phố Hồ Chí Minh";
  std::string org = "26734.02";
  int first_serial = 100000;  // CCCD serials first_serial, first_serial + 1, …
  uint64_t seed = 42;
};

inline std::vector<dangbo::linkage::Person> cell(const CellOptions& o) {
  static const std::vector<std::string> family = {"Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê",
                                                  "Phạm", "Hoàng", "Huỳnh", "Võ", "Phan", "Đặng", "Bùi"};
  static const std::vector<std::string> middle_m = {"Văn", "Văn", "Đức", "Minh", "Hữu", "Quốc", "Thanh"};
  static const std::vector<std::string> middle_f = {"Thị", "Thị", "Thị", "Ngọc", "Thanh", "Thu", "Kim"};
  static const std::vector<std::string> given_m = {"Hùng", "Hưng", "Dũng", "Tuấn", "Minh", "Nam", "Sơn",
                                                   "Thành", "Long", "Hải", "Phúc", "Khánh", "Quang", "Trung"};
  static const std::vector<std::string> given_f = {"Lan", "Hương", "Hường", "Mai", "Hoa", "Hòa", "Thảo",
                                                   "Trang", "Linh", "Ngọc", "Thủy", "Hạnh", "Yến", "Nhung"};
  static const int provinces[] = {79, 79, 79, 1, 36, 38, 40, 52, 74, 75, 80, 86, 87, 89, 94};
  std::mt19937_64 rng(o.seed);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  std::vector<dangbo::linkage::Person> out;
  for (int k = 0; k < o.members; ++k) {
    dangbo::linkage::Person p;
    const bool female = rng() % 2;
    const int year = 1950 + int(rng() % 53), month = 1 + int(rng() % 12), day = 1 + int(rng() % 28);
    p.id = o.org + "-" + std::to_string(k);
    p.family = pick(family);
    p.middle = pick(female ? middle_f : middle_m);
    p.given = pick(female ? given_f : given_m);
    p.gender = female ? 1 : 0;
    p.birth = dangbo::linkage::parse_loose_date(dmy(day, month, year));
    p.admitted = dangbo::linkage::parse_loose_date(o.admitted);
    p.citizen_id = cccd(provinces[rng() % std::size(provinces)], year, female, o.first_serial + k);
    p.home_town = o.home_town;
    p.org = o.org;
    out.push_back(p);
  }
  return out;
}

// `n` members of the synthetic Hồ Chí Minh City roster (registry::RosterGenerator): realistic
// names, dates spread as in the registry, valid CCCDs, phones, card numbers.
inline std::vector<dangbo::linkage::Person> roster(int n, uint64_t seed) {
  namespace registry = dangbo::registry;
  auto rd = registry::RefData::load(std::string(DANGBO_SOURCE_DIR) + "/data");
  registry::GenOptions go;
  go.members = n;
  go.seed = seed;
  auto orgs = registry::generate_org_tree(rd, go);
  registry::RosterGenerator gen(rd, orgs, go);
  registry::Member m;
  std::string code;
  std::vector<dangbo::linkage::Person> out;
  while (gen.next(m, code)) {
    dangbo::linkage::Person p;
    p.id = "r" + std::to_string(out.size());
    p.family = m.family_name;
    p.middle = m.middle_name;
    p.given = m.given_name;
    p.gender = m.gender == registry::Gender::male ? 0 : 1;
    if (m.birth_date) p.birth = dangbo::linkage::loose_from(*m.birth_date);
    if (m.admitted_on) p.admitted = dangbo::linkage::loose_from(*m.admitted_on);
    p.citizen_id = m.citizen_id;
    p.home_town = m.home_town;
    p.phone = m.phone;
    p.card_number = m.card_number;
    p.org = code;
    out.push_back(p);
  }
  return out;
}

}  // namespace vn_people
