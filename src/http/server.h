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

namespace artdag::http {

struct ServerOptions {
  std::string host = "0.0.0.0";
  uint16_t port = 8200;
  unsigned io_threads = 1;
  unsigned worker_threads = 8;
  std::size_t body_limit = 1024 * 1024;      // bytes; larger bodies get 413
  std::size_t header_limit = 16 * 1024;      // bytes of request line + headers
  std::chrono::seconds request_timeout{15};  // to read one whole request (cuts slow-loris)
  std::chrono::seconds idle_timeout{75};     // keep-alive connection with no request
  std::chrono::seconds shutdown_grace{10};   // how long in-flight requests may finish
  // Concurrent connections one peer address may hold; more are closed at accept, unread.
  // 0: no limit.
  unsigned max_connections_per_ip = 256;
  // Public GET answers repeated from memory on the I/O thread (response_cache.h); 0: off.
  std::chrono::milliseconds response_cache_ttl{1000};
  std::size_t response_cache_bytes = 16 * 1024 * 1024;
};

// Called on a worker thread. Must not throw (wrap with the app's error mapping).
using RequestHandler = std::function<Response(Request&)>;

class HttpServer {
 public:
  HttpServer(ServerOptions options, RequestHandler handler);
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
