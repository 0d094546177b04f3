// c2sp.org/tlog-witness add-checkpoint: the request body format and parser (including the
// spec's example), and the witness's decision for every answer the spec defines.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/ed25519_key.h"
#include "tlog/checkpoint.h"
#include "tlog/merkle.h"
#include "tlog/note.h"
#include "tlog/witness_request.h"

namespace artdag::tlog {
namespace {

crypto::Ed25519Key seed_key(char byte) {
  return crypto::Ed25519Key::from_seed(std::string(32, byte));
}

TEST(TlogWitness, SpecExampleRequestParses) {
  const std::string dash = "\xE2\x80\x94 ";
  const std::string body =
      "old 20852014\n"
      "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n"
      "jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n"
      "5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n"
      "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n"
      "\n"
      "example.com/behind-the-sofa\n"
      "20852163\n"
      "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
      "\n" +
      dash +
      "example.com/behind-the-sofa "
      "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/"
      "Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n" +
      dash +
      "example.com/behind-the-sofa "
      "opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/"
      "V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n";
  auto request = parse_add_checkpoint_request(body);
  ASSERT_TRUE(request) << request.error();
  EXPECT_EQ(request->old_size, 20852014u);
  ASSERT_EQ(request->consistency_proof.size(), 4u);
  EXPECT_EQ(hash_base64(request->consistency_proof[3]),
            "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=");
  EXPECT_EQ(request->checkpoint.origin, "example.com/behind-the-sofa");
  EXPECT_EQ(request->checkpoint.size, 20852163u);
  EXPECT_EQ(request->note.signatures.size(), 2u);
  EXPECT_EQ(format_add_checkpoint_request(request->old_size, request->consistency_proof,
                                          request->checkpoint_note),
            body);
}

struct Log {
  NoteSigner signer{"example.com/log", seed_key('\x42')};
  MemoryTree tree;
  Log() {
    for (int i = 0; i < 20; ++i) tree.append_entry("claim " + std::to_string(i));
  }
  std::string checkpoint(std::uint64_t size) { return checkpoint_with_root(size, tree.root(size)); }
  std::string checkpoint_with_root(std::uint64_t size, const Hash& root) {
    return signer.sign(format_checkpoint(Checkpoint{"example.com/log", size, root, {}}));
  }
  AddCheckpointRequest request(std::uint64_t old_size, std::uint64_t size) {
    return request_with(old_size, tree.consistency_proof(old_size, size), checkpoint(size));
  }
  static AddCheckpointRequest request_with(std::uint64_t old_size, const std::vector<Hash>& proof,
                                           const std::string& note) {
    auto parsed =
        parse_add_checkpoint_request(format_add_checkpoint_request(old_size, proof, note));
    EXPECT_TRUE(parsed) << parsed.error();
    return parsed.value();
  }
  WitnessState state(std::uint64_t size) { return WitnessState{size, tree.root(size)}; }
};

WitnessAnswer decide(const AddCheckpointRequest& request, std::span<const VerifierKey> keys,
                     const std::optional<WitnessState>& stored) {
  return decide_add_checkpoint(request, keys, stored).answer;
}

TEST(TlogWitness, CosignsConsistentCheckpoints) {
  Log log;
  const VerifierKey keys[] = {log.signer.verifier_key()};
  EXPECT_EQ(decide(log.request(0, 7), keys, std::nullopt), WitnessAnswer::cosign);
  EXPECT_EQ(decide(log.request(7, 12), keys, log.state(7)), WitnessAnswer::cosign);
  EXPECT_EQ(decide(log.request(12, 12), keys, log.state(12)), WitnessAnswer::cosign);
  EXPECT_EQ(decide(log.request(1, 20), keys, log.state(1)), WitnessAnswer::cosign);
  // The empty tree, first seen or again.
  EXPECT_EQ(decide(log.request(0, 0), keys, std::nullopt), WitnessAnswer::cosign);
  EXPECT_EQ(decide(log.request(0, 0), keys, log.state(0)), WitnessAnswer::cosign);
  EXPECT_EQ(decide(log.request(0, 5), keys, log.state(0)), WitnessAnswer::cosign);
  auto ok = decide_add_checkpoint(log.request(7, 12), keys, log.state(7));
  EXPECT_EQ(ok.status(), 200);
}

TEST(TlogWitness, UnknownOriginAndBadSignatures) {
  Log log;
  const VerifierKey keys[] = {log.signer.verifier_key()};
  EXPECT_EQ(decide_add_checkpoint(log.request(0, 7), {}, std::nullopt).status(), 404);
  // Signed only by a key the witness does not trust for the origin.
  NoteSigner stranger("example.com/log", seed_key('\x43'));
  auto foreign = Log::request_with(
      0, {},
      stranger.sign(format_checkpoint(Checkpoint{"example.com/log", 7, log.tree.root(7), {}})));
  EXPECT_EQ(decide(foreign, keys, std::nullopt), WitnessAnswer::forbidden);
  // A line with the trusted name and id whose signature fails: 403 even with a good one.
  AddCheckpointRequest forged = log.request(0, 7);
  NoteSignature bad = forged.note.signatures[0];
  bad.signature[0] ^= 1;
  forged.note.signatures.push_back(bad);
  EXPECT_EQ(decide(forged, keys, std::nullopt), WitnessAnswer::forbidden);
  // Signature checks come before size checks: a bad signature with a wrong old size is 403.
  EXPECT_EQ(decide(foreign, keys, log.state(3)), WitnessAnswer::forbidden);
}

TEST(TlogWitness, SizeChecks) {
  Log log;
  const VerifierKey keys[] = {log.signer.verifier_key()};
  // Old size above the checkpoint's: 400, before the stored size is consulted.
  auto backwards = Log::request_with(9, {}, log.checkpoint(7));
  EXPECT_EQ(decide(backwards, keys, log.state(9)), WitnessAnswer::bad_request);
  EXPECT_EQ(decide(backwards, keys, std::nullopt), WitnessAnswer::bad_request);
  // Old size not the stored one: 409 with the stored size (0 when never cosigned).
  auto stale = decide_add_checkpoint(log.request(5, 12), keys, log.state(7));
  EXPECT_EQ(stale.status(), 409);
  EXPECT_EQ(stale.stored_size, 7u);
  EXPECT_EQ(conflict_body(stale.stored_size), "7\n");
  auto fresh = decide_add_checkpoint(log.request(0, 12), keys, log.state(7));
  EXPECT_EQ(fresh.answer, WitnessAnswer::conflict);
  EXPECT_EQ(fresh.stored_size, 7u);
  auto never = decide_add_checkpoint(log.request(5, 12), keys, std::nullopt);
  EXPECT_EQ(never.answer, WitnessAnswer::conflict);
  EXPECT_EQ(never.stored_size, 0u);
  EXPECT_EQ(kTlogSizeContentType, "text/x.tlog.size");
}

TEST(TlogWitness, UnprocessableCheckpoints) {
  Log log;
  const VerifierKey keys[] = {log.signer.verifier_key()};
  // A size-0 checkpoint must carry SHA-256("").
  auto empty_wrong_root = Log::request_with(0, {}, log.checkpoint_with_root(0, log.tree.root(1)));
  EXPECT_EQ(decide(empty_wrong_root, keys, std::nullopt), WitnessAnswer::unprocessable);
  // Old size 0 with a non-empty proof.
  auto proof_from_zero = Log::request_with(0, log.tree.consistency_proof(3, 7), log.checkpoint(7));
  EXPECT_EQ(decide(proof_from_zero, keys, std::nullopt), WitnessAnswer::unprocessable);
  // A proof that does not verify: tampered, truncated, or against another stored root.
  auto tampered = log.request(7, 12);
  tampered.consistency_proof[0][0] ^= 1;
  EXPECT_EQ(decide(tampered, keys, log.state(7)), WitnessAnswer::unprocessable);
  auto truncated = log.request(7, 12);
  truncated.consistency_proof.pop_back();
  EXPECT_EQ(decide(truncated, keys, log.state(7)), WitnessAnswer::unprocessable);
  WitnessState forked{7, log.tree.root(6)};
  EXPECT_EQ(decide(log.request(7, 12), keys, forked), WitnessAnswer::unprocessable);
  auto none = Log::request_with(7, {}, log.checkpoint(12));
  EXPECT_EQ(decide(none, keys, log.state(7)), WitnessAnswer::unprocessable);
  // A checkpoint that is not an extension of the stored tree (a fork at size 12).
  auto fork = Log::request_with(7, log.tree.consistency_proof(7, 12),
                                log.checkpoint_with_root(12, log.tree.root(13)));
  EXPECT_EQ(decide(fork, keys, log.state(7)), WitnessAnswer::unprocessable);
  // Equal sizes: a different root, or a non-empty proof.
  auto same_size_other_root =
      Log::request_with(7, {}, log.checkpoint_with_root(7, log.tree.root(8)));
  EXPECT_EQ(decide(same_size_other_root, keys, log.state(7)), WitnessAnswer::unprocessable);
  auto same_size_with_proof =
      Log::request_with(7, log.tree.consistency_proof(3, 7), log.checkpoint(7));
  EXPECT_EQ(decide(same_size_with_proof, keys, log.state(7)), WitnessAnswer::unprocessable);
  EXPECT_EQ(decide_add_checkpoint(fork, keys, log.state(7)).status(), 422);
}

TEST(TlogWitness, RequestParserRefusals) {
  Log log;
  const std::string cp = log.checkpoint(7);
  const std::string hash = hash_base64(log.tree.root(3)) + "\n";
  std::vector<std::string> refused = {
      "",
      "old 0\n",
      "old 0\n\n",     // no checkpoint
      "old 0\n" + cp,  // no blank line: the origin is not a hash
      "old\n\n" + cp,
      "old \n\n" + cp,
      "old 01\n\n" + cp,
      "old -1\n\n" + cp,
      "old 1 \n\n" + cp,
      "Old 1\n\n" + cp,
      "old  1\n\n" + cp,
      "old 18446744073709551616\n\n" + cp,
      "old 1\nZG9uJ3QgY2FyZSAx\n\n" + cp,  // a 12-byte hash
      "old 1\n" + hash.substr(0, 43) + "\n\n" + cp,
      "old 1\n" + hash + hash + "\n" + cp.substr(0, cp.size() - 1),  // note without final \n
      "old 1\n\n" + log.signer.sign("not a checkpoint\n"),
      "old 1\n\nexample.com/log\n7\n" + hash,  // unsigned
      "old 1\r\n\n" + cp,
  };
  std::string too_many = "old 1\n";
  for (int i = 0; i < 64; ++i) too_many += hash;
  refused.push_back(too_many + "\n" + cp);
  refused.push_back("old 1\n\n" + cp + std::string(kMaxAddCheckpointBody, 'x'));
  for (const std::string& body : refused) EXPECT_FALSE(parse_add_checkpoint_request(body)) << body;
  // 63 proof lines are allowed.
  std::string sixty_three = "old 1\n";
  for (int i = 0; i < 63; ++i) sixty_three += hash;
  auto parsed = parse_add_checkpoint_request(sixty_three + "\n" + cp);
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(parsed->consistency_proof.size(), 63u);
  std::vector<Hash> sixty_four(64, log.tree.root(1));
  EXPECT_THROW(format_add_checkpoint_request(1, sixty_four, cp), std::invalid_argument);
  EXPECT_THROW(format_add_checkpoint_request(1, {}, "no newline"), std::invalid_argument);
}

}  // namespace
}  // namespace artdag::tlog
