#include "activitypub/structured_fields.h"

#include <charconv>
#include <cmath>
#include <system_error>

#include "crypto/hash.h"

namespace artdag::sf {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_lcalpha(char c) {
  return c >= 'a' && c <= 'z';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// RFC 9110 tchar.
bool is_tchar(char c) {
  return is_alpha(c) || is_digit(c) ||
         (c != '\0' && std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos);
}

// Sets `key` in an ordered map: a repeated key overwrites the value in its first place
// (RFC 8941 sections 4.2.2 and 4.2.3.2). False when a new key would pass `max`.
template <typename Value>
bool put(std::vector<std::pair<std::string, Value>>& map, std::string key, Value value,
         std::size_t max) {
  for (auto& [name, existing] : map) {
    if (name == key) {
      existing = std::move(value);
      return true;
    }
  }
  if (map.size() >= max) return false;
  map.emplace_back(std::move(key), std::move(value));
  return true;
}

bool is_key_char(char c) {
  return is_lcalpha(c) || is_digit(c) || c == '_' || c == '-' || c == '.' || c == '*';
}

bool is_base64_char(char c) {
  return is_alpha(c) || is_digit(c) || c == '+' || c == '/' || c == '=';
}

// The RFC's parsing algorithms consume characters from the front of input_string; this is
// that string. Every step fails by returning std::nullopt / false.
class Parser {
 public:
  Parser(std::string_view input, const Limits& limits) : in_(input), limits_(limits) {}

  bool empty() const { return in_.empty(); }
  void skip_sp() {
    while (!in_.empty() && in_.front() == ' ') in_.remove_prefix(1);
  }
  void skip_ows() {
    while (!in_.empty() && (in_.front() == ' ' || in_.front() == '\t')) in_.remove_prefix(1);
  }

  // Section 4.2.1.
  std::optional<List> list() {
    List members;
    while (!in_.empty()) {
      if (members.size() >= limits_.max_members) return std::nullopt;
      auto member = item_or_inner_list();
      if (!member) return std::nullopt;
      members.push_back(std::move(*member));
      if (!end_of_member()) return std::nullopt;
      if (in_.empty()) return members;
    }
    return members;
  }

  // Section 4.2.2.
  std::optional<Dictionary> dictionary() {
    Dictionary members;
    while (!in_.empty()) {
      auto key = this->key();
      if (!key) return std::nullopt;
      std::optional<Member> member;
      if (peek() == '=') {
        in_.remove_prefix(1);
        member = item_or_inner_list();
      } else {
        auto params = parameters();
        if (params) member = Item{true, std::move(*params)};
      }
      if (!member) return std::nullopt;
      if (!put(members, std::move(*key), std::move(*member), limits_.max_members))
        return std::nullopt;
      if (!end_of_member()) return std::nullopt;
      if (in_.empty()) return members;
    }
    return members;
  }

  // Section 4.2.3.
  std::optional<Item> item() {
    auto value = bare_item();
    if (!value) return std::nullopt;
    auto params = parameters();
    if (!params) return std::nullopt;
    return Item{std::move(*value), std::move(*params)};
  }

 private:
  char peek() const { return in_.empty() ? '\0' : in_.front(); }

  // After a list or dictionary member: OWS, then the end or a comma not followed by the end.
  bool end_of_member() {
    skip_ows();
    if (in_.empty()) return true;
    if (in_.front() != ',') return false;
    in_.remove_prefix(1);
    skip_ows();
    return !in_.empty();  // a trailing comma fails
  }

  std::optional<Member> item_or_inner_list() {
    if (peek() == '(') {
      auto list = inner_list();
      if (!list) return std::nullopt;
      return Member{std::move(*list)};
    }
    auto item = this->item();
    if (!item) return std::nullopt;
    return Member{std::move(*item)};
  }

