// Web plumbing shared by every module's routes: templates with automatic HTML escaping,
// the vi/en message catalogs, authentication (session cookie or bearer token), CSRF, and the
// mapping of errors to problem+json (API) or a Vietnamese page.
#pragma once
#include <ctemplate/template.h>

#include <map>
#include <memory>
#include <string>

#include "db/database.hpp"
#include "http/http.hpp"
#include "security/security.hpp"

namespace dangbo::web {

/// Message catalogs web/i18n/vi.json and en.json: flat {"key": "text"}.
class I18n {
 public:
  void load(const std::string& dir);
  /// The text for key in lang ("vi" or "en"); falls back to vi, then to the key itself.
  const std::string& t(const std::string& lang, const std::string& key) const;
  const std::map<std::string, std::string>& all(const std::string& lang) const;

 private:
  std::map<std::string, std::map<std::string, std::string>> cat_;
};

/// What the page layout needs besides the content.
struct Layout {
  std::string title;
  std::string lang = "vi";
  const security::Actor* actor = nullptr;
  bool synthetic = false;   // show the synthetic-data banner
  std::string nav;          // active navigation item: "orgs" | "dashboard" | …
  std::string body_class;
};

/// Renders web/templates/<name>.tpl (each starts with {{%AUTOESCAPE context="HTML"}}) inside
/// layout.tpl. Every template sees T_<key> for every catalog key of the page's language.
class Renderer {
 public:
  Renderer(std::string template_dir, const I18n& i18n);
  /// A full page; `content` is the dictionary for the page template.
  std::string page(const std::string& name, const Layout& layout,
                   const std::function<void(ctemplate::TemplateDictionary&)>& fill) const;
  /// A fragment (for htmx) without the layout.
  std::string fragment(const std::string& name, const std::string& lang,
                       const std::function<void(ctemplate::TemplateDictionary&)>& fill) const;
  const I18n& i18n() const { return i18n_; }

 private:
  std::string dir_;
  const I18n& i18n_;
};

/// Shared application context handed to every module's route registration.
struct Context {
  db::Database& db;
  const Renderer& renderer;
  bool secure_cookies = false;  // behind TLS
};

inline constexpr const char* kSessionCookie = "dangbo_session";

/// The signed-in actor of this request (set by guard()); nullptr when anonymous.
const security::Actor* actor_of(const http::Request& req);
/// "vi" or "en" from the lang cookie.
std::string lang_of(const http::Request& req);
bool is_api(const http::Request& req);

/// Registers a route whose handler runs only for a signed-in actor (session cookie or
/// `Authorization: Bearer`), with CSRF checked on state-changing requests made with a cookie.
/// rule "public" skips authentication. Unauthenticated: pages redirect to /login, API → 401.
void route(http::Router& r, Context& ctx, std::string method, std::string pattern, std::string rule,
           std::function<http::Response(http::Request&, const security::Actor*)> h);

/// Middleware mapping exceptions (base::Error kinds, others → 500) to responses.
http::Response error_middleware(const Renderer& renderer, http::Request& req, const http::Handler& next);

/// A Vietnamese (or English) error page / problem+json for an error kind.
http::Response error_response(const Renderer& renderer, const http::Request& req, int status, const std::string& title,
                              const std::string& detail);

/// Formats 1234567 as "1.234.567" (vi) or "1,234,567" (en).
std::string format_count(int64_t n, const std::string& lang);

}  // namespace dangbo::web
