// dangbo::linkage — the `dangbo dedupe` command (called from src/app/main.cpp).
//
//   dangbo dedupe A.csv [B.csv] --out PAIRS.csv [--id-column NAME] [--link-only]
//   dangbo dedupe [--org CODE] [--db URL]          (the registry: a subtree, or all)
//   common: [--threshold P] [--review-low P] [--threads N] [--summary S.json] [--model M.json]
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace dangbo::linkage {

struct DedupeCommand {
  std::vector<std::string> inputs;  // files; empty → the registry
  std::string out;                  // PAIRS.csv (files; optional for the registry)
  std::string org;                  // registry: organization code of the subtree ("" = all)
  std::string id_column, summary, model;
  double threshold = 0.95, review_low = 0.5;
  int threads = 2;
  bool link_only = false;
};

// Files: no database. `root` holds data/ and config/. Returns the exit code; a bad option is one
// Vietnamese line on `err` and 1.
int run_dedupe_files(const DedupeCommand& c, const std::string& root, std::ostream& out, std::ostream& err);

// The registry, as the system (an administrator's view of the subtree); pairs are stored for
// the review desk (/dedupe). Writes PAIRS.csv too when c.out is set.
int run_dedupe_registry(const DedupeCommand& c, db::Database& db, std::ostream& out, std::ostream& err);

}  // namespace dangbo::linkage
