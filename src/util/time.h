#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace artdag {

int64_t unix_now();
// "2026-11-26T00:51:42Z": the form used in claims and documents.
std::string iso8601_utc(int64_t unix_seconds);
std::optional<int64_t> parse_iso8601_utc(std::string_view text);
// IMF-fixdate for HTTP `Date`: "Sun, 05 Jan 2014 21:31:40 GMT".
std::string http_date(int64_t unix_seconds);
std::optional<int64_t> parse_http_date(std::string_view text);

}  // namespace artdag
