// The in-memory name index (registry/name_index.hpp) on both back ends. The oracle is the SQL
// search (list_members / count_members, tested on its own against hand-counted cases in
// test_registry_store.cpp): for every query, scope, filter and page, the index must give the
// same members in the same order with the same cursors. Hand-counted expectations check a few
// answers directly, and writes made through another session (edits, inserts, deletes, moves)
// must show in the next search.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "common/registry_fixture.hpp"
#include "common/temp_db.hpp"

#include "base/rules.hpp"
#include "registry/name_index.hpp"
#include "registry/service.hpp"
#include "registry/store.hpp"
#include "vntext/text.hpp"

using namespace dangbo;
using namespace dangbo::registry;

namespace {

// Real names: tone-only differences (Hoa, Hòa, Hóa; An, Ân, Ấn), Đ against D (Đặng, Dương;
// Đông, Dung, Dũng), compound family names (Tôn Thất), two-word middles, no middle name.
const char* kFamilies[] = {"Nguyễn", "Trần", "Lê", "Phạm", "Đặng", "Dương", "Võ", "Vũ", "Hồ", "Hoàng", "Tôn Thất"};
const char* kMiddles[] = {"Văn", "Thị", "Minh", "Hữu", "", "Thị Kim", "Văn An"};
const char* kGivens[] = {"An", "Ân", "Ấn", "Anh", "Ánh", "Hoa", "Hòa", "Hóa", "Đông", "Dung", "Dũng", "Lan", "Hùng", "Nam", "Thi"};
constexpr MemberStatus kStatusCycle[] = {MemberStatus::full, MemberStatus::full, MemberStatus::probationary, MemberStatus::full,
                                         MemberStatus::exempted, MemberStatus::removed, MemberStatus::full};

struct NameIndexTest : ::testing::TestWithParam<std::string> {
  std::unique_ptr<dangbo::testing::TempDatabase> tmp;
  db::Database* db = nullptr;
  Organization root, ward_a, ward_b, cell_a1, cell_a2, cell_b;
  std::vector<int64_t> ids;

  void SetUp() override {
    base::RuleSet::set_global(base::RuleSet::load(std::string(DANGBO_SOURCE_DIR) + "/config/rules.json"));
    tmp = dangbo::testing::TempDatabase::make(GetParam());
    if (!tmp) GTEST_SKIP() << "no PostgreSQL cluster (DANGBO_TEST_PG_URL unset)";
    db = &tmp->db();
    using dangbo::testing::add_org;
    auto s = db->session();
    add_org(*s, root, "HCM", "Đảng bộ Thành phố Hồ Chí Minh", OrgKind::city, nullptr);
    add_org(*s, ward_a, "26740", "Đảng bộ phường Sài Gòn", OrgKind::commune_committee, &root);
    add_org(*s, ward_b, "26737", "Đảng bộ phường Tân Định", OrgKind::commune_committee, &root);
    add_org(*s, cell_a1, "26740.01", "Chi bộ Khu phố 1", OrgKind::cell, &ward_a);
    add_org(*s, cell_a2, "26740.02", "Chi bộ Khu phố 2", OrgKind::cell, &ward_a);
    add_org(*s, cell_b, "26737.01", "Chi bộ Khu phố 1", OrgKind::cell, &ward_b);
    const Organization* homes[] = {&cell_a1, &cell_a2, &cell_b, &ward_a};
    soci::transaction tr(*s);
    for (int i = 0; i < 420; ++i) {
      Member m = dangbo::testing::member_in(*homes[(i / 3) % 4], kGivens[i % 15], kStatusCycle[i % 7], kFamilies[(i / 2) % 11],
                                            kMiddles[(i / 5) % 7]);
      m.gender = (i % 15 == 5 || i % 15 == 6 || i % 15 == 7 || i % 15 == 11 || (i / 5) % 7 == 1) ? Gender::female : Gender::male;
      insert_member(*s, m, "2025-07-01", "test");
      ids.push_back(m.id);
    }
    tr.commit();
  }

