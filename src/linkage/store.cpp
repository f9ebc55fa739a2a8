#include "linkage/store.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <charconv>

#include "db/database.hpp"
#include "db/sql.hpp"
#include "registry/store.hpp"

namespace dangbo::linkage {

namespace json = boost::json;

namespace {

int64_t to_i64(const std::string& s) {
  int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}
double to_f64(const std::string& s) {
  try {
    return s.empty() ? 0.0 : std::stod(s);
  } catch (...) {
    return 0.0;
  }
}

// Every column of a SELECT bound into strings (SOCI converts numbers to text on both back ends).
struct TextRow {
  std::vector<std::string> v;
  std::vector<soci::indicator> ind;
  explicit TextRow(std::size_t n) : v(n), ind(n, soci::i_null) {}
  void bind(soci::statement& st) {
    for (std::size_t i = 0; i < v.size(); ++i) st.exchange(soci::into(v[i], ind[i]));
  }
  const std::string& s(std::size_t i) const {
    static const std::string empty;
    return ind[i] == soci::i_ok ? v[i] : empty;
  }
  bool null(std::size_t i) const { return ind[i] != soci::i_ok; }
};

// A statement with named parameters bound as text, in the order added.
struct Query {
  std::string text;
  std::vector<std::string> params, names;
  std::string add(std::string v) {
    params.push_back(std::move(v));
    names.push_back("p" + std::to_string(params.size()));
    return ":" + names.back() + " ";
  }
};

template <class F>
void run_rows(soci::session& sql, Query& q, std::size_t ncols, F&& on_row) {
  TextRow row(ncols);
  soci::statement st(sql);
  row.bind(st);
  for (std::size_t i = 0; i < q.params.size(); ++i) st.exchange(soci::use(q.params[i], q.names[i]));
  st.alloc();
  st.prepare(q.text);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) on_row(row);
}

void run_exec(soci::session& sql, Query& q) {
  soci::statement st(sql);
  for (std::size_t i = 0; i < q.params.size(); ++i) st.exchange(soci::use(q.params[i], q.names[i]));
  st.alloc();
  st.prepare(q.text);
  st.define_and_bind();
  st.execute(true);
}

int64_t last_id(soci::session& sql) {
  long long id = 0;
  sql << "SELECT last_insert_rowid()", soci::into(id);
  return id;
}

constexpr const char* kPairCols =
    "id, run_id, member_a, member_b, probability, match_weight, levels, evidence, band, status, org_path_a, org_path_b";

PairRow pair_from(const TextRow& r) {
  PairRow p;
  p.id = to_i64(r.s(0));
  p.run_id = to_i64(r.s(1));
  p.member_a = to_i64(r.s(2));
  p.member_b = to_i64(r.s(3));
  p.probability = to_f64(r.s(4));
  p.match_weight = to_f64(r.s(5));
  p.levels = r.s(6);
  p.evidence = r.s(7);
  p.band = r.s(8);
  p.status = r.s(9);
  p.org_path_a = r.s(10);
  p.org_path_b = r.s(11);
  return p;
}

constexpr const char* kMergeCols =
    "id, survivor_id, absorbed_id, pair_id, survivor_after_version, actor_name, merged_at, choices, survivor_before, "
    "absorbed_row, org_path, undone_at, undone_by";

MergeRow merge_from(const TextRow& r) {
  MergeRow m;
  m.id = to_i64(r.s(0));
  m.survivor_id = to_i64(r.s(1));
  m.absorbed_id = to_i64(r.s(2));
  m.pair_id = to_i64(r.s(3));
  m.survivor_after_version = to_i64(r.s(4));
  m.actor_name = r.s(5);
  m.merged_at = r.s(6);
  m.choices = r.s(7);
  m.survivor_before = r.s(8);
  m.absorbed_row = r.s(9);
  m.org_path = r.s(10);
  m.undone_at = r.s(11);
  m.undone_by = r.s(12);
  return m;
}

// Table and column names come from our own code and the database's catalogue, never from users;
// still, only plain identifiers are accepted.
void check_ident(const std::string& s) {
  if (s.empty()) throw std::runtime_error("linkage store: empty identifier");
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
      throw std::runtime_error("linkage store: bad identifier " + s);
}

}  // namespace

