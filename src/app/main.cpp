// dangbo: the command-line entry point (the only place that knows every module).
#include <CLI/CLI.hpp>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include <fmt/format.h>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "app/cli_vi.hpp"
#include "app/restructure_cli.hpp"
#include "app/wiring.hpp"
#include "base/error.hpp"
#include "base/rules.hpp"
#include "db/database.hpp"
#include "http/http.hpp"
#include "linkage/cli.hpp"
#include "quality/cli.hpp"
#include "quality/import_cli.hpp"
#include "registry/counts.hpp"
#include "registry/name_index.hpp"
#include "registry/refdata.hpp"
#include "registry/roster_gen.hpp"
#include "registry/routes.hpp"
#include "registry/seed.hpp"
#include "restructure/seed2025.hpp"
#include "security/backup.hpp"
#include "security/crypto.hpp"
#include "security/rate_limit.hpp"
#include "security/security.hpp"
#include "security/sensitive.hpp"
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
  // The tree as it stood on 2025-06-30 (HCMC, Bình Dương, Bà Rịa – Vũng Tàu: districts, 441
  // communes, Côn Đảo) with the demo roster, then the real 2025 mapping applied as one plan
  // effective 2025-07-01: the current tree is the post-2025 one, and the history is kept.
  // (A database that `gen-roster` already filled is served as it is.)
  auto progress = [&](int64_t done) {
    std::cerr << "\r  đang tạo dữ liệu minh họa: " << done << "/" << demo_members << " đảng viên" << std::flush;
  };
  int existing = 0;
  {
    auto s = db.session();
    *s << "SELECT count(*) FROM organization", soci::into(existing);
  }
  if (existing == 0) {
    auto rep = restructure::seed_history_2025(db, ref, opts, progress);
    if (demo_members > 0) std::cerr << "\n";
    spdlog::info("organization tree with 2025 history: {} organizations as of 2025-06-30, plan {} applied; {} synthetic members",
                 rep.old_orgs, rep.plan_id, rep.members);
  } else {
    // `gen-roster --db` already filled this database (tree and roster): serve what is there.
    spdlog::info("database already holds {} organizations (gen-roster): no demo roster added", existing);
  }
  std::string password = security::random_token(12);
  security::add_user(db, "admin", password, security::Role::admin, "HCM", std::nullopt, "Quản trị viên");
  registry::mark_seeded(db);
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "Cơ sở dữ liệu đã được khởi tạo trong " << secs << " giây.\n"
            << "Tài khoản quản trị: admin — mật khẩu dùng một lần (chỉ hiện lần này, hãy lưu lại):\n"
            << "ADMIN_PASSWORD=" << password << std::endl;
}

// The field-key file: --key-file, else $DANGBO_KEY_FILE, else keys/field.key beside the SQLite
// file (var/keys/field.key for the default var/dangbo.db), else var/keys/field.key.
std::string default_key_file(const std::string& db_url) {
  if (const char* e = std::getenv("DANGBO_KEY_FILE"); e && *e) return e;
  try {
    auto u = db::DbUrl::parse(db_url);
    if (u.dialect == db::Dialect::sqlite) {
      auto dir = std::filesystem::path(u.sqlite_path).parent_path();
      return ((dir.empty() ? std::filesystem::path(".") : dir) / "keys" / "field.key").string();
    }
  } catch (...) {
  }
  return "var/keys/field.key";
}

// Security options of `serve`.
struct SecurityOptions {
  std::string key_file;
  bool behind_tls = false;
  std::string trusted_proxy;
  double login_per_minute = 10, login_burst = 10;  // sign-in attempts per client address
  double api_per_second = 100, api_burst = 300;    // API calls per client address
  int request_timeout_s = 30;
  std::size_t max_body_bytes = 64 * 1024 * 1024;
};

std::pair<std::string, uint16_t> parse_listen(const std::string& s) {
  auto c = s.rfind(':');
  if (c == std::string::npos) throw base::Error(base::ErrorKind::bad_request, "listen", "--listen phải có dạng HOST:PORT");
  int port = std::stoi(s.substr(c + 1));
  if (port < 0 || port > 65535) throw base::Error(base::ErrorKind::bad_request, "listen", "Cổng không hợp lệ");
  return {s.substr(0, c), uint16_t(port)};
}

