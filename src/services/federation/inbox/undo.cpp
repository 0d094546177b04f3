// Undo of the sender's own Follow (the follower is removed) or Like / Announce (the
// reaction is removed and the asset's count follows). The undone activity may be embedded
// (what Mastodon, GoToSocial and Fedify send) or named by id; by id only reactions can be
// found, since followers are kept by actor, not by Follow id.
#include "activitypub/remote_documents.h"
#include "services/federation/inbox/handlers.h"

namespace artdag::services::federation::inbox {

InboxResult handle_undo(const Context& ctx, const InboxActivity& activity) {
  const Json& inner = required_object(activity);
  const auto inner_id = *activitypub::id_of(inner);
  if (inner.is_object()) {
    if (auto actor = inner.find("actor");
        actor != inner.end() && activitypub::id_of(*actor) != activity.actor)
      return InboxResult::ignored("Undo of another actor's activity");
    const auto type = activitypub::type_of(inner).value_or("");
    if (type == "Follow") {
      auto object = inner.find("object");
      std::optional<std::string> username;
      if (object != inner.end()) {
        if (auto target = activitypub::id_of(*object))
          username = ctx.uris.username_from_actor(*target);
      }
      if (!username)
        return InboxResult::ignored("Undo of a Follow of an actor that is not on this server");
      if (!ctx.store.remove_follower(*username, activity.actor))
        return InboxResult::ignored("Undo of a Follow by an actor that is not a follower");
      return InboxResult::processed("follower removed");
    }
    if (!type.empty() && type != "Like" && type != "Announce")
      return InboxResult::ignored("Undo of a " + type + " is not processed");
  }
  if (!ctx.store.remove_reaction(inner_id, activity.actor))
    return InboxResult::ignored("nothing recorded for the undone activity");
  return InboxResult::processed("reaction removed");
}

}  // namespace artdag::services::federation::inbox
