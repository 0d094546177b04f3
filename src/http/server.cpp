#include "http/server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <chrono>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/response_cache.h"
#include "util/metrics.h"
#include "util/text.h"

namespace artdag::http {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Whether the request target holds a control byte (NUL, CR, LF, DEL, ...), as sent or
// percent-encoded: refused at the edge, before any handler or database sees it.
bool has_control_bytes(std::string_view target) {
  for (std::size_t i = 0; i < target.size(); ++i) {
    auto c = static_cast<unsigned char>(target[i]);
    if (c < 0x20 || c == 0x7f) return true;
    if (c == '%' && i + 2 < target.size()) {
      int hi = hex_digit(target[i + 1]), lo = hex_digit(target[i + 2]);
      if (hi >= 0 && lo >= 0 && (hi * 16 + lo < 0x20 || hi * 16 + lo == 0x7f)) return true;
    }
  }
  return false;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The connection-cap key of a peer (connection_key()).
std::string client_key(const boost::asio::ip::address& address) {
  if (address.is_v6()) {
    auto v6 = address.to_v6();
    if (v6.is_v4_mapped())
      return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_string();
    auto bytes = v6.to_bytes();
    for (std::size_t i = 8; i < bytes.size(); ++i) bytes[i] = 0;
    return boost::asio::ip::address_v6(bytes).to_string() + "/64";
  }
  return address.to_string();
}

}  // namespace

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::awaitable;
using asio::use_awaitable;
using tcp = asio::ip::tcp;

struct HttpServer::Impl {
  ServerOptions options;
  RequestHandler handler;
  CostOfRequest cost_of;
  asio::io_context ioc;
  asio::thread_pool workers;
  asio::thread_pool local_readers;
  tcp::acceptor acceptor{ioc};
  asio::signal_set signals{ioc, SIGINT, SIGTERM};
  std::atomic<int> in_flight{0};
  std::atomic<bool> stopping{false};
  // Open connections per peer address (the cap in ServerOptions); io_threads may be > 1.
  std::mutex connections_mu;
  std::unordered_map<std::string, unsigned> connections_per_ip;
  unsigned connections = 0;  // all open connections (under connections_mu)
  ResponseCache cache;

  Impl(ServerOptions o, Application app)
      : options(std::move(o)),
        handler(std::move(app.handler)),
        cost_of(std::move(app.cost_of)),
        workers(options.worker_threads),
        local_readers(options.local_read_threads
                          ? options.local_read_threads
                          : std::max(2u, std::thread::hardware_concurrency())),
        cache(options.response_cache_ttl, options.response_cache_bytes) {}

  // Runs the handler on the worker pool; answers repeats of public GETs from the cache
  // instead. A request that may write empties the cache before and after it runs.
  awaitable<Response> answer(Request& req, bool read_only) {
    std::string key;
    std::uint64_t generation = 0;
    if (read_only && cache.enabled()) {
      key = ResponseCache::key(req.target, ascii_lower_compact(req.header("accept").value_or("")));
      if (auto hit = cache.find(key, ResponseCache::Clock::now())) co_return *hit;
      generation = cache.generation();
    }
    // Blocking work (database, signing, outbound HTTP) runs on the worker pool; reads of our
    // own state on the pool of local readers.
    const bool local_read = read_only && cost_of && cost_of(req) == Cost::kLocalRead;
    auto run = [this, &req]() -> awaitable<Response> { co_return handler(req); };
    Response res;  // two statements: GCC 12 built a co_await inside ?: into a crash
    if (local_read)
      res = co_await asio::co_spawn(local_readers, run, use_awaitable);
    else
      res = co_await asio::co_spawn(workers, run, use_awaitable);
    if (!read_only) {
      // Only a write that may have changed something empties the cache: a refused request
      // (4xx) wrote nothing, so a flood of 401s or 404s costs the cache nothing. This is
      // after the write and before its answer is sent, and a read that overlapped it is not
      // stored (the generation), so no acknowledged write is ever hidden.
      if (res.status < 400 || res.status >= 500) cache.invalidate();
    } else if (!key.empty()) {
      cache.store(std::move(key), res, generation, ResponseCache::Clock::now());
    }
    co_return res;
  }

