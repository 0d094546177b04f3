#pragma once
// Remote actors: fetched (a GET signed as the instance actor, since servers in "authorized
// fetch" mode refuse unsigned ones), checked (activitypub::read_actor_document), cached in
// the store, and found by account address through WebFinger.
//
// Every fetch goes through the Transport — net::HttpClient in the server, with its rules:
// private and loopback addresses only when ARTDAG_ALLOW_PRIVATE_NETWORKS names them, 1 MiB
// and 10 s per resolution. Redirects are followed here, at most 3, each hop re-signed (a
// signature covers the host and path it was made for) and never from https down to http.
//
// WebFinger scheme: `acct:user@host` is looked up at https://host/.well-known/webfinger.
// Only when that fails without an HTTP answer (connection refused, TLS error) and the host
// is an IP literal that is private or loopback *and* allowed by the allow-list is the same
// lookup tried over plain http — how servers on one machine find each other in tests. A
// public host is never asked over http.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "activitypub/remote_documents.h"
#include "net/http_client.h"
#include "store/store.h"
#include "util/net.h"

namespace artdag::services::federation {

class ResolveError : public std::runtime_error {
 public:
  enum class Kind {
    kGone,         // 404 or 410: the account does not exist (any more)
    kInvalid,      // an answer, but not a usable actor / JRD
    kUnreachable,  // no answer, or a status other than 200/404/410
    kForbidden,    // the host resolves to an address the outbound rules refuse
  };
  ResolveError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// One GET, redirects not followed; throws net::FetchError when there is no HTTP answer.
using Transport = std::function<net::HttpResponse(
    const std::string& url, const net::HeaderList& headers, const net::RequestOptions& options)>;
// The headers that sign a GET of `url` with RFC 9421 (`rfc9421`: Signature-Input, Signature)
// or draft-cavage (Host, Date, Signature); empty for unsigned fetches.
using GetSigner = std::function<net::HeaderList(const std::string& url, bool rfc9421)>;

struct ResolverOptions {
  std::chrono::milliseconds timeout{10000};  // per resolution, every hop and the id refetch
  std::size_t max_response_bytes = 1024 * 1024;
  int max_redirects = 3;
  // A cached actor is refetched (when its signature fails: key rotation) at most this often.
  int64_t min_refetch_interval_seconds = 30;
  std::vector<Cidr> allow_private;  // ARTDAG_ALLOW_PRIVATE_NETWORKS, for the WebFinger fallback
  std::function<int64_t()> clock;   // unix seconds; util/time.h unix_now() when empty
  // Signed GETs knock like deliveries: RFC 9421 first to an origin not known to refuse it,
  // draft-cavage at once on a 400 or 401, and what worked is remembered in the store (the
  // deliveries' table). false (ARTDAG_RFC9421=0): draft-cavage only.
  bool rfc9421 = true;
};

class ActorResolver {
 public:
  ActorResolver(store::Store& store, Transport transport, GetSigner signer,
                ResolverOptions options);

  // The cached actor whose id is `actor_url`, if any.
  std::optional<store::RemoteActor> cached(const std::string& actor_url);
  // Fetches `actor_url` now, checks it, caches it and returns it. The actor's id may differ
  // from `actor_url` when a redirect led elsewhere: callers that need a given actor compare.
  // Throws ResolveError.
  store::RemoteActor fetch(const std::string& actor_url);
  // For the inbox: fetches and checks `actor_url` within `timeout` (every hop and the id
  // refetch included) but does not store it: only a signer whose signature then verifies is
  // stored, with remember(). Throws ResolveError.
  store::RemoteActor fetch_unstored(const std::string& actor_url,
                                    std::chrono::milliseconds timeout);
  // Stores an actor fetched with fetch_unstored().
  void remember(const store::RemoteActor& actor);
  // From the cache, else fetch().
  store::RemoteActor get(const std::string& actor_url);
  // Whether `actor` was fetched long enough ago to be fetched again.
  bool may_refetch(const store::RemoteActor& actor) const;

  // WebFinger: the actor URL of an account. Throws ResolveError.
  std::string webfinger(const activitypub::AcctAddress& account);

  int64_t now() const;

 private:
  struct Fetched {
    net::HttpResponse response;
    std::string url;  // where the answer came from, after redirects
  };
  using Deadline = std::chrono::steady_clock::time_point;
  Fetched get_following_redirects(const std::string& url, const std::string& accept, bool sign,
                                  Deadline deadline);
  store::RemoteActor fetch_checked(const std::string& actor_url, bool may_follow_id,
                                   Deadline deadline);
  bool plain_http_allowed(std::string_view host) const;

  store::Store& store_;
  Transport transport_;
  GetSigner signer_;
  ResolverOptions options_;
};

}  // namespace artdag::services::federation
