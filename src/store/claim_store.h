#pragma once
// Assets and the claim log (the activities, in index order).
// Part of the store (store.h composes the areas); implementations are thread-safe and throw
// StoreUnavailable (util/error.h) when the database cannot be reached.
#include <cstdint>
#include <functional>
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

class ClaimStore {
 public:
  virtual ~ClaimStore() = default;

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
};

}  // namespace artdag::store
