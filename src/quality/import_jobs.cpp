#include "quality/import_jobs.hpp"

#include <spdlog/spdlog.h>

#include "base/error.hpp"
#include "base/rules.hpp"
#include "registry/refdata.hpp"

namespace dangbo::quality {

ImportJobs::ImportJobs(db::Database& db, std::string data_dir) : db_(db), data_dir_(std::move(data_dir)) {}

ImportJobs::~ImportJobs() {
  stop_ = true;
  cv_.notify_all();
  progress_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Importer& ImportJobs::importer() {
  std::lock_guard l(init_mu_);
  if (!importer_) {
    rd_ = std::make_unique<registry::RefData>(registry::RefData::load(data_dir_));
    importer_ = std::make_unique<Importer>(db_, *rd_, base::RuleSet::global());
  }
  return *importer_;
}

void ImportJobs::submit(int64_t job_id, std::optional<security::Actor> actor) {
  std::lock_guard l(mu_);
  if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
  for (auto& q : queue_)
    if (q.first == job_id) return;
  if (running_ == job_id) return;
  queue_.emplace_back(job_id, std::move(actor));
  auto& st = states_[job_id];
  st.final = false;
  st.p.import_id = job_id;
  st.p.status = "queued";
  ++st.version;
  cv_.notify_all();
  progress_cv_.notify_all();
}

bool ImportJobs::active(int64_t job_id) {
  std::lock_guard l(mu_);
  if (running_ == job_id) return true;
  for (auto& q : queue_)
    if (q.first == job_id) return true;
  return false;
}

void ImportJobs::publish(const ImportProgress& p, bool final) {
  std::lock_guard l(mu_);
  auto& st = states_[p.import_id];
  st.p = p;
  st.final = final;
  ++st.version;
  progress_cv_.notify_all();
}

std::optional<ImportProgress> ImportJobs::wait_progress(int64_t job_id, uint64_t* version, std::chrono::milliseconds wait) {
  std::unique_lock l(mu_);
  auto newer = [&] {
    auto it = states_.find(job_id);
    return stop_ || (it != states_.end() && it->second.version > *version);
  };
  progress_cv_.wait_for(l, wait, newer);
  auto it = states_.find(job_id);
  if (it == states_.end() || it->second.version <= *version) return std::nullopt;
  *version = it->second.version;
  return it->second.p;
}

void ImportJobs::loop() {
  for (;;) {
    std::pair<int64_t, std::optional<security::Actor>> item;
    {
      std::unique_lock l(mu_);
      cv_.wait(l, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      item = std::move(queue_.front());
      queue_.pop_front();
      running_ = item.first;
    }
    const int64_t id = item.first;
    try {
      Importer& im = importer();
      auto r = im.run(id, item.second ? &*item.second : nullptr,
                      [&](const ImportProgress& p) { publish(p, false); }, &stop_);
      ImportProgress p;
      p.import_id = id;
      p.status = r.job.status;
      p.rows_total = r.job.rows_total;
      p.rows_read = r.job.rows_read;
      p.created = r.job.rows_created;
      p.updated = r.job.rows_updated;
      p.unchanged = r.job.rows_unchanged;
      p.rejected = r.job.rows_rejected;
      p.batches = r.job.batches_done;
      p.message = r.job.message;
      publish(p, true);
      spdlog::info("import {}: {} ({})", id, r.job.status, r.job.message);
    } catch (const base::Error& e) {
      if (e.code() != "import.busy") {
        fail(id, e);
      } else {
        // Another process is importing: this job stays queued and is tried again shortly
        // (nothing of it was written); its page says what it waits for.
        ImportProgress p;
        p.import_id = id;
        p.status = "queued";
        p.message = e.what();
        publish(p, false);
        std::unique_lock l(mu_);
        running_ = 0;
        queue_.emplace_front(std::move(item));
        cv_.wait_for(l, kBusyRetry, [&] { return stop_.load(); });
        continue;
      }
    } catch (const std::exception& e) {
      fail(id, e);
    }
    std::lock_guard l(mu_);
    running_ = 0;
  }
}

void ImportJobs::fail(int64_t id, const std::exception& e) {
  spdlog::error("import {} failed: {}", id, e.what());
  ImportProgress p;
  p.import_id = id;
  p.status = "failed";
  p.message = e.what();
  if (auto j = load_job(db_, id)) {
    p.status = j->status == "running" ? "failed" : j->status;
    p.rows_total = j->rows_total;
    p.rows_read = j->rows_read;
  }
  publish(p, true);
}

}  // namespace dangbo::quality
