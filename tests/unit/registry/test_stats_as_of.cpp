// Member statistics as of a day (issue 6, history): the dashboard and /api/v1/stats count the
// memberships valid that day in the organization's subtree as it stood that day. A small,
// hand-built history on both back ends: wards 26734 and 26737 merged into 26740 on 2025-07-01,
// ward 26743 unchanged, a member who moved on after the merger, a member admitted after it.
// Every expected number below was worked out by hand from the table in the fixture.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include "common/registry_fixture.hpp"
#include "common/temp_db.hpp"

#include "base/rules.hpp"
#include "registry/service.hpp"
#include "registry/store.hpp"
#include "security/security.hpp"

using namespace dangbo;
using namespace dangbo::registry;

namespace {

struct StatsAsOf : ::testing::TestWithParam<std::string> {
  std::unique_ptr<dangbo::testing::TempDatabase> tmp;
  db::Database* db = nullptr;
  // HCM (2020-01-01 → ), old wards A and B (2020-01-01 → 2025-07-01) merged into N
  // (2025-07-01 → ); C (2020-01-01 → ) unchanged. One cell in each ward, valid as its ward.
  Organization hcm, a, b, c, n, a1, b1, c1, n1;

  // Members (status today; birth year; memberships, [from, to)):
  //   1 An    full          male    1960  A1 [2010-03-01, 2025-07-01)  N1 [2025-07-01, )
  //   2 Bình  full          female  1975  A1 [2012-01-01, 2025-07-01)  N1 [2025-07-01, )
  //   3 Chi   probationary  female  1995  B1 [2024-09-01, 2025-07-01)  N1 [2025-07-01, )
  //   4 Dũng  full          male    1980  B1 [2015-01-01, 2025-07-01)  N1 [2025-07-01, 2025-09-15)  C1 [2025-09-15, )
  //   5 Em    probationary  female  2000  N1 [2025-10-01, )            (admitted after the merger)
  //   6 Giang full          male    1950  C1 [2000-01-01, )            (synthetic)
  //   7 Hà    removed       female  1970  A1 [2011-01-01, 2025-07-01)  N1 [2025-07-01, )
  void SetUp() override {
    base::RuleSet::set_global(base::RuleSet::load(std::string(DANGBO_SOURCE_DIR) + "/config/rules.json"));
    tmp = dangbo::testing::TempDatabase::make(GetParam());
    if (!tmp) GTEST_SKIP() << "no PostgreSQL cluster (DANGBO_TEST_PG_URL unset)";
    db = &tmp->db();
    auto s = db->session();
    auto mk = [&](Organization& o, std::string code, std::string name, OrgKind k, const Organization* parent,
                  CivilDate from, std::optional<CivilDate> to) {
      o.valid_to = to;
      dangbo::testing::add_org(*s, o, code, name, k, parent, from);
    };
    auto d2020 = base::make_date(2020, 1, 1), merger = base::make_date(2025, 7, 1);
    mk(hcm, "HCM", "Đảng bộ Thành phố Hồ Chí Minh", OrgKind::city, nullptr, d2020, std::nullopt);
    mk(a, "26734", "Đảng bộ phường Bến Nghé", OrgKind::commune_committee, &hcm, d2020, merger);
    mk(b, "26737", "Đảng bộ phường Đa Kao", OrgKind::commune_committee, &hcm, d2020, merger);
    mk(c, "26743", "Đảng bộ phường Tân Định", OrgKind::commune_committee, &hcm, d2020, std::nullopt);
    mk(n, "26740", "Đảng bộ phường Sài Gòn", OrgKind::commune_committee, &hcm, merger, std::nullopt);
    mk(a1, "26734.01", "Chi bộ Khu phố 1", OrgKind::cell, &a, d2020, merger);
    mk(b1, "26737.01", "Chi bộ Khu phố 1", OrgKind::cell, &b, d2020, merger);
    mk(c1, "26743.01", "Chi bộ Khu phố 1", OrgKind::cell, &c, d2020, std::nullopt);
    mk(n1, "26740.01", "Chi bộ Khu phố 1", OrgKind::cell, &n, merger, std::nullopt);
    for (auto* old : {&a, &b}) {
      long long p = old->id, q = n.id;
      *s << "INSERT INTO org_lineage(predecessor_id, successor_id, operation, decision_no, decision_date, effective_date) "
            "VALUES (:p, :s, 'merge', '1685/NQ-UBTVQH15', '2025-06-16', '2025-07-01')",
          soci::use(p), soci::use(q);
    }
    add("Nguyễn", "Văn", "An", Gender::male, 1960, MemberStatus::full, {{&a1, "2010-03-01", "2025-07-01"}, {&n1, "2025-07-01", ""}});
    add("Trần", "Thị", "Bình", Gender::female, 1975, MemberStatus::full, {{&a1, "2012-01-01", "2025-07-01"}, {&n1, "2025-07-01", ""}});
    add("Lê", "Thị", "Chi", Gender::female, 1995, MemberStatus::probationary,
        {{&b1, "2024-09-01", "2025-07-01"}, {&n1, "2025-07-01", ""}});
    add("Phạm", "Văn", "Dũng", Gender::male, 1980, MemberStatus::full,
        {{&b1, "2015-01-01", "2025-07-01"}, {&n1, "2025-07-01", "2025-09-15"}, {&c1, "2025-09-15", ""}});
    add("Võ", "Thị", "Em", Gender::female, 2000, MemberStatus::probationary, {{&n1, "2025-10-01", ""}});
    add("Đỗ", "Văn", "Giang", Gender::male, 1950, MemberStatus::full, {{&c1, "2000-01-01", ""}}, true);
    add("Bùi", "Thị", "Hà", Gender::female, 1970, MemberStatus::removed, {{&a1, "2011-01-01", "2025-07-01"}, {&n1, "2025-07-01", ""}});
  }
  void TearDown() override { tmp.reset(); }

