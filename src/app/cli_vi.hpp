// The command line in Vietnamese: CLI11's own words (the help screens' headings, placeholders,
// the -h,--help line, and its parse errors) replaced, command and option names kept.
#pragma once
#include <CLI/CLI.hpp>

#include <string>

namespace dangbo::app {

/// Applies to `app` and every sub-command under it (call once all are added, before parsing):
/// headings "Cách dùng", "Tùy chọn", "Tham số", "Lệnh"; placeholders CHUỖI / SỐ and "(bắt buộc)";
/// the help flag's line; description columns aligned by characters, not bytes (UTF-8); and
/// parse errors as one Vietnamese line "dangbo: …" followed by "Xem hướng dẫn: dangbo … --help".
void localize_cli(CLI::App& app);

/// A CLI11 parse error in Vietnamese ("--org is required" → "thiếu --org"); a message it does
/// not know is returned as it is.
std::string parse_error_vi(const std::string& message);

}  // namespace dangbo::app
