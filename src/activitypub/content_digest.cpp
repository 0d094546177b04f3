#include "activitypub/content_digest.h"

#include <openssl/evp.h>

#include <stdexcept>
#include <variant>

#include "activitypub/structured_fields.h"
#include "crypto/hash.h"

namespace artdag::activitypub {

std::string sha512(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha512(), nullptr) != 1)
    throw std::runtime_error("SHA-512 failed");
  return std::string(reinterpret_cast<const char*>(digest), size);
}

std::string make_content_digest(std::string_view body) {
  return "sha-256=:" + crypto::base64_encode(crypto::sha256(body)) + ":";
}

ContentDigestStatus check_content_digest(std::string_view header_value, std::string_view body) {
  const auto dictionary = sf::parse_dictionary(header_value);
  if (!dictionary) return ContentDigestStatus::malformed;
  bool any_known = false;
  for (const auto& [algorithm, member] : *dictionary) {
    if (algorithm != "sha-256" && algorithm != "sha-512") continue;
    const auto* item = std::get_if<sf::Item>(&member);
    const auto* bytes = item ? std::get_if<sf::ByteSequence>(&item->value) : nullptr;
    if (!bytes) return ContentDigestStatus::malformed;
    const std::string expected = algorithm == "sha-256" ? crypto::sha256(body) : sha512(body);
    if (!crypto::constant_time_equal(bytes->bytes, expected)) return ContentDigestStatus::mismatch;
    any_known = true;
  }
  return any_known ? ContentDigestStatus::match : ContentDigestStatus::no_known;
}

}  // namespace artdag::activitypub
