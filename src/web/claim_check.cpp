#include "activitypub/ld_signature.h"
#include "crypto/rsa_key.h"
#include "web/web_app.h"

namespace artdag::web {

ClaimCheck check_claim(services::Services& services, const Json& activity,
                       const std::string& owner) {
  ClaimCheck check;
  if (!activity.is_object()) return check;
  auto signature = activity.find("signature");
  if (signature == activity.end() || !signature->is_object()) return check;
  check.is_signed = true;
  if (auto created = signature->find("created");
      created != signature->end() && created->is_string())
    check.created = created->get<std::string>();
  try {
    // The key the claim names, if the owner publishes it (every generation stays published).
    const auto* creator = signature->contains("creator") && (*signature)["creator"].is_string()
                              ? &(*signature)["creator"].get_ref<const std::string&>()
                              : nullptr;
    const auto pem = creator ? services.publication.public_key_pem(owner, *creator) : std::nullopt;
    if (!pem) {
      check.reason = "the claim is signed with a key its owner does not publish";
      return check;
    }
    auto key = crypto::RsaKey::from_public_pem(*pem);
    auto verification = activitypub::verify_claim_by(activity, key, *creator);
    check.valid = verification.valid;
    check.reason = verification.reason;
  } catch (const crypto::CryptoError&) {
    check.reason = "the owner's public key could not be loaded";
  }
  return check;
}

}  // namespace artdag::web
