// Create from an actor a local user follows (pending or accepted): recorded as a remote
// claim, with the content hash when the object carries an Art DAG `contentHash`
// ({algorithm: "sha3-256", value: 64 lowercase hex}). Creates from actors nobody here
// follows, and objects that claim another author or live on another host, are ignored.
// The claim's own RsaSignature2017 is kept as received, not checked here: the HTTP
// signature already ties the activity to its actor, and anyone can check the claim later
// against the actor's key.
#include "activitypub/remote_documents.h"
#include "services/federation/inbox/handlers.h"

namespace artdag::services::federation::inbox {

InboxResult handle_create(const Context& ctx, const InboxActivity& activity) {
  const Json& object = required_object(activity);
  if (ctx.store.local_followers_of(activity.actor).empty())
    return InboxResult::ignored("Create from an actor nobody here follows");
  const auto object_id = *activitypub::id_of(object);
  if (activitypub::url_origin(object_id) != activitypub::url_origin(activity.actor))
    return InboxResult::ignored("Create of an object on another host than its actor's");
  if (object.is_object()) {
    if (auto author = object.find("attributedTo");
        author != object.end() && activitypub::id_of(*author) != activity.actor)
      return InboxResult::ignored("Create of an object attributed to another actor");
  }
  store::RemoteClaim claim{activity.id,
                           activity.actor,
                           object_id,
                           activitypub::claimed_content_hash(object),
                           to_wire(activity.json),
                           ""};
  if (!ctx.store.record_remote_claim(claim)) return InboxResult::ignored("claim recorded already");
  return InboxResult::processed("remote claim recorded");
}

}  // namespace artdag::services::federation::inbox
