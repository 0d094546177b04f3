// Helpers the per-type handlers share, and the table from type to handler.
#include <map>

#include "activitypub/remote_documents.h"
#include "services/federation/inbox/handlers.h"
#include "util/error.h"

namespace artdag::services::federation::inbox {

Handler handler_for(const std::string& type) {
  static const std::map<std::string, Handler> handlers = {
      {"Follow", handle_follow}, {"Undo", handle_undo},     {"Accept", handle_accept},
      {"Reject", handle_reject}, {"Like", handle_like},     {"Announce", handle_announce},
      {"Create", handle_create}, {"Delete", handle_delete},
  };
  auto it = handlers.find(type);
  return it == handlers.end() ? nullptr : it->second;
}

const Json& required_object(const InboxActivity& activity) {
  auto it = activity.json.find("object");
  if (it == activity.json.end() || !activitypub::id_of(*it))
    throw ApiError::unprocessable(activity.type + " has no object");
  return *it;
}

std::optional<std::string> local_asset_hash(const Context& ctx, const Json& object) {
  auto id = activitypub::id_of(object);
  if (!id) return std::nullopt;
  std::optional<std::string> hash = ctx.uris.content_hash_from_object(*id);
  if (!hash) {
    if (auto index = ctx.uris.index_from_activity(*id)) {
      if (auto logged = ctx.store.find_activity(*index); logged && !logged->object_hash.empty())
        hash = logged->object_hash;
    }
  }
  if (!hash || !ctx.store.find_asset_by_hash(*hash)) return std::nullopt;
  return hash;
}

InboxResult record_reaction(const Context& ctx, const InboxActivity& activity) {
  const Json& object = required_object(activity);
  auto hash = local_asset_hash(ctx, object);
  if (!hash) return InboxResult::ignored(activity.type + " of something that is not an asset here");
  if (!ctx.store.record_reaction(activity.type, activity.id, activity.actor, *hash))
    return InboxResult::ignored(activity.type + " recorded already");
  return InboxResult::processed(activity.type + " recorded");
}

std::optional<std::string> follower_of_answered_follow(const Context& ctx,
                                                       const InboxActivity& activity,
                                                       std::string* why_not) {
  const Json& inner = required_object(activity);
  const auto inner_id = *activitypub::id_of(inner);
  std::optional<std::string> username;
  if (inner.is_object()) {
    if (auto type = activitypub::type_of(inner); type && *type != "Follow") {
      *why_not = activity.type + " of a " + *type + " is not processed";
      return std::nullopt;
    }
    if (auto object = inner.find("object");
        object != inner.end() && activitypub::id_of(*object) != activity.actor) {
      *why_not = activity.type + " of a Follow of another actor";
      return std::nullopt;
    }
    if (auto actor = inner.find("actor"); actor != inner.end()) {
      if (auto actor_id = activitypub::id_of(*actor))
        username = ctx.uris.username_from_actor(*actor_id);
    }
  }
  if (!username) username = ctx.uris.username_from_user_activity(inner_id, "follows");
  if (!username) *why_not = activity.type + " of a Follow that was not sent from this server";
  return username;
}

}  // namespace artdag::services::federation::inbox
