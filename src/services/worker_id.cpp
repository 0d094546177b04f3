#include "services/worker_id.h"

#include <unistd.h>

#include <cstdio>

#include "crypto/hash.h"

namespace artdag::services {

std::string make_worker_id() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0')
    std::snprintf(host, sizeof host, "host");
  return std::string(host) + ":" + std::to_string(::getpid()) + ":" + crypto::random_token_hex(4);
}

}  // namespace artdag::services
