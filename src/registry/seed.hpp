// First-start seeding: reference data, the Ho Chi Minh City organization tree, the synthetic
// demo roster, and the bulk member loader used by gen-roster.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "db/database.hpp"
#include "registry/refdata.hpp"
#include "registry/roster_gen.hpp"

namespace dangbo::registry {

/// Loads administrative units, the old→new mapping and controlled values into their tables
/// (replacing what is there). One transaction.
void load_reference_data(db::Database& db, const RefData& ref);

/// Inserts the organization tree (valid from opts.as_of). Returns the number inserted. Skips
/// when organizations already exist.
int64_t load_org_tree(db::Database& db, const std::vector<GeneratedOrg>& orgs, const GenOptions& opts);

/// Why `gen-roster --db` cannot add the roster generated for `opts` (members, seed) over the
/// tree `orgs` (generate_org_tree for the same opts) to this database: one Vietnamese sentence
/// saying what to do, or "" when it can. The generated tree's cells (their number and codes)
/// depend on --members and --seed; a database that already has a tree (the demo seed of `serve`
/// or `init`, or another gen-roster) must hold every cell the roster is placed in, and must not
/// already hold this very roster (its first members' CCCDs: the same --members and --seed again).
std::string roster_load_problem(db::Database& db, const RefData& ref, const std::vector<GeneratedOrg>& orgs,
                                const GenOptions& opts);

/// Generates `opts.members` members into the database in one transaction per batch of
/// 100,000, calling progress(done) after each batch. SQLite uses a raw prepared statement
/// (the bulk path); PostgreSQL uses COPY. Returns the number inserted.
int64_t load_roster(db::Database& db, const RefData& ref, const std::vector<GeneratedOrg>& orgs, const GenOptions& opts,
                    const std::function<void(int64_t)>& progress = nullptr);

/// True when the database has been seeded (setting "seeded_at" present).
bool is_seeded(db::Database& db);
void mark_seeded(db::Database& db);

}  // namespace dangbo::registry
