// Accounts on a real database (SQLite; PostgreSQL when DANGBO_TEST_PG_URL is set): sign-in with
// per-account and per-address throttling, sessions (fresh id, idle and absolute expiry, sign out
// everywhere), password reset and change, disabling, the TOTP second factor with recovery codes,
// and the audit chain (verification naming the first bad entry, search, anchors).
#include <chrono>
#include <filesystem>
#include <fstream>

#include "fixture.hpp"
#include "registry/service.hpp"
#include "security/crypto.hpp"

using namespace dangbo;
using namespace dangbo::security;
using sectest::kPassword;

namespace {

struct Accounts : sectest::Tree {
  std::string iso_ago(int seconds) {
    auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() - std::chrono::seconds(seconds));
    std::tm tm{};
    gmtime_r(&t, &tm);
    char b[32];
    std::snprintf(b, sizeof b, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec);
    return b;
  }
  int count(const std::string& sql) {
    auto s = db->session();
    int n = 0;
    *s << sql, soci::into(n);
    return n;
  }
  int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

TEST_P(Accounts, SignInGivesAFreshSessionEachTime) {
  EXPECT_EQ(sign_in(*db, "staff", "wrong-password", "10.1.1.1").status, SignInStatus::bad_credentials);
  EXPECT_EQ(sign_in(*db, "nobody", kPassword, "10.1.1.1").status, SignInStatus::bad_credentials);
  auto r = sign_in(*db, "staff", kPassword, "10.1.1.1");
  ASSERT_EQ(r.status, SignInStatus::ok);
  EXPECT_EQ(r.actor->role, Role::staff);
  EXPECT_EQ(r.actor->org_code, "26740");
  auto s1 = create_session(*db, r.user_id, "10.1.1.1"), s2 = create_session(*db, r.user_id, "10.1.1.1");
  EXPECT_NE(s1.cookie_value, s2.cookie_value);
  EXPECT_NE(s1.csrf_token, s2.csrf_token);
  EXPECT_GE(s1.cookie_value.size(), 43u);  // 256 bits
  ASSERT_TRUE(resolve_session(*db, s1.cookie_value));
  EXPECT_EQ(resolve_session(*db, s1.cookie_value)->csrf_token, s1.csrf_token);
  // only the hash of the cookie is stored
  EXPECT_EQ(count("SELECT count(*) FROM app_session WHERE id_hash = '" + s1.cookie_value + "'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM app_session WHERE id_hash = '" + sha256_hex(s1.cookie_value) + "'"), 1);
  delete_session(*db, s1.cookie_value);
  EXPECT_FALSE(resolve_session(*db, s1.cookie_value));
  EXPECT_TRUE(resolve_session(*db, s2.cookie_value));
  // the successful sign-in is in the audit log
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'login' AND entity_id = '" +
                  std::to_string(uid["staff"]) + "'"),
            1);
}

TEST_P(Accounts, FiveWrongPasswordsLockTheAccountForFifteenMinutes) {
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(sign_in(*db, "secretary", "wrong-" + std::to_string(i), "10.2.0." + std::to_string(i)).status,
              SignInStatus::bad_credentials);
  // the right password no longer opens it (from yet another address)
  EXPECT_EQ(sign_in(*db, "secretary", kPassword, "10.2.0.99").status, SignInStatus::bad_credentials);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'lock' AND entity = 'user'"), 1);
  // the lock ends by itself
  {
    auto s = db->session();
    std::string past = iso_ago(1);
    *s << "UPDATE app_user SET locked_until = :p WHERE username = 'secretary'", soci::use(past);
  }
  EXPECT_EQ(sign_in(*db, "secretary", kPassword, "10.2.0.99").status, SignInStatus::ok);
}