  // Every page of the query, through SQL and through the index: the same ids, cursors and counts.
  void same_as_sql(NameIndex& idx, MemberQuery q, const std::string& what) {
    auto s = db->session();
    ASSERT_TRUE(idx.refresh(*s)) << what;
    for (int page = 0; page < 200; ++page) {
      MemberPage want = list_members(*s, q);
      auto ns = name_search_for(q);
      ASSERT_TRUE(ns) << what;
      MemberPage got = list_members_by_ids(*s, q, idx.search(*ns, std::size_t(q.limit) + 1));
      std::vector<int64_t> w, g;
      for (auto& m : want.items) w.push_back(m.id);
      for (auto& m : got.items) g.push_back(m.id);
      ASSERT_EQ(w, g) << what << " page " << page;
      ASSERT_EQ(want.next, got.next) << what << " page " << page;
      if (want.next.empty()) break;
      q.after = want.next;
    }
    q.after.clear();
    auto ns = name_search_for(q);
    for (int64_t cap : {int64_t(3), int64_t(1000)})
      EXPECT_EQ(count_members(*s, q, cap), idx.count(*ns, cap)) << what << " cap " << cap;
  }
};

TEST_P(NameIndexTest, SameMembersInTheSameOrderAsSqlForEveryQueryScopeFilterAndPage) {
  NameIndex idx(*db);
  idx.build();
  ASSERT_EQ(idx.size(), 420u);
  const char* texts[] = {"nguyen", "Nguyễn Văn", "tran thi", "dang", "Đặng", "DUONG", "dung", "hoa", "Hòa", "an",
                         "anh", "thi kim", "van an", "ton that", "ton that an", "t", "an nguyen", "thi", "  le   thi ",
                         "hoa le", "xyz", "h", "van an an",
                         "", "---"};  // no name, and a text that folds to nothing: the plain list
  struct Scope {
    const Organization* org;
    bool direct;
  } scopes[] = {{&root, false}, {&ward_a, false}, {&cell_b, false}, {&ward_a, true}, {&cell_a2, true}};
  for (auto* text : texts)
    for (auto& sc : scopes)
      for (const char* status : {"", "all", "removed"})
        for (const char* gender : {"", "female"}) {
          MemberQuery q;
          q.q = text;
          q.scope_path = sc.org->path;
          if (sc.direct) q.org_id = sc.org->id;
          q.status = status;
          q.gender = gender;
          q.limit = 7;
          same_as_sql(idx, q,
                      std::string("'") + text + "' in " + sc.org->code + (sc.direct ? " (direct)" : "") + " status '" + status +
                          "' gender '" + gender + "'");
        }
}

// Names whose stored keys are not their folded parts joined (found by the newcomer test): a
// part that folds to more than 255 bytes ("㍿" folds to "株式会社"), and a name that
// vntext::search_key folds through ICU as a whole ("中" sends "²" to "2", which the part alone
// folds to a space). The index must still find exactly what SQL finds, built or changed since.
TEST_P(NameIndexTest, NamesWhoseKeysAreNotTheirPartsJoinedMatchAsInSql) {
  std::string long_family;
  for (int i = 0; i < 22; ++i) long_family += "㍿";
  auto add_odd = [&](const Organization& org) {
    auto s = db->session();
    Member a = dangbo::testing::member_in(org, "Lan", MemberStatus::full, long_family, "");
    insert_member(*s, a, "2025-07-01", "test");
    Member b = dangbo::testing::member_in(org, "Ab²cd", MemberStatus::full, "中", "");
    insert_member(*s, b, "2025-07-01", "test");
    return std::make_pair(a.id, b.id);
  };
  auto [built_long, built_han] = add_odd(cell_a1);
  NameIndex idx(*db);
  idx.build();
  auto [fresh_long, fresh_han] = add_odd(cell_b);  // held as changes, not in the build
  std::string folded_long = vntext::search_key(long_family);
  ASSERT_GT(folded_long.size(), 255u);
  const std::string texts[] = {long_family, long_family + " lan", "lan " + long_family, long_family + " l", "ab2cd", "ab2",
                               "ab2cd 中", "中 ab", "中", "ab"};
  for (auto& t : texts) {
    MemberQuery q;
    q.q = t;
    q.scope_path = root.path;
    q.status = "all";
    q.limit = 3;
    same_as_sql(idx, q, "odd name: " + t);
  }
  // And the expected members are really there (SQL finds them: checked by hand here).
  NameSearch ns;
  ns.scope_path = root.path;
  ns.status_mask = name_index_status_mask("all");
  ns.key = "ab2cd";
  auto got = idx.search(ns, 10);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<int64_t>{built_han, fresh_han}));
  ns.key = vntext::search_key(long_family + " lan");
  got = idx.search(ns, 10);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<int64_t>{built_long, fresh_long}));
}

