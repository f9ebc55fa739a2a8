// Database access: a SOCI connection pool over SQLite (WAL) or PostgreSQL, chosen by URL,
// and the migrations runner. User data reaches SQL only as bound parameters.
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include <exception>

namespace soci {
class session;
class connection_pool;
}  // namespace soci

namespace dangbo::db {

enum class Dialect { sqlite, postgresql };

/// The --db option's help line (every sub-command that opens the database).
inline constexpr const char* kUrlHelp =
    "cơ sở dữ liệu: sqlite:ĐƯỜNG_DẪN hoặc postgresql://… (mặc định: biến DANGBO_DB, không có thì sqlite:var/dangbo.db)";

/// A parsed database URL: "sqlite:PATH" (PATH relative to the working directory) or
/// "postgresql://user:pass@host:port/dbname?…" (libpq URI). Throws base::Error on anything else.
struct DbUrl {
  Dialect dialect = Dialect::sqlite;
  std::string sqlite_path;      // for sqlite
  std::string connect_string;   // what SOCI receives
  static DbUrl parse(std::string_view url);
};

class Database;

/// A session borrowed from the pool; returned on destruction.
class Session {
 public:
  Session(Database& db, std::size_t pos);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  soci::session& operator*() { return *sql_; }
  soci::session* operator->() { return sql_; }
  soci::session& sql() { return *sql_; }
  Dialect dialect() const;

 private:
  Database& db_;
  std::size_t pos_;
  soci::session* sql_;
};

/// The pool. Thread-safe; sessions are leased with session(), which throws
/// base::Error(unavailable) when a dropped PostgreSQL connection cannot be opened again.
class Database {
 public:
  /// Opens `pool_size` connections. For SQLite: creates parent directories, sets WAL,
  /// synchronous=NORMAL, foreign_keys=ON, busy_timeout=10 s on each connection.
  Database(const DbUrl& url, std::size_t pool_size);
  ~Database();
  Session session();
  Dialect dialect() const { return url_.dialect; }
  const DbUrl& url() const { return url_; }
  std::size_t pool_size() const { return pool_size_; }

 private:
  friend class Session;
  DbUrl url_;
  std::size_t pool_size_;
  std::unique_ptr<soci::connection_pool> pool_;
};

/// What a user is told when the database cannot be reached (pages, problem+json, the CLI).
inline constexpr const char* kUnavailableTitle = "Cơ sở dữ liệu tạm thời không truy cập được";
inline constexpr const char* kUnavailableDetail =
    "Máy chủ không kết nối được tới cơ sở dữ liệu (đang khởi động lại, bảo trì hoặc mất kết nối mạng). "
    "Dữ liệu không bị thay đổi; xin thử lại sau ít phút.";

/// True when `e` says the database cannot be reached at this moment, not that the request or
/// the statement was wrong: base::Error of kind unavailable; PostgreSQL refusing, dropping or
/// shutting down the connection (a failed connect, SQLSTATE class 08, 57P01–57P03, 53300 too
/// many connections, libpq's "server closed the connection" and the like); SQLite busy or
/// locked beyond busy_timeout, or its file not openable. Other errors (constraints, syntax,
/// conversions) are false. Used by the web tier to answer 503 instead of 500.
bool is_unavailable(const std::exception& e);

/// Applies migrations/NNNN_name.sql in order (a dialect-specific file NNNN_name.sqlite.sql or
/// NNNN_name.pg.sql replaces the portable one for that dialect). Statements are separated by
/// lines that contain only ";" or by ";" at line end. Records applied versions in
/// schema_migrations; each migration is one transaction. On PostgreSQL it holds an advisory
/// lock so that two processes never migrate at once. Returns the number applied.
int migrate(Database& db, const std::string& migrations_dir);

/// Substitutes the migration placeholders: {{ID}} (64-bit auto-increment primary key) and
/// {{KEY}} (text compared byte-wise: SQLite's default, PostgreSQL COLLATE "C").
std::string expand_placeholders(std::string sql, Dialect d);

/// Current time as ISO-8601 UTC with milliseconds ("2026-11-29T14:31:17.123Z").
std::string now_utc();

/// A write transaction on a leased session. SQLite: "BEGIN IMMEDIATE", so the write lock is
/// taken at the start (waiting up to busy_timeout) and the transaction never fails later while
/// upgrading a read snapshot that another writer has moved past ("database is locked" at once
/// under concurrent edits); PostgreSQL: "BEGIN". Rolled back unless commit() was called.
class WriteTransaction {
 public:
  explicit WriteTransaction(soci::session& sql);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  void commit();

 private:
  soci::session& sql_;
  bool open_ = true;
};

}  // namespace dangbo::db
