#include "registry/counts.hpp"

#include <soci/soci.h>

#include "db/sql.hpp"
#include "registry/store.hpp"

namespace dangbo::registry {

using db::sql::Query;
using Row = db::sql::Row;

namespace {
constexpr const char* kActive = "('probationary','full','exempted')";
}

void add_org_counts(soci::session& sql, const CountDelta& delta) {
  // Up to 500 organizations per statement (a national load touches 300,000).
  Query q;
  int rows = 0;
  auto flush = [&] {
    if (!rows) return;
    q.text += " ON CONFLICT (org_id) DO UPDATE SET active = org_member_count.active + excluded.active";
    db::sql::exec(sql, q);
    q = Query();
    rows = 0;
  };
  for (auto& [org, d] : delta) {
    if (d == 0) continue;
    q.text += rows ? ", (" : "INSERT INTO org_member_count(org_id, active) VALUES (";
    q.text += q.add(org) + ", " + q.add(d) + ")";
    if (++rows == 500) flush();
  }
  flush();
}

CountDelta active_by_org(soci::session& sql, const std::vector<int64_t>& member_ids) {
  CountDelta out;
  for (std::size_t i = 0; i < member_ids.size(); i += 200) {
    Query q;
    q.text = std::string("SELECT org_id, count(*) FROM member WHERE status IN ") + kActive + " AND id IN (";
    for (std::size_t k = i; k < member_ids.size() && k < i + 200; ++k) q.text += (k > i ? ", " : "") + q.add(member_ids[k]);
    q.text += ") GROUP BY org_id";
    db::sql::each(sql, q, 2, [&](const Row& r) { out[r.i(0)] += r.i(1); });
  }
  return out;
}

CountDelta count_difference(const CountDelta& before, const CountDelta& after) {
  CountDelta d = after;
  for (auto& [org, n] : before) d[org] -= n;
  return d;
}

int64_t recount_all_orgs(soci::session& sql) {
  Query del("DELETE FROM org_member_count");
  db::sql::exec(sql, del);
  Query ins(std::string("INSERT INTO org_member_count(org_id, active) SELECT org_id, count(*) FROM member WHERE status IN ") +
            kActive + " GROUP BY org_id");
  return db::sql::exec(sql, ins);
}

int64_t stored_subtree_count(soci::session& sql, const std::string& path) {
  Query q;
  q.text = "SELECT coalesce(sum((SELECT c.active FROM org_member_count c WHERE c.org_id = o.id)), 0) FROM organization o "
           "WHERE o.path >= " + q.add(path) + " AND o.path < " + q.add(subtree_end(path));
  return db::sql::to_i64(db::sql::scalar(sql, q));
}

void lock_member_writes(soci::session& sql) {
  if (db::sql::is_postgresql(sql)) sql << "LOCK TABLE member IN EXCLUSIVE MODE";
}

std::optional<std::pair<int64_t, std::string>> member_org_status_for_update(soci::session& sql, int64_t member_id) {
  Query q;
  q.text = "SELECT org_id, status FROM member WHERE id = " + q.add(member_id) +
           (db::sql::is_postgresql(sql) ? " FOR UPDATE" : "");
  std::optional<std::pair<int64_t, std::string>> out;
  db::sql::each(sql, q, 2, [&](const Row& r) { out = std::pair{r.i(0), r.s(1)}; });
  return out;
}

std::vector<std::array<int64_t, 3>> count_mismatches(soci::session& sql) {
  // One snapshot for both reads (SQLite: a read transaction; PostgreSQL: repeatable read).
  soci::transaction tr(sql);
  if (db::sql::is_postgresql(sql)) sql << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ";
  std::map<int64_t, std::array<int64_t, 2>> m;  // org → {stored, actual}
  Query s("SELECT org_id, active FROM org_member_count");
  db::sql::each(sql, s, 2, [&](const Row& r) { m[r.i(0)][0] = r.i(1); });
  Query a(std::string("SELECT org_id, count(*) FROM member WHERE status IN ") + kActive + " GROUP BY org_id");
  db::sql::each(sql, a, 2, [&](const Row& r) { m[r.i(0)][1] = r.i(1); });
  std::vector<std::array<int64_t, 3>> out;
  tr.commit();
  for (auto& [org, v] : m)
    if (v[0] != v[1]) out.push_back({org, v[0], v[1]});
  return out;
}

}  // namespace dangbo::registry
