// The pipeline on generated members with injected duplicates (known truth): blocking keeps the
// true pairs, the estimated model finds them, the two-pass mode gives the same answer.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "linkage/engine.hpp"
#include "registry/refdata.hpp"
#include "registry/roster_gen.hpp"
#include "vntext/text.hpp"

using namespace dangbo;
using namespace dangbo::linkage;

namespace {

Person from_member(const registry::Member& m, int id) {
  Person p;
  p.id = std::to_string(id);
  p.family = m.family_name;
  p.middle = m.middle_name;
  p.given = m.given_name;
  p.gender = m.gender == registry::Gender::male ? 0 : 1;
  if (m.birth_date) p.birth = loose_from(*m.birth_date);
  if (m.admitted_on) p.admitted = loose_from(*m.admitted_on);
  p.citizen_id = m.citizen_id;
  p.home_town = m.home_town;
  p.phone = m.phone;
  p.card_number = m.card_number;
  return p;
}

struct Data {
  Dataset d;
  std::set<std::pair<uint32_t, uint32_t>> truth;  // record indexes, a < b
};

// 4,000 members, 200 of them entered a second time with the differences re-entry makes (each
// copy gets 2–3 of: no diacritics, day/month swapped, old 9-digit ID, no ID, other phone, no
// card, no middle name, given name first, one letter dropped, admission year only, birth year
// one digit off).
const Data& data() {
  static const Data* built = [] {
    auto* out = new Data;
    auto rd = registry::RefData::load(std::string(DANGBO_SOURCE_DIR) + "/data");
    registry::GenOptions go;
    go.members = 4000;
    go.seed = 11;
    auto orgs = registry::generate_org_tree(rd, go);
    registry::RosterGenerator gen(rd, orgs, go);
    std::mt19937_64 rng(5);
    registry::Member m;
    std::string code;
    std::vector<Person> copies;
    std::vector<uint32_t> of;
    uint32_t n = 0;
    while (gen.next(m, code)) {
      Person p = from_member(m, int(n));
      out->d.add(p);
      if (n % 20 == 7) {
        Person c = p;
        c.id = "copy" + std::to_string(n);
        std::vector<int> ops = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        std::shuffle(ops.begin(), ops.end(), rng);
        for (int k = 0; k < 2 + int(rng() % 2); ++k) switch (ops[std::size_t(k)]) {
            case 0: c.family = vntext::search_key(c.family), c.middle = vntext::search_key(c.middle),
                    c.given = vntext::search_key(c.given); break;
            case 1: if (c.birth.day && c.birth.day <= 12) std::swap(c.birth.day, c.birth.month); break;
            case 2: c.citizen_id = "0" + std::to_string(20000000 + rng() % 9999999); break;
            case 3: c.citizen_id.clear(); break;
            case 4: c.phone = "09" + std::to_string(10000000 + rng() % 89999999); break;
            case 5: c.card_number.clear(); break;
            case 6: c.middle.clear(); break;
            case 7: std::swap(c.family, c.given); break;
            case 8: if (c.given.size() > 3) c.given.erase(c.given.size() / 2, 1); break;
            case 9: c.admitted.month = c.admitted.day = 0; break;    // admission: year only
            case 10: c.birth.year += c.birth.year % 10 == 9 ? -1 : 1; break;  // birth year one digit off
          }
        copies.push_back(c);
        of.push_back(n);
      }
      ++n;
    }
    for (std::size_t k = 0; k < copies.size(); ++k) {
      out->d.add(copies[k]);
      out->truth.emplace(of[k], n + uint32_t(k));
    }
    out->d.finalize();
    return out;
  }();
  return *built;
}

}  // namespace

