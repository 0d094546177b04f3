#pragma once
// Hashes, encodings and randomness (OpenSSL 3). Byte strings are std::string.
#include <optional>
#include <string>
#include <string_view>

namespace artdag::crypto {

std::string sha256(std::string_view data);           // 32 raw bytes
std::string sha3_256_hex(std::string_view data);     // 64 lowercase hex chars
std::string hmac_sha256(std::string_view key, std::string_view data);  // 32 raw bytes
std::string random_bytes(std::size_t n);             // CSPRNG; throws on failure
std::string random_token_hex(std::size_t n_bytes);   // hex of random_bytes(n_bytes)

std::string hex_encode(std::string_view bytes);      // lowercase
std::string base64_encode(std::string_view bytes);   // standard alphabet, padded
std::optional<std::string> base64_decode(std::string_view text);  // strict; nullopt if invalid
std::string base64url_encode(std::string_view bytes);  // URL alphabet, no padding
std::optional<std::string> base64url_decode(std::string_view text);

bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace artdag::crypto
