// The inbox and Ed25519: RFC 9421 signatures by a key of the actor's assertionMethod, and
// FEP-8b32 proofs, which vouch for an activity on their own (forwarded, or sent unsigned) and
// fail with a 401 that names the proof.
#include <gtest/gtest.h>

#include "activitypub/integrity_proof.h"
#include "activitypub/multikey.h"
#include "inbox_fixture.h"

namespace artdag::services::federation {
namespace {

using namespace inbox_testing;

const std::string kCarol = "https://other.example/users/carol";

class InboxProofTest : public InboxTest {
 protected:
  void SetUp() override {
    InboxTest::SetUp();
    web_.pages[kAlice] = json_page(alice_document(alice_ed25519_));
    web_.pages[kCarol] = json_page(test::actor_document(kCarol, carol_rsa_.public_pem()));
  }
  Json alice_document(const crypto::Ed25519Key& key) const {
    Json doc = test::actor_document(kAlice, key_.public_pem());
    doc["@context"].push_back(activitypub::kMultikeyContext);
    doc["assertionMethod"] =
        Json::array({activitypub::ed25519_multikey_entry(kAlice, key.public_key())});
    return doc;
  }
  Json with_proof(Json activity, const crypto::Ed25519Key& key,
                  const std::string& method = kAlice + "#ed25519-key") const {
    return activitypub::add_integrity_proof(std::move(activity), key,
                                            {method, "2026-01-02T03:04:05Z"});
  }
  // `body` POSTed with no signature at all.
  Answer post_unsigned(const std::string& body, const std::string& path = "/users/bob/inbox") {
    return receive(path, {{"Host", "local.example"}, {"Content-Type", "application/activity+json"}},
                   body);
  }
  // `body` forwarded by carol: a valid draft-cavage signature by her key, not alice's.
  Answer post_forwarded(const std::string& body) {
    return post_raw(body, "/users/bob/inbox", carol_rsa_, kCarol + "#main-key");
  }
  // `body` signed with RFC 9421 by alice's Ed25519 key.
  Answer post_rfc9421_ed25519(const std::string& body, const crypto::Ed25519Key& key,
                              const std::string& key_id = kAlice + "#ed25519-key") {
    const std::string path = "/users/bob/inbox";
    auto signed_request = activitypub::rfc9421::sign_request(
        "POST", kBase + path, std::string_view(body), key, key_id, now_);
    auto fields = signed_request.fields();
    fields.emplace_back("Host", "local.example");
    fields.emplace_back("Content-Type", "application/activity+json");
    return receive(path, std::move(fields), body);
  }

