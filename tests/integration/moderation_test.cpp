// Domain blocks against the real binary, on both backends: `artdag-l2 domain-block add` while
// the server runs takes effect within 2 s (the server reads the list from the database), the
// inbox then refuses the domain's traffic with 403 before fetching anything, and
// `domain-block list` / `remove` do what they say.
#include <gtest/gtest.h>

#include <chrono>
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

}  // namespace
}  // namespace artdag::test
