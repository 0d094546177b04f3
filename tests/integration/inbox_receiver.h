#pragma once
// A tiny HTTP/1.1 server standing in for remote inboxes: it records every request and
// answers as told (a status per path, or no answer at all until released). Plain sockets,
// one thread per connection, `Connection: close`. For tests and the fan-out benchmark only.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace artdag::test {

struct ReceivedRequest {
  std::string method;
  std::string target;                                        // path and query, as sent
  std::vector<std::pair<std::string, std::string>> headers;  // names lower case, in order
  std::string body;
  std::chrono::steady_clock::time_point at;

  std::string header(const std::string& lower_name) const;  // first value, "" when absent
  std::string path() const { return target.substr(0, target.find('?')); }
};

struct ReceiverReply {
  int status = 202;
  std::vector<std::pair<std::string, std::string>> headers;
  bool hang = false;  // read the request, record it, never answer (until release_hung())
};

class InboxReceiver {
 public:
  // Listens on 127.0.0.1 (any_loopback: on 0.0.0.0, so every 127.x.y.z address reaches
  // it) at a free port.
  explicit InboxReceiver(bool any_loopback = false);
  ~InboxReceiver();
  InboxReceiver(const InboxReceiver&) = delete;
  InboxReceiver& operator=(const InboxReceiver&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:PORT" + path
  std::string url(const std::string& path) const;

  // How to answer; called on the connection's thread. Default: 202 to everything.
  void set_handler(std::function<ReceiverReply(const ReceivedRequest&)> handler);
  // Record only the count and (host, path) pairs, not bodies (for the benchmark).
  void set_keep_bodies(bool keep) { keep_bodies_ = keep; }

  std::vector<ReceivedRequest> requests() const;
  std::vector<ReceivedRequest> requests_to(const std::string& path) const;
  size_t count() const { return total_.load(); }
  // Distinct "host path" pairs seen, with how often each.
  std::map<std::string, int> per_target() const;
  // Waits until at least `n` requests arrived (true) or `timeout` passed (false).
  bool wait_for_count(size_t n, std::chrono::milliseconds timeout) const;
  // Closes every connection held by a `hang` reply without an answer.
  void release_hung();

 private:
  void accept_loop();
  void serve(int fd);
  void handle(int fd);

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> keep_bodies_{true};
  std::atomic<size_t> total_{0};
  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  std::function<ReceiverReply(const ReceivedRequest&)> handler_;
  std::vector<ReceivedRequest> requests_;
  std::map<std::string, int> per_target_;
  std::set<int> open_fds_;
  std::set<int> hung_fds_;
  int live_connections_ = 0;
  std::thread acceptor_;
};

}  // namespace artdag::test
