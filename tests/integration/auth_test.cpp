// Accounts over HTTP against the real binary: registration, login (JSON and form), me,
// logout and the bad inputs around them.
#include <gtest/gtest.h>

#include "harness.h"

namespace artdag::test {
namespace {

const Headers kJson = {"Content-Type: application/json"};

class AuthApi : public SharedServerTest {};

TEST_F(AuthApi, HealthReportsTheDatabase) {
  auto r = http_request("GET", url("/health"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["status"], "ok");
  EXPECT_EQ(r.json()["database"], using_postgresql() ? "postgresql" : "sqlite");
}

TEST_F(AuthApi, RegisterLoginMeLogout) {
  auto reg = http_request("POST", url("/auth/register"), kJson,
                          R"({"username":"alice","password":"wonderland-42","email":"a@example.com"})");
  ASSERT_EQ(reg.status, 201) << reg.body;
  EXPECT_EQ(reg.header("content-type"), "application/json");
  EXPECT_EQ(reg.json()["token_type"], "bearer");
  EXPECT_FALSE(reg.json()["access_token"].get<std::string>().empty());

  auto login = http_request("POST", url("/auth/login"), kJson,
                            R"({"username":"alice","password":"wonderland-42"})");
  ASSERT_EQ(login.status, 200) << login.body;
  std::string token = login.json()["access_token"];
  EXPECT_EQ(login.json()["token_type"], "bearer");

  auto me = http_request("GET", url("/auth/me"), {"Authorization: Bearer " + token});
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json()["username"], "alice");
  EXPECT_EQ(me.json()["email"], "a@example.com");
  EXPECT_EQ(me.json()["actor_id"], server().url("/users/alice"));
  EXPECT_EQ(me.json().count("password_hash"), 0u);

  auto out = http_request("POST", url("/auth/logout"), {"Authorization: Bearer " + token});
  EXPECT_EQ(out.status, 200);
  auto after = http_request("GET", url("/auth/me"), {"Authorization: Bearer " + token});
  EXPECT_EQ(after.status, 401);
  EXPECT_NE(after.json()["detail"].get<std::string>().find("revoked"), std::string::npos);

  // Other tokens of the same user are unaffected.
  auto again = http_request("GET", url("/auth/me"),
                            {"Authorization: Bearer " + reg.json()["access_token"].get<std::string>()});
  EXPECT_EQ(again.status, 200);
}

TEST_F(AuthApi, LoginAcceptsFormEncoding) {
  register_user(server(), "formuser", "form-password-1");
  auto r = http_request("POST", url("/auth/login"), {"Content-Type: application/x-www-form-urlencoded"},
                        "username=formuser&password=form-password-1");
  EXPECT_EQ(r.status, 200) << r.body;
  auto reg = http_request("POST", url("/auth/register"), {"Content-Type: application/x-www-form-urlencoded"},
                          "username=formuser2&password=form%20password%202");
  EXPECT_EQ(reg.status, 201) << reg.body;
  auto login2 = http_request("POST", url("/auth/login"), kJson,
                             R"({"username":"formuser2","password":"form password 2"})");
  EXPECT_EQ(login2.status, 200) << login2.body;
}

TEST_F(AuthApi, UsernamesAreCaseInsensitiveUnique) {
  register_user(server(), "Bob");
  auto dup = http_request("POST", url("/auth/register"), kJson,
                          R"({"username":"BOB","password":"another-password"})");
  EXPECT_EQ(dup.status, 409) << dup.body;
  auto login = http_request("POST", url("/auth/login"), kJson,
                            R"({"username":"bob","password":"correct horse battery"})");
  EXPECT_EQ(login.status, 200);
  EXPECT_EQ(login.json()["username"], "bob");
}

TEST_F(AuthApi, WrongPasswordAndUnknownUserLookTheSame) {
  register_user(server(), "carol");
  auto wrong = http_request("POST", url("/auth/login"), kJson,
                            R"({"username":"carol","password":"not-the-password"})");
  auto unknown = http_request("POST", url("/auth/login"), kJson,
                              R"({"username":"nobody_here","password":"not-the-password"})");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.body, unknown.body);
}

TEST_F(AuthApi, BadRegistrationsStoreNothing) {
  struct Case {
    std::string content_type, body;
    long status;
  } cases[] = {
      {"application/json", "{not json", 400},
      {"application/json", "[1,2]", 400},
      {"application/json", std::string(200, '[') + std::string(200, ']'), 400},
      {"text/plain", R"({"username":"x1","password":"password123"})", 415},
      {"application/json", R"({"password":"password123"})", 422},
      {"application/json", R"({"username":"x2"})", 422},
      {"application/json", R"({"username":"x3","password":"short"})", 422},
      {"application/json", R"({"username":"bad name","password":"password123"})", 422},
      {"application/json", R"({"username":"dash-name","password":"password123"})", 422},
      {"application/json", R"({"username":")" + std::string(31, 'a') + R"(","password":"password123"})", 422},
      {"application/json", R"({"username":"x4","password":")" + std::string(300, 'p') + R"("})", 422},
      {"application/json", R"({"username":"x5","password":"password123","email":"nope"})", 422},
      {"application/json", R"({"username":123,"password":"password123"})", 422},
      {"application/json", R"({"username":"x6","password":["password123"]})", 422},
      {"application/x-www-form-urlencoded", "username=x7&password=%zz", 400},
  };
  for (const auto& c : cases) {
    auto r = http_request("POST", url("/auth/register"), {"Content-Type: " + c.content_type}, c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " -> " << r.body;
    ASSERT_FALSE(r.body.empty());
    EXPECT_TRUE(r.json().contains("detail")) << r.body;
  }
  for (const char* name : {"x1", "x2", "x3", "x4", "x5", "x6", "x7"}) {
    auto login = http_request("POST", url("/auth/login"), kJson,
                              Json{{"username", name}, {"password", "password123"}}.dump());
    EXPECT_EQ(login.status, 401) << name << " must not exist";
  }
}

TEST_F(AuthApi, BadTokensAre401) {
  std::string good = register_user(server(), "dave");
  auto dot = good.find('.');
  std::string header = good.substr(0, dot);
  std::string rest = good.substr(dot);
  // {"alg":"none","typ":"JWT"} in base64url
  std::string none_token = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0" + rest.substr(0, rest.rfind('.') + 1);
  std::string tampered = good;
  tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
  for (const std::string& token : {std::string("garbage"), none_token, tampered, std::string("a.b.c")}) {
    auto r = http_request("GET", url("/auth/me"), {"Authorization: Bearer " + token});
    EXPECT_EQ(r.status, 401) << token;
    EXPECT_TRUE(r.json().contains("detail"));
  }
  EXPECT_EQ(http_request("GET", url("/auth/me")).status, 401);
  EXPECT_EQ(http_request("GET", url("/auth/me"), {"Authorization: Basic Zm9vOmJhcg=="}).status, 401);
  auto wrong_secret = http_request("POST", url("/auth/logout"), {"Authorization: Bearer " + tampered});
  EXPECT_EQ(wrong_secret.status, 401);
}

TEST_F(AuthApi, UnknownPathsAndMethods) {
  auto r = http_request("GET", url("/no/such/path"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.json()["detail"], "Not found");
  auto m = http_request("DELETE", url("/auth/login"));
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(m.header("allow"), "POST");
}

TEST_F(AuthApi, OversizedBodyIs413) {
  std::string big(2 * 1024 * 1024, 'a');
  auto r = http_request("POST", url("/auth/register"), kJson, big);
  EXPECT_EQ(r.status, 413);
}

TEST_F(AuthApi, PasswordsAndTokensNeverReachTheLog) {
  http_request("POST", url("/auth/register"), kJson,
               R"({"username":"logcheck","password":"very-secret-password-xyz"})");
  auto login = http_request("POST", url("/auth/login"), kJson,
                            R"({"username":"logcheck","password":"very-secret-password-xyz"})");
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string token = login.json()["access_token"].get<std::string>();
  EXPECT_EQ(http_request("GET", url("/auth/me"), {"Authorization: Bearer " + token}).status, 200);
  // A token a client puts in a query string is not logged either (the access log has paths).
  http_request("GET", url("/assets?auth_token=" + token));
  const std::string log = server().log();
  EXPECT_NE(log.find("path=/auth/me"), std::string::npos) << "the access log is on";
  EXPECT_EQ(log.find("very-secret-password-xyz"), std::string::npos);
  EXPECT_EQ(log.find(token), std::string::npos);
}

}  // namespace
}  // namespace artdag::test
