#include "activitypub/uris.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace artdag::activitypub {
namespace {

const Uris& prod() {
  static const Uris uris("https://artdag.rose-ash.com", "artdag.rose-ash.com");
  return uris;
}

const Uris& local() {
  static const Uris uris("http://127.0.0.1:8200/", "artdag.rose-ash.com");
  return uris;
}

const std::string kHash(64, 'a');

TEST(Uris, BuildsEveryUrl) {
  const Uris& u = prod();
  EXPECT_EQ(u.base(), "https://artdag.rose-ash.com");
  EXPECT_EQ(u.actor("giles"), "https://artdag.rose-ash.com/users/giles");
  EXPECT_EQ(u.key_id("giles"), "https://artdag.rose-ash.com/users/giles#main-key");
  EXPECT_EQ(u.inbox("giles"), "https://artdag.rose-ash.com/users/giles/inbox");
  EXPECT_EQ(u.outbox("giles"), "https://artdag.rose-ash.com/users/giles/outbox");
  EXPECT_EQ(u.followers("giles"), "https://artdag.rose-ash.com/users/giles/followers");
  EXPECT_EQ(u.following("giles"), "https://artdag.rose-ash.com/users/giles/following");
  EXPECT_EQ(u.shared_inbox(), "https://artdag.rose-ash.com/inbox");
  EXPECT_EQ(u.object(kHash), "https://artdag.rose-ash.com/objects/" + kHash);
  EXPECT_EQ(u.activity(0), "https://artdag.rose-ash.com/activities/0");
  EXPECT_EQ(u.activity(1234567), "https://artdag.rose-ash.com/activities/1234567");
  EXPECT_EQ(u.asset_page("my-video.v2_final"),
            "https://artdag.rose-ash.com/asset/my-video.v2_final");
  EXPECT_EQ(u.acct("giles"), "acct:giles@artdag.rose-ash.com");
  EXPECT_EQ(u.webfinger_template(),
            "https://artdag.rose-ash.com/.well-known/webfinger?resource={uri}");
  EXPECT_EQ(u.nodeinfo(), "https://artdag.rose-ash.com/nodeinfo/2.1");
  EXPECT_EQ(u.tag_page("art"), "https://artdag.rose-ash.com/assets?tag=art");
}

TEST(Uris, EncodesPathSegmentsAndQueryValues) {
  EXPECT_EQ(prod().asset_page("a b/c?d#e%"),
            "https://artdag.rose-ash.com/asset/a%20b%2Fc%3Fd%23e%25");
  EXPECT_EQ(prod().tag_page("a&b=c d"), "https://artdag.rose-ash.com/assets?tag=a%26b%3Dc%20d");
}

TEST(Uris, LocalBaseWithPortAndTrailingSlash) {
  const Uris& u = local();
  EXPECT_EQ(u.base(), "http://127.0.0.1:8200");
  EXPECT_EQ(u.authority(), "127.0.0.1:8200");
  EXPECT_EQ(u.domain(), "artdag.rose-ash.com");
  EXPECT_EQ(u.actor("giles"), "http://127.0.0.1:8200/users/giles");
  EXPECT_EQ(u.acct("giles"), "acct:giles@artdag.rose-ash.com");
}

TEST(Uris, BaseIsNormalised) {
  EXPECT_EQ(Uris("HTTPS://Example.COM:443/", "example.com").base(), "https://example.com");
  EXPECT_EQ(Uris("http://example.com:80", "example.com").base(), "http://example.com");
  EXPECT_EQ(Uris("https://example.com:80", "example.com").base(), "https://example.com:80");
  EXPECT_EQ(Uris("http://[::1]:8200", "localhost").base(), "http://[::1]:8200");
  EXPECT_EQ(Uris("https://x.example", "X.Example").domain(), "x.example");
}

TEST(Uris, RejectsBadBase) {
  for (const char* base :
       {"", "example.com", "/users", "ftp://example.com", "https://example.com/prefix",
        "https://example.com/?q=1", "https://example.com/#f", "https://user@example.com",
        "https://", "https:///path", "https://example.com:0"}) {
    EXPECT_THROW(Uris(base, "example.com"), std::invalid_argument) << base;
  }
  EXPECT_THROW(Uris("https://example.com", ""), std::invalid_argument);
  EXPECT_THROW(Uris("https://example.com", "a@b"), std::invalid_argument);
}

TEST(Uris, CollectionPage) {
  const std::string outbox = prod().outbox("giles");
  EXPECT_EQ(prod().collection_page(outbox, std::nullopt, std::nullopt), outbox + "?page=true");
  EXPECT_EQ(prod().collection_page(outbox, 42, std::nullopt), outbox + "?page=true&max_id=42");
  EXPECT_EQ(prod().collection_page(outbox, std::nullopt, -1), outbox + "?page=true&min_id=-1");
}

TEST(Uris, UsernameFromActor) {
  const Uris& u = prod();
  EXPECT_EQ(u.username_from_actor("https://artdag.rose-ash.com/users/giles"), "giles");
  EXPECT_EQ(u.username_from_actor("HTTPS://ARTDAG.rose-ash.com:443/users/giles"), "giles");
  for (const char* url : {
           "https://artdag.rose-ash.com/users/giles/",
           "https://artdag.rose-ash.com/users/giles/inbox",
           "https://artdag.rose-ash.com/users/giles?x=1",
           "https://artdag.rose-ash.com/users/giles#main-key",
           "https://artdag.rose-ash.com/users/Giles",
           "https://artdag.rose-ash.com/users/gi%6Ces",
           "https://artdag.rose-ash.com/users/",
           "https://artdag.rose-ash.com/users",
           "https://artdag.rose-ash.com/objects/giles",
           "https://artdag.rose-ash.com//users/giles",
           "http://artdag.rose-ash.com/users/giles",
           "https://artdag.rose-ash.com:8443/users/giles",
           "https://evil.example/users/giles",
           "https://artdag.rose-ash.com.evil.example/users/giles",
           "https://giles@artdag.rose-ash.com/users/giles",
           "/users/giles",
           "",
           "not a url",
       }) {
    EXPECT_EQ(u.username_from_actor(url), std::nullopt) << url;
  }
  EXPECT_EQ(local().username_from_actor("http://127.0.0.1:8200/users/alice"), "alice");
  EXPECT_EQ(local().username_from_actor("http://127.0.0.1/users/alice"), std::nullopt);
}

TEST(Uris, OtherParsers) {
  const Uris& u = prod();
  EXPECT_EQ(u.username_from_key_id(u.key_id("giles")), "giles");
  EXPECT_EQ(u.username_from_key_id(u.actor("giles")), std::nullopt);
  EXPECT_EQ(u.username_from_key_id(u.actor("giles") + "#other-key"), std::nullopt);
  EXPECT_EQ(u.content_hash_from_object(u.object(kHash)), kHash);
  EXPECT_EQ(u.content_hash_from_object(u.object(std::string(64, 'A'))), std::nullopt);
  EXPECT_EQ(u.content_hash_from_object(u.object("abc")), std::nullopt);
  EXPECT_EQ(u.content_hash_from_object("https://other.example/objects/" + kHash), std::nullopt);
  EXPECT_EQ(u.index_from_activity(u.activity(0)), 0);
  EXPECT_EQ(u.index_from_activity(u.activity(987)), 987);
  EXPECT_EQ(u.index_from_activity(u.base() + "/activities/007"), std::nullopt);
  EXPECT_EQ(u.index_from_activity(u.base() + "/activities/-1"), std::nullopt);
  EXPECT_EQ(u.index_from_activity(u.base() + "/activities/99999999999999999999"), std::nullopt);
  EXPECT_EQ(u.index_from_activity(u.base() + "/activities/"), std::nullopt);
}

TEST(Uris, ValidUsernames) {
  EXPECT_TRUE(is_valid_username("giles"));
  EXPECT_TRUE(is_valid_username("a_1"));
  EXPECT_TRUE(is_valid_username(std::string(30, 'a')));
  EXPECT_FALSE(is_valid_username(std::string(31, 'a')));
  EXPECT_FALSE(is_valid_username(""));
  EXPECT_FALSE(is_valid_username("Giles"));
  EXPECT_FALSE(is_valid_username("gi.les"));
  EXPECT_FALSE(is_valid_username("gi-les"));
}

// ---------------------------------------------------------------- WebFinger resource

void expect_ours(const Uris& u, std::string_view resource, std::string_view username) {
  auto r = u.parse_webfinger_resource(resource);
  EXPECT_EQ(r.match, ResourceMatch::ours) << resource;
  EXPECT_EQ(r.username, username) << resource;
}
void expect_not_ours(const Uris& u, std::string_view resource) {
  auto r = u.parse_webfinger_resource(resource);
  EXPECT_EQ(r.match, ResourceMatch::not_ours) << resource;
  EXPECT_TRUE(r.username.empty()) << resource;
}
void expect_malformed(const Uris& u, std::string_view resource) {
  EXPECT_EQ(u.parse_webfinger_resource(resource).match, ResourceMatch::malformed) << resource;
}

TEST(WebfingerResource, AcctForms) {
  const Uris& u = prod();
  expect_ours(u, "acct:giles@artdag.rose-ash.com", "giles");
  expect_ours(u, "ACCT:GILES@ARTDAG.ROSE-ASH.COM", "giles");  // scheme, user and host cases
  expect_ours(u, "acct:Giles@artdag.rose-ash.com", "giles");
  expect_ours(u, "acct:gil%65s@artdag.rose-ash.com", "giles");  // RFC 7565 pct-encoding
  expect_ours(u, "acct:gil%45s@artdag.rose-ash.com", "giles");  // %45 = 'E'
  expect_ours(u, "acct:no_such_user@artdag.rose-ash.com", "no_such_user");
}

TEST(WebfingerResource, AcctOfAnotherHostOrImpossibleUser) {
  const Uris& u = prod();
  expect_not_ours(u, "acct:giles@mastodon.social");
  expect_not_ours(u, "acct:giles@rose-ash.com");
  expect_not_ours(u, "acct:giles@artdag.rose-ash.com.evil.example");
  expect_not_ours(u, "acct:giles@artdag.rose-ash.com:8443");
  expect_not_ours(u, "acct:gi.les@artdag.rose-ash.com");  // well formed, not a username here
  expect_not_ours(u, "acct:" + std::string(31, 'a') + "@artdag.rose-ash.com");
  expect_not_ours(u, "acct:gi%20les@artdag.rose-ash.com");  // decodes to a space
}

TEST(WebfingerResource, LocalTestsMayUseTheBaseAuthority) {
  expect_ours(local(), "acct:giles@127.0.0.1:8200", "giles");
  expect_ours(local(), "acct:giles@artdag.rose-ash.com", "giles");
  expect_not_ours(local(), "acct:giles@127.0.0.1:8201");
}

TEST(WebfingerResource, ActorUrls) {
  const Uris& u = prod();
  expect_ours(u, "https://artdag.rose-ash.com/users/giles", "giles");
  expect_not_ours(u, "https://mastodon.social/users/giles");
  expect_not_ours(u, "https://artdag.rose-ash.com/users/giles/outbox");
  expect_not_ours(u, "http://artdag.rose-ash.com/users/giles");
  expect_not_ours(u, "https://artdag.rose-ash.com/@giles");
  expect_malformed(u, "https://");
  expect_malformed(u, "https://exa mple.com/users/giles");
}

TEST(WebfingerResource, Malformed) {
  const Uris& u = prod();
  for (const char* resource : {
           "",
           "giles",
           "giles@artdag.rose-ash.com",   // missing acct:
           "@giles@artdag.rose-ash.com",  // Mastodon handle form, not a URI
           "acct:",
           "acct:giles",
           "acct:@artdag.rose-ash.com",
           "acct:giles@",
           "acct:@giles@artdag.rose-ash.com",
           "acct:gi@les@artdag.rose-ash.com",
           "acct:giles%40artdag.rose-ash.com",  // the @ is encoded: no host
           "acct:gi%zzles@artdag.rose-ash.com",
           "acct:gi%4@artdag.rose-ash.com",
           "acct:gi/les@artdag.rose-ash.com",
           "acct:giles@artdag rose-ash.com",
           "acct:giles@[bad",
           " acct:giles@artdag.rose-ash.com",
           "acct:giles@artdag.rose-ash.com ",
           "acct: giles@artdag.rose-ash.com",
           "acct:gi les@artdag.rose-ash.com",
           "acct:giles@artdag.rose-ash.com\n",
           "acct:gilés@artdag.rose-ash.com",
           "mailto:giles@artdag.rose-ash.com",
           "acct%3Agiles%40artdag.rose-ash.com",
       }) {
    expect_malformed(u, resource);
  }
  expect_malformed(u, std::string("acct:gi\0les@artdag.rose-ash.com", 30));
  expect_malformed(u, "acct:" + std::string(3000, 'a') + "@artdag.rose-ash.com");
}

TEST(WebfingerResource, RoundTripsWithAcct) {
  const Uris& u = prod();
  auto r = u.parse_webfinger_resource(u.acct("alice_2"));
  ASSERT_EQ(r.match, ResourceMatch::ours);
  EXPECT_EQ(u.actor(r.username), "https://artdag.rose-ash.com/users/alice_2");
  auto back = u.parse_webfinger_resource(u.actor(r.username));
  EXPECT_EQ(back.match, ResourceMatch::ours);
  EXPECT_EQ(back.username, "alice_2");
}

}  // namespace
}  // namespace artdag::activitypub
