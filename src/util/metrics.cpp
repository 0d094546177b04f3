#include "util/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

namespace artdag::metrics {

namespace {

using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Histogram;

// Seconds: a cached answer takes tens of microseconds, a signed write a few milliseconds, a
// request that fetches a remote actor up to the fetch timeout.
const Histogram::BucketBoundaries& latency_buckets() {
  static const Histogram::BucketBoundaries buckets{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};
  return buckets;
}

// A family's series by label values, found again without building a label map (which
// prometheus-cpp's Family::Add does on every call): the hot path is a shared lock and one
// hash lookup.
template <typename T>
class Series {
 public:
  explicit Series(Family<T>& family) : family_(family) {}

  template <typename... Args>
  T& get(const std::string& key, const prometheus::Labels& labels, Args&&... args) {
    {
      std::shared_lock lock(mutex_);
      if (auto it = by_key_.find(key); it != by_key_.end()) return *it->second;
    }
    std::unique_lock lock(mutex_);
    auto [it, added] = by_key_.try_emplace(key, nullptr);
    if (added) it->second = &family_.Add(labels, std::forward<Args>(args)...);
    return *it->second;
  }

 private:
  Family<T>& family_;
  std::shared_mutex mutex_;
  std::unordered_map<std::string, T*> by_key_;
};

struct Metrics {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();

  Family<Counter>& requests =
      prometheus::BuildCounter()
          .Name("artdag_http_requests_total")
          .Help("HTTP requests answered, by route template, method and status.")
          .Register(*registry);
  Family<Histogram>& latency =
      prometheus::BuildHistogram()
          .Name("artdag_http_request_duration_seconds")
          .Help("Time from a request read to its answer written, by route template and method.")
          .Register(*registry);
  Family<Counter>& claims = prometheus::BuildCounter()
                                .Name("artdag_claims_registered_total")
                                .Help("Claims (Creates of new assets) recorded in the claim log.")
                                .Register(*registry);
  Family<Counter>& deliveries =
      prometheus::BuildCounter()
          .Name("artdag_delivery_attempts_total")
          .Help("Delivery attempts by outcome: delivered, retry, dead, dropped.")
          .Register(*registry);
  Family<Counter>& delivery_failures =
      prometheus::BuildCounter()
          .Name("artdag_delivery_failures_total")
          .Help("Failed delivery attempts by kind: http_4xx, http_5xx, throttled, connect, ...")
          .Register(*registry);
  Family<Counter>& inbox = prometheus::BuildCounter()
                               .Name("artdag_inbox_requests_total")
                               .Help("Inbox POSTs by result: accepted, or the refusal's reason.")
                               .Register(*registry);
  Family<Counter>& signature_failures =
      prometheus::BuildCounter()
          .Name("artdag_signature_failures_total")
          .Help("Inbox POSTs and signed GETs refused with 401 for their signature, by reason.")
          .Register(*registry);
  Family<Counter>& fetches = prometheus::BuildCounter()
                                 .Name("artdag_outbound_fetches_total")
                                 .Help("Fetches of remote documents by result: ok, error, refused.")
                                 .Register(*registry);
  Family<Counter>& authorized_fetches =
      prometheus::BuildCounter()
          .Name("artdag_authorized_fetch_requests_total")
          .Help("GETs of ActivityPub documents under authorized fetch, by result.")
          .Register(*registry);
  Family<Counter>& rate_limits = prometheus::BuildCounter()
                                     .Name("artdag_rate_limited_total")
                                     .Help("Requests refused by a rate limit or connection cap.")
                                     .Register(*registry);

  Family<Gauge>& log_entries = gauge("artdag_claim_log_entries", "Entries in the claim log.");
  Family<Gauge>& log_integrated =
      gauge("artdag_claim_log_checkpoint_size", "Entries under the newest signed checkpoint.");
  Family<Gauge>& checkpoint_age =
      gauge("artdag_claim_log_checkpoint_age_seconds", "Seconds since the newest checkpoint.");
  Family<Gauge>& integration_lag = gauge("artdag_claim_log_integration_lag_entries",
                                         "Entries recorded but not yet under a signed checkpoint.");
  Family<Gauge>& queue_depth =
      gauge("artdag_delivery_queue_depth", "Delivery jobs waiting or being tried.");
  Family<Gauge>& oldest_job =
      gauge("artdag_delivery_oldest_job_age_seconds", "Age of the oldest waiting delivery job.");
  Family<Gauge>& dead_jobs =
      gauge("artdag_delivery_dead_jobs", "Delivery jobs given up and not yet purged.");
  Family<Gauge>& breakers = gauge("artdag_delivery_open_circuit_breakers",
                                  "Hosts whose delivery circuit breaker is open (this process).");
  Family<Gauge>& blocks = gauge("artdag_domain_blocks", "Blocked domains.");
  Family<Gauge>& witness_size =
      gauge("artdag_witness_cosigned_size", "Size of the newest checkpoint each witness cosigned.");
  Family<Gauge>& witness_age = gauge("artdag_witness_cosigned_age_seconds",
                                     "Seconds since each witness last cosigned a checkpoint.");

