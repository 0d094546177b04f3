// SQLite schema, one entry per version. Never edit a released step: add the next one.
// The logical schema is the same as migrations_pg.cpp (names, columns, constraints); only
// the types and the dialect differ. Tables are STRICT so a wrongly typed value is an error.
#include "store/sql_backend.h"

namespace artdag::store::sql {

namespace {

constexpr std::string_view kV1 = R"SQL(
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL,
  email TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  CONSTRAINT users_username_key UNIQUE (username),
  CONSTRAINT users_username_lower CHECK (username = lower(username))
) STRICT;

CREATE TABLE revoked_tokens (
  jti TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID, STRICT;
CREATE INDEX revoked_tokens_expires_at_idx ON revoked_tokens (expires_at);

-- The append-only activity log. idx is dense from 0: allocated from activity_counter
-- inside BEGIN IMMEDIATE transactions.
CREATE TABLE activities (
  idx INTEGER PRIMARY KEY CHECK (idx >= 0),
  type TEXT NOT NULL,
  actor TEXT NOT NULL,
  object_hash TEXT NOT NULL DEFAULT '',
  json TEXT NOT NULL,
  published TEXT NOT NULL
) STRICT;
CREATE INDEX activities_actor_idx_idx ON activities (actor, idx);

CREATE TABLE activity_counter (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  next_index INTEGER NOT NULL CHECK (next_index >= 0)
) STRICT;
INSERT INTO activity_counter (id, next_index) VALUES (1, 0);

CREATE TABLE assets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  asset_type TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]',
  description TEXT NOT NULL DEFAULT '',
  ipfs_cid TEXT NOT NULL DEFAULT '',
  metadata_json TEXT NOT NULL DEFAULT '{}',
  provenance_json TEXT NOT NULL DEFAULT '',
  l1_server TEXT NOT NULL DEFAULT '',
  run_id TEXT NOT NULL DEFAULT '',
  owner TEXT NOT NULL,
  created_at TEXT NOT NULL,
  activity_index INTEGER REFERENCES activities (idx),
  like_count INTEGER NOT NULL DEFAULT 0,
  announce_count INTEGER NOT NULL DEFAULT 0,
  CONSTRAINT assets_name_key UNIQUE (name),
  CONSTRAINT assets_content_hash_key UNIQUE (content_hash),
  CONSTRAINT assets_activity_index_key UNIQUE (activity_index)
) STRICT;
CREATE UNIQUE INDEX assets_l1_server_run_id_key ON assets (l1_server, run_id) WHERE run_id <> '';
-- Keyset pages (id DESC) for each filter combination.
CREATE INDEX assets_owner_id_idx ON assets (owner, id);
CREATE INDEX assets_type_id_idx ON assets (asset_type, id);
CREATE INDEX assets_owner_type_id_idx ON assets (owner, asset_type, id);

-- One row per distinct tag of an asset, for the ?tag= filter (keyset on asset_id DESC).
CREATE TABLE asset_tags (
  tag TEXT NOT NULL,
  asset_id INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  PRIMARY KEY (tag, asset_id)
) WITHOUT ROWID, STRICT;
CREATE INDEX asset_tags_asset_id_idx ON asset_tags (asset_id);

-- Remote actors following a local user.
CREATE TABLE followers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL,
  actor_url TEXT NOT NULL,
  inbox TEXT NOT NULL,
  shared_inbox TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  CONSTRAINT followers_username_actor_url_key UNIQUE (username, actor_url)
) STRICT;

-- L1 render servers a user has attached.
CREATE TABLE user_renderers (
  username TEXT NOT NULL,
  l1_server TEXT NOT NULL,
  attached_at TEXT NOT NULL,
  PRIMARY KEY (username, l1_server)
) WITHOUT ROWID, STRICT;
)SQL";

