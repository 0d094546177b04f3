// Federation between two real artdag-l2 processes on loopback, A and B (both allow
// 127.0.0.0/8 through ARTDAG_ALLOW_PRIVATE_NETWORKS, as the harness sets). Users follow each
// other through WebFinger, Accepts come back, claims arrive, Undo and Delete clean up.
//
// Requests the servers would not send on their own (Likes, tampered signatures, Deletes)
// are signed here with the real keys of A's users, read from A's data dir: B fetches the
// signer's actor document from A, so A is the genuine signer and nothing is faked.
// Every wait is bounded (deliveries run in the background worker, polling every ~200 ms).
// Runs once per backend.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "activitypub/http_signature.h"
#include "crypto/hash.h"
#include "crypto/rsa_key.h"
#include "federation_helpers.h"
#include "harness.h"
#include "inbox_receiver.h"
#include "store/store.h"
#include "util/time.h"
#include "util/url.h"

namespace artdag::test {
namespace {

using namespace std::chrono_literals;

constexpr auto kWait = 20s;

template <class F>
bool eventually(F done, std::chrono::milliseconds timeout = kWait) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return done();
}

std::string content_hash(int n) {
  char buf[65];
  std::snprintf(buf, sizeof buf, "%064x", 0xfed000 + n);
  return buf;
}

using Tamper = std::function<void(Headers&, std::string&)>;

class FederationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (postgresql_unavailable()) return;
    a_ = new ServerProcess();
    b_ = new ServerProcess();
    if (!a_->start()) ADD_FAILURE() << "A did not start:\n" << a_->log();
    if (!b_->start()) ADD_FAILURE() << "B did not start:\n" << b_->log();
  }
  static void TearDownTestSuite() {
    delete a_;
    delete b_;
    a_ = b_ = nullptr;
  }
  void SetUp() override {
    if (postgresql_unavailable())
      GTEST_SKIP() << "ARTDAG_TEST_PG_URL not set: PostgreSQL half skipped";
    ASSERT_TRUE(a_ && a_->running());
    ASSERT_TRUE(b_ && b_->running());
  }
  void TearDown() override {
    if (HasFailure() && a_ && b_)
      std::cerr << "---- A log ----\n" << a_->log() << "---- B log ----\n" << b_->log();
  }

  // POSTs `body` to `url`, signed draft-cavage with `key` as `key_id` at `date`.
  static HttpResult signed_post(const std::string& url, std::string body, const crypto::RsaKey& key,
                                const std::string& key_id, int64_t date = unix_now(),
                                const Tamper& tamper = {}) {
    Headers headers = signature_headers("POST", url, body, key, key_id, date);
    headers.push_back("Content-Type: application/activity+json");
    if (tamper) tamper(headers, body);
    return http_request("POST", url, headers, body);
  }
  // As `user` of A, to `inbox_url`.
  static HttpResult post_as(const std::string& user, const std::string& inbox_url,
                            const Json& activity) {
    return signed_post(inbox_url, activity.dump(), key_of(*a_, user),
                       actor(*a_, user) + "#main-key");
  }

  static Json register_asset(ServerProcess& s, const std::string& token, const std::string& name,
                             int n) {
    auto r = http_request(
        "POST", s.url("/assets"), bearer(token),
        Json{{"name", name}, {"content_hash", content_hash(n)}, {"asset_type", "image"}}.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json() : Json();
  }

  static Json asset(ServerProcess& s, const std::string& name) {
    auto r = http_request("GET", s.url("/assets/" + name));
    return r.status == 200 ? r.json() : Json();
  }

  static inline ServerProcess* a_ = nullptr;
  static inline ServerProcess* b_ = nullptr;
};