  Request to_request(bhttp::request<bhttp::string_body>& raw, const std::string& remote) {
    Request req;
    req.method = std::string(raw.method_string());
    req.target = std::string(raw.target());
    auto q = req.target.find('?');
    req.path = req.target.substr(0, q);
    if (q != std::string::npos) req.query = req.target.substr(q + 1);
    req.headers.reserve(std::distance(raw.begin(), raw.end()));
    // Repeated Accept headers become one, joined with ", " (RFC 9110 §5.3): routing
    // (prefers_html reads the first) and the response cache's key see the same value.
    std::size_t accept_at = std::string::npos;
    for (const auto& field : raw) {
      std::string name = ascii_lower(field.name_string());
      if (name == "accept") {
        if (accept_at != std::string::npos) {
          req.headers[accept_at].second += ", " + std::string(field.value());
          continue;
        }
        accept_at = req.headers.size();
      }
      req.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    req.body = std::move(raw.body());
    req.remote_address = remote;
    return req;
  }

  static bhttp::response<bhttp::string_body> to_beast(Response&& res, bool head, unsigned version,
                                                      bool keep_alive) {
    bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(res.status), version};
    out.set(bhttp::field::server, "artdag-l2");
    for (auto& [k, v] : res.headers) out.insert(k, v);
    out.keep_alive(keep_alive);
    if (head) {
      out.content_length(res.body.size());
    } else {
      out.body() = std::move(res.body);
      out.prepare_payload();
    }
    return out;
  }

  static Response limit_error(const beast::error_code& ec) {
    if (ec == bhttp::error::body_limit) return Response::error(413, "Request body too large");
    if (ec == bhttp::error::header_limit) return Response::error(431, "Request headers too large");
    return Response::error(400, "Malformed HTTP request");
  }

  // Counts a new connection from client key `key`; false when it is over the per-key or the
  // global cap.
  bool admit_connection(const std::string& key) {
    std::lock_guard lock(connections_mu);
    if (options.max_connections != 0 && connections >= options.max_connections) return false;
    if (options.max_connections_per_ip != 0) {
      auto& open = connections_per_ip[key];
      if (open >= options.max_connections_per_ip) return false;
      ++open;
    }
    ++connections;
    return true;
  }

  void release_connection(const std::string& key) {
    std::lock_guard lock(connections_mu);
    --connections;
    if (options.max_connections_per_ip == 0) return;
    auto it = connections_per_ip.find(key);
    if (it != connections_per_ip.end() && --it->second == 0) connections_per_ip.erase(it);
  }

  // Lingering close: stop sending, then read and discard what the client still sends, for a
  // bounded time and size, so an error answer written before its request was read whole
  // (413, 431, 400) reaches the client instead of being lost to a TCP reset.
  awaitable<void> linger(beast::tcp_stream& stream) {
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) co_return;
    const auto until = std::chrono::steady_clock::now() + options.linger_time;
    std::size_t discarded = 0;
    std::vector<char> sink(16 * 1024);
    while (discarded < options.linger_bytes) {
      auto left = until - std::chrono::steady_clock::now();
      if (left <= std::chrono::steady_clock::duration::zero()) break;
      stream.expires_after(left);
      auto [read_ec, got] =
          co_await stream.async_read_some(asio::buffer(sink), asio::as_tuple(use_awaitable));
      if (read_ec) break;  // EOF: the client has read the answer and closed
      discarded += got;
    }
  }

