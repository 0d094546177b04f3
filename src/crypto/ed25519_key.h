#pragma once
// An Ed25519 key (RFC 8032), used for signed notes (the claim log's checkpoints and witness
// cosignatures) and FEP-8b32 integrity proofs. Copies share the key; safe from many threads.
#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "crypto/rsa_key.h"  // CryptoError

namespace artdag::crypto {

using Ed25519PublicKey = std::array<std::uint8_t, 32>;

class Ed25519Key {
 public:
  static Ed25519Key generate();
  // The 32-byte private seed of RFC 8032 (what the test vectors give). Throws CryptoError.
  static Ed25519Key from_seed(std::string_view seed32);
  // Loads the key file at `path` if it exists (mode must not let group/others read it),
  // else creates it (0600, parent folders made), never overwriting: when two processes start
  // at once both end up with the one key that reached the disk first. Throws CryptoError.
  static Ed25519Key load_or_create(const std::filesystem::path& path);

  const Ed25519PublicKey& public_key() const;
  std::string public_key_bytes() const;  // the same 32 bytes as a string
  std::string seed() const;              // 32 bytes; only for writing the key file
  // A 64-byte signature of `message`.
  std::string sign(std::string_view message) const;

  struct Impl;  // defined in the .cpp

 private:
  explicit Ed25519Key(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

// True when `signature` (64 bytes) is a valid Ed25519 signature of `message` by `public_key`.
// Wrong sizes are false, never an exception.
bool ed25519_verify(const Ed25519PublicKey& public_key, std::string_view message,
                    std::string_view signature);
// From 32 raw bytes; false when the size is wrong.
bool ed25519_public_key_from_bytes(std::string_view bytes, Ed25519PublicKey& out);

}  // namespace artdag::crypto
