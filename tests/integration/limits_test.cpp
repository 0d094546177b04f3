// Abuse limits against the real binary: login/registration rate limits per client address
// and per account (JSON API and HTML forms), the per-address connection cap, and slow
// clients cut by the request timeout. Each test speaks from its own 127.x address (Linux
// routes all of 127/8 to lo), so the per-address limits of one test do not touch another.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <string>

#include "harness.h"

namespace artdag::test {
namespace {

using namespace std::chrono_literals;

const Headers kJson = {"Content-Type: application/json"};

// Small limits so the tests reach them quickly.
class Limits : public SharedServerTest {
 protected:
  static void SetUpTestSuite() {
    suite_env_ = {
        {"ARTDAG_AUTH_ATTEMPTS_PER_IP", "3"},        {"ARTDAG_AUTH_IP_WINDOW_SECONDS", "60"},
        {"ARTDAG_LOGIN_FAILURES_PER_ACCOUNT", "2"},  {"ARTDAG_LOGIN_FAILURE_WINDOW_SECONDS", "900"},
        {"ARTDAG_LOGIN_FAILURES_ACCOUNT_WIDE", "4"}, {"ARTDAG_MAX_CONNECTIONS_PER_IP", "3"},
        {"ARTDAG_REQUEST_TIMEOUT_SECONDS", "3"}};
    SharedServerTest::SetUpTestSuite();
  }
  static void TearDownTestSuite() {
    SharedServerTest::TearDownTestSuite();
    suite_env_.clear();
  }