  awaitable<void> session(tcp::socket socket, std::string remote, std::string key) {
    struct Admitted {
      Impl& impl;
      const std::string& key;
      ~Admitted() { impl.release_connection(key); }
    } admitted{*this, key};
    bool lingering = false;
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (bool first = true;; first = false) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.body_limit(options.body_limit);
      parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
      // An idle keep-alive connection may wait longer for its next request than a request
      // may take to arrive once it has started: wait for the first byte with the idle
      // timeout, then the whole request must arrive within the request timeout.
      if (!first && buffer.size() == 0) {
        stream.expires_after(options.idle_timeout);
        auto [idle_ec, got] =
            co_await stream.async_read_some(buffer.prepare(4096), asio::as_tuple(use_awaitable));
        if (idle_ec) break;
        buffer.commit(got);
      }
      stream.expires_after(options.request_timeout);
      auto [ec, n] =
          co_await bhttp::async_read(stream, buffer, parser, asio::as_tuple(use_awaitable));
      (void)n;
      if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
          ec == beast::error::timeout || ec == asio::error::connection_reset ||
          ec == asio::error::operation_aborted) {
        break;
      }
      auto started = std::chrono::steady_clock::now();
      if (ec) {
        // Malformed or over a limit: answer once and close, never read further.
        auto res = limit_error(ec);
        int status = res.status;
        auto out = to_beast(std::move(res), false, 11, false);
        stream.expires_after(options.request_timeout);
        auto [error_write_ec, error_written] =
            co_await bhttp::async_write(stream, out, asio::as_tuple(use_awaitable));
        (void)error_written;
        spdlog::info("access remote={} status={} error=\"{}\"", remote, status, ec.message());
        metrics::request_served("", "", status, seconds_since(started));
        lingering = !error_write_ec;
        break;
      }
      auto raw = parser.release();
      bool keep_alive = raw.keep_alive() && !stopping.load();
      bool head = raw.method() == bhttp::verb::head;
      bool read_only = head || raw.method() == bhttp::verb::get;
      unsigned version = raw.version();
      Request req = to_request(raw, remote);
      ++in_flight;
      // (Not a conditional expression: GCC 12 mis-handles co_await inside one.)
      Response res;
      if (has_control_bytes(req.target))
        res = Response::error(400, "Control characters are not allowed in the URL");
      else
        res = co_await answer(req, read_only);
      int status = res.status;
      std::string route = std::move(res.route);
      auto out = to_beast(std::move(res), head, version, keep_alive && !stopping.load());
      std::size_t bytes = out.body().size();
      stream.expires_after(options.request_timeout);
      auto [write_ec, written] =
          co_await bhttp::async_write(stream, out, asio::as_tuple(use_awaitable));
      (void)written;
      --in_flight;
      const double seconds = seconds_since(started);
      spdlog::info("access remote={} method={} path={} route={} status={} bytes={} us={}", remote,
                   req.method, req.path, route.empty() ? "none" : route, status, bytes,
                   static_cast<int64_t>(seconds * 1e6));
      metrics::request_served(route, req.method, status, seconds);
      if (write_ec) break;
      if (!out.keep_alive()) {
        lingering = status >= 400;
        break;
      }
    }
    if (lingering) {
      co_await linger(stream);
    } else {
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
  }

  awaitable<void> accept_loop() {
    asio::steady_timer backoff(ioc);
    auto last_warning = std::chrono::steady_clock::time_point{};
    unsigned suppressed = 0;
    // At most one warning per 10 s for refused or failed accepts; the rest are counted.
    auto warn = [&](const std::string& text) {
      auto now = std::chrono::steady_clock::now();
      if (now - last_warning < std::chrono::seconds(10)) {
        ++suppressed;
        return;
      }
      if (suppressed > 0)
        spdlog::warn("{} ({} similar messages suppressed)", text, suppressed);
      else
        spdlog::warn("{}", text);
      last_warning = now;
      suppressed = 0;
    };
    while (!stopping.load()) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(use_awaitable));
      if (ec) {
        if (ec == asio::error::operation_aborted || stopping.load()) break;
        warn("accept failed: " + ec.message());
        // Out of descriptors (EMFILE/ENFILE) or memory: the pending connection stays in the
        // backlog and accept would fail again at once; wait before trying again.
        if (ec == asio::error::no_descriptors || ec.value() == ENFILE ||
            ec == asio::error::no_buffer_space || ec == asio::error::no_memory) {
          backoff.expires_after(std::chrono::milliseconds(100));
          co_await backoff.async_wait(asio::as_tuple(use_awaitable));
        }
        continue;
      }
      std::string remote, key;
      {
        beast::error_code endpoint_ec;
        auto ep = socket.remote_endpoint(endpoint_ec);
        if (endpoint_ec) continue;  // already gone
        remote = ep.address().to_string();
        key = client_key(ep.address());
      }
      if (!admit_connection(key)) {
        // Over a cap: close at once without reading (a 503 would mean reading the request
        // first, which is what the cap is there to avoid).
        warn("closing connection from " + remote + ": over the connection cap (" +
             std::to_string(options.max_connections_per_ip) + " per client, " +
             std::to_string(options.max_connections) + " in all)");
        metrics::rate_limited("connections");
        beast::error_code ignored;
        socket.close(ignored);
        continue;
      }
      beast::error_code ignored;  // a peer already gone fails in its session instead
      socket.set_option(tcp::no_delay(true), ignored);
      asio::co_spawn(ioc, session(std::move(socket), std::move(remote), std::move(key)),
                     asio::detached);
    }
  }

  awaitable<void> drain() {
    asio::steady_timer timer(ioc);
    auto deadline = std::chrono::steady_clock::now() + options.shutdown_grace;
    while (in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
      timer.expires_after(std::chrono::milliseconds(20));
      co_await timer.async_wait(asio::as_tuple(use_awaitable));
    }
    if (in_flight.load() > 0)
      spdlog::warn("shutdown: {} request(s) still running after the grace period",
                   in_flight.load());
    ioc.stop();
  }

  void begin_stop() {
    if (stopping.exchange(true)) return;
    spdlog::info("shutting down: no new connections, finishing in-flight requests");
    beast::error_code ignored;
    acceptor.close(ignored);
    signals.cancel(ignored);
    asio::co_spawn(ioc, drain(), asio::detached);
  }
};