TEST_F(FederationTest, FollowAcceptClaimReactionsAndUndo) {
  const std::string alice = register_user(*a_, "alice");
  const std::string bob = register_user(*b_, "bob");
  const std::string bob_actor = actor(*b_, "bob");
  const std::string alice_actor = actor(*a_, "alice");

  // Only alice may act as alice.
  EXPECT_EQ(follow(*a_, "", "alice", acct(*b_, "bob")).status, 401);
  const std::string other = register_user(*a_, "mallory");
  EXPECT_EQ(follow(*a_, other, "alice", acct(*b_, "bob")).status, 403);
  EXPECT_EQ(follow(*a_, alice, "alice", "not a target").status, 422);
  EXPECT_EQ(follow(*a_, alice, "alice", acct(*a_, "mallory")).status, 422);  // local account
  EXPECT_EQ(follow(*a_, alice, "alice", acct(*b_, "nobody")).status, 404);

  // Follow through WebFinger: pending, then B stores the follower and A gets the Accept.
  auto r = follow(*a_, alice, "alice", acct(*b_, "bob"));
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.json()["target"], bob_actor);
  EXPECT_EQ(r.json()["activity"]["type"], "Follow");
  EXPECT_EQ(r.json()["activity"]["actor"], alice_actor);
  EXPECT_EQ(r.json()["activity"]["object"], bob_actor);
  EXPECT_TRUE(r.json()["sent"].get<bool>());
  EXPECT_TRUE(eventually([&] {
    return followers_of(*b_, "bob") == std::vector<std::string>{alice_actor};
  })) << "B never stored alice as bob's follower";
  EXPECT_TRUE(eventually([&] { return follows_of(*a_, alice, "alice")[bob_actor] == "accepted"; }))
      << "A never saw the Accept";
  // Someone else cannot read alice's follows.
  EXPECT_EQ(http_request("GET", a_->url("/users/alice/follows"), bearer(other)).status, 403);

  // bob's new claim reaches A as a remote claim.
  Json registered = register_asset(*b_, bob, "bobs-work", 1);
  ASSERT_TRUE(registered.is_object());
  const std::string claims_url = a_->url("/remote-claims?actor=" + encode_query_value(bob_actor));
  ASSERT_TRUE(eventually([&] {
    auto c = http_request("GET", claims_url);
    return c.status == 200 && c.json()["claims"].size() == 1;
  })) << "A never recorded bob's claim";
  Json claim = http_request("GET", claims_url).json()["claims"][0];
  EXPECT_EQ(claim["activity_id"], registered["activity"]["id"]);
  EXPECT_EQ(claim["content_hash"], content_hash(1));
  EXPECT_EQ(claim["object_id"], b_->url("/objects/" + content_hash(1)));
  EXPECT_EQ(claim["activity"]["signature"], registered["activity"]["signature"]);

  // alice likes and announces bob's asset: counted on B.
  const std::string object = b_->url("/objects/" + content_hash(1));
  Json like{{"id", alice_actor + "/likes/1"},
            {"type", "Like"},
            {"actor", alice_actor},
            {"object", object}};
  Json boost{{"id", alice_actor + "/boosts/1"},
             {"type", "Announce"},
             {"actor", alice_actor},
             {"object", object}};
  ASSERT_EQ(post_as("alice", b_->url("/inbox"), like).status, 202);
  ASSERT_EQ(post_as("alice", b_->url("/users/bob/inbox"), boost).status, 202);
  EXPECT_EQ(asset(*b_, "bobs-work")["like_count"], 1);
  EXPECT_EQ(asset(*b_, "bobs-work")["announce_count"], 1);
  Json undo_like{
      {"id", alice_actor + "/undos/1"}, {"type", "Undo"}, {"actor", alice_actor}, {"object", like}};
  ASSERT_EQ(post_as("alice", b_->url("/inbox"), undo_like).status, 202);
  EXPECT_EQ(asset(*b_, "bobs-work")["like_count"], 0);
  EXPECT_EQ(asset(*b_, "bobs-work")["announce_count"], 1);

  // Unfollow: the Undo reaches B and the follower is gone.
  r = http_request("DELETE",
                   a_->url("/users/alice/following?target=" + encode_query_value(acct(*b_, "bob"))),
                   bearer(alice));
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.json()["activity"]["type"], "Undo");
  EXPECT_EQ(r.json()["activity"]["object"]["type"], "Follow");
  EXPECT_TRUE(follows_of(*a_, alice, "alice").empty());
  EXPECT_TRUE(eventually([&] { return followers_of(*b_, "bob").empty(); }))
      << "B still lists alice as bob's follower";
  EXPECT_EQ(http_request("DELETE",
                         a_->url("/users/alice/following?target=" + encode_query_value(bob_actor)),
                         bearer(alice))
                .status,
            404);

  // Claims of actors nobody follows any more are not recorded.
  register_asset(*b_, bob, "bobs-second", 2);
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(http_request("GET", claims_url).json()["claims"].size(), 1u);
}

