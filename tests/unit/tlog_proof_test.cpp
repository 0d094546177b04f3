// c2sp.org/tlog-proof@v1: format, strict parse, and verification of an entry against the
// log's key, with every kind of tampering refused.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/ed25519_key.h"
#include "tlog/checkpoint.h"
#include "tlog/cosignature.h"
#include "tlog/merkle.h"
#include "tlog/note.h"
#include "tlog/proof.h"

namespace artdag::tlog {
namespace {

crypto::Ed25519Key seed_key(char byte) {
  return crypto::Ed25519Key::from_seed(std::string(32, byte));
}

struct Fixture {
  NoteSigner log{"example.com/log", seed_key('\x42')};
  MemoryTree tree;
  std::vector<std::string> entries;

  Fixture() {
    for (int i = 0; i < 300; ++i) {
      entries.push_back("claim " + std::to_string(i));
      tree.append_entry(entries.back());
    }
  }

  std::string signed_checkpoint(std::uint64_t size, std::string origin = "example.com/log") {
    return log.sign(format_checkpoint(Checkpoint{std::move(origin), size, tree.root(size), {}}));
  }

  TlogProof proof_of(std::uint64_t index, std::uint64_t size) {
    return TlogProof{std::nullopt, index, tree.inclusion_proof(index, size),
                     signed_checkpoint(size)};
  }
};

TEST(TlogProof, FormatParseRoundTrip) {
  Fixture f;
  TlogProof proof = f.proof_of(73, 300);
  proof.extra = std::string("age-v1.2.1\0\xff", 12);
  const std::string text = format_tlog_proof(proof);
  EXPECT_TRUE(text.starts_with("c2sp.org/tlog-proof@v1\nextra YWdlLXYxLjIuMQD/\nindex 73\n"));
  EXPECT_TRUE(text.ends_with(proof.checkpoint));
  auto parsed = parse_tlog_proof(text);
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(*parsed, proof);
  proof.extra.reset();
  auto no_extra = parse_tlog_proof(format_tlog_proof(proof));
  ASSERT_TRUE(no_extra) << no_extra.error();
  EXPECT_EQ(*no_extra, proof);
  EXPECT_EQ(format_tlog_proof(*no_extra), format_tlog_proof(proof));
  // A single-entry tree has an empty inclusion path.
  TlogProof single = f.proof_of(0, 1);
  EXPECT_TRUE(single.inclusion.empty());
  auto parsed_single = parse_tlog_proof(format_tlog_proof(single));
  ASSERT_TRUE(parsed_single) << parsed_single.error();
  EXPECT_TRUE(verify_tlog_proof(*parsed_single, f.entries[0], f.log.verifier_key()));
}

TEST(TlogProof, VerifiesAndTamperingFails) {
  Fixture f;
  const VerifierKey key = f.log.verifier_key();
  for (std::uint64_t index : {0u, 1u, 255u, 256u, 299u}) {
    auto proof = parse_tlog_proof(format_tlog_proof(f.proof_of(index, 300)));
    ASSERT_TRUE(proof);
    auto checkpoint = verify_tlog_proof(*proof, f.entries[index], key);
    ASSERT_TRUE(checkpoint) << checkpoint.error();
    EXPECT_EQ(checkpoint->size, 300u);
    EXPECT_FALSE(verify_tlog_proof(*proof, f.entries[index] + "x", key));
  }
  const TlogProof good = f.proof_of(73, 300);
  ASSERT_TRUE(verify_tlog_proof(good, f.entries[73], key));

  TlogProof wrong_index = good;
  wrong_index.index = 72;
  EXPECT_FALSE(verify_tlog_proof(wrong_index, f.entries[73], key));
  TlogProof outside = good;
  outside.index = 300;
  EXPECT_FALSE(verify_tlog_proof(outside, f.entries[73], key));
  TlogProof bad_hash = good;
  bad_hash.inclusion[2][5] ^= 1;
  EXPECT_FALSE(verify_tlog_proof(bad_hash, f.entries[73], key));
  TlogProof short_path = good;
  short_path.inclusion.pop_back();
  EXPECT_FALSE(verify_tlog_proof(short_path, f.entries[73], key));
  // A checkpoint for another size (validly signed) does not fit the path.
  TlogProof other_size = good;
  other_size.checkpoint = f.signed_checkpoint(299);
  EXPECT_FALSE(verify_tlog_proof(other_size, f.entries[73], key));
  // Signed by someone else, or edited after signing.
  NoteSigner stranger("example.com/log", seed_key('\x43'));
  TlogProof unsigned_by_log = good;
  unsigned_by_log.checkpoint =
      stranger.sign(format_checkpoint(Checkpoint{"example.com/log", 300, f.tree.root(300), {}}));
  EXPECT_FALSE(verify_tlog_proof(unsigned_by_log, f.entries[73], key));
  TlogProof edited = good;
  edited.checkpoint.replace(edited.checkpoint.find("300"), 3, "301");
  EXPECT_FALSE(verify_tlog_proof(edited, f.entries[73], key));
  // The right key, but a checkpoint for another origin.
  TlogProof other_origin = good;
  other_origin.checkpoint = f.signed_checkpoint(300, "example.com/elsewhere");
  EXPECT_FALSE(verify_tlog_proof(other_origin, f.entries[73], key));
  EXPECT_TRUE(verify_tlog_proof(other_origin, f.entries[73], key, "example.com/elsewhere"));
  // Witness cosignatures ride along and do not disturb the log's check.
  CosignatureSigner witness("witness.example/w1", seed_key('\x07'));
  TlogProof cosigned = good;
  auto note = parse_note(good.checkpoint);
  cosigned.checkpoint += witness.signature_line(note->text, 1700000000);
  auto reparsed = parse_tlog_proof(format_tlog_proof(cosigned));
  ASSERT_TRUE(reparsed) << reparsed.error();
  EXPECT_TRUE(verify_tlog_proof(*reparsed, f.entries[73], key));
  EXPECT_EQ(verify_cosigned_note(*parse_note(reparsed->checkpoint), witness.verifier_key()),
            1700000000u);
}

TEST(TlogProof, ParserRefusals) {
  Fixture f;
  const TlogProof proof = f.proof_of(73, 300);
  const std::string good = format_tlog_proof(proof);
  const std::string& cp = proof.checkpoint;
  const std::string hash = hash_base64(proof.inclusion[0]) + "\n";
  std::vector<std::string> refused = {
      "",
      "c2sp.org/tlog-proof@v1\n",
      "c2sp.org/tlog-proof@v2\nindex 0\n\n" + cp,
      "c2sp.org/tlog-proof@v1 \nindex 0\n\n" + cp,
      "c2sp.org/tlog-proof@v1\nindex 01\n\n" + cp,
      "c2sp.org/tlog-proof@v1\nindex -1\n\n" + cp,
      "c2sp.org/tlog-proof@v1\nindex\n\n" + cp,
      "c2sp.org/tlog-proof@v1\nindex 18446744073709551616\n\n" + cp,
      "c2sp.org/tlog-proof@v1\nindex  1\n\n" + cp,
      "c2sp.org/tlog-proof@v1\n\n" + cp,                       // no index
      "c2sp.org/tlog-proof@v1\nextra !!!!\nindex 0\n\n" + cp,  // bad base64
      "c2sp.org/tlog-proof@v1\nindex 0\nextra AAAA\n\n" + cp,  // extra after index
      "c2sp.org/tlog-proof@v1\nextra AAAA\nextra AAAA\nindex 0\n\n" + cp,
      "c2sp.org/tlog-proof@v1\nindex 0\n" + hash,                    // no blank line, no checkpoint
      "c2sp.org/tlog-proof@v1\nindex 0\n" + hash + "\n",             // empty checkpoint
      "c2sp.org/tlog-proof@v1\nindex 0\nZG9uJ3QgY2FyZSAx\n\n" + cp,  // short hash
      "c2sp.org/tlog-proof@v1\nindex 0\n" + hash + "\n" + cp.substr(0, cp.size() - 1),
      "c2sp.org/tlog-proof@v1\nindex 0\n\n" + f.log.sign("not\na checkpoint\n"),
      "c2sp.org/tlog-proof@v1\nindex 0\n\nexample.com/log\n1\n" + hash,  // unsigned
      good.substr(0, good.size() - 1),
      good + "\n",
  };
  std::string long_path = "c2sp.org/tlog-proof@v1\nindex 0\n";
  for (int i = 0; i < 65; ++i) long_path += hash;
  refused.push_back(long_path + "\n" + cp);
  refused.push_back(good + std::string(kMaxTlogProofSize, 'x'));
  for (const std::string& text : refused) {
    auto parsed = parse_tlog_proof(text);
    EXPECT_FALSE(parsed) << text;
  }
  EXPECT_THROW(format_tlog_proof(TlogProof{std::nullopt, 0, {}, "no newline"}),
               std::invalid_argument);
}

}  // namespace
}  // namespace artdag::tlog
