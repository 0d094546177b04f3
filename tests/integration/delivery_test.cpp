// Outgoing delivery end to end: the real artdag-l2 process, a local inbox receiver standing
// in for remote servers, and followers inserted straight into the server's database (the
// public way to get one is a signed Follow to the inbox). Runs once per backend.
//
// The server runs with a shrunk retry schedule (ARTDAG_DELIVERY_RETRY_SCALE) and short
// timeout and lease, so every test ends in seconds.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "activitypub/http_signature.h"
#include "activitypub/message_signature.h"
#include "crypto/rsa_key.h"
#include "harness.h"
#include "inbox_receiver.h"
#include "store/store.h"
#include "util/time.h"

namespace artdag::test {
namespace {

using namespace std::chrono_literals;

const std::map<std::string, std::string> kDeliveryEnv = {
    {"ARTDAG_DELIVERY_RETRY_SCALE", "0.02"},  // retries after ~1 s, 1-2 s, 2-3 s, ...
    {"ARTDAG_DELIVERY_TIMEOUT_SECONDS", "3"},
    {"ARTDAG_DELIVERY_LEASE_SECONDS", "5"},
};

std::string content_hash(int n) {
  char buf[65];
  std::snprintf(buf, sizeof buf, "%064x", 0xde11000 + n);
  return buf;
}

class DeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (postgresql_unavailable())
      GTEST_SKIP() << "ARTDAG_TEST_PG_URL not set: PostgreSQL half skipped";
    receiver_ = std::make_unique<InboxReceiver>();
    server_ = std::make_unique<ServerProcess>(kDeliveryEnv);
    ASSERT_TRUE(server_->start()) << server_->log();
    token_ = register_user(*server_, "alice");
    ASSERT_FALSE(token_.empty());
    store_ = open_server_store();
  }

  void TearDown() override {
    if (HasFailure() && server_) std::cerr << "---- server log ----\n" << server_->log();
    store_.reset();
    server_.reset();
    receiver_.reset();
  }

  // The server's own database, as a second process would open it.
  std::unique_ptr<store::Store> open_server_store() { return server_->open_store(); }

  void add_follower(const std::string& username, const std::string& actor_path,
                    const std::string& shared_inbox_path) {
    store::Follower f;
    f.username = username;
    f.actor_url = receiver_->url(actor_path);
    f.inbox = receiver_->url(actor_path + "/inbox");
    f.shared_inbox = shared_inbox_path.empty() ? "" : receiver_->url(shared_inbox_path);
    ASSERT_TRUE(store_->add_follower(f));
  }

