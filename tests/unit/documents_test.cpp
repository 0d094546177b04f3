#include "activitypub/documents.h"

#include <gtest/gtest.h>

#include <functional>

#include "activitypub/activities.h"
#include "activitypub/multikey.h"
#include "activitypub/remote_documents.h"
#include "crypto/rsa_key.h"

namespace artdag::activitypub {
namespace {

const Uris& uris() {
  static const Uris u("https://artdag.rose-ash.com", "artdag.rose-ash.com");
  return u;
}

const std::string kHash = "5f1d8a3c7b2e4f6a9d0c1b2a3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f";

store::User giles() {
  store::User u;
  u.id = 1;
  u.username = "giles";
  u.created_at = "2026-01-02T03:04:05Z";
  return u;
}

store::Asset video() {
  store::Asset a;
  a.id = 7;
  a.name = "my-video";
  a.content_hash = kHash;
  a.asset_type = "video";
  a.tags = {"art", "generated"};
  a.description = "A <b>loop</b> & more";
  a.owner = "giles";
  a.created_at = "2026-02-03T04:05:06Z";
  a.metadata_json = "{}";
  return a;
}

// True when `value` holds a float anywhere.
bool has_float(const Json& value) {
  if (value.is_number_float()) return true;
  if (value.is_structured())
    for (const auto& member : value)
      if (has_float(member)) return true;
  return false;
}

// The public key of W3C vc-di-eddsa's test vectors (tests/data/eddsa-jcs-2022/keyPair.json).
constexpr const char* kVectorMultibase = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
crypto::Ed25519PublicKey vector_public_key() {
  return parse_ed25519_public_key_multibase(kVectorMultibase).value();
}

TEST(Documents, Actor) {
  Json doc = actor_document(
      uris(), giles(),
      {{1, "-----BEGIN PUBLIC KEY-----\nX\n-----END PUBLIC KEY-----\n", vector_public_key()}});
  EXPECT_EQ(doc["@context"],
            Json::array({"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1",
                         "https://www.w3.org/ns/cid/v1"}));
  const std::string actor = "https://artdag.rose-ash.com/users/giles";
  EXPECT_EQ(doc["id"], actor);
  EXPECT_EQ(doc["type"], "Person");
  EXPECT_EQ(doc["preferredUsername"], "giles");
  EXPECT_EQ(doc["name"], "giles");
  EXPECT_EQ(doc["inbox"], actor + "/inbox");
  EXPECT_EQ(doc["outbox"], actor + "/outbox");
  EXPECT_EQ(doc["followers"], actor + "/followers");
  EXPECT_EQ(doc["following"], actor + "/following");
  EXPECT_EQ(doc["url"], actor);
  EXPECT_EQ(doc["published"], "2026-01-02T03:04:05Z");
  EXPECT_EQ(doc["manuallyApprovesFollowers"], false);
  EXPECT_EQ(doc["publicKey"]["id"], actor + "#main-key");
  EXPECT_EQ(doc["publicKey"]["owner"], actor);
  EXPECT_EQ(doc["publicKey"]["publicKeyPem"],
            "-----BEGIN PUBLIC KEY-----\nX\n-----END PUBLIC KEY-----\n");
  EXPECT_EQ(doc["endpoints"]["sharedInbox"], "https://artdag.rose-ash.com/inbox");
  // FEP-521a: one Multikey, which verifiers find again by its id.
  ASSERT_TRUE(doc["assertionMethod"].is_array());
  ASSERT_EQ(doc["assertionMethod"].size(), 1u);
  EXPECT_EQ(doc["assertionMethod"][0], Json({{"id", actor + "#ed25519-key"},
                                             {"type", "Multikey"},
                                             {"controller", actor},
                                             {"publicKeyMultibase", kVectorMultibase}}));
  EXPECT_EQ(find_ed25519_assertion_key(doc, actor + "#ed25519-key"), vector_public_key());
  // FEP-844e: RFC 9421 announced on the generator.
  EXPECT_EQ(doc["generator"]["type"], "Application");
  bool rfc9421 = false;
  for (const auto& entry : doc["generator"]["implements"])
    rfc9421 = rfc9421 || entry["href"] == "https://datatracker.ietf.org/doc/html/rfc9421";
  EXPECT_TRUE(rfc9421);
}

TEST(Documents, ActorAfterKeyRotationsPublishesEveryKeyCurrentFirst) {
  const crypto::Ed25519PublicKey other = crypto::Ed25519Key::generate().public_key();
  const std::string pem3 = crypto::RsaKey::generate(2048).public_pem();
  Json doc = actor_document(
      uris(), giles(), {{3, pem3, other}, {2, "pem2", vector_public_key()}, {1, "pem1", other}});
  const std::string actor = "https://artdag.rose-ash.com/users/giles";
  ASSERT_TRUE(doc["publicKey"].is_array());
  ASSERT_EQ(doc["publicKey"].size(), 3u);
  EXPECT_EQ(doc["publicKey"][0],
            Json({{"id", actor + "#main-key-3"}, {"owner", actor}, {"publicKeyPem", pem3}}));
  EXPECT_EQ(doc["publicKey"][1]["id"], actor + "#main-key-2");
  EXPECT_EQ(doc["publicKey"][2]["id"], actor + "#main-key");
  // A reader that takes one key takes the current one.
  auto read = read_actor_document(doc, actor);
  ASSERT_TRUE(read) << read.error;
  EXPECT_EQ(read.value->key_id, actor + "#main-key-3");
  EXPECT_EQ(read.value->public_key_pem, pem3);
  // Each old key is found by the id a claim names.
  EXPECT_EQ(actor_public_key_pem(doc, actor + "#main-key"), "pem1");
  EXPECT_EQ(actor_public_key_pem(doc, actor + "#main-key-2"), "pem2");
  EXPECT_EQ(actor_public_key_pem(doc, actor + "#main-key-4"), std::nullopt);
  EXPECT_EQ(actor_public_key_pem(doc, "https://elsewhere.example/users/giles#main-key"),
            std::nullopt);
  ASSERT_EQ(doc["assertionMethod"].size(), 3u);
  EXPECT_EQ(doc["assertionMethod"][0]["id"], actor + "#ed25519-key-3");
  EXPECT_EQ(doc["assertionMethod"][2]["id"], actor + "#ed25519-key");
  EXPECT_EQ(find_ed25519_assertion_key(doc, actor + "#ed25519-key-2"), vector_public_key());
  EXPECT_EQ(find_ed25519_assertion_key(doc, actor + "#ed25519-key"), other);
}

TEST(Documents, ActorPublicKeyNeedsTheActorAsOwner) {
  Json doc = actor_document(uris(), giles(), {{1, "pem", vector_public_key()}});
  const std::string actor = "https://artdag.rose-ash.com/users/giles";
  EXPECT_EQ(actor_public_key_pem(doc, actor + "#main-key"), "pem");
  doc["publicKey"]["owner"] = "https://artdag.rose-ash.com/users/mallory";
  EXPECT_EQ(actor_public_key_pem(doc, actor + "#main-key"), std::nullopt);
  EXPECT_EQ(actor_public_key_pem(Json::array(), actor + "#main-key"), std::nullopt);
}

TEST(Documents, UpdateOfTheActorEmbedsItWithoutItsContext) {
  Json doc = actor_document(uris(), giles(), {{1, "pem", vector_public_key()}});
  const Json context = doc["@context"];
  Json update =
      update_actor_activity(uris(), "giles", "https://artdag.rose-ash.com/users/giles/updates/1",
                            doc, "2026-12-02T08:00:00Z");
  EXPECT_EQ(update["type"], "Update");
  EXPECT_EQ(update["@context"], context);
  EXPECT_EQ(update["actor"], "https://artdag.rose-ash.com/users/giles");
  EXPECT_FALSE(update["object"].contains("@context"));
  EXPECT_EQ(update["object"]["id"], update["actor"]);
  EXPECT_EQ(update["object"]["publicKey"], doc["publicKey"]);
  EXPECT_EQ(update["cc"], Json::array({"https://artdag.rose-ash.com/users/giles/followers"}));
}

TEST(Documents, WebfingerRoundTripsWithTheActor) {
  Json jrd = webfinger_document(uris(), "giles");
  const std::string actor = "https://artdag.rose-ash.com/users/giles";
  EXPECT_EQ(jrd["subject"], "acct:giles@artdag.rose-ash.com");
  EXPECT_EQ(jrd["aliases"], Json::array({actor}));
  ASSERT_TRUE(jrd["links"].is_array());
  ASSERT_EQ(jrd["links"].size(), 2u);
  EXPECT_EQ(jrd["links"][0],
            Json({{"rel", "self"}, {"type", "application/activity+json"}, {"href", actor}}));
  EXPECT_EQ(jrd["links"][1], Json({{"rel", "http://webfinger.net/rel/profile-page"},
                                   {"type", "text/html"},
                                   {"href", actor}}));
  // preferredUsername + domain gives back the same actor.
  Json doc = actor_document(uris(), giles(), {{1, "pem", vector_public_key()}});
  auto back = uris().parse_webfinger_resource(
      "acct:" + doc["preferredUsername"].get<std::string>() + "@" + uris().domain());
  EXPECT_EQ(uris().actor(back.username), doc["id"]);
}

TEST(Documents, NodeInfo) {
  Json discovery = nodeinfo_discovery(uris());
  ASSERT_EQ(discovery["links"].size(), 1u);
  EXPECT_EQ(discovery["links"][0]["rel"], "http://nodeinfo.diaspora.software/ns/schema/2.1");
  EXPECT_EQ(discovery["links"][0]["href"], "https://artdag.rose-ash.com/nodeinfo/2.1");

  Json doc = nodeinfo_document("0.1.0", {3, 42}, true, {{"nodeName", "Art DAG"}});
  EXPECT_EQ(doc["version"], "2.1");
  EXPECT_EQ(doc["software"]["name"], "artdag-l2");
  EXPECT_EQ(doc["software"]["version"], "0.1.0");
  EXPECT_EQ(doc["protocols"], Json::array({"activitypub"}));
  EXPECT_EQ(doc["usage"]["users"]["total"], 3);
  EXPECT_EQ(doc["usage"]["localPosts"], 42);
  EXPECT_EQ(doc["openRegistrations"], true);
  EXPECT_EQ(doc["metadata"]["nodeName"], "Art DAG");
  EXPECT_TRUE(doc["services"]["inbound"].is_array());
  EXPECT_TRUE(doc["services"]["outbound"].is_array());
  EXPECT_EQ(nodeinfo_document("1", {}, false, Json::array())["metadata"], Json::object());
}

TEST(Documents, HostMeta) {
  std::string xml = host_meta_xml(uris());
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0), 0u);
  EXPECT_NE(xml.find("<XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">"),
            std::string::npos);
  EXPECT_NE(xml.find("<Link rel=\"lrdd\" type=\"application/jrd+json\" "
                     "template=\"https://artdag.rose-ash.com/.well-known/webfinger?resource={uri}"
                     "\"/>"),
            std::string::npos);
}

TEST(Documents, ActivityStreamsTypes) {
  EXPECT_EQ(activity_streams_type("image"), "Image");
  EXPECT_EQ(activity_streams_type("video"), "Video");
  EXPECT_EQ(activity_streams_type("audio"), "Audio");
  EXPECT_EQ(activity_streams_type("effect"), "Application");
  EXPECT_EQ(activity_streams_type("recipe"), "Application");
  EXPECT_EQ(activity_streams_type("infrastructure"), "Application");
  EXPECT_EQ(activity_streams_type("document"), "Document");
}

TEST(Documents, AssetObject) {
  Json o = asset_object(uris(), video());
  EXPECT_FALSE(o.contains("@context"));
  EXPECT_EQ(o["id"], "https://artdag.rose-ash.com/objects/" + kHash);
  EXPECT_EQ(o["type"], "Video");
  EXPECT_EQ(o["attributedTo"], "https://artdag.rose-ash.com/users/giles");
  EXPECT_EQ(o["name"], "my-video");
  EXPECT_EQ(o["content"], "<p>A &lt;b&gt;loop&lt;/b&gt; &amp; more</p>");
  EXPECT_EQ(o["published"], "2026-02-03T04:05:06Z");
  EXPECT_EQ(o["url"], "https://artdag.rose-ash.com/asset/my-video");
  EXPECT_EQ(o["contentHash"], Json({{"algorithm", "sha3-256"}, {"value", kHash}}));
  ASSERT_EQ(o["tag"].size(), 2u);
  EXPECT_EQ(o["tag"][0]["type"], "Hashtag");
  EXPECT_EQ(o["tag"][0]["name"], "#art");
  EXPECT_EQ(o["tag"][0]["href"], "https://artdag.rose-ash.com/assets?tag=art");
  EXPECT_EQ(o["tag"][1]["name"], "#generated");
  EXPECT_EQ(o["to"], Json::array({"https://www.w3.org/ns/activitystreams#Public"}));
  EXPECT_EQ(o["cc"], Json::array({"https://artdag.rose-ash.com/users/giles/followers"}));
  EXPECT_FALSE(o.contains("ipfsCid"));
  EXPECT_FALSE(o.contains("provenance"));
  EXPECT_FALSE(has_float(o));
}

TEST(Documents, AssetObjectOptionalMembers) {
  store::Asset a = video();
  a.description.clear();
  a.tags.clear();
  a.ipfs_cid = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
  a.provenance_json =
      R"({"l1_server":"https://celery-artdag.rose-ash.com","run_id":"r-1","recipe":"loop",)"
      R"("inputs":["aa","bb"],"duration":1.5})";
  Json o = asset_object(uris(), a);
  EXPECT_FALSE(o.contains("content"));
  EXPECT_EQ(o["tag"], Json::array());
  EXPECT_EQ(o["ipfsCid"], a.ipfs_cid);
  EXPECT_EQ(o["provenance"]["l1_server"], "https://celery-artdag.rose-ash.com");
  EXPECT_EQ(o["provenance"]["run_id"], "r-1");
  EXPECT_EQ(o["provenance"]["recipe"], "loop");
  EXPECT_EQ(o["provenance"]["inputs"], Json::array({"aa", "bb"}));
  EXPECT_EQ(o["provenance"]["duration"], "1.5");  // floats never reach a signed document
  EXPECT_FALSE(has_float(o));

  a.provenance_json = "not json";
  EXPECT_FALSE(asset_object(uris(), a).contains("provenance"));
}

TEST(Documents, ObjectDocumentHasContext) {
  Json o = object_document(uris(), video());
  EXPECT_EQ(o["@context"], activity_context());
  Json without = o;
  without.erase("@context");
  EXPECT_EQ(without, asset_object(uris(), video()));
}

TEST(Documents, CreateActivity) {
  Json a = create_activity(
      uris(), video(),
      "https://artdag.rose-ash.com/activities/0190f5c8-8b3a-7c1e-9a2b-3c4d5e6f7a8b");
  EXPECT_EQ(a["@context"], activity_context());
  EXPECT_EQ(a["id"], "https://artdag.rose-ash.com/activities/0190f5c8-8b3a-7c1e-9a2b-3c4d5e6f7a8b");
  EXPECT_EQ(a["type"], "Create");
  EXPECT_EQ(a["actor"], "https://artdag.rose-ash.com/users/giles");
  EXPECT_EQ(a["published"], "2026-02-03T04:05:06Z");
  EXPECT_EQ(a["to"], Json::array({"https://www.w3.org/ns/activitystreams#Public"}));
  EXPECT_EQ(a["cc"], Json::array({"https://artdag.rose-ash.com/users/giles/followers"}));
  EXPECT_EQ(a["object"], asset_object(uris(), video()));
  EXPECT_FALSE(a.contains("signature"));
  EXPECT_FALSE(has_float(a));
}

TEST(Documents, AssetTypesInObjects) {
  store::Asset a = video();
  for (auto [type, as] : {std::pair{"image", "Image"}, std::pair{"recipe", "Application"},
                          std::pair{"document", "Document"}}) {
    a.asset_type = type;
    EXPECT_EQ(asset_object(uris(), a)["type"], as);
  }
}

// ---------------------------------------------------------------- collections

TEST(Collections, ParseQuery) {
  auto q = parse_collection_query("");
  ASSERT_TRUE(q);
  EXPECT_FALSE(q->page);

  q = parse_collection_query("page=true");
  ASSERT_TRUE(q);
  EXPECT_TRUE(q->page);
  EXPECT_FALSE(q->max_id);
  EXPECT_FALSE(q->min_id);

  q = parse_collection_query("page=true&max_id=41");
  ASSERT_TRUE(q);
  EXPECT_TRUE(q->page);
  EXPECT_EQ(q->max_id, 41);

  q = parse_collection_query("min_id=-1&page=true");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->min_id, -1);

