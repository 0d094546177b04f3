// The store contract, run against every backend: SQLite on a temporary file always, and
// PostgreSQL when ARTDAG_TEST_PG_URL names a server (scripts/start-test-postgres.sh starts
// one). Each PostgreSQL test runs in a schema of its own (search_path set in the URL), so
// tests and concurrent runs never see each other's rows.
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

namespace artdag::store {
namespace {

std::string pg_url_from_env() {
  const char* url = std::getenv("ARTDAG_TEST_PG_URL");
  return url ? url : "";
}

// Test setup only (schemas); the code under test never sees this connection.
void pg_admin(const std::string& url, const std::string& sql) {
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

std::string with_url_option(const std::string& url, const std::string& option) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + option;
}

std::string hash_of(int n, int salt = 0) {
  char buf[65];
  std::snprintf(buf, sizeof buf, "%032x%032x", salt, n);
  return buf;
}

NewAsset make_asset(const std::string& name, const std::string& hash,
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
NewActivity activity_for(const std::string& type, const std::string& actor,
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
std::string claim_json(const std::string& content_hash) {
  return R"({"id":"https://l2.test/activities/c-)" + content_hash + R"(","object":")" +
         content_hash + R"("})";
}
NewActivity claim_for(const NewAsset& n) {
  NewActivity a;
  a.activity_id = "https://l2.test/activities/c-" + n.asset.content_hash;
  a.type = "Create";
  a.actor = n.asset.owner;
  a.object_hash = n.asset.content_hash;
  a.published = n.asset.created_at;
  a.json = claim_json(n.asset.content_hash);
  return a;
}

Asset created(const CreateAssetResult& r) {
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

TEST_P(StoreTest, ReportsItsBackendAndPings) {
  EXPECT_EQ(store_->backend(), GetParam());
  EXPECT_TRUE(store_->ping());
}

TEST_P(StoreTest, MigrateIsIdempotent) {
  const int version = store_->migrate();  // second run (SetUp ran the first)
  EXPECT_GE(version, 1);
  ASSERT_TRUE(store_->create_user({"alice", "", "h", ""}));
  EXPECT_EQ(store_->migrate(), version);
  auto other = open();
  EXPECT_EQ(other->migrate(), version);
  EXPECT_TRUE(other->find_user("alice"));
  EXPECT_EQ(store_->stats().users, 1);
}

TEST_P(StoreTest, ConcurrentMigrationsOfAFreshDatabaseAgree) {
  location_ = fresh_location();
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < 4; ++i) stores.push_back(open(2));
  std::vector<int> versions(stores.size(), -1);
  std::vector<std::string> errors(stores.size());
  std::latch start(static_cast<ptrdiff_t>(stores.size()));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < stores.size(); ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      try {
        versions[i] = stores[i]->migrate();
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < stores.size(); ++i) {
    EXPECT_EQ(errors[i], "") << "store " << i;
    EXPECT_EQ(versions[i], versions[0]);
  }
  EXPECT_GE(versions[0], 1);
  EXPECT_EQ(created(stores[0]->create_asset_with_activity(make_asset("a", hash_of(1)),
                                                          claim_for(make_asset("a", hash_of(1)))))
                .activity_index,
            0);
}

TEST_P(StoreTest, UsersAreCaseInsensitiveAndUnique) {
  auto alice = store_->create_user({"Alice", "alice@example.com", "hash1", ""});
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->username, "alice");
  EXPECT_GT(alice->id, 0);
  EXPECT_FALSE(alice->created_at.empty());

  auto found = store_->find_user("ALICE");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, alice->id);
  EXPECT_EQ(found->username, "alice");
  EXPECT_EQ(found->email, "alice@example.com");
  EXPECT_EQ(found->password_hash, "hash1");
  EXPECT_EQ(found->created_at, alice->created_at);

  EXPECT_FALSE(store_->create_user({"alice", "", "x", ""}));
  EXPECT_FALSE(store_->create_user({"ALICE", "", "x", ""}));
  EXPECT_FALSE(store_->find_user("bob"));

  EXPECT_TRUE(store_->set_password_hash("AlIcE", "hash2"));
  EXPECT_EQ(store_->find_user("alice")->password_hash, "hash2");
  EXPECT_FALSE(store_->set_password_hash("nobody", "x"));