  // Registers an asset as alice; returns the signed Create from the 201.
  Json register_asset(int n) {
    auto r = http_request("POST", server_->url("/assets"),
                          {"Authorization: Bearer " + token_, "Content-Type: application/json"},
                          Json{{"name", "work-" + std::to_string(n)},
                               {"content_hash", content_hash(n)},
                               {"asset_type", "image"}}
                              .dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json()["activity"] : Json();
  }

  crypto::RsaKey actor_key(const std::string& username) {
    auto r = http_request("GET", server_->url("/users/" + username),
                          {"Accept: application/activity+json"});
    EXPECT_EQ(r.status, 200);
    return crypto::RsaKey::from_public_pem(
        r.json()["publicKey"]["publicKeyPem"].get<std::string>());
  }

  void verify_cavage(const ReceivedRequest& r, const std::string& key_id,
                     const crypto::RsaKey& key) {
    EXPECT_EQ(r.header("digest"), activitypub::make_digest_header(r.body));
    EXPECT_EQ(r.header("signature-input"), "");
    activitypub::HeaderFields fields(r.headers.begin(), r.headers.end());
    auto checked = activitypub::check_incoming(
        {r.method, r.target, activitypub::lookup_in(fields), r.body}, unix_now());
    ASSERT_TRUE(checked) << checked.error;
    EXPECT_EQ(checked.value->params.key_id, key_id);
    EXPECT_EQ(checked.value->params.headers,
              (std::vector<std::string>{"(request-target)", "host", "date", "digest"}));
    auto verified = activitypub::verify_with_key(*checked.value, key);
    EXPECT_TRUE(verified.ok) << verified.error;
  }

  void verify_rfc9421(const ReceivedRequest& r, const std::string& key_id,
                      const crypto::RsaKey& key) {
    activitypub::HeaderFields fields(r.headers.begin(), r.headers.end());
    const std::string authority = "127.0.0.1:" + std::to_string(receiver_->port());
    const std::string host = r.header("host");  // the view borrows it
    const activitypub::rfc9421::MessageView view{
        r.method, "http", host, r.target, activitypub::lookup_in(fields), r.body, std::nullopt};
    auto checked = activitypub::rfc9421::check_incoming(view, unix_now(), authority);
    ASSERT_TRUE(checked) << checked.detail;
    EXPECT_EQ(checked.value->key_id, key_id);
    EXPECT_EQ(checked.value->alg, "rsa-v1_5-sha256");
    EXPECT_NE(r.header("signature-input").find(
                  "(\"@method\" \"@target-uri\" \"@authority\" \"content-digest\")"),
              std::string::npos)
        << r.header("signature-input");
    auto verified = activitypub::rfc9421::verify_with_key(*checked.value, key);
    EXPECT_TRUE(verified.ok) << verified.detail;
  }

  std::vector<store::DeliveryJob> jobs(const std::string& state) {
    return store_->list_deliveries(state, 100);
  }

  std::unique_ptr<InboxReceiver> receiver_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<store::Store> store_;
  std::string token_;
};

TEST_F(DeliveryTest, OneSignedPostPerSharedInboxWithTheExactBody) {
  // Host "a": three followers behind one shared inbox. "c": a follower without one. "b": one
  // more host. giles's follower must not hear of alice's asset.
  add_follower("alice", "/a/users/1", "/a/inbox");
  add_follower("alice", "/a/users/2", "/a/inbox");
  add_follower("alice", "/a/users/3", "/a/inbox");
  add_follower("alice", "/c/users/4", "");
  add_follower("alice", "/b/users/5", "/b/inbox");
  add_follower("giles", "/d/users/6", "/d/inbox");

  Json activity = register_asset(1);
  ASSERT_TRUE(activity.is_object());
  ASSERT_TRUE(receiver_->wait_for_count(3, 15s)) << receiver_->count() << " requests";
  std::this_thread::sleep_for(1s);  // a few more polls: nothing else may arrive
  auto requests = receiver_->requests();
  ASSERT_EQ(requests.size(), 3u);
  std::multiset<std::string> paths;
  for (const auto& r : requests) paths.insert(r.path());
  EXPECT_EQ(paths, (std::multiset<std::string>{"/a/inbox", "/b/inbox", "/c/users/4/inbox"}));

  const std::string actor = server_->url("/users/alice");
  const crypto::RsaKey key = actor_key("alice");
  for (const auto& r : requests) {
    SCOPED_TRACE(r.target);
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.header("content-type"), "application/activity+json");
    EXPECT_EQ(r.header("accept"), "application/activity+json");
    EXPECT_EQ(r.header("host"), "127.0.0.1:" + std::to_string(receiver_->port()));
    EXPECT_EQ(Json::parse(r.body), activity);
    // This peer takes RFC 9421 (it answers 202 to anything): every POST is signed that way.
    verify_rfc9421(r, actor + "#main-key", key);
  }
  EXPECT_TRUE(eventually([&] { return store_->delivery_counts().pending == 0; }, 5s));
  EXPECT_EQ(store_->delivery_counts().dead, 0);
  auto style = store_->signature_style("http://127.0.0.1:" + std::to_string(receiver_->port()));
  ASSERT_TRUE(style);
  EXPECT_EQ(style->style, "rfc9421");
}

TEST_F(DeliveryTest, APeerThatRefusesRfc9421GetsDraftCavageAtOnceAndIsRemembered) {
  receiver_->set_handler([](const ReceivedRequest& r) {
    ReceiverReply reply;
    if (!r.header("signature-input").empty()) reply.status = 401;
    return reply;
  });
  add_follower("alice", "/old/users/1", "");
  register_asset(1);
  ASSERT_TRUE(receiver_->wait_for_count(2, 15s)) << receiver_->count() << " requests";
  auto first = receiver_->requests();
  ASSERT_EQ(first.size(), 2u);
  const std::string key_id = server_->url("/users/alice") + "#main-key";
  const crypto::RsaKey key = actor_key("alice");
  verify_rfc9421(first[0], key_id, key);  // the first knock
  verify_cavage(first[1], key_id, key);   // at once the second, the same body
  EXPECT_EQ(first[0].body, first[1].body);
  EXPECT_TRUE(eventually([&] { return store_->delivery_counts().pending == 0; }, 5s));
  EXPECT_EQ(store_->delivery_counts().dead, 0);

  // Remembered (in the database): the next delivery knocks once, the old way.
  register_asset(2);
  ASSERT_TRUE(receiver_->wait_for_count(3, 15s));
  std::this_thread::sleep_for(500ms);
  auto all = receiver_->requests();
  ASSERT_EQ(all.size(), 3u);
  verify_cavage(all[2], key_id, key);
  auto style = store_->signature_style("http://127.0.0.1:" + std::to_string(receiver_->port()));
  ASSERT_TRUE(style);
  EXPECT_EQ(style->style, "cavage");
}

