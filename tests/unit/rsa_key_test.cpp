#include "crypto/rsa_key.h"

#include <gtest/gtest.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

#include "crypto/hash.h"

namespace artdag::crypto {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string vector_private_pem() {
  return read_file(std::string(ARTDAG_TEST_DATA_DIR) + "/claim-vector/private-key.pem");
}

std::string vector_public_pem() {
  return read_file(std::string(ARTDAG_TEST_DATA_DIR) + "/claim-vector/public-key.pem");
}

// Generating RSA keys is slow; the tests share one.
const RsaKey& shared_key() {
  static const RsaKey key = RsaKey::generate();
  return key;
}

// Re-encodes a PEM key with OpenSSL directly (not through RsaKey), to get the other
// structures RsaKey must accept: PKCS#1 and encrypted PKCS#8.
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free_all(b); }
};
struct EncoderFree {
  void operator()(OSSL_ENCODER_CTX* e) const { OSSL_ENCODER_CTX_free(e); }
};

std::unique_ptr<EVP_PKEY, PkeyFree> openssl_read_private(const std::string& pem) {
  std::unique_ptr<BIO, BioFree> bio{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))};
  return std::unique_ptr<EVP_PKEY, PkeyFree>{
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)};
}

std::string openssl_encode(EVP_PKEY* pkey, int selection, const char* structure,
                           const char* passphrase = nullptr) {
  std::unique_ptr<OSSL_ENCODER_CTX, EncoderFree> encoder{
      OSSL_ENCODER_CTX_new_for_pkey(pkey, selection, "PEM", structure, nullptr)};
  EXPECT_TRUE(encoder);
  if (passphrase) {
    OSSL_ENCODER_CTX_set_cipher(encoder.get(), "AES-256-CBC", nullptr);
    OSSL_ENCODER_CTX_set_passphrase(
        encoder.get(), reinterpret_cast<const unsigned char*>(passphrase), std::strlen(passphrase));
  }
  unsigned char* data = nullptr;
  std::size_t length = 0;
  EXPECT_EQ(OSSL_ENCODER_to_data(encoder.get(), &data, &length), 1);
  std::string pem(reinterpret_cast<char*>(data), length);
  OPENSSL_free(data);
  return pem;
}

TEST(RsaKey, GeneratesA2048BitPair) {
  const RsaKey& key = shared_key();
  EXPECT_TRUE(key.has_private());
  EXPECT_EQ(key.bits(), 2048);
  EXPECT_EQ(key.private_pem().rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u);
  EXPECT_EQ(key.public_pem().rfind("-----BEGIN PUBLIC KEY-----\n", 0), 0u);
}

TEST(RsaKey, RefusesWeakKeySizes) {
  EXPECT_THROW(RsaKey::generate(1024), CryptoError);
}

TEST(RsaKey, GeneratedKeysDiffer) {
  EXPECT_NE(RsaKey::generate().public_pem(), shared_key().public_pem());
}

TEST(RsaKey, PemRoundTrip) {
  const RsaKey& key = shared_key();
  const RsaKey private_copy = RsaKey::from_private_pem(key.private_pem());
  const RsaKey public_copy = RsaKey::from_public_pem(key.public_pem());
  EXPECT_EQ(private_copy.private_pem(), key.private_pem());
  EXPECT_EQ(private_copy.public_pem(), key.public_pem());
  EXPECT_EQ(public_copy.public_pem(), key.public_pem());
  EXPECT_TRUE(private_copy.has_private());
  EXPECT_FALSE(public_copy.has_private());
  EXPECT_EQ(public_copy.bits(), 2048);
}

TEST(RsaKey, SignAndVerify) {
  const RsaKey& key = shared_key();
  const RsaKey public_key = RsaKey::from_public_pem(key.public_pem());
  const std::string signature = key.sign_sha256("hello");
  EXPECT_EQ(signature.size(), 256u);
  EXPECT_TRUE(public_key.verify_sha256("hello", signature));
  EXPECT_TRUE(key.verify_sha256("hello", signature));
  // PKCS#1 v1.5 is deterministic.
  EXPECT_EQ(key.sign_sha256("hello"), signature);
  EXPECT_TRUE(public_key.verify_sha256("", key.sign_sha256("")));
}

TEST(RsaKey, VerifyRejectsWrongDataSignatureOrKey) {
  const RsaKey& key = shared_key();
  const RsaKey public_key = RsaKey::from_public_pem(key.public_pem());
  const std::string signature = key.sign_sha256("hello");
  EXPECT_FALSE(public_key.verify_sha256("hellO", signature));
  std::string flipped = signature;
  flipped[100] = static_cast<char>(flipped[100] ^ 0x01);
  EXPECT_FALSE(public_key.verify_sha256("hello", flipped));
  EXPECT_FALSE(public_key.verify_sha256("hello", signature.substr(1)));
  EXPECT_FALSE(public_key.verify_sha256("hello", signature + "x"));
  EXPECT_FALSE(public_key.verify_sha256("hello", ""));
  EXPECT_FALSE(public_key.verify_sha256("hello", std::string(256, '\xff')));
  const RsaKey other = RsaKey::from_private_pem(vector_private_pem());
  EXPECT_FALSE(other.verify_sha256("hello", signature));
}

