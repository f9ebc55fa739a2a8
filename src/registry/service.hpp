// Registry service: the rules, authorization (role × organization scope) and audit around the
// store. Pages, the JSON API and exports all go through here, so they obey the same checks.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "db/database.hpp"
#include "registry/store.hpp"
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

/// The member fields that may be edited, by API name, in form order.
const std::vector<std::string>& editable_member_fields();
/// Reads one editable field as display/edit text (dates as dd/mm/yyyy).
std::string member_field_text(const Member& m, const std::string& field);

/// Applies textual changes (API names → new text) to a copy of `m`, validating every field and
/// the cross-field rules (age at admission, probation, card after full membership) from
/// config/rules.json as of today. Throws ValidationError listing every bad field; never
/// partially applies.
Member apply_member_changes(const Member& m, const std::map<std::string, std::string>& changes);

class RegistryService {
 public:
  explicit RegistryService(db::Database& db) : db_(db) {}

  /// The organization `code` valid on `as_of`; not_found (also when outside the actor's scope,
  /// so nothing leaks about organizations the actor may not see).
  Organization organization(const Actor& a, const std::string& code, const std::string& as_of);
  std::vector<Organization> breadcrumb(const Actor& a, const Organization& org);
  /// Lists organizations (API/tree). parent_code may be empty (then: scope root's children
  /// when kind is empty, or all of the kind in scope).
  std::vector<OrgRow> organizations(const Actor& a, std::optional<OrgKind> kind, const std::string& parent_code,
                                    const std::string& as_of, const std::string& after, int limit);
  /// Members of the subtree of `org_code` (defaults to the actor's scope).
  MemberPage members(const Actor& a, const std::string& org_code, MemberQuery q);
  int64_t member_count(const Actor& a, const std::string& org_code, MemberQuery q);
  /// One member; audited as a view unless the actor is that member. not_found when out of scope.
  Member member(const Actor& a, int64_t id, bool audit_view = true);
  std::vector<Membership> history(const Actor& a, int64_t id);
  std::vector<security::AuditEntry> audit_trail(const Actor& a, int64_t id);
  /// Validates and saves; audits the changed fields. Throws ValidationError, or
  /// base::Error(conflict) when expected_version is stale.
  Member update_member(const Actor& a, int64_t id, const std::map<std::string, std::string>& changes,
                       std::optional<int64_t> expected_version);
  Stats stats(const Actor& a, const std::string& org_code, bool english);
  /// True when the subtree of `org` holds any synthetic (generated) member.
  bool has_synthetic(const Actor& a, const Organization& org);

 private:
  void require(const Actor& a, security::Action act);
  db::Database& db_;
};

}  // namespace dangbo::registry
