// c2sp.org/tlog-tiles: path encoding and its strict parser, which tiles a size has, tile
// bytes, entry bundles, and roots/proofs computed from a tile store shaped like the
// database's (leaf hashes + full tiles, partial tiles derived) against the in-memory tree.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "tlog/merkle.h"
#include "tlog/tiles.h"

namespace artdag::tlog {
namespace {

std::vector<std::string> paths(const std::vector<Tile>& tiles) {
  std::vector<std::string> out;
  for (const Tile& tile : tiles) out.push_back(tile_path(tile));
  return out;
}

TEST(TlogTiles, IndexPathEncoding) {
  EXPECT_EQ(tile_index_path(1234067), "x001/x234/067");
  EXPECT_EQ(tile_index_path(0), "000");
  EXPECT_EQ(tile_index_path(5), "005");
  EXPECT_EQ(tile_index_path(999), "999");
  EXPECT_EQ(tile_index_path(1000), "x001/000");
  EXPECT_EQ(tile_index_path(1000000), "x001/x000/000");
  EXPECT_EQ(tile_index_path(UINT64_MAX), "x018/x446/x744/x073/x709/x551/615");
}

TEST(TlogTiles, PathsFormatAndParseBack) {
  const Tile tiles[] = {{0, 0, 256},
                        {0, 273, 112},
                        {1, 1, 17},
                        {2, 0, 1},
                        {63, 1234067, 255},
                        {kEntriesLevel, 1234067, 256},
                        {kEntriesLevel, 7, 3},
                        {5, UINT64_MAX, 256}};
  const char* expected[] = {"tile/0/000",
                            "tile/0/273.p/112",
                            "tile/1/001.p/17",
                            "tile/2/000.p/1",
                            "tile/63/x001/x234/067.p/255",
                            "tile/entries/x001/x234/067",
                            "tile/entries/007.p/3",
                            "tile/5/x018/x446/x744/x073/x709/x551/615"};
  for (std::size_t i = 0; i < std::size(tiles); ++i) {
    EXPECT_EQ(tile_path(tiles[i]), expected[i]);
    auto parsed = parse_tile_path(expected[i]);
    ASSERT_TRUE(parsed) << expected[i] << ": " << parsed.error();
    EXPECT_EQ(*parsed, tiles[i]);
  }
  EXPECT_THROW(tile_path(Tile{0, 0, 0}), std::invalid_argument);
  EXPECT_THROW(tile_path(Tile{0, 0, 257}), std::invalid_argument);
  EXPECT_THROW(tile_path(Tile{64, 0, 256}), std::invalid_argument);
  EXPECT_THROW(tile_path(Tile{-2, 0, 256}), std::invalid_argument);
}

TEST(TlogTiles, PathParserRefusals) {
  const char* refused[] = {
      "",
      "tile",
      "tile/",
      "tile/0",
      "tile/0/",
      "/tile/0/000",
      "tiles/0/000",
      "tile/00/000",
      "tile/01/000",
      "tile/64/000",
      "tile/100/000",
      "tile/-1/000",
      "tile/+1/000",
      "tile/a/000",
      "tile/ 0/000",
      "tile/0/00",
      "tile/0/0000",
      "tile/0/1",
      "tile/0/abc",
      "tile/0/00a",
      "tile/0/x000/001",
      "tile/0/x001",
      "tile/0/x001/",
      "tile/0/x01/000",
      "tile/0/x0001/000",
      "tile/0/001/x002",
      "tile/0/y001/002",
      "tile/0/X001/002",
      "tile/0/000.p/0",
      "tile/0/000.p/256",
      "tile/0/000.p/300",
      "tile/0/000.p/012",
      "tile/0/000.p/",
      "tile/0/000.p",
      "tile/0/000.p/1/",
      "tile/0/000.x/1",
      "tile/0/000/",
      "tile/0/000?x=1",
      "tile/0/000.p/-1",
      "tile/0/000.p/1a",
      "tile/0/000.p/+5",
      "tile/entries/",
      "tile/entries/00",
      "tile/Entries/000",
      "tile/entries/000.p/256",
      "tile/0//000",
      "tile/0/x018/x446/x744/x073/x709/x551/616",  // 2^64
      "tile/0/x999/x999/x999/x999/x999/x999/x999/999",
      "tile/0/x001/x001/x001/x001/x001/x001/x001/x001/x001/x001/x001/x001/x001/x001/x001/001",
  };
  for (const char* path : refused) {
    auto parsed = parse_tile_path(path);
    EXPECT_FALSE(parsed) << path;
    if (!parsed) {
      EXPECT_FALSE(parsed.error().empty());
    }
  }
  // Bytes that are not text at all.
  EXPECT_FALSE(
      parse_tile_path(std::string("tile/0/0\0"
                                  "0",
                                  10)));
}

TEST(TlogTiles, TilesOfSeventyThousand) {
  // The example of c2sp.org/tlog-tiles.
  EXPECT_EQ(full_tile_count(70000, 0), 273u);
  EXPECT_EQ(full_tile_count(70000, 1), 1u);
  EXPECT_EQ(full_tile_count(70000, 2), 0u);
  EXPECT_EQ(paths(partial_tiles(70000)),
            (std::vector<std::string>{"tile/0/273.p/112", "tile/1/001.p/17", "tile/2/000.p/1"}));
  EXPECT_TRUE(tile_exists(*parse_tile_path("tile/1/000"), 70000));
  EXPECT_TRUE(tile_exists(*parse_tile_path("tile/0/272"), 70000));
  EXPECT_FALSE(tile_exists(*parse_tile_path("tile/0/273"), 70000));
  EXPECT_TRUE(tile_exists(*parse_tile_path("tile/0/273.p/112"), 70000));
  EXPECT_TRUE(tile_exists(*parse_tile_path("tile/0/273.p/5"), 70000));  // an earlier size's
  EXPECT_FALSE(tile_exists(*parse_tile_path("tile/0/273.p/113"), 70000));
  EXPECT_FALSE(tile_exists(*parse_tile_path("tile/0/274.p/1"), 70000));
  EXPECT_TRUE(tile_exists(*parse_tile_path("tile/0/005.p/7"), 70000));  // prefix of a full one
  EXPECT_TRUE(tile_exists(*parse_tile_path("tile/entries/273.p/112"), 70000));
  EXPECT_FALSE(tile_exists(*parse_tile_path("tile/entries/273"), 70000));
  EXPECT_TRUE(tile_exists(*parse_tile_path("tile/2/000.p/1"), 70000));
  EXPECT_FALSE(tile_exists(*parse_tile_path("tile/3/000.p/1"), 70000));
  EXPECT_FALSE(tile_exists(*parse_tile_path("tile/63/000.p/1"), UINT64_MAX));
  // "A tree of size 256 will be represented by a full level 0 tile and a partial level 1
  // tile of width 1."
  EXPECT_EQ(full_tile_count(256, 0), 1u);
  EXPECT_EQ(paths(partial_tiles(256)), (std::vector<std::string>{"tile/1/000.p/1"}));
  EXPECT_TRUE(partial_tiles(0).empty());
  EXPECT_EQ(paths(partial_tiles(1)), (std::vector<std::string>{"tile/0/000.p/1"}));
  EXPECT_EQ(partial_tiles(UINT64_MAX).size(), 8u);
  EXPECT_EQ(hashes_at_level(UINT64_MAX, 7), 255u);
  EXPECT_EQ(hashes_at_level(UINT64_MAX, 8), 0u);
}

TEST(TlogTiles, NewlyFullTiles) {
  EXPECT_TRUE(newly_full_tiles(0, 255).empty());
  EXPECT_TRUE(newly_full_tiles(300, 300).empty());
  EXPECT_TRUE(newly_full_tiles(300, 200).empty());
  EXPECT_EQ(paths(newly_full_tiles(255, 256)), (std::vector<std::string>{"tile/0/000"}));
  EXPECT_EQ(paths(newly_full_tiles(256, 511)), (std::vector<std::string>{}));
  EXPECT_EQ(paths(newly_full_tiles(100, 600)),
            (std::vector<std::string>{"tile/0/000", "tile/0/001"}));
  EXPECT_EQ(paths(newly_full_tiles(65535, 65536)),
            (std::vector<std::string>{"tile/0/255", "tile/1/000"}));
  auto all = newly_full_tiles(0, 70000);
  ASSERT_EQ(all.size(), 274u);
  EXPECT_EQ(tile_path(all[0]), "tile/0/000");
  EXPECT_EQ(tile_path(all[272]), "tile/0/272");
  EXPECT_EQ(tile_path(all[273]), "tile/1/000");
  EXPECT_EQ(paths(newly_full_tiles(16777215, 16777216)),
            (std::vector<std::string>{"tile/0/x065/535", "tile/1/255", "tile/2/000"}));
}

TEST(TlogTiles, TileBytes) {
  std::vector<Hash> hashes;
  for (int i = 0; i < 256; ++i) hashes.push_back(leaf_hash(std::to_string(i)));
  const std::string bytes = tile_bytes(hashes);
  ASSERT_EQ(bytes.size(), 8192u);
  auto parsed = parse_tile_bytes(bytes);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, hashes);
  EXPECT_FALSE(parse_tile_bytes(""));
  EXPECT_FALSE(parse_tile_bytes(bytes.substr(0, 8191)));
  EXPECT_FALSE(parse_tile_bytes(bytes + std::string(32, 'x')));
  EXPECT_EQ(parse_tile_bytes(bytes.substr(0, 64))->size(), 2u);
  // The root of a full level-0 tile is the root of the tree of its 256 leaves.
  MemoryTree tree;
  for (const Hash& hash : hashes) tree.append_leaf_hash(hash);
  EXPECT_EQ(tile_root(hashes), tree.root());
  EXPECT_EQ(tile_root(std::span(hashes).first(3)), tree.root(3));
}

TEST(TlogTiles, EntryBundles) {
  std::vector<std::string> entries = {"", "a", std::string(300, 'b'), std::string(65535, 'c')};
  const std::string bundle = encode_entry_bundle(entries);
  EXPECT_EQ(bundle.substr(0, 5), std::string("\0\0\0\x01"
                                             "a",
                                             5));
  EXPECT_EQ(bundle.substr(5, 2), "\x01\x2c");
  auto decoded = decode_entry_bundle(bundle);
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(*decoded, entries);
  EXPECT_TRUE(decode_entry_bundle(bundle, 4));
  EXPECT_FALSE(decode_entry_bundle(bundle, 5));
  // Truncated anywhere: in a length prefix or inside an entry.
  for (std::size_t cut : {1ul, 4ul, 6ul, 100ul, bundle.size() - 1})
    EXPECT_FALSE(decode_entry_bundle(std::string_view(bundle).substr(0, cut))) << cut;
  EXPECT_FALSE(decode_entry_bundle(""));
  EXPECT_FALSE(
      decode_entry_bundle(std::string("\xff\xff"
                                      "abc",
                                      5)));
  // Oversized: an entry over 65,535 bytes cannot be encoded; 257 entries are refused.
  EXPECT_THROW(encode_entry_bundle(std::vector<std::string>{std::string(65536, 'x')}),
               std::length_error);
  std::vector<std::string> many(257, "e");
  EXPECT_THROW(encode_entry_bundle(many), std::length_error);
  std::string too_many;
  for (int i = 0; i < 257; ++i)
    too_many += std::string(
        "\0\x01"
        "e",
        3);
  EXPECT_FALSE(decode_entry_bundle(too_many));
  many.pop_back();
  auto full = decode_entry_bundle(encode_entry_bundle(many), 256);
  ASSERT_TRUE(full);
  EXPECT_EQ(full->size(), 256u);
}

// Stores what the database will: each leaf hash, and every full tile as a blob written when
// it fills. Partial tiles are derived on request: level 0 from the leaf hashes, level L from
// the roots of the full tiles of level L-1.
class DatabaseLikeTiles : public TileReader {
 public:
  void append(std::string_view entry) {
    const std::uint64_t old_size = leaves_.size();
    leaves_.push_back(leaf_hash(entry));
    for (const Tile& tile : newly_full_tiles(old_size, leaves_.size()))
      full_tiles_[{tile.level, tile.index}] =
          tile_bytes(derive(tile.level, tile.index, kTileWidth));
  }
  std::uint64_t size() const { return leaves_.size(); }

