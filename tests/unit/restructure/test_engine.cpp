// Restructuring engine on a real temporary database (SQLite, and PostgreSQL when
// DANGBO_TEST_PG_URL names a cluster): merge, split by each rule, rename, move, change of kind,
// dissolve; history kept (as_of before and after); lineage; audit; every planted problem caught
// by preview and apply refusing while one remains; undo and its dependency checks.
#include <gtest/gtest.h>
#include <thread>
#include <atomic>
#include <soci/soci.h>

#include <set>

#include "../common/registry_fixture.hpp"
#include "../common/temp_db.hpp"

#include "base/error.hpp"
#include "base/rules.hpp"
#include "db/database.hpp"
#include "registry/counts.hpp"
#include "registry/lineage.hpp"
#include "registry/service.hpp"
#include "registry/store.hpp"
#include "restructure/engine.hpp"
#include "restructure/plan.hpp"
#include "security/security.hpp"

using namespace dangbo;
using namespace dangbo::registry;
using namespace dangbo::restructure;

namespace {

const char* kHeader =
    "op,code,target,target_name,target_kind,target_parent,target_unit,rule,share,decision_no,decision_date,effective_date,note\n";

struct EngineTest : ::testing::TestWithParam<std::string> {
  std::unique_ptr<dangbo::testing::TempDatabase> tmp;
  db::Database* db = nullptr;
  Organization root, dist, w1, w2, w3, c11, c12, c21, c31, c32;
  std::map<std::string, int64_t> member_of;  // name → id

  void SetUp() override {
    base::RuleSet::set_global(base::RuleSet::load(std::string(DANGBO_SOURCE_DIR) + "/config/rules.json"));
    tmp = dangbo::testing::TempDatabase::make(GetParam());
    if (!tmp) GTEST_SKIP() << "no PostgreSQL cluster (DANGBO_TEST_PG_URL unset)";
    db = &tmp->db();
    auto s = db->session();
    auto mk = [&](Organization& o, std::string code, std::string name, OrgKind k, const Organization* parent, std::string unit = "") {
      dangbo::testing::add_org(*s, o, code, name, k, parent, base::make_date(2025, 1, 1), unit);
    };
    mk(root, "HCM", "Đảng bộ Thành phố Hồ Chí Minh", OrgKind::city, nullptr, "79");
    mk(dist, "760", "Đảng bộ quận 1", OrgKind::upper_committee, &root, "760");
    mk(w1, "26734", "Đảng bộ phường Tân Định", OrgKind::commune_committee, &dist, "26734");
    mk(w2, "26737", "Đảng bộ phường Đa Kao", OrgKind::commune_committee, &dist, "26737");
    mk(w3, "26740", "Đảng bộ phường Bến Nghé", OrgKind::commune_committee, &dist, "26740");
    mk(c11, "26734.01", "Chi bộ Khu phố 1", OrgKind::grassroots_cell, &w1, "26734");
    mk(c12, "26734.02", "Chi bộ Khu phố 2", OrgKind::grassroots_cell, &w1, "26734");
    mk(c21, "26737.01", "Chi bộ Khu phố 1", OrgKind::grassroots_cell, &w2, "26737");
    mk(c31, "26740.01", "Chi bộ Khu phố 1", OrgKind::grassroots_cell, &w3, "26740");
    mk(c32, "26740.02", "Chi bộ Khu phố 2", OrgKind::grassroots_cell, &w3, "26740");
    add("An", c11, "26734");
    add("Bình", c11, "26734");
    add("Chi", c12, "26734");
    add("Dũng", c21, "26737");
    add("Em", c21, "26737");
    add("Giang", c31, "27001");
    add("Hà", c31, "27001");
    add("Khánh", c31, "27002");
    add("Lan", c32, "27002");
    add("Minh", c32, "27002");
    add("Nam", w3, "27002");  // directly in the ward (no cell)
    add("Oanh", w3, "99999");  // resides outside both targets
  }
  void TearDown() override { tmp.reset(); }

  void add(const std::string& given, const Organization& org, const std::string& residence) {
    Member m = dangbo::testing::member_in(org, given);
    m.residence_unit_code = residence;
    auto s = db->session();
    insert_member(*s, m, "2025-01-01", "test");
    member_of[given] = m.id;
  }

