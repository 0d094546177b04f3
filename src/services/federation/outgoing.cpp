#include "services/federation/outgoing.h"

#include "crypto/hash.h"
#include "util/time.h"

namespace artdag::services::federation {

Outgoing::Outgoing(store::Store& store, const activitypub::Uris& uris, DeliveryNotifier* notifier)
    : store_(store), uris_(uris), notifier_(notifier) {}

void Outgoing::enqueue(const std::string& sender, const std::string& inbox, const Json& activity) {
  store_.enqueue_delivery(sender, inbox, to_wire(activity), unix_now());
  notify();
}

void Outgoing::notify() const {
  if (notifier_) notifier_->notify();
}

std::string Outgoing::new_activity_id(const std::string& username, const std::string& kind) const {
  return uris_.user_activity(username, kind, crypto::random_token_hex(16));
}

}  // namespace artdag::services::federation
