#include "services/federation/inbox_gate.h"

#include <algorithm>
#include <future>
#include <memory>

#include "util/error.h"

namespace artdag::services::federation {

InboxGate::InboxGate(InboxGateOptions options)
    : options_(std::move(options)),
      per_address_(options_.fetches_per_address, options_.window),
      per_host_(options_.fetches_per_host, options_.window) {
  options_.threads = std::max(options_.threads, 1u);
  options_.in_flight_per_host = std::max(options_.in_flight_per_host, 1);
  for (unsigned i = 0; i < options_.threads; ++i) threads_.emplace_back([this] { work(); });
}

InboxGate::~InboxGate() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

void InboxGate::work() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

std::optional<int64_t> InboxGate::failed_recently(const std::string& key, int64_t now) {
  if (options_.failure_seconds <= 0) return std::nullopt;
  std::lock_guard lock(mu_);
  return failed_recently_locked(key, now);
}

std::optional<int64_t> InboxGate::failed_recently_locked(const std::string& key, int64_t now) {
  if (options_.failure_seconds <= 0) return std::nullopt;
  auto it = failures_.find(key);
  if (it == failures_.end()) return std::nullopt;
  const int64_t left = it->second + options_.failure_seconds - now;
  if (left <= 0) {
    failures_.erase(it);
    return std::nullopt;
  }
  return left;
}

void InboxGate::remember_failure(const std::string& key, int64_t now) {
  if (options_.failure_seconds <= 0) return;
  std::lock_guard lock(mu_);
  if (failures_.size() >= options_.max_remembered && !failures_.contains(key)) {
    std::erase_if(failures_,
                  [&](const auto& e) { return e.second + options_.failure_seconds <= now; });
    if (failures_.size() >= options_.max_remembered) {
      auto oldest =
          std::min_element(failures_.begin(), failures_.end(),
                           [](const auto& a, const auto& b) { return a.second < b.second; });
      failures_.erase(oldest);
    }
  }
  failures_[key] = now;
}

unsigned InboxGate::busy() const {
  std::lock_guard lock(mu_);
  return busy_;
}

store::RemoteActor InboxGate::run(std::string_view client, const std::string& host,
                                  const std::vector<std::string>& failure_keys, int64_t now,
                                  std::function<store::RemoteActor()> fetch,
                                  const std::function<std::exception_ptr()>& on_timeout) {
  const auto retry_after =
      std::chrono::seconds(std::max<int64_t>(1, (options_.deadline.count() + 999) / 1000));
  {
    std::lock_guard lock(mu_);
    if (busy_ >= options_.threads)
      throw ApiError::too_many_requests("Too many signer fetches in progress; try again later",
                                        retry_after)
          .with_reason("fetch_pool_busy");
    if (in_flight_[host] >= options_.in_flight_per_host)
      throw ApiError::too_many_requests(
          "A fetch from the signer's host is in progress; try again later", retry_after)
          .with_reason("fetch_host_busy");
  }
  if (!client.empty()) {
    if (auto wait = per_address_.acquire(client_key(client)))
      throw ApiError::too_many_requests(
          "Too many inbox requests with unknown signers from this address; try again in " +
              std::to_string(wait->count()) + " seconds",
          *wait)
          .with_reason("fetch_address_limit");
  }
  if (auto wait = per_host_.acquire(host))
    throw ApiError::too_many_requests(
        "Too many inbox requests with unknown signers from this host; try again in " +
            std::to_string(wait->count()) + " seconds",
        *wait)
        .with_reason("fetch_host_limit");

  auto promise = std::make_shared<std::promise<store::RemoteActor>>();
  auto result = promise->get_future();
  {
    std::lock_guard lock(mu_);
    for (const auto& key : failure_keys)
      if (auto left = failed_recently_locked(key, now)) throw RecentlyFailed{*left};
    // Checked again under the lock that counts: two requests may have passed the first look.
    if (busy_ >= options_.threads || in_flight_[host] >= options_.in_flight_per_host)
      throw ApiError::too_many_requests("Too many signer fetches in progress; try again later",
                                        retry_after)
          .with_reason("fetch_pool_busy");
    ++busy_;
    ++in_flight_[host];
    queue_.push_back([this, host, promise, fetch = std::move(fetch)] {
      try {
        promise->set_value(fetch());
      } catch (...) {
        promise->set_exception(std::current_exception());
      }
      std::lock_guard done(mu_);
      --busy_;
      if (auto it = in_flight_.find(host); it != in_flight_.end() && --it->second <= 0)
        in_flight_.erase(it);
    });
  }
  wake_.notify_one();
  // The fetch keeps its own deadline; the margin only covers a fetch that overran it.
  if (result.wait_for(options_.deadline + std::chrono::milliseconds(1000)) !=
      std::future_status::ready)
    std::rethrow_exception(on_timeout());
  return result.get();
}

}  // namespace artdag::services::federation
