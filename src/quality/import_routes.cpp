// Pages and API of imports: upload, column mapping, live progress (server-sent events), result.
#include "security/security.hpp"
#include "quality/import_routes.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "base/error.hpp"
#include "quality/import.hpp"
#include "quality/import_jobs.hpp"
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

constexpr int kBatch = 5000;

bool can_view(const Actor& a) {
  using security::Role;
  return a.role == Role::admin || a.role == Role::staff || a.role == Role::secretary;
}

void require_view(const Actor& a) {
  if (!can_view(a)) throw Error(ErrorKind::forbidden, "forbidden", "Bạn không có quyền xem các lần nhập dữ liệu");
}

bool final_status(const std::string& s) { return s == "done" || s == "failed" || s == "interrupted"; }

std::string status_label(const web::Renderer& R, const std::string& lang, const std::string& s) {
  return R.i18n().t(lang, "imp_status_" + s);
}

std::string status_class(const std::string& s) {
  if (s == "done") return "text-bg-success";
  if (s == "failed") return "text-bg-danger";
  if (s == "interrupted") return "text-bg-warning";
  if (s == "running") return "text-bg-primary";
  return "text-bg-secondary";
}

ImportProgress progress_of(const ImportJob& j) {
  ImportProgress p;
  p.import_id = j.id;
  p.status = j.status;
  p.rows_total = j.rows_total;
  p.rows_read = j.rows_read;
  p.created = j.rows_created;
  p.updated = j.rows_updated;
  p.unchanged = j.rows_unchanged;
  p.rejected = j.rows_rejected;
  p.batches = j.batches_done;
  p.message = j.message;
  return p;
}

json::object progress_json(const ImportProgress& p) {
  json::object o;
  o["id"] = p.import_id;
  o["status"] = p.status;
  o["rows_total"] = p.rows_total;
  o["rows_read"] = p.rows_read;
  o["created"] = p.created;
  o["updated"] = p.updated;
  o["unchanged"] = p.unchanged;
  o["rejected"] = p.rejected;
  o["batches"] = p.batches;
  o["percent"] = p.rows_total > 0 ? std::min<int64_t>(100, p.rows_read * 100 / p.rows_total) : 0;
  if (!p.message.empty()) o["message"] = p.message;
  return o;
}


// A dry run's rejected rows, as rejected_rows() gives a stored run's: from the job's summary
// (the first 500, in line order), after `after_line`, at most `limit`. Malformed summary: none.
std::vector<RejectedRow> summary_rejected_rows(const ImportJob& j, int64_t after_line, int limit) {
  std::vector<RejectedRow> out;
  try {
    auto sum = json::parse(j.summary.empty() ? "{}" : j.summary);
    if (auto* rj = sum.as_object().if_contains("rejected"))
      for (auto& x : rj->as_array()) {
        RejectedRow r;
        r.line = x.at("line").to_number<int64_t>();
        if (r.line <= after_line) continue;
        if (int(out.size()) >= limit) break;
        r.key = std::string(x.at("key").as_string());
        r.column = std::string(x.at("column").as_string());
        r.reason = std::string(x.at("reason").as_string());
        out.push_back(std::move(r));
      }
  } catch (...) {
    out.clear();
  }
  return out;
}
}  // namespace

