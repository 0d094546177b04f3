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

// A complete, signed activity ready to be sequenced: nothing in it depends on the index it
// will get, so it is signed before the transaction that takes the index starts, and that
// transaction holds the log's sequence only for the short database work.
struct NewActivity {
  std::string activity_id;  // its `id`, BASE/activities/{uuid}; unique
  std::string type;         // "Create", "Announce", ...
  std::string actor;        // local username
  std::string object_hash;  // content hash the activity is about (may be empty)
  std::string published;    // ISO 8601 UTC
  std::string json;         // the signed activity exactly as it will be served
};

enum class CreateConflict { kNameTaken, kHashOwned, kRunRecorded };
using CreateAssetResult = std::variant<Asset, CreateConflict>;

class ClaimStore {
 public:
  virtual ~ClaimStore() = default;

  // Registry. Inserts the asset and its activity (at the next dense index) atomically;
  // a conflict (name, hash, run) leaves nothing behind and consumes no index.
  virtual CreateAssetResult create_asset_with_activity(const NewAsset& asset,
                                                       const NewActivity& activity) = 0;
  virtual std::optional<Asset> find_asset_by_name(const std::string& name) = 0;
  virtual std::optional<Asset> find_asset_by_hash(const std::string& content_hash) = 0;
  // The asset recorded from an L1 run, if any (run_id non-empty).
  virtual std::optional<Asset> find_asset_by_run(const std::string& l1_server,
                                                 const std::string& run_id) = 0;
  virtual std::vector<Asset> list_assets(const AssetQuery& query) = 0;  // newest first

  // Appends a non-asset activity (Announce, Follow, ...) at the next index, atomically.
  virtual Activity append_activity(const NewActivity& activity) = 0;
  virtual std::optional<Activity> find_activity(int64_t index) = 0;
  // By its UUID id (activities stored before those have none: find them by index).
  virtual std::optional<Activity> find_activity_by_id(const std::string& activity_id) = 0;
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
