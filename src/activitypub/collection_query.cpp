// parse_collection_query(), kept apart from documents.cpp so the fuzz targets (fuzz/) link
// the query parser without the document builders.
#include <boost/url/params_encoded_view.hpp>
#include <boost/url/parse_query.hpp>
#include <charconv>

#include "activitypub/documents.h"

namespace artdag::activitypub {

namespace {

std::optional<int64_t> parse_int64(std::string_view s) {
  int64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<CollectionQuery> parse_collection_query(std::string_view encoded_query) {
  CollectionQuery query;
  if (encoded_query.empty()) return query;
  // Boost.URL 1.81's parse_query() measures the view it builds with strlen(), not with its
  // size (boostorg/url#946): a view into a larger buffer was read past its end. It gets a
  // NUL-terminated copy; its grammar refuses a NUL inside the query, so the lengths agree.
  const std::string query_text(encoded_query);
  auto params = boost::urls::parse_query(query_text);
  if (!params) return std::nullopt;
  bool seen_page = false;
  for (auto param : *params) {
    std::string key = param.key.decode();
    std::string value = param.has_value ? param.value.decode() : std::string();
    if (key == "page") {
      if (seen_page) return std::nullopt;
      seen_page = true;
      if (value == "true") {
        query.page = true;
      } else if (value != "false") {
        return std::nullopt;
      }
    } else if (key == "max_id" || key == "min_id") {
      auto& slot = key == "max_id" ? query.max_id : query.min_id;
      if (slot) return std::nullopt;
      slot = parse_int64(value);
      if (!slot) return std::nullopt;
    }
  }
  if (query.max_id && query.min_id) return std::nullopt;
  if (query.max_id || query.min_id) query.page = true;
  return query;
}

}  // namespace artdag::activitypub
