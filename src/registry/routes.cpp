#include "registry/routes.hpp"

#include <boost/json.hpp>

#include "base/error.hpp"
#include "registry/service.hpp"
#include "security/sensitive.hpp"

namespace dangbo::registry {
using base::Error;
using base::ErrorKind;
using http::Request;
using http::Response;
using security::Actor;
using ctemplate::TemplateDictionary;
namespace json = boost::json;

namespace {

std::string as_of_param(const Request& req) {
  auto v = req.query_param("as_of");
  if (!v || v->empty()) return base::today().iso();
  auto d = base::parse_iso_date(*v);
  if (!d || d->precision != base::DatePrecision::day)
    throw Error(ErrorKind::bad_request, "as_of", "Tham số as_of phải là ngày dạng YYYY-MM-DD");
  return d->iso();
}

int64_t id_param(const Request& req) {
  const std::string& s = req.params.at("id");
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
    throw Error(ErrorKind::not_found, "member.not_found", "Không tìm thấy đảng viên");
  return std::stoll(s);
}

int limit_param(const Request& req, int def, int max) {
  auto v = req.query_param("limit");
  if (!v) return def;
  if (v->empty() || v->size() > 9 || v->find_first_not_of("0123456789") != std::string::npos || std::stoi(*v) < 1 ||
      std::stoi(*v) > max)
    throw Error(ErrorKind::bad_request, "limit",
                "Tham số limit phải là số nguyên từ 1 đến " + std::to_string(max));
  return std::stoi(*v);
}

MemberQuery member_query(const Request& req) {
  MemberQuery q;
  q.q = req.query_param("q").value_or("");
  q.status = req.query_param("status").value_or("");
  q.gender = req.query_param("gender").value_or("");
  q.age_band = req.query_param("age").value_or("");
  q.after = req.query_param("after").value_or("");
  if (q.q.size() > 200) throw Error(ErrorKind::bad_request, "q", "Chuỗi tìm kiếm quá dài");
  // History: the members as they stood on another day (through membership history).
  if (auto v = req.query_param("as_of"); v && !v->empty()) {
    std::string d = as_of_param(req);
    if (d != base::today().iso()) q.as_of = d;  // a past day, or a plan's future one
  }
  return q;
}

std::string lbl(const std::string& lang, MemberStatus s) { return std::string(lang == "en" ? label_en(s) : label_vi(s)); }
std::string lbl(const std::string& lang, OrgKind k) { return std::string(lang == "en" ? label_en(k) : label_vi(k)); }
std::string gender_label(const std::string& lang, Gender g) {
  if (lang == "en") return g == Gender::male ? "Male" : "Female";
  return g == Gender::male ? "Nam" : "Nữ";
}
std::string date_text(const std::optional<CivilDate>& d) { return d ? d->display() : ""; }

json::object member_json(const Member& m) {
  json::object o;
  o["id"] = m.id;
  o["family_name"] = m.family_name;
  o["middle_name"] = m.middle_name;
  o["given_name"] = m.given_name;
  o["full_name"] = m.full_name();
  o["other_names"] = m.other_names;
  o["gender"] = std::string(to_string(m.gender));
  auto d = [](const std::optional<CivilDate>& x) -> json::value { return x ? json::value(x->iso()) : json::value(nullptr); };
  o["birth_date"] = d(m.birth_date);
  o["birth_place"] = m.birth_place;
  o["home_town"] = m.home_town;
  o["ethnicity"] = m.ethnicity;
  o["religion"] = m.religion;
  o["citizen_id"] = m.citizen_id;
  o["residence"] = m.residence;
  o["residence_unit_code"] = m.residence_unit_code;
  o["phone"] = m.phone;
  o["email"] = m.email;
  o["admitted_on"] = d(m.admitted_on);
  o["full_member_on"] = d(m.full_member_on);
  o["card_number"] = m.card_number;
  o["card_issued_on"] = d(m.card_issued_on);
  o["status"] = std::string(to_string(m.status));
  o["education"] = m.education;
  o["professional_qualification"] = m.professional_qualification;
  o["theory_level"] = m.theory_level;
  o["occupation"] = m.occupation;
  o["position"] = m.position;
  o["organization"] = m.org_code;
  o["organization_name"] = m.org_name;
  o["synthetic"] = m.synthetic;
  o["version"] = m.version;
  return o;
}

void fill_member_rows(TemplateDictionary& d, const MemberPage& page, const std::string& lang) {
  for (auto& m : page.items) {
    auto* row = d.AddSectionDictionary("MEMBER");
    row->SetValue("ID", std::to_string(m.id));
    row->SetValue("NAME", m.full_name());
    row->SetValue("GENDER", gender_label(lang, m.gender));
    row->SetValue("BIRTH", date_text(m.birth_date));
    row->SetValue("STATUS", lbl(lang, m.status));
    row->SetValue("STATUS_KEY", std::string(to_string(m.status)));
    row->SetValue("ADMITTED", date_text(m.admitted_on));
    row->SetValue("ORG", m.org_name);
  }
  if (page.items.empty()) d.ShowSection("NO_MEMBERS");
}

}  // namespace

void register_routes(http::Router& r, web::Context& ctx) {
  auto svc = std::make_shared<RegistryService>(ctx.db, ctx.keys);
  const web::Renderer& R = ctx.renderer;

  // ---------- pages ----------
  web::route(r, ctx, "GET", "/", "org.read", [](Request&, const Actor* a) {
    if (a->role == security::Role::auditor) return Response::redirect("/audit");
    if (a->role == security::Role::member && a->member_id) return Response::redirect("/members/" + std::to_string(*a->member_id));
    return Response::redirect("/orgs/" + http::url_encode(a->org_code));
  });

  // The members table with filters; shared by the organization page and its htmx refresh.
  auto members_block = [svc](const Request& req, const Actor* a, const Organization& org, TemplateDictionary& d,
                             const std::string& lang) {
    MemberQuery q = member_query(req);
    q.limit = 50;
    auto page = svc->members(*a, org.code, q);
    int64_t total = svc->member_count(*a, org.code, q);
    d.SetValue("ORG_CODE", org.code);
    d.SetValue("Q", q.q);
    // A filtered count stops after kCountCap + 1 rows: more than kCountCap shows as "10.000+".
    const bool capped = !RegistryService::unfiltered(q) && total > RegistryService::kCountCap;
    d.SetValue("TOTAL", capped ? web::format_count(RegistryService::kCountCap, lang) + "+" : web::format_count(total, lang));
    fill_member_rows(d, page, lang);
    // filter chips (removable) and selects
    auto chip = [&](const std::string& label, const std::string& drop) {
      auto* c = d.AddSectionDictionary("CHIP");
      c->SetValue("LABEL", label);
      std::string url = "/orgs/" + http::url_encode(org.code) + "?";
      for (auto& [k, v] : req.query)
        if (k != drop && k != "after" && !v.empty()) url += http::url_encode(k) + "=" + http::url_encode(v) + "&";
      c->SetValue("REMOVE_URL", url);
    };
    if (security::role_allows(a->role, security::Action::export_members)) {
      std::string url = "/orgs/" + http::url_encode(org.code) + "/export.csv?";
      for (auto& [k, v] : req.query)
        if (k != "after" && !v.empty()) url += http::url_encode(k) + "=" + http::url_encode(v) + "&";
      d.AddSectionDictionary("CAN_EXPORT")->SetValue("EXPORT_URL", url);
    }
    if (!q.q.empty()) chip("“" + q.q + "”", "q");
    if (!q.status.empty()) {
      auto s = parse_member_status(q.status);
      chip(s ? lbl(lang, *s) : q.status, "status");
    }
    if (!q.gender.empty()) chip(q.gender == "male" ? gender_label(lang, Gender::male) : gender_label(lang, Gender::female), "gender");
    if (!q.age_band.empty()) chip(q.age_band, "age");
    for (auto st : {MemberStatus::probationary, MemberStatus::full, MemberStatus::exempted, MemberStatus::transferred_out,
                    MemberStatus::removed, MemberStatus::expelled, MemberStatus::deceased}) {
      auto* o = d.AddSectionDictionary("STATUS_OPT");
      o->SetValue("VALUE", std::string(to_string(st)));
      o->SetValue("LABEL", lbl(lang, st));
      if (q.status == to_string(st)) o->SetValue("SELECTED", "selected");
    }
    if (q.status == "all") d.SetValue("STATUS_ALL_SELECTED", "selected");
    for (auto g : {Gender::male, Gender::female}) {
      auto* o = d.AddSectionDictionary("GENDER_OPT");
      o->SetValue("VALUE", std::string(to_string(g)));
      o->SetValue("LABEL", gender_label(lang, g));
      if (q.gender == to_string(g)) o->SetValue("SELECTED", "selected");
    }
    for (auto& b : age_bands()) {
      auto* o = d.AddSectionDictionary("AGE_OPT");
      o->SetValue("VALUE", b.key);
      o->SetValue("LABEL", b.key);
      if (q.age_band == b.key) o->SetValue("SELECTED", "selected");
    }
    if (!page.next.empty()) {
      auto* n = d.AddSectionDictionary("NEXT");
      std::string url = "/orgs/" + http::url_encode(org.code) + "?";
      for (auto& [k, v] : req.query)
        if (k != "after" && !v.empty()) url += http::url_encode(k) + "=" + http::url_encode(v) + "&";
      n->SetValue("URL", url + "after=" + page.next);
    }
    if (!q.after.empty()) {
      auto* f = d.AddSectionDictionary("FIRST");
      std::string url = "/orgs/" + http::url_encode(org.code) + "?";
      for (auto& [k, v] : req.query)
        if (k != "after" && !v.empty()) url += http::url_encode(k) + "=" + http::url_encode(v) + "&";
      f->SetValue("URL", url);
    }
    return page.items.empty() ? false : page.items.front().synthetic;
  };

  web::route(r, ctx, "GET", "/orgs/{code}", "org.read", [svc, &R, members_block](Request& req, const Actor* a) {
    std::string lang = web::lang_of(req), as_of = as_of_param(req), code = req.params.at("code");
    auto org = svc->organization(*a, code, as_of);
    auto crumbs = svc->breadcrumb(*a, org);
    auto children = svc->organizations(*a, std::nullopt, org.code, as_of, "", 1000);
    bool past = as_of < base::today().iso();
    if (req.is_htmx() && req.header("HX-Target").value_or("") == "members") {
      return Response::html(R.fragment("members_table", lang, [&](TemplateDictionary& d) { members_block(req, a, org, d, lang); }));
    }
    web::Layout l;
    l.title = org.name;
    l.lang = lang;
    l.actor = a;
    l.nav = "orgs";
    l.synthetic = org.synthetic || svc->has_synthetic(*a, org, as_of != base::today().iso() ? as_of : "");
    return Response::html(R.page("org", l, [&](TemplateDictionary& d) {
      for (std::size_t i = 0; i < crumbs.size(); ++i) {
        auto* c = d.AddSectionDictionary(i + 1 == crumbs.size() ? "CRUMB_LAST" : "CRUMB");
        c->SetValue("CODE", crumbs[i].code);
        c->SetValue("NAME", crumbs[i].name);
      }
      d.SetValue("NAME", org.name);
      d.SetValue("CODE", org.code);
      d.SetValue("KIND", lbl(lang, org.kind));
      d.SetValue("ADMIN_UNIT", org.admin_unit_code);
      d.SetValue("VALID_FROM", org.valid_from.display());
      if (org.valid_to) d.AddSectionDictionary("VALID_TO")->SetValue("DATE", org.valid_to->display());
      // Lineage: what formed this organization, what it became (links open each as of its own days).
      auto [preds, succs] = svc->lineage(*a, org);
      if (!preds.empty() || !succs.empty()) {
        auto* lin = d.AddSectionDictionary("LINEAGE");
        auto fill = [&](TemplateDictionary* sec, const char* row_name, const LineageLink& l, bool pred) {
          auto* row = sec->AddSectionDictionary(row_name);
          row->SetValue("OP", lineage_label(l.operation, lang == "en"));
          row->SetValue("DECISION", l.decision_no);
          row->SetValue("DECISION_DATE", l.decision_date.display());
          row->SetValue("EFFECTIVE", l.effective_date.display());
          if (l.other) {
            auto* o = row->AddSectionDictionary("ORG");
            o->SetValue("CODE", l.other->code);
            o->SetValue("NAME", l.other->name);
            // a predecessor on its last day; a successor on its first
            CivilDate day = pred ? (l.other->valid_to ? base::add_days(*l.other->valid_to, -1) : l.other->valid_from)
                                 : l.other->valid_from;
            o->SetValue("AS_OF", day.iso());
          } else {
            row->ShowSection("DISSOLVED");
          }
        };
        if (!preds.empty()) {
          auto* sec = lin->AddSectionDictionary("FORMED_FROM");
          sec->SetValue("COUNT", std::to_string(preds.size()));
          for (auto& l : preds) fill(sec, "PRED", l, true);
        }
        if (!succs.empty()) {
          auto* sec = lin->AddSectionDictionary("BECAME");
          sec->SetValue("COUNT", std::to_string(succs.size()));
          for (auto& l : succs) fill(sec, "SUCC", l, false);
        }
      }
      d.SetValue("AS_OF", as_of);
      d.SetValue("AS_OF_DISPLAY", base::parse_iso_date(as_of)->display());
      if (past) d.ShowSection("PAST");
      if (a->role == security::Role::admin || a->role == security::Role::staff) d.ShowSection("CAN_RESTRUCTURE");
      for (auto& c : children) {
        auto* row = d.AddSectionDictionary("CHILD");
        row->SetValue("CODE", c.org.code);
        row->SetValue("NAME", c.org.name);
        row->SetValue("KIND", lbl(lang, c.org.kind));
        row->SetValue("COUNT", web::format_count(c.member_count, lang));
        if (c.child_count > 0) row->ShowSection("HAS_CHILDREN");
      }
      if (children.empty()) d.ShowSection("NO_CHILDREN");
      d.SetValue("CHILD_COUNT", std::to_string(children.size()));
      auto* mt = d.AddIncludeDictionary("MEMBERS_TABLE");
      mt->SetFilename("members_table.tpl");
      members_block(req, a, org, *mt, lang);
    }));
  });

  web::route(r, ctx, "GET", "/orgs/{code}/children", "org.read", [svc, &R](Request& req, const Actor* a) {
    std::string lang = web::lang_of(req), as_of = as_of_param(req);
    auto children = svc->organizations(*a, std::nullopt, req.params.at("code"), as_of, "", 1000);
    return Response::html(R.fragment("org_children", lang, [&](TemplateDictionary& d) {
      for (auto& c : children) {
        auto* row = d.AddSectionDictionary("CHILD");
        row->SetValue("CODE", c.org.code);
        row->SetValue("NAME", c.org.name);
        row->SetValue("KIND", lbl(lang, c.org.kind));
        row->SetValue("COUNT", web::format_count(c.member_count, lang));
        row->SetValue("AS_OF", as_of);
        if (c.child_count > 0) row->ShowSection("HAS_CHILDREN");
      }
    }));
  });

  auto member_page = [svc, &R](Request& req, const Actor* a, int64_t id, const std::map<std::string, std::string>* errors,
                               const std::map<std::string, std::string>* typed, bool edit) {
    std::string lang = web::lang_of(req);
    auto m = svc->member(*a, id, !edit);
    auto hist = svc->history(*a, id);
    auto trail = svc->audit_trail(*a, id);
    web::Layout l;
    l.title = m.full_name();
    l.lang = lang;
    l.actor = a;
    l.nav = "orgs";
    l.synthetic = m.synthetic;
    return R.page(edit ? "member_edit" : "member", l, [&](TemplateDictionary& d) {
      d.SetValue("ID", std::to_string(m.id));
      d.SetValue("NAME", m.full_name());
      d.SetValue("ORG_CODE", m.org_code);
      d.SetValue("ORG_NAME", m.org_name);
      d.SetValue("VERSION", std::to_string(m.version));
      d.SetValue("STATUS", lbl(lang, m.status));
      d.SetValue("STATUS_KEY", std::string(to_string(m.status)));
      if (security::role_allows(a->role, security::Action::edit_member)) d.ShowSection("CAN_EDIT");
      if (errors && !errors->empty()) d.ShowSection("HAS_ERRORS");
      for (auto& f : editable_member_fields()) {
        auto* row = d.AddSectionDictionary("FIELD");
        row->SetValue("FIELD", f);
        row->SetValue("LABEL", R.i18n().t(lang, "field_" + f));
        std::string value = member_field_text(m, f);
        if (typed) {
          auto it = typed->find(f);
          if (it != typed->end()) value = it->second;  // keep what the user typed
        }
        std::string shown = value;
        if (f == "gender") shown = gender_label(lang, m.gender);
        if (f == "status") shown = lbl(lang, m.status);
        row->SetValue("VALUE", value);
        row->SetValue("SHOWN", shown);
        if (f == "gender" || f == "status") {
          auto* sel = row->AddSectionDictionary("SELECT");
          if (f == "gender")
            for (auto g : {Gender::male, Gender::female}) {
              auto* o = sel->AddSectionDictionary("OPT");
              o->SetValue("VALUE", std::string(to_string(g)));
              o->SetValue("LABEL", gender_label(lang, g));
              if (value == to_string(g)) o->SetValue("SELECTED", "selected");
            }
          else
            for (auto st : {MemberStatus::probationary, MemberStatus::full, MemberStatus::exempted, MemberStatus::transferred_out,
                            MemberStatus::removed, MemberStatus::expelled, MemberStatus::deceased}) {
              auto* o = sel->AddSectionDictionary("OPT");
              o->SetValue("VALUE", std::string(to_string(st)));
              o->SetValue("LABEL", lbl(lang, st));
              if (value == to_string(st)) o->SetValue("SELECTED", "selected");
            }
        } else {
          row->ShowSection("INPUT");
          if (f.find("_on") != std::string::npos || f == "birth_date") row->SetValue("PLACEHOLDER", "dd/mm/yyyy");
        }
        if (errors) {
          auto it = errors->find(f);
          if (it != errors->end()) {
            row->SetValue("INVALID", "is-invalid");
            row->AddSectionDictionary("ERROR")->SetValue("MESSAGE", it->second);
          }
        }
      }
      for (auto& h : hist) {
        auto* row = d.AddSectionDictionary("HISTORY");
        row->SetValue("ORG_CODE", h.org_code);
        row->SetValue("ORG_NAME", h.org_name);
        row->SetValue("FROM", h.valid_from.display());
        row->SetValue("TO", h.valid_to ? h.valid_to->display() : (lang == "en" ? "now" : "nay"));
        row->SetValue("REASON", h.reason);
      }
      for (auto& e : trail) {
        auto* row = d.AddSectionDictionary("AUDIT");
        row->SetValue("SEQ", std::to_string(e.seq));
        row->SetValue("AT", web::vietnam_time(e.at));
        row->SetValue("ACTOR", e.actor_name);
        row->SetValue("ACTION", R.i18n().t(lang, "audit_" + e.action));
        std::string detail;
        try {
          auto v = json::parse(e.detail);
          if (v.is_object())
            for (auto& [k, val] : v.as_object()) {
              if (!val.is_array() || val.as_array().size() != 2) continue;
              detail += R.i18n().t(lang, "field_" + std::string(k)) + ": “" + std::string(val.as_array()[0].as_string()) +
                        "” → “" + std::string(val.as_array()[1].as_string()) + "”; ";
            }
        } catch (...) {
        }
        row->SetValue("DETAIL", detail);
      }
      if (trail.empty()) d.ShowSection("NO_AUDIT");
      // sensitive fields: only for roles that may read them, in scope (checked again by the
      // service), never on the edit form of the ordinary fields
      if (!edit && svc->can_read_sensitive(*a)) {
        auto sens = svc->sensitive(*a, id);
        auto* sec = d.AddSectionDictionary("SENSITIVE");
        for (auto& k : security::sensitive_kinds()) {
          auto it = sens.find(k);
          if (it == sens.end()) continue;
          auto* row = sec->AddSectionDictionary("SENS_FIELD");
          row->SetValue("KIND", k);
          row->SetValue("LABEL", R.i18n().t(lang, "sensitive_" + k));
          row->SetValue("TEXT", it->second);
        }
        if (sens.empty()) sec->ShowSection("SENS_NONE");
        if (security::role_allows(a->role, security::Action::edit_sensitive)) sec->ShowSection("SENS_CAN_EDIT");
      }
    });
  };

  web::route(r, ctx, "GET", "/members/{id}", "member.read", [member_page](Request& req, const Actor* a) {
    return Response::html(member_page(req, a, id_param(req), nullptr, nullptr, false));
  });
  web::route(r, ctx, "GET", "/members/{id}/edit", "member.edit", [member_page](Request& req, const Actor* a) {
    if (!security::role_allows(a->role, security::Action::edit_member))
      throw Error(ErrorKind::forbidden, "forbidden", "Bạn không có quyền sửa hồ sơ đảng viên");
    return Response::html(member_page(req, a, id_param(req), nullptr, nullptr, true));
  });
  web::route(r, ctx, "POST", "/members/{id}/edit", "member.edit", [svc, member_page](Request& req, const Actor* a) {
    int64_t id = id_param(req);
    auto form = req.form();
    std::map<std::string, std::string> changes;
    for (auto& f : editable_member_fields())
      if (auto it = form.find(f); it != form.end()) changes[f] = it->second;
    std::optional<int64_t> ver;
    if (auto it = form.find("version"); it != form.end() && !it->second.empty() &&
                                        it->second.find_first_not_of("0123456789") == std::string::npos)
      ver = std::stoll(it->second);
    try {
      svc->update_member(*a, id, changes, ver);
    } catch (const ValidationError& e) {
      return Response::html(member_page(req, a, id, &e.fields(), &changes, true), 422);
    }
    return Response::redirect("/members/" + std::to_string(id) + "?saved=1");
  });

  // Sensitive fields (vetting notes, political history, relationships, discipline): staff and
  // administrators in scope; every view and edit is audited by the service.
  auto sensitive_page = [svc, &R](Request& req, const Actor* a, int64_t id, const std::map<std::string, std::string>* typed,
                                  const std::map<std::string, std::string>* errors, int status) {
    std::string lang = web::lang_of(req);
    auto m = svc->member(*a, id, false);
    auto cur = typed ? std::map<std::string, std::string>{} : svc->sensitive(*a, id);
    web::Layout l;
    l.title = m.full_name();
    l.lang = lang;
    l.actor = a;
    l.nav = "orgs";
    l.synthetic = m.synthetic;
    return Response::html(R.page("member_sensitive", l, [&](TemplateDictionary& d) {
      d.SetValue("ID", std::to_string(m.id));
      d.SetValue("NAME", m.full_name());
      d.SetValue("ORG_CODE", m.org_code);
      d.SetValue("ORG_NAME", m.org_name);
      if (errors && !errors->empty()) d.ShowSection("HAS_ERRORS");
      for (auto& k : security::sensitive_kinds()) {
        auto* row = d.AddSectionDictionary("SENS_FIELD");
        row->SetValue("KIND", k);
        row->SetValue("LABEL", R.i18n().t(lang, "sensitive_" + k));
        const auto& src = typed ? *typed : cur;
        auto it = src.find(k);
        row->SetValue("TEXT", it == src.end() ? std::string() : it->second);
        if (errors) {
          auto e = errors->find(k);
          if (e != errors->end()) row->AddSectionDictionary("ERROR")->SetValue("MESSAGE", e->second);
        }
      }
    }), status);
  };
  web::route(r, ctx, "GET", "/members/{id}/sensitive", "sensitive.edit", [svc, sensitive_page](Request& req, const Actor* a) {
    if (!security::role_allows(a->role, security::Action::edit_sensitive))
      throw Error(ErrorKind::forbidden, "forbidden", "Bạn không có quyền sửa thông tin nhạy cảm");
    return sensitive_page(req, a, id_param(req), nullptr, nullptr, 200);
  });
  web::route(r, ctx, "POST", "/members/{id}/sensitive", "sensitive.edit", [svc, sensitive_page](Request& req, const Actor* a) {
    int64_t id = id_param(req);
    auto form = req.form();
    std::map<std::string, std::string> changes;
    for (auto& k : security::sensitive_kinds())
      if (auto it = form.find(k); it != form.end()) changes[k] = it->second;
    try {
      svc->update_sensitive(*a, id, changes);
    } catch (const ValidationError& e) {
      return sensitive_page(req, a, id, &changes, &e.fields(), 422);
    }
    return Response::redirect("/members/" + std::to_string(id) + "?saved=1");
  });

  // The filtered member list as CSV (same filters and checks as the organization page).
  web::route(r, ctx, "GET", "/orgs/{code}/export.csv", "member.export", [svc](Request& req, const Actor* a) {
    std::string code = req.params.at("code");
    int64_t rows = 0;
    std::string csv = svc->export_members_csv(*a, code, member_query(req), &rows);
    Response resp;
    resp.content_type = "text/csv; charset=utf-8";
    resp.body = std::move(csv);
    std::string safe;
    for (char c : code)
      if (std::isalnum((unsigned char)c) || c == '.' || c == '-' || c == '_') safe += c;
    resp.set_header("Content-Disposition", "attachment; filename=\"dang-vien-" + safe + ".csv\"");
    resp.set_header("X-Row-Count", std::to_string(rows));
    return resp;
  });

  // Member statistics of one organization (charts drawn by dashboard.js from /api/v1/stats),
  // today or as of another day (?as_of=YYYY-MM-DD: the organization and its members that day).
  web::route(r, ctx, "GET", "/dashboard", "member.read", [svc, &R](Request& req, const Actor* a) {
    std::string lang = web::lang_of(req), as_of = as_of_param(req);
    std::string code = req.query_param("org").value_or("");
    if (code.empty()) code = a->org_code;
    auto org = svc->organization(*a, code, as_of);
    bool other_day = as_of != base::today().iso();
    web::Layout l;
    l.title = (lang == "en" ? "Dashboard — " : "Thống kê — ") + org.name;
    l.lang = lang;
    l.actor = a;
    l.nav = "dashboard";
    l.synthetic = org.synthetic || svc->has_synthetic(*a, org, other_day ? as_of : "");
    return Response::html(R.page("dashboard", l, [&](TemplateDictionary& d) {
      d.SetValue("ORG_CODE", org.code);
      d.SetValue("ORG_NAME", org.name);
      d.SetValue("AS_OF", as_of);
      if (other_day) d.AddSectionDictionary("OTHER_DAY")->SetValue("AS_OF_DISPLAY", base::parse_iso_date(as_of)->display());
    }));
  });

  // ---------- API ----------
  web::route(r, ctx, "GET", "/api/v1/organizations", "org.read", [svc](Request& req, const Actor* a) {
    std::optional<OrgKind> kind;
    if (auto k = req.query_param("kind"); k && !k->empty()) {
      kind = parse_org_kind(*k);
      if (!kind) throw Error(ErrorKind::bad_request, "kind", "Loại tổ chức không hợp lệ: " + *k);
    }
    int limit = limit_param(req, 100, 1000);
    auto rows = svc->organizations(*a, kind, req.query_param("parent").value_or(""), as_of_param(req),
                                   req.query_param("after").value_or(""), limit + 1);
    json::object out;
    json::array items;
    bool more = (int)rows.size() > limit;
    if (more) rows.pop_back();
    for (auto& r : rows) {
      json::object o;
      o["code"] = r.org.code;
      o["name"] = r.org.name;
      o["kind"] = std::string(to_string(r.org.kind));
      o["parent"] = r.org.parent_code.empty() ? json::value(nullptr) : json::value(r.org.parent_code);
      o["admin_unit_code"] = r.org.admin_unit_code;
      o["member_count"] = r.member_count;
      o["valid_from"] = r.org.valid_from.iso();
      o["valid_to"] = r.org.valid_to ? json::value(r.org.valid_to->iso()) : json::value(nullptr);
      items.push_back(std::move(o));
    }
    out["items"] = std::move(items);
    out["next"] = more ? json::value(rows.back().org.code) : json::value(nullptr);
    return Response::json(json::serialize(out));
  });

  // The lineage of one organization (the one valid on as_of): what formed it, what it became.
  web::route(r, ctx, "GET", "/api/v1/organizations/{code}/lineage", "org.read", [svc](Request& req, const Actor* a) {
    auto org = svc->organization(*a, req.params.at("code"), as_of_param(req));
    auto [preds, succs] = svc->lineage(*a, org);
    auto side = [](const std::vector<LineageLink>& v) {
      json::array arr;
      for (auto& l : v) {
        json::object o;
        o["operation"] = l.operation;
        o["decision_no"] = l.decision_no;
        o["decision_date"] = l.decision_date.iso();
        o["effective_date"] = l.effective_date.iso();
        if (l.other) {
          o["code"] = l.other->code;
          o["name"] = l.other->name;
          o["kind"] = std::string(to_string(l.other->kind));
          o["valid_from"] = l.other->valid_from.iso();
          o["valid_to"] = l.other->valid_to ? json::value(l.other->valid_to->iso()) : json::value(nullptr);
        } else {
          o["code"] = nullptr;
        }
        arr.push_back(std::move(o));
      }
      return arr;
    };
    json::object out;
    out["code"] = org.code;
    out["name"] = org.name;
    out["kind"] = std::string(to_string(org.kind));
    out["valid_from"] = org.valid_from.iso();
    out["valid_to"] = org.valid_to ? json::value(org.valid_to->iso()) : json::value(nullptr);
    out["formed_from"] = side(preds);
    out["became"] = side(succs);
    return Response::json(json::serialize(out));
  });

  web::route(r, ctx, "GET", "/api/v1/members", "member.read", [svc](Request& req, const Actor* a) {
    MemberQuery q = member_query(req);
    q.limit = limit_param(req, 50, 500);
    auto page = svc->members(*a, req.query_param("org").value_or(""), q);
    std::vector<int64_t> ids;
    for (auto& m : page.items) ids.push_back(m.id);
    svc->audit_list(*a, req.query_param("org").value_or(""), ids);  // whole records leave here
    json::object out;
    json::array items;
    for (auto& m : page.items) items.push_back(member_json(m));
    out["items"] = std::move(items);
    out["next"] = page.next.empty() ? json::value(nullptr) : json::value(page.next);
    return Response::json(json::serialize(out));
  });

  web::route(r, ctx, "GET", "/api/v1/members/{id}", "member.read", [svc](Request& req, const Actor* a) {
    return Response::json(json::serialize(member_json(svc->member(*a, id_param(req)))));
  });

  web::route(r, ctx, "PATCH", "/api/v1/members/{id}", "member.edit", [svc, &R](Request& req, const Actor* a) {
    int64_t id = id_param(req);
    json::value body;
    try {
      body = json::parse(req.body);
    } catch (...) {
      throw Error(ErrorKind::bad_request, "json", "Nội dung yêu cầu không phải JSON hợp lệ");
    }
    if (!body.is_object()) throw Error(ErrorKind::bad_request, "json", "Nội dung yêu cầu phải là một đối tượng JSON");
    std::map<std::string, std::string> changes;
    std::optional<int64_t> ver;
    for (auto& [k, v] : body.as_object()) {
      if (k == "version") {
        if (!v.is_int64()) throw Error(ErrorKind::bad_request, "version", "version phải là số nguyên");
        ver = v.as_int64();
      } else if (v.is_string()) {
        changes[std::string(k)] = std::string(v.as_string());
      } else if (v.is_null()) {
        changes[std::string(k)] = "";
      } else {
        throw Error(ErrorKind::bad_request, "json", "Giá trị của '" + std::string(k) + "' phải là chuỗi hoặc null");
      }
    }
    try {
      return Response::json(json::serialize(member_json(svc->update_member(*a, id, changes, ver))));
    } catch (const ValidationError& e) {
      return web::validation_problem(R.i18n(), e.fields());
    }
  });

  web::route(r, ctx, "GET", "/api/v1/stats", "member.read", [svc](Request& req, const Actor* a) {
    std::string lang = web::lang_of(req), as_of = as_of_param(req);
    std::string code = req.query_param("org").value_or("");
    auto st = svc->stats(*a, code, lang == "en", as_of);
    auto org = svc->organization(*a, code.empty() ? a->org_code : code, as_of);
    json::object out;
    out["org"] = json::object{{"code", org.code}, {"name", org.name}};
    out["as_of"] = as_of;
    out["total"] = st.total;
    out["synthetic"] = st.synthetic > 0;
    auto arr = [](const std::vector<CountItem>& v, bool code_name) {
      json::array a;
      for (auto& c : v) {
        json::object o;
        if (code_name) {
          o["code"] = c.key;
          o["name"] = c.label;
        } else {
          o["key"] = c.key;
          o["label"] = c.label;
        }
        o["count"] = c.count;
        a.push_back(std::move(o));
      }
      return a;
    };
    out["by_status"] = arr(st.by_status, false);
    out["by_gender"] = arr(st.by_gender, false);
    out["by_age_band"] = arr(st.by_age_band, false);
    out["by_child"] = arr(st.by_child, true);
    return Response::json(json::serialize(out));
  });
}

}  // namespace dangbo::registry
