#include "activitypub/uris.h"

#include <boost/url/authority_view.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/pct_string_view.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>
#include <charconv>
#include <stdexcept>

#include "util/text.h"
#include "util/url.h"

namespace artdag::activitypub {

namespace {

uint16_t default_port(std::string_view scheme) {
  return scheme == "https" ? 443 : 80;
}

// The effective port of a parsed http(s) URL.
uint16_t effective_port(const boost::urls::url_view& u, std::string_view scheme) {
  if (u.has_port() && !u.port().empty()) return u.port_number();
  return default_port(scheme);
}

// Percent-encodes one path segment or query value: everything but RFC 3986 unreserved.
std::string encode_component(std::string_view s) {
  return boost::urls::encode(s, boost::urls::unreserved_chars);
}

bool is_unreserved_or_sub_delim(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  switch (c) {
    case '-':
    case '.':
    case '_':
    case '~':  // unreserved
    case '!':
    case '$':
    case '&':
    case '\'':
    case '(':
    case ')':  // sub-delims
    case '*':
    case '+':
    case ',':
    case ';':
    case '=':
      return true;
    default:
      return false;
  }
}

bool is_lower_hex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

Uris::Uris(std::string_view base_url, std::string_view domain) {
  auto parsed = boost::urls::parse_uri(base_url);
  if (!parsed) throw std::invalid_argument("base URL is not an absolute URL");
  const boost::urls::url_view& u = *parsed;
  scheme_ = ascii_lower(u.scheme());
  if (scheme_ != "http" && scheme_ != "https")
    throw std::invalid_argument("base URL scheme must be http or https");
  if (!u.has_authority() || u.encoded_host().empty())
    throw std::invalid_argument("base URL has no host");
  if (u.has_userinfo() || u.has_query() || u.has_fragment())
    throw std::invalid_argument("base URL must be scheme://host[:port]");
  if (!u.encoded_path().empty() && u.encoded_path() != "/")
    throw std::invalid_argument("base URL must not have a path");
  host_ = ascii_lower(u.encoded_host());
  port_ = effective_port(u, scheme_);
  if (port_ == 0) throw std::invalid_argument("base URL has an invalid port");
  authority_ = host_;
  if (port_ != default_port(scheme_)) authority_ += ":" + std::to_string(port_);
  base_ = scheme_ + "://" + authority_;

  auto dom = boost::urls::parse_authority(domain);
  if (domain.empty() || !dom || dom->has_userinfo() || dom->encoded_host().empty())
    throw std::invalid_argument("domain must be a host name");
  domain_ = ascii_lower(domain);
}

std::string Uris::under_base(std::string_view path) const {
  std::string out = base_;
  out += path;
  return out;
}

std::string Uris::actor(std::string_view username) const {
  return under_base("/users/" + encode_component(username));
}
std::string Uris::key_id(std::string_view username, int generation) const {
  if (generation > 1) return actor(username) + "#main-key-" + std::to_string(generation);
  return actor(username) + "#main-key";
}
std::string Uris::inbox(std::string_view username) const {
  return actor(username) + "/inbox";
}
std::string Uris::outbox(std::string_view username) const {
  return actor(username) + "/outbox";
}
std::string Uris::followers(std::string_view username) const {
  return actor(username) + "/followers";
}
std::string Uris::following(std::string_view username) const {
  return actor(username) + "/following";
}
std::string Uris::shared_inbox() const {
  return under_base("/inbox");
}
std::string Uris::object(std::string_view content_hash) const {
  return under_base("/objects/" + encode_component(content_hash));
}
std::string Uris::activity(int64_t index) const {
  return under_base("/activities/" + std::to_string(index));
}
std::string Uris::activity_by_uuid(std::string_view uuid) const {
  return under_base("/activities/" + std::string(uuid));
}
std::string Uris::asset_page(std::string_view name) const {
  return under_base("/asset/" + encode_component(name));
}
std::string Uris::tag_page(std::string_view tag) const {
  return under_base("/assets?tag=" + encode_component(tag));
}
std::string Uris::acct(std::string_view username) const {
  std::string out = "acct:";
  out += username;
  out += '@';
  out += domain_;
  return out;
}
std::string Uris::webfinger_template() const {
  return under_base("/.well-known/webfinger?resource={uri}");
}
std::string Uris::nodeinfo() const {
  return under_base("/nodeinfo/2.1");
}

std::string Uris::user_activity(std::string_view username, std::string_view kind,
                                std::string_view token) const {
  return actor(username) + "/" + encode_component(kind) + "/" + encode_component(token);
}

std::string Uris::collection_page(std::string_view collection_id, std::optional<int64_t> max_id,
                                  std::optional<int64_t> min_id) const {
  auto parsed = boost::urls::parse_uri(collection_id);
  if (!parsed) throw std::invalid_argument("collection id is not an absolute URL");
  boost::urls::url u(*parsed);
  u.remove_fragment();
  u.params().append({"page", "true"});
  if (max_id) u.params().append({"max_id", std::to_string(*max_id)});
  if (min_id) u.params().append({"min_id", std::to_string(*min_id)});
  return std::string(u.buffer());
}

std::optional<std::vector<std::string>> Uris::local_segments(std::string_view url,
                                                             std::string_view fragment) const {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return std::nullopt;
  const boost::urls::url_view& u = *parsed;
  std::string scheme = ascii_lower(u.scheme());
  if (scheme != scheme_ || !u.has_authority() || u.has_userinfo() || u.has_query() ||
      !is_path_after_authority(u.encoded_path()))
    return std::nullopt;
  if (ascii_lower(u.encoded_host()) != host_ || effective_port(u, scheme) != port_)
    return std::nullopt;
  if (fragment.empty() ? u.has_fragment() : (!u.has_fragment() || u.encoded_fragment() != fragment))
    return std::nullopt;
  std::vector<std::string> segments;
  for (auto segment : u.encoded_segments()) segments.emplace_back(segment);
  return segments;
}

std::optional<std::string> Uris::username_from_actor(std::string_view url) const {
  auto segments = local_segments(url, {});
  if (!segments || segments->size() != 2 || (*segments)[0] != "users" ||
      !is_valid_username((*segments)[1]))
    return std::nullopt;
  return (*segments)[1];
}

std::optional<std::string> Uris::username_from_key_id(std::string_view key_id) const {
  auto segments = local_segments(key_id, "main-key");
  if (!segments || segments->size() != 2 || (*segments)[0] != "users" ||
      !is_valid_username((*segments)[1]))
    return std::nullopt;
  return (*segments)[1];
}

std::optional<std::string> Uris::content_hash_from_object(std::string_view url) const {
  auto segments = local_segments(url, {});
  if (!segments || segments->size() != 2 || (*segments)[0] != "objects") return std::nullopt;
  const std::string& hash = (*segments)[1];
  if (hash.size() != 64 || !is_lower_hex(hash)) return std::nullopt;
  return hash;
}

std::optional<int64_t> Uris::index_from_activity(std::string_view url) const {
  auto segments = local_segments(url, {});
  if (!segments || segments->size() != 2 || (*segments)[0] != "activities") return std::nullopt;
  const std::string& text = (*segments)[1];
  if (text.empty() || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  for (char c : text)
    if (c < '0' || c > '9') return std::nullopt;
  int64_t index = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), index);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return index;
}

std::optional<std::string> Uris::username_from_user_activity(std::string_view url,
                                                             std::string_view kind) const {
  auto segments = local_segments(url, {});
  if (!segments || segments->size() < 4 || segments->size() > 5 || (*segments)[0] != "users" ||
      !is_valid_username((*segments)[1]) || (*segments)[2] != kind || (*segments)[3].empty())
    return std::nullopt;
  if (segments->size() == 5 && (*segments)[4] != "undo") return std::nullopt;
  return (*segments)[1];
}

ResourceLookup Uris::parse_webfinger_resource(std::string_view resource) const {
  const ResourceLookup malformed{ResourceMatch::malformed, {}};
  const ResourceLookup not_ours{ResourceMatch::not_ours, {}};
  if (resource.empty() || resource.size() > 2048) return malformed;
  for (char c : resource) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return malformed;  // whitespace, controls, non-ASCII
  }

