#include "linkage/blocking.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace dangbo::linkage {

namespace {

uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
  h *= 0xBF58476D1CE4E5B9ULL;
  return h ^ (h >> 31);
}

uint64_t nonzero(uint64_t h) { return h ? h : 1; }

}  // namespace

const RuleInfo& rule_info(int rule) {
  static const std::array<RuleInfo, kRules> v = {{
      {"citizen_id", "cùng số CCCD/CMND", {f_citizen_id}},
      {"phonetic_name_dob", "cùng khóa âm họ tên + ngày sinh (ngày/tháng không kể thứ tự)", {f_name, f_birth_date}},
      {"phonetic_family_given_daymonth_decade", "cùng khóa âm họ và tên + ngày, tháng sinh (không kể thứ tự) + thập niên sinh", {f_name, f_birth_date}},
      {"phone", "cùng số điện thoại", {f_phone}},
      {"card_number", "cùng số thẻ đảng viên", {f_card}},
      {"admitted_birth_year", "cùng ngày vào Đảng + năm sinh", {f_admitted_on, f_birth_date}},
      {"phonetic_name_admitted", "cùng khóa âm họ tên + ngày vào Đảng", {f_name, f_admitted_on}},
      {"given_birth_year_month", "cùng tên (bỏ dấu) + năm, tháng sinh + chữ cái đầu của họ", {f_name, f_birth_date}},
  }};
  return v[std::size_t(rule)];
}

uint64_t block_key(const Dataset& d, int rule, uint32_t i) {
  const Rec& r = d.recs[i];
  const int y = r.birth / 10000, m = r.birth / 100 % 100, dd = r.birth % 100;
  const int ay = r.admitted / 10000, am = r.admitted / 100 % 100, ad = r.admitted % 100;
  switch (rule) {
    case r_citizen_id:
      return r.cid_len ? nonzero(mix(mix(1, r.cid), r.cid_len)) : 0;
    case r_phonetic_dob:
      if (!r.phon_sorted || !y || !m || !dd) return 0;
      return nonzero(mix(mix(mix(mix(2, r.phon_sorted), uint64_t(y)), uint64_t(std::min(m, dd))), uint64_t(std::max(m, dd))));
    case r_fam_given_dm:
      if (!r.giv_phon || !r.fam_phon || !m || !dd || !y) return 0;
      return nonzero(mix(mix(mix(mix(mix(3, r.fam_phon), r.giv_phon), uint64_t(std::min(m, dd))), uint64_t(std::max(m, dd))),
                         uint64_t(y / 10)));
    case r_phone:
      return r.phone ? nonzero(mix(4, r.phone)) : 0;
    case r_card:
      return r.card ? nonzero(mix(5, r.card)) : 0;
    case r_admitted_year:
      if (!ay || !am || !ad || !y) return 0;
      return nonzero(mix(mix(6, uint64_t(r.admitted)), uint64_t(y)));
    case r_phonetic_admitted:
      if (!r.phon_sorted || !ay || !am || !ad) return 0;
      return nonzero(mix(mix(mix(mix(7, r.phon_sorted), uint64_t(ay)), uint64_t(std::min(am, ad))), uint64_t(std::max(am, ad))));
    case r_given_year: {
      if (!r.giv_key || !y || !m) return 0;
      std::string_view fam = d.text.str(r.fam_key);
      uint64_t initial = fam.empty() ? 0 : uint64_t(static_cast<unsigned char>(fam[0]));
      return nonzero(mix(mix(mix(mix(8, r.giv_key), uint64_t(y)), uint64_t(m)), initial));
    }
  }
  return 0;
}

std::string block_key_text(const Dataset& d, int rule, uint32_t i) {
  if (!block_key(d, rule, i)) return "";
  const Rec& r = d.recs[i];
  auto date = [](int32_t v) {
    char b[16];
    std::snprintf(b, sizeof b, "%02d/%02d/%04d", v % 100, v / 100 % 100, v / 10000);
    return std::string(b);
  };
  auto num = [](uint64_t v, int len) {
    std::string s(std::size_t(len), '0');
    for (int k = len - 1; k >= 0 && v; --k) s[std::size_t(k)] = char('0' + v % 10), v /= 10;
    return s;
  };
  const std::string year = std::to_string(r.birth / 10000);
  switch (rule) {
    case r_citizen_id: return "số CCCD/CMND " + num(r.cid, r.cid_len);
    case r_phonetic_dob: return "họ tên " + std::string(d.text.str(r.name_std)) + ", ngày sinh " + date(r.birth);
    case r_fam_given_dm:
      return "họ tên " + std::string(d.text.str(r.name_std)) + ", ngày sinh " + date(r.birth).substr(0, 5) + ", thập niên " +
             year.substr(0, 3) + "0";
    case r_phone: return "điện thoại " + num(r.phone, 10);
    case r_card: return "số thẻ " + std::to_string(r.card);
    case r_admitted_year: return "ngày vào Đảng " + date(r.admitted) + ", năm sinh " + year;
    case r_phonetic_admitted: return "họ tên " + std::string(d.text.str(r.name_std)) + ", ngày vào Đảng " + date(r.admitted);
    case r_given_year:
      return "tên " + std::string(d.text.str(r.giv_key)) + ", tháng sinh " + date(r.birth).substr(3) + ", họ " +
             std::string(d.text.str(r.fam_key)).substr(0, 1);
  }
  return "";
}

}  // namespace dangbo::linkage
