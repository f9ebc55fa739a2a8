#include "web/web.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <strings.h>

#include <fstream>
#include <sstream>

#include "base/error.hpp"

namespace dangbo::web {
using base::Error;
using base::ErrorKind;

void I18n::load(const std::string& dir) {
  for (std::string lang : {"vi", "en"}) {
    std::vector<std::string> files = {dir + "/" + lang + ".json"};
    std::vector<std::string> extra;
    std::error_code ec;
    for (auto& e : std::filesystem::directory_iterator(dir, ec)) {
      std::string name = e.path().filename().string(), suffix = "." + lang + ".json";
      if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
        extra.push_back(e.path().string());
    }
    std::sort(extra.begin(), extra.end());
    files.insert(files.end(), extra.begin(), extra.end());
    auto& m = cat_[lang];
    for (auto& file : files) {
      std::ifstream f(file);
      if (!f) throw std::runtime_error("missing message catalog " + file);
      std::stringstream ss;
      ss << f.rdbuf();
      boost::json::value doc = boost::json::parse(ss.str());
      for (auto& [k, v] : doc.as_object()) m[std::string(k)] = std::string(v.as_string());
    }
  }
}

const std::string& I18n::t(const std::string& lang, const std::string& key) const {
  for (const std::string& l : {lang, std::string("vi")}) {
    auto c = cat_.find(l);
    if (c == cat_.end()) continue;
    auto it = c->second.find(key);
    if (it != c->second.end()) return it->second;
  }
  static thread_local std::string k;
  k = key;
  return k;
}

const std::map<std::string, std::string>& I18n::all(const std::string& lang) const {
  auto c = cat_.find(lang);
  if (c == cat_.end()) c = cat_.find("vi");
  static const std::map<std::string, std::string> empty;
  return c == cat_.end() ? empty : c->second;
}

Renderer::Renderer(std::string template_dir, const I18n& i18n) : dir_(std::move(template_dir)), i18n_(i18n) {
  ctemplate::Template::SetTemplateRootDirectory(dir_);
}

static void set_catalog(ctemplate::TemplateDictionary& d, const I18n& i18n, const std::string& lang) {
  for (auto& [k, v] : i18n.all(lang)) d.SetTemplateGlobalValue("T_" + k, v);
  d.SetTemplateGlobalValue("LANG", lang);
}

std::string Renderer::page(const std::string& name, const Layout& l,
                           const std::function<void(ctemplate::TemplateDictionary&)>& fill) const {
  ctemplate::TemplateDictionary layout("layout");
  set_catalog(layout, i18n_, l.lang);
  layout.SetValue("TITLE", l.title);
  layout.SetValue("NAV_" + (l.nav.empty() ? std::string("none") : l.nav), "active");
  layout.SetValue("BODY_CLASS", l.body_class);
  layout.SetValue("OTHER_LANG", l.lang == "en" ? "vi" : "en");
  layout.SetValue("OTHER_LANG_LABEL", l.lang == "en" ? "Tiếng Việt" : "English");
  if (l.synthetic) layout.ShowSection("SYNTHETIC");
  if (l.actor) {
    auto* u = layout.AddSectionDictionary("USER");
    u->SetValue("USERNAME", l.actor->display_name.empty() ? l.actor->username : l.actor->display_name);
    u->SetValue("ROLE", i18n_.t(l.lang, "role_" + std::string(security::to_string(l.actor->role))));
    u->SetValue("SCOPE", l.actor->org_name);
    u->SetValue("HOME_ORG", l.actor->org_code);
    using security::Action;
    if (security::role_allows(l.actor->role, Action::read_org)) u->ShowSection("NAV_REGISTRY");
    if (security::role_allows(l.actor->role, Action::read_audit)) u->ShowSection("NAV_AUDIT");
    layout.SetTemplateGlobalValue("CSRF", l.actor->csrf_token);
  }
  auto* content = layout.AddIncludeDictionary("CONTENT");
  content->SetFilename(name + ".tpl");
  fill(*content);
  std::string out;
  if (!ctemplate::ExpandTemplate("layout.tpl", ctemplate::STRIP_BLANK_LINES, &layout, &out))
    throw std::runtime_error("template error in layout.tpl or " + name + ".tpl");
  return out;
}

std::string Renderer::fragment(const std::string& name, const std::string& lang,
                               const std::function<void(ctemplate::TemplateDictionary&)>& fill) const {
  ctemplate::TemplateDictionary d("fragment");
  set_catalog(d, i18n_, lang);
  fill(d);
  std::string out;
  if (!ctemplate::ExpandTemplate(name + ".tpl", ctemplate::STRIP_BLANK_LINES, &d, &out))
    throw std::runtime_error("template error in " + name + ".tpl");
  return out;
}

const security::Actor* actor_of(const http::Request& req) {
  return static_cast<const security::Actor*>(req.actor.get());
}

std::string vietnam_time(const std::string& iso, bool seconds) {
  std::tm tm{};
  int n = iso.size() >= 16 ? std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                                         &tm.tm_hour, &tm.tm_min, &tm.tm_sec)
                           : 0;
  if (n < 5) return iso;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  std::time_t t = timegm(&tm) + 7 * 3600;
  std::tm v{};
  gmtime_r(&t, &v);
  char buf[32];
  if (seconds)
    std::snprintf(buf, sizeof buf, "%02d/%02d/%04d %02d:%02d:%02d", v.tm_mday, v.tm_mon + 1, v.tm_year + 1900, v.tm_hour,
                  v.tm_min, v.tm_sec);
  else
    std::snprintf(buf, sizeof buf, "%02d/%02d/%04d %02d:%02d", v.tm_mday, v.tm_mon + 1, v.tm_year + 1900, v.tm_hour,
                  v.tm_min);
  return buf;
}

