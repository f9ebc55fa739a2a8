// Token-bucket rate limiting per key (a client address), in memory, thread-safe.
// Each `dangbo serve` process keeps its own buckets: behind a load balancer with N processes a
// client gets at most N times the rate, which is still a bound.
#pragma once
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace dangbo::security {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  /// `capacity` tokens at most (the burst), refilled at `per_second` tokens a second.
  /// capacity <= 0 disables the limiter (every take() succeeds).
  RateLimiter(double capacity, double per_second, std::size_t max_keys = 100000);

  /// Takes one token for `key`. Returns 0 when allowed; otherwise the whole seconds (>= 1) until
  /// a token is available (the value of a Retry-After header).
  int take(const std::string& key, Clock::time_point now = Clock::now());
  bool enabled() const { return capacity_ > 0; }
  double capacity() const { return capacity_; }
  double per_second() const { return rate_; }

 private:
  struct Bucket {
    double tokens;
    Clock::time_point at;
  };
  void prune(Clock::time_point now);
  double capacity_, rate_;
  std::size_t max_keys_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace dangbo::security
