#include "activitypub/multikey.h"

#include "util/base58.h"

namespace artdag::activitypub {

namespace {

// The multicodec prefix of an Ed25519 public key (0xed as an unsigned varint).
constexpr char kEd25519Prefix[] = {'\xed', '\x01'};

const std::string* string_member(const nlohmann::json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return nullptr;
  return &it->get_ref<const std::string&>();
}

}  // namespace

std::string ed25519_public_key_multibase(const crypto::Ed25519PublicKey& key) {
  std::string bytes(kEd25519Prefix, sizeof kEd25519Prefix);
  bytes.append(reinterpret_cast<const char*>(key.data()), key.size());
  return "z" + base58btc_encode(bytes);
}

std::optional<crypto::Ed25519PublicKey> parse_ed25519_public_key_multibase(std::string_view text) {
  if (text.empty() || text.front() != 'z') return std::nullopt;
  const auto bytes = base58btc_decode(text.substr(1));
  if (!bytes || bytes->size() != sizeof kEd25519Prefix + 32 || (*bytes)[0] != kEd25519Prefix[0] ||
      (*bytes)[1] != kEd25519Prefix[1])
    return std::nullopt;
  crypto::Ed25519PublicKey key;
  if (!crypto::ed25519_public_key_from_bytes(std::string_view(*bytes).substr(2), key))
    return std::nullopt;
  return key;
}

std::string ed25519_key_id(std::string_view actor_id, int generation) {
  if (generation > 1) return std::string(actor_id) + "#ed25519-key-" + std::to_string(generation);
  return std::string(actor_id) + "#ed25519-key";
}

nlohmann::json ed25519_multikey_entry(std::string_view actor_id,
                                      const crypto::Ed25519PublicKey& key, int generation) {
  return {{"id", ed25519_key_id(actor_id, generation)},
          {"type", "Multikey"},
          {"controller", std::string(actor_id)},
          {"publicKeyMultibase", ed25519_public_key_multibase(key)}};
}

std::vector<AssertionKey> ed25519_assertion_keys(const nlohmann::json& actor) {
  std::vector<AssertionKey> keys;
  if (!actor.is_object()) return keys;
  const std::string* actor_id = string_member(actor, "id");
  const auto methods = actor.find("assertionMethod");
  if (!actor_id || methods == actor.end()) return keys;
  auto consider = [&](const nlohmann::json& entry) {
    if (!entry.is_object()) return;  // a bare reference: would need a fetch
    const std::string* type = string_member(entry, "type");
    const std::string* id = string_member(entry, "id");
    const std::string* controller = string_member(entry, "controller");
    const std::string* multibase = string_member(entry, "publicKeyMultibase");
    if (!type || *type != "Multikey" || !id || !controller || *controller != *actor_id ||
        !multibase)
      return;
    if (auto key = parse_ed25519_public_key_multibase(*multibase)) keys.push_back({*id, *key});
  };
  if (methods->is_array()) {
    std::size_t seen = 0;
    for (const auto& entry : *methods) {
      if (++seen > kMaxAssertionMethods) break;
      consider(entry);
    }
  } else {
    consider(*methods);
  }
  return keys;
}

std::optional<crypto::Ed25519PublicKey> find_ed25519_assertion_key(const nlohmann::json& actor,
                                                                   std::string_view key_id) {
  for (const auto& key : ed25519_assertion_keys(actor))
    if (key.id == key_id) return key.key;
  return std::nullopt;
}

}  // namespace artdag::activitypub
