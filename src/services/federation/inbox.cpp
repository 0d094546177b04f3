#include "services/federation/inbox.h"

#include <spdlog/spdlog.h>

#include <memory>

#include "activitypub/integrity_proof.h"
#include "activitypub/message_signature.h"
#include "activitypub/multikey.h"
#include "activitypub/remote_documents.h"
#include "crypto/rsa_key.h"
#include "services/federation/inbox/handlers.h"
#include "util/error.h"
#include "util/metrics.h"
#include "util/text.h"

namespace artdag::services::federation {

namespace {

// Whether the signed Host names this server: its authority, or its host with the scheme's
// default port spelled out. A signature made for another server is not replayable here.
bool host_is_ours(std::string host, const activitypub::Uris& uris) {
  host = ascii_lower(host);
  if (host == uris.authority()) return true;
  const bool https = uris.base().rfind("https:", 0) == 0;
  return host == uris.authority() + (https ? ":443" : ":80");
}

// Whether `key_id` may sign for `actor` (Mastodon's rule: the key's owner is the activity's
// actor): the same origin, and a key id with a fragment is the actor's URL with it.
bool key_belongs_to(const std::string& key_id, const std::string& actor) {
  return activitypub::url_origin(key_id) == activitypub::url_origin(actor) &&
         (key_id.find('#') == std::string::npos || activitypub::without_fragment(key_id) == actor);
}

}  // namespace

ApiError InboxService::refused(std::string detail, std::string reason) const {
  spdlog::info("inbox: 401 ({}): {}", reason, detail);
  ApiError error = ApiError::unauthorized(std::move(detail))
                       .with_reason(std::move(reason))
                       .with_header("Vary", std::string(kInboxVary))
                       .with_header("WWW-Authenticate",
                                    "Signature realm=\"artdag\", headers=\"(request-target) host "
                                    "date digest\"");
  // RFC 9421 preferred (Accept-Signature), draft-cavage accepted (WWW-Authenticate).
  if (!accept_rfc9421_) return error;
  return std::move(error).with_header("Accept-Signature",
                                      activitypub::rfc9421::make_accept_signature(true));
}

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
                           int max_followers_per_host, const DomainBlockList* blocks,
                           bool accept_rfc9421)
    : store_(store),
      uris_(uris),
      resolver_(resolver),
      outgoing_(outgoing),
      blocks_(blocks),
      max_followers_per_host_(max_followers_per_host),
      accept_rfc9421_(accept_rfc9421),
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
  try {
    auto result = receive_checked(post);
    metrics::inbox_answered("accepted", 202);
    return result;
  } catch (const ApiError& e) {
    // The reason codes are literals of the inbox's checks; an error without one counts by
    // its status.
    const std::string result =
        e.reason().empty() ? "status_" + std::to_string(e.status()) : e.reason();
    metrics::inbox_answered(result, e.status());
    if (e.status() == 429) metrics::rate_limited("inbox_" + result);
    throw;
  } catch (...) {
    metrics::inbox_answered("error", 500);
    throw;
  }
}

InboxResult InboxService::receive_checked(const InboxPost& post) {
  if (post.username && !store_.find_user(*post.username)) throw ApiError::not_found("No such user");
  if (post.body.size() > kMaxInboxBody) throw ApiError::too_large("Request body too large");

  // 1. The signature's structure, coverage, digest, time and authority: pure, before
  // anything else. An unsigned request goes on only if its activity has a proof.
  const auto headers = activitypub::lookup_in(post.headers);
  const auto now = resolver_.now();
  std::optional<PendingSignature> signature;
  if (!headers("signature").empty() || !headers("signature-input").empty())
    signature = check_signature(post, headers, now);
  maybe_purge(now);

  // 2. The activity's shape.
  InboxActivity activity = [&] {
    if (signature) return parse_inbox_activity(parse_json_object(post.body));
    try {
      auto parsed = parse_inbox_activity(parse_json_object(post.body));
      if (parsed.json.contains("proof")) return parsed;
    } catch (const ApiError&) {
      // refused below as unsigned, as before proofs were accepted
    }
    check_signature(post, headers, now);  // throws: no signature
    throw refused("the request has no signature", "signature_missing");
  }();
  if (activitypub::url_origin(activity.actor) == activitypub::url_origin(uris_.base()))
    throw refused("activity claims an actor of this server", "local_actor");

  // 3. Nothing from a blocked domain, before any fetch or store.
  if (blocks_ && (blocks_->blocks_url(activity.actor) ||
                  (signature && blocks_->blocks_url(signature->key_id))))
    throw ApiError::forbidden("This server does not federate with the sender's domain")
        .with_reason("domain_blocked");

  // 4. The key must be the actor's; a proof stands in for a signature by someone else
  // (a forwarded activity) or for none.
  Credentials credentials;
  credentials.proof = activity.json.contains("proof");
  if (signature && key_belongs_to(signature->key_id, activity.actor))
    credentials.signature = &*signature;
  else if (!credentials.proof)
    throw refused("signature keyId does not belong to the activity's actor", "key_not_actors");

  const bool self_delete = activity.type == "Delete" && activity.json.contains("object") &&
                           activitypub::id_of(activity.json["object"]) == activity.actor;
  if (self_delete && !resolver_.cached(activity.actor))
    return InboxResult::ignored("Delete of an actor nothing is known of");
  auto signer = verify_signer(post, credentials, activity, self_delete);

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
  if (activity.type == "Update" && activity.json.contains("object") &&
      activitypub::id_of(activity.json["object"]) == activity.actor)
    return refresh_actor(post, *signer);
  auto handler = inbox::handler_for(activity.type);
  if (!handler) return InboxResult::ignored(activity.type + " activities are not processed");
  return handler(ctx, activity);
}

