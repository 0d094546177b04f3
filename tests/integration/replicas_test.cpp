// Replicas of the server starting at the same moment on one empty data volume (the scale-out
// deployment in deploy/stack.yml): they must agree on one set of keys and one JWT secret, or
// claims and tokens from one replica would not verify on the other.
#include <gtest/gtest.h>

#include <thread>

#include "harness.h"

namespace artdag::test {
namespace {

TEST(Replicas, StartingTogetherOnAnEmptyVolumeAgreeOnOneSetOfKeys) {
  if (postgresql_unavailable()) GTEST_SKIP() << "PostgreSQL not available";
  TempDir shared;
  const std::string database =
      using_postgresql() ? fresh_database_url() : (shared.path() / "l2.db").string();
  // No JWT_SECRET: the first start generates one into the shared volume.
  std::map<std::string, std::string> env{{"ARTDAG_DATA", shared.path().string()},
                                         {"JWT_SECRET", ""},
                                         {"ARTDAG_DOMAIN", "replicas.test"},
                                         {"ARTDAG_BASE_URL", "https://replicas.test"}};
  if (using_postgresql()) env["DATABASE_URL"] = database;
  ServerProcess first(env), second(env);
  bool first_up = false, second_up = false;
  std::thread a([&] { first_up = first.start(); });
  std::thread b([&] { second_up = second.start(); });
  a.join();
  b.join();
  ASSERT_TRUE(first_up) << first.log();
  ASSERT_TRUE(second_up) << second.log();

  auto key_of = [](ServerProcess& s) {
    return http_request("GET", s.url("/users/giles"), {"Accept: application/activity+json"})
        .json()["publicKey"]["publicKeyPem"]
        .get<std::string>();
  };
  EXPECT_EQ(key_of(first), key_of(second));
  EXPECT_EQ(http_request("GET", first.url("/log/key")).body,
            http_request("GET", second.url("/log/key")).body);
  // A token issued by one replica is good on the other.
  const std::string token = register_user(first, "replica");
  auto me = http_request("GET", second.url("/auth/me"), {"Authorization: Bearer " + token});
  EXPECT_EQ(me.status, 200) << me.body;
}

}  // namespace
}  // namespace artdag::test
