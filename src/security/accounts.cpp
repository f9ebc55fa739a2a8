// Accounts beyond the basics of security.cpp: sign-in with throttling per client address, the
// TOTP second factor with recovery codes, password resets and changes, disabling, sessions.
#include <sodium.h>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <ctime>

#include "base/error.hpp"
#include "security/crypto.hpp"
#include "security/security.hpp"

namespace dangbo::security {
using base::Error;
using base::ErrorKind;

namespace {

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string iso_at(int64_t unix_s) {
  std::time_t t = unix_s;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

// "2026-01-02T03:04:05.678Z" → Unix seconds (0 when malformed).
int64_t iso_to_unix(const std::string& s) {
  std::tm tm{};
  if (s.size() < 19 || std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                                   &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
    return 0;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return int64_t(timegm(&tm));
}

std::string user_org_path(soci::session& sql, int64_t uid) {
  long long u = uid;
  std::string path;
  sql << "SELECT o.path FROM role_grant g JOIN organization o ON o.id = g.org_id WHERE g.user_id = :u ORDER BY g.id "
         "LIMIT 1",
      soci::use(u), soci::into(path);
  return sql.got_data() ? path : std::string();
}

void audit_user(soci::session& sql, const Actor* by, std::string_view action, int64_t uid, const std::string& detail) {
  audit_append(sql, by, action, "user", std::to_string(uid), user_org_path(sql, uid), detail);
}

std::string json_str(std::string_view s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      o += '\\';
      o += c;
    } else if ((unsigned char)c < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", c);
      o += b;
    } else {
      o += c;
    }
  }
  return o + "\"";
}

Error unknown_user(std::string_view u) {
  return Error(ErrorKind::not_found, "user.not_found", "Không có người dùng '" + std::string(u) + "'");
}

std::string recovery_hash(int64_t uid, std::string_view code) {
  return sha256_hex("recovery:" + std::to_string(uid) + ":" + std::string(code));
}

// Upper case, without spaces and dashes: "abcde-fghij" → "ABCDEFGHIJ".
std::string normalize_code(std::string_view code) {
  std::string c;
  for (char ch : code) {
    if (ch == ' ' || ch == '-' || ch == '\t') continue;
    c += (ch >= 'a' && ch <= 'z') ? char(ch - 'a' + 'A') : ch;
  }
  return c;
}

// Counts a failed second factor against the account (same lock as wrong passwords).
void account_failure(soci::session& sql, int64_t uid) {
  long long u = uid;
  int failed = 0;
  sql << "SELECT failed_logins FROM app_user WHERE id = :id", soci::use(u), soci::into(failed);
  ++failed;
  if (failed >= 5) {
    std::string until = iso_at(unix_now() + 15 * 60);
    sql << "UPDATE app_user SET failed_logins = 0, locked_until = :l WHERE id = :id", soci::use(until), soci::use(u);
    soci::transaction tr(sql);
    audit_user(sql, nullptr, "lock", uid, "{\"reason\":\"second_factor\",\"minutes\":15}");
    tr.commit();
  } else {
    sql << "UPDATE app_user SET failed_logins = :f WHERE id = :id", soci::use(failed), soci::use(u);
  }
}

}  // namespace

void check_password_policy(std::string_view password) {
  if (password.size() < 10)
    throw Error(ErrorKind::bad_request, "user.password", "Mật khẩu phải có ít nhất 10 ký tự");
  if (password.size() > 1024)
    throw Error(ErrorKind::bad_request, "user.password", "Mật khẩu quá dài (tối đa 1024 ký tự)");
}

int64_t user_id_by_name(db::Database& db, std::string_view username) {
  std::string u(username);
  long long id = 0;
  auto s = db.session();
  *s << "SELECT id FROM app_user WHERE username = :u", soci::use(u), soci::into(id);
  if (!s->got_data()) throw unknown_user(username);
  return id;
}

// ---- per-address throttle ------------------------------------------------------------------

int address_wait_seconds(db::Database& db, std::string_view client_addr) {
  std::string a(client_addr), next, locked;
  soci::indicator ni = soci::i_null, li = soci::i_null;
  auto s = db.session();
  *s << "SELECT next_allowed_at, locked_until FROM login_throttle WHERE client_addr = :a", soci::use(a),
      soci::into(next, ni), soci::into(locked, li);
  if (!s->got_data()) return 0;
  int64_t now = unix_now(), until = 0;
  if (ni == soci::i_ok) until = std::max(until, iso_to_unix(next));
  if (li == soci::i_ok) until = std::max(until, iso_to_unix(locked));
  return until > now ? int(until - now) : 0;
}

void record_address_failure(db::Database& db, std::string_view client_addr) {
  static std::atomic<unsigned> calls{0};
  std::string a(client_addr), now = iso_at(unix_now()), window_old = iso_at(unix_now() - kThrottleWindowSeconds);
  auto s = db.session();
  soci::session& sql = *s;
  soci::transaction tr(sql);
  sql << "INSERT INTO login_throttle(client_addr, failures, window_start) VALUES (:a, 0, :n) "
         "ON CONFLICT (client_addr) DO NOTHING",
      soci::use(a), soci::use(now);
  // one statement, so that concurrent failures are all counted
  sql << "UPDATE login_throttle SET "
         "failures = CASE WHEN window_start < :o1 THEN 1 ELSE failures + 1 END, "
         "window_start = CASE WHEN window_start < :o2 THEN :n ELSE window_start END "
         "WHERE client_addr = :a",
      soci::use(window_old), soci::use(window_old), soci::use(now), soci::use(a);
  int failures = 0;
  sql << "SELECT failures FROM login_throttle WHERE client_addr = :a", soci::use(a), soci::into(failures);
  if (failures >= kAddressLockAfter) {
    std::string until = iso_at(unix_now() + kThrottleWindowSeconds);
    sql << "UPDATE login_throttle SET locked_until = :l, failures = 0, window_start = :n WHERE client_addr = :a",
        soci::use(until), soci::use(now), soci::use(a);
    audit_append(sql, nullptr, "lock", "client_addr", a, "", "{\"reason\":\"failed_sign_ins\",\"minutes\":15}");
    spdlog::warn("sign-in: address {} locked for 15 minutes after {} failures", a, failures);
  } else if (failures >= kAddressBackoffAfter) {
    int wait = 1 << std::min(failures - kAddressBackoffAfter, 6);
    std::string next = iso_at(unix_now() + std::min(wait, 60));
    sql << "UPDATE login_throttle SET next_allowed_at = :x WHERE client_addr = :a", soci::use(next), soci::use(a);
  }
  if (++calls % 100 == 0) {
    std::string day_old = iso_at(unix_now() - 24 * 3600);
    sql << "DELETE FROM login_throttle WHERE window_start < :d AND (locked_until IS NULL OR locked_until < :n)",
        soci::use(day_old), soci::use(now);
  }
  tr.commit();
}

SignInResult sign_in(db::Database& db, std::string_view username, std::string_view password,
                     std::string_view client_addr) {
  SignInResult r;
  if (int w = address_wait_seconds(db, client_addr); w > 0) {
    r.status = SignInStatus::throttled;
    r.retry_after_s = w;
    return r;
  }
  if (password.size() > 1024) {
    record_address_failure(db, client_addr);
    return r;
  }
  auto a = authenticate(db, username, password);
  if (!a) {
    record_address_failure(db, client_addr);
    return r;
  }
  r.user_id = a->user_id;
  if (a->totp_enabled) {
    r.status = SignInStatus::need_second_factor;
    return r;
  }
  {
    auto s = db.session();
    soci::transaction tr(*s);
    audit_append(*s, &*a, "login", "user", std::to_string(a->user_id), a->org_path,
                 "{\"client_addr\":" + json_str(client_addr) + "}");
    tr.commit();
  }
  r.status = SignInStatus::ok;
  r.actor = std::move(a);
  return r;
}

// ---- second factor -------------------------------------------------------------------------

std::string create_login_challenge(db::Database& db, int64_t user_id, std::string_view client_addr) {
  std::string tok = random_token(32), h = sha256_hex(tok), exp = iso_at(unix_now() + kChallengeSeconds),
              addr(client_addr), now = iso_at(unix_now());
  long long u = user_id;
  auto s = db.session();
  *s << "DELETE FROM login_challenge WHERE expires_at < :n", soci::use(now);
  *s << "INSERT INTO login_challenge(id_hash, user_id, expires_at, attempts, client_addr) VALUES (:h, :u, :e, 0, :a)",
      soci::use(h), soci::use(u), soci::use(exp), soci::use(addr);
  return tok;
}

std::optional<Actor> complete_login_challenge(db::Database& db, const Keyring& keys, std::string_view challenge,
                                              std::string_view code, std::string_view client_addr) {
  if (challenge.empty() || challenge.size() > 128 || code.size() > 64) return std::nullopt;
  std::string h = sha256_hex(challenge), exp, now = iso_at(unix_now());
  long long uid = 0;
  int attempts = 0;
  auto s = db.session();
  soci::session& sql = *s;
  sql << "SELECT user_id, expires_at, attempts FROM login_challenge WHERE id_hash = :h", soci::use(h), soci::into(uid),
      soci::into(exp), soci::into(attempts);
  if (!sql.got_data()) return std::nullopt;
  if (exp <= now || attempts >= 5) {
    sql << "DELETE FROM login_challenge WHERE id_hash = :h", soci::use(h);
    return std::nullopt;
  }
  sql << "UPDATE login_challenge SET attempts = attempts + 1 WHERE id_hash = :h", soci::use(h);

  std::string secret_ct, nonce, key_id, locked;
  soci::indicator ci = soci::i_null, ni = soci::i_null, ki = soci::i_null, li = soci::i_null;
  long long last_step = 0;
  int enabled = 0, disabled = 0;
  sql << "SELECT totp_secret, totp_nonce, totp_key_id, totp_enabled, totp_last_step, disabled, locked_until "
         "FROM app_user WHERE id = :u",
      soci::use(uid), soci::into(secret_ct, ci), soci::into(nonce, ni), soci::into(key_id, ki), soci::into(enabled),
      soci::into(last_step), soci::into(disabled), soci::into(locked, li);
  if (!sql.got_data() || disabled || !enabled || ci != soci::i_ok || (li == soci::i_ok && locked > now))
    return std::nullopt;

  std::string method;
  std::string c = normalize_code(code);
  if (c.size() == 6 && c.find_first_not_of("0123456789") == std::string::npos) {
    std::string secret = keys.open(Sealed{secret_ct, nonce, key_id}, "totp:" + std::to_string(uid));
    auto step = totp_match(secret, c, unix_now(), last_step);
    sodium_memzero(secret.data(), secret.size());
    if (step) {
      long long st = *step;
      sql << "UPDATE app_user SET totp_last_step = :s WHERE id = :u", soci::use(st), soci::use(uid);
      method = "totp";
    }
  } else if (!c.empty()) {
    std::string rh = recovery_hash(uid, c);
    long long rid = 0;
    sql << "SELECT id FROM totp_recovery_code WHERE user_id = :u AND code_hash = :h AND used_at IS NULL",
        soci::use(uid), soci::use(rh), soci::into(rid);
    if (sql.got_data()) {
      sql << "UPDATE totp_recovery_code SET used_at = :n WHERE id = :i", soci::use(now), soci::use(rid);
      method = "recovery_code";
    }
  }
  if (method.empty()) {
    account_failure(sql, uid);
    record_address_failure(db, client_addr);
    return std::nullopt;
  }
  sql << "DELETE FROM login_challenge WHERE id_hash = :h", soci::use(h);
  sql << "UPDATE app_user SET failed_logins = 0, locked_until = NULL WHERE id = :u", soci::use(uid);
  auto a = load_actor(db, uid);
  if (!a) return std::nullopt;
  soci::transaction tr(sql);
  audit_append(sql, &*a, "login", "user", std::to_string(uid), a->org_path,
               "{\"client_addr\":" + json_str(client_addr) + ",\"second_factor\":\"" + method + "\"}");
  tr.commit();
  return a;
}

TotpSetup begin_totp_setup(db::Database& db, const Keyring& keys, const Actor& a) {
  if (a.totp_enabled)
    throw Error(ErrorKind::conflict, "totp.enabled", "Xác thực hai lớp đang bật; hãy tắt trước khi đăng ký thiết bị mới");
  std::string secret(20, '\0');
  randombytes_buf(secret.data(), secret.size());
  Sealed sealed = keys.seal(secret, "totp:" + std::to_string(a.user_id));
  TotpSetup out{base32_encode(secret), ""};
  sodium_memzero(secret.data(), secret.size());
  out.uri = otpauth_uri("dangbo", a.username, out.secret_base32);
  long long uid = a.user_id;
  auto s = db.session();
  soci::transaction tr(*s);
  *s << "UPDATE app_user SET totp_secret = :c, totp_nonce = :n, totp_key_id = :k, totp_enabled = 0, "
        "totp_last_step = 0 WHERE id = :u",
      soci::use(sealed.ciphertext), soci::use(sealed.nonce), soci::use(sealed.key_id), soci::use(uid);
  audit_user(*s, &a, "totp_setup", a.user_id, "{}");
  tr.commit();
  return out;
}

std::vector<std::string> enable_totp(db::Database& db, const Keyring& keys, const Actor& a, std::string_view code) {
  long long uid = a.user_id;
  std::string ct, nonce, key_id;
  soci::indicator ci = soci::i_null, ni = soci::i_null, ki = soci::i_null;
  int enabled = 0;
  auto s = db.session();
  *s << "SELECT totp_secret, totp_nonce, totp_key_id, totp_enabled FROM app_user WHERE id = :u", soci::use(uid),
      soci::into(ct, ci), soci::into(nonce, ni), soci::into(key_id, ki), soci::into(enabled);
  if (!s->got_data() || ci != soci::i_ok || enabled)
    throw Error(ErrorKind::conflict, "totp.no_setup", "Chưa có đăng ký xác thực hai lớp đang chờ xác nhận");
  std::string secret = keys.open(Sealed{ct, nonce, key_id}, "totp:" + std::to_string(uid));
  auto step = totp_match(secret, code, std::chrono::duration_cast<std::chrono::seconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count(),
                         0);
  sodium_memzero(secret.data(), secret.size());
  if (!step)
    throw Error(ErrorKind::bad_request, "totp.code",
                "Mã xác thực không đúng. Kiểm tra giờ của điện thoại và nhập mã 6 chữ số đang hiện.");
  std::vector<std::string> codes;
  soci::transaction tr(*s);
  long long st = *step;
  *s << "UPDATE app_user SET totp_enabled = 1, totp_last_step = :s WHERE id = :u", soci::use(st), soci::use(uid);
  *s << "DELETE FROM totp_recovery_code WHERE user_id = :u", soci::use(uid);
  for (int i = 0; i < 10; ++i) {
    std::string raw(7, '\0');
    randombytes_buf(raw.data(), raw.size());
    std::string c = base32_encode(raw).substr(0, 10);  // 50 bits
    std::string h = recovery_hash(a.user_id, c);
    *s << "INSERT INTO totp_recovery_code(user_id, code_hash) VALUES (:u, :h)", soci::use(uid), soci::use(h);
    codes.push_back(c.substr(0, 5) + "-" + c.substr(5));
  }
  audit_user(*s, &a, "totp_enable", a.user_id, "{}");
  tr.commit();
  return codes;
}

void disable_totp(db::Database& db, const Actor& a, std::string_view password) {
  long long uid = a.user_id;
  std::string hash;
  {
    auto s = db.session();
    *s << "SELECT password_hash FROM app_user WHERE id = :u", soci::use(uid), soci::into(hash);
  }
  if (!verify_password(hash, password))
    throw Error(ErrorKind::bad_request, "user.password", "Mật khẩu không đúng");
  auto s = db.session();
  soci::transaction tr(*s);
  *s << "UPDATE app_user SET totp_enabled = 0, totp_secret = NULL, totp_nonce = NULL, totp_key_id = NULL WHERE id = :u",
      soci::use(uid);
  *s << "DELETE FROM totp_recovery_code WHERE user_id = :u", soci::use(uid);
  audit_user(*s, &a, "totp_disable", a.user_id, "{}");
  tr.commit();
}

int recovery_codes_left(db::Database& db, int64_t user_id) {
  long long uid = user_id;
  int n = 0;
  auto s = db.session();
  *s << "SELECT count(*) FROM totp_recovery_code WHERE user_id = :u AND used_at IS NULL", soci::use(uid), soci::into(n);
  return n;
}

// ---- administration ------------------------------------------------------------------------

void set_user_disabled(db::Database& db, const Actor* by, std::string_view username, bool disabled) {
  long long uid = user_id_by_name(db, username);
  int d = disabled ? 1 : 0;
  auto s = db.session();
  soci::transaction tr(*s);
  *s << "UPDATE app_user SET disabled = :d WHERE id = :u", soci::use(d), soci::use(uid);
  if (disabled) {
    *s << "DELETE FROM app_session WHERE user_id = :u", soci::use(uid);
    *s << "DELETE FROM login_challenge WHERE user_id = :u", soci::use(uid);
    *s << "UPDATE api_token SET revoked = 1 WHERE user_id = :u", soci::use(uid);
  }
  audit_user(*s, by, disabled ? "disable" : "enable", uid, "{\"username\":" + json_str(username) + "}");
  tr.commit();
}

std::string reset_password(db::Database& db, const Actor* by, std::string_view username, std::string_view password) {
  long long uid = user_id_by_name(db, username);
  std::string pw = password.empty() ? random_token(12) : std::string(password);
  check_password_policy(pw);
  std::string hash = hash_password(pw), now = db::now_utc();
  auto s = db.session();
  soci::transaction tr(*s);
  *s << "UPDATE app_user SET password_hash = :h, must_change_password = 1, failed_logins = 0, locked_until = NULL, "
        "password_changed_at = :n WHERE id = :u",
      soci::use(hash), soci::use(now), soci::use(uid);
  *s << "DELETE FROM app_session WHERE user_id = :u", soci::use(uid);
  *s << "DELETE FROM login_challenge WHERE user_id = :u", soci::use(uid);
  audit_user(*s, by, "reset_password", uid,
             std::string("{\"generated\":") + (password.empty() ? "true" : "false") + "}");
  tr.commit();
  return pw;
}

void reset_totp(db::Database& db, const Actor* by, std::string_view username) {
  long long uid = user_id_by_name(db, username);
  auto s = db.session();
  soci::transaction tr(*s);
  *s << "UPDATE app_user SET totp_enabled = 0, totp_secret = NULL, totp_nonce = NULL, totp_key_id = NULL WHERE id = :u",
      soci::use(uid);
  *s << "DELETE FROM totp_recovery_code WHERE user_id = :u", soci::use(uid);
  *s << "DELETE FROM app_session WHERE user_id = :u", soci::use(uid);
  audit_user(*s, by, "totp_reset", uid, "{}");
  tr.commit();
}

void change_password(db::Database& db, const Actor& a, std::string_view old_password, std::string_view new_password,
                     std::string_view keep_session_cookie) {
  long long uid = a.user_id;
  std::string hash;
  {
    auto s = db.session();
    *s << "SELECT password_hash FROM app_user WHERE id = :u", soci::use(uid), soci::into(hash);
  }
  if (!verify_password(hash, old_password))
    throw Error(ErrorKind::bad_request, "user.password", "Mật khẩu hiện tại không đúng");
  check_password_policy(new_password);
  if (new_password == old_password)
    throw Error(ErrorKind::bad_request, "user.password", "Mật khẩu mới phải khác mật khẩu cũ");
  std::string nh = hash_password(new_password), now = db::now_utc();
  auto s = db.session();
  soci::transaction tr(*s);
  *s << "UPDATE app_user SET password_hash = :h, must_change_password = 0, password_changed_at = :n WHERE id = :u",
      soci::use(nh), soci::use(now), soci::use(uid);
  std::string keep = keep_session_cookie.empty() ? std::string() : sha256_hex(keep_session_cookie);
  *s << "DELETE FROM app_session WHERE user_id = :u AND id_hash <> :k", soci::use(uid), soci::use(keep);
  audit_user(*s, &a, "change_password", a.user_id, "{}");
  tr.commit();
}

std::vector<SessionInfo> list_sessions(db::Database& db, int64_t user_id, std::string_view current_cookie) {
  long long uid = user_id;
  std::string cur = current_cookie.empty() ? std::string() : sha256_hex(current_cookie), now = db::now_utc();
  std::vector<SessionInfo> out;
  auto s = db.session();
  SessionInfo si;
  std::string h;
  soci::statement st = (s->prepare << "SELECT id_hash, created_at, last_seen_at, expires_at, client_addr "
                                      "FROM app_session WHERE user_id = :u AND expires_at > :n ORDER BY last_seen_at DESC",
                        soci::use(uid), soci::use(now), soci::into(h), soci::into(si.created_at),
                        soci::into(si.last_seen_at), soci::into(si.expires_at), soci::into(si.client_addr));
  st.execute();
  while (st.fetch()) {
    si.current = !cur.empty() && h == cur;
    out.push_back(si);
  }
  return out;
}

int revoke_sessions(db::Database& db, int64_t user_id, std::string_view except_cookie) {
  long long uid = user_id;
  std::string keep = except_cookie.empty() ? std::string() : sha256_hex(except_cookie);
  int n = 0;
  auto s = db.session();
  soci::transaction tr(*s);
  *s << "SELECT count(*) FROM app_session WHERE user_id = :u AND id_hash <> :k", soci::use(uid), soci::use(keep),
      soci::into(n);
  *s << "DELETE FROM app_session WHERE user_id = :u AND id_hash <> :k", soci::use(uid), soci::use(keep);
  tr.commit();
  return n;
}

std::vector<UserInfo> list_users(db::Database& db) {
  std::vector<UserInfo> out;
  auto s = db.session();
  UserInfo u;
  long long id = 0;
  int disabled = 0, totp = 0, must = 0;
  std::string locked, role, code;
  soci::indicator li = soci::i_null, ri = soci::i_null, ci = soci::i_null;
  std::string now = db::now_utc();
  soci::statement st =
      (s->prepare << "SELECT u.id, u.username, u.display_name, u.created_at, u.disabled, u.totp_enabled, "
                     "u.must_change_password, u.locked_until, "
                     "(SELECT g.role FROM role_grant g WHERE g.user_id = u.id ORDER BY g.id LIMIT 1), "
                     "(SELECT o.code FROM role_grant g JOIN organization o ON o.id = g.org_id WHERE g.user_id = u.id "
                     " ORDER BY g.id LIMIT 1) "
                     "FROM app_user u ORDER BY u.username",
       soci::into(id), soci::into(u.username), soci::into(u.display_name), soci::into(u.created_at),
       soci::into(disabled), soci::into(totp), soci::into(must), soci::into(locked, li), soci::into(role, ri),
       soci::into(code, ci));
  st.execute();
  while (st.fetch()) {
    u.id = id;
    u.disabled = disabled;
    u.totp = totp;
    u.must_change_password = must;
    u.locked = li == soci::i_ok && locked > now;
    u.role = ri == soci::i_ok ? role : "";
    u.org_code = ci == soci::i_ok ? code : "";
    out.push_back(u);
  }
  return out;
}

}  // namespace dangbo::security
