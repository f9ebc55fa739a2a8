// dangbo::linkage — reading people from member lists (CSV or XLSX) for `dangbo dedupe FILE…`.
//
// Uses the data-cleaning module: its readers (quality::CsvReader / XlsxReader: encodings,
// delimiters, quotes, merged header cells), its header recognition and column mapping, and its
// cell standardizers (names with legacy encodings and tone marks, dates in every usual form,
// citizen IDs with lost leading zeros, phones renumbered in 2018, places on the 2025 map). Only
// the fields linkage compares are standardized.
#pragma once

#include <cstdint>
#include <string>

#include "linkage/record.hpp"

namespace dangbo::quality {
class Standardizer;
}

namespace dangbo::linkage {

struct FileStats {
  std::string path;
  std::string source;     // the reader's description ("CSV, UTF-8 (BOM), delimiter ','")
  uint64_t rows = 0;      // data rows read (header and blank rows excluded)
  uint64_t rows_without_name = 0;  // kept, compared on their other fields
  std::string id_header;  // header of the id column ("" → line numbers are the ids)
  double seconds_read = 0, seconds_standardize = 0, seconds_add = 0;  // wall time of each step
};

// Reads one file and adds every data row to d (Person::source = source). The id of a row is
// the value of its id column (quality::Mapping::id_column: an id column, else STT; or the
// column named `id_column`), else its line number. Standardizes on `threads` threads.
// Throws std::runtime_error (Vietnamese) when the file cannot be read, has no data or no name
// column, or `id_column` is not in its header.
FileStats read_people(const std::string& path, uint16_t source, const quality::Standardizer& st,
                      const std::string& id_column, int threads, Dataset& d);

// Parses a gender value as standardized ("Nam" → 0, "Nữ" → 1) or typed (nam, M, male, nữ, F,
// female); −1 when unknown.
int parse_gender_cell(std::string_view s);

}  // namespace dangbo::linkage
