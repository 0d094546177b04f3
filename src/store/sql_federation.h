#pragma once
// Private to store/: the federation half of the SQL store (sql_store.cpp forwards to these).
#include <optional>
#include <string>
#include <vector>

#include "store/delivery_store.h"
#include "store/federation_store.h"
#include "store/sql_backend.h"
#include "util/text.h"

namespace artdag::store::sql::federation {

// Written in the same transaction as the activity at `index` (see Store::expand_fanouts).
void insert_fanout(Conn& c, int64_t index, const std::string& actor, int64_t now);

void upsert_remote_actor(Backend& db, const RemoteActor& actor);
std::optional<RemoteActor> find_remote_actor(Backend& db, const std::string& actor_url);
std::optional<RemoteActor> find_remote_actor_by_key_id(Backend& db, const std::string& key_id);
bool delete_remote_actor(Backend& db, const std::string& actor_url);

bool add_follower(Backend& db, const Follower& f);
bool remove_follower(Backend& db, const std::string& username, const std::string& actor_url);
std::vector<Follower> list_followers(Backend& db, const std::string& username,
                                     std::optional<int64_t> before_id, int limit);
int64_t count_followers(Backend& db, const std::string& username);
int64_t count_followers_on_host(Backend& db, const std::string& username,
                                const std::string& prefix);
bool find_follower(Backend& db, const std::string& username, const std::string& actor_url);

bool add_following(Backend& db, const Following& f);
bool set_following_state(Backend& db, const std::string& username, const std::string& target,
                         const std::string& state);
std::optional<Following> find_following(Backend& db, const std::string& username,
                                        const std::string& target);
bool remove_following(Backend& db, const std::string& username, const std::string& target);
std::vector<Following> list_following(Backend& db, const std::string& username,
                                      std::optional<int64_t> before_id, int limit);
int64_t count_following(Backend& db, const std::string& username);
std::vector<std::string> local_followers_of(Backend& db, const std::string& target);

bool mark_activity_seen(Backend& db, const std::string& activity_id, int64_t now);
int64_t purge_inbox_seen(Backend& db, int64_t before);
int64_t purge_remote_actors(Backend& db, int64_t before);
bool record_reaction(Backend& db, const std::string& type, const std::string& activity_id,
                     const std::string& actor_url, const std::string& content_hash);
bool remove_reaction(Backend& db, const std::string& activity_id, const std::string& actor_url);
bool record_remote_claim(Backend& db, const RemoteClaim& claim);
std::vector<RemoteClaim> list_remote_claims(Backend& db, const std::string& actor_url, int limit);
std::vector<RemoteClaimProof> remote_claims_due(Backend& db, int64_t now, int limit);
void save_remote_claim_proof(Backend& db, const RemoteClaimProof& proof);
std::vector<RemoteClaimProof> remote_claims_of_hash(Backend& db, const std::string& content_hash);
std::optional<RemoteLog> find_remote_log(Backend& db, const std::string& server);
bool pin_remote_log(Backend& db, const RemoteLog& log);
std::vector<RemoteLog> list_remote_logs(Backend& db);

int64_t expand_fanouts(Backend& db, int64_t now, int max_activities);
int64_t enqueue_delivery(Backend& db, const std::string& sender, const std::string& inbox_url,
                         const std::string& payload, int64_t now);
std::vector<DeliveryJob> claim_deliveries(Backend& db, const std::string& worker, int64_t now,
                                          int64_t lease_until, int limit);
void complete_delivery(Backend& db, int64_t job_id);
void retry_delivery(Backend& db, int64_t job_id, int64_t next_attempt_at, const std::string& error);
void postpone_deliveries(Backend& db, const std::vector<int64_t>& job_ids, int64_t next_attempt_at);
std::optional<DeliveryStore::SignatureStyle> signature_style(Backend& db,
                                                             const std::string& origin);
FederationStore::BlockEffect add_domain_block(Backend& db, const DomainBlock& block);
bool remove_domain_block(Backend& db, const std::string& host);
std::vector<DomainBlock> list_domain_blocks(Backend& db);
void remember_signature_style(Backend& db, const std::string& origin, const std::string& style,
                              int64_t now);
void drop_delivery(Backend& db, int64_t job_id, const std::string& error);
int64_t purge_dead_deliveries(Backend& db, int64_t before);
DeliveryStore::DeliveryCounts delivery_counts(Backend& db);
std::vector<DeliveryJob> list_deliveries(Backend& db, const std::string& state, int limit);

// The two areas as one implementation over a backend; SqlStore inherits it (the areas are
// virtual bases of Store, so these methods are its overriders).
class SqlFederationAreas : public virtual FederationStore, public virtual DeliveryStore {
 public:
  explicit SqlFederationAreas(Backend& db) : db_(db) {}