  ASSERT_TRUE(store_->create_user({"bob", "", "h", "2026-01-01T00:00:00Z"}));
  EXPECT_EQ(store_->find_user("bob")->created_at, "2026-01-01T00:00:00Z");
  auto users = store_->list_users(10, 0);
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].username, "alice");
  EXPECT_EQ(users[1].username, "bob");
  EXPECT_EQ(store_->list_users(10, 1).size(), 1u);
  EXPECT_TRUE(store_->list_users(0, 0).empty());
}

TEST_P(StoreTest, ConcurrentRegistrationsOfOneNameHaveOneWinner) {
  std::atomic<int> wins{0};
  std::latch start(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      if (store_->create_user({i % 2 ? "Carol" : "carol", "", "h", ""})) ++wins;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins, 1);
  EXPECT_EQ(store_->stats().users, 1);
}

TEST_P(StoreTest, RevokedTokens) {
  const int64_t now = unix_now();
  EXPECT_FALSE(store_->is_token_revoked("jti-1"));
  store_->revoke_token("jti-1", now + 3600);
  EXPECT_TRUE(store_->is_token_revoked("jti-1"));
  store_->revoke_token("jti-1", now + 3600);  // twice is fine
  EXPECT_TRUE(store_->is_token_revoked("jti-1"));
  EXPECT_FALSE(store_->is_token_revoked("jti-2"));
  // Entries long expired are purged: such tokens are refused for their exp anyway.
  store_->revoke_token("jti-old", now - 3600);
  EXPECT_FALSE(store_->is_token_revoked("jti-old"));
  EXPECT_TRUE(store_->is_token_revoked("jti-1"));
}

TEST_P(StoreTest, CreateAssetWithActivity) {
  NewAsset in = make_asset("sunset.png", hash_of(1), "Alice", "image", {"sky", "red", "sky"});
  in.asset.description = "A sunset, \"quoted\" and ünïcode";
  in.asset.ipfs_cid = "bafy123";
  in.asset.metadata_json = R"({"width":640})";
  in.asset.provenance_json = R"({"recipe":"r1"})";
  in.asset.l1_server = "https://l1.test";
  in.asset.run_id = "run-1";
  auto result = store_->create_asset_with_activity(in, claim_for(in));
  const Asset& a = created(result);
  EXPECT_GT(a.id, 0);
  EXPECT_EQ(a.activity_index, 0);
  EXPECT_EQ(a.owner, "alice");

  auto found = store_->find_asset_by_name("sunset.png");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, a.id);
  EXPECT_EQ(found->content_hash, hash_of(1));
  EXPECT_EQ(found->asset_type, "image");
  EXPECT_EQ(found->tags, (std::vector<std::string>{"sky", "red", "sky"}));
  EXPECT_EQ(found->description, in.asset.description);
  EXPECT_EQ(found->ipfs_cid, "bafy123");
  EXPECT_EQ(found->metadata_json, R"({"width":640})");
  EXPECT_EQ(found->provenance_json, R"({"recipe":"r1"})");
  EXPECT_EQ(found->l1_server, "https://l1.test");
  EXPECT_EQ(found->run_id, "run-1");
  EXPECT_EQ(found->owner, "alice");
  EXPECT_EQ(found->created_at, "2026-01-02T03:04:05Z");
  EXPECT_EQ(found->activity_index, 0);
  EXPECT_EQ(found->like_count, 0);
  EXPECT_EQ(found->announce_count, 0);
  EXPECT_EQ(store_->find_asset_by_hash(hash_of(1))->name, "sunset.png");
  EXPECT_FALSE(store_->find_asset_by_name("SUNSET.png"));
  EXPECT_FALSE(store_->find_asset_by_hash(hash_of(2)));

  auto act = store_->find_activity(0);
  ASSERT_TRUE(act);
  EXPECT_EQ(act->index, 0);
  EXPECT_EQ(act->type, "Create");
  EXPECT_EQ(act->actor, "alice");
  EXPECT_EQ(act->object_hash, hash_of(1));
  EXPECT_EQ(act->json, claim_json(hash_of(1)));
  EXPECT_EQ(act->activity_id, "https://l2.test/activities/c-" + hash_of(1));
  EXPECT_EQ(store_->find_activity_by_id(act->activity_id)->index, 0);
  EXPECT_FALSE(store_->find_activity_by_id("https://l2.test/activities/none"));
  EXPECT_EQ(act->published, "2026-01-02T03:04:05Z");
  EXPECT_FALSE(store_->find_activity(1));

  NewAsset plain = make_asset("plain", hash_of(2));
  plain.asset.metadata_json = "";
  plain.asset.created_at = "";
  const Asset& b = created(store_->create_asset_with_activity(plain, claim_for(plain)));
  EXPECT_EQ(b.activity_index, 1);
  EXPECT_GT(b.id, a.id);
  auto stored = store_->find_asset_by_name("plain");
  EXPECT_EQ(stored->metadata_json, "{}");
  EXPECT_TRUE(stored->tags.empty());
  EXPECT_TRUE(parse_iso8601_utc(stored->created_at));
}

