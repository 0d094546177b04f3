#include "net/http_client.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <sys/socket.h>

#include <boost/url.hpp>
#include <cctype>
#include <memory>

#include "util/text.h"

namespace artdag::net {

namespace {

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlGlobal() { curl_global_cleanup(); }
};

void ensure_curl_global() {
  static CurlGlobal global;
}

struct Collector {
  std::string* body;
  std::size_t limit;
  bool overflow = false;
};

size_t write_body(char* data, size_t size, size_t n, void* user) {
  auto* c = static_cast<Collector*>(user);
  size_t bytes = size * n;
  if (c->body->size() + bytes > c->limit) {
    c->overflow = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  c->body->append(data, bytes);
  return bytes;
}

size_t write_header(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) headers->clear();  // a new response (after 100/redirect)
  auto colon = line.find(':');
  if (colon == std::string::npos) return size * n;
  std::string name = line.substr(0, colon);
  name = ascii_lower(name);
  std::string value = line.substr(colon + 1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front())))
    value.erase(0, 1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.pop_back();
  (*headers)[name] = value;
  return size * n;
}

struct Target {
  std::string scheme, host, port_text;
  uint16_t port = 0;
};

Target parse_target(const std::string& url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) throw FetchError(FetchError::Kind::kBadUrl, "not an absolute URL");
  Target t;
  t.scheme = std::string(parsed->scheme());
  t.scheme = ascii_lower(t.scheme);
  if (t.scheme != "http" && t.scheme != "https")
    throw FetchError(FetchError::Kind::kBadUrl, "only http and https URLs are fetched");
  if (parsed->has_userinfo())
    throw FetchError(FetchError::Kind::kBadUrl, "URLs with credentials are refused");
  t.host = std::string(parsed->host_address());
  if (t.host.empty()) throw FetchError(FetchError::Kind::kBadUrl, "URL has no host");
  t.port = parsed->has_port() ? parsed->port_number() : (t.scheme == "https" ? 443 : 80);
  if (t.port == 0) throw FetchError(FetchError::Kind::kBadUrl, "bad port");
  return t;
}

// The address check at connect time (CURLOPT_OPENSOCKETFUNCTION).
struct SocketGuard {
  const HttpClient* client;
  bool allow_any;
  bool refused;
};

curl_socket_t open_checked_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* guard = static_cast<SocketGuard*>(user);
  if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
  std::optional<IpAddress> ip;
  char text[INET6_ADDRSTRLEN] = {};
  if (address->family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&address->addr)->sin_addr, text,
              sizeof text);
    ip = parse_ip(text);
  } else if (address->family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&address->addr)->sin6_addr, text,
              sizeof text);
    ip = parse_ip(text);
  }
  if (!ip || (!guard->allow_any && !guard->client->address_allowed(*ip))) {
    guard->refused = true;
    return CURL_SOCKET_BAD;
  }
  return ::socket(address->family, address->socktype, address->protocol);
}

}  // namespace

std::string HttpResponse::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

std::string HttpResponse::media_type() const {
  std::string type = header("content-type");
  type = type.substr(0, type.find(';'));
  return ascii_lower_compact(type);
}

HttpClient::HttpClient(OutboundPolicy policy) : policy_(std::move(policy)) {
  ensure_curl_global();
}

bool HttpClient::address_allowed(const IpAddress& address) const {
  if (!is_non_public(address)) return true;
  for (const auto& cidr : policy_.allowed_private)
    if (cidr.contains(address)) return true;
  return false;
}

HttpResponse HttpClient::request(const std::string& method, const std::string& start_url,
                                 const HeaderList& headers, const std::optional<std::string>& body,
                                 const RequestOptions& options) const {
  auto deadline = std::chrono::steady_clock::now() + options.timeout;
  std::string url = start_url;
  for (int hop = 0;; ++hop) {
    Target target = parse_target(url);

    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (remaining.count() <= 0) throw FetchError(FetchError::Kind::kTimeout, "timed out");

    // curl resolves the name (its threaded resolver, so DNS is inside the deadline) and
    // every address it is about to connect to is checked here, in CURLOPT_OPENSOCKETFUNCTION:
    // what is checked is what is connected to, whatever spelling of the host (escapes,
    // trailing dot, IDN) curl resolved.
    SocketGuard guard{this, options.allow_private_addresses, false};
    HttpResponse response;
    Collector collector{&response.body, options.max_response_bytes};
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) throw FetchError(FetchError::Kind::kNetwork, "cannot create a transfer");
    curl_slist* header_list = nullptr;
    for (const auto& [k, v] : headers)
      header_list = curl_slist_append(header_list, (k + ": " + v).c_str());
    header_list = curl_slist_append(header_list, "Expect:");
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_guard(header_list,
                                                                             curl_slist_free_all);

    CURL* h = curl.get();
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_checked_socket);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &guard);
    // No proxy, whatever http_proxy / https_proxy / ALL_PROXY say: a proxy would connect
    // for us, past the address check.
    curl_easy_setopt(h, CURLOPT_PROXY, "");
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (method == "HEAD") curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    if (body) {
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, body->data());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "artdag-l2/" ARTDAG_VERSION);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(remaining.count()));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min<int64_t>(remaining.count(), 5000)));
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
                     static_cast<curl_off_t>(options.max_response_bytes));
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &collector);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, write_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &response.headers);

    CURLcode rc = curl_easy_perform(h);
    if (guard.refused && rc != CURLE_OK)
      throw FetchError(FetchError::Kind::kForbiddenAddress,
                       target.host + " resolves to a private or loopback address");
    if (rc == CURLE_COULDNT_RESOLVE_HOST)
      throw FetchError(FetchError::Kind::kResolve, "cannot resolve " + target.host);
    if (collector.overflow || rc == CURLE_FILESIZE_EXCEEDED)
      throw FetchError(
          FetchError::Kind::kTooLarge,
          "response larger than " + std::to_string(options.max_response_bytes) + " bytes");
    if (rc == CURLE_OPERATION_TIMEDOUT) throw FetchError(FetchError::Kind::kTimeout, "timed out");
    if (rc == CURLE_COULDNT_CONNECT)
      throw FetchError(FetchError::Kind::kConnect, "connection refused");
    if (rc != CURLE_OK) throw FetchError(FetchError::Kind::kNetwork, curl_easy_strerror(rc));
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
    response.final_url = url;

    bool redirect = response.status == 301 || response.status == 302 || response.status == 303 ||
                    response.status == 307 || response.status == 308;
    if (!redirect || options.max_redirects == 0) return response;
    if (hop >= options.max_redirects)
      throw FetchError(FetchError::Kind::kTooManyRedirects, "too many redirects");
    std::string location = response.header("location");
    if (location.empty()) return response;
    auto base = boost::urls::parse_absolute_uri(url);
    auto ref = boost::urls::parse_uri_reference(location);
    if (!base || !ref) throw FetchError(FetchError::Kind::kBadUrl, "bad redirect location");
    boost::urls::url next;
    boost::urls::resolve(*base, *ref, next);
    url = std::string(next.buffer());
  }
}

}  // namespace artdag::net
