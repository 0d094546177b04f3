#pragma once
// Key files on disk: $ARTDAG_DATA/keys/{user}.pem (private, 0600) and {user}.pub.
// Loaded keys are cached; a key is never overwritten.
#include <filesystem>
#include <map>
#include <mutex>
#include <string>

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

 private:
  std::filesystem::path dir_;
  std::mutex mutex_;
  std::map<std::string, RsaKey> cache_;
};

}  // namespace artdag::crypto
