#include "base/date.hpp"

#include <fmt/format.h>

#include <vector>

namespace dangbo::base {
using namespace std::chrono;

std::string CivilDate::iso() const {
  switch (precision) {
    case DatePrecision::year: return fmt::format("{:04d}", year());
    case DatePrecision::month: return fmt::format("{:04d}-{:02d}", year(), month());
    default: return fmt::format("{:04d}-{:02d}-{:02d}", year(), month(), day());
  }
}

std::string CivilDate::display() const {
  switch (precision) {
    case DatePrecision::year: return fmt::format("{:04d}", year());
    case DatePrecision::month: return fmt::format("{:02d}/{:04d}", month(), year());
    default: return fmt::format("{:02d}/{:02d}/{:04d}", day(), month(), year());
  }
}

static bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

static int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

std::optional<CivilDate> parse_iso_date(std::string_view s) {
  CivilDate d;
  if (s.size() == 4 && all_digits(s)) {
    d.ymd = year(to_int(s)) / January / 1;
    d.precision = DatePrecision::year;
    return d;
  }
  if (s.size() == 7 && s[4] == '-' && all_digits(s.substr(0, 4)) && all_digits(s.substr(5, 2))) {
    int m = to_int(s.substr(5, 2));
    if (m < 1 || m > 12) return std::nullopt;
    d.ymd = year(to_int(s.substr(0, 4))) / month(m) / 1;
    d.precision = DatePrecision::month;
    return d;
  }
  if (s.size() == 10 && s[4] == '-' && s[7] == '-' && all_digits(s.substr(0, 4)) &&
      all_digits(s.substr(5, 2)) && all_digits(s.substr(8, 2))) {
    year_month_day ymd{year(to_int(s.substr(0, 4))), month(unsigned(to_int(s.substr(5, 2)))),
                       day(unsigned(to_int(s.substr(8, 2))))};
    if (!ymd.ok()) return std::nullopt;
    d.ymd = ymd;
    return d;
  }
  return std::nullopt;
}

std::optional<CivilDate> parse_user_date(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (auto d = parse_iso_date(s)) return d;
  // split on / - .
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '/' || s[i] == '-' || s[i] == '.') {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  for (auto p : parts)
    if (!all_digits(p) || p.size() > 4) return std::nullopt;
  CivilDate d;
  if (parts.size() == 3 && parts[2].size() == 4 && parts[0].size() <= 2 && parts[1].size() <= 2) {
    year_month_day ymd{year(to_int(parts[2])), month(unsigned(to_int(parts[1]))), day(unsigned(to_int(parts[0])))};
    if (!ymd.ok()) return std::nullopt;
    d.ymd = ymd;
    return d;
  }
  if (parts.size() == 2 && parts[1].size() == 4 && parts[0].size() <= 2) {
    int m = to_int(parts[0]);
    if (m < 1 || m > 12) return std::nullopt;
    d.ymd = year(to_int(parts[1])) / month(m) / 1;
    d.precision = DatePrecision::month;
    return d;
  }
  return std::nullopt;
}

CivilDate today() {
  auto now = system_clock::now() + hours(7);
  CivilDate d;
  d.ymd = year_month_day(floor<days>(now));
  return d;
}

int years_between(const CivilDate& born, const CivilDate& on) {
  int y = on.year() - born.year();
  if (on.month() < born.month() || (on.month() == born.month() && on.day() < born.day())) --y;
  return y;
}

int months_between(const CivilDate& from, const CivilDate& to) {
  int m = (to.year() - from.year()) * 12 + int(to.month()) - int(from.month());
  if (to.day() < from.day()) --m;
  return m;
}

CivilDate make_date(int y, unsigned m, unsigned d) {
  CivilDate c;
  c.ymd = year(y) / month(m) / day(d);
  return c;
}

CivilDate add_days(const CivilDate& d, long n) {
  CivilDate c = d;
  c.ymd = year_month_day(sys_days(d.ymd) + days(n));
  return c;
}

CivilDate add_months(const CivilDate& d, int n) {
  CivilDate c = d;
  auto ym = year_month(d.ymd.year(), d.ymd.month()) + months(n);
  auto last = (ym.year() / ym.month() / std::chrono::last).day();
  c.ymd = ym.year() / ym.month() / (d.ymd.day() > last ? last : d.ymd.day());
  return c;
}

}  // namespace dangbo::base
