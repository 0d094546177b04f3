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
