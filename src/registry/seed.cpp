#include "registry/seed.hpp"

#include "registry/counts.hpp"
#include "registry/member_columns.hpp"
#include "registry/name_index.hpp"

#include <cstdlib>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <libpq-fe.h>

#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "base/error.hpp"
#include "db/sql.hpp"
#include "registry/store.hpp"
#include "vntext/text.hpp"

namespace dangbo::registry {
using namespace sqlite_api;  // SOCI wraps sqlite3.h in this namespace

namespace {
std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (auto& x : v) s += (s.empty() ? "" : "|") + x;
  return s;
}
}  // namespace

void load_reference_data(db::Database& db, const RefData& ref) {
  auto s = db.session();
  soci::session& sql = *s;
  soci::transaction tr(sql);
  sql << "DELETE FROM admin_unit";
  sql << "DELETE FROM admin_unit_mapping";
  sql << "DELETE FROM controlled_value";
  {
    std::string code, level, era, name, full, type, parent, prov;
    double area = 0;
    long long pop = 0;
    soci::indicator pind = soci::i_ok;
    soci::statement st = (sql.prepare << "INSERT INTO admin_unit(code, level, era, name, full_name, unit_type, parent_code, "
                                         "province_code, area_km2, population) VALUES (:c, :l, :e, :n, :f, :t, :p, :pr, :a, :po)",
                          soci::use(code), soci::use(level), soci::use(era), soci::use(name), soci::use(full),
                          soci::use(type), soci::use(parent, pind), soci::use(prov), soci::use(area), soci::use(pop));
    auto put = [&](const AdminUnit& u, const char* lv, const char* er, const std::string& par) {
      code = u.code;
      level = lv;
      era = er;
      name = u.name;
      full = u.full_name;
      type = u.unit_type;
      parent = par;
      pind = par.empty() ? soci::i_null : soci::i_ok;
      prov = u.province_code;
      area = u.area_km2;
      pop = u.population;
      st.execute(true);
    };
    for (auto& u : ref.new_provinces()) put(u, "province", "post2025", "");
    for (auto& u : ref.new_communes()) put(u, "commune", "post2025", u.province_code);
    for (auto& u : ref.old_provinces()) put(u, "province", "pre2025", "");
    for (auto& u : ref.old_districts()) put(u, "district", "pre2025", u.province_code);
    for (auto& u : ref.old_communes()) put(u, "commune", "pre2025", u.district_code);
  }
  {
    std::string o, n;
    int full = 0, nt = 0;
    soci::statement st = (sql.prepare << "INSERT INTO admin_unit_mapping(old_code, new_code, full_coverage, n_targets) "
                                         "VALUES (:o, :n, :f, :t)",
                          soci::use(o), soci::use(n), soci::use(full), soci::use(nt));
    for (auto& m : ref.mappings()) {
      o = m.old_code;
      n = m.new_code;
      full = m.full ? 1 : 0;
      nt = m.n_targets;
      st.execute(true);
    }
  }
  {
    std::string kind, code, name, variants;
    soci::statement st = (sql.prepare << "INSERT INTO controlled_value(kind, code, name, variants) VALUES (:k, :c, :n, :v)",
                          soci::use(kind), soci::use(code), soci::use(name), soci::use(variants));
    auto put = [&](const char* k, const std::vector<ControlledValue>& vals) {
      for (auto& v : vals) {
        kind = k;
        code = v.code;
        name = v.name;
        variants = join(v.variants);
        st.execute(true);
      }
    };
    put("ethnicity", ref.ethnic_groups());
    put("religion", ref.religions());
    put("education", ref.education_levels());
    put("theory_level", ref.theory_levels());
  }
  tr.commit();
}

int64_t load_org_tree(db::Database& db, const std::vector<GeneratedOrg>& orgs, const GenOptions& opts) {
  auto s = db.session();
  soci::session& sql = *s;
  int n = 0;
  sql << "SELECT count(*) FROM organization", soci::into(n);
  if (n) return 0;
  soci::transaction tr(sql);
  std::unordered_map<std::string, std::pair<int64_t, std::string>> by_code;  // code → id, path
  int64_t count = 0;
  for (auto& g : orgs) {
    Organization o;
    o.code = g.code;
    o.name = g.name;
    o.kind = g.kind;
    o.admin_unit_code = g.admin_unit_code;
    o.valid_from = opts.as_of;
    o.synthetic = g.kind != OrgKind::city && g.kind != OrgKind::commune_committee;
    std::string parent_path;
    if (!g.parent_code.empty()) {
      auto it = by_code.find(g.parent_code);
      if (it == by_code.end())
        throw std::runtime_error("Tổ chức " + g.code + " ghi tổ chức cấp trên " + g.parent_code + " không có trong cây");
      o.parent_id = it->second.first;
      parent_path = it->second.second;
    }
    insert_org(sql, o, parent_path);
    by_code[o.code] = {o.id, o.path};
    ++count;
  }
  tr.commit();
  return count;
}

