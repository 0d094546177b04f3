// Witnessing between two real server processes over loopback: each witnesses the other's
// claim log (ARTDAG_WITNESS_FOR) and submits its own checkpoints to the other
// (ARTDAG_WITNESSES). Checks the cosigned checkpoint and the evidence with the project's
// verifier code only; a forked checkpoint signed with the log's own key is refused; a witness
// killed and restarted keeps the size it cosigned.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <string>
#include <thread>

#include "crypto/ed25519_key.h"
#include "crypto/hash.h"
#include "harness.h"
#include "tlog/checkpoint.h"
#include "tlog/cosignature.h"
#include "tlog/note.h"
#include "tlog/proof.h"
#include "tlog/tiles.h"
#include "tlog/witness_request.h"

namespace artdag::test {
namespace {

using namespace std::chrono_literals;

std::string text_of(ServerProcess& server, const std::string& path) {
  auto r = http_request("GET", server.url(path));
  EXPECT_EQ(r.status, 200) << path << ": " << r.body;
  return r.body;
}

template <class F>
bool eventually(F done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return done();
}

class WitnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (postgresql_unavailable())
      GTEST_SKIP() << "ARTDAG_TEST_PG_URL not set: PostgreSQL half skipped";
    auto [a, b] = witness_each_other(a_, b_);
    ASSERT_FALSE(HasFatalFailure());
    a_log_ = a.log;
    b_log_ = b.log;
    a_witness_ = a.witness;
    b_witness_ = b.witness;
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "---- A ----\n" << a_.log() << "---- B ----\n" << b_.log();
  }

  // The latest checkpoint of `server` once it carries a cosignature by `witness`.
  std::optional<tlog::Note> cosigned_checkpoint(ServerProcess& server,
                                                const tlog::VerifierKey& witness,
                                                std::uint64_t min_size) {
    std::optional<tlog::Note> found;
    eventually(
        [&] {
          auto note = tlog::parse_note(text_of(server, "/log/checkpoint"));
          if (!note) return false;
          auto checkpoint = tlog::parse_checkpoint(note->text);
          if (!checkpoint || checkpoint->size < min_size) return false;
          if (!tlog::verify_cosigned_note(*note, witness)) return false;
          found = *note;
          return true;
        },
        15s);
    return found;
  }

  ServerProcess a_, b_;
  std::string a_log_, b_log_, a_witness_, b_witness_;
};

TEST_F(WitnessTest, TwoServersCosignEachOthersCheckpointsAndServeEvidence) {
  const std::string token = register_user(a_, "ann");
  auto r = http_request("POST", a_.url("/assets"),
                        {"Content-Type: application/json", "Authorization: Bearer " + token},
                        Json{{"name", "first"},
                             {"content_hash", crypto::sha3_256_hex("first")},
                             {"asset_type", "image"}}
                            .dump());
  ASSERT_EQ(r.status, 201) << r.body;
  const auto b_witness = *tlog::parse_verifier_key(b_witness_);
  const auto a_witness = *tlog::parse_verifier_key(a_witness_);

  // A's checkpoint, signed by A's log key, cosigned by B's witness (and B's by A's).
  auto note = cosigned_checkpoint(a_, b_witness, 1);
  ASSERT_TRUE(note) << text_of(a_, "/log/checkpoint");
  const std::uint64_t size = tlog::parse_checkpoint(note->text)->size;
  // B has no claims: its empty log is cosigned all the same.
  EXPECT_TRUE(cosigned_checkpoint(b_, a_witness, 0)) << text_of(b_, "/log/checkpoint");

  // Evidence for A's first claim: an inclusion proof against a cosigned checkpoint.
  auto evidence = http_request("GET", a_.url("/log/evidence/" + std::to_string(size - 1)));
  ASSERT_EQ(evidence.status, 200) << evidence.body;
  auto proof = tlog::parse_tlog_proof(evidence.body);
  ASSERT_TRUE(proof) << proof.error();
  auto proof_note = tlog::parse_note(proof->checkpoint);
  ASSERT_TRUE(proof_note);
  EXPECT_TRUE(tlog::verify_cosigned_note(*proof_note, b_witness));
  auto bundle = http_request("GET", a_.url("/log/tile/entries/000.p/" + std::to_string(size)));
  ASSERT_EQ(bundle.status, 200);
  auto entries = tlog::decode_entry_bundle(bundle.body);
  ASSERT_TRUE(entries);
  EXPECT_TRUE(
      tlog::verify_tlog_proof(*proof, entries->at(size - 1), *tlog::parse_verifier_key(a_log_)));

  // B's memory of A's log, as C2SP says a witness answers an old size 0.
  auto stale = http_request("POST", b_.url("/log/witness/add-checkpoint"), {},
                            tlog::format_add_checkpoint_request(0, {}, tlog::format_note(*note)));
  EXPECT_EQ(stale.status, 409) << stale.body;
  EXPECT_EQ(stale.header("content-type"), "text/x.tlog.size");
  EXPECT_EQ(stale.body, std::to_string(size) + "\n");

  // A fork signed with A's real log key (a log that lies): refused, whatever it claims.
  auto log_key = crypto::Ed25519Key::load_or_create(a_.data_dir() / "log-keys" / "log.ed25519");
  tlog::NoteSigner a_signer(tlog::parse_verifier_key(a_log_)->name, log_key);
  tlog::Hash forged{};
  forged[0] = 7;
  const std::string fork = a_signer.sign(
      tlog::format_checkpoint({tlog::parse_verifier_key(a_log_)->name, size + 1, forged, {}}));
  auto refused = http_request("POST", b_.url("/log/witness/add-checkpoint"), {},
                              tlog::format_add_checkpoint_request(size, {}, fork));
  EXPECT_EQ(refused.status, 422) << refused.body;

  // Killed and restarted, B still holds the size it cosigned.
  b_.stop(SIGKILL);
  ASSERT_TRUE(b_.start()) << b_.log();
  auto after = http_request("POST", b_.url("/log/witness/add-checkpoint"), {},
                            tlog::format_add_checkpoint_request(0, {}, fork));
  EXPECT_EQ(after.status, 409);
  EXPECT_EQ(after.body, std::to_string(size) + "\n");

  // Unknown logs and garbage are refused without a cosignature.
  EXPECT_EQ(http_request("POST", a_.url("/log/witness/add-checkpoint"), {}, "old 0\n\nx\n").status,
            400);
}

}  // namespace
}  // namespace artdag::test
