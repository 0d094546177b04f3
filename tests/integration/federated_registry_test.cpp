// The federated registry between real server processes over loopback. A and B witness each
// other's claim logs (ARTDAG_WITNESS_FOR / ARTDAG_WITNESSES); ann on A and bob on B follow
// one another and both claim one content hash. Each server proves the other's claim in the
// background (NodeInfo → pinned log key → proof and evidence) and GET /claims/{hash} on both
// names the same earliest claim on the same evidence. A third server, C, trusts neither
// witness and is handed a tampered copy of bob's claim and one of an activity B never logged:
// the first is refuted with its reason, the second stays unproven. A lying server that rewrites
// its log is refused by its witness and its claims never win; `artdag-l2 claims --server`
// reproduces each verdict from outside. Runs once per backend.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <map>
#include <string>

#include "activitypub/canon.h"
#include "crypto/hash.h"
#include "harness.h"
#include "tlog/checkpoint.h"
#include "tlog/merkle.h"
#include "util/url.h"

namespace artdag::test {
namespace {

using namespace std::chrono_literals;

constexpr auto kProven = 90s;  // the prover retries after 5, 10, 20, ... s

// A note verifier key's name (a log key's name is its origin).
std::string key_name(const std::string& key) {
  return key.substr(0, key.find('+'));
}

Headers bearer(const std::string& token) {
  return {"Authorization: Bearer " + token, "Content-Type: application/json"};
}

std::string acct(ServerProcess& s, const std::string& user) {
  return "acct:" + user + "@127.0.0.1:" + std::to_string(s.port());
}

Json claims_of(ServerProcess& s, const std::string& hash) {
  auto r = http_request("GET", s.url("/claims/" + hash));
  if (r.status != 200) return Json::array();
  return r.json()["claims"];
}

// The claims by activity id, once there are `count` and each is proven and witnessed.
std::map<std::string, Json> settled(ServerProcess& s, const std::string& hash, std::size_t count) {
  std::map<std::string, Json> out;
  eventually(
      [&] {
        out.clear();
        const Json claims = claims_of(s, hash);
        for (const auto& c : claims)
          if (c["proven"] == true && c["evidence"] == "witnessed")
            out[c["activity_id"].get<std::string>()] = c;
        return claims.size() == count && out.size() == count;
      },
      kProven);
  return out;
}

std::string earliest_of(const std::map<std::string, Json>& claims) {
  std::string winner;
  int marked = 0;
  for (const auto& [id, c] : claims)
    if (c["earliest"] == true) {
      winner = id;
      ++marked;
    }
  EXPECT_EQ(marked, 1) << "exactly one claim is the earliest";
  return winner;
}

class FederatedRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (postgresql_unavailable())
      GTEST_SKIP() << "ARTDAG_TEST_PG_URL not set: PostgreSQL half skipped";
    auto [a, b] = witness_each_other(a_, b_);
    ASSERT_FALSE(HasFatalFailure());
    a_log_ = a.log;
    b_log_ = b.log;
    a_witness_ = a.witness;
  }
  void TearDown() override {
    if (HasFailure())
      std::cerr << "---- A ----\n"
                << a_.log() << "---- B ----\n"
                << b_.log() << "---- C ----\n"
                << c_.log();
  }

  // `user` on `from` follows `target` on `to`, and the Accept comes back.
  void follow(ServerProcess& from, const std::string& token, const std::string& user,
              ServerProcess& to, const std::string& target) {
    auto r = http_request("POST", from.url("/users/" + user + "/following"), bearer(token),
                          Json{{"target", acct(to, target)}}.dump());
    ASSERT_EQ(r.status, 202) << r.body;
    ASSERT_TRUE(eventually(
        [&] {
          auto f = http_request("GET", from.url("/users/" + user + "/follows"), bearer(token));
          return f.status == 200 && f.json()["following"].size() == 1 &&
                 f.json()["following"][0]["state"] == "accepted";
        },
        20s))
        << user << " never got the Accept";
  }

