// Sign-in (password, then TOTP when enabled), sign-out, language switch, health check (JSON).
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "web/routes.hpp"

namespace dangbo::web {
using http::Request;
using http::Response;

namespace {
// Pre-session CSRF for the sign-in form: a random value in a cookie, echoed by the form
// (double-submit), so a foreign site cannot sign a victim into an attacker's account.
constexpr const char* kLoginCsrfCookie = "dangbo_login_csrf";

std::string safe_next(const std::string& next) {
  // only local paths: "/..." but not "//host" nor "/\\host"; browsers drop tabs and newlines
  // inside URLs ("/\t/host" becomes "//host"), so no control character or backslash at all
  if (next.empty() || next[0] != '/' || next.size() > 2000) return "/";
  for (unsigned char c : next)
    if (c < 0x20 || c == 0x7f || c == '\\') return "/";
  if (next.size() > 1 && next[1] == '/') return "/";
  return next;
}

constexpr const char* kChallengeCookie = "dangbo_mfa";

Response login_page(const Renderer& R, const Request& req, const std::string& username, const std::string& next,
                    const std::string& error, int status, bool secure) {
  std::string token = security::random_token(18);
  Layout l;
  l.title = R.i18n().t(lang_of(req), "login_title");
  l.lang = lang_of(req);
  auto resp = Response::html(R.page("login", l, [&](ctemplate::TemplateDictionary& d) {
    d.SetValue("LOGIN_CSRF", token);
    d.SetValue("USERNAME", username);
    d.SetValue("NEXT", next);
    if (!error.empty()) d.AddSectionDictionary("LOGIN_ERROR")->SetValue("MESSAGE", error);
  }), status);
  resp.set_cookie(kLoginCsrfCookie, token, 3600, true, secure);
  return resp;
}

Response totp_page(const Renderer& R, const Request& req, const std::string& next, const std::string& error,
                   int status, bool secure) {
  std::string token = security::random_token(18);
  Layout l;
  l.title = R.i18n().t(lang_of(req), "totp_title");
  l.lang = lang_of(req);
  auto resp = Response::html(R.page("login_totp", l, [&](ctemplate::TemplateDictionary& d) {
    d.SetValue("LOGIN_CSRF", token);
    d.SetValue("NEXT", next);
    if (!error.empty()) d.AddSectionDictionary("LOGIN_ERROR")->SetValue("MESSAGE", error);
  }), status);
  resp.set_cookie(kLoginCsrfCookie, token, 3600, true, secure);
  return resp;
}
}  // namespace

void register_auth_routes(http::Router& r, Context& ctx) {
  const Renderer& R = ctx.renderer;
  route(r, ctx, "GET", "/login", "public", [&R, &ctx](Request& req, const security::Actor* a) {
    if (a) return Response::redirect("/");
    return login_page(R, req, "", req.query_param("next").value_or("/"), "", 200, ctx.secure_cookies);
  });
  route(r, ctx, "POST", "/login", "public.signin", [&R, &ctx](Request& req, const security::Actor*) {
    auto f = req.form();
    std::string user = f["username"], pass = f["password"], next = safe_next(f["next"]);
    auto cookie = req.cookie(kLoginCsrfCookie);
    if (!cookie || cookie->empty() || f["csrf"] != *cookie)
      return login_page(R, req, user, next, "Phiên đăng nhập đã hết hạn, xin nhập lại.", 403, ctx.secure_cookies);
    std::string addr = client_addr(ctx, req);
    auto res = security::sign_in(ctx.db, user, pass, addr);
    if (res.status == security::SignInStatus::throttled) {
      spdlog::warn("sign-in refused for '{}' from {}: address throttled ({} s)", user, addr, res.retry_after_s);
      auto resp = login_page(R, req, user, next,
                             "Có quá nhiều lần đăng nhập sai từ địa chỉ này. Xin thử lại sau " +
                                 std::to_string(res.retry_after_s) + " giây.",
                             429, ctx.secure_cookies);
      resp.set_header("Retry-After", std::to_string(res.retry_after_s));
      return resp;
    }
    if (res.status == security::SignInStatus::bad_credentials) {
      spdlog::warn("failed sign-in for '{}' from {}", user, addr);
      return login_page(R, req, user, next, R.i18n().t(lang_of(req), "login_failed"), 401, ctx.secure_cookies);
    }
    // a session the browser may already hold (perhaps planted) never survives a sign-in
    if (auto old = req.cookie(kSessionCookie)) security::delete_session(ctx.db, *old);
    if (res.status == security::SignInStatus::need_second_factor) {
      std::string challenge = security::create_login_challenge(ctx.db, res.user_id, addr);
      auto resp = Response::redirect("/login/totp?next=" + http::url_encode(next));
      resp.set_cookie(kChallengeCookie, challenge, security::kChallengeSeconds, true, ctx.secure_cookies);
      resp.set_cookie(kSessionCookie, "", 0, true, ctx.secure_cookies);
      return resp;
    }
    auto ns = security::create_session(ctx.db, res.actor->user_id, addr);
    auto resp = Response::redirect(res.actor->must_change_password ? std::string("/account/password") : next);
    resp.set_cookie(kSessionCookie, ns.cookie_value, security::kSessionAbsoluteSeconds, true, ctx.secure_cookies);
    resp.set_cookie(kLoginCsrfCookie, "", 0, true, ctx.secure_cookies);
    return resp;
  });
  // The second factor: a TOTP code or a recovery code, within 5 minutes of the password.
  route(r, ctx, "GET", "/login/totp", "public", [&R, &ctx](Request& req, const security::Actor* a) {
    if (a) return Response::redirect("/");
    if (!req.cookie(kChallengeCookie)) return Response::redirect("/login");
    return totp_page(R, req, req.query_param("next").value_or("/"), "", 200, ctx.secure_cookies);
  });
  route(r, ctx, "POST", "/login/totp", "public.signin", [&R, &ctx](Request& req, const security::Actor*) {
    auto f = req.form();
    std::string next = safe_next(f["next"]);
    auto csrf = req.cookie(kLoginCsrfCookie);
    if (!csrf || csrf->empty() || f["csrf"] != *csrf)
      return totp_page(R, req, next, "Phiên đăng nhập đã hết hạn, xin nhập lại.", 403, ctx.secure_cookies);
    auto challenge = req.cookie(kChallengeCookie);
    if (!challenge) return Response::redirect("/login");
    std::string addr = client_addr(ctx, req);
    if (int w = security::address_wait_seconds(ctx.db, addr); w > 0) {
      auto resp = totp_page(R, req, next,
                            "Có quá nhiều lần đăng nhập sai từ địa chỉ này. Xin thử lại sau " + std::to_string(w) +
                                " giây.",
                            429, ctx.secure_cookies);
      resp.set_header("Retry-After", std::to_string(w));
      return resp;
    }
    auto actor = security::complete_login_challenge(ctx.db, keyring(ctx), *challenge, f["code"], addr);
    if (!actor) {
      spdlog::warn("failed second factor from {}", addr);
      return totp_page(R, req, next, R.i18n().t(lang_of(req), "totp_failed"), 401, ctx.secure_cookies);
    }
    auto ns = security::create_session(ctx.db, actor->user_id, addr);
    auto resp = Response::redirect(actor->must_change_password ? std::string("/account/password") : next);
    resp.set_cookie(kSessionCookie, ns.cookie_value, security::kSessionAbsoluteSeconds, true, ctx.secure_cookies);
    resp.set_cookie(kChallengeCookie, "", 0, true, ctx.secure_cookies);
    resp.set_cookie(kLoginCsrfCookie, "", 0, true, ctx.secure_cookies);
    return resp;
  });
  route(r, ctx, "POST", "/logout", "authenticated", [&ctx](Request& req, const security::Actor*) {
    if (auto c = req.cookie(kSessionCookie)) security::delete_session(ctx.db, *c);
    auto resp = Response::redirect("/login");
    resp.set_cookie(kSessionCookie, "", 0, true, ctx.secure_cookies);
    return resp;
  });
  route(r, ctx, "GET", "/lang/{lang}", "public", [&ctx](Request& req, const security::Actor*) {
    std::string lang = req.params.at("lang") == "en" ? "en" : "vi";
    std::string back = "/";
    if (auto ref = req.header("Referer")) {
      auto p = ref->find("://");
      if (p != std::string::npos) {
        auto slash = ref->find('/', p + 3);
        if (slash != std::string::npos) back = safe_next(ref->substr(slash));
      }
    }
    auto resp = Response::redirect(back);
    resp.set_cookie("lang", lang, 365L * 24 * 3600, false, ctx.secure_cookies);
    return resp;
  });
  // Health check for load balancers and monitors: always JSON, never a page. Registered on the
  // router itself, not through route(): no session lookup, so a probe (or a browser with a
  // session cookie) gets this answer even when the sessions cannot be read. Reads a table, so a
  // SQLite file that cannot be read or a PostgreSQL that refuses connections shows.
  r.add("GET", "/healthz", "public", [&ctx](Request&) {
    boost::json::object o;
    int status = 200;
    try {
      auto s = ctx.db.session();
      long long versions = 0;
      *s << "SELECT count(*) FROM schema_migrations", soci::into(versions);
      o["status"] = "ok";
      o["database"] = "ok";
    } catch (const std::exception& e) {
      const bool unreachable = db::is_unavailable(e);
      spdlog::warn("healthz: database {}: {}", unreachable ? "unreachable" : "failing", e.what());
      status = 503;
      o["status"] = "unavailable";
      o["database"] = unreachable ? "unreachable" : "error";
      o["detail"] = unreachable ? db::kUnavailableTitle : "Cơ sở dữ liệu báo lỗi khi kiểm tra";
    }
    auto resp = Response::json(boost::json::serialize(o), status);
    resp.set_header("Cache-Control", "no-store");
    if (status == 503) resp.set_header("Retry-After", std::to_string(kUnavailableRetrySeconds));
    return resp;
  });
}

}  // namespace dangbo::web