  // Files the member under the organization of its last (open) membership and writes every
  // membership of the history: (organization, valid_from, valid_to), oldest first.
  void add(const std::string& family, const std::string& middle, const std::string& given, Gender g, int born,
           MemberStatus st, std::vector<std::tuple<const Organization*, std::string, std::string>> hist,
           bool synthetic = false) {
    Member m;
    m.family_name = family;
    m.middle_name = middle;
    m.given_name = given;
    m.gender = g;
    m.birth_date = base::make_date(born, 4, 10);
    m.status = st;
    m.synthetic = synthetic;
    auto& [cur, cur_from, cur_to] = hist.back();
    m.org_id = cur->id;
    m.org_path = cur->path;
    auto s = db->session();
    insert_member(*s, m, cur_from, "test");
    for (std::size_t i = 0; i + 1 < hist.size(); ++i) {
      auto& [o, from, to] = hist[i];
      long long mid = m.id, oid = o->id;
      *s << "INSERT INTO membership(member_id, org_id, valid_from, valid_to, reason) VALUES (:m, :o, :f, :t, 'test')",
          soci::use(mid), soci::use(oid), soci::use(from), soci::use(to);
    }
  }

  security::Actor actor(security::Role r, const Organization& o) {
    return dangbo::testing::actor_at(r, o, 1, "t");
  }