TEST_P(Accounts, OneAddressBacksOffThenIsLockedOthersAreNot) {
  const std::string addr = "198.51.100.7";
  for (int i = 1; i < kAddressBackoffAfter; ++i) record_address_failure(*db, addr);
  EXPECT_EQ(address_wait_seconds(*db, addr), 0);
  // the 5th failure (a real attempt) starts the back-off
  EXPECT_EQ(sign_in(*db, "ghost", "x-wrong-password", addr).status, SignInStatus::bad_credentials);
  int w = address_wait_seconds(*db, addr);
  EXPECT_GE(w, 0);
  EXPECT_LE(w, 1);
  {
    auto s = db->session();
    *s << "UPDATE login_throttle SET next_allowed_at = NULL";  // let the back-off pass
  }
  record_address_failure(*db, addr);  // 6th: two seconds
  EXPECT_GE(address_wait_seconds(*db, addr), 1);
  auto r = sign_in(*db, "staff", kPassword, addr);  // even the right password waits
  EXPECT_EQ(r.status, SignInStatus::throttled);
  EXPECT_GE(r.retry_after_s, 1);
  // up to the 20th failure: locked for 15 minutes
  for (int i = 7; i <= kAddressLockAfter; ++i) record_address_failure(*db, addr);
  r = sign_in(*db, "staff", kPassword, addr);
  EXPECT_EQ(r.status, SignInStatus::throttled);
  EXPECT_GT(r.retry_after_s, 14 * 60);
  EXPECT_LE(r.retry_after_s, 15 * 60);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'lock' AND entity = 'client_addr'"), 1);
  // another address signs in; the account itself is not locked
  EXPECT_EQ(sign_in(*db, "staff", kPassword, "198.51.100.8").status, SignInStatus::ok);
  // an old window starts over
  {
    auto s = db->session();
    std::string old = iso_ago(16 * 60);
    *s << "UPDATE login_throttle SET locked_until = NULL, next_allowed_at = NULL, window_start = :o", soci::use(old);
  }
  record_address_failure(*db, addr);
  EXPECT_EQ(count("SELECT failures FROM login_throttle WHERE client_addr = '" + addr + "'"), 1);
}

TEST_P(Accounts, SessionsExpireWhenIdleAndAfterTheAbsoluteLimit) {
  auto idle = create_session(*db, uid["staff"], "x"), old = create_session(*db, uid["staff"], "x"),
       fresh = create_session(*db, uid["staff"], "x");
  auto s = db->session();
  std::string idle_at = iso_ago(kSessionIdleSeconds + 60), recent = iso_ago(kSessionIdleSeconds - 120),
              expired = iso_ago(1);
  std::string h_idle = sha256_hex(idle.cookie_value), h_old = sha256_hex(old.cookie_value),
              h_fresh = sha256_hex(fresh.cookie_value);
  *s << "UPDATE app_session SET last_seen_at = :t WHERE id_hash = :h", soci::use(idle_at), soci::use(h_idle);
  *s << "UPDATE app_session SET expires_at = :t WHERE id_hash = :h", soci::use(expired), soci::use(h_old);
  *s << "UPDATE app_session SET last_seen_at = :t WHERE id_hash = :h", soci::use(recent), soci::use(h_fresh);
  EXPECT_FALSE(resolve_session(*db, idle.cookie_value)) << "idle for more than 30 minutes";
  EXPECT_FALSE(resolve_session(*db, old.cookie_value)) << "past the absolute expiry";
  EXPECT_TRUE(resolve_session(*db, fresh.cookie_value)) << "28 minutes idle is still fine";
  // expired sessions are deleted, and the live one was refreshed
  int n = 0;
  *s << "SELECT count(*) FROM app_session", soci::into(n);
  EXPECT_EQ(n, 1);
  std::string last;
  *s << "SELECT last_seen_at FROM app_session WHERE id_hash = :h", soci::use(h_fresh), soci::into(last);
  EXPECT_GT(last, recent);
  // absolute lifetime is 12 hours from creation
  std::string created, exp;
  *s << "SELECT created_at, expires_at FROM app_session WHERE id_hash = :h", soci::use(h_fresh), soci::into(created),
      soci::into(exp);
  EXPECT_EQ(kSessionAbsoluteSeconds, 12 * 3600);
  EXPECT_GT(exp, iso_ago(-(12 * 3600 - 60)));
}

