// Stored per-organization member counts (org_member_count, src/registry/counts.hpp) on both
// back ends: every write path keeps them equal to a fresh count of the member table, and the
// tree, the API and the dashboard read their sums. Expected values are counted by hand from
// the members each test adds, and checked again against plain SQL over the member table.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <map>
#include <tuple>
#include <vector>
#include <string>

#include "common/registry_fixture.hpp"
#include "common/temp_db.hpp"

#include "base/rules.hpp"
#include "db/sql.hpp"
#include "registry/counts.hpp"
#include "registry/refdata.hpp"
#include "registry/roster_gen.hpp"
#include "registry/seed.hpp"
#include "registry/service.hpp"
#include "security/security.hpp"
#include "registry/store.hpp"

using namespace dangbo;
using namespace dangbo::registry;

namespace {

struct OrgCounts : ::testing::TestWithParam<std::string> {
  std::unique_ptr<dangbo::testing::TempDatabase> tmp;
  db::Database* db = nullptr;
  Organization root, ward_a, ward_b, cell_a1, cell_a2, cell_b;

  void SetUp() override {
    base::RuleSet::set_global(base::RuleSet::load(std::string(DANGBO_SOURCE_DIR) + "/config/rules.json"));
    tmp = dangbo::testing::TempDatabase::make(GetParam());
    if (!tmp) GTEST_SKIP() << "no PostgreSQL cluster (DANGBO_TEST_PG_URL unset)";
    db = &tmp->db();
  }
  void make_tree() {
    using dangbo::testing::add_org;
    auto s = db->session();
    add_org(*s, root, "HCM", "Đảng bộ Thành phố Hồ Chí Minh", OrgKind::city, nullptr);
    add_org(*s, ward_a, "26740", "Đảng bộ phường Sài Gòn", OrgKind::commune_committee, &root);
    add_org(*s, ward_b, "26737", "Đảng bộ phường Tân Định", OrgKind::commune_committee, &root);
    add_org(*s, cell_a1, "26740.01", "Chi bộ Khu phố 1", OrgKind::cell, &ward_a);
    add_org(*s, cell_a2, "26740.02", "Chi bộ Khu phố 2", OrgKind::cell, &ward_a);
    add_org(*s, cell_b, "26737.01", "Chi bộ Khu phố 1", OrgKind::cell, &ward_b);
  }
  int64_t add(const std::string& given, const Organization& cell, MemberStatus st = MemberStatus::full) {
    Member m = dangbo::testing::member_in(cell, given, st);
    auto s = db->session();
    insert_member(*s, m, "2025-07-01", "test");
    return m.id;
  }
  int64_t stored(const Organization& o) {
    auto s = db->session();
    return stored_subtree_count(*s, o.path);
  }
  // The same number from the member table, with plain SQL.
  int64_t counted(const Organization& o) {
    auto s = db->session();
    long long n = 0;
    std::string lo = o.path, hi = subtree_end(o.path);
    *s << "SELECT count(*) FROM member WHERE org_path >= :a AND org_path < :b AND status IN ('probationary','full','exempted')",
        soci::use(lo), soci::use(hi), soci::into(n);
    return n;
  }
  std::vector<std::array<int64_t, 3>> mismatches() {
    auto s = db->session();
    return count_mismatches(*s);
  }
};

TEST_P(OrgCounts, InsertAndStatusChangesAdjustTheStoredCounts) {
  make_tree();
  add("An", cell_a1);
  add("Bình", cell_a1, MemberStatus::probationary);
  add("Cường", cell_a2, MemberStatus::exempted);
  add("Dũng", cell_a2, MemberStatus::transferred_out);  // not on the rolls
  int64_t e = add("Em", cell_b);
  EXPECT_EQ(stored(cell_a1), 2);
  EXPECT_EQ(stored(cell_a2), 1);
  EXPECT_EQ(stored(ward_a), 3);
  EXPECT_EQ(stored(ward_b), 1);
  EXPECT_EQ(stored(root), 4);
  // Em leaves the rolls (deceased), then the edit is repeated: one decrement only.
  {
    auto s = db->session();
    auto m = find_member(*s, e);
    ASSERT_TRUE(m);
    m->status = MemberStatus::deceased;
    ASSERT_TRUE(update_member(*s, *m, m->version));
    m = find_member(*s, e);
    ASSERT_TRUE(update_member(*s, *m, m->version));
    // a stale version changes nothing, counts included
    EXPECT_FALSE(update_member(*s, *m, m->version - 1));
  }
  EXPECT_EQ(stored(ward_b), 0);
  EXPECT_EQ(stored(root), 3);
  // … and comes back (a correction): counted again.
  {
    auto s = db->session();
    auto m = find_member(*s, e);
    m->status = MemberStatus::full;
    ASSERT_TRUE(update_member(*s, *m, m->version));
  }
  EXPECT_EQ(stored(ward_b), 1);
  for (auto* o : {&root, &ward_a, &ward_b, &cell_a1, &cell_a2, &cell_b}) EXPECT_EQ(stored(*o), counted(*o)) << o->code;
  EXPECT_TRUE(mismatches().empty());
}

TEST_P(OrgCounts, TheTreeAndTheDashboardReadTheStoredSums) {
  make_tree();
  add("An", cell_a1);
  add("Bình", cell_a2);
  add("Cường", cell_a2);
  add("Dũng", cell_b, MemberStatus::expelled);
  auto s = db->session();
  OrgQuery q;
  q.parent_id = root.id;
  q.as_of = "2026-01-01";
  std::map<std::string, int64_t> got;
  for (auto& r : list_orgs(*s, q)) got[r.org.code] = r.member_count;
  EXPECT_EQ(got, (std::map<std::string, int64_t>{{"26737", 0}, {"26740", 3}}));
  auto st = member_stats(*s, root, "2026-01-01", false, false);
  std::map<std::string, int64_t> by_child;
  for (auto& c : st.by_child) by_child[c.key] = c.count;
  EXPECT_EQ(by_child, (std::map<std::string, int64_t>{{"26737", 0}, {"26740", 3}}));
  EXPECT_EQ(stored_subtree_count(*s, ward_a.path), 3);
}

// A node's children today, as the tree and the ward page list them: each child's subtree sum
// (several levels deep) and its open children, page by page; checked against the member table
// and hand counts.
TEST_P(OrgCounts, ChildrenListsSumTheirWholeSubtreesAndCountOpenChildrenOnEveryPage) {
  make_tree();
  Organization grassroots, deep_cell, closed_cell, future_cell;
  {
    using dangbo::testing::add_org;
    auto s = db->session();
    add_org(*s, grassroots, "26740.10", "Đảng bộ Trường THPT Trưng Vương", OrgKind::grassroots_committee, &ward_a);
    add_org(*s, deep_cell, "26740.10.01", "Chi bộ Giáo viên", OrgKind::cell, &grassroots);
    add_org(*s, closed_cell, "26740.03", "Chi bộ Khu phố 3", OrgKind::cell, &ward_a);
    add_org(*s, future_cell, "26740.04", "Chi bộ Khu phố 4", OrgKind::cell, &ward_a, base::make_date(2026, 6, 1));
    *s << "UPDATE organization SET valid_to = '2025-12-01' WHERE id = :i", soci::use(closed_cell.id);
  }
  add("An", cell_a1);
  add("Bình", cell_a1, MemberStatus::deceased);  // not on the rolls
  add("Cường", deep_cell);
  add("Dũng", deep_cell, MemberStatus::probationary);
  add("Em", grassroots);
  add("Giang", cell_b);
  auto s = db->session();
  auto page = [&](const Organization& parent, const std::string& after, int limit) {
    OrgQuery q;
    q.parent_id = parent.id;
    q.as_of = "2026-01-01";
    q.after_code = after;
    q.limit = limit;
    return list_orgs(*s, q);
  };
  // the root's children: the two wards, the first with its three-level subtree
  auto top = page(root, "", 100);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].org.code, "26737");
  EXPECT_EQ(top[0].member_count, 1);
  EXPECT_EQ(top[0].child_count, 1);
  EXPECT_EQ(top[1].org.code, "26740");
  EXPECT_EQ(top[1].member_count, 4);  // An, Cường, Dũng, Em
  EXPECT_EQ(top[1].member_count, counted(ward_a));
  EXPECT_EQ(top[1].child_count, 3);  // 26740.01, .02, .10 (.03 closed, .04 not yet open)
  // the ward's children one per page: the same numbers as one page of all
  std::vector<std::tuple<std::string, int64_t, int64_t>> paged, whole;
  for (auto& r : page(ward_a, "", 100)) whole.emplace_back(r.org.code, r.member_count, r.child_count);
  std::string after;
  for (int guard = 0; guard < 10; ++guard) {
    auto p = page(ward_a, after, 1);
    if (p.empty()) break;
    paged.emplace_back(p[0].org.code, p[0].member_count, p[0].child_count);
    after = p[0].org.code;
  }
  EXPECT_EQ(paged, whole);
  using T = std::tuple<std::string, int64_t, int64_t>;
  EXPECT_EQ(whole, (std::vector<T>{T{"26740.01", 1, 0}, T{"26740.02", 0, 0}, T{"26740.10", 3, 1}}));
  EXPECT_EQ(std::get<1>(whole[2]), counted(grassroots));
  // a unit with no children
  EXPECT_TRUE(page(deep_cell, "", 100).empty());
}

