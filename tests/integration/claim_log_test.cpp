// The claim log against the real binary, on both backends: a client built only on the
// project's verifier code (tlog/, activitypub/) audits every entry from the checkpoint and
// tiles; the log stays consistent across more writes, a SIGKILL in the middle of writes and
// restarts; two processes on one PostgreSQL publish one log; log-monitor catches a tampered
// entry; bad tile paths are 4xx.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "activitypub/canon.h"
#include "activitypub/ld_signature.h"
#include "crypto/hash.h"
#include "crypto/rsa_key.h"
#include "harness.h"
#include "tlog/checkpoint.h"
#include "tlog/merkle.h"
#include "tlog/note.h"
#include "tlog/proof.h"
#include "tlog/tiles.h"

namespace artdag::test {
namespace {

using namespace std::chrono_literals;

HttpResult post_asset(ServerProcess& server, const std::string& token, const std::string& name) {
  return http_request(
      "POST", server.url("/assets"),
      {"Content-Type: application/json", "Authorization: Bearer " + token},
      Json{{"name", name}, {"content_hash", crypto::sha3_256_hex(name)}, {"asset_type", "image"}}
          .dump());
}

// `count` registrations from `threads` clients at once; returns the 201 answers' bodies.
std::vector<Json> register_many(ServerProcess& server, const std::string& token,
                                const std::string& prefix, int count, int threads = 4) {
  std::vector<Json> answers(static_cast<std::size_t>(count));
  std::atomic<int> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (int i = next++; i < count; i = next++) {
        auto r = post_asset(server, token, prefix + std::to_string(i));
        if (r.status == 201) answers[static_cast<std::size_t>(i)] = r.json();
      }
    });
  for (auto& th : pool) th.join();
  return answers;
}

// What an outside auditor does, with nothing but HTTP and the pure verifier code.
struct Auditor {
  ServerProcess& server;
  tlog::VerifierKey key;

  explicit Auditor(ServerProcess& s) : server(s) {
    auto r = http_request("GET", s.url("/log/key"));
    EXPECT_EQ(r.status, 200);
    std::string text = r.body;
    while (!text.empty() && text.back() == '\n') text.pop_back();
    auto parsed = tlog::parse_verifier_key(text);
    EXPECT_TRUE(parsed) << parsed.error();
    if (parsed) key = *parsed;
  }

  std::optional<tlog::Checkpoint> checkpoint(std::string* note_text = nullptr) {
    auto r = http_request("GET", server.url("/log/checkpoint"));
    if (r.status != 200) return std::nullopt;
    EXPECT_EQ(r.header("cache-control"), "max-age=1");
    auto note = tlog::parse_note(r.body);
    EXPECT_TRUE(note) << note.error();
    if (!note) return std::nullopt;
    const tlog::VerifierKey trusted[] = {key};
    EXPECT_EQ(tlog::verify_note(*note, trusted), tlog::NoteVerdict::verified);
    auto parsed = tlog::parse_checkpoint(note->text);
    EXPECT_TRUE(parsed);
    if (note_text) *note_text = r.body;
    return parsed ? std::optional(*parsed) : std::nullopt;
  }

  // Waits until the published checkpoint holds at least `size` entries.
  tlog::Checkpoint wait_for(uint64_t size) {
    std::optional<tlog::Checkpoint> latest;
    EXPECT_TRUE(eventually(
        [&] {
          latest = checkpoint();
          return latest && latest->size >= size;
        },
        10s))
        << "the checkpoint did not reach " << size;
    return latest.value_or(tlog::Checkpoint{});
  }

  std::string get(const std::string& path) {
    auto r = http_request("GET", server.url("/log/" + path));
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    return r.body;
  }

  // Every entry of the tree of `size`: re-hashed here, so the root is the auditor's own.
  std::vector<std::string> entries(uint64_t size) {
    std::vector<std::string> out;
    for (uint64_t bundle = 0; bundle * 256 < size; ++bundle) {
      const auto width = static_cast<unsigned>(std::min<uint64_t>(256, size - bundle * 256));
      auto decoded = tlog::decode_entry_bundle(get(tlog::tile_path({-1, bundle, width})), width);
      EXPECT_TRUE(decoded) << decoded.error();
      if (decoded) out.insert(out.end(), decoded->begin(), decoded->end());
    }
    return out;
  }
};

class ClaimLog : public ::testing::Test {
 protected:
  void SetUp() override {
    if (postgresql_unavailable()) GTEST_SKIP() << "PostgreSQL not available";
  }
};