std::string lang_of(const http::Request& req) {
  auto c = req.cookie("lang");
  return c && *c == "en" ? "en" : "vi";
}

bool is_api(const http::Request& req) { return req.path.rfind("/api/", 0) == 0; }

static bool constant_time_equal(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) d |= (unsigned char)(a[i] ^ b[i]);
  return d == 0;
}

std::string client_addr(const Context& ctx, const http::Request& req) {
  if (!ctx.trusted_proxy.empty() && req.remote_addr == ctx.trusted_proxy) {
    if (auto xff = req.header("X-Forwarded-For")) {
      std::string_view v = *xff;
      auto comma = v.rfind(',');
      std::string_view last = comma == std::string_view::npos ? v : v.substr(comma + 1);
      while (!last.empty() && last.front() == ' ') last.remove_prefix(1);
      while (!last.empty() && last.back() == ' ') last.remove_suffix(1);
      if (!last.empty() && last.size() <= 64) return std::string(last);
    }
  }
  return req.remote_addr;
}

security::Keyring keyring(Context& ctx) {
  if (!ctx.keys)
    throw Error(ErrorKind::internal, "keys.none", "Máy chủ chưa được cấu hình tệp khóa mã hóa (--key-file)");
  return ctx.keys->current();
}

http::Response too_many_requests(const Renderer& renderer, const http::Request& req, int retry_after_s) {
  std::string detail = "Bạn đã gửi quá nhiều yêu cầu trong thời gian ngắn. Xin thử lại sau " +
                       std::to_string(retry_after_s) + " giây.";
  auto resp = error_response(renderer, req, 429, "Quá nhiều yêu cầu", detail);
  resp.set_header("Retry-After", std::to_string(retry_after_s));
  return resp;
}

