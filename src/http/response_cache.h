#pragma once
// Answers repeated public GETs from memory, so the network loop can serve them without the
// hand-off to the worker pool (docs/decisions.md "Response cache").
//
// Only routes registered with Router::add_public are stored: their answer depends on the
// request target and the (normalised) Accept header alone, the same for every client. Every
// request that may write (any method but GET/HEAD) and was not refused (4xx) invalidates all
// entries after it ran and before its answer is sent, so one process never serves an
// answer older than its own last acknowledged write. Writes made by other
// processes on the same database (scale-out on PostgreSQL) are seen once an entry's time to
// live is over.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "http/message.h"

namespace artdag::http {

class ResponseCache {
 public:
  using Clock = std::chrono::steady_clock;

  // A zero ttl switches the cache off. Past byte_budget (bodies and keys) it starts over.
  ResponseCache(std::chrono::milliseconds ttl, std::size_t byte_budget);

  bool enabled() const { return ttl_.count() > 0; }
  static std::string key(std::string_view target, std::string_view accept);

  // The generation to pass to store(): read it before the handler runs.
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  // A fresh answer for `key`, or null.
  std::shared_ptr<const Response> find(const std::string& key, Clock::time_point now) const;
  // Keeps `response` when it is a public 200 and nothing was written since `generation`.
  void store(std::string key, const Response& response, std::uint64_t generation,
             Clock::time_point now);
  // Forgets every entry (a write may have changed any of them).
  void invalidate();

  std::size_t size() const;

 private:
  struct Entry {
    std::shared_ptr<const Response> response;
    Clock::time_point expires;
  };
  const std::chrono::milliseconds ttl_;
  const std::size_t byte_budget_;
  std::atomic<std::uint64_t> generation_{0};
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::size_t bytes_ = 0;
};

}  // namespace artdag::http
