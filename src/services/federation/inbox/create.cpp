// Create from an actor a local user follows (pending or accepted): recorded as a remote
// claim, with the content hash when the object carries an Art DAG `contentHash`
// ({algorithm: "sha3-256", value: 64 lowercase hex}). Creates from actors nobody here
// follows, and objects that claim another author or live on another host, are ignored.
// The claim's own RsaSignature2017 is kept as received, not checked here: the HTTP
// signature already ties the activity to its actor, and anyone can check the claim later
// against the actor's key.
#include <algorithm>

#include "activitypub/remote_documents.h"
#include "services/federation/inbox/handlers.h"
#include "util/identifiers.h"

namespace artdag::services::federation::inbox {

namespace {

// object.contentHash.value when it is a SHA3-256 hash; "" otherwise.
std::string content_hash_of(const Json& object) {
  if (!object.is_object()) return "";
  auto hash = object.find("contentHash");
  if (hash == object.end() || !hash->is_object()) return "";
  auto algorithm = hash->find("algorithm");
  if (algorithm != hash->end() && (!algorithm->is_string() || *algorithm != "sha3-256")) return "";
  auto value = hash->find("value");
  if (value == hash->end() || !value->is_string()) return "";
  const auto& text = value->get_ref<const std::string&>();
  return is_sha3_hex(text) ? text : "";
}

}  // namespace

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
  store::RemoteClaim claim{
      activity.id, activity.actor, object_id, content_hash_of(object), to_wire(activity.json), ""};
  if (!ctx.store.record_remote_claim(claim)) return InboxResult::ignored("claim recorded already");
  return InboxResult::processed("remote claim recorded");
}

}  // namespace artdag::services::federation::inbox
