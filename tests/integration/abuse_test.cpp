// Abuse resistance against the real binary (issue 14): forged inbox floods naming a host
// that never answers, answers slowly or answers 1 MiB of garbage must not stall local users
// nor turn the server into a scanner; control bytes refused at the edge; error answers that
// arrive although the body was not read (lingering close); tokens end with a password change.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "activitypub/http_signature.h"
#include "crypto/rsa_key.h"
#include "harness.h"
#include "inbox_receiver.h"
#include "util/time.h"

namespace artdag::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A remote "server" that accepts connections and then misbehaves: never answers, answers one
// byte per 500 ms, or answers 200 with 1 MiB of garbage. Counts the connections it got.
class BadHost {
 public:
  enum class Mode { kSilent, kSlow, kGarbage };
  explicit BadHost(Mode mode) : mode_(mode) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 512))
      ADD_FAILURE() << "bad host cannot listen";
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { accept_loop(); });
  }
  ~BadHost() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    for (auto& t : workers_) t.join();
    std::lock_guard lock(mu_);
    for (int c : clients_) ::close(c);
    ::close(fd_);
  }
  int port() const { return port_; }
  int connections() const { return connections_.load(); }

 private:
  void accept_loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      ++connections_;
      {
        std::lock_guard lock(mu_);
        clients_.push_back(c);
      }
      if (mode_ != Mode::kSilent) workers_.emplace_back([this, c] { answer(c); });
    }
  }
  void answer(int c) {
    char buf[4096];
    pollfd p{c, POLLIN, 0};
    if (::poll(&p, 1, 2000) > 0) (void)::recv(c, buf, sizeof buf, 0);
    if (mode_ == Mode::kGarbage) {
      std::string head =
          "HTTP/1.1 200 OK\r\nContent-Type: application/activity+json\r\nContent-Length: " +
          std::to_string(1024 * 1024) + "\r\n\r\n";
      std::string body(1024 * 1024, '{');
      (void)::send(c, head.data(), head.size(), MSG_NOSIGNAL);
      (void)::send(c, body.data(), body.size(), MSG_NOSIGNAL);
      return;
    }
    const std::string slow = "HTTP/1.1 200 OK\r\nContent-Type: application/activity+json\r\n";
    for (char ch : slow) {
      if (stop_ || ::send(c, &ch, 1, MSG_NOSIGNAL) != 1) return;
      std::this_thread::sleep_for(500ms);
    }
  }

  Mode mode_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::vector<int> clients_;
};

class Abuse : public ::testing::Test {
 protected:
  void SetUp() override {
    if (postgresql_unavailable()) GTEST_SKIP() << "PostgreSQL backend selected but unavailable";
  }

