#pragma once
// Internal to src/crypto: RAII ownership of OpenSSL objects and error reporting.
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <memory>
#include <string>

#include "crypto/rsa_key.h"

namespace artdag::crypto::detail {

template <auto FreeFunction>
struct OpenSslDeleter {
  template <typename T>
  void operator()(T* object) const {
    FreeFunction(object);
  }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OpenSslDeleter<EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpenSslDeleter<EVP_MD_CTX_free>>;
using MacPtr = std::unique_ptr<EVP_MAC, OpenSslDeleter<EVP_MAC_free>>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, OpenSslDeleter<EVP_MAC_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO_free_all>>;

// Drains this thread's OpenSSL error queue into one message, so a failure never leaves
// stale errors behind for the next, unrelated call to trip over.
inline std::string drain_openssl_errors() {
  std::string message;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!message.empty()) message += "; ";
    message += buffer;
  }
  return message;
}

[[noreturn]] inline void throw_openssl_error(const std::string& what) {
  std::string details = drain_openssl_errors();
  throw CryptoError(details.empty() ? what : what + ": " + details);
}

}  // namespace artdag::crypto::detail
