#pragma once
// Federation as the rest of the server sees it: the inbox, the user actions (follow,
// unfollow, share), and what they share — the outbound HTTP client, the remote actor
// resolver and the queue of single deliveries. Built once in Services; does no I/O until
// used.
#include "activitypub/uris.h"
#include "config/config.h"
#include "crypto/key_store.h"
#include "net/http_client.h"
#include "services/federation/actor_resolver.h"
#include "services/federation/delivery_notifier.h"
#include "services/federation/domain_blocks.h"
#include "services/federation/follow_service.h"
#include "services/federation/inbox.h"
#include "services/federation/outgoing.h"
#include "store/store.h"

namespace artdag::services::federation {

class FederationService {
 public:
  // `notifier` wakes the delivery worker after anything is queued.
  FederationService(const Config& config, store::Store& store, crypto::KeyStore& keys,
                    const activitypub::Uris& uris, DeliveryNotifier& notifier);

  // Domain blocks: an operator's (CLI) changes and their effects. `host` as typed
  // ("example.com", "example.com:8443", a URL); ApiError 422 when it names no host.
  store::FederationStore::BlockEffect block_domain(std::string_view host, std::string reason);
  bool unblock_domain(std::string_view host);
  static constexpr std::size_t kMaxBlockHostLength = 253;
  static constexpr std::size_t kMaxBlockReasonLength = 500;
  std::vector<store::DomainBlock> domain_blocks();

  // Announces a new version of `username`'s actor document (a key rotation): an Update of
  // it, with the sender's proof, queued once per follower inbox (the shared inbox when the
  // follower has one) outside blocked domains. Returns how many inboxes it was queued for.
  int64_t send_actor_update(const std::string& username, Json actor_document);

  store::Store& store;
  const activitypub::Uris& uris;
  DomainBlockList blocks;  // what every check below reads
  net::HttpClient client;  // the outbound rules (ARTDAG_ALLOW_PRIVATE_NETWORKS)
  ActorResolver resolver;  // signed GETs as the instance actor (config.instance_user);
                           // nothing is fetched from a blocked domain
  Outgoing outgoing;
  InboxService inbox;
  FollowService follows;
};

}  // namespace artdag::services::federation
