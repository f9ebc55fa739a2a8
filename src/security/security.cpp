#include "security/security.hpp"

#include <sodium.h>
#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <spdlog/spdlog.h>

#include "base/date.hpp"
#include "base/error.hpp"

namespace dangbo::security {
using base::Error;
using base::ErrorKind;

namespace {
struct SodiumInit {
  SodiumInit() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium init failed");
  }
};
void ensure_sodium() { static SodiumInit once; }

std::string iso_after(int seconds) {
  using namespace std::chrono;
  auto t = system_clock::to_time_t(system_clock::now() + std::chrono::seconds(seconds));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}
}  // namespace

std::string_view to_string(Role r) {
  switch (r) {
    case Role::admin: return "admin";
    case Role::staff: return "staff";
    case Role::secretary: return "secretary";
    case Role::member: return "member";
    case Role::auditor: return "auditor";
  }
  return "member";
}

std::optional<Role> parse_role(std::string_view s) {
  for (Role r : {Role::admin, Role::staff, Role::secretary, Role::member, Role::auditor})
    if (to_string(r) == s) return r;
  return std::nullopt;
}

std::string_view label_vi(Role r) {
  switch (r) {
    case Role::admin: return "Quản trị hệ thống";
    case Role::staff: return "Cán bộ Ban Tổ chức";
    case Role::secretary: return "Bí thư chi bộ";
    case Role::member: return "Đảng viên";
    case Role::auditor: return "Kiểm tra, giám sát";
  }
  return "";
}

bool role_allows(Role r, Action a) {
  switch (r) {
    case Role::admin: return true;
    case Role::staff:
      return a == Action::read_org || a == Action::read_member || a == Action::edit_member ||
             a == Action::export_members || a == Action::read_sensitive || a == Action::edit_sensitive;
    case Role::secretary:
      return a == Action::read_org || a == Action::read_member || a == Action::edit_member ||
             a == Action::export_members;
    case Role::member: return a == Action::read_member;  // own record only (checked by caller)
    case Role::auditor: return a == Action::read_audit;
  }
  return false;
}

std::string hash_password(std::string_view password) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    throw std::runtime_error("password hashing ran out of memory");
  return out;
}

