// Which HTTP signature deliveries between two real artdag-l2 processes on loopback use: A
// (alice, the follower) and B (bob, who registers claims), with RFC 9421 on both, or off on
// A (ARTDAG_RFC9421=0: A signs with draft-cavage only and refuses RFC 9421 with a 401), and
// the double-knock's learning across a restart of B. Runs once per backend.
//
// What tells the styles apart: a sender remembers per receiving origin the style that was
// accepted (its database, read here as a second process would), and the receiver logs every
// refused signature with its reason ("rfc9421_disabled" for an RFC 9421 knock at A when A
// is draft-cavage-only).
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "activitypub/http_signature.h"
#include "crypto/rsa_key.h"
#include "harness.h"
#include "inbox_receiver.h"
#include "store/store.h"
#include "util/time.h"
#include "util/url.h"

namespace artdag::test {
namespace {

using namespace std::chrono_literals;

constexpr auto kWait = 20s;

std::string content_hash(int n) {
  char buf[65];
  std::snprintf(buf, sizeof buf, "%064x", 0x5157000 + n);
  return buf;
}

Headers bearer(const std::string& token) {
  return {"Authorization: Bearer " + token, "Content-Type: application/json"};
}

// The inbox's signature refusals in the server's log, of one reason or all. The inbox logs
// each before it answers the 401, so a refusal the sender reacted to is in the log already.
int inbox_refusals(const ServerProcess& server, const std::string& reason = "") {
  std::istringstream log(server.log());
  int refusals = 0;
  for (std::string line; std::getline(log, line);)
    if (line.find("inbox: 401 (" + reason) != std::string::npos) ++refusals;
  return refusals;
}

class SignaturesTest : public ::testing::Test {
 protected:
  // `a_env` is A's environment on top of the harness's.
  void start(std::map<std::string, std::string> a_env = {}) {
    a_ = std::make_unique<ServerProcess>(std::move(a_env));
    b_ = std::make_unique<ServerProcess>();
    ASSERT_TRUE(a_->start()) << a_->log();
    ASSERT_TRUE(b_->start()) << b_->log();
    alice_ = register_user(*a_, "alice");
    bob_ = register_user(*b_, "bob");
    ASSERT_FALSE(alice_.empty() || bob_.empty());
  }

  void SetUp() override {
    if (postgresql_unavailable())
      GTEST_SKIP() << "ARTDAG_TEST_PG_URL not set: PostgreSQL half skipped";
  }
  void TearDown() override {
    if (HasFailure() && a_ && b_)
      std::cerr << "---- A log ----\n" << a_->log() << "---- B log ----\n" << b_->log();
  }

  std::string bob_actor() const { return b_->url("/users/bob"); }

  // alice follows bob through WebFinger; true once A has bob's Accept.
  bool alice_follows_bob() {
    auto r =
        http_request("POST", a_->url("/users/alice/following"), bearer(alice_),
                     Json{{"target", "acct:bob@127.0.0.1:" + std::to_string(b_->port())}}.dump());
    EXPECT_EQ(r.status, 202) << r.body;
    return eventually(
        [&] {
          auto follows = http_request("GET", a_->url("/users/alice/follows"), bearer(alice_));
          if (follows.status != 200) return false;
          const Json body = follows.json();
          for (const auto& f : body["following"])
            if (f["target"] == bob_actor()) return f["state"] == "accepted";
          return false;
        },
        kWait);
  }

  // bob registers claim `n`; true once it is among A's remote claims.
  bool bobs_claim_reaches_a(int n) {
    auto r = http_request("POST", b_->url("/assets"), bearer(bob_),
                          Json{{"name", "bobs-work-" + std::to_string(n)},
                               {"content_hash", content_hash(n)},
                               {"asset_type", "image"}}
                              .dump());
    EXPECT_EQ(r.status, 201) << r.body;
    if (r.status != 201) return false;
    const Json id = r.json()["activity"]["id"];
    const std::string claims = a_->url("/remote-claims?actor=" + encode_query_value(bob_actor()));
    return eventually(
        [&] {
          auto c = http_request("GET", claims);
          if (c.status != 200) return false;
          const Json body = c.json();
          for (const auto& claim : body["claims"])
            if (claim["activity_id"] == id) return true;
          return false;
        },
        kWait);
  }

  // The signature style `sender` remembers for `receiver`'s origin ("" when none).
  static std::string style_towards(ServerProcess& sender, const ServerProcess& receiver) {
    auto store = sender.open_store();
    auto style = store->signature_style(receiver.base_url());
    return style ? style->style : "";
  }

