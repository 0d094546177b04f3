#pragma once
// The one place that builds every URL this server puts on the wire, and parses them back.
// No other code concatenates strings into an ID: when ARTDAG_BASE_URL changes, only the
// Uris object built from it changes.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/identifiers.h"

namespace artdag::activitypub {

inline constexpr const char* kActivityStreamsContext = "https://www.w3.org/ns/activitystreams";
inline constexpr const char* kSecurityContext = "https://w3id.org/security/v1";
inline constexpr const char* kPublicCollection = "https://www.w3.org/ns/activitystreams#Public";

// True for a name of the form ^[a-z0-9_]{1,30}$, the only usernames this server issues.
using artdag::is_valid_username;

// What a WebFinger `resource` names.
enum class ResourceMatch {
  ours,       // one of our actors (which may still not exist): username is set
  not_ours,   // well formed, but another host, another path, or not a possible username: 404
  malformed,  // not an acct: URI nor an http(s) URL: 400
};
struct ResourceLookup {
  ResourceMatch match = ResourceMatch::malformed;
  std::string username;  // lower case; set when match == ours
};

class Uris {
 public:
  // `base_url`: scheme://host[:port] with an optional trailing slash (ARTDAG_BASE_URL);
  // `domain`: the host name in acct: URIs (ARTDAG_DOMAIN). Scheme and host are lower-cased
  // and a default port dropped. Throws std::invalid_argument for anything else (another
  // scheme, a path, query, fragment or userinfo, an empty domain).
  Uris(std::string_view base_url, std::string_view domain);

  const std::string& base() const { return base_; }            // "https://artdag.rose-ash.com"
  const std::string& domain() const { return domain_; }        // "artdag.rose-ash.com"
  const std::string& authority() const { return authority_; }  // host[:port] of base

  std::string actor(std::string_view username) const;  // BASE/users/{u}
  // BASE/users/{u}#main-key; a rotated key generation n > 1: BASE/users/{u}#main-key-{n}.
  std::string key_id(std::string_view username, int generation = 1) const;
  std::string inbox(std::string_view username) const;       // BASE/users/{u}/inbox
  std::string outbox(std::string_view username) const;      // BASE/users/{u}/outbox
  std::string followers(std::string_view username) const;   // BASE/users/{u}/followers
  std::string following(std::string_view username) const;   // BASE/users/{u}/following
  std::string shared_inbox() const;                         // BASE/inbox
  std::string object(std::string_view content_hash) const;  // BASE/objects/{h}
  std::string activity(int64_t index) const;                // BASE/activities/{i}
  // BASE/activities/{uuid}: the id of every activity signed since the claim log (the index
  // ids above belong to activities stored before).
  std::string activity_by_uuid(std::string_view uuid) const;
  std::string asset_page(std::string_view name) const;  // BASE/asset/{name}
  std::string tag_page(std::string_view tag) const;     // BASE/assets?tag={tag}
  std::string acct(std::string_view username) const;    // acct:{u}@{domain}
  std::string webfinger_template() const;               // BASE/.well-known/webfinger?resource={uri}
  std::string nodeinfo() const;                         // BASE/nodeinfo/2.1
  // Ids of a user's activities that are not in the public log (Follow, Undo, Accept):
  // BASE/users/{u}/{kind}/{token}. `kind` is a fixed word ("follows", "accepts"); `token`
  // a random [0-9a-z] string. These ids are unique but not served (not dereferenceable).
  std::string user_activity(std::string_view username, std::string_view kind,
                            std::string_view token) const;

  // A page of a collection: COLLECTION?page=true[&max_id=N][&min_id=N].
  std::string collection_page(std::string_view collection_id, std::optional<int64_t> max_id,
                              std::optional<int64_t> min_id) const;

  // The username when `url` is exactly one of our actor IDs (same scheme, host and port as
  // the base, path /users/{u} with a valid username, no query or fragment).
  std::optional<std::string> username_from_actor(std::string_view url) const;
  // The username when `key_id` is exactly key_id(u) for some valid u.
  std::optional<std::string> username_from_key_id(std::string_view key_id) const;
  // The content hash (64 lowercase hex) when `url` is exactly object(h).
  std::optional<std::string> content_hash_from_object(std::string_view url) const;
  // The index when `url` is exactly activity(i).
  std::optional<int64_t> index_from_activity(std::string_view url) const;
  // The username when `url` is user_activity(u, kind, t) (or that with a further "/undo"
  // segment) for some valid u and non-empty t.
  std::optional<std::string> username_from_user_activity(std::string_view url,
                                                         std::string_view kind) const;

  // Parses the WebFinger `resource` parameter (already query-decoded once by the caller).
  // Accepted forms: `acct:user@host` (scheme case-insensitive, user part percent-decoded
  // per RFC 7565 and matched case-insensitively; host is our domain or the base's
  // authority, case-insensitively) and our actor URL. Bare `user@host`, `@user@host`,
  // whitespace, an empty value and other schemes are malformed.
  ResourceLookup parse_webfinger_resource(std::string_view resource) const;

 private:
  std::string under_base(std::string_view path) const;
  // The encoded path segments of `url` when it has our scheme, host and port, no userinfo,
  // no query, and a fragment equal to `fragment` (none when empty).
  std::optional<std::vector<std::string>> local_segments(std::string_view url,
                                                         std::string_view fragment) const;

  std::string base_;
  std::string scheme_;
  std::string host_;
  uint16_t port_ = 0;  // effective port
  std::string authority_;
  std::string domain_;
};

}  // namespace artdag::activitypub
