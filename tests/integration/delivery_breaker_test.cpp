// The per-host delivery circuit breaker against the real binary, on both backends: a host
// that fails five times in a row has its jobs held (no requests reach it, no attempts are
// spent) until the probe time; when it recovers, the probe and then every held job are
// delivered exactly once.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>

#include "harness.h"
#include "inbox_receiver.h"
#include "util/time.h"

namespace artdag::test {
namespace {

using namespace std::chrono_literals;

TEST(DeliveryBreaker, AFailingHostIsHeldThenEverythingIsDeliveredOnce) {
  if (postgresql_unavailable()) GTEST_SKIP() << "ARTDAG_TEST_PG_URL not set";
  std::atomic<bool> down{true};
  InboxReceiver receiver;
  receiver.set_handler([&](const ReceivedRequest&) {
    return ReceiverReply{down ? 503 : 202, {}, false};
  });
  ServerProcess server(
      std::map<std::string, std::string>{{"ARTDAG_DELIVERY_RETRY_SCALE", "0.02"},
                                         {"ARTDAG_DELIVERY_TIMEOUT_SECONDS", "3"},
                                         {"ARTDAG_DELIVERY_LEASE_SECONDS", "5"},
                                         {"ARTDAG_DELIVERY_BREAKER_OPEN_SECONDS", "4"}});
  ASSERT_TRUE(server.start()) << server.log();
  const auto token = register_user(server, "alice");
  {
    auto store = server.open_store();
    store::Follower f;
    f.username = "alice";
    f.actor_url = receiver.url("/users/bob");
    f.inbox = receiver.url("/users/bob/inbox");
    ASSERT_TRUE(store->add_follower(f));
  }
  std::set<std::string> created;
  for (int n = 0; n < 6; ++n) {
    char hash[65];
    std::snprintf(hash, sizeof hash, "%064x", 0xb4ea6e4 + n);
    auto r = http_request(
        "POST", server.url("/assets"),
        {"Authorization: Bearer " + token, "Content-Type: application/json"},
        Json{{"name", "held-" + std::to_string(n)}, {"content_hash", hash}, {"asset_type", "image"}}
            .dump());
    ASSERT_EQ(r.status, 201) << r.body;
    created.insert(r.json()["activity"]["id"].get<std::string>());
  }

  // Five failures open the breaker (a sixth may have been in flight already).
  ASSERT_TRUE(receiver.wait_for_count(5, 15s)) << server.log();
  std::this_thread::sleep_for(1s);
  const auto while_open = receiver.count();
  EXPECT_LE(while_open, 9u);
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(receiver.count(), while_open) << "the host's jobs are held while the breaker is open";
  auto metrics = http_request("GET", server.url("/metrics"));
  EXPECT_EQ(metric_sample(metrics.body, "artdag_delivery_open_circuit_breakers"), 1)
      << metrics.body;
  {
    auto store = server.open_store();
    EXPECT_EQ(store->list_deliveries("dead", 10).size(), 0u) << "nothing given up";
    EXPECT_EQ(store->delivery_counts().pending, 6);
  }

  down = false;
  ASSERT_TRUE(eventually([&] { return server.open_store()->delivery_counts().pending == 0; }, 20s))
      <<
      [&] {
        std::string out = "now " + std::to_string(unix_now()) + "\n";
        for (const auto& j : server.open_store()->list_deliveries("pending", 10))
          out += std::to_string(j.id) + " attempts " + std::to_string(j.attempts) + " due " +
                 std::to_string(j.next_attempt_at) + " " + j.last_error + "\n";
        return out;
      }()
      << server.log();
  std::set<std::string> arrived;
  for (const auto& r : receiver.requests()) {
    auto body = Json::parse(r.body, nullptr, false);
    if (!body.is_discarded()) arrived.insert(body.value("id", ""));
  }
  EXPECT_EQ(arrived, created);
  auto store = server.open_store();
  EXPECT_EQ(store->list_deliveries("dead", 10).size(), 0u);
  metrics = http_request("GET", server.url("/metrics"));
  EXPECT_EQ(metric_sample(metrics.body, "artdag_delivery_open_circuit_breakers"), 0);
  EXPECT_EQ(metric_sample(metrics.body, R"(artdag_delivery_attempts_total{outcome="delivered"})"),
            6);
}

}  // namespace
}  // namespace artdag::test
