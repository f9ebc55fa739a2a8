#include "app/restructure_cli.hpp"

#include "app/wiring.hpp"

#include <soci/soci.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "base/error.hpp"
#include "base/rules.hpp"
#include "registry/refdata.hpp"
#include "restructure/engine.hpp"
#include "restructure/plan.hpp"
#include "restructure/standards.hpp"
#include "security/security.hpp"

namespace dangbo::app {

using namespace dangbo::restructure;

void add_restructure_cli(CLI::App& app, std::string& db_url, RestructureCli& c) {
  c.cmd = app.add_subcommand("restructure", "sắp xếp tổ chức đảng: sáp nhập, chia tách, đổi tên, chuyển, giải thể");
  c.cmd->require_subcommand(1);
  c.preview = c.cmd->add_subcommand("preview", "xem trước phương án (CSV): mọi vấn đề, trước/sau, đảng viên chuyển sinh hoạt");
  c.preview->add_option("plan", c.plan_file, "tệp phương án CSV hoặc XLSX")->required();
  c.preview->add_option("--db", db_url, db::kUrlHelp);
  c.apply = c.cmd->add_subcommand("apply", "áp dụng phương án (một giao dịch; từ chối khi còn vấn đề)");
  c.apply->add_option("plan", c.plan_file, "tệp phương án CSV hoặc XLSX")->required();
  c.apply->add_option("--as", c.as_user, "ghi nhật ký dưới tên người dùng này");
  c.apply->add_option("--db", db_url, db::kUrlHelp);
  c.undo = c.cmd->add_subcommand("undo", "hoàn tác phương án áp dụng gần nhất");
  c.undo->add_option("--plan", c.plan_id, "số phương án (phải là phương án gần nhất)");
  c.undo->add_option("--as", c.as_user, "ghi nhật ký dưới tên người dùng này");
  c.undo->add_option("--db", db_url, db::kUrlHelp);
  c.plans = c.cmd->add_subcommand("plans", "liệt kê các phương án");
  c.plans->add_option("--db", db_url, db::kUrlHelp);
  c.plan2025 = c.cmd->add_subcommand("plan-2025", "ghi phương án sắp xếp 2025 của TP.HCM từ dữ liệu danh mục");
  c.plan2025->add_option("--rule", c.rule, "nguyên tắc chia đơn vị bị chia tách: residence | listed | proportional");
  c.plan2025->add_option("--out", c.out, "ghi ra tệp (mặc định: stdout)");
  c.standards = c.cmd->add_subcommand("standards", "rà soát đơn vị hành chính dưới ngưỡng diện tích, dân số");
  c.standards->add_option("--province", c.province, "mã tỉnh mới (để trống: cả nước)");
  c.standards->add_option("--basis", c.basis,
                           "căn cứ: arrangement_2025 (định hướng sắp xếp 2025, Nghị quyết 76/2025/UBTVQH15; mặc định) | "
                           "standard (tiêu chuẩn chung, Nghị quyết 1211/2016/UBTVQH13)");
  c.standards->add_option("--on", c.on, "tại ngày (YYYY-MM-DD)");
  c.standards->add_flag("--all", c.all, "hiện cả đơn vị đạt");
}

namespace {

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw base::Error(base::ErrorKind::bad_request, "plan", "Không đọc được tệp phương án: " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string s = ss.str();
  if (s.size() > 4 && s.compare(0, 4, "PK\x03\x04") == 0) {  // an .xlsx workbook: its table as CSV
    try {
      return xlsx_to_csv(s);
    } catch (const std::exception& e) {
      throw base::Error(base::ErrorKind::bad_request, "plan", "Không đọc được tệp XLSX " + path + ": " + e.what());
    }
  }
  return s;
}

void print_preview(const Preview& pv, std::ostream& out) {
  out << "Hiệu lực: " << (pv.effective ? pv.effective->display() : "?") << "\n"
      << "Lập mới: " << pv.orgs_new << " · kết thúc (sáp nhập, chia tách, giải thể): " << pv.orgs_closed
      << " · phiên bản mới: " << pv.orgs_versioned << " · đảng viên chuyển sinh hoạt: " << pv.members_moved << "\n";
  int blocking = pv.blocking();
  out << (blocking ? "VẤN ĐỀ: " + std::to_string(blocking) : std::string("Không có vấn đề chặn áp dụng")) << "\n";
  for (auto& p : pv.problems)
    out << (p.blocking ? "  ✗ " : "  ! ") << "[" << p.code << "]" << (p.line ? " dòng " + std::to_string(p.line) : "") << ": "
        << p.message << "\n";
  auto rows = [&](const char* title, const std::vector<TreeRow>& v, bool before) {
    out << title << " (" << v.size() << "):\n";
    std::size_t n = 0;
    for (auto& r : v) {
      if (++n > 40) {
        out << "  … (" << v.size() - 40 << " dòng nữa)\n";
        break;
      }
      out << "  " << r.code << "  " << r.name << "  [" << r.change << "] " << (r.members >= 0 ? std::to_string(r.members) : "?")
          << " đv";
      auto& rel = before ? r.to : r.from;
      if (!rel.empty()) {
        out << (before ? "  → " : "  ← ");
        for (std::size_t i = 0; i < rel.size(); ++i) out << (i ? ", " : "") << (rel[i].empty() ? "—" : rel[i]);
      }
      out << "\n";
    }
  };
  rows("Trước", pv.before, true);
  rows("Sau", pv.after, false);
  out << "Luồng chuyển sinh hoạt: " << pv.moves.size() << " cặp (từ → đến)\n";
}

}  // namespace

int run_restructure_cli(const RestructureCli& c, const std::function<std::unique_ptr<db::Database>()>& open_db,
                        const std::string& data_dir) {
  if (!c.cmd || !*c.cmd) return -1;
  auto load_plan = [&]() {
    Plan p = parse_plan_csv(read_file(c.plan_file), std::filesystem::path(c.plan_file).filename().string());
    return p;
  };
  auto actor_for = [&](db::Database& db) -> std::optional<security::Actor> {
    if (c.as_user.empty()) return std::nullopt;
    auto s = db.session();
    long long id = 0;
    std::string u = c.as_user;
    *s << "SELECT id FROM app_user WHERE username = :u", soci::use(u), soci::into(id);
    if (!s->got_data()) throw base::Error(base::ErrorKind::not_found, "user", "Không có người dùng " + c.as_user);
    auto a = security::load_actor(db, id);
    if (!a) throw base::Error(base::ErrorKind::forbidden, "user", "Tài khoản " + c.as_user + " không hoạt động");
    return a;
  };
  if (*c.preview) {
    Plan p = load_plan();
    auto db = open_db();
    Engine e(*db);
    Preview pv = e.preview(p);
    print_preview(pv, std::cout);
    return pv.ok() ? 0 : 2;
  }
  if (*c.apply) {
    Plan p = load_plan();
    auto db = open_db();
    Engine e(*db);
    auto actor = actor_for(*db);
    ApplyResult res;
    try {
      res = e.apply(p, actor ? &*actor : nullptr);  // checks the plan inside its transaction
    } catch (const base::Error& err) {
      if (err.code() != "restructure.problems") throw;
      Preview pv = e.preview(p);
      print_preview(pv, std::cerr);
      std::cerr << "dangbo: phương án còn " << pv.blocking() << " vấn đề, chưa áp dụng" << std::endl;
      return 2;
    }
    std::cout << "Đã áp dụng phương án số " << res.plan_id << " trong " << res.seconds << " giây: lập mới "
              << res.preview.orgs_new << ", kết thúc " << res.preview.orgs_closed << ", phiên bản mới "
              << res.preview.orgs_versioned << ", " << res.preview.members_moved << " đảng viên chuyển sinh hoạt." << std::endl;
    return 0;
  }
  if (*c.undo) {
    auto db = open_db();
    Engine e(*db);
    auto actor = actor_for(*db);
    int64_t id = e.undo(c.plan_id ? std::optional<int64_t>(c.plan_id) : std::nullopt, actor ? &*actor : nullptr);
    std::cout << "Đã hoàn tác phương án số " << id << "." << std::endl;
    return 0;
  }
  if (*c.plans) {
    auto db = open_db();
    Engine e(*db);
    for (auto& p : e.plans(200))
      std::cout << p.id << "\t" << p.status << "\t" << p.effective_date << "\t" << p.ops << " thao tác\t" << p.applied_by << "\t"
                << p.name << "\t" << p.summary << "\n";
    return 0;
  }
  if (*c.plan2025) {
    auto ref = registry::RefData::load(data_dir);
    auto rule = parse_split_rule(c.rule);
    if (!rule) throw base::Error(base::ErrorKind::bad_request, "rule", "Nguyên tắc chia: residence, listed hoặc proportional");
    std::string text = write_plan_csv(plan_2025(ref, *rule));
    if (c.out.empty()) {
      std::cout << text;
    } else {
      std::ofstream f(c.out, std::ios::binary);
      if (!f) throw base::Error(base::ErrorKind::bad_request, "out", "Không ghi được tệp " + c.out);
      f << text;
    }
    return 0;
  }
  if (*c.standards) {
    auto ref = registry::RefData::load(data_dir);
    std::map<std::string, std::string> types;
    for (auto& p : ref.new_provinces()) types[p.code] = p.unit_type;
    StandardsQuery q;
    q.province = c.province;
    q.basis = c.basis;
    q.only_below = !c.all;
    if (!c.on.empty()) {
      auto d = base::parse_user_date(c.on);
      if (!d) throw base::Error(base::ErrorKind::bad_request, "on", "Ngày không hợp lệ: " + c.on);
      q.on = *d;
    } else if (q.basis == "standard") {
      q.on = base::today();
    }
    auto rows = check_standards(ref.new_communes(), types, base::RuleSet::global(), q);
    std::cout << "mã\tđơn vị\tdiện tích km²\tngưỡng\tdân số\tngưỡng\tdưới ngưỡng\n";
    for (auto& r : rows)
      std::cout << r.unit.code << "\t" << r.unit.full_name << "\t" << r.unit.area_km2 << "\t"
                << (r.min_area_km2 ? std::to_string(*r.min_area_km2) : "-") << "\t" << r.unit.population << "\t"
                << (r.min_population ? std::to_string(int64_t(*r.min_population)) : "-") << "\t"
                << (r.area_below ? "diện tích " : "") << (r.population_below ? "dân số" : "") << "\n";
    std::cerr << rows.size() << " đơn vị" << (q.only_below ? " dưới ngưỡng" : "") << " (căn cứ " << q.basis << ", tại ngày "
              << q.on.display() << ")" << std::endl;
    return 0;
  }
  return -1;
}

}  // namespace dangbo::app