TEST_P(StoreTest, CreateConflicts) {
  NewAsset run = make_asset("one", hash_of(1));
  run.asset.l1_server = "https://l1.test";
  run.asset.run_id = "run-1";
  ASSERT_NO_THROW(created(store_->create_asset_with_activity(run, claim_for(run))));

  auto conflict = [&](const NewAsset& n) {
    auto r = store_->create_asset_with_activity(n, claim_for(n));
    return std::holds_alternative<CreateConflict>(r) ? std::get<CreateConflict>(r)
                                                     : static_cast<CreateConflict>(-1);
  };
  EXPECT_EQ(conflict(make_asset("one", hash_of(2))), CreateConflict::kNameTaken);
  EXPECT_EQ(conflict(make_asset("two", hash_of(1), "bob")), CreateConflict::kHashOwned);
  NewAsset again = make_asset("three", hash_of(3));
  again.asset.l1_server = "https://l1.test";
  again.asset.run_id = "run-1";
  EXPECT_EQ(conflict(again), CreateConflict::kRunRecorded);
  auto by_run = store_->find_asset_by_run("https://l1.test", "run-1");
  ASSERT_TRUE(by_run);
  EXPECT_EQ(by_run->name, "one");
  EXPECT_FALSE(store_->find_asset_by_run("https://l1.test", "run-2"));
  EXPECT_FALSE(store_->find_asset_by_run("https://other-l1.test", "run-1"));
  EXPECT_FALSE(store_->find_asset_by_run("", ""));  // assets not from runs are not "runs"

  // The same run id on another L1, and assets not from runs, are fine.
  again.asset.l1_server = "https://other-l1.test";
  EXPECT_EQ(created(store_->create_asset_with_activity(again, claim_for(again))).activity_index, 1);
  EXPECT_EQ(created(store_->create_asset_with_activity(make_asset("four", hash_of(4)),
                                                       claim_for(make_asset("four", hash_of(4)))))
                .activity_index,
            2);
  EXPECT_EQ(created(store_->create_asset_with_activity(make_asset("five", hash_of(5)),
                                                       claim_for(make_asset("five", hash_of(5)))))
                .activity_index,
            3);
  EXPECT_EQ(store_->count_activities(""), 4);
  EXPECT_EQ(store_->stats().assets, 4);
}

TEST_P(StoreTest, FailedSequencingLeavesNothing) {
  const NewAsset first = make_asset("first", hash_of(9));
  created(store_->create_asset_with_activity(first, claim_for(first)));
  // An activity id that is taken fails the transaction after the asset row is in: nothing of
  // it may remain, and its index is not consumed.
  NewAsset doomed = make_asset("doomed", hash_of(1), "alice", "image", {"t"});
  NewActivity reused = claim_for(doomed);
  reused.activity_id = claim_for(first).activity_id;
  EXPECT_THROW(store_->create_asset_with_activity(doomed, reused), UniqueViolation);
  EXPECT_FALSE(store_->find_asset_by_name("doomed"));
  EXPECT_FALSE(store_->find_asset_by_hash(hash_of(1)));
  EXPECT_FALSE(store_->find_activity(1));
  EXPECT_TRUE(store_->list_assets({.tag = "t"}).empty());
  EXPECT_EQ(store_->count_activities(""), 1);
  EXPECT_EQ(store_->stats().assets, 1);

  NewActivity announce = activity_for("Announce", "alice", "", "");
  announce.activity_id = reused.activity_id;
  EXPECT_THROW(store_->append_activity(announce), UniqueViolation);
  EXPECT_EQ(store_->count_activities(""), 1);

  // The name, the hash and the index are all still free.
  const Asset& a = created(store_->create_asset_with_activity(doomed, claim_for(doomed)));
  EXPECT_EQ(a.activity_index, 1);
  EXPECT_EQ(store_->find_activity(1)->json, claim_json(hash_of(1)));
  EXPECT_EQ(store_->list_assets({.tag = "t"}).size(), 1u);
}

