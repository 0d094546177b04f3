#pragma once
// An RSA key (public, or private with its public half) wrapping an OpenSSL EVP_PKEY.
// Copies share the underlying key; signing and verifying are safe from many threads.
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace artdag::crypto {

class CryptoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class RsaKey {
 public:
  static RsaKey generate(int bits = 2048);
  // PKCS#8 ("BEGIN PRIVATE KEY") or PKCS#1 ("BEGIN RSA PRIVATE KEY"). Throws CryptoError.
  static RsaKey from_private_pem(std::string_view pem);
  // SubjectPublicKeyInfo ("BEGIN PUBLIC KEY") or PKCS#1 ("BEGIN RSA PUBLIC KEY"). Throws CryptoError.
  static RsaKey from_public_pem(std::string_view pem);

  bool has_private() const;
  int bits() const;
  std::string private_pem() const;  // PKCS#8
  std::string public_pem() const;   // SubjectPublicKeyInfo, what ActivityPub actors publish

  // RSASSA-PKCS1-v1_5 with SHA-256 over `data` (hashed inside). Returns raw signature bytes.
  std::string sign_sha256(std::string_view data) const;
  bool verify_sha256(std::string_view data, std::string_view signature) const;

 private:
  struct Impl;
  explicit RsaKey(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

}  // namespace artdag::crypto
