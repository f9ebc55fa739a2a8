// Small builders shared by the store tests: an organization under its parent, and a member
// "Nguyễn Văn <given>" with ordinary dates. Values are the tests' own (no code under test computes
// them); each test states what it expects of the rows they make.
#pragma once
#include <soci/soci.h>

#include <string>

#include "base/date.hpp"
#include "registry/model.hpp"
#include "registry/store.hpp"
#include "security/security.hpp"

namespace dangbo::testing {

/// Fills `o` and inserts it under `parent` (nullptr: a root), valid from `from`.
inline void add_org(soci::session& s, registry::Organization& o, const std::string& code, const std::string& name,
                    registry::OrgKind kind, const registry::Organization* parent,
                    base::CivilDate from = base::make_date(2025, 7, 1), const std::string& admin_unit_code = "") {
  o.code = code;
  o.name = name;
  o.kind = kind;
  o.admin_unit_code = admin_unit_code;
  o.valid_from = from;
  if (parent) o.parent_id = parent->id;
  registry::insert_org(s, o, parent ? parent->path : "");
}

/// A member born 1970-05-20, admitted 1995-03-01, full member from 1996-03-01, filed under
/// `org` (not yet inserted).
inline registry::Member member_in(const registry::Organization& org, const std::string& given,
                                  registry::MemberStatus status = registry::MemberStatus::full,
                                  const std::string& family = "Nguyễn", const std::string& middle = "Văn") {
  registry::Member m;
  m.family_name = family;
  m.middle_name = middle;
  m.given_name = given;
  m.birth_date = base::make_date(1970, 5, 20);
  m.admitted_on = base::make_date(1995, 3, 1);
  m.full_member_on = base::make_date(1996, 3, 1);
  m.status = status;
  m.org_id = org.id;
  m.org_path = org.path;
  return m;
}

/// A signed-in actor with `role` granted on `org` (not a stored account: for service calls).
inline security::Actor actor_at(security::Role role, const registry::Organization& org, int64_t user_id = 1,
                                const std::string& username = "t") {
  security::Actor a;
  a.user_id = user_id;
  a.username = username;
  a.role = role;
  a.org_id = org.id;
  a.org_code = org.code;
  a.org_path = org.path;
  return a;
}

}  // namespace dangbo::testing