void route(http::Router& r, Context& ctx, std::string method, std::string pattern, std::string rule,
           std::function<http::Response(http::Request&, const security::Actor*)> h) {
  bool is_public = rule == "public" || rule.rfind("public.", 0) == 0;
  bool is_signin = rule == "public.signin";
  bool password_route = rule == "account.password" || (method == "POST" && pattern == "/logout");
  r.add(method, pattern, rule, [&ctx, h, is_public, is_signin, password_route](http::Request& req) -> http::Response {
    // rate limits per client address, before any work for the request
    security::RateLimiter* limiter = is_api(req) ? ctx.api_limiter : (is_signin && req.method == "POST") ? ctx.login_limiter : nullptr;
    if (limiter) {
      if (int wait = limiter->take(client_addr(ctx, req)); wait > 0) {
        spdlog::warn("rate limit: {} {} from {} (retry after {} s)", req.method, req.path, client_addr(ctx, req), wait);
        return too_many_requests(ctx.renderer, req, wait);
      }
    }
    std::optional<security::Actor> actor;
    auto auth = req.header("Authorization");
    bool via_cookie = false;
    // the scheme name is case-insensitive (RFC 9110 §11.1)
    if (auth && auth->size() > 7 && strncasecmp(auth->c_str(), "Bearer ", 7) == 0) {
      actor = security::resolve_api_token(ctx.db, auth->substr(7));
    } else if (auto c = req.cookie(kSessionCookie)) {
      actor = security::resolve_session(ctx.db, *c);
      via_cookie = true;
    }
    if (actor) req.actor = std::make_shared<security::Actor>(*actor);
    if (!actor && !is_public) {
      if (is_api(req)) {
        auto resp = http::Response::problem(401, "Chưa đăng nhập", "Cần đăng nhập hoặc gửi mã truy cập (Authorization: Bearer …)");
        resp.set_header("WWW-Authenticate", "Bearer");
        return resp;
      }
      if (req.is_htmx()) {
        auto resp = http::Response::text("", 401);
        resp.set_header("HX-Redirect", "/login");
        return resp;
      }
      if (req.method != "GET" && req.method != "HEAD") return http::Response::redirect("/login");
      return http::Response::redirect("/login?next=" + http::url_encode(req.target));
    }
    bool changes_state = req.method != "GET" && req.method != "HEAD" && req.method != "OPTIONS";
    // (public routes act for nobody; the sign-in forms carry their own double-submit token)
    if (changes_state && via_cookie && actor && !is_public) {
      std::string sent = req.header("X-CSRF-Token").value_or("");
      if (sent.empty()) {
        auto f = req.form();
        if (auto it = f.find("csrf"); it != f.end()) sent = it->second;
      }
      if (!constant_time_equal(sent, actor->csrf_token))
        throw Error(ErrorKind::forbidden, "csrf", "Phiên làm việc không hợp lệ (mã CSRF sai). Hãy tải lại trang rồi thử lại.");
    }
    // after an administrator's reset, nothing but the password change until it is done
    if (actor && via_cookie && actor->must_change_password && !is_public && !password_route) {
      if (is_api(req))
        return http::Response::problem(403, "Cần đổi mật khẩu", "Tài khoản phải đổi mật khẩu trước khi dùng tiếp (trang /account/password)");
      if (req.is_htmx()) {
        auto resp = http::Response::text("", 403);
        resp.set_header("HX-Redirect", "/account/password");
        return resp;
      }
      return http::Response::redirect("/account/password");
    }
    // A JSON request body is a form's worth of fields: above 1 MiB it is refused as too large
    // (413), before any parsing. Uploads (multipart, CSV) keep the server-wide limit.
    if (changes_state && req.body.size() > kMaxJsonBodyBytes) {
      const std::string ct = req.header("Content-Type").value_or("");
      const std::string base_ct = ct.substr(0, ct.find(';'));
      if (base_ct.find("json") != std::string::npos) {
        const std::string detail = "Nội dung JSON của yêu cầu vượt quá giới hạn " + std::to_string(kMaxJsonBodyBytes) +
                                   " byte (" + std::to_string(req.body.size()) + " byte).";
        if (is_api(req)) return http::Response::problem(413, "Nội dung quá lớn", detail);
        return error_response(ctx.renderer, req, 413, "Nội dung quá lớn", detail);
      }
    }
    return h(req, actor ? actor_of(req) : nullptr);
  });
}

http::Middleware make_middleware(Context& ctx) {
  return [&ctx](http::Request& req, const http::Handler& next) {
    http::Response resp = error_middleware(ctx.renderer, req, next);
    auto has = [&](std::string_view name) {
      for (auto& [k, v] : resp.headers)
        if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
              return std::tolower((unsigned char)a) == std::tolower((unsigned char)b);
            }))
          return true;
      return false;
    };
    if (ctx.secure_cookies && !has("Strict-Transport-Security"))
      resp.set_header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    // personal data must not stay in browser or proxy caches
    if ((req.actor || is_api(req)) && !has("Cache-Control")) resp.set_header("Cache-Control", "no-store");
    if (!has("Cross-Origin-Opener-Policy")) resp.set_header("Cross-Origin-Opener-Policy", "same-origin");
    if (!has("Cross-Origin-Resource-Policy")) resp.set_header("Cross-Origin-Resource-Policy", "same-origin");
    if (!has("Permissions-Policy"))
      resp.set_header("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
    return resp;
  };
}

