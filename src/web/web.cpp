#include "web/web.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

#include "base/error.hpp"

namespace dangbo::web {
using base::Error;
using base::ErrorKind;

void I18n::load(const std::string& dir) {
  for (std::string lang : {"vi", "en"}) {
    std::ifstream f(dir + "/" + lang + ".json");
    if (!f) throw std::runtime_error("missing message catalog " + dir + "/" + lang + ".json");
    std::stringstream ss;
    ss << f.rdbuf();
    auto& m = cat_[lang];
    boost::json::value doc = boost::json::parse(ss.str());
    for (auto& [k, v] : doc.as_object()) m[std::string(k)] = std::string(v.as_string());
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

void route(http::Router& r, Context& ctx, std::string method, std::string pattern, std::string rule,
           std::function<http::Response(http::Request&, const security::Actor*)> h) {
  bool is_public = rule == "public";
  r.add(method, pattern, rule, [&ctx, h, is_public](http::Request& req) -> http::Response {
    std::optional<security::Actor> actor;
    auto auth = req.header("Authorization");
    bool via_cookie = false;
    if (auth && auth->rfind("Bearer ", 0) == 0) {
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
      return http::Response::redirect("/login?next=" + http::url_encode(req.target));
    }
    bool changes_state = req.method == "POST" || req.method == "PUT" || req.method == "PATCH" || req.method == "DELETE";
    if (changes_state && via_cookie && actor) {
      std::string sent = req.header("X-CSRF-Token").value_or("");
      if (sent.empty()) {
        auto f = req.form();
        if (auto it = f.find("csrf"); it != f.end()) sent = it->second;
      }
      if (!constant_time_equal(sent, actor->csrf_token))
        throw Error(ErrorKind::forbidden, "csrf", "Phiên làm việc không hợp lệ (mã CSRF sai). Hãy tải lại trang rồi thử lại.");
    }
    return h(req, actor ? actor_of(req) : nullptr);
  });
}

static int status_of(ErrorKind k) {
  switch (k) {
    case ErrorKind::bad_request: return 422;
    case ErrorKind::unauthorized: return 401;
    case ErrorKind::forbidden: return 403;
    case ErrorKind::not_found: return 404;
    case ErrorKind::conflict: return 409;
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

http::Response error_middleware(const Renderer& renderer, http::Request& req, const http::Handler& next) {
  try {
    return next(req);
  } catch (const Error& e) {
    int st = status_of(e.kind());
    const char* title = st == 404 ? "Không tìm thấy" : st == 403 ? "Không có quyền" : st == 409 ? "Xung đột dữ liệu"
                        : st == 401 ? "Chưa đăng nhập" : st == 422 ? "Dữ liệu không hợp lệ" : "Lỗi hệ thống";
    return error_response(renderer, req, st, title, e.what());
  } catch (const std::exception& e) {
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
