#include "crypto/hash.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <array>
#include <cstdint>

#include "crypto/openssl_util.h"
#include "crypto/rsa_key.h"

namespace artdag::crypto {

namespace {

std::string digest(const EVP_MD* algorithm, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &out_len, algorithm, nullptr) != 1)
    detail::throw_openssl_error("digest failed");
  return std::string(reinterpret_cast<const char*>(out), out_len);
}

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kBase64UrlAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode_base64_with(const char* alphabet, std::string_view bytes, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t group = static_cast<uint8_t>(bytes[i]) << 16 |
                     static_cast<uint8_t>(bytes[i + 1]) << 8 | static_cast<uint8_t>(bytes[i + 2]);
    out += alphabet[group >> 18 & 63];
    out += alphabet[group >> 12 & 63];
    out += alphabet[group >> 6 & 63];
    out += alphabet[group & 63];
  }
  std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    uint32_t group = static_cast<uint8_t>(bytes[i]) << 16;
    out += alphabet[group >> 18 & 63];
    out += alphabet[group >> 12 & 63];
    if (pad) out += "==";
  } else if (rest == 2) {
    uint32_t group = static_cast<uint8_t>(bytes[i]) << 16 | static_cast<uint8_t>(bytes[i + 1]) << 8;
    out += alphabet[group >> 18 & 63];
    out += alphabet[group >> 12 & 63];
    out += alphabet[group >> 6 & 63];
    if (pad) out += '=';
  }
  return out;
}

// Maps each byte to its 6-bit value in `alphabet`, or -1.
std::array<int8_t, 256> reverse_alphabet(const char* alphabet) {
  std::array<int8_t, 256> table;
  table.fill(-1);
  for (int value = 0; value < 64; ++value)
    table[static_cast<uint8_t>(alphabet[value])] = static_cast<int8_t>(value);
  return table;
}

// Strict decoding of unpadded base64 text: every character in the alphabet, no whitespace,
// and the unused low bits of the last character zero, so each byte string has exactly one
// accepted encoding (no malleable signatures or tokens).
std::optional<std::string> decode_unpadded(const std::array<int8_t, 256>& table,
                                           std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  uint32_t accumulator = 0;
  int bit_count = 0;
  for (char c : text) {
    int8_t value = table[static_cast<uint8_t>(c)];
    if (value < 0) return std::nullopt;
    accumulator = (accumulator << 6 | static_cast<uint32_t>(value)) & 0xffffff;
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      out += static_cast<char>(accumulator >> bit_count & 0xff);
    }
  }
  if ((accumulator & ((1u << bit_count) - 1)) != 0) return std::nullopt;
  return out;
}

}  // namespace

std::string sha256(std::string_view data) {
  return digest(EVP_sha256(), data);
}

std::string sha3_256_hex(std::string_view data) {
  return hex_encode(digest(EVP_sha3_256(), data));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  // Fetched once: EVP_MAC objects are immutable and may be shared between threads.
  static const detail::MacPtr hmac{EVP_MAC_fetch(nullptr, "HMAC", nullptr)};
  if (!hmac) detail::throw_openssl_error("HMAC unavailable");
  detail::MacCtxPtr context{EVP_MAC_CTX_new(hmac.get())};
  if (!context) detail::throw_openssl_error("HMAC context allocation failed");
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end(),
  };
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t out_len = 0;
  if (EVP_MAC_init(context.get(), reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                   params) != 1 ||
      EVP_MAC_update(context.get(), reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1 ||
      EVP_MAC_final(context.get(), out, &out_len, sizeof out) != 1)
    detail::throw_openssl_error("HMAC-SHA256 failed");
  return std::string(reinterpret_cast<const char*>(out), out_len);
}

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    detail::throw_openssl_error("random number generator failed");
  return out;
}

std::string random_token_hex(std::size_t n_bytes) {
  return hex_encode(random_bytes(n_bytes));
}

std::string hex_encode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    auto byte = static_cast<uint8_t>(c);
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0x0f];
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  return encode_base64_with(kBase64Alphabet, bytes, /*pad=*/true);
}

std::optional<std::string> base64_decode(std::string_view text) {
  static const auto table = reverse_alphabet(kBase64Alphabet);
  // Padded form only: whole quartets, with at most two '=' at the very end.
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  return decode_unpadded(table, text.substr(0, text.size() - padding));
}

std::string base64url_encode(std::string_view bytes) {
  return encode_base64_with(kBase64UrlAlphabet, bytes, /*pad=*/false);
}

std::optional<std::string> base64url_decode(std::string_view text) {
  static const auto table = reverse_alphabet(kBase64UrlAlphabet);
  return decode_unpadded(table, text);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  // Lengths are public (a MAC or hash has a fixed size); only the contents are compared
  // without an early exit.
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace artdag::crypto
