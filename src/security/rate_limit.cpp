#include "security/rate_limit.hpp"

#include <algorithm>
#include <cmath>

namespace dangbo::security {

RateLimiter::RateLimiter(double capacity, double per_second, std::size_t max_keys)
    : capacity_(capacity), rate_(per_second > 0 ? per_second : 1e-9), max_keys_(std::max<std::size_t>(max_keys, 16)) {}

int RateLimiter::take(const std::string& key, Clock::time_point now) {
  if (capacity_ <= 0) return 0;
  std::lock_guard lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) prune(now);
    it = buckets_.emplace(key, Bucket{capacity_, now}).first;
  }
  Bucket& b = it->second;
  double elapsed = std::chrono::duration<double>(now - b.at).count();
  if (elapsed > 0) {
    b.tokens = std::min(capacity_, b.tokens + elapsed * rate_);
    b.at = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  return std::max(1, int(std::ceil((1.0 - b.tokens) / rate_)));
}

// Drops the buckets that are full again (they behave like new ones); if that frees nothing,
// drops everything (a flood of distinct addresses must not grow memory without bound).
void RateLimiter::prune(Clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    double elapsed = std::chrono::duration<double>(now - it->second.at).count();
    if (it->second.tokens + elapsed * rate_ >= capacity_) it = buckets_.erase(it);
    else ++it;
  }
  if (buckets_.size() >= max_keys_) buckets_.clear();
}

}  // namespace dangbo::security
