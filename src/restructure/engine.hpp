// The restructuring engine: preview a plan against the tree as it stands on the day before the
// effective date (every problem, the tree before and after, the members that move), apply it in
// one transaction, and undo the last applied plan.
//
// History is never overwritten. On the effective date:
//  - every organization a plan closes (merge and split sources, dissolved units) gets valid_to =
//    the effective date;
//  - every organization that changes (renamed, moved, kind changed, or re-parented because its
//    parent merged, split or changed) is closed and continues as a new version row (new id,
//    same code unless renamed to a new one) valid from the effective date; the whole subtree
//    below a new version follows, because materialized paths hold ancestor ids;
//  - memberships in closed organizations close and reopen in the organization the member is
//    placed in; member.org_id/org_path move with them;
//  - org_lineage records predecessor → successor with the operation and the decision
//    ("follow" for organizations re-versioned only because an ancestor changed);
//  - role grants on an organization with a single successor move to it;
//  - every operation is appended to the audit chain.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "restructure/plan.hpp"
#include "security/security.hpp"

namespace soci {
class session;
}

namespace dangbo::restructure {

/// One row of the before/after views: an organization at the level the plan acts on.
struct TreeRow {
  std::string code, name, kind;
  std::string parent_code, parent_name;
  int64_t members = 0;                // active members in its subtree (before: now; after: after apply)
  std::vector<std::string> from;      // after view: codes it is formed from
  std::vector<std::string> to;        // before view: codes it goes to ("" = dissolved)
  std::string change;                 // merge | split | rename | move | dissolve | change_kind | new | changed
};

/// Members moving from one organization (at the level named in the plan) to another.
struct MoveRow {
  std::string from_code, from_name, to_code, to_name;
  int64_t members = 0;
};

/// A few members that move, with their organizations (for the preview page).
struct MemberMove {
  int64_t member_id = 0;
  std::string name, from_code, from_name, to_code, to_name;
};

struct Preview {
  std::vector<Problem> problems;  // blocking first, then warnings
  std::optional<CivilDate> effective;
  int64_t orgs_closed = 0;        // closed without a new version (merged, split, dissolved)
  int64_t orgs_new = 0;           // new organizations established
  int64_t orgs_versioned = 0;     // organizations continuing as a new version
  int64_t members_moved = 0;      // members whose organization changes
  int64_t memberships_reopened = 0;
  std::vector<TreeRow> before, after;
  std::vector<MoveRow> moves;
  std::vector<MemberMove> member_sample;  // up to 200
  bool ok() const;                        // no blocking problem
  int blocking() const;
};

struct ApplyResult {
  int64_t plan_id = 0;
  Preview preview;
  double seconds = 0;
};

struct PlanInfo {
  int64_t id = 0;
  std::string name, effective_date, status, applied_at, applied_by, undone_at, summary;
  int ops = 0;
};

class Engine {
 public:
  explicit Engine(db::Database& db) : db_(db) {}

  /// Checks the plan against the tree on the day before its effective date and computes what
  /// apply would do. Never writes.
  Preview preview(const Plan& plan);
  /// Applies the plan in one transaction (re-checked inside it). Throws base::Error(conflict,
  /// "restructure.problems") listing the blocking problems when any remains; nothing is written
  /// then. `actor` may be null (system, e.g. seeding).
  ApplyResult apply(const Plan& plan, const security::Actor* actor);
  /// Undoes the last applied plan, or `plan_id` when it is that plan. Throws base::Error(conflict)
  /// naming what depends on it (later changes to its organizations or memberships, later plans,
  /// role grants) when it cannot be undone.
  int64_t undo(std::optional<int64_t> plan_id, const security::Actor* actor);
  /// What would stop undoing the plan (empty = it can be undone).
  std::vector<Problem> undo_blockers(int64_t plan_id);
  std::vector<PlanInfo> plans(int limit = 50);
  std::optional<PlanInfo> plan(int64_t id);
  /// The plan's source text as imported.
  std::string plan_source(int64_t id);

 private:
  struct State;
  std::unique_ptr<State> compute(soci::session& sql, const Plan& plan, bool for_apply);
  db::Database& db_;
};

}  // namespace dangbo::restructure
