// The federated registry's pure parts: the verdict rule (which claim of a hash is the
// earliest, on what evidence), checking a remote claim's proof and evidence against its log's
// key and the trusted witnesses, finding the log in NodeInfo, and the prover's retry delays.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "activitypub/canon.h"
#include "config/config.h"
#include "crypto/ed25519_key.h"
#include "services/claim_log/claim_verdict.h"
#include "services/claim_log/remote_claim_prover.h"
#include "services/claim_log/remote_proof.h"
#include "tlog/checkpoint.h"
#include "tlog/cosignature.h"
#include "tlog/merkle.h"
#include "tlog/note.h"
#include "tlog/proof.h"

namespace artdag::services::claim_log {
namespace {

// ---- the verdict ----

ClaimView claim(const std::string& id, const std::string& published, bool proven,
                std::optional<int64_t> cosigned, const std::string& origin = "a.test/log",
                int64_t index = 0) {
  ClaimView c;
  c.actor = "https://a.test/users/u";
  c.activity_id = id;
  c.published = published;
  c.log_origin = origin;
  c.log_index = index;
  c.proven = proven;
  c.first_cosigned_at = cosigned;
  return c;
}

std::vector<std::string> winners(std::vector<ClaimView> claims) {
  mark_earliest(claims);
  std::vector<std::string> out;
  for (const auto& c : claims)
    if (c.earliest) out.push_back(c.activity_id);
  return out;
}

using Winners = std::vector<std::string>;

TEST(ClaimVerdict, TheEarliestWitnessedClaimWins) {
  // A witnessed claim beats a self-asserted one that says it is older.
  EXPECT_EQ(winners({claim("old", "2026-01-01T00:00:00Z", true, std::nullopt),
                     claim("witnessed", "2026-06-01T00:00:00Z", true, 2000)}),
            Winners{"witnessed"});
  // Among witnessed claims, the earliest cosignature, whatever `published` says.
  EXPECT_EQ(winners({claim("later", "2026-01-01T00:00:00Z", true, 3000),
                     claim("sooner", "2026-06-01T00:00:00Z", true, 2000),
                     claim("latest", "2025-01-01T00:00:00Z", true, 4000)}),
            Winners{"sooner"});
}

TEST(ClaimVerdict, TiesGoByPublishedThenLogOriginThenIndex) {
  EXPECT_EQ(winners({claim("b", "2026-01-01T00:00:02Z", true, 2000),
                     claim("a", "2026-01-01T00:00:01Z", true, 2000)}),
            Winners{"a"});
  EXPECT_EQ(winners({claim("b", "2026-01-01T00:00:01Z", true, 2000, "b.test/log"),
                     claim("a", "2026-01-01T00:00:01Z", true, 2000, "a.test/log")}),
            Winners{"a"});
  EXPECT_EQ(winners({claim("second", "2026-01-01T00:00:01Z", true, 2000, "a.test/log", 7),
                     claim("first", "2026-01-01T00:00:01Z", true, 2000, "a.test/log", 3)}),
            Winners{"first"});
  // `published` compares as a time; one that is not an ISO 8601 UTC time comes last.
  EXPECT_EQ(winners({claim("garbled", "yesterday", true, 2000, "a.test/log"),
                     claim("dated", "2026-01-01T00:00:01Z", true, 2000, "b.test/log")}),
            Winners{"dated"});
}

TEST(ClaimVerdict, WithoutWitnessesTheEarliestPublishedProvenClaimWins) {
  EXPECT_EQ(winners({claim("unproven", "2020-01-01T00:00:00Z", false, std::nullopt),
                     claim("late", "2026-03-01T00:00:00Z", true, std::nullopt),
                     claim("early", "2026-02-01T00:00:00Z", true, std::nullopt)}),
            Winners{"early"});
  // A first cosignature time without a proof does not count as witnessed.
  EXPECT_EQ(winners({claim("unproven", "2020-01-01T00:00:00Z", false, 1),
                     claim("proven", "2026-03-01T00:00:00Z", true, std::nullopt)}),
            Winners{"proven"});
}

TEST(ClaimVerdict, UnprovenAndRefutedClaimsNeverWin) {
  auto refuted = claim("refuted", "2020-01-01T00:00:00Z", true, 1);
  refuted.refuted = "proof: does not verify";
  EXPECT_EQ(winners({refuted, claim("proven", "2026-03-01T00:00:00Z", true, 5000)}),
            Winners{"proven"});
  EXPECT_EQ(winners({claim("a", "2020-01-01T00:00:00Z", false, std::nullopt), refuted}), Winners{});
  EXPECT_EQ(winners({}), Winners{});
  // Marking again gives the same single winner (earlier marks are cleared).
  std::vector<ClaimView> claims{claim("x", "2026-01-01T00:00:00Z", true, std::nullopt),
                                claim("y", "2026-01-02T00:00:00Z", true, std::nullopt)};
  claims[1].earliest = true;
  mark_earliest(claims);
  EXPECT_TRUE(claims[0].earliest);
  EXPECT_FALSE(claims[1].earliest);
}

TEST(ClaimVerdict, TheSameClaimsInAnyOrderGiveTheSameWinner) {
  std::vector<ClaimView> claims{claim("a", "2026-01-01T00:00:01Z", true, 2000, "b.test/log", 1),
                                claim("b", "2026-01-01T00:00:01Z", true, 2000, "a.test/log", 9),
                                claim("c", "2026-01-01T00:00:00Z", true, 2001, "a.test/log", 0),
                                claim("d", "2026-01-01T00:00:01Z", false, 1000)};
  const auto expected = winners(claims);
  ASSERT_EQ(expected, Winners{"b"});
  std::sort(claims.begin(), claims.end(),
            [](const auto& x, const auto& y) { return x.activity_id < y.activity_id; });
  do {
    EXPECT_EQ(winners(claims), expected);
  } while (std::next_permutation(claims.begin(), claims.end(), [](const auto& x, const auto& y) {
    return x.activity_id < y.activity_id;
  }));
}

TEST(ClaimVerdict, JsonForm) {
  auto c = claim("https://a.test/activities/1", "2026-01-01T00:00:00Z", true, 2000);
  c.earliest = true;
  c.proof_url = "https://a.test/log/proof?id=x";
  auto j = claim_json(c);
  EXPECT_EQ(j["evidence"], "witnessed");
  EXPECT_EQ(j["earliest"], true);
  EXPECT_EQ(j["first_cosigned_at"], 2000);
  EXPECT_EQ(j["log_origin"], "a.test/log");
  EXPECT_EQ(j["log_index"], 0);
  EXPECT_EQ(j["refuted"], nullptr);
  EXPECT_EQ(j["evidence_url"], nullptr);
  auto unproven = claim_json(ClaimView{});
  EXPECT_EQ(unproven["evidence"], "self-asserted");
  EXPECT_EQ(unproven["log_origin"], nullptr);
  EXPECT_EQ(unproven["log_index"], nullptr);
  EXPECT_EQ(unproven["first_cosigned_at"], nullptr);
  EXPECT_EQ(unproven["proven"], false);
}

// ---- proofs of remote claims ----

crypto::Ed25519Key seed_key(char byte) {
  return crypto::Ed25519Key::from_seed(std::string(32, byte));
}

// A remote log of canonical activities, as an Art DAG server makes it.
struct RemoteLogFixture {
  tlog::NoteSigner log{"b.test/log", seed_key('\x11')};
  tlog::CosignatureSigner trusted{"a.test/witness", seed_key('\x22')};
  tlog::CosignatureSigner stranger{"c.test/witness", seed_key('\x33')};
  tlog::MemoryTree tree;
  std::vector<Json> activities;

