// The delivery policy (what each answer means, when to try again) and the signed request a
// delivery sends. Pure code: no server, no database.
#include "services/federation/delivery.h"

#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>

#include "activitypub/http_signature.h"
#include "activitypub/message_signature.h"
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

// The failure kinds are the labels of artdag_delivery_failures_total: a fixed set.
TEST(DeliveryOutcome, EachFailureHasItsKind) {
  EXPECT_EQ(classify_response(404, "", kNow).kind, "http_4xx");
  EXPECT_EQ(classify_response(408, "", kNow).kind, "http_4xx");
  EXPECT_EQ(classify_response(500, "", kNow).kind, "http_5xx");
  EXPECT_EQ(classify_response(429, "", kNow).kind, "throttled");
  EXPECT_EQ(classify_response(503, "", kNow).kind, "throttled");
  EXPECT_EQ(classify_response(301, "", kNow).kind, "redirect");
  EXPECT_EQ(classify_response(700, "", kNow).kind, "http_other");
  EXPECT_EQ(classify_fetch_error(Kind::kTimeout, "t").kind, "timeout");
  EXPECT_EQ(classify_fetch_error(Kind::kConnect, "c").kind, "connect");
  EXPECT_EQ(classify_fetch_error(Kind::kResolve, "r").kind, "connect");
  EXPECT_EQ(classify_fetch_error(Kind::kForbiddenAddress, "f").kind, "guard");
  EXPECT_EQ(classify_fetch_error(Kind::kNetwork, "n").kind, "network");
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
  auto done = decide({Outcome::kDelivered, "", std::nullopt, ""}, 5, p, kNow, 0.3);
  EXPECT_EQ(done.action, Action::kComplete);
  auto dropped = decide({Outcome::kDrop, "HTTP 404", std::nullopt, "http_4xx"}, 0, p, kNow, 0.3);
  EXPECT_EQ(dropped.action, Action::kDrop);
  EXPECT_EQ(dropped.error, "HTTP 404");
}

