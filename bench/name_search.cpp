// Name search inside one process (registry::NameIndex, ADR 0007), without HTTP or SQL: builds
// the index over an existing database, then times each of the searches bench/search.lua sends
// (first page of 51, whole-city scope, on the rolls) and their capped counts, and prints the
// median and the worst per query, with the same search done the SQL way (list_members) in the
// same run as the peer (with the plan the service would choose).
//   name_search DB_URL [REPEATS]      e.g. name_search sqlite:bench/out/registry.db 50
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "registry/name_index.hpp"
#include "registry/store.hpp"

using namespace dangbo;
using Clock = std::chrono::steady_clock;

static double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }
static double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "cách dùng: name_search DB_URL [SỐ_LẦN]\n");
    return 2;
  }
  int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 30;
  db::Database db(db::DbUrl::parse(argv[1]), 2);
  registry::NameIndex idx(db);
  auto t0 = Clock::now();
  idx.build();
  std::printf("build: %zu members in %.0f ms\n", idx.size(), ms_since(t0));
  std::string root;
  {
    auto s = db.session();
    *s << "SELECT path FROM organization WHERE parent_id IS NULL ORDER BY id LIMIT 1", soci::into(root);
  }
  const char* queries[] = {"nguyen van an", "tran thi",   "le minh",     "pham van hung",    "hoang thi lan",
                           "vo van",        "nguyen thi huong", "dang van", "bui thi mai",  "do minh tuan",
                           "ho van",        "ngo thi",    "duong van",   "ly thi",           "nguyen hoang",
                           "tran van nam",  "le thi hoa", "phan van",    "huynh thi",        "vu van"};
  std::printf("| query | index page ms (median / max) | index count ms | SQL page ms (median) | ratio |\n|---|---|---|---|---|\n");
  std::vector<double> all_idx, all_sql;
  for (const char* text : queries) {
    registry::MemberQuery q;
    q.q = text;
    q.scope_path = root;
    q.limit = 50;
    auto ns = registry::name_search_for(q);
    std::vector<double> page, count, sql;
    for (int r = 0; r < repeats; ++r) {
      auto t = Clock::now();
      auto ids = idx.search(*ns, 51);
      page.push_back(ms_since(t));
      t = Clock::now();
      volatile int64_t c = idx.count(*ns, 10001);
      (void)c;
      count.push_back(ms_since(t));
    }
    {
      auto s = db.session();
      registry::MemberQuery sq = q;
      // The plan the service picks for a whole city (RegistryService::choose_plan).
      sq.plan = registry::probe_name_matches(*s, text, 3000) >= 3000 ? registry::MemberQuery::Plan::by_sort
                                                                     : registry::MemberQuery::Plan::by_key;
      for (int r = 0; r < std::min(repeats, 5); ++r) {
        auto t = Clock::now();
        auto p = registry::list_members(*s, sq);
        sql.push_back(ms_since(t));
      }
    }
    double pm = median(page), sm = median(sql);
    all_idx.push_back(pm);
    all_sql.push_back(sm);
    std::printf("| %s | %.3f / %.3f | %.3f | %.1f | %.0f× |\n", text, pm, *std::max_element(page.begin(), page.end()),
                median(count), sm, sm / std::max(pm, 1e-6));
  }
  std::printf("median over the queries: index %.3f ms, SQL %.1f ms\n", median(all_idx), median(all_sql));
  return 0;
}