bool is_postgresql(soci::session& sql) { return db::sql::is_postgresql(sql); }

void read_members(soci::session& sql, const std::string& path, const std::function<void(const MemberRow&)>& on_row) {
  Query q;
  q.text =
      "SELECT m.id, m.family_name, m.middle_name, m.given_name, m.gender, m.birth_date, m.citizen_id, m.home_town, "
      "m.admitted_on, m.phone, m.card_number, m.org_path, o.code FROM member m JOIN organization o ON o.id = m.org_id "
      "WHERE m.org_path >= " +
      q.add(path) + "AND m.org_path < " + q.add(registry::subtree_end(path)) +
      "AND m.status IN ('probationary', 'full', 'exempted') ORDER BY m.id";
  MemberRow m;
  run_rows(sql, q, 13, [&](const TextRow& r) {
    m.id = to_i64(r.s(0));
    m.family = r.s(1);
    m.middle = r.s(2);
    m.given = r.s(3);
    m.gender = r.s(4);
    m.birth_date = r.s(5);
    m.citizen_id = r.s(6);
    m.home_town = r.s(7);
    m.admitted_on = r.s(8);
    m.phone = r.s(9);
    m.card_number = r.s(10);
    m.org_path = r.s(11);
    m.org_code = r.s(12);
    on_row(m);
  });
}

int64_t insert_run(soci::session& sql, const RunRow& r) {
  std::string now = r.started_at.empty() ? db::now_utc() : r.started_at;
  long long id = 0;
  const bool pg = is_postgresql(sql);
  std::string text =
      "INSERT INTO dedupe_run(started_at, actor_name, scope_path, threshold, review_low) VALUES (:s, :a, :p, :t, :r)";
  double th = r.threshold, lo = r.review_low;
  if (pg) {
    sql << text + " RETURNING id", soci::use(now), soci::use(r.actor_name), soci::use(r.scope_path), soci::use(th),
        soci::use(lo), soci::into(id);
    return id;
  }
  sql << text, soci::use(now), soci::use(r.actor_name), soci::use(r.scope_path), soci::use(th), soci::use(lo);
  return last_id(sql);
}

void finish_run(soci::session& sql, int64_t run_id, int64_t records, int64_t compared, const std::string& model,
                const std::string& stats) {
  std::string now = db::now_utc();
  long long id = run_id, rec = records, cmp = compared;
  sql << "UPDATE dedupe_run SET finished_at = :f, records = :r, compared_pairs = :c, model = :m, stats = :s WHERE id = :id",
      soci::use(now), soci::use(rec), soci::use(cmp), soci::use(model), soci::use(stats), soci::use(id);
}

std::optional<RunRow> latest_run(soci::session& sql, const std::string& scope_path) {
  Query q;
  q.text = "SELECT id, started_at, finished_at, actor_name, scope_path, records, compared_pairs, threshold, review_low, "
           "model, stats FROM dedupe_run WHERE scope_path >= " +
           q.add(scope_path) + "AND scope_path < " + q.add(registry::subtree_end(scope_path)) +
           "AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1";
  std::optional<RunRow> out;
  run_rows(sql, q, 11, [&](const TextRow& r) {
    RunRow x;
    x.id = to_i64(r.s(0));
    x.started_at = r.s(1);
    x.finished_at = r.s(2);
    x.actor_name = r.s(3);
    x.scope_path = r.s(4);
    x.records = to_i64(r.s(5));
    x.compared_pairs = to_i64(r.s(6));
    x.threshold = to_f64(r.s(7));
    x.review_low = to_f64(r.s(8));
    x.model = r.s(9);
    x.stats = r.s(10);
    out = x;
  });
  return out;
}

