// dangbo::linkage — record linkage in the registry: runs over a subtree, the review queue, and
// the staff decisions ("different people", remembered; "same person", merged with every value and
// history row kept, audited, undoable). Authorization: administrators and Organization
// Commission staff (Role::staff), each inside their subtree.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "linkage/engine.hpp"
#include "linkage/store.hpp"
#include "registry/model.hpp"
#include "security/security.hpp"

namespace dangbo::linkage {

using security::Actor;

struct RunSummary {
  int64_t run_id = 0;
  uint64_t records = 0, compared_pairs = 0, link_pairs = 0, review_pairs = 0;
  uint64_t remembered_different = 0;  // pairs found again that staff had called different people
  std::vector<RuleStats> rules;
  std::vector<SharedValue> shared_values;  // values taken as missing (Dataset::shared_values)
  std::map<std::string, double> seconds;
};

// One field of a pair shown side by side.
struct FieldView {
  std::string field;    // editable field name (registry) or "org"
  std::string a, b;     // values as shown (dates dd/mm/yyyy)
  bool differ = false;
};

struct Evidence {
  std::string field, level;  // comparison level key ("" when a side is missing)
  double weight = 0;
};

struct PairView {
  PairRow pair;
  registry::Member a, b;  // current records (a pair whose member was merged away is not open)
  std::vector<FieldView> fields;
  std::vector<Evidence> evidence;
  std::optional<std::string> decision;
};

class DedupeService {
 public:
  explicit DedupeService(db::Database& db) : db_(db) {}

  // Runs linkage over the members on the rolls in the subtree of org_code ("" = the actor's
  // scope) and stores the pairs at or above opt.review_low: band 'link' (≥ threshold) and
  // 'review'. A pair staff called different people is stored as 'different', not asked again.
  // Open pairs of earlier runs inside the subtree are superseded. Audited.
  RunSummary run(const Actor& a, const std::string& org_code, const Options& opt, const Log& log = {});

  // Open pairs of a band ("link" | "review") with both members inside the actor's scope.
  std::vector<PairRow> queue(const Actor& a, const std::string& band, int limit, const std::string& after,
                             std::string* next);
  int64_t queue_count(const Actor& a, const std::string& band);
  std::optional<RunRow> latest_run(const Actor& a);

  PairView pair(const Actor& a, int64_t pair_id);

  // "Different people": remembered for the two members; the pair closes.
  void decide_different(const Actor& a, int64_t pair_id);

  // "Same person": the survivor ("a" or "b" of the pair) keeps its id and takes, field by field,
  // the value chosen in `choices` (editable field or "org" → "a" | "b"; a field not listed keeps
  // the survivor's value). The absorbed member's memberships move to the survivor (its open
  // membership closes today unless its organization was chosen, then the survivor's closes);
  // its row, every column, is kept in the merge record and leaves the member table. Refused
  // (conflict) when the absorbed member has a user account or sensitive records (choose it as
  // the survivor), or when either record changed since the page was shown (versions).
  // Returns the merge id.
  int64_t merge(const Actor& a, int64_t pair_id, const std::string& survivor,
                const std::map<std::string, std::string>& choices, std::optional<int64_t> version_a = std::nullopt,
                std::optional<int64_t> version_b = std::nullopt);

  // Undoes a merge exactly: both member rows as they were before, memberships back. Refused
  // (conflict) when the survivor was edited after the merge, or the merge was undone already.
  void undo_merge(const Actor& a, int64_t merge_id);

  MergeRow merge_record(const Actor& a, int64_t merge_id);
  // Merges a member took part in (survivor or absorbed); the absorbed member's original values
  // stay reachable here after its row left the member table.
  std::vector<MergeRow> merges_of(const Actor& a, int64_t member_id);

 private:
  void require(const Actor& a);
  db::Database& db_;
};

// Member fields compared and chosen on the review page, in display order ("org" = organization).
const std::vector<std::string>& review_fields();

}  // namespace dangbo::linkage
