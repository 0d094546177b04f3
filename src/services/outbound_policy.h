#pragma once
// The one outbound HTTP policy of this server, from its configuration: every client that
// reaches another host (L1 fetches, remote actors, deliveries, the CLI's fetches) uses it.
#include "config/config.h"
#include "net/http_client.h"

namespace artdag::services {

inline net::OutboundPolicy outbound_policy(const Config& config) {
  return net::OutboundPolicy{config.allow_private_networks};
}

}  // namespace artdag::services
