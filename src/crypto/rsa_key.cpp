#include "crypto/rsa_key.h"

#include <openssl/decoder.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <mutex>

#include "crypto/openssl_util.h"

namespace artdag::crypto {

struct RsaKey::Impl {
  Impl(detail::PkeyPtr key, bool is_private) : pkey(std::move(key)), has_private(is_private) {}
  detail::PkeyPtr pkey;
  bool has_private = false;
  // The key never changes, so its PEM is encoded once: OpenSSL's encoder set-up costs about
  // 0.2 ms of provider look-ups, which dominated every actor document served.
  std::once_flag public_pem_once;
  std::string public_pem;
};

namespace {

using DecoderCtxPtr =
    std::unique_ptr<OSSL_DECODER_CTX, detail::OpenSslDeleter<OSSL_DECODER_CTX_free>>;

// Decodes PEM text holding an RSA key in any of the structures OpenSSL knows for the
// selection (PKCS#8 / traditional PKCS#1 for private keys, SubjectPublicKeyInfo / PKCS#1 for
// public ones). No passphrase source is given to the decoder, so an encrypted key fails
// to decode instead of prompting on a terminal.
detail::PkeyPtr decode_rsa_pem(std::string_view pem, int selection, const char* what) {
  EVP_PKEY* raw = nullptr;
  DecoderCtxPtr decoder{
      OSSL_DECODER_CTX_new_for_pkey(&raw, "PEM", nullptr, "RSA", selection, nullptr, nullptr)};
  if (!decoder) detail::throw_openssl_error(std::string("cannot set up decoder for ") + what);
  auto* data = reinterpret_cast<const unsigned char*>(pem.data());
  std::size_t remaining = pem.size();
  if (OSSL_DECODER_from_data(decoder.get(), &data, &remaining) != 1 || raw == nullptr) {
    detail::drain_openssl_errors();
    throw CryptoError(std::string("not a valid ") + what + " PEM");
  }
  return detail::PkeyPtr{raw};
}

detail::BioPtr new_memory_bio() {
  detail::BioPtr bio{BIO_new(BIO_s_mem())};
  if (!bio) detail::throw_openssl_error("cannot allocate memory BIO");
  return bio;
}

std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(length));
}

// PKCS#1 v1.5 is what RsaSignature2017 and draft-cavage rsa-sha256 mean; set explicitly so
// a changed library default can never switch us to PSS.
void use_pkcs1_sha256(EVP_PKEY_CTX* context) {
  if (EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) <= 0)
    detail::throw_openssl_error("cannot select PKCS#1 v1.5 padding");
}

}  // namespace

RsaKey RsaKey::generate(int bits) {
  if (bits < 2048) throw CryptoError("RSA keys must be at least 2048 bits");
  detail::PkeyCtxPtr context{EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr)};
  if (!context || EVP_PKEY_keygen_init(context.get()) <= 0 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(context.get(), bits) <= 0)
    detail::throw_openssl_error("cannot set up RSA key generation");
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_generate(context.get(), &raw) <= 0)
    detail::throw_openssl_error("RSA key generation failed");
  return RsaKey(std::make_shared<Impl>(detail::PkeyPtr{raw}, true));
}

RsaKey RsaKey::from_private_pem(std::string_view pem) {
  auto pkey = decode_rsa_pem(pem, EVP_PKEY_KEYPAIR, "RSA private key");
  return RsaKey(std::make_shared<Impl>(std::move(pkey), true));
}

RsaKey RsaKey::from_public_pem(std::string_view pem) {
  auto pkey = decode_rsa_pem(pem, EVP_PKEY_PUBLIC_KEY, "RSA public key");
  return RsaKey(std::make_shared<Impl>(std::move(pkey), false));
}

bool RsaKey::has_private() const {
  return impl_->has_private;
}

int RsaKey::bits() const {
  return EVP_PKEY_get_bits(impl_->pkey.get());
}

std::string RsaKey::private_pem() const {
  if (!impl_->has_private) throw CryptoError("this RSA key has no private half");
  auto bio = new_memory_bio();
  // PEM_write_bio_PrivateKey writes unencrypted PKCS#8 ("BEGIN PRIVATE KEY").
  if (PEM_write_bio_PrivateKey(bio.get(), impl_->pkey.get(), nullptr, nullptr, 0, nullptr,
                               nullptr) != 1)
    detail::throw_openssl_error("cannot write private key PEM");
  return bio_contents(bio.get());
}

std::string RsaKey::public_pem() const {
  std::call_once(impl_->public_pem_once, [this] {
    auto bio = new_memory_bio();
    if (PEM_write_bio_PUBKEY(bio.get(), impl_->pkey.get()) != 1)
      detail::throw_openssl_error("cannot write public key PEM");
    impl_->public_pem = bio_contents(bio.get());
  });
  return impl_->public_pem;
}

std::string RsaKey::sign_sha256(std::string_view data) const {
  if (!impl_->has_private) throw CryptoError("cannot sign with a public-only RSA key");
  detail::MdCtxPtr context{EVP_MD_CTX_new()};
  EVP_PKEY_CTX* key_context = nullptr;  // owned by `context`
  if (!context || EVP_DigestSignInit(context.get(), &key_context, EVP_sha256(), nullptr,
                                     impl_->pkey.get()) != 1)
    detail::throw_openssl_error("cannot set up RSA signing");
  use_pkcs1_sha256(key_context);
  std::string signature(static_cast<std::size_t>(EVP_PKEY_get_size(impl_->pkey.get())), '\0');
  std::size_t signature_len = signature.size();
  if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()),
                     &signature_len, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1)
    detail::throw_openssl_error("RSA signing failed");
  signature.resize(signature_len);
  return signature;
}

bool RsaKey::verify_sha256(std::string_view data, std::string_view signature) const {
  detail::MdCtxPtr context{EVP_MD_CTX_new()};
  EVP_PKEY_CTX* key_context = nullptr;  // owned by `context`
  if (!context || EVP_DigestVerifyInit(context.get(), &key_context, EVP_sha256(), nullptr,
                                       impl_->pkey.get()) != 1)
    detail::throw_openssl_error("cannot set up RSA verification");
  use_pkcs1_sha256(key_context);
  int result = EVP_DigestVerify(
      context.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
      reinterpret_cast<const unsigned char*>(data.data()), data.size());
  // A mismatch is an answer, not an error: clear what OpenSSL queued about it.
  if (result != 1) detail::drain_openssl_errors();
  return result == 1;
}

}  // namespace artdag::crypto