TEST_P(Accounts, SignOutEverywhere) {
  auto c1 = create_session(*db, uid["staff"], "a"), c2 = create_session(*db, uid["staff"], "b"),
       c3 = create_session(*db, uid["staff"], "c"), other = create_session(*db, uid["admin"], "d");
  EXPECT_EQ(list_sessions(*db, uid["staff"], c2.cookie_value).size(), 3u);
  EXPECT_EQ(revoke_sessions(*db, uid["staff"], c2.cookie_value), 2);
  EXPECT_FALSE(resolve_session(*db, c1.cookie_value));
  EXPECT_TRUE(resolve_session(*db, c2.cookie_value));
  EXPECT_FALSE(resolve_session(*db, c3.cookie_value));
  EXPECT_EQ(revoke_sessions(*db, uid["staff"]), 1);
  EXPECT_FALSE(resolve_session(*db, c2.cookie_value));
  EXPECT_TRUE(resolve_session(*db, other.cookie_value)) << "other users keep their sessions";
}

TEST_P(Accounts, ResetPasswordEndsSessionsAndForcesAChange) {
  auto c = create_session(*db, uid["secretary"], "a");
  std::string pw = reset_password(*db, nullptr, "secretary");
  EXPECT_GE(pw.size(), 16u);
  EXPECT_FALSE(resolve_session(*db, c.cookie_value));
  EXPECT_EQ(sign_in(*db, "secretary", kPassword, "a").status, SignInStatus::bad_credentials);
  auto r = sign_in(*db, "secretary", pw, "a");
  ASSERT_EQ(r.status, SignInStatus::ok);
  EXPECT_TRUE(r.actor->must_change_password);
  auto keep = create_session(*db, r.user_id, "a"), drop = create_session(*db, r.user_id, "b");
  EXPECT_THROW(change_password(*db, *r.actor, "wrong-old-password", "Mat-khau-moi-2026", keep.cookie_value),
               base::Error);
  EXPECT_THROW(change_password(*db, *r.actor, pw, "short", keep.cookie_value), base::Error);
  change_password(*db, *r.actor, pw, "Mat-khau-moi-2026", keep.cookie_value);
  EXPECT_TRUE(resolve_session(*db, keep.cookie_value));
  EXPECT_FALSE(resolve_session(*db, drop.cookie_value));
  EXPECT_FALSE(resolve_session(*db, keep.cookie_value)->must_change_password);
  EXPECT_EQ(sign_in(*db, "secretary", "Mat-khau-moi-2026", "a").status, SignInStatus::ok);
  // a chosen password (read from stdin by the CLI) must be changed too
  reset_password(*db, nullptr, "secretary", "Chon-boi-quan-tri");
  EXPECT_TRUE(sign_in(*db, "secretary", "Chon-boi-quan-tri", "a").actor->must_change_password);
  EXPECT_THROW(reset_password(*db, nullptr, "nobody"), base::Error);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'reset_password'"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'change_password'"), 1);
}

TEST_P(Accounts, DisablingEndsSessionsAndRevokesTokens) {
  auto c = create_session(*db, uid["staff"], "a");
  auto tok = create_api_token(*db, "staff");
  ASSERT_TRUE(resolve_api_token(*db, tok));
  set_user_disabled(*db, nullptr, "staff", true);
  EXPECT_FALSE(resolve_session(*db, c.cookie_value));
  EXPECT_FALSE(resolve_api_token(*db, tok));
  EXPECT_EQ(sign_in(*db, "staff", kPassword, "a").status, SignInStatus::bad_credentials);
  set_user_disabled(*db, nullptr, "staff", false);
  EXPECT_EQ(sign_in(*db, "staff", kPassword, "a").status, SignInStatus::ok);
  EXPECT_FALSE(resolve_api_token(*db, tok)) << "a revoked token stays revoked";
  auto users = list_users(*db);
  ASSERT_EQ(users.size(), 5u);
  EXPECT_EQ(users[0].username, "admin");
}

