// Accounts, sessions, API tokens, roles scoped to the organization tree, and the audit chain.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
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
  bool must_change_password = false;          // set by an administrator's password reset
  bool totp_enabled = false;

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
enum class Action {
  read_org,
  read_member,
  edit_member,
  export_members,
  read_audit,
  manage_users,
  read_sensitive,  // vetting notes, political history, relationships, discipline
  edit_sensitive,
};

/// Role × action rule. Scope (subtree) is checked separately with Actor::in_scope.
///   admin     everything;
///   staff     organizations and members of the subtree, edits, exports, sensitive fields;
///   secretary organizations and members of the subtree (the cell), edits, exports; no
///             sensitive fields;
///   member    only the own record (checked by the caller) — later also the cell's notices;
///   auditor   only the audit log of the subtree.
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
/// Audits a read (a member viewed, a list shown). When a ReadAuditWriter for `db` is installed
/// (the server installs one), the entry is queued and committed by its thread within
/// ReadAuditWriter::kMaxDelay, with the time of the read; else it is written at once in its own
/// transaction. Readers of the audit log (audit_for, audit_check, audit_search, audit_anchor)
/// first wait for queued entries, so they always see every read made before them.
void audit_read(db::Database& db, const Actor* actor, std::string_view action, std::string_view entity,
                std::string_view entity_id, std::string_view org_path, std::string_view detail_json);

/// Commits the audit entries of reads in batches, from one thread: a read then costs no write
/// transaction of its own (on SQLite every request would otherwise queue for the single writer,
/// on PostgreSQL for the chain's advisory lock). At most kMaxDelay passes between a read and
/// its entry's commit; a crash (kill -9) within that window loses those read entries, never a
/// change (changes are audited inside their own transaction). The destructor commits what is
/// queued. One writer per Database; installed process-wide by install().
class ReadAuditWriter {
 public:
  static constexpr int kMaxDelayMs = 50;
  explicit ReadAuditWriter(db::Database& db);
  ~ReadAuditWriter();
  ReadAuditWriter(const ReadAuditWriter&) = delete;
  ReadAuditWriter& operator=(const ReadAuditWriter&) = delete;
  /// Makes this writer the one audit_read uses for its database (nullptr: none).
  static void install(ReadAuditWriter* w);
  /// Blocks until every entry queued before the call is committed.
  void flush();
  db::Database& database() { return db_; }
  struct Pending;
  void push(Pending p);

 private:
  void run();
  db::Database& db_;
  struct State;
  std::unique_ptr<State> st_;
};

/// Entries for one entity, newest first.
std::vector<AuditEntry> audit_for(db::Database& db, std::string_view entity, std::string_view entity_id,
                                  int limit = 100);
/// Verifies the chain; returns nullopt when intact, else a Vietnamese message naming the first
/// bad entry (its seq).
std::optional<std::string> audit_verify(db::Database& db);

/// The result of a verification with the first bad entry, for the CLI and tests.
struct AuditCheck {
  bool ok = true;
  int64_t entries = 0;      // entries read
  int64_t first_bad = 0;    // seq of the first bad entry (0 when ok)
  std::string problem;      // "modified" | "missing" | "unlinked" (deleted, swapped or inserted)
  std::string message;      // Vietnamese sentence naming the entry
};
AuditCheck audit_check(db::Database& db);

/// Anchors against a rewrite of the whole chain (anyone who can write the database could
/// recompute every hash): the anchor file, kept outside the database (another machine, the
/// operator's log), holds lines "SEQ HASH AT". Every anchored entry must still exist with the
/// same hash; then the current head is appended (when `append`). Returns nullopt when the
/// chain agrees with the file, else a Vietnamese message naming the first entry that differs.
std::optional<std::string> audit_anchor(db::Database& db, const std::string& file, bool append = true);

/// Audit search for the auditor's page and API: every filter optional; newest first; keyset
/// paging by seq (before_seq = the `next` of the previous page).
struct AuditQuery {
  std::string actor;                 // exact user name
  std::optional<int64_t> member_id;  // entries about this member
  std::string org_code;              // entries inside this organization's subtree
  std::string action;                // view | update | create | …
  std::string from, to;              // ISO dates (inclusive), days in Vietnam (UTC+7)
  int64_t before_seq = 0;            // 0 = from the newest
  int limit = 50;
};
struct AuditPage {
  std::vector<AuditEntry> items;
  int64_t next_before = 0;  // 0 when no further page
};
/// Requires Action::read_audit; only entries inside the actor's subtree (entries without an
/// organization only for actors scoped on a root). Throws forbidden / not_found / bad_request.
AuditPage audit_search(db::Database& db, const Actor& a, const AuditQuery& q);
/// The hash of one entry's content given the previous hash (exposed for tests).
std::string audit_hash(const AuditEntry& e);


