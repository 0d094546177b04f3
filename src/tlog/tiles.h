#pragma once
// c2sp.org/tlog-tiles with tile height 8: tile coordinates and their URL paths, which tiles
// a tree size has, the bytes of a tile, entry bundles, and root/proof generation that reads
// hashes tile by tile (the way Go's golang.org/x/mod/sumdb/tlog does), so the store can keep
// only each leaf hash and every full tile and derive the rest.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tlog/merkle.h"
#include "tlog/result.h"

namespace artdag::tlog {

inline constexpr unsigned kTileHeight = 8;           // each tile is a subtree of height 8
inline constexpr unsigned kTileWidth = 256;          // hashes in a full tile
inline constexpr int kEntriesLevel = -1;             // Tile::level of an entry bundle
inline constexpr int kMaxTileLevel = 63;             // the spec's bound on <L>
inline constexpr std::size_t kMaxEntrySize = 65535;  // a bundle's uint16 length prefix

// The n-th tile of a level (or the n-th entry bundle, level kEntriesLevel), `width` hashes
// (entries) wide: 256 for a full tile, 1..255 for a partial one.
struct Tile {
  int level = 0;
  std::uint64_t index = 0;
  unsigned width = kTileWidth;

  bool is_entries() const { return level == kEntriesLevel; }
  bool is_partial() const { return width < kTileWidth; }
  friend bool operator==(const Tile&, const Tile&) = default;
};

// N as zero-padded 3-digit path elements, all but the last prefixed with x:
// 1234067 → "x001/x234/067", 5 → "005".
std::string tile_index_path(std::uint64_t index);
// "tile/<L>/<N>[.p/<W>]" or "tile/entries/<N>[.p/<W>]" (no leading slash). Throws
// std::invalid_argument for a level outside -1..63 or a width outside 1..256.
std::string tile_path(const Tile& tile);
// The inverse of tile_path, refusing anything it would not produce: leading zeroes, an
// x000 first element, width 0 or ≥ 256, non-digits, numbers beyond uint64, extra slashes.
Result<Tile> parse_tile_path(std::string_view path);

// How many hashes level `level` (0..63; kEntriesLevel counts as 0) has in a tree of
// `tree_size` leaves: floor(tree_size / 256^level).
std::uint64_t hashes_at_level(std::uint64_t tree_size, int level);
// Full tiles of that level: floor(tree_size / 256^(level+1)).
std::uint64_t full_tile_count(std::uint64_t tree_size, int level);
// The rightmost partial tile of each level that has one, lowest level first (the level-0
// one also names the partial entry bundle). A tree of 70,000 gives 0/273.p/112, 1/001.p/17,
// 2/000.p/1.
std::vector<Tile> partial_tiles(std::uint64_t tree_size);
// Whether every hash of `tile` exists in the tree of `tree_size` leaves: a full tile that
// is complete, or a partial one whose width does not go past the level's last hash (a
// partial tile is a prefix of its eventual full tile, so it can be derived at any later size).
bool tile_exists(const Tile& tile, std::uint64_t tree_size);
// The full Merkle tiles (levels ≥ 0) that growing from old_size to new_size completes,
// lowest level first, then by index. Empty when new_size ≤ old_size.
std::vector<Tile> newly_full_tiles(std::uint64_t old_size, std::uint64_t new_size);

// A tile's content: its hashes concatenated (8,192 bytes for a full tile).
std::string tile_bytes(std::span<const Hash> hashes);
// Refused unless a whole number (1..256) of 32-byte hashes.
Result<std::vector<Hash>> parse_tile_bytes(std::string_view bytes);
// The Merkle root of the tile's hashes taken as leaves of a subtree. For a full tile of
// level L this is the hash the level L+1 tile holds for it.
Hash tile_root(std::span<const Hash> hashes);

// An entry bundle: each entry as a big-endian uint16 length then its bytes. Throws
// std::length_error for an entry over 65,535 bytes or more than 256 entries.
std::string encode_entry_bundle(std::span<const std::string> entries);
// Refused when truncated, empty, or over 256 entries; with expected_count > 0, unless it
// holds exactly that many.
Result<std::vector<std::string>> decode_entry_bundle(std::string_view bytes,
                                                     unsigned expected_count = 0);

// Where tile-based generation reads: exactly `width` hashes, the first `width` of tile
// (level, index). It is only asked for full tiles (width 256) and for the rightmost partial
// tile of a level at the size being worked on. Storage errors propagate as exceptions.
class TileReader {
 public:
  virtual ~TileReader() = default;
  virtual std::vector<Hash> read_tile(int level, std::uint64_t index, unsigned width) = 0;
};

// Perfect-subtree hashes of the tree of `tree_size` leaves computed from its tiles: a
// subtree of height 8L + r is the root of 2^r consecutive hashes of a level-L tile. Keeps
// the tiles it read for its lifetime, so use one per request. subtree_hash throws
// std::out_of_range for a subtree outside the tree and std::runtime_error when the reader
// returns the wrong number of hashes.
class TileHashes : public SubtreeHashes {
 public:
  TileHashes(TileReader& reader, std::uint64_t tree_size) : reader_(reader), size_(tree_size) {}
  Hash subtree_hash(unsigned height, std::uint64_t index) override;

 private:
  const std::vector<Hash>& tile(int level, std::uint64_t index, unsigned width);
  TileReader& reader_;
  std::uint64_t size_;
  std::map<std::pair<int, std::uint64_t>, std::vector<Hash>> cache_;
};

// tree_root / inclusion_proof / consistency_proof of merkle.h over tiles; same contracts.
Hash tree_root_from_tiles(TileReader& reader, std::uint64_t tree_size);
std::vector<Hash> inclusion_proof_from_tiles(TileReader& reader, std::uint64_t tree_size,
                                             std::uint64_t index);
std::vector<Hash> consistency_proof_from_tiles(TileReader& reader, std::uint64_t size1,
                                               std::uint64_t size2);

}  // namespace artdag::tlog
