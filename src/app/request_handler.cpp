#include "app/request_handler.h"

#include <memory>

#include "api/routes.h"
#include "http/error_response.h"
#include "http/negotiation.h"
#include "web/pages.h"

namespace artdag::app {

http::Application make_application(services::Services& services) {
  auto router = std::make_shared<http::Router>();
  api::add_api_routes(*router, services);
  // HTML pages, and HTML variants of shared paths for clients that prefer text/html.
  auto error_page = web::add_web_routes(*router, services);

  auto handler = [router, error_page](http::Request& request) -> http::Response {
    http::Response response;
    try {
      response = router->dispatch(request);
    } catch (...) {
      auto answer = http::error_answer(std::current_exception(), request);
      response =
          http::prefers_html(request) ? error_page(request, answer) : http::json_error(answer);
    }
    response.route = request.route;
    return response;
  };
  return {handler, [router](const http::Request& request) { return router->cost_of(request); }};
}

}  // namespace artdag::app
