// Restructuring benchmarks (driven by bench/restructure.sh, which prints the figures):
//
//   restructure_bench prepare-2025 --db URL --members N --plan FILE
//       a fresh database with the tree of 2025-06-30 (HCMC, Bình Dương, Bà Rịa – Vũng Tàu) and N
//       demo members; writes the real 2025 plan (rule listed, with the demo assignments) to FILE,
//       for `dangbo restructure apply FILE` to be timed on its own.
//   restructure_bench verify-2025 --db URL
//       after the apply: 168 commune committees, every member placed, 441 as of 2025-06-30.
//   restructure_bench national --db URL --orgs N --members M --queries Q
//       a national tree of about N organizations as of 2025-06-30, M members, the whole
//       country's 2025 plan applied (about 2N organization rows in all), then Q random as_of
//       tree queries (the children of an organization with their member counts on a day before,
//       on or after 2025-07-01, through membership history); prints latency percentiles.
#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>
#include <string>

#include "base/rules.hpp"
#include "db/database.hpp"
#include "registry/refdata.hpp"
#include "registry/roster_gen.hpp"
#include "registry/seed.hpp"
#include "registry/store.hpp"
#include "restructure/engine.hpp"
#include "restructure/plan.hpp"
#include "restructure/seed2025.hpp"

using namespace dangbo;
using Clock = std::chrono::steady_clock;

