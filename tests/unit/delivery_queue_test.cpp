// The delivery queue half of the store contract (Store "Delivery queue"), run against every
// backend: SQLite on a temporary file always, PostgreSQL when ARTDAG_TEST_PG_URL names a
// server (scripts/start-test-postgres.sh). Each PostgreSQL test gets a schema of its own.
// Concurrency tests use one Store per thread, as separate server processes would.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"
#include "util/time.h"

namespace artdag::store {
namespace {

void pg_admin(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("test PostgreSQL unreachable: " + msg);
  }
  PQsetNoticeProcessor(
      c, [](void*, const char*) {}, nullptr);
  PGresult* r = PQexec(c, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
  std::string msg = PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  if (!ok) throw std::runtime_error("test setup SQL failed: " + msg);
}

std::string hash_of(int n) {
  char buf[65];
  std::snprintf(buf, sizeof buf, "%064x", n);
  return buf;
}

NewAsset make_asset(const std::string& name, const std::string& hash, const std::string& owner) {
  NewAsset n;
  n.asset.name = name;
  n.asset.content_hash = hash;
  n.asset.asset_type = "image";
  n.asset.owner = owner;
  n.asset.created_at = "2026-01-02T03:04:05Z";
  return n;
}

// A signed activity as the registry hands it to the store (its id names the object).
NewActivity activity(const std::string& type, const std::string& actor, const std::string& hash) {
  const std::string id = "https://l2.test/activities/" + type + "-" + hash;
  return {id,
          type,
          actor,
          hash,
          "2026-01-02T03:04:05Z",
          R"({"id":")" + id + R"(","type":")" + type + R"("})"};
}

Follower follower(const std::string& username, const std::string& actor, const std::string& inbox,
                  const std::string& shared_inbox) {
  return {0, username, actor, inbox, shared_inbox, ""};
}

std::multiset<std::string> inboxes(const std::vector<DeliveryJob>& jobs) {
  std::multiset<std::string> out;
  for (const auto& j : jobs) out.insert(j.inbox_url);
  return out;
}

class DeliveryQueueTest : public ::testing::TestWithParam<std::string> {
 protected:
  bool is_pg() const { return GetParam() == "postgresql"; }

  void SetUp() override {
    if (is_pg()) {
      const char* url = std::getenv("ARTDAG_TEST_PG_URL");
      pg_url_ = url ? url : "";
      if (pg_url_.empty())
        GTEST_SKIP() << "ARTDAG_TEST_PG_URL is not set: PostgreSQL half skipped (start a "
                        "server with scripts/start-test-postgres.sh and export its URL)";
      static std::atomic<int> counter{0};
      schema_ = "artdag_dq_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
                std::to_string(unix_now() % 100000);
      pg_admin(pg_url_, "CREATE SCHEMA " + schema_);
      location_ = pg_url_ + (pg_url_.find('?') == std::string::npos ? "?" : "&") +
                  "options=-csearch_path%3D" + schema_;
    } else {
      std::string tmpl = (std::filesystem::temp_directory_path() / "artdag-dq-XXXXXX").string();
      if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
      dir_ = tmpl;
      location_ = dir_ + "/l2.db";
    }
    store_ = open();
    store_->migrate();
    ASSERT_TRUE(store_->create_user({"alice", "", "h", ""}));
    ASSERT_TRUE(store_->create_user({"bob", "", "h", ""}));
  }

