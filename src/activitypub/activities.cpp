#include "activitypub/activities.h"

#include "activitypub/documents.h"

namespace artdag::activitypub {

Json follow_object(std::string_view id, std::string_view actor, std::string_view object) {
  return Json{{"id", id}, {"type", "Follow"}, {"actor", actor}, {"object", object}};
}

Json follow_activity(std::string_view id, std::string_view actor, std::string_view target) {
  Json follow = follow_object(id, actor, target);
  follow["@context"] = kActivityStreamsContext;
  return follow;
}

Json undo_activity(std::string_view id, std::string_view actor, Json object, std::string_view to) {
  return Json{{"@context", kActivityStreamsContext},
              {"id", id},
              {"type", "Undo"},
              {"actor", actor},
              {"object", std::move(object)},
              {"to", Json::array({to})}};
}

Json update_actor_activity(const Uris& uris, std::string_view username, std::string_view id,
                           Json actor_document, std::string_view published) {
  Json context = actor_document.value("@context", Json(kActivityStreamsContext));
  actor_document.erase("@context");
  return Json{{"@context", std::move(context)},
              {"id", id},
              {"type", "Update"},
              {"actor", uris.actor(username)},
              {"object", std::move(actor_document)},
              {"published", published},
              {"to", Json::array({kPublicCollection})},
              {"cc", Json::array({uris.followers(username)})}};
}

Json accept_activity(std::string_view id, std::string_view actor, Json follow,
                     std::string_view follower) {
  return Json{{"@context", kActivityStreamsContext},
              {"id", id},
              {"type", "Accept"},
              {"actor", actor},
              {"object", std::move(follow)},
              {"to", Json::array({follower})}};
}

Json announce_activity(const Uris& uris, std::string_view username, const store::Asset& asset,
                       std::string_view activity_id, std::string_view published) {
  Json cc = Json::array({uris.followers(username)});
  if (asset.owner != username) cc.push_back(uris.actor(asset.owner));
  return Json{{"@context", activity_context()},
              {"id", activity_id},
              {"type", "Announce"},
              {"actor", uris.actor(username)},
              {"object", uris.object(asset.content_hash)},
              {"published", published},
              {"to", Json::array({kPublicCollection})},
              {"cc", std::move(cc)}};
}

}  // namespace artdag::activitypub
