#include "services/publication_service.h"

#include "crypto/uuid.h"
#include "services/claim_log/claim_log_service.h"
#include "util/error.h"
#include "util/paging.h"

namespace artdag::services {

PublicationService::PublicationService(store::Store& store, crypto::KeyStore& keys,
                                       const activitypub::Uris& uris,
                                       claim_log::ClaimLogService* claim_log)
    : store_(store), keys_(keys), uris_(uris), claim_log_(claim_log) {}

store::User PublicationService::get_user(const std::string& username) {
  if (!activitypub::is_valid_username(username)) throw ApiError::not_found("User not found");
  auto user = store_.find_user(username);
  if (!user) throw ApiError::not_found("User not found");
  return *user;
}

std::optional<std::string> PublicationService::public_key_pem(const std::string& username,
                                                              const std::string& key_id) {
  for (const auto& key : keys_.published(username))
    if (uris_.key_id(username, key.generation) == key_id) return key.rsa_public_pem;
  return std::nullopt;
}

Json PublicationService::actor(const std::string& username) {
  auto user = get_user(username);
  return activitypub::actor_document(uris_, user, keys_.published(user.username));
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
  Json metadata{{"nodeName", uris_.domain()}};
  if (claim_log_) metadata["claimLog"] = claim_log_->metadata();
  return activitypub::nodeinfo_document(ARTDAG_VERSION, usage, true, metadata);
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
    rows = store_.list_activities_after(user.username, *query->min_id, limit + 1);
    page.has_newer = trim_to_page(rows, limit);
    std::reverse(rows.begin(), rows.end());
    // min_id names an item seen before (or -1 for the oldest page): older items exist
    // unless we are at the start of the log.
    page.has_older = *query->min_id >= 0;
  } else {
    rows = store_.list_activities(user.username, query->max_id, limit + 1);
    page.has_older = trim_to_page(rows, limit);
    page.has_newer = query->max_id.has_value();
  }
  for (const auto& row : rows) page.items.push_back({row.index, Json::parse(row.json)});
  return activitypub::ordered_collection_page(uris_, id, *query, page);
}

namespace {

// A followers/following collection or page over rows listed newest first by keyset on
// their id. `list(before_id, limit)` gives the rows, `item(row)` the actor URL.
template <class List, class Item>
Json actor_collection(const activitypub::Uris& uris, const std::string& id,
                      const std::string& encoded_query, int64_t total, List list, Item item) {
  auto query = activitypub::parse_collection_query(encoded_query);
  if (!query) throw ApiError::bad_request("Bad collection query");
  if (query->min_id)
    throw ApiError::bad_request("min_id is not supported here: follow the pages' next links");
  if (!query->page) {
    Json doc = activitypub::ordered_collection(uris, id, total);
    doc.erase("last");  // it would be a min_id page
    return doc;
  }
  const int limit = activitypub::kCollectionPageSize;
  auto rows = list(query->max_id, limit + 1);
  activitypub::CollectionPage page;
  page.has_older = trim_to_page(rows, limit);
  page.has_newer = false;  // no prev link: it would be a min_id page
  for (const auto& row : rows) page.items.push_back({row.id, Json(item(row))});
  return activitypub::ordered_collection_page(uris, id, *query, page);
}

}  // namespace

Json PublicationService::followers(const std::string& username, const std::string& encoded_query) {
  auto user = get_user(username);
  return actor_collection(
      uris_, uris_.followers(user.username), encoded_query, store_.count_followers(user.username),
      [&](std::optional<int64_t> before, int limit) {
        return store_.list_followers(user.username, before, limit);
      },
      [](const store::Follower& f) { return f.actor_url; });
}

Json PublicationService::following(const std::string& username, const std::string& encoded_query) {
  auto user = get_user(username);
  return actor_collection(
      uris_, uris_.following(user.username), encoded_query, store_.count_following(user.username),
      [&](std::optional<int64_t> before, int limit) {
        return store_.list_following(user.username, before, limit);
      },
      [](const store::Following& f) { return f.target_actor_url; });
}

std::vector<store::Activity> PublicationService::log_page(std::optional<int64_t> before_index,
                                                          int limit) {
  return store_.list_activities("", before_index, limit);
}

std::string PublicationService::activity_wire(const std::string& index_or_uuid) {
  std::optional<store::Activity> row;
  if (auto index = parse_whole_number(index_or_uuid, 0)) {
    row = store_.find_activity(*index);
  } else if (crypto::is_uuid_v7(index_or_uuid)) {
    row = store_.find_activity_by_id(uris_.activity_by_uuid(index_or_uuid));
  }
  if (!row) throw ApiError::not_found("Activity not found");
  // Stored as it was signed (canonical since the claim log): served as is.
  return std::move(row->json);
}

Json PublicationService::object(const std::string& content_hash) {
  auto asset = store_.find_asset_by_hash(content_hash);
  if (!asset) throw ApiError::not_found("Object not found");
  return activitypub::object_document(uris_, *asset);
}

std::optional<store::Activity> PublicationService::find_activity(int64_t index) {
  return store_.find_activity(index);
}

std::vector<store::Activity> PublicationService::activities_of(const std::string& username,
                                                               int limit) {
  return store_.list_activities(username, std::nullopt, limit);
}

int64_t PublicationService::count_activities(const std::string& username) {
  return store_.count_activities(username);
}

store::Stats PublicationService::stats() {
  return store_.stats();
}

}  // namespace artdag::services
