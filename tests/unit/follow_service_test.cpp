// FollowService against a fake web and an in-memory store: what follow, unfollow and share
// store and queue, and how remote failures map to statuses.
#include "services/federation/follow_service.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "activitypub/integrity_proof.h"
#include "activitypub/ld_signature.h"
#include "crypto/key_store.h"
#include "federation_fakes.h"
#include "store/store.h"
#include "util/error.h"

namespace artdag::services::federation {
namespace {

const std::string kBase = "https://local.example";
const std::string kAlice = "https://remote.example/users/alice";
const std::string kWebfinger =
    "https://remote.example/.well-known/webfinger?resource=acct%3Aalice%40remote.example";

class FollowServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = store::open_store(":memory:");
    store_->migrate();
    ASSERT_TRUE(store_->create_user({"bob", "", "x", "2026-01-01T00:00:00Z"}));
    dir_ =
        std::filesystem::temp_directory_path() /
        ("artdag-follow-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    keys_ = std::make_unique<crypto::KeyStore>(dir_);
    web_.pages[kAlice] = test::json_page(
        test::actor_document(kAlice, test::read_test_file("http-signature/test-key.pub")));
    web_.pages[kWebfinger] = test::json_page(
        Json{{"links",
              Json::array(
                  {{{"rel", "self"}, {"type", "application/activity+json"}, {"href", kAlice}}})}},
        "application/jrd+json");
    resolver_ =
        std::make_unique<ActorResolver>(*store_, web_.transport(), nullptr, ResolverOptions{});
    outgoing_ = std::make_unique<Outgoing>(*store_, uris_, *keys_, nullptr);
    follows_ = std::make_unique<FollowService>(*store_, uris_, *keys_, *resolver_, *outgoing_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  int status_of(const std::function<void()>& f) {
    try {
      f();
      return 0;
    } catch (const ApiError& e) {
      return e.status();
    }
  }

  std::unique_ptr<store::Store> store_;
  activitypub::Uris uris_{kBase, "local.example"};
  std::filesystem::path dir_;
  std::unique_ptr<crypto::KeyStore> keys_;
  test::FakeWeb web_;
  std::unique_ptr<ActorResolver> resolver_;
  std::unique_ptr<Outgoing> outgoing_;
  std::unique_ptr<FollowService> follows_;
};

TEST_F(FollowServiceTest, FollowStoresPendingAndQueuesTheFollow) {
  auto outcome = follows_->follow("bob", "acct:alice@remote.example");
  EXPECT_TRUE(outcome.sent);
  EXPECT_EQ(outcome.following.state, "pending");
  EXPECT_EQ(outcome.following.target_actor_url, kAlice);
  EXPECT_EQ(uris_.username_from_user_activity(outcome.following.follow_activity_id, "follows"),
            "bob");
  auto jobs = store_->list_deliveries("pending", 10);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].inbox_url, kAlice + "/inbox");
  EXPECT_EQ(Json::parse(jobs[0].payload), outcome.activity);
  EXPECT_EQ(outcome.activity["id"], outcome.following.follow_activity_id);
  // It carries bob's FEP-8b32 proof, checked with the key his actor publishes.
  const auto bob_key = keys_->ensure_ed25519("bob").public_key();
  const auto proof = activitypub::verify_integrity_proof(
      outcome.activity, [&](std::string_view id) -> std::optional<crypto::Ed25519PublicKey> {
        if (id == uris_.actor("bob") + "#ed25519-key") return bob_key;
        return std::nullopt;
      });
  EXPECT_TRUE(proof.ok()) << proof.detail;
  Json tampered = outcome.activity;
  tampered["object"] = "https://remote.example/users/carol";
  EXPECT_EQ(activitypub::verify_integrity_proof(
                tampered, [&](std::string_view) { return std::optional(bob_key); })
                .status,
            activitypub::ProofStatus::bad_signature);

