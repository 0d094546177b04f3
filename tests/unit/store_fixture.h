#pragma once
// The fixture of the store contract tests (store_test.cpp, store_listing_test.cpp): every
// test runs against SQLite on a temporary file and, when ARTDAG_TEST_PG_URL names a server,
// PostgreSQL in a schema of its own (search_path set in the URL), so tests and concurrent runs
// never see each other's rows.
#include "store/store.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "util/error.h"
#include "util/time.h"

namespace artdag::store::testing_support {

inline std::string pg_url_from_env() {
  const char* url = std::getenv("ARTDAG_TEST_PG_URL");
  return url ? url : "";
}

// Test setup only (schemas); the code under test never sees this connection.
inline void pg_admin(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("test PostgreSQL unreachable: " + msg);
  }
  PQsetNoticeProcessor(
      c, [](void*, const char*) {}, nullptr);
  PGresult* r = PQexec(c, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
  std::string msg = PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  if (!ok) throw std::runtime_error("test setup SQL failed: " + msg);
}

inline std::string with_url_option(const std::string& url, const std::string& option) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + option;
}

inline std::string hash_of(int n, int salt = 0) {
  char buf[65];
  std::snprintf(buf, sizeof buf, "%032x%032x", salt, n);
  return buf;
}

inline NewAsset make_asset(const std::string& name, const std::string& hash,
                    const std::string& owner = "alice", const std::string& type = "image",
                    std::vector<std::string> tags = {}) {
  NewAsset n;
  n.asset.name = name;
  n.asset.content_hash = hash;
  n.asset.asset_type = type;
  n.asset.owner = owner;
  n.asset.tags = std::move(tags);
  n.asset.created_at = "2026-01-02T03:04:05Z";
  return n;
}

// A signed activity as the registry hands it over: complete before the store sequences it,
// its id unique and independent of the index it gets.
inline NewActivity activity_for(const std::string& type, const std::string& actor,
                         const std::string& object_hash, const std::string& published) {
  static std::atomic<int> next{0};
  NewActivity a;
  a.activity_id = "https://l2.test/activities/" + type + "-" + std::to_string(++next);
  a.type = type;
  a.actor = actor;
  a.object_hash = object_hash;
  a.published = published;
  a.json = R"({"id":")" + a.activity_id + R"(","object":")" + object_hash + R"("})";
  return a;
}
// The Create of an asset, its JSON naming the asset's content hash.
inline std::string claim_json(const std::string& content_hash) {
  return R"({"id":"https://l2.test/activities/c-)" + content_hash + R"(","object":")" +
         content_hash + R"("})";
}
inline NewActivity claim_for(const NewAsset& n) {
  NewActivity a;
  a.activity_id = "https://l2.test/activities/c-" + n.asset.content_hash;
  a.type = "Create";
  a.actor = n.asset.owner;
  a.object_hash = n.asset.content_hash;
  a.published = n.asset.created_at;
  a.json = claim_json(n.asset.content_hash);
  return a;
}

inline Asset created(const CreateAssetResult& r) {
  if (!std::holds_alternative<Asset>(r)) throw std::runtime_error("expected an asset");
  return std::get<Asset>(r);
}

// Forwards TCP connections to the test PostgreSQL, and can cut them all ("the database
// went away") and refuse new ones until it is brought back.
class TcpProxy {
 public:
  explicit TcpProxy(int target_port) : target_port_(target_port) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listen_fd_, 64) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      throw std::runtime_error("proxy: cannot listen");
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~TcpProxy() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    set_down(true);
    for (auto& t : pumps_) t.join();
    ::close(listen_fd_);
  }
  int port() const { return port_; }

  void set_down(bool down) {
    std::lock_guard lock(mu_);
    down_ = down;
    if (down)
      for (int fd : live_) ::shutdown(fd, SHUT_RDWR);
  }

 private:
  void accept_loop() {
    for (;;) {
      int client = ::accept(listen_fd_, nullptr, nullptr);
      if (client < 0) return;
      if (stopping_ || down_) {
        ::close(client);
        if (stopping_) return;
        continue;
      }
      int upstream = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      addr.sin_port = htons(static_cast<uint16_t>(target_port_));
      if (::connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(client);
        ::close(upstream);
        continue;
      }
      std::lock_guard lock(mu_);
      live_.insert(client);
      live_.insert(upstream);
      pumps_.emplace_back([this, client, upstream] { pump(client, upstream); });
    }
  }

  void pump(int a, int b) {
    pollfd fds[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
    char buf[16384];
    for (bool open = true; open;) {
      if (::poll(fds, 2, -1) < 0) break;
      for (int i = 0; i < 2 && open; ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
        if (n <= 0 || ::send(fds[1 - i].fd, buf, static_cast<size_t>(n), MSG_NOSIGNAL) != n)
          open = false;
      }
    }
    std::lock_guard lock(mu_);
    live_.erase(a);
    live_.erase(b);
    ::close(a);
    ::close(b);
  }

  int target_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> down_{false};
  std::mutex mu_;
  std::set<int> live_;
  std::vector<std::thread> pumps_;
  std::thread acceptor_;
};

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  bool is_pg() const { return GetParam() == "postgresql"; }

  void SetUp() override {
    if (is_pg()) {
      pg_url_ = pg_url_from_env();
      if (pg_url_.empty())
        GTEST_SKIP() << "ARTDAG_TEST_PG_URL is not set: PostgreSQL half skipped (start a "
                        "server with scripts/start-test-postgres.sh and export its URL)";
    } else {
      std::string tmpl = (std::filesystem::temp_directory_path() / "artdag-store-XXXXXX").string();
      if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
      dir_ = tmpl;
    }
    location_ = fresh_location();
    store_ = open();
    store_->migrate();
  }

  void TearDown() override {
    store_.reset();
    for (const std::string& schema : schemas_) {
      try {
        pg_admin(pg_url_, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    }
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // A new, empty database: a new file (SQLite) or a new schema (PostgreSQL).
  std::string fresh_location() {
    static std::atomic<int> counter{0};
    const int n = counter++;
    if (!is_pg()) return dir_ + "/l2-" + std::to_string(n) + ".db";
    const std::string schema = "artdag_test_" + std::to_string(::getpid()) + "_" +
                               std::to_string(n) + "_" + std::to_string(unix_now() % 100000);
    pg_admin(pg_url_, "CREATE SCHEMA " + schema);
    schemas_.push_back(schema);
    return with_url_option(pg_url_, "options=-csearch_path%3D" + schema);
  }

  std::unique_ptr<Store> open(int pool_size = 8) {
    return open_store(location_, StoreOptions{.pool_size = pool_size});
  }

  // Every activity, oldest first, read with the keyset cursor.
  std::vector<Activity> all_activities(Store& s, const std::string& actor = "") {
    std::vector<Activity> out;
    std::optional<int64_t> before;
    for (;;) {
      auto page = s.list_activities(actor, before, 37);
      if (page.empty()) break;
      out.insert(out.end(), page.begin(), page.end());
      before = page.back().index;
    }
    std::reverse(out.begin(), out.end());
    return out;
  }

  std::string pg_url_;
  std::string dir_;
  std::vector<std::string> schemas_;
  std::string location_;
  std::unique_ptr<Store> store_;
};


}  // namespace artdag::store::testing_support
