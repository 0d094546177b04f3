#include "services/services.h"

#include "crypto/hash.h"
#include "services/claim_log/remote_proof.h"
#include "services/outbound_policy.h"
#include "util/net.h"
#include "util/time.h"

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
      federation(config, *store_, keys, uris, delivery),
      claims(*store_, claim_log,
             claim_log::trusted_witnesses(claim_log.identity().witness.verifier_key(),
                                          config.witnesses),
             &federation.blocks),
      claim_prover(*store_, outbound_policy(config), claims.trusted_witnesses(),
                   &federation.blocks) {}

Health Services::health() {
  Health health;
  health.database_reachable = store_->ping();
  health.backend = store_->backend();
  return health;
}

Services::KeyRotation Services::rotate_keys(const std::string& username) {
  publication.get_user(username);  // 404 before any key is made
  KeyRotation rotation;
  rotation.generation = keys.rotate(username);
  rotation.inboxes = federation.send_actor_update(username, publication.actor(username));
  return rotation;
}

metrics::ScrapeGauges Services::metrics_gauges() {
  const int64_t now = unix_now();
  metrics::ScrapeGauges g;
  // The log's length is one counter row; the registry's COUNT(*)s (store stats) are not read
  // per scrape.
  g.log_entries = static_cast<uint64_t>(std::max<int64_t>(store_->log_length(), 0));
  if (auto checkpoint = store_->latest_checkpoint()) {
    g.log_integrated = static_cast<uint64_t>(checkpoint->size);
    g.checkpoint_age_seconds =
        static_cast<double>(std::max<int64_t>(now - checkpoint->published_at, 0));
  }
  const auto deliveries = store_->delivery_counts();
  g.delivery_queue_depth = static_cast<uint64_t>(deliveries.pending);
  g.delivery_dead_jobs = static_cast<uint64_t>(deliveries.dead);
  if (deliveries.oldest_pending_created_at > 0)
    g.delivery_oldest_job_seconds =
        static_cast<double>(std::max<int64_t>(now - deliveries.oldest_pending_created_at, 0));
  g.domain_blocks = store_->list_domain_blocks().size();
  // Every configured witness, cosigned or not; sizes and times from the database, so every
  // process shows the same.
  const auto progress = store_->witness_progress();
  for (const auto& witness : witness_submitter.status()) {
    metrics::WitnessState state{witness.name, 0, std::nullopt};
    for (const auto& p : progress)
      if (p.witness == witness.name) {
        state.cosigned_size = static_cast<uint64_t>(p.size);
        state.cosigned_age_seconds = static_cast<double>(std::max<int64_t>(now - p.cosigned_at, 0));
      }
    g.witnesses.push_back(std::move(state));
  }
  return g;
}

bool Services::may_read_metrics(std::string_view remote_address,
                                std::optional<std::string_view> bearer_token) const {
  if (bearer_token && !config.metrics_token.empty())
    return crypto::constant_time_equal(*bearer_token, config.metrics_token);
  const auto ip = parse_ip(remote_address);
  if (!ip) return false;
  for (const auto& cidr : config.metrics_allow)
    if (cidr.contains(*ip)) return true;
  return false;
}

std::unique_ptr<federation::DeliveryWorker> Services::make_delivery_worker(
    federation::DeliveryOptions options) {
  return std::make_unique<federation::DeliveryWorker>(*store_, keys, uris, delivery,
                                                      outbound_policy(config), std::move(options),
                                                      &federation.blocks);
}

}  // namespace artdag::services
