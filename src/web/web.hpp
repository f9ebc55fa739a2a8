// Web plumbing shared by every module's routes: templates with automatic HTML escaping,
// the vi/en message catalogs, authentication (session cookie or bearer token), CSRF, and the
// mapping of errors to problem+json (API) or a Vietnamese page.
#pragma once
#include <cstddef>
#include <ctemplate/template.h>

#include <map>
#include <memory>
#include <string>

#include "db/database.hpp"
#include "http/http.hpp"
#include "security/crypto.hpp"
#include "security/rate_limit.hpp"
#include "security/security.hpp"

namespace dangbo::web {

/// Message catalogs web/i18n/vi.json and en.json: flat {"key": "text"}; then every
/// web/i18n/<module>.vi.json / <module>.en.json is merged in (a module keeps its own keys).
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
  Context(db::Database& d, const Renderer& r, bool secure = false) : db(d), renderer(r), secure_cookies(secure) {}
  db::Database& db;
  const Renderer& renderer;
  bool secure_cookies = false;  // behind TLS: cookies get Secure, responses get HSTS
  /// The field-encryption key file (sensitive fields, TOTP secrets); nullptr = not configured.
  security::KeyStore* keys = nullptr;
  /// Token buckets per client address: sign-in attempts and API calls (nullptr = no limit).
  security::RateLimiter* login_limiter = nullptr;
  security::RateLimiter* api_limiter = nullptr;
  /// Address of a reverse proxy whose X-Forwarded-For (last hop) names the client; "" = none.
  std::string trusted_proxy;
};

/// The client's address: the peer, or the last X-Forwarded-For hop when the peer is the trusted
/// proxy.
std::string client_addr(const Context& ctx, const http::Request& req);

/// The keyring for sealing/opening; throws base::Error(internal) when none is configured.
security::Keyring keyring(Context& ctx);

/// Wraps every routed request: error mapping (error_middleware) and the response headers the
/// web tier adds (HSTS behind TLS, Cache-Control: no-store on signed-in pages and the API,
/// Cross-Origin-Opener-Policy, Permissions-Policy).
http::Middleware make_middleware(Context& ctx);

inline constexpr const char* kSessionCookie = "dangbo_session";
/// Largest JSON request body a route accepts (bytes); above it: 413 problem+json.
inline constexpr std::size_t kMaxJsonBodyBytes = 1 << 20;

/// The signed-in actor of this request (set by guard()); nullptr when anonymous.
const security::Actor* actor_of(const http::Request& req);
/// "vi" or "en" from the lang cookie.
std::string lang_of(const http::Request& req);
/// A stored UTC time "2026-11-29T14:52:51.123Z" as the pages show it, in Vietnam time (UTC+7,
/// no summer time): "29/11/2026 21:52", or "29/11/2026 21:52:51" with `seconds`. Text that is
/// not such a time comes back unchanged.
std::string vietnam_time(const std::string& iso, bool seconds = false);
bool is_api(const http::Request& req);

/// Registers a route whose handler runs only for a signed-in actor (session cookie or
/// `Authorization: Bearer`), with CSRF checked on state-changing requests made with a cookie.
/// `rule` names the access rule (the permission-matrix test lists every route by it):
///   "public…" ("public", "public.signin") skips authentication; "public.signin" routes and
///   everything under /api/ are rate-limited per client address (429 + Retry-After);
///   "account.password" stays reachable while a password change is required.
/// Unauthenticated: pages redirect to /login, API → 401. A JSON body above kMaxJsonBodyBytes → 413.
void route(http::Router& r, Context& ctx, std::string method, std::string pattern, std::string rule,
           std::function<http::Response(http::Request&, const security::Actor*)> h);

/// Seconds a client is asked to wait (Retry-After) when the database cannot be reached.
inline constexpr int kUnavailableRetrySeconds = 10;

/// Middleware mapping exceptions to responses: base::Error kinds to their status; the database
/// out of reach (db::is_unavailable) → 503 with Retry-After; anything else → 500.
http::Response error_middleware(const Renderer& renderer, http::Request& req, const http::Handler& next);

/// A Vietnamese (or English) error page / problem+json for an error kind.
http::Response error_response(const Renderer& renderer, const http::Request& req, int status, const std::string& title,
                              const std::string& detail);

/// 503 Service Unavailable when the database cannot be reached: problem+json (API) or a
/// Vietnamese page, with Retry-After (kUnavailableRetrySeconds).
http::Response database_unavailable(const Renderer& renderer, const http::Request& req);

/// 422 problem+json for rejected fields: `errors` maps each API field name to its Vietnamese
/// message. Users read the fields by their Vietnamese labels (catalog key label_prefix + name,
/// e.g. "field_phone" → "Điện thoại"), never by the API name: the detail is "Label: message; …";
/// the machine names stay in `errors` ({name: message}) and in `fields`
/// ([{"field", "label", "message"}]). A name without a label is left out of the detail's prefix.
http::Response validation_problem(const I18n& i18n, const std::map<std::string, std::string>& errors,
                                  const std::string& label_prefix = "field_");

/// 429 Too Many Requests: problem+json (API) or a Vietnamese page, with Retry-After.
http::Response too_many_requests(const Renderer& renderer, const http::Request& req, int retry_after_s);

/// Formats 1234567 as "1.234.567" (vi) or "1,234,567" (en).
std::string format_count(int64_t n, const std::string& lang);

}  // namespace dangbo::web