namespace {

double secs(Clock::time_point a, Clock::time_point b = Clock::now()) { return std::chrono::duration<double>(b - a).count(); }

std::string arg(int argc, char** argv, const char* name, const char* def = "") {
  for (int i = 2; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  return def;
}

std::string root_dir() {
  const char* r = std::getenv("DANGBO_ROOT");
  return r ? r : ".";
}

std::unique_ptr<db::Database> open(const std::string& url) {
  auto db = std::make_unique<db::Database>(db::DbUrl::parse(url), 2);
  db::migrate(*db, root_dir() + "/migrations");
  return db;
}

int64_t scalar(db::Database& db, const std::string& q) {
  auto s = db.session();
  long long n = 0;
  *s << q, soci::into(n);
  return n;
}

int prepare_2025(int argc, char** argv) {
  std::string url = arg(argc, argv, "--db"), plan_file = arg(argc, argv, "--plan");
  int64_t members = std::stoll(arg(argc, argv, "--members", "500000"));
  auto t0 = Clock::now();
  auto ref = registry::RefData::load(root_dir() + "/data");
  auto db = open(url);
  registry::load_reference_data(*db, ref);
  registry::GenOptions opts;
  opts.members = members;
  opts.seed = 1;
  auto new_tree = registry::generate_org_tree(ref, opts);
  auto old = restructure::old_tree_2025(ref, new_tree);
  int64_t n = restructure::load_tree(*db, old.orgs, restructure::kHistoryStart);
  auto t1 = Clock::now();
  registry::load_roster(*db, ref, new_tree, opts);
  restructure::backdate_memberships(*db, base::make_date(2025, 7, 1));
  auto plan = restructure::plan_2025(ref, restructure::SplitRule::listed, old.assignments);
  std::ofstream(plan_file, std::ios::binary) << restructure::write_plan_csv(plan);
  std::printf("prepared: %lld organizations as of 2025-06-30 (of which %zu generated below the communes), %lld members in %.1f s; plan: %zu operations, %zu assignments\n",
              (long long)n, new_tree.size() - 169, (long long)members, secs(t0), plan.ops.size(), plan.assignments.size());
  (void)t1;
  return 0;
}

int verify_2025(int argc, char** argv) {
  auto db = open(arg(argc, argv, "--db"));
  int64_t now_cc = scalar(*db, "SELECT count(*) FROM organization WHERE kind = 'commune_committee' AND valid_to IS NULL");
  int64_t old_cc = scalar(*db, "SELECT count(*) FROM organization WHERE kind = 'commune_committee' AND valid_from <= '2025-06-30' AND "
                               "(valid_to IS NULL OR valid_to > '2025-06-30')");
  int64_t members = scalar(*db, "SELECT count(*) FROM member");
  int64_t placed = scalar(*db, "SELECT count(*) FROM member m JOIN organization o ON o.id = m.org_id WHERE o.valid_to IS NULL AND o.path = m.org_path");
  int64_t open_ms = scalar(*db, "SELECT count(*) FROM membership ms JOIN member m ON m.id = ms.member_id WHERE ms.valid_to IS NULL AND ms.org_id = m.org_id");
  std::printf("verify: commune committees now %lld (want 168), on 2025-06-30 %lld (want 441); members %lld, placed %lld, open memberships in place %lld\n",
              (long long)now_cc, (long long)old_cc, (long long)members, (long long)placed, (long long)open_ms);
  return now_cc == 168 && old_cc == 441 && placed == members && open_ms == members ? 0 : 1;
}

int national(int argc, char** argv) {
  std::string url = arg(argc, argv, "--db");
  int64_t orgs = std::stoll(arg(argc, argv, "--orgs", "300000"));
  int64_t members = std::stoll(arg(argc, argv, "--members", "1000000"));
  int queries = std::stoi(arg(argc, argv, "--queries", "2000"));
  base::RuleSet::set_global(base::RuleSet::load(root_dir() + "/config/rules.json"));
  auto t0 = Clock::now();
  auto ref = registry::RefData::load(root_dir() + "/data");
  auto db = open(url);
  registry::load_reference_data(*db, ref);
  auto new_tree = restructure::generate_national_tree(ref, orgs, 5);
  auto old = restructure::old_tree_2025(ref, new_tree, {});
  int64_t n_old = restructure::load_tree(*db, old.orgs, restructure::kHistoryStart);
  std::printf("national tree as of 2025-06-30: %lld organizations (%.1f s)\n", (long long)n_old, secs(t0));
  auto t1 = Clock::now();
  if (members > 0) {
    registry::GenOptions opts;
    opts.members = members;
    opts.seed = 5;
    registry::load_roster(*db, ref, new_tree, opts);
    restructure::backdate_memberships(*db, base::make_date(2025, 7, 1));
  }
  std::printf("members: %lld (%.1f s)\n", (long long)members, secs(t1));
  auto t2 = Clock::now();
  auto plan = restructure::plan_2025(ref, restructure::SplitRule::listed, old.assignments, {}, {});
  restructure::Engine engine(*db);
  auto res = engine.apply(plan, nullptr);
  {
    auto s = db->session();
    if (db->dialect() == db::Dialect::sqlite) *s << "PRAGMA analysis_limit=2000";
    *s << "ANALYZE";
  }
  int64_t total = scalar(*db, "SELECT count(*) FROM organization");
  std::printf("national 2025 plan applied: %zu operations, %lld new, %lld versions, %lld members moved (%.1f s); organization rows in all: %lld\n",
              plan.ops.size(), (long long)res.preview.orgs_new, (long long)res.preview.orgs_versioned,
              (long long)res.preview.members_moved, secs(t2), (long long)total);

  // Queries: the children of a random organization that has children (any version: provinces,
  // districts, communes, grassroots committees) with member counts as of a
  // random day around the reorganisation.
  std::vector<std::pair<int64_t, std::string>> nodes;  // id, a day it was valid
  {
    auto s = db->session();
    long long id = 0;
    std::string from;
    soci::indicator ind = soci::i_null;
    std::string to;
    soci::statement st = (s->prepare << "SELECT id, valid_from, valid_to FROM organization WHERE kind IN ('city', 'upper_committee', 'commune_committee', 'grassroots_committee')", soci::into(id),
                          soci::into(from), soci::into(to, ind));
    st.execute();
    while (st.fetch()) nodes.emplace_back(id, ind == soci::i_ok ? "2025-06-30" : "2025-07-01");
  }
  std::mt19937_64 rng(42);
  const char* days_new[] = {"2025-07-01", "2025-12-31", "2026-11-01"};
  std::vector<double> ms_counts, ms_plain;
  int64_t rows = 0;
  auto s = db->session();
  for (int k = 0; k < queries; ++k) {
    auto& [id, day] = nodes[rng() % nodes.size()];
    std::string as_of = day == "2025-06-30" ? (rng() % 2 ? "2025-06-30" : "2025-03-15") : days_new[rng() % 3];
    registry::OrgQuery q;
    q.parent_id = id;
    q.as_of = as_of;
    q.today = false;
    q.limit = 1000;
    q.count_members = true;
    auto a = Clock::now();
    rows += int64_t(registry::list_orgs(*s, q).size());
    ms_counts.push_back(secs(a) * 1000);
    q.count_members = false;
    a = Clock::now();
    registry::list_orgs(*s, q);
    ms_plain.push_back(secs(a) * 1000);
  }
  // The heaviest nodes: every province organization, old and new (their subtrees hold
  // hundreds of thousands of members).
  std::vector<double> ms_prov;
  {
    std::vector<std::pair<int64_t, std::string>> provs;
    long long id = 0;
    soci::indicator ind = soci::i_null;
    std::string to;
    soci::statement st = (s->prepare << "SELECT id, valid_to FROM organization WHERE kind = 'city'", soci::into(id), soci::into(to, ind));
    st.execute();
    while (st.fetch()) provs.emplace_back(id, ind == soci::i_ok ? "2025-06-30" : "2025-07-01");
    for (auto& [pid, day] : provs) {
      registry::OrgQuery q;
      q.parent_id = pid;
      q.as_of = day;
      q.today = false;
      q.limit = 1000;
      auto a = Clock::now();
      registry::list_orgs(*s, q);
      ms_prov.push_back(secs(a) * 1000);
    }
  }
  auto pct = [](std::vector<double> v, double p) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, std::size_t(p * double(v.size() - 1) + 0.5))];
  };
  std::printf("as_of tree queries (%d, random organization and day; %lld child rows): with member counts p50 %.1f ms, p99 %.1f ms, max %.1f ms; without counts p50 %.2f ms, p99 %.2f ms\n",
              queries, (long long)rows, pct(ms_counts, 0.5), pct(ms_counts, 0.99), pct(ms_counts, 1.0), pct(ms_plain, 0.5),
              pct(ms_plain, 0.99));
  std::printf("province-level nodes (%zu, children with member counts): p50 %.0f ms, max %.0f ms\n", ms_prov.size(), pct(ms_prov, 0.5),
              pct(ms_prov, 1.0));
  std::printf("QUERY_P99_MS=%.1f\n", pct(ms_counts, 0.99));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: restructure_bench prepare-2025|verify-2025|national …\n");
    return 2;
  }
  try {
    std::string cmd = argv[1];
    if (cmd == "prepare-2025") return prepare_2025(argc, argv);
    if (cmd == "verify-2025") return verify_2025(argc, argv);
    if (cmd == "national") return national(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "restructure_bench: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "unknown command %s\n", argv[1]);
  return 2;
}
