#pragma once
// Everything a request handler may call, built once at start-up by the serve command. The
// store is not among them: handlers and pages ask a service, and only services hold SQL's
// door key.
#include <memory>

#include "activitypub/uris.h"
#include "config/config.h"
#include "crypto/key_store.h"
#include "services/auth_service.h"
#include "services/claim_log/claim_log_service.h"
#include "services/claim_log/claims_service.h"
#include "services/claim_log/remote_claim_prover.h"
#include "services/claim_log/witness_service.h"
#include "services/claim_log/witness_submitter.h"
#include "services/federation/delivery.h"
#include "services/federation/delivery_notifier.h"
#include "services/federation/federation_service.h"
#include "services/l1_service.h"
#include "services/publication_service.h"
#include "services/registry_service.h"
#include "store/store.h"
#include "util/metrics.h"

namespace artdag::services {

struct Health {
  bool database_reachable = false;
  std::string backend;  // "sqlite" or "postgresql"
};

class Services {
 public:
  Services(Config config, std::unique_ptr<store::Store> store);

  Health health();
  // What GET /metrics reads from the database (and the witness submitter) when scraped.
  metrics::ScrapeGauges metrics_gauges();
  // Whether a client may read GET /metrics: from an address in ARTDAG_METRICS_ALLOW, or
  // with the bearer token ARTDAG_METRICS_TOKEN.
  bool may_read_metrics(std::string_view remote_address,
                        std::optional<std::string_view> bearer_token) const;
  // Key rotation (artdag-l2 rotate-keys): a new RSA and Ed25519 key generation for
  // `username` (ApiError 404 for an unknown user; old keys stay published), then an Update of
  // its actor queued for every follower inbox. Running servers sign with the new keys within
  // crypto::KeyStore::kRotationRecheck.
  struct KeyRotation {
    int generation = 0;
    int64_t inboxes = 0;  // Update deliveries queued
  };
  KeyRotation rotate_keys(const std::string& username);
  // The outgoing delivery worker of `serve`, draining this store's queue with its options.
  std::unique_ptr<federation::DeliveryWorker> make_delivery_worker(
      federation::DeliveryOptions options);

 private:
  std::unique_ptr<store::Store> store_;  // first: every service below refers to it

 public:
  Config config;
  crypto::KeyStore keys;
  activitypub::Uris uris;
  // Poke after queueing outgoing activities (append_activity, enqueue_delivery) so the
  // delivery worker started by `serve` sends them now instead of at its next poll.
  federation::DeliveryNotifier delivery;
  // The claim log: checkpoints, tiles, proofs; `serve` starts its integrator.
  claim_log::ClaimLogService claim_log;
  // Cosigns the checkpoints of the logs in ARTDAG_WITNESS_FOR (none by default).
  claim_log::WitnessService witness;
  // Submits our checkpoints to ARTDAG_WITNESSES; `serve` starts it.
  claim_log::WitnessSubmitter witness_submitter;
  AuthService auth;
  RegistryService registry;
  PublicationService publication;
  L1Service l1;
  // Inbox, remote actors, follow / unfollow / share.
  federation::FederationService federation;
  // The federated registry: every known claim of a content hash, local and remote, and which
  // is the earliest on what evidence (docs/protocol.md "The federated registry").
  claim_log::ClaimsService claims;
  // Proves the remote claims received against their servers' logs; `serve` starts it.
  claim_log::RemoteClaimProver claim_prover;
};

}  // namespace artdag::services