void insert_pairs(soci::session& sql, const std::vector<PairRow>& pairs) {
  const std::size_t kChunk = 5000;
  for (std::size_t at = 0; at < pairs.size(); at += kChunk) {
    const std::size_t n = std::min(kChunk, pairs.size() - at);
    std::vector<long long> run(n), a(n), b(n);
    std::vector<double> p(n), w(n);
    std::vector<std::string> lv(n), ev(n), band(n), status(n), pa(n), pb(n);
    for (std::size_t k = 0; k < n; ++k) {
      const PairRow& x = pairs[at + k];
      run[k] = x.run_id, a[k] = x.member_a, b[k] = x.member_b, p[k] = x.probability, w[k] = x.match_weight;
      lv[k] = x.levels, ev[k] = x.evidence, band[k] = x.band, status[k] = x.status, pa[k] = x.org_path_a,
      pb[k] = x.org_path_b;
    }
    sql << "INSERT INTO dedupe_pair(run_id, member_a, member_b, probability, match_weight, levels, evidence, band, "
           "status, org_path_a, org_path_b) VALUES (:r, :a, :b, :p, :w, :l, :e, :band, :s, :pa, :pb)",
        soci::use(run), soci::use(a), soci::use(b), soci::use(p), soci::use(w), soci::use(lv), soci::use(ev),
        soci::use(band), soci::use(status), soci::use(pa), soci::use(pb);
  }
}

void supersede_pairs(soci::session& sql, int64_t run_id, const std::string& scope_path) {
  Query q;
  std::string end = registry::subtree_end(scope_path);
  q.text = "UPDATE dedupe_pair SET status = 'superseded' WHERE status = 'open' AND run_id <> " +
           q.add(std::to_string(run_id)) + "AND org_path_a >= " + q.add(scope_path) + "AND org_path_a < " + q.add(end) +
           "AND org_path_b >= " + q.add(scope_path) + "AND org_path_b < " + q.add(end);
  run_exec(sql, q);
}

std::optional<PairRow> find_pair(soci::session& sql, int64_t id) {
  Query q;
  q.text = std::string("SELECT ") + kPairCols + " FROM dedupe_pair WHERE id = " + q.add(std::to_string(id));
  std::optional<PairRow> out;
  run_rows(sql, q, 12, [&](const TextRow& r) { out = pair_from(r); });
  return out;
}

void set_pair_status(soci::session& sql, int64_t id, const std::string& status) {
  long long i = id;
  sql << "UPDATE dedupe_pair SET status = :s WHERE id = :id", soci::use(status), soci::use(i);
}

std::vector<PairRow> open_pairs(soci::session& sql, const std::string& scope_path, const std::string& band, int limit,
                                std::optional<std::pair<double, int64_t>> after) {
  Query q;
  std::string end = registry::subtree_end(scope_path);
  q.text = std::string("SELECT ") + kPairCols + " FROM dedupe_pair WHERE status = 'open' AND band = " + q.add(band) +
           "AND org_path_a >= " + q.add(scope_path) + "AND org_path_a < " + q.add(end) + "AND org_path_b >= " +
           q.add(scope_path) + "AND org_path_b < " + q.add(end);
  if (after) {
    std::string p = std::to_string(after->first), id = std::to_string(after->second);
    // (probability, id) after the cursor in the order probability DESC, id ASC
    q.text += "AND (probability < " + q.add(p) + "OR (probability = " + q.add(p) + "AND id > " + q.add(id) + "))";
  }
  q.text += " ORDER BY probability DESC, id LIMIT " + std::to_string(std::max(1, limit));
  std::vector<PairRow> out;
  run_rows(sql, q, 12, [&](const TextRow& r) { out.push_back(pair_from(r)); });
  return out;
}

int64_t count_open_pairs(soci::session& sql, const std::string& scope_path, const std::string& band) {
  Query q;
  std::string end = registry::subtree_end(scope_path);
  q.text = "SELECT count(*) FROM dedupe_pair WHERE status = 'open' AND band = " + q.add(band) + "AND org_path_a >= " +
           q.add(scope_path) + "AND org_path_a < " + q.add(end) + "AND org_path_b >= " + q.add(scope_path) +
           "AND org_path_b < " + q.add(end);
  int64_t n = 0;
  run_rows(sql, q, 1, [&](const TextRow& r) { n = to_i64(r.s(0)); });
  return n;
}

