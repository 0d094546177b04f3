// GET /metrics on the real server: who may read it, that promtool accepts it, and that its
// counters move when requests, claims, inbox refusals and deliveries happen. Runs once per
// backend.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "harness.h"
#include "inbox_receiver.h"

namespace artdag::test {
namespace {

using namespace std::chrono_literals;

class MetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (postgresql_unavailable())
      GTEST_SKIP() << "ARTDAG_TEST_PG_URL not set: PostgreSQL half skipped";
  }
  void TearDown() override {
    if (HasFailure() && server_) std::cerr << "---- server log ----\n" << server_->log();
  }

  void start(std::map<std::string, std::string> env = {}) {
    env.emplace("ARTDAG_DELIVERY_RETRY_SCALE", "0.02");
    server_ = std::make_unique<ServerProcess>(std::move(env));
    ASSERT_TRUE(server_->start()) << server_->log();
  }

  std::string scrape(const Headers& headers = {}) {
    auto r = http_request("GET", server_->url("/metrics"), headers);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    return r.body;
  }

  std::unique_ptr<ServerProcess> server_;
};

TEST_F(MetricsTest, OnlyAllowedAddressesOrTheTokenMayReadIt) {
  start({{"ARTDAG_METRICS_ALLOW", "127.0.0.2/32"},
         {"ARTDAG_METRICS_TOKEN", "a-metrics-token-of-some-length"}});
  auto refused = http_request("GET", server_->url("/metrics"));  // from 127.0.0.1
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_NE(refused.json()["detail"].get<std::string>().find("ARTDAG_METRICS_ALLOW"),
            std::string::npos);
  auto allowed =
      http_request("GET", server_->url("/metrics"), {}, std::nullopt, 30000, "127.0.0.2");
  EXPECT_EQ(allowed.status, 200) << allowed.body;
  EXPECT_EQ(allowed.header("cache-control"), "no-store");
  auto with_token = http_request("GET", server_->url("/metrics"),
                                 {"Authorization: Bearer a-metrics-token-of-some-length"});
  EXPECT_EQ(with_token.status, 200) << with_token.body;
  auto wrong_token = http_request("GET", server_->url("/metrics"),
                                  {"Authorization: Bearer a-metrics-token-of-some-lengtx"});
  EXPECT_EQ(wrong_token.status, 401) << wrong_token.body;
}

TEST_F(MetricsTest, NoAllowedAddressAndNoTokenServesNobody) {
  start({{"ARTDAG_METRICS_ALLOW", "none"}});
  EXPECT_EQ(http_request("GET", server_->url("/metrics")).status, 403);
}

TEST_F(MetricsTest, CountersMoveWithRequestsClaimsInboxRefusalsAndDeliveries) {
  InboxReceiver receiver;
  receiver.set_handler([](const ReceivedRequest& r) {
    return ReceiverReply{r.path() == "/gone/inbox" ? 404 : 202, {}, false};
  });
  start();
  const auto token = register_user(*server_, "alice");
  {
    auto store = server_->open_store();
    for (const std::string path : {"/bob", "/gone"}) {
      store::Follower f;
      f.username = "alice";
      f.actor_url = receiver.url(path);
      f.inbox = receiver.url(path + "/inbox");
      ASSERT_TRUE(store->add_follower(f));
    }
  }
  const auto before = scrape();

  auto created = http_request(
      "POST", server_->url("/assets"),
      {"Authorization: Bearer " + token, "Content-Type: application/json"},
      R"({"name":"work-1","content_hash":")" + std::string(64, 'a') + R"(","asset_type":"image"})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto unsigned_post =
      http_request("POST", server_->url("/inbox"), {"Content-Type: application/activity+json"},
                   R"({"type":"Follow","actor":"https://x.example/a"})");
  EXPECT_EQ(unsigned_post.status, 401);
  EXPECT_EQ(http_request("GET", server_->url("/no/such/page")).status, 404);
  ASSERT_TRUE(eventually([&] { return receiver.count() >= 2; }, 15s));

  std::string after;
  ASSERT_TRUE(eventually(
      [&] {
        after = scrape();
        return metric_sample(after, R"(artdag_delivery_attempts_total{outcome="delivered"})") >=
                   1 &&
               metric_sample(after, R"(artdag_delivery_attempts_total{outcome="dropped"})") >= 1 &&
               metric_sample(after, "artdag_claim_log_checkpoint_size") >= 1;
      },
      10s))
      << after;
  const auto moved = [&](const std::string& series) {
    return std::max(0.0, metric_sample(after, series)) -
           std::max(0.0, metric_sample(before, series));
  };
  EXPECT_EQ(moved(R"(artdag_http_requests_total{method="POST",route="/assets",status="201"})"), 1);
  EXPECT_EQ(moved(R"(artdag_http_requests_total{method="GET",route="none",status="404"})"), 1);
  EXPECT_EQ(moved("artdag_claims_registered_total"), 1);
  EXPECT_EQ(moved(R"(artdag_inbox_requests_total{result="signature_check"})"), 1);
  EXPECT_EQ(moved(R"(artdag_signature_failures_total{reason="signature_check"})"), 1);
  EXPECT_EQ(moved(R"(artdag_delivery_failures_total{kind="http_4xx"})"), 1);
  EXPECT_EQ(metric_sample(after, "artdag_claim_log_entries"), 1);
  EXPECT_EQ(metric_sample(after, "artdag_claim_log_integration_lag_entries"), 0);
  EXPECT_EQ(metric_sample(after, "artdag_delivery_queue_depth"), 0);
  EXPECT_GE(moved(R"(artdag_http_request_duration_seconds_count{method="POST",route="/assets"})"),
            1);
  EXPECT_EQ(moved(R"(artdag_http_requests_total{method="POST",route="/inbox",status="401"})"), 1);
}

// promtool (Debian's prometheus package, installed by scripts/install-deps.sh --test) is
// the reference parser and linter of the text format.
TEST_F(MetricsTest, PromtoolAcceptsTheExposition) {
  const std::filesystem::path promtool = "/usr/bin/promtool";
  ASSERT_TRUE(std::filesystem::exists(promtool))
      << "promtool is missing: scripts/install-deps.sh --test installs it";
  start();
  register_user(*server_, "carol");
  http_request("GET", server_->url("/users/carol"), {"Accept: application/activity+json"});
  const auto text = scrape();
  EXPECT_NE(text.find(R"(route="/users/{username}")"), std::string::npos)
      << "the route label is the pattern, not the path";
  const auto file = server_->data_dir() / "metrics.txt";
  std::ofstream(file) << text;
  const std::string command = promtool.string() + " check metrics < " + file.string() + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  EXPECT_EQ(pclose(pipe), 0) << output << "\n---- exposition ----\n" << text;
  EXPECT_EQ(output, "") << "promtool's lint findings";
}

}  // namespace
}  // namespace artdag::test
