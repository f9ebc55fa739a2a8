// The real 2025 reorganisation of Ho Chi Minh City replayed on a fresh database: the old tree
// (HCMC, Bình Dương, Bà Rịa – Vũng Tàu with their districts, 441 communes and the Côn Đảo
// district) with a demo roster, then the real mapping applied as one plan effective 2025-07-01.
// The result must equal the tree the seeding used to build directly, with every member placed
// and the history kept.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <map>
#include <set>

#include "../common/temp_db.hpp"

#include "base/rules.hpp"
#include "registry/lineage.hpp"
#include "registry/refdata.hpp"
#include "registry/roster_gen.hpp"
#include "registry/seed.hpp"
#include "registry/store.hpp"
#include "restructure/seed2025.hpp"

using namespace dangbo;
using namespace dangbo::registry;
using namespace dangbo::restructure;

namespace {

const RefData& ref() {
  static RefData r = RefData::load(std::string(DANGBO_SOURCE_DIR) + "/data");
  return r;
}

struct Replay : ::testing::TestWithParam<std::string> {
  std::unique_ptr<dangbo::testing::TempDatabase> tmp;
  db::Database* db = nullptr;
  GenOptions opts;
  SeedReport rep;

  void SetUp() override {
    base::RuleSet::set_global(base::RuleSet::load(std::string(DANGBO_SOURCE_DIR) + "/config/rules.json"));
    tmp = dangbo::testing::TempDatabase::make(GetParam());
    if (!tmp) GTEST_SKIP() << "no PostgreSQL cluster (DANGBO_TEST_PG_URL unset)";
    db = &tmp->db();
    load_reference_data(*db, ref());
    opts.members = 3000;
    opts.seed = 7;
    rep = seed_history_2025(*db, ref(), opts);
  }
  void TearDown() override { tmp.reset(); }

