#pragma once
// Records for federation: remote actors, followers, follows, the delivery queue, and what
// the inbox recorded. Plain data; no SQL, no JSON building.
#include <cstdint>
#include <optional>
#include <string>

namespace artdag::store {

// A remote actor as last fetched (the cache behind signature checks and deliveries).
struct RemoteActor {
  std::string actor_url;  // id of the actor document
  std::string inbox;
  std::string shared_inbox;  // may be empty
  std::string key_id;        // publicKey.id
  std::string public_key_pem;
  std::string preferred_username;
  std::string json;        // the actor document as fetched
  int64_t fetched_at = 0;  // unix seconds
};

// Someone (remote) following a local user.
struct Follower {
  int64_t id = 0;         // insertion order; collection cursor
  std::string username;   // local user being followed
  std::string actor_url;  // remote follower
  std::string inbox;
  std::string shared_inbox;
  std::string created_at;
};

// A blocked domain: it and its subdomains, on every port (docs/protocol.md "Moderation").
struct DomainBlock {
  std::string host;  // lower case, no port
  std::string reason;
  int64_t created_at = 0;
};

// A local user following someone (remote). state: "pending" until Accept, then "accepted".
struct Following {
  int64_t id = 0;
  std::string username;
  std::string target_actor_url;
  std::string follow_activity_id;  // id of our Follow, so Undo and Accept can refer to it
  std::string state;
  std::string created_at;
};

// One delivery: a payload to one inbox, signed as `sender` at send time.
struct DeliveryJob {
  int64_t id = 0;
  std::string sender;  // local username whose key signs
  std::string inbox_url;
  std::string payload;  // exact JSON bytes to POST (the Digest covers them)
  int attempts = 0;
  int64_t next_attempt_at = 0;  // unix seconds
  std::string last_error;
  int64_t created_at = 0;  // unix seconds
};

// What the inbox recorded about a local asset or from a followed actor.
struct RemoteClaim {
  std::string activity_id;
  std::string actor_url;
  std::string object_id;
  std::string content_hash;  // may be empty when the object carries none
  std::string json;
  std::string received_at;
};

}  // namespace artdag::store
