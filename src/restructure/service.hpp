// Restructure service: authorization and scope around the engine, for pages, the API and the CLI.
//  - preview and apply: administrators, and Organization Commission staff for plans whose every
//    organization (sources, targets, new parents, assignment targets) lies inside their subtree;
//    an organization outside the scope answers not_found, as the registry does, so nothing leaks;
//  - undo, and the list of every plan: administrators (staff see the plans they applied);
//  - the standards check: whoever may read organizations (the data is public reference data).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "restructure/engine.hpp"
#include "restructure/plan.hpp"
#include "restructure/standards.hpp"
#include "security/security.hpp"

namespace dangbo::restructure {

using security::Actor;

class RestructureService {
 public:
  explicit RestructureService(db::Database& db) : db_(db), engine_(db) {}

  Preview preview(const Actor& a, const Plan& plan);
  /// Throws base::Error(conflict, "restructure.problems") when the plan has blocking problems.
  ApplyResult apply(const Actor& a, const Plan& plan);
  int64_t undo(const Actor& a, std::optional<int64_t> plan_id);
  std::vector<PlanInfo> plans(const Actor& a);
  PlanInfo plan(const Actor& a, int64_t id);
  std::string plan_source(const Actor& a, int64_t id);
  /// Rows of restructure_op for a plan: (seq, op, decision_no, decision_date, detail JSON).
  struct OpRow {
    int seq = 0;
    std::string op, decision_no, decision_date, effective_date, detail;
  };
  std::vector<OpRow> plan_ops(const Actor& a, int64_t id);
  std::vector<StandardCheck> standards(const Actor& a, const StandardsQuery& q);
  bool can_manage(const Actor& a) const;  // admin or staff
  bool is_admin(const Actor& a) const { return a.role == security::Role::admin; }

 private:
  void require_manage(const Actor& a) const;
  /// Every organization code the plan names must be inside the actor's scope (admins: anything).
  void check_scope(const Actor& a, const Plan& plan);
  db::Database& db_;
  Engine engine_;
};

}  // namespace dangbo::restructure
