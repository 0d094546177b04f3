// c2sp.org/tlog-tiles: paths, tile arithmetic, tile bytes, entry bundles and tile-based
// hash reading. See tiles.h.
#include "tlog/tiles.h"

#include <bit>
#include <cstring>
#include <stdexcept>

#include "tlog/text.h"

namespace artdag::tlog {
namespace {

constexpr std::size_t kMaxTilePathLength = 128;  // the longest valid path is ~55 bytes

std::string three_digits(std::uint64_t group) {
  const char digits[] = {static_cast<char>('0' + group / 100),
                         static_cast<char>('0' + group / 10 % 10),
                         static_cast<char>('0' + group % 10)};
  return std::string(digits, 3);
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::optional<unsigned> three_digit_group(std::string_view element) {
  if (element.size() != 3 || !is_digit(element[0]) || !is_digit(element[1]) ||
      !is_digit(element[2]))
    return std::nullopt;
  return static_cast<unsigned>((element[0] - '0') * 100 + (element[1] - '0') * 10 +
                               (element[2] - '0'));
}

// Root of a power-of-two run of hashes, reduced pairwise in place.
Hash perfect_root(std::vector<Hash> hashes) {
  for (std::size_t n = hashes.size(); n > 1; n /= 2) {
    for (std::size_t i = 0; i < n / 2; ++i) hashes[i] = node_hash(hashes[2 * i], hashes[2 * i + 1]);
  }
  return hashes.at(0);
}

}  // namespace

std::string tile_index_path(std::uint64_t index) {
  std::string path = three_digits(index % 1000);
  while (index >= 1000) {
    index /= 1000;
    path = "x" + three_digits(index % 1000) + "/" + path;
  }
  return path;
}

std::string tile_path(const Tile& tile) {
  if (tile.level < kEntriesLevel || tile.level > kMaxTileLevel)
    throw std::invalid_argument("tile level out of range");
  if (tile.width == 0 || tile.width > kTileWidth)
    throw std::invalid_argument("tile width out of range");
  std::string path =
      tile.is_entries() ? "tile/entries/" : "tile/" + std::to_string(tile.level) + "/";
  path += tile_index_path(tile.index);
  if (tile.is_partial()) path += ".p/" + std::to_string(tile.width);
  return path;
}

Result<Tile> parse_tile_path(std::string_view path) {
  if (path.size() > kMaxTilePathLength) return Failure{"tile path too long"};
  constexpr std::string_view kPrefix = "tile/";
  if (!path.starts_with(kPrefix)) return Failure{"not a tile path"};
  path.remove_prefix(kPrefix.size());

  Tile tile;
  const auto slash = path.find('/');
  if (slash == std::string_view::npos) return Failure{"tile path has no index"};
  const std::string_view level = path.substr(0, slash);
  path.remove_prefix(slash + 1);
  if (level == "entries") {
    tile.level = kEntriesLevel;
  } else {
    auto parsed = level.size() <= 2 ? text::parse_decimal(level) : std::nullopt;
    if (!parsed || *parsed > static_cast<std::uint64_t>(kMaxTileLevel))
      return Failure{"bad tile level"};
    tile.level = static_cast<int>(*parsed);
  }

  // Index elements: "xDDD/" repeated, then a final "DDD".
  std::uint64_t index = 0;
  bool first = true;
  while (path.starts_with('x')) {
    auto group = three_digit_group(path.substr(1, 3));
    if (!group || path.size() < 5 || path[4] != '/') return Failure{"bad tile index element"};
    if (first && *group == 0) return Failure{"tile index has leading zeroes"};
    if (index > (UINT64_MAX - *group) / 1000) return Failure{"tile index too large"};
    index = index * 1000 + *group;
    first = false;
    path.remove_prefix(5);
  }
  auto last = three_digit_group(path.substr(0, 3));
  if (!last) return Failure{"bad tile index element"};
  if (index > (UINT64_MAX - *last) / 1000) return Failure{"tile index too large"};
  tile.index = index * 1000 + *last;
  path.remove_prefix(3);

  if (path.empty()) return tile;
  constexpr std::string_view kPartial = ".p/";
  if (!path.starts_with(kPartial)) return Failure{"bad tile path suffix"};
  path.remove_prefix(kPartial.size());
  auto width = path.size() <= 3 ? text::parse_decimal(path) : std::nullopt;
  if (!width || *width == 0 || *width >= kTileWidth) return Failure{"bad partial tile width"};
  tile.width = static_cast<unsigned>(*width);
  return tile;
}

std::uint64_t hashes_at_level(std::uint64_t tree_size, int level) {
  if (level < 0) level = 0;
  const auto shift = static_cast<unsigned>(level) * kTileHeight;
  return shift >= 64 ? 0 : tree_size >> shift;
}

std::uint64_t full_tile_count(std::uint64_t tree_size, int level) {
  return hashes_at_level(tree_size, level) / kTileWidth;
}

std::vector<Tile> partial_tiles(std::uint64_t tree_size) {
  std::vector<Tile> tiles;
  for (int level = 0; level <= kMaxTileLevel; ++level) {
    const std::uint64_t hashes = hashes_at_level(tree_size, level);
    if (hashes == 0) break;
    if (hashes % kTileWidth != 0)
      tiles.push_back(Tile{level, hashes / kTileWidth, static_cast<unsigned>(hashes % kTileWidth)});
  }
  return tiles;
}

bool tile_exists(const Tile& tile, std::uint64_t tree_size) {
  if (tile.level < kEntriesLevel || tile.level > kMaxTileLevel) return false;
  if (tile.width == 0 || tile.width > kTileWidth) return false;
  const std::uint64_t hashes = hashes_at_level(tree_size, tile.level);
  const std::uint64_t full = hashes / kTileWidth;
  if (tile.index < full) return true;
  return tile.index == full && tile.width <= hashes % kTileWidth;
}

std::vector<Tile> newly_full_tiles(std::uint64_t old_size, std::uint64_t new_size) {
  std::vector<Tile> tiles;
  if (new_size <= old_size) return tiles;
  for (int level = 0; level <= kMaxTileLevel; ++level) {
    const std::uint64_t before = full_tile_count(old_size, level);
    const std::uint64_t after = full_tile_count(new_size, level);
    if (after == 0) break;
    for (std::uint64_t index = before; index < after; ++index)
      tiles.push_back(Tile{level, index, kTileWidth});
  }
  return tiles;
}

std::string tile_bytes(std::span<const Hash> hashes) {
  std::string bytes;
  bytes.reserve(hashes.size() * sizeof(Hash));
  for (const Hash& hash : hashes)
    bytes.append(reinterpret_cast<const char*>(hash.data()), hash.size());
  return bytes;
}

Result<std::vector<Hash>> parse_tile_bytes(std::string_view bytes) {
  constexpr std::size_t kHashSize = sizeof(Hash);
  if (bytes.empty() || bytes.size() % kHashSize != 0 || bytes.size() > kTileWidth * kHashSize)
    return Failure{"tile is not 1 to 256 hashes"};
  std::vector<Hash> hashes(bytes.size() / kHashSize);
  std::memcpy(hashes.data(), bytes.data(), bytes.size());
  return hashes;
}

Hash tile_root(std::span<const Hash> hashes) {
  MemoryTree tree;
  for (const Hash& hash : hashes) tree.append_leaf_hash(hash);
  return tree.root();
}

std::string encode_entry_bundle(std::span<const std::string> entries) {
  if (entries.size() > kTileWidth) throw std::length_error("entry bundle over 256 entries");
  std::string bytes;
  for (const std::string& entry : entries) {
    if (entry.size() > kMaxEntrySize) throw std::length_error("log entry over 65,535 bytes");
    bytes.push_back(static_cast<char>(entry.size() >> 8));
    bytes.push_back(static_cast<char>(entry.size() & 0xFF));
    bytes.append(entry);
  }
  return bytes;
}

Result<std::vector<std::string>> decode_entry_bundle(std::string_view bytes,
                                                     unsigned expected_count) {
  std::vector<std::string> entries;
  while (!bytes.empty()) {
    if (entries.size() == kTileWidth) return Failure{"entry bundle over 256 entries"};
    if (bytes.size() < 2) return Failure{"entry bundle truncated in a length"};
    const std::size_t length = static_cast<std::size_t>(static_cast<unsigned char>(bytes[0])) << 8 |
                               static_cast<unsigned char>(bytes[1]);
    bytes.remove_prefix(2);
    if (bytes.size() < length) return Failure{"entry bundle truncated in an entry"};
    entries.emplace_back(bytes.substr(0, length));
    bytes.remove_prefix(length);
  }
  if (entries.empty()) return Failure{"empty entry bundle"};
  if (expected_count != 0 && entries.size() != expected_count)
    return Failure{"entry bundle has the wrong number of entries"};
  return entries;
}

const std::vector<Hash>& TileHashes::tile(int level, std::uint64_t index, unsigned width) {
  const auto key = std::make_pair(level, index);
  if (auto found = cache_.find(key); found != cache_.end()) return found->second;
  std::vector<Hash> hashes = reader_.read_tile(level, index, width);
  if (hashes.size() != width) throw std::runtime_error("tile reader returned the wrong width");
  return cache_.emplace(key, std::move(hashes)).first->second;
}

Hash TileHashes::subtree_hash(unsigned height, std::uint64_t index) {
  const int level = static_cast<int>(height / kTileHeight);
  const unsigned rest = height % kTileHeight;  // height within the tile
  const std::uint64_t available = hashes_at_level(size_, level);
  const std::uint64_t count = std::uint64_t{1} << rest;
  if (height >= 64 || index >= (available >> rest))
    throw std::out_of_range("subtree outside the tree");
  const std::uint64_t first = index << rest;  // first hash of the run in the level
  const std::uint64_t tile_index = first / kTileWidth;
  const auto offset = static_cast<unsigned>(first % kTileWidth);
  const unsigned width = tile_index < available / kTileWidth
                             ? kTileWidth
                             : static_cast<unsigned>(available % kTileWidth);
  const std::vector<Hash>& hashes = tile(level, tile_index, width);
  if (count == 1) return hashes[offset];
  return perfect_root(std::vector<Hash>(hashes.begin() + offset, hashes.begin() + offset + count));
}

Hash tree_root_from_tiles(TileReader& reader, std::uint64_t tree_size) {
  TileHashes hashes(reader, tree_size);
  return tree_root(hashes, tree_size);
}

std::vector<Hash> inclusion_proof_from_tiles(TileReader& reader, std::uint64_t tree_size,
                                             std::uint64_t index) {
  TileHashes hashes(reader, tree_size);
  return inclusion_proof(hashes, tree_size, index);
}

std::vector<Hash> consistency_proof_from_tiles(TileReader& reader, std::uint64_t size1,
                                               std::uint64_t size2) {
  TileHashes hashes(reader, size2);
  return consistency_proof(hashes, size1, size2);
}

}  // namespace artdag::tlog
