// dangbo::base::BoundedQueue — a blocking queue of at most `cap` items between threads (the
// reader → workers → writer pipelines of `clean` and `import`).
#pragma once
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

namespace dangbo::base {

/// push() waits while the queue is full; pop() waits while it is empty and returns false once
/// it is empty and closed. close() wakes every waiter (a push after close() does not wait).
template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t cap) : cap_(cap) {}
  void push(T v) {
    std::unique_lock lk(m_);
    not_full_.wait(lk, [&] { return q_.size() < cap_ || closed_; });
    q_.push_back(std::move(v));
    not_empty_.notify_one();
  }
  bool pop(T& v) {
    std::unique_lock lk(m_);
    not_empty_.wait(lk, [&] { return !q_.empty() || closed_; });
    if (q_.empty()) return false;
    v = std::move(q_.front());
    q_.pop_front();
    not_full_.notify_one();
    return true;
  }
  void close() {
    std::lock_guard lk(m_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

 private:
  std::mutex m_;
  std::condition_variable not_full_, not_empty_;
  std::deque<T> q_;
  std::size_t cap_;
  bool closed_ = false;
};

}  // namespace dangbo::base
