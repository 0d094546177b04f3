// What an operator turns on between real servers on loopback: authorized fetch on both
// sides (documents answer only signed GETs, and the two still federate), a key rotation
// (old claims verify with their own key, followers learn the new one, new claims arrive),
// and a domain block of another running server. Runs once per backend.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "federation_helpers.h"
#include "harness.h"
#include "util/time.h"
#include "util/url.h"

namespace artdag::test {
namespace {

using namespace std::chrono_literals;
constexpr auto kWait = 20s;

std::string content_hash(int n) {
  char buf[65];
  std::snprintf(buf, sizeof buf, "%064x", 0xab0000 + n);
  return buf;
}

Json register_asset(ServerProcess& server, const std::string& token, const std::string& name,
                    int n) {
  auto r = http_request(
      "POST", server.url("/assets"), bearer(token),
      Json{{"name", name}, {"content_hash", content_hash(n)}, {"asset_type", "image"}}.dump());
  EXPECT_EQ(r.status, 201) << r.body;
  return r.status == 201 ? r.json() : Json();
}

// The claims `server` recorded from `actor_url`.
size_t remote_claims(ServerProcess& server, const std::string& actor_url) {
  auto r = http_request("GET", server.url("/remote-claims?actor=" + encode_query_value(actor_url)));
  return r.status == 200 ? r.json()["claims"].size() : 0;
}

// Two servers, A and B, with the environment `env` on both.
class TwoServers : public ::testing::Test {
 protected:
  void start(const std::map<std::string, std::string>& env_a,
             const std::map<std::string, std::string>& env_b) {
    a_ = std::make_unique<ServerProcess>(env_a);
    b_ = std::make_unique<ServerProcess>(env_b);
  }
  void boot() {
    ASSERT_TRUE(a_->start()) << a_->log();
    ASSERT_TRUE(b_->start()) << b_->log();
  }
  void SetUp() override {
    if (postgresql_unavailable())
      GTEST_SKIP() << "ARTDAG_TEST_PG_URL not set: PostgreSQL half skipped";
  }
  void TearDown() override {
    if (HasFailure() && a_ && b_)
      std::cerr << "---- A log ----\n" << a_->log() << "---- B log ----\n" << b_->log();
  }
  std::unique_ptr<ServerProcess> a_, b_;
};

using AuthorizedFetch = TwoServers;

TEST_F(AuthorizedFetch, DocumentsAnswerOnlySignedGetsAndTheServersStillFederate) {
  const std::map<std::string, std::string> env{{"ARTDAG_AUTHORIZED_FETCH", "1"}};
  start(env, env);
  boot();
  const std::string alice = register_user(*a_, "alice");
  const std::string bob = register_user(*b_, "bob");
  const Headers as_json = {"Accept: application/activity+json"};

  // Unsigned: every ActivityPub document of a user is 401 with a JSON detail and a challenge.
  for (const std::string path : {"/users/alice", "/users/alice/outbox",
                                 "/users/alice/followers?page=true", "/users/alice/following"}) {
    auto r = http_request("GET", a_->url(path), as_json);
    EXPECT_EQ(r.status, 401) << path << ": " << r.body;
    EXPECT_FALSE(r.json().value("detail", std::string()).empty()) << path;
    EXPECT_FALSE(r.header("www-authenticate").empty()) << path;
  }
  // What stays public: the instance actor, discovery, the claim log, the HTML pages.
  EXPECT_EQ(http_request("GET", a_->url("/users/giles"), as_json).status, 200);
  EXPECT_EQ(http_request("GET", a_->url("/.well-known/webfinger?resource=" +
                                        encode_query_value(acct(*a_, "alice"))))
                .status,
            200);
  EXPECT_EQ(http_request("GET", a_->url("/nodeinfo/2.1")).status, 200);
  EXPECT_EQ(http_request("GET", a_->url("/log/key")).status, 200);
  EXPECT_EQ(http_request("GET", a_->url("/users/alice"), {"Accept: text/html"}).status, 200);

  // Signed by bob of B: A fetches bob's actor from B, which itself requires a signed GET
  // (A signs as its instance actor, whom B fetches unsigned).
  const std::string url = a_->url("/users/alice");
  Headers signed_get = signature_headers("GET", url, std::nullopt, key_of(*b_, "bob"),
                                         actor(*b_, "bob") + "#main-key", unix_now());
  signed_get.push_back("Accept: application/activity+json");
  auto r = http_request("GET", url, signed_get);
  ASSERT_EQ(r.status, 200) << r.body << "\n" << a_->log();
  EXPECT_EQ(r.json()["id"], actor(*a_, "alice"));
  EXPECT_EQ(r.header("cache-control"), "private");
  // The same signature made with another key is refused; so is a replay on another path.
  Headers forged = signature_headers("GET", url, std::nullopt, key_of(*b_, "giles"),
                                     actor(*b_, "bob") + "#main-key", unix_now());
  forged.push_back("Accept: application/activity+json");
  EXPECT_EQ(http_request("GET", url, forged).status, 401);
  EXPECT_EQ(http_request("GET", a_->url("/users/alice/outbox"), signed_get).status, 401);

  // Following through WebFinger works both ways, and claims arrive.
  ASSERT_EQ(follow(*a_, alice, "alice", acct(*b_, "bob")).status, 202);
  ASSERT_EQ(follow(*b_, bob, "bob", acct(*a_, "alice")).status, 202);
  EXPECT_TRUE(eventually(
      [&] { return follows_of(*a_, alice, "alice")[actor(*b_, "bob")] == "accepted"; }, kWait))
      << "A never saw B's Accept";
  EXPECT_TRUE(eventually(
      [&] { return follows_of(*b_, bob, "bob")[actor(*a_, "alice")] == "accepted"; }, kWait))
      << "B never saw A's Accept";
  // bob's followers, read as alice (signed): alice.
  const std::string followers_url = b_->url("/users/bob/followers?page=true");
  Headers as_alice = signature_headers("GET", followers_url, std::nullopt, key_of(*a_, "alice"),
                                       actor(*a_, "alice") + "#main-key", unix_now());
  EXPECT_EQ(followers_of(*b_, "bob", as_alice), std::vector<std::string>{actor(*a_, "alice")});
  register_asset(*b_, bob, "bobs-work", 1);
  register_asset(*a_, alice, "alices-work", 2);
  EXPECT_TRUE(eventually([&] { return remote_claims(*a_, actor(*b_, "bob")) == 1; }, kWait))
      << "A never recorded bob's claim";
  EXPECT_TRUE(eventually([&] { return remote_claims(*b_, actor(*a_, "alice")) == 1; }, kWait))
      << "B never recorded alice's claim";
}

using KeyRotation = TwoServers;

// `activity` written to a file in `server`'s data dir, for `artdag-l2 verify`.
std::string saved(ServerProcess& server, const Json& activity, const std::string& name) {
  const auto path = server.data_dir() / name;
  std::ofstream(path) << activity.dump();
  return path.string();
}

TEST_F(KeyRotation, OldClaimsKeepVerifyingAndFollowersLearnTheNewKey) {
  start({}, {});
  boot();
  const std::string alice = register_user(*a_, "alice");
  const std::string bob = register_user(*b_, "bob");
  const std::string alice_actor = actor(*a_, "alice");
  ASSERT_EQ(follow(*b_, bob, "bob", acct(*a_, "alice")).status, 202);
  ASSERT_TRUE(
      eventually([&] { return follows_of(*b_, bob, "bob")[alice_actor] == "accepted"; }, kWait));
  Json first = register_asset(*a_, alice, "before-rotation", 1);
  ASSERT_TRUE(eventually([&] { return remote_claims(*b_, alice_actor) == 1; }, kWait));

  std::string out;
  EXPECT_EQ(a_->run_command({"rotate-keys", "alice"}, &out), 0) << out;
  EXPECT_NE(out.find(alice_actor + "#main-key-2"), std::string::npos) << out;
  EXPECT_NE(out.find("queued for 1 inboxes"), std::string::npos) << out;
  EXPECT_NE(a_->run_command({"rotate-keys", "nobody"}, &out), 0);

  // The running server serves both keys, the new one first, within the recheck interval.
  ASSERT_TRUE(eventually(
      [&] {
        auto r =
            http_request("GET", a_->url("/users/alice"), {"Accept: application/activity+json"});
        return r.status == 200 && r.json()["publicKey"].is_array();
      },
      kWait));
  const Json doc =
      http_request("GET", a_->url("/users/alice"), {"Accept: application/activity+json"}).json();
  ASSERT_EQ(doc["publicKey"].size(), 2u);
  EXPECT_EQ(doc["publicKey"][0]["id"], alice_actor + "#main-key-2");
  EXPECT_EQ(doc["publicKey"][1]["id"], alice_actor + "#main-key");
  EXPECT_EQ(doc["assertionMethod"][0]["id"], alice_actor + "#ed25519-key-2");

  // New claims are signed with the new key and still reach B.
  Json second = register_asset(*a_, alice, "after-rotation", 2);
  EXPECT_EQ(second["activity"]["signature"]["creator"], alice_actor + "#main-key-2");
  EXPECT_EQ(second["activity"]["proof"]["verificationMethod"], alice_actor + "#ed25519-key-2");
  EXPECT_TRUE(eventually([&] { return remote_claims(*b_, alice_actor) == 2; }, kWait))
      << "B never recorded the claim signed with the new key";
  // B now holds the new key for alice (from the Update or the new key's first use).
  auto b_store = b_->open_store();
  EXPECT_TRUE(eventually(
      [&] {
        return b_store->find_remote_actor(alice_actor)->key_id == alice_actor + "#main-key-2";
      },
      kWait));

  // Each claim verifies with the key it names, fetched from the actor.
  EXPECT_EQ(
      a_->run_command(
          {"verify", saved(*a_, first["activity"], "first.json"), "--actor", alice_actor}, &out),
      0)
      << out;
  EXPECT_NE(out.find("valid RsaSignature2017 by " + alice_actor + "#main-key\n"), std::string::npos)
      << out;
  EXPECT_NE(out.find("valid FEP-8b32 proof (eddsa-jcs-2022) by " + alice_actor + "#ed25519-key\n"),
            std::string::npos)
      << out;
  EXPECT_EQ(
      a_->run_command(
          {"verify", saved(*a_, second["activity"], "second.json"), "--actor", alice_actor}, &out),
      0)
      << out;
  EXPECT_NE(out.find("valid RsaSignature2017 by " + alice_actor + "#main-key-2"), std::string::npos)
      << out;
  // The asset page checks the old claim with its own key.
  auto page = http_request("GET", a_->url("/assets/before-rotation"), {"Accept: text/html"});
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("does not publish"), std::string::npos);
}

using BlockedServer = TwoServers;

TEST_F(BlockedServer, ABlockedServerIsCutOffBothWays) {
  // B calls itself localhost, so A can block it without blocking itself (127.0.0.1).
  start({}, {});
  b_->env()["ARTDAG_DOMAIN"] = "localhost:" + std::to_string(b_->port());
  b_->env()["ARTDAG_BASE_URL"] = "http://localhost:" + std::to_string(b_->port());
  boot();
  const std::string alice = register_user(*a_, "alice");
  const std::string bob = register_user(*b_, "bob");
  const std::string bob_actor = "http://localhost:" + std::to_string(b_->port()) + "/users/bob";
  const std::string alice_actor = actor(*a_, "alice");

  // bob follows alice (by actor URL: WebFinger over plain http needs an IP literal).
  ASSERT_EQ(follow(*b_, bob, "bob", alice_actor).status, 202);
  ASSERT_TRUE(
      eventually([&] { return follows_of(*b_, bob, "bob")[alice_actor] == "accepted"; }, kWait));
  ASSERT_EQ(follow(*a_, alice, "alice", bob_actor).status, 202);
  ASSERT_TRUE(
      eventually([&] { return follows_of(*a_, alice, "alice")[bob_actor] == "accepted"; }, kWait));
  ASSERT_EQ(followers_of(*a_, "alice"), std::vector<std::string>{bob_actor});

  std::string out;
  ASSERT_EQ(a_->run_command({"domain-block", "add", "localhost", "--reason", "test"}, &out), 0)
      << out;
  EXPECT_NE(out.find("1 followers removed"), std::string::npos) << out;
  // (A's answers may be repeated from its response cache for up to 1 s.)
  EXPECT_TRUE(eventually([&] { return followers_of(*a_, "alice").empty(); }, kWait));

  // Within 2 s A refuses B's inbox traffic: bob's claim never arrives at A.
  std::this_thread::sleep_for(2500ms);
  register_asset(*b_, bob, "bobs-work", 3);
  // Nothing is delivered to B: alice's claim does not reach it.
  register_asset(*a_, alice, "alices-work", 4);
  // bob follows alice again: B's Follow is refused by A (403), so no follower appears.
  ASSERT_EQ(follow(*b_, bob, "bob", alice_actor).status, 202);
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(remote_claims(*a_, bob_actor), 0u);
  EXPECT_EQ(remote_claims(*b_, alice_actor), 0u);
  EXPECT_TRUE(followers_of(*a_, "alice").empty());
  // B's deliveries to A (bob's claim to his follower alice) were refused as blocked.
  EXPECT_GE(metric_sample(http_request("GET", a_->url("/metrics")).body,
                          "artdag_inbox_requests_total{result=\"domain_blocked\"}"),
            1.0);
  // A fetches nothing from B: a new follow of a B user is refused at once.
  const std::string carol = register_user(*b_, "carol");
  (void)carol;
  auto r = follow(*a_, alice, "alice",
                  "http://localhost:" + std::to_string(b_->port()) + "/users/carol");
  EXPECT_GE(r.status, 400) << r.body;
  EXPECT_LT(r.status, 500) << r.body;
}

}  // namespace
}  // namespace artdag::test
