// Versioned rule configuration (config/rules.json): every rule value carries the regulation it
// comes from and its effective date, so a check asks "the rule as of this day".
#pragma once
#include <map>
#include <string>
#include <vector>

#include "base/date.hpp"

namespace dangbo::base {

struct RuleVersion {
  double value = 0;
  CivilDate effective_from;
  std::string source;  // the regulation, in Vietnamese, e.g. "Quy định 294-QĐ/TW (26/5/2025)"
};

class RuleSet {
 public:
  /// Loads config/rules.json. Throws std::runtime_error naming the file and the problem.
  static RuleSet load(const std::string& path);
  /// The version in force on `on` (latest effective_from ≤ on). Throws std::out_of_range for an
  /// unknown rule or a day before its first version.
  const RuleVersion& at(const std::string& id, const CivilDate& on) const;
  int int_at(const std::string& id, const CivilDate& on) const { return int(at(id, on).value); }
  /// The process-wide rules (loaded once by the app; tests load their own).
  static const RuleSet& global();
  static void set_global(RuleSet r);

 private:
  std::map<std::string, std::vector<RuleVersion>> rules_;
};

}  // namespace dangbo::base
