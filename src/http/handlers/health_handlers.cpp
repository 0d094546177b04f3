#include "http/api.h"

namespace artdag::http {

void add_health_routes(Router& router, services::Services& services) {
  router.add("GET", "/health", [&services](Request&) {
    if (!services.store->ping())
      return Response::json(503, Json{{"status", "unavailable"}, {"database", "unreachable"}});
    return Response::json(200, Json{{"status", "ok"},
                                    {"database", services.store->backend()},
                                    {"version", ARTDAG_VERSION}});
  });
}

}  // namespace artdag::http
