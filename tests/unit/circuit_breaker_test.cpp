// The per-host delivery circuit breaker (services/federation/circuit_breaker.h).
#include "services/federation/circuit_breaker.h"

#include <gtest/gtest.h>

namespace artdag::services::federation {
namespace {

using Result = CircuitBreaker::Result;
constexpr int64_t kNow = 1'800'000'000;

TEST(CircuitBreaker, OpensAfterFiveFailuresInTenMinutes) {
  CircuitBreaker breaker;
  for (int i = 0; i < 4; ++i) breaker.record("a.example", Result::kFailure, kNow + i);
  EXPECT_FALSE(breaker.wait_until("a.example", kNow + 10));
  breaker.record("a.example", Result::kFailure, kNow + 10);
  EXPECT_EQ(breaker.wait_until("a.example", kNow + 11), kNow + 10 + 1800);
  EXPECT_EQ(breaker.open_hosts(), 1u);
  EXPECT_FALSE(breaker.wait_until("b.example", kNow + 11)) << "other hosts are untouched";
}

TEST(CircuitBreaker, FailuresOutsideTheWindowDoNotCount) {
  CircuitBreaker breaker;
  for (int i = 0; i < 4; ++i) breaker.record("a.example", Result::kFailure, kNow);
  breaker.record("a.example", Result::kFailure, kNow + 600);  // the four have left the window
  EXPECT_FALSE(breaker.wait_until("a.example", kNow + 601));
  for (int i = 0; i < 4; ++i) breaker.record("a.example", Result::kFailure, kNow + 601);
  EXPECT_TRUE(breaker.wait_until("a.example", kNow + 602));
}

TEST(CircuitBreaker, ASuccessForgetsTheFailuresAPermanent4xxDoesNot) {
  CircuitBreaker breaker;
  for (int i = 0; i < 4; ++i) breaker.record("a.example", Result::kFailure, kNow + i);
  breaker.record("a.example", Result::kNeutral, kNow + 5);
  breaker.record("a.example", Result::kFailure, kNow + 6);
  EXPECT_TRUE(breaker.wait_until("a.example", kNow + 7)) << "the 4xx was not a success";

  CircuitBreaker other;
  for (int i = 0; i < 4; ++i) other.record("a.example", Result::kFailure, kNow + i);
  other.record("a.example", Result::kSuccess, kNow + 5);
  other.record("a.example", Result::kFailure, kNow + 6);
  EXPECT_FALSE(other.wait_until("a.example", kNow + 7));
}

TEST(CircuitBreaker, AfterThirtyMinutesOneProbeGoesAndItsResultDecides) {
  CircuitBreaker breaker;
  for (int i = 0; i < 5; ++i) breaker.record("a.example", Result::kFailure, kNow);
  const int64_t probe_at = kNow + 1800;
  EXPECT_EQ(breaker.wait_until("a.example", probe_at - 1), probe_at);
  EXPECT_FALSE(breaker.wait_until("a.example", probe_at)) << "the probe";
  EXPECT_TRUE(breaker.wait_until("a.example", probe_at)) << "only one probe at a time";
  breaker.record("a.example", Result::kFailure, probe_at + 2);
  EXPECT_EQ(breaker.wait_until("a.example", probe_at + 3), probe_at + 2 + 1800)
      << "a failed probe opens it again";
  EXPECT_FALSE(breaker.wait_until("a.example", probe_at + 2 + 1800));  // the next probe
  breaker.record("a.example", Result::kSuccess, probe_at + 1801);
  EXPECT_FALSE(breaker.wait_until("a.example", probe_at + 1802));
  EXPECT_FALSE(breaker.wait_until("a.example", probe_at + 1802)) << "closed: no probe limit";
  EXPECT_EQ(breaker.open_hosts(), 0u);
}

TEST(CircuitBreaker, AProbeAnsweredWithA4xxClosesIt) {
  CircuitBreaker breaker;
  for (int i = 0; i < 5; ++i) breaker.record("a.example", Result::kFailure, kNow);
  EXPECT_FALSE(breaker.wait_until("a.example", kNow + 1800));
  breaker.record("a.example", Result::kNeutral, kNow + 1801);
  EXPECT_FALSE(breaker.wait_until("a.example", kNow + 1802));
  EXPECT_EQ(breaker.open_hosts(), 0u);
}

TEST(CircuitBreaker, MemoryIsBoundedAndOpenHostsAreKept) {
  CircuitBreaker breaker;
  for (int i = 0; i < 5; ++i) breaker.record("down.example", Result::kFailure, kNow);
  for (std::size_t i = 0; i < CircuitBreaker::kMaxHosts + 100; ++i)
    breaker.record("h" + std::to_string(i) + ".example", Result::kFailure, kNow);
  EXPECT_TRUE(breaker.wait_until("down.example", kNow + 1));
  EXPECT_EQ(breaker.open_hosts(), 1u);
}

TEST(CircuitBreaker, WhatCountsAsAFailure) {
  EXPECT_EQ(CircuitBreaker::result_of(true, ""), Result::kSuccess);
  for (const char* kind : {"http_5xx", "throttled", "connect", "timeout", "network"})
    EXPECT_EQ(CircuitBreaker::result_of(false, kind), Result::kFailure) << kind;
  for (const char* kind : {"http_4xx", "redirect", "guard", "bad_url", "blocked", "signing",
                           "error", "too_large", "http_other"})
    EXPECT_EQ(CircuitBreaker::result_of(false, kind), Result::kNeutral) << kind;
}

}  // namespace
}  // namespace artdag::services::federation