TEST_P(Accounts, TotpSecondFactorWithRecoveryCodes) {
  auto ring = keys->current();
  auto a = actor("staff");
  auto setup = begin_totp_setup(*db, ring, a);
  auto secret = base32_decode(setup.secret_base32);
  ASSERT_TRUE(secret);
  ASSERT_EQ(secret->size(), 20u);
  EXPECT_NE(setup.uri.find("otpauth://totp/dangbo:staff?secret=" + setup.secret_base32), std::string::npos);
  // the secret is stored sealed: neither it nor its Base32 form is in the table
  {
    auto s = db->session();
    std::string stored;
    *s << "SELECT totp_secret FROM app_user WHERE username = 'staff'", soci::into(stored);
    EXPECT_EQ(stored.find(setup.secret_base32), std::string::npos);
  }
  // not enabled before a code confirms it
  EXPECT_EQ(sign_in(*db, "staff", kPassword, "a").status, SignInStatus::ok);
  EXPECT_THROW(enable_totp(*db, ring, a, "000000"), base::Error);
  const int64_t t0 = unix_now();
  auto codes = enable_totp(*db, ring, a, totp(*secret, t0));
  ASSERT_EQ(codes.size(), 10u);
  EXPECT_EQ(codes[0].size(), 11u);  // XXXXX-XXXXX
  EXPECT_EQ(recovery_codes_left(*db, uid["staff"]), 10);

  // now the password alone gives no session
  auto r = sign_in(*db, "staff", kPassword, "a");
  ASSERT_EQ(r.status, SignInStatus::need_second_factor);
  EXPECT_FALSE(r.actor);
  std::string ch = create_login_challenge(*db, r.user_id, "a");
  EXPECT_FALSE(complete_login_challenge(*db, ring, ch, "123456", "a"));  // (one in a million: wrong)
  // the code of the current step was used by enable_totp: refused as a replay; the next step's works
  EXPECT_FALSE(complete_login_challenge(*db, ring, ch, totp(*secret, t0), "a"));
  auto ok = complete_login_challenge(*db, ring, ch, totp(*secret, t0 + 30), "a");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->username, "staff");
  EXPECT_FALSE(complete_login_challenge(*db, ring, ch, totp(*secret, t0 + 30), "a")) << "challenge used";

  // a recovery code works once, in any case and with or without the dash
  std::string ch2 = create_login_challenge(*db, r.user_id, "a");
  std::string lower = codes[3];
  for (auto& c : lower) c = char(std::tolower((unsigned char)c));
  EXPECT_TRUE(complete_login_challenge(*db, ring, ch2, lower, "a"));
  std::string ch3 = create_login_challenge(*db, r.user_id, "a");
  EXPECT_FALSE(complete_login_challenge(*db, ring, ch3, codes[3], "a")) << "recovery codes are one-time";
  EXPECT_EQ(recovery_codes_left(*db, uid["staff"]), 9);

  // five wrong attempts end a challenge
  std::string ch4 = create_login_challenge(*db, r.user_id, "b");
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(complete_login_challenge(*db, ring, ch4, "ZZZZZ-ZZZZZ", "b"));
  EXPECT_FALSE(complete_login_challenge(*db, ring, ch4, codes[5], "b")) << "challenge spent";
  // … and the wrong codes locked the account like wrong passwords
  EXPECT_EQ(sign_in(*db, "staff", kPassword, "c").status, SignInStatus::bad_credentials);

  // disabling needs the password
  auto a2 = actor("staff");
  EXPECT_THROW(disable_totp(*db, a2, "wrong"), base::Error);
  reset_totp(*db, nullptr, "staff");
  EXPECT_FALSE(actor("staff").totp_enabled);
  EXPECT_EQ(recovery_codes_left(*db, uid["staff"]), 0);
}