TEST_F(ClaimLog, AnAuditorChecksEveryEntryFromTheCheckpointAndTiles) {
  ServerProcess server({{"DATABASE_URL", fresh_database_url()}});
  ASSERT_TRUE(server.start()) << server.log();
  const std::string token = register_user(server, "logalice");
  auto answers = register_many(server, token, "entry-", 300);  // across a full tile
  Auditor auditor(server);
  const auto checkpoint = auditor.wait_for(300);
  EXPECT_EQ(checkpoint.origin, auditor.key.name);
  ASSERT_EQ(checkpoint.size, 300u);

  // The entries hash to the signed root, each is a claim that verifies with its actor's key,
  // and no content hash is claimed twice.
  auto entries = auditor.entries(checkpoint.size);
  ASSERT_EQ(entries.size(), 300u);
  tlog::MemoryTree tree;
  std::set<std::string> hashes;
  auto actor =
      http_request("GET", server.url("/users/logalice"), {"Accept: application/activity+json"});
  auto key =
      crypto::RsaKey::from_public_pem(actor.json()["publicKey"]["publicKeyPem"].get<std::string>());
  for (const auto& entry : entries) {
    tree.append_entry(entry);
    Json activity = Json::parse(entry);
    EXPECT_EQ(activitypub::canonical_json(activity), entry);
    EXPECT_TRUE(activitypub::verify_claim(activity, key).valid);
    EXPECT_TRUE(hashes.insert(activity["object"]["contentHash"]["value"]).second);
  }
  EXPECT_EQ(tree.root(), checkpoint.root);

  // The level-0 tiles are the leaf hashes; full tiles are immutable.
  auto full = http_request("GET", server.url("/log/tile/0/000"));
  ASSERT_EQ(full.status, 200);
  EXPECT_NE(full.header("cache-control").find("immutable"), std::string::npos);
  auto tile = tlog::parse_tile_bytes(full.body);
  ASSERT_TRUE(tile);
  for (unsigned i = 0; i < 256; ++i) EXPECT_EQ((*tile)[i], tree.leaf(i));

  // Every registration's proof_url, and the proof by id, prove its own activity.
  for (const auto& answer : answers) {
    ASSERT_TRUE(answer.is_object());
    const std::string proof_url = answer["proof_url"];
    auto proof_text = http_request("GET", proof_url);
    ASSERT_EQ(proof_text.status, 200) << proof_text.body;
    auto proof = tlog::parse_tlog_proof(proof_text.body);
    ASSERT_TRUE(proof) << proof.error();
    EXPECT_EQ(proof->index, answer["asset"]["activity_index"].get<uint64_t>());
    auto proven = tlog::verify_tlog_proof(*proof, activitypub::canonical_json(answer["activity"]),
                                          auditor.key);
    EXPECT_TRUE(proven) << proven.error();
  }
  const std::string id = answers[7]["activity"]["id"];
  auto by_id = http_request("GET", server.url("/log/proof?id=" + id));
  ASSERT_EQ(by_id.status, 200);
  EXPECT_EQ(by_id.body, http_request("GET", answers[7]["proof_url"]).body);

  // NodeInfo names the log.
  auto nodeinfo = http_request("GET", server.url("/nodeinfo/2.1"));
  auto meta = nodeinfo.json()["metadata"]["claimLog"];
  EXPECT_EQ(meta["prefix"], server.url("/log"));
  EXPECT_EQ(meta["origin"], auditor.key.name);
  EXPECT_EQ(meta["key"], tlog::format_verifier_key(auditor.key));
  EXPECT_TRUE(tlog::parse_verifier_key(meta["witness_key"].get<std::string>()));

  // `verify --log` proves a claim is in the log; `--proof` does it offline.
  const auto dir = server.data_dir();
  std::ofstream(dir / "claim.json") << answers[3]["activity"].dump();
  std::ofstream(dir / "claim.proof") << http_request("GET", answers[3]["proof_url"]).body;
  std::string out;
  EXPECT_EQ(server.run_command({"verify", (dir / "claim.json").string(), "--actor",
                                server.url("/users/logalice"), "--log", server.url("/log")},
                               &out),
            0)
      << out;
  EXPECT_NE(out.find("in the claim log at index"), std::string::npos) << out;
  EXPECT_EQ(
      server.run_command({"verify", (dir / "claim.json").string(), "--actor",
                          server.url("/users/logalice"), "--proof", (dir / "claim.proof").string(),
                          "--log-key", tlog::format_verifier_key(auditor.key)},
                         &out),
      0)
      << out;
  // Another claim's proof does not prove this one.
  std::ofstream(dir / "other.proof") << http_request("GET", answers[4]["proof_url"]).body;
  EXPECT_EQ(
      server.run_command({"verify", (dir / "claim.json").string(), "--actor",
                          server.url("/users/logalice"), "--proof", (dir / "other.proof").string(),
                          "--log-key", tlog::format_verifier_key(auditor.key)},
                         &out),
      1)
      << out;
}

