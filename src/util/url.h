#pragma once
// URL helpers on top of Boost.URL (kept out of headers so few files pay for it).
#include <optional>
#include <string>
#include <string_view>

namespace artdag {

// Normalises an absolute http(s) URL used as a server identity (base URL, L1 server):
// lower-case scheme and host, default port dropped, no trailing slash, no query/fragment/
// userinfo. nullopt when it is not such a URL.
std::optional<std::string> normalize_server_url(std::string_view url);

// Whether `encoded_path`, the path of a parsed URL that has an authority, may follow one:
// empty or starting with '/' (RFC 3986 path-abempty). Boost.URL 1.81 also accepts
// "https://host:443x/p" as host, port 443 and the path "x/p"; callers refuse that.
inline bool is_path_after_authority(std::string_view encoded_path) {
  return encoded_path.empty() || encoded_path.front() == '/';
}

// The host of an absolute URL, lower-cased, without port or trailing dot; nullopt when `url`
// has none.
std::optional<std::string> url_host(std::string_view url);
// Whether `host` (lower case, no port) is `domain` or one of its subdomains: a domain block
// of "example.com" covers "example.com" and "a.example.com", never "badexample.com".
bool host_within(std::string_view host, std::string_view domain);

// Percent-encodes one path segment (everything but unreserved characters).
std::string encode_path_segment(std::string_view segment);
// Percent-encodes a query parameter value.
std::string encode_query_value(std::string_view value);

}  // namespace artdag
