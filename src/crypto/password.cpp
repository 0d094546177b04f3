#include "crypto/password.h"

#include <sodium.h>

#include "crypto/rsa_key.h"

namespace artdag::crypto {

namespace {

// OWASP's recommended minimum for Argon2id: 19 MiB of memory, 2 iterations.
constexpr unsigned long long kOpsLimit = 2;
constexpr std::size_t kMemLimit = 19u * 1024 * 1024;

void ensure_sodium_initialised() {
  // A function-local static is initialised exactly once even with concurrent callers.
  static const bool initialised = sodium_init() >= 0;  // 1 means "already initialised"
  if (!initialised) throw CryptoError("libsodium could not be initialised");
}

}  // namespace

std::string hash_password(std::string_view password) {
  ensure_sodium_initialised();
  char encoded[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(encoded, password.data(), password.size(), kOpsLimit, kMemLimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw CryptoError("password hashing failed (out of memory?)");
  return encoded;
}

bool verify_password(std::string_view encoded_hash, std::string_view password) {
  ensure_sodium_initialised();
  // libsodium reads a NUL-terminated string of bounded length.
  if (encoded_hash.empty() || encoded_hash.size() >= crypto_pwhash_STRBYTES ||
      encoded_hash.find('\0') != std::string_view::npos)
    return false;
  const std::string terminated(encoded_hash);
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

}  // namespace artdag::crypto
