#include "services/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace artdag::services {
namespace {

using namespace std::chrono_literals;
using Clock = RateLimiter::Clock;

TEST(RateLimiter, AllowsCapacityThenSaysHowLongToWait) {
  RateLimiter limiter(3, 60s);  // one token per 20 s
  auto t0 = Clock::time_point{} + 1000s;
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limiter.acquire("a", t0)) << i;
  auto wait = limiter.acquire("a", t0);
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 20s);
  EXPECT_EQ(limiter.acquire("a", t0 + 15s), 5s);  // refused attempts take nothing
  EXPECT_FALSE(limiter.acquire("a", t0 + 20s));   // one token back
  EXPECT_TRUE(limiter.acquire("a", t0 + 21s));
  // After a whole window the bucket is full again: the limit never lasts longer.
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limiter.acquire("a", t0 + 200s)) << i;
}

TEST(RateLimiter, KeysAreIndependentAndResetForgets) {
  RateLimiter limiter(1, 900s);
  auto t0 = Clock::time_point{} + 1000s;
  EXPECT_FALSE(limiter.acquire("alice", t0));
  EXPECT_EQ(limiter.acquire("alice", t0), 900s);
  EXPECT_FALSE(limiter.acquire("bob", t0));
  limiter.reset("alice");
  EXPECT_FALSE(limiter.acquire("alice", t0));
}

TEST(RateLimiter, CapacityZeroNeverLimits) {
  RateLimiter limiter(0, 60s);
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(limiter.acquire("a"));
  EXPECT_EQ(limiter.tracked_keys(), 0u);
}

TEST(RateLimiter, MemoryIsBoundedByMaxKeys) {
  RateLimiter limiter(2, 60s, 100);
  auto t0 = Clock::time_point{} + 1000s;
  for (int i = 0; i < 1000; ++i)
    limiter.acquire("k" + std::to_string(i), t0 + std::chrono::milliseconds(i));
  EXPECT_LE(limiter.tracked_keys(), 100u);
  // The most recent keys are kept (least recently used go first) and stay limited.
  EXPECT_FALSE(limiter.acquire("k999", t0 + 1s));
  EXPECT_TRUE(limiter.acquire("k999", t0 + 1s));
  // Buckets that have refilled are the same as no entry: they go first when room is needed.
  EXPECT_FALSE(limiter.acquire("fresh", t0 + 3600s));
  EXPECT_EQ(limiter.tracked_keys(), 1u);
}

TEST(RateLimiter, LockedKeysAreEvictedLast) {
  RateLimiter limiter(2, 900s, 10);
  auto t0 = Clock::time_point{} + 1000s;
  limiter.consume("victim", t0);
  limiter.consume("victim", t0);
  ASSERT_TRUE(limiter.check("victim", t0));
  // A flood of fresh keys, each more recent than the lock, never evicts it.
  for (int i = 0; i < 100; ++i) limiter.consume("k" + std::to_string(i), t0 + 1s);
  EXPECT_LE(limiter.tracked_keys(), 10u);
  EXPECT_TRUE(limiter.check("victim", t0 + 2s));
}

TEST(RateLimiter, CheckTakesNothingAndConsumeBacksOff) {
  RateLimiter limiter(2, 60s);  // one token per 30 s
  auto t0 = Clock::time_point{} + 1000s;
  EXPECT_FALSE(limiter.check("a", t0));
  EXPECT_FALSE(limiter.spent("a", t0));
  limiter.consume("a", t0);
  EXPECT_TRUE(limiter.spent("a", t0));
  EXPECT_FALSE(limiter.check("a", t0));
  limiter.consume("a", t0);
  EXPECT_EQ(limiter.check("a", t0), 30s);
  // Failures while locked push the end of the lock out, bounded by one more window.
  limiter.consume("a", t0);
  limiter.consume("a", t0);
  limiter.consume("a", t0);
  EXPECT_EQ(limiter.check("a", t0), 90s);
}

TEST(RateLimiter, ConcurrentAttemptsNeverExceedTheCapacity) {
  RateLimiter limiter(50, 3600s);
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i)
        if (!limiter.acquire("shared")) ++allowed;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 50);
}

TEST(ClientKey, Ipv4AsIsIpv6ByPrefix) {
  EXPECT_EQ(client_key("127.0.0.2"), "127.0.0.2");
  EXPECT_EQ(client_key("::ffff:10.1.2.3"), "10.1.2.3");
  EXPECT_EQ(client_key("2001:db8:1:2:aaaa::1"), client_key("2001:db8:1:2:bbbb::7"));
  EXPECT_NE(client_key("2001:db8:1:2::1"), client_key("2001:db8:1:3::1"));
  EXPECT_EQ(client_key("2001:db8:1:2::1"), "2001:0db8:0001:0002::/64");
  EXPECT_EQ(client_key("not an address"), "not an address");
}

}  // namespace
}  // namespace artdag::services
