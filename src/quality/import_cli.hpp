// `dangbo import FILE --org CODE [--mapping M] [--dry-run]`: a roster (or a fix sheet sent back)
// into the registry, with its row accounting printed at the end. Running it again on the same
// file and organization after an interruption continues the interrupted import.
#pragma once
#include <CLI/CLI.hpp>

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>

#include "db/database.hpp"

namespace dangbo::quality {

struct ImportCli {
  CLI::App* cmd = nullptr;
  std::string file, org, mapping, as_user;
  bool dry_run = false, fresh = false, save_mapping = false, quiet = false;
  int batch = 5000;
};

/// Adds the sub-command to `app`, its options bound to `c` (which must outlive parsing);
/// `db_url` is the program's --db value (shared).
void add_import_cli(CLI::App& app, std::string& db_url, ImportCli& c);

/// Runs it when it was chosen; returns the exit code, or -1 when it was not chosen.
int run_import_cli(const ImportCli& c, const std::function<std::unique_ptr<db::Database>()>& open_db,
                   const std::string& data_dir, std::ostream& out, std::ostream& err);

}  // namespace dangbo::quality