  std::unique_ptr<ServerProcess> a_, b_;
  std::string alice_, bob_;
};

TEST_F(SignaturesTest, BothDefaultDeliveriesAreSignedWithRfc9421) {
  ASSERT_NO_FATAL_FAILURE(start());
  ASSERT_TRUE(alice_follows_bob()) << "A never saw bob's Accept";
  ASSERT_TRUE(bobs_claim_reaches_a(1)) << "bob's claim never reached A";
  // B's Accept and claim went to A signed with RFC 9421 and were taken at the first knock:
  // B learnt RFC 9421 (a draft-cavage fallback would have taught it "cavage"), and A refused
  // nothing.
  EXPECT_EQ(style_towards(*b_, *a_), "rfc9421");
  EXPECT_EQ(inbox_refusals(*a_), 0);
  // The same the other way for alice's Follow.
  EXPECT_EQ(style_towards(*a_, *b_), "rfc9421");
  EXPECT_EQ(inbox_refusals(*b_), 0);
}

TEST_F(SignaturesTest, ADraftCavageOnlyPeerFederatesAndIsSentDraftCavage) {
  ASSERT_NO_FATAL_FAILURE(start({{"ARTDAG_RFC9421", "0"}}));
  ASSERT_TRUE(alice_follows_bob()) << "A never saw bob's Accept";
  // The Accept knocked with RFC 9421, was refused, and went again with draft-cavage.
  ASSERT_TRUE(eventually([&] { return style_towards(*b_, *a_) == "cavage"; }, kWait));
  EXPECT_EQ(inbox_refusals(*a_, "rfc9421_disabled"), 1);
  ASSERT_TRUE(bobs_claim_reaches_a(1)) << "bob's claim never reached A";
  // The claim went straight with draft-cavage: no second refusal.
  EXPECT_EQ(inbox_refusals(*a_), 1);
  EXPECT_EQ(style_towards(*b_, *a_), "cavage");

  // A itself signs with draft-cavage only: it never knocked at B with RFC 9421 (B would have
  // taken it, and A would remember that) ...
  EXPECT_EQ(style_towards(*a_, *b_), "");
  EXPECT_EQ(inbox_refusals(*b_), 0);
  // ... and a follower that takes anything gets draft-cavage from A at once.
  InboxReceiver receiver;
  {
    store::Follower f;
    f.username = "alice";
    f.actor_url = receiver.url("/users/zed");
    f.inbox = receiver.url("/users/zed/inbox");
    ASSERT_TRUE(a_->open_store(1)->add_follower(f));
  }
  auto r = http_request(
      "POST", a_->url("/assets"), bearer(alice_),
      Json{{"name", "alices-work"}, {"content_hash", content_hash(100)}, {"asset_type", "image"}}
          .dump());
  ASSERT_EQ(r.status, 201) << r.body;
  ASSERT_TRUE(receiver.wait_for_count(1, kWait)) << "alice's claim never reached the receiver";
  const ReceivedRequest post = receiver.requests().front();
  EXPECT_EQ(post.header("signature-input"), "");
  activitypub::HeaderFields fields(post.headers.begin(), post.headers.end());
  auto checked = activitypub::check_incoming(
      {post.method, post.target, activitypub::lookup_in(fields), post.body}, unix_now());
  ASSERT_TRUE(checked) << checked.error;
  auto actor = http_request("GET", a_->url("/users/alice"), {"Accept: application/activity+json"});
  ASSERT_EQ(actor.status, 200);
  const auto key =
      crypto::RsaKey::from_public_pem(actor.json()["publicKey"]["publicKeyPem"].get<std::string>());
  EXPECT_TRUE(activitypub::verify_with_key(*checked.value, key).ok);
  EXPECT_TRUE(eventually([&] { return a_->open_store(1)->delivery_counts().pending == 0; }, kWait));
  EXPECT_EQ(receiver.count(), 1u);  // taken at the first POST: no second knock
}

TEST_F(SignaturesTest, TheLearntStyleSurvivesARestartOfTheSender) {
  ASSERT_NO_FATAL_FAILURE(start({{"ARTDAG_RFC9421", "0"}}));
  ASSERT_TRUE(alice_follows_bob()) << "A never saw bob's Accept";
  ASSERT_TRUE(eventually([&] { return style_towards(*b_, *a_) == "cavage"; }, kWait));
  ASSERT_EQ(inbox_refusals(*a_, "rfc9421_disabled"), 1);  // the Accept's RFC 9421 knock

  b_->stop(SIGTERM);
  ASSERT_TRUE(b_->start()) << b_->log();
  // A fresh process, nothing in memory: the first delivery to A goes straight with
  // draft-cavage, as B's database says.
  ASSERT_TRUE(bobs_claim_reaches_a(1)) << "bob's claim never reached A";
  EXPECT_EQ(inbox_refusals(*a_), 1);
  EXPECT_EQ(style_towards(*b_, *a_), "cavage");
}

}  // namespace
}  // namespace artdag::test
