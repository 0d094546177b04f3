#include "services/publication_service.h"

#include "util/error.h"

namespace artdag::services {

PublicationService::PublicationService(store::Store& store, crypto::KeyStore& keys,
                                       const activitypub::Uris& uris)
    : store_(store), keys_(keys), uris_(uris) {}

store::User PublicationService::get_user(const std::string& username) {
  if (!activitypub::is_valid_username(username)) throw ApiError::not_found("User not found");
  auto user = store_.find_user(username);
  if (!user) throw ApiError::not_found("User not found");
  return *user;
}

std::string PublicationService::public_key_pem(const std::string& username) {
  return keys_.ensure(username).public_pem();
}

Json PublicationService::actor(const std::string& username) {
  auto user = get_user(username);
  return activitypub::actor_document(uris_, user, public_key_pem(user.username));
}

Json PublicationService::webfinger(const std::string& resource) {
  auto lookup = uris_.parse_webfinger_resource(resource);
  if (lookup.match == activitypub::ResourceMatch::malformed)
    throw ApiError::bad_request("resource must be acct:user@domain or an actor URL");
  if (lookup.match == activitypub::ResourceMatch::not_ours || !store_.find_user(lookup.username))
    throw ApiError::not_found("No such account here");
  return activitypub::webfinger_document(uris_, lookup.username);
}

Json PublicationService::nodeinfo() {
  auto stats = store_.stats();
  activitypub::NodeInfoUsage usage{stats.users, stats.activities};
  return activitypub::nodeinfo_document(ARTDAG_VERSION, usage, true,
                                        Json{{"nodeName", uris_.domain()}});
}

Json PublicationService::outbox(const std::string& username, const std::string& encoded_query) {
  auto user = get_user(username);
  auto query = activitypub::parse_collection_query(encoded_query);
  if (!query) throw ApiError::bad_request("Bad collection query");
  std::string id = uris_.outbox(user.username);
  if (!query->page)
    return activitypub::ordered_collection(uris_, id, store_.count_activities(user.username));

  const int limit = activitypub::kCollectionPageSize;
  activitypub::CollectionPage page;
  std::vector<store::Activity> rows;
  if (query->min_id) {
    // Newer than min_id: the `limit` closest to it, shown newest first.
    rows = {};  // TODO(lead): store_.list_activities_after once the store has it
    page.has_newer = static_cast<int>(rows.size()) > limit;
    if (page.has_newer) rows.resize(limit);
    std::reverse(rows.begin(), rows.end());
    page.has_older = true;
  } else {
    rows = store_.list_activities(user.username, query->max_id, limit + 1);
    page.has_older = static_cast<int>(rows.size()) > limit;
    if (page.has_older) rows.resize(limit);
    page.has_newer = query->max_id.has_value();
  }
  for (const auto& row : rows)
    page.items.push_back({row.index, Json::parse(row.json)});
  return activitypub::ordered_collection_page(uris_, id, *query, page);
}

std::vector<store::Activity> PublicationService::log_page(std::optional<int64_t> before_index,
                                                          int limit) {
  return store_.list_activities("", before_index, limit);
}

Json PublicationService::activity(int64_t index) {
  auto row = store_.find_activity(index);
  if (!row) throw ApiError::not_found("Activity not found");
  return Json::parse(row->json);
}

Json PublicationService::object(const std::string& content_hash) {
  auto asset = store_.find_asset_by_hash(content_hash);
  if (!asset) throw ApiError::not_found("Object not found");
  return activitypub::object_document(uris_, *asset);
}

}  // namespace artdag::services