TEST_P(StoreTest, DenseIndicesUnderConcurrentWriters) {
  // Two stores on one database stand for two server processes.
  std::vector<std::unique_ptr<Store>> stores;
  stores.push_back(open(4));
  stores.push_back(open(4));
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  std::mutex mu;
  std::vector<Asset> assets;
  std::vector<std::string> errors;
  std::atomic<int> failed_builds{0};
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Store& s = *stores[t % 2];
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) {
        const int n = t * kPerThread + i;
        try {
          const NewAsset asset =
              make_asset("asset-" + std::to_string(n), hash_of(n), t % 2 ? "bob" : "alice");
          auto r = s.create_asset_with_activity(asset, claim_for(asset));
          if (n % 9 == 4) {  // some transactions fail late: their index must be reused
            NewAsset doomed = make_asset("x" + std::to_string(n), hash_of(n, 7));
            NewActivity taken = claim_for(doomed);
            taken.activity_id = claim_for(asset).activity_id;  // just taken by `asset`
            try {
              s.create_asset_with_activity(doomed, taken);
            } catch (const UniqueViolation&) {
              ++failed_builds;
            }
          }
          std::lock_guard lock(mu);
          assets.push_back(created(r));
        } catch (const std::exception& e) {
          std::lock_guard lock(mu);
          errors.push_back(e.what());
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_TRUE(errors.empty()) << errors.front();
  EXPECT_GT(failed_builds, 0);
  constexpr int kTotal = kThreads * kPerThread;
  ASSERT_EQ(assets.size(), static_cast<size_t>(kTotal));

  EXPECT_EQ(store_->count_activities(""), kTotal);
  auto acts = all_activities(*store_);
  ASSERT_EQ(acts.size(), static_cast<size_t>(kTotal));
  std::map<int64_t, std::string> hash_at;
  for (int i = 0; i < kTotal; ++i) {
    EXPECT_EQ(acts[i].index, i);
    EXPECT_EQ(acts[i].json, claim_json(acts[i].object_hash));
    hash_at[acts[i].index] = acts[i].object_hash;
  }
  for (const Asset& a : assets) {
    EXPECT_EQ(hash_at[a.activity_index], a.content_hash);
    EXPECT_EQ(store_->find_asset_by_name(a.name)->activity_index, a.activity_index);
  }
  EXPECT_EQ(store_->count_activities("alice") + store_->count_activities("bob"), kTotal);
}

TEST_P(StoreTest, RacingClaimsOnOneHashOrNameHaveOneWinner) {
  std::vector<std::unique_ptr<Store>> stores;
  stores.push_back(open(4));
  stores.push_back(open(4));
  constexpr int kRounds = 6;
  constexpr int kThreads = 8;
  for (int round = 0; round < kRounds; ++round) {
    const bool same_hash = round % 2 == 0;
    std::vector<CreateAssetResult> results(kThreads, CreateConflict::kNameTaken);
    std::vector<std::string> errors(kThreads);
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        const std::string name = same_hash ? "r" + std::to_string(round) + "-" + std::to_string(t)
                                           : "r" + std::to_string(round);
        const std::string hash = same_hash ? hash_of(round, 1) : hash_of(round * 100 + t, 2);
        start.arrive_and_wait();
        try {
          results[t] = stores[t % 2]->create_asset_with_activity(
              make_asset(name, hash, "user" + std::to_string(t)),
              claim_for(make_asset(name, hash, "user" + std::to_string(t))));
        } catch (const std::exception& e) {
          errors[t] = e.what();
        }
      });
    }
    for (auto& th : threads) th.join();
    int wins = 0;
    for (int t = 0; t < kThreads; ++t) {
      EXPECT_EQ(errors[t], "");
      if (std::holds_alternative<Asset>(results[t])) {
        ++wins;
      } else {
        EXPECT_EQ(std::get<CreateConflict>(results[t]),
                  same_hash ? CreateConflict::kHashOwned : CreateConflict::kNameTaken);
      }
    }
    EXPECT_EQ(wins, 1) << "round " << round;
  }
  EXPECT_EQ(store_->count_activities(""), kRounds);
  EXPECT_EQ(store_->stats().assets, kRounds);
  auto acts = all_activities(*store_);
  for (int i = 0; i < kRounds; ++i) EXPECT_EQ(acts[i].index, i);
}

