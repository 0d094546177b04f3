#include "api/routes.h"

namespace artdag::api {

void add_health_routes(Router& router, services::Services& services) {
  router.add("GET", "/health", [&services](Request&) {
    auto health = services.health();
    if (!health.database_reachable)
      return Response::json(503, Json{{"status", "unavailable"}, {"database", "unreachable"}});
    return Response::json(
        200, Json{{"status", "ok"}, {"database", health.backend}, {"version", ARTDAG_VERSION}});
  });
}

}  // namespace artdag::api
