// Delete of an actor by itself (object = the actor's id, or a Tombstone with that id): the
// actor is removed everywhere (cache, followers, follows, reactions with their counts,
// remote claims). Deletes of single objects are ignored: remote claims are a record of what
// was claimed, and this server keeps no copies of remote posts.
#include "activitypub/remote_documents.h"
#include "services/federation/inbox/handlers.h"

namespace artdag::services::federation::inbox {

InboxResult handle_delete(const Context& ctx, const InboxActivity& activity) {
  const auto object_id = *activitypub::id_of(required_object(activity));
  if (object_id != activity.actor)
    return InboxResult::ignored("Delete of an object; only actor deletions are processed");
  if (!ctx.store.delete_remote_actor(activity.actor))
    return InboxResult::ignored("nothing known of the deleted actor");
  return InboxResult::processed(ctx.signer ? "actor removed"
                                           : "actor removed (gone at its origin)");
}

}  // namespace artdag::services::federation::inbox
