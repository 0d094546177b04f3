#include "activitypub/ld_signature.h"

#include <stdexcept>

#include "activitypub/canon.h"
#include "crypto/hash.h"

namespace artdag::activitypub {

namespace {

constexpr char kSignatureType[] = "RsaSignature2017";
constexpr char kSecurityContext[] = "https://w3id.org/security/v1";

ClaimVerification invalid(std::string reason) {
  return {false, std::move(reason)};
}

const std::string* string_member(const Json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return nullptr;
  return &it->get_ref<const std::string&>();
}

std::string options_digest(const std::string& creator, const std::string& created) {
  const Json options = {
      {"@context", kSecurityContext},
      {"type", kSignatureType},
      {"creator", creator},
      {"created", created},
  };
  return crypto::sha256(canonical_json(options));
}

// The signing input of `activity` without its "signature" member, which is skipped while
// canonicalising rather than erased from a copy (a claim is verified on every asset page and
// by log-monitor for every entry).
std::string signing_input_of(const Json& activity, const std::string& creator,
                             const std::string& created) {
  return options_digest(creator, created) +
         crypto::sha256(canonical_json_without(activity, "signature"));
}

}  // namespace

std::string claim_signing_input(const Json& document, const std::string& creator,
                                const std::string& created) {
  return options_digest(creator, created) + crypto::sha256(canonical_json(document));
}

Json make_claim_signature(const Json& activity_without_signature, const crypto::RsaKey& key,
                          const std::string& creator, const std::string& created) {
  if (!activity_without_signature.is_object())
    throw std::invalid_argument("make_claim_signature: the activity must be a JSON object");
  const std::string signature =
      key.sign_sha256(signing_input_of(activity_without_signature, creator, created));
  return Json{
      {"type", kSignatureType},
      {"creator", creator},
      {"created", created},
      {"signatureValue", crypto::base64_encode(signature)},
  };
}

Json sign_activity(Json activity, const crypto::RsaKey& key, const std::string& creator,
                   const std::string& created) {
  Json signature = make_claim_signature(activity, key, creator, created);
  activity["signature"] = std::move(signature);
  return activity;
}

ClaimVerification verify_claim(const Json& signed_activity, const crypto::RsaKey& public_key) {
  if (!signed_activity.is_object()) return invalid("activity is not a JSON object");
  auto block = signed_activity.find("signature");
  if (block == signed_activity.end() || !block->is_object()) return invalid("no signature block");
  const std::string* type = string_member(*block, "type");
  if (type == nullptr || *type != kSignatureType)
    return invalid("unsupported signature type (expected RsaSignature2017)");
  const std::string* creator = string_member(*block, "creator");
  if (creator == nullptr) return invalid("signature is missing creator");
  const std::string* created = string_member(*block, "created");
  if (created == nullptr) return invalid("signature is missing created");
  const std::string* signature_value = string_member(*block, "signatureValue");
  if (signature_value == nullptr) return invalid("signature is missing signatureValue");
  const auto signature = crypto::base64_decode(*signature_value);
  if (!signature) return invalid("signatureValue is not base64");

  std::string signing_input;
  try {
    signing_input = signing_input_of(signed_activity, *creator, *created);
  } catch (const std::invalid_argument& e) {
    return invalid(std::string("activity cannot be canonicalised: ") + e.what());
  }
  if (!public_key.verify_sha256(signing_input, *signature))
    return invalid("signature does not match");
  return {true, ""};
}

ClaimVerification verify_claim_by(const Json& signed_activity, const crypto::RsaKey& public_key,
                                  std::string_view expected_key_id) {
  const Json* creator = nullptr;
  if (signed_activity.is_object()) {
    auto signature = signed_activity.find("signature");
    if (signature != signed_activity.end() && signature->is_object()) {
      auto found = signature->find("creator");
      if (found != signature->end() && found->is_string()) creator = &*found;
    }
  }
  if (!creator || creator->get_ref<const std::string&>() != expected_key_id)
    return {false,
            "the signature was not made with the owner's key " + std::string(expected_key_id)};
  return verify_claim(signed_activity, public_key);
}

}  // namespace artdag::activitypub