  Json claim(ServerProcess& s, const std::string& token, const std::string& name,
             const std::string& hash) {
    auto r =
        http_request("POST", s.url("/assets"), bearer(token),
                     Json{{"name", name}, {"content_hash", hash}, {"asset_type", "image"}}.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json()["activity"] : Json();
  }

  ServerProcess a_, b_, c_;
  std::string a_log_, b_log_, a_witness_;
};

TEST_F(FederatedRegistryTest, TwoWitnessingServersProveEachOthersClaimsAndAgree) {
  const std::string ann = register_user(a_, "ann");
  const std::string bob = register_user(b_, "bob");
  follow(a_, ann, "ann", b_, "bob");
  follow(b_, bob, "bob", a_, "ann");

  const std::string hash = crypto::sha3_256_hex("one work, two claims");
  const Json ann_claim = claim(a_, ann, "anns-work", hash);
  const Json bob_claim = claim(b_, bob, "bobs-work", hash);
  ASSERT_TRUE(ann_claim.is_object() && bob_claim.is_object());
  const std::string ann_id = ann_claim["id"], bob_id = bob_claim["id"];

  auto on_a = settled(a_, hash, 2);
  auto on_b = settled(b_, hash, 2);
  ASSERT_EQ(on_a.size(), 2u) << claims_of(a_, hash).dump(2);
  ASSERT_EQ(on_b.size(), 2u) << claims_of(b_, hash).dump(2);
  ASSERT_TRUE(on_a.count(ann_id) && on_a.count(bob_id)) << claims_of(a_, hash).dump(2);
  ASSERT_TRUE(on_b.count(ann_id) && on_b.count(bob_id)) << claims_of(b_, hash).dump(2);

  // Each server saw its own claim as local and the other's as remote ...
  EXPECT_EQ(on_a[ann_id]["local"], true);
  EXPECT_EQ(on_a[bob_id]["local"], false);
  EXPECT_EQ(on_b[bob_id]["local"], true);
  EXPECT_EQ(on_b[ann_id]["local"], false);
  EXPECT_EQ(on_a[ann_id]["actor"], a_.url("/users/ann"));
  EXPECT_EQ(on_a[bob_id]["actor"], b_.url("/users/bob"));
  EXPECT_EQ(on_a[ann_id]["log_origin"], key_name(a_log_));
  EXPECT_EQ(on_a[bob_id]["log_origin"], key_name(b_log_));
  // ... and both established the same facts of both claims, and the same winner.
  for (const auto& id : {ann_id, bob_id}) {
    for (const char* field : {"actor", "activity_id", "published", "log_origin", "log_index",
                              "proven", "first_cosigned_at", "evidence", "earliest"})
      EXPECT_EQ(on_a[id][field], on_b[id][field]) << id << " " << field;
    EXPECT_TRUE(on_a[id]["first_cosigned_at"].is_number_integer());
    EXPECT_EQ(on_a[id]["refuted"], nullptr);
  }
  const std::string winner = earliest_of(on_a);
  EXPECT_EQ(winner, earliest_of(on_b));
  const std::string loser = winner == ann_id ? bob_id : ann_id;
  EXPECT_LE(on_a[winner]["first_cosigned_at"].get<int64_t>(),
            on_a[loser]["first_cosigned_at"].get<int64_t>());

  // The proofs the answer links to are the remote log's own.
  auto proof = http_request("GET", on_a[bob_id]["proof_url"].get<std::string>());
  EXPECT_EQ(proof.status, 200);
  EXPECT_EQ(on_a[bob_id]["evidence_url"], b_.url("/log/evidence?id=" + encode_query_value(bob_id)));
  EXPECT_EQ(http_request("GET", on_a[bob_id]["evidence_url"].get<std::string>()).status, 200);

  // A remote claim never changes local ownership.
  auto asset = http_request("GET", a_.url("/assets/anns-work"));
  ASSERT_EQ(asset.status, 200);
  EXPECT_EQ(asset.json()["owner"], "ann");

  // B's log key was pinned on first use; the CLI shows it with the same verdict.
  {
    auto store = a_.open_store();
    auto pinned = store->find_remote_log(b_.base_url());
    ASSERT_TRUE(pinned);
    EXPECT_EQ(pinned->log_key, b_log_);
    EXPECT_EQ(pinned->prefix, b_.url("/log"));
  }
  std::string out;
  ASSERT_EQ(a_.run_command({"claims", hash}, &out), 0) << out;
  EXPECT_NE(out.find("claims of " + hash + ": 2"), std::string::npos) << out;
  EXPECT_NE(out.find(b_.base_url() + " " + b_log_), std::string::npos) << out;
  const auto earliest_line = out.find("* earliest  witnessed");
  ASSERT_NE(earliest_line, std::string::npos) << out;
  EXPECT_NE(out.find(winner, earliest_line), std::string::npos) << out;
  EXPECT_EQ(out.find("* earliest", earliest_line + 1), std::string::npos) << out;
  EXPECT_NE(a_.run_command({"claims", "not-a-hash"}, &out), 0);
  // From outside, every proof checked by the CLI itself: the same verdict on both servers.
  for (ServerProcess* server : {&a_, &b_}) {
    ASSERT_EQ(b_.run_command({"claims", hash, "--server", server->base_url()}, &out), 0) << out;
    EXPECT_NE(out.find("the server's verdict is reproduced"), std::string::npos) << out;
    const auto marked = out.find("* earliest  ");
    ASSERT_NE(marked, std::string::npos) << out;
    EXPECT_EQ(out.compare(marked + 12, winner.size(), winner), 0) << out;
  }

  // The asset page shows the other claim, which one is earliest and links to the proofs.
  auto page = http_request("GET", a_.url("/asset/anns-work"), {"Accept: text/html"});
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Claims of this hash"), std::string::npos);
  EXPECT_NE(page.body.find("href=\"" + b_.url("/users/bob") + "\""), std::string::npos);
  EXPECT_NE(page.body.find("class=\"earliest\""), std::string::npos);
  EXPECT_NE(page.body.find(b_.url("/log/proof?id=")), std::string::npos);

  // Bad input is a 400 with a detail; an unknown hash has no claims.
  auto bad = http_request("GET", a_.url("/claims/ABC"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(bad.json().contains("detail")) << bad.body;
  auto unknown = http_request("GET", a_.url("/claims/" + crypto::sha3_256_hex("nobody's")));
  EXPECT_EQ(unknown.status, 200);
  EXPECT_EQ(unknown.json()["claims"], Json::array());

  // C trusts neither witness and received two claims "from bob" that B's log does not prove:
  // a copy of bob's claim with an earlier `published`, and a Create B never logged.
  ASSERT_TRUE(c_.start()) << c_.log();
  Json tampered = bob_claim;
  tampered["published"] = "2020-01-01T00:00:00Z";
  const std::string unlogged_id = b_.url("/activities/00000000-0000-7000-8000-000000000000");
  Json unlogged = bob_claim;
  unlogged["id"] = unlogged_id;
  {
    auto store = c_.open_store();
    ASSERT_TRUE(store->record_remote_claim(
        {bob_id, b_.url("/users/bob"), b_.url("/objects/" + hash), hash, tampered.dump(), ""}));
    ASSERT_TRUE(
        store->record_remote_claim({unlogged_id, b_.url("/users/bob"), b_.url("/objects/" + hash),
                                    hash, unlogged.dump(), ""}));
  }
  Json on_c;
  ASSERT_TRUE(eventually(
      [&] {
        on_c = claims_of(c_, hash);
        return on_c.size() == 2 && on_c[0]["refuted"].is_string();
      },
      30s))
      << on_c.dump(2);
  EXPECT_EQ(on_c[0]["activity_id"], bob_id);
  EXPECT_EQ(on_c[0]["proven"], false);
  EXPECT_NE(on_c[0]["refuted"].get<std::string>().find("not proven"), std::string::npos)
      << on_c[0]["refuted"];
  EXPECT_EQ(on_c[1]["activity_id"], unlogged_id);
  EXPECT_EQ(on_c[1]["proven"], false);
  EXPECT_EQ(on_c[1]["refuted"], nullptr);  // B has no proof of it: asked again later
  for (const auto& c : on_c) {
    EXPECT_EQ(c["earliest"], false);
    EXPECT_EQ(c["evidence"], "self-asserted");
  }
  {
    auto store = c_.open_store();
    auto proofs = store->remote_claims_of_hash(hash);
    ASSERT_EQ(proofs.size(), 2u);
    EXPECT_GE(proofs[1].check_attempts, 1);
    EXPECT_GT(proofs[1].next_check_at, 0);
    EXPECT_NE(proofs[1].last_error.find("404"), std::string::npos) << proofs[1].last_error;
  }

  // Blocking the domain hides its claims (all three servers share 127.0.0.1).
  ASSERT_EQ(c_.run_command({"domain-block", "add", "127.0.0.1"}, &out), 0) << out;
  EXPECT_TRUE(eventually(
      [&] {
        auto r = http_request("GET", c_.url("/claims/" + hash));
        return r.status == 200 && r.json()["claims"].empty();
      },
      10s))
      << claims_of(c_, hash).dump(2);
}

// The third server lies. ann on A claims the hash first; lisa on L claims it later, and A (its
// witness) cosigns L's log with her claim in it. Then L rewrites its history to steal the
// earliest place: lisa's claim is back-dated in its database and its tree rebuilt from it.
// A refuses to cosign the fork (409 for an old size it never cosigned, 422 for a checkpoint
// inconsistent with the one it did); the claim as lisa first made it (what A's inbox received)
// is refuted at A; and B, handed the back-dated copy, proves it only on L's own word, so
// ann's witnessed claim stays the earliest. Both verdicts are reproduced from outside by
// `artdag-l2 claims --server`.
TEST_F(FederatedRegistryTest, AWitnessRefusesALyingLogAndItsBackDatedClaimNeverWins) {
  ServerProcess& liar = c_;
  ASSERT_TRUE(liar.start()) << liar.log();
  const std::string liar_log = served_line(liar, "/log/key");
  const std::string liar_origin = key_name(liar_log);
  // A witnesses L as well as B, and L submits its checkpoints to A.
  a_.stop();
  a_.env()["ARTDAG_WITNESS_FOR"] = b_log_ + "," + liar_log;
  ASSERT_TRUE(a_.start()) << a_.log();
  liar.stop();
  liar.env()["ARTDAG_WITNESSES"] = a_witness_ + " " + a_.url("/log/witness");
  ASSERT_TRUE(liar.start()) << liar.log();

  const std::string hash = crypto::sha3_256_hex("a work the liar wants");
  const std::string ann = register_user(a_, "ann");
  const Json ann_claim = claim(a_, ann, "anns-work", hash);
  ASSERT_TRUE(ann_claim.is_object());
  ASSERT_EQ(settled(a_, hash, 1).size(), 1u) << claims_of(a_, hash).dump(2);

  const std::string lisa = register_user(liar, "lisa");
  const Json honest = claim(liar, lisa, "lisas-work", hash);
  ASSERT_TRUE(honest.is_object());
  const std::string lisa_id = honest["id"];
  const std::string a_witness_line = "\xE2\x80\x94 " + key_name(a_witness_) + " ";
  // L's checkpoint with her claim in it (size 1 and up), cosigned by A.
  ASSERT_TRUE(eventually(
      [&] {
        auto r = http_request("GET", liar.url("/log/checkpoint"));
        auto body = tlog::parse_checkpoint(r.body.substr(0, r.body.find("\n\n") + 1));
        return r.status == 200 && body && body->size >= 1 &&
               r.body.find(a_witness_line) != std::string::npos;
      },
      30s))
      << liar.log();
  const auto cosigned = a_.open_store()->witnessed_checkpoint(liar_origin);
  ASSERT_TRUE(cosigned);
  ASSERT_GE(cosigned->size, 1);

  // The lie: the claim back-dated in L's database, its log rebuilt from the rewritten entries.
  liar.stop();
  Json backdated = honest;
  backdated["published"] = "2020-01-01T00:00:00Z";
  for (const std::string& sql :
       {"UPDATE activities SET json = '" + activitypub::canonical_json(backdated) +
            "' WHERE activity_id = '" + lisa_id + "'",
        std::string("UPDATE log_state SET size = 0, lease_owner = '', lease_until = 0"),
        std::string("DELETE FROM log_checkpoints"), std::string("DELETE FROM log_cosignatures"),
        std::string("DELETE FROM log_tiles"), std::string("DELETE FROM log_leaves")})
    run_sql(liar, sql);
  ASSERT_FALSE(HasFailure());
  ASSERT_TRUE(liar.start()) << liar.log();
  std::string forked;
  ASSERT_TRUE(eventually(
      [&] {
        auto r = http_request("GET", liar.url("/log/checkpoint"));
        forked = r.body;
        return r.status == 200;
      },
      10s))
      << liar.log();
  const auto forked_body = tlog::parse_checkpoint(forked.substr(0, forked.find("\n\n") + 1));
  ASSERT_TRUE(forked_body) << forked;
  ASSERT_EQ(static_cast<int64_t>(forked_body->size), cosigned->size) << forked;
  ASSERT_NE(tlog::hash_hex(forked_body->root), cosigned->root_hex) << "not a fork";

  // A refuses the forked checkpoint however it is put, and keeps what it cosigned.
  auto submit = [&](const std::string& old_size) {
    return http_request("POST", a_.url("/log/witness/add-checkpoint"), {},
                        "old " + old_size + "\n\n" + forked);
  };
  auto stale = submit("0");
  EXPECT_EQ(stale.status, 409) << stale.body;
  EXPECT_EQ(stale.header("content-type"), "text/x.tlog.size");
  EXPECT_EQ(stale.body, std::to_string(cosigned->size) + "\n");
  auto inconsistent = submit(std::to_string(cosigned->size));
  EXPECT_EQ(inconsistent.status, 422) << inconsistent.body;
  const auto kept = a_.open_store()->witnessed_checkpoint(liar_origin);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->root_hex, cosigned->root_hex);
  EXPECT_EQ(http_request("GET", liar.url("/log/checkpoint")).body.find(a_witness_line),
            std::string::npos)
      << "A cosigned the fork";

  // A received lisa's claim as she made it; L's log no longer holds it: refuted.
  ASSERT_TRUE(a_.open_store()->record_remote_claim(
      {lisa_id, liar.url("/users/lisa"), liar.url("/objects/" + hash), hash, honest.dump(), ""}));
  Json on_a;
  ASSERT_TRUE(eventually(
      [&] {
        on_a = claims_of(a_, hash);
        return on_a.size() == 2 && on_a[1]["refuted"].is_string();
      },
      kProven))
      << on_a.dump(2);
  EXPECT_EQ(on_a[1]["activity_id"], lisa_id);
  EXPECT_EQ(on_a[1]["proven"], false);
  EXPECT_EQ(on_a[1]["earliest"], false);
  EXPECT_EQ(on_a[0]["activity_id"], ann_claim["id"]);
  EXPECT_EQ(on_a[0]["earliest"], true);

  // B is handed the back-dated copy (and ann's claim): proven on L's word only, it loses.
  {
    auto store = b_.open_store();
    ASSERT_TRUE(
        store->record_remote_claim({lisa_id, liar.url("/users/lisa"), liar.url("/objects/" + hash),
                                    hash, backdated.dump(), ""}));
    ASSERT_TRUE(
        store->record_remote_claim({ann_claim["id"], a_.url("/users/ann"),
                                    a_.url("/objects/" + hash), hash, ann_claim.dump(), ""}));
  }
  Json on_b;
  ASSERT_TRUE(eventually(
      [&] {
        on_b = claims_of(b_, hash);
        int proven = 0;
        for (const auto& c : on_b) proven += c["proven"] == true;
        return on_b.size() == 2 && proven == 2 && on_b[0]["evidence"] != on_b[1]["evidence"];
      },
      kProven))
      << on_b.dump(2);
  for (const auto& c : on_b) {
    const bool is_lisa = c["activity_id"] == lisa_id;
    EXPECT_EQ(c["evidence"], is_lisa ? "self-asserted" : "witnessed") << c.dump();
    EXPECT_EQ(c["earliest"], !is_lisa) << c.dump();
    if (is_lisa) {
      EXPECT_EQ(c["published"], "2020-01-01T00:00:00Z");
    }
  }

  // From outside, with the project's verifier code only: both verdicts are reproduced.
  for (ServerProcess* server : {&a_, &b_}) {
    std::string out;
    EXPECT_EQ(a_.run_command({"claims", hash, "--server", server->base_url()}, &out), 0) << out;
    EXPECT_NE(out.find("the server's verdict is reproduced"), std::string::npos) << out;
    EXPECT_NE(out.find(liar_origin), std::string::npos) << out;
  }
  // Trusting another witness than B does, the CLI does not reach B's verdict, and says so.
  std::string out;
  EXPECT_EQ(a_.run_command({"claims", hash, "--server", b_.base_url(), "--witness",
                            served_line(liar, "/log/witness/key")},
                           &out),
            1)
      << out;
  EXPECT_NE(out.find("DISAGREES"), std::string::npos) << out;
  EXPECT_NE(out.find("the server's verdict is NOT reproduced"), std::string::npos) << out;
  // Bad input: no server there, a --witness that is no key, --witness without --server.
  EXPECT_EQ(a_.run_command({"claims", hash, "--server", "http://127.0.0.1:1"}, &out), 1) << out;
  EXPECT_EQ(
      a_.run_command({"claims", hash, "--server", b_.base_url(), "--witness", "nonsense"}, &out), 1)
      << out;
  EXPECT_NE(out.find("does not parse"), std::string::npos) << out;
  EXPECT_EQ(a_.run_command({"claims", hash, "--witness", a_witness_}, &out), 1) << out;
  EXPECT_EQ(a_.run_command({"claims", "ABC", "--server", b_.base_url()}, &out), 1) << out;
}

}  // namespace
}  // namespace artdag::test
