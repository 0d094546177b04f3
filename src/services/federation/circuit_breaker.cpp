#include "services/federation/circuit_breaker.h"

#include <algorithm>

namespace artdag::services::federation {

CircuitBreaker::CircuitBreaker(CircuitBreakerPolicy policy) : policy_(policy) {}

std::optional<int64_t> CircuitBreaker::wait_until(const std::string& host, int64_t now) {
  std::lock_guard lock(mutex_);
  auto it = hosts_.find(host);
  if (it == hosts_.end() || it->second.open_until == 0) return std::nullopt;
  Host& state = it->second;
  // One probe at a time, until its result is in; one that never reports (its job was given
  // back unsent) is replaced after open_seconds.
  if (state.probe_since != 0 && now < state.probe_since + policy_.open_seconds)
    return state.probe_since + policy_.open_seconds;
  if (now < state.open_until) return state.open_until;
  state.probe_since = now;  // this caller's job is the probe
  return std::nullopt;
}

void CircuitBreaker::record(const std::string& host, Result result, int64_t now) {
  std::lock_guard lock(mutex_);
  if (result == Result::kSuccess) {
    hosts_.erase(host);
    return;
  }
  auto it = hosts_.find(host);
  if (result == Result::kNeutral) {
    if (it != hosts_.end() && it->second.probe_since != 0) hosts_.erase(it);  // it answers
    return;
  }
  if (it == hosts_.end()) {
    if (hosts_.size() >= kMaxHosts) forget_closed(now);
    it = hosts_.emplace(host, Host{}).first;
  }
  Host& state = it->second;
  if (state.probe_since != 0) {
    state.probe_since = 0;
    state.open_until = now + policy_.open_seconds;
    return;
  }
  state.failures.push_back(now);
  while (!state.failures.empty() && state.failures.front() <= now - policy_.window_seconds)
    state.failures.pop_front();
  if (static_cast<int>(state.failures.size()) >= policy_.failures_to_open) {
    state.open_until = now + policy_.open_seconds;
    state.failures.clear();
  }
}

// Bounds the memory: a closed host whose failures have left the window is the same as no
// entry; if that frees too little (many hosts failing at once), closed hosts lose their
// recent failures, the open ones are always kept.
void CircuitBreaker::forget_closed(int64_t now) {
  std::erase_if(hosts_, [&](const auto& entry) {
    const Host& h = entry.second;
    return h.open_until == 0 &&
           (h.failures.empty() || h.failures.back() <= now - policy_.window_seconds);
  });
  if (hosts_.size() >= kMaxHosts)
    std::erase_if(hosts_, [](const auto& entry) { return entry.second.open_until == 0; });
}

std::size_t CircuitBreaker::open_hosts() const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(hosts_.begin(), hosts_.end(),
                    [](const auto& entry) { return entry.second.open_until != 0; }));
}

CircuitBreaker::Result CircuitBreaker::result_of(bool delivered, std::string_view kind) {
  if (delivered) return Result::kSuccess;
  if (kind == "http_5xx" || kind == "throttled" || kind == "connect" || kind == "timeout" ||
      kind == "network")
    return Result::kFailure;
  return Result::kNeutral;
}

}  // namespace artdag::services::federation
