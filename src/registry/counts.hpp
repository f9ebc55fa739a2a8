// Stored member counts per organization (table org_member_count, migration 0008).
//
// org_member_count.active = the active members (probationary, full, exempted; GLOSSARY) filed
// directly under the organization today (member.org_id). Every write that adds, removes, moves
// a member or changes whether it is active adjusts the counts in the same transaction, by
// deltas (an UPSERT adds to the stored value), so concurrent writers on PostgreSQL never lose
// each other's changes. Subtree counts are sums over the organizations of the subtree.
// History (a past day) is not stored here: it is still counted from memberships.
#pragma once
#include <cstdint>
#include <array>
#include <map>
#include <optional>
#include <utility>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace dangbo::registry {

/// Organization id → change in its active-member count.
using CountDelta = std::map<int64_t, int64_t>;

/// Adds each delta to the stored count (zero deltas are skipped). Inside the caller's transaction.
void add_org_counts(soci::session& sql, const CountDelta& delta);

/// The active members among `member_ids`, per organization they are filed under now. Taken
/// before and after a change of a few members (merge, undo), the difference is the delta.
CountDelta active_by_org(soci::session& sql, const std::vector<int64_t>& member_ids);

/// Before a bulk move of members (restructure apply/undo, dedupe merge/undo) whose count
/// deltas are taken from reads: on PostgreSQL takes `LOCK TABLE member IN EXCLUSIVE MODE` for
/// the rest of the transaction (reads go on; every other writer of member, e.g. a status edit,
/// waits until commit, so no delta is computed from a row that changes meanwhile and no two
/// writers lock member and count rows in opposite orders). On SQLite the write transaction
/// (BEGIN IMMEDIATE) already excludes other writers: nothing to do.
void lock_member_writes(soci::session& sql);

/// The member's organization and status, locked for the rest of the transaction on PostgreSQL
/// (SELECT … FOR UPDATE): a status edit's delta is then charged to the organization the member
/// is in when the edit commits. Empty when there is no such member.
std::optional<std::pair<int64_t, std::string>> member_org_status_for_update(soci::session& sql, int64_t member_id);

/// after − before, organization by organization.
CountDelta count_difference(const CountDelta& before, const CountDelta& after);

/// Recounts every organization from the member table (bulk loads, repair). Returns the number
/// of organizations with at least one active member.
int64_t recount_all_orgs(soci::session& sql);

/// Active members of the subtree at `path` (materialized path) today, from the stored counts.
int64_t stored_subtree_count(soci::session& sql, const std::string& path);

/// Organizations whose stored count differs from a fresh count of the member table, as
/// (org id, stored, actual); empty when consistent. Both are read from one snapshot (a
/// repeatable-read transaction), so writes running meanwhile raise no false alarm. For tests and
/// `dangbo counts check`; call it outside a transaction.
std::vector<std::array<int64_t, 3>> count_mismatches(soci::session& sql);

}  // namespace dangbo::registry