TEST(RsaKey, MatchesOpensslCommandLineSignature) {
  // tests/data/claim-vector: signature-value.txt is `openssl dgst -sha256 -sign` over the
  // bytes in to-sign.hex.
  const std::string dir = std::string(ARTDAG_TEST_DATA_DIR) + "/claim-vector/";
  const std::string to_sign_hex = read_file(dir + "to-sign.hex");
  std::string to_sign;
  for (std::size_t i = 0; i + 1 < to_sign_hex.size(); i += 2)
    to_sign += static_cast<char>(std::stoi(to_sign_hex.substr(i, 2), nullptr, 16));
  const RsaKey key = RsaKey::from_private_pem(vector_private_pem());
  EXPECT_EQ(base64_encode(key.sign_sha256(to_sign)), read_file(dir + "signature-value.txt"));
  EXPECT_EQ(key.public_pem(), vector_public_pem());
}

TEST(RsaKey, PublicOnlyKeyCannotSign) {
  const RsaKey public_key = RsaKey::from_public_pem(shared_key().public_pem());
  EXPECT_THROW(public_key.sign_sha256("x"), CryptoError);
  EXPECT_THROW(public_key.private_pem(), CryptoError);
}

TEST(RsaKey, AcceptsPkcs1Forms) {
  auto pkey = openssl_read_private(vector_private_pem());
  ASSERT_TRUE(pkey);
  const std::string pkcs1_private = openssl_encode(pkey.get(), EVP_PKEY_KEYPAIR, "type-specific");
  const std::string pkcs1_public = openssl_encode(pkey.get(), EVP_PKEY_PUBLIC_KEY, "type-specific");
  ASSERT_EQ(pkcs1_private.rfind("-----BEGIN RSA PRIVATE KEY-----", 0), 0u) << pkcs1_private;
  ASSERT_EQ(pkcs1_public.rfind("-----BEGIN RSA PUBLIC KEY-----", 0), 0u) << pkcs1_public;

  const RsaKey from_pkcs1 = RsaKey::from_private_pem(pkcs1_private);
  EXPECT_TRUE(from_pkcs1.has_private());
  EXPECT_EQ(from_pkcs1.private_pem(), RsaKey::from_private_pem(vector_private_pem()).private_pem());
  const RsaKey public_from_pkcs1 = RsaKey::from_public_pem(pkcs1_public);
  EXPECT_FALSE(public_from_pkcs1.has_private());
  EXPECT_EQ(public_from_pkcs1.public_pem(), vector_public_pem());
  EXPECT_TRUE(public_from_pkcs1.verify_sha256("x", from_pkcs1.sign_sha256("x")));
}

TEST(RsaKey, RefusesEncryptedPrivateKeyWithoutPrompting) {
  auto pkey = openssl_read_private(vector_private_pem());
  ASSERT_TRUE(pkey);
  const std::string encrypted =
      openssl_encode(pkey.get(), EVP_PKEY_KEYPAIR, "PrivateKeyInfo", "secret");
  ASSERT_EQ(encrypted.rfind("-----BEGIN ENCRYPTED PRIVATE KEY-----", 0), 0u) << encrypted;
  EXPECT_THROW(RsaKey::from_private_pem(encrypted), CryptoError);
}

TEST(RsaKey, RefusesWrongKindsOfPem) {
  EXPECT_THROW(RsaKey::from_private_pem(""), CryptoError);
  EXPECT_THROW(RsaKey::from_private_pem("not a key"), CryptoError);
  EXPECT_THROW(RsaKey::from_private_pem(vector_public_pem()), CryptoError);
  EXPECT_THROW(RsaKey::from_public_pem(""), CryptoError);
  EXPECT_THROW(RsaKey::from_public_pem(vector_private_pem()), CryptoError);
  EXPECT_THROW(
      RsaKey::from_public_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
      CryptoError);
  std::string truncated = vector_private_pem();
  truncated.erase(truncated.size() / 2, 80);
  EXPECT_THROW(RsaKey::from_private_pem(truncated), CryptoError);

  // A non-RSA key is refused.
  std::unique_ptr<EVP_PKEY, PkeyFree> ec_key{EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")};
  ASSERT_TRUE(ec_key);
  EXPECT_THROW(
      RsaKey::from_private_pem(openssl_encode(ec_key.get(), EVP_PKEY_KEYPAIR, "PrivateKeyInfo")),
      CryptoError);
  EXPECT_THROW(RsaKey::from_public_pem(
                   openssl_encode(ec_key.get(), EVP_PKEY_PUBLIC_KEY, "SubjectPublicKeyInfo")),
               CryptoError);
}

TEST(RsaKey, CopiesShareTheKeyAndSignFromManyThreads) {
  const RsaKey key = shared_key();  // a copy
  const RsaKey public_key = RsaKey::from_public_pem(key.public_pem());
  std::vector<std::thread> threads;
  std::vector<int> good(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const std::string message = "message " + std::to_string(t) + "/" + std::to_string(i);
        if (public_key.verify_sha256(message, key.sign_sha256(message))) ++good[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(good[t], 20);
}

}  // namespace
}  // namespace artdag::crypto