TEST_F(DeliveryTest, AFailingInboxIsRetriedAndNotLost) {
  std::atomic<bool> failing{true};
  receiver_->set_handler([&](const ReceivedRequest& r) {
    ReceiverReply reply;
    if (r.path() == "/flaky/inbox" && failing) reply.status = 500;
    return reply;
  });
  add_follower("alice", "/flaky/users/1", "/flaky/inbox");
  register_asset(2);

  ASSERT_TRUE(eventually([&] { return receiver_->requests_to("/flaky/inbox").size() >= 3; }, 20s))
      << receiver_->requests_to("/flaky/inbox").size() << " attempts";
  auto pending = jobs("pending");
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_GE(pending[0].attempts, 2);
  EXPECT_EQ(pending[0].last_error, "HTTP 500");
  EXPECT_TRUE(jobs("dead").empty());
  // The same bytes every time (the signature is fresh, the payload is not re-serialised).
  auto attempts = receiver_->requests_to("/flaky/inbox");
  for (const auto& a : attempts) EXPECT_EQ(a.body, attempts[0].body);

  failing = false;  // the peer recovers: the next retry gets through
  EXPECT_TRUE(eventually([&] { return store_->delivery_counts().pending == 0; }, 20s));
  EXPECT_TRUE(jobs("dead").empty());
}

TEST_F(DeliveryTest, AnInboxAnswering404IsDropped) {
  receiver_->set_handler([](const ReceivedRequest& r) {
    ReceiverReply reply;
    if (r.path() == "/gone/inbox") reply.status = 404;
    return reply;
  });
  add_follower("alice", "/gone/users/1", "/gone/inbox");
  add_follower("alice", "/fine/users/1", "/fine/inbox");
  register_asset(3);

  ASSERT_TRUE(eventually([&] { return jobs("dead").size() == 1; }, 15s));
  auto dead = jobs("dead");
  EXPECT_EQ(dead[0].inbox_url, receiver_->url("/gone/inbox"));
  EXPECT_EQ(dead[0].last_error, "HTTP 404");
  EXPECT_TRUE(eventually([&] { return store_->delivery_counts().pending == 0; }, 5s));
  std::this_thread::sleep_for(1500ms);  // past the first retry time: none comes
  EXPECT_EQ(receiver_->requests_to("/gone/inbox").size(), 1u);
  EXPECT_EQ(receiver_->requests_to("/fine/inbox").size(), 1u);
}

TEST_F(DeliveryTest, ServerKilledMidDeliveryDeliversAfterRestart) {
  std::atomic<bool> hang{true};
  receiver_->set_handler([&](const ReceivedRequest&) {
    ReceiverReply reply;
    reply.hang = hang.load();
    return reply;
  });
  add_follower("alice", "/slow/users/1", "/slow/inbox");
  register_asset(4);
  ASSERT_TRUE(receiver_->wait_for_count(1, 15s));  // the POST is in flight, unanswered

  server_->stop(SIGKILL);
  auto pending = jobs("pending");
  ASSERT_EQ(pending.size(), 1u);  // leased by a dead process, still in the queue
  EXPECT_EQ(pending[0].attempts, 0);
  hang = false;
  receiver_->release_hung();

  ASSERT_TRUE(server_->start()) << server_->log();
  // The dead process's lease (5 s here) runs out, then the new one delivers.
  ASSERT_TRUE(eventually([&] { return store_->delivery_counts().pending == 0; }, 30s))
      << receiver_->count() << " requests";
  auto posts = receiver_->requests_to("/slow/inbox");
  ASSERT_GE(posts.size(), 2u);
  EXPECT_EQ(posts.back().body, posts.front().body);
  EXPECT_TRUE(jobs("dead").empty());
}

