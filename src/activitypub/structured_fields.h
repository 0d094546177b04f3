#pragma once
// RFC 8941 Structured Field Values for HTTP: Items, Lists (with Inner Lists) and
// Dictionaries, each with Parameters. Parsing follows the RFC's algorithms (section 4.2)
// step by step; serialising follows section 4.1 and refuses values the RFC cannot express.
// Pure code; no exceptions escape the parsers: bad input is std::nullopt.
//
// Several lines of one field are combined by the caller with ", " before parsing
// (RFC 8941 section 4.2, RFC 9110 section 5.3).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace artdag::sf {

// A Token (section 3.3.4): kept apart from String because it serialises without quotes.
struct Token {
  std::string name;
  bool operator==(const Token&) const = default;
};

// A Byte Sequence (section 3.3.5): the decoded bytes.
struct ByteSequence {
  std::string bytes;
  bool operator==(const ByteSequence&) const = default;
};

// Integer (15 digits at most), Decimal (12 integer and 3 fraction digits at most), String
// (printable ASCII), Token, Byte Sequence, Boolean.
using BareItem = std::variant<int64_t, double, std::string, Token, ByteSequence, bool>;

// Ordered name → value pairs with unique names (a repeated name overwrites the value in
// the place of its first appearance, as the RFC's ordered maps do).
using Parameters = std::vector<std::pair<std::string, BareItem>>;

struct Item {
  BareItem value;
  Parameters params;
  bool operator==(const Item&) const = default;
};

struct InnerList {
  std::vector<Item> items;
  Parameters params;
  bool operator==(const InnerList&) const = default;
};

using Member = std::variant<Item, InnerList>;
using List = std::vector<Member>;
using Dictionary = std::vector<std::pair<std::string, Member>>;  // ordered, unique keys

// Caps for input from the network. The defaults meet the RFC's minimums (section 3) for
// members and parameters; the byte cap bounds every field value as a whole.
struct Limits {
  std::size_t max_input_bytes = 16 * 1024;
  std::size_t max_members = 1024;    // list, dictionary and inner-list members, each
  std::size_t max_parameters = 256;  // per item or inner list
};

std::optional<Item> parse_item(std::string_view input, const Limits& limits = {});
std::optional<List> parse_list(std::string_view input, const Limits& limits = {});
std::optional<Dictionary> parse_dictionary(std::string_view input, const Limits& limits = {});

// Serialisation; std::nullopt when the value cannot be serialised (an Integer out of range,
// a Decimal with more than 12 integer digits or not finite, a String outside printable
// ASCII, a Token or key that breaks the grammar). An empty List or Dictionary gives "" (the
// RFC says not to send the field at all then).
std::optional<std::string> serialize_bare_item(const BareItem& value);
std::optional<std::string> serialize_parameters(const Parameters& params);
std::optional<std::string> serialize_item(const Item& item);
std::optional<std::string> serialize_inner_list(const InnerList& list);
std::optional<std::string> serialize_list(const List& list);
std::optional<std::string> serialize_dictionary(const Dictionary& dictionary);

// Lookups in the ordered maps; nullptr when absent.
const BareItem* find_parameter(const Parameters& params, std::string_view name);
const Member* find_member(const Dictionary& dictionary, std::string_view key);

// Grammar predicates (section 3.1.2 key, 3.3.4 token), for callers that build values.
bool is_valid_key(std::string_view key);
bool is_valid_token(std::string_view token);

}  // namespace artdag::sf
