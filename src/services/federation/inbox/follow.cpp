// Follow of a local user: the follower is stored with its inbox and shared inbox (from the
// actor document the signature was checked against) and an Accept is queued to its inbox.
// A repeated Follow refreshes the inboxes and is accepted again (the follower may have lost
// the first Accept). This server accepts every follow (no account is locked) up to
// Context::max_followers_per_host new followers per remote host and local user.
#include "activitypub/activities.h"
#include "activitypub/remote_documents.h"
#include "services/federation/inbox/handlers.h"

namespace artdag::services::federation::inbox {

InboxResult handle_follow(const Context& ctx, const InboxActivity& activity) {
  const auto target = *activitypub::id_of(required_object(activity));
  const auto username = ctx.uris.username_from_actor(target);
  if (!username) return InboxResult::ignored("Follow of an actor that is not on this server");
  if (ctx.inbox_user && *ctx.inbox_user != *username)
    return InboxResult::ignored("Follow of another user than the inbox's");
  if (!ctx.store.find_user(*username)) return InboxResult::ignored("Follow of an unknown user");

  const store::RemoteActor& follower = *ctx.signer;
  // A new follower from a host that already has the cap of this user's followers is
  // refused: N actors of one domain cannot make every Create cost N deliveries.
  if (ctx.max_followers_per_host > 0 && !ctx.store.find_follower(*username, follower.actor_url)) {
    const auto origin = activitypub::url_origin(follower.actor_url).value_or("");
    if (ctx.store.count_followers_on_host(*username, origin + "/") >= ctx.max_followers_per_host)
      return InboxResult::ignored("this user has as many followers on that host as it may");
  }
  const bool added = ctx.store.add_follower(
      {0, *username, follower.actor_url, follower.inbox, follower.shared_inbox, ""});
  const std::string actor = ctx.uris.actor(*username);
  Json accept = activitypub::accept_activity(
      ctx.outgoing.new_activity_id(*username, "accepts"), actor,
      activitypub::follow_object(activity.id, activity.actor, target), activity.actor);
  ctx.outgoing.enqueue(*username, follower.inbox, accept);
  return InboxResult::processed(added ? "follower added, Accept queued"
                                      : "follower refreshed, Accept queued again");
}

}  // namespace artdag::services::federation::inbox