std::vector<int64_t> open_pairs_of_member(soci::session& sql, int64_t member_id) {
  Query q;
  std::string id = std::to_string(member_id);
  q.text = "SELECT id FROM dedupe_pair WHERE status = 'open' AND (member_a = " + q.add(id) + "OR member_b = " + q.add(id) + ")";
  std::vector<int64_t> out;
  run_rows(sql, q, 1, [&](const TextRow& r) { out.push_back(to_i64(r.s(0))); });
  return out;
}

std::set<std::pair<int64_t, int64_t>> different_decisions(soci::session& sql) {
  Query q;
  q.text = "SELECT member_a, member_b FROM dedupe_decision WHERE decision = 'different'";
  std::set<std::pair<int64_t, int64_t>> out;
  run_rows(sql, q, 2, [&](const TextRow& r) { out.emplace(to_i64(r.s(0)), to_i64(r.s(1))); });
  return out;
}

std::optional<std::string> decision(soci::session& sql, int64_t a, int64_t b) {
  Query q;
  q.text = "SELECT decision FROM dedupe_decision WHERE member_a = " + q.add(std::to_string(std::min(a, b))) +
           "AND member_b = " + q.add(std::to_string(std::max(a, b)));
  std::optional<std::string> out;
  run_rows(sql, q, 1, [&](const TextRow& r) { out = r.s(0); });
  return out;
}

void put_decision(soci::session& sql, int64_t a, int64_t b, const std::string& dec, std::optional<int64_t> actor_id,
                  const std::string& actor_name, std::optional<int64_t> pair_id) {
  long long x = std::min(a, b), y = std::max(a, b);
  sql << "DELETE FROM dedupe_decision WHERE member_a = :a AND member_b = :b", soci::use(x), soci::use(y);
  long long act = actor_id.value_or(0), pid = pair_id.value_or(0);
  soci::indicator ai = actor_id ? soci::i_ok : soci::i_null, pi = pair_id ? soci::i_ok : soci::i_null;
  std::string now = db::now_utc();
  sql << "INSERT INTO dedupe_decision(member_a, member_b, decision, actor_id, actor_name, decided_at, pair_id) "
         "VALUES (:a, :b, :d, :act, :n, :t, :p)",
      soci::use(x), soci::use(y), soci::use(dec), soci::use(act, ai), soci::use(actor_name), soci::use(now),
      soci::use(pid, pi);
}

void delete_decision(soci::session& sql, int64_t a, int64_t b) {
  long long x = std::min(a, b), y = std::max(a, b);
  sql << "DELETE FROM dedupe_decision WHERE member_a = :a AND member_b = :b", soci::use(x), soci::use(y);
}

std::optional<json::object> row_snapshot(soci::session& sql, const std::string& table, int64_t id) {
  check_ident(table);
  soci::row r;
  long long i = id;
  sql << "SELECT * FROM " + table + " WHERE id = :id", soci::use(i), soci::into(r);
  if (!sql.got_data()) return std::nullopt;
  json::object o;
  for (std::size_t c = 0; c < r.size(); ++c) {
    const soci::column_properties& p = r.get_properties(c);
    std::string name = p.get_name();
    for (auto& ch : name) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    if (r.get_indicator(c) == soci::i_null) {
      o[name] = nullptr;
      continue;
    }
    switch (p.get_data_type()) {
      case soci::dt_integer: o[name] = int64_t(r.get<int>(c)); break;
      case soci::dt_long_long: o[name] = int64_t(r.get<long long>(c)); break;
      case soci::dt_unsigned_long_long: o[name] = int64_t(r.get<unsigned long long>(c)); break;
      case soci::dt_double: o[name] = r.get<double>(c); break;
      case soci::dt_string: o[name] = r.get<std::string>(c); break;
      default: throw std::runtime_error("linkage store: column " + name + " of " + table + " has a type snapshots do not keep");
    }
  }
  return o;
}

