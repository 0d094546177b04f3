#include "services/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "util/net.h"

namespace artdag::services {

RateLimiter::RateLimiter(int capacity, std::chrono::seconds window, std::size_t max_keys)
    : capacity_(std::max(capacity, 0)),
      tokens_per_second_(static_cast<double>(capacity_) /
                         static_cast<double>(std::max<long long>(window.count(), 1))),
      max_keys_(std::max<std::size_t>(max_keys, 1)) {}

double RateLimiter::refilled(const Bucket& bucket, Clock::time_point now) const {
  double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
  return std::min<double>(capacity_, bucket.tokens + std::max(elapsed, 0.0) * tokens_per_second_);
}

void RateLimiter::make_room(Clock::time_point now) {
  std::erase_if(buckets_,
                [&](const auto& entry) { return refilled(entry.second, now) >= capacity_; });
  if (buckets_.size() < max_keys_) return;
  // The least limited goes (ties: the least recently used), never a locked key while an
  // unlocked one is tracked: flooding new keys must not evict a lock-out.
  auto victim =
      std::max_element(buckets_.begin(), buckets_.end(), [&](const auto& a, const auto& b) {
        const double ta = refilled(a.second, now), tb = refilled(b.second, now);
        if (ta != tb) return ta < tb;
        return a.second.updated > b.second.updated;
      });
  buckets_.erase(victim);
}

std::chrono::seconds RateLimiter::wait_for_token(double tokens) const {
  auto wait = static_cast<long long>(std::ceil((1.0 - tokens) / tokens_per_second_));
  return std::chrono::seconds(std::max<long long>(wait, 1));
}

std::optional<std::chrono::seconds> RateLimiter::check(std::string_view key,
                                                       Clock::time_point now) const {
  if (!enabled()) return std::nullopt;
  std::lock_guard lock(mu_);
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) return std::nullopt;
  const double tokens = refilled(it->second, now);
  if (tokens >= 1.0) return std::nullopt;
  return wait_for_token(tokens);
}

void RateLimiter::consume(std::string_view key, Clock::time_point now) {
  if (!enabled()) return;
  std::lock_guard lock(mu_);
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) make_room(now);
    buckets_.emplace(std::string(key), Bucket{capacity_ - 1.0, now});
    return;
  }
  it->second = {std::max(refilled(it->second, now) - 1.0, -static_cast<double>(capacity_)), now};
}

bool RateLimiter::spent(std::string_view key, Clock::time_point now) const {
  if (!enabled()) return false;
  std::lock_guard lock(mu_);
  auto it = buckets_.find(std::string(key));
  return it != buckets_.end() && refilled(it->second, now) < capacity_;
}

std::optional<std::chrono::seconds> RateLimiter::acquire(std::string_view key,
                                                         Clock::time_point now) {
  if (!enabled()) return std::nullopt;
  std::lock_guard lock(mu_);
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) make_room(now);
    buckets_.emplace(std::string(key), Bucket{capacity_ - 1.0, now});
    return std::nullopt;
  }
  double tokens = refilled(it->second, now);
  if (tokens < 1.0) return wait_for_token(tokens);
  it->second = {tokens - 1.0, now};
  return std::nullopt;
}

void RateLimiter::reset(std::string_view key) {
  std::lock_guard lock(mu_);
  buckets_.erase(std::string(key));
}

std::size_t RateLimiter::tracked_keys() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

std::string client_key(std::string_view remote_address) {
  auto ip = parse_ip(remote_address);
  if (!ip) return std::string(remote_address);
  const auto& b = ip->bytes;
  bool v4_mapped = ip->v6 &&
                   std::all_of(b.begin(), b.begin() + 10, [](uint8_t x) { return x == 0; }) &&
                   b[10] == 0xff && b[11] == 0xff;
  char out[48];
  if (!ip->v6 || v4_mapped) {
    int o = v4_mapped ? 12 : 0;
    std::snprintf(out, sizeof out, "%u.%u.%u.%u", b[o], b[o + 1], b[o + 2], b[o + 3]);
  } else {
    std::snprintf(out, sizeof out, "%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", b[0], b[1], b[2],
                  b[3], b[4], b[5], b[6], b[7]);
  }
  return out;
}

}  // namespace artdag::services
