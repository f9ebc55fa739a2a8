// dangbo::quality — import jobs in the server: one background thread runs queued imports one at
// a time (the standardizer uses the other core), keeps each job's latest progress for the
// server-sent events of its page, and stops between batches when the server shuts down (the
// job is then "interrupted" and can be resumed). While another process (a second server, the
// command line) runs an import, a job waits in the queue and is tried again every few seconds. The web tier keeps no other state: a job's
// file, mapping and counters live in the database, so any server process can show or resume it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "quality/import.hpp"

namespace dangbo::quality {

class ImportJobs {
 public:
  /// `data_dir` holds the reference data (loaded on first use, with the standardizer).
  ImportJobs(db::Database& db, std::string data_dir);
  /// Stops after the current batch and joins the thread.
  ~ImportJobs();

  /// The importer (built on first use; thread-safe).
  Importer& importer();

  /// Queues a job (already confirmed: status queued / interrupted / failed) to run as `actor`.
  void submit(int64_t job_id, std::optional<security::Actor> actor);

  /// The latest progress of a job this process runs or ran, once it is newer than *version
  /// (waits up to `wait`); *version is updated. nullopt when this process has nothing newer.
  std::optional<ImportProgress> wait_progress(int64_t job_id, uint64_t* version, std::chrono::milliseconds wait);

  /// True when this process has the job queued or running.
  bool active(int64_t job_id);

 private:
  void loop();
  void publish(const ImportProgress& p, bool final);
  /// Logs and publishes the end of a job that threw.
  void fail(int64_t id, const std::exception& e);
  /// How long a job waits before it tries again while another process imports.
  static constexpr std::chrono::seconds kBusyRetry{3};

  db::Database& db_;
  std::string data_dir_;
  std::mutex init_mu_;
  std::unique_ptr<registry::RefData> rd_;
  std::unique_ptr<Importer> importer_;

  std::mutex mu_;
  std::condition_variable cv_;        // new work, or stop
  std::condition_variable progress_cv_;
  std::deque<std::pair<int64_t, std::optional<security::Actor>>> queue_;
  struct State {
    ImportProgress p;
    uint64_t version = 0;
    bool final = false;
  };
  std::map<int64_t, State> states_;
  int64_t running_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace dangbo::quality
