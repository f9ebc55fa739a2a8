// The connection pool on PostgreSQL: a connection the server dropped is opened again before it
// is lent, so a restart of PostgreSQL costs only the requests running at that moment; and when
// it cannot be opened, the failure says "unavailable" (the web tier answers 503, not 500).
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <chrono>
#include <string>
#include <thread>

#include "base/error.hpp"
#include "common/temp_db.hpp"

using namespace dangbo;

namespace {

long long backend_pid(db::Session& s) {
  long long pid = 0;
  *s << "SELECT pg_backend_pid()", soci::into(pid);
  return pid;
}

TEST(Pool, ADroppedPostgreSqlConnectionIsReopenedBeforeItIsLent) {
  auto tmp = dangbo::testing::TempDatabase::make("postgresql", 1);  // one connection: every lease is the same slot
  if (!tmp) GTEST_SKIP() << "no PostgreSQL cluster (DANGBO_TEST_PG_URL unset)";
  long long first = 0;
  {
    auto s = tmp->db().session();
    first = backend_pid(s);
  }
  // The server ends that backend (as a restart or an administrator would), from outside the pool.
  {
    soci::session admin(soci::postgresql, tmp->url());
    long long gone = first;
    int ok = 0;
    admin << "SELECT CASE WHEN pg_terminate_backend(:p) THEN 1 ELSE 0 END", soci::use(gone), soci::into(ok);
    ASSERT_EQ(ok, 1);
    for (int i = 0; i < 200; ++i) {  // until the backend has exited and closed its socket
      int alive = 1;
      admin << "SELECT count(*) FROM pg_stat_activity WHERE pid = :p", soci::use(gone), soci::into(alive);
      if (!alive) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    // (The backend leaves pg_stat_activity before its process has closed the socket.)
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  // The next request gets a fresh connection with the app's settings: none fails.
  auto s = tmp->db().session();
  long long second = 0;
  EXPECT_NO_THROW(second = backend_pid(s));
  EXPECT_NE(second, first);
  std::string parallel, jit;
  *s << "SHOW max_parallel_workers_per_gather", soci::into(parallel);
  *s << "SHOW jit", soci::into(jit);
  EXPECT_EQ(parallel, "0");
  EXPECT_EQ(jit, "off");
}

TEST(Pool, AnUnreachablePostgreSqlIsUnavailableNotAnInternalError) {
  auto tmp = dangbo::testing::TempDatabase::make("postgresql", 1);
  if (!tmp) GTEST_SKIP() << "no PostgreSQL cluster (DANGBO_TEST_PG_URL unset)";
  tmp->refuse_connections(true);
  try {
    auto s = tmp->db().session();
    int one = 0;
    *s << "SELECT 1", soci::into(one);
    ADD_FAILURE() << "a query went through to a database that refuses connections";
  } catch (const base::Error& e) {
    EXPECT_EQ(e.kind(), base::ErrorKind::unavailable) << e.what();
    EXPECT_EQ(e.code(), "db.unavailable");
    EXPECT_TRUE(db::is_unavailable(e));
    EXPECT_NE(std::string(e.what()).find("Máy chủ không kết nối được tới cơ sở dữ liệu"), std::string::npos) << e.what();
  }
  // The connection the pool holds is given back: once the database accepts connections again,
  // the next lease works.
  tmp->refuse_connections(false);
  auto s = tmp->db().session();
  int one = 0;
  EXPECT_NO_THROW((*s << "SELECT 1", soci::into(one)));
  EXPECT_EQ(one, 1);
  // A failed connect as libpq reports it through SOCI (no SQLSTATE) and a connection dropped in
  // the middle of a statement (class 08) are unavailable too; a broken constraint is not.
  EXPECT_TRUE(db::is_unavailable(soci::soci_error(
      "Cannot establish connection to the database.\nconnection to server on socket \"/tmp/x/.s.PGSQL.5\" failed: No such file or directory")));
  EXPECT_TRUE(db::is_unavailable(soci::postgresql_soci_error("server closed the connection unexpectedly", "08006")));
  EXPECT_TRUE(db::is_unavailable(soci::postgresql_soci_error("terminating connection due to administrator command", "57P01")));
  EXPECT_FALSE(db::is_unavailable(soci::postgresql_soci_error("duplicate key value violates unique constraint", "23505")));
}

// SQLite: a write lock held past busy_timeout, or a file that cannot be opened, is "unavailable";
// a broken constraint, a syntax error or an application error is not.
TEST(Pool, SqliteBusyIsUnavailableAConstraintIsNot) {
  auto tmp = dangbo::testing::TempDatabase::make("sqlite", 1);
  ASSERT_TRUE(tmp);
  const std::string path = tmp->url().substr(std::string("sqlite:").size());
  auto s = tmp->db().session();
  *s << "BEGIN IMMEDIATE";  // the pool's connection holds the write lock
  soci::session other(soci::sqlite3, "db=" + path);
  other << "PRAGMA busy_timeout = 0";  // (the app waits 10 s; this one gives up at once)
  bool thrown = false;
  try {
    other << "INSERT INTO schema_migrations(version, name, applied_at) VALUES (9999, 'x', 'y')";
  } catch (const std::exception& e) {
    thrown = true;
    EXPECT_TRUE(db::is_unavailable(e)) << e.what();
  }
  EXPECT_TRUE(thrown) << "the insert should have met the lock";
  *s << "ROLLBACK";
  try {
    other << "INSERT INTO schema_migrations(version, name, applied_at) VALUES (1, 'again', 'y')";
    ADD_FAILURE() << "version 1 is already there";
  } catch (const std::exception& e) {
    EXPECT_FALSE(db::is_unavailable(e)) << e.what();
  }
  try {
    other << "SELEC nothing";
    ADD_FAILURE() << "not SQL";
  } catch (const std::exception& e) {
    EXPECT_FALSE(db::is_unavailable(e)) << e.what();
  }
  EXPECT_TRUE(db::is_unavailable(base::Error(base::ErrorKind::unavailable, "db.unavailable", "x")));
  EXPECT_FALSE(db::is_unavailable(base::Error(base::ErrorKind::internal, "x", "y")));
  EXPECT_FALSE(db::is_unavailable(std::runtime_error("Không đọc được tệp")));
}

}  // namespace
