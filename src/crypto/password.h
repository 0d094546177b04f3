#pragma once
// Argon2id password hashing (libsodium), encoded in the standard $argon2id$ string form.
#include <string>
#include <string_view>

namespace artdag::crypto {

std::string hash_password(std::string_view password);
bool verify_password(std::string_view encoded_hash, std::string_view password);

}  // namespace artdag::crypto
