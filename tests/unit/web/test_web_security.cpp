// The web tier's protections, through the real route wrapper and middleware over a temporary
// SQLite database: CSRF on state-changing requests, sign-in cookies (HttpOnly, SameSite=Strict,
// Secure behind TLS, a fresh session id), no open redirect after sign-in, the forced password
// change, rate limits (429 + Retry-After + Vietnamese problem detail), the trusted proxy, the
// response headers; the database out of reach (503, JSON health check); and that no template
// carries inline script or style (the CSP forbids them).
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <strings.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <boost/json.hpp>

#include "base/error.hpp"
#include "common/temp_db.hpp"
#include "security/rate_limit.hpp"
#include "web/routes.hpp"
#include "web/web.hpp"

using namespace dangbo;
namespace fs = std::filesystem;

namespace {

const std::string kSrc = DANGBO_SOURCE_DIR;

TEST(Templates, NoInlineScriptNoInlineStyleEverythingAutoEscaped) {
  int n = 0;
  const std::regex inline_script(R"(<script(?![^>]*\bsrc=)[^>]*>)", std::regex::icase);
  const std::regex handler(R"(\son[a-z]+\s*=)", std::regex::icase);
  const std::regex style_attr(R"(\sstyle\s*=)", std::regex::icase);
  for (auto& e : fs::directory_iterator(kSrc + "/web/templates")) {
    if (e.path().extension() != ".tpl") continue;
    std::ifstream f(e.path());
    std::stringstream ss;
    ss << f.rdbuf();
    std::string t = ss.str(), name = e.path().filename().string();
    ++n;
    EXPECT_EQ(t.rfind("{{%AUTOESCAPE context=\"HTML\"}}", 0), 0u) << name << " must start with AUTOESCAPE HTML";
    EXPECT_FALSE(std::regex_search(t, inline_script)) << name << ": inline <script> (CSP script-src 'self')";
    EXPECT_EQ(t.find("<style"), std::string::npos) << name << ": <style> element (CSP style-src 'self')";
    EXPECT_FALSE(std::regex_search(t, style_attr)) << name << ": style attribute (CSP style-src 'self')";
    EXPECT_FALSE(std::regex_search(t, handler)) << name << ": inline event handler";
    EXPECT_EQ(t.find("javascript:"), std::string::npos) << name;
    EXPECT_EQ(t.find("hx-on"), std::string::npos) << name << ": hx-on needs eval";
    // every state-changing form carries the CSRF token (sign-in forms their own)
    for (std::size_t p = t.find("method=\"post\""); p != std::string::npos; p = t.find("method=\"post\"", p + 1)) {
      auto end = t.find("</form>", p);
      std::string form = t.substr(p, end - p);
      EXPECT_TRUE(form.find("name=\"csrf\"") != std::string::npos) << name << ": a POST form without csrf";
    }
  }
  EXPECT_GE(n, 15);
  // app.js sends the token with every htmx request
  std::ifstream js(kSrc + "/web/static/app.js");
  std::stringstream js_text;
  js_text << js.rdbuf();
  EXPECT_NE(js_text.str().find("evt.detail.headers['X-CSRF-Token'] = token"), std::string::npos);
}

struct Guard : ::testing::Test {
  std::unique_ptr<dangbo::testing::TempDatabase> tmp;
  web::I18n i18n;
  std::unique_ptr<web::Renderer> renderer;
  std::unique_ptr<web::Context> ctx;
  http::Router router;
  int64_t uid = 0;
  std::string password = "Mat-khau-2025!";

