#include "services/federation/federation_service.h"

#include <spdlog/spdlog.h>

#include <optional>
#include <set>

#include "activitypub/activities.h"
#include "activitypub/http_signature.h"
#include "activitypub/message_signature.h"
#include "services/outbound_policy.h"
#include "util/error.h"
#include "util/time.h"

namespace artdag::services::federation {

namespace {

// GETs through the outbound client, refused for a blocked domain before any connection.
Transport client_transport(const net::HttpClient& client, const DomainBlockList& blocks) {
  return [&client, &blocks](const std::string& url, const net::HeaderList& headers,
                            const net::RequestOptions& options) {
    if (blocks.blocks_url(url))
      throw net::FetchError(net::FetchError::Kind::kForbiddenAddress, "the domain is blocked");
    return client.get(url, headers, options);
  };
}

// Signs GETs as the instance actor, keyId its current key (BASE/users/{u}#main-key[-n]): RFC 9421
// (@method
// @target-uri @authority; created, keyid, alg) or draft-cavage ((request-target) host date).
GetSigner instance_signer(crypto::KeyStore& keys, const activitypub::Uris& uris,
                          std::string username) {
  return [&keys, &uris, username = std::move(username)](const std::string& url,
                                                        bool rfc9421) -> net::HeaderList {
    try {
      const auto keys_now = keys.current(username);
      const auto key_id = uris.key_id(username, keys_now.generation);
      if (rfc9421)
        return activitypub::rfc9421::sign_request("GET", url, std::nullopt, keys_now.rsa, key_id,
                                                  unix_now())
            .fields();
      return activitypub::sign_request("GET", url, std::nullopt, keys_now.rsa, key_id, unix_now())
          .fields();
    } catch (const std::exception& e) {
      spdlog::warn("fetching {} unsigned: cannot sign as '{}': {}", url, username, e.what());
      return {};
    }
  };
}

ResolverOptions resolver_options(const Config& config) {
  ResolverOptions options;
  options.allow_private = config.allow_private_networks;
  options.rfc9421 = config.rfc9421;
  return options;
}

InboxGateOptions gate_options(const Config& config) {
  const Limits& l = config.limits;
  InboxGateOptions options;
  options.fetches_per_address = l.inbox_fetches_per_ip;
  options.fetches_per_host = l.inbox_fetches_per_host;
  options.window = std::chrono::seconds(l.inbox_fetch_window_seconds);
  options.threads = static_cast<unsigned>(l.actor_fetch_threads);
  options.deadline = std::chrono::seconds(l.actor_fetch_timeout_seconds);
  options.failure_seconds = l.actor_fetch_failure_seconds;
  return options;
}

}  // namespace

FederationService::FederationService(const Config& config, store::Store& store,
                                     crypto::KeyStore& keys, const activitypub::Uris& uris,
                                     DeliveryNotifier& notifier)
    : store(store),
      uris(uris),
      blocks(store),
      client(outbound_policy(config)),
      resolver(store, client_transport(client, blocks),
               instance_signer(keys, uris, config.instance_user), resolver_options(config)),
      outgoing(store, uris, keys, &notifier),
      inbox(store, uris, resolver, outgoing, gate_options(config),
            config.limits.followers_per_remote_host, &blocks, config.rfc9421),
      follows(store, uris, keys, resolver, outgoing, &blocks) {}

store::FederationStore::BlockEffect FederationService::block_domain(std::string_view host,
                                                                    std::string reason) {
  auto normalised = host.size() > kMaxBlockHostLength ? std::nullopt : domain_block_host(host);
  if (!normalised)
    throw ApiError::unprocessable("'" + std::string(host.substr(0, kMaxBlockHostLength)) +
                                  "' is not a host name")
        .with_field("host");
  if (reason.size() > kMaxBlockReasonLength)
    throw ApiError::unprocessable("reason must be at most " +
                                  std::to_string(kMaxBlockReasonLength) + " bytes")
        .with_field("reason");
  auto effect = store.add_domain_block({*normalised, std::move(reason), unix_now()});
  blocks.invalidate();
  spdlog::info("domain block {}: {} followers removed, {} queued deliveries dropped", *normalised,
               effect.followers_removed, effect.deliveries_dropped);
  return effect;
}

bool FederationService::unblock_domain(std::string_view host) {
  auto normalised = domain_block_host(host);
  if (!normalised) return false;
  const bool removed = store.remove_domain_block(*normalised);
  blocks.invalidate();
  return removed;
}

std::vector<store::DomainBlock> FederationService::domain_blocks() {
  return store.list_domain_blocks();
}

int64_t FederationService::send_actor_update(const std::string& username, Json actor_document) {
  const Json update = activitypub::update_actor_activity(
      uris, username, outgoing.new_activity_id(username, "updates"), std::move(actor_document),
      iso8601_utc(unix_now()));
  std::set<std::string> inboxes;
  std::optional<int64_t> before;
  constexpr int kPage = 500;
  for (;;) {
    const auto page = store.list_followers(username, before, kPage);
    for (const auto& follower : page) {
      const auto& inbox = follower.shared_inbox.empty() ? follower.inbox : follower.shared_inbox;
      if (!blocks.blocks_url(inbox)) inboxes.insert(inbox);
    }
    if (page.size() < static_cast<std::size_t>(kPage)) break;
    before = page.back().id;
  }
  for (const auto& inbox : inboxes) outgoing.enqueue(username, inbox, update);
  spdlog::info("actor update of '{}' queued for {} inboxes", username, inboxes.size());
  return static_cast<int64_t>(inboxes.size());
}

}  // namespace artdag::services::federation
