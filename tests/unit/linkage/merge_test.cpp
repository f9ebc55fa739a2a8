// Review decisions on a real (temporary) database, SQLite and PostgreSQL: a merge loses nothing
// (every original value and every history row stays reachable), undo restores both records
// exactly, "different people" is remembered across runs, scope and edits are respected.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include "common/registry_fixture.hpp"
#include "common/temp_db.hpp"

#include "base/rules.hpp"
#include "linkage/service.hpp"
#include "linkage/store.hpp"
#include "registry/counts.hpp"
#include "registry/refdata.hpp"
#include "registry/roster_gen.hpp"
#include "registry/service.hpp"
#include "registry/store.hpp"
#include "vntext/text.hpp"

using namespace dangbo;
using namespace dangbo::linkage;
namespace json = boost::json;

namespace {

struct MergeFixture : ::testing::TestWithParam<std::string> {
  std::unique_ptr<dangbo::testing::TempDatabase> tmp;
  db::Database* db = nullptr;
  registry::Organization root, ward, cell_a, cell_b, other_ward, cell_c;

  void SetUp() override {
    base::RuleSet::set_global(base::RuleSet::load(std::string(DANGBO_SOURCE_DIR) + "/config/rules.json"));
    tmp = dangbo::testing::TempDatabase::make(GetParam());
    if (!tmp) GTEST_SKIP() << "no PostgreSQL cluster (DANGBO_TEST_PG_URL unset)";
    db = &tmp->db();
    auto s = db->session();
    auto mk = [&](registry::Organization& o, std::string code, std::string name, registry::OrgKind k,
                  const registry::Organization* parent) {
      o.code = code;
      o.name = name;
      o.kind = k;
      o.valid_from = base::make_date(2025, 7, 1);
      if (parent) o.parent_id = parent->id;
      registry::insert_org(*s, o, parent ? parent->path : "");
    };
    mk(root, "HCM", "Đảng bộ Thành phố Hồ Chí Minh", registry::OrgKind::city, nullptr);
    mk(ward, "26740", "Đảng bộ phường Sài Gòn", registry::OrgKind::commune_committee, &root);
    mk(cell_a, "26740.01", "Chi bộ Khu phố 1", registry::OrgKind::cell, &ward);
    mk(cell_b, "26740.02", "Chi bộ Khu phố 2", registry::OrgKind::cell, &ward);
    mk(other_ward, "26737", "Đảng bộ phường Tân Định", registry::OrgKind::commune_committee, &root);
    mk(cell_c, "26737.01", "Chi bộ Khu phố 1", registry::OrgKind::cell, &other_ward);
  }
  void TearDown() override { tmp.reset(); }

  security::Actor actor(security::Role r, const registry::Organization& o) {
    return dangbo::testing::actor_at(r, o, 0, "canbo");
  }

  int64_t add(registry::Member m, const registry::Organization& cell, const std::string& from = "2020-01-01") {
    m.org_id = cell.id;
    m.org_path = cell.path;
    auto s = db->session();
    registry::insert_member(*s, m, from, "kết nạp");
    return m.id;
  }

  // Every row of a table for the given member ids (by id), as JSON, for exact comparisons.
  std::map<int64_t, json::object> rows(const std::string& table, const std::string& col, std::vector<int64_t> members) {
    auto s = db->session();
    std::map<int64_t, json::object> out;
    for (int64_t m : members) {
      std::vector<int64_t> ids;
      if (col == "id") ids.push_back(m);
      else
        for (auto& key : referring_rows(*s, MemberRef{table, col, {"id"}}, m)) ids.push_back(key.at("id").to_number<int64_t>());
      for (int64_t id : ids)
        if (auto r = row_snapshot(*s, table, id)) out[id] = *r;
    }
    return out;
  }