void register_import_routes(http::Router& r, web::Context& ctx, const std::string& data_dir) {
  auto jobs = std::make_shared<ImportJobs>(ctx.db, data_dir);
  const web::Renderer& R = ctx.renderer;
  db::Database& db = ctx.db;

  // A job the actor may see; a running job whose process is gone is shown as interrupted, and a
  // queued one that no process runs any more as well.
  auto job_for = [&db, jobs](const Actor* a, int64_t id) -> ImportJob {
    require_view(*a);
    auto j = load_job(db, id);
    if (!j || !a->in_scope(j->org_path))
      throw Error(ErrorKind::not_found, "import.not_found", "Không tìm thấy lần nhập số " + std::to_string(id));
    if (j->status == "running") {  // its process may be gone (this host: a dead pid; any: no heartbeat)
      mark_interrupted_jobs(db);
      j = load_job(db, id);
    }
    return *j;
  };
  auto orphaned = [jobs](const ImportJob& j) { return j.status == "queued" && !jobs->active(j.id); };

  auto layout = [](const Request& req, const Actor* a, std::string title) {
    web::Layout l;
    l.title = std::move(title);
    l.lang = web::lang_of(req);
    l.actor = a;
    l.nav = "imports";
    return l;
  };

  // ---- the list and the upload form ----
  auto list_page = [&db, &R, layout](const Request& req, const Actor* a, const std::string& error, int status) {
    require_view(*a);
    std::string lang = web::lang_of(req);
    mark_interrupted_jobs(db);
    int64_t before = 0;
    if (auto b = req.query_param("before"); b && !b->empty()) before = positive(*b, false, "before");
    auto list = list_jobs(db, a->org_path, before, 50);
    std::vector<registry::OrgRow> orgs;
    {
      auto s = db.session();
      registry::OrgQuery q;
      q.parent_id = a->org_id;
      q.scope_path = a->org_path;
      q.as_of = base::today().iso();
      q.count_members = false;
      q.limit = 1000;
      orgs = registry::list_orgs(*s, q);
    }
    web::Layout l = layout(req, a, R.i18n().t(lang, "imp_title"));
    {
      auto s = db.session();
      l.synthetic = registry::any_synthetic(*s, a->org_path);
    }
    auto resp = Response::html(R.page("import_list", l, [&](TemplateDictionary& d) {
      d.SetValue("SCOPE", a->org_name);
      if (!error.empty()) d.AddSectionDictionary("ERROR")->SetValue("TEXT", error);
      if (can_import(*a, "roster") || can_import(*a, "fixes")) {
        auto* up = d.AddSectionDictionary("CAN_UPLOAD");
        auto* o = up->AddSectionDictionary("ORG_OPT");
        o->SetValue("CODE", a->org_code);
        o->SetValue("NAME", a->org_name);
        o->SetValue("SELECTED", "selected");
        for (auto& row : orgs) {
          auto* c = up->AddSectionDictionary("ORG_OPT");
          c->SetValue("CODE", row.org.code);
          c->SetValue("NAME", row.org.name);
        }
        up->ShowSection(can_import(*a, "roster") ? "ROSTER_HELP" : "FIXES_ONLY");
      }
      for (auto& j : list) {
        auto* row = d.AddSectionDictionary("JOB");
        row->SetValue("ID", std::to_string(j.id));
        row->SetValue("AT", vietnam_time(j.created_at));
        row->SetValue("ORG", j.org_name);
        row->SetValue("FILE", j.file_name);
        row->SetValue("KIND", R.i18n().t(lang, "imp_kind_" + j.kind));
        row->SetValue("STATUS", status_label(R, lang, j.status));
        row->SetValue("STATUS_KEY", j.status);
        row->SetValue("STATUS_CLASS", status_class(j.status));
        if (j.dry_run) row->ShowSection("DRY");
        row->SetValue("READ", web::format_count(j.rows_read, lang));
        row->SetValue("STORED", web::format_count(j.stored(), lang));
        row->SetValue("REJECTED", web::format_count(j.rows_rejected, lang));
        row->SetValue("BY", j.created_by_name);
      }
      if (list.empty()) d.ShowSection("NO_JOBS");
      else d.ShowSection("HAS_JOBS");
      if (list.size() == 50) d.AddSectionDictionary("NEXT")->SetValue("URL", "/imports?before=" + std::to_string(list.back().id));
      if (before > 0) d.ShowSection("FIRST");
    }));
    resp.status = status;
    return resp;
  };

  web::route(r, ctx, "GET", "/imports", "import.read", [list_page](Request& req, const Actor* a) {
    return list_page(req, a, "", 200);
  });

  web::route(r, ctx, "POST", "/imports", "import.upload", [jobs, list_page](Request& req, const Actor* a) {
    require_view(*a);
    std::string name, data, org = a->org_code;
    bool dry = false;
    try {
      for (auto& p : parse_multipart(req.body, req.header("Content-Type").value_or(""))) {
        if (p.name == "file") {
          name = p.filename;
          data = std::move(p.data);
        } else if (p.name == "org" && !p.data.empty()) {
          org = p.data;
        } else if (p.name == "dry_run") {
          dry = p.data == "1" || p.data == "on";
        }
      }
      if (data.empty()) throw Error(ErrorKind::bad_request, "import.file", "Hãy chọn một tệp CSV hoặc XLSX có dữ liệu");
      if (name.empty()) name = "tep-tai-len";
      if (name.size() > 200) name.resize(200);
      auto job = jobs->importer().create_job(a, org, ImportFile{name, "", std::move(data)}, dry, "", "uploaded", kBatch);
      std::string to = "/imports/" + std::to_string(job.id);
      if (req.is_htmx()) {
        auto resp = Response::text("", 200);
        resp.set_header("HX-Redirect", to);
        return resp;
      }
      return Response::redirect(to);
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::bad_request && e.kind() != ErrorKind::forbidden && e.kind() != ErrorKind::not_found) throw;
      if (req.is_htmx()) {
        auto resp = Response::html("<div class=\"alert alert-danger mb-0\" role=\"alert\" id=\"upload-error\">" +
                                       http::html_escape(e.what()) + "</div>",
                                   422);
        return resp;
      }
      return list_page(req, a, e.what(), 422);
    }
  });

  // ---- one job ----
  web::route(r, ctx, "GET", "/imports/{id}", "import.read", [&db, jobs, job_for, orphaned, &R, layout](Request& req, const Actor* a) {
    std::string lang = web::lang_of(req);
    ImportJob j = job_for(a, positive(req.params.at("id"), true, "lần nhập"));
    web::Layout l = layout(req, a, R.i18n().t(lang, "imp_job_title") + " " + std::to_string(j.id));
    {
      auto s = db.session();
      l.synthetic = registry::any_synthetic(*s, j.org_path);
    }
    FilePreview pv;
    bool preview_ok = false;
    std::string preview_error;
    if (j.status == "uploaded") {
      try {
        pv = jobs->importer().preview(job_file(jobs->importer().db(), j), j.org_id);
        if (!j.mapping.empty()) apply_mapping_json(pv.mapping, j.mapping, "ánh xạ cột");
        preview_ok = true;
      } catch (const std::exception& e) {
        preview_error = e.what();
      }
    }
    const bool stuck = orphaned(j);
    return Response::html(R.page("import_job", l, [&](TemplateDictionary& d) {
      d.SetValue("ID", std::to_string(j.id));
      d.SetValue("FILE", j.file_name);
      d.SetValue("ORG_CODE", j.org_code);
      d.SetValue("ORG_NAME", j.org_name);
      d.SetValue("KIND", R.i18n().t(lang, "imp_kind_" + j.kind));
      d.SetValue("KIND_KEY", j.kind);
      d.SetValue("BY", j.created_by_name);
      d.SetValue("AT", vietnam_time(j.created_at));
      d.SetValue("SOURCE", j.source);
      const std::string shown_status = stuck ? std::string("interrupted") : j.status;
      d.SetValue("STATUS", status_label(R, lang, shown_status));
      d.SetValue("STATUS_KEY", shown_status);
      d.SetValue("STATUS_CLASS", status_class(shown_status));
      if (j.dry_run) d.ShowSection("DRY");
      const bool may_run = can_import(*a, j.kind);
      if (j.status == "uploaded") {
        auto* up = d.AddSectionDictionary("UPLOADED");
        if (!preview_error.empty()) up->AddSectionDictionary("PREVIEW_ERROR")->SetValue("TEXT", preview_error);
        if (preview_ok && j.kind == "roster") {
          auto* mp = up->AddSectionDictionary("MAPPING");
          mp->SetValue("HEADER_LINE", std::to_string(pv.header_line));
          mp->SetValue("ROWS_ESTIMATE", web::format_count(pv.rows_estimate, lang));
          if (pv.saved_mapping) mp->ShowSection("SAVED");
          if (j.dry_run) mp->SetValue("DRY_CHECKED", "checked");
          for (std::size_t c = 0; c < pv.mapping.header.size(); ++c) {
            auto* col = mp->AddSectionDictionary("COL");
            col->SetValue("I", std::to_string(c));
            col->SetValue("HEADER", pv.mapping.header[c]);
            col->SetValue("MAPPED", pv.mapping.fields[c] != Field::none ? "mapped" : "unmapped text-muted");
            std::string sample;
            for (std::size_t k = 0; k < pv.rows.size() && k < 3; ++k) {
              const std::string& v = c < pv.rows[k].size() ? pv.rows[k][c] : std::string();
              if (v.empty()) continue;
              std::string cut = v;
              if (cut.size() > 40) {
                std::size_t k = 40;
                while (k > 0 && (static_cast<unsigned char>(cut[k]) & 0xC0) == 0x80) --k;  // not inside a UTF-8 letter
                cut = cut.substr(0, k) + "…";
              }
              sample += (sample.empty() ? "" : " · ") + cut;
            }
            col->SetValue("SAMPLE", sample);
            for (Field f : mappable_fields()) {
              auto* o = col->AddSectionDictionary("OPT");
              o->SetValue("VALUE", std::string(field_name(f)));
              o->SetValue("LABEL", field_label(f, lang));
              if (pv.mapping.fields[c] == f) o->SetValue("SELECTED", "selected");
            }
          }
          if (may_run) mp->ShowSection("CAN_START");
        } else if (preview_ok) {
          auto* fx = up->AddSectionDictionary("FIX_SHEET");
          fx->SetValue("ROWS_ESTIMATE", std::to_string(pv.rows.size()));
          if (j.dry_run) fx->SetValue("DRY_CHECKED", "checked");
          if (may_run) fx->ShowSection("CAN_START");
        }
      } else if ((j.status == "queued" && !stuck) || j.status == "running") {
        auto* run = d.AddSectionDictionary("RUNNING");
        run->SetValue("TOTAL", std::to_string(j.rows_total));
        run->SetValue("READ", std::to_string(j.rows_read));
        run->SetValue("PERCENT", std::to_string(j.rows_total > 0 ? std::min<int64_t>(100, j.rows_read * 100 / j.rows_total) : 0));
        run->SetValue("READ_TEXT", web::format_count(j.rows_read, lang));
        run->SetValue("TOTAL_TEXT", web::format_count(j.rows_total, lang));
        run->SetValue("CREATED", web::format_count(j.rows_created, lang));
        run->SetValue("UPDATED", web::format_count(j.rows_updated, lang));
        run->SetValue("UNCHANGED", web::format_count(j.rows_unchanged, lang));
        run->SetValue("REJECTED", web::format_count(j.rows_rejected, lang));
      } else {
        auto* res = d.AddSectionDictionary("RESULT");
        res->SetValue("READ", web::format_count(j.rows_read, lang));
        res->SetValue("STORED", web::format_count(j.stored(), lang));
        res->SetValue("CREATED", web::format_count(j.rows_created, lang));
        res->SetValue("UPDATED", web::format_count(j.rows_updated, lang));
        res->SetValue("UNCHANGED", web::format_count(j.rows_unchanged, lang));
        res->SetValue("REJECTED", web::format_count(j.rows_rejected, lang));
        res->SetValue("OPEN", web::format_count(j.findings_open, lang));
        res->SetValue("AUTO", web::format_count(j.findings_auto, lang));
        res->SetValue("BATCHES", std::to_string(j.batches_done));
        res->SetValue("STARTED", vietnam_time(j.started_at));
        res->SetValue("FINISHED", vietnam_time(j.finished_at));
        if (j.kind == "roster") res->ShowSection("ROSTER");
        else res->ShowSection("FIXES");
        if (j.rows_read == j.stored() + j.rows_rejected) res->ShowSection("ACCOUNTING_OK");
        if (j.status != "done" || stuck) {
          auto* st = res->AddSectionDictionary("STOPPED");
          st->SetValue("MESSAGE", stuck ? R.i18n().t(lang, "imp_orphaned") : j.message);
          if (may_run) st->ShowSection("CAN_RESUME");
        }
        // findings by kind: those a person must handle (warnings, errors), then the automatic changes
        try {
          auto sum = json::parse(j.summary.empty() ? "{}" : j.summary);
          // updated rows that transferred their member to another organization
          if (auto* mv = sum.as_object().if_contains("moved"); mv && j.kind == "roster")
            if (int64_t n = mv->to_number<int64_t>(); n > 0)
              res->AddSectionDictionary("MOVED")->SetValue("MOVED", web::format_count(n, lang));
          struct CodeCount {
            std::string code;
            int64_t need = 0, autofix = 0;
          };
          std::vector<CodeCount> codes;
          if (auto* bc = sum.as_object().if_contains("by_code_severity"))
            for (auto& [k, v] : bc->as_object()) {
              auto& a = v.as_array();
              codes.push_back({std::string(k), a.at(1).to_number<int64_t>() + a.at(2).to_number<int64_t>(), a.at(0).to_number<int64_t>()});
            }
          auto label_of = [&](const std::string& code) {
            std::string key = "fc_" + code;
            for (auto& ch : key)
              if (ch == '.') ch = '_';
            const std::string& label = R.i18n().t(lang, key);
            return label == key ? code : label;
          };
          std::sort(codes.begin(), codes.end(), [](auto& x, auto& y) { return x.need != y.need ? x.need > y.need : x.autofix > y.autofix; });
          int64_t auto_total = 0;
          for (auto& c : codes) {
            if (c.need > 0) {
              auto* row = res->AddSectionDictionary("CODE");
              row->SetValue("CODE", c.code);
              row->SetValue("LABEL", label_of(c.code));
              row->SetValue("COUNT", web::format_count(c.need, lang));
            }
            auto_total += c.autofix;
          }
          std::stable_sort(codes.begin(), codes.end(), [](auto& x, auto& y) { return x.autofix > y.autofix; });
          if (auto_total > 0) {
            auto* au = res->AddSectionDictionary("AUTO_CODES");
            au->SetValue("TOTAL", web::format_count(auto_total, lang));
            for (auto& c : codes)
              if (c.autofix > 0) {
                auto* row = au->AddSectionDictionary("ACODE");
                row->SetValue("CODE", c.code);
                row->SetValue("LABEL", label_of(c.code));
                row->SetValue("COUNT", web::format_count(c.autofix, lang));
              }
          }
          // "no findings" only when the list below is empty (findings closed since, or counted on
          // rows that were not stored, still show as kinds)
          if (std::none_of(codes.begin(), codes.end(), [](auto& c) { return c.need > 0; }) && auto_total == 0)
            res->ShowSection("NO_CODES");
        } catch (...) {
        }
        {
          // a dry run keeps its rejections in the summary
          auto rows = j.dry_run ? summary_rejected_rows(j, 0, 500) : rejected_rows(db, j.id, 0, 500);
          for (auto& x : rows) {
            auto* row = res->AddSectionDictionary("REJ");
            row->SetValue("LINE", std::to_string(x.line));
            row->SetValue("KEY", x.key);
            row->SetValue("COLUMN", x.column);
            row->SetValue("REASON", x.reason);
          }
          if (j.rows_rejected > 500) res->AddSectionDictionary("REJ_MORE")->SetValue("COUNT", web::format_count(j.rows_rejected - 500, lang));
        }
        if (j.rows_rejected == 0) res->ShowSection("NO_REJECTED");
        else res->ShowSection("HAS_REJ");
      }
    }));
  });

  web::route(r, ctx, "POST", "/imports/{id}/start", "import.upload", [jobs, job_for](Request& req, const Actor* a) {
    ImportJob j = job_for(a, positive(req.params.at("id"), true, "lần nhập"));
    auto form = req.form();
    std::string mapping;
    if (j.kind == "roster") {
      FilePreview pv = jobs->importer().preview(job_file(jobs->importer().db(), j), 0);
      json::object cols;
      for (std::size_t c = 0; c < pv.mapping.header.size(); ++c) {
        auto it = form.find("col_" + std::to_string(c));
        if (it == form.end()) continue;
        if (!parse_field(it->second))
          throw Error(ErrorKind::bad_request, "import.mapping", "Trường không xác định: " + it->second);
        cols[pv.mapping.header[c]] = it->second;
      }
      mapping = json::serialize(json::object{{"columns", std::move(cols)}});
    }
    bool dry = form.count("dry_run") && (form["dry_run"] == "1" || form["dry_run"] == "on");
    bool save = form.count("save_mapping") && (form["save_mapping"] == "1" || form["save_mapping"] == "on");
    jobs->importer().confirm_job(a, j.id, mapping, dry, save);
    jobs->submit(j.id, *a);
    return Response::redirect("/imports/" + std::to_string(j.id));
  });

  auto resume = [jobs, job_for, orphaned](const Actor* a, int64_t id) {
    ImportJob j = job_for(a, id);
    if (!can_import(*a, j.kind)) throw Error(ErrorKind::forbidden, "forbidden", "Bạn không có quyền chạy lần nhập này");
    if (!(j.status == "interrupted" || j.status == "failed" || orphaned(j)))
      throw Error(ErrorKind::conflict, "import.not_stopped", "Lần nhập số " + std::to_string(id) + " không ở trạng thái bị dừng");
    jobs->submit(j.id, *a);
    return j;
  };
  web::route(r, ctx, "POST", "/imports/{id}/resume", "import.upload", [resume](Request& req, const Actor* a) {
    auto j = resume(a, positive(req.params.at("id"), true, "lần nhập"));
    return Response::redirect("/imports/" + std::to_string(j.id));
  });

  // ---- API ----
  web::route(r, ctx, "POST", "/api/v1/imports", "import.upload", [jobs](Request& req, const Actor* a) {
    require_view(*a);
    std::string org = req.query_param("org").value_or(a->org_code);
    std::string name = req.query_param("name").value_or("tep-tai-len");
    bool dry = req.query_param("dry_run").value_or("0") == "1";
    bool start = req.query_param("start").value_or("1") != "0";
    int batch = kBatch;
    if (auto b = req.query_param("batch"); b && !b->empty()) batch = int(std::min<int64_t>(100000, positive(*b, false, "batch")));
    std::string mapping = req.query_param("mapping").value_or("");
    if (req.body.empty()) throw Error(ErrorKind::bad_request, "import.file", "Nội dung yêu cầu phải là tệp CSV hoặc XLSX");
    auto job = jobs->importer().create_job(a, org, ImportFile{name, "", req.body}, dry, mapping, "uploaded", batch);
    if (start) {
      jobs->importer().confirm_job(a, job.id, mapping.empty() ? job.mapping : mapping, dry, false);
      jobs->submit(job.id, *a);
      job = *load_job(jobs->importer().db(), job.id);
    }
    json::object o = job_json(job);
    o["links"] = json::object{{"self", "/api/v1/imports/" + std::to_string(job.id)},
                              {"events", "/api/v1/imports/" + std::to_string(job.id) + "/events"},
                              {"page", "/imports/" + std::to_string(job.id)}};
    auto resp = Response::json(json::serialize(o), 202);
    resp.set_header("Location", "/api/v1/imports/" + std::to_string(job.id));
    return resp;
  });

  web::route(r, ctx, "GET", "/api/v1/imports", "import.read", [&db](Request& req, const Actor* a) {
    require_view(*a);
    mark_interrupted_jobs(db);
    int64_t before = 0;
    if (auto b = req.query_param("before"); b && !b->empty()) before = positive(*b, false, "before");
    int limit = 50;
    if (auto l = req.query_param("limit"); l && !l->empty()) limit = int(std::min<int64_t>(500, positive(*l, false, "limit")));
    auto list = list_jobs(db, a->org_path, before, limit);
    json::array items;
    for (auto& j : list) items.push_back(job_json(j));
    json::object out;
    out["items"] = std::move(items);
    out["next"] = (int)list.size() == limit ? json::value(list.back().id) : json::value(nullptr);
    return Response::json(json::serialize(out));
  });

  web::route(r, ctx, "GET", "/api/v1/imports/{id}", "import.read", [job_for, orphaned](Request& req, const Actor* a) {
    auto j = job_for(a, positive(req.params.at("id"), true, "lần nhập"));
    auto o = job_json(j);
    if (orphaned(j)) o["status"] = "interrupted";
    return Response::json(json::serialize(o));
  });

  web::route(r, ctx, "GET", "/api/v1/imports/{id}/rejected", "import.read", [&db, job_for](Request& req, const Actor* a) {
    auto j = job_for(a, positive(req.params.at("id"), true, "lần nhập"));
    int64_t after = 0;
    if (auto v = req.query_param("after"); v && !v->empty()) after = positive(*v, false, "after");
    int limit = 1000;
    if (auto l = req.query_param("limit"); l && !l->empty()) limit = int(std::min<int64_t>(5000, positive(*l, false, "limit")));
    // A dry run stores no rows: its rejections (the first 500) are kept in its summary.
    auto rows = j.dry_run ? summary_rejected_rows(j, after, limit) : rejected_rows(db, j.id, after, limit);
    // the rejected rows of a roster (line, id, reason): one read audit entry per request
    security::audit_read(db, a, "list", "import_row", std::to_string(j.id), j.org_path,
                         json::serialize(json::object{{"import", j.id}, {"count", int64_t(rows.size())}, {"after", after}}));
    json::array items;
    for (auto& x : rows)
      items.push_back(json::object{{"line", x.line}, {"key", x.key}, {"column", x.column}, {"reason", x.reason}});
    json::object out;
    out["items"] = std::move(items);
    out["next"] = (int)rows.size() == limit ? json::value(rows.back().line) : json::value(nullptr);
    return Response::json(json::serialize(out));
  });

  web::route(r, ctx, "POST", "/api/v1/imports/{id}/resume", "import.upload", [resume, jobs](Request& req, const Actor* a) {
    auto j = resume(a, positive(req.params.at("id"), true, "lần nhập"));
    auto fresh = load_job(jobs->importer().db(), j.id);
    return Response::json(json::serialize(job_json(*fresh)), 202);
  });

  // Server-sent events: "progress" after each batch (from this process, or read from the
  // database every second when another process runs the job), then one "done" with the job.
  web::route(r, ctx, "GET", "/api/v1/imports/{id}/events", "import.read", [&db, jobs, job_for, orphaned](Request& req,
                                                                                                          const Actor* a) {
    auto j = job_for(a, positive(req.params.at("id"), true, "lần nhập"));
    struct State {
      int64_t id;
      uint64_t version = 0;
      bool first = true;
      std::string last;
      std::chrono::steady_clock::time_point last_sent = std::chrono::steady_clock::now();
    };
    auto st = std::make_shared<State>(State{j.id});
    Response resp;
    resp.sse = [&db, jobs, orphaned, st](const std::function<bool(std::string_view)>& sink) -> bool {
      using namespace std::chrono;
      std::optional<ImportProgress> p = jobs->wait_progress(st->id, &st->version, st->first ? milliseconds(0) : milliseconds(700));
      st->first = false;
      std::optional<ImportJob> j = load_job(db, st->id);
      if (!j) return false;
      if (j->status == "running" && !jobs->active(st->id)) {
        mark_interrupted_jobs(db);
        j = load_job(db, st->id);
      }
      bool fin = final_status(j->status) || orphaned(*j);
      if (!p || fin) p = progress_of(*j);
      if (orphaned(*j)) p->status = "interrupted";
      if (fin) {
        auto o = job_json(*j);
        if (orphaned(*j)) o["status"] = "interrupted";
        sink("event: progress\ndata: " + json::serialize(progress_json(*p)) + "\n\n");
        sink("event: done\ndata: " + json::serialize(o) + "\n\n");
        return false;
      }
      std::string data = json::serialize(progress_json(*p));
      auto now = steady_clock::now();
      if (data != st->last) {
        st->last = data;
        st->last_sent = now;
        return sink("event: progress\ndata: " + data + "\n\n");
      }
      if (now - st->last_sent > seconds(15)) {
        st->last_sent = now;
        return sink(": keep-alive\n\n");
      }
      if (!jobs->active(st->id)) std::this_thread::sleep_for(milliseconds(300));  // another process runs it
      return true;
    };
    return resp;
  });
}

}  // namespace dangbo::quality