  std::set<std::string> codes(const std::string& as_of, std::optional<OrgKind> kind = std::nullopt,
                              std::optional<int64_t> parent = std::nullopt) {
    auto s = db->session();
    OrgQuery q;
    q.as_of = as_of;
    q.kind = kind;
    q.parent_id = parent;
    q.count_members = false;
    q.limit = 1000;
    std::set<std::string> out;
    for (auto& r : list_orgs(*s, q)) out.insert(r.org.code);
    return out;
  }
  Organization org(const std::string& code, const std::string& as_of) {
    auto s = db->session();
    auto o = find_org(*s, code, as_of);
    EXPECT_TRUE(o) << code << " on " << as_of;
    return o.value_or(Organization{});
  }
  int64_t count(const std::string& sqltext) {
    auto s = db->session();
    long long n = 0;
    *s << sqltext, soci::into(n);
    return n;
  }
  Member member(const std::string& given) {
    auto s = db->session();
    return *find_member(*s, member_of.at(given));
  }
  static bool has(const Preview& p, const std::string& code) {
    for (auto& x : p.problems)
      if (x.code == code && x.blocking) return true;
    return false;
  }
  static std::string dump(const Preview& p) {
    std::string s;
    for (auto& x : p.problems) s += "[" + x.code + (x.blocking ? "" : " (warning)") + "] " + x.message + "\n";
    return s;
  }
  Plan csv(const std::string& body) { return parse_plan_csv(std::string(kHeader) + body); }
};

TEST_P(EngineTest, MergeKeepsHistoryMovesMembersAndRecordsLineage) {
  Plan p = csv(
      "merge,26734,27000,Đảng bộ phường Tân Định mới,commune_committee,HCM,27000,,,1685/NQ-UBTVQH15,2025-06-16,2025-07-01,\n"
      "merge,26737,27000,,,,,,,1685/NQ-UBTVQH15,2025-06-16,2025-07-01,\n");
  Engine e(*db);
  Preview pv = e.preview(p);
  ASSERT_TRUE(pv.ok()) << dump(pv);
  EXPECT_EQ(pv.orgs_new, 1);
  EXPECT_EQ(pv.orgs_closed, 2);
  EXPECT_EQ(pv.orgs_versioned, 3);  // the three cells follow
  EXPECT_EQ(pv.members_moved, 5);
  int64_t orgs_before = count("SELECT count(*) FROM organization");
  auto res = e.apply(p, nullptr);
  EXPECT_GT(res.plan_id, 0);
  EXPECT_EQ(count("SELECT count(*) FROM organization"), orgs_before + 4);

  // The day before: the old tree. The day itself: the new one.
  EXPECT_EQ(codes("2025-06-30", OrgKind::commune_committee), (std::set<std::string>{"26734", "26737", "26740"}));
  EXPECT_EQ(codes("2025-07-01", OrgKind::commune_committee), (std::set<std::string>{"26740", "27000"}));
  auto nw = org("27000", "2025-07-01");
  EXPECT_EQ(nw.parent_code, "HCM");
  EXPECT_EQ(codes("2025-07-01", std::nullopt, nw.id), (std::set<std::string>{"26734.01", "26734.02", "26737.01"}));
  EXPECT_EQ(codes("2025-06-30", std::nullopt, w1.id), (std::set<std::string>{"26734.01", "26734.02"}));
  // The cell continues as a new version under the new ward; its unit code follows the parent.
  auto cell_new = org("26734.01", "2025-07-01");
  EXPECT_NE(cell_new.id, c11.id);
  EXPECT_EQ(cell_new.parent_code, "27000");
  EXPECT_EQ(cell_new.admin_unit_code, "27000");
  EXPECT_EQ(org("26734.01", "2025-06-30").id, c11.id);

  // Members: placed in the new version; old membership closed on the effective date.
  Member an = member("An");
  EXPECT_EQ(an.org_id, cell_new.id);
  EXPECT_EQ(an.org_path, cell_new.path);
  auto s = db->session();
  auto hist = member_history(*s, an.id);
  ASSERT_EQ(hist.size(), 2u);
  EXPECT_EQ(hist[0].org_id, cell_new.id);
  EXPECT_EQ(hist[0].valid_from.iso(), "2025-07-01");
  EXPECT_FALSE(hist[0].valid_to);
  EXPECT_EQ(hist[1].org_id, c11.id);
  ASSERT_TRUE(hist[1].valid_to);
  EXPECT_EQ(hist[1].valid_to->iso(), "2025-07-01");

  // Member counts as of each day, through membership history.
  OrgQuery q;
  q.as_of = "2025-06-30";
  q.today = false;
  q.kind = OrgKind::commune_committee;
  std::map<std::string, int64_t> before, after;
  for (auto& r : list_orgs(*s, q)) before[r.org.code] = r.member_count;
  q.as_of = "2025-07-01";
  for (auto& r : list_orgs(*s, q)) after[r.org.code] = r.member_count;
  EXPECT_EQ(before, (std::map<std::string, int64_t>{{"26734", 3}, {"26737", 2}, {"26740", 7}}));
  EXPECT_EQ(after, (std::map<std::string, int64_t>{{"26740", 7}, {"27000", 5}}));
  // Today's stored counts moved with the members (registry/counts.hpp): 3 + 2 in the new ward.
  EXPECT_EQ(stored_subtree_count(*s, nw.path), 5);
  EXPECT_EQ(stored_subtree_count(*s, cell_new.path), 2);  // An and Bình, from 26734.01
  EXPECT_EQ(stored_subtree_count(*s, w1.path), 0);
  EXPECT_TRUE(count_mismatches(*s).empty());

  // Lineage: what formed the new ward; what the old ones became.
  auto preds = org_predecessors(*s, nw.id);
  ASSERT_EQ(preds.size(), 2u);
  EXPECT_EQ(preds[0].other->code, "26734");
  EXPECT_EQ(preds[0].operation, "merge");
  EXPECT_EQ(preds[0].decision_no, "1685/NQ-UBTVQH15");
  EXPECT_EQ(preds[1].other->code, "26737");
  auto succ = org_successors(*s, w1.id);
  ASSERT_EQ(succ.size(), 1u);
  EXPECT_EQ(succ[0].other->code, "27000");
  auto cell_pred = org_predecessors(*s, cell_new.id);
  ASSERT_EQ(cell_pred.size(), 1u);
  EXPECT_EQ(cell_pred[0].operation, "follow");
  EXPECT_EQ(cell_pred[0].decision_no, "1685/NQ-UBTVQH15");

  // Audited: one entry per operation plus the plan; the chain is intact.
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'restructure.merge'"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'restructure.apply'"), 1);
  EXPECT_FALSE(security::audit_verify(*db));

  // Applying the same plan again: the units have changed on that day already.
  Preview again = e.preview(p);
  EXPECT_FALSE(again.ok());
  EXPECT_TRUE(has(again, "unknown_code") || has(again, "changed_later")) << dump(again);
}

