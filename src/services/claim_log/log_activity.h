#pragma once
// Every activity that enters the claim log (a Create, an Announce) is made the same way:
// it gets a fresh UUID id and its `published` time, it is signed on the request's thread with
// no lock held (its FEP-8b32 proof first, then the RsaSignature2017 over the document that
// holds the proof), and its canonical bytes — the log entry — are what the store sequences
// and what is served. The entry must fit a tlog-tiles bundle (65,535 bytes).
#include <string>

#include "activitypub/uris.h"
#include "services/actor_signer.h"
#include "store/claim_store.h"
#include "util/json.h"

namespace artdag::services::claim_log {

// A new activity id: BASE/activities/{lowercase UUIDv7}.
std::string new_activity_id(const activitypub::Uris& uris);

struct SignedActivity {
  Json document;                 // the signed activity
  store::NewActivity sequenced;  // what the store records
};

// Signs `activity` (whose id and published are set) as `actor`: the proof and the
// RsaSignature2017 claim signature, both created at `published`. ApiError 422 when its entry
// would be over 65,535 bytes.
SignedActivity sign_for_log(Json activity, const ActorSigner& signer, const std::string& actor,
                            const std::string& object_hash, const std::string& published);

}  // namespace artdag::services::claim_log
