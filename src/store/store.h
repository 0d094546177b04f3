#pragma once
// The one repository interface. SQLite and PostgreSQL implement it and pass the same tests.
// Implementations are thread-safe (they pool connections internally) and throw
// StoreUnavailable (util/error.h) when the database cannot be reached; they never throw
// ApiError and never build wire JSON.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "store/federation_rows.h"
#include "store/rows.h"

namespace artdag::store {

// What the registry asks to be created in one transaction.
struct NewAsset {
  Asset asset;  // id, activity_index, counts ignored
};

// Builds the activity for the index the store allocated. Called inside the transaction,
// after the asset row is in; if it throws, the transaction is rolled back and the exception
// propagates (the index is not consumed). Returns the activity JSON text to store.
// While it runs the store holds the activity-index lock and one pooled connection: it must
// be quick (sign and serialise) and must not call back into the store.
using ActivityBuilder = std::function<std::string(int64_t index)>;

enum class CreateConflict { kNameTaken, kHashOwned, kRunRecorded };
using CreateAssetResult = std::variant<Asset, CreateConflict>;

class Store {
 public:
  virtual ~Store() = default;

  virtual std::string backend() const = 0;  // "sqlite" or "postgresql"
  virtual bool ping() = 0;                  // false when the database cannot answer
  // Applies pending migrations; returns the schema version. Idempotent, safe with
  // several processes starting at once.
  virtual int migrate() = 0;

  // Users. Usernames are stored lower case; lookups are case-insensitive.
  virtual std::optional<User> create_user(const NewUser& user) = 0;  // nullopt: name taken
  virtual std::optional<User> find_user(const std::string& username) = 0;
  virtual bool set_password_hash(const std::string& username, const std::string& hash) = 0;
  virtual std::vector<User> list_users(int limit, int offset) = 0;

  // Revoked tokens (logout). Entries can be purged after they expire.
  virtual void revoke_token(const std::string& jti, int64_t expires_at) = 0;
  virtual bool is_token_revoked(const std::string& jti) = 0;

  // Registry. Inserts the asset and its activity (at the next dense index) atomically.
  virtual CreateAssetResult create_asset_with_activity(const NewAsset& asset,
                                                       const std::string& activity_type,
                                                       const ActivityBuilder& build) = 0;
  virtual std::optional<Asset> find_asset_by_name(const std::string& name) = 0;
  virtual std::optional<Asset> find_asset_by_hash(const std::string& content_hash) = 0;
  // The asset recorded from an L1 run, if any (run_id non-empty).
  virtual std::optional<Asset> find_asset_by_run(const std::string& l1_server,
                                                 const std::string& run_id) = 0;
  virtual std::vector<Asset> list_assets(const AssetQuery& query) = 0;  // newest first

  // Appends a non-asset activity (Announce, Follow, ...) at the next index, atomically.
  virtual Activity append_activity(const std::string& activity_type, const std::string& actor,
                                   const std::string& object_hash, const std::string& published,
                                   const ActivityBuilder& build) = 0;
  virtual std::optional<Activity> find_activity(int64_t index) = 0;
  // Newest first; actor empty means all actors; before_index is a keyset cursor.
  virtual std::vector<Activity> list_activities(const std::string& actor,
                                                std::optional<int64_t> before_index, int limit) = 0;
  // Oldest first: the `limit` activities just after after_index (paging towards newer
  // entries, e.g. a collection's min_id); actor empty means all actors.
  virtual std::vector<Activity> list_activities_after(const std::string& actor, int64_t after_index,
                                                      int limit) = 0;
  virtual int64_t count_activities(const std::string& actor) = 0;

  virtual Stats stats() = 0;

  // L1 renderers attached by users. attach_renderer returns false when the pair was
  // attached already (its attached_at is kept); detach_renderer false when it was not.
  virtual bool attach_renderer(const std::string& username, const std::string& l1_server,
                               const std::string& attached_at) = 0;
  virtual bool detach_renderer(const std::string& username, const std::string& l1_server) = 0;
  // The user's attachments, oldest first.
  virtual std::vector<RendererAttachment> list_renderers(const std::string& username) = 0;

