// parse_inbox_activity(), the shape check of every incoming activity. Kept apart from
// inbox.cpp so the fuzz targets (fuzz/) link it without the store and the actor resolver.
#include "activitypub/remote_documents.h"
#include "services/federation/inbox.h"
#include "util/error.h"

namespace artdag::services::federation {

namespace {

constexpr std::size_t kMaxTypeLength = 64;

// The activity and its embedded objects are bounded by the body (1 MiB) and by the JSON
// depth limit of parse_json_object.
std::string required_url(const Json& activity, const char* name) {
  auto it = activity.find(name);
  if (it == activity.end() || it->is_null())
    throw ApiError::unprocessable(std::string("Activity has no ") + name);
  auto id = activitypub::id_of(*it);
  if (!id || !activitypub::is_http_url(*id))
    throw ApiError::unprocessable(std::string("Activity ") + name + " must be an http(s) URL");
  return *id;
}

}  // namespace

InboxActivity parse_inbox_activity(Json json) {
  if (!json.is_object()) throw ApiError::unprocessable("Activity must be a JSON object");
  InboxActivity activity;
  activity.actor = required_url(json, "actor");
  auto id = json.find("id");
  if (id == json.end() || !id->is_string() || !activitypub::is_http_url(id->get<std::string>()))
    throw ApiError::unprocessable("Activity id must be an http(s) URL");
  activity.id = id->get<std::string>();
  if (activitypub::url_origin(activity.id) != activitypub::url_origin(activity.actor))
    throw ApiError::unprocessable("Activity id must be on its actor's host");
  auto type = activitypub::type_of(json);
  if (!type || type->empty() || type->size() > kMaxTypeLength)
    throw ApiError::unprocessable("Activity type must be a non-empty string");
  activity.type = *type;
  activity.json = std::move(json);
  return activity;
}

}  // namespace artdag::services::federation
