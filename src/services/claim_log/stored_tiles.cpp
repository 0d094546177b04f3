#include "services/claim_log/stored_tiles.h"

#include <algorithm>
#include <stdexcept>

namespace artdag::services::claim_log {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

tlog::Hash hash_from_hex(std::string_view text) {
  if (text.size() != 64)
    throw std::runtime_error("claim log: a stored hash is not 64 hex characters");
  tlog::Hash hash{};
  for (std::size_t i = 0; i < hash.size(); ++i) {
    int high = hex_value(text[2 * i]), low = hex_value(text[2 * i + 1]);
    if (high < 0 || low < 0) throw std::runtime_error("claim log: a stored hash is not hex");
    hash[i] = static_cast<std::uint8_t>(high * 16 + low);
  }
  return hash;
}

}  // namespace

std::string hashes_to_hex(const std::vector<tlog::Hash>& hashes) {
  std::string out;
  out.reserve(hashes.size() * 64);
  for (const auto& hash : hashes) out += tlog::hash_hex(hash);
  return out;
}

std::vector<tlog::Hash> hashes_from_hex(const std::string& text) {
  if (text.size() % 64 != 0) throw std::runtime_error("claim log: a stored tile has a bad length");
  std::vector<tlog::Hash> out;
  out.reserve(text.size() / 64);
  for (std::size_t at = 0; at < text.size(); at += 64)
    out.push_back(hash_from_hex(std::string_view(text).substr(at, 64)));
  return out;
}

std::vector<tlog::Hash> TileRoots::get(store::LogStore& store, int level, int64_t first,
                                       int count) {
  constexpr int kChunk = 256;  // full tiles read at a time: 4 MiB of hex
  std::lock_guard lock(mutex_);
  if (known_.size() <= static_cast<std::size_t>(level)) known_.resize(level + 1);
  auto& known = known_[level];
  const auto want = static_cast<std::size_t>(first + count);
  while (known.size() < want) {
    const auto start = static_cast<int64_t>(known.size());
    const int asked = static_cast<int>(std::min<std::size_t>(kChunk, want - known.size()));
    auto rows = store.tiles(level, start, asked);
    // tiles() skips missing ones; only a run without gaps is known to start at `start`.
    if (static_cast<int>(rows.size()) != asked) {
      auto one = store.tile(level, start);
      if (!one) break;
      rows = {*one};
    }
    for (const auto& row : rows) {
      auto hashes = hashes_from_hex(row);
      if (hashes.size() != tlog::kTileWidth)
        throw std::runtime_error("claim log: a stored full tile does not hold 256 hashes");
      known.push_back(tlog::tile_root(hashes));
    }
  }
  const auto end = std::min(known.size(), want);
  if (static_cast<std::size_t>(first) >= end) return {};
  return {known.begin() + first, known.begin() + static_cast<std::ptrdiff_t>(end)};
}

std::vector<tlog::Hash> StoredTiles::read_tile(int level, std::uint64_t index, unsigned width) {
  if (width == tlog::kTileWidth) {
    if (auto stored = store_.tile(level, static_cast<int64_t>(index))) {
      auto hashes = hashes_from_hex(*stored);
      if (hashes.size() != tlog::kTileWidth)
        throw std::runtime_error("claim log: a stored full tile does not hold 256 hashes");
      return hashes;
    }
  }
  return derive(level, index, width);
}

std::vector<tlog::Hash> StoredTiles::derive(int level, std::uint64_t index, unsigned width) {
  const auto first = static_cast<int64_t>(index * tlog::kTileWidth);
  std::vector<tlog::Hash> out;
  out.reserve(width);
  if (level == 0) {
    for (const auto& hex : store_.leaf_hashes(first, static_cast<int>(width)))
      out.push_back(hash_from_hex(hex));
  } else {
    out = roots_.get(store_, level - 1, first, static_cast<int>(width));
  }
  if (out.size() != width)
    throw std::runtime_error("claim log: tile " + std::to_string(level) + "/" +
                             std::to_string(index) + " is not integrated that far");
  return out;
}

}  // namespace artdag::services::claim_log
