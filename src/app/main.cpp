// dangbo: the command-line entry point (the only place that knows every module).
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <iostream>
#include <thread>

#include "base/error.hpp"
#include "base/rules.hpp"
#include "db/database.hpp"
#include "http/http.hpp"
#include "registry/refdata.hpp"
#include "registry/roster_gen.hpp"
#include "registry/routes.hpp"
#include "registry/seed.hpp"
#include "security/security.hpp"
#include "web/routes.hpp"

using namespace dangbo;

namespace {

struct Paths {
  std::string root = ".";
  std::string data() const { return root + "/data"; }
  std::string migrations() const { return root + "/migrations"; }
  std::string web() const { return root + "/web"; }
  std::string rules() const { return root + "/config/rules.json"; }
};

std::string default_db() {
  if (const char* e = std::getenv("DANGBO_DB"); e && *e) return e;
  return "sqlite:var/dangbo.db";
}

std::unique_ptr<db::Database> open_db(const std::string& url, const Paths& p, std::size_t pool = 2) {
  auto db = std::make_unique<db::Database>(db::DbUrl::parse(url), pool);
  db::migrate(*db, p.migrations());
  return db;
}

// Seeds an empty database: reference data, the HCMC tree, demo roster, administrator.
void seed_if_empty(db::Database& db, const Paths& p, int64_t demo_members, uint64_t seed) {
  if (registry::is_seeded(db)) return;
  auto t0 = std::chrono::steady_clock::now();
  auto ref = registry::RefData::load(p.data());
  registry::load_reference_data(db, ref);
  registry::GenOptions opts;
  opts.members = demo_members;
  opts.seed = seed;
  auto orgs = registry::generate_org_tree(ref, opts);
  int64_t n_orgs = registry::load_org_tree(db, orgs, opts);
  spdlog::info("organization tree loaded: {} organizations", n_orgs);
  if (demo_members > 0) {
    int64_t n = registry::load_roster(db, ref, orgs, opts, [&](int64_t done) {
      std::cerr << "\r  đang tạo dữ liệu minh họa: " << done << "/" << demo_members << " đảng viên" << std::flush;
    });
    std::cerr << "\n";
    spdlog::info("demo roster loaded: {} synthetic members", n);
  }
  std::string password = security::random_token(12);
  security::add_user(db, "admin", password, security::Role::admin, "HCM", std::nullopt, "Quản trị viên");
  registry::mark_seeded(db);
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "Cơ sở dữ liệu đã được khởi tạo trong " << secs << " giây.\n"
            << "Tài khoản quản trị: admin — mật khẩu dùng một lần (chỉ hiện lần này, hãy lưu lại):\n"
            << "ADMIN_PASSWORD=" << password << std::endl;
}

std::pair<std::string, uint16_t> parse_listen(const std::string& s) {
  auto c = s.rfind(':');
  if (c == std::string::npos) throw base::Error(base::ErrorKind::bad_request, "listen", "--listen phải có dạng HOST:PORT");
  int port = std::stoi(s.substr(c + 1));
  if (port < 0 || port > 65535) throw base::Error(base::ErrorKind::bad_request, "listen", "Cổng không hợp lệ");
  return {s.substr(0, c), uint16_t(port)};
}

int serve(const std::string& db_url, const std::string& listen, const Paths& p, int64_t demo, bool no_demo,
          uint64_t seed, int workers) {
  auto db = open_db(db_url, p, std::size_t(workers + 1));
  seed_if_empty(*db, p, no_demo ? 0 : demo, seed);
  web::I18n i18n;
  i18n.load(p.web() + "/i18n");
  web::Renderer renderer(p.web() + "/templates", i18n);
  web::Context ctx{*db, renderer};
  http::Router router;
  web::register_auth_routes(router, ctx);
  web::register_openapi(router, ctx, p.web() + "/openapi.json");
  registry::register_routes(router, ctx);
  auto [host, port] = parse_listen(listen);
  http::ServerOptions opts;
  opts.host = host;
  opts.port = port;
  opts.worker_threads = workers;
  opts.static_dir = p.web() + "/static";
  http::Server server(router, opts, [&renderer](http::Request& req, const http::Handler& next) {
    return web::error_middleware(renderer, req, next);
  });
  server.listen();
  server.install_signal_handlers();
  std::cout << "listening on http://" << host << ":" << server.port() << std::endl;
  server.run();
  spdlog::info("server stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dangbo — nền tảng công tác tổ chức xây dựng Đảng"};
  app.require_subcommand(1);
  Paths paths;
  if (const char* r = std::getenv("DANGBO_ROOT")) paths.root = r;
  app.add_option("--root", paths.root, "thư mục chứa data/, migrations/, web/, config/");
  std::string db_url = default_db();

  auto* serve_cmd = app.add_subcommand("serve", "chạy máy chủ web");
  std::string listen = "127.0.0.1:8080";
  int64_t demo = 50000;
  bool no_demo = false;
  uint64_t seed = 1;
  int workers = int(std::max(4u, std::thread::hardware_concurrency() * 2));
  serve_cmd->add_option("--db", db_url, "sqlite:ĐƯỜNG_DẪN hoặc postgresql://…");
  serve_cmd->add_option("--listen", listen, "HOST:PORT (PORT 0 = cổng tạm)");
  serve_cmd->add_option("--demo-members", demo, "số đảng viên minh họa khi khởi tạo");
  serve_cmd->add_flag("--no-demo", no_demo, "không tạo dữ liệu minh họa");
  serve_cmd->add_option("--seed", seed, "hạt giống sinh dữ liệu");
  serve_cmd->add_option("--workers", workers, "số luồng xử lý yêu cầu");

  auto* init_cmd = app.add_subcommand("init", "khởi tạo cơ sở dữ liệu (không chạy máy chủ)");
  init_cmd->add_option("--db", db_url);
  init_cmd->add_option("--demo-members", demo);
  init_cmd->add_flag("--no-demo", no_demo);
  init_cmd->add_option("--seed", seed);

  auto* user_cmd = app.add_subcommand("user", "quản lý người dùng");
  user_cmd->require_subcommand(1);
  auto* user_add = user_cmd->add_subcommand("add", "thêm người dùng (mật khẩu đọc từ stdin)");
  std::string uname, role, org;
  user_add->add_option("name", uname)->required();
  user_add->add_option("--role", role, "admin | staff | secretary | member | auditor")->required();
  user_add->add_option("--org", org, "mã tổ chức đảng")->required();
  user_add->add_option("--db", db_url);

  auto* token_cmd = app.add_subcommand("token", "mã truy cập API");
  token_cmd->require_subcommand(1);
  auto* token_create = token_cmd->add_subcommand("create", "tạo mã truy cập cho người dùng");
  token_create->add_option("--user", uname)->required();
  token_create->add_option("--db", db_url);

  auto* gen_cmd = app.add_subcommand("gen-roster", "sinh danh sách đảng viên tổng hợp");
  int64_t gen_n = 50000;
  std::string out_csv;
  gen_cmd->add_option("--members", gen_n)->required();
  gen_cmd->add_option("--seed", seed);
  gen_cmd->add_option("--out", out_csv, "ghi ra tệp CSV thay vì vào cơ sở dữ liệu");
  gen_cmd->add_option("--db", db_url);

  auto* audit_cmd = app.add_subcommand("audit", "nhật ký kiểm tra");
  audit_cmd->require_subcommand(1);
  auto* audit_verify = audit_cmd->add_subcommand("verify", "kiểm tra chuỗi băm của nhật ký");
  audit_verify->add_option("--db", db_url);

  CLI11_PARSE(app, argc, argv);
  try {
    base::RuleSet::set_global(base::RuleSet::load(paths.rules()));
    if (*serve_cmd) return serve(db_url, listen, paths, demo, no_demo, seed, workers);
    if (*init_cmd) {
      auto db = open_db(db_url, paths);
      if (registry::is_seeded(*db)) {
        std::cout << "Cơ sở dữ liệu đã được khởi tạo trước đó; không làm gì thêm.\n";
        return 0;
      }
      seed_if_empty(*db, paths, no_demo ? 0 : demo, seed);
      return 0;
    }
    if (*user_add) {
      auto r = security::parse_role(role);
      if (!r) throw base::Error(base::ErrorKind::bad_request, "role", "Vai trò không hợp lệ: " + role);
      std::string password;
      std::getline(std::cin, password);
      if (!password.empty() && password.back() == '\r') password.pop_back();
      auto db = open_db(db_url, paths);
      auto id = security::add_user(*db, uname, password, *r, org);
      std::cout << "Đã tạo người dùng " << uname << " (id " << id << ")\n";
      return 0;
    }
    if (*token_create) {
      auto db = open_db(db_url, paths);
      std::cout << security::create_api_token(*db, uname) << std::endl;
      return 0;
    }
    if (*gen_cmd) {
      auto ref = registry::RefData::load(paths.data());
      registry::GenOptions opts;
      opts.members = gen_n;
      opts.seed = seed;
      auto orgs = registry::generate_org_tree(ref, opts);
      auto t0 = std::chrono::steady_clock::now();
      int64_t n = 0;
      if (!out_csv.empty()) {
        std::ofstream f(out_csv, std::ios::binary);
        if (!f) throw base::Error(base::ErrorKind::bad_request, "out", "Không ghi được tệp " + out_csv);
        registry::RosterGenerator gen(ref, orgs, opts);
        n = registry::write_roster_csv(f, gen);
      } else {
        auto db = open_db(db_url, paths);
        registry::load_reference_data(*db, ref);
        registry::load_org_tree(*db, orgs, opts);
        n = registry::load_roster(*db, ref, orgs, opts, [&](int64_t done) {
          std::cerr << "\r  " << done << "/" << gen_n << std::flush;
        });
        std::cerr << "\n";
      }
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::cout << "generated " << n << " members in " << secs << " s (" << int64_t(n / std::max(secs, 1e-9))
                << " members/s)" << std::endl;
      return 0;
    }
    if (*audit_verify) {
      auto db = open_db(db_url, paths);
      if (auto bad = security::audit_verify(*db)) {
        std::cerr << *bad << std::endl;
        return 2;
      }
      std::cout << "Nhật ký nguyên vẹn." << std::endl;
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "dangbo: " << e.what() << std::endl;
    return 1;
  }
  return 0;
}
