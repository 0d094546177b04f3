// Reading remote documents: acct addresses, URLs, actor documents, JRDs; and the builders
// of the activities users send.
#include "activitypub/remote_documents.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "activitypub/activities.h"
#include "activitypub/uris.h"

namespace artdag::activitypub {
namespace {

std::string test_public_pem() {
  std::ifstream in(std::string(ARTDAG_TEST_DATA_DIR) + "/http-signature/test-key.pub");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Json actor_doc(const std::string& id) {
  return Json{{"@context", Json::array({"https://www.w3.org/ns/activitystreams"})},
              {"id", id},
              {"type", "Person"},
              {"preferredUsername", "alice"},
              {"inbox", id + "/inbox"},
              {"endpoints", {{"sharedInbox", "https://remote.example/inbox"}}},
              {"publicKey",
               {{"id", id + "#main-key"}, {"owner", id}, {"publicKeyPem", test_public_pem()}}}};
}

TEST(Acct, ParsesTheForms) {
  for (const char* text : {"acct:alice@remote.example", "alice@remote.example",
                           "@alice@remote.example", "ACCT:alice@Remote.Example"}) {
    auto a = parse_acct(text);
    ASSERT_TRUE(a) << text;
    EXPECT_EQ(a->user, "alice");
    EXPECT_EQ(a->host, "remote.example");
    EXPECT_EQ(a->uri(), "acct:alice@remote.example");
  }
  auto with_port = parse_acct("acct:bob@127.0.0.1:8201");
  ASSERT_TRUE(with_port);
  EXPECT_EQ(with_port->host, "127.0.0.1:8201");
}

TEST(Acct, RefusesMalformed) {
  for (const char* text : {"", "alice", "acct:alice", "acct:@host", "acct:alice@", "a@b@c",
                           "acct:al ice@host", "acct:alice@host/path", "acct:alice@host?x",
                           "acct:alice@user:pw@host", "acct:alice@host:0", "https://host/u"}) {
    EXPECT_FALSE(parse_acct(text)) << text;
  }
}

TEST(Urls, OriginAndFragment) {
  EXPECT_EQ(url_origin("https://Remote.Example:443/users/a#k"), "https://remote.example");
  EXPECT_EQ(url_origin("http://127.0.0.1:8201/users/a"), "http://127.0.0.1:8201");
  EXPECT_FALSE(url_origin("ftp://remote.example/"));
  EXPECT_FALSE(url_origin("https://user@remote.example/"));
  EXPECT_FALSE(url_origin("/users/a"));
  EXPECT_FALSE(url_origin("https://remote.example/a b"));
  EXPECT_FALSE(is_http_url(std::string(3000, 'a')));
  EXPECT_EQ(without_fragment("https://r.example/users/a#main-key"), "https://r.example/users/a");
  EXPECT_EQ(resolve_url("https://r.example/@a", "/users/a"), "https://r.example/users/a");
  EXPECT_EQ(resolve_url("https://r.example/@a", "https://s.example/u"), "https://s.example/u");
  EXPECT_FALSE(resolve_url("https://r.example/@a", "mailto:x@y"));
}

TEST(Members, IdAndType) {
  EXPECT_EQ(id_of(Json("https://r.example/1")), "https://r.example/1");
  EXPECT_EQ(id_of(Json{{"id", "https://r.example/2"}}), "https://r.example/2");
  EXPECT_FALSE(id_of(Json{{"id", 3}}));
  EXPECT_FALSE(id_of(Json::array()));
  EXPECT_EQ(type_of(Json{{"type", "Follow"}}), "Follow");
  EXPECT_EQ(type_of(Json{{"type", Json::array({"Create", "Other"})}}), "Create");
  EXPECT_FALSE(type_of(Json{{"type", 1}}));
}

TEST(ActorDocument, ReadsAValidActor) {
  const std::string id = "https://remote.example/users/alice";
  auto actor = read_actor_document(actor_doc(id), id);
  ASSERT_TRUE(actor) << actor.error;
  EXPECT_EQ(actor.value->inbox, id + "/inbox");
  EXPECT_EQ(actor.value->shared_inbox, "https://remote.example/inbox");
  EXPECT_EQ(actor.value->key_id, id + "#main-key");
  EXPECT_EQ(actor.value->preferred_username, "alice");
  EXPECT_EQ(actor.value->type, "Person");
}

TEST(ActorDocument, TakesTheFirstOwnedKeyOfAnArray) {
  const std::string id = "https://remote.example/users/alice";
  Json doc = actor_doc(id);
  Json key = doc["publicKey"];
  Json other = key;
  other["owner"] = "https://remote.example/users/mallory";
  doc["publicKey"] = Json::array({other, key});
  auto actor = read_actor_document(doc, id);
  ASSERT_TRUE(actor) << actor.error;
  EXPECT_EQ(actor.value->key_id, id + "#main-key");
}

TEST(ActorDocument, RefusesWhatCannotBeTrusted) {
  const std::string id = "https://remote.example/users/alice";
  struct Case {
    const char* name;
    std::function<void(Json&)> change;
    std::string fetched;
    const char* error;
  };
  const std::vector<Case> cases = {
      {"id differs", [](Json&) {}, id + "x", "actor id does not match the URL it was fetched from"},
      {"no id", [](Json& d) { d.erase("id"); }, id, "actor document has no id"},
      {"no inbox", [](Json& d) { d.erase("inbox"); }, id, "actor has no http(s) inbox"},
      {"ftp inbox", [](Json& d) { d["inbox"] = "ftp://remote.example/inbox"; }, id,
       "actor has no http(s) inbox"},
      {"no key", [](Json& d) { d.erase("publicKey"); }, id, "actor has no publicKey"},
      {"owner", [](Json& d) { d["publicKey"]["owner"] = "https://remote.example/users/bob"; }, id,
       "actor's publicKey owner is not the actor"},
      {"key elsewhere",
       [](Json& d) { d["publicKey"]["id"] = "https://evil.example/users/alice#main-key"; }, id,
       "actor's publicKey id is not on the actor's host"},
      {"bad pem", [](Json& d) { d["publicKey"]["publicKeyPem"] = "-----BEGIN PUBLIC KEY-----"; },
       id, "actor's publicKeyPem is not an RSA public key"},
      {"no pem", [](Json& d) { d["publicKey"].erase("publicKeyPem"); }, id,
       "actor's publicKey lacks id, owner or publicKeyPem"},
  };
  for (const auto& c : cases) {
    Json doc = actor_doc(id);
    c.change(doc);
    auto actor = read_actor_document(doc, c.fetched);
    EXPECT_FALSE(actor) << c.name;
    EXPECT_EQ(actor.error, c.error) << c.name;
  }
  EXPECT_FALSE(read_actor_document(Json::array(), id));
}

TEST(ActorDocument, IgnoresAnUnusableSharedInbox) {
  const std::string id = "https://remote.example/users/alice";
  Json doc = actor_doc(id);
  doc["endpoints"]["sharedInbox"] = 7;
  auto actor = read_actor_document(doc, id);
  ASSERT_TRUE(actor);
  EXPECT_EQ(actor.value->shared_inbox, "");
}

TEST(Jrd, FindsTheActivityPubSelfLink) {
  Json jrd{{"subject", "acct:alice@remote.example"},
           {"links", Json::array({{{"rel", "http://webfinger.net/rel/profile-page"},
                                   {"type", "text/html"},
                                   {"href", "https://remote.example/@alice"}},
                                  {{"rel", "self"},
                                   {"type", "application/activity+json"},
                                   {"href", "https://remote.example/users/alice"}}})}};
  EXPECT_EQ(jrd_self_link(jrd), "https://remote.example/users/alice");
  jrd["links"][1]["type"] =
      "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"";
  EXPECT_EQ(jrd_self_link(jrd), "https://remote.example/users/alice");
  jrd["links"][1]["type"] = "text/html";
  EXPECT_FALSE(jrd_self_link(jrd));
  EXPECT_FALSE(jrd_self_link(Json{{"links", "x"}}));
}

TEST(Activities, BuildsFollowUndoAcceptAnnounce) {
  const Uris uris("https://local.example", "local.example");
  const std::string me = uris.actor("bob");
  const std::string follow_id = uris.user_activity("bob", "follows", "abc123");
  EXPECT_EQ(follow_id, "https://local.example/users/bob/follows/abc123");
  EXPECT_EQ(uris.username_from_user_activity(follow_id, "follows"), "bob");
  EXPECT_EQ(uris.username_from_user_activity(follow_id + "/undo", "follows"), "bob");
  EXPECT_FALSE(uris.username_from_user_activity(follow_id, "accepts"));
  EXPECT_FALSE(uris.username_from_user_activity(me, "follows"));
  EXPECT_FALSE(uris.username_from_user_activity("https://other.example/users/bob/follows/abc123",
                                                "follows"));

  Json follow = follow_activity(follow_id, me, "https://remote.example/users/alice");
  EXPECT_EQ(follow["type"], "Follow");
  EXPECT_EQ(follow["@context"], kActivityStreamsContext);
  EXPECT_EQ(follow["object"], "https://remote.example/users/alice");

  Json undo = undo_activity("https://local.example/users/bob/undos/1", me,
                            follow_object(follow_id, me, "https://remote.example/users/alice"),
                            "https://remote.example/users/alice");
  EXPECT_EQ(undo["object"]["type"], "Follow");
  EXPECT_FALSE(undo["object"].contains("@context"));
  EXPECT_EQ(undo["to"][0], "https://remote.example/users/alice");

  Json accept = accept_activity(
      "https://local.example/users/bob/accepts/1", me,
      follow_object("https://remote.example/f/1", "https://remote.example/users/alice", me),
      "https://remote.example/users/alice");
  EXPECT_EQ(accept["type"], "Accept");
  EXPECT_EQ(accept["object"]["id"], "https://remote.example/f/1");

  store::Asset asset;
  asset.owner = "carol";
  asset.content_hash = std::string(64, 'a');
  Json announce = announce_activity(uris, "bob", asset, uris.activity(7), "2026-01-02T03:04:05Z");
  EXPECT_EQ(announce["id"], uris.activity(7));
  EXPECT_EQ(announce["type"], "Announce");
  EXPECT_EQ(announce["object"], uris.object(asset.content_hash));
  EXPECT_EQ(announce["to"][0], kPublicCollection);
  EXPECT_EQ(announce["cc"], Json::array({uris.followers("bob"), uris.actor("carol")}));
}

}  // namespace
}  // namespace artdag::activitypub