TEST_F(FederationTest, ShareAnnouncesToFollowers) {
  const std::string carl = register_user(*b_, "carl");
  const std::string dora = register_user(*a_, "dora");
  Json registered = register_asset(*b_, carl, "carls-work", 10);
  ASSERT_TRUE(registered.is_object());

  // dora (on A) follows carl for real; a local receiver is a second follower, put straight
  // into B's database (its inbox is all that matters for delivery).
  ASSERT_EQ(follow(*a_, dora, "dora", actor(*b_, "carl")).status, 202);
  ASSERT_TRUE(eventually([&] { return followers_of(*b_, "carl").size() == 1; }));
  InboxReceiver receiver;
  {
    auto it = b_->env().find("DATABASE_URL");
    auto store = store::open_store(it != b_->env().end() && !it->second.empty()
                                       ? it->second
                                       : (b_->data_dir() / "l2.db").string(),
                                   {.pool_size = 1});
    store::Follower f;
    f.username = "carl";
    f.actor_url = receiver.url("/users/zed");
    f.inbox = receiver.url("/users/zed/inbox");
    f.shared_inbox = receiver.url("/inbox");
    ASSERT_TRUE(store->add_follower(f));
  }

  EXPECT_EQ(http_request("POST", b_->url("/assets/carls-work/share"), {}).status, 401);
  EXPECT_EQ(http_request("POST", b_->url("/assets/nothing-here/share"), bearer(carl)).status, 404);
  auto r = http_request("POST", b_->url("/assets/carls-work/share"), bearer(carl));
  ASSERT_EQ(r.status, 202) << r.body;
  Json announce = r.json()["activity"];
  EXPECT_EQ(announce["type"], "Announce");
  EXPECT_EQ(announce["actor"], actor(*b_, "carl"));
  EXPECT_EQ(announce["object"], b_->url("/objects/" + content_hash(10)));
  EXPECT_TRUE(announce["signature"].is_object());
  // In the public log at its index.
  auto logged = http_request("GET", announce["id"].get<std::string>());
  ASSERT_EQ(logged.status, 200);
  EXPECT_EQ(logged.json(), announce);

  ASSERT_TRUE(receiver.wait_for_count(1, kWait)) << "the Announce never reached the follower";
  auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path(), "/inbox");
  EXPECT_EQ(Json::parse(requests[0].body), announce);
  // The receiver takes anything, so the first knock (RFC 9421) was the one.
  EXPECT_EQ(requests[0].header("content-digest"),
            "sha-256=:" + crypto::base64_encode(crypto::sha256(requests[0].body)) + ":");
  EXPECT_NE(requests[0].header("signature-input"), "");
}

