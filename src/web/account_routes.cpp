// The signed-in user's own account: change the password, the TOTP second factor with recovery
// codes, and the list of sessions with "sign out everywhere".
#include <spdlog/spdlog.h>

#include "base/error.hpp"
#include "web/routes.hpp"

namespace dangbo::web {
using base::Error;
using base::ErrorKind;
using http::Request;
using http::Response;
using security::Actor;
using ctemplate::TemplateDictionary;

namespace {

Layout layout_for(const Renderer& R, const Request& req, const Actor* a, const std::string& title_key) {
  Layout l;
  l.lang = lang_of(req);
  l.title = R.i18n().t(l.lang, title_key);
  l.actor = a;
  l.nav = "account";
  return l;
}

Response password_page(const Renderer& R, const Request& req, const Actor* a, const std::string& error, int status) {
  return Response::html(R.page("account_password", layout_for(R, req, a, "account_password_title"),
                               [&](TemplateDictionary& d) {
                                 if (a->must_change_password) d.ShowSection("MUST_CHANGE");
                                 if (!error.empty()) d.AddSectionDictionary("FORM_ERROR")->SetValue("MESSAGE", error);
                               }),
                        status);
}

}  // namespace

void register_account_routes(http::Router& r, Context& ctx) {
  const Renderer& R = ctx.renderer;

  route(r, ctx, "GET", "/account", "account", [&R, &ctx](Request& req, const Actor* a) {
    auto sessions = security::list_sessions(ctx.db, a->user_id, req.cookie(kSessionCookie).value_or(""));
    int codes = a->totp_enabled ? security::recovery_codes_left(ctx.db, a->user_id) : 0;
    return Response::html(R.page("account", layout_for(R, req, a, "account_title"), [&](TemplateDictionary& d) {
      d.SetValue("USERNAME", a->username);
      d.SetValue("DISPLAY_NAME", a->display_name);
      d.SetValue("ROLE", R.i18n().t(lang_of(req), "role_" + std::string(security::to_string(a->role))));
      d.SetValue("SCOPE", a->org_name);
      if (req.query_param("changed")) d.ShowSection("PASSWORD_CHANGED");
      if (a->totp_enabled) {
        auto* t = d.AddSectionDictionary("TOTP_ON");
        t->SetValue("CODES_LEFT", std::to_string(codes));
      } else {
        d.ShowSection("TOTP_OFF");
      }
      for (auto& s : sessions) {
        auto* row = d.AddSectionDictionary("SESSION");
        row->SetValue("CREATED", s.created_at.substr(0, 16));
        row->SetValue("LAST_SEEN", s.last_seen_at.substr(0, 16));
        row->SetValue("ADDR", s.client_addr);
        if (s.current) row->ShowSection("CURRENT");
      }
      if (a->via_token) d.ShowSection("VIA_TOKEN");
    }));
  });

  route(r, ctx, "GET", "/account/password", "account.password", [&R](Request& req, const Actor* a) {
    return password_page(R, req, a, "", 200);
  });

  route(r, ctx, "POST", "/account/password", "account.password", [&R, &ctx](Request& req, const Actor* a) {
    auto f = req.form();
    if (f["new_password"] != f["new_password2"])
      return password_page(R, req, a, R.i18n().t(lang_of(req), "password_mismatch"), 422);
    try {
      security::change_password(ctx.db, *a, f["old_password"], f["new_password"], req.cookie(kSessionCookie).value_or(""));
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::bad_request) throw;
      return password_page(R, req, a, e.what(), 422);
    }
    return Response::redirect("/account?changed=1");
  });

  // Sign out everywhere: every session of the user ends, this one included.
  route(r, ctx, "POST", "/account/sessions/revoke", "account", [&ctx](Request& req, const Actor* a) {
    int n = security::revoke_sessions(ctx.db, a->user_id);
    {
      auto s = ctx.db.session();
      soci::transaction tr(*s);
      security::audit_append(*s, a, "logout_all", "user", std::to_string(a->user_id), a->org_path,
                             "{\"sessions\":" + std::to_string(n) + "}");
      tr.commit();
    }
    if (is_api(req) || a->via_token) return Response::json("{\"revoked\":" + std::to_string(n) + "}");
    auto resp = Response::redirect("/login");
    resp.set_cookie(kSessionCookie, "", 0, true, ctx.secure_cookies);
    return resp;
  });

  route(r, ctx, "POST", "/account/totp/setup", "account", [&R, &ctx](Request& req, const Actor* a) {
    auto setup = security::begin_totp_setup(ctx.db, keyring(ctx), *a);
    return Response::html(R.page("totp_setup", layout_for(R, req, a, "totp_setup_title"), [&](TemplateDictionary& d) {
      auto* st = d.AddSectionDictionary("SETUP");
      st->SetValue("SECRET", setup.secret_base32);
      st->SetValue("URI", setup.uri);
    }));
  });

  route(r, ctx, "POST", "/account/totp/enable", "account", [&R, &ctx](Request& req, const Actor* a) {
    auto f = req.form();
    std::vector<std::string> codes;
    try {
      codes = security::enable_totp(ctx.db, keyring(ctx), *a, f["code"]);
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::bad_request) throw;
      return Response::html(R.page("totp_setup", layout_for(R, req, a, "totp_setup_title"), [&](TemplateDictionary& d) {
        d.AddSectionDictionary("FORM_ERROR")->SetValue("MESSAGE", e.what());
        d.ShowSection("RETRY");
      }), 422);
    }
    return Response::html(R.page("totp_codes", layout_for(R, req, a, "totp_codes_title"), [&](TemplateDictionary& d) {
      for (auto& c : codes) d.AddSectionDictionary("CODE")->SetValue("VALUE", c);
    }));
  });

  route(r, ctx, "POST", "/account/totp/disable", "account", [&ctx](Request& req, const Actor* a) {
    auto f = req.form();
    security::disable_totp(ctx.db, *a, f["password"]);
    return Response::redirect("/account");
  });
}

}  // namespace dangbo::web