TEST_P(StoreTest, ListAssetsFiltersAndPages) {
  constexpr int kCount = 30;
  for (int i = 0; i < kCount; ++i) {
    std::vector<std::string> tags = {i % 2 ? "odd" : "even", "all"};
    ASSERT_NO_THROW(created(store_->create_asset_with_activity(
        make_asset("a" + std::to_string(i), hash_of(i), i % 2 ? "bob" : "alice",
                   i % 3 ? "image" : "video", tags),
        claim_for(make_asset("a" + std::to_string(i), hash_of(i), i % 2 ? "bob" : "alice",
                             i % 3 ? "image" : "video", tags)))));
  }
  auto all = store_->list_assets({.limit = 100});
  ASSERT_EQ(all.size(), static_cast<size_t>(kCount));
  for (size_t i = 1; i < all.size(); ++i) EXPECT_GT(all[i - 1].id, all[i].id);
  EXPECT_EQ(all.front().name, "a29");

  auto names = [](const std::vector<Asset>& v) {
    std::vector<std::string> out;
    for (const Asset& a : v) out.push_back(a.name);
    return out;
  };
  auto expect_matches = [&](const AssetQuery& q, auto pred) {
    std::vector<std::string> want;
    for (const Asset& a : all)
      if (pred(a)) want.push_back(a.name);
    AssetQuery all_of = q;
    all_of.limit = 100;
    EXPECT_EQ(names(store_->list_assets(all_of)), want);
  };
  auto has_tag = [](const Asset& a, const std::string& t) {
    return std::find(a.tags.begin(), a.tags.end(), t) != a.tags.end();
  };
  expect_matches({.owner = "bob"}, [](const Asset& a) { return a.owner == "bob"; });
  expect_matches({.owner = "BOB"}, [](const Asset& a) { return a.owner == "bob"; });
  expect_matches({.asset_type = "video"}, [](const Asset& a) { return a.asset_type == "video"; });
  expect_matches({.tag = "even"}, [&](const Asset& a) { return has_tag(a, "even"); });
  expect_matches({.tag = "all"}, [](const Asset&) { return true; });
  expect_matches({.tag = "none"}, [](const Asset&) { return false; });
  expect_matches({.owner = "alice", .asset_type = "video"},
                 [](const Asset& a) { return a.owner == "alice" && a.asset_type == "video"; });
  expect_matches({.owner = "alice", .tag = "odd"}, [](const Asset&) { return false; });
  expect_matches({.owner = "bob", .asset_type = "image", .tag = "odd"},
                 [](const Asset& a) { return a.owner == "bob" && a.asset_type == "image"; });
  expect_matches({.asset_type = "image", .tag = "all"},
                 [](const Asset& a) { return a.asset_type == "image"; });

  // Keyset pages, with and without filters, cover the list exactly once.
  for (const AssetQuery& base :
       {AssetQuery{}, AssetQuery{.owner = "alice"}, AssetQuery{.tag = "odd"},
        AssetQuery{.asset_type = "image", .tag = "all"}}) {
    AssetQuery q = base;
    q.limit = 100;
    auto whole = store_->list_assets(q);
    std::vector<Asset> paged;
    q.limit = 4;
    for (;;) {
      auto page = store_->list_assets(q);
      EXPECT_LE(page.size(), 4u);
      if (page.empty()) break;
      paged.insert(paged.end(), page.begin(), page.end());
      q.before_id = page.back().id;
    }
    EXPECT_EQ(names(paged), names(whole));
  }

  // New assets do not shift a paging client's next page.
  auto first = store_->list_assets({.limit = 5});
  for (int i = 0; i < 3; ++i)
    created(store_->create_asset_with_activity(
        make_asset("new" + std::to_string(i), hash_of(i, 9), "alice", "image", {"all"}),
        claim_for(
            make_asset("new" + std::to_string(i), hash_of(i, 9), "alice", "image", {"all"}))));
  auto second = store_->list_assets({.before_id = first.back().id, .limit = 5});
  EXPECT_EQ(names(second), names(std::vector<Asset>(all.begin() + 5, all.begin() + 10)));
  EXPECT_EQ(store_->list_assets({.limit = 1}).front().name, "new2");
  EXPECT_TRUE(store_->list_assets({.limit = 0}).empty());
}