TEST_F(FederationTest, InboxRefusesBadSignaturesAndStoresNothing) {
  register_user(*a_, "erin");
  register_user(*b_, "frank");
  const std::string erin_actor = actor(*a_, "erin");
  const std::string inbox = b_->url("/users/frank/inbox");
  const crypto::RsaKey key = key_of(*a_, "erin");
  const std::string key_id = erin_actor + "#main-key";
  const Json follow_activity{{"@context", "https://www.w3.org/ns/activitystreams"},
                             {"id", erin_actor + "/follows/t1"},
                             {"type", "Follow"},
                             {"actor", erin_actor},
                             {"object", actor(*b_, "frank")}};
  const std::string body = follow_activity.dump();
  auto set_header = [](Headers& h, const std::string& name, const std::string& value) {
    for (auto& line : h)
      if (line.rfind(name + ":", 0) == 0) line = name + ": " + value;
  };

  struct Case {
    const char* name;
    HttpResult result;
    const char* detail;
  };
  const std::vector<Case> cases = {
      {"unsigned", http_request("POST", inbox, {"Content-Type: application/activity+json"}, body),
       "missing Signature header"},
      {"wrong digest",
       signed_post(inbox, body, key, key_id, unix_now(),
                   [&](Headers& h, std::string&) {
                     set_header(h, "Digest", activitypub::make_digest_header("other"));
                   }),
       "digest mismatch"},
      {"stale date", signed_post(inbox, body, key, key_id, unix_now() - 13 * 3600),
       "date outside the accepted window"},
      {"key of another actor", signed_post(inbox, body, key, actor(*a_, "giles") + "#main-key"),
       "signature keyId does not belong to the activity's actor"},
      {"tampered body",
       signed_post(inbox, body, key, key_id, unix_now(),
                   [](Headers&, std::string& b) { b.replace(b.find("t1"), 2, "t2"); }),
       "digest mismatch"},
      {"tampered body with a matching digest",
       signed_post(inbox, body, key, key_id, unix_now(),
                   [&](Headers& h, std::string& b) {
                     b.replace(b.find("t1"), 2, "t3");
                     set_header(h, "Digest", activitypub::make_digest_header(b));
                   }),
       "signature does not verify"},
      {"signed by another key", signed_post(inbox, body, key_of(*a_, "giles"), key_id),
       "signature does not verify"},
      {"RFC 9421 only",
       http_request("POST", inbox,
                    {"Content-Type: application/activity+json",
                     "Signature-Input: sig1=(\"@method\" \"@target-uri\");keyid=\"" + key_id + "\"",
                     "Signature: sig1=:AAAA:"},
                    body),
       "signature has no created parameter"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(c.result.status, 401) << c.result.body;
    if (c.result.status == 401) {
      EXPECT_EQ(c.result.json()["detail"], c.detail);
      EXPECT_EQ(c.result.header("www-authenticate").rfind("Signature", 0), 0u);
      EXPECT_EQ(c.result.header("vary"), "Signature, Signature-Input");
    }
  }
  EXPECT_TRUE(followers_of(*b_, "frank").empty());

  // The genuine request is accepted once; a duplicate delivery changes nothing.
  auto first = signed_post(inbox, body, key, key_id);
  ASSERT_EQ(first.status, 202) << first.body;
  EXPECT_EQ(first.json()["result"], "processed");
  EXPECT_EQ(first.header("vary"), "Signature, Signature-Input");
  auto again = signed_post(inbox, body, key, key_id);
  ASSERT_EQ(again.status, 202) << again.body;
  EXPECT_EQ(again.json()["result"], "duplicate");
  EXPECT_EQ(followers_of(*b_, "frank"), std::vector<std::string>{erin_actor});

  // Unknown types: 202, ignored.
  auto odd = post_as("erin", inbox,
                     Json{{"id", erin_actor + "/odd/1"},
                          {"type", "Flag"},
                          {"actor", erin_actor},
                          {"object", actor(*b_, "frank")}});
  ASSERT_EQ(odd.status, 202) << odd.body;
  EXPECT_EQ(odd.json()["result"], "ignored");

  // Malformed, shapeless and oversized bodies.
  EXPECT_EQ(signed_post(inbox, "{not json", key, key_id).status, 400);
  EXPECT_EQ(signed_post(inbox, R"({"type":"Follow"})", key, key_id).status, 422);
  std::string huge = "{\"pad\":\"" + std::string(1024 * 1024, 'x') + "\"}";
  EXPECT_EQ(signed_post(inbox, huge, key, key_id).status, 413);
  EXPECT_EQ(signed_post(b_->url("/users/nobody/inbox"), body, key, key_id).status, 404);
}

TEST_F(FederationTest, DeleteOfAnActorRemovesItsFollowerRows) {
  const std::string gina = register_user(*a_, "gina");
  register_user(*b_, "hank");
  const std::string gina_actor = actor(*a_, "gina");
  ASSERT_EQ(follow(*a_, gina, "gina", acct(*b_, "hank")).status, 202);
  ASSERT_TRUE(eventually(
      [&] { return followers_of(*b_, "hank") == std::vector<std::string>{gina_actor}; }));

  // Deleting someone else is not deleting oneself: ignored.
  Json other{{"id", gina_actor + "/deletes/0"},
             {"type", "Delete"},
             {"actor", gina_actor},
             {"object", actor(*a_, "giles")}};
  ASSERT_EQ(post_as("gina", b_->url("/inbox"), other).status, 202);
  EXPECT_EQ(followers_of(*b_, "hank").size(), 1u);

  Json del{{"id", gina_actor + "/deletes/1"},
           {"type", "Delete"},
           {"actor", gina_actor},
           {"object", gina_actor}};
  auto r = post_as("gina", b_->url("/inbox"), del);
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.json()["result"], "processed");
  EXPECT_TRUE(followers_of(*b_, "hank").empty());
}

}  // namespace
}  // namespace artdag::test
