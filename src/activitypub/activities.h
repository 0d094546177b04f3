#pragma once
// The activities a local user sends that are not asset claims: Follow, Undo, Accept, Update
// (of the actor) and Announce. Pure builders; every URL comes from the caller or from Uris.
#include <cstdint>
#include <string>
#include <string_view>

#include "activitypub/uris.h"
#include "store/rows.h"
#include "util/json.h"

namespace artdag::activitypub {

// {id, type: "Follow", actor, object} without @context: the form embedded in Undo and Accept.
Json follow_object(std::string_view id, std::string_view actor, std::string_view object);

// A Follow of `target` (an actor URL) by `actor`, with @context.
Json follow_activity(std::string_view id, std::string_view actor, std::string_view target);

// An Undo of `object` (an activity without @context, e.g. follow_object()) by `actor`,
// addressed to `to`.
Json undo_activity(std::string_view id, std::string_view actor, Json object, std::string_view to);

// An Accept of `follow` (follow_object() of the Follow received) by `actor`, addressed to the
// follower.
Json accept_activity(std::string_view id, std::string_view actor, Json follow,
                     std::string_view follower);

// An Update `id` of `username`'s own actor, published at `published` (ISO 8601): the actor
// document as served (its @context moves to the activity), to Public, cc the followers. What
// a key rotation sends so followers fetch the actor again.
Json update_actor_activity(const Uris& uris, std::string_view username, std::string_view id,
                           Json actor_document, std::string_view published);

// The unsigned Announce `activity_id` by `username` of `asset`'s object, published at
// `published`: to Public, cc the user's followers and the asset owner's actor. Sign it with
// ld_signature like a Create.
Json announce_activity(const Uris& uris, std::string_view username, const store::Asset& asset,
                       std::string_view activity_id, std::string_view published);

}  // namespace artdag::activitypub
