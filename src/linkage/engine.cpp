#include "linkage/engine.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <numeric>
#include <random>
#include <stdexcept>
#include <thread>
#include <unordered_set>

namespace dangbo::linkage {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

template <typename F>
void parallel(int threads, F&& body) {
  if (threads <= 1) {
    body(0);
    return;
  }
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) ts.emplace_back([&, t] { body(t); });
  for (auto& t : ts) t.join();
}

struct Block {
  uint8_t rule;
  uint32_t begin, end;  // range in the rule's sorted index
};

// λ among counted pairs with m and u fixed.
double lambda_fixed(const std::vector<std::pair<uint32_t, double>>& counts, const Model& md) {
  std::vector<double> lr;  // log(u/m) of each pattern
  double total = 0;
  for (auto& [code, n] : counts) {
    Gamma g = decode(code);
    double s = 0;
    for (int f = 0; f < kFields; ++f)
      if (weighed(f, g.lv[f])) s += std::log(md.u[f][g.lv[f]] / md.m[f][g.lv[f]]);
    lr.push_back(s);
    total += n;
  }
  double lam = 0.1;
  for (int it = 0; it < 200; ++it) {
    double matches = 0;
    for (std::size_t k = 0; k < counts.size(); ++k)
      matches += counts[k].second / (1.0 + std::exp(lr[k] + std::log((1 - lam) / lam)));
    double next = std::clamp(matches / total, 1e-15, 1 - 1e-12);
    if (std::abs(next - lam) < 1e-12) {
      lam = next;
      break;
    }
    lam = next;
  }
  return lam;
}

}  // namespace

DisjointSets::DisjointSets(std::size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0u); }

uint32_t DisjointSets::find(uint32_t x) {
  while (parent_[x] != x) {
    parent_[x] = parent_[parent_[x]];
    x = parent_[x];
  }
  return x;
}

void DisjointSets::unite(uint32_t a, uint32_t b) {
  a = find(a), b = find(b);
  if (a == b) return;
  if (a < b) parent_[b] = a;
  else parent_[a] = b;
}

double pair_weight(const Dataset& d, const Model& md, uint32_t i, uint32_t j, Gamma* out) {
  Gamma g = compare(d, i, j);
  double w = md.weight(g);
  w += md.tf_adjust(f_name, g.lv[f_name], d.tf_name(d.recs[i].name_key));
  w += md.tf_adjust(f_home_town, g.lv[f_home_town], d.tf_town(d.recs[i].town_key));
  const double others = double(d.size()) - 2;
  w += md.tf_adjust_date(f_birth_date, g.lv[f_birth_date], d.date_holders_outside_pair(d.birth_count, i), others);
  w += md.tf_adjust_date(f_admitted_on, g.lv[f_admitted_on], d.date_holders_outside_pair(d.admitted_count, i), others);
  if (out) *out = g;
  return w;
}

std::vector<FieldEvidence> explain(const Dataset& d, const Model& md, uint32_t i, uint32_t j) {
  Gamma g = compare(d, i, j);
  std::vector<FieldEvidence> out;
  for (int f = 0; f < kFields; ++f) {
    FieldEvidence e;
    e.field = f;
    e.level = g.lv[f];
    e.weight = md.field_weight(f, g.lv[f]);
    if (f == f_name) e.weight += md.tf_adjust(f, g.lv[f], d.tf_name(d.recs[i].name_key));
    if (f == f_home_town) e.weight += md.tf_adjust(f, g.lv[f], d.tf_town(d.recs[i].town_key));
    const double others = double(d.size()) - 2;
    if (f == f_birth_date) e.weight += md.tf_adjust_date(f, g.lv[f], d.date_holders_outside_pair(d.birth_count, i), others);
    if (f == f_admitted_on)
      e.weight += md.tf_adjust_date(f, g.lv[f], d.date_holders_outside_pair(d.admitted_count, i), others);
    out.push_back(e);
  }
  return out;
}

