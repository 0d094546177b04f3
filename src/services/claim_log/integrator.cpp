#include "services/claim_log/integrator.h"

#include <algorithm>
#include <stdexcept>

#include "activitypub/canon.h"
#include "services/claim_log/stored_tiles.h"
#include "tlog/checkpoint.h"
#include "tlog/tiles.h"
#include "util/json.h"

namespace artdag::services::claim_log {

namespace {
constexpr int kReadChunk = 4096;
}

std::string log_entry(const std::string& stored_json) {
  Json activity = Json::parse(stored_json);
  return activitypub::canonical_json(activity);
}

Integrator::Integrator(store::LogStore& store, TileRoots& roots, const LogIdentity& identity,
                       std::string owner)
    : store_(store), roots_(roots), identity_(identity), owner_(std::move(owner)) {}

Integrator::Step Integrator::integrate_once(int64_t now, int64_t max_entries) {
  Step step;
  auto latest = store_.latest_checkpoint();
  step.size = latest ? latest->size : 0;
  const int64_t old_size = step.size;
  const int64_t length = store_.log_length();
  const int64_t new_size = std::min(length, old_size + max_entries);
  if (latest && new_size <= old_size) return step;
  if (now + kLeaseSeconds / 2 >= lease_until_) {
    if (!store_.take_integrator_lease(owner_, now, now + kLeaseSeconds)) {
      lease_until_ = 0;
      return step;
    }
    lease_until_ = now + kLeaseSeconds;
  }
  step.leased = true;

  // Leaf hashes of the new entries.
  for (int64_t at = old_size; at < new_size; at += kReadChunk) {
    const int count = static_cast<int>(std::min<int64_t>(kReadChunk, new_size - at));
    auto rows = store_.activity_json_range(at, count);
    if (static_cast<int>(rows.size()) != count)
      throw std::runtime_error("claim log: activities " + std::to_string(at) + ".. are missing");
    std::vector<std::string> hashes;
    hashes.reserve(rows.size());
    for (const auto& json : rows) {
      const std::string entry = log_entry(json);
      if (entry.size() > tlog::kMaxEntrySize)
        throw std::runtime_error("claim log: entry " +
                                 std::to_string(at + static_cast<int64_t>(hashes.size())) +
                                 " is larger than 65,535 bytes");
      hashes.push_back(tlog::hash_hex(tlog::leaf_hash(entry)));
    }
    store_.put_leaf_hashes(at, hashes);
  }

  // Full tiles, lowest level first: each is derived from what is below it, then kept.
  StoredTiles tiles(store_, roots_);
  for (const auto& tile : tlog::newly_full_tiles(static_cast<std::uint64_t>(old_size),
                                                 static_cast<std::uint64_t>(new_size))) {
    auto hashes = tiles.read_tile(tile.level, tile.index, tlog::kTileWidth);
    store_.put_tile(tile.level, static_cast<int64_t>(tile.index), hashes_to_hex(hashes));
  }

  const auto root = tlog::tree_root_from_tiles(tiles, static_cast<std::uint64_t>(new_size));
  if (latest && old_size > 0) {
    const std::vector<tlog::Hash> old_root = hashes_from_hex(latest->root_hex);
    auto proof = tlog::consistency_proof_from_tiles(tiles, static_cast<std::uint64_t>(old_size),
                                                    static_cast<std::uint64_t>(new_size));
    if (!tlog::verify_consistency(static_cast<std::uint64_t>(old_size),
                                  static_cast<std::uint64_t>(new_size), proof, old_root.at(0),
                                  root))
      throw std::runtime_error("claim log: the stored tree of size " + std::to_string(new_size) +
                               " is not consistent with the checkpoint of size " +
                               std::to_string(old_size) + "; not publishing");
  }

  tlog::Checkpoint checkpoint{identity_.origin, static_cast<std::uint64_t>(new_size), root, {}};
  const std::string note = identity_.signer.sign(tlog::format_checkpoint(checkpoint));
  store::LogCheckpoint next{new_size, tlog::hash_hex(root), note, now};
  if (store_.publish_checkpoint(old_size, next)) {
    step.size = new_size;
    step.published = true;
    if (now >= next_purge_at_) {
      next_purge_at_ = now + kPurgeEverySeconds;
      const int64_t full_tiles_end =
          new_size / int64_t{tlog::kTileWidth} * int64_t{tlog::kTileWidth};
      store_.purge_uncosigned_checkpoints(full_tiles_end, now - kKeepUncosignedSeconds);
    }
  }
  return step;
}

}  // namespace artdag::services::claim_log
