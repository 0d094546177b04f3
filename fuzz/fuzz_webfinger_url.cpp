// WebFinger resources, acct: addresses, URLs (server URLs, origins, Location resolution, our
// own IDs), collection queries, IP addresses and CIDRs, HTTP and ISO 8601 dates and
// Retry-After. The first input byte picks the parser.
#include <arpa/inet.h>

#include "activitypub/documents.h"
#include "activitypub/remote_documents.h"
#include "activitypub/uris.h"
#include "fuzz_common.h"
#include "services/federation/retry_policy.h"
#include "util/net.h"
#include "util/time.h"
#include "util/url.h"

namespace {

namespace ap = artdag::activitypub;
using artdag::fuzz::Input;
using artdag::fuzz::take_until;

constexpr int64_t kNow = 1795000000;  // 2026-11-17

// One public instance on the default port, one test instance on loopback with a port.
const std::vector<ap::Uris>& instances() {
  static const std::vector<ap::Uris> uris = {ap::Uris("https://artdag.example", "artdag.example"),
                                             ap::Uris("http://127.0.0.1:8200/", "Artdag.Test")};
  return uris;
}

bool has_upper(std::string_view s) {
  for (char c : s)
    if (c >= 'A' && c <= 'Z') return true;
  return false;
}

// `ours` only with a valid username, and that user's acct: URI and actor URL name them.
void webfinger_resource(std::string_view resource) {
  for (const ap::Uris& uris : instances()) {
    const ap::ResourceLookup found = uris.parse_webfinger_resource(resource);
    if (found.match != ap::ResourceMatch::ours) {
      FUZZ_CHECK(found.username.empty());
      continue;
    }
    FUZZ_CHECK(ap::is_valid_username(found.username));
    for (const std::string& again : {uris.acct(found.username), uris.actor(found.username)}) {
      const ap::ResourceLookup back = uris.parse_webfinger_resource(again);
      FUZZ_CHECK(back.match == ap::ResourceMatch::ours && back.username == found.username);
    }
  }
}

// A parsed address has a user and a lower-case host, and its acct: URI parses back to it.
void acct(std::string_view text) {
  auto address = ap::parse_acct(text);
  if (!address) return;
  FUZZ_CHECK(!address->user.empty() && !address->host.empty());
  FUZZ_CHECK(!has_upper(address->host) && address->host.find('@') == std::string::npos);
  auto again = ap::parse_acct(address->uri());
  FUZZ_CHECK(again && again->user == address->user && again->host == address->host);
}

// Normalising a server URL and taking an origin are idempotent; is_http_url agrees with
// url_origin.
void urls(std::string_view text) {
  if (auto server = artdag::normalize_server_url(text)) {
    FUZZ_CHECK(!has_upper(server->substr(0, server->find("://") + 3)));
    auto again = artdag::normalize_server_url(*server);
    FUZZ_CHECK(again && *again == *server);
  }
  auto origin = ap::url_origin(text);
  FUZZ_CHECK(ap::is_http_url(text) == origin.has_value());
  if (origin) {
    FUZZ_CHECK(ap::url_origin(*origin) == origin);
    FUZZ_CHECK(ap::url_origin(ap::without_fragment(text)) == origin);
  }
  FUZZ_CHECK(ap::without_fragment(text).find('#') == std::string::npos);
}

// "<base>\n<Location>": a resolved URL is always an http(s) URL.
void resolve(std::string_view rest) {
  const std::string_view base = take_until(rest, '\n');
  if (auto resolved = ap::resolve_url(base, rest)) FUZZ_CHECK(ap::is_http_url(*resolved));
}

// At most one cursor, a cursor means a page, and the page URL we build for the query
// parses back to it.
void collection_query(std::string_view query) {
  auto parsed = ap::parse_collection_query(query);
  if (!parsed) return;
  FUZZ_CHECK(!(parsed->max_id && parsed->min_id));
  FUZZ_CHECK(parsed->page || (!parsed->max_id && !parsed->min_id));
  if (!parsed->page) return;
  const std::string url = instances()[0].collection_page(
      "https://artdag.example/users/alice/outbox", parsed->max_id, parsed->min_id);
  auto again = ap::parse_collection_query(std::string_view(url).substr(url.find('?') + 1));
  FUZZ_CHECK(again && again->page && again->max_id == parsed->max_id &&
             again->min_id == parsed->min_id);
}

// Addresses print and parse back to the same bytes; a CIDR's prefix fits its family and
// the range contains its own network address.
void addresses(std::string_view text) {
  if (auto ip = artdag::parse_ip(text)) {
    char printed[INET6_ADDRSTRLEN] = {};
    FUZZ_CHECK(inet_ntop(ip->v6 ? AF_INET6 : AF_INET, ip->bytes.data(), printed, sizeof printed));
    auto again = artdag::parse_ip(printed);
    FUZZ_CHECK(again && again->v6 == ip->v6 && again->bytes == ip->bytes);
    (void)artdag::is_non_public(*ip);
  }
  if (auto cidr = artdag::parse_cidr(text)) {
    FUZZ_CHECK(cidr->prefix >= 0 && cidr->prefix <= (cidr->network.v6 ? 128 : 32));
    FUZZ_CHECK(cidr->contains(cidr->network));
  }
  if (auto list = artdag::parse_cidr_list(text)) {
    for (const auto& cidr : *list) FUZZ_CHECK(cidr.contains(cidr.network));
  }
}

// A date that parses is printed back exactly as it was written: the parsers accept the one
// canonical form and no out-of-range field. Two documented exceptions: a leap second
// (":60") and the HTTP date's day name, which is not checked against the date.
void dates(std::string_view text) {
  if (auto t = artdag::parse_iso8601_utc(text)) {
    if (text.substr(17, 2) != "60") FUZZ_CHECK(artdag::iso8601_utc(*t) == text);
    FUZZ_CHECK(artdag::parse_iso8601_utc(artdag::iso8601_utc(*t)) == t);
  }
  if (auto t = artdag::parse_http_date(text)) {
    if (text.substr(23, 2) != "60") FUZZ_CHECK(artdag::http_date(*t).substr(3) == text.substr(3));
    FUZZ_CHECK(artdag::parse_http_date(artdag::http_date(*t)) == t);
  }
  if (auto wait = artdag::services::federation::parse_retry_after(text, kNow))
    FUZZ_CHECK(*wait >= 0);
}

// Our own IDs: what the extractors accept is well formed, and they invert the builders.
void local_ids(std::string_view url) {
  for (const ap::Uris& uris : instances()) {
    if (auto user = uris.username_from_actor(url)) {
      FUZZ_CHECK(ap::is_valid_username(*user));
      FUZZ_CHECK(url.find("/users/") != std::string_view::npos);  // the path is /users/{u}
      FUZZ_CHECK(uris.username_from_actor(uris.actor(*user)) == user);
      FUZZ_CHECK(uris.username_from_key_id(uris.key_id(*user)) == user);
    }
    if (auto user = uris.username_from_key_id(url)) FUZZ_CHECK(ap::is_valid_username(*user));
    if (auto hash = uris.content_hash_from_object(url)) {
      FUZZ_CHECK(hash->size() == 64);
      FUZZ_CHECK(uris.content_hash_from_object(uris.object(*hash)) == hash);
    }
    if (auto index = uris.index_from_activity(url)) {
      FUZZ_CHECK(*index >= 0);
      FUZZ_CHECK(uris.index_from_activity(uris.activity(*index)) == index);
    }
    if (auto user = uris.username_from_user_activity(url, "follows")) {
      FUZZ_CHECK(ap::is_valid_username(*user));
      FUZZ_CHECK(uris.username_from_user_activity(uris.user_activity(*user, "follows", "t1"),
                                                  "follows") == user);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const Input input = Input::from(data, size);
  switch (input.selector % 8) {
    case 0:
      webfinger_resource(input.rest);
      break;
    case 1:
      acct(input.rest);
      break;
    case 2:
      urls(input.rest);
      break;
    case 3:
      resolve(input.rest);
      break;
    case 4:
      collection_query(input.rest);
      break;
    case 5:
      addresses(input.rest);
      break;
    case 6:
      dates(input.rest);
      break;
    case 7:
      local_ids(input.rest);
      break;
  }
  return 0;
}