// ---- audit chain ---------------------------------------------------------------------------

struct Audit : Accounts {
  void make_entries() {
    registry::RegistryService svc(*db);
    auto admin = actor("admin"), staff = actor("staff");
    svc.member(staff, a1);  // view, ward A
    svc.member(staff, a2);  // view, ward A
    svc.member(admin, b1);  // view, ward B
    svc.update_member(admin, a1, {{"occupation", "Giáo viên"}}, std::nullopt);
    svc.update_member(admin, b1, {{"occupation", "Kỹ sư"}}, std::nullopt);
  }
  int64_t entries() { return count("SELECT count(*) FROM audit_log"); }
};

TEST_P(Audit, VerifyNamesTheFirstChangedEntry) {
  make_entries();
  auto ok = audit_check(*db);
  ASSERT_TRUE(ok.ok) << ok.message;
  EXPECT_EQ(ok.entries, entries());
  auto s = db->session();
  // one byte of entry 9 (the update of a1: one letter of its JSON detail)
  // entries: 1-5 user creations, 6-8 views, 9-10 updates
  *s << "UPDATE audit_log SET detail = replace(detail, 'Giáo', 'Giao') WHERE seq = 9";
  auto bad = audit_check(*db);
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.first_bad, 9);
  EXPECT_EQ(bad.problem, "modified");
  EXPECT_NE(bad.message.find("số 9"), std::string::npos) << bad.message;
  EXPECT_EQ(audit_verify(*db), bad.message);
}

TEST_P(Audit, VerifyNamesADeletedEntry) {
  make_entries();
  auto s = db->session();
  *s << "DELETE FROM audit_log WHERE seq = 6";
  auto bad = audit_check(*db);
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.first_bad, 6);
  EXPECT_EQ(bad.problem, "missing");
  EXPECT_NE(bad.message.find("thiếu mục số 6"), std::string::npos) << bad.message;
  // deleting the last entries is caught by an anchor (below), not by the chain
}

TEST_P(Audit, VerifyNamesSwappedEntries) {
  make_entries();
  auto s = db->session();
  // swap entries 7 and 8 whole (their sequence numbers travel with them)
  *s << "UPDATE audit_log SET seq = -7 WHERE seq = 7";
  *s << "UPDATE audit_log SET seq = 7 WHERE seq = 8";
  *s << "UPDATE audit_log SET seq = 8 WHERE seq = -7";
  auto bad = audit_check(*db);
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.first_bad, 7);
  EXPECT_NE(bad.message.find("số 7"), std::string::npos) << bad.message;
}

TEST_P(Audit, AnchorFileCatchesARewrittenChainAndTruncation) {
  make_entries();
  std::string anchor = (dir / "anchor.txt").string();
  std::filesystem::create_directories(dir);
  ASSERT_FALSE(audit_anchor(*db, anchor));  // writes the head
  int64_t head = entries();
  // rewrite entry 3 and recompute every hash after it: the chain alone verifies again …
  {
    auto s = db->session();
    *s << "UPDATE audit_log SET actor_name = 'someone-else' WHERE seq = 3";
    std::string prev(64, '0');
    for (long long seq = 1; seq <= head; ++seq) {
      AuditEntry e;
      long long actor = 0;
      soci::indicator ai = soci::i_null;
      *s << "SELECT seq, at, actor_id, actor_name, action, entity, entity_id, org_path, detail FROM audit_log "
            "WHERE seq = :s",
          soci::use(seq), soci::into(e.seq), soci::into(e.at), soci::into(actor, ai), soci::into(e.actor_name),
          soci::into(e.action), soci::into(e.entity), soci::into(e.entity_id), soci::into(e.org_path),
          soci::into(e.detail);
      if (ai == soci::i_ok) e.actor_id = actor;
      e.prev_hash = prev;
      e.hash = audit_hash(e);
      *s << "UPDATE audit_log SET prev_hash = :p, hash = :h WHERE seq = :s", soci::use(e.prev_hash), soci::use(e.hash),
          soci::use(seq);
      prev = e.hash;
    }
  }
  EXPECT_TRUE(audit_check(*db).ok);
  // … but not against the anchor kept outside the database
  auto bad = audit_anchor(*db, anchor, false);
  ASSERT_TRUE(bad);
  EXPECT_NE(bad->find("số " + std::to_string(head)), std::string::npos) << *bad;
  // truncating the newest entries is caught too
  {
    auto s = db->session();
    *s << "DELETE FROM audit_log WHERE seq = " + std::to_string(head);
  }
  EXPECT_TRUE(audit_check(*db).ok);
  EXPECT_TRUE(audit_anchor(*db, anchor, false));
}

