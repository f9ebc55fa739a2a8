// dangbo::linkage — the Fellegi–Sunter model and its estimation without labels.
//
// For each field f and level l: m = P(level | the records are the same person) and
// u = P(level | they are not). A pair's match weight is log2 of the prior odds plus
// Σ log2(m/u) over its fields (a missing field adds 0), and its match probability is
// 2^w / (1 + 2^w) (Fellegi & Sunter 1969). As in Splink:
//  - u is estimated from a large random sample of record pairs (nearly all non-matches);
//  - m is estimated by expectation–maximisation on the blocked pairs, one training session
//    per blocking rule, each leaving out the fields the rule conditions on, and averaged;
//  - exact agreement on a field with term frequencies (the full name, the home town) is
//    weighed by how common the value is: log2(u_exact / tf(value)) is added, so "Nguyễn Văn
//    Hùng" agreeing counts less than a rare name agreeing;
//  - exact agreement on a date (birth, admission) is lowered, never raised, when the value is
//    more common than the model's chance agreement: log2(u_exact / s) is added when negative,
//    s = (k + 1) / (N + 1/u_exact) being the share of the N records outside the pair that hold
//    the same date (k of them), shrunk towards u_exact by one pseudo-record so that one
//    coincidence in a small input does not count as "common". A default date a clerk typed for
//    a whole cell, or a cell's ceremony day, then counts for little. Dates differ from names
//    here: they are spread nearly evenly, so a value held only by the pair is not rarer than u
//    says (raising it would reward every pair at large sizes, where every date looks rare), and
//    the pair's own two records are not counted (at small sizes they alone would make every
//    date look common). Values far above chance (01/01/1900) never reach the model:
//    Dataset::finalize takes them as missing (SharedValueRule).
// Nobody sets a weight by hand.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "linkage/compare.hpp"

namespace dangbo::linkage {

struct Model {
  double lambda = 1e-6;  // P(match) of two records drawn at random
  std::array<std::vector<double>, kFields> m, u;
  double tf_min = 1e-7;  // floor of a term frequency

  // A model with every field's m decreasing from level 0 and u uniform (a start for EM).
  static Model initial();
  double prior_weight() const;
  // log2(m/u) of a field level; 0 for kNull.
  double field_weight(int f, uint8_t level) const;
  // Sum of the field weights of a pattern plus the prior (no term-frequency adjustment).
  double weight(const Gamma& g) const;
  // Term-frequency adjustment of field f at `level` for a value of frequency tf: log2(u / tf)
  // for the levels that take it (FieldInfo::tf_level_max), else 0.
  double tf_adjust(int f, uint8_t level, double tf) const;
  // Adjustment of exact agreement on a date field f (level 0; else 0): min(0, log2(u / s)) with
  // s = (holders + 1) / (others + 1/u): `holders` of the `others` records outside the pair hold
  // the date (Dataset::date_holders_outside_pair, Dataset::size() − 2).
  double tf_adjust_date(int f, uint8_t level, double holders, double others) const;

  std::string to_json() const;
  static Model from_json(const std::string& s);  // throws std::runtime_error when malformed
};

inline double probability(double weight) {
  if (weight > 60) return 1.0;
  if (weight < -60) return 0.0;
  double o = std::exp2(weight);
  return o / (1.0 + o);
}

struct EmOptions {
  int max_iterations = 100;
  double tolerance = 1e-6;    // stop when no parameter moves more than this
  bool fix_u = true;          // Splink's default: u from random sampling is kept
  std::array<bool, kFields> skip{};  // fields left out of this session
};

struct EmResult {
  Model model;       // m (and u unless fixed) re-estimated; lambda = share of matches in the counts
  int iterations = 0;
  bool converged = false;
};

// Expectation–maximisation over pattern counts {code → number of pairs}. `start` gives the
// starting m, u and lambda (lambda here is the share of matches among the counted pairs).
EmResult run_em(const std::vector<std::pair<uint32_t, double>>& counts, const Model& start, const EmOptions& opt);

// u of each field level from level counts of random pairs: counts[f][level] (kNull not counted).
// Adds a half pair to every level so that unseen levels do not get u = 0.
void set_u_from_counts(Model& model, const std::array<std::vector<double>, kFields>& counts);

}  // namespace dangbo::linkage
