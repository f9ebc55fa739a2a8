// The bulk member loader (gen-roster into a database) on both back ends. A large load into a
// small table drops the secondary indexes and builds them again at the end: afterwards the
// database must have exactly the indexes it had before, every member with one open
// membership, and searches by key must use the rebuilt indexes' data.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <thread>

#include "../common/temp_db.hpp"

#include "registry/name_index.hpp"
#include "registry/refdata.hpp"
#include "registry/roster_gen.hpp"
#include "registry/seed.hpp"
#include "vntext/text.hpp"

using namespace dangbo;
using namespace dangbo::registry;

namespace {

const RefData& ref() {
  static RefData r = RefData::load(std::string(DANGBO_SOURCE_DIR) + "/data");
  return r;
}

struct BulkLoad : ::testing::TestWithParam<std::string> {
  std::unique_ptr<dangbo::testing::TempDatabase> tmp;
  void SetUp() override {
    tmp = dangbo::testing::TempDatabase::make(GetParam());
    if (!tmp) GTEST_SKIP() << "no PostgreSQL cluster (DANGBO_TEST_PG_URL unset)";
  }
  // name → definition of every index on member and membership (normalised by the catalogue)
  std::map<std::string, std::string> indexes() {
    auto s = tmp->db().session();
    std::map<std::string, std::string> out;
    std::string name, def;
    std::string q = GetParam() == "sqlite"
                        ? "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'index' AND tbl_name IN "
                          "('member', 'membership')"
                        : "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('member', 'membership') "
                          "AND schemaname = current_schema()";
    soci::statement st = (s->prepare << q, soci::into(name), soci::into(def));
    st.execute();
    while (st.fetch()) out[name] = def;
    return out;
  }
  long long scalar(const std::string& q) {
    auto s = tmp->db().session();
    long long v = -1;
    *s << q, soci::into(v);
    return v;
  }
};

TEST_P(BulkLoad, ALargeLoadRebuildsExactlyTheIndexesItDropped) {
  load_reference_data(tmp->db(), ref());
  GenOptions opts;
  opts.members = 50000;  // the size from which the loader drops and rebuilds the indexes
  opts.seed = 5;
  auto tree = generate_org_tree(ref(), opts);
  load_org_tree(tmp->db(), tree, opts);
  const auto before = indexes();
  ASSERT_GE(before.size(), 11u);  // migrations/0001_registry.sql: 9 on member, 2 on membership
  int64_t calls = 0, last = 0;
  EXPECT_EQ(load_roster(tmp->db(), ref(), tree, opts, [&](int64_t done) {
              ++calls;
              EXPECT_GT(done, last);
              last = done;
            }),
            50000);
  EXPECT_EQ(last, 50000);
  EXPECT_GE(calls, 1);
  EXPECT_EQ(indexes(), before);
  EXPECT_EQ(scalar("SELECT count(*) FROM member"), 50000);
  EXPECT_EQ(scalar("SELECT count(*) FROM membership WHERE valid_to IS NULL"), 50000);
  EXPECT_EQ(scalar("SELECT count(DISTINCT member_id) FROM membership"), 50000);
  // the keys written by the bulk path are the ones the search computes
  auto s = tmp->db().session();
  std::string family, middle, given, key;
  *s << "SELECT family_name, middle_name, given_name, search_key FROM member WHERE id = (SELECT min(id) FROM member)",
      soci::into(family), soci::into(middle), soci::into(given), soci::into(key);
  std::string full = family + (middle.empty() ? "" : " " + middle) + " " + given;
  EXPECT_EQ(key, vntext::search_key(full));
  EXPECT_EQ(scalar("SELECT count(*) FROM member WHERE search_key = '" + key + "'") >= 1, true);
  // a second, smaller load adds to the table with the indexes in place
  GenOptions more = opts;
  more.members = 1000;
  more.seed = 6;
  EXPECT_EQ(load_roster(tmp->db(), ref(), tree, more), 1000);
  EXPECT_EQ(indexes(), before);
  EXPECT_EQ(scalar("SELECT count(*) FROM member"), 51000);
  EXPECT_EQ(scalar("SELECT count(DISTINCT id) FROM member"), 51000);
}

// A large load writes one rebuild marker per batch of 100,000 into member_change instead of one
// entry per member; the insert trigger is back afterwards (a small load logs each member), and an
// index built before the load rebuilds on the marker and then finds the new members.
TEST_P(BulkLoad, ALargeLoadLogsOneRebuildMarkerAndAnIndexSeesTheNewMembers) {
  load_reference_data(tmp->db(), ref());
  GenOptions opts;
  opts.members = 50000;
  opts.seed = 7;
  auto tree = generate_org_tree(ref(), opts);
  load_org_tree(tmp->db(), tree, opts);
  NameIndex idx(tmp->db());
  idx.build();
  ASSERT_EQ(idx.size(), 0u);
  ASSERT_EQ(load_roster(tmp->db(), ref(), tree, opts), 50000);
  EXPECT_EQ(scalar("SELECT count(*) FROM member_change"), 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM member_change WHERE member_id = " + std::to_string(kMemberChangeRebuild)), 1);
  {
    auto s = tmp->db().session();
    EXPECT_FALSE(idx.refresh(*s));  // the marker: a rebuild has started, SQL answers meanwhile
  }
  for (int i = 0; i < 400 && idx.builds() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(idx.builds(), 2);
  {
    auto s = tmp->db().session();
    EXPECT_TRUE(idx.refresh(*s));
  }
  EXPECT_EQ(idx.size(), 50000u);
  // the member with the highest id is found by its own folded full name
  auto finds_newest = [&] {
    long long id = scalar("SELECT max(id) FROM member");
    std::string key, path;
    auto s = tmp->db().session();
    *s << "SELECT search_key, org_path FROM member WHERE id = :i", soci::use(id), soci::into(key), soci::into(path);
    NameSearch ns;
    ns.key = key;
    ns.scope_path = path;
    ns.status_mask = ~0u;
    auto hits = idx.search(ns, 1000);
    return std::find(hits.begin(), hits.end(), id) != hits.end();
  };
  EXPECT_TRUE(finds_newest());
  // a small load goes through the trigger again: one entry per member, no new marker
  GenOptions more = opts;
  more.members = 300;
  more.seed = 8;
  ASSERT_EQ(load_roster(tmp->db(), ref(), tree, more), 300);
  EXPECT_EQ(scalar("SELECT count(*) FROM member_change"), 301);
  EXPECT_EQ(scalar("SELECT count(*) FROM member_change WHERE member_id = " + std::to_string(kMemberChangeRebuild)), 1);
  {
    auto s = tmp->db().session();
    EXPECT_TRUE(idx.refresh(*s));  // 300 changes: applied, no rebuild
  }
  EXPECT_EQ(idx.builds(), 2);
  EXPECT_TRUE(finds_newest());
}

INSTANTIATE_TEST_SUITE_P(Backends, BulkLoad, ::testing::ValuesIn(dangbo::testing::backends()),
                         [](const auto& i) { return i.param; });

}  // namespace

// gen-roster --db into a database that has a tree: refused with the real reason before anything
// is written (was: a message about restructuring, after the tree check had passed silently).
TEST_P(BulkLoad, ARosterForAnotherTreeOrTheSameRosterAgainIsRefusedWithTheReason) {
  load_reference_data(tmp->db(), ref());
  GenOptions opts;
  opts.members = 2000;
  opts.seed = 5;
  auto tree = generate_org_tree(ref(), opts);
  EXPECT_EQ(roster_load_problem(tmp->db(), ref(), tree, opts), "");  // empty: gen-roster makes the tree
  load_org_tree(tmp->db(), tree, opts);
  EXPECT_EQ(roster_load_problem(tmp->db(), ref(), tree, opts), "");  // its own tree, no members yet
  load_roster(tmp->db(), ref(), tree, opts);
  // the same --members and --seed again: the same people
  std::string again = roster_load_problem(tmp->db(), ref(), tree, opts);
  EXPECT_NE(again.find("đã có các đảng viên mà gen-roster --members 2000 --seed 5 sinh ra"), std::string::npos) << again;
  // ten times the members: more cells than this tree has
  GenOptions big = opts;
  big.members = 20000;
  std::string bigger = roster_load_problem(tmp->db(), ref(), generate_org_tree(ref(), big), big);
  EXPECT_NE(bigger.find("đã có cây tổ chức"), std::string::npos) << bigger;
  EXPECT_NE(bigger.find("chi bộ mà gen-roster --members 20000 --seed 5 xếp đảng viên vào"), std::string::npos) << bigger;
  EXPECT_NE(bigger.find("cơ sở dữ liệu trống"), std::string::npos) << bigger;
  EXPECT_EQ(bigger.find("sắp xếp lại"), std::string::npos) << bigger;
  EXPECT_EQ(scalar("SELECT count(*) FROM member"), 2000);
}
