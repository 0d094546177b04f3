// The DeliveryWorker in this process against a real store (SQLite file, or PostgreSQL when
// ARTDAG_TEST_BACKEND=postgresql) and a local inbox receiver: wake-ups, the outbound guard,
// the concurrency bound, a graceful stop, and two workers sharing one queue.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "activitypub/remote_documents.h"
#include "activitypub/uris.h"
#include "crypto/key_store.h"
#include "harness.h"
#include "inbox_receiver.h"
#include "services/federation/delivery.h"
#include "store/store.h"
#include "util/net.h"
#include "util/time.h"

namespace artdag::services::federation {
namespace {

using namespace std::chrono_literals;
using test::InboxReceiver;
using test::ReceivedRequest;
using test::ReceiverReply;

template <class F>
bool eventually(F done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

net::OutboundPolicy loopback_allowed() {
  return net::OutboundPolicy{*parse_cidr_list("127.0.0.0/8")};
}

DeliveryOptions fast_options(int concurrency = 4) {
  DeliveryOptions o;
  o.concurrency = concurrency;
  o.poll_interval = 50ms;
  o.request_timeout = 2s;
  o.lease_seconds = 30;
  o.retry.scale = 0;  // retry at once
  return o;
}

class DeliveryWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (test::postgresql_unavailable())
      GTEST_SKIP() << "ARTDAG_TEST_PG_URL not set: PostgreSQL half skipped";
    location_ =
        test::using_postgresql() ? test::fresh_database_url() : (dir_.path() / "l2.db").string();
    store_ = open();
    store_->migrate();
    keys_ = std::make_unique<crypto::KeyStore>(dir_.path() / "keys");
    keys_->ensure("alice");
  }

  std::unique_ptr<store::Store> open() { return store::open_store(location_, {.pool_size = 4}); }

  std::unique_ptr<DeliveryWorker> worker(store::Store& store, DeliveryOptions options,
                                         net::OutboundPolicy policy = loopback_allowed()) {
    return std::make_unique<DeliveryWorker>(store, *keys_, uris_, notifier_, std::move(policy),
                                            options);
  }

  int64_t enqueue(const std::string& inbox) {
    return store_->enqueue_delivery("alice", inbox, R"({"type":"Create"})", unix_now());
  }