  RemoteLogFixture() {
    for (int i = 0; i < 5; ++i) {
      activities.push_back(Json{{"id", "https://b.test/activities/" + std::to_string(i)},
                                {"type", "Create"},
                                {"actor", "https://b.test/users/bob"},
                                {"published", "2026-01-01T00:00:0" + std::to_string(i) + "Z"}});
      tree.append_entry(activitypub::canonical_json(activities.back()));
    }
  }
  std::string checkpoint_text(std::uint64_t size) {
    return tlog::format_checkpoint({"b.test/log", size, tree.root(size), {}});
  }
  // The proof of entry `index` in the tree of `size`, its checkpoint followed by `lines`.
  std::string proof(std::uint64_t index, std::uint64_t size, const std::string& lines = "") {
    return tlog::format_tlog_proof({std::nullopt, index, tree.inclusion_proof(index, size),
                                    log.sign(checkpoint_text(size)) + lines});
  }
  std::vector<tlog::VerifierKey> witnesses() const { return {trusted.verifier_key()}; }
};

TEST(RemoteProof, ProvesTheExactActivityAndDatesItByTrustedWitnesses) {
  RemoteLogFixture f;
  const auto witnesses = f.witnesses();
  auto plain = check_claim_proof(f.activities[3], f.proof(3, 5), f.log.verifier_key(), witnesses);
  ASSERT_TRUE(plain) << plain.error();
  EXPECT_EQ(plain->origin, "b.test/log");
  EXPECT_EQ(plain->index, 3u);
  EXPECT_EQ(plain->checkpoint_size, 5u);
  EXPECT_FALSE(plain->first_cosigned_at);  // no cosignature: self-asserted

  const std::string cosigned = f.trusted.signature_line(f.checkpoint_text(4), 1700000100) +
                               f.stranger.signature_line(f.checkpoint_text(4), 1700000000);
  auto witnessed =
      check_claim_proof(f.activities[2], f.proof(2, 4, cosigned), f.log.verifier_key(), witnesses);
  ASSERT_TRUE(witnessed) << witnessed.error();
  // The stranger's earlier cosignature does not count: only trusted witnesses date a claim.
  EXPECT_EQ(witnessed->first_cosigned_at, 1700000100);

  // The same key order both ways: an activity keeps its entry however its keys are ordered.
  Json reordered = Json::parse(f.activities[2].dump());
  EXPECT_TRUE(check_claim_proof(reordered, f.proof(2, 4), f.log.verifier_key(), witnesses));
}

TEST(RemoteProof, RefusesWhatDoesNotProveTheActivityReceived) {
  RemoteLogFixture f;
  const auto witnesses = f.witnesses();
  const auto key = f.log.verifier_key();
  // Another activity than the one received (one field changed), or another entry's proof.
  Json changed = f.activities[3];
  changed["published"] = "2025-01-01T00:00:00Z";
  auto r = check_claim_proof(changed, f.proof(3, 5), key, witnesses);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("not proven in b.test/log"), std::string::npos) << r.error();
  EXPECT_FALSE(check_claim_proof(f.activities[3], f.proof(2, 5), key, witnesses));
  // Signed by another key than the pinned one.
  tlog::NoteSigner impostor{"b.test/log", seed_key('\x44')};
  EXPECT_FALSE(
      check_claim_proof(f.activities[3], f.proof(3, 5), impostor.verifier_key(), witnesses));
  // Not a tlog-proof at all.
  r = check_claim_proof(f.activities[3], "hello\n", key, witnesses);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("not a c2sp.org/tlog-proof@v1"), std::string::npos) << r.error();
  // An activity with no canonical form (a float) can never be an Art DAG log entry.
  Json floaty = f.activities[3];
  floaty["x"] = 1.5;
  r = check_claim_proof(floaty, f.proof(3, 5), key, witnesses);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("no canonical form"), std::string::npos) << r.error();
}

