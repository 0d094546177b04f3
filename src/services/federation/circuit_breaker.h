#pragma once
// A per-host circuit breaker for deliveries (Fedify's defaults): after `failures_to_open`
// failures within `window_seconds`, the host's jobs wait `open_seconds` instead of being
// tried; then one job is let through as a probe. Its success closes the breaker; its failure
// opens it again for another `open_seconds`. Pure and per process: every process learns on
// its own, from its own attempts.
//
// What counts: an answer or error that says the host is unwell is a failure (5xx, 429/503,
// connect, timeout, network); a 2xx is a success and forgets the failures; a permanent 4xx
// (and anything that is our own doing: a bad URL, the outbound guard, a signing key) is
// neither: it does not open the breaker, and it is not a success that would reset the
// count. A probe answered with one closes the breaker, since the host does answer.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace artdag::services::federation {

struct CircuitBreakerPolicy {
  int failures_to_open = 5;
  int64_t window_seconds = 600;
  int64_t open_seconds = 1800;
};

class CircuitBreaker {
 public:
  enum class Result { kSuccess, kFailure, kNeutral };

  static constexpr std::size_t kMaxHosts = 10000;  // hosts remembered with failures

  explicit CircuitBreaker(CircuitBreakerPolicy policy = {});

  // nullopt: a job for `host` may be sent now (the breaker is closed, or this is the probe of
  // an open one: exactly one caller gets it until its result is recorded). Else: the unix time
  // until which the host's jobs wait.
  std::optional<int64_t> wait_until(const std::string& host, int64_t now);
  void record(const std::string& host, Result result, int64_t now);
  // Hosts whose breaker is open now (probing or not).
  std::size_t open_hosts() const;

  // How a delivery verdict's kind (Verdict::kind) counts.
  static Result result_of(bool delivered, std::string_view failure_kind);

 private:
  struct Host {
    std::deque<int64_t> failures;  // times of the failures within the window, oldest first
    int64_t open_until = 0;        // 0: closed
    int64_t probe_since = 0;       // 0: no probe out; else when it was let through
  };

  void forget_closed(int64_t now);

  CircuitBreakerPolicy policy_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Host> hosts_;
};

}  // namespace artdag::services::federation
