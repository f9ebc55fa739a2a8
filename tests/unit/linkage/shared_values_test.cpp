// Values shared by far more records than chance explains (placeholder dates, default phones)
// are taken as missing by Dataset::finalize and reported; genuinely common values are not.
#include <gtest/gtest.h>

#include "linkage/engine.hpp"
#include "vn_people.hpp"

using namespace dangbo::linkage;

namespace {

const std::vector<Person>& background() {
  static const auto v = vn_people::roster(4000, 11);
  return v;
}

const SharedValue* find(const Dataset& d, int field, const std::string& value) {
  for (auto& v : d.shared_values)
    if (v.field == field && v.value == value) return &v;
  return nullptr;
}

}  // namespace

TEST(SharedValues, NoneInARealisticRoster) {
  // 4,000 members with dates spread as the registry's: no value is far above chance.
  Dataset d;
  for (auto& p : background()) d.add(p);
  d.finalize();
  EXPECT_TRUE(d.shared_values.empty()) << d.shared_values.size() << " e.g. " << d.shared_values[0].value;
}

TEST(SharedValues, PlaceholderAdmissionDateOfACellIsTakenAsMissing) {
  Dataset d;
  for (auto& p : background()) d.add(p);
  vn_people::CellOptions co;
  co.members = 60;
  for (auto& p : vn_people::cell(co)) d.add(p);
  d.finalize();
  const SharedValue* v = find(d, f_admitted_on, "01/01/1900");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->records, 60u);
  EXPECT_EQ(v->expected, 0.0);  // nobody else was admitted in 1900
  for (uint32_t i = 4000; i < 4060; ++i) {
    EXPECT_EQ(d.recs[i].admitted, 0);
    EXPECT_EQ(d.recs[i].shared, 1u << f_admitted_on);
    EXPECT_NE(d.recs[i].birth, 0);  // the other fields stay
  }
  EXPECT_EQ(d.shared_values.size(), 1u);
}

TEST(SharedValues, ADefaultDateInABusyYearIsFoundAgainstItsPeers) {
  // 01/01/2000 typed for 300 members while 2000 is a real year with ~70 admissions of the
  // 4,000: 300 against an average day's 0.2 → a shared value. 01/01/2000 as the birth date of 8
  // members is not: too few records to tell a default from chance.
  Dataset d;
  for (auto& p : background()) d.add(p);
  vn_people::CellOptions co;
  co.members = 300;
  co.admitted = "01/01/2000";
  auto cell = vn_people::cell(co);
  for (int k = 0; k < 8; ++k) cell[std::size_t(k)].birth = parse_loose_date("01/01/2000");
  for (auto& p : cell) d.add(p);
  d.finalize();
  const SharedValue* v = find(d, f_admitted_on, "01/01/2000");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->records, 300u);
  EXPECT_LT(v->expected, 1.0);
  EXPECT_EQ(find(d, f_birth_date, "01/01/2000"), nullptr);
}

TEST(SharedValues, CeremonyDayOfACellIsKept) {
  // A cell admitting 12 members on 03/02/2015 (Party founding day) is ordinary: kept, it is
  // weighed by its frequency instead.
  Dataset d;
  for (auto& p : background()) d.add(p);
  vn_people::CellOptions co;
  co.members = 12;
  co.admitted = "03/02/2015";
  for (auto& p : vn_people::cell(co)) d.add(p);
  d.finalize();
  EXPECT_TRUE(d.shared_values.empty());
  EXPECT_EQ(d.recs[4000].admitted, 20150203);
}