TEST_P(NameIndexTest, HandCountedAnswers) {
  NameIndex idx(*db);
  idx.build();
  // Family Đặng: members i with (i/2) % 11 == 4, on the rolls (status cycle: every i % 7 but 5).
  int dang = 0, dang_female = 0;
  for (int i = 0; i < 420; ++i) {
    if ((i / 2) % 11 != 4 || i % 7 == 5) continue;
    ++dang;
    bool female = i % 15 == 5 || i % 15 == 6 || i % 15 == 7 || i % 15 == 11 || (i / 5) % 7 == 1;
    dang_female += female;
  }
  NameSearch s;
  s.key = "dang";
  s.scope_path = root.path;
  s.status_mask = name_index_status_mask("");
  EXPECT_EQ(idx.count(s, 100000), dang);
  s.gender = 2;
  EXPECT_EQ(idx.count(s, 100000), dang_female);
  // "hoa" finds Hoa, Hòa and Hóa alike (tone marks folded) in every form; "hoa a" nobody.
  s.gender = 0;
  s.key = "hoa";
  int hoa = 0;
  for (int i = 0; i < 420; ++i)
    if (i % 7 != 5 && (i % 15 == 5 || i % 15 == 6 || i % 15 == 7 || (i / 2) % 11 == 9)) ++hoa;  // given Hoa*, or family Hoàng
  EXPECT_EQ(idx.count(s, 100000), hoa);
  // Given name first ("an nguyen"): given An/Ân/Ấn, family Nguyễn.
  s.key = "an nguyen";
  int an_nguyen = 0;
  for (int i = 0; i < 420; ++i)
    if (i % 7 != 5 && i % 15 <= 2 && (i / 2) % 11 == 0) ++an_nguyen;
  EXPECT_EQ(idx.count(s, 100000), an_nguyen);
  // The first page is in Vietnamese order: An < Ân < Ấn < Anh (given name first).
  s.key = "an";
  auto first = idx.search(s, 1000);
  auto sql = db->session();
  std::string prev;
  for (int64_t id : first) {
    auto m = find_member(*sql, id);
    ASSERT_TRUE(m);
    std::string key = vntext::person_sort_key(m->family_name, m->middle_name, m->given_name);
    EXPECT_LE(prev, key);
    prev = key;
  }
}

TEST_P(NameIndexTest, WritesThroughAnotherSessionShowInTheNextSearch) {
  NameIndex idx(*db);
  idx.build();
  MemberQuery q;
  q.scope_path = root.path;
  q.limit = 50;
  auto found = [&](const std::string& text) {
    q.q = text;
    auto s = db->session();
    EXPECT_TRUE(idx.refresh(*s));
    auto page = list_members_by_ids(*s, q, idx.search(*name_search_for(q), 51));
    std::vector<int64_t> out;
    for (auto& m : page.items) out.push_back(m.id);
    return out;
  };
  EXPECT_TRUE(found("quach").empty());
  // An edit of the given name (the store's own update).
  int64_t id = ids[0];
  {
    auto s = db->session();
    auto m = find_member(*s, id);
    m->family_name = "Quách";
    m->given_name = "Tĩnh";
    ASSERT_TRUE(update_member(*s, *m, m->version));
  }
  EXPECT_EQ(found("quach tinh"), std::vector<int64_t>{id});
  EXPECT_EQ(found("tinh quach"), std::vector<int64_t>{id});
  // A new member, inserted by "another process" (its own session and transaction).
  int64_t fresh;
  {
    auto s = db->session();
    Member m = dangbo::testing::member_in(cell_b, "Tĩnh", MemberStatus::full, "Quách", "Thị");
    insert_member(*s, m, "2025-07-01", "test");
    fresh = m.id;
  }
  auto both = found("quach");
  ASSERT_EQ(both.size(), 2u);
  EXPECT_TRUE((both == std::vector<int64_t>{fresh, id}) || (both == std::vector<int64_t>{id, fresh}));
  // Moved out of ward A (a restructure writes org_id and org_path with plain SQL).
  q.scope_path = ward_a.path;
  auto in_a_before = found("quach");
  {
    auto s = db->session();
    *s << "UPDATE member SET org_id = :o, org_path = :p WHERE id = :id", soci::use(cell_b.id), soci::use(cell_b.path), soci::use(id);
  }
  auto in_a_after = found("quach");
  EXPECT_EQ(in_a_before.size(), (size_t)(in_a_before.size()));
  for (int64_t x : in_a_after) EXPECT_NE(x, id);
  q.scope_path = cell_b.path;
  EXPECT_EQ(found("quach").size(), 2u);
  // Removed from the rolls, then deleted (a dedupe merge deletes the duplicate).
  {
    auto s = db->session();
    *s << "UPDATE member SET status = 'removed' WHERE id = :id", soci::use(fresh);
  }
  EXPECT_EQ(found("quach"), std::vector<int64_t>{id});
  {
    auto s = db->session();
    *s << "DELETE FROM membership WHERE member_id = :id", soci::use(id);
    *s << "DELETE FROM member WHERE id = :id", soci::use(id);
  }
  EXPECT_TRUE(found("quach").empty());
  // And after all that, every query still agrees with SQL.
  MemberQuery all;
  all.scope_path = root.path;
  all.status = "all";
  all.limit = 9;
  for (const char* t : {"quach", "nguyen", "an", "tinh"}) {
    all.q = t;
    same_as_sql(idx, all, std::string("after writes: ") + t);
  }
}

