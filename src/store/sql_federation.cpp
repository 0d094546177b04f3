#include "store/sql_federation.h"

#include <algorithm>

#include "util/time.h"
#include "util/url.h"

namespace artdag::store::sql::federation {

namespace {

constexpr int kMaxPage = 1000;

// ---- remote actors ----
constexpr std::string_view kUpsertActor =
    "INSERT INTO remote_actors (actor_url, inbox, shared_inbox, key_id, public_key_pem, "
    "preferred_username, json, fetched_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
    "ON CONFLICT (actor_url) DO UPDATE SET inbox = excluded.inbox, "
    "shared_inbox = excluded.shared_inbox, key_id = excluded.key_id, "
    "public_key_pem = excluded.public_key_pem, preferred_username = excluded.preferred_username, "
    "json = excluded.json, fetched_at = excluded.fetched_at";
constexpr std::string_view kFindActor =
    "SELECT actor_url, inbox, shared_inbox, key_id, public_key_pem, preferred_username, json, "
    "fetched_at FROM remote_actors WHERE actor_url = $1";
constexpr std::string_view kFindActorByKey =
    "SELECT actor_url, inbox, shared_inbox, key_id, public_key_pem, preferred_username, json, "
    "fetched_at FROM remote_actors WHERE key_id = $1 ORDER BY fetched_at DESC LIMIT 1";
constexpr std::string_view kDeleteActor = "DELETE FROM remote_actors WHERE actor_url = $1";
constexpr std::string_view kDeleteActorFollowers = "DELETE FROM followers WHERE actor_url = $1";
constexpr std::string_view kDeleteActorFollowing =
    "DELETE FROM following WHERE target_actor_url = $1";
constexpr std::string_view kDeleteActorClaims = "DELETE FROM remote_claims WHERE actor_url = $1";
constexpr std::string_view kDeleteActorReactions = "DELETE FROM reactions WHERE actor_url = $1";
constexpr std::string_view kActorReactionHashes =
    "SELECT DISTINCT content_hash FROM reactions WHERE actor_url = $1";
// Counts follow the reactions table, so recomputing is always right.
constexpr std::string_view kRecountReactions =
    "UPDATE assets SET "
    "like_count = (SELECT COUNT(*) FROM reactions r WHERE r.type = 'Like' AND r.content_hash = "
    "assets.content_hash), "
    "announce_count = (SELECT COUNT(*) FROM reactions r WHERE r.type = 'Announce' AND "
    "r.content_hash = assets.content_hash) WHERE content_hash = $1";

// ---- followers / following ----
constexpr std::string_view kInsertFollower =
    "INSERT INTO followers (username, actor_url, inbox, shared_inbox, created_at) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username, actor_url) DO NOTHING";
constexpr std::string_view kRefreshFollower =
    "UPDATE followers SET inbox = $3, shared_inbox = $4 WHERE username = $1 AND actor_url = $2";
constexpr std::string_view kDeleteFollower =
    "DELETE FROM followers WHERE username = $1 AND actor_url = $2";
constexpr std::string_view kListFollowers[2] = {
    "SELECT id, username, actor_url, inbox, shared_inbox, created_at FROM followers "
    "WHERE username = $1 ORDER BY id DESC LIMIT $2",
    "SELECT id, username, actor_url, inbox, shared_inbox, created_at FROM followers "
    "WHERE username = $1 AND id < $2 ORDER BY id DESC LIMIT $3"};
constexpr std::string_view kCountFollowers = "SELECT COUNT(*) FROM followers WHERE username = $1";
constexpr std::string_view kCountFollowersOnHost =
    "SELECT COUNT(*) FROM followers WHERE username = $1 "
    "AND substr(actor_url, 1, length(CAST($2 AS TEXT))) = CAST($2 AS TEXT)";
constexpr std::string_view kFindFollower =
    "SELECT 1 FROM followers WHERE username = $1 AND actor_url = $2";

constexpr std::string_view kInsertFollowing =
    "INSERT INTO following (username, target_actor_url, follow_activity_id, state, created_at) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username, target_actor_url) DO NOTHING";
constexpr std::string_view kSetFollowingState =
    "UPDATE following SET state = $3 WHERE username = $1 AND target_actor_url = $2";
constexpr std::string_view kFindFollowing =
    "SELECT id, username, target_actor_url, follow_activity_id, state, created_at FROM following "
    "WHERE username = $1 AND target_actor_url = $2";
constexpr std::string_view kDeleteFollowing =
    "DELETE FROM following WHERE username = $1 AND target_actor_url = $2";
constexpr std::string_view kListFollowing[2] = {
    "SELECT id, username, target_actor_url, follow_activity_id, state, created_at FROM following "
    "WHERE username = $1 ORDER BY id DESC LIMIT $2",
    "SELECT id, username, target_actor_url, follow_activity_id, state, created_at FROM following "
    "WHERE username = $1 AND id < $2 ORDER BY id DESC LIMIT $3"};
constexpr std::string_view kCountFollowing = "SELECT COUNT(*) FROM following WHERE username = $1";
constexpr std::string_view kLocalFollowersOf =
    "SELECT username FROM following WHERE target_actor_url = $1 ORDER BY username";

// ---- inbox ----
constexpr std::string_view kMarkSeen =
    "INSERT INTO inbox_seen (activity_id, received_at) VALUES ($1, $2) "
    "ON CONFLICT (activity_id) DO NOTHING";
constexpr std::string_view kPurgeSeen = "DELETE FROM inbox_seen WHERE received_at < $1";
constexpr std::string_view kPurgeActors =
    "DELETE FROM remote_actors WHERE fetched_at < $1 "
    "AND NOT EXISTS (SELECT 1 FROM followers f WHERE f.actor_url = remote_actors.actor_url) "
    "AND NOT EXISTS (SELECT 1 FROM following g WHERE g.target_actor_url = remote_actors.actor_url)";
constexpr std::string_view kInsertReaction =
    "INSERT INTO reactions (activity_id, type, actor_url, content_hash, created_at) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";
constexpr std::string_view kFindReaction =
    "SELECT content_hash FROM reactions WHERE activity_id = $1 AND actor_url = $2";
constexpr std::string_view kDeleteReaction =
    "DELETE FROM reactions WHERE activity_id = $1 AND actor_url = $2";
constexpr std::string_view kInsertClaim =
    "INSERT INTO remote_claims (activity_id, actor_url, object_id, content_hash, json, "
    "received_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (activity_id) DO NOTHING";
constexpr std::string_view kListClaims[2] = {
    "SELECT activity_id, actor_url, object_id, content_hash, json, received_at FROM "
    "remote_claims ORDER BY id DESC LIMIT $1",
    "SELECT activity_id, actor_url, object_id, content_hash, json, received_at FROM "
    "remote_claims WHERE actor_url = $1 ORDER BY id DESC LIMIT $2"};

// ---- delivery ----
// Only an actor with followers has anyone to deliver to: the others' activities skip the
// queue (and the delivery worker's write that would expand them to nothing).
constexpr std::string_view kInsertFanout =
    "INSERT INTO outbox_fanout (activity_index, created_at) SELECT $1, $2 "
    "WHERE EXISTS (SELECT 1 FROM followers WHERE username = $3)";
// Cheap reads that spare the worker a write transaction when there is nothing to do.
constexpr std::string_view kAnyFanout = "SELECT 1 FROM outbox_fanout LIMIT 1";
constexpr std::string_view kAnyDueJob =
    "SELECT 1 FROM delivery_jobs WHERE state = 'pending' AND next_attempt_at <= $1 AND "
    "locked_until <= $1 LIMIT 1";
constexpr std::string_view kPendingFanoutsPg =
    "SELECT activity_index FROM outbox_fanout ORDER BY activity_index LIMIT $1 "
    "FOR UPDATE SKIP LOCKED";
constexpr std::string_view kPendingFanoutsSqlite =
    "SELECT activity_index FROM outbox_fanout ORDER BY activity_index LIMIT $1";
// One job per distinct inbox of the actor's followers, the shared inbox preferred.
constexpr std::string_view kFanoutJobs =
    "INSERT INTO delivery_jobs (sender, inbox_url, payload, attempts, next_attempt_at, created_at) "
    "SELECT a.actor, t.inbox_url, a.json, 0, $2, $2 FROM activities a JOIN "
    "(SELECT DISTINCT CASE WHEN f.shared_inbox <> '' THEN f.shared_inbox ELSE f.inbox END "
    "AS inbox_url, f.username FROM followers f) t ON t.username = a.actor WHERE a.idx = $1";
constexpr std::string_view kDeleteFanout = "DELETE FROM outbox_fanout WHERE activity_index = $1";
constexpr std::string_view kEnqueue =
    "INSERT INTO delivery_jobs (sender, inbox_url, payload, attempts, next_attempt_at, created_at) "
    "VALUES ($1, $2, $3, 0, $4, $4) RETURNING id";
constexpr std::string_view kClaimPg =
    "UPDATE delivery_jobs SET locked_by = $1, locked_until = $2 WHERE id IN ("
    "SELECT id FROM delivery_jobs WHERE state = 'pending' AND next_attempt_at <= $3 AND "
    "locked_until <= $3 ORDER BY next_attempt_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) "
    "RETURNING id, sender, inbox_url, payload, attempts, next_attempt_at, last_error, created_at";
constexpr std::string_view kClaimSqlite =
    "UPDATE delivery_jobs SET locked_by = $1, locked_until = $2 WHERE id IN ("
    "SELECT id FROM delivery_jobs WHERE state = 'pending' AND next_attempt_at <= $3 AND "
    "locked_until <= $3 ORDER BY next_attempt_at, id LIMIT $4) "
    "RETURNING id, sender, inbox_url, payload, attempts, next_attempt_at, last_error, created_at";
constexpr std::string_view kCompleteJob = "DELETE FROM delivery_jobs WHERE id = $1";
constexpr std::string_view kRetryJob =
    "UPDATE delivery_jobs SET attempts = attempts + 1, next_attempt_at = $2, last_error = $3, "
    "locked_by = '', locked_until = 0 WHERE id = $1";
constexpr std::string_view kPostponeJob =
    "UPDATE delivery_jobs SET next_attempt_at = $2, locked_by = '', locked_until = 0 "
    "WHERE id = $1";
constexpr std::string_view kSignatureStyle =
    "SELECT style, updated_at FROM peer_signature_styles WHERE origin = $1";
constexpr std::string_view kRememberSignatureStyle =
    "INSERT INTO peer_signature_styles (origin, style, updated_at) VALUES ($1, $2, $3) "
    "ON CONFLICT (origin) DO UPDATE SET style = excluded.style, updated_at = excluded.updated_at";
constexpr std::string_view kInsertBlock =
    "INSERT INTO domain_blocks (host, reason, created_at) VALUES ($1, $2, $3) "
    "ON CONFLICT (host) DO NOTHING";
constexpr std::string_view kUpdateBlockReason =
    "UPDATE domain_blocks SET reason = $2 WHERE host = $1";
constexpr std::string_view kDeleteBlock = "DELETE FROM domain_blocks WHERE host = $1";
constexpr std::string_view kListBlocks =
    "SELECT host, reason, created_at FROM domain_blocks ORDER BY host";
constexpr std::string_view kAllFollowerActors = "SELECT id, actor_url FROM followers";
constexpr std::string_view kDeleteFollowerById = "DELETE FROM followers WHERE id = $1";
constexpr std::string_view kPendingJobTargets =
    "SELECT id, inbox_url FROM delivery_jobs WHERE state = 'pending'";
constexpr std::string_view kDropJob =
    "UPDATE delivery_jobs SET attempts = attempts + 1, state = 'dead', last_error = $2, "
    "locked_by = '', locked_until = 0 WHERE id = $1";
// A job is dropped when its last attempt, due at next_attempt_at, fails: that is when it died.
constexpr std::string_view kPurgeDeadJobs =
    "DELETE FROM delivery_jobs WHERE state = 'dead' AND next_attempt_at < $1";
constexpr std::string_view kDeliveryCounts =
    "SELECT (SELECT COUNT(*) FROM delivery_jobs WHERE state = 'pending'), "
    "(SELECT COUNT(*) FROM delivery_jobs WHERE state = 'dead'), "
    "(SELECT COUNT(*) FROM outbox_fanout), "
    "COALESCE((SELECT created_at FROM delivery_jobs WHERE state = 'pending' ORDER BY id "
    "LIMIT 1), 0)";
constexpr std::string_view kListJobs =
    "SELECT id, sender, inbox_url, payload, attempts, next_attempt_at, last_error, created_at "
    "FROM delivery_jobs WHERE state = $1 ORDER BY id LIMIT $2";

RemoteActor read_actor(const Row& r) {
  return {r.str(0), r.str(1), r.str(2), r.str(3), r.str(4), r.str(5), r.str(6), r.int64(7)};
}
Follower read_follower(const Row& r) {
  return {r.int64(0), r.str(1), r.str(2), r.str(3), r.str(4), r.str(5)};
}
Following read_following(const Row& r) {
  return {r.int64(0), r.str(1), r.str(2), r.str(3), r.str(4), r.str(5)};
}
DeliveryJob read_job(const Row& r) {
  return {r.int64(0), r.str(1), r.str(2),  r.str(3), static_cast<int>(r.int64(4)),
          r.int64(5), r.str(6), r.int64(7)};
}
RemoteClaim read_claim(const Row& r) {
  return {r.str(0), r.str(1), r.str(2), r.str(3), r.str(4), r.str(5)};
}

int page(int limit) {
  return std::clamp(limit, 0, kMaxPage);
}

template <class T, class F>
std::optional<T> read_one(Backend& db, std::string_view sql, std::initializer_list<Param> params,
                          F convert) {
  std::optional<T> out;
  db.read([&](Conn& c) {
    out.reset();
    c.exec(sql, params, [&](const Row& r) { out = convert(r); });
  });
  return out;
}

bool is_pg(Backend& db) {
  return db.name() == "postgresql";
}

}  // namespace

void insert_fanout(Conn& c, int64_t index, const std::string& actor, int64_t now) {
  c.exec(kInsertFanout, {index, now, actor});
}

void upsert_remote_actor(Backend& db, const RemoteActor& a) {
  db.write([&](Conn& c) {
    c.exec(kUpsertActor, {a.actor_url, a.inbox, a.shared_inbox, a.key_id, a.public_key_pem,
                          a.preferred_username, a.json, a.fetched_at});
  });
}

std::optional<RemoteActor> find_remote_actor(Backend& db, const std::string& actor_url) {
  return read_one<RemoteActor>(db, kFindActor, {actor_url}, read_actor);
}

std::optional<RemoteActor> find_remote_actor_by_key_id(Backend& db, const std::string& key_id) {
  return read_one<RemoteActor>(db, kFindActorByKey, {key_id}, read_actor);
}

bool delete_remote_actor(Backend& db, const std::string& actor_url) {
  int64_t removed = 0;
  db.write([&](Conn& c) {
    removed = 0;
    std::vector<std::string> hashes;
    c.exec(kActorReactionHashes, {actor_url}, [&](const Row& r) { hashes.push_back(r.str(0)); });
    removed += c.exec(kDeleteActorReactions, {actor_url});
    for (const auto& h : hashes) c.exec(kRecountReactions, {h});
    removed += c.exec(kDeleteActor, {actor_url});
    removed += c.exec(kDeleteActorFollowers, {actor_url});
    removed += c.exec(kDeleteActorFollowing, {actor_url});
    removed += c.exec(kDeleteActorClaims, {actor_url});
  });
  return removed > 0;
}

bool add_follower(Backend& db, const Follower& f) {
  bool added = false;
  const std::string created = f.created_at.empty() ? iso8601_utc(unix_now()) : f.created_at;
  db.write([&](Conn& c) {
    added =
        c.exec(kInsertFollower, {f.username, f.actor_url, f.inbox, f.shared_inbox, created}) > 0;
    if (!added) c.exec(kRefreshFollower, {f.username, f.actor_url, f.inbox, f.shared_inbox});
  });
  return added;
}

bool remove_follower(Backend& db, const std::string& username, const std::string& actor_url) {
  int64_t n = 0;
  db.write([&](Conn& c) { n = c.exec(kDeleteFollower, {username, actor_url}); });
  return n > 0;
}

std::vector<Follower> list_followers(Backend& db, const std::string& username,
                                     std::optional<int64_t> before_id, int limit) {
  std::vector<Follower> out;
  const int64_t lim = page(limit);
  db.read([&](Conn& c) {
    out.clear();
    auto add = [&](const Row& r) { out.push_back(read_follower(r)); };
    if (before_id)
      c.exec(kListFollowers[1], {username, *before_id, lim}, add);
    else
      c.exec(kListFollowers[0], {username, lim}, add);
  });
  return out;
}

int64_t count_followers(Backend& db, const std::string& username) {
  int64_t n = 0;
  db.read([&](Conn& c) { n = c.query_int(kCountFollowers, {username}).value_or(0); });
  return n;
}

int64_t count_followers_on_host(Backend& db, const std::string& username,
                                const std::string& prefix) {
  int64_t n = 0;
  db.read([&](Conn& c) { n = c.query_int(kCountFollowersOnHost, {username, prefix}).value_or(0); });
  return n;
}

bool find_follower(Backend& db, const std::string& username, const std::string& actor_url) {
  bool found = false;
  db.read([&](Conn& c) { found = c.query_int(kFindFollower, {username, actor_url}).has_value(); });
  return found;
}

bool add_following(Backend& db, const Following& f) {
  bool added = false;
  const std::string created = f.created_at.empty() ? iso8601_utc(unix_now()) : f.created_at;
  const std::string state = f.state.empty() ? "pending" : f.state;
  db.write([&](Conn& c) {
    added = c.exec(kInsertFollowing,
                   {f.username, f.target_actor_url, f.follow_activity_id, state, created}) > 0;
  });
  return added;
}

bool set_following_state(Backend& db, const std::string& username, const std::string& target,
                         const std::string& state) {
  int64_t n = 0;
  db.write([&](Conn& c) { n = c.exec(kSetFollowingState, {username, target, state}); });
  return n > 0;
}

std::optional<Following> find_following(Backend& db, const std::string& username,
                                        const std::string& target) {
  return read_one<Following>(db, kFindFollowing, {username, target}, read_following);
}

bool remove_following(Backend& db, const std::string& username, const std::string& target) {
  int64_t n = 0;
  db.write([&](Conn& c) { n = c.exec(kDeleteFollowing, {username, target}); });
  return n > 0;
}

std::vector<Following> list_following(Backend& db, const std::string& username,
                                      std::optional<int64_t> before_id, int limit) {
  std::vector<Following> out;
  const int64_t lim = page(limit);
  db.read([&](Conn& c) {
    out.clear();
    auto add = [&](const Row& r) { out.push_back(read_following(r)); };
    if (before_id)
      c.exec(kListFollowing[1], {username, *before_id, lim}, add);
    else
      c.exec(kListFollowing[0], {username, lim}, add);
  });
  return out;
}

int64_t count_following(Backend& db, const std::string& username) {
  int64_t n = 0;
  db.read([&](Conn& c) { n = c.query_int(kCountFollowing, {username}).value_or(0); });
  return n;
}

std::vector<std::string> local_followers_of(Backend& db, const std::string& target) {
  std::vector<std::string> out;
  db.read([&](Conn& c) {
    out.clear();
    c.exec(kLocalFollowersOf, {target}, [&](const Row& r) { out.push_back(r.str(0)); });
  });
  return out;
}

bool mark_activity_seen(Backend& db, const std::string& activity_id, int64_t now) {
  int64_t n = 0;
  db.write([&](Conn& c) { n = c.exec(kMarkSeen, {activity_id, now}); });
  return n > 0;
}

int64_t purge_inbox_seen(Backend& db, int64_t before) {
  int64_t n = 0;
  db.write([&](Conn& c) { n = c.exec(kPurgeSeen, {before}); });
  return n;
}

int64_t purge_remote_actors(Backend& db, int64_t before) {
  int64_t n = 0;
  db.write([&](Conn& c) { n = c.exec(kPurgeActors, {before}); });
  return n;
}

bool record_reaction(Backend& db, const std::string& type, const std::string& activity_id,
                     const std::string& actor_url, const std::string& content_hash) {
  int64_t n = 0;
  const std::string now = iso8601_utc(unix_now());
  db.write([&](Conn& c) {
    n = c.exec(kInsertReaction, {activity_id, type, actor_url, content_hash, now});
    if (n > 0) c.exec(kRecountReactions, {content_hash});
  });
  return n > 0;
}

bool remove_reaction(Backend& db, const std::string& activity_id, const std::string& actor_url) {
  int64_t n = 0;
  db.write([&](Conn& c) {
    std::optional<std::string> hash;
    c.exec(kFindReaction, {activity_id, actor_url}, [&](const Row& r) { hash = r.str(0); });
    n = c.exec(kDeleteReaction, {activity_id, actor_url});
    if (hash) c.exec(kRecountReactions, {*hash});
  });
  return n > 0;
}

bool record_remote_claim(Backend& db, const RemoteClaim& claim) {
  int64_t n = 0;
  const std::string received =
      claim.received_at.empty() ? iso8601_utc(unix_now()) : claim.received_at;
  db.write([&](Conn& c) {
    n = c.exec(kInsertClaim, {claim.activity_id, claim.actor_url, claim.object_id,
                              claim.content_hash, claim.json, received});
  });
  return n > 0;
}

std::vector<RemoteClaim> list_remote_claims(Backend& db, const std::string& actor_url, int limit) {
  std::vector<RemoteClaim> out;
  const int64_t lim = page(limit);
  db.read([&](Conn& c) {
    out.clear();
    auto add = [&](const Row& r) { out.push_back(read_claim(r)); };
    if (actor_url.empty())
      c.exec(kListClaims[0], {lim}, add);
    else
      c.exec(kListClaims[1], {actor_url, lim}, add);
  });
  return out;
}

int64_t expand_fanouts(Backend& db, int64_t now, int max_activities) {
  int64_t created = 0;
  const bool pg = is_pg(db);
  if (!read_one<int64_t>(db, kAnyFanout, {}, [](const Row& r) { return r.int64(0); })) return 0;
  db.write([&](Conn& c) {
    created = 0;
    std::vector<int64_t> indices;
    c.exec(pg ? kPendingFanoutsPg : kPendingFanoutsSqlite, {static_cast<int64_t>(max_activities)},
           [&](const Row& r) { indices.push_back(r.int64(0)); });
    for (int64_t index : indices) {
      created += c.exec(kFanoutJobs, {index, now});
      c.exec(kDeleteFanout, {index});
    }
  });
  return created;
}

int64_t enqueue_delivery(Backend& db, const std::string& sender, const std::string& inbox_url,
                         const std::string& payload, int64_t now) {
  int64_t id = 0;
  db.write([&](Conn& c) {
    id = c.query_int(kEnqueue, {sender, inbox_url, payload, now}).value_or(0);
  });
  return id;
}

std::vector<DeliveryJob> claim_deliveries(Backend& db, const std::string& worker, int64_t now,
                                          int64_t lease_until, int limit) {
  std::vector<DeliveryJob> out;
  const bool pg = is_pg(db);
  if (!read_one<int64_t>(db, kAnyDueJob, {now}, [](const Row& r) { return r.int64(0); }))
    return out;
  db.write([&](Conn& c) {
    out.clear();
    c.exec(pg ? kClaimPg : kClaimSqlite,
           {worker, lease_until, now, static_cast<int64_t>(page(limit))},
           [&](const Row& r) { out.push_back(read_job(r)); });
  });
  return out;
}

void complete_delivery(Backend& db, int64_t job_id) {
  db.write([&](Conn& c) { c.exec(kCompleteJob, {job_id}); });
}

void retry_delivery(Backend& db, int64_t job_id, int64_t next_attempt_at,
                    const std::string& error) {
  db.write([&](Conn& c) { c.exec(kRetryJob, {job_id, next_attempt_at, error}); });
}

void postpone_deliveries(Backend& db, const std::vector<int64_t>& job_ids,
                         int64_t next_attempt_at) {
  if (job_ids.empty()) return;
  db.write([&](Conn& c) {
    for (int64_t id : job_ids) c.exec(kPostponeJob, {id, next_attempt_at});
  });
}

FederationStore::BlockEffect add_domain_block(Backend& db, const DomainBlock& block) {
  FederationStore::BlockEffect effect;
  const auto on_domain = [&block](const std::string& url) {
    auto host = url_host(url);
    return host && host_within(*host, block.host);
  };
  db.write([&](Conn& c) {
    effect = {};
    effect.added = c.exec(kInsertBlock, {block.host, block.reason, block.created_at}) == 1;
    if (!effect.added) c.exec(kUpdateBlockReason, {block.host, block.reason});
    // The URL's host decides, which SQL patterns cannot say exactly (ports, subdomains).
    std::vector<int64_t> followers, jobs;
    c.exec(kAllFollowerActors, {}, [&](const Row& r) {
      if (on_domain(r.str(1))) followers.push_back(r.int64(0));
    });
    c.exec(kPendingJobTargets, {}, [&](const Row& r) {
      if (on_domain(r.str(1))) jobs.push_back(r.int64(0));
    });
    for (int64_t id : followers) effect.followers_removed += c.exec(kDeleteFollowerById, {id});
    for (int64_t id : jobs) effect.deliveries_dropped += c.exec(kDropJob, {id, "domain blocked"});
  });
  return effect;
}

bool remove_domain_block(Backend& db, const std::string& host) {
  bool removed = false;
  db.write([&](Conn& c) { removed = c.exec(kDeleteBlock, {host}) == 1; });
  return removed;
}

std::vector<DomainBlock> list_domain_blocks(Backend& db) {
  std::vector<DomainBlock> out;
  db.read([&](Conn& c) {
    out.clear();
    c.exec(kListBlocks, {}, [&](const Row& r) { out.push_back({r.str(0), r.str(1), r.int64(2)}); });
  });
  return out;
}

std::optional<DeliveryStore::SignatureStyle> signature_style(Backend& db,
                                                             const std::string& origin) {
  return read_one<DeliveryStore::SignatureStyle>(db, kSignatureStyle, {origin}, [](const Row& r) {
    return DeliveryStore::SignatureStyle{r.str(0), r.int64(1)};
  });
}

void remember_signature_style(Backend& db, const std::string& origin, const std::string& style,
                              int64_t now) {
  db.write([&](Conn& c) { c.exec(kRememberSignatureStyle, {origin, style, now}); });
}

void drop_delivery(Backend& db, int64_t job_id, const std::string& error) {
  db.write([&](Conn& c) { c.exec(kDropJob, {job_id, error}); });
}

int64_t purge_dead_deliveries(Backend& db, int64_t before) {
  int64_t n = 0;
  db.write([&](Conn& c) { n = c.exec(kPurgeDeadJobs, {before}); });
  return n;
}

DeliveryStore::DeliveryCounts delivery_counts(Backend& db) {
  DeliveryStore::DeliveryCounts counts;
  db.read([&](Conn& c) {
    c.exec(kDeliveryCounts, {}, [&](const Row& r) {
      counts.pending = r.int64(0);
      counts.dead = r.int64(1);
      counts.fanouts = r.int64(2);
      counts.oldest_pending_created_at = r.int64(3);
    });
  });
  return counts;
}

std::vector<DeliveryJob> list_deliveries(Backend& db, const std::string& state, int limit) {
  std::vector<DeliveryJob> out;
  db.read([&](Conn& c) {
    out.clear();
    c.exec(kListJobs, {state, static_cast<int64_t>(page(limit))},
           [&](const Row& r) { out.push_back(read_job(r)); });
  });
  return out;
}

}  // namespace artdag::store::sql::federation
