#include "services/services.h"

namespace artdag::services {

Services::Services(Config cfg, std::unique_ptr<store::Store> st)
    : config(std::move(cfg)),
      store(std::move(st)),
      keys(config.keys_dir()),
      uris(config.base_url, config.domain),
      auth(*store, keys, config.jwt_secret, config.limits),
      registry(*store, keys, uris, &delivery),
      publication(*store, keys, uris),
      l1(config, *store, registry, auth, uris),
      federation(config, *store, keys, uris, delivery) {}

}  // namespace artdag::services