  void TearDown() override {
    store_.reset();
    if (!schema_.empty()) {
      try {
        pg_admin(pg_url_, "DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    }
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<Store> open(int pool_size = 4) {
    return open_store(location_, StoreOptions{.pool_size = pool_size});
  }

  Asset create(const std::string& name, int n, const std::string& owner = "alice") {
    auto r = store_->create_asset_with_activity(make_asset(name, hash_of(n), owner),
                                                activity("Create", owner, hash_of(n)));
    if (!std::holds_alternative<Asset>(r)) throw std::runtime_error("expected an asset");
    return std::get<Asset>(r);
  }

  std::string pg_url_, schema_, dir_, location_;
  std::unique_ptr<Store> store_;
};

TEST_P(DeliveryQueueTest, FanOutMakesOneJobPerDistinctInboxSharedInboxPreferred) {
  // alice: three followers on one host sharing an inbox, one without a shared inbox, and one
  // on another host. bob's follower must not get alice's activity.
  store_->add_follower(follower("alice", "https://a.example/users/1",
                                "https://a.example/users/1/inbox", "https://a.example/inbox"));
  store_->add_follower(follower("alice", "https://a.example/users/2",
                                "https://a.example/users/2/inbox", "https://a.example/inbox"));
  store_->add_follower(follower("alice", "https://a.example/users/3",
                                "https://a.example/users/3/inbox", "https://a.example/inbox"));
  store_->add_follower(
      follower("alice", "https://c.example/u/4", "https://c.example/u/4/inbox", ""));
  store_->add_follower(follower("alice", "https://b.example/users/5",
                                "https://b.example/users/5/inbox", "https://b.example/inbox"));
  store_->add_follower(follower("bob", "https://d.example/users/6",
                                "https://d.example/users/6/inbox", "https://d.example/inbox"));

  const int64_t now = 1000;
  EXPECT_EQ(store_->expand_fanouts(now, 10), 0);  // nothing appended yet
  Asset a = create("a", 1);
  EXPECT_EQ(store_->delivery_counts().fanouts, 1);
  EXPECT_EQ(store_->expand_fanouts(now, 10), 3);
  EXPECT_EQ(store_->expand_fanouts(now, 10), 0);  // consumed once
  auto counts = store_->delivery_counts();
  EXPECT_EQ(counts.fanouts, 0);
  EXPECT_EQ(counts.pending, 3);
  EXPECT_EQ(counts.dead, 0);

  auto jobs = store_->claim_deliveries("w", now, now + 60, 10);
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(inboxes(jobs),
            (std::multiset<std::string>{"https://a.example/inbox", "https://b.example/inbox",
                                        "https://c.example/u/4/inbox"}));
  auto stored = store_->find_activity(a.activity_index);
  ASSERT_TRUE(stored);
  for (const auto& j : jobs) {
    EXPECT_EQ(j.sender, "alice");
    EXPECT_EQ(j.payload, stored->json);  // the exact bytes, signed as stored
    EXPECT_EQ(j.attempts, 0);
    EXPECT_EQ(j.next_attempt_at, now);
  }

  // An Announce by bob goes to bob's followers only.
  store_->append_activity(activity("Announce", "bob", a.content_hash));
  EXPECT_EQ(store_->expand_fanouts(now, 10), 1);
  auto bobs = store_->claim_deliveries("w", now, now + 60, 10);
  ASSERT_EQ(bobs.size(), 1u);
  EXPECT_EQ(bobs[0].sender, "bob");
  EXPECT_EQ(bobs[0].inbox_url, "https://d.example/inbox");
}

TEST_P(DeliveryQueueTest, ActivitiesWithoutFollowersLeaveNoJobAndBatchesAreBounded) {
  // Nobody follows alice: her activities are not queued for fan-out at all.
  for (int i = 0; i < 3; ++i) create("n" + std::to_string(i), i);
  EXPECT_EQ(store_->delivery_counts().fanouts, 0);
  EXPECT_EQ(store_->expand_fanouts(1000, 10), 0);

  // bob has a follower: each of his activities is, and expansion takes batches.
  store_->add_follower(follower("bob", "https://d.example/users/6",
                                "https://d.example/users/6/inbox", "https://d.example/inbox"));
  for (int i = 10; i < 15; ++i) create("b" + std::to_string(i), i, "bob");
  EXPECT_EQ(store_->delivery_counts().fanouts, 5);
  EXPECT_EQ(store_->expand_fanouts(1000, 2), 2);
  EXPECT_EQ(store_->delivery_counts().fanouts, 3);
  EXPECT_EQ(store_->expand_fanouts(1000, 10), 3);
  EXPECT_EQ(store_->delivery_counts().fanouts, 0);
  EXPECT_EQ(store_->delivery_counts().pending, 5);
}

TEST_P(DeliveryQueueTest, LeasesHideJobsUntilTheyExpire) {
  const int64_t now = 5000;
  std::vector<int64_t> ids;
  for (int i = 0; i < 3; ++i)
    ids.push_back(store_->enqueue_delivery("alice", "https://x.example/inbox" + std::to_string(i),
                                           "{}", now));
  for (auto id : ids) EXPECT_GT(id, 0);
  EXPECT_TRUE(store_->claim_deliveries("w0", now - 1, now + 99, 10).empty());  // not due yet

  auto first = store_->claim_deliveries("w1", now, now + 100, 2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].id, ids[0]);  // oldest first
  EXPECT_EQ(first[1].id, ids[1]);
  auto second = store_->claim_deliveries("w2", now, now + 100, 10);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].id, ids[2]);
  EXPECT_TRUE(store_->claim_deliveries("w3", now + 99, now + 199, 10).empty());
  EXPECT_EQ(store_->delivery_counts().pending, 3);  // leased jobs are still pending

  // The lease ran out (a worker died): anyone may take the jobs again.
  auto again = store_->claim_deliveries("w3", now + 100, now + 200, 10);
  EXPECT_EQ(again.size(), 3u);
  EXPECT_TRUE(store_->claim_deliveries("w4", now + 150, now + 250, 10).empty());
}

TEST_P(DeliveryQueueTest, CompleteRetryAndDrop) {
  const int64_t now = 7000;
  int64_t ok = store_->enqueue_delivery("alice", "https://ok.example/inbox", "{\"a\":1}", now);
  int64_t flaky =
      store_->enqueue_delivery("alice", "https://flaky.example/inbox", "{\"a\":2}", now);
  int64_t gone = store_->enqueue_delivery("alice", "https://gone.example/inbox", "{\"a\":3}", now);
  ASSERT_EQ(store_->claim_deliveries("w", now, now + 120, 10).size(), 3u);

  store_->complete_delivery(ok);
  store_->retry_delivery(flaky, now + 30, "HTTP 503");
  store_->drop_delivery(gone, "HTTP 410");

  auto counts = store_->delivery_counts();
  EXPECT_EQ(counts.pending, 1);
  EXPECT_EQ(counts.dead, 1);

  // The retried job lost its lease and waits for its time.
  EXPECT_TRUE(store_->claim_deliveries("w2", now + 29, now + 200, 10).empty());
  auto retried = store_->claim_deliveries("w2", now + 30, now + 200, 10);
  ASSERT_EQ(retried.size(), 1u);
  EXPECT_EQ(retried[0].id, flaky);
  EXPECT_EQ(retried[0].attempts, 1);
  EXPECT_EQ(retried[0].last_error, "HTTP 503");
  EXPECT_EQ(retried[0].next_attempt_at, now + 30);
  EXPECT_EQ(retried[0].payload, "{\"a\":2}");
  store_->retry_delivery(flaky, now + 40, "timed out");
  auto pending = store_->list_deliveries("pending", 10);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].attempts, 2);
  EXPECT_EQ(pending[0].last_error, "timed out");