TEST(RetryDecision, RetriesUntilTheLastAttemptThenGivesUp) {
  RetryPolicy p;
  Verdict failure{Outcome::kRetry, "HTTP 500", std::nullopt, "http_5xx"};
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
  auto later = decide({Outcome::kRetry, "HTTP 429", 3600, "throttled"}, 0, p, kNow, 0);
  EXPECT_EQ(later.next_attempt_at, kNow + 3600);
  // Shorter than the schedule: the schedule wins.
  auto sooner = decide({Outcome::kRetry, "HTTP 503", 5, "throttled"}, 9, p, kNow, 0);
  EXPECT_EQ(sooner.next_attempt_at, kNow + 10015);
  // Absurd: cut to a day.
  auto absurd = decide({Outcome::kRetry, "HTTP 429", int64_t{1} << 40, "throttled"}, 0, p, kNow, 0);
  EXPECT_EQ(absurd.next_attempt_at, kNow + 86400);
  // Not scaled: it is the peer's request, not our schedule.
  p.scale = 0;
  EXPECT_EQ(decide({Outcome::kRetry, "HTTP 429", 30, "throttled"}, 0, p, kNow, 0).next_attempt_at,
            kNow + 30);
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
  EXPECT_TRUE(d.rfc9421);  // Config::rfc9421 switches it off
  EXPECT_EQ(d.dead_job_keep, std::chrono::hours(7 * 24));

  auto t = delivery_options_from_env(env_of({{"ARTDAG_DELIVERY_CONCURRENCY", "4"},
                                             {"ARTDAG_DELIVERY_TIMEOUT_SECONDS", "3"},
                                             {"ARTDAG_DELIVERY_LEASE_SECONDS", "5"},
                                             {"ARTDAG_DELIVERY_RETRY_SCALE", "0.02"},
                                             {"ARTDAG_DELIVERY_MAX_ATTEMPTS", "3"},
                                             {"ARTDAG_DELIVERY_DEAD_KEEP_SECONDS", "60"}}));
  EXPECT_EQ(t.concurrency, 4);
  EXPECT_EQ(t.dead_job_keep, std::chrono::seconds(60));
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
           {"ARTDAG_DELIVERY_MAX_ATTEMPTS", "0"},
           {"ARTDAG_DELIVERY_DEAD_KEEP_SECONDS", "-1"}}) {
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

// --- How one attempt signs: the double-knock and Accept-Signature challenges, against a
// fake peer (send_signed makes the decisions; the worker only does the I/O). ---

namespace sig = activitypub::rfc9421;

const std::string kInbox = "https://peer.example/inbox";
const std::string kPayload = R"({"type":"Create","id":"https://l2.test/activities/7"})";
const std::string kKeyId = "https://l2.test/users/alice#main-key";
const std::string kChallenge =
    R"(sig1=("@method" "@path" "@authority" "content-digest" "date");created;keyid;nonce="abc")";

std::string header_of(const net::HeaderList& headers, std::string_view name) {
  for (const auto& [n, v] : headers)
    if (n == name) return v;
  return "";
}

// The POST as the peer receives it (the HTTP client adds Host when the signer did not).
activitypub::HeaderFields received(const net::HeaderList& headers) {
  activitypub::HeaderFields fields(headers.begin(), headers.end());
  if (header_of(headers, "Host").empty()) fields.emplace_back("Host", "peer.example");
  return fields;
}

// The RFC 9421 signature of a POST, checked as an inbox would and verified; nullopt when
// it is not one or does not verify.
std::optional<sig::CheckedSignature> rfc9421_signature(const net::HeaderList& headers) {
  const auto fields = received(headers);
  const sig::MessageView view{
      "POST",   "https",     "peer.example", "/inbox", activitypub::lookup_in(fields),
      kPayload, std::nullopt};
  auto checked = sig::check_incoming(view, kNow, "peer.example");
  if (!checked || !sig::verify_with_key(*checked.value, test_key()).ok) return std::nullopt;
  return *checked.value;
}

bool verifies_as_cavage(const net::HeaderList& headers) {
  const auto fields = received(headers);
  auto checked = activitypub::check_incoming(
      {"POST", "/inbox", activitypub::lookup_in(fields), kPayload}, kNow);
  return header_of(headers, "Signature-Input").empty() && checked &&
         activitypub::verify_with_key(*checked.value, test_key()).ok;
}

// Records every POST; answers with `reply`.
struct FakePeer {
  std::function<PostAnswer(const net::HeaderList&)> reply;
  std::vector<net::HeaderList> posts = {};

  SignedAttempt deliver(std::optional<SignatureStyle> known, bool rfc9421 = true) {
    return send_signed(kInbox, kPayload, test_key(), kKeyId, kNow, known, rfc9421,
                       [this](const net::HeaderList& headers) {
                         posts.push_back(headers);
                         return reply(headers);
                       });
  }
};

PostAnswer challenge(const std::string& accept_signature, long status = 401) {
  return {status, "", accept_signature};
}

TEST(DeliverySigning, AChallengeIsAnsweredExactlyAsAsked) {
  const std::string asked_input =
      R"(sig1=("@method" "@path" "@authority" "content-digest" "date");created=1780000000;keyid=")" +
      kKeyId + R"(";nonce="abc")";
  FakePeer peer{[&](const net::HeaderList& h) {
    const bool as_asked = header_of(h, "Signature-Input") == asked_input && rfc9421_signature(h);
    return as_asked ? PostAnswer{202, "", ""} : challenge(kChallenge);
  }};
  auto attempt = peer.deliver(std::nullopt);
  EXPECT_EQ(attempt.answer.status, 202);
  ASSERT_EQ(attempt.posts, 2);  // the knock, then the answer
  ASSERT_EQ(peer.posts.size(), 2u);
  EXPECT_EQ(attempt.learnt, SignatureStyle::rfc9421);
  // The first knock was our usual RFC 9421 signature, the answer the one asked for.
  EXPECT_NE(header_of(peer.posts[0], "Signature-Input").find(R"(("@method" "@target-uri")"),
            std::string::npos);
  EXPECT_EQ(header_of(peer.posts[1], "Signature-Input"), asked_input);
  EXPECT_EQ(header_of(peer.posts[1], "Date"), http_date(kNow));
  EXPECT_EQ(header_of(peer.posts[1], "Content-Type"), "application/activity+json");
  auto checked = rfc9421_signature(peer.posts[1]);
  ASSERT_TRUE(checked);
  EXPECT_EQ(checked->key_id, kKeyId);
  auto parsed = sig::parse_signatures(header_of(peer.posts[1], "Signature-Input"),
                                      header_of(peer.posts[1], "Signature"));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed.value->front().nonce, "abc");

  // A peer known as draft-cavage that now asks for RFC 9421 gets it after the cavage POST.
  FakePeer upgraded{[&](const net::HeaderList& h) {
    return rfc9421_signature(h) ? PostAnswer{202, "", ""} : challenge(kChallenge);
  }};
  auto second = upgraded.deliver(SignatureStyle::cavage);
  EXPECT_EQ(second.answer.status, 202);
  ASSERT_EQ(second.posts, 2);
  EXPECT_TRUE(verifies_as_cavage(upgraded.posts[0]));
  EXPECT_EQ(header_of(upgraded.posts[1], "Signature-Input"), asked_input);
  EXPECT_EQ(second.learnt, SignatureStyle::rfc9421);
}

