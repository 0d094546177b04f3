#include "services/services.h"

#include "services/outbound_policy.h"

namespace artdag::services {

Services::Services(Config cfg, std::unique_ptr<store::Store> st)
    : store_(std::move(st)),
      config(std::move(cfg)),
      keys(config.keys_dir()),
      uris(config.base_url, config.domain),
      claim_log(*store_, claim_log::load_log_identity(config.domain, config.log_keys_dir()), uris),
      witness(*store_, claim_log.identity().witness,
              claim_log::WitnessService::parse_trusted_logs(config.witness_for)),
      witness_submitter(*store_, claim_log.tile_roots(), outbound_policy(config),
                        claim_log::WitnessSubmitter::parse_witnesses(config.witnesses)),
      auth(*store_, keys, config.jwt_secret, config.limits),
      registry(*store_, keys, uris, &delivery, &claim_log),
      publication(*store_, keys, uris, &claim_log),
      l1(config, *store_, registry, auth, uris),
      federation(config, *store_, keys, uris, delivery) {}

Health Services::health() {
  Health health;
  health.database_reachable = store_->ping();
  health.backend = store_->backend();
  return health;
}

std::unique_ptr<federation::DeliveryWorker> Services::make_delivery_worker(
    federation::DeliveryOptions options) {
  return std::make_unique<federation::DeliveryWorker>(*store_, keys, uris, delivery,
                                                      outbound_policy(config), std::move(options),
                                                      &federation.blocks);
}

}  // namespace artdag::services
