#include "db/database.hpp"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "base/error.hpp"

namespace dangbo::db {

namespace {
// SQLite memory per connection. Each connection has its own page cache (cache_size), so the
// server's memory grows with the pool; pages read through mmap are shared by all connections
// and belong to the kernel's page cache. DANGBO_SQLITE_CACHE_MB / DANGBO_SQLITE_MMAP_MB
// override the defaults (measurements: docs/operations.md).
long env_long(const char* name, long fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  long n = std::strtol(v, &end, 10);
  return (end && *end == 0 && n >= 0) ? n : fallback;
}
long sqlite_cache_kib() { return env_long("DANGBO_SQLITE_CACHE_MB", 16) * 1024; }
long long sqlite_mmap_bytes() { return (long long)env_long("DANGBO_SQLITE_MMAP_MB", 0) << 20; }
}  // namespace
namespace fs = std::filesystem;
using base::Error;
using base::ErrorKind;

DbUrl DbUrl::parse(std::string_view url) {
  DbUrl u;
  if (url.rfind("sqlite:", 0) == 0) {
    u.dialect = Dialect::sqlite;
    u.sqlite_path = std::string(url.substr(7));
    if (u.sqlite_path.rfind("//", 0) == 0) u.sqlite_path = u.sqlite_path.substr(2);
    if (u.sqlite_path.empty())
      throw Error(ErrorKind::bad_request, "db.url", "Địa chỉ cơ sở dữ liệu thiếu đường dẫn tệp SQLite");
    u.connect_string = "db=" + u.sqlite_path + " timeout=10";
    return u;
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    u.dialect = Dialect::postgresql;
    u.connect_string = std::string(url);
    return u;
  }
  throw Error(ErrorKind::bad_request, "db.url",
              "Địa chỉ cơ sở dữ liệu không hợp lệ: cần dạng sqlite:ĐƯỜNG_DẪN hoặc postgresql://…");
}

Session::Session(Database& db, std::size_t pos) : db_(db), pos_(pos), sql_(&db.pool_->at(pos)) {}
Session::~Session() { db_.pool_->give_back(pos_); }
Dialect Session::dialect() const { return db_.dialect(); }

namespace {
// Settings of every app connection to PostgreSQL (at open and after a reconnect).
void configure_postgresql(soci::session& s) {
  s << "SET client_min_messages = warning";
  // No parallel query for the app's short requests: starting workers costs more than the
  // work, and under concurrent requests they take the cores the other requests need
  // (2,000,000 members, 32 concurrent searches: 32 → 196 req/s, p99 1.8 s → 0.31 s).
  // Batch jobs that want it can SET it in their own session.
  s << "SET max_parallel_workers_per_gather = 0";
  // No JIT either: it compiles for a query's estimated cost, and a short listing whose estimate
  // is high paid 14 ms of compilation for 1 ms of work.
  s << "SET jit = off";
}
}  // namespace

namespace {
// A PostgreSQL URL as it may be shown: host, port and database, without user, password or options.
std::string shown_target(const std::string& url) {
  std::string t = url.substr(url.find("://") + 3);
  if (auto at = t.rfind('@'); at != std::string::npos) t = t.substr(at + 1);
  if (auto q = t.find('?'); q != std::string::npos) t = t.substr(0, q);
  return t.empty() ? std::string("(máy mặc định)") : t;
}

// The Vietnamese line for a database that cannot be opened at start: what failed, the likely
// cause from the driver's (English) message, and that message itself as the technical detail.
Error open_failed(const DbUrl& u, const std::string& detail) {
  auto has = [&](const char* k) { return detail.find(k) != std::string::npos; };
  std::string why;
  if (u.dialect == Dialect::sqlite) {
    std::string msg = "Không mở được tệp cơ sở dữ liệu SQLite '" + u.sqlite_path + "'";
    if (has("unable to open") || has("Permission denied") || has("Not a directory") || has("Read-only"))
      msg += ": thư mục không tồn tại và không tạo được, hoặc không có quyền ghi vào đó";
    return Error(ErrorKind::unavailable, "db.open", msg + " (chi tiết kỹ thuật: " + detail + ")");
  }
  std::string msg = "Không kết nối được tới cơ sở dữ liệu PostgreSQL " + shown_target(u.connect_string);
  if (has("Connection refused")) why = "máy chủ từ chối kết nối (PostgreSQL chưa chạy, hoặc sai máy/cổng)";
  else if (has("could not translate host name") || has("Name or service not known")) why = "không tìm thấy máy chủ có tên này";
  else if (has("password authentication failed") || has("no password supplied")) why = "sai tên người dùng hoặc mật khẩu";
  else if (has("does not exist") && has("database")) why = "cơ sở dữ liệu này chưa được tạo trên máy chủ";
  else if (has("timeout") || has("timed out")) why = "hết thời gian chờ máy chủ trả lời";
  if (!why.empty()) msg += ": " + why;
  return Error(ErrorKind::unavailable, "db.open", msg + " (chi tiết kỹ thuật: " + detail + ")");
}
}  // namespace

// A connection that cannot be opened throws base::Error (kind unavailable, code "db.open") with a
// Vietnamese message (open_failed), not the driver's English one: the CLI prints it as its line.
Database::Database(const DbUrl& url, std::size_t pool_size)
    : url_(url), pool_size_(pool_size), pool_(std::make_unique<soci::connection_pool>(pool_size)) {
  try {
    if (url_.dialect == Dialect::sqlite) {
      // No memory statistics: SQLite otherwise takes one process-wide mutex on every allocation,
      // and concurrent requests queue on it (seen under 32 concurrent searches). Must precede the
      // first connection of the process; later calls are refused harmlessly.
      static std::once_flag memstatus_off;
      std::call_once(memstatus_off, [] { sqlite_api::sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
      fs::path p(url_.sqlite_path);
      if (p.has_parent_path()) fs::create_directories(p.parent_path());
    }
    for (std::size_t i = 0; i < pool_size; ++i) {
      soci::session& s = pool_->at(i);
      if (url_.dialect == Dialect::sqlite) {
        s.open(soci::sqlite3, url_.connect_string);
        s << "PRAGMA journal_mode=WAL";
        s << "PRAGMA synchronous=NORMAL";
        s << "PRAGMA foreign_keys=ON";
        s << "PRAGMA busy_timeout=10000";
        s << ("PRAGMA cache_size=-" + std::to_string(sqlite_cache_kib()));
        s << ("PRAGMA mmap_size=" + std::to_string(sqlite_mmap_bytes()));
        s << "PRAGMA temp_store=MEMORY";
      } else {
        s.open(soci::postgresql, url_.connect_string);
        configure_postgresql(s);
      }
    }
  } catch (const base::Error&) {
    throw;
  } catch (const std::exception& e) {  // soci_error, filesystem_error: the driver's English text
    std::string d = e.what();
    while (!d.empty() && (d.back() == '\n' || d.back() == ' ')) d.pop_back();
    for (auto& c : d)
      if (c == '\n') c = ' ';
    throw open_failed(url_, d);
  }
}

Database::~Database() = default;

Session Database::session() {
  std::size_t pos = pool_->lease();
  if (url_.dialect == Dialect::postgresql) {
    // A connection the server dropped (restart, fail-over, idle timeout, terminated backend) is
    // opened again before it is lent, so a restart costs only the requests running at that moment.
    soci::session& s = pool_->at(pos);
    auto* be = static_cast<soci::postgresql_session_backend*>(s.get_backend());
    // PQconsumeInput reads what the server sent while the connection sat in the pool (nothing,
    // usually: one non-blocking recv); a server that restarted or ended the backend has closed
    // the socket, and libpq then reports the connection bad before any request is sent on it.
    // (A terminated backend sends its FATAL message and then closes: the first read takes the
    // message, the second meets the end of the stream.)
    auto gone = [](PGconn* c) { return PQconsumeInput(c) == 0 || PQconsumeInput(c) == 0 || PQstatus(c) != CONNECTION_OK; };
    if (!be || !be->conn_ || gone(be->conn_)) {
      try {
        spdlog::warn("db: PostgreSQL connection {} was lost; reconnecting", pos);
        s.reconnect();
        configure_postgresql(s);
      } catch (const std::exception& e) {
        pool_->give_back(pos);
        // the server is down or refuses connections: the caller's request cannot be served now
        spdlog::error("db: cannot reconnect to PostgreSQL: {}", e.what());
        throw Error(ErrorKind::unavailable, "db.unavailable", kUnavailableDetail);
      } catch (...) {
        pool_->give_back(pos);
        throw;
      }
    }
  }
  return Session(*this, pos);
}

bool is_unavailable(const std::exception& e) {
  if (auto* be = dynamic_cast<const base::Error*>(&e)) return be->kind() == ErrorKind::unavailable;
  if (auto* pe = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
    const std::string st = pe->sqlstate();
    // 08: connection exception; 57P01–57P03: admin shutdown, crash shutdown, cannot connect now;
    // 53300: too many connections
    if (st.rfind("08", 0) == 0 || st == "57P01" || st == "57P02" || st == "57P03" || st == "53300") return true;
    if (pe->get_error_category() == soci::soci_error::connection_error) return true;
  }
  if (auto* le = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
    const int rc = le->result() & 0xff;  // the primary code of an extended one
    return rc == SQLITE_BUSY || rc == SQLITE_LOCKED || rc == SQLITE_CANTOPEN;
  }
  // What libpq says when there is no usable connection (SOCI passes some of these on as a plain
  // soci_error without SQLSTATE; the importer's COPY path as std::runtime_error).
  static constexpr std::string_view kLost[] = {
      "Cannot establish connection to the database",
      "server closed the connection unexpectedly",
      "no connection to the server",
      "could not connect to server",
      "connection to server at",
      "connection to server on socket",
      "terminating connection due to administrator command",
      "the database system is shutting down",
      "the database system is starting up",
      "the database system is in recovery mode",
      "is not currently accepting connections",
      "SSL connection has been closed unexpectedly",
  };
  const std::string_view what = e.what();
  for (auto k : kLost)
    if (what.find(k) != std::string_view::npos) return true;
  return false;
}

std::string now_utc() {
  using namespace std::chrono;
  auto now = system_clock::now();
  auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::time_t t = system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, int(ms));
  return buf;
}

namespace {

std::vector<std::string> split_statements(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(text);
  std::string line;
  bool in_dollar = false;  // PostgreSQL $$ bodies may contain ';'
  while (std::getline(in, line)) {
    std::string trimmed = line;
    while (!trimmed.empty() && (trimmed.back() == '\r' || trimmed.back() == ' ')) trimmed.pop_back();
    if (trimmed.rfind("--", 0) == 0) continue;
    std::size_t n = 0;
    for (std::size_t p = trimmed.find("$$"); p != std::string::npos; p = trimmed.find("$$", p + 2)) ++n;
    if (n % 2) in_dollar = !in_dollar;
    cur += trimmed + "\n";
    if (!in_dollar && !trimmed.empty() && trimmed.back() == ';') {
      cur.erase(cur.find_last_of(';'));
      if (cur.find_first_not_of(" \n\t") != std::string::npos) out.push_back(cur);
      cur.clear();
    }
  }
  if (cur.find_first_not_of(" \n\t") != std::string::npos) out.push_back(cur);
  return out;
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
    s.replace(p, from.size(), to);
}

}  // namespace

std::string expand_placeholders(std::string sql, Dialect d) {
  if (d == Dialect::sqlite) {
    replace_all(sql, "{{ID}}", "INTEGER PRIMARY KEY");
    replace_all(sql, "{{KEY}}", "TEXT");
  } else {
    replace_all(sql, "{{ID}}", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
    replace_all(sql, "{{KEY}}", "TEXT COLLATE \"C\"");
  }
  return sql;
}

int migrate(Database& db, const std::string& dir) {
  std::map<int, fs::path> chosen;  // version → file
  const char* own = db.dialect() == Dialect::sqlite ? ".sqlite.sql" : ".pg.sql";
  const char* other = db.dialect() == Dialect::sqlite ? ".pg.sql" : ".sqlite.sql";
  if (!fs::is_directory(dir))
    throw Error(ErrorKind::internal, "db.migrations", "Không tìm thấy thư mục migrations: " + dir);
  for (auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (name.size() < 5 || !std::isdigit((unsigned char)name[0])) continue;
    auto ends = [&](const char* suf) {
      std::string s(suf);
      return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
    };
    if (!ends(".sql") || ends(other)) continue;
    int v = std::stoi(name.substr(0, name.find('_')));
    if (ends(own) || !chosen.count(v)) chosen[v] = e.path();
  }
  auto s = db.session();
  soci::session& sql = *s;
  if (db.dialect() == Dialect::postgresql) sql << "SELECT pg_advisory_lock(727274)";
  int applied = 0;
  try {
    sql << "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
    for (auto& [v, path] : chosen) {
      int n = 0;
      sql << "SELECT count(*) FROM schema_migrations WHERE version = :v", soci::use(v), soci::into(n);
      if (n) continue;
      std::ifstream f(path);
      std::stringstream ss;
      ss << f.rdbuf();
      soci::transaction tr(sql);
      for (auto& stmt : split_statements(expand_placeholders(ss.str(), db.dialect()))) sql << stmt;
      std::string name = path.filename().string(), at = now_utc();
      sql << "INSERT INTO schema_migrations(version, name, applied_at) VALUES (:v, :n, :a)",
          soci::use(v), soci::use(name), soci::use(at);
      tr.commit();
      spdlog::info("migration applied: {}", name);
      ++applied;
    }
  } catch (...) {
    if (db.dialect() == Dialect::postgresql) sql << "SELECT pg_advisory_unlock(727274)";
    throw;
  }
  if (db.dialect() == Dialect::postgresql) sql << "SELECT pg_advisory_unlock(727274)";
  return applied;
}

WriteTransaction::WriteTransaction(soci::session& sql) : sql_(sql) {
  sql_ << (sql_.get_backend_name() == "sqlite3" ? "BEGIN IMMEDIATE" : "BEGIN");
}

WriteTransaction::~WriteTransaction() {
  if (!open_) return;
  try {
    sql_ << "ROLLBACK";
  } catch (...) {  // the connection is gone: nothing was committed
  }
}

void WriteTransaction::commit() {
  sql_ << "COMMIT";
  open_ = false;
}

}  // namespace dangbo::db
