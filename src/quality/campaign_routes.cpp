// Pages and API of the cleaning campaign: burn-down per unit, totals, who fixed what; the
// findings of a unit as a list and as the XLSX the unit fills in and sends back.
#include <boost/json.hpp>
#include <soci/soci.h>

#include <algorithm>
#include <set>

#include "security/security.hpp"
#include "base/error.hpp"
#include "quality/campaign.hpp"
#include "quality/import_routes.hpp"
#include "quality/import_web.hpp"
#include "registry/store.hpp"

namespace dangbo::quality {
using base::Error;
using base::ErrorKind;
using ctemplate::TemplateDictionary;
using http::Request;
using http::Response;
using security::Actor;
namespace json = boost::json;
using namespace web_util;

namespace {

std::string code_label(const web::Renderer& R, const std::string& lang, const std::string& code) {
  std::string key = "fc_" + code;
  for (auto& ch : key)
    if (ch == '.') ch = '_';
  const std::string& label = R.i18n().t(lang, key);
  return label == key ? code : label;
}

std::string severity_label(const web::Renderer& R, const std::string& lang, const std::string& s) {
  return R.i18n().t(lang, "cmp_severity_" + s);
}

std::string field_text(const std::string& field, const std::string& column, const std::string& lang) {
  if (auto f = parse_field(field)) return field_label(*f, lang);
  return column.empty() ? (lang == "en" ? "(whole row)" : "(cả dòng)") : column;
}

// "12,5" (vi) / "12.5" (en): a percentage with one decimal.
std::string percent(int64_t part, int64_t whole, const std::string& lang) {
  if (whole <= 0) return "—";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", 100.0 * double(part) / double(whole));
  std::string s = buf;
  if (lang != "en")
    for (auto& c : s)
      if (c == '.') c = ',';
  return s + " %";
}

FindingQuery finding_query(const Request& req) {
  FindingQuery q;
  q.status = req.query_param("status").value_or("open");
  if (q.status != "open" && q.status != "fixed" && q.status != "all")
    throw Error(ErrorKind::bad_request, "status", "Tham số status phải là open, fixed hoặc all");
  if (q.status == "all") q.status.clear();
  q.severity = req.query_param("severity").value_or("");
  if (!q.severity.empty() && q.severity != "error" && q.severity != "warning")
    throw Error(ErrorKind::bad_request, "severity", "Tham số severity phải là error hoặc warning");
  q.code = req.query_param("code").value_or("");
  if (q.code.size() > 80) throw Error(ErrorKind::bad_request, "code", "Mã phát hiện quá dài");
  if (auto v = req.query_param("import"); v && !v->empty()) q.import_id = positive(*v, false, "import");
  if (auto v = req.query_param("after"); v && !v->empty()) q.after_id = positive(*v, false, "after");
  return q;
}

// A list of findings names members and shows their original values (CCCDs among them): one read
// audit entry per request, under the organization listed, with the members' and findings' ids.
void audit_findings_read(db::Database& db, const security::Actor& a, const registry::Organization& org,
                         const std::vector<FindingRow>& rows) {
  json::array members, findings;
  std::set<int64_t> seen;
  for (auto& f : rows) {
    findings.push_back(f.id);
    if (seen.insert(f.member_id).second) members.push_back(f.member_id);
  }
  json::object d{{"org", org.code}, {"count", int64_t(rows.size())}, {"members", std::move(members)},
                 {"findings", std::move(findings)}};
  security::audit_read(db, &a, "list", "finding", "", org.path.empty() ? a.org_path : org.path, json::serialize(d));
}

}  // namespace

void register_campaign_routes(http::Router& r, web::Context& ctx) {
  const web::Renderer& R = ctx.renderer;
  db::Database& db = ctx.db;

  web::route(r, ctx, "GET", "/campaign", "campaign.read", [&db, &R](Request& req, const Actor* a) {
    std::string lang = web::lang_of(req);
    auto v = campaign_view(db, *a, req.query_param("org").value_or(""));
    std::vector<registry::Organization> crumbs;
    bool synthetic = false;
    {
      auto s = db.session();
      for (auto& o : registry::org_ancestors(*s, v.org))
        if (a->in_scope(o.path)) crumbs.push_back(o);
      synthetic = registry::any_synthetic(*s, v.org.path);
    }
    web::Layout l;
    l.title = R.i18n().t(lang, "cmp_title") + " — " + v.org.name;
    l.lang = lang;
    l.actor = a;
    l.nav = "campaign";
    l.synthetic = synthetic;
    return Response::html(R.page("campaign", l, [&](TemplateDictionary& d) {
      for (std::size_t i = 0; i < crumbs.size(); ++i) {
        auto* c = d.AddSectionDictionary(i + 1 == crumbs.size() ? "CRUMB_LAST" : "CRUMB");
        c->SetValue("CODE", crumbs[i].code);
        c->SetValue("NAME", crumbs[i].name);
      }
      d.SetValue("ORG_CODE", v.org.code);
      d.SetValue("ORG_NAME", v.org.name);
      d.SetValue("TODAY", base::today().display());
      d.SetValue("OPEN", web::format_count(v.total.open(), lang));
      d.SetValue("OPEN_ERRORS", web::format_count(v.total.open_errors, lang));
      d.SetValue("OPEN_WARNINGS", web::format_count(v.total.open_warnings, lang));
      d.SetValue("FIXED", web::format_count(v.total.fixed, lang));
      d.SetValue("AUTO", web::format_count(v.auto_fixed, lang));
      d.SetValue("DONE_PERCENT", percent(v.total.fixed, v.total.fixed + v.total.open(), lang));
      if (security::role_allows(a->role, security::Action::export_members)) d.ShowSection("CAN_EXPORT");
      if (a->role == security::Role::admin || a->role == security::Role::staff) d.ShowSection("CAN_IMPORT");
      // units: most open first
      std::vector<const CampaignUnit*> units;
      for (auto& u : v.units) units.push_back(&u);
      std::stable_sort(units.begin(), units.end(), [](auto* x, auto* y) { return x->now.open() > y->now.open(); });
      bool any = false;
      TemplateDictionary* more = nullptr;
      std::size_t shown = 0;
      for (auto* u : units) {
        // the twenty with the most open findings; the others folded below
        if (shown == 20 && !more) {
          more = d.AddSectionDictionary("MORE_UNITS");
          more->SetValue("COUNT", web::format_count(int64_t(units.size() - 20), lang));
        }
        auto* row = more ? more->AddSectionDictionary("UNIT2") : d.AddSectionDictionary("UNIT");
        ++shown;
        row->SetValue("CODE", u->code);
        row->SetValue("NAME", u->name);
        row->SetValue("ERRORS", web::format_count(u->now.open_errors, lang));
        row->SetValue("WARNINGS", web::format_count(u->now.open_warnings, lang));
        row->SetValue("FIXED", web::format_count(u->now.fixed, lang));
        row->SetValue("DONE", std::to_string(u->now.fixed));
        row->SetValue("ALL", std::to_string(std::max<int64_t>(1, u->now.fixed + u->now.open())));
        row->SetValue("PERCENT", percent(u->now.fixed, u->now.fixed + u->now.open(), lang));
        if (u->now.open() == 0 && u->now.fixed > 0) row->ShowSection("CLEAN");
        any = any || u->now.open() + u->now.fixed > 0;
      }
      if (!any) d.ShowSection("NO_FINDINGS");
      std::vector<std::pair<std::string, int64_t>> codes(v.open_by_code.begin(), v.open_by_code.end());
      std::sort(codes.begin(), codes.end(), [](auto& x, auto& y) { return x.second > y.second; });
      for (auto& [code, n] : codes) {
        auto* c = d.AddSectionDictionary("CODE");
        c->SetValue("CODE", code);
        c->SetValue("LABEL", code_label(R, lang, code));
        c->SetValue("COUNT", web::format_count(n, lang));
      }
      for (auto& f : v.fixers) {
        auto* row = d.AddSectionDictionary("FIXER");
        row->SetValue("NAME", f.name);
        row->SetValue("COUNT", web::format_count(f.fixed, lang));
        row->SetValue("LAST", vietnam_time(f.last_at));
      }
      if (v.fixers.empty()) d.ShowSection("NO_FIXERS");
      for (auto& f : v.recent) {
        auto* row = d.AddSectionDictionary("RECENT");
        row->SetValue("AT", vietnam_time(f.at));
        row->SetValue("BY", f.by);
        row->SetValue("MEMBER_ID", std::to_string(f.member_id));
        row->SetValue("MEMBER", f.member_name);
        row->SetValue("ORG", f.org_name);
        row->SetValue("FIELD", field_text(f.field, f.column, lang));
        row->SetValue("CODE", code_label(R, lang, f.code));
        row->SetValue("BEFORE", f.before);
        row->SetValue("AFTER", f.after);
      }
    }));
  });

  web::route(r, ctx, "GET", "/api/v1/campaign", "campaign.read", [&db](Request& req, const Actor* a) {
    auto v = campaign_view(db, *a, req.query_param("org").value_or(""));
    json::object out;
    out["org"] = json::object{{"code", v.org.code}, {"name", v.org.name}};
    json::array days, total, units;
    for (auto& d : v.days) days.push_back(json::string(d));
    for (auto n : v.total_by_day) total.push_back(n);
    for (auto& u : v.units) {
      json::array series;
      for (auto n : u.open_by_day) series.push_back(n);
      units.push_back(json::object{{"code", u.code},
                                   {"name", u.name},
                                   {"open", std::move(series)},
                                   {"now", json::object{{"open_errors", u.now.open_errors},
                                                        {"open_warnings", u.now.open_warnings},
                                                        {"fixed", u.now.fixed}}}});
    }
    out["days"] = std::move(days);
    out["total_open"] = std::move(total);
    out["units"] = std::move(units);
    out["now"] = json::object{{"open_errors", v.total.open_errors},
                              {"open_warnings", v.total.open_warnings},
                              {"fixed", v.total.fixed},
                              {"auto_fixed", v.auto_fixed}};
    json::object by_code;
    for (auto& [k, n] : v.open_by_code) by_code[k] = n;
    out["open_by_code"] = std::move(by_code);
    json::array fixers;
    for (auto& f : v.fixers) fixers.push_back(json::object{{"name", f.name}, {"fixed", f.fixed}, {"last_at", f.last_at}});
    out["fixers"] = std::move(fixers);
    return Response::json(json::serialize(out));
  });

  auto finding_rows_json = [](const std::vector<FindingRow>& rows) {
    json::array items;
    for (auto& f : rows)
      items.push_back(json::object{{"id", f.id},
                                   {"member_id", f.member_id},
                                   {"member_name", f.member_name},
                                   {"org", f.org_code},
                                   {"import_id", f.import_id},
                                   {"line", f.line},
                                   {"field", f.field},
                                   {"column", f.column},
                                   {"code", f.code},
                                   {"severity", f.severity},
                                   {"message", f.message},
                                   {"original", f.original},
                                   {"suggested", f.suggested},
                                   {"current", f.current},
                                   {"status", f.status},
                                   {"fixed_at", f.fixed_at.empty() ? json::value(nullptr) : json::value(f.fixed_at)},
                                   {"fixed_by", f.fixed_by.empty() ? json::value(nullptr) : json::value(f.fixed_by)},
                                   {"fixed_value", f.fixed_value}});
    return items;
  };

  web::route(r, ctx, "GET", "/api/v1/findings", "campaign.read", [&db, finding_rows_json](Request& req, const Actor* a) {
    FindingQuery q = finding_query(req);
    q.limit = 100;
    if (auto l = req.query_param("limit"); l && !l->empty()) q.limit = int(std::min<int64_t>(1000, positive(*l, false, "limit")));
    registry::Organization org;
    auto rows = list_findings(db, *a, req.query_param("org").value_or(""), q, &org);
    audit_findings_read(db, *a, org, rows);
    json::object out;
    out["items"] = finding_rows_json(rows);
    out["next"] = (int)rows.size() == q.limit ? json::value(rows.back().id) : json::value(nullptr);
    return Response::json(json::serialize(out));
  });

  web::route(r, ctx, "GET", "/campaign/findings", "campaign.read", [&db, &R](Request& req, const Actor* a) {
    std::string lang = web::lang_of(req);
    FindingQuery q = finding_query(req);
    q.limit = 100;
    registry::Organization org;
    auto rows = list_findings(db, *a, req.query_param("org").value_or(""), q, &org);
    audit_findings_read(db, *a, org, rows);
    bool synthetic = false;
    {
      auto s = db.session();
      synthetic = registry::any_synthetic(*s, org.path);
    }
    web::Layout l;
    l.title = R.i18n().t(lang, "cmp_findings_title") + " — " + org.name;
    l.lang = lang;
    l.actor = a;
    l.nav = "campaign";
    l.synthetic = synthetic;
    auto url = [&](const std::string& drop, const std::string& add) {
      std::string u = "/campaign/findings?";
      for (auto& [k, v] : req.query)
        if (k != drop && k != "after" && !v.empty()) u += http::url_encode(k) + "=" + http::url_encode(v) + "&";
      return u + add;
    };
    return Response::html(R.page("campaign_findings", l, [&](TemplateDictionary& d) {
      d.SetValue("ORG_CODE", org.code);
      d.SetValue("ORG_NAME", org.name);
      d.SetValue("COUNT", web::format_count(int64_t(rows.size()), lang));
      for (const char* st : {"open", "fixed", "all"}) {
        auto* o = d.AddSectionDictionary("STATUS_OPT");
        o->SetValue("VALUE", st);
        o->SetValue("LABEL", R.i18n().t(lang, std::string("cmp_status_") + st));
        if ((q.status.empty() ? std::string("all") : q.status) == st) o->SetValue("SELECTED", "selected");
      }
      for (const char* sv : {"error", "warning"}) {
        auto* o = d.AddSectionDictionary("SEVERITY_OPT");
        o->SetValue("VALUE", sv);
        o->SetValue("LABEL", severity_label(R, lang, sv));
        if (q.severity == sv) o->SetValue("SELECTED", "selected");
      }
      d.SetValue("CODE", q.code);
      if (q.import_id) d.AddSectionDictionary("IMPORT")->SetValue("ID", std::to_string(*q.import_id));
      if (!q.code.empty()) {
        auto* c = d.AddSectionDictionary("CHIP");
        c->SetValue("LABEL", code_label(R, lang, q.code));
        c->SetValue("URL", url("code", ""));
      }
      if (q.import_id) {
        auto* c = d.AddSectionDictionary("CHIP");
        c->SetValue("LABEL", R.i18n().t(lang, "imp_job_title") + " " + std::to_string(*q.import_id));
        c->SetValue("URL", url("import", ""));
      }
      if (security::role_allows(a->role, security::Action::export_members)) d.ShowSection("CAN_EXPORT");
      for (auto& f : rows) {
        auto* row = d.AddSectionDictionary("FINDING");
        row->SetValue("ID", std::to_string(f.id));
        row->SetValue("MEMBER_ID", std::to_string(f.member_id));
        row->SetValue("MEMBER", f.member_name);
        row->SetValue("ORG", f.org_name);
        row->SetValue("FIELD", field_text(f.field, f.column, lang));
        row->SetValue("SEVERITY", severity_label(R, lang, f.severity));
        row->SetValue("SEVERITY_KEY", f.severity);
        row->SetValue("SEVERITY_CLASS", f.status == "fixed" ? "text-bg-success"
                                        : f.severity == "error" ? "text-bg-danger"
                                                                : "text-bg-warning");
        row->SetValue("CODE", f.code);
        row->SetValue("CODE_LABEL", code_label(R, lang, f.code));
        row->SetValue("MESSAGE", f.message);
        row->SetValue("ORIGINAL", f.original);
        row->SetValue("CURRENT", f.current);
        row->SetValue("SUGGESTED", f.suggested);
        row->SetValue("STATUS_KEY", f.status);
        row->SetValue("STATUS", R.i18n().t(lang, "cmp_status_" + f.status));
        if (f.status == "fixed") {
          auto* fx = row->AddSectionDictionary("FIXED");
          fx->SetValue("BY", f.fixed_by);
          fx->SetValue("AT", vietnam_time(f.fixed_at));
          fx->SetValue("VALUE", f.fixed_value);
        }
      }
      if (rows.empty()) d.ShowSection("NONE");
      if ((int)rows.size() == q.limit) d.AddSectionDictionary("NEXT")->SetValue("URL", url("after", "after=" + std::to_string(rows.back().id)));
      if (q.after_id > 0) d.AddSectionDictionary("FIRST")->SetValue("URL", url("after", ""));
    }));
  });

  web::route(r, ctx, "GET", "/campaign/findings.xlsx", "campaign.export", [&db](Request& req, const Actor* a) {
    std::string code = req.query_param("org").value_or(a->org_code);
    int64_t rows = 0;
    Response resp;
    resp.body = findings_xlsx(db, *a, code, &rows);
    resp.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    std::string safe;
    for (char c : code)
      if (std::isalnum((unsigned char)c) || c == '.' || c == '-' || c == '_') safe += c;
    resp.set_header("Content-Disposition", "attachment; filename=\"phat-hien-" + safe + ".xlsx\"");
    resp.set_header("X-Row-Count", std::to_string(rows));
    return resp;
  });
}

}  // namespace dangbo::quality
