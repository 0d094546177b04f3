#include "http/api.h"

#include <spdlog/spdlog.h>

#include <memory>

#include "util/error.h"

namespace artdag::http {

RequestHandler make_request_handler(services::Services& services) {
  auto router = std::make_shared<Router>();
  add_health_routes(*router, services);
  add_auth_routes(*router, services);
  add_asset_routes(*router, services);
  add_activitypub_routes(*router, services);

  return [router](Request& request) -> Response {
    try {
      return router->dispatch(request);
    } catch (const ApiError& e) {
      auto res = Response::error(e.status(), e.detail());
      if (e.status() == 401) res.set_header("WWW-Authenticate", "Bearer");
      return res;
    } catch (const StoreUnavailable& e) {
      spdlog::error("database unavailable during {} {}: {}", request.method, request.path, e.what());
      auto res = Response::error(503, "Database unavailable, try again shortly");
      res.set_header("Retry-After", "5");
      return res;
    } catch (const std::exception& e) {
      spdlog::error("unhandled error during {} {}: {}", request.method, request.path, e.what());
      return Response::error(500, "Internal server error");
    }
  };
}

}  // namespace artdag::http
