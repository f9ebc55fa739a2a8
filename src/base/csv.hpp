// dangbo::base — writing CSV cells (RFC 4180) for the files dangbo hands out: exports that staff
// open in Excel, and files that dangbo itself reads back.
#pragma once
#include <string>
#include <string_view>

namespace dangbo::base {

/// Whether a cell that would start a spreadsheet formula is defused.
///  - formula: a cell starting with = + - @ TAB or CR gets a leading apostrophe, so Excel shows it
///    as text instead of running it (OWASP "CSV injection"). For every file a person opens that
///    holds what somebody typed (member exports, de-duplication results).
///  - none: the value as it is, for files dangbo reads back itself (the generated roster, a
///    restructuring plan), where an apostrophe would become part of the value.
enum class CsvGuard { formula, none };

/// Appends `v` (UTF-8) to `out` as one CSV cell: quoted when it holds a comma, a double quote, CR
/// or LF, with quotes doubled; the guard's apostrophe goes inside the quotes.
inline void append_csv_cell(std::string& out, std::string_view v, CsvGuard guard = CsvGuard::formula) {
  const bool defuse = guard == CsvGuard::formula && !v.empty() &&
                      (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r');
  const bool quote = v.find_first_of(",\"\r\n") != std::string_view::npos;
  if (quote) out += '"';
  if (defuse) out += '\'';
  if (!quote) {
    out += v;
    return;
  }
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

/// append_csv_cell into a new string.
inline std::string csv_cell(std::string_view v, CsvGuard guard = CsvGuard::formula) {
  std::string out;
  append_csv_cell(out, v, guard);
  return out;
}

}  // namespace dangbo::base