  // 48 forged inbox POSTs (well-formed draft-cavage headers, a correct Digest, a fresh Date,
  // a key that is not the actor's) naming actors on `host`, while a logged-in client keeps
  // calling /auth/me.
  void flood(BadHost::Mode mode) {
    BadHost host(mode);
    ServerProcess server;
    ASSERT_TRUE(server.start()) << server.log();
    const std::string token = register_user(server, "flooded");
    const auto forger = crypto::RsaKey::generate();
    const std::string origin = "http://127.0.0.1:" + std::to_string(host.port());

    std::atomic<bool> done{false};
    std::mutex mu;
    std::vector<std::pair<long, double>> posts;  // status, seconds
    std::vector<std::string> details;
    std::vector<std::thread> senders;
    for (int t = 0; t < 12; ++t) {
      senders.emplace_back([&, t] {
        for (int i = 0; i < 4; ++i) {
          const std::string actor = origin + "/users/x" + std::to_string(t * 4 + i);
          const std::string body = Json{{"id", actor + "/follows/1"},
                                        {"type", "Follow"},
                                        {"actor", actor},
                                        {"object", server.url("/users/flooded")}}
                                       .dump();
          const std::string target = server.url("/users/flooded/inbox");
          auto s = activitypub::sign_request("POST", target, body, forger, actor + "#main-key",
                                             unix_now());
          Headers headers;
          for (const auto& [k, v] : s.fields()) headers.push_back(k + ": " + v);
          headers.push_back("Content-Type: application/activity+json");
          const auto started = Clock::now();
          auto r = http_request("POST", target, headers, body, 20000);
          const double took = std::chrono::duration<double>(Clock::now() - started).count();
          std::lock_guard lock(mu);
          posts.emplace_back(r.status, took);
          details.push_back(r.body);
        }
      });
    }
    std::vector<std::pair<long, double>> mes;
    std::thread me([&] {
      while (!done) {
        const auto started = Clock::now();
        auto r = http_request("GET", server.url("/auth/me"), {"Authorization: Bearer " + token},
                              std::nullopt, 20000);
        mes.emplace_back(r.status, std::chrono::duration<double>(Clock::now() - started).count());
        std::this_thread::sleep_for(50ms);
      }
    });
    for (auto& t : senders) t.join();
    // Keep asking a little longer: the fetches that were let through may still be running.
    std::this_thread::sleep_for(1s);
    done = true;
    me.join();

    ASSERT_EQ(posts.size(), 48u);
    for (const auto& [status, took] : posts) {
      EXPECT_TRUE(status == 401 || status == 429) << status;
      EXPECT_LT(took, 5.0) << "a forged POST took " << took << " s (status " << status << ")";
    }
    ASSERT_FALSE(mes.empty());
    for (const auto& [status, took] : mes) {
      EXPECT_EQ(status, 200);
      EXPECT_LT(took, 0.5) << "/auth/me took " << took << " s during the flood";
    }
    EXPECT_LE(host.connections(), 3) << "the bad host was asked " << host.connections() << " times";
    // The 401s say which of our checks failed, never what the remote answered.
    for (const auto& body : details) {
      EXPECT_EQ(body.find("HTTP "), std::string::npos) << body;
      EXPECT_EQ(body.find("Content-Type"), std::string::npos) << body;
      EXPECT_EQ(body.find("private"), std::string::npos) << body;
    }
  }
};

TEST_F(Abuse, ForgedInboxFloodNamingASilentHost) {
  flood(BadHost::Mode::kSilent);
}
TEST_F(Abuse, ForgedInboxFloodNamingASlowHost) {
  flood(BadHost::Mode::kSlow);
}
TEST_F(Abuse, ForgedInboxFloodNamingAGarbageHost) {
  flood(BadHost::Mode::kGarbage);
}

TEST_F(Abuse, ControlBytesInPathsAndQueriesAre400) {
  ServerProcess server;
  ASSERT_TRUE(server.start()) << server.log();
  for (const char* path : {"/assets/a%00", "/assets?owner=%00", "/users/a%0a", "/assets/x%7F"}) {
    auto r = http_request("GET", server.url(path), {"Accept: application/json"});
    EXPECT_EQ(r.status, 400) << path << ": " << r.body;
  }
  // ...and in JSON strings and form fields: 422, never a database error.
  const Headers json = {"Content-Type: application/json"};
  auto login = http_request("POST", server.url("/auth/login"), json,
                            R"({"username":"a\u0000b","password":"something long"})");
  EXPECT_EQ(login.status, 422) << login.body;
  auto reg = http_request("POST", server.url("/auth/register"), json,
                          R"({"username":"nul","password":"pass\u0000word1"})");
  EXPECT_EQ(reg.status, 422) << reg.body;
  auto form = http_request("POST", server.url("/auth/login"),
                           {"Content-Type: application/x-www-form-urlencoded"},
                           "username=a%00b&password=something+long");
  EXPECT_EQ(form.status, 422) << form.body;
  EXPECT_EQ(server.log().find("database unavailable"), std::string::npos);
  EXPECT_EQ(http_request("GET", server.url("/assets")).status, 200);
}

