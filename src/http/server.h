#pragma once
// The network loop: accepts connections, reads requests with limits and timeouts, hands each
// request to the handler on a worker pool (never on the I/O thread), writes the response,
// keeps connections alive, and drains in-flight requests on SIGINT/SIGTERM. Repeats of
// public GETs are answered from the response cache without the hand-off.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/message.h"
#include "http/router.h"

namespace artdag::http {

struct ServerOptions {
  std::string host = "0.0.0.0";
  uint16_t port = 8200;
  unsigned io_threads = 1;
  // Handlers block (an RSA signature, a wait for the group commit), so there are many more
  // workers than cores: while one batch of claims commits, the others are being signed.
  unsigned worker_threads = 32;
  // GETs the application calls Cost::kLocalRead run on a pool of their own; 0: one thread
  // per core. Few threads, so under load each takes the next request without sleeping (a
  // wake-up per request was a fifth of a page's CPU), and never behind blocking work.
  unsigned local_read_threads = 0;
  std::size_t body_limit = 1024 * 1024;      // bytes; larger bodies get 413
  std::size_t header_limit = 16 * 1024;      // bytes of request line + headers
  std::chrono::seconds request_timeout{15};  // to read one whole request (cuts slow-loris)
  std::chrono::seconds idle_timeout{75};     // keep-alive connection with no request
  std::chrono::seconds shutdown_grace{10};   // how long in-flight requests may finish
  // Concurrent connections one peer address may hold; more are closed at accept, unread.
  // 0: no limit.
  // Keyed by the client key: the address for IPv4, its /64 for IPv6.
  unsigned max_connections_per_ip = 256;
  // Concurrent connections in all; more are closed at accept. 0: no limit.
  unsigned max_connections = 10000;
  // After an error answer the connection is half-closed and what the client still sends is
  // read and discarded for at most this long / this much (nginx's lingering close), so the
  // answer is not lost to a reset.
  std::chrono::milliseconds linger_time{5000};
  std::size_t linger_bytes = 8 * 1024 * 1024;
  // Public GET answers repeated from memory on the I/O thread (response_cache.h); 0: off.
  std::chrono::milliseconds response_cache_ttl{1000};
  std::size_t response_cache_bytes = 16 * 1024 * 1024;
};

// The key the per-client connection cap counts by: an IPv4 address (also IPv4-mapped) as
// is, an IPv6 address by its /64 ("2001:db8:1:2::/64"); text that is no address, as is.
std::string connection_key(const std::string& address);

// Called on a worker thread. Must not throw (wrap with the app's error mapping).
using RequestHandler = std::function<Response(Request&)>;
// Called on the I/O thread before a request that was not answered from the cache runs: which
// pool runs it. Must be cheap and must not throw.
using CostOfRequest = std::function<Cost(const Request&)>;

// What the server runs: the handler, and the cost of each request (kMayBlock when absent).
struct Application {
  RequestHandler handler;
  CostOfRequest cost_of;
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, Application application);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; returns the bound port. Throws std::runtime_error with a clear line.
  uint16_t listen();
  // Serves until SIGINT/SIGTERM (or stop()), then drains in-flight requests and returns.
  void run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace artdag::http
