#include "services/federation/follow_service.h"

#include <spdlog/spdlog.h>

#include <cctype>

#include "activitypub/activities.h"
#include "activitypub/ld_signature.h"
#include "activitypub/remote_documents.h"
#include "services/claim_log/log_activity.h"
#include "util/error.h"
#include "util/text.h"
#include "util/time.h"

namespace artdag::services::federation {

namespace {

constexpr int kMaxFollowingScan = 1000;

[[noreturn]] void throw_for(const ResolveError& e) {
  switch (e.kind()) {
    case ResolveError::Kind::kGone:
      throw ApiError::not_found(std::string("No such remote account: ") + e.what());
    case ResolveError::Kind::kForbidden:
      throw ApiError::unprocessable(std::string("Target not reachable: ") + e.what());
    case ResolveError::Kind::kInvalid:
      throw ApiError::bad_gateway(std::string("The remote server's answer is not usable: ") +
                                  e.what());
    case ResolveError::Kind::kUnreachable:
      break;
  }
  throw ApiError::bad_gateway(std::string("The remote server failed: ") + e.what());
}

// "host[:port]" of an http(s) URL.
std::string authority_of(const std::string& url) {
  auto origin = activitypub::url_origin(url);
  if (!origin) return "";
  return origin->substr(origin->find("://") + 3);
}

}  // namespace

FollowService::FollowService(store::Store& store, const activitypub::Uris& uris,
                             crypto::KeyStore& keys, ActorResolver& resolver, Outgoing& outgoing,
                             const DomainBlockList* blocks)
    : store_(store),
      uris_(uris),
      keys_(keys),
      resolver_(resolver),
      outgoing_(outgoing),
      blocks_(blocks) {}

void FollowService::refuse_local(std::string_view actor_url_or_host) const {
  const std::string text(actor_url_or_host);
  const bool local =
      activitypub::is_http_url(text)
          ? activitypub::url_origin(text) == activitypub::url_origin(uris_.base())
          : (ascii_lower(text) == uris_.domain() || ascii_lower(text) == uris_.authority());
  if (local) throw ApiError::unprocessable("Following accounts of this server is not supported");
}

FollowOutcome FollowService::follow(const std::string& username, std::string_view target) {
  std::string actor_url;
  if (activitypub::is_http_url(target)) {
    actor_url = std::string(target);
  } else if (auto acct = activitypub::parse_acct(target)) {
    refuse_local(acct->host);
    try {
      actor_url = resolver_.webfinger(*acct);
    } catch (const ResolveError& e) {
      throw_for(e);
    }
  } else {
    throw ApiError::unprocessable("Field 'target' must be acct:user@host or an actor URL");
  }
  refuse_local(actor_url);
  store::RemoteActor actor;
  try {
    actor = resolver_.fetch(actor_url);
  } catch (const ResolveError& e) {
    throw_for(e);
  }
  refuse_local(actor.actor_url);

  const std::string me = uris_.actor(username);
  auto existing = store_.find_following(username, actor.actor_url);
  if (!existing) {
    store::Following row{
        0,         username, actor.actor_url, outgoing_.new_activity_id(username, "follows"),
        "pending", ""};
    store_.add_following(row);  // false: a concurrent request added it; read back below
    existing = store_.find_following(username, actor.actor_url);
    if (!existing) throw ApiError::conflict("The follow was removed meanwhile; try again");
  }
  Json activity =
      activitypub::follow_activity(existing->follow_activity_id, me, existing->target_actor_url);
  if (existing->state == "accepted") return {*existing, std::move(activity), false};
  return {*existing, outgoing_.enqueue(username, actor.inbox, activity), true};
}

std::string FollowService::actor_url_for(const std::string& username, std::string_view target) {
  if (activitypub::is_http_url(target)) return std::string(target);
  auto acct = activitypub::parse_acct(target);
  if (!acct)
    throw ApiError::unprocessable("Parameter 'target' must be acct:user@host or an actor URL");
  // A followed actor we have cached, by name and host: no network needed.
  auto rows = store_.list_following(username, std::nullopt, kMaxFollowingScan);
  for (const auto& row : rows) {
    if (authority_of(row.target_actor_url) != acct->host) continue;
    auto cached = store_.find_remote_actor(row.target_actor_url);
    if (cached && ascii_lower(cached->preferred_username) == ascii_lower(acct->user))
      return row.target_actor_url;
  }
  try {
    return resolver_.webfinger(*acct);
  } catch (const ResolveError& e) {
    throw_for(e);
  }
}

Json FollowService::unfollow(const std::string& username, std::string_view target) {
  const std::string actor_url = actor_url_for(username, target);
  auto existing = store_.find_following(username, actor_url);
  if (!existing) throw ApiError::not_found("Not following " + actor_url);
  const std::string me = uris_.actor(username);
  Json undo = activitypub::undo_activity(
      outgoing_.new_activity_id(username, "undos"), me,
      activitypub::follow_object(existing->follow_activity_id, me, actor_url), actor_url);
  std::string inbox;
  if (auto cached = store_.find_remote_actor(actor_url)) {
    inbox = cached->inbox;
  } else {
    try {
      inbox = resolver_.fetch(actor_url).inbox;
    } catch (const ResolveError& e) {
      spdlog::warn("unfollow: cannot reach {} ({}); the follow is removed without an Undo",
                   actor_url, e.what());
    }
  }
  if (!inbox.empty()) undo = outgoing_.enqueue(username, inbox, undo);
  store_.remove_following(username, actor_url);
  return undo;
}

Json FollowService::share(const std::string& username, const std::string& asset_name) {
  auto asset = store_.find_asset_by_name(asset_name);
  if (!asset) throw ApiError::not_found("Asset not found");
  // The keys are loaded before the log's lock is taken, as for a Create.
  const ActorSigner signer = load_actor_signer(keys_, uris_, username);
  const std::string published = iso8601_utc(unix_now());
  auto announce = claim_log::sign_for_log(
      activitypub::announce_activity(uris_, username, *asset, claim_log::new_activity_id(uris_),
                                     published),
      signer, username, asset->content_hash, published);
  store_.append_activity(announce.sequenced);
  outgoing_.notify();
  return announce.document;
}

std::vector<store::Following> FollowService::following(const std::string& username,
                                                       std::optional<int64_t> before_id,
                                                       int limit) {
  return store_.list_following(username, before_id, limit);
}

std::vector<store::RemoteClaim> FollowService::remote_claims(const std::string& actor_url,
                                                             int limit) {
  auto claims = store_.list_remote_claims(actor_url, limit);
  // A blocked domain's claims stay stored (lifting the block shows them again) but are not
  // served while it is blocked.
  if (blocks_)
    std::erase_if(claims,
                  [&](const store::RemoteClaim& c) { return blocks_->blocks_url(c.actor_url); });
  return claims;
}

}  // namespace artdag::services::federation