void row_restore(soci::session& sql, const std::string& table, const json::object& row, bool insert) {
  check_ident(table);
  // Values by kind, in stable storage (soci::use keeps references).
  std::vector<std::string> names;
  std::vector<std::string> texts;
  std::vector<long long> ints;
  std::vector<double> reals;
  std::vector<soci::indicator> inds;
  struct Ref {
    char kind;
    std::size_t at;
  };
  std::vector<Ref> refs;
  texts.reserve(row.size());
  ints.reserve(row.size());
  reals.reserve(row.size());
  inds.reserve(row.size());
  long long id = 0;
  for (auto& [k, v] : row) {
    std::string name(k);
    check_ident(name);
    if (name == "id") {
      id = v.as_int64();
      if (!insert) continue;
    }
    names.push_back(name);
    if (v.is_null()) {
      texts.emplace_back();
      inds.push_back(soci::i_null);
      refs.push_back({'s', texts.size() - 1});
    } else if (v.is_int64() || v.is_uint64()) {
      ints.push_back(v.to_number<long long>());
      inds.push_back(soci::i_ok);
      refs.push_back({'i', ints.size() - 1});
    } else if (v.is_double()) {
      reals.push_back(v.as_double());
      inds.push_back(soci::i_ok);
      refs.push_back({'d', reals.size() - 1});
    } else {
      texts.emplace_back(v.as_string());
      inds.push_back(soci::i_ok);
      refs.push_back({'s', texts.size() - 1});
    }
  }
  std::string text;
  if (insert) {
    std::string cols, ph;
    for (std::size_t k = 0; k < names.size(); ++k) {
      cols += (k ? ", " : "") + names[k];
      ph += (k ? ", :v" : ":v") + std::to_string(k);
    }
    text = "INSERT INTO " + table + "(" + cols + ") VALUES (" + ph + ")";
  } else {
    std::string set;
    for (std::size_t k = 0; k < names.size(); ++k) set += (k ? ", " : "") + names[k] + " = :v" + std::to_string(k);
    text = "UPDATE " + table + " SET " + set + " WHERE id = :id";
  }
  soci::statement st(sql);
  for (std::size_t k = 0; k < refs.size(); ++k) {
    switch (refs[k].kind) {
      case 'i': st.exchange(soci::use(ints[refs[k].at], inds[k])); break;
      case 'd': st.exchange(soci::use(reals[refs[k].at], inds[k])); break;
      default: st.exchange(soci::use(texts[refs[k].at], inds[k])); break;
    }
  }
  if (!insert) st.exchange(soci::use(id));
  st.alloc();
  st.prepare(text);
  st.define_and_bind();
  st.execute(true);
}

int64_t insert_merge(soci::session& sql, const MergeRow& m, std::optional<int64_t> actor_id) {
  long long s = m.survivor_id, a = m.absorbed_id, p = m.pair_id, v = m.survivor_after_version, act = actor_id.value_or(0);
  soci::indicator ai = actor_id ? soci::i_ok : soci::i_null, pi = m.pair_id ? soci::i_ok : soci::i_null;
  std::string text =
      "INSERT INTO dedupe_merge(survivor_id, absorbed_id, pair_id, actor_id, actor_name, merged_at, choices, "
      "survivor_before, absorbed_row, survivor_after_version, org_path) VALUES (:s, :a, :p, :act, :n, :t, :c, :sb, :ar, "
      ":v, :o)";
  if (is_postgresql(sql)) {
    long long id = 0;
    sql << text + " RETURNING id", soci::use(s), soci::use(a), soci::use(p, pi), soci::use(act, ai),
        soci::use(m.actor_name), soci::use(m.merged_at), soci::use(m.choices), soci::use(m.survivor_before),
        soci::use(m.absorbed_row), soci::use(v), soci::use(m.org_path), soci::into(id);
    return id;
  }
  sql << text, soci::use(s), soci::use(a), soci::use(p, pi), soci::use(act, ai), soci::use(m.actor_name),
      soci::use(m.merged_at), soci::use(m.choices), soci::use(m.survivor_before), soci::use(m.absorbed_row), soci::use(v),
      soci::use(m.org_path);
  return last_id(sql);
}