  if (ascii_istarts_with(resource, "acct:")) {
    std::string_view rest = resource.substr(5);
    std::size_t at = rest.find('@');
    if (at == std::string_view::npos || rest.find('@', at + 1) != std::string_view::npos)
      return malformed;
    std::string_view user = rest.substr(0, at);
    std::string_view host = rest.substr(at + 1);
    if (user.empty() || host.empty()) return malformed;
    for (char c : user)
      if (!is_unreserved_or_sub_delim(c) && c != '%') return malformed;
    auto pct = boost::urls::make_pct_string_view(user);
    if (!pct) return malformed;
    auto authority = boost::urls::parse_authority(host);
    if (!authority || authority->has_userinfo() || authority->encoded_host().empty())
      return malformed;
    std::string lower_host = ascii_lower(host);
    if (lower_host != domain_ && lower_host != authority_) return not_ours;
    std::string username = ascii_lower(pct->decode());
    if (!is_valid_username(username)) return not_ours;
    return {ResourceMatch::ours, std::move(username)};
  }

  if (ascii_istarts_with(resource, "http://") || ascii_istarts_with(resource, "https://")) {
    auto parsed = boost::urls::parse_uri(resource);
    if (!parsed || !parsed->has_authority() || parsed->encoded_host().empty()) return malformed;
    if (auto username = username_from_actor(resource))
      return {ResourceMatch::ours, std::move(*username)};
    return not_ours;
  }
  return malformed;
}

}  // namespace artdag::activitypub
