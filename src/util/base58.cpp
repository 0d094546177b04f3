#include "util/base58.h"

#include <cstdint>
#include <stdexcept>
#include <vector>

namespace artdag {

namespace {

constexpr char kAlphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

int digit_value(char c) {
  for (int i = 0; i < 58; ++i)
    if (kAlphabet[i] == c) return i;
  return -1;
}

// Base58 needs at most log(256)/log(58) ≈ 1.37 characters per byte.
constexpr std::size_t kMaxBase58Chars = kMaxBase58Bytes * 138 / 100 + 1;

}  // namespace

std::string base58btc_encode(std::string_view bytes) {
  if (bytes.size() > kMaxBase58Bytes) throw std::length_error("base58: input too long");
  std::size_t zeros = 0;
  while (zeros < bytes.size() && bytes[zeros] == '\0') ++zeros;
  std::vector<uint8_t> digits;  // base 58, least significant first
  for (std::size_t i = zeros; i < bytes.size(); ++i) {
    uint32_t carry = static_cast<uint8_t>(bytes[i]);
    for (auto& d : digits) {
      carry += static_cast<uint32_t>(d) << 8;
      d = static_cast<uint8_t>(carry % 58);
      carry /= 58;
    }
    while (carry) {
      digits.push_back(static_cast<uint8_t>(carry % 58));
      carry /= 58;
    }
  }
  std::string out(zeros, '1');
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) out += kAlphabet[*it];
  return out;
}

std::optional<std::string> base58btc_decode(std::string_view text) {
  if (text.size() > kMaxBase58Chars) return std::nullopt;
  std::size_t ones = 0;
  while (ones < text.size() && text[ones] == '1') ++ones;
  std::vector<uint8_t> bytes;  // base 256, least significant first
  for (std::size_t i = ones; i < text.size(); ++i) {
    const int value = digit_value(text[i]);
    if (value < 0) return std::nullopt;
    uint32_t carry = static_cast<uint32_t>(value);
    for (auto& b : bytes) {
      carry += static_cast<uint32_t>(b) * 58;
      b = static_cast<uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    while (carry) {
      bytes.push_back(static_cast<uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }
  if (ones + bytes.size() > kMaxBase58Bytes) return std::nullopt;
  std::string out(ones, '\0');
  for (auto it = bytes.rbegin(); it != bytes.rend(); ++it) out += static_cast<char>(*it);
  return out;
}

}  // namespace artdag
