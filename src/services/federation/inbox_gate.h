#pragma once
// What an inbox POST may cost before its signature is known to be good.
//
// A POST whose signer is cached costs one RSA check and nothing else. One whose signer is not
// cached (or whose cached key failed: rotation) needs a remote fetch of a URL the sender
// chose, so before any fetch it must pass, in this order:
//   1. the failure memory: a host that did not answer usably, or an actor that is gone, is
//      not asked again for `failure_seconds` (Fedify's circuit breaker, per host) → 401;
//   2. a free slot: at most `in_flight_per_host` fetches to one host and `threads` in all
//      → 429 (Retry-After: the fetch deadline) rather than a queue;
//   3. the budgets: `fetches_per_address` per client key (IPv6: its /64) and
//      `fetches_per_host` per claimed actor host, per `window` → 429 with Retry-After.
// The fetch then runs on this gate's own threads, never on a request worker's stack, with
// one total deadline (DNS, connect, redirects, the id refetch); the request worker waits for
// it at most that long. So a flood of forged POSTs holds at most `threads` request workers
// for at most `deadline` each, and a host that never answers sees at most
// `in_flight_per_host` connections per `failure_seconds`.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "services/rate_limiter.h"
#include "store/federation_rows.h"

namespace artdag::services::federation {

struct InboxGateOptions {
  int fetches_per_address = 60;
  int fetches_per_host = 30;
  std::chrono::seconds window{300};
  int in_flight_per_host = 2;
  unsigned threads = 4;
  std::chrono::milliseconds deadline{3000};
  int64_t failure_seconds = 300;
  std::size_t max_remembered = 10000;  // failure memory bound
};

class InboxGate {
 public:
  explicit InboxGate(InboxGateOptions options = {});
  ~InboxGate();
  InboxGate(const InboxGate&) = delete;
  InboxGate& operator=(const InboxGate&) = delete;

  const InboxGateOptions& options() const { return options_; }

  // Seconds until `key` ("host ..." / "actor ...") may be fetched again, if it failed
  // within failure_seconds of `now` (unix seconds).
  std::optional<int64_t> failed_recently(const std::string& key, int64_t now);
  void remember_failure(const std::string& key, int64_t now);

  // Thrown by run() when one of its failure keys failed recently.
  struct RecentlyFailed {
    int64_t seconds_left;
  };

  // Admits one fetch for `client` towards `host` (steps 1-3 above: RecentlyFailed when a
  // `failure_keys` entry failed within failure_seconds of `now`, checked under the same lock
  // as the slots; ApiError 429), runs `fetch` on the gate's threads and returns its result
  // or rethrows what it threw. `fetch` records its own failures (remember_failure) before
  // its slot is freed, so no later request slips past the memory. When it has not ended
  // within the deadline (plus a margin) throws `on_timeout()`.
  store::RemoteActor run(std::string_view client, const std::string& host,
                         const std::vector<std::string>& failure_keys, int64_t now,
                         std::function<store::RemoteActor()> fetch,
                         const std::function<std::exception_ptr()>& on_timeout);

  // For tests: fetches running or waiting now.
  unsigned busy() const;

 private:
  void work();
  std::optional<int64_t> failed_recently_locked(const std::string& key, int64_t now);

  InboxGateOptions options_;
  RateLimiter per_address_;
  RateLimiter per_host_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  unsigned busy_ = 0;
  std::unordered_map<std::string, int> in_flight_;  // by host
  std::deque<std::function<void()>> queue_;
  std::unordered_map<std::string, int64_t> failures_;  // key → when it failed
  std::vector<std::thread> threads_;
};

}  // namespace artdag::services::federation
