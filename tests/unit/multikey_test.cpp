// FEP-521a Multikey for Ed25519 and the base58btc underneath, against the W3C
// vc-di-eddsa key pair (tests/data/eddsa-jcs-2022/keyPair.json).
#include "activitypub/multikey.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "crypto/hash.h"
#include "util/base58.h"

namespace ap = artdag::activitypub;
using nlohmann::json;

namespace {

json load_key_pair() {
  std::ifstream in(ARTDAG_TEST_DATA_DIR "/eddsa-jcs-2022/keyPair.json");
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

const char* kSeedHex = "c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6";
const char* kActor = "https://server.example/users/alice";

std::string from_hex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  return out;
}

TEST(Base58, KnownValues) {
  EXPECT_EQ(artdag::base58btc_encode(""), "");
  EXPECT_EQ(artdag::base58btc_encode("Hello World!"), "2NEpo7TZRRrLZSi2U");
  EXPECT_EQ(artdag::base58btc_encode(std::string("\0\0\x01", 3)), "112");
  EXPECT_EQ(*artdag::base58btc_decode("2NEpo7TZRRrLZSi2U"), "Hello World!");
  EXPECT_EQ(*artdag::base58btc_decode("112"), std::string("\0\0\x01", 3));
  EXPECT_FALSE(artdag::base58btc_decode("0OIl"));  // not in the alphabet
  EXPECT_FALSE(artdag::base58btc_decode(std::string(400, 'z')));
  EXPECT_THROW(artdag::base58btc_encode(std::string(300, 'x')), std::length_error);
}

TEST(Multikey, EncodesTheVectorKey) {
  const json pair = load_key_pair();
  // The private multibase is multicodec ed25519-priv (0x80 0x26) + the seed.
  const auto private_bytes =
      artdag::base58btc_decode(pair["privateKeyMultibase"].get<std::string>().substr(1));
  ASSERT_TRUE(private_bytes);
  EXPECT_EQ(artdag::crypto::hex_encode(private_bytes->substr(0, 2)), "8026");
  EXPECT_EQ(artdag::crypto::hex_encode(private_bytes->substr(2)), kSeedHex);

  const auto key = artdag::crypto::Ed25519Key::from_seed(from_hex(kSeedHex));
  const std::string multibase = ap::ed25519_public_key_multibase(key.public_key());
  EXPECT_EQ(multibase, pair["publicKeyMultibase"]);
  EXPECT_EQ(multibase.substr(0, 4), "z6Mk");
  const auto decoded = ap::parse_ed25519_public_key_multibase(multibase);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, key.public_key());
}

TEST(Multikey, RefusesOtherMultibases) {
  const auto key = artdag::crypto::Ed25519Key::from_seed(from_hex(kSeedHex));
  const std::string good = ap::ed25519_public_key_multibase(key.public_key());
  EXPECT_FALSE(ap::parse_ed25519_public_key_multibase("u" + good.substr(1)));  // not base58btc
  EXPECT_FALSE(ap::parse_ed25519_public_key_multibase(good.substr(0, good.size() - 1)));
  EXPECT_FALSE(ap::parse_ed25519_public_key_multibase(""));
  EXPECT_FALSE(ap::parse_ed25519_public_key_multibase("z"));
  // An X25519 key (multicodec 0xec 0x01) of the same bytes is not an Ed25519 key.
  const std::string x25519 = std::string("\xec\x01", 2) + key.public_key_bytes();
  EXPECT_FALSE(ap::parse_ed25519_public_key_multibase("z" + artdag::base58btc_encode(x25519)));
}

TEST(Multikey, BuildsTheAssertionMethodEntry) {
  const auto key = artdag::crypto::Ed25519Key::from_seed(from_hex(kSeedHex));
  const json entry = ap::ed25519_multikey_entry(kActor, key.public_key());
  EXPECT_EQ(entry, json::parse(R"({"id": "https://server.example/users/alice#ed25519-key",
      "type": "Multikey", "controller": "https://server.example/users/alice",
      "publicKeyMultibase": "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"})"));
}

TEST(Multikey, ReadsKeysFromAnActor) {
  const auto key = artdag::crypto::Ed25519Key::from_seed(from_hex(kSeedHex));
  const json entry = ap::ed25519_multikey_entry(kActor, key.public_key());
  json actor = {{"id", kActor}, {"assertionMethod", json::array({entry})}};
  auto keys = ap::ed25519_assertion_keys(actor);
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].id, std::string(kActor) + "#ed25519-key");
  EXPECT_EQ(keys[0].key, key.public_key());
  EXPECT_TRUE(ap::find_ed25519_assertion_key(actor, keys[0].id));
  EXPECT_FALSE(ap::find_ed25519_assertion_key(actor, std::string(kActor) + "#other"));

  actor["assertionMethod"] = entry;  // a single object
  EXPECT_EQ(ap::ed25519_assertion_keys(actor).size(), 1u);

  json foreign = entry;  // controlled by someone else
  foreign["controller"] = "https://evil.example/users/mallory";
  json other_type = entry;
  other_type["type"] = "JsonWebKey";
  actor["assertionMethod"] = json::array({foreign, other_type, entry["id"], 42, nullptr});
  EXPECT_TRUE(ap::ed25519_assertion_keys(actor).empty());

  EXPECT_TRUE(ap::ed25519_assertion_keys(json::array()).empty());
  EXPECT_TRUE(ap::ed25519_assertion_keys(json{{"assertionMethod", entry}}).empty());  // no id
}

}  // namespace
