#pragma once
// Wakes the delivery worker. Whoever queues work for it — appends an activity (whose fan-out
// the worker expands) or calls Store::enqueue_delivery — calls notify() afterwards, so the
// delivery starts now rather than at the worker's next poll (~200 ms). Without a running
// worker (offline commands, tests) a notification is simply never consumed.
//
// notify() only wakes this process's worker; other processes on the same database find the
// job at their next poll.
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace artdag::services::federation {

class DeliveryNotifier {
 public:
  void notify() {
    {
      std::lock_guard lock(mutex_);
      pending_ = true;
    }
    cv_.notify_all();
  }

  // Returns when notified (true) or after `timeout` (false). Consumes the notification:
  // several notify() calls before a wait wake it once.
  bool wait_for(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    const bool woken = cv_.wait_for(lock, timeout, [this] { return pending_; });
    pending_ = false;
    return woken;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool pending_ = false;
};

}  // namespace artdag::services::federation
