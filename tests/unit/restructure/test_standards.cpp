// Standards check on the reference data: thresholds from config/rules.json by date, with sources.
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

#include "base/rules.hpp"
#include "registry/refdata.hpp"
#include "restructure/plan.hpp"
#include "restructure/standards.hpp"

using namespace dangbo;
using namespace dangbo::restructure;

namespace {

struct Standards : ::testing::Test {
  static const registry::RefData& ref() {
    static registry::RefData r = registry::RefData::load(std::string(DANGBO_SOURCE_DIR) + "/data");
    return r;
  }
  base::RuleSet rules = base::RuleSet::load(std::string(DANGBO_SOURCE_DIR) + "/config/rules.json");
  std::map<std::string, std::string> types() {
    std::map<std::string, std::string> t;
    for (auto& p : ref().new_provinces()) t[p.code] = p.unit_type;
    return t;
  }
  const StandardCheck* find(const std::vector<StandardCheck>& v, const std::string& code) {
    for (auto& c : v)
      if (c.unit.code == code) return &c;
    return nullptr;
  }
};

TEST_F(Standards, HcmcUnitsAgainstThe2025ArrangementThresholds) {
  StandardsQuery q;
  q.province = "79";
  q.only_below = false;
  auto all = check_standards(ref().new_communes(), types(), rules, q);
  ASSERT_EQ(all.size(), 168u);
  // Phường Sài Gòn: 3.04 km², 47,022 people: below the ward area threshold (5.5 km²), above 45,000.
  auto* sg = find(all, "26740");
  ASSERT_TRUE(sg);
  EXPECT_EQ(sg->category, "ward_city");
  EXPECT_DOUBLE_EQ(*sg->min_area_km2, 5.5);
  EXPECT_DOUBLE_EQ(*sg->min_population, 45000);
  EXPECT_TRUE(sg->area_below);
  EXPECT_FALSE(sg->population_below);
  EXPECT_NEAR(sg->area_pct, 100.0 * 3.04 / 5.5, 0.01);
  EXPECT_NE(sg->area_source.find("76/2025/UBTVQH15"), std::string::npos);
  // Special zone Côn Đảo: no threshold.
  auto* cd = find(all, "26732");
  ASSERT_TRUE(cd);
  EXPECT_EQ(cd->category, "special_zone");
  EXPECT_FALSE(cd->min_area_km2);
  EXPECT_FALSE(cd->below());
  // Communes: 16,000 people (200 % of 8,000) and 30 km².
  int communes = 0, below = 0;
  for (auto& c : all) {
    if (c.category == "commune") {
      ++communes;
      EXPECT_DOUBLE_EQ(*c.min_population, 16000);
      EXPECT_DOUBLE_EQ(*c.min_area_km2, 30);
    }
    below += c.below();
  }
  EXPECT_EQ(communes, 54);
  q.only_below = true;
  auto listed = check_standards(ref().new_communes(), types(), rules, q);
  EXPECT_EQ(int(listed.size()), below);
  EXPECT_GT(below, 0);
  EXPECT_LT(below, 168);
  for (auto& c : listed) EXPECT_TRUE(c.below()) << c.unit.code;
}

TEST_F(Standards, TheGeneralStandardChangesOnTheFirstOfJanuary2026) {
  StandardsQuery q;
  q.province = "79";
  q.basis = "standard";
  q.only_below = false;
  q.on = base::make_date(2025, 12, 31);
  auto before = check_standards(ref().new_communes(), types(), rules, q);
  q.on = base::make_date(2026, 1, 1);
  auto after = check_standards(ref().new_communes(), types(), rules, q);
  auto* b = find(before, "26740");
  auto* a = find(after, "26740");
  EXPECT_DOUBLE_EQ(*b->min_population, 15000);  // 1211/2016 as amended by 27/2022, ward in an urban district
  EXPECT_DOUBLE_EQ(*a->min_population, 21000);  // 112/2025/UBTVQH15
  EXPECT_NE(a->population_source.find("112/2025/UBTVQH15"), std::string::npos);
  EXPECT_THROW(check_standards(ref().new_communes(), types(), rules, {"79", "nonsense"}), std::invalid_argument);
}

TEST_F(Standards, The2025PlanFromTheReferenceData) {
  Plan p = plan_2025(ref(), SplitRule::residence);
  int merges = 0, splits = 0, dissolves = 0, split_rows = 0;
  std::set<std::string> targets;
  for (auto& o : p.ops) {
    if (o.kind == OpKind::merge) ++merges;
    if (o.kind == OpKind::split) ++splits, split_rows += int(o.targets.size());
    if (o.kind == OpKind::dissolve) ++dissolves;
    for (auto& t : o.targets) targets.insert(t.code);
  }
  EXPECT_EQ(merges, 1 + 165);  // the provinces, and the 165 new units with a whole old unit
  EXPECT_EQ(splits, 47);       // old units divided between two or three new ones
  EXPECT_EQ(split_rows, 98);   // SOURCES.md: 98 partial pairs
  EXPECT_EQ(dissolves, 37);    // 38 districts, Côn Đảo merged into the special zone
  EXPECT_EQ(targets.size(), 169u);
  // The CSV reads back to the same operations.
  Plan q = parse_plan_csv(write_plan_csv(p));
  EXPECT_TRUE(q.problems.empty());
  EXPECT_EQ(q.ops.size(), p.ops.size());
}

}  // namespace
