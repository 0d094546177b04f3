// Domain blocks: which hosts a block covers, what blocking does to the store (followers
// removed, queued deliveries dropped), and the inbox refusing a blocked sender with a 403
// before it fetches anything.
#include "services/federation/domain_blocks.h"

#include <gtest/gtest.h>

#include "inbox_fixture.h"
#include "util/url.h"

namespace artdag::services::federation {
namespace {

using namespace inbox_testing;

TEST(DomainBlocks, ABlockCoversTheDomainItsSubdomainsAndEveryPort) {
  EXPECT_EQ(domain_block_host("Example.COM"), "example.com");
  EXPECT_EQ(domain_block_host(" example.com:8443 "), "example.com");
  EXPECT_EQ(domain_block_host("https://example.com./users/x"), "example.com");
  EXPECT_EQ(domain_block_host(""), std::nullopt);
  EXPECT_EQ(domain_block_host("exa mple.com"), std::nullopt);
  EXPECT_EQ(domain_block_host("example.com/path"), std::nullopt);

  EXPECT_TRUE(host_within("example.com", "example.com"));
  EXPECT_TRUE(host_within("a.b.example.com", "example.com"));
  EXPECT_FALSE(host_within("badexample.com", "example.com"));
  EXPECT_FALSE(host_within("example.com.evil", "example.com"));
  EXPECT_FALSE(host_within("com", "example.com"));
  EXPECT_EQ(url_host("https://A.Example.com:444/x"), "a.example.com");
  EXPECT_EQ(url_host("not a url"), std::nullopt);
  // A key id's fragment does not hide its host from a block.
  EXPECT_EQ(url_host("https://Remote.example/users/alice#main-key"), "remote.example");
  EXPECT_EQ(url_host("/users/alice#main-key"), std::nullopt);
}

TEST_F(InboxTest, BlockingRemovesFollowersDropsDeliveriesAndRefusesTheInbox) {
  store_->add_follower({0, "bob", kAlice, kAlice + "/inbox", "", ""});
  store_->add_follower(
      {0, "bob", "https://other.example/u/1", "https://other.example/u/1/inbox", "", ""});
  store_->enqueue_delivery("bob", "https://sub.remote.example:8443/inbox", "{}", now_);
  store_->enqueue_delivery("bob", "https://other.example/inbox", "{}", now_);

  auto effect = store_->add_domain_block({"remote.example", "spam", now_});
  EXPECT_TRUE(effect.added);
  EXPECT_EQ(effect.followers_removed, 1);
  EXPECT_EQ(effect.deliveries_dropped, 1);
  EXPECT_FALSE(store_->find_follower("bob", kAlice));
  EXPECT_TRUE(store_->find_follower("bob", "https://other.example/u/1"));
  EXPECT_EQ(store_->delivery_counts().pending, 1);
  EXPECT_FALSE(store_->add_domain_block({"remote.example", "spam, again", now_}).added);
  ASSERT_EQ(store_->list_domain_blocks().size(), 1u);
  EXPECT_EQ(store_->list_domain_blocks()[0].reason, "spam, again");

  DomainBlockList blocks(*store_);
  EXPECT_TRUE(blocks.blocks_url(kAlice));
  EXPECT_TRUE(blocks.blocks_url("http://x.remote.example:81/"));
  EXPECT_FALSE(blocks.blocks_url("https://other.example/u/1"));

  // The inbox answers 403 and fetches nothing (the fake web would serve alice's actor).
  InboxService guarded(*store_, uris_, *resolver_, *outgoing_, {},
                       InboxService::kDefaultMaxFollowersPerHost, &blocks);
  auto signed_headers = activitypub::sign_request(
      "POST", kBase + "/users/bob/inbox", follow().dump(), key_, kAlice + "#main-key", now_);
  auto fields = signed_headers.fields();
  fields.emplace_back("Content-Type", "application/activity+json");
  const std::string body = follow().dump();
  try {
    guarded.receive({"POST", "/users/bob/inbox", fields, body, std::string("bob")});
    ADD_FAILURE() << "a blocked sender was let in";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 403);
    EXPECT_EQ(e.reason(), "domain_blocked");
  }
  EXPECT_EQ(web_.requests.size(), 0u);
  EXPECT_FALSE(store_->find_follower("bob", kAlice));

  // Lifted: the next check reads the list again.
  EXPECT_TRUE(store_->remove_domain_block("remote.example"));
  blocks.invalidate();
  EXPECT_FALSE(blocks.blocks_url(kAlice));
}

}  // namespace
}  // namespace artdag::services::federation
