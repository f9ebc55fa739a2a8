// dangbo::linkage — the deduplication pipeline: blocking → comparisons → estimation →
// scores → clusters, over a Dataset, on several threads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "linkage/blocking.hpp"
#include "linkage/model.hpp"
#include "linkage/record.hpp"

namespace dangbo::linkage {

struct Options {
  double threshold = 0.95;        // pairs at or above: same person (linked, clustered)
  double review_low = 0.50;       // pairs in [review_low, threshold): to human review
  std::size_t block_cap = 5000;   // blocks with more records are not expanded (reported); values
                                  // shared by many records are dropped before (SharedValueRule)
  uint64_t u_sample_pairs = 4'000'000;  // random pairs for estimating u
  uint64_t max_pairs = 2'000'000'000;   // refuse to compare more pairs than this
  uint64_t store_pairs_limit = 60'000'000;  // above: two passes instead of keeping every pair
  int threads = 0;                // 0 = hardware concurrency
  bool link_only = false;         // only pairs whose records come from different sources
  bool em_estimate_u = false;     // let EM re-estimate u on the blocked pairs too
  uint64_t seed = 20250701;
  std::vector<int> rules;         // blocking rules to use (empty = all)
  bool keep_all_pairs = false;    // keep every compared pair in Result::pairs (tests)
};

struct RuleStats {
  std::string key;
  uint64_t records_with_key = 0;
  uint64_t blocks = 0;            // blocks of two or more records
  uint64_t largest_block = 0;     // records in the largest block (before the cap)
  uint64_t capped_blocks = 0;     // blocks over the cap, not expanded
  uint64_t capped_records = 0;
  std::vector<std::pair<std::string, uint64_t>> capped_keys;  // the largest capped blocks: key as
                                                              // text (block_key_text), records; ≤ 10
  uint64_t shared_records = 0;    // records left without a key under this rule because a field it
                                  // keys on held a shared value (Dataset::shared_values)
  std::vector<SharedValue> shared_values;  // those values (the rule's fields), most records first; ≤ 10
  uint64_t pairs = 0;             // pairs inside blocks within the cap
  uint64_t new_pairs = 0;         // of those, pairs no earlier rule produced (compared here)
};

struct ScoredPair {
  uint32_t a = 0, b = 0;  // record indexes, a < b
  float weight = 0;       // match weight (log2 odds), with term-frequency adjustments
  float prob = 0;         // match probability
  uint32_t code = 0;      // comparison pattern (decode() gives the levels)
};

struct Result {
  std::vector<RuleStats> rules;
  uint64_t compared_pairs = 0;   // distinct pairs after blocking
  uint64_t possible_pairs = 0;   // all pairs without blocking
  bool pairs_stored = true;      // false: compared twice (counts, then scores) to bound memory
  Model model;
  int em_sessions = 0;
  std::vector<int> em_iterations;
  std::vector<ScoredPair> pairs;  // prob ≥ review_low (or all with keep_all_pairs), by prob descending
  std::vector<uint32_t> cluster;  // per record: the smallest record index of its cluster
  uint64_t linked_pairs = 0;      // pairs ≥ threshold
  uint64_t review_pairs = 0;      // pairs in the review band
  uint64_t clusters_multi = 0;    // clusters of two or more records
  uint64_t largest_cluster = 0;
  std::map<std::string, double> seconds;  // wall time of each stage
};

using Log = std::function<void(const std::string&)>;

// Runs the pipeline. Throws std::runtime_error when blocking would compare more than
// max_pairs pairs (the message names the rules' pair counts).
Result run(const Dataset& d, const Options& opt, const Log& log = {});

// Match weight of one pair under a model, with term-frequency adjustments; fills g.
double pair_weight(const Dataset& d, const Model& md, uint32_t i, uint32_t j, Gamma* g = nullptr);

// The evidence for one pair: each field's level and weight (with its TF adjustment).
struct FieldEvidence {
  int field = 0;
  uint8_t level = kNull;
  double weight = 0;
};
std::vector<FieldEvidence> explain(const Dataset& d, const Model& md, uint32_t i, uint32_t j);

// Union–find over n items.
class DisjointSets {
 public:
  explicit DisjointSets(std::size_t n);
  uint32_t find(uint32_t x);
  void unite(uint32_t a, uint32_t b);  // the smaller root becomes the representative

 private:
  std::vector<uint32_t> parent_;
};

}  // namespace dangbo::linkage