constexpr std::string_view kV2 = R"SQL(
-- Remote actors as last fetched: the key cache behind inbox signature checks.
CREATE TABLE remote_actors (
  actor_url TEXT PRIMARY KEY,
  inbox TEXT NOT NULL,
  shared_inbox TEXT NOT NULL DEFAULT '',
  key_id TEXT NOT NULL,
  public_key_pem TEXT NOT NULL,
  preferred_username TEXT NOT NULL DEFAULT '',
  json TEXT NOT NULL,
  fetched_at INTEGER NOT NULL
) STRICT;
CREATE INDEX remote_actors_key_id_idx ON remote_actors (key_id);
CREATE INDEX followers_actor_url_idx ON followers (actor_url);

-- Local users following remote actors; state is 'pending' until the Accept arrives.
CREATE TABLE following (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL,
  target_actor_url TEXT NOT NULL,
  follow_activity_id TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'accepted')),
  created_at TEXT NOT NULL,
  CONSTRAINT following_username_target_key UNIQUE (username, target_actor_url)
) STRICT;
CREATE INDEX following_target_idx ON following (target_actor_url);

-- Activity ids the inbox has processed: duplicate deliveries are recognised and ignored.
CREATE TABLE inbox_seen (
  activity_id TEXT PRIMARY KEY,
  received_at INTEGER NOT NULL
) STRICT;

-- Likes and Announces of local assets, one per (type, actor, asset).
CREATE TABLE reactions (
  activity_id TEXT PRIMARY KEY,
  type TEXT NOT NULL CHECK (type IN ('Like', 'Announce')),
  actor_url TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  CONSTRAINT reactions_type_actor_hash_key UNIQUE (type, actor_url, content_hash)
) STRICT;
CREATE INDEX reactions_actor_url_idx ON reactions (actor_url);

-- Ownership claims (Create) received from actors a local user follows.
CREATE TABLE remote_claims (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  activity_id TEXT NOT NULL,
  actor_url TEXT NOT NULL,
  object_id TEXT NOT NULL,
  content_hash TEXT NOT NULL DEFAULT '',
  json TEXT NOT NULL,
  received_at TEXT NOT NULL,
  CONSTRAINT remote_claims_activity_id_key UNIQUE (activity_id)
) STRICT;
CREATE INDEX remote_claims_actor_url_idx ON remote_claims (actor_url, id);

-- Activities of the log waiting to be turned into per-inbox delivery jobs. A row is written
-- in the same transaction as its activity, so no claim is committed without its delivery.
CREATE TABLE outbox_fanout (
  activity_index INTEGER PRIMARY KEY REFERENCES activities (idx),
  created_at INTEGER NOT NULL
) STRICT;

-- The delivery queue: one row per (payload, inbox). Workers lease due rows
-- (locked_by/locked_until) with FOR UPDATE SKIP LOCKED; 'dead' rows were dropped for good.
CREATE TABLE delivery_jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  sender TEXT NOT NULL,
  inbox_url TEXT NOT NULL,
  payload TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  locked_by TEXT NOT NULL DEFAULT '',
  locked_until INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'dead')),
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX delivery_jobs_due_idx ON delivery_jobs (state, next_attempt_at);
)SQL";

// Reaction counts are recomputed per asset on every Like/Announce (kRecountReactions): an
// index on the asset keeps that a range scan of its own reactions, not of the whole table.
constexpr std::string_view kV3 = R"SQL(
CREATE INDEX reactions_content_hash_type_idx ON reactions (content_hash, type);
)SQL";

// The claim log as a transparency log (docs/protocol.md "The claim log"). New activities are
// signed with a UUID id before they are sequenced; activity_id finds them by it (NULL for the
// activities stored before, whose id is their index URL). log_leaves and log_tiles hold the
// Merkle tree as the integrator built it; log_checkpoints every checkpoint it published;
// log_state the latest size and the integrator's lease.
constexpr std::string_view kV4 = R"SQL(
ALTER TABLE activities ADD COLUMN activity_id TEXT;
CREATE UNIQUE INDEX activities_activity_id_key ON activities (activity_id);
CREATE TABLE log_leaves (
  idx INTEGER PRIMARY KEY,
  hash TEXT NOT NULL
) STRICT;
CREATE TABLE log_tiles (
  level INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (level, idx)
) STRICT;
CREATE TABLE log_checkpoints (
  size INTEGER PRIMARY KEY,
  root TEXT NOT NULL,
  note TEXT NOT NULL,
  published_at INTEGER NOT NULL
) STRICT;
CREATE TABLE log_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  size INTEGER NOT NULL,
  lease_owner TEXT NOT NULL,
  lease_until INTEGER NOT NULL
) STRICT;
INSERT INTO log_state (id, size, lease_owner, lease_until) VALUES (1, 0, '', 0);
)SQL";