TEST(DeliverySigning, APeerThatAlwaysRefusesGetsAtMostThreePosts) {
  int n = 0;  // a fresh nonce each time, so every challenge is new
  FakePeer peer{[&](const net::HeaderList&) {
    return challenge(R"(sig1=("@method" "@target-uri" "content-digest");created;nonce="n)" +
                     std::to_string(++n) + "\"");
  }};
  for (auto known : {std::optional<SignatureStyle>{}, std::optional{SignatureStyle::rfc9421}}) {
    peer.posts.clear();
    auto attempt = peer.deliver(known);
    EXPECT_EQ(attempt.answer.status, 401);
    EXPECT_EQ(attempt.posts, kMaxSignedPostsPerAttempt);
    ASSERT_EQ(peer.posts.size(), 3u);
    EXPECT_TRUE(rfc9421_signature(peer.posts[0]));  // the knock
    EXPECT_NE(header_of(peer.posts[1], "Signature-Input").find("nonce="), std::string::npos);
    EXPECT_TRUE(verifies_as_cavage(peer.posts[2]));  // the fallback
    EXPECT_FALSE(attempt.learnt);
  }
  peer.posts.clear();
  auto known_cavage = peer.deliver(SignatureStyle::cavage);
  EXPECT_EQ(known_cavage.posts, 2);
  EXPECT_TRUE(verifies_as_cavage(peer.posts[0]));
  EXPECT_FALSE(known_cavage.learnt);

  // Without a challenge: the double-knock alone.
  FakePeer silent{[](const net::HeaderList&) { return PostAnswer{401, "", ""}; }};
  EXPECT_EQ(silent.deliver(std::nullopt).posts, 2);
}

TEST(DeliverySigning, AChallengeWeCannotMeetFallsBackToDraftCavage) {
  for (const std::string asked : {
           R"(sig1=("@method" "@target-uri" "x-unknown");created)",
           R"(sig1=("@method" "@query-param";name="a");created)",
           R"(sig1=("@method" "@target-uri");alg="ed25519")",
           R"(sig1=("@method" "@target-uri");keyid="https://other.example/key")",
           R"(sig1=("@method" "@target-uri");tag)",
           "not a dictionary (",
       }) {
    SCOPED_TRACE(asked);
    FakePeer peer{[&](const net::HeaderList& h) {
      return header_of(h, "Signature-Input").empty() ? PostAnswer{202, "", ""} : challenge(asked);
    }};
    auto attempt = peer.deliver(std::nullopt);
    EXPECT_EQ(attempt.answer.status, 202);
    ASSERT_EQ(attempt.posts, 2);
    EXPECT_TRUE(rfc9421_signature(peer.posts[0]));
    EXPECT_TRUE(verifies_as_cavage(peer.posts[1]));
    EXPECT_EQ(attempt.learnt, SignatureStyle::cavage);
  }
}

