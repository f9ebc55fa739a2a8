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

}  // namespace dangbo::registry