  // The dropped job is kept, dead, and never handed out again.
  auto dead = store_->list_deliveries("dead", 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].id, gone);
  EXPECT_EQ(dead[0].inbox_url, "https://gone.example/inbox");
  EXPECT_EQ(dead[0].last_error, "HTTP 410");
  EXPECT_EQ(dead[0].attempts, 1);
  EXPECT_EQ(store_->claim_deliveries("w3", now + 1'000'000, now + 2'000'000, 10).size(), 1u);
}

TEST_P(DeliveryQueueTest, DeadJobsArePurgedAfterTheirLastAttemptOnly) {
  const int64_t now = 9000;
  const int64_t early = store_->enqueue_delivery("alice", "https://a.example/inbox", "{}", now);
  const int64_t late =
      store_->enqueue_delivery("alice", "https://b.example/inbox", "{}", now + 100);
  const int64_t waiting =
      store_->enqueue_delivery("alice", "https://c.example/inbox", "{}", now - 5000);
  ASSERT_EQ(store_->claim_deliveries("w", now + 100, now + 300, 10).size(), 3u);
  store_->drop_delivery(early, "HTTP 404");
  store_->drop_delivery(late, "HTTP 410");
  store_->retry_delivery(waiting, now - 4000, "HTTP 503");  // pending: never purged

  EXPECT_EQ(store_->purge_dead_deliveries(now), 0);  // both died at or after `now`
  EXPECT_EQ(store_->purge_dead_deliveries(now + 1), 1);
  auto dead = store_->list_deliveries("dead", 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].id, late);
  EXPECT_EQ(store_->purge_dead_deliveries(now + 1'000'000), 1);
  EXPECT_TRUE(store_->list_deliveries("dead", 10).empty());
  auto pending = store_->list_deliveries("pending", 10);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].id, waiting);
}

