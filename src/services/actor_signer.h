#pragma once
// The keys a local actor signs with, and the one way an outgoing activity gets its FEP-8b32
// proof. Claims: the proof is made first, then the RsaSignature2017 over the document that
// holds it (so the Art DAG verification is unchanged); other activities carry the proof only.
#include <string>

#include "activitypub/uris.h"
#include "crypto/ed25519_key.h"
#include "crypto/key_store.h"
#include "crypto/rsa_key.h"
#include "util/json.h"

namespace artdag::services {

struct ActorSigner {
  crypto::RsaKey rsa;  // publicKey: #main-key, #main-key-{n} after rotations
  std::string rsa_key_id;
  crypto::Ed25519Key ed25519;  // assertionMethod: #ed25519-key, #ed25519-key-{n}
  std::string proof_key_id;

  // `activity` with a DataIntegrityProof (eddsa-jcs-2022, assertionMethod) created at
  // `created` (an ISO 8601 UTC time). Throws std::invalid_argument when the activity has no
  // JCS form (a float, an integer beyond 2^53): signed documents hold neither.
  Json with_proof(Json activity, const std::string& created) const;
};

// Both keys of `username`'s current generation, made on first use (crypto::KeyStore).
// Throws crypto::CryptoError.
ActorSigner load_actor_signer(crypto::KeyStore& keys, const activitypub::Uris& uris,
                              const std::string& username);

}  // namespace artdag::services
