// Registry service: the rules, authorization (role × organization scope) and audit around the
// store. Pages, the JSON API and exports all go through here, so they obey the same checks.
#pragma once
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"
#include "db/database.hpp"
#include "registry/card_number.hpp"
#include "registry/lineage.hpp"
#include "registry/name_index.hpp"
#include "registry/store.hpp"
#include "security/crypto.hpp"
#include "security/security.hpp"

namespace dangbo::registry {

using security::Actor;

/// A rejected edit: one Vietnamese message per field (the field names of the API).
class ValidationError : public base::Error {
 public:
  explicit ValidationError(std::map<std::string, std::string> fields)
      : base::Error(base::ErrorKind::bad_request, "validation", "Dữ liệu chưa hợp lệ, xin kiểm tra các trường được đánh dấu"),
        fields_(std::move(fields)) {}
  const std::map<std::string, std::string>& fields() const { return fields_; }

 private:
  std::map<std::string, std::string> fields_;
};

/// The longest value a member's text field may hold (bytes of NFC UTF-8), for edits and imports.
inline constexpr std::size_t kMaxFieldBytes = 500;


/// The member fields that may be edited, by API name, in form order.
const std::vector<std::string>& editable_member_fields();
/// Reads one editable field as display/edit text (dates as dd/mm/yyyy).
std::string member_field_text(const Member& m, const std::string& field);

/// Applies textual changes (API names → new text) to a copy of `m`, validating every field and
/// the cross-field rules (age at admission, probation, card after full membership) from
/// config/rules.json as of today. A phone is stored in its national form as the importer
/// stores it (registry::normalize_phone). A name part that differs from the stored one must pass
/// vntext::name_part_problem (letters, spaces, - ' . only; a letter; at most 60 characters).
/// Throws ValidationError listing every bad field; never partially applies.
Member apply_member_changes(const Member& m, const std::map<std::string, std::string>& changes);

class RegistryService {
 public:
  /// `keys` opens and seals the sensitive fields; without it they are not available.
  explicit RegistryService(db::Database& db, security::KeyStore* keys = nullptr) : keys_(keys), db_(db) {}

  /// The organization `code` valid on `as_of`; not_found (also when outside the actor's scope,
  /// so nothing leaks about organizations the actor may not see).
  Organization organization(const Actor& a, const std::string& code, const std::string& as_of);
  std::vector<Organization> breadcrumb(const Actor& a, const Organization& org);
  /// The lineage of `org` (an organization the actor may see): what formed it and what it became.
  std::pair<std::vector<LineageLink>, std::vector<LineageLink>> lineage(const Actor& a, const Organization& org);
  /// Lists organizations (API/tree). parent_code may be empty (then: scope root's children
  /// when kind is empty, or all of the kind in scope).
  std::vector<OrgRow> organizations(const Actor& a, std::optional<OrgKind> kind, const std::string& parent_code,
                                    const std::string& as_of, const std::string& after, int limit);
  /// Members of the subtree of `org_code` (defaults to the actor's scope).
  MemberPage members(const Actor& a, const std::string& org_code, MemberQuery q);
  /// With a filter, counts at most kCountCap + 1 (pages show "10.000+" beyond kCountCap);
  /// without, exact.
  int64_t member_count(const Actor& a, const std::string& org_code, MemberQuery q);
  /// True when the list has no filter beyond its subtree (today, on the rolls, any name,
  /// gender and age): then member_count is the exact stored count, not capped at kCountCap.
  /// A name text that folds to nothing ("  ", "---") is no filter.
  static bool unfiltered(const MemberQuery& q);
  static constexpr int64_t kCountCap = 10000;
  /// One member; audited as a view unless the actor is that member. not_found when out of scope.
  Member member(const Actor& a, int64_t id, bool audit_view = true);
  std::vector<Membership> history(const Actor& a, int64_t id);
  std::vector<security::AuditEntry> audit_trail(const Actor& a, int64_t id);
  /// Validates and saves; audits the changed fields (and the phone as typed when it was stored
  /// in another form). Throws ValidationError, or
  /// base::Error(conflict) when expected_version is stale.
  Member update_member(const Actor& a, int64_t id, const std::map<std::string, std::string>& changes,
                       std::optional<int64_t> expected_version);
  /// Member statistics of `org_code` (default: the actor's organization). `as_of` (ISO date;
  /// "" = today): today counts the member table (fast); another day counts the memberships of
  /// that day in the organization valid that day (see member_stats), ages on that day.
  /// not_found when the organization is unknown that day or outside the actor's scope.
  Stats stats(const Actor& a, const std::string& org_code, bool english, const std::string& as_of = "");
  /// True when the subtree of `org` holds any synthetic (generated) member; with `as_of` (ISO
  /// date, not today), any whose membership that day was in that subtree.
  bool has_synthetic(const Actor& a, const Organization& org, const std::string& as_of = "");

