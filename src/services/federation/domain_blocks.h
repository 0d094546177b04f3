#pragma once
// Domain blocks as every check reads them (docs/protocol.md "Moderation"): the inbox refuses
// blocked senders before any fetch, the resolver fetches nothing from them, the delivery
// worker drops what is addressed to them. The list is read from the store at most once a
// second per process, so a block added by the CLI or another process holds within 2 s.
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/federation_store.h"

namespace artdag::services::federation {

// A block's host from what an operator typed: "Example.COM", "example.com:8443",
// "https://example.com/" all give "example.com"; nullopt for anything without a host.
std::optional<std::string> domain_block_host(std::string_view text);

class DomainBlockList {
 public:
  explicit DomainBlockList(store::FederationStore& store,
                           std::chrono::milliseconds refresh = std::chrono::seconds(1));

  // Whether `url`'s host is a blocked domain or one of its subdomains (any port).
  bool blocks_url(std::string_view url) const;
  bool blocks_host(std::string_view host) const;
  // Reads the list again at the next check (after this process changed it).
  void invalidate() const;

 private:
  std::shared_ptr<const std::vector<std::string>> current() const;

  store::FederationStore& store_;
  std::chrono::milliseconds refresh_;
  mutable std::mutex mutex_;
  mutable std::shared_ptr<const std::vector<std::string>> hosts_;
  mutable std::chrono::steady_clock::time_point loaded_at_{};
};

}  // namespace artdag::services::federation
