// Civil dates with an explicit precision (day, month or year only), as member records need.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace dangbo::base {

/// How much of a date the source actually gave.
enum class DatePrecision { day, month, year };

/// A civil (calendar) date. When precision is month or year, the missing parts are 1.
struct CivilDate {
  std::chrono::year_month_day ymd{};
  DatePrecision precision = DatePrecision::day;

  int year() const { return int(ymd.year()); }
  unsigned month() const { return unsigned(ymd.month()); }
  unsigned day() const { return unsigned(ymd.day()); }
  /// Days since 1970-01-01.
  long days() const { return std::chrono::sys_days(ymd).time_since_epoch().count(); }
  auto operator<=>(const CivilDate& o) const { return days() <=> o.days(); }
  bool operator==(const CivilDate& o) const { return ymd == o.ymd && precision == o.precision; }

  /// ISO form: "1963-08-07", "1963-08" (month precision) or "1963" (year precision).
  std::string iso() const;
  /// Vietnamese display form: "07/08/1963", "08/1963" or "1963".
  std::string display() const;
};

/// Parses the ISO forms written by CivilDate::iso(); nullopt when malformed or impossible
/// (e.g. "1970-02-30").
std::optional<CivilDate> parse_iso_date(std::string_view s);

/// Parses a date as users type it: "07/08/1963" (dd/mm/yyyy, also with '-' or '.'),
/// "1963-08-07", "08/1963" (month precision), "1963" (year precision). nullopt when malformed
/// or impossible; never guesses.
std::optional<CivilDate> parse_user_date(std::string_view s);

/// Today's date (UTC+7, Vietnam time).
CivilDate today();

/// Whole years between two dates (age on `on` of someone born `born`), counting by day.
int years_between(const CivilDate& born, const CivilDate& on);
/// Whole months between two dates.
int months_between(const CivilDate& from, const CivilDate& to);

CivilDate make_date(int y, unsigned m, unsigned d);
CivilDate add_days(const CivilDate& d, long n);
CivilDate add_months(const CivilDate& d, int n);

}  // namespace dangbo::base