TEST_P(EngineTest, SplitByResidencePlacesCellsAndDirectMembers) {
  Plan p = csv(
      "split,26740,27001,Đảng bộ phường Bến Thành,commune_committee,HCM,27001,residence,,1685/NQ-UBTVQH15,2025-06-16,2025-07-01,\n"
      "split,26740,27002,Đảng bộ phường Sài Gòn,commune_committee,HCM,27002,residence,,1685/NQ-UBTVQH15,2025-06-16,2025-07-01,\n");
  Engine e(*db);
  Preview pv = e.preview(p);
  // Oanh resides in neither target and sits directly in the ward: left without an organization.
  EXPECT_TRUE(has(pv, "unplaced_members")) << dump(pv);
  EXPECT_THROW(e.apply(p, nullptr), base::Error);
  EXPECT_EQ(org("26740", "2025-07-01").id, w3.id);  // nothing written

  Plan fixed = csv(
      "split,26740,27001,Đảng bộ phường Bến Thành,commune_committee,HCM,27001,residence,,1685/NQ-UBTVQH15,2025-06-16,2025-07-01,\n"
      "split,26740,27002,Đảng bộ phường Sài Gòn,commune_committee,HCM,27002,residence,,1685/NQ-UBTVQH15,2025-06-16,2025-07-01,\n"
      "assign,member:" + std::to_string(member_of["Oanh"]) + ",27001,,,,,,,,,,\n");
  pv = e.preview(fixed);
  ASSERT_TRUE(pv.ok()) << dump(pv);
  e.apply(fixed, nullptr);
  // 26740.01 has 2 residents of 27001 and 1 of 27002 → 27001; 26740.02 → 27002.
  EXPECT_EQ(org("26740.01", "2025-07-01").parent_code, "27001");
  EXPECT_EQ(org("26740.02", "2025-07-01").parent_code, "27002");
  EXPECT_EQ(member("Nam").org_code, "27002");   // by residence
  EXPECT_EQ(member("Oanh").org_code, "27001");  // by assignment
  auto s = db->session();
  auto succ = org_successors(*s, w3.id);
  ASSERT_EQ(succ.size(), 2u);
  EXPECT_EQ(succ[0].operation, "split");
  // The old code 26740 is free from the effective date and may be reused later.
  EXPECT_EQ(codes("2025-07-01", OrgKind::commune_committee), (std::set<std::string>{"26734", "26737", "27001", "27002"}));
}

TEST_P(EngineTest, SplitListedAndProportional) {
  Engine e(*db);
  // listed: a cell not listed is a problem
  Plan listed = csv(
      "split,26740,27001,Đảng bộ phường Bến Thành,commune_committee,HCM,27001,listed,,QĐ 1,2025-06-16,2025-07-01,\n"
      "split,26740,27002,Đảng bộ phường Sài Gòn,commune_committee,HCM,27002,listed,,QĐ 1,2025-06-16,2025-07-01,\n"
      "assign,26740.01,27002,,,,,,,,,,\n");
  Preview pv = e.preview(listed);
  EXPECT_TRUE(has(pv, "unplaced_members")) << dump(pv);
  // proportional: 1:1 shares over 7 members; the larger cell (3) and the smaller (2) + 2 direct
  Plan prop = csv(
      "split,26740,27001,Đảng bộ phường Bến Thành,commune_committee,HCM,27001,proportional,1,QĐ 1,2025-06-16,2025-07-01,\n"
      "split,26740,27002,Đảng bộ phường Sài Gòn,commune_committee,HCM,27002,proportional,1,QĐ 1,2025-06-16,2025-07-01,\n");
  pv = e.preview(prop);
  ASSERT_TRUE(pv.ok()) << dump(pv);
  e.apply(prop, nullptr);
  int64_t a = 0, b = 0;
  auto s = db->session();
  for (auto& code : {"27001", "27002"}) {
    OrgQuery q;
    q.as_of = "2025-07-01";
    q.kind = OrgKind::commune_committee;
    for (auto& r : list_orgs(*s, q))
      if (r.org.code == code) (std::string(code) == "27001" ? a : b) = r.member_count;
  }
  EXPECT_EQ(a + b, 7);
  EXPECT_LE(std::abs(a - b), 3);
}

