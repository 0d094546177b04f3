#include "http/api.h"

#include <spdlog/spdlog.h>

#include <memory>

#include "http/negotiation.h"
#include "services/rate_limiter.h"
#include "util/error.h"
#include "web/pages.h"

namespace artdag::http {

RequestHandler make_request_handler(services::Services& services) {
  auto router = std::make_shared<Router>();
  add_health_routes(*router, services);
  add_auth_routes(*router, services);
  add_asset_routes(*router, services);
  add_activitypub_routes(*router, services);
  add_l1_routes(*router, services);
  add_federation_routes(*router, services);
  // HTML pages, and HTML variants of shared paths for clients that prefer text/html.
  auto error_page = web::add_web_routes(*router, services);

  return [router, error_page](Request& request) -> Response {
    try {
      return router->dispatch(request);
    } catch (const ApiError& e) {
      auto res = prefers_html(request) ? error_page(request, e.status(), e.detail())
                                       : Response::error(e.status(), e.detail());
      if (e.status() == 401 && !prefers_html(request)) res.set_header("WWW-Authenticate", "Bearer");
      if (auto* limited = dynamic_cast<const services::RateLimited*>(&e))
        res.set_header("Retry-After", std::to_string(limited->retry_after().count()));
      return res;
    } catch (const StoreUnavailable& e) {
      spdlog::error("database unavailable during {} {}: {}", request.method, request.path,
                    e.what());
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