  void SetUp() override {
    tmp = dangbo::testing::TempDatabase::make("sqlite");
    auto& db = tmp->db();
    {
      auto s = db.session();
      std::string now = db::now_utc();
      *s << "INSERT INTO organization(code, name, name_key, kind, valid_from, path, created_at) "
            "VALUES ('HCM', 'Đảng bộ Thành phố', 'dang bo thanh pho', 'city', '2025-07-01', '/1/', :n)",
          soci::use(now);
    }
    uid = security::add_user(db, "staff", password, security::Role::staff, "HCM");
    i18n.load(kSrc + "/web/i18n");
    renderer = std::make_unique<web::Renderer>(kSrc + "/web/templates", i18n);
    ctx = std::make_unique<web::Context>(db, *renderer);
    web::register_auth_routes(router, *ctx);
    auto ok = [](http::Request&, const security::Actor* a) { return http::Response::json("{\"user\":\"" + a->username + "\"}"); };
    web::route(router, *ctx, "POST", "/change", "member.edit", ok);
    web::route(router, *ctx, "GET", "/page", "org.read", ok);
    web::route(router, *ctx, "GET", "/api/v1/thing", "org.read", ok);
    web::route(router, *ctx, "GET", "/account/password", "account.password", ok);
  }

  http::Response call(const std::string& method, const std::string& target, std::map<std::string, std::string> headers = {},
                      const std::string& body = "", const std::string& remote = "192.0.2.1") {
    http::Request req;
    req.method = method;
    req.target = target;
    auto q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) req.query = http::parse_query(target.substr(q + 1));
    for (auto& [k, v] : headers) req.headers[k] = v;
    req.body = body;
    req.remote_addr = remote;
    const http::Handler* h = router.match(req);
    if (!h) throw std::runtime_error("no route " + target);
    return web::make_middleware(*ctx)(req, *h);
  }
  static std::string header(const http::Response& r, const std::string& name) {
    std::string all;
    for (auto& [k, v] : r.headers)
      if (strcasecmp(k.c_str(), name.c_str()) == 0) all += (all.empty() ? "" : "\n") + v;
    return all;
  }
  // Signs in through the real form; returns the Set-Cookie lines of the answer.
  http::Response sign_in(const std::string& next = "/", const std::string& old_session = "") {
    auto page = call("GET", "/login");
    std::smatch m;
    std::string sc = header(page, "Set-Cookie");
    std::regex re("dangbo_login_csrf=([^;]+)");
    if (!std::regex_search(sc, m, re)) throw std::runtime_error("no login csrf cookie");
    std::string token = m[1];
    std::string cookie = "dangbo_login_csrf=" + token + (old_session.empty() ? "" : "; dangbo_session=" + old_session);
    return call("POST", "/login",
                {{"Content-Type", "application/x-www-form-urlencoded"}, {"Cookie", cookie}},
                "username=staff&password=" + http::url_encode(password) + "&csrf=" + token + "&next=" + http::url_encode(next));
  }
  static std::string session_of(const http::Response& r) {
    std::smatch m;
    std::string sc = header(r, "Set-Cookie");
    std::regex re("dangbo_session=([^;]+)");
    return std::regex_search(sc, m, re) ? std::string(m[1]) : "";
  }
};

TEST_F(Guard, StateChangingRequestsWithACookieNeedTheCsrfToken) {
  auto ns = security::create_session(tmp->db(), uid, "x");
  std::string cookie = std::string(web::kSessionCookie) + "=" + ns.cookie_value;
  EXPECT_EQ(call("POST", "/change", {{"Cookie", cookie}}).status, 403);
  auto wrong = call("POST", "/change", {{"Cookie", cookie}, {"X-CSRF-Token", ns.csrf_token + "x"}});
  EXPECT_EQ(wrong.status, 403);
  EXPECT_NE(wrong.body.find("CSRF"), std::string::npos);
  EXPECT_EQ(call("POST", "/change", {{"Cookie", cookie}, {"X-CSRF-Token", ns.csrf_token}}).status, 200);  // htmx
  EXPECT_EQ(call("POST", "/change", {{"Cookie", cookie}, {"Content-Type", "application/x-www-form-urlencoded"}},
                 "csrf=" + ns.csrf_token)
                .status,
            200);  // forms
  // a file upload from a plain form (no JavaScript): the token is a text field of the multipart body
  auto upload = [&](const std::string& token_part) {
    std::string body = token_part + "--zz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nSTT\r\n--zz--\r\n";
    return call("POST", "/change", {{"Cookie", cookie}, {"Content-Type", "multipart/form-data; boundary=zz"}}, body).status;
  };
  auto field = [](const std::string& name, const std::string& value, const std::string& filename = "") {
    return "--zz\r\nContent-Disposition: form-data; name=\"" + name + "\"" +
           (filename.empty() ? "" : "; filename=\"" + filename + "\"") + "\r\n\r\n" + value + "\r\n";
  };
  EXPECT_EQ(upload(field("csrf", ns.csrf_token)), 200);
  EXPECT_EQ(upload(field("csrf", ns.csrf_token + "x")), 403);
  EXPECT_EQ(upload(""), 403);
  EXPECT_EQ(upload(field("csrf", ns.csrf_token, "csrf.txt")), 403);  // a file is not the field
  // a token from another session does not do
  auto other = security::create_session(tmp->db(), uid, "y");
  EXPECT_EQ(call("POST", "/change", {{"Cookie", cookie}, {"X-CSRF-Token", other.csrf_token}}).status, 403);
  // reads need none; bearer tokens need none (a browser never sends them by itself)
  EXPECT_EQ(call("GET", "/page", {{"Cookie", cookie}}).status, 200);
  auto tok = security::create_api_token(tmp->db(), "staff");
  EXPECT_EQ(call("POST", "/change", {{"Authorization", "Bearer " + tok}}).status, 200);
  // no session: to the sign-in page
  EXPECT_EQ(call("POST", "/change").status, 303);
  EXPECT_EQ(call("GET", "/api/v1/thing").status, 401);
}

