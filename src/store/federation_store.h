#pragma once
// Remote actors, follows both ways, reactions, remote claims, inbox bookkeeping.
// Part of the store (store.h composes the areas); implementations are thread-safe and throw
// StoreUnavailable (util/error.h) when the database cannot be reached.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "store/federation_rows.h"
#include "store/rows.h"

namespace artdag::store {

class FederationStore {
 public:
  virtual ~FederationStore() = default;

  // Remote actor cache (keyed by actor URL; also found by publicKey.id).
  virtual void upsert_remote_actor(const RemoteActor& actor) = 0;
  virtual std::optional<RemoteActor> find_remote_actor(const std::string& actor_url) = 0;
  virtual std::optional<RemoteActor> find_remote_actor_by_key_id(const std::string& key_id) = 0;
  // Removes the actor everywhere: cache, followers, following, reactions (counts recomputed)
  // and remote claims. Returns whether anything was removed.
  virtual bool delete_remote_actor(const std::string& actor_url) = 0;

  // Domain blocks. add_domain_block returns false when the host was blocked already (its
  // reason is updated). Blocking also removes the followers whose actor is on the domain
  // and drops the queued deliveries to it: `removed` counts both.
  struct BlockEffect {
    bool added = false;
    int64_t followers_removed = 0;
    int64_t deliveries_dropped = 0;
  };
  virtual BlockEffect add_domain_block(const DomainBlock& block) = 0;
  virtual bool remove_domain_block(const std::string& host) = 0;
  virtual std::vector<DomainBlock> list_domain_blocks() = 0;

  // Remote followers of local users. add_follower returns false when the pair existed
  // (its inbox and shared inbox are refreshed).
  virtual bool add_follower(const Follower& follower) = 0;
  virtual bool remove_follower(const std::string& username, const std::string& actor_url) = 0;
  // Newest first; before_id is a keyset cursor on Follower::id.
  virtual std::vector<Follower> list_followers(const std::string& username,
                                               std::optional<int64_t> before_id, int limit) = 0;
  virtual int64_t count_followers(const std::string& username) = 0;
  // The user's followers whose actor URL starts with `prefix` ("https://host/").
  virtual int64_t count_followers_on_host(const std::string& username,
                                          const std::string& prefix) = 0;
  virtual bool find_follower(const std::string& username, const std::string& actor_url) = 0;

  // Local users following remote actors. add_following returns false when the pair existed.
  virtual bool add_following(const Following& following) = 0;
  virtual bool set_following_state(const std::string& username, const std::string& target_actor_url,
                                   const std::string& state) = 0;
  virtual std::optional<Following> find_following(const std::string& username,
                                                  const std::string& target_actor_url) = 0;
  virtual bool remove_following(const std::string& username,
                                const std::string& target_actor_url) = 0;
  virtual std::vector<Following> list_following(const std::string& username,
                                                std::optional<int64_t> before_id, int limit) = 0;
  virtual int64_t count_following(const std::string& username) = 0;
  // Local usernames that follow (pending or accepted) the remote actor.
  virtual std::vector<std::string> local_followers_of(const std::string& target_actor_url) = 0;

  // Inbox bookkeeping. Each returns false for a duplicate.
  virtual bool mark_activity_seen(const std::string& activity_id, int64_t now) = 0;
  // Forgets ids seen before `before` (unix seconds); returns how many.
  virtual int64_t purge_inbox_seen(int64_t before) = 0;
  // Drops cached actors fetched before `before` that no local user follows and that follow
  // no local user (those are kept: their inboxes are used); returns how many.
  virtual int64_t purge_remote_actors(int64_t before) = 0;
  // A Like or Announce of a local asset: recorded once per (type, actor, asset), and the
  // asset's like_count / announce_count follows.
  virtual bool record_reaction(const std::string& type, const std::string& activity_id,
                               const std::string& actor_url, const std::string& content_hash) = 0;
  // Undo of a reaction, only by the actor that made it.
  virtual bool remove_reaction(const std::string& activity_id, const std::string& actor_url) = 0;
  virtual bool record_remote_claim(const RemoteClaim& claim) = 0;
  // Newest first; actor_url empty means all.
  virtual std::vector<RemoteClaim> list_remote_claims(const std::string& actor_url, int limit) = 0;

  // The federated registry. Remote claims with a content hash that are neither refuted nor
  // finished (proven with a first cosignature time) and due at `now`, earliest due first.
  virtual std::vector<RemoteClaimProof> remote_claims_due(int64_t now, int limit) = 0;
  // Stores the prover's findings for `proof.activity_id` (log_origin, log_index, proven,
  // first_cosigned_at, refuted, last_error, check_attempts, next_check_at).
  virtual void save_remote_claim_proof(const RemoteClaimProof& proof) = 0;
  // Every remote claim of the hash, oldest received first (at most 1000).
  virtual std::vector<RemoteClaimProof> remote_claims_of_hash(const std::string& content_hash) = 0;
  // Pinned remote logs, by server origin. pin_remote_log keeps an existing pin (false then).
  virtual std::optional<RemoteLog> find_remote_log(const std::string& server) = 0;
  virtual bool pin_remote_log(const RemoteLog& log) = 0;
  virtual std::vector<RemoteLog> list_remote_logs() = 0;  // by server
};

}  // namespace artdag::store