  void upsert_remote_actor(const RemoteActor& a) override {
    federation::upsert_remote_actor(db_, a);
  }
  std::optional<RemoteActor> find_remote_actor(const std::string& url) override {
    return federation::find_remote_actor(db_, url);
  }
  std::optional<RemoteActor> find_remote_actor_by_key_id(const std::string& key_id) override {
    return federation::find_remote_actor_by_key_id(db_, key_id);
  }
  bool delete_remote_actor(const std::string& url) override {
    return federation::delete_remote_actor(db_, url);
  }
  bool add_follower(const Follower& f) override { return federation::add_follower(db_, f); }
  bool remove_follower(const std::string& username, const std::string& actor_url) override {
    return federation::remove_follower(db_, ascii_lower(username), actor_url);
  }
  std::vector<Follower> list_followers(const std::string& username,
                                       std::optional<int64_t> before_id, int limit) override {
    return federation::list_followers(db_, ascii_lower(username), before_id, limit);
  }
  int64_t count_followers(const std::string& username) override {
    return federation::count_followers(db_, ascii_lower(username));
  }
  int64_t count_followers_on_host(const std::string& username, const std::string& prefix) override {
    return federation::count_followers_on_host(db_, ascii_lower(username), prefix);
  }
  bool find_follower(const std::string& username, const std::string& actor_url) override {
    return federation::find_follower(db_, ascii_lower(username), actor_url);
  }
  bool add_following(const Following& f) override { return federation::add_following(db_, f); }
  bool set_following_state(const std::string& username, const std::string& target,
                           const std::string& state) override {
    return federation::set_following_state(db_, ascii_lower(username), target, state);
  }
  std::optional<Following> find_following(const std::string& username,
                                          const std::string& target) override {
    return federation::find_following(db_, ascii_lower(username), target);
  }
  bool remove_following(const std::string& username, const std::string& target) override {
    return federation::remove_following(db_, ascii_lower(username), target);
  }
  std::vector<Following> list_following(const std::string& username,
                                        std::optional<int64_t> before_id, int limit) override {
    return federation::list_following(db_, ascii_lower(username), before_id, limit);
  }
  int64_t count_following(const std::string& username) override {
    return federation::count_following(db_, ascii_lower(username));
  }
  std::vector<std::string> local_followers_of(const std::string& target) override {
    return federation::local_followers_of(db_, target);
  }
  bool mark_activity_seen(const std::string& activity_id, int64_t now) override {
    return federation::mark_activity_seen(db_, activity_id, now);
  }
  int64_t purge_inbox_seen(int64_t before) override {
    return federation::purge_inbox_seen(db_, before);
  }
  int64_t purge_remote_actors(int64_t before) override {
    return federation::purge_remote_actors(db_, before);
  }
  bool record_reaction(const std::string& type, const std::string& activity_id,
                       const std::string& actor_url, const std::string& content_hash) override {
    return federation::record_reaction(db_, type, activity_id, actor_url, content_hash);
  }
  bool remove_reaction(const std::string& activity_id, const std::string& actor_url) override {
    return federation::remove_reaction(db_, activity_id, actor_url);
  }
  bool record_remote_claim(const RemoteClaim& claim) override {
    return federation::record_remote_claim(db_, claim);
  }
  std::vector<RemoteClaim> list_remote_claims(const std::string& actor_url, int limit) override {
    return federation::list_remote_claims(db_, actor_url, limit);
  }
  std::vector<RemoteClaimProof> remote_claims_due(int64_t now, int limit) override {
    return federation::remote_claims_due(db_, now, limit);
  }
  void save_remote_claim_proof(const RemoteClaimProof& proof) override {
    federation::save_remote_claim_proof(db_, proof);
  }
  std::vector<RemoteClaimProof> remote_claims_of_hash(const std::string& content_hash) override {
    return federation::remote_claims_of_hash(db_, content_hash);
  }
  std::optional<RemoteLog> find_remote_log(const std::string& server) override {
    return federation::find_remote_log(db_, server);
  }
  bool pin_remote_log(const RemoteLog& log) override {
    return federation::pin_remote_log(db_, log);
  }
  std::vector<RemoteLog> list_remote_logs() override { return federation::list_remote_logs(db_); }
  int64_t expand_fanouts(int64_t now, int max_activities) override {
    return federation::expand_fanouts(db_, now, max_activities);
  }
  int64_t enqueue_delivery(const std::string& sender, const std::string& inbox_url,
                           const std::string& payload, int64_t now) override {
    return federation::enqueue_delivery(db_, sender, inbox_url, payload, now);
  }
  std::vector<DeliveryJob> claim_deliveries(const std::string& worker, int64_t now,
                                            int64_t lease_until, int limit) override {
    return federation::claim_deliveries(db_, worker, now, lease_until, limit);
  }
  void complete_delivery(int64_t job_id) override { federation::complete_delivery(db_, job_id); }
  void retry_delivery(int64_t job_id, int64_t next_attempt_at, const std::string& error) override {
    federation::retry_delivery(db_, job_id, next_attempt_at, error);
  }
  void drop_delivery(int64_t job_id, const std::string& error) override {
    federation::drop_delivery(db_, job_id, error);
  }
  int64_t purge_dead_deliveries(int64_t before) override {
    return federation::purge_dead_deliveries(db_, before);
  }
  void postpone_deliveries(const std::vector<int64_t>& job_ids, int64_t next_attempt_at) override {
    federation::postpone_deliveries(db_, job_ids, next_attempt_at);
  }
  BlockEffect add_domain_block(const DomainBlock& block) override {
    return federation::add_domain_block(db_, block);
  }
  bool remove_domain_block(const std::string& host) override {
    return federation::remove_domain_block(db_, host);
  }
  std::vector<DomainBlock> list_domain_blocks() override {
    return federation::list_domain_blocks(db_);
  }
  std::optional<SignatureStyle> signature_style(const std::string& origin) override {
    return federation::signature_style(db_, origin);
  }
  void remember_signature_style(const std::string& origin, const std::string& style,
                                int64_t now) override {
    federation::remember_signature_style(db_, origin, style, now);
  }
  DeliveryCounts delivery_counts() override { return federation::delivery_counts(db_); }
  std::vector<DeliveryJob> list_deliveries(const std::string& state, int limit) override {
    return federation::list_deliveries(db_, state, limit);
  }

 private:
  Backend& db_;
};

}  // namespace artdag::store::sql::federation