TEST_P(EngineTest, RenameMoveChangeKindAndDissolve) {
  Engine e(*db);
  Plan p = csv(
      "rename,26737,,Đảng bộ phường Đa Kao (tên mới),,,,,,QĐ 2,2025-09-01,2025-10-01,\n"
      "move,26740.02,,,,26734,,,,QĐ 3,2025-09-01,2025-10-01,\n"
      "change_kind,26734.01,,,grassroots_committee,,,,,QĐ 4,2025-09-01,2025-10-01,\n"
      "dissolve,26734.02,26734.01,,,,,,,QĐ 5,2025-09-01,2025-10-01,\n");
  Preview pv = e.preview(p);
  ASSERT_TRUE(pv.ok()) << dump(pv);
  e.apply(p, nullptr);
  auto w2n = org("26737", "2025-10-01");
  EXPECT_NE(w2n.id, w2.id);
  EXPECT_EQ(w2n.name, "Đảng bộ phường Đa Kao (tên mới)");
  EXPECT_EQ(org("26737", "2025-09-30").name, "Đảng bộ phường Đa Kao");
  EXPECT_EQ(org("26737.01", "2025-10-01").parent_code, "26737");
  EXPECT_EQ(org("26737.01", "2025-10-01").parent_id, w2n.id);  // the cell follows the new version
  EXPECT_EQ(org("26740.02", "2025-10-01").parent_code, "26734");
  EXPECT_EQ(org("26734.01", "2025-10-01").kind, OrgKind::grassroots_committee);
  EXPECT_EQ(org("26734.01", "2025-09-30").kind, OrgKind::grassroots_cell);
  EXPECT_EQ(codes("2025-10-01", std::nullopt, w1.id), (std::set<std::string>{"26734.01", "26740.02"}));
  EXPECT_EQ(member("Chi").org_code, "26734.01");  // from the dissolved cell to the receiver
  auto s = db->session();
  EXPECT_FALSE(find_org(*s, "26734.02", "2025-10-01"));
  auto succ = org_successors(*s, c12.id);
  ASSERT_EQ(succ.size(), 1u);
  EXPECT_EQ(succ[0].operation, "dissolve");
}

TEST_P(EngineTest, PreviewCatchesEveryPlantedProblemAndApplyRefuses) {
  // One plan with every problem planted, each on its own line.
  Plan p = csv(
      /*2*/ "merge,26734,27000,Đảng bộ phường mới,commune_committee,HCM,27000,,,QĐ 1,2025-06-16,2025-07-01,\n"
      /*3*/ "merge,26737,27000,,,,,,,QĐ 1,2025-06-16,2025-07-01,\n"
      /*4*/ "merge,26734,27005,Đảng bộ phường khác,commune_committee,HCM,27005,,,QĐ 1,2025-06-16,2025-07-01,\n"  // a unit in two merges
      /*5*/ "rename,99999,,Không có,,,,,,QĐ 2,2025-06-16,2025-07-01,\n"                                        // unknown code
      /*6*/ "move,760,,,,26740.01,,,,QĐ 3,2025-08-01,2025-07-01,\n"                     // cycle; effective before the decision
      /*7*/ "dissolve,26740.02,,,,,,,,QĐ 5,2025-06-16,2025-07-01,\n"                    // members left without an organization
      /*8*/ "rename,26740.01,26737.01,Chi bộ trùng mã,,,,,,QĐ 6,2025-06-16,2025-07-01,\n");  // 26737.01 continues: code reused
  Engine e(*db);
  Preview pv = e.preview(p);
  for (const char* code :
       {"double_use", "unknown_code", "cycle", "effective_before_decision", "unplaced_members", "code_reused"})
    EXPECT_TRUE(has(pv, code)) << code << "\n" << dump(pv);
  EXPECT_FALSE(pv.ok());
  auto line_of = [&](const std::string& code) {
    for (auto& x : pv.problems)
      if (x.code == code) return x.line;
    return -1;
  };
  EXPECT_EQ(line_of("double_use"), 4);
  EXPECT_EQ(line_of("unknown_code"), 5);
  EXPECT_EQ(line_of("effective_before_decision"), 6);
  EXPECT_EQ(line_of("unplaced_members"), 7);
  int64_t orgs = count("SELECT count(*) FROM organization"), ms = count("SELECT count(*) FROM membership"),
          audit = count("SELECT count(*) FROM audit_log");
  try {
    e.apply(p, nullptr);
    FAIL() << "apply must refuse a plan with problems";
  } catch (const base::Error& err) {
    EXPECT_EQ(err.kind(), base::ErrorKind::conflict);
    EXPECT_EQ(err.code(), "restructure.problems");
  }
  EXPECT_EQ(count("SELECT count(*) FROM organization"), orgs);
  EXPECT_EQ(count("SELECT count(*) FROM membership"), ms);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log"), audit);
  EXPECT_EQ(count("SELECT count(*) FROM restructure_plan"), 0);
}

