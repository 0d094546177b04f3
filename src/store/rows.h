#pragma once
// Plain records that cross the store boundary. No SQL, no JSON building here.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace artdag::store {

struct User {
  int64_t id = 0;
  std::string username;  // always lower case
  std::string email;     // may be empty
  std::string password_hash;
  std::string created_at;  // ISO 8601 UTC
  // Unix seconds of the last password change: tokens issued (iat) before it are refused.
  int64_t tokens_valid_after = 0;
  std::string role = "user";  // "user" or "admin" (artdag-l2 set-role)
};

struct NewUser {
  std::string username;
  std::string email;
  std::string password_hash;
  std::string created_at;
};

struct Asset {
  int64_t id = 0;  // insertion order; the list cursor
  std::string name;
  std::string content_hash;  // 64 lowercase hex, SHA3-256
  std::string asset_type;    // image, video, ...
  std::vector<std::string> tags;
  std::string description;
  std::string ipfs_cid;
  std::string metadata_json;    // a JSON object as text ("{}" when none)
  std::string provenance_json;  // L1 provenance as JSON text; empty when not from a run
  std::string l1_server;        // set for assets recorded from L1 runs
  std::string run_id;
  std::string owner;  // username
  std::string created_at;
  int64_t activity_index = -1;  // index of its Create activity
  int64_t like_count = 0;
  int64_t announce_count = 0;
};

struct Activity {
  int64_t index = 0;        // dense, from 0, commit order
  std::string activity_id;  // its UUID id; empty for activities whose id is their index URL
  std::string type;         // "Create", "Announce", ...
  std::string actor;        // local username
  std::string object_hash;  // content hash the activity is about (may be empty)
  std::string json;         // the exact signed JSON as served
  std::string published;
};

// Initialised members, so designated initialisers ({.owner = "x"}) compile warning-free.
struct AssetQuery {
  std::optional<std::string> owner{};  // username, case-insensitive
  std::optional<std::string> asset_type{};
  std::optional<std::string> tag{};
  std::optional<int64_t> before_id{};  // keyset cursor: only assets with id < before_id
  int limit = 20;                      // the store caps it at 1000; <= 0 gives no rows
};

// An L1 render server a user attached (user_renderers).
struct RendererAttachment {
  std::string username;
  std::string l1_server;
  std::string attached_at;  // ISO 8601 UTC
};

struct Stats {
  int64_t users = 0;
  int64_t assets = 0;
  int64_t activities = 0;
  int64_t followers = 0;
  int64_t renderer_attachments = 0;
};

}  // namespace artdag::store