TEST_P(OrgCounts, AnUnfilteredListCountsFromTheStoredCountsAndAFilteredOneFromTheRows) {
  make_tree();
  add("An", cell_a1);
  add("Bình", cell_a1, MemberStatus::probationary);
  add("Cường", cell_a2, MemberStatus::removed);
  add("Dũng", cell_b);
  RegistryService svc(*db);
  auto admin = dangbo::testing::actor_at(security::Role::admin, root);
  EXPECT_TRUE(RegistryService::unfiltered(MemberQuery{}));
  EXPECT_EQ(svc.member_count(admin, "26740", MemberQuery{}), 2);
  EXPECT_EQ(svc.member_count(admin, "", MemberQuery{}), 3);
  // The stored count is what the unfiltered total shows: make it disagree on purpose (as a
  // lost write would) and the unfiltered total follows it while the filtered ones count rows.
  {
    auto s = db->session();
    add_org_counts(*s, {{cell_b.id, 10}});
  }
  RegistryService fresh(*db);
  RegistryService::invalidate_counts();
  EXPECT_EQ(fresh.member_count(admin, "26737", MemberQuery{}), 11);
  MemberQuery all;
  all.status = "all";
  EXPECT_FALSE(RegistryService::unfiltered(all));
  EXPECT_EQ(fresh.member_count(admin, "26740", all), 3);  // the removed member too, counted from rows
  MemberQuery blank;  // a name text that folds to nothing filters nothing
  blank.q = " --- ";
  EXPECT_TRUE(RegistryService::unfiltered(blank));
  EXPECT_EQ(fresh.member_count(admin, "26737", blank), 11);
  MemberQuery digits;
  digits.q = "079";
  EXPECT_FALSE(RegistryService::unfiltered(digits));
  MemberQuery named;
  named.q = "nguyen van an";
  EXPECT_EQ(fresh.member_count(admin, "", named), 1);
}

