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

// A remote claim with what the background prover learnt of it (docs/protocol.md "The
// federated registry"): where it is in its server's claim log, whether its inclusion was
// proven, and the earliest trusted witness cosignature of its evidence.
struct RemoteClaimProof {
  std::string activity_id;
  std::string actor_url;
  std::string content_hash;
  std::string json;  // the activity as received
  std::string received_at;
  std::string log_origin;  // "" until proven
  std::optional<int64_t> log_index;
  bool proven = false;
  std::optional<int64_t> first_cosigned_at;  // unix seconds
  std::string refuted;                       // why its proof failed; "" unless it did
  std::string last_error;                    // why the last check could not finish
  int64_t check_attempts = 0;                // checks since the last progress
  int64_t next_check_at = 0;                 // unix seconds
};

// A remote server's claim log, pinned on first use from its NodeInfo `metadata.claimLog`.
struct RemoteLog {
  std::string server;  // the server's origin, "https://host[:port]"
  std::string prefix;  // BASE/log
  std::string origin;  // the log's checkpoint origin (the key's name)
  std::string log_key;
  std::string witness_key;
  int64_t pinned_at = 0;
};

}  // namespace artdag::store
