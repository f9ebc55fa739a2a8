#include "security/backup.hpp"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <vector>

#include "base/error.hpp"
#include "security/security.hpp"

extern char** environ;

namespace dangbo::security {
using base::Error;
using base::ErrorKind;
namespace fs = std::filesystem;
namespace sq = ::sqlite_api;

namespace {

sq::sqlite3* raw_handle(soci::session& sql) {
  // (static_cast: libsoci_sqlite3 does not export the class's typeinfo for a dynamic_cast)
  if (sql.get_backend_name() != "sqlite3")
    throw Error(ErrorKind::internal, "backup.handle", "Không lấy được kết nối SQLite");
  auto* be = static_cast<soci::sqlite3_session_backend*>(sql.get_backend());
  if (!be || !be->conn_) throw Error(ErrorKind::internal, "backup.handle", "Không lấy được kết nối SQLite");
  return be->conn_;
}

// Copies every page of `from` into `to` (both open); the online backup API in steps of 1024
// pages, retrying while the source is busy.
void copy_db(sq::sqlite3* to, sq::sqlite3* from, const std::string& what) {
  sq::sqlite3_backup* b = sq::sqlite3_backup_init(to, "main", from, "main");
  if (!b)
    throw Error(ErrorKind::internal, "backup.init", what + ": " + std::string(sq::sqlite3_errmsg(to)));
  int rc;
  do {
    rc = sq::sqlite3_backup_step(b, 1024);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sq::sqlite3_sleep(50);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sq::sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE)
    throw Error(ErrorKind::internal, "backup.step", what + ": " + std::string(sq::sqlite3_errstr(rc)));
}

struct RawDb {
  sq::sqlite3* h = nullptr;
  ~RawDb() {
    if (h) sq::sqlite3_close_v2(h);
  }
};

std::string one_text(sq::sqlite3* h, const char* sql) {
  sq::sqlite3_stmt* st = nullptr;
  std::string out;
  if (sq::sqlite3_prepare_v2(h, sql, -1, &st, nullptr) == SQLITE_OK && sq::sqlite3_step(st) == SQLITE_ROW) {
    auto* t = sq::sqlite3_column_text(st, 0);
    if (t) out = reinterpret_cast<const char*>(t);
  }
  sq::sqlite3_finalize(st);
  return out;
}

int run(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid;
  int rc = posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ);
  if (rc != 0)
    throw Error(ErrorKind::internal, "backup.exec", "Không chạy được " + args[0] + " (cài gói postgresql-client?)");
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

void audit_system(db::Database& db, const std::string& action, const std::string& file, int64_t bytes) {
  auto s = db.session();
  soci::transaction tr(*s);
  std::string f;
  for (char c : fs::absolute(file).string()) {
    if (c == '"' || c == '\\') f += '\\';
    if ((unsigned char)c >= 0x20) f += c;
  }
  audit_append(*s, nullptr, action, "database", "", "",
               "{\"file\":\"" + f + "\",\"bytes\":" + std::to_string(bytes) + "}");
  tr.commit();
}

}  // namespace

BackupReport backup_database(db::Database& db, const std::string& file) {
  auto t0 = std::chrono::steady_clock::now();
  std::error_code ec;
  if (fs::exists(file, ec))
    throw Error(ErrorKind::conflict, "backup.exists", "Tệp " + file + " đã tồn tại; chọn tên khác hoặc xóa tệp cũ");
  if (fs::path(file).has_parent_path()) fs::create_directories(fs::path(file).parent_path(), ec);
  // record the backup first, so that the copy contains its own entry
  audit_system(db, "backup", file, 0);
  if (db.dialect() == db::Dialect::sqlite) {
    RawDb dest;
    if (sq::sqlite3_open_v2(file.c_str(), &dest.h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK)
      throw Error(ErrorKind::internal, "backup.open", "Không tạo được tệp sao lưu " + file);
    auto s = db.session();
    copy_db(dest.h, raw_handle(*s), "Sao lưu thất bại");
    // the copy is a single self-contained file (no -wal beside it)
    sq::sqlite3_exec(dest.h, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
  } else {
    int rc = run({"pg_dump", "--format=custom", "--no-owner", "--file=" + file, "--dbname=" + db.url().connect_string});
    if (rc != 0) {
      fs::remove(file, ec);
      throw Error(ErrorKind::internal, "backup.pg_dump", "pg_dump thất bại (mã " + std::to_string(rc) + ")");
    }
  }
  BackupReport r;
  r.bytes = int64_t(fs::file_size(file, ec));
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ::chmod(file.c_str(), 0600);
  return r;
}

BackupReport restore_database(db::Database& db, const std::string& file) {
  auto t0 = std::chrono::steady_clock::now();
  std::error_code ec;
  if (!fs::exists(file, ec)) throw Error(ErrorKind::not_found, "restore.missing", "Không có tệp sao lưu " + file);
  if (db.dialect() == db::Dialect::sqlite) {
    RawDb src;
    if (sq::sqlite3_open_v2(file.c_str(), &src.h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
      throw Error(ErrorKind::bad_request, "restore.open", "Không mở được tệp sao lưu " + file);
    std::string check = one_text(src.h, "PRAGMA integrity_check");
    if (check != "ok")
      throw Error(ErrorKind::bad_request, "restore.corrupt",
                  "Tệp sao lưu " + file + " không phải cơ sở dữ liệu SQLite nguyên vẹn (" +
                      (check.empty() ? std::string("không đọc được") : check) + ")");
    if (one_text(src.h, "SELECT count(*) FROM schema_migrations WHERE name LIKE '%security%'").empty() ||
        one_text(src.h, "SELECT count(*) FROM audit_log").empty())
      throw Error(ErrorKind::bad_request, "restore.schema", "Tệp " + file + " không phải bản sao lưu của dangbo");
    auto s = db.session();
    copy_db(raw_handle(*s), src.h, "Phục hồi thất bại");
  } else {
    int rc = run({"pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                  "--dbname=" + db.url().connect_string, file});
    if (rc != 0)
      throw Error(ErrorKind::internal, "restore.pg_restore", "pg_restore thất bại (mã " + std::to_string(rc) + ")");
  }
  audit_system(db, "restore", file, int64_t(fs::file_size(file, ec)));
  BackupReport r;
  r.bytes = int64_t(fs::file_size(file, ec));
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace dangbo::security
