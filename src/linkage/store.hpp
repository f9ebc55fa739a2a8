// dangbo::linkage — SQL for record linkage in the registry (tables of migrations/0005_dedupe.sql).
// SQL only: no rules and no authorization (service.hpp). Portable over SQLite and PostgreSQL.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace soci {
class session;
}

namespace dangbo::linkage {

// One member as linkage reads it from the registry.
struct MemberRow {
  int64_t id = 0;
  std::string family, middle, given, gender, birth_date, citizen_id, home_town, admitted_on, phone, card_number;
  std::string org_path, org_code;
};

// Members of the subtree [path, subtree_end(path)) on the rolls (probationary, full, exempted),
// streamed to on_row in id order.
void read_members(soci::session& sql, const std::string& path, const std::function<void(const MemberRow&)>& on_row);

struct RunRow {
  int64_t id = 0;
  std::string started_at, finished_at, actor_name, scope_path;
  int64_t records = 0, compared_pairs = 0;
  double threshold = 0, review_low = 0;
  std::string model, stats;
};

int64_t insert_run(soci::session& sql, const RunRow& r);
void finish_run(soci::session& sql, int64_t run_id, int64_t records, int64_t compared, const std::string& model,
                const std::string& stats);
std::optional<RunRow> latest_run(soci::session& sql, const std::string& scope_path);

struct PairRow {
  int64_t id = 0, run_id = 0, member_a = 0, member_b = 0;
  double probability = 0, match_weight = 0;
  std::string levels, evidence, band, status, org_path_a, org_path_b;
};

// Inserts many pairs (one prepared statement, bulk-bound).
void insert_pairs(soci::session& sql, const std::vector<PairRow>& pairs);
// Marks open pairs of earlier runs whose two members lie inside `scope_path` as superseded.
void supersede_pairs(soci::session& sql, int64_t run_id, const std::string& scope_path);
std::optional<PairRow> find_pair(soci::session& sql, int64_t id);
void set_pair_status(soci::session& sql, int64_t id, const std::string& status);
// Open pairs with both members inside `scope_path`, band 'link' first, then by probability
// (descending) and id; keyset cursor after = (band, probability, id) of the last row shown.
std::vector<PairRow> open_pairs(soci::session& sql, const std::string& scope_path, const std::string& band, int limit,
                                std::optional<std::pair<double, int64_t>> after);
int64_t count_open_pairs(soci::session& sql, const std::string& scope_path, const std::string& band);
// Open pairs (any run) that involve member `id`.
std::vector<int64_t> open_pairs_of_member(soci::session& sql, int64_t member_id);

// Decisions (member_a < member_b).
std::set<std::pair<int64_t, int64_t>> different_decisions(soci::session& sql);
std::optional<std::string> decision(soci::session& sql, int64_t a, int64_t b);
void put_decision(soci::session& sql, int64_t a, int64_t b, const std::string& decision, std::optional<int64_t> actor_id,
                  const std::string& actor_name, std::optional<int64_t> pair_id);
void delete_decision(soci::session& sql, int64_t a, int64_t b);

// Every column of one row as JSON (column → string | integer | double | null); nullopt when absent.
std::optional<boost::json::object> row_snapshot(soci::session& sql, const std::string& table, int64_t id);
// Writes a snapshot back: UPDATE of every column but id (restore = false → INSERT with the id).
void row_restore(soci::session& sql, const std::string& table, const boost::json::object& row, bool insert);

struct MergeRow {
  int64_t id = 0, survivor_id = 0, absorbed_id = 0, pair_id = 0, survivor_after_version = 0;
  std::string actor_name, merged_at, choices, survivor_before, absorbed_row, org_path, undone_at, undone_by;
};
int64_t insert_merge(soci::session& sql, const MergeRow& m, std::optional<int64_t> actor_id);
std::optional<MergeRow> find_merge(soci::session& sql, int64_t id);
// Merges in which `member_id` survived or was absorbed, newest first.
std::vector<MergeRow> merges_of(soci::session& sql, int64_t member_id);
void mark_merge_undone(soci::session& sql, int64_t id, const std::string& by);

// A row of another table whose reference to a member the merge changed, named by its primary
// key ({"id": 7}, {"scope_org_id": 3, "source_key": "id:12"}; SQLite tables without one: rowid).
struct RefChange {
  std::string table, column;
  boost::json::object key;
  int64_t old_member_id = 0;
  bool closed = false;  // membership the merge closed (valid_to was NULL)
};
void insert_ref_changes(soci::session& sql, int64_t merge_id, const std::vector<RefChange>& v);
std::vector<RefChange> ref_changes(soci::session& sql, int64_t merge_id);

// A column with a foreign key to member(id), and its table's primary-key columns (empty when the
// table has none; on SQLite then "rowid").
struct MemberRef {
  std::string table, column;
  std::vector<std::string> pk;
};
// Every reference to member(id), from the database's catalogue.
std::vector<MemberRef> member_references(soci::session& sql);
// Primary keys of the rows of ref.table whose ref.column = member_id.
std::vector<boost::json::object> referring_rows(soci::session& sql, const MemberRef& ref, int64_t member_id);
// Sets ref.column = member_id on the row with primary key `key`.
void set_reference(soci::session& sql, const std::string& table, const std::string& column,
                   const boost::json::object& key, int64_t member_id);

// True when a row of `table` has `column` = id (a reference to a member).
bool references(soci::session& sql, const std::string& table, const std::string& column, int64_t id);

// INSERT … RETURNING id (PostgreSQL) or last_insert_rowid() (SQLite) for a prepared insert.
bool is_postgresql(soci::session& sql);

}  // namespace dangbo::linkage
