// `dangbo restructure …`: preview, apply and undo restructuring plans; list plans; write the real
// 2025 plan of Ho Chi Minh City; the area/population standards check.
#pragma once
#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>

#include "db/database.hpp"

namespace dangbo::app {

struct RestructureCli {
  CLI::App* cmd = nullptr;
  CLI::App *preview = nullptr, *apply = nullptr, *undo = nullptr, *plans = nullptr, *plan2025 = nullptr,
           *standards = nullptr;
  std::string plan_file, rule = "residence", out, basis = "arrangement_2025", on, province = "79", as_user;
  int64_t plan_id = 0;
  bool json = false, all = false;
};

/// Adds the sub-commands to `app`, their options bound to `c` (which must outlive parsing);
/// `db_url` is the program's --db value (shared).
void add_restructure_cli(CLI::App& app, std::string& db_url, RestructureCli& c);

/// Runs the chosen sub-command; returns its exit code, or -1 when none of them was chosen.
/// Errors: one clear line on stderr and a non-zero code (2 when a plan has problems).
int run_restructure_cli(const RestructureCli& c, const std::function<std::unique_ptr<db::Database>()>& open_db,
                        const std::string& data_dir);

}  // namespace dangbo::app