  Series<Counter> request_series{requests};
  Series<Histogram> latency_series{latency};
  Series<Counter> delivery_series{deliveries};
  Series<Counter> delivery_failure_series{delivery_failures};
  Series<Counter> inbox_series{inbox};
  Series<Counter> signature_series{signature_failures};
  Series<Counter> fetch_series{fetches};
  Series<Counter> authorized_fetch_series{authorized_fetches};
  Series<Counter> rate_limit_series{rate_limits};
  Counter& claim_counter = claims.Add({});

  std::mutex scrape_mutex;  // one scrape sets the gauges and collects at a time

  Family<Gauge>& gauge(const std::string& name, const std::string& help) {
    return prometheus::BuildGauge().Name(name).Help(help).Register(*registry);
  }
};

Metrics& all() {
  static Metrics metrics;
  return metrics;
}

void count(Series<Counter>& series, const std::string& label, std::string_view value) {
  const std::string key(value);
  series.get(key, {{label, key}}).Increment();
}

}  // namespace

void request_served(std::string_view route, std::string_view method, int status, double seconds) {
  auto& m = all();
  const std::string route_text(route.empty() ? "none" : route);
  const std::string method_text(method.empty() ? "none" : method);
  const std::string status_text = std::to_string(status);
  std::string key = route_text + '\n' + method_text;
  m.latency_series.get(key, {{"route", route_text}, {"method", method_text}}, latency_buckets())
      .Observe(seconds);
  key += '\n' + status_text;
  m.request_series
      .get(key, {{"route", route_text}, {"method", method_text}, {"status", status_text}})
      .Increment();
}

void claim_registered() {
  all().claim_counter.Increment();
}

void delivery_attempted(std::string_view outcome, std::string_view failure_kind) {
  auto& m = all();
  count(m.delivery_series, "outcome", outcome);
  if (outcome != "delivered")
    count(m.delivery_failure_series, "kind", failure_kind.empty() ? "error" : failure_kind);
}

void delivery_breakers_open(std::size_t hosts) {
  all().breakers.Add({}).Set(static_cast<double>(hosts));
}

void inbox_answered(std::string_view result, int status) {
  auto& m = all();
  count(m.inbox_series, "result", result);
  if (status == 401) count(m.signature_series, "reason", result);
}

void authorized_fetch_answered(std::string_view result, int status) {
  auto& m = all();
  count(m.authorized_fetch_series, "result", result);
  if (status == 401) count(m.signature_series, "reason", result);
}

void fetch_done(std::string_view result) {
  count(all().fetch_series, "result", result);
}

void rate_limited(std::string_view limit) {
  count(all().rate_limit_series, "limit", limit);
}

std::string exposition(const ScrapeGauges& gauges) {
  auto& m = all();
  std::lock_guard lock(m.scrape_mutex);
  m.log_entries.Add({}).Set(static_cast<double>(gauges.log_entries));
  m.log_integrated.Add({}).Set(static_cast<double>(gauges.log_integrated));
  m.checkpoint_age.Add({}).Set(gauges.checkpoint_age_seconds);
  m.integration_lag.Add({}).Set(
      gauges.log_entries > gauges.log_integrated
          ? static_cast<double>(gauges.log_entries - gauges.log_integrated)
          : 0.0);
  m.queue_depth.Add({}).Set(static_cast<double>(gauges.delivery_queue_depth));
  m.oldest_job.Add({}).Set(gauges.delivery_oldest_job_seconds);
  m.dead_jobs.Add({}).Set(static_cast<double>(gauges.delivery_dead_jobs));
  m.blocks.Add({}).Set(static_cast<double>(gauges.domain_blocks));
  for (const auto& witness : gauges.witnesses) {
    m.witness_size.Add({{"witness", witness.name}}).Set(static_cast<double>(witness.cosigned_size));
    if (witness.cosigned_age_seconds)
      m.witness_age.Add({{"witness", witness.name}}).Set(*witness.cosigned_age_seconds);
  }
  return prometheus::TextSerializer().Serialize(m.registry->Collect());
}

}  // namespace artdag::metrics
