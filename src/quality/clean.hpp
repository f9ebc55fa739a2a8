// dangbo::quality — `dangbo clean`: standardize a roster file into a cleaned CSV and a
// findings CSV, with no database. Streaming (memory bounded by a few chunks of rows) and
// parallel (rows are standardized in chunks by several threads, written in input order).
//
// OUT.csv (UTF-8 with BOM, comma-separated, CRLF): the input's header and columns in the
// input's order, values standardized, rows in input order (blank rows dropped, rejected rows
// not written), plus family_name, middle_name, given_name when a name column was found.
// FINDINGS.csv (UTF-8 with BOM): line, id, column, code, severity, message, original, suggested
// — one line per finding; `line` is the input line (CSV) or sheet row (XLSX) where the row
// starts, `id` the value of the input's id column (Mã, ID, STT …) when it has one, `column`
// the column's header as in the input (empty for a whole-row finding). Lines come in input order,
// chunk by chunk (2,048 rows); within a chunk the duplicate-ID and duplicate-card findings (which
// need every earlier row) follow the others.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>

#include "quality/mapping.hpp"
#include "quality/standardizer.hpp"

namespace dangbo::quality {

struct CleanJob {
  std::string input;                  // .csv / .txt / .tsv, or .xlsx (recognised by content)
  std::string output, findings;       // paths of OUT.csv and FINDINGS.csv
  std::string mapping_file;           // optional: apply this mapping (JSON) to the detected one
  std::string save_mapping;           // optional: write the mapping used
  std::string sheet;                  // XLSX: the sheet to read (default: most data rows)
  std::optional<char> delimiter;      // CSV: force the delimiter
  int threads = 2;                    // worker threads
  std::size_t chunk_rows = 2048;      // rows per work unit
};

struct CleanStats {
  std::string source;                 // reader description
  Mapping mapping;
  std::size_t header_line = 0;        // line of the header row
  std::int64_t preamble_rows = 0;     // records above the header (titles)
  std::int64_t rows_read = 0;         // data rows (blank rows excluded)
  std::int64_t rows_written = 0;
  std::int64_t rows_rejected = 0;
  std::int64_t blank_rows = 0;
  std::int64_t findings = 0;
  std::int64_t by_severity[3] = {0, 0, 0};
  std::map<std::string, std::int64_t> by_code;
  double seconds = 0;
};

/// Runs the whole job. Throws std::runtime_error (Vietnamese message) when a file cannot be
/// read or written or the input has no header; data problems are findings, never exceptions.
CleanStats run_clean(const registry::RefData& rd, const base::RuleSet& rules, const CleanOptions& opts,
                     const CleanJob& job);

/// Prints the summary (mapping, row accounting "rows read = written + rejected", findings by
/// severity and by code, time and rows/s).
void print_clean_summary(std::ostream& out, const CleanStats& s);

/// Appends one CSV field (quoted when it holds a comma, quote, line break or edge spaces).
void csv_append(std::string& line, std::string_view v);

}  // namespace dangbo::quality
