#pragma once
// FEP-521a actor keys as W3C Controlled Identifiers `Multikey`s, for Ed25519:
// publicKeyMultibase = "z" + base58btc(0xed 0x01 || the 32-byte key), which starts "z6Mk".
// Pure code: no I/O.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/ed25519_key.h"

namespace artdag::activitypub {

// The JSON-LD context that defines Multikey and assertionMethod.
inline constexpr std::string_view kMultikeyContext = "https://www.w3.org/ns/cid/v1";

// "z6Mk..." for a key.
std::string ed25519_public_key_multibase(const crypto::Ed25519PublicKey& key);
// The key in a publicKeyMultibase value; std::nullopt unless it is "z", base58btc, the
// ed25519-pub multicodec prefix 0xed 0x01 and exactly 32 key bytes.
std::optional<crypto::Ed25519PublicKey> parse_ed25519_public_key_multibase(std::string_view text);

// "<actor>#ed25519-key": the id under which an actor's Ed25519 key is published; a rotated
// key generation n > 1 is "<actor>#ed25519-key-{n}".
std::string ed25519_key_id(std::string_view actor_id, int generation = 1);

// {"id": ed25519_key_id(actor, generation), "type": "Multikey", "controller": "<actor>",
//  "publicKeyMultibase": "z6Mk..."}: one entry of the actor's `assertionMethod` array.
nlohmann::json ed25519_multikey_entry(std::string_view actor_id,
                                      const crypto::Ed25519PublicKey& key, int generation = 1);

struct AssertionKey {
  std::string id;  // the Multikey's id, what a proof's verificationMethod names
  crypto::Ed25519PublicKey key;
};

// The Ed25519 Multikeys in `actor`'s `assertionMethod` (an array or a single object): only
// embedded objects with `type` "Multikey", a string `id`, `controller` equal to the actor's
// `id` and a valid Ed25519 publicKeyMultibase. References by bare id and other key types
// are skipped, as are entries past the first kMaxAssertionMethods. Never throws.
std::vector<AssertionKey> ed25519_assertion_keys(const nlohmann::json& actor);

// The key with `key_id` among ed25519_assertion_keys(actor), if any.
std::optional<crypto::Ed25519PublicKey> find_ed25519_assertion_key(const nlohmann::json& actor,
                                                                   std::string_view key_id);

inline constexpr std::size_t kMaxAssertionMethods = 16;

}  // namespace artdag::activitypub