// Abuse resistance (issue 14): purging the inbox's seen ids and cached actors by age, and
// refusing tokens issued before a password change.
constexpr std::string_view kV5 = R"SQL(
CREATE INDEX inbox_seen_received_at_idx ON inbox_seen (received_at);
CREATE INDEX remote_actors_fetched_at_idx ON remote_actors (fetched_at);
ALTER TABLE users ADD COLUMN tokens_valid_after INTEGER NOT NULL DEFAULT 0;
)SQL";

// RFC 9421 double-knock (issue 15): how each peer origin takes our signatures, so every
// process and every restart knocks right the first time. Witnessing (issue 17): the last
// checkpoint our witness cosigned per log, and the cosignatures of our own checkpoints.
constexpr std::string_view kV6 = R"SQL(
CREATE TABLE witness_states (
  origin TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  root TEXT NOT NULL,
  note TEXT NOT NULL,
  cosigned_at INTEGER NOT NULL
) STRICT;
CREATE TABLE log_cosignatures (
  size INTEGER NOT NULL,
  witness TEXT NOT NULL,
  line TEXT NOT NULL,
  cosigned_at INTEGER NOT NULL,
  PRIMARY KEY (size, witness)
) STRICT;
CREATE TABLE peer_signature_styles (
  origin TEXT PRIMARY KEY,
  style TEXT NOT NULL CHECK (style IN ('rfc9421', 'cavage')),
  updated_at INTEGER NOT NULL
) STRICT;
)SQL";

// Domain blocks (issue 16).
constexpr std::string_view kV7 = R"SQL(
CREATE TABLE domain_blocks (
  host TEXT PRIMARY KEY,
  reason TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
)SQL";

// Roles (issue 16): an admin may manage domain blocks over the API; everyone else is a user.
constexpr std::string_view kV8 = R"SQL(
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin'));
)SQL";

// The federated registry (issue 17): what the background prover learnt of each remote claim,
// and the remote claim logs pinned on first use.
constexpr std::string_view kV9 = R"SQL(
ALTER TABLE remote_claims ADD COLUMN log_origin TEXT NOT NULL DEFAULT '';
ALTER TABLE remote_claims ADD COLUMN log_index INTEGER;
ALTER TABLE remote_claims ADD COLUMN proven INTEGER NOT NULL DEFAULT 0 CHECK (proven IN (0, 1));
ALTER TABLE remote_claims ADD COLUMN first_cosigned_at INTEGER;
ALTER TABLE remote_claims ADD COLUMN refuted TEXT NOT NULL DEFAULT '';
ALTER TABLE remote_claims ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE remote_claims ADD COLUMN check_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE remote_claims ADD COLUMN next_check_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX remote_claims_content_hash_idx ON remote_claims (content_hash);
CREATE INDEX remote_claims_next_check_at_idx ON remote_claims (next_check_at);
CREATE TABLE remote_logs (
  server TEXT PRIMARY KEY,
  prefix TEXT NOT NULL,
  origin TEXT NOT NULL,
  log_key TEXT NOT NULL,
  witness_key TEXT NOT NULL,
  pinned_at INTEGER NOT NULL
) STRICT;
)SQL";

}  // namespace

const std::vector<Migration>& sqlite_migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "initial schema", kV1},       {2, "federation", kV2},
      {3, "reaction count index", kV3}, {4, "claim log", kV4},
      {5, "abuse resistance", kV5},     {6, "signature styles, witnessing", kV6},
      {7, "domain blocks", kV7},        {8, "roles", kV8},
      {9, "federated registry", kV9},
  };
  return kMigrations;
}

}  // namespace artdag::store::sql