std::string connection_key(const std::string& address) {
  beast::error_code ec;
  auto parsed = asio::ip::make_address(address, ec);
  return ec ? address : client_key(parsed);
}

HttpServer::HttpServer(ServerOptions options, Application application)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(application))) {}

HttpServer::~HttpServer() {
  impl_->workers.join();
  impl_->local_readers.join();
}

uint16_t HttpServer::listen() {
  beast::error_code ec;
  auto address = asio::ip::make_address(
      impl_->options.host == "localhost" ? "127.0.0.1" : impl_->options.host, ec);
  if (ec) throw std::runtime_error("cannot listen: bad host '" + impl_->options.host + "'");
  tcp::endpoint endpoint(address, impl_->options.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + impl_->options.host + ":" +
                             std::to_string(impl_->options.port) + ": " + ec.message());
  return acceptor.local_endpoint().port();
}

void HttpServer::run() {
  auto& impl = *impl_;
  impl.signals.async_wait([&impl](const beast::error_code& ec, int) {
    if (!ec) impl.begin_stop();
  });
  asio::co_spawn(impl.ioc, impl.accept_loop(), asio::detached);
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < impl.options.io_threads; ++i)
    threads.emplace_back([&impl] { impl.ioc.run(); });
  impl.ioc.run();
  for (auto& t : threads) t.join();
  impl.workers.join();
  impl.local_readers.join();
}

void HttpServer::stop() {
  asio::post(impl_->ioc, [this] { impl_->begin_stop(); });
}

}  // namespace artdag::http