TEST(SharedValues, YearOnlyPlaceholderAndDefaultIdentifiers) {
  Dataset d;
  for (auto& p : background()) d.add(p);
  vn_people::CellOptions co;
  co.members = 40;
  co.admitted = "";
  auto cell = vn_people::cell(co);
  for (auto& p : cell) p.birth = parse_loose_date("1900"), p.phone = "0909 000 000";
  // a real duplicate: two records of one person share CCCD, phone and card — kept
  cell[0].card_number = cell[1].card_number = "10234567";
  cell[1].citizen_id = cell[0].citizen_id;
  cell[1].phone = cell[0].phone = "0912345678";
  for (auto& p : cell) d.add(p);
  d.finalize();
  const SharedValue* by = find(d, f_birth_date, "1900");
  ASSERT_NE(by, nullptr);
  EXPECT_EQ(by->records, 40u);
  const SharedValue* ph = find(d, f_phone, "0909000000");
  ASSERT_NE(ph, nullptr);
  EXPECT_EQ(ph->records, 38u);
  EXPECT_EQ(d.shared_values.size(), 2u);
  EXPECT_EQ(d.recs[4002].phone, 0u);
  EXPECT_EQ(d.recs[4002].shared, (1u << f_birth_date) | (1u << f_phone));
  EXPECT_EQ(d.recs[4001].phone, 912345678u);
  EXPECT_EQ(d.recs[4001].cid, d.recs[4000].cid);
}

TEST(SharedValues, CanBeTurnedOff) {
  Dataset d;
  vn_people::CellOptions co;
  co.members = 100;
  for (auto& p : vn_people::cell(co)) d.add(p);
  SharedValueRule off;
  off.enabled = false;
  d.finalize(off);
  EXPECT_TRUE(d.shared_values.empty());
  EXPECT_EQ(d.recs[0].admitted, 19000101);
}

TEST(Blocking, SharedValueMakesNoBlockAndIsReportedPerRule) {
  // 2,000 members of one cell typed with admission date 01/01/1900: before, the rule "same
  // admission date + birth year" made blocks of ~40 records per birth year (32,291 pairs here).
  Dataset d;
  for (auto& p : background()) d.add(p);
  for (auto& p : vn_people::cell({})) d.add(p);
  d.finalize();
  Options o;
  o.threads = 2;
  auto r = run(d, o);
  for (auto& st : r.rules) {
    const RuleInfo& ri = rule_info(int(&st - &r.rules[0]));
    const bool keys_on_admission = std::count(ri.fields.begin(), ri.fields.end(), int(f_admitted_on)) > 0;
    if (keys_on_admission) {
      EXPECT_EQ(st.shared_records, 2000u) << st.key;
      ASSERT_EQ(st.shared_values.size(), 1u) << st.key;
      EXPECT_EQ(st.shared_values[0].value, "01/01/1900");
      EXPECT_EQ(st.shared_values[0].records, 2000u);
    } else {
      EXPECT_EQ(st.shared_records, 0u) << st.key;
      EXPECT_TRUE(st.shared_values.empty()) << st.key;
    }
    EXPECT_LE(st.largest_block, 10u) << st.key;
    EXPECT_EQ(st.capped_blocks, 0u);
  }
  EXPECT_LT(r.compared_pairs, 500u);
}

TEST(Blocking, CappedBlocksAreNamed) {
  // The block cap (last line of defence) names the blocks it skipped.
  Dataset d;
  vn_people::CellOptions co;
  co.members = 400;
  for (auto& p : vn_people::cell(co)) d.add(p);
  SharedValueRule off;
  off.enabled = false;
  d.finalize(off);
  Options o;
  o.threads = 1;
  o.block_cap = 5;
  o.rules = {r_admitted_year};
  auto r = run(d, o);
  ASSERT_EQ(r.rules.size(), 1u);
  EXPECT_GT(r.rules[0].capped_blocks, 0u);
  ASSERT_FALSE(r.rules[0].capped_keys.empty());
  EXPECT_EQ(r.rules[0].capped_keys[0].first.rfind("ngày vào Đảng 01/01/1900, năm sinh ", 0), 0u)
      << r.rules[0].capped_keys[0].first;
  EXPECT_GT(r.rules[0].capped_keys[0].second, 5u);
  EXPECT_LE(r.rules[0].capped_keys.size(), 10u);
}