  static std::map<std::string, int64_t> by(const std::vector<CountItem>& v) {
    std::map<std::string, int64_t> out;
    for (auto& c : v)
      if (c.count) out[c.key] = c.count;
    return out;
  }
  static std::vector<std::pair<std::string, int64_t>> children(const Stats& st) {
    std::vector<std::pair<std::string, int64_t>> out;
    for (auto& c : st.by_child) out.emplace_back(c.key, c.count);
    return out;
  }
  using Kids = std::vector<std::pair<std::string, int64_t>>;
  using Counts = std::map<std::string, int64_t>;
};

TEST_P(StatsAsOf, TheDayBeforeTheMergerCountsTheOldWards) {
  RegistryService svc(*db);
  auto admin = actor(security::Role::admin, hcm);
  auto st = svc.stats(admin, "HCM", false, "2025-06-30");
  // On the rolls that day: An, Bình (A1), Chi, Dũng (B1), Giang (C1); Hà is removed, Em not yet admitted.
  EXPECT_EQ(st.total, 5);
  EXPECT_EQ(by(st.by_status), (Counts{{"full", 4}, {"probationary", 1}, {"removed", 1}}));
  EXPECT_EQ(by(st.by_gender), (Counts{{"male", 3}, {"female", 2}}));
  // ages in 2025: An 65, Bình 50, Chi 30, Dũng 45, Giang 75
  EXPECT_EQ(by(st.by_age_band), (Counts{{"18-30", 1}, {"41-50", 2}, {"61-70", 1}, {"71+", 1}}));
  EXPECT_EQ(children(st), (Kids{{"26734", 2}, {"26737", 2}, {"26743", 1}}));
  EXPECT_EQ(st.synthetic, 1);  // Giang
}

TEST_P(StatsAsOf, TheMergerDayHasTheSameTotalAndTheNewWard) {
  RegistryService svc(*db);
  auto admin = actor(security::Role::admin, hcm);
  auto st = svc.stats(admin, "HCM", false, "2025-07-01");
  EXPECT_EQ(st.total, 5);
  EXPECT_EQ(by(st.by_status), (Counts{{"full", 4}, {"probationary", 1}, {"removed", 1}}));
  EXPECT_EQ(by(st.by_gender), (Counts{{"male", 3}, {"female", 2}}));
  EXPECT_EQ(by(st.by_age_band), (Counts{{"18-30", 1}, {"41-50", 2}, {"61-70", 1}, {"71+", 1}}));
  // An, Bình, Chi, Dũng in Sài Gòn (Hà too, but removed); Giang in Tân Định
  EXPECT_EQ(children(st), (Kids{{"26740", 4}, {"26743", 1}}));
}

TEST_P(StatsAsOf, AgesAreTakenOnTheDayAndTheMoveAndAdmissionCount) {
  RegistryService svc(*db);
  auto admin = actor(security::Role::admin, hcm);
  // 2026-01-15: Dũng has moved to Tân Định, Em has been admitted to Sài Gòn.
  auto st = svc.stats(admin, "HCM", false, "2026-01-15");
  EXPECT_EQ(st.total, 6);
  EXPECT_EQ(by(st.by_status), (Counts{{"full", 4}, {"probationary", 2}, {"removed", 1}}));
  EXPECT_EQ(by(st.by_gender), (Counts{{"male", 3}, {"female", 3}}));
  // ages in 2026: Em 26, Chi 31, Dũng 46, Bình 51, An 66, Giang 76: one in each band
  EXPECT_EQ(by(st.by_age_band), (Counts{{"18-30", 1}, {"31-40", 1}, {"41-50", 1}, {"51-60", 1}, {"61-70", 1}, {"71+", 1}}));
  EXPECT_EQ(children(st), (Kids{{"26740", 4}, {"26743", 2}}));
  // A ward on its own: Sài Gòn on 2025-08-01 (An, Bình, Chi, Dũng; Em not yet) and on 2026-01-15 (Dũng gone, Em in).
  EXPECT_EQ(svc.stats(admin, "26740", false, "2025-08-01").total, 4);
  EXPECT_EQ(svc.stats(admin, "26740", false, "2026-01-15").total, 4);
  EXPECT_EQ(children(svc.stats(admin, "26740", false, "2026-01-15")), (Kids{{"26740.01", 4}}));
  EXPECT_EQ(svc.stats(admin, "26743", false, "2025-08-01").total, 1);
  EXPECT_EQ(svc.stats(admin, "26743", false, "2026-01-15").total, 2);
}

TEST_P(StatsAsOf, TodayFromTheMemberTableAgreesWithHistory) {
  RegistryService svc(*db);
  auto admin = actor(security::Role::admin, hcm);
  auto now = svc.stats(admin, "HCM", false);                       // no as_of: today, the fast path
  auto today = svc.stats(admin, "HCM", false, base::today().iso());  // the same path
  for (auto* st : {&now, &today}) {
    EXPECT_EQ(st->total, 6);
    EXPECT_EQ(children(*st), (Kids{{"26740", 4}, {"26743", 2}}));
    EXPECT_EQ(by(st->by_status), (Counts{{"full", 4}, {"probationary", 2}, {"removed", 1}}));
  }
}

TEST_P(StatsAsOf, ScopeOnAPastDayFollowsTheLineageAndNothingElse) {
  RegistryService svc(*db);
  auto staff = actor(security::Role::staff, n);  // staff of the new ward Sài Gòn
  // the wards Sài Gòn was formed from, as they stood before the merger
  auto st = svc.stats(staff, "26734", false, "2025-06-30");
  EXPECT_EQ(st.total, 2);  // An, Bình
  EXPECT_EQ(children(st), (Kids{{"26734.01", 2}}));
  EXPECT_EQ(svc.stats(staff, "26737", false, "2025-06-30").total, 2);  // Chi, Dũng
  auto kind = [&](auto&& f) -> std::optional<base::ErrorKind> {
    try {
      f();
    } catch (const base::Error& e) {
      return e.kind();
    }
    return std::nullopt;
  };
  // the unchanged neighbour and the city stay outside; the ward did not exist yet on 2025-06-30
  EXPECT_EQ(kind([&] { svc.stats(staff, "26743", false, "2025-06-30"); }), base::ErrorKind::not_found);
  EXPECT_EQ(kind([&] { svc.stats(staff, "HCM", false, "2025-06-30"); }), base::ErrorKind::not_found);
  EXPECT_EQ(kind([&] { svc.stats(staff, "26740", false, "2025-06-30"); }), base::ErrorKind::not_found);
  // after the merger the old wards are not valid any more
  EXPECT_EQ(kind([&] { svc.stats(staff, "26734", false, "2025-07-01"); }), base::ErrorKind::not_found);
  // the staff of the unchanged ward do not see the merged wards' past
  auto other = actor(security::Role::staff, c);
  EXPECT_EQ(kind([&] { svc.stats(other, "26734", false, "2025-06-30"); }), base::ErrorKind::not_found);
  EXPECT_EQ(svc.stats(other, "", false, "2025-06-30").total, 1);  // its own organization: Giang
  // a member may not see statistics on any day
  auto member = actor(security::Role::member, n);
  EXPECT_EQ(kind([&] { svc.stats(member, "26740", false, "2025-08-01"); }), base::ErrorKind::forbidden);
}

TEST_P(StatsAsOf, SyntheticMarkOnAPastDayComesFromThatDaysMembers) {
  RegistryService svc(*db);
  auto admin = actor(security::Role::admin, hcm);
  EXPECT_TRUE(svc.has_synthetic(admin, c, "2025-06-30"));   // Giang
  EXPECT_FALSE(svc.has_synthetic(admin, a, "2025-06-30"));  // An, Bình, Hà
  auto staff = actor(security::Role::staff, n);
  EXPECT_FALSE(svc.has_synthetic(staff, b, "2025-06-30"));  // Chi, Dũng: not synthetic
  EXPECT_EQ(svc.stats(admin, "26734", false, "2025-06-30").synthetic, 0);
  EXPECT_EQ(svc.stats(admin, "26743", false, "2025-06-30").synthetic, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, StatsAsOf, ::testing::ValuesIn(dangbo::testing::backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
