// The store contract, run against every backend (store_fixture.h): migrations, users, tokens, assets, sequencing.
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

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace artdag::store
