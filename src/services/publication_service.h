#pragma once
// The ActivityPub read side: actors, discovery documents, the outbox, the activity log
// and objects, built from the store through activitypub/documents.
#include <optional>
#include <string>

#include "activitypub/documents.h"
#include "activitypub/uris.h"
#include "crypto/key_store.h"
#include "store/store.h"
#include "util/json.h"

namespace artdag::services {

namespace claim_log {
class ClaimLogService;
}

class PublicationService {
 public:
  PublicationService(store::Store& store, crypto::KeyStore& keys, const activitypub::Uris& uris,
                     claim_log::ClaimLogService* claim_log = nullptr);

  store::User get_user(const std::string& username);  // 404 when absent
  Json actor(const std::string& username);
  // The RSA public key `username` publishes under `key_id` (any generation: old claims name
  // the key they were signed with); nullopt when the user publishes no such key.
  std::optional<std::string> public_key_pem(const std::string& username, const std::string& key_id);
  // 400 malformed resource, 404 not ours or unknown user.
  Json webfinger(const std::string& resource);
  Json nodeinfo();
  // The outbox collection or one of its pages; 400 for a bad query, 404 unknown user.
  Json outbox(const std::string& username, const std::string& encoded_query);
  // The followers (remote actors following `username`) and following (actors `username`
  // follows, follow requests not yet accepted included) collections, or one of their
  // pages: actor URLs, newest first. Paged with max_id only (the store pages one way);
  // a min_id query is 400. 400 for a bad query, 404 unknown user.
  Json followers(const std::string& username, const std::string& encoded_query);
  Json following(const std::string& username, const std::string& encoded_query);
  // The whole log, newest first (for /activities): a page of activities.
  std::vector<store::Activity> log_page(std::optional<int64_t> before_index, int limit);
  // The activity at `index` exactly as stored and signed (wire JSON text); 404 when absent.
  // Found by its index (every activity) or its UUID (those signed with a UUID id).
  std::string activity_wire(const std::string& index_or_uuid);
  Json object(const std::string& content_hash);  // 404 when absent
  // The stored row of an activity (pages show it), or nullopt.
  std::optional<store::Activity> find_activity(int64_t index);
  // An actor's activities, newest first, and how many there are.
  std::vector<store::Activity> activities_of(const std::string& username, int limit);
  int64_t count_activities(const std::string& username);
  // The counts on the home page.
  store::Stats stats();

 private:
  store::Store& store_;
  crypto::KeyStore& keys_;
  const activitypub::Uris& uris_;
  claim_log::ClaimLogService* claim_log_;
};

}  // namespace artdag::services
