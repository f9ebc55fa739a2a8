// Term-frequency adjustment of dates: agreeing on a date many records hold (a clerk's default
// for a cell, a ceremony day) counts for little; an ordinary date keeps the model's weight.
#include <gtest/gtest.h>

#include "linkage/engine.hpp"
#include "vn_people.hpp"

using namespace dangbo::linkage;

namespace {

double evidence(const Dataset& d, const Model& m, uint32_t i, uint32_t j, int field) {
  for (auto& e : explain(d, m, i, j))
    if (e.field == field) return e.weight;
  return 0;
}

}  // namespace

TEST(DateTermFrequency, ACellsDefaultDateWeighsLittle) {
  // 2,000 roster members, then a cell of 25 whose clerk typed 15/06/2010 for every admission
  // (too few to be taken as a shared value), then a person entered twice with an ordinary date.
  Dataset d;
  for (auto& p : vn_people::roster(2000, 3)) d.add(p);
  vn_people::CellOptions co;
  co.members = 25;
  co.admitted = "15/06/2010";
  for (auto& p : vn_people::cell(co)) d.add(p);
  Person a;
  a.id = "a";
  a.name = "Khổng Minh Triết";
  a.gender = 0;
  a.birth = parse_loose_date("07/08/1963");
  a.admitted = parse_loose_date("19/05/1987");
  a.citizen_id = vn_people::cccd(35, 1963, false, 421337);
  Person b = a;
  b.id = "b";
  d.add(a);
  d.add(b);
  d.finalize();
  ASSERT_TRUE(d.shared_values.empty());
  const uint32_t ia = uint32_t(d.size() - 2), ib = uint32_t(d.size() - 1);
  ASSERT_EQ(d.admitted_count[2000], 25u);
  ASSERT_EQ(d.admitted_count[ia], 2u);

  Model m = Model::initial();
  m.u[f_admitted_on] = {3.3e-5, 1.6e-5, 8e-4, 9.7e-3, 0.98944};
  m.u[f_birth_date] = {3.7e-5, 1.4e-5, 1.3e-3, 1.5e-2, 0.98365};
  const double full = m.field_weight(f_admitted_on, 0);  // log2(0.8 / 3.3e-5) ≈ 14.6
  // the duplicate's ordinary admission date: the model's weight, neither raised nor lowered
  EXPECT_DOUBLE_EQ(evidence(d, m, ia, ib, f_admitted_on), full);
  // its birth date, 07/08/1963, is also one roster member's: one coincidence in 2,025 others
  // lowers it by less than a bit (s = 2 / (2025 + 1/3.7e-5))
  ASSERT_EQ(d.birth_count[ia], 3u);
  const double birth = evidence(d, m, ia, ib, f_birth_date);
  EXPECT_NEAR(birth, m.field_weight(f_birth_date, 0) + std::log2(3.7e-5 * (2025 + 1 / 3.7e-5) / 2), 1e-9);
  EXPECT_GT(birth, m.field_weight(f_birth_date, 0) - 1.0);
  // two members of the cell: 23 of the other 2,025 records hold the date
  // → log2(3.3e-5 / (24 / (2025 + 1/3.3e-5))) ≈ −4.5 bits
  const double cell = evidence(d, m, 2000, 2001, f_admitted_on);
  EXPECT_NEAR(cell, full + std::log2(3.3e-5 * (2025 + 1 / 3.3e-5) / 24), 1e-9);
  EXPECT_LT(cell, full - 4.0);
  // pair_weight (the scores) agrees with the evidence
  Gamma g;
  const double w = pair_weight(d, m, 2000, 2001, &g);
  double sum = m.prior_weight();
  for (auto& e : explain(d, m, 2000, 2001)) sum += e.weight;
  EXPECT_NEAR(w, sum, 1e-9);
}
