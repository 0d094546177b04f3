#pragma once
// The RFC 9162 §2.1 Merkle tree of the claim log: leaf and node hashes, verification of
// inclusion and consistency proofs (§2.1.3.2, §2.1.4.2), and generation of roots and proofs
// from any source of perfect-subtree hashes: an in-memory tree here, the stored tiles of
// c2sp.org/tlog-tiles in tiles.h. Pure code: no I/O.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace artdag::tlog {

using Hash = std::array<std::uint8_t, 32>;

Hash leaf_hash(std::string_view entry);               // SHA-256(0x00 || entry)
Hash node_hash(const Hash& left, const Hash& right);  // SHA-256(0x01 || left || right)
const Hash& empty_root();                             // SHA-256("")

std::string hash_bytes(const Hash& hash);                     // the 32 raw bytes
std::optional<Hash> hash_from_bytes(std::string_view bytes);  // nullopt unless 32 bytes
std::string hash_base64(const Hash& hash);
std::optional<Hash> hash_from_base64(std::string_view text);  // strict, padded, 32 bytes
std::string hash_hex(const Hash& hash);

// RFC 9162 §2.1.3.2: true when `proof` (the leaf's sibling first) links `leaf` at `index` to
// `root` of the tree of `size` leaves. Every malformed case (index ≥ size, wrong length)
// is false.
bool verify_inclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf,
                      std::span<const Hash> proof, const Hash& root);
// The root `proof` implies, or nullopt when the proof has the wrong shape.
std::optional<Hash> root_from_inclusion_proof(std::uint64_t index, std::uint64_t size,
                                              const Hash& leaf, std::span<const Hash> proof);

// RFC 9162 §2.1.4.2: true when `proof` shows the tree of size1 (root1) is a prefix of the
// tree of size2 (root2). Equal sizes need an empty proof and equal roots. size1 == 0 is
// false, as in transparency-dev/merkle: the empty tree is a prefix of everything, so a
// proof from it proves nothing (the witness protocol handles old size 0 before asking).
bool verify_consistency(std::uint64_t size1, std::uint64_t size2, std::span<const Hash> proof,
                        const Hash& root1, const Hash& root2);

// Where generation reads hashes: the hash of the perfect subtree of height `height` whose
// leaves are [index * 2^height, (index + 1) * 2^height). Callers only ask for subtrees that
// lie inside the tree they are working on. Implementations may throw (storage errors).
class SubtreeHashes {
 public:
  virtual ~SubtreeHashes() = default;
  virtual Hash subtree_hash(unsigned height, std::uint64_t index) = 0;
};

// The Merkle tree hash of the first `size` leaves (MTH of RFC 9162 §2.1.1).
Hash tree_root(SubtreeHashes& hashes, std::uint64_t size);
// PATH(index, D[size]) of RFC 9162 §2.1.3.1. Throws std::out_of_range unless index < size.
std::vector<Hash> inclusion_proof(SubtreeHashes& hashes, std::uint64_t size, std::uint64_t index);
// PROOF(size1, D[size2]) of RFC 9162 §2.1.4.1; empty when size1 == size2 or size1 == 0.
// Throws std::out_of_range when size1 > size2.
std::vector<Hash> consistency_proof(SubtreeHashes& hashes, std::uint64_t size1,
                                    std::uint64_t size2);

// A whole tree in memory: every perfect-subtree hash kept per height, so any earlier size's
// root and proofs are cheap. For tests and verifiers (a monitor replaying entries), not for
// the server's log, whose hashes live in the database as tiles.
class MemoryTree : public SubtreeHashes {
 public:
  std::uint64_t append_leaf_hash(const Hash& leaf);  // returns the new leaf's index
  std::uint64_t append_entry(std::string_view entry) { return append_leaf_hash(leaf_hash(entry)); }

  std::uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }
  const Hash& leaf(std::uint64_t index) const { return levels_.at(0).at(index); }
  // All perfect-subtree hashes of one height, left to right (height 0: the leaf hashes).
  std::span<const Hash> hashes_at_height(unsigned height) const;

  // For any size up to size(); throw std::out_of_range otherwise.
  Hash root(std::uint64_t size);
  Hash root() { return root(size()); }
  std::vector<Hash> inclusion_proof(std::uint64_t index, std::uint64_t size);
  std::vector<Hash> consistency_proof(std::uint64_t size1, std::uint64_t size2);

  Hash subtree_hash(unsigned height, std::uint64_t index) override;

 private:
  std::vector<std::vector<Hash>> levels_;
};

// The right edge of a tree: the roots of its perfect subtrees, largest first (one per set
// bit of the size). Enough to append leaves and compute every later root without keeping
// the tree — what a monitor stores between runs.
class CompactRange {
 public:
  CompactRange() = default;
  // From a stored edge; nullopt unless `hashes` has one hash per set bit of `size`.
  static std::optional<CompactRange> from(std::uint64_t size, std::vector<Hash> hashes);

  void append(const Hash& leaf);
  std::uint64_t size() const { return size_; }
  const std::vector<Hash>& hashes() const { return hashes_; }
  Hash root() const;  // empty_root() for size 0

 private:
  std::uint64_t size_ = 0;
  std::vector<Hash> hashes_;
};

}  // namespace artdag::tlog