  q = parse_collection_query("max_id=5");  // a cursor alone asks for a page
  ASSERT_TRUE(q);
  EXPECT_TRUE(q->page);

  q = parse_collection_query("page=false&utm_source=x");
  ASSERT_TRUE(q);
  EXPECT_FALSE(q->page);

  q = parse_collection_query("page=%74rue");
  ASSERT_TRUE(q);
  EXPECT_TRUE(q->page);

  for (const char* bad :
       {"page=yes", "page=true&page=true", "max_id=abc", "max_id=", "max_id", "max_id=1&max_id=2",
        "max_id=1&min_id=0", "max_id=1.5", "max_id=+3", "max_id=99999999999999999999"}) {
    EXPECT_FALSE(parse_collection_query(bad)) << bad;
  }
}

TEST(Collections, OrderedCollection) {
  const std::string outbox = uris().outbox("giles");
  Json c = ordered_collection(uris(), outbox, 57);
  EXPECT_EQ(c["@context"], "https://www.w3.org/ns/activitystreams");
  EXPECT_EQ(c["id"], outbox);
  EXPECT_EQ(c["type"], "OrderedCollection");
  EXPECT_EQ(c["totalItems"], 57);
  EXPECT_EQ(c["first"], outbox + "?page=true");
  EXPECT_EQ(c["last"], outbox + "?page=true&min_id=-1");
  EXPECT_FALSE(has_float(c));
}

