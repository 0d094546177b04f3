#pragma once
// Private to store/: a fixed-size pool of connections. Connections are opened lazily up to
// the limit, handed out most-recently-used first, and dropped instead of returned when
// they are no longer healthy, so the next user opens a fresh one (reconnect on next use).
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "util/error.h"

namespace artdag::store::sql {

template <class C>
class Pool {
 public:
  using Factory = std::function<std::unique_ptr<C>()>;
  using Healthy = std::function<bool(C&)>;

  // A connection on loan; returned to the pool (or dropped when unhealthy) on destruction.
  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<C> conn, bool fresh)
        : pool_(pool), conn_(std::move(conn)), fresh_(fresh) {}
    Lease(Lease&& o) noexcept : pool_(o.pool_), conn_(std::move(o.conn_)), fresh_(o.fresh_) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (conn_) pool_->release(std::move(conn_));
    }
    C& operator*() const { return *conn_; }
    C* operator->() const { return conn_.get(); }
    // True when the connection was opened for this lease (so it cannot be stale).
    bool fresh() const { return fresh_; }

   private:
    Pool* pool_;
    std::unique_ptr<C> conn_;
    bool fresh_;
  };

  Pool(int max_size, Factory factory, Healthy healthy)
      : max_(max_size < 1 ? 1 : max_size),
        factory_(std::move(factory)),
        healthy_(std::move(healthy)) {}

  // Adds an already open connection (the one opened to check the database at start).
  void seed(std::unique_ptr<C> conn) {
    std::lock_guard lock(mu_);
    ++open_;
    idle_.push_back(std::move(conn));
  }

  Lease acquire(std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, timeout, [this] { return !idle_.empty() || open_ < max_; }))
      throw StoreUnavailable("all database connections are busy");
    if (!idle_.empty()) {
      std::unique_ptr<C> conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn), false);
    }
    ++open_;
    lock.unlock();
    try {
      return Lease(this, factory_(), true);
    } catch (...) {
      lock.lock();
      --open_;
      cv_.notify_one();
      throw;
    }
  }

 private:
  void release(std::unique_ptr<C> conn) {
    const bool keep = healthy_(*conn);
    if (!keep) conn.reset();  // closes it, outside the lock
    std::lock_guard lock(mu_);
    if (keep) {
      idle_.push_back(std::move(conn));
    } else {
      --open_;
    }
    cv_.notify_one();
  }

  const int max_;
  Factory factory_;
  Healthy healthy_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<C>> idle_;
  int open_ = 0;
};

}  // namespace artdag::store::sql