  std::vector<Hash> read_tile(int level, std::uint64_t index, unsigned width) override {
    ++reads;
    if (width == kTileWidth) {
      auto blob = full_tiles_.find({level, index});
      if (blob == full_tiles_.end()) throw std::runtime_error("no such full tile");
      return parse_tile_bytes(blob->second).value();
    }
    return derive(level, index, width);
  }

  int reads = 0;

 private:
  std::vector<Hash> derive(int level, std::uint64_t index, unsigned width) {
    std::vector<Hash> hashes;
    for (std::uint64_t i = index * kTileWidth; i < index * kTileWidth + width; ++i) {
      if (level == 0) {
        hashes.push_back(leaves_.at(i));
      } else {
        auto below = parse_tile_bytes(full_tiles_.at({level - 1, i})).value();
        hashes.push_back(tile_root(below));
      }
    }
    return hashes;
  }

  std::vector<Hash> leaves_;
  std::map<std::pair<int, std::uint64_t>, std::string> full_tiles_;
};

TEST(TlogTiles, RootsFromTilesMatchTheMemoryTree) {
  DatabaseLikeTiles tiles;
  MemoryTree tree;
  EXPECT_EQ(tree_root_from_tiles(tiles, 0), empty_root());
  for (int i = 0; i < 70000; ++i) {
    const std::string entry = "claim " + std::to_string(i);
    tiles.append(entry);
    tree.append_entry(entry);
    if (tree.size() <= 300) {
      ASSERT_EQ(tree_root_from_tiles(tiles, tree.size()), tree.root()) << i;
    }
  }
  EXPECT_EQ(tree_root_from_tiles(tiles, 70000), tree.root());
  for (std::uint64_t size : {511ul, 512ul, 65535ul, 65536ul, 65537ul, 65792ul, 69999ul})
    EXPECT_EQ(tree_root_from_tiles(tiles, size), tree.root(size)) << size;
  // Roots of earlier sizes are computable from the current store.
  tiles.reads = 0;
  (void)tree_root_from_tiles(tiles, 70000);
  EXPECT_LE(tiles.reads, 6);  // one tile per level that matters, cached within the call

  // Proofs across tile boundaries equal the in-memory tree's and verify.
  const std::uint64_t sizes[] = {1, 255, 256, 257, 511, 512, 65535, 65536, 65537, 70000};
  const std::uint64_t indexes[] = {0, 1, 254, 255, 256, 257, 510, 511, 65534, 65535, 65536, 69999};
  for (std::uint64_t size : sizes) {
    const Hash root = tree_root_from_tiles(tiles, size);
    for (std::uint64_t index : indexes) {
      if (index >= size) continue;
      auto proof = inclusion_proof_from_tiles(tiles, size, index);
      EXPECT_EQ(proof, tree.inclusion_proof(index, size)) << index << "/" << size;
      EXPECT_TRUE(verify_inclusion(index, size, tree.leaf(index), proof, root));
    }
    for (std::uint64_t old_size : sizes) {
      if (old_size > size) continue;
      auto proof = consistency_proof_from_tiles(tiles, old_size, size);
      EXPECT_EQ(proof, tree.consistency_proof(old_size, size)) << old_size << "→" << size;
      EXPECT_TRUE(verify_consistency(old_size, size, proof, tree.root(old_size), root));
    }
  }
  EXPECT_THROW(inclusion_proof_from_tiles(tiles, 10, 10), std::out_of_range);
  EXPECT_THROW(consistency_proof_from_tiles(tiles, 11, 10), std::out_of_range);
}

// A reader that answers with the wrong number of hashes is an error, not a wrong root.
class ShortTiles : public TileReader {
 public:
  std::vector<Hash> read_tile(int, std::uint64_t, unsigned width) override {
    return std::vector<Hash>(width - 1, leaf_hash("x"));
  }
};

TEST(TlogTiles, BadReaderIsAnError) {
  ShortTiles tiles;
  EXPECT_THROW(tree_root_from_tiles(tiles, 5), std::runtime_error);
  TileHashes hashes(tiles, 5);
  EXPECT_THROW(hashes.subtree_hash(3, 0), std::out_of_range);  // needs 8 leaves
  EXPECT_THROW(hashes.subtree_hash(0, 5), std::out_of_range);
  EXPECT_THROW(hashes.subtree_hash(64, 0), std::out_of_range);
}

}  // namespace
}  // namespace artdag::tlog