InboxResult InboxService::refresh_actor(const InboxPost& post, const store::RemoteActor& signer) {
  // A signer just fetched (its cached key failed: the Update came signed with a new one) is
  // as new as a refetch would make it.
  if (!resolver_.may_refetch(signer)) return InboxResult::ignored("the actor was fetched just now");
  try {
    auto fresh = fetch_signer(post, signer.actor_url, false);
    if (!fresh || fresh->actor_url != signer.actor_url)
      return InboxResult::ignored("the actor's document now has another id");
    resolver_.remember(*fresh);
    return InboxResult::processed("actor fetched again");
  } catch (const ApiError& e) {
    // The Update itself was verified; a failed refetch keeps what is cached.
    return InboxResult::ignored(std::string("fetching the actor again failed: ") + e.detail());
  }
}

std::string InboxService::verify_signed_get(const SignedGet& get) {
  try {
    auto signer = verify_signed_get_checked(get);
    metrics::authorized_fetch_answered("accepted", 200);
    return signer;
  } catch (const ApiError& e) {
    const std::string result =
        e.reason().empty() ? "status_" + std::to_string(e.status()) : e.reason();
    metrics::authorized_fetch_answered(result, e.status());
    if (e.status() == 429) metrics::rate_limited("authorized_fetch_" + result);
    throw;
  }
}

std::string InboxService::verify_signed_get_checked(const SignedGet& get) {
  const auto headers = activitypub::lookup_in(get.headers);
  const InboxPost request{"GET", get.target, get.headers, {}, std::nullopt, get.client};
  if (headers("signature").empty() && headers("signature-input").empty())
    throw refused("authorized fetch: this document answers only signed GETs (sign as an actor)",
                  "signature_missing");
  const auto now = resolver_.now();
  const PendingSignature signature = check_signature(request, headers, now);
  if (activitypub::url_origin(signature.key_id) == activitypub::url_origin(uris_.base()))
    throw refused("signature keyId is a key of this server", "local_actor");
  if (blocks_ && blocks_->blocks_url(signature.key_id))
    throw refused("this server does not serve the signer's domain", "domain_blocked");
  // The signer is the actor the key id names (Mastodon's and our ids: actor#key).
  InboxActivity signer{Json::object(), {}, "GET", activitypub::without_fragment(signature.key_id)};
  Credentials credentials;
  credentials.signature = &signature;
  auto actor = verify_signer(request, credentials, signer, false);
  if (!actor) throw refused("could not fetch the signer's actor", "actor_fetch");
  return actor->actor_url;
}

