// RFC 9162 §2.1 hashing, proof verification and proof generation. The verifiers follow the
// RFC's bit-walking algorithms literally, because those reject every malformed proof shape
// (too long, too short, wrong sizes) without a separate length formula that could drift.
#include "tlog/merkle.h"

#include <bit>
#include <cstring>
#include <stdexcept>

#include "crypto/hash.h"

namespace artdag::tlog {
namespace {

Hash to_hash(const std::string& digest) {
  Hash hash{};
  std::memcpy(hash.data(), digest.data(), hash.size());
  return hash;
}

// The largest power of two strictly below n (n ≥ 2): the split point `k` of RFC 9162.
std::uint64_t split_point(std::uint64_t n) {
  return std::bit_floor(n - 1);
}

// MTH(D[lo:hi]) for a range the RFC recursion reaches, so a power-of-two range is aligned
// to its size and is one perfect subtree.
Hash range_hash(SubtreeHashes& hashes, std::uint64_t lo, std::uint64_t hi) {
  const std::uint64_t n = hi - lo;
  if (std::has_single_bit(n)) {
    const auto height = static_cast<unsigned>(std::countr_zero(n));
    return hashes.subtree_hash(height, lo >> height);
  }
  const std::uint64_t k = split_point(n);
  return node_hash(range_hash(hashes, lo, lo + k), range_hash(hashes, lo + k, hi));
}

void inclusion_path(SubtreeHashes& hashes, std::uint64_t m, std::uint64_t lo, std::uint64_t hi,
                    std::vector<Hash>& out) {
  if (hi - lo == 1) return;
  const std::uint64_t k = split_point(hi - lo);
  if (m < lo + k) {
    inclusion_path(hashes, m, lo, lo + k, out);
    out.push_back(range_hash(hashes, lo + k, hi));
  } else {
    inclusion_path(hashes, m, lo + k, hi, out);
    out.push_back(range_hash(hashes, lo, lo + k));
  }
}

// SUBPROOF(m, D[lo:hi], complete) of RFC 9162 §2.1.4.1; m counts leaves from lo.
void consistency_subproof(SubtreeHashes& hashes, std::uint64_t m, std::uint64_t lo,
                          std::uint64_t hi, bool complete, std::vector<Hash>& out) {
  const std::uint64_t n = hi - lo;
  if (m == n) {
    if (!complete) out.push_back(range_hash(hashes, lo, hi));
    return;
  }
  const std::uint64_t k = split_point(n);
  if (m <= k) {
    consistency_subproof(hashes, m, lo, lo + k, complete, out);
    out.push_back(range_hash(hashes, lo + k, hi));
  } else {
    consistency_subproof(hashes, m - k, lo + k, hi, false, out);
    out.push_back(range_hash(hashes, lo, lo + k));
  }
}

// "Right-shift both fn and sn equally until either LSB(fn) is set or fn is 0."
void shift_to_set_bit(std::uint64_t& fn, std::uint64_t& sn) {
  while ((fn & 1) == 0 && fn != 0) {
    fn >>= 1;
    sn >>= 1;
  }
}

}  // namespace

Hash leaf_hash(std::string_view entry) {
  std::string input(1, '\0');
  input.append(entry);
  return to_hash(crypto::sha256(input));
}

Hash node_hash(const Hash& left, const Hash& right) {
  std::string input(1 + 2 * left.size(), '\x01');
  std::memcpy(input.data() + 1, left.data(), left.size());
  std::memcpy(input.data() + 1 + left.size(), right.data(), right.size());
  return to_hash(crypto::sha256(input));
}

const Hash& empty_root() {
  static const Hash root = to_hash(crypto::sha256(""));
  return root;
}

std::string hash_bytes(const Hash& hash) {
  return std::string(reinterpret_cast<const char*>(hash.data()), hash.size());
}

std::optional<Hash> hash_from_bytes(std::string_view bytes) {
  if (bytes.size() != Hash{}.size()) return std::nullopt;
  Hash hash{};
  std::memcpy(hash.data(), bytes.data(), hash.size());
  return hash;
}

std::string hash_base64(const Hash& hash) {
  return crypto::base64_encode(hash_bytes(hash));
}

std::optional<Hash> hash_from_base64(std::string_view text) {
  if (text.size() != 44) return std::nullopt;  // 32 bytes, padded
  auto bytes = crypto::base64_decode(text);
  if (!bytes) return std::nullopt;
  return hash_from_bytes(*bytes);
}

std::string hash_hex(const Hash& hash) {
  return crypto::hex_encode(hash_bytes(hash));
}

std::optional<Hash> root_from_inclusion_proof(std::uint64_t index, std::uint64_t size,
                                              const Hash& leaf, std::span<const Hash> proof) {
  if (index >= size) return std::nullopt;
  std::uint64_t fn = index;
  std::uint64_t sn = size - 1;
  Hash r = leaf;
  for (const Hash& p : proof) {
    if (sn == 0) return std::nullopt;
    if ((fn & 1) == 1 || fn == sn) {
      r = node_hash(p, r);
      shift_to_set_bit(fn, sn);
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return std::nullopt;
  return r;
}

bool verify_inclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf,
                      std::span<const Hash> proof, const Hash& root) {
  auto computed = root_from_inclusion_proof(index, size, leaf, proof);
  return computed && *computed == root;
}

bool verify_consistency(std::uint64_t size1, std::uint64_t size2, std::span<const Hash> proof,
                        const Hash& root1, const Hash& root2) {
  if (size1 == 0 || size1 > size2) return false;
  if (size1 == size2) return proof.empty() && root1 == root2;
  if (proof.empty()) return false;
  // "If first is an exact power of 2, then prepend first_hash to the consistency_path."
  std::vector<Hash> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(size1)) path.push_back(root1);
  path.insert(path.end(), proof.begin(), proof.end());

  std::uint64_t fn = size1 - 1;
  std::uint64_t sn = size2 - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0];
  Hash sr = path[0];
  for (std::size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return false;
    if ((fn & 1) == 1 || fn == sn) {
      fr = node_hash(c, fr);
      sr = node_hash(c, sr);
      shift_to_set_bit(fn, sn);
    } else {
      sr = node_hash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && fr == root1 && sr == root2;
}

Hash tree_root(SubtreeHashes& hashes, std::uint64_t size) {
  if (size == 0) return empty_root();
  return range_hash(hashes, 0, size);
}

std::vector<Hash> inclusion_proof(SubtreeHashes& hashes, std::uint64_t size, std::uint64_t index) {
  if (index >= size) throw std::out_of_range("inclusion proof: index not below tree size");
  std::vector<Hash> proof;
  inclusion_path(hashes, index, 0, size, proof);
  return proof;
}

std::vector<Hash> consistency_proof(SubtreeHashes& hashes, std::uint64_t size1,
                                    std::uint64_t size2) {
  if (size1 > size2) throw std::out_of_range("consistency proof: size1 above size2");
  std::vector<Hash> proof;
  if (size1 == 0 || size1 == size2) return proof;
  consistency_subproof(hashes, size1, 0, size2, true, proof);
  return proof;
}

std::uint64_t MemoryTree::append_leaf_hash(const Hash& leaf) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(leaf);
  // Every time a height gets an even count, its last two hashes complete a parent.
  for (std::size_t height = 0; levels_[height].size() % 2 == 0; ++height) {
    const auto& level = levels_[height];
    const Hash parent = node_hash(level[level.size() - 2], level[level.size() - 1]);
    if (levels_.size() == height + 1) levels_.emplace_back();
    levels_[height + 1].push_back(parent);
  }
  return levels_[0].size() - 1;
}

std::span<const Hash> MemoryTree::hashes_at_height(unsigned height) const {
  if (height >= levels_.size()) return {};
  return levels_[height];
}

Hash MemoryTree::subtree_hash(unsigned height, std::uint64_t index) {
  return levels_.at(height).at(index);
}

Hash MemoryTree::root(std::uint64_t size) {
  if (size > this->size()) throw std::out_of_range("tree root: size above the tree's");
  return tree_root(*this, size);
}

std::vector<Hash> MemoryTree::inclusion_proof(std::uint64_t index, std::uint64_t size) {
  if (size > this->size()) throw std::out_of_range("inclusion proof: size above the tree's");
  return tlog::inclusion_proof(*this, size, index);
}

std::vector<Hash> MemoryTree::consistency_proof(std::uint64_t size1, std::uint64_t size2) {
  if (size2 > this->size()) throw std::out_of_range("consistency proof: size above the tree's");
  return tlog::consistency_proof(*this, size1, size2);
}

std::optional<CompactRange> CompactRange::from(std::uint64_t size, std::vector<Hash> hashes) {
  if (static_cast<std::size_t>(std::popcount(size)) != hashes.size()) return std::nullopt;
  CompactRange range;
  range.size_ = size;
  range.hashes_ = std::move(hashes);
  return range;
}

void CompactRange::append(const Hash& leaf) {
  hashes_.push_back(leaf);
  // Each trailing 1-bit of the old size is a perfect subtree the new leaf completes.
  for (std::uint64_t bits = size_; bits & 1; bits >>= 1) {
    Hash right = hashes_.back();
    hashes_.pop_back();
    hashes_.back() = node_hash(hashes_.back(), right);
  }
  ++size_;
}

Hash CompactRange::root() const {
  if (hashes_.empty()) return empty_root();
  Hash root = hashes_.back();
  for (std::size_t i = hashes_.size() - 1; i-- > 0;) root = node_hash(hashes_[i], root);
  return root;
}

}  // namespace artdag::tlog
