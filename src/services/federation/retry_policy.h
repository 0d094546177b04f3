#pragma once
// What to do with a delivery after one attempt, and when to try again. Pure: no I/O, no
// clock and no randomness of its own (the caller passes `now` and the jitter draw), so every
// branch is tested exactly (tests/unit/delivery_test.cpp).
//
// Outcomes (docs/protocol.md "Federation delivery"):
//   2xx                                       delivered: the job is removed
//   408, 429, 5xx, no answer (refused, reset,
//   timed out, DNS failure, answer too large) retried with backoff
//   other 4xx, 1xx/3xx (redirects are not
//   followed), a URL that cannot be fetched,
//   a private/loopback inbox the outbound
//   guard refuses                             dropped: kept as 'dead' with the reason
//
// Schedule (Mastodon's, which is Sidekiq's): after the n-th failed attempt (n = 1, 2, ...)
// the next one waits n^4 + 15 s plus a jitter of up to 10·(n+1) s — 16 s, 31 s, 96 s,
// 4.5 min, 11 min, 22 min, 40 min, 68 min, 1.8 h, 2.8 h, 4.1 h, 5.8 h, 7.9 h, 10.7 h, 14.1 h,
// 18.2 h. The 17th attempt (the first try and 16 retries, about 2.8 days after the first) is
// the last: when it fails the job is dropped with "gave up after 17 attempts: <reason>".
// A Retry-After sent with 429 or 503 (delta-seconds or an HTTP-date) is honoured as a lower
// bound on the wait, capped at one day.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/http_client.h"

namespace artdag::services::federation {

enum class Outcome { kDelivered, kRetry, kDrop };

// The reading of one attempt.
struct Verdict {
  Outcome outcome = Outcome::kRetry;
  std::string reason;                  // for last_error and logs; empty when delivered
  std::optional<int64_t> retry_after;  // seconds the peer asked us to wait (429/503 only)
  // What went wrong, from a fixed set (the label of the delivery-failure metric):
  // "http_4xx", "http_5xx", "http_other", "throttled" (429/503), "redirect", "bad_url", "guard",
  // "connect", "timeout", "too_large", "network", "blocked", "signing", "error".
  std::string_view kind;
};

// Seconds from a Retry-After value: delta-seconds, or an HTTP-date taken relative to `now`
// (a date in the past gives 0). nullopt when it is neither.
std::optional<int64_t> parse_retry_after(std::string_view value, int64_t now);

// An HTTP answer. `retry_after` is the Retry-After header ("" when absent); it is read only
// with 429 and 503.
Verdict classify_response(long status, std::string_view retry_after, int64_t now);

// A request that got no HTTP answer (net::HttpClient threw).
Verdict classify_fetch_error(net::FetchError::Kind kind, std::string_view message);

struct RetryPolicy {
  int max_attempts = 17;                     // the first try included
  double scale = 1.0;                        // multiplies the schedule (tests shrink it)
  int64_t max_retry_after = 24 * 3600;       // a longer Retry-After is cut to this
  static constexpr double kJitterStep = 10;  // jitter: up to kJitterStep·(n+1) s

  // Seconds to wait after the `failures`-th failed attempt (failures ≥ 1); `jitter` is a
  // draw in [0, 1). Rounded up to whole seconds (the queue's resolution); 0 when scale is 0.
  int64_t delay_after(int failures, double jitter) const;
};

enum class Action { kComplete, kRetry, kDrop };

struct Decision {
  Action action = Action::kRetry;
  int64_t next_attempt_at = 0;  // kRetry: unix seconds
  std::string error;            // kRetry and kDrop: stored as the job's last_error
};

// Turns a verdict on a job that had failed `previous_failures` times before this attempt
// into what the queue should record.
Decision decide(const Verdict& verdict, int previous_failures, const RetryPolicy& policy,
                int64_t now, double jitter);

}  // namespace artdag::services::federation
