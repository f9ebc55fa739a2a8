// Organization history across restructuring (issue 6): the lineage of an organization (what
// formed it, what it became) and access scope over time. The rows are written by the
// restructure module (table org_lineage, migrations/0004_restructure.sql); the registry only
// reads them, so its pages can show history without depending on that module.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "registry/model.hpp"
#include "security/security.hpp"

namespace soci {
class session;
}

namespace dangbo::registry {

/// One link of an organization's lineage, seen from that organization.
struct LineageLink {
  std::string operation;      // merge | split | rename | move | dissolve | change_kind | follow (comma-joined when several)
  std::string decision_no;    // "1685/NQ-UBTVQH15"
  CivilDate decision_date, effective_date;
  std::optional<Organization> other;  // the predecessor or successor; empty: dissolved without successor
  int64_t plan_id = 0;
};

/// What formed the organization row `org_id` (its predecessors), in code order.
std::vector<LineageLink> org_predecessors(soci::session& sql, int64_t org_id);
/// What the organization row `org_id` became (its successors), in code order.
std::vector<LineageLink> org_successors(soci::session& sql, int64_t org_id);

/// Vietnamese / English label of a lineage operation ("Sáp nhập", "Theo tổ chức cấp trên" …).
std::string lineage_label(const std::string& operation, bool english);

/// The materialized paths an actor may see on `as_of` (ISO date): the scope organization's own
/// path, plus — when `as_of` is before that organization's valid_from — the paths of every
/// organization it was formed from, transitively through org_lineage. So the staff of a unit
/// formed by a merger still see the units it was formed from as they stood before.
std::vector<std::string> scope_paths_as_of(soci::session& sql, const security::Actor& a, const std::string& as_of);

/// True when `path` lies inside one of `paths`.
bool path_in(const std::vector<std::string>& paths, const std::string& path);

}  // namespace dangbo::registry
