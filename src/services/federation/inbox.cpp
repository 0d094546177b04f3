#include "services/federation/inbox.h"

#include <spdlog/spdlog.h>

#include "activitypub/remote_documents.h"
#include "crypto/rsa_key.h"
#include "services/federation/inbox/handlers.h"
#include "util/error.h"

namespace artdag::services::federation {

namespace {

// A signature refusal: 401 naming the check that failed (`reason` is its short name, for
// logs and metrics) and how to sign.
ApiError signature_refused(std::string detail, std::string reason) {
  spdlog::info("inbox: 401 ({}): {}", reason, detail);
  return ApiError::unauthorized(std::move(detail))
      .with_reason(std::move(reason))
      .with_header("WWW-Authenticate",
                   "Signature realm=\"artdag\", headers=\"(request-target) host date digest\"");
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
                           ActorResolver& resolver, Outgoing& outgoing)
    : store_(store), uris_(uris), resolver_(resolver), outgoing_(outgoing) {}

InboxResult InboxService::receive(const InboxPost& post) {
  if (post.username && !store_.find_user(*post.username)) throw ApiError::not_found("No such user");
  if (post.body.size() > kMaxInboxBody) throw ApiError::too_large("Request body too large");

  // 1. The signature's structure, coverage, Digest and Date: pure, before anything else.
  const auto headers = activitypub::lookup_in(post.headers);
  const activitypub::IncomingRequest incoming{post.method, post.target, headers, post.body};
  const auto now = resolver_.now();
  auto checked = activitypub::check_incoming(incoming, now);
  if (!checked) {
    // An RFC 9421 signature (Signature-Input) never parses as draft-cavage.
    if (!headers("signature-input").empty())
      throw signature_refused(
          "RFC 9421 HTTP Message Signatures are not supported: sign with "
          "draft-cavage-http-signatures (rsa-sha256)",
          "rfc9421_unsupported");
    throw signature_refused(checked.error, "signature_check");
  }

  // 2. The activity's shape.
  InboxActivity activity = parse_inbox_activity(parse_json_object(post.body));
  if (activitypub::url_origin(activity.actor) == activitypub::url_origin(uris_.base()))
    throw signature_refused("activity claims an actor of this server", "local_actor");

  // 3. The key must be the actor's (Mastodon's rule: the key's owner is the activity's actor).
  const std::string& key_id = checked.value->params.key_id;
  if (activitypub::url_origin(key_id) != activitypub::url_origin(activity.actor) ||
      (key_id.find('#') != std::string::npos &&
       activitypub::without_fragment(key_id) != activity.actor))
    throw signature_refused("signature keyId does not belong to the activity's actor",
                            "key_not_actors");

  const bool self_delete = activity.type == "Delete" && activity.json.contains("object") &&
                           activitypub::id_of(activity.json["object"]) == activity.actor;
  if (self_delete && !resolver_.cached(activity.actor))
    return InboxResult::ignored("Delete of an actor nothing is known of");
  auto signer = verify_signer(*checked.value, activity, self_delete);

  // 4. Once per activity id.
  if (!store_.mark_activity_seen(activity.id, now))
    return {InboxResult::Outcome::kDuplicate, "activity received already"};

  const inbox::Context ctx{store_, uris_, outgoing_, post.username, signer ? &*signer : nullptr};
  if (!signer) return inbox::handle_delete(ctx, activity);
  auto handler = inbox::handler_for(activity.type);
  if (!handler) return InboxResult::ignored(activity.type + " activities are not processed");
  return handler(ctx, activity);
}

std::optional<store::RemoteActor> InboxService::verify_signer(
    const activitypub::CheckedRequest& request, const InboxActivity& activity, bool self_delete) {
  const std::string& key_id = request.params.key_id;
  bool fresh = false;
  std::optional<store::RemoteActor> actor;
  auto fetch = [&]() -> bool {
    try {
      actor = resolver_.fetch(activity.actor);
      fresh = true;
      return true;
    } catch (const ResolveError& e) {
      if (self_delete && e.kind() == ResolveError::Kind::kGone) return false;
      throw signature_refused(std::string("could not fetch the signer's actor: ") + e.what(),
                              "actor_fetch");
    }
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
        auto verification =
            activitypub::verify_with_key(request, signer_keys_.get(actor->public_key_pem));
        if (verification.ok) return actor;
        error = verification.error;
      } catch (const crypto::CryptoError&) {
        error = "the actor's public key cannot be read";
      }
    }
    // A cached key that fails may have been rotated: fetch the actor once more.
    if (fresh || (!self_delete && !resolver_.may_refetch(*actor)))
      throw signature_refused(error, "signature_invalid");
    spdlog::info("inbox: signature from {} failed with the cached key ({}); refetching",
                 activity.actor, error);
    if (!fetch()) return std::nullopt;
  }
}

}  // namespace artdag::services::federation