  std::vector<OrgRow> orgs(const std::string& as_of, std::optional<OrgKind> kind, bool counts = false) {
    auto s = db->session();
    std::vector<OrgRow> out;
    std::string after;
    for (;;) {
      OrgQuery q;
      q.as_of = as_of;
      q.kind = kind;
      q.count_members = counts;
      q.today = false;
      q.after_code = after;
      q.limit = 1000;
      auto page = list_orgs(*s, q);
      if (page.empty()) break;
      after = page.back().org.code;
      out.insert(out.end(), page.begin(), page.end());
    }
    return out;
  }
  std::set<std::string> codes(const std::vector<OrgRow>& rows) {
    std::set<std::string> out;
    for (auto& r : rows) out.insert(r.org.code);
    return out;
  }
  int64_t scalar(const std::string& q) {
    auto s = db->session();
    long long n = 0;
    *s << q, soci::into(n);
    return n;
  }
};

TEST_P(Replay, CountsBeforeAndAfter) {
  std::set<std::string> old_codes, new_codes;
  for (auto& c : ref().old_communes())
    if (c.province_code == "79" || c.province_code == "74" || c.province_code == "77") old_codes.insert(c.code);
  for (auto* u : ref().new_communes_of("79")) new_codes.insert(u->code);
  ASSERT_EQ(old_codes.size(), 441u);
  ASSERT_EQ(new_codes.size(), 168u);

  EXPECT_EQ(codes(orgs("2025-06-30", OrgKind::commune_committee)), old_codes);
  EXPECT_EQ(codes(orgs("2025-07-01", OrgKind::commune_committee)), new_codes);
  EXPECT_EQ(codes(orgs("2025-06-30", OrgKind::city)), (std::set<std::string>{"BDG", "BRVT", "HCM"}));
  EXPECT_EQ(codes(orgs("2025-07-01", OrgKind::city)), (std::set<std::string>{"HCM"}));
  EXPECT_EQ(orgs("2025-06-30", OrgKind::upper_committee).size(), 38u);  // 22 + 9 + 7 districts, Côn Đảo included
  EXPECT_EQ(orgs("2025-07-01", OrgKind::upper_committee).size(), 0u);
  // Before 2025 history starts, nothing.
  EXPECT_EQ(orgs("2024-12-31", std::nullopt).size(), 0u);
}

TEST_P(Replay, ResultEqualsThePost2025Tree) {
  auto gen = generate_org_tree(ref(), opts);
  auto s = db->session();
  std::string today = base::today().iso();
  int64_t current = scalar("SELECT count(*) FROM organization WHERE valid_to IS NULL");
  EXPECT_EQ(current, int64_t(gen.size()));
  for (auto& g : gen) {
    auto o = find_org(*s, g.code, today);
    ASSERT_TRUE(o) << g.code;
    EXPECT_EQ(o->name, g.name) << g.code;
    EXPECT_EQ(o->kind, g.kind) << g.code;
    EXPECT_EQ(o->parent_code, g.parent_code) << g.code;
    EXPECT_EQ(o->admin_unit_code, g.admin_unit_code) << g.code;
    EXPECT_EQ(o->valid_from.iso(), "2025-07-01") << g.code;
  }
}

TEST_P(Replay, EveryMemberPlacedAndTheSameAsTheDirectSeeding) {
  EXPECT_EQ(rep.members, 3000);
  EXPECT_EQ(scalar("SELECT count(*) FROM member"), 3000);
  // every member in a current organization, with exactly one open membership, in it
  EXPECT_EQ(scalar("SELECT count(*) FROM member m JOIN organization o ON o.id = m.org_id WHERE o.valid_to IS NULL AND o.path = m.org_path"), 3000);
  EXPECT_EQ(scalar("SELECT count(*) FROM membership WHERE valid_to IS NULL"), 3000);
  EXPECT_EQ(scalar("SELECT count(*) FROM membership ms JOIN member m ON m.id = ms.member_id WHERE ms.valid_to IS NULL AND ms.org_id = m.org_id"), 3000);
  // and one closed on 2025-07-01 in the old tree
  EXPECT_EQ(scalar("SELECT count(*) FROM membership WHERE valid_to = '2025-07-01'"), 3000);
  EXPECT_EQ(scalar("SELECT count(*) FROM membership WHERE valid_from > '2025-06-30' AND valid_to = '2025-07-01'"), 0);

  // The same members in the same cells as a database seeded the old way (tree built directly).
  auto other = dangbo::testing::TempDatabase::make("sqlite");
  load_reference_data(other->db(), ref());
  auto gen = generate_org_tree(ref(), opts);
  load_org_tree(other->db(), gen, opts);
  load_roster(other->db(), ref(), gen, opts);
  auto rows = [](db::Database& d) {
    auto s = d.session();
    std::map<int64_t, std::string> out;
    long long id = 0;
    std::string code, name;
    soci::statement st = (s->prepare << "SELECT m.id, o.code, m.family_name || ' ' || m.given_name FROM member m JOIN organization o ON o.id = m.org_id",
                          soci::into(id), soci::into(code), soci::into(name));
    st.execute();
    while (st.fetch()) out[id] = code + " " + name;
    return out;
  };
  EXPECT_EQ(rows(*db), rows(other->db()));
}

TEST_P(Replay, HistoryCountsAndLineageAccountForEveryOldUnit) {
  // Members as of the day before, through membership history, add up over the three provinces.
  int64_t total = 0;
  for (auto& r : orgs("2025-06-30", OrgKind::city, true)) total += r.member_count;
  int64_t active = scalar("SELECT count(*) FROM member WHERE status IN ('probationary','full','exempted')");
  EXPECT_EQ(total, active);
  int64_t after = 0;
  for (auto& r : orgs("2025-07-01", OrgKind::commune_committee, true)) after += r.member_count;
  EXPECT_EQ(after, active);

  // Every old unit leads exactly to the new units the mapping names; every new unit comes from its sources.
  std::map<std::string, std::set<std::string>> to, from;
  for (auto& m : ref().mappings())
    if (m.new_province_code == "79") {
      to[m.old_code].insert(m.new_code);
      from[m.new_code].insert(m.old_code);
    }
  ASSERT_EQ(to.size(), 442u);
  auto s = db->session();
  for (auto& [old, news] : to) {
    auto o = find_org(*s, old, "2025-06-30");
    ASSERT_TRUE(o) << old;
    std::set<std::string> got;
    for (auto& l : org_successors(*s, o->id)) got.insert(l.other ? l.other->code : "");
    EXPECT_EQ(got, news) << old;
  }
  for (auto& [nc, olds] : from) {
    auto o = find_org(*s, nc, "2025-07-01");
    ASSERT_TRUE(o) << nc;
    std::set<std::string> got;
    for (auto& l : org_predecessors(*s, o->id)) {
      got.insert(l.other->code);
      EXPECT_EQ(l.decision_no, "1685/NQ-UBTVQH15");
      EXPECT_EQ(l.effective_date.iso(), "2025-07-01");
    }
    EXPECT_EQ(got, olds) << nc;
  }
  // Districts other than Côn Đảo: dissolved, no successor.
  EXPECT_EQ(scalar("SELECT count(*) FROM org_lineage WHERE operation = 'dissolve' AND successor_id IS NULL"), 37);
  // The city: formed from the three provincial organizations.
  auto hcm = find_org(*s, "HCM", "2025-07-01");
  std::set<std::string> got;
  for (auto& l : org_predecessors(*s, hcm->id)) got.insert(l.other->code);
  EXPECT_EQ(got, (std::set<std::string>{"BDG", "BRVT", "HCM"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, Replay, ::testing::ValuesIn(dangbo::testing::backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