TEST_P(EngineTest, CodeReusedWhileTheOldUnitStaysIsCaught) {
  Engine e(*db);
  // a new unit with the code of a ward that stays valid
  Plan p = csv("merge,26734,26740,Đảng bộ phường mới,commune_committee,HCM,26740,,,QĐ 1,2025-06-16,2025-07-01,\n"
               "merge,26737,26740,,,,,,,QĐ 1,2025-06-16,2025-07-01,\n");
  // 26740 exists and is not consumed: a merge into the existing ward is allowed, but declaring it
  // with another name and parent would rename and move that ward silently: a code reused.
  Preview pv = e.preview(p);
  EXPECT_TRUE(has(pv, "code_reused")) << dump(pv);
  EXPECT_THROW(e.apply(p, nullptr), base::Error);
  // The same target declared as it stands is fine, and so is renaming it with a rename operation.
  pv = e.preview(csv("merge,26734,26740,Đảng bộ phường Bến Nghé,commune_committee,760,26740,,,QĐ 1,2025-06-16,2025-07-01,\n"
                     "merge,26737,26740,,,,,,,QĐ 1,2025-06-16,2025-07-01,\n"
                     "rename,26740,,Đảng bộ phường mới,,,,,,QĐ 1,2025-06-16,2025-07-01,\n"));
  EXPECT_TRUE(pv.ok()) << dump(pv);
  // A cell of another ward named as the target, with another name and parent (the tester's case).
  pv = e.preview(csv("merge,26734.02,26740.01,Chi bộ mới,grassroots_cell,26734,,,,QĐ 1,2025-06-16,2025-07-01,\n"));
  EXPECT_TRUE(has(pv, "code_reused")) << dump(pv);
  // renaming a cell to the code of another valid organization
  Plan q = csv("rename,26734.01,26740.01,Chi bộ trùng mã,,,,,,QĐ 2,2025-06-16,2025-07-01,\n");
  pv = e.preview(q);
  EXPECT_TRUE(has(pv, "code_reused")) << dump(pv);
  EXPECT_THROW(e.apply(q, nullptr), base::Error);
  // mixed effective dates in one plan
  Plan r = csv("rename,26734.01,,Chi bộ A,,,,,,QĐ 2,2025-06-16,2025-07-01,\n"
               "rename,26734.02,,Chi bộ B,,,,,,QĐ 2,2025-06-16,2025-08-01,\n");
  EXPECT_TRUE(has(e.preview(r), "mixed_effective_dates"));
}

TEST_P(EngineTest, MergeIntoAnExistingUnit) {
  Engine e(*db);
  Plan p = csv("merge,26734,26740,,,,,,,QĐ 1,2025-06-16,2025-07-01,\n"
               "merge,26737,26740,,,,,,,QĐ 1,2025-06-16,2025-07-01,\n");
  Preview pv = e.preview(p);
  ASSERT_TRUE(pv.ok()) << dump(pv);
  EXPECT_EQ(pv.orgs_new, 0);
  e.apply(p, nullptr);
  auto w = org("26740", "2025-07-01");
  EXPECT_EQ(w.id, w3.id);  // unchanged, receives
  EXPECT_EQ(codes("2025-07-01", std::nullopt, w3.id),
            (std::set<std::string>{"26734.01", "26734.02", "26737.01", "26740.01", "26740.02"}));
  EXPECT_EQ(member("An").org_code, "26734.01");
  EXPECT_EQ(member("An").org_path.rfind(w.path, 0), 0u);
}

