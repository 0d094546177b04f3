#include "services/federation/outgoing.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

#include "crypto/hash.h"
#include "services/actor_signer.h"
#include "util/time.h"

namespace artdag::services::federation {

Outgoing::Outgoing(store::Store& store, const activitypub::Uris& uris, crypto::KeyStore& keys,
                   DeliveryNotifier* notifier)
    : store_(store), uris_(uris), keys_(keys), notifier_(notifier) {}

Json Outgoing::enqueue(const std::string& sender, const std::string& inbox, const Json& activity) {
  const int64_t now = unix_now();
  Json queued;
  try {
    queued = load_actor_signer(keys_, uris_, sender).with_proof(activity, iso8601_utc(now));
  } catch (const std::invalid_argument& e) {
    // Only an activity embedding something with a float (or a huge integer) has no JCS
    // form; it goes without a proof: the HTTP signature still authenticates it.
    spdlog::info("outgoing: {} to {} has no JCS form ({}); sent without a proof",
                 activity.value("type", std::string("activity")), inbox, e.what());
    queued = activity;
  }
  store_.enqueue_delivery(sender, inbox, to_wire(queued), now);
  notify();
  return queued;
}

void Outgoing::notify() const {
  if (notifier_) notifier_->notify();
}

std::string Outgoing::new_activity_id(const std::string& username, const std::string& kind) const {
  return uris_.user_activity(username, kind, crypto::random_token_hex(16));
}

}  // namespace artdag::services::federation
