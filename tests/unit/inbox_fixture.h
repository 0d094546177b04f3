#pragma once
// The InboxService fixture shared by the inbox tests: a real (in-memory SQLite) store, a
// fake web serving the remote actor, and requests signed with the test key, by
// draft-cavage (post_raw) or RFC 9421 (post_rfc9421).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "activitypub/http_signature.h"
#include "activitypub/message_signature.h"
#include "crypto/key_store.h"
#include "crypto/rsa_key.h"
#include "federation_fakes.h"
#include "services/federation/inbox.h"
#include "store/store.h"
#include "util/error.h"
#include "util/time.h"

namespace artdag::services::federation::inbox_testing {

using test::json_page;

const std::string kBase = "https://local.example";
const std::string kAlice = "https://remote.example/users/alice";
const std::string kHash(64, 'c');

struct Answer {
  int status = 0;
  std::string detail;
  std::string reason;  // the refusal's short name
  ApiError::Headers headers;
  InboxResult result;
};

class InboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = store::open_store(":memory:");
    store_->migrate();
    ASSERT_TRUE(store_->create_user({"bob", "", "x", "2026-01-01T00:00:00Z"}));
    std::string dir = (std::filesystem::temp_directory_path() / "artdag-inbox-XXXXXX").string();
    ASSERT_NE(::mkdtemp(dir.data()), nullptr);
    keys_dir_ = dir;
    keys_ = std::make_unique<crypto::KeyStore>(keys_dir_);
    web_.pages[kAlice] = json_page(test::actor_document(kAlice, key_.public_pem()));
    ResolverOptions options;
    options.clock = [this] { return now_; };
    resolver_ = std::make_unique<ActorResolver>(*store_, web_.transport(), nullptr, options);
    outgoing_ = std::make_unique<Outgoing>(*store_, uris_, *keys_, nullptr);
    inbox_ = std::make_unique<InboxService>(*store_, uris_, *resolver_, *outgoing_);
  }
  void TearDown() override { std::filesystem::remove_all(keys_dir_); }

  // Signs `body` as `key_id` with `key` at `date` and posts it to `path`; `tamper` may change
  // the headers and body afterwards.
  Answer post_raw(
      std::string body, const std::string& path = "/users/bob/inbox",
      std::optional<crypto::RsaKey> key = std::nullopt,
      const std::string& key_id = kAlice + "#main-key", std::optional<int64_t> date = std::nullopt,
      const std::function<void(activitypub::HeaderFields&, std::string&)>& tamper = {}) {
    auto signed_headers = activitypub::sign_request("POST", kBase + path, body, key ? *key : key_,
                                                    key_id, date.value_or(now_));
    auto fields = signed_headers.fields();
    fields.emplace_back("Content-Type", "application/activity+json");
    if (tamper) tamper(fields, body);
    return receive(path, std::move(fields), std::move(body));
  }
  // The same signed by RFC 9421 as Mastodon and Fedify sign (@method @target-uri @authority
  // content-digest; created; keyid; alg rsa-v1_5-sha256).
  Answer post_rfc9421(
      std::string body, const std::string& path = "/users/bob/inbox",
      const std::function<void(activitypub::HeaderFields&, std::string&)>& tamper = {},
      std::optional<int64_t> created = std::nullopt) {
    auto signed_request =
        activitypub::rfc9421::sign_request("POST", kBase + path, std::string_view(body), key_,
                                           kAlice + "#main-key", created.value_or(now_));
    auto fields = signed_request.fields();
    fields.emplace_back("Host", "local.example");
    fields.emplace_back("Content-Type", "application/activity+json");
    if (tamper) tamper(fields, body);
    return receive(path, std::move(fields), std::move(body));
  }
  Answer receive(const std::string& path, activitypub::HeaderFields fields, std::string body) {
    std::optional<std::string> user;
    if (path.rfind("/users/", 0) == 0) user = path.substr(7, path.find('/', 7) - 7);
    InboxPost post{"POST", path, fields, body, user};
    Answer answer;
    try {
      answer.result = inbox_->receive(post);
      answer.status = 202;
    } catch (const ApiError& e) {
      answer.status = e.status();
      answer.detail = e.detail();
      answer.reason = e.reason();
      answer.headers = e.headers();
    }
    return answer;
  }
  Answer post(const Json& activity, const std::string& path = "/users/bob/inbox") {
    return post_raw(activity.dump(), path);
  }

  Json follow(const std::string& id = "https://remote.example/follows/1") {
    return Json{{"@context", "https://www.w3.org/ns/activitystreams"},
                {"id", id},
                {"type", "Follow"},
                {"actor", kAlice},
                {"object", uris_.actor("bob")}};
  }
  Json activity(const std::string& type, const Json& object, const std::string& id) {
    return Json{{"id", id}, {"type", type}, {"actor", kAlice}, {"object", object}};
  }

  void add_asset() {
    store::NewAsset a;
    a.asset.name = "piece";
    a.asset.content_hash = kHash;
    a.asset.asset_type = "image";
    a.asset.owner = "bob";
    a.asset.created_at = "2026-01-02T03:04:05Z";
    auto r = store_->create_asset_with_activity(
        a, store::NewActivity{"https://l2.test/activities/c-" + a.asset.content_hash, "Create",
                              a.asset.owner, a.asset.content_hash, a.asset.created_at, "{}"});
    ASSERT_TRUE(std::holds_alternative<store::Asset>(r));
  }
  store::Asset asset() { return *store_->find_asset_by_hash(kHash); }

  std::unique_ptr<store::Store> store_;
  activitypub::Uris uris_{kBase, "local.example"};
  test::FakeWeb web_;
  crypto::RsaKey key_ =
      crypto::RsaKey::from_private_pem(test::read_test_file("http-signature/test-key.pem"));
  int64_t now_ = unix_now();
  std::filesystem::path keys_dir_;
  std::unique_ptr<crypto::KeyStore> keys_;  // this server's users' keys
  std::unique_ptr<ActorResolver> resolver_;
  std::unique_ptr<Outgoing> outgoing_;
  std::unique_ptr<InboxService> inbox_;
};

}  // namespace artdag::services::federation::inbox_testing
