// dangbo::quality — column mapping: which input column holds which member field.
#pragma once

#include <optional>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include "quality/reader.hpp"

namespace dangbo::quality {

/// The member fields a roster column can hold (GLOSSARY.md terms).
enum class Field {
  none,              // not a member field: cleaned as plain text
  row_number,        // STT, TT: the row's number in the list
  id,                // Mã hồ sơ, Mã số đảng viên …: the file's own code of the record
  member_id,         // Mã, Mã đảng viên, Mã ĐV, ID: the registry's member id (as its export writes it)
  full_name,         // Họ và tên
  family_middle,     // Họ đệm / Họ và tên đệm (with a separate "Tên" column)
  family_name,       // Họ
  middle_name,       // Tên đệm
  given_name,        // Tên
  other_names,       // Bí danh, tên gọi khác
  gender,            // Giới tính
  birth_date,        // Ngày sinh
  birth_place,       // Nơi sinh
  home_town,         // Quê quán
  residence,         // Nơi thường trú / Địa chỉ
  residence_code,    // Mã ĐVHC thường trú
  ethnicity,         // Dân tộc
  religion,          // Tôn giáo
  citizen_id,        // Số CCCD / CMND / số định danh
  phone,             // Điện thoại / SĐT
  email,             // Email
  admitted_on,       // Ngày vào Đảng
  full_member_on,    // Ngày chính thức
  card_number,       // Số thẻ đảng viên
  card_issued_on,    // Ngày cấp thẻ
  education,         // Trình độ giáo dục phổ thông
  professional,      // Trình độ chuyên môn
  theory_level,      // Lý luận chính trị
  occupation,        // Nghề nghiệp
  position,          // Chức vụ
  status,            // Tình trạng (dự bị / chính thức …)
  org_name,          // Chi bộ
  org_code,          // Mã chi bộ
};

/// Stable English name of a field ("full_name", "birth_date", …), as in mapping files.
std::string_view field_name(Field f);
/// The field of a stable name; nullopt when unknown.
std::optional<Field> parse_field(std::string_view name);
/// Vietnamese label ("Họ và tên", "Ngày sinh", …).
std::string_view field_label_vi(Field f);

/// Recognises a header text: "Họ và tên", "HO_TEN", "HoTen", "Ho va ten", "Số CCCD (12 số)",
/// "Ngày sinh", "NS" … Matching is on the diacritic-free, case-free text with spaces, "_",
/// "/", "." and parenthesised notes removed. Returns Field::none when not recognised.
Field recognise_header(std::string_view header);

/// The mapping of one input table.
struct Mapping {
  std::vector<std::string> header;  // column names as in the input (UTF-8, repaired)
  std::vector<Field> fields;        // one per column
  int id_column = -1;               // the column whose value identifies a row in findings
  /// Columns that repeat an earlier one: (later column, earlier column), when both carry the
  /// same name or were given the same field. The earlier keeps the field; the later is plain text.
  std::vector<std::pair<int, int>> duplicates;

  /// The column's name in mapping files: its header, or for a header that an earlier column
  /// also has, "<header> (cột N)" with N its 1-based position, so each column can be mapped.
  std::string column_key(std::size_t column) const;

  /// Index of the first column mapped to f, or -1.
  int column_of(Field f) const;
  bool has(Field f) const { return column_of(f) >= 0; }
};

/// Builds the mapping of a header by recognise_header. When a field is recognised in two
/// columns, the first keeps it and the others become Field::none. The id column is the
/// `member_id` column if any, else the `id` column, else the row-number column (STT).
Mapping auto_mapping(const std::vector<std::string>& header);

/// Mapping file (JSON, UTF-8): {"columns": {"<input header>": "<field name>", …}}. Columns
/// not listed keep the recognised field; "none" unmaps a column. A header that several columns
/// carry names the first of them; the others are "<header> (cột N)" (Mapping::column_key). Throws std::runtime_error with
/// a Vietnamese message on a malformed file or an unknown field name.
void apply_mapping_file(Mapping& m, const std::string& path);
/// Writes the mapping in that format (every column listed, fields by name).
void save_mapping_file(const Mapping& m, const std::string& path);
/// apply_mapping_file on the JSON text itself (a mapping kept in the database, or chosen on the
/// upload page); `source` names it in the messages.
void apply_mapping_json(Mapping& m, std::string_view json, std::string_view source);
/// The mapping in the mapping-file format, as a string.
std::string mapping_json(const Mapping& m);

/// Finds the header among the first records: the record (of the first `max_scan`) with the
/// most recognised column names, at least two; the first record when none has two. Returns its
/// index in `records`.
std::size_t find_header_row(const std::vector<RawRecord>& records, std::size_t max_scan = 10);

/// The header text of record `header` (cells repaired to UTF-8 NFC and trimmed), completed
/// from merged cells: a cell merged across columns gives its text to every column it spans, and
/// when the next record has text under such a merged cell (a two-row header, "Ngày" over
/// "vào Đảng" and "chính thức") the two are joined ("Ngày vào Đảng") and `*two_rows` is set;
/// when only the sub-header is a known header ("Ngày tháng năm" over "Vào Đảng"), it is used.
std::vector<std::string> build_header(const std::vector<RawRecord>& records, std::size_t header,
                                      const std::vector<RecordReader::Merge>& merges, bool* two_rows);

}  // namespace dangbo::quality
