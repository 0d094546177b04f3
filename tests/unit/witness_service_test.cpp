// The witness service over a real store (SQLite file, or PostgreSQL with ARTDAG_TEST_PG_URL):
// every C2SP answer, the cosignature it returns, its memory across restarts, and two
// processes on one database never cosigning two inconsistent checkpoints.
#include "services/claim_log/witness_service.h"

#include <gtest/gtest.h>

#include "config/config.h"
#include "crypto/ed25519_key.h"
#include "services/claim_log/witness_submitter.h"
#include "store_fixture.h"
#include "tlog/checkpoint.h"
#include "tlog/cosignature.h"
#include "tlog/merkle.h"
#include "tlog/witness_request.h"

namespace artdag::services::claim_log {
namespace {

using store::testing_support::StoreTest;

crypto::Ed25519Key seed_key(char byte) {
  return crypto::Ed25519Key::from_seed(std::string(32, byte));
}

// A log of 30 entries whose checkpoints the tests submit, and a witness key.
struct Fixture {
  tlog::NoteSigner log_signer{"log.example/log", seed_key('\x11')};
  tlog::CosignatureSigner witness{"witness.example/witness", seed_key('\x22')};
  tlog::MemoryTree tree;
  Fixture() {
    for (int i = 0; i < 30; ++i) tree.append_entry("claim " + std::to_string(i));
  }
  std::string checkpoint(std::uint64_t size, std::optional<tlog::Hash> root = std::nullopt) {
    return log_signer.sign(tlog::format_checkpoint(
        tlog::Checkpoint{"log.example/log", size, root.value_or(tree.root(size)), {}}));
  }
  std::string body(std::uint64_t old_size, std::uint64_t size) {
    const auto proof = old_size == 0 || old_size == size ? std::vector<tlog::Hash>{}
                                                         : tree.consistency_proof(old_size, size);
    return tlog::format_add_checkpoint_request(old_size, proof, checkpoint(size));
  }
  std::vector<tlog::VerifierKey> trusted() { return {log_signer.verifier_key()}; }
};

class WitnessServiceTest : public StoreTest {};

TEST_P(WitnessServiceTest, CosignsOnlyCheckpointsThatExtendTheLastOne) {
  Fixture f;
  WitnessService witness(*store_, f.witness, f.trusted());

  auto first = witness.add_checkpoint(f.body(0, 10), 1700000000);
  ASSERT_EQ(first.status, 200) << first.body;
  // The answer is a cosignature/v1 line by the witness key over exactly that checkpoint.
  auto line = tlog::parse_cosignature_line(first.body);
  ASSERT_TRUE(line) << line.error();
  auto note = tlog::parse_note(f.checkpoint(10));
  ASSERT_TRUE(note);
  EXPECT_TRUE(tlog::verify_cosignature(f.witness.verifier_key(), note->text, *line));
  EXPECT_EQ(line->timestamp, 1700000000u);

  // Old size 0 again: 409 with the size it holds, as text/x.tlog.size.
  auto stale = witness.add_checkpoint(f.body(0, 20), 1700000001);
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.content_type, "text/x.tlog.size");
  EXPECT_EQ(stale.body, "10\n");
  // From 10 with the proof: cosigned; the same checkpoint again: cosigned again.
  EXPECT_EQ(witness.add_checkpoint(f.body(10, 20), 1700000002).status, 200);
  EXPECT_EQ(witness.add_checkpoint(f.body(20, 20), 1700000003).status, 200);

  // A fork: size 25 with another root. The proof cannot verify: 422, state unchanged.
  tlog::Hash forged{};
  forged[0] = 1;
  auto fork = witness.add_checkpoint(
      tlog::format_add_checkpoint_request(20, f.tree.consistency_proof(20, 25),
                                          f.checkpoint(25, forged)),
      1700000004);
  EXPECT_EQ(fork.status, 422) << fork.body;
  EXPECT_EQ(store_->witnessed_checkpoint("log.example/log")->size, 20);

  // A restart (a new service on the same database) remembers the size.
  WitnessService restarted(*store_, f.witness, f.trusted());
  auto again = restarted.add_checkpoint(f.body(10, 25), 1700000005);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.body, "20\n");
}

