// The connection pool on PostgreSQL: a connection the server dropped is opened again before it
// is lent, so a restart of PostgreSQL costs only the requests running at that moment.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <chrono>
#include <string>
#include <thread>

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

}  // namespace
