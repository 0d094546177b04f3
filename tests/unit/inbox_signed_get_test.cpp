// Authorized fetch's check of a signed GET (InboxService::verify_signed_get), and how the
// inbox follows a key rotation: a new key id is fetched at once, an Update of the actor
// fetches it again.
#include "activitypub/http_signature.h"
#include "activitypub/message_signature.h"
#include "inbox_fixture.h"
#include "services/federation/domain_blocks.h"

namespace artdag::services::federation::inbox_testing {
namespace {

class SignedGetTest : public InboxTest {
 protected:
  // verify_signed_get for a GET of `path` with `fields`: the signer, or the refusal.
  Answer get(const std::string& path, const activitypub::HeaderFields& fields,
             std::string* signer = nullptr) {
    Answer answer;
    try {
      const std::string who = inbox_->verify_signed_get({path, fields, "192.0.2.1"});
      if (signer) *signer = who;
      answer.status = 200;
    } catch (const ApiError& e) {
      answer.status = e.status();
      answer.detail = e.detail();
      answer.reason = e.reason();
      answer.headers = e.headers();
    }
    return answer;
  }
  activitypub::HeaderFields cavage(const std::string& path, const crypto::RsaKey& key,
                                   const std::string& key_id) {
    return activitypub::sign_request("GET", kBase + path, std::nullopt, key, key_id, now_).fields();
  }
};

TEST_F(SignedGetTest, ASignedGetNamesItsSigner) {
  std::string signer;
  auto answer = get("/users/bob", cavage("/users/bob", key_, kAlice + "#main-key"), &signer);
  ASSERT_EQ(answer.status, 200) << answer.detail;
  EXPECT_EQ(signer, kAlice);
  EXPECT_EQ(web_.count(kAlice), 1);
  // The signer is cached: the next GET costs no fetch.
  answer = get("/users/bob/outbox?page=true",
               cavage("/users/bob/outbox?page=true", key_, kAlice + "#main-key"));
  EXPECT_EQ(answer.status, 200) << answer.detail;
  EXPECT_EQ(web_.count(kAlice), 1);

  auto rfc9421 = activitypub::rfc9421::sign_request("GET", kBase + "/users/bob", std::nullopt, key_,
                                                    kAlice + "#main-key", now_);
  auto fields = rfc9421.fields();
  fields.emplace_back("Host", "local.example");
  answer = get("/users/bob", fields, &signer);
  EXPECT_EQ(answer.status, 200) << answer.detail;
}

TEST_F(SignedGetTest, UnsignedForgedOrMisdirectedGetsAre401) {
  auto answer = get("/users/bob", {});
  EXPECT_EQ(answer.status, 401);
  EXPECT_EQ(answer.reason, "signature_missing");
  bool challenge = false;
  for (const auto& [name, value] : answer.headers) challenge |= name == "WWW-Authenticate";
  EXPECT_TRUE(challenge);

  // Signed by a key that is not alice's.
  answer =
      get("/users/bob", cavage("/users/bob", crypto::RsaKey::generate(), kAlice + "#main-key"));
  EXPECT_EQ(answer.status, 401);
  // Signed for another path (a replay of a GET of something else).
  answer = get("/users/bob/followers", cavage("/users/bob", key_, kAlice + "#main-key"));
  EXPECT_EQ(answer.status, 401);
  // A key of this server's own actors.
  answer = get("/users/bob", cavage("/users/bob", key_, uris_.key_id("bob")));
  EXPECT_EQ(answer.status, 401);
  EXPECT_EQ(answer.reason, "local_actor");
  // Too old.
  auto old = activitypub::sign_request("GET", kBase + "/users/bob", std::nullopt, key_,
                                       kAlice + "#main-key", now_ - 24 * 3600);
  answer = get("/users/bob", old.fields());
  EXPECT_EQ(answer.status, 401);
}

TEST_F(SignedGetTest, ASignerOfABlockedDomainIs401BeforeAnyFetch) {
  DomainBlockList blocks(*store_);
  InboxService inbox(*store_, uris_, *resolver_, *outgoing_, {},
                     InboxService::kDefaultMaxFollowersPerHost, &blocks);
  ASSERT_TRUE(store_->add_domain_block({"remote.example", "spam", now_}).added);
  blocks.invalidate();
  try {
    inbox.verify_signed_get(
        {"/users/bob", cavage("/users/bob", key_, kAlice + "#main-key"), "192.0.2.1"});
    ADD_FAILURE() << "a signer of a blocked domain was let through";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 401);
    EXPECT_EQ(e.reason(), "domain_blocked");
  }
  EXPECT_EQ(web_.count(kAlice), 0);  // its actor was never fetched
}

TEST_F(InboxTest, AKeyUnderANewIdIsFetchedAtOnce) {
  ASSERT_EQ(post(follow()).status, 202);  // alice cached with #main-key
  crypto::RsaKey rotated = crypto::RsaKey::generate();
  Json doc = test::actor_document(kAlice, rotated.public_pem());
  doc["publicKey"] = Json::array(
      {{{"id", kAlice + "#main-key-2"}, {"owner", kAlice}, {"publicKeyPem", rotated.public_pem()}},
       {{"id", kAlice + "#main-key"}, {"owner", kAlice}, {"publicKeyPem", key_.public_pem()}}});
  web_.pages[kAlice] = json_page(doc);
  // Within the refetch interval, but under a key id the cached document does not list.
  const std::string like =
      activity("Like", uris_.object(kHash), "https://remote.example/likes/1").dump();
  auto answer = post_raw(like, "/users/bob/inbox", rotated, kAlice + "#main-key-2");
  EXPECT_EQ(answer.status, 202) << answer.detail;
  EXPECT_EQ(web_.count(kAlice), 2);
  EXPECT_EQ(store_->find_remote_actor(kAlice)->key_id, kAlice + "#main-key-2");
  // An id the fresh document does not list either is refused without another fetch.
  answer = post_raw(activity("Like", uris_.object(kHash), "https://remote.example/likes/2").dump(),
                    "/users/bob/inbox", rotated, kAlice + "#main-key-3");
  EXPECT_EQ(answer.status, 401);
  EXPECT_EQ(answer.reason, "key_unknown");
}

TEST_F(InboxTest, AnUpdateOfTheActorFetchesItAgain) {
  ASSERT_EQ(post(follow()).status, 202);
  ASSERT_EQ(web_.count(kAlice), 1);
  Json update{{"@context", "https://www.w3.org/ns/activitystreams"},
              {"id", kAlice + "/updates/1"},
              {"type", "Update"},
              {"actor", kAlice},
              {"object", test::actor_document(kAlice, key_.public_pem())}};
  // Just fetched: nothing to do.
  auto answer = post(update);
  EXPECT_EQ(answer.status, 202) << answer.detail;
  EXPECT_EQ(web_.count(kAlice), 1);
  EXPECT_EQ(answer.result.outcome, InboxResult::Outcome::kIgnored);
  // Later, the Update makes it be fetched again (its embedded copy is not trusted).
  now_ += 60;
  Json served = test::actor_document(kAlice, key_.public_pem());
  served["preferredUsername"] = "alice-renamed";
  web_.pages[kAlice] = json_page(served);
  update["id"] = kAlice + "/updates/2";
  update["object"]["preferredUsername"] = "something-else";
  answer = post(update);
  EXPECT_EQ(answer.status, 202) << answer.detail;
  EXPECT_EQ(answer.result.outcome, InboxResult::Outcome::kProcessed);
  EXPECT_EQ(web_.count(kAlice), 2);
  EXPECT_EQ(store_->find_remote_actor(kAlice)->preferred_username, "alice-renamed");
  // An Update of something else is not processed.
  now_ += 60;
  update["id"] = kAlice + "/updates/3";
  update["object"] = Json{{"id", kAlice + "/notes/1"}, {"type", "Note"}};
  answer = post(update);
  EXPECT_EQ(answer.status, 202);
  EXPECT_EQ(web_.count(kAlice), 2);
}

}  // namespace
}  // namespace artdag::services::federation::inbox_testing
