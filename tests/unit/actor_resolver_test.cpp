// ActorResolver against a fake web: signed fetches, redirects, document checks, the cache,
// refetch pacing, and WebFinger with its scheme rule.
#include "services/federation/actor_resolver.h"

#include <gtest/gtest.h>

#include "federation_fakes.h"
#include "services/federation/signature_style.h"
#include "store/store.h"
#include "util/net.h"

namespace artdag::services::federation {
namespace {

using test::FakeWeb;
using test::json_page;

const std::string kAlice = "https://remote.example/users/alice";

class ResolverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = store::open_store(":memory:");
    store_->migrate();
    pem_ = test::read_test_file("http-signature/test-key.pub");
    web_.pages[kAlice] = json_page(test::actor_document(kAlice, pem_));
  }

  ActorResolver make(std::vector<Cidr> allow = {}) {
    ResolverOptions options;
    options.allow_private = std::move(allow);
    options.clock = [this] { return now_; };
    return ActorResolver(
        *store_, web_.transport(),
        [](const std::string& url, bool rfc9421) -> net::HeaderList {
          if (rfc9421) return {{"Signature-Input", "sig1"}, {"Signature", "signed:" + url}};
          return {{"Signature", "signed:" + url}};
        },
        options);
  }

  void expect_error(const std::function<void()>& f, ResolveError::Kind kind,
                    const std::string& message_part = "") {
    try {
      f();
      ADD_FAILURE() << "no ResolveError";
    } catch (const ResolveError& e) {
      EXPECT_EQ(e.kind(), kind) << e.what();
      EXPECT_NE(std::string(e.what()).find(message_part), std::string::npos) << e.what();
    }
  }

  std::unique_ptr<store::Store> store_;
  FakeWeb web_;
  std::string pem_;
  int64_t now_ = 1'800'000'000;
};

TEST_F(ResolverTest, FetchesSignedChecksAndCaches) {
  auto resolver = make();
  auto actor = resolver.fetch(kAlice);
  EXPECT_EQ(actor.actor_url, kAlice);
  EXPECT_EQ(actor.inbox, kAlice + "/inbox");
  EXPECT_EQ(actor.shared_inbox, "https://remote.example/inbox");
  EXPECT_EQ(actor.key_id, kAlice + "#main-key");
  EXPECT_EQ(actor.preferred_username, "alice");
  EXPECT_EQ(actor.fetched_at, now_);
  ASSERT_EQ(web_.requests.size(), 1u);
  EXPECT_EQ(test::header_value(web_.requests[0].headers, "Signature"), "signed:" + kAlice);
  EXPECT_NE(
      test::header_value(web_.requests[0].headers, "Accept").find("application/activity+json"),
      std::string::npos);

  auto cached = store_->find_remote_actor(kAlice);
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->public_key_pem, pem_);
  // get() uses the cache.
  EXPECT_EQ(resolver.get(kAlice).inbox, kAlice + "/inbox");
  EXPECT_EQ(web_.requests.size(), 1u);
}

TEST_F(ResolverTest, SignedGetsDoubleKnockAndRememberWhatTheOriginTook) {
  // remote.example takes only draft-cavage: an RFC 9421-signed GET is a 401.
  auto fake = web_.transport();
  ResolverOptions options;
  options.clock = [this] { return now_; };
  web_.pages[kAlice + "2"] = json_page(test::actor_document(kAlice + "2", pem_));
  int rfc9421_gets = 0;
  auto resolver = ActorResolver(
      *store_,
      [&](const std::string& url, const net::HeaderList& headers,
          const net::RequestOptions& options) {
        if (!test::header_value(headers, "Signature-Input").empty()) {
          ++rfc9421_gets;
          return test::page(401, "{}", "application/json");
        }
        return fake(url, headers, options);
      },
      [](const std::string& url, bool rfc9421) -> net::HeaderList {
        if (rfc9421) return {{"Signature-Input", "sig1=:" + url}, {"Signature", "sig1=:x:"}};
        return {{"Signature", "signed:" + url}};
      },
      options);
  EXPECT_EQ(resolver.fetch(kAlice).actor_url, kAlice);
  EXPECT_EQ(rfc9421_gets, 1);  // the first knock, then draft-cavage at once
  EXPECT_EQ(store_->signature_style("https://remote.example")->style, "cavage");
  // Known now: the next GET to the origin goes straight with draft-cavage ...
  EXPECT_EQ(resolver.fetch(kAlice + "2").actor_url, kAlice + "2");
  EXPECT_EQ(rfc9421_gets, 1);
  // ... until the refusal is a few days old.
  now_ += kSignatureStyleRecheckSeconds + 1;
  resolver.fetch(kAlice + "2");
  EXPECT_EQ(rfc9421_gets, 2);
}