TEST(RemoteProof, EarliestTrustedCosignature) {
  RemoteLogFixture f;
  tlog::CosignatureSigner second{"d.test/witness", seed_key('\x55')};
  const std::string text = f.checkpoint_text(5);
  std::vector<tlog::VerifierKey> both{f.trusted.verifier_key(), second.verifier_key()};
  auto note =
      tlog::parse_note(f.log.sign(text) + f.trusted.signature_line(text, 300) +
                       second.signature_line(text, 200) + f.stranger.signature_line(text, 100));
  ASSERT_TRUE(note) << note.error();
  EXPECT_EQ(earliest_trusted_cosignature(*note, both), 200);
  EXPECT_EQ(earliest_trusted_cosignature(*note, f.witnesses()), 300);
  EXPECT_FALSE(earliest_trusted_cosignature(*note, {}));
  // A cosignature of another checkpoint does not verify for this one.
  auto moved = tlog::parse_note(f.log.sign(text) + second.signature_line(f.checkpoint_text(4), 50));
  ASSERT_TRUE(moved);
  EXPECT_FALSE(earliest_trusted_cosignature(*moved, both));
}

TEST(RemoteProof, TrustedWitnessesAreOursAndTheConfiguredOnes) {
  RemoteLogFixture f;
  tlog::CosignatureSigner other{"d.test/witness", seed_key('\x55')};
  const std::string setting =
      tlog::format_verifier_key(other.verifier_key()) + " https://d.test/log/witness";
  auto keys = trusted_witnesses(f.trusted.verifier_key(), setting);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0], f.trusted.verifier_key());
  EXPECT_EQ(keys[1], other.verifier_key());
  EXPECT_EQ(trusted_witnesses(f.trusted.verifier_key(), "").size(), 1u);
  EXPECT_THROW(trusted_witnesses(f.trusted.verifier_key(), "nonsense"), ConfigError);
}

