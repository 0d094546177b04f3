#include "services/federation/domain_blocks.h"

#include <spdlog/spdlog.h>

#include "util/text.h"
#include "util/url.h"

namespace artdag::services::federation {

std::optional<std::string> domain_block_host(std::string_view text) {
  const std::string trimmed(trim_ascii_space(text));
  if (trimmed.empty()) return std::nullopt;
  if (trimmed.find("://") != std::string::npos) return url_host(trimmed);
  // A bare host, maybe with a port: read it as the authority of a URL.
  if (trimmed.find_first_of("/?#@ ") != std::string::npos) return std::nullopt;
  return url_host("https://" + trimmed + "/");
}

DomainBlockList::DomainBlockList(store::FederationStore& store, std::chrono::milliseconds refresh)
    : store_(store), refresh_(refresh) {}

std::shared_ptr<const std::vector<std::string>> DomainBlockList::current() const {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  if (!hosts_ || now - loaded_at_ >= refresh_) {
    try {
      auto fresh = std::make_shared<std::vector<std::string>>();
      for (const auto& block : store_.list_domain_blocks()) fresh->push_back(block.host);
      hosts_ = std::move(fresh);
    } catch (const std::exception& e) {
      // The database is away: the last list read stays in force (none before the first).
      spdlog::warn("domain blocks: cannot read the list: {}", e.what());
      if (!hosts_) hosts_ = std::make_shared<std::vector<std::string>>();
    }
    loaded_at_ = now;
  }
  return hosts_;
}

bool DomainBlockList::blocks_host(std::string_view host) const {
  const std::string lower = ascii_lower(host);
  for (const auto& blocked : *current())
    if (host_within(lower, blocked)) return true;
  return false;
}

bool DomainBlockList::blocks_url(std::string_view url) const {
  auto host = url_host(url);
  return host && blocks_host(*host);
}

void DomainBlockList::invalidate() const {
  std::lock_guard lock(mutex_);
  hosts_.reset();
}

}  // namespace artdag::services::federation