bool verify_password(std::string_view hash, std::string_view password) {
  ensure_sodium();
  std::string h(hash);
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

std::string random_token(std::size_t bytes) {
  ensure_sodium();
  std::vector<unsigned char> buf(bytes);
  randombytes_buf(buf.data(), buf.size());
  std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), buf.data(), buf.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string sha256_hex(std::string_view data) {
  ensure_sodium();
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

int64_t add_user(db::Database& db, std::string_view username, std::string_view password, Role role,
                 std::string_view org_code, std::optional<int64_t> member_id, std::string_view display_name) {
  if (username.empty() || username.size() > 64)
    throw Error(ErrorKind::bad_request, "user.name", "Tên đăng nhập phải có từ 1 đến 64 ký tự");
  check_password_policy(password);
  std::string hash = hash_password(password);
  auto s = db.session();
  soci::session& sql = *s;
  soci::transaction tr(sql);
  std::string u(username), code(org_code), dn(display_name.empty() ? username : display_name);
  int n = 0;
  sql << "SELECT count(*) FROM app_user WHERE username = :u", soci::use(u), soci::into(n);
  if (n) throw Error(ErrorKind::conflict, "user.exists", "Tên đăng nhập '" + u + "' đã tồn tại");
  long long org_id = 0;
  soci::indicator ind = soci::i_null;
  std::string path;
  sql << "SELECT id, path FROM organization WHERE code = :c AND valid_to IS NULL", soci::use(code),
      soci::into(org_id, ind), soci::into(path);
  if (ind != soci::i_ok || !sql.got_data())
    throw Error(ErrorKind::not_found, "org.not_found", "Không tìm thấy tổ chức đảng có mã '" + code + "'");
  std::string now = db::now_utc(), r(to_string(role));
  sql << "INSERT INTO app_user(username, display_name, password_hash, created_at) VALUES (:u, :d, :h, :t)",
      soci::use(u), soci::use(dn), soci::use(hash), soci::use(now);
  long long uid = 0;
  sql << "SELECT id FROM app_user WHERE username = :u", soci::use(u), soci::into(uid);
  long long mid = member_id.value_or(0);
  soci::indicator mind = member_id ? soci::i_ok : soci::i_null;
  sql << "INSERT INTO role_grant(user_id, role, org_id, member_id, created_at) VALUES (:u, :r, :o, :m, :t)",
      soci::use(uid), soci::use(r), soci::use(org_id), soci::use(mid, mind), soci::use(now);
  Actor system;
  system.username = "system";
  audit_append(sql, nullptr, "create", "user", std::to_string(uid), path,
               "{\"username\":\"" + u + "\",\"role\":\"" + r + "\",\"org\":\"" + code + "\"}");
  tr.commit();
  return uid;
}

namespace {
// The actor of the one user that `from_where` (the app_user row `u`, its first role grant `g` and
// that grant's organization `o`, narrowed by a condition on :k) selects; nullopt when none or
// disabled.
std::optional<Actor> actor_where(soci::session& sql, const std::string& from_where, const std::string& key) {
  Actor a;
  long long uid = 0, org_id = 0, mid = 0;
  int disabled = 0, must_change = 0, totp = 0;
  std::string role;
  soci::indicator mind = soci::i_null;
  sql << "SELECT u.id, u.username, u.display_name, u.disabled, u.must_change_password, u.totp_enabled, g.role, g.org_id, "
         "g.member_id, o.code, o.name, o.path " +
             from_where + " ORDER BY g.id LIMIT 1",
      soci::use(key, "k"), soci::into(uid), soci::into(a.username), soci::into(a.display_name), soci::into(disabled),
      soci::into(must_change), soci::into(totp), soci::into(role), soci::into(org_id), soci::into(mid, mind),
      soci::into(a.org_code), soci::into(a.org_name), soci::into(a.org_path);
  if (!sql.got_data() || disabled) return std::nullopt;
  a.must_change_password = must_change != 0;
  a.totp_enabled = totp != 0;
  a.user_id = uid;
  a.role = parse_role(role).value_or(Role::member);
  a.org_id = org_id;
  if (mind == soci::i_ok) a.member_id = mid;
  return a;
}
constexpr const char* kActorJoins =
    "FROM app_user u JOIN role_grant g ON g.user_id = u.id JOIN organization o ON o.id = g.org_id ";
}  // namespace

std::optional<Actor> load_actor(db::Database& db, int64_t user_id) {
  auto s = db.session();
  return actor_where(*s, std::string(kActorJoins) + "WHERE u.id = CAST(:k AS BIGINT)", std::to_string(user_id));
}

std::optional<Actor> authenticate(db::Database& db, std::string_view username, std::string_view password) {
  long long uid = 0;
  std::string hash, u(username);
  int failed = 0, disabled = 0;
  std::string locked_until;
  soci::indicator lind = soci::i_null;
  {
    auto s = db.session();
    *s << "SELECT id, password_hash, failed_logins, disabled, locked_until FROM app_user WHERE username = :u",
        soci::use(u), soci::into(uid), soci::into(hash), soci::into(failed), soci::into(disabled),
        soci::into(locked_until, lind);
    if (!s->got_data()) {
      verify_password(hash_password("timing-equaliser"), password);  // same cost as a real check
      return std::nullopt;
    }
  }
  std::string now = db::now_utc();
  if (disabled || (lind == soci::i_ok && locked_until > now)) {
    verify_password(hash, password);  // same cost: the answer's timing does not tell a locked account
    return std::nullopt;
  }
  bool ok = verify_password(hash, password);
  auto s = db.session();
  if (!ok) {
    ++failed;
    if (failed >= 5) {
      std::string until = iso_after(15 * 60);
      soci::transaction tr(*s);
      *s << "UPDATE app_user SET failed_logins = 0, locked_until = :l WHERE id = :id", soci::use(until), soci::use(uid);
      std::string path;
      *s << "SELECT o.path FROM role_grant g JOIN organization o ON o.id = g.org_id WHERE g.user_id = :u "
            "ORDER BY g.id LIMIT 1",
          soci::use(uid), soci::into(path);
      audit_append(*s, nullptr, "lock", "user", std::to_string(uid), path, "{\"reason\":\"password\",\"minutes\":15}");
      tr.commit();
    } else {
      *s << "UPDATE app_user SET failed_logins = :f WHERE id = :id", soci::use(failed), soci::use(uid);
    }
    return std::nullopt;
  }
  *s << "UPDATE app_user SET failed_logins = 0, locked_until = NULL WHERE id = :id", soci::use(uid);
  return load_actor(db, uid);
}

NewSession create_session(db::Database& db, int64_t user_id, std::string_view client_addr) {
  NewSession ns{random_token(32), random_token(24)};
  std::string h = sha256_hex(ns.cookie_value), now = db::now_utc(), exp = iso_after(kSessionAbsoluteSeconds),
              addr(client_addr);
  long long uid = user_id;
  auto s = db.session();
  *s << "INSERT INTO app_session(id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, client_addr) "
        "VALUES (:h, :u, :c, :n, :n2, :e, :a)",
      soci::use(h), soci::use(uid), soci::use(ns.csrf_token), soci::use(now), soci::use(now), soci::use(exp),
      soci::use(addr);
  return ns;
}

std::optional<Actor> resolve_session(db::Database& db, std::string_view cookie_value) {
  if (cookie_value.empty() || cookie_value.size() > 128) return std::nullopt;
  std::string h = sha256_hex(cookie_value), csrf, last, exp;
  long long uid = 0;
  {
    auto s = db.session();
    *s << "SELECT user_id, csrf_token, last_seen_at, expires_at FROM app_session WHERE id_hash = :h", soci::use(h),
        soci::into(uid), soci::into(csrf), soci::into(last), soci::into(exp);
    if (!s->got_data()) return std::nullopt;
    std::string now = db::now_utc(), idle_limit = iso_after(-kSessionIdleSeconds);
    if (exp <= now || last < idle_limit) {
      *s << "DELETE FROM app_session WHERE id_hash = :h", soci::use(h);
      return std::nullopt;
    }
    // refresh at most once a minute to keep writes rare
    if (last < iso_after(-60)) *s << "UPDATE app_session SET last_seen_at = :n WHERE id_hash = :h", soci::use(now), soci::use(h);
  }
  auto a = load_actor(db, uid);
  if (a) a->csrf_token = csrf;
  return a;
}

void delete_session(db::Database& db, std::string_view cookie_value) {
  std::string h = sha256_hex(cookie_value);
  auto s = db.session();
  *s << "DELETE FROM app_session WHERE id_hash = :h", soci::use(h);
}

std::string create_api_token(db::Database& db, std::string_view username) {
  std::string u(username);
  long long uid = 0;
  auto s = db.session();
  *s << "SELECT id FROM app_user WHERE username = :u", soci::use(u), soci::into(uid);
  if (!s->got_data()) throw Error(ErrorKind::not_found, "user.not_found", "Không có người dùng '" + u + "'");
  std::string tok = "dbt_" + random_token(32), h = sha256_hex(tok), now = db::now_utc();
  *s << "INSERT INTO api_token(user_id, token_hash, created_at) VALUES (:u, :h, :n)", soci::use(uid), soci::use(h),
      soci::use(now);
  return tok;
}

std::optional<Actor> resolve_api_token(db::Database& db, std::string_view token) {
  if (token.empty() || token.size() > 128) return std::nullopt;
  // One query for the token and its user (every API request makes it).
  auto s = db.session();
  auto a = actor_where(*s, "FROM api_token t JOIN app_user u ON u.id = t.user_id JOIN role_grant g ON g.user_id = u.id "
                           "JOIN organization o ON o.id = g.org_id WHERE t.token_hash = :k AND t.revoked = 0",
                       sha256_hex(token));
  if (a) a->via_token = true;
  return a;
}

std::string audit_hash(const AuditEntry& e) {
  std::string buf;
  auto add = [&](std::string_view f) {
    buf += std::to_string(f.size());
    buf += ':';
    buf += f;
    buf += '|';
  };
  add(e.prev_hash);
  add(std::to_string(e.seq));
  add(e.at);
  add(e.actor_id ? std::to_string(*e.actor_id) : "");
  add(e.actor_name);
  add(e.action);
  add(e.entity);
  add(e.entity_id);
  add(e.org_path);
  add(e.detail);
  return sha256_hex(buf);
}

namespace {
// Appends one entry inside the caller's transaction: the chain's last entry is read and the new
// one linked to it (PostgreSQL: under an advisory lock held to commit, so two transactions never
// link to the same entry; SQLite: the database's single write lock does that). No lock of the
// process is taken here: one held while waiting for the database's lock deadlocks against a
// transaction that holds the database's lock and wants the process's (seen on PostgreSQL with
// the read-audit writer and concurrent edits).
void append_entry(soci::session& sql, std::optional<int64_t> actor_id, const std::string& actor_name,
                  std::string_view action, std::string_view entity, std::string_view entity_id,
                  std::string_view org_path, std::string_view detail_json, std::string at) {
  if (sql.get_backend_name() == "postgresql") sql << "SELECT pg_advisory_xact_lock(727275)";
  AuditEntry e;
  long long last_seq = 0;
  std::string prev = std::string(64, '0');
  soci::indicator ind = soci::i_null;
  sql << "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", soci::into(last_seq, ind), soci::into(prev);
  if (!sql.got_data()) prev = std::string(64, '0');
  e.seq = (sql.got_data() ? last_seq : 0) + 1;
  e.at = std::move(at);
  e.actor_id = actor_id;
  e.actor_name = actor_name;
  e.action = action;
  e.entity = entity;
  e.entity_id = entity_id;
  e.org_path = org_path;
  e.detail = detail_json;
  e.prev_hash = prev;
  e.hash = audit_hash(e);
  long long seq = e.seq, aid = e.actor_id.value_or(0);
  soci::indicator aind = e.actor_id ? soci::i_ok : soci::i_null;
  sql << "INSERT INTO audit_log(seq, at, actor_id, actor_name, action, entity, entity_id, org_path, detail, "
         "prev_hash, hash) VALUES (:s, :at, :aid, :an, :ac, :en, :ei, :op, :d, :p, :h)",
      soci::use(seq), soci::use(e.at), soci::use(aid, aind), soci::use(e.actor_name), soci::use(e.action),
      soci::use(e.entity), soci::use(e.entity_id), soci::use(e.org_path), soci::use(e.detail),
      soci::use(e.prev_hash), soci::use(e.hash);
}

}  // namespace

void audit_append(soci::session& sql, const Actor* actor, std::string_view action, std::string_view entity,
                  std::string_view entity_id, std::string_view org_path, std::string_view detail_json) {
  append_entry(sql, actor ? std::optional<int64_t>(actor->user_id) : std::nullopt, actor ? actor->username : "system",
               action, entity, entity_id, org_path, detail_json, db::now_utc());
}

// ---- read audits, batched ---------------------------------------------------------------------

struct ReadAuditWriter::Pending {
  std::optional<int64_t> actor_id;
  std::string actor_name, action, entity, entity_id, org_path, detail, at;
};

struct ReadAuditWriter::State {
  std::mutex mu;
  std::condition_variable cv, flushed;
  std::vector<Pending> queue;
  uint64_t pushed = 0, committed = 0;
  bool stop = false, flush_wanted = false;
  std::thread thread;
};

namespace {
std::mutex writer_mu;
ReadAuditWriter* installed_writer = nullptr;
}  // namespace

ReadAuditWriter::ReadAuditWriter(db::Database& db) : db_(db), st_(std::make_unique<State>()) {
  st_->thread = std::thread([this] { run(); });
}

ReadAuditWriter::~ReadAuditWriter() {
  {
    std::lock_guard l(writer_mu);
    if (installed_writer == this) installed_writer = nullptr;
  }
  {
    std::lock_guard l(st_->mu);
    st_->stop = true;
  }
  st_->cv.notify_all();
  st_->thread.join();
}

void ReadAuditWriter::install(ReadAuditWriter* w) {
  std::lock_guard l(writer_mu);
  installed_writer = w;
}

void ReadAuditWriter::push(Pending p) {
  {
    std::lock_guard l(st_->mu);
    st_->queue.push_back(std::move(p));
    ++st_->pushed;
  }
  st_->cv.notify_all();
}

void ReadAuditWriter::flush() {
  std::unique_lock l(st_->mu);
  const uint64_t target = st_->pushed;
  if (st_->committed >= target) return;
  st_->flush_wanted = true;
  st_->cv.notify_all();
  st_->flushed.wait(l, [&] { return st_->committed >= target || st_->stop; });
}

void ReadAuditWriter::run() {
  std::unique_lock l(st_->mu);
  for (;;) {
    st_->cv.wait(l, [&] { return st_->stop || !st_->queue.empty(); });
    if (st_->queue.empty() && st_->stop) break;
    // gather for up to kMaxDelayMs (or until a flush asks, or the batch is large)
    st_->cv.wait_for(l, std::chrono::milliseconds(kMaxDelayMs),
                     [&] { return st_->stop || st_->flush_wanted || st_->queue.size() >= 512; });
    st_->flush_wanted = false;
    std::vector<Pending> batch;
    batch.swap(st_->queue);
    const uint64_t upto = st_->pushed;
    l.unlock();
    for (int attempt = 0;; ++attempt) {
      try {
        auto s = db_.session();
        db::WriteTransaction tx(*s);
        for (auto& p : batch)
          append_entry(*s, p.actor_id, p.actor_name, p.action, p.entity, p.entity_id, p.org_path, p.detail, p.at);
        tx.commit();
        break;
      } catch (const std::exception& e) {
        // the database is busy or gone for a moment: try again, a few times, then keep the
        // entries in the log of the process (never silently)
        if (attempt >= 4) {
          spdlog::error("read audit: {} entries not written: {}", batch.size(), e.what());
          for (auto& p : batch)
            spdlog::error("read audit entry lost: at={} actor={} action={} entity={} id={} org={} detail={}", p.at,
                          p.actor_name, p.action, p.entity, p.entity_id, p.org_path, p.detail);
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100 << attempt));
      }
    }
    l.lock();
    st_->committed = upto;
    st_->flushed.notify_all();
  }
  st_->committed = st_->pushed;
  st_->flushed.notify_all();
}

void audit_read(db::Database& db, const Actor* actor, std::string_view action, std::string_view entity,
                std::string_view entity_id, std::string_view org_path, std::string_view detail_json) {
  {
    std::lock_guard l(writer_mu);
    if (installed_writer && &installed_writer->database() == &db) {
      installed_writer->push(ReadAuditWriter::Pending{
          actor ? std::optional<int64_t>(actor->user_id) : std::nullopt, actor ? actor->username : "system",
          std::string(action), std::string(entity), std::string(entity_id), std::string(org_path),
          std::string(detail_json), db::now_utc()});
      return;
    }
  }
  auto s = db.session();
  db::WriteTransaction tx(*s);
  audit_append(*s, actor, action, entity, entity_id, org_path, detail_json);
  tx.commit();
}

namespace {
// Waits for the read audits queued for `db` (the readers of the log see all of them).
void flush_read_audits(db::Database& db) {
  std::lock_guard l(writer_mu);
  if (installed_writer && &installed_writer->database() == &db) installed_writer->flush();
}
}  // namespace

namespace {
// Reads audit rows with explicit text/integer binds (portable across back ends).
template <class F>
void each_audit(soci::session& sql, const std::string& where, const std::vector<std::string>& params, F&& f) {
  AuditEntry e;
  long long seq = 0, actor = 0;
  soci::indicator aind = soci::i_null;
  soci::statement st(sql);
  st.exchange(soci::into(seq));
  st.exchange(soci::into(e.at));
  st.exchange(soci::into(actor, aind));
  st.exchange(soci::into(e.actor_name));
  st.exchange(soci::into(e.action));
  st.exchange(soci::into(e.entity));
  st.exchange(soci::into(e.entity_id));
  st.exchange(soci::into(e.org_path));
  st.exchange(soci::into(e.detail));
  st.exchange(soci::into(e.prev_hash));
  st.exchange(soci::into(e.hash));
  std::vector<std::string> p = params;
  for (auto& v : p) st.exchange(soci::use(v));
  st.alloc();
  st.prepare("SELECT seq, at, actor_id, actor_name, action, entity, entity_id, org_path, detail, prev_hash, hash "
             "FROM audit_log " + where);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    e.seq = seq;
    e.actor_id = aind == soci::i_ok ? std::optional<int64_t>(actor) : std::nullopt;
    f(e);
  }
}
}  // namespace

