// The federated registry's store (migration 9), on every backend (store_fixture.h): the proof
// state of remote claims, what is due for the prover, and remote logs pinned on first use.
#include <gtest/gtest.h>

#include "store_fixture.h"

namespace artdag::store {
namespace {

using namespace testing_support;

RemoteClaim remote(const std::string& id, const std::string& hash) {
  return {id,   "https://b.test/users/bob",  "https://b.test/objects/" + id,
          hash, R"({"id":")" + id + R"("})", ""};
}

TEST_P(StoreTest, RemoteClaimProofsAndDueClaims) {
  const std::string hash = hash_of(1, 9);
  ASSERT_TRUE(store_->record_remote_claim(remote("https://b.test/activities/1", hash)));
  ASSERT_TRUE(store_->record_remote_claim(remote("https://b.test/activities/2", hash)));
  ASSERT_TRUE(store_->record_remote_claim(remote("https://b.test/activities/3", "")));
  ASSERT_TRUE(store_->record_remote_claim(remote("https://b.test/activities/4", hash_of(2, 9))));

  // Fresh claims with a hash are due at once, unproven; a claim without a hash never is.
  auto due = store_->remote_claims_due(unix_now(), 10);
  ASSERT_EQ(due.size(), 3u);
  EXPECT_FALSE(due[0].proven);
  EXPECT_FALSE(due[0].log_index);
  EXPECT_FALSE(due[0].first_cosigned_at);
  EXPECT_EQ(due[0].json, R"({"id":"https://b.test/activities/1"})");
  EXPECT_EQ(store_->remote_claims_due(unix_now(), 1).size(), 1u);

  // Proven, waiting for a cosignature: due again only when its time comes.
  RemoteClaimProof first = due[0];
  first.proven = true;
  first.log_origin = "b.test/log";
  first.log_index = 0;
  first.check_attempts = 1;
  first.next_check_at = 1000;
  first.last_error = "no trusted witness cosigned its evidence yet";
  store_->save_remote_claim_proof(first);
  // Witnessed: done. Refuted: done, with its reason.
  RemoteClaimProof second = due[1];
  second.proven = true;
  second.log_origin = "b.test/log";
  second.log_index = 1;
  second.first_cosigned_at = 1234;
  store_->save_remote_claim_proof(second);
  RemoteClaimProof fourth = due[2];
  fourth.refuted = "proof: the activity received is not proven";
  store_->save_remote_claim_proof(fourth);

  EXPECT_TRUE(store_->remote_claims_due(999, 10).empty());
  auto again = store_->remote_claims_due(1000, 10);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].activity_id, first.activity_id);
  EXPECT_EQ(again[0].check_attempts, 1);
  EXPECT_EQ(again[0].last_error, first.last_error);

  auto of_hash = store_->remote_claims_of_hash(hash);
  ASSERT_EQ(of_hash.size(), 2u);
  EXPECT_EQ(of_hash[0].activity_id, first.activity_id);
  EXPECT_EQ(of_hash[0].log_index, 0);
  EXPECT_FALSE(of_hash[0].first_cosigned_at);
  EXPECT_TRUE(of_hash[1].proven);
  EXPECT_EQ(of_hash[1].log_origin, "b.test/log");
  EXPECT_EQ(of_hash[1].log_index, 1);
  EXPECT_EQ(of_hash[1].first_cosigned_at, 1234);
  auto refuted = store_->remote_claims_of_hash(hash_of(2, 9));
  ASSERT_EQ(refuted.size(), 1u);
  EXPECT_EQ(refuted[0].refuted, fourth.refuted);
  EXPECT_FALSE(refuted[0].proven);
  EXPECT_TRUE(store_->remote_claims_of_hash(hash_of(3, 9)).empty());

  // Removing the actor removes its claims with their proofs.
  EXPECT_TRUE(store_->delete_remote_actor("https://b.test/users/bob"));
  EXPECT_TRUE(store_->remote_claims_of_hash(hash).empty());
}

TEST_P(StoreTest, RemoteLogsArePinnedOnFirstUse) {
  EXPECT_FALSE(store_->find_remote_log("https://b.test"));
  RemoteLog log{"https://b.test",           "https://b.test/log",           "b.test/log",
                "b.test/log+01234567+AQ==", "b.test/witness+89abcdef+BA==", 100};
  EXPECT_TRUE(store_->pin_remote_log(log));
  RemoteLog other = log;
  other.log_key = "b.test/log+76543210+AQ==";
  other.pinned_at = 200;
  EXPECT_FALSE(store_->pin_remote_log(other));  // the first pin stays
  auto pinned = store_->find_remote_log("https://b.test");
  ASSERT_TRUE(pinned);
  EXPECT_EQ(pinned->log_key, log.log_key);
  EXPECT_EQ(pinned->prefix, log.prefix);
  EXPECT_EQ(pinned->origin, log.origin);
  EXPECT_EQ(pinned->witness_key, log.witness_key);
  EXPECT_EQ(pinned->pinned_at, 100);
  RemoteLog a = log;
  a.server = "https://a.test";
  EXPECT_TRUE(store_->pin_remote_log(a));
  auto all = store_->list_remote_logs();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].server, "https://a.test");
  EXPECT_EQ(all[1].server, "https://b.test");
}

}  // namespace
}  // namespace artdag::store
