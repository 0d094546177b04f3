#include "activitypub/canon.h"

#include <cstdint>
#include <stdexcept>
#include <string_view>

namespace artdag::activitypub {

namespace {

void append_unicode_escape(std::string& out, uint32_t code_unit) {
  static constexpr char kHexDigits[] = "0123456789abcdef";  // Python writes lowercase
  out += "\\u";
  out += kHexDigits[code_unit >> 12 & 0xf];
  out += kHexDigits[code_unit >> 8 & 0xf];
  out += kHexDigits[code_unit >> 4 & 0xf];
  out += kHexDigits[code_unit & 0xf];
}

// Decodes the UTF-8 sequence starting at text[i], advancing i. Rejects what Python could
// not have produced from a str: overlong forms, surrogates, values above U+10FFFF and
// truncated sequences.
uint32_t next_code_point(std::string_view text, std::size_t& i) {
  const auto lead = static_cast<uint8_t>(text[i]);
  if (lead < 0x80) {
    ++i;
    return lead;
  }
  std::size_t length = 0;
  uint32_t code_point = 0;
  uint32_t minimum = 0;  // the smallest value that needs this many bytes
  if ((lead & 0xe0) == 0xc0) {
    length = 2;
    code_point = lead & 0x1f;
    minimum = 0x80;
  } else if ((lead & 0xf0) == 0xe0) {
    length = 3;
    code_point = lead & 0x0f;
    minimum = 0x800;
  } else if ((lead & 0xf8) == 0xf0) {
    length = 4;
    code_point = lead & 0x07;
    minimum = 0x10000;
  } else {
    throw std::invalid_argument("canonical_json: string is not valid UTF-8");
  }
  if (i + length > text.size())
    throw std::invalid_argument("canonical_json: truncated UTF-8 sequence");
  for (std::size_t k = 1; k < length; ++k) {
    const auto continuation = static_cast<uint8_t>(text[i + k]);
    if ((continuation & 0xc0) != 0x80)
      throw std::invalid_argument("canonical_json: string is not valid UTF-8");
    code_point = code_point << 6 | (continuation & 0x3f);
  }
  if (code_point < minimum || code_point > 0x10ffff ||
      (code_point >= 0xd800 && code_point <= 0xdfff))
    throw std::invalid_argument("canonical_json: string is not valid UTF-8");
  i += length;
  return code_point;
}

// Python's two-character escapes; nullptr for characters that have none.
const char* short_escape(uint32_t c) {
  switch (c) {
    case '"':
      return "\\\"";
    case '\\':
      return "\\\\";
    case '\b':
      return "\\b";
    case '\f':
      return "\\f";
    case '\n':
      return "\\n";
    case '\r':
      return "\\r";
    case '\t':
      return "\\t";
    default:
      return nullptr;
  }
}

// Printable ASCII other than '"' and '\\' goes out as it is.
bool is_plain(char c) {
  return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
}

void append_string(std::string& out, std::string_view text) {
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    // Runs of plain characters, most of every document, are copied in one go.
    std::size_t run = i;
    while (run < text.size() && is_plain(text[run])) ++run;
    if (run > i) {
      out.append(text.data() + i, run - i);
      i = run;
      continue;
    }
    const uint32_t c = next_code_point(text, i);
    if (const char* escape = short_escape(c)) {
      out += escape;
    } else if (c >= 0x20 && c <= 0x7e) {
      out += static_cast<char>(c);  // printable ASCII, "/" included, goes out as is
    } else if (c < 0x10000) {
      append_unicode_escape(out, c);  // other control characters, DEL, the rest of the BMP
    } else {
      const uint32_t offset = c - 0x10000;  // astral: a UTF-16 surrogate pair
      append_unicode_escape(out, 0xd800 | offset >> 10);
      append_unicode_escape(out, 0xdc00 | (offset & 0x3ff));
    }
  }
  out += '"';
}

void append_value(std::string& out, const Json& value, std::string_view skipped_member = {});

void append_value(std::string& out, const Json& value, std::string_view skipped_member) {
  switch (value.type()) {
    case Json::value_t::null:
      out += "null";
      break;
    case Json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      break;
    case Json::value_t::number_integer:
      out += std::to_string(value.get<int64_t>());
      break;
    case Json::value_t::number_unsigned:
      out += std::to_string(value.get<uint64_t>());
      break;
    case Json::value_t::string:
      append_string(out, value.get_ref<const std::string&>());
      break;
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const Json& element : value) {
        if (!first) out += ',';
        first = false;
        append_value(out, element);
      }
      out += ']';
      break;
    }
    case Json::value_t::object: {
      // nlohmann::json keeps members in a std::map ordered by the keys' UTF-8 bytes, and
      // UTF-8 byte order is code point order, which is what Python's sort_keys uses.
      out += '{';
      bool first = true;
      for (const auto& [key, member] : value.get_ref<const Json::object_t&>()) {
        if (!skipped_member.empty() && key == skipped_member) continue;
        if (!first) out += ',';
        first = false;
        append_string(out, key);
        out += ':';
        append_value(out, member);
      }
      out += '}';
      break;
    }
    case Json::value_t::number_float:
      throw std::invalid_argument("canonical_json: floats are not allowed in signed documents");
    case Json::value_t::binary:
      throw std::invalid_argument("canonical_json: binary values have no JSON form");
    case Json::value_t::discarded:
      throw std::invalid_argument("canonical_json: discarded value");
  }
}

}  // namespace

std::string canonical_json(const Json& value) {
  std::string out;
  out.reserve(2048);  // a claim is about 1.5 KB: one allocation, not a dozen
  append_value(out, value);
  return out;
}

std::string canonical_json_without(const Json& object, std::string_view member) {
  if (!object.is_object())
    throw std::invalid_argument("canonical_json_without: the value is not an object");
  std::string out;
  out.reserve(2048);
  append_value(out, object, member);
  return out;
}

}  // namespace artdag::activitypub