  int64_t pair_for(int64_t a, int64_t b, const registry::Organization& oa, const registry::Organization& ob) {
    auto s = db->session();
    RunRow run;
    run.actor_name = "t";
    run.scope_path = root.path;
    run.threshold = 0.95;
    run.review_low = 0.5;
    int64_t rid = insert_run(*s, run);
    PairRow p;
    p.run_id = rid;
    p.member_a = std::min(a, b);
    p.member_b = std::max(a, b);
    p.probability = 0.97;
    p.match_weight = 5;
    p.levels = "{\"name\":\"no_diacritics\"}";
    p.evidence = "{\"name\":9.5}";
    p.band = "link";
    p.status = "open";
    p.org_path_a = a < b ? oa.path : ob.path;
    p.org_path_b = a < b ? ob.path : oa.path;
    insert_pairs(*s, {p});
    auto open = open_pairs(*s, root.path, "link", 10, std::nullopt);
    return open.back().id;
  }
};

registry::Member person_a() {
  registry::Member m;
  m.family_name = "Nguyễn";
  m.middle_name = "Văn";
  m.given_name = "Hùng";
  m.gender = registry::Gender::male;
  m.birth_date = base::make_date(1970, 5, 3);
  m.home_town = "Tỉnh Nghệ An";
  m.citizen_id = "040070001234";
  m.phone = "0912345678";
  m.admitted_on = base::make_date(1995, 3, 1);
  m.full_member_on = base::make_date(1996, 3, 1);
  m.card_number = "12345678";
  m.status = registry::MemberStatus::full;
  m.occupation = "Kỹ sư";
  return m;
}

// The same person typed again elsewhere: no diacritics, day and month swapped, old ID, new phone.
registry::Member person_a_again() {
  registry::Member m = person_a();
  m.family_name = "Nguyen";
  m.middle_name = "Van";
  m.given_name = "Hung";
  m.birth_date = base::make_date(1970, 3, 5);
  m.citizen_id = "186123456";
  m.phone = "0987654321";
  m.occupation = "Giảng viên";
  m.position = "Chi ủy viên";
  return m;
}

}  // namespace

