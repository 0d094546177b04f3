#include "inbox_receiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <stdexcept>

namespace artdag::test {

namespace {

constexpr size_t kMaxHead = 64 * 1024;
constexpr size_t kMaxBody = 4 * 1024 * 1024;

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

bool send_all(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

const char* reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 404:
      return "Not Found";
    case 410:
      return "Gone";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

}  // namespace

std::string ReceivedRequest::header(const std::string& lower_name) const {
  for (const auto& [k, v] : headers)
    if (k == lower_name) return v;
  return "";
}

InboxReceiver::InboxReceiver(bool any_loopback) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(any_loopback ? INADDR_ANY : INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::listen(listen_fd_, 1024) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    throw std::runtime_error("inbox receiver: cannot listen");
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

InboxReceiver::~InboxReceiver() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  std::unique_lock lock(mu_);
  for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  hung_fds_.clear();
  changed_.notify_all();
  changed_.wait(lock, [this] { return live_connections_ == 0; });
  lock.unlock();
  ::close(listen_fd_);
}

std::string InboxReceiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void InboxReceiver::set_handler(std::function<ReceiverReply(const ReceivedRequest&)> handler) {
  std::lock_guard lock(mu_);
  handler_ = std::move(handler);
}

std::vector<ReceivedRequest> InboxReceiver::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

std::vector<ReceivedRequest> InboxReceiver::requests_to(const std::string& path) const {
  std::lock_guard lock(mu_);
  std::vector<ReceivedRequest> out;
  for (const auto& r : requests_)
    if (r.path() == path) out.push_back(r);
  return out;
}

std::map<std::string, int> InboxReceiver::per_target() const {
  std::lock_guard lock(mu_);
  return per_target_;
}

bool InboxReceiver::wait_for_count(size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, timeout, [&] { return total_.load() >= n; });
}

void InboxReceiver::release_hung() {
  std::lock_guard lock(mu_);
  for (int fd : hung_fds_) ::shutdown(fd, SHUT_RDWR);
  hung_fds_.clear();
  changed_.notify_all();
}

void InboxReceiver::accept_loop() {
  for (;;) {
    int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) {
      if (stopping_) return;
      if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        continue;
      }
      return;
    }
    timeval tv{30, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    {
      std::lock_guard lock(mu_);
      if (stopping_) {
        ::close(fd);
        return;
      }
      open_fds_.insert(fd);
      ++live_connections_;
    }
    std::thread([this, fd] { serve(fd); }).detach();
  }
}

void InboxReceiver::serve(int fd) {
  handle(fd);
  ::shutdown(fd, SHUT_RDWR);
  std::lock_guard lock(mu_);
  open_fds_.erase(fd);
  ::close(fd);
  --live_connections_;
  changed_.notify_all();
}

void InboxReceiver::handle(int fd) {
  // One request per connection (we answer with Connection: close): head, then
  // Content-Length bytes of body.
  std::string buffer;
  char chunk[16384];
  size_t head_end;
  while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
    if (buffer.size() > kMaxHead) return;
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return;
    buffer.append(chunk, static_cast<size_t>(n));
  }
  ReceivedRequest req;
  req.at = std::chrono::steady_clock::now();
  const std::string head = buffer.substr(0, head_end);
  buffer.erase(0, head_end + 4);
  const size_t line_end = std::min(head.find("\r\n"), head.size());
  const std::string request_line = head.substr(0, line_end);
  const size_t sp1 = request_line.find(' ');
  const size_t sp2 = request_line.rfind(' ');
  if (sp1 == std::string::npos || sp2 == sp1) return;
  req.method = request_line.substr(0, sp1);
  req.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  for (size_t pos = line_end + 2; pos < head.size();) {
    size_t end = std::min(head.find("\r\n", pos), head.size());
    std::string line = head.substr(pos, end - pos);
    pos = end + 2;
    size_t colon = line.find(':');
    if (colon != std::string::npos)
      req.headers.emplace_back(lower(trim(line.substr(0, colon))), trim(line.substr(colon + 1)));
  }
  size_t length = 0;
  try {
    if (auto cl = req.header("content-length"); !cl.empty()) length = std::stoul(cl);
  } catch (const std::exception&) {
    return;
  }
  if (length > kMaxBody) return;
  while (buffer.size() < length) {
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return;
    buffer.append(chunk, static_cast<size_t>(n));
  }
  req.body = buffer.substr(0, length);

  std::function<ReceiverReply(const ReceivedRequest&)> handler;
  {
    std::lock_guard lock(mu_);
    handler = handler_;
  }
  const ReceiverReply reply = handler ? handler(req) : ReceiverReply{};
  {
    // Recorded before the answer leaves: whoever sees the answer finds the record.
    std::lock_guard lock(mu_);
    per_target_[req.header("host") + " " + req.path()]++;
    if (keep_bodies_) requests_.push_back(std::move(req));
    ++total_;
    if (reply.hang) hung_fds_.insert(fd);
  }
  changed_.notify_all();
  if (reply.hang) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return stopping_ || !hung_fds_.count(fd); });
    return;
  }
  std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " " + reason(reply.status) +
                    "\r\nContent-Length: 0\r\nConnection: close\r\n";
  for (const auto& [k, v] : reply.headers) out += k + ": " + v + "\r\n";
  out += "\r\n";
  send_all(fd, out);
}

}  // namespace artdag::test