TEST_F(ClaimLog, BadTilePathsAndUnknownEntriesAreFourHundreds) {
  ServerProcess server({{"DATABASE_URL", fresh_database_url()}});
  ASSERT_TRUE(server.start()) << server.log();
  const std::string token = register_user(server, "tiles");
  register_many(server, token, "t-", 5, 1);
  Auditor auditor(server);
  auditor.wait_for(5);
  EXPECT_EQ(http_request("GET", server.url("/log/tile/0/000.p/5")).status, 200);
  EXPECT_EQ(http_request("GET", server.url("/log/tile/entries/000.p/5")).status, 200);
  for (const char* bad : {"/log/tile/0/0", "/log/tile/0/x000/000", "/log/tile/0/000.p/0",
                          "/log/tile/0/000.p/256", "/log/tile/0/000.p/05", "/log/tile/64/000",
                          "/log/tile/-1/000", "/log/tile/0/abc", "/log/tile/entries/1"}) {
    auto r = http_request("GET", server.url(bad));
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
  }
  for (const char* missing :
       {"/log/tile/0/000", "/log/tile/0/001", "/log/tile/0/000.p/6", "/log/tile/1/000.p/1",
        "/log/tile/entries/000", "/log/proof/5", "/log/proof/999999999999", "/log/proof/-1"}) {
    auto r = http_request("GET", server.url(missing));
    EXPECT_EQ(r.status, 404) << missing << ": " << r.body;
  }
  EXPECT_EQ(http_request("GET", server.url("/log/proof?id=nonsense")).status, 404);
  EXPECT_EQ(http_request("GET", server.url("/log/proof")).status, 400);
}

// Changes the JSON of activity `index` straight in the server's database.
void tamper_with_activity(ServerProcess& server, int64_t index, const std::string& json) {
  run_sql(server,
          "UPDATE activities SET json = '" + json + "' WHERE idx = " + std::to_string(index));
}

TEST_F(ClaimLog, StaysConsistentAcrossWritesKillsAndRestartsAndCatchesTampering) {
  ServerProcess server({{"DATABASE_URL", fresh_database_url()}});
  ASSERT_TRUE(server.start()) << server.log();
  const std::string token = register_user(server, "steady");
  register_many(server, token, "a-", 40);
  Auditor auditor(server);
  auditor.wait_for(40);
  const std::string key = tlog::format_verifier_key(auditor.key);
  const std::string state = (server.data_dir() / "monitor.state").string();
  std::string out;
  ASSERT_EQ(server.run_command(
                {"log-monitor", server.url("/log"), "--log-key", key, "--state", state}, &out),
            0)
      << out;

  // SIGKILL while registrations are in flight, then a restart: the log catches up and every
  // checkpoint seen is consistent with the last one.
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) post_asset(server, token, "k-" + std::to_string(i));
  });
  std::this_thread::sleep_for(700ms);
  server.stop(SIGKILL);
  stop = true;
  writer.join();
  ASSERT_TRUE(server.start()) << server.log();
  register_many(server, token, "b-", 30);
  auto store = server.open_store();
  const auto length = static_cast<uint64_t>(store->log_length());
  auditor.wait_for(length);
  ASSERT_EQ(server.run_command(
                {"log-monitor", server.url("/log"), "--log-key", key, "--state", state}, &out),
            0)
      << out;
  EXPECT_NE(out.find("consistent: size 40 -> "), std::string::npos) << out;

  // A claim rewritten in the database is caught by the next monitoring run.
  register_many(server, token, "c-", 3, 1);
  auditor.wait_for(length + 3);
  auto target = store->find_activity(static_cast<int64_t>(length + 1));
  ASSERT_TRUE(target);
  Json forged = Json::parse(target->json);
  forged["published"] = "2000-01-01T00:00:00Z";  // back-dated
  tamper_with_activity(server, target->index, activitypub::canonical_json(forged));
  EXPECT_EQ(server.run_command(
                {"log-monitor", server.url("/log"), "--log-key", key, "--state", state}, &out),
            1)
      << out;
  EXPECT_NE(out.find("entry " + std::to_string(length + 1)), std::string::npos) << out;
}

TEST_F(ClaimLog, TwoProcessesOnOnePostgresqlPublishOneLog) {
  if (!using_postgresql()) GTEST_SKIP() << "a PostgreSQL test";
  const std::string database = fresh_database_url();
  ServerProcess first({{"DATABASE_URL", database}});
  ASSERT_TRUE(first.start()) << first.log();
  // The second process shares the first one's keys: one log, one identity.
  ServerProcess second({{"DATABASE_URL", database},
                        {"ARTDAG_DATA", first.data_dir().string()},
                        {"ARTDAG_BASE_URL", first.base_url()},
                        {"ARTDAG_DOMAIN", "127.0.0.1:" + std::to_string(first.port())}});
  ASSERT_TRUE(second.start()) << second.log();
  const std::string token = register_user(first, "twoproc");
  std::thread a([&] { register_many(first, token, "p1-", 60, 2); });
  std::thread b([&] { register_many(second, token, "p2-", 60, 2); });
  a.join();
  b.join();
  Auditor auditor(first);
  auto checkpoint = auditor.wait_for(120);
  EXPECT_EQ(checkpoint.size, 120u);
  tlog::MemoryTree tree;
  for (const auto& entry : auditor.entries(checkpoint.size)) tree.append_entry(entry);
  EXPECT_EQ(tree.root(), checkpoint.root);
  std::string note_first, note_second;
  Auditor other(second);
  auditor.checkpoint(&note_first);
  other.checkpoint(&note_second);
  EXPECT_EQ(note_first, note_second);
}

}  // namespace
}  // namespace artdag::test