  // Section 4.2.1.2.
  std::optional<InnerList> inner_list() {
    in_.remove_prefix(1);  // '('
    InnerList list;
    while (!in_.empty()) {
      skip_sp();
      if (peek() == ')') {
        in_.remove_prefix(1);
        auto params = parameters();
        if (!params) return std::nullopt;
        list.params = std::move(*params);
        return list;
      }
      if (list.items.size() >= limits_.max_members) return std::nullopt;
      auto item = this->item();
      if (!item) return std::nullopt;
      list.items.push_back(std::move(*item));
      if (peek() != ' ' && peek() != ')') return std::nullopt;
    }
    return std::nullopt;  // no closing parenthesis
  }

  // Section 4.2.3.2.
  std::optional<Parameters> parameters() {
    Parameters params;
    while (peek() == ';') {
      in_.remove_prefix(1);
      skip_sp();
      auto key = this->key();
      if (!key) return std::nullopt;
      BareItem value = true;
      if (peek() == '=') {
        in_.remove_prefix(1);
        auto parsed = bare_item();
        if (!parsed) return std::nullopt;
        value = std::move(*parsed);
      }
      if (!put(params, std::move(*key), std::move(value), limits_.max_parameters))
        return std::nullopt;
    }
    return params;
  }

  // Section 4.2.3.3.
  std::optional<std::string> key() {
    if (!is_lcalpha(peek()) && peek() != '*') return std::nullopt;
    std::size_t n = 0;
    while (n < in_.size() && is_key_char(in_[n])) ++n;
    std::string key(in_.substr(0, n));
    in_.remove_prefix(n);
    return key;
  }

  // Section 4.2.3.1.
  std::optional<BareItem> bare_item() {
    const char c = peek();
    if (c == '-' || is_digit(c)) return number();
    if (c == '"') return string();
    if (is_alpha(c) || c == '*') return token();
    if (c == ':') return byte_sequence();
    if (c == '?') return boolean();
    return std::nullopt;
  }

  // Section 4.2.4.
  std::optional<BareItem> number() {
    bool negative = false;
    if (peek() == '-') {
      negative = true;
      in_.remove_prefix(1);
    }
    if (!is_digit(peek())) return std::nullopt;
    bool is_decimal = false;
    std::size_t n = 0;
    std::size_t dot = 0;
    while (n < in_.size()) {
      const char c = in_[n];
      if (is_digit(c)) {
        ++n;
      } else if (!is_decimal && c == '.') {
        if (n > 12) return std::nullopt;
        is_decimal = true;
        dot = n;
        ++n;
      } else {
        break;
      }
      if (!is_decimal && n > 15) return std::nullopt;
      if (is_decimal && n > 16) return std::nullopt;
    }
    const std::string_view digits = in_.substr(0, n);
    in_.remove_prefix(n);
    if (!is_decimal) {
      int64_t value = 0;
      std::from_chars(digits.data(), digits.data() + digits.size(), value);  // ≤ 15 digits
      return BareItem{negative ? -value : value};
    }
    if (dot + 1 == digits.size() || digits.size() - dot - 1 > 3) return std::nullopt;
    double value = 0;
    const auto result = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (result.ec != std::errc()) return std::nullopt;
    return BareItem{negative ? -value : value};
  }

  // Section 4.2.5.
  std::optional<BareItem> string() {
    in_.remove_prefix(1);  // '"'
    std::string out;
    while (!in_.empty()) {
      const char c = in_.front();
      in_.remove_prefix(1);
      if (c == '\\') {
        if (in_.empty()) return std::nullopt;
        const char next = in_.front();
        in_.remove_prefix(1);
        if (next != '"' && next != '\\') return std::nullopt;
        out += next;
      } else if (c == '"') {
        return BareItem{std::move(out)};
      } else if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
        return std::nullopt;
      } else {
        out += c;
      }
    }
    return std::nullopt;  // no closing quote
  }

  // Section 4.2.6.
  std::optional<BareItem> token() {
    std::size_t n = 1;
    while (n < in_.size() && (is_tchar(in_[n]) || in_[n] == ':' || in_[n] == '/')) ++n;
    Token token{std::string(in_.substr(0, n))};
    in_.remove_prefix(n);
    return BareItem{std::move(token)};
  }

