#include "util/url.h"

#include <boost/url.hpp>
#include <cctype>

#include "util/text.h"

namespace artdag {

std::optional<std::string> normalize_server_url(std::string_view text) {
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) return std::nullopt;
  boost::urls::url url(*parsed);
  if (url.has_userinfo() || url.has_query() || url.has_fragment() ||
      !is_path_after_authority(url.encoded_path()))
    return std::nullopt;
  std::string scheme(url.scheme());
  scheme = ascii_lower(scheme);
  if (scheme != "http" && scheme != "https") return std::nullopt;
  std::string host(url.encoded_host());
  if (host.empty()) return std::nullopt;
  host = ascii_lower(host);
  std::string result = scheme + "://" + host;
  if (url.has_port()) {
    if (url.port().empty()) return std::nullopt;
    auto port = url.port_number();
    if (port == 0) return std::nullopt;
    bool is_default = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
    if (!is_default) result += ":" + std::to_string(port);
  }
  std::string path(url.encoded_path());
  while (!path.empty() && path.back() == '/') path.pop_back();
  return result + path;
}

std::optional<std::string> url_host(std::string_view text) {
  // parse_uri, not parse_absolute_uri: a key id (`actor#main-key`) has a fragment, and its
  // host must still be found (a domain block names it).
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed || !parsed->has_authority()) return std::nullopt;
  std::string host = ascii_lower(parsed->encoded_host());
  while (!host.empty() && host.back() == '.') host.pop_back();
  if (host.empty()) return std::nullopt;
  return host;
}

bool host_within(std::string_view host, std::string_view domain) {
  if (domain.empty() || host.size() < domain.size()) return false;
  if (host.size() == domain.size()) return host == domain;
  return host.substr(host.size() - domain.size()) == domain &&
         host[host.size() - domain.size() - 1] == '.';
}

namespace {
std::string percent_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}
}  // namespace

std::string encode_path_segment(std::string_view segment) {
  return percent_encode(segment);
}
std::string encode_query_value(std::string_view value) {
  return percent_encode(value);
}

}  // namespace artdag
