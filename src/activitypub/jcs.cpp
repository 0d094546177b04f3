#include "activitypub/jcs.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace artdag::activitypub {

namespace {

constexpr uint64_t kMaxExactInteger = uint64_t{1} << 53;

// UTF-8 → UTF-16 code units; false on invalid UTF-8 (overlong, surrogates, > U+10FFFF).
bool to_utf16(std::string_view s, std::u16string& out) {
  out.clear();
  std::size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<unsigned char>(s[i]);
    const int extra = lead < 0x80         ? 0
                      : (lead >> 5) == 6  ? 1
                      : (lead >> 4) == 14 ? 2
                      : (lead >> 3) == 30 ? 3
                                          : -1;
    if (extra < 0 || s.size() - i <= static_cast<std::size_t>(extra)) return false;
    uint32_t cp = extra == 0 ? lead : lead & (0x3Fu >> extra);
    for (int k = 1; k <= extra; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c >> 6) != 2) return false;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out += static_cast<char16_t>(0xD800 + (cp >> 10));
      out += static_cast<char16_t>(0xDC00 + (cp & 0x3FF));
    } else {
      out += static_cast<char16_t>(cp);
    }
    i += extra + 1;
  }
  return true;
}

// RFC 8785 section 3.2.2.2: '"' and '\\' escaped, the six short escapes, other control
// characters as \u00xx in lower case, everything else as is (UTF-8).
bool append_string(std::string_view s, std::string& out) {
  std::u16string ignored;
  if (!to_utf16(s, ignored)) return false;
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return true;
}

// RFC 8785 reads every number as a double. An integer up to 2^53 is exact as one and is
// written as is. A larger one is written as its double, and only when that keeps its value:
// the double holds it exactly (2^60 is written "1152921504606847000", as ECMAScript writes
// it), or its digits already are that double's form ("1111111111113111200", what a double
// of that size is written as, read back as an integer). 2^53 + 1 would become 2^53: refused.
bool append_integer(const std::string& digits, uint64_t magnitude, double as_double,
                    std::string& out) {
  if (magnitude <= kMaxExactInteger) {
    out += digits;
    return true;
  }
  const auto text = jcs_number(as_double);
  if (!text) return false;
  const double size = std::fabs(as_double);
  const bool exact = size < 18446744073709551616.0 && static_cast<uint64_t>(size) == magnitude;
  if (!exact && *text != digits) return false;
  out += *text;
  return true;
}

bool append(const nlohmann::json& value, std::string& out, int depth) {
  if (depth > kMaxJcsDepth) return false;
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      out += "null";
      return true;
    case nlohmann::json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return true;
    case nlohmann::json::value_t::number_integer: {
      const int64_t n = value.get<int64_t>();
      const uint64_t magnitude = n < 0 ? 0 - static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
      return append_integer(std::to_string(n), magnitude, static_cast<double>(n), out);
    }
    case nlohmann::json::value_t::number_unsigned: {
      const uint64_t n = value.get<uint64_t>();
      return append_integer(std::to_string(n), n, static_cast<double>(n), out);
    }
    case nlohmann::json::value_t::number_float: {
      auto text = jcs_number(value.get<double>());
      if (!text) return false;
      out += *text;
      return true;
    }
    case nlohmann::json::value_t::string:
      return append_string(value.get_ref<const std::string&>(), out);
    case nlohmann::json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& element : value) {
        if (!first) out += ',';
        first = false;
        if (!append(element, out, depth + 1)) return false;
      }
      out += ']';
      return true;
    }
    case nlohmann::json::value_t::object: {
      // nlohmann keeps names in UTF-8 byte order (code point order); JCS wants UTF-16 order,
      // which differs once names mix U+E000..U+FFFF with characters above U+FFFF.
      std::vector<std::pair<std::u16string, const std::pair<const std::string, nlohmann::json>*>>
          members;
      members.reserve(value.size());
      for (const auto& member : value.get_ref<const nlohmann::json::object_t&>()) {
        std::u16string key;
        if (!to_utf16(member.first, key)) return false;
        members.emplace_back(std::move(key), &member);
      }
      std::sort(members.begin(), members.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      out += '{';
      bool first = true;
      for (const auto& [key, member] : members) {
        if (!first) out += ',';
        first = false;
        if (!append_string(member->first, out)) return false;
        out += ':';
        if (!append(member->second, out, depth + 1)) return false;
      }
      out += '}';
      return true;
    }
    default:  // binary, discarded
      return false;
  }
}

}  // namespace

// ECMAScript Number::toString (ECMA-262 section 6.1.6.1.20) from the shortest round-trip
// digits, which std::to_chars gives.
std::optional<std::string> jcs_number(double value) {
  if (!std::isfinite(value)) return std::nullopt;
  if (value == 0) return "0";
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, std::fabs(value),
                                    std::chars_format::scientific);
  if (result.ec != std::errc()) return std::nullopt;
  const std::string_view text(buffer, result.ptr - buffer);  // "d.ddde+XX"
  const std::size_t e = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e))
    if (c != '.') digits += c;
  int exponent = 0;
  std::from_chars(text.data() + e + 1 + (text[e + 1] == '+'), text.data() + text.size(), exponent);
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;  // value = 0.digits × 10^n
  std::string out = value < 0 ? "-" : "";
  if (k <= n && n <= 21) {
    out += digits + std::string(n - k, '0');
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, n) + "." + digits.substr(n);
  } else if (-6 < n && n <= 0) {
    out += "0." + std::string(-n, '0') + digits;
  } else {
    out += digits.substr(0, 1);
    if (k > 1) out += "." + digits.substr(1);
    out += (n - 1 < 0 ? "e-" : "e+") + std::to_string(std::abs(n - 1));
  }
  return out;
}

std::optional<std::string> jcs(const nlohmann::json& value) {
  std::string out;
  if (!append(value, out, 0)) return std::nullopt;
  return out;
}

}  // namespace artdag::activitypub