  static HttpResult login(const std::string& from, const std::string& user,
                          const std::string& password) {
    return http_request("POST", url("/auth/login"), kJson,
                        Json{{"username", user}, {"password", password}}.dump(), 30000, from);
  }
  static HttpResult register_from(const std::string& from, const std::string& user) {
    return http_request("POST", url("/auth/register"), kJson,
                        Json{{"username", user}, {"password", "correct horse battery"}}.dump(),
                        30000, from);
  }
  static void expect_limited(const HttpResult& r, int max_wait) {
    EXPECT_EQ(r.status, 429) << r.body;
    int wait = std::atoi(r.header("retry-after").c_str());
    EXPECT_GE(wait, 1) << r.header("retry-after");
    EXPECT_LE(wait, max_wait) << r.header("retry-after");
  }
};

TEST_F(Limits, AttemptsPerAddressAre429WithRetryAfterAndOtherAddressesUnaffected) {
  EXPECT_EQ(register_from("127.0.0.2", "lim_a").status, 201);
  EXPECT_EQ(login("127.0.0.2", "lim_a", "wrong password!").status, 401);
  EXPECT_EQ(login("127.0.0.2", "lim_a", "correct horse battery").status, 200);
  // The fourth attempt within the minute, whatever it is, waits ~20 s (3 per 60 s).
  for (auto r : {register_from("127.0.0.2", "lim_b"),
                 login("127.0.0.2", "lim_a", "correct horse battery")}) {
    expect_limited(r, 20);
    EXPECT_EQ(r.header("content-type"), "application/json");
    EXPECT_NE(r.json()["detail"].get<std::string>().find("Too many"), std::string::npos) << r.body;
  }
  // Nothing was done for the refused registration.
  EXPECT_EQ(register_from("127.0.0.3", "lim_b").status, 201);
  EXPECT_EQ(login("127.0.0.3", "lim_a", "correct horse battery").status, 200);
  // Form-encoded twins of the API share the limit.
  auto form =
      http_request("POST", url("/auth/login"), {"Content-Type: application/x-www-form-urlencoded"},
                   "username=lim_a&password=correct+horse+battery", 30000, "127.0.0.2");
  expect_limited(form, 20);
}

TEST_F(Limits, FailedLoginsLockOnlyThatAccountFromThatAddressForABoundedTime) {
  ASSERT_EQ(register_from("127.0.0.10", "victim").status, 201);
  ASSERT_EQ(register_from("127.0.0.10", "bystander").status, 201);
  // Two failures from one address use up that address's budget on the account...
  EXPECT_EQ(login("127.0.0.11", "victim", "guess-number-1").status, 401);
  EXPECT_EQ(login("127.0.0.11", "Victim", "guess-number-2").status, 401);
  // ...so it is refused before the password is checked, even the right one, for one
  // token's refill (900 s / 2) at most: the lock ends on its own.
  expect_limited(login("127.0.0.11", "victim", "correct horse battery"), 450);
  // The owner, from an address without failures, gets in: nobody can lock an account.
  EXPECT_EQ(login("127.0.0.12", "victim", "correct horse battery").status, 200);
  // Other accounts are untouched.
  EXPECT_EQ(login("127.0.0.13", "bystander", "correct horse battery").status, 200);
  // Unknown names are limited the same way (the 429 does not reveal which accounts exist).
  EXPECT_EQ(login("127.0.0.15", "nobody_here", "x-password-1").status, 401);
  EXPECT_EQ(login("127.0.0.15", "nobody_here", "x-password-2").status, 401);
  expect_limited(login("127.0.0.15", "nobody_here", "x-password-3"), 450);
}

TEST_F(Limits, AccountWideFailuresStopOnlyAddressesThatFailed) {
  ASSERT_EQ(register_from("127.0.0.40", "popular").status, 201);
  // Four addresses, one failure each: the account-wide threshold (4) is reached.
  for (const char* from : {"127.0.0.41", "127.0.0.42", "127.0.0.43", "127.0.0.44"})
    EXPECT_EQ(login(from, "popular", "wrong-guess-1").status, 401) << from;
  // An address that failed before is stopped although its own budget is not spent...
  expect_limited(login("127.0.0.41", "popular", "wrong-guess-2"), 450);
  // ...one that never failed still gets its try, and the owner gets in.
  EXPECT_EQ(login("127.0.0.45", "popular", "wrong-guess-3").status, 401);
  EXPECT_EQ(login("127.0.0.46", "popular", "correct horse battery").status, 200);
}

TEST_F(Limits, ASuccessfulLoginClearsThatAddresssFailures) {
  ASSERT_EQ(register_from("127.0.0.20", "typo").status, 201);
  EXPECT_EQ(login("127.0.0.21", "typo", "typo-password").status, 401);
  EXPECT_EQ(login("127.0.0.21", "typo", "correct horse battery").status, 200);
  EXPECT_EQ(login("127.0.0.21", "typo", "typo-password").status, 401);
  EXPECT_EQ(register_from("127.0.0.20", "typo2").status, 201);
  EXPECT_EQ(login("127.0.0.22", "typo2", "typo-password").status, 401);
  EXPECT_EQ(login("127.0.0.22", "typo2", "typo-password").status, 401);
  expect_limited(login("127.0.0.22", "typo2", "correct horse battery"), 450);
}

TEST_F(Limits, HtmlFormsAreLimitedToo) {
  const std::string from = "127.0.0.30";
  auto page = http_request("GET", url("/login"), {"Accept: text/html"}, std::nullopt, 30000, from);
  ASSERT_EQ(page.status, 200);
  std::string cookie = page.header("set-cookie").substr(0, page.header("set-cookie").find(';'));
  std::smatch m;
  static const std::regex csrf_re(R"re(name="csrf_token" value="([^"]+)")re");
  ASSERT_TRUE(std::regex_search(page.body, m, csrf_re));
  Headers form = {"Accept: text/html", "Content-Type: application/x-www-form-urlencoded",
                  "Cookie: " + cookie};
  auto post = [&](const std::string& path, const std::string& fields) {
    return http_request("POST", url(path), form, fields + "&csrf_token=" + m[1].str(), 30000, from);
  };
  EXPECT_EQ(post("/login", "username=form_a&password=nope-nope-1").status, 401);
  EXPECT_EQ(post("/login", "username=form_b&password=nope-nope-2").status, 401);
  EXPECT_EQ(
      post("/register", "username=form_c&password=form-pass-1&password_confirm=form-pass-1").status,
      303);
  for (auto r :
       {post("/login", "username=form_d&password=nope-nope-3"),
        post("/register", "username=form_e&password=form-pass-1&password_confirm=form-pass-1")}) {
    expect_limited(r, 20);
    EXPECT_NE(r.header("content-type").find("text/html"), std::string::npos);
  }
}

// Reads what the server sends until it closes (true) or `timeout` passes (false).
bool closed_within(int fd, std::chrono::milliseconds timeout, std::string* got = nullptr) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (poll(&p, 1, static_cast<int>(std::max<long>(left.count(), 1))) <= 0) continue;
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return true;
    if (got) got->append(buf, static_cast<size_t>(n));
  }
  return false;
}

bool send_all(int fd, const std::string& data) {
  return send(fd, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
}

TEST_F(Limits, ConnectionsPerAddressAreCapped) {
  const std::string from = "127.0.0.40";
  std::vector<int> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(connect_from(from, server().port()));
    ASSERT_GE(held.back(), 0);
  }
  std::this_thread::sleep_for(200ms);  // let the server accept them
  // Over the cap: closed at once, unread (well before the 3 s request timeout).
  int extra = connect_from(from, server().port());
  ASSERT_GE(extra, 0);
  auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(closed_within(extra, 2500ms));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1500ms);
  close(extra);
  // Another address is served meanwhile.
  EXPECT_EQ(http_request("GET", url("/health"), {}, std::nullopt, 30000, "127.0.0.41").status, 200);
  // A freed slot is usable again.
  close(held.back());
  held.pop_back();
  EXPECT_TRUE(eventually(
      [&] {
        return http_request("GET", url("/health"), {}, std::nullopt, 2000, from).status == 200;
      },
      3000ms));
  for (int fd : held) close(fd);
}

TEST_F(Limits, SlowClientsAreCutByTheRequestTimeout) {
  const std::string request =
      "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: slowly, slowly\r\n\r\n";
  // One byte every 300 ms: the whole request would take ~20 s; the server gives it 3 s.
  auto dribble = [&](int fd) {
    auto started = std::chrono::steady_clock::now();
    for (char c : request) {
      if (closed_within(fd, 300ms) || !send_all(fd, std::string(1, c)))
        return std::chrono::steady_clock::now() - started;
    }
    return std::chrono::steady_clock::duration::max();
  };
  int fd = connect_from("127.0.0.50", server().port());
  ASSERT_GE(fd, 0);
  auto took = dribble(fd);
  EXPECT_GE(took, 2500ms);
  EXPECT_LE(took, 6s);
  close(fd);

  // The same on a kept-alive connection: once the next request has started it gets the
  // request timeout, not the (much longer) idle timeout.
  fd = connect_from("127.0.0.51", server().port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(send_all(fd, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  std::string got;
  closed_within(fd, 1000ms, &got);
  EXPECT_EQ(got.rfind("HTTP/1.1 200", 0), 0u) << got;
  took = dribble(fd);
  EXPECT_GE(took, 2500ms);
  EXPECT_LE(took, 6s);
  close(fd);
}

}  // namespace
}  // namespace artdag::test
