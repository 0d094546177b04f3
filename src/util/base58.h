#pragma once
// Base58 with the Bitcoin alphabet (base58btc, the multibase "z" encoding). The simple
// quadratic algorithm, so both directions are bounded.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace artdag {

inline constexpr std::size_t kMaxBase58Bytes = 256;  // keys and signatures are ≤ 64 bytes

// Empty for empty input; each leading zero byte becomes a leading '1'. Throws
// std::length_error above kMaxBase58Bytes.
std::string base58btc_encode(std::string_view bytes);
// std::nullopt on a character outside the alphabet or text that would decode to more than
// kMaxBase58Bytes.
std::optional<std::string> base58btc_decode(std::string_view text);

}  // namespace artdag
