#include "registry/citizen_id.hpp"

#include <cstdio>

namespace dangbo::registry {

std::vector<std::pair<std::string, std::string>> cccd_mismatches(std::string_view digits, std::optional<bool> female,
                                                                 const std::optional<base::CivilDate>& birth) {
  std::vector<std::pair<std::string, std::string>> out;
  if (digits.size() != 12) return out;
  const int g = digits[3] - '0';
  const int year2 = (digits[4] - '0') * 10 + (digits[5] - '0');
  if (female && (g % 2 == 1) != *female)
    out.emplace_back("citizen_id.gender_mismatch", "Chữ số thứ tư của số CCCD (" + std::to_string(g) + ") cho biết " +
                                                       (g % 2 ? "nữ" : "nam") + ", nhưng giới tính ghi là " +
                                                       (*female ? "Nữ" : "Nam"));
  if (birth) {
    const int year = 1900 + (g / 2) * 100 + year2;
    if (year != birth->year()) {
      char d[8];
      std::snprintf(d, sizeof d, "%d%02d", g, year2);
      out.emplace_back("citizen_id.birth_year_mismatch", "Số CCCD cho biết năm sinh " + std::to_string(year) +
                                                             " (chữ số thứ 4–6: " + d + "), nhưng ngày sinh ghi " +
                                                             birth->display());
    }
  }
  return out;
}

namespace {

// "0" + these: the 63 provinces before 1 July 2025 (data/admin_units/old_provinces_2025-03.csv;
// a unit test checks this list against the file).
constexpr int kOldProvinceCodes[] = {1,  2,  4,  6,  8,  10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25,
                                     26, 27, 30, 31, 33, 34, 35, 36, 37, 38, 40, 42, 44, 45, 46, 48,
                                     49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75,
                                     77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96};

}  // namespace

int cccd_birth_year(std::string_view digits) {
  if (digits.size() != 12) return 0;
  const int g = digits[3] - '0';
  return 1900 + (g / 2) * 100 + (digits[4] - '0') * 10 + (digits[5] - '0');
}

bool cccd_structure_valid(std::string_view digits, int latest_year) {
  if (digits.size() != 12) return false;
  for (char c : digits)
    if (c < '0' || c > '9') return false;
  if (digits[0] != '0' || digits[3] > '3') return false;
  const int code = (digits[1] - '0') * 10 + (digits[2] - '0');
  bool known = false;
  for (int c : kOldProvinceCodes) known = known || c == code;
  return known && cccd_birth_year(digits) <= latest_year;
}

}  // namespace dangbo::registry
