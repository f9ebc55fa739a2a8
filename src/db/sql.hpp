// dangbo::db::sql — statements with named text parameters whose rows come back as strings
// (SOCI converts numbers to text on SQLite and PostgreSQL alike), so one SQL text serves both
// back ends. User data reaches SQL only through Query::add (bound, never spliced).
#pragma once
#include <soci/soci.h>

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dangbo::db::sql {

/// One result row, every column as text; NULL reads as "".
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

/// SQL text with :p1, :p2 … parameters bound by name (all as text). add() returns the
/// placeholder to splice into the text (followed by a space).
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

/// Runs q and calls on_row(row) for each of its rows (ncols columns, read as text).
template <class F>
void each(soci::session& sql, Query& q, std::size_t ncols, F&& on_row) {
  Row row(ncols);
  soci::statement st(sql);
  for (std::size_t k = 0; k < ncols; ++k) st.exchange(soci::into(row.v[k], row.ind[k]));
  for (std::size_t k = 0; k < q.params.size(); ++k) st.exchange(soci::use(q.params[k], q.names[k]));
  st.alloc();
  st.prepare(q.text, soci::details::st_one_time_query);  // PostgreSQL: one round trip (unnamed statement), not prepare + execute + deallocate
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) on_row(row);
}

/// "(:p1, :p2 …)" binding each value, for "col IN " + in_list(q, values).
inline std::string in_list(Query& q, const std::vector<std::string>& values) {
  std::string s = "(";
  for (std::size_t i = 0; i < values.size(); ++i) s += (i ? "," : "") + q.add(values[i]);
  return s + ")";
}

/// Runs a statement that returns no rows; returns the number of rows affected.
inline long long exec(soci::session& sql, Query& q) {
  soci::statement st(sql);
  for (std::size_t k = 0; k < q.params.size(); ++k) st.exchange(soci::use(q.params[k], q.names[k]));
  st.alloc();
  st.prepare(q.text, soci::details::st_one_time_query);  // PostgreSQL: one round trip (unnamed statement), not prepare + execute + deallocate
  st.define_and_bind();
  st.execute(true);
  return st.get_affected_rows();
}

/// The single value of a one-row, one-column query ("" when no row or NULL).
inline std::string scalar(soci::session& sql, Query& q) {
  std::string out;
  each(sql, q, 1, [&](const Row& r) { out = r.s(0); });
  return out;
}

/// Decimal text → integer (0 when it is not a number).
inline int64_t to_i64(std::string_view t) {
  int64_t x = 0;
  std::from_chars(t.data(), t.data() + t.size(), x);
  return x;
}

/// True on PostgreSQL (COPY, advisory locks, RETURNING …), false on SQLite.
inline bool is_postgresql(soci::session& sql) { return sql.get_backend_name() == "postgresql"; }

/// Appends `s` to a COPY … FROM STDIN text-format line, escaped (backslash, tab, newline, CR).
inline void copy_append(std::string& o, std::string_view s) {
  for (char c : s) {
    if (c == '\\') o += "\\\\";
    else if (c == '\t') o += "\\t";
    else if (c == '\n') o += "\\n";
    else if (c == '\r') o += "\\r";
    else o += c;
  }
}

}  // namespace dangbo::db::sql