  test::TempDir dir_;
  std::string location_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<crypto::KeyStore> keys_;
  activitypub::Uris uris_{"https://l2.test", "l2.test"};
  DeliveryNotifier notifier_;
  InboxReceiver receiver_;
};

TEST_F(DeliveryWorkerTest, NotifyWakesTheWorkerAtOnce) {
  auto options = fast_options();
  options.poll_interval = 30s;  // only a notification can start this delivery in time
  auto w = worker(*store_, options);
  w->start();
  std::this_thread::sleep_for(200ms);  // the first poll has passed: the worker sleeps
  enqueue(receiver_.url("/a/inbox"));
  auto sent = std::chrono::steady_clock::now();
  w->notify();
  ASSERT_TRUE(receiver_.wait_for_count(1, 10s));
  EXPECT_LT(std::chrono::steady_clock::now() - sent, 5s);  // the next poll is 30 s away
  EXPECT_TRUE(eventually([&] { return store_->delivery_counts().pending == 0; }, 5s));
  w->stop();
  EXPECT_EQ(w->stats().delivered, 1u);
  EXPECT_EQ(w->stats().dropped, 0u);
}

TEST_F(DeliveryWorkerTest, PrivateTargetsRefusedByTheGuardAreDropped) {
  auto w = worker(*store_, fast_options(), net::OutboundPolicy{});  // nothing private allowed
  w->start();
  enqueue(receiver_.url("/a/inbox"));
  w->notify();
  ASSERT_TRUE(eventually([&] { return store_->delivery_counts().dead == 1; }, 5s));
  auto dead = store_->list_deliveries("dead", 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_NE(dead[0].last_error.find("outbound guard"), std::string::npos) << dead[0].last_error;
  EXPECT_EQ(receiver_.count(), 0u);
  w->stop();
}

TEST_F(DeliveryWorkerTest, DeadJobsArePurgedOnceTheirKeepTimeHasPassed) {
  // An old dead job (its last attempt due long ago) and a fresh one.
  const int64_t old_job = store_->enqueue_delivery("alice", receiver_.url("/old/inbox"),
                                                   R"({"type":"Create"})", unix_now() - 7200);
  ASSERT_EQ(store_->claim_deliveries("setup", unix_now(), unix_now() + 60, 10).size(), 1u);
  store_->drop_delivery(old_job, "HTTP 404");
  auto options = fast_options();
  options.dead_job_keep = std::chrono::hours(1);
  auto w = worker(*store_, options, net::OutboundPolicy{});  // the fresh job dies at once
  w->start();
  enqueue(receiver_.url("/a/inbox"));
  w->notify();
  ASSERT_TRUE(eventually([&] { return w->stats().dropped == 1; }, 5s));
  // The first claim purged the old one; the fresh one is kept for an hour.
  auto dead = store_->list_deliveries("dead", 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_NE(dead[0].id, old_job);
  w->stop();
}

TEST_F(DeliveryWorkerTest, ADraftCavageOriginIsAskedWithRfc9421AgainAfterAFewDays) {
  const std::string inbox = receiver_.url("/a/inbox");
  const std::string origin = *activitypub::url_origin(inbox);
  // Learnt recently: draft-cavage straight away.
  store_->remember_signature_style(origin, "cavage", unix_now() - 60);
  {
    auto w = worker(*store_, fast_options());
    w->start();
    enqueue(inbox);
    w->notify();
    ASSERT_TRUE(receiver_.wait_for_count(1, 10s));
    w->stop();
  }
  EXPECT_EQ(receiver_.requests()[0].header("signature-input"), "");
  EXPECT_NE(receiver_.requests()[0].header("signature"), "");
  // Learnt longer ago than kSignatureStyleRecheckSeconds: RFC 9421 is tried again (a new
  // process, so nothing is remembered in memory), and taken.
  store_->remember_signature_style(origin, "cavage",
                                   unix_now() - kSignatureStyleRecheckSeconds - 60);
  auto w = worker(*store_, fast_options());
  w->start();
  enqueue(inbox);
  w->notify();
  ASSERT_TRUE(receiver_.wait_for_count(2, 10s));
  w->stop();
  EXPECT_NE(receiver_.requests()[1].header("signature-input"), "");
  EXPECT_EQ(store_->signature_style(origin)->style, "rfc9421");
}

TEST_F(DeliveryWorkerTest, NoMoreThanConcurrencyPostsAreInFlight) {
  std::atomic<bool> hang{true};
  receiver_.set_handler([&](const ReceivedRequest&) {
    ReceiverReply r;
    r.hang = hang.load();
    return r;
  });
  for (int i = 0; i < 10; ++i) enqueue(receiver_.url("/h" + std::to_string(i) + "/inbox"));
  auto options = fast_options(3);
  options.request_timeout = 10s;
  auto w = worker(*store_, options);
  w->start();
  ASSERT_TRUE(receiver_.wait_for_count(3, 5s));
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(receiver_.count(), 3u);

  // Unblocked (the hung exchanges fail and are retried at once), everything gets through.
  hang = false;
  receiver_.release_hung();
  EXPECT_TRUE(eventually([&] { return store_->delivery_counts().pending == 0; }, 10s));
  EXPECT_EQ(w->stats().delivered, 10u);
  EXPECT_EQ(store_->delivery_counts().dead, 0);
  w->stop();
}

TEST_F(DeliveryWorkerTest, AStallingHostHoldsNoMoreThanItsShareOfTheSenders) {
  // Host A (this receiver) never answers; host B (another port, another origin) answers.
  receiver_.set_handler([](const ReceivedRequest&) {
    ReceiverReply r;
    r.hang = true;
    return r;
  });
  InboxReceiver other;
  for (int i = 0; i < 10; ++i) enqueue(receiver_.url("/a" + std::to_string(i) + "/inbox"));
  for (int i = 0; i < 5; ++i) enqueue(other.url("/b" + std::to_string(i) + "/inbox"));
  auto options = fast_options(8);
  options.per_host = 2;
  options.per_host_postpone = 1s;
  options.request_timeout = 10s;
  auto w = worker(*store_, options);
  w->start();
  // B's five get through although A's ten were queued first and eight senders exist.
  ASSERT_TRUE(other.wait_for_count(5, 5s));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(receiver_.count(), 2u);
  EXPECT_EQ(w->stats().delivered, 5u);

  // Once A answers, its jobs go through, two at a time; the postponed ones lost no attempt.
  receiver_.set_handler([](const ReceivedRequest&) { return ReceiverReply{}; });
  receiver_.release_hung();
  EXPECT_TRUE(eventually([&] { return store_->delivery_counts().pending == 0; }, 15s));
  EXPECT_EQ(store_->delivery_counts().dead, 0);
  EXPECT_EQ(w->stats().delivered, 15u);
  EXPECT_EQ(w->stats().retried, 2u);  // the two hung POSTs, failed when released
  w->stop();
}

TEST_F(DeliveryWorkerTest, StopWaitsForInFlightPostsAndLeavesNothingLeased) {
  receiver_.set_handler([](const ReceivedRequest&) {
    ReceiverReply r;
    r.hang = true;
    return r;
  });
  enqueue(receiver_.url("/x/inbox"));
  enqueue(receiver_.url("/y/inbox"));
  auto options = fast_options(2);
  options.request_timeout = 1s;
  auto w = worker(*store_, options);
  w->start();
  ASSERT_TRUE(receiver_.wait_for_count(2, 5s));
  auto started = std::chrono::steady_clock::now();
  w->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);  // 1 s timeout, then records
  EXPECT_EQ(w->stats().retried, 2u);
  // Both wait for their (immediate) retry with no lease: another worker takes them now.
  const int64_t now = unix_now();
  auto again = store_->claim_deliveries("someone-else", now, now + 60, 10);
  ASSERT_EQ(again.size(), 2u);
  for (const auto& j : again) {
    EXPECT_EQ(j.attempts, 1);
    EXPECT_EQ(j.last_error, "timed out");
  }
  receiver_.release_hung();
}

TEST_F(DeliveryWorkerTest, TwoWorkersOnOneQueueDeliverEachJobOnce) {
  const int kJobs = 200;
  for (int i = 0; i < kJobs; ++i) enqueue(receiver_.url("/p" + std::to_string(i) + "/inbox"));
  // Two stores (their own connections) and two workers: two server processes.
  auto other_store = open();
  auto a = worker(*store_, fast_options(8));
  DeliveryNotifier other_notifier;
  DeliveryWorker b(*other_store, *keys_, uris_, other_notifier, loopback_allowed(),
                   fast_options(8));
  EXPECT_NE(a->worker_id(), b.worker_id());
  a->start();
  b.start();
  ASSERT_TRUE(eventually([&] { return store_->delivery_counts().pending == 0; }, 30s))
      << store_->delivery_counts().pending << " left";
  a->stop();
  b.stop();
  EXPECT_EQ(receiver_.count(), static_cast<size_t>(kJobs));
  auto targets = receiver_.per_target();
  EXPECT_EQ(targets.size(), static_cast<size_t>(kJobs));
  for (const auto& [target, n] : targets) EXPECT_EQ(n, 1) << target;
  EXPECT_EQ(a->stats().delivered + b.stats().delivered, static_cast<uint64_t>(kJobs));
}

}  // namespace
}  // namespace artdag::services::federation