InboxService::PendingSignature InboxService::check_signature(
    const InboxPost& post, const activitypub::HeaderLookup& headers, int64_t now) const {
  // Signature-Input means RFC 9421 (a draft-cavage Signature never comes with it).
  if (!headers("signature-input").empty()) {
    if (!accept_rfc9421_)
      throw refused("this server does not accept RFC 9421 signatures; sign with draft-cavage",
                    "rfc9421_disabled");
    const auto hosts = headers("host");
    const std::string scheme = uris_.base().substr(0, uris_.base().find(':'));
    const activitypub::rfc9421::MessageView view{
        post.method, scheme,  hosts.size() == 1 ? hosts[0] : std::string_view(),
        post.target, headers, post.body,
        std::nullopt};
    auto checked = activitypub::rfc9421::check_incoming(view, now, uris_.authority());
    if (!checked)
      throw refused(checked.detail, std::string(activitypub::rfc9421::reason_name(checked.reason)));
    auto shared = std::make_shared<activitypub::rfc9421::CheckedSignature>(*checked.value);
    return {shared->key_id,
            [shared](const crypto::RsaKey& key) {
              auto outcome = activitypub::rfc9421::verify_with_key(*shared, key);
              return outcome.ok ? std::string() : outcome.detail;
            },
            [shared](const crypto::Ed25519PublicKey& key) {
              auto outcome = activitypub::rfc9421::verify_with_key(*shared, key);
              return outcome.ok ? std::string() : outcome.detail;
            }};
  }
  const activitypub::IncomingRequest incoming{post.method, post.target, headers, post.body};
  auto checked = activitypub::check_incoming(incoming, now);
  if (!checked) throw refused(checked.error, "signature_check");
  // The signed Host must be ours (the signature covers it: a request signed for another
  // server is not valid here).
  if (const auto hosts = headers("host"); hosts.size() != 1 || !host_is_ours(hosts[0], uris_))
    throw refused("the signed Host is not this server", "host_not_ours");
  auto shared = std::make_shared<activitypub::CheckedRequest>(std::move(*checked.value));
  return {shared->params.key_id,
          [shared](const crypto::RsaKey& key) {
            auto verification = activitypub::verify_with_key(*shared, key);
            if (verification.ok && verification.without_query)
              return std::string("signature does not cover the query string");
            return verification.ok ? std::string() : verification.error;
          },
          {}};
}

std::optional<store::RemoteActor> InboxService::fetch_signer(const InboxPost& post,
                                                             const std::string& actor_url,
                                                             bool self_delete) {
  const std::string host = activitypub::url_origin(actor_url).value_or(actor_url);
  const std::string host_key = "host " + host;
  const std::string actor_key = "actor " + actor_url;
  const int64_t now = resolver_.now();
  const auto remembered = [this](int64_t left) {
    return refused("could not fetch the signer's actor (it failed recently; not asked again for " +
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
    throw refused("could not fetch the signer's actor", "actor_fetch");
  }
}

std::string InboxService::check_credentials(const store::RemoteActor& actor,
                                            const InboxActivity& activity,
                                            const Credentials& credentials, std::string& reason) {
  reason = "signature_invalid";
  if (actor.actor_url != activity.actor)
    return "the signer's actor document has another id than the activity's actor";
  Json document;
  const auto assertion_key = [&](std::string_view id) -> std::optional<crypto::Ed25519PublicKey> {
    if (document.is_null()) document = Json::parse(actor.json, nullptr, false);
    return activitypub::find_ed25519_assertion_key(document, id);
  };
  if (const PendingSignature* signature = credentials.signature) {
    std::string error;
    if (signature->key_id == actor.key_id) {
      try {
        error = signature->verify(signer_keys_.get(actor.public_key_pem));
      } catch (const crypto::CryptoError&) {
        error = "the actor's public key cannot be read";
      }
    } else if (auto key =
                   signature->verify_ed25519 ? assertion_key(signature->key_id) : std::nullopt) {
      error = signature->verify_ed25519(*key);
    } else {
      error = "signature keyId is not one of the actor's keys";
      reason = "key_unknown";
    }
    if (!error.empty()) return error;
  }
  if (credentials.proof) {
    const auto proof = activitypub::verify_activity_proof(
        activity.json, [&](std::string_view id) -> std::optional<crypto::Ed25519PublicKey> {
          // Only the actor's own keys: a key of another actor proves nothing of this one.
          if (activitypub::without_fragment(id) != actor.actor_url) return std::nullopt;
          return assertion_key(id);
        });
    if (!proof.ok()) {
      reason = "proof_invalid";
      return proof.status == activitypub::ProofStatus::unknown_key
                 ? "integrity proof: its verificationMethod is not in the actor's assertionMethod"
                 : "integrity proof: " + proof.detail;
    }
  }
  return "";
}

std::optional<store::RemoteActor> InboxService::verify_signer(const InboxPost& post,
                                                              const Credentials& credentials,
                                                              const InboxActivity& activity,
                                                              bool self_delete) {
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
    std::string reason;
    const std::string error = check_credentials(*actor, activity, credentials, reason);
    if (error.empty()) {
      // Only a signer whose signature or proof verified is stored.
      if (fresh) resolver_.remember(*actor);
      return actor;
    }
    // A cached key that fails may have been rotated: fetch the actor once more, at most
    // every min_refetch_interval per actor (self-Deletes included). A key id the cached
    // document does not list is a rotation announced by its first use: fetched at once
    // (still through the gate's per-host and per-address limits).
    if (fresh || (!resolver_.may_refetch(*actor) && reason != "key_unknown"))
      throw refused(error, reason);
    spdlog::info("inbox: {} from {} failed with the cached keys ({}); refetching",
                 credentials.signature ? "signature" : "proof", activity.actor, error);
    if (!fetch()) return std::nullopt;
  }
}

}  // namespace artdag::services::federation