TEST_P(DeliveryQueueTest, ConcurrentClaimersNeverGetTheSameJob) {
  const int64_t now = 9000;
  const int kJobs = 400;
  for (int i = 0; i < kJobs; ++i)
    store_->enqueue_delivery("alice", "https://h" + std::to_string(i) + ".example/inbox", "{}",
                             now);

  // Four workers, each with a Store of its own (separate connections: separate processes).
  const int kWorkers = 4;
  std::vector<std::unique_ptr<Store>> stores;
  for (int w = 0; w < kWorkers; ++w) stores.push_back(open(2));
  std::mutex mu;
  std::map<int64_t, int> claimed;  // job id -> worker
  std::vector<std::string> duplicates, errors;
  std::latch go(kWorkers);
  std::vector<std::thread> threads;
  for (int w = 0; w < kWorkers; ++w) {
    threads.emplace_back([&, w] {
      go.arrive_and_wait();
      try {
        for (;;) {
          auto jobs = stores[w]->claim_deliveries("w" + std::to_string(w), now, now + 600, 7);
          if (jobs.empty()) break;
          std::lock_guard lock(mu);
          for (const auto& j : jobs)
            if (!claimed.emplace(j.id, w).second)
              duplicates.push_back(std::to_string(j.id) + " by " + std::to_string(w));
        }
      } catch (const std::exception& e) {
        std::lock_guard lock(mu);
        errors.push_back(e.what());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_TRUE(errors.empty()) << errors.front();
  EXPECT_TRUE(duplicates.empty()) << duplicates.size() << " jobs claimed twice, e.g. "
                                  << duplicates.front();
  EXPECT_EQ(claimed.size(), static_cast<size_t>(kJobs));
}

TEST_P(DeliveryQueueTest, ConcurrentExpandersExpandEachActivityOnce) {
  for (int f = 0; f < 6; ++f)
    store_->add_follower(
        follower("alice", "https://h" + std::to_string(f % 3) + ".example/u/" + std::to_string(f),
                 "https://h" + std::to_string(f % 3) + ".example/u/" + std::to_string(f) + "/inbox",
                 "https://h" + std::to_string(f % 3) + ".example/inbox"));
  const int kActivities = 30;
  for (int i = 0; i < kActivities; ++i) create("c" + std::to_string(i), i);

  const int kWorkers = 3;
  std::vector<std::unique_ptr<Store>> stores;
  for (int w = 0; w < kWorkers; ++w) stores.push_back(open(2));
  std::atomic<int64_t> created{0};
  std::mutex mu;
  std::vector<std::string> errors;
  std::latch go(kWorkers);
  std::vector<std::thread> threads;
  for (int w = 0; w < kWorkers; ++w) {
    threads.emplace_back([&, w] {
      go.arrive_and_wait();
      try {
        for (int round = 0; round < 50 && stores[w]->delivery_counts().fanouts > 0; ++round)
          created += stores[w]->expand_fanouts(1000, 4);
      } catch (const std::exception& e) {
        std::lock_guard lock(mu);
        errors.push_back(e.what());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_TRUE(errors.empty()) << errors.front();
  EXPECT_EQ(created.load(), kActivities * 3);  // three shared inboxes per activity
  EXPECT_EQ(store_->delivery_counts().pending, kActivities * 3);
  EXPECT_EQ(store_->delivery_counts().fanouts, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, DeliveryQueueTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace artdag::store
