// libFuzzer target: what an attacker controls about a session — the Cookie and Authorization
// headers, X-Forwarded-For, a TOTP or recovery code, and sealed values — pushed through the real
// code: Request::cookie, web::route's authentication (session cookie → security::resolve_session,
// bearer → resolve_api_token) over an in-memory SQLite database that holds one real session and
// one token, CSRF on a POST, client_addr behind a trusted proxy, base32/TOTP parsing, and
// Keyring::open on forged ciphertexts. Invariants (abort on violation): only the real cookie or
// token signs in; a forged sealed value never opens; a POST with a cookie but without the real
// CSRF token is refused.
#include <soci/soci.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "base/error.hpp"
#include "security/crypto.hpp"
#include "security/security.hpp"
#include "web/web.hpp"

using namespace dangbo;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

struct World {
  std::unique_ptr<db::Database> db;
  std::unique_ptr<web::I18n> i18n;
  std::unique_ptr<web::Renderer> renderer;
  std::unique_ptr<web::Context> ctx;
  http::Router router;
  security::NewSession session;
  std::string token;
  security::Keyring ring;
  security::Sealed sealed;

  World() {
    std::string root = DANGBO_SOURCE_DIR;
    db = std::make_unique<db::Database>(db::DbUrl::parse("sqlite::memory:"), 1);
    db::migrate(*db, root + "/migrations");
    {
      auto s = db->session();
      std::string now = db::now_utc();
      *s << "INSERT INTO organization(code, name, name_key, kind, valid_from, path, created_at) "
            "VALUES ('HCM', 'Đảng bộ Thành phố', 'dang bo thanh pho', 'city', '2025-07-01', '/1/', :n)",
          soci::use(now);
    }
    int64_t uid = security::add_user(*db, "fuzz", "Mat-khau-2025!", security::Role::staff, "HCM");
    // fixed credentials (stored as the code stores them: hashes only), so that the seed corpus
    // can hold the real ones and the fuzzer explores both sides of every check
    session.cookie_value = "fuzz-session-cookie-0123456789abcdefghijklmnopq";
    session.csrf_token = "fuzz-csrf-token-0123456789abcd";
    token = "dbt_fuzz-token-0123456789abcdefghijklmnopqrstu";
    {
      auto s = db->session();
      std::string h = security::sha256_hex(session.cookie_value), th = security::sha256_hex(token),
                  now = db::now_utc(), exp = "2999-01-01T00:00:00.000Z";
      long long u = uid;
      *s << "INSERT INTO app_session(id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, client_addr) "
            "VALUES (:h, :u, :c, :n, '2999-01-01T00:00:00.000Z', :e, 'x')",
          soci::use(h), soci::use(u), soci::use(session.csrf_token), soci::use(now), soci::use(exp);
      *s << "INSERT INTO api_token(user_id, token_hash, created_at) VALUES (:u, :h, :n)", soci::use(u), soci::use(th),
          soci::use(now);
    }
    i18n = std::make_unique<web::I18n>();
    i18n->load(root + "/web/i18n");
    renderer = std::make_unique<web::Renderer>(root + "/web/templates", *i18n);
    ctx = std::make_unique<web::Context>(*db, *renderer);
    ctx->trusted_proxy = "10.0.0.1";
    auto h = [](http::Request&, const security::Actor* a) { return http::Response::text(a ? a->username : "-"); };
    web::route(router, *ctx, "GET", "/page", "org.read", h);
    web::route(router, *ctx, "POST", "/change", "member.edit", h);
    auto [id, key] = security::Keyring::generate();
    ring.add_active(key);
    sealed = ring.seal("Ghi chú thẩm tra", "member_sensitive:1:vetting_notes");
  }
};

World& world() {
  static World* w = new World;
  return *w;
}

http::Response call(World& w, const std::string& method, const std::string& path, http::Request req) {
  req.method = method;
  req.target = path;
  req.path = path;
  const http::Handler* h = w.router.match(req);
  return web::make_middleware(*w.ctx)(req, *h);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World& w = world();
  std::string in(reinterpret_cast<const char*>(data), size);
  // up to four fields separated by '\n': Cookie, Authorization, X-Forwarded-For, a code
  std::string f[4];
  {
    std::size_t start = 0;
    for (int i = 0; i < 4; ++i) {
      auto nl = in.find('\n', start);
      f[i] = in.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }
  for (auto& s : f)
    if (s.size() > 4096) s.resize(4096);

  http::Request req;
  req.headers["Cookie"] = f[0];
  if (!f[1].empty()) req.headers["Authorization"] = f[1];
  req.headers["X-Forwarded-For"] = f[2];
  req.remote_addr = "10.0.0.1";
  (void)req.cookie(web::kSessionCookie);
  (void)web::client_addr(*w.ctx, req);

  auto resp = call(w, "GET", "/page", req);
  bool real_cookie = req.cookie(web::kSessionCookie) == w.session.cookie_value;
  bool real_token = f[1] == "Bearer " + w.token;
  if (resp.status == 200) check(real_cookie || real_token);  // only the real credentials sign in
  if (real_token) check(resp.status == 200);

  // CSRF: a POST with the cookie and whatever token the input holds
  http::Request post = req;
  post.headers.erase("Authorization");
  post.headers["X-CSRF-Token"] = f[3];
  auto pr = call(w, "POST", "/change", post);
  if (pr.status == 200) check(f[3] == w.session.csrf_token && post.cookie(web::kSessionCookie) == w.session.cookie_value);

  // second-factor input
  if (auto raw = security::base32_decode(f[3])) (void)security::totp_match(*raw, f[3], 1700000000, 0);
  (void)security::totp_match("12345678901234567890", f[3], 1700000000, 0);
  (void)security::parse_role(f[3]);

  // forged sealed values never open
  security::Sealed forged{f[0], f[1], f[2].empty() ? w.sealed.key_id : f[2]};
  if (!(forged.ciphertext == w.sealed.ciphertext && forged.nonce == w.sealed.nonce)) {
    try {
      (void)w.ring.open(forged, "member_sensitive:1:vetting_notes");
      std::abort();
    } catch (const base::Error&) {
    }
  }
  return 0;
}
