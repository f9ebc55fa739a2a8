#include "linkage/compare.hpp"

#include <cstdio>
#include <string>

#include "linkage/similarity.hpp"

namespace dangbo::linkage {

namespace {

const std::array<FieldInfo, kFields>& infos() {
  static const std::array<FieldInfo, kFields> v = {{
      {"name", "Họ và tên", "Full name",
       {"exact", "no_diacritics", "reordered", "jw94", "jw85", "different"},
       {"trùng khớp", "trùng khi bỏ dấu", "đảo thứ tự / thiếu tên đệm", "gần giống (JW ≥ 0,94)", "hơi giống (JW ≥ 0,85)", "khác"},
       1, -1, 5},
      {"birth_date", "Ngày sinh", "Date of birth",
       {"exact", "day_month_swapped", "one_digit_off", "same_year", "same_year_other_date", "different"},
       {"trùng khớp", "đảo ngày và tháng", "lệch một chữ số", "cùng năm", "cùng năm, khác ngày tháng", "khác năm"},
       -1, -1, 4},
      {"gender", "Giới tính", "Gender", {"same", "different"}, {"giống", "khác"}, -1, -1, 1},
      {"citizen_id", "Số CCCD/CMND", "Citizen ID",
       {"exact", "one_digit_off", "old_vs_new", "different", "different_valid"},
       {"trùng khớp", "lệch một chữ số", "CMND 9 số với CCCD 12 số (không so được)", "khác",
        "khác, cả hai là số CCCD hợp lệ"},
       -1, 2, 3},
      {"home_town", "Quê quán", "Home town", {"exact", "similar", "different"}, {"trùng khớp", "gần giống", "khác"}, 0, -1, 2},
      {"admitted_on", "Ngày vào Đảng", "Admission date",
       {"exact", "day_month_swapped", "one_digit_off", "same_year", "same_year_other_date", "different"},
       {"trùng khớp", "đảo ngày và tháng", "lệch một chữ số", "cùng năm", "cùng năm, khác ngày tháng", "khác năm"},
       -1, -1, 4},
      {"phone", "Điện thoại", "Phone", {"exact", "last7", "different"}, {"trùng khớp", "trùng 7 số cuối", "khác"}, -1, -1, 2},
      {"card_number", "Số thẻ đảng viên", "Party card number",
       {"exact", "one_digit_off", "different"},
       {"trùng khớp", "lệch một chữ số", "khác"},
       -1, -1, 2},
  }};
  return v;
}

std::array<uint32_t, kFields + 1> radix() {
  std::array<uint32_t, kFields + 1> r{};
  r[0] = 1;
  for (int f = 0; f < kFields; ++f) r[f + 1] = r[f] * uint32_t(infos()[f].levels.size() + 1);
  return r;
}
const std::array<uint32_t, kFields + 1> kRadix = radix();

// ddmmyyyy digits of a packed date with day precision.
void date_digits(int32_t p, char out[8]) {
  int y = p / 10000, m = p / 100 % 100, d = p % 100;
  out[0] = char('0' + d / 10), out[1] = char('0' + d % 10);
  out[2] = char('0' + m / 10), out[3] = char('0' + m % 10);
  out[4] = char('0' + y / 1000 % 10), out[5] = char('0' + y / 100 % 10), out[6] = char('0' + y / 10 % 10),
  out[7] = char('0' + y % 10);
}

std::string_view padded(uint64_t v, int len, char* buf) {
  for (int k = len - 1; k >= 0; --k) buf[k] = char('0' + v % 10), v /= 10;
  return std::string_view(buf, std::size_t(len));
}

// Decimal digits of v (no leading zeros) in buf[20].
std::string_view digits(uint64_t v, char* buf) {
  int n = 20;
  do {
    buf[--n] = char('0' + v % 10);
    v /= 10;
  } while (v);
  return std::string_view(buf + n, std::size_t(20 - n));
}

}  // namespace

uint32_t pattern_count() { return kRadix[kFields]; }

const FieldInfo& field_info(int f) { return infos()[std::size_t(f)]; }
int field_levels(int f) { return int(infos()[std::size_t(f)].levels.size()); }
bool weighed(int f, uint8_t level) { return level != kNull && int(level) != infos()[std::size_t(f)].neutral_level; }

uint32_t encode(const Gamma& g) {
  uint32_t c = 0;
  for (int f = 0; f < kFields; ++f) {
    uint32_t l = g.lv[f] == kNull ? uint32_t(infos()[f].levels.size()) : g.lv[f];
    c += l * kRadix[f];
  }
  return c;
}

Gamma decode(uint32_t code) {
  Gamma g;
  for (int f = 0; f < kFields; ++f) {
    uint32_t l = code / kRadix[f] % uint32_t(infos()[f].levels.size() + 1);
    g.lv[f] = l == infos()[f].levels.size() ? kNull : uint8_t(l);
  }
  return g;
}

uint8_t compare_dates(int32_t a, int32_t b) {
  if (a == 0 || b == 0) return kNull;
  const int ya = a / 10000, yb = b / 10000, ma = a / 100 % 100, mb = b / 100 % 100, da = a % 100, db = b % 100;
  const bool full = da && db && ma && mb;
  if (a == b) return full ? 0 : 3;
  if (full) {
    if (ya == yb && da == mb && ma == db) return 1;
    char x[8], y[8];
    date_digits(a, x);
    date_digits(b, y);
    // one digit changed, or two adjacent digits swapped (same length: 8 digits each)
    int first = -1, diffs = 0;
    for (int k = 0; k < 8; ++k)
      if (x[k] != y[k]) {
        if (first < 0) first = k;
        if (++diffs > 2) break;
      }
    if (diffs == 1) return 2;
    if (diffs == 2 && first < 7 && x[first] == y[first + 1] && x[first + 1] == y[first]) return 2;
  }
  if (ya != yb) return 5;
  // same year: do the parts both sides give contradict each other?
  if ((ma && mb && ma != mb) || (ma == mb && da && db && da != db)) return 4;
  return 3;
}

Gamma compare(const Dataset& d, uint32_t i, uint32_t j) {
  const Rec& a = d.recs[i];
  const Rec& b = d.recs[j];
  Gamma g;
  // name
  if (!a.name_key || !b.name_key) g.lv[f_name] = kNull;
  else if (a.name_std == b.name_std) g.lv[f_name] = 0;
  else if (a.name_key == b.name_key) g.lv[f_name] = 1;
  else if (a.sorted_key == b.sorted_key ||
           (a.fam_key == b.fam_key && a.giv_key == b.giv_key && (a.mid_key == 0) != (b.mid_key == 0)))
    g.lv[f_name] = 2;
  else {
    double s = jaro_winkler(d.text.str(a.name_key), d.text.str(b.name_key));
    g.lv[f_name] = s >= 0.94 ? 3 : s >= 0.85 ? 4 : 5;
  }
  g.lv[f_birth_date] = compare_dates(a.birth, b.birth);
  g.lv[f_gender] = a.gender < 0 || b.gender < 0 ? kNull : a.gender == b.gender ? 0 : 1;
  // citizen ID
  if (!a.cid_len || !b.cid_len) g.lv[f_citizen_id] = kNull;
  else if (a.cid_len != b.cid_len) g.lv[f_citizen_id] = 2;
  else if (a.cid == b.cid) g.lv[f_citizen_id] = 0;
  else {
    char x[12], y[12];
    g.lv[f_citizen_id] = one_digit_off(padded(a.cid, a.cid_len, x), padded(b.cid, b.cid_len, y)) ? 1
                         : a.cid_valid && b.cid_valid                                           ? 4
                                                                                                : 3;
  }
  // home town
  if (!a.town_key || !b.town_key) g.lv[f_home_town] = kNull;
  else if (a.town_key == b.town_key) g.lv[f_home_town] = 0;
  else if (!d.town_dense.empty())
    g.lv[f_home_town] = d.town_level[std::size_t(d.town_dense[a.town_key] - 1) * d.town_distinct + (d.town_dense[b.town_key] - 1)];
  else g.lv[f_home_town] = town_similarity_level(d.text.str(a.town_key), d.text.str(b.town_key));
  g.lv[f_admitted_on] = compare_dates(a.admitted, b.admitted);
  // phone
  if (!a.phone || !b.phone) g.lv[f_phone] = kNull;
  else if (a.phone == b.phone) g.lv[f_phone] = 0;
  else g.lv[f_phone] = a.phone % 10000000 == b.phone % 10000000 ? 1 : 2;
  // card
  if (!a.card || !b.card) g.lv[f_card] = kNull;
  else if (a.card == b.card) g.lv[f_card] = 0;
  else {
    char x[20], y[20];
    g.lv[f_card] = one_digit_off(digits(a.card, x), digits(b.card, y)) ? 1 : 2;
  }
  return g;
}

}  // namespace dangbo::linkage