TEST_P(OrgCounts, BulkLoadsCountWhatTheyLoadAndRepairRecountsEverything) {
  auto ref = RefData::load(std::string(DANGBO_SOURCE_DIR) + "/data");
  load_reference_data(*db, ref);
  GenOptions opts;
  opts.members = 3000;
  opts.seed = 9;
  auto tree = generate_org_tree(ref, opts);
  load_org_tree(*db, tree, opts);
  EXPECT_EQ(load_roster(*db, ref, tree, opts, nullptr), 3000);
  opts.members = 500;  // a second load adds to the counts
  opts.seed = 10;
  EXPECT_EQ(load_roster(*db, ref, tree, opts, nullptr), 500);
  EXPECT_TRUE(mismatches().empty());
  auto s = db->session();
  long long active = 0, orgs_with_members = 0;
  *s << "SELECT count(*) FROM member WHERE status IN ('probationary','full','exempted')", soci::into(active);
  *s << "SELECT count(DISTINCT org_id) FROM member WHERE status IN ('probationary','full','exempted')",
      soci::into(orgs_with_members);
  auto hcm = find_org(*s, "HCM", "2026-01-01");
  ASSERT_TRUE(hcm);
  EXPECT_EQ(stored_subtree_count(*s, hcm->path), active);
  EXPECT_GT(active, 3000 * 8 / 10);  // most generated members are on the rolls
  // Repair recounts from the member table: the same numbers, one row per organization with members.
  *s << "UPDATE org_member_count SET active = active + 7 WHERE org_id = (SELECT min(org_id) FROM org_member_count)";
  EXPECT_EQ(count_mismatches(*s).size(), 1u);
  EXPECT_EQ(recount_all_orgs(*s), orgs_with_members);
  EXPECT_TRUE(count_mismatches(*s).empty());
}

