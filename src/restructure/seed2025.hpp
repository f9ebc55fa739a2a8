// The real case, replayed: the party organizations of Ho Chi Minh City, Bình Dương and Bà Rịa –
// Vũng Tàu as they stood on 2025-06-30 (provinces, districts, 441 wards/communes/towns and the
// Côn Đảo island district, with the demo roster), then the real old → new mapping applied as one
// plan effective 2025-07-01. The result is the post-2025 tree that generate_org_tree describes
// (one city organization, 168 ward/commune/special-zone committees with the reference codes,
// the same grassroots organizations, cells and members), and the database keeps the history.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "registry/refdata.hpp"
#include "registry/roster_gen.hpp"
#include "restructure/engine.hpp"
#include "restructure/plan.hpp"

namespace dangbo::restructure {

/// The day the loaded history starts: the tree as of 2025-03 (the reference data's old units).
/// Earlier changes (e.g. the ward mergers of 2025-01-01) are not loaded.
inline const CivilDate kHistoryStart = base::make_date(2025, 1, 1);

/// The old tree built from a generated new one.
struct OldTree {
  /// Parents first. Provinces (OrgKind::city, codes HCM/BDG/BRVT or "P"+code), districts
  /// (upper_committee, 3-digit codes), old communes (commune_committee, 5-digit codes), then the
  /// generated grassroots organizations and cells, each grassroots organization of a new unit
  /// placed under one of the old units that formed it (round robin over them).
  std::vector<registry::GeneratedOrg> orgs;
  /// Grassroots organizations placed under an old unit that was split: where each goes (the new
  /// unit whose tree it belongs to), for the split rule "listed".
  std::vector<Assignment> assignments;
};

/// Builds the tree as of 2025-06-30 for the new provinces listed (default HCMC; empty = all) from
/// `new_tree` (generate_org_tree or a national generator). Throws std::runtime_error when a new
/// unit of the tree has no old unit in the mapping.
OldTree old_tree_2025(const registry::RefData& ref, const std::vector<registry::GeneratedOrg>& new_tree,
                      const std::vector<std::string>& new_provinces = {"79"});

/// Inserts organizations (parents first, by code) valid from `from`, with explicit ids (one
/// INSERT each, paths computed in memory). Grassroots organizations and cells are marked
/// synthetic. Throws std::runtime_error naming an unknown parent. Returns the number inserted.
int64_t load_tree(db::Database& db, const std::vector<registry::GeneratedOrg>& orgs, const CivilDate& from);

/// Sets the start of every open membership to the member's admission date, clamped to
/// [kHistoryStart, effective - 1 day]: the roster loader starts them on its reference date, but
/// the members were already in their cells before the reorganisation.
void backdate_memberships(db::Database& db, const CivilDate& effective);

struct SeedReport {
  int64_t old_orgs = 0, members = 0, plan_id = 0;
  double seconds_tree = 0, seconds_roster = 0, seconds_apply = 0;
  Preview preview;
};

/// Seeds an empty database with the 2025 history for HCMC: old tree, `opts.members` demo
/// members (registry::load_roster, the same generator and seed as before), the plan (rule
/// listed, with the old tree's assignments) applied by the engine. progress(done) is called by
/// the roster loader. Throws when the plan has a blocking problem (a bug: the data is real).
SeedReport seed_history_2025(db::Database& db, const registry::RefData& ref, const registry::GenOptions& opts,
                             const std::function<void(int64_t)>& progress = nullptr);

/// A national tree like generate_org_tree's for every new province (for benchmarks): root per
/// province ("HCM" or "P"+code), commune committees with the reference codes, grassroots cells
/// and committees with cells, about `orgs` organizations in total, shared by population.
std::vector<registry::GeneratedOrg> generate_national_tree(const registry::RefData& ref, int64_t orgs, uint64_t seed);

}  // namespace dangbo::restructure