TEST_F(DeliveryTest, SigtermLetsInFlightDeliveriesEndAndKeepsWhatIsLeft) {
  std::atomic<bool> hang{true};
  receiver_->set_handler([&](const ReceivedRequest&) {
    ReceiverReply reply;
    reply.hang = hang.load();
    return reply;
  });
  add_follower("alice", "/slow/users/1", "/slow/inbox");
  register_asset(5);
  ASSERT_TRUE(receiver_->wait_for_count(1, 15s));

  auto started = std::chrono::steady_clock::now();
  int status = server_->stop(SIGTERM);
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_LT(took, 10s);  // the in-flight POST times out after 3 s
  // Not delivered, not lost: waiting for its retry, with no lease held.
  auto pending = jobs("pending");
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].attempts, 1);
  EXPECT_EQ(pending[0].last_error, "timed out");

  hang = false;
  receiver_->release_hung();
  ASSERT_TRUE(server_->start()) << server_->log();
  EXPECT_TRUE(eventually([&] { return store_->delivery_counts().pending == 0; }, 20s));
}

TEST_F(DeliveryTest, FollowersAndFollowingCollectionsPageNewestFirst) {
  for (int i = 0; i < 25; ++i) add_follower("alice", "/p/users/" + std::to_string(i), "/p/inbox");
  for (int i = 0; i < 3; ++i) {
    store::Following f;
    f.username = "alice";
    f.target_actor_url = "https://remote.example/users/" + std::to_string(i);
    f.follow_activity_id = "https://l2.test/follows/" + std::to_string(i);
    f.state = i == 2 ? "pending" : "accepted";
    ASSERT_TRUE(store_->add_following(f));
  }
  const Headers accept = {"Accept: application/activity+json"};
  const std::string followers = server_->url("/users/alice/followers");

  auto collection = http_request("GET", followers, accept);
  ASSERT_EQ(collection.status, 200) << collection.body;
  EXPECT_EQ(collection.header("content-type"), "application/activity+json");
  Json c = collection.json();
  EXPECT_EQ(c["type"], "OrderedCollection");
  EXPECT_EQ(c["id"], followers);
  EXPECT_EQ(c["totalItems"], 25);
  EXPECT_EQ(c["first"], followers + "?page=true");
  EXPECT_FALSE(c.contains("last"));

  auto first = http_request("GET", c["first"].get<std::string>(), accept);
  ASSERT_EQ(first.status, 200) << first.body;
  Json p1 = first.json();
  EXPECT_EQ(p1["type"], "OrderedCollectionPage");
  EXPECT_EQ(p1["partOf"], followers);
  ASSERT_EQ(p1["orderedItems"].size(), 20u);
  EXPECT_EQ(p1["orderedItems"][0], receiver_->url("/p/users/24"));  // newest first
  EXPECT_EQ(p1["orderedItems"][19], receiver_->url("/p/users/5"));
  EXPECT_FALSE(p1.contains("prev"));
  ASSERT_TRUE(p1.contains("next"));
  auto second = http_request("GET", p1["next"].get<std::string>(), accept);
  ASSERT_EQ(second.status, 200) << second.body;
  Json p2 = second.json();
  ASSERT_EQ(p2["orderedItems"].size(), 5u);
  EXPECT_EQ(p2["orderedItems"][0], receiver_->url("/p/users/4"));
  EXPECT_EQ(p2["orderedItems"][4], receiver_->url("/p/users/0"));
  EXPECT_FALSE(p2.contains("next"));

  auto following = http_request("GET", server_->url("/users/alice/following?page=true"), accept);
  ASSERT_EQ(following.status, 200) << following.body;
  Json f = following.json();
  EXPECT_EQ(f["partOf"], server_->url("/users/alice/following"));
  EXPECT_EQ(f["orderedItems"],
            (Json{"https://remote.example/users/2", "https://remote.example/users/1",
                  "https://remote.example/users/0"}));
  auto following_total = http_request("GET", server_->url("/users/alice/following"), accept).json();
  EXPECT_EQ(following_total["totalItems"], 3);

  auto empty = http_request("GET", server_->url("/users/giles/followers?page=true"), accept);
  ASSERT_EQ(empty.status, 200);
  EXPECT_TRUE(empty.json()["orderedItems"].empty());
  EXPECT_EQ(http_request("GET", server_->url("/users/nobody/followers"), accept).status, 404);
  EXPECT_EQ(http_request("GET", server_->url("/users/nobody/following"), accept).status, 404);
  EXPECT_EQ(http_request("GET", followers + "?page=true&min_id=3", accept).status, 400);
  EXPECT_EQ(http_request("GET", followers + "?max_id=abc", accept).status, 400);
}

}  // namespace
}  // namespace artdag::test