  // ---- Federation ----

  // Remote actor cache (keyed by actor URL; also found by publicKey.id).
  virtual void upsert_remote_actor(const RemoteActor& actor) = 0;
  virtual std::optional<RemoteActor> find_remote_actor(const std::string& actor_url) = 0;
  virtual std::optional<RemoteActor> find_remote_actor_by_key_id(const std::string& key_id) = 0;
  // Removes the actor everywhere: cache, followers, following, reactions (counts recomputed)
  // and remote claims. Returns whether anything was removed.
  virtual bool delete_remote_actor(const std::string& actor_url) = 0;

  // Remote followers of local users. add_follower returns false when the pair existed
  // (its inbox and shared inbox are refreshed).
  virtual bool add_follower(const Follower& follower) = 0;
  virtual bool remove_follower(const std::string& username, const std::string& actor_url) = 0;
  // Newest first; before_id is a keyset cursor on Follower::id.
  virtual std::vector<Follower> list_followers(const std::string& username,
                                               std::optional<int64_t> before_id, int limit) = 0;
  virtual int64_t count_followers(const std::string& username) = 0;

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
  // A Like or Announce of a local asset: recorded once per (type, actor, asset), and the
  // asset's like_count / announce_count follows.
  virtual bool record_reaction(const std::string& type, const std::string& activity_id,
                               const std::string& actor_url, const std::string& content_hash) = 0;
  // Undo of a reaction, only by the actor that made it.
  virtual bool remove_reaction(const std::string& activity_id, const std::string& actor_url) = 0;
  virtual bool record_remote_claim(const RemoteClaim& claim) = 0;
  // Newest first; actor_url empty means all.
  virtual std::vector<RemoteClaim> list_remote_claims(const std::string& actor_url, int limit) = 0;

  // Delivery queue. Every activity appended to the log also gets an outbox_fanout row in
  // the same transaction; expand_fanouts turns those into one job per distinct inbox of the
  // actor's followers (shared inbox preferred) and returns the number of jobs created.
  virtual int64_t expand_fanouts(int64_t now, int max_activities) = 0;
  virtual int64_t enqueue_delivery(const std::string& sender, const std::string& inbox_url,
                                   const std::string& payload, int64_t now) = 0;
  // Leases up to `limit` due jobs to `worker` until `lease_until`. Several processes never
  // lease the same job at once (FOR UPDATE SKIP LOCKED on PostgreSQL).
  virtual std::vector<DeliveryJob> claim_deliveries(const std::string& worker, int64_t now,
                                                    int64_t lease_until, int limit) = 0;
  virtual void complete_delivery(int64_t job_id) = 0;  // delivered: removed
  virtual void retry_delivery(int64_t job_id, int64_t next_attempt_at,
                              const std::string& error) = 0;
  virtual void drop_delivery(int64_t job_id, const std::string& error) = 0;  // kept as 'dead'
  struct DeliveryCounts {
    int64_t pending = 0;  // jobs waiting or leased
    int64_t dead = 0;
    int64_t fanouts = 0;  // activities not yet expanded
  };
  virtual DeliveryCounts delivery_counts() = 0;
  virtual std::vector<DeliveryJob> list_deliveries(const std::string& state, int limit) = 0;
};

struct StoreOptions {
  // Connections kept per Store (each thread uses one at a time; more threads wait).
  int pool_size = 8;
};

// "" -> std::invalid_argument; "postgresql://..." or "postgres://..." -> PostgreSQL;
// anything else is a SQLite file path (its directory must exist; ":memory:" gives a private
// in-memory database on one connection). Connects once to check; throws StoreUnavailable if
// the database cannot be opened, with a message that never contains the password.
// Does not migrate: call migrate() before use.
std::unique_ptr<Store> open_store(const std::string& location, const StoreOptions& options = {});

}  // namespace artdag::store