TEST(Blocking, UnionOfRulesKeepsTheInjectedDuplicates) {
  const Data& x = data();
  int found = 0;
  std::vector<int> per(kRules, 0);
  for (auto [a, b] : x.truth) {
    bool any = false;
    for (int r = 0; r < kRules; ++r) {
      uint64_t ka = block_key(x.d, r, a);
      if (ka && ka == block_key(x.d, r, b)) any = true, per[std::size_t(r)]++;
    }
    found += any;
  }
  EXPECT_GE(double(found) / double(x.truth.size()), 0.99) << found << " of " << x.truth.size();
  // and no single rule does it alone
  for (int r = 0; r < kRules; ++r) EXPECT_LT(per[std::size_t(r)], int(x.truth.size())) << rule_info(r).key;
}

TEST(Blocking, CutsThePairCount) {
  Options o;
  o.threads = 2;
  auto r = run(data().d, o);
  EXPECT_LT(double(r.compared_pairs), double(r.possible_pairs) * 0.01);
  for (auto& st : r.rules) EXPECT_EQ(st.capped_blocks, 0u) << st.key;
}

TEST(Pipeline, FindsTheDuplicatesWithAnEstimatedModel) {
  Options o;
  o.threads = 2;
  auto r = run(data().d, o);
  std::set<std::pair<uint32_t, uint32_t>> linked;
  for (auto& p : r.pairs)
    if (p.prob >= o.threshold) linked.emplace(p.a, p.b);
  int tp = 0;
  for (auto& t : data().truth) tp += linked.count(t) ? 1 : 0;
  double precision = linked.empty() ? 0 : double(tp) / double(linked.size());
  double recall = double(tp) / double(data().truth.size());
  EXPECT_GE(precision, 0.98);
  EXPECT_GE(recall, 0.95);
  // the estimated model makes sense: agreement weighs for a match, disagreement against
  const Model& m = r.model;
  EXPECT_GT(m.field_weight(f_birth_date, 0), 5.0);
  EXPECT_LT(m.field_weight(f_birth_date, 4), 0.0);
  EXPECT_GT(m.field_weight(f_citizen_id, 0), 10.0);
  EXPECT_GT(m.field_weight(f_name, 0), m.field_weight(f_name, 3));
  EXPECT_LT(m.field_weight(f_name, 5), 0.0);
  // clusters: every linked pair in one cluster
  for (auto& p : r.pairs)
    if (p.prob >= o.threshold) EXPECT_EQ(r.cluster[p.a], r.cluster[p.b]);
}

TEST(Pipeline, TwoPassModeGivesTheSameAnswer) {
  Options o;
  o.threads = 2;
  auto one = run(data().d, o);
  o.store_pairs_limit = 10;
  auto two = run(data().d, o);
  EXPECT_FALSE(two.pairs_stored);
  ASSERT_EQ(one.pairs.size(), two.pairs.size());
  for (std::size_t k = 0; k < one.pairs.size(); ++k) {
    EXPECT_EQ(one.pairs[k].a, two.pairs[k].a);
    EXPECT_EQ(one.pairs[k].b, two.pairs[k].b);
    EXPECT_EQ(one.pairs[k].prob, two.pairs[k].prob);
  }
}

TEST(Pipeline, CommonNamesWeighLessThanRareOnes) {
  // Term-frequency adjustment: agreeing on a name held by 2 % of records counts less than
  // agreeing on one held by a single pair.
  Dataset d;
  auto add = [&](const char* name, const char* birth, int id) {
    Person p;
    p.id = std::to_string(id);
    p.name = name;
    p.birth = parse_loose_date(birth);
    p.gender = 0;
    d.add(p);
  };
  int id = 0;
  for (int k = 0; k < 50; ++k) add("Nguyễn Văn Hùng", k % 2 ? "1970" : "1980", id++);
  for (int k = 0; k < 2400; ++k) add(("Người Thứ " + std::to_string(k)).c_str(), "1975", id++);
  add("Khổng Minh Triết", "1970", id++);
  add("Khổng Minh Triết", "1970", id++);
  d.finalize();
  Model m = Model::initial();
  m.u[f_name] = {0.001, 0.001, 0.001, 0.01, 0.05, 0.937};
  double common = pair_weight(d, m, 0, 2), rare = pair_weight(d, m, uint32_t(id - 2), uint32_t(id - 1));
  EXPECT_GT(rare, common + 4.0);
}