  // Section 4.2.7. Missing "=" padding is accepted, as the RFC recommends.
  std::optional<BareItem> byte_sequence() {
    in_.remove_prefix(1);  // ':'
    const std::size_t end = in_.find(':');
    if (end == std::string_view::npos) return std::nullopt;
    std::string text(in_.substr(0, end));
    in_.remove_prefix(end + 1);
    for (char c : text)
      if (!is_base64_char(c)) return std::nullopt;
    if (text.size() % 4 == 1) return std::nullopt;
    while (text.size() % 4 != 0) text += '=';
    auto bytes = crypto::base64_decode(text);
    if (!bytes) return std::nullopt;
    return BareItem{ByteSequence{std::move(*bytes)}};
  }

  // Section 4.2.8.
  std::optional<BareItem> boolean() {
    in_.remove_prefix(1);  // '?'
    const char c = peek();
    if (c != '0' && c != '1') return std::nullopt;
    in_.remove_prefix(1);
    return BareItem{c == '1'};
  }

  std::string_view in_;
  const Limits& limits_;
};

// Section 4.2: leading and trailing SP are discarded; anything else left over fails.
template <typename Parse>
auto parse_field(std::string_view input, const Limits& limits, Parse parse)
    -> decltype(parse(std::declval<Parser&>())) {
  if (input.size() > limits.max_input_bytes) return std::nullopt;
  Parser parser(input, limits);
  parser.skip_sp();
  auto result = parse(parser);
  if (!result) return std::nullopt;
  parser.skip_sp();
  if (!parser.empty()) return std::nullopt;
  return result;
}

// Section 4.1.5: at most 3 fraction digits, rounding half to even, from the shortest
// decimal form of the double (so 0.0015 rounds as the decimal 0.0015 it was written as).
std::optional<std::string> serialize_decimal(double value) {
  if (!std::isfinite(value)) return std::nullopt;
  char buffer[64];
  const auto result =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
  if (result.ec != std::errc()) return std::nullopt;
  std::string text(buffer, result.ptr);
  std::string sign;
  if (!text.empty() && text.front() == '-') {
    sign = "-";
    text.erase(0, 1);
  }
  const std::size_t dot = text.find('.');
  std::string integer = text.substr(0, dot);
  std::string fraction = dot == std::string::npos ? "" : text.substr(dot + 1);
  if (fraction.size() > 3) {
    const char first_dropped = fraction[3];
    const bool rest_nonzero = fraction.find_first_not_of('0', 4) != std::string::npos;
    fraction.resize(3);
    std::string digits = integer + fraction;
    const bool odd = (digits.back() - '0') % 2 == 1;
    if (first_dropped > '5' || (first_dropped == '5' && (rest_nonzero || odd))) {
      std::size_t i = digits.size();
      while (i > 0 && digits[i - 1] == '9') digits[--i] = '0';
      if (i == 0)
        digits.insert(digits.begin(), '1');
      else
        ++digits[i - 1];
    }
    integer = digits.substr(0, digits.size() - 3);
    fraction = digits.substr(digits.size() - 3);
  }
  while (fraction.size() > 1 && fraction.back() == '0') fraction.pop_back();
  if (fraction.empty()) fraction = "0";
  if (integer.size() > 12) return std::nullopt;
  if (integer == "0" && fraction == "0") sign.clear();  // -0.0001 rounds to 0.0
  return sign + integer + "." + fraction;
}

}  // namespace

bool is_valid_key(std::string_view key) {
  if (key.empty() || (!is_lcalpha(key.front()) && key.front() != '*')) return false;
  for (char c : key)
    if (!is_key_char(c)) return false;
  return true;
}

bool is_valid_token(std::string_view token) {
  if (token.empty() || (!is_alpha(token.front()) && token.front() != '*')) return false;
  for (char c : token)
    if (!is_tchar(c) && c != ':' && c != '/') return false;
  return true;
}

