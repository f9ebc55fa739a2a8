// dangbo::linkage — reading people from member lists (CSV) for `dangbo dedupe FILE…`.
//
// A small reader of its own until the data-cleaning module's readers (src/quality) are in
// the build: RFC 4180 CSV (quotes, "" escapes, line breaks inside quotes), UTF-8 with or without
// BOM, delimiter , ; TAB or | (the one the header line splits best on), CRLF or LF. Legacy
// 8-bit cells are passed as bytes; names are repaired per field by vntext::repair_text.
// Columns are found by their header (Vietnamese export names or English keys, matched without
// diacritics and case): see column_aliases().
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "linkage/record.hpp"

namespace dangbo::linkage {

// Where each field is in a file (column index, or −1 when the file has none).
struct ColumnMap {
  int id = -1, name = -1, family = -1, middle = -1, given = -1, gender = -1, birth = -1, citizen_id = -1,
      home_town = -1, admitted = -1, phone = -1, card = -1, org = -1;
  std::string id_header;  // header of the id column ("" → line numbers are the ids)
};

// The header names recognised for each field (as search keys: lower case, no diacritics).
const std::map<std::string, std::vector<std::string>>& column_aliases();

// Maps a header row. `id_column` (a header name) overrides the automatic choice of the id column
// ("" = automatic: id, mã đảng viên, mã hồ sơ, mã, STT — the first present).
// Throws std::runtime_error (Vietnamese) when neither a full-name column nor a given-name column
// exists.
ColumnMap map_columns(const std::vector<std::string>& header, const std::string& id_column = "");

struct FileStats {
  std::string path;
  uint64_t rows = 0;            // data rows read (header excluded)
  uint64_t rows_without_name = 0;  // rows kept but with no name (compared on the other fields)
  ColumnMap columns;
};

// Reads a CSV file and calls on_person for every data row (id = the id column's value, else the
// 1-based line number of the row in the file). Throws std::runtime_error when the file cannot
// be read or has no usable header.
FileStats read_people_csv(const std::string& path, uint16_t source, const std::string& id_column,
                          const std::function<void(const Person&)>& on_person);

// Parses a gender cell: Nam / M / male / 1 → 0, Nữ / F / female / 0… → see the code; −1 when unknown.
int parse_gender_cell(std::string_view s);

}  // namespace dangbo::linkage