TEST_F(ResolverTest, AnOriginThatTakesRfc9421IsRememberedOnce) {
  auto resolver = make();
  resolver.fetch(kAlice);
  ASSERT_EQ(web_.requests.size(), 1u);
  EXPECT_NE(test::header_value(web_.requests[0].headers, "Signature-Input"), "");
  const auto learnt = store_->signature_style("https://remote.example");
  ASSERT_TRUE(learnt);
  EXPECT_EQ(learnt->style, "rfc9421");
  // Without RFC 9421 (ARTDAG_RFC9421=0) GETs are draft-cavage only and nothing is learnt.
  auto store = store::open_store(":memory:");
  store->migrate();
  ResolverOptions options;
  options.rfc9421 = false;
  auto plain = ActorResolver(
      *store, web_.transport(),
      [](const std::string& url, bool rfc9421) -> net::HeaderList {
        return {{rfc9421 ? "Signature-Input" : "Signature", url}};
      },
      options);
  plain.fetch(kAlice);
  EXPECT_EQ(test::header_value(web_.requests.back().headers, "Signature-Input"), "");
  EXPECT_FALSE(store->signature_style("https://remote.example"));
}

TEST_F(ResolverTest, RefetchIsPaced) {
  auto resolver = make();
  auto actor = resolver.fetch(kAlice);
  EXPECT_FALSE(resolver.may_refetch(actor));
  now_ += 30;
  EXPECT_TRUE(resolver.may_refetch(actor));
}

TEST_F(ResolverTest, FollowsRedirectsReSigningEachHop) {
  web_.pages["https://remote.example/@alice"] = test::redirect_page("/users/alice", 301);
  auto resolver = make();
  auto actor = resolver.fetch("https://remote.example/@alice");
  EXPECT_EQ(actor.actor_url, kAlice);
  ASSERT_EQ(web_.requests.size(), 2u);
  EXPECT_EQ(test::header_value(web_.requests[1].headers, "Signature"), "signed:" + kAlice);
}

TEST_F(ResolverTest, BoundsRedirects) {
  for (int i = 0; i < 4; ++i)
    web_.pages["https://remote.example/r" + std::to_string(i)] =
        test::redirect_page("https://remote.example/r" + std::to_string(i + 1));
  web_.pages["https://remote.example/r4"] = test::redirect_page(kAlice);
  auto resolver = make();
  expect_error([&] { resolver.fetch("https://remote.example/r1"); }, ResolveError::Kind::kInvalid,
               "too many redirects");  // r1 r2 r3 r4 → alice: 4 redirects
  EXPECT_EQ(resolver.fetch("https://remote.example/r2").actor_url, kAlice);  // 3 redirects
}

TEST_F(ResolverTest, RefusesADowngradeRedirect) {
  web_.pages["https://remote.example/x"] = test::redirect_page("http://remote.example/users/alice");
  auto resolver = make();
  expect_error([&] { resolver.fetch("https://remote.example/x"); }, ResolveError::Kind::kInvalid,
               "https to http");
}

TEST_F(ResolverTest, ReadsAnActorFromItsOwnIdOnTheSameHost) {
  web_.pages["https://remote.example/profile/alice"] =
      json_page(test::actor_document(kAlice, pem_));
  auto resolver = make();
  EXPECT_EQ(resolver.fetch("https://remote.example/profile/alice").actor_url, kAlice);
  EXPECT_EQ(web_.count(kAlice), 1);
  // Another host's document claiming alice's id is refused, without fetching the id.
  web_.pages["https://evil.example/alice"] = json_page(test::actor_document(kAlice, pem_));
  expect_error([&] { resolver.fetch("https://evil.example/alice"); }, ResolveError::Kind::kInvalid,
               "does not match");
  EXPECT_EQ(web_.count(kAlice), 1);
}

TEST_F(ResolverTest, ClassifiesFailures) {
  auto resolver = make();
  web_.pages["https://remote.example/gone"] = test::page(410, "");
  expect_error([&] { resolver.fetch("https://remote.example/gone"); }, ResolveError::Kind::kGone);
  expect_error([&] { resolver.fetch("https://remote.example/missing"); },
               ResolveError::Kind::kGone);
  web_.pages["https://remote.example/err"] = test::page(500, "");
  expect_error([&] { resolver.fetch("https://remote.example/err"); },
               ResolveError::Kind::kUnreachable, "HTTP 500");
  web_.pages["https://remote.example/html"] = test::page(200, "<html>", "text/html");
  expect_error([&] { resolver.fetch("https://remote.example/html"); }, ResolveError::Kind::kInvalid,
               "not JSON");
  web_.pages["https://remote.example/junk"] = test::page(200, "[1,2]");
  expect_error([&] { resolver.fetch("https://remote.example/junk"); }, ResolveError::Kind::kInvalid,
               "not a JSON object");
  web_.failures["https://internal.example/u"] = net::FetchError::Kind::kForbiddenAddress;
  expect_error([&] { resolver.fetch("https://internal.example/u"); },
               ResolveError::Kind::kForbidden);
  web_.failures["https://down.example/u"] = net::FetchError::Kind::kConnect;
  expect_error([&] { resolver.fetch("https://down.example/u"); }, ResolveError::Kind::kUnreachable);
  expect_error([&] { resolver.fetch("ftp://remote.example/u"); }, ResolveError::Kind::kInvalid);
  EXPECT_FALSE(store_->find_remote_actor("https://remote.example/gone"));
}

