// The Store, written once against the driver interface in sql_backend.h. Both backends run
// exactly this SQL (parameters $1..$n), so they behave the same by construction; what
// differs (types in the DDL, transactions, locking, pooling) lives in the backend files.
#include <algorithm>
#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "store/sql_backend.h"
#include "store/sql_federation.h"
#include "store/sql_log.h"
#include "store/store.h"
#include "util/json.h"
#include "util/text.h"
#include "util/time.h"

namespace artdag::store {

namespace {

using sql::Backend;
using sql::Conn;
using sql::Param;
using sql::Row;
namespace federation = sql::federation;

// ---- SQL --------------------------------------------------------------------------------

constexpr std::string_view kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
constexpr std::string_view kCurrentVersion = "SELECT MAX(version) FROM schema_migrations";
constexpr std::string_view kRecordMigration =
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)";

constexpr std::string_view kInsertUser =
    "INSERT INTO users (username, email, password_hash, created_at) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (username) DO NOTHING RETURNING id";
constexpr std::string_view kFindUser =
    "SELECT id, username, email, password_hash, created_at, tokens_valid_after, role FROM users "
    "WHERE username = $1";
constexpr std::string_view kSetRole = "UPDATE users SET role = $1 WHERE username = $2";
// A new password ends every token issued before it (AuthService::authenticate).
constexpr std::string_view kSetPassword =
    "UPDATE users SET password_hash = $1, tokens_valid_after = $3 WHERE username = $2";
constexpr std::string_view kListUsers =
    "SELECT id, username, email, password_hash, created_at, tokens_valid_after, role FROM users "
    "ORDER BY id "
    "LIMIT $1 OFFSET $2";

constexpr std::string_view kRevokeToken =
    "INSERT INTO revoked_tokens (jti, expires_at) VALUES ($1, $2) ON CONFLICT (jti) DO NOTHING";
constexpr std::string_view kPurgeTokens = "DELETE FROM revoked_tokens WHERE expires_at < $1";
constexpr std::string_view kTokenRevoked = "SELECT 1 FROM revoked_tokens WHERE jti = $1";

#define ARTDAG_ASSET_COLS                                                               \
  "id, name, content_hash, asset_type, tags, description, ipfs_cid, metadata_json, "    \
  "provenance_json, l1_server, run_id, owner, created_at, activity_index, like_count, " \
  "announce_count"
#define ARTDAG_ASSET_COLS_A                                                            \
  "a.id, a.name, a.content_hash, a.asset_type, a.tags, a.description, a.ipfs_cid, "    \
  "a.metadata_json, a.provenance_json, a.l1_server, a.run_id, a.owner, a.created_at, " \
  "a.activity_index, a.like_count, a.announce_count"

constexpr std::string_view kInsertAsset =
    "INSERT INTO assets (name, content_hash, asset_type, tags, description, ipfs_cid, "
    "metadata_json, provenance_json, l1_server, run_id, owner, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id";
constexpr std::string_view kInsertAssetTag =
    "INSERT INTO asset_tags (tag, asset_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
constexpr std::string_view kSetAssetActivity =
    "UPDATE assets SET activity_index = $1 WHERE id = $2";
constexpr std::string_view kFindAssetByName =
    "SELECT " ARTDAG_ASSET_COLS " FROM assets WHERE name = $1";
constexpr std::string_view kFindAssetByRun =
    "SELECT " ARTDAG_ASSET_COLS
    " FROM assets WHERE l1_server = $1 AND run_id = $2 AND run_id <> ''";
constexpr std::string_view kFindAssetByHash =
    "SELECT " ARTDAG_ASSET_COLS " FROM assets WHERE content_hash = $1";

// The row lock on the counter serializes allocation until commit; a rollback returns the
// number. On SQLite the surrounding BEGIN IMMEDIATE already serializes writers.
constexpr std::string_view kAllocateIndex =
    "UPDATE activity_counter SET next_index = next_index + 1 WHERE id = 1 "
    "RETURNING next_index - 1";
constexpr std::string_view kInsertActivity =
    "INSERT INTO activities (idx, type, actor, object_hash, json, published, activity_id) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)";
constexpr std::string_view kFindActivity =
    "SELECT idx, type, actor, object_hash, json, published, activity_id FROM activities WHERE idx "
    "= $1";
constexpr std::string_view kFindActivityById =
    "SELECT idx, type, actor, object_hash, json, published, activity_id FROM activities "
    "WHERE activity_id = $1";
constexpr std::string_view kCountAllActivities =
    "SELECT next_index FROM activity_counter WHERE id = 1";
constexpr std::string_view kCountActorActivities =
    "SELECT COUNT(*) FROM activities WHERE actor = $1";

constexpr std::string_view kStats =
    "SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM assets), "
    "(SELECT next_index FROM activity_counter WHERE id = 1), (SELECT COUNT(*) FROM followers), "
    "(SELECT COUNT(*) FROM user_renderers)";

constexpr std::string_view kAttachRenderer =
    "INSERT INTO user_renderers (username, l1_server, attached_at) VALUES ($1, $2, $3) "
    "ON CONFLICT (username, l1_server) DO NOTHING";
constexpr std::string_view kDetachRenderer =
    "DELETE FROM user_renderers WHERE username = $1 AND l1_server = $2";
constexpr std::string_view kListRenderers =
    "SELECT username, l1_server, attached_at FROM user_renderers WHERE username = $1 "
    "ORDER BY attached_at, l1_server";

// list_assets / list_activities: one constant statement per filter combination, chosen by
// a bit mask, so each is prepared once per connection and hits its index.
enum AssetFilter : unsigned { kByOwner = 1, kByType = 2, kByTag = 4, kByCursor = 8 };

std::string build_list_assets_sql(unsigned mask) {
  std::string sql;
  int n = 0;
  auto next = [&n] { return "$" + std::to_string(++n); };
  std::vector<std::string> where;
  const char* id_col = "id";
  if (mask & kByTag) {
    sql = "SELECT " ARTDAG_ASSET_COLS_A " FROM asset_tags t JOIN assets a ON a.id = t.asset_id";
    where.push_back("t.tag = " + next());
    id_col = "t.asset_id";
    if (mask & kByOwner) where.push_back("a.owner = " + next());
    if (mask & kByType) where.push_back("a.asset_type = " + next());
  } else {
    sql = "SELECT " ARTDAG_ASSET_COLS " FROM assets";
    if (mask & kByOwner) where.push_back("owner = " + next());
    if (mask & kByType) where.push_back("asset_type = " + next());
  }
  if (mask & kByCursor) where.push_back(std::string(id_col) + " < " + next());
  for (size_t i = 0; i < where.size(); ++i) sql += (i == 0 ? " WHERE " : " AND ") + where[i];
  sql += std::string(" ORDER BY ") + id_col + " DESC LIMIT " + next();
  return sql;
}

const std::string& list_assets_sql(unsigned mask) {
  static const std::vector<std::string> kAll = [] {
    std::vector<std::string> all;
    for (unsigned m = 0; m < 16; ++m) all.push_back(build_list_assets_sql(m));
    return all;
  }();
  return kAll[mask];
}

constexpr std::string_view kListActivities[4] = {
    "SELECT idx, type, actor, object_hash, json, published, activity_id FROM activities "
    "ORDER BY idx DESC LIMIT $1",
    "SELECT idx, type, actor, object_hash, json, published, activity_id FROM activities "
    "WHERE idx < $1 ORDER BY idx DESC LIMIT $2",
    "SELECT idx, type, actor, object_hash, json, published, activity_id FROM activities "
    "WHERE actor = $1 ORDER BY idx DESC LIMIT $2",
    "SELECT idx, type, actor, object_hash, json, published, activity_id FROM activities "
    "WHERE actor = $1 AND idx < $2 ORDER BY idx DESC LIMIT $3",
};

constexpr std::string_view kListActivitiesAfter[2] = {
    "SELECT idx, type, actor, object_hash, json, published, activity_id FROM activities "
    "WHERE idx > $1 ORDER BY idx LIMIT $2",
    "SELECT idx, type, actor, object_hash, json, published, activity_id FROM activities "
    "WHERE actor = $1 AND idx > $2 ORDER BY idx LIMIT $3",
};

constexpr int kMaxPage = 1000;

// ---- rows -------------------------------------------------------------------------------

User read_user(const Row& r) {
  User u;
  u.id = r.int64(0);
  u.username = r.str(1);
  u.email = r.str(2);
  u.password_hash = r.str(3);
  u.created_at = r.str(4);
  u.tokens_valid_after = r.int64(5);
  u.role = r.str(6);
  return u;
}

std::vector<std::string> tags_from_json(std::string_view text) {
  std::vector<std::string> tags;
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return tags;
  for (const auto& t : j)
    if (t.is_string()) tags.push_back(t.get<std::string>());
  return tags;
}

std::string tags_to_json(const std::vector<std::string>& tags) {
  return Json(tags).dump(-1, ' ', false, Json::error_handler_t::replace);
}

Asset read_asset(const Row& r) {
  Asset a;
  a.id = r.int64(0);
  a.name = r.str(1);
  a.content_hash = r.str(2);
  a.asset_type = r.str(3);
  a.tags = tags_from_json(r.text(4));
  a.description = r.str(5);
  a.ipfs_cid = r.str(6);
  a.metadata_json = r.str(7);
  a.provenance_json = r.str(8);
  a.l1_server = r.str(9);
  a.run_id = r.str(10);
  a.owner = r.str(11);
  a.created_at = r.str(12);
  a.activity_index = r.is_null(13) ? -1 : r.int64(13);
  a.like_count = r.int64(14);
  a.announce_count = r.int64(15);
  return a;
}

Activity read_activity(const Row& r) {
  Activity a;
  a.index = r.int64(0);
  a.type = r.str(1);
  a.actor = r.str(2);
  a.object_hash = r.str(3);
  a.json = r.str(4);
  a.published = r.str(5);
  a.activity_id = r.str(6);
  return a;
}

// Which unique constraint an asset insert hit: PostgreSQL names the constraint, SQLite the
// columns.
std::optional<CreateConflict> classify_conflict(const std::string& key) {
  if (key == "assets_name_key" || key == "assets.name") return CreateConflict::kNameTaken;
  if (key == "assets_content_hash_key" || key == "assets.content_hash")
    return CreateConflict::kHashOwned;
  if (key == "assets_l1_server_run_id_key" || key == "assets.l1_server, assets.run_id")
    return CreateConflict::kRunRecorded;
  return std::nullopt;
}

// Allocates the next dense index and inserts the (already signed) activity with its fan-out.
Activity append_in(Conn& c, const NewActivity& in) {
  std::optional<int64_t> index = c.query_int(kAllocateIndex, {});
  if (!index) throw StoreUnavailable("activity counter missing: database not migrated?");
  Activity act;
  act.index = *index;
  act.activity_id = in.activity_id;
  act.type = in.type;
  act.actor = ascii_lower(in.actor);
  act.object_hash = in.object_hash;
  act.published = in.published.empty() ? iso8601_utc(unix_now()) : in.published;
  act.json = in.json;
  const Param activity_id = in.activity_id.empty() ? Param(nullptr) : Param(in.activity_id);
  c.exec(kInsertActivity,
         {act.index, act.type, act.actor, act.object_hash, act.json, act.published, activity_id});
  federation::insert_fanout(c, act.index, act.actor, unix_now());
  return act;
}

// ---- the store ----------------------------------------------------------------------------

// The federation and delivery areas come from sql::federation::SqlFederationAreas.
class SqlStore final : public Store,
                       private sql::federation::SqlFederationAreas,
                       private sql::SqlLogArea {
 public:
  explicit SqlStore(std::unique_ptr<Backend> backend)
      : SqlFederationAreas(*backend), SqlLogArea(*backend), db_(std::move(backend)) {}

  std::string backend() const override { return db_->name(); }
  bool ping() override { return db_->ping(); }

  int migrate() override {
    int version = 0;
    db_->migrate([&](Conn& c) {
      c.exec_script(kCreateMigrationsTable);
      version = static_cast<int>(c.query_int(kCurrentVersion, {}).value_or(0));
      for (const sql::Migration& m : db_->migrations()) {
        if (m.version <= version) continue;
        c.exec_script(m.sql);
        c.exec(kRecordMigration, {m.version, m.name, iso8601_utc(unix_now())});
        version = m.version;
      }
    });
    return version;
  }

  // ---- users ----

  std::optional<User> create_user(const NewUser& in) override {
    User u;
    u.username = ascii_lower(in.username);
    u.email = in.email;
    u.password_hash = in.password_hash;
    u.created_at = in.created_at.empty() ? iso8601_utc(unix_now()) : in.created_at;
    std::optional<int64_t> id;
    db_->write([&](Conn& c) {
      id = c.query_int(kInsertUser, {u.username, u.email, u.password_hash, u.created_at});
    });
    if (!id) return std::nullopt;
    u.id = *id;
    return u;
  }

  std::optional<User> find_user(const std::string& username) override {
    const std::string name = ascii_lower(username);
    std::optional<User> out;
    db_->read([&](Conn& c) {
      out.reset();
      c.exec(kFindUser, {name}, [&](const Row& r) { out = read_user(r); });
    });
    return out;
  }

  bool set_password_hash(const std::string& username, const std::string& hash) override {
    const std::string name = ascii_lower(username);
    int64_t changed = 0;
    const int64_t now = unix_now();
    db_->write([&](Conn& c) { changed = c.exec(kSetPassword, {hash, name, now}); });
    return changed > 0;
  }

  bool set_user_role(const std::string& username, const std::string& role) override {
    int64_t changed = 0;
    db_->write([&](Conn& c) { changed = c.exec(kSetRole, {role, ascii_lower(username)}); });
    return changed > 0;
  }

  std::vector<User> list_users(int limit, int offset) override {
    std::vector<User> out;
    if (limit <= 0) return out;
    db_->read([&](Conn& c) {
      out.clear();
      c.exec(kListUsers, {std::min(limit, kMaxPage), std::max(offset, 0)},
             [&](const Row& r) { out.push_back(read_user(r)); });
    });
    return out;
  }

  // ---- tokens ----

  // Also drops entries that expired over a minute ago: a token past its exp is refused
  // anyway, so the table only holds tokens that could still be presented.
  void revoke_token(const std::string& jti, int64_t expires_at) override {
    const int64_t cutoff = unix_now() - 60;
    db_->write([&](Conn& c) {
      c.exec(kRevokeToken, {jti, expires_at});
      c.exec(kPurgeTokens, {cutoff});
    });
  }

  bool is_token_revoked(const std::string& jti) override {
    bool revoked = false;
    db_->read([&](Conn& c) { revoked = c.query_int(kTokenRevoked, {jti}).has_value(); });
    return revoked;
  }

  // ---- assets ----

  CreateAssetResult create_asset_with_activity(const NewAsset& in,
                                               const NewActivity& activity) override {
    Asset a = in.asset;
    a.owner = ascii_lower(a.owner);
    if (a.created_at.empty()) a.created_at = iso8601_utc(unix_now());
    if (a.metadata_json.empty()) a.metadata_json = "{}";
    a.like_count = 0;
    a.announce_count = 0;
    const std::string tags_json = tags_to_json(a.tags);
    std::vector<std::string> distinct_tags = a.tags;
    std::sort(distinct_tags.begin(), distinct_tags.end());
    distinct_tags.erase(std::unique(distinct_tags.begin(), distinct_tags.end()),
                        distinct_tags.end());
    try {
      db_->write([&](Conn& c) {
        // The unique constraints decide conflicts, also between racing requests: on
        // PostgreSQL the second insert waits for the first transaction and fails if it commits.
        std::optional<int64_t> id = c.query_int(
            kInsertAsset,
            {a.name, a.content_hash, a.asset_type, tags_json, a.description, a.ipfs_cid,
             a.metadata_json, a.provenance_json, a.l1_server, a.run_id, a.owner, a.created_at});
        if (!id) throw StoreUnavailable("asset insert returned no id");
        a.id = *id;
        for (const std::string& tag : distinct_tags) c.exec(kInsertAssetTag, {tag, a.id});
        Activity act = append_in(c, activity);
        a.activity_index = act.index;
        c.exec(kSetAssetActivity, {a.activity_index, a.id});
      });
    } catch (const sql::UniqueViolation& e) {
      if (auto conflict = classify_conflict(e.key())) return *conflict;
      throw;
    }
    return a;
  }

  std::optional<Asset> find_asset_by_name(const std::string& name) override {
    return find_asset(kFindAssetByName, name);
  }
  std::optional<Asset> find_asset_by_hash(const std::string& content_hash) override {
    return find_asset(kFindAssetByHash, content_hash);
  }

  std::optional<Asset> find_asset_by_run(const std::string& l1_server,
                                         const std::string& run_id) override {
    std::optional<Asset> out;
    db_->read([&](Conn& c) {
      out.reset();
      c.exec(kFindAssetByRun, {l1_server, run_id}, [&](const Row& r) { out = read_asset(r); });
    });
    return out;
  }

  std::vector<Asset> list_assets(const AssetQuery& q) override {
    std::vector<Asset> out;
    if (q.limit <= 0) return out;
    const std::string owner = q.owner ? ascii_lower(*q.owner) : std::string();
    unsigned mask = 0;
    std::vector<Param> params;
    if (q.tag) {
      mask |= kByTag;
      params.emplace_back(*q.tag);
    }
    if (q.owner) {
      mask |= kByOwner;
      params.emplace_back(owner);
    }
    if (q.asset_type) {
      mask |= kByType;
      params.emplace_back(*q.asset_type);
    }
    if (q.before_id) {
      mask |= kByCursor;
      params.emplace_back(*q.before_id);
    }
    params.emplace_back(std::min(q.limit, kMaxPage));
    db_->read([&](Conn& c) {
      out.clear();
      c.exec(list_assets_sql(mask), params, [&](const Row& r) { out.push_back(read_asset(r)); });
    });
    return out;
  }

  // ---- activities ----

  Activity append_activity(const NewActivity& activity) override {
    Activity act;
    db_->write([&](Conn& c) { act = append_in(c, activity); });
    return act;
  }

  std::optional<Activity> find_activity_by_id(const std::string& activity_id) override {
    std::optional<Activity> out;
    db_->read([&](Conn& c) {
      out.reset();
      c.exec(kFindActivityById, {activity_id}, [&](const Row& r) { out = read_activity(r); });
    });
    return out;
  }

  std::optional<Activity> find_activity(int64_t index) override {
    std::optional<Activity> out;
    db_->read([&](Conn& c) {
      out.reset();
      c.exec(kFindActivity, {index}, [&](const Row& r) { out = read_activity(r); });
    });
    return out;
  }

  std::vector<Activity> list_activities(const std::string& actor,
                                        std::optional<int64_t> before_index, int limit) override {
    std::vector<Activity> out;
    if (limit <= 0) return out;
    const int64_t lim = std::min(limit, kMaxPage);
    db_->read([&](Conn& c) {
      out.clear();
      auto add = [&](const Row& r) { out.push_back(read_activity(r)); };
      if (actor.empty() && !before_index) {
        c.exec(kListActivities[0], {lim}, add);
      } else if (actor.empty()) {
        c.exec(kListActivities[1], {*before_index, lim}, add);
      } else if (!before_index) {
        c.exec(kListActivities[2], {actor, lim}, add);
      } else {
        c.exec(kListActivities[3], {actor, *before_index, lim}, add);
      }
    });
    return out;
  }

  std::vector<Activity> list_activities_after(const std::string& actor, int64_t after_index,
                                              int limit) override {
    std::vector<Activity> out;
    if (limit <= 0) return out;
    const int64_t lim = std::min(limit, kMaxPage);
    db_->read([&](Conn& c) {
      out.clear();
      auto add = [&](const Row& r) { out.push_back(read_activity(r)); };
      if (actor.empty()) {
        c.exec(kListActivitiesAfter[0], {after_index, lim}, add);
      } else {
        c.exec(kListActivitiesAfter[1], {actor, after_index, lim}, add);
      }
    });
    return out;
  }

  int64_t count_activities(const std::string& actor) override {
    int64_t n = 0;
    db_->read([&](Conn& c) {
      n = actor.empty() ? c.query_int(kCountAllActivities, {}).value_or(0)
                        : c.query_int(kCountActorActivities, {actor}).value_or(0);
    });
    return n;
  }

  Stats stats() override {
    Stats s;
    db_->read([&](Conn& c) {
      c.exec(kStats, {}, [&](const Row& r) {
        s.users = r.int64(0);
        s.assets = r.int64(1);
        s.activities = r.int64(2);
        s.followers = r.int64(3);
        s.renderer_attachments = r.int64(4);
      });
    });
    return s;
  }

  // ---- L1 renderers ----

  bool attach_renderer(const std::string& username, const std::string& l1_server,
                       const std::string& attached_at) override {
    const std::string name = ascii_lower(username);
    const std::string when = attached_at.empty() ? iso8601_utc(unix_now()) : attached_at;
    int64_t changed = 0;
    db_->write([&](Conn& c) { changed = c.exec(kAttachRenderer, {name, l1_server, when}); });
    return changed > 0;
  }

  bool detach_renderer(const std::string& username, const std::string& l1_server) override {
    const std::string name = ascii_lower(username);
    int64_t changed = 0;
    db_->write([&](Conn& c) { changed = c.exec(kDetachRenderer, {name, l1_server}); });
    return changed > 0;
  }

  std::vector<RendererAttachment> list_renderers(const std::string& username) override {
    const std::string name = ascii_lower(username);
    std::vector<RendererAttachment> out;
    db_->read([&](Conn& c) {
      out.clear();
      c.exec(kListRenderers, {name}, [&](const Row& r) {
        out.push_back({r.str(0), r.str(1), r.str(2)});
      });
    });
    return out;
  }

 private:
  std::optional<Asset> find_asset(std::string_view sql, const std::string& key) {
    std::optional<Asset> out;
    db_->read([&](Conn& c) {
      out.reset();
      c.exec(sql, {key}, [&](const Row& r) { out = read_asset(r); });
    });
    return out;
  }

  std::unique_ptr<Backend> db_;
};

}  // namespace

namespace sql {
std::unique_ptr<Store> make_sql_store(std::unique_ptr<Backend> backend) {
  return std::make_unique<SqlStore>(std::move(backend));
}
}  // namespace sql

}  // namespace artdag::store