TEST_P(EngineTest, UndoRestoresTheTreeUnlessSomethingLaterDependsOnIt) {
  Engine e(*db);
  Plan p = csv(
      "merge,26734,27000,Đảng bộ phường mới,commune_committee,HCM,27000,,,QĐ 1,2025-06-16,2025-07-01,\n"
      "merge,26737,27000,,,,,,,QĐ 1,2025-06-16,2025-07-01,\n");
  int64_t orgs = count("SELECT count(*) FROM organization"), ms = count("SELECT count(*) FROM membership");
  auto res = e.apply(p, nullptr);
  EXPECT_EQ(e.undo(std::nullopt, nullptr), res.plan_id);
  EXPECT_EQ(count("SELECT count(*) FROM organization"), orgs);
  EXPECT_EQ(count("SELECT count(*) FROM membership"), ms);
  EXPECT_EQ(count("SELECT count(*) FROM organization WHERE valid_to IS NOT NULL"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM membership WHERE valid_to IS NOT NULL"), 0);
  EXPECT_EQ(member("An").org_id, c11.id);
  EXPECT_EQ(member("An").org_path, c11.path);
  EXPECT_EQ(codes("2025-07-01", OrgKind::commune_committee), (std::set<std::string>{"26734", "26737", "26740"}));
  {
    auto s = db->session();
    EXPECT_EQ(stored_subtree_count(*s, w1.path), 3);  // back where they were
    EXPECT_TRUE(count_mismatches(*s).empty());
  }
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'restructure.undo'"), 1);
  EXPECT_FALSE(security::audit_verify(*db));
  // Nothing left to undo.
  EXPECT_THROW(e.undo(std::nullopt, nullptr), base::Error);

  // Apply again; a member admitted later into a new cell blocks undo.
  auto res2 = e.apply(p, nullptr);
  auto cell_new = org("26734.01", "2025-07-01");
  add("Phúc", cell_new, "27000");
  EXPECT_FALSE(e.undo_blockers(res2.plan_id).empty());
  EXPECT_THROW(e.undo(res2.plan_id, nullptr), base::Error);
  EXPECT_EQ(codes("2025-07-01", OrgKind::commune_committee), (std::set<std::string>{"26740", "27000"}));
}

TEST_P(EngineTest, RoleGrantsFollowTheirUnitAndScopeSeesThePast) {
  security::add_user(*db, "staff_w1", "Staff-Pass-2025!", security::Role::staff, "26734");
  Engine e(*db);
  Plan p = csv(
      "merge,26734,27000,Đảng bộ phường mới,commune_committee,HCM,27000,,,QĐ 1,2025-06-16,2025-07-01,\n"
      "merge,26737,27000,,,,,,,QĐ 1,2025-06-16,2025-07-01,\n");
  e.apply(p, nullptr);
  auto nw = org("27000", "2025-07-01");
  EXPECT_EQ(count("SELECT count(*) FROM role_grant WHERE org_id = " + std::to_string(nw.id)), 1);
  // An actor on the new ward sees both old wards as of the day before.
  security::Actor a;
  a.user_id = 1;
  a.role = security::Role::staff;
  a.org_id = nw.id;
  a.org_code = nw.code;
  a.org_path = nw.path;
  auto s = db->session();
  auto paths = scope_paths_as_of(*s, a, "2025-06-30");
  EXPECT_TRUE(path_in(paths, w1.path));
  EXPECT_TRUE(path_in(paths, w2.path));
  EXPECT_FALSE(path_in(paths, w3.path));
  EXPECT_EQ(scope_paths_as_of(*s, a, "2025-07-01"), std::vector<std::string>{nw.path});
}

// A unit that received part of a split unit does not see the whole predecessor on earlier days:
// its other part's members belong to the other successor (found by a newcomer test).
TEST_P(EngineTest, ScopeOverTimeDoesNotFollowASplit) {
  Engine e(*db);
  e.apply(csv("split,26740,27001,Đảng bộ phường Bến Thành,commune_committee,HCM,27001,residence,,QĐ 1,2025-06-16,2025-07-01,\n"
              "split,26740,27002,Đảng bộ phường Sài Gòn,commune_committee,HCM,27002,residence,,QĐ 1,2025-06-16,2025-07-01,\n"
              "assign,member:" + std::to_string(member_of["Oanh"]) + ",27001,,,,,,,,,,\n"),
          nullptr);
  auto part = org("27001", "2025-07-01");
  auto a = dangbo::testing::actor_at(security::Role::staff, part);
  auto s = db->session();
  EXPECT_EQ(scope_paths_as_of(*s, a, "2025-06-30"), std::vector<std::string>{part.path});
}

TEST(PlanCsv, ParsesGroupsAndReportsMalformedRows) {
  Plan p = parse_plan_csv(std::string("# plan: Thử nghiệm\n") + kHeader +
                          "merge,A,T,Tên T,commune_committee,HCM,,,,QĐ 1,16/06/2025,01/07/2025,\n"
                          "merge,B,T,,,,,,,QĐ 1,2025-06-16,2025-07-01,\n"
                          "split,C,T,,,,,listed,,QĐ 1,2025-06-16,2025-07-01,\n"
                          "split,C,U,Tên U,commune_committee,HCM,,listed,,QĐ 1,2025-06-16,2025-07-01,\n"
                          "assign,C.01,U,,,,,,,,,,\n"
                          "frobnicate,D,,,,,,,,QĐ 1,2025-06-16,2025-07-01,\n"
                          "rename,E,,,,,,,,QĐ 1,2025-13-01,2025-07-01,\n");
  EXPECT_EQ(p.name, "Thử nghiệm");
  ASSERT_EQ(p.ops.size(), 2u);
  EXPECT_EQ(p.ops[0].kind, OpKind::merge);
  EXPECT_EQ(p.ops[0].sources, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(p.ops[0].targets[0].name, "Tên T");
  EXPECT_EQ(p.ops[0].decision_date.iso(), "2025-06-16");
  EXPECT_EQ(p.ops[1].kind, OpKind::split);
  EXPECT_EQ(p.ops[1].rule, SplitRule::listed);
  EXPECT_EQ(p.ops[1].targets.size(), 2u);
  ASSERT_EQ(p.assignments.size(), 1u);
  ASSERT_EQ(p.problems.size(), 2u);
  EXPECT_EQ(p.problems[0].line, 8);
  EXPECT_EQ(p.problems[1].line, 9);
  // Round trip.
  Plan q = parse_plan_csv(write_plan_csv(p));
  EXPECT_EQ(q.ops.size(), 2u);
  EXPECT_EQ(q.ops[0].sources, p.ops[0].sources);
  EXPECT_EQ(q.ops[1].targets.size(), 2u);
  EXPECT_EQ(q.assignments.size(), 1u);
  EXPECT_TRUE(q.problems.empty());
}

TEST_P(EngineTest, AFutureEffectiveDateIsPreviewedButNotApplied) {
  // Applying moves members and grants at once: a plan effective after today must wait for its day.
  const std::string tomorrow = base::add_days(base::today(), 1).iso(), today = base::today().iso();
  Plan p = csv("merge,26734.02,26734.01,,,,,,,QĐ 9," + today + "," + tomorrow + ",\n");
  Engine e(*db);
  Preview pv = e.preview(p);
  EXPECT_TRUE(has(pv, "future_effective")) << dump(pv);
  EXPECT_EQ(pv.members_moved, 1);  // the preview still computes what would happen
  int64_t ms = count("SELECT count(*) FROM membership");
  EXPECT_THROW(e.apply(p, nullptr), base::Error);
  EXPECT_EQ(count("SELECT count(*) FROM membership"), ms);
  EXPECT_EQ(member("Chi").org_id, c12.id);
  // On the day itself it applies.
  Plan q = csv("merge,26734.02,26734.01,,,,,,,QĐ 9," + today + "," + today + ",\n");
  Preview pq = e.preview(q);
  ASSERT_TRUE(pq.ok()) << dump(pq);
  e.apply(q, nullptr);
  EXPECT_EQ(member("Chi").org_id, org("26734.01", today).id);
}

TEST_P(EngineTest, AChainOfMergesIsAProblem) {
  // 26734.02 → 26734.01 and 26734.01 → 26737.01 in one plan: the result depends on the order.
  Plan p = csv("merge,26734.02,26734.01,,,,,,,QĐ 7,2025-06-16,2025-07-01,\n"
               "merge,26734.01,26737.01,,,,,,,QĐ 7,2025-06-16,2025-07-01,\n");
  Engine e(*db);
  Preview pv = e.preview(p);
  ASSERT_TRUE(has(pv, "chained_operations")) << dump(pv);
  for (auto& x : pv.problems)
    if (x.code == "chained_operations") {
      EXPECT_NE(x.message.find("26734.01"), std::string::npos) << x.message;
      EXPECT_NE(x.message.find("26734.02"), std::string::npos) << x.message;
      EXPECT_NE(x.message.find("26737.01"), std::string::npos) << x.message;
    }
  EXPECT_THROW(e.apply(p, nullptr), base::Error);
  // The after view names the parent of a unit whose parent is outside the plan's subtrees.
  int seen = 0;
  for (auto& r : pv.after)
    if (r.code == "26734.01") {
      EXPECT_EQ(r.parent_code, "26734");
      ++seen;
    }
  EXPECT_EQ(seen, 1) << [&] { std::string s; for (auto& r : pv.after) s += r.code + " <" + r.parent_code + "> " + r.change + "\n"; return s; }();
  // The other order, and a split source that receives a merge, are caught too.
  Plan q = csv("merge,26734.01,26737.01,,,,,,,QĐ 7,2025-06-16,2025-07-01,\n"
               "split,26737.01,26740.01,,,,,proportional,,QĐ 7,2025-06-16,2025-07-01,\n"
               "split,26737.01,26740.02,,,,,proportional,,QĐ 7,2025-06-16,2025-07-01,\n");
  EXPECT_TRUE(has(e.preview(q), "chained_operations")) << dump(e.preview(q));
}

TEST_P(EngineTest, ChangeOfKindOnlyBetweenCellAndGrassrootsCommittee) {
  Engine e(*db);
  for (const char* bad : {"commune_committee", "city", "upper_committee", "cell"}) {
    Preview pv = e.preview(csv(std::string("change_kind,26734.01,,,") + bad + ",,,,,QĐ 4,2025-06-16,2025-07-01,\n"));
    EXPECT_TRUE(has(pv, "bad_kind")) << bad << "\n" << dump(pv);
  }
  // a ward is no cell
  EXPECT_TRUE(has(e.preview(csv("change_kind,26734,,,grassroots_committee,,,,,QĐ 4,2025-06-16,2025-07-01,\n")), "bad_kind"));
  Preview ok = e.preview(csv("change_kind,26734.01,,,grassroots_committee,,,,,QĐ 4,2025-06-16,2025-07-01,\n"));
  EXPECT_TRUE(ok.ok()) << dump(ok);
}

TEST_P(EngineTest, PreviewCountsEqualTheCountsAfterApply) {
  Engine e(*db);
  // Active members in the subtree of `code` on the effective date, as stored after apply.
  auto actual = [&](const std::string& code) {
    auto o = org(code, "2025-07-01");
    return count("SELECT count(*) FROM member WHERE org_path >= '" + o.path + "' AND org_path < '" +
                 registry::subtree_end(o.path) + "' AND status IN ('probationary','full','exempted')");
  };
  for (std::string body : {
           // a ward merged into an existing ward (its cells move under it)
           std::string("merge,26740,26737,,,,,,,QĐ 1,2025-06-16,2025-07-01,\n"),
           // a cell dissolved into a cell of another ward
           std::string("dissolve,26734.02,26737.01,,,,,,,QĐ 1,2025-06-16,2025-07-01,\n"),
           // a ward split between two existing wards, with shares
           std::string("split,26740,26734,,,,,proportional,0.25,QĐ 1,2025-06-16,2025-07-01,\n"
                       "split,26740,26737,,,,,proportional,0.75,QĐ 1,2025-06-16,2025-07-01,\n"),
           // the same between two new wards
           std::string("split,26740,27001,Đảng bộ A,commune_committee,760,,proportional,2,QĐ 1,2025-06-16,2025-07-01,\n"
                       "split,26740,27002,Đảng bộ B,commune_committee,760,,proportional,3,QĐ 1,2025-06-16,2025-07-01,\n"),
       }) {
    Plan p = csv(body);
    Preview pv = e.preview(p);
    ASSERT_TRUE(pv.ok()) << body << dump(pv);
    for (auto& r : pv.before) EXPECT_GE(r.members, 0) << body << r.code;  // no '?'
    e.apply(p, nullptr);
    ASSERT_FALSE(pv.after.empty());
    for (auto& r : pv.after) EXPECT_EQ(r.members, actual(r.code)) << body << r.code;
    e.undo(std::nullopt, nullptr);
  }
  // Fractions that do not add up to 1, and negative shares, are problems.
  EXPECT_TRUE(has(e.preview(csv("split,26740,26734,,,,,proportional,0.7,QĐ 1,2025-06-16,2025-07-01,\n"
                                "split,26740,26737,,,,,proportional,0.7,QĐ 1,2025-06-16,2025-07-01,\n")),
                  "bad_share"));
  EXPECT_TRUE(has(e.preview(csv("split,26740,26734,,,,,proportional,-1,QĐ 1,2025-06-16,2025-07-01,\n"
                                "split,26740,26737,,,,,proportional,2,QĐ 1,2025-06-16,2025-07-01,\n")),
                  "parse"));  // refused when read
  // A rename moves nobody.
  Preview rn = e.preview(csv("rename,26740,,Đảng bộ phường mới,,,,,,QĐ 1,2025-06-16,2025-07-01,\n"));
  EXPECT_EQ(rn.members_moved, 0);
  EXPECT_EQ(rn.memberships_reopened, 7);
  EXPECT_TRUE(rn.moves.empty());
  EXPECT_TRUE(rn.member_sample.empty());
  // A moved cell's members do move.
  Preview mv = e.preview(csv("move,26740.02,,,,26734,,,,QĐ 1,2025-06-16,2025-07-01,\n"));
  EXPECT_EQ(mv.members_moved, 2);
  EXPECT_EQ(mv.moves.size(), 1u);
}

TEST_P(EngineTest, ApplyAndUndoRefreshTheCachedMemberCounts) {
  RegistryService reg(*db);
  security::Actor a;
  a.user_id = 1;
  a.role = security::Role::admin;
  a.org_id = root.id;
  a.org_code = root.code;
  a.org_path = root.path;
  const std::string today = base::today().iso();
  auto count_of = [&](const std::string& code) -> int64_t {
    for (auto& r : reg.organizations(a, OrgKind::commune_committee, "", today, "", 100))
      if (r.org.code == code) return r.member_count;
    return -1;
  };
  EXPECT_EQ(count_of("26737"), 2);  // fills the cache
  Engine e(*db);
  e.apply(csv("merge,26740.02,26737.01,,,,,,,QĐ 8," + today + "," + today + ",\n"), nullptr);
  EXPECT_EQ(count_of("26737"), 4);
  EXPECT_EQ(count_of("26740"), 5);
  e.undo(std::nullopt, nullptr);
  EXPECT_EQ(count_of("26737"), 2);
}

// Status edits running while a plan is applied and undone (two connections, as two requests of
// two server processes would be): the stored counts still equal a fresh count, and no edit fails
// with a deadlock (the apply locks member writes first; an edit locks its row before its count).
TEST_P(EngineTest, StatusEditsDuringApplyAndUndoKeepTheCountsExact) {
  Engine e(*db);
  Plan p = csv(
      "merge,26734,27000,Đảng bộ phường mới,commune_committee,HCM,27000,,,QĐ 1,2025-06-16,2025-07-01,\n"
      "merge,26737,27000,,,,,,,QĐ 1,2025-06-16,2025-07-01,\n");
  db::Database editor_db(db::DbUrl::parse(tmp->url()), 1);
  std::atomic<bool> stop{false};
  std::atomic<int> edits{0}, errors{0};
  std::string first_error;
  std::vector<int64_t> ids = {member_of.at("An"), member_of.at("Bình"), member_of.at("Chi"), member_of.at("Dũng"),
                              member_of.at("Em")};
  std::thread editor([&] {
    for (int i = 0; !stop.load(); ++i) {
      try {
        auto s = editor_db.session();
        db::WriteTransaction tr(*s);
        auto m = find_member(*s, ids[std::size_t(i) % ids.size()]);
        m->status = m->status == MemberStatus::full ? MemberStatus::deceased : MemberStatus::full;
        if (update_member(*s, *m, m->version)) ++edits;
        tr.commit();
      } catch (const std::exception& ex) {
        if (errors++ == 0) first_error = ex.what();
      }
    }
  });
  for (int round = 0; round < 3; ++round) {
    e.apply(p, nullptr);
    e.undo(std::nullopt, nullptr);
  }
  stop = true;
  editor.join();
  EXPECT_GT(edits.load(), 0);
  EXPECT_EQ(errors.load(), 0) << first_error;
  auto s = db->session();
  auto bad = count_mismatches(*s);
  EXPECT_TRUE(bad.empty()) << bad.size() << " organizations off, e.g. org " << (bad.empty() ? 0 : bad[0][0]) << ": stored "
                           << (bad.empty() ? 0 : bad[0][1]) << ", counted " << (bad.empty() ? 0 : bad[0][2]);
}

INSTANTIATE_TEST_SUITE_P(Backends, EngineTest, ::testing::ValuesIn(dangbo::testing::backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
