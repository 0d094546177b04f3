#pragma once
// The Merkle tiles of the claim log as the store keeps them: every leaf hash and every full
// tile; a partial tile is derived on request (level 0 from leaf hashes, level L from the
// roots of the full tiles of level L-1), so full tiles are written once and never change.
#include <string>

#include "store/log_store.h"
#include "tlog/tiles.h"

namespace artdag::services::claim_log {

class StoredTiles : public tlog::TileReader {
 public:
  explicit StoredTiles(store::LogStore& store) : store_(store) {}

  // Exactly `width` hashes; throws std::runtime_error when the store lacks some (the caller
  // asked beyond what was integrated, or the database was tampered with).
  std::vector<tlog::Hash> read_tile(int level, std::uint64_t index, unsigned width) override;

 private:
  std::vector<tlog::Hash> derive(int level, std::uint64_t index, unsigned width);
  store::LogStore& store_;
};

// Hex text <-> hashes, the store's representation.
std::string hashes_to_hex(const std::vector<tlog::Hash>& hashes);
std::vector<tlog::Hash> hashes_from_hex(const std::string& text);  // throws std::runtime_error

}  // namespace artdag::services::claim_log
