// The audit log for auditors (and administrators): search by actor, member, organization,
// action and time, newest first, keyset-paged. Scope and role are checked by
// security::audit_search, so the page and the API obey the same rule.
#include <boost/json.hpp>

#include <ctime>

#include "base/error.hpp"
#include "web/routes.hpp"

namespace dangbo::web {
using base::Error;
using base::ErrorKind;
using http::Request;
using http::Response;
using security::Actor;
using ctemplate::TemplateDictionary;
namespace json = boost::json;

namespace {

security::AuditQuery audit_query(const Request& req, int max_limit) {
  security::AuditQuery q;
  auto p = [&](const char* n) { return req.query_param(n).value_or(""); };
  q.actor = p("actor");
  q.org_code = p("org");
  q.action = p("action");
  q.from = p("from");
  q.to = p("to");
  auto digits = [](const std::string& s) {
    return !s.empty() && s.size() <= 18 && s.find_first_not_of("0123456789") == std::string::npos;
  };
  if (std::string m = p("member"); !m.empty()) {
    if (!digits(m)) throw Error(ErrorKind::bad_request, "member", "Mã đảng viên phải là số");
    q.member_id = std::stoll(m);
  }
  std::string b = p("before");
  if (b.empty()) b = p("after");  // the API's usual name for the cursor
  if (!b.empty()) {
    if (!digits(b)) throw Error(ErrorKind::bad_request, "before", "Tham số before phải là số");
    q.before_seq = std::stoll(b);
  }
  q.limit = 50;
  if (std::string l = p("limit"); !l.empty()) {
    if (!digits(l) || l.size() > 4) throw Error(ErrorKind::bad_request, "limit", "Tham số limit phải là số nguyên dương");
    q.limit = std::clamp(std::stoi(l), 1, max_limit);
  }
  for (auto* s : {&q.actor, &q.org_code, &q.action})
    if (s->size() > 100) throw Error(ErrorKind::bad_request, "q", "Giá trị tìm kiếm quá dài");
  return q;
}

std::string page_url(const Request& req, int64_t before) {
  std::string url = "/audit?";
  for (auto& [k, v] : req.query)
    if (k != "before" && !v.empty()) url += http::url_encode(k) + "=" + http::url_encode(v) + "&";
  return url + "before=" + std::to_string(before);
}

}  // namespace

void register_audit_routes(http::Router& r, Context& ctx) {
  const Renderer& R = ctx.renderer;

  route(r, ctx, "GET", "/audit", "audit.read", [&R, &ctx](Request& req, const Actor* a) {
    auto q = audit_query(req, 200);
    auto page = security::audit_search(ctx.db, *a, q);
    std::vector<std::string> paths;
    for (auto& e : page.items) paths.push_back(e.org_path);
    auto names = security::org_names_for_paths(ctx.db, paths);
    std::string lang = lang_of(req);
    Layout l;
    l.lang = lang;
    l.title = R.i18n().t(lang, "audit_title");
    l.actor = a;
    l.nav = "audit";
    return Response::html(R.page("audit", l, [&](TemplateDictionary& d) {
      d.SetValue("F_ACTOR", q.actor);
      d.SetValue("F_MEMBER", q.member_id ? std::to_string(*q.member_id) : "");
      d.SetValue("F_ORG", q.org_code);
      d.SetValue("F_ACTION", q.action);
      d.SetValue("F_FROM", q.from);
      d.SetValue("F_TO", q.to);
      d.SetValue("SCOPE", a->org_name);
      for (auto& e : page.items) {
        auto* row = d.AddSectionDictionary("ENTRY");
        row->SetValue("SEQ", std::to_string(e.seq));
        row->SetValue("AT", vietnam_time(e.at, true));
        row->SetValue("ACTOR", e.actor_name);
        row->SetValue("ACTION", R.i18n().t(lang, "audit_" + e.action));
        row->SetValue("ACTION_KEY", e.action);
        row->SetValue("ENTITY", e.entity);
        row->SetValue("ENTITY_ID", e.entity_id);
        auto n = names.find(e.org_path);
        row->SetValue("ORG", n == names.end() ? e.org_path : n->second);
        row->SetValue("DETAIL", e.detail.size() > 300 ? e.detail.substr(0, 300) + "…" : e.detail);
      }
      if (page.items.empty()) d.ShowSection("NO_ENTRIES");
      if (page.next_before) d.AddSectionDictionary("NEXT")->SetValue("URL", page_url(req, page.next_before));
      if (q.before_seq) {
        std::string url = "/audit?";
        for (auto& [k, v] : req.query)
          if (k != "before" && !v.empty()) url += http::url_encode(k) + "=" + http::url_encode(v) + "&";
        d.AddSectionDictionary("FIRST")->SetValue("URL", url);
      }
    }));
  });

  route(r, ctx, "GET", "/api/v1/audit", "audit.read", [&ctx](Request& req, const Actor* a) {
    auto page = security::audit_search(ctx.db, *a, audit_query(req, 500));
    json::array items;
    for (auto& e : page.items) {
      json::object o;
      o["seq"] = e.seq;
      o["at"] = e.at;
      o["actor"] = e.actor_name;
      o["action"] = e.action;
      o["entity"] = e.entity;
      o["entity_id"] = e.entity_id;
      o["org_path"] = e.org_path;
      try {
        o["detail"] = json::parse(e.detail);
      } catch (...) {
        o["detail"] = e.detail;
      }
      o["hash"] = e.hash;
      items.push_back(std::move(o));
    }
    json::object out;
    out["items"] = std::move(items);
    out["next"] = page.next_before ? json::value(std::to_string(page.next_before)) : json::value(nullptr);
    return Response::json(json::serialize(out));
  });
}

}  // namespace dangbo::web