TEST_P(NameIndexTest, ManyChangesRebuildInTheBackgroundAndStayRight) {
  NameIndex::Options opt;
  opt.rebuild_after = 5;
  NameIndex idx(*db, opt);
  idx.build();
  ASSERT_EQ(idx.builds(), 1);
  {
    auto s = db->session();
    for (int k = 0; k < 12; ++k) {
      auto m = find_member(*s, ids[size_t(k) * 7]);
      m->given_name = "Yến";
      ASSERT_TRUE(update_member(*s, *m, m->version));
    }
  }
  {
    auto s = db->session();
    ASSERT_TRUE(idx.refresh(*s));  // applies the 12 changes, then starts a rebuild
  }
  for (int i = 0; i < 200 && idx.builds() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(idx.builds(), 2);
  MemberQuery q;
  q.scope_path = root.path;
  q.status = "all";
  q.limit = 5;
  for (const char* t : {"yen", "an", "nguyen van"}) {
    q.q = t;
    same_as_sql(idx, q, std::string("after rebuild: ") + t);
  }
}

TEST_P(NameIndexTest, ServiceSearchesThroughTheInstalledIndex) {
  NameIndex idx(*db);
  idx.build();
  RegistryService svc(*db);
  auto admin = dangbo::testing::actor_at(security::Role::admin, root);
  MemberQuery q;
  q.q = "dang";
  q.limit = 4;
  MemberPage sql_page = svc.members(admin, "26740", q);
  int64_t sql_count = svc.member_count(admin, "26740", q);
  NameIndex::install(&idx);
  MemberPage idx_page = svc.members(admin, "26740", q);
  int64_t idx_count = svc.member_count(admin, "26740", q);
  NameIndex::install(nullptr);
  ASSERT_EQ(sql_page.items.size(), idx_page.items.size());
  for (std::size_t i = 0; i < sql_page.items.size(); ++i) EXPECT_EQ(sql_page.items[i].id, idx_page.items[i].id);
  EXPECT_EQ(sql_page.next, idx_page.next);
  EXPECT_EQ(sql_count, idx_count);
  EXPECT_GT(idx_count, 4);
  // A forged cursor is refused the same way.
  q.after = "zz.1";
  NameIndex::install(&idx);
  EXPECT_THROW(svc.members(admin, "26740", q), base::Error);
  NameIndex::install(nullptr);
}

// PostgreSQL: a transaction still running when a later one commits leaves a hole in the change
// log; its change must still be seen once it commits.
TEST_P(NameIndexTest, ChangeCommittedOutOfOrderIsNotMissed) {
  if (GetParam() != "postgresql") GTEST_SKIP() << "SQLite writers commit in sequence order";
  NameIndex idx(*db);
  idx.build();
  auto slow = db->session();
  *slow << "BEGIN";
  Member a = dangbo::testing::member_in(cell_a1, "Khuê", MemberStatus::full, "Quách", "Thị");
  insert_member(*slow, a, "2025-07-01", "test");  // takes the lower sequence number, not committed
  {
    auto s = db->session();
    // Another organization: the two writers share no counted row (org_member_count).
    Member b = dangbo::testing::member_in(cell_b, "Khải", MemberStatus::full, "Quách", "Văn");
    insert_member(*s, b, "2025-07-01", "test");
  }
  NameSearch ns;
  ns.key = "quach";
  ns.scope_path = root.path;
  ns.status_mask = name_index_status_mask("");
  {
    auto s = db->session();
    ASSERT_TRUE(idx.refresh(*s));
  }
  EXPECT_EQ(idx.count(ns, 100), 1);
  *slow << "COMMIT";
  {
    auto s = db->session();
    ASSERT_TRUE(idx.refresh(*s));
  }
  EXPECT_EQ(idx.count(ns, 100), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, NameIndexTest, ::testing::ValuesIn(dangbo::testing::backends()));

}  // namespace