Result run(const Dataset& d, const Options& opt, const Log& log) {
  Result res;
  auto say = [&](const std::string& s) {
    if (log) log(s);
  };
  const int threads = opt.threads > 0 ? opt.threads : int(std::max(1u, std::thread::hardware_concurrency()));
  const uint32_t n = uint32_t(d.size());
  std::vector<int> rules = opt.rules;
  if (rules.empty())
    for (int r = 0; r < kRules; ++r) rules.push_back(r);
  const int nr = int(rules.size());
  if (nr > 8) throw std::runtime_error("linkage: at most 8 blocking rules");

  // Possible pairs.
  if (opt.link_only) {
    std::map<uint16_t, uint64_t> per;
    for (auto s : d.source) per[s]++;
    uint64_t sum = 0, sq = 0;
    for (auto& [s, c] : per) sum += c, sq += c * c;
    res.possible_pairs = (sum * sum - sq) / 2;
  } else {
    res.possible_pairs = uint64_t(n) * (n ? n - 1 : 0) / 2;
  }

  // ---- 1. blocking keys and blocks
  auto t0 = Clock::now();
  std::vector<std::vector<uint64_t>> keys(static_cast<std::size_t>(nr), std::vector<uint64_t>(n));
  std::vector<std::vector<uint32_t>> order(static_cast<std::size_t>(nr));
  std::vector<Block> blocks;
  std::vector<std::unordered_set<uint64_t>> capped(static_cast<std::size_t>(nr));  // keys of blocks over the cap
  res.rules.resize(std::size_t(nr));
  {
    std::atomic<int> next{0};
    parallel(std::min(threads, nr), [&](int) {
      for (int k; (k = next++) < nr;) {
        auto& kv = keys[std::size_t(k)];
        std::vector<std::pair<uint64_t, uint32_t>> tmp;
        tmp.reserve(n);
        for (uint32_t i = 0; i < n; ++i) {
          kv[i] = block_key(d, rules[std::size_t(k)], i);
          if (kv[i]) tmp.emplace_back(kv[i], i);
        }
        std::sort(tmp.begin(), tmp.end());
        auto& ord = order[std::size_t(k)];
        ord.resize(tmp.size());
        for (std::size_t x = 0; x < tmp.size(); ++x) ord[x] = tmp[x].second;
        RuleStats& st = res.rules[std::size_t(k)];
        st.key = std::string(rule_info(rules[std::size_t(k)]).key);
        st.records_with_key = tmp.size();
        // blocks are collected afterwards (single-threaded) from equal key runs
        std::vector<Block> local;
        for (std::size_t b = 0; b < tmp.size();) {
          std::size_t e = b + 1;
          while (e < tmp.size() && tmp[e].first == tmp[b].first) ++e;
          uint64_t sz = e - b;
          if (sz >= 2) {
            st.blocks++;
            st.largest_block = std::max(st.largest_block, sz);
            if (sz > opt.block_cap) {
              st.capped_blocks++;
              st.capped_records += sz;
              capped[std::size_t(k)].insert(tmp[b].first);
              st.capped_keys.emplace_back(block_key_text(d, rules[std::size_t(k)], tmp[b].second), sz);
            } else {
              st.pairs += sz * (sz - 1) / 2;
              local.push_back({uint8_t(k), uint32_t(b), uint32_t(e)});
            }
          }
          b = e;
        }
        std::sort(st.capped_keys.begin(), st.capped_keys.end(),
                  [](const auto& x, const auto& y) { return x.second != y.second ? x.second > y.second : x.first < y.first; });
        if (st.capped_keys.size() > 10) st.capped_keys.resize(10);
        // Records a shared value kept out of this rule (their key would have used it).
        uint8_t mask = 0;
        for (int f : rule_info(rules[std::size_t(k)]).fields) mask |= uint8_t(1u << f);
        for (uint32_t i = 0; i < n; ++i) st.shared_records += (d.recs[i].shared & mask) != 0;
        for (const SharedValue& v : d.shared_values)
          if ((mask >> v.field) & 1) st.shared_values.push_back(v);
        std::stable_sort(st.shared_values.begin(), st.shared_values.end(),
                         [](const SharedValue& x, const SharedValue& y) { return x.records > y.records; });
        if (st.shared_values.size() > 10) st.shared_values.resize(10);
        static std::mutex mu;
        std::lock_guard<std::mutex> lk(mu);
        blocks.insert(blocks.end(), local.begin(), local.end());
      }
    });
  }
  uint64_t raw_pairs = 0;
  for (auto& st : res.rules) raw_pairs += st.pairs;
  if (raw_pairs > opt.max_pairs) {
    std::string msg = "linkage: blocking gives " + std::to_string(raw_pairs) + " pairs (limit " +
                      std::to_string(opt.max_pairs) + "):";
    for (auto& st : res.rules) msg += " " + st.key + "=" + std::to_string(st.pairs);
    throw std::runtime_error(msg);
  }
  // Largest blocks first, so the threads finish together.
  std::sort(blocks.begin(), blocks.end(), [](const Block& a, const Block& b) { return a.end - a.begin > b.end - b.begin; });
  res.seconds["blocking"] = since(t0);
  say("blocking: " + std::to_string(blocks.size()) + " blocks, " + std::to_string(raw_pairs) + " pairs before de-duplication across rules");

  // ---- 2. compare every candidate pair once; pattern counts per rule for EM
  // Pairs are kept in memory (12 bytes each) when there are at most opt.store_pairs_limit of
  // them; otherwise this pass only counts patterns and step 5 compares every pair again,
  // keeping only those at or above review_low (national-size inputs in bounded memory).
  t0 = Clock::now();
  const uint32_t npat = pattern_count();
  const bool store = raw_pairs <= opt.store_pairs_limit || opt.keep_all_pairs;
  struct Local {
    std::vector<ScoredPair> pairs;
    std::vector<std::vector<uint32_t>> per_rule;  // [rule][code] pairs the rule shares
    std::vector<uint64_t> all;                    // [code] every compared pair
    std::vector<uint64_t> new_pairs;
  };
  std::vector<Local> locals(static_cast<std::size_t>(threads));
  // Calls visit(thread, rule, i, j) once for every distinct candidate pair (i < j), in parallel.
  auto for_each_pair = [&](auto&& visit) {
    std::atomic<std::size_t> next{0};
    parallel(threads, [&](int t) {
      for (std::size_t bi; (bi = next++) < blocks.size();) {
        const Block& B = blocks[bi];
        const int k = B.rule;
        const auto& ord = order[std::size_t(k)];
        for (uint32_t x = B.begin; x < B.end; ++x) {
          for (uint32_t y = x + 1; y < B.end; ++y) {
            uint32_t i = ord[x], j = ord[y];
            if (i > j) std::swap(i, j);
            if (opt.link_only && d.source[i] == d.source[j]) continue;
            bool seen = false;
            for (int q = 0; q < k && !seen; ++q) {
              // A pair shared by an earlier rule was produced there, unless its block was capped.
              const uint64_t ki = keys[std::size_t(q)][i];
              seen = ki && ki == keys[std::size_t(q)][j] &&
                     (capped[std::size_t(q)].empty() || !capped[std::size_t(q)].count(ki));
            }
            if (!seen) visit(t, k, i, j);
          }
        }
      }
    });
  };
  for (auto& L : locals) {
    L.per_rule.assign(std::size_t(nr), std::vector<uint32_t>(npat, 0));
    L.all.assign(npat, 0);
    L.new_pairs.assign(std::size_t(nr), 0);
    if (store) L.pairs.reserve(std::size_t(raw_pairs / uint64_t(threads) + 16));
  }
  for_each_pair([&](int t, int k, uint32_t i, uint32_t j) {
    Local& L = locals[std::size_t(t)];
    Gamma g = compare(d, i, j);
    uint32_t code = encode(g);
    for (int q = k; q < nr; ++q) {
      const uint64_t ki = keys[std::size_t(q)][i];
      if (q == k || (ki && ki == keys[std::size_t(q)][j])) L.per_rule[std::size_t(q)][code]++;
    }
    L.all[code]++;
    L.new_pairs[std::size_t(k)]++;
    if (store) L.pairs.push_back({i, j, 0.f, 0.f, code});
  });
  for (auto& L : locals) {
    for (int k = 0; k < nr; ++k) res.rules[std::size_t(k)].new_pairs += L.new_pairs[std::size_t(k)];
  }
  for (auto& st : res.rules) res.compared_pairs += st.new_pairs;
  res.seconds["comparisons"] = since(t0);
  res.pairs_stored = store;
  say("comparisons: " + std::to_string(res.compared_pairs) + " distinct pairs compared" +
      (store ? "" : " (counted only; compared again for scores)"));

  // ---- 3. u from random pairs
  t0 = Clock::now();
  Model md = Model::initial();
  {
    std::array<std::vector<double>, kFields> ucount;
    for (int f = 0; f < kFields; ++f) ucount[f].assign(std::size_t(field_levels(f)), 0);
    std::vector<std::array<std::vector<double>, kFields>> tl(static_cast<std::size_t>(threads), ucount);
    // Splink samples a million pairs by default; more for big inputs (rare levels), capped.
    const uint64_t want =
        n >= 2 ? std::min<uint64_t>({opt.u_sample_pairs, std::max<uint64_t>(1'000'000, 4 * uint64_t(n)), res.possible_pairs})
               : 0;
    // Every pair inside a random subset of records is a uniformly drawn pair, and the subset
    // fits in the processor's cache: subsets of up to 2,000 records, all their pairs compared.
    const uint32_t k = uint32_t(std::min<uint64_t>(n, 2000));
    const uint64_t per_subset = std::max<uint64_t>(1, uint64_t(k) * (k - 1) / 2);
    const uint64_t subsets = n >= 2 ? (want + per_subset - 1) / per_subset : 0;
    std::atomic<uint64_t> next_subset{0};
    parallel(threads, [&](int t) {
      auto& c = tl[std::size_t(t)];
      std::vector<uint32_t> sub(k);
      for (uint64_t s; (s = next_subset++) < subsets;) {
        std::mt19937_64 rng(opt.seed + s * 7919);
        // k distinct records (Floyd's algorithm), then all pairs among them
        std::unordered_set<uint32_t> in;
        std::size_t w = 0;
        for (uint32_t j = n - k; j < n; ++j) {
          uint32_t x = uint32_t(rng() % (uint64_t(j) + 1));
          if (!in.insert(x).second) in.insert(x = j);
          sub[w++] = x;
        }
        std::sort(sub.begin(), sub.end());
        uint64_t left = want - std::min(want, s * per_subset);
        for (uint32_t a = 0; a < k && left; ++a)
          for (uint32_t b = a + 1; b < k && left; ++b) {
            const uint32_t i = sub[a], j = sub[b];
            if (opt.link_only && d.source[i] == d.source[j]) continue;
            --left;
            Gamma g = compare(d, i, j);
            for (int f = 0; f < kFields; ++f)
              if (g.lv[f] != kNull) c[f][g.lv[f]] += 1;
          }
      }
    });
    for (auto& c : tl)
      for (int f = 0; f < kFields; ++f)
        for (std::size_t l = 0; l < c[f].size(); ++l) ucount[f][l] += c[f][l];
    set_u_from_counts(md, ucount);
  }
  res.seconds["u_sampling"] = since(t0);

  // ---- 4. m by EM, one session per blocking rule
  t0 = Clock::now();
  std::vector<std::vector<std::pair<uint32_t, double>>> rule_counts(static_cast<std::size_t>(nr));
  std::vector<double> all(npat, 0);
  for (int k = 0; k < nr; ++k) {
    std::vector<double> sum(npat, 0);
    for (auto& L : locals)
      for (uint32_t c = 0; c < npat; ++c) sum[c] += L.per_rule[std::size_t(k)][c];
    for (uint32_t c = 0; c < npat; ++c)
      if (sum[c] > 0) rule_counts[std::size_t(k)].emplace_back(c, sum[c]);
  }
  for (auto& L : locals) {
    L.per_rule.clear();
    L.per_rule.shrink_to_fit();
  }
  for (auto& L : locals)
    for (uint32_t c = 0; c < npat; ++c) all[c] += double(L.all[c]);
  std::vector<std::pair<uint32_t, double>> all_counts;
  for (uint32_t c = 0; c < npat; ++c)
    if (all[c] > 0) all_counts.emplace_back(c, all[c]);

  std::array<std::vector<double>, kFields> msum, usum;
  std::array<int, kFields> mcount{};
  for (int f = 0; f < kFields; ++f) msum[f].assign(md.m[f].size(), 0), usum[f].assign(md.u[f].size(), 0);
  for (int k = 0; k < nr; ++k) {
    if (rule_counts[std::size_t(k)].empty()) continue;
    EmOptions eo;
    eo.fix_u = !opt.em_estimate_u;
    for (int f : rule_info(rules[std::size_t(k)]).fields) eo.skip[f] = true;
    Model start = md;
    start.lambda = 0.3;
    auto er = run_em(rule_counts[std::size_t(k)], start, eo);
    res.em_sessions++;
    res.em_iterations.push_back(er.iterations);
    for (int f = 0; f < kFields; ++f) {
      if (eo.skip[f]) continue;
      mcount[f]++;
      for (std::size_t l = 0; l < msum[f].size(); ++l) msum[f][l] += er.model.m[f][l], usum[f][l] += er.model.u[f][l];
    }
  }
  for (int f = 0; f < kFields; ++f) {
    if (!mcount[f]) continue;
    for (std::size_t l = 0; l < msum[f].size(); ++l) {
      md.m[f][l] = msum[f][l] / mcount[f];
      if (opt.em_estimate_u) md.u[f][l] = usum[f][l] / mcount[f];
    }
  }
  // Disagreement is never evidence for a match: a disagreement level whose estimated m exceeds
  // its u (a level no session saw keeps its starting m, which can exceed a tiny u: two
  // different CCCDs one of which is malformed, rare among random pairs, came out at +13 bits)
  // is capped at m = u, and the agreeing levels share what is left.
  for (int f = 0; f < kFields; ++f) {
    const int from = field_info(f).disagree_from, L = field_levels(f);
    double capped = 0, rest = 0;
    for (int l = 0; l < L; ++l) {
      if (!weighed(f, uint8_t(l))) continue;
      if (l >= from) capped += md.m[f][std::size_t(l)] = std::min(md.m[f][std::size_t(l)], md.u[f][std::size_t(l)]);
      else rest += md.m[f][std::size_t(l)];
    }
    if (rest <= 0) continue;
    for (int l = 0; l < from; ++l)
      if (weighed(f, uint8_t(l))) md.m[f][std::size_t(l)] *= (1 - capped) / rest;
  }
  // Prior: the share of matches among the compared pairs, spread over all possible pairs
  // (pairs that blocking never compares are taken as non-matches).
  double lam_blocked = all_counts.empty() ? 0 : lambda_fixed(all_counts, md);
  md.lambda = res.possible_pairs ? std::clamp(lam_blocked * double(res.compared_pairs) / double(res.possible_pairs), 1e-15, 0.5)
                                 : 1e-6;
  res.model = md;
  res.seconds["em"] = since(t0);
  say("estimation: " + std::to_string(res.em_sessions) + " EM sessions; prior " + std::to_string(md.lambda));

  // ---- 5. scores
  t0 = Clock::now();
  std::vector<float> wtab(npat);
  for (uint32_t c = 0; c < npat; ++c) wtab[c] = float(md.weight(decode(c)));
  auto score = [&](ScoredPair& p) {
    Gamma g = decode(p.code);
    double w = wtab[p.code];
    w += md.tf_adjust(f_name, g.lv[f_name], d.tf_name(d.recs[p.a].name_key));
    w += md.tf_adjust(f_home_town, g.lv[f_home_town], d.tf_town(d.recs[p.a].town_key));
    if (g.lv[f_birth_date] == 0)
      w += md.tf_adjust_date(f_birth_date, 0, d.date_holders_outside_pair(d.birth_count, p.a), double(n) - 2);
    if (g.lv[f_admitted_on] == 0)
      w += md.tf_adjust_date(f_admitted_on, 0, d.date_holders_outside_pair(d.admitted_count, p.a), double(n) - 2);
    p.weight = float(w);
    p.prob = float(probability(w));
  };
  if (store) {
    parallel(threads, [&](int t) {
      auto& v = locals[std::size_t(t)].pairs;
      std::size_t out = 0;
      for (auto& p : v) {
        score(p);
        if (opt.keep_all_pairs || p.prob >= opt.review_low) v[out++] = p;
      }
      v.resize(out);
      v.shrink_to_fit();
    });
  } else {
    for_each_pair([&](int t, int, uint32_t i, uint32_t j) {
      ScoredPair p{i, j, 0.f, 0.f, encode(compare(d, i, j))};
      score(p);
      if (p.prob >= opt.review_low) locals[std::size_t(t)].pairs.push_back(p);
    });
  }
  for (auto& L : locals) {
    res.pairs.insert(res.pairs.end(), L.pairs.begin(), L.pairs.end());
    L.pairs.clear();
    L.pairs.shrink_to_fit();
  }
  std::sort(res.pairs.begin(), res.pairs.end(), [](const ScoredPair& a, const ScoredPair& b) {
    if (a.prob != b.prob) return a.prob > b.prob;
    return a.a != b.a ? a.a < b.a : a.b < b.b;
  });
  res.seconds["scoring"] = since(t0);

  // ---- 6. clusters
  t0 = Clock::now();
  DisjointSets ds(n);
  for (auto& p : res.pairs) {
    if (p.prob >= opt.threshold) {
      ds.unite(p.a, p.b);
      res.linked_pairs++;
    } else if (p.prob >= opt.review_low) {
      res.review_pairs++;
    }
  }
  res.cluster.resize(n);
  std::vector<uint32_t> size(n, 0);
  for (uint32_t i = 0; i < n; ++i) res.cluster[i] = ds.find(i), size[res.cluster[i]]++;
  for (uint32_t i = 0; i < n; ++i)
    if (size[i] >= 2) res.clusters_multi++, res.largest_cluster = std::max<uint64_t>(res.largest_cluster, size[i]);
  res.seconds["clustering"] = since(t0);
  return res;
}

}  // namespace dangbo::linkage
