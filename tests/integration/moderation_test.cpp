// Domain blocks against the real binary, on both backends: `artdag-l2 domain-block add` while
// the server runs takes effect within 2 s (the server reads the list from the database), the
// inbox then refuses the domain's traffic with 403 before fetching anything, and
// `domain-block list` / `remove` do what they say.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "activitypub/http_signature.h"
#include "crypto/rsa_key.h"
#include "harness.h"
#include "util/time.h"

namespace artdag::test {
namespace {

using namespace std::chrono_literals;

// A Follow of bob signed with a throwaway key by an actor on `host` (nobody serves it: a
// server that fetched it would answer 401, one that blocks the domain 403 first).
HttpResult follow_from(ServerProcess& server, const std::string& host) {
  static const crypto::RsaKey key = crypto::RsaKey::generate();
  const std::string actor = "http://" + host + "/users/mallory";
  const std::string body = Json{{"@context", "https://www.w3.org/ns/activitystreams"},
                                {"id", actor + "/follows/1"},
                                {"type", "Follow"},
                                {"actor", actor},
                                {"object", server.url("/users/bob")}}
                               .dump();
  const std::string inbox = server.url("/users/bob/inbox");
  auto s = activitypub::sign_request("POST", inbox, body, key, actor + "#main-key", unix_now());
  Headers headers;
  for (const auto& [k, v] : s.fields()) headers.push_back(k + ": " + v);
  headers.push_back("Content-Type: application/activity+json");
  return http_request("POST", inbox, headers, body);
}

TEST(Moderation, ADomainBlockHoldsOnTheRunningServerWithinTwoSeconds) {
  if (postgresql_unavailable()) GTEST_SKIP() << "ARTDAG_TEST_PG_URL not set";
  ServerProcess server;
  ASSERT_TRUE(server.start()) << server.log();
  register_user(server, "bob");

  // Before: the sender's actor is fetched (and cannot be): 401.
  EXPECT_EQ(follow_from(server, "spam.invalid").status, 401);

  std::string out;
  ASSERT_EQ(server.run_command({"domain-block", "add", "SPAM.invalid", "--reason", "spam"}, &out),
            0)
      << out;
  EXPECT_NE(out.find("blocked SPAM.invalid"), std::string::npos) << out;
  const auto added = std::chrono::steady_clock::now();
  HttpResult refused;
  do {
    refused = follow_from(server, "eu.spam.invalid:8443");
    if (refused.status == 403) break;
    std::this_thread::sleep_for(100ms);
  } while (std::chrono::steady_clock::now() - added < 3s);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_LT(std::chrono::steady_clock::now() - added, 2500ms);
  EXPECT_EQ(refused.json()["detail"], "This server does not federate with the sender's domain");
  // Another domain is not touched by it.
  EXPECT_EQ(follow_from(server, "notspam.invalid").status, 401);

  ASSERT_EQ(server.run_command({"domain-block", "list"}, &out), 0);
  EXPECT_NE(out.find("spam.invalid\t"), std::string::npos) << out;
  EXPECT_NE(out.find("\tspam"), std::string::npos) << out;
  EXPECT_NE(server.run_command({"domain-block", "add", "not a host"}, &out), 0);
  EXPECT_NE(server.run_command({"domain-block", "remove", "other.invalid"}, &out), 0);

  ASSERT_EQ(server.run_command({"domain-block", "remove", "spam.invalid"}, &out), 0) << out;
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(follow_from(server, "spam.invalid").status, 401);
}

// The admin role and API: `set-role` makes an admin, who alone may manage blocks over the
// JSON API; the home page lists blocks only when the operator publishes them; a blocked
// domain's remote claims are hidden while the block lasts.
TEST(Moderation, AnAdminManagesDomainBlocksOverTheApi) {
  if (postgresql_unavailable()) GTEST_SKIP() << "ARTDAG_TEST_PG_URL not set";
  ServerProcess server(std::map<std::string, std::string>{{"ARTDAG_PUBLISH_DOMAIN_BLOCKS", "1"}});
  ASSERT_TRUE(server.start()) << server.log();
  const auto admin = register_user(server, "root_admin");
  const auto user = register_user(server, "plain");
  std::string out;
  ASSERT_EQ(server.run_command({"set-role", "root_admin", "admin"}, &out), 0) << out;
  EXPECT_NE(out.find("root_admin is now an admin"), std::string::npos) << out;
  EXPECT_EQ(server.run_command({"set-role", "plain", "owner"}, &out), 1) << out;
  EXPECT_NE(out.find("role must be 'user' or 'admin'"), std::string::npos) << out;
  EXPECT_EQ(server.run_command({"set-role", "nobody", "admin"}, &out), 1) << out;

  const auto api = [&](const std::string& method, const std::string& path, const std::string& token,
                       const std::optional<std::string>& body = {}) {
    Headers headers{"Content-Type: application/json"};
    if (!token.empty()) headers.push_back("Authorization: Bearer " + token);
    return http_request(method, server.url(path), headers, body);
  };
  EXPECT_EQ(api("GET", "/admin/domain-blocks", "").status, 401);
  EXPECT_EQ(api("GET", "/admin/domain-blocks", user).status, 403);
  EXPECT_EQ(api("POST", "/admin/domain-blocks", user, R"({"host":"spam.invalid"})").status, 403);
  EXPECT_EQ(api("POST", "/admin/domain-blocks", admin, R"({"host":"not a host"})").status, 422);
  EXPECT_EQ(api("POST", "/admin/domain-blocks", admin,
                Json{{"host", "spam.invalid"}, {"reason", std::string(501, 'x')}}.dump())
                .status,
            422);
  EXPECT_EQ(
      api("POST", "/admin/domain-blocks", admin, R"({"host":"spam.invalid","reason":7})").status,
      422);
  EXPECT_EQ(api("POST", "/admin/domain-blocks", admin, "{").status, 400);
  EXPECT_EQ(api("GET", "/admin/domain-blocks", admin).json()["blocks"].size(), 0u)
      << "nothing was stored by the refused requests";

  // Claims received from the domain before the block; hidden while it is blocked.
  {
    auto store = server.open_store();
    store::RemoteClaim claim;
    claim.activity_id = "https://eu.spam.invalid/activities/1";
    claim.actor_url = "https://eu.spam.invalid/users/mallory";
    claim.object_id = "https://eu.spam.invalid/objects/1";
    claim.content_hash = std::string(64, 'b');
    claim.json = "{}";
    claim.received_at = "2026-12-01T00:00:00Z";
    ASSERT_TRUE(store->record_remote_claim(claim));
  }
  EXPECT_EQ(http_request("GET", server.url("/remote-claims")).json()["claims"].size(), 1u);

  auto added = api("POST", "/admin/domain-blocks", admin,
                   R"({"host":"HTTPS://Spam.invalid:8443/","reason":"spam <b>waves</b>"})");
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(added.json()["host"], "spam.invalid");
  EXPECT_EQ(api("POST", "/admin/domain-blocks", admin, R"({"host":"spam.invalid"})").status, 200)
      << "blocking again updates the reason";
  api("POST", "/admin/domain-blocks", admin,
      R"({"host":"spam.invalid","reason":"spam <b>waves</b>"})");
  auto listed = api("GET", "/admin/domain-blocks", admin).json()["blocks"];
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["host"], "spam.invalid");
  EXPECT_EQ(listed[0]["reason"], "spam <b>waves</b>");
  EXPECT_TRUE(eventually(
      [&] { return http_request("GET", server.url("/remote-claims")).json()["claims"].empty(); },
      3s));

  auto home = http_request("GET", server.url("/"), {"Accept: text/html"});
  EXPECT_NE(home.body.find("Blocked domains"), std::string::npos);
  EXPECT_NE(home.body.find("spam &lt;b&gt;waves&lt;/b&gt;"), std::string::npos)
      << "the reason is escaped";

  EXPECT_EQ(api("DELETE", "/admin/domain-blocks/spam.invalid", user).status, 403);
  auto lifted = api("DELETE", "/admin/domain-blocks/spam.invalid", admin);
  EXPECT_EQ(lifted.status, 200) << lifted.body;
  EXPECT_EQ(lifted.json()["host"], "spam.invalid");
  EXPECT_EQ(api("DELETE", "/admin/domain-blocks/spam.invalid", admin).status, 404);
  EXPECT_TRUE(eventually(
      [&] {
        return http_request("GET", server.url("/remote-claims")).json()["claims"].size() == 1;
      },
      3s))
      << "lifting the block shows the stored claims again";
}

TEST(Moderation, TheHomePageListsNoBlocksUnlessTheOperatorPublishesThem) {
  if (postgresql_unavailable()) GTEST_SKIP() << "ARTDAG_TEST_PG_URL not set";
  ServerProcess server;
  ASSERT_TRUE(server.start()) << server.log();
  std::string out;
  ASSERT_EQ(server.run_command({"domain-block", "add", "quiet.invalid", "--reason", "r"}, &out), 0)
      << out;
  auto home = http_request("GET", server.url("/"), {"Accept: text/html"});
  EXPECT_EQ(home.status, 200);
  EXPECT_EQ(home.body.find("quiet.invalid"), std::string::npos);
}

}  // namespace
}  // namespace artdag::test
