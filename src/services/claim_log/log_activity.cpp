#include "services/claim_log/log_activity.h"

#include "activitypub/canon.h"
#include "activitypub/ld_signature.h"
#include "crypto/uuid.h"
#include "tlog/tiles.h"
#include "util/error.h"

namespace artdag::services::claim_log {

std::string new_activity_id(const activitypub::Uris& uris) {
  return uris.activity_by_uuid(crypto::uuid_v7());
}

SignedActivity sign_for_log(Json activity, const ActorSigner& signer, const std::string& actor,
                            const std::string& object_hash, const std::string& published) {
  SignedActivity out;
  out.document = activitypub::sign_activity(signer.with_proof(std::move(activity), published),
                                            signer.rsa, signer.rsa_key_id, published);
  out.sequenced.activity_id = out.document.value("id", std::string());
  out.sequenced.type = out.document.value("type", std::string());
  out.sequenced.actor = actor;
  out.sequenced.object_hash = object_hash;
  out.sequenced.published = published;
  out.sequenced.json = activitypub::canonical_json(out.document);
  if (out.sequenced.json.size() > tlog::kMaxEntrySize)
    throw ApiError::unprocessable("The claim would be " +
                                  std::to_string(out.sequenced.json.size()) +
                                  " bytes; a claim-log entry holds at most 65,535: shorten the "
                                  "description, tags or metadata");
  return out;
}

}  // namespace artdag::services::claim_log