// ---- accounts (accounts.cpp) ----------------------------------------------------------------

class Keyring;

/// Password rules: 10 to 1024 characters. Throws base::Error(bad_request) otherwise.
void check_password_policy(std::string_view password);

/// Per client address: from the 5th failed sign-in within 15 minutes each further attempt waits
/// 2^(n-5) seconds (at most 60); the 20th failure locks the address for 15 minutes. Per account
/// (authenticate()): 5 failures in a row lock the account for 15 minutes.
inline constexpr int kAddressBackoffAfter = 5;
inline constexpr int kAddressLockAfter = 20;
inline constexpr int kThrottleWindowSeconds = 15 * 60;

enum class SignInStatus { ok, need_second_factor, bad_credentials, throttled };
struct SignInResult {
  SignInStatus status = SignInStatus::bad_credentials;
  std::optional<Actor> actor;  // ok
  int64_t user_id = 0;         // ok, need_second_factor
  int retry_after_s = 0;       // throttled
};
/// Password step of signing in, with the per-address back-off and lock and the per-account
/// lock. A user with TOTP gets need_second_factor (no session yet). Success is audited.
SignInResult sign_in(db::Database& db, std::string_view username, std::string_view password,
                     std::string_view client_addr);
/// Seconds the address must still wait (0 = may try now).
int address_wait_seconds(db::Database& db, std::string_view client_addr);
/// Counts one failed sign-in (password or second factor) for the address.
void record_address_failure(db::Database& db, std::string_view client_addr);

/// A pending second-factor challenge (5 minutes, 5 attempts): returns the cookie value.
inline constexpr int kChallengeSeconds = 5 * 60;
std::string create_login_challenge(db::Database& db, int64_t user_id, std::string_view client_addr);
/// Checks a TOTP code (6 digits) or an unused recovery code against the challenge; on success
/// deletes the challenge and returns the actor (then create a session). A wrong code counts as
/// a failed sign-in for the account and the address; nullopt also when the challenge expired.
std::optional<Actor> complete_login_challenge(db::Database& db, const Keyring& keys, std::string_view challenge,
                                              std::string_view code, std::string_view client_addr);

struct TotpSetup {
  std::string secret_base32;  // to type into an authenticator app
  std::string uri;            // otpauth://…
};
/// Generates a new secret (sealed with the field key, not yet enabled). Audited.
TotpSetup begin_totp_setup(db::Database& db, const Keyring& keys, const Actor& a);
/// Enables TOTP when `code` matches the pending secret; returns 10 one-time recovery codes
/// (only their hashes are kept). Throws bad_request on a wrong code. Audited.
std::vector<std::string> enable_totp(db::Database& db, const Keyring& keys, const Actor& a, std::string_view code);
/// Turns TOTP off after checking the password. Throws bad_request on a wrong password. Audited.
void disable_totp(db::Database& db, const Actor& a, std::string_view password);
/// Unused recovery codes left.
int recovery_codes_left(db::Database& db, int64_t user_id);

/// Administration (CLI; `by` is nullptr for the system). Each throws not_found for an unknown
/// user and is audited.
/// Disables (or enables) an account; disabling ends its sessions and revokes its API tokens.
void set_user_disabled(db::Database& db, const Actor* by, std::string_view username, bool disabled);
/// Sets a new password (a random one-time password when `password` is empty) that must be
/// changed at the next sign-in; clears the lock; ends every session. Returns the password.
std::string reset_password(db::Database& db, const Actor* by, std::string_view username,
                           std::string_view password = "");
/// Turns TOTP off for a user who lost the device and the recovery codes.
void reset_totp(db::Database& db, const Actor* by, std::string_view username);
/// The signed-in user changes the own password (old one checked); other sessions end.
void change_password(db::Database& db, const Actor& a, std::string_view old_password,
                     std::string_view new_password, std::string_view keep_session_cookie);

struct SessionInfo {
  std::string created_at, last_seen_at, expires_at, client_addr;
  bool current = false;
};
std::vector<SessionInfo> list_sessions(db::Database& db, int64_t user_id, std::string_view current_cookie = "");
/// Ends every session of the user except `except_cookie` (if given); returns how many ended.
int revoke_sessions(db::Database& db, int64_t user_id, std::string_view except_cookie = "");
int64_t user_id_by_name(db::Database& db, std::string_view username);

struct UserInfo {
  int64_t id = 0;
  std::string username, display_name, role, org_code, created_at;
  bool disabled = false, totp = false, locked = false, must_change_password = false;
};
std::vector<UserInfo> list_users(db::Database& db);

/// Names of the organizations at the end of materialized paths ("/1/23/" → name of 23), for
/// showing audit entries; paths that name nothing are absent.
std::map<std::string, std::string> org_names_for_paths(db::Database& db, const std::vector<std::string>& paths);

}  // namespace dangbo::security
