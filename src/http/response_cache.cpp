#include "http/response_cache.h"

namespace artdag::http {

ResponseCache::ResponseCache(std::chrono::milliseconds ttl, std::size_t byte_budget)
    : ttl_(ttl), byte_budget_(byte_budget) {}

std::string ResponseCache::key(std::string_view target, std::string_view accept) {
  std::string out;
  out.reserve(target.size() + accept.size() + 1);
  out.append(target);
  out.push_back('\n');  // cannot occur in a request target or a header value
  out.append(accept);
  return out;
}

std::shared_ptr<const Response> ResponseCache::find(const std::string& key,
                                                    Clock::time_point now) const {
  if (!enabled()) return nullptr;
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  // Entries are always of the current generation: invalidate() empties the map and store()
  // refuses older answers, both under this lock.
  if (now >= it->second.expires) return nullptr;
  return it->second.response;
}

void ResponseCache::store(std::string key, const Response& response, std::uint64_t generation,
                          Clock::time_point now) {
  if (!enabled() || !response.public_cacheable || response.status != 200) return;
  std::size_t cost = key.size() + response.body.size();
  if (cost > byte_budget_) return;
  auto copy = std::make_shared<const Response>(response);
  std::lock_guard lock(mutex_);
  // Checked under the lock: invalidate() takes it too, so no write slips in between.
  if (generation != this->generation()) return;
  if (bytes_ + cost > byte_budget_) {
    entries_.clear();
    bytes_ = 0;
  }
  auto [it, inserted] = entries_.try_emplace(std::move(key));
  if (!inserted) bytes_ -= it->first.size() + it->second.response->body.size();
  it->second = Entry{std::move(copy), now + ttl_};
  bytes_ += cost;
}

void ResponseCache::invalidate() {
  std::lock_guard lock(mutex_);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  entries_.clear();
  bytes_ = 0;
}

std::size_t ResponseCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace artdag::http