static int status_of(ErrorKind k) {
  switch (k) {
    case ErrorKind::bad_request: return 422;
    case ErrorKind::unauthorized: return 401;
    case ErrorKind::forbidden: return 403;
    case ErrorKind::not_found: return 404;
    case ErrorKind::conflict: return 409;
    case ErrorKind::unavailable: return 503;
    default: return 500;
  }
}

http::Response error_response(const Renderer& renderer, const http::Request& req, int status, const std::string& title,
                              const std::string& detail) {
  if (is_api(req)) return http::Response::problem(status, title, detail);
  std::string lang = lang_of(req);
  Layout l;
  l.title = title;
  l.lang = lang;
  l.actor = actor_of(req);
  auto body = renderer.page("error", l, [&](ctemplate::TemplateDictionary& d) {
    d.SetValue("STATUS", std::to_string(status));
    d.SetValue("ERROR_TITLE", title);
    d.SetValue("DETAIL", detail);
  });
  return http::Response::html(body, status);
}

http::Response database_unavailable(const Renderer& renderer, const http::Request& req) {
  auto resp = error_response(renderer, req, 503, db::kUnavailableTitle, db::kUnavailableDetail);
  resp.set_header("Retry-After", std::to_string(kUnavailableRetrySeconds));
  return resp;
}

http::Response validation_problem(const I18n& i18n, const std::map<std::string, std::string>& errors,
                                  const std::string& label_prefix) {
  boost::json::object p;
  p["type"] = "https://dangbo.local/problems/validation";
  p["title"] = "Dữ liệu không hợp lệ";
  p["status"] = 422;
  std::string detail;
  boost::json::object errs;
  boost::json::array fields;
  for (auto& [f, msg] : errors) {
    const std::string key = label_prefix + f;
    const std::string& label = i18n.t("vi", key);
    const bool labelled = label != key;
    errs[f] = msg;
    fields.push_back(boost::json::object{{"field", f}, {"label", labelled ? label : std::string()}, {"message", msg}});
    detail += (detail.empty() ? "" : "; ") + (labelled ? label + ": " : std::string()) + msg;
  }
  p["detail"] = detail;
  p["errors"] = std::move(errs);
  p["fields"] = std::move(fields);
  auto r = http::Response::json(boost::json::serialize(p), 422);
  r.content_type = "application/problem+json";
  return r;
}

http::Response error_middleware(const Renderer& renderer, http::Request& req, const http::Handler& next) {
  try {
    return next(req);
  } catch (const Error& e) {
    if (db::is_unavailable(e)) {
      spdlog::warn("database unavailable on {} {}: {}", req.method, req.path, e.what());
      return database_unavailable(renderer, req);
    }
    int st = status_of(e.kind());
    if (st == 500) spdlog::error("error on {} {}: {} ({})", req.method, req.path, e.what(), e.code());
    if (st == 500)
      return error_response(renderer, req, 500, "Lỗi hệ thống",
                            "Máy chủ gặp lỗi khi xử lý yêu cầu. Lỗi đã được ghi lại; xin thử lại sau.");
    const char* title = st == 404 ? "Không tìm thấy" : st == 403 ? "Không có quyền" : st == 409 ? "Xung đột dữ liệu"
                        : st == 401 ? "Chưa đăng nhập" : st == 422 ? "Dữ liệu không hợp lệ" : "Lỗi hệ thống";
    return error_response(renderer, req, st, title, e.what());
  } catch (const std::exception& e) {
    if (db::is_unavailable(e)) {
      spdlog::warn("database unavailable on {} {}: {}", req.method, req.path, e.what());
      return database_unavailable(renderer, req);
    }
    spdlog::error("unhandled error on {} {}: {}", req.method, req.path, e.what());
    return error_response(renderer, req, 500, "Lỗi hệ thống",
                          "Máy chủ gặp lỗi khi xử lý yêu cầu. Lỗi đã được ghi lại; xin thử lại sau.");
  }
}

std::string format_count(int64_t n, const std::string& lang) {
  std::string s = std::to_string(n < 0 ? -n : n), out;
  char sep = lang == "en" ? ',' : '.';
  int c = 0;
  for (auto it = s.rbegin(); it != s.rend(); ++it) {
    if (c && c % 3 == 0) out.insert(out.begin(), sep);
    out.insert(out.begin(), *it);
    ++c;
  }
  return n < 0 ? "-" + out : out;
}

}  // namespace dangbo::web