TEST_P(StoreTest, ActivitiesListAndCount) {
  created(store_->create_asset_with_activity(make_asset("a", hash_of(1)),
                                             claim_for(make_asset("a", hash_of(1)))));
  for (int i = 0; i < 3; ++i) {
    Activity act = store_->append_activity(activity_for(
        "Announce", "alice", hash_of(1), "2026-02-0" + std::to_string(i + 1) + "T00:00:00Z"));
    EXPECT_EQ(act.index, 1 + i);
    EXPECT_EQ(store_->find_activity(act.index)->json, act.json);
  }
  Activity follow = store_->append_activity(activity_for("Follow", "bob", "", ""));
  EXPECT_EQ(follow.index, 4);
  EXPECT_TRUE(parse_iso8601_utc(follow.published));

  auto announce = store_->find_activity(2);
  ASSERT_TRUE(announce);
  EXPECT_EQ(announce->type, "Announce");
  EXPECT_EQ(announce->actor, "alice");
  EXPECT_EQ(announce->object_hash, hash_of(1));
  EXPECT_EQ(announce->published, "2026-02-02T00:00:00Z");
  EXPECT_EQ(store_->find_activity(4)->object_hash, "");
  EXPECT_FALSE(store_->find_activity(5));
  EXPECT_FALSE(store_->find_activity(-1));

  auto newest = store_->list_activities("", std::nullopt, 2);
  ASSERT_EQ(newest.size(), 2u);
  EXPECT_EQ(newest[0].index, 4);
  EXPECT_EQ(newest[1].index, 3);
  auto next = store_->list_activities("", newest.back().index, 10);
  ASSERT_EQ(next.size(), 3u);
  EXPECT_EQ(next[0].index, 2);
  EXPECT_EQ(next[2].index, 0);
  auto alices = store_->list_activities("alice", std::nullopt, 10);
  ASSERT_EQ(alices.size(), 4u);
  EXPECT_EQ(alices[0].index, 3);
  EXPECT_EQ(store_->list_activities("alice", 2, 10).size(), 2u);
  EXPECT_TRUE(store_->list_activities("carol", std::nullopt, 10).empty());
  EXPECT_TRUE(store_->list_activities("", std::nullopt, 0).empty());

  auto after = store_->list_activities_after("", 1, 2);
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].index, 2);
  EXPECT_EQ(after[1].index, 3);
  auto alice_after = store_->list_activities_after("alice", -1, 10);
  ASSERT_EQ(alice_after.size(), 4u);
  EXPECT_EQ(alice_after[0].index, 0);
  EXPECT_EQ(alice_after[3].index, 3);
  EXPECT_TRUE(store_->list_activities_after("", 4, 10).empty());
  EXPECT_TRUE(store_->list_activities_after("bob", 4, 10).empty());

  EXPECT_EQ(store_->count_activities(""), 5);
  EXPECT_EQ(store_->count_activities("alice"), 4);
  EXPECT_EQ(store_->count_activities("bob"), 1);
  EXPECT_EQ(store_->count_activities("carol"), 0);
}

TEST_P(StoreTest, Stats) {
  Stats empty = store_->stats();
  EXPECT_EQ(empty.users, 0);
  EXPECT_EQ(empty.assets, 0);
  EXPECT_EQ(empty.activities, 0);
  EXPECT_EQ(empty.followers, 0);
  EXPECT_EQ(empty.renderer_attachments, 0);
  store_->create_user({"alice", "", "h", ""});
  store_->create_user({"bob", "", "h", ""});
  for (int i = 0; i < 3; ++i)
    created(store_->create_asset_with_activity(
        make_asset("s" + std::to_string(i), hash_of(i)),
        claim_for(make_asset("s" + std::to_string(i), hash_of(i)))));
  store_->append_activity(activity_for("Announce", "bob", hash_of(0), ""));
  Stats s = store_->stats();
  EXPECT_EQ(s.users, 2);
  EXPECT_EQ(s.assets, 3);
  EXPECT_EQ(s.activities, 4);
  EXPECT_EQ(s.followers, 0);
  EXPECT_EQ(s.renderer_attachments, 0);
}

