// RFC 8785 JCS over whatever nlohmann::json parses: canonicalising never throws, and the
// canonical form parses back to a value with the same canonical form. A proof made over
// the value verifies; the same value changed does not.
#include <nlohmann/json.hpp>

#include "activitypub/integrity_proof.h"
#include "activitypub/jcs.h"
#include "fuzz_common.h"

namespace {

namespace ap = artdag::activitypub;

const artdag::crypto::Ed25519Key& key() {
  static const auto k = artdag::crypto::Ed25519Key::from_seed(std::string(32, '\x07'));
  return k;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
  if (value.is_discarded()) return 0;
  const auto canonical = ap::jcs(value);
  if (!canonical) return 0;
  const nlohmann::json again = nlohmann::json::parse(*canonical, nullptr, false);
  FUZZ_CHECK(!again.is_discarded());
  const auto canonical_again = ap::jcs(again);
  FUZZ_CHECK(canonical_again && *canonical_again == *canonical);

  if (!value.is_object()) return 0;
  const auto resolve = [](std::string_view) -> std::optional<artdag::crypto::Ed25519PublicKey> {
    return key().public_key();
  };
  nlohmann::json doc = value;
  doc.erase("proof");
  const auto signed_doc =
      ap::add_integrity_proof(doc, key(), {"https://a.example/k", "2024-01-01T00:00:00Z"});
  const auto verified = ap::verify_integrity_proof(signed_doc, resolve);
  // A proof @context that is not a prefix of itself cannot happen; anything else must verify.
  FUZZ_CHECK(verified.ok());
  nlohmann::json changed = signed_doc;
  changed["proof"]["created"] = "2024-01-01T00:00:01Z";
  FUZZ_CHECK(!ap::verify_integrity_proof(changed, resolve).ok());
  return 0;
}
