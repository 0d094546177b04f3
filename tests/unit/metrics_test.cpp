// The metrics facade (util/metrics.h): what its calls put into the Prometheus exposition.
// The registry is the process's, shared with every other test in this binary, so these
// tests use label values no other code uses and compare before and after.
#include "util/metrics.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace artdag {
namespace {

// The value of one series ("name{labels}") in an exposition; -1 when it is absent.
double sample(const std::string& exposition, const std::string& series) {
  std::istringstream lines(exposition);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  return -1;
}

TEST(Metrics, RequestsCountByRouteMethodAndStatusWithALatencyHistogram) {
  const std::string count =
      R"(artdag_http_requests_total{method="GET",route="/unit-test/{id}",status="200"})";
  const std::string fast =
      R"(artdag_http_request_duration_seconds_bucket{method="GET",route="/unit-test/{id}",le="0.001"})";
  const std::string all =
      R"(artdag_http_request_duration_seconds_count{method="GET",route="/unit-test/{id}"})";
  metrics::request_served("/unit-test/{id}", "GET", 200, 0.0002);
  metrics::request_served("/unit-test/{id}", "GET", 200, 0.5);
  metrics::request_served("/unit-test/{id}", "GET", 404, 0.0002);
  const auto text = metrics::exposition({});
  EXPECT_EQ(sample(text, count), 2);
  EXPECT_EQ(sample(text, fast), 2);  // 0.0002 twice (both statuses); 0.5 is above the bucket
  EXPECT_EQ(sample(text, all), 3);
  EXPECT_NE(text.find("# TYPE artdag_http_requests_total counter"), std::string::npos);
  EXPECT_NE(text.find("# TYPE artdag_http_request_duration_seconds histogram"), std::string::npos);
}

TEST(Metrics, ARequestNoRouteAnsweredCountsAsNone) {
  const std::string series =
      R"(artdag_http_requests_total{method="none",route="none",status="431"})";
  const double before = std::max(0.0, sample(metrics::exposition({}), series));
  metrics::request_served("", "", 431, 0.0001);
  EXPECT_EQ(sample(metrics::exposition({}), series), before + 1);
}

TEST(Metrics, DeliveryFailuresCountByKind) {
  const auto text_before = metrics::exposition({});
  const std::string dead = R"(artdag_delivery_attempts_total{outcome="dead"})";
  const std::string kind = R"(artdag_delivery_failures_total{kind="unit_test_kind"})";
  const double dead_before = std::max(0.0, sample(text_before, dead));
  metrics::delivery_attempted("dead", "unit_test_kind");
  metrics::delivery_attempted("dead", "unit_test_kind");
  const auto text = metrics::exposition({});
  EXPECT_EQ(sample(text, dead), dead_before + 2);
  EXPECT_EQ(sample(text, kind), 2);
}

TEST(Metrics, UnauthorizedInboxAnswersAreSignatureFailures) {
  metrics::inbox_answered("unit_test_reason", 401);
  metrics::inbox_answered("unit_test_other", 400);
  const auto text = metrics::exposition({});
  EXPECT_EQ(sample(text, R"(artdag_inbox_requests_total{result="unit_test_reason"})"), 1);
  EXPECT_EQ(sample(text, R"(artdag_signature_failures_total{reason="unit_test_reason"})"), 1);
  EXPECT_EQ(sample(text, R"(artdag_inbox_requests_total{result="unit_test_other"})"), 1);
  EXPECT_EQ(sample(text, R"(artdag_signature_failures_total{reason="unit_test_other"})"), -1);
}

TEST(Metrics, ScrapeGaugesAreWhatTheyWereGiven) {
  metrics::ScrapeGauges gauges;
  gauges.log_entries = 12;
  gauges.log_integrated = 10;
  gauges.checkpoint_age_seconds = 3;
  gauges.delivery_queue_depth = 7;
  gauges.delivery_oldest_job_seconds = 42;
  gauges.witnesses = {{"unit-witness", 10, 5.0}, {"silent-witness", 0, std::nullopt}};
  const auto text = metrics::exposition(gauges);
  EXPECT_EQ(sample(text, "artdag_claim_log_entries"), 12);
  EXPECT_EQ(sample(text, "artdag_claim_log_checkpoint_size"), 10);
  EXPECT_EQ(sample(text, "artdag_claim_log_integration_lag_entries"), 2);
  EXPECT_EQ(sample(text, "artdag_delivery_queue_depth"), 7);
  EXPECT_EQ(sample(text, "artdag_delivery_oldest_job_age_seconds"), 42);
  EXPECT_EQ(sample(text, R"(artdag_witness_cosigned_size{witness="unit-witness"})"), 10);
  EXPECT_EQ(sample(text, R"(artdag_witness_cosigned_age_seconds{witness="unit-witness"})"), 5);
  EXPECT_EQ(sample(text, R"(artdag_witness_cosigned_size{witness="silent-witness"})"), 0);
  EXPECT_EQ(sample(text, R"(artdag_witness_cosigned_age_seconds{witness="silent-witness"})"), -1);
}

}  // namespace
}  // namespace artdag
