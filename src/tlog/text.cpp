// Strict readers for the tlog text formats; see text.h.
#include "tlog/text.h"

namespace artdag::tlog::text {
namespace {

// Decodes one UTF-8 sequence at the start of `bytes`; returns its length, or 0 if invalid.
std::size_t decode_utf8(std::string_view bytes, char32_t& code_point) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  char32_t min = 0;
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2, min = 0x80, code_point = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, min = 0x800, code_point = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, min = 0x10000, code_point = lead & 0x07;
  } else {
    return 0;
  }
  if (bytes.size() < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(i) & 0x3F);
  }
  if (code_point < min || code_point > 0x10FFFF) return 0;
  if (code_point >= 0xD800 && code_point <= 0xDFFF) return 0;
  return length;
}

bool is_unicode_space(char32_t c) {
  switch (c) {
    case U'\t':
    case U'\n':
    case U'\v':
    case U'\f':
    case U'\r':
    case U' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

}  // namespace

std::optional<std::uint64_t> parse_decimal(std::string_view digits) {
  if (digits.empty() || digits.size() > 20) return std::nullopt;
  if (digits.size() > 1 && digits[0] == '0') return std::nullopt;
  std::uint64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

bool is_valid_utf8(std::string_view bytes) {
  while (!bytes.empty()) {
    char32_t code_point = 0;
    const std::size_t length = decode_utf8(bytes, code_point);
    if (length == 0) return false;
    bytes.remove_prefix(length);
  }
  return true;
}

bool is_valid_key_name(std::string_view name) {
  if (name.empty()) return false;
  while (!name.empty()) {
    char32_t c = 0;
    const std::size_t length = decode_utf8(name, c);
    if (length == 0 || c < 0x20 || c == 0x7F || c == U'+' || is_unicode_space(c)) return false;
    name.remove_prefix(length);
  }
  return true;
}

std::optional<std::string_view> take_line(std::string_view& rest) {
  const auto newline = rest.find('\n');
  if (newline == std::string_view::npos) return std::nullopt;
  const std::string_view line = rest.substr(0, newline);
  rest.remove_prefix(newline + 1);
  return line;
}

}  // namespace artdag::tlog::text
