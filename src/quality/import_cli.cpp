#include "quality/import_cli.hpp"

#include <soci/soci.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "base/error.hpp"
#include "base/rules.hpp"
#include "quality/import.hpp"
#include "registry/refdata.hpp"
#include "registry/store.hpp"

namespace dangbo::quality {

void add_import_cli(CLI::App& app, std::string& db_url, ImportCli& c) {
  c.cmd = app.add_subcommand("import", "nhập danh sách đảng viên (CSV, XLSX) hoặc bảng phát hiện đã sửa vào cơ sở dữ liệu");
  c.cmd->add_option("file", c.file, "tệp CSV hoặc XLSX")->required();
  c.cmd->add_option("--org", c.org, "mã tổ chức đảng của tệp (các dòng thuộc cây tổ chức này)")->required();
  c.cmd->add_option("--mapping", c.mapping, "tệp JSON ánh xạ cột {\"columns\": {\"<tên cột>\": \"<trường>\"}}");
  c.cmd->add_flag("--dry-run", c.dry_run, "chạy thử: kiểm tra và đếm, không ghi gì");
  c.cmd->add_flag("--save-mapping", c.save_mapping, "ghi nhớ ánh xạ cột cho các tệp sau có cùng tiêu đề");
  c.cmd->add_flag("--new", c.fresh, "lập lần nhập mới thay vì chạy tiếp lần nhập bị dừng của cùng tệp");
  c.cmd->add_option("--batch", c.batch, "số dòng mỗi giao dịch (mặc định 5000)");
  c.cmd->add_option("--as", c.as_user, "ghi nhật ký dưới tên người dùng này (phạm vi và quyền của người đó)");
  c.cmd->add_flag("--quiet", c.quiet, "không in tiến độ");
  c.cmd->add_option("--db", db_url, db::kUrlHelp);
}

int run_import_cli(const ImportCli& c, const std::function<std::unique_ptr<db::Database>()>& open_db,
                   const std::string& data_dir, std::ostream& out, std::ostream& err) {
  if (!c.cmd || !*c.cmd) return -1;
  if (!std::filesystem::exists(c.file)) {
    err << "dangbo: không có tệp " << c.file << std::endl;
    return 1;
  }
  std::string mapping;
  if (!c.mapping.empty()) {
    std::ifstream f(c.mapping, std::ios::binary);
    if (!f) {
      err << "dangbo: không đọc được tệp ánh xạ cột " << c.mapping << std::endl;
      return 1;
    }
    std::stringstream ss;
    ss << f.rdbuf();
    mapping = ss.str();
  }
  auto db = open_db();
  std::optional<security::Actor> actor;
  if (!c.as_user.empty()) {
    auto s = db->session();
    long long id = 0;
    std::string u = c.as_user;
    *s << "SELECT id FROM app_user WHERE username = :u", soci::use(u), soci::into(id);
    if (!s->got_data()) throw base::Error(base::ErrorKind::not_found, "user", "Không có người dùng " + c.as_user);
    actor = security::load_actor(*db, id);
    if (!actor) throw base::Error(base::ErrorKind::forbidden, "user", "Tài khoản " + c.as_user + " không hoạt động");
  }
  auto t0 = std::chrono::steady_clock::now();
  auto rd = registry::RefData::load(data_dir);
  Importer im(*db, rd, base::RuleSet::global());
  double setup = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ImportFile file;
  file.path = c.file;
  file.name = std::filesystem::path(c.file).filename().string();
  // One import that writes at a time (Importer::run): stop before writing anything while
  // another runs (run() checks again, atomically, when it claims the job).
  if (!c.dry_run) {
    if (auto other = im.running_import()) {
      err << "dangbo: " << import_busy_message(*other) << std::endl;
      return 1;
    }
  }
  int64_t job_id = 0;
  bool created = false;
  if (!c.dry_run && !c.fresh) {
    std::optional<registry::Organization> org;
    {
      auto s = db->session();
      org = registry::find_org(*s, c.org, base::today().iso());
    }
    if (org) {
      std::string sha = file_sha256(file);
      std::optional<ImportJob> prev = im.interrupted_job(org->id, sha, "roster");
      if (!prev) prev = im.interrupted_job(org->id, sha, "fixes");
      if (prev) {
        job_id = prev->id;
        out << "Tiếp tục lần nhập số " << prev->id << " bị dừng giữa chừng (" << prev->rows_read
            << " dòng đã ghi trong " << prev->batches_done << " lô); dùng --new để lập lần nhập mới." << std::endl;
      }
    }
  }
  if (!job_id) {
    auto job = im.create_job(actor ? &*actor : nullptr, c.org, file, c.dry_run, mapping, "queued", c.batch);
    job_id = job.id;
    created = true;
    if (c.save_mapping && job.kind == "roster") {
      if (c.dry_run) out << "Chạy thử: ánh xạ cột không được lưu (--save-mapping bỏ qua)." << std::endl;
      else im.confirm_job(actor ? &*actor : nullptr, job.id, job.mapping, false, true);
    }
  }
  // A dry run writes nothing: the importer runs it as a job (kept as the report on the upload
  // page), but here the report is printed, so the job row goes once the run ends, however it
  // ends. It is the only row a dry run writes (no import_row, batch, finding, key or member).
  struct DropDryRun {
    db::Database& db;
    int64_t id;
    bool on;
    ~DropDryRun() {
      if (!on) return;
      try {
        auto s = db.session();
        long long jid = id;
        *s << "DELETE FROM import_job WHERE id = :id AND dry_run = 1", soci::use(jid);
      } catch (const std::exception& e) {
        std::cerr << "dangbo: không xóa được lần chạy thử số " << id << ": " << e.what() << std::endl;
      }
    }
  } drop{*db, job_id, c.dry_run};
  auto progress = [&](const ImportProgress& p) {
    if (c.quiet) return;
    err << "\r  đã xử lý " << p.rows_read;
    if (p.rows_total > 0) err << "/~" << p.rows_total;
    err << " dòng (" << p.batches << " lô)" << std::flush;
  };
  ImportResult r;
  try {
    r = im.run(job_id, actor ? &*actor : nullptr, progress);
  } catch (const base::Error& e) {
    if (e.code() != "import.busy") throw;
    // another import claimed the database between the check above and this run: the job this
    // command recorded never started, so it goes (a resumed one stays interrupted)
    if (created && !c.dry_run) {
      auto s = db->session();
      long long jid = job_id;
      *s << "DELETE FROM import_job WHERE id = :id AND status = 'queued' AND batches_done = 0", soci::use(jid);
    }
    err << "dangbo: " << e.what() << std::endl;
    return 1;
  }
  if (!c.quiet) err << "\n";
  print_import_summary(out, r);
  out << "Nạp dữ liệu tham chiếu: " << setup << " s" << std::endl;
  return r.job.status == "done" ? 0 : 1;
}

}  // namespace dangbo::quality