// A JSON body above 1 MiB is refused as too large (413), whatever the server-wide limit for
// uploads; a CSV or multipart body of the same size reaches the handler.
TEST_F(Guard, AJsonBodyAboveOneMebibyteIs413) {
  auto tok = security::create_api_token(tmp->db(), "staff");
  const std::string big = "{\"occupation\":\"" + std::string((1 << 20) + 1, 'x') + "\"}";
  auto r = call("POST", "/change", {{"Authorization", "Bearer " + tok}, {"Content-Type", "application/json; charset=utf-8"}}, big);
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("1048576"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("Nội dung quá lớn"), std::string::npos);  // a page: the error page in Vietnamese
  const std::string fits = "{\"occupation\":\"" + std::string((1 << 20) - 40, 'x') + "\"}";
  EXPECT_EQ(call("POST", "/change", {{"Authorization", "Bearer " + tok}, {"Content-Type", "application/json"}}, fits).status, 200);
  EXPECT_EQ(call("POST", "/change", {{"Authorization", "Bearer " + tok}, {"Content-Type", "text/csv"}}, big).status, 200);
}

TEST_F(Guard, SignInSetsAStrictHttpOnlyCookieWithAFreshIdAndEndsTheOldSession) {
  auto r = sign_in();
  ASSERT_EQ(r.status, 303) << r.body;
  std::string sc = header(r, "Set-Cookie");
  std::string line;
  for (std::istringstream in(sc); std::getline(in, line);)
    if (line.rfind("dangbo_session=", 0) == 0) break;
  EXPECT_NE(line.find("HttpOnly"), std::string::npos) << line;
  EXPECT_NE(line.find("SameSite=Strict"), std::string::npos) << line;
  EXPECT_NE(line.find("Path=/"), std::string::npos) << line;
  EXPECT_EQ(line.find("Secure"), std::string::npos) << "plain HTTP: no Secure flag";
  std::string first = session_of(r);
  ASSERT_FALSE(first.empty());
  // signing in again while holding that session: a new id, and the old one is gone
  auto r2 = sign_in("/", first);
  std::string second = session_of(r2);
  EXPECT_NE(second, first);
  EXPECT_FALSE(security::resolve_session(tmp->db(), first));
  EXPECT_TRUE(security::resolve_session(tmp->db(), second));
  // behind TLS every cookie is Secure and answers carry HSTS
  ctx->secure_cookies = true;
  auto r3 = sign_in();
  for (std::istringstream in(header(r3, "Set-Cookie")); std::getline(in, line);)
    EXPECT_NE(line.find("; Secure"), std::string::npos) << line;
  EXPECT_NE(header(r3, "Strict-Transport-Security").find("max-age="), std::string::npos);
}