TEST_P(MergeFixture, MergeLosesNothingAndUndoRestoresExactly) {
  int64_t a = add(person_a(), cell_a, "2019-01-01");
  int64_t b = add(person_a_again(), cell_b, "2021-06-01");
  // b also has an older, closed membership (history) in cell C
  {
    auto s = db->session();
    long long mb = b, oc = cell_c.id;
    *s << "INSERT INTO membership(member_id, org_id, valid_from, valid_to, reason) VALUES (:m, :o, '2015-01-01', "
          "'2021-05-31', 'kết nạp')",
        soci::use(mb), soci::use(oc);
  }
  // a table of another module referring to members with a composite key (as import source keys do)
  {
    auto s = db->session();
    *s << "CREATE TABLE test_source_key (scope BIGINT NOT NULL, k TEXT NOT NULL, member_id BIGINT NOT NULL "
          "REFERENCES member(id), PRIMARY KEY (scope, k))";
    long long mb = b;
    *s << "INSERT INTO test_source_key(scope, k, member_id) VALUES (1, 'id:77', :m)", soci::use(mb);
  }
  auto source_key_owner = [&] {
    auto s = db->session();
    long long m = 0;
    *s << "SELECT member_id FROM test_source_key WHERE scope = 1 AND k = 'id:77'", soci::into(m);
    return int64_t(m);
  };
  auto members_before = rows("member", "id", {a, b});
  auto memberships_before = rows("membership", "member_id", {a, b});
  ASSERT_EQ(members_before.size(), 2u);
  ASSERT_EQ(memberships_before.size(), 3u);

  DedupeService svc(*db);
  auto staff = actor(security::Role::staff, root);
  int64_t pid = pair_for(a, b, cell_a, cell_b);
  auto view = svc.pair(staff, pid);
  bool birth_differs = false;
  for (auto& f : view.fields)
    if (f.field == "birth_date") birth_differs = f.differ;
  EXPECT_TRUE(birth_differs);

  // Keep a; take b's position and organization; keep a's birth date.
  int64_t merge_id = svc.merge(staff, pid, "a", {{"position", "b"}, {"org", "b"}, {"birth_date", "a"}});

  {
    auto s = db->session();
    EXPECT_FALSE(registry::find_member(*s, b)) << "the absorbed row leaves the member table";
    auto kept = registry::find_member(*s, a);
    ASSERT_TRUE(kept);
    EXPECT_EQ(kept->position, "Chi ủy viên");
    EXPECT_EQ(kept->occupation, "Kỹ sư");
    EXPECT_EQ(kept->birth_date->iso(), "1970-05-03");
    EXPECT_EQ(kept->org_id, cell_b.id);
    // every membership row of both records is still there, now on the survivor
    auto hist = registry::member_history(*s, a);
    EXPECT_EQ(hist.size(), 3u);
    for (auto& [id, before] : memberships_before) {
      auto now = row_snapshot(*s, "membership", id);
      ASSERT_TRUE(now) << "membership " << id << " lost";
      EXPECT_EQ(now->at("valid_from"), before.at("valid_from"));
      EXPECT_EQ(now->at("org_id"), before.at("org_id"));
      EXPECT_EQ(now->at("reason"), before.at("reason"));
      EXPECT_EQ(now->at("member_id").to_number<int64_t>(), a);
    }
    int open = 0;
    for (auto& h : hist) open += h.valid_to ? 0 : 1;
    EXPECT_EQ(open, 1) << "one open membership: the chosen organization's";
  }
  EXPECT_EQ(source_key_owner(), a) << "references of other tables follow the survivor";
  // every original value of both records is reachable from the merge record
  auto rec = svc.merge_record(staff, merge_id);
  EXPECT_EQ(json::parse(rec.absorbed_row).as_object(), members_before[b]);
  EXPECT_EQ(json::parse(rec.survivor_before).as_object(), members_before[a]);
  auto merges = svc.merges_of(staff, b);
  ASSERT_EQ(merges.size(), 1u);
  EXPECT_EQ(merges[0].id, merge_id);
  // audited
  auto trail = security::audit_for(*db, "member", std::to_string(a));
  ASSERT_FALSE(trail.empty());
  EXPECT_EQ(trail.front().action, "dedupe_merge");
  EXPECT_FALSE(security::audit_verify(*db));

  // the stored counts (registry/counts.hpp): a left cell A, b's record left cell B, a joined it
  {
    auto s = db->session();
    EXPECT_EQ(registry::stored_subtree_count(*s, cell_a.path), 0);
    EXPECT_EQ(registry::stored_subtree_count(*s, cell_b.path), 1);
    EXPECT_TRUE(registry::count_mismatches(*s).empty());
  }
  // the pair is no longer open; merging again is refused
  EXPECT_THROW(svc.merge(staff, pid, "a", {}), base::Error);

  svc.undo_merge(staff, merge_id);
  EXPECT_EQ(source_key_owner(), b);
  EXPECT_EQ(rows("member", "id", {a, b}), members_before);
  EXPECT_EQ(rows("membership", "member_id", {a, b}), memberships_before);
  EXPECT_THROW(svc.undo_merge(staff, merge_id), base::Error);  // once only
  {
    auto s = db->session();
    EXPECT_EQ(registry::stored_subtree_count(*s, cell_a.path), 1);
    EXPECT_EQ(registry::stored_subtree_count(*s, ward.path), 2);
    EXPECT_TRUE(registry::count_mismatches(*s).empty());
  }
  EXPECT_FALSE(security::audit_verify(*db));
}

TEST_P(MergeFixture, UndoRefusedAfterTheSurvivorWasEdited) {
  int64_t a = add(person_a(), cell_a);
  int64_t b = add(person_a_again(), cell_b);
  DedupeService svc(*db);
  auto staff = actor(security::Role::staff, root);
  int64_t merge_id = svc.merge(staff, pair_for(a, b, cell_a, cell_b), "b", {{"occupation", "a"}});
  registry::RegistryService reg(*db);
  reg.update_member(staff, b, {{"email", "hung@example.vn"}}, std::nullopt);
  try {
    svc.undo_merge(staff, merge_id);
    FAIL() << "undo should be refused";
  } catch (const base::Error& e) {
    EXPECT_EQ(e.kind(), base::ErrorKind::conflict);
  }
}

TEST_P(MergeFixture, ScopeAndRoles) {
  int64_t a = add(person_a(), cell_a);
  int64_t c = add(person_a_again(), cell_c);  // in the other ward
  DedupeService svc(*db);
  int64_t pid = pair_for(a, c, cell_a, cell_c);
  auto ward_staff = actor(security::Role::staff, ward);
  EXPECT_THROW(svc.pair(ward_staff, pid), base::Error);  // half outside the scope: not found
  EXPECT_TRUE(svc.queue(ward_staff, "link", 10, "", nullptr).empty());
  auto secretary = actor(security::Role::secretary, root);
  EXPECT_THROW(svc.pair(secretary, pid), base::Error);  // role
  auto city_staff = actor(security::Role::staff, root);
  EXPECT_EQ(svc.queue(city_staff, "link", 10, "", nullptr).size(), 1u);
}