std::vector<AuditEntry> audit_for(db::Database& db, std::string_view entity, std::string_view entity_id, int limit) {
  flush_read_audits(db);
  auto s = db.session();
  std::vector<AuditEntry> out;
  each_audit(*s, "WHERE entity = :e AND entity_id = :i ORDER BY seq DESC LIMIT " + std::to_string(std::max(1, limit)),
             {std::string(entity), std::string(entity_id)}, [&](const AuditEntry& e) { out.push_back(e); });
  return out;
}

AuditCheck audit_check(db::Database& db) {
  flush_read_audits(db);
  auto s = db.session();
  std::string prev(64, '0');
  int64_t expected = 1;
  AuditCheck r;
  auto fail = [&](int64_t seq, const char* problem, std::string msg) {
    r.ok = false;
    r.first_bad = seq;
    r.problem = problem;
    r.message = std::move(msg);
  };
  each_audit(*s, "ORDER BY seq", {}, [&](const AuditEntry& e) {
    ++r.entries;
    if (!r.ok) return;
    if (e.seq != expected)
      fail(expected, "missing",
           "Chuỗi nhật ký bị gián đoạn: thiếu mục số " + std::to_string(expected) + " (gặp mục " +
               std::to_string(e.seq) + ")");
    else if (audit_hash(e) != e.hash)
      // the entry's own content no longer matches its hash: it was edited in place
      fail(e.seq, "modified", "Mục nhật ký số " + std::to_string(e.seq) + " đã bị sửa đổi (mã băm không khớp)");
    else if (e.prev_hash != prev)
      fail(e.seq, "unlinked",
           "Mục nhật ký số " + std::to_string(e.seq) + " không nối đúng với mục trước (mục bị xóa, chèn hoặc đổi chỗ)");
    prev = e.hash;
    ++expected;
  });
  return r;
}

