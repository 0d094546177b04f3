#pragma once
// One handler per incoming activity type (follow.cpp, undo.cpp, ...), called by
// InboxService::receive() once the activity is verified and not a duplicate. A handler
// answers processed or ignored (both are 202 to the sender) and throws ApiError 422 only when
// the activity lacks what its type needs (an object).
#include <optional>
#include <string>

#include "activitypub/uris.h"
#include "services/federation/inbox.h"
#include "services/federation/outgoing.h"
#include "store/store.h"
#include "util/json.h"

namespace artdag::services::federation::inbox {

struct Context {
  store::Store& store;
  const activitypub::Uris& uris;
  Outgoing& outgoing;
  const std::optional<std::string>& inbox_user;  // personal inbox's user; nullopt: shared
  // The verified sender (the activity's actor); nullptr only for a self-Delete of an actor
  // that is gone (see inbox.h).
  const store::RemoteActor* signer;
  // Followers one local user may have on one remote host (0: no cap).
  int max_followers_per_host = 0;
};

using Handler = InboxResult (*)(const Context&, const InboxActivity&);

InboxResult handle_follow(const Context& ctx, const InboxActivity& activity);
InboxResult handle_undo(const Context& ctx, const InboxActivity& activity);
InboxResult handle_accept(const Context& ctx, const InboxActivity& activity);
InboxResult handle_reject(const Context& ctx, const InboxActivity& activity);
InboxResult handle_like(const Context& ctx, const InboxActivity& activity);
InboxResult handle_announce(const Context& ctx, const InboxActivity& activity);
InboxResult handle_create(const Context& ctx, const InboxActivity& activity);
InboxResult handle_delete(const Context& ctx, const InboxActivity& activity);

// The handler for a type; nullptr for types this server ignores.
Handler handler_for(const std::string& type);

// Shared helpers (inbox/common.cpp).
// The activity's `object` member; ApiError 422 "<Type> has no object" when absent or not a
// URL / object with an id.
const Json& required_object(const InboxActivity& activity);
// The content hash of a local asset that `object` names: its object URL (/objects/{h}) or
// its Create's URL (/activities/{i}); nullopt when it names nothing here.
std::optional<std::string> local_asset_hash(const Context& ctx, const Json& object);
// The local user whose Follow of `activity.actor` an Accept or Reject answers: the embedded
// Follow's actor, else the user in our Follow id. nullopt with the reason in `why_not`.
std::optional<std::string> follower_of_answered_follow(const Context& ctx,
                                                       const InboxActivity& activity,
                                                       std::string* why_not);
// Records a Like or Announce of a local asset.
InboxResult record_reaction(const Context& ctx, const InboxActivity& activity);

}  // namespace artdag::services::federation::inbox
