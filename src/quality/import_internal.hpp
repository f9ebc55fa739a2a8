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

#include "quality/import.hpp"

namespace dangbo::quality::isql {

struct Row {
  std::vector<std::string> v;
  std::vector<soci::indicator> ind;
  explicit Row(std::size_t n) : v(n), ind(n, soci::i_null) {}
  const std::string& s(std::size_t i) const {
    static const std::string empty;
    return ind[i] == soci::i_ok ? v[i] : empty;
  }
  bool null(std::size_t i) const { return ind[i] != soci::i_ok; }
  int64_t i(std::size_t k) const {
    int64_t x = 0;
    const std::string& t = s(k);
    std::from_chars(t.data(), t.data() + t.size(), x);
    return x;
  }
};

/// SQL text with :p1, :p2 … parameters bound by name (all as text).
struct Query {
  std::string text;
  std::vector<std::string> params, names;
  explicit Query(std::string t = "") : text(std::move(t)) {}
  std::string add(std::string v) {
    params.push_back(std::move(v));
    names.push_back("p" + std::to_string(params.size()));
    return ":" + names.back() + " ";
  }
  std::string add(int64_t v) { return add(std::to_string(v)); }
  std::string add(int v) { return add(std::to_string(v)); }
};

template <class F>
void each(soci::session& sql, Query& q, std::size_t ncols, F&& on_row) {
  Row row(ncols);
  soci::statement st(sql);
  for (std::size_t k = 0; k < ncols; ++k) st.exchange(soci::into(row.v[k], row.ind[k]));
  for (std::size_t k = 0; k < q.params.size(); ++k) st.exchange(soci::use(q.params[k], q.names[k]));
  st.alloc();
  st.prepare(q.text);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) on_row(row);
}

inline long long exec(soci::session& sql, Query& q) {
  soci::statement st(sql);
  for (std::size_t k = 0; k < q.params.size(); ++k) st.exchange(soci::use(q.params[k], q.names[k]));
  st.alloc();
  st.prepare(q.text);
  st.define_and_bind();
  st.execute(true);
  return st.get_affected_rows();
}

inline std::string scalar(soci::session& sql, Query& q) {
  std::string out;
  each(sql, q, 1, [&](const Row& r) { out = r.s(0); });
  return out;
}

inline int64_t to_i64(std::string_view t) {
  int64_t x = 0;
  std::from_chars(t.data(), t.data() + t.size(), x);
  return x;
}

/// "IN (:p1, :p2 …)" for the values.
inline std::string in_list(Query& q, const std::vector<std::string>& values) {
  std::string s = "(";
  for (std::size_t i = 0; i < values.size(); ++i) s += (i ? "," : "") + q.add(values[i]);
  return s + ")";
}

bool is_pg(soci::session& sql);

}  // namespace dangbo::quality::isql

namespace dangbo::quality::detail {

/// Text fit for the database and for people: valid UTF-8 kept; other bytes (a legacy file's
/// cell) shown through Windows-1252, as a spreadsheet would show them.
std::string displayable(std::string_view s);
std::string base64_encode(std::string_view bin);
std::string base64_decode(std::string_view b64);
/// A JSON array of strings.
std::string json_strings(const std::vector<std::string>& v);
std::vector<std::string> parse_json_strings(std::string_view json);

/// Columns of import_job read by load_job (in order).
extern const char* const kJobCols;
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
