// Registry store: SQL only (bound parameters), no rules and no authorization.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/model.hpp"

namespace soci {
class session;
}

namespace dangbo::registry {

/// End of the materialized-path range of a subtree: "/1/23/" → "/1/230" (paths hold only
/// digits and '/', and '0' is the next byte after '/').
std::string subtree_end(const std::string& path);

/// An organization with its subtree's member count (active members) as of the query date.
struct OrgRow {
  Organization org;
  int64_t member_count = 0;
  int64_t child_count = 0;
};

struct OrgQuery {
  std::optional<OrgKind> kind;
  std::optional<int64_t> parent_id;  // direct children of this organization
  std::string scope_path;            // only organizations inside this subtree ("" = all)
  /// When not empty, replaces scope_path: organizations inside any of these subtrees (a past
  /// view: the scope and the units it was formed from, see lineage.hpp scope_paths_as_of).
  std::vector<std::string> scope_paths;
  std::string as_of;                 // ISO date; organizations valid on that day
  bool count_members = true;
  bool today = true;                 // as_of is today: counts from the member table (fast);
                                     // else active members with a membership valid on as_of
  std::string after_code;            // keyset cursor (code of the last row of the previous page)
  int limit = 100;
};

std::vector<OrgRow> list_orgs(soci::session& sql, const OrgQuery& q);
/// The organization with this code valid on `as_of` (ISO date).
std::optional<Organization> find_org(soci::session& sql, const std::string& code, const std::string& as_of);
std::optional<Organization> find_org_by_id(soci::session& sql, int64_t id);
/// Ancestors from the root down to (and including) `org`.
std::vector<Organization> org_ancestors(soci::session& sql, const Organization& org);
/// Inserts and fills org.id and org.path (parent's path + id + "/").
void insert_org(soci::session& sql, Organization& org, const std::string& parent_path);

/// Age bands used by filters and statistics: [min, max] years, max < 0 = open.
struct AgeBand {
  std::string key;
  int min, max;
};
const std::vector<AgeBand>& age_bands();

struct MemberQuery {
  std::string scope_path;  // subtree (always set: the actor's scope intersected with the org)
  std::optional<int64_t> org_id;  // only members directly in this organization
  std::string q;           // raw text typed by the user
  std::string status;      // "" = on the rolls (probationary, full, exempted); "all"; or one status
  std::string gender;      // "" | male | female
  std::string age_band;    // "" | key of age_bands()
  std::string today;       // ISO date used for age bands
  std::string after;       // keyset cursor "SORTKEY.ID"
  int limit = 50;
  /// History: when set (ISO date), members whose membership on that day was in an organization
  /// inside scope_path (or one of scope_paths when not empty), org_id meaning that membership's
  /// organization; the current organization is still what the rows show.
  std::string as_of;
  std::vector<std::string> scope_paths;
  /// Which index the query should be driven by (the service chooses; see choose_member_plan):
  /// automatic: let the planner choose (small scopes: the scope's path range);
  /// by_key:    the name-key ranges (a narrow name search in a large scope);
  /// by_sort:   walk the Vietnamese sort order and filter (no search, or a broad one, in a
  ///            large scope: the first page is found after a few hundred rows).
  enum class Plan { automatic, by_key, by_sort } plan = Plan::automatic;
};

struct MemberPage {
  std::vector<Member> items;
  std::string next;  // cursor for the next page, "" when none
};

/// Splits a keyset cursor "SORTKEY.ID" (lower-case hex sort key, decimal id). Throws
/// base::Error(bad_request, "cursor") when it is not one.
std::pair<std::string, int64_t> parse_member_cursor(const std::string& after);

/// The page of list_members whose candidates, in order, are `ids` (at most q.limit + 1, from the
/// name index): the rows are read by id with every filter of `q` applied again, so a candidate
/// the table no longer matches is left out. `next` is set when ids held more than q.limit.
MemberPage list_members_by_ids(soci::session& sql, const MemberQuery& q, const std::vector<int64_t>& ids);

/// Members in Vietnamese order (given name, family name, middle name), keyset-paged.
/// Throws base::Error(bad_request) on a malformed cursor.
MemberPage list_members(soci::session& sql, const MemberQuery& q);

/// One member of an export as the stored text of its exported columns (dates ISO, "" when NULL;
/// gender and status as stored: "male", "full" …). The views are valid only during the call.
struct MemberExportRow {
  std::string_view id, family_name, middle_name, given_name, gender, birth_date, status, admitted_on,
      full_member_on, card_number, org_code, org_name;
};
/// Every member list_members would return for `q` over all its pages (q.after and q.limit are
/// ignored), in the same order (sort key, then id), read with one statement and passed to
/// `on_row` one at a time (nothing is collected). Throws base::Error(bad_request) on a bad
/// filter, like list_members.
void each_member_for_export(soci::session& sql, const MemberQuery& q,
                            const std::function<void(const MemberExportRow&)>& on_row);

std::optional<Member> find_member(soci::session& sql, int64_t id);
/// The members among `ids` that exist (as find_member reads them), in no particular order; a
/// few statements whatever the number of ids (PostgreSQL: one array parameter per 10,000;
/// SQLite: lists of 200).
std::vector<Member> find_members(soci::session& sql, const std::vector<int64_t>& ids);
std::vector<Membership> member_history(soci::session& sql, int64_t member_id);
/// Count of members matching the query (ignores paging), counting at most `cap` (then returns
/// cap; the caller shows "cap+").
int64_t count_members(soci::session& sql, const MemberQuery& q, int64_t cap = INT64_MAX);
/// How many members' name keys start with the folded form of `text`, counting at most `cap`
/// per key form (a cheap probe that tells a narrow search from a broad one).
int64_t probe_name_matches(soci::session& sql, const std::string& text, int64_t cap);

/// Fills the derived search/sort keys and inserts (member.id filled). Not for bulk loads.
void insert_member(soci::session& sql, Member& m, const std::string& valid_from, const std::string& reason);
/// Writes every editable column and bumps version; returns false when `expected_version`
/// does not match (someone else saved first).
bool update_member(soci::session& sql, const Member& m, int64_t expected_version);
/// Transfers a member to the organization `org_id` (materialized path `org_path`) from `day`
/// (ISO date) on, as a permanent transfer is recorded (chuyển sinh hoạt đảng chính thức): the
/// open membership closes on `day` (on its own first day when that is later, so no period ends
/// before it begins), a membership of `org_id` opens that same day with `reason`,
/// member.org_id / org_path follow and the version is bumped, and an active member's stored
/// count (counts.hpp) moves from the old organization to the new one. The member row is locked
/// first (PostgreSQL), like update_member. Inside the caller's transaction; checks neither
/// scope nor the organization's validity (the caller's rules). Returns the organization the
/// member left, or nullopt (nothing written) when there is no such member or it is already
/// filed under `org_id`.
std::optional<int64_t> transfer_member(soci::session& sql, int64_t member_id, int64_t org_id, const std::string& org_path,
                                       const std::string& day, const std::string& reason);

struct CountItem {
  std::string key, label;
  int64_t count = 0;
};
struct Stats {
  int64_t total = 0;
  std::vector<CountItem> by_status, by_gender, by_age_band, by_child;
  int64_t synthetic = 0;  // members marked synthetic in the subtree
};
/// True when some member under `path` is synthetic (one indexed probe); with `as_of` (ISO
/// date), some member whose membership that day was under `path`.
bool any_synthetic(soci::session& sql, const std::string& path, const std::string& as_of = "");
/// Statistics for the subtree of `org` (active members; by_status counts every status), ages
/// on `day` (ISO date). history = false: the members filed under the subtree now (`day` is
/// today; the fast path). history = true: the members whose membership on `day` was in the
/// subtree of `org` (the version valid that day), by_child over the children valid that day,
/// each counted as list_orgs counts a past day; status is today's (no status history is kept).
Stats member_stats(soci::session& sql, const Organization& org, const std::string& day, bool english, bool history = false);

/// Reads a setting; "" when missing.
std::string get_setting(soci::session& sql, const std::string& name);
void set_setting(soci::session& sql, const std::string& name, const std::string& value);

}  // namespace dangbo::registry
