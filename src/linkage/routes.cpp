#include "linkage/routes.hpp"

#include <boost/json.hpp>

#include <cstdio>

#include "base/error.hpp"
#include "linkage/service.hpp"
#include "registry/service.hpp"

namespace dangbo::linkage {

using base::Error;
using base::ErrorKind;
using ctemplate::TemplateDictionary;
using http::Request;
using http::Response;
namespace json = boost::json;

namespace {

// Texts of the review desk, Vietnamese and English.
const std::string& tr(const std::string& lang, const std::string& key) {
  static const std::map<std::string, std::pair<std::string, std::string>> t = {
      {"title", {"Đối chiếu hồ sơ trùng", "Duplicate records"}},
      {"intro",
       {"Những cặp hồ sơ có thể là cùng một người, tìm bằng so khớp xác suất (Fellegi–Sunter, tham số ước lượng "
        "tự động). Hãy xem từng cặp và quyết định.",
        "Pairs of records that may be the same person, found by probabilistic matching (Fellegi–Sunter, "
        "parameters estimated without labels). Review each pair and decide."}},
      {"band_link", {"Rất có thể trùng", "Very likely the same"}},
      {"band_review", {"Cần xem xét", "To review"}},
      {"probability", {"Xác suất", "Probability"}},
      {"record_a", {"Hồ sơ A", "Record A"}},
      {"record_b", {"Hồ sơ B", "Record B"}},
      {"open", {"Xem", "Open"}},
      {"none", {"Không có cặp nào.", "No pairs."}},
      {"run", {"Chạy đối chiếu", "Run matching"}},
      {"run_org", {"Mã tổ chức (để trống: toàn bộ phạm vi)", "Organization code (empty: the whole scope)"}},
      {"last_run", {"Lần chạy gần nhất", "Last run"}},
      {"records", {"hồ sơ", "records"}},
      {"pairs_compared", {"cặp được so sánh", "pairs compared"}},
      {"field", {"Trường", "Field"}},
      {"keep", {"Giữ giá trị", "Keep value"}},
      {"evidence", {"Bằng chứng", "Evidence"}},
      {"level", {"Mức so khớp", "Comparison level"}},
      {"weight", {"Trọng số (log₂)", "Weight (log₂)"}},
      {"weight_help",
       {"Trọng số dương ủng hộ “cùng một người”, âm ủng hộ “hai người khác nhau”; tổng cộng với xác suất tiên nghiệm "
        "cho ra xác suất.",
        "A positive weight supports “same person”, a negative one “different people”; their sum with the prior "
        "gives the probability."}},
      {"survivor", {"Hồ sơ được giữ lại (mã số)", "Record kept (its id)"}},
      {"same", {"Cùng một người — hợp nhất", "Same person — merge"}},
      {"different", {"Hai người khác nhau", "Different people"}},
      {"different_help",
       {"Quyết định “hai người khác nhau” được ghi nhớ; cặp này sẽ không được hỏi lại.",
        "A “different people” decision is remembered; this pair is not asked again."}},
      {"merge_help",
       {"Hợp nhất: hồ sơ được giữ lại nhận các giá trị bạn chọn; toàn bộ lịch sử sinh hoạt của cả hai được giữ; "
        "hồ sơ kia được lưu nguyên vẹn trong bản ghi hợp nhất; có thể hoàn tác.",
        "Merge: the kept record takes the values you choose; both membership histories are kept; the other record "
        "is stored whole in the merge record; the merge can be undone."}},
      {"merge_title", {"Hợp nhất hồ sơ", "Merge"}},
      {"merged_at", {"Thời điểm", "At"}},
      {"by", {"Người thực hiện", "By"}},
      {"kept", {"Hồ sơ giữ lại", "Kept"}},
      {"absorbed", {"Hồ sơ đã nhập", "Merged in"}},
      {"absorbed_values", {"Giá trị gốc của hồ sơ đã nhập", "Original values of the merged-in record"}},
      {"survivor_values", {"Giá trị của hồ sơ giữ lại trước khi hợp nhất", "Kept record before the merge"}},
      {"undo", {"Hoàn tác hợp nhất", "Undo the merge"}},
      {"undone", {"Đã hoàn tác", "Undone"}},
      {"column", {"Cột", "Column"}},
      {"value", {"Giá trị", "Value"}},
      {"errors", {"Không hợp nhất được", "Cannot merge"}},
      {"decided", {"Đã quyết định", "Decided"}},
      {"synthetic_note", {"", ""}},
  };
  static const std::string empty;
  auto it = t.find(key);
  if (it == t.end()) return empty;
  return lang == "en" ? it->second.second : it->second.first;
}

void texts(TemplateDictionary& d, const std::string& lang) {
  for (auto key : {"title", "intro", "band_link", "band_review", "probability", "record_a", "record_b", "open", "none",
                   "run", "run_org", "last_run", "records", "pairs_compared", "field", "keep", "evidence", "level",
                   "weight", "weight_help", "survivor", "same", "different", "different_help", "merge_help",
                   "merge_title", "merged_at", "by", "kept", "absorbed", "absorbed_values", "survivor_values", "undo",
                   "undone", "column", "value", "errors", "decided"})
    d.SetValue(std::string("L_") + key, tr(lang, key));
}

int64_t id_param(const Request& req) {
  const std::string& s = req.params.at("id");
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
    throw Error(ErrorKind::not_found, "dedupe.not_found", "Không tìm thấy");
  return std::stoll(s);
}

std::string pct(double p) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f %%", p * 100);
  return b;
}
std::string fixed2(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%+.2f", v);
  return b;
}

std::string level_text(const std::string& lang, const std::string& field, const std::string& level) {
  if (level.empty()) return lang == "en" ? "missing" : "thiếu";
  for (int f = 0; f < kFields; ++f) {
    if (field_info(f).key != field) continue;
    auto& lv = field_info(f).levels;
    for (std::size_t l = 0; l < lv.size(); ++l)
      if (lv[l] == level) return lang == "en" ? level : std::string(field_info(f).levels_vi[l]);
  }
  return level;
}

std::string field_label(const web::Renderer& R, const std::string& lang, const std::string& f) {
  if (f == "org") return lang == "en" ? "Party organization" : "Tổ chức đảng";
  for (int k = 0; k < kFields; ++k)
    if (field_info(k).key == f && R.i18n().t(lang, "field_" + f) == "field_" + f)
      return std::string(lang == "en" ? field_info(k).label_en : field_info(k).label_vi);
  return R.i18n().t(lang, "field_" + f);
}

json::object pair_json(const PairRow& p) {
  json::object o;
  o["id"] = p.id;
  o["run"] = p.run_id;
  o["member_a"] = p.member_a;
  o["member_b"] = p.member_b;
  o["probability"] = p.probability;
  o["match_weight"] = p.match_weight;
  o["band"] = p.band;
  o["status"] = p.status;
  try {
    o["levels"] = json::parse(p.levels);
    o["evidence"] = json::parse(p.evidence);
  } catch (...) {
  }
  return o;
}

json::object merge_json(const MergeRow& m) {
  json::object o;
  o["id"] = m.id;
  o["survivor"] = m.survivor_id;
  o["absorbed"] = m.absorbed_id;
  o["pair"] = m.pair_id;
  o["by"] = m.actor_name;
  o["merged_at"] = m.merged_at;
  o["undone_at"] = m.undone_at.empty() ? json::value(nullptr) : json::value(m.undone_at);
  try {
    o["choices"] = json::parse(m.choices);
    o["absorbed_row"] = json::parse(m.absorbed_row);
    o["survivor_before"] = json::parse(m.survivor_before);
  } catch (...) {
  }
  return o;
}

std::optional<int64_t> opt_version(const std::map<std::string, std::string>& form, const std::string& k) {
  auto it = form.find(k);
  if (it == form.end() || it->second.empty() || it->second.size() > 18 ||
      it->second.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoll(it->second);
}

}  // namespace

void register_routes(http::Router& r, web::Context& ctx) {
  auto svc = std::make_shared<DedupeService>(ctx.db);
  const web::Renderer& R = ctx.renderer;

  auto layout = [](const Request& req, const security::Actor* a, const std::string& title) {
    web::Layout l;
    l.title = title;
    l.lang = web::lang_of(req);
    l.actor = a;
    l.nav = "dedupe";
    return l;
  };

  // ---------- pages ----------
  web::route(r, ctx, "GET", "/dedupe", "dedupe.review", [svc, &R, layout, &ctx](Request& req, const security::Actor* a) {
    std::string lang = web::lang_of(req);
    std::string after_link = req.query_param("after_link").value_or(""), after_review = req.query_param("after_review").value_or("");
    std::string next_link, next_review;
    auto link = svc->queue(*a, "link", 50, after_link, &next_link);
    auto review = svc->queue(*a, "review", 50, after_review, &next_review);
    auto run = svc->latest_run(*a);
    int64_t n_link = svc->queue_count(*a, "link"), n_review = svc->queue_count(*a, "review");
    registry::RegistryService reg(ctx.db);
    auto name_of = [&](int64_t id, std::string* org) {
      try {
        auto m = reg.member(*a, id, false);
        if (org) *org = m.org_name;
        return m.full_name();
      } catch (const std::exception&) {
        return std::string("#") + std::to_string(id);
      }
    };
    return Response::html(R.page("dedupe", layout(req, a, tr(lang, "title")), [&](TemplateDictionary& d) {
      texts(d, lang);
      d.SetValue("SCOPE", a->org_name);
      d.SetValue("COUNT_LINK", web::format_count(n_link, lang));
      d.SetValue("COUNT_REVIEW", web::format_count(n_review, lang));
      auto rows = [&](const std::vector<PairRow>& v, const char* section, const char* empty) {
        for (auto& p : v) {
          auto* row = d.AddSectionDictionary(section);
          std::string oa, ob;
          row->SetValue("ID", std::to_string(p.id));
          row->SetValue("A", name_of(p.member_a, &oa));
          row->SetValue("B", name_of(p.member_b, &ob));
          row->SetValue("ORG_A", oa);
          row->SetValue("ORG_B", ob);
          row->SetValue("PROB", pct(p.probability));
        }
        if (v.empty()) d.ShowSection(empty);
      };
      rows(link, "LINK", "NO_LINK");
      rows(review, "REVIEW", "NO_REVIEW");
      if (!next_link.empty()) d.AddSectionDictionary("NEXT_LINK")->SetValue("URL", "/dedupe?after_link=" + http::url_encode(next_link));
      if (!next_review.empty())
        d.AddSectionDictionary("NEXT_REVIEW")->SetValue("URL", "/dedupe?after_review=" + http::url_encode(next_review));
      if (run) {
        auto* rd = d.AddSectionDictionary("RUN");
        rd->SetValue("AT", run->finished_at.substr(0, 19));
        rd->SetValue("BY", run->actor_name);
        rd->SetValue("RECORDS", web::format_count(run->records, lang));
        rd->SetValue("COMPARED", web::format_count(run->compared_pairs, lang));
      }
    }));
  });

  web::route(r, ctx, "POST", "/dedupe/run", "dedupe.run", [svc](Request& req, const security::Actor* a) {
    auto form = req.form();
    std::string org = form.count("org") ? form.at("org") : "";
    if (org.size() > 40) throw Error(ErrorKind::bad_request, "org", "Mã tổ chức không hợp lệ");
    Options opt;
    opt.threads = 2;
    svc->run(*a, org, opt);
    return Response::redirect("/dedupe");
  });

  auto pair_page = [svc, &R, layout](Request& req, const security::Actor* a, int64_t id,
                                     const std::map<std::string, std::string>* errors, int status) {
    std::string lang = web::lang_of(req);
    auto v = svc->pair(*a, id);
    web::Layout l = layout(req, a, tr(lang, "title"));
    l.synthetic = v.a.synthetic || v.b.synthetic;
    return Response::html(R.page("dedupe_pair", l, [&](TemplateDictionary& d) {
      texts(d, lang);
      d.SetValue("ID", std::to_string(v.pair.id));
      d.SetValue("PROB", pct(v.pair.probability));
      d.SetValue("WEIGHT", fixed2(v.pair.match_weight));
      d.SetValue("A_ID", std::to_string(v.a.id));
      d.SetValue("B_ID", std::to_string(v.b.id));
      d.SetValue("A_NAME", v.a.full_name());
      d.SetValue("B_NAME", v.b.full_name());
      d.SetValue("A_VERSION", std::to_string(v.a.version));
      d.SetValue("B_VERSION", std::to_string(v.b.version));
      d.SetValue("BAND", tr(lang, v.pair.band == "link" ? "band_link" : "band_review"));
      if (v.pair.status == "open") d.ShowSection("OPEN");
      else d.AddSectionDictionary("CLOSED")->SetValue("STATUS", v.pair.status);
      for (auto& f : v.fields) {
        auto* row = d.AddSectionDictionary("FIELD");
        row->SetValue("FIELD", f.field);
        row->SetValue("LABEL", field_label(R, lang, f.field));
        std::string sa = f.a, sb = f.b;
        if (f.field == "gender") {
          sa = sa == "male" ? (lang == "en" ? "Male" : "Nam") : (lang == "en" ? "Female" : "Nữ");
          sb = sb == "male" ? (lang == "en" ? "Male" : "Nam") : (lang == "en" ? "Female" : "Nữ");
        }
        if (f.field == "status") {
          auto label = [&](const std::string& v) {
            auto st = registry::parse_member_status(v);
            return st ? std::string(lang == "en" ? registry::label_en(*st) : registry::label_vi(*st)) : v;
          };
          sa = label(sa);
          sb = label(sb);
        }
        row->SetValue("A", sa);
        row->SetValue("B", sb);
        if (f.differ) {
          row->SetValue("DIFF", "table-warning");
          auto* c = row->AddSectionDictionary("CHOICE");
          c->SetValue("FIELD", f.field);
          // preselect: the kept record's value unless it is empty
          bool take_b = f.a.empty() && !f.b.empty();
          c->SetValue(take_b ? "B_CHECKED" : "A_CHECKED", "checked");
        }
        if (errors) {
          auto it = errors->find(f.field);
          if (it != errors->end()) row->AddSectionDictionary("ERROR")->SetValue("MESSAGE", it->second);
        }
      }
      for (auto& e : v.evidence) {
        auto* row = d.AddSectionDictionary("EVIDENCE");
        row->SetValue("LABEL", field_label(R, lang, e.field));
        row->SetValue("LEVEL", level_text(lang, e.field, e.level));
        row->SetValue("WEIGHT", e.level.empty() ? "0" : fixed2(e.weight));
        row->SetValue("SIGN", e.level.empty() ? "text-muted" : e.weight >= 0 ? "text-success" : "text-danger");
      }
      if (errors && !errors->empty()) {
        auto* er = d.AddSectionDictionary("ERRORS");
        for (auto& [f, m] : *errors) {
          auto* x = er->AddSectionDictionary("ITEM");
          x->SetValue("TEXT", field_label(R, lang, f) + ": " + m);
        }
      }
    }), status);
  };

  web::route(r, ctx, "GET", "/dedupe/pairs/{id}", "dedupe.review", [pair_page](Request& req, const security::Actor* a) {
    return pair_page(req, a, id_param(req), nullptr, 200);
  });

  web::route(r, ctx, "POST", "/dedupe/pairs/{id}/different", "dedupe.decide", [svc](Request& req, const security::Actor* a) {
    svc->decide_different(*a, id_param(req));
    return Response::redirect("/dedupe");
  });

  web::route(r, ctx, "POST", "/dedupe/pairs/{id}/merge", "dedupe.decide", [svc, pair_page](Request& req, const security::Actor* a) {
    int64_t id = id_param(req);
    auto form = req.form();
    std::map<std::string, std::string> choices;
    for (auto& f : review_fields())
      if (auto it = form.find("choice_" + f); it != form.end()) choices[f] = it->second;
    std::string survivor = form.count("survivor") ? form.at("survivor") : "";
    try {
      int64_t mid = svc->merge(*a, id, survivor, choices, opt_version(form, "version_a"), opt_version(form, "version_b"));
      return Response::redirect("/dedupe/merges/" + std::to_string(mid));
    } catch (const registry::ValidationError& e) {
      return pair_page(req, a, id, &e.fields(), 422);
    }
  });

  web::route(r, ctx, "GET", "/dedupe/merges/{id}", "dedupe.review", [svc, &R, layout](Request& req, const security::Actor* a) {
    std::string lang = web::lang_of(req);
    auto m = svc->merge_record(*a, id_param(req));
    return Response::html(R.page("dedupe_merge", layout(req, a, tr(lang, "merge_title")), [&](TemplateDictionary& d) {
      texts(d, lang);
      d.SetValue("ID", std::to_string(m.id));
      d.SetValue("SURVIVOR", std::to_string(m.survivor_id));
      d.SetValue("ABSORBED", std::to_string(m.absorbed_id));
      d.SetValue("AT", m.merged_at.substr(0, 19));
      d.SetValue("BY", m.actor_name);
      if (m.undone_at.empty()) d.ShowSection("CAN_UNDO");
      else d.AddSectionDictionary("UNDONE")->SetValue("AT", m.undone_at.substr(0, 19) + " · " + m.undone_by);
      auto rows = [&](const std::string& text, const char* section) {
        try {
          json::value parsed = json::parse(text);  // kept alive for the loop
          for (auto& [k, v] : parsed.as_object()) {
            auto* row = d.AddSectionDictionary(section);
            row->SetValue("COLUMN", std::string(k));
            row->SetValue("VALUE", v.is_string() ? std::string(v.as_string()) : v.is_null() ? "" : json::serialize(v));
          }
        } catch (...) {
        }
      };
      rows(m.absorbed_row, "ABSORBED_ROW");
      rows(m.survivor_before, "SURVIVOR_ROW");
    }));
  });

  web::route(r, ctx, "POST", "/dedupe/merges/{id}/undo", "dedupe.decide", [svc](Request& req, const security::Actor* a) {
    int64_t id = id_param(req);
    svc->undo_merge(*a, id);
    return Response::redirect("/dedupe/merges/" + std::to_string(id));
  });

  // ---------- API ----------
  web::route(r, ctx, "GET", "/api/v1/dedupe/pairs", "dedupe.review", [svc](Request& req, const security::Actor* a) {
    std::string band = req.query_param("band").value_or("link");
    int limit = 50;
    if (auto l = req.query_param("limit")) {
      if (l->empty() || l->size() > 4 || l->find_first_not_of("0123456789") != std::string::npos)
        throw Error(ErrorKind::bad_request, "limit", "Tham số limit phải là số nguyên dương");
      limit = std::clamp(std::stoi(*l), 1, 500);
    }
    std::string next;
    auto rows = svc->queue(*a, band, limit, req.query_param("after").value_or(""), &next);
    json::array items;
    for (auto& p : rows) items.push_back(pair_json(p));
    json::object out;
    out["items"] = std::move(items);
    out["next"] = next.empty() ? json::value(nullptr) : json::value(next);
    out["total"] = svc->queue_count(*a, band);
    return Response::json(json::serialize(out));
  });

  web::route(r, ctx, "GET", "/api/v1/dedupe/pairs/{id}", "dedupe.review", [svc](Request& req, const security::Actor* a) {
    auto v = svc->pair(*a, id_param(req));
    json::object o = pair_json(v.pair);
    json::array fields;
    for (auto& f : v.fields) fields.push_back(json::object{{"field", f.field}, {"a", f.a}, {"b", f.b}, {"differ", f.differ}});
    o["fields"] = std::move(fields);
    o["version_a"] = v.a.version;
    o["version_b"] = v.b.version;
    return Response::json(json::serialize(o));
  });

  web::route(r, ctx, "POST", "/api/v1/dedupe/pairs/{id}/different", "dedupe.decide",
             [svc](Request& req, const security::Actor* a) {
               svc->decide_different(*a, id_param(req));
               return Response::json("{\"status\":\"different\"}");
             });

  web::route(r, ctx, "POST", "/api/v1/dedupe/pairs/{id}/merge", "dedupe.decide", [svc, &R](Request& req, const security::Actor* a) {
    int64_t id = id_param(req);
    json::value body;
    try {
      body = json::parse(req.body);
    } catch (...) {
      throw Error(ErrorKind::bad_request, "json", "Nội dung yêu cầu không phải JSON hợp lệ");
    }
    if (!body.is_object()) throw Error(ErrorKind::bad_request, "json", "Nội dung yêu cầu phải là một đối tượng JSON");
    auto& o = body.as_object();
    std::string survivor = o.contains("survivor") && o.at("survivor").is_string() ? std::string(o.at("survivor").as_string()) : "";
    std::map<std::string, std::string> choices;
    if (o.contains("choices")) {
      if (!o.at("choices").is_object()) throw Error(ErrorKind::bad_request, "choices", "choices phải là một đối tượng");
      for (auto& [k, v] : o.at("choices").as_object()) {
        if (!v.is_string()) throw Error(ErrorKind::bad_request, "choices", "Mỗi lựa chọn phải là \"a\" hoặc \"b\"");
        choices[std::string(k)] = std::string(v.as_string());
      }
    }
    auto ver = [&](const char* k) -> std::optional<int64_t> {
      if (!o.contains(k)) return std::nullopt;
      if (!o.at(k).is_int64()) throw Error(ErrorKind::bad_request, k, std::string(k) + " phải là số nguyên");
      return o.at(k).as_int64();
    };
    try {
      int64_t mid = svc->merge(*a, id, survivor, choices, ver("version_a"), ver("version_b"));
      return Response::json(json::serialize(merge_json(svc->merge_record(*a, mid))), 201);
    } catch (const registry::ValidationError& e) {
      return web::validation_problem(R.i18n(), e.fields());
    }
  });

  web::route(r, ctx, "GET", "/api/v1/dedupe/merges/{id}", "dedupe.review", [svc](Request& req, const security::Actor* a) {
    return Response::json(json::serialize(merge_json(svc->merge_record(*a, id_param(req)))));
  });

  web::route(r, ctx, "POST", "/api/v1/dedupe/merges/{id}/undo", "dedupe.decide", [svc](Request& req, const security::Actor* a) {
    int64_t id = id_param(req);
    svc->undo_merge(*a, id);
    return Response::json(json::serialize(merge_json(svc->merge_record(*a, id))));
  });

  web::route(r, ctx, "POST", "/api/v1/dedupe/runs", "dedupe.run", [svc](Request& req, const security::Actor* a) {
    std::string org;
    Options opt;
    opt.threads = 2;
    if (!req.body.empty()) {
      json::value body;
      try {
        body = json::parse(req.body);
      } catch (...) {
        throw Error(ErrorKind::bad_request, "json", "Nội dung yêu cầu không phải JSON hợp lệ");
      }
      if (!body.is_object()) throw Error(ErrorKind::bad_request, "json", "Nội dung yêu cầu phải là một đối tượng JSON");
      auto& o = body.as_object();
      if (o.contains("org") && o.at("org").is_string()) org = std::string(o.at("org").as_string());
      auto prob = [&](const char* k, double& out) {
        if (!o.contains(k)) return;
        if (!o.at(k).is_number()) throw Error(ErrorKind::bad_request, k, std::string(k) + " phải là số trong (0, 1)");
        double v = o.at(k).to_number<double>();
        if (!(v > 0 && v < 1)) throw Error(ErrorKind::bad_request, k, std::string(k) + " phải là số trong (0, 1)");
        out = v;
      };
      prob("threshold", opt.threshold);
      prob("review_low", opt.review_low);
      if (opt.review_low > opt.threshold)
        throw Error(ErrorKind::bad_request, "review_low", "review_low phải nhỏ hơn hoặc bằng threshold");
    }
    auto sum = svc->run(*a, org, opt);
    json::object out;
    out["run"] = sum.run_id;
    out["records"] = sum.records;
    out["compared_pairs"] = sum.compared_pairs;
    out["link_pairs"] = sum.link_pairs;
    out["review_pairs"] = sum.review_pairs;
    out["remembered_different"] = sum.remembered_different;
    return Response::json(json::serialize(out), 201);
  });
}

}  // namespace dangbo::linkage
