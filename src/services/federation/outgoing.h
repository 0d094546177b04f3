#pragma once
// Single deliveries a user's action or an incoming activity causes (Follow, Undo, Accept):
// given the sender's FEP-8b32 proof and queued in the database for the delivery worker,
// which signs each request as the sender when it sends it. Fan-out to followers is not here: the
// store queues it for every activity appended to the log.
#include <string>

#include "activitypub/uris.h"
#include "crypto/key_store.h"
#include "services/federation/delivery_notifier.h"
#include "store/store.h"
#include "util/json.h"

namespace artdag::services::federation {

class Outgoing {
 public:
  // `notifier` (may be null) wakes the delivery worker after each enqueue.
  Outgoing(store::Store& store, const activitypub::Uris& uris, crypto::KeyStore& keys,
           DeliveryNotifier* notifier);

  // Queues `activity` with `sender`'s proof (serialised once: the Digest covers these bytes)
  // for `inbox`, to be signed as `sender`, and wakes the worker. Returns what was queued.
  Json enqueue(const std::string& sender, const std::string& inbox, const Json& activity);
  // Wakes the delivery worker, if one is listening (it also polls on its own).
  void notify() const;

  // A fresh id for a user's activity outside the log: BASE/users/{u}/{kind}/{random}.
  std::string new_activity_id(const std::string& username, const std::string& kind) const;

 private:
  store::Store& store_;
  const activitypub::Uris& uris_;
  crypto::KeyStore& keys_;
  DeliveryNotifier* notifier_;
};

}  // namespace artdag::services::federation
