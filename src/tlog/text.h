#pragma once
// Small strict text readers shared by the tlog parsers (checkpoint sizes, proof indexes,
// witness old sizes, tile path numbers). Internal to src/tlog/.
#include <cstdint>
#include <optional>
#include <string_view>

namespace artdag::tlog::text {

// ASCII decimal with no sign, no leading zeroes (except "0" itself), within uint64.
std::optional<std::uint64_t> parse_decimal(std::string_view digits);

// Well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

// A key name per c2sp.org/signed-note: non-empty UTF-8 without Unicode spaces (those Go's
// unicode.IsSpace reports, which includes the ASCII controls \t\n\v\f\r), '+', or other
// ASCII control characters.
bool is_valid_key_name(std::string_view name);

// Splits off the next '\n'-terminated line (without its '\n'); nullopt when `rest` holds no
// newline. `rest` is advanced past the newline.
std::optional<std::string_view> take_line(std::string_view& rest);

}  // namespace artdag::tlog::text