  crypto::Ed25519Key alice_ed25519_ = crypto::Ed25519Key::generate();
  crypto::RsaKey carol_rsa_ = crypto::RsaKey::generate();
};

TEST_F(InboxProofTest, AnRfc9421SignatureByTheActorsEd25519KeyIsAccepted) {
  auto answer = post_rfc9421_ed25519(follow().dump(), alice_ed25519_);
  ASSERT_EQ(answer.status, 202) << answer.detail;
  EXPECT_TRUE(store_->find_follower("bob", kAlice));

  // Another Ed25519 key under the same id does not verify; an id the actor does not list is
  // not its key.
  answer = post_rfc9421_ed25519(follow("https://remote.example/follows/2").dump(),
                                crypto::Ed25519Key::generate());
  EXPECT_EQ(answer.status, 401);
  EXPECT_EQ(answer.reason, "signature_invalid");
  answer = post_rfc9421_ed25519(follow("https://remote.example/follows/3").dump(), alice_ed25519_,
                                kAlice + "#other-key");
  EXPECT_EQ(answer.status, 401);
  EXPECT_EQ(answer.detail, "signature keyId is not one of the actor's keys");
}

TEST_F(InboxProofTest, AValidProofVouchesForAForwardedActivity) {
  // Without a proof, carol cannot speak for alice.
  auto answer = post_forwarded(follow().dump());
  EXPECT_EQ(answer.status, 401);
  EXPECT_EQ(answer.reason, "key_not_actors");
  EXPECT_FALSE(store_->find_follower("bob", kAlice));

  answer = post_forwarded(with_proof(follow(), alice_ed25519_).dump());
  ASSERT_EQ(answer.status, 202) << answer.detail;
  EXPECT_EQ(answer.result.outcome, InboxResult::Outcome::kProcessed);
  EXPECT_TRUE(store_->find_follower("bob", kAlice));
  // Alice was fetched to check the proof; carol, whose signature vouches for nothing here,
  // was not.
  EXPECT_EQ(web_.count(kAlice), 1);
  EXPECT_EQ(web_.count(kCarol), 0);
}

TEST_F(InboxProofTest, AValidProofVouchesForAnUnsignedActivity) {
  auto answer = post_unsigned(with_proof(follow(), alice_ed25519_).dump());
  ASSERT_EQ(answer.status, 202) << answer.detail;
  EXPECT_TRUE(store_->find_follower("bob", kAlice));
  // Unsigned and without a proof: refused as before, before any fetch.
  answer = post_unsigned(follow("https://remote.example/follows/2").dump());
  EXPECT_EQ(answer.status, 401);
  EXPECT_EQ(web_.count(kAlice), 1);
  // Unsigned garbage is a signature refusal too, not a parse error.
  EXPECT_EQ(post_unsigned("not json").status, 401);
}

TEST_F(InboxProofTest, ABadProofIs401NamingTheProofAndStoresNothing) {
  Json tampered = with_proof(follow(), alice_ed25519_);
  tampered["id"] = "https://remote.example/follows/other";
  struct Case {
    const char* name;
    Answer answer;
    std::string detail;
  };
  const std::vector<Case> cases = {
      // A valid HTTP signature does not save a proof that fails.
      {"tampered, signed", post(tampered), "integrity proof: "},
      {"tampered, forwarded", post_forwarded(tampered.dump()), "integrity proof: "},
      {"another key", post_unsigned(with_proof(follow(), crypto::Ed25519Key::generate()).dump()),
       "integrity proof: "},
      {"a key the actor does not list",
       post_unsigned(with_proof(follow(), alice_ed25519_, kAlice + "#other-key").dump()),
       "integrity proof: its verificationMethod is not in the actor's assertionMethod"},
      {"another actor's key",
       post_unsigned(with_proof(follow(), alice_ed25519_, kCarol + "#ed25519-key").dump()),
       "integrity proof: its verificationMethod is not in the actor's assertionMethod"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(c.answer.status, 401);
    EXPECT_EQ(c.answer.reason, "proof_invalid");
    EXPECT_EQ(c.answer.detail.rfind(c.detail, 0), 0u) << c.answer.detail;
  }
  EXPECT_FALSE(store_->find_follower("bob", kAlice));
  EXPECT_FALSE(store_->find_remote_actor(kAlice));
}

TEST_F(InboxProofTest, ARotatedEd25519KeyIsRefetchedOnce) {
  ASSERT_EQ(post(with_proof(follow(), alice_ed25519_)).status, 202);  // alice cached
  const auto rotated = crypto::Ed25519Key::generate();
  web_.pages[kAlice] = json_page(alice_document(rotated));
  now_ += 3600;  // past the refetch interval
  auto answer = post(with_proof(follow("https://remote.example/follows/2"), rotated));
  ASSERT_EQ(answer.status, 202) << answer.detail;
  EXPECT_EQ(web_.count(kAlice), 2);
}

TEST_F(InboxProofTest, WithRfc9421SwitchedOffItIsRefusedAndNotAskedFor) {
  inbox_ =
      std::make_unique<InboxService>(*store_, uris_, *resolver_, *outgoing_, InboxGateOptions{},
                                     InboxService::kDefaultMaxFollowersPerHost, nullptr,
                                     /*accept_rfc9421=*/false);
  auto answer = post_rfc9421(follow().dump());
  EXPECT_EQ(answer.status, 401);
  EXPECT_EQ(answer.reason, "rfc9421_disabled");
  for (const auto& [name, value] : answer.headers) EXPECT_NE(name, "Accept-Signature");
  EXPECT_EQ(web_.count(kAlice), 0);
  // draft-cavage still works.
  ASSERT_EQ(post(follow("https://remote.example/follows/2")).status, 202);
}

}  // namespace
}  // namespace artdag::services::federation