  /// Records that the actor received full records of these members in a list (the API list
  /// returns whole records): one audit entry "list" naming the ids.
  void audit_list(const Actor& a, const std::string& org_code, const std::vector<int64_t>& ids);
  /// The filtered member list of the subtree of `org_code` as CSV (UTF-8 with BOM, CRLF, RFC
  /// 4180; cells that a spreadsheet would run as a formula are prefixed with '). Same checks as
  /// members() plus Action::export_members; audited with the filter and the row count. The
  /// rows are read with one statement (each_member_for_export) in list order, and the whole CSV
  /// is returned in memory (about 125 bytes a member).
  std::string export_members_csv(const Actor& a, const std::string& org_code, MemberQuery q, int64_t* rows = nullptr);

  /// True when the actor's role may read the sensitive fields (scope still checked per member).
  bool can_read_sensitive(const Actor& a) const;
  /// Decrypted sensitive fields of a member in scope (kind → text). Requires
  /// Action::read_sensitive; audited ("view_sensitive") when anything was shown.
  std::map<std::string, std::string> sensitive(const Actor& a, int64_t id, bool audit_view = true);
  /// Sets sensitive fields (kind → text; "" clears). Requires Action::edit_sensitive; audited
  /// with the kinds changed (never the text).
  void update_sensitive(const Actor& a, int64_t id, const std::map<std::string, std::string>& changes);

 private:
  void require(const Actor& a, security::Action act);
  security::Keyring keys();
  security::KeyStore* keys_ = nullptr;
  /// Today's subtree member count: the stored per-organization counts (counts.hpp) summed.
  /// Fresh on every call, except a subtree whose sum took kCacheAbove or more (a national root
  /// sums 200,000 organizations): that one is cached for kCountTtl, and restructuring, imports
  /// and merges clear the cache of the process that did them.
  int64_t cached_subtree_count(soci::session& sql, const std::string& path);
  static constexpr std::chrono::seconds kCountTtl{10};
  static constexpr std::chrono::milliseconds kCacheAbove{20};
  /// Picks the member-list plan (see MemberQuery::Plan): a scope of kLargeScope members or
  /// more, and a name search matching kBroadSearch or more, walk the sort order instead.
  void choose_plan(soci::session& sql, MemberQuery& q);
  /// The search of `q` through the installed NameIndex (name_index.hpp), refreshed, when there is
  /// one and it suits: a page of `limit` rows (NameIndex::suits), or with limit 0 a count (a name
  /// text only); nullopt otherwise (then SQL).
  std::optional<NameSearch> indexed(soci::session& sql, const MemberQuery& q, std::size_t limit);
  static constexpr int64_t kLargeScope = 20000;
  static constexpr int64_t kBroadSearch = 3000;
  db::Database& db_;
  std::mutex count_mu_;
  std::unordered_map<std::string, std::pair<int64_t, std::chrono::steady_clock::time_point>> counts_;
  uint64_t counts_generation_ = 0;  // of invalidate_counts() when counts_ was filled

 public:
  /// Forgets cached counts (after a restructure or an import).
  void clear_count_cache();
  /// Forgets the cached counts of every RegistryService in this process (restructure apply and
  /// undo, import batches call it after their commit: members moved or were added).
  static void invalidate_counts();
};

}  // namespace dangbo::registry
