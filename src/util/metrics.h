#pragma once
// The process's metrics, exposed at GET /metrics in the Prometheus text format through
// prometheus-cpp. Callers say what happened; this file owns every metric's name, help text
// and labels, so the exposition stays one consistent, promtool-clean set. Label values come
// from small fixed sets in the code (route templates, reason codes, outcome names), never
// from request data, so no client can grow the set of series.
//
// Counters and histograms are per process (each `serve` process is its own scrape target);
// the gauges read from the database at scrape time (ScrapeGauges) describe the whole
// deployment and are the same from every process.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace artdag::metrics {

// One answered HTTP request: its route template ("/users/{username}", "none" when no route
// matched), method, status and the time from its last byte in to its answer written.
void request_served(std::string_view route, std::string_view method, int status, double seconds);
// A claim (the Create of a new asset) recorded in the log.
void claim_registered();
// One delivery attempt's outcome: "delivered", "retry" (to be tried again), "dead" (given
// up after its retries), "dropped" (refused for good: a 4xx, a blocked domain); and for
// all but "delivered", the failure's kind (Verdict::kind in retry_policy.h).
void delivery_attempted(std::string_view outcome, std::string_view failure_kind);
// Hosts whose delivery circuit breaker is open in this process.
void delivery_breakers_open(std::size_t hosts);
// One inbox POST: "accepted", or the reason code of its refusal ("signature_invalid",
// "domain_blocked", ...). Refusals with status 401 also count as signature failures.
void inbox_answered(std::string_view result, int status);
// One GET of an ActivityPub document under authorized fetch: "accepted", or the reason code
// of its refusal. Refusals with status 401 also count as signature failures.
void authorized_fetch_answered(std::string_view result, int status);
// One outbound fetch of a remote document (an actor, a WebFinger answer): "ok" (a 2xx or
// 3xx answer), "http_error" (4xx, 5xx), "error" (no answer: DNS, connect, timeout, too
// large), "refused" (our outbound policy: a private address, a blocked domain, a bad URL).
void fetch_done(std::string_view result);
// A request refused by a rate limit or a connection cap: "login", "register", "inbox",
// "connections", ...
void rate_limited(std::string_view limit);

// What /metrics reads from the database when it is scraped.
struct WitnessState {
  std::string name;  // the witness's key name
  uint64_t cosigned_size = 0;
  std::optional<double> cosigned_age_seconds;  // nullopt: never cosigned
};
struct ScrapeGauges {
  uint64_t log_entries = 0;           // entries in the claim log (integrated or not)
  uint64_t log_integrated = 0;        // entries under the newest checkpoint (the difference
                                      // is the integration lag)
  double checkpoint_age_seconds = 0;  // since the newest checkpoint was signed
  uint64_t delivery_queue_depth = 0;  // delivery jobs waiting or running
  double delivery_oldest_job_seconds = 0;
  uint64_t delivery_dead_jobs = 0;  // given up, kept until purged
  uint64_t domain_blocks = 0;
  std::vector<WitnessState> witnesses;
};

// The text exposition (Content-Type kContentType) of every metric, with the gauges given.
std::string exposition(const ScrapeGauges& gauges);

inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace artdag::metrics