TEST_P(StoreTest, RendererAttachments) {
  EXPECT_TRUE(store_->list_renderers("alice").empty());
  EXPECT_TRUE(store_->attach_renderer("Alice", "https://l1.test", "2026-01-01T00:00:00Z"));
  EXPECT_FALSE(store_->attach_renderer("alice", "https://l1.test", "2026-05-05T00:00:00Z"));
  EXPECT_TRUE(store_->attach_renderer("alice", "https://l1b.test", "2026-01-02T00:00:00Z"));
  EXPECT_TRUE(store_->attach_renderer("bob", "https://l1.test", ""));
  auto mine = store_->list_renderers("ALICE");
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[0].username, "alice");
  EXPECT_EQ(mine[0].l1_server, "https://l1.test");
  EXPECT_EQ(mine[0].attached_at, "2026-01-01T00:00:00Z");  // the first attachment's time
  EXPECT_EQ(mine[1].l1_server, "https://l1b.test");
  EXPECT_TRUE(parse_iso8601_utc(store_->list_renderers("bob").at(0).attached_at));
  EXPECT_EQ(store_->stats().renderer_attachments, 3);

  EXPECT_TRUE(store_->detach_renderer("alice", "https://l1.test"));
  EXPECT_FALSE(store_->detach_renderer("alice", "https://l1.test"));
  EXPECT_FALSE(store_->detach_renderer("carol", "https://l1.test"));
  ASSERT_EQ(store_->list_renderers("alice").size(), 1u);
  EXPECT_EQ(store_->list_renderers("bob").size(), 1u);
  EXPECT_EQ(store_->stats().renderer_attachments, 2);
}

TEST_P(StoreTest, UnreachableDatabaseIsStoreUnavailable) {
  if (!is_pg()) {
    EXPECT_THROW(open_store(dir_ + "/missing-dir/l2.db"), StoreUnavailable);
    EXPECT_THROW(open_store(""), std::invalid_argument);
    return;
  }
  // A wrong password: refused, and the message does not repeat it.
  PGconn* probe = PQconnectdb(pg_url_.c_str());
  const std::string port = PQport(probe);
  PQfinish(probe);
  try {
    open_store("postgresql://artdag:not-the-pw-s3cr3t@127.0.0.1:" + port + "/artdag");
    ADD_FAILURE() << "a wrong password was accepted";
  } catch (const StoreUnavailable& e) {
    EXPECT_EQ(std::string(e.what()).find("s3cr3t"), std::string::npos) << e.what();
  }
  // Nothing listening: a port that was free a moment ago.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), len), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  try {
    open_store("postgresql://artdag:pw-s3cr3t@127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) +
               "/artdag");
    ADD_FAILURE() << "connected to nothing";
  } catch (const StoreUnavailable& e) {
    EXPECT_EQ(std::string(e.what()).find("s3cr3t"), std::string::npos) << e.what();
  }
}

TEST_P(StoreTest, PingFailsWhileTheDatabaseIsDownAndTheStoreRecovers) {
  if (!is_pg()) GTEST_SKIP() << "PostgreSQL only: a SQLite file cannot go away";
  PGconn* probe = PQconnectdb(pg_url_.c_str());
  const int port = std::atoi(PQport(probe));
  PQfinish(probe);
  TcpProxy proxy(port);
  // The same database and schema, through the proxy.
  std::string url = location_;
  const std::string from = ":" + std::to_string(port) + "/";
  url.replace(url.find(from), from.size(), ":" + std::to_string(proxy.port()) + "/");
  auto s = open_store(url, {.pool_size = 3});
  ASSERT_TRUE(s->create_user({"alice", "", "h", ""}));
  EXPECT_TRUE(s->ping());

  proxy.set_down(true);  // every connection cut, new ones refused
  EXPECT_FALSE(s->ping());
  EXPECT_THROW(s->find_user("alice"), StoreUnavailable);
  EXPECT_THROW(s->create_user({"bob", "", "h", ""}), StoreUnavailable);

  proxy.set_down(false);
  EXPECT_TRUE(s->ping());
  EXPECT_TRUE(s->find_user("alice"));
  EXPECT_TRUE(s->create_user({"bob", "", "h", ""}));

  // Connections cut while idle in the pool are replaced on next use, reads and writes alike.
  for (int i = 0; i < 3; ++i) s->find_user("alice");
  proxy.set_down(true);
  proxy.set_down(false);
  EXPECT_TRUE(s->find_user("bob"));
  EXPECT_TRUE(s->create_user({"carol", "", "h", ""}));
  EXPECT_EQ(s->stats().users, 3);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace artdag::store