std::optional<Item> parse_item(std::string_view input, const Limits& limits) {
  return parse_field(input, limits, [](Parser& p) { return p.item(); });
}

std::optional<List> parse_list(std::string_view input, const Limits& limits) {
  return parse_field(input, limits, [](Parser& p) { return p.list(); });
}

std::optional<Dictionary> parse_dictionary(std::string_view input, const Limits& limits) {
  return parse_field(input, limits, [](Parser& p) { return p.dictionary(); });
}

std::optional<std::string> serialize_bare_item(const BareItem& value) {
  if (const auto* integer = std::get_if<int64_t>(&value)) {
    if (*integer > 999'999'999'999'999 || *integer < -999'999'999'999'999) return std::nullopt;
    return std::to_string(*integer);
  }
  if (const auto* decimal = std::get_if<double>(&value)) return serialize_decimal(*decimal);
  if (const auto* string = std::get_if<std::string>(&value)) {
    std::string out = "\"";
    for (char c : *string) {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
        return std::nullopt;
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  }
  if (const auto* token = std::get_if<Token>(&value)) {
    if (!is_valid_token(token->name)) return std::nullopt;
    return token->name;
  }
  if (const auto* bytes = std::get_if<ByteSequence>(&value))
    return ":" + crypto::base64_encode(bytes->bytes) + ":";
  return std::get<bool>(value) ? "?1" : "?0";
}

std::optional<std::string> serialize_parameters(const Parameters& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!is_valid_key(name)) return std::nullopt;
    out += ';';
    out += name;
    if (const auto* flag = std::get_if<bool>(&value); flag && *flag) continue;
    auto serialized = serialize_bare_item(value);
    if (!serialized) return std::nullopt;
    out += '=';
    out += *serialized;
  }
  return out;
}

std::optional<std::string> serialize_item(const Item& item) {
  auto value = serialize_bare_item(item.value);
  auto params = serialize_parameters(item.params);
  if (!value || !params) return std::nullopt;
  return *value + *params;
}

std::optional<std::string> serialize_inner_list(const InnerList& list) {
  std::string out = "(";
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    auto item = serialize_item(list.items[i]);
    if (!item) return std::nullopt;
    if (i) out += ' ';
    out += *item;
  }
  auto params = serialize_parameters(list.params);
  if (!params) return std::nullopt;
  return out + ")" + *params;
}

namespace {
std::optional<std::string> serialize_member(const Member& member) {
  if (const auto* item = std::get_if<Item>(&member)) return serialize_item(*item);
  return serialize_inner_list(std::get<InnerList>(member));
}
}  // namespace

std::optional<std::string> serialize_list(const List& list) {
  std::string out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto member = serialize_member(list[i]);
    if (!member) return std::nullopt;
    if (i) out += ", ";
    out += *member;
  }
  return out;
}

std::optional<std::string> serialize_dictionary(const Dictionary& dictionary) {
  std::string out;
  for (std::size_t i = 0; i < dictionary.size(); ++i) {
    const auto& [key, member] = dictionary[i];
    if (!is_valid_key(key)) return std::nullopt;
    if (i) out += ", ";
    out += key;
    const auto* item = std::get_if<Item>(&member);
    if (item && std::holds_alternative<bool>(item->value) && std::get<bool>(item->value)) {
      auto params = serialize_parameters(item->params);
      if (!params) return std::nullopt;
      out += *params;
      continue;
    }
    auto value = serialize_member(member);
    if (!value) return std::nullopt;
    out += '=';
    out += *value;
  }
  return out;
}

const BareItem* find_parameter(const Parameters& params, std::string_view name) {
  for (const auto& [key, value] : params)
    if (key == name) return &value;
  return nullptr;
}

const Member* find_member(const Dictionary& dictionary, std::string_view key) {
  for (const auto& [name, member] : dictionary)
    if (name == key) return &member;
  return nullptr;
}

}  // namespace artdag::sf