TEST_P(MergeFixture, RunFindsInjectedDuplicatesAndRemembersDifferentPeople) {
  // 400 generated members with 20 re-typed copies in other cells.
  auto rd = registry::RefData::load(std::string(DANGBO_SOURCE_DIR) + "/data");
  registry::GenOptions go;
  go.members = 400;
  go.seed = 5;
  auto orgs = registry::generate_org_tree(rd, go);
  registry::RosterGenerator gen(rd, orgs, go);
  registry::Member m;
  std::string code;
  std::vector<std::pair<int64_t, int64_t>> truth;
  int k = 0;
  while (gen.next(m, code)) {
    registry::Member x = m;
    int64_t id = add(x, k % 2 ? cell_a : cell_c);
    if (k % 20 == 0) {
      registry::Member y = m;
      y.family_name = vntext::search_key(y.family_name);  // typed without diacritics
      y.family_name[0] = char(std::toupper(static_cast<unsigned char>(y.family_name[0])));
      y.phone.clear();
      if (y.birth_date && y.birth_date->day() <= 12 && y.birth_date->day() != y.birth_date->month())
        y.birth_date = base::make_date(y.birth_date->year(), y.birth_date->day(), y.birth_date->month());
      truth.emplace_back(id, add(y, cell_b));
    }
    ++k;
  }
  DedupeService svc(*db);
  auto staff = actor(security::Role::staff, root);
  Options opt;
  opt.threads = 2;
  auto sum = svc.run(staff, "", opt);
  EXPECT_EQ(sum.records, 420u);
  std::set<std::pair<int64_t, int64_t>> found;
  for (auto band : {"link", "review"})
    for (auto& p : svc.queue(staff, band, 1000, "", nullptr)) found.emplace(p.member_a, p.member_b);
  int hit = 0;
  for (auto [x, y] : truth) hit += found.count({std::min(x, y), std::max(x, y)}) ? 1 : 0;
  EXPECT_EQ(hit, int(truth.size()));
  EXPECT_LE(found.size(), truth.size() + 2);

  // "Different people" is remembered: the next run does not ask again.
  auto first = svc.queue(staff, "link", 1, "", nullptr);
  ASSERT_EQ(first.size(), 1u);
  svc.decide_different(staff, first[0].id);
  auto again = svc.run(staff, "", opt);
  EXPECT_EQ(again.remembered_different, 1u);
  for (auto band : {"link", "review"})
    for (auto& p : svc.queue(staff, band, 1000, "", nullptr))
      EXPECT_FALSE(p.member_a == first[0].member_a && p.member_b == first[0].member_b);
}

TEST_P(MergeFixture, UndoRefusedWhenAnOrganizationWasDissolvedSince) {
  int64_t a = add(person_a(), cell_a, "2019-01-01");
  int64_t b = add(person_a_again(), cell_b, "2021-06-01");
  DedupeService svc(*db);
  auto staff = actor(security::Role::staff, root);
  int64_t merge_id = svc.merge(staff, pair_for(a, b, cell_a, cell_b), "a", {});
  {
    // cell B (the absorbed record's) closes, as a plan dissolving it would close it
    auto s = db->session();
    long long id = cell_b.id;
    *s << "UPDATE organization SET valid_to = '2026-01-01' WHERE id = :id", soci::use(id);
  }
  try {
    svc.undo_merge(staff, merge_id);
    ADD_FAILURE() << "undo into a dissolved organization was accepted";
  } catch (const base::Error& e) {
    EXPECT_EQ(e.code(), "dedupe.org_closed");
    EXPECT_NE(std::string(e.what()).find("26740.02"), std::string::npos) << e.what();
  }
  auto s = db->session();
  EXPECT_FALSE(registry::find_member(*s, b)) << "nothing restored";
  EXPECT_TRUE(registry::count_mismatches(*s).empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, MergeFixture, ::testing::ValuesIn(dangbo::testing::backends()));