// ---- the log in NodeInfo ----

TEST(RemoteProof, ClaimLogFromNodeInfo) {
  RemoteLogFixture f;
  const std::string key = tlog::format_verifier_key(f.log.verifier_key());
  Json nodeinfo{{"metadata",
                 {{"claimLog",
                   {{"prefix", "https://b.test/log"},
                    {"origin", "b.test/log"},
                    {"key", key},
                    {"witness_key", "b.test/witness+00000000+BA=="}}}}}};
  auto log = claim_log_from_nodeinfo(nodeinfo, "https://b.test");
  ASSERT_TRUE(log) << log.error();
  EXPECT_EQ(log->server, "https://b.test");
  EXPECT_EQ(log->prefix, "https://b.test/log");
  EXPECT_EQ(log->origin, "b.test/log");
  EXPECT_EQ(log->log_key, key);

  auto refused = [&](Json doc, const std::string& why) {
    auto r = claim_log_from_nodeinfo(doc, "https://b.test");
    ASSERT_FALSE(r) << why;
    EXPECT_NE(r.error().find(why), std::string::npos) << r.error();
  };
  refused(Json::array(), "not a JSON object");
  refused(Json{{"metadata", Json::object()}}, "names no claim log");
  Json elsewhere = nodeinfo;
  elsewhere["metadata"]["claimLog"]["prefix"] = "https://evil.test/log";
  refused(elsewhere, "is not on https://b.test");
  Json bad_key = nodeinfo;
  bad_key["metadata"]["claimLog"]["key"] = "garbage";
  refused(bad_key, "not a note verifier key");
  Json renamed = nodeinfo;
  renamed["metadata"]["claimLog"]["origin"] = "c.test/log";
  refused(renamed, "not the origin c.test/log");
  Json cosigner = nodeinfo;
  cosigner["metadata"]["claimLog"]["key"] = tlog::format_verifier_key(f.trusted.verifier_key());
  cosigner["metadata"]["claimLog"]["origin"] = "a.test/witness";
  refused(cosigner, "not an Ed25519 log key");
}

TEST(RemoteClaimProver, RetryDelaysGrowToAnHour) {
  EXPECT_EQ(RemoteClaimProver::retry_delay(0), 5);
  EXPECT_EQ(RemoteClaimProver::retry_delay(1), 10);
  EXPECT_EQ(RemoteClaimProver::retry_delay(2), 20);
  EXPECT_EQ(RemoteClaimProver::retry_delay(9), 2560);
  EXPECT_EQ(RemoteClaimProver::retry_delay(10), 3600);
  EXPECT_EQ(RemoteClaimProver::retry_delay(1000), 3600);
}

}  // namespace
}  // namespace artdag::services::claim_log
