#include "crypto/public_key_cache.h"

namespace artdag::crypto {

RsaKey PublicKeyCache::get(std::string_view pem) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = keys_.find(std::string(pem)); it != keys_.end()) return it->second;
  }
  RsaKey key = RsaKey::from_public_pem(pem);  // outside the lock: the slow part
  std::lock_guard lock(mutex_);
  if (keys_.size() >= capacity_) keys_.clear();
  keys_.insert_or_assign(std::string(pem), key);
  return key;
}

}  // namespace artdag::crypto
