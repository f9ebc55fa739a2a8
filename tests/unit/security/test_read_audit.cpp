// Audit of reads under concurrency, on both back ends: views and lists from many threads at
// once, through the batching ReadAuditWriter (as the server runs) and without it (each read in
// its own write transaction). Every read leaves exactly one entry, the chain verifies, and a
// reader of the log sees every read made before it.
#include <atomic>
#include <cstdlib>
#include <cstdio>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "fixture.hpp"
#include "registry/service.hpp"

using namespace dangbo;
using namespace dangbo::security;

namespace {

struct ReadAudit : sectest::Tree {
  long long count(const std::string& q) {
    auto s = db->session();
    long long n = -1;
    *s << q, soci::into(n);
    return n;
  }
  // `threads` threads each view a1, a2 and b1 `rounds` times as admin and list cell A once per
  // round; returns the number of reads made.
  int hammer(int threads, int rounds) {
    registry::RegistryService svc(*db);
    const Actor admin = actor("admin");
    std::atomic<int> failures{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t)
      ts.emplace_back([&] {
        for (int r = 0; r < rounds; ++r) try {
            svc.member(admin, a1);
            svc.member(admin, a2);
            svc.member(admin, b1);
            svc.audit_list(admin, "26740.01", {a1, a2});
          } catch (const std::exception& e) {
            ADD_FAILURE() << e.what();
            ++failures;
          }
      });
    for (auto& t : ts) t.join();
    EXPECT_EQ(failures.load(), 0);
    return threads * rounds * 4;
  }
};

TEST_P(ReadAudit, ConcurrentReadsThroughTheBatchingWriterAreAllAuditedInOneChain) {
  const long long before = count("SELECT count(*) FROM audit_log");
  int reads = 0;
  {
    ReadAuditWriter w(*db);
    ReadAuditWriter::install(&w);
    reads = hammer(4, 25);
    // a reader of the log sees every read made before it (the writer is flushed first)
    auto entries = audit_for(*db, "member", std::to_string(b1), 1000);
    EXPECT_EQ(entries.size(), 4u * 25u);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log") - before, reads);
    // reads after the check are committed when the writer goes away
    registry::RegistryService svc(*db);
    svc.member(actor("admin"), a1);
    ++reads;
  }
  EXPECT_EQ(count("SELECT count(*) FROM audit_log") - before, reads);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'view' AND entity_id = '" + std::to_string(a1) + "'"),
            4 * 25 + 1);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'list'"), 4 * 25);
  // seq has no gap and no repeat, and every entry links to the one before
  EXPECT_EQ(count("SELECT count(DISTINCT seq) FROM audit_log"), count("SELECT count(*) FROM audit_log"));
  EXPECT_EQ(count("SELECT max(seq) FROM audit_log"), count("SELECT count(*) FROM audit_log"));
  auto check = audit_check(*db);
  EXPECT_TRUE(check.ok) << check.message;
  // each entry keeps the time of its read, not of its commit: none is later than the last commit
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE at IS NULL OR at = ''"), 0);
}

TEST_P(ReadAudit, ConcurrentReadsWithoutTheWriterEachCommitTheirOwnEntry) {
  // no writer installed (the command-line tools): every read is written at once; concurrent
  // writers on SQLite take the write lock at the start (BEGIN IMMEDIATE), so none fails with
  // "database is locked" while upgrading a read snapshot
  const long long before = count("SELECT count(*) FROM audit_log");
  const int reads = hammer(4, 15);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log") - before, reads);
  auto check = audit_check(*db);
  EXPECT_TRUE(check.ok) << check.message;
}

TEST_P(ReadAudit, ConcurrentEditsOfOneMemberNeverFailWithALockError) {
  // Edits read the record, check its version and write it: with several at once, each either
  // succeeds or gets the Vietnamese conflict error (the version moved), never a lock error.
  registry::RegistryService svc(*db);
  const Actor admin = actor("admin");
  std::atomic<int> ok{0}, conflicts{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&, t] {
      for (int r = 0; r < 10; ++r) try {
          svc.update_member(admin, a1, {{"occupation", "Nghề " + std::to_string(t) + "-" + std::to_string(r)}}, std::nullopt);
          ++ok;
        } catch (const base::Error& e) {
          EXPECT_EQ(e.kind(), base::ErrorKind::conflict) << e.what();
          ++conflicts;
        } catch (const std::exception& e) {
          ADD_FAILURE() << "edit failed: " << e.what();
        }
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(ok + conflicts, 40);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'update' AND entity_id = '" + std::to_string(a1) + "'"),
            ok.load());
  EXPECT_TRUE(audit_check(*db).ok);
}

TEST_P(ReadAudit, ReadsAndEditsTogetherThroughTheWriterNeverDeadlock) {
  // The read-audit writer holds the chain's lock (PostgreSQL: an advisory lock) for a batch
  // while edits hold a member row and want the chain's lock: with a lock of the process taken
  // inside the append as well, the two waited for each other forever. A watchdog ends the test
  // process if the threads do not finish.
  ReadAuditWriter w(*db);
  ReadAuditWriter::install(&w);
  registry::RegistryService svc(*db);
  const Actor admin = actor("admin");
  std::atomic<int> done{0}, updated{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 3; ++t)
    ts.emplace_back([&, t] {
      for (int r = 0; r < 20; ++r) {
        try {
          svc.member(admin, a1);
          svc.audit_list(admin, "26740.01", {a1, a2});
          svc.update_member(admin, t == 0 ? a1 : a2, {{"occupation", "Nghề " + std::to_string(t * 100 + r)}}, std::nullopt);
          ++updated;
        } catch (const base::Error& e) {
          // two edits of one record at once: the later one is told the record moved on
          // (PostgreSQL's read-committed), never a lock error
          EXPECT_EQ(e.kind(), base::ErrorKind::conflict) << e.what();
        } catch (const std::exception& e) {
          ADD_FAILURE() << e.what();
        }
      }
      ++done;
    });
  std::atomic<bool> finished{false};
  std::thread watchdog([&] {
    for (int i = 0; i < 1200 && !finished; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!finished) {
      std::fprintf(stderr, "deadlock: reads and edits did not finish in 120 s\n");
      std::_Exit(3);
    }
  });
  for (auto& t : ts) t.join();
  finished = true;
  watchdog.join();
  EXPECT_EQ(done.load(), 3);
  w.flush();
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'update'"), updated.load());
  EXPECT_GE(updated.load(), 20);  // thread 0 edits a1 alone: all 20 of its edits succeed
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'list'"), 60);
  EXPECT_TRUE(audit_check(*db).ok);
}

INSTANTIATE_TEST_SUITE_P(Backends, ReadAudit, ::testing::ValuesIn(dangbo::testing::backends()), sectest::backend_name);

}  // namespace