// The answer to a request whose body is refused unread (413) still arrives: the server reads
// and discards what the client keeps sending instead of resetting the connection.
TEST_F(Abuse, An413ArrivesWhileTheClientIsStillSendingItsBody) {
  ServerProcess server;
  ASSERT_TRUE(server.start()) << server.log();
  for (int round = 0; round < 5; ++round) {
    int fd = connect_from("127.0.0.1", server.port());
    ASSERT_GE(fd, 0);
    const std::size_t length = 4 * 1024 * 1024;
    std::string head =
        "POST /auth/register HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/json\r\nContent-Length: " +
        std::to_string(length) + "\r\n\r\n";
    ASSERT_EQ(::send(fd, head.data(), head.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(head.size()));
    std::this_thread::sleep_for(100ms);  // the 413 is written and the server closes its side
    const std::string chunk(64 * 1024, 'a');
    std::size_t sent = 0;
    bool send_failed = false;
    while (sent < length) {
      ssize_t n = ::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL);
      if (n <= 0) {
        send_failed = true;
        break;
      }
      sent += static_cast<std::size_t>(n);
    }
    EXPECT_FALSE(send_failed) << "connection reset after " << sent << " bytes";
    ::shutdown(fd, SHUT_WR);
    std::string answer;
    char buf[4096];
    for (;;) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 10000) <= 0) break;
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      answer.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
  }
}

TEST_F(Abuse, TokensIssuedBeforeAPasswordChangeAreRefused) {
  ServerProcess server;
  ASSERT_TRUE(server.start()) << server.log();
  const std::string old_token = register_user(server, "changer");
  const Headers old_auth = {"Authorization: Bearer " + old_token};
  ASSERT_EQ(http_request("GET", server.url("/auth/me"), old_auth).status, 200);
  // Tokens carry their issue time in seconds: change the password in a later second.
  std::this_thread::sleep_for(1100ms);
  ASSERT_EQ(server.run_command({"set-password", "changer"}, nullptr, "a brand new password\n"), 0);
  EXPECT_EQ(http_request("GET", server.url("/auth/me"), old_auth).status, 401);
  auto login = http_request("POST", server.url("/auth/login"), {"Content-Type: application/json"},
                            R"({"username":"changer","password":"a brand new password"})");
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(
      http_request("GET", server.url("/auth/me"),
                   {"Authorization: Bearer " + login.json()["access_token"].get<std::string>()})
          .status,
      200);
}

// Refused writes (4xx) leave the response cache alone; a successful one empties it. What the
// cache holds is observed through a write it cannot see: a row added by another process.
TEST_F(Abuse, OnlySuccessfulWritesEmptyTheResponseCache) {
  ServerProcess server(std::map<std::string, std::string>{{"ARTDAG_RESPONSE_CACHE_MS", "600000"}});
  ASSERT_TRUE(server.start()) << server.log();
  const auto followers = [&] {
    auto r = http_request("GET", server.url("/users/giles/followers"),
                          {"Accept: application/activity+json"});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json()["totalItems"].get<int64_t>();
  };
  ASSERT_EQ(followers(), 0);
  {
    auto other = server.open_store();
    store::Follower f;
    f.username = "giles";
    f.actor_url = "http://127.0.0.1:9/users/someone";
    f.inbox = "http://127.0.0.1:9/users/someone/inbox";
    f.created_at = "2026-01-01T00:00:00Z";
    ASSERT_TRUE(other->add_follower(f));
  }
  // A refused login and a POST to nowhere: nothing written, the cached answer stands.
  EXPECT_EQ(http_request("POST", server.url("/auth/login"), {"Content-Type: application/json"},
                         R"({"username":"nobody","password":"wrong password"})")
                .status,
            401);
  EXPECT_EQ(http_request("POST", server.url("/no/such/path"), {}, "x").status, 404);
  EXPECT_EQ(followers(), 0);
  // A registration writes: the cache is emptied and the other process's row shows.
  register_user(server, "cachewriter");
  EXPECT_EQ(followers(), 1);
}

// A server the operator listed in L1_SERVERS is reached on loopback without
// ARTDAG_ALLOW_PRIVATE_NETWORKS: the operator named it.
TEST_F(Abuse, AListedL1IsReachableOnAPrivateNetworkWithoutASecondSetting) {
  InboxReceiver l1;
  l1.set_handler([](const ReceivedRequest&) { return ReceiverReply{404, {}, false}; });
  ServerProcess server({{"L1_SERVERS", l1.url("")}, {"ARTDAG_ALLOW_PRIVATE_NETWORKS", ""}});
  ASSERT_TRUE(server.start()) << server.log();
  const std::string token = register_user(server, "l1user");
  auto r = http_request(
      "POST", server.url("/assets/record-run"),
      {"Content-Type: application/json", "Authorization: Bearer " + token},
      Json{{"run_id", "run-1"}, {"l1_server", l1.url("")}, {"output_name", "out"}}.dump());
  EXPECT_EQ(r.status, 404) << r.body;  // the L1 was asked, and said it has no such run
  EXPECT_EQ(l1.requests_to("/runs/run-1").size(), 1u);
}