TEST_F(Guard, NoOpenRedirectAfterSignIn) {
  for (std::string next : {"//evil.example/", "/\\evil.example", "/\t/evil.example", "https://evil.example/",
                           "javascript:alert(1)", "/%0a/evil"}) {
    auto r = sign_in(next);
    std::string loc = header(r, "Location");
    if (next == "/%0a/evil")
      EXPECT_EQ(loc, next);  // still a local path (the browser does not decode it into a newline)
    else
      EXPECT_EQ(loc, "/") << "next=" << next;
  }
  EXPECT_EQ(header(sign_in("/orgs/HCM?q=a"), "Location"), "/orgs/HCM?q=a");
}

TEST_F(Guard, AfterAResetOnlyThePasswordChangeIsReachable) {
  std::string pw = security::reset_password(tmp->db(), nullptr, "staff");
  password = pw;
  auto r = sign_in("/page");
  EXPECT_EQ(header(r, "Location"), "/account/password");
  std::string cookie = std::string(web::kSessionCookie) + "=" + session_of(r);
  auto page = call("GET", "/page", {{"Cookie", cookie}});
  EXPECT_EQ(page.status, 303);
  EXPECT_EQ(header(page, "Location"), "/account/password");
  EXPECT_EQ(call("GET", "/api/v1/thing", {{"Cookie", cookie}}).status, 403);
  EXPECT_EQ(call("GET", "/account/password", {{"Cookie", cookie}}).status, 200);
}

