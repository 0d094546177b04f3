#include "services/actor_signer.h"

#include "activitypub/integrity_proof.h"
#include "activitypub/multikey.h"

namespace artdag::services {

Json ActorSigner::with_proof(Json activity, const std::string& created) const {
  return activitypub::add_integrity_proof(std::move(activity), ed25519, {proof_key_id, created});
}

ActorSigner load_actor_signer(crypto::KeyStore& keys, const activitypub::Uris& uris,
                              const std::string& username) {
  auto current = keys.current(username);
  return {current.rsa, uris.key_id(username, current.generation), current.ed25519,
          activitypub::ed25519_key_id(uris.actor(username), current.generation)};
}

}  // namespace artdag::services
