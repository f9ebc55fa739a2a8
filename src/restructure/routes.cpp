#include "restructure/routes.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "base/date.hpp"
#include "base/error.hpp"
#include "registry/refdata.hpp"
#include "restructure/service.hpp"

namespace dangbo::restructure {
using base::Error;
using base::ErrorKind;
using ctemplate::TemplateDictionary;
using http::Request;
using http::Response;
using security::Actor;
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxPlanBytes = 8 * 1024 * 1024;

std::string kind_label(const std::string& lang, const std::string& kind) {
  auto k = registry::parse_org_kind(kind);
  if (!k) return kind;
  return std::string(lang == "en" ? registry::label_en(*k) : registry::label_vi(*k));
}

std::string change_label(const std::string& lang, const std::string& c) {
  bool en = lang == "en";
  if (auto k = parse_op_kind(c)) return std::string(en ? label_en(*k) : label_vi(*k));
  if (c == "new") return en ? "Established" : "Thành lập mới";
  if (c == "changed") return en ? "New version" : "Phiên bản mới";
  if (c == "receives") return en ? "Receives" : "Tiếp nhận";
  if (c == "target") return en ? "Target" : "Tổ chức đích";
  return c;
}

/// A decimal number as the language writes it: "3,04" (vi), "3.04" (en).
std::string fmt_num(double v, int decimals, const std::string& lang = "vi") {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (lang != "en")
    for (auto& c : s)
      if (c == '.') c = ',';
  return s;
}

bool is_xlsx(const std::string& body) { return body.size() > 4 && body.compare(0, 4, "PK\x03\x04") == 0; }

std::string xlsx_text(const std::string& body, const XlsxToCsv& conv) {
  if (!conv) throw Error(ErrorKind::bad_request, "xlsx", "Chưa đọc được tệp XLSX: hãy lưu phương án dưới dạng CSV UTF-8");
  try {
    return conv(body);
  } catch (const std::exception& e) {
    throw Error(ErrorKind::bad_request, "xlsx", std::string("Không đọc được tệp XLSX: ") + e.what());
  }
}

/// The plan text of a request: a form field "csv", a JSON {"csv": "…"}, an .xlsx workbook, or a
/// text/csv body.
std::string plan_text(const Request& req, const XlsxToCsv& conv) {
  std::string ct = req.header("Content-Type").value_or("");
  std::string text;
  if (is_xlsx(req.body)) {
    text = xlsx_text(req.body, conv);
  } else if (ct.find("application/x-www-form-urlencoded") != std::string::npos) {
    auto f = req.form();
    text = f.count("csv") ? f.at("csv") : "";
  } else if (ct.find("json") != std::string::npos) {
    try {
      auto v = json::parse(req.body);
      if (v.is_object() && v.as_object().contains("csv") && v.at("csv").is_string()) text = std::string(v.at("csv").as_string());
      else throw Error(ErrorKind::bad_request, "csv", "Nội dung JSON phải có trường \"csv\" chứa phương án");
    } catch (const Error&) {
      throw;
    } catch (...) {
      throw Error(ErrorKind::bad_request, "json", "Nội dung yêu cầu không phải JSON hợp lệ");
    }
  } else {
    text = req.body;
  }
  if (text.size() > kMaxPlanBytes) throw Error(ErrorKind::bad_request, "csv", "Phương án quá lớn (tối đa 8 MB)");
  return text;
}

json::array problems_json(const std::vector<Problem>& ps) {
  json::array a;
  for (auto& p : ps) {
    json::object o;
    o["code"] = p.code;
    o["message"] = p.message;
    o["line"] = p.line;
    o["org"] = p.org;
    o["blocking"] = p.blocking;
    a.push_back(std::move(o));
  }
  return a;
}

json::object preview_json(const Preview& pv) {
  json::object o;
  o["ok"] = pv.ok();
  o["effective_date"] = pv.effective ? json::value(pv.effective->iso()) : json::value(nullptr);
  o["problems"] = problems_json(pv.problems);
  o["orgs_new"] = pv.orgs_new;
  o["orgs_versioned"] = pv.orgs_versioned;
  o["orgs_closed"] = pv.orgs_closed;
  o["members_moved"] = pv.members_moved;
  auto rows = [](const std::vector<TreeRow>& v) {
    json::array a;
    for (auto& r : v) {
      json::object x;
      x["code"] = r.code;
      x["name"] = r.name;
      x["kind"] = r.kind;
      x["parent"] = r.parent_code;
      x["members"] = r.members;
      x["change"] = r.change;
      json::array from, to;
      for (auto& f : r.from) from.emplace_back(f);
      for (auto& t : r.to) to.emplace_back(t);
      if (!r.from.empty()) x["from"] = from;
      if (!r.to.empty()) x["to"] = to;
      a.push_back(std::move(x));
    }
    return a;
  };
  o["before"] = rows(pv.before);
  o["after"] = rows(pv.after);
  json::array moves;
  for (auto& m : pv.moves) moves.push_back(json::object{{"from", m.from_code}, {"to", m.to_code}, {"members", m.members}});
  o["moves"] = moves;
  return o;
}

Response problems_response(const Preview& pv, int status) {
  json::object p;
  p["type"] = "https://dangbo.local/problems/restructure-plan";
  p["title"] = "Phương án sắp xếp còn vấn đề";
  p["status"] = status;
  p["detail"] = "Phương án còn " + std::to_string(pv.blocking()) + " vấn đề cần xử lý trước khi áp dụng";
  p["problems"] = problems_json(pv.problems);
  auto r = Response::json(json::serialize(p), status);
  r.content_type = "application/problem+json";
  return r;
}

// The form of the operation builder: each field as posted (kept on the page).
const char* kBuildFields[] = {"b_op",           "b_code",        "b_target",       "b_target_name",
                              "b_target_kind",  "b_target_parent", "b_target_unit", "b_rule",
                              "b_share",        "b_decision_no", "b_decision_date", "b_effective_date"};

std::string csv_cell(std::string s) {
  for (auto& c : s)
    if (c == '\r' || c == '\n') c = ' ';
  if (s.find_first_of(",\"") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) {
    if (c == '"') o += '"';
    o += c;
  }
  return o + "\"";
}

const char* kCsvHeader =
    "op,code,target,target_name,target_kind,target_parent,target_unit,rule,share,decision_no,decision_date,effective_date,note";

}  // namespace

