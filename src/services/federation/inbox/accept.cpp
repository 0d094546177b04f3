// Accept of a Follow a local user sent: the follow becomes "accepted". The Follow is found
// by the local user it names (the embedded Follow's actor, or the user in our Follow id) and
// the Accept's actor, who must be the one that was followed.
#include "activitypub/remote_documents.h"
#include "services/federation/inbox/handlers.h"

namespace artdag::services::federation::inbox {

InboxResult handle_accept(const Context& ctx, const InboxActivity& activity) {
  std::string why_not;
  const auto username = follower_of_answered_follow(ctx, activity, &why_not);
  if (!username) return InboxResult::ignored(why_not);
  if (!ctx.store.find_following(*username, activity.actor))
    return InboxResult::ignored("no Follow of this actor by " + *username);
  ctx.store.set_following_state(*username, activity.actor, "accepted");
  return InboxResult::processed("follow accepted");
}

}  // namespace artdag::services::federation::inbox
