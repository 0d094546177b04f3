// The store contract, run against every backend (store_fixture.h): listing, activities, stats, renderers, outages.
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "store_fixture.h"
#include "util/error.h"
#include "util/time.h"

namespace artdag::store {
namespace {

using namespace testing_support;

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

}  // namespace
}  // namespace artdag::store
