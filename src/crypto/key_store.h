#pragma once
// Key files on disk: $ARTDAG_DATA/keys/{user}.pem (RSA private, 0600), {user}.pub and
// {user}.ed25519 (the Ed25519 seed, 0600). Loaded keys are cached; a key is never overwritten.
#include <filesystem>
#include <map>
#include <mutex>
#include <string>

#include "crypto/ed25519_key.h"
#include "crypto/rsa_key.h"

namespace artdag::crypto {

class KeyStore {
 public:
  explicit KeyStore(std::filesystem::path keys_dir);

  const std::filesystem::path& dir() const { return dir_; }
  bool exists(const std::string& username) const;
  // Generates and writes a new pair. Throws CryptoError if either file exists already.
  RsaKey create(const std::string& username);
  // Loads (and caches) the private key. Throws CryptoError if missing, unreadable or if the
  // private file is readable by group/others.
  RsaKey load(const std::string& username);
  // Loads if present, else creates.
  RsaKey ensure(const std::string& username);
  // The user's Ed25519 key (FEP-8b32 proofs, RFC 9421 ed25519), loaded or made on first use:
  // an actor made before these keys existed gets one the first time it is served or signs.
  // Two processes at once end up with the one key that reached the disk first.
  Ed25519Key ensure_ed25519(const std::string& username);

 private:
  std::filesystem::path dir_;
  std::mutex mutex_;
  std::map<std::string, RsaKey> cache_;
  std::map<std::string, Ed25519Key> ed25519_cache_;
};

}  // namespace artdag::crypto