namespace {

struct OrgIndex {
  std::unordered_map<std::string, std::pair<int64_t, std::string>> by_code;
  explicit OrgIndex(soci::session& sql) {
    std::string code, path;
    long long id = 0;
    soci::statement st = (sql.prepare << "SELECT id, code, path FROM organization WHERE valid_to IS NULL", soci::into(id),
                          soci::into(code), soci::into(path));
    st.execute();
    while (st.fetch()) by_code[code] = {id, path};
  }
};

// The member columns written by the bulk path, in order.
// id, the value columns (member_columns.hpp), then the row's own columns.
const std::string kBulkCols =
    std::string("id, ") + kMemberValueCols + ", org_id, org_path, synthetic, version, created_at, updated_at";
constexpr int kBulkColCount = 1 + kMemberValueCount + 6;
// positions in kBulkCols
constexpr int kColId = 0, kColStatus = 1 + kMemberValueStatus, kColOrg = 1 + kMemberValueCount;

// True for the statuses on the rolls (counted in org_member_count).
bool counts_as_active(const std::string& status) {
  auto st = parse_member_status(status);
  return st && is_active(*st);
}

// Fills the text of each column (empty optional dates → null).
void bulk_values(const Member& m, int64_t id, const std::string& org_path, const std::string& now,
                 std::array<std::string, kBulkColCount>& v, std::array<bool, kBulkColCount>& null) {
  MemberValues mv;
  member_values(m, mv);
  v[kColId] = std::to_string(id);
  for (int i = 0; i < kMemberValueCount; ++i) v[1 + i] = std::move(mv[i]);
  v[kColOrg] = std::to_string(m.org_id);
  v[kColOrg + 1] = org_path;
  v[kColOrg + 2] = m.synthetic ? "1" : "0";
  v[kColOrg + 3] = "1";
  v[kColOrg + 4] = now;
  v[kColOrg + 5] = now;
  null.fill(false);
  for (int i = 0; i < kMemberValueCount; ++i) null[1 + i] = member_value_nullable(i) && v[1 + i].empty();
}

std::string copy_escape(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  db::sql::copy_append(o, s);
  return o;
}

// Prepared rows for the bulk paths, produced on a second thread (generation and the search and
// collation keys cost about as much as SQLite's insert, so the two overlap on two cores).
struct PreparedRow {
  std::array<std::string, kBulkColCount> v;
  std::array<bool, kBulkColCount> null{};
  int64_t id = 0, org_id = 0;
  std::string from;  // membership valid_from
};

class RowSource {
 public:
  using OrgMap = std::unordered_map<std::string, std::pair<int64_t, std::string>>;
  RowSource(RosterGenerator& gen, const OrgMap& orgs, int64_t first_id, std::string now, std::string as_of)
      : gen_(gen), orgs_(orgs), next_id_(first_id), now_(std::move(now)), as_of_(std::move(as_of)) {
    for (auto& c : chunks_) free_.push_back(&c);
    thread_ = std::thread([this] { produce(); });
  }
  ~RowSource() {
    {
      std::lock_guard l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  /// The next row, valid until the following call; nullptr at the end. Rethrows producer errors.
  const PreparedRow* next() {
    if (cur_ && pos_ < cur_->n) return &cur_->rows[pos_++];
    std::unique_lock l(mu_);
    if (cur_) {
      free_.push_back(cur_);
      cur_ = nullptr;
      cv_.notify_all();
    }
    cv_.wait(l, [&] { return !full_.empty() || done_; });
    if (full_.empty()) {
      if (error_) std::rethrow_exception(error_);
      return nullptr;
    }
    cur_ = full_.front();
    full_.pop_front();
    pos_ = 0;
    return &cur_->rows[pos_++];
  }

 private:
  struct Chunk {
    std::vector<PreparedRow> rows = std::vector<PreparedRow>(4096);
    std::size_t n = 0;
  };
  void produce() {
    try {
      Member m;
      std::string code;
      bool more = true;
      while (more) {
        Chunk* c;
        {
          std::unique_lock l(mu_);
          cv_.wait(l, [&] { return !free_.empty() || stop_; });
          if (stop_) break;
          c = free_.front();
          free_.pop_front();
        }
        c->n = 0;
        while (c->n < c->rows.size() && (more = gen_.next(m, code))) {
          auto it = orgs_.find(code);
          if (it == orgs_.end())
            throw std::runtime_error("Không sinh được đảng viên: cơ sở dữ liệu không có tổ chức mã " + code +
                                     " của cây tổ chức minh họa (cây này do --members và --seed quyết định); "
                                     "hãy nạp vào một cơ sở dữ liệu trống");
          PreparedRow& r = c->rows[c->n++];
          m.org_id = it->second.first;
          r.id = next_id_++;
          r.org_id = m.org_id;
          bulk_values(m, r.id, it->second.second, now_, r.v, r.null);
          r.from = m.admitted_on ? m.admitted_on->iso() : as_of_;
          if (r.from < as_of_) r.from = as_of_;
        }
        std::lock_guard l(mu_);
        if (c->n) full_.push_back(c);
        else free_.push_back(c);
        cv_.notify_all();
      }
    } catch (...) {
      std::lock_guard l(mu_);
      error_ = std::current_exception();
    }
    std::lock_guard l(mu_);
    done_ = true;
    cv_.notify_all();
  }

  RosterGenerator& gen_;
  const OrgMap& orgs_;
  int64_t next_id_;
  std::string now_, as_of_;
  std::array<Chunk, 3> chunks_;
  std::deque<Chunk*> free_, full_;
  Chunk* cur_ = nullptr;
  std::size_t pos_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false, done_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace

std::string roster_load_problem(db::Database& db, const RefData& ref, const std::vector<GeneratedOrg>& orgs,
                                const GenOptions& opts) {
  auto s = db.session();
  soci::session& sql = *s;
  OrgIndex idx(sql);
  if (idx.by_code.empty()) return {};  // an empty database: gen-roster creates the tree
  const std::string what_to_do =
      "Hãy nạp vào một cơ sở dữ liệu trống (ví dụ --db sqlite:var/roster-" + std::to_string(opts.members) +
      ".db), hoặc sinh tệp (--out roster.csv) rồi nạp bằng dangbo import --org MÃ";
  std::unordered_set<std::string> parents;
  for (auto& g : orgs) parents.insert(g.parent_code);
  int64_t leaves = 0, missing = 0;
  std::string example;
  for (auto& g : orgs) {
    if (parents.count(g.code)) continue;
    ++leaves;
    if (!idx.by_code.count(g.code)) {
      if (example.empty()) example = g.code;
      ++missing;
    }
  }
  if (missing)
    return "Cơ sở dữ liệu này đã có cây tổ chức (" + std::to_string(idx.by_code.size()) +
           " tổ chức), nhưng thiếu " + std::to_string(missing) + " trong " + std::to_string(leaves) +
           " chi bộ mà gen-roster --members " + std::to_string(opts.members) + " --seed " + std::to_string(opts.seed) +
           " xếp đảng viên vào (ví dụ mã " + example +
           "): số chi bộ và mã của chúng do --members và --seed quyết định, nên gen-roster chỉ nạp thêm được vào cây "
           "sinh với đúng --members và --seed đó. " + what_to_do + ".";
  // The same --members and --seed again: the same people (the same CCCDs) a second time.
  RosterGenerator gen(ref, orgs, opts);
  Member m;
  std::string code;
  for (int k = 0; k < 20 && gen.next(m, code); ++k) {
    if (m.citizen_id.empty()) continue;
    long long id = 0;
    sql << "SELECT id FROM member WHERE citizen_id = :c ORDER BY id LIMIT 1", soci::use(m.citizen_id), soci::into(id);
    if (sql.got_data())
      return "Cơ sở dữ liệu này đã có các đảng viên mà gen-roster --members " + std::to_string(opts.members) +
             " --seed " + std::to_string(opts.seed) + " sinh ra (ví dụ số CCCD " + m.citizen_id +
             " ở hồ sơ đảng viên số " + std::to_string(id) + "): nạp lần nữa sẽ trùng người. " + what_to_do + ".";
  }
  return {};
}

// From this many members a load logs one marker per batch in member_change, not each member
// (name_index.hpp: a marker, like any batch of over 50,000 changes, makes every server rebuild).
constexpr int64_t kBulkChangeLogFrom = 50000;
const std::string kBulkChangeMarker =
    "INSERT INTO member_change(member_id) VALUES (" + std::to_string(kMemberChangeRebuild) + ")";

int64_t load_roster(db::Database& db, const RefData& ref, const std::vector<GeneratedOrg>& orgs, const GenOptions& opts,
                    const std::function<void(int64_t)>& progress) {
  auto s = db.session();
  soci::session& sql = *s;
  OrgIndex idx(sql);
  long long max_id = 0;
  soci::indicator ind = soci::i_null;
  sql << "SELECT max(id) FROM member", soci::into(max_id, ind);
  int64_t next_id = (ind == soci::i_ok ? max_id : 0) + 1;
  RosterGenerator gen(ref, orgs, opts);
  int64_t done = 0;
  const int64_t batch = 100000;
  RowSource rows(gen, idx.by_code, next_id, db::now_utc(), opts.as_of.iso());
  const PreparedRow* r = nullptr;

  if (db.dialect() == db::Dialect::sqlite) {
    sqlite3* h = static_cast<soci::sqlite3_session_backend*>(sql.get_backend())->conn_;
    std::string ph;
    for (int i = 0; i < kBulkColCount; ++i) ph += i ? ",?" : "?";
    sqlite3_stmt* ins = nullptr;
    sqlite3_stmt* ms = nullptr;
    if (sqlite3_prepare_v2(h, (std::string("INSERT INTO member(") + kBulkCols + ") VALUES (" + ph + ")").c_str(), -1, &ins,
                           nullptr) != SQLITE_OK ||
        sqlite3_prepare_v2(h, "INSERT INTO membership(member_id, org_id, valid_from, reason) VALUES (?,?,?,?)", -1, &ms,
                           nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("sqlite prepare: ") + sqlite3_errmsg(h));
    auto check = [&](int rc) {
      if (rc != SQLITE_DONE && rc != SQLITE_OK) throw std::runtime_error(std::string("sqlite insert: ") + sqlite3_errmsg(h));
    };
    // A large load into a small table: drop the secondary indexes and rebuild them at the end
    // (one sort per index instead of a random B-tree insert per row per index).
    std::vector<std::string> index_sql;
    long long existing = 0;
    sql << "SELECT count(*) FROM member", soci::into(existing);
    if (opts.members >= 50000 && existing < opts.members) {
      std::string text;
      soci::statement st = (sql.prepare << "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND "
                                           "tbl_name IN ('member', 'membership')",
                            soci::into(text));
      st.execute();
      while (st.fetch()) index_sql.push_back(text);
      for (auto& q : index_sql) {
        auto on = q.find(" ON ");
        auto name_start = q.find("INDEX ") + 6;
        check(sqlite3_exec(h, ("DROP INDEX " + q.substr(name_start, on - name_start)).c_str(), nullptr, nullptr, nullptr));
      }
    }
    // A large load logs one "rebuild" entry per batch in member_change instead of one per member
    // (the per-row trigger costs 7-10 % of the load): the trigger is dropped and created again
    // inside each batch's transaction, so any other writer still logs its changes.
    std::string change_trigger;
    if (opts.members >= kBulkChangeLogFrom) {
      soci::indicator ti = soci::i_null;
      sql << "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'member_change_insert'",
          soci::into(change_trigger, ti);
      if (ti != soci::i_ok) change_trigger.clear();
    }
    // Durability is not needed mid-load (a crash leaves whole batches or nothing): sync once at the end.
    check(sqlite3_exec(h, "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144", nullptr, nullptr, nullptr));
    auto t_insert = std::chrono::steady_clock::now();
    bool more = true;
    while (more) {
      check(sqlite3_exec(h, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr));
      if (!change_trigger.empty()) check(sqlite3_exec(h, "DROP TRIGGER member_change_insert", nullptr, nullptr, nullptr));
      int64_t in_batch = 0;
      CountDelta counts;  // the stored per-organization counts, committed with the batch
      while (in_batch < batch && (more = (r = rows.next()) != nullptr)) {
        for (int i = 0; i < kBulkColCount; ++i) {
          if (r->null[i]) sqlite3_bind_null(ins, i + 1);
          else if (i == kColId) sqlite3_bind_int64(ins, i + 1, r->id);
          else if (i == kColOrg) sqlite3_bind_int64(ins, i + 1, r->org_id);
          else sqlite3_bind_text(ins, i + 1, r->v[i].data(), int(r->v[i].size()), SQLITE_STATIC);
        }
        check(sqlite3_step(ins));
        sqlite3_reset(ins);
        sqlite3_bind_int64(ms, 1, r->id);
        sqlite3_bind_int64(ms, 2, r->org_id);
        sqlite3_bind_text(ms, 3, r->from.data(), int(r->from.size()), SQLITE_STATIC);
        sqlite3_bind_text(ms, 4, "dữ liệu minh họa", -1, SQLITE_STATIC);
        check(sqlite3_step(ms));
        sqlite3_reset(ms);
        if (counts_as_active(r->v[kColStatus])) ++counts[r->org_id];
        ++in_batch;
      }
      add_org_counts(sql, counts);
      if (!change_trigger.empty()) {
        check(sqlite3_exec(h, kBulkChangeMarker.c_str(), nullptr, nullptr, nullptr));
        check(sqlite3_exec(h, change_trigger.c_str(), nullptr, nullptr, nullptr));
      }
      check(sqlite3_exec(h, "COMMIT", nullptr, nullptr, nullptr));
      done += in_batch;
      if (progress && in_batch) progress(done);
    }
    sqlite3_finalize(ins);
    sqlite3_finalize(ms);
    auto t_index = std::chrono::steady_clock::now();
    for (auto& q : index_sql) check(sqlite3_exec(h, q.c_str(), nullptr, nullptr, nullptr));
    sql << "PRAGMA analysis_limit=2000";  // approximate statistics: enough for the planner, fast
    sql << "ANALYZE";
    check(sqlite3_exec(h, "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536", nullptr, nullptr, nullptr));
    auto t_end = std::chrono::steady_clock::now();
    spdlog::info("bulk load: rows {:.2f} s, indexes + analyze {:.2f} s",
                 std::chrono::duration<double>(t_index - t_insert).count(),
                 std::chrono::duration<double>(t_end - t_index).count());
    return done;
  }

  // PostgreSQL: COPY in text format.
  PGconn* pg = static_cast<soci::postgresql_session_backend*>(sql.get_backend())->conn_;
  auto exec = [&](const std::string& q) {
    PGresult* r = PQexec(pg, q.c_str());
    auto st = PQresultStatus(r);
    PQclear(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_COPY_IN && st != PGRES_TUPLES_OK)
      throw std::runtime_error(std::string("postgresql: ") + PQerrorMessage(pg));
    return st;
  };
  auto put = [&](const std::string& data) {
    if (PQputCopyData(pg, data.data(), int(data.size())) != 1) throw std::runtime_error(PQerrorMessage(pg));
  };
  auto end_copy = [&] {
    if (PQputCopyEnd(pg, nullptr) != 1) throw std::runtime_error(PQerrorMessage(pg));
    PGresult* r = PQgetResult(pg);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    while ((r = PQgetResult(pg))) PQclear(r);
    if (!ok) throw std::runtime_error(std::string("COPY failed: ") + PQerrorMessage(pg));
  };
  // A large load into a small table: as on SQLite, drop the secondary indexes and build them
  // once at the end (a sort per index, in parallel workers, instead of a random B-tree insert
  // per row per index). Then the whole load is one transaction, so a crash never leaves the
  // table without its indexes (PostgreSQL's DDL is transactional); readers of `member` wait
  // for it (DROP INDEX locks the table), which suits a bulk generator. Indexes that back a
  // constraint (primary key, unique) stay.
  long long existing = 0;
  {
    PGresult* c = PQexec(pg, "SELECT count(*) FROM member");
    if (PQresultStatus(c) == PGRES_TUPLES_OK && PQntuples(c) == 1) existing = std::atoll(PQgetvalue(c, 0, 0));
    PQclear(c);
  }
  std::vector<std::pair<std::string, std::string>> pg_indexes;  // name, definition
  const bool one_transaction = opts.members >= 50000 && existing < opts.members;
  if (one_transaction) {
    PGresult* q = PQexec(pg,
                         "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                         "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
                         "WHERE t.relname IN ('member', 'membership') AND t.relnamespace = to_regnamespace(current_schema()) "
                         "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)");
    if (PQresultStatus(q) != PGRES_TUPLES_OK) {
      std::string e = PQerrorMessage(pg);
      PQclear(q);
      throw std::runtime_error("postgresql: " + e);
    }
    for (int i = 0; i < PQntuples(q); ++i) pg_indexes.emplace_back(PQgetvalue(q, i, 0), PQgetvalue(q, i, 1));
    PQclear(q);
    exec("BEGIN");
    for (auto& [name, def] : pg_indexes) exec("DROP INDEX \"" + name + "\"");
  }
  // As on SQLite: one "rebuild" entry in member_change per batch instead of one per member; the
  // trigger is disabled only inside the load's own transaction (ALTER TABLE is transactional).
  bool quiet_trigger = false;
  if (opts.members >= kBulkChangeLogFrom) {
    PGresult* q = PQexec(pg, "SELECT 1 FROM pg_trigger WHERE tgname = 'member_change_insert' AND tgrelid = 'member'::regclass");
    quiet_trigger = PQresultStatus(q) == PGRES_TUPLES_OK && PQntuples(q) == 1;
    PQclear(q);
  }
  auto t_insert = std::chrono::steady_clock::now();
  bool more = true;
  while (more) {
    if (!one_transaction) exec("BEGIN");
    if (quiet_trigger) exec("ALTER TABLE member DISABLE TRIGGER member_change_insert");
    std::vector<std::tuple<int64_t, int64_t, std::string>> mships;
    CountDelta counts;  // the stored per-organization counts, committed with the batch
    exec(std::string("COPY member(") + kBulkCols + ") FROM STDIN");
    std::string buf;
    int64_t in_batch = 0;
    while (in_batch < batch && (more = (r = rows.next()) != nullptr)) {
      for (int i = 0; i < kBulkColCount; ++i) {
        if (i) buf += '\t';
        buf += r->null[i] ? std::string("\\N") : copy_escape(r->v[i]);
      }
      buf += '\n';
      mships.emplace_back(r->id, r->org_id, r->from);
      if (counts_as_active(r->v[kColStatus])) ++counts[r->org_id];
      if (buf.size() > (1 << 20)) {
        put(buf);
        buf.clear();
      }
      ++in_batch;
    }
    if (!buf.empty()) put(buf);
    end_copy();
    exec("COPY membership(member_id, org_id, valid_from, reason) FROM STDIN");
    buf.clear();
    for (auto& [id, oid, f] : mships) {
      buf += std::to_string(id) + "\t" + std::to_string(oid) + "\t" + f + "\tdữ liệu minh họa\n";
      if (buf.size() > (1 << 20)) {
        put(buf);
        buf.clear();
      }
    }
    if (!buf.empty()) put(buf);
    end_copy();
    add_org_counts(sql, counts);
    if (quiet_trigger) {
      exec(kBulkChangeMarker);
      exec("ALTER TABLE member ENABLE TRIGGER member_change_insert");
    }
    if (!one_transaction) exec("COMMIT");
    done += in_batch;
    if (progress && in_batch) progress(done);
  }
  auto t_index = std::chrono::steady_clock::now();
  if (one_transaction) {
    exec("SET LOCAL maintenance_work_mem = '256MB'");
    exec("SET LOCAL max_parallel_maintenance_workers = 2");
    for (auto& [name, def] : pg_indexes) exec(def);
    exec("COMMIT");
  }
  exec("SELECT setval(pg_get_serial_sequence('member', 'id'), (SELECT max(id) FROM member))");
  // VACUUM sets the visibility map, so the member lists' index-only walks read no heap tuple
  // from the start (store.cpp list_members); ANALYZE gives the planner the new sizes.
  exec("VACUUM (ANALYZE) member");
  exec("VACUUM (ANALYZE) membership");
  exec("VACUUM (ANALYZE) org_member_count");
  auto t_end = std::chrono::steady_clock::now();
  spdlog::info("bulk load (COPY): rows {:.2f} s, indexes + analyze {:.2f} s",
               std::chrono::duration<double>(t_index - t_insert).count(),
               std::chrono::duration<double>(t_end - t_index).count());
  return done;
}

bool is_seeded(db::Database& db) {
  auto s = db.session();
  return !get_setting(*s, "seeded_at").empty();
}

void mark_seeded(db::Database& db) {
  auto s = db.session();
  set_setting(*s, "seeded_at", db::now_utc());
}

}  // namespace dangbo::registry
