#include "services/federation/inbox.h"

#include <spdlog/spdlog.h>

#include <memory>

#include "activitypub/message_signature.h"
#include "activitypub/remote_documents.h"
#include "crypto/rsa_key.h"
#include "services/federation/inbox/handlers.h"
#include "util/error.h"
#include "util/text.h"

namespace artdag::services::federation {

namespace {

// A signature refusal: 401 naming the check that failed (`reason` is its short name, for
// logs and metrics) and how to sign: RFC 9421 preferred (Accept-Signature), draft-cavage
// accepted (WWW-Authenticate).
ApiError signature_refused(std::string detail, std::string reason) {
  spdlog::info("inbox: 401 ({}): {}", reason, detail);
  return ApiError::unauthorized(std::move(detail))
      .with_reason(std::move(reason))
      .with_header("Accept-Signature", activitypub::rfc9421::make_accept_signature(true))
      .with_header("WWW-Authenticate",
                   "Signature realm=\"artdag\", headers=\"(request-target) host date digest\"");
}

// Whether the signed Host names this server: its authority, or its host with the scheme's
// default port spelled out. A signature made for another server is not replayable here.
bool host_is_ours(std::string host, const activitypub::Uris& uris) {
  host = ascii_lower(host);
  if (host == uris.authority()) return true;
  const bool https = uris.base().rfind("https:", 0) == 0;
  return host == uris.authority() + (https ? ":443" : ":80");
}

}  // namespace

const char* InboxResult::outcome_name() const {
  switch (outcome) {
    case Outcome::kProcessed:
      return "processed";
    case Outcome::kDuplicate:
      return "duplicate";
    case Outcome::kIgnored:
      return "ignored";
  }
  return "ignored";
}

InboxService::InboxService(store::Store& store, const activitypub::Uris& uris,
                           ActorResolver& resolver, Outgoing& outgoing, InboxGateOptions gate,
                           int max_followers_per_host, const DomainBlockList* blocks)
    : store_(store),
      uris_(uris),
      resolver_(resolver),
      outgoing_(outgoing),
      blocks_(blocks),
      max_followers_per_host_(max_followers_per_host),
      gate_(std::move(gate)) {}

void InboxService::purge(int64_t now) {
  const auto seen = store_.purge_inbox_seen(now - kSeenKeepSeconds);
  const auto actors = store_.purge_remote_actors(now - kActorCacheSeconds);
  if (seen + actors > 0)
    spdlog::info("inbox: purged {} seen ids and {} cached actors", seen, actors);
}

void InboxService::maybe_purge(int64_t now) {
  int64_t last = last_purge_.load();
  if (now - last < kPurgeIntervalSeconds || !last_purge_.compare_exchange_strong(last, now)) return;
  try {
    purge(now);
  } catch (const std::exception& e) {
    spdlog::warn("inbox: purge failed: {}", e.what());
  }
}

InboxResult InboxService::receive(const InboxPost& post) {
  if (post.username && !store_.find_user(*post.username)) throw ApiError::not_found("No such user");
  if (post.body.size() > kMaxInboxBody) throw ApiError::too_large("Request body too large");

  // 1. The signature's structure, coverage, digest, time and authority: pure, before
  // anything else.
  const auto headers = activitypub::lookup_in(post.headers);
  const auto now = resolver_.now();
  const PendingSignature signature = check_signature(post, headers, now);
  maybe_purge(now);

  // 2. The activity's shape.
  InboxActivity activity = parse_inbox_activity(parse_json_object(post.body));
  if (activitypub::url_origin(activity.actor) == activitypub::url_origin(uris_.base()))
    throw signature_refused("activity claims an actor of this server", "local_actor");

  // 3. Nothing from a blocked domain, before any fetch or store.
  const std::string& key_id = signature.key_id;
  if (blocks_ && (blocks_->blocks_url(activity.actor) || blocks_->blocks_url(key_id)))
    throw ApiError::forbidden("This server does not federate with the sender's domain")
        .with_reason("domain_blocked");

  // 4. The key must be the actor's (Mastodon's rule: the key's owner is the activity's actor).
  if (activitypub::url_origin(key_id) != activitypub::url_origin(activity.actor) ||
      (key_id.find('#') != std::string::npos &&
       activitypub::without_fragment(key_id) != activity.actor))
    throw signature_refused("signature keyId does not belong to the activity's actor",
                            "key_not_actors");

  const bool self_delete = activity.type == "Delete" && activity.json.contains("object") &&
                           activitypub::id_of(activity.json["object"]) == activity.actor;
  if (self_delete && !resolver_.cached(activity.actor))
    return InboxResult::ignored("Delete of an actor nothing is known of");
  auto signer = verify_signer(post, signature, activity, self_delete);

  // 5. Once per (actor, id): another actor cannot take this actor's next id first.
  if (!store_.mark_activity_seen(activity.actor + " " + activity.id, now))
    return {InboxResult::Outcome::kDuplicate, "activity received already"};

  const inbox::Context ctx{store_,
                           uris_,
                           outgoing_,
                           post.username,
                           signer ? &*signer : nullptr,
                           max_followers_per_host_};
  if (!signer) return inbox::handle_delete(ctx, activity);
  auto handler = inbox::handler_for(activity.type);
  if (!handler) return InboxResult::ignored(activity.type + " activities are not processed");
  return handler(ctx, activity);
}

InboxService::PendingSignature InboxService::check_signature(
    const InboxPost& post, const activitypub::HeaderLookup& headers, int64_t now) const {
  // Signature-Input means RFC 9421 (a draft-cavage Signature never comes with it).
  if (!headers("signature-input").empty()) {
    const auto hosts = headers("host");
    const std::string scheme = uris_.base().substr(0, uris_.base().find(':'));
    const activitypub::rfc9421::MessageView view{post.method,
                                                 scheme,
                                                 hosts.size() == 1 ? hosts[0] : std::string_view(),
                                                 post.target,
                                                 headers,
                                                 post.body,
                                                 std::nullopt};
    auto checked = activitypub::rfc9421::check_incoming(view, now, uris_.authority());
    if (!checked)
      throw signature_refused(checked.detail,
                              std::string(activitypub::rfc9421::reason_name(checked.reason)));
    auto shared = std::make_shared<activitypub::rfc9421::CheckedSignature>(*checked.value);
    return {shared->key_id, [shared](const crypto::RsaKey& key) {
              auto outcome = activitypub::rfc9421::verify_with_key(*shared, key);
              return outcome.ok ? std::string() : outcome.detail;
            }};
  }
  const activitypub::IncomingRequest incoming{post.method, post.target, headers, post.body};
  auto checked = activitypub::check_incoming(incoming, now);
  if (!checked) throw signature_refused(checked.error, "signature_check");
  // The signed Host must be ours (the signature covers it: a request signed for another
  // server is not valid here).
  if (const auto hosts = headers("host"); hosts.size() != 1 || !host_is_ours(hosts[0], uris_))
    throw signature_refused("the signed Host is not this server", "host_not_ours");
  auto shared = std::make_shared<activitypub::CheckedRequest>(std::move(*checked.value));
  return {shared->params.key_id, [shared](const crypto::RsaKey& key) {
            auto verification = activitypub::verify_with_key(*shared, key);
            if (verification.ok && verification.without_query)
              return std::string("signature does not cover the query string");
            return verification.ok ? std::string() : verification.error;
          }};
}

std::optional<store::RemoteActor> InboxService::fetch_signer(const InboxPost& post,
                                                             const std::string& actor_url,
                                                             bool self_delete) {
  const std::string host = activitypub::url_origin(actor_url).value_or(actor_url);
  const std::string host_key = "host " + host;
  const std::string actor_key = "actor " + actor_url;
  const int64_t now = resolver_.now();
  const auto remembered = [](int64_t left) {
    return signature_refused(
               "could not fetch the signer's actor (it failed recently; not asked again for " +
                   std::to_string(left) + " s)",
               "actor_fetch_remembered")
        .with_header("Retry-After", std::to_string(left));
  };
  for (const auto* key : {&host_key, &actor_key}) {
    if (auto left = gate_.failed_recently(*key, now)) throw remembered(*left);
  }
  const auto timeout = gate_.options().deadline;
  try {
    return gate_.run(
        post.client, host, {host_key, actor_key}, now,
        [this, actor_url, timeout, host_key, actor_key] {
          try {
            return resolver_.fetch_unstored(actor_url, timeout);
          } catch (const ResolveError& e) {
            // Gone: this actor only. Anything else (no answer, garbage, a refused address):
            // the host, so a flood naming many actors of one dead host costs one fetch per
            // failure window. Recorded here, before the slot is freed.
            gate_.remember_failure(e.kind() == ResolveError::Kind::kGone ? actor_key : host_key,
                                   resolver_.now());
            throw;
          }
        },
        [] {
          return std::make_exception_ptr(
              ResolveError(ResolveError::Kind::kUnreachable, "the fetch overran its deadline"));
        });
  } catch (const InboxGate::RecentlyFailed& failed) {
    throw remembered(failed.seconds_left);
  } catch (const ResolveError& e) {
    const bool gone = e.kind() == ResolveError::Kind::kGone;
    spdlog::info("inbox: fetching signer {} failed: {}", actor_url, e.what());
    if (self_delete && gone) return std::nullopt;
    // What the remote answered (status, type, that it resolved to a private address) is
    // only logged: the 401 must not make this server an oracle for scanning.
    throw signature_refused("could not fetch the signer's actor", "actor_fetch");
  }
}

std::optional<store::RemoteActor> InboxService::verify_signer(
    const InboxPost& post, const PendingSignature& signature, const InboxActivity& activity,
    bool self_delete) {
  const std::string& key_id = signature.key_id;
  bool fresh = false;
  std::optional<store::RemoteActor> actor;
  auto fetch = [&]() -> bool {
    actor = fetch_signer(post, activity.actor, self_delete);
    fresh = true;
    return actor.has_value();
  };
  actor = resolver_.cached(activity.actor);
  if (!actor && !fetch()) return std::nullopt;
  for (;;) {
    std::string error;
    if (actor->actor_url != activity.actor) {
      error = "the signer's actor document has another id than the activity's actor";
    } else if (actor->key_id != key_id) {
      error = "signature keyId is not the actor's publicKey id";
    } else {
      try {
        error = signature.verify(signer_keys_.get(actor->public_key_pem));
        if (error.empty()) {
          // Only a signer whose signature verified is stored.
          if (fresh) resolver_.remember(*actor);
          return actor;
        }
      } catch (const crypto::CryptoError&) {
        error = "the actor's public key cannot be read";
      }
    }
    // A cached key that fails may have been rotated: fetch the actor once more, at most
    // every min_refetch_interval per actor (self-Deletes included).
    if (fresh || !resolver_.may_refetch(*actor))
      throw signature_refused(error, "signature_invalid");
    spdlog::info("inbox: signature from {} failed with the cached key ({}); refetching",
                 activity.actor, error);
    if (!fetch()) return std::nullopt;
  }
}

}  // namespace artdag::services::federation
