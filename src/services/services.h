#pragma once
// Everything a request handler may call, built once at start-up by the serve command.
#include <memory>

#include "activitypub/uris.h"
#include "config/config.h"
#include "crypto/key_store.h"
#include "services/auth_service.h"
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
  AuthService auth;
  RegistryService registry;
  PublicationService publication;
};

}  // namespace artdag::services
