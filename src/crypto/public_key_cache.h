#pragma once
// Parsed public keys by their PEM text. Decoding a PEM costs more than the RSA verification
// it serves (OpenSSL 3's decoder set-up walks its providers), and an inbox sees the same few
// keys over and over. Thread-safe; bounded: when full it starts over, which is cheap.
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "crypto/rsa_key.h"

namespace artdag::crypto {

class PublicKeyCache {
 public:
  explicit PublicKeyCache(std::size_t capacity = 4096) : capacity_(capacity) {}

  // The key for `pem`, decoded on first use. Throws CryptoError like RsaKey::from_public_pem.
  RsaKey get(std::string_view pem);

 private:
  std::size_t capacity_;
  std::mutex mutex_;
  std::unordered_map<std::string, RsaKey> keys_;
};

}  // namespace artdag::crypto
