#include "registry/phone.hpp"

#include <algorithm>
#include <vector>

namespace dangbo::registry {

namespace {

struct PrefixMap {
  std::string_view old4, new3;
};
// The 2018 move from 11 to 10 digits (datacleaning.md §3.2): MobiFone, VinaPhone, Viettel,
// Vietnamobile, Gmobile.
constexpr PrefixMap kMobile2018[] = {
    {"0120", "070"}, {"0121", "079"}, {"0122", "077"}, {"0126", "076"}, {"0128", "078"},
    {"0123", "083"}, {"0124", "084"}, {"0125", "085"}, {"0127", "081"}, {"0129", "082"},
    {"0162", "032"}, {"0163", "033"}, {"0164", "034"}, {"0165", "035"}, {"0166", "036"},
    {"0167", "037"}, {"0168", "038"}, {"0169", "039"}, {"0186", "056"}, {"0188", "058"},
    {"0199", "059"},
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim_ascii(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

bool valid_mobile(std::string_view d) {
  return d.size() == 10 && d[0] == '0' && (d[1] == '3' || d[1] == '5' || d[1] == '7' || d[1] == '8' || d[1] == '9');
}
bool valid_landline(std::string_view d) { return d.size() == 11 && d[0] == '0' && d[1] == '2'; }

// One number of a cell.
PhoneNumber normalize_one(std::string_view s) {
  PhoneNumber r;
  s = trim_ascii(s);
  bool plus = false;
  std::string d;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (is_digit(c)) d += c;
    else if (c == '+' && d.empty()) plus = true;
    else if (c == ' ' || c == '.' || c == '-' || c == '(' || c == ')' || c == '\t') continue;
    else if (static_cast<unsigned char>(c) == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0)
      ++i;
    else {
      r.value.assign(s);
      return r;  // letters or other symbols
    }
  }
  if (d.size() > 4 && d.compare(0, 4, "0084") == 0) d = "0" + d.substr(4), r.change = 2;
  else if (d.size() >= 11 && d.size() <= 12 && d.compare(0, 2, "84") == 0) d = "0" + d.substr(2), r.change = 2;
  else if (plus && d.compare(0, 2, "84") == 0) d = "0" + d.substr(2), r.change = 2;
  if (d.size() == 9 && d[0] != '0' && valid_mobile("0" + d)) d = "0" + d, r.change = std::max(r.change, 1);
  else if (d.size() == 10 && d[0] == '2') d = "0" + d, r.change = std::max(r.change, 1);
  if (d.size() == 11 && d.compare(0, 2, "01") == 0) {
    auto np = new_mobile_prefix(std::string_view(d).substr(0, 4));
    if (!np.empty()) {
      r.old_prefix = d.substr(0, 4);
      r.new_prefix = np;
      d = std::string(np) + d.substr(4);
      r.change = 3;
    }
  }
  r.value = d;
  r.ok = valid_mobile(d) || valid_landline(d);
  return r;
}

}  // namespace

std::string_view new_mobile_prefix(std::string_view old4) {
  for (auto& p : kMobile2018)
    if (p.old4 == old4) return p.new3;
  return {};
}

PhoneNumber normalize_phone(std::string_view text) {
  PhoneNumber out;
  std::string_view s = trim_ascii(text);
  if (s.empty()) {
    out.ok = true;
    return out;
  }
  // Several numbers in one cell.
  std::vector<std::string_view> parts;
  {
    std::size_t i = 0;
    while (i <= s.size()) {
      std::size_t j = s.find_first_of(";,/", i);
      std::size_t dash = s.find(" - ", i);
      if (dash != std::string_view::npos && (j == std::string_view::npos || dash < j)) {
        parts.push_back(s.substr(i, dash - i));
        i = dash + 3;
        continue;
      }
      if (j == std::string_view::npos) {
        parts.push_back(s.substr(i));
        break;
      }
      parts.push_back(s.substr(i, j - i));
      i = j + 1;
    }
  }
  std::string joined;
  bool all_ok = true, any = false;
  for (auto p : parts) {
    if (trim_ascii(p).empty()) continue;
    PhoneNumber one = normalize_one(p);
    all_ok = all_ok && one.ok;
    out.change = std::max(out.change, one.change);
    if (!one.old_prefix.empty()) out.old_prefix = one.old_prefix, out.new_prefix = one.new_prefix;
    if (any) joined += "; ";
    joined += one.value;
    any = true;
  }
  out.ok = all_ok && any;
  out.value = out.ok ? std::move(joined) : std::string(s);
  return out;
}

}  // namespace dangbo::registry