TEST_P(WitnessServiceTest, RefusesWhatItCannotCheck) {
  Fixture f;
  WitnessService witness(*store_, f.witness, f.trusted());
  EXPECT_EQ(witness.add_checkpoint("not a request", 1).status, 400);
  EXPECT_EQ(witness.add_checkpoint(std::string(20000, 'x'), 1).status, 400);
  // Another log's checkpoint: 404. Signed by a key we do not trust for this origin: 403.
  tlog::NoteSigner other{"other.example/log", seed_key('\x33')};
  auto unknown = tlog::format_add_checkpoint_request(
      0, {}, other.sign(tlog::format_checkpoint({"other.example/log", 1, f.tree.root(1), {}})));
  EXPECT_EQ(witness.add_checkpoint(unknown, 1).status, 404);
  tlog::NoteSigner impostor{"log.example/log", seed_key('\x44')};
  auto forged = tlog::format_add_checkpoint_request(
      0, {}, impostor.sign(tlog::format_checkpoint({"log.example/log", 1, f.tree.root(1), {}})));
  EXPECT_EQ(witness.add_checkpoint(forged, 1).status, 403);
  EXPECT_FALSE(store_->witnessed_checkpoint("log.example/log"));
}

TEST_P(WitnessServiceTest, TwoProcessesOnOneDatabaseNeverCosignAFork) {
  Fixture f;
  auto second_store = open();  // another process's connection pool
  WitnessService a(*store_, f.witness, f.trusted());
  WitnessService b(*second_store, f.witness, f.trusted());
  ASSERT_EQ(a.add_checkpoint(f.body(0, 10), 1).status, 200);
  // b never saw a's request; its store did.
  auto from_zero = b.add_checkpoint(f.body(0, 12), 2);
  EXPECT_EQ(from_zero.status, 409);
  EXPECT_EQ(from_zero.body, "10\n");
  ASSERT_EQ(b.add_checkpoint(f.body(10, 12), 3).status, 200);
  EXPECT_EQ(a.add_checkpoint(f.body(10, 15), 4).status, 409);
}

TEST(WitnessConfig, TrustedLogsParseFromTheSetting) {
  Fixture f;
  const std::string key = tlog::format_verifier_key(f.log_signer.verifier_key());
  EXPECT_TRUE(WitnessService::parse_trusted_logs("").empty());
  auto keys = WitnessService::parse_trusted_logs(" " + key + ", " + key + "\n");
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0], f.log_signer.verifier_key());
  EXPECT_THROW(WitnessService::parse_trusted_logs("log.example/log+zz"), ConfigError);
  // A cosigner key (type 0x04) does not sign checkpoints.
  EXPECT_THROW(WitnessService::parse_trusted_logs(
                   tlog::format_verifier_key(f.witness.verifier_key())),
               ConfigError);
}

TEST(WitnessConfig, WitnessesParseFromTheSetting) {
  Fixture f;
  const std::string key = tlog::format_verifier_key(f.witness.verifier_key());
  auto witnesses = WitnessSubmitter::parse_witnesses(
      " " + key + " https://w.example/log/witness/ ,, " + key + "\thttp://127.0.0.1:9/w");
  ASSERT_EQ(witnesses.size(), 2u);
  EXPECT_EQ(witnesses[0].key, f.witness.verifier_key());
  EXPECT_EQ(witnesses[0].url, "https://w.example/log/witness");
  EXPECT_EQ(witnesses[1].url, "http://127.0.0.1:9/w");
  EXPECT_TRUE(WitnessSubmitter::parse_witnesses("").empty());
  EXPECT_THROW(WitnessSubmitter::parse_witnesses(key), ConfigError);  // no URL
  EXPECT_THROW(WitnessSubmitter::parse_witnesses(key + " ftp://w.example"), ConfigError);
  EXPECT_THROW(WitnessSubmitter::parse_witnesses("nokey https://w.example"), ConfigError);
  // A log's note key is not a cosigner's.
  EXPECT_THROW(WitnessSubmitter::parse_witnesses(
                   tlog::format_verifier_key(f.log_signer.verifier_key()) + " https://w.example"),
               ConfigError);
}

INSTANTIATE_TEST_SUITE_P(Backends, WitnessServiceTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace artdag::services::claim_log
