#pragma once
// The Merkle tiles of the claim log as the store keeps them: every leaf hash and every full
// tile; a partial tile is derived on request (level 0 from leaf hashes, level L from the
// roots of the full tiles of level L-1), so full tiles are written once and never change.
#include <mutex>
#include <string>
#include <vector>

#include "store/log_store.h"
#include "tlog/tiles.h"

namespace artdag::services::claim_log {

// The roots of the full tiles, which never change: level L's partial tiles are made of the
// roots of level L-1's full tiles, so without this every checkpoint and every partial-tile
// request would read and hash all of them. One per process, shared by every reader; dense
// per level (32 bytes per full tile: 125 KB per million entries).
class TileRoots {
 public:
  // The roots of the full tiles [first, first + count) of `level` that the store holds
  // (fewer when it lacks some), each read from the store once.
  std::vector<tlog::Hash> get(store::LogStore& store, int level, int64_t first, int count);

 private:
  std::mutex mutex_;
  std::vector<std::vector<tlog::Hash>> known_;  // per level: the roots of tiles 0..n-1
};

class StoredTiles : public tlog::TileReader {
 public:
  StoredTiles(store::LogStore& store, TileRoots& roots) : store_(store), roots_(roots) {}

  // Exactly `width` hashes; throws std::runtime_error when the store lacks some (the caller
  // asked beyond what was integrated, or the database was tampered with).
  std::vector<tlog::Hash> read_tile(int level, std::uint64_t index, unsigned width) override;

 private:
  std::vector<tlog::Hash> derive(int level, std::uint64_t index, unsigned width);
  store::LogStore& store_;
  TileRoots& roots_;
};

// Hex text <-> hashes, the store's representation.
std::string hashes_to_hex(const std::vector<tlog::Hash>& hashes);
std::vector<tlog::Hash> hashes_from_hex(const std::string& text);  // throws std::runtime_error

}  // namespace artdag::services::claim_log