std::optional<std::string> audit_verify(db::Database& db) {
  auto r = audit_check(db);
  if (r.ok) return std::nullopt;
  return r.message;
}

namespace {
// End of the materialized-path range of a subtree: "/1/23/" → "/1/230" ('0' follows '/').
std::string path_end(const std::string& p) { return p.empty() ? std::string() : p.substr(0, p.size() - 1) + "0"; }

bool iso_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}
}  // namespace

AuditPage audit_search(db::Database& db, const Actor& a, const AuditQuery& q) {
  if (!role_allows(a.role, Action::read_audit))
    throw Error(ErrorKind::forbidden, "forbidden", "Bạn không có quyền xem nhật ký kiểm tra");
  flush_read_audits(db);
  auto s = db.session();
  std::string where = "WHERE 1=1";
  std::vector<std::string> params;
  // the scope: the actor's subtree, narrowed to an organization's subtree when asked
  std::string scope = a.org_path;
  if (!q.org_code.empty()) {
    std::string code = q.org_code, path;
    *s << "SELECT path FROM organization WHERE code = :c AND valid_to IS NULL", soci::use(code), soci::into(path);
    if (!s->got_data() || !a.in_scope(path))
      throw Error(ErrorKind::not_found, "org.not_found",
                  "Không tìm thấy tổ chức đảng có mã '" + code + "' (hoặc bạn không có quyền xem)");
    scope = path;
  }
  bool root_scope = std::count(a.org_path.begin(), a.org_path.end(), '/') <= 2 && q.org_code.empty();
  if (root_scope) {
    where += " AND ((org_path >= :p0 AND org_path < :p1) OR org_path = '')";
  } else {
    where += " AND org_path >= :p0 AND org_path < :p1";
  }
  params.push_back(scope);
  params.push_back(path_end(scope));
  if (!q.actor.empty()) {
    where += " AND actor_name = :an";
    params.push_back(q.actor);
  }
  if (q.member_id) {
    where += " AND entity = 'member' AND entity_id = :mid";
    params.push_back(std::to_string(*q.member_id));
  }
  if (!q.action.empty()) {
    where += " AND action = :ac";
    params.push_back(q.action);
  }
  if (!q.from.empty()) {
    if (!iso_date(q.from)) throw Error(ErrorKind::bad_request, "from", "Ngày bắt đầu phải có dạng YYYY-MM-DD");
    // Dates are days in Vietnam (UTC+7); `at` is UTC: the day starts at 17:00 UTC the day before.
    where += " AND at >= :f";
    params.push_back(base::add_days(*base::parse_iso_date(q.from), -1).iso() + "T17:00:00.000Z");
  }
  if (!q.to.empty()) {
    if (!iso_date(q.to)) throw Error(ErrorKind::bad_request, "to", "Ngày kết thúc phải có dạng YYYY-MM-DD");
    where += " AND at < :t";
    params.push_back(q.to + "T17:00:00.000Z");  // the end of that day in Vietnam, in UTC
  }
  if (q.before_seq > 0) where += " AND seq < " + std::to_string(q.before_seq);
  int limit = std::clamp(q.limit, 1, 500);
  AuditPage page;
  each_audit(*s, where + " ORDER BY seq DESC LIMIT " + std::to_string(limit + 1), params,
             [&](const AuditEntry& e) { page.items.push_back(e); });
  if ((int)page.items.size() > limit) {
    page.items.pop_back();
    page.next_before = page.items.back().seq;
  }
  return page;
}