TEST_F(ResolverTest, InboxesMustBeOnTheActorsOwnHost) {
  auto resolver = make();
  Json doc = test::actor_document(kAlice, pem_);
  doc["inbox"] = "https://victim.example/inbox";
  web_.pages[kAlice] = json_page(doc);
  expect_error([&] { resolver.fetch(kAlice); }, ResolveError::Kind::kInvalid, "own host");
  EXPECT_FALSE(store_->find_remote_actor(kAlice));
  // A shared inbox elsewhere is dropped; the actor's own inbox is used.
  doc["inbox"] = kAlice + "/inbox";
  doc["endpoints"] = {{"sharedInbox", "https://victim.example/inbox"}};
  web_.pages[kAlice] = json_page(doc);
  auto actor = resolver.fetch(kAlice);
  EXPECT_EQ(actor.inbox, kAlice + "/inbox");
  EXPECT_EQ(actor.shared_inbox, "");
}

TEST_F(ResolverTest, FetchUnstoredStoresNothingAndKeepsOnlyWhatIsUsed) {
  auto resolver = make();
  Json doc = test::actor_document(kAlice, pem_);
  doc["summary"] = std::string(50000, 's');
  web_.pages[kAlice] = json_page(doc);
  auto actor = resolver.fetch_unstored(kAlice, std::chrono::milliseconds(3000));
  EXPECT_FALSE(store_->find_remote_actor(kAlice));
  EXPECT_EQ(actor.json.find("summary"), std::string::npos);
  EXPECT_LT(actor.json.size(), 4000u);
  resolver.remember(actor);
  EXPECT_TRUE(store_->find_remote_actor(kAlice));
}

Json jrd_for(const std::string& actor) {
  return Json{
      {"subject", "acct:alice@remote.example"},
      {"links",
       Json::array({{{"rel", "self"}, {"type", "application/activity+json"}, {"href", actor}}})}};
}

TEST_F(ResolverTest, WebFingerOverHttps) {
  web_.pages
      ["https://remote.example/.well-known/webfinger?resource=acct%3Aalice%40remote.example"] =
      json_page(jrd_for(kAlice), "application/jrd+json");
  auto resolver = make();
  EXPECT_EQ(resolver.webfinger({"alice", "remote.example"}), kAlice);
  // Not signed.
  EXPECT_EQ(test::header_value(web_.requests.back().headers, "Signature"), "");
}

TEST_F(ResolverTest, WebFingerFallsBackToHttpOnlyForAllowedPrivateAddresses) {
  const std::string https_url =
      "https://127.0.0.1:8201/.well-known/webfinger?resource=acct%3Abob%40127.0.0.1%3A8201";
  const std::string http_url =
      "http://127.0.0.1:8201/.well-known/webfinger?resource=acct%3Abob%40127.0.0.1%3A8201";
  web_.failures[https_url] = net::FetchError::Kind::kNetwork;
  web_.pages[http_url] =
      json_page(jrd_for("http://127.0.0.1:8201/users/bob"), "application/jrd+json");

  auto allowed = make({*parse_cidr("127.0.0.0/8")});
  EXPECT_EQ(allowed.webfinger({"bob", "127.0.0.1:8201"}), "http://127.0.0.1:8201/users/bob");
  EXPECT_EQ(web_.count(https_url), 1);
  EXPECT_EQ(web_.count(http_url), 1);

  auto not_allowed = make();
  expect_error(
      [&] {
        not_allowed.webfinger({"bob", "127.0.0.1:8201"});
      },
      ResolveError::Kind::kUnreachable);
  EXPECT_EQ(web_.count(http_url), 1);

  // A public host is never asked over http.
  const std::string pub =
      "https://remote.example/.well-known/webfinger?resource=acct%3Aalice%40remote.example";
  web_.failures[pub] = net::FetchError::Kind::kNetwork;
  expect_error(
      [&] {
        allowed.webfinger({"alice", "remote.example"});
      },
      ResolveError::Kind::kUnreachable);
  EXPECT_EQ(web_.count("http://remote.example/.well-known/webfinger?resource=acct%3Aalice%40"
                       "remote.example"),
            0);
}

TEST_F(ResolverTest, WebFingerFailures) {
  auto resolver = make();
  expect_error(
      [&] {
        resolver.webfinger({"nobody", "remote.example"});
      },
      ResolveError::Kind::kGone);
  web_.pages["https://remote.example/.well-known/webfinger?resource=acct%3Ax%40remote.example"] =
      json_page(Json{{"links", Json::array()}}, "application/jrd+json");
  expect_error(
      [&] {
        resolver.webfinger({"x", "remote.example"});
      },
      ResolveError::Kind::kInvalid, "self link");
}

}  // namespace
}  // namespace artdag::services::federation
