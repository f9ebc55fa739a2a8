// Standards check: the commune-level administrative units whose area (km²) or population is
// below the thresholds for their type, as the 2025 reorganisation rules list them. Thresholds
// are rules in config/rules.json (each with its legal source and effective date):
//   basis "arrangement_2025" — the orientation for units formed by the 2025 arrangement,
//     Nghị quyết 76/2025/UBTVQH15 (14/4/2025, in force 15/4/2025): a ward of a centrally-run
//     city ≥ 5.5 km² and ≥ 45,000 people; a commune ≥ 100 % of the commune area standard and
//     ≥ 200 % of its population standard (Nghị quyết 1211/2016/UBTVQH13 as amended by
//     27/2022/UBTVQH15: 30 km², 8,000 people → 30 km², 16,000 people);
//   basis "standard" — the general standards: Nghị quyết 1211/2016/UBTVQH13 as amended by
//     27/2022/UBTVQH15 (consolidated text 19/VBHN-VPQH, 29/12/2022), replaced from 1/1/2026 by
//     Nghị quyết 112/2025/UBTVQH15.
// The reference data has no mountain/island/border flag: communes are checked against the
// ordinary commune thresholds, and special zones (đặc khu) have none.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/date.hpp"
#include "base/rules.hpp"
#include "registry/refdata.hpp"

namespace soci {
class session;
}

namespace dangbo::restructure {

struct StandardCheck {
  registry::AdminUnit unit;
  std::string category;          // ward_city | ward | commune | special_zone
  std::optional<double> min_area_km2, min_population;  // empty: no threshold for this type
  std::string area_source, population_source;          // the rules' legal sources
  bool area_known = false, population_known = false;
  bool area_below = false, population_below = false;
  double area_pct = 0, population_pct = 0;             // of the threshold, when both known
  bool below() const { return area_below || population_below; }
};

struct StandardsQuery {
  std::string province;                 // new province code; "" = every province
  std::string basis = "arrangement_2025";  // or "standard"
  base::CivilDate on = base::make_date(2025, 7, 1);
  bool only_below = true;
};

/// Checks each unit against the thresholds in force on q.on. `province_types` maps a province
/// code to its unit type ("Thành phố trực thuộc trung ương" decides the ward category). Units
/// come back in code order. Throws std::invalid_argument for an unknown basis.
std::vector<StandardCheck> check_standards(const std::vector<registry::AdminUnit>& units,
                                           const std::map<std::string, std::string>& province_types,
                                           const base::RuleSet& rules, const StandardsQuery& q);

/// The post-2025 commune-level units (and province types) from the admin_unit table.
void load_units(soci::session& sql, const std::string& province, std::vector<registry::AdminUnit>& units,
                std::map<std::string, std::string>& province_types);

}  // namespace dangbo::restructure
