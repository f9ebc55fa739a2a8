// Sign-in, sign-out, language switch, health check.
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
  // only local paths: "/..." but not "//host"
  if (next.size() > 1 && next[0] == '/' && next[1] != '/' && next[1] != '\\') return next;
  return "/";
}

Response login_page(const Renderer& R, const Request& req, const std::string& username, const std::string& next,
                    const std::string& error, int status) {
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
  resp.set_cookie(kLoginCsrfCookie, token, 3600, true, false);
  return resp;
}
}  // namespace

void register_auth_routes(http::Router& r, Context& ctx) {
  const Renderer& R = ctx.renderer;
  route(r, ctx, "GET", "/login", "public", [&R](Request& req, const security::Actor* a) {
    if (a) return Response::redirect("/");
    return login_page(R, req, "", req.query_param("next").value_or("/"), "", 200);
  });
  route(r, ctx, "POST", "/login", "public", [&R, &ctx](Request& req, const security::Actor*) {
    auto f = req.form();
    std::string user = f["username"], pass = f["password"], next = safe_next(f["next"]);
    auto cookie = req.cookie(kLoginCsrfCookie);
    if (!cookie || cookie->empty() || f["csrf"] != *cookie)
      return login_page(R, req, user, next, "Phiên đăng nhập đã hết hạn, xin nhập lại.", 403);
    auto actor = security::authenticate(ctx.db, user, pass);
    if (!actor) {
      spdlog::warn("failed sign-in for '{}' from {}", user, req.remote_addr);
      return login_page(R, req, user, next, R.i18n().t(lang_of(req), "login_failed"), 401);
    }
    auto ns = security::create_session(ctx.db, actor->user_id, req.remote_addr);
    auto resp = Response::redirect(next);
    resp.set_cookie(kSessionCookie, ns.cookie_value, security::kSessionAbsoluteSeconds, true, ctx.secure_cookies);
    resp.set_cookie(kLoginCsrfCookie, "", 0);
    return resp;
  });
  route(r, ctx, "POST", "/logout", "authenticated", [&ctx](Request& req, const security::Actor*) {
    if (auto c = req.cookie(kSessionCookie)) security::delete_session(ctx.db, *c);
    auto resp = Response::redirect("/login");
    resp.set_cookie(kSessionCookie, "", 0);
    return resp;
  });
  route(r, ctx, "GET", "/lang/{lang}", "public", [](Request& req, const security::Actor*) {
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
    resp.set_cookie("lang", lang, 365L * 24 * 3600, false, false);
    return resp;
  });
  route(r, ctx, "GET", "/healthz", "public", [&ctx](Request&, const security::Actor*) {
    auto s = ctx.db.session();
    int one = 0;
    *s << "SELECT 1", soci::into(one);
    return Response::json(R"({"status":"ok"})");
  });
}

}  // namespace dangbo::web
