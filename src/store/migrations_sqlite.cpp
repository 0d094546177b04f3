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

}  // namespace

const std::vector<Migration>& sqlite_migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "initial schema", kV1},
  };
  return kMigrations;
}

}  // namespace artdag::store::sql
