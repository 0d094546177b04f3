// RFC 9162 Merkle tree: published roots and proofs, transparency-dev/merkle's proof probes
// (including every case that must fail), and generated proofs verifying across many sizes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "crypto/hash.h"
#include "tlog/merkle.h"

namespace artdag::tlog {
namespace {

Hash from_hex(std::string_view hex) {
  Hash hash{};
  for (std::size_t i = 0; i < hash.size(); ++i)
    hash[i] = static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(2 * i, 2)), nullptr, 16));
  return hash;
}

std::string bytes_from_hex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

// The 8 entries of transparency-dev/merkle's test data.
std::vector<std::string> test_entries() {
  std::vector<std::string> entries;
  for (const char* hex : {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                          "606162636465666768696a6b6c6d6e6f"})
    entries.push_back(bytes_from_hex(hex));
  return entries;
}

MemoryTree test_tree() {
  MemoryTree tree;
  for (const auto& entry : test_entries()) tree.append_entry(entry);
  return tree;
}

TEST(TlogMerkle, EmptyRootIsSha256OfNothing) {
  EXPECT_EQ(hash_hex(empty_root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  MemoryTree tree;
  EXPECT_EQ(tree.root(), empty_root());
}

TEST(TlogMerkle, RootsOfThePublishedTree) {
  const char* roots[] = {
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
  };
  MemoryTree tree = test_tree();
  for (std::uint64_t n = 0; n <= 8; ++n) EXPECT_EQ(hash_hex(tree.root(n)), roots[n]) << n;
  // The leaf hash of the empty entry is SHA-256(0x00).
  EXPECT_EQ(hash_hex(leaf_hash("")), crypto::hex_encode(crypto::sha256(std::string(1, '\0'))));
}

TEST(TlogMerkle, PublishedInclusionProofOfEntry5In8) {
  MemoryTree tree = test_tree();
  const std::vector<Hash> expected = {
      from_hex("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
      from_hex("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
      from_hex("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
  };
  EXPECT_EQ(tree.inclusion_proof(5, 8), expected);
  EXPECT_TRUE(verify_inclusion(5, 8, tree.leaf(5), expected, tree.root(8)));
  EXPECT_FALSE(verify_inclusion(4, 8, tree.leaf(5), expected, tree.root(8)));
  EXPECT_FALSE(verify_inclusion(5, 8, tree.leaf(4), expected, tree.root(8)));
  EXPECT_FALSE(verify_inclusion(5, 6, tree.leaf(5), expected, tree.root(8)));
}

TEST(TlogMerkle, PublishedConsistencyProofFrom3To7) {
  MemoryTree tree = test_tree();
  const std::vector<Hash> expected = {
      from_hex("0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7"),
      from_hex("07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7"),
      from_hex("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
      from_hex("837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e"),
  };
  EXPECT_EQ(tree.consistency_proof(3, 7), expected);
  EXPECT_TRUE(verify_consistency(3, 7, expected, tree.root(3), tree.root(7)));
  EXPECT_FALSE(verify_consistency(3, 7, expected, tree.root(4), tree.root(7)));
  EXPECT_FALSE(verify_consistency(3, 8, expected, tree.root(3), tree.root(8)));
  EXPECT_FALSE(verify_consistency(3, 7, std::span(expected).first(3), tree.root(3), tree.root(7)));
}

// transparency-dev/merkle testdata/{inclusion,consistency}: every JSON probe. A leaf or
// proof hash that is not 32 bytes cannot be passed to the typed API (Go's verifier rejects
// it too), so such a probe must be one that fails.
std::optional<Hash> probe_hash(const nlohmann::json& value) {
  auto bytes = crypto::base64_decode(value.get<std::string>());
  if (!bytes) return std::nullopt;
  return hash_from_bytes(*bytes);
}

// Roots are only ever compared for equality, and some probes use short placeholders
// ("don't care") for them; a placeholder stands in as the SHA-256 of its bytes, which keeps
// equal placeholders equal and unequal ones unequal.
Hash probe_root(const nlohmann::json& value) {
  auto bytes = crypto::base64_decode(value.get<std::string>()).value();
  if (auto hash = hash_from_bytes(bytes)) return *hash;
  return *hash_from_bytes(crypto::sha256(bytes));
}

std::optional<std::vector<Hash>> probe_proof(const nlohmann::json& value) {
  std::vector<Hash> proof;
  if (value.is_null()) return proof;
  for (const auto& item : value) {
    auto hash = probe_hash(item);
    if (!hash) return std::nullopt;
    proof.push_back(*hash);
  }
  return proof;
}

std::vector<nlohmann::json> read_probes(const std::string& kind) {
  std::vector<nlohmann::json> probes;
  const std::filesystem::path dir =
      std::filesystem::path(ARTDAG_TEST_DATA_DIR) / "tlog" / "merkle-testdata" / kind;
  for (const auto& file : std::filesystem::recursive_directory_iterator(dir)) {
    if (file.path().extension() != ".json") continue;
    std::ifstream in(file.path());
    std::stringstream buffer;
    buffer << in.rdbuf();
    auto probe = nlohmann::json::parse(buffer.str());
    probe["file"] = file.path().string();
    probes.push_back(std::move(probe));
  }
  return probes;
}

TEST(TlogMerkle, TransparencyDevInclusionProbes) {
  const auto probes = read_probes("inclusion");
  ASSERT_GE(probes.size(), 80u);
  int passing = 0, failing = 0;
  for (const auto& probe : probes) {
    const bool want_error = probe.at("wantErr").get<bool>();
    auto leaf = probe_hash(probe.at("leafHash"));
    auto root = std::optional(probe_root(probe.at("root")));
    auto proof = probe_proof(probe.at("proof"));
    bool ok = leaf && root && proof &&
              verify_inclusion(probe.at("leafIdx").get<std::uint64_t>(),
                               probe.at("treeSize").get<std::uint64_t>(), *leaf, *proof, *root);
    EXPECT_EQ(ok, !want_error) << probe.at("file").get<std::string>();
    (want_error ? failing : passing)++;
  }
  EXPECT_GT(passing, 4);
  EXPECT_GT(failing, 60);
}

TEST(TlogMerkle, TransparencyDevConsistencyProbes) {
  const auto probes = read_probes("consistency");
  ASSERT_GE(probes.size(), 90u);
  int passing = 0, failing = 0;
  for (const auto& probe : probes) {
    const bool want_error = probe.at("wantErr").get<bool>();
    auto root1 = std::optional(probe_root(probe.at("root1")));
    auto root2 = std::optional(probe_root(probe.at("root2")));
    auto proof = probe_proof(probe.at("proof"));
    bool ok = root1 && root2 && proof &&
              verify_consistency(probe.at("size1").get<std::uint64_t>(),
                                 probe.at("size2").get<std::uint64_t>(), *proof, *root1, *root2);
    EXPECT_EQ(ok, !want_error) << probe.at("file").get<std::string>();
    (want_error ? failing : passing)++;
  }
  EXPECT_GT(passing, 4);
  EXPECT_GT(failing, 80);
}

Hash flipped(Hash hash, std::size_t bit) {
  hash[bit / 8 % hash.size()] ^= static_cast<std::uint8_t>(1u << (bit % 8));
  return hash;
}

// Every inclusion and consistency proof of every size up to 70 verifies, and changing any
// one hash of it, or dropping or adding one, makes it fail.
TEST(TlogMerkle, GeneratedProofsVerifyAndTamperingFails) {
  MemoryTree tree;
  for (int i = 0; i < 70; ++i) tree.append_entry("entry " + std::to_string(i));
  for (std::uint64_t size = 1; size <= tree.size(); ++size) {
    const Hash root = tree.root(size);
    for (std::uint64_t index = 0; index < size; ++index) {
      auto proof = tree.inclusion_proof(index, size);
      ASSERT_TRUE(verify_inclusion(index, size, tree.leaf(index), proof, root))
          << index << "/" << size;
      for (std::size_t i = 0; i < proof.size(); ++i) {
        auto bad = proof;
        bad[i] = flipped(bad[i], i * 7 + index);
        EXPECT_FALSE(verify_inclusion(index, size, tree.leaf(index), bad, root));
      }
      auto longer = proof;
      longer.push_back(root);
      EXPECT_FALSE(verify_inclusion(index, size, tree.leaf(index), longer, root));
      if (!proof.empty()) {
        proof.pop_back();
        EXPECT_FALSE(verify_inclusion(index, size, tree.leaf(index), proof, root));
      }
    }
    for (std::uint64_t old_size = 1; old_size <= size; ++old_size) {
      auto proof = tree.consistency_proof(old_size, size);
      const Hash old_root = tree.root(old_size);
      ASSERT_TRUE(verify_consistency(old_size, size, proof, old_root, root))
          << old_size << "→" << size;
      EXPECT_EQ(proof.empty(), old_size == size);
      for (std::size_t i = 0; i < proof.size(); ++i) {
        auto bad = proof;
        bad[i] = flipped(bad[i], i + old_size);
        EXPECT_FALSE(verify_consistency(old_size, size, bad, old_root, root));
      }
      if (old_size < size) {
        EXPECT_FALSE(verify_consistency(old_size, size, proof, flipped(old_root, 3), root));
        EXPECT_FALSE(verify_consistency(old_size, size, proof, old_root, flipped(root, 3)));
        auto shorter = proof;
        shorter.pop_back();
        EXPECT_FALSE(verify_consistency(old_size, size, shorter, old_root, root));
        auto longer = proof;
        longer.push_back(root);
        EXPECT_FALSE(verify_consistency(old_size, size, longer, old_root, root));
      }
    }
  }
}

TEST(TlogMerkle, MalformedShapesAreRefused) {
  MemoryTree tree = test_tree();
  const Hash root = tree.root();
  EXPECT_FALSE(verify_inclusion(8, 8, tree.leaf(0), tree.inclusion_proof(0, 8), root));
  EXPECT_FALSE(verify_inclusion(0, 0, tree.leaf(0), {}, empty_root()));
  EXPECT_FALSE(verify_consistency(0, 8, {}, empty_root(), root));  // proves nothing
  EXPECT_FALSE(verify_consistency(8, 3, {}, root, tree.root(3)));  // shrinking
  EXPECT_TRUE(verify_consistency(8, 8, {}, root, root));
  const Hash one[] = {root};
  EXPECT_FALSE(verify_consistency(8, 8, one, root, root));
  EXPECT_FALSE(verify_consistency(8, 8, {}, root, tree.root(7)));
  // A single-leaf tree: the root is the leaf hash and the proof is empty.
  EXPECT_TRUE(verify_inclusion(0, 1, tree.leaf(0), {}, tree.root(1)));
  // A hostile, very long proof is bounded by the tree's height, not the proof's length.
  std::vector<Hash> huge(100000, root);
  EXPECT_FALSE(verify_inclusion(3, 8, tree.leaf(3), huge, root));
  EXPECT_FALSE(verify_consistency(3, 8, huge, tree.root(3), root));
  EXPECT_THROW(tree.inclusion_proof(8, 8), std::out_of_range);
  EXPECT_THROW(tree.root(9), std::out_of_range);
  EXPECT_THROW(tree.consistency_proof(5, 4), std::out_of_range);
}

TEST(TlogMerkle, HashEncodings) {
  const Hash hash = leaf_hash("x");
  EXPECT_EQ(hash_from_base64(hash_base64(hash)), hash);
  EXPECT_EQ(hash_from_bytes(hash_bytes(hash)), hash);
  EXPECT_FALSE(hash_from_base64(hash_base64(hash).substr(0, 43)));
  EXPECT_FALSE(hash_from_base64("ZG9uJ3QgY2FyZSAx"));  // valid base64, 12 bytes
  EXPECT_FALSE(hash_from_bytes(std::string(31, 'a')));
  MemoryTree empty;
  EXPECT_EQ(hash_base64(tree_root(empty, 0)), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
}

}  // namespace
}  // namespace artdag::tlog

// The monitor's compact range gives the same root as the whole tree at every size, also
// when rebuilt from its stored edge.
TEST(TlogCompactRange, MatchesTheWholeTreeAtEverySize) {
  artdag::tlog::MemoryTree tree;
  artdag::tlog::CompactRange range;
  EXPECT_EQ(range.root(), artdag::tlog::empty_root());
  for (int i = 0; i < 600; ++i) {
    const std::string entry = "entry " + std::to_string(i);
    tree.append_entry(entry);
    range.append(artdag::tlog::leaf_hash(entry));
    ASSERT_EQ(range.root(), tree.root()) << "size " << tree.size();
    if (i % 97 == 0) {
      auto again = artdag::tlog::CompactRange::from(range.size(), range.hashes());
      ASSERT_TRUE(again);
      range = *again;
    }
  }
  EXPECT_FALSE(artdag::tlog::CompactRange::from(5, {}));
}