CollectionPage page_of(std::vector<int64_t> cursors, bool older, bool newer) {
  CollectionPage page;
  for (int64_t c : cursors) page.items.push_back({c, uris().activity(c)});
  page.has_older = older;
  page.has_newer = newer;
  return page;
}

TEST(Collections, FirstPage) {
  const std::string outbox = uris().outbox("giles");
  Json p = ordered_collection_page(uris(), outbox, {true, {}, {}}, page_of({9, 8, 7}, true, false));
  EXPECT_EQ(p["id"], outbox + "?page=true");
  EXPECT_EQ(p["partOf"], outbox);
  EXPECT_EQ(p["type"], "OrderedCollectionPage");
  EXPECT_EQ(p["orderedItems"],
            Json::array({uris().activity(9), uris().activity(8), uris().activity(7)}));
  EXPECT_EQ(p["next"], outbox + "?page=true&max_id=7");
  EXPECT_FALSE(p.contains("prev"));
}

TEST(Collections, MiddleAndLastPages) {
  const std::string followers = uris().followers("giles");
  Json middle =
      ordered_collection_page(uris(), followers, {true, 7, {}}, page_of({6, 5}, true, true));
  EXPECT_EQ(middle["id"], followers + "?page=true&max_id=7");
  EXPECT_EQ(middle["next"], followers + "?page=true&max_id=5");
  EXPECT_EQ(middle["prev"], followers + "?page=true&min_id=6");

  Json last =
      ordered_collection_page(uris(), followers, {true, {}, -1}, page_of({1, 0}, false, true));
  EXPECT_EQ(last["id"], followers + "?page=true&min_id=-1");
  EXPECT_FALSE(last.contains("next"));
  EXPECT_EQ(last["prev"], followers + "?page=true&min_id=1");

  Json empty = ordered_collection_page(uris(), followers, {true, 0, {}}, page_of({}, true, true));
  EXPECT_EQ(empty["orderedItems"], Json::array());
  EXPECT_FALSE(empty.contains("next"));
  EXPECT_FALSE(empty.contains("prev"));
}

}  // namespace
}  // namespace artdag::activitypub