TEST(DeliverySigning, AChallengeForWhatWasSentIsNotAnsweredAgain) {
  // Our own inbox names its preferred signature in every 401: the one the knock sent.
  FakePeer peer{[](const net::HeaderList& h) {
    return header_of(h, "Signature-Input").empty() ? PostAnswer{202, "", ""}
                                                   : challenge(sig::make_accept_signature());
  }};
  auto attempt = peer.deliver(std::nullopt);
  EXPECT_EQ(attempt.posts, 2);
  EXPECT_TRUE(verifies_as_cavage(peer.posts[1]));
  EXPECT_EQ(attempt.learnt, SignatureStyle::cavage);

  // Only a 401 carries a challenge; a 400 goes straight to draft-cavage.
  FakePeer bad_request{[](const net::HeaderList& h) {
    return header_of(h, "Signature-Input").empty() ? PostAnswer{202, "", ""}
                                                   : challenge(kChallenge, 400);
  }};
  EXPECT_EQ(bad_request.deliver(std::nullopt).posts, 2);
  EXPECT_TRUE(verifies_as_cavage(bad_request.posts[1]));
}

TEST(DeliverySigning, TheDoubleKnockLearnsWhatWorked) {
  FakePeer anything{[](const net::HeaderList&) { return PostAnswer{202, "", ""}; }};
  auto first = anything.deliver(std::nullopt);
  EXPECT_EQ(first.posts, 1);
  EXPECT_TRUE(rfc9421_signature(anything.posts[0]));
  EXPECT_EQ(first.learnt, SignatureStyle::rfc9421);
  EXPECT_FALSE(anything.deliver(SignatureStyle::rfc9421).learnt);  // nothing new
  auto cavage = anything.deliver(SignatureStyle::cavage);
  EXPECT_EQ(cavage.posts, 1);
  EXPECT_TRUE(verifies_as_cavage(anything.posts.back()));
  EXPECT_FALSE(cavage.learnt);

  // Other failures are the answer, not a reason to sign another way.
  FakePeer down{[](const net::HeaderList&) { return PostAnswer{503, "30", kChallenge}; }};
  auto retried = down.deliver(std::nullopt);
  EXPECT_EQ(retried.posts, 1);
  EXPECT_EQ(retried.answer.retry_after, "30");
  EXPECT_FALSE(retried.learnt);
}

TEST(DeliverySigning, WithoutRfc9421EveryPostIsDraftCavageOnly) {
  for (auto known : {std::optional<SignatureStyle>{}, std::optional{SignatureStyle::rfc9421},
                     std::optional{SignatureStyle::cavage}}) {
    FakePeer peer{[](const net::HeaderList&) { return challenge(kChallenge); }};
    auto refused = peer.deliver(known, false);
    EXPECT_EQ(refused.posts, 1);  // no knock, no challenge answered
    EXPECT_TRUE(verifies_as_cavage(peer.posts[0]));
    EXPECT_FALSE(refused.learnt);
    peer.reply = [](const net::HeaderList&) { return PostAnswer{202, "", ""}; };
    auto delivered = peer.deliver(known, false);
    EXPECT_EQ(delivered.posts, 1);
    EXPECT_EQ(delivered.answer.status, 202);
    EXPECT_FALSE(delivered.learnt);
  }
}

}  // namespace
}  // namespace artdag::services::federation
