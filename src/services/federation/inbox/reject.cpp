// Reject of a Follow a local user sent (or a later removal of that user as a follower): the
// follow is removed, so it no longer shows as pending and Creates from that actor are no
// longer recorded for this user.
#include "services/federation/inbox/handlers.h"

namespace artdag::services::federation::inbox {

InboxResult handle_reject(const Context& ctx, const InboxActivity& activity) {
  std::string why_not;
  const auto username = follower_of_answered_follow(ctx, activity, &why_not);
  if (!username) return InboxResult::ignored(why_not);
  if (!ctx.store.remove_following(*username, activity.actor))
    return InboxResult::ignored("no Follow of this actor by " + *username);
  return InboxResult::processed("follow rejected and removed");
}

}  // namespace artdag::services::federation::inbox
