#pragma once
// Paging parameters and keyset pages, one way for every list (JSON API, pages, collections).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace artdag {

// A whole decimal number >= min with nothing else around it, or nullopt.
std::optional<int64_t> parse_whole_number(std::string_view text, int64_t min);

// `?limit=`: `fallback` when absent; otherwise 1..max or ApiError 422.
int parse_limit(const std::optional<std::string>& text, int fallback, int max = 100);
// `?cursor=`: nullopt when absent or empty; otherwise a number >= min or ApiError 400.
std::optional<int64_t> parse_cursor(const std::optional<std::string>& text, int64_t min = 1);

// Lists ask the store for limit + 1 rows: the extra one tells whether another page exists.
// Cuts `rows` to `limit` and says whether there was more.
template <typename Row>
bool trim_to_page(std::vector<Row>& rows, int limit) {
  if (static_cast<int>(rows.size()) <= limit) return false;
  rows.resize(static_cast<std::size_t>(limit));
  return true;
}

}  // namespace artdag