std::map<std::string, std::string> org_names_for_paths(db::Database& db, const std::vector<std::string>& paths) {
  std::map<std::string, std::string> out;
  auto s = db.session();
  for (auto& p : paths) {
    if (p.size() < 3 || out.count(p)) continue;
    std::string path = p, name;
    *s << "SELECT name FROM organization WHERE path = :p ORDER BY valid_from DESC LIMIT 1", soci::use(path),
        soci::into(name);
    if (s->got_data()) out[p] = name;
  }
  return out;
}

std::optional<std::string> audit_anchor(db::Database& db, const std::string& file, bool append) {
  flush_read_audits(db);
  std::vector<std::pair<int64_t, std::string>> anchors;
  {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream ls(line);
      long long seq = 0;
      std::string hash;
      if (line.empty() || line[0] == '#' || !(ls >> seq >> hash)) continue;
      anchors.emplace_back(seq, hash);
    }
  }
  auto s = db.session();
  for (auto& [seq, hash] : anchors) {
    long long q = seq;
    std::string h;
    *s << "SELECT hash FROM audit_log WHERE seq = :s", soci::use(q), soci::into(h);
    if (!s->got_data())
      return "Mục nhật ký số " + std::to_string(seq) + " đã ghi trong tệp neo " + file + " nhưng không còn trong cơ sở dữ liệu";
    if (h != hash)
      return "Mục nhật ký số " + std::to_string(seq) + " khác với mã băm đã ghi trong tệp neo " + file +
             " (chuỗi đã bị viết lại)";
  }
  if (append) {
    long long seq = 0;
    std::string hash, at;
    *s << "SELECT seq, hash, at FROM audit_log ORDER BY seq DESC LIMIT 1", soci::into(seq), soci::into(hash), soci::into(at);
    if (s->got_data() && (anchors.empty() || anchors.back().first != seq)) {
      std::ofstream out(file, std::ios::app);
      if (!out) throw Error(ErrorKind::internal, "audit.anchor", "Không ghi được tệp neo " + file);
      if (anchors.empty()) out << "# dangbo audit anchors: SEQ HASH AT (keep this file outside the database)\n";
      out << seq << ' ' << hash << ' ' << at << '\n';
    }
  }
  return std::nullopt;
}

}  // namespace dangbo::security