std::optional<MergeRow> find_merge(soci::session& sql, int64_t id) {
  Query q;
  q.text = std::string("SELECT ") + kMergeCols + " FROM dedupe_merge WHERE id = " + q.add(std::to_string(id));
  std::optional<MergeRow> out;
  run_rows(sql, q, 13, [&](const TextRow& r) { out = merge_from(r); });
  return out;
}

std::vector<MergeRow> merges_of(soci::session& sql, int64_t member_id) {
  Query q;
  std::string id = std::to_string(member_id);
  q.text = std::string("SELECT ") + kMergeCols + " FROM dedupe_merge WHERE survivor_id = " + q.add(id) +
           "OR absorbed_id = " + q.add(id) + "ORDER BY id DESC";
  std::vector<MergeRow> out;
  run_rows(sql, q, 13, [&](const TextRow& r) { out.push_back(merge_from(r)); });
  return out;
}

void mark_merge_undone(soci::session& sql, int64_t id, const std::string& by) {
  long long i = id;
  std::string now = db::now_utc();
  sql << "UPDATE dedupe_merge SET undone_at = :t, undone_by = :b WHERE id = :id", soci::use(now), soci::use(by),
      soci::use(i);
}

void insert_ref_changes(soci::session& sql, int64_t merge_id, const std::vector<RefChange>& v) {
  for (auto& c : v) {
    long long m = merge_id, old = c.old_member_id;
    int closed = c.closed ? 1 : 0;
    std::string key = json::serialize(c.key);
    sql << "INSERT INTO dedupe_merge_ref(merge_id, tbl, col, row_key, old_member_id, closed) "
           "VALUES (:m, :t, :c, :k, :o, :cl)",
        soci::use(m), soci::use(c.table), soci::use(c.column), soci::use(key), soci::use(old), soci::use(closed);
  }
}

std::vector<RefChange> ref_changes(soci::session& sql, int64_t merge_id) {
  Query q;
  q.text = "SELECT tbl, col, row_key, old_member_id, closed FROM dedupe_merge_ref WHERE merge_id = " +
           q.add(std::to_string(merge_id)) + "ORDER BY tbl, col, row_key";
  std::vector<RefChange> out;
  run_rows(sql, q, 5, [&](const TextRow& r) {
    RefChange c;
    c.table = r.s(0);
    c.column = r.s(1);
    c.key = json::parse(r.s(2)).as_object();
    c.old_member_id = to_i64(r.s(3));
    c.closed = r.s(4) == "1";
    out.push_back(std::move(c));
  });
  return out;
}

std::vector<MemberRef> member_references(soci::session& sql) {
  std::vector<MemberRef> out;
  if (is_postgresql(sql)) {
    Query q;
    q.text =
        "SELECT cl.relname, att.attname FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid "
        "JOIN pg_attribute att ON att.attrelid = c.conrelid AND att.attnum = ANY (c.conkey) "
        "WHERE c.contype = 'f' AND c.confrelid = 'member'::regclass ORDER BY 1, 2";
    run_rows(sql, q, 2, [&](const TextRow& r) { out.push_back({r.s(0), r.s(1), {}}); });
    for (auto& ref : out) {
      Query k;
      k.text =
          "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) "
          "WHERE i.indisprimary AND i.indrelid = " +
          k.add(ref.table) + "::regclass ORDER BY a.attnum";
      run_rows(sql, k, 1, [&](const TextRow& r) { ref.pk.push_back(r.s(0)); });
    }
    return out;
  }
  std::vector<std::string> tables;
  {
    Query q;
    q.text = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
    run_rows(sql, q, 1, [&](const TextRow& r) { tables.push_back(r.s(0)); });
  }
  for (auto& t : tables) {
    check_ident(t);
    std::vector<std::string> cols;
    Query q;
    q.text = "SELECT \"table\", \"from\" FROM pragma_foreign_key_list('" + t + "')";
    run_rows(sql, q, 2, [&](const TextRow& r) {
      if (r.s(0) == "member") cols.push_back(r.s(1));
    });
    if (cols.empty()) continue;
    std::vector<std::pair<int, std::string>> pk;
    Query k;
    k.text = "SELECT pk, name FROM pragma_table_info('" + t + "') WHERE pk > 0";
    run_rows(sql, k, 2, [&](const TextRow& r) { pk.emplace_back(int(to_i64(r.s(0))), r.s(1)); });
    std::sort(pk.begin(), pk.end());
    std::vector<std::string> names;
    for (auto& [n, c] : pk) names.push_back(c);
    if (names.empty()) names.push_back("rowid");
    for (auto& c : cols) out.push_back({t, c, names});
  }
  return out;
}

