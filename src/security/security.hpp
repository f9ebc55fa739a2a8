// Accounts, sessions, API tokens, roles scoped to the organization tree, and the audit chain.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.hpp"

namespace dangbo::security {

/// Roles, each granted on one organization and valid for its subtree.
enum class Role { admin, staff, secretary, member, auditor };
std::string_view to_string(Role r);
std::optional<Role> parse_role(std::string_view s);
std::string_view label_vi(Role r);

/// The signed-in user as the service layer sees it.
struct Actor {
  int64_t user_id = 0;
  std::string username, display_name;
  Role role = Role::member;
  int64_t org_id = 0;
  std::string org_code, org_name, org_path;  // the scope: materialized path "/1/23/"
  std::optional<int64_t> member_id;          // for Role::member: the own record
  std::string csrf_token;                     // empty for bearer-token API calls
  bool via_token = false;

  /// True when `path` (an organization's or member's org path) lies inside the scope.
  bool in_scope(std::string_view path) const {
    return path.size() >= org_path.size() && path.compare(0, org_path.size(), org_path) == 0;
  }
};

/// Argon2id hash (libsodium crypto_pwhash_str, interactive limits). Throws on OOM.
std::string hash_password(std::string_view password);
bool verify_password(std::string_view hash, std::string_view password);
/// A random URL-safe token with `bytes` of entropy (base64url, no padding).
std::string random_token(std::size_t bytes = 32);
/// Lower-case hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view data);

/// What may be done (checked in the service layer, so pages, API and exports obey the same rule).
enum class Action { read_org, read_member, edit_member, export_members, read_audit, manage_users };

/// Role × action rule. Scope (subtree) is checked separately with Actor::in_scope.
/// Members may read only their own record; auditors read only the audit log.
bool role_allows(Role r, Action a);

/// Creates a user with one role grant on the organization `org_code` (current version).
/// Throws base::Error (conflict when the name exists, not_found when the org does not).
int64_t add_user(db::Database& db, std::string_view username, std::string_view password, Role role,
                 std::string_view org_code, std::optional<int64_t> member_id = std::nullopt,
                 std::string_view display_name = "");

/// Checks credentials; returns the actor or nullopt. Counts failures and locks the account for
/// 15 minutes after 5 failures in a row.
std::optional<Actor> authenticate(db::Database& db, std::string_view username, std::string_view password);

/// Loads the actor for a user id (first role grant); nullopt when disabled or missing.
std::optional<Actor> load_actor(db::Database& db, int64_t user_id);

struct NewSession {
  std::string cookie_value;  // give to the browser; only its hash is stored
  std::string csrf_token;
};
/// Session lifetimes: idle 30 minutes, absolute 12 hours.
inline constexpr int kSessionIdleSeconds = 30 * 60;
inline constexpr int kSessionAbsoluteSeconds = 12 * 3600;
NewSession create_session(db::Database& db, int64_t user_id, std::string_view client_addr);
/// Resolves a session cookie; refreshes last_seen; nullopt when unknown or expired.
std::optional<Actor> resolve_session(db::Database& db, std::string_view cookie_value);
void delete_session(db::Database& db, std::string_view cookie_value);

/// Creates a bearer token for the user; prints-once value returned.
std::string create_api_token(db::Database& db, std::string_view username);
std::optional<Actor> resolve_api_token(db::Database& db, std::string_view token);

/// One audit entry (append-only; each entry's hash = SHA-256(prev_hash | fields)).
struct AuditEntry {
  int64_t seq = 0;
  std::string at, actor_name, action, entity, entity_id, org_path, detail, prev_hash, hash;
  std::optional<int64_t> actor_id;
};

/// Appends an entry inside the caller's open transaction (`sql` must be in a transaction).
void audit_append(soci::session& sql, const Actor* actor, std::string_view action,
                  std::string_view entity, std::string_view entity_id, std::string_view org_path,
                  std::string_view detail_json);
/// Entries for one entity, newest first.
std::vector<AuditEntry> audit_for(db::Database& db, std::string_view entity, std::string_view entity_id,
                                  int limit = 100);
/// Verifies the chain; returns nullopt when intact, else a Vietnamese message naming the first
/// bad entry (its seq).
std::optional<std::string> audit_verify(db::Database& db);
/// The hash of one entry's content given the previous hash (exposed for tests).
std::string audit_hash(const AuditEntry& e);

}  // namespace dangbo::security
