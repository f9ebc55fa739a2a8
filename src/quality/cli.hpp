// dangbo::quality — the command-line entry points of the module (called from src/app/main.cpp).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

#include "base/rules.hpp"

namespace dangbo::quality {

/// `dangbo clean IN --out OUT.csv --findings FINDINGS.csv [--mapping M] [--save-mapping M]
///  [--tone old|new] [--date-format vn|iso] [--sheet NAME] [--delimiter C] [--threads N]
///  [--today YYYY-MM-DD]`
struct CleanCommand {
  std::string input, out, findings, mapping, save_mapping, sheet, tone, date_format = "vn", today, delimiter;
  int threads = 2;
};
/// Runs `clean` and prints its summary to `out`. Returns the process exit code (0, or 1 with a
/// Vietnamese message on `err` for a bad option). Throws std::runtime_error on unreadable files.
int run_clean_command(const CleanCommand& c, const std::string& data_dir, const base::RuleSet& rules, std::ostream& out,
                      std::ostream& err);

/// `dangbo gen-roster --messy [--duplicates RATE] --members N --seed S --out F --truth T`
struct MessyCommand {
  std::int64_t members = 50000;
  std::uint64_t seed = 1;
  double duplicates = 0, error_scale = 1;
  std::string out, truth;
};
int run_messy_command(const MessyCommand& c, const std::string& data_dir, std::ostream& out, std::ostream& err);

}  // namespace dangbo::quality
