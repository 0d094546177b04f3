#pragma once
// A keyed token-bucket limiter for abuse limits (login and registration attempts). Each key
// (a client address, a username) holds up to `capacity` tokens that refill evenly over
// `window`; an attempt takes one. Thread-safe; memory is bounded by `max_keys`.
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "util/error.h"

namespace artdag::services {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kDefaultMaxKeys = 10000;

  // capacity 0: never limits.
  RateLimiter(int capacity, std::chrono::seconds window, std::size_t max_keys = kDefaultMaxKeys);

  // Takes one token for `key`. When none is left, takes nothing and returns how long until
  // one is (at least 1 s).
  std::optional<std::chrono::seconds> acquire(std::string_view key,
                                              Clock::time_point now = Clock::now());
  // How long until `key` has a token, or nullopt when it has one now; takes nothing.
  std::optional<std::chrono::seconds> check(std::string_view key,
                                            Clock::time_point now = Clock::now()) const;
  // Takes one token for `key` whether or not one is left (down to -capacity, so attempts
  // made while limited push the end of the limit further out: a back-off).
  void consume(std::string_view key, Clock::time_point now = Clock::now());
  // Whether `key` has spent any of its tokens (is tracked and not full).
  bool spent(std::string_view key, Clock::time_point now = Clock::now()) const;
  // Forgets the key (a successful login clears its failures).
  void reset(std::string_view key);
  std::size_t tracked_keys() const;
  bool enabled() const { return capacity_ > 0; }

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  double refilled(const Bucket& bucket, Clock::time_point now) const;
  std::chrono::seconds wait_for_token(double tokens) const;
  // Makes room for one more key: drops full buckets (the same as no entry), then the one
  // with the most tokens (the least limited; a locked key is the last to go).
  void make_room(Clock::time_point now);

  int capacity_;
  double tokens_per_second_;
  std::size_t max_keys_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

// The limiter key of a client address: the address itself for IPv4 (also when IPv4-mapped),
// its /64 for IPv6 (one host usually holds a whole /64). Unparseable text is used as is.
std::string client_key(std::string_view remote_address);

}  // namespace artdag::services