TEST_P(OrgCounts, AddedDeltasAccumulateAndZeroesAreSkipped) {
  make_tree();
  auto s = db->session();
  add_org_counts(*s, {{cell_a1.id, 2}, {cell_b.id, 0}});
  add_org_counts(*s, {{cell_a1.id, -1}, {cell_a2.id, 5}});
  long long n = 0;
  *s << "SELECT count(*) FROM org_member_count", soci::into(n);
  EXPECT_EQ(n, 2);  // the zero delta wrote no row
  EXPECT_EQ(stored_subtree_count(*s, cell_a1.path), 1);
  EXPECT_EQ(stored_subtree_count(*s, ward_a.path), 6);
  // more than one statement's worth of organizations (500 per statement)
  CountDelta many;
  for (int i = 0; i < 1203; ++i) {
    Organization o;
    dangbo::testing::add_org(*s, o, "26740.9" + std::to_string(1000 + i), "Chi bộ " + std::to_string(i), OrgKind::cell,
                             &ward_b);
    many[o.id] = 1 + i % 3;
  }
  add_org_counts(*s, many);
  EXPECT_EQ(stored_subtree_count(*s, ward_b.path), 401 * (1 + 2 + 3));  // 1203 = 3 × 401
}

// A transfer (registry::transfer_member): the open membership closes, one opens in the new
// organization the same day, the member row follows, and an active member's count moves.
TEST_P(OrgCounts, ATransferClosesAndOpensMembershipsAndMovesTheCount) {
  make_tree();
  const int64_t an = add("An", cell_a1);
  const int64_t binh = add("Bình", cell_a1, MemberStatus::transferred_out);  // not on the rolls
  add("Cường", cell_a2);
  ASSERT_EQ(stored(cell_a1), 1);
  ASSERT_EQ(stored(cell_a2), 1);
  // Memberships of a member, oldest first: "org_id from to reason" (to "-" when open).
  auto history = [&](int64_t member) {
    auto s = db->session();
    std::vector<std::string> out;
    db::sql::Query q;
    q.text = "SELECT org_id, valid_from, valid_to, reason FROM membership WHERE member_id = " + q.add(member) + " ORDER BY id";
    db::sql::each(*s, q, 4, [&](const db::sql::Row& r) {
      out.push_back(r.s(0) + " " + r.s(1) + " " + (r.null(2) ? std::string("-") : r.s(2)) + " " + r.s(3));
    });
    return out;
  };
  auto transfer = [&](int64_t member, const Organization& to, const std::string& day) {
    auto s = db->session();
    soci::transaction tr(*s);
    auto left = transfer_member(*s, member, to.id, to.path, day, "chuyển sinh hoạt");
    tr.commit();
    return left;
  };
  const std::string a1 = std::to_string(cell_a1.id), a2 = std::to_string(cell_a2.id);

  EXPECT_EQ(transfer(an, cell_a2, "2026-01-10"), std::optional<int64_t>(cell_a1.id));
  EXPECT_EQ(history(an), (std::vector<std::string>{a1 + " 2025-07-01 2026-01-10 test", a2 + " 2026-01-10 - chuyển sinh hoạt"}));
  {
    auto s = db->session();
    auto m = find_member(*s, an);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->org_id, cell_a2.id);
    EXPECT_EQ(m->org_path, cell_a2.path);
    EXPECT_EQ(m->version, 2);
  }
  // a1: 1 → 0, a2: 1 → 2, the ward still 2
  EXPECT_EQ(stored(cell_a1), 0);
  EXPECT_EQ(stored(cell_a2), 2);
  EXPECT_EQ(stored(ward_a), 2);
  EXPECT_EQ(counted(cell_a2), 2);

  // a member off the rolls moves without touching the counts
  EXPECT_EQ(transfer(binh, cell_b, "2026-01-10"), std::optional<int64_t>(cell_a1.id));
  EXPECT_EQ(history(binh).size(), 2u);
  EXPECT_EQ(stored(ward_a), 2);
  EXPECT_EQ(stored(ward_b), 0);

  // already there: nothing written
  EXPECT_EQ(transfer(an, cell_a2, "2026-01-11"), std::nullopt);
  EXPECT_EQ(history(an).size(), 2u);
  // a day before the open membership's first day: it closes on its own first day, so no period
  // ends before it begins, and the next starts there
  EXPECT_EQ(transfer(an, cell_a1, "2026-01-05"), std::optional<int64_t>(cell_a2.id));
  EXPECT_EQ(history(an), (std::vector<std::string>{a1 + " 2025-07-01 2026-01-10 test", a2 + " 2026-01-10 2026-01-10 chuyển sinh hoạt",
                                                   a1 + " 2026-01-10 - chuyển sinh hoạt"}));
  EXPECT_EQ(stored(cell_a1), 1);
  EXPECT_EQ(stored(cell_a2), 1);
  // no such member
  EXPECT_EQ(transfer(999999, cell_a1, "2026-01-10"), std::nullopt);
  EXPECT_TRUE(mismatches().empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, OrgCounts, ::testing::ValuesIn(dangbo::testing::backends()),
                         [](const auto& i) { return i.param; });

}  // namespace