  // Again while pending: the same Follow again.
  auto again = follows_->follow("bob", kAlice);
  EXPECT_EQ(again.following.follow_activity_id, outcome.following.follow_activity_id);
  EXPECT_EQ(store_->list_deliveries("pending", 10).size(), 2u);
  // Once accepted nothing is sent.
  ASSERT_TRUE(store_->set_following_state("bob", kAlice, "accepted"));
  EXPECT_FALSE(follows_->follow("bob", "@alice@remote.example").sent);
  EXPECT_EQ(store_->list_deliveries("pending", 10).size(), 2u);
}

TEST_F(FollowServiceTest, TargetsThatCannotBeFollowed) {
  EXPECT_EQ(status_of([&] { follows_->follow("bob", "alice"); }), 422);
  EXPECT_EQ(status_of([&] { follows_->follow("bob", "acct:carol@local.example"); }), 422);
  EXPECT_EQ(status_of([&] { follows_->follow("bob", kBase + "/users/carol"); }), 422);
  EXPECT_EQ(status_of([&] { follows_->follow("bob", "acct:nobody@remote.example"); }), 404);
  web_.pages["https://remote.example/users/broken"] = test::page(200, "<html>", "text/html");
  EXPECT_EQ(status_of([&] { follows_->follow("bob", "https://remote.example/users/broken"); }),
            502);
  web_.failures["https://down.example/users/x"] = net::FetchError::Kind::kConnect;
  EXPECT_EQ(status_of([&] { follows_->follow("bob", "https://down.example/users/x"); }), 502);
  web_.failures["https://inside.example/users/x"] = net::FetchError::Kind::kForbiddenAddress;
  EXPECT_EQ(status_of([&] { follows_->follow("bob", "https://inside.example/users/x"); }), 422);
  EXPECT_EQ(store_->count_following("bob"), 0);
  EXPECT_TRUE(store_->list_deliveries("pending", 10).empty());
}

TEST_F(FollowServiceTest, UnfollowByNameNeedsNoNetworkAndQueuesTheUndo) {
  auto outcome = follows_->follow("bob", kAlice);
  web_.pages.clear();  // alice's server is gone
  Json undo = follows_->unfollow("bob", "acct:alice@remote.example");
  EXPECT_EQ(undo["type"], "Undo");
  EXPECT_EQ(undo["object"]["id"], outcome.following.follow_activity_id);
  EXPECT_EQ(undo["object"]["object"], kAlice);
  EXPECT_FALSE(store_->find_following("bob", kAlice));
  auto jobs = store_->list_deliveries("pending", 10);
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(Json::parse(jobs[1].payload), undo);
  EXPECT_EQ(status_of([&] { follows_->unfollow("bob", kAlice); }), 404);
}

TEST_F(FollowServiceTest, ShareAppendsASignedAnnounce) {
  store::NewAsset a;
  a.asset.name = "piece";
  a.asset.content_hash = std::string(64, 'e');
  a.asset.asset_type = "image";
  a.asset.owner = "bob";
  a.asset.created_at = "2026-01-02T03:04:05Z";
  ASSERT_TRUE(std::holds_alternative<store::Asset>(store_->create_asset_with_activity(
      a, store::NewActivity{"https://l2.test/activities/c-" + a.asset.content_hash, "Create",
                            a.asset.owner, a.asset.content_hash, a.asset.created_at, "{}"})));
  Json announce = follows_->share("bob", "piece");
  EXPECT_EQ(announce["object"], uris_.object(a.asset.content_hash));
  auto logged = store_->find_activity(1);
  ASSERT_TRUE(logged);
  // Signed with its UUID id before it was sequenced at index 1.
  EXPECT_EQ(logged->activity_id, announce["id"]);
  EXPECT_EQ(store_->find_activity_by_id(announce["id"])->index, 1);
  EXPECT_EQ(logged->type, "Announce");
  EXPECT_EQ(Json::parse(logged->json), announce);
  auto verified = activitypub::verify_claim(announce, keys_->load("bob"));
  EXPECT_TRUE(verified.valid) << verified.reason;
  EXPECT_EQ(status_of([&] { follows_->share("bob", "nothing"); }), 404);
}

}  // namespace
}  // namespace artdag::services::federation
