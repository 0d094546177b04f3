#include "api/routes.h"
#include "util/error.h"
#include "util/metrics.h"

namespace artdag::api {

void add_health_routes(Router& router, services::Services& services) {
  router.add("GET", "/health", [&services](Request&) {
    auto health = services.health();
    if (!health.database_reachable)
      return Response::json(503, Json{{"status", "unavailable"}, {"database", "unreachable"}});
    return Response::json(
        200, Json{{"status", "ok"}, {"database", health.backend}, {"version", ARTDAG_VERSION}});
  });
  // Prometheus text format; for the operator's scraper only (ARTDAG_METRICS_ALLOW or the
  // metrics token), never cached: every scrape reads the gauges afresh.
  router.add("GET", "/metrics", [&services](Request& req) {
    const auto token = bearer_token(req);
    if (!services.may_read_metrics(req.remote_address, token)) {
      if (token) throw ApiError::unauthorized("The metrics token is not valid");
      throw ApiError::forbidden("Metrics are served only to the addresses in ARTDAG_METRICS_ALLOW");
    }
    auto response = Response::text(200, metrics::exposition(services.metrics_gauges()),
                                   std::string(metrics::kContentType));
    response.set_header("Cache-Control", "no-store");
    return response;
  });
}

}  // namespace artdag::api
