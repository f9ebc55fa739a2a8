// Expectation–maximisation recovers known m, u and λ from simulated comparison patterns.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "linkage/model.hpp"

using namespace dangbo::linkage;

namespace {

// Draws `pairs` patterns from a known two-class model over the first three fields (name:
// 6 levels, birth_date: 6, gender: 2); the other fields are missing (kNull).
std::vector<std::pair<uint32_t, double>> simulate(const Model& truth, int pairs, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> U(0, 1);
  auto draw = [&](const std::vector<double>& p) {
    double x = U(rng), c = 0;
    for (std::size_t l = 0; l < p.size(); ++l)
      if ((c += p[l]) > x) return uint8_t(l);
    return uint8_t(p.size() - 1);
  };
  std::map<uint32_t, double> counts;
  for (int k = 0; k < pairs; ++k) {
    bool match = U(rng) < truth.lambda;
    Gamma g;
    g.lv.fill(kNull);
    for (int f : {f_name, f_birth_date, f_gender}) g.lv[f] = draw(match ? truth.m[f] : truth.u[f]);
    counts[encode(g)] += 1;
  }
  return {counts.begin(), counts.end()};
}

Model truth_model() {
  Model t = Model::initial();
  t.lambda = 0.2;
  t.m[f_name] = {0.70, 0.10, 0.08, 0.06, 0.04, 0.02};
  t.u[f_name] = {0.01, 0.01, 0.02, 0.06, 0.20, 0.70};
  t.m[f_birth_date] = {0.85, 0.05, 0.04, 0.03, 0.01, 0.02};
  t.u[f_birth_date] = {0.001, 0.001, 0.008, 0.01, 0.04, 0.94};
  t.m[f_gender] = {0.98, 0.02};
  t.u[f_gender] = {0.5, 0.5};
  return t;
}

}  // namespace

TEST(Em, RecoversMAndUAndLambda) {
  Model truth = truth_model();
  auto counts = simulate(truth, 400000, 7);
  EmOptions eo;
  eo.fix_u = false;
  eo.max_iterations = 500;
  eo.tolerance = 1e-8;
  for (int f = f_citizen_id; f < kFields; ++f) eo.skip[f] = true;
  Model start = Model::initial();
  start.lambda = 0.5;
  auto r = run_em(counts, start, eo);
  EXPECT_TRUE(r.converged);
  EXPECT_NEAR(r.model.lambda, 0.2, 0.005);
  for (int f : {f_name, f_birth_date, f_gender})
    for (std::size_t l = 0; l < truth.m[f].size(); ++l) {
      EXPECT_NEAR(r.model.m[f][l], truth.m[f][l], 0.01) << "m field " << f << " level " << l;
      EXPECT_NEAR(r.model.u[f][l], truth.u[f][l], 0.01) << "u field " << f << " level " << l;
    }
}

TEST(Em, WithFixedURecoversM) {
  Model truth = truth_model();
  truth.lambda = 0.05;
  auto counts = simulate(truth, 400000, 11);
  EmOptions eo;
  eo.fix_u = true;
  eo.max_iterations = 500;
  eo.tolerance = 1e-9;
  for (int f = f_citizen_id; f < kFields; ++f) eo.skip[f] = true;
  Model start = Model::initial();
  for (int f : {f_name, f_birth_date, f_gender}) start.u[f] = truth.u[f];
  start.lambda = 0.3;
  auto r = run_em(counts, start, eo);
  EXPECT_NEAR(r.model.lambda, 0.05, 0.003);
  for (int f : {f_name, f_birth_date, f_gender})
    for (std::size_t l = 0; l < truth.m[f].size(); ++l)
      EXPECT_NEAR(r.model.m[f][l], truth.m[f][l], 0.015) << "m field " << f << " level " << l;
}

TEST(Model, WeightsAndJsonRoundTrip) {
  Model t = truth_model();
  t.lambda = 1e-6;
  Gamma g;
  g.lv.fill(kNull);
  g.lv[f_name] = 0;
  g.lv[f_birth_date] = 0;
  // log2(1e-6 / (1 − 1e-6)) + log2(0.7/0.01) + log2(0.85/0.001)
  double expect = std::log2(1e-6 / (1 - 1e-6)) + std::log2(70.0) + std::log2(850.0);
  EXPECT_NEAR(t.weight(g), expect, 1e-9);
  EXPECT_NEAR(probability(0), 0.5, 1e-12);
  EXPECT_NEAR(probability(std::log2(9.0)), 0.9, 1e-12);
  // TF: a name held by 1 % of records, u_exact = 0.01 → adjustment log2(0.01/0.01) = 0;
  // a name held by 0.01 % → +log2(100).
  EXPECT_NEAR(t.tf_adjust(f_name, 0, 0.01), 0.0, 1e-12);
  EXPECT_NEAR(t.tf_adjust(f_name, 0, 0.0001), std::log2(100.0), 1e-9);
  EXPECT_EQ(t.tf_adjust(f_name, 3, 0.0001), 0.0);
  Model back = Model::from_json(t.to_json());
  EXPECT_DOUBLE_EQ(back.lambda, t.lambda);
  EXPECT_DOUBLE_EQ(back.m[f_birth_date][1], t.m[f_birth_date][1]);
}

TEST(Em, NeutralLevelIsLeftOut) {
  // citizen_id level 2 (an old CMND against a CCCD) weighs nothing and is estimated from nothing:
  // pairs at that level are like pairs without the field.
  Model m = Model::initial();
  EXPECT_EQ(m.field_weight(f_citizen_id, 2), 0.0);
  std::array<std::vector<double>, kFields> counts;
  for (int f = 0; f < kFields; ++f) counts[f].assign(std::size_t(field_levels(f)), 10);
  counts[f_citizen_id] = {1, 2, 1000000, 97, 900};
  set_u_from_counts(m, counts);
  EXPECT_NEAR(m.u[f_citizen_id][0], 1.5 / 1002.0, 1e-12);   // shares of the weighed levels only
  EXPECT_NEAR(m.u[f_citizen_id][4], 900.5 / 1002.0, 1e-12);
  EXPECT_EQ(m.field_weight(f_citizen_id, 2), 0.0);
  // EM on patterns where the matches mostly show level 2 leaves it at weight 0 and estimates the
  // other levels from the rest
  std::vector<std::pair<uint32_t, double>> pc;
  auto add = [&](uint8_t name, uint8_t cid, double n) {
    Gamma g;
    g.lv.fill(kNull);
    g.lv[f_name] = name;
    g.lv[f_citizen_id] = cid;
    pc.emplace_back(encode(g), n);
  };
  add(0, 2, 5000);  // matches with an old CMND on one side
  add(0, 0, 900);   // matches agreeing
  add(0, 4, 10);
  add(5, 4, 90000);  // non-matches
  add(5, 2, 9000);
  EmOptions eo;
  Model start = m;
  start.lambda = 0.3;
  auto r = run_em(pc, start, eo);
  EXPECT_EQ(r.model.m[f_citizen_id][2], 1.0);
  EXPECT_EQ(r.model.field_weight(f_citizen_id, 2), 0.0);
  EXPECT_GT(r.model.m[f_citizen_id][0], 0.9);
  EXPECT_LT(r.model.field_weight(f_citizen_id, 4), -5.0);
}
