// dangbo::quality — pieces shared by the importer's files (not a public API): SQL helpers with
// named text parameters (rows read back as text, the same on SQLite and PostgreSQL), the job
// table, the importer's state.
#pragma once
#include <soci/soci.h>

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "db/sql.hpp"
#include "quality/import.hpp"

namespace dangbo::quality {
// The SQL helpers are db::sql's (src/db/sql.hpp), under the importer's short name.
namespace isql = db::sql;
}  // namespace dangbo::quality

namespace dangbo::quality::detail {

/// Text fit for the database and for people: valid UTF-8 kept; other bytes (a legacy file's
/// cell) shown through Windows-1252, as a spreadsheet would show them.
std::string displayable(std::string_view s);
std::string base64_encode(std::string_view bin);
std::string base64_decode(std::string_view b64);
/// A JSON array of strings.
std::string json_strings(const std::vector<std::string>& v);
std::vector<std::string> parse_json_strings(std::string_view json);

/// Columns of import_job read by load_job (in order), and how many.
extern const char* const kJobCols;
inline constexpr std::size_t kJobColCount = 35;
ImportJob job_from(const isql::Row& r);

/// host:pid of this process.
const std::string& runner_id();

/// Header detection shared by preview and run: reads up to 12 records, finds the header,
/// builds it (merged cells, two-row headers) and returns the records that follow it.
struct HeaderRead {
  std::vector<std::string> header;
  std::size_t header_line = 0;
  std::vector<RawRecord> after;  // records read past the header (data rows)
  std::string source;
  bool fix_sheet = false;
};
std::unique_ptr<RecordReader> open_reader(const ImportFile& f);
HeaderRead read_header(RecordReader& rd);
/// The cleaned header text of a record's cells (UTF-8, NFC, trimmed).
std::string clean_header_cell(std::string_view raw);

/// The fix sheet's header (findings_xlsx): column names in order.
const std::vector<std::string>& fix_sheet_header();

/// The member rows of the fix sheet, applied through the registry service (import_fixes.cpp).
ImportResult run_fix_job(Importer::Impl& im, ImportJob job, const security::Actor* actor,
                         const std::function<void(const ImportProgress&)>& progress, const std::atomic<bool>* cancel);

/// Marks the job done / failed with its counters; a dry run that is done loses its stored file.
void finish_job(db::Database& db, ImportJob& j, const std::string& status, const std::string& message);

}  // namespace dangbo::quality::detail

namespace dangbo::quality {

struct Importer::Impl {
  Impl(db::Database& d, const registry::RefData& r, const base::RuleSet& ru, CleanOptions o)
      : db(d), rd(r), rules(ru), opts(o), st(r, ru, o) {}
  db::Database& db;
  const registry::RefData& rd;
  const base::RuleSet& rules;
  CleanOptions opts;
  Standardizer st;
  ImportResult run_roster(ImportJob job, const security::Actor* actor,
                          const std::function<void(const ImportProgress&)>& progress, const std::atomic<bool>* cancel);
};

}  // namespace dangbo::quality