std::vector<json::object> referring_rows(soci::session& sql, const MemberRef& ref, int64_t member_id) {
  check_ident(ref.table);
  check_ident(ref.column);
  std::vector<json::object> out;
  if (ref.pk.empty()) return out;
  std::string cols;
  for (auto& c : ref.pk) {
    check_ident(c);
    cols += (cols.empty() ? "" : ", ") + c;
  }
  long long m = member_id;
  soci::rowset<soci::row> rs =
      (sql.prepare << "SELECT " + cols + " FROM " + ref.table + " WHERE " + ref.column + " = :m ORDER BY " + cols,
       soci::use(m));
  for (auto& r : rs) {
    json::object key;
    for (std::size_t c = 0; c < r.size(); ++c) {
      const auto& p = r.get_properties(c);
      switch (p.get_data_type()) {
        case soci::dt_integer: key[ref.pk[c]] = int64_t(r.get<int>(c)); break;
        case soci::dt_long_long: key[ref.pk[c]] = int64_t(r.get<long long>(c)); break;
        case soci::dt_unsigned_long_long: key[ref.pk[c]] = int64_t(r.get<unsigned long long>(c)); break;
        case soci::dt_double: key[ref.pk[c]] = r.get<double>(c); break;
        default: key[ref.pk[c]] = r.get<std::string>(c); break;
      }
    }
    out.push_back(std::move(key));
  }
  return out;
}

void set_reference(soci::session& sql, const std::string& table, const std::string& column, const json::object& key,
                   int64_t member_id) {
  check_ident(table);
  check_ident(column);
  std::vector<long long> ints;
  std::vector<double> reals;
  std::vector<std::string> texts;
  ints.reserve(key.size());
  reals.reserve(key.size());
  texts.reserve(key.size());
  std::string where;
  long long m = member_id;
  soci::statement st(sql);
  st.exchange(soci::use(m));
  int k = 0;
  for (auto& [c, v] : key) {
    std::string name(c);
    check_ident(name);
    where += std::string(k ? " AND " : "") + name + " = :k" + std::to_string(k);
    if (v.is_int64() || v.is_uint64()) {
      ints.push_back(v.to_number<long long>());
      st.exchange(soci::use(ints.back()));
    } else if (v.is_double()) {
      reals.push_back(v.as_double());
      st.exchange(soci::use(reals.back()));
    } else {
      texts.emplace_back(v.is_string() ? std::string(v.as_string()) : json::serialize(v));
      st.exchange(soci::use(texts.back()));
    }
    ++k;
  }
  if (where.empty()) throw std::runtime_error("linkage store: a reference without a key");
  st.alloc();
  st.prepare("UPDATE " + table + " SET " + column + " = :m WHERE " + where);
  st.define_and_bind();
  st.execute(true);
}

bool references(soci::session& sql, const std::string& table, const std::string& column, int64_t id) {
  check_ident(table);
  check_ident(column);
  Query q;
  q.text = "SELECT 1 FROM " + table + " WHERE " + column + " = " + q.add(std::to_string(id)) + "LIMIT 1";
  bool found = false;
  run_rows(sql, q, 1, [&](const TextRow&) { found = true; });
  return found;
}

}  // namespace dangbo::linkage
