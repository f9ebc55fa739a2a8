#include "restructure/standards.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "restructure/sql_util.hpp"

namespace dangbo::restructure {

namespace {

// The rule in force on `on`, or nullptr when the rule does not exist or starts later.
const base::RuleVersion* rule_at(const base::RuleSet& rules, const std::string& id, const base::CivilDate& on) {
  try {
    return &rules.at(id, on);
  } catch (const std::out_of_range&) {
    return nullptr;
  }
}

}  // namespace

std::vector<StandardCheck> check_standards(const std::vector<registry::AdminUnit>& units,
                                           const std::map<std::string, std::string>& province_types,
                                           const base::RuleSet& rules, const StandardsQuery& q) {
  if (q.basis != "arrangement_2025" && q.basis != "standard")
    throw std::invalid_argument("basis must be arrangement_2025 or standard");
  const std::string prefix = "admin_unit." + q.basis + ".";
  std::vector<StandardCheck> out;
  for (auto& u : units) {
    if (!q.province.empty() && u.province_code != q.province) continue;
    StandardCheck c;
    c.unit = u;
    bool city = false;
    if (auto it = province_types.find(u.province_code); it != province_types.end())
      city = it->second == "Thành phố trực thuộc trung ương";
    std::string cat_pop, cat_area;
    if (u.unit_type == "Phường") {
      c.category = city ? "ward_city" : "ward";
      // the arrangement basis sets a population threshold only for wards of centrally-run
      // cities (and mountain/border provinces, which the data does not flag)
      cat_pop = q.basis == "arrangement_2025" ? (city ? "ward_city" : "") : "ward";
      cat_area = "ward";
    } else if (u.unit_type == "Xã" || u.unit_type == "Thị trấn") {
      c.category = "commune";
      cat_pop = cat_area = "commune";
    } else {
      c.category = "special_zone";
    }
    if (!cat_area.empty())
      if (auto* r = rule_at(rules, prefix + cat_area + ".min_area_km2", q.on)) {
        c.min_area_km2 = r->value;
        c.area_source = r->source;
      }
    if (!cat_pop.empty())
      if (auto* r = rule_at(rules, prefix + cat_pop + ".min_population", q.on)) {
        c.min_population = r->value;
        c.population_source = r->source;
      }
    c.area_known = u.area_km2 > 0;
    c.population_known = u.population > 0;
    if (c.min_area_km2 && c.area_known) {
      c.area_below = u.area_km2 < *c.min_area_km2;
      c.area_pct = 100.0 * u.area_km2 / *c.min_area_km2;
    }
    if (c.min_population && c.population_known) {
      c.population_below = double(u.population) < *c.min_population;
      c.population_pct = 100.0 * double(u.population) / *c.min_population;
    }
    if (!q.only_below || c.below()) out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(), [](const StandardCheck& a, const StandardCheck& b) { return a.unit.code < b.unit.code; });
  return out;
}

void load_units(soci::session& sql, const std::string& province, std::vector<registry::AdminUnit>& units,
                std::map<std::string, std::string>& province_types) {
  {
    sqlu::Query q;
    q.text = "SELECT code, unit_type FROM admin_unit WHERE era = 'post2025' AND level = 'province'";
    sqlu::each(sql, q, 2, [&](const sqlu::Row& r) { province_types[r.s(0)] = r.s(1); });
  }
  sqlu::Query q;
  q.text = "SELECT code, name, full_name, unit_type, province_code, area_km2, population FROM admin_unit WHERE era = 'post2025' "
           "AND level = 'commune'";
  if (!province.empty()) q.text += " AND province_code = " + q.add(province);
  q.text += " ORDER BY code";
  sqlu::each(sql, q, 7, [&](const sqlu::Row& r) {
    registry::AdminUnit u;
    u.code = r.s(0);
    u.name = r.s(1);
    u.full_name = r.s(2);
    u.unit_type = r.s(3);
    u.province_code = r.s(4);
    try {
      u.area_km2 = r.s(5).empty() ? 0 : std::stod(r.s(5));
    } catch (...) {
      u.area_km2 = 0;
    }
    u.population = long(sqlu::to_i64(r.s(6)));
    units.push_back(std::move(u));
  });
}

}  // namespace dangbo::restructure
