// dangbo::quality — a synthetic roster with known dirt, for tests and benchmarks of `clean`
// and of record linkage (`dangbo gen-roster --messy [--duplicates RATE] --out F --truth T`).
//
// The clean members come from registry::RosterGenerator (same seed → same members). Each
// cell is then, with a known probability, written the way real exports spoil it; every spoiled
// cell is listed in the truth file with the value a correct cleaner writes.
//
// Roster columns: STT, Họ và tên, Giới tính, Ngày sinh, Dân tộc, Tôn giáo, Quê quán, Nơi sinh,
// Nơi thường trú, Số CCCD, Điện thoại, Ngày vào Đảng, Ngày chính thức, Số thẻ, Ngày cấp thẻ,
// Trình độ GDPT, Chuyên môn, Lý luận chính trị, Nghề nghiệp, Chức vụ, Tình trạng, Chi bộ,
// Mã chi bộ, Dữ liệu mô phỏng (UTF-8 with BOM, CRLF; spoiled cells may hold other encodings'
// text as it shows through Windows-1252).
//
// Truth file (UTF-8, comma-separated, one header line):
//   stt,column,kind,expect,correct,dirty
//   - stt: the row's STT (the roster's id column);
//   - column: the roster column as in the header (empty for a whole-row truth);
//   - kind: what was done ("name_tcvn3", "date_excel_serial", "cccd_wrong_gender", …);
//   - expect: fix   — a cleaner must write `correct` in that cell;
//             flag  — the value cannot be fixed from the row alone: a cleaner must raise a
//                     finding on that cell and must not change it to anything but `correct`
//                     (`correct` is the true value, e.g. the birth date behind "30/02/1970";
//                     for an old ward split in 2025 one of the proposed wards is `correct`);
//             none  — a legitimate difference (a re-entered duplicate's variation): nothing
//                     to fix, `correct` is the value as written;
//             cluster — record linkage: `correct` is the cluster id ("C<stt of the first
//                     record>"); every record of a cluster (the original and each duplicate)
//                     has one such line, column empty, kind "duplicate";
//   - dirty: the value as written in the roster.
// Rows are written in roster order; cluster lines come when the duplicate is written.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>

#include "base/date.hpp"
#include "registry/refdata.hpp"

namespace dangbo::quality {

struct MessyOptions {
  std::int64_t members = 50000;
  std::uint64_t seed = 1;
  double duplicates = 0;    // extra rows: re-entered true duplicates, as a share of members
  double error_scale = 1;   // multiplies every injection rate (0 = a clean roster)
  base::CivilDate as_of = base::make_date(2025, 7, 1);
};

struct MessyStats {
  std::int64_t rows = 0, duplicate_rows = 0, truth_lines = 0;
  std::map<std::string, std::int64_t> by_kind;
};

/// Writes the messy roster to `out` and the truth to `truth`. Deterministic for (RefData,
/// options). Throws std::runtime_error when RefData lacks HCMC units.
MessyStats write_messy_roster(const registry::RefData& rd, const MessyOptions& opts, std::ostream& out,
                              std::ostream& truth);

}  // namespace dangbo::quality
