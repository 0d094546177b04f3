#include "util/paging.h"

#include <charconv>

#include "util/error.h"

namespace artdag {

std::optional<int64_t> parse_whole_number(std::string_view text, int64_t min) {
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value < min)
    return std::nullopt;
  return value;
}

int parse_limit(const std::optional<std::string>& text, int fallback, int max) {
  if (!text) return fallback;
  auto value = parse_whole_number(*text, 1);
  if (!value || *value > max)
    throw ApiError::unprocessable("limit must be an integer between 1 and " + std::to_string(max))
        .with_field("limit");
  return static_cast<int>(*value);
}

std::optional<int64_t> parse_cursor(const std::optional<std::string>& text, int64_t min) {
  if (!text || text->empty()) return std::nullopt;
  auto value = parse_whole_number(*text, min);
  if (!value) throw ApiError::bad_request("Bad cursor").with_field("cursor");
  return value;
}

}  // namespace artdag