TEST_P(Audit, SearchIsScopedFilteredAndKeysetPaged) {
  make_entries();
  auto auditor = actor("auditor");  // ward A
  auto page = audit_search(*db, auditor, AuditQuery{});
  ASSERT_FALSE(page.items.empty());
  for (auto& e : page.items) EXPECT_EQ(e.org_path.rfind(ward_a.path, 0), 0u) << e.seq << " " << e.org_path;
  // ward B's member never shows up for the ward A auditor
  AuditQuery qb;
  qb.member_id = b1;
  EXPECT_TRUE(audit_search(*db, auditor, qb).items.empty());
  // by member: the two views and the update of a1
  AuditQuery qm;
  qm.member_id = a1;
  auto pm = audit_search(*db, auditor, qm);
  ASSERT_EQ(pm.items.size(), 2u);
  EXPECT_EQ(pm.items[0].action, "update");
  EXPECT_EQ(pm.items[1].action, "view");
  // by actor
  AuditQuery qa;
  qa.actor = "staff";
  qa.action = "view";
  EXPECT_EQ(audit_search(*db, auditor, qa).items.size(), 2u);
  // by organization: inside the scope, and one outside it
  AuditQuery qo;
  qo.org_code = "26740.01";  // views of a1 and a2, the update of a1, the creation of secretary and member
  EXPECT_EQ(audit_search(*db, auditor, qo).items.size(), 5u);
  qo.org_code = "26737";
  EXPECT_THROW(audit_search(*db, auditor, qo), base::Error);
  // by time
  AuditQuery qt;
  qt.to = "2000-01-01";
  EXPECT_TRUE(audit_search(*db, auditor, qt).items.empty());
  qt.to.clear();
  qt.from = base::today().iso();
  EXPECT_FALSE(audit_search(*db, auditor, qt).items.empty());
  qt.from = "01/02/2025";
  EXPECT_THROW(audit_search(*db, auditor, qt), base::Error);
  // keyset paging: the admin (root scope) walks every entry, two at a time, newest first
  auto admin = actor("admin");
  std::vector<int64_t> seen;
  AuditQuery qp;
  qp.limit = 2;
  for (int guard = 0; guard < 100; ++guard) {
    auto p = audit_search(*db, admin, qp);
    for (auto& e : p.items) seen.push_back(e.seq);
    if (!p.next_before) break;
    qp.before_seq = p.next_before;
  }
  ASSERT_EQ(int64_t(seen.size()), entries());
  for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_EQ(seen[i], seen[i - 1] - 1);
  // only auditors and administrators read the log
  for (auto role : {"staff", "secretary", "member"}) EXPECT_THROW(audit_search(*db, actor(role), AuditQuery{}), base::Error);
}

INSTANTIATE_TEST_SUITE_P(Backends, Accounts, ::testing::ValuesIn(dangbo::testing::backends()), sectest::backend_name);
INSTANTIATE_TEST_SUITE_P(Backends, Audit, ::testing::ValuesIn(dangbo::testing::backends()), sectest::backend_name);

}  // namespace
