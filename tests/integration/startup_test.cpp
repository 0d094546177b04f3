// Start-up, configuration errors, key setup, admin commands and graceful shutdown.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fstream>
#include <thread>

#include "harness.h"

namespace artdag::test {
namespace {

class Startup : public ::testing::Test {
 protected:
  void SetUp() override {
    if (postgresql_unavailable()) GTEST_SKIP() << "ARTDAG_TEST_PG_URL not set";
  }
};

mode_t mode_of(const std::filesystem::path& p) {
  struct stat st {};
  stat(p.c_str(), &st);
  return st.st_mode & 0777;
}

TEST_F(Startup, FirstStartCreatesInstanceUserKeysAndSecret) {
  ServerProcess server(std::map<std::string, std::string>{{"JWT_SECRET", ""}});
  ASSERT_TRUE(server.start()) << server.log();
  auto keys = server.data_dir() / "keys";
  EXPECT_TRUE(std::filesystem::exists(keys / "giles.pem"));
  EXPECT_TRUE(std::filesystem::exists(keys / "giles.pub"));
  EXPECT_EQ(mode_of(keys / "giles.pem"), 0600u);
  EXPECT_EQ(mode_of(server.data_dir() / "jwt_secret"), 0600u);
  EXPECT_NE(server.log().find("generated"), std::string::npos) << "a warning names the generated secret";
  if (!using_postgresql()) {
    EXPECT_TRUE(std::filesystem::exists(server.data_dir() / "l2.db"));
  }

  // A token survives a restart because the generated secret persisted.
  std::string token = register_user(server, "persist");
  EXPECT_EQ(server.stop(SIGTERM), 0);
  ASSERT_TRUE(server.start()) << server.log();
  auto me = http_request("GET", server.url("/auth/me"), {"Authorization: Bearer " + token});
  EXPECT_EQ(me.status, 200) << me.body;
  EXPECT_TRUE(std::filesystem::exists(keys / "persist.pem")) << "every user gets a key pair";
}

TEST_F(Startup, BadSettingsStopWithOneLine) {
  const std::map<std::string, std::string> bad[] = {
      {{"ARTDAG_BASE_URL", "::not a url::"}},
      {{"PORT", "99999"}},
      {{"DATABASE_URL", "postgresql://nobody:pw@127.0.0.1:1/none"}},
      {{"ARTDAG_DATA", "/proc/forbidden/dir"}},
      {{"L1_SERVERS", "not-a-url"}},
  };
  for (const auto& env : bad) {
    ServerProcess server(env);
    std::string output;
    int code = server.run_command({"serve"}, &output);
    EXPECT_NE(code, 0) << env.begin()->first;
    EXPECT_NE(output.find("artdag-l2:"), std::string::npos) << output;
    EXPECT_EQ(output.find("pw@"), std::string::npos) << "passwords never printed: " << output;
  }
}

TEST_F(Startup, SetupKeysRefusesToOverwrite) {
  ServerProcess server;
  std::string out;
  EXPECT_EQ(server.run_command({"setup-keys", "--data-dir", server.data_dir().string(), "--user", "erin"}, &out), 0) << out;
  auto pem = server.data_dir() / "keys" / "erin.pem";
  ASSERT_TRUE(std::filesystem::exists(pem));
  EXPECT_EQ(mode_of(pem), 0600u);
  std::ifstream in(pem);
  std::string before((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(server.run_command({"setup-keys", "--user", "erin"}, &out), 0);
  EXPECT_NE(out.find("refusing to overwrite"), std::string::npos) << out;
  std::ifstream again(pem);
  std::string after((std::istreambuf_iterator<char>(again)), {});
  EXPECT_EQ(before, after);
}

TEST_F(Startup, LooseKeyPermissionsStopTheServer) {
  ServerProcess server;
  std::string out;
  ASSERT_EQ(server.run_command({"setup-keys"}, &out), 0) << out;
  chmod((server.data_dir() / "keys" / "giles.pem").c_str(), 0644);
  EXPECT_NE(server.run_command({"serve"}, &out), 0);
  EXPECT_NE(out.find("giles.pem"), std::string::npos) << out;
}

TEST_F(Startup, AdminCommandsCreateUsersAndSetPasswords) {
  ServerProcess server;
  std::string out;
  EXPECT_EQ(server.run_command({"migrate"}, &out), 0) << out;
  EXPECT_EQ(server.run_command({"migrate"}, &out), 0) << "migrations are idempotent: " << out;
  EXPECT_EQ(server.run_command({"create-user", "frank"}, &out, "first-password-1\n"), 0) << out;
  EXPECT_NE(server.run_command({"create-user", "frank"}, &out, "first-password-1\n"), 0);
  EXPECT_EQ(server.run_command({"set-password", "frank"}, &out, "second-password-2\n"), 0) << out;
  EXPECT_NE(server.run_command({"set-password", "nobody"}, &out, "second-password-2\n"), 0);
  ASSERT_TRUE(server.start()) << server.log();
  auto old_pw = http_request("POST", server.url("/auth/login"), {"Content-Type: application/json"},
                             R"({"username":"frank","password":"first-password-1"})");
  EXPECT_EQ(old_pw.status, 401);
  auto new_pw = http_request("POST", server.url("/auth/login"), {"Content-Type: application/json"},
                             R"({"username":"frank","password":"second-password-2"})");
  EXPECT_EQ(new_pw.status, 200) << new_pw.body;
  // The instance user can log in once the operator gives it a password.
  EXPECT_EQ(server.run_command({"set-password", "giles"}, &out, "instance-password-3\n"), 0) << out;
  auto giles = http_request("POST", server.url("/auth/login"), {"Content-Type: application/json"},
                            R"({"username":"giles","password":"instance-password-3"})");
  EXPECT_EQ(giles.status, 200) << giles.body;
}

TEST_F(Startup, GracefulShutdownFinishesInFlightRequests) {
  ServerProcess server;
  ASSERT_TRUE(server.start()) << server.log();
  // Registration hashes a password and generates an RSA key: slow enough to be in flight.
  HttpResult slow;
  std::thread client([&] {
    slow = http_request("POST", server.url("/auth/register"), {"Content-Type: application/json"},
                        R"({"username":"inflight","password":"in-flight-password"})");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  int status = server.stop(SIGTERM);
  client.join();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << server.log();
  if (slow.status != 0) {
    EXPECT_EQ(slow.status, 201) << "a request that was accepted completes: " << slow.body;
  }
  ASSERT_TRUE(server.start()) << server.log();
  auto login = http_request("POST", server.url("/auth/login"), {"Content-Type: application/json"},
                            R"({"username":"inflight","password":"in-flight-password"})");
  EXPECT_EQ(login.status, slow.status == 201 ? 200 : 401);
}

}  // namespace
}  // namespace artdag::test
