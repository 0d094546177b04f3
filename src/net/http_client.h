#pragma once
// Outbound HTTP (libcurl) with the rules every outbound request here must follow:
// http/https only, TLS verified, the host resolved once and every address checked against
// the private/loopback/link-local ranges (unless the allow-list names them), the checked
// address pinned for the connection (no DNS rebinding), total time and response size capped,
// redirects followed only when asked and re-checked at each hop.
#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "util/net.h"

namespace artdag::net {

struct OutboundPolicy {
  std::vector<Cidr> allowed_private;  // ARTDAG_ALLOW_PRIVATE_NETWORKS
};

struct RequestOptions {
  std::chrono::milliseconds timeout{10000};  // whole exchange, connect included
  std::size_t max_response_bytes = 1024 * 1024;
  int max_redirects = 0;
  // Reach private and loopback addresses too: only for a server the operator named
  // (L1_SERVERS), never for a URL a client or a remote document chose.
  bool allow_private_addresses = false;
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names, last value wins
  std::string final_url;
  std::string header(const std::string& name) const;
  // Media type of Content-Type without parameters, lower case.
  std::string media_type() const;
};

class FetchError : public std::runtime_error {
 public:
  enum class Kind {
    kBadUrl,
    kForbiddenAddress,
    kResolve,
    kConnect,
    kTimeout,
    kTooLarge,
    kTooManyRedirects,
    kNetwork
  };
  FetchError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

class HttpClient {
 public:
  explicit HttpClient(OutboundPolicy policy);

  // Throws FetchError when no HTTP answer could be had within the rules; any HTTP status
  // (including 4xx/5xx) is returned as a response.
  HttpResponse request(const std::string& method, const std::string& url, const HeaderList& headers,
                       const std::optional<std::string>& body, const RequestOptions& options) const;
  HttpResponse get(const std::string& url, const HeaderList& headers,
                   const RequestOptions& options) const {
    return request("GET", url, headers, std::nullopt, options);
  }

  // Whether an address may be reached under this policy.
  bool address_allowed(const IpAddress& address) const;

 private:
  OutboundPolicy policy_;
};

}  // namespace artdag::net
