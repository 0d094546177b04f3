#pragma once
// Starts the real artdag-l2 binary on a free port with a temp data dir and talks HTTP to it.
// ARTDAG_TEST_BACKEND selects SQLite (default) or PostgreSQL (ARTDAG_TEST_PG_URL, one fresh
// schema per server).
#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"
#include "util/json.h"

namespace artdag::test {

struct HttpResult {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  Json json() const;                           // parsed body (throws if not JSON)
  std::string header(const std::string& name) const;
};

using Headers = std::vector<std::string>;  // "Name: value"

// One HTTP exchange with libcurl (no redirects followed). status 0 means the connection failed.
// `from` binds the client socket to that local address first (127.0.0.2, ...: Linux routes
// all of 127/8 to lo), so one test can be several clients to the server.
HttpResult http_request(const std::string& method, const std::string& url,
                        const Headers& headers = {},
                        const std::optional<std::string>& body = std::nullopt,
                        long timeout_ms = 30000, const std::string& from = "");

// A raw TCP connection to 127.0.0.1:port from local address `from` (-1 on failure), for
// tests that must control every byte (slow clients, idle connections).
int connect_from(const std::string& from, int port);

// The value of one series ("name{labels}") in a Prometheus exposition; -1 when it is absent.
double metric_sample(const std::string& exposition, const std::string& series);

// Polls `done` every 50 ms until it holds or `timeout` passes.
template <class F>
bool eventually(F done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

bool using_postgresql();
// A DATABASE_URL for a fresh, empty PostgreSQL schema (empty string on SQLite).
std::string fresh_database_url();
int free_port();

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class ServerProcess {
 public:
  // Extra environment on top of a clean test environment (DATABASE_URL, L1_SERVERS, ...).
  explicit ServerProcess(std::map<std::string, std::string> env = {});
  ~ServerProcess();

  // Starts and waits for /health; false (with the log in log()) when it exits or times out.
  bool start(const std::vector<std::string>& extra_args = {});
  // SIGTERM (graceful) or SIGKILL; returns the exit status as from waitpid.
  int stop(int signal_number = 15);
  bool running();

  std::string url(const std::string& path) const { return base_url_ + path; }
  const std::string& base_url() const { return base_url_; }
  int port() const { return port_; }
  const std::filesystem::path& data_dir() const { return data_dir_.path(); }
  std::string log() const;
  std::map<std::string, std::string>& env() { return env_; }

  // The server's own database, opened as a second process would.
  std::unique_ptr<store::Store> open_store(int pool_size = 2);
  // Runs `artdag-l2 <args>` against this server's data dir and database; returns exit code.
  int run_command(const std::vector<std::string>& args, std::string* output = nullptr,
                  const std::string& stdin_text = "");

 private:
  std::vector<std::string> environment() const;
  std::map<std::string, std::string> env_;
  TempDir data_dir_;
  int port_ = 0;
  std::string base_url_;
  pid_t pid_ = -1;
};

// Registers a user and returns its bearer token (asserts on failure).
std::string register_user(ServerProcess& server, const std::string& username,
                          const std::string& password = "correct horse battery");

// The first line of what `path` serves (a key, a size); a failed expectation unless it is 200.
std::string served_line(ServerProcess& server, const std::string& path);
// Runs one SQL statement straight on the server's database (SQLite file or its PostgreSQL
// database): for tests that play a server which rewrites its own history.
void run_sql(ServerProcess& server, const std::string& sql);

// A server's claim-log verifier key and witness verifier key (GET /log/key, /log/witness/key).
struct LogKeys {
  std::string log;
  std::string witness;
};
// Makes `a` and `b` witness each other: starts each once for its keys, then restarts both
// with ARTDAG_WITNESS_FOR naming the other's log key and ARTDAG_WITNESSES the other's witness.
// Returns both servers' keys; asserts (fatally) when a start fails.
std::pair<LogKeys, LogKeys> witness_each_other(ServerProcess& a, ServerProcess& b);

}  // namespace artdag::test

namespace artdag::test {

// A test suite sharing one server process (started once per suite).
class SharedServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;
  static ServerProcess& server() { return *server_; }
  static std::string url(const std::string& path) { return server_->url(path); }
  static inline ServerProcess* server_ = nullptr;
  static inline std::map<std::string, std::string> suite_env_;
};

// Skips the current test when the PostgreSQL backend is selected but not available.
bool postgresql_unavailable();

}  // namespace artdag::test
