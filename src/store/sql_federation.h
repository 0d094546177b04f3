#pragma once
// Private to store/: the federation half of the SQL store (sql_store.cpp forwards to these).
#include <optional>
#include <string>
#include <vector>

#include "store/sql_backend.h"
#include "store/store.h"

namespace artdag::store::sql::federation {

// Written in the same transaction as the activity at `index` (see Store::expand_fanouts).
void insert_fanout(Conn& c, int64_t index, int64_t now);

void upsert_remote_actor(Backend& db, const RemoteActor& actor);
std::optional<RemoteActor> find_remote_actor(Backend& db, const std::string& actor_url);
std::optional<RemoteActor> find_remote_actor_by_key_id(Backend& db, const std::string& key_id);
bool delete_remote_actor(Backend& db, const std::string& actor_url);

bool add_follower(Backend& db, const Follower& f);
bool remove_follower(Backend& db, const std::string& username, const std::string& actor_url);
std::vector<Follower> list_followers(Backend& db, const std::string& username,
                                     std::optional<int64_t> before_id, int limit);
int64_t count_followers(Backend& db, const std::string& username);

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
bool record_reaction(Backend& db, const std::string& type, const std::string& activity_id,
                     const std::string& actor_url, const std::string& content_hash);
bool remove_reaction(Backend& db, const std::string& activity_id, const std::string& actor_url);
bool record_remote_claim(Backend& db, const RemoteClaim& claim);
std::vector<RemoteClaim> list_remote_claims(Backend& db, const std::string& actor_url, int limit);

int64_t expand_fanouts(Backend& db, int64_t now, int max_activities);
int64_t enqueue_delivery(Backend& db, const std::string& sender, const std::string& inbox_url,
                         const std::string& payload, int64_t now);
std::vector<DeliveryJob> claim_deliveries(Backend& db, const std::string& worker, int64_t now,
                                          int64_t lease_until, int limit);
void complete_delivery(Backend& db, int64_t job_id);
void retry_delivery(Backend& db, int64_t job_id, int64_t next_attempt_at, const std::string& error);
void drop_delivery(Backend& db, int64_t job_id, const std::string& error);
Store::DeliveryCounts delivery_counts(Backend& db);
std::vector<DeliveryJob> list_deliveries(Backend& db, const std::string& state, int limit);

}  // namespace artdag::store::sql::federation