// The pid of the server whose data dir is `data_dir` (its environment names it).
pid_t server_pid(const std::filesystem::path& data_dir) {
  const std::string needle = "ARTDAG_DATA=" + data_dir.string();
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "environ");
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string env = ss.str();
    std::size_t at = 0;
    for (std::size_t end; (end = env.find('\0', at)) != std::string::npos; at = end + 1)
      if (env.compare(at, end - at, needle) == 0) return static_cast<pid_t>(std::stoi(name));
  }
  return -1;
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Out of descriptors, the accept loop backs off with a rate-limited log line instead of
// spinning, and serves again once descriptors are free.
TEST_F(Abuse, RunningOutOfDescriptorsBacksOff) {
  ServerProcess server;
  ASSERT_TRUE(server.start()) << server.log();
  // Fully up first: the claim log's integrator has run (under the sanitizers its first calls
  // need descriptors of their own, which this test is about to take away).
  ASSERT_TRUE(eventually(
      [&] { return http_request("GET", server.url("/log/checkpoint")).status == 200; }, 10s));
  const pid_t pid = server_pid(server.data_dir());
  ASSERT_GT(pid, 0);
  std::size_t open_now = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd");
       it != std::filesystem::directory_iterator(); ++it)
    ++open_now;
  rlimit old_limit{};
  ASSERT_EQ(prlimit(pid, RLIMIT_NOFILE, nullptr, &old_limit), 0);
  rlimit tight{static_cast<rlim_t>(open_now + 4), old_limit.rlim_max};
  ASSERT_EQ(prlimit(pid, RLIMIT_NOFILE, &tight, nullptr), 0);
  std::vector<int> clients;
  for (int i = 0; i < 40; ++i) {
    int fd = connect_from("127.0.0.1", server.port());
    if (fd >= 0) clients.push_back(fd);
  }
  std::this_thread::sleep_for(2s);
  const std::size_t failures = count_of(server.log(), "accept failed");
  EXPECT_GE(failures, 1u);
  EXPECT_LE(failures, 2u) << "the accept loop logged " << failures << " failures in 2 s";
  for (int fd : clients) ::close(fd);
  ASSERT_EQ(prlimit(pid, RLIMIT_NOFILE, &old_limit, nullptr), 0);
  EXPECT_TRUE(eventually(
      [&] {
        return http_request("GET", server.url("/health"), {}, std::nullopt, 2000).status == 200;
      },
      10s))
      << server.log().substr(server.log().size() > 3000 ? server.log().size() - 3000 : 0);
}

// Two Accept headers are one list for routing and for the cache key alike.
TEST_F(Abuse, RepeatedAcceptHeadersAreOneList) {
  ServerProcess server(std::map<std::string, std::string>{{"ARTDAG_RESPONSE_CACHE_MS", "600000"}});
  ASSERT_TRUE(server.start()) << server.log();
  auto split = http_request("GET", server.url("/users/giles"),
                            {"Accept: application/activity+json;q=0.1", "Accept: text/html"});
  EXPECT_EQ(split.status, 200);
  EXPECT_EQ(split.header("content-type").rfind("text/html", 0), 0u) << split.header("content-type");
  auto json =
      http_request("GET", server.url("/users/giles"), {"Accept: application/activity+json"});
  EXPECT_EQ(json.header("content-type").rfind("application/activity+json", 0), 0u);
  // The same list in one header, spelled differently, is the same cache entry and route.
  auto joined = http_request("GET", server.url("/users/giles"),
                             {"Accept: Application/Activity+JSON; q=0.1,  text/html"});
  EXPECT_EQ(joined.header("content-type").rfind("text/html", 0), 0u);
}

}  // namespace
}  // namespace artdag::test
