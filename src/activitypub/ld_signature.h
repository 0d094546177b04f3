#pragma once
// The Art DAG claim signature ("RsaSignature2017" over canonical JSON; see docs/protocol.md,
// "The ownership signature"). Pure: no I/O, no clock; the caller supplies `created`.
#include <string>
#include <string_view>

#include "crypto/rsa_key.h"
#include "util/json.h"

namespace artdag::activitypub {

// The `signature` object for `activity_without_signature` (a "signature" member, if present
// anyway, is not signed): {type: "RsaSignature2017", creator, created, signatureValue}.
// `creator` is the key id ("<actor>#main-key"), `created` "YYYY-MM-DDTHH:MM:SSZ".
// Throws std::invalid_argument if the activity is not an object or holds floats,
// crypto::CryptoError if the key cannot sign.
Json make_claim_signature(const Json& activity_without_signature, const crypto::RsaKey& key,
                          const std::string& creator, const std::string& created);

// `activity` with its `signature` member set (replaced if there was one).
Json sign_activity(Json activity, const crypto::RsaKey& key, const std::string& creator,
                   const std::string& created);

struct ClaimVerification {
  bool valid = false;
  std::string reason;  // empty when valid; otherwise why not, fit to show a user
};

// Checks the signature block of `signed_activity` against `public_key`. Does not check
// that `creator` names that key's owner: resolving the creator to a key is the caller's job.
ClaimVerification verify_claim(const Json& signed_activity, const crypto::RsaKey& public_key);

// The claim rule: the signature must name `expected_key_id` as its creator (a valid signature
// by some other key is not this actor's claim) and verify with `public_key`.
ClaimVerification verify_claim_by(const Json& signed_activity, const crypto::RsaKey& public_key,
                                  std::string_view expected_key_id);

// The 64 bytes that are signed: SHA256(canon(options)) || SHA256(canon(document)).
// Exposed for tests and for tools that explain a failed verification.
std::string claim_signing_input(const Json& document, const std::string& creator,
                                const std::string& created);

}  // namespace artdag::activitypub
