// The registry and the ActivityPub read side over HTTP, against the real binary.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <thread>

#include "activitypub/ld_signature.h"
#include "crypto/hash.h"
#include "crypto/rsa_key.h"
#include "crypto/uuid.h"
#include "harness.h"
#include "util/url.h"

namespace artdag::test {
namespace {

std::string hash_of(const std::string& seed) {
  return crypto::sha3_256_hex(seed);
}

class RegistryApi : public SharedServerTest {
 protected:
  static void SetUpTestSuite() {
    SharedServerTest::SetUpTestSuite();
    if (server_ && server_->running()) {
      alice_ = register_user(*server_, "ralice");
      bob_ = register_user(*server_, "rbob");
    }
  }
  static HttpResult post_asset(const std::string& token, const Json& body) {
    return http_request("POST", url("/assets"),
                        {"Content-Type: application/json", "Authorization: Bearer " + token},
                        body.dump());
  }
  static Json asset_body(const std::string& name, const std::string& seed) {
    return Json{{"name", name},
                {"content_hash", hash_of(seed)},
                {"asset_type", "video"},
                {"tags", {"art", "generated"}},
                {"description", "Café — 日本 🎨"}};
  }
  static std::string public_key(const std::string& user) {
    auto actor = http_request("GET", url("/users/" + user), {"Accept: application/activity+json"});
    return actor.json()["publicKey"]["publicKeyPem"];
  }
  static inline std::string alice_, bob_;
};

TEST_F(RegistryApi, RegisterMakesASignedClaimAtTheNextIndex) {
  auto r = post_asset(alice_, asset_body("first-video", "first"));
  ASSERT_EQ(r.status, 201) << r.body;
  Json asset = r.json()["asset"];
  Json activity = r.json()["activity"];
  EXPECT_EQ(asset["name"], "first-video");
  EXPECT_EQ(asset["owner"], "ralice");
  EXPECT_EQ(asset["content_hash"], hash_of("first"));
  EXPECT_EQ(activity["type"], "Create");
  EXPECT_EQ(activity["actor"], server().url("/users/ralice"));
  int64_t index = asset["activity_index"];
  // Its id is a UUIDv7 chosen before signing; it is served there and at its index.
  const std::string id = activity["id"];
  const std::string prefix = server().url("/activities/");
  ASSERT_EQ(id.rfind(prefix, 0), 0u) << id;
  EXPECT_TRUE(crypto::is_uuid_v7(id.substr(prefix.size()))) << id;
  EXPECT_EQ(r.json()["proof_url"], server().url("/log/proof/" + std::to_string(index)));
  EXPECT_EQ(activity["object"]["contentHash"]["value"], hash_of("first"));
  EXPECT_EQ(activity["object"]["contentHash"]["algorithm"], "sha3-256");
  EXPECT_EQ(activity["signature"]["type"], "RsaSignature2017");
  EXPECT_EQ(activity["signature"]["creator"], server().url("/users/ralice#main-key"));

  // The stored claim is served unchanged and verifies with the actor's published key.
  auto served = http_request("GET", url("/activities/" + std::to_string(index)));
  ASSERT_EQ(served.status, 200);
  EXPECT_EQ(served.header("content-type"), "application/activity+json");
  EXPECT_EQ(served.json(), activity);
  auto by_id = http_request("GET", id);
  ASSERT_EQ(by_id.status, 200);
  EXPECT_EQ(by_id.body, served.body);
  auto key = crypto::RsaKey::from_public_pem(public_key("ralice"));
  auto check = activitypub::verify_claim(served.json(), key);
  EXPECT_TRUE(check.valid) << check.reason;

  auto object = http_request("GET", url("/objects/" + hash_of("first")));
  ASSERT_EQ(object.status, 200);
  EXPECT_EQ(object.json()["type"], "Video");
  EXPECT_EQ(object.json()["attributedTo"], server().url("/users/ralice"));

  auto by_name = http_request("GET", url("/assets/first-video"));
  ASSERT_EQ(by_name.status, 200);
  EXPECT_EQ(by_name.json()["activity_index"], index);
}

TEST_F(RegistryApi, VerifyCommandChecksClaimsOffline) {
  auto r = post_asset(alice_, asset_body("verify-me", "verify-me"));
  ASSERT_EQ(r.status, 201) << r.body;
  auto dir = server().data_dir();
  std::ofstream(dir / "claim.json") << r.json()["activity"].dump();
  Json tampered = r.json()["activity"];
  tampered["object"]["name"] = "someone-else";
  std::ofstream(dir / "tampered.json") << tampered.dump();
  std::ofstream(dir / "alice.pub") << public_key("ralice");
  std::ofstream(dir / "bob.pub") << public_key("rbob");
  std::string out;
  EXPECT_EQ(server().run_command({"verify", (dir / "claim.json").string(), "--public-key",
                                  (dir / "alice.pub").string()},
                                 &out),
            0)
      << out;
  EXPECT_NE(out.find("valid"), std::string::npos);
  EXPECT_EQ(server().run_command({"verify", (dir / "tampered.json").string(), "--public-key",
                                  (dir / "alice.pub").string()},
                                 &out),
            1)
      << out;
  EXPECT_NE(out.find("invalid"), std::string::npos) << out;
  EXPECT_EQ(server().run_command({"verify", (dir / "claim.json").string(), "--public-key",
                                  (dir / "bob.pub").string()},
                                 &out),
            1)
      << out;
  EXPECT_EQ(server().run_command(
                {"verify", (dir / "claim.json").string(), "--actor", server().url("/users/ralice")},
                &out),
            0)
      << out;
  EXPECT_EQ(
      server().run_command(
          {"verify", (dir / "claim.json").string(), "--actor", server().url("/users/rbob")}, &out),
      1)
      << out;
  // Both signatures are checked, and the output says which: the RSA one, and the proof with
  // the actor's assertionMethod key (or one given offline).
  EXPECT_EQ(server().run_command(
                {"verify", (dir / "claim.json").string(), "--actor", server().url("/users/ralice")},
                &out),
            0)
      << out;
  EXPECT_NE(out.find("valid RsaSignature2017 by " + server().url("/users/ralice") + "#main-key"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("valid FEP-8b32 proof (eddsa-jcs-2022) by " + server().url("/users/ralice") +
                     "#ed25519-key"),
            std::string::npos)
      << out;
  const Json actor = Json::parse(
      http_request("GET", server().url("/users/ralice"), {"Accept: application/activity+json"})
          .body);
  const std::string alice_multibase = actor["assertionMethod"][0]["publicKeyMultibase"];
  EXPECT_EQ(alice_multibase.rfind("z6Mk", 0), 0u);
  EXPECT_EQ(server().run_command({"verify", (dir / "claim.json").string(), "--public-key",
                                  (dir / "alice.pub").string(), "--proof-key", alice_multibase},
                                 &out),
            0)
      << out;
  EXPECT_NE(out.find("valid FEP-8b32 proof"), std::string::npos) << out;
  // A proof that does not hold fails verify even when the RSA signature is right: checked
  // with another actor's key, alice's proof does not verify.
  const Json bob_actor = Json::parse(
      http_request("GET", server().url("/users/rbob"), {"Accept: application/activity+json"}).body);
  EXPECT_EQ(server().run_command({"verify", (dir / "claim.json").string(), "--public-key",
                                  (dir / "alice.pub").string(), "--proof-key",
                                  bob_actor["assertionMethod"][0]["publicKeyMultibase"]},
                                 &out),
            1)
      << out;
  EXPECT_NE(out.find("invalid FEP-8b32 proof"), std::string::npos) << out;
}

TEST_F(RegistryApi, ConflictsAre409AndStoreNothing) {
  ASSERT_EQ(post_asset(alice_, asset_body("owned-once", "owned-once")).status, 201);
  auto before = http_request("GET", url("/activities")).json()["activities"][0]["id"];
  auto same_hash = post_asset(bob_, asset_body("other-name", "owned-once"));
  EXPECT_EQ(same_hash.status, 409) << same_hash.body;
  auto same_hash_same_owner = post_asset(alice_, asset_body("third-name", "owned-once"));
  EXPECT_EQ(same_hash_same_owner.status, 409);
  auto same_name = post_asset(bob_, asset_body("owned-once", "different-content"));
  EXPECT_EQ(same_name.status, 409) << same_name.body;
  EXPECT_EQ(http_request("GET", url("/assets/other-name")).status, 404);
  EXPECT_EQ(http_request("GET", url("/assets/third-name")).status, 404);
  EXPECT_EQ(http_request("GET", url("/objects/" + hash_of("different-content"))).status, 404);
  auto after = http_request("GET", url("/activities")).json()["activities"][0]["id"];
  EXPECT_EQ(before, after) << "no activity index was consumed";
}

TEST_F(RegistryApi, ConcurrentClaimsOnOneHashHaveOneWinner) {
  const int kClients = 8;
  std::vector<long> statuses(kClients);
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i)
    threads.emplace_back([&, i] {
      statuses[i] =
          post_asset(i % 2 ? alice_ : bob_, asset_body("race-" + std::to_string(i), "race")).status;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409), kClients - 1);
}

TEST_F(RegistryApi, IndicesStayDenseUnderConcurrentWriters) {
  const int kClients = 6, kEach = 5;
  std::vector<std::thread> threads;
  std::atomic<int> created{0};
  for (int c = 0; c < kClients; ++c)
    threads.emplace_back([&, c] {
      for (int i = 0; i < kEach; ++i) {
        std::string name = "dense-" + std::to_string(c) + "-" + std::to_string(i);
        if (post_asset(c % 2 ? alice_ : bob_, asset_body(name, name)).status == 201) ++created;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), kClients * kEach);
  // Walk the whole log: every activity once, and indices 0..N-1 with no gap, each at its own
  // URL serving the same activity.
  std::set<std::string> listed;
  std::string cursor;
  for (int guard = 0; guard < 100; ++guard) {
    auto page =
        http_request("GET", url("/activities" + (cursor.empty() ? "" : "?cursor=" + cursor)));
    ASSERT_EQ(page.status, 200);
    const Json body = page.json();
    for (const auto& a : body["activities"]) EXPECT_TRUE(listed.insert(a["id"]).second);
    if (page.json()["next_cursor"].is_null()) break;
    cursor = page.json()["next_cursor"];
  }
  ASSERT_FALSE(listed.empty());
  std::set<std::string> by_index;
  for (size_t i = 0; i < listed.size(); ++i) {
    auto r = http_request("GET", url("/activities/" + std::to_string(i)));
    ASSERT_EQ(r.status, 200) << i;
    by_index.insert(r.json()["id"].get<std::string>());
  }
  EXPECT_EQ(by_index, listed);
  EXPECT_EQ(http_request("GET", url("/activities/" + std::to_string(listed.size()))).status, 404);
}

TEST_F(RegistryApi, BadRegistrationsAreRejectedAndStoreNothing) {
  struct Case {
    Json body;
    long status;
  } cases[] = {
      {Json{{"content_hash", hash_of("x")}, {"asset_type", "video"}}, 422},
      {Json{{"name", "no-hash"}, {"asset_type", "video"}}, 422},
      {Json{{"name", "bad-hash"}, {"content_hash", "abc123"}, {"asset_type", "video"}}, 422},
      {Json{
           {"name", "upper-hash"}, {"content_hash", std::string(64, 'A')}, {"asset_type", "video"}},
       422},
      {Json{{"name", "bad-type"}, {"content_hash", hash_of("t")}, {"asset_type", "hologram"}}, 422},
      {Json{{"name", "-starts-with-dash"}, {"content_hash", hash_of("d")}, {"asset_type", "image"}},
       422},
      {Json{{"name", "has space"}, {"content_hash", hash_of("s")}, {"asset_type", "image"}}, 422},
      {Json{{"name", std::string(129, 'n')},
            {"content_hash", hash_of("l")},
            {"asset_type", "image"}},
       422},
      {Json{{"name", "tags-not-list"},
            {"content_hash", hash_of("tl")},
            {"asset_type", "image"},
            {"tags", "art"}},
       422},
      {Json{{"name", "too-many-tags"},
            {"content_hash", hash_of("tm")},
            {"asset_type", "image"},
            {"tags", std::vector<std::string>(21, "t")}},
       422},
      {Json{{"name", "long-tag"},
            {"content_hash", hash_of("lt")},
            {"asset_type", "image"},
            {"tags", {std::string(65, 't')}}},
       422},
      {Json{{"name", "tag-space"},
            {"content_hash", hash_of("ts")},
            {"asset_type", "image"},
            {"tags", {"a b"}}},
       422},
      {Json{{"name", "long-desc"},
            {"content_hash", hash_of("ld")},
            {"asset_type", "image"},
            {"description", std::string(5001, 'd')}},
       422},
      {Json{{"name", "meta-list"},
            {"content_hash", hash_of("ml")},
            {"asset_type", "image"},
            {"metadata", {1, 2}}},
       422},
      {Json{{"name", "unknown-field"},
            {"content_hash", hash_of("uf")},
            {"asset_type", "image"},
            {"owner", "rbob"}},
       422},
      {Json{{"name", 42}, {"content_hash", hash_of("n42")}, {"asset_type", "image"}}, 422},
  };
  for (const auto& c : cases) {
    auto r = post_asset(alice_, c.body);
    EXPECT_EQ(r.status, c.status) << c.body.dump() << " -> " << r.body;
    EXPECT_TRUE(r.json().contains("detail"));
    if (c.body.contains("name") && c.body["name"].is_string()) {
      EXPECT_EQ(http_request(
                    "GET", url("/assets/" + encode_path_segment(c.body["name"].get<std::string>())))
                    .status,
                404);
    }
  }
  auto malformed =
      http_request("POST", url("/assets"),
                   {"Content-Type: application/json", "Authorization: Bearer " + alice_}, "{");
  EXPECT_EQ(malformed.status, 400);
  auto wrong_type = http_request("POST", url("/assets"),
                                 {"Content-Type: text/plain", "Authorization: Bearer " + alice_},
                                 asset_body("plain", "plain").dump());
  EXPECT_EQ(wrong_type.status, 415);
  auto no_token = http_request("POST", url("/assets"), {"Content-Type: application/json"},
                               asset_body("anon", "anon").dump());
  EXPECT_EQ(no_token.status, 401);
  EXPECT_EQ(http_request("GET", url("/assets/anon")).status, 404);
}

TEST_F(RegistryApi, ListingPagesWithACursorAndFilters) {
  for (int i = 0; i < 5; ++i) {
    Json body = asset_body("list-" + std::to_string(i), "list" + std::to_string(i));
    body["asset_type"] = i % 2 ? "image" : "audio";
    body["tags"] = {i % 2 ? "odd" : "even", "listing"};
    ASSERT_EQ(post_asset(i < 3 ? alice_ : bob_, body).status, 201);
  }
  auto first = http_request("GET", url("/assets?tag=listing&limit=2"));
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(first.json()["assets"].size(), 2u);
  EXPECT_EQ(first.json()["assets"][0]["name"], "list-4") << "newest first";
  std::string cursor = first.json()["next_cursor"];
  // A new asset between pages does not shift the next page.
  ASSERT_EQ(post_asset(alice_, Json{{"name", "list-late"},
                                    {"content_hash", hash_of("late")},
                                    {"asset_type", "image"},
                                    {"tags", {"listing"}}})
                .status,
            201);
  auto second = http_request("GET", url("/assets?tag=listing&limit=2&cursor=" + cursor));
  ASSERT_EQ(second.json()["assets"].size(), 2u);
  EXPECT_EQ(second.json()["assets"][0]["name"], "list-2");
  EXPECT_EQ(second.json()["assets"][1]["name"], "list-1");

  const Json images = http_request("GET", url("/assets?tag=listing&type=image&limit=100")).json();
  for (const auto& a : images["assets"]) EXPECT_EQ(a["asset_type"], "image");
  EXPECT_EQ(images["assets"].size(), 3u);
  auto bobs = http_request("GET", url("/assets?tag=listing&owner=rbob"));
  EXPECT_EQ(bobs.json()["assets"].size(), 2u);

  EXPECT_EQ(http_request("GET", url("/assets?limit=0")).status, 422);
  EXPECT_EQ(http_request("GET", url("/assets?limit=101")).status, 422);
  EXPECT_EQ(http_request("GET", url("/assets?limit=ten")).status, 422);
  EXPECT_EQ(http_request("GET", url("/assets?cursor=-5")).status, 400);
  EXPECT_EQ(http_request("GET", url("/assets?cursor=abc")).status, 400);
  EXPECT_EQ(http_request("GET", url("/assets/no-such-asset")).status, 404);
}

TEST_F(RegistryApi, WebFingerAndDiscovery) {
  std::string domain = "127.0.0.1:" + std::to_string(server().port());
  auto wf = http_request("GET", url("/.well-known/webfinger?resource=acct:ralice@" + domain));
  ASSERT_EQ(wf.status, 200) << wf.body;
  EXPECT_EQ(wf.header("content-type"), "application/jrd+json");
  EXPECT_EQ(wf.json()["subject"], "acct:ralice@" + domain);
  bool self_found = false;
  const Json jrd = wf.json();
  for (const auto& link : jrd["links"])
    if (link["rel"] == "self") {
      EXPECT_EQ(link["href"], server().url("/users/ralice"));
      EXPECT_EQ(link["type"], "application/activity+json");
      self_found = true;
    }
  EXPECT_TRUE(self_found);
  auto by_url =
      http_request("GET", url("/.well-known/webfinger?resource=" + server().url("/users/ralice")));
  EXPECT_EQ(by_url.status, 200) << by_url.body;
  EXPECT_EQ(http_request("GET", url("/.well-known/webfinger")).status, 400);
  EXPECT_EQ(http_request("GET", url("/.well-known/webfinger?resource=ralice")).status, 400);
  EXPECT_EQ(
      http_request("GET", url("/.well-known/webfinger?resource=acct:nobody@" + domain)).status,
      404);
  EXPECT_EQ(
      http_request("GET", url("/.well-known/webfinger?resource=acct:ralice@elsewhere.example"))
          .status,
      404);

  auto ni = http_request("GET", url("/.well-known/nodeinfo"));
  ASSERT_EQ(ni.status, 200);
  std::string href = ni.json()["links"][0]["href"];
  auto doc = http_request("GET", href);
  ASSERT_EQ(doc.status, 200) << href;
  EXPECT_EQ(doc.json()["version"], "2.1");
  EXPECT_EQ(doc.json()["software"]["name"], "artdag-l2");
  EXPECT_GE(doc.json()["usage"]["users"]["total"].get<int>(), 2);
  auto hm = http_request("GET", url("/.well-known/host-meta"));
  EXPECT_EQ(hm.status, 200);
  EXPECT_NE(hm.body.find("lrdd"), std::string::npos);
}

TEST_F(RegistryApi, ActorAndOutbox) {
  for (const char* accept :
       {"application/activity+json",
        "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"",
        "application/json", "*/*"}) {
    auto actor = http_request("GET", url("/users/ralice"), {std::string("Accept: ") + accept});
    ASSERT_EQ(actor.status, 200) << accept;
    EXPECT_EQ(actor.header("content-type"), "application/activity+json");
    Json a = actor.json();
    EXPECT_EQ(a["id"], server().url("/users/ralice"));
    EXPECT_EQ(a["type"], "Person");
    EXPECT_EQ(a["preferredUsername"], "ralice");
    EXPECT_EQ(a["publicKey"]["id"], server().url("/users/ralice#main-key"));
    EXPECT_EQ(a["publicKey"]["owner"], a["id"]);
    EXPECT_EQ(a["endpoints"]["sharedInbox"], server().url("/inbox"));
    EXPECT_EQ(a["inbox"], server().url("/users/ralice/inbox"));
  }
  EXPECT_EQ(http_request("GET", url("/users/nobody_here")).status, 404);
  EXPECT_EQ(http_request("GET", url("/users/Bad%20Name")).status, 404);

  ASSERT_EQ(post_asset(bob_, asset_body("outbox-1", "outbox-1")).status, 201);
  ASSERT_EQ(post_asset(bob_, asset_body("outbox-2", "outbox-2")).status, 201);
  auto outbox = http_request("GET", url("/users/rbob/outbox"));
  ASSERT_EQ(outbox.status, 200);
  EXPECT_EQ(outbox.json()["type"], "OrderedCollection");
  EXPECT_GE(outbox.json()["totalItems"].get<int>(), 2);
  auto page = http_request("GET", outbox.json()["first"].get<std::string>());
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.json()["type"], "OrderedCollectionPage");
  const Json items = page.json()["orderedItems"];
  ASSERT_GE(items.size(), 2u);
  EXPECT_EQ(items[0]["object"]["name"], "outbox-2") << "newest first";
  for (const auto& item : items) EXPECT_EQ(item["actor"], server().url("/users/rbob"));
  EXPECT_EQ(http_request("GET", url("/users/rbob/outbox?page=true&max_id=x")).status, 400);
  EXPECT_EQ(http_request("GET", url("/activities/999999")).status, 404);
  EXPECT_EQ(http_request("GET", url("/activities/-1")).status, 404);
  EXPECT_EQ(http_request("GET", url("/activities/abc")).status, 404);
  EXPECT_EQ(http_request("GET", url("/objects/" + hash_of("never registered"))).status, 404);
}

// Public documents are answered from memory when asked again (http/response_cache.h), but
// never with an answer older than a write this process has acknowledged.
TEST_F(RegistryApi, RepeatedReadsSeeEveryAcknowledgedWrite) {
  auto outbox_total = [] {
    auto r =
        http_request("GET", url("/users/ralice/outbox"), {"Accept: application/activity+json"});
    EXPECT_EQ(r.status, 200);
    return r.json()["totalItems"].get<int>();
  };
  auto listed = [](const std::string& name) {
    const Json page = http_request("GET", url("/assets?owner=ralice&limit=100")).json();
    for (const auto& a : page["assets"])
      if (a["name"] == name) return true;
    return false;
  };
  for (int i = 0; i < 5; ++i) {
    int before = outbox_total();
    EXPECT_EQ(outbox_total(), before);  // the repeat: same answer
    std::string name = "cache-check-" + std::to_string(i);
    EXPECT_FALSE(listed(name));
    ASSERT_EQ(post_asset(alice_, asset_body(name, name)).status, 201);
    EXPECT_EQ(outbox_total(), before + 1) << "a cached outbox outlived the write";
    EXPECT_TRUE(listed(name)) << "a cached asset list outlived the write";
  }
  // A miss is not remembered: the asset answers as soon as it exists.
  EXPECT_EQ(http_request("GET", url("/assets/cache-late")).status, 404);
  ASSERT_EQ(post_asset(alice_, asset_body("cache-late", "cache-late")).status, 201);
  EXPECT_EQ(http_request("GET", url("/assets/cache-late")).status, 200);
}

// Two server processes on one PostgreSQL database keep indices dense and unique.
TEST(TwoProcesses, ShareOnePostgreSQLAndKeepIndicesDense) {
  if (!using_postgresql() || postgresql_unavailable()) GTEST_SKIP() << "PostgreSQL only";
  std::string db = fresh_database_url();
  ServerProcess a({{"DATABASE_URL", db}});
  ASSERT_TRUE(a.start()) << a.log();
  ServerProcess b({{"DATABASE_URL", db}});
  ASSERT_TRUE(b.start()) << b.log();
  // Both processes must sign as the same user: the key lives in each data dir, so register
  // on A and copy the key to B.
  std::string token_a = register_user(a, "twoproc");
  std::filesystem::create_directories(b.data_dir() / "keys");
  for (const char* ext : {".pem", ".pub"})
    std::filesystem::copy_file(a.data_dir() / "keys" / (std::string("twoproc") + ext),
                               b.data_dir() / "keys" / (std::string("twoproc") + ext));
  auto login_b = http_request("POST", b.url("/auth/login"), {"Content-Type: application/json"},
                              R"({"username":"twoproc","password":"correct horse battery"})");
  ASSERT_EQ(login_b.status, 200);
  std::string token_b = login_b.json()["access_token"];
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 6; ++i) {
        std::string name = "tp-" + std::to_string(t) + "-" + std::to_string(i);
        auto& server = t % 2 ? a : b;
        auto r = http_request(
            "POST", server.url("/assets"),
            {"Content-Type: application/json",
             "Authorization: Bearer " + (t % 2 ? token_a : token_b)},
            Json{{"name", name}, {"content_hash", hash_of(name)}, {"asset_type", "image"}}.dump());
        if (r.status == 201) ++ok;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 24);
  std::set<int64_t> seen;
  for (int64_t i = 0; i < 24; ++i) {
    auto r = http_request("GET", (i % 2 ? a : b).url("/activities/" + std::to_string(i)));
    EXPECT_EQ(r.status, 200) << i;
    if (r.status == 200) seen.insert(i);
  }
  EXPECT_EQ(seen.size(), 24u);
  EXPECT_EQ(http_request("GET", a.url("/activities/24")).status, 404);
}

}  // namespace
}  // namespace artdag::test
