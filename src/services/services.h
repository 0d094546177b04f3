#pragma once
// Everything a request handler may call, built once at start-up by the serve command.
#include <memory>

#include "activitypub/uris.h"
#include "config/config.h"
#include "crypto/key_store.h"
#include "services/auth_service.h"
#include "services/federation/delivery_notifier.h"
#include "services/federation/federation_service.h"
#include "services/l1_service.h"
#include "services/publication_service.h"
#include "services/registry_service.h"
#include "store/store.h"

namespace artdag::services {

struct Services {
  Services(Config config, std::unique_ptr<store::Store> store);

  Config config;
  std::unique_ptr<store::Store> store;
  crypto::KeyStore keys;
  activitypub::Uris uris;
  // Poke after queueing outgoing activities (append_activity, enqueue_delivery) so the
  // delivery worker started by `serve` sends them now instead of at its next poll.
  federation::DeliveryNotifier delivery;
  AuthService auth;
  RegistryService registry;
  PublicationService publication;
  L1Service l1;
  // Inbox, remote actors, follow / unfollow / share.
  federation::FederationService federation;
};

}  // namespace artdag::services
