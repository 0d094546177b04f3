// The delivery policy (what each answer means, when to try again) and the signed request a
// delivery sends. Pure code: no server, no database.
#include "services/federation/delivery.h"

#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <optional>
#include <string>

#include "activitypub/http_signature.h"
#include "crypto/rsa_key.h"
#include "services/federation/retry_policy.h"
#include "util/time.h"

namespace artdag::services::federation {
namespace {

using Kind = net::FetchError::Kind;

constexpr int64_t kNow = 1'780'000'000;

TEST(DeliveryOutcome, TwoHundredsAreDelivered) {
  for (long status : {200L, 201L, 202L, 204L, 299L}) {
    auto v = classify_response(status, "", kNow);
    EXPECT_EQ(v.outcome, Outcome::kDelivered) << status;
    EXPECT_EQ(v.reason, "");
  }
}

TEST(DeliveryOutcome, ServerErrorsTimeoutsAndRateLimitsAreRetried) {
  for (long status : {408L, 429L, 500L, 502L, 503L, 504L, 599L}) {
    auto v = classify_response(status, "", kNow);
    EXPECT_EQ(v.outcome, Outcome::kRetry) << status;
    EXPECT_EQ(v.reason, "HTTP " + std::to_string(status));
    EXPECT_FALSE(v.retry_after) << status;
  }
}

TEST(DeliveryOutcome, OtherClientErrorsAreDropped) {
  for (long status : {400L, 401L, 403L, 404L, 405L, 410L, 413L, 422L, 451L, 499L}) {
    auto v = classify_response(status, "", kNow);
    EXPECT_EQ(v.outcome, Outcome::kDrop) << status;
    EXPECT_EQ(v.reason, "HTTP " + std::to_string(status));
  }
}

TEST(DeliveryOutcome, RedirectsAndOddStatusesAreDropped) {
  for (long status : {100L, 199L, 301L, 302L, 307L, 308L, 600L, 0L}) {
    auto v = classify_response(status, "", kNow);
    EXPECT_EQ(v.outcome, Outcome::kDrop) << status;
  }
  EXPECT_NE(classify_response(301, "", kNow).reason.find("redirects are not followed"),
            std::string::npos);
}

TEST(DeliveryOutcome, RetryAfterIsReadOnlyWith429And503) {
  auto v = classify_response(429, "120", kNow);
  EXPECT_EQ(v.outcome, Outcome::kRetry);
  EXPECT_EQ(v.retry_after, 120);
  EXPECT_EQ(classify_response(503, " 7 ", kNow).retry_after, 7);
  EXPECT_EQ(classify_response(503, http_date(kNow + 600), kNow).retry_after, 600);
  EXPECT_FALSE(classify_response(500, "120", kNow).retry_after);
  EXPECT_FALSE(classify_response(408, "120", kNow).retry_after);
  EXPECT_FALSE(classify_response(429, "soon", kNow).retry_after);
  EXPECT_EQ(classify_response(429, "soon", kNow).outcome, Outcome::kRetry);
}

TEST(DeliveryOutcome, ParseRetryAfter) {
  EXPECT_EQ(parse_retry_after("0", kNow), 0);
  EXPECT_EQ(parse_retry_after("3600", kNow), 3600);
  EXPECT_EQ(parse_retry_after(http_date(kNow + 90), kNow), 90);
  EXPECT_EQ(parse_retry_after(http_date(kNow - 90), kNow), 0);  // in the past: now
  EXPECT_EQ(parse_retry_after("99999999999999999999999", kNow),
            std::numeric_limits<int64_t>::max());
  EXPECT_FALSE(parse_retry_after("", kNow));
  EXPECT_FALSE(parse_retry_after("-5", kNow));
  EXPECT_FALSE(parse_retry_after("1.5", kNow));
  EXPECT_FALSE(parse_retry_after("12 s", kNow));
  EXPECT_FALSE(parse_retry_after("tomorrow", kNow));
}

TEST(DeliveryOutcome, NetworkFailuresAreRetriedButBadTargetsDropped) {
  for (Kind k : {Kind::kResolve, Kind::kConnect, Kind::kTimeout, Kind::kTooLarge, Kind::kNetwork}) {
    auto v = classify_fetch_error(k, "boom");
    EXPECT_EQ(v.outcome, Outcome::kRetry) << static_cast<int>(k);
    EXPECT_EQ(v.reason, "boom");
  }
  auto forbidden = classify_fetch_error(Kind::kForbiddenAddress, "10.0.0.1 is private");
  EXPECT_EQ(forbidden.outcome, Outcome::kDrop);
  EXPECT_NE(forbidden.reason.find("outbound guard"), std::string::npos);
  EXPECT_EQ(classify_fetch_error(Kind::kBadUrl, "x").outcome, Outcome::kDrop);
  EXPECT_EQ(classify_fetch_error(Kind::kTooManyRedirects, "x").outcome, Outcome::kDrop);
}

TEST(RetrySchedule, IsNToTheFourthPlusFifteenWithJitter) {
  RetryPolicy p;
  // No jitter: n^4 + 15.
  EXPECT_EQ(p.delay_after(1, 0), 16);
  EXPECT_EQ(p.delay_after(2, 0), 31);
  EXPECT_EQ(p.delay_after(3, 0), 96);
  EXPECT_EQ(p.delay_after(10, 0), 10015);
  EXPECT_EQ(p.delay_after(16, 0), 65551);
  // Jitter adds up to 10·(n+1) s.
  EXPECT_EQ(p.delay_after(1, 0.5), 26);
  EXPECT_EQ(p.delay_after(4, 0.999999), 271 + 50);
  for (int n = 1; n < 30; ++n) {
    EXPECT_LT(p.delay_after(n, 0), p.delay_after(n + 1, 0)) << "grows with each failure: " << n;
    EXPECT_LE(p.delay_after(n, 0.99), p.delay_after(n, 0) + 10 * (n + 1)) << n;
  }
  // Out-of-range inputs are clamped, never negative.
  EXPECT_EQ(p.delay_after(0, 0), 16);
  EXPECT_EQ(p.delay_after(-3, -1), 16);
  EXPECT_EQ(p.delay_after(1, 7), 16 + 20);
}

TEST(RetrySchedule, SpansAboutThreeDaysOverSeventeenAttempts) {
  RetryPolicy p;
  EXPECT_EQ(p.max_attempts, 17);
  int64_t total = 0;
  for (int n = 1; n < p.max_attempts; ++n) total += p.delay_after(n, 0.5);
  EXPECT_GT(total, 2 * 86400);
  EXPECT_LT(total, 3 * 86400);
}

TEST(RetrySchedule, ScaleShrinksTheScheduleForTests) {
  RetryPolicy p;
  p.scale = 0.01;
  EXPECT_EQ(p.delay_after(1, 0), 1);  // 0.16 s rounds up to the queue's 1 s resolution
  EXPECT_EQ(p.delay_after(16, 0), 656);
  p.scale = 0;
  EXPECT_EQ(p.delay_after(16, 0.9), 0);
  p.scale = -1;
  EXPECT_EQ(p.delay_after(3, 0), 0);
}

TEST(RetryDecision, DeliveredCompletesAndDropDrops) {
  RetryPolicy p;
  auto done = decide({Outcome::kDelivered, "", std::nullopt}, 5, p, kNow, 0.3);
  EXPECT_EQ(done.action, Action::kComplete);
  auto dropped = decide({Outcome::kDrop, "HTTP 404", std::nullopt}, 0, p, kNow, 0.3);
  EXPECT_EQ(dropped.action, Action::kDrop);
  EXPECT_EQ(dropped.error, "HTTP 404");
}

TEST(RetryDecision, RetriesUntilTheLastAttemptThenGivesUp) {
  RetryPolicy p;
  Verdict failure{Outcome::kRetry, "HTTP 500", std::nullopt};
  auto first = decide(failure, 0, p, kNow, 0);
  EXPECT_EQ(first.action, Action::kRetry);
  EXPECT_EQ(first.next_attempt_at, kNow + 16);
  EXPECT_EQ(first.error, "HTTP 500");
  auto tenth = decide(failure, 9, p, kNow, 0);
  EXPECT_EQ(tenth.next_attempt_at, kNow + 10015);
  auto sixteenth = decide(failure, 15, p, kNow, 0);
  EXPECT_EQ(sixteenth.action, Action::kRetry);
  EXPECT_EQ(sixteenth.next_attempt_at, kNow + 65551);
  auto last = decide(failure, 16, p, kNow, 0);  // the 17th attempt failed
  EXPECT_EQ(last.action, Action::kDrop);
  EXPECT_EQ(last.error, "gave up after 17 attempts: HTTP 500");

  p.max_attempts = 1;
  EXPECT_EQ(decide(failure, 0, p, kNow, 0).action, Action::kDrop);
}

TEST(RetryDecision, RetryAfterIsALowerBoundCappedAtADay) {
  RetryPolicy p;
  // Longer than the schedule: honoured.
  auto later = decide({Outcome::kRetry, "HTTP 429", 3600}, 0, p, kNow, 0);
  EXPECT_EQ(later.next_attempt_at, kNow + 3600);
  // Shorter than the schedule: the schedule wins.
  auto sooner = decide({Outcome::kRetry, "HTTP 503", 5}, 9, p, kNow, 0);
  EXPECT_EQ(sooner.next_attempt_at, kNow + 10015);
  // Absurd: cut to a day.
  auto absurd = decide({Outcome::kRetry, "HTTP 429", int64_t{1} << 40}, 0, p, kNow, 0);
  EXPECT_EQ(absurd.next_attempt_at, kNow + 86400);
  // Not scaled: it is the peer's request, not our schedule.
  p.scale = 0;
  EXPECT_EQ(decide({Outcome::kRetry, "HTTP 429", 30}, 0, p, kNow, 0).next_attempt_at, kNow + 30);
}

EnvLookup env_of(std::map<std::string, std::string> values) {
  return [values](const char* name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

TEST(DeliveryOptions, DefaultsAndEnvironment) {
  auto d = delivery_options_from_env(env_of({}));
  EXPECT_EQ(d.concurrency, 32);
  EXPECT_EQ(d.lease_seconds, 120);
  EXPECT_EQ(d.request_timeout, std::chrono::seconds(10));
  EXPECT_EQ(d.poll_interval, std::chrono::milliseconds(200));
  EXPECT_EQ(d.retry.scale, 1.0);
  EXPECT_EQ(d.retry.max_attempts, 17);

  auto t = delivery_options_from_env(env_of({{"ARTDAG_DELIVERY_CONCURRENCY", "4"},
                                             {"ARTDAG_DELIVERY_TIMEOUT_SECONDS", "3"},
                                             {"ARTDAG_DELIVERY_LEASE_SECONDS", "5"},
                                             {"ARTDAG_DELIVERY_RETRY_SCALE", "0.02"},
                                             {"ARTDAG_DELIVERY_MAX_ATTEMPTS", "3"}}));
  EXPECT_EQ(t.concurrency, 4);
  EXPECT_EQ(t.request_timeout, std::chrono::seconds(3));
  EXPECT_EQ(t.lease_seconds, 5);
  EXPECT_DOUBLE_EQ(t.retry.scale, 0.02);
  EXPECT_EQ(t.retry.max_attempts, 3);

  // A long timeout alone pushes the default lease past it.
  auto slow = delivery_options_from_env(env_of({{"ARTDAG_DELIVERY_TIMEOUT_SECONDS", "300"}}));
  EXPECT_EQ(slow.lease_seconds, 302);
  // Empty means unset.
  EXPECT_EQ(delivery_options_from_env(env_of({{"ARTDAG_DELIVERY_CONCURRENCY", " "}})).concurrency,
            32);
}

TEST(DeliveryOptions, BadValuesAreConfigErrors) {
  for (auto [name, value] : std::map<std::string, std::string>{
           {"ARTDAG_DELIVERY_CONCURRENCY", "0"},
           {"ARTDAG_DELIVERY_CONCURRENCY", "many"},
           {"ARTDAG_DELIVERY_TIMEOUT_SECONDS", "0"},
           {"ARTDAG_DELIVERY_LEASE_SECONDS", "11"},  // not 2 s past the 10 s timeout
           {"ARTDAG_DELIVERY_RETRY_SCALE", "-1"},
           {"ARTDAG_DELIVERY_RETRY_SCALE", "nan"},
           {"ARTDAG_DELIVERY_RETRY_SCALE", "1x"},
           {"ARTDAG_DELIVERY_MAX_ATTEMPTS", "0"}}) {
    EXPECT_THROW(delivery_options_from_env(env_of({{name, value}})), ConfigError)
        << name << "=" << value;
  }
}

const crypto::RsaKey& test_key() {
  static const crypto::RsaKey key = crypto::RsaKey::generate(2048);
  return key;
}

TEST(DeliveryRequest, IsSignedOverTheExactBytesAndVerifies) {
  const std::string payload = R"({"type":"Create","id":"https://l2.test/activities/0","x":"é"})";
  const std::string key_id = "https://l2.test/users/alice#main-key";
  auto headers =
      delivery_headers("https://peer.example:8443/inbox?x=1", payload, test_key(), key_id, kNow);
  ASSERT_EQ(headers.size(), 6u);
  EXPECT_EQ(headers[0].first, "Host");
  EXPECT_EQ(headers[0].second, "peer.example:8443");
  EXPECT_EQ(headers[1].first, "Date");
  EXPECT_EQ(headers[1].second, http_date(kNow));
  EXPECT_EQ(headers[2].first, "Digest");
  EXPECT_EQ(headers[2].second, activitypub::make_digest_header(payload));
  EXPECT_EQ(headers[3].first, "Signature");
  EXPECT_EQ(headers[4],
            (std::pair<std::string, std::string>{"Content-Type", "application/activity+json"}));
  EXPECT_EQ(headers[5],
            (std::pair<std::string, std::string>{"Accept", "application/activity+json"}));

  activitypub::HeaderFields fields(headers.begin(), headers.end());
  auto lookup = activitypub::lookup_in(fields);
  auto checked = activitypub::check_incoming({"POST", "/inbox?x=1", lookup, payload}, kNow + 5);
  ASSERT_TRUE(checked) << checked.error;
  EXPECT_EQ(checked.value->params.key_id, key_id);
  EXPECT_EQ(checked.value->params.algorithm, "rsa-sha256");
  EXPECT_EQ(checked.value->params.headers,
            (std::vector<std::string>{"(request-target)", "host", "date", "digest"}));
  auto verified = activitypub::verify_with_key(*checked.value, test_key());
  EXPECT_TRUE(verified.ok) << verified.error;
  EXPECT_FALSE(verified.without_query);

  // One byte more in the body and the digest no longer matches.
  auto tampered = activitypub::check_incoming({"POST", "/inbox?x=1", lookup, payload + " "}, kNow);
  EXPECT_FALSE(tampered);
  EXPECT_EQ(tampered.error, "digest mismatch");
  // Another inbox path and the signature no longer verifies.
  auto moved = activitypub::check_incoming({"POST", "/other", lookup, payload}, kNow);
  ASSERT_TRUE(moved);
  EXPECT_FALSE(activitypub::verify_with_key(*moved.value, test_key()).ok);
}

TEST(DeliveryRequest, DefaultPortsAreLeftOutOfHost) {
  auto headers = delivery_headers("https://peer.example/inbox", "{}", test_key(), "k", kNow);
  EXPECT_EQ(headers[0].second, "peer.example");
  EXPECT_THROW(delivery_headers("not a url", "{}", test_key(), "k", kNow), std::invalid_argument);
  EXPECT_THROW(delivery_headers("ftp://peer.example/inbox", "{}", test_key(), "k", kNow),
               std::invalid_argument);
}

}  // namespace
}  // namespace artdag::services::federation
