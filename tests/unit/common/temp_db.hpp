// A fresh, migrated database for one test, on either back end:
//   "sqlite"      a file in a temporary directory
//   "postgresql"  a new database in the cluster named by DANGBO_TEST_PG_URL (tests skip when it is
//                 unset; `make test` starts a throwaway cluster and sets it)
// Dropped when the object goes away.
#pragma once
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include <soci/postgresql/soci-postgresql.h>

#include "db/database.hpp"

namespace dangbo::testing {

/// The back ends every store test runs on.
inline std::vector<std::string> backends() { return {"sqlite", "postgresql"}; }

/// Replaces the database name in a libpq URI "postgresql://user@host/NAME?params".
inline std::string with_dbname(const std::string& url, const std::string& name) {
  auto scheme = url.find("://");
  auto slash = url.find('/', scheme + 3);
  auto q = url.find('?', slash);
  return url.substr(0, slash + 1) + name + (q == std::string::npos ? "" : url.substr(q));
}

class TempDatabase {
 public:
  /// Returns nullptr (and the caller should GTEST_SKIP) when the back end is not available.
  static std::unique_ptr<TempDatabase> make(const std::string& backend, std::size_t pool = 2) {
    auto t = std::unique_ptr<TempDatabase>(new TempDatabase);
    static std::atomic<int> counter{0};
    std::string tag = std::to_string(::getpid()) + "_" + std::to_string(counter++);
    if (backend == "sqlite") {
      t->dir_ = std::filesystem::temp_directory_path() / ("dangbo-test-" + tag);
      std::filesystem::remove_all(t->dir_);
      t->url_ = "sqlite:" + (t->dir_ / "t.db").string();
    } else {
      const char* admin = std::getenv("DANGBO_TEST_PG_URL");
      if (!admin || !*admin) return nullptr;
      t->admin_ = admin;
      t->name_ = "dangbo_test_" + tag;
      soci::session s(soci::postgresql, t->admin_);
      s << "SET client_min_messages = warning";
      s << "DROP DATABASE IF EXISTS " + t->name_;
      s << "CREATE DATABASE " + t->name_;
      t->url_ = with_dbname(t->admin_, t->name_);
    }
    t->db_ = std::make_unique<db::Database>(db::DbUrl::parse(t->url_), pool);
    db::migrate(*t->db_, std::string(DANGBO_SOURCE_DIR) + "/migrations");
    return t;
  }
  ~TempDatabase() {
    db_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!name_.empty()) {
      try {
        soci::session s(soci::postgresql, admin_);
        s << "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)";
      } catch (...) {
      }
    }
  }
  db::Database& db() { return *db_; }
  const std::string& url() const { return url_; }
  /// The PostgreSQL database's name ("" on SQLite).
  const std::string& name() const { return name_; }
  /// PostgreSQL only: `refuse` ends every connection to this database and refuses new ones, as
  /// a server that is down or out of reach does (the cluster stays up for the other tests);
  /// `!refuse` lets connections in again.
  void refuse_connections(bool refuse) {
    soci::session admin(soci::postgresql, admin_);
    admin << ("ALTER DATABASE " + name_ + " ALLOW_CONNECTIONS " + (refuse ? "false" : "true"));
    if (!refuse) return;
    std::string db = name_;
    admin << "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = :d", soci::use(db);
    for (int i = 0; i < 200; ++i) {
      int alive = 1;
      admin << "SELECT count(*) FROM pg_stat_activity WHERE datname = :d", soci::use(db), soci::into(alive);
      if (!alive) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    // (a backend leaves pg_stat_activity before its process has closed the socket)
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }

 private:
  TempDatabase() = default;
  std::filesystem::path dir_;
  std::string admin_, name_, url_;
  std::unique_ptr<db::Database> db_;
};

}  // namespace dangbo::testing