TEST_F(Guard, RateLimitsAnswer429WithRetryAfterAndAVietnameseProblem) {
  security::RateLimiter api(2, 0.5), login(1, 1.0 / 60);
  ctx->api_limiter = &api;
  ctx->login_limiter = &login;
  auto tok = security::create_api_token(tmp->db(), "staff");
  std::map<std::string, std::string> h = {{"Authorization", "Bearer " + tok}};
  EXPECT_EQ(call("GET", "/api/v1/thing", h).status, 200);
  EXPECT_EQ(call("GET", "/api/v1/thing", h).status, 200);
  auto r = call("GET", "/api/v1/thing", h);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(header(r, "Retry-After"), "2");
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_NE(r.body.find("\"status\":429"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("Xin thử lại sau 2 giây"), std::string::npos) << r.body;
  // another address is not limited; pages are not limited by the API bucket
  EXPECT_EQ(call("GET", "/api/v1/thing", h, "", "192.0.2.99").status, 200);
  EXPECT_EQ(call("GET", "/page", h).status, 200);
  // sign-in: the second POST within a minute from one address
  EXPECT_NE(sign_in().status, 429);
  auto again = sign_in();
  EXPECT_EQ(again.status, 429);
  EXPECT_EQ(header(again, "Retry-After"), "60");
  EXPECT_NE(again.body.find("Quá nhiều yêu cầu"), std::string::npos);
}

TEST_F(Guard, TheClientAddressComesFromXForwardedForOnlyThroughTheTrustedProxy) {
  http::Request req;
  req.remote_addr = "10.0.0.5";
  req.headers["X-Forwarded-For"] = "203.0.113.9, 198.51.100.4";
  EXPECT_EQ(web::client_addr(*ctx, req), "10.0.0.5");
  ctx->trusted_proxy = "10.0.0.5";
  EXPECT_EQ(web::client_addr(*ctx, req), "198.51.100.4") << "the hop our proxy added, not what the client claims";
  req.remote_addr = "10.0.0.6";
  EXPECT_EQ(web::client_addr(*ctx, req), "10.0.0.6");
}

TEST_F(Guard, ResponsesCarryTheSecurityHeaders) {
  auto tok = security::create_api_token(tmp->db(), "staff");
  auto r = call("GET", "/api/v1/thing", {{"Authorization", "Bearer " + tok}});
  EXPECT_EQ(header(r, "Cache-Control"), "no-store");
  EXPECT_EQ(header(r, "Cross-Origin-Opener-Policy"), "same-origin");
  EXPECT_NE(header(r, "Permissions-Policy").find("camera=()"), std::string::npos);
  EXPECT_EQ(header(r, "Strict-Transport-Security"), "") << "only behind TLS";
  // an error inside a handler shows no internal detail
  web::route(router, *ctx, "GET", "/boom", "org.read", [](http::Request&, const security::Actor*) -> http::Response {
    throw base::Error(base::ErrorKind::internal, "x", "SELECT secret FROM table failed at /srv/db");
  });
  auto b = call("GET", "/boom", {{"Authorization", "Bearer " + tok}});
  EXPECT_EQ(b.status, 500);
  EXPECT_EQ(b.body.find("SELECT secret"), std::string::npos) << b.body;
}

// The database out of reach (SQLite locked past busy_timeout, PostgreSQL refusing connections)
// is 503 with Retry-After: problem+json with a Vietnamese title under /api/, a Vietnamese page
// elsewhere; other failures stay 500.
TEST_F(Guard, TheDatabaseOutOfReachIs503WithAVietnameseProblemOrPage) {
  auto tok = security::create_api_token(tmp->db(), "staff");
  std::map<std::string, std::string> h = {{"Authorization", "Bearer " + tok}};
  auto locked = [](http::Request&, const security::Actor*) -> http::Response {
    throw soci::sqlite3_soci_error("sqlite3_statement_backend::loadOne: database is locked", 5 /* SQLITE_BUSY */);
  };
  auto refused = [](http::Request&, const security::Actor*) -> http::Response {
    throw soci::soci_error("Cannot establish connection to the database.\nconnection to server on socket "
                           "\"/run/postgresql/.s.PGSQL.5432\" failed: No such file or directory");
  };
  auto broken = [](http::Request&, const security::Actor*) -> http::Response {
    throw soci::sqlite3_soci_error("UNIQUE constraint failed: member.citizen_id", 19 /* SQLITE_CONSTRAINT */);
  };
  web::route(router, *ctx, "GET", "/api/v1/locked", "org.read", locked);
  web::route(router, *ctx, "GET", "/api/v1/refused", "org.read", refused);
  web::route(router, *ctx, "GET", "/locked", "org.read", locked);
  web::route(router, *ctx, "GET", "/api/v1/broken", "org.read", broken);
  for (const char* path : {"/api/v1/locked", "/api/v1/refused"}) {
    auto r = call("GET", path, h);
    EXPECT_EQ(r.status, 503) << path << ": " << r.body;
    EXPECT_EQ(r.content_type, "application/problem+json") << path;
    EXPECT_EQ(header(r, "Retry-After"), "10") << path;
    auto p = boost::json::parse(r.body).as_object();
    EXPECT_EQ(p.at("status").as_int64(), 503);
    EXPECT_EQ(p.at("title").as_string(), "Cơ sở dữ liệu tạm thời không truy cập được") << r.body;
    EXPECT_NE(std::string(p.at("detail").as_string()).find("xin thử lại sau"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("sqlite"), std::string::npos) << "no internal detail: " << r.body;
    EXPECT_EQ(r.body.find("socket"), std::string::npos) << "no internal detail: " << r.body;
  }
  auto page = call("GET", "/locked", h);
  EXPECT_EQ(page.status, 503);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(header(page, "Retry-After"), "10");
  EXPECT_NE(page.body.find("Cơ sở dữ liệu tạm thời không truy cập được"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("(503)"), std::string::npos);
  EXPECT_EQ(page.body.find("database is locked"), std::string::npos);
  auto b = call("GET", "/api/v1/broken", h);
  EXPECT_EQ(b.status, 500) << "a broken constraint is a fault, not an outage";
  EXPECT_EQ(b.body.find("UNIQUE"), std::string::npos) << b.body;
}

// GET /healthz answers JSON, also to a browser whose session cookie is stale.
TEST_F(Guard, TheHealthCheckAnswersJson) {
  for (std::map<std::string, std::string> h : std::vector<std::map<std::string, std::string>>{
           {}, {{"Cookie", std::string(web::kSessionCookie) + "=stale"}}, {{"Accept", "text/html"}}}) {
    auto r = call("GET", "/healthz", h);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.content_type.rfind("application/json", 0), 0u) << r.content_type;
    EXPECT_EQ(boost::json::parse(r.body), boost::json::parse(R"({"status":"ok","database":"ok"})")) << r.body;
    EXPECT_EQ(header(r, "Cache-Control"), "no-store");
  }
}

// PostgreSQL down for this database: the health check says so in JSON (503), an API call gets
// a Vietnamese problem (503), a page a Vietnamese error page (503); all come back once it is up.
TEST(Outage, PostgreSqlRefusingConnectionsIs503EverywhereAndHealthzSaysSo) {
  auto tmp = dangbo::testing::TempDatabase::make("postgresql", 2);
  if (!tmp) GTEST_SKIP() << "no PostgreSQL cluster (DANGBO_TEST_PG_URL unset)";
  auto& db = tmp->db();
  {
    auto s = db.session();
    std::string now = db::now_utc();
    *s << "INSERT INTO organization(code, name, name_key, kind, valid_from, path, created_at) "
          "VALUES ('HCM', 'Đảng bộ Thành phố', 'dang bo thanh pho', 'city', '2025-07-01', '/1/', :n)",
        soci::use(now);
  }
  int64_t uid = security::add_user(db, "staff", "Mat-khau-2025!", security::Role::staff, "HCM");
  auto tok = security::create_api_token(db, "staff");
  auto ns = security::create_session(db, uid, "x");
  web::I18n i18n;
  i18n.load(kSrc + "/web/i18n");
  web::Renderer renderer(kSrc + "/web/templates", i18n);
  web::Context ctx(db, renderer);
  http::Router router;
  web::register_auth_routes(router, ctx);
  auto ok = [](http::Request&, const security::Actor* a) { return http::Response::json("{\"user\":\"" + a->username + "\"}"); };
  web::route(router, ctx, "GET", "/page", "org.read", ok);
  web::route(router, ctx, "GET", "/api/v1/thing", "org.read", ok);
  auto call = [&](const std::string& path, std::map<std::string, std::string> headers) {
    http::Request req;
    req.method = "GET";
    req.target = req.path = path;
    for (auto& [k, v] : headers) req.headers[k] = v;
    req.remote_addr = "192.0.2.1";
    const http::Handler* h = router.match(req);
    if (!h) throw std::runtime_error("no route " + path);
    return web::make_middleware(ctx)(req, *h);
  };
  const std::map<std::string, std::string> bearer = {{"Authorization", "Bearer " + tok}};
  const std::map<std::string, std::string> cookie = {{"Cookie", std::string(web::kSessionCookie) + "=" + ns.cookie_value}};
  ASSERT_EQ(call("/api/v1/thing", bearer).status, 200);
  ASSERT_EQ(call("/page", cookie).status, 200);

  tmp->refuse_connections(true);
  for (auto& h : {std::map<std::string, std::string>{}, cookie}) {
    auto health = call("/healthz", h);
    EXPECT_EQ(health.status, 503) << health.body;
    EXPECT_EQ(health.content_type.rfind("application/json", 0), 0u) << health.content_type;
    auto o = boost::json::parse(health.body).as_object();
    EXPECT_EQ(o.at("status").as_string(), "unavailable") << health.body;
    EXPECT_EQ(o.at("database").as_string(), "unreachable") << health.body;
    EXPECT_EQ(o.at("detail").as_string(), "Cơ sở dữ liệu tạm thời không truy cập được");
  }
  auto api = call("/api/v1/thing", bearer);
  EXPECT_EQ(api.status, 503) << api.body;
  EXPECT_EQ(api.content_type, "application/problem+json");
  EXPECT_EQ(boost::json::parse(api.body).as_object().at("title").as_string(), "Cơ sở dữ liệu tạm thời không truy cập được");
  auto page = call("/page", cookie);
  EXPECT_EQ(page.status, 503) << page.body;
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("Cơ sở dữ liệu tạm thời không truy cập được"), std::string::npos) << page.body;
  EXPECT_EQ(page.body.find("not currently accepting"), std::string::npos) << "no internal detail";

  tmp->refuse_connections(false);
  auto back = call("/healthz", {});
  EXPECT_EQ(back.status, 200) << back.body;
  EXPECT_EQ(boost::json::parse(back.body), boost::json::parse(R"({"status":"ok","database":"ok"})"));
  EXPECT_EQ(call("/api/v1/thing", bearer).status, 200);
}

}  // namespace