int serve(const std::string& db_url, const std::string& listen, const Paths& p, int64_t demo, bool no_demo,
          uint64_t seed, int workers, const SecurityOptions& so, bool name_index) {
  auto db = open_db(db_url, p, std::size_t(workers + 2));  // + the read-audit writer's
  seed_if_empty(*db, p, no_demo ? 0 : demo, seed);
  // Name searches from memory (registry/name_index.hpp), built in the background; SQL until then.
  registry::NameIndex names(*db);
  if (name_index) {
    names.build_async();
    registry::NameIndex::install(&names);
  }
  // Reads (views, lists) are audited in batches by one thread; it commits what is queued when
  // the server stops (declared before the server, so destroyed after it).
  security::ReadAuditWriter read_audits(*db);
  security::ReadAuditWriter::install(&read_audits);
  security::KeyStore keys(so.key_file.empty() ? default_key_file(db_url) : so.key_file);
  web::I18n i18n;
  i18n.load(p.web() + "/i18n");
  web::Renderer renderer(p.web() + "/templates", i18n);
  security::RateLimiter login_limiter(so.login_burst, so.login_per_minute / 60.0);
  security::RateLimiter api_limiter(so.api_burst, so.api_per_second);
  web::Context ctx{*db, renderer};
  ctx.secure_cookies = so.behind_tls;
  ctx.keys = &keys;
  ctx.login_limiter = &login_limiter;
  ctx.api_limiter = &api_limiter;
  ctx.trusted_proxy = so.trusted_proxy;
  http::Router router;
  // every module's routes: src/app/wiring.cpp (the permission-matrix test reads the same table)
  app::register_all_routes(router, ctx, p.web());
  auto [host, port] = parse_listen(listen);
  http::ServerOptions opts;
  opts.host = host;
  opts.port = port;
  opts.worker_threads = workers;
  opts.static_dir = p.web() + "/static";
  opts.request_timeout_s = so.request_timeout_s;
  opts.max_body_bytes = so.max_body_bytes;
  http::Server server(router, opts, web::make_middleware(ctx));
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
  bool no_demo = false, no_name_index = false;
  uint64_t seed = 1;
  int workers = int(std::max(4u, std::thread::hardware_concurrency() * 2));
  serve_cmd->add_option("--db", db_url, db::kUrlHelp);
  serve_cmd->add_option("--listen", listen, "HOST:PORT (PORT 0 = cổng tạm)");
  serve_cmd->add_option("--demo-members", demo, "số đảng viên minh họa khi khởi tạo (mặc định 50000)");
  serve_cmd->add_flag("--no-demo", no_demo, "không tạo dữ liệu minh họa");
  serve_cmd->add_flag("--no-name-index", no_name_index,
                      "không giữ chỉ mục tên trong bộ nhớ (khoảng 100 byte mỗi đảng viên): tìm theo tên bằng SQL");
  serve_cmd->add_option("--seed", seed, "hạt giống sinh dữ liệu");
  serve_cmd->add_option("--workers", workers, "số luồng xử lý yêu cầu");
  SecurityOptions sec;
  serve_cmd->add_option("--key-file", sec.key_file,
                        "tệp khóa mã hóa trường nhạy cảm (mặc định keys/field.key cạnh tệp SQLite; tạo mới, quyền 0600)");
  serve_cmd->add_flag("--behind-tls", sec.behind_tls, "chạy sau proxy HTTPS: cookie Secure, HSTS");
  serve_cmd->add_option("--trusted-proxy", sec.trusted_proxy, "địa chỉ proxy được tin để đọc X-Forwarded-For");
  serve_cmd->add_option("--login-rate", sec.login_per_minute, "số lần đăng nhập mỗi phút cho một địa chỉ (0 = không giới hạn)");
  serve_cmd->add_option("--login-burst", sec.login_burst, "số lần đăng nhập liên tiếp tối đa cho một địa chỉ");
  serve_cmd->add_option("--api-rate", sec.api_per_second, "số yêu cầu API mỗi giây cho một địa chỉ");
  serve_cmd->add_option("--api-burst", sec.api_burst, "số yêu cầu API liên tiếp tối đa cho một địa chỉ (0 = không giới hạn)");
  serve_cmd->add_option("--request-timeout", sec.request_timeout_s, "giây chờ tối đa để nhận xong một yêu cầu");
  serve_cmd->add_option("--max-body", sec.max_body_bytes, "số byte tối đa của nội dung một yêu cầu");

  auto* init_cmd = app.add_subcommand("init", "khởi tạo cơ sở dữ liệu (không chạy máy chủ)");
  init_cmd->add_option("--db", db_url, db::kUrlHelp);
  init_cmd->add_option("--demo-members", demo, "số đảng viên minh họa (mặc định 50000)");
  init_cmd->add_flag("--no-demo", no_demo, "không tạo dữ liệu minh họa");
  init_cmd->add_option("--seed", seed, "hạt giống sinh dữ liệu minh họa");

  auto* user_cmd = app.add_subcommand("user", "quản lý người dùng");
  user_cmd->require_subcommand(1);
  auto* user_add = user_cmd->add_subcommand("add", "thêm người dùng (mật khẩu đọc từ stdin)");
  std::string uname, role, org;
  user_add->add_option("name", uname, "tên đăng nhập")->required();
  user_add->add_option("--role", role, "vai trò: admin (quản trị) | staff (cán bộ Ban Tổ chức) | secretary (bí thư chi bộ) | member (đảng viên) | auditor (kiểm tra)")->required();
  user_add->add_option("--org", org, "mã tổ chức đảng")->required();
  user_add->add_option("--db", db_url, db::kUrlHelp);
  int64_t user_member = 0;
  std::string display_name;
  bool generate_pw = false;
  user_add->add_option("--member", user_member, "mã hồ sơ đảng viên của chính người dùng (vai trò member)");
  user_add->add_option("--display-name", display_name, "tên hiển thị");
  user_add->add_flag("--generate", generate_pw, "tạo mật khẩu ngẫu nhiên dùng một lần (in ra) thay vì đọc stdin");
  auto* user_disable = user_cmd->add_subcommand("disable", "vô hiệu hóa tài khoản (đóng mọi phiên, thu hồi mã API)");
  user_disable->add_option("name", uname, "tên đăng nhập")->required();
  user_disable->add_option("--db", db_url, db::kUrlHelp);
  auto* user_enable = user_cmd->add_subcommand("enable", "kích hoạt lại tài khoản");
  user_enable->add_option("name", uname, "tên đăng nhập")->required();
  user_enable->add_option("--db", db_url, db::kUrlHelp);
  auto* user_reset = user_cmd->add_subcommand(
      "reset-password", "đặt lại mật khẩu (in mật khẩu dùng một lần, hoặc đọc stdin với --stdin); phải đổi khi đăng nhập");
  bool pw_stdin = false;
  user_reset->add_option("name", uname, "tên đăng nhập")->required();
  user_reset->add_flag("--stdin", pw_stdin, "đọc mật khẩu mới từ stdin");
  user_reset->add_option("--db", db_url, db::kUrlHelp);
  auto* user_reset_totp = user_cmd->add_subcommand("reset-totp", "gỡ xác thực hai lớp (mất điện thoại và mã khôi phục)");
  user_reset_totp->add_option("name", uname, "tên đăng nhập")->required();
  user_reset_totp->add_option("--db", db_url, db::kUrlHelp);
  auto* user_logout = user_cmd->add_subcommand("logout", "đăng xuất người dùng khỏi mọi phiên");
  user_logout->add_option("name", uname, "tên đăng nhập")->required();
  user_logout->add_option("--db", db_url, db::kUrlHelp);
  auto* user_list = user_cmd->add_subcommand("list", "liệt kê người dùng");
  user_list->add_option("--db", db_url, db::kUrlHelp);

  auto* keys_cmd = app.add_subcommand("keys", "khóa mã hóa trường nhạy cảm");
  keys_cmd->require_subcommand(1);
  std::string key_file;
  auto* keys_rotate = keys_cmd->add_subcommand("rotate", "tạo khóa mới và mã hóa lại mọi trường nhạy cảm");
  keys_rotate->add_option("--key-file", key_file, "tệp khóa (mặc định keys/field.key cạnh tệp SQLite, hoặc biến DANGBO_KEY_FILE)");
  keys_rotate->add_option("--db", db_url, db::kUrlHelp);
  auto* keys_list = keys_cmd->add_subcommand("list", "mã các khóa trong tệp khóa và số bản ghi dùng mỗi khóa");
  keys_list->add_option("--key-file", key_file, "tệp khóa (mặc định keys/field.key cạnh tệp SQLite, hoặc biến DANGBO_KEY_FILE)");
  keys_list->add_option("--db", db_url, db::kUrlHelp);

  std::string backup_file;
  auto* backup_cmd = app.add_subcommand("backup", "sao lưu toàn bộ cơ sở dữ liệu (không gồm tệp khóa)");
  backup_cmd->add_option("file", backup_file, "tệp đích (chưa tồn tại)")->required();
  backup_cmd->add_option("--db", db_url, db::kUrlHelp);
  auto* restore_cmd = app.add_subcommand("restore", "phục hồi cơ sở dữ liệu từ bản sao lưu (thay toàn bộ dữ liệu)");
  bool restore_yes = false;
  restore_cmd->add_option("file", backup_file, "tệp sao lưu")->required();
  restore_cmd->add_flag("--yes", restore_yes, "không hỏi lại");
  restore_cmd->add_option("--db", db_url, db::kUrlHelp);

  auto* routes_cmd = app.add_subcommand("routes", "in bảng định tuyến: PHƯƠNG_THỨC MẪU QUY_TẮC");

  auto* token_cmd = app.add_subcommand("token", "mã truy cập API");
  token_cmd->require_subcommand(1);
  auto* token_create = token_cmd->add_subcommand("create", "tạo mã truy cập cho người dùng");
  token_create->add_option("--user", uname, "tên đăng nhập của người dùng được cấp mã")->required();
  token_create->add_option("--db", db_url, db::kUrlHelp);

  auto* gen_cmd = app.add_subcommand("gen-roster", "sinh danh sách đảng viên tổng hợp");
  int64_t gen_n = 50000;
  std::string out_csv;
  gen_cmd->add_option("--members", gen_n, "số đảng viên cần sinh")->required();
  gen_cmd->add_option("--seed", seed, "hạt giống sinh dữ liệu (cùng hạt giống, cùng danh sách)");
  gen_cmd->add_option("--out", out_csv, "ghi ra tệp CSV thay vì vào cơ sở dữ liệu");
  gen_cmd->add_option("--db", db_url, db::kUrlHelp);
  quality::MessyCommand messy;  // --messy: dirt injected at known rates, plus its ground truth
  bool gen_messy = false;
  gen_cmd->add_flag("--messy", gen_messy, "chèn lỗi dữ liệu thường gặp với tỉ lệ biết trước (cần --out, --truth)");
  gen_cmd->add_option("--duplicates", messy.duplicates, "tỉ lệ bản ghi trùng nhập lại (0..1, kèm --messy)");
  gen_cmd->add_option("--truth", messy.truth, "tệp đáp án: các ô bị làm bẩn và giá trị đúng");
  gen_cmd->add_option("--error-scale", messy.error_scale, "nhân mọi tỉ lệ lỗi (mặc định 1)");

  auto* clean_cmd = app.add_subcommand("clean", "chuẩn hóa và kiểm tra tệp danh sách đảng viên (không cần CSDL)");
  quality::CleanCommand clean;
  clean_cmd->add_option("input", clean.input, "tệp CSV hoặc XLSX")->required();
  clean_cmd->add_option("--out", clean.out, "tệp CSV kết quả")->required();
  clean_cmd->add_option("--findings", clean.findings, "tệp CSV các phát hiện")->required();
  clean_cmd->add_option("--mapping", clean.mapping, "tệp JSON ánh xạ cột");
  clean_cmd->add_option("--save-mapping", clean.save_mapping, "ghi ánh xạ cột đã dùng ra tệp JSON");
  clean_cmd->add_option("--tone", clean.tone, "kiểu đặt dấu: old (hòa) | new (hoà); mặc định giữ như đã viết");
  clean_cmd->add_option("--date-format", clean.date_format, "vn (dd/mm/yyyy, mặc định) | iso");
  clean_cmd->add_option("--sheet", clean.sheet, "XLSX: tên trang tính");
  clean_cmd->add_option("--delimiter", clean.delimiter, "CSV: ký tự phân cách (mặc định tự nhận)");
  clean_cmd->add_option("--threads", clean.threads, "số luồng xử lý");
  clean_cmd->add_option("--today", clean.today, "ngày kiểm tra YYYY-MM-DD (mặc định hôm nay)");

  auto* dedupe_cmd = app.add_subcommand(
      "dedupe", "đối chiếu hồ sơ trùng: trong tệp (A.csv [B.csv] --out PAIRS.csv) hoặc trong CSDL (--org MÃ)");
  linkage::DedupeCommand dedupe;
  dedupe_cmd->add_option("inputs", dedupe.inputs, "một hoặc hai tệp CSV/XLSX (bỏ trống: đối chiếu trong CSDL)")->expected(0, 2);
  dedupe_cmd->add_option("--out", dedupe.out, "tệp CSV các cặp (id_a, id_b, xác suất, mức so khớp từng trường)");
  dedupe_cmd->add_option("--org", dedupe.org, "CSDL: mã tổ chức đảng (cây con); mặc định toàn bộ");
  dedupe_cmd->add_option("--id-column", dedupe.id_column, "tệp: tên cột mã (mặc định tự nhận, không có thì số dòng)");
  dedupe_cmd->add_option("--threshold", dedupe.threshold, "xác suất từ đó coi là cùng một người (mặc định 0,95)");
  dedupe_cmd->add_option("--review-low", dedupe.review_low, "xác suất từ đó đưa vào danh sách cần xem xét (mặc định 0,5)");
  dedupe_cmd->add_option("--threads", dedupe.threads, "số luồng");
  dedupe_cmd->add_option("--summary", dedupe.summary, "ghi số liệu chạy ra tệp JSON");
  dedupe_cmd->add_option("--model", dedupe.model, "ghi mô hình (m, u, tiên nghiệm) ra tệp JSON");
  dedupe_cmd->add_flag("--link-only", dedupe.link_only, "hai tệp: chỉ các cặp giữa hai tệp");
  dedupe_cmd->add_option("--db", db_url, db::kUrlHelp);

  auto* audit_cmd = app.add_subcommand("audit", "nhật ký kiểm tra");
  audit_cmd->require_subcommand(1);
  auto* audit_verify = audit_cmd->add_subcommand("verify", "kiểm tra chuỗi băm của nhật ký");
  audit_verify->add_option("--db", db_url, db::kUrlHelp);
  std::string anchor_file;
  audit_verify->add_option("--anchor", anchor_file, "tệp neo (ngoài cơ sở dữ liệu): so sánh rồi ghi thêm mục cuối");

  auto* counts_cmd = app.add_subcommand("counts", "số đảng viên lưu theo từng tổ chức");
  counts_cmd->require_subcommand(1);
  auto* counts_check = counts_cmd->add_subcommand("check", "so số đã lưu với số đếm lại từ hồ sơ (thoát 1 nếu lệch)");
  counts_check->add_option("--db", db_url, db::kUrlHelp);
  bool counts_repair = false;
  counts_check->add_flag("--repair", counts_repair, "đếm lại toàn bộ và ghi đè số đã lưu");

  app::RestructureCli restructure_cli;
  app::add_restructure_cli(app, db_url, restructure_cli);
  quality::ImportCli import_cli;
  quality::add_import_cli(app, db_url, import_cli);

  app::localize_cli(app);  // CLI11's own words (help headings, placeholders, parse errors) in Vietnamese
  CLI11_PARSE(app, argc, argv);
  try {
    base::RuleSet::set_global(base::RuleSet::load(paths.rules()));
    if (*serve_cmd) return serve(db_url, listen, paths, demo, no_demo, seed, workers, sec, !no_name_index);
    if (int rc = app::run_restructure_cli(restructure_cli, [&] { return open_db(db_url, paths); }, paths.data()); rc >= 0)
      return rc;
    if (int rc = quality::run_import_cli(import_cli, [&] { return open_db(db_url, paths); }, paths.data(), std::cout, std::cerr);
        rc >= 0)
      return rc;
    if (*init_cmd) {
      auto db = open_db(db_url, paths);
      if (registry::is_seeded(*db)) {
        std::cout << "Cơ sở dữ liệu đã được khởi tạo trước đó; không làm gì thêm.\n";
        return 0;
      }
      seed_if_empty(*db, paths, no_demo ? 0 : demo, seed);
      return 0;
    }
    auto read_password = [] {
      std::string password;
      std::getline(std::cin, password);
      if (!password.empty() && password.back() == '\r') password.pop_back();
      return password;
    };
    if (*user_add) {
      auto r = security::parse_role(role);
      if (!r) throw base::Error(base::ErrorKind::bad_request, "role", "Vai trò không hợp lệ: " + role);
      std::string password = generate_pw ? security::random_token(12) : read_password();
      auto db = open_db(db_url, paths);
      std::optional<int64_t> mid;
      if (user_member > 0) mid = user_member;
      if (*r == security::Role::member && !mid)
        throw base::Error(base::ErrorKind::bad_request, "member", "Vai trò member cần --member MÃ_HỒ_SƠ");
      auto id = security::add_user(*db, uname, password, *r, org, mid, display_name);
      if (generate_pw) {
        security::reset_password(*db, nullptr, uname, password);  // must be changed at first sign-in
        std::cout << "PASSWORD=" << password << "\n";
      }
      std::cout << "Đã tạo người dùng " << uname << " (id " << id << ")\n";
      return 0;
    }
    if (*user_disable || *user_enable) {
      auto db = open_db(db_url, paths);
      security::set_user_disabled(*db, nullptr, uname, bool(*user_disable));
      std::cout << (bool(*user_disable) ? "Đã vô hiệu hóa " : "Đã kích hoạt lại ") << uname << "\n";
      return 0;
    }
    if (*user_reset) {
      auto db = open_db(db_url, paths);
      std::string pw = pw_stdin ? read_password() : "";
      std::string set = security::reset_password(*db, nullptr, uname, pw);
      if (!pw_stdin) std::cout << "PASSWORD=" << set << "\n";
      std::cout << "Đã đặt lại mật khẩu cho " << uname << "; người dùng phải đổi mật khẩu khi đăng nhập.\n";
      return 0;
    }
    if (*user_reset_totp) {
      auto db = open_db(db_url, paths);
      security::reset_totp(*db, nullptr, uname);
      std::cout << "Đã gỡ xác thực hai lớp của " << uname << "\n";
      return 0;
    }
    if (*user_logout) {
      auto db = open_db(db_url, paths);
      int n = security::revoke_sessions(*db, security::user_id_by_name(*db, uname));
      std::cout << "Đã đóng " << n << " phiên của " << uname << "\n";
      return 0;
    }
    if (*user_list) {
      auto db = open_db(db_url, paths);
      for (auto& u : security::list_users(*db))
        std::cout << u.username << '\t' << u.role << '\t' << u.org_code << '\t'
                  << (u.disabled ? "disabled" : u.locked ? "locked" : "active") << (u.totp ? "\ttotp" : "\t-")
                  << (u.must_change_password ? "\tmust-change-password" : "") << '\n';
      return 0;
    }
    if (*keys_rotate) {
      auto db = open_db(db_url, paths);
      std::string kf = key_file.empty() ? default_key_file(db_url) : key_file;
      auto rep = security::rotate_keys(*db, kf);
      std::cout << "Khóa mới " << rep.new_key_id << ": đã mã hóa lại " << rep.fields << " trường nhạy cảm và "
                << rep.totp_secrets << " khóa xác thực hai lớp (tệp khóa " << kf << ").\n";
      return 0;
    }
    if (*keys_list) {
      auto db = open_db(db_url, paths);
      std::string kf = key_file.empty() ? default_key_file(db_url) : key_file;
      auto ring = security::Keyring::load(kf);
      auto s = db->session();
      for (auto& id : ring.ids()) {
        int n = 0;
        *s << "SELECT count(*) FROM member_sensitive WHERE key_id = :k", soci::use(id), soci::into(n);
        std::cout << id << (id == ring.active_id() ? " (đang dùng)" : "") << '\t' << n << " bản ghi\n";
      }
      return 0;
    }
    if (*backup_cmd) {
      auto db = open_db(db_url, paths);
      auto r = security::backup_database(*db, backup_file);
      std::cout << "Đã sao lưu vào " << backup_file << " (" << r.bytes << " byte, " << r.seconds << " giây).\n"
                << "Tệp khóa mã hóa không nằm trong bản sao lưu: hãy giữ riêng một bản của nó.\n";
      return 0;
    }
    if (*restore_cmd) {
      if (!restore_yes) {
        std::cerr << "Phục hồi sẽ thay toàn bộ dữ liệu hiện có bằng " << backup_file
                  << ". Dừng mọi máy chủ đang dùng cơ sở dữ liệu này. Gõ 'yes' để tiếp tục: " << std::flush;
        std::string answer;
        std::getline(std::cin, answer);
        if (answer != "yes") {
          std::cerr << "Đã hủy.\n";
          return 1;
        }
      }
      auto db = open_db(db_url, paths);
      auto r = security::restore_database(*db, backup_file);
      db::migrate(*db, paths.migrations());
      std::cout << "Đã phục hồi từ " << backup_file << " (" << r.bytes << " byte, " << r.seconds << " giây).\n";
      return 0;
    }
    if (*counts_check) {
      // Stored per-organization counts (registry/counts.hpp) against a fresh count.
      auto db = open_db(db_url, paths);
      auto s = db->session();
      auto bad = registry::count_mismatches(*s);
      for (std::size_t i = 0; i < bad.size() && i < 20; ++i)
        std::cout << "tổ chức " << bad[i][0] << ": đã lưu " << bad[i][1] << ", đếm lại " << bad[i][2] << "\n";
      if (bad.empty()) std::cout << "Số đảng viên đã lưu khớp với hồ sơ.\n";
      else std::cout << bad.size() << " tổ chức lệch số.\n";
      if (counts_repair && !bad.empty()) {
        soci::transaction tr(*s);
        int64_t n = registry::recount_all_orgs(*s);
        security::audit_append(*s, nullptr, "counts.repair", "organization", "", "",
                               "{\"mismatched\":" + std::to_string(bad.size()) + "}");
        tr.commit();
        std::cout << "Đã đếm lại " << n << " tổ chức có đảng viên.\n";
        return 0;
      }
      return bad.empty() ? 0 : 1;
    }
    if (*routes_cmd) {
      // the same table as `serve`, over a throwaway in-memory database
      auto db = std::make_unique<db::Database>(db::DbUrl::parse("sqlite::memory:"), 1);
      web::I18n i18n;
      i18n.load(paths.web() + "/i18n");
      web::Renderer renderer(paths.web() + "/templates", i18n);
      web::Context ctx{*db, renderer};
      http::Router router;
      app::register_all_routes(router, ctx, paths.web());
      for (auto& r : router.routes()) std::cout << r.method << '\t' << r.pattern << '\t' << r.rule << '\n';
      return 0;
    }
    if (*token_create) {
      auto db = open_db(db_url, paths);
      std::cout << security::create_api_token(*db, uname) << std::endl;
      return 0;
    }
    if (*dedupe_cmd) {
      if (!dedupe.inputs.empty()) return linkage::run_dedupe_files(dedupe, paths.root, std::cout, std::cerr);
      auto db = open_db(db_url, paths);
      return linkage::run_dedupe_registry(dedupe, *db, std::cout, std::cerr);
    }
    if (*clean_cmd) return quality::run_clean_command(clean, paths.data(), base::RuleSet::global(), std::cout, std::cerr);
    if (*gen_cmd && gen_messy) {
      messy.members = gen_n;
      messy.seed = seed;
      messy.out = out_csv;
      return quality::run_messy_command(messy, paths.data(), std::cout, std::cerr);
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
        // A database that already has a tree: only the one generated for these --members and
        // --seed takes the roster, and only once (registry::roster_load_problem says why not).
        if (std::string why = registry::roster_load_problem(*db, ref, orgs, opts); !why.empty()) {
          std::cerr << "dangbo: " << why << std::endl;
          return 1;
        }
        registry::load_reference_data(*db, ref);
        registry::load_org_tree(*db, orgs, opts);
        n = registry::load_roster(*db, ref, orgs, opts, [&](int64_t done) {
          std::cerr << "\r  " << done << "/" << gen_n << std::flush;
        });
        std::cerr << "\n";
      }
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      // One line, read by bench/registry.sh and bench/pg.sh (grep '^Đã sinh', the rate before
      // " đảng viên/giây)"): plain integers, seconds with a dot.
      std::cout << fmt::format("Đã sinh {} đảng viên trong {:.2f} giây ({} đảng viên/giây)", n, secs,
                               int64_t(double(n) / std::max(secs, 1e-9)))
                << std::endl;
      return 0;
    }
    if (*audit_verify) {
      auto db = open_db(db_url, paths);
      auto r = security::audit_check(*db);
      if (!r.ok) {
        std::cerr << "dangbo: nhật ký KHÔNG nguyên vẹn: " << r.message << " (first bad entry: " << r.first_bad << ", "
                  << r.problem << ")" << std::endl;
        return 2;
      }
      if (!anchor_file.empty()) {
        if (auto bad = security::audit_anchor(*db, anchor_file)) {
          std::cerr << "dangbo: nhật ký KHÔNG khớp tệp neo: " << *bad << std::endl;
          return 2;
        }
      }
      std::cout << "Nhật ký nguyên vẹn: " << r.entries << " mục." << std::endl;
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "dangbo: " << e.what() << std::endl;
    return 1;
  }
  return 0;
}