void register_routes(http::Router& r, web::Context& ctx, const std::string& data_dir, XlsxToCsv xlsx_to_csv) {
  auto conv = std::make_shared<XlsxToCsv>(std::move(xlsx_to_csv));
  auto svc = std::make_shared<RestructureService>(ctx.db);
  const web::Renderer& R = ctx.renderer;

  auto layout = [](const Request& req, const Actor* a, const std::string& title) {
    web::Layout l;
    l.title = title;
    l.lang = web::lang_of(req);
    l.actor = a;
    l.nav = "restructure";
    return l;
  };

  // The index: plans, the plan form and the builder. `text` is the plan text to show.
  auto index_page = [svc, &R, layout](const Request& req, const Actor* a, const std::string& text,
                                      const std::map<std::string, std::string>& built, const std::string& message,
                                      const std::string& error) {
    std::string lang = web::lang_of(req);
    if (!svc->can_manage(*a)) throw Error(ErrorKind::forbidden, "forbidden", "Chỉ quản trị viên và cán bộ Ban Tổ chức được sắp xếp tổ chức đảng");
    auto plans = svc->plans(*a);
    return R.page("restructure", layout(req, a, lang == "en" ? "Reorganisation" : "Sắp xếp tổ chức đảng"), [&](TemplateDictionary& d) {
      d.SetValue("CSV", text.empty() ? std::string(kCsvHeader) + "\n" : text);
      if (!message.empty()) d.AddSectionDictionary("MESSAGE")->SetValue("TEXT", message);
      if (!error.empty()) d.AddSectionDictionary("ERROR")->SetValue("TEXT", error);
      bool first_applied = true;
      for (auto& p : plans) {
        auto* row = d.AddSectionDictionary("PLAN");
        row->SetValue("ID", std::to_string(p.id));
        row->SetValue("NAME", p.name);
        row->SetValue("EFFECTIVE", base::parse_iso_date(p.effective_date).value_or(base::CivilDate{}).display());
        row->SetValue("STATUS", p.status == "applied" ? (lang == "en" ? "applied" : "đã áp dụng")
                                                      : (lang == "en" ? "undone" : "đã hoàn tác"));
        row->SetValue("STATUS_KEY", p.status);
        row->SetValue("OPS", std::to_string(p.ops));
        row->SetValue("APPLIED_AT", web::vietnam_time(p.applied_at));
        row->SetValue("APPLIED_BY", p.applied_by);
        if (p.status == "applied" && first_applied && svc->is_admin(*a)) {
          row->ShowSection("CAN_UNDO");
          first_applied = false;
        } else if (p.status == "applied") {
          first_applied = false;
        }
      }
      if (plans.empty()) d.ShowSection("NO_PLANS");
      for (auto* f : kBuildFields) {
        auto it = built.find(f);
        d.SetValue(std::string("V_") + f, it == built.end() ? "" : it->second);
      }
      for (auto k : {OpKind::merge, OpKind::split, OpKind::rename, OpKind::move, OpKind::dissolve, OpKind::change_kind}) {
        auto* o = d.AddSectionDictionary("OP_OPT");
        o->SetValue("VALUE", std::string(to_string(k)));
        o->SetValue("LABEL", std::string(lang == "en" ? label_en(k) : label_vi(k)));
        if (built.count("b_op") && built.at("b_op") == to_string(k)) o->SetValue("SELECTED", "selected");
      }
      {
        auto* o = d.AddSectionDictionary("OP_OPT");
        o->SetValue("VALUE", "assign");
        o->SetValue("LABEL", lang == "en" ? "Assignment (for split/dissolve)" : "Phân bổ (cho chia tách/giải thể)");
        if (built.count("b_op") && built.at("b_op") == "assign") o->SetValue("SELECTED", "selected");
      }
      for (auto k : {OrgKind::city, OrgKind::commune_committee, OrgKind::upper_committee, OrgKind::grassroots_committee,
                     OrgKind::grassroots_cell, OrgKind::cell}) {
        auto* o = d.AddSectionDictionary("KIND_OPT");
        o->SetValue("VALUE", std::string(registry::to_string(k)));
        o->SetValue("LABEL", std::string(lang == "en" ? registry::label_en(k) : registry::label_vi(k)));
        if (built.count("b_target_kind") && built.at("b_target_kind") == registry::to_string(k)) o->SetValue("SELECTED", "selected");
      }
      for (auto rr : {SplitRule::residence, SplitRule::listed, SplitRule::proportional}) {
        auto* o = d.AddSectionDictionary("RULE_OPT");
        o->SetValue("VALUE", std::string(to_string(rr)));
        if (built.count("b_rule") && built.at("b_rule") == to_string(rr)) o->SetValue("SELECTED", "selected");
      }
    });
  };

  web::route(r, ctx, "GET", "/restructure", "restructure.manage", [index_page](Request& req, const Actor* a) {
    std::string msg = req.query_param("undone").has_value()
                          ? (web::lang_of(req) == "en" ? "Plan " : "Đã hoàn tác phương án số ") + req.query_param("undone").value()
                          : "";
    std::string err = req.query_param("error").value_or("");
    return Response::html(index_page(req, a, "", {}, msg, err));
  });

  // Adds one operation row from the builder's fields to the plan text, and shows the page again.
  web::route(r, ctx, "POST", "/restructure/build", "restructure.manage", [index_page](Request& req, const Actor* a) {
    auto f = req.form();
    std::string text = f.count("csv") ? f.at("csv") : "";
    if (text.size() > kMaxPlanBytes) throw Error(ErrorKind::bad_request, "csv", "Phương án quá lớn (tối đa 8 MB)");
    std::map<std::string, std::string> built;
    for (auto* k : kBuildFields)
      if (f.count(k)) built[k] = f.at(k);
    std::string error;
    if (built["b_op"].empty() || built["b_code"].empty()) {
      error = web::lang_of(req) == "en" ? "Choose an operation and give the organization code" : "Chọn thao tác và ghi mã tổ chức";
    } else {
      if (text.find("op,") == std::string::npos) text = std::string(kCsvHeader) + "\n" + text;
      if (!text.empty() && text.back() != '\n') text += '\n';
      auto date = [](const std::string& v) {
        auto d = base::parse_user_date(v);
        return d ? d->iso() : v;
      };
      text += csv_cell(built["b_op"]) + "," + csv_cell(built["b_code"]) + "," + csv_cell(built["b_target"]) + "," +
              csv_cell(built["b_target_name"]) + "," + csv_cell(built["b_target_kind"]) + "," + csv_cell(built["b_target_parent"]) +
              "," + csv_cell(built["b_target_unit"]) + "," + csv_cell(built["b_rule"]) + "," + csv_cell(built["b_share"]) + "," +
              csv_cell(built["b_decision_no"]) + "," + date(built["b_decision_date"]) + "," + date(built["b_effective_date"]) + ",\n";
      // keep the decision for the next row; clear the rest
      for (auto k : {"b_code", "b_target", "b_target_name", "b_target_parent", "b_target_unit", "b_share"}) built[k].clear();
    }
    return Response::html(index_page(req, a, text, built, "", error));
  });

  auto preview_page = [svc, &R, layout](const Request& req, const Actor* a, const std::string& text, const Preview& pv,
                                        const std::string& error) {
    std::string lang = web::lang_of(req);
    Plan plan = parse_plan_csv(text);
    return R.page("restructure_preview", layout(req, a, lang == "en" ? "Plan preview" : "Xem trước phương án"), [&](TemplateDictionary& d) {
      d.SetValue("CSV", text);
      d.SetValue("PLAN_NAME", plan.name);
      d.SetValue("EFFECTIVE", pv.effective ? pv.effective->display() : "");
      d.SetValue("OPS", std::to_string(plan.ops.size()));
      d.SetValue("ORGS_NEW", web::format_count(pv.orgs_new, lang));
      d.SetValue("ORGS_VERSIONED", web::format_count(pv.orgs_versioned, lang));
      d.SetValue("ORGS_CLOSED", web::format_count(pv.orgs_closed, lang));
      d.SetValue("MEMBERS_MOVED", web::format_count(pv.members_moved, lang));
      d.SetValue("BLOCKING", std::to_string(pv.blocking()));
      if (!error.empty()) d.AddSectionDictionary("ERROR")->SetValue("TEXT", error);
      if (pv.ok()) d.ShowSection("CAN_APPLY");
      else d.ShowSection("BLOCKED");
      for (auto& p : pv.problems) {
        auto* row = d.AddSectionDictionary(p.blocking ? "PROBLEM" : "WARNING");
        row->SetValue("CODE", p.code);
        row->SetValue("MESSAGE", p.message);
        row->SetValue("LINE", p.line ? std::to_string(p.line) : "");
        row->SetValue("ORG", p.org);
      }
      if (pv.problems.empty()) d.ShowSection("NO_PROBLEMS");
      auto tree = [&](const char* name, const std::vector<TreeRow>& rows, bool before) {
        std::string last_parent = "\x01";
        TemplateDictionary* group = nullptr;
        for (auto& t : rows) {
          if (!group || t.parent_code != last_parent) {
            group = d.AddSectionDictionary(name);
            group->SetValue("PARENT", t.parent_name.empty() ? (lang == "en" ? "(top level)" : "(cấp cao nhất)") : t.parent_name);
            group->SetValue("PARENT_CODE", t.parent_code);
            last_parent = t.parent_code;
          }
          auto* row = group->AddSectionDictionary("ROW");
          row->SetValue("CODE", t.code);
          row->SetValue("NAME", t.name);
          row->SetValue("KIND", kind_label(lang, t.kind));
          row->SetValue("MEMBERS", t.members < 0 ? "?" : web::format_count(t.members, lang));
          row->SetValue("CHANGE", change_label(lang, t.change));
          std::string rel;
          for (auto& c : before ? t.to : t.from) rel += (rel.empty() ? "" : ", ") + (c.empty() ? std::string("—") : c);
          row->SetValue("REL", rel);
        }
      };
      tree("BEFORE", pv.before, true);
      tree("AFTER", pv.after, false);
      std::size_t shown = 0;
      for (auto& m : pv.moves) {
        if (++shown > 1000) break;
        auto* row = d.AddSectionDictionary("MOVE");
        row->SetValue("FROM", m.from_name);
        row->SetValue("FROM_CODE", m.from_code);
        row->SetValue("TO", m.to_name);
        row->SetValue("TO_CODE", m.to_code);
        row->SetValue("COUNT", web::format_count(m.members, lang));
      }
      d.SetValue("MOVE_ROWS", std::to_string(pv.moves.size()));
      for (auto& m : pv.member_sample) {
        auto* row = d.AddSectionDictionary("SAMPLE");
        row->SetValue("ID", std::to_string(m.member_id));
        row->SetValue("NAME", m.name);
        row->SetValue("FROM", m.from_name);
        row->SetValue("TO", m.to_name);
      }
    });
  };

  web::route(r, ctx, "POST", "/restructure/preview", "restructure.manage", [svc, preview_page, conv](Request& req, const Actor* a) {
    std::string text = plan_text(req, *conv);
    Plan plan = parse_plan_csv(text);
    Preview pv = svc->preview(*a, plan);
    return Response::html(preview_page(req, a, text, pv, ""));
  });

  web::route(r, ctx, "POST", "/restructure/apply", "restructure.manage", [svc, preview_page, conv](Request& req, const Actor* a) {
    std::string text = plan_text(req, *conv);
    Plan plan = parse_plan_csv(text);
    try {
      auto res = svc->apply(*a, plan);  // checks scope, then the plan inside its transaction
      return Response::redirect("/restructure/plans/" + std::to_string(res.plan_id) + "?applied=1");
    } catch (const Error& e) {
      if (e.code() != "restructure.problems") throw;
      return Response::html(preview_page(req, a, text, svc->preview(*a, plan), ""), 422);
    }
  });

  // An .xlsx plan → its CSV text, for the page's file picker (which then shows it in the form).
  web::route(r, ctx, "POST", "/restructure/xlsx", "restructure.manage", [svc, conv](Request& req, const Actor* a) {
    if (!svc->can_manage(*a))
      throw Error(ErrorKind::forbidden, "forbidden", "Chỉ quản trị viên và cán bộ Ban Tổ chức được sắp xếp tổ chức đảng");
    if (!is_xlsx(req.body)) throw Error(ErrorKind::bad_request, "xlsx", "Nội dung gửi lên không phải tệp XLSX");
    if (req.body.size() > kMaxPlanBytes) throw Error(ErrorKind::bad_request, "xlsx", "Tệp quá lớn (tối đa 8 MB)");
    Response resp = Response::text(xlsx_text(req.body, *conv));
    resp.content_type = "text/csv; charset=utf-8";
    return resp;
  });

  web::route(r, ctx, "POST", "/restructure/undo", "restructure.undo", [svc](Request& req, const Actor* a) {
    auto f = req.form();
    std::optional<int64_t> id;
    if (auto it = f.find("plan_id"); it != f.end() && !it->second.empty() &&
                                     it->second.find_first_not_of("0123456789") == std::string::npos && it->second.size() < 18)
      id = std::stoll(it->second);
    if (!svc->is_admin(*a)) throw Error(ErrorKind::forbidden, "forbidden", "Chỉ quản trị viên được hoàn tác phương án sắp xếp");
    try {
      int64_t done = svc->undo(*a, id);
      return Response::redirect("/restructure?undone=" + std::to_string(done));
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::forbidden) throw;
      return Response::redirect("/restructure?error=" + http::url_encode(e.what()));
    }
  });

  auto plan_id_param = [](const Request& req) -> int64_t {
    const std::string& s = req.params.at("id");
    if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
      throw Error(ErrorKind::not_found, "restructure.not_found", "Không tìm thấy phương án");
    return std::stoll(s);
  };

  web::route(r, ctx, "GET", "/restructure/plans/{id}", "restructure.manage", [svc, &R, layout, plan_id_param](Request& req, const Actor* a) {
    std::string lang = web::lang_of(req);
    int64_t id = plan_id_param(req);
    auto p = svc->plan(*a, id);
    auto ops = svc->plan_ops(*a, id);
    return Response::html(R.page("restructure_plan", layout(req, a, p.name), [&](TemplateDictionary& d) {
      d.SetValue("ID", std::to_string(p.id));
      d.SetValue("NAME", p.name);
      d.SetValue("EFFECTIVE", base::parse_iso_date(p.effective_date).value_or(base::CivilDate{}).display());
      d.SetValue("STATUS", p.status == "applied" ? (lang == "en" ? "applied" : "đã áp dụng") : (lang == "en" ? "undone" : "đã hoàn tác"));
      d.SetValue("APPLIED_AT", web::vietnam_time(p.applied_at));
      d.SetValue("APPLIED_BY", p.applied_by);
      if (!p.undone_at.empty()) d.AddSectionDictionary("UNDONE")->SetValue("AT", web::vietnam_time(p.undone_at));
      if (req.query_param("applied")) d.ShowSection("JUST_APPLIED");
      try {
        auto s = json::parse(p.summary).as_object();
        auto num = [&](const char* k) { return s.contains(k) && s.at(k).is_int64() ? s.at(k).as_int64() : int64_t(0); };
        d.SetValue("ORGS_NEW", web::format_count(num("orgs_new"), lang));
        d.SetValue("ORGS_VERSIONED", web::format_count(num("orgs_versioned"), lang));
        d.SetValue("ORGS_CLOSED", web::format_count(num("orgs_closed"), lang));
        d.SetValue("MEMBERS_MOVED", web::format_count(num("members_moved"), lang));
      } catch (...) {
      }
      for (auto& o : ops) {
        auto* row = d.AddSectionDictionary("OP");
        row->SetValue("SEQ", std::to_string(o.seq));
        row->SetValue("OP", change_label(lang, o.op));
        row->SetValue("DECISION", o.decision_no);
        row->SetValue("DECISION_DATE", base::parse_iso_date(o.decision_date).value_or(base::CivilDate{}).display());
        std::string src, tgt;
        try {
          auto dj = json::parse(o.detail).as_object();
          for (auto& v : dj.at("sources").as_array()) src += (src.empty() ? "" : ", ") + std::string(v.as_string());
          for (auto& v : dj.at("targets").as_array()) tgt += (tgt.empty() ? "" : ", ") + std::string(v.as_string());
        } catch (...) {
        }
        row->SetValue("SOURCES", src);
        row->SetValue("TARGETS", tgt);
      }
    }));
  });

  web::route(r, ctx, "GET", "/restructure/plans/{id}/plan.csv", "restructure.manage", [svc, plan_id_param](Request& req, const Actor* a) {
    int64_t id = plan_id_param(req);
    Response resp = Response::text("\xEF\xBB\xBF" + svc->plan_source(*a, id));
    resp.content_type = "text/csv; charset=utf-8";
    resp.set_header("Content-Disposition", "attachment; filename=\"phuong-an-" + std::to_string(id) + ".csv\"");
    return resp;
  });

  // The real 2025 plan for HCMC (rule: residence, no demo assignments), from the reference data.
  auto ref = std::make_shared<std::pair<std::once_flag, std::shared_ptr<registry::RefData>>>();
  web::route(r, ctx, "GET", "/restructure/plan-2025.csv", "restructure.manage", [svc, ref, data_dir](Request& req, const Actor* a) {
    if (!svc->can_manage(*a)) throw Error(ErrorKind::forbidden, "forbidden", "Chỉ quản trị viên và cán bộ Ban Tổ chức được sắp xếp tổ chức đảng");
    std::call_once(ref->first, [&] { ref->second = std::make_shared<registry::RefData>(registry::RefData::load(data_dir)); });
    auto rule = parse_split_rule(req.query_param("rule").value_or("residence")).value_or(SplitRule::residence);
    Response resp = Response::text("\xEF\xBB\xBF" + write_plan_csv(plan_2025(*ref->second, rule)));
    resp.content_type = "text/csv; charset=utf-8";
    resp.set_header("Content-Disposition", "attachment; filename=\"sap-xep-2025-tphcm.csv\"");
    return resp;
  });

  auto standards_query = [](const Request& req) {
    StandardsQuery q;
    q.province = req.query_param("province").value_or("79");
    if (q.province.size() > 2 || q.province.find_first_not_of("0123456789") != std::string::npos)
      throw Error(ErrorKind::bad_request, "province", "Mã tỉnh phải gồm 2 chữ số (để trống: cả nước)");
    q.basis = req.query_param("basis").value_or("arrangement_2025");
    if (auto on = req.query_param("on"); on && !on->empty()) {
      auto d = base::parse_iso_date(*on);
      if (!d || d->precision != base::DatePrecision::day)
        throw Error(ErrorKind::bad_request, "on", "Tham số on phải là ngày dạng YYYY-MM-DD");
      q.on = *d;
    } else if (q.basis == "standard") {
      q.on = base::today();
    }
    q.only_below = req.query_param("all").value_or("") != "1";
    return q;
  };

  web::route(r, ctx, "GET", "/restructure/standards", "restructure.standards", [svc, &R, layout, standards_query](Request& req, const Actor* a) {
    std::string lang = web::lang_of(req);
    auto q = standards_query(req);
    auto rows = svc->standards(*a, q);
    StandardsQuery all = q;
    all.only_below = false;
    auto every = svc->standards(*a, all);
    return Response::html(R.page("restructure_standards", layout(req, a, lang == "en" ? "Standards check" : "Rà soát tiêu chuẩn"),
                                 [&](TemplateDictionary& d) {
      d.SetValue("PROVINCE", q.province);
      d.SetValue("ON", q.on.iso());
      d.SetValue("ON_DISPLAY", q.on.display());
      d.SetValue(q.basis == "standard" ? "SEL_STANDARD" : "SEL_ARRANGEMENT", "selected");
      if (!q.only_below) d.SetValue("ALL_CHECKED", "checked");
      d.SetValue("TOTAL", web::format_count(int64_t(every.size()), lang));
      int64_t below = 0, area = 0, pop = 0;
      std::map<std::string, std::string> sources;
      for (auto& c : every) {
        below += c.below() ? 1 : 0;
        area += c.area_below ? 1 : 0;
        pop += c.population_below ? 1 : 0;
        if (c.min_area_km2) sources[c.category + " area"] = c.area_source;
        if (c.min_population) sources[c.category + " pop"] = c.population_source;
      }
      d.SetValue("BELOW", web::format_count(below, lang));
      d.SetValue("BELOW_AREA", web::format_count(area, lang));
      d.SetValue("BELOW_POP", web::format_count(pop, lang));
      for (auto& [k, s] : sources) d.AddSectionDictionary("SOURCE")->SetValue("TEXT", s);
      for (auto& c : rows) {
        auto* row = d.AddSectionDictionary("UNIT");
        row->SetValue("CODE", c.unit.code);
        row->SetValue("NAME", c.unit.full_name.empty() ? c.unit.name : c.unit.full_name);
        row->SetValue("TYPE", c.unit.unit_type);
        row->SetValue("AREA", c.area_known ? fmt_num(c.unit.area_km2, 2, lang) : "?");
        row->SetValue("POP", c.population_known ? web::format_count(c.unit.population, lang) : "?");
        row->SetValue("MIN_AREA", c.min_area_km2 ? fmt_num(*c.min_area_km2, 1, lang) : "—");
        row->SetValue("MIN_POP", c.min_population ? web::format_count(int64_t(*c.min_population), lang) : "—");
        row->SetValue("AREA_PCT", c.min_area_km2 && c.area_known ? fmt_num(c.area_pct, 0) + "%" : "");
        row->SetValue("POP_PCT", c.min_population && c.population_known ? fmt_num(c.population_pct, 0) + "%" : "");
        if (c.area_below) row->SetValue("AREA_CLASS", "text-danger fw-semibold");
        if (c.population_below) row->SetValue("POP_CLASS", "text-danger fw-semibold");
      }
      if (rows.empty()) d.ShowSection("NO_UNITS");
    }));
  });

  // ---------- API ----------
  web::route(r, ctx, "POST", "/api/v1/restructure/preview", "restructure.manage", [svc, conv](Request& req, const Actor* a) {
    Plan plan = parse_plan_csv(plan_text(req, *conv));
    return Response::json(json::serialize(preview_json(svc->preview(*a, plan))));
  });

  web::route(r, ctx, "POST", "/api/v1/restructure/apply", "restructure.manage", [svc, conv](Request& req, const Actor* a) {
    Plan plan = parse_plan_csv(plan_text(req, *conv));
    try {
      auto res = svc->apply(*a, plan);
      json::object o = preview_json(res.preview);
      o["plan_id"] = res.plan_id;
      o["seconds"] = res.seconds;
      return Response::json(json::serialize(o), 201);
    } catch (const Error& e) {
      if (e.code() != "restructure.problems") throw;
      return problems_response(svc->preview(*a, plan), 422);
    }
  });

  web::route(r, ctx, "POST", "/api/v1/restructure/undo", "restructure.undo", [svc](Request& req, const Actor* a) {
    std::optional<int64_t> id;
    if (!req.body.empty()) {
      try {
        auto v = json::parse(req.body);
        if (v.is_object() && v.as_object().contains("plan_id") && v.at("plan_id").is_int64()) id = v.at("plan_id").as_int64();
      } catch (...) {
        throw Error(ErrorKind::bad_request, "json", "Nội dung yêu cầu không phải JSON hợp lệ");
      }
    }
    int64_t done = svc->undo(*a, id);
    return Response::json(json::serialize(json::object{{"undone", done}}));
  });

  web::route(r, ctx, "GET", "/api/v1/restructure/plans", "restructure.manage", [svc](Request&, const Actor* a) {
    json::array items;
    for (auto& p : svc->plans(*a)) {
      json::object o;
      o["id"] = p.id;
      o["name"] = p.name;
      o["effective_date"] = p.effective_date;
      o["status"] = p.status;
      o["operations"] = p.ops;
      o["applied_at"] = p.applied_at;
      o["applied_by"] = p.applied_by;
      o["undone_at"] = p.undone_at.empty() ? json::value(nullptr) : json::value(p.undone_at);
      try {
        o["summary"] = json::parse(p.summary);
      } catch (...) {
      }
      items.push_back(std::move(o));
    }
    return Response::json(json::serialize(json::object{{"items", items}}));
  });

  web::route(r, ctx, "GET", "/api/v1/restructure/standards", "restructure.standards", [svc, standards_query](Request& req, const Actor* a) {
    auto q = standards_query(req);
    json::array items;
    for (auto& c : svc->standards(*a, q)) {
      json::object o;
      o["code"] = c.unit.code;
      o["name"] = c.unit.full_name.empty() ? c.unit.name : c.unit.full_name;
      o["unit_type"] = c.unit.unit_type;
      o["province_code"] = c.unit.province_code;
      o["category"] = c.category;
      o["area_km2"] = c.area_known ? json::value(c.unit.area_km2) : json::value(nullptr);
      o["population"] = c.population_known ? json::value(int64_t(c.unit.population)) : json::value(nullptr);
      o["min_area_km2"] = c.min_area_km2 ? json::value(*c.min_area_km2) : json::value(nullptr);
      o["min_population"] = c.min_population ? json::value(*c.min_population) : json::value(nullptr);
      o["area_below"] = c.area_below;
      o["population_below"] = c.population_below;
      o["area_source"] = c.area_source;
      o["population_source"] = c.population_source;
      items.push_back(std::move(o));
    }
    json::object out;
    out["basis"] = q.basis;
    out["on"] = q.on.iso();
    out["province"] = q.province;
    out["items"] = items;
    return Response::json(json::serialize(out));
  });
}

}  // namespace dangbo::restructure
